/*
 * json.c - the report as JSON for tools (schema in docs/field-manual.md, "JSON report"),
 * built with json-c (which does all the escaping) and replaced atomically
 * (tb_write_file_atomic).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "report/report-local.h"
#include "analyze/trend.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

/* A string, or null. */
static json_object *jstr(const char *v)
{
	return v ? json_object_new_string(v) : NULL;
}

/* Seconds with 3 decimals as the schema has them; negative (unknown) is null. */
static json_object *jdbl(double v)
{
	char buf[64];

	if (v < 0)
		return NULL;
	snprintf(buf, sizeof(buf), "%.3f", v);
	return json_object_new_double_s(v, buf);
}

static void kstr(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, jstr(v));
}

static void knum(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static void kdbl(json_object *o, const char *k, double v)
{
	json_object_object_add(o, k, jdbl(v));
}

static void strarray(json_object *o, const char *k, char *const *v, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	json_object_object_add(o, k, a);
}

static json_object *u64array(const uint64_t *v, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_uint64(v[i]));
	return a;
}

/* Schema 2: trend, verdict, rate, ages, tasks, addresses of a group. */
static void site_extras_json(json_object *g, const struct tb_rsite *s)
{
	json_object *t, *r, *ag, *tasks;
	size_t i;

	t = NULL;
	if (s->trend.n) {
		t = json_object_new_object();
		knum(t, "interval_ns", s->trend.interval_ns);
		json_object_object_add(t, "t_ns", u64array(s->trend.t_ns, s->trend.n));
		json_object_object_add(t, "outstanding", u64array(s->trend.count, s->trend.n));
		json_object_object_add(t, "bytes", u64array(s->trend.bytes, s->trend.n));
	}
	json_object_object_add(g, "trend", t);
	kstr(g, "verdict", tb_verdict_name(s->verdict));
	kstr(g, "verdict_reason", s->why);
	r = json_object_new_object();
	json_object_object_add(r, "objects", json_object_new_double(s->objects_h));
	json_object_object_add(r, "bytes", json_object_new_double(s->bytes_h));
	json_object_object_add(g, "rate_per_hour", r);
	ag = json_object_new_object();
	json_object_object_add(ag, "oldest_ns", s->oldest_ns < 0 ? NULL :
			       json_object_new_int64(s->oldest_ns));
	json_object_object_add(ag, "median_ns", s->median_ns < 0 ? NULL :
			       json_object_new_int64(s->median_ns));
	json_object_object_add(g, "age", ag);
	json_object_object_add(g, "never_freed_share", s->allocs ?
			       json_object_new_double((double)s->count / (double)s->allocs) : NULL);
	json_object_object_add(g, "bytes_per_object", s->count ?
			       json_object_new_uint64(s->bytes / s->count) : NULL);
	tasks = json_object_new_array();
	for (i = 0; i < s->ntasks; i++) {
		json_object *o = json_object_new_object();

		kstr(o, "comm", s->tasks[i].comm);
		json_object_object_add(o, "pid", json_object_new_int(s->tasks[i].pid));
		knum(o, "allocs", s->tasks[i].allocs);
		json_object_array_add(tasks, o);
	}
	json_object_object_add(g, "top_tasks", tasks);
	knum(g, "other_tasks_allocs", s->other_tasks);
	if (s->addrs_listed) {
		json_object *a = json_object_new_array();
		char buf[24];

		for (i = 0; i < s->naddrs; i++) {
			snprintf(buf, sizeof(buf), "0x%" PRIx64, s->addrs[i]);
			json_object_array_add(a, json_object_new_string(buf));
		}
		json_object_object_add(g, "addresses", a);
		knum(g, "addresses_omitted", s->addrs_omitted);
	}
}

