/*
 * analysis.c - the analysis handle: builds the analyzers (pair, count, balance,
 * growth) from a recipe, resolves the recipe's event references to rules, and feeds
 * each event from the sink to the analyzers that want it (rule lookups cached by the
 * interned system/name pointers).  Also the shared event helpers: call site of an
 * event, times, lost events, interval results and live status.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"
#include "util/compiler.h"
#include "analyze/analysis-local.h"
#include "analyze/growth.h"
#include "util/err.h"
#include "util/intern.h"
#include "util/strbuf.h"
#include "util/units.h"

enum handler_kind { H_PAIR_ALLOC, H_PAIR_FREE, H_BAL_GET, H_BAL_PUT, H_COUNT_EVENT };

struct handler {
	unsigned kind, idx;
};

/* One event reference of the recipe. */
struct rule {
	const char *system;	/* interned; NULL for function:FUNC */
	const char *name;	/* interned event name, or FUNC */
	struct handler h;
};

struct hlist {
	size_t start, n;
};

struct tb_handlers {
	struct rule *rules;
	size_t nrules, arules;
	struct handler *h;	/* handler lists, back to back */
	size_t nh, ah;
	struct hlist *lists;
	size_t nlists, alists;
	const char *i_ftrace, *i_function, *i_ip, *i_parent_ip, *i_call_site;
	const char *i_ret_ip, *i_probe_func, *i_probe_ip, *i_tracebook;
};

static int add_rule(struct tb_handlers *hs, const char *ref, unsigned kind, unsigned idx)
{
	const char *colon = strchr(ref, ':');
	struct rule *r;

	if (ALLOC_GROW(hs->rules, hs->nrules + 1, hs->arules))
		return -1;
	r = &hs->rules[hs->nrules];
	r->h.kind = kind;
	r->h.idx = idx;
	if (!colon) {
		r->system = hs->i_tracebook;	/* bare NAME: a kprobe of the recipe */
		r->name = tb_intern(ref);
	} else if (!strncmp(ref, "function:", 9)) {
		r->system = NULL;
		r->name = tb_intern(ref + 9);
	} else if (!strncmp(ref, "kprobe:", 7)) {
		r->system = hs->i_tracebook;
		r->name = tb_intern(ref + 7);
	} else {
		r->system = tb_intern_n(ref, (size_t)(colon - ref));
		r->name = tb_intern(colon + 1);
	}
	if (!r->name || (colon && !r->system && strncmp(ref, "function:", 9)))
		return -1;
	hs->nrules++;
	return 0;
}

static int add_rules(struct tb_handlers *hs, const struct strlist *refs, unsigned kind,
		     unsigned idx)
{
	size_t i;

	for (i = 0; i < refs->n; i++)
		if (add_rule(hs, refs->v[i], kind, idx))
			return -1;
	return 0;
}

/* Build the handler list for (system, name) or a function FUNC (system NULL). */
static int64_t build_list(struct tb_handlers *hs, const char *system, const char *name,
			  int func)
{
	size_t i, start = hs->nh;
	int pass;

	for (pass = 0; pass < 2 && hs->nh == start; pass++) {
		for (i = 0; i < hs->nrules; i++) {
			const struct rule *r = &hs->rules[i];

			if (r->name != name || (func != (r->system == NULL)))
				continue;
			/* pass 0: exact system; pass 1: by name (text may not know the system) */
			if (!func && pass == 0 && r->system != system)
				continue;
			if (func && pass == 1)
				continue;
			if (ALLOC_GROW(hs->h, hs->nh + 1, hs->ah))
				return -1;
			hs->h[hs->nh++] = r->h;
		}
	}
	if (ALLOC_GROW(hs->lists, hs->nlists + 1, hs->alists))
		return -1;
	hs->lists[hs->nlists].start = start;
	hs->lists[hs->nlists].n = hs->nh - start;
	return (int64_t)hs->nlists++;
}

static const struct hlist *lookup(struct tb_analysis *an, struct tb_otab *cache,
				  const char *system, const char *name, int func)
{
	struct tb_pmap_rec *r;
	int64_t li;

	r = tb_pmap_get(cache, system, name, 0, 1);
	if (!r)
		return NULL;
	if (!r->val) {
		li = build_list(an->rules, system, name, func);
		if (li < 0)
			return NULL;
		r = tb_pmap_get(cache, system, name, 0, 0);
		r->val = (uint64_t)li + 1;
	}
	return &an->rules->lists[r->val - 1];
}

/*
 * The memo entry of (system, name) after a miss: looked up, put in its slot or the one
 * next to it, whichever is free, else in its slot.
 */
