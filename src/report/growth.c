/*
 * growth.c - renders the growth result (struct tb_rgrowth, analyze/result.h): the text
 * section (slab totals and the top caches by growth and by size, meminfo, vmstat,
 * buddyinfo) and its JSON value (a json-c object, schema in docs/field-manual.md "slabs").
 * json-read.c reads that value back into the same model.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "util/procfs.h"
#include "report/report-local.h"
#include "util/strbuf.h"
#include "util/units.h"

/* ---- text ------------------------------------------------------------------------- */

void tb_fmt_signed_bytes(int64_t v, char *buf, size_t size)
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

/* "UNIX, UNIX-STREAM +2 more": at most max names. */
static void alias_text(const struct tb_rcache *c, struct strbuf *sb, size_t max)
{
	size_t i;

	for (i = 0; i < c->naliases && i < max; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		strbuf_addstr(sb, c->aliases[i]);
	}
	if (c->naliases > max)
		strbuf_addf(sb, " +%zu more", c->naliases - max);
}

static void print_meminfo(const struct tb_rgrowth *g, FILE *out)
{
	unsigned count = g->snapshots[TB_PROC_MEMINFO];
	size_t i;

	if (!count)
		return;
	fprintf(out, "  meminfo%s\n", count >= 2 ? "             first        last      change     per hour" : "");
	for (i = 0; i < g->nmem; i++) {
		const struct tb_rmem *m = &g->mem[i];
		char x[32], y[32], d[32], r[32];

		tb_fmt_bytes((uint64_t)m->first * 1024, x, sizeof(x));
		tb_fmt_bytes((uint64_t)m->last * 1024, y, sizeof(y));
		if (count < 2) {
			fprintf(out, "    %-14s %12s\n", m->key, y);
			continue;
		}
		tb_fmt_signed_bytes((m->last - m->first) * 1024, d, sizeof(d));
		if (m->has_rate)
			fmt_rate_bytes(m->per_hour * 1024, r, sizeof(r));
		else
			snprintf(r, sizeof(r), "unknown");
		fprintf(out, "    %-14s %12s %11s %11s %12s\n", m->key, x, y, d, r);
	}
}

static void print_vmstat(const struct tb_rgrowth *g, FILE *out)
{
	size_t i;
	int any = 0;

	if (g->snapshots[TB_PROC_VMSTAT] < 2)
		return;
	fprintf(out, "  vmstat                              first         last       change\n");
	for (i = 0; i < g->nvmrows; i++) {
		const struct tb_rvm *v = &g->vmrows[i];

		any |= !strncmp(v->key, "compact_", 8);
		if (v->known)
			fprintf(out, "    %-32s %10" PRId64 " %12" PRId64 " %+12" PRId64 "\n",
				v->key, v->first, v->last, v->delta);
		else
			fprintf(out, "    %-32s %10s %12s %+12" PRId64 "\n", v->key, "?", "?",
				v->delta);
	}
	if (g->compaction == 0)
		fprintf(out, "  compaction did not run (skipped): compact_stall unchanged\n");
	else if (g->compaction == 1)
		fprintf(out, "  compaction ran: %" PRId64 " direct compaction stall(s)\n",
			g->compact_stalls);
	else if (!any)
		fprintf(out, "  no compact_* counters (kernel without CONFIG_COMPACTION?)\n");
}

static void print_buddy(const struct tb_rgrowth *g, FILE *out)
{
	unsigned count = g->snapshots[TB_PROC_BUDDYINFO];
	size_t i;
	unsigned o;

	if (!count)
		return;
	fprintf(out, "  buddyinfo: free blocks per order (order 0 first)%s\n",
		count >= 2 ? "; change since the first snapshot below" : "");
	for (i = 0; i < g->nzones; i++) {
		const struct tb_rzone *z = &g->zones[i];
		int top = -1;

		fprintf(out, "    node %d %-8s", z->node, z->zone);
		for (o = 0; o < z->norders; o++) {
			fprintf(out, " %6" PRIu64, z->free[o]);
			if (z->free[o])
				top = (int)o;
		}
		fprintf(out, "   highest free order %d\n", top);
		if (count >= 2 && z->delta) {
			fprintf(out, "    %-15s", "  change");
			for (o = 0; o < z->norders; o++)
				fprintf(out, " %+6" PRId64, z->delta[o]);
			fputc('\n', out);
		}
	}
}

