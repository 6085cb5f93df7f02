/*
 * test_decode.c - src/decode/: format detection, the ftrace text decoder (every era's
 * context prefix, fields, kprobes, stacks across interleaved CPUs, lost markers), the
 * kernel-log decoder (prefixes, call-trace shapes, allocator frames), malformed-line
 * bookkeeping and the sink's stop.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include "decode/decode.h"
#include "decode/decode-local.h"
#include "util/fileio.h"
#include "util/strbuf.h"
#include "util/intern.h"

/* A sink that dumps every event (canonical form) and loss into a string. */
struct collect {
	char *buf;
	size_t len;
	FILE *f;
	int events, lost_calls, stop_after;
	uint64_t lost;
};

static int collect_event(void *ctx, const struct tb_event *ev)
{
	struct collect *c = ctx;

	tb_decode_dump_event(c->f, ev);
	c->events++;
	if (c->stop_after && c->events >= c->stop_after)
		return -1;
	return 0;
}

static void collect_lost(void *ctx, int cpu, uint64_t count, uint64_t ts)
{
	struct collect *c = ctx;

	(void)ts;
	c->lost_calls++;
	if (count != TB_LOST_UNKNOWN)
		c->lost += count;
	fprintf(c->f, "LOST %d %s\n", cpu, count == TB_LOST_UNKNOWN ? "?" : "n");
}

/* Decode text (lines separated by \n) in format fmt; returns the dump (caller frees). */
static char *decode(enum tb_format fmt, const char *text, struct collect *c,
		    struct tb_decode_stats *st)
{
	struct tb_sink sink = { collect_event, collect_lost, c };
	struct tb_decoder *d;
	const char *p = text, *nl;
	int stopped = 0;

	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	d = tb_decoder_new(fmt, "t.txt", &sink);
	assert_non_null(d);
	while (*p && !stopped) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (tb_decoder_line(d, p, (size_t)(nl - p)) < 0)
			stopped = 1;
		p = *nl ? nl + 1 : nl;
	}
	if (!stopped)
		tb_decoder_finish(d);
	if (st)
		*st = *tb_decoder_stats(d);
	tb_decoder_free(d);
	fclose(c->f);
	return c->buf;
}

static void test_detect(void **state)
{
	static const char dat[] = "\x17\x08\x44tracing6\0\0";
	(void)state;

	assert_int_equal(tb_detect_format(dat, sizeof(dat)), TB_FMT_TRACECMD_DAT);
	assert_int_equal(tb_detect_format("slabinfo - version: 2.1\n", 24), TB_FMT_SLABINFO);
	assert_int_equal(tb_detect_format("cpus=2\n  bash-1 [000] 1.0: x: y\n", 33),
			 TB_FMT_TRACECMD_REPORT);
#define DET(s) tb_detect_format(s, strlen(s))
	assert_int_equal(DET("# tracer: nop\n#\n"), TB_FMT_FTRACE_TEXT);
	assert_int_equal(DET("            bash-1234  [001] ....   100.000001: kfree: ptr=0\n"),
			 TB_FMT_FTRACE_TEXT);
	assert_int_equal(DET("     kworker/u8:2-98765   (-------) [001] d...  3000.000003: kfree: x=1\n"),
			 TB_FMT_FTRACE_TEXT);
	assert_int_equal(DET("[  123.456789] TRACE kmalloc-64 alloc 0xffff88001e691340 inuse=64 fp=0x0\n"),
			 TB_FMT_KERNEL_LOG);
	assert_int_equal(DET("Nov 22 10:00:01 box kernel: TRACE kmalloc-64 free 0x00000000a1b2c3d4 inuse=1 fp=0x0\n"),
			 TB_FMT_KERNEL_LOG);
	assert_int_equal(DET("6,1201,123456789,-;TRACE kmalloc-64 alloc 0xffff88001e691340 inuse=64 fp=0x0\n"),
			 TB_FMT_KERNEL_LOG);
	assert_int_equal(DET("hello world\nnothing here\n"), TB_FMT_UNKNOWN);
	assert_int_equal(DET(""), TB_FMT_UNKNOWN);
#undef DET
}

