/*
 * text.c - the report for a terminal: run facts first (kernel, recipe, source, plan,
 * duration, events, events lost per CPU), the loss warning loudly when anything was
 * lost, then each analysis with its confidence; outstanding groups in the shape of
 * bcc's memleak ("N bytes in M allocations from stack" then the frames).  Also the
 * verdict and loss sentences the JSON and the diff share.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report-local.h"
#include "analyze/trend.h"
#include "util/strbuf.h"
#include "util/units.h"

const char *tb_verdict_text(uint64_t a, uint64_t b, char *buf, size_t size)
{
	if (!a && !b)	/* none of the calls seen: 0 vs 0 is no evidence of balance */
		snprintf(buf, size, "no verdict: neither call seen");
	else if (a == b)
		snprintf(buf, size, "balanced");
	else if (a > b)
		snprintf(buf, size, "%" PRIu64 " unbalanced", a - b);
	else
		snprintf(buf, size, "%" PRIu64 " more releases than acquisitions", b - a);
	return buf;
}

char *tb_report_loss_text(const struct tb_report *rep)
{
	struct strbuf sb = STRBUF_INIT;

	if (rep->lost) {
		strbuf_addf(&sb, "%" PRIu64 " events lost: %" PRIu64 " frees may be missing; "
			    "outstanding counts are upper bounds", rep->lost, rep->lost);
		if (rep->lost_unknown)
			strbuf_addstr(&sb, " (and more lost, count unknown)");
	} else if (rep->lost_unknown) {
		strbuf_addstr(&sb, "events were lost (the kernel did not say how many): frees "
			      "may be missing; outstanding counts are upper bounds");
	} else {
		return NULL;
	}
	return strbuf_failed(&sb) ? NULL : strbuf_detach(&sb, NULL);
}

#define TB_TEXT_TOP 10

/* The plural ending of a count: "1 object", "2 objects". */
#define PL(n) ((n) == 1 ? "" : "s")

/* An analysis none of whose events were in the input has no verdict to give. */
#define TB_SAW_NOTHING "saw none of its events: no verdict"

/*
 * tb_report_seen_text - "kmem:kmalloc 3, kmem:kfree 2" (the events the input has), or
 * NULL when the report does not know them (read from an older JSON) or on ENOMEM.
 */
char *tb_report_seen_text(const struct tb_report *rep)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!rep->seen_known)
		return NULL;
	if (!rep->nseen)
		strbuf_addstr(&sb, "no events at all");
	for (i = 0; i < rep->nseen; i++)
		strbuf_addf(&sb, "%s%s %" PRIu64, i ? ", " : "", rep->seen[i].event,
			    rep->seen[i].count);
	return strbuf_failed(&sb) ? NULL : strbuf_detach(&sb, NULL);
}

/*
 * How many groups got which verdict over time, and, when some grow steadily in a short
 * run, that a cache still warming up does that too (TB_TREND_SHORT_RUN_NS).
 */
static void print_trend_summary(const struct tb_report *rep, const struct tb_rpair *p, FILE *out)
{
	unsigned nv[4] = { 0, 0, 0, 0 };
	char iv[32], span[32];
	size_t i, with = 0;

	for (i = 0; i < p->nsites; i++) {
		const struct tb_rsite *s = &p->sites[i];

		if (s->trend.n >= 2 && s->verdict >= 0 && s->verdict < 4) {
			nv[s->verdict]++;
			with++;
		}
	}
	if (!with)
		return;
	fprintf(out, "   over time");
	if (rep->interval_ns && rep->duration_ns)
		fprintf(out, " (every %s for %s)", tb_fmt_duration(rep->interval_ns, iv, sizeof(iv)),
			tb_fmt_duration(rep->duration_ns, span, sizeof(span)));
	fprintf(out, ": %u grow%s steadily, %u plateau, %u churn, %u too short to tell\n",
		nv[TB_V_GROWS], nv[TB_V_GROWS] == 1 ? "s" : "", nv[TB_V_PLATEAU], nv[TB_V_CHURN],
		nv[TB_V_SHORT]);
	if (nv[TB_V_GROWS] && rep->duration_ns && rep->duration_ns < TB_TREND_SHORT_RUN_NS)
		fprintf(out, "   !! a run of %s is short: caches still warming up grow steadily in it "
			"too; run for 10 minutes or more (-d 10m) before calling a group a leak\n",
			tb_fmt_duration(rep->duration_ns, span, sizeof(span)));
}