static struct tb_evmemo *memo_miss(struct tb_analysis *an, const char *system, const char *name)
{
	unsigned i = tb_an_memo_index(name);
	struct tb_evmemo *m = &an->evmemo[i];
	const struct hlist *l = lookup(an, &an->evcache, system, name, 0);

	if (!l)
		return NULL;
	if (m->name && !an->evmemo[i ^ 1].name)
		m = &an->evmemo[i ^ 1];
	m->system = system;
	m->name = name;
	m->list = (size_t)(l - an->rules->lists);
	m->seen = TB_AN_NO_SEEN;
	return m;
}

/*
 * The memo entry of an event (name not NULL); NULL when out of memory.  Every event
 * comes here: the pointer compares are inline (a call per event was ~2 % of a
 * capture's instructions), and two ways keep two busy events that share a slot from
 * pushing each other out (a one-way memo by address bits missed 5 % of the bench's
 * events).
 */
static inline struct tb_evmemo *event_memo(struct tb_analysis *an, const char *system,
					   const char *name)
{
	unsigned i = tb_an_memo_index(name);
	struct tb_evmemo *m = &an->evmemo[i];

	if (m->name == name && m->system == system)
		return m;
	m = &an->evmemo[i ^ 1];
	if (m->name == name && m->system == system)
		return m;
	return memo_miss(an, system, name);
}

/* The handler list of an event; NULL when out of memory. */
static const struct hlist *event_list(struct tb_analysis *an, const char *system,
				      const char *name)
{
	const struct tb_evmemo *m;

	if (!name)
		return lookup(an, &an->evcache, system, name, 0);
	m = event_memo(an, system, name);
	return m ? &an->rules->lists[m->list] : NULL;
}

/* ---- construction -------------------------------------------------------------- */

static int split_into(struct strlist *l, const char *words)
{
	return strlist_split_ws(l, words);
}

/* The analyses of a run without a recipe: whatever the data holds. */
static int automatic(struct tb_analysis *an)
{
	struct tb_recipe_pair p[3];
	struct tb_recipe_count c;
	unsigned i;
	int ret = -1;

	memset(p, 0, sizeof(p));
	memset(&c, 0, sizeof(c));
	p[0].label = "kmem";
	p[0].alloc_key = p[0].free_key = "ptr";
	p[0].size = "bytes_alloc";
	p[0].requested = "bytes_req";
	p[0].group = TB_GROUP_SITE | TB_GROUP_STACK;
	p[1].label = "pages";
	p[1].alloc_key = p[1].free_key = "pfn";
	p[1].size = "order";
	p[1].group = TB_GROUP_SITE | TB_GROUP_STACK;
	p[2].label = "slub";
	p[2].alloc_key = p[2].free_key = "ptr";
	p[2].by = "cache";
	p[2].group = TB_GROUP_SITE | TB_GROUP_STACK;
	c.label = "functions";
	c.by_caller = 1;
	if (split_into(&p[0].alloc, "kmem:kmalloc kmem:kmalloc_node kmem:kmem_cache_alloc "
		       "kmem:kmem_cache_alloc_node") ||
	    split_into(&p[0].free, "kmem:kfree kmem:kmem_cache_free") ||
	    split_into(&p[1].alloc, "kmem:mm_page_alloc") ||
	    split_into(&p[1].free, "kmem:mm_page_free kmem:mm_page_free_batched") ||
	    split_into(&p[2].alloc, "slub:alloc") || split_into(&p[2].free, "slub:free"))
		goto out;
	an->pairs = calloc(3, sizeof(*an->pairs));
	an->counts = calloc(1, sizeof(*an->counts));
	if (!an->pairs || !an->counts)
		goto out;
	for (i = 0; i < 3; i++) {
		an->npairs++;
		if (tb_pair_init(&an->pairs[i], &p[i]) ||
		    add_rules(an->rules, &p[i].alloc, H_PAIR_ALLOC, i) ||
		    add_rules(an->rules, &p[i].free, H_PAIR_FREE, i))
			goto out;
	}
	an->ncounts = 1;
	if (tb_count_init(&an->counts[0], &c))
		goto out;
	ret = 0;
out:
	for (i = 0; i < 3; i++) {
		strlist_clear(&p[i].alloc);
		strlist_clear(&p[i].free);
	}
	return ret;
}