static void print_totals(const struct tb_rgrowth *g, FILE *out)
{
	unsigned count = g->snapshots[TB_PROC_SLABINFO];
	uint64_t tf = 0, tl = 0, span = g->span_ns;
	char b1[32], b2[32], b3[32], b4[32];
	size_t i, live = 0;

	if (!count || !g->format)
		return;
	for (i = 0; i < g->ncaches; i++) {
		tf += (uint64_t)((int64_t)g->caches[i].size - g->caches[i].d_size);
		tl += g->caches[i].size;
		live += !g->caches[i].gone;
	}
	if (count < 2) {
		fprintf(out, "Slab caches (%s, one snapshot): %s in %zu caches\n", g->format,
			tb_fmt_bytes(tl, b1, sizeof(b1)), live);
		return;
	}
	fprintf(out, "Slab growth: %u snapshots (%s)", count, g->format);
	if (span)
		fprintf(out, " over %s%s\n", tb_fmt_duration(span, b1, sizeof(b1)),
			g->span_as_given ? " (as given)" : "");
	else
		fprintf(out, "; time between them unknown: rates per hour are unknown "
			"(give --between)\n");
	tb_fmt_bytes(tf, b1, sizeof(b1));
	tb_fmt_bytes(tl, b2, sizeof(b2));
	tb_fmt_signed_bytes((int64_t)tl - (int64_t)tf, b3, sizeof(b3));
	if (span) {
		double d = (double)tl - (double)tf;

		fmt_rate_bytes(span ? d * 3600e9 / (double)span : 0, b4, sizeof(b4));
	}
	fprintf(out, "  all caches             %s -> %s  %s%s%s\n", b1, b2, b3,
		span ? "  " : "", span ? b4 : "");
	if (span && span < 600 * TB_NSEC_PER_SEC)
		fprintf(out, "  (rates per hour extrapolate a short span: watch for "
			"10 minutes or more before trusting them)\n");
}

static void print_by_growth(const struct tb_rgrowth *g, struct tb_rcache *v, FILE *out,
			    unsigned top, struct strbuf *al)
{
	unsigned count = g->snapshots[TB_PROC_SLABINFO];
	size_t i, shown;
	char b1[32];

	qsort(v, g->ncaches, sizeof(*v), tb_rcache_cmp_growth);
	fprintf(out, "\nTop caches by growth (active objects x object size):\n");
	fprintf(out, "  %-24s %7s %9s %9s %10s %9s %10s %11s  %s\n", "CACHE", "OBJSIZE",
		"ACTIVE", "+OBJS", "+SIZE", count > 2 ? "+LASTINT" : "+INTERVAL",
		"OBJS/HOUR", "BYTES/HOUR", "MERGED INTO IT");
	for (i = 0, shown = 0; i < g->ncaches; i++) {
		const struct tb_rcache *c = &v[i];
		char objs_h[32], bytes_h[32];

		/* the top growers, and the recipe's focus caches whatever they did */
		if (!c->focus && (shown >= top || (c->d_active <= 0 && c->d_size <= 0)))
			continue;
		shown++;
		tb_fmt_signed_bytes(c->d_size, b1, sizeof(b1));
		if (g->span_ns) {
			snprintf(objs_h, sizeof(objs_h), "%+.0f", c->active_h);
			fmt_rate_bytes(c->obj_bytes_h, bytes_h, sizeof(bytes_h));
		} else {
			snprintf(objs_h, sizeof(objs_h), "?");
			snprintf(bytes_h, sizeof(bytes_h), "?");
		}
		strbuf_reset(al);
		alias_text(c, al, 4);
		fprintf(out, "  %-24s %7u %9" PRIu64 " %+9" PRId64 " %10s %+9" PRId64
			" %10s %11s  %s%s%s\n", c->name, c->objsize, c->active,
			c->d_active, b1, c->i_active, objs_h, bytes_h, strbuf_str(al),
			c->is_new ? " (new)" : c->gone ? " (gone)" : "",
			c->focus ? " *" : "");
	}
	if (!shown)
		fprintf(out, "  no cache grew\n");
	if (!strcmp(g->format, tb_slab_format_name(TB_SLABFMT_SLABTOP)))
		fprintf(out, "  (slabtop prints object sizes rounded to 0.01K: OBJSIZE is "
			"approximate)\n");
	if (count > 2 && g->last_span_ns)
		fprintf(out, "  (+LASTINT: change over the last interval, %s)\n",
			tb_fmt_duration(g->last_span_ns, b1, sizeof(b1)));
}

