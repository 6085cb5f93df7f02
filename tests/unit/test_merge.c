/*
 * test_merge.c - `tracebook merge` (report/merge.c): groups matched across hosts whose
 * KASLR offsets differ (raw address frames are "?", symbols match), offsets dropped
 * when kernels differ, another recipe kept out and named, failed hosts from the
 * playbook's status.json with exit code and message, the newer per-group "verdict" and
 * "rate_per_hour" read when present, a host given twice refused, and the JSON output.
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
#include <json-c/json.h>
#include "report/merge.h"
#include "util/err.h"

static char tmpdir[64];

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tb-test-merge.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* tmpdir/HOST/NAME with the text; returns the directory (static buffer per slot). */
static const char *put(int slot, const char *host, const char *name, const char *text)
{
	static char dirs[8][256];
	char path[512];
	FILE *f;

	snprintf(dirs[slot], sizeof(dirs[slot]), "%s/%s", tmpdir, host);
	mkdir(dirs[slot], 0755);
	snprintf(path, sizeof(path), "%s/%s", dirs[slot], name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return dirs[slot];
}

/* A report: one slab group at site with a 2-frame stack (frame0 may be an address). */
static char *report(const char *release, const char *recipe, const char *site,
		    const char *frame0, unsigned count, const char *extra)
{
	static char buf[8][1024];
	static int n;
	char *b = buf[n++ % 8];

	snprintf(b, sizeof(buf[0]),
		 "{\"tool\":\"tracebook\",\"version\":\"0.1.0\",\"kernel\":{\"release\":\"%s\","
		 "\"arch\":\"x86_64\"},\"recipe\":\"%s\",\"events\":10,\"lost_events\":0,"
		 "\"pairs\":[{\"label\":\"slab\",\"alloc\":\"kmem:kmalloc\",\"free\":\"kmem:kfree\","
		 "\"outstanding\":[{\"site\":\"%s\",\"stack\":[\"%s\",\"do_syscall_64+0x5b/0x1a0\"],"
		 "\"count\":%u,\"bytes\":%u%s}]}]}\n",
		 release, recipe, site, frame0, count, count * 8, extra);
	return b;
}

static const struct tb_mhost *host(const struct tb_merge *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nhosts; i++)
		if (!strcmp(m->hosts[i].name, name))
			return &m->hosts[i];
	fail_msg("no host %s", name);
	return NULL;
}

/* Same kernel, other KASLR offsets: frames that are addresses differ, symbols match. */
static void test_kaslr(void **state)
{
	char *args[2];
	struct tb_merge *m;
	int err;

	args[0] = (char *)put(0, "box-a", "report.json",
			      report("6.1.0-13-amd64", "slab-leak", "leaky_init+0x45/0x100 [leaky]",
				     "0xffffffffc0a12345", 3, ""));
	args[1] = (char *)put(1, "box-b", "report.json",
			      report("6.1.0-13-amd64", "slab-leak", "leaky_init+0x45/0x100 [leaky]",
				     "0xffffffffc0f52345", 4, ""));
	m = tb_merge_load(args, 2, &err);
	assert_non_null(m);
	assert_int_equal(m->ngroups, 1);
	assert_int_equal(m->by_function, 0);
	assert_string_equal(m->groups[0].site, "leaky_init+0x45/0x100 [leaky]");
	assert_string_equal(m->groups[0].stack[0], "?");
	assert_string_equal(m->groups[0].stack[1], "do_syscall_64+0x5b/0x1a0");
	assert_int_equal(m->groups[0].ncells, 2);
	assert_int_equal(m->groups[0].count, 7);
	assert_int_equal(m->groups[0].bytes, 56);
	assert_string_equal(m->hosts[m->groups[0].cells[0].host].name, "box-a");
	assert_int_equal(m->groups[0].cells[0].count, 3);
	assert_int_equal(m->groups[0].cells[1].count, 4);
	assert_string_equal(m->recipe, "slab-leak");
	tb_merge_free(m);
}

/* Different kernels: offsets are not comparable, function names are. */
static void test_kernels_differ(void **state)
{
	char *args[2];
	struct tb_merge *m;
	int err;

	args[0] = (char *)put(0, "k1", "report.json",
			      report("6.1.0-13-amd64", "slab-leak", "leaky_init+0x45/0x100 [leaky]",
				     "kmalloc_trace+0x26/0x90", 1, ""));
	args[1] = (char *)put(1, "k2", "report.json",
			      report("6.1.0-18-amd64", "slab-leak", "leaky_init+0x49/0x104 [leaky]",
				     "kmalloc_trace+0x2a/0x94", 2, ""));
	m = tb_merge_load(args, 2, &err);
	assert_non_null(m);
	assert_int_equal(m->by_function, 1);
	assert_int_equal(m->kernels.n, 2);
	assert_int_equal(m->ngroups, 1);
	assert_string_equal(m->groups[0].site, "leaky_init [leaky]");
	assert_string_equal(m->groups[0].stack[0], "kmalloc_trace");
	assert_int_equal(m->groups[0].ncells, 2);
	/* each host's own site is kept for the per-host rows */
	assert_string_equal(m->groups[0].cells[1].site, "leaky_init+0x49/0x104 [leaky]");
	assert_int_equal(m->notes.n, 1);
	assert_non_null(strstr(m->notes.v[0], "kernels differ"));
	tb_merge_free(m);
}

