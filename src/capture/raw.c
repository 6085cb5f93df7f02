/*
 * raw.c - the lossless live source: per_cpu/cpuN/trace_pipe_raw of every CPU, read by
 * one reader thread into memory, decoded and merged by the caller's thread.
 *
 * Reader facts measured on 6.18 (issue 4): read() on trace_pipe_raw returns 0 (or
 * EAGAIN with O_NONBLOCK) while tracing is on and the buffer is empty - that is not
 * EOF; a partial page comes back when the writer is still on it, and also as the rest
 * of a page read partially before (full pages may follow it: measured, that mistake
 * let records arrive 25 ms "late"); re-reading at once or blocking gets a few events
 * per call and burns the CPU.  So the reader reads each CPU until nothing comes or
 * two partial pages in a row (the second is the writer's page), and sleeps 1-4 ms
 * (tb_raw_sleep_ms) after every pass that read each CPU that far (only a CPU left
 * with pages past the per-pass limit sends it round again at once).
 *
 * Ordering across CPUs (merge.c) needs a watermark per CPU: a timestamp W[c] such
 * that every record of CPU c with ts <= W[c] has been read.  Reading CPU c to empty
 * (or to a partial page) proves it for every record older than the moment of that
 * visit; the newest page timestamp (a record's time) read on any CPU before the
 * visit is older than that moment.  So after each visit that empties CPU c the
 * reader publishes W[c] = the newest page-header timestamp read before the visit.
 * Records reserved before the visit but committed after it (an interrupted writer,
 * a preempted vCPU) would break that, so the merge uses W[c] minus a margin.  One thread serves every CPU: a 4 KiB read costs ~1 us,
 * so one core reads far more than the kernel can produce; decoding and the analysis
 * (single-threaded) run in the caller's thread, which the reader never waits for
 * (memory between them is capped; past the cap the kernel's buffer absorbs, and what
 * it drops is counted).
 *
 * Loss: every sub-buffer says how many events were lost before it (kbuffer missed
 * events); per_cpu/cpuN/stats (overrun + dropped events) are read before and after.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>
#include "capture/capture-local.h"
#include "kernel/meminfo.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

#define QUEUE_CAP_MAX (256ULL << 20)	/* bytes of pages waiting for the decoder... */
#define QUEUE_CAP_MIN (16ULL << 20)	/* ...at most 1/8 of MemAvailable, within these */
#define QUEUE_SOFT_CAP (8U << 20)	/* past this, pages wait in the kernel's buffer... */
#define PUMP_BYTES_MAX (1U << 20)	/* one pump decodes at most this much (~5-10 ms) */
#define PUMP_RECORDS 32768		/* ...and emits at most this many records */
#define READS_PER_PASS 256		/* fairness among CPUs */
#define SOFT_READS_PER_PASS 32		/* past QUEUE_SOFT_CAP: 128 KiB a CPU, then recheck */
#define WAKE_BYTES (64U << 10)		/* queued bytes that wake the decoder mid-burst */
#define READER_NICE (-10)
#define WATERMARK_MARGIN 2000000ULL	/* 2 ms of trace clock (ns clocks) */

/* A page the reader queued for the decoder, and its size. */
struct tb_qent {
	struct tb_rpage *page;
	size_t size;
};

/* Page headers the decoder asks for ahead of the one it queues into the merge. */
#define TAKEN_PREFETCH 8

struct tb_raw {
	char *trace_dir;
	unsigned ncpus;
	int *fds;
	size_t subbuf;
	int lsize;
	struct tep_handle *tep;
	struct kbuffer *kb;
	struct tb_rawdec *dec;
	struct tb_merge merge;

