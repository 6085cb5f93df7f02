/*
 * test_procfs.c - util/procfs: the one table of /proc snapshot kinds, the section
 * splitter for bundles (`date; cat /proc/slabinfo /proc/meminfo /proc/vmstat
 * /proc/buddyinfo`), the slab header recognizer, and the parsers on samples in the
 * formats of 3.10 (CentOS 7), 4.19 and 6.x; kernel/meminfo reads a proc directory
 * with them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "kernel/meminfo.h"
#include "util/procfs.h"

/* 3.10.0-1160.el7 (SLUB): /proc/slabinfo 2.1, meminfo with MemAvailable (backported),
 * vmstat with per-zone pgsteal_direct_* and a single allocstall. */
static const char slab_310[] =
	"slabinfo - version: 2.1\n"
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
	"nf_conntrack_ffffffff81a25e00      0      0    320   51    4 : tunables    0    0    0 : slabdata      0      0      0\n"
	"kmalloc-8192         112    120   8192    4    8 : tunables    0    0    0 : slabdata     30     30      0\n"
	"dentry             60438  61152    192   42    2 : tunables    0    0    0 : slabdata   1456   1456      0\n";
static const char mem_310[] =
	"MemTotal:        1882064 kB\n"
	"MemFree:          123456 kB\n"
	"MemAvailable:    1400000 kB\n"
	"Slab:              98765 kB\n"
	"SReclaimable:      60000 kB\n"
	"SUnreclaim:        38765 kB\n"
	"HugePages_Total:       0\n"
	"Hugepagesize:       2048 kB\n";
static const char vm_310[] =
	"nr_free_pages 30864\n"
	"allocstall 7\n"
	"pgsteal_direct_dma 1\n"
	"pgsteal_direct_dma32 10\n"
	"pgsteal_direct_normal 100\n"
	"compact_stall 3\n";
/* 4.19: per-zone allocstall_*, a single pgsteal_direct */
static const char vm_419[] =
	"nr_free_pages 30864\n"
	"allocstall_dma 0\n"
	"allocstall_dma32 2\n"
	"allocstall_normal 5\n"
	"allocstall_movable 0\n"
	"pgsteal_direct 111\n";
/* 6.x: KReclaimable in meminfo, buddyinfo with 11 orders */
static const char mem_6x[] =
	"MemTotal:       24683620 kB\n"
	"MemFree:        23808824 kB\n"
	"MemAvailable:   24297752 kB\n"
	"KReclaimable:      61024 kB\n"
	"Slab:             105328 kB\n";
static const char buddy_6x[] =
	"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      2 \n"
	"Node 0, zone    DMA32      5      4      3      5      4      5      4      4      3      5    700 \n"
	"Node 0, zone   Normal    120     85     45     27     16      8      4      2      2      1   5000 \n";

static void test_kinds_table(void **state)
{
	int k;

	(void)state;
	assert_int_equal(TB_PROC_KINDS, 4);
	for (k = 0; k < TB_PROC_KINDS; k++)
		assert_int_equal(tb_proc_kind(tb_proc_kinds[k].name), k);
	assert_string_equal(tb_proc_kinds[TB_PROC_MEMINFO].name, "meminfo");
	assert_int_equal(tb_proc_kind("zoneinfo"), TB_PROC_NONE);
	assert_string_equal(tb_proc_kinds_text(), "slabinfo, meminfo, vmstat or buddyinfo");
}

static void test_headers(void **state)
{
	int name_last = -1;

	(void)state;
	assert_int_equal(tb_slab_header("slabinfo - version: 2.1", NULL), TB_SLABFMT_PROC);
	assert_int_equal(tb_slab_header(" Active / Total Objects (% used)    : 1 / 2 (50.0%)", NULL),
			 TB_SLABFMT_SLABTOP);
	assert_int_equal(tb_slab_header("  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME", NULL),
			 TB_SLABFMT_SLABTOP);
	assert_int_equal(tb_slab_header("CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME",
					&name_last), TB_SLABFMT_KMEM);
	assert_int_equal(name_last, 1);
	assert_int_equal(tb_slab_header("CACHE            NAME                 OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE",
					&name_last), TB_SLABFMT_KMEM);
	assert_int_equal(name_last, 0);
	assert_int_equal(tb_slab_header("MemTotal:        1882064 kB", NULL), TB_SLABFMT_UNKNOWN);
	assert_int_equal(tb_slab_header("CACHE is a word", NULL), TB_SLABFMT_UNKNOWN);
}

