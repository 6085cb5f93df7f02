/*
 * apply-ctl.c - the primitive writes of apply and restore: one value into a control
 * file (never O_TRUNC), one appended entry, an instance created or removed.
 *
 * Fake kernel trees (tests/fake/mktree.sh, used through TRACEBOOK_ROOT by the tests)
 * are plain files on an ordinary filesystem.  There, these primitives emulate what
 * the kernel does with the same write, so apply/restore can be tested without root:
 * an overwrite replaces the file's content, "-:grp/ev" removes the probe line and its
 * events/grp/ev directory, "!x" removes the entry x, a kprobe definition creates its
 * event directory, mkdir of an instance copies the tracing directory's files, rmdir
 * removes it recursively.  Real tracefs/debugfs/sysfs files get the plain write.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "apply/apply.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/fsmagic.h"
#include "util/strbuf.h"

int tb_ctl_is_plain(const char *path)
{
	struct statfs st;
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	while (statfs(dir, &st) < 0) {
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return 0;
		*slash = 0;
	}
	return (unsigned long)st.f_type != TRACEFS_MAGIC && (unsigned long)st.f_type != DEBUGFS_MAGIC &&
		(unsigned long)st.f_type != SYSFS_MAGIC && (unsigned long)st.f_type != PROC_SUPER_MAGIC;
}

static int write_plain(const char *path, const char *data, int flags)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | flags);
	size_t len = strlen(data);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, data, len);
	if (n < 0 || (size_t)n != len) {
		int e = n < 0 ? errno : EIO;

		close(fd);
		return -e;
	}
	return close(fd) < 0 ? -errno : 0;
}

int tb_ctl_write(const char *path, const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	if (!tb_ctl_is_plain(path))
		return tb_write_ctl(path, value, 0);
	if (!tb_exists(path))
		return -ENOENT;
	strbuf_addf(&sb, "%s\n", value);
	r = write_plain(path, sb.buf, O_TRUNC);
	strbuf_release(&sb);
	return r;
}

int tb_ctl_write_raw(const char *path, const char *raw)
{
	if (!tb_ctl_is_plain(path))
		return tb_write_ctl(path, raw, 0);
	if (!tb_exists(path))
		return -ENOENT;
	return write_plain(path, raw, O_TRUNC);
}

/* Fake: drop the lines of path for which match(line) is true. */
static int plain_remove_lines(const char *path, const char *prefix, int kprobe)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	const char *l;
	size_t n = strlen(prefix);
	int r, hit = 0;

	r = tb_read_file(path, &in);
	if (r < 0) {
		strbuf_release(&in);
		return r;
	}
	for (l = in.buf; l && *l;) {
		const char *eol = strchr(l, '\n');
		size_t len = eol ? (size_t)(eol - l + 1) : strlen(l);
		const char *c = kprobe ? memchr(l, ':', len) : l;
		int drop = 0;

		if (kprobe && c)
			drop = !strncmp(c + 1, prefix, n) && (c[1 + n] == ' ' || c[1 + n] == '\n');
		else if (!kprobe)
			drop = !strncmp(l, prefix, n) && (l[n] == '\n' || l[n] == ' ' || l[n] == ':' || !l[n]);
		if (drop)
			hit = 1;
		else
			strbuf_add(&out, l, len);
		l += len;
	}
	r = hit ? write_plain(path, strbuf_str(&out), O_TRUNC) : -ENOENT;
	strbuf_release(&in);
	strbuf_release(&out);
	return r;
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p) < 0 ? -1 : 0;
}

static int rm_rf(const char *path)
{
	if (!tb_exists(path))
		return -ENOENT;
	return nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}

static int put(const char *path, const char *content)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, content, strlen(content));
	close(fd);
	return n < 0 ? -EIO : 0;
}

/* The tracing directory a control file lives in (strip to the dir of kprobe_events). */
static void dir_of(const char *path, char *buf, size_t size)
{
	char *slash;

	snprintf(buf, size, "%s", path);
	slash = strrchr(buf, '/');
	if (slash)
		*slash = 0;
}

