/*
 * result.c - builds the result model (result.h) from a finished analysis and
 * the run's facts, and frees it.  The model owns copies of everything, so a report
 * outlives its analysis and can equally be read back from JSON (json-read.c).
 *
 * Lost events: the larger of what the source told the run (tb_run_info) and what
 * reached the analysis through its sink is reported; per-CPU figures come from
 * tb_run_info when given, else from the sink.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/analysis-local.h"
#include "analyze/growth.h"
#include "analyze/result.h"
#include "analyze/trend.h"
#include "util/err.h"
#include "util/intern.h"
#include "util/strbuf.h"
#include "util/units.h"
#include "util/version.h"

struct tb_report *tb_report_alloc(void)
{
	return calloc(1, sizeof(struct tb_report));
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void tb_report_free(struct tb_report *rep)
{
	size_t i, j;

	if (!rep)
		return;
	free(rep->origin);
	free(rep->tool);
	free(rep->version);
	free(rep->kernel_release);
	free(rep->arch);
	free(rep->recipe);
	free(rep->source);
	strlist_clear(&rep->plan);
	strlist_clear(&rep->notes);
	free(rep->lost_per_cpu);
	for (i = 0; i < rep->npairs; i++) {
		struct tb_rpair *p = &rep->pairs[i];

		for (j = 0; j < p->nsites; j++) {
			struct tb_rsite *s = &p->sites[j];
			unsigned k;

			free(s->site);
			free(s->by);
			for (k = 0; k < s->nstack; k++)
				free(s->stack[k]);
			free(s->stack);
			tb_rsite_free_extras(s);
		}
		free(p->sites);
		free(p->label);
		free(p->alloc);
		free(p->free);
	}
	free(rep->pairs);
	for (i = 0; i < rep->ncounts; i++) {
		free(rep->counts[i].label);
		free(rep->counts[i].function);
		free(rep->counts[i].caller);
	}
	free(rep->counts);
	for (i = 0; i < rep->nevcounts; i++) {
		free(rep->evcounts[i].label);
		free(rep->evcounts[i].event);
	}
	free(rep->evcounts);
	for (i = 0; i < rep->nseen; i++)
		free(rep->seen[i].event);
	free(rep->seen);
	for (i = 0; i < rep->nverdicts; i++) {
		struct tb_rverdict *v = &rep->verdicts[i];

		free(v->label);
		free(v->a);
		free(v->b);
		for (j = 0; j < v->ncallers; j++)
			free(v->callers[j].caller);
		free(v->callers);
	}
	free(rep->verdicts);
	for (i = 0; i < rep->nbals; i++) {
		struct tb_rbal *b = &rep->bals[i];

		free(b->label);
		free(b->get);
		free(b->put);
		for (j = 0; j < b->nsites; j++) {
			unsigned k;

			free(b->sites[j].site);
			for (k = 0; k < b->sites[j].nstack; k++)
				free(b->sites[j].stack[k]);
			free(b->sites[j].stack);
		}
		free(b->sites);
	}
	free(rep->bals);
	tb_rgrowth_free(rep->growth);
	free(rep);
}

/* ---- pairs ----------------------------------------------------------------------- */

/* Copies of the frames of stack id (none for 0). */
static int copy_frames(struct tb_analysis *an, uint32_t id, char ***out, unsigned *n)
{
	unsigned k, depth = tb_stacks_depth(an->stacks, id);

	*n = 0;
	if (!depth)
		return 0;
	*out = calloc(depth, sizeof(**out));
	if (!*out)
		return -1;
	for (k = 0; k < depth; k++) {
		const char *f = tb_stacks_frame(an->stacks, id, k);

		(*out)[k] = strdup(f ? f : "?");
		if (!(*out)[k])
			return -1;
		*n = k + 1;
	}
	return 0;
}

void tb_rsite_free_extras(struct tb_rsite *s)
{
	size_t i;

	free(s->trend.t_ns);
	free(s->trend.count);
	free(s->trend.bytes);
	free(s->why);
	for (i = 0; i < s->ntasks; i++)
		free(s->tasks[i].comm);
	free(s->tasks);
	free(s->addrs);
}

/* What the report needs of a group before it is ranked. */
struct gview {
	size_t g;			/* index into p->groups */
	uint64_t count, bytes, req;	/* outstanding (of the objects older than --older) */
	uint64_t oldest, median;	/* allocation times (events' clock); UINT64_MAX none */
	uint64_t certain;
	size_t first, n;		/* its objects in the sorted view */
	struct tb_rtrend trend;
	struct tb_trend_verdict v;
};

/* Steady growth first (fastest in bytes, then objects), then plateau, churn, too short;
 * within each by outstanding bytes, then count, then site. */
static const struct tb_pair_group *sort_groups_base;

