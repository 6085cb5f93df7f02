/*
 * tracefs.c - finds the tracing directory (mounting tracefs/debugfs where needed,
 * TRACEBOOK_ROOT / TRACEBOOK_TRACEFS overrides), hands it to libtracefs, and offers
 * path/read helpers under it.  See tracefs.h and kernel-compat.md §1.
 *
 * On a real root, libtracefs finds and mounts: tracefs_tracing_dir_is_mounted() reads
 * /proc/mounts, mounts tracefs at /sys/kernel/tracing, or (3.10: no tracefs, ENODEV)
 * uses or mounts debugfs and answers <debugfs>/tracing; it returns 0 when it mounted, so
 * tracebook still says on stderr what was mounted.  What stays ours here:
 *  - a fake root: libtracefs reads the real /proc/mounts and would mount, so under
 *    TRACEBOOK_ROOT the fake tree's proc/self/mountinfo is walked here, never mounting;
 *  - validation (statfs magic + <dir>/trace) and the reasons for a failure (not root,
 *    lockdown, no CONFIG_FTRACE), which libtracefs reduces to -1;
 *  - the fixed paths when /proc/mounts is unreadable (libtracefs then gives up).
 * Whatever is found is given to tracefs_set_tracing_dir(), so every tracefs_* call of
 * tracebook (instances, event files, dynamic events, error_log) works on that same
 * directory, fake trees included.  One trap: libtracefs 1.6's tracefs_file_exists(),
 * tracefs_dir_exists(), tracefs_event_file_exists() and tracefs_instance_exists() with
 * a NULL instance ignore that setting and look at the real /proc/mounts; tracebook
 * passes tb_tracefs_top(), an instance object for the top level of the found directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <tracefs.h>
#include "kernel/tracefs.h"
#include "util/err.h"
#include "util/fileio.h"

static char tracing_dir[4096];
static struct tracefs_instance *top_instance;	/* of tracing_dir, made on demand */

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
	/* libtracefs keeps a copy; NULL lets it discover the real one again */
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
	if ((unsigned long)st.f_type == TB_TRACEFS_MAGIC)
		return TB_FS_TRACEFS;
	if ((unsigned long)st.f_type == TB_DEBUGFS_MAGIC)
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

/* A fake root: its own proc/self/mountinfo and fixed paths; nothing is ever mounted. */
static int find_fake(struct tb_tracefs_loc *loc, const char *root)
{
	char mnt[4096], dir[4096 + 64];

	if (find_mount("tracefs", "/sys/kernel/tracing", mnt, sizeof(mnt)) > 0) {
		snprintf(dir, sizeof(dir), "%s%s", root, mnt);
		if (accept_dir(loc, dir, TB_FS_TRACEFS))
			return 0;
	}
	snprintf(dir, sizeof(dir), "%s/sys/kernel/tracing", root);
	if (accept_dir(loc, dir, TB_FS_TRACEFS))
		return 0;
	if (find_mount("debugfs", "/sys/kernel/debug", mnt, sizeof(mnt)) > 0) {
		snprintf(dir, sizeof(dir), "%s%s/tracing", root, mnt);
		if (accept_dir(loc, dir, TB_FS_DEBUGFS))
			return 0;
	}
	snprintf(dir, sizeof(dir), "%s/sys/kernel/debug/tracing", root);
	if (accept_dir(loc, dir, TB_FS_DEBUGFS))
		return 0;
	return tb_error_code(TB_EXIT_NOTRACING,
			     "no tracing directory under TRACEBOOK_ROOT=%s (looked for a tracefs/debugfs mount in proc/self/mountinfo, sys/kernel/tracing/trace, sys/kernel/debug/tracing/trace)",
			     root);
}

/*
 * A real root: libtracefs finds (and if @mount_ok, mounts) the tracing directory; we
 * validate it, say what was mounted, and explain a failure.
 */
/* libtracefs allocates the path it answers and never frees it: keep it reachable */
static const char *lib_dir;

static int find_real(struct tb_tracefs_loc *loc, int mount_ok)
{
	const char *dir = NULL;
	int m, e;

	errno = 0;
	m = tracefs_tracing_dir_is_mounted(mount_ok != 0, &dir);
	e = errno;
	if (m >= 0 && dir) {
		lib_dir = dir;
		/* the documented place first when it is the same tracefs, mounted there too */
		if (m == 1 && strcmp(dir, "/sys/kernel/tracing") &&
		    magic_type(dir) == TB_FS_TRACEFS &&
		    accept_dir(loc, "/sys/kernel/tracing", TB_FS_TRACEFS))
			return 0;
		if (accept_dir(loc, dir, TB_FS_TRACEFS)) {
			if (m == 0) {
				/* libtracefs mounts tracefs at /sys/kernel/tracing, else debugfs
				 * at /sys/kernel/debug and answers /sys/kernel/debug/tracing */
				loc->mounted_now = 1;
				snprintf(loc->mounted_what, sizeof(loc->mounted_what), "%s",
					 strcmp(dir, "/sys/kernel/debug/tracing") ?
					 "tracefs at /sys/kernel/tracing" : "debugfs at /sys/kernel/debug");
				tb_note("mounted %s (it was not mounted)", loc->mounted_what);
			}
			return 0;
		}
	}
	/* an unreadable /proc/mounts is not fatal: the fixed paths still work */
	if (accept_dir(loc, "/sys/kernel/tracing", TB_FS_TRACEFS) ||
	    accept_dir(loc, "/sys/kernel/debug/tracing", TB_FS_DEBUGFS))
		return 0;
	if (m < 0 && e == EPERM && geteuid() != 0)
		return tb_error_code(TB_EXIT_NOTROOT,
				     "tracing is not mounted and only root can mount it (tracefs at /sys/kernel/tracing, or debugfs at /sys/kernel/debug): run tracebook as root");
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
	if (m < 0 && e && e != ENODEV && e != ENOENT)
		return tb_error_code(TB_EXIT_NOTRACING,
				     "cannot mount tracefs at /sys/kernel/tracing nor debugfs at /sys/kernel/debug: %s%s",
				     strerror(e),
				     e == EPERM ? " (kernel lockdown or a container without CAP_SYS_ADMIN?)" : "");
	return tb_error_code(TB_EXIT_NOTRACING,
			     "no tracing on this kernel: no tracefs or debugfs tracing directory could be found or mounted (CONFIG_FTRACE off?)");
}

int tb_tracefs_find(struct tb_tracefs_loc *loc, int mount_ok)
{
	const char *over = getenv("TRACEBOOK_TRACEFS");
	const char *root = tb_root();

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
	return *root ? find_fake(loc, root) : find_real(loc, mount_ok);
}
