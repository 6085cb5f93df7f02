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
#include "analyze/trend.h"
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

/*
 * The value at key when it has one of the types in mask (bits 1 << json_type_*);
 * NULL when absent or null, or after reporting a wrong type.
 */
static json_object *get_typed(struct rd *rd, json_object *o, const char *where,
			      const char *key, unsigned mask, const char *expected)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return NULL;
	if (!(mask & (1u << json_object_get_type(v)))) {
		bad(rd, where, key, expected);
		return NULL;
	}
	return v;
}

#define T_INT (1u << json_type_int)

static uint64_t get_u64(struct rd *rd, json_object *o, const char *where, const char *key)
{
	json_object *v = get_typed(rd, o, where, key, T_INT, "a whole number");

	return v ? json_object_get_uint64(v) : 0;
}

static int64_t get_i64(struct rd *rd, json_object *o, const char *where, const char *key)
{
	json_object *v = get_typed(rd, o, where, key, T_INT, "a whole number");

	return v ? json_object_get_int64(v) : 0;
}

/* -1 when absent or null. */
static double get_dbl(struct rd *rd, json_object *o, const char *where, const char *key)
{
	json_object *v = get_typed(rd, o, where, key, T_INT | 1u << json_type_double, "a number");

	return v ? json_object_get_double(v) : -1;
}

/* 1 if key holds true. */
static int get_bool(struct rd *rd, json_object *o, const char *where, const char *key)
{
	json_object *v = get_typed(rd, o, where, key, 1u << json_type_boolean, "true or false");

	return v ? json_object_get_boolean(v) : 0;
}

