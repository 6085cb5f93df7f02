/*
 * test_capture.c - capture/ without a kernel: ring-buffer sub-buffers built by hand
 * (the kernel's binary layout), parsed with kbuffer, merged across CPUs in timestamp
 * order under the watermark rules, stack records attached, missed-event counts
 * reported; raw records decoded with real event formats; stats.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>
#include "event/event.h"
#include "capture/capture-local.h"
#include "decode/decode.h"
#include "util/intern.h"

#define PAGE 4096
#define TYPE_EV 10
#define TYPE_STACK 4

/* ---- building sub-buffers the way the kernel writes them (64-bit LE) ---------- */

struct pagebuild {
	unsigned char buf[PAGE];
	size_t used;		/* bytes of data after the 16-byte header */
	uint64_t last_ts;
	int first;
};

static void pb_init(struct pagebuild *pb, uint64_t ts)
{
	memset(pb, 0, sizeof(*pb));
	memcpy(pb->buf, &ts, 8);
	pb->last_ts = ts;
	pb->first = 1;
}

/* Append an event whose payload is data (len a multiple of 4, <= 112). */
static void pb_add(struct pagebuild *pb, uint64_t ts, const void *data, size_t len)
{
	uint32_t hdr, delta = (uint32_t)(ts - pb->last_ts);
	unsigned char *p = pb->buf + 16 + pb->used;

	assert_true(len % 4 == 0 && len <= 112);
	assert_true(ts >= pb->last_ts && delta < (1u << 27));
	hdr = (uint32_t)(len / 4) | (delta << 5);
	memcpy(p, &hdr, 4);
	memcpy(p + 4, data, len);
	pb->used += 4 + len;
	pb->last_ts = ts;
}

/* A plain event: common header (type, flags, preempt, pid) + a u64 value. */
static void pb_event(struct pagebuild *pb, uint64_t ts, uint16_t type, int32_t pid, uint64_t v)
{
	unsigned char d[16] = { 0 };

	memcpy(d, &type, 2);
	memcpy(d + 4, &pid, 4);
	memcpy(d + 8, &v, 8);
	pb_add(pb, ts, d, sizeof(d));
}

/* ftrace:kernel_stack: common header, int size, pad, unsigned long caller[n]. */
static void pb_stack(struct pagebuild *pb, uint64_t ts, const uint64_t *addrs, int n)
{
	unsigned char d[112] = { 0 };
	uint16_t type = TYPE_STACK;

	memcpy(d, &type, 2);
	memcpy(d + 8, &n, 4);
	memcpy(d + 16, addrs, (size_t)n * 8);
	pb_add(pb, ts, d, 16 + (size_t)n * 8);
}

/*
 * 1: pb_page() hands out pages not parsed yet, which the merge splits when they reach
 * their CPU's head (the live capture's way): the merge tests run both ways.
 */
static int lazy_pages;

static int lazy_on(void **state)
{
	lazy_pages = 1;
	(void)state;
	return 0;
}

static int lazy_off(void **state)
{
	lazy_pages = 0;
	(void)state;
	return 0;
}

/* Finish: commit = data size (+ flags/missed count when missed != 0). */
static struct tb_rpage *pb_page(struct pagebuild *pb, struct kbuffer *kb, int cpu, int64_t missed)
{
	uint64_t commit = pb->used;
	struct tb_rpage *p;

	if (missed) {
		commit |= 1UL << 31;
		if (missed > 0) {
			uint64_t m = (uint64_t)missed;

			commit |= 1UL << 30;
			memcpy(pb->buf + 16 + pb->used, &m, 8);
		}
	}
	memcpy(pb->buf + 8, &commit, 8);
	p = tb_rpage_alloc(PAGE);
	assert_non_null(p);
	memcpy(p->data, pb->buf, PAGE);
	p->cpu = cpu;
	if (lazy_pages)
		assert_int_equal(p->parsed, 0);	/* the merge splits it (host-order walk) */
	else
		assert_int_equal(tb_rpage_parse(kb, p), 0);
	return p;
}

/* ---- a recording merge output ------------------------------------------------ */

struct rec_out {
	uint64_t ts[4096];
	int cpu[4096];
	uint64_t val[4096];
	int nstack[4096];
	unsigned n;
	int64_t lost_count[8];
	uint64_t lost_ts[8];
	int lost_cpu[8];
	unsigned nlost;
};

static int out_emit(void *ctx, int cpu, const struct tb_rrec *r, const struct tb_rrec *stack)
{
	struct rec_out *o = ctx;
	uint64_t v = 0;

	assert_true(o->n < 4096);
	if (r->size >= 16)
		memcpy(&v, (const unsigned char *)r->data + 8, 8);
	o->ts[o->n] = r->ts;
	o->cpu[o->n] = cpu;
	o->val[o->n] = v;
	o->nstack[o->n] = 0;
	if (stack) {
		int n;

		memcpy(&n, (const unsigned char *)stack->data + 8, 4);
		o->nstack[o->n] = n;
	}
	o->n++;
	return 0;
}

static void out_lost(void *ctx, int cpu, int64_t count, uint64_t ts)
{
	struct rec_out *o = ctx;

	assert_true(o->nlost < 8);
	o->lost_cpu[o->nlost] = cpu;
	o->lost_count[o->nlost] = count;
	o->lost_ts[o->nlost] = ts;
	o->nlost++;
}

static struct kbuffer *new_kb(void)
{
	struct kbuffer *kb = kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE);

	assert_non_null(kb);
	return kb;
}

