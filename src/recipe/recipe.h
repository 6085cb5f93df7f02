/*
 * recipe.h - the recipe model: what the user wants traced and concluded, independent
 * of kernel version.  Parsed from INI-style files (recipe/recipe-parse.c, with inih)
 * after parameter substitution; validated without touching the kernel.
 *
 * File format (see recipes/NAME.recipe and README.md "Writing a recipe"):
 *
 *   [recipe]            name, summary, symptom, description, duration
 *   [param NAME]        default, help                      (one per parameter)
 *   [function]          functions (globs), stack
 *   [tracepoint SYS:EV] filter, stack, cache
 *   [kprobe NAME]       probe (SYM[+OFF]), return (yes/no), args, filter, stack
 *   [slub-trace]        caches
 *   [snapshot]          files (slabinfo meminfo vmstat buddyinfo), interval
 *   [pair LABEL]        alloc, free (event lists), key | alloc_key + free_key,
 *                       size, requested, group (site|stack|site+stack), by
 *   [count LABEL]       functions, events, by (caller|none), balance (A:B ...)
 *   [balance LABEL]     get, put (event lists), key | get_key + put_key, group
 *   [growth]            caches (optional focus list), from (slabinfo meminfo vmstat)
 *
 * Values may use ${param}, ${param:-default} and ${param:+text} (shell meaning); a
 * key whose value is empty after substitution counts as not given.
 *
 * Event references in pair/count/balance: "sys:event" for tracepoints,
 * "kprobe:NAME" (or bare NAME) for a [kprobe NAME] of the same recipe,
 * "function:FUNC" for function tracer hits of FUNC, "slub:alloc"/"slub:free" for
 * SLUB TRACE kernel-log records.
 */
#ifndef TB_RECIPE_RECIPE_H
#define TB_RECIPE_RECIPE_H

#include <stdint.h>
#include "util/strlist.h"

/* Group-by flags of pair and balance analyses. */
#define TB_GROUP_SITE	0x1
#define TB_GROUP_STACK	0x2

struct tb_recipe_param {
	char *name;
	char *def;		/* default ("" = unset) */
	char *help;
	char *value;		/* effective value after command-line assignment */
	int line;
};

struct tb_recipe_function {
	struct strlist funcs;	/* globs for set_ftrace_filter */
	int stack;		/* func_stack_trace */
	int line;
};

struct tb_recipe_tracepoint {
	char *system, *event;
	char *filter;		/* kernel filter expression, or NULL */
	int stack;
	char *cache;		/* narrow to this slab cache (planner makes the filter), or NULL */
	int line;
};

struct tb_recipe_kprobe {
	char *name;		/* event name (explicit, always) */
	char *probe;		/* SYM[+OFF] */
	int is_return;
	struct strlist args;	/* "name=fetch[:type]" written portably ($argN, $retval) */
	char *filter;
	int stack;
	int line;
};

struct tb_recipe_slub {
	struct strlist caches;
	int line;
};

struct tb_recipe_snapshot {
	struct strlist files;	/* slabinfo meminfo vmstat buddyinfo */
	uint64_t interval_ns;	/* 0 = start and end only */
	int line;
};

struct tb_recipe_pair {
	char *label;
	struct strlist alloc, free;	/* event references */
	char *alloc_key, *free_key;	/* field names */
	char *size;			/* bytes field (bytes_alloc), or NULL */
	char *requested;		/* bytes_req, or NULL */
	unsigned group;			/* TB_GROUP_* */
	char *by;			/* extra grouping field (e.g. cache), or NULL */
	int line;
};

struct tb_recipe_count {
	char *label;
	struct strlist funcs;		/* function tracer functions to count */
	struct strlist events;		/* other events to count */
	int by_caller;
	struct strlist balance;		/* "A:B" pairs whose call counts should balance */
	int line;
};

struct tb_recipe_balance {
	char *label;
	struct strlist get, put;
	char *get_key, *put_key;
	unsigned group;
	int line;
};

struct tb_recipe_growth {
	int enabled;
	struct strlist caches;		/* focus, may be empty */
	struct strlist from;		/* slabinfo meminfo vmstat */
	int line;
};

struct tb_recipe {
	char *path;			/* file it came from ("<builtin>" for synthesized) */
	char *name, *summary, *symptom, *description;
	uint64_t duration_ns;		/* default duration; 0 = none given */

	struct tb_recipe_param *params;
	unsigned nparams;

	struct tb_recipe_function *function;	/* NULL: no function tracer */
	struct tb_recipe_tracepoint *tps;
	unsigned ntps;
	struct tb_recipe_kprobe *kps;
	unsigned nkps;
	struct tb_recipe_slub *slub;		/* NULL: none */
	struct tb_recipe_snapshot *snapshot;	/* NULL: none */

	struct tb_recipe_pair *pairs;
	unsigned npairs;
	struct tb_recipe_count *counts;
	unsigned ncounts;
	struct tb_recipe_balance *balances;
	unsigned nbalances;
	struct tb_recipe_growth *growth;	/* NULL: none */
};

/*
 * tb_recipe_find - resolve NAME or PATH to a recipe file path.
 * A name is looked up in the recipe library directories (TRACEBOOK_RECIPES env,
 * then <exe dir>/recipes, <exe dir>/../share/tracebook/recipes, then the compiled-in
 * TB_RECIPE_DIR).  Returns a malloc'd path, or NULL after printing what was tried.
 */
char *tb_recipe_find(const char *name_or_path);

/*
 * tb_recipe_load - parse and validate a recipe file.
 * @path: the recipe file
 * @assign: command-line "param=value" assignments (may be NULL)
 * @out: filled on success; release with tb_recipe_free()
 *
 * Every problem is printed as "FILE:LINE: <what> '<text>': expected <what>", all of
 * them, not just the first.  Returns 0, or -TB_EXIT_BADINPUT.
 */
int tb_recipe_load(const char *path, const struct strlist *assign, struct tb_recipe *out);

/* Same, from a string (tests, embedded default); name is used in messages. */
int tb_recipe_load_string(const char *name, const char *text,
			  const struct strlist *assign, struct tb_recipe *out);

void tb_recipe_free(struct tb_recipe *r);

/* Directories searched for recipes by name, in order (for `tracebook recipes`). */
int tb_recipe_dirs(struct strlist *out);

#endif