static int from_recipe(struct tb_analysis *an, const struct tb_recipe *r)
{
	unsigned i;

	if (r->npairs && !(an->pairs = calloc(r->npairs, sizeof(*an->pairs))))
		return -1;
	if (r->ncounts && !(an->counts = calloc(r->ncounts, sizeof(*an->counts))))
		return -1;
	if (r->nbalances && !(an->bals = calloc(r->nbalances, sizeof(*an->bals))))
		return -1;
	for (i = 0; i < r->npairs; i++) {
		an->npairs++;
		if (tb_pair_init(&an->pairs[i], &r->pairs[i]) ||
		    add_rules(an->rules, &r->pairs[i].alloc, H_PAIR_ALLOC, i) ||
		    add_rules(an->rules, &r->pairs[i].free, H_PAIR_FREE, i))
			return -1;
	}
	for (i = 0; i < r->ncounts; i++) {
		an->ncounts++;
		if (tb_count_init(&an->counts[i], &r->counts[i]) ||
		    add_rules(an->rules, &r->counts[i].events, H_COUNT_EVENT, i))
			return -1;
	}
	for (i = 0; i < r->nbalances; i++) {
		an->nbals++;
		if (tb_balance_init(&an->bals[i], &r->balances[i]) ||
		    add_rules(an->rules, &r->balances[i].get, H_BAL_GET, i) ||
		    add_rules(an->rules, &r->balances[i].put, H_BAL_PUT, i))
			return -1;
	}
	if ((r->growth && r->growth->enabled) || r->snapshot) {
		an->growth = tb_growth_new(r->growth);
		if (!an->growth)
			return -1;
	}
	return 0;
}

/* A return probe with stack = yes gets its stack from the entry probe NAME_entry. */
static int setup_joins(struct tb_analysis *an, const struct tb_recipe *r)
{
	char name[160];
	unsigned i;

	for (i = 0; i < r->nkps; i++) {
		const struct tb_recipe_kprobe *kp = &r->kps[i];
		struct tb_stack_join *j, *v;

		if (!kp->is_return || !kp->stack || !kp->name)
			continue;
		v = realloc(an->joins, (an->njoins + 1) * sizeof(*v));
		if (!v)
			return -1;
		an->joins = v;
		j = &an->joins[an->njoins];
		memset(j, 0, sizeof(*j));
		snprintf(name, sizeof(name), "%s" TB_KPROBE_ENTRY_SUFFIX, kp->name);
		j->entry = tb_intern(name);
		j->ret = tb_intern(kp->name);
		if (!j->entry || !j->ret)
			return -1;
		an->njoins++;
	}
	return 0;
}

static void open_clear(struct tb_join_open *o)
{
	unsigned k;

	for (k = 0; o->syms && k < o->n; k++)
		free(o->syms[k]);
	free(o->syms);
	free(o->addrs);
	memset(o, 0, sizeof(*o));
}

static struct tb_join_open *open_find(struct tb_stack_join *j, int32_t pid)
{
	size_t i;

	for (i = 0; i < j->nopen; i++)
		if (j->open[i].pid == pid)
			return &j->open[i];
	return NULL;
}

/* Keep the entry event's stack for its task (the last entry wins). */
static int join_entry(struct tb_stack_join *j, const struct tb_event *ev)
{
	struct tb_join_open *o = open_find(j, ev->pid);
	unsigned k;

	if (!o) {
		if (ALLOC_GROW(j->open, j->nopen + 1, j->aopen))
			return -1;
		o = &j->open[j->nopen++];
		memset(o, 0, sizeof(*o));
	}
	open_clear(o);
	o->pid = ev->pid;
	if (!ev->stack.n)
		return 0;
	if (ev->stack.addrs) {
		o->addrs = malloc(ev->stack.n * sizeof(*o->addrs));
		if (!o->addrs)
			return -1;
		memcpy(o->addrs, ev->stack.addrs, ev->stack.n * sizeof(*o->addrs));
	}
	if (ev->stack.syms) {
		o->syms = calloc(ev->stack.n, sizeof(*o->syms));
		if (!o->syms)
			return -1;
		for (k = 0; k < ev->stack.n; k++)
			if (!(o->syms[k] = strdup(ev->stack.syms[k] ? ev->stack.syms[k] : "?")))
				return -1;
	}
	o->n = ev->stack.n;
	return 0;
}

/* The return event of a task, with the stack its entry had; NULL: nothing kept. */
static const struct tb_event *join_return(struct tb_analysis *an, struct tb_stack_join *j,
					  const struct tb_event *ev, struct tb_event *copy,
					  struct tb_join_open *taken)
{
	struct tb_join_open *o = open_find(j, ev->pid);

	if (!o || !o->n || ev->pid < 0)
		return NULL;
	*taken = *o;
	*o = j->open[--j->nopen];	/* the entry is used once */
	*copy = *ev;
	copy->stack.n = taken->n;
	copy->stack.addrs = taken->addrs;
	copy->stack.syms = (const char *const *)taken->syms;
	an->joined++;
	return copy;
}