static void assert_sorted(const struct rec_out *o)
{
	unsigned i;

	for (i = 1; i < o->n; i++)
		assert_true(o->ts[i - 1] <= o->ts[i]);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_page_parse(void **state)
{
	struct kbuffer *kb = new_kb();
	struct pagebuild pb;
	struct tb_rpage *p;
	unsigned i;

	pb_init(&pb, 1000);
	for (i = 0; i < 50; i++)
		pb_event(&pb, 1000 + i * 7, TYPE_EV, 42, i);
	p = pb_page(&pb, kb, 1, 0);
	assert_int_equal(p->nrec, 50);
	assert_int_equal(p->missed, 0);
	for (i = 0; i < 50; i++) {
		assert_int_equal(p->recs[i].ts, 1000 + i * 7);
		assert_int_equal(p->recs[i].type, TYPE_EV);
	}
	tb_rpage_free(p);

	/* missed events: stored count, and "some, unknown" */
	pb_init(&pb, 5000);
	pb_event(&pb, 5001, TYPE_EV, 1, 0);
	p = pb_page(&pb, kb, 0, 1234);
	assert_int_equal(p->nrec, 1);
	assert_int_equal(p->missed, 1234);
	tb_rpage_free(p);
	pb_init(&pb, 5000);
	pb_event(&pb, 5001, TYPE_EV, 1, 0);
	p = pb_page(&pb, kb, 0, -1);
	assert_int_equal(p->missed, -1);
	tb_rpage_free(p);
	kbuffer_free(kb);
}

/* ---- tb_rpage_walk against kbuffer ------------------------------------------- */

/* Append a 4-byte word to a raw page body (lsize 8 or 4 header before it). */
static void raw_word(unsigned char *buf, size_t hdr, size_t *used, uint32_t w)
{
	memcpy(buf + hdr + *used, &w, 4);
	*used += 4;
}

/* Both splits of the same page (copies of it) must give the same records. */
static void assert_walk_equals_kbuffer(const unsigned char *page, size_t size, int lsize,
				       size_t damaged)
{
	struct kbuffer *kb = kbuffer_alloc(lsize == 4 ? KBUFFER_LSIZE_4 : KBUFFER_LSIZE_8,
					   KBUFFER_ENDIAN_LITTLE);
	struct tb_rpage *a = tb_rpage_alloc(PAGE), *b = tb_rpage_alloc(PAGE);
	unsigned i;

	assert_non_null(kb);
	assert_non_null(a);
	assert_non_null(b);
	memcpy(a->data, page, size);
	memcpy(b->data, page, size);
	a->size = b->size = size;
	assert_int_equal(tb_rpage_parse(kb, a), 0);
	assert_int_equal(tb_rpage_walk(b, lsize), 0);
	/*
	 * tb_rpage_parse takes the long size from kbuffer_start_of_data(), which is not
	 * it before a page is loaded (and after a page that starts with a time extend),
	 * so it reads the missed count as 8-byte longs always: compare only there (the
	 * walk's 4-byte count is checked by value in test_page_walk).
	 */
	if (lsize == 8)
		assert_int_equal(a->missed, b->missed);
	if (!damaged)
		assert_int_equal(a->nrec, b->nrec);
	for (i = 0; i < a->nrec; i++) {
		/* damaged (first bad byte at offset damaged): the records kbuffer found
		 * wholly before the damage, the walk must find the same */
		if (damaged && (size_t)((unsigned char *)a->recs[i].data - a->data) +
			       a->recs[i].size > damaged)
			break;
		assert_true(i < b->nrec);
		assert_int_equal(a->recs[i].ts, b->recs[i].ts);
		assert_ptr_equal((unsigned char *)a->recs[i].data - a->data,
				 (unsigned char *)b->recs[i].data - b->data);
		assert_int_equal(a->recs[i].size, b->recs[i].size);
		assert_int_equal(a->recs[i].type, b->recs[i].type);
	}
	for (i = 0; i < b->nrec; i++)	/* nothing past what was read, damaged or not */
		assert_true((unsigned char *)b->recs[i].data + b->recs[i].size <= b->data + size);
	tb_rpage_free(a);
	tb_rpage_free(b);
	kbuffer_free(kb);
}

/*
 * Every header type the kernel writes: small records (type_len 1-28), long ones
 * (type_len 0, length word, unaligned lengths rounded up), time extends, absolute
 * time stamps (their top 5 bits from the running time), padding (discarded events
 * and the page's end), missed-event counts; 8- and 4-byte longs;
 * then random pages of those, and random damage to them (no overrun, same records
 * as kbuffer up to the damage).
 */
static void test_page_walk(void **state)
{
	unsigned char page[PAGE];
	unsigned iter;
	int lsize;

	for (lsize = 8; lsize >= 4; lsize -= 4) {
		size_t hdr = 8 + (size_t)lsize, used = 0;
		uint64_t ts = 0xf800000000001000ULL, commit;
		uint16_t type = TYPE_EV;

		memset(page, 0, sizeof(page));
		memcpy(page, &ts, 8);
		raw_word(page, hdr, &used, 4 | (10u << 5));		/* 16-byte record */
		memcpy(page + hdr + used, &type, 2);
		used += 16;
		raw_word(page, hdr, &used, 30 | (5u << 5));		/* time extend */
		raw_word(page, hdr, &used, 3);
		raw_word(page, hdr, &used, 0 | (7u << 5));		/* long record */
		raw_word(page, hdr, &used, 4 + 118);			/* 118 -> 120 bytes */
		memcpy(page + hdr + used, &type, 2);
		used += 120;
		raw_word(page, hdr, &used, 29 | (2u << 5));		/* discarded: padding */
		raw_word(page, hdr, &used, 12);	/* bytes after the header, this word too */
		used += 8;
		raw_word(page, hdr, &used, 31 | (100u << 5));		/* absolute time stamp */
		raw_word(page, hdr, &used, 1);
		raw_word(page, hdr, &used, 2 | (1u << 5));		/* 8-byte record */
		memcpy(page + hdr + used, &type, 2);
		used += 8;
		raw_word(page, hdr, &used, 29 | (1u << 5));		/* padding to the end */
		raw_word(page, hdr, &used, 4);
		commit = used | (1UL << 31) | (1UL << 30);		/* 77 missed, stored */
		if (lsize == 8) {
			uint64_t m = 77;

			memcpy(page + 8, &commit, 8);
			memcpy(page + hdr + used, &m, 8);
		} else {
			uint32_t c4 = (uint32_t)commit, m = 77;

			memcpy(page + 8, &c4, 4);
			memcpy(page + hdr + used, &m, 4);
		}
		assert_walk_equals_kbuffer(page, PAGE, lsize, 0);
		assert_walk_equals_kbuffer(page, hdr + used + (size_t)lsize, lsize, 0);
		{
			struct tb_rpage *p = tb_rpage_alloc(PAGE);

			memcpy(p->data, page, PAGE);
			assert_int_equal(tb_rpage_walk(p, lsize), 0);
			assert_int_equal(p->nrec, 3);
			assert_int_equal(p->missed, 77);
			assert_int_equal(p->recs[0].ts, ts + 10);
			assert_int_equal(p->recs[1].ts, ts + 10 + (3ULL << 27) + 5 + 7);
			assert_int_equal(p->recs[1].size, 120);
			/* absolute: (1 << 27) + 100 with the running time's top 5 bits */
			assert_int_equal(p->recs[2].ts, (0xf8ULL << 56) | ((1ULL << 27) + 100 + 1));
			assert_int_equal(p->recs[2].type, TYPE_EV);
			tb_rpage_free(p);
		}
	}

	srand(4242);
	for (iter = 0; iter < 3000; iter++) {
		size_t hdr = 16, used = 0, cap = 200 + (size_t)(rand() % (PAGE - 16 - 200 - 8));
		uint64_t ts = (uint64_t)rand() * 1000, commit;
		int damage = iter % 3 == 2;
		size_t first_bad = 0;

		memset(page, 0, sizeof(page));
		memcpy(page, &ts, 8);
		while (used + 8 + 128 <= cap) {
			int k = rand() % 10;
			uint32_t delta = (uint32_t)rand() & ((1u << 27) - 1);
			uint16_t t = (uint16_t)(rand() % 100);

			if (k == 0) {
				raw_word(page, hdr, &used, 30 | (delta << 5));
				raw_word(page, hdr, &used, (uint32_t)rand() % 64);
			} else if (k == 1) {
				uint32_t pad = 4 * (uint32_t)(1 + rand() % 8);

				raw_word(page, hdr, &used, 29 | (delta << 5));
				raw_word(page, hdr, &used, pad);
				used += pad - 4;
			} else if (k == 2) {
				uint32_t len = 1 + (uint32_t)(rand() % 120);

				raw_word(page, hdr, &used, 0 | (delta << 5));
				raw_word(page, hdr, &used, 4 + len);
				memcpy(page + hdr + used, &t, 2);
				used += (len + 3) & ~3u;
			} else {
				uint32_t tl = 1 + (uint32_t)(rand() % 28);

				raw_word(page, hdr, &used, tl | (delta << 5));
				memcpy(page + hdr + used, &t, 2);
				used += tl * 4;
			}
		}
		commit = used;
		if (iter % 7 == 0)
			commit |= 1UL << 31;
		memcpy(page + 8, &commit, 8);
		if (damage) {
			unsigned j, nd = 1 + (unsigned)(rand() % 4);

			for (j = 0; j < nd; j++) {
				size_t at = hdr + (size_t)rand() % used;

				page[at] = (unsigned char)(page[at] ^ (1 + rand() % 255));
				if (!first_bad || at < first_bad)
					first_bad = at;
			}
		}
		/* read sizes: the whole page, or just the header and commit */
		assert_walk_equals_kbuffer(page, iter % 2 ? PAGE : hdr + used, 8, first_bad);
	}
	(void)state;
}

/* Two CPUs interleaved: without watermarks only "all CPUs queued" emits. */
/* A budget stops a run after that many records; the next run goes on in order. */
static void test_merge_budget(void **state)
{
	struct kbuffer *kb = new_kb();
	struct rec_out o;
	struct tb_merge_out mo = { out_emit, out_lost, &o };
	struct tb_merge m;
	struct pagebuild pb;
	unsigned i, c;

	memset(&o, 0, sizeof(o));
	assert_int_equal(tb_merge_init(&m, 2, &mo), 0);
	for (c = 0; c < 2; c++) {
		pb_init(&pb, 100 + c);
		for (i = 0; i < 40; i++)
			pb_event(&pb, 100 + c + i * 2, TYPE_EV, 1, c * 100 + i);
		tb_merge_add(&m, pb_page(&pb, kb, (int)c, 0));
		m.cpu[c].bound = 1000;	/* both CPUs read to the end */
	}
	m.budget = 25;
	assert_int_equal(tb_merge_run(&m, 0), 0);
	assert_int_equal(o.n, 25);
	assert_int_equal(m.budget_hit, 1);
	assert_int_equal(tb_merge_run(&m, 0), 0);
	assert_int_equal(o.n, 50);
	assert_int_equal(tb_merge_run(&m, 0), 0);
	assert_int_equal(o.n, 75);
	assert_int_equal(tb_merge_run(&m, 0), 0);
	assert_int_equal(o.n, 80);	/* the rest, under the budget */
	assert_int_equal(m.budget_hit, 0);
	assert_sorted(&o);
	for (i = 0; i < o.n; i++)
		assert_int_equal(o.ts[i], 100 + i);
	/* drain ignores the budget */
	for (c = 0; c < 2; c++) {
		pb_init(&pb, 200 + c);
		for (i = 0; i < 40; i++)
			pb_event(&pb, 200 + c + i * 2, TYPE_EV, 1, 0);
		tb_merge_add(&m, pb_page(&pb, kb, (int)c, 0));
	}
	assert_int_equal(tb_merge_run(&m, 1), 0);
	assert_int_equal(o.n, 160);
	assert_sorted(&o);
	tb_merge_release(&m);
	kbuffer_free(kb);
	(void)state;
}

static void test_merge_order(void **state)
{
	struct kbuffer *kb = new_kb();
	struct rec_out o;
	struct tb_merge_out mo = { out_emit, out_lost, &o };
	struct tb_merge m;
	struct pagebuild pb;
	unsigned i;

	memset(&o, 0, sizeof(o));
	assert_int_equal(tb_merge_init(&m, 2, &mo), 0);

	/* CPU0: 100,110,...,190 ; CPU1 nothing yet */
	pb_init(&pb, 100);
	for (i = 0; i < 10; i++)
		pb_event(&pb, 100 + i * 10, TYPE_EV, 1, 0 * 100 + i);
	tb_merge_add(&m, pb_page(&pb, kb, 0, 0));
	assert_int_equal(tb_merge_run(&m, 0), 0);
	assert_int_equal(o.n, 0);	/* CPU1 might still produce something older */

	/* CPU1: 105,...,155 arrives: everything below CPU1's head order is safe */
	pb_init(&pb, 105);
	for (i = 0; i < 6; i++)
		pb_event(&pb, 105 + i * 10, TYPE_EV, 2, 100 + i);
	tb_merge_add(&m, pb_page(&pb, kb, 1, 0));
	assert_int_equal(tb_merge_run(&m, 0), 0);
	/* emitted until CPU1 ran empty (its last, 155, went out once CPU0 held 160) */
	assert_true(o.n >= 11);
	assert_sorted(&o);
	assert_int_equal(o.ts[o.n - 1], 155);
	assert_int_equal(o.cpu[o.n - 1], 1);

	/* CPU1's watermark proves it has nothing unread older than 175: 160, 170 go */
	m.cpu[1].bound = 175;
	assert_int_equal(tb_merge_run(&m, 0), 0);
	assert_int_equal(o.ts[o.n - 1], 170);

	/* a late but legal CPU1 record at 176 still sorts in */
	pb_init(&pb, 176);
	pb_event(&pb, 176, TYPE_EV, 2, 999);
	tb_merge_add(&m, pb_page(&pb, kb, 1, 0));
	assert_int_equal(tb_merge_run(&m, 1), 0);
	assert_int_equal(o.n, 17);
	assert_sorted(&o);
	assert_int_equal(m.inversions, 0);
	for (i = 0; i < o.n; i++)
		if (o.ts[i] == 176)
			assert_int_equal(o.val[i], 999);
	tb_merge_release(&m);
	kbuffer_free(kb);
}

/*
 * Randomised: 4 CPUs, random page sizes, pages added in random CPU order, each
 * CPU's watermark set to anything below its first record not yet added (what the
 * reader may prove).  Everything comes out exactly once, in timestamp order.
 */
static void test_merge_random(void **state)
{
	enum { NC = 4, PER = 600 };
	struct kbuffer *kb = new_kb();
	static uint64_t ts[NC][PER];
	unsigned next[NC] = { 0 }, c, i, round;
	uint64_t last = 0, emitted_before;
	struct rec_out *o = calloc(1, sizeof(*o));
	struct tb_merge m;
	struct tb_merge_out mo;
	unsigned total = 0;

	assert_non_null(o);
	mo.emit = out_emit;
	mo.lost = out_lost;
	mo.ctx = o;
	srand(12345);
	for (c = 0; c < NC; c++) {
		uint64_t t = 1000 + (uint64_t)(rand() % 50);

		for (i = 0; i < PER; i++) {
			t += (uint64_t)(rand() % 40);	/* ties across and within CPUs */
			ts[c][i] = t;
		}
	}
	assert_int_equal(tb_merge_init(&m, NC, &mo), 0);
	for (round = 0; round < 100000; round++) {
		struct pagebuild pb;
		unsigned n;

		c = (unsigned)rand() % NC;
		if (next[c] < PER) {
			n = 1 + (unsigned)rand() % 20;
			if (next[c] + n > PER)
				n = PER - next[c];
			pb_init(&pb, ts[c][next[c]]);
			for (i = 0; i < n; i++)
				pb_event(&pb, ts[c][next[c] + i], TYPE_EV, (int32_t)c, ts[c][next[c] + i]);
			tb_merge_add(&m, pb_page(&pb, kb, (int)c, 0));
			next[c] += n;
		}
		/* the reader may prove anything below the first unread record */
		if (rand() % 2)
			m.cpu[c].bound = next[c] < PER ? ts[c][next[c]] - 1 - (uint64_t)(rand() % 30)
						: UINT64_MAX;
		o->n = 0;
		emitted_before = m.emitted;
		assert_int_equal(tb_merge_run(&m, 0), 0);
		for (i = 0; i < o->n; i++) {
			assert_true(o->ts[i] >= last);
			last = o->ts[i];
		}
		total += o->n;
		assert_int_equal(m.emitted - emitted_before, o->n);
		for (c = 0; c < NC && next[c] == PER; c++)
			;
		if (c == NC)
			break;
	}
	o->n = 0;
	assert_int_equal(tb_merge_run(&m, 1), 0);
	for (i = 0; i < o->n; i++) {
		assert_true(o->ts[i] >= last);
		last = o->ts[i];
	}
	total += o->n;
	assert_int_equal(total, NC * PER);
	assert_int_equal(m.inversions, 0);
	tb_merge_release(&m);
	kbuffer_free(kb);
	free(o);
}

/* A stack record travels with the event before it; a stack is awaited, not lost. */
static void test_merge_stack(void **state)
{
	struct kbuffer *kb = new_kb();
	struct rec_out o;
	struct tb_merge_out mo = { out_emit, out_lost, &o };
	struct tb_merge m;
	struct pagebuild pb;
	uint64_t addrs[3] = { 0xffffffff81000010ULL, 0xffffffff81000020ULL, 0xffffffff81000030ULL };

	memset(&o, 0, sizeof(o));
	assert_int_equal(tb_merge_init(&m, 1, &mo), 0);
	m.stack_type = TYPE_STACK;

	pb_init(&pb, 10);
	pb_event(&pb, 10, TYPE_EV, 1, 1);
	pb_stack(&pb, 10, addrs, 3);
	pb_event(&pb, 20, TYPE_EV, 1, 2);	/* its stack is on the next page */
	tb_merge_add(&m, pb_page(&pb, kb, 0, 0));
	assert_int_equal(tb_merge_run(&m, 0), 0);
	assert_int_equal(o.n, 1);
	assert_int_equal(o.nstack[0], 3);

	pb_init(&pb, 20);
	pb_stack(&pb, 20, addrs, 2);
	pb_event(&pb, 30, TYPE_EV, 1, 3);
	tb_merge_add(&m, pb_page(&pb, kb, 0, 0));
	assert_int_equal(tb_merge_run(&m, 0), 0);
	assert_int_equal(o.n, 2);
	assert_int_equal(o.val[1], 2);
	assert_int_equal(o.nstack[1], 2);
	assert_int_equal(tb_merge_run(&m, 1), 0);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.nstack[2], 0);
	assert_int_equal(m.orphan_stacks, 0);
	tb_merge_release(&m);
	kbuffer_free(kb);
}

