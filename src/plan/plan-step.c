/*
 * plan-step.c - the plan's steps and messages: adding a write (with the value it
 * replaces, read now for --dry-run and turned into the value that restores it), an
 * append (with the command that removes our entry), an instance directory, and the
 * summary and note lines the report and --dry-run show.  Nothing here writes to
 * the kernel.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/ctl-value.h"
#include "plan/plan-local.h"
#include "util/alloc.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct tb_step *plan_add_step(struct tb_plan *p, enum tb_step_kind kind, const char *path,
			      const char *value, const char *undo, const char *reason)
{
	struct tb_step *s;

	if (ALLOC_GROW(p->steps, p->nsteps + 1, p->alloc))
		return NULL;
	s = &p->steps[p->nsteps];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->path = xstrdup(path);
	s->value = xstrdup(value);
	s->undo = xstrdup(undo);
	s->reason = xstrdup(reason);
	if (!s->path || (value && !s->value) || (undo && !s->undo) || (reason && !s->reason)) {
		free(s->path);
		free(s->value);
		free(s->undo);
		free(s->reason);
		return NULL;
	}
	p->nsteps++;
	return s;
}

/* Add a WRITE step; old is read from path now (for --dry-run), NULL if it does not exist yet. */
int plan_write(struct tb_plan *p, const char *path, const char *value, const char *reason)
{
	struct strbuf sb = STRBUF_INIT;
	struct tb_step *s = plan_add_step(p, TB_STEP_WRITE, path, value, NULL, reason);

	if (!s)
		return tb_error("out of memory");
	if (tb_read_file(path, &sb) == 0)
		s->old = tb_ctl_restore_value(path, strbuf_str(&sb));
	strbuf_release(&sb);
	return 0;
}

int plan_append(struct tb_plan *p, const char *path, const char *value, const char *undo,
		const char *reason)
{
	return plan_add_step(p, TB_STEP_APPEND, path, value, undo, reason) ? 0 : tb_error("out of memory");
}

int plan_mkdir(struct tb_plan *p, const char *path, const char *reason)
{
	return plan_add_step(p, TB_STEP_MKDIR, path, NULL, NULL, reason) ? 0 : tb_error("out of memory");
}

void plan_summary(struct tb_plan *p, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strlist_add(&p->summary, strbuf_str(&sb));
	strbuf_release(&sb);
}

void plan_note(struct tb_plan *p, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strlist_add(&p->notes, strbuf_str(&sb));
	strbuf_release(&sb);
}
