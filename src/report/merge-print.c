/*
 * merge-print.c - `tracebook merge` rendered (report/merge.h): text for a terminal and
 * JSON for tools (schema in docs/fleet.md).  Hosts first (kernel, confidence, top
 * group), then the runs that failed and the reports kept out, then the groups matched
 * across hosts with each host's share.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "report/merge.h"
#include "report/report-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

#define MERGE_TOP 20

size_t tb_merge_count(const struct tb_merge *m, const char *state)
{
	size_t i, n = 0;

	for (i = 0; i < m->nhosts; i++)
		n += !strcmp(m->hosts[i].state, state);
	return n;
}

const struct tb_mgroup *tb_merge_top_group(const struct tb_merge *m, size_t host,
					   const struct tb_mcell **cell)
{
	const struct tb_mgroup *best = NULL;
	size_t i, j;

	*cell = NULL;
	for (i = 0; i < m->ngroups; i++)
		for (j = 0; j < m->groups[i].ncells; j++) {
			const struct tb_mcell *c = &m->groups[i].cells[j];

			if (c->host != host)
				continue;
			int pair = !strcmp(m->groups[i].kind, "pair");
			int bpair = best && !strcmp(best->kind, "pair");

			/* outstanding bytes first; held references only without any */
			if (!*cell || pair > bpair || (pair == bpair && (c->bytes > (*cell)->bytes ||
			    (c->bytes == (*cell)->bytes && c->count > (*cell)->count)))) {
				*cell = c;
				best = &m->groups[i];
			}
		}
	return best;
}

const char *tb_merge_confidence(const struct tb_report *r, char **owned)
{
	*owned = tb_report_loss_text(r);
	return *owned ? *owned : "no events lost";
}

void tb_merge_fmt_amount(const struct tb_mgroup *g, uint64_t v, char *buf, size_t size)
{
	if (strcmp(g->kind, "pair")) {
		snprintf(buf, size, "%" PRIu64 " refs", v);
		return;
	}
	tb_fmt_signed_bytes((int64_t)v, buf, size);
	if (buf[0] == '+')
		memmove(buf, buf + 1, strlen(buf));
}