static int cmp_gview(const void *a, const void *b)
{
	const struct gview *x = a, *y = b;

	if (x->v.v != y->v.v)
		return x->v.v < y->v.v ? -1 : 1;
	if (x->v.v == TB_V_GROWS) {
		if (x->v.bytes_h != y->v.bytes_h)
			return x->v.bytes_h > y->v.bytes_h ? -1 : 1;
		if (x->v.objects_h != y->v.objects_h)
			return x->v.objects_h > y->v.objects_h ? -1 : 1;
	}
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(sort_groups_base[x->g].site, sort_groups_base[y->g].site);
}

/* 1 if every lost event has a known time, so objects allocated later are certain. */
static int loss_timed(const struct tb_report *rep, const struct tb_analysis *an)
{
	return !rep->lost_unknown && !an->lost_untimed && an->lost == rep->lost &&
		an->first_ts && (!rep->lost || an->last_lost_ts);
}

/*
 * The report's trend interval: --interval (as the grid may have coarsened it), else a
 * tenth of the span, at least 1 s, rounded up to a multiple of the grid's step.
 */
static uint64_t trend_interval(const struct tb_analysis *an, uint64_t span)
{
	uint64_t step = an->grid.step, want;

	if (!step)
		return 0;
	if (an->grid.asked)
		return step;
	want = span / 10 > 1000000000ULL ? span / 10 : 1000000000ULL;
	return (want + step - 1) / step * step;
}

/* The group's trend at the report's interval (points at multiples of it, then the end). */
static int group_trend(const struct tb_analysis *an, const struct tb_pair_group *g,
		       uint64_t interval, uint64_t span, struct tb_rtrend *t)
{
	uint64_t every, j, npts = 0, last_t = 0;
	size_t cap;

	memset(t, 0, sizeof(*t));
	/* no grid step: the events carried no usable time (one SLUB TRACE burst) */
	if (!interval || !g->series || !an->grid.n || !an->grid.step)
		return 0;
	every = interval / an->grid.step;
	cap = (size_t)((an->grid.n + every - 1) / every) + 1;
	t->t_ns = malloc(cap * sizeof(uint64_t));
	t->count = malloc(cap * sizeof(uint64_t));
	t->bytes = malloc(cap * sizeof(uint64_t));
	if (!t->t_ns || !t->count || !t->bytes)
		return -1;
	t->interval_ns = interval;
	for (j = 0; j < an->grid.n; j += every) {
		uint64_t c = 0, b = 0;

		if (j >= g->sfirst && j < (uint64_t)g->sfirst + g->sn) {
			c = g->series[2 * (j - g->sfirst)];
			b = g->series[2 * (j - g->sfirst) + 1];
		} else if (j >= (uint64_t)g->sfirst + g->sn) {
			c = g->count;
			b = g->bytes;
		}
		last_t = j * an->grid.step;
		t->t_ns[npts] = last_t;
		t->count[npts] = c;
		t->bytes[npts] = b;
		npts++;
	}
	/* the end of the run, when at least half an interval after the last point */
	if (span > last_t && span - last_t >= interval / 2 && npts < cap) {
		t->t_ns[npts] = span;
		t->count[npts] = g->count;
		t->bytes[npts] = g->bytes;
		npts++;
	}
	t->n = npts;
	return 0;
}

static int copy_tasks(const struct tb_pair_group *g, struct tb_rsite *s)
{
	size_t i, j;

	s->tasks = calloc(TB_GROUP_TASKS, sizeof(*s->tasks));
	if (!s->tasks)
		return -1;
	for (i = 0; i < TB_GROUP_TASKS && g->tasks[i].allocs; i++) {
		struct tb_rtask *t = &s->tasks[s->ntasks++];

		t->pid = g->tasks[i].pid;
		t->allocs = g->tasks[i].allocs;
		if (g->tasks[i].comm && !(t->comm = strdup(g->tasks[i].comm)))
			return -1;
	}
	/* most allocations first (insertion sort of at most TB_GROUP_TASKS) */
	for (i = 1; i < s->ntasks; i++)
		for (j = i; j > 0 && s->tasks[j].allocs > s->tasks[j - 1].allocs; j--) {
			struct tb_rtask tmp = s->tasks[j];

			s->tasks[j] = s->tasks[j - 1];
			s->tasks[j - 1] = tmp;
		}
	s->other_tasks = g->other_tasks;
	return 0;
}

static int build_pair(struct tb_report *rep, struct tb_analysis *an, struct tb_pair_an *p,
		      struct tb_rpair *rp)
{
	uint64_t after_ns = rep->lost ? an->last_lost_ts : 0;
	uint64_t span = an->grid.t0 && an->last_ts > an->grid.t0 ? an->last_ts - an->grid.t0 : 0;
	uint64_t interval = trend_interval(an, span), older = an->opts.older_ns;
	int timed = loss_timed(rep, an);
	struct tb_pobj_view *objs = NULL;
	struct gview *gv = NULL;
	size_t nobjs = 0, n = 0, i, o;
	int ret = -1;

