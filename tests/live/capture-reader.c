/*
 * capture-reader.c - a test/bench driver of the raw per-CPU reader (src/capture/raw.c)
 * with a counting sink instead of an analysis: built by tests/live/capture.sh and
 * bench/ against the tracebook objects.  It reads TRACE_DIR's per_cpu buffers for
 * SECONDS, then sets tracing_on=0 there and drains, and prints key=value lines:
 *   events=N lost_pages=N lost_pages_unknown=0|1 lost_stats=N kmalloc=N
 *   kmalloc_ptr_kernel=N kmalloc_ptr_small=N inversions=N cpu_seconds=F ...
 * and, with -s SYM=ADDR-ADDR, how many kmalloc events had call_site in that range
 * and are still outstanding (pid-filtered with -p PID).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "event/event.h"
#include "capture/capture-local.h"
#include "util/fileio.h"
#include "util/intern.h"

struct counts {
	uint64_t events, kmalloc, kfree, kcache_alloc, kcache_free, ptr_kernel, ptr_small;
	uint64_t lost_marked, lost_calls, unknown_calls, with_pid, stacks;
	uint64_t last_ts, inversions, max_inversion;
	int pid;
};

static int on_event(void *ctx, const struct tb_event *ev)
{
	struct counts *c = ctx;
	uint64_t ptr;

	c->events++;
	if (ev->ts_ns < c->last_ts) {
		c->inversions++;
		if (c->last_ts - ev->ts_ns > c->max_inversion)
			c->max_inversion = c->last_ts - ev->ts_ns;
	}
	else
		c->last_ts = ev->ts_ns;
	if (ev->stack.n)
		c->stacks++;
	if (c->pid > 0 && ev->pid != c->pid)
		return 0;
	c->with_pid++;
	if (strcmp(ev->system, "kmem"))
		return 0;
	if (!strcmp(ev->name, "kmalloc")) {
		c->kmalloc++;
		if (tb_event_u64(ev, "ptr", 16, &ptr) == 0) {
			if (ptr >= 0xffff800000000000ULL)
				c->ptr_kernel++;
			else if (ptr && ptr <= 0xffffffffULL)
				c->ptr_small++;
		}
	} else if (!strcmp(ev->name, "kfree")) {
		c->kfree++;
	} else if (!strcmp(ev->name, "kmem_cache_alloc")) {
		c->kcache_alloc++;
	} else if (!strcmp(ev->name, "kmem_cache_free")) {
		c->kcache_free++;
	}
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t count, uint64_t ts)
{
	struct counts *c = ctx;

	(void)cpu;
	(void)ts;
	c->lost_calls++;
	if (count == TB_LOST_UNKNOWN)
		c->unknown_calls++;
	else
		c->lost_marked += count;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	struct counts c;
	struct tb_sink sink = { on_event, on_lost, &c };
	struct tb_raw *r;
	struct tb_cpu_stats *before, *after;
	unsigned ncpus = 0, i;
	double secs = 1, cpu0;
	uint64_t t0, lost_pages = 0, lost_stats = 0, emitted, orphans, inv;
	int unknown = 0, opt, ret;
	char path[4096];

	memset(&c, 0, sizeof(c));
	while ((opt = getopt(argc, argv, "d:p:n:")) != -1) {
		switch (opt) {
		case 'd': secs = atof(optarg); break;
		case 'p': c.pid = atoi(optarg); break;
		case 'n': ncpus = (unsigned)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: capture-reader [-d SECONDS] [-p PID] -n NCPUS TRACE_DIR\n");
			return 2;
		}
	}
	if (optind + 1 != argc || !ncpus) {
		fprintf(stderr, "usage: capture-reader [-d SECONDS] [-p PID] -n NCPUS TRACE_DIR\n");
		return 2;
	}
	before = calloc(ncpus, sizeof(*before));
	after = calloc(ncpus, sizeof(*after));
	if (!before || !after)
		return 1;
	tb_read_cpu_stats(argv[optind], ncpus, before);
	t0 = tb_now_ns();
	r = tb_raw_open(argv[optind], ncpus, &sink);
	if (!r)
		return 1;
	printf("open_ms=%.1f\n", (double)(tb_now_ns() - t0) / 1e6);
	cpu0 = cpu_seconds();
	t0 = tb_now_ns();
	ret = tb_raw_start(r);
	printf("started\n");
	fflush(stdout);
	while (ret == 0 && tb_now_ns() - t0 < (uint64_t)(secs * 1e9)) {
		tb_raw_wait(r, 20);
		ret = tb_raw_pump(r, 0);
	}
	snprintf(path, sizeof(path), "%s/tracing_on", argv[optind]);
	tb_write_ctl(path, "0", 0);
	if (ret == 0)
		ret = tb_raw_stop(r);
	tb_read_cpu_stats(argv[optind], ncpus, after);
	for (i = 0; i < ncpus; i++) {
		uint64_t p;
		int u;

		tb_raw_loss(r, i, &p, &u);
		lost_pages += p;
		unknown |= u;
		lost_stats += (after[i].overrun + after[i].dropped) -
			      (before[i].overrun + before[i].dropped);
		printf("cpu%u_pages_lost=%llu\ncpu%u_pages_unknown=%d\ncpu%u_stats_before=%llu\n"
		       "cpu%u_stats_after=%llu\n", i, (unsigned long long)p, i, u, i,
		       (unsigned long long)(before[i].overrun + before[i].dropped), i,

		       (unsigned long long)(after[i].overrun + after[i].dropped));
	}
	tb_raw_merge_stats(r, &emitted, &orphans, &inv);
	printf("events=%llu\nwith_pid=%llu\nkmalloc=%llu\nkfree=%llu\nkmem_cache_alloc=%llu\n"
	       "kmem_cache_free=%llu\nkmalloc_ptr_kernel=%llu\nkmalloc_ptr_small=%llu\n"
	       "stacks=%llu\nlost_pages=%llu\nlost_pages_unknown=%d\nlost_marked=%llu\n"
	       "lost_stats=%llu\ninversions=%llu\nmerge_inversions=%llu\norphan_stacks=%llu\n"
	       "max_inversion_ns=%llu\nbytes=%llu\nseconds=%.3f\ncpu_seconds=%.3f\n",
	       (unsigned long long)c.events, (unsigned long long)c.with_pid,
	       (unsigned long long)c.kmalloc, (unsigned long long)c.kfree,
	       (unsigned long long)c.kcache_alloc, (unsigned long long)c.kcache_free,
	       (unsigned long long)c.ptr_kernel, (unsigned long long)c.ptr_small,
	       (unsigned long long)c.stacks, (unsigned long long)lost_pages, unknown,
	       (unsigned long long)c.lost_marked, (unsigned long long)lost_stats,
	       (unsigned long long)c.inversions, (unsigned long long)inv,
	       (unsigned long long)orphans, (unsigned long long)c.max_inversion,
	       (unsigned long long)tb_raw_bytes(r),
	       (double)(tb_now_ns() - t0) / 1e9, cpu_seconds() - cpu0);
	tb_raw_close(r);
	free(before);
	free(after);
	tb_intern_reset();
	return ret < 0 ? 1 : 0;
}
