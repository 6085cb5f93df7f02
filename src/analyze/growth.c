/*
 * growth.c - the growth analyzer: /proc snapshots (slabinfo or slabtop/kmem -s text,
 * meminfo, vmstat, buddyinfo) over time -> per-cache deltas per interval and per hour,
 * Slab/SReclaimable/SUnreclaim totals and rates, compaction counters, free pages per
 * order, handed out as a structured result (struct tb_rgrowth, analyze/result.h) that
 * report/growth.c renders.  See growth.h.
 *
 * Only the first, the previous and the last snapshot of each kind are kept: growth
 * since the start, growth over the last interval, and the rate per hour need no more,
 * and a long `slabs -i 10s` watch stays small.  Beside them, for the charts over time,
 * a bounded series (struct points): per slab snapshot every cache's active objects,
 * per meminfo snapshot its slab lines.  Every cache is kept, and the top ones are
 * chosen when the result is built: the caches that grow most are only known at the
 * end (a leak that starts late).  At most TB_GROWTH_MAX_POINTS points of ~300 caches
 * x 8 bytes: ~300 KB; past that the series is decimated as the trend grid is (every
 * 2nd point kept, analyze/sample.c), the first and the newest snapshot always kept.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/growth.h"
#include "util/procfs.h"
#include "kernel/slab.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "recipe/recipe.h"

#define NS_PER_HOUR 3600e9

enum { K_SLAB = TB_PROC_SLABINFO, K_MEM = TB_PROC_MEMINFO, K_VM = TB_PROC_VMSTAT,
       K_BUDDY = TB_PROC_BUDDYINFO, K_MAX = TB_PROC_KINDS };

struct snap {
	uint64_t wall_ns;	/* 0: unknown */
	char *origin;
	union {
		struct tb_slabinfo si;
		struct tb_kvlist kv;
		struct tb_buddyinfo bi;
	} u;
	int set;
};

struct series {
	struct snap first, prev, last;
	unsigned count;
};

/* One point of a chart series: a snapshot's values, -1 where absent. */
struct point {
	uint64_t wall_ns;	/* 0: unknown */
	unsigned idx;		/* the snapshot's index (0 = the first) */
	size_t nv;
	int64_t *v;		/* slab: by the cache's index in names; meminfo: mem_keys */
};

/*
 * A bounded series: the points of snapshots idx % stride == 0, then the newest
 * snapshot (replaced by the next one when its idx is not a multiple of stride).
 */
struct points {
	struct point p[TB_GROWTH_MAX_POINTS];
	size_t n;
	unsigned stride;
};

struct tb_growth {
	struct strlist focus;		/* caches the recipe names */
	unsigned from_mask;		/* kinds accepted (bit per K_*) */
	struct series s[K_MAX];
	const struct tb_slab_tree *tree;	/* aliases (borrowed), may be NULL */
	uint64_t between_ns;		/* time between snapshots when they carry none */
	struct points slab_pts, mem_pts;
	struct strlist names;		/* every cache seen, the index of slab_pts' values */
};

struct tb_growth *tb_growth_new(const struct tb_recipe_growth *spec)
{
	struct tb_growth *g = calloc(1, sizeof(*g));
	size_t i, k;

	if (!g)
		return NULL;
	g->from_mask = (1u << K_MAX) - 1;
	g->slab_pts.stride = g->mem_pts.stride = 1;
	if (!spec)
		return g;
	for (i = 0; i < spec->caches.n; i++)
		if (strlist_add(&g->focus, spec->caches.v[i])) {
			tb_growth_free(g);
			return NULL;
		}
	if (spec->from.n) {
		g->from_mask = 0;
		for (i = 0; i < spec->from.n; i++)
			if ((k = (size_t)tb_proc_kind(spec->from.v[i])) < K_MAX)
				g->from_mask |= 1u << k;
	}
	return g;
}

static void snap_release(int kind, struct snap *s)
{
	if (!s->set)
		return;
	if (kind == K_SLAB)
		tb_slabinfo_release(&s->u.si);
	else if (kind == K_BUDDY)
		tb_buddyinfo_release(&s->u.bi);
	else
		tb_kvlist_release(&s->u.kv);
	free(s->origin);
	memset(s, 0, sizeof(*s));
}