	if (p->enomem)		/* its table work ran out of memory (tb_pair_sync) */
		return -1;
	rp->label = strdup(p->label);
	rp->alloc = strdup(p->alloc_desc);
	rp->free = strdup(p->free_desc);
	if (!rp->label || !rp->alloc || !rp->free)
		return -1;
	rp->allocs = p->allocs;
	rp->frees = p->frees;
	rp->unmatched_frees = p->unmatched_frees;
	rp->null_frees = p->null_frees;
	rp->failed_allocs = p->failed_allocs;
	rp->implicit_frees = p->implicit_frees;
	rp->cross_cpu_frees = p->cross_cpu_frees;
	rp->inversions = p->inversions;
	rp->hidden = p->hidden;
	rp->hashed = p->hashed;
	rp->nokey = p->nokey;
	rp->count = p->count;
	rp->bytes = p->bytes;
	rp->req = p->req_bytes;
	rp->bytes_per_object = tb_pair_bytes_per_object(p);
	rp->filtered = p->filtered;
	rp->untracked_allocs = p->untracked_allocs;
	rp->max_objects = p->max_objects;
	rp->untracked_groups = p->ngroups - p->tracked_groups;
	rp->older_ns = older;
	if (tb_pair_objects(p, &objs, &nobjs))
		goto out;
	gv = calloc(p->ngroups ? p->ngroups : 1, sizeof(*gv));
	if (!gv)
		goto out;
	/* objects are sorted by group, then age: one pass gives each group's figures */
	for (o = 0; o < nobjs; ) {
		size_t g = objs[o].group, from = o, k;
		struct gview *v = &gv[n];

		while (o < nobjs && objs[o].group == g)
			o++;
		v->g = g;
		v->oldest = v->median = UINT64_MAX;
		for (k = from; k < o; k++) {
			/* --older: only objects alive longer than D at the last event */
			if (older && !(an->last_ts > objs[k].t_ns &&
				       an->last_ts - objs[k].t_ns > older))
				continue;
			if (!v->count)
				v->first = k;
			v->count++;
			v->bytes += objs[k].bytes;
			if (objs[k].t_ns > after_ns)
				v->certain++;
		}
		if (!v->count) {
			rp->older_hidden += o - from;
			continue;
		}
		rp->older_hidden += (o - from) - v->count;
		v->n = v->count;
		v->oldest = objs[v->first].t_ns;
		v->median = objs[v->first + v->n / 2].t_ns;
		v->req = older ? v->bytes : p->groups[g].req;
		if (!older) {
			v->count = p->groups[g].count;
			v->bytes = p->groups[g].bytes;
		}
		n++;
	}
	for (i = 0; i < n; i++) {
		const struct tb_pair_group *g = &p->groups[gv[i].g];
		int64_t age = an->first_ts && gv[i].oldest != UINT64_MAX && an->last_ts > gv[i].oldest ?
			(int64_t)(an->last_ts - gv[i].oldest) : an->first_ts ? 0 : -1;

		if (group_trend(an, g, interval, span, &gv[i].trend))
			goto out;
		if (gv[i].trend.n)
			tb_trend_classify(gv[i].trend.t_ns, gv[i].trend.count, gv[i].trend.bytes,
					  gv[i].trend.n, age, &gv[i].v);
		else
			tb_trend_classify(NULL, NULL, NULL, 0, age, &gv[i].v);
		if (g->untracked)
			snprintf(gv[i].v.why, sizeof(gv[i].v.why),
				 "no trend kept: past the cap of %d groups with a trend",
				 TB_TREND_MAX_GROUPS);
	}
	rp->groups = n;
	sort_groups_base = p->groups;
	qsort(gv, n, sizeof(*gv), cmp_gview);
	rp->sites = calloc(n ? (n > TB_REPORT_MAX_SITES ? TB_REPORT_MAX_SITES : n) : 1,
			   sizeof(*rp->sites));
	if (!rp->sites)
		goto out;
	if (older) {
		rp->count = rp->bytes = rp->req = 0;
		for (i = 0; i < n; i++) {
			rp->count += gv[i].count;
			rp->bytes += gv[i].bytes;
			rp->req += gv[i].req;
		}
	}
	for (i = 0; i < n && i < TB_REPORT_MAX_SITES; i++) {
		struct gview *v = &gv[i];
		const struct tb_pair_group *g = &p->groups[v->g];
		struct tb_rsite *s = &rp->sites[rp->nsites++];
		size_t k;

		s->site = strdup(g->site);
		s->by = dup_or_null(g->by);
		if (!s->site || (g->by && !s->by))
			goto out;
		s->count = v->count;
		s->bytes = v->bytes;
		s->req = v->req;
		s->allocs = g->allocs;
		s->frees = g->frees;
		s->implicit = g->implicit;
		/* ages at the last event, in ns (an allocation stamped after it: age 0) */
		s->oldest_ns = an->first_ts ? (an->last_ts > v->oldest ?
			(int64_t)(an->last_ts - v->oldest) : 0) : -1;
		s->median_ns = an->first_ts ? (an->last_ts > v->median ?
			(int64_t)(an->last_ts - v->median) : 0) : -1;
		/* no loss: every object is certain; else those allocated after the loss */
		s->certain = !rep->lost && !rep->lost_unknown ? (int64_t)v->count :
			timed ? (int64_t)v->certain : -1;
		s->trend = v->trend;
		memset(&v->trend, 0, sizeof(v->trend));
		s->verdict = v->v.v;
		s->objects_h = v->v.objects_h;
		s->bytes_h = v->v.bytes_h;
		if (!(s->why = strdup(v->v.why)))
			goto out;
		if (copy_tasks(g, s))
			goto out;
		if (an->opts.addresses) {
			size_t want = v->n < an->opts.addresses ? v->n : an->opts.addresses;

			s->addrs_listed = 1;
			s->addrs = malloc((want ? want : 1) * sizeof(*s->addrs));
			if (!s->addrs)
				goto out;
			for (k = v->first; k < v->first + v->n && s->naddrs < want; k++) {
				if (older && !(an->last_ts > objs[k].t_ns &&
					       an->last_ts - objs[k].t_ns > older))
					continue;
				s->addrs[s->naddrs++] = objs[k].key;
			}
			s->addrs_omitted = v->count - s->naddrs;
		}
		if (copy_frames(an, g->stack, &s->stack, &s->nstack))
			goto out;
	}
	ret = 0;
out:
	for (i = 0; gv && i < n; i++) {
		free(gv[i].trend.t_ns);
		free(gv[i].trend.count);
		free(gv[i].trend.bytes);
	}
	free(gv);
	free(objs);
	return ret;
}