static void print_by_size(const struct tb_rgrowth *g, struct tb_rcache *v, FILE *out,
			  unsigned top, struct strbuf *al)
{
	size_t i;
	char b1[32];

	qsort(v, g->ncaches, sizeof(*v), tb_rcache_cmp_size);
	fprintf(out, "\nTop caches by size:\n");
	fprintf(out, "  %-24s %7s %10s %10s %10s  %s\n", "CACHE", "OBJSIZE", "OBJS",
		"ACTIVE", "SIZE", "MERGED INTO IT");
	for (i = 0; i < g->ncaches && i < top; i++) {
		const struct tb_rcache *c = &v[i];

		if (c->gone)
			continue;
		strbuf_reset(al);
		alias_text(c, al, 4);
		fprintf(out, "  %-24s %7u %10" PRIu64 " %10" PRIu64 " %10s  %s\n", c->name,
			c->objsize, c->num, c->active, tb_fmt_bytes(c->size, b1, sizeof(b1)),
			strbuf_str(al));
	}
}

void tb_report_print_growth(const struct tb_rgrowth *g, FILE *out, unsigned top)
{
	struct tb_rcache *v = NULL;
	struct strbuf al = STRBUF_INIT;

	if (!top)
		top = 10;
	print_totals(g, out);
	print_meminfo(g, out);
	/* the renderings sort a copy: the model keeps its order */
	if (g->ncaches && g->format) {
		v = malloc(g->ncaches * sizeof(*v));
		if (v)
			memcpy(v, g->caches, g->ncaches * sizeof(*v));
	}
	if (v && g->snapshots[TB_PROC_SLABINFO] >= 2)
		print_by_growth(g, v, out, top, &al);
	if (v)
		print_by_size(g, v, out, top, &al);
	if (g->snapshots[TB_PROC_VMSTAT] >= 2 || g->snapshots[TB_PROC_BUDDYINFO])
		fputc('\n', out);
	print_vmstat(g, out);
	print_buddy(g, out);
	strbuf_release(&al);
	free(v);
}

/* ---- JSON ------------------------------------------------------------------------- */

/* A rate per hour printed with one decimal, as the schema has always had it. */
static json_object *rate(double v, int known)
{
	char buf[48];

	if (!known)
		return NULL;
	snprintf(buf, sizeof(buf), "%.1f", v);
	return json_object_new_double_s(v, buf);
}

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

/* values at the points of a series: whole numbers, null where absent (-1) */
static json_object *series_json(const int64_t *v, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, v[i] < 0 ? NULL : json_object_new_int64(v[i]));
	return a;
}

/* {"snapshot": [...], "t_ns": [...] or null} */
static json_object *points_json(const struct tb_rpoints *p)
{
	json_object *o = json_object_new_object(), *s = json_object_new_array(), *t = NULL;
	size_t i;

	for (i = 0; i < p->n; i++)
		json_object_array_add(s, json_object_new_int64(p->snap[i]));
	if (p->t_ns) {
		t = json_object_new_array();
		for (i = 0; i < p->n; i++)
			json_object_array_add(t, json_object_new_uint64(p->t_ns[i]));
	}
	add(o, "snapshot", s);
	add(o, "t_ns", t);
	return o;
}

static json_object *cache_json(const struct tb_rgrowth *g, const struct tb_rcache *c)
{
	json_object *o = json_object_new_object(), *al;
	int two = g->snapshots[TB_PROC_SLABINFO] >= 2;
	size_t j;

	add(o, "name", json_object_new_string(c->name));
	add(o, "objsize", json_object_new_int64(c->objsize));
	add(o, "active_objs", json_object_new_uint64(c->active));
	add(o, "num_objs", json_object_new_uint64(c->num));
	add(o, "size_bytes", json_object_new_uint64(c->size));
	if (two) {
		add(o, "delta_active", json_object_new_int64(c->d_active));
		add(o, "delta_num", json_object_new_int64(c->d_num));
		add(o, "delta_size_bytes", json_object_new_int64(c->d_size));
		add(o, "delta_obj_bytes", json_object_new_int64(tb_rcache_obj_bytes(c)));
		add(o, "last_interval_active", json_object_new_int64(c->i_active));
		add(o, "last_interval_size_bytes", json_object_new_int64(c->i_size));
		add(o, "active_per_hour", rate(c->active_h, g->span_ns != 0));
		add(o, "obj_bytes_per_hour", rate(c->obj_bytes_h, g->span_ns != 0));
		add(o, "size_bytes_per_hour", rate(c->size_h, g->span_ns != 0));
		if (c->series && g->slab_pts.n)
			add(o, "series", series_json(c->series, g->slab_pts.n));
	}
	if (c->is_new)
		add(o, "new", json_object_new_boolean(1));
	if (c->gone)
		add(o, "gone", json_object_new_boolean(1));
	if (c->focus)
		add(o, "focus", json_object_new_boolean(1));
	al = json_object_new_array();
	for (j = 0; j < c->naliases; j++)
		json_object_array_add(al, json_object_new_string(c->aliases[j]));
	add(o, "aliases", al);
	return o;
}

