/*
 * test_caps.c - kernel/caps.c and kernel/tracefs.c against the fake kernel roots that
 * tests/fake/mktree.sh builds for each era (3.10 CentOS 7, 4.19 arm64, 5.10, 6.x), plus
 * the README/format parsers on real kernel text (tests/fake/formats: the CentOS 7 kmalloc
 * format fixture and this machine's 6.18 files).
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
#include <tracefs.h>
#include "kernel/caps.h"
#include "kernel/format.h"
#include "kernel/tracefs.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

static char top[4096];	/* a temporary directory holding one tree per era */

static int mktree(const char *env, const char *era, const char *name)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "%s bash tests/fake/mktree.sh %s %s/%s", env, era, top, name);
	return system(cmd);
}

static int setup(void **state)
{
	snprintf(top, sizeof(top), "/tmp/tb-test-caps.XXXXXX");
	if (!mkdtemp(top))
		return -1;
	if (mktree("", "3.10", "3.10") || mktree("", "4.19", "4.19") ||
	    mktree("", "5.10", "5.10") || mktree("", "6.x", "6.x") ||
	    mktree("FAKE_KPROBES=0", "6.x", "6.x-nokprobes") ||
	    mktree("FAKE_BUSY=1", "6.x", "6.x-busy") || mktree("FAKE_BUSY=1", "3.10", "3.10-busy") ||
	    mktree("", "6.x", "6.x-broken"))
		return -1;
	{
		char empty[4200];

		snprintf(empty, sizeof(empty), "%s/empty", top);
		if (mkdir(empty, 0755))
			return -1;
	}
	tb_quiet = 1;
	return 0;
}

static int teardown(void **state)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	return system(cmd);
}

/* Probe the tree called name as TRACEBOOK_ROOT. */
static int probe(struct tb_caps *c, const char *name)
{
	char root[4200];

	snprintf(root, sizeof(root), "%s/%s", top, name);
	setenv("TRACEBOOK_ROOT", root, 1);
	unsetenv("TRACEBOOK_TRACEFS");
	return tb_caps_probe(c, 0);
}

static const struct tb_kmem_event *kmem(const struct tb_caps *c, const char *name)
{
	const struct tb_kmem_event *e = tb_caps_kmem(c, name);

	assert_non_null(e);
	return e;
}

static void test_era_310(void **state)
{
	struct tb_caps c;

	assert_int_equal(probe(&c, "3.10"), 0);
	assert_string_equal(c.release, "3.10.0-1160.el7.x86_64");
	assert_string_equal(c.machine, "x86_64");
	assert_int_equal(c.kver, TB_KVER(3, 10, 0));
	assert_int_equal(c.fstype, TB_FS_DEBUGFS);
	assert_non_null(strstr(c.tracefs, "/sys/kernel/debug/tracing"));
	/* found in the fake tree's mountinfo, handed to libtracefs (debugfs layout) */
	assert_string_equal(tracefs_tracing_dir(), c.tracefs);
	assert_int_equal(c.ncpus, 2);
	assert_int_equal(c.function, TB_PRESENT);
	assert_int_equal(c.func_stack_trace_file, 0);	/* only while tracer=function */
	assert_int_equal(c.kprobes, TB_PRESENT);
	assert_int_equal(c.kprobe_readme_section, 0);
	assert_int_equal(c.kprobe_argn, 0);
	assert_int_equal(c.kprobe_x64, 0);
	assert_int_equal(c.kprobe_comm, 0);
	assert_int_equal(c.kprobe_string, 1);
	assert_int_equal(c.kprobe_blacklist, 0);
	assert_int_equal(c.triggers, 0);
	assert_int_equal(c.hist, 0);
	assert_int_equal(c.dynamic_events, 0);
	assert_int_equal(c.error_log, 0);
	assert_int_equal(c.opt_stacktrace, 1);
	assert_int_equal(c.opt_stacktrace_on, 0);
	assert_int_equal(c.opt_hash_ptr, 0);
	assert_int_equal(c.instances, 1);
	assert_int_equal(c.instance_options, 0);
	assert_int_equal(c.instances_inferred, 1);
	assert_int_equal(c.buffer_kb, 7);
	assert_int_equal(c.buffer_expanded, 0);
	assert_int_equal(c.buffer_kb_expanded, 1408);
	assert_int_equal(c.slab_sysfs, 1);
	assert_int_equal(c.slub_trace, TB_PRESENT);
	assert_int_equal(c.slub_trace_mode, 0600);
	assert_int_equal(c.slab_aliases, 5);
	assert_int_equal(c.slab_merged, 2);
	assert_int_equal(kmem(&c, "kmalloc")->call_site, TB_PRINT_HEX);
	assert_int_equal(kmem(&c, "kmalloc")->ptr, TB_PRINT_PTR);
	assert_int_equal(kmem(&c, "kfree")->call_site, TB_PRINT_HEX);
	assert_int_equal(kmem(&c, "mm_page_alloc")->has_pfn_field, 0);
	assert_int_equal(kmem(&c, "kmem_cache_alloc")->has_name_field, 0);
	assert_int_equal(kmem(&c, "kmalloc_node")->call_site, TB_PRINT_HEX);	/* until 6.1 */
	assert_string_equal(c.current_tracer, "nop");
	assert_int_equal(c.events_enabled.n, 0);
	assert_int_equal(c.ftrace_filter_set, 0);	/* "#### all functions enabled ####" */
	assert_int_equal(c.unreadable.n, 0);
	tb_caps_free(&c);
}

