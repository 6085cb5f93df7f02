/*
 * test_journal.c - apply, journal and restore on fake kernel trees
 * (tests/fake/mktree.sh): apply then restore leaves the tree byte-identical (other
 * users' kprobes and triggers included); a run that dies after applying is undone by
 * the dead-run restore; a journal record cut by a crash is ignored; restore is
 * idempotent; the run lock admits one holder.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <tracefs.h>
#include "apply/apply.h"
#include "apply/journal.h"
#include "apply/lock.h"
#include "kernel/tracefs.h"
#include "plan/plan.h"
#include "util/fileio.h"
#include "util/strbuf.h"
#include "util/strlist.h"

static char tmpdir[256];

/* ---- tree snapshots ---- */
static struct strlist *snap_list;

static int snap_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	struct strbuf sb = STRBUF_INIT;

	(void)f;
	strbuf_addf(&sb, "%s %o", p, st->st_mode);
	if (flag == FTW_F) {
		const char *base = strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
		char *ex;
		size_t head;

		strbuf_addstr(&sb, "\n");
		head = sb.len;
		tb_read_file(p, &sb);
		/* the one irreversible first-use effect, by name: a ring buffer found
		 * "N (expanded: M)" may end expanded to M, never at N */
		if ((!strcmp(base, "buffer_size_kb") || !strcmp(base, "buffer_total_size_kb")) &&
		    (ex = strstr(sb.buf, " (expanded: "))) {
			char m[32];

			snprintf(m, sizeof(m), "%lu\n", strtoul(ex + 12, NULL, 10));
			strbuf_setlen(&sb, head);
			strbuf_addstr(&sb, m);
		}
	} else if (flag == FTW_SL) {
		char l[256];
		ssize_t n = readlink(p, l, sizeof(l) - 1);

		strbuf_addf(&sb, " -> %.*s", (int)(n > 0 ? n : 0), l);
	}
	strlist_add(snap_list, sb.buf);
	strbuf_release(&sb);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *snapshot(const char *root)
{
	struct strlist l = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	snap_list = &l;
	nftw(root, snap_cb, 16, FTW_PHYS);
	qsort(l.v, l.n, sizeof(l.v[0]), cmp_str);
	for (i = 0; i < l.n; i++)
		strbuf_addf(&sb, "%s\n--\n", l.v[i]);
	strlist_clear(&l);
	return strbuf_detach(&sb, NULL);
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

static int setup(void **state)
{
	char cmd[512];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tb-test-journal.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(cmd, sizeof(cmd), "bash tests/fake/mktree.sh 4.19 %s/k419 >/dev/null && "
		 "bash tests/fake/mktree.sh 3.10 %s/k310 >/dev/null && mkdir %s/run", tmpdir, tmpdir, tmpdir);
	if (system(cmd) != 0)
		return -1;
	setenv("TRACEBOOK_RUNDIR", strcat(strcpy(cmd, tmpdir), "/run"), 1);
	return 0;
}

static int teardown(void **state)
{
	nftw(tmpdir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ---- hand-made plans ---- */
static void step(struct tb_plan *p, enum tb_step_kind k, const char *path, const char *value,
		 const char *undo)
{
	struct tb_step *s;

	p->steps = realloc(p->steps, (p->nsteps + 1) * sizeof(*s));
	s = &p->steps[p->nsteps++];
	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->path = strdup(path);
	s->value = value ? strdup(value) : NULL;
	s->undo = undo ? strdup(undo) : NULL;
}

static void plan_419(struct tb_plan *p, const char *t, const char *slab)
{
	char a[512], b[512];

	memset(p, 0, sizeof(*p));
	snprintf(a, sizeof(a), "%s/kprobe_events", t);
	step(p, TB_STEP_APPEND, a, "p:tracebook/kn kernfs_new_node parent=%x0:x64", "-:tracebook/kn");
	snprintf(b, sizeof(b), "%s/instances/tracebook-1", t);
	step(p, TB_STEP_MKDIR, b, NULL, NULL);
	snprintf(a, sizeof(a), "%s/buffer_size_kb", t);	/* as the planner does (unexpanded) */
	step(p, TB_STEP_KEEP, a, "1408", NULL);
	snprintf(a, sizeof(a), "%s/buffer_size_kb", b);
	step(p, TB_STEP_WRITE, a, "8192", NULL);
	snprintf(a, sizeof(a), "%s/events/kmem/kmalloc/filter", b);
	step(p, TB_STEP_WRITE, a, "bytes_alloc == 64", NULL);
	snprintf(a, sizeof(a), "%s/events/kmem/kmalloc/trigger", b);
	step(p, TB_STEP_APPEND, a, "stacktrace if bytes_alloc == 64", "!stacktrace");
	snprintf(a, sizeof(a), "%s/events/kmem/kmalloc/enable", b);
	step(p, TB_STEP_WRITE, a, "1", NULL);
	snprintf(a, sizeof(a), "%s/events/tracebook/kn/enable", b);
	step(p, TB_STEP_WRITE, a, "1", NULL);
	snprintf(a, sizeof(a), "%s/events/kmem/kfree/filter", t);
	step(p, TB_STEP_WRITE, a, "ptr != 0", NULL);
	snprintf(a, sizeof(a), "%s/events/kmem/kfree/trigger", t);
	step(p, TB_STEP_APPEND, a, "stacktrace", "!stacktrace");
	snprintf(a, sizeof(a), "%s/kmalloc-64/trace", slab);
	step(p, TB_STEP_WRITE, a, "1", NULL);
	snprintf(a, sizeof(a), "%s/tracing_on", t);
	step(p, TB_STEP_WRITE, a, "1", NULL);
}

static void caps_for(struct tb_caps *c, const char *t, const char *slab)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->tracefs, sizeof(c->tracefs), "%s", t);
	snprintf(c->slab_dir, sizeof(c->slab_dir), "%s", slab);
}

static void paths(char *t, size_t ts, char *slab, size_t ss, const char *era)
{
	snprintf(t, ts, "%s/%s/sys/kernel/%s", tmpdir, era, strstr(era, "310") ? "debug/tracing" : "tracing");
	snprintf(slab, ss, "%s/%s/sys/kernel/slab", tmpdir, era);
}

/* Foreign users: a kprobe and a trigger that must survive. */
static void add_foreign(const char *t)
{
	char a[512];

	snprintf(a, sizeof(a), "%s/kprobe_events", t);
	assert_int_equal(tb_ctl_append(a, "p:kprobes/foreign do_sys_open"), 0);
	snprintf(a, sizeof(a), "%s/events/kmem/kfree/trigger", t);
	assert_int_equal(tb_ctl_append(a, "traceoff"), 0);
	snprintf(a, sizeof(a), "%s/events/kmem/kmalloc/filter", t);
	assert_int_equal(tb_ctl_write(a, "common_pid == 42"), 0);
}

static void test_apply_restore_identical(void **state)
{
	char t[512], slab[512], path[700], jpath[700];
	struct tb_plan p;
	struct tb_caps c;
	struct tb_journal j;
	struct tb_restore_result res;
	struct strbuf sb = STRBUF_INIT;
	unsigned done;
	char *before, *during, *after;

	paths(t, sizeof(t), slab, sizeof(slab), "k419");
	tb_tracefs_set_dir(t);		/* as tb_tracefs_find() does: libtracefs works there */
	add_foreign(t);
	before = snapshot(tmpdir);
	plan_419(&p, t, slab);
	caps_for(&c, t, slab);
	assert_int_equal(tb_journal_open(&j, t, "test"), 0);
	snprintf(jpath, sizeof(jpath), "%s", j.path);
	assert_int_equal(tb_apply(&p, &c, &j, &done), 0);
	tb_journal_close(&j);
	assert_int_equal(done, p.nsteps);

	/* the writes happened */
	snprintf(path, sizeof(path), "%s/kprobe_events", t);
	tb_read_file(path, &sb);
	assert_non_null(strstr(sb.buf, "p:kprobes/foreign do_sys_open"));
	assert_non_null(strstr(sb.buf, "p:tracebook/kn kernfs_new_node"));
	strbuf_reset(&sb);
	snprintf(path, sizeof(path), "%s/instances/tracebook-1/events/kmem/kmalloc/filter", t);
	tb_read_file(path, &sb);
	assert_string_equal(sb.buf, "bytes_alloc == 64\n");
	strbuf_reset(&sb);
	snprintf(path, sizeof(path), "%s/kmalloc-64/trace", slab);
	tb_read_file(path, &sb);
	assert_string_equal(sb.buf, "1\n");
	strbuf_reset(&sb);
	during = snapshot(tmpdir);
	assert_string_not_equal(before, during);

	/* the journal holds the raw old values, newest last */
	tb_read_file(jpath, &sb);
	assert_non_null(strstr(sb.buf, "A\t"));
	assert_non_null(strstr(sb.buf, "-:tracebook/kn"));
	assert_non_null(strstr(sb.buf, "/instances/tracebook-1\n"));
	strbuf_reset(&sb);

	assert_int_equal(tb_journal_restore(jpath, 0, &res), 0);
	assert_int_equal(res.failed, 0);
	assert_true(res.restored >= 8);
	assert_false(tb_exists(jpath));
	after = snapshot(tmpdir);
	if (strcmp(before, after)) {
		tb_write_file_atomic("/tmp/tb-test-journal-before", before, strlen(before));
		tb_write_file_atomic("/tmp/tb-test-journal-after", after, strlen(after));
	}
	assert_string_equal(before, after);

	/* a second restore of the same (re-created) journal changes nothing */
	assert_int_equal(tb_write_file_atomic(jpath, "tracebook-journal 1\npid\t1\n", 27), 0);
	assert_int_equal(tb_journal_restore(jpath, 0, &res), 0);
	assert_int_equal(res.restored, 0);
	free(after);
	after = snapshot(tmpdir);
	assert_string_equal(before, after);

	free(before);
	free(during);
	free(after);
	strbuf_release(&sb);
	tb_plan_free(&p);
	tb_tracefs_set_dir(NULL);
}

/*
 * Instances are made through libtracefs in the directory tb_tracefs_set_dir() gave it
 * (a fake tree here, 4.19 tracefs and 3.10 debugfs layouts): a new one is created, an
 * existing one is EEXIST (never adopted), no instances/ is ENOENT.
 */
static void test_instance_through_libtracefs(void **state)
{
	static const char *const eras[] = { "k419", "k310" };
	char t[512], slab[512], path[700];
	unsigned i;

	for (i = 0; i < 2; i++) {
		paths(t, sizeof(t), slab, sizeof(slab), eras[i]);
		tb_tracefs_set_dir(t);
		assert_string_equal(tracefs_tracing_dir(), t);
		snprintf(path, sizeof(path), "%s/instances/tb-unit", t);
		assert_false(tracefs_dir_exists(tb_tracefs_top(), "instances/tb-unit"));
		assert_int_equal(tb_ctl_mkdir(path), 0);
		assert_true(tracefs_dir_exists(tb_tracefs_top(), "instances/tb-unit"));
		/* the fake kernel filled it like the real one does */
		snprintf(path, sizeof(path), "%s/instances/tb-unit/events/kmem/kmalloc/enable", t);
		assert_true(tb_exists(path));
		snprintf(path, sizeof(path), "%s/instances/tb-unit", t);
		assert_int_equal(tb_ctl_mkdir(path), -EEXIST);
		assert_int_equal(tb_ctl_rmdir(path), 0);
		assert_false(tb_exists(path));
		assert_false(tracefs_dir_exists(tb_tracefs_top(), "instances/tb-unit"));
	}
	/* a tracing directory without instances/ */
	snprintf(t, sizeof(t), "%s/run", tmpdir);
	tb_tracefs_set_dir(t);
	snprintf(path, sizeof(path), "%s/instances/tb-unit", t);
	assert_int_equal(tb_ctl_mkdir(path), -ENOENT);
	tb_tracefs_set_dir(NULL);
}

/* A run applies, then dies without restoring (kill -9): the dead-run restore undoes it. */
static void test_crash_then_restore(void **state)
{
	char t[512], slab[512], jpath[700];
	struct tb_plan p;
	struct tb_caps c;
	char *before, *after;
	unsigned n, alive;
	pid_t pid;
	int st;

	paths(t, sizeof(t), slab, sizeof(slab), "k310");
	before = snapshot(tmpdir);
	memset(&p, 0, sizeof(p));
	{
		char a[600];

		snprintf(a, sizeof(a), "%s/events/kmem/kmalloc/filter", t);
		step(&p, TB_STEP_WRITE, a, "bytes_alloc == 8192", NULL);
		snprintf(a, sizeof(a), "%s/options/stacktrace", t);
		step(&p, TB_STEP_WRITE, a, "1", NULL);
		snprintf(a, sizeof(a), "%s/events/kmem/kmalloc/enable", t);
		step(&p, TB_STEP_WRITE, a, "1", NULL);
		snprintf(a, sizeof(a), "%s/set_ftrace_filter", t);
		step(&p, TB_STEP_APPEND, a, "alloc_netdev_mqs", "!alloc_netdev_mqs");
		snprintf(a, sizeof(a), "%s/current_tracer", t);
		step(&p, TB_STEP_WRITE, a, "function", NULL);
		snprintf(a, sizeof(a), "%s/kmalloc-1024/trace", slab);
		step(&p, TB_STEP_WRITE, a, "1", NULL);
	}
	caps_for(&c, t, slab);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tb_journal j;
		unsigned done;

		if (tb_journal_open(&j, t, "crash") || tb_apply(&p, &c, &j, &done))
			_exit(1);
		/* a record cut in the middle by the crash: never acted upon */
		if (write(j.fd, "W\t/nonexistent/file\tpart", 24) != 24)
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	snprintf(jpath, sizeof(jpath), "%s/run/journal-%ld", tmpdir, (long)pid);
	assert_true(tb_exists(jpath));
	after = snapshot(tmpdir);
	assert_string_not_equal(before, after);
	free(after);

	assert_int_equal(tb_journal_restore_dead(0, &n, &alive), 0);
	assert_int_equal(n, 1);
	assert_int_equal(alive, 0);
	assert_false(tb_exists(jpath));
	after = snapshot(tmpdir);
	assert_string_equal(before, after);
	free(after);
	/* nothing left: a second call finds nothing */
	assert_int_equal(tb_journal_restore_dead(0, &n, &alive), 0);
	assert_int_equal(n, 0);
	free(before);
	tb_plan_free(&p);
}

/*
 * The top-level ring buffer found unexpanded ("7 (expanded: 1408)"): resizing our
 * instance's buffer expands it for everybody at 7 KB (the fake kernel does what the
 * real one does).  The KEEP step writes nothing, journals it, and restore (at the end,
 * or `tracebook restore` after kill -9) leaves it expanded to 1408, never at 7.
 */
static void keep_plan(struct tb_plan *p, const char *t)
{
	char a[600];

	memset(p, 0, sizeof(*p));
	snprintf(a, sizeof(a), "%s/instances/tracebook-1", t);
	step(p, TB_STEP_MKDIR, a, NULL, NULL);
	snprintf(a, sizeof(a), "%s/buffer_size_kb", t);
	step(p, TB_STEP_KEEP, a, "1408", NULL);
	snprintf(a, sizeof(a), "%s/instances/tracebook-1/buffer_size_kb", t);
	step(p, TB_STEP_WRITE, a, "4096", NULL);
}

static void test_keep_expanded_buffer(void **state)
{
	char t[512], slab[512], top[600], cpu1[600];
	struct strbuf sb = STRBUF_INIT;
	struct tb_restore_result res;
	struct tb_journal j;
	struct tb_plan p;
	struct tb_caps c;
	unsigned done, n, alive;
	char *jpath;
	pid_t pid;
	int st;

	/* fresh trees: the ring buffer not expanded yet, as on a box nobody traced on */
	snprintf(t, sizeof(t), "bash tests/fake/mktree.sh 4.19 %s/keep419 >/dev/null && "
		 "bash tests/fake/mktree.sh 3.10 %s/keep310 >/dev/null", tmpdir, tmpdir);
	assert_int_equal(system(t), 0);
	paths(t, sizeof(t), slab, sizeof(slab), "keep419");
	snprintf(top, sizeof(top), "%s/buffer_size_kb", t);
	snprintf(cpu1, sizeof(cpu1), "%s/per_cpu/cpu1/buffer_size_kb", t);
	caps_for(&c, t, slab);
	keep_plan(&p, t);

	assert_int_equal(tb_journal_open(&j, t, "keep"), 0);
	jpath = strdup(j.path);
	assert_int_equal(tb_apply(&p, &c, &j, &done), 0);
	tb_journal_close(&j);
	assert_int_equal(tb_read_file(top, &sb), 0);
	assert_string_equal(sb.buf, "7\n");		/* marked expanded, left at its minimum */
	strbuf_reset(&sb);
	assert_int_equal(tb_journal_restore(jpath, 0, &res), 0);
	assert_int_equal(tb_read_file(top, &sb), 0);
	assert_string_equal(sb.buf, "1408\n");	/* expanded, like a first use */
	strbuf_reset(&sb);
	assert_int_equal(tb_read_file(cpu1, &sb), 0);
	assert_string_equal(sb.buf, "1408\n");
	strbuf_reset(&sb);
	free(jpath);

	/* already expanded: the KEEP step has nothing to put back */
	assert_int_equal(tb_journal_open(&j, t, "keep"), 0);
	jpath = strdup(j.path);
	assert_int_equal(tb_apply(&p, &c, &j, &done), 0);
	tb_journal_close(&j);
	assert_int_equal(tb_journal_restore(jpath, 0, &res), 0);
	assert_int_equal(tb_read_file(top, &sb), 0);
	assert_string_equal(sb.buf, "1408\n");
	strbuf_reset(&sb);
	free(jpath);

	/* kill -9 on a fresh tree: the dead-run restore does the same */
	paths(t, sizeof(t), slab, sizeof(slab), "keep310");
	snprintf(top, sizeof(top), "%s/buffer_size_kb", t);
	caps_for(&c, t, slab);
	tb_plan_free(&p);
	keep_plan(&p, t);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (tb_journal_open(&j, t, "keep") || tb_apply(&p, &c, &j, &done))
			_exit(1);
		raise(SIGKILL);
		_exit(2);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(tb_read_file(top, &sb), 0);
	assert_string_equal(sb.buf, "7\n");
	strbuf_reset(&sb);
	assert_int_equal(tb_journal_restore_dead(0, &n, &alive), 0);
	assert_int_equal(n, 1);
	assert_int_equal(tb_read_file(top, &sb), 0);
	assert_string_equal(sb.buf, "1408\n");
	strbuf_release(&sb);
	tb_plan_free(&p);
}

/* A live run's journal is never touched by restore; once it is dead, it is replayed. */
static void test_live_journal_left_alone(void **state)
{
	char jpath[700];
	unsigned n, alive;
	int fds[2], st;
	pid_t pid;
	char c;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tb_journal j;

		prctl(PR_SET_NAME, "tracebook", 0, 0, 0);
		if (tb_journal_open(&j, "/x", "live"))
			_exit(1);
		tb_journal_close(&j);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		alarm(20);
		pause();
		_exit(0);
	}
	assert_int_equal(read(fds[0], &c, 1), 1);
	snprintf(jpath, sizeof(jpath), "%s/run/journal-%ld", tmpdir, (long)pid);
	assert_int_equal(tb_journal_restore_dead(0, &n, &alive), 0);
	assert_int_equal(n, 0);
	assert_int_equal(alive, 1);
	assert_true(tb_exists(jpath));
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	assert_int_equal(tb_journal_restore_dead(0, &n, &alive), 0);
	assert_int_equal(n, 1);
	assert_false(tb_exists(jpath));
	close(fds[0]);
	close(fds[1]);
}

