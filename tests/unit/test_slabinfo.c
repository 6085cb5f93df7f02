/*
 * test_slabinfo.c - analyze/slabinfo (slabinfo, slabtop -o, kmem -s, meminfo, vmstat,
 * buddyinfo, time lines), analyze/growth (deltas, per-hour rates, compaction verdict,
 * JSON) and kernel/slab (merged-cache aliases on fake 3.10 and 6.x sysfs trees).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include "analyze/growth.h"
#include "util/procfs.h"
#include "kernel/slab.h"
#include "report/report.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/strlist.h"

/* ---- stderr capture (tb_error messages) ------------------------------------------ */

static int saved_fd = -1;
static char errfile[] = "/tmp/tb-slabinfo-err-XXXXXX";
static char errtext[8192];

static void capture_begin(void)
{
	int fd;

	strcpy(errfile, "/tmp/tb-slabinfo-err-XXXXXX");
	fd = mkstemp(errfile);
	assert_true(fd >= 0);
	fflush(stderr);
	saved_fd = dup(2);
	dup2(fd, 2);
	close(fd);
}

static const char *capture_end(void)
{
	FILE *f;
	size_t n;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	f = fopen(errfile, "r");
	assert_non_null(f);
	n = fread(errtext, 1, sizeof(errtext) - 1, f);
	errtext[n] = '\0';
	fclose(f);
	unlink(errfile);
	return errtext;
}

/* ---- inputs ------------------------------------------------------------------------ */

static const char slub_610[] =
	"slabinfo - version: 2.1\n"
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
	"kmalloc-8k           100    112   8192    4    8 : tunables    0    0    0 : slabdata     28     28      0\n"
	"pool_workqueue       480    512    256   16    1 : tunables    0    0    0 : slabdata     32     32      0\n"
	"filp                 908   1008    192   21    1 : tunables    0    0    0 : slabdata     48     48      0\n";

/* SLAB (CentOS 7 can be either), non-zero tunables, statistics columns */
static const char slab_310_stats[] =
	"slabinfo - version: 2.1 (statistics)\n"
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail> : globalstat <listallocs> <maxobjs> <grown> <reaped> <error> <maxfreeable> <nodeallocs> <remotefrees> <alienoverflow> : cpustat <allochit> <allocmiss> <freehit> <freemiss>\n"
	"size-4096             33     33   4096    1    1 : tunables   24   12    8 : slabdata     33     33      0 : globalstat      45     33    33    0    0    0    0    0    0 : cpustat     10      45     20      0\n"
	"dnotify cache          3    169     20  169    1 : tunables  120   60    8 : slabdata      1      1      0 : globalstat       3      3     1    0    0    0    0    0    0 : cpustat      2       1      0      0\n";

/* arm64 64k pages: 8 objects of 8192 bytes in one page */
static const char slub_arm64_64k[] =
	"slabinfo - version: 2.1\n"
	"kmalloc-8192         800    800   8192    8    1 : tunables    0    0    0 : slabdata    100    100      0\n";

static const char slabtop_out[] =
	" Active / Total Objects (% used)    : 532691 / 595446 (89.5%)\n"
	" Active / Total Slabs (% used)      : 20325 / 20325 (100.0%)\n"
	" Minimum / Average / Maximum Object : 0.01K / 0.27K / 8.00K\n"
	"\n"
	"  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME                   \n"
	" 95550  95550 100%    0.19K   4550       21     18200K dentry                 \n"
	"   112    100  89%    8.00K     28        4       896K kmalloc-8k\n";

static const char kmem_new[] =
	"crash> kmem -s\n"
	"CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n"
	"kmem: kmalloc-1k: partial list slab: ffffea0005b20c08 invalid page.inuse: -1\n"
	"ffff888100041840     1024       2329      2432     76    32k  kmalloc-1k\n"
	"ffff888100044780       32      11862     45824    358     4k  kmalloc-32\n";

static const char kmem_old[] =
	"CACHE            NAME                 OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE\n"
	"ffff883fee4d8700 kvm_async_pf             136          0         0      0     8k\n"
	"ffff9ca27fc07600 kmalloc-512              512     242454    464512   7258    32k\n";

