/*
 * capture.c - tb_capture_run(): runs the live sources of a capture (raw per-CPU
 * buffers or the trace_pipe text fallback, /dev/kmsg, /proc snapshots) until the
 * duration passes or the driver says stop, then stops tracing (tracing_on=0 in
 * trace_dir) and drains the buffers to empty so the last frees are not lost; keeps
 * the loss accounts (sub-buffer/text markers and per_cpu stats before/after), the
 * status line and the --interval ticks.  Output goes to the caller's struct
 * tb_capture_sink only.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include "capture/capture.h"
#include "capture/capture-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/units.h"

#define LOOP_MS 20
/* A pump longer than this is a stall (TRACEBOOK_CAPTURE_DEBUG=1 prints each one). */
#define PUMP_STALL_NS 20000000ULL
/*
 * The decoder+analysis thread's nice while capturing (restored after).  It does the
 * same work whatever its priority (every event must be analysed); priority only
 * decides whether pages wait in memory while the traced workload runs: measured at
 * load 10 on 2 CPUs, normal priority let 50-100 MB of pages queue behind 2-3 s stalls;
 * at load 4-5 and ~1.3-1.9 M events/s, a boost of 5 still let 25-41 MB queue behind
 * 100-370 ms pumps (peak RSS 51-84 MiB), a boost of 10 (the reader's) 3 MB (21 MiB RSS,
 * longest pump 37 ms) with nothing lost (bench/README.md).
 */
#define CONSUMER_NICE_BOOST 10

/* The caller's event sink, wrapped to count events and what the sources said was lost. */
struct counting_sink {
	struct tb_sink inner;
	uint64_t events;
	unsigned ncpus;
	uint64_t *marked;	/* per CPU */
	uint64_t marked_nocpu;
	int unknown;
	int *cpu_unknown;
};

static int cs_event(void *ctx, const struct tb_event *ev)
{
	struct counting_sink *cs = ctx;

	cs->events++;
	return cs->inner.event(cs->inner.ctx, ev);
}

static void cs_lost(void *ctx, int cpu, uint64_t count, uint64_t ts)
{
	struct counting_sink *cs = ctx;

	if (count == TB_LOST_UNKNOWN) {
		cs->unknown = 1;
		if (cpu >= 0 && (unsigned)cpu < cs->ncpus)
			cs->cpu_unknown[cpu] = 1;
	} else if (cpu >= 0 && (unsigned)cpu < cs->ncpus) {
		cs->marked[cpu] += count;
	} else {
		cs->marked_nocpu += count;
	}
	if (cs->inner.lost)
		cs->inner.lost(cs->inner.ctx, cpu, count, ts);
}

static unsigned count_cpus(const char *trace_dir)
{
	char path[4096];
	DIR *d;
	struct dirent *de;
	unsigned n = 0, c;

	snprintf(path, sizeof(path), "%s/per_cpu", trace_dir);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (sscanf(de->d_name, "cpu%u", &c) == 1 && c + 1 > n)
			n = c + 1;
	closedir(d);
	return n;
}

static int tracing_off(const char *trace_dir)
{
	char path[4096];
	int e;

	snprintf(path, sizeof(path), "%s/tracing_on", trace_dir);
	e = tb_write_ctl(path, "0", 0);
	if (e < 0)
		return tb_error("cannot stop tracing (%s): %s; the buffers are drained as they are",
				path, strerror(-e));
	return 0;
}

struct run {
	const struct tb_capture_opts *o;
	const struct tb_capture_sink *out;
	struct tb_raw *raw;
	struct tb_text *text;
	struct tb_kmsg *kmsg;
	struct tb_tracedat *dat;	/* --save */
	struct counting_sink cs;
	struct tb_sink sink;
	struct tb_cpu_stats *before, *after;
	struct tb_status status;
	const char *proc_dir;
	uint64_t start, next_snap, next_interval;
	uint64_t longest_pump;	/* ns: the longest the decoder+sink took at once */
	uint64_t stalls;	/* pumps longer than PUMP_STALL_NS */
	/*
	 * The same by the thread's own CPU time: a pump long in wall time but short in
	 * CPU time waited for a CPU (scheduler starvation on a loaded box), not for work.
	 */
	uint64_t longest_pump_cpu, cpu_stalls;
};

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int pump(struct run *r, int drain)
{
	int ret = 0;

	if (r->raw)
		ret = tb_raw_pump(r->raw, drain);
	else if (r->text)
		ret = tb_text_pump(r->text, drain);
	if (ret == 0 && r->kmsg)
		ret = tb_kmsg_pump(r->kmsg);
	return ret;
}

