/*
 * plan-spec.c - the analyses the plan carries (tb_plan.spec): a copy of the recipe's
 * [pair], [count], [balance] and [growth] sections and of what they refer to (the
 * kprobes, for the stack joins of return probes; the snapshot), with "slub:alloc" /
 * "slub:free" resolved to the kmem tracepoints that stand in for them where the SLUB
 * toggle could not be written.  The caller's recipe is never changed.  Also the one
 * line per analysis that --dry-run prints.
 */
#include <stdlib.h>
#include <string.h>
#include "plan/plan-local.h"
#include "util/err.h"
#include "util/strbuf.h"

/* ---- copying -------------------------------------------------------------------- */

/* Each copy function returns 0, or -1 on ENOMEM (what was copied is freed with the spec). */

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

static int dup_list(struct strlist *dst, const struct strlist *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < src->n; i++)
		if (strlist_add(dst, src->v[i]))
			return -1;
	return 0;
}

/* n elements of size sz, zeroed, or NULL for none; *fail set on ENOMEM. */
static void *dup_array(unsigned n, size_t sz, int *fail)
{
	void *v;

	if (!n)
		return NULL;
	v = calloc(n, sz);
	if (!v)
		*fail = 1;
	return v;
}

static int copy_kprobes(struct tb_recipe *d, const struct tb_recipe *r)
{
	unsigned i;
	int fail = 0;

	d->kps = dup_array(r->nkps, sizeof(*d->kps), &fail);
	if (fail)
		return -1;
	for (i = 0; i < r->nkps; i++) {
		const struct tb_recipe_kprobe *s = &r->kps[i];
		struct tb_recipe_kprobe *k = &d->kps[d->nkps++];

		k->is_return = s->is_return;
		k->stack = s->stack;
		k->line = s->line;
		if (dup_str(&k->name, s->name) || dup_str(&k->probe, s->probe) ||
		    dup_list(&k->args, &s->args) || dup_str(&k->filter, s->filter))
			return -1;
	}
	return 0;
}

static int copy_pairs(struct tb_recipe *d, const struct tb_recipe *r)
{
	unsigned i;
	int fail = 0;

	d->pairs = dup_array(r->npairs, sizeof(*d->pairs), &fail);
	if (fail)
		return -1;
	for (i = 0; i < r->npairs; i++) {
		const struct tb_recipe_pair *s = &r->pairs[i];
		struct tb_recipe_pair *a = &d->pairs[d->npairs++];

		a->group = s->group;
		a->line = s->line;
		if (dup_str(&a->label, s->label) || dup_list(&a->alloc, &s->alloc) ||
		    dup_list(&a->free, &s->free) || dup_str(&a->alloc_key, s->alloc_key) ||
		    dup_str(&a->free_key, s->free_key) || dup_str(&a->size, s->size) ||
		    dup_str(&a->requested, s->requested) || dup_str(&a->by, s->by))
			return -1;
	}
	return 0;
}

static int copy_counts(struct tb_recipe *d, const struct tb_recipe *r)
{
	unsigned i;
	int fail = 0;

	d->counts = dup_array(r->ncounts, sizeof(*d->counts), &fail);
	if (fail)
		return -1;
	for (i = 0; i < r->ncounts; i++) {
		const struct tb_recipe_count *s = &r->counts[i];
		struct tb_recipe_count *c = &d->counts[d->ncounts++];

		c->by_caller = s->by_caller;
		c->line = s->line;
		if (dup_str(&c->label, s->label) || dup_list(&c->funcs, &s->funcs) ||
		    dup_list(&c->events, &s->events) || dup_list(&c->balance, &s->balance))
			return -1;
	}
	return 0;
}

static int copy_balances(struct tb_recipe *d, const struct tb_recipe *r)
{
	unsigned i;
	int fail = 0;

	d->balances = dup_array(r->nbalances, sizeof(*d->balances), &fail);
	if (fail)
		return -1;
	for (i = 0; i < r->nbalances; i++) {
		const struct tb_recipe_balance *s = &r->balances[i];
		struct tb_recipe_balance *bl = &d->balances[d->nbalances++];

		bl->group = s->group;
		bl->line = s->line;
		if (dup_str(&bl->label, s->label) || dup_list(&bl->get, &s->get) ||
		    dup_list(&bl->put, &s->put) || dup_str(&bl->get_key, s->get_key) ||
		    dup_str(&bl->put_key, s->put_key))
			return -1;
	}
	return 0;
}

static int copy_growth_snapshot(struct tb_recipe *d, const struct tb_recipe *r)
{
	if (r->growth) {
		d->growth = calloc(1, sizeof(*d->growth));
		if (!d->growth)
			return -1;
		d->growth->enabled = r->growth->enabled;
		d->growth->line = r->growth->line;
		if (dup_list(&d->growth->caches, &r->growth->caches) ||
		    dup_list(&d->growth->from, &r->growth->from))
			return -1;
	}
	if (r->snapshot) {
		d->snapshot = calloc(1, sizeof(*d->snapshot));
		if (!d->snapshot)
			return -1;
		d->snapshot->interval_ns = r->snapshot->interval_ns;
		d->snapshot->line = r->snapshot->line;
		if (dup_list(&d->snapshot->files, &r->snapshot->files))
			return -1;
	}
	return 0;
}

/* ---- resolving slub:alloc / slub:free ------------------------------------------- */