int tb_merge_print_text(const struct tb_merge *m, FILE *out, unsigned top)
{
	size_t i, j, nmerged = tb_merge_count(m, "merged");
	char b[64];

	if (!top)
		top = MERGE_TOP;
	fprintf(out, "tracebook merge: %zu host%s, recipe %s: %zu merged, %zu failed, %zu not "
		"merged\n", m->nhosts, m->nhosts == 1 ? "" : "s", m->recipe ? m->recipe : "-",
		nmerged, tb_merge_count(m, "failed"), tb_merge_count(m, "not merged"));
	for (i = 0; i < m->notes.n; i++)
		fprintf(out, "note: %s\n", m->notes.v[i]);

	fprintf(out, "\nhosts:\n");
	for (i = 0; i < m->nhosts; i++) {
		const struct tb_mhost *h = &m->hosts[i];
		const struct tb_mgroup *g;
		const struct tb_mcell *c;
		char *own;

		if (strcmp(h->state, "merged"))
			continue;
		fprintf(out, "  %s: kernel %s %s; %s\n", h->name,
			h->rep->kernel_release ? h->rep->kernel_release : "?",
			h->rep->arch ? h->rep->arch : "?", tb_merge_confidence(h->rep, &own));
		free(own);
		g = tb_merge_top_group(m, i, &c);
		if (g) {
			tb_merge_fmt_amount(g, c->bytes, b, sizeof(b));
			fprintf(out, "    top: %s %s: %" PRIu64 " %s (%s)%s%s\n", g->analysis,
				c->site ? c->site : g->site, c->count,
				!strcmp(g->kind, "pair") ? "outstanding" : "held", b,
				c->verdict ? ", " : "", c->verdict ? c->verdict : "");
		} else {
			fprintf(out, "    top: nothing outstanding\n");
		}
	}
	if (tb_merge_count(m, "failed")) {
		fprintf(out, "\nfailed:\n");
		for (i = 0; i < m->nhosts; i++) {
			const struct tb_mhost *h = &m->hosts[i];

			if (strcmp(h->state, "failed"))
				continue;
			fprintf(out, "  %s: ", h->name);
			if (h->exit_code >= 0)
				fprintf(out, "exit %d ", h->exit_code);
			fprintf(out, "at %s: %s\n", h->stage ? h->stage : "?", h->why ? h->why : "?");
		}
	}
	if (tb_merge_count(m, "not merged")) {
		fprintf(out, "\nnot merged (not comparable):\n");
		for (i = 0; i < m->nhosts; i++)
			if (!strcmp(m->hosts[i].state, "not merged"))
				fprintf(out, "  %s: %s\n", m->hosts[i].name, m->hosts[i].why);
	}

	fprintf(out, "\ngroups across hosts (%zu; by hosts, then bytes):\n", m->ngroups);
	for (i = 0; i < m->ngroups && i < top; i++) {
		const struct tb_mgroup *g = &m->groups[i];

		tb_merge_fmt_amount(g, g->bytes, b, sizeof(b));
		fprintf(out, "  %s %s: on %zu of %zu hosts, %" PRIu64 " %s (%s)\n", g->analysis,
			g->site, g->ncells, nmerged, g->count,
			!strcmp(g->kind, "pair") ? "outstanding" : "held", b);
		for (j = 0; j < g->nstack && j < 6; j++)
			fprintf(out, "      %s\n", g->stack[j]);
		for (j = 0; j < g->ncells; j++) {
			const struct tb_mcell *c = &g->cells[j];

			tb_merge_fmt_amount(g, c->bytes, b, sizeof(b));
			fprintf(out, "    %-16s %8" PRIu64 " %10s", m->hosts[c->host].name, c->count, b);
			/* a rate beside "too-short" would read as "not growing" */
			if (c->has_rate && !(c->verdict && !strcmp(c->verdict, "too-short")))
				fprintf(out, "  %.1f/h", c->rate_per_hour);
			if (c->verdict)
				fprintf(out, "  %s", c->verdict);
			fprintf(out, "\n");
		}
	}
	if (m->ngroups > top)
		fprintf(out, "  ... %zu more (--top)\n", m->ngroups - top);
	return 0;
}