/* ---- counts, verdicts, balances -------------------------------------------------- */

/* Functions by total calls, each one's total row first, then its callers by calls. */
static int cmp_count(const void *a, const void *b)
{
	const struct tb_rcount *x = a, *y = b;
	int c;

	if (x->fn_total != y->fn_total)
		return x->fn_total > y->fn_total ? -1 : 1;
	c = strcmp(x->function, y->function);
	if (c)
		return c;
	if (!x->caller || !y->caller)
		return x->caller ? 1 : y->caller ? -1 : 0;
	if (x->calls != y->calls)
		return x->calls > y->calls ? -1 : 1;
	return strcmp(x->caller, y->caller);
}

static int build_counts(struct tb_report *rep, struct tb_count_an *c)
{
	size_t i, n = 0, ne = 0;
	void *nv;

	for (i = 0; i < c->fmap.cap; i++)
		n += ((const struct tb_pmap_rec *)tb_otab_slot(&c->fmap, i))->h != 0;
	for (i = 0; i < c->emap.cap; i++)
		ne += ((const struct tb_pmap_rec *)tb_otab_slot(&c->emap, i))->h != 0;
	nv = realloc(rep->counts, (rep->ncounts + n + 1) * sizeof(*rep->counts));
	if (!nv)
		return -1;
	rep->counts = nv;
	nv = realloc(rep->evcounts, (rep->nevcounts + ne + 1) * sizeof(*rep->evcounts));
	if (!nv)
		return -1;
	rep->evcounts = nv;
	n = rep->ncounts;
	for (i = 0; i < c->fmap.cap; i++) {
		const struct tb_pmap_rec *r = tb_otab_slot(&c->fmap, i);
		struct tb_rcount *rc;

		if (!r->h)
			continue;
		rc = &rep->counts[rep->ncounts++];
		memset(rc, 0, sizeof(*rc));
		rc->label = strdup(c->label);
		rc->function = strdup(r->a);
		rc->caller = r->b ? strdup(r->b) : NULL;
		rc->calls = r->val;
		rc->fn_total = r->b ? tb_pmap_get(&c->fmap, r->a, NULL, 0, 0)->val : r->val;
		if (!rc->label || !rc->function || (r->b && !rc->caller))
			return -1;
	}
	qsort(rep->counts + n, rep->ncounts - n, sizeof(*rep->counts), cmp_count);
	for (i = 0; i < c->emap.cap; i++) {
		const struct tb_pmap_rec *r = tb_otab_slot(&c->emap, i);
		struct tb_revent *re;
		struct strbuf sb = STRBUF_INIT;

		if (!r->h)
			continue;
		re = &rep->evcounts[rep->nevcounts++];
		memset(re, 0, sizeof(*re));
		strbuf_addf(&sb, "%s:%s", (const char *)r->a, (const char *)r->b);
		re->event = strbuf_detach(&sb, NULL);
		re->label = strdup(c->label);
		re->count = r->val;
		if (!re->label || !re->event)
			return -1;
	}
	return 0;
}

