/*
 * analysis-local.h - what the analyzers (pair, count, balance), the stack and symbol
 * tables and the result builder (result.c) share inside src/analyze.  Not a public
 * interface: other folders use analysis.h and result.h.
 */
#ifndef TB_ANALYZE_ANALYSIS_LOCAL_H
#define TB_ANALYZE_ANALYSIS_LOCAL_H

#include <limits.h>
#include <stdint.h>
#include <string.h>
#include "analyze/analysis.h"
#include "event/event.h"
#include "recipe/recipe.h"
#include "util/intern.h"

/* ---- pair-table.c: open-addressing tables keyed by a non-zero u64 ------------- */

/*
 * Records of rsz bytes (a multiple of 8) stored inline; the first 8 bytes of a record
 * are its key, 0 marks an empty slot.  Linear probing, load <= 3/4, deletion by
 * backward shift (no tombstones).  Inserting may move records: pointers returned by
 * find/insert are valid until the next insert.
 */
struct tb_otab {
	unsigned char *slots;
	size_t cap, n, rsz;
};

void tb_otab_init(struct tb_otab *t, size_t rsz);
void tb_otab_release(struct tb_otab *t);
void *tb_otab_find(const struct tb_otab *t, uint64_t key);
/* The record for key, created zeroed (key set) if absent; NULL on ENOMEM. */
void *tb_otab_insert(struct tb_otab *t, uint64_t key, int *existed);
void tb_otab_delete(struct tb_otab *t, void *rec);

/*
 * Bytes of table memory (for the memory-per-object figure); inline: asked after every
 * allocation.
 */
static inline size_t tb_otab_bytes(const struct tb_otab *t)
{
	return t->cap * t->rsz;
}

static inline void *tb_otab_slot(const struct tb_otab *t, size_t i)
{
	return t->slots + i * t->rsz;
}

static inline uint64_t tb_otab_key(const void *rec)
{
	uint64_t k;

	memcpy(&k, rec, sizeof(k));
	return k;
}

/*
 * Where key's lookup starts, NULL while the table is empty: a caller prefetches it
 * (__builtin_prefetch) when the lookup is due a few events later.  The prefetch is
 * the caller's, not in here: gcc takes an inline function holding only a prefetch
 * for one without effects and drops the call.
 */
static inline const unsigned char *tb_otab_home(const struct tb_otab *t, uint64_t key)
{
	return t->cap ? tb_otab_slot(t, (size_t)tb_hash_u64(key) & (t->cap - 1)) : NULL;
}

/*
 * A map from a composite key (two pointers and a number) to a u64 value, for groups
 * and counters (never deleted from).
 */
struct tb_pmap_rec {
	uint64_t h;
	const void *a, *b;
	uint64_t c;
	uint64_t val;
};

/* The record for (a, b, c), created with val 0 when create is set; NULL if absent/ENOMEM. */
struct tb_pmap_rec *tb_pmap_get(struct tb_otab *t, const void *a, const void *b,
				uint64_t c, int create);

/* ---- symbols.c: raw kernel addresses -> "sym+0xoff/0xlen [mod]" --------------- */

struct tb_symbols;

/* path NULL: never symbolize (raw addresses print as 0x...). Loaded lazily, once. */
struct tb_symbols *tb_symbols_new(const char *path);
void tb_symbols_free(struct tb_symbols *s);
/*
 * Load now rather than at the first raw address (live runs: reading /proc/kallsyms
 * takes ~0.3 s, which must not stall the capture once events flow).
 */
void tb_symbols_preload(struct tb_symbols *s);
/* Interned "sym+0x12/0x30" (" [mod]" for modules), or "0xffff..." when unknown. */
const char *tb_symbols_format(struct tb_symbols *s, uint64_t addr);
/* Interned symbol name alone, or "0xffff..." when unknown. */
const char *tb_symbols_name(struct tb_symbols *s, uint64_t addr);
/* Why raw addresses could not be symbolized (for the report), or NULL. */
const char *tb_symbols_problem(const struct tb_symbols *s);
/* Interned function name of a printed frame: "sym+0x12/0x30 [mod]" -> "sym". */
const char *tb_sym_base(const char *printed);

/* ---- stacks.c: interned stacks --------------------------------------------- */

struct tb_stacks;