static void test_sections(void **state)
{
	enum tb_proc_kind k = TB_PROC_NONE;

	(void)state;
	k = tb_proc_section_start("Sun Nov 22 12:31:46 UTC 2026", k);
	assert_int_equal(k, TB_PROC_NONE);
	k = tb_proc_section_start("slabinfo - version: 2.1", k);
	assert_int_equal(k, TB_PROC_SLABINFO);
	k = tb_proc_section_start("dentry 60438 61152 192 42 2 : tunables 0 0 0 : slabdata 1456 1456 0", k);
	assert_int_equal(k, TB_PROC_SLABINFO);
	k = tb_proc_section_start("MemTotal:        1882064 kB", k);
	assert_int_equal(k, TB_PROC_MEMINFO);
	k = tb_proc_section_start("Slab:              98765 kB", k);
	assert_int_equal(k, TB_PROC_MEMINFO);
	k = tb_proc_section_start("nr_free_pages 30864", k);
	assert_int_equal(k, TB_PROC_VMSTAT);
	k = tb_proc_section_start("Node 0, zone      DMA      0      0", k);
	assert_int_equal(k, TB_PROC_BUDDYINFO);
	k = tb_proc_section_start("Node 0, zone   Normal    120     85", k);
	assert_int_equal(k, TB_PROC_BUDDYINFO);
}

static void test_parsers_310(void **state)
{
	struct tb_slabinfo si;
	struct tb_kvlist kv;
	const struct tb_slab_row *r;
	int found;

	(void)state;
	assert_int_equal(tb_slabinfo_parse(slab_310, "3.10", &si), 0);
	assert_int_equal(si.format, TB_SLABFMT_PROC);
	assert_int_equal(si.n, 3);
	r = tb_slabinfo_find(&si, "kmalloc-8192");
	assert_non_null(r);
	assert_int_equal(r->active_objs, 112);
	assert_int_equal(r->objsize, 8192);
	assert_int_equal(r->pagesperslab, 8);
	tb_slabinfo_release(&si);

	memset(&kv, 0, sizeof(kv));
	assert_int_equal(tb_meminfo_parse(mem_310, "3.10", &kv), 0);
	assert_int_equal(tb_kv_get(&kv, "MemAvailable", 0, &found), 1400000);
	assert_true(found);
	assert_int_equal(tb_kv_get(&kv, "HugePages_Total", -1, &found), 0);
	assert_true(found);
	tb_kv_get(&kv, "KReclaimable", 0, &found);
	assert_false(found);				/* 4.20+ */
	tb_kvlist_release(&kv);

	memset(&kv, 0, sizeof(kv));
	assert_int_equal(tb_vmstat_parse(vm_310, "3.10", &kv), 0);
	assert_int_equal(tb_vmstat_sum(&kv, "allocstall", &found), 7);
	assert_int_equal(tb_vmstat_sum(&kv, "pgsteal_direct", &found), 111);	/* per zone, summed */
	assert_true(found);
	tb_kvlist_release(&kv);
}

static void test_parsers_419_6x(void **state)
{
	struct tb_kvlist kv;
	struct tb_buddyinfo bi;
	int found;

	(void)state;
	memset(&kv, 0, sizeof(kv));
	assert_int_equal(tb_vmstat_parse(vm_419, "4.19", &kv), 0);
	assert_int_equal(tb_vmstat_sum(&kv, "allocstall", &found), 7);	/* per zone, summed */
	assert_true(found);
	assert_int_equal(tb_vmstat_sum(&kv, "pgsteal_direct", &found), 111);
	tb_kvlist_release(&kv);

	memset(&kv, 0, sizeof(kv));
	assert_int_equal(tb_meminfo_parse(mem_6x, "6.x", &kv), 0);
	assert_int_equal(tb_kv_get(&kv, "KReclaimable", 0, &found), 61024);
	assert_true(found);
	tb_kvlist_release(&kv);

	memset(&bi, 0, sizeof(bi));
	assert_int_equal(tb_buddyinfo_parse(buddy_6x, "6.x", &bi), 0);
	assert_int_equal(bi.n, 3);
	assert_string_equal(bi.zones[2].zone, "Normal");
	assert_int_equal(bi.zones[2].norders, 11);
	assert_int_equal(bi.zones[2].free[10], 5000);
	tb_buddyinfo_release(&bi);
}

/* kernel/meminfo reads a proc directory through the same parser. */
static void test_meminfo_read(void **state)
{
	char dir[] = "/tmp/tb-procfs-XXXXXX", path[64];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/meminfo", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(mem_310, f);
	fclose(f);
	assert_int_equal(tb_mem_total_kb(dir), 1882064);
	assert_int_equal(tb_mem_available_kb(dir), 1400000);
	unlink(path);
	assert_int_equal(tb_mem_total_kb(dir), 0);		/* unknown, not a guess */
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds_table),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_parsers_310),
		cmocka_unit_test(test_parsers_419_6x),
		cmocka_unit_test(test_meminfo_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
