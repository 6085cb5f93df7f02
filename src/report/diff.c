/*
 * diff.c - two reports side by side (`tracebook diff`): the before/after
 * verification of a fix on one screen: outstanding objects per group, calls per
 * function, balance verdicts ("alloc_netdev_mqs 4 vs free_netdev 2 -> after the fix
 * 4 vs 4: balanced"), refcounts held, slab caches grown.  Moved from cmd/cmd-diff.c, which keeps the
 * command line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report-local.h"
#include "analyze/trend.h"
#include "util/err.h"
#include "util/units.h"

static int same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static void side(const char *what, const struct tb_report *r, FILE *out)
{
	char buf[32];
	char *loss = tb_report_loss_text(r);

	fprintf(out, "%-7s %s: recipe %s, kernel %s%s%s, %s, %" PRIu64 " events\n", what,
		r->origin, r->recipe ? r->recipe : "-", r->kernel_release ? r->kernel_release : "?",
		r->arch ? " " : "", r->arch ? r->arch : "",
		tb_fmt_duration(r->duration_ns, buf, sizeof(buf)),
		r->events);
	if (r->partial)
		fprintf(out, "!! %s: partial report, through %s (the run did not end)\n", what,
			tb_fmt_duration(r->duration_ns, buf, sizeof(buf)));
	if (loss) {
		fprintf(out, "!! %s: %s\n", what, loss);
		free(loss);
	}
}

/* ---- pairs ------------------------------------------------------------------------- */

struct grow {
	const char *site, *by;
	uint64_t c0, b0, c1, b1;
	int v0, v1;			/* verdicts (trend.h); -1: not in that report */
	double r0, r1;			/* bytes (or objects) per hour */
};

static int cmp_grow(const void *x, const void *y)
{
	const struct grow *a = x, *b = y;
	uint64_t ma = a->b0 > a->b1 ? a->b0 : a->b1, mb = b->b0 > b->b1 ? b->b0 : b->b1;
	uint64_t ca = a->c0 > a->c1 ? a->c0 : a->c1, cb = b->c0 > b->c1 ? b->c0 : b->c1;

	if (ma != mb)
		return ma > mb ? -1 : 1;
	if (ca != cb)
		return ca > cb ? -1 : 1;
	return strcmp(a->site, b->site);
}

static int add_groups(struct grow **v, size_t *n, const struct tb_rpair *p, int after)
{
	size_t i, j;

	for (i = 0; p && i < p->nsites; i++) {
		const struct tb_rsite *s = &p->sites[i];
		struct grow *g = NULL;

		for (j = 0; j < *n; j++)
			if (!strcmp((*v)[j].site, s->site) && same_str((*v)[j].by, s->by))
				g = &(*v)[j];
		if (!g) {
			struct grow *nv = realloc(*v, (*n + 1) * sizeof(*nv));

			if (!nv)
				return tb_error("out of memory comparing reports");
			*v = nv;
			g = &nv[(*n)++];
			memset(g, 0, sizeof(*g));
			g->site = s->site;
			g->by = s->by;
			g->v0 = g->v1 = -1;
		}
		if (after) {
			g->c1 += s->count;
			g->b1 += s->bytes;
			g->v1 = s->verdict;
			g->r1 = s->bytes_h ? s->bytes_h : s->objects_h;
		} else {
			g->c0 += s->count;
			g->b0 += s->bytes;
			g->v0 = s->verdict;
			g->r0 = s->bytes_h ? s->bytes_h : s->objects_h;
		}
	}
	return 0;
}

static void leak_line(const char *what, const struct grow *g, FILE *out)
{
	fprintf(out, "   %-12s %s%s%s%s  (%s -> %s)\n", what, g->site, g->by ? " (" : "",
		g->by ? g->by : "", g->by ? ")" : "",
		g->v0 < 0 ? "absent" : tb_verdict_words(g->v0),
		g->v1 < 0 ? "gone" : tb_verdict_words(g->v1));
}

/*
 * The verify-the-fix lines: a leak (a group that grows steadily) that went away (the
 * AFTER report has it no more, or no longer growing), appeared (grows only AFTER), or
 * still grows in both.
 */
