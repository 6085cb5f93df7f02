/*
 * recipe-filter.c - a recipe's kernel-side narrowing (filters, cache =, SLUB trace
 * caches) applied in user space to decoded events, for offline analysis
 * (recipe-filter.h).  Events the filter cannot judge (a field it needs is missing,
 * or printed as a symbol where a number is compared) are kept and counted.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/recipe-filter.h"
#include "event/filter.h"
#include "util/err.h"
#include "util/strbuf.h"

struct rf_entry {
	char *system, *name;		/* the event narrowed */
	char *text;			/* what is applied, as the user reads it */
	struct tb_filter *filter;	/* the section's filter, or NULL */
	struct tb_filter *by_name;	/* cache =: name == "CACHE", or NULL */
	struct tb_filter *by_size;	/* cache = kmalloc-N: bytes_alloc == N, or NULL */
	struct strlist caches;		/* [slub-trace]: the caches traced */
	uint64_t seen, dropped, unknown;
};

struct tb_recipe_filter {
	struct tb_sink inner;
	struct rf_entry *v;
	unsigned n;
};

/* The object size of a kmalloc-N / kmalloc-Nk cache name, or 0 (as the planner reads it). */
static unsigned long kmalloc_size(const char *cache)
{
	const char *last = strrchr(cache, '-');
	char *end;
	unsigned long n;

	if (!strstr(cache, "kmalloc-") || !last || !isdigit((unsigned char)last[1]))
		return 0;
	n = strtoul(last + 1, &end, 10);
	if (*end == 'k' && !end[1])
		return n * 1024;
	return *end ? 0 : n;
}

static int parse(const char *origin, const char *text, struct tb_filter **f)
{
	char err[160];
	int r = tb_filter_parse(text, f, err, sizeof(err));

	if (r == -1)
		return tb_error_code(TB_EXIT_BADINPUT, "%s: filter '%s': %s", origin, text, err);
	return r ? tb_error("out of memory") : 0;
}

static struct rf_entry *add(struct tb_recipe_filter *rf, const char *sys, const char *name)
{
	struct rf_entry *v = realloc(rf->v, (rf->n + 1) * sizeof(*v)), *e;

	if (!v)
		return NULL;
	rf->v = v;
	e = &v[rf->n++];
	memset(e, 0, sizeof(*e));
	e->system = strdup(sys);
	e->name = strdup(name);
	return e->system && e->name ? e : NULL;
}

static int add_tracepoint(struct tb_recipe_filter *rf, const struct tb_recipe *r,
			  const struct tb_recipe_tracepoint *tp)
{
	struct strbuf sb = STRBUF_INIT;
	struct rf_entry *e;
	char origin[512], buf[256];
	unsigned long size;
	int ret = 0;

	if (!tp->filter && !tp->cache)
		return 0;
	if (!(e = add(rf, tp->system, tp->event)))
		return tb_error("out of memory");
	snprintf(origin, sizeof(origin), "%s:%d", r->path, tp->line);
	if (tp->filter) {
		ret = parse(origin, tp->filter, &e->filter);
		strbuf_addstr(&sb, tp->filter);
	}
	if (!ret && tp->cache) {
		size = kmalloc_size(tp->cache);
		snprintf(buf, sizeof(buf), "name == \"%s\"", tp->cache);
		ret = parse(origin, buf, &e->by_name);
		if (!ret && size) {
			snprintf(buf, sizeof(buf), "bytes_alloc == %lu", size);
			ret = parse(origin, buf, &e->by_size);
		}
		strbuf_addf(&sb, "%scache %s (%s)", sb.len ? " && " : "", tp->cache,
			    size ? buf : "its name field");
	}
	e->text = strbuf_detach(&sb, NULL);
	return ret;
}

int tb_recipe_filter_new(const struct tb_recipe *r, struct tb_sink inner,
			 struct tb_recipe_filter **out)
{
	struct tb_recipe_filter *rf = calloc(1, sizeof(*rf));
	unsigned i;
	int ret = 0;