void tb_growth_free(struct tb_growth *g)
{
	size_t i;
	int k;

	if (!g)
		return;
	for (k = 0; k < K_MAX; k++) {
		snap_release(k, &g->s[k].first);
		snap_release(k, &g->s[k].prev);
		snap_release(k, &g->s[k].last);
	}
	for (i = 0; i < g->slab_pts.n; i++)
		free(g->slab_pts.p[i].v);
	for (i = 0; i < g->mem_pts.n; i++)
		free(g->mem_pts.p[i].v);
	strlist_clear(&g->names);
	strlist_clear(&g->focus);
	free(g);
}

void tb_growth_set_aliases(struct tb_growth *g, const struct tb_slab_tree *tree)
{
	g->tree = tree;
}

void tb_growth_set_between(struct tb_growth *g, uint64_t ns)
{
	g->between_ns = ns;
}

static const char *const mem_keys[] = { "Slab", "SReclaimable", "SUnreclaim", "KReclaimable",
					"MemFree", "MemAvailable", NULL };
#define NMEM_KEYS (sizeof(mem_keys) / sizeof(mem_keys[0]) - 1)

/*
 * Make room for snapshot idx's point in ps; its slot, or NULL.  When full, every
 * other point is dropped (stride doubles; the first stays); a newest point that is
 * not on the stride is replaced.
 */
static struct point *points_slot(struct points *ps, unsigned idx)
{
	size_t i, k;

	if (ps->n && ps->p[ps->n - 1].idx % ps->stride) {
		free(ps->p[--ps->n].v);
		ps->p[ps->n].v = NULL;
	}
	if (ps->n == TB_GROWTH_MAX_POINTS) {
		ps->stride *= 2;
		for (i = k = 0; i < ps->n; i++) {
			if (ps->p[i].idx % ps->stride) {
				free(ps->p[i].v);
				continue;
			}
			ps->p[k++] = ps->p[i];
		}
		ps->n = k;
	}
	memset(&ps->p[ps->n], 0, sizeof(ps->p[0]));
	ps->p[ps->n].idx = idx;
	return &ps->p[ps->n];
}

/* The index of cache name in g->names (added when new); -1 on ENOMEM. */
static long name_index(struct tb_growth *g, const char *name, size_t hint)
{
	size_t i;

	if (hint < g->names.n && !strcmp(g->names.v[hint], name))
		return (long)hint;
	for (i = 0; i < g->names.n; i++)
		if (!strcmp(g->names.v[i], name))
			return (long)i;
	if (strlist_add(&g->names, name))
		return -1;
	return (long)g->names.n - 1;
}

/* Add snapshot n (of kind, the count-th) to its series; -1 on ENOMEM. */
static int add_point(struct tb_growth *g, int kind, const struct snap *n, unsigned count)
{
	struct points *ps = kind == K_SLAB ? &g->slab_pts : &g->mem_pts;
	struct point *pt;
	size_t i, nv;
	int64_t *v;

	if (kind == K_SLAB) {
		for (i = 0; i < n->u.si.n; i++)
			if (name_index(g, n->u.si.rows[i].name, i) < 0)
				return -1;
		nv = g->names.n;
	} else {
		nv = NMEM_KEYS;
	}
	v = malloc((nv + 1) * sizeof(*v));
	if (!v)
		return -1;
	for (i = 0; i < nv; i++)
		v[i] = -1;
	if (kind == K_SLAB) {
		for (i = 0; i < n->u.si.n; i++)
			v[name_index(g, n->u.si.rows[i].name, i)] =
				(int64_t)n->u.si.rows[i].active_objs;
	} else {
		for (i = 0; i < nv; i++) {
			int found;
			int64_t x = tb_kv_get(&n->u.kv, mem_keys[i], 0, &found);

			if (found)
				v[i] = x;
		}
	}
	pt = points_slot(ps, count);
	pt->wall_ns = n->wall_ns;
	pt->nv = nv;
	pt->v = v;
	ps->n++;
	return 0;
}

