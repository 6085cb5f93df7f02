/*
 * lock.c - one run at a time (flock on <rundir>/lock holding the pid; where the
 * kernel has no file locks, an O_EXCL lock file holding pid and start time), and the
 * list of what other users have set up in tracing (see lock.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "apply/journal.h"
#include "apply/lock.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

/*
 * Start time of a process (field 22 of /proc/<pid>/stat, clock ticks since boot):
 * with the pid it names one process for good, so a reused pid is not taken for the
 * run that held the lock.  0 when the process does not exist (or /proc says nothing).
 */
unsigned long long tb_proc_start_time(pid_t pid)
{
	struct strbuf sb = STRBUF_INIT;
	char path[64];
	unsigned long long t = 0;
	const char *p;
	int field;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (tb_read_file(path, &sb) == 0 && (p = strrchr(sb.buf, ')'))) {
		/* after "pid (comm)": field 3 is the state; the start time is field 22 */
		for (field = 2; *p && field < 22; p++)
			if (*p == ' ')
				field++;
		if (field == 22)
			t = strtoull(p, NULL, 10);
	}
	strbuf_release(&sb);
	return t;
}

/* "PID STARTTIME\n" of a lock file; 0, or -1 when it is not one (empty, cut, garbage). */
static int read_owner(const char *path, long *pid, unsigned long long *start)
{
	char line[96], *end;

	if (tb_read_line(path, line, sizeof(line)) < 0)
		return -1;
	*pid = strtol(line, &end, 10);
	if (*pid <= 0 || *end != ' ')
		return -1;
	*start = strtoull(end + 1, &end, 10);
	return *start ? 0 : -1;
}

/* Is the owner named in a lock file still running (same pid, same start time)? */
static int owner_alive(long pid, unsigned long long start)
{
	if (kill((pid_t)pid, 0) < 0 && errno != EPERM)
		return 0;
	return tb_proc_start_time((pid_t)pid) == start;
}

/*
 * Create path holding exactly our record, atomically: written to a private file
 * first and linked into place (link fails with EEXIST where path exists), so no one
 * ever reads a half-written lock.  0, -EEXIST, or another -errno.
 */
static int link_record(const char *tmp, const char *path)
{
	return link(tmp, path) == 0 ? 0 : -errno;
}

/* Is the lock at path held by a live run?  1 yes (pid in *pid), 0 stale/absent. */
static int held(const char *path, long *pid)
{
	unsigned long long start;

	if (read_owner(path, pid, &start) < 0) {
		/* garbage or gone: a lock file is only ever linked in whole, so it is stale */
		*pid = 0;
		return 0;
	}
	return owner_alive(*pid, start);
}

int tb_lock_take_file(struct tb_lock *l, const char *dir)
{
	char path[PATH_MAX + 16], tmp[PATH_MAX + 48], take[PATH_MAX + 32], rec[64];
	long pid = 0;
	int fd, n, r, tries;

	l->fd = -1;
	l->file[0] = 0;
	snprintf(path, sizeof(path), "%s/lock.pid", dir);
	snprintf(take, sizeof(take), "%s/lock.takeover", dir);
	snprintf(tmp, sizeof(tmp), "%s/lock.new.%ld", dir, (long)getpid());
	n = snprintf(rec, sizeof(rec), "%ld %llu\n", (long)getpid(), tb_proc_start_time(getpid()));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return tb_error("cannot create %s: %s", tmp, strerror(errno));
	if (write(fd, rec, (size_t)n) != n || fsync(fd) < 0) {
		r = errno;
		close(fd);
		unlink(tmp);
		return tb_error("cannot write %s: %s", tmp, strerror(r));
	}
	close(fd);

	for (tries = 0; tries < 3; tries++) {
		r = link_record(tmp, path);
		if (r == 0)
			goto taken;
		if (r != -EEXIST)
			break;
		if (held(path, &pid))
			goto busy;
		/*
		 * Stale (its run died): only the holder of lock.takeover may remove it, so
		 * two runs finding it stale cannot both think they replaced it.
		 */
		r = link_record(tmp, take);
		if (r == -EEXIST) {
			long tpid;

			if (held(take, &tpid)) {
				pid = tpid;
				goto busy;	/* another run is taking over right now */
			}
			unlink(take);		/* a takeover that died half-way */
			continue;
		}
		if (r < 0)
			break;
		if (!held(path, &pid))
			unlink(path);		/* still the stale one: nobody else removes it */
		r = link_record(tmp, path);
		unlink(take);
		if (r == 0) {
			tb_note("took over the run lock %s left by a run that is gone", path);
			goto taken;
		}
		if (r != -EEXIST)
			break;
		held(path, &pid);	/* a new run came in between: it holds the lock */
		goto busy;
	}
	unlink(tmp);
	return tb_error("cannot take the run lock %s: %s", path, strerror(r == -EEXIST ? EBUSY : -r));
busy:
	unlink(tmp);
	return tb_error_code(TB_EXIT_BUSY, "another tracebook run (pid %ld) is tracing; one run at a time", pid);
taken:
	unlink(tmp);
	snprintf(l->file, sizeof(l->file), "%s", path);
	return 0;
}