/* Missed events are reported once, in order, with the CPU and the next timestamp. */
static void test_merge_lost(void **state)
{
	struct kbuffer *kb = new_kb();
	struct rec_out o;
	struct tb_merge_out mo = { out_emit, out_lost, &o };
	struct tb_merge m;
	struct pagebuild pb;

	memset(&o, 0, sizeof(o));
	assert_int_equal(tb_merge_init(&m, 2, &mo), 0);
	pb_init(&pb, 50);
	pb_event(&pb, 50, TYPE_EV, 1, 1);
	tb_merge_add(&m, pb_page(&pb, kb, 1, 0));
	pb_init(&pb, 300);
	pb_event(&pb, 300, TYPE_EV, 1, 2);
	tb_merge_add(&m, pb_page(&pb, kb, 1, 77));
	pb_init(&pb, 60);
	pb_event(&pb, 60, TYPE_EV, 1, 3);
	tb_merge_add(&m, pb_page(&pb, kb, 0, -1));
	assert_int_equal(m.cpu[1].missed, 77);
	assert_int_equal(m.cpu[0].missed_unknown, 1);
	assert_int_equal(tb_merge_run(&m, 1), 0);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.nlost, 2);
	assert_int_equal(o.lost_cpu[0], 0);
	assert_int_equal(o.lost_count[0], -1);
	assert_int_equal(o.lost_ts[0], 60);
	assert_int_equal(o.lost_cpu[1], 1);
	assert_int_equal(o.lost_count[1], 77);
	assert_int_equal(o.lost_ts[1], 300);
	tb_merge_release(&m);
	kbuffer_free(kb);
}

