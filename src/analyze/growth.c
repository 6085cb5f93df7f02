/*
 * growth.c - the growth analyzer: /proc snapshots (slabinfo or slabtop/kmem -s text,
 * meminfo, vmstat, buddyinfo) over time -> per-cache deltas per interval and per hour,
 * Slab/SReclaimable/SUnreclaim totals and rates, compaction counters, free pages per
 * order; text section and JSON value.  See growth.h.
 *
 * Only the first, the previous and the last snapshot of each kind are kept: growth
 * since the start, growth over the last interval, and the rate per hour need no more,
 * and a long `slabs -i 10s` watch stays small.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/growth.h"
#include "analyze/slabinfo.h"
#include "kernel/slab.h"
#include "util/err.h"
#include "util/strlist.h"
#include "util/units.h"
#include "recipe/recipe.h"

#define NS_PER_HOUR 3600e9

enum { K_SLAB, K_MEM, K_VM, K_BUDDY, K_MAX };
static const char *const kind_names[K_MAX] = { "slabinfo", "meminfo", "vmstat", "buddyinfo" };

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

struct tb_growth {
	struct strlist focus;		/* caches the recipe names */
	unsigned from_mask;		/* kinds accepted (bit per K_*) */
	struct series s[K_MAX];
	const struct tb_slab_tree *tree;	/* aliases (borrowed), may be NULL */
	uint64_t between_ns;		/* time between snapshots when they carry none */
};

struct tb_growth *tb_growth_new(const struct tb_recipe_growth *spec)
{
	struct tb_growth *g = calloc(1, sizeof(*g));
	size_t i, k;

	if (!g)
		return NULL;
	g->from_mask = (1u << K_MAX) - 1;
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
			for (k = 0; k < K_MAX; k++)
				if (!strcmp(spec->from.v[i], kind_names[k]))
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
	int k;

