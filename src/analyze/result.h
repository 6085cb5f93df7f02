/*
 * result.h - the result of a run or an analysis as plain owned data (no pointers into
 * the analysis): built here from a finished analysis and the run's facts
 * (tb_report_build), rendered by report/ (text, JSON, folded, diff), and read back
 * from JSON by report/json-read.c into the same model.
 */
#ifndef TB_ANALYZE_RESULT_H
#define TB_ANALYZE_RESULT_H

#include <stdint.h>
#include "util/procfs.h"	/* the snapshot kinds, TB_PROC_* */
#include "util/strlist.h"

struct tb_analysis;

/* Malformed input lines that could have been events of one name ("slub:alloc|free"). */
struct tb_unread {
	const char *event;
	uint64_t n;
};

/* Facts about where the events came from, printed at the head of every report. */
struct tb_run_info {
	const char *kernel_release;	/* NULL when unknown (offline) */
	const char *arch;
	const char *recipe;		/* recipe name, or NULL */
	const char *source;		/* "raw per-CPU buffers", "trace_pipe text (fallback)", "files: a b" */
	struct strlist plan_summary;	/* one line per plan choice worth telling */
	struct strlist notes;		/* warnings the reader must see (fallbacks, hashed pointers) */
	uint64_t duration_ns;
	uint64_t events;		/* events decoded */
	uint64_t lost;			/* events the kernel lost (known count) */
	int lost_unknown;		/* the kernel said some were lost, count unknown */
	unsigned ncpus;
	const uint64_t *lost_per_cpu;	/* ncpus entries, or NULL */
	const struct tb_unread *unread;	/* malformed lines by the events they could have been */
	size_t nunread;
	int partial;			/* the run goes on: a checkpoint (duration_ns = through) */
};


/* A group's outstanding objects and bytes at the points of its run (t_ns[0] = 0). */
struct tb_rtrend {
	uint64_t interval_ns;
	size_t n;			/* points; 0: no trend kept */
	uint64_t *t_ns, *count, *bytes;
};

/* A task that made a group's allocations. */
struct tb_rtask {
	char *comm;			/* NULL unknown */
	int32_t pid;			/* -1 unknown */
	uint64_t allocs;
};

/* Outstanding objects of one group of a pair analysis. */
struct tb_rsite {
	char *site, *by;		/* by may be NULL */
	char **stack;			/* frames, innermost first */
	unsigned nstack;
	uint64_t count, bytes, req;	/* outstanding */
	uint64_t allocs, frees, implicit;
	int64_t oldest_ns;		/* age of the oldest outstanding object at the end; -1 unknown */
	int64_t certain;		/* of count, allocated after the last lost event; -1 unknown */
	int64_t median_ns;		/* median age of its outstanding objects; -1 unknown */
	struct tb_rtrend trend;
	int verdict;			/* enum tb_verdict (analyze/trend.h) */
	char *why;			/* the verdict's reason, or NULL */
	double objects_h, bytes_h;	/* rate per hour (trend.h) */
	struct tb_rtask *tasks;		/* most allocations first */
	size_t ntasks;
	uint64_t other_tasks;		/* allocations of tasks not listed */
	uint64_t *addrs;		/* --addresses: outstanding keys, oldest first */
	size_t naddrs;
	uint64_t addrs_omitted;		/* outstanding keys not listed */
	int addrs_listed;		/* addresses were asked for */
};

/* Free what a site owns beyond its strings and frames (trend, reason, tasks, addresses). */
void tb_rsite_free_extras(struct tb_rsite *s);

struct tb_rpair {
	char *label, *alloc, *free;
	uint64_t allocs, frees, unmatched_frees, null_frees, failed_allocs;
	uint64_t implicit_frees, cross_cpu_frees, inversions, hidden, hashed, nokey;
	uint64_t unread;		/* malformed lines that could have been its events */
	uint64_t uncertain;		/* of count, how many may be wrong (upper bound) */
	uint64_t count, bytes, req;	/* outstanding, all groups */
	uint64_t groups;		/* groups in total (sites holds the top ones) */
	double bytes_per_object;	/* analyzer memory per outstanding object (0 unknown) */
	uint64_t filtered;		/* allocations of other tasks left out (--pid/--comm) */
	uint64_t untracked_allocs;	/* allocations past the cap on tracked objects */
	uint64_t max_objects;		/* that cap (0 unknown) */
	uint64_t untracked_groups;	/* groups past the cap on groups with a trend */
	uint64_t older_ns;		/* --older: only objects older than this (0: all) */
	uint64_t older_hidden;		/* outstanding objects younger than that, not shown */
	struct tb_rsite *sites;		/* sorted by outstanding bytes, then count */
	size_t nsites;
};