static void test_proc_slabinfo(void **state)
{
	struct tb_slabinfo si;
	const struct tb_slab_row *r;

	assert_int_equal(tb_slabinfo_parse(slub_610, "a.txt", &si), 0);
	assert_int_equal(si.format, TB_SLABFMT_PROC);
	assert_int_equal(si.n, 3);
	r = tb_slabinfo_find(&si, "kmalloc-8k");
	assert_non_null(r);
	assert_int_equal(r->active_objs, 100);
	assert_int_equal(r->num_objs, 112);
	assert_int_equal(r->objsize, 8192);
	assert_int_equal(r->objperslab, 4);
	assert_int_equal(r->pagesperslab, 8);
	assert_int_equal(r->slabs, 28);
	assert_int_equal(r->size_bytes, 28ULL * 8 * 4096);
	assert_int_equal(r->line, 3);
	assert_int_equal(si.wall_ns, 0);
	tb_slabinfo_release(&si);

	assert_int_equal(tb_slabinfo_parse(slab_310_stats, "c7.txt", &si), 0);
	assert_int_equal(si.n, 2);
	r = tb_slabinfo_find(&si, "dnotify cache");	/* a name with a space */
	assert_non_null(r);
	assert_int_equal(r->num_objs, 169);
	r = tb_slabinfo_find(&si, "size-4096");
	assert_int_equal(r->slabs, 33);
	assert_int_equal(r->size_bytes, 33 * 4096);
	tb_slabinfo_release(&si);

	assert_int_equal(tb_slabinfo_parse(slub_arm64_64k, "arm.txt", &si), 0);
	assert_int_equal(si.rows[0].size_bytes, 100ULL * 65536);	/* 64k pages guessed */
	tb_slabinfo_release(&si);
}

static void test_slabtop_kmem(void **state)
{
	struct tb_slabinfo si;
	const struct tb_slab_row *r;

	assert_int_equal(tb_slabinfo_parse(slabtop_out, "top.txt", &si), 0);
	assert_int_equal(si.format, TB_SLABFMT_SLABTOP);
	assert_int_equal(si.n, 2);
	r = tb_slabinfo_find(&si, "dentry");
	assert_int_equal(r->num_objs, 95550);
	assert_int_equal(r->objsize, 195);	/* 0.19K */
	assert_int_equal(r->size_bytes, 18200 * 1024);
	assert_int_equal(tb_slabinfo_find(&si, "kmalloc-8k")->objsize, 8192);
	tb_slabinfo_release(&si);

	assert_int_equal(tb_slabinfo_parse(kmem_new, "kmem.txt", &si), 0);
	assert_int_equal(si.format, TB_SLABFMT_KMEM);
	assert_int_equal(si.n, 2);
	r = tb_slabinfo_find(&si, "kmalloc-1k");
	assert_int_equal(r->objsize, 1024);
	assert_int_equal(r->active_objs, 2329);
	assert_int_equal(r->num_objs, 2432);
	assert_int_equal(r->slabs, 76);
	assert_int_equal(r->size_bytes, 76 * 32768);
	assert_int_equal(r->line, 4);
	tb_slabinfo_release(&si);

	assert_int_equal(tb_slabinfo_parse(kmem_old, "kmem-old.txt", &si), 0);
	r = tb_slabinfo_find(&si, "kmalloc-512");
	assert_non_null(r);
	assert_int_equal(r->active_objs, 242454);
	assert_int_equal(r->num_objs, 464512);
	assert_int_equal(r->size_bytes, 7258ULL * 32768);
	tb_slabinfo_release(&si);
}

static void test_malformed(void **state)
{
	struct tb_slabinfo si;
	const char *err;
	int r;

	capture_begin();
	r = tb_slabinfo_parse("slabinfo - version: 2.1\n"
			      "kmalloc-64   10 10 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\n"
			      "kmalloc-128  ten 10 128 32 1 : tunables 0 0 0 : slabdata 1 1 0\n",
			      "box1/slabinfo", &si);
	err = capture_end();
	assert_int_equal(r, -TB_EXIT_BADINPUT);
	assert_non_null(strstr(err, "box1/slabinfo:3:"));
	assert_non_null(strstr(err, "kmalloc-128  ten"));
	assert_non_null(strstr(err, "expected"));
	tb_slabinfo_release(&si);

	capture_begin();
	r = tb_slabinfo_parse("Sun Nov 22 12:31:46 UTC 2026\nhello world\n", "x.txt", &si);
	err = capture_end();
	assert_int_equal(r, -TB_EXIT_BADINPUT);
	assert_non_null(strstr(err, "x.txt:2:"));
	assert_non_null(strstr(err, "'hello world'"));
	tb_slabinfo_release(&si);

	capture_begin();
	r = tb_slabinfo_parse("slabinfo - version: 1.1\n", "old.txt", &si);
	err = capture_end();
	assert_int_equal(r, -TB_EXIT_BADINPUT);
	assert_non_null(strstr(err, "old.txt:1:"));
	tb_slabinfo_release(&si);

	capture_begin();
	r = tb_slabinfo_parse("  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME\n"
			      " 95550  95550 100%    0.19   4550       21     18200K dentry\n",
			      "top.txt", &si);
	err = capture_end();
	assert_int_equal(r, -TB_EXIT_BADINPUT);
	assert_non_null(strstr(err, "top.txt:2:"));
	tb_slabinfo_release(&si);

	capture_begin();
	r = tb_slabinfo_parse("CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n"
			      "ffff888100041840     1024       2329      2432     76    32q  kmalloc-1k\n",
			      "kmem.txt", &si);
	err = capture_end();
	assert_int_equal(r, -TB_EXIT_BADINPUT);
	assert_non_null(strstr(err, "kmem.txt:2:"));
	tb_slabinfo_release(&si);

	capture_begin();
	r = tb_slabinfo_parse("", "empty.txt", &si);
	err = capture_end();
	assert_int_equal(r, -TB_EXIT_BADINPUT);
	assert_non_null(strstr(err, "empty.txt"));
	tb_slabinfo_release(&si);
}