static void test_era_419(void **state)
{
	struct tb_caps c;

	assert_int_equal(probe(&c, "4.19"), 0);
	assert_string_equal(c.machine, "aarch64");
	assert_int_equal(c.kver, TB_KVER(4, 19, 1));
	assert_int_equal(c.fstype, TB_FS_TRACEFS);
	assert_non_null(strstr(c.tracefs, "/sys/kernel/tracing"));
	assert_int_equal(c.triggers, 1);
	assert_int_equal(c.hist, 0);
	assert_int_equal(c.dynamic_events, 0);
	assert_int_equal(c.error_log, 0);
	assert_int_equal(c.kprobes, TB_PRESENT);
	assert_int_equal(c.kprobe_readme_section, 1);
	assert_int_equal(c.kprobe_argn, 0);
	assert_int_equal(c.kprobe_x64, 1);
	assert_int_equal(c.kprobe_comm, 1);
	assert_int_equal(c.kprobe_string, 1);
	assert_int_equal(c.kprobe_maxactive, 1);
	assert_int_equal(c.kprobe_multiprobe, 0);
	assert_int_equal(c.kprobe_return_suffix, 0);
	assert_int_equal(c.kprobe_blacklist, 1);
	assert_int_equal(c.opt_hash_ptr, 0);
	assert_int_equal(c.func_stack_trace_file, 1);
	assert_int_equal(c.instance_options, 1);
	assert_int_equal(c.slub_trace, TB_PRESENT);
	assert_int_equal(c.slub_trace_mode, 0600);
	assert_int_equal(kmem(&c, "kmalloc")->call_site, TB_PRINT_HEX);
	assert_int_equal(kmem(&c, "kmalloc")->ptr, TB_PRINT_PTR_HASHED);	/* 4.15+: hashed */
	assert_int_equal(kmem(&c, "mm_page_free")->has_pfn_field, 1);
	tb_caps_free(&c);
}

static void test_era_510(void **state)
{
	struct tb_caps c;

	assert_int_equal(probe(&c, "5.10"), 0);
	assert_int_equal(c.dynamic_events, 1);
	assert_int_equal(c.error_log, 1);
	assert_int_equal(c.kprobe_argn, 1);
	assert_int_equal(c.opt_hash_ptr, 0);
	assert_int_equal(c.slub_trace, TB_READONLY);
	assert_int_equal(kmem(&c, "kmalloc")->call_site, TB_PRINT_SYM);
	assert_int_equal(kmem(&c, "kmalloc")->ptr, TB_PRINT_PTR_HASHED);	/* no opt-out */
	tb_caps_free(&c);
}