static void print_no_verdict(const struct tb_report *rep, FILE *out)
{
	char *seen = tb_report_seen_text(rep);

	fprintf(out, "\n!! NO VERDICT: none of the recipe's events are in the input\n");
	if (seen)
		fprintf(out, "!! the input has: %s\n", seen);
	free(seen);
}

/* Seconds as the user reads durations ("39ms", "1m00s"). */
static const char *dur(double s, char *buf, size_t size)
{
	return tb_fmt_duration((uint64_t)(s * 1e9 + 0.5), buf, size);
}

static void print_head(const struct tb_report *rep, FILE *out)
{
	char buf[64], to[64];
	size_t i;
	char *loss;

	fprintf(out, "%s %s report", rep->tool ? rep->tool : "tracebook",
		rep->version ? rep->version : "?");
	if (rep->recipe)
		fprintf(out, ": recipe %s", rep->recipe);
	fputc('\n', out);
	if (rep->partial)
		fprintf(out, "!! partial report, through %s: written during the run, which did not "
			"end (killed, or still running)\n", tb_fmt_duration(rep->duration_ns, buf, sizeof(buf)));
	if (rep->kernel_release || rep->arch)
		fprintf(out, "  kernel     %s%s%s%s\n", rep->kernel_release ? rep->kernel_release :
			"unknown", rep->arch ? " (" : "", rep->arch ? rep->arch : "",
			rep->arch ? ")" : "");
	if (rep->source)
		fprintf(out, "  source     %s\n", rep->source);
	if (rep->origin)
		fprintf(out, "  read from  %s\n", rep->origin);
	for (i = 0; i < rep->plan.n; i++)
		fprintf(out, "  %-10s %s\n", i ? "" : "plan", rep->plan.v[i]);
	if (rep->duration_ns)
		fprintf(out, "  duration   %s\n", tb_fmt_duration(rep->duration_ns, buf, sizeof(buf)));
	fprintf(out, "  events     %" PRIu64 " seen, %" PRIu64 " lost%s", rep->events, rep->lost,
		rep->lost_unknown ? " (and an unknown number more)" : "");
	if (rep->lost && rep->lost_per_cpu) {
		const char *sep = " (";
		uint64_t sum = 0;

		for (i = 0; i < rep->ncpus; i++) {
			if (!rep->lost_per_cpu[i])
				continue;
			fprintf(out, "%scpu%zu: %" PRIu64, sep, i, rep->lost_per_cpu[i]);
			sum += rep->lost_per_cpu[i];
			sep = ", ";
		}
		if (sum && sum < rep->lost)
			fprintf(out, ", CPU not known: %" PRIu64, rep->lost - sum);
		if (strcmp(sep, " ("))
			fputc(')', out);
	}
	fputc('\n', out);
	loss = tb_report_loss_text(rep);
	if (loss) {
		fprintf(out, "\n!! WARNING: %s\n", loss);
		if (rep->lost_from_s >= 0)
			fprintf(out, "!! lost between %s and %s into the run; objects allocated "
				"after that are certain\n", dur(rep->lost_from_s, buf, sizeof(buf)),
				dur(rep->lost_to_s, to, sizeof(to)));
		free(loss);
	}
	for (i = 0; i < rep->notes.n; i++)
		fprintf(out, "%snote: %s\n", i ? "" : "\n", rep->notes.v[i]);
}

/*
 * tb_report_confidence_text - the confidence of one analysis into buf: the loss
 * sentence, and when malformed lines could have been its events (@unread) or events
 * had no usable key (@nokey), those too and how many of its @count outstanding
 * objects they make uncertain (@uncertain, an upper bound).  @releases: what a lost
 * event may hide ("frees", "puts").
 */
const char *tb_report_confidence_text(const struct tb_report *rep, const char *releases,
				      uint64_t unread, uint64_t nokey, uint64_t count,
				      uint64_t uncertain, char *buf, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	const char *sep = "upper bound: ";

	if (!unread && !nokey) {
		if (rep->lost)
			snprintf(buf, size, "upper bound: %" PRIu64 " events lost, so up to %"
				 PRIu64 " %s may be missing", rep->lost, rep->lost, releases);
		else if (rep->lost_unknown)
			snprintf(buf, size, "upper bound: events were lost (count unknown), %s "
				 "may be missing", releases);
		else
			snprintf(buf, size, "no events lost");
		return buf;
	}
	if (rep->lost) {
		strbuf_addf(&sb, "%s%" PRIu64 " events lost", sep, rep->lost);
		sep = ", ";
	} else if (rep->lost_unknown) {
		strbuf_addf(&sb, "%sevents lost (count unknown)", sep);
		sep = ", ";
	}
	if (unread) {
		strbuf_addf(&sb, "%s%" PRIu64 " malformed lines that could have been its events",
			    sep, unread);
		sep = ", ";
	}
	if (nokey)
		strbuf_addf(&sb, "%s%" PRIu64 " events without a usable key", sep, nokey);
	strbuf_addf(&sb, ", so %s may be missing: up to %" PRIu64 " of the %" PRIu64
		    " outstanding objects are uncertain, and allocations may be missing too",
		    releases, uncertain, count);
	snprintf(buf, size, "%s", strbuf_failed(&sb) ? "upper bound (out of memory)" : sb.buf);
	strbuf_release(&sb);
	return buf;
}