static int add_caller(struct tb_rverdict *v, const char *caller, uint64_t a, uint64_t b)
{
	struct tb_rcaller *nc;
	size_t i;

	for (i = 0; i < v->ncallers; i++) {
		if (!strcmp(v->callers[i].caller, caller)) {
			v->callers[i].a_calls += a;
			v->callers[i].b_calls += b;
			return 0;
		}
	}
	nc = realloc(v->callers, (v->ncallers + 1) * sizeof(*nc));
	if (!nc)
		return -1;
	v->callers = nc;
	nc[v->ncallers].caller = strdup(caller);
	nc[v->ncallers].a_calls = a;
	nc[v->ncallers].b_calls = b;
	if (!nc[v->ncallers].caller)
		return -1;
	v->ncallers++;
	return 0;
}

static int cmp_caller(const void *a, const void *b)
{
	const struct tb_rcaller *x = a, *y = b;
	uint64_t sx = x->a_calls + x->b_calls, sy = y->a_calls + y->b_calls;

	if (sx != sy)
		return sx > sy ? -1 : 1;
	return strcmp(x->caller, y->caller);
}

static const char *func_part(const char *what)
{
	return strncmp(what, "function:", 9) ? what : what + 9;
}

/*
 * Where "A:B" splits when A or B is itself "sys:event" or "function:F":
 * one colon -> there; three -> the second; two -> the second, unless the text after
 * the first colon is "function:..."/"kprobe:..." (then the first).
 */
static const char *split_point(const char *spec)
{
	const char *c1 = strchr(spec, ':'), *c2, *c3;

	if (!c1)
		return NULL;
	c2 = strchr(c1 + 1, ':');
	if (!c2)
		return c1;
	c3 = strchr(c2 + 1, ':');
	if (c3)
		return c2;
	if (!strncmp(c1 + 1, "function:", 9) || !strncmp(c1 + 1, "kprobe:", 7))
		return c1;
	return c2;
}

static int build_verdicts(struct tb_report *rep, struct tb_count_an *c)
{
	size_t i, j;

	for (i = 0; i < c->balance.n; i++) {
		const char *spec = c->balance.v[i], *colon;
		struct tb_rverdict *v, *nv;
		const char *fa, *fb;

		/* "A:B" where A or B may themselves be "sys:event": split at the middle colon. */
		colon = split_point(spec);
		if (!colon)
			continue;
		nv = realloc(rep->verdicts, (rep->nverdicts + 1) * sizeof(*nv));
		if (!nv)
			return -1;
		rep->verdicts = nv;
		v = &rep->verdicts[rep->nverdicts++];
		memset(v, 0, sizeof(*v));
		v->label = strdup(c->label);
		v->a = strndup(spec, (size_t)(colon - spec));
		v->b = strdup(colon + 1);
		if (!v->label || !v->a || !v->b)
			return -1;
		v->a_calls = tb_count_calls(c, v->a);
		v->b_calls = tb_count_calls(c, v->b);
		fa = tb_intern(func_part(v->a));
		fb = tb_intern(func_part(v->b));
		for (j = 0; j < c->fmap.cap; j++) {
			const struct tb_pmap_rec *r = tb_otab_slot(&c->fmap, j);

			if (!r->h || !r->b)
				continue;
			if (r->a == fa && add_caller(v, r->b, r->val, 0))
				return -1;
			if (r->a == fb && add_caller(v, r->b, 0, r->val))
				return -1;
		}
		if (v->ncallers)
			qsort(v->callers, v->ncallers, sizeof(*v->callers), cmp_caller);
	}
	return 0;
}

static int cmp_bsite(const void *a, const void *b)
{
	const struct tb_rbsite *x = a, *y = b;

	if (x->objects != y->objects)
		return x->objects > y->objects ? -1 : 1;
	if (x->refs != y->refs)
		return x->refs > y->refs ? -1 : 1;
	return strcmp(x->site, y->site);
}

static int build_balance(struct tb_analysis *an, struct tb_balance_an *b, struct tb_rbal *rb)
{
	size_t i;

	rb->label = strdup(b->label);
	rb->get = strdup(b->get_desc);
	rb->put = strdup(b->put_desc);
	if (!rb->label || !rb->get || !rb->put)
		return -1;
	rb->gets = b->gets;
	rb->puts = b->puts;
	rb->held_objects = b->held_objects;
	rb->held_refs = b->held_refs;
	rb->unmatched_puts = b->unmatched_puts;
	rb->hidden = b->hidden;
	rb->nokey = b->nokey;
	rb->sites = calloc(b->nsites ? b->nsites : 1, sizeof(*rb->sites));
	if (!rb->sites)
		return -1;
	for (i = 0; i < b->nsites; i++) {
		struct tb_rbsite *s = &rb->sites[rb->nsites++];

		s->site = strdup(b->sites[i].site);
		if (!s->site || copy_frames(an, b->sites[i].stack, &s->stack, &s->nstack))
			return -1;
		s->objects = b->sites[i].held_objects;
		s->refs = b->sites[i].held_refs;
		s->gets = b->sites[i].gets;
		s->puts = b->sites[i].puts;
	}
	qsort(rb->sites, rb->nsites, sizeof(*rb->sites), cmp_bsite);
	return 0;
}

