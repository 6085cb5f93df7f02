/*
 * run-children.c - `run RECIPE -- COMMAND` on a kernel without sched:sched_process_fork:
 * the command's descendants (processes and their threads) found by polling /proc, so
 * the analysis attributes their allocations to the command too.  A child that starts
 * and ends between two polls is missed: the report says how they were followed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/analysis.h"
#include "cmd/cmds.h"
#include "util/fileio.h"
#include "util/strbuf.h"

/* The parent pid in /proc/PID/stat (after the comm in parentheses); -1 if unreadable. */
static int32_t ppid_of(const char *proc, const char *pid)
{
	struct strbuf sb = STRBUF_INIT;
	char path[4200];
	const char *p;
	long ppid = -1;

	snprintf(path, sizeof(path), "%s/%s/stat", proc, pid);
	if (tb_read_file(path, &sb) == 0 && (p = strrchr(sb.buf, ')')) &&
	    sscanf(p + 1, " %*c %ld", &ppid) != 1)
		ppid = -1;
	strbuf_release(&sb);
	return (int32_t)ppid;
}

/* The threads of followed process pid (/proc/PID/task/...).  Returns tasks added. */
static unsigned add_threads(struct tb_analysis *an, const char *proc, const char *pid)
{
	char path[4200];
	struct dirent *d;
	unsigned n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s/task", proc, pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir)))
		if (d->d_name[0] >= '0' && d->d_name[0] <= '9' &&
		    tb_analysis_add_task(an, (int32_t)atoi(d->d_name)) > 0)
			n++;
	closedir(dir);
	return n;
}

/**
 * run_children_poll - add the processes (and threads) of /proc whose parent is a task
 * the analysis follows, until no more are found (grandchildren in the same poll).
 * Returns the tasks added.
 */
unsigned run_children_poll(struct tb_analysis *an, const char *proc)
{
	unsigned added = 0, pass, more = 1;

	for (pass = 0; more && pass < 8; pass++) {
		struct dirent *d;
		DIR *dir = opendir(proc);

		more = 0;
		if (!dir)
			return added;
		while ((d = readdir(dir))) {
			int32_t pid, ppid;

			if (d->d_name[0] < '1' || d->d_name[0] > '9')
				continue;
			pid = (int32_t)atoi(d->d_name);
			if (!tb_analysis_has_task(an, pid)) {
				ppid = ppid_of(proc, d->d_name);
				if (ppid <= 0 || !tb_analysis_has_task(an, ppid) ||
				    tb_analysis_add_task(an, pid) <= 0)
					continue;
				added++;
				more = 1;
			}
			added += add_threads(an, proc, d->d_name);
		}
		closedir(dir);
	}
	return added;
}
