/*
 * merge.c - ring-buffer sub-buffers parsed into records (kbuffer) and merged across
 * CPUs into one stream in global timestamp order, with per-CPU watermarks; stack
 * records (ftrace:kernel_stack) are handed out together with the event they follow
 * on the same CPU; missed-event counts of each page are reported in order.
 *
 * Why watermarks: each CPU's records are in timestamp order, but a CPU with nothing
 * queued right now may still produce an older record (its reader has not come round
 * yet).  The oldest queued record r is safe to emit when every other CPU either has
 * something queued (its future records cannot be older than its head, which is not
 * older than r) or has a watermark >= r.ts: a timestamp up to which the reader has
 * provably read that CPU (raw.c: the newest page timestamp read before the reader
 * last emptied that CPU).  A wall-clock hold-back is NOT safe: on a loaded box the
 * reader thread can be starved for longer than any hold-back (measured: thousands of
 * cross-CPU inversions with a 50 ms one).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/kbuffer.h>
#include "decode/rawpage.h"
#include "util/alloc.h"

#define RB_MISSED_EVENTS	(1UL << 31)
#define RB_MISSED_STORED	(1UL << 30)
#define RB_COMMIT_MASK		((1UL << 27) - 1)
/* Bytes of a small record with its header (kmem events are 28-56): sizes recs[] once. */
#define RPAGE_TYPICAL_REC	24

static uint64_t load_long(const unsigned char *p, int lsize)
{
	if (lsize == 4) {
		uint32_t v;

		memcpy(&v, p, 4);
		return v;
	} else {
		uint64_t v;

		memcpy(&v, p, 8);
		return v;
	}
}

/*
 * The missed-events count a sub-buffer header carries: 0, the count, or -1 when the
 * kernel says only that some were lost (no room to store the count).
 */
static int64_t page_missed(const unsigned char *buf, size_t len, int lsize)
{
	uint64_t commit, size;

	if (len < (size_t)(8 + lsize))
		return 0;
	commit = load_long(buf + 8, lsize);
	if (!(commit & RB_MISSED_EVENTS))
		return 0;
	if (!(commit & RB_MISSED_STORED))
		return -1;
	size = commit & RB_COMMIT_MASK;
	if (8 + lsize + size + lsize > len)
		return -1;
	return (int64_t)load_long(buf + 8 + lsize + size, lsize);
}

/**
 * tb_rpage_alloc - a page able to hold size bytes of sub-buffer, not parsed yet.
 */
struct tb_rpage *tb_rpage_alloc(size_t size)
{
	struct tb_rpage *p = malloc(sizeof(*p) + size);

	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->size = p->cap = size;
	return p;
}

void tb_rpage_free(struct tb_rpage *p)
{
	if (!p)
		return;
	free(p->recs);
	free(p);
}

/**
 * tb_rpage_parse - split p->data (p->size bytes as read) into records with kbuffer.
 * @kb: struct kbuffer * set up for this kernel's long size and endianness
 *
 * Returns 0, or -ENOMEM.  A sub-buffer kbuffer cannot load gives zero records.
 */
int tb_rpage_parse(void *kbv, struct tb_rpage *p)
{
	struct kbuffer *kb = kbv;
	unsigned long long ts;
	void *d;
	int lsize = kbuffer_start_of_data(kb) - 8;

	p->nrec = p->pos = 0;
	p->parsed = 1;
	if (lsize != 4 && lsize != 8)
		lsize = 8;
	p->missed = page_missed(p->data, p->size, lsize);
	/*
	 * kbuffer trusts the header's commit (data size): a short read or a damaged
	 * header would make it read past what was read.  Such a page gives no records.
	 */
	if (p->size < (size_t)(8 + lsize) ||
	    (load_long(p->data + 8, lsize) & RB_COMMIT_MASK) > p->size - 8 - (size_t)lsize)
		return 0;
	if (kbuffer_load_subbuffer(kb, p->data) < 0)
		return 0;
	for (d = kbuffer_read_event(kb, &ts); d; d = kbuffer_next_event(kb, &ts)) {
		struct tb_rrec *r;
		uint16_t type = 0;
		int sz;

		/*
		 * Every record takes at least 4 bytes of the sub-buffer: more records than
		 * that means kbuffer is not advancing (a damaged page); keep what was read.
		 */
		if (p->nrec >= p->size / 4)
			break;
		/* a recycled page keeps its array: this grows only at the start */
		if (ALLOC_GROW(p->recs, p->nrec + 1, p->arec) < 0)
			return -ENOMEM;
		r = &p->recs[p->nrec++];
		sz = kbuffer_event_size(kb);
		r->ts = ts;
		r->data = d;
		r->size = sz > 0 ? (unsigned)sz : 0;
		/* a damaged length must not take the record past what was read */
		if ((unsigned char *)d < p->data || (unsigned char *)d >= p->data + p->size)
			r->size = 0;
		else if (r->size > (size_t)(p->data + p->size - (unsigned char *)d))
			r->size = (unsigned)(p->data + p->size - (unsigned char *)d);
		if (r->size >= 2)
			memcpy(&type, d, 2);
		r->type = type;
	}
	return 0;
}

