/*
 * lock.h - one tracebook run at a time: flock on <rundir>/lock, holding the pid of
 * the run (on a kernel without file locks, CONFIG_FILE_LOCKING=n: the lock file
 * <rundir>/lock.pid created with O_EXCL, holding pid and process start time); and the
 * check for other users of tracing on this kernel.
 */
#ifndef TB_APPLY_LOCK_H
#define TB_APPLY_LOCK_H

#include <limits.h>
#include <sys/types.h>
#include "kernel/caps.h"
#include "util/strlist.h"

struct tb_lock {
	int fd;				/* the flock'd file, or -1 */
	char file[PATH_MAX + 16];	/* the O_EXCL lock file we hold, or "" */
};

/*
 * tb_lock_take - take the run lock without waiting.
 * flock() where the kernel has file locks; where flock fails with ENOSYS (no
 * CONFIG_FILE_LOCKING), tb_lock_take_file() on the run directory.
 * Returns 0, or -TB_EXIT_BUSY after printing which pid holds it.
 */
int tb_lock_take(struct tb_lock *l);
void tb_lock_release(struct tb_lock *l);

/*
 * tb_lock_take_file - the run lock without file locks: <dir>/lock.pid is linked into
 * place holding "PID STARTTIME"; it is busy while that process (same pid, same start
 * time) lives.  A stale one (its run died, or its pid now names another process) is
 * replaced under <dir>/lock.takeover, so two runs finding it stale cannot both win.
 * Returns 0, or -TB_EXIT_BUSY after printing which pid holds it.
 */
int tb_lock_take_file(struct tb_lock *l, const char *dir);

/* Start time of pid (clock ticks since boot, /proc/<pid>/stat), 0 if there is none. */
unsigned long long tb_proc_start_time(pid_t pid);

/*
 * tb_others_tracing - describe what others have set up in the top-level tracing
 * state (tracer, enabled events, kprobes, function filter, instances): one line each
 * into out.  Instances named tracebook-<pid> of live runs are ours and not listed.
 * Returns the number of lines.
 */
unsigned tb_others_tracing(const struct tb_caps *caps, struct strlist *out);

#endif
