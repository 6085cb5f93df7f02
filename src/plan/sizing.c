/*
 * sizing.c - how big the per-CPU ring buffers should be for a capture (the planner's
 * buffer_size_kb step; MemAvailable is read by kernel/meminfo.c).
 *
 * Measured on this 2-core 6.18 box (issue 4): the default 1410 KiB per CPU holds
 * ~12 ms at 2 M events/s and lost 0.06-0.3 % with both CPUs producing; 8 MiB (one
 * busy CPU) and 64 MiB (two) lost nothing.  The reader drains continuously, so the
 * buffer only has to ride out the reader's stalls (scheduling, page faults): we ask
 * for 250 ms of the whole expected rate on every CPU (all of it may land on one),
 * at least 8 MiB, and never more than 1/8 of MemAvailable in total.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/meminfo.h"
#include "plan/plan-local.h"

#define DEFAULT_RATE 2000000ULL	/* events/s assumed when nothing is known */
#define EVENT_BYTES 64ULL	/* a kmem event (56) + header, rounded up */
#define HOLD_MS 250ULL
#define MIN_KB 8192UL
#define MEM_FRACTION 8ULL

/**
 * tb_buffer_kb_for - the sizing rule, without touching the system (see plan-local.h).
 */
unsigned long tb_buffer_kb_for(uint64_t rate, unsigned ncpus, uint64_t mem_avail_kb,
			       unsigned long current_kb)
{
	uint64_t kb, cap;

	if (!rate)
		rate = DEFAULT_RATE;
	if (!ncpus)
		ncpus = 1;
	kb = rate * EVENT_BYTES * HOLD_MS / 1000ULL / 1024ULL;
	if (kb < MIN_KB)
		kb = MIN_KB;
	if (mem_avail_kb) {
		cap = mem_avail_kb / MEM_FRACTION / ncpus;
		if (kb > cap)
			kb = cap;
	}
	kb = (kb + 3) & ~3ULL;
	if (kb < current_kb)
		kb = current_kb;
	return (unsigned long)kb;
}

/**
 * tb_buffer_kb - per-CPU buffer size (KiB) to ask for, from the expected
 * event rate (events/s, 0 unknown: 2 M/s assumed), this machine's CPUs and
 * MemAvailable.  Never less than current_kb.
 */
unsigned long tb_buffer_kb(const struct tb_caps *caps, uint64_t expected_rate,
			   unsigned long current_kb)
{
	unsigned ncpus = caps && caps->ncpus > 0 ? (unsigned)caps->ncpus : 1;

	return tb_buffer_kb_for(expected_rate, ncpus,
				tb_mem_available_kb(caps ? caps->proc_dir : NULL), current_kb);
}
