/*
 * json-read.c - reads a JSON report written by json.c back into the report model
 * (json-c), for `tracebook diff`.  Unknown keys are ignored (newer writers); a key
 * of the wrong type, or a file that is not a tracebook report, is an error naming
 * the file and the key.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "report/report-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

struct rd {
	const char *path;
	int failed;
};

static int bad(struct rd *rd, const char *where, const char *key, const char *expected)
{
	if (!rd->failed)
		tb_error_code(TB_EXIT_BADINPUT, "%s: %s%s%s: expected %s", rd->path, where,
			      *where ? "." : "", key, expected);
	rd->failed = 1;
	return -1;
}

static uint64_t get_u64(struct rd *rd, json_object *o, const char *where, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_int)) {
		bad(rd, where, key, "a whole number");
		return 0;
	}
	return json_object_get_uint64(v);
}

static double get_dbl(struct rd *rd, json_object *o, const char *where, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return -1;
	if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int)) {
		bad(rd, where, key, "a number");
		return -1;
	}
	return json_object_get_double(v);
}

/* A copied string, NULL when absent or null (or on a type error, reported). */
static char *get_str(struct rd *rd, json_object *o, const char *where, const char *key)
{
	json_object *v;
	char *s;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	if (!json_object_is_type(v, json_type_string)) {
		bad(rd, where, key, "a string");
		return NULL;
	}
	s = strdup(json_object_get_string(v));
	if (!s && !rd->failed) {
		tb_error("out of memory reading %s", rd->path);
		rd->failed = 1;
	}
	return s;
}

/* The array at key (NULL and n 0 when absent). */
static json_object *get_array(struct rd *rd, json_object *o, const char *where,
			      const char *key, size_t *n)
{
	json_object *v;

	*n = 0;
	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	if (!json_object_is_type(v, json_type_array)) {
		bad(rd, where, key, "an array");
		return NULL;
	}
	*n = json_object_array_length(v);
	return v;
}

static json_object *item(struct rd *rd, json_object *arr, size_t i, const char *where)
{
	json_object *o = json_object_array_get_idx(arr, i);
	char buf[64];

	if (!o || !json_object_is_type(o, json_type_object)) {
		snprintf(buf, sizeof(buf), "[%zu]", i);
		bad(rd, where, buf, "an object");
		return NULL;
	}
	return o;
}

static void *alloc_array(struct rd *rd, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p && !rd->failed) {
		tb_error("out of memory reading %s", rd->path);
		rd->failed = 1;
	}
	return p;
}

static void read_strlist(struct rd *rd, json_object *o, const char *key, struct strlist *l)
{
	json_object *arr = NULL;
	size_t n, i;

	arr = get_array(rd, o, "", key, &n);
	for (i = 0; i < n && !rd->failed; i++) {
		json_object *v = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(v, json_type_string))
			bad(rd, key, "[]", "strings");
		else if (strlist_add(l, json_object_get_string(v)))
			rd->failed = 1;
	}
}

/* The "stack" array of o (frames as strings); 0, or -1 after a reported error. */
static int read_frames(struct rd *rd, json_object *o, const char *where, char ***frames,
		       unsigned *n)
{
	json_object *st;
	size_t ns, k;

	*n = 0;
	st = get_array(rd, o, where, "stack", &ns);
	if (!ns)
		return rd->failed ? -1 : 0;
	*frames = alloc_array(rd, ns, sizeof(**frames));
	if (!*frames)
		return -1;
	for (k = 0; k < ns; k++) {
		json_object *f = json_object_array_get_idx(st, k);

		if (!json_object_is_type(f, json_type_string))
			return bad(rd, where, "stack[]", "strings");
		(*frames)[k] = strdup(json_object_get_string(f));
		if (!(*frames)[k]) {
			rd->failed = 1;
			return -1;
		}
		*n = (unsigned)k + 1;
	}
	return 0;
}