static void wait_data(struct run *r)
{
	if (r->raw) {
		tb_raw_wait(r->raw, LOOP_MS);
	} else {
		struct timespec ts = { 0, LOOP_MS * 1000000L };

		nanosleep(&ts, NULL);
	}
}

static uint64_t last_ts(const struct run *r)
{
	return r->raw ? tb_raw_last_ts(r->raw) : 0;
}

static uint64_t lost_so_far(const struct run *r)
{
	uint64_t n = r->cs.marked_nocpu;
	unsigned c;

	for (c = 0; c < r->cs.ncpus; c++)
		n += r->cs.marked[c];
	return n;
}

/* Periodic work: snapshots, --interval ticks, status line. */
static int tick(struct run *r, uint64_t now)
{
	const struct tb_capture_opts *o = r->o;
	int ret = 0;

	if (o->snap && o->snap->interval_ns && now >= r->next_snap) {
		ret = tb_procsnap_take(r->out, r->proc_dir, &o->snap->files);
		r->next_snap = now + o->snap->interval_ns;
	}
	if (o->interval_ns && now >= r->next_interval) {
		tb_status_clear(&r->status);
		r->status.last_draw_ns = 0;
		if (r->out->interval)
			r->out->interval(r->out->ctx, last_ts(r));
		r->next_interval = now + o->interval_ns;
	}
	if (r->status.on)
		tb_status_draw(&r->status, r->cs.events,
			       r->out->outstanding ? r->out->outstanding(r->out->ctx) : 0,
			       now, r->start, o->duration_ns, lost_so_far(r));
	return ret;
}

static void account(struct run *r, struct tb_capture_result *res)
{
	unsigned c;

	for (c = 0; c < res->ncpus; c++) {
		uint64_t marked = r->cs.marked[c], stats = 0;
		int unknown = r->cs.cpu_unknown[c];

		if (r->before[c].ok && r->after[c].ok) {
			uint64_t b = r->before[c].overrun + r->before[c].dropped;
			uint64_t a = r->after[c].overrun + r->after[c].dropped;

			stats = a > b ? a - b : 0;
		}
		res->lost_pages += marked;
		res->lost_stats += stats;
		res->lost_per_cpu[c] = marked > stats ? marked : stats;
		if (stats > marked && r->cs.inner.lost)
			/* counted by the kernel after our last page: say so, with no time */
			r->cs.inner.lost(r->cs.inner.ctx, (int)c, stats - marked, last_ts(r));
		if (unknown && stats == 0 && !(r->before[c].ok && r->after[c].ok))
			res->lost_unknown = 1;
		res->lost += res->lost_per_cpu[c];
	}
	res->lost += r->cs.marked_nocpu;
	if (r->cs.unknown && !res->lost)
		res->lost_unknown = 1;
}

/**
 * tb_capture_run - capture until the duration passes, *o->stop is set, or an error;
 * hand everything to sink; stop tracing in o->trace_dir and drain every buffer before
 * returning (then sink->end is called).
 * @res: filled (also on error, as far as the capture got); release with
 *       tb_capture_result_release()
 *
 * Returns 0, or negative after printing why (the driver then restores).
 */
