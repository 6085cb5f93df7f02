/*
 * journal.c - the run's undo journal: durable records before each kernel write, and
 * the backwards replay that puts the kernel's tracing state back (see journal.h).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "util/alloc.h"
#include "apply/apply.h"
#include "apply/journal.h"
#include "kernel/ctl-value.h"
#include "kernel/tracefs.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"
#include "util/strlist.h"

#define JOURNAL_MAGIC "tracebook-journal 1"

static int mkdir_p(const char *dir)
{
	char tmp[PATH_MAX];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int tb_rundir(char *buf, size_t size, int create)
{
	const char *env = getenv("TRACEBOOK_RUNDIR");
	const char *dir;
	int r;

	if (env && *env)
		dir = env;
	else if (tb_exists("/run"))
		dir = "/run/tracebook";
	else
		dir = "/var/run/tracebook";
	if (snprintf(buf, size, "%s", dir) >= (int)size)
		return tb_error("run directory path too long: %s", dir);
	if (create && (r = mkdir_p(buf)) < 0)
		return tb_error("cannot create the run directory %s: %s", buf, strerror(-r));
	return 0;
}

static void add_escaped(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '\\': strbuf_addstr(sb, "\\\\"); break;
		case '\n': strbuf_addstr(sb, "\\n"); break;
		case '\t': strbuf_addstr(sb, "\\t"); break;
		default: strbuf_addch(sb, *s);
		}
	}
}

/* Undo add_escaped in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*w++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
		} else {
			*w++ = *s;
		}
	}
	*w = 0;
}

static int write_all_sync(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += n;
		len -= (size_t)n;
	}
	return fsync(fd) < 0 ? -errno : 0;
}

int tb_journal_open(struct tb_journal *j, const char *tracefs, const char *recipe)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct strbuf sb = STRBUF_INIT;
	const char *mnt, *fs;
	int r, dfd;

	j->fd = -1;
	j->path = NULL;
	if (tb_rundir(dir, sizeof(dir), 1) < 0)
		return -TB_EXIT_ERROR;
	snprintf(path, sizeof(path), "%s/journal-%ld", dir, (long)getpid());
	j->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0)
		return tb_error("cannot create the journal %s: %s", path, strerror(errno));
	j->path = strdup(path);
	strbuf_addf(&sb, JOURNAL_MAGIC "\ntracefs\t");
	add_escaped(&sb, tracefs);
	strbuf_addf(&sb, "\npid\t%ld\nstart\t%lld\nrecipe\t", (long)getpid(), (long long)time(NULL));
	add_escaped(&sb, recipe ? recipe : "");
	strbuf_addch(&sb, '\n');
	if ((mnt = tb_tracefs_ours(&fs)) != NULL) {
		/* replayed last: a run killed before main unmounted it leaves no mount behind */
		strbuf_addstr(&sb, "M\t");
		add_escaped(&sb, mnt);
		strbuf_addch(&sb, '\t');
		add_escaped(&sb, fs);
		strbuf_addch(&sb, '\n');
	}
	r = strbuf_failed(&sb) || !j->path ? -ENOMEM : write_all_sync(j->fd, sb.buf, sb.len);
	strbuf_release(&sb);
	if (r < 0) {
		tb_error("cannot write the journal %s: %s", path, strerror(-r));
		close(j->fd);
		unlink(path);
		free(j->path);
		j->path = NULL;
		j->fd = -1;
		return -TB_EXIT_ERROR;
	}
	/* the new directory entry must survive a power cut too */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

static int record(struct tb_journal *j, char kind, const char *path, const char *arg)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	if (j->fd < 0)
		return tb_error("journal is not open");
	strbuf_addch(&sb, kind);
	strbuf_addch(&sb, '\t');
	add_escaped(&sb, path);
	if (arg) {
		strbuf_addch(&sb, '\t');
		add_escaped(&sb, arg);
	}
	strbuf_addch(&sb, '\n');
	r = strbuf_failed(&sb) ? -ENOMEM : write_all_sync(j->fd, sb.buf, sb.len);
	strbuf_release(&sb);
	if (r < 0)
		return tb_error("cannot write the journal %s: %s; nothing more will be changed",
				j->path, strerror(-r));
	return 0;
}