int tb_lock_take(struct tb_lock *l)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], buf[32];
	ssize_t n;

	l->fd = -1;
	l->file[0] = 0;
	if (tb_rundir(dir, sizeof(dir), 1) < 0)
		return -TB_EXIT_ERROR;
	snprintf(path, sizeof(path), "%s/lock", dir);
	l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (l->fd < 0)
		return tb_error("cannot open the lock %s: %s", path, strerror(errno));
	if (flock(l->fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		n = pread(l->fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = 0;
		close(l->fd);
		l->fd = -1;
		if (e == EWOULDBLOCK)
			return tb_error_code(TB_EXIT_BUSY, "another tracebook run (pid %ld) is tracing; one run at a time",
					     strtol(buf, NULL, 10));
		if (e == ENOSYS || e == EOPNOTSUPP)	/* no CONFIG_FILE_LOCKING (or no locks on this fs) */
			return tb_lock_take_file(l, dir);
		return tb_error("cannot lock %s: %s", path, strerror(e));
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(l->fd, 0) < 0 || pwrite(l->fd, buf, (size_t)n, 0) != n)
		tb_warn("cannot write the pid into %s: %s", path, strerror(errno));
	return 0;
}

void tb_lock_release(struct tb_lock *l)
{
	if (l->fd >= 0) {
		if (ftruncate(l->fd, 0) < 0) {
			/* only a stale pid is left behind; the flock goes with close */
		}
		close(l->fd);
	}
	l->fd = -1;
	if (l->file[0]) {
		long pid;
		unsigned long long start;

		/* ours only: never remove a lock someone took over from us */
		if (read_owner(l->file, &pid, &start) == 0 && pid == (long)getpid())
			unlink(l->file);
		l->file[0] = 0;
	}
}
static void addf(struct strlist *out, const char *fmt, ...) TB_PRINTF(2, 3);
static void addf(struct strlist *out, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strlist_add(out, strbuf_str(&sb));
	strbuf_release(&sb);
}

unsigned tb_others_tracing(const struct tb_caps *caps, struct strlist *out)
{
	size_t before = out->n, i;

	if (caps->current_tracer[0] && strcmp(caps->current_tracer, "nop"))
		addf(out, "current_tracer is '%s'", caps->current_tracer);
	if (caps->events_enabled.n) {
		struct strbuf sb = STRBUF_INIT;

		for (i = 0; i < caps->events_enabled.n && i < 6; i++)
			strbuf_addf(&sb, "%s%s", i ? " " : "", caps->events_enabled.v[i]);
		if (caps->events_enabled.n > 6)
			strbuf_addf(&sb, " ... (%zu in all)", caps->events_enabled.n);
		addf(out, "events enabled: %s", strbuf_str(&sb));
		strbuf_release(&sb);
	}
	if (caps->kprobes_defined)
		addf(out, "%u kprobe(s) defined in kprobe_events", caps->kprobes_defined);
	if (caps->ftrace_filter_set == 1)	/* -1: unreadable (EPERM), not known to be set */
		addf(out, "set_ftrace_filter is set");
	for (i = 0; i < caps->instances_present.n; i++) {
		const char *name = caps->instances_present.v[i];
		long pid;

		if (!strncmp(name, "tracebook-", 10)) {
			pid = strtol(name + 10, NULL, 10);
			if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
				continue;	/* a live tracebook run's own instance */
		}
		addf(out, "instance '%s' exists", name);
	}
	if (caps->opt_stacktrace_on)
		addf(out, "options/stacktrace is on");
	return (unsigned)(out->n - before);
}