static void test_ftrace_eras(void **state)
{
	struct collect c = { 0 };
	struct tb_decode_stats st;
	char *out;
	(void)state;

	out = decode(TB_FMT_FTRACE_TEXT,
		/* 3.10 */
		"          insmod-1234  [001] ....   100.000001: kmalloc: call_site=ffffffffa0012345 ptr=ffff88003a6b1e00 bytes_req=100 bytes_alloc=128 gfp_flags=GFP_KERNEL|GFP_ZERO\n"
		/* 3.10 kfree(NULL), space-padded */
		"    kworker/0:1H-211   [000] ..s.   100.000031: kfree: call_site=ffffffff8150aaab ptr=          (null)\n"
		/* 4.19 with tgid */
		"            bash-2345  ( 2345) [000] d..1   200.123456: kfree: call_site=ffffffff8123abcd ptr=00000000a1b2c3d4\n"
		/* 5.10 pid 7, no tgid known */
		"    kworker/u8:2-98765   (-------) [001] d...  3000.000003: kfree: call_site=free_netdev+0x10e/0x150 ptr=0000000000000000\n"
		/* 6.x 5 flags, comm with space and dash */
		"   Web Content-x-999     [001] DNhZ2   931.000007: kmem_cache_free: call_site=f+0x0/0x10 ptr=(____ptrval____) name=kmalloc-256\n"
		/* irq-info=0, counter clock */
		"            bash-100     [001] 123456790500: kfree: call_site=foo+0x1/0x2 ptr=0000000087654321\n",
		&c, &st);
	assert_non_null(strstr(out, "100000001000 1 1234 \"insmod\" kmem:kmalloc q=real call_site=\"ffffffffa0012345\" "
				    "ptr=\"ffff88003a6b1e00\"#18446612133294317056 bytes_req=\"100\" bytes_alloc=\"128\" gfp_flags=\"GFP_KERNEL|GFP_ZERO\"\n"));
	assert_non_null(strstr(out, "100000031000 0 211 \"kworker/0:1H\" kmem:kfree q=real call_site=\"ffffffff8150aaab\" ptr=\"(null)\"#0\n"));
	assert_non_null(strstr(out, "200123456000 0 2345 \"bash\" kmem:kfree q=hashed"));
	assert_non_null(strstr(out, "3000000003000 1 98765 \"kworker/u8:2\" kmem:kfree q=real call_site=\"free_netdev+0x10e/0x150\" ptr=\"0000000000000000\"#0"));
	assert_non_null(strstr(out, "931000007000 1 999 \"Web Content-x\" kmem:kmem_cache_free q=hidden call_site=\"f+0x0/0x10\" ptr=\"(____ptrval____)\" name=\"kmalloc-256\""));
	assert_non_null(strstr(out, "123456790500 1 100 \"bash\" kmem:kfree q=hashed"));
	assert_int_equal(c.events, 6);
	assert_int_equal(st.events, 6);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.ptr_hashed, 2);
	assert_int_equal(st.ptr_hidden, 1);
	assert_int_equal(st.ptr_null, 2);
	free(out);
}