	*out = NULL;
	if (!rf)
		return tb_error("out of memory");
	rf->inner = inner;
	for (i = 0; !ret && i < r->ntps; i++)
		ret = add_tracepoint(rf, r, &r->tps[i]);
	for (i = 0; !ret && i < r->nkps; i++) {
		struct rf_entry *e;
		char origin[512];

		if (!r->kps[i].filter)
			continue;
		if (!(e = add(rf, "kprobes", r->kps[i].name)) ||
		    !(e->text = strdup(r->kps[i].filter))) {
			ret = tb_error("out of memory");
			break;
		}
		snprintf(origin, sizeof(origin), "%s:%d", r->path, r->kps[i].line);
		ret = parse(origin, r->kps[i].filter, &e->filter);
	}
	if (!ret && r->slub && r->slub->caches.n) {
		static const char *const kinds[] = { "alloc", "free" };
		unsigned k;
		size_t c;

		for (k = 0; !ret && k < 2; k++) {
			struct rf_entry *e = add(rf, "slub", kinds[k]);
			struct strbuf sb = STRBUF_INIT;

			if (!e) {
				ret = tb_error("out of memory");
				break;
			}
			strbuf_addstr(&sb, "cache ");
			for (c = 0; c < r->slub->caches.n; c++) {
				strbuf_addf(&sb, "%s%s", c ? ", " : "", r->slub->caches.v[c]);
				if (strlist_add(&e->caches, r->slub->caches.v[c]))
					ret = tb_error("out of memory");
			}
			e->text = strbuf_detach(&sb, NULL);
		}
	}
	if (ret) {
		tb_recipe_filter_free(rf);
		return ret;
	}
	*out = rf;
	return 0;
}

static int judge(const struct rf_entry *e, const struct tb_event *ev)
{
	int a = 1, b = 1;
	size_t i;

	if (e->caches.n) {
		const struct tb_field *f = tb_event_field(ev, "cache");

		if (!f || !(f->type & TB_FV_STR))
			return -1;
		for (i = 0; i < e->caches.n; i++)
			if (!strcmp(f->str, e->caches.v[i]))
				return 1;
		return 0;
	}
	if (e->filter)
		a = tb_filter_eval(e->filter, ev);
	if (a == 0)
		return 0;
	if (e->by_size)
		b = tb_filter_eval(e->by_size, ev);	/* kmalloc-N: by size, as the planner */
	else if (e->by_name)
		b = tb_filter_eval(e->by_name, ev);
	if (b == 0)
		return 0;
	return a < 0 || b < 0 ? -1 : 1;
}

static int rf_event(void *ctx, const struct tb_event *ev)
{
	struct tb_recipe_filter *rf = ctx;
	unsigned i;

	for (i = 0; i < rf->n; i++) {
		struct rf_entry *e = &rf->v[i];
		int j;

		if (!ev->name || !ev->system || strcmp(ev->name, e->name) ||
		    strcmp(ev->system, e->system))
			continue;
		e->seen++;
		j = judge(e, ev);
		if (j == 0) {
			e->dropped++;
			return 0;
		}
		if (j < 0)
			e->unknown++;
		break;
	}
	return rf->inner.event ? rf->inner.event(rf->inner.ctx, ev) : 0;
}

static void rf_lost(void *ctx, int cpu, uint64_t count, uint64_t ts)
{
	struct tb_recipe_filter *rf = ctx;

	if (rf->inner.lost)
		rf->inner.lost(rf->inner.ctx, cpu, count, ts);
}

struct tb_sink tb_recipe_filter_sink(struct tb_recipe_filter *rf)
{
	struct tb_sink s = { rf_event, rf_lost, rf };

	return s;
}

void tb_recipe_filter_notes(const struct tb_recipe_filter *rf, struct strlist *notes)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned i;

	for (i = 0; rf && i < rf->n; i++) {
		const struct rf_entry *e = &rf->v[i];

		if (!e->seen)
			continue;
		strbuf_reset(&sb);
		strbuf_addf(&sb, "recipe filter applied offline, as the kernel would have: "
			    "%s:%s %s: %llu of %llu events dropped", e->system, e->name, e->text,
			    (unsigned long long)e->dropped, (unsigned long long)e->seen);
		if (e->unknown)
			strbuf_addf(&sb, "; %llu kept that it could not judge (a field it needs "
				    "is missing or not a number in the input)",
				    (unsigned long long)e->unknown);
		strlist_add(notes, sb.buf);
	}
	strbuf_release(&sb);
}

void tb_recipe_filter_free(struct tb_recipe_filter *rf)
{
	unsigned i;

	if (!rf)
		return;
	for (i = 0; i < rf->n; i++) {
		free(rf->v[i].system);
		free(rf->v[i].name);
		free(rf->v[i].text);
		tb_filter_free(rf->v[i].filter);
		tb_filter_free(rf->v[i].by_name);
		tb_filter_free(rf->v[i].by_size);
		strlist_clear(&rf->v[i].caches);
	}
	free(rf->v);
	free(rf);
}