struct tb_analysis *tb_analysis_new(const struct tb_recipe *r, const struct tb_analysis_opts *o)
{
	struct tb_analysis *an = calloc(1, sizeof(*an));
	struct tb_handlers *hs;
	const char *ksyms;

	if (!an)
		goto nomem;
	if (o)
		an->opts = *o;
	ksyms = an->opts.kallsyms ? an->opts.kallsyms : an->opts.live ? "/proc/kallsyms" : NULL;
	an->syms = tb_symbols_new(ksyms);
	an->stacks = an->syms ? tb_stacks_new(an->syms) : NULL;
	hs = an->rules = calloc(1, sizeof(*an->rules));
	tb_otab_init(&an->evcache, sizeof(struct tb_pmap_rec));
	tb_otab_init(&an->funccache, sizeof(struct tb_pmap_rec));
	if (!an->stacks || !hs)
		goto nomem;
	hs->i_ftrace = tb_intern("ftrace");
	hs->i_function = tb_intern("function");
	hs->i_ip = tb_intern("ip");
	hs->i_parent_ip = tb_intern("parent_ip");
	hs->i_call_site = tb_intern("call_site");
	hs->i_ret_ip = tb_intern("__probe_ret_ip");
	hs->i_probe_func = tb_intern("__probe_func");
	hs->i_probe_ip = tb_intern("__probe_ip");
	hs->i_tracebook = tb_intern("tracebook");
	if (!hs->i_tracebook)
		goto nomem;
	if (r && r->name && !(an->recipe_name = strdup(r->name)))
		goto nomem;
	an->automatic = !r;
	if (an->opts.live)
		tb_symbols_preload(an->syms);
	if (r ? from_recipe(an, r) || setup_joins(an, r) : automatic(an))
		goto nomem;
	an->grid.asked = an->opts.interval_ns;
	if (an->opts.comm && !(an->filter_comm = tb_intern(an->opts.comm)))
		goto nomem;
	{
		size_t k;

		an->i_sched = tb_intern("sched");
		an->i_fork = tb_intern("sched_process_fork");
		if (!an->i_sched || !an->i_fork)
			goto nomem;
		for (k = 0; k < an->opts.npids; k++)
			if (tb_analysis_add_task(an, an->opts.pids[k]) < 0)
				goto nomem;
	}
	{
		unsigned i;

		for (i = 0; i < an->npairs; i++)
			an->pairs[i].max_objects = an->opts.max_objects ? an->opts.max_objects :
				TB_AN_MAX_OBJECTS;
	}
	return an;
nomem:
	tb_analysis_free(an);
	tb_error("out of memory setting up the analyzers");
	return NULL;
}

void tb_analysis_free(struct tb_analysis *an)
{
	unsigned i;

	if (!an)
		return;
	free(an->seen);
	free(an->tasks);
	for (i = 0; i < an->npairs; i++)
		tb_pair_release(&an->pairs[i]);
	for (i = 0; i < an->ncounts; i++)
		tb_count_release(&an->counts[i]);
	for (i = 0; i < an->nbals; i++)
		tb_balance_release(&an->bals[i]);
	free(an->pairs);
	free(an->counts);
	free(an->bals);
	tb_growth_free(an->growth);
	if (an->rules) {
		free(an->rules->rules);
		free(an->rules->h);
		free(an->rules->lists);
		free(an->rules);
	}
	tb_otab_release(&an->evcache);
	tb_otab_release(&an->funccache);
	for (i = 0; i < an->njoins; i++) {
		size_t k;

		for (k = 0; k < an->joins[i].nopen; k++)
			open_clear(&an->joins[i].open[k]);
		free(an->joins[i].open);
	}
	free(an->joins);
	tb_stacks_free(an->stacks);
	tb_symbols_free(an->syms);
	free(an->lost_cpu);
	free(an->recipe_name);
	free(an);
}

/* ---- event helpers --------------------------------------------------------------- */

const char *tb_an_field_str(const struct tb_event *ev, const char *name)
{
	const struct tb_field *f = tb_event_field(ev, name);
	char buf[32];

	if (!f)
		return NULL;
	if (f->type & TB_FV_STR)
		return tb_intern(f->str);
	snprintf(buf, sizeof(buf), "%" PRIu64, f->num);
	return tb_intern(buf);
}

/* 1 if s is a bare hex address as 3.10 prints call_site=%lx ("ffffffff811a3b2c"). */
static int raw_hex(const char *s, uint64_t *addr)
{
	const char *p = s;
	char *end;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	if (strlen(p) < 6 || strspn(p, "0123456789abcdefABCDEF") != strlen(p))
		return 0;
	*addr = strtoull(p, &end, 16);
	return *end == '\0';
}

