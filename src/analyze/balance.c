/*
 * balance.c - the balance analyzer: reference gets and puts per object key
 * (kobject_get/kobject_put, dev_hold/dev_put, ...).  At the end, objects with more
 * gets than puts are "held", grouped by the site (and stack, with group = site+stack)
 * of their first get seen.  Objects
 * whose net count returns to zero are forgotten (memory grows with held objects only).
 */
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"
#include "analyze/analysis-local.h"
#include "util/intern.h"
#include "util/strbuf.h"
#include "util/strlist.h"

struct bal_obj {
	uint64_t key;
	int32_t net;		/* gets - puts seen */
	uint32_t site;		/* 1 + index of the site of the first get; 0 none yet */
};

int tb_balance_init(struct tb_balance_an *b, const struct tb_recipe_balance *spec)
{
	memset(b, 0, sizeof(*b));
	b->label = tb_intern(spec->label && *spec->label ? spec->label : "balance");
	b->get_desc = strlist_join(&spec->get, " ");
	b->put_desc = strlist_join(&spec->put, " ");
	b->get_key = tb_intern(spec->get_key && *spec->get_key ? spec->get_key : "ptr");
	b->put_key = tb_intern(spec->put_key && *spec->put_key ? spec->put_key :
			       spec->get_key && *spec->get_key ? spec->get_key : "ptr");
	b->group_flags = spec->group;	/* 0: "none" */
	b->all_sites = tb_intern("(all sites)");
	tb_otab_init(&b->objs, sizeof(struct bal_obj));
	tb_otab_init(&b->sidx, sizeof(struct tb_pmap_rec));
	if (!b->label || !b->get_desc || !b->put_desc || !b->get_key || !b->put_key ||
	    !b->all_sites)
		return -1;
	return 0;
}

void tb_balance_release(struct tb_balance_an *b)
{
	free(b->get_desc);
	free(b->put_desc);
	free(b->sites);
	tb_otab_release(&b->objs);
	tb_otab_release(&b->sidx);
	memset(b, 0, sizeof(*b));
}

static int64_t site_index(struct tb_balance_an *b, const char *site, uint32_t stack)
{
	struct tb_pmap_rec *r = tb_pmap_get(&b->sidx, site, NULL, stack, 1);

	if (!r)
		return -1;
	if (r->val)
		return (int64_t)r->val - 1;
	if (ALLOC_GROW(b->sites, b->nsites + 1, b->asites))
		return -1;
	memset(&b->sites[b->nsites], 0, sizeof(b->sites[0]));
	b->sites[b->nsites].site = site;
	b->sites[b->nsites].stack = stack;
	r->val = ++b->nsites;
	return (int64_t)b->nsites - 1;
}

/* 0 and *key, or 1 if the event has no usable key (counted). */
static int key_of(struct tb_balance_an *b, const struct tb_event *ev, const char *name,
		  uint64_t *key)
{
	if (ev->ptr_quality == TB_PTR_HIDDEN) {
		b->hidden++;
		return 1;
	}
	if (tb_event_u64(ev, name, 16, key)) {
		b->nokey++;
		return 1;
	}
	if (!*key) {
		b->null_keys++;
		return 1;
	}
	return 0;
}

static uint32_t stack_of(struct tb_analysis *an, const struct tb_event *ev)
{
	int64_t id = ev->stack.n ? tb_stacks_intern(an->stacks, &ev->stack) : 0;

	return id > 0 ? (uint32_t)id : 0;
}

int tb_balance_get(struct tb_analysis *an, struct tb_balance_an *b, const struct tb_event *ev)
{
	struct bal_obj *o;
	uint64_t key;
	int64_t si;
	const char *site;
	uint32_t stack;

	if (key_of(b, ev, b->get_key, &key))
		return 0;
	stack = (b->group_flags & TB_GROUP_STACK) ? stack_of(an, ev) : 0;
	site = (b->group_flags & (TB_GROUP_SITE | TB_GROUP_STACK)) ?
		tb_an_site(an, ev, stack) : b->all_sites;
	if (!site)
		return -1;
	si = site_index(b, site, stack);
	if (si < 0)
		return -1;
	b->gets++;
	b->sites[si].gets++;
	o = tb_otab_insert(&b->objs, key, NULL);
	if (!o)
		return -1;
	if (!o->site)
		o->site = (uint32_t)si + 1;
	o->net++;
	if (!o->net)
		tb_otab_delete(&b->objs, o);
	return 0;
}

int tb_balance_put(struct tb_analysis *an, struct tb_balance_an *b, const struct tb_event *ev)
{
	struct bal_obj *o;
	uint64_t key;

	(void)an;
	if (key_of(b, ev, b->put_key, &key))
		return 0;
	b->puts++;
	o = tb_otab_insert(&b->objs, key, NULL);
	if (!o)
		return -1;
	if (o->site)
		b->sites[o->site - 1].puts++;
	o->net--;
	if (!o->net)
		tb_otab_delete(&b->objs, o);
	return 0;
}

void tb_balance_finish(struct tb_balance_an *b)
{
	size_t i;

	b->held_objects = b->held_refs = b->unmatched_puts = 0;
	for (i = 0; i < b->nsites; i++)
		b->sites[i].held_objects = b->sites[i].held_refs = 0;
	for (i = 0; i < b->objs.cap; i++) {
		const struct bal_obj *o = tb_otab_slot(&b->objs, i);

		if (!o->key)
			continue;
		if (o->net < 0) {
			b->unmatched_puts += (uint64_t)-(int64_t)o->net;
			continue;
		}
		b->held_objects++;
		b->held_refs += (uint64_t)o->net;
		if (o->site) {
			b->sites[o->site - 1].held_objects++;
			b->sites[o->site - 1].held_refs += (uint64_t)o->net;
		}
	}
}
