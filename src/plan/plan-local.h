/*
 * plan-local.h - private helpers shared by the planner's files (plan.c,
 * plan-kprobe.c, plan-explain.c, sizing.c).
 */
#ifndef TB_PLAN_PLAN_LOCAL_H
#define TB_PLAN_PLAN_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/ksyms.h"	/* symbol lists: tb_sym_count, tb_sym_near */
#include "plan/plan.h"

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