int tb_growth_add(struct tb_growth *g, const char *what, uint64_t wall_ns,
		  const char *text, const char *origin)
{
	struct snap n;
	struct series *se;
	int kind, ret;

	kind = tb_proc_kind(what);
	if (kind == TB_PROC_NONE)
		return tb_error_code(TB_EXIT_BADINPUT, "%s: unknown snapshot kind '%s': expected "
				     "%s", origin ? origin : "growth", what, tb_proc_kinds_text());
	if (!(g->from_mask & (1u << kind)))
		return 0;
	memset(&n, 0, sizeof(n));
	switch (kind) {
	case K_SLAB:
		ret = tb_slabinfo_parse(text, origin, &n.u.si);
		if (!wall_ns)
			wall_ns = n.u.si.wall_ns;
		break;
	case K_MEM:
		ret = tb_meminfo_parse(text, origin, &n.u.kv);
		if (!wall_ns)
			wall_ns = n.u.kv.wall_ns;
		break;
	case K_VM:
		ret = tb_vmstat_parse(text, origin, &n.u.kv);
		if (!wall_ns)
			wall_ns = n.u.kv.wall_ns;
		break;
	default:
		ret = tb_buddyinfo_parse(text, origin, &n.u.bi);
		if (!wall_ns)
			wall_ns = n.u.bi.wall_ns;
		break;
	}
	n.set = 1;
	if (ret) {
		snap_release(kind, &n);
		if (ret == -ENOMEM)
			return tb_error("out of memory reading %s", origin ? origin : what);
		return ret;
	}
	n.wall_ns = wall_ns;
	n.origin = strdup(origin ? origin : what);
	se = &g->s[kind];
	if ((kind == K_SLAB || kind == K_MEM) && add_point(g, kind, &n, se->count)) {
		snap_release(kind, &n);
		return tb_error("out of memory reading %s", origin ? origin : what);
	}
	if (!se->first.set) {
		se->first = n;
	} else {
		snap_release(kind, &se->prev);
		se->prev = se->last;
		se->last = n;
	}
	se->count++;
	return 0;
}

int tb_growth_has_result(const struct tb_growth *g)
{
	int k;

	for (k = 0; k < K_MAX; k++)
		if (g->s[k].count >= 2)
			return 1;
	return 0;
}

/* ---- the views used by text and JSON ------------------------------------------ */

static const struct snap *first_of(const struct series *s)
{
	return s->first.set ? &s->first : NULL;
}

static const struct snap *last_of(const struct series *s)
{
	return s->last.set ? &s->last : first_of(s);
}

static const struct snap *prev_of(const struct series *s)
{
	return s->prev.set ? &s->prev : (s->last.set ? &s->first : NULL);
}

/* Time between two snapshots of a series; 0 when unknown. */
static uint64_t span_between(const struct tb_growth *g, const struct snap *a,
			     const struct snap *b, unsigned steps)
{
	if (a->wall_ns && b->wall_ns && b->wall_ns > a->wall_ns)
		return b->wall_ns - a->wall_ns;
	return g->between_ns * steps;
}

static uint64_t span_all(const struct tb_growth *g, int kind)
{
	const struct series *s = &g->s[kind];

	if (s->count < 2)
		return 0;
	return span_between(g, &s->first, &s->last, s->count - 1);
}

static uint64_t span_last(const struct tb_growth *g, int kind)
{
	const struct series *s = &g->s[kind];

	if (s->count < 2)
		return 0;
	return span_between(g, prev_of(s), &s->last, 1);
}

static double per_hour(double delta, uint64_t span_ns)
{
	return span_ns ? delta * NS_PER_HOUR / (double)span_ns : 0;
}

struct cache_growth {
	const char *name;
	const struct tb_slab_row *last;	/* NULL: gone */
	uint32_t objsize;
	uint64_t active, num, size;
	int64_t d_active, d_num, d_size;	/* since the first snapshot */
	int64_t i_active, i_size;		/* over the last interval */
	int is_new, gone, focus;
	const struct tb_slab_cache *cache;	/* sysfs view, NULL if unknown */
};

static int64_t obj_bytes(const struct cache_growth *c)
{
	return c->d_active * (int64_t)c->objsize;
}

/* Resolve a (focus) name to the slabinfo name that holds it. */
static const char *holder_name(const struct tb_growth *g, const char *name)
{
	const struct tb_slab_cache *c;

	if (!g->tree)
		return name;
	c = tb_slab_resolve(g->tree, name);
	return c ? tb_slab_name(c) : name;
}

static int is_focus(const struct tb_growth *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->focus.n; i++)
		if (!strcmp(g->focus.v[i], name) || !strcmp(holder_name(g, g->focus.v[i]), name))
			return 1;
	return 0;
}

