/*
 * plan-pid.c - `--pid PID` in the kernel: the allocation events of the recipe's pairs
 * get "common_pid == PID" ANDed to their filter, so other tasks' allocations never
 * reach the buffer (a busy box's kmalloc rate drops to the watched task's).  Every
 * tracefs kernel (3.10 on) filters on common_pid.  Frees are left unfiltered: an
 * object allocated by PID may be freed by any task.  An event that is also a free or
 * a put somewhere (or a refcount get: balance keeps its own user-space filter) is
 * left alone.  The analysis filters allocations in user space as well, which is then
 * a no-op for these events.  `--comm` stays in user space only: filters on comm are
 * not on every kernel tracebook plans for (3.10 has none).
 *
 * `run -- COMMAND`: the command's children are followed through sched:sched_process_fork
 * (parent_pid, child_pid; every fork and thread), enabled here where the kernel has it;
 * without it the run polls /proc for them (cmd-run.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan/plan-local.h"
#include "util/err.h"
#include "util/strbuf.h"

/* 1 if "sys:ev" is in refs, or refs has the SLUB reference whose stand-ins has it. */
static int refers(const struct strlist *refs, const char *name, const char *slub_ref,
		  const struct strlist *stand_ins)
{
	return strlist_has(refs, name) ||
	       (strlist_has(refs, slub_ref) && strlist_has(stand_ins, name));
}

/* What "sys:ev" is to the recipe: an allocation of a pair; anything else (free, get, put). */
static void role(const struct plan_builder *b, const char *name, int *alloc, int *other)
{
	const struct tb_recipe *r = b->r;
	unsigned i;

	*alloc = *other = 0;
	for (i = 0; i < r->npairs; i++) {
		*alloc |= refers(&r->pairs[i].alloc, name, "slub:alloc", &b->slub_alloc);
		*other |= refers(&r->pairs[i].free, name, "slub:free", &b->slub_free);
	}
	for (i = 0; i < r->nbalances; i++)
		*other |= strlist_has(&r->balances[i].get, name) ||
			  strlist_has(&r->balances[i].put, name);
}

/**
 * plan_pid_filter - AND "common_pid == PID" (--pid) into the filter of every event
 * that is only an allocation of the recipe's pairs; a summary line says which.
 */
int plan_pid_filter(struct plan_builder *b)
{
	struct strbuf names = STRBUF_INIT;
	char name[256], cond[48];
	unsigned i, n = 0;
	int alloc, other;

	if (b->o->filter_comm)
		plan_summary(b->p, "--comm %s: filtered in user space (event filters on comm are not on every kernel, 3.10 has none); frees are not filtered",
			     b->o->filter_comm);
	if (b->o->filter_pid <= 0)
		return 0;
	snprintf(cond, sizeof(cond), "common_pid == %d", b->o->filter_pid);
	for (i = 0; i < b->evs.n; i++) {
		struct plan_event *e = &b->evs.v[i];
		struct strbuf f = STRBUF_INIT;

		snprintf(name, sizeof(name), "%s:%s", e->system, e->event);
		role(b, name, &alloc, &other);
		if (!alloc || other)
			continue;
		if (e->filter)
			strbuf_addf(&f, "(%s) && %s", e->filter, cond);
		else
			strbuf_addstr(&f, cond);
		if (strbuf_failed(&f)) {
			strbuf_release(&names);
			return tb_error("out of memory");
		}
		free(e->filter);
		e->filter = strbuf_detach(&f, NULL);
		strbuf_addf(&names, "%s%s", n++ ? ", " : "", name);
	}
	if (n)
		plan_summary(b->p, "--pid %d: in the kernel (%s) on %s; frees are not filtered (any task may free what it allocated)",
			     b->o->filter_pid, cond, names.buf);
	else
		plan_summary(b->p, "--pid %d: no allocation-only event to filter in the kernel: filtered in user space",
			     b->o->filter_pid);
	if (strbuf_failed(&names)) {
		strbuf_release(&names);
		return tb_error("out of memory");
	}
	strbuf_release(&names);
	return 0;
}

/**
 * plan_follow_forks - `run -- COMMAND`: enable sched:sched_process_fork so the
 * analysis follows the command's children; where the kernel lacks it, say that the
 * run polls /proc instead.
 */
int plan_follow_forks(struct plan_builder *b)
{
	int r;

	if (!b->o->follow_forks)
		return 0;
	if (!plan_event_exists(b->caps, "sched", "sched_process_fork")) {
		plan_summary(b->p, "-- COMMAND: no sched:sched_process_fork on this kernel: the command's children are found by polling /proc (one that lives less than a poll may be missed)");
		return 0;
	}
	r = plan_ev_add(&b->evs, "sched", "sched_process_fork", NULL, 0, 0,
			"-- COMMAND: follow the command's children");
	if (r)
		return r;
	b->p->follows_forks = 1;
	plan_summary(b->p, "-- COMMAND: its children followed through sched:sched_process_fork");
	return 0;
}