/* A code location field (call_site, __probe_ret_ip) as printed or symbolized. */
static const char *location(struct tb_analysis *an, const struct tb_event *ev, const char *name)
{
	const struct tb_field *f = tb_event_field(ev, name);
	uint64_t addr;

	if (!f)
		return NULL;
	if (f->type & TB_FV_NUM)
		return f->num ? tb_symbols_format(an->syms, f->num) : NULL;
	if (!f->str || !*f->str || !strcmp(f->str, "(null)") || !strcmp(f->str, "0"))
		return NULL;
	if (raw_hex(f->str, &addr))
		return addr ? tb_symbols_format(an->syms, addr) : NULL;
	return tb_intern(f->str);
}

int tb_an_has_site_field(const struct tb_analysis *an, const struct tb_event *ev)
{
	return tb_event_field(ev, an->rules->i_call_site) ||
		tb_event_field(ev, an->rules->i_ret_ip);
}

uint64_t tb_an_site_addr(const struct tb_analysis *an, const struct tb_event *ev,
			 unsigned *hint)
{
	const struct tb_field *f = tb_event_field_hint(ev, an->rules->i_call_site, hint);

	return f && (f->type & TB_FV_NUM) ? f->num : 0;
}

int64_t tb_an_stack(struct tb_analysis *an, const struct tb_event *ev)
{
	int64_t id;

	if (!ev->stack.n)
		return 0;
	id = tb_stacks_intern(an->stacks, &ev->stack);
	if (id > 0 && tb_stacks_optprobe(an->stacks, (uint32_t)id)) {
		an->optprobe_stacks++;
		return 0;
	}
	return id;
}

const char *tb_an_site(struct tb_analysis *an, const struct tb_event *ev, uint32_t stack)
{
	const struct tb_handlers *hs = an->rules;
	const char *s = location(an, ev, hs->i_call_site);
	const char *skip = NULL;

	if (s)
		return s;
	s = location(an, ev, hs->i_ret_ip);
	if (s)
		return s;
	if (!stack && ev->stack.n) {	/* the caller did not need it interned until now */
		int64_t id = tb_an_stack(an, ev);

		stack = id > 0 ? (uint32_t)id : 0;
	}
	if (stack) {
		const char *probed = location(an, ev, hs->i_probe_func);

		if (!probed)
			probed = location(an, ev, hs->i_probe_ip);
		if (probed)
			skip = tb_sym_base(probed);
		s = tb_stacks_site(an->stacks, stack, skip);
		if (s)
			return s;
	}
	return ev->name;
}

/* ---- the sink ---------------------------------------------------------------------- */

/*
 * Always inline: its three callers are the per-event paths, and the call (and the
 * handler loop compiled apart from the event it is given) was 2.6 % of an analysis'
 * instructions.
 */
static TB_ALWAYS_INLINE int dispatch(struct tb_analysis *an, const struct hlist *l,
				     const struct tb_event *ev)
{
	size_t i;
	int r = 0;

	if (l->n)
		an->matched++;
	for (i = 0; i < l->n && !r; i++) {
		const struct handler *h = &an->rules->h[l->start + i];

		switch (h->kind) {
		case H_PAIR_ALLOC:
			r = tb_pair_alloc(an, &an->pairs[h->idx], ev);
			break;
		case H_PAIR_FREE:
			r = tb_pair_free(an, &an->pairs[h->idx], ev);
			break;
		case H_BAL_GET:
			if (!tb_an_wanted(an, ev))
				break;
			r = tb_balance_get(an, &an->bals[h->idx], ev);
			break;
		case H_BAL_PUT:
			r = tb_balance_put(an, &an->bals[h->idx], ev);
			break;
		case H_COUNT_EVENT:
			if (!tb_an_wanted(an, ev))
				break;
			r = tb_count_event(&an->counts[h->idx], ev);
			break;
		}
	}
	return r;
}

static const char *function_name(struct tb_analysis *an, const struct tb_event *ev,
				 const char *field, int with_offset)
{
	const struct tb_field *f = tb_event_field(ev, field);
	uint64_t addr;

	if (!f)
		return NULL;
	if (f->type & TB_FV_NUM)
		return with_offset ? tb_symbols_format(an->syms, f->num) :
			tb_symbols_name(an->syms, f->num);
	if (!f->str || !*f->str)
		return NULL;
	if (raw_hex(f->str, &addr))
		return with_offset ? tb_symbols_format(an->syms, addr) :
			tb_symbols_name(an->syms, addr);
	return with_offset ? tb_intern(f->str) : tb_sym_base(f->str);
}

