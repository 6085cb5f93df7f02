/*
 * plan.c - recipe + capabilities -> plan: tb_plan_build decides the duration, the
 * source (raw per-CPU buffers, trace_pipe text as fallback) and the place (an
 * instance of our own where instances have their own options, 4.19+; the top level
 * otherwise), and runs the pieces in the order their writes must happen.  The
 * choices follow docs/kernel-compat.md; each piece is in its own file (the list is in
 * plan-local.h).  Limits (duration, buffer memory, unfiltered function tracer, stacks
 * on unfiltered hot events) hold unless --force.  Nothing here writes to the kernel,
 * and the caller's recipe is only read: the plan carries its own copy of the analyses
 * (plan-spec.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan/plan-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/units.h"

void tb_plan_free(struct tb_plan *p)
{
	unsigned i;

	if (!p)
		return;
	for (i = 0; i < p->nsteps; i++) {
		free(p->steps[i].path);
		free(p->steps[i].value);
		free(p->steps[i].undo);
		free(p->steps[i].old);
		free(p->steps[i].reason);
	}
	free(p->steps);
	free(p->trace_dir);
	free(p->instance);
	free(p->source_reason);
	strlist_clear(&p->summary);
	strlist_clear(&p->notes);
	strlist_clear(&p->analyses);
	tb_recipe_free(&p->spec);
	memset(p, 0, sizeof(*p));
}

/* Raw per-CPU buffers where they exist and --text was not given; trace_pipe otherwise. */
static int plan_source(struct tb_plan *p, const struct tb_caps *caps, const struct tb_plan_opts *o)
{
	char raw[PATH_MAX + 64];

	snprintf(raw, sizeof(raw), "%s/per_cpu/cpu0/trace_pipe_raw", caps->tracefs);
	if (!o->text && tb_exists(raw)) {
		p->source = TB_SRC_RAW;
		p->source_reason = strdup("raw per-CPU buffers (per_cpu/cpuN/trace_pipe_raw): binary, lossless reading, pointers never hashed");
	} else {
		p->source = TB_SRC_TEXT;
		p->source_reason = strdup(o->text ? "trace_pipe text (--text): slower; may lose events under load" :
					  "trace_pipe text (fallback: no per-CPU raw buffers here)");
	}
	return p->source_reason ? 0 : tb_error("out of memory");
}

/*
 * Our own instance where instances have their own options (4.19+), there are trace
 * events, no function tracer (it lives at the top level), and stacks, if wanted, can
 * be taken inside it; the top level otherwise.  Sets trace_dir, instance, b->base.
 */
static int plan_place(struct plan_builder *b)
{
	const struct tb_caps *caps = b->caps;
	struct tb_plan *p = b->p;
	char path[PATH_MAX + 64];

	b->use_instance = caps->instances && caps->instance_options && !b->r->function && b->evs.n;
	plan_trigger_place(b);
	if (b->use_instance && b->want_stacks && caps->triggers && !b->trig_in_inst) {
		/* the trigger's stack would land in the top-level buffer, and an instance's
		 * stacktrace option would stack every event of the instance */
		b->use_instance = 0;
	}
	if (b->use_instance) {
		snprintf(path, sizeof(path), "%s/instances/tracebook-%ld", caps->tracefs, (long)b->o->pid);
		p->instance = strdup(path);
		p->trace_dir = strdup(path);
		plan_summary(p, "events in our own instance instances/tracebook-%ld (the top-level buffer and other users' settings are not touched)",
			     (long)b->o->pid);
	} else {
		p->trace_dir = strdup(caps->tracefs);
		plan_summary(p, "top-level tracing buffer (%s)", b->r->function ? "the function tracer lives there" :
			     !caps->instances ? "this kernel has no instances" :
			     !caps->instance_options ? "instances share the global options on this kernel" :
			     !b->evs.n ? "no trace events: kernel log records only" : b->trig_why);
	}
	b->base = p->trace_dir;
	if (!p->trace_dir || (b->use_instance && !p->instance))
		return tb_error("out of memory");
	return 0;
}