static void test_time_lines(void **state)
{
	uint64_t ns;
	struct tb_slabinfo si;
	char buf[1024];

	assert_int_equal(tb_parse_wall_time("Sun Nov 22 12:31:46 UTC 2026", &ns), 0);
	assert_int_equal(ns, 1795350706ULL * 1000000000ULL);
	assert_int_equal(tb_parse_wall_time("1795350706", &ns), 0);
	assert_int_equal(ns, 1795350706ULL * 1000000000ULL);
	assert_int_equal(tb_parse_wall_time("2026-11-22T12:31:46Z", &ns), 0);
	assert_int_equal(ns, 1795350706ULL * 1000000000ULL);
	/* times past 64-bit nanoseconds are no times (never wrapped) */
	assert_int_equal(tb_parse_wall_time("99999999999", &ns), -1);
	assert_int_equal(tb_parse_wall_time("9999-11-22T12:31:46Z", &ns), -1);
	assert_int_equal(tb_parse_wall_time("2026-11-22 13:31:46+01:00", &ns), 0);
	assert_int_equal(ns, 1795350706ULL * 1000000000ULL);
	assert_int_equal(tb_parse_wall_time("# time: 2026-11-22T12:31:46Z", &ns), 0);
	assert_int_equal(tb_parse_wall_time("      DATE: Tue Mar  3 10:11:12 2020", &ns), 0);
	assert_int_equal(ns, 1583230272ULL * 1000000000ULL);
	assert_int_equal(tb_parse_wall_time("kmalloc-64 10 10", &ns), -1);
	assert_int_equal(tb_parse_wall_time("12345", &ns), -1);

	snprintf(buf, sizeof(buf), "Sun Nov 22 12:31:46 UTC 2026\n%s", slub_610);
	assert_int_equal(tb_slabinfo_parse(buf, "t.txt", &si), 0);
	assert_int_equal(si.wall_ns, 1795350706ULL * 1000000000ULL);
	assert_int_equal(tb_slabinfo_find(&si, "filp")->line, 6);
	tb_slabinfo_release(&si);
}

static void test_meminfo_vmstat_buddy(void **state)
{
	struct tb_kvlist kv;
	struct tb_buddyinfo bi;
	int found;
	const char *err;

	assert_int_equal(tb_meminfo_parse("MemTotal:       16384000 kB\nSlab:  2048 kB\n"
					  "SReclaimable: 1024 kB\nSUnreclaim: 1024 kB\n"
					  "HugePages_Total:       0\n", "m", &kv), 0);
	assert_int_equal(tb_kv_get(&kv, "Slab", -1, &found), 2048);
	assert_true(found);
	tb_kv_get(&kv, "KReclaimable", -1, &found);	/* 4.19 has none */
	assert_false(found);
	assert_int_equal(tb_kv_get(&kv, "HugePages_Total", -1, NULL), 0);
	tb_kvlist_release(&kv);

	capture_begin();
	assert_int_equal(tb_meminfo_parse("Slab: 2048 kB\nSUnreclaim 1024 kB\n", "mi", &kv),
			 -TB_EXIT_BADINPUT);
	err = capture_end();
	assert_non_null(strstr(err, "mi:2:"));
	tb_kvlist_release(&kv);

	/* 3.10: allocstall single, pgsteal_direct per zone */
	assert_int_equal(tb_vmstat_parse("allocstall 7\npgsteal_direct_dma 1\n"
					 "pgsteal_direct_normal 10\npgsteal_direct_movable 0\n"
					 "compact_stall 3\n", "v310", &kv), 0);
	assert_int_equal(tb_vmstat_sum(&kv, "allocstall", &found), 7);
	assert_int_equal(tb_vmstat_sum(&kv, "pgsteal_direct", &found), 11);
	assert_true(found);
	tb_kvlist_release(&kv);
	/* 4.19: allocstall per zone, pgsteal_direct single */
	assert_int_equal(tb_vmstat_parse("allocstall_dma 0\nallocstall_dma32 2\n"
					 "allocstall_normal 5\nallocstall_movable 1\n"
					 "pgsteal_direct 40\n", "v419", &kv), 0);
	assert_int_equal(tb_vmstat_sum(&kv, "allocstall", &found), 8);
	assert_int_equal(tb_vmstat_sum(&kv, "pgsteal_direct", &found), 40);
	tb_vmstat_sum(&kv, "pgscan_direct", &found);
	assert_false(found);
	tb_kvlist_release(&kv);

	assert_int_equal(tb_buddyinfo_parse("Node 0, zone      DMA      0      0      1\n"
					    "Node 0, zone   Normal   1535   2252    560    1157\n",
					    "b", &bi), 0);
	assert_int_equal(bi.n, 2);
	assert_string_equal(bi.zones[1].zone, "Normal");
	assert_int_equal(bi.zones[1].norders, 4);
	assert_int_equal(bi.zones[1].free[3], 1157);
	tb_buddyinfo_release(&bi);
	capture_begin();
	assert_int_equal(tb_buddyinfo_parse("Node 0 zone Normal 1 2\n", "bb", &bi),
			 -TB_EXIT_BADINPUT);
	err = capture_end();
	assert_non_null(strstr(err, "bb:1:"));
	tb_buddyinfo_release(&bi);
}