	pthread_t thread;
	int thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/*
	 * Pages read, not yet taken by the decoder, oldest first: entries [q_first, q_n)
	 * of q (under lock).  An array, not a list through the pages: the pages were
	 * written on the reader's CPU, and the decoder walking a list of them missed the
	 * cache once per page header, one miss after another (tb_raw_pump: 2.7 % of a
	 * capture's CPU in perf, 0.5 % with the array; issue 11).  Sizes are kept here
	 * so the decoder measures its share without touching a page.
	 */
	struct tb_qent *q;
	size_t q_first, q_n, q_alloc;
	struct tb_qent *taken;			/* the decoder's: what one pump took */
	size_t taken_alloc;
	struct tb_rpage *spare;			/* used-up pages to read into again (under lock) */
	size_t q_bytes;				/* under lock */
	size_t q_peak;				/* under lock: most bytes ever waiting */
	size_t q_cap;
	uint64_t kbuf_bytes;	/* one CPU's kernel buffer (buffer_size_kb), 0 unknown */
	struct tb_raw_reads reads;	/* the reader thread's; read after it was joined */
	int merge_more;		/* the last pump stopped at its budget (consumer) */
	int stopping;		/* drain and finish (under lock) */
	int finished;		/* reader has exited (under lock) */
	int read_error;		/* errno of a failed read (under lock) */
	uint64_t *bound;	/* per CPU: everything with ts <= this is queued (under lock) */
	uint64_t bytes;		/* read so far (reader thread only, read after join) */
	uint64_t bytes_seen;	/* bytes parsed (consumer) */
	struct tb_tracedat *save;	/* --save: pages also go there (consumer) */
};

/**
 * tb_parse_cpu_stats - the counters of a per_cpu/cpuN/stats text.
 */
int tb_parse_cpu_stats(const char *text, struct tb_cpu_stats *st)
{
	const char *l = text;
	int found = 0;

	memset(st, 0, sizeof(*st));
	while (l && *l) {
		unsigned long long v;

		if (sscanf(l, "overrun: %llu", &v) == 1) {
			st->overrun = v;
			found++;
		} else if (sscanf(l, "dropped events: %llu", &v) == 1) {
			st->dropped = v;
			found++;
		} else if (sscanf(l, "entries: %llu", &v) == 1) {
			st->entries = v;
		} else if (sscanf(l, "read events: %llu", &v) == 1) {
			st->read = v;
		} else if (sscanf(l, "bytes: %llu", &v) == 1) {
			st->bytes = v;
			st->has_bytes = 1;
		}
		l = strchr(l, '\n');
		if (l)
			l++;
	}
	st->ok = found > 0;
	return found ? 0 : -1;
}

/**
 * tb_read_cpu_stats - per_cpu/cpuN/stats of every CPU under trace_dir into st[ncpus]
 * (st[c].ok is 0 where the file could not be read).
 */
void tb_read_cpu_stats(const char *trace_dir, unsigned ncpus, struct tb_cpu_stats *st)
{
	unsigned c;

	for (c = 0; c < ncpus; c++) {
		struct strbuf sb = STRBUF_INIT;
		char path[4096];

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%u/stats", trace_dir, c);
		memset(&st[c], 0, sizeof(st[c]));
		if (tb_read_file(path, &sb) == 0)
			tb_parse_cpu_stats(sb.buf, &st[c]);
		strbuf_release(&sb);
	}
}

/* A "<file>" of trace_dir that holds KiB ("N" or "N (expanded: M)") in bytes; 0 unknown. */
static uint64_t kb_file_bytes(const char *trace_dir, const char *file)
{
	char path[4096], line[64];
	long kb;

	snprintf(path, sizeof(path), "%s/%s", trace_dir, file);
	if (tb_read_line(path, line, sizeof(line)) == 0 && (kb = strtol(line, NULL, 10)) > 0)
		return (uint64_t)kb * 1024;
	return 0;
}

/* The sub-buffer size: buffer_subbuf_size_kb (6.8+) or the page size. */
static size_t subbuf_size(const char *trace_dir)
{
	uint64_t b = kb_file_bytes(trace_dir, "buffer_subbuf_size_kb");

	return b ? (size_t)b : (size_t)sysconf(_SC_PAGESIZE);
}

/* One CPU's ring buffer in bytes (buffer_size_kb), 0 unknown. */
static uint64_t kernel_buffer_bytes(const char *trace_dir)
{
	return kb_file_bytes(trace_dir, "buffer_size_kb");
}

