/*
 * pair.c - the pair analyzer: allocations matched with frees by key (pointer, pfn,
 * object id) -> outstanding objects per group (call site, stack, `by` field), with
 * the facts that bound its confidence: frees of objects allocated before the run,
 * frees on another CPU, implicit frees (an allocation at a pointer still live: the
 * old object was freed without an event, e.g. maple-tree bulk frees), NULL frees,
 * hidden/hashed pointers, and small cross-CPU timestamp inversions (a free merged
 * just before its own allocation).
 *
 * Memory: one 24-byte record per outstanding object in an open-addressing table
 * whose load stays between 3/8 and 3/4, i.e. 32..64 bytes per outstanding object
 * (bench/pair-mem.c measures it).
 */
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"
#include "util/compiler.h"
#include "analyze/analysis-local.h"
#include "util/intern.h"
#include "util/strbuf.h"
#include "util/strlist.h"

/* A free merged at most this long before its allocation (other CPU) is an inversion. */
#define TB_PAIR_SKEW_NS TB_AN_SKEW_NS
/* Frees waiting for a late allocation, at most. */
#define TB_PAIR_FIFO 4096

/*
 * One outstanding object: 24 bytes.  Its allocation time is nanoseconds since
 * p->ts_base, shifted right by p->ts_shift: the shift starts at 0 (exact ns) and
 * grows only when a run outlasts 2^32 of its units (4.3 s at 0; 50 days at 20, then
 * ~1 ms units), so an age never saturates and keeps 32 bits of the run's span.
 */
struct tb_pobj {
	uint64_t key;
	uint32_t ts;		/* allocation time: (ns - ts_base) >> ts_shift */
	uint32_t group;
	uint32_t bytes;		/* size field (saturated) */
	uint16_t slack;		/* bytes - requested (saturated) */
	uint16_t cpu;
};

_Static_assert(sizeof(struct tb_pobj) == 24, "outstanding-object record must stay 24 bytes");

struct early_rec {
	uint64_t key;
	uint64_t ts;
	int32_t cpu;
	uint32_t pad;
};

struct tb_pair_early {
	uint64_t key, ts;
};

static const char *intern_or(const char *s, const char *def)
{
	if (s && *s)
		return tb_intern(s);
	return def ? tb_intern(def) : NULL;
}

int tb_pair_init(struct tb_pair_an *p, const struct tb_recipe_pair *spec)
{
	memset(p, 0, sizeof(*p));
	p->label = intern_or(spec->label, "pair");
	p->alloc_desc = strlist_join(&spec->alloc, " ");
	p->free_desc = strlist_join(&spec->free, " ");
	p->alloc_key = intern_or(spec->alloc_key, "ptr");
	p->free_key = intern_or(spec->free_key, spec->alloc_key ? spec->alloc_key : "ptr");
	p->size = intern_or(spec->size, NULL);
	p->req_field = intern_or(spec->requested, NULL);
	p->by = intern_or(spec->by, NULL);
	p->group_flags = spec->group;	/* 0: "none" (only by `by`) */
	p->all_sites = tb_intern("(all sites)");
	p->size_is_order = p->size && !strcmp(p->size, "order");
	p->by_cache = p->by && !strcmp(p->by, "cache");
	tb_otab_init(&p->csize, sizeof(struct tb_pmap_rec));
	/* decided once here, not per event (key_of runs for every allocation and free) */
	p->alloc_base = p->alloc_key && strstr(p->alloc_key, "pfn") ? 10 : 16;
	p->free_base = p->free_key && strstr(p->free_key, "pfn") ? 10 : 16;
	p->alloc_is_pfn = p->alloc_key && !strcmp(p->alloc_key, "pfn");
	p->free_is_pfn = p->free_key && !strcmp(p->free_key, "pfn");
	tb_otab_init(&p->live, sizeof(struct tb_pobj));
	tb_otab_init(&p->early, sizeof(struct early_rec));
	tb_otab_init(&p->gidx, sizeof(struct tb_pmap_rec));
	p->fifo = malloc(TB_PAIR_FIFO * sizeof(*p->fifo));
	p->gmemo = calloc(TB_PAIR_GMEMO, sizeof(*p->gmemo));
	if (!p->label || !p->alloc_desc || !p->free_desc || !p->alloc_key || !p->free_key ||
	    !p->fifo || !p->gmemo || !p->all_sites)
		return -1;
	return 0;
}

