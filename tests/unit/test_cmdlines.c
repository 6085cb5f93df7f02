/*
 * test_cmdlines.c - task names for raw captures: the kernel's saved_cmdlines parsed and
 * merged over a run (newest name wins, "<...>" and malformed lines skipped, names with
 * spaces kept), and a report's unnamed tasks named from it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/result.h"
#include "kernel/cmdlines.h"

static void test_parse_merge(void **state)
{
	struct tb_cmdlines m = { NULL, 0, 0 };

	(void)state;
	assert_int_equal(tb_cmdlines_parse(&m, "2995 tracebook\n2996 bash\n12 <...>\nx y\n"
					   "7 kworker/u8:1\n40 Web Content\n-3 neg\n\n"), 0);
	assert_int_equal(m.n, 4);
	assert_string_equal(tb_cmdlines_comm(&m, 2995), "tracebook");
	assert_string_equal(tb_cmdlines_comm(&m, 7), "kworker/u8:1");
	assert_string_equal(tb_cmdlines_comm(&m, 40), "Web Content");
	assert_null(tb_cmdlines_comm(&m, 12));
	assert_null(tb_cmdlines_comm(&m, 3));
	/* a later read: the table was recycled; old entries stay, a reused pid is renamed */
	assert_int_equal(tb_cmdlines_parse(&m, "2996 tb-workload\n5000 sh"), 0);
	assert_int_equal(m.n, 5);
	assert_string_equal(tb_cmdlines_comm(&m, 2996), "tb-workload");
	assert_string_equal(tb_cmdlines_comm(&m, 5000), "sh");
	assert_string_equal(tb_cmdlines_comm(&m, 2995), "tracebook");
	tb_cmdlines_free(&m);
}

static const char *lookup(void *ctx, int32_t pid)
{
	return tb_cmdlines_comm(ctx, pid);
}

static void test_name_report_tasks(void **state)
{
	struct tb_cmdlines m = { NULL, 0, 0 };
	struct tb_report *rep = tb_report_alloc();
	struct tb_rtask tasks[3];
	struct tb_rsite site;
	struct tb_rpair pair;

	(void)state;
	assert_non_null(rep);
	memset(tasks, 0, sizeof(tasks));
	memset(&site, 0, sizeof(site));
	memset(&pair, 0, sizeof(pair));
	tasks[0].pid = 100;			/* named from the table */
	tasks[1].pid = 200;
	tasks[1].comm = strdup("known");	/* has a name: kept */
	tasks[2].pid = 300;			/* not in the table */
	site.tasks = tasks;
	site.ntasks = 3;
	pair.sites = &site;
	pair.nsites = 1;
	rep->pairs = &pair;
	rep->npairs = 1;
	assert_int_equal(tb_cmdlines_parse(&m, "100 tb-workload\n200 other\n"), 0);
	assert_int_equal(tb_report_name_tasks(rep, lookup, &m), 1);
	assert_string_equal(tasks[0].comm, "tb-workload");
	assert_string_equal(tasks[1].comm, "known");
	assert_null(tasks[2].comm);
	free(tasks[0].comm);
	free(tasks[1].comm);
	rep->pairs = NULL;
	rep->npairs = 0;
	tb_report_free(rep);
	tb_cmdlines_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_merge),
		cmocka_unit_test(test_name_report_tasks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