/*
 * Past QUEUE_SOFT_CAP of pages waiting for the decoder, the reader leaves the pages
 * in the kernel's ring buffers while less than a quarter of every CPU's buffer is
 * unread (per_cpu/cpuN/stats "bytes:"), so a starved decoder does not grow our
 * memory; the kernel's buffer absorbs what it was sized for.  Where that count or
 * the buffer size is not known, it reads on (up to q_cap) as before.  1: CPU c may
 * wait.
 */
static int leave_in_kernel(struct tb_raw *r, unsigned c)
{
	struct strbuf sb = STRBUF_INIT;
	struct tb_cpu_stats st;
	char path[4096];
	int leave = 0;

	if (!r->kbuf_bytes)
		return 0;
	snprintf(path, sizeof(path), "%s/per_cpu/cpu%u/stats", r->trace_dir, c);
	if (tb_read_file(path, &sb) == 0 && tb_parse_cpu_stats(sb.buf, &st) == 0 &&
	    st.has_bytes && st.bytes < r->kbuf_bytes / 4)
		leave = 1;
	strbuf_release(&sb);
	return leave;
}

/* Parse events/SYS/NAME/format under trace_dir into tep; -1 if absent or bad. */
static int parse_format(struct tep_handle *tep, const char *trace_dir, const char *sys,
			const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char path[4096];
	int ret = -1;

	if (strchr(sys, '/') || strchr(name, '/') || !strcmp(sys, "..") || !strcmp(name, ".."))
		return -1;
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", trace_dir, sys, name);
	if (tb_read_file(path, &sb) == 0 && sb.len &&
	    tep_parse_event(tep, sb.buf, sb.len, sys) == 0)
		ret = 0;
	strbuf_release(&sb);
	return ret;
}

/*
 * The kernel's own formats of exactly the events enabled in trace_dir (set_event)
 * plus ftrace:kernel_stack and ftrace:function, and the ring-buffer page header.
 *
 * Not tracefs_local_events_system() (libtracefs 1.6): it parses every event of each
 * named system (kmem alone has ~20) and always loads /proc/kallsyms, printk_formats and
 * saved_cmdlines into the tep - 0.13 s for kmem+ftrace on a 6.18 host, much more under
 * ASan, and kallsyms' ~200k symbols held in the tep for the whole run, against the
 * capture's RSS budget; symbols are the analysis' business.
 */
static struct tep_handle *load_formats(const char *trace_dir)
{
	struct strbuf sb = STRBUF_INIT;
	struct tep_handle *tep = tep_alloc();
	char path[4096];
	const char *l, *p;
	int lsize = (int)sizeof(long), e;

	if (!tep) {
		tb_error("out of memory");
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/events/header_page", trace_dir);
	e = tb_read_file(path, &sb);
	if (e < 0 || !sb.len) {
		tb_error("cannot read %s: %s", path, e < 0 ? strerror(-e) : "empty");
		goto fail;
	}
	/* "field: local_t commit; offset:8; size:8;" says the kernel's long size */
	p = strstr(sb.buf, "commit;");
	if (p && (p = strstr(p, "size:")))
		lsize = atoi(p + 5) == 4 ? 4 : 8;
	tep_set_long_size(tep, lsize);
	tep_set_page_size(tep, (int)sysconf(_SC_PAGESIZE));
	if (tep_parse_header_page(tep, sb.buf, sb.len, lsize) < 0) {
		tb_error("cannot parse %s", path);
		goto fail;
	}
	strbuf_reset(&sb);
	parse_format(tep, trace_dir, "ftrace", "kernel_stack");
	parse_format(tep, trace_dir, "ftrace", "function");
	snprintf(path, sizeof(path), "%s/set_event", trace_dir);
	e = tb_read_file(path, &sb);
	if (e < 0) {
		tb_error("cannot read %s: %s", path, strerror(-e));
		goto fail;
	}
	for (l = strbuf_str(&sb); *l;) {
		const char *nl = strchr(l, '\n'), *colon;
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char sys[256], name[256];

		colon = memchr(l, ':', len);
		if (colon && colon > l && (size_t)(colon - l) < sizeof(sys) &&
		    len - (size_t)(colon - l) - 1 < sizeof(name)) {
			memcpy(sys, l, (size_t)(colon - l));
			sys[colon - l] = 0;
			memcpy(name, colon + 1, len - (size_t)(colon - l) - 1);
			name[len - (size_t)(colon - l) - 1] = 0;
			if (parse_format(tep, trace_dir, sys, name) < 0)
				tb_warn("event %s:%s is enabled but its format under %s/events "
					"cannot be parsed: its records will be skipped", sys, name,
					trace_dir);
		}
		l += len;
		if (*l)
			l++;
	}
	strbuf_release(&sb);
	return tep;
fail:
	strbuf_release(&sb);
	tep_free(tep);
	return NULL;
}

/**
 * tb_raw_open - open every CPU's trace_pipe_raw under trace_dir and load the formats
 * of the enabled events.  Events go to sink.
 * Returns NULL after printing why.
 */
struct tb_raw *tb_raw_open(const char *trace_dir, unsigned ncpus, const struct tb_sink *sink)
{
	struct tb_raw *r = calloc(1, sizeof(*r));
	struct tb_merge_out out;
	unsigned c;