static void test_ftrace_function_kprobe(void **state)
{
	struct collect c = { 0 };
	char *out;
	(void)state;

	out = decode(TB_FMT_FTRACE_TEXT,
		"          svscan-1678  [000] .... 6412438.703521: do_nanosleep <-hrtimer_nanosleep\n"
		"            bash-100     [000] .....  5000.000001: kfree+0x4/0x2a0 <-security_cred_free+0x29/0x60\n"
		"          insmod-812   [001] d... 10.000001: tb_new: (alloc_netdev_mqs+0x0/0x3c0) size=0x940 name=\"eth%d\"\n"
		"          insmod-812   [001] d... 10.000002: tb_ret: (rtnl_create_link+0x10a/0x2c0 <- alloc_netdev_mqs) ret=0xffff88003a6b0000\n"
		"          insmod-812   [001] d... 10.000003: myev: a=1 b=two words c=3\n",
		&c, NULL);
	assert_non_null(strstr(out, "ftrace:function q=real ip=\"do_nanosleep\" parent_ip=\"hrtimer_nanosleep\"\n"));
	assert_non_null(strstr(out, "ftrace:function q=real ip=\"kfree\" parent_ip=\"security_cred_free+0x29/0x60\"\n"));
	assert_non_null(strstr(out, "kprobes:tb_new q=real __probe_ip=\"alloc_netdev_mqs+0x0/0x3c0\" size=\"0x940\" name=\"\\\"eth%d\\\"\"\n"));
	assert_non_null(strstr(out, "kprobes:tb_ret q=real __probe_ret_ip=\"rtnl_create_link+0x10a/0x2c0\" __probe_func=\"alloc_netdev_mqs\" ret=\"0xffff88003a6b0000\"\n"));
	assert_non_null(strstr(out, "unknown:myev q=real a=\"1\" b=\"two words\" c=\"3\"\n"));
	free(out);
}

static void test_ftrace_map_event(void **state)
{
	struct collect c = { 0 };
	struct tb_sink sink = { collect_event, collect_lost, &c };
	struct tb_decoder *d;
	static const char line[] = "  insmod-812   [001] d... 10.000003: myev: a=1";
	(void)state;

	c.f = open_memstream(&c.buf, &c.len);
	d = tb_decoder_new(TB_FMT_FTRACE_TEXT, "m.txt", &sink);
	assert_int_equal(tb_decoder_map_event(d, "myev", "tracebook"), 0);
	assert_int_equal(tb_decoder_line(d, line, strlen(line)), 0);
	assert_int_equal(tb_decoder_finish(d), 0);
	tb_decoder_free(d);
	fclose(c.f);
	assert_non_null(strstr(c.buf, " tracebook:myev q=real a=\"1\"\n"));
	free(c.buf);
}

/* A stack belongs to the preceding event of its CPU, even with other CPUs between. */
static void test_ftrace_stacks_interleaved(void **state)
{
	struct collect c = { 0 };
	struct tb_decode_stats st;
	char *out;
	(void)state;

	out = decode(TB_FMT_FTRACE_TEXT,
		"   a-1 [000] .... 1.000001: kmalloc: ptr=ffff880000000001 bytes_alloc=8\n"
		"   b-2 [001] .... 1.000002: kmalloc: ptr=ffff880000000002 bytes_alloc=8\n"
		"   a-1 [000] .... 1.000003: <stack trace>\n"
		" => frame_a1\n"
		" => frame_a2\n"
		"   b-2 [001] .... 1.000004: <stack trace>\n"
		" => frame_b1\n"
		"   b-2 [001] .... 1.000005: kfree: ptr=ffff880000000002\n"
		"CPU:1 [LOST 7 EVENTS]\n"
		"CPU:0 [LOST EVENTS]\n"
		" => orphan_frame\n",
		&c, &st);
	assert_string_equal(out,
		"1000001000 0 1 \"a\" kmem:kmalloc q=real ptr=\"ffff880000000001\"#18446612132314218497 bytes_alloc=\"8\"\n"
		"  => frame_a1\n"
		"  => frame_a2\n"
		"1000002000 1 2 \"b\" kmem:kmalloc q=real ptr=\"ffff880000000002\"#18446612132314218498 bytes_alloc=\"8\"\n"
		"  => frame_b1\n"
		"LOST 1 n\n"
		"LOST 0 ?\n"
		"1000005000 1 2 \"b\" kmem:kfree q=real ptr=\"ffff880000000002\"#18446612132314218498\n");
	assert_int_equal(c.lost, 7);
	assert_int_equal(c.lost_calls, 2);
	assert_int_equal(st.stacks, 2);
	assert_int_equal(st.lost_markers, 2);
	free(out);
}