static int function_event(struct tb_analysis *an, const struct tb_event *ev)
{
	const char *func = function_name(an, ev, an->rules->i_ip, 0);
	const char *caller = function_name(an, ev, an->rules->i_parent_ip, 1);
	const struct hlist *l;
	unsigned i;

	if (!func)
		return 0;
	for (i = 0; i < an->ncounts; i++)
		if (tb_count_function(&an->counts[i], func, caller))
			return -1;
	l = lookup(an, &an->funccache, NULL, func, 1);
	if (!l)
		return -1;
	return dispatch(an, l, ev);
}

/*
 * Count ev (name not NULL) among the events seen, and find its handler list (index
 * into the lists: build_list may move them) in *li.  -1 when out of memory.
 */
static int note_seen(struct tb_analysis *an, const struct tb_event *ev, size_t *li)
{
	struct tb_evmemo *m = event_memo(an, ev->system, ev->name);
	unsigned i;

	if (!m)
		return -1;
	*li = m->list;
	if (m->seen != TB_AN_NO_SEEN) {
		an->seen[m->seen].n++;
		return 0;
	}
	/* names are interned: compared by pointer */
	for (i = 0; i < an->nseen; i++)
		if (an->seen[i].name == ev->name && an->seen[i].system == ev->system)
			break;
	if (i == an->nseen) {
		if (ALLOC_GROW(an->seen, an->nseen + 1, an->seen_cap) < 0)
			return -1;
		an->seen[i].system = ev->system;
		an->seen[i].name = ev->name;
		an->seen[i].n = 0;
		an->nseen++;
	}
	an->seen[i].n++;
	m->seen = i;
	return 0;
}

/* sched:sched_process_fork of a followed task: follow the child (threads too). */
static int follow_fork(struct tb_analysis *an, const struct tb_event *ev)
{
	uint64_t parent, child;
	int r;

	if (tb_event_u64(ev, "parent_pid", 10, &parent) || tb_event_u64(ev, "child_pid", 10, &child))
		return 0;
	if (!tb_analysis_has_task(an, (int32_t)parent))
		return 0;
	r = tb_analysis_add_task(an, (int32_t)child);
	if (r > 0)
		an->forks_followed++;
	return r < 0 ? -1 : 0;
}

static int sink_event(void *ctx, const struct tb_event *ev)
{
	struct tb_analysis *an = ctx;
	const struct hlist *l;
	size_t li = 0;		/* ev's handler list (ev->name not NULL) */
	unsigned i;
	int r;

	an->events++;
	if (ev->name && note_seen(an, ev, &li))
		return tb_error("out of memory counting events");
	if (ev->name == an->i_fork && ev->system == an->i_sched && an->opts.follow_forks &&
	    an->ntasks && follow_fork(an, ev) < 0)
		return tb_error("out of memory following forks");
	if (ev->ts_ns) {
		if (!an->first_ts || ev->ts_ns < an->first_ts)
			an->first_ts = ev->ts_ns;
		if (ev->ts_ns > an->last_ts)
			an->last_ts = ev->ts_ns;
		/* the trend's points due before this event (state before it) */
		if (an->npairs && ev->ts_ns >= an->grid.due)
			tb_grid_tick(an, ev->ts_ns);
	}
	for (i = 0; i < an->njoins; i++) {
		struct tb_stack_join *j = &an->joins[i];

		if (ev->name == j->entry)
			return join_entry(j, ev) < 0 ? tb_error("out of memory joining stacks") : 0;
		if (ev->name == j->ret) {
			struct tb_event copy;
			struct tb_join_open taken;
			const struct tb_event *e = join_return(an, j, ev, &copy, &taken);

			if (e) {
				l = event_list(an, e->system, e->name);
				r = l ? dispatch(an, l, e) : -1;
				open_clear(&taken);
				if (r < 0)
					return tb_error("out of memory analysing events");
				return 0;
			}
		}
	}
	if (ev->name == an->rules->i_function && ev->system == an->rules->i_ftrace)
		r = function_event(an, ev);
	else if (!(l = ev->name ? &an->rules->lists[li] : event_list(an, ev->system, NULL)))
		r = -1;
	else if (!l->n && an->automatic && an->ncounts)
		r = tb_count_event(&an->counts[0], ev);	/* no analysis knows it: count it */
	else
		r = dispatch(an, l, ev);
	if (r < 0)
		return tb_error("out of memory analysing events%s%s", ev->origin ? " at " : "",
				ev->origin ? ev->origin : "");
	return 0;
}

