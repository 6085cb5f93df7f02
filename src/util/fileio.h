/*
 * fileio.h - whole-file reads, single-value reads/writes of kernel control files, and
 * atomic writes of reports.
 */
#ifndef TB_UTIL_FILEIO_H
#define TB_UTIL_FILEIO_H

#include <stddef.h>
#include "util/strbuf.h"

/*
 * Read all of path into sb (appending).  Returns 0, or -errno (nothing printed: the
 * caller knows what the file means and says so).  Works on procfs/sysfs/tracefs files
 * whose size reads as 0.
 */
int tb_read_file(const char *path, struct strbuf *sb);
/* Read the first line of path into buf (without the newline); -errno on failure. */
int tb_read_line(const char *path, char *buf, size_t size);
/*
 * Write data to an existing kernel control file in one write(2).  append selects
 * O_APPEND (for files that hold other users' entries: kprobe_events, set_ftrace_filter,
 * triggers); otherwise O_WRONLY without O_TRUNC.  Returns 0 or -errno.
 */
int tb_write_ctl(const char *path, const char *data, int append);
/*
 * Write a regular file atomically: write path.tmp.<pid>, fsync, rename over path,
 * fsync the directory.  On failure path is untouched and -errno is returned.
 */
int tb_write_file_atomic(const char *path, const void *data, size_t len);
/* 1 if path exists (any type), else 0. */
int tb_exists(const char *path);

#endif