/* Record header types (type_len of struct ring_buffer_event, kernel/trace/ring_buffer.c). */
#define RB_TYPE_PADDING		29
#define RB_TYPE_TIME_EXTEND	30
#define RB_TYPE_TIME_STAMP	31
#define RB_TS_SHIFT		27
/* absolute time stamps lack the 5 top bits: they come from the running time */
#define RB_TS_MSB		(0xf8ULL << 56)

static uint32_t load_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/**
 * tb_rpage_walk - split p->data into records without libtraceevent's kbuffer: the
 * same walk (headers, time extends, absolute time stamps, padding, records of any
 * length) done inline, for pages in the host's byte order on a little-endian host
 * (the live capture; a trace.dat of the same byte order).
 * @lsize: the kernel's long size (4 or 8): the commit field's width
 *
 * Gives the records tb_rpage_parse() gives for every page the kernel writes (a unit
 * test holds them equal); on a damaged page it stops at the first record that does
 * not fit.  Returns 0, or -ENOMEM.  Big-endian hosts: tb_rpage_parse().
 */
int tb_rpage_walk(struct tb_rpage *p, int lsize)
{
	const unsigned char *data;
	size_t hdr, size, off = 0, avail;
	uint64_t ts;

	p->nrec = p->pos = 0;
	p->parsed = 1;
	if (lsize != 4 && lsize != 8)
		lsize = 8;
	hdr = 8 + (size_t)lsize;
	p->missed = page_missed(p->data, p->size, lsize);
	if (p->size < hdr)
		return 0;
	size = (size_t)(load_long(p->data + 8, lsize) & RB_COMMIT_MASK);
	if (size > p->size - hdr)
		return 0;
	memcpy(&ts, p->data, 8);
	data = p->data + hdr;
	avail = p->size - hdr;	/* what was read past the header (>= size) */
	/*
	 * A live page was just written on the reader thread's CPU: ask for all its cache
	 * lines at once, so they come in parallel instead of one miss per line as the
	 * walk reaches them.
	 */
	for (off = 0; off < size; off += 64)
		__builtin_prefetch(data + off);
	off = 0;
	/*
	 * Room for the records a page of this size usually holds, in one allocation
	 * (kept when the page is recycled): growing from nothing took four reallocs per
	 * fresh page, a visible part of a capture's first pump.
	 */
	if (p->arec < size / RPAGE_TYPICAL_REC + 1) {
		unsigned n = (unsigned)(size / RPAGE_TYPICAL_REC + 1);
		struct tb_rrec *nr = tb_realloc_array(p->recs, n, sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		p->recs = nr;
		p->arec = n;
	}
	while (off < size) {
		uint32_t h, tl, delta;
		size_t len;
		struct tb_rrec *r;

		if (off + 4 > avail)
			break;
		h = load_u32(data + off);
		tl = h & 31;
		delta = h >> 5;
		off += 4;
		if (tl >= RB_TYPE_PADDING) {
			if (off + 4 > avail)
				break;
			if (tl == RB_TYPE_PADDING) {
				ts += delta;
				len = load_u32(data + off);
			} else {
				uint64_t ext = ((uint64_t)load_u32(data + off) << RB_TS_SHIFT) + delta;

				if (tl == RB_TYPE_TIME_STAMP)
					ts = ext | (ts & RB_TS_MSB);
				else
					ts += ext;
				len = 4;
			}
			if (len > avail - off)
				break;
			off += len;
			continue;
		}
		if (tl == 0) {
			uint32_t l;

			if (off + 4 > avail)
				break;
			l = load_u32(data + off);
			if (l < 4)	/* kbuffer would go backwards: a damaged page */
				break;
			len = ((size_t)l - 4 + 3) & ~(size_t)3;
			off += 4;
		} else {
			len = (size_t)tl * 4;
		}
		ts += delta;
		if (ALLOC_GROW(p->recs, p->nrec + 1, p->arec) < 0)
			return -ENOMEM;
		r = &p->recs[p->nrec++];
		r->ts = ts;
		r->data = (void *)(data + off);
		/* a damaged length must not take the record past what was read */
		r->size = (unsigned)(len <= avail - off ? len : avail - off);
		r->type = 0;
		if (r->size >= 2) {
			uint16_t type;

			memcpy(&type, data + off, 2);
			r->type = type;
		}
		if (len > avail - off)
			break;
		off += len;
	}
	return 0;
}

/**
 * tb_merge_init - an empty merge of ncpus CPUs.
 * @out: where records go
 */
int tb_merge_init(struct tb_merge *m, unsigned ncpus, const struct tb_merge_out *out)
{
	memset(m, 0, sizeof(*m));
	m->cpu = calloc(ncpus ? ncpus : 1, sizeof(*m->cpu));
	if (!m->cpu)
		return -ENOMEM;
	m->ncpus = ncpus;
	m->stack_type = -1;
	m->out = *out;
	m->lsize = (int)sizeof(long);	/* until tb_merge_set_parse: this host's kernel */
	return 0;
}

/**
 * tb_merge_recycle - keep a used-up page for the reader to fill again (its recs[]
 * array too), or free it when TB_MERGE_SPARE_MAX are kept already.
 */
void tb_merge_recycle(struct tb_merge *m, struct tb_rpage *p)
{
	if (m->nspare >= TB_MERGE_SPARE_MAX || m->spare_bytes + p->cap > TB_MERGE_SPARE_BYTES) {
		tb_rpage_free(p);
		return;
	}
	p->nrec = p->pos = 0;
	p->parsed = 0;
	p->missed = 0;
	p->size = p->cap;
	if (!m->spare)
		m->spare_tail = p;
	p->next = m->spare;
	m->spare = p;
	m->nspare++;
	m->spare_bytes += p->cap;
}

/**
 * tb_merge_take_spares - the kept pages as a list through ->next; the merge keeps none.
 * @tail: if not NULL, gets the list's last page (NULL when none): a caller splices
 * the list into its own without walking it (each page's header would be a cache miss)
 */
struct tb_rpage *tb_merge_take_spares(struct tb_merge *m, struct tb_rpage **tail)
{
	struct tb_rpage *l = m->spare;

	if (tail)
		*tail = l ? m->spare_tail : NULL;
	m->spare = m->spare_tail = NULL;
	m->nspare = 0;
	m->spare_bytes = 0;
	return l;
}

void tb_merge_release(struct tb_merge *m)
{
	unsigned c;
	struct tb_rpage *sp, *sn;

	for (sp = m->spare; sp; sp = sn) {
		sn = sp->next;
		tb_rpage_free(sp);
	}
	m->spare = NULL;
	m->nspare = 0;
	if (!m->cpu)
		return;
	for (c = 0; c < m->ncpus; c++) {
		struct tb_rpage *p = m->cpu[c].head, *n;

		for (; p; p = n) {
			n = p->next;
			tb_rpage_free(p);
		}
	}
	free(m->cpu);
	m->cpu = NULL;
}

void tb_merge_set_parse(struct tb_merge *m, void *kb, int lsize)
{
	m->kb = kb;
	m->lsize = lsize;
}

/* What the merge keeps of a page's records once they are known: counts, order. */
static void page_records(struct tb_merge *m, struct tb_merge_cpu *mc, const struct tb_rpage *p)
{
	uint64_t t;
	unsigned i;

	mc->records += p->nrec;
	if (!p->nrec)
		return;
	t = p->recs[p->nrec - 1].ts;
	/* the kernel's per-CPU order, as seen: count where it goes backwards */
	if (p->recs[0].ts < mc->last_ts)
		m->cpu_inversions++;
	for (i = 1; i < p->nrec; i++)
		if (p->recs[i].ts < p->recs[i - 1].ts)
			m->cpu_inversions++;
	if (t > mc->last_ts)
		mc->last_ts = t;
	if (t > m->newest)
		m->newest = t;
}

/*
 * Split a queued page of CPU c into records now (it has reached the head, or the
 * head looks past it for a stack).  The missed count was taken at tb_merge_add (the
 * walk reads the same; it is reported only once the page is split).  Out of memory:
 * the page gives no records and tb_merge_run says so.
 */
static void parse_queued(struct tb_merge *m, unsigned c, struct tb_rpage *p)
{
	int r = TB_RPAGE_WALK_NATIVE ? tb_rpage_walk(p, m->lsize) :
		m->kb ? tb_rpage_parse(m->kb, p) : -EINVAL;

	if (r < 0) {
		p->nrec = 0;
		if (!m->parse_err)
			m->parse_err = r;
		return;
	}
	page_records(m, &m->cpu[c], p);
	/*
	 * The CPU's next page, written on the reader thread's CPU, is asked for now: its
	 * lines come in while this page's records go out, not when its walk needs them.
	 */
	if (p->next && !p->next->parsed) {
		const unsigned char *d = p->next->data;
		size_t off;

		for (off = 0; off < p->next->size; off += 64)
			__builtin_prefetch(d + off);
	}
}

/**
 * tb_merge_add - queue a page at the end of its CPU; the merge owns it.  An unparsed
 * page is split when it reaches the head (rawpage.h says why).
 */
void tb_merge_add(struct tb_merge *m, struct tb_rpage *p)
{
	struct tb_merge_cpu *mc;

	if (p->cpu < 0 || (unsigned)p->cpu >= m->ncpus) {
		tb_rpage_free(p);
		return;
	}
	mc = &m->cpu[p->cpu];
	if (!p->parsed) {
		p->nrec = p->pos = 0;
		p->missed = page_missed(p->data, p->size, m->lsize == 4 ? 4 : 8);
	}
	p->next = NULL;
	if (mc->tail)
		mc->tail->next = p;
	else
		mc->head = p;
	mc->tail = p;
	mc->pages++;
	if (p->missed > 0)
		mc->missed += (uint64_t)p->missed;
	else if (p->missed < 0)
		mc->missed_unknown = 1;
	m->queued_bytes += p->size;
	if (m->queued_bytes > m->queued_peak)
		m->queued_peak = m->queued_bytes;
	if (p->parsed)
		page_records(m, mc, p);
}

/* The head record of CPU c, after dropping used-up pages; NULL when none queued. */
static struct tb_rrec *cpu_head_slow(struct tb_merge *m, unsigned c)
{
	struct tb_merge_cpu *mc = &m->cpu[c];
	struct tb_rpage *p;

	while ((p = mc->head)) {
		if (!p->parsed)
			parse_queued(m, c, p);
		if (p->pos == 0 && p->missed) {
			/* say what was lost before this page's first record, in order */
			uint64_t ts = p->nrec ? p->recs[0].ts : m->last_emitted_ts;

			if (m->out.lost)
				m->out.lost(m->out.ctx, (int)c, p->missed, ts);
			p->missed = 0;
		}
		if (p->pos < p->nrec)
			return &p->recs[p->pos];
		mc->head = p->next;
		if (!mc->head)
			mc->tail = NULL;
		m->queued_bytes -= p->size;
		tb_merge_recycle(m, p);
	}
	return NULL;
}

/* The same, inline for the usual case: inside a page already started (per record). */
static inline struct tb_rrec *cpu_head(struct tb_merge *m, unsigned c)
{
	struct tb_rpage *p = m->cpu[c].head;

	if (p && p->pos && p->pos < p->nrec)
		return &p->recs[p->pos];
	return cpu_head_slow(m, c);
}

static struct tb_rrec *cpu_next_slow(struct tb_merge *m, unsigned c, struct tb_rpage *p)
{
	for (p = p->next; p; p = p->next) {
		if (!p->parsed)
			parse_queued(m, c, p);
		if (p->nrec)
			return &p->recs[0];
	}
	return NULL;
}

/* The record after the head of CPU c, or NULL if nothing more is queued. */
static inline struct tb_rrec *cpu_next(struct tb_merge *m, unsigned c)
{
	struct tb_rpage *p = m->cpu[c].head;

	if (p->pos + 1 < p->nrec)
		return &p->recs[p->pos + 1];
	return cpu_next_slow(m, c, p);
}

static void cpu_advance(struct tb_merge *m, unsigned c)
{
	struct tb_rpage *p = m->cpu[c].head;

	if (p->pos < p->nrec) {
		p->pos++;
		return;
	}
}

/* Advance past the head and, if the head was the last of its page, the next one. */
static void cpu_advance_to_next(struct tb_merge *m, unsigned c)
{
	cpu_advance(m, c);
	if (!cpu_head(m, c))
		return;
	cpu_advance(m, c);
}

/*
 * Emit the head of CPU c (it is the oldest queued record and no CPU with nothing
 * queued can send an older one).  Returns 1 emitted (or skipped), 0 must wait for
 * more data (its stack may be unread), negative: the emit callback's error.
 */
static int emit_head(struct tb_merge *m, unsigned c, struct tb_rrec *best, int drain)
{
	struct tb_rrec *r, *stack = NULL;
	int need_next = m->stack_type >= 0 && best->type != m->stack_type, ret;

	/* its stack, if it has one, may still be unread */
	if (!drain && need_next && !cpu_next(m, c) && best->ts > m->cpu[c].bound)
		return 0;
	if (m->stack_type >= 0 && best->type == m->stack_type) {
		/* a stack with no event before it on this CPU (e.g. after a loss) */
		m->orphan_stacks++;
		cpu_advance(m, c);
		return 1;
	}
	if (need_next) {
		r = cpu_next(m, c);
		if (r && r->type == m->stack_type)
			stack = r;
	}
	if (best->ts < m->last_emitted_ts)
		m->inversions++;
	else
		m->last_emitted_ts = best->ts;
	m->emitted++;
	ret = m->out.emit(m->out.ctx, (int)c, best, stack);
	if (stack)
		cpu_advance_to_next(m, c);
	else
		cpu_advance(m, c);
	return ret < 0 ? ret : 1;
}

/*
 * One scan of the CPUs finds the oldest head and the limit up to which that CPU's
 * records may go out in a row (the next CPU's head, the watermarks of CPUs with
 * nothing queued): bursts from one CPU cost no rescan, which matters on many CPUs.
 */
static int merge_run(struct tb_merge *m, int drain)
{
	uint64_t left = m->budget;

	m->budget_hit = 0;
	for (;;) {
		struct tb_rrec *best = NULL, *r;
		unsigned c, bc = 0;
		uint64_t min_empty_bound = UINT64_MAX;	/* of CPUs with nothing queued */
		uint64_t second = UINT64_MAX;		/* the next-oldest head */
		uint64_t limit;
		int ret;

		for (c = 0; c < m->ncpus; c++) {
			r = cpu_head(m, c);
			if (!r) {
				if (m->cpu[c].bound < min_empty_bound)
					min_empty_bound = m->cpu[c].bound;
				continue;
			}
			if (!best || r->ts < best->ts) {
				if (best)
					second = best->ts;
				best = r;
				bc = c;
			} else if (r->ts < second) {
				second = r->ts;
			}
		}
		if (!best)
			return 0;
		/* a CPU with nothing queued may still send something older */
		if (!drain && best->ts > min_empty_bound)
			return 0;
		limit = drain || second < min_empty_bound ? second : min_empty_bound;
		do {
			if (!drain && m->budget && !left) {
				m->budget_hit = 1;
				return 0;
			}
			ret = emit_head(m, bc, best, drain);
			if (ret <= 0)
				return ret;
			left--;
			best = cpu_head(m, bc);
		} while (best && best->ts <= limit);
	}
}

/**
 * tb_merge_run - emit every record that is safe to emit now, oldest first.
 * @drain: 1 to emit everything (the capture has ended)
 *
 * Returns 0, the emit callback's negative return, or -ENOMEM when a queued page could
 * not be split into records.
 */
int tb_merge_run(struct tb_merge *m, int drain)
{
	int ret = merge_run(m, drain);

	return ret == 0 && m->parse_err ? m->parse_err : ret;
}