void tb_pair_release(struct tb_pair_an *p)
{
	free(p->alloc_desc);
	free(p->free_desc);
	free(p->fifo);
	free(p->gmemo);
	while (p->ngroups)
		free(p->groups[--p->ngroups].series);
	free(p->groups);
	tb_otab_release(&p->live);
	tb_otab_release(&p->early);
	tb_otab_release(&p->gidx);
	tb_otab_release(&p->csize);
	memset(p, 0, sizeof(*p));
}

/* Halve the resolution of every kept allocation time (the run outgrew 32 bits). */
static void coarser_times(struct tb_pair_an *p)
{
	size_t i;

	p->ts_shift++;
	for (i = 0; i < p->live.cap; i++) {
		struct tb_pobj *o = tb_otab_slot(&p->live, i);

		if (o->key)
			o->ts >>= 1;
	}
}

/*
 * The allocation time to keep for an event at ts (0: no time, counted as the first
 * event's).  The base (p->ts_base, set by run_alloc) is the first event's time when
 * the first object is kept; an event older than that (a clock that went back) is kept
 * as the base.
 */
static uint32_t pair_time(struct tb_pair_an *p, uint64_t ts)
{
	uint64_t rel;

	if (!ts || ts < p->ts_base)
		return 0;
	rel = ts - p->ts_base;
	while (p->ts_shift < 63 && (rel >> p->ts_shift) > UINT32_MAX)
		coarser_times(p);
	return (uint32_t)(rel >> p->ts_shift);
}

static int64_t group_of(struct tb_analysis *an, struct tb_pair_an *p, const char *site,
			const char *by, uint32_t stack)
{
	struct tb_pmap_rec *r = tb_pmap_get(&p->gidx, site, by, stack, 1);
	struct tb_pair_group *g;

	if (!r)
		return -1;
	if (r->val)
		return (int64_t)r->val - 1;
	if (ALLOC_GROW(p->groups, p->ngroups + 1, p->agroups))
		return -1;
	g = &p->groups[p->ngroups];
	memset(g, 0, sizeof(*g));
	g->site = site;
	g->by = by;
	g->stack = stack;
	tb_grid_group_new(an, p, g);
	r->val = ++p->ngroups;
	return (int64_t)p->ngroups - 1;
}

static int32_t cpu_of(const struct tb_event *ev)
{
	return ev->cpu;
}

/* Drop the oldest waiting free; it is unmatched if still waiting. */
static void pop_early(struct tb_pair_an *p)
{
	struct tb_pair_early *f = &p->fifo[p->fifo_head];
	struct early_rec *e = tb_otab_find(&p->early, f->key);

	if (e && e->ts == f->ts) {
		p->unmatched_frees++;
		tb_otab_delete(&p->early, e);
	}
	p->fifo_head = (p->fifo_head + 1) % TB_PAIR_FIFO;
	p->fifo_n--;
}

/* Expire frees that waited longer than the skew allowance (all when all is set). */
static void expire(struct tb_pair_an *p, uint64_t now, int all)
{
	while (p->fifo_n) {
		const struct tb_pair_early *f = &p->fifo[p->fifo_head];

		if (!all && now && f->ts && f->ts + TB_PAIR_SKEW_NS >= now)
			break;
		pop_early(p);
	}
}

void tb_pair_flush(struct tb_pair_an *p)
{
	if (!tb_pair_sync(p))
		expire(p, 0, 1);
}

/*
 * The object key of ev from field name (parsed in base when text; is_pfn: the field
 * is "pfn"); 0 = ok, 1 = no usable key (counted).
 */
