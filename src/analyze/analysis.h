/*
 * analysis.h - the analyzers (pair, count, balance, growth) behind one handle.
 *
 * Built from a recipe's [pair]/[count]/[balance]/[growth] declarations; fed events
 * through a struct tb_sink (in global timestamp order where the source can give it;
 * the pair analyzer tolerates small cross-CPU inversions) and /proc snapshots; turned
 * into a result (analyze/result.h) that report/ renders.  One implementation serves
 * `run` (live) and `analyze` (offline).  Single-threaded: feed it from one thread.
 */
#ifndef TB_ANALYZE_ANALYSIS_H
#define TB_ANALYZE_ANALYSIS_H

#include <stdio.h>
#include <stdint.h>
#include "analyze/result.h"
#include "event/event.h"
#include "recipe/recipe.h"

struct tb_analysis;

struct tb_analysis_opts {
	const char *kallsyms;	/* path to symbolize raw addresses (NULL: /proc/kallsyms) */
	int live;		/* 1: events come from this running kernel */
	uint64_t interval_ns;	/* trend interval; 0: a tenth of the span, at least 1 s */
	uint64_t older_ns;	/* report only objects older than this (0: all) */
	unsigned addresses;	/* list up to this many outstanding addresses per group */
	int pid;		/* count only allocations of this pid (0: all) */
	const char *comm;	/* ... and of tasks of this name (NULL: all) */
	const int32_t *pids;	/* or of these pids (a command and its children), npids */
	size_t npids;
	int follow_forks;	/* with pids: sched:sched_process_fork events whose parent is
				 * one of them add the child (a command's children) */
	uint64_t max_objects;	/* tracked objects per pair analysis (0: the default) */
	const char *sysroot;	/* prefix of /sys for cache object sizes (tests); NULL: / */
};

/*
 * tb_analysis_new - the analyzers of recipe r.
 * @r: the recipe (its pair/count/balance/growth sections); NULL = decide from the
 *     data: kmem alloc/free paired by ptr, mm_page_alloc/free by pfn, SLUB TRACE
 *     records by ptr per cache, function tracer hits counted by caller, any
 *     other event counted by name; analyses that saw no event are left out of
 *     the report.  The analysis keeps no pointer
 *     into r.
 * @o: options (may be NULL).  Raw addresses are symbolized with o->kallsyms, else
 *     /proc/kallsyms when o->live, else not at all (offline data from another box).
 * Returns NULL after printing why (ENOMEM, or a declaration it cannot honour).
 */
struct tb_analysis *tb_analysis_new(const struct tb_recipe *r, const struct tb_analysis_opts *o);
void tb_analysis_free(struct tb_analysis *an);

/* The sink that feeds this analysis. */
struct tb_sink tb_analysis_sink(struct tb_analysis *an);

/*
 * tb_analysis_fields - the names of the event fields the sink reads (interned), for a
 * decoder that can leave the others out.  Returns a malloc'd array of *n names (free
 * it), or NULL with *n 0: every field (no recipe: the analyses are chosen from the
 * data), or out of memory.
 */
const char **tb_analysis_fields(const struct tb_analysis *an, size_t *n);

/*
 * A /proc snapshot for the growth analyzer.
 * @what: "slabinfo", "meminfo", "vmstat" or "buddyinfo"
 * @wall_ns: CLOCK_REALTIME (or the time the file says it was taken) in ns
 * @text: the file's contents
 */
int tb_analysis_snapshot(struct tb_analysis *an, const char *what, uint64_t wall_ns,
			 const char *text);
/* Same, for a file: @origin (its name) is what messages about its lines name. */
int tb_analysis_snapshot_from(struct tb_analysis *an, const char *what, uint64_t wall_ns,
			      const char *text, const char *origin);

/*
 * tb_analysis_finish - end of input: flush end-of-input state of every analyzer
 * (frees still waiting for a late alloc become unmatched).  Idempotent; the report
 * builder calls it too.
 */
void tb_analysis_finish(struct tb_analysis *an);

/*
 * tb_analysis_checkpoint - bring the figures a report reads up to date without ending
 * the input (a report written during the run): balances recount what is held; frees
 * still waiting for a late allocation keep waiting.  Events may follow.
 */
void tb_analysis_checkpoint(struct tb_analysis *an);

/*
 * The top growing groups of every pair analysis since the previous call (--interval),
 * into iv (report/ renders it; release with tb_interval_release).  0 or -1 on ENOMEM.
 */
int tb_analysis_interval(struct tb_analysis *an, uint64_t ts_ns, struct tb_interval *iv);
void tb_interval_release(struct tb_interval *iv);

/*
 * tb_analysis_add_task - count allocations of task pid too (`run -- COMMAND`: the
 * command once started; its children when found by polling /proc).  Returns 1 when
 * added, 0 when already there, -1 on ENOMEM.  Only with opts.pids set.
 */
int tb_analysis_add_task(struct tb_analysis *an, int32_t pid);
/* 1 if allocations of task pid are counted (it is one of the tasks followed). */
int tb_analysis_has_task(const struct tb_analysis *an, int32_t pid);
/* Children added from fork events (sched:sched_process_fork) so far. */
uint64_t tb_analysis_forks_followed(const struct tb_analysis *an);

/* Live status numbers (status line); runs the pair analyses' waiting table work first. */
struct tb_analysis_status {
	uint64_t events, lost, outstanding;
};
void tb_analysis_status(struct tb_analysis *an, struct tb_analysis_status *st);

#endif
