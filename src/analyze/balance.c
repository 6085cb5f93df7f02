/*
 * balance.c - the balance analyzer: reference gets and puts per object key
 * (kobject_get/kobject_put, dev_hold/dev_put, ...).  At the end, objects with more
 * gets than puts are "held", grouped by the site (and stack, with group = site+stack)
 * of the gets still outstanding.  Objects whose references are all put back are
 * forgotten (memory grows with held objects and unmatched puts only).
 *
 * A key is a pointer and pointers are reused: a struct path on a task's stack has the
 * same address for every call at the same depth, a freed dentry's address comes back.
 * So a put is matched to the most recent outstanding get of its key (gets and puts
 * nest), and a put with nothing outstanding is a put of a reference taken before the
 * run (or by a function not traced): counted as unmatched and NOT carried as a debt
 * that a later get of the same address would pay off - that would hide the later get
 * and take its put from its site.  The one exception is a put merged a moment before
 * its own get from another CPU (timestamp skew, as the pair analyzer allows).
 */
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"
#include "analyze/analysis-local.h"
#include "util/intern.h"
#include "util/strbuf.h"
#include "util/strlist.h"

/* Runs of outstanding gets kept per object, oldest first. */
#define BAL_RUNS 4

struct bal_run {
	uint32_t site;		/* 1 + index of the site of these gets */
	uint32_t refs;		/* outstanding references taken there */
};

struct bal_obj {
	uint64_t key;
	uint64_t put_ts;	/* an unmatched put (has_put): its time and CPU */
	int32_t put_cpu;
	uint16_t has_put;
	uint16_t nruns;
	uint32_t refs;		/* outstanding references: sum of runs[].refs */
	uint32_t pad;
	struct bal_run runs[BAL_RUNS];	/* last one = most recent get */
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
	int64_t id = tb_an_stack(an, ev);

	return id > 0 ? (uint32_t)id : 0;
}

/* One more outstanding reference taken at site index si (0-based). */
static void push_ref(struct bal_obj *o, uint32_t si)
{
	struct bal_run *top = o->nruns ? &o->runs[o->nruns - 1] : NULL;

	o->refs++;
	if (top && top->site == si + 1) {
		top->refs++;
		return;
	}
	if (o->nruns == BAL_RUNS) {
		/* fold the second-oldest run into the oldest (the likely holder) */
		o->runs[0].refs += o->runs[1].refs;
		memmove(&o->runs[1], &o->runs[2], (BAL_RUNS - 2) * sizeof(o->runs[0]));
		o->nruns--;
	}
	o->runs[o->nruns].site = si + 1;
	o->runs[o->nruns].refs = 1;
	o->nruns++;
}

int tb_balance_get(struct tb_analysis *an, struct tb_balance_an *b, const struct tb_event *ev)
{
	struct bal_obj *o;
	uint64_t key;
	int64_t si;
	const char *site;
	uint32_t stack;
	int existed;

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
	o = tb_otab_insert(&b->objs, key, &existed);
	if (!o)
		return -1;
	if (existed && o->has_put) {
		o->has_put = 0;
		if (o->put_cpu != ev->cpu && o->put_cpu >= 0 && ev->cpu >= 0 &&
		    ev->ts_ns >= o->put_ts && ev->ts_ns - o->put_ts <= TB_AN_SKEW_NS) {
			/* its put was merged just before it (other CPU): a matched pair */
			b->unmatched_puts--;
			b->sites[si].puts++;
			if (!o->refs)
				tb_otab_delete(&b->objs, o);
			return 0;
		}
	}
	push_ref(o, (uint32_t)si);
	return 0;
}

int tb_balance_put(struct tb_analysis *an, struct tb_balance_an *b, const struct tb_event *ev)
{
	struct bal_obj *o;
	struct bal_run *top;
	uint64_t key;

	(void)an;
	if (key_of(b, ev, b->put_key, &key))
		return 0;
	b->puts++;
	o = tb_otab_insert(&b->objs, key, NULL);
	if (!o)
		return -1;
	if (!o->refs) {
		/* taken before the run, or its get comes a moment later (skew) */
		b->unmatched_puts++;
		o->has_put = 1;
		o->put_ts = ev->ts_ns;
		o->put_cpu = ev->cpu;
		return 0;
	}
	top = &o->runs[o->nruns - 1];
	b->sites[top->site - 1].puts++;
	o->refs--;
	if (!--top->refs)
		o->nruns--;
	if (!o->refs)
		tb_otab_delete(&b->objs, o);
	return 0;
}

void tb_balance_finish(struct tb_balance_an *b)
{
	size_t i;
	unsigned k;

	b->held_objects = b->held_refs = 0;
	for (i = 0; i < b->nsites; i++)
		b->sites[i].held_objects = b->sites[i].held_refs = 0;
	for (i = 0; i < b->objs.cap; i++) {
		const struct bal_obj *o = tb_otab_slot(&b->objs, i);

		if (!o->key || !o->refs)
			continue;
		b->held_objects++;
		b->held_refs += o->refs;
		/* an object counts at each site holding references to it */
		for (k = 0; k < o->nruns; k++) {
			struct tb_balance_site *st = &b->sites[o->runs[k].site - 1];
			unsigned j;

			for (j = 0; j < k; j++)
				if (o->runs[j].site == o->runs[k].site)
					break;
			if (j == k)
				st->held_objects++;
			st->held_refs += o->runs[k].refs;
		}
	}
}
