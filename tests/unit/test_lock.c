/*
 * test_lock.c - the run lock on a kernel without file locks (CONFIG_FILE_LOCKING=n):
 * flock() is replaced here by one that fails with ENOSYS, as such a kernel's does, so
 * tb_lock_take() must fall back to the O_EXCL lock file; one holder at a time (busy
 * with the holder's pid), a lock left by a dead run or by a reused pid is taken over,
 * garbage is stale, release removes only our own lock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "apply/lock.h"
#include "util/fileio.h"

static int flock_enosys;
static int flock_calls;

/* The kernel without CONFIG_FILE_LOCKING: sys_flock is sys_ni_syscall. */
int flock(int fd, int op)
{
	(void)fd;
	(void)op;
	flock_calls++;
	if (flock_enosys) {
		errno = ENOSYS;
		return -1;
	}
	return 0;
}

static char dir[256], lockpid[300];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/tb-lock.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	setenv("TRACEBOOK_RUNDIR", dir, 1);
	snprintf(lockpid, sizeof(lockpid), "%s/lock.pid", dir);
	flock_enosys = 1;
	flock_calls = 0;
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A pid that certainly names no process: a child that has exited and been reaped. */
static pid_t dead_pid(void)
{
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	return p;
}

static void test_fallback_one_holder(void **state)
{
	struct tb_lock a, b;
	char line[96], want[96];

	(void)state;
	assert_int_equal(tb_lock_take(&a), 0);
	assert_true(flock_calls > 0);			/* flock was tried first */
	assert_int_equal(tb_read_line(lockpid, line, sizeof(line)), 0);
	snprintf(want, sizeof(want), "%ld %llu", (long)getpid(), tb_proc_start_time(getpid()));
	assert_string_equal(line, want);		/* pid and start time */
	assert_true(tb_proc_start_time(getpid()) > 0);

	assert_int_equal(tb_lock_take(&b), -TB_EXIT_BUSY);
	assert_int_equal(access(lockpid, F_OK), 0);	/* a busy attempt leaves the lock alone */
	tb_lock_release(&a);
	assert_int_equal(access(lockpid, F_OK), -1);	/* release removes it */
	assert_int_equal(tb_lock_take(&b), 0);
	tb_lock_release(&b);
}

static void test_busy_other_process(void **state)
{
	struct tb_lock a;
	int fds[2], st;
	char c;
	pid_t child;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct tb_lock l;

		close(fds[0]);
		if (tb_lock_take(&l) != 0)
			_exit(1);
		if (write(fds[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);	/* the child holds the lock */
	assert_int_equal(tb_lock_take(&a), -TB_EXIT_BUSY);
	kill(child, SIGKILL);				/* the holder dies (kill -9): no release */
	waitpid(child, &st, 0);
	close(fds[0]);
	assert_int_equal(access(lockpid, F_OK), 0);	/* its lock file is left behind ... */
	assert_int_equal(tb_lock_take(&a), 0);		/* ... and taken over */
	tb_lock_release(&a);
}

static void test_stale_dead_pid(void **state)
{
	struct tb_lock a;
	char rec[64], line[96], want[96];

	(void)state;
	snprintf(rec, sizeof(rec), "%ld 12345\n", (long)dead_pid());
	put(lockpid, rec);
	assert_int_equal(tb_lock_take(&a), 0);
	assert_int_equal(tb_read_line(lockpid, line, sizeof(line)), 0);
	snprintf(want, sizeof(want), "%ld %llu", (long)getpid(), tb_proc_start_time(getpid()));
	assert_string_equal(line, want);
	assert_int_equal(access(dir, F_OK), 0);
	tb_lock_release(&a);
}

static void test_stale_reused_pid(void **state)
{
	struct tb_lock a;
	char rec[64];

	(void)state;
	/* pid 1 is alive, but it is not the process that took this lock (other start time) */
	snprintf(rec, sizeof(rec), "1 %llu\n", tb_proc_start_time(1) + 1000);
	put(lockpid, rec);
	assert_int_equal(tb_lock_take(&a), 0);
	tb_lock_release(&a);
	/* the same pid with its real start time is a live holder */
	snprintf(rec, sizeof(rec), "1 %llu\n", tb_proc_start_time(1));
	put(lockpid, rec);
	assert_int_equal(tb_lock_take(&a), -TB_EXIT_BUSY);
}

static void test_stale_garbage_and_takeover(void **state)
{
	struct tb_lock a;
	char take[320], rec[64];

	(void)state;
	put(lockpid, "");			/* nothing a run writes: stale */
	assert_int_equal(tb_lock_take(&a), 0);
	tb_lock_release(&a);

	/* a stale lock while a live process is taking it over: busy, lock left alone */
	snprintf(rec, sizeof(rec), "%ld 7\n", (long)dead_pid());
	put(lockpid, rec);
	snprintf(take, sizeof(take), "%s/lock.takeover", dir);
	snprintf(rec, sizeof(rec), "1 %llu\n", tb_proc_start_time(1));
	put(take, rec);
	assert_int_equal(tb_lock_take(&a), -TB_EXIT_BUSY);
	assert_int_equal(access(lockpid, F_OK), 0);
	/* the takeover of a dead process is itself stale */
	snprintf(rec, sizeof(rec), "%ld 9\n", (long)dead_pid());
	put(take, rec);
	assert_int_equal(tb_lock_take(&a), 0);
	assert_int_equal(access(take, F_OK), -1);
	tb_lock_release(&a);
}

static void test_release_keeps_others(void **state)
{
	struct tb_lock a;
	char rec[64];

	(void)state;
	assert_int_equal(tb_lock_take(&a), 0);
	/* someone replaced our lock meanwhile: release must not remove theirs */
	snprintf(rec, sizeof(rec), "1 %llu\n", tb_proc_start_time(1));
	put(lockpid, rec);
	tb_lock_release(&a);
	assert_int_equal(access(lockpid, F_OK), 0);
}

static void test_flock_kept_where_it_works(void **state)
{
	struct tb_lock a;

	(void)state;
	flock_enosys = 0;
	assert_int_equal(tb_lock_take(&a), 0);
	assert_true(flock_calls > 0);
	assert_int_equal(access(lockpid, F_OK), -1);	/* no fallback file */
	tb_lock_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fallback_one_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_other_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_dead_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_reused_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_garbage_and_takeover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_keeps_others, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flock_kept_where_it_works, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
