/*
 * filter.h - ftrace event filters ("bytes_alloc == 8192 && name ~ \"kmalloc-*\"") as a
 * tree: evaluated in user space on decoded events (offline `analyze --recipe` applies
 * the recipe's filters as the kernel would have), and walked predicate by predicate so
 * the planner can check each against the event's format file before anything is
 * written.  The grammar is the kernel's (and recipe-validate.c's): predicates
 * FIELD OP VALUE with OP one of == != < <= > >= & ~, joined by && and ||, grouped
 * with ( ) and negated with !.  VALUE is a number (decimal, 0x hex, or negative), a
 * quoted string, or a bare word (a string).
 */
#ifndef TB_EVENT_FILTER_H
#define TB_EVENT_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include "event/event.h"

struct tb_filter;

/* One predicate of a filter, as written. */
struct tb_filter_pred {
	const char *field;	/* "bytes_alloc" */
	const char *op;		/* "==", "!=", "<", "<=", ">", ">=", "&", "~" */
	const char *value;	/* the literal without quotes */
	int quoted;		/* the value was a quoted string */
	int numeric;		/* the value reads as a number (num/neg are set) */
	int range;		/* numeric, but past 64 bits */
	int negative;		/* written with a leading '-' */
	uint64_t num;		/* the number (two's complement when negative) */
};

/**
 * tb_filter_parse - parse filter text into a tree.
 * @text: the filter
 * @out: receives the tree (free with tb_filter_free())
 * @err: receives what was expected and where, on failure
 * @errlen: size of @err
 *
 * Returns 0, -1 on a syntax error (message in @err), -ENOMEM.
 */
int tb_filter_parse(const char *text, struct tb_filter **out, char *err, size_t errlen);

void tb_filter_free(struct tb_filter *f);

/**
 * tb_filter_eval - the filter applied to one decoded event.
 * @f: the filter
 * @ev: the event
 *
 * Returns 1 when the event matches, 0 when it does not, -1 when it cannot be told
 * (a field the filter needs is missing from the event, or not a number where a number
 * is compared: text call sites print as symbols).  And/or/not follow three-valued
 * logic: "0 && unknown" is 0, "1 || unknown" is 1.
 */
int tb_filter_eval(const struct tb_filter *f, const struct tb_event *ev);

/**
 * tb_filter_foreach - call fn for each predicate, in text order; stops at the first
 * non-zero return of fn and returns it.
 */
int tb_filter_foreach(const struct tb_filter *f,
		      int (*fn)(void *ctx, const struct tb_filter_pred *p), void *ctx);

#endif