/* Per-cache growth; *n set; NULL with *n 0 when there is no slab snapshot. */
static struct cache_growth *cache_table(const struct tb_growth *g, size_t *n)
{
	const struct series *s = &g->s[K_SLAB];
	const struct snap *f = first_of(s), *l = last_of(s), *p = prev_of(s);
	struct cache_growth *v;
	size_t i, k = 0;

	*n = 0;
	if (!f)
		return NULL;
	v = calloc(l->u.si.n + f->u.si.n + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < l->u.si.n; i++) {
		const struct tb_slab_row *r = &l->u.si.rows[i];
		const struct tb_slab_row *a = s->count >= 2 ? tb_slabinfo_find(&f->u.si, r->name) : r;
		const struct tb_slab_row *pp = p && s->count >= 2 ? tb_slabinfo_find(&p->u.si, r->name) : r;
		struct cache_growth *c = &v[k++];

		c->name = r->name;
		c->last = r;
		c->objsize = r->objsize;
		c->active = r->active_objs;
		c->num = r->num_objs;
		c->size = r->size_bytes;
		c->is_new = !a;
		c->d_active = (int64_t)r->active_objs - (a ? (int64_t)a->active_objs : 0);
		c->d_num = (int64_t)r->num_objs - (a ? (int64_t)a->num_objs : 0);
		c->d_size = (int64_t)r->size_bytes - (a ? (int64_t)a->size_bytes : 0);
		c->i_active = (int64_t)r->active_objs - (pp ? (int64_t)pp->active_objs : 0);
		c->i_size = (int64_t)r->size_bytes - (pp ? (int64_t)pp->size_bytes : 0);
		c->focus = is_focus(g, r->name);
		c->cache = g->tree ? tb_slab_resolve(g->tree, r->name) : NULL;
	}
	if (s->count >= 2) {
		for (i = 0; i < f->u.si.n; i++) {
			const struct tb_slab_row *a = &f->u.si.rows[i];
			struct cache_growth *c;

			if (tb_slabinfo_find(&l->u.si, a->name))
				continue;
			c = &v[k++];
			c->name = a->name;
			c->objsize = a->objsize;
			c->gone = 1;
			c->d_active = -(int64_t)a->active_objs;
			c->d_num = -(int64_t)a->num_objs;
			c->d_size = -(int64_t)a->size_bytes;
			c->focus = is_focus(g, a->name);
		}
	}
	*n = k;
	return v;
}

/* ---- the result (analyze/result.h) ------------------------------------------------ */

static const char *const compact_keys[] = {
	"compact_stall", "compact_fail", "compact_success", "compact_migrate_scanned",
	"compact_free_scanned", "compact_isolated", "compact_daemon_wake",
	"compact_daemon_migrate_scanned", "compact_daemon_free_scanned", NULL };
static const char *const reclaim_keys[] = { "allocstall", "pgscan_direct", "pgsteal_direct",
					    "pgscan_kswapd", "pgsteal_kswapd", NULL };

/* -1: no counters, 0: compaction did not run, 1: it ran */
static int compaction_ran(const struct tb_growth *g, int64_t *stalls)
{
	const struct series *s = &g->s[K_VM];
	int fa, fb;
	int64_t a, b;

	if (s->count < 2)
		return -1;
	a = tb_kv_get(&s->first.u.kv, "compact_stall", 0, &fa);
	b = tb_kv_get(&s->last.u.kv, "compact_stall", 0, &fb);
	if (!fa || !fb)
		return -1;
	*stalls = b - a;
	return b != a;
}

static const struct tb_buddy_zone *find_zone(const struct tb_buddyinfo *b, int node,
					      const char *zone)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->zones[i].node == node && !strcmp(b->zones[i].zone, zone))
			return &b->zones[i];
	return NULL;
}

static int result_cache(const struct tb_growth *g, const struct cache_growth *c, uint64_t span,
			struct tb_rcache *r)
{
	size_t j;