int tb_capture_run(const struct tb_capture_opts *o, const struct tb_capture_sink *sink,
		   struct tb_capture_result *res)
{
	struct run r;
	unsigned ncpus;
	int ret = 0, ret2, old_nice = 0, reniced = 0;
	/* the pumps' own CPU time is a system call twice a pump: only when it is printed */
	const int debug = getenv("TRACEBOOK_CAPTURE_DEBUG") != NULL;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.out = sink;
	r.proc_dir = o->caps && o->caps->proc_dir[0] ? o->caps->proc_dir : "/proc";
	ncpus = count_cpus(o->trace_dir);
	if (!ncpus && o->caps && o->caps->ncpus > 0)
		ncpus = (unsigned)o->caps->ncpus;
	if (!ncpus)
		return tb_error("no per_cpu directories under %s", o->trace_dir);
	res->ncpus = ncpus;
	res->lost_per_cpu = calloc(ncpus, sizeof(*res->lost_per_cpu));
	r.cs.marked = calloc(ncpus, sizeof(*r.cs.marked));
	r.cs.cpu_unknown = calloc(ncpus, sizeof(*r.cs.cpu_unknown));
	r.before = calloc(ncpus, sizeof(*r.before));
	r.after = calloc(ncpus, sizeof(*r.after));
	if (!res->lost_per_cpu || !r.cs.marked || !r.cs.cpu_unknown || !r.before || !r.after) {
		ret = tb_error("out of memory");
		goto out;
	}
	r.cs.ncpus = ncpus;
	r.cs.inner = sink->events;
	r.sink.event = cs_event;
	r.sink.lost = cs_lost;
	r.sink.ctx = &r.cs;
	r.status.on = o->status_line && isatty(STDERR_FILENO);

	/* before anything slow (loading formats): losses from here on are the run's */
	tb_read_cpu_stats(o->trace_dir, ncpus, r.before);
	if (o->kmsg && !(r.kmsg = tb_kmsg_open("/dev/kmsg", &r.sink))) {
		ret = -1;
		goto out;
	}
	if (o->use_text) {
		res->text_fallback = 1;
		if (!(r.text = tb_text_open(o->trace_dir, &r.sink))) {
			ret = -1;
			goto out;
		}
	} else if (!(r.raw = tb_raw_open(o->trace_dir, ncpus, &r.sink))) {
		ret = -1;
		goto out;
	} else if (o->fields && tb_raw_select(r.raw, o->fields, o->nfields) < 0) {
		ret = tb_error("out of memory setting up the decoder");
		goto out;
	}
	if (o->save_dir && r.raw) {
		r.dat = tb_tracedat_open(o->save_dir, o->trace_dir, ncpus, tb_raw_subbuf(r.raw));
		if (!r.dat) {
			ret = -1;
			goto out;
		}
		tb_raw_set_save(r.raw, r.dat);
	} else if (o->save_dir) {
		tb_warn("--save: the trace_pipe text source reads no ring-buffer pages, so no "
			"trace.dat is written (the report and the other files are)");
	}
	errno = 0;
	old_nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	if (errno == 0 && setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid),
				      old_nice - CONSUMER_NICE_BOOST) == 0)
		reniced = 1;
	r.start = tb_now_ns();
	if (o->snap) {
		ret = tb_procsnap_take(sink, r.proc_dir, &o->snap->files);
		if (ret < 0)
			goto stop;
		r.next_snap = r.start + o->snap->interval_ns;
	}
	r.next_interval = r.start + o->interval_ns;
	if (r.raw && (ret = tb_raw_start(r.raw)) < 0)
		goto stop;

	for (;;) {
		uint64_t now = tb_now_ns();

		if (o->stop && *o->stop)
			break;
		if (o->duration_ns && now - r.start >= o->duration_ns)
			break;
		wait_data(&r);
		if (sink->poll)
			sink->poll(sink->ctx);
		{
			uint64_t t0 = tb_now_ns(), c0 = debug ? thread_cpu_ns() : 0, dt, dc;

			ret = pump(&r, 0);
			dt = tb_now_ns() - t0;
			dc = debug ? thread_cpu_ns() - c0 : 0;
			if (dt > r.longest_pump)
				r.longest_pump = dt;
			if (dc > r.longest_pump_cpu)
				r.longest_pump_cpu = dc;
			if (dt > PUMP_STALL_NS)
				r.stalls++;
			if (dc > PUMP_STALL_NS)
				r.cpu_stalls++;
			if (dt > PUMP_STALL_NS && debug)
				fprintf(stderr, "capture: pump took %.1f ms (%.1f ms of its CPU) at %.2f s, "
					"%llu events so far\n", (double)dt / 1e6, (double)dc / 1e6,
					(double)(t0 - r.start) / 1e9,
					(unsigned long long)(r.raw ? tb_raw_events(r.raw) : 0));
		}
		if (ret == 0)
			ret = tick(&r, tb_now_ns());
		if (ret < 0)
			break;
	}