static void diff_leaks(const struct grow *v, size_t n, FILE *out)
{
	size_t i, said = 0;

	for (i = 0; i < n; i++) {
		const struct grow *g = &v[i];

		if (g->v0 == TB_V_GROWS && g->v1 != TB_V_GROWS) {
			leak_line("went away:", g, out);
			said++;
		} else if (g->v1 == TB_V_GROWS && g->v0 != TB_V_GROWS) {
			leak_line("appeared:", g, out);
			said++;
		} else if (g->v0 == TB_V_GROWS && g->v1 == TB_V_GROWS) {
			leak_line("still grows:", g, out);
			said++;
		}
	}
	if (!said)
		fprintf(out, "   leaks: no group grows steadily in either report\n");
}

static const struct tb_rpair *find_pair(const struct tb_report *r, const char *label)
{
	size_t i;

	for (i = 0; i < r->npairs; i++)
		if (same_str(r->pairs[i].label, label))
			return &r->pairs[i];
	return NULL;
}

static int diff_pair(const struct tb_rpair *p0, const struct tb_rpair *p1, FILE *out,
		     unsigned top)
{
	const struct tb_rpair *p = p0 ? p0 : p1;
	char a[32], b[32], c[64];
	struct grow *v = NULL;
	size_t n = 0, i;

	fprintf(out, "\n== pair %s: outstanding before -> after\n", p->label);
	if (!p0 || !p1)
		fprintf(out, "   only in the %s report\n", p0 ? "BEFORE" : "AFTER");
	if (add_groups(&v, &n, p0, 0) || add_groups(&v, &n, p1, 1)) {
		free(v);
		return -1;
	}
	fprintf(out, "   %-18s %-26s %s\n", "objects", "bytes", "site");
	if (n)	/* v is NULL when neither report has a group */
		qsort(v, n, sizeof(*v), cmp_grow);
	for (i = 0; i < n && i < top; i++) {
		const struct grow *g = &v[i];
		char counts[48];

		snprintf(counts, sizeof(counts), "%" PRIu64 " -> %" PRIu64, g->c0, g->c1);
		snprintf(c, sizeof(c), "%s -> %s", tb_fmt_bytes(g->b0, a, sizeof(a)),
			 tb_fmt_bytes(g->b1, b, sizeof(b)));
		fprintf(out, "   %-18s %-26s %s%s%s%s%s\n", counts, c, g->site, g->by ? " (" : "",
			g->by ? g->by : "", g->by ? ")" : "",
			g->c1 == 0 && g->c0 ? "   gone" : g->c1 > g->c0 ? "   grew" : "");
	}
	if (n > top)
		fprintf(out, "   ... %zu more groups\n", n - top);
	diff_leaks(v, n, out);
	fprintf(out, "   total: %" PRIu64 " -> %" PRIu64 " objects, %s -> %s; allocs %" PRIu64
		" -> %" PRIu64 ", frees %" PRIu64 " -> %" PRIu64 "\n",
		p0 ? p0->count : 0, p1 ? p1->count : 0, tb_fmt_bytes(p0 ? p0->bytes : 0, a, sizeof(a)),
		tb_fmt_bytes(p1 ? p1->bytes : 0, b, sizeof(b)), p0 ? p0->allocs : 0,
		p1 ? p1->allocs : 0, p0 ? p0->frees : 0, p1 ? p1->frees : 0);
	free(v);
	return 0;
}

/* ---- counts ------------------------------------------------------------------------- */

static const struct tb_rcount *find_count(const struct tb_report *r, const struct tb_rcount *k)
{
	size_t i;

	for (i = 0; i < r->ncounts; i++)
		if (same_str(r->counts[i].function, k->function) &&
		    same_str(r->counts[i].caller, k->caller) && same_str(r->counts[i].label, k->label))
			return &r->counts[i];
	return NULL;
}