static void test_era_6x(void **state)
{
	struct tb_caps c;

	assert_int_equal(probe(&c, "6.x"), 0);
	assert_int_equal(c.kver, TB_KVER(6, 18, 2));
	assert_int_equal(c.fstype, TB_FS_TRACEFS);
	assert_int_equal(c.opt_hash_ptr, 1);
	assert_int_equal(c.opt_hash_ptr_on, 1);
	assert_int_equal(c.error_log, 1);
	assert_int_equal(c.dynamic_events, 1);
	assert_int_equal(c.triggers, 1);
	assert_int_equal(c.hist, 1);
	assert_int_equal(c.kprobes, TB_PRESENT);
	assert_int_equal(c.kprobe_argn, 1);
	assert_int_equal(c.kprobe_multiprobe, 1);
	assert_int_equal(c.kprobe_return_suffix, 1);
	assert_int_equal(c.slub_trace, TB_READONLY);
	assert_int_equal(c.slub_trace_mode, 0400);
	assert_int_equal(kmem(&c, "kmem_cache_alloc")->has_name_field, 1);
	assert_null(tb_caps_kmem(&c, "kmalloc_node"));	/* folded into kmalloc in 6.1 */
	assert_int_equal(kmem(&c, "kmalloc")->has_name_field, 0);
	assert_int_equal(kmem(&c, "kmalloc")->call_site, TB_PRINT_SYM);
	assert_int_equal(kmem(&c, "kmalloc")->ptr, TB_PRINT_PTR_HASHED);
	assert_int_equal(kmem(&c, "mm_page_alloc")->has_pfn_field, 1);
	assert_int_equal(c.ftrace_filter_set, 0);
	tb_caps_free(&c);
}

/* Like this machine: no kprobe_events, yet the README mentions $arg<N> (uprobes). */
static void test_6x_no_kprobes(void **state)
{
	struct tb_caps c;
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(probe(&c, "6.x-nokprobes"), 0);
	assert_int_equal(tb_tracefs_read("README", &sb), 0);
	assert_non_null(strstr(sb.buf, "$arg<N>"));	/* the trap is really there */
	assert_int_equal(c.kprobes, TB_ABSENT);
	assert_int_equal(c.kprobe_argn, 0);
	assert_int_equal(c.kprobe_x64, 0);
	strbuf_release(&sb);
	tb_caps_free(&c);
}

/* The real README of this 6.18 kernel (no kprobes): no kprobe section at all. */
static void test_readme_real_618(void **state)
{
	struct tb_caps c;
	struct strbuf sb = STRBUF_INIT;

	memset(&c, 0, sizeof(c));
	assert_int_equal(tb_read_file("tests/fake/formats/6.x/README-6.18-no-kprobes.txt", &sb), 0);
	assert_non_null(strstr(sb.buf, "$arg<N>"));
	tb_caps_parse_readme(&c, sb.buf);
	assert_int_equal(c.kprobe_readme_section, 0);
	assert_int_equal(c.kprobe_argn, 0);
	assert_int_equal(c.kprobe_comm, 0);
	strbuf_release(&sb);
}