/* ---- growth --------------------------------------------------------------------------- */

/* The growth result as report/ writes it, parsed back from its text. */
static json_object *growth_json(const struct tb_growth *g)
{
	struct tb_rgrowth *res = tb_growth_result(g);
	json_object *w, *o;
	const char *s;

	assert_non_null(res);
	w = tb_growth_to_json(res);
	assert_non_null(w);
	s = json_object_to_json_string_ext(w, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	o = json_tokener_parse(s);
	if (!o)
		fprintf(stderr, "bad JSON: %s\n", s);
	assert_non_null(o);
	json_object_put(w);
	tb_rgrowth_free(res);
	return o;
}

static json_object *find_cache(json_object *root, const char *name)
{
	json_object *caches, *c, *n;
	size_t i;

	assert_true(json_object_object_get_ex(root, "caches", &caches));
	for (i = 0; i < json_object_array_length(caches); i++) {
		c = json_object_array_get_idx(caches, i);
		if (json_object_object_get_ex(c, "name", &n) &&
		    !strcmp(json_object_get_string(n), name))
			return c;
	}
	return NULL;
}

static double jnum(json_object *o, const char *key)
{
	json_object *v;

	assert_true(json_object_object_get_ex(o, key, &v));
	return json_object_get_double(v);
}

static const char *text_of(const struct tb_growth *g)
{
	static char buf[65536];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct tb_rgrowth *res = tb_growth_result(g);

	assert_non_null(f);
	assert_non_null(res);
	tb_report_print_growth(res, f, 10);
	fclose(f);
	tb_rgrowth_free(res);
	return buf;
}

#define HALF_HOUR (1800ULL * 1000000000ULL)

static void test_growth_rates(void **state)
{
	/* 30 minutes apart: kmalloc-8k +1000 objects (+250 slabs of 8 pages) */
	const char *b =
		"slabinfo - version: 2.1\n"
		"kmalloc-8k          1100   1112   8192    4    8 : tunables    0    0    0 : slabdata    278    278      0\n"
		"pool_workqueue       480    512    256   16    1 : tunables    0    0    0 : slabdata     32     32      0\n"
		"filp                 900   1008    192   21    1 : tunables    0    0    0 : slabdata     48     48      0\n"
		"newcache              10     10    100   40    1 : tunables    0    0    0 : slabdata      1      1      0\n";
	struct tb_growth *g = tb_growth_new(NULL);
	json_object *o, *c, *m, *s;
	char name[64];
	uint32_t objsize;
	int64_t bytes;
	const char *t;

	assert_non_null(g);
	assert_int_equal(tb_growth_add(g, "slabinfo", 1000 * 1000000000ULL, slub_610, "a"), 0);
	assert_false(tb_growth_has_result(g));
	assert_int_equal(tb_growth_add(g, "meminfo", 1000 * 1000000000ULL,
				       "Slab: 200000 kB\nSReclaimable: 100000 kB\n"
				       "SUnreclaim: 100000 kB\n", "ma"), 0);
	assert_int_equal(tb_growth_add(g, "slabinfo", 1000 * 1000000000ULL + HALF_HOUR, b, "b"), 0);
	/* the field report: SUnreclaim +2150 kB in 30 min = 4300 kB (4.2 MB) per hour */
	assert_int_equal(tb_growth_add(g, "meminfo", 1000 * 1000000000ULL + HALF_HOUR,
				       "Slab: 202150 kB\nSReclaimable: 100000 kB\n"
				       "SUnreclaim: 102150 kB\n", "mb"), 0);
	assert_true(tb_growth_has_result(g));

	o = growth_json(g);
	assert_int_equal((uint64_t)jnum(o, "span_ns"), HALF_HOUR);
	c = find_cache(o, "kmalloc-8k");
	assert_non_null(c);
	assert_int_equal((int)jnum(c, "delta_active"), 1000);
	assert_int_equal((int64_t)jnum(c, "delta_size_bytes"), 250LL * 8 * 4096);
	assert_int_equal((int)jnum(c, "active_per_hour"), 2000);
	assert_int_equal((int64_t)jnum(c, "obj_bytes_per_hour"), 2000LL * 8192);
	assert_int_equal((int64_t)jnum(c, "size_bytes_per_hour"), 500LL * 8 * 4096);
	c = find_cache(o, "filp");
	assert_int_equal((int)jnum(c, "delta_active"), -8);
	c = find_cache(o, "newcache");
	assert_non_null(c);
	assert_true(json_object_object_get_ex(c, "new", &s));
	assert_true(json_object_object_get_ex(o, "meminfo_kb", &m));
	assert_true(json_object_object_get_ex(m, "SUnreclaim", &s));
	assert_int_equal((int)jnum(s, "delta"), 2150);
	assert_int_equal((int)jnum(s, "per_hour"), 4300);
	json_object_put(o);

	assert_int_equal(tb_growth_top(g, name, sizeof(name), &objsize, &bytes), 1);
	assert_string_equal(name, "kmalloc-8k");
	assert_int_equal(objsize, 8192);
	assert_int_equal(bytes, 1000LL * 8192);

	t = text_of(g);
	assert_non_null(strstr(t, "over 30m"));
	assert_non_null(strstr(t, "kmalloc-8k"));
	assert_non_null(strstr(t, "+2000"));	/* objects per hour */
	assert_null(strstr(t, "rates per hour are unknown"));
	tb_growth_free(g);
}

/* A slabinfo with cache "leaky" at active objects a (64 B), "steady" at 100, and
 * "late" from snapshot 3 on. */
static char *series_slabinfo(unsigned i, unsigned a)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf), "slabinfo - version: 2.1\n"
		 "leaky %u %u 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\n"
		 "steady 100 128 256 16 1 : tunables 0 0 0 : slabdata 8 8 0\n%s", a, a + 64,
		 i >= 3 ? "late 5 16 512 8 1 : tunables 0 0 0 : slabdata 2 2 0\n" : "");
	return buf;
}