static void sink_lost(void *ctx, int cpu, uint64_t count, uint64_t ts_ns)
{
	struct tb_analysis *an = ctx;

	if (count == TB_LOST_UNKNOWN) {
		an->lost_unknown = 1;
	} else {
		an->lost += count;
		if (cpu >= 0 && cpu < 65536) {
			if ((unsigned)cpu >= an->nlost_cpu) {
				unsigned n = (unsigned)cpu + 1;
				uint64_t *v = realloc(an->lost_cpu, n * sizeof(*v));

				if (v) {
					memset(v + an->nlost_cpu, 0,
					       (n - an->nlost_cpu) * sizeof(*v));
					an->lost_cpu = v;
					an->nlost_cpu = n;
				}
			}
			if ((unsigned)cpu < an->nlost_cpu)
				an->lost_cpu[cpu] += count;
		}
	}
	if (!ts_ns)
		an->lost_untimed = 1;
	if (ts_ns) {
		if (!an->first_lost_ts || ts_ns < an->first_lost_ts)
			an->first_lost_ts = ts_ns;
		if (ts_ns > an->last_lost_ts)
			an->last_lost_ts = ts_ns;
	}
}

struct tb_sink tb_analysis_sink(struct tb_analysis *an)
{
	struct tb_sink s;

	s.event = sink_event;
	s.lost = sink_lost;
	s.ctx = an;
	return s;
}

/* names[*n] = name unless NULL or there already. */
static void add_name(const char **names, size_t *n, const char *name)
{
	size_t i;

	if (!name)
		return;
	for (i = 0; i < *n; i++)
		if (names[i] == name)
			return;
	names[(*n)++] = name;
}

/*
 * Every field name the analyses look up: the site and function fields (location(),
 * function_name()), the fork fields (follow_fork()), each pair's keys, sizes and by
 * (pair.c: key_of() with "page" for pfn keys, sizes_of(), tb_pair_alloc()) and each
 * balance's keys (balance.c).  An event's pid, comm, name and stack are not fields.
 */
const char **tb_analysis_fields(const struct tb_analysis *an, size_t *n)
{
	const struct tb_handlers *hs = an->rules;
	/* 9 fixed names, 5 per pair, 2 per balance (add_name below) */
	size_t max = 9 + 5 * (size_t)an->npairs + 2 * (size_t)an->nbals;
	const char **names;
	unsigned i;

	*n = 0;
	if (an->automatic || !(names = malloc(max * sizeof(*names))))
		return NULL;
	add_name(names, n, hs->i_ip);
	add_name(names, n, hs->i_parent_ip);
	add_name(names, n, hs->i_call_site);
	add_name(names, n, hs->i_ret_ip);
	add_name(names, n, hs->i_probe_func);
	add_name(names, n, hs->i_probe_ip);
	add_name(names, n, tb_intern("parent_pid"));
	add_name(names, n, tb_intern("child_pid"));
	add_name(names, n, tb_intern("page"));
	for (i = 0; i < an->npairs; i++) {
		const struct tb_pair_an *p = &an->pairs[i];

		add_name(names, n, p->alloc_key);
		add_name(names, n, p->free_key);
		add_name(names, n, p->size);
		add_name(names, n, p->req_field);
		add_name(names, n, p->by);
	}
	for (i = 0; i < an->nbals; i++) {
		add_name(names, n, an->bals[i].get_key);
		add_name(names, n, an->bals[i].put_key);
	}
	return names;
}

int tb_analysis_snapshot_from(struct tb_analysis *an, const char *what, uint64_t wall_ns,
			      const char *text, const char *origin)
{
	if (!an->growth) {
		an->growth = tb_growth_new(NULL);
		if (!an->growth)
			return tb_error("out of memory for the growth analyzer");
	}
	return tb_growth_add(an->growth, what, wall_ns, text, origin);
}

int tb_analysis_snapshot(struct tb_analysis *an, const char *what, uint64_t wall_ns,
			 const char *text)
{
	return tb_analysis_snapshot_from(an, what, wall_ns, text, NULL);
}


void tb_analysis_finish(struct tb_analysis *an)
{
	unsigned i;

	for (i = 0; i < an->npairs; i++)
		tb_pair_flush(&an->pairs[i]);
	for (i = 0; i < an->nbals; i++)
		tb_balance_finish(&an->bals[i]);
	an->finished = 1;
}

void tb_analysis_checkpoint(struct tb_analysis *an)
{
	unsigned i;

	for (i = 0; i < an->npairs; i++)
		tb_pair_sync(&an->pairs[i]);	/* ENOMEM: the result fails */
	for (i = 0; i < an->nbals; i++)
		tb_balance_finish(&an->bals[i]);	/* a recount: events may follow */
}