struct tb_stacks *tb_stacks_new(struct tb_symbols *syms);
void tb_stacks_free(struct tb_stacks *st);
/* Intern a stack; 0 for an empty stack; -1 on ENOMEM. */
int64_t tb_stacks_intern(struct tb_stacks *st, const struct tb_stack *s);
unsigned tb_stacks_depth(const struct tb_stacks *st, uint32_t id);
/* Frame i (innermost first) of stack id as an interned string. */
const char *tb_stacks_frame(struct tb_stacks *st, uint32_t id, unsigned i);
/*
 * The first frame of stack id outside allocator/tracing internals (and not the
 * probed function skip_func), interned; NULL if none.
 */
const char *tb_stacks_site(struct tb_stacks *st, uint32_t id, const char *skip_func);
/* 1 if every frame of stack id is an optimized kprobe's detour buffer (32-bit ARM). */
int tb_stacks_optprobe(struct tb_stacks *st, uint32_t id);
size_t tb_stacks_count(const struct tb_stacks *st);
/* 1 if the function name is allocator or tracing machinery, not a caller. */
int tb_is_internal_frame(const char *func);

/* ---- pair.c ---------------------------------------------------------------- */

#define TB_GROUP_TASKS 4

struct tb_pair_group {
	const char *site, *by;		/* interned; by may be NULL */
	uint32_t stack;			/* stack id, 0 none */
	uint64_t allocs, frees, implicit;
	uint64_t count, bytes, req;	/* outstanding */
	uint64_t last_count, last_bytes;	/* at the previous interval */
	/* the trend (sample.c): count and bytes at points sfirst.. of the analysis' grid */
	uint64_t *series;		/* 2 * sn values: count, bytes */
	uint32_t sfirst, sn, scap;
	int untracked;			/* past the cap on groups with a trend */
	/* who allocated: the first TB_GROUP_TASKS tasks exactly, the rest summed */
	struct tb_gtask {
		int32_t pid;
		const char *comm;	/* interned; may be NULL */
		uint64_t allocs;
	} tasks[TB_GROUP_TASKS];
	uint64_t other_tasks;		/* allocations by tasks past the first TB_GROUP_TASKS */
};

struct tb_pair_early;

/*
 * An allocation or free waiting for its turn at the outstanding-object table.  The
 * table outgrows the CPU caches, so each lookup would wait for memory: an event's
 * group, size and key are worked out on arrival and its home slot prefetched, and the
 * table work runs TB_PAIR_AHEAD events later, in arrival order (tb_pair_sync runs
 * what waits, before anyone reads the counts).
 */
#define TB_PAIR_AHEAD 8
struct tb_pair_op {
	uint64_t key, ts_ns;
	uint64_t first_ts;		/* the analysis' first event time when it came */
	uint32_t group, bytes;		/* allocations only */
	uint16_t slack;
	uint8_t is_free;
	int32_t cpu;
};

/*
 * The group of an allocation by its raw call site address and `by` value: grouped by
 * site alone, the same (address, by) is always the same group, so an allocation from a
 * site seen before needs no symbol lookup, no interning and no group-map probe.  A
 * direct-mapped cache of TB_PAIR_GMEMO entries; a miss takes the full path.
 */
#define TB_PAIR_GMEMO 1024
struct tb_pair_gmemo {
	uint64_t addr;			/* 0: empty */
	const char *by;
	uint64_t group;
};

struct tb_pair_an {
	const char *label;
	char *alloc_desc, *free_desc;	/* "kmem:kmalloc kmem:kmalloc_node" */
	const char *alloc_key, *free_key, *size, *req_field, *by;	/* interned field names */
	int alloc_base, free_base;	/* number base of text keys: 10 for a pfn, else 16 */
	int alloc_is_pfn, free_is_pfn;	/* the key field is "pfn" (3.10 raw: use "page") */
	unsigned group_flags;		/* TB_GROUP_*; 0 = none: groups by `by` only */
	const char *all_sites;		/* the site of every group when not by site */
	int size_is_order;		/* size field is a page order (mm_page_alloc) */
	int by_cache;			/* grouped by a SLUB record's cache: bytes = its object size */
	struct tb_otab csize;		/* cache name -> object size + 1 */
	/* where each field was in the last event (tb_event_field_hint) */
	unsigned h_alloc_key, h_free_key, h_size, h_req, h_site;