static void test_malformed_and_stop(void **state)
{
	struct collect c = { 0 };
	struct tb_decode_stats st;
	char *out;
	(void)state;

	out = decode(TB_FMT_FTRACE_TEXT,
		"# tracer: nop\n"
		"complete garbage\n"
		"   a-1 [000] .... 1.000001: kfree: ptr=ffff880000000001\n"
		"   a-1 [000] .... 1.000002 no colon\n"
		"\n"
		"   a-1 [000] .... 1.000003: kfree: ptr=ffff880000000002\n"
		"more garbage\n"
		"and more\n",
		&c, &st);
	assert_int_equal(st.events, 2);
	assert_int_equal(st.malformed, 4);
	assert_int_equal(st.lines, 8);
	assert_string_equal(st.first_malformed[0], "t.txt:2: not a trace line: 'complete garbage'");
	assert_non_null(strstr(st.first_malformed[1], "t.txt:4: "));
	assert_non_null(strstr(st.first_malformed[2], "t.txt:7: "));
	free(out);

	/* the sink says stop: the decoder stops */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	out = decode(TB_FMT_FTRACE_TEXT,
		"   a-1 [000] .... 1.000001: kfree: ptr=ffff880000000001\n"
		"   a-1 [000] .... 1.000002: kfree: ptr=ffff880000000002\n"
		"   a-1 [000] .... 1.000003: kfree: ptr=ffff880000000003\n",
		&c, &st);
	assert_int_equal(c.events, 1);
	free(out);
}

static void test_kernel_log(void **state)
{
	struct collect c = { 0 };
	struct tb_decode_stats st;
	char *out;
	(void)state;

	out = decode(TB_FMT_KERNEL_LOG,
		"Nov 22 10:00:01 box1 kernel: [  300.000001] TRACE kmalloc-256 alloc 0x00000000a1b2c3d4 inuse=12 fp=0x00000000deadbeef\n"
		"Nov 22 10:00:01 box1 kernel: [  300.000002] CPU: 2 PID: 4242 Comm: my ip Not tainted 4.19.0 #1\n"
		"Nov 22 10:00:01 box1 kernel: [  300.000004] Call Trace:\n"
		"Nov 22 10:00:01 box1 kernel: [  300.000005]  dump_stack+0x66/0x90\n"
		"Nov 22 10:00:01 box1 kernel: [  300.000006]  alloc_debug_processing+0x119/0x190\n"
		"Nov 22 10:00:01 box1 kernel: [  300.000007]  ? alloc_netdev_mqs+0x5d/0x3c0\n"
		"Nov 22 10:00:01 box1 kernel: [  300.000008]  __kmalloc+0x1b4/0x200\n"
		"Nov 22 10:00:02 box1 systemd[1]: Started Session 42 of user root.\n"
		"Nov 22 10:00:01 box1 kernel: [  300.000009]  alloc_netdev_mqs+0x5d/0x3c0\n"
		"......\n"
		"Nov 22 10:00:01 box1 kernel: [  300.000010]  rtnl_newlink+0x5a8/0x8d0\n"
		"77:[  301.000000] ------------[ cut here ]------------\n"
		"78:[  301.000001] Call Trace:\n"
		"79:[  301.000002]  foreign_frame+0x1/0x2\n"
		"   80\t[  302.000001] TRACE kmalloc-256 free 0x00000000a1b2c3d4 inuse=11 fp=0x0000000000000000\n"
		"[  302.000002] Object 00000000a1b2c3d4: 6b 6b 6b 6b  kkkk\n"
		"[  302.000003] Call trace:\n"
		"[  302.000004]  [<ffffffff81781fba>] dump_stack+0x19/0x1b\n"
		"[  302.000005]  [<ffffffff811e7c12>] __slab_free+0x252/0x3a0\n"
		"[  302.000006]  [<ffffffff81123456>] free_netdev+0x22/0x30 [mod 0123abcd]\n"
		"[  303.000000] TRACE kmalloc-256 alloc 0x(____ptrval____) inuse=1 fp=0x0\n",
		&c, &st);
	assert_string_equal(out,
		"300000001000 2 4242 \"my ip\" slub:alloc q=hashed cache=\"kmalloc-256\" ptr=\"0x00000000a1b2c3d4\"#2712847316 "
		"inuse=\"12\"#12 fp=\"0x00000000deadbeef\" call_site=\"alloc_netdev_mqs+0x5d/0x3c0\"\n"
		"  => alloc_netdev_mqs+0x5d/0x3c0\n"
		"  => rtnl_newlink+0x5a8/0x8d0\n"
		"302000001000 -1 -1 \"\" slub:free q=hashed cache=\"kmalloc-256\" ptr=\"0x00000000a1b2c3d4\"#2712847316 "
		"inuse=\"11\"#11 fp=\"0x0000000000000000\" call_site=\"free_netdev+0x22/0x30 [mod]\"\n"
		"  => free_netdev+0x22/0x30 [mod]\n"
		"303000000000 -1 -1 \"\" slub:alloc q=hidden cache=\"kmalloc-256\" ptr=\"0x(____ptrval____)\" "
		"inuse=\"1\"#1 fp=\"0x0\"\n");
	assert_int_equal(st.events, 3);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.ptr_hidden, 1);
	assert_int_equal(st.ptr_hashed, 2);
	free(out);
}