static void diff_counts(const struct tb_report *r0, const struct tb_report *r1, FILE *out,
			unsigned top)
{
	size_t i, shown = 0;

	if (!r0->ncounts && !r1->ncounts)
		return;
	fprintf(out, "\n== calls before -> after\n");
	for (i = 0; i < r0->ncounts && shown < top * 2; i++, shown++) {
		const struct tb_rcount *c = &r0->counts[i], *d = find_count(r1, c);

		fprintf(out, "   %8" PRIu64 " -> %-8" PRIu64 " %-28s %s\n", c->calls, d ? d->calls : 0,
			c->function, c->caller ? c->caller : "(all callers)");
	}
	for (i = 0; i < r1->ncounts && shown < top * 2; i++) {
		const struct tb_rcount *c = &r1->counts[i];

		if (find_count(r0, c))
			continue;
		shown++;
		fprintf(out, "   %8d -> %-8" PRIu64 " %-28s %s\n", 0, c->calls, c->function,
			c->caller ? c->caller : "(all callers)");
	}
}

/* ---- verdicts ------------------------------------------------------------------------ */

static const struct tb_rverdict *find_verdict(const struct tb_report *r, const char *a,
					      const char *b)
{
	size_t i;

	for (i = 0; i < r->nverdicts; i++)
		if (same_str(r->verdicts[i].a, a) && same_str(r->verdicts[i].b, b))
			return &r->verdicts[i];
	return NULL;
}

static void diff_verdicts(const struct tb_report *r0, const struct tb_report *r1, FILE *out)
{
	char v0[96], v1[96];
	size_t i;

	if (!r0->nverdicts && !r1->nverdicts)
		return;
	fprintf(out, "\n== balance verdicts\n");
	for (i = 0; i < r0->nverdicts; i++) {
		const struct tb_rverdict *a = &r0->verdicts[i], *b = find_verdict(r1, a->a, a->b);

		if (!b) {
			fprintf(out, "   %s %" PRIu64 " vs %s %" PRIu64 " (%s) → not in the AFTER "
				"report\n", a->a, a->a_calls, a->b, a->b_calls,
				tb_verdict_text(a->a_calls, a->b_calls, v0, sizeof(v0)));
			continue;
		}
		fprintf(out, "   %s %" PRIu64 " vs %s %" PRIu64 " (%s) → after the fix %" PRIu64
			" vs %" PRIu64 ": %s\n", a->a, a->a_calls, a->b, a->b_calls,
			tb_verdict_text(a->a_calls, a->b_calls, v0, sizeof(v0)), b->a_calls,
			b->b_calls, tb_verdict_text(b->a_calls, b->b_calls, v1, sizeof(v1)));
	}
	for (i = 0; i < r1->nverdicts; i++) {
		const struct tb_rverdict *b = &r1->verdicts[i];

		if (!find_verdict(r0, b->a, b->b))
			fprintf(out, "   not in the BEFORE report → after: %s %" PRIu64 " vs %s %"
				PRIu64 ": %s\n", b->a, b->a_calls, b->b, b->b_calls,
				tb_verdict_text(b->a_calls, b->b_calls, v1, sizeof(v1)));
	}
}

/* ---- refcount balances ---------------------------------------------------------------- */

static void diff_balances(const struct tb_report *r0, const struct tb_report *r1, FILE *out)
{
	size_t i, j;

	for (i = 0; i < r0->nbals; i++) {
		const struct tb_rbal *a = &r0->bals[i], *b = NULL;

		for (j = 0; j < r1->nbals; j++)
			if (same_str(r1->bals[j].label, a->label))
				b = &r1->bals[j];
		fprintf(out, "\n== refcount balance %s: objects held %" PRIu64 " -> %" PRIu64
			", references %" PRIu64 " -> %" PRIu64 "%s\n", a->label, a->held_objects,
			b ? b->held_objects : 0, a->held_refs, b ? b->held_refs : 0,
			b ? (b->held_objects ? "" : ": none held after") : " (not in AFTER)");
	}
	for (j = 0; j < r1->nbals; j++) {
		const struct tb_rbal *b = &r1->bals[j];
		int found = 0;

		for (i = 0; i < r0->nbals; i++)
			found |= same_str(r0->bals[i].label, b->label);
		if (!found)
			fprintf(out, "\n== refcount balance %s: only in AFTER: %" PRIu64
				" objects held\n", b->label, b->held_objects);
	}
}

