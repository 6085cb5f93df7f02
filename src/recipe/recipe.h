/*
 * recipe.h - the recipe model: what the user wants traced and concluded, independent
 * of kernel version.  Read from INI-style files by our own line reader (recipe-read.c), after
 * parameter substitution (recipe-params.c); validated without touching the kernel
 * (recipe-validate.c); found by name or path, or in the embedded library
 * (recipe-find.c).
 *
 * File format (the shipped files in recipes/ are examples; docs/recipes.md "Writing a recipe"):
 *
 *   [recipe]            name, summary (required); symptom, description, duration
 *   [param NAME]        default, help, required (yes/no), type (string number size
 *                       duration bool cache symbol: values are checked and normalised;
 *                       sizes become bytes, bools "yes" or empty)
 *   [function]          functions (globs, never a bare '*'), stack
 *   [tracepoint SYS:EV] filter, stack, cache (kmem only: the planner narrows to that
 *                       cache), optional (skip when this kernel lacks the event)
 *   [kprobe NAME]       probe (SYM[+OFF]), return (yes/no), args, filter, stack
 *   [slub-trace]        caches
 *   [snapshot]          files (slabinfo meminfo vmstat buddyinfo), interval
 *   [pair LABEL]        alloc, free (event lists), key | alloc_key + free_key,
 *                       size, requested, group (site|stack|site+stack|none), by
 *   [count LABEL]       functions, events, by (caller|none), balance (A:B ...)
 *   [balance LABEL]     get, put (event lists), key | get_key + put_key, group
 *   [growth]            caches (optional focus list), from (files the snapshot takes)
 *
 * Lines: '#' or ';' starts a comment line; " ;" starts a comment after a value; an
 * indented line continues the previous value (descriptions keep the line breaks,
 * other values join with a space); at most 196 characters a line.  Keys appear once
 * per section; [recipe], [function], [slub-trace], [snapshot] and [growth] once.
 *
 * Values may use ${param}, ${param:-default} and ${param:+text} (shell meaning, text
 * may nest references; a lone '$' as in $arg1 is literal).  A key whose value is empty
 * after substitution counts as not given.  A boolean value of several words is yes if
 * any word is: "stack = ${size:+yes} ${cache:+yes}".  group likewise takes several
 * words ("site ${size:+stack}").
 *
 * kprobe args: NAME=FETCH[:TYPE] separated by spaces; FETCH is $argN, $retval (return
 * probes only), $stack, $stackN, $comm, %REG, @SYM[+OFF], or OFF(FETCH) nested
 * (+8($arg1)); TYPE is u8..u64, s8..s64, x8..x64 or string.  Written portably: the
 * planner maps $argN to registers where the kernel lacks it (before 5.4) and drops
 * types the kernel does not know.
 *
 * Event references in pair/count/balance: "sys:event" for tracepoints,
 * "kprobe:NAME" (or bare NAME) for a [kprobe NAME] of the same recipe,
 * "function:FUNC" (or bare FUNC) for function tracer hits of FUNC, "slub:alloc" /
 * "slub:free" for SLUB TRACE kernel-log records.  Each must name something the recipe
 * traces.  Names: event, kprobe and argument names [A-Za-z0-9_] (at most 63), labels
 * and recipe names [A-Za-z0-9_-], cache names without '/', "..", whitespace or
 * control characters.
 *
 * Errors read "FILE:LINE: <what> '<text>': expected <what>"; all are reported.
 */
#ifndef TB_RECIPE_RECIPE_H
#define TB_RECIPE_RECIPE_H

#include <stdint.h>
#include "util/strlist.h"

/* Group-by flags of pair and balance analyses. */
#define TB_GROUP_SITE	0x1
#define TB_GROUP_STACK	0x2

/* Kinds of parameter value ([param NAME] type = ...); values are checked and normalised. */
enum tb_param_type {
	TB_PARAM_STRING = 0,	/* anything without control characters (default) */
	TB_PARAM_NUMBER,	/* decimal or 0x hex integer */
	TB_PARAM_SIZE,		/* "8192", "8k", "1M": normalised to decimal bytes */
	TB_PARAM_DURATION,	/* "10s", "5m" (util/units.h), kept as typed */
	TB_PARAM_BOOL,		/* yes/no/true/false/on/off/1/0: normalised to "yes" or "" (so ${p:+text} works) */
	TB_PARAM_CACHE,		/* a slab cache name (safe: no '/', "..", spaces) */
	TB_PARAM_SYMBOL,	/* a kernel function name [A-Za-z0-9_.] */
};

struct tb_recipe_param {
	char *name;
	char *def;		/* default ("" = unset) */
	char *help;
	char *value;		/* effective value after command-line assignment */
	int line;
	int required;		/* must be given (or have a default) to run */
	enum tb_param_type type;
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
	int optional;		/* skip (with a note) when this kernel lacks the event */
	int line;
};

/*
 * A return probe with stack = yes is planned with an entry probe NAME_entry on the
 * same function that takes the stack (a kretprobe's own stack is the trampoline's on
 * x86_64); the analysis joins it to the return event by task.
 */
#define TB_KPROBE_ENTRY_SUFFIX "_entry"

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
 * A name is looked up in the recipe library directories (TRACEBOOK_RECIPES env, or
 * else <exe dir>/recipes and <exe dir>/../share/tracebook/recipes), then in the
 * library embedded in the binary.  Returns a malloc'd path, or NULL after printing
 * what was tried.
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

/* tb_recipe_load_ex flags */
#define TB_RECIPE_LOAD_CHECK	0x1	/* `check`: a required parameter may be missing (its
					   references are validated with a placeholder) */

/*
 * tb_recipe_load_ex - the general form of tb_recipe_load.
 * @path: file to read, or (with @text) the name used in messages.  A path starting
 *        with TB_RECIPE_BUILTIN_PREFIX loads the embedded copy of that recipe.
 * @text: recipe text, or NULL to read @path
 * @errors: if not NULL, messages are appended here instead of being printed
 */
int tb_recipe_load_ex(const char *path, const char *text, const struct strlist *assign,
		      unsigned flags, struct strlist *errors, struct tb_recipe *out);

/* Paths of embedded recipes look like "<builtin>/slab-leak.recipe". */
#define TB_RECIPE_BUILTIN_PREFIX "<builtin>/"

/* The embedded text of recipe NAME, or NULL. */
const char *tb_recipe_builtin_text(const char *name);

void tb_recipe_free(struct tb_recipe *r);

/* Directories searched for recipes by name, in order (for `tracebook recipes`). */
int tb_recipe_dirs(struct strlist *out);

#endif
