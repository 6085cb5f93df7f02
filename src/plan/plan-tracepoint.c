/*
 * plan-tracepoint.c - the recipe's [tracepoint] sections into the plan's event list:
 * each event checked against this kernel (optional ones and the kmem *_node variants
 * folded away in 6.1 are skipped with a line in the summary; a missing one is an
 * error naming the recipe line and the nearest events), narrowed to a slab cache
 * where the section names one, with its own filter ANDed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan/plan-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

static char *and_filter(const char *a, const char *b)
{
	struct strbuf sb = STRBUF_INIT;

	if (!a || !*a)
		return b ? strdup(b) : NULL;
	if (!b || !*b)
		return strdup(a);
	strbuf_addf(&sb, "(%s) && (%s)", a, b);
	return strbuf_detach(&sb, NULL);
}

/* "kmem:kmalloc, kmem:kfree": events of the system near ev. */
static char *near_events(const struct tb_caps *caps, const char *sys, const char *ev)
{
	struct strbuf list = STRBUF_INIT;
	char path[PATH_MAX + 64];
	char *near;

	snprintf(path, sizeof(path), "%s/available_events", caps->tracefs);
	if (tb_read_file(path, &list) == 0) {
		/* lines "sys:ev": rewrite to names only for matching system */
		struct strbuf names = STRBUF_INIT;
		const char *p = list.buf;
		size_t ls = strlen(sys);

		while (p && *p) {
			const char *eol = strchr(p, '\n');
			size_t len = eol ? (size_t)(eol - p) : strlen(p);

			if (len > ls && !strncmp(p, sys, ls) && p[ls] == ':') {
				strbuf_add(&names, p + ls + 1, len - ls - 1);
				strbuf_addch(&names, '\n');
			}
			p = eol ? eol + 1 : NULL;
		}
		near = tb_sym_near(ev, strbuf_str(&names), TB_SYM_LIST);
		strbuf_release(&names);
	} else {
		near = strdup("");
	}
	strbuf_release(&list);
	return near;
}

static int is_kmem_node_variant(const char *sys, const char *ev)
{
	size_t n = strlen(ev);

	return !strcmp(sys, "kmem") && n > 5 && !strcmp(ev + n - 5, "_node");
}

int plan_tracepoints(struct plan_builder *b)
{
	unsigned i;
	int r;

	for (i = 0; i < b->r->ntps; i++) {
		const struct tb_recipe_tracepoint *tp = &b->r->tps[i];
		char *filter = NULL;

		if (!plan_event_exists(b->caps, tp->system, tp->event)) {
			char *near;

			if (tp->optional || is_kmem_node_variant(tp->system, tp->event)) {
				if (is_kmem_node_variant(tp->system, tp->event) && b->caps->kver >= TB_KVER(6, 1, 0))
					plan_summary(b->p, "%s:%s: not on this kernel (folded into %.*s in 6.1): skipped",
						     tp->system, tp->event, (int)(strlen(tp->event) - 5), tp->event);
				else
					plan_summary(b->p, "%s:%s: not on this kernel (optional): skipped", tp->system, tp->event);
				continue;
			}
			near = near_events(b->caps, tp->system, tp->event);
			r = tb_error_code(TB_EXIT_BADINPUT,
					  "%s:%d: tracepoint '%s:%s' does not exist on this kernel (%s)%s%s",
					  b->r->path, tp->line, tp->system, tp->event, b->caps->release,
					  *near ? "; near: " : "", near);
			free(near);
			return r;
		}
		r = plan_check_filter(b, tp->system, tp->event, tp->filter, tp->line);
		if (r)
			return r;
		if (tp->cache) {
			const char *why;
			int approx;
			char *cf;

			if (!plan_safe_name(tp->cache))
				return tb_error_code(TB_EXIT_BADINPUT, "%s:%d: cache name '%s': expected a slab cache name (no '/', '..', spaces or quotes)",
						     b->r->path, tp->line, tp->cache);
			r = plan_check_cache(b, tp->cache, tp->line);
			if (r)
				return r;
			cf = plan_cache_filter(b->caps, tp->event, tp->cache, &why, &approx);
			if (!cf) {
				plan_summary(b->p, "%s:%s: not narrowed to cache %s (%s)", tp->system, tp->event,
					     tp->cache, why);
			} else {
				if (approx)
					plan_note(b->p, "%s:%s narrowed to %s by object size (%s): other caches of that size are included",
						  tp->system, tp->event, tp->cache, cf);
				filter = and_filter(tp->filter, cf);
				free(cf);
			}
		} else if (tp->filter) {
			filter = strdup(tp->filter);
		}
		r = plan_ev_add(&b->evs, tp->system, tp->event, filter, tp->stack, tp->line, "recipe");
		free(filter);
		if (r)
			return r;
	}
	return 0;
}