/*
 * Two CPUs logging at once (seen on 3.10 under qemu): "TRACE A, TRACE B, trace of A,
 * trace of B", and a free whose trace comes after a later alloc's.  Each trace goes to
 * the oldest waiting record of its kind (alloc_debug_processing / free_debug_processing),
 * and the ones matched across a later record's line are counted as interleaved.
 */
static void test_kernel_log_interleaved(void **state)
{
	struct collect c = { 0 };
	struct tb_decode_stats st;
	char *out;
	(void)state;

	out = decode(TB_FMT_KERNEL_LOG,
		"[   52.000001] TRACE kmalloc-64 alloc 0xffff88001e691340 inuse=5 fp=0x0\n"
		"[   52.000002] TRACE kmalloc-64 alloc 0xffff88001e691380 inuse=6 fp=0x0\n"
		"[   52.000003] CPU: 1 PID: 10 Comm: forker Not tainted 3.10.0-1160.el7.x86_64 #1\n"
		"[   52.000004] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)\n"
		"[   52.000005] Call Trace:\n"
		"[   52.000006]  [<ffffffff81781fba>] dump_stack+0x19/0x1b\n"
		"[   52.000007]  [<ffffffff811e6f6e>] alloc_debug_processing+0x10e/0x170\n"
		"[   52.000008]  [<ffffffff811e8d3a>] ___slab_alloc+0x4aa/0x4f0\n"
		"[   52.000009]  [<ffffffff81089a10>] copy_process+0x1a0/0x1c00\n"
		"[   52.000010]  [<ffffffff8108b6a6>] SyS_clone+0x16/0x20\n"
		"[   52.000011] CPU: 0 PID: 20 Comm: planter Not tainted 3.10.0-1160.el7.x86_64 #1\n"
		"[   52.000012] Call Trace:\n"
		"[   52.000013]  [<ffffffff81781fba>] dump_stack+0x19/0x1b\n"
		"[   52.000014]  [<ffffffff811e6f6e>] alloc_debug_processing+0x10e/0x170\n"
		"[   52.000015]  [<ffffffff81219ac2>] eventfd_file_create.part.0+0x2e/0xc0\n"
		"[   52.000016]  [<ffffffff81219b43>] SyS_eventfd2+0x63/0x90\n"
		"[   53.000001] TRACE kmalloc-64 free 0xffff88001e6913c0 inuse=4 fp=0x0\n"
		"[   53.000002] Object ffff88001e6913c0: 6b 6b 6b 6b  kkkk\n"
		"[   53.000003] TRACE kmalloc-64 alloc 0xffff88001e691400 inuse=5 fp=0x0\n"
		"[   53.000004] CPU: 0 PID: 30 Comm: opener Not tainted 3.10.0-1160.el7.x86_64 #1\n"
		"[   53.000005] Call Trace:\n"
		"[   53.000006]  [<ffffffff81781fba>] dump_stack+0x19/0x1b\n"
		"[   53.000007]  [<ffffffff811e6f6e>] alloc_debug_processing+0x10e/0x170\n"
		"[   53.000008]  [<ffffffff81200000>] path_openat+0x10/0x500\n"
		"[   53.000009] CPU: 1 PID: 40 Comm: closer Not tainted 3.10.0-1160.el7.x86_64 #1\n"
		"[   53.000010] Call Trace:\n"
		"[   53.000011]  [<ffffffff81781fba>] dump_stack+0x19/0x1b\n"
		"[   53.000012]  [<ffffffff811e6a11>] free_debug_processing+0x1d1/0x270\n"
		"[   53.000013]  [<ffffffff81123456>] eventfd_release+0x22/0x30\n",
		&c, &st);
	assert_string_equal(out,
		"52000001000 1 10 \"forker\" slub:alloc q=real cache=\"kmalloc-64\" ptr=\"0xffff88001e691340\"#18446612132824421184 "
		"inuse=\"5\"#5 fp=\"0x0\" call_site=\"copy_process+0x1a0/0x1c00\"\n"
		"  => copy_process+0x1a0/0x1c00\n"
		"  => SyS_clone+0x16/0x20\n"
		"52000002000 0 20 \"planter\" slub:alloc q=real cache=\"kmalloc-64\" ptr=\"0xffff88001e691380\"#18446612132824421248 "
		"inuse=\"6\"#6 fp=\"0x0\" call_site=\"eventfd_file_create.part.0+0x2e/0xc0\"\n"
		"  => eventfd_file_create.part.0+0x2e/0xc0\n"
		"  => SyS_eventfd2+0x63/0x90\n"
		"53000001000 1 40 \"closer\" slub:free q=real cache=\"kmalloc-64\" ptr=\"0xffff88001e6913c0\"#18446612132824421312 "
		"inuse=\"4\"#4 fp=\"0x0\" call_site=\"eventfd_release+0x22/0x30\"\n"
		"  => eventfd_release+0x22/0x30\n"
		"53000003000 0 30 \"opener\" slub:alloc q=real cache=\"kmalloc-64\" ptr=\"0xffff88001e691400\"#18446612132824421376 "
		"inuse=\"5\"#5 fp=\"0x0\" call_site=\"path_openat+0x10/0x500\"\n"
		"  => path_openat+0x10/0x500\n");
	assert_int_equal(st.events, 4);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.interleaved, 2);
	free(out);
}

