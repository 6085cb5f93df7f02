/*
 * capture-local.h - private interfaces between the capture sources (raw.c, text.c,
 * kmsg.c, procsnap.c, status.c, capture.c).  The ring-buffer page parser, the
 * cross-CPU merge and the raw record decoder are in decode/rawpage.h (shared with the
 * trace.dat reader).
 */
#ifndef TB_CAPTURE_LOCAL_H
#define TB_CAPTURE_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include "capture/capture.h"
#include "event/event.h"
#include "util/clock.h"
#include "decode/rawpage.h"

struct tep_handle;

/* ---- per-CPU stats files (raw.c) --------------------------------------------- */

struct tb_cpu_stats {
	uint64_t overrun, dropped, entries, read;
	uint64_t bytes;		/* unread bytes in the buffer ("bytes:"), if has_bytes */
	int has_bytes;
	int ok;
};
/* Parse the text of per_cpu/cpuN/stats. Returns 0, -1 when no counter was found. */
int tb_parse_cpu_stats(const char *text, struct tb_cpu_stats *st);
void tb_read_cpu_stats(const char *trace_dir, unsigned ncpus, struct tb_cpu_stats *st);
/*
 * How long the raw reader sleeps after a pass that read every CPU out: kbuf_bytes is
 * one CPU's kernel buffer (0 unknown), most the bytes the busiest CPU gave in that
 * pass, elapsed_ns the time since the pass before began.  Milliseconds, 1 to
 * TB_RAW_SLEEP_MAX_MS (raw.c says why).
 */
#define TB_RAW_SLEEP_MAX_MS 4U
unsigned tb_raw_sleep_ms(uint64_t kbuf_bytes, uint64_t most, uint64_t elapsed_ns);

/* ---- sources run by tb_capture_run (capture.c) --------------------------------- */

struct tb_raw;		/* the per-CPU raw reader (raw.c) */

struct tb_raw *tb_raw_open(const char *trace_dir, unsigned ncpus, const struct tb_sink *sink);
/* Start the reader thread. */
int tb_raw_start(struct tb_raw *r);
/* Move what the reader queued into the merge and emit what is safe; drain=1 all. */
int tb_raw_pump(struct tb_raw *r, int drain);
/* Wait up to ms for the reader to queue something. */
void tb_raw_wait(struct tb_raw *r, unsigned ms);
/* Stop: reader reads until every CPU is empty (tracing_on is 0 by then), joins. */
int tb_raw_stop(struct tb_raw *r);
void tb_raw_close(struct tb_raw *r);
/* Decode only these fields for every event (see tb_rawdec_select). 0 or -ENOMEM. */
int tb_raw_select(struct tb_raw *r, const char *const *names, size_t n);
/* Fields decoded on the sink's asking, names the selection left out. */
uint64_t tb_raw_late(const struct tb_raw *r);
/* Keep every page read in t (--save), as it is decoded; t stays the caller's. */
void tb_raw_set_save(struct tb_raw *r, struct tb_tracedat *t);
size_t tb_raw_subbuf(const struct tb_raw *r);
uint64_t tb_raw_events(const struct tb_raw *r);
uint64_t tb_raw_bytes(const struct tb_raw *r);
uint64_t tb_raw_last_ts(const struct tb_raw *r);
void tb_raw_peaks(struct tb_raw *r, size_t *queue, size_t *merge);
/* The reader thread's work, for TRACEBOOK_CAPTURE_DEBUG (valid once it was joined). */
struct tb_raw_reads {
	uint64_t passes;	/* passes over the CPUs */
	uint64_t sleeps;	/* passes followed by a sleep (every CPU read out) */
	uint64_t slept_ms;	/* the sum of those sleeps */
	uint64_t full, partial, empty;	/* reads of trace_pipe_raw by what came back */
	uint64_t deferred;	/* passes that left the pages in the kernel (queue full) */
};
struct tb_raw_reads tb_raw_reads(const struct tb_raw *r);
/* Per-CPU loss said by the pages' missed-event counts. */
void tb_raw_loss(const struct tb_raw *r, unsigned cpu, uint64_t *pages, int *pages_unknown);
void tb_raw_merge_stats(const struct tb_raw *r, uint64_t *emitted, uint64_t *orphan_stacks,
			uint64_t *inversions);

struct tb_text;		/* trace_pipe text fallback (text.c) */
struct tb_text *tb_text_open(const char *trace_dir, const struct tb_sink *sink);
/* Read what is there now; drain=1: until empty. Returns 0 or negative. */
int tb_text_pump(struct tb_text *t, int drain);
void tb_text_close(struct tb_text *t);
uint64_t tb_text_events(const struct tb_text *t);
uint64_t tb_text_bytes(const struct tb_text *t);

struct tb_kmsg;		/* /dev/kmsg from the start of the run (kmsg.c) */
struct tb_kmsg *tb_kmsg_open(const char *path, const struct tb_sink *sink);
int tb_kmsg_pump(struct tb_kmsg *k);
/*
 * SLUB TRACE records read: "TRACE <cache> alloc ..." and "... free ..."; kernel-log
 * overwrites; records matched to an interleaved call trace.  Call it at the end: it
 * first hands on the records the decoder still holds.
 */
void tb_kmsg_trace_counts(struct tb_kmsg *k, uint64_t *allocs, uint64_t *frees,
			  uint64_t *overwritten, uint64_t *interleaved);
/* A /dev/kmsg record as a dmesg line "[sec.usec] text" (kmsg.c); length or -1. */
int tb_kmsg_line(const char *rec, size_t n, char *out, size_t size);
void tb_kmsg_close(struct tb_kmsg *k);

/* /proc snapshots (procsnap.c): one round of every file named in files. */
struct strlist;
int tb_procsnap_take(const struct tb_capture_sink *sink, const char *proc_dir,
		     const struct strlist *files);

/* Status line (status.c). */
struct tb_status {
	int on;
	uint64_t last_draw_ns, last_events, last_events_ns;
	double rate;
};
void tb_status_draw(struct tb_status *s, uint64_t events, uint64_t outstanding,
		    uint64_t now_ns, uint64_t start_ns, uint64_t duration_ns, uint64_t lost);
void tb_status_clear(struct tb_status *s);


#endif