/* ---- growth ------------------------------------------------------------------------- */

int tb_rgrowth_has_result(const struct tb_rgrowth *g)
{
	int k;

	for (k = 0; g && k < TB_PROC_KINDS; k++)
		if (g->snapshots[k] >= 2)
			return 1;
	return 0;
}

int64_t tb_rcache_obj_bytes(const struct tb_rcache *c)
{
	return c->d_active * (int64_t)c->objsize;
}

int tb_rcache_cmp_growth(const void *a, const void *b)
{
	const struct tb_rcache *x = a, *y = b;
	int64_t bx = tb_rcache_obj_bytes(x), by = tb_rcache_obj_bytes(y);

	if (bx != by)
		return bx < by ? 1 : -1;
	if (x->d_size != y->d_size)
		return x->d_size < y->d_size ? 1 : -1;
	return strcmp(x->name, y->name);
}

int tb_rcache_cmp_size(const void *a, const void *b)
{
	const struct tb_rcache *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return strcmp(x->name, y->name);
}

int tb_rcache_charted(const struct tb_rcache *c)
{
	return tb_rcache_obj_bytes(c) > 0 || c->focus;
}

struct tb_rgrowth *tb_rgrowth_alloc(void)
{
	struct tb_rgrowth *g = calloc(1, sizeof(*g));

	if (g)
		g->compaction = -1;
	return g;
}

static void free_vm(struct tb_rvm *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].key);
	free(v);
}

void tb_rgrowth_free(struct tb_rgrowth *g)
{
	size_t i, j;

	if (!g)
		return;
	for (i = 0; i < g->ncaches; i++) {
		free(g->caches[i].name);
		for (j = 0; j < g->caches[i].naliases; j++)
			free(g->caches[i].aliases[j]);
		free(g->caches[i].aliases);
		free(g->caches[i].series);
	}
	free(g->caches);
	for (i = 0; i < g->nmem; i++) {
		free(g->mem[i].key);
		free(g->mem[i].series);
	}
	free(g->mem);
	free(g->slab_pts.snap);
	free(g->slab_pts.t_ns);
	free(g->mem_pts.snap);
	free(g->mem_pts.t_ns);
	free_vm(g->vmstat, g->nvmstat);
	free_vm(g->vmrows, g->nvmrows);
	for (i = 0; i < g->nzones; i++) {
		free(g->zones[i].zone);
		free(g->zones[i].free);
		free(g->zones[i].delta);
	}
	free(g->zones);
	free(g->format);
	free(g);
}

/* 1 if event "sys:name" is one of the space-separated list. */
static int in_list(const char *list, const char *ev, size_t len)
{
	const char *p = list;

	while (p && *p) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n == len && !strncmp(p, ev, len))
			return 1;
		p += n;
	}
	return 0;
}

/*
 * Malformed lines that could have been events of lists a or b: an unread entry
 * "sys:x|y" counts once if any of sys:x, sys:y is in a list.
 */
static uint64_t unread_of(const struct tb_run_info *info, const char *a, const char *b)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < info->nunread; i++) {
		const char *ev = info->unread[i].event, *colon = strchr(ev, ':');
		const char *alt;
		char one[256];

		if (!colon || (size_t)(colon - ev) >= sizeof(one) - 1)
			continue;
		for (alt = colon + 1; *alt; ) {
			size_t sl = (size_t)(colon - ev) + 1, al = strcspn(alt, "|");

			if (sl + al < sizeof(one)) {
				memcpy(one, ev, sl);
				memcpy(one + sl, alt, al);
				if (in_list(a, one, sl + al) || in_list(b, one, sl + al)) {
					n += info->unread[i].n;
					break;
				}
			}
			alt += al;
			alt += *alt == '|';
		}
	}
	return n;
}

/*
 * How many of count outstanding objects may be wrong: each lost event, each
 * malformed line that could have been one of the analysis' events and each event
 * without a usable key may be the release of one of them (all of them when the loss
 * count is unknown).  An upper bound.
 */
static uint64_t uncertain_of(const struct tb_report *rep, uint64_t count, uint64_t unread,
			     uint64_t nokey)
{
	uint64_t n = rep->lost + unread + nokey;

	if (rep->lost_unknown || n > count)
		return count;
	return n;
}

static void add_uncertainty(struct tb_report *rep, const struct tb_run_info *info)
{
	size_t i;

	for (i = 0; i < rep->npairs; i++) {
		struct tb_rpair *p = &rep->pairs[i];

		p->unread = unread_of(info, p->alloc, p->free);
		p->uncertain = uncertain_of(rep, p->count, p->unread, p->nokey);
	}
	for (i = 0; i < rep->nbals; i++) {
		struct tb_rbal *b = &rep->bals[i];

		b->unread = unread_of(info, b->get, b->put);
		b->uncertain = uncertain_of(rep, b->held_objects, b->unread, b->nokey);
	}
}