static inline int key_of(struct tb_pair_an *p, const struct tb_event *ev, const char *name,
			 int base, int is_pfn, unsigned *hint, uint64_t *key)
{
	if (ev->ptr_quality == TB_PTR_HIDDEN) {
		p->hidden++;
		return 1;
	}
	/*
	 * 3.10's mm_page_* events record the struct page pointer only (pfn is computed in
	 * their print format): in raw buffers the page pointer, one per pfn, is the key.
	 */
	if (tb_event_u64_hint(ev, name, hint, base, key) &&
	    (!is_pfn || tb_event_u64(ev, "page", 16, key))) {
		p->nokey++;
		return 1;
	}
	if (ev->ptr_quality == TB_PTR_HASHED)
		p->hashed++;
	return 0;
}

/*
 * The object size of a slab cache by its name alone: kmalloc-N, kmalloc-Nk and their
 * dma-/rcl-/cg- variants (the size is the name).  0 when the name does not say.
 */
uint32_t tb_cache_name_size(const char *name)
{
	const char *p = strrchr(name, '-');
	char *end;
	unsigned long v;

	if (!p || !strstr(name, "kmalloc-"))
		return 0;
	v = strtoul(p + 1, &end, 10);
	if (end == p + 1)
		return 0;
	if (*end == 'k' && !end[1])
		v *= 1024;
	else if (*end)
		return 0;
	return v <= UINT32_MAX ? (uint32_t)v : 0;
}

/*
 * A SLUB TRACE record has no size: a group by cache gets the cache's object size
 * (live: /sys/kernel/slab/CACHE/object_size; else from a kmalloc-N name), remembered
 * per interned cache name.  0 when unknown.
 */
static uint32_t cache_size(struct tb_analysis *an, struct tb_pair_an *p, const char *cache)
{
	struct tb_pmap_rec *r;
	uint32_t size = 0;

	if (!cache)
		return 0;
	r = tb_pmap_get(&p->csize, cache, NULL, 0, 1);
	if (!r)
		return 0;
	if (r->val)
		return (uint32_t)(r->val - 1);
	if (an->opts.live && !strchr(cache, '/')) {
		char path[300];
		FILE *f;
		unsigned long v;

		snprintf(path, sizeof(path), "%s/sys/kernel/slab/%s/object_size",
			 an->opts.sysroot ? an->opts.sysroot : "", cache);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%lu", &v) == 1 && v <= UINT32_MAX)
				size = (uint32_t)v;
			fclose(f);
		}
	}
	if (!size)
		size = tb_cache_name_size(cache);
	r->val = (uint64_t)size + 1;
	return size;
}

static void sizes_of(struct tb_analysis *an, struct tb_pair_an *p, const struct tb_event *ev,
		     const char *by, uint32_t *bytes, uint16_t *slack)
{
	uint64_t b = 0, r;

	*bytes = 0;
	*slack = 0;
	if (!p->size && !p->req_field && p->by_cache) {
		*bytes = cache_size(an, p, by);
		return;
	}
	if (p->size && !tb_event_u64_hint(ev, p->size, &p->h_size, 10, &b)) {
		if (p->size_is_order)
			b = b < 20 ? 4096ULL << b : 0;
		*bytes = b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
	}
	if (p->req_field && !tb_event_u64_hint(ev, p->req_field, &p->h_req, 10, &r)) {
		if (!p->size) {
			*bytes = r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
		} else if (r < *bytes) {
			uint64_t d = *bytes - r;

			*slack = d > UINT16_MAX ? UINT16_MAX : (uint16_t)d;
		}
	}
}

/* Count ev's task among the group's allocators (the first TB_GROUP_TASKS exactly). */
static void note_task(struct tb_pair_group *g, const struct tb_event *ev)
{
	unsigned i;

	for (i = 0; i < TB_GROUP_TASKS; i++) {
		struct tb_gtask *t = &g->tasks[i];

		if (!t->allocs) {
			t->pid = ev->pid;
			t->comm = ev->comm ? tb_intern(ev->comm) : NULL;
		} else if (t->pid != ev->pid || (ev->comm && t->comm && t->comm != ev->comm &&
						 strcmp(t->comm, ev->comm))) {
			continue;
		}
		t->allocs++;
		return;
	}
	g->other_tasks++;
}