/* ---- raw decoding with real formats ------------------------------------------ */

static const char kmalloc_fmt[] =
	"name: kmalloc\nID: 10\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:unsigned long call_site;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:const void * ptr;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:size_t bytes_req;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:size_t bytes_alloc;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned long gfp_flags;\toffset:40;\tsize:8;\tsigned:0;\n"
	"\tfield:int node;\toffset:48;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"call_site=%pS ptr=%p\", (void *)REC->call_site, REC->ptr\n";

static const char cache_free_fmt[] =
	"name: kmem_cache_free\nID: 11\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:unsigned long call_site;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:const void * ptr;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:__data_loc char[] name;\toffset:24;\tsize:4;\tsigned:0;\n\n"
	"print fmt: \"call_site=%pS ptr=%p name=%s\", (void *)REC->call_site, REC->ptr, __get_str(name)\n";

static const char stack_fmt[] =
	"name: kernel_stack\nID: 4\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:int size;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned long caller[8];\toffset:16;\tsize:64;\tsigned:0;\n\n"
	"print fmt: \"\\t=> %ps\\n\", (void *)REC->caller[0]\n";

struct got {
	unsigned n;
	unsigned nf0, nf1;	/* fields decoded before the lookups below, after them */
	uint64_t call_site, ptr, bytes_alloc, stack0;
	int32_t pid, cpu;
	int64_t node;
	char name[64];
	unsigned stackn;
	const char *sys, *ev;
	const char *comm;
	const char *comms[8];	/* the first events' task names */
};