static int cmp_seen(const void *a, const void *b)
{
	const struct tb_revent *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->event, y->event);
}

/* The events of the input by name, most frequent first. */
static int build_seen(struct tb_report *rep, const struct tb_analysis *an)
{
	unsigned i;

	rep->seen_known = 1;
	if (!an->nseen)
		return 0;
	rep->seen = calloc(an->nseen, sizeof(*rep->seen));
	if (!rep->seen)
		return -1;
	for (i = 0; i < an->nseen; i++) {
		const struct tb_seen_ev *e = &an->seen[i];
		struct tb_revent *r = &rep->seen[rep->nseen];
		size_t len = strlen(e->name) + (e->system ? strlen(e->system) + 1 : 0) + 1;

		r->event = malloc(len);
		if (!r->event)
			return -1;
		snprintf(r->event, len, "%s%s%s", e->system ? e->system : "",
			 e->system ? ":" : "", e->name);
		r->count = e->n;
		rep->nseen++;
	}
	qsort(rep->seen, rep->nseen, sizeof(*rep->seen), cmp_seen);
	return 0;
}

int tb_rpair_saw_events(const struct tb_rpair *p)
{
	return p->allocs || p->frees || p->unmatched_frees || p->null_frees ||
	       p->failed_allocs || p->implicit_frees || p->hidden || p->nokey || p->count;
}

int tb_rverdict_saw_events(const struct tb_rverdict *v)
{
	return v->a_calls || v->b_calls;
}

int tb_rbal_saw_events(const struct tb_rbal *b)
{
	return b->gets || b->puts || b->unmatched_puts || b->hidden || b->nokey ||
	       b->held_objects;
}

int tb_report_no_verdict(const struct tb_report *rep)
{
	size_t i;

	/* no recipe: the analyses come from the data; snapshots: growth is a result */
	if (!rep->recipe || rep->growth || rep->nevcounts)
		return 0;
	for (i = 0; i < rep->npairs; i++)
		if (tb_rpair_saw_events(&rep->pairs[i]))
			return 0;
	for (i = 0; i < rep->nverdicts; i++)
		if (tb_rverdict_saw_events(&rep->verdicts[i]))
			return 0;
	for (i = 0; i < rep->nbals; i++)
		if (tb_rbal_saw_events(&rep->bals[i]))
			return 0;
	for (i = 0; i < rep->ncounts; i++)
		if (rep->counts[i].calls)
			return 0;
	return 1;
}

static int build_growth(struct tb_report *rep, struct tb_analysis *an)
{
	if (!an->growth || !tb_growth_has_result(an->growth))
		return 0;
	rep->growth = tb_growth_result(an->growth);
	return rep->growth ? 0 : -1;
}

/* ---- the report ---------------------------------------------------------------------- */

static int pair_has_data(const struct tb_pair_an *p)
{
	return p->allocs || p->frees || p->hidden || p->nokey || p->null_frees || p->failed_allocs;
}

static int copy_list(struct strlist *dst, const struct strlist *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		if (strlist_add(dst, src->v[i]))
			return -1;
	return 0;
}

static int add_notes(struct tb_report *rep, struct tb_analysis *an)
{
	struct strbuf sb = STRBUF_INIT;
	const char *why = tb_symbols_problem(an->syms);
	size_t i;
	int r = 0;

	if (why && strlist_add(&rep->notes, why))
		return -1;
	if (an->optprobe_stacks) {
		strbuf_addf(&sb, "%" PRIu64 " stacks unusable (optimized kprobe): each was only "
			    "kprobe_optinsn_page [__builtin__kprobes] (the unwinder cannot leave an "
			    "optimized probe's detour buffer on 32-bit ARM); those events are not "
			    "grouped by a creation site (echo 0 > /proc/sys/debug/kprobes-optimization "
			    "gives real stacks)", an->optprobe_stacks);
		r |= strlist_add(&rep->notes, strbuf_str(&sb));
		strbuf_reset(&sb);
	}
	for (i = 0; i < rep->npairs; i++) {
		const struct tb_rpair *p = &rep->pairs[i];

		if (p->hidden) {
			strbuf_addf(&sb, "%s: %" PRIu64 " events cannot pair: pointers hidden by "
				    "the kernel", p->label, p->hidden);
			r |= strlist_add(&rep->notes, strbuf_str(&sb));
			strbuf_reset(&sb);
		}
		if (p->hashed) {
			strbuf_addf(&sb, "%s: pointers are 32-bit hashes (hash-ptr): distinct "
				    "objects can collide, so a few pairs may be wrong; raw capture "
				    "or hash-ptr=0 gives real addresses", p->label);
			r |= strlist_add(&rep->notes, strbuf_str(&sb));
			strbuf_reset(&sb);
		}
	}
	strbuf_release(&sb);
	return r ? -1 : 0;
}