/*
 * The series behind the charts: one point per snapshot while there are few, times
 * since the first; past TB_GROWTH_MAX_POINTS decimated with the first and the newest
 * snapshot kept, evenly spaced, bounded; the values those of the snapshots drawn.
 */
static void test_growth_series(void **state)
{
	struct tb_growth *g = tb_growth_new(NULL);
	struct tb_rgrowth *r;
	const struct tb_rcache *leaky = NULL, *steady = NULL, *late = NULL;
	const struct tb_rmem *su = NULL;
	char mem[128];
	unsigned i, n = 5, total = 1000;
	size_t j, k;

	(void)state;
	assert_non_null(g);
	for (i = 0; i < n; i++) {
		assert_int_equal(tb_growth_add(g, "slabinfo", (1000 + 10 * i) * 1000000000ULL,
					       series_slabinfo(i, 100 + 50 * i), "s"), 0);
		snprintf(mem, sizeof(mem), "Slab: %u kB\nSReclaimable: 1000 kB\nSUnreclaim: %u kB\n",
			 3000 + i, 2000 + i);
		assert_int_equal(tb_growth_add(g, "meminfo", (1000 + 10 * i) * 1000000000ULL, mem,
					       "m"), 0);
	}
	r = tb_growth_result(g);
	assert_non_null(r);
	assert_int_equal(r->slab_pts.n, n);
	assert_non_null(r->slab_pts.t_ns);
	for (j = 0; j < n; j++) {
		assert_int_equal(r->slab_pts.snap[j], j);
		assert_int_equal(r->slab_pts.t_ns[j], j * 10 * 1000000000ULL);
	}
	for (j = 0; j < r->ncaches; j++) {
		if (!strcmp(r->caches[j].name, "leaky"))
			leaky = &r->caches[j];
		if (!strcmp(r->caches[j].name, "steady"))
			steady = &r->caches[j];
		if (!strcmp(r->caches[j].name, "late"))
			late = &r->caches[j];
	}
	assert_non_null(leaky);
	assert_non_null(leaky->series);
	for (j = 0; j < n; j++)
		assert_int_equal(leaky->series[j], 100 + 50 * j);
	/* a cache that did not grow is not charted: no series */
	assert_non_null(steady);
	assert_null(steady->series);
	/* a cache that came later: absent (-1) before */
	assert_non_null(late);
	assert_non_null(late->series);
	assert_int_equal(late->series[2], -1);
	assert_int_equal(late->series[3], 5);
	assert_int_equal(r->mem_pts.n, n);
	for (j = 0; j < r->nmem; j++)
		if (!strcmp(r->mem[j].key, "SUnreclaim"))
			su = &r->mem[j];
	assert_non_null(su);
	assert_non_null(su->series);
	for (j = 0; j < n; j++)
		assert_int_equal(su->series[j], 2000 + j);
	tb_rgrowth_free(r);

	/* a long watch: bounded, first and last kept, evenly spaced between them */
	for (; i < total; i++) {
		assert_int_equal(tb_growth_add(g, "slabinfo", (1000 + 10 * i) * 1000000000ULL,
					       series_slabinfo(i, 100 + 50 * i), "s"), 0);
		snprintf(mem, sizeof(mem), "Slab: %u kB\nSUnreclaim: %u kB\n", 3000 + i, 2000 + i);
		assert_int_equal(tb_growth_add(g, "meminfo", 0, mem, "m"), 0);
	}
	r = tb_growth_result(g);
	assert_non_null(r);
	assert_true(r->slab_pts.n <= TB_GROWTH_MAX_POINTS);
	assert_true(r->slab_pts.n >= TB_GROWTH_MAX_POINTS / 2);
	assert_int_equal(r->slab_pts.snap[0], 0);
	assert_int_equal(r->slab_pts.snap[r->slab_pts.n - 1], total - 1);
	k = r->slab_pts.snap[1];
	assert_true(k >= 2);
	for (j = 1; j + 1 < r->slab_pts.n; j++)
		assert_int_equal(r->slab_pts.snap[j], j * k);
	for (j = 0; j < r->ncaches; j++)
		if (!strcmp(r->caches[j].name, "leaky"))
			leaky = &r->caches[j];
	for (j = 0; j < r->slab_pts.n; j++) {
		assert_int_equal(leaky->series[j], 100 + 50 * r->slab_pts.snap[j]);
		assert_int_equal(r->slab_pts.t_ns[j], r->slab_pts.snap[j] * 10 * 1000000000ULL);
	}
	assert_int_equal(leaky->series[r->slab_pts.n - 1], (int64_t)leaky->active);
	/* meminfo: the later snapshots carry no time, so the series has none */
	assert_true(r->mem_pts.n <= TB_GROWTH_MAX_POINTS);
	assert_int_equal(r->mem_pts.snap[r->mem_pts.n - 1], total - 1);
	assert_null(r->mem_pts.t_ns);
	tb_rgrowth_free(r);
	tb_growth_free(g);
}