/* "+1.2 k" style rate: whole numbers below 10 k, else with a unit. */
static const char *rate(double v, char *buf, size_t size)
{
	double a = v < 0 ? -v : v;

	if (a < 0.5)
		v = 0;
	if (a < 10000)
		snprintf(buf, size, "%+.0f", v);
	else if (a < 1e7)
		snprintf(buf, size, "%+.1f k", v / 1e3);
	else
		snprintf(buf, size, "%+.1f M", v / 1e6);
	return buf;
}

static const char *rate_bytes(double v, char *buf, size_t size)
{
	char b[32];

	tb_fmt_bytes((uint64_t)(v < 0 ? -v : v), b, sizeof(b));
	snprintf(buf, size, "%s%s", v <= -1 ? "-" : "+", b);
	return buf;
}

/**
 * tb_report_print_interval - the --interval lines: per pair analysis, outstanding now
 * and the change this interval, its most grown groups this interval, then (from @rep,
 * the partial report of the same moment, when there is one) its top groups so far
 * with their verdict-so-far, outstanding count and bytes and rate per hour.
 * @top: groups of the trend table shown per analysis (--top; 0: 10)
 */
void tb_report_print_interval(const struct tb_interval *iv, const struct tb_report *rep,
			      unsigned top, FILE *out)
{
	char when[32], b1[32], b2[32], r1[32];
	unsigned i, k;
	size_t j, n;

	if (!top)
		top = 10;
	tb_fmt_duration(iv->since_start_ns, when, sizeof(when));
	for (i = 0; i < iv->npairs; i++) {
		const struct tb_interval_pair *p = &iv->pairs[i];
		const struct tb_rpair *rp = NULL;
		int64_t tb = p->dbytes;

		fprintf(out, "[%s] %s: %" PRIu64 " outstanding (%s), %+" PRId64 " objects "
			"(%s%s) this interval\n", when, p->label, p->count,
			tb_fmt_bytes(p->bytes, b1, sizeof(b1)), p->dcount, tb < 0 ? "-" : "+",
			tb_fmt_bytes((uint64_t)(tb < 0 ? -tb : tb), b2, sizeof(b2)));
		for (k = 0; k < p->ntop; k++)
			fprintf(out, "    %+" PRId64 " objects %+" PRId64 " bytes  %s%s%s\n",
				p->top[k].dcount, p->top[k].dbytes, p->top[k].site,
				p->top[k].by ? "  " : "", p->top[k].by ? p->top[k].by : "");
		for (j = 0; rep && j < rep->npairs; j++)
			if (!strcmp(rep->pairs[j].label, p->label))
				rp = &rep->pairs[j];
		if (!rp || !rp->nsites)
			continue;
		n = rp->nsites < top ? rp->nsites : top;
		fprintf(out, "    trend so far (top %zu of %" PRIu64 " groups):\n", n, rp->groups);
		for (j = 0; j < n; j++) {
			const struct tb_rsite *s = &rp->sites[j];

			fprintf(out, "    %-17s %8" PRIu64 " %-7s %10s %8s/h  %s%s%s%s\n",
				tb_verdict_words((enum tb_verdict)s->verdict), s->count,
				s->count == 1 ? "object" : "objects",
				tb_fmt_bytes(s->bytes, b1, sizeof(b1)),
				rate(s->objects_h, r1, sizeof(r1)), s->site, s->by ? " (" : "",
				s->by ? s->by : "", s->by ? ")" : "");
		}
	}
}

/**
 * tb_report_print_group_detail - the lines under a group's head line: verdict and rate
 * per hour, allocations/frees/never-freed share and bytes per object, median age, the
 * tasks that allocated, the trend, and --addresses.
 */