static json_object *pair_json(const struct tb_report *rep, const struct tb_rpair *p)
{
	char conf[320];
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	size_t i;

	kstr(o, "label", p->label);
	kstr(o, "alloc", p->alloc);
	kstr(o, "free", p->free);
	json_object_object_add(o, "saw_events", json_object_new_boolean(tb_rpair_saw_events(p)));
	knum(o, "allocs", p->allocs);
	knum(o, "frees", p->frees);
	knum(o, "unmatched_frees", p->unmatched_frees);
	knum(o, "null_frees", p->null_frees);
	knum(o, "failed_allocs", p->failed_allocs);
	knum(o, "implicit_frees", p->implicit_frees);
	knum(o, "cross_cpu_frees", p->cross_cpu_frees);
	knum(o, "inversions", p->inversions);
	knum(o, "hidden", p->hidden);
	knum(o, "hashed", p->hashed);
	knum(o, "no_key", p->nokey);
	knum(o, "unread", p->unread);
	knum(o, "uncertain", p->uncertain);
	kstr(o, "confidence", tb_report_confidence_text(rep, "frees", p->unread, p->nokey,
							p->count, p->uncertain, conf,
							sizeof(conf)));
	knum(o, "outstanding_count", p->count);
	knum(o, "outstanding_bytes", p->bytes);
	knum(o, "outstanding_requested", p->req);
	knum(o, "groups", p->groups);
	kdbl(o, "bytes_per_object", p->bytes_per_object);
	knum(o, "filtered_allocs", p->filtered);
	{
		json_object *d = json_object_new_object();

		knum(d, "untracked_allocs", p->untracked_allocs);
		knum(d, "max_objects", p->max_objects);
		knum(d, "groups_without_trend", p->untracked_groups);
		json_object_object_add(o, "dropped", d);
	}
	knum(o, "older_ns", p->older_ns);
	knum(o, "older_hidden", p->older_hidden);
	for (i = 0; i < p->nsites; i++) {
		const struct tb_rsite *s = &p->sites[i];
		json_object *g = json_object_new_object();

		kstr(g, "site", s->site);
		kstr(g, "by", s->by);
		strarray(g, "stack", s->stack, s->nstack);
		knum(g, "count", s->count);
		knum(g, "bytes", s->bytes);
		knum(g, "requested", s->req);
		knum(g, "allocs", s->allocs);
		knum(g, "frees", s->frees);
		knum(g, "implicit_frees", s->implicit);
		/* oldest_s: seconds to the ms, as ever; oldest_ns: the exact age (both null
		 * when unknown) */
		json_object_object_add(g, "oldest_s", s->oldest_ns < 0 ? NULL :
				       jdbl((double)s->oldest_ns / 1e9));
		json_object_object_add(g, "oldest_ns", s->oldest_ns < 0 ? NULL :
				       json_object_new_int64(s->oldest_ns));
		json_object_object_add(g, "certain", s->certain < 0 ? NULL :
				       json_object_new_int64(s->certain));
		site_extras_json(g, s);
		json_object_array_add(a, g);
	}
	json_object_object_add(o, "outstanding", a);
	return o;
}

static json_object *verdict_json(const struct tb_rverdict *v)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	char buf[96];
	size_t j;

	kstr(o, "label", v->label);
	kstr(o, "a", v->a);
	kstr(o, "b", v->b);
	knum(o, "a_calls", v->a_calls);
	knum(o, "b_calls", v->b_calls);
	knum(o, "unbalanced", v->a_calls > v->b_calls ? v->a_calls - v->b_calls : 0);
	kstr(o, "verdict", tb_verdict_text(v->a_calls, v->b_calls, buf, sizeof(buf)));
	json_object_object_add(o, "saw_events",
			       json_object_new_boolean(tb_rverdict_saw_events(v)));
	for (j = 0; j < v->ncallers; j++) {
		json_object *c = json_object_new_object();

		kstr(c, "caller", v->callers[j].caller);
		knum(c, "a_calls", v->callers[j].a_calls);
		knum(c, "b_calls", v->callers[j].b_calls);
		json_object_array_add(a, c);
	}
	json_object_object_add(o, "callers", a);
	return o;
}

static json_object *balance_json(const struct tb_report *rep, const struct tb_rbal *b)
{
	char conf[320];
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	size_t j;

	kstr(o, "label", b->label);
	kstr(o, "get", b->get);
	kstr(o, "put", b->put);
	json_object_object_add(o, "saw_events", json_object_new_boolean(tb_rbal_saw_events(b)));
	knum(o, "gets", b->gets);
	knum(o, "puts", b->puts);
	knum(o, "held_objects", b->held_objects);
	knum(o, "held_refs", b->held_refs);
	knum(o, "unmatched_puts", b->unmatched_puts);
	knum(o, "hidden", b->hidden);
	knum(o, "no_key", b->nokey);
	knum(o, "unread", b->unread);
	knum(o, "uncertain", b->uncertain);
	kstr(o, "confidence", tb_report_confidence_text(rep, "puts", b->unread, b->nokey,
							b->held_objects, b->uncertain, conf,
							sizeof(conf)));
	for (j = 0; j < b->nsites; j++) {
		json_object *s = json_object_new_object();

		kstr(s, "site", b->sites[j].site);
		strarray(s, "stack", b->sites[j].stack, b->sites[j].nstack);
		knum(s, "objects", b->sites[j].objects);
		knum(s, "refs", b->sites[j].refs);
		knum(s, "gets", b->sites[j].gets);
		knum(s, "puts", b->sites[j].puts);
		json_object_array_add(a, s);
	}
	json_object_object_add(o, "sites", a);
	return o;
}