	struct tb_otab live;		/* struct tb_pobj, one per outstanding object */
	uint64_t ts_base;		/* ns: the time allocation times are counted from */
	unsigned ts_shift;		/* allocation times are kept as (ts - base) >> shift */
	struct tb_otab early;		/* frees not (yet) matched, for skew tolerance */
	struct tb_pair_early *fifo;	/* ring of early frees in arrival order */
	size_t fifo_head, fifo_n;
	struct tb_pair_op ahead[TB_PAIR_AHEAD];	/* a ring: see struct tb_pair_op */
	unsigned ahead_head, ahead_n;
	int enomem;			/* table work run by tb_pair_sync ran out of memory */

	struct tb_otab gidx;		/* (site, by, stack) -> group index */
	struct tb_pair_gmemo *gmemo;	/* TB_PAIR_GMEMO entries: see above */
	struct tb_pair_group *groups;
	size_t ngroups, agroups;

	uint64_t allocs, frees, unmatched_frees, null_frees, failed_allocs;
	uint64_t implicit_frees, cross_cpu_frees, inversions;
	uint64_t hidden, hashed, nokey;
	uint64_t count, bytes, req_bytes;	/* outstanding, all groups */
	uint64_t peak_count;
	size_t peak_table_bytes;
	uint64_t filtered;		/* allocations of other tasks (--pid/--comm) */
	uint64_t untracked_allocs;	/* allocations past the cap on tracked objects */
	uint64_t max_objects;
	size_t tracked_groups;		/* groups with a trend */
};

int tb_pair_init(struct tb_pair_an *p, const struct tb_recipe_pair *spec);
void tb_pair_release(struct tb_pair_an *p);
int tb_pair_alloc(struct tb_analysis *an, struct tb_pair_an *p, const struct tb_event *ev);
int tb_pair_free(struct tb_analysis *an, struct tb_pair_an *p, const struct tb_event *ev);
/*
 * Run the table work still waiting (struct tb_pair_op): counts, groups and the table
 * are then up to date with every event given.  Returns 0, or -1 if it ran out of
 * memory (also kept in p->enomem: the next event and the result fail).
 */
int tb_pair_sync(struct tb_pair_an *p);
/* End of input: every free still waiting for a late alloc is unmatched. */
void tb_pair_flush(struct tb_pair_an *p);
/*
 * Per group g: oldest[g] = earliest allocation time (ns, the events' clock; for
 * allocations without a time, the first event's), UINT64_MAX if none; certain[g] =
 * outstanding objects allocated after after_ns (the last lost event: their frees
 * cannot have been lost).  Arrays malloc'd for the caller.
 */
int tb_pair_scan(const struct tb_pair_an *p, uint64_t after_ns, uint64_t **oldest,
		 uint64_t **certain);
/* A slab cache's object size from its name (kmalloc-64, kmalloc-8k); 0 unknown. */
uint32_t tb_cache_name_size(const char *name);
/* One outstanding object as the report sees it. */
struct tb_pobj_view {
	uint64_t key, t_ns;		/* key (pointer, pfn); allocation time, events' clock */
	uint32_t group, bytes;
};
/* Every outstanding object, by group then allocation time (oldest first); malloc'd. */
int tb_pair_objects(const struct tb_pair_an *p, struct tb_pobj_view **out, size_t *n);
/* Bytes of memory per outstanding object right now (table memory / objects). */
double tb_pair_bytes_per_object(const struct tb_pair_an *p);

/* ---- sample.c: the trend grid ------------------------------------------------ */

/* Groups per pair analysis with a trend, at most; points per trend, at most (even). */
#define TB_TREND_MAX_GROUPS 4096
#define TB_TREND_MAX_POINTS 256
#define TB_AN_MAX_OBJECTS (8ULL << 20)

/*
 * The sampling grid shared by every pair analysis: point j is the state just before
 * the first event at or after t0 + j * step (exact: outstanding counts only change at
 * events).  Adaptive (no --interval): step starts at 1 s and doubles, keeping every
 * other point, whenever TB_TREND_MAX_POINTS would be passed; a fixed step doubles the
 * same way (counted in coarsened) so memory stays bounded on runs of days.
 */
