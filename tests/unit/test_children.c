/*
 * test_children.c - `run RECIPE -- COMMAND` follows the command's children: the
 * analysis adds the child of every sched:sched_process_fork whose parent it follows
 * (grandchildren and threads too) and counts only their allocations; without the fork
 * event, run_children_poll finds them in a /proc tree (a fake one here).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>
#include "analyze/analysis-local.h"
#include "analyze-testlib.h"
#include "cmd/cmds.h"
#include "report/report-local.h"

#define MS 1000000ULL

static int feed_fork(struct tb_sink *s, uint64_t ts, int32_t parent, int32_t child)
{
	struct tev t;

	tev(&t, "sched", "sched_process_fork", ts, 0);
	t.ev.pid = parent;
	tev_str(&t, "parent_comm", "sh");
	tev_num(&t, "parent_pid", (uint64_t)parent);
	tev_str(&t, "child_comm", "sh");
	tev_num(&t, "child_pid", (uint64_t)child);
	return s->event(s->ctx, &t.ev);
}

static int feed_alloc_by(struct tb_sink *s, uint64_t ts, int32_t pid, uint64_t ptr, const char *site)
{
	struct tev t;

	tev(&t, "kmem", "kmalloc", ts, 0);
	t.ev.pid = pid;
	tev_str(&t, "call_site", site);
	tev_num(&t, "ptr", ptr);
	tev_num(&t, "bytes_req", 8);
	tev_num(&t, "bytes_alloc", 8);
	return s->event(s->ctx, &t.ev);
}

static void run_forks(int follow, uint64_t *count, uint64_t *filtered, uint64_t *followed)
{
	struct tb_recipe r;
	struct tb_recipe_pair p;
	struct tb_analysis_opts o;
	struct tb_analysis *an;
	struct tb_report *rep;
	struct tb_sink s;
	int32_t cmd = 100;

	memset(&o, 0, sizeof(o));
	o.pids = &cmd;
	o.npids = 1;
	o.follow_forks = follow;
	recipe_kmem(&r, &p, TB_GROUP_SITE);
	an = tb_analysis_new(&r, &o);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	assert_int_equal(feed_alloc_by(&s, 1 * MS, 100, 0x1000, "cmd+0x1/0x10"), 0);
	assert_int_equal(feed_fork(&s, 2 * MS, 100, 200), 0);	/* the script forks */
	assert_int_equal(feed_fork(&s, 3 * MS, 200, 300), 0);	/* a grandchild */
	assert_int_equal(feed_fork(&s, 4 * MS, 7, 8), 0);	/* someone else's */
	assert_int_equal(feed_fork(&s, 5 * MS, 100, 200), 0);	/* seen twice: once */
	assert_int_equal(feed_alloc_by(&s, 6 * MS, 200, 0x2000, "child+0x1/0x10"), 0);
	assert_int_equal(feed_alloc_by(&s, 7 * MS, 300, 0x3000, "grandchild+0x1/0x10"), 0);
	assert_int_equal(feed_alloc_by(&s, 8 * MS, 8, 0x4000, "other+0x1/0x10"), 0);
	assert_int_equal(feed_alloc_by(&s, 9 * MS, 7, 0x5000, "other+0x1/0x10"), 0);
	*followed = tb_analysis_forks_followed(an);
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	*count = rep->pairs[0].count;
	*filtered = rep->pairs[0].filtered;
	tb_report_free(rep);
	tb_analysis_free(an);
	spec_pair_clear(&p);
}

static void test_forks_followed(void **state)
{
	uint64_t count, filtered, followed;

	(void)state;
	run_forks(1, &count, &filtered, &followed);
	assert_int_equal(followed, 2);
	assert_int_equal(count, 3);	/* the command, its child, its grandchild */
	assert_int_equal(filtered, 2);	/* pids 7 and 8 */
	/* without following: the command's own allocation only */
	run_forks(0, &count, &filtered, &followed);
	assert_int_equal(followed, 0);
	assert_int_equal(count, 1);
	assert_int_equal(filtered, 4);
}

static char root[64];

static void mkstat(const char *pid, const char *tid, const char *line)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/task", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/task/%s", root, pid, tid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/stat", root, pid);
	if (access(path, F_OK) == 0)
		return;
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", line);
	fclose(f);
}

static void test_children_from_proc(void **state)
{
	struct tb_recipe r;
	struct tb_recipe_pair p;
	struct tb_analysis_opts o;
	struct tb_analysis *an;
	int32_t cmd = 100;
	char cmdline[128];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/tb-children.XXXXXX");
	assert_non_null(mkdtemp(root));
	mkstat("100", "100", "100 (sh) S 1 100 100 0 -1");
	mkstat("300", "300", "300 (grand (child)) R 200 100 100 0 -1");	/* listed before its parent */
	mkstat("200", "200", "200 (sub) S 100 100 100 0 -1");
	mkstat("200", "201", "");					/* a thread of 200 */
	mkstat("400", "400", "400 (other) S 1 400 400 0 -1");
	mkstat("500", "500", "500 (other child) S 400 400 400 0 -1");
	memset(&o, 0, sizeof(o));
	o.pids = &cmd;
	o.npids = 1;
	recipe_kmem(&r, &p, TB_GROUP_SITE);
	an = tb_analysis_new(&r, &o);
	assert_non_null(an);
	assert_int_equal(run_children_poll(an, root), 3);	/* 200, 201, 300 */
	assert_true(tb_analysis_has_task(an, 100));
	assert_true(tb_analysis_has_task(an, 200));
	assert_true(tb_analysis_has_task(an, 201));
	assert_true(tb_analysis_has_task(an, 300));
	assert_false(tb_analysis_has_task(an, 400));
	assert_false(tb_analysis_has_task(an, 500));
	assert_int_equal(run_children_poll(an, root), 0);	/* nothing new */
	tb_analysis_free(an);
	spec_pair_clear(&p);
	snprintf(cmdline, sizeof(cmdline), "rm -rf '%s'", root);
	assert_int_equal(system(cmdline), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forks_followed),
		cmocka_unit_test(test_children_from_proc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