int tb_journal_write(struct tb_journal *j, const char *path, const char *old_value)
{
	return record(j, 'W', path, old_value ? old_value : "");
}

int tb_journal_append(struct tb_journal *j, const char *path, const char *undo)
{
	return record(j, 'A', path, undo);
}

int tb_journal_mkdir(struct tb_journal *j, const char *path)
{
	return record(j, 'D', path, NULL);
}

void tb_journal_close(struct tb_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	free(j->path);
	j->path = NULL;
}

/* ---- restore -------------------------------------------------------------------- */

struct rec {
	char kind;
	char *path, *arg;
};

/* Is our entry (the thing UNDO removes) still in the file at path? */
static int entry_present(const char *path, const char *undo)
{
	struct strbuf sb = STRBUF_INIT;
	const char *l;
	int found = 0;

	if (tb_read_file(path, &sb) < 0) {
		strbuf_release(&sb);
		return 0;
	}
	if (!strncmp(undo, "-:", 2)) {
		/* kprobe_events lines "p:grp/name sym args" */
		size_t n = strlen(undo + 2);

		for (l = sb.buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
			const char *c = strchr(l, ':');

			if (c && c < strchr(l, '\n') && !strncmp(c + 1, undo + 2, n) &&
			    (c[1 + n] == ' ' || c[1 + n] == '\n' || !c[1 + n]))
				found = 1;
		}
	} else if (undo[0] == '!') {
		size_t n = strlen(undo + 1);

		for (l = sb.buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
			if (*l != '#' && !strncmp(l, undo + 1, n) &&
			    (l[n] == '\n' || l[n] == ' ' || l[n] == ':' || l[n] == '\t' || !l[n]))
				found = 1;
	}
	strbuf_release(&sb);
	return found;
}

/*
 * A tracefs/debugfs the run mounted.  The run's own process unmounts it in main once
 * every file is closed; a run that died (kill -9) could not, so `restore` does.  A busy
 * mount is only a warning: the tracing state itself is back.
 */
static void restore_mount(const struct rec *rc, struct tb_restore_result *res)
{
	const char *ours = tb_tracefs_ours(NULL);

	if (ours && !strcmp(ours, rc->path))
		return;		/* this process mounted it: main unmounts it at exit */
	if (tb_tracefs_mounted_at(rc->arg, rc->path) != 1) {
		res->unchanged++;	/* already unmounted */
		return;
	}
	if (umount(rc->path) < 0) {
		tb_warn("could not unmount %s at %s, which the run mounted: %s; 'umount %s' when it is no longer in use",
			rc->arg, rc->path, strerror(errno), rc->path);
		return;
	}
	tb_note("unmounted %s at %s (the run had mounted it)", rc->arg, rc->path);
	res->restored++;
}

static int restore_one(const struct rec *rc, int verbose, struct tb_restore_result *res)
{
	struct strbuf cur = STRBUF_INIT;
	char *now = NULL;
	int r, tries;

	switch (rc->kind) {
	case 'W': {
		/* rc->arg is the raw content read before our write */
		char *was = NULL;
		int plain = tb_ctl_is_plain(rc->path);

		r = tb_read_file(rc->path, &cur);
		if (r == -ENOENT || r == -ENOTDIR) {
			res->unchanged++;		/* the file went away with its instance/probe */
			break;
		}
		if (plain && strrchr(rc->path, '/') && !strcmp(strrchr(rc->path, '/'), "/buffer_size_kb")) {
			/* a size, written as the kernel's would be (per CPU and total follow); the
			 * fake kernel, like the real one, cannot be made unexpanded again: what
			 * restore leaves is the expanded size (tb_ctl_restore_value) */
			plain = 0;
		}
		if (plain) {
			if (r == 0 && !strcmp(cur.buf, rc->arg)) {
				res->unchanged++;
				break;
			}
			r = tb_ctl_write_raw(rc->path, rc->arg);
			was = strdup(strbuf_str(&cur));
			now = strdup(rc->arg);
		} else {
			was = r < 0 ? NULL : tb_ctl_restore_value(rc->path, strbuf_str(&cur));
			now = tb_ctl_restore_value(rc->path, rc->arg);
			if (!now) {
				free(was);
				res->failed++;
				break;
			}
			if (was && !strcmp(was, now)) {
				free(was);
				res->unchanged++;
				break;
			}
			r = tb_ctl_write(rc->path, now);
		}
		if (r == -ENOENT) {
			res->unchanged++;
		} else if (r < 0) {
			tb_warn("could not restore %s to '%s': %s", rc->path, now ? now : "?", strerror(-r));
			res->failed++;
		} else {
			if (verbose) {
				struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

				strbuf_addstr(&a, now ? now : "");
				strbuf_rtrim(&a);
				strbuf_addstr(&b, was ? was : "?");
				strbuf_rtrim(&b);
				tb_note("restored %s = '%s' (was '%s')", rc->path, strbuf_str(&a), strbuf_str(&b));
				strbuf_release(&a);
				strbuf_release(&b);
			}
			res->restored++;
		}
		free(was);
		break;
	}
	case 'A':
		if (!tb_exists(rc->path) || !entry_present(rc->path, rc->arg)) {
			res->unchanged++;
			break;
		}
		r = tb_ctl_append(rc->path, rc->arg);
		if (r < 0 && entry_present(rc->path, rc->arg)) {
			tb_warn("could not remove our entry from %s ('%s'): %s", rc->path, rc->arg, strerror(-r));
			res->failed++;
			break;
		}
		if (verbose)
			tb_note("removed our entry from %s ('%s')", rc->path, rc->arg);
		res->restored++;
		break;
	case 'M':
		restore_mount(rc, res);
		break;
	case 'D':
		for (tries = 0; tries < 50; tries++) {
			r = tb_ctl_rmdir(rc->path);
			if (r != -EBUSY)
				break;
			usleep(20000);		/* a reader of the instance is still closing */
		}
		if (r == -ENOENT) {
			res->unchanged++;
		} else if (r < 0) {
			tb_warn("could not remove the instance %s: %s", rc->path, strerror(-r));
			res->failed++;
		} else {
			if (verbose)
				tb_note("removed instance %s", rc->path);
			res->restored++;
		}
		break;
	}
	free(now);
	strbuf_release(&cur);
	return 0;
}

int tb_journal_header(const char *path, pid_t *pid, long long *start, char *tracefs, size_t size)
{
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;
	int ok = 0;

	if (tb_read_file(path, &sb) < 0 || strncmp(strbuf_str(&sb), JOURNAL_MAGIC "\n", strlen(JOURNAL_MAGIC) + 1)) {
		strbuf_release(&sb);
		return -1;
	}
	*pid = 0;
	*start = 0;
	if (tracefs && size)
		tracefs[0] = 0;
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "pid\t", 4)) {
			*pid = (pid_t)strtol(line + 4, NULL, 10);
			ok = 1;
		} else if (!strncmp(line, "start\t", 6)) {
			*start = strtoll(line + 6, NULL, 10);
		} else if (!strncmp(line, "tracefs\t", 8) && tracefs) {
			unescape(line + 8);
			snprintf(tracefs, size, "%s", line + 8);
		}
	}
	strbuf_release(&sb);
	return ok ? 0 : -1;
}