struct tb_grid {
	uint64_t t0, step, asked;	/* asked: --interval, 0 adaptive */
	uint32_t n;			/* points taken */
	unsigned coarsened;		/* times step was doubled */
	uint64_t due;			/* t0 + n * step (UINT64_MAX past the end of
					 * time): an event before it takes no point;
					 * 0 before the first */
};

/* Take every point due before an event at ts. */
void tb_grid_tick(struct tb_analysis *an, uint64_t ts);
/* The group's trend is kept: start its series at the current point.  */
void tb_grid_group_new(struct tb_analysis *an, struct tb_pair_an *p, struct tb_pair_group *g);

/* ---- count.c --------------------------------------------------------------- */

struct tb_count_an {
	const char *label;
	struct strlist funcs, events, balance;
	int by_caller;
	struct tb_otab fmap;		/* (func, caller|NULL) -> calls */
	struct tb_otab rejected;	/* (func) not matching the globs */
	struct tb_otab emap;		/* (system, name) -> count */
	uint64_t function_events;
};

int tb_count_init(struct tb_count_an *c, const struct tb_recipe_count *spec);
void tb_count_release(struct tb_count_an *c);
/* A function tracer hit: func and caller interned (caller may be NULL). */
int tb_count_function(struct tb_count_an *c, const char *func, const char *caller);
int tb_count_event(struct tb_count_an *c, const struct tb_event *ev);
/* Calls of a balance side "FUNC", "function:FUNC" or "sys:event". */
uint64_t tb_count_calls(const struct tb_count_an *c, const char *what);

/* A put or free merged at most this long before its get/allocation (other CPU) is a
 * cross-CPU timestamp inversion, not an object of its own. */
#define TB_AN_SKEW_NS 100000ULL

/* ---- balance.c ------------------------------------------------------------- */

struct tb_balance_site {
	const char *site;
	uint32_t stack;			/* stack id (group = stack), 0 none */
	uint64_t gets, puts;
	uint64_t held_objects, held_refs;	/* filled by tb_balance_finish */
};

struct tb_balance_an {
	const char *label;
	char *get_desc, *put_desc;
	const char *get_key, *put_key;
	unsigned group_flags;		/* TB_GROUP_*; 0 = none */
	const char *all_sites;
	struct tb_otab objs;		/* key -> outstanding gets by site, unmatched put */
	struct tb_otab sidx;		/* site -> index */
	struct tb_balance_site *sites;
	size_t nsites, asites;
	uint64_t gets, puts, unmatched_puts, hidden, nokey, null_keys;
	uint64_t held_objects, held_refs;
};

int tb_balance_init(struct tb_balance_an *b, const struct tb_recipe_balance *spec);
void tb_balance_release(struct tb_balance_an *b);
int tb_balance_get(struct tb_analysis *an, struct tb_balance_an *b, const struct tb_event *ev);
int tb_balance_put(struct tb_analysis *an, struct tb_balance_an *b, const struct tb_event *ev);
/* Fill held_* per site and overall (idempotent). */
void tb_balance_finish(struct tb_balance_an *b);

/* ---- analysis.c ------------------------------------------------------------ */

struct tb_growth;
struct tb_handlers;

#define TB_AN_NO_SEEN UINT_MAX	/* an evmemo entry not yet given its seen-count */

/*
 * The evmemo slot of an interned event name (the entry is there or in slot ^ 1).
 * Interned names lie close together: a slot by their address bits alone collided.
 * A Fibonacci hash (one multiply: the top bits of the product) spreads them.
 */
#define TB_AN_EVMEMO_BITS 6
#define TB_AN_EVMEMO (1u << TB_AN_EVMEMO_BITS)	/* slots of the per-event memo */
static inline unsigned tb_an_memo_index(const char *name)
{
	return (unsigned)(((uint64_t)(uintptr_t)name * 0x9e3779b97f4a7c15ULL) >>
			  (64 - TB_AN_EVMEMO_BITS));
}

struct tb_analysis {
	struct tb_analysis_opts opts;
	char *recipe_name;
	int automatic;			/* no recipe: analyses chosen from the data */
	struct tb_symbols *syms;
	struct tb_stacks *stacks;
	struct tb_growth *growth;

	struct tb_pair_an *pairs;
	unsigned npairs;
	struct tb_count_an *counts;
	unsigned ncounts;
	struct tb_balance_an *bals;
	unsigned nbals;

