/*
 * tracefs.c - finds the tracing directory (mountinfo, mounting tracefs/debugfs where
 * needed, TRACEBOOK_ROOT / TRACEBOOK_TRACEFS overrides), hands it to libtracefs, and
 * offers path/read helpers under it.  See tracefs.h and docs/kernel-compat.md §1.
 *
 * Whatever is found is given to tracefs_set_tracing_dir(), so every tracefs_* call of
 * tracebook (instances, event files, dynamic events, error_log) works on that same
 * directory, fake trees included.  One trap: libtracefs 1.6's tracefs_file_exists(),
 * tracefs_dir_exists(), tracefs_event_file_exists() and tracefs_instance_exists() with
 * a NULL instance ignore that setting and read the real /proc/mounts; tracebook passes
 * tb_tracefs_top(), an instance object for the top level of the found directory.
 *
 * The discovery itself stays ours.  libtracefs 1.6's tracefs_tracing_dir_is_mounted()
 * was tried (and can say whether it mounted), but when debugfs is mounted and tracefs is
 * not it answers <debugfs>/tracing instead of mounting tracefs at /sys/kernel/tracing:
 * on 4.1+ that path is only the kernel's automount, deprecated (a NOTICE in the kernel
 * log on current kernels, removal announced) and unusable where debugfs access is
 * restricted; the qemu tier's probe-mounts-tracefs failed with it on 4.19.  It also
 * reads /proc/mounts (never a fake root's mountinfo, no /sys/kernel/tracing preference,
 * no octal escapes), answers -1 without the reason (not root, lockdown, no ftrace) and
 * does not check the filesystem magic.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <tracefs.h>
#include "kernel/tracefs.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/fsmagic.h"

static char tracing_dir[4096];
static struct tracefs_instance *top_instance;	/* of tracing_dir, made on demand */
static char mounted_here[64];	/* mount point tb_tracefs_find() mounted, "" if none */
static char mounted_fs[16];	/* its filesystem type, for the note */

const char *tb_root(void)
{
	static char root[4096];
	const char *r = getenv("TRACEBOOK_ROOT");
	size_t n;

	if (!r || !*r)
		return "";
	n = strlen(r);
	while (n > 1 && r[n - 1] == '/')
		n--;
	if (n == 1 && r[0] == '/')
		return "";
	if (n >= sizeof(root))
		n = sizeof(root) - 1;
	memcpy(root, r, n);
	root[n] = '\0';
	return root;
}

int tb_root_is_fake(void)
{
	const char *t = getenv("TRACEBOOK_TRACEFS");

	return *tb_root() != '\0' || (t && *t);
}