static void test_growth_unknown_time(void **state)
{
	struct tb_growth *g = tb_growth_new(NULL);
	json_object *o, *c, *v;
	const char *t;

	assert_int_equal(tb_growth_add(g, "slabinfo", 0, slabtop_out, "a"), 0);
	assert_int_equal(tb_growth_add(g, "slabinfo", 0, slabtop_out, "b"), 0);
	o = growth_json(g);
	assert_true(json_object_object_get_ex(o, "span_ns", &v));
	assert_null(v);			/* JSON null: unknown */
	c = find_cache(o, "dentry");
	assert_true(json_object_object_get_ex(c, "active_per_hour", &v));
	assert_null(v);
	json_object_put(o);
	t = text_of(g);
	assert_non_null(strstr(t, "rates per hour are unknown"));

	/* --between fills in */
	tb_growth_set_between(g, 300ULL * 1000000000ULL);
	o = growth_json(g);
	assert_int_equal((uint64_t)jnum(o, "span_ns"), 300ULL * 1000000000ULL);
	json_object_put(o);
	tb_growth_free(g);
}

static void test_growth_compaction(void **state)
{
	struct tb_growth *g = tb_growth_new(NULL);
	json_object *o, *v;
	const char *t;

	assert_int_equal(tb_growth_add(g, "vmstat", 1, "compact_stall 5\ncompact_fail 1\n"
				       "allocstall 2\nnr_free_pages 100\n", "v1"), 0);
	assert_int_equal(tb_growth_add(g, "vmstat", 2, "compact_stall 5\ncompact_fail 1\n"
				       "allocstall 9\nnr_free_pages 80\n", "v2"), 0);
	assert_int_equal(tb_growth_add(g, "buddyinfo", 1, "Node 0, zone Normal 10 4 2 0 0 0\n", "b1"), 0);
	assert_int_equal(tb_growth_add(g, "buddyinfo", 2, "Node 0, zone Normal 12 3 0 0 0 0\n", "b2"), 0);
	t = text_of(g);
	assert_non_null(strstr(t, "compaction did not run (skipped)"));
	assert_non_null(strstr(t, "highest free order 1"));
	o = growth_json(g);
	assert_true(json_object_object_get_ex(o, "compaction", &v));
	assert_string_equal(json_object_get_string(v), "skipped");
	assert_int_equal((int)jnum(o, "allocstall_delta"), 7);
	assert_true(json_object_object_get_ex(o, "vmstat_delta", &v));
	assert_int_equal((int)jnum(v, "nr_free_pages"), -20);
	json_object_put(o);
	/* a third snapshot where compaction ran */
	assert_int_equal(tb_growth_add(g, "vmstat", 3, "compact_stall 8\ncompact_fail 1\n"
				       "allocstall 9\nnr_free_pages 80\n", "v3"), 0);
	t = text_of(g);
	assert_non_null(strstr(t, "compaction ran: 3 direct compaction stall(s)"));
	tb_growth_free(g);
}

/* ---- sysfs trees -------------------------------------------------------------------------- */