	if (!r) {
		tb_error("out of memory");
		return NULL;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	r->trace_dir = strdup(trace_dir);
	r->ncpus = ncpus;
	r->fds = malloc(ncpus * sizeof(*r->fds));
	r->bound = calloc(ncpus, sizeof(*r->bound));
	if (!r->trace_dir || !r->fds || !r->bound) {
		tb_error("out of memory");
		goto fail;
	}
	for (c = 0; c < ncpus; c++)
		r->fds[c] = -1;
	{
		uint64_t cap = tb_mem_available_kb(NULL) * 1024 / 8;

		if (cap > QUEUE_CAP_MAX || cap == 0)
			cap = QUEUE_CAP_MAX;
		if (cap < QUEUE_CAP_MIN)
			cap = QUEUE_CAP_MIN;
		r->q_cap = (size_t)cap;
	}
	r->subbuf = subbuf_size(trace_dir);
	r->kbuf_bytes = kernel_buffer_bytes(trace_dir);
	r->tep = load_formats(trace_dir);
	if (!r->tep)
		goto fail;
	r->lsize = tep_get_long_size(r->tep);
	r->kb = tep_kbuffer(r->tep);
	r->dec = tb_rawdec_new(r->tep, sink);
	if (!r->kb || !r->dec) {
		tb_error("out of memory");
		goto fail;
	}
	out = tb_rawdec_out(r->dec);
	if (tb_merge_init(&r->merge, ncpus, &out) < 0) {
		tb_error("out of memory");
		goto fail;
	}
	r->merge.stack_type = tb_rawdec_stack_type(r->dec);
	/* the kernel's pages are in the host's byte order */
	tb_merge_set_parse(&r->merge, r->kb, r->lsize);
	for (c = 0; c < ncpus; c++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%u/trace_pipe_raw", trace_dir, c);
		r->fds[c] = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (r->fds[c] < 0 && errno != ENOENT) {
			tb_error("cannot open %s: %s", path, strerror(errno));
			goto fail;
		}
	}
	return r;
fail:
	tb_raw_close(r);
	return NULL;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/**
 * tb_raw_sleep_ms - the reader's sleep after a pass that read every CPU out.
 *
 * Each sleep and wakeup has a fixed cost (timer, scheduler, on a virtual machine the
 * hypervisor's idle exit) that dwarfs the reads it saves: on the bench, passes 1 ms
 * apart took 1.5 s of kernel CPU in 10 s at 2.8 M events/s, 4 ms apart 1.0 s (the
 * same pages read; issue 11).  So the reader sleeps up to TB_RAW_SLEEP_MAX_MS
 * (10 ms gained nothing more on the bench) - but never so long that the busiest
 * CPU, at the rate it just showed, would fill more than a quarter of its kernel
 * buffer meanwhile; at least 1 ms.  An unknown buffer size gets the 1 ms of old.
 */
unsigned tb_raw_sleep_ms(uint64_t kbuf_bytes, uint64_t most, uint64_t elapsed_ns)
{
	double ms;

	if (!kbuf_bytes)
		return 1;
	if (!most || !elapsed_ns)
		return TB_RAW_SLEEP_MAX_MS;
	/* a quarter of the buffer at most / elapsed bytes per ns, in ms */
	ms = (double)kbuf_bytes / 4 * (double)elapsed_ns / (double)most / 1e6;
	if (ms < 1)
		return 1;
	return ms >= TB_RAW_SLEEP_MAX_MS ? TB_RAW_SLEEP_MAX_MS : (unsigned)ms;
}

/* Bytes of events in a sub-buffer as read (commit field without flag bits). */
static size_t page_used(const struct tb_raw *r, const unsigned char *p, size_t n)
{
	uint64_t commit = 0;

	if (n < (size_t)(8 + r->lsize))
		return 0;
	if (r->lsize == 4) {
		uint32_t v;

		memcpy(&v, p + 8, 4);
		commit = v;
	} else {
		memcpy(&commit, p + 8, 8);
	}
	return (size_t)(commit & ((1UL << 27) - 1));
}

static void *reader_main(void *arg)
{
	struct tb_raw *r = arg;
	struct tb_rpage *page = NULL, *mine = NULL;	/* mine: spares taken, to fill */
	size_t full_mark = r->subbuf - 8 - r->lsize - r->subbuf / 8;
	int empty_passes = 0, err = 0;
	uint64_t newest_hdr = 0;	/* newest page-header timestamp read so far */
	uint64_t pass_start = 0;	/* tb_now_ns() when the pass before began */
	uint64_t *bound = calloc(r->ncpus, sizeof(*bound));

	/*
	 * The reader only moves pages from the kernel into memory (~2 us per 4 KiB page)
	 * and sleeps when there is nothing: give it a head start over the busy workload
	 * it is tracing, or on a loaded box the kernel buffer overflows while it waits
	 * for a CPU (measured: 88 k events lost at load 12 on 2 CPUs without this).
	 * Best effort; it stays an ordinary SCHED_OTHER thread.
	 */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), READER_NICE);
	if (!bound)
		err = ENOMEM;
	for (; !err; r->reads.passes++) {
		int any_data = 0, behind = 0, stopping, over, soft;
		uint64_t most = 0, now = tb_now_ns(), elapsed = pass_start ? now - pass_start : 0;
		unsigned c;

		pass_start = now;

		pthread_mutex_lock(&r->lock);
		stopping = r->stopping;
		over = r->q_bytes > r->q_cap;
		soft = !stopping && r->q_bytes > QUEUE_SOFT_CAP;
		pthread_mutex_unlock(&r->lock);
		/*
		 * All CPUs or none: leaving one CPU in the kernel while reading the
		 * others only moves the memory into the merge, which must hold the
		 * others' records until that CPU is read (measured: merge peak 9.4 MB).
		 */
		if (soft && !over) {
			over = 1;
			for (c = 0; c < r->ncpus && over; c++)
				if (r->fds[c] >= 0 && !leave_in_kernel(r, c))
					over = 0;
			if (over)
				r->reads.deferred++;
		}

		for (c = 0; c < r->ncpus && !over && !err; c++) {
			int k;

			uint64_t before_visit = newest_hdr, got = 0;
			int partials = 0, proven = 0;

			if (r->fds[c] < 0)
				continue;
			/* past the soft cap: a little per pass, then look at the kernel again */
			for (k = 0; k < (soft ? SOFT_READS_PER_PASS : READS_PER_PASS); k++) {
				ssize_t n;

				if (!page && !mine) {
					pthread_mutex_lock(&r->lock);
					mine = r->spare;
					r->spare = NULL;
					pthread_mutex_unlock(&r->lock);
				}
				if (!page && mine) {
					page = mine;
					mine = mine->next;
					/*
					 * The next spare's header was last written by the
					 * decoder's CPU: ask for it now, it is read after
					 * this read() (a miss each time otherwise).
					 */
					if (mine)
						__builtin_prefetch(mine, 1);
				}
				if (!page && !(page = tb_rpage_alloc(r->subbuf))) {
					err = ENOMEM;
					break;
				}
				n = read(r->fds[c], page->data, r->subbuf);
				if (n < 0 && errno == EINTR)
					continue;
				if (n < 0 && errno != EAGAIN) {
					err = errno;
					break;
				}
				if (n <= 0) {
					r->reads.empty++;
					proven = 1;	/* empty */
					break;
				}
				page->cpu = (int)c;
				page->size = (size_t)n;
				if ((size_t)n >= 8) {
					uint64_t hts;

					memcpy(&hts, page->data, 8);
					if (hts > newest_hdr)
						newest_hdr = hts;
				}
				r->bytes += (uint64_t)n;
				got += (uint64_t)n;
				any_data = 1;
				pthread_mutex_lock(&r->lock);
				if (r->q_n == r->q_alloc && r->q_first) {
					/* the decoder took a prefix: reuse its room */
					memmove(r->q, r->q + r->q_first,
						(r->q_n - r->q_first) * sizeof(*r->q));
					r->q_n -= r->q_first;
					r->q_first = 0;
				}
				if (ALLOC_GROW(r->q, r->q_n + 1, r->q_alloc) < 0) {
					pthread_mutex_unlock(&r->lock);
					err = ENOMEM;
					break;
				}
				page->next = NULL;
				r->q[r->q_n].page = page;
				r->q[r->q_n].size = page->size;
				r->q_n++;
				r->q_bytes += page->size;
				if (r->q_bytes > r->q_peak)
					r->q_peak = r->q_bytes;
				pthread_mutex_unlock(&r->lock);
				if (page_used(r, page->data, (size_t)n) < full_mark) {
					/*
					 * A partial page is either the writer's page or the
					 * rest of a page read partially last time (then full
					 * pages may follow).  A second partial in a row is
					 * the writer's page: stop there, do not spin on it.
					 */
					page = NULL;
					r->reads.partial++;
					if (++partials == 2) {
						proven = 1;
						break;
					}
					continue;
				}
				page = NULL;
				partials = 0;
				r->reads.full++;
			}
			if (got > most)
				most = got;
			if (k == (soft ? SOFT_READS_PER_PASS : READS_PER_PASS))
				behind = 1;	/* left with pages still to read */
			/* read to empty or to the writer's page: proven up to before_visit */
			if (proven && !err && before_visit > bound[c])
				bound[c] = before_visit;
		}
		pthread_mutex_lock(&r->lock);
		memcpy(r->bound, bound, r->ncpus * sizeof(*bound));
		/*
		 * Wake the decoder for a batch, not for every pass: while full pages keep
		 * coming, each pass brings a few, and a wakeup (futex, scheduler, the
		 * hypervisor's interrupt enable) per pass was ~5 % of a capture's CPU.
		 * Before the reader sleeps (every CPU read out) or when stopping, always;
		 * the decoder also wakes by itself every LOOP_MS (capture.c).
		 */
		if (any_data && (!behind || stopping || r->q_bytes >= WAKE_BYTES))
			pthread_cond_signal(&r->cond);
		pthread_mutex_unlock(&r->lock);
		if (err)
			break;
		if (stopping) {
			/* tracing_on is 0: finish when two passes 2 ms apart found nothing */
			empty_passes = any_data ? 0 : empty_passes + 1;
			if (empty_passes >= 2)
				break;
			sleep_ms(2);
		} else if (!behind) {
			/*
			 * Every CPU read to empty or to its writer's page: sleep, whether
			 * or not full pages came.  Going round again at once found a page
			 * or two and ended each CPU with a partial read (the writer's page,
			 * read again later): 14.7 k passes, 60 k partial and empty reads
			 * in a 10 s bench run, against 7.5 k passes, 39 k reads this way.
			 * How long: tb_raw_sleep_ms().
			 */
			unsigned ms = tb_raw_sleep_ms(r->kbuf_bytes, most, elapsed);

			r->reads.sleeps++;
			r->reads.slept_ms += ms;
			sleep_ms(ms);
		}
	}
	tb_rpage_free(page);
	while (mine) {
		page = mine->next;
		tb_rpage_free(mine);
		mine = page;
	}
	free(bound);
	pthread_mutex_lock(&r->lock);
	r->finished = 1;
	r->read_error = err;
	pthread_cond_signal(&r->cond);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/**
 * tb_raw_start - start the reader thread.
 */
int tb_raw_start(struct tb_raw *r)
{
	int e = pthread_create(&r->thread, NULL, reader_main, r);

	if (e)
		return tb_error("cannot start the reader thread: %s", strerror(e));
	r->thread_started = 1;
	return 0;
}

/**
 * tb_raw_wait - wait up to ms for the reader to queue pages (or finish).
 */
void tb_raw_wait(struct tb_raw *r, unsigned ms)
{
	struct timespec ts = tb_wall_after_ms(ms);

	if (r->merge_more)
		return;		/* records are waiting in the merge: no need to sleep */
	pthread_mutex_lock(&r->lock);
	if (r->q_first == r->q_n && !r->finished)
		pthread_cond_timedwait(&r->cond, &r->lock, &ts);
	pthread_mutex_unlock(&r->lock);
}

/**
 * tb_raw_pump - decode what the reader queued and emit what the merge allows.
 * @drain: emit everything (after tb_raw_stop)
 *
 * Without drain one pump takes at most PUMP_BYTES_MAX of the queue (the rest waits
 * for the next pump), so no single pump does more than a few ms of work.  The
 * reader's watermarks say "everything up to here is queued": they are handed to the
 * merge only when the whole queue was taken, else a record still queued could be
 * older than one the merge lets out.
 *
 * Returns 0, or negative after printing why (read error, ENOMEM, the sink stopped).
 */
int tb_raw_pump(struct tb_raw *r, int drain)
{
	struct tb_rpage *last_spare, *spare = tb_merge_take_spares(&r->merge, &last_spare);
	size_t k, i, avail;
	int err, ret = 0;
	unsigned c;

	pthread_mutex_lock(&r->lock);
	/* pages the merge has used up go back to the reader (it takes them all at once) */
	if (spare) {
		last_spare->next = r->spare;
		r->spare = spare;
	}
	avail = k = r->q_n - r->q_first;
	/* more than one pump's worth queued: find where this pump's part ends */
	if (!drain && r->q_bytes > PUMP_BYTES_MAX) {
		size_t took = 0;

		for (k = 0; k < avail && took < PUMP_BYTES_MAX; k++)
			took += r->q[r->q_first + k].size;
		if (k < avail)
			r->q_bytes -= took;	/* a prefix: the watermarks stay as they were */
	}
	if (ALLOC_GROW(r->taken, k, r->taken_alloc) < 0) {
		pthread_mutex_unlock(&r->lock);
		return tb_error("out of memory");
	}
	if (k)
		memcpy(r->taken, r->q + r->q_first, k * sizeof(*r->q));
	r->q_first += k;
	if (k == avail) {
		/*
		 * records reserved before a visit but committed after it (an interrupted
		 * or preempted writer) arrive late: keep a margin below each proven
		 * watermark
		 */
		for (c = 0; c < r->ncpus; c++)
			r->merge.cpu[c].bound = r->bound[c] > WATERMARK_MARGIN ?
						r->bound[c] - WATERMARK_MARGIN : 0;
		r->q_first = r->q_n = 0;
		r->q_bytes = 0;
	}
	err = r->read_error;
	pthread_mutex_unlock(&r->lock);
	for (i = 0; i < k; i++) {
		struct tb_rpage *p = r->taken[i].page;

		if (i + TAKEN_PREFETCH < k) {
			/* its header and its data's first line (the page's header) */
			const struct tb_rpage *a = r->taken[i + TAKEN_PREFETCH].page;

			__builtin_prefetch(a, 1);
			__builtin_prefetch(a->data);
		}
		r->bytes_seen += r->taken[i].size;
		if (ret == 0 && r->save && tb_tracedat_page(r->save, p->cpu, p->data, p->size) < 0)
			ret = -1;
		if (ret < 0) {
			tb_rpage_free(p);
			continue;
		}
		/* split into records when its turn comes (merge.c), while it is in cache */
		p->parsed = 0;
		tb_merge_add(&r->merge, p);
	}
	if (ret < 0)
		return ret;
	if (err)
		return tb_error("reading %s/per_cpu/*/trace_pipe_raw: %s", r->trace_dir,
				strerror(err));
	/* at most PUMP_RECORDS leave the merge per pump; the rest go next time */
	r->merge.budget = drain ? 0 : PUMP_RECORDS;
	ret = tb_merge_run(&r->merge, drain);
	r->merge_more = r->merge.budget_hit;
	if (ret == -ENOMEM)	/* splitting a page, or describing an event type */
		ret = tb_error("out of memory decoding pages");
	return ret;
}

/**
 * tb_raw_stop - make the reader drain every CPU to empty (the caller has set
 * tracing_on to 0), wait for it, decode and emit the rest.
 */
int tb_raw_stop(struct tb_raw *r)
{
	int ret = 0, done = 0;

	if (r->thread_started) {
		pthread_mutex_lock(&r->lock);
		r->stopping = 1;
		pthread_mutex_unlock(&r->lock);
		while (!done && ret == 0) {
			tb_raw_wait(r, 10);
			pthread_mutex_lock(&r->lock);
			done = r->finished;
			pthread_mutex_unlock(&r->lock);
			ret = tb_raw_pump(r, 0);
		}
		pthread_join(r->thread, NULL);
		r->thread_started = 0;
	}
	if (ret == 0)
		ret = tb_raw_pump(r, 1);
	return ret;
}

void tb_raw_close(struct tb_raw *r)
{
	unsigned c;
	struct tb_rpage *p, *n;

	if (!r)
		return;
	if (r->thread_started) {
		pthread_mutex_lock(&r->lock);
		r->stopping = 1;
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
	}
	while (r->q_first < r->q_n)
		tb_rpage_free(r->q[r->q_first++].page);
	free(r->q);
	free(r->taken);
	for (p = r->spare; p; p = n) {
		n = p->next;
		tb_rpage_free(p);
	}
	if (r->fds)
		for (c = 0; c < r->ncpus; c++)
			if (r->fds[c] >= 0)
				close(r->fds[c]);
	tb_merge_release(&r->merge);
	tb_rawdec_free(r->dec);
	if (r->kb)
		kbuffer_free(r->kb);
	if (r->tep)
		tep_free(r->tep);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	free(r->fds);
	free(r->bound);
	free(r->trace_dir);
	free(r);
}

int tb_raw_select(struct tb_raw *r, const char *const *names, size_t n)
{
	return tb_rawdec_select(r->dec, names, n);
}

uint64_t tb_raw_late(const struct tb_raw *r)
{
	return tb_rawdec_late(r->dec);
}

void tb_raw_set_save(struct tb_raw *r, struct tb_tracedat *t)
{
	r->save = t;
}

size_t tb_raw_subbuf(const struct tb_raw *r)
{
	return r->subbuf;
}

uint64_t tb_raw_events(const struct tb_raw *r)
{
	return tb_rawdec_events(r->dec);
}

uint64_t tb_raw_bytes(const struct tb_raw *r)
{
	return r->bytes_seen;
}

/* What the reader thread did (valid after tb_raw_stop joined it). */
struct tb_raw_reads tb_raw_reads(const struct tb_raw *r)
{
	return r->reads;
}

/* The most bytes of pages that ever waited for the decoder, and the merge's most. */
void tb_raw_peaks(struct tb_raw *r, size_t *queue, size_t *merge)
{
	pthread_mutex_lock(&r->lock);
	*queue = r->q_peak;
	pthread_mutex_unlock(&r->lock);
	*merge = r->merge.queued_peak;
}

uint64_t tb_raw_last_ts(const struct tb_raw *r)
{
	return r->merge.last_emitted_ts;
}

/**
 * tb_raw_loss - what CPU cpu lost by the pages' missed-event counts, and whether a
 * page said "some, count unknown".
 */
void tb_raw_loss(const struct tb_raw *r, unsigned cpu, uint64_t *pages, int *pages_unknown)
{
	*pages = r->merge.cpu[cpu].missed;
	*pages_unknown = r->merge.cpu[cpu].missed_unknown;
}

/* Records the merge emitted, stacks that followed nothing, cross-CPU inversions. */
void tb_raw_merge_stats(const struct tb_raw *r, uint64_t *emitted, uint64_t *orphan_stacks,
			uint64_t *inversions)
{
	*emitted = r->merge.emitted;
	*orphan_stacks = r->merge.orphan_stacks;
	*inversions = r->merge.inversions;
}
