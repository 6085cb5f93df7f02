/*
 * apply.c - carry out a plan: journal first, then write only if different; append to
 * files holding other users' entries; never truncate a control file.  A refused write
 * is reported with the kernel's own reason (error_log, the filter's parse error, or
 * the last kernel log lines).  See apply.h.
 *
 * The kernel's reason comes from libtracefs where it can give it: tracefs_error_last()
 * cuts the newest entry (message, command, caret) out of error_log (5.4+).  Counting
 * error_log's lines before a write stays ours: libtracefs has no "was anything logged
 * since" and a stale entry from another user must not be blamed on our write.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <tracefs.h>
#include "apply/apply.h"
#include "kernel/ctl-value.h"
#include "kernel/tracefs.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

long tb_error_log_lines(const struct tb_caps *caps)
{
	struct strbuf sb = STRBUF_INIT;
	char path[PATH_MAX + 16];
	long n = 0;
	size_t i;

	if (!caps->error_log)
		return -1;
	snprintf(path, sizeof(path), "%s/error_log", caps->tracefs);
	if (tb_read_file(path, &sb) < 0) {
		strbuf_release(&sb);
		return -1;
	}
	for (i = 0; i < sb.len; i++)
		n += sb.buf[i] == '\n';
	strbuf_release(&sb);
	return n;
}

/* Print the last n lines of text, indented. */
static void print_tail(const char *text, unsigned n, long skip_lines)
{
	const char *p = text + strlen(text);
	unsigned seen = 0;
	const char *q;

	while (p > text && seen <= n) {
		p--;
		if (*p == '\n' && p[1])
			seen++;
		if (seen > n)
			break;
	}
	if (*p == '\n')
		p++;
	/* do not repeat lines that were there before the write */
	if (skip_lines >= 0) {
		long line = 0;

		for (q = text; *q && line < skip_lines; q++)
			line += *q == '\n';
		if (q > p)
			p = q;
	}
	while (*p) {
		const char *eol = strchr(p, '\n');
		int len = eol ? (int)(eol - p) : (int)strlen(p);

		fprintf(stderr, "    | %.*s\n", len, p);
		p = eol ? eol + 1 : p + len;
	}
}

void tb_kernel_reason(const struct tb_caps *caps, long since_lines)
{
	struct strbuf sb = STRBUF_INIT;
	char path[PATH_MAX + 16];
	long now = tb_error_log_lines(caps);
	int len;

	if (now > 0 && now > since_lines) {
		char *last = NULL;

		/* libtracefs reads error_log of the directory tb_tracefs_find() gave it */
		snprintf(path, sizeof(path), "%s", caps->tracefs);
		if (tb_tracefs_dir() && !strcmp(tb_tracefs_dir(), path))
			last = tracefs_error_last(NULL);
		if (last && *last) {
			fprintf(stderr, "  the kernel says (error_log):\n");
			print_tail(last, 6, -1);
			free(last);
			return;
		}
		free(last);
	}
	if (*tb_root()) {
		fprintf(stderr, "  (fake root: no kernel log to show)\n");
		return;
	}
	len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (len > 0 && strbuf_grow(&sb, (size_t)len + 1) == 0) {
		int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, sb.buf, len);

		if (n > 0) {
			strbuf_setlen(&sb, (size_t)n);
			fprintf(stderr, "  last kernel log lines:\n");
			print_tail(sb.buf, 5, -1);
			strbuf_release(&sb);
			return;
		}
	}
	fprintf(stderr, "  (the kernel log is not readable here: %s)\n", strerror(errno));
	strbuf_release(&sb);
}

static void show_value(struct strbuf *sb, const char *v)
{
	for (; v && *v; v++)
		if (*v == '\n')
			strbuf_addstr(sb, "\\n");
		else
			strbuf_addch(sb, *v);
}

static int refused(const struct tb_caps *caps, const struct tb_step *s, int err, long since)
{
	struct strbuf msg = STRBUF_INIT;
	const char *base = strrchr(s->path, '/');

	strbuf_addf(&msg, "the kernel refused: echo '");
	show_value(&msg, s->value);
	strbuf_addf(&msg, "' %s %s: %s", s->kind == TB_STEP_APPEND ? ">>" : ">", s->path, strerror(err));
	if (s->kind == TB_STEP_MKDIR) {
		strbuf_reset(&msg);
		strbuf_addf(&msg, "the kernel refused: mkdir %s: %s", s->path, strerror(err));
	}
	tb_error_code(TB_EXIT_REFUSED, "%s", strbuf_str(&msg));
	strbuf_release(&msg);
	if (base && !strcmp(base, "/filter")) {
		struct strbuf f = STRBUF_INIT;

		/* old kernels explain a bad filter by reading it back */
		if (tb_read_file(s->path, &f) == 0 && strstr(f.buf, "error")) {
			fprintf(stderr, "  the kernel says (%s):\n", s->path);
			print_tail(f.buf, 6, -1);
			strbuf_release(&f);
			return -TB_EXIT_REFUSED;
		}
		strbuf_release(&f);
	}
	tb_kernel_reason(caps, since);
	return -TB_EXIT_REFUSED;
}