int tb_root_path(char *buf, size_t size, const char *abs)
{
	int n = snprintf(buf, size, "%s%s", tb_root(), abs);

	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

const char *tb_fstype_name(enum tb_fstype t)
{
	switch (t) {
	case TB_FS_TRACEFS: return "tracefs";
	case TB_FS_DEBUGFS: return "debugfs";
	case TB_FS_OTHER: return "other";
	default: return "none";
	}
}

void tb_tracefs_set_dir(const char *dir)
{
	snprintf(tracing_dir, sizeof(tracing_dir), "%s", dir ? dir : "");
	/* libtracefs keeps a copy.  NULL: none known, and tracebook makes no tracefs_*
	 * call then (libtracefs would look for, and mount, one on its own) */
	tracefs_set_tracing_dir(tracing_dir[0] ? tracing_dir : NULL);
	tracefs_instance_free(top_instance);
	top_instance = NULL;
}

struct tracefs_instance *tb_tracefs_top(void)
{
	if (!top_instance && tracing_dir[0])
		top_instance = tracefs_instance_alloc(tracing_dir, NULL);
	return top_instance;
}

const char *tb_tracefs_dir(void)
{
	return tracing_dir[0] ? tracing_dir : NULL;
}

int tb_tracefs_path(char *buf, size_t size, const char *rel)
{
	int n;

	if (!tracing_dir[0])
		return -ENOENT;
	n = snprintf(buf, size, "%s/%s", tracing_dir, rel);
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

int tb_tracefs_exists(const char *rel)
{
	char p[4096];

	return tb_tracefs_path(p, sizeof(p), rel) == 0 && tb_exists(p);
}

int tb_tracefs_read(const char *rel, struct strbuf *sb)
{
	char p[4096];
	int r = tb_tracefs_path(p, sizeof(p), rel);

	return r ? r : tb_read_file(p, sb);
}

int tb_tracefs_read_line(const char *rel, char *buf, size_t size)
{
	char p[4096];
	int r = tb_tracefs_path(p, sizeof(p), rel);

	return r ? r : tb_read_line(p, buf, size);
}

int tb_tracefs_can_open(const char *rel)
{
	char p[4096], blk[512];
	int fd, r;

	r = tb_tracefs_path(p, sizeof(p), rel);
	if (r)
		return r;
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	r = read(fd, blk, sizeof(blk)) < 0 && errno != EAGAIN ? -errno : 0;
	close(fd);
	return r;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/*
 * Find a mount of fstype in mountinfo; prefer mount point @prefer.  Writes the mount
 * point (as the kernel shows it, without the fake root) to mnt.  1 found, 0 not, -errno.
 */
static int find_mount(const char *fstype, const char *prefer, char *mnt, size_t size)
{
	char path[4096];
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;
	int found = 0, r;

	r = tb_root_path(path, sizeof(path), "/proc/self/mountinfo");
	if (!r)
		r = tb_read_file(path, &sb);
	if (r) {
		strbuf_release(&sb);
		return r;
	}
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sep = strstr(line, " - "), *f[5], *tok, *s2 = NULL, type[64];
		int i = 0;

		if (!sep)
			continue;
		*sep = '\0';
		if (sscanf(sep + 3, "%63s", type) != 1 || strcmp(type, fstype))
			continue;
		for (tok = strtok_r(line, " ", &s2); tok && i < 5; tok = strtok_r(NULL, " ", &s2))
			f[i++] = tok;
		if (i < 5)
			continue;
		unescape(f[4]);
		if (!found || !strcmp(f[4], prefer)) {
			snprintf(mnt, size, "%s", f[4]);
			found = 1;
			if (!strcmp(f[4], prefer))
				break;
		}
	}
	strbuf_release(&sb);
	return found;
}

static enum tb_fstype magic_type(const char *dir)
{
	struct statfs st;

	if (statfs(dir, &st))
		return TB_FS_NONE;
	if ((unsigned long)st.f_type == TRACEFS_MAGIC)
		return TB_FS_TRACEFS;
	if ((unsigned long)st.f_type == DEBUGFS_MAGIC)
		return TB_FS_DEBUGFS;
	return TB_FS_OTHER;
}

/* Accept dir when <dir>/trace exists (and, on a real root, the magic is right). */
static int accept_dir(struct tb_tracefs_loc *loc, const char *dir, enum tb_fstype fake_type)
{
	char p[4096];

	if (snprintf(p, sizeof(p), "%s/trace", dir) >= (int)sizeof(p) || !tb_exists(p))
		return 0;
	loc->type = magic_type(dir);
	if (loc->type != TB_FS_TRACEFS && loc->type != TB_FS_DEBUGFS) {
		if (!tb_root_is_fake())
			return 0;
		loc->type = fake_type;	/* a fake tree: the layout tells the type */
	}
	snprintf(loc->dir, sizeof(loc->dir), "%s", dir);
	tb_tracefs_set_dir(loc->dir);
	return 1;
}

/* Why a mount failed, as one line; NOTROOT when we are simply not root. */
static int mount_failed(const char *what, const char *where, int e)
{
	if (e == EPERM && geteuid() != 0)
		return tb_error_code(TB_EXIT_NOTROOT,
				     "%s is not mounted and only root can mount it at %s: run tracebook as root",
				     what, where);
	return tb_error_code(TB_EXIT_NOTRACING, "cannot mount %s at %s: %s%s", what, where,
			     strerror(e),
			     e == EPERM ? " (kernel lockdown or a container without CAP_SYS_ADMIN?)" : "");
}

static int real_lockdown(char *mode, size_t size)
{
	char line[256], *b, *e;

	if (tb_read_line("/sys/kernel/security/lockdown", line, sizeof(line)))
		return 0;
	b = strchr(line, '[');
	e = b ? strchr(b, ']') : NULL;
	if (!b || !e)
		return 0;
	*e = '\0';
	snprintf(mode, size, "%s", b + 1);
	return strcmp(b + 1, "none") != 0;
}

static void remember_mount(const char *where, const char *fs)
{
	snprintf(mounted_here, sizeof(mounted_here), "%s", where);
	snprintf(mounted_fs, sizeof(mounted_fs), "%s", fs);
}

const char *tb_tracefs_ours(const char **fs)
{
	if (fs)
		*fs = mounted_fs;
	return mounted_here[0] ? mounted_here : NULL;
}

int tb_tracefs_mounted_at(const char *fstype, const char *where)
{
	char mnt[4096];
	int r = find_mount(fstype, where, mnt, sizeof(mnt));

	if (r <= 0)
		return r;
	return !strcmp(mnt, where);
}

int tb_tracefs_unmount_ours(void)
{
	int e;

	if (!mounted_here[0])
		return 0;
	tb_tracefs_set_dir(NULL);
	if (umount(mounted_here) == 0) {
		tb_note("unmounted %s at %s again (tracebook mounted it)", mounted_fs, mounted_here);
		mounted_here[0] = '\0';
		return 0;
	}
	e = errno;
	tb_warn("could not unmount %s at %s, which tracebook mounted: %s; 'umount %s' when it is no longer in use",
		mounted_fs, mounted_here, strerror(e), mounted_here);
	mounted_here[0] = '\0';
	return -e;
}

int tb_tracefs_find(struct tb_tracefs_loc *loc, int mount_ok)
{
	const char *over = getenv("TRACEBOOK_TRACEFS");
	const char *root = tb_root();
	int fake = *root != '\0';
	char mnt[4096], dir[4096 + 64];
	int r;

	memset(loc, 0, sizeof(*loc));
	tb_tracefs_set_dir(NULL);

	if (over && *over) {
		if (accept_dir(loc, over,
			       strstr(over, "/debug/tracing") ? TB_FS_DEBUGFS : TB_FS_TRACEFS))
			return 0;
		return tb_error_code(TB_EXIT_NOTRACING,
				     "TRACEBOOK_TRACEFS=%s is not a tracing directory (no %s/trace%s)",
				     over, over, tb_root_is_fake() ? "" : " or not tracefs/debugfs");
	}

	/* 1. a tracefs mount */
	r = find_mount("tracefs", "/sys/kernel/tracing", mnt, sizeof(mnt));
	/* an unreadable mountinfo is not fatal: the fixed paths below still work */
	if (r > 0) {
		snprintf(dir, sizeof(dir), "%s%s", root, mnt);
		if (accept_dir(loc, dir, TB_FS_TRACEFS))
			return 0;
	}

	/* 2. mount tracefs at /sys/kernel/tracing */
	snprintf(dir, sizeof(dir), "%s/sys/kernel/tracing", root);
	if (fake) {
		/* a fake root never mounts: its tree is there or not */
		if (accept_dir(loc, dir, TB_FS_TRACEFS))
			return 0;
	} else if (tb_exists(dir) && mount_ok) {
		if (mount("nodev", dir, "tracefs", 0, NULL) == 0) {
			remember_mount("/sys/kernel/tracing", "tracefs");
			loc->mounted_now = 1;
			snprintf(loc->mounted_what, sizeof(loc->mounted_what),
				 "tracefs at /sys/kernel/tracing");
			if (accept_dir(loc, dir, TB_FS_TRACEFS)) {
				tb_note("mounted tracefs at /sys/kernel/tracing (it was not mounted)");
				return 0;
			}
		} else if (errno != ENODEV) {
			int e = errno;

			/* ENODEV: no tracefs in this kernel (3.10) -> debugfs below */
			if (e == EPERM && geteuid() != 0)
				return mount_failed("tracefs", "/sys/kernel/tracing", e);
		}
	}

	/* 3. debugfs */
	r = find_mount("debugfs", "/sys/kernel/debug", mnt, sizeof(mnt));
	if (r > 0) {
		snprintf(dir, sizeof(dir), "%s%s/tracing", root, mnt);
		if (accept_dir(loc, dir, TB_FS_DEBUGFS))
			return 0;
	}
	snprintf(dir, sizeof(dir), "%s/sys/kernel/debug/tracing", root);
	if (fake) {
		if (accept_dir(loc, dir, TB_FS_DEBUGFS))
			return 0;
	} else if (r <= 0 && mount_ok && tb_exists("/sys/kernel/debug")) {
		if (mount("nodev", "/sys/kernel/debug", "debugfs", 0, NULL) == 0) {
			remember_mount("/sys/kernel/debug", "debugfs");
			loc->mounted_now = 1;
			snprintf(loc->mounted_what, sizeof(loc->mounted_what),
				 "debugfs at /sys/kernel/debug");
			tb_note("mounted debugfs at /sys/kernel/debug (it was not mounted)");
			if (accept_dir(loc, dir, TB_FS_DEBUGFS))
				return 0;
		} else {
			return mount_failed("debugfs", "/sys/kernel/debug", errno);
		}
	}

	if (fake)
		return tb_error_code(TB_EXIT_NOTRACING,
				     "no tracing directory under TRACEBOOK_ROOT=%s (looked for a tracefs/debugfs mount in proc/self/mountinfo, sys/kernel/tracing/trace, sys/kernel/debug/tracing/trace)",
				     root);
	if (!mount_ok)
		return tb_error_code(TB_EXIT_NOTRACING,
				     "tracing is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
	{
		char mode[64];

		if (real_lockdown(mode, sizeof(mode)))
			return tb_error_code(TB_EXIT_NOTRACING,
					     "no usable tracing directory: kernel lockdown is '%s', which refuses tracefs",
					     mode);
	}
	return tb_error_code(TB_EXIT_NOTRACING,
			     "no tracing on this kernel: no tracefs or debugfs tracing directory could be found or mounted (CONFIG_FTRACE off?)");
}