static void mkfile(const char *dir, const char *rel, const char *text, mode_t mode)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void mkcache(const char *slab, const char *dir, const char *objsize, const char *aliases,
		    mode_t trace_mode)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", slab, dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/object_size", dir);
	mkfile(slab, p, objsize, 0444);
	snprintf(p, sizeof(p), "%s/aliases", dir);
	mkfile(slab, p, aliases, 0444);
	snprintf(p, sizeof(p), "%s/trace", dir);
	mkfile(slab, p, "0\n", trace_mode);
}

static void mklink(const char *slab, const char *name, const char *target)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", slab, name);
	assert_int_equal(symlink(target, p), 0);
}

static void rmtree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_alias_tree_310(void **state)
{
	char root[] = "/tmp/tb-slab310-XXXXXX", slab[256], proc[256];
	struct tb_slab_tree t;
	const struct tb_slab_cache *c;
	struct tb_slab_trace st;
	struct strbuf sb = STRBUF_INIT;

	assert_non_null(mkdtemp(root));
	snprintf(slab, sizeof(slab), "%s/sys", root);
	mkdir(slab, 0755);
	snprintf(slab, sizeof(slab), "%s/sys/kernel", root);
	mkdir(slab, 0755);
	snprintf(slab, sizeof(slab), "%s/sys/kernel/slab", root);
	mkdir(slab, 0755);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	mkdir(proc, 0755);
	/* 3.10: ids carry 't' (SLAB_NOTRACK not set); trace writable (0644) */
	mkcache(slab, ":t-0000256", "256\n", "2\n", 0644);
	mklink(slab, "kmalloc-256", ":t-0000256");
	mklink(slab, "pool_workqueue", ":t-0000256");
	mklink(slab, "ip6_dst_cache", ":t-0000256");
	mkcache(slab, ":t-0000064", "64\n", "0\n", 0644);
	mklink(slab, "kmalloc-64", ":t-0000064");
	mkcache(slab, "ext4_inode_cache", "1000\n", "0\n", 0644);	/* unmergeable */
	mklink(slab, "dangling", ":t-0009999");
	mkfile(proc, "slabinfo", "slabinfo - version: 2.1\n"
	       "# name <active_objs>\n"
	       "kmalloc-256  10 16 256 16 1 : tunables 0 0 0 : slabdata 1 1 0\n"
	       "kmalloc-64  10 64 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\n"
	       "ext4_inode_cache  1 4 1000 4 1 : tunables 0 0 0 : slabdata 1 1 0\n", 0444);

	setenv("TRACEBOOK_ROOT", root, 1);
	assert_string_equal(tb_slab_path(proc, sizeof(proc)) + strlen(root), "/sys/kernel/slab");
	assert_int_equal(tb_slab_load(&t, NULL), 0);
	unsetenv("TRACEBOOK_ROOT");
	assert_int_equal(t.n, 3);
	assert_true(t.have_primaries);

	c = tb_slab_resolve(&t, "ip6_dst_cache");
	assert_non_null(c);
	assert_string_equal(c->dir, ":t-0000256");
	assert_string_equal(tb_slab_name(c), "kmalloc-256");	/* from proc/slabinfo */
	assert_true(c->merged);
	assert_int_equal(c->object_size, 256);
	assert_int_equal(c->aliases, 2);
	assert_int_equal(c->names.n, 3);
	assert_true(tb_slab_is_alias(c, "ip6_dst_cache"));
	assert_false(tb_slab_is_alias(c, "kmalloc-256"));
	assert_ptr_equal(tb_slab_resolve(&t, "pool_workqueue"), c);
	assert_ptr_equal(tb_slab_resolve(&t, ":t-0000256"), c);
	assert_int_equal(tb_slab_format_aliases(c, NULL, &sb, 0), 2);
	assert_string_equal(sb.buf, "ip6_dst_cache, pool_workqueue");
	strbuf_reset(&sb);
	assert_int_equal(tb_slab_format_aliases(c, NULL, &sb, 1), 2);
	assert_string_equal(sb.buf, "ip6_dst_cache +1 more");

	c = tb_slab_resolve(&t, "ext4_inode_cache");
	assert_non_null(c);
	assert_false(c->merged);
	assert_string_equal(tb_slab_name(c), "ext4_inode_cache");
	assert_null(tb_slab_resolve(&t, "no_such_cache"));
	assert_null(tb_slab_resolve(&t, "dangling"));
	assert_int_equal(t.dangling.n, 1);

	/* the trace toggle: writable on 3.10, merged cache flagged */
	c = tb_slab_resolve(&t, "ip6_dst_cache");
	assert_int_equal(tb_slab_trace_state(&t, c, &st), 0);
	assert_true(st.exists);
	assert_true(st.writable);
	assert_true(st.merged);
	assert_int_equal(st.value, 0);
	assert_int_equal(st.mode, 0644);

	tb_slab_release(&t);
	strbuf_release(&sb);
	rmtree(root);
}

