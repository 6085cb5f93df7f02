/*
 * json.c - the report as JSON for tools (schema in README.md, "JSON report"),
 * written with strbuf and replaced atomically (tb_write_file_atomic).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "report/report-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

static void key(struct strbuf *sb, const char *k)
{
	strbuf_add_json_str(sb, k);
	strbuf_addch(sb, ':');
}

static void kstr(struct strbuf *sb, const char *k, const char *v)
{
	key(sb, k);
	if (v)
		strbuf_add_json_str(sb, v);
	else
		strbuf_addstr(sb, "null");
	strbuf_addch(sb, ',');
}

static void knum(struct strbuf *sb, const char *k, uint64_t v)
{
	key(sb, k);
	strbuf_addf(sb, "%" PRIu64 ",", v);
}

static void kdbl(struct strbuf *sb, const char *k, double v)
{
	key(sb, k);
	if (v < 0)
		strbuf_addstr(sb, "null,");
	else
		strbuf_addf(sb, "%.3f,", v);
}

/* Replace the trailing comma of an object or array with its closing bracket. */
static void close_with(struct strbuf *sb, char c)
{
	if (sb->len && sb->buf[sb->len - 1] == ',')
		strbuf_setlen(sb, sb->len - 1);
	strbuf_addch(sb, c);
	strbuf_addch(sb, ',');
}

static void strarray(struct strbuf *sb, const char *k, char *const *v, size_t n)
{
	size_t i;

	key(sb, k);
	strbuf_addch(sb, '[');
	for (i = 0; i < n; i++) {
		strbuf_add_json_str(sb, v[i]);
		strbuf_addch(sb, ',');
	}
	close_with(sb, ']');
}

static void pair_json(struct strbuf *sb, const struct tb_rpair *p)
{
	size_t i;

	strbuf_addch(sb, '{');
	kstr(sb, "label", p->label);
	kstr(sb, "alloc", p->alloc);
	kstr(sb, "free", p->free);
	knum(sb, "allocs", p->allocs);
	knum(sb, "frees", p->frees);
	knum(sb, "unmatched_frees", p->unmatched_frees);
	knum(sb, "null_frees", p->null_frees);
	knum(sb, "failed_allocs", p->failed_allocs);
	knum(sb, "implicit_frees", p->implicit_frees);
	knum(sb, "cross_cpu_frees", p->cross_cpu_frees);
	knum(sb, "inversions", p->inversions);
	knum(sb, "hidden", p->hidden);
	knum(sb, "hashed", p->hashed);
	knum(sb, "no_key", p->nokey);
	knum(sb, "outstanding_count", p->count);
	knum(sb, "outstanding_bytes", p->bytes);
	knum(sb, "outstanding_requested", p->req);
	knum(sb, "groups", p->groups);
	kdbl(sb, "bytes_per_object", p->bytes_per_object);
	key(sb, "outstanding");
	strbuf_addch(sb, '[');
	for (i = 0; i < p->nsites; i++) {
		const struct tb_rsite *s = &p->sites[i];

		strbuf_addch(sb, '{');
		kstr(sb, "site", s->site);
		kstr(sb, "by", s->by);
		strarray(sb, "stack", s->stack, s->nstack);
		knum(sb, "count", s->count);
		knum(sb, "bytes", s->bytes);
		knum(sb, "requested", s->req);
		knum(sb, "allocs", s->allocs);
		knum(sb, "frees", s->frees);
		knum(sb, "implicit_frees", s->implicit);
		kdbl(sb, "oldest_s", s->oldest_s);
		key(sb, "certain");
		if (s->certain < 0)
			strbuf_addstr(sb, "null,");
		else
			strbuf_addf(sb, "%" PRId64 ",", s->certain);
		close_with(sb, '}');
	}
	close_with(sb, ']');
	close_with(sb, '}');
}