	if (!g)
		return;
	for (k = 0; k < K_MAX; k++) {
		snap_release(k, &g->s[k].first);
		snap_release(k, &g->s[k].prev);
		snap_release(k, &g->s[k].last);
	}
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

int tb_growth_add(struct tb_growth *g, const char *what, uint64_t wall_ns,
		  const char *text, const char *origin)
{
	struct snap n;
	struct series *se;
	int kind, ret;

	for (kind = 0; kind < K_MAX; kind++)
		if (!strcmp(what, kind_names[kind]))
			break;
	if (kind == K_MAX)
		return tb_error_code(TB_EXIT_BADINPUT, "%s: unknown snapshot kind '%s': expected "
				     "slabinfo, meminfo, vmstat or buddyinfo",
				     origin ? origin : "growth", what);
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

static int cmp_growth(const void *a, const void *b)
{
	const struct cache_growth *x = a, *y = b;
	int64_t bx = obj_bytes(x), by = obj_bytes(y);

	if (bx != by)
		return bx < by ? 1 : -1;
	if (x->d_size != y->d_size)
		return x->d_size < y->d_size ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int cmp_size(const void *a, const void *b)
{
	const struct cache_growth *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return strcmp(x->name, y->name);
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

static void fmt_signed_bytes(int64_t v, char *buf, size_t size)
{
	char b[24];

	tb_fmt_bytes((uint64_t)(v < 0 ? -v : v), b, sizeof(b));
	snprintf(buf, size, "%s%s", v < 0 ? "-" : v > 0 ? "+" : "", b);
}

static void fmt_rate_bytes(double v, char *buf, size_t size)
{
	char b[24];

	tb_fmt_bytes((uint64_t)(v < 0 ? -v : v), b, sizeof(b));
	snprintf(buf, size, "%s%s/h", v < 0 ? "-" : v > 0 ? "+" : "", b);
}

static void alias_text(const struct cache_growth *c, struct strbuf *sb, size_t max)
{
	if (!c->cache)
		return;
	tb_slab_format_aliases(c->cache, c->name, sb, max);
}

/* ---- meminfo --------------------------------------------------------------------- */

static const char *const mem_keys[] = { "Slab", "SReclaimable", "SUnreclaim", "KReclaimable",
					"MemFree", "MemAvailable", NULL };

static void print_meminfo(const struct tb_growth *g, FILE *out)
{
	const struct series *s = &g->s[K_MEM];
	const struct snap *f = first_of(s), *l = last_of(s);
	uint64_t span = span_all(g, K_MEM);
	int i;

	if (!f)
		return;
	fprintf(out, "  meminfo%s\n", s->count >= 2 ? "             first        last      change     per hour" : "");
	for (i = 0; mem_keys[i]; i++) {
		int fa, fb;
		int64_t a = tb_kv_get(&f->u.kv, mem_keys[i], 0, &fa);
		int64_t b = tb_kv_get(&l->u.kv, mem_keys[i], 0, &fb);
		char x[32], y[32], d[32], r[32];

		if (!fa || !fb)
			continue;
		tb_fmt_bytes((uint64_t)a * 1024, x, sizeof(x));
		tb_fmt_bytes((uint64_t)b * 1024, y, sizeof(y));
		if (s->count < 2) {
			fprintf(out, "    %-14s %12s\n", mem_keys[i], y);
			continue;
		}
		fmt_signed_bytes((b - a) * 1024, d, sizeof(d));
		if (span)
			fmt_rate_bytes(per_hour((double)(b - a) * 1024, span), r, sizeof(r));
		else
			snprintf(r, sizeof(r), "unknown");
		fprintf(out, "    %-14s %12s %11s %11s %12s\n", mem_keys[i], x, y, d, r);
	}
}

/* ---- vmstat ---------------------------------------------------------------------- */

static const char *const compact_keys[] = {
	"compact_stall", "compact_fail", "compact_success", "compact_migrate_scanned",
	"compact_free_scanned", "compact_isolated", "compact_daemon_wake",
	"compact_daemon_migrate_scanned", "compact_daemon_free_scanned", NULL };
static const char *const reclaim_keys[] = { "allocstall", "pgscan_direct", "pgsteal_direct",
					    "pgscan_kswapd", "pgsteal_kswapd", NULL };

static int64_t vm_value(const struct tb_kvlist *kv, const char *key, int *found)
{
	return tb_vmstat_sum(kv, key, found);
}

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

static void print_vmstat(const struct tb_growth *g, FILE *out)
{
	const struct series *s = &g->s[K_VM];
	int i, any = 0;
	int64_t stalls = 0;
	int ran;

	if (s->count < 2)
		return;
	fprintf(out, "  vmstat                              first         last       change\n");
	for (i = 0; compact_keys[i]; i++) {
		int fa, fb;
		int64_t a = tb_kv_get(&s->first.u.kv, compact_keys[i], 0, &fa);
		int64_t b = tb_kv_get(&s->last.u.kv, compact_keys[i], 0, &fb);

		if (!fa || !fb)
			continue;
		any = 1;
		fprintf(out, "    %-32s %10" PRId64 " %12" PRId64 " %+12" PRId64 "\n",
			compact_keys[i], a, b, b - a);
	}
	for (i = 0; reclaim_keys[i]; i++) {
		int fa, fb;
		int64_t a = vm_value(&s->first.u.kv, reclaim_keys[i], &fa);
		int64_t b = vm_value(&s->last.u.kv, reclaim_keys[i], &fb);

		if (!fa || !fb)
			continue;
		fprintf(out, "    %-32s %10" PRId64 " %12" PRId64 " %+12" PRId64 "\n",
			reclaim_keys[i], a, b, b - a);
	}
	ran = compaction_ran(g, &stalls);
	if (ran == 0)
		fprintf(out, "  compaction did not run (skipped): compact_stall unchanged\n");
	else if (ran == 1)
		fprintf(out, "  compaction ran: %" PRId64 " direct compaction stall(s)\n", stalls);
	else if (!any)
		fprintf(out, "  no compact_* counters (kernel without CONFIG_COMPACTION?)\n");
}

/* ---- buddyinfo -------------------------------------------------------------------- */

static const struct tb_buddy_zone *find_zone(const struct tb_buddyinfo *b, int node,
					      const char *zone)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->zones[i].node == node && !strcmp(b->zones[i].zone, zone))
			return &b->zones[i];
	return NULL;
}

static void print_buddy(const struct tb_growth *g, FILE *out)
{
	const struct series *s = &g->s[K_BUDDY];
	const struct snap *f = first_of(s), *l = last_of(s);
	size_t i;
	unsigned o;

	if (!f)
		return;
	fprintf(out, "  buddyinfo: free blocks per order (order 0 first)%s\n",
		s->count >= 2 ? "; change since the first snapshot below" : "");
	for (i = 0; i < l->u.bi.n; i++) {
		const struct tb_buddy_zone *z = &l->u.bi.zones[i];
		const struct tb_buddy_zone *a = find_zone(&f->u.bi, z->node, z->zone);
		int top = -1;

		fprintf(out, "    node %d %-8s", z->node, z->zone);
		for (o = 0; o < z->norders; o++) {
			fprintf(out, " %6" PRIu64, z->free[o]);
			if (z->free[o])
				top = (int)o;
		}
		fprintf(out, "   highest free order %d\n", top);
		if (s->count >= 2 && a) {
			fprintf(out, "    %-15s", "  change");
			for (o = 0; o < z->norders; o++)
				fprintf(out, " %+6" PRId64, (int64_t)z->free[o] - (int64_t)a->free[o]);
			fputc('\n', out);
		}
	}
}

/* ---- text ------------------------------------------------------------------------- */

void tb_growth_print_text(const struct tb_growth *g, FILE *out, unsigned top)
{
	const struct series *s = &g->s[K_SLAB];
	struct cache_growth *v;
	size_t n = 0, i, shown;
	uint64_t span = span_all(g, K_SLAB), ispan = span_last(g, K_SLAB);
	char b1[32], b2[32], b3[32], b4[32];
	struct strbuf al = STRBUF_INIT;

	if (!top)
		top = 10;
	v = cache_table(g, &n);
	if (s->count) {
		const struct snap *f = first_of(s), *l = last_of(s);
		uint64_t tf = 0, tl = 0;

		for (i = 0; i < f->u.si.n; i++)
			tf += f->u.si.rows[i].size_bytes;
		for (i = 0; i < l->u.si.n; i++)
			tl += l->u.si.rows[i].size_bytes;
		if (s->count >= 2) {
			fprintf(out, "Slab growth: %u snapshots (%s)", s->count,
				tb_slab_format_name(l->u.si.format));
			if (span)
				fprintf(out, " over %s%s\n", tb_fmt_duration(span, b1, sizeof(b1)),
					g->between_ns && !(f->wall_ns && l->wall_ns) ? " (as given)" : "");
			else
				fprintf(out, "; time between them unknown: rates per hour are unknown "
					"(give --between)\n");
			tb_fmt_bytes(tf, b1, sizeof(b1));
			tb_fmt_bytes(tl, b2, sizeof(b2));
			fmt_signed_bytes((int64_t)tl - (int64_t)tf, b3, sizeof(b3));
			if (span)
				fmt_rate_bytes(per_hour((double)tl - (double)tf, span), b4, sizeof(b4));
			fprintf(out, "  all caches             %s -> %s  %s%s%s\n", b1, b2, b3,
				span ? "  " : "", span ? b4 : "");
			if (span && span < 600 * TB_NSEC_PER_SEC)
				fprintf(out, "  (rates per hour extrapolate a short span: watch for "
					"10 minutes or more before trusting them)\n");
		} else {
			fprintf(out, "Slab caches (%s, one snapshot): %s in %zu caches\n",
				tb_slab_format_name(l->u.si.format),
				tb_fmt_bytes(tl, b1, sizeof(b1)), l->u.si.n);
		}
	}
	print_meminfo(g, out);

	if (v && s->count >= 2) {
		qsort(v, n, sizeof(*v), cmp_growth);
		fprintf(out, "\nTop caches by growth (active objects x object size):\n");
		fprintf(out, "  %-24s %7s %9s %9s %10s %9s %10s %11s  %s\n", "CACHE", "OBJSIZE",
			"ACTIVE", "+OBJS", "+SIZE", s->count > 2 ? "+LASTINT" : "+INTERVAL",
			"OBJS/HOUR", "BYTES/HOUR", "MERGED INTO IT");
		for (i = 0, shown = 0; i < n; i++) {
			const struct cache_growth *c = &v[i];
			char objs_h[32], bytes_h[32];

			/* the top growers, and the recipe's focus caches whatever they did */
			if (!c->focus && (shown >= top || (c->d_active <= 0 && c->d_size <= 0)))
				continue;
			shown++;
			fmt_signed_bytes(c->d_size, b1, sizeof(b1));
			if (span) {
				snprintf(objs_h, sizeof(objs_h), "%+.0f",
					 per_hour((double)c->d_active, span));
				fmt_rate_bytes(per_hour((double)obj_bytes(c), span), bytes_h,
					       sizeof(bytes_h));
			} else {
				snprintf(objs_h, sizeof(objs_h), "?");
				snprintf(bytes_h, sizeof(bytes_h), "?");
			}
			strbuf_reset(&al);
			alias_text(c, &al, 4);
			fprintf(out, "  %-24s %7u %9" PRIu64 " %+9" PRId64 " %10s %+9" PRId64
				" %10s %11s  %s%s%s\n", c->name, c->objsize, c->active,
				c->d_active, b1, c->i_active, objs_h, bytes_h, strbuf_str(&al),
				c->is_new ? " (new)" : c->gone ? " (gone)" : "",
				c->focus ? " *" : "");
		}
		if (!shown)
			fprintf(out, "  no cache grew\n");
		if (last_of(s)->u.si.format == TB_SLABFMT_SLABTOP)
			fprintf(out, "  (slabtop prints object sizes rounded to 0.01K: OBJSIZE is "
				"approximate)\n");
		if (s->count > 2 && ispan)
			fprintf(out, "  (+LASTINT: change over the last interval, %s)\n",
				tb_fmt_duration(ispan, b1, sizeof(b1)));
	}
	if (v && n) {
		qsort(v, n, sizeof(*v), cmp_size);
		fprintf(out, "\nTop caches by size:\n");
		fprintf(out, "  %-24s %7s %10s %10s %10s  %s\n", "CACHE", "OBJSIZE", "OBJS",
			"ACTIVE", "SIZE", "MERGED INTO IT");
		for (i = 0; i < n && i < top; i++) {
			const struct cache_growth *c = &v[i];

			if (c->gone)
				continue;
			strbuf_reset(&al);
			alias_text(c, &al, 4);
			fprintf(out, "  %-24s %7u %10" PRIu64 " %10" PRIu64 " %10s  %s\n", c->name,
				c->objsize, c->num, c->active,
				tb_fmt_bytes(c->size, b1, sizeof(b1)), strbuf_str(&al));
		}
	}
	if (g->s[K_VM].count >= 2 || g->s[K_BUDDY].count)
		fputc('\n', out);
	print_vmstat(g, out);
	print_buddy(g, out);
	strbuf_release(&al);
	free(v);
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
	struct cache_growth *v;
	size_t n = 0;
	int ret = 0;

	if (g->s[K_SLAB].count < 2)
		return 0;
	v = cache_table(g, &n);
	if (!v)
		return 0;
	qsort(v, n, sizeof(*v), cmp_growth);
	if (n && (v[0].d_active > 0 || v[0].d_size > 0)) {
		snprintf(name, size, "%s", v[0].name);
		if (objsize)
			*objsize = v[0].objsize;
		if (d_bytes)
			*d_bytes = obj_bytes(&v[0]);
		ret = 1;
	}
	free(v);
	return ret;
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_rate(struct strbuf *out, const char *key, double delta, uint64_t span)
{
	if (span)
		strbuf_addf(out, ",\"%s\":%.1f", key, per_hour(delta, span));
	else
		strbuf_addf(out, ",\"%s\":null", key);
}

void tb_growth_json(const struct tb_growth *g, struct strbuf *out)
{
	const struct series *s = &g->s[K_SLAB];
	struct cache_growth *v;
	size_t n = 0, i;
	uint64_t span = span_all(g, K_SLAB);
	int first = 1, k;

	strbuf_addstr(out, "{\"snapshots\":{");
	for (k = 0; k < K_MAX; k++)
		strbuf_addf(out, "%s\"%s\":%u", k ? "," : "", kind_names[k], g->s[k].count);
	strbuf_addstr(out, "}");
	if (span)
		strbuf_addf(out, ",\"span_ns\":%" PRIu64, span);
	else
		strbuf_addstr(out, ",\"span_ns\":null");
	if (s->count)
		strbuf_addf(out, ",\"format\":\"%s\"", tb_slab_format_name(last_of(s)->u.si.format));

	v = cache_table(g, &n);
	strbuf_addstr(out, ",\"caches\":[");
	if (v) {
		qsort(v, n, sizeof(*v), s->count >= 2 ? cmp_growth : cmp_size);
		for (i = 0; i < n; i++) {
			const struct cache_growth *c = &v[i];

			strbuf_addstr(out, first ? "{" : ",{");
			first = 0;
			strbuf_addstr(out, "\"name\":");
			strbuf_add_json_str(out, c->name);
			strbuf_addf(out, ",\"objsize\":%u,\"active_objs\":%" PRIu64
				    ",\"num_objs\":%" PRIu64 ",\"size_bytes\":%" PRIu64,
				    c->objsize, c->active, c->num, c->size);
			if (s->count >= 2) {
				strbuf_addf(out, ",\"delta_active\":%" PRId64 ",\"delta_num\":%" PRId64
					    ",\"delta_size_bytes\":%" PRId64 ",\"delta_obj_bytes\":%"
					    PRId64 ",\"last_interval_active\":%" PRId64
					    ",\"last_interval_size_bytes\":%" PRId64,
					    c->d_active, c->d_num, c->d_size, obj_bytes(c),
					    c->i_active, c->i_size);
				json_rate(out, "active_per_hour", (double)c->d_active, span);
				json_rate(out, "obj_bytes_per_hour", (double)obj_bytes(c), span);
				json_rate(out, "size_bytes_per_hour", (double)c->d_size, span);
			}
			if (c->is_new)
				strbuf_addstr(out, ",\"new\":true");
			if (c->gone)
				strbuf_addstr(out, ",\"gone\":true");
			if (c->focus)
				strbuf_addstr(out, ",\"focus\":true");
			strbuf_addstr(out, ",\"aliases\":[");
			if (c->cache) {
				const char *shown = c->name;
				size_t j;
				int f2 = 1;

				for (j = 0; j < c->cache->names.n; j++) {
					if (!strcmp(c->cache->names.v[j], shown))
						continue;
					if (!f2)
						strbuf_addch(out, ',');
					f2 = 0;
					strbuf_add_json_str(out, c->cache->names.v[j]);
				}
			}
			strbuf_addstr(out, "]}");
		}
	}
	strbuf_addstr(out, "]");
	free(v);

	/* meminfo */
	if (g->s[K_MEM].count) {
		const struct series *m = &g->s[K_MEM];
		uint64_t mspan = span_all(g, K_MEM);
		int f2 = 1;

		strbuf_addstr(out, ",\"meminfo_kb\":{");
		for (i = 0; mem_keys[i]; i++) {
			int fa, fb;
			int64_t a = tb_kv_get(&first_of(m)->u.kv, mem_keys[i], 0, &fa);
			int64_t b = tb_kv_get(&last_of(m)->u.kv, mem_keys[i], 0, &fb);

			if (!fa || !fb)
				continue;
			strbuf_addf(out, "%s\"%s\":{\"first\":%" PRId64 ",\"last\":%" PRId64
				    ",\"delta\":%" PRId64, f2 ? "" : ",", mem_keys[i], a, b, b - a);
			f2 = 0;
			json_rate(out, "per_hour", (double)(b - a), m->count >= 2 ? mspan : 0);
			strbuf_addch(out, '}');
		}
		strbuf_addch(out, '}');
	}
	/* vmstat: every counter that changed, plus the compaction verdict */
	if (g->s[K_VM].count >= 2) {
		const struct series *vs = &g->s[K_VM];
		int64_t stalls = 0;
		int ran = compaction_ran(g, &stalls), f2 = 1;

		strbuf_addstr(out, ",\"vmstat_delta\":{");
		for (i = 0; i < vs->last.u.kv.n; i++) {
			const struct tb_kv *kv = &vs->last.u.kv.v[i];
			int fa;
			int64_t a = tb_kv_get(&vs->first.u.kv, kv->key, 0, &fa);

			if (!fa || a == kv->value)
				continue;
			strbuf_addstr(out, f2 ? "" : ",");
			f2 = 0;
			strbuf_add_json_str(out, kv->key);
			strbuf_addf(out, ":%" PRId64, kv->value - a);
		}
		strbuf_addstr(out, "}");
		for (i = 0; reclaim_keys[i]; i++) {
			int fa, fb;
			int64_t a = vm_value(&vs->first.u.kv, reclaim_keys[i], &fa);
			int64_t b = vm_value(&vs->last.u.kv, reclaim_keys[i], &fb);

			if (fa && fb)
				strbuf_addf(out, ",\"%s_delta\":%" PRId64, reclaim_keys[i], b - a);
		}
		strbuf_addf(out, ",\"compaction\":\"%s\"",
			    ran < 0 ? "unknown" : ran ? "ran" : "skipped");
		if (ran >= 0)
			strbuf_addf(out, ",\"compact_stall_delta\":%" PRId64, stalls);
	}
	/* buddyinfo */
	if (g->s[K_BUDDY].count) {
		const struct series *bs = &g->s[K_BUDDY];
		const struct snap *f = first_of(bs), *l = last_of(bs);

		strbuf_addstr(out, ",\"buddyinfo\":[");
		for (i = 0; i < l->u.bi.n; i++) {
			const struct tb_buddy_zone *z = &l->u.bi.zones[i];
			const struct tb_buddy_zone *a = find_zone(&f->u.bi, z->node, z->zone);
			unsigned o;

			strbuf_addf(out, "%s{\"node\":%d,\"zone\":", i ? "," : "", z->node);
			strbuf_add_json_str(out, z->zone);
			strbuf_addstr(out, ",\"free\":[");
			for (o = 0; o < z->norders; o++)
				strbuf_addf(out, "%s%" PRIu64, o ? "," : "", z->free[o]);
			strbuf_addstr(out, "]");
			if (bs->count >= 2 && a) {
				strbuf_addstr(out, ",\"delta\":[");
				for (o = 0; o < z->norders; o++)
					strbuf_addf(out, "%s%" PRId64, o ? "," : "",
						    (int64_t)z->free[o] - (int64_t)a->free[o]);
				strbuf_addstr(out, "]");
			}
			strbuf_addstr(out, "}");
		}
		strbuf_addstr(out, "]");
	}
	strbuf_addstr(out, "}");
}