static void read_pair(struct rd *rd, json_object *o, struct tb_rpair *p)
{
	const char *w = "pairs[]";
	json_object *arr;
	size_t n, i;

	p->label = get_str(rd, o, w, "label");
	p->alloc = get_str(rd, o, w, "alloc");
	p->free = get_str(rd, o, w, "free");
	p->allocs = get_u64(rd, o, w, "allocs");
	p->frees = get_u64(rd, o, w, "frees");
	p->unmatched_frees = get_u64(rd, o, w, "unmatched_frees");
	p->null_frees = get_u64(rd, o, w, "null_frees");
	p->failed_allocs = get_u64(rd, o, w, "failed_allocs");
	p->implicit_frees = get_u64(rd, o, w, "implicit_frees");
	p->cross_cpu_frees = get_u64(rd, o, w, "cross_cpu_frees");
	p->inversions = get_u64(rd, o, w, "inversions");
	p->hidden = get_u64(rd, o, w, "hidden");
	p->hashed = get_u64(rd, o, w, "hashed");
	p->nokey = get_u64(rd, o, w, "no_key");
	p->count = get_u64(rd, o, w, "outstanding_count");
	p->bytes = get_u64(rd, o, w, "outstanding_bytes");
	p->req = get_u64(rd, o, w, "outstanding_requested");
	p->groups = get_u64(rd, o, w, "groups");
	p->bytes_per_object = get_dbl(rd, o, w, "bytes_per_object");
	if (!p->label && !rd->failed)
		bad(rd, w, "label", "a string");
	arr = get_array(rd, o, w, "outstanding", &n);
	p->sites = alloc_array(rd, n, sizeof(*p->sites));
	if (!p->sites)
		return;
	for (i = 0; i < n && !rd->failed; i++) {
		const char *ws = "pairs[].outstanding[]";
		json_object *so = item(rd, arr, i, "pairs[].outstanding"), *st;
		struct tb_rsite *s = &p->sites[p->nsites++];

		if (!so)
			return;
		s->site = get_str(rd, so, ws, "site");
		s->by = get_str(rd, so, ws, "by");
		s->count = get_u64(rd, so, ws, "count");
		s->bytes = get_u64(rd, so, ws, "bytes");
		s->req = get_u64(rd, so, ws, "requested");
		s->allocs = get_u64(rd, so, ws, "allocs");
		s->frees = get_u64(rd, so, ws, "frees");
		s->implicit = get_u64(rd, so, ws, "implicit_frees");
		s->oldest_s = get_dbl(rd, so, ws, "oldest_s");
		s->certain = -1;
		if (json_object_object_get_ex(so, "certain", &st) &&
		    json_object_is_type(st, json_type_int))
			s->certain = json_object_get_int64(st);
		if (!s->site) {
			bad(rd, ws, "site", "a string");
			return;
		}
		if (read_frames(rd, so, ws, &s->stack, &s->nstack))
			return;
	}
}

static void read_verdict(struct rd *rd, json_object *o, struct tb_rverdict *v)
{
	const char *w = "verdicts[]";
	json_object *arr;
	size_t n, i;

	v->label = get_str(rd, o, w, "label");
	v->a = get_str(rd, o, w, "a");
	v->b = get_str(rd, o, w, "b");
	v->a_calls = get_u64(rd, o, w, "a_calls");
	v->b_calls = get_u64(rd, o, w, "b_calls");
	if ((!v->a || !v->b) && !rd->failed) {
		bad(rd, w, "a", "the two sides a and b as strings");
		return;
	}
	arr = get_array(rd, o, w, "callers", &n);
	v->callers = alloc_array(rd, n, sizeof(*v->callers));
	for (i = 0; v->callers && i < n && !rd->failed; i++) {
		json_object *c = item(rd, arr, i, "verdicts[].callers");
		struct tb_rcaller *rc = &v->callers[v->ncallers++];

		if (!c)
			return;
		rc->caller = get_str(rd, c, "verdicts[].callers[]", "caller");
		rc->a_calls = get_u64(rd, c, "verdicts[].callers[]", "a_calls");
		rc->b_calls = get_u64(rd, c, "verdicts[].callers[]", "b_calls");
		if (!rc->caller)
			bad(rd, "verdicts[].callers[]", "caller", "a string");
	}
}

