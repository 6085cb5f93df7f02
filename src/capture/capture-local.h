/*
 * capture-local.h - private interfaces between the capture sources (raw.c, merge.c,
 * rawdecode.c, text.c, kmsg.c, procsnap.c, status.c, capture.c).
 */
#ifndef TB_CAPTURE_LOCAL_H
#define TB_CAPTURE_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include "capture/capture.h"
#include "event/event.h"
#include "util/clock.h"

struct tep_handle;

/* ---- pages and the timestamp-ordered merge (merge.c) ------------------------- */

/* One record inside a ring-buffer sub-buffer (points into the page's data). */
struct tb_rrec {
	uint64_t ts;
	void *data;
	unsigned size;
	int type;		/* common_type */
};

/* One sub-buffer as read from per_cpu/cpuN/trace_pipe_raw, parsed into records. */
struct tb_rpage {
	struct tb_rpage *next;
	int cpu;
	int64_t missed;		/* events lost before this page: 0, count, or -1 unknown */
	unsigned nrec, pos;	/* records, next one to emit */
	unsigned arec;		/* records recs[] has room for (kept when recycled) */
	struct tb_rrec *recs;
	size_t size;		/* bytes of data[] */
	size_t cap;		/* bytes data[] has room for */
	unsigned char data[];
};

struct tb_merge_cpu {
	struct tb_rpage *head, *tail;
	uint64_t last_ts;	/* newest record timestamp queued on this CPU */
	uint64_t bound;		/* watermark: every record with ts <= bound was queued */
	uint64_t missed;	/* sum of known page missed counts */
	int missed_unknown;
	uint64_t records, pages;
};

/* Decides what a record means and sends it on (rawdecode.c in the real capture). */
struct tb_merge_out {
	/* rec and, if it is followed by a stack record of the same CPU, that one. */
	int (*emit)(void *ctx, int cpu, const struct tb_rrec *rec, const struct tb_rrec *stack);
	/* Events lost on cpu just before ts (count -1: unknown). */
	void (*lost)(void *ctx, int cpu, int64_t count, uint64_t ts);
	void *ctx;
};

struct tb_merge {
	unsigned ncpus;
	struct tb_merge_cpu *cpu;
	uint64_t newest;	/* newest timestamp queued on any CPU */
	int stack_type;		/* common_type of ftrace:kernel_stack, -1 none */
	uint64_t emitted, orphan_stacks, inversions, cpu_inversions;
	uint64_t last_emitted_ts;
	size_t queued_bytes, queued_peak;
	struct tb_merge_out out;
	/*
	 * Used-up pages kept for reuse instead of freed (their recs[] too): the reader
	 * takes them back (tb_raw_pump), so a steady capture stops calling malloc for
	 * pages and touching fresh memory.  At most TB_MERGE_SPARE_MAX.
	 */
	struct tb_rpage *spare;
	unsigned nspare;
};

#define TB_MERGE_SPARE_MAX 256

int tb_merge_init(struct tb_merge *m, unsigned ncpus, const struct tb_merge_out *out);
void tb_merge_release(struct tb_merge *m);

/* A page able to hold size bytes of sub-buffer (data[]), not parsed yet. */
struct tb_rpage *tb_rpage_alloc(size_t size);
/*
 * Split p->data into records (p->recs) with kb, a struct kbuffer * set up for this
 * kernel (long size, endianness), in one pass.  Returns 0 or -ENOMEM; a page kbuffer
 * cannot load gives zero records.  p->missed is taken from the sub-buffer header.
 */
int tb_rpage_parse(void *kb, struct tb_rpage *p);
void tb_rpage_free(struct tb_rpage *p);

/* A used-up page back to the merge's spares (freed when there are enough). */
void tb_merge_recycle(struct tb_merge *m, struct tb_rpage *p);
/* Take the spare pages (a list through ->next), leaving none. */
struct tb_rpage *tb_merge_take_spares(struct tb_merge *m);

/* Queue a parsed page at the end of its CPU (ownership passes to the merge). */
void tb_merge_add(struct tb_merge *m, struct tb_rpage *p);

/*
 * Emit every record that is safe to emit in global timestamp order: the oldest
 * queued record goes out when every other CPU has something queued (its future
 * records cannot be older) or whose watermark (cpu[].bound, set by the reader:
 * everything up to there has been read on that CPU) is not older than it.  drain=1
 * emits everything.  Returns 0, or the emit callback's negative.
 */
int tb_merge_run(struct tb_merge *m, int drain);

/* ---- raw record decoding (rawdecode.c) --------------------------------------- */

struct tb_rawdec;

struct tb_rawdec *tb_rawdec_new(struct tep_handle *tep, const struct tb_sink *sink);
void tb_rawdec_free(struct tb_rawdec *d);
/* The common_type of ftrace:kernel_stack in this tep, or -1. */
int tb_rawdec_stack_type(const struct tb_rawdec *d);
/* struct tb_merge_out callbacks bound to d. */
struct tb_merge_out tb_rawdec_out(struct tb_rawdec *d);
uint64_t tb_rawdec_events(const struct tb_rawdec *d);
uint64_t tb_rawdec_unknown(const struct tb_rawdec *d);

/* ---- per-CPU stats files (raw.c) --------------------------------------------- */

struct tb_cpu_stats {
	uint64_t overrun, dropped, entries, read;
	int ok;
};
/* Parse the text of per_cpu/cpuN/stats. Returns 0, -1 when no counter was found. */
int tb_parse_cpu_stats(const char *text, struct tb_cpu_stats *st);
void tb_read_cpu_stats(const char *trace_dir, unsigned ncpus, struct tb_cpu_stats *st);

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
/* Keep every page read in t (--save), as it is decoded; t stays the caller's. */
void tb_raw_set_save(struct tb_raw *r, struct tb_tracedat *t);
size_t tb_raw_subbuf(const struct tb_raw *r);
uint64_t tb_raw_events(const struct tb_raw *r);
uint64_t tb_raw_bytes(const struct tb_raw *r);
uint64_t tb_raw_last_ts(const struct tb_raw *r);
void tb_raw_peaks(struct tb_raw *r, size_t *queue, size_t *merge);
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