/* ---- slab growth -------------------------------------------------------------------- */

struct cgrow {
	const char *name;
	const struct tb_rcache *c0, *c1;
};

static int64_t cache_obj_bytes(const struct tb_rcache *c)
{
	return c ? tb_rcache_obj_bytes(c) : 0;
}

static int64_t cgrow_max(const struct cgrow *g)
{
	int64_t a = cache_obj_bytes(g->c0), b = cache_obj_bytes(g->c1);

	return a > b ? a : b;
}

static int cmp_cgrow(const void *x, const void *y)
{
	const struct cgrow *a = x, *b = y;
	int64_t ma = cgrow_max(a), mb = cgrow_max(b);

	if (ma != mb)
		return ma > mb ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void growth_span(const struct tb_rgrowth *g, char *buf, size_t size)
{
	char d[32];

	if (!g || g->snapshots[TB_PROC_SLABINFO] < 2)
		snprintf(buf, size, "no slab growth");
	else if (!g->span_ns)
		snprintf(buf, size, "%u snapshots", g->snapshots[TB_PROC_SLABINFO]);
	else
		snprintf(buf, size, "%u snapshots over %s", g->snapshots[TB_PROC_SLABINFO],
			 tb_fmt_duration(g->span_ns, d, sizeof(d)));
}

/* Growth (active objects x object size) per cache in both reports, top growers first. */
static int diff_growth(const struct tb_rgrowth *g0, const struct tb_rgrowth *g1, FILE *out,
		       unsigned top)
{
	struct cgrow *v;
	size_t n = 0, i, j, shown = 0;
	size_t max = (g0 ? g0->ncaches : 0) + (g1 ? g1->ncaches : 0);
	char s0[64], s1[64], b0[32], b1[32];

	if (!tb_rgrowth_has_result(g0) && !tb_rgrowth_has_result(g1))
		return 0;
	v = calloc(max + 1, sizeof(*v));
	if (!v)
		return tb_error("out of memory comparing reports");
	for (i = 0; g0 && i < g0->ncaches; i++) {
		v[n].name = g0->caches[i].name;
		v[n++].c0 = &g0->caches[i];
	}
	for (i = 0; g1 && i < g1->ncaches; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(v[j].name, g1->caches[i].name))
				break;
		if (j == n)
			v[n++].name = g1->caches[i].name;
		v[j].c1 = &g1->caches[i];
	}
	qsort(v, n, sizeof(*v), cmp_cgrow);
	growth_span(g0, s0, sizeof(s0));
	growth_span(g1, s1, sizeof(s1));
	fprintf(out, "\n== slab growth: BEFORE %s, AFTER %s\n", s0, s1);
	fprintf(out, "  %-24s %12s %12s %12s %12s\n", "CACHE", "+OBJS BEFORE", "+OBJS AFTER",
		"BYTES BEFORE", "BYTES AFTER");
	for (i = 0; i < n && shown < top; i++) {
		if (cgrow_max(&v[i]) <= 0)
			continue;
		shown++;
		tb_fmt_signed_bytes(cache_obj_bytes(v[i].c0), b0, sizeof(b0));
		tb_fmt_signed_bytes(cache_obj_bytes(v[i].c1), b1, sizeof(b1));
		fprintf(out, "  %-24s %+12" PRId64 " %+12" PRId64 " %12s %12s%s\n", v[i].name,
			v[i].c0 ? v[i].c0->d_active : 0, v[i].c1 ? v[i].c1->d_active : 0, b0, b1,
			!v[i].c0 ? " (only in AFTER)" : !v[i].c1 ? " (not in AFTER)" : "");
	}
	if (!shown)
		fprintf(out, "  no cache grew\n");
	free(v);
	return 0;
}