/* The whole report as one JSON object (to put). */
static json_object *report_json(const struct tb_report *rep)
{
	json_object *o = json_object_new_object(), *k = json_object_new_object(), *a;
	char *loss = tb_report_loss_text(rep);
	size_t i;

	kstr(o, "tool", rep->tool ? rep->tool : "tracebook");
	kstr(o, "version", rep->version);
	json_object_object_add(o, "schema_version", json_object_new_int(TB_REPORT_SCHEMA));
	/* schema 3: a report rewritten during the run says how far it got */
	json_object_object_add(o, "complete", json_object_new_boolean(!rep->partial));
	kdbl(o, "through_s", (double)rep->duration_ns / 1e9);
	knum(o, "through_ns", rep->duration_ns);
	knum(o, "interval_ns", rep->interval_ns);
	json_object_object_add(o, "interval_coarsened", json_object_new_int((int)rep->coarsened));
	kstr(k, "release", rep->kernel_release);
	kstr(k, "arch", rep->arch);
	json_object_object_add(o, "kernel", k);
	kstr(o, "recipe", rep->recipe);
	kstr(o, "source", rep->source);
	strarray(o, "plan", rep->plan.v, rep->plan.n);
	strarray(o, "notes", rep->notes.v, rep->notes.n);
	kdbl(o, "duration_s", (double)rep->duration_ns / 1e9);
	knum(o, "duration_ns", rep->duration_ns);
	knum(o, "events", rep->events);
	knum(o, "lost_events", rep->lost);
	json_object_object_add(o, "lost_unknown", json_object_new_boolean(rep->lost_unknown));
	a = json_object_new_array();
	for (i = 0; i < rep->ncpus && rep->lost_per_cpu; i++)
		json_object_array_add(a, json_object_new_uint64(rep->lost_per_cpu[i]));
	json_object_object_add(o, "lost_per_cpu", a);
	a = NULL;
	if (rep->lost_from_s >= 0) {
		a = json_object_new_array();
		json_object_array_add(a, jdbl(rep->lost_from_s));
		json_object_array_add(a, jdbl(rep->lost_to_s));
	}
	json_object_object_add(o, "lost_window_s", a);
	kstr(o, "confidence", loss ? loss : "no events lost");
	free(loss);
	/* none of the recipe's events in the input: no analysis can give a verdict */
	json_object_object_add(o, "no_verdict", json_object_new_boolean(tb_report_no_verdict(rep)));
	a = NULL;
	if (rep->seen_known) {
		a = json_object_new_array();
		for (i = 0; i < rep->nseen; i++) {
			json_object *c = json_object_new_object();

			kstr(c, "event", rep->seen[i].event);
			knum(c, "count", rep->seen[i].count);
			json_object_array_add(a, c);
		}
	}
	json_object_object_add(o, "input_events", a);

	a = json_object_new_array();
	for (i = 0; i < rep->npairs; i++)
		json_object_array_add(a, pair_json(rep, &rep->pairs[i]));
	json_object_object_add(o, "pairs", a);

	a = json_object_new_array();
	for (i = 0; i < rep->ncounts; i++) {
		json_object *c = json_object_new_object();

		kstr(c, "label", rep->counts[i].label);
		kstr(c, "function", rep->counts[i].function);
		kstr(c, "caller", rep->counts[i].caller);
		knum(c, "calls", rep->counts[i].calls);
		json_object_array_add(a, c);
	}
	json_object_object_add(o, "counts", a);

	a = json_object_new_array();
	for (i = 0; i < rep->nevcounts; i++) {
		json_object *c = json_object_new_object();

		kstr(c, "label", rep->evcounts[i].label);
		kstr(c, "event", rep->evcounts[i].event);
		knum(c, "count", rep->evcounts[i].count);
		json_object_array_add(a, c);
	}
	json_object_object_add(o, "events_counted", a);

	a = json_object_new_array();
	for (i = 0; i < rep->nverdicts; i++)
		json_object_array_add(a, verdict_json(&rep->verdicts[i]));
	json_object_object_add(o, "verdicts", a);

	a = json_object_new_array();
	for (i = 0; i < rep->nbals; i++)
		json_object_array_add(a, balance_json(rep, &rep->bals[i]));
	json_object_object_add(o, "balances", a);

	json_object_object_add(o, "slabs", rep->growth ? tb_growth_to_json(rep->growth) : NULL);
	return o;
}

int tb_report_json_string(const struct tb_report *rep, struct strbuf *out)
{
	json_object *o = report_json(rep);
	const char *s = o ? json_object_to_json_string_ext(o, TB_JSON_FLAGS) : NULL;

	if (s) {
		strbuf_addstr(out, s);
		strbuf_addch(out, '\n');
	}
	json_object_put(o);
	return !s || strbuf_failed(out) ? -1 : 0;
}

int tb_report_write_json(const struct tb_report *rep, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	if (tb_report_json_string(rep, &sb)) {
		strbuf_release(&sb);
		return tb_error("out of memory writing the JSON report");
	}
	r = tb_write_file_atomic(path, sb.buf, sb.len);
	strbuf_release(&sb);
	if (r < 0)
		return tb_error("cannot write the JSON report %s: %s (nothing was replaced)", path,
				strerror(-r));
	return 0;
}