static inline void drop_outstanding(struct tb_pair_an *p, const struct tb_pobj *o)
{
	struct tb_pair_group *g = &p->groups[o->group];
	uint64_t req = o->bytes - o->slack;

	g->count--;
	g->bytes -= o->bytes;
	g->req -= req;
	p->count--;
	p->bytes -= o->bytes;
	p->req_bytes -= req;
}

/*
 * The group of allocation ev (by: its `by` value, interned, or NULL); -1 on ENOMEM.
 * Grouped by site alone with the site in a numeric call_site field, the group is
 * remembered per (address, by) in p->gmemo (see analysis-local.h).
 */
static int64_t alloc_group(struct tb_analysis *an, struct tb_pair_an *p,
			   const struct tb_event *ev, const char *by)
{
	struct tb_pair_gmemo *m = NULL;
	const char *site;
	uint32_t stack = 0;
	uint64_t addr = 0;
	int64_t gi;

	if ((p->group_flags & (TB_GROUP_SITE | TB_GROUP_STACK)) == TB_GROUP_SITE &&
	    (addr = tb_an_site_addr(an, ev, &p->h_site)) != 0) {
		m = &p->gmemo[tb_hash_u64(addr ^ (uint64_t)(uintptr_t)by) & (TB_PAIR_GMEMO - 1)];
		if (m->addr == addr && m->by == by)
			return (int64_t)m->group;
	}
	/* Intern the stack only when it is grouped on or needed to find the site. */
	if (ev->stack.n && ((p->group_flags & TB_GROUP_STACK) ||
			    ((p->group_flags & TB_GROUP_SITE) && !tb_an_has_site_field(an, ev)))) {
		int64_t sid = tb_an_stack(an, ev);

		if (sid < 0)
			return -1;
		stack = (uint32_t)sid;
	}
	site = (p->group_flags & (TB_GROUP_SITE | TB_GROUP_STACK)) ?
		tb_an_site(an, ev, stack) : p->all_sites;
	if (!site)
		return -1;
	gi = group_of(an, p, site, by, (p->group_flags & TB_GROUP_STACK) ? stack : 0);
	if (gi >= 0 && m) {
		m->addr = addr;
		m->by = by;
		m->group = (uint64_t)gi;
	}
	return gi;
}

/* The table work of an allocation (see struct tb_pair_op); -1 on ENOMEM. */
static int run_alloc(struct tb_pair_an *p, const struct tb_pair_op *op)
{
	struct tb_pair_group *g = &p->groups[op->group];
	struct tb_pobj *o;
	int existed;

	if (p->fifo_n)
		expire(p, op->ts_ns, 0);
	if (p->early.n) {
		struct early_rec *e = tb_otab_find(&p->early, op->key);

		if (e) {
			if (e->cpu != op->cpu && e->cpu >= 0 && op->cpu >= 0 &&
			    op->ts_ns >= e->ts && op->ts_ns - e->ts <= TB_PAIR_SKEW_NS) {
				/* Its free was merged just before it: a matched pair. */
				g->frees++;
				p->inversions++;
				p->cross_cpu_frees++;
				tb_otab_delete(&p->early, e);
				return 0;
			}
			p->unmatched_frees++;
			tb_otab_delete(&p->early, e);
		}
	}

	if (p->live.n >= p->max_objects && !tb_otab_find(&p->live, op->key)) {
		/* the cap on tracked objects: counted, never silently dropped */
		p->untracked_allocs++;
		return 0;
	}
	o = tb_otab_insert(&p->live, op->key, &existed);
	if (!o)
		return -1;
	if (existed) {
		/* The pointer is live again: the old object was freed without an event. */
		p->groups[o->group].implicit++;
		p->implicit_frees++;
		drop_outstanding(p, o);
	}
	if (!p->ts_base)
		p->ts_base = op->first_ts ? op->first_ts : op->ts_ns;
	o->ts = pair_time(p, op->ts_ns);
	o->group = op->group;
	o->bytes = op->bytes;
	o->slack = op->slack;
	o->cpu = op->cpu < 0 ? UINT16_MAX : (uint16_t)op->cpu;
	g->count++;
	g->bytes += op->bytes;
	g->req += op->bytes - op->slack;
	p->count++;
	p->bytes += op->bytes;
	p->req_bytes += op->bytes - op->slack;
	if (p->count > p->peak_count)
		p->peak_count = p->count;
	if (tb_otab_bytes(&p->live) > p->peak_table_bytes)
		p->peak_table_bytes = tb_otab_bytes(&p->live);
	return 0;
}

