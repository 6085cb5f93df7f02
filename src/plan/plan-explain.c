/*
 * plan-explain.c - `tracebook run --dry-run`: the plan in words.  Every write in the
 * order it would happen, the value it replaces and the reason; then the sources,
 * analyses and notes.  Prints only; touches nothing.
 */
#include <stdio.h>
#include <string.h>
#include "plan/plan.h"
#include "util/units.h"

static const char *rel(const char *path, const struct tb_caps *caps)
{
	size_t n = strlen(caps->tracefs);

	if (!strncmp(path, caps->tracefs, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

/* Values with newlines are shown on one line. */
static void put_value(FILE *out, const char *v)
{
	fputc('\'', out);
	for (; v && *v; v++) {
		if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
	fputc('\'', out);
}

void tb_plan_explain(const struct tb_plan *p, const struct tb_caps *caps, FILE *out)
{
	char dur[32], kb[32];
	unsigned i;
	size_t j;

	fprintf(out, "plan for recipe %s on %s (%s)\n", p->spec.name ? p->spec.name : "?", caps->release,
		caps->machine);
	fprintf(out, "tracing directory: %s\n", caps->tracefs);
	fprintf(out, "duration: %s\n", tb_fmt_duration(p->duration_ns, dur, sizeof(dur)));
	fprintf(out, "source: %s\n", p->source_reason ? p->source_reason : "?");
	if (p->kmsg)
		fprintf(out, "source: kernel log (/dev/kmsg) from the start of the run (SLUB TRACE records)\n");
	if (p->snapshot) {
		fprintf(out, "snapshots:");
		for (j = 0; j < p->snapshot->files.n; j++)
			fprintf(out, " /proc/%s", p->snapshot->files.v[j]);
		if (p->snapshot->interval_ns)
			fprintf(out, " at start, end and every %s\n",
				tb_fmt_duration(p->snapshot->interval_ns, dur, sizeof(dur)));
		else
			fprintf(out, " at start and end\n");
	}
	if (p->buffer_kb)
		fprintf(out, "buffer: %s per CPU x %d CPUs\n",
			tb_fmt_bytes((uint64_t)p->buffer_kb * 1024, kb, sizeof(kb)), caps->ncpus);
	fprintf(out, "choices:\n");
	for (j = 0; j < p->summary.n; j++)
		fprintf(out, "  - %s\n", p->summary.v[j]);

	fprintf(out, "writes, in order (journaled first; undone in reverse order at the end, "
		"also after errors and signals; `tracebook restore` after a crash):\n");
	if (!p->nsteps)
		fprintf(out, "  (none)\n");
	for (i = 0; i < p->nsteps; i++) {
		const struct tb_step *s = &p->steps[i];

		fprintf(out, "  %2u. ", i + 1);
		switch (s->kind) {
		case TB_STEP_MKDIR:
			fprintf(out, "mkdir  %s\n", rel(s->path, caps));
			fprintf(out, "      undo: rmdir\n");
			break;
		case TB_STEP_APPEND:
			fprintf(out, "append %s << ", rel(s->path, caps));
			put_value(out, s->value);
			fprintf(out, "\n      undo: append ");
			put_value(out, s->undo);
			fputc('\n', out);
			break;
		case TB_STEP_WRITE:
			fprintf(out, "write  %s = ", rel(s->path, caps));
			put_value(out, s->value);
			if (s->old) {
				fprintf(out, "  (replaces ");
				put_value(out, s->old);
				fprintf(out, "%s)", !strcmp(s->old, s->value) ? ": same, not written" : "");
			} else {
				fprintf(out, "  (new)");
			}
			fputc('\n', out);
			break;
		case TB_STEP_KEEP:
			fprintf(out, "keep   %s", rel(s->path, caps));
			if (s->old) {
				fprintf(out, " = ");
				put_value(out, s->old);
			}
			fprintf(out, "  (nothing written now; restore leaves ");
			put_value(out, s->value);
			fprintf(out, ")\n");
			break;
		case TB_STEP_POKE:
			fprintf(out, "poke   %s = ", rel(s->path, caps));
			put_value(out, s->value);
			fprintf(out, "  (an action: nothing to undo)\n");
			break;
		}
		if (s->reason)
			fprintf(out, "      why: %s\n", s->reason);
	}
	fprintf(out, "analyses:\n");
	if (!p->analyses.n)
		fprintf(out, "  (none)\n");
	for (j = 0; j < p->analyses.n; j++)
		fprintf(out, "  - %s\n", p->analyses.v[j]);
	if (p->notes.n) {
		fprintf(out, "notes:\n");
		for (j = 0; j < p->notes.n; j++)
			fprintf(out, "  ! %s\n", p->notes.v[j]);
	}
	fprintf(out, "dry run: nothing was written.\n");
}