/* The index of pid in the sorted task list, or where it would go (*found 0). */
static size_t task_pos(const struct tb_analysis *an, int32_t pid, int *found)
{
	size_t lo = 0, hi = an->ntasks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (an->tasks[mid] < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < an->ntasks && an->tasks[lo] == pid;
	return lo;
}

int tb_analysis_has_task(const struct tb_analysis *an, int32_t pid)
{
	int found;

	task_pos(an, pid, &found);
	return found;
}

int tb_analysis_add_task(struct tb_analysis *an, int32_t pid)
{
	int found;
	size_t at = task_pos(an, pid, &found);

	if (found)
		return 0;
	if (ALLOC_GROW(an->tasks, an->ntasks + 1, an->atasks))
		return -1;
	memmove(an->tasks + at + 1, an->tasks + at, (an->ntasks - at) * sizeof(*an->tasks));
	an->tasks[at] = pid;
	an->ntasks++;
	return 1;
}

uint64_t tb_analysis_forks_followed(const struct tb_analysis *an)
{
	return an->forks_followed;
}

/* ---- interval and status ----------------------------------------------------------- */

struct growing {
	const struct tb_pair_group *g;
	int64_t dcount, dbytes;
};

static int cmp_growing(const void *a, const void *b)
{
	const struct growing *x = a, *y = b;

	if (x->dbytes != y->dbytes)
		return x->dbytes > y->dbytes ? -1 : 1;
	if (x->dcount != y->dcount)
		return x->dcount > y->dcount ? -1 : 1;
	return 0;
}

/**
 * tb_analysis_interval - the top growing groups of every pair analysis since the
 * previous call (--interval), into iv (release with tb_interval_release).
 * Returns 0, or -1 on ENOMEM (iv then holds the analyses done so far).
 */
int tb_analysis_interval(struct tb_analysis *an, uint64_t ts_ns, struct tb_interval *iv)
{
	unsigned i;
	size_t j;

	memset(iv, 0, sizeof(*iv));
	iv->since_start_ns = ts_ns > an->first_ts && an->first_ts ? ts_ns - an->first_ts : 0;
	iv->pairs = calloc(an->npairs ? an->npairs : 1, sizeof(*iv->pairs));
	if (!iv->pairs)
		return -1;
	for (i = 0; i < an->npairs; i++) {
		struct tb_pair_an *p = &an->pairs[i];
		struct tb_interval_pair *ip;
		struct growing *v;
		size_t n = 0, shown;
		int64_t tc = 0, tbytes = 0;

		if (tb_pair_sync(p))
			return -1;
		if (!p->ngroups)
			continue;
		v = malloc(p->ngroups * sizeof(*v));
		if (!v)
			return -1;
		for (j = 0; j < p->ngroups; j++) {
			struct tb_pair_group *g = &p->groups[j];
			int64_t dc = (int64_t)g->count - (int64_t)g->last_count;
			int64_t db = (int64_t)g->bytes - (int64_t)g->last_bytes;

			tc += dc;
			tbytes += db;
			g->last_count = g->count;
			g->last_bytes = g->bytes;
			if (dc > 0 || db > 0) {
				v[n].g = g;
				v[n].dcount = dc;
				v[n].dbytes = db;
				n++;
			}
		}
		qsort(v, n, sizeof(*v), cmp_growing);
		ip = &iv->pairs[iv->npairs++];
		ip->label = p->label;
		ip->count = p->count;
		ip->bytes = p->bytes;
		ip->dcount = tc;
		ip->dbytes = tbytes;
		for (shown = 0; shown < n && shown < TB_INTERVAL_TOP; shown++) {
			ip->top[shown].dcount = v[shown].dcount;
			ip->top[shown].dbytes = v[shown].dbytes;
			ip->top[shown].site = v[shown].g->site;
			ip->top[shown].by = v[shown].g->by;
		}
		ip->ntop = (unsigned)shown;
		free(v);
	}
	an->last_interval_ts = ts_ns;
	return 0;
}

void tb_interval_release(struct tb_interval *iv)
{
	free(iv->pairs);
	iv->pairs = NULL;
	iv->npairs = 0;
}

void tb_analysis_status(struct tb_analysis *an, struct tb_analysis_status *st)
{
	unsigned i;

	st->events = an->events;
	st->lost = an->lost;
	st->outstanding = 0;
	for (i = 0; i < an->npairs; i++) {
		tb_pair_sync(&an->pairs[i]);	/* ENOMEM: the next event fails */
		st->outstanding += an->pairs[i].count;
	}
}