static int got_event(void *ctx, const struct tb_event *ev)
{
	struct got *g = ctx;
	const struct tb_field *f;

	if (g->n < 8)
		g->comms[g->n] = ev->comm;
	g->comm = ev->comm;
	g->n++;
	g->nf0 = ev->nfields;
	g->sys = ev->system;
	g->ev = ev->name;
	g->pid = ev->pid;
	g->cpu = ev->cpu;
	assert_int_equal(ev->ptr_quality, TB_PTR_REAL);
	tb_event_u64(ev, "call_site", 16, &g->call_site);
	tb_event_u64(ev, "ptr", 16, &g->ptr);
	tb_event_u64(ev, "bytes_alloc", 10, &g->bytes_alloc);
	f = tb_event_field(ev, "node");
	g->node = f ? (int64_t)f->num : 0;
	f = tb_event_field(ev, "name");
	g->name[0] = 0;
	if (f) {
		assert_int_equal(f->type, TB_FV_STR);
		snprintf(g->name, sizeof(g->name), "%s", f->str);
	}
	assert_null(tb_event_field(ev, "common_type"));
	assert_null(tb_event_field(ev, "no_such_field"));
	g->nf1 = ev->nfields;
	/* a field asked for again is the same one, not decoded twice */
	f = tb_event_field(ev, "call_site");
	if (f)
		assert_ptr_equal(tb_event_field(ev, "call_site"), f);
	assert_int_equal(ev->nfields, g->nf1);
	g->stackn = ev->stack.n;
	g->stack0 = ev->stack.n ? ev->stack.addrs[0] : 0;
	return 0;
}

/*
 * A decoder of the real kmalloc, kmem_cache_free and kernel_stack formats feeding a
 * struct got, and a 4-CPU merge into it (the decoder tests below).
 */
struct decfix {
	struct tep_handle *tep;
	struct kbuffer *kb;
	struct got g;
	struct tb_sink sink;
	struct tb_rawdec *d;
	struct tb_merge m;
};

static void decfix_open(struct decfix *x, const char *const *comms, const int32_t *pids)
{
	struct tb_merge_out mo;

	memset(x, 0, sizeof(*x));
	x->tep = tep_alloc();
	x->kb = new_kb();
	x->sink.event = got_event;
	x->sink.ctx = &x->g;
	assert_non_null(x->tep);
	tep_set_long_size(x->tep, 8);
	assert_int_equal(tep_parse_event(x->tep, kmalloc_fmt, sizeof(kmalloc_fmt) - 1, "kmem"), 0);
	assert_int_equal(tep_parse_event(x->tep, cache_free_fmt, sizeof(cache_free_fmt) - 1,
					 "kmem"), 0);
	assert_int_equal(tep_parse_event(x->tep, stack_fmt, sizeof(stack_fmt) - 1, "ftrace"), 0);
	for (; comms && *comms; comms++, pids++)
		assert_int_equal(tep_register_comm(x->tep, *comms, *pids), 0);
	x->d = tb_rawdec_new(x->tep, &x->sink);
	assert_non_null(x->d);
	assert_int_equal(tb_rawdec_stack_type(x->d), 4);
	mo = tb_rawdec_out(x->d);
	assert_int_equal(tb_merge_init(&x->m, 4, &mo), 0);
	x->m.stack_type = tb_rawdec_stack_type(x->d);
}

static void decfix_close(struct decfix *x)
{
	tb_merge_release(&x->m);
	tb_rawdec_free(x->d);
	tep_free(x->tep);
	kbuffer_free(x->kb);
	tb_intern_reset();
}

/*
 * Real formats decoded; with select, the decoder is told the sink reads only "ptr"
 * (tb_rawdec_select): every other field is still found, decoded on the asking.
 */