/* The whole report as one JSON document (no trailing newline handling needed). */
static void report_json(const struct tb_report *rep, struct strbuf *sb)
{
	char *loss = tb_report_loss_text(rep);
	size_t i, j;

	strbuf_addch(sb, '{');
	kstr(sb, "tool", rep->tool ? rep->tool : "tracebook");
	kstr(sb, "version", rep->version);
	key(sb, "kernel");
	strbuf_addch(sb, '{');
	kstr(sb, "release", rep->kernel_release);
	kstr(sb, "arch", rep->arch);
	close_with(sb, '}');
	kstr(sb, "recipe", rep->recipe);
	kstr(sb, "source", rep->source);
	strarray(sb, "plan", rep->plan.v, rep->plan.n);
	strarray(sb, "notes", rep->notes.v, rep->notes.n);
	kdbl(sb, "duration_s", rep->duration_s);
	knum(sb, "events", rep->events);
	knum(sb, "lost_events", rep->lost);
	key(sb, "lost_unknown");
	strbuf_addstr(sb, rep->lost_unknown ? "true," : "false,");
	key(sb, "lost_per_cpu");
	strbuf_addch(sb, '[');
	for (i = 0; i < rep->ncpus && rep->lost_per_cpu; i++)
		strbuf_addf(sb, "%" PRIu64 ",", rep->lost_per_cpu[i]);
	close_with(sb, ']');
	key(sb, "lost_window_s");
	if (rep->lost_from_s >= 0)
		strbuf_addf(sb, "[%.3f,%.3f],", rep->lost_from_s, rep->lost_to_s);
	else
		strbuf_addstr(sb, "null,");
	kstr(sb, "confidence", loss ? loss : "no events lost");
	free(loss);

	key(sb, "pairs");
	strbuf_addch(sb, '[');
	for (i = 0; i < rep->npairs; i++)
		pair_json(sb, &rep->pairs[i]);
	close_with(sb, ']');

	key(sb, "counts");
	strbuf_addch(sb, '[');
	for (i = 0; i < rep->ncounts; i++) {
		strbuf_addch(sb, '{');
		kstr(sb, "label", rep->counts[i].label);
		kstr(sb, "function", rep->counts[i].function);
		kstr(sb, "caller", rep->counts[i].caller);
		knum(sb, "calls", rep->counts[i].calls);
		close_with(sb, '}');
	}
	close_with(sb, ']');

	key(sb, "events_counted");
	strbuf_addch(sb, '[');
	for (i = 0; i < rep->nevcounts; i++) {
		strbuf_addch(sb, '{');
		kstr(sb, "label", rep->evcounts[i].label);
		kstr(sb, "event", rep->evcounts[i].event);
		knum(sb, "count", rep->evcounts[i].count);
		close_with(sb, '}');
	}
	close_with(sb, ']');

	key(sb, "verdicts");
	strbuf_addch(sb, '[');
	for (i = 0; i < rep->nverdicts; i++) {
		const struct tb_rverdict *v = &rep->verdicts[i];
		char buf[96];

		strbuf_addch(sb, '{');
		kstr(sb, "label", v->label);
		kstr(sb, "a", v->a);
		kstr(sb, "b", v->b);
		knum(sb, "a_calls", v->a_calls);
		knum(sb, "b_calls", v->b_calls);
		knum(sb, "unbalanced", v->a_calls > v->b_calls ? v->a_calls - v->b_calls : 0);
		kstr(sb, "verdict", tb_verdict_text(v->a_calls, v->b_calls, buf, sizeof(buf)));
		key(sb, "callers");
		strbuf_addch(sb, '[');
		for (j = 0; j < v->ncallers; j++) {
			strbuf_addch(sb, '{');
			kstr(sb, "caller", v->callers[j].caller);
			knum(sb, "a_calls", v->callers[j].a_calls);
			knum(sb, "b_calls", v->callers[j].b_calls);
			close_with(sb, '}');
		}
		close_with(sb, ']');
		close_with(sb, '}');
	}
	close_with(sb, ']');

	key(sb, "balances");
	strbuf_addch(sb, '[');
	for (i = 0; i < rep->nbals; i++) {
		const struct tb_rbal *b = &rep->bals[i];

		strbuf_addch(sb, '{');
		kstr(sb, "label", b->label);
		kstr(sb, "get", b->get);
		kstr(sb, "put", b->put);
		knum(sb, "gets", b->gets);
		knum(sb, "puts", b->puts);
		knum(sb, "held_objects", b->held_objects);
		knum(sb, "held_refs", b->held_refs);
		knum(sb, "unmatched_puts", b->unmatched_puts);
		knum(sb, "hidden", b->hidden);
		knum(sb, "no_key", b->nokey);
		key(sb, "sites");
		strbuf_addch(sb, '[');
		for (j = 0; j < b->nsites; j++) {
			strbuf_addch(sb, '{');
			kstr(sb, "site", b->sites[j].site);
			strarray(sb, "stack", b->sites[j].stack, b->sites[j].nstack);
			knum(sb, "objects", b->sites[j].objects);
			knum(sb, "refs", b->sites[j].refs);
			knum(sb, "gets", b->sites[j].gets);
			knum(sb, "puts", b->sites[j].puts);
			close_with(sb, '}');
		}
		close_with(sb, ']');
		close_with(sb, '}');
	}
	close_with(sb, ']');

	key(sb, "slabs");
	if (rep->growth) {
		json_object *g = tb_growth_to_json(rep->growth);
		const char *s = g ? json_object_to_json_string_ext(g, JSON_C_TO_STRING_PLAIN |
								   JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;

		if (s)
			strbuf_addstr(sb, s);
		else
			sb->failed = 1;
		json_object_put(g);
	} else {
		strbuf_addstr(sb, "null");
	}
	strbuf_addch(sb, ',');
	close_with(sb, '}');
	strbuf_setlen(sb, sb->len - 1);	/* the document's own trailing comma */
	strbuf_addch(sb, '\n');
}

int tb_report_json_string(const struct tb_report *rep, struct strbuf *out)
{
	report_json(rep, out);
	return strbuf_failed(out) ? -1 : 0;
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