/* Nothing outside the tracing dir and slab trace toggles is ever written. */
static void test_outside_refused(void **state)
{
	char t[512], slab[512], a[700];
	struct tb_plan p;
	struct tb_caps c;
	struct tb_journal j;
	unsigned done = 99;
	const char *bad[] = { "/etc/passwd", "%s/../../../etc/x", "%s/kmalloc-64/order", NULL };
	int i;

	paths(t, sizeof(t), slab, sizeof(slab), "k419");
	caps_for(&c, t, slab);
	for (i = 0; bad[i]; i++) {
		memset(&p, 0, sizeof(p));
		snprintf(a, sizeof(a), bad[i], i == 2 ? slab : t);
		step(&p, TB_STEP_WRITE, a, "1", NULL);
		assert_int_equal(tb_journal_open(&j, t, "outside"), 0);
		assert_true(tb_apply(&p, &c, &j, &done) < 0);
		assert_int_equal(done, 0);
		unlink(j.path);
		tb_journal_close(&j);
		tb_plan_free(&p);
	}
}

static void test_lock(void **state)
{
	struct tb_lock a, b;

	assert_int_equal(tb_lock_take(&a), 0);
	assert_int_equal(tb_lock_take(&b), -TB_EXIT_BUSY);
	tb_lock_release(&a);
	assert_int_equal(tb_lock_take(&b), 0);
	tb_lock_release(&b);
}

