/*
 * apply.h - carry out a plan's writes against the kernel, each one journaled first
 * (apply/journal.h); and the kernel's own reason when it refuses one.
 */
#ifndef TB_APPLY_APPLY_H
#define TB_APPLY_APPLY_H

#include "kernel/caps.h"
#include "apply/journal.h"
#include "plan/plan.h"

/*
 * tb_apply - perform plan's steps in order.  For each: read the current value,
 * journal how to undo (fsync'd), then write only if different (O_APPEND for files
 * that hold other users' entries, never O_TRUNC).  Stops at the first failure.
 * @done: number of steps performed (journaled) so far, for the caller's messages
 * Returns 0; -TB_EXIT_REFUSED after printing the kernel's reason for a refused write;
 * another negative code for journal failures.  The caller restores in every case.
 */
int tb_apply(const struct tb_plan *plan, const struct tb_caps *caps, struct tb_journal *j,
	     unsigned *done);

/*
 * tb_kernel_reason - print the kernel's own explanation of a refused write: the tail
 * of tracefs error_log where it exists and has something new, else the last kernel
 * log lines.  @since_lines: error_log line count before the write (or -1).
 */
void tb_kernel_reason(const struct tb_caps *caps, long since_lines);

/*
 * The primitive writes (apply/apply-ctl.c).  On real tracefs/debugfs/sysfs they are
 * the plain writes (no O_TRUNC, O_APPEND for entries); on the plain files of a fake
 * tree (tests) they emulate the kernel's effect.  All return 0 or -errno.
 */
int tb_ctl_is_plain(const char *path);
int tb_ctl_write(const char *path, const char *value);		/* overwrite one value */
int tb_ctl_write_raw(const char *path, const char *raw);	/* restore what was read */
int tb_ctl_append(const char *path, const char *entry);		/* add/remove an entry */
int tb_ctl_mkdir(const char *path);				/* create an instance */
int tb_ctl_rmdir(const char *path);				/* remove an instance */

/* Lines currently in error_log (-1 when there is none). */
long tb_error_log_lines(const struct tb_caps *caps);

#endif
