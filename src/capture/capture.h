/*
 * capture.h - live sources: one reader per CPU on per_cpu/cpuN/trace_pipe_raw decoded
 * with libtraceevent's kbuffer, trace_pipe text as a fallback, /dev/kmsg for SLUB TRACE
 * records, /proc snapshots on an interval.  Everything read goes to a struct
 * tb_capture_sink: events in global timestamp order, /proc snapshots, the --interval
 * tick and the end of the capture.  The run driver (cmd/cmd-run.c) wires the sink to
 * the analyses; the capture knows nothing of them.  Lost events are accounted per CPU
 * from ring-buffer missed-event markers and per_cpu/cpuN/stats.
 *
 * The caller (the run driver) has applied the plan (events enabled, filters set)
 * before tb_capture_run() and restores after it returns; the capture itself writes
 * nothing to tracefs except what it is told to own (tracing_on of trace_dir at the
 * end, so the buffers drain to EOF).
 */
#ifndef TB_CAPTURE_CAPTURE_H
#define TB_CAPTURE_CAPTURE_H

#include <signal.h>
#include <stdint.h>
#include "event/event.h"
#include "kernel/caps.h"
#include "recipe/recipe.h"

/*
 * Where a capture's output goes.  Every callback but events.event may be NULL; ctx is
 * passed to each (events.ctx to events.event and events.lost).
 */
struct tb_capture_sink {
	struct tb_sink events;	/* every event and loss, in global timestamp order */
	/*
	 * A /proc snapshot: what is "slabinfo", "meminfo", "vmstat" or "buddyinfo",
	 * wall_ns the CLOCK_REALTIME it was read at, text the file's contents.
	 * Returns 0, or negative to stop the capture (error already printed).
	 */
	int (*snapshot)(void *ctx, const char *what, uint64_t wall_ns, const char *text);
	/* Every --interval (the status line is cleared before): ts_ns is the newest event's time. */
	void (*interval)(void *ctx, uint64_t ts_ns);
	/* For the status line: objects outstanding so far. */
	uint64_t (*outstanding)(void *ctx);
	/* The buffers are drained and the last snapshot taken: nothing more comes. */
	void (*end)(void *ctx);
	/* Before each read of the buffers (every few ms; `run -- COMMAND` polls /proc). */
	void (*poll)(void *ctx);
	void *ctx;
};

struct tb_capture_opts {
	const struct tb_caps *caps;
	const char *trace_dir;		/* tracing dir or instance dir whose per_cpu/ is read */
	int use_text;			/* 1: trace_pipe text fallback (say so in the report) */
	int kmsg;			/* 1: read /dev/kmsg from the run's start */
	const struct tb_recipe_snapshot *snap;	/* NULL: no /proc snapshots */
	uint64_t duration_ns;		/* stop after this long (0: until *stop) */
	uint64_t interval_ns;		/* --interval ticks to the sink, 0: none */
	volatile sig_atomic_t *stop;	/* set by the driver's signal handler */
	int status_line;		/* redraw a one-line status on stderr (TTY only) */
	const char *save_dir;		/* --save: write save_dir/trace.dat of the raw pages */
	/*
	 * The fields the sink reads (interned names), NULL: all.  The raw source decodes
	 * only these for every event and any other when the sink asks for it
	 * (ev->more), so a name missing here is slower, not wrong.
	 */
	const char *const *fields;
	size_t nfields;
};

struct tb_capture_result {
	uint64_t events;		/* events decoded and fed */
	uint64_t lost;			/* lost events with a known count (sum of per CPU) */
	int lost_unknown;		/* some lost with an unknown count */
	unsigned ncpus;
	uint64_t *lost_per_cpu;		/* ncpus entries, max(pages, stats) per CPU (malloc'd;
					 * free with tb_capture_result_release) */
	uint64_t elapsed_ns;
	int text_fallback;		/* the text source was used */
	uint64_t bytes_read;
	uint64_t lost_pages;		/* lost as the ring-buffer pages / text markers said */
	uint64_t lost_stats;		/* lost as per_cpu/cpuN/stats overrun+dropped grew */
	uint64_t queue_peak_bytes;	/* most bytes read but not yet decoded (reader lead) */
	uint64_t merge_peak_bytes;	/* most bytes held for cross-CPU ordering */
	uint64_t slub_allocs, slub_frees;	/* SLUB TRACE records read from the kernel log */
	uint64_t kmsg_overwritten;	/* times the kernel log ring overwrote records before
					 * we read them (EPIPE): records lost, count unknown */
	uint64_t kmsg_interleaved;	/* SLUB TRACE records whose call trace came after a
					 * later record's line (decode_stats.interleaved) */
	int saved;			/* save_dir/trace.dat was written */
	uint64_t saved_pages;		/* ring-buffer pages in it */
};

/*
 * tb_capture_run - read until duration, *stop, or an error; everything goes to sink.
 * Returns 0, or negative after printing why (the driver then restores).
 */
int tb_capture_run(const struct tb_capture_opts *o, const struct tb_capture_sink *sink,
		   struct tb_capture_result *res);
void tb_capture_result_release(struct tb_capture_result *res);

/* ---- a raw capture kept as a trace-cmd trace.dat (tracedat-write.c) ---------- */
struct tb_tracedat;
struct tb_tracedat *tb_tracedat_open(const char *dir, const char *trace_dir, unsigned ncpus,
				     size_t page);
int tb_tracedat_page(struct tb_tracedat *t, int cpu, const void *data, size_t n);
uint64_t tb_tracedat_pages(const struct tb_tracedat *t);
int tb_tracedat_finish(struct tb_tracedat *t);
void tb_tracedat_free(struct tb_tracedat *t);

/*
 * tb_kmsg_save - the kernel log records since since_us (CLOCK_MONOTONIC, the kernel
 * log's clock) as dmesg lines "[sec.usec] text" into path (kmsg.c).  Returns the
 * number of lines, or negative after printing why.
 */
long tb_kmsg_save(const char *kmsg_path, uint64_t since_us, const char *path);

#endif