	r->name = strdup(c->name);
	if (!r->name)
		return -1;
	r->objsize = c->objsize;
	r->active = c->active;
	r->num = c->num;
	r->size = c->size;
	r->d_active = c->d_active;
	r->d_num = c->d_num;
	r->d_size = c->d_size;
	r->i_active = c->i_active;
	r->i_size = c->i_size;
	r->active_h = per_hour((double)c->d_active, span);
	r->obj_bytes_h = per_hour((double)obj_bytes(c), span);
	r->size_h = per_hour((double)c->d_size, span);
	r->is_new = c->is_new;
	r->gone = c->gone;
	r->focus = c->focus;
	if (!c->cache)
		return 0;
	r->aliases = calloc(c->cache->names.n + 1, sizeof(*r->aliases));
	if (!r->aliases)
		return -1;
	for (j = 0; j < c->cache->names.n; j++) {
		if (!strcmp(c->cache->names.v[j], c->name))
			continue;
		r->aliases[r->naliases] = strdup(c->cache->names.v[j]);
		if (!r->aliases[r->naliases++])
			return -1;
	}
	(void)g;
	return 0;
}

/* The points of ps as a result (2+ snapshots); times since the first when known. */
static int result_points(const struct tb_growth *g, const struct points *ps, unsigned count,
			 struct tb_rpoints *rp)
{
	size_t i;
	int timed = 1;

	if (count < 2 || ps->n < 2)
		return 0;
	rp->snap = calloc(ps->n, sizeof(*rp->snap));
	rp->t_ns = calloc(ps->n, sizeof(*rp->t_ns));
	if (!rp->snap || !rp->t_ns)
		return -1;
	rp->n = ps->n;
	for (i = 0; i < ps->n; i++) {
		rp->snap[i] = ps->p[i].idx;
		if (!ps->p[i].wall_ns || ps->p[i].wall_ns < ps->p[0].wall_ns ||
		    (i && ps->p[i].wall_ns < ps->p[i - 1].wall_ns))
			timed = 0;
	}
	for (i = 0; i < ps->n; i++)
		rp->t_ns[i] = timed ? ps->p[i].wall_ns - ps->p[0].wall_ns :
				      (uint64_t)ps->p[i].idx * g->between_ns;
	if (!timed && !g->between_ns) {
		free(rp->t_ns);
		rp->t_ns = NULL;
	}
	return 0;
}

/* Cache r's active objects at each slab point (-1 absent); -1 on ENOMEM. */
static int result_cache_series(const struct tb_growth *g, struct tb_rcache *r)
{
	const struct points *ps = &g->slab_pts;
	size_t i, k;

	for (k = 0; k < g->names.n && strcmp(g->names.v[k], r->name); k++)
		;
	r->series = calloc(ps->n + 1, sizeof(*r->series));
	if (!r->series)
		return -1;
	for (i = 0; i < ps->n; i++)
		r->series[i] = k < ps->p[i].nv ? ps->p[i].v[k] : -1;
	return 0;
}

static int result_caches(const struct tb_growth *g, struct tb_rgrowth *r)
{
	const struct series *s = &g->s[K_SLAB];
	struct cache_growth *v;
	size_t n = 0, i;
	int ret = 0;

	if (!s->count)
		return 0;
	r->format = strdup(tb_slab_format_name(last_of(s)->u.si.format));
	if (!r->format)
		return -1;
	v = cache_table(g, &n);
	if (!v)
		return -1;
	r->caches = calloc(n + 1, sizeof(*r->caches));
	if (!r->caches)
		ret = -1;
	for (i = 0; !ret && i < n; i++)
		ret = result_cache(g, &v[i], r->span_ns, &r->caches[r->ncaches++]);
	free(v);
	if (!ret)
		qsort(r->caches, r->ncaches, sizeof(*r->caches),
		      s->count >= 2 ? tb_rcache_cmp_growth : tb_rcache_cmp_size);
	if (!ret)
		ret = result_points(g, &g->slab_pts, s->count, &r->slab_pts);
	/* the series of the caches the chart shows (the first charted in growth order) */
	for (i = n = 0; !ret && r->slab_pts.n && i < r->ncaches && n < TB_RGROWTH_SERIES; i++)
		if (tb_rcache_charted(&r->caches[i])) {
			ret = result_cache_series(g, &r->caches[i]);
			n++;
		}
	return ret;
}