void tb_report_print_group_detail(const struct tb_rsite *s, FILE *out)
{
	char r1[32], r2[48], b1[32], d[32];
	size_t k;

	fprintf(out, "\t%s", tb_verdict_words(s->verdict));
	if (s->verdict != TB_V_SHORT || s->trend.n > 1) {
		fprintf(out, ", %s objects/h", rate(s->objects_h, r1, sizeof(r1)));
		if (s->bytes || s->bytes_h)
			fprintf(out, ", %s/h", rate_bytes(s->bytes_h, r2, sizeof(r2)));
	}
	if (s->why)
		fprintf(out, " (%s)", s->why);
	fputc('\n', out);
	fprintf(out, "\t%" PRIu64 " allocation%s, %" PRIu64 " free%s", s->allocs,
		s->allocs == 1 ? "" : "s", s->frees, s->frees == 1 ? "" : "s");
	if (s->allocs)
		fprintf(out, ", %.0f%% never freed", 100.0 * (double)s->count / (double)s->allocs);
	if (s->count && s->bytes)
		fprintf(out, "; %s per object",
			tb_fmt_bytes(s->bytes / s->count, b1, sizeof(b1)));
	if (s->median_ns >= 0)
		fprintf(out, "; median age %s", tb_fmt_duration((uint64_t)s->median_ns, d,
								 sizeof(d)));
	fputc('\n', out);
	if (s->ntasks) {
		fprintf(out, "\tby ");
		for (k = 0; k < s->ntasks; k++) {
			fprintf(out, "%s", k ? ", " : "");
			if (s->tasks[k].pid < 0 && !s->tasks[k].comm)
				fprintf(out, "task unknown");
			else
				fprintf(out, "%s[%d]", s->tasks[k].comm ? s->tasks[k].comm : "?",
					(int)s->tasks[k].pid);
			fprintf(out, " %" PRIu64, s->tasks[k].allocs);
		}
		if (s->other_tasks)
			fprintf(out, ", other tasks %" PRIu64, s->other_tasks);
		fputc('\n', out);
	}
	if (s->trend.n > 1) {
		fprintf(out, "\ttrend every %s:", tb_fmt_duration(s->trend.interval_ns, d, sizeof(d)));
		for (k = 0; k < s->trend.n && k < 24; k++)
			fprintf(out, " %" PRIu64, s->trend.count[k]);
		if (s->trend.n > 24)
			fprintf(out, " ... %" PRIu64, s->trend.count[s->trend.n - 1]);
		fprintf(out, " objects\n");
	}
	if (s->addrs_listed) {
		fprintf(out, "\taddresses (oldest first):");
		for (k = 0; k < s->naddrs; k++)
			fprintf(out, "%s0x%" PRIx64, k % 4 ? " " : "\n\t  ", s->addrs[k]);
		if (s->addrs_omitted)
			fprintf(out, "\n\t  ... %" PRIu64 " more not listed (--addresses N)",
				s->addrs_omitted);
		fputc('\n', out);
	}
}

