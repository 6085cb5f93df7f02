/*
 * plan-local.h - private declarations shared by the planner's files: the builder
 * that tb_plan_build (plan.c) hands to each piece, the list of events the plan
 * enables, and the helpers each file offers the others.
 *
 * Who owns what:
 *   plan.c            tb_plan_build (duration, source, place, order of the pieces), free
 *   plan-step.c       steps (write, append, mkdir, poke, keep) and the summary/notes
 *   plan-event.c      the event list, hot events, and the event writes (filter, stack, enable)
 *   plan-tracepoint.c recipe [tracepoint] sections into the event list
 *   plan-cache.c      slab cache names, sizes and the filters that narrow kmem events
 *   plan-slub.c       SLUB trace toggles, or the kmem-tracepoint fallback
 *   plan-kprobe.c     kprobe definitions (syntax per kernel, symbol checks, writes)
 *   plan-function.c   the function tracer
 *   plan-stack.c      how stacks are taken (trigger or option) and when they are dropped
 *   sizing.c          the per-CPU buffer size step
 *   plan-spec.c       the analyses the plan carries (resolved copy of the recipe's)
 *   plan-explain.c    --dry-run output
 */
#ifndef TB_PLAN_PLAN_LOCAL_H
#define TB_PLAN_PLAN_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/ksyms.h"	/* symbol lists: tb_sym_count, tb_sym_near */
#include "plan/plan.h"
#include "util/err.h"		/* TB_PRINTF */

/* ---- the builder ---------------------------------------------------------------- */

/* One event the plan enables (from a tracepoint, a kprobe or the SLUB fallback). */
struct plan_event {
	char *system, *event;
	char *filter;		/* kernel filter, or NULL */
	int stack;
	int line;
	const char *why;	/* where it comes from */
};

struct plan_ev_list {
	struct plan_event *v;
	unsigned n, alloc;
};

/* How per-event stacks are recorded. */
enum tb_stack_mode {
	TB_STACKS_NONE = 0,	/* not at all (none asked for, none possible, or dropped) */
	TB_STACKS_TRIGGER,	/* a `stacktrace` trigger per event (3.14+) */
	TB_STACKS_OPTION,	/* the stacktrace option of the buffer, narrowed by event filters */
};

/* State of one tb_plan_build call, passed to each piece. */
struct plan_builder {
	struct tb_plan *p;
	const struct tb_recipe *r;
	const struct tb_caps *caps;
	const struct tb_plan_opts *o;
	struct plan_ev_list evs;
	char *base;		/* where event/options files are written: tracefs or instance */
	int use_instance;	/* events go into instances/tracebook-<pid> */
	int trig_in_inst;	/* a stacktrace trigger in an instance writes to its buffer */
	char trig_why[256];	/* why (or why not), in words */
	enum tb_stack_mode stack_mode;
	int want_stacks;	/* some event asked for stacks */
	struct strlist toggle_paths, toggle_reasons;	/* SLUB trace toggles, written last */
	struct strlist slub_alloc, slub_free;	/* events standing in for slub:alloc/free */
	int slub_fell_back;	/* some SLUB cache fell back to kmem tracepoints */
};

/* ---- steps and messages (plan-step.c) ---------------------------------------------- */

/* Append a step (strings copied); NULL on ENOMEM. */
struct tb_step *plan_add_step(struct tb_plan *p, enum tb_step_kind kind, const char *path,
			      const char *value, const char *undo, const char *reason);
/* A WRITE step; its old value is read from path now (for --dry-run). 0 or -errno-style. */
int plan_write(struct tb_plan *p, const char *path, const char *value, const char *reason);
int plan_append(struct tb_plan *p, const char *path, const char *value, const char *undo,
		const char *reason);
int plan_mkdir(struct tb_plan *p, const char *path, const char *reason);
/* One line of the plan's summary / notes (printf format). */
void plan_summary(struct tb_plan *p, const char *fmt, ...) TB_PRINTF(2, 3);
void plan_note(struct tb_plan *p, const char *fmt, ...) TB_PRINTF(2, 3);

/* ---- events (plan-event.c) --------------------------------------------------------- */

/* Add an event, or widen the filter of the same event already there (filters ORed). */
int plan_ev_add(struct plan_ev_list *l, const char *sys, const char *ev, const char *filter,
		int stack, int line, const char *why);