/* A copied string, NULL when absent or null (or on a type error, reported). */
static char *get_str(struct rd *rd, json_object *o, const char *where, const char *key)
{
	json_object *v = get_typed(rd, o, where, key, 1u << json_type_string, "a string");
	char *s;

	if (!v)
		return NULL;
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
	json_object *v = get_typed(rd, o, where, key, 1u << json_type_array, "an array");

	*n = v ? json_object_array_length(v) : 0;
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

/* An array of whole numbers at key into a malloc'd array of n (all the same length). */
static uint64_t *read_u64s(struct rd *rd, json_object *o, const char *where, const char *key,
			   size_t want)
{
	size_t n, i;
	json_object *a = get_array(rd, o, where, key, &n);
	uint64_t *v;

	if (!a || n != want) {
		bad(rd, where, key, "an array of whole numbers as long as t_ns");
		return NULL;
	}
	v = alloc_array(rd, n, sizeof(*v));
	for (i = 0; v && i < n; i++) {
		json_object *e = json_object_array_get_idx(a, i);

		if (!json_object_is_type(e, json_type_int)) {
			bad(rd, where, key, "an array of whole numbers");
			return v;
		}
		v[i] = json_object_get_uint64(e);
	}
	return v;
}

/* Schema 2 keys of a group (absent from older reports: no trend, too short to tell). */
static void read_site_extras(struct rd *rd, json_object *so, struct tb_rsite *s)
{
	const char *ws = "pairs[].outstanding[]";
	json_object *t, *v, *arr;
	char *verdict;
	size_t n, i;

	s->verdict = TB_V_SHORT;
	s->median_ns = -1;
	if ((t = get_typed(rd, so, ws, "trend", 1u << json_type_object, "an object"))) {
		const char *wt = "pairs[].outstanding[].trend";

		arr = get_array(rd, t, wt, "t_ns", &n);
		s->trend.interval_ns = get_u64(rd, t, wt, "interval_ns");
		s->trend.t_ns = read_u64s(rd, t, wt, "t_ns", n);
		s->trend.count = read_u64s(rd, t, wt, "outstanding", n);
		s->trend.bytes = read_u64s(rd, t, wt, "bytes", n);
		if (arr && s->trend.t_ns && s->trend.count && s->trend.bytes)
			s->trend.n = n;
	}
	verdict = get_str(rd, so, ws, "verdict");
	if (verdict) {
		int vv = tb_verdict_parse(verdict);

		free(verdict);
		if (vv < 0) {
			bad(rd, ws, "verdict", "\"grows\", \"plateau\", \"churn\" or \"too-short\"");
			return;
		}
		s->verdict = vv;
	}
	s->why = get_str(rd, so, ws, "verdict_reason");
	if ((v = get_typed(rd, so, ws, "rate_per_hour", 1u << json_type_object, "an object"))) {
		s->objects_h = get_dbl(rd, v, "pairs[].outstanding[].rate_per_hour", "objects");
		s->bytes_h = get_dbl(rd, v, "pairs[].outstanding[].rate_per_hour", "bytes");
	}
	if ((v = get_typed(rd, so, ws, "age", 1u << json_type_object, "an object")) &&
	    json_object_object_get_ex(v, "median_ns", &t) && json_object_is_type(t, json_type_int))
		s->median_ns = json_object_get_int64(t);
	arr = get_array(rd, so, ws, "top_tasks", &n);
	if (n) {
		s->tasks = alloc_array(rd, n, sizeof(*s->tasks));
		for (i = 0; s->tasks && i < n && !rd->failed; i++) {
			json_object *to = item(rd, arr, i, "pairs[].outstanding[].top_tasks");

			if (!to)
				return;
			s->tasks[i].comm = get_str(rd, to, "top_tasks[]", "comm");
			s->tasks[i].pid = (int32_t)get_i64(rd, to, "top_tasks[]", "pid");
			s->tasks[i].allocs = get_u64(rd, to, "top_tasks[]", "allocs");
			s->ntasks = i + 1;
		}
	}
	s->other_tasks = get_u64(rd, so, ws, "other_tasks_allocs");
	arr = get_array(rd, so, ws, "addresses", &n);
	if (arr) {
		s->addrs_listed = 1;
		s->addrs = alloc_array(rd, n ? n : 1, sizeof(*s->addrs));
		for (i = 0; s->addrs && i < n; i++) {
			json_object *e = json_object_array_get_idx(arr, i);
			const char *str = json_object_is_type(e, json_type_string) ?
				json_object_get_string(e) : NULL;
			char *end;

			if (!str || strncmp(str, "0x", 2)) {
				bad(rd, ws, "addresses", "an array of \"0x...\" strings");
				return;
			}
			s->addrs[i] = strtoull(str + 2, &end, 16);
			if (*end) {
				bad(rd, ws, "addresses", "an array of \"0x...\" strings");
				return;
			}
			s->naddrs = i + 1;
		}
		s->addrs_omitted = get_u64(rd, so, ws, "addresses_omitted");
	}
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
	p->unread = get_u64(rd, o, w, "unread");	/* absent before: 0 */
	p->uncertain = get_u64(rd, o, w, "uncertain");
	p->count = get_u64(rd, o, w, "outstanding_count");
	p->bytes = get_u64(rd, o, w, "outstanding_bytes");
	p->req = get_u64(rd, o, w, "outstanding_requested");
	p->groups = get_u64(rd, o, w, "groups");
	p->bytes_per_object = get_dbl(rd, o, w, "bytes_per_object");
	p->filtered = get_u64(rd, o, w, "filtered_allocs");
	p->older_ns = get_u64(rd, o, w, "older_ns");
	p->older_hidden = get_u64(rd, o, w, "older_hidden");
	{
		json_object *d = get_typed(rd, o, w, "dropped", 1u << json_type_object, "an object");

		if (d) {
			p->untracked_allocs = get_u64(rd, d, "pairs[].dropped", "untracked_allocs");
			p->max_objects = get_u64(rd, d, "pairs[].dropped", "max_objects");
			p->untracked_groups = get_u64(rd, d, "pairs[].dropped", "groups_without_trend");
		}
	}
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
		/* reports written before oldest_ns carry oldest_s only (ms) */
		if (json_object_object_get_ex(so, "oldest_ns", &st) &&
		    json_object_is_type(st, json_type_int)) {
			s->oldest_ns = json_object_get_int64(st);
		} else {
			double v = get_dbl(rd, so, ws, "oldest_s");

			s->oldest_ns = v >= 0 && v < 9.2e9 ? (int64_t)(v * 1e9 + 0.5) : -1;
		}
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
		read_site_extras(rd, so, s);
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
	b->unread = get_u64(rd, o, w, "unread");	/* absent before: 0 */
	b->uncertain = get_u64(rd, o, w, "uncertain");
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

/* ---- "slabs": the growth result (report/growth.c writes it) ----------------------- */

/*
 * A series of npts values at key (whole numbers >= 0, null where absent: -1), or NULL
 * when there is none.  Its length must be the points'.
 */
static int64_t *read_series(struct rd *rd, json_object *o, const char *where, size_t npts,
			    const char *pts)
{
	json_object *a;
	int64_t *v;
	size_t n, i;
	char want[80];

	a = get_array(rd, o, where, "series", &n);
	if (!a)
		return NULL;
	if (n != npts) {
		snprintf(want, sizeof(want), "one value per point of slabs.%s (%zu)", pts, npts);
		bad(rd, where, "series", want);
		return NULL;
	}
	v = alloc_array(rd, n, sizeof(*v));
	for (i = 0; v && i < n; i++) {
		json_object *x = json_object_array_get_idx(a, i);

		if (!x) {
			v[i] = -1;
		} else if (!json_object_is_type(x, json_type_int) || json_object_get_int64(x) < 0) {
			bad(rd, where, "series[]", "whole numbers >= 0 or null");
			free(v);
			return NULL;
		} else {
			v[i] = json_object_get_int64(x);
		}
	}
	return v;
}

/* "slab_points" / "meminfo_points": {"snapshot": [...], "t_ns": [...] or null} */
static void read_points(struct rd *rd, json_object *o, const char *key, struct tb_rpoints *p)
{
	json_object *v = get_typed(rd, o, "slabs", key, 1u << json_type_object, "an object");
	json_object *s, *t;
	size_t n, nt, i;
	char w[40];

	if (!v)
		return;
	snprintf(w, sizeof(w), "slabs.%s", key);
	s = get_array(rd, v, w, "snapshot", &n);
	t = get_array(rd, v, w, "t_ns", &nt);
	if (t && nt != n) {
		bad(rd, w, "t_ns", "as many times as snapshots");
		return;
	}
	p->snap = alloc_array(rd, n, sizeof(*p->snap));
	if (t)
		p->t_ns = alloc_array(rd, n, sizeof(*p->t_ns));
	if (!p->snap || (t && !p->t_ns))
		return;
	for (i = 0; i < n; i++) {
		json_object *a = json_object_array_get_idx(s, i);
		json_object *b = t ? json_object_array_get_idx(t, i) : NULL;

		if (!json_object_is_type(a, json_type_int) || json_object_get_int64(a) < 0 ||
		    (i && json_object_get_int64(a) <= (int64_t)p->snap[i - 1])) {
			bad(rd, w, "snapshot", "rising whole numbers >= 0");
			return;
		}
		if (t && !json_object_is_type(b, json_type_int)) {
			bad(rd, w, "t_ns", "whole numbers");
			return;
		}
		p->snap[i] = (unsigned)json_object_get_int64(a);
		if (t)
			p->t_ns[i] = json_object_get_uint64(b);
	}
	p->n = n;
}

static void read_rcache(struct rd *rd, json_object *o, struct tb_rcache *c, size_t npts)
{
	const char *w = "slabs.caches[]";
	json_object *al;
	size_t n, j;

	c->name = get_str(rd, o, w, "name");
	if (!c->name && !rd->failed)
		bad(rd, w, "name", "a string");
	c->objsize = (uint32_t)get_u64(rd, o, w, "objsize");
	c->active = get_u64(rd, o, w, "active_objs");
	c->num = get_u64(rd, o, w, "num_objs");
	c->size = get_u64(rd, o, w, "size_bytes");
	c->d_active = get_i64(rd, o, w, "delta_active");
	c->d_num = get_i64(rd, o, w, "delta_num");
	c->d_size = get_i64(rd, o, w, "delta_size_bytes");
	c->i_active = get_i64(rd, o, w, "last_interval_active");
	c->i_size = get_i64(rd, o, w, "last_interval_size_bytes");
	c->active_h = get_dbl(rd, o, w, "active_per_hour");
	c->obj_bytes_h = get_dbl(rd, o, w, "obj_bytes_per_hour");
	c->size_h = get_dbl(rd, o, w, "size_bytes_per_hour");
	c->is_new = get_bool(rd, o, w, "new");
	c->gone = get_bool(rd, o, w, "gone");
	c->focus = get_bool(rd, o, w, "focus");
	c->series = read_series(rd, o, w, npts, "slab_points");
	al = get_array(rd, o, w, "aliases", &n);
	c->aliases = alloc_array(rd, n, sizeof(*c->aliases));
	for (j = 0; c->aliases && j < n && !rd->failed; j++) {
		json_object *s = json_object_array_get_idx(al, j);

		if (!json_object_is_type(s, json_type_string)) {
			bad(rd, w, "aliases[]", "strings");
			break;
		}
		c->aliases[c->naliases] = strdup(json_object_get_string(s));
		if (!c->aliases[c->naliases++])
			rd->failed = 1;
	}
}

static int read_zone(struct rd *rd, json_object *o, struct tb_rzone *z)
{
	const char *w = "slabs.buddyinfo[]";
	json_object *f, *d;
	size_t n, nd, k;

	z->node = (int)get_i64(rd, o, w, "node");
	z->zone = get_str(rd, o, w, "zone");
	if (!z->zone)
		return bad(rd, w, "zone", "a string");
	f = get_array(rd, o, w, "free", &n);
	d = get_array(rd, o, w, "delta", &nd);
	z->norders = (unsigned)n;
	z->free = alloc_array(rd, n, sizeof(*z->free));
	if (d && nd != n)
		return bad(rd, w, "delta", "as many orders as free");
	if (d)
		z->delta = alloc_array(rd, n, sizeof(*z->delta));
	for (k = 0; z->free && k < n && !rd->failed; k++) {
		json_object *a = json_object_array_get_idx(f, k);
		json_object *b = d ? json_object_array_get_idx(d, k) : NULL;

		if (!json_object_is_type(a, json_type_int) || (b && !json_object_is_type(b, json_type_int)))
			return bad(rd, w, "free", "whole numbers");
		z->free[k] = json_object_get_uint64(a);
		if (z->delta)
			z->delta[k] = json_object_get_int64(b);
	}
	return 0;
}

static int add_rvm(struct rd *rd, struct tb_rvm **v, size_t *n, const char *key, int64_t delta)
{
	struct tb_rvm *nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv || !(nv[*n].key = strdup(key))) {
		if (nv)
			*v = nv;
		rd->failed = 1;
		return tb_error("out of memory reading %s", rd->path);
	}
	*v = nv;
	nv[*n].first = nv[*n].last = 0;
	nv[*n].delta = delta;
	nv[*n].known = 0;	/* the JSON keeps changes, not values */
	(*n)++;
	return 0;
}

/*
 * What the JSON keeps of a growth result: everything the text shows except the
 * vmstat values (their changes only), the last interval's length (known again from
 * the series' points when they hold the last two snapshots) and whether the span was
 * given by --between.
 */
static void read_growth(struct rd *rd, json_object *o, struct tb_report *rep)
{
	struct tb_rgrowth *g = tb_rgrowth_alloc();
	json_object *v, *arr;
	size_t n, i;
	int k;

	if (!g) {
		rd->failed = 1;
		tb_error("out of memory reading %s", rd->path);
		return;
	}
	rep->growth = g;
	if (json_object_object_get_ex(o, "snapshots", &v))
		for (k = 0; k < TB_PROC_KINDS; k++)
			g->snapshots[k] = (unsigned)get_u64(rd, v, "slabs.snapshots",
							    tb_proc_kinds[k].name);
	g->span_ns = get_u64(rd, o, "slabs", "span_ns");
	g->format = get_str(rd, o, "slabs", "format");
	read_points(rd, o, "slab_points", &g->slab_pts);
	read_points(rd, o, "meminfo_points", &g->mem_pts);
	/* the last interval's length, when the series has its two snapshots */
	n = g->slab_pts.n;
	if (n >= 2 && g->slab_pts.t_ns && g->slab_pts.snap[n - 1] == g->slab_pts.snap[n - 2] + 1)
		g->last_span_ns = g->slab_pts.t_ns[n - 1] - g->slab_pts.t_ns[n - 2];
	arr = get_array(rd, o, "slabs", "caches", &n);
	g->caches = alloc_array(rd, n, sizeof(*g->caches));
	for (i = 0; g->caches && i < n && !rd->failed; i++) {
		json_object *c = item(rd, arr, i, "slabs.caches");

		if (c)
			read_rcache(rd, c, &g->caches[g->ncaches++], g->slab_pts.n);
	}
	if (json_object_object_get_ex(o, "meminfo_kb", &v) && json_object_is_type(v, json_type_object)) {
		g->mem = alloc_array(rd, (size_t)json_object_object_length(v), sizeof(*g->mem));
		json_object_object_foreach(v, key, e) {
			struct tb_rmem *m;

			if (rd->failed || !g->mem)
				break;
			if (!json_object_is_type(e, json_type_object)) {
				bad(rd, "slabs.meminfo_kb", key, "an object");
				break;
			}
			m = &g->mem[g->nmem++];
			m->key = strdup(key);
			if (!m->key)
				rd->failed = 1;
			m->first = get_i64(rd, e, "slabs.meminfo_kb", "first");
			m->last = get_i64(rd, e, "slabs.meminfo_kb", "last");
			m->per_hour = get_dbl(rd, e, "slabs.meminfo_kb", "per_hour");
			m->has_rate = json_object_object_get_ex(e, "per_hour", &arr) &&
				      !json_object_is_type(arr, json_type_null);
			m->series = read_series(rd, e, "slabs.meminfo_kb", g->mem_pts.n,
						"meminfo_points");
		}
	}
	if (json_object_object_get_ex(o, "vmstat_delta", &v) && json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, key, e) {
			if (rd->failed)
				break;
			if (!json_object_is_type(e, json_type_int)) {
				bad(rd, "slabs.vmstat_delta", key, "a whole number");
				break;
			}
			add_rvm(rd, &g->vmstat, &g->nvmstat, key, json_object_get_int64(e));
		}
	}
	json_object_object_foreach(o, key, e) {
		size_t len = strlen(key);
		char name[64];

		if (rd->failed || len <= 6 || strcmp(key + len - 6, "_delta") ||
		    !strcmp(key, "vmstat_delta") || !strcmp(key, "compact_stall_delta") ||
		    len - 6 >= sizeof(name))
			continue;
		if (!json_object_is_type(e, json_type_int)) {
			bad(rd, "slabs", key, "a whole number");
			break;
		}
		memcpy(name, key, len - 6);
		name[len - 6] = '\0';
		add_rvm(rd, &g->vmrows, &g->nvmrows, name, json_object_get_int64(e));
	}
	if (json_object_object_get_ex(o, "compaction", &v)) {
		const char *c = json_object_get_string(v);

		g->compaction = c && !strcmp(c, "ran") ? 1 : c && !strcmp(c, "skipped") ? 0 : -1;
	}
	g->compact_stalls = get_i64(rd, o, "slabs", "compact_stall_delta");
	arr = get_array(rd, o, "slabs", "buddyinfo", &n);
	g->zones = alloc_array(rd, n, sizeof(*g->zones));
	for (i = 0; g->zones && i < n && !rd->failed; i++) {
		json_object *z = item(rd, arr, i, "slabs.buddyinfo");

		if (z)
			read_zone(rd, z, &g->zones[g->nzones++]);
	}
}