/* The table work of a free (see struct tb_pair_op); -1 on ENOMEM. */
static int run_free(struct tb_pair_an *p, const struct tb_pair_op *op)
{
	struct tb_pobj *o;
	struct early_rec *e;
	int existed;

	if (p->fifo_n)
		expire(p, op->ts_ns, 0);
	o = tb_otab_find(&p->live, op->key);
	if (o) {
		uint16_t cpu = op->cpu < 0 ? UINT16_MAX : (uint16_t)op->cpu;

		p->groups[o->group].frees++;
		if (cpu != o->cpu && cpu != UINT16_MAX && o->cpu != UINT16_MAX)
			p->cross_cpu_frees++;
		drop_outstanding(p, o);
		tb_otab_delete(&p->live, o);
		return 0;
	}
	/* Allocated before the run, or its allocation comes a moment later (skew). */
	if (p->fifo_n == TB_PAIR_FIFO)
		pop_early(p);
	e = tb_otab_insert(&p->early, op->key, &existed);
	if (!e)
		return -1;
	if (existed)
		p->unmatched_frees++;	/* the earlier free stays unmatched */
	e->ts = op->ts_ns;
	e->cpu = op->cpu;
	p->fifo[(p->fifo_head + p->fifo_n) % TB_PAIR_FIFO].key = op->key;
	p->fifo[(p->fifo_head + p->fifo_n) % TB_PAIR_FIFO].ts = op->ts_ns;
	p->fifo_n++;
	return 0;
}

/* Run the oldest waiting table work; -1 on ENOMEM. */
static int run_oldest(struct tb_pair_an *p)
{
	const struct tb_pair_op *op = &p->ahead[p->ahead_head];

	p->ahead_head = (p->ahead_head + 1) % TB_PAIR_AHEAD;
	p->ahead_n--;
	if ((op->is_free ? run_free(p, op) : run_alloc(p, op)) < 0) {
		p->enomem = 1;
		return -1;
	}
	return 0;
}

int tb_pair_sync(struct tb_pair_an *p)
{
	while (p->ahead_n)
		if (run_oldest(p))
			return -1;
	return p->enomem ? -1 : 0;
}

/*
 * A new slot in the ring of waiting table work, its key's home slot prefetched; the
 * oldest work runs first when the ring is full.  NULL on ENOMEM.  Always inline into
 * its two callers (once per allocation and free): the call was 1.5 % of an
 * analysis' instructions.
 */
static TB_ALWAYS_INLINE struct tb_pair_op *queue(struct tb_pair_an *p, uint64_t key,
						 const struct tb_event *ev)
{
	const unsigned char *home;
	struct tb_pair_op *op;

	if (p->enomem || (p->ahead_n == TB_PAIR_AHEAD && run_oldest(p)))
		return NULL;
	home = tb_otab_home(&p->live, key);
	if (home) {
		/*
		 * The probe goes on into the next line (so does a record straddling two).
		 * That line may lie past the table's end: its address is made as a number,
		 * and a prefetch never faults.
		 */
		__builtin_prefetch(home, 1);
		__builtin_prefetch((const void *)((uintptr_t)home + 64), 1);
	}
	op = &p->ahead[(p->ahead_head + p->ahead_n++) % TB_PAIR_AHEAD];
	op->key = key;
	op->ts_ns = ev->ts_ns;
	op->cpu = cpu_of(ev);
	return op;
}

