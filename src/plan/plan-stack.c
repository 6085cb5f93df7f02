/*
 * plan-stack.c - how per-event stacks are recorded on this kernel: a `stacktrace`
 * trigger per event where triggers exist (inside an instance only where the trigger
 * writes to the instance's buffer: 5.17 and the stable backports), else the
 * stacktrace option of the buffer narrowed by the event filters, else none; and
 * dropping stacks where a global option would also put one on every unfiltered hot
 * event (unless --force).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan/plan-local.h"
#include "util/fileio.h"
#include "util/strbuf.h"

/*
 * Does a `stacktrace` trigger inside an instance write its stack to the instance's
 * buffer?  Since upstream commit ce33c845b030 "tracing: Dump stacktrace trigger to
 * the corresponding instance" (v5.17-rc6, Feb 2022; Cc stable, so also 5.16.12,
 * 5.15.26, 5.10.113, 5.4.191, 4.19.240, 4.14.277).  Before it, stacktrace_trigger()
 * called trace_dump_stack(), which writes to the top-level buffer.  The stable
 * sublevel is read from the release, or, where a distribution hides it ("5.10.0-28-
 * amd64"), from /proc/version ("Debian 5.10.209-1").  why gets the reason in words.
 * Returns 1 (instance), 0 (top level, or not known: the top level works either way).
 */
static int trigger_stack_in_instance(const struct tb_caps *caps, char *why, size_t size)
{
	static const unsigned fixed[][3] = {
		{ 5, 16, 12 }, { 5, 15, 26 }, { 5, 10, 113 }, { 5, 4, 191 }, { 4, 19, 240 }, { 4, 14, 277 },
	};
	struct strbuf sb = STRBUF_INIT;
	char path[PATH_MAX + 16];
	unsigned a = 0, b = 0, c = 0, i;
	const char *from = "the release", *deb;
	int n;

	n = sscanf(caps->release, "%u.%u.%u", &a, &b, &c);
	snprintf(path, sizeof(path), "%s/version", caps->proc_dir);
	if (tb_read_file(path, &sb) == 0 && (deb = strstr(sb.buf, " Debian ")) &&
	    sscanf(deb + 8, "%u.%u.%u", &a, &b, &c) == 3) {
		from = "/proc/version (Debian)";
		n = 3;
	}
	strbuf_release(&sb);
	if (n < 2) {
		snprintf(why, size, "kernel version '%s' not understood: a stacktrace trigger in an instance may write to the top-level buffer", caps->release);
		return 0;
	}
	if (a > 5 || (a == 5 && b >= 17)) {
		snprintf(why, size, "%u.%u: a stacktrace trigger writes to its instance's buffer (since 5.17)", a, b);
		return 1;
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (a != fixed[i][0] || b != fixed[i][1])
			continue;
		if (n == 3 && c >= fixed[i][2]) {
			snprintf(why, size, "%u.%u.%u (from %s): a stacktrace trigger writes to its instance's buffer (fixed in 5.17, %u.%u.%u+ in stable)",
				 a, b, c, from, fixed[i][0], fixed[i][1], fixed[i][2]);
			return 1;
		}
		snprintf(why, size, "%u.%u.%u (from %s): a stacktrace trigger in an instance writes its stack to the top-level buffer (fixed in 5.17 and %u.%u.%u)",
			 a, b, c, from, fixed[i][0], fixed[i][1], fixed[i][2]);
		return 0;
	}
	snprintf(why, size, "%u.%u: a stacktrace trigger in an instance writes its stack to the top-level buffer (fixed in 5.17; this series got no backport)", a, b);
	return 0;
}

void plan_trigger_place(struct plan_builder *b)
{
	b->trig_in_inst = trigger_stack_in_instance(b->caps, b->trig_why, sizeof(b->trig_why));
}

/* A 3.10-style global stack option would put stacks on every enabled event. */
static void drop_hot_option_stacks(struct plan_builder *b)
{
	struct tb_plan *p = b->p;
	unsigned i, k;

	for (i = 0; i < b->evs.n; i++) {
		const struct plan_event *e = &b->evs.v[i];

		if (e->stack || e->filter || !tb_event_is_hot(e->system, e->event))
			continue;
		if (b->o->force) {
			plan_note(p, "global stacktrace option: %s:%s (unfiltered) gets a stack on every event too (--force)",
				  e->system, e->event);
			continue;
		}
		for (k = 0; k < b->evs.n; k++)
			b->evs.v[k].stack = 0;
		b->stack_mode = TB_STACKS_NONE;
		/* the last choice said how stacks would be taken: they are not */
		if (p->summary.n)
			free(p->summary.v[--p->summary.n]);
		plan_summary(p, "no stacks (see the note)");
		plan_note(p, "stacks dropped: on this kernel stacks come from the global stacktrace option, which would also put a stack on every unfiltered %s:%s; results are by call site (--force takes stacks anyway)",
			  e->system, e->event);
		break;
	}
}

void plan_stacks(struct plan_builder *b)
{
	const struct tb_caps *caps = b->caps;
	struct tb_plan *p = b->p;

	if (!b->want_stacks)
		return;
	if (caps->triggers && (!b->use_instance || b->trig_in_inst)) {
		b->stack_mode = TB_STACKS_TRIGGER;
		if (b->use_instance)
			plan_summary(p, "per-event stacks by stacktrace trigger in our instance: %s", b->trig_why);
		else
			plan_summary(p, "per-event stacks by stacktrace trigger");
	} else if (b->use_instance && caps->opt_stacktrace) {
		b->stack_mode = TB_STACKS_OPTION;
		plan_summary(p, "stacks by the instance's stacktrace option (%s)", b->trig_why);
	} else if (caps->opt_stacktrace) {
		b->stack_mode = TB_STACKS_OPTION;
		plan_summary(p, "per-event stacks by the global stacktrace option narrowed by event filters (no event triggers on this kernel)");
	} else {
		plan_note(p, "no way to record stacks on this kernel: results are by call site only");
	}
	if (b->stack_mode == TB_STACKS_OPTION)
		drop_hot_option_stacks(b);
}