json_object *tb_growth_to_json(const struct tb_rgrowth *g)
{
	json_object *o = json_object_new_object(), *snaps = json_object_new_object(), *a;
	size_t i;
	int k;

	for (k = 0; k < TB_PROC_KINDS; k++)
		add(snaps, tb_proc_kinds[k].name, json_object_new_int64(g->snapshots[k]));
	add(o, "snapshots", snaps);
	add(o, "span_ns", g->span_ns ? json_object_new_uint64(g->span_ns) : NULL);
	if (g->format)
		add(o, "format", json_object_new_string(g->format));
	if (g->slab_pts.n)
		add(o, "slab_points", points_json(&g->slab_pts));
	a = json_object_new_array();
	for (i = 0; i < g->ncaches; i++)
		json_object_array_add(a, cache_json(g, &g->caches[i]));
	add(o, "caches", a);
	if (g->snapshots[TB_PROC_MEMINFO]) {
		json_object *m = json_object_new_object();

		for (i = 0; i < g->nmem; i++) {
			json_object *e = json_object_new_object();

			add(e, "first", json_object_new_int64(g->mem[i].first));
			add(e, "last", json_object_new_int64(g->mem[i].last));
			add(e, "delta", json_object_new_int64(g->mem[i].last - g->mem[i].first));
			add(e, "per_hour", rate(g->mem[i].per_hour, g->mem[i].has_rate));
			if (g->mem[i].series && g->mem_pts.n)
				add(e, "series", series_json(g->mem[i].series, g->mem_pts.n));
			add(m, g->mem[i].key, e);
		}
		add(o, "meminfo_kb", m);
		if (g->mem_pts.n)
			add(o, "meminfo_points", points_json(&g->mem_pts));
	}
	if (g->snapshots[TB_PROC_VMSTAT] >= 2) {
		json_object *d = json_object_new_object();

		for (i = 0; i < g->nvmstat; i++)
			add(d, g->vmstat[i].key, json_object_new_int64(g->vmstat[i].delta));
		add(o, "vmstat_delta", d);
		for (i = 0; i < g->nvmrows; i++) {
			char key[80];

			if (!strncmp(g->vmrows[i].key, "compact_", 8))
				continue;
			snprintf(key, sizeof(key), "%s_delta", g->vmrows[i].key);
			add(o, key, json_object_new_int64(g->vmrows[i].delta));
		}
		add(o, "compaction", json_object_new_string(g->compaction < 0 ? "unknown" :
							     g->compaction ? "ran" : "skipped"));
		if (g->compaction >= 0)
			add(o, "compact_stall_delta", json_object_new_int64(g->compact_stalls));
	}
	if (g->snapshots[TB_PROC_BUDDYINFO]) {
		a = json_object_new_array();
		for (i = 0; i < g->nzones; i++) {
			const struct tb_rzone *z = &g->zones[i];
			json_object *e = json_object_new_object(), *f = json_object_new_array();
			unsigned ord;

			add(e, "node", json_object_new_int(z->node));
			add(e, "zone", json_object_new_string(z->zone));
			for (ord = 0; ord < z->norders; ord++)
				json_object_array_add(f, json_object_new_uint64(z->free[ord]));
			add(e, "free", f);
			if (z->delta) {
				json_object *d = json_object_new_array();

				for (ord = 0; ord < z->norders; ord++)
					json_object_array_add(d, json_object_new_int64(z->delta[ord]));
				add(e, "delta", d);
			}
			json_object_array_add(a, e);
		}
		add(o, "buddyinfo", a);
	}
	return o;
}
