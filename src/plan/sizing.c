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
 *
 * plan_buffer turns that into the plan's buffer_size_kb step: capped at 1/16 of
 * memory (and 64 MiB per CPU) unless --force, and, when our instance's buffer is
 * resized on a kernel whose top-level buffer was never expanded, a KEEP step so
 * restore puts the top level at the size its first use would give.
 *
 * Sub-buffers (6.8+, buffer_subbuf_size_kb): the raw reader gets one sub-buffer per
 * read() of trace_pipe_raw, so at the default 4 KiB a capture at 2 M events/s makes
 * ~20 k reads a second, and their fixed kernel cost (syscall, ring-buffer locking,
 * page swap) was most of the capture's kernel time (issue 11's profile).  Where the
 * file exists the plan asks for SUBBUF_KB in the buffer it captures from (journaled
 * like every other write); older kernels keep their page-sized sub-buffers.  The write
 * is optional: a kernel that refuses it (seen: EPERM on a sandboxed 6.18 host) keeps
 * its sub-buffers and the capture reads them as before.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/ctl-value.h"
#include "kernel/meminfo.h"
#include "plan/plan-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

#define DEFAULT_RATE 2000000ULL	/* events/s assumed when nothing is known */
#define EVENT_BYTES 64ULL	/* a kmem event (56) + header, rounded up */
#define HOLD_MS 250ULL
#define MIN_KB 8192UL
#define MEM_FRACTION 8ULL
#define SUBBUF_KB 64UL		/* 16 pages of 4 KiB: 16x fewer reads */

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

/* The buffer_subbuf_size_kb step: raw captures, kernels that have the file. */
static int plan_subbuf(struct plan_builder *b)
{
	char path[PATH_MAX + 64], val[32], why[256];

	unsigned i;

	if (b->p->source != TB_SRC_RAW || !b->caps->subbuf_kb || b->caps->subbuf_kb >= SUBBUF_KB ||
	    !b->caps->buffer_kb)
		return 0;
	/*
	 * The size step (write or KEEP) must come first, so restore puts the size back
	 * after the sub-buffer size; a top-level buffer big enough already has none yet.
	 */
	snprintf(path, sizeof(path), "%s/buffer_size_kb", b->base);
	for (i = 0; i < b->p->nsteps && strcmp(b->p->steps[i].path, path); i++)
		;
	if (i == b->p->nsteps) {
		struct strbuf raw = STRBUF_INIT;
		struct tb_step *s;
		char *keep;

		if (tb_read_file(path, &raw) < 0) {
			strbuf_release(&raw);
			return 0;	/* no size to keep: no sub-buffer change either */
		}
		keep = tb_ctl_restore_value(path, strbuf_str(&raw));
		s = keep ? plan_add_step(b->p, TB_STEP_KEEP, path, keep, NULL,
					 "changing the sub-buffer size makes the kernel recompute the buffer size: journal it, so restore puts it back") : NULL;
		free(keep);
		if (!s) {
			strbuf_release(&raw);
			return tb_error("out of memory");
		}
		strbuf_rtrim(&raw);
		s->old = strbuf_detach(&raw, NULL);
	}
	snprintf(path, sizeof(path), "%s/buffer_subbuf_size_kb", b->base);
	snprintf(val, sizeof(val), "%lu", SUBBUF_KB);
	snprintf(why, sizeof(why),
		 "ring-buffer sub-buffers of %lu KiB (were %lu): the raw reader gets one per read(), so %lux fewer reads (optional: refused, the capture reads %lu KiB ones)",
		 SUBBUF_KB, b->caps->subbuf_kb, SUBBUF_KB / b->caps->subbuf_kb, b->caps->subbuf_kb);
	if (plan_write(b->p, path, val, why) < 0)
		return -1;
	b->p->steps[b->p->nsteps - 1].optional = 1;
	return 0;
}

/* The buffer_size_kb step (and the KEEP of an unexpanded top level). */
static int plan_buffer_size(struct plan_builder *b)
{
	const struct tb_caps *caps = b->caps;
	unsigned long cur = caps->buffer_kb, want, cap_kb, mem;
	unsigned ncpus = caps->ncpus ? (unsigned)caps->ncpus : 1;
	char path[PATH_MAX + 64], val[32], why[512];
	uint64_t rate = 100000;		/* filtered or rare events */
	unsigned i;

	/* unknown (the capture assumes its worst measured rate) when any hot event is unfiltered */
	for (i = 0; i < b->evs.n; i++)
		if (!b->evs.v[i].filter && tb_event_is_hot(b->evs.v[i].system, b->evs.v[i].event))
			rate = 0;

	if (!cur)
		return 0;
	want = tb_buffer_kb(caps, rate, cur);
	cap_kb = TB_PLAN_MAX_BUFFER_KB;
	mem = (unsigned long)tb_mem_total_kb(caps->proc_dir);
	if (mem && mem / 16 / ncpus < cap_kb)
		cap_kb = mem / 16 / ncpus;	/* at most 1/16 of memory in all */
	if (want > cap_kb && !b->o->force) {
		plan_summary(b->p, "buffer capped at %lu KiB per CPU (asked %lu; --force lifts the cap)", cap_kb, want);
		want = cap_kb;
	}
	if (want < cur)
		want = cur;
	b->p->buffer_kb = want;
	if (want == cur && !b->p->instance)
		return 0;
	if (b->p->instance && !caps->buffer_expanded && caps->buffer_kb_expanded) {
		struct strbuf raw = STRBUF_INIT;
		struct tb_step *s;

		/*
		 * Resizing the instance's buffer sets the kernel's ring_buffer_expanded for
		 * everybody: the top level would stay at its boot-time minimum ("7 (expanded:
		 * 1408)" reads "7" afterwards).  Journal it; restore writes the expanded size,
		 * what any first use of tracing leaves.
		 */
		snprintf(path, sizeof(path), "%s/buffer_size_kb", b->caps->tracefs);
		snprintf(val, sizeof(val), "%lu", caps->buffer_kb_expanded);
		snprintf(why, sizeof(why),
			 "the top-level buffer is not expanded yet (%lu KiB per CPU until first use); resizing our instance's buffer expands it for everybody without growing it, so restore writes %lu, the size its first use would give",
			 cur, caps->buffer_kb_expanded);
		s = plan_add_step(b->p, TB_STEP_KEEP, path, val, NULL, why);
		if (!s)
			return tb_error("out of memory");
		if (tb_read_file(path, &raw) == 0) {
			strbuf_rtrim(&raw);
			s->old = strbuf_detach(&raw, NULL);
		}
		strbuf_release(&raw);
	}
	snprintf(path, sizeof(path), "%s/buffer_size_kb", b->base);
	snprintf(val, sizeof(val), "%lu", want);
	snprintf(why, sizeof(why), "per-CPU ring buffer of %lu KiB x %u CPUs, so bursts are not lost", want, ncpus);
	return plan_write(b->p, path, val, why);
}

/*
 * The buffer steps: its size, then its sub-buffer size.  In that order because restore
 * undoes steps in reverse: a sub-buffer size change reallocates the buffer and the
 * kernel recomputes buffer_size_kb from the pages it keeps (6.12: 1408 KiB came back
 * as 1471 when the size was restored first), so the size must be put back last.
 */
int plan_buffer(struct plan_builder *b)
{
	int r = plan_buffer_size(b);

	return r ? r : plan_subbuf(b);
}
