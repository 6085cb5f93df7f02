/*
 * day-sim.c - a simulated long hunt: a generator feeds kmem alloc/free events into the
 * analysis (the same one `run` and `analyze` use) with simulated timestamps, so a
 * 24-hour run at 200 k events/s takes only the CPU time its 17.3 G events need, not
 * 24 hours: the generator drives the clock (event i is stamped at i / rate seconds).
 * Load: 64 call sites of churn (alloc + free 1..100 events later), one site that
 * leaks LEAK objects/s (never freed), one cache that warms up for the first 10% of
 * the run then only replaces its objects.  Prints the verdicts, the trend memory and
 * the process's peak RSS and CPU.  Built and run by bench/day-sim.sh.
 *
 * usage: day-sim [HOURS] [EVENTS_PER_S] [LEAK_PER_S]   (default 24 200000 10)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "analyze/analysis-local.h"
#include "analyze/result.h"
#include "analyze/trend.h"
#include "util/intern.h"
#include "synth.h"

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	double hours = argc > 1 ? atof(argv[1]) : 24;
	double rate = argc > 2 ? atof(argv[2]) : 200000;
	double leak = argc > 3 ? atof(argv[3]) : 10;
	uint64_t total = (uint64_t)(hours * 3600 * rate), i, leaked = 0, cache_n = 0;
	uint64_t step_ns = (uint64_t)(1e9 / rate), next_leak = 0, leak_ns;
	uint64_t ring[128] = { 0 }, cache[4096];
	struct synth_kmem sk;
	struct tb_analysis *an;
	struct tb_run_info info;
	struct tb_report *rep;
	struct tb_sink s;
	struct tb_event ev;
	double c0 = cpu_s(), c1;
	size_t k;

	leak_ns = leak > 0 ? (uint64_t)(1e9 / leak) : UINT64_MAX;
	synth_kmem_init(&sk, 0);
	an = tb_analysis_new(&sk.r, NULL);	/* interval: a tenth of the span (adaptive grid) */
	if (!an)
		return 1;
	s = tb_analysis_sink(an);
	for (i = 0; i < total; i++) {
		uint64_t ts = 1000000000ULL + i * step_ns, ptr, site;
		int is_free = 0;

		tb_event_clear(&ev);
		ev.system = sk.kmem;
		ev.cpu = (int)(i & 3);
		ev.pid = 1000 + (int)(i & 7);
		ev.comm = sk.comm;
		ev.ts_ns = ts;
		if (ts - 1000000000ULL >= next_leak) {
			/* the leak: never freed */
			ptr = 0xffff890000000000ULL + (leaked++) * 128;
			site = 0xffffffff82000000ULL;
			next_leak += leak_ns;
		} else if (cache_n < 4096 && i < total / 10 && (i & 1023) == 0) {
			/* the cache warming up */
			ptr = cache[cache_n] = 0xffff8a0000000000ULL + cache_n * 256;
			cache_n++;
			site = 0xffffffff83000000ULL;
		} else if (i & 1) {
			/* churn: free what was allocated 128 events ago */
			ptr = ring[(i >> 1) & 127];
			is_free = ptr != 0;
			if (!is_free)
				continue;
			ring[(i >> 1) & 127] = 0;
			site = 0;
		} else {
			ptr = 0xffff888000000000ULL + ((i >> 1) & 0xffffff) * 64;
			if (ring[(i >> 1) & 127])
				continue;
			ring[(i >> 1) & 127] = ptr;
			site = 0xffffffff81000000ULL + ((i >> 4) & 63) * 0x100;
		}
		ev.name = is_free ? sk.kfree : sk.kmalloc;
		tb_event_add_num(&ev, sk.f_ptr, ptr);
		if (!is_free) {
			tb_event_add_num(&ev, sk.f_site, site);
			tb_event_add_num(&ev, sk.f_bytes, site == 0xffffffff83000000ULL ? 256 :
					 site == 0xffffffff82000000ULL ? 128 : 64);
		}
		if (s.event(s.ctx, &ev))
			return 1;
	}
	memset(&info, 0, sizeof(info));
	info.source = "bench/day-sim generator";
	rep = tb_report_build(an, &info);
	c1 = cpu_s();
	if (!rep)
		return 1;
	printf("simulated                  %.2f h at %.0f events/s: %" PRIu64 " events\n",
	       hours, rate, total);
	printf("CPU                        %.1f s (%.2f M events/s, %.1f%% of one core at %.0f/s)\n",
	       c1 - c0, (double)total / (c1 - c0) / 1e6, 100.0 * (c1 - c0) / (hours * 3600),
	       rate);
	printf("peak RSS                   %ld KiB\n", peak_rss_kib());
	printf("trend interval             %.1f s (%u grid doublings), %zu points in the report\n",
	       (double)rep->interval_ns / 1e9, rep->coarsened,
	       rep->npairs && rep->pairs[0].nsites ? rep->pairs[0].sites[0].trend.n : 0);
	printf("outstanding                %" PRIu64 " objects in %" PRIu64 " groups; leaked %" PRIu64 "\n",
	       rep->pairs[0].count, rep->pairs[0].groups, leaked);
	for (k = 0; k < rep->pairs[0].nsites && k < 4; k++) {
		const struct tb_rsite *st = &rep->pairs[0].sites[k];

		printf("  %-24s %8" PRIu64 " objects  %-18s %+.0f objects/h\n", st->site,
		       st->count, tb_verdict_words(st->verdict), st->objects_h);
	}
	tb_report_free(rep);
	tb_analysis_free(an);
	synth_kmem_clear(&sk);
	tb_intern_reset();
	return 0;
}