/* The real CentOS 7 kmalloc format, and hash-ptr on/off on a 6.x format. */
static void test_format_parsing(void **state)
{
	struct tb_caps c;
	struct tb_kmem_event ev;
	struct strbuf sb = STRBUF_INIT;

	memset(&c, 0, sizeof(c));
	c.kver = TB_KVER(3, 10, 0);
	assert_int_equal(tb_read_file("tests/fake/formats/3.10/kmalloc.format", &sb), 0);
	memset(&ev, 0, sizeof(ev));
	tb_caps_parse_format(&c, &ev, sb.buf);
	assert_int_equal(ev.call_site, TB_PRINT_HEX);
	assert_int_equal(ev.ptr, TB_PRINT_PTR);
	assert_int_equal(ev.has_bytes_alloc, 1);
	assert_int_equal(ev.has_name_field, 0);
	strbuf_reset(&sb);

	c.kver = TB_KVER(6, 18, 0);
	c.opt_hash_ptr = 1;
	c.opt_hash_ptr_on = 0;
	assert_int_equal(tb_read_file("tests/fake/formats/6.x/kmem_cache_alloc.format", &sb), 0);
	memset(&ev, 0, sizeof(ev));
	tb_caps_parse_format(&c, &ev, sb.buf);
	assert_int_equal(ev.call_site, TB_PRINT_SYM);
	assert_int_equal(ev.ptr, TB_PRINT_PTR);	/* hash-ptr=0: %p prints real */
	assert_int_equal(ev.has_name_field, 1);
	c.opt_hash_ptr_on = 1;
	tb_caps_parse_format(&c, &ev, sb.buf);
	assert_int_equal(ev.ptr, TB_PRINT_PTR_HASHED);
	strbuf_release(&sb);
}

static void test_busy(void **state)
{
	struct tb_caps c;

	assert_int_equal(probe(&c, "6.x-busy"), 0);
	assert_string_equal(c.current_tracer, "function");
	assert_true(strlist_has(&c.events_enabled, "kmem:kmalloc"));
	assert_int_equal(c.kprobes_defined, 1);
	assert_int_equal(c.ftrace_filter_set, 1);
	assert_int_equal(c.opt_stacktrace_on, 1);
	assert_true(strlist_has(&c.instances_present, "other"));
	assert_int_equal(c.instance_options, 1);
	assert_int_equal(c.instances_inferred, 0);
	tb_caps_free(&c);

	/* 3.10: the existing instance shows it has no options/ of its own */
	assert_int_equal(probe(&c, "3.10-busy"), 0);
	assert_int_equal(c.instances_inferred, 0);
	assert_int_equal(c.instance_options, 0);
	assert_int_equal(c.instance_tracer, 1);	/* CentOS 7 backport */
	assert_int_equal(c.ftrace_filter_set, 1);
	tb_caps_free(&c);
}

static void test_no_tracing(void **state)
{
	struct tb_caps c;

	assert_int_equal(probe(&c, "empty"), -TB_EXIT_NOTRACING);
	tb_caps_free(&c);
	assert_int_equal(probe(&c, "does-not-exist"), -TB_EXIT_NOTRACING);
	tb_caps_free(&c);
}

/* A control file that exists but cannot be read is reported, not fatal. */
static void test_unreadable(void **state)
{
	struct tb_caps c;
	char p[4300];

	snprintf(p, sizeof(p), "%s/6.x-broken/sys/kernel/tracing/buffer_size_kb", top);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0755), 0);	/* read() gives EISDIR */
	assert_int_equal(probe(&c, "6.x-broken"), 0);
	assert_int_equal(c.unreadable.n, 1);
	assert_non_null(strstr(c.unreadable.v[0], "buffer_size_kb"));
	tb_caps_free(&c);
}

