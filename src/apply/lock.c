/*
 * lock.c - one run at a time (flock on <rundir>/lock holding the pid), and the list
 * of what other users have set up in tracing (see lock.h).
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
#include "util/strbuf.h"

int tb_lock_take(struct tb_lock *l)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], buf[32];
	ssize_t n;

	l->fd = -1;
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
