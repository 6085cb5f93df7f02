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
 * removes it recursively, a buffer size written anywhere marks the ring buffer
 * expanded for everybody ("7 (expanded: 1408)" reads "7" at the top level and per
 * CPU from then on), a size written at the top level sets every CPU's and the total,
 * a write to a slab's shrink keeps nothing.  Real tracefs/debugfs/sysfs files get the
 * plain write.
 *
 * libtracefs does the two things it can do as well as we can (both sides already set up
 * by tb_tracefs_find(), which hands it the tracing directory, fake trees included):
 *  - instances: tracefs_instance_create()/tracefs_instance_is_new() make one (an
 *    existing one is EEXIST to us: never adopt someone else's), and on a real kernel
 *    tracefs_instance_alloc()/tracefs_instance_destroy() remove it.  No options/ is
 *    needed for that; the planner decides whether an instance is used at all.
 *  - kprobes on a real kernel: "p:/r:GRP/EV ADDR ARGS" through tracefs_kprobe_alloc()/
 *    tracefs_kretprobe_alloc() + tracefs_dynevent_create(), "-:GRP/EV" through
 *    tracefs_dynevent_get_all() + tracefs_dynevent_destroy(, false).  libtracefs writes
 *    dynamic_events where the kernel has it (5.0+) and kprobe_events otherwise (3.10,
 *    4.19), opened without O_TRUNC (which would wipe every probe), so other users'
 *    probes stay.  (Which of the two it picks it asks the real /proc/mounts' tracing
 *    directory - the same kernel; fake trees never come here.)  "r<N>:" (maxactive)
 *    stays a plain append: libtracefs 1.6 writes it as "r<N>::".
 * Everything else stays ours: a value is written only when different and without
 * O_TRUNC (tracefs_instance_file_write() always truncates: set_event, trigger and
 * set_ftrace_filter lose other users' entries), entries are appended with O_APPEND,
 * and apply/journal decide what is written, in which order, after journaling it.
 * Event enable/filter files would survive tracefs_event_file_write()'s O_TRUNC, but it
 * takes a short write for success and would split one primitive (and its fake-tree
 * emulation) in two, so they go through tb_ctl_write() like every control file.
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
#include <tracefs.h>
#include "apply/apply.h"
#include "kernel/tracefs.h"
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

static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* Fake: "N (expanded: M)" in path becomes "N" (the kernel's ring_buffer_expanded is set). */
static void plain_mark_expanded(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *ex;

	if (tb_read_file(path, &sb) == 0 && (ex = strstr(sb.buf, " (expanded:"))) {
		*ex = 0;
		strbuf_setlen(&sb, strlen(sb.buf));
		strbuf_addch(&sb, '\n');
		write_plain(path, sb.buf, O_TRUNC);
	}
	strbuf_release(&sb);
}

/*
 * Fake: the side effects of writing a per-CPU size into dir/buffer_size_kb (dir: the
 * tracing directory or an instance).  Resizing any buffer sets the kernel's global
 * ring_buffer_expanded: the top level no longer offers its expanded size.  At the
 * top level, every CPU's buffer takes the size and the total follows.
 */
static void plain_buffer_resized(const char *path, const char *value)
{
	char top[PATH_MAX], f[PATH_MAX + 64], v[64];
	char *inst;
	unsigned cpu, ncpu = 0;

	snprintf(top, sizeof(top), "%s", path);
	*strrchr(top, '/') = 0;
	inst = strstr(top, "/instances/");
	if (inst) {
		*inst = 0;
	} else {
		for (cpu = 0; cpu < 4096; cpu++) {
			snprintf(f, sizeof(f), "%s/per_cpu/cpu%u/buffer_size_kb", top, cpu);
			if (!tb_exists(f))
				break;
			snprintf(v, sizeof(v), "%s\n", value);
			write_plain(f, v, O_TRUNC);
			ncpu++;
		}
		snprintf(f, sizeof(f), "%s/buffer_total_size_kb", top);
		snprintf(v, sizeof(v), "%lu\n", strtoul(value, NULL, 10) * (ncpu ? ncpu : 1));
		if (tb_exists(f))
			write_plain(f, v, O_TRUNC);
	}
	snprintf(f, sizeof(f), "%s/buffer_size_kb", top);
	plain_mark_expanded(f);
	snprintf(f, sizeof(f), "%s/buffer_total_size_kb", top);
	plain_mark_expanded(f);
	for (cpu = 0; cpu < 4096; cpu++) {
		snprintf(f, sizeof(f), "%s/per_cpu/cpu%u/buffer_size_kb", top, cpu);
		if (!tb_exists(f))
			break;
		plain_mark_expanded(f);
	}
}

int tb_ctl_write(const char *path, const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	if (!tb_ctl_is_plain(path))
		return tb_write_ctl(path, value, 0);
	if (!tb_exists(path))
		return -ENOENT;
	if (!strcmp(base_of(path), "shrink"))
		return write_plain(path, "", O_TRUNC);	/* an action: reads empty, mtime moves */
	strbuf_addf(&sb, "%s\n", value);
	r = write_plain(path, sb.buf, O_TRUNC);
	strbuf_release(&sb);
	if (!r && !strcmp(base_of(path), "buffer_size_kb") && !strstr(path, "/per_cpu/"))
		plain_buffer_resized(path, value);
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

/*
 * The name of the instance path is, when path is <tracing dir>/instances/<name> of the
 * tracing directory libtracefs was given; else NULL.
 */
static const char *instance_name(const char *path)
{
	const char *top = tb_tracefs_dir();
	size_t n = top ? strlen(top) : 0;

	if (!n || strncmp(path, top, n) || strncmp(path + n, "/instances/", 11) ||
	    !path[n + 11] || strchr(path + n + 11, '/'))
		return NULL;
	return path + n + 11;
}

/* path is <tracing dir>/kprobe_events of the directory libtracefs was given. */
static int is_our_kprobe_events(const char *path)
{
	const char *top = tb_tracefs_dir();
	size_t n = top ? strlen(top) : 0;

	return n && !strncmp(path, top, n) && !strcmp(path + n, "/kprobe_events");
}

/*
 * A kprobe entry through libtracefs: "p:GRP/EV ADDR [ARGS]", "r:GRP/EV ADDR [ARGS]"
 * or "-:GRP/EV".  Returns 0, -errno, or 1 when the entry is not one of these (the
 * caller appends it as it is).
 */
static int kprobe_entry(const char *entry)
{
	struct tracefs_dynevent *dev = NULL;
	char buf[4096], *grp, *ev, *addr = NULL, *args = NULL, *sp;
	int r, e;

	if ((entry[0] != 'p' && entry[0] != 'r' && entry[0] != '-') || entry[1] != ':' ||
	    strlen(entry) >= sizeof(buf))
		return 1;
	snprintf(buf, sizeof(buf), "%s", entry + 2);
	buf[strcspn(buf, "\n")] = 0;
	grp = buf;
	sp = strchr(grp, ' ');
	if (sp) {
		*sp = 0;
		addr = sp + 1;
		if ((sp = strchr(addr, ' '))) {
			*sp = 0;
			args = sp + 1;
		}
	}
	ev = strchr(grp, '/');
	if (!ev || ev == grp || !ev[1] || (entry[0] == '-') != !addr)
		return 1;
	*ev++ = 0;
	errno = 0;
	if (entry[0] == '-') {
		/* not tracefs_dynevent_get(): 1.6 frees its unterminated list past the end
		 * when the name is not of the type asked (an abort seen in the qemu tier) */
		struct tracefs_dynevent **all;
		int i;

		all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE, grp);
		for (i = 0; all && all[i]; i++) {
			char *name = NULL;

			tracefs_dynevent_info(all[i], NULL, &name, NULL, NULL, NULL);
			if (name && !strcmp(name, ev))
				dev = all[i];
			free(name);
			if (dev)
				break;
		}
		errno = 0;
		r = dev ? tracefs_dynevent_destroy(dev, false) : -1;
		e = dev ? errno : ENOENT;
		tracefs_dynevent_list_free(all);
		return r < 0 ? -(e ? e : EIO) : 0;
	} else {
		dev = entry[0] == 'p' ? tracefs_kprobe_alloc(grp, ev, addr, args && *args ? args : NULL) :
			tracefs_kretprobe_alloc(grp, ev, addr, args && *args ? args : NULL, 0);
		if (!dev)
			return errno ? -errno : -ENOMEM;
		errno = 0;
		r = tracefs_dynevent_create(dev);
	}
	e = errno;
	tracefs_dynevent_free(dev);
	return r < 0 ? -(e ? e : EIO) : 0;
}

int tb_ctl_append(const char *path, const char *entry)
{
	struct strbuf sb = STRBUF_INIT;
	char dir[PATH_MAX], ev[PATH_MAX + 256];
	const char *base = strrchr(path, '/');
	int r;

	if (!tb_ctl_is_plain(path)) {
		if (is_our_kprobe_events(path) && (r = kprobe_entry(entry)) <= 0)
			return r;
		return tb_write_ctl(path, entry, 1);
	}
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
	const char *name = instance_name(path);
	char *inst;

	if (name) {
		struct tracefs_instance *ti;
		int is_new;

		/* 1.6's tracefs_instance_create() leaks on a failed mkdir: no instances/ is
		 * the one failure worth saying before calling it */
		snprintf(top, sizeof(top), "%s/instances", tb_tracefs_dir());
		if (!tb_exists(top))
			return -ENOENT;
		errno = 0;
		ti = tracefs_instance_create(name);
		if (!ti)
			return errno ? -errno : -EIO;
		is_new = tracefs_instance_is_new(ti);
		tracefs_instance_free(ti);
		if (!is_new)
			return -EEXIST;
	} else if (mkdir(path, 0755) < 0) {
		return -errno;
	}
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
	const char *name = instance_name(path);
	struct tracefs_instance *ti;
	int r, e;

	if (tb_ctl_is_plain(path))
		return rm_rf(path);
	if (!name)
		return rmdir(path) < 0 ? -errno : 0;
	ti = tracefs_instance_alloc(tb_tracefs_dir(), name);
	if (!ti)
		return tb_exists(path) ? -ENOMEM : -ENOENT;
	errno = 0;
	r = tracefs_instance_destroy(ti);
	e = errno;
	tracefs_instance_free(ti);
	return r < 0 ? -(e ? e : EIO) : 0;
}
