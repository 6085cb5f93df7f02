/*
 * plan-local.h - private helpers shared by the planner's files (plan.c,
 * plan-symbols.c, plan-kprobe.c, plan-explain.c).
 */
#ifndef TB_PLAN_PLAN_LOCAL_H
#define TB_PLAN_PLAN_LOCAL_H

#include <stddef.h>
#include "plan/plan.h"

/* Shapes of symbol lists the planner reads. */
enum tb_symfmt {
	TB_SYM_LIST = 0,	/* available_filter_functions: "name [mod]" */
	TB_SYM_KALLSYMS,	/* /proc/kallsyms: "addr type name [mod]" (text symbols) */
	TB_SYM_BLACKLIST,	/* kprobes/blacklist: "0xa-0xb\tname" */
};

void tb_sym_walk(const char *text, enum tb_symfmt fmt,
		 int (*fn)(void *ctx, const char *name, size_t len), void *ctx);
/* How many names of the list match name (exact, or a glob). */
unsigned tb_sym_count(const char *text, enum tb_symfmt fmt, const char *name);
/* "a, b, c": up to 5 names near name (malloc'd, "" when none). */
char *tb_sym_near(const char *name, const char *text, enum tb_symfmt fmt);

/* Events whose every occurrence is too frequent for stacks without a filter. */
int tb_event_is_hot(const char *system, const char *event);

#endif