/* One row of a count analysis; caller NULL = all callers of function. */
struct tb_rcount {
	char *label, *function, *caller;
	uint64_t calls;
	uint64_t fn_total;		/* calls of function (sort key; not in JSON) */
};

struct tb_revent {
	char *label, *event;
	uint64_t count;
};

struct tb_rcaller {
	char *caller;
	uint64_t a_calls, b_calls;
};

/* A declared "A:B" pair of a count analysis: do the calls balance? */
struct tb_rverdict {
	char *label, *a, *b;
	uint64_t a_calls, b_calls;
	struct tb_rcaller *callers;
	size_t ncallers;
};

struct tb_rbsite {
	char *site;
	char **stack;			/* frames when grouped by stack, innermost first */
	unsigned nstack;
	uint64_t objects, refs, gets, puts;
};

/* A get/put (refcount) balance analysis. */
struct tb_rbal {
	char *label, *get, *put;
	uint64_t gets, puts, held_objects, held_refs, unmatched_puts, hidden, nokey;
	uint64_t unread, uncertain;	/* as in struct tb_rpair, of held_objects */
	struct tb_rbsite *sites;	/* sorted by held objects */
	size_t nsites;
};

/* ---- growth: /proc snapshots over time (analyze/growth.c builds it) ---------------- */

/* One slab cache: the last snapshot and its change; rates valid when span_ns. */
struct tb_rcache {
	char *name;
	char **aliases;			/* other names merged into it (sysfs), in sysfs order */
	size_t naliases;
	uint32_t objsize;
	uint64_t active, num, size;	/* last snapshot (0 when gone) */
	int64_t d_active, d_num, d_size;	/* since the first snapshot */
	int64_t i_active, i_size;		/* over the last interval */
	double active_h, obj_bytes_h, size_h;	/* per hour */
	int is_new, gone, focus;
	int64_t *series;		/* active objects at each slab point (tb_rgrowth
					   slab_pts), -1 where absent; NULL: none kept */
};

/*
 * The snapshots a growth series has a point for (at most TB_GROWTH_MAX_POINTS: a long
 * watch is decimated, the first and the last snapshot always kept).
 */
struct tb_rpoints {
	size_t n;			/* 0: no series */
	unsigned *snap;			/* n: index of the snapshot (0 = the first) */
	uint64_t *t_ns;			/* n: time since the first; NULL when unknown */
};

/* A /proc/meminfo line (kB) in the first and the last snapshot. */
struct tb_rmem {
	char *key;
	int64_t first, last;
	double per_hour;		/* valid when has_rate */
	int has_rate;
	int64_t *series;		/* kB at each meminfo point (tb_rgrowth mem_pts),
					   -1 where absent; NULL: none kept */
};

/* A /proc/vmstat counter: its change, and its values when known (not in vmstat). */
struct tb_rvm {
	char *key;
	int64_t first, last, delta;
	int known;			/* first and last known (not only the delta) */
};

struct tb_rzone {
	int node;
	char *zone;
	unsigned norders;
	uint64_t *free;			/* norders, last snapshot */
	int64_t *delta;			/* norders since the first, or NULL */
};

struct tb_rgrowth {
	unsigned snapshots[TB_PROC_KINDS];	/* how many of each kind (util/procfs.h) */
	uint64_t span_ns;		/* first to last slab snapshot; 0 unknown */
	uint64_t last_span_ns;		/* the last interval; 0 unknown */
	int span_as_given;		/* span from --between, not from the snapshots */
	char *format;			/* slab snapshot format name, NULL without one */
	struct tb_rcache *caches;	/* by growth (2+ snapshots) or by size (one) */
	size_t ncaches;
	struct tb_rmem *mem;		/* meminfo lines known in both snapshots */
	size_t nmem;
	struct tb_rvm *vmstat;		/* every counter that changed */
	size_t nvmstat;
	struct tb_rvm *vmrows;		/* compaction then reclaim counters (text rows) */
	size_t nvmrows;
	int compaction;			/* -1 unknown, 0 skipped, 1 ran (2+ vmstat snapshots) */
	int64_t compact_stalls;
	struct tb_rzone *zones;		/* buddyinfo, last snapshot */
	size_t nzones;
	struct tb_rpoints slab_pts;	/* the slab series' points (2+ slab snapshots) */
	struct tb_rpoints mem_pts;	/* the meminfo series' points (2+ meminfo snapshots) */
};

/*
 * Caches with a series: the first TB_RGROWTH_SERIES caches in growth order that grew
 * in bytes or are in the recipe's focus (the lines of the HTML slab chart).
 */
