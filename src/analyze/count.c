/*
 * count.c - the count analyzer: calls per function and per (function, caller) from
 * function tracer hits, counts of other events, and the inputs of balance verdicts
 * for declared "A:B" pairs (e.g. alloc_netdev_mqs:free_netdev).
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/analysis-local.h"
#include "util/intern.h"

int tb_count_init(struct tb_count_an *c, const struct tb_recipe_count *spec)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->label = tb_intern(spec->label && *spec->label ? spec->label : "count");
	c->by_caller = spec->by_caller;
	tb_otab_init(&c->fmap, sizeof(struct tb_pmap_rec));
	tb_otab_init(&c->rejected, sizeof(struct tb_pmap_rec));
	tb_otab_init(&c->emap, sizeof(struct tb_pmap_rec));
	if (!c->label)
		return -1;
	for (i = 0; i < spec->funcs.n; i++)
		if (strlist_add(&c->funcs, spec->funcs.v[i]))
			return -1;
	for (i = 0; i < spec->events.n; i++)
		if (strlist_add(&c->events, spec->events.v[i]))
			return -1;
	for (i = 0; i < spec->balance.n; i++)
		if (strlist_add(&c->balance, spec->balance.v[i]))
			return -1;
	return 0;
}

void tb_count_release(struct tb_count_an *c)
{
	strlist_clear(&c->funcs);
	strlist_clear(&c->events);
	strlist_clear(&c->balance);
	tb_otab_release(&c->fmap);
	tb_otab_release(&c->rejected);
	tb_otab_release(&c->emap);
	memset(c, 0, sizeof(*c));
}

/* "function:FUNC" -> "FUNC" */
static const char *strip_function_prefix(const char *s)
{
	return strncmp(s, "function:", 9) ? s : s + 9;
}

/* 1 if func is one this count wants (its globs; none = every function). */
static int wanted(struct tb_count_an *c, const char *func)
{
	size_t i;

	if (!c->funcs.n || tb_pmap_get(&c->fmap, func, NULL, 0, 0))
		return 1;
	if (tb_pmap_get(&c->rejected, func, NULL, 0, 0))
		return 0;
	for (i = 0; i < c->funcs.n; i++)
		if (!fnmatch(strip_function_prefix(c->funcs.v[i]), func, 0))
			return 1;
	tb_pmap_get(&c->rejected, func, NULL, 0, 1);
	return 0;
}

int tb_count_function(struct tb_count_an *c, const char *func, const char *caller)
{
	struct tb_pmap_rec *r;

	if (!wanted(c, func))
		return 0;
	c->function_events++;
	r = tb_pmap_get(&c->fmap, func, NULL, 0, 1);
	if (!r)
		return -1;
	r->val++;
	if (c->by_caller && caller) {
		r = tb_pmap_get(&c->fmap, func, caller, 0, 1);
		if (!r)
			return -1;
		r->val++;
	}
	return 0;
}

int tb_count_event(struct tb_count_an *c, const struct tb_event *ev)
{
	struct tb_pmap_rec *r = tb_pmap_get(&c->emap, ev->system, ev->name, 0, 1);

	if (!r)
		return -1;
	r->val++;
	return 0;
}

uint64_t tb_count_calls(const struct tb_count_an *c, const char *what)
{
	const char *colon, *name;
	uint64_t sum = 0;
	size_t i;

	what = strip_function_prefix(what);
	colon = strchr(what, ':');
	if (!colon) {
		const char *func = tb_intern(what);
		struct tb_pmap_rec *r = func ?
			tb_pmap_get((struct tb_otab *)&c->fmap, func, NULL, 0, 0) : NULL;

		if (r)
			return r->val;
		name = func;	/* maybe a bare event name */
	} else {
		name = colon + 1;
	}
	/* Events: "sys:name" or bare name, matched by name (text sources may not know sys). */
	for (i = 0; i < c->emap.cap; i++) {
		const struct tb_pmap_rec *r = tb_otab_slot(&c->emap, i);

		if (!r->h || !name || strcmp((const char *)r->b, name))
			continue;
		if (colon) {
			const char *sys = r->a;
			size_t n = (size_t)(colon - what);

			/* kprobe:NAME matches whatever group the probe was created in */
			if (!(n == 6 && !strncmp(what, "kprobe", 6)) &&
			    (strlen(sys) != n || strncmp(sys, what, n)))
				continue;
		}
		sum += r->val;
	}
	return sum;
}