static void print_pair(const struct tb_report *rep, const struct tb_rpair *p, FILE *out,
		       unsigned top)
{
	char b1[32], b2[32], conf[320], age[32];
	size_t i;
	unsigned k;

	fprintf(out, "\n== pair %s: %s -> %s\n", p->label, p->alloc, p->free);
	if (!tb_rpair_saw_events(p)) {
		fprintf(out, "   %s\n", TB_SAW_NOTHING);
		return;
	}
	fprintf(out, "   %" PRIu64 " allocation%s, %" PRIu64 " free%s; outstanding %" PRIu64
		" object%s", p->allocs, PL(p->allocs), p->frees, PL(p->frees), p->count,
		PL(p->count));
	if (p->bytes)
		fprintf(out, ", %s (requested %s)", tb_fmt_bytes(p->bytes, b1, sizeof(b1)),
			tb_fmt_bytes(p->req, b2, sizeof(b2)));
	fprintf(out, " in %" PRIu64 " group%s\n", p->groups, p->groups == 1 ? "" : "s");
	fprintf(out, "   frees of objects allocated before the run: %" PRIu64
		"; freed on another CPU: %" PRIu64 "\n", p->unmatched_frees, p->cross_cpu_frees);
	fprintf(out, "   implicit frees (pointer reused while live, not outstanding): %" PRIu64
		"; NULL frees ignored: %" PRIu64, p->implicit_frees, p->null_frees);
	if (p->failed_allocs)
		fprintf(out, "; failed (NULL) allocations: %" PRIu64, p->failed_allocs);
	fputc('\n', out);
	if (p->inversions)
		fprintf(out, "   %" PRIu64 " frees arrived just before their allocation (cross-CPU "
			"clock skew), paired anyway\n", p->inversions);
	if (p->hidden)
		fprintf(out, "   %" PRIu64 " events cannot pair: pointers hidden by the kernel\n",
			p->hidden);
	if (p->nokey)
		fprintf(out, "   %" PRIu64 " events had no usable key field\n", p->nokey);
	if (p->filtered)
		fprintf(out, "   %" PRIu64 " allocations of other tasks left out (--pid/--comm); "
			"frees are never filtered, so frees of their objects count as unmatched\n",
			p->filtered);
	if (p->untracked_allocs)
		fprintf(out, "   !! %" PRIu64 " allocations not tracked: the cap of %" PRIu64
			" tracked objects was reached (their frees count as unmatched; outstanding counts are lower bounds)\n",
			p->untracked_allocs, p->max_objects);
	if (p->untracked_groups)
		fprintf(out, "   !! %" PRIu64 " groups have no trend: past the cap of groups with a trend\n",
			p->untracked_groups);
	if (p->older_ns) {
		char od[32];

		fprintf(out, "   --older %s: %" PRIu64 " younger outstanding objects not shown\n",
			tb_fmt_duration(p->older_ns, od, sizeof(od)), p->older_hidden);
	}
	fprintf(out, "   confidence: %s%s\n",
		tb_report_confidence_text(rep, "frees", p->unread, p->nokey, p->count,
					  p->uncertain, conf, sizeof(conf)),
		p->hashed ? "; hashed 32-bit pointers may collide" : "");
	print_trend_summary(rep, p, out);
	if (!p->nsites) {
		/* events whose pointer the kernel hid could not be paired: no clean verdict */
		if (p->hidden)
			fprintf(out, "   outstanding objects unknown: %" PRIu64 " events could not be paired "
				"((____ptrval____): trace text from before the kernel's random pool was ready)\n",
				p->hidden);
		else
			fprintf(out, "   nothing outstanding\n");
		return;
	}
	fputc('\n', out);
	for (i = 0; i < p->nsites && i < top; i++) {
		const struct tb_rsite *s = &p->sites[i];

		if (s->bytes) {
			fprintf(out, "   %" PRIu64 " bytes", s->bytes);
			if (s->bytes >= 1024)
				fprintf(out, " (%s)", tb_fmt_bytes(s->bytes, b1, sizeof(b1)));
			fprintf(out, " in %" PRIu64 " allocation%s from %s", s->count,
				s->count == 1 ? "" : "s", s->nstack ? "stack" : s->site);
		} else {	/* no size (kprobes, a SLUB cache of unknown size): objects only */
			fprintf(out, "   %" PRIu64 " object%s from %s", s->count,
				s->count == 1 ? "" : "s", s->nstack ? "stack" : s->site);
		}
		if (s->by || s->oldest_ns >= 0) {
			fprintf(out, "  (");
			if (s->by)
				fprintf(out, "%s", s->by);
			if (s->by && s->oldest_ns >= 0)
				fprintf(out, ", ");
			if (s->oldest_ns >= 0)
				fprintf(out, "oldest %s", tb_fmt_duration((uint64_t)s->oldest_ns,
									  age, sizeof(age)));
			if ((rep->lost || rep->lost_unknown) && s->certain >= 0)
				fprintf(out, "; %" PRId64 " certain, allocated after the last loss",
					s->certain);
			fputc(')', out);
		}
		fputc('\n', out);
		tb_report_print_group_detail(s, out);
		if (s->nstack && strcmp(s->site, s->stack[0]))
			fprintf(out, "\tsite: %s\n", s->site);
		for (k = 0; k < s->nstack; k++)
			fprintf(out, "\t\t%s\n", s->stack[k]);
	}
	if (p->groups > top)
		fprintf(out, "   ... %" PRIu64 " more groups (--top N to see more; all in -o JSON)\n",
			p->groups - (top < p->nsites ? top : p->nsites));
}