/* With text as the source: real pointers (hash-ptr off) where the kernel lets us. */
static int plan_hash_ptr(struct plan_builder *b)
{
	char path[PATH_MAX + 64];

	if (b->p->source != TB_SRC_TEXT)
		return 0;
	if (b->caps->opt_hash_ptr) {
		snprintf(path, sizeof(path), "%s/options/hash-ptr", b->base);
		return plan_write(b->p, path, "0", "print real pointers in trace text (hashed 32-bit ids collide and cannot be paired)");
	}
	if (b->caps->kver >= TB_KVER(4, 15, 0))
		plan_note(b->p, "text source on a kernel that hashes %%p with no opt-out: pointers are 32-bit hashes, pairs may collide");
	return 0;
}

/**
 * tb_plan_build - compile recipe r for the kernel described by caps (see plan.h).
 *
 * Order of the steps: kprobe definitions, kprobes-optimization off (32-bit ARM with
 * stacks on kprobes), instance, buffer size, hash-ptr, event filters/stacks/enables,
 * function filter then tracer, SLUB toggles (and shrink) last, then tracing_on.
 */
int tb_plan_build(struct tb_plan *p, const struct tb_recipe *r, const struct tb_caps *caps,
		  const struct tb_plan_opts *o)
{
	struct plan_builder b;
	char path[PATH_MAX + 64];
	char durbuf[32];
	unsigned k;
	int ret;

	memset(p, 0, sizeof(*p));
	memset(&b, 0, sizeof(b));
	b.p = p;
	b.r = r;
	b.caps = caps;
	b.o = o;

	p->duration_ns = o->duration_ns ? o->duration_ns :
		r->duration_ns ? r->duration_ns : TB_PLAN_DEFAULT_DURATION_NS;
	if (p->duration_ns > TB_PLAN_MAX_DURATION_NS && !o->force)
		return tb_error_code(TB_EXIT_USAGE, "duration %s is over the 24h limit; use --force for longer runs",
				     tb_fmt_duration(p->duration_ns, durbuf, sizeof(durbuf)));
	ret = plan_source(p, caps, o);
	if (ret)
		return ret;

	/* what is traced: the event list, the SLUB toggles, the kprobe definitions */
	ret = plan_tracepoints(&b);
	if (!ret)
		ret = plan_slub(&b);
	if (!ret)
		ret = plan_kprobes(&b);
	if (!ret)
		ret = plan_pid_filter(&b);
	if (!ret)
		ret = plan_follow_forks(&b);
	for (k = 0; k < b.evs.n; k++)
		b.want_stacks |= b.evs.v[k].stack;
	/* where, and how stacks are taken there */
	if (!ret)
		ret = plan_place(&b);
	if (!ret)
		plan_stacks(&b);

	/* the writes, in order */
	if (!ret)
		ret = plan_kprobe_optimization(&b);
	if (!ret && b.use_instance)
		ret = plan_mkdir(p, p->instance, "our own trace instance: private buffer, options and event settings; removed at the end");
	if (!ret && (b.evs.n || r->function))
		ret = plan_buffer(&b);
	if (!ret)
		ret = plan_hash_ptr(&b);
	if (!ret)
		ret = plan_events(&b);
	if (!ret)
		ret = plan_function(&b);
	if (!ret)
		ret = plan_slub_toggles(&b);
	if (!ret) {
		/* always journaled: the capture turns tracing_on off at the end */
		snprintf(path, sizeof(path), "%s/tracing_on", b.base);
		ret = plan_write(p, path, "1", "tracing on for the run (the capture turns it off at the end to drain the buffers)");
	}

	/* what is concluded: the plan's own copy of the analyses */
	if (!ret)
		ret = plan_spec(&b);
	if (!ret) {
		p->snapshot = p->spec.snapshot;
		if (p->kmsg)
			plan_summary(p, "kernel log (/dev/kmsg) read from the start of the run for SLUB TRACE records");
	}
	plan_ev_free(&b.evs);
	strlist_clear(&b.toggle_paths);
	strlist_clear(&b.toggle_reasons);
	strlist_clear(&b.slub_alloc);
	strlist_clear(&b.slub_free);
	return ret;
}

char *tb_near_names(const char *name, const char *text, int kallsyms_format)
{
	return tb_sym_near(name, text, kallsyms_format ? TB_SYM_KALLSYMS : TB_SYM_LIST);
}
