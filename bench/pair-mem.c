/*
 * pair-mem.c - memory per outstanding object and feed rate of the pair analyzer
 * (the analysis behind `run` and `analyze`), measured on a synthetic kmem stream:
 * N live allocations from 8 call sites with raw pointers, then churn (alloc+free
 * pairs).  Built and run by bench/pair-mem.sh against the release objects.
 *
 * usage: pair-mem [N_OUTSTANDING] [N_CHURN_PAIRS]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "analyze/analysis-local.h"
#include "util/intern.h"
#include "synth.h"

static long rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
	uint64_t churn = argc > 2 ? strtoull(argv[2], NULL, 10) : 2000000;
	struct synth_kmem sk;
	struct tb_analysis *an;
	struct tb_sink s;
	struct tb_event ev;
	double bpo, min_bpo = 1e9, max_bpo = 0, t0, t1;
	long rss0, rss1;
	uint64_t i;

	synth_kmem_init(&sk, 1);
	an = tb_analysis_new(&sk.r, NULL);
	if (!an)
		return 1;
	s = tb_analysis_sink(an);

	rss0 = rss_kib();
	t0 = now();
	for (i = 0; i < n + churn * 2; i++) {
		int is_free = i >= n && (i - n) % 2;
		uint64_t ptr = i < n ? 0xffff888000000000ULL + i * 64 :
			0xffff889000000000ULL + ((i - n) / 2) * 64;

		tb_event_clear(&ev);
		ev.system = sk.kmem;
		ev.name = is_free ? sk.kfree : sk.kmalloc;
		ev.ts_ns = 1000 + i * 500;
		ev.cpu = (int)(i & 1);
		tb_event_add_num(&ev, sk.f_ptr, ptr);
		tb_event_add_num(&ev, sk.f_site, 0xffffffff81000000ULL + (i % 8) * 0x100);
		if (!is_free) {
			tb_event_add_num(&ev, sk.f_bytes, 64);
			tb_event_add_num(&ev, sk.f_req, 60);
		}
		if (s.event(s.ctx, &ev))
			return 1;
		if (i < n && (i & 0xfff) == 0xfff) {
			bpo = tb_pair_bytes_per_object(&an->pairs[0]);
			if (bpo < min_bpo)
				min_bpo = bpo;
			if (bpo > max_bpo)
				max_bpo = bpo;
		}
	}
	t1 = now();
	rss1 = rss_kib();
	printf("outstanding objects        %" PRIu64 "\n", an->pairs[0].count);
	printf("table bytes per object     %.1f now, %.1f..%.1f while growing (record %zu B)\n",
	       tb_pair_bytes_per_object(&an->pairs[0]), min_bpo, max_bpo,
	       an->pairs[0].live.rsz);
	printf("RSS growth per object      %.1f bytes (RSS %ld -> %ld KiB)\n",
	       (double)(rss1 - rss0) * 1024.0 / (double)an->pairs[0].count, rss0, rss1);
	printf("events fed                 %" PRIu64 " in %.2f s = %.2f M events/s (one core)\n",
	       n + churn * 2, t1 - t0, (double)(n + churn * 2) / (t1 - t0) / 1e6);
	tb_analysis_free(an);
	synth_kmem_clear(&sk);
	tb_intern_reset();
	return 0;
}