static void test_alias_tree_6x(void **state)
{
	char root[] = "/tmp/tb-slab6x-XXXXXX", slab[256];
	struct tb_slab_tree t;
	const struct tb_slab_cache *c;
	struct tb_slab_trace st;
	struct tb_growth *g;
	struct strlist names = STRLIST_INIT;
	json_object *o, *row, *al;
	char b2[1024];

	assert_non_null(mkdtemp(root));
	snprintf(slab, sizeof(slab), "%s/slab", root);
	mkdir(slab, 0755);
	/* 4.19+: ":0000256", ":A-0000064"; 5.9+: trace is 0400 */
	mkcache(slab, ":0000256", "256\n", "1\n", 0400);
	mklink(slab, "pool_workqueue", ":0000256");
	mklink(slab, "ip6_dst_cache", ":0000256");
	mkcache(slab, ":A-0000064", "64\n", "1\n", 0400);
	mklink(slab, "anon_vma_chain", ":A-0000064");
	mklink(slab, "vmap_area", "../slab/:A-0000064");	/* path form too */
	mkcache(slab, "kmalloc-8k", "8192\n", "0\n", 0400);

	/* no slabinfo next to this tree: primaries unknown until told */
	assert_int_equal(tb_slab_load(&t, slab), 0);
	assert_false(t.have_primaries);
	c = tb_slab_resolve(&t, "ip6_dst_cache");
	assert_non_null(c);
	assert_string_equal(tb_slab_name(c), ":0000256");
	assert_ptr_equal(tb_slab_resolve(&t, "vmap_area"), tb_slab_resolve(&t, "anon_vma_chain"));

	/* the slabinfo of the same box names the primaries */
	g = tb_growth_new(NULL);
	snprintf(b2, sizeof(b2), "slabinfo - version: 2.1\n"
		 "pool_workqueue  480 512 256 16 1 : tunables 0 0 0 : slabdata 32 32 0\n"
		 "anon_vma_chain  10 64 64 64 1 : tunables 0 0 0 : slabdata 1 1 0\n"
		 "kmalloc-8k  4 4 8192 4 8 : tunables 0 0 0 : slabdata 1 1 0\n");
	assert_int_equal(tb_growth_add(g, "slabinfo", 1, b2, "a"), 0);
	assert_int_equal(tb_growth_slab_names(g, &names), 0);
	tb_slab_set_primaries(&t, names.v, names.n);
	strlist_clear(&names);
	assert_string_equal(tb_slab_name(c), "pool_workqueue");
	assert_true(tb_slab_is_alias(c, "ip6_dst_cache"));

	assert_int_equal(tb_slab_trace_state(&t, c, &st), 0);
	assert_true(st.exists);
	assert_false(st.writable);
	assert_int_equal(st.mode, 0400);

	/* growth rows list the names merged into them */
	tb_growth_set_aliases(g, &t);
	o = growth_json(g);
	row = find_cache(o, "pool_workqueue");
	assert_non_null(row);
	assert_true(json_object_object_get_ex(row, "aliases", &al));
	assert_int_equal(json_object_array_length(al), 1);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(al, 0)),
			    "ip6_dst_cache");
	json_object_put(o);
	tb_growth_free(g);
	tb_slab_release(&t);
	rmtree(root);
}

static void test_listing(void **state)
{
	struct tb_slab_tree t;
	const struct tb_slab_cache *c;
	const char *err;

	assert_int_equal(tb_slab_load_listing(&t,
		"total 0\n"
		"drwxr-xr-x 2 root root 0 Nov 22 12:23 :0000256\n"
		"lrwxrwxrwx 1 root root 0 Nov 22 12:31 ip6_dst_cache -> :0000256\n"
		"lrwxrwxrwx 1 root root 0 Nov 22 12:31 pool_workqueue -> :0000256\n"
		"drwxr-xr-x 2 root root 0 Nov 22 12:23 kmalloc-8k\n", "ls.txt"), 0);
	assert_int_equal(t.n, 2);
	c = tb_slab_resolve(&t, "ip6_dst_cache");
	assert_non_null(c);
	assert_int_equal(c->names.n, 2);
	tb_slab_release(&t);

	capture_begin();
	assert_int_equal(tb_slab_load_listing(&t,
		"drwxr-xr-x 2 root root 0 Nov 22 12:23 :0000256\n"
		"ip6_dst_cache pool_workqueue\n", "ls2.txt"), -TB_EXIT_BADINPUT);
	err = capture_end();
	assert_non_null(strstr(err, "ls2.txt:2:"));
	tb_slab_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_slabinfo),
		cmocka_unit_test(test_slabtop_kmem),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_time_lines),
		cmocka_unit_test(test_meminfo_vmstat_buddy),
		cmocka_unit_test(test_growth_rates),
		cmocka_unit_test(test_growth_series),
		cmocka_unit_test(test_growth_unknown_time),
		cmocka_unit_test(test_growth_compaction),
		cmocka_unit_test(test_alias_tree_310),
		cmocka_unit_test(test_alias_tree_6x),
		cmocka_unit_test(test_listing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