static void kstr(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static void knum(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

/* "bytes" outstanding (pair) or "refs" held (balance). */
static const char *amount_key(const struct tb_mgroup *g)
{
	return strcmp(g->kind, "pair") ? "refs" : "bytes";
}

static json_object *host_json(const struct tb_merge *m, size_t i)
{
	const struct tb_mhost *h = &m->hosts[i];
	json_object *o = json_object_new_object(), *k;
	const struct tb_mgroup *g;
	const struct tb_mcell *c;
	char *own;

	kstr(o, "host", h->name);
	kstr(o, "state", h->state);
	kstr(o, "file", h->origin);
	kstr(o, "probe", h->probe);
	if (!strcmp(h->state, "failed")) {
		kstr(o, "stage", h->stage);
		json_object_object_add(o, "exit_code", h->exit_code < 0 ? NULL :
				       json_object_new_int(h->exit_code));
		kstr(o, "message", h->why);
		return o;
	}
	k = json_object_new_object();
	kstr(k, "release", h->rep->kernel_release);
	kstr(k, "arch", h->rep->arch);
	json_object_object_add(o, "kernel", k);
	kstr(o, "recipe", h->rep->recipe);
	if (!strcmp(h->state, "not merged")) {
		kstr(o, "why", h->why);
		return o;
	}
	kstr(o, "confidence", tb_merge_confidence(h->rep, &own));
	free(own);
	knum(o, "events", h->rep->events);
	knum(o, "lost_events", h->rep->lost);
	g = tb_merge_top_group(m, i, &c);
	k = NULL;
	if (g) {
		k = json_object_new_object();
		kstr(k, "analysis", g->analysis);
		kstr(k, "site", c->site ? c->site : g->site);
		knum(k, "count", c->count);
		knum(k, amount_key(g), c->bytes);
		kstr(k, "verdict", c->verdict);
	}
	json_object_object_add(o, "top_group", k);
	return o;
}

static json_object *merge_json(const struct tb_merge *m)
{
	json_object *o = json_object_new_object(), *a;
	size_t i, j;

	kstr(o, "tool", "tracebook");
	kstr(o, "kind", "merge");
	kstr(o, "recipe", m->recipe);
	kstr(o, "matched_by", m->by_function ? "function names" : "symbols with offsets");
	a = json_object_new_array();
	for (i = 0; i < m->kernels.n; i++)
		json_object_array_add(a, json_object_new_string(m->kernels.v[i]));
	json_object_object_add(o, "kernels", a);
	a = json_object_new_array();
	for (i = 0; i < m->notes.n; i++)
		json_object_array_add(a, json_object_new_string(m->notes.v[i]));
	json_object_object_add(o, "notes", a);
	a = json_object_new_array();
	for (i = 0; i < m->nhosts; i++)
		json_object_array_add(a, host_json(m, i));
	json_object_object_add(o, "hosts", a);
	a = json_object_new_array();
	for (i = 0; i < m->ngroups; i++) {
		const struct tb_mgroup *g = &m->groups[i];
		json_object *go = json_object_new_object(), *s = json_object_new_array(),
			    *ph = json_object_new_array();

		kstr(go, "analysis", g->analysis);
		kstr(go, "kind", g->kind);
		kstr(go, "site", g->site);
		for (j = 0; j < g->nstack; j++)
			json_object_array_add(s, json_object_new_string(g->stack[j]));
		json_object_object_add(go, "stack", s);
		knum(go, "hosts", g->ncells);
		knum(go, "count", g->count);
		knum(go, amount_key(g), g->bytes);
		for (j = 0; j < g->ncells; j++) {
			const struct tb_mcell *c = &g->cells[j];
			json_object *co = json_object_new_object();

			kstr(co, "host", m->hosts[c->host].name);
			kstr(co, "site", c->site);
			knum(co, "count", c->count);
			knum(co, amount_key(g), c->bytes);
			json_object_object_add(co, "rate_per_hour", c->has_rate ?
					       json_object_new_double(c->rate_per_hour) : NULL);
			kstr(co, "verdict", c->verdict);
			json_object_array_add(ph, co);
		}
		json_object_object_add(go, "per_host", ph);
		json_object_array_add(a, go);
	}
	json_object_object_add(o, "groups", a);
	return o;
}

int tb_merge_write_json(const struct tb_merge *m, const char *path)
{
	json_object *o = merge_json(m);
	const char *s = o ? json_object_to_json_string_ext(o, TB_JSON_FLAGS) : NULL;
	struct strbuf sb = STRBUF_INIT;
	int r;

	if (!s) {
		json_object_put(o);
		return tb_error("out of memory writing the merged JSON");
	}
	strbuf_addstr(&sb, s);
	strbuf_addch(&sb, '\n');
	json_object_put(o);
	if (strbuf_failed(&sb)) {
		strbuf_release(&sb);
		return tb_error("out of memory writing the merged JSON");
	}
	if (!strcmp(path, "-")) {
		fwrite(sb.buf, 1, sb.len, stdout);
		strbuf_release(&sb);
		return 0;
	}
	r = tb_write_file_atomic(path, sb.buf, sb.len);
	strbuf_release(&sb);
	if (r < 0)
		return tb_error("cannot write %s: %s (nothing was replaced)", path, strerror(-r));
	return 0;
}