static void read_balance(struct rd *rd, json_object *o, struct tb_rbal *b)
{
	const char *w = "balances[]";
	json_object *arr;
	size_t n, i;

	b->label = get_str(rd, o, w, "label");
	b->get = get_str(rd, o, w, "get");
	b->put = get_str(rd, o, w, "put");
	b->gets = get_u64(rd, o, w, "gets");
	b->puts = get_u64(rd, o, w, "puts");
	b->held_objects = get_u64(rd, o, w, "held_objects");
	b->held_refs = get_u64(rd, o, w, "held_refs");
	b->unmatched_puts = get_u64(rd, o, w, "unmatched_puts");
	b->hidden = get_u64(rd, o, w, "hidden");
	b->nokey = get_u64(rd, o, w, "no_key");
	if (!b->label && !rd->failed)
		bad(rd, w, "label", "a string");
	arr = get_array(rd, o, w, "sites", &n);
	b->sites = alloc_array(rd, n, sizeof(*b->sites));
	for (i = 0; b->sites && i < n && !rd->failed; i++) {
		json_object *so = item(rd, arr, i, "balances[].sites");
		struct tb_rbsite *s = &b->sites[b->nsites++];

		if (!so)
			return;
		s->site = get_str(rd, so, "balances[].sites[]", "site");
		read_frames(rd, so, "balances[].sites[]", &s->stack, &s->nstack);
		s->objects = get_u64(rd, so, "balances[].sites[]", "objects");
		s->refs = get_u64(rd, so, "balances[].sites[]", "refs");
		s->gets = get_u64(rd, so, "balances[].sites[]", "gets");
		s->puts = get_u64(rd, so, "balances[].sites[]", "puts");
		if (!s->site)
			bad(rd, "balances[].sites[]", "site", "a string");
	}
}

static void read_report(struct rd *rd, json_object *root, struct tb_report *rep)
{
	json_object *arr, *k, *v;
	size_t n, i;
	char *tool = get_str(rd, root, "", "tool");

	if (!tool || strcmp(tool, "tracebook")) {
		free(tool);
		bad(rd, "", "tool", "\"tracebook\" (this is not a tracebook JSON report)");
		return;
	}
	rep->tool = tool;
	rep->version = get_str(rd, root, "", "version");
	if (json_object_object_get_ex(root, "kernel", &k) &&
	    json_object_is_type(k, json_type_object)) {
		rep->kernel_release = get_str(rd, k, "kernel", "release");
		rep->arch = get_str(rd, k, "kernel", "arch");
	}
	rep->recipe = get_str(rd, root, "", "recipe");
	rep->source = get_str(rd, root, "", "source");
	read_strlist(rd, root, "plan", &rep->plan);
	read_strlist(rd, root, "notes", &rep->notes);
	rep->duration_s = get_dbl(rd, root, "", "duration_s");
	if (rep->duration_s < 0)
		rep->duration_s = 0;
	rep->events = get_u64(rd, root, "", "events");
	rep->lost = get_u64(rd, root, "", "lost_events");
	if (json_object_object_get_ex(root, "lost_unknown", &v))
		rep->lost_unknown = json_object_get_boolean(v);
	rep->lost_from_s = rep->lost_to_s = -1;
	if (json_object_object_get_ex(root, "lost_window_s", &v) &&
	    json_object_is_type(v, json_type_array) && json_object_array_length(v) == 2) {
		rep->lost_from_s = json_object_get_double(json_object_array_get_idx(v, 0));
		rep->lost_to_s = json_object_get_double(json_object_array_get_idx(v, 1));
	}
	arr = get_array(rd, root, "", "lost_per_cpu", &n);
	if (n) {
		rep->lost_per_cpu = alloc_array(rd, n, sizeof(uint64_t));
		for (i = 0; rep->lost_per_cpu && i < n; i++)
			rep->lost_per_cpu[i] = json_object_get_uint64(json_object_array_get_idx(arr, i));
		rep->ncpus = (unsigned)n;
	}

	arr = get_array(rd, root, "", "pairs", &n);
	rep->pairs = alloc_array(rd, n, sizeof(*rep->pairs));
	for (i = 0; rep->pairs && i < n && !rd->failed; i++) {
		json_object *o = item(rd, arr, i, "pairs");

		if (o)
			read_pair(rd, o, &rep->pairs[rep->npairs++]);
	}
	arr = get_array(rd, root, "", "counts", &n);
	rep->counts = alloc_array(rd, n, sizeof(*rep->counts));
	for (i = 0; rep->counts && i < n && !rd->failed; i++) {
		json_object *o = item(rd, arr, i, "counts");
		struct tb_rcount *c;

		if (!o)
			break;
		c = &rep->counts[rep->ncounts++];
		c->label = get_str(rd, o, "counts[]", "label");
		c->function = get_str(rd, o, "counts[]", "function");
		c->caller = get_str(rd, o, "counts[]", "caller");
		c->calls = get_u64(rd, o, "counts[]", "calls");
		if (!c->function)
			bad(rd, "counts[]", "function", "a string");
		if (!c->label && !rd->failed && !(c->label = strdup("count")))
			rd->failed = 1;
	}
	arr = get_array(rd, root, "", "events_counted", &n);
	rep->evcounts = alloc_array(rd, n, sizeof(*rep->evcounts));
	for (i = 0; rep->evcounts && i < n && !rd->failed; i++) {
		json_object *o = item(rd, arr, i, "events_counted");
		struct tb_revent *e;

		if (!o)
			break;
		e = &rep->evcounts[rep->nevcounts++];
		e->label = get_str(rd, o, "events_counted[]", "label");
		e->event = get_str(rd, o, "events_counted[]", "event");
		e->count = get_u64(rd, o, "events_counted[]", "count");
		if (!e->event)
			bad(rd, "events_counted[]", "event", "a string");
	}
	arr = get_array(rd, root, "", "verdicts", &n);
	rep->verdicts = alloc_array(rd, n, sizeof(*rep->verdicts));
	for (i = 0; rep->verdicts && i < n && !rd->failed; i++) {
		json_object *o = item(rd, arr, i, "verdicts");

		if (o)
			read_verdict(rd, o, &rep->verdicts[rep->nverdicts++]);
	}
	arr = get_array(rd, root, "", "balances", &n);
	rep->bals = alloc_array(rd, n, sizeof(*rep->bals));
	for (i = 0; rep->bals && i < n && !rd->failed; i++) {
		json_object *o = item(rd, arr, i, "balances");

		if (o)
			read_balance(rd, o, &rep->bals[rep->nbals++]);
	}
	if (json_object_object_get_ex(root, "slabs", &v) && !json_object_is_type(v, json_type_null)) {
		rep->slabs_json = strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
									  JSON_C_TO_STRING_NOSLASHESCAPE));
		if (!rep->slabs_json)
			rd->failed = 1;
	}
}

