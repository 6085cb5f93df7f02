/*
 * tracefs.h - where the kernel's tracing directory is, and small helpers to build paths
 * under it and read its control files.  Discovery follows docs/kernel-compat.md §1:
 *   1. /proc/self/mountinfo: a mount of fstype tracefs (prefer /sys/kernel/tracing);
 *   2. else mount tracefs at /sys/kernel/tracing (only if mount_ok);
 *   3. else a debugfs mount (or mount debugfs at /sys/kernel/debug if mount_ok) and use
 *      <debugfs>/tracing (3.10; on 4.19+ this automounts tracefs there);
 *   4. validate: statfs magic TRACEFS_MAGIC/DEBUGFS_MAGIC and <dir>/trace exists.
 *
 * Overrides (for tests and for field kits that know better):
 *   TRACEBOOK_ROOT=DIR     a fake root (tests/fake/mktree.sh): every absolute kernel path
 *                          (/proc/..., /sys/...) is read as DIR/proc/..., DIR/sys/...;
 *                          mountinfo's mount points are taken relative to DIR; nothing is
 *                          ever mounted and the statfs magic is not checked.
 *   TRACEBOOK_TRACEFS=DIR  use DIR as the tracing directory (no discovery, no mount).
 *
 * The found directory is remembered (per process) so that other modules can call
 * tb_tracefs_path()/tb_tracefs_read() without passing it around.
 */
#ifndef TB_KERNEL_TRACEFS_H
#define TB_KERNEL_TRACEFS_H

#include <stddef.h>
#include "util/strbuf.h"

enum tb_fstype { TB_FS_NONE = 0, TB_FS_TRACEFS, TB_FS_DEBUGFS, TB_FS_OTHER };

/* Where tracing was found. */
struct tb_tracefs_loc {
	char dir[4096];		/* the tracing directory (absolute, root prefix included) */
	enum tb_fstype type;	/* tracefs, or debugfs (3.10 layout) */
	int mounted_now;	/* 1 if tb_tracefs_find() mounted something to get it */
	char mounted_what[128];	/* e.g. "tracefs at /sys/kernel/tracing" when mounted_now */
};

/*
 * tb_root - the fake root prefix from TRACEBOOK_ROOT (without a trailing '/'), or ""
 * on a real system.
 */
const char *tb_root(void);

/* tb_root_is_fake - 1 when TRACEBOOK_ROOT or TRACEBOOK_TRACEFS is set. */
int tb_root_is_fake(void);

/*
 * tb_root_path - build the path of kernel file @abs ("/proc/meminfo") under the fake
 * root, if any.  Returns 0, or -ENAMETOOLONG.
 */
int tb_root_path(char *buf, size_t size, const char *abs);

/*
 * tb_tracefs_find - locate (and if @mount_ok, mount) the tracing directory; remember it
 * for tb_tracefs_path() & co.  Prints one clear line and returns -TB_EXIT_NOTRACING
 * when there is no tracing (not mounted and not mountable, lockdown), or
 * -TB_EXIT_NOTROOT when mounting was needed and refused because we are not root.
 * On success prints "tracebook: mounted tracefs at ..." (tb_note) if it mounted.
 */
int tb_tracefs_find(struct tb_tracefs_loc *loc, int mount_ok);

/*
 * tb_tracefs_unmount_ours - unmount what tb_tracefs_find() mounted in this process
 * (tracefs at /sys/kernel/tracing, or debugfs at /sys/kernel/debug on 3.10), so a
 * command leaves the mounts as it found them.  Called once by main after the command
 * has restored everything and closed its files.  Says what it did (tb_note), warns if
 * the kernel refuses (busy).  Returns 0 (also when nothing was mounted) or -errno.
 */
int tb_tracefs_unmount_ours(void);

/*
 * tb_tracefs_ours - the mount point tb_tracefs_find() mounted in this process, or NULL
 * @fs: if not NULL, set to its filesystem type ("tracefs" or "debugfs")
 * The run's journal records it, so `tracebook restore` can unmount it after a run that
 * was killed before main could (kill -9).
 */
const char *tb_tracefs_ours(const char **fs);

/*
 * tb_tracefs_mounted_at - is a @fstype filesystem mounted exactly at @where?
 * (/proc/self/mountinfo).  Returns 1 yes, 0 no, -errno when mountinfo cannot be read.
 */
int tb_tracefs_mounted_at(const char *fstype, const char *where);

/* tb_tracefs_set_dir - remember @dir as the tracing directory (tests, callers that know). */
void tb_tracefs_set_dir(const char *dir);

/*
 * tb_tracefs_top - libtracefs's instance object for the top level of the remembered
 * tracing directory (owned here; NULL before tb_tracefs_find() or out of memory).  Pass
 * it instead of NULL to tracefs_*_exists(): with NULL, libtracefs 1.6 ignores
 * tracefs_set_tracing_dir() there and looks at the real /proc/mounts.
 */
struct tracefs_instance;
struct tracefs_instance *tb_tracefs_top(void);

/* tb_tracefs_dir - the remembered tracing directory, or NULL before tb_tracefs_find(). */
const char *tb_tracefs_dir(void);

/*
 * tb_tracefs_path - "<tracing dir>/<rel>" into buf (rel like "events/kmem/kmalloc/format").
 * Returns 0; -ENOENT if no tracing dir is known yet; -ENAMETOOLONG.
 */
int tb_tracefs_path(char *buf, size_t size, const char *rel);

/* tb_tracefs_exists - 1 if <tracing dir>/<rel> exists (any type), else 0. */
int tb_tracefs_exists(const char *rel);

/*
 * tb_tracefs_read - append the whole of <tracing dir>/<rel> to sb.  Returns 0 or -errno
 * (-EPERM for a file the system refuses, e.g. available_filter_functions under a
 * restricted function tracer).  Prints nothing.
 */
int tb_tracefs_read(const char *rel, struct strbuf *sb);

/* tb_tracefs_read_line - first line of <tracing dir>/<rel> without '\n'; 0 or -errno. */
int tb_tracefs_read_line(const char *rel, char *buf, size_t size);

/*
 * tb_tracefs_can_open - try to open <tracing dir>/<rel> for reading (and read at most
 * one small block): 0 if it can, else -errno.  Cheap on huge files such as
 * available_filter_functions; never writes.
 */
int tb_tracefs_can_open(const char *rel);

/* tb_fstype_name - "tracefs", "debugfs", "other", "none". */
const char *tb_fstype_name(enum tb_fstype t);

#endif
