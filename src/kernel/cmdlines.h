/*
 * cmdlines.h - task names by pid from the kernel's saved_cmdlines ("PID COMM" lines,
 * the table the tracer keeps of tasks that wrote events), merged over a run: the raw
 * ring-buffer records carry only common_pid, so the names of the tasks in a report
 * come from here.  The table is small (128 entries before 6.8) and recycled: it is
 * read at every trend interval and at the end, newest name wins.
 */
#ifndef TB_KERNEL_CMDLINES_H
#define TB_KERNEL_CMDLINES_H

#include <stddef.h>
#include <stdint.h>

struct tb_cmdlines {
	struct tb_cmdline { int32_t pid; char comm[20]; } *v;	/* sorted by pid */
	size_t n, alloc;
};

/* Merge "PID COMM" lines of text into m (malformed lines are skipped). 0 or -1 (ENOMEM). */
int tb_cmdlines_parse(struct tb_cmdlines *m, const char *text);
/* Merge the file saved_cmdlines of tracing directory dir; 0, or -1 if unreadable. */
int tb_cmdlines_read(struct tb_cmdlines *m, const char *dir);
/* The name of pid, or NULL. */
const char *tb_cmdlines_comm(const struct tb_cmdlines *m, int32_t pid);
void tb_cmdlines_free(struct tb_cmdlines *m);

#endif