static int result_meminfo(const struct tb_growth *g, struct tb_rgrowth *r)
{
	const struct series *m = &g->s[K_MEM];
	uint64_t mspan = span_all(g, K_MEM);
	size_t i;

	if (!m->count)
		return 0;
	r->mem = calloc(sizeof(mem_keys) / sizeof(mem_keys[0]), sizeof(*r->mem));
	if (!r->mem || result_points(g, &g->mem_pts, m->count, &r->mem_pts))
		return -1;
	for (i = 0; mem_keys[i]; i++) {
		struct tb_rmem *e = &r->mem[r->nmem];
		int fa, fb;
		int64_t a = tb_kv_get(&first_of(m)->u.kv, mem_keys[i], 0, &fa);
		int64_t b = tb_kv_get(&last_of(m)->u.kv, mem_keys[i], 0, &fb);

		if (!fa || !fb)
			continue;
		e->key = strdup(mem_keys[i]);
		if (!e->key)
			return -1;
		r->nmem++;
		e->first = a;
		e->last = b;
		e->has_rate = m->count >= 2 && mspan;
		e->per_hour = per_hour((double)(b - a), e->has_rate ? mspan : 0);
		if (r->mem_pts.n) {
			size_t j;

			e->series = calloc(r->mem_pts.n, sizeof(*e->series));
			if (!e->series)
				return -1;
			for (j = 0; j < r->mem_pts.n; j++)
				e->series[j] = g->mem_pts.p[j].v[i];
		}
	}
	return 0;
}

static int add_vm(struct tb_rvm **v, size_t *n, const char *key, int64_t a, int64_t b,
		  int known)
{
	struct tb_rvm *nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return -1;
	*v = nv;
	nv[*n].key = strdup(key);
	if (!nv[*n].key)
		return -1;
	nv[*n].first = a;
	nv[*n].last = b;
	nv[*n].delta = b - a;
	nv[*n].known = known;
	(*n)++;
	return 0;
}

static int result_vmstat(const struct tb_growth *g, struct tb_rgrowth *r)
{
	const struct series *vs = &g->s[K_VM];
	size_t i;

	if (vs->count < 2)
		return 0;
	for (i = 0; i < vs->last.u.kv.n; i++) {
		const struct tb_kv *kv = &vs->last.u.kv.v[i];
		int fa;
		int64_t a = tb_kv_get(&vs->first.u.kv, kv->key, 0, &fa);

		if (fa && a != kv->value && add_vm(&r->vmstat, &r->nvmstat, kv->key, a, kv->value, 1))
			return -1;
	}
	for (i = 0; compact_keys[i]; i++) {
		int fa, fb;
		int64_t a = tb_kv_get(&vs->first.u.kv, compact_keys[i], 0, &fa);
		int64_t b = tb_kv_get(&vs->last.u.kv, compact_keys[i], 0, &fb);

		if (fa && fb && add_vm(&r->vmrows, &r->nvmrows, compact_keys[i], a, b, 1))
			return -1;
	}
	for (i = 0; reclaim_keys[i]; i++) {
		int fa, fb;
		int64_t a = tb_vmstat_sum(&vs->first.u.kv, reclaim_keys[i], &fa);
		int64_t b = tb_vmstat_sum(&vs->last.u.kv, reclaim_keys[i], &fb);

		if (fa && fb && add_vm(&r->vmrows, &r->nvmrows, reclaim_keys[i], a, b, 1))
			return -1;
	}
	r->compaction = compaction_ran(g, &r->compact_stalls);
	return 0;
}

static int result_buddy(const struct tb_growth *g, struct tb_rgrowth *r)
{
	const struct series *bs = &g->s[K_BUDDY];
	const struct snap *f = first_of(bs), *l = last_of(bs);
	size_t i;
	unsigned o;

	if (!f)
		return 0;
	r->zones = calloc(l->u.bi.n + 1, sizeof(*r->zones));
	if (!r->zones)
		return -1;
	for (i = 0; i < l->u.bi.n; i++) {
		const struct tb_buddy_zone *z = &l->u.bi.zones[i];
		const struct tb_buddy_zone *a = find_zone(&f->u.bi, z->node, z->zone);
		struct tb_rzone *rz = &r->zones[r->nzones++];

		rz->node = z->node;
		rz->norders = z->norders;
		rz->zone = strdup(z->zone);
		rz->free = calloc(z->norders + 1, sizeof(*rz->free));
		if (!rz->zone || !rz->free)
			return -1;
		for (o = 0; o < z->norders; o++)
			rz->free[o] = z->free[o];
		if (bs->count < 2 || !a)
			continue;
		rz->delta = calloc(z->norders + 1, sizeof(*rz->delta));
		if (!rz->delta)
			return -1;
		for (o = 0; o < z->norders; o++)
			rz->delta[o] = (int64_t)z->free[o] - (int64_t)a->free[o];
	}
	return 0;
}

