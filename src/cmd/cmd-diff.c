/*
 * cmd-diff.c - `tracebook diff BEFORE.json AFTER.json`: two JSON reports side by side,
 * the before/after verification of a fix on one screen: outstanding objects per
 * group, calls per function, balance verdicts ("alloc_netdev_mqs 4 vs free_netdev 2
 * → after the fix 4 vs 4: balanced"), refcounts held.  This file reads the command
 * line and the two reports; report/diff.c renders the comparison.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmds.h"
#include "report/report.h"
#include "util/err.h"

#define DIFF_TOP 20

static void usage(FILE *out)
{
	fprintf(out, "usage: tracebook diff [--top N] BEFORE.json AFTER.json\n\n"
		"Compare two JSON reports (tracebook run/analyze -o FILE), e.g. before and\n"
		"after a fix: outstanding objects per call site, calls per function and\n"
		"caller, balance verdicts of declared pairs, references still held.\n\n"
		"  --top N   rows per section (default %d)\n"
		"Exit codes: 0 compared, 2 usage, 3 a file is missing or not a report.\n",
		DIFF_TOP);
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "top", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tb_report *r0 = NULL, *r1 = NULL;
	unsigned top = DIFF_TOP;
	char *end;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			top = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !top)
				return tb_error_code(TB_EXIT_USAGE, "--top '%s': expected a positive "
						     "number", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return -TB_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return tb_error_code(TB_EXIT_USAGE, "diff needs two JSON reports, BEFORE and AFTER");
	}
	r0 = tb_report_read_json(argv[optind]);
	if (!r0)
		return -TB_EXIT_BADINPUT;
	r1 = tb_report_read_json(argv[optind + 1]);
	if (!r1) {
		tb_report_free(r0);
		return -TB_EXIT_BADINPUT;
	}
	ret = tb_diff_print(r0, r1, stdout, top);
	tb_report_free(r0);
	tb_report_free(r1);
	return ret;
}