/* Sites of the report's pairs that are raw addresses ("0x..."), and all sites. */
static void raw_sites(const struct tb_report *r, size_t *raw, size_t *all)
{
	size_t i, j;

	*raw = *all = 0;
	for (i = 0; i < r->npairs; i++)
		for (j = 0; j < r->pairs[i].nsites; j++) {
			const char *site = r->pairs[i].sites[j].site;

			(*all)++;
			*raw += site && site[0] == '0' && site[1] == 'x';
		}
}

/*
 * Reports that cannot be compared site by site, said before the comparison: one with
 * raw addresses against one with names (every site would read as gone and new), and
 * runs of very different lengths (outstanding counts grow with the run: the
 * outstanding objects per second of run are printed beside them).
 */
static void comparable(const struct tb_report *r0, const struct tb_report *r1, FILE *out)
{
	size_t raw0, all0, raw1, all1, i;
	char d0[32], d1[32];

	raw_sites(r0, &raw0, &all0);
	raw_sites(r1, &raw1, &all1);
	if (all0 && all1 && (raw0 * 2 > all0) != (raw1 * 2 > all1))
		fprintf(out, "!! not comparable site by site: the %s report's call sites are raw "
			"addresses (%zu of %zu: not symbolized, no kallsyms), the %s report's are "
			"names; the same site reads as gone in one and new in the other. Analyze "
			"the %s capture again with --kallsyms (the box's /proc/kallsyms)\n",
			raw0 * 2 > all0 ? "BEFORE" : "AFTER", raw0 * 2 > all0 ? raw0 : raw1,
			raw0 * 2 > all0 ? all0 : all1, raw0 * 2 > all0 ? "AFTER" : "BEFORE",
			raw0 * 2 > all0 ? "BEFORE" : "AFTER");
	if (r0->duration_ns && r1->duration_ns &&
	    (r0->duration_ns > 2 * r1->duration_ns || r1->duration_ns > 2 * r0->duration_ns)) {
		fprintf(out, "!! the runs differ in length (%s vs %s, %.1fx): outstanding objects "
			"grow with the run, so the counts below are not comparable as they stand; "
			"per second of run:\n", tb_fmt_duration(r0->duration_ns, d0, sizeof(d0)),
			tb_fmt_duration(r1->duration_ns, d1, sizeof(d1)),
			r0->duration_ns > r1->duration_ns ?
			(double)r0->duration_ns / (double)r1->duration_ns :
			(double)r1->duration_ns / (double)r0->duration_ns);
		for (i = 0; i < r0->npairs; i++) {
			const struct tb_rpair *p1 = find_pair(r1, r0->pairs[i].label);

			if (!p1)
				continue;
			fprintf(out, "   pair %s: outstanding %.1f -> %.1f objects/s, allocations "
				"%.1f -> %.1f /s\n", r0->pairs[i].label,
				(double)r0->pairs[i].count * 1e9 / (double)r0->duration_ns,
				(double)p1->count * 1e9 / (double)r1->duration_ns,
				(double)r0->pairs[i].allocs * 1e9 / (double)r0->duration_ns,
				(double)p1->allocs * 1e9 / (double)r1->duration_ns);
		}
	}
}

int tb_diff_print(const struct tb_report *r0, const struct tb_report *r1, FILE *out,
		  unsigned top)
{
	size_t i;

	side("BEFORE", r0, out);
	side("AFTER", r1, out);
	if (!same_str(r0->recipe, r1->recipe))
		fprintf(out, "note: the reports come from different recipes\n");
	comparable(r0, r1, out);
	for (i = 0; i < r0->npairs; i++)
		if (diff_pair(&r0->pairs[i], find_pair(r1, r0->pairs[i].label), out, top))
			return -1;
	for (i = 0; i < r1->npairs; i++)
		if (!find_pair(r0, r1->pairs[i].label) &&
		    diff_pair(NULL, &r1->pairs[i], out, top))
			return -1;
	diff_counts(r0, r1, out, top);
	diff_verdicts(r0, r1, out);
	diff_balances(r0, r1, out);
	if (diff_growth(r0->growth, r1->growth, out, top))
		return -1;
	return ferror(out) ? -1 : 0;
}