int tb_journal_restore(const char *path, int verbose, struct tb_restore_result *res)
{
	struct strbuf sb = STRBUF_INIT;
	struct rec *recs = NULL;
	size_t n = 0, alloc = 0, i;
	char *line, *save = NULL;
	int r, bad = 0;

	memset(res, 0, sizeof(*res));
	r = tb_read_file(path, &sb);
	if (r < 0) {
		strbuf_release(&sb);
		return tb_error_code(TB_EXIT_RESTORE, "cannot read the journal %s: %s", path, strerror(-r));
	}
	if (strncmp(strbuf_str(&sb), JOURNAL_MAGIC "\n", strlen(JOURNAL_MAGIC) + 1)) {
		strbuf_release(&sb);
		return tb_error_code(TB_EXIT_RESTORE, "%s is not a tracebook journal", path);
	}
	/* a last line without its newline was cut by a crash: its kernel write never happened */
	if (sb.len && sb.buf[sb.len - 1] != '\n') {
		char *nl = strrchr(sb.buf, '\n');

		strbuf_setlen(&sb, nl ? (size_t)(nl - sb.buf) + 1 : 0);
		bad++;
	}
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *t1, *t2;

		if (!strchr("WADM", line[0]) || !line[0] || line[1] != '\t')
			continue;	/* header lines */
		t1 = line + 2;
		t2 = strchr(t1, '\t');
		if (t2)
			*t2++ = 0;
		if ((line[0] != 'D' && !t2) || !*t1) {
			bad++;		/* a record cut by a crash mid-write: its write never happened */
			continue;
		}
		if (ALLOC_GROW(recs, n + 1, alloc)) {
			free(recs);
			strbuf_release(&sb);
			return tb_error_code(TB_EXIT_RESTORE, "out of memory");
		}
		unescape(t1);
		if (t2)
			unescape(t2);
		recs[n].kind = line[0];
		recs[n].path = t1;
		recs[n].arg = t2;
		n++;
	}
	for (i = n; i-- > 0;)
		restore_one(&recs[i], verbose, res);
	free(recs);
	strbuf_release(&sb);
	if (res->failed)
		return tb_error_code(TB_EXIT_RESTORE,
				     "%u setting(s) could not be put back; the journal %s is kept: run `tracebook restore` again",
				     res->failed, path);
	if (unlink(path) < 0 && errno != ENOENT)
		return tb_error_code(TB_EXIT_RESTORE, "everything restored, but the journal %s could not be removed: %s",
				     path, strerror(errno));
	(void)bad;
	return 0;
}