/*
 * Only the tracing directory, /sys/kernel/slab/<cache>/{trace,shrink} and
 * /proc/sys/debug/kprobes-optimization (32-bit ARM, plan-kprobe.c) are ever written.
 */
static int allowed_path(const struct tb_caps *caps, const char *path)
{
	size_t t = strlen(caps->tracefs), s = strlen(caps->slab_dir), pd = strlen(caps->proc_dir);
	const char *rest;

	if (strstr(path, "/../") || strstr(path, "/./"))
		return 0;
	if (pd && !strncmp(path, caps->proc_dir, pd) && !strcmp(path + pd, "/sys/debug/kprobes-optimization"))
		return 1;
	if (t && !strncmp(path, caps->tracefs, t) && path[t] == '/')
		return 1;
	if (s && !strncmp(path, caps->slab_dir, s) && path[s] == '/') {
		rest = path + s + 1;
		return strchr(rest, '/') && (!strcmp(strchr(rest, '/'), "/trace") ||
					     !strcmp(strchr(rest, '/'), "/shrink"));
	}
	return 0;
}

int tb_apply(const struct tb_plan *plan, const struct tb_caps *caps, struct tb_journal *j,
	     unsigned *done)
{
	unsigned i;
	int r;

	*done = 0;
	for (i = 0; i < plan->nsteps; i++)
		if (!allowed_path(caps, plan->steps[i].path))
			return tb_error("refusing to write %s: outside the tracing directory, /sys/kernel/slab/*/trace and /proc/sys/debug/kprobes-optimization",
					plan->steps[i].path);
	for (i = 0; i < plan->nsteps; i++) {
		const struct tb_step *s = &plan->steps[i];
		long since = tb_error_log_lines(caps);

		switch (s->kind) {
		case TB_STEP_MKDIR:
			r = tb_journal_mkdir(j, s->path);
			if (r < 0)
				return r;
			*done = i + 1;
			r = tb_ctl_mkdir(s->path);
			if (r == -EEXIST)
				return tb_error_code(TB_EXIT_BUSY, "%s already exists (left by a run that died?): run `tracebook restore`",
						     s->path);
			if (r < 0)
				return refused(caps, s, -r, since);
			break;
		case TB_STEP_APPEND:
			r = tb_journal_append(j, s->path, s->undo);
			if (r < 0)
				return r;
			*done = i + 1;
			r = tb_ctl_append(s->path, s->value);
			if (r < 0)
				return refused(caps, s, -r, since);
			break;
		case TB_STEP_POKE:
			*done = i + 1;		/* nothing to journal: an action, not a setting */
			r = tb_ctl_write(s->path, s->value);
			if (r < 0)
				return refused(caps, s, -r, since);
			break;
		case TB_STEP_KEEP:
		case TB_STEP_WRITE: {
			struct strbuf cur = STRBUF_INIT;
			char *old;

			r = tb_read_file(s->path, &cur);
			if (r < 0) {
				strbuf_release(&cur);
				return refused(caps, s, -r, since);
			}
			old = tb_ctl_restore_value(s->path, cur.buf);
			if (!old) {
				strbuf_release(&cur);
				return tb_error("out of memory");
			}
			/* the raw old content; journaled even when equal: the capture may change it */
			r = tb_journal_write(j, s->path, cur.buf);
			strbuf_release(&cur);
			if (r < 0) {
				free(old);
				return r;
			}
			*done = i + 1;
			if (s->kind == TB_STEP_WRITE && strcmp(old, s->value)) {
				r = tb_ctl_write(s->path, s->value);
				if (r < 0 && s->optional) {
					tb_note("the kernel refused %s = '%s' (%s): going on without it (it stays '%s')",
						s->path, s->value, strerror(-r), old);
					r = 0;
				}
				if (r < 0) {
					free(old);
					return refused(caps, s, -r, since);
				}
			}
			free(old);
			break;
		}
		}
	}
	return 0;
}