static void rawdecode_case(int select)
{
	struct decfix x;
	struct pagebuild pb;
	unsigned char rec[112] = { 0 };
	uint16_t type;
	int32_t pid = 4242, node = -1;
	uint64_t v;
	uint32_t loc;
	uint64_t addrs[2] = { 0xffffffff81234567ULL, 0xffffffff8100abcdULL };

	decfix_open(&x, NULL, NULL);
	if (select) {
		const char *want[1];

		want[0] = tb_intern("ptr");
		assert_int_equal(tb_rawdec_select(x.d, want, 1), 0);
	}

	/* kmalloc with a real kernel pointer, then its stack */
	type = 10;
	memcpy(rec, &type, 2);
	memcpy(rec + 4, &pid, 4);
	v = 0xffffffff81555aa4ULL;	/* call_site */
	memcpy(rec + 8, &v, 8);
	v = 0xffff888104a3c040ULL;	/* ptr */
	memcpy(rec + 16, &v, 8);
	v = 48;
	memcpy(rec + 24, &v, 8);
	v = 64;
	memcpy(rec + 32, &v, 8);
	memcpy(rec + 48, &node, 4);
	pb_init(&pb, 1000);
	pb_add(&pb, 1000, rec, 52);
	pb_stack(&pb, 1000, addrs, 2);
	tb_merge_add(&x.m, pb_page(&pb, x.kb, 3, 0));
	assert_int_equal(tb_merge_run(&x.m, 1), 0);
	assert_int_equal(x.g.n, 1);
	assert_ptr_equal(x.g.sys, tb_intern("kmem"));
	assert_ptr_equal(x.g.ev, tb_intern("kmalloc"));
	assert_int_equal(x.g.pid, 4242);
	assert_int_equal(x.g.cpu, 3);
	assert_int_equal(x.g.call_site, 0xffffffff81555aa4ULL);
	assert_int_equal(x.g.ptr, 0xffff888104a3c040ULL);
	assert_int_equal(x.g.bytes_alloc, 64);
	assert_int_equal(x.g.node, -1);	/* signed field sign-extended */
	assert_int_equal(x.g.stackn, 2);
	assert_int_equal(x.g.stack0, 0xffffffff81234567ULL);
	/* selected: ptr only, then call_site, bytes_alloc, node as asked; else all six */
	assert_int_equal(x.g.nf0, select ? 1 : 6);
	assert_int_equal(x.g.nf1, select ? 4 : 6);
	assert_int_equal(tb_rawdec_late(x.d), select ? 3 : 0);

	/* kmem_cache_free with a __data_loc string */
	memset(rec, 0, sizeof(rec));
	type = 11;
	memcpy(rec, &type, 2);
	memcpy(rec + 4, &pid, 4);
	v = 0xffff888104a3c040ULL;
	memcpy(rec + 16, &v, 8);
	loc = 28 | (12u << 16);		/* offset 28, 12 bytes "kmalloc-64\0" + pad */
	memcpy(rec + 24, &loc, 4);
	memcpy(rec + 28, "kmalloc-64", 11);
	pb_init(&pb, 2000);
	pb_add(&pb, 2000, rec, 40);
	tb_merge_add(&x.m, pb_page(&pb, x.kb, 0, 0));
	/* an event type the tep does not know is skipped and counted */
	pb_init(&pb, 3000);
	pb_event(&pb, 3000, 999, 1, 0);
	tb_merge_add(&x.m, pb_page(&pb, x.kb, 0, 0));
	assert_int_equal(tb_merge_run(&x.m, 1), 0);
	assert_int_equal(x.g.n, 2);
	assert_ptr_equal(x.g.ev, tb_intern("kmem_cache_free"));
	assert_string_equal(x.g.name, "kmalloc-64");
	assert_int_equal(x.g.stackn, 0);
	assert_int_equal(tb_rawdec_events(x.d), 2);
	assert_int_equal(tb_rawdec_unknown(x.d), 1);

	/*
	 * A string whose field holds no NUL (a damaged or foreign record): copied up to
	 * the field's length and terminated, never read past it (the record's next bytes
	 * are not NUL).  With its NUL inside (above) it is passed in place.
	 */
	loc = 28 | (7u << 16);		/* 7 bytes "kmalloc", then "-64" in the record */
	memcpy(rec + 24, &loc, 4);
	pb_init(&pb, 4000);
	pb_add(&pb, 4000, rec, 40);
	tb_merge_add(&x.m, pb_page(&pb, x.kb, 0, 0));
	assert_int_equal(tb_merge_run(&x.m, 1), 0);
	assert_int_equal(x.g.n, 3);
	assert_string_equal(x.g.name, "kmalloc");

	decfix_close(&x);
}

static void test_rawdecode(void **state)
{
	rawdecode_case(0);
	(void)state;
}

static void test_rawdecode_select(void **state)
{
	rawdecode_case(1);
	(void)state;
}

/*
 * Task names from the tep's cmdlines (a trace.dat): each event named by its own pid,
 * also when pids that share a slot of the decoder's name memo take turns.
 */
static void test_rawdecode_names(void **state)
{
	static const char *const comms[] = { "alpha", "beta", "gamma", NULL };
	static const int32_t comm_pids[] = { 300, 556, 812 };	/* one slot of the memo */
	struct decfix x;
	struct pagebuild pb;
	unsigned char rec[52] = { 0 };
	uint16_t type = 10;
	int32_t pids[6] = { 300, 556, 556, 300, 7, 812 };
	unsigned i;

	(void)state;
	decfix_open(&x, comms, comm_pids);
	tb_rawdec_set_names(x.d, 1);
	pb_init(&pb, 1000);
	for (i = 0; i < 6; i++) {
		memcpy(rec, &type, 2);
		memcpy(rec + 4, &pids[i], 4);
		pb_add(&pb, 1000 + i, rec, sizeof(rec));
	}
	tb_merge_add(&x.m, pb_page(&pb, x.kb, 0, 0));
	assert_int_equal(tb_merge_run(&x.m, 1), 0);
	assert_int_equal(x.g.n, 6);
	assert_ptr_equal(x.g.comms[0], tb_intern("alpha"));
	assert_ptr_equal(x.g.comms[1], tb_intern("beta"));
	assert_ptr_equal(x.g.comms[2], tb_intern("beta"));
	assert_ptr_equal(x.g.comms[3], tb_intern("alpha"));
	assert_null(x.g.comms[4]);			/* not in the cmdlines: "<...>" */
	assert_ptr_equal(x.g.comms[5], tb_intern("gamma"));
	decfix_close(&x);
}

static void test_stats(void **state)
{
	struct tb_cpu_stats st;
	const char *t = "entries: 12\noverrun: 345\ncommit overrun: 0\nbytes: 1\n"
			"oldest event ts:  5.5\nnow ts:  9.9\ndropped events: 6\nread events: 78\n";

	assert_int_equal(tb_parse_cpu_stats(t, &st), 0);
	assert_int_equal(st.overrun, 345);
	assert_int_equal(st.dropped, 6);
	assert_int_equal(st.entries, 12);
	assert_int_equal(st.read, 78);
	assert_int_equal(st.bytes, 1);
	assert_int_equal(st.has_bytes, 1);
	assert_int_equal(st.ok, 1);
	/* 3.10-style stats without "bytes:": unknown, so the reader never defers there */
	assert_int_equal(tb_parse_cpu_stats("entries: 1\noverrun: 2\n", &st), 0);
	assert_int_equal(st.has_bytes, 0);
	assert_int_equal(tb_parse_cpu_stats("garbage\n", &st), -1);
	assert_int_equal(st.ok, 0);
}