/* Replace ref in l by the events of with (no duplicates kept); 0 or -1 (ENOMEM). */
static int resolve_list(struct strlist *l, const char *ref, const struct strlist *with)
{
	struct strlist nl = STRLIST_INIT;
	size_t j, k;

	if (!strlist_has(l, ref))
		return 0;
	for (j = 0; j < l->n; j++) {
		if (!strcmp(l->v[j], ref)) {
			for (k = 0; k < with->n; k++)
				if (!strlist_has(&nl, with->v[k]) && strlist_add(&nl, with->v[k]))
					goto oom;
		} else if (!strlist_has(&nl, l->v[j]) && strlist_add(&nl, l->v[j])) {
			goto oom;
		}
	}
	strlist_clear(l);
	*l = nl;
	return 0;
oom:
	strlist_clear(&nl);
	return -1;
}

/* Every event list of the spec: pair alloc/free, count events, balance get/put. */
static int resolve_ref(struct tb_recipe *d, const char *ref, const struct strlist *with)
{
	unsigned i;

	for (i = 0; i < d->npairs; i++)
		if (resolve_list(&d->pairs[i].alloc, ref, with) ||
		    resolve_list(&d->pairs[i].free, ref, with))
			return -1;
	for (i = 0; i < d->ncounts; i++)
		if (resolve_list(&d->counts[i].events, ref, with))
			return -1;
	for (i = 0; i < d->nbalances; i++)
		if (resolve_list(&d->balances[i].get, ref, with) ||
		    resolve_list(&d->balances[i].put, ref, with))
			return -1;
	return 0;
}

/* ---- the lines of --dry-run ------------------------------------------------------ */

static void describe_analyses(struct tb_plan *p, const struct tb_recipe *r)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned i;
	size_t j;

	for (i = 0; i < r->npairs; i++) {
		const struct tb_recipe_pair *a = &r->pairs[i];

		strbuf_reset(&sb);
		strbuf_addf(&sb, "pair %s: alloc", a->label ? a->label : "");
		for (j = 0; j < a->alloc.n; j++)
			strbuf_addf(&sb, " %s", a->alloc.v[j]);
		strbuf_addstr(&sb, " <-> free");
		for (j = 0; j < a->free.n; j++)
			strbuf_addf(&sb, " %s", a->free.v[j]);
		strbuf_addf(&sb, " by %s", a->alloc_key ? a->alloc_key : "?");
		if (a->free_key && a->alloc_key && strcmp(a->free_key, a->alloc_key))
			strbuf_addf(&sb, "/%s", a->free_key);
		strbuf_addf(&sb, ", grouped by %s%s%s",
			    a->group == (TB_GROUP_SITE | TB_GROUP_STACK) ? "site+stack" :
			    a->group == TB_GROUP_STACK ? "stack" :
			    a->group == TB_GROUP_SITE ? "site" : (a->by ? "" : "nothing (one group)"),
			    a->by && a->group ? "+" : "", a->by ? a->by : "");
		strlist_add(&p->analyses, sb.buf);
	}
	for (i = 0; i < r->ncounts; i++) {
		const struct tb_recipe_count *c = &r->counts[i];

		strbuf_reset(&sb);
		strbuf_addf(&sb, "count %s:", c->label ? c->label : "");
		for (j = 0; j < c->funcs.n; j++)
			strbuf_addf(&sb, " %s", c->funcs.v[j]);
		for (j = 0; j < c->events.n; j++)
			strbuf_addf(&sb, " %s", c->events.v[j]);
		if (c->by_caller)
			strbuf_addstr(&sb, ", by caller");
		for (j = 0; j < c->balance.n; j++)
			strbuf_addf(&sb, "%s%s", j ? " " : ", balance ", c->balance.v[j]);
		strlist_add(&p->analyses, sb.buf);
	}
	for (i = 0; i < r->nbalances; i++) {
		const struct tb_recipe_balance *bl = &r->balances[i];

		strbuf_reset(&sb);
		strbuf_addf(&sb, "balance %s: get", bl->label ? bl->label : "");
		for (j = 0; j < bl->get.n; j++)
			strbuf_addf(&sb, " %s", bl->get.v[j]);
		strbuf_addstr(&sb, " <-> put");
		for (j = 0; j < bl->put.n; j++)
			strbuf_addf(&sb, " %s", bl->put.v[j]);
		strlist_add(&p->analyses, sb.buf);
	}
	if (r->growth && r->growth->enabled) {
		strbuf_reset(&sb);
		strbuf_addstr(&sb, "growth:");
		for (j = 0; j < r->growth->from.n; j++)
			strbuf_addf(&sb, " %s", r->growth->from.v[j]);
		if (r->growth->caches.n) {
			strbuf_addstr(&sb, "; focus");
			for (j = 0; j < r->growth->caches.n; j++)
				strbuf_addf(&sb, " %s", r->growth->caches.v[j]);
		}
		strlist_add(&p->analyses, sb.buf);
	}
	strbuf_release(&sb);
}

int plan_spec(struct plan_builder *b)
{
	const struct tb_recipe *r = b->r;
	struct tb_recipe *d = &b->p->spec;

	memset(d, 0, sizeof(*d));
	if (dup_str(&d->path, r->path) || dup_str(&d->name, r->name) ||
	    copy_kprobes(d, r) || copy_pairs(d, r) || copy_counts(d, r) ||
	    copy_balances(d, r) || copy_growth_snapshot(d, r))
		return tb_error("out of memory");
	if (b->slub_fell_back &&
	    (resolve_ref(d, "slub:alloc", &b->slub_alloc) || resolve_ref(d, "slub:free", &b->slub_free)))
		return tb_error("out of memory");
	describe_analyses(b->p, d);
	return 0;
}
