/*
 * checkpoint.c - the cost of the report `run` rewrites at every trend interval (a
 * partial report: tb_report_build with info.partial, then the JSON written atomically),
 * measured on an analysis holding many groups and objects: a generator feeds GROUPS
 * call sites, OBJECTS outstanding objects spread over them and as many freed ones,
 * over INTERVALS trend intervals, then builds and writes the report REPEAT times,
 * feeding one more interval between rewrites (the run goes on).  Built and run by
 * bench/checkpoint.sh.
 *
 * usage: checkpoint [GROUPS] [OBJECTS] [INTERVALS] [FILE]  (default 10000 1000000 100
 *        /tmp/tracebook-checkpoint.json)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include "analyze/analysis-local.h"
#include "analyze/result.h"
#include "report/report.h"
#include "util/clock.h"
#include "util/intern.h"
#include "synth.h"

#define REPEAT 5

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
		(double)ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}

int main(int argc, char **argv)
{
	uint64_t groups = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000;
	uint64_t objects = argc > 2 ? strtoull(argv[2], NULL, 0) : 1000000;
	uint64_t intervals = argc > 3 ? strtoull(argv[3], NULL, 0) : 100;
	const char *file = argc > 4 ? argv[4] : "/tmp/tracebook-checkpoint.json";
	const uint64_t step = 1000000000ULL;	/* 1 s trend interval */
	struct synth_kmem sk;
	struct tb_analysis_opts ao;
	struct tb_analysis *an;
	struct tb_sink s;
	struct tb_event ev;
	uint64_t i, per, ts = step, worst = 0, sum = 0, build = 0;
	double cpu = 0;
	unsigned k;
	struct stat st;

	memset(&ao, 0, sizeof(ao));
	ao.interval_ns = step;
	synth_kmem_init(&sk, 0);
	an = tb_analysis_new(&sk.r, &ao);
	if (!an)
		return 1;
	s = tb_analysis_sink(an);
	per = objects / intervals + 1;
	/* every interval: per objects kept, per objects allocated and freed, over all sites */
	for (i = 0; i < 2 * objects + (REPEAT * 2 * per); i++) {
		uint64_t n = i / 2, ptr = 0xffff888000000000ULL + n * 64;
		int is_free = (i & 1) && (n & 1);

		if ((i & 1) && !is_free)
			continue;	/* odd objects stay outstanding */
		if (i % (2 * per) == 0)
			ts += step;
		if (i == 2 * objects)
			break;
		tb_event_clear(&ev);
		ev.system = sk.kmem;
		ev.cpu = (int)(n & 3);
		ev.pid = 1000 + (int)(n & 15);
		ev.comm = sk.comm;
		ev.ts_ns = ts + (i % (2 * per));
		ev.name = is_free ? sk.kfree : sk.kmalloc;
		tb_event_add_num(&ev, sk.f_ptr, is_free ? ptr : ptr);
		if (!is_free) {
			tb_event_add_num(&ev, sk.f_site, 0xffffffff81000000ULL + (n % groups) * 0x40);
			tb_event_add_num(&ev, sk.f_bytes, 64);
		}
		if (s.event(s.ctx, &ev))
			return 1;
	}
	for (k = 0; k < REPEAT; k++) {
		struct tb_run_info info;
		struct tb_report *rep;
		uint64_t t0, dt;
		double c0 = cpu_ms();

		memset(&info, 0, sizeof(info));
		info.source = "bench/checkpoint generator";
		info.partial = 1;
		info.duration_ns = ts;
		t0 = tb_now_ns();
		rep = tb_report_build(an, &info);
		build += tb_now_ns() - t0;
		if (!rep || tb_report_write_json(rep, file) < 0)
			return 1;
		dt = tb_now_ns() - t0;
		cpu += cpu_ms() - c0;
		if (!k)
			printf("outstanding                %" PRIu64 " objects in %" PRIu64 " groups, %zu in the report, %zu trend points\n",
			       rep->pairs[0].count, rep->pairs[0].groups, rep->pairs[0].nsites,
			       rep->pairs[0].nsites ? rep->pairs[0].sites[0].trend.n : 0);
		tb_report_free(rep);
		sum += dt;
		worst = dt > worst ? dt : worst;
		/* the run goes on: one more interval of allocations after the checkpoint */
		ts += step;
		for (i = 0; i < per; i++) {
			tb_event_clear(&ev);
			ev.system = sk.kmem;
			ev.pid = 1000;
			ev.comm = sk.comm;
			ev.ts_ns = ts + i;
			ev.name = sk.kmalloc;
			tb_event_add_num(&ev, sk.f_ptr, 0xffff999000000000ULL + ((uint64_t)k * per + i) * 64);
			tb_event_add_num(&ev, sk.f_site, 0xffffffff81000000ULL + (i % groups) * 0x40);
			tb_event_add_num(&ev, sk.f_bytes, 64);
			if (s.event(s.ctx, &ev))
				return 1;
		}
	}
	stat(file, &st);
	printf("one rewrite (build + JSON + fsync + rename): mean %.1f ms wall, %.1f ms CPU (building the report %.1f ms), worst %.1f ms over %d; file %lld KiB\n",
	       (double)sum / REPEAT / 1e6, cpu / REPEAT, (double)build / REPEAT / 1e6,
	       (double)worst / 1e6, REPEAT, (long long)st.st_size / 1024);
	tb_analysis_free(an);
	synth_kmem_clear(&sk);
	tb_intern_reset();
	return 0;
}