static void read_report(struct rd *rd, json_object *root, struct tb_report *rep)
{
	json_object *arr, *k, *v, *dn;
	size_t n, i;
	char *tool = get_str(rd, root, "", "tool");

	if (!tool || strcmp(tool, "tracebook")) {
		free(tool);
		bad(rd, "", "tool", "\"tracebook\" (this is not a tracebook JSON report)");
		return;
	}
	rep->tool = tool;
	rep->version = get_str(rd, root, "", "version");
	rep->schema = (int)get_i64(rd, root, "", "schema_version");	/* absent: 1 */
	if (!rep->schema)
		rep->schema = 1;
	/* schema 3: "complete": false is a report rewritten during a run that did not end */
	if (get_typed(rd, root, "", "complete", 1u << json_type_boolean, "true or false"))
		rep->partial = !get_bool(rd, root, "", "complete");
	rep->interval_ns = get_u64(rd, root, "", "interval_ns");
	rep->coarsened = (unsigned)get_u64(rd, root, "", "interval_coarsened");
	if (json_object_object_get_ex(root, "kernel", &k) &&
	    json_object_is_type(k, json_type_object)) {
		rep->kernel_release = get_str(rd, k, "kernel", "release");
		rep->arch = get_str(rd, k, "kernel", "arch");
	}
	rep->recipe = get_str(rd, root, "", "recipe");
	rep->source = get_str(rd, root, "", "source");
	read_strlist(rd, root, "plan", &rep->plan);
	read_strlist(rd, root, "notes", &rep->notes);
	if (json_object_object_get_ex(root, "duration_ns", &dn) &&
	    json_object_is_type(dn, json_type_int)) {
		rep->duration_ns = json_object_get_uint64(dn);
	} else {	/* reports before duration_ns */
		double v = get_dbl(rd, root, "", "duration_s");

		rep->duration_ns = v > 0 && v < 1.8e10 ? (uint64_t)(v * 1e9 + 0.5) : 0;
	}
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
	/* input_events: absent from reports before it (the events seen stay unknown) */
	arr = get_array(rd, root, "", "input_events", &n);
	if (arr) {
		rep->seen_known = 1;
		rep->seen = alloc_array(rd, n, sizeof(*rep->seen));
	}
	for (i = 0; arr && rep->seen && i < n && !rd->failed; i++) {
		json_object *o = item(rd, arr, i, "input_events");
		struct tb_revent *e;

		if (!o)
			break;
		e = &rep->seen[rep->nseen++];
		e->event = get_str(rd, o, "input_events[]", "event");
		e->count = get_u64(rd, o, "input_events[]", "count");
		if (!e->event)
			bad(rd, "input_events[]", "event", "a string");
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
		if (!json_object_is_type(v, json_type_object))
			bad(rd, "", "slabs", "an object");
		else
			read_growth(rd, v, rep);
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