/* Is pid a live tracebook process (not a reused pid)? */
static int run_alive(pid_t pid)
{
	char path[64], comm[64];

	if (pid <= 0 || pid == getpid())
		return 0;
	if (kill(pid, 0) < 0 && errno != EPERM)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if (tb_read_line(path, comm, sizeof(comm)) < 0)
		return 1;	/* cannot tell: assume it is alive, never undo a live run */
	return !strncmp(comm, "tracebook", 9);
}

int tb_journal_restore_dead(int verbose, unsigned *nrestored, unsigned *nalive)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *e;
	int ret = 0;

	*nrestored = 0;
	if (nalive)
		*nalive = 0;
	if (tb_rundir(dir, sizeof(dir), 0) < 0)
		return -TB_EXIT_ERROR;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : tb_error("cannot read %s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		char path[PATH_MAX + 300], tracefs[PATH_MAX];
		struct tb_restore_result res;
		long long start;
		pid_t pid;
		int r;

		if (strncmp(e->d_name, "journal-", 8))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (tb_journal_header(path, &pid, &start, tracefs, sizeof(tracefs)) < 0) {
			tb_warn("%s is not a tracebook journal: left alone", path);
			continue;
		}
		if (run_alive(pid)) {
			if (nalive)
				(*nalive)++;
			tb_note("run %ld is still running: its journal %s is left to it", (long)pid, path);
			continue;
		}
		{
			char when[64];
			time_t t = (time_t)start;
			struct tm tm;

			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
			tb_note("restoring what run %ld (started %s, tracing at %s) left behind", (long)pid,
				when, tracefs);
		}
		{
			/* libtracefs (instances, kprobes in apply-ctl.c) works on the run's tracing
			 * directory while its journal is replayed */
			char prev[PATH_MAX];

			snprintf(prev, sizeof(prev), "%s", tb_tracefs_dir() ? tb_tracefs_dir() : "");
			tb_tracefs_set_dir(tracefs);
			r = tb_journal_restore(path, verbose, &res);
			tb_tracefs_set_dir(prev[0] ? prev : NULL);
		}
		tb_note("run %ld: %u setting(s) put back, %u already as before%s", (long)pid, res.restored,
			res.unchanged, res.failed ? ", some could NOT be put back" : "");
		if (r < 0)
			ret = r;
		else
			(*nrestored)++;
	}
	closedir(d);
	return ret;
}
