/*
 * cmd-merge.c - `tracebook merge RESULTS...`: one report across the hosts of a fleet
 * hunt (contrib/ansible's hunt.yml leaves results/HOST/{report.json,status.json}).
 * This file reads the command line; report/merge.c builds the merge,
 * report/merge-print.c renders it as text and JSON, report/merge-html.c as a page.
 */
#include <stdio.h>
#include <string.h>
#include "cmd/cmds.h"
#include "report/merge.h"
#include "util/err.h"

#define MERGE_TOP 20
#define TB_STR_(x) #x
#define TB_STR(x) TB_STR_(x)

static const struct tb_usage merge_usage = {
	"merge",
	"usage: tracebook merge [--top N] [-o merged.json] [--html FILE] [--text] RESULT...",
	"One report across hosts.  Each RESULT is a directory results/HOST/ of a fleet\n"
	"hunt (contrib/ansible/hunt.yml: report.json and status.json) or a JSON report\n"
	"(tracebook run/analyze -o FILE).  Groups are matched across hosts by site and\n"
	"stack symbols, never addresses; reports of another recipe are not merged (and\n"
	"named); hosts whose run failed are listed with tracebook's exit code and message.",
	"Exit codes: 0 merged, 2 usage, 3 a file is missing or not a report/status file.",
};

int cmd_merge(int argc, char **argv)
{
	struct strlist args = STRLIST_INIT;
	struct tb_merge *m = NULL;
	const char *json = NULL, *html = NULL;
	unsigned top = MERGE_TOP;
	int text = 0, ret, err;
	struct tb_option opts[] = {
		TB_OPT_STRING('o', "output", &json, "FILE",
			      "also write the merge as JSON to FILE ('-': standard output only)"),
		TB_OPT_STRING(0, "html", &html, "FILE",
			      "also write the merge as one self-contained HTML page"),
		TB_OPT_FLAG(0, "text", &text, "print the text report even with -o -"),
		CMD_OPT_TOP(&top, "groups shown in the text and the page (default "
			    TB_STR(MERGE_TOP) ")"),
		TB_OPT_END(),
	};

	ret = tb_parse_options(argc, argv, &merge_usage, opts, &args, NULL);
	if (!ret && !args.n)
		ret = tb_usage_error(&merge_usage, "merge needs at least one result directory "
				     "or JSON report");
	if (ret)
		goto out;
	m = tb_merge_load(args.v, args.n, &err);
	if (!m) {
		ret = err;
		goto out;
	}
	if (!json || strcmp(json, "-") || text)
		ret = tb_merge_print_text(m, stdout, top);
	if (!ret && json)
		ret = tb_merge_write_json(m, json);
	if (!ret && html)
		ret = tb_merge_write_html(m, html, top);
out:
	tb_merge_free(m);
	strlist_clear(&args);
	return ret > 0 ? 0 : ret;
}