static void test_kernel_log_kmsg_and_bad(void **state)
{
	struct collect c = { 0 };
	struct tb_decode_stats st;
	char *out;
	(void)state;

	out = decode(TB_FMT_KERNEL_LOG,
		"6,1201,123456789,-;TRACE kmalloc-64 alloc 0xffff88001e691340 inuse=64 fp=0x          (null)\n"
		" SUBSYSTEM=module\n"
		"6,1202,123456800,-;TRACE kmalloc-64 alloc 0xffff88001e69\n"
		"6,1203,123456900,-;TRACE kmalloc-64 free 0xffff88001e691340 inuse=63 fp=0xffff88001e667b00\n"
		"[Sun Nov 22 10:00:01 2026] TRACE kmalloc-64 free 0xffff88001e691340 inuse=62 fp=0x0\n",
		&c, &st);
	assert_string_equal(out,
		"123456789000 -1 -1 \"\" slub:alloc q=real cache=\"kmalloc-64\" ptr=\"0xffff88001e691340\"#18446612132824421184 "
		"inuse=\"64\"#64 fp=\"0x          (null)\"\n"
		"123456900000 -1 -1 \"\" slub:free q=real cache=\"kmalloc-64\" ptr=\"0xffff88001e691340\"#18446612132824421184 "
		"inuse=\"63\"#63 fp=\"0xffff88001e667b00\"\n"
		"0 -1 -1 \"\" slub:free q=real cache=\"kmalloc-64\" ptr=\"0xffff88001e691340\"#18446612132824421184 "
		"inuse=\"62\"#62 fp=\"0x0\"\n");
	assert_int_equal(st.malformed, 1);
	assert_non_null(strstr(st.first_malformed[0], "t.txt:3: SLUB TRACE record"));
	assert_non_null(strstr(st.first_malformed[0], "'TRACE kmalloc-64 alloc 0xffff88001e69'"));
	free(out);
}