int tb_pair_alloc(struct tb_analysis *an, struct tb_pair_an *p, const struct tb_event *ev)
{
	const char *by = NULL;
	struct tb_pair_group *g;
	struct tb_pair_op *op;
	uint64_t key;
	uint32_t bytes;
	uint16_t slack;
	int64_t gi;

	if (!tb_an_wanted(an, ev)) {
		p->filtered++;
		return 0;
	}
	if (key_of(p, ev, p->alloc_key, p->alloc_base, p->alloc_is_pfn, &p->h_alloc_key, &key))
		return 0;
	if (!key) {
		p->failed_allocs++;
		return 0;
	}
	if (p->by)
		by = tb_an_field_str(ev, p->by);
	gi = alloc_group(an, p, ev, by);
	if (gi < 0)
		return -1;
	sizes_of(an, p, ev, by, &bytes, &slack);
	p->allocs++;
	g = &p->groups[gi];
	g->allocs++;
	note_task(g, ev);
	op = queue(p, key, ev);
	if (!op)
		return -1;
	op->first_ts = an->first_ts;
	op->group = (uint32_t)gi;
	op->bytes = bytes;
	op->slack = slack;
	op->is_free = 0;
	return 0;
}

int tb_pair_free(struct tb_analysis *an, struct tb_pair_an *p, const struct tb_event *ev)
{
	struct tb_pair_op *op;
	uint64_t key;

	(void)an;
	if (key_of(p, ev, p->free_key, p->free_base, p->free_is_pfn, &p->h_free_key, &key))
		return 0;
	if (!key) {
		p->null_frees++;
		return 0;
	}
	p->frees++;
	op = queue(p, key, ev);
	if (!op)
		return -1;
	op->is_free = 1;
	return 0;
}

int tb_pair_scan(const struct tb_pair_an *p, uint64_t after_ns, uint64_t **oldest,
		 uint64_t **certain)
{
	size_t n = p->ngroups ? p->ngroups : 1, i;
	uint64_t *v = malloc(n * sizeof(*v));
	uint64_t *c = calloc(n, sizeof(*c));

	*oldest = v;
	*certain = c;
	if (!v || !c)
		return -1;
	for (i = 0; i < p->ngroups; i++)
		v[i] = UINT64_MAX;
	for (i = 0; i < p->live.cap; i++) {
		const struct tb_pobj *o = tb_otab_slot(&p->live, i);
		uint64_t t;

		if (!o->key)
			continue;
		t = p->ts_base + ((uint64_t)o->ts << p->ts_shift);
		if (t < v[o->group])
			v[o->group] = t;
		if (t > after_ns)
			c[o->group]++;
	}
	return 0;
}

static int cmp_view(const void *a, const void *b)
{
	const struct tb_pobj_view *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->t_ns != y->t_ns)
		return x->t_ns < y->t_ns ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

int tb_pair_objects(const struct tb_pair_an *p, struct tb_pobj_view **out, size_t *n)
{
	size_t i, k = 0;
	struct tb_pobj_view *v = malloc((p->live.n ? p->live.n : 1) * sizeof(*v));

	*out = v;
	*n = 0;
	if (!v)
		return -1;
	for (i = 0; i < p->live.cap; i++) {
		const struct tb_pobj *o = tb_otab_slot(&p->live, i);

		if (!o->key)
			continue;
		v[k].key = o->key;
		v[k].t_ns = p->ts_base + ((uint64_t)o->ts << p->ts_shift);
		v[k].group = o->group;
		v[k].bytes = o->bytes;
		k++;
	}
	qsort(v, k, sizeof(*v), cmp_view);
	*n = k;
	return 0;
}

double tb_pair_bytes_per_object(const struct tb_pair_an *p)
{
	if (!p->live.n)
		return 0;
	return (double)tb_otab_bytes(&p->live) / (double)p->live.n;
}