stop:
	/* stop producing, then read every buffer to empty: the last frees matter */
	tracing_off(o->trace_dir);
	if (r.raw)
		ret2 = tb_raw_stop(r.raw);
	else
		ret2 = r.text ? tb_text_pump(r.text, 1) : 0;
	if (ret == 0)
		ret = ret2;
	if (r.kmsg && ret == 0)
		ret = tb_kmsg_pump(r.kmsg);
	tb_read_cpu_stats(o->trace_dir, ncpus, r.after);
	if (r.dat && ret == 0) {
		ret = tb_tracedat_finish(r.dat);
		res->saved = ret == 0;
		res->saved_pages = tb_tracedat_pages(r.dat);
	}
	if (o->snap && ret == 0)
		ret = tb_procsnap_take(sink, r.proc_dir, &o->snap->files);
	if (sink->end)
		sink->end(sink->ctx);
	tb_status_clear(&r.status);
	if (reniced)
		setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), old_nice);
	res->elapsed_ns = tb_now_ns() - r.start;
	if (r.raw) {
		size_t qp, mp;

		res->events = tb_raw_events(r.raw);
		res->bytes_read = tb_raw_bytes(r.raw);
		tb_raw_peaks(r.raw, &qp, &mp);
		res->queue_peak_bytes = qp;
		res->merge_peak_bytes = mp;
	} else if (r.text) {
		res->events = tb_text_events(r.text);
		res->bytes_read = tb_text_bytes(r.text);
	}
	account(&r, res);
	tb_kmsg_trace_counts(r.kmsg, &res->slub_allocs, &res->slub_frees, &res->kmsg_overwritten,
			     &res->kmsg_interleaved);
	if (res->kmsg_overwritten)
		res->lost_unknown = 1;	/* kernel log records: how many is not known */
	if (debug && r.raw) {
		struct tb_raw_reads rd = tb_raw_reads(r.raw);

		fprintf(stderr, "capture: decoder: %s fields decoded, fields decoded when asked: %llu\n",
			o->fields ? "the sink's" : "all", (unsigned long long)tb_raw_late(r.raw));
		fprintf(stderr, "capture: reader: %llu passes (%llu then slept, %llu ms in all), reads: "
			"%llu full, %llu partial, %llu empty; %llu passes left the pages in the kernel\n",
			(unsigned long long)rd.passes, (unsigned long long)rd.sleeps,
			(unsigned long long)rd.slept_ms,
			(unsigned long long)rd.full, (unsigned long long)rd.partial,
			(unsigned long long)rd.empty, (unsigned long long)rd.deferred);
	}
	if (debug)
		fprintf(stderr, "capture: %llu events, %llu bytes read, queue peak %llu, merge peak "
			"%llu, longest pump %.1f ms, %llu pumps over %llu ms, lost: pages %llu stats %llu; "
			"longest pump CPU %.1f ms, %llu pumps over %llu ms of CPU\n",
			(unsigned long long)res->events,
			(unsigned long long)res->bytes_read,
			(unsigned long long)res->queue_peak_bytes,
			(unsigned long long)res->merge_peak_bytes, (double)r.longest_pump / 1e6,
			(unsigned long long)r.stalls, PUMP_STALL_NS / 1000000ULL,
			(unsigned long long)res->lost_pages, (unsigned long long)res->lost_stats,
			(double)r.longest_pump_cpu / 1e6, (unsigned long long)r.cpu_stalls,
			PUMP_STALL_NS / 1000000ULL);
	if (res->lost || res->lost_unknown)
		tb_warn("%s%llu events were LOST (per-CPU ring buffers overflowed): frees may be "
			"missing, outstanding counts are upper bounds",
			res->lost_unknown ? "at least " : "", (unsigned long long)res->lost);
out:
	tb_raw_close(r.raw);
	tb_tracedat_free(r.dat);
	tb_text_close(r.text);
	tb_kmsg_close(r.kmsg);
	free(r.cs.marked);
	free(r.cs.cpu_unknown);
	free(r.before);
	free(r.after);
	return ret;
}

void tb_capture_result_release(struct tb_capture_result *res)
{
	free(res->lost_per_cpu);
	res->lost_per_cpu = NULL;
}
