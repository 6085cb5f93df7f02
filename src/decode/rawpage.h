/*
 * rawpage.h - ring-buffer sub-buffers as the kernel writes them (per_cpu/cpuN/
 * trace_pipe_raw, and the per-CPU data of a trace.dat, which holds the same pages):
 * parsed into records (merge.c), merged across CPUs in timestamp order (merge.c) and
 * decoded into events with libtraceevent (rawdecode.c).  Used by the live capture
 * (capture/raw.c) and the trace.dat reader (decode/tracedat.c).
 */
#ifndef TB_DECODE_RAWPAGE_H
#define TB_DECODE_RAWPAGE_H

#include <stddef.h>
#include <stdint.h>
#include "event/event.h"

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
	int parsed;		/* recs[] is filled (tb_rpage_parse/walk): else the merge
				 * parses the page when it reaches its CPU's head */
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

/* Decides what a record means and sends it on (rawdecode.c). */
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
	/* budget: emit at most this many records per tb_merge_run without drain (0: no
	 * limit); budget_hit: the last run stopped there, records are left to emit */
	uint64_t budget;
	int budget_hit;
	/* how the merge parses a page it was given unparsed (tb_merge_set_parse) */
	void *kb;
	int lsize;
	int parse_err;		/* -ENOMEM parsing a page (-EINVAL: no way to parse
				 * set): tb_merge_run returns it */
	/*
	 * Used-up pages kept for reuse instead of freed (their recs[] too): the reader
	 * takes them back (tb_raw_pump), so a steady capture stops calling malloc for
	 * pages and touching fresh memory.  At most TB_MERGE_SPARE_MAX pages and
	 * TB_MERGE_SPARE_BYTES of data (64 KiB sub-buffers: 32 pages).
	 */
	struct tb_rpage *spare, *spare_tail;
	unsigned nspare;
	size_t spare_bytes;
};

#define TB_MERGE_SPARE_MAX 256
#define TB_MERGE_SPARE_BYTES (2U << 20)

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
/*
 * The same split without kbuffer, inline (the live capture's hot path): pages in the
 * host's byte order on a little-endian host only (TB_RPAGE_WALK_NATIVE); lsize is the
 * kernel's long size.  Returns 0 or -ENOMEM.
 */
int tb_rpage_walk(struct tb_rpage *p, int lsize);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TB_RPAGE_WALK_NATIVE 1
#else
#define TB_RPAGE_WALK_NATIVE 0
#endif
void tb_rpage_free(struct tb_rpage *p);

/* A used-up page back to the merge's spares (freed when there are enough). */
void tb_merge_recycle(struct tb_merge *m, struct tb_rpage *p);
/* Take the spare pages (a list through ->next; its last in *tail if asked), leaving none. */
struct tb_rpage *tb_merge_take_spares(struct tb_merge *m, struct tb_rpage **tail);

/*
 * Queue a page at the end of its CPU (ownership passes to the merge).  A page not
 * parsed yet (p->parsed 0) is split into records only when it reaches its CPU's head,
 * just before its records go out, so its data is read while still in cache instead of
 * once at arrival and again, evicted by the pages in between, on the way out: the
 * merge then needs tb_merge_set_parse.  Its missed-events count is read at once.
 */
void tb_merge_add(struct tb_merge *m, struct tb_rpage *p);
/* How unparsed pages are split: tb_rpage_walk with lsize (little-endian host), else
 * tb_rpage_parse with kb (a struct kbuffer * for this kernel). */
void tb_merge_set_parse(struct tb_merge *m, void *kb, int lsize);

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
/* on: events get ev->comm from the tep's registered cmdlines (a trace.dat's saved
 * cmdlines); off (the live capture): no name. */
void tb_rawdec_set_names(struct tb_rawdec *d, int on);
/* Decode only these fields (interned names; NULL: all) and the rest when asked for:
 * see rawdecode.c.  0, or -ENOMEM. */
int tb_rawdec_select(struct tb_rawdec *d, const char *const *names, size_t n);
/* Fields decoded on a miss: names a tb_rawdec_select list left out. */
uint64_t tb_rawdec_late(const struct tb_rawdec *d);
/* The common_type of ftrace:kernel_stack in this tep, or -1. */
int tb_rawdec_stack_type(const struct tb_rawdec *d);
/* struct tb_merge_out callbacks bound to d. */
struct tb_merge_out tb_rawdec_out(struct tb_rawdec *d);
uint64_t tb_rawdec_events(const struct tb_rawdec *d);
uint64_t tb_rawdec_unknown(const struct tb_rawdec *d);

#endif