	struct tb_handlers *rules;	/* event references -> analyzers */
	struct tb_otab evcache;		/* (system, name) -> handler list */
	/*
	 * In front of evcache: the events met lately, by name pointer (no string
	 * hashing), two ways (an entry is in its slot or the one next to it): the handler
	 * list and the seen-count of each.
	 */
	struct tb_evmemo {
		const char *system, *name;
		size_t list;		/* index into the handler lists */
		unsigned seen;		/* index into seen[]; TB_AN_NO_SEEN: not yet */
	} evmemo[TB_AN_EVMEMO];
	struct tb_otab funccache;	/* function:FUNC references by interned FUNC */

	uint64_t events, matched;
	/* every event name seen in the input and how often (for "none of the recipe's events") */
	struct tb_seen_ev {
		const char *system, *name;	/* interned */
		uint64_t n;
	} *seen;
	unsigned nseen, seen_cap;
	uint64_t first_ts, last_ts;	/* 0: none seen */
	uint64_t lost;
	int lost_unknown;
	uint64_t *lost_cpu;
	unsigned nlost_cpu;
	uint64_t first_lost_ts, last_lost_ts;
	int lost_untimed;		/* some loss came without a time */
	uint64_t last_interval_ts;
	int finished;
	struct tb_grid grid;
	const char *filter_comm;	/* interned --comm */
	/* `run -- COMMAND`: the command's pid and its descendants (opts.pids, then forks) */
	int32_t *tasks;
	size_t ntasks, atasks;
	const char *i_sched, *i_fork;	/* interned "sched", "sched_process_fork" */
	uint64_t forks_followed;	/* children added from fork events */

	/*
	 * Stacks of return probes taken at entry: a kretprobe's own stack is the return
	 * trampoline's on x86_64 (kretprobe_trampoline <- trampoline_handler <- ...), so
	 * the planner adds an entry probe NAME_entry on the same function with the stack;
	 * the entry's stack is kept per task and given to the task's next NAME event.
	 */
	struct tb_stack_join {
		const char *entry, *ret;	/* interned event names */
		struct tb_join_open {
			int32_t pid;
			unsigned n;
			uint64_t *addrs;
			char **syms;
		} *open;
		size_t nopen, aopen;
	} *joins;
	unsigned njoins;
	uint64_t joined;		/* return events given their entry's stack */
	uint64_t optprobe_stacks;	/* stacks dropped: only an optimized kprobe's frame */
};

/*
 * tb_an_stack - ev's stack interned: its id, 0 for none or for a stack that is only an
 * optimized kprobe's detour buffer (counted in optprobe_stacks), -1 on ENOMEM.
 */
int64_t tb_an_stack(struct tb_analysis *an, const struct tb_event *ev);

/* The call site of an event (see pair.c for the rules); interned, never NULL. */
const char *tb_an_site(struct tb_analysis *an, const struct tb_event *ev, uint32_t stack);
/* 1 if ev names its call site in a field (call_site, __probe_ret_ip). */
int tb_an_has_site_field(const struct tb_analysis *an, const struct tb_event *ev);
/*
 * The address in ev's call_site field when it is a number (raw data), else 0: then
 * tb_an_site is that address symbolized, the same string for the same address.
 */
uint64_t tb_an_site_addr(const struct tb_analysis *an, const struct tb_event *ev,
			 unsigned *hint);
/*
 * tb_an_wanted - 1 if ev passes --pid/--comm (or the command's pids): the task that
 * made it is one asked for.  Allocations, gets and counted events only: frees and
 * puts are never filtered (any task may free an object the watched task allocated).
 * Inline: every allocation asks, and most runs filter nothing.
 */
static inline int tb_an_wanted(const struct tb_analysis *an, const struct tb_event *ev)
{
	if (an->opts.pid && ev->pid != an->opts.pid)
		return 0;
	if (an->filter_comm && (!ev->comm || strcmp(ev->comm, an->filter_comm)))
		return 0;
	if (an->opts.npids)
		return tb_analysis_has_task(an, ev->pid);
	return 1;
}
/* Field value as an interned string (numbers in decimal), or NULL. */
const char *tb_an_field_str(const struct tb_event *ev, const char *name);

#endif