#define TB_RGROWTH_SERIES 8
/* 1 if cache c (of a list in growth order) is charted: grew in bytes or is in focus */
int tb_rcache_charted(const struct tb_rcache *c);

/* 1 if at least two snapshots of one kind were taken (there is growth to tell). */
int tb_rgrowth_has_result(const struct tb_rgrowth *g);
struct tb_rgrowth *tb_rgrowth_alloc(void);
/* Growth in bytes of a cache's active objects (delta_obj_bytes). */
int64_t tb_rcache_obj_bytes(const struct tb_rcache *c);
/* qsort orders of caches: by tb_rcache_obj_bytes, then size, then name; by size, then name. */
int tb_rcache_cmp_growth(const void *a, const void *b);
int tb_rcache_cmp_size(const void *a, const void *b);
void tb_rgrowth_free(struct tb_rgrowth *g);

struct tb_report {
	char *origin;			/* JSON file it was read from, or NULL */
	char *tool, *version;
	char *kernel_release, *arch, *recipe, *source;
	struct strlist plan, notes;
	uint64_t duration_ns;		/* first to last event; 0 unknown */
	uint64_t events, lost;
	int lost_unknown;
	uint64_t *lost_per_cpu;
	unsigned ncpus;
	double lost_from_s, lost_to_s;	/* when events were lost (s into the run); -1 unknown */
	struct tb_rpair *pairs;
	size_t npairs;
	struct tb_rcount *counts;
	size_t ncounts;
	struct tb_revent *evcounts;
	size_t nevcounts;
	struct tb_rverdict *verdicts;
	size_t nverdicts;
	struct tb_rbal *bals;
	size_t nbals;
	struct tb_rgrowth *growth;	/* /proc snapshot growth, or NULL */
	struct tb_revent *seen;		/* events in the input by name ("kmem:kfree"), most first */
	size_t nseen;
	int seen_known;			/* seen was recorded (reports before it: unknown) */
	int schema;			/* JSON schema version read (0: written here) */
	uint64_t interval_ns;		/* the trend interval (0: none) */
	unsigned coarsened;		/* times the trend interval doubled to stay bounded */
	int partial;			/* written during the run: through duration_ns only */
};

/* The JSON report's schema version (docs/report-schema.md). */
#define TB_REPORT_SCHEMA 3

/*
 * Did the analysis see any of its events?  An analysis that saw none has no verdict
 * ("balanced", "nothing outstanding" would be a guess).
 */
int tb_rpair_saw_events(const struct tb_rpair *p);
int tb_rverdict_saw_events(const struct tb_rverdict *v);
int tb_rbal_saw_events(const struct tb_rbal *b);
/*
 * 1 when the report is of a recipe none of whose analyses saw any of its events (and
 * no /proc snapshot growth either): the data cannot support any verdict.
 */
int tb_report_no_verdict(const struct tb_report *rep);

/* Groups kept per pair analysis in the report (JSON); the text shows --top of them. */
#define TB_REPORT_MAX_SITES 1000

/* ---- --interval: growth since the previous interval (tb_analysis_interval) ---- */

#define TB_INTERVAL_TOP 5	/* groups shown per pair analysis */

struct tb_interval_group {
	int64_t dcount, dbytes;		/* change since the previous interval */
	const char *site, *by;		/* the analysis' strings (by may be NULL) */
};

struct tb_interval_pair {
	const char *label;
	uint64_t count, bytes;		/* outstanding now */
	int64_t dcount, dbytes;		/* change since the previous interval, all groups */
	struct tb_interval_group top[TB_INTERVAL_TOP];	/* most grown first */
	unsigned ntop;
};

/* Valid while the analysis lives. */
struct tb_interval {
	uint64_t since_start_ns;	/* time of the interval since the first event */
	struct tb_interval_pair *pairs;
	unsigned npairs;
};

/*
 * tb_report_build - the result of analysis an (finished here, see tb_analysis_finish;
 * with info->partial only checkpointed, see tb_analysis_checkpoint, so events can
 * follow) with the run's facts.  Returns a report to free with tb_report_free, or NULL after
 * printing why.
 */
struct tb_report *tb_report_build(struct tb_analysis *an, const struct tb_run_info *info);
/*
 * tb_report_name_tasks - give the tasks of every group that have no name the one
 * comm_of returns for their pid (raw captures carry only common_pid: `run` names
 * them from the kernel's saved_cmdlines).  Returns the tasks named, or -1 on ENOMEM.
 */
long tb_report_name_tasks(struct tb_report *rep, const char *(*comm_of)(void *ctx, int32_t pid),
			  void *ctx);
/* An empty report (for readers that fill one in); NULL on ENOMEM. */
struct tb_report *tb_report_alloc(void);
void tb_report_free(struct tb_report *rep);

#endif