void plan_ev_free(struct plan_ev_list *l);
/* Does events/SYS/EV exist at the top level of this kernel's tracefs? */
int plan_event_exists(const struct tb_caps *caps, const char *sys, const char *ev);
/* Events whose every occurrence is too frequent for stacks without a filter. */
int tb_event_is_hot(const char *system, const char *event);
/* Filters, stacks and enables of the collected events. */
int plan_events(struct plan_builder *b);

/* ---- the pieces ------------------------------------------------------------------- */

int plan_tracepoints(struct plan_builder *b);	/* plan-tracepoint.c */
int plan_pid_filter(struct plan_builder *b);	/* plan-pid.c: --pid in the kernel */
int plan_follow_forks(struct plan_builder *b);	/* plan-pid.c: -- COMMAND's children */
int plan_slub(struct plan_builder *b);		/* plan-slub.c: toggles chosen, or fallback events */
int plan_slub_toggles(struct plan_builder *b);	/* plan-slub.c: the toggle writes (last) */
int plan_kprobes(struct plan_builder *b);	/* plan-kprobe.c */
/* plan-kprobe.c: kprobes-optimization off on 32-bit ARM when kprobes take stacks. */
int plan_kprobe_optimization(struct plan_builder *b);
int plan_function(struct plan_builder *b);	/* plan-function.c */
int plan_buffer(struct plan_builder *b);	/* sizing.c */

/* plan-stack.c: fills b->trig_in_inst and b->trig_why. */
void plan_trigger_place(struct plan_builder *b);
/* plan-stack.c: b->stack_mode for the chosen place; drops stacks a global option would
 * put on unfiltered hot events (unless --force). */
void plan_stacks(struct plan_builder *b);

/* plan-spec.c: the plan's own copy of the analyses, slub refs resolved; explain lines. */
int plan_spec(struct plan_builder *b);

/* ---- slab caches (plan-cache.c) ---------------------------------------------------- */

/* A usable cache name: no '/', "..", whitespace, quotes or backslashes. */
int plan_safe_name(const char *s);
/* The object size of a kmalloc-N / kmalloc-Nk cache name, or 0. */
unsigned long plan_kmalloc_size(const char *cache);
/* The number in a one-line file, 0 if unreadable. */
unsigned long plan_read_ulong(const char *path);
/*
 * The kernel filter that narrows kmem event ev to cache (malloc'd), or NULL with *why
 * set; *approximate set when narrowed by object size (other caches of that size too).
 */
char *plan_cache_filter(const struct tb_caps *caps, const char *ev, const char *cache,
			const char **why, int *approximate);

/* ---- checks before anything is written (plan-check.c) ----------------------------- */

/*
 * Refuse (TB_EXIT_BADINPUT, message printed) a cache this kernel does not have, with
 * near names; 0 when it has it or nothing can be read to tell.
 */
int plan_check_cache(struct plan_builder *b, const char *cache, int line);
/*
 * Refuse a filter of SYS:EV that this kernel's format of the event would reject (or
 * that can never match: bytes_alloc of a size no cache has); 0 when it fits.
 */
int plan_check_filter(struct plan_builder *b, const char *sys, const char *ev,
		      const char *filter, int line);

/* ---- buffer sizing (sizing.c) ---------------------------------------------------- */

/*
 * The per-CPU buffer size (KiB) for an expected rate (events/s, 0: assume 2 M/s)
 * landing on one CPU, with ncpus CPUs and mem_avail_kb of MemAvailable (0 unknown):
 * 250 ms of that rate at 64 bytes per event, at least 8 MiB, at most 1/8 of
 * MemAvailable over all CPUs, never below current_kb, a multiple of 4 KiB.
 */
unsigned long tb_buffer_kb_for(uint64_t rate, unsigned ncpus, uint64_t mem_avail_kb,
			       unsigned long current_kb);
/*
 * tb_buffer_kb - per-CPU buffer size to ask for, from the expected event rate
 * (events/s, 0 unknown), this machine's CPUs and MemAvailable.  Never less than
 * the current size.
 */
unsigned long tb_buffer_kb(const struct tb_caps *caps, uint64_t expected_rate,
			   unsigned long current_kb);

#endif