int tb_ctl_append(const char *path, const char *entry)
{
	struct strbuf sb = STRBUF_INIT;
	char dir[PATH_MAX], ev[PATH_MAX + 256];
	const char *base = strrchr(path, '/');
	int r;

	if (!tb_ctl_is_plain(path))
		return tb_write_ctl(path, entry, 1);
	if (!tb_exists(path))
		return -ENOENT;
	base = base ? base + 1 : path;
	if (!strcmp(base, "kprobe_events") && !strncmp(entry, "-:", 2)) {
		r = plain_remove_lines(path, entry + 2, 1);
		dir_of(path, dir, sizeof(dir));
		snprintf(ev, sizeof(ev), "%s/events/%s", dir, entry + 2);
		rm_rf(ev);
		if (strrchr(ev, '/'))
			*strrchr(ev, '/') = 0;
		rmdir(ev);		/* the group goes with its last event */
		return r;
	}
	if (entry[0] == '!')
		return plain_remove_lines(path, entry + 1, 0);
	strbuf_addf(&sb, "%s\n", entry);
	r = write_plain(path, sb.buf, O_APPEND);
	strbuf_release(&sb);
	if (!r && !strcmp(base, "kprobe_events") && (entry[0] == 'p' || entry[0] == 'r') && entry[1] == ':') {
		/* the kernel creates events/GRP/NAME for a new probe */
		size_t n = strcspn(entry + 2, " ");

		dir_of(path, dir, sizeof(dir));
		snprintf(ev, sizeof(ev), "%s/events/%.*s", dir, (int)n, entry + 2);
		*strrchr(ev, '/') = 0;
		mkdir(ev, 0755);
		snprintf(ev, sizeof(ev), "%s/events/%.*s", dir, (int)n, entry + 2);
		mkdir(ev, 0755);
		strbuf_addf(&sb, "%s/enable", ev);
		put(sb.buf, "0\n");
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/filter", ev);
		put(sb.buf, "none\n");
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/trigger", ev);
		put(sb.buf, "# Available triggers:\n# traceon traceoff snapshot stacktrace enable_event disable_event\n");
		strbuf_release(&sb);
	}
	return r;
}

/* Fake instance: copy the tracing directory's files (not instances/) into it. */
static int copy_tree(const char *from, const char *to, int top)
{
	DIR *d = opendir(from);
	struct dirent *e;
	int r = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)) && !r) {
		char src[PATH_MAX], dst[PATH_MAX];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (top && (!strcmp(e->d_name, "instances") || !strcmp(e->d_name, "available_filter_functions")))
			continue;
		if (snprintf(src, sizeof(src), "%s/%s", from, e->d_name) >= (int)sizeof(src) ||
		    snprintf(dst, sizeof(dst), "%s/%s", to, e->d_name) >= (int)sizeof(dst))
			continue;
		if (lstat(src, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (mkdir(dst, 0755) < 0 && errno != EEXIST)
				r = -errno;
			else
				r = copy_tree(src, dst, 0);
		} else if (S_ISREG(st.st_mode)) {
			struct strbuf sb = STRBUF_INIT;

			if (tb_read_file(src, &sb) == 0)
				r = put(dst, strbuf_str(&sb));
			strbuf_release(&sb);
		}
	}
	closedir(d);
	return r;
}

int tb_ctl_mkdir(const char *path)
{
	char top[PATH_MAX];
	char *inst;

	if (mkdir(path, 0755) < 0)
		return -errno;
	if (!tb_ctl_is_plain(path))
		return 0;
	snprintf(top, sizeof(top), "%s", path);
	inst = strstr(top, "/instances/");
	if (!inst)
		return 0;
	*inst = 0;
	return copy_tree(top, path, 1);
}

int tb_ctl_rmdir(const char *path)
{
	if (tb_ctl_is_plain(path))
		return rm_rf(path);
	return rmdir(path) < 0 ? -errno : 0;
}