/*
 * A journal whose run mounted tracefs (the M record, first) at a place where nothing
 * is mounted any more: restore counts it as already back, replays the rest (here a
 * write of a file that is gone with its instance) and removes the journal.
 */
static void test_mount_record_already_unmounted(void **state)
{
	char jpath[700];
	struct tb_restore_result res;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	snprintf(jpath, sizeof(jpath), "%s/run/journal-999999", tmpdir);
	strbuf_addf(&sb, "tracebook-journal 1\ntracefs\t%s/no/tracing\npid\t999999\nstart\t1\n"
		    "recipe\tx\nM\t%s/no/tracing\ttracefs\nW\t%s/no/tracing/instances/gone/tracing_on\t1\n",
		    tmpdir, tmpdir, tmpdir);
	assert_int_equal(tb_write_file_atomic(jpath, sb.buf, sb.len), 0);
	assert_int_equal(tb_journal_restore(jpath, 1, &res), 0);
	assert_int_equal(res.unchanged, 2);
	assert_int_equal(res.restored, 0);
	assert_int_equal(res.failed, 0);
	assert_false(tb_exists(jpath));
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_restore_identical),
		cmocka_unit_test(test_instance_through_libtracefs),
		cmocka_unit_test(test_crash_then_restore),
		cmocka_unit_test(test_live_journal_left_alone),
		cmocka_unit_test(test_outside_refused),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_keep_expanded_buffer),
		cmocka_unit_test(test_mount_record_already_unmounted),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
