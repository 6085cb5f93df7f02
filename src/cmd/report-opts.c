/*
 * report-opts.c - the report options `run` and `analyze` share (cmds.h,
 * CMD_OPTS_REPORT): trend interval, --older, --addresses, --pid/--comm, the cap on
 * tracked objects, into the analysis' options.
 */
#include <string.h>
#include "analyze/analysis.h"
#include "cmd/cmds.h"
#include "util/err.h"

int cmd_report_opts(const struct report_opts *r, struct tb_analysis_opts *ao)
{
	if (r->comm && (!*r->comm || strlen(r->comm) > 15))
		return tb_error_code(TB_EXIT_USAGE, "--comm '%s': expected a task name of 1 to 15 characters (the kernel's comm)",
				     r->comm);
	ao->interval_ns = r->interval_ns;
	ao->older_ns = r->older_ns;
	ao->addresses = r->addresses;
	ao->pid = (int)r->pid;
	ao->comm = r->comm;
	ao->max_objects = r->max_objects;
	return 0;
}