static void print_counts(const struct tb_report *rep, FILE *out, unsigned top)
{
	const char *label = NULL;
	size_t i, shown = 0;

	for (i = 0; i < rep->ncounts; i++) {
		const struct tb_rcount *c = &rep->counts[i];

		if (!label || strcmp(label, c->label)) {
			label = c->label;
			shown = 0;
			fprintf(out, "\n== count %s\n   %10s  %-32s %s\n", label, "calls",
				"function", "caller");
		}
		if (shown++ >= top * 2)
			continue;
		fprintf(out, "   %10" PRIu64 "  %-32s %s\n", c->calls, c->function,
			c->caller ? c->caller : "(all callers)");
	}
	for (i = 0; i < rep->nevcounts; i++)
		fprintf(out, "%s   %10" PRIu64 "  %s\n", i ? "" : "\n== events counted\n",
			rep->evcounts[i].count, rep->evcounts[i].event);
}

static void print_verdicts(const struct tb_report *rep, FILE *out, unsigned top)
{
	char buf[96];
	size_t i, j;

	for (i = 0; i < rep->nverdicts; i++) {
		const struct tb_rverdict *v = &rep->verdicts[i];

		if (!tb_rverdict_saw_events(v)) {
			fprintf(out, "\n== balance of calls (%s): %s vs %s\n   %s\n", v->label,
				v->a, v->b, TB_SAW_NOTHING);
			continue;
		}
		fprintf(out, "\n== balance of calls (%s): %s %" PRIu64 " vs %s %" PRIu64 ": %s\n",
			v->label, v->a, v->a_calls, v->b, v->b_calls,
			tb_verdict_text(v->a_calls, v->b_calls, buf, sizeof(buf)));
		if (rep->lost || rep->lost_unknown)
			fprintf(out, "   confidence: events were lost; call counts are lower bounds\n");
		for (j = 0; j < v->ncallers && j < top; j++)
			fprintf(out, "   %6" PRIu64 " %-24s %6" PRIu64 " %-24s from %s\n",
				v->callers[j].a_calls, v->a, v->callers[j].b_calls, v->b,
				v->callers[j].caller);
	}
}

static void print_balance(const struct tb_report *rep, const struct tb_rbal *b, FILE *out,
			  unsigned top)
{
	char conf[320];
	size_t i;
	unsigned k;

	fprintf(out, "\n== refcount balance %s: get %s, put %s\n", b->label, b->get, b->put);
	if (!tb_rbal_saw_events(b)) {
		fprintf(out, "   %s\n", TB_SAW_NOTHING);
		return;
	}
	fprintf(out, "   %" PRIu64 " get%s, %" PRIu64 " put%s; %" PRIu64 " object%s still held "
		"(%" PRIu64 " reference%s); %" PRIu64 " puts of references taken before the run\n",
		b->gets, PL(b->gets), b->puts, PL(b->puts), b->held_objects, PL(b->held_objects),
		b->held_refs, PL(b->held_refs), b->unmatched_puts);
	if (b->hidden)
		fprintf(out, "   %" PRIu64 " events cannot pair: pointers hidden by the kernel\n",
			b->hidden);
	fprintf(out, "   confidence: %s\n",
		tb_report_confidence_text(rep, "puts", b->unread, b->nokey, b->held_objects,
					  b->uncertain, conf, sizeof(conf)));
	for (i = 0; i < b->nsites && i < top; i++) {
		if (!b->sites[i].objects)
			break;
		fprintf(out, "   %" PRIu64 " object%s (%" PRIu64 " reference%s) held, got at %s\n",
			b->sites[i].objects, PL(b->sites[i].objects), b->sites[i].refs,
			PL(b->sites[i].refs), b->sites[i].site);
		for (k = 0; k < b->sites[i].nstack; k++)
			fprintf(out, "\t\t%s\n", b->sites[i].stack[k]);
	}
}

int tb_report_print_text(const struct tb_report *rep, FILE *out, unsigned top)
{
	size_t i;

	if (!top)
		top = TB_TEXT_TOP;
	print_head(rep, out);
	if (tb_report_no_verdict(rep))
		print_no_verdict(rep, out);
	for (i = 0; i < rep->npairs; i++)
		print_pair(rep, &rep->pairs[i], out, top);
	print_counts(rep, out, top);
	print_verdicts(rep, out, top);
	for (i = 0; i < rep->nbals; i++)
		print_balance(rep, &rep->bals[i], out, top);
	if (rep->growth) {
		fprintf(out, "\n== slab growth\n");
		tb_report_print_growth(rep->growth, out, top);
	}
	if (!rep->npairs && !rep->ncounts && !rep->nevcounts && !rep->nverdicts && !rep->nbals &&
	    !rep->growth)
		fprintf(out, "\nno analysis had any event to work on\n");
	return ferror(out) ? -1 : 0;
}