static void test_reader_sleep(void **state)
{
	const uint64_t mib = 1ULL << 20, ms = 1000000ULL;

	(void)state;
	/* buffer size unknown: the old 1 ms */
	assert_int_equal(tb_raw_sleep_ms(0, 100, ms), 1);
	/* nothing came, or no pass before: the longest */
	assert_int_equal(tb_raw_sleep_ms(8 * mib, 0, ms), TB_RAW_SLEEP_MAX_MS);
	assert_int_equal(tb_raw_sleep_ms(8 * mib, 4096, 0), TB_RAW_SLEEP_MAX_MS);
	/* the bench: 8 MiB a CPU, ~92 KiB a ms from the busiest CPU: a quarter lasts 22 ms */
	assert_int_equal(tb_raw_sleep_ms(8 * mib, 92 * 1024 * 4, 4 * ms), TB_RAW_SLEEP_MAX_MS);
	/* the default 1410 KiB at the same rate: a quarter lasts 3.8 ms, so 3 */
	assert_int_equal(tb_raw_sleep_ms(1410 * 1024, 92 * 1024 * 4, 4 * ms), 3);
	/* a quarter of 2 MiB lasts 2 ms at 256 KiB a ms: 2 */
	assert_int_equal(tb_raw_sleep_ms(8 * 256 * 1024, 256 * 1024, ms), 2);
	/* a small buffer and a flood: never under 1 ms */
	assert_int_equal(tb_raw_sleep_ms(64 * 1024, 4 * mib, ms), 1);
	/* huge values do not overflow into a short or a wild sleep */
	assert_int_equal(tb_raw_sleep_ms(UINT64_MAX, 1, UINT64_MAX), TB_RAW_SLEEP_MAX_MS);
	assert_int_equal(tb_raw_sleep_ms(UINT64_MAX / 2, UINT64_MAX, 1), 1);
}

static void test_kmsg_line(void **state)
{
	char out[256];
	const char rec[] = "6,1234,5678901234,-;TRACE kmalloc-64 alloc 0xffff888104a3c040 inuse=3 fp=0x0000000000000000\n SUBSYSTEM=x\n";
	const char cont[] = "4,1235,5678901300,c; dump_stack_lvl+0x5d/0x80\n";

	assert_int_equal(tb_kmsg_line(rec, sizeof(rec) - 1, out, sizeof(out)),
			 (int)strlen("[ 5678.901234] TRACE kmalloc-64 alloc 0xffff888104a3c040 inuse=3 fp=0x0000000000000000"));
	assert_string_equal(out, "[ 5678.901234] TRACE kmalloc-64 alloc 0xffff888104a3c040 inuse=3 fp=0x0000000000000000");
	assert_true(tb_kmsg_line(cont, sizeof(cont) - 1, out, sizeof(out)) > 0);
	assert_string_equal(out, "[ 5678.901300]  dump_stack_lvl+0x5d/0x80");
	assert_int_equal(tb_kmsg_line("no semicolon", 12, out, sizeof(out)), -1);
	assert_int_equal(tb_kmsg_line("x;text", 6, out, sizeof(out)), -1);
	/* truncated to the buffer, still terminated */
	assert_int_equal(tb_kmsg_line(rec, sizeof(rec) - 1, out, 10), 9);
	assert_string_equal(out, "[ 5678.90");
}

struct slubgot {
	unsigned n;
	uint64_t ptr;
	const char *name;
	char cache[32];
	unsigned frames;
};

static int slub_event(void *ctx, const struct tb_event *ev)
{
	struct slubgot *g = ctx;
	const struct tb_field *f = tb_event_field(ev, "cache");

	g->n++;
	g->name = ev->name;
	tb_event_u64(ev, "ptr", 16, &g->ptr);
	snprintf(g->cache, sizeof(g->cache), "%s", f && f->str ? f->str : "");
	g->frames = ev->stack.n;
	return 0;
}

/* /dev/kmsg records, as the live source turns them into lines, decode as SLUB TRACE. */
static void test_kmsg_to_decoder(void **state)
{
	static const char *recs[] = {
		"6,100,2000000100,-;TRACE kmalloc-64 alloc 0xffff888104a3c040 inuse=3 fp=0x0000000000000000\n",
		"4,101,2000000110,-;CPU: 1 PID: 99 Comm: leaky Not tainted 6.18.0 #1\n",
		"4,102,2000000120,-;Call Trace:\n",
		"4,103,2000000130,-; <TASK>\n",
		"4,104,2000000140,-; dump_stack_lvl+0x5d/0x80\n",
		"4,105,2000000150,-; alloc_debug_processing+0x1a0/0x1b0\n",
		"4,106,2000000160,-; leaky_open+0x22/0x60 [leaky]\n",
		"4,107,2000000170,-; </TASK>\n",
		"6,108,2000000200,-;eth0: link up\n",
	};
	struct slubgot g;
	struct tb_sink sink = { slub_event, NULL, &g };
	struct tb_decoder *d;
	char line[512];
	size_t i;

	memset(&g, 0, sizeof(g));
	d = tb_decoder_new(TB_FMT_KERNEL_LOG, "/dev/kmsg", &sink);
	assert_non_null(d);
	for (i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		int len = tb_kmsg_line(recs[i], strlen(recs[i]), line, sizeof(line));

		assert_true(len > 0);
		assert_int_equal(tb_decoder_line(d, line, (size_t)len), 0);
	}
	assert_int_equal(tb_decoder_finish(d), 0);
	assert_int_equal(g.n, 1);
	assert_ptr_equal(g.name, tb_intern("alloc"));
	assert_string_equal(g.cache, "kmalloc-64");
	assert_int_equal(g.ptr, 0xffff888104a3c040ULL);
	assert_true(g.frames >= 1);	/* the decoder may drop SLUB-internal frames */
	tb_decoder_free(d);
	tb_intern_reset();
}


/*
 * Pages the merge has used up are kept (recs[] too) and handed back for reuse: a
 * reused page parses to exactly its new content (none of the old records), its
 * records array grows past the first 64 when needed, and at most
 * TB_MERGE_SPARE_MAX pages are kept (the rest freed, so memory stays bounded).
 */