static void test_tracecmd_report(void **state)
{
	struct collect c = { 0 };
	char *out;
	(void)state;

	out = decode(TB_FMT_TRACECMD_REPORT,
		"cpus=2\n"
		"tbdecode:             bash-17567 [000]   976.230612: kmalloc:              (eventfs_set_attr+0x10d) call_site=eventfs_set_attr+0x10d ptr=0xffff888109dd4380 bytes_req=60 bytes_alloc=64\n"
		"            bash-1234  [000]  5000.000002: kernel_stack:         <stack trace >\n"
		"=> __kmalloc (ffffffff81234567)\n"
		"=> leaky_init (ffffffffa0012345)\n"
		"            bash-1234  [000]  5000.000004: function:             do_nanosleep <-- hrtimer_nanosleep\n"
		"            bash-1234  [000]  5000.000005: kfree:                call_site=x ptr=(nil)\n",
		&c, NULL);
	assert_string_equal(out,
		"976230612000 0 17567 \"bash\" kmem:kmalloc q=real call_site=\"eventfs_set_attr+0x10d\" "
		"ptr=\"0xffff888109dd4380\"#18446612686530495360 bytes_req=\"60\" bytes_alloc=\"64\"\n"
		"  => __kmalloc\n"
		"  => leaky_init\n"
		"5000000004000 0 1234 \"bash\" ftrace:function q=real ip=\"do_nanosleep\" parent_ip=\"hrtimer_nanosleep\"\n"
		"5000000005000 0 1234 \"bash\" kmem:kfree q=real call_site=\"x\" ptr=\"(nil)\"#0\n");
	free(out);
}

static void test_long_and_odd_lines(void **state)
{
	struct collect c = { 0 };
	struct tb_decode_stats st;
	size_t n = 100000;
	char *big = malloc(n + 1024), *out;
	(void)state;

	/* a very long value, 30 fields (more than an event holds), then a normal line */
	strcpy(big, "   a-1 [000] .... 1.000001: myev: v=");
	memset(big + strlen(big), 'x', n);
	big[strlen("   a-1 [000] .... 1.000001: myev: v=") + n] = '\0';
	strcat(big, " a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 n=14 o=15 p=16 q=17 "
		    "r=18 s=19 t=20 u=21 v2=22 w=23 x=24 y=25 z=26\n"
		    "   a-1 [000] .... 1.000002: kfree: ptr=ffff880000000001\n");
	out = decode(TB_FMT_FTRACE_TEXT, big, &c, &st);
	assert_int_equal(st.events, 2);
	/* the value is whole; the event is full at TB_EV_MAX_FIELDS (24), no overflow */
	assert_non_null(strstr(out, "xxxxxxxxxx\" a=\"1\""));
	assert_non_null(strstr(out, " w=\"23\"\n"));
	assert_non_null(strstr(out, "kmem:kfree q=real ptr=\"ffff880000000001\"#18446612132314218497\n"));
	free(out);
	free(big);
}