/* TRACEBOOK_TRACEFS: an explicit tracing directory, and the path helpers. */
static void test_tracefs_override(void **state)
{
	struct tb_tracefs_loc loc;
	char dir[4300], p[4400], line[64];

	snprintf(dir, sizeof(dir), "%s/4.19/sys/kernel/tracing", top);
	unsetenv("TRACEBOOK_ROOT");
	setenv("TRACEBOOK_TRACEFS", dir, 1);
	assert_int_equal(tb_tracefs_find(&loc, 0), 0);
	assert_string_equal(loc.dir, dir);
	assert_int_equal(loc.mounted_now, 0);
	assert_string_equal(tb_tracefs_dir(), dir);
	/* libtracefs was pointed there too: its calls never look at the real root */
	assert_string_equal(tracefs_tracing_dir(), dir);
	assert_int_equal(tb_tracefs_path(p, sizeof(p), "events/kmem/kmalloc/format"), 0);
	assert_true(tb_exists(p));
	assert_int_equal(tb_tracefs_read_line("current_tracer", line, sizeof(line)), 0);
	assert_string_equal(line, "nop");
	assert_true(tb_tracefs_exists("events/kmem/kmalloc/trigger"));
	assert_false(tb_tracefs_exists("error_log"));
	assert_int_equal(tb_tracefs_can_open("no_such_file"), -2 /* -ENOENT */);

	setenv("TRACEBOOK_TRACEFS", top, 1);	/* no trace file there */
	assert_int_equal(tb_tracefs_find(&loc, 0), -TB_EXIT_NOTRACING);
	unsetenv("TRACEBOOK_TRACEFS");

	setenv("TRACEBOOK_ROOT", "/x/", 1);
	assert_int_equal(tb_root_path(p, sizeof(p), "/proc/meminfo"), 0);
	assert_string_equal(p, "/x/proc/meminfo");
	unsetenv("TRACEBOOK_ROOT");
}

/*
 * tb_format_parse, the one parser of format files (caps and the planner's filter
 * checks): names, types, sizes, signs and string-ness of each field form, and the
 * print fmt string.
 */
static void test_format_parse(void **state)
{
	static const char text[] =
		"name: kmem_cache_alloc\nID: 500\nformat:\n"
		"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
		"\tfield:unsigned long call_site;\toffset:8;\tsize:8;\tsigned:0;\n"
		"\tfield:char comm[16];\toffset:16;\tsize:16;\tsigned:0;\n"
		"\tfield:__data_loc char[] name;\toffset:32;\tsize:4;\tsigned:0;\n"
		"\tfield:const char * str;\toffset:40;\tsize:8;\tsigned:0;\n"
		"\tfield:unsigned long ips[8];\toffset:48;\tsize:64;\tsigned:0;\n"
		"\nprint fmt: \"call_site=%pS name=%s\", (void *)REC->call_site, __get_str(name)\n";
	const struct tb_fmt_field *x;
	struct tb_format f;

	(void)state;
	assert_int_equal(tb_format_parse(text, &f), 0);
	assert_int_equal(f.n, 7);
	assert_string_equal(f.print_fmt, "call_site=%pS name=%s");
	x = tb_format_field(&f, "common_pid");
	assert_non_null(x);
	assert_string_equal(x->type, "int");
	assert_int_equal(x->size, 4);
	assert_int_equal(x->is_signed, 1);
	assert_int_equal(x->is_string, 0);
	x = tb_format_field(&f, "call_site");
	assert_non_null(x);
	assert_string_equal(x->type, "unsigned long");
	assert_int_equal(x->size, 8);
	assert_int_equal(x->is_signed, 0);
	x = tb_format_field(&f, "comm");
	assert_non_null(x);
	assert_string_equal(x->type, "char");
	assert_int_equal(x->is_string, 1);
	x = tb_format_field(&f, "name");
	assert_non_null(x);
	assert_string_equal(x->type, "__data_loc char[]");
	assert_int_equal(x->is_string, 1);
	x = tb_format_field(&f, "str");
	assert_non_null(x);
	assert_int_equal(x->is_string, 1);
	x = tb_format_field(&f, "ips");
	assert_non_null(x);
	assert_int_equal(x->is_string, 0);	/* an array, not of char */
	assert_null(tb_format_field(&f, "ptr"));
	tb_format_release(&f);
	assert_int_equal(tb_format_parse("no fields here", &f), 0);
	assert_int_equal(f.n, 0);
	assert_string_equal(f.print_fmt, "");
	tb_format_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_era_310),
		cmocka_unit_test(test_era_419),
		cmocka_unit_test(test_era_510),
		cmocka_unit_test(test_era_6x),
		cmocka_unit_test(test_6x_no_kprobes),
		cmocka_unit_test(test_readme_real_618),
		cmocka_unit_test(test_format_parsing),
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_no_tracing),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_tracefs_override),
		cmocka_unit_test(test_format_parse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
