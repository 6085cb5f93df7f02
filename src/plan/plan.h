/*
 * plan.h - a recipe compiled for one kernel: the ordered list of concrete writes to
 * tracefs and /sys/kernel/slab/<cache>/trace (each with how to undo it and why it was
 * chosen), the sources to read and the analyses to run.  Built by plan/plan.c from a
 * recipe and probed capabilities (the pieces are listed in plan/plan-local.h);
 * printed by plan/plan-explain.c (--dry-run); applied and undone by apply/apply.c
 * through the journal (apply/journal.h).
 *
 * The plan carries its own analysis spec (tb_plan.spec): the recipe is only read, so
 * the analyses are built from the plan, where the events standing in for SLUB trace
 * records are already resolved.
 *
 * The planner reads (never writes) the kernel: current values of the files it will
 * write (shown by --dry-run as "replaces"), available_filter_functions, kallsyms,
 * the kprobe blacklist, event directories and slab sysfs.
 */
#ifndef TB_PLAN_PLAN_H
#define TB_PLAN_PLAN_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "kernel/caps.h"
#include "recipe/recipe.h"
#include "util/strlist.h"

/* What a step does to the kernel. */
enum tb_step_kind {
	TB_STEP_WRITE = 1,	/* overwrite the file's single value; undo: write the old value */
	TB_STEP_APPEND,		/* O_APPEND one entry; undo: append step->undo (our entry only) */
	TB_STEP_MKDIR,		/* create an instance directory; undo: rmdir it */
	TB_STEP_KEEP,		/* write nothing; journal the value so restore puts it back: a
				 * file the kernel changes as a side effect of other steps */
	TB_STEP_POKE,		/* write value once; nothing to undo (an action, not a setting:
				 * /sys/kernel/slab/<cache>/shrink) */
};

struct tb_step {
	enum tb_step_kind kind;
	char *path;		/* absolute path of the file (or directory) */
	char *value;		/* what is written (WRITE/APPEND/POKE); KEEP: what restore leaves */
	char *undo;		/* APPEND: the command that removes our entry again */
	char *old;		/* current value when planned (display; apply re-reads it) */
	char *reason;		/* why this step, in the user's words */
	int optional;		/* WRITE: a refusal is noted and the run goes on without it
				 * (a speed-up the capture does not need); journaled all the same */
};

/* Where events are read from. */
enum tb_source_kind {
	TB_SRC_RAW = 1,		/* per_cpu/cpuN/trace_pipe_raw, binary (pointers never hashed) */
	TB_SRC_TEXT,		/* trace_pipe text (fallback) */
};

/* Planner options from the command line. */
struct tb_plan_opts {
	int force;			/* --force: allow what is refused by default */
	int text;			/* --text: read trace_pipe text instead of raw buffers */
	uint64_t duration_ns;		/* -d, 0 = recipe default */
	pid_t pid;			/* names the instance tracebook-<pid> */
	int filter_pid;			/* --pid: allocation events filtered on common_pid (0: none) */
	const char *filter_comm;	/* --comm: said in the plan (filtered in user space) */
	int follow_forks;		/* run -- COMMAND: trace forks to follow its children */
};

struct tb_plan {
	struct tb_step *steps;
	unsigned nsteps, alloc;

	char *trace_dir;		/* tracing dir or instance whose buffers are read */
	char *instance;			/* instance dir we create, or NULL (top level) */
	enum tb_source_kind source;
	char *source_reason;
	int kmsg;			/* read /dev/kmsg (SLUB TRACE records) */
	const struct tb_recipe_snapshot *snapshot;	/* spec.snapshot: what to snapshot, or NULL */
	uint64_t duration_ns;
	unsigned long buffer_kb;	/* per-CPU buffer size asked for (0 = unchanged) */
	int uses_function_tracer;
	int follows_forks;		/* sched:sched_process_fork enabled (follow_forks) */

	struct strlist summary;		/* one line per choice worth telling (report head) */
	struct strlist notes;		/* warnings the reader must see (fallbacks, hashing) */
	struct strlist analyses;	/* "pair LABEL: ..." one line each, for explain */

