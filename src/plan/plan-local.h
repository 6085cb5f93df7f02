/*
 * plan-local.h - private helpers shared by the planner's files (plan.c,
 * plan-symbols.c, plan-kprobe.c, plan-explain.c, sizing.c).
 */
#ifndef TB_PLAN_PLAN_LOCAL_H
#define TB_PLAN_PLAN_LOCAL_H

#include <stddef.h>
#include <stdint.h>
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