static int teardown(void **state)
{
	(void)state;
	tb_intern_reset();
	return 0;
}

/* Every format in the files matching pattern passes the trace.dat format check. */
static unsigned formats_ok(const char *pattern)
{
	glob_t g;
	size_t i;
	unsigned n = 0;

	if (glob(pattern, 0, NULL, &g))
		return 0;
	for (i = 0; i < g.gl_pathc; i++) {
		struct strbuf sb = STRBUF_INIT;

		if (tb_read_file(g.gl_pathv[i], &sb) == 0 && sb.len) {
			if (!tb_tracedat_format_ok(sb.buf, sb.len))
				fail_msg("a real format refused: %s", g.gl_pathv[i]);
			n++;
		}
		strbuf_release(&sb);
	}
	globfree(&g);
	return n;
}

/*
 * trace.dat event formats are checked for the kernel's shape before libtraceevent
 * parses them (it crashes on some damaged ones): real formats of 3.10 and 6.x, and of
 * this machine's kernel when its tracefs is readable, pass; damaged ones do not.
 */
static void test_tracedat_format_check(void **state)
{
	static const char good[] =
		"name: kfree\nID: 7\nformat:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\n"
		"\tfield:unsigned long call_site;\toffset:8;\tsize:8;\tsigned:0;\n"
		"\tfield:char comm[16];\toffset:16;\tsize:16;\tsigned:1;\n"
		"\tfield:__data_loc char[] name;\toffset:32;\tsize:4;\tsigned:1;\n"
		"\tfield:u8 key[13 + 1];\toffset:36;\tsize:14;\tsigned:0;\n\n"
		"print fmt: \"call_site=%pS\", (void *)REC->call_site\n";
	static const char *const bad[] = {
		"name: x\nID: 1\nformat:\n\tfield:unsigned long args[\x17];\toffset:24;\tsize:0;\tsigned:0;\n",
		"name: x\nID: one\nformat:\n",
		"ID: 1\nname: x\nformat:\n",
		"name: x\nID: 1\nformat:\n\tfield:int a;\toffset:0;\tsize:4;\tsigned:0;\ngarbage\n",
		"name: x\nID: 1\nformat:\n\tfield:int a;\toffset:0x;\tsize:4;\tsigned:0;\n",
		"name: x\nID: 1\nformat:\n\tfield:int a[1;\toffset:0;\tsize:4;\tsigned:0;\n",
		"name: x\nID: 1\n",
	};
	size_t i;

	(void)state;
	assert_true(tb_tracedat_format_ok(good, sizeof(good) - 1));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (tb_tracedat_format_ok(bad[i], strlen(bad[i])))
			fail_msg("a damaged format passed: %s", bad[i]);
	assert_true(formats_ok("tests/fake/formats/*/*.format") == 9);
	/* this machine's kernel, where its tracefs is readable: every one of its formats */
	printf("%u formats of this kernel checked\n", formats_ok("/sys/kernel/tracing/events/*/*/format"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_ftrace_eras),
		cmocka_unit_test(test_ftrace_function_kprobe),
		cmocka_unit_test(test_ftrace_map_event),
		cmocka_unit_test(test_ftrace_stacks_interleaved),
		cmocka_unit_test(test_malformed_and_stop),
		cmocka_unit_test(test_kernel_log),
		cmocka_unit_test(test_kernel_log_interleaved),
		cmocka_unit_test(test_kernel_log_kmsg_and_bad),
		cmocka_unit_test(test_tracecmd_report),
		cmocka_unit_test(test_long_and_odd_lines),
		cmocka_unit_test(test_tracedat_format_check),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