long tb_report_name_tasks(struct tb_report *rep, const char *(*comm_of)(void *ctx, int32_t pid),
			  void *ctx)
{
	size_t i, j, k;
	long named = 0;

	for (i = 0; i < rep->npairs; i++)
		for (j = 0; j < rep->pairs[i].nsites; j++) {
			struct tb_rsite *s = &rep->pairs[i].sites[j];

			for (k = 0; k < s->ntasks; k++) {
				const char *c;

				if (s->tasks[k].comm || s->tasks[k].pid <= 0 ||
				    !(c = comm_of(ctx, s->tasks[k].pid)))
					continue;
				s->tasks[k].comm = strdup(c);
				if (!s->tasks[k].comm)
					return -1;
				named++;
			}
		}
	return named;
}

struct tb_report *tb_report_build(struct tb_analysis *an, const struct tb_run_info *info)
{
	struct tb_report *rep = tb_report_alloc();
	struct tb_run_info none;
	size_t i;

	memset(&none, 0, sizeof(none));
	if (!info)
		info = &none;
	if (!rep)
		goto nomem;
	if (info->partial)
		tb_analysis_checkpoint(an);
	else
		tb_analysis_finish(an);
	rep->partial = info->partial;
	rep->tool = strdup("tracebook");
	rep->version = strdup(TB_VERSION);
	rep->kernel_release = dup_or_null(info->kernel_release);
	rep->arch = dup_or_null(info->arch);
	rep->recipe = dup_or_null(info->recipe ? info->recipe : an->recipe_name);
	rep->source = dup_or_null(info->source);
	if (!rep->tool || !rep->version || copy_list(&rep->plan, &info->plan_summary) ||
	    copy_list(&rep->notes, &info->notes))
		goto nomem;
	if (info->duration_ns)
		rep->duration_ns = info->duration_ns;
	else if (an->last_ts > an->first_ts)
		rep->duration_ns = an->last_ts - an->first_ts;
	rep->events = info->events > an->events ? info->events : an->events;
	rep->lost = info->lost > an->lost ? info->lost : an->lost;
	rep->lost_unknown = info->lost_unknown || an->lost_unknown;
	if (info->ncpus && info->lost_per_cpu) {
		rep->ncpus = info->ncpus;
		rep->lost_per_cpu = malloc(info->ncpus * sizeof(uint64_t));
		if (!rep->lost_per_cpu)
			goto nomem;
		memcpy(rep->lost_per_cpu, info->lost_per_cpu, info->ncpus * sizeof(uint64_t));
	} else if (an->nlost_cpu) {
		rep->ncpus = an->nlost_cpu;
		rep->lost_per_cpu = malloc(an->nlost_cpu * sizeof(uint64_t));
		if (!rep->lost_per_cpu)
			goto nomem;
		memcpy(rep->lost_per_cpu, an->lost_cpu, an->nlost_cpu * sizeof(uint64_t));
	}

	rep->lost_from_s = rep->lost_to_s = -1;
	if (rep->lost && loss_timed(rep, an)) {
		rep->lost_from_s = an->first_lost_ts > an->first_ts ?
			(double)(an->first_lost_ts - an->first_ts) / 1e9 : 0;
		rep->lost_to_s = an->last_lost_ts > an->first_ts ?
			(double)(an->last_lost_ts - an->first_ts) / 1e9 : 0;
	}
	rep->pairs = calloc(an->npairs ? an->npairs : 1, sizeof(*rep->pairs));
	rep->bals = calloc(an->nbals ? an->nbals : 1, sizeof(*rep->bals));
	if (!rep->pairs || !rep->bals)
		goto nomem;
	if (an->npairs && an->grid.t0)
		rep->interval_ns = trend_interval(an, an->last_ts > an->grid.t0 ?
						  an->last_ts - an->grid.t0 : 0);
	rep->coarsened = an->grid.coarsened;
	for (i = 0; i < an->npairs; i++) {
		if (an->automatic && !pair_has_data(&an->pairs[i]))
			continue;
		if (build_pair(rep, an, &an->pairs[i], &rep->pairs[rep->npairs++]))
			goto nomem;
	}
	for (i = 0; i < an->ncounts; i++) {
		if (build_counts(rep, &an->counts[i]) || build_verdicts(rep, &an->counts[i]))
			goto nomem;
	}
	for (i = 0; i < an->nbals; i++)
		if (build_balance(an, &an->bals[i], &rep->bals[rep->nbals++]))
			goto nomem;
	if (build_growth(rep, an) || add_notes(rep, an) || build_seen(rep, an))
		goto nomem;
	add_uncertainty(rep, info);
	return rep;
nomem:
	tb_report_free(rep);
	tb_error("out of memory building the report");
	return NULL;
}