/* Another recipe is not merged; a failed host comes from its status.json. */
static void test_not_merged_and_failed(void **state)
{
	char *args[4];
	const struct tb_mhost *h;
	struct tb_merge *m;
	int err;

	args[0] = (char *)put(0, "a", "report.json",
			      report("6.1.0", "slab-leak", "f+0x1/0x2", "g+0x1/0x2", 2, ""));
	args[1] = (char *)put(1, "b", "report.json",
			      report("6.1.0", "slab-leak", "f+0x1/0x2", "g+0x1/0x2", 5, ""));
	args[2] = (char *)put(2, "c", "report.json",
			      report("6.1.0", "kernfs-leak", "f+0x1/0x2", "g+0x1/0x2", 9, ""));
	args[3] = (char *)put(3, "d", "status.json",
			      "{\"host\":\"d.example\",\"status\":\"failed\",\"stage\":\"run\","
			      "\"exit_code\":7,\"message\":\"tracebook: error: someone else is using "
			      "tracing on this kernel:\"}");
	put(0, "a", "status.json", "{\"host\":\"a\",\"status\":\"ok\",\"stage\":\"fetch\","
	    "\"probe\":\"6.1.0 x86_64, tracefs at /sys/kernel/tracing\"}");
	m = tb_merge_load(args, 4, &err);
	assert_non_null(m);
	assert_string_equal(m->recipe, "slab-leak");
	h = host(m, "c");
	assert_string_equal(h->state, "not merged");
	assert_non_null(strstr(h->why, "recipe kernfs-leak"));
	h = host(m, "d.example");
	assert_string_equal(h->state, "failed");
	assert_int_equal(h->exit_code, 7);
	assert_string_equal(h->stage, "run");
	assert_non_null(strstr(h->why, "someone else"));
	assert_string_equal(host(m, "a")->probe, "6.1.0 x86_64, tracefs at /sys/kernel/tracing");
	assert_int_equal(m->ngroups, 1);
	assert_int_equal(m->groups[0].ncells, 2);
	assert_int_equal(m->groups[0].count, 7);	/* c's 9 are not in it */
	tb_merge_free(m);
}

/* The per-group "verdict" and "rate_per_hour" of newer reports; JSON output. */
static void test_verdict_rate_json(void **state)
{
	char *args[1], path[256];
	struct tb_merge *m;
	json_object *o, *g, *c, *v;
	int err;

	args[0] = (char *)put(0, "v", "report.json",
			      report("6.1.0", "slab-leak", "f+0x1/0x2", "g+0x1/0x2", 3,
				     ",\"verdict\":\"grows\",\"rate_per_hour\":{\"objects\":120.5,\"bytes\":7712}"));
	m = tb_merge_load(args, 1, &err);
	assert_non_null(m);
	assert_string_equal(m->groups[0].cells[0].verdict, "grows");
	assert_int_equal(m->groups[0].cells[0].has_rate, 1);
	assert_true(m->groups[0].cells[0].rate_per_hour > 120.4 &&
		    m->groups[0].cells[0].rate_per_hour < 120.6);
	snprintf(path, sizeof(path), "%s/merged.json", tmpdir);
	assert_int_equal(tb_merge_write_json(m, path), 0);
	o = json_object_from_file(path);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "groups", &g));
	g = json_object_array_get_idx(g, 0);
	assert_true(json_object_object_get_ex(g, "per_host", &c));
	c = json_object_array_get_idx(c, 0);
	assert_true(json_object_object_get_ex(c, "verdict", &v));
	assert_string_equal(json_object_get_string(v), "grows");
	assert_true(json_object_object_get_ex(c, "count", &v));
	assert_int_equal(json_object_get_int(v), 3);
	json_object_put(o);
	tb_merge_free(m);
}

/* Bad input: a host twice, a directory with neither file, a bad status file. */
static void test_bad_input(void **state)
{
	char *args[2], empty[256];
	struct tb_merge *m;
	int err;

	args[0] = (char *)put(0, "x", "report.json",
			      report("6.1.0", "slab-leak", "f+0x1/0x2", "g+0x1/0x2", 1, ""));
	args[1] = args[0];
	m = tb_merge_load(args, 2, &err);
	assert_null(m);
	assert_int_equal(err, -TB_EXIT_BADINPUT);

	snprintf(empty, sizeof(empty), "%s/empty", tmpdir);
	mkdir(empty, 0755);
	args[0] = empty;
	m = tb_merge_load(args, 1, &err);
	assert_null(m);
	assert_int_equal(err, -TB_EXIT_BADINPUT);

	args[0] = (char *)put(1, "y", "status.json", "{\"status\":\"maybe\"}");
	m = tb_merge_load(args, 1, &err);
	assert_null(m);
	assert_int_equal(err, -TB_EXIT_BADINPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kaslr),
		cmocka_unit_test(test_kernels_differ),
		cmocka_unit_test(test_not_merged_and_failed),
		cmocka_unit_test(test_verdict_rate_json),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