	/*
	 * The analyses to run, for tb_analysis_new(): a copy of the recipe's name, path,
	 * [pair]/[count]/[balance]/[growth] sections, kprobes (stack joins) and snapshot,
	 * with "slub:alloc"/"slub:free" replaced by the kmem tracepoints that stand in
	 * for them where the SLUB toggle cannot be written.  Owned by the plan; the
	 * other sections (tracepoints, function, slub, params) are left empty.
	 */
	struct tb_recipe spec;
};

/* Upper bounds applied unless --force. */
#define TB_PLAN_MAX_DURATION_NS (86400ULL * 1000000000ULL)	/* 24 h (issue 12: long hunts) */
#define TB_PLAN_DEFAULT_DURATION_NS (60ULL * 1000000000ULL)	/* recipe gave none */
#define TB_PLAN_MAX_BUFFER_KB (64UL * 1024)			/* per CPU */

/**
 * tb_plan_build - compile recipe r for the kernel described by caps.
 * @plan: filled (zeroed first); release with tb_plan_free() whatever the result
 * @r: the recipe; only read.  Where the plan substitutes events (SLUB trace records
 *     replaced by kmem tracepoints when the toggle cannot be written) the change is
 *     made in plan->spec, which the analyses are built from.
 * @caps: the probed capabilities (kernel/caps.h)
 * @o: command-line options
 *
 * Returns 0, or a negative exit code after printing why (TB_EXIT_BADINPUT for what
 * this kernel cannot do, TB_EXIT_REFUSED for refused features, TB_EXIT_USAGE for a
 * duration over the limit, TB_EXIT_BUSY for settings of someone else in the way).
 */
int tb_plan_build(struct tb_plan *plan, const struct tb_recipe *r, const struct tb_caps *caps,
		  const struct tb_plan_opts *o);

/**
 * tb_plan_check - the checks tb_plan_build makes before it writes anything, alone:
 * the recipe's tracepoint filters against this kernel's format of each event, its
 * cache names (cache =, [slub-trace]) against the caches it has.  For `check`.
 * Returns 0, or -TB_EXIT_BADINPUT after printing why.
 */
int tb_plan_check(const struct tb_recipe *r, const struct tb_caps *caps);

/**
 * tb_plan_free - release everything the plan owns (steps, strings, spec).
 * @plan: may be NULL; zeroed afterwards
 */
void tb_plan_free(struct tb_plan *plan);

/**
 * tb_plan_explain - print the plan (--dry-run): every write in order, what it
 * replaces, and why; then the sources, the analyses and the notes.
 * @plan: a built plan (its spec names the recipe)
 * @caps: the capabilities it was built for (release, tracefs)
 * @out: where to print
 */
void tb_plan_explain(const struct tb_plan *plan, const struct tb_caps *caps, FILE *out);

/**
 * tb_kprobe_translate - one portable kprobe into this kernel's kprobe_events line.
 * @kp: the recipe's kprobe (args "name=fetch[:type]" with $argN/$retval)
 * @caps: the kernel's kprobe syntax (machine registers, $argN, types)
 * @out: receives e.g. "p:tracebook/kernfs_new kernfs_new_node name=+0(%si):string"
 * Returns 0, or -TB_EXIT_BADINPUT after printing what this kernel cannot do.
 */
struct strbuf;
int tb_kprobe_translate(const struct tb_recipe_kprobe *kp, const struct tb_caps *caps,
			struct strbuf *out);

/* The kprobe group tracebook puts its events in. */
#define TB_KPROBE_GROUP "tracebook"

/**
 * tb_near_names - symbol names near name (prefix / edit distance), for "did you mean".
 * @name: the name not found
 * @text: a symbol list, one name a line (or /proc/kallsyms text)
 * @kallsyms_format: 1 if text is in /proc/kallsyms format
 *
 * Returns a malloc'd "a, b, c" or "", NULL on ENOMEM.
 */
char *tb_near_names(const char *name, const char *text, int kallsyms_format);

#endif
