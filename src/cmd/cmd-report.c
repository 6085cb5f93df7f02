/*
 * cmd-report.c - `tracebook report REPORT.json [--html FILE]`: render a JSON report
 * saved by run/analyze -o again, as text for the terminal or as the HTML page, far
 * from the box it came from.  This file reads the command line and the report;
 * report/ renders it.
 */
#include <stdio.h>
#include <stdlib.h>
#include "cmd/cmds.h"
#include "report/report.h"
#include "util/err.h"

static const struct tb_usage report_usage = {
	"report",
	"usage: tracebook report [--html FILE] [--top N] REPORT.json",
	"Render a JSON report (tracebook run/analyze -o FILE) again: as text on standard\n"
	"output, or with --html as one self-contained HTML page (no network needed to\n"
	"open it).",
	"Exit codes: 0 rendered, 1 the page could not be written, 2 usage,\n"
	"3 the file is missing or not a report.",
};

int cmd_report(int argc, char **argv)
{
	struct tb_report *rep = NULL;
	struct strlist args = STRLIST_INIT;
	const char *html = NULL;
	unsigned top = 0;
	struct tb_option opts[] = {
		TB_OPT_STRING(0, "html", &html, "FILE",
			      "write the HTML page to FILE (atomically) instead of text"),
		CMD_OPT_TOP(&top, "groups shown per analysis (default 10)"),
		TB_OPT_END(),
	};
	int ret;

	ret = tb_parse_options(argc, argv, &report_usage, opts, &args, NULL);
	if (!ret && args.n != 1)
		ret = tb_usage_error(&report_usage, "report needs one JSON report (got %zu "
				     "arguments)", args.n);
	if (ret)
		goto out;
	rep = tb_report_read_json(args.v[0]);
	if (!rep) {
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	if (html)
		ret = tb_report_write_html(rep, html, top);
	else
		ret = tb_report_print_text(rep, stdout, top) < 0 ? -TB_EXIT_ERROR : 0;
out:
	tb_report_free(rep);
	strlist_clear(&args);
	return ret > 0 ? 0 : ret;
}
