/*
 * lock.h - one tracebook run at a time: flock on <rundir>/lock, holding the pid of
 * the run; and the check for other users of tracing on this kernel.
 */
#ifndef TB_APPLY_LOCK_H
#define TB_APPLY_LOCK_H

#include "kernel/caps.h"
#include "util/strlist.h"

struct tb_lock {
	int fd;
};

/*
 * tb_lock_take - take the run lock without waiting.
 * Returns 0, or -TB_EXIT_BUSY after printing which pid holds it.
 */
int tb_lock_take(struct tb_lock *l);
void tb_lock_release(struct tb_lock *l);

/*
 * tb_others_tracing - describe what others have set up in the top-level tracing
 * state (tracer, enabled events, kprobes, function filter, instances): one line each
 * into out.  Instances named tracebook-<pid> of live runs are ours and not listed.
 * Returns the number of lines.
 */
unsigned tb_others_tracing(const struct tb_caps *caps, struct strlist *out);

#endif