struct tb_report *tb_report_read_json(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_tokener *tok;
	struct tb_report *rep;
	json_object *root;
	struct rd rd = { path, 0 };
	int r;

	r = tb_read_file(path, &sb);
	if (r < 0) {
		strbuf_release(&sb);
		tb_error_code(TB_EXIT_BADINPUT, "cannot read %s: %s", path, strerror(-r));
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		strbuf_release(&sb);
		tb_error("out of memory reading %s", path);
		return NULL;
	}
	root = json_tokener_parse_ex(tok, strbuf_str(&sb), (int)sb.len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		enum json_tokener_error e = json_tokener_get_error(tok);
		size_t off = json_tokener_get_parse_end(tok), line = 1, i;

		for (i = 0; i < off && i < sb.len; i++)
			line += sb.buf[i] == '\n';
		tb_error_code(TB_EXIT_BADINPUT, "%s:%zu: not valid JSON (%s): expected a JSON "
			      "report written by 'tracebook run/analyze -o'", path, line,
			      e == json_tokener_continue ? "unexpected end of file" :
			      json_tokener_error_desc(e));
		json_object_put(root);
		json_tokener_free(tok);
		strbuf_release(&sb);
		return NULL;
	}
	json_tokener_free(tok);
	strbuf_release(&sb);
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		tb_error_code(TB_EXIT_BADINPUT, "%s: expected a JSON object (a tracebook report)",
			      path);
		return NULL;
	}
	rep = tb_report_alloc();
	if (!rep) {
		json_object_put(root);
		tb_error("out of memory reading %s", path);
		return NULL;
	}
	read_report(&rd, root, rep);
	json_object_put(root);
	if (!rd.failed)
		rep->origin = strdup(path);
	if (rd.failed || !rep->origin) {
		if (!rd.failed)
			tb_error("out of memory reading %s", path);
		tb_report_free(rep);
		return NULL;
	}
	return rep;
}