struct tb_rgrowth *tb_growth_result(const struct tb_growth *g)
{
	const struct series *s = &g->s[K_SLAB];
	struct tb_rgrowth *r = tb_rgrowth_alloc();
	int k;

	if (!r)
		return NULL;
	for (k = 0; k < K_MAX; k++)
		r->snapshots[k] = g->s[k].count;
	r->span_ns = span_all(g, K_SLAB);
	r->last_span_ns = span_last(g, K_SLAB);
	r->span_as_given = s->count >= 2 && g->between_ns &&
			   !(first_of(s)->wall_ns && last_of(s)->wall_ns);
	if (result_caches(g, r) || result_meminfo(g, r) || result_vmstat(g, r) ||
	    result_buddy(g, r)) {
		tb_rgrowth_free(r);
		return NULL;
	}
	return r;
}

int tb_growth_slab_names(const struct tb_growth *g, struct strlist *out)
{
	const struct snap *l = last_of(&g->s[K_SLAB]);
	size_t i;

	if (!l)
		return 0;
	for (i = 0; i < l->u.si.n; i++)
		if (strlist_add(out, l->u.si.rows[i].name))
			return -1;
	return 0;
}

int tb_growth_top(const struct tb_growth *g, char *name, size_t size, uint32_t *objsize,
		  int64_t *d_bytes)
{
	struct tb_rgrowth *r;
	int ret = 0;

	if (g->s[K_SLAB].count < 2)
		return 0;
	r = tb_growth_result(g);	/* caches by growth */
	if (!r)
		return 0;
	if (r->ncaches && (r->caches[0].d_active > 0 || r->caches[0].d_size > 0)) {
		snprintf(name, size, "%s", r->caches[0].name);
		if (objsize)
			*objsize = r->caches[0].objsize;
		if (d_bytes)
			*d_bytes = tb_rcache_obj_bytes(&r->caches[0]);
		ret = 1;
	}
	tb_rgrowth_free(r);
	return ret;
}

/**
 * tb_growth_add_text - add one file's text, which may hold a slab listing and after
 * it meminfo/vmstat/buddyinfo (`date; cat /proc/slabinfo /proc/meminfo`): each section
 * goes to tb_growth_add() with the other lines blanked, so the parsers' line numbers
 * are the file's; the file's first time line is the snapshot's time.
 * @g: the analyzer
 * @text: the file's contents
 * @origin: its name, for messages
 *
 * Return: 0, or a negative error code (reported).
 */
int tb_growth_add_text(struct tb_growth *g, const char *text, const char *origin)
{
	struct strbuf sec[TB_PROC_KINDS];
	const char *p;
	enum tb_proc_kind cur = TB_PROC_NONE;
	int has[TB_PROC_KINDS] = { 0 }, r = 0, k;
	uint64_t wall = 0;

	for (k = 0; k < TB_PROC_KINDS; k++)
		strbuf_init(&sec[k]);
	for (p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *l = strndup(p, len);
		uint64_t ns;

		if (!l) {
			r = tb_error("out of memory");
			break;
		}
		cur = tb_proc_section_start(l, cur);
		if (cur == TB_PROC_NONE && !wall && !tb_parse_wall_time(l, &ns))
			wall = ns;
		for (k = 0; k < TB_PROC_KINDS; k++) {
			/* lines before any section go to the slab parser (it reports junk) */
			if (k == (int)cur || (cur == TB_PROC_NONE && k == TB_PROC_SLABINFO))
				strbuf_add(&sec[k], p, len);
			strbuf_addch(&sec[k], '\n');
		}
		if (cur != TB_PROC_NONE)
			has[cur] = 1;
		free(l);
		p += len + (e ? 1 : 0);
	}
	for (k = 0; !r && k < TB_PROC_KINDS; k++) {
		if (k != TB_PROC_SLABINFO && !has[k])
			continue;
		if (strbuf_failed(&sec[k])) {
			r = tb_error("out of memory");
			break;
		}
		r = tb_growth_add(g, tb_proc_kinds[k].name, wall, strbuf_str(&sec[k]), origin);
	}
	for (k = 0; k < TB_PROC_KINDS; k++)
		strbuf_release(&sec[k]);
	return r;
}