static void test_merge_recycle(void **state)
{
	struct kbuffer *kb = new_kb();
	struct rec_out *o = calloc(1, sizeof(*o));
	struct tb_merge_out out = { out_emit, out_lost, o };
	struct tb_merge m;
	struct pagebuild pb;
	struct tb_rpage *p, *spares, *q, *first, *tail;
	unsigned i, n;

	assert_non_null(o);
	assert_int_equal(tb_merge_init(&m, 1, &out), 0);
	pb_init(&pb, 100);
	for (i = 0; i < 3; i++)
		pb_event(&pb, 100 + i, TYPE_EV, 1, 7 + i);
	tb_merge_add(&m, pb_page(&pb, kb, 0, 0));
	assert_int_equal(tb_merge_run(&m, 1), 0);
	assert_int_equal(o->n, 3);
	assert_int_equal(m.nspare, 1);
	spares = tb_merge_take_spares(&m, &q);
	assert_non_null(spares);
	assert_null(spares->next);
	assert_ptr_equal(q, spares);	/* the list's last page */
	assert_int_equal(m.nspare, 0);
	assert_null(tb_merge_take_spares(&m, &q));
	assert_null(q);

	/* fill the same page with 100 other records: parsed in one pass, array grown */
	p = spares;
	assert_int_equal(p->size, PAGE);
	pb_init(&pb, 9000);
	for (i = 0; i < 100; i++)
		pb_event(&pb, 9000 + i * 3, TYPE_EV, 2, 500 + i);
	{
		uint64_t commit = pb.used;	/* as pb_page() writes it, no missed events */

		memcpy(pb.buf + 8, &commit, 8);
	}
	memcpy(p->data, pb.buf, PAGE);
	p->cpu = 0;
	assert_int_equal(tb_rpage_parse(kb, p), 0);
	assert_int_equal(p->nrec, 100);
	assert_true(p->arec >= 100);
	tb_merge_add(&m, p);
	o->n = 0;
	assert_int_equal(tb_merge_run(&m, 1), 0);
	assert_int_equal(o->n, 100);
	for (i = 0; i < 100; i++) {
		assert_int_equal(o->ts[i], 9000 + i * 3);
		assert_int_equal(o->val[i], 500 + i);
	}

	/* the spare list is capped; the page used up above is its first */
	assert_int_equal(m.nspare, 1);
	first = m.spare;
	n = TB_MERGE_SPARE_MAX + 5;
	for (i = 0; i < n; i++) {
		q = tb_rpage_alloc(PAGE);
		assert_non_null(q);
		tb_merge_recycle(&m, q);
	}
	assert_int_equal(m.nspare, TB_MERGE_SPARE_MAX);
	/* a long list's tail is its last page, the first one kept (tb_raw_pump splices it) */
	spares = tb_merge_take_spares(&m, &tail);
	assert_ptr_equal(tail, first);
	assert_null(tail->next);
	for (i = 0, q = spares; q; q = q->next)
		i++;
	assert_int_equal(i, TB_MERGE_SPARE_MAX);
	for (q = spares; q; q = p) {	/* back to the merge, which frees them */
		p = q->next;
		tb_merge_recycle(&m, q);
	}
	assert_int_equal(m.nspare, TB_MERGE_SPARE_MAX);
	tb_merge_release(&m);
	assert_int_equal(m.nspare, 0);
	kbuffer_free(kb);
	free(o);
}

#if TB_RPAGE_WALK_NATIVE
/*
 * An unparsed page is split only when its records are due: a page behind the head
 * stays unsplit while the head's records go out, its missed count is known at once,
 * and its records come out in order, after the loss it reports.
 */
static void test_merge_lazy(void **state)
{
	struct kbuffer *kb = new_kb();
	struct rec_out o;
	struct tb_merge_out mo = { out_emit, out_lost, &o };
	struct tb_merge m;
	struct pagebuild pb;
	struct tb_rpage *p1, *p2;
	unsigned i;

	memset(&o, 0, sizeof(o));
	lazy_pages = 1;
	assert_int_equal(tb_merge_init(&m, 2, &mo), 0);
	pb_init(&pb, 10);
	for (i = 0; i < 10; i++)
		pb_event(&pb, 10 + i, TYPE_EV, 1, i);
	p1 = pb_page(&pb, kb, 0, 0);
	pb_init(&pb, 20);
	for (i = 0; i < 10; i++)
		pb_event(&pb, 20 + i, TYPE_EV, 1, 10 + i);
	p2 = pb_page(&pb, kb, 0, 5);
	tb_merge_add(&m, p1);
	tb_merge_add(&m, p2);
	assert_int_equal(p1->parsed, 0);
	assert_int_equal(p2->parsed, 0);
	assert_int_equal(m.cpu[0].missed, 5);	/* from the header, before any split */
	assert_int_equal(m.cpu[0].records, 0);

	m.cpu[1].bound = 15;	/* CPU1 is proven empty up to 15 */
	assert_int_equal(tb_merge_run(&m, 0), 0);
	assert_int_equal(o.n, 6);		/* 10..15 */
	assert_int_equal(p1->parsed, 1);
	assert_int_equal(p1->nrec, 10);
	assert_int_equal(p2->parsed, 0);	/* not due yet: still as read */
	assert_int_equal(o.nlost, 0);

	m.cpu[1].bound = 100;
	assert_int_equal(tb_merge_run(&m, 0), 0);
	assert_int_equal(o.n, 20);
	for (i = 0; i < o.n; i++) {
		assert_int_equal(o.ts[i], 10 + i);
		assert_int_equal(o.val[i], i);
	}
	assert_int_equal(o.nlost, 1);
	assert_int_equal(o.lost_cpu[0], 0);
	assert_int_equal(o.lost_count[0], 5);
	assert_int_equal(o.lost_ts[0], 20);
	assert_int_equal(m.cpu[0].records, 20);
	assert_int_equal(m.cpu[0].missed, 5);	/* counted once */
	lazy_pages = 0;
	tb_merge_release(&m);
	kbuffer_free(kb);
	(void)state;
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_parse),
		cmocka_unit_test(test_page_walk),
		cmocka_unit_test(test_merge_order),
		cmocka_unit_test(test_merge_budget),
		cmocka_unit_test(test_merge_random),
		cmocka_unit_test(test_merge_stack),
		cmocka_unit_test(test_merge_lost),
		cmocka_unit_test(test_merge_recycle),
#if TB_RPAGE_WALK_NATIVE
		/* the same with pages split only when their turn comes */
		cmocka_unit_test_setup_teardown(test_merge_order, lazy_on, lazy_off),
		cmocka_unit_test_setup_teardown(test_merge_budget, lazy_on, lazy_off),
		cmocka_unit_test_setup_teardown(test_merge_random, lazy_on, lazy_off),
		cmocka_unit_test_setup_teardown(test_merge_stack, lazy_on, lazy_off),
		cmocka_unit_test_setup_teardown(test_merge_lost, lazy_on, lazy_off),
		cmocka_unit_test_setup_teardown(test_merge_recycle, lazy_on, lazy_off),
		cmocka_unit_test(test_merge_lazy),
#endif
		cmocka_unit_test(test_rawdecode),
		cmocka_unit_test(test_rawdecode_select),
		cmocka_unit_test(test_rawdecode_names),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_reader_sleep),
		cmocka_unit_test(test_kmsg_line),
		cmocka_unit_test(test_kmsg_to_decoder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
