/*
 * cmd-diff.c - `tracebook diff BEFORE.json AFTER.json`: two JSON reports side by side,
 * the before/after verification of a fix on one screen: outstanding objects per
 * group, calls per function, balance verdicts ("alloc_netdev_mqs 4 vs free_netdev 2
 * → after the fix 4 vs 4: balanced"), refcounts held.  This file reads the command
 * line and the two reports; report/diff.c renders the comparison.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmds.h"
#include "report/report.h"
#include "util/err.h"

#define DIFF_TOP 20
#define TB_STR_(x) #x
#define TB_STR(x) TB_STR_(x)

static const struct tb_usage diff_usage = {
	"diff",
	"usage: tracebook diff [--top N] BEFORE.json AFTER.json",
	"Compare two JSON reports (tracebook run/analyze -o FILE), e.g. before and\n"
	"after a fix: outstanding objects per call site, calls per function and\n"
	"caller, balance verdicts of declared pairs, references still held.",
	"Exit codes: 0 compared, 2 usage, 3 a file is missing or not a report.",
};

int cmd_diff(int argc, char **argv)
{
	struct tb_report *r0 = NULL, *r1 = NULL;
	struct strlist args = STRLIST_INIT;
	unsigned top = DIFF_TOP;
	struct tb_option opts[] = {
		CMD_OPT_TOP(&top, "rows per section (default " TB_STR(DIFF_TOP) ")"),
		TB_OPT_END(),
	};
	int ret;

	ret = tb_parse_options(argc, argv, &diff_usage, opts, &args, NULL);
	if (!ret && args.n != 2)
		ret = tb_usage_error(&diff_usage, "diff needs two JSON reports, BEFORE and AFTER");
	if (ret)
		goto out;
	r0 = tb_report_read_json(args.v[0]);
	if (!r0) {
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	r1 = tb_report_read_json(args.v[1]);
	if (!r1) {
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	ret = tb_diff_print(r0, r1, stdout, top);
out:
	tb_report_free(r0);
	tb_report_free(r1);
	strlist_clear(&args);
	return ret > 0 ? 0 : ret;
}
