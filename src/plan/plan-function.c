/*
 * plan-function.c - the function tracer ([function] functions, stack): refused where
 * the kernel has none or forbids it, every name checked against
 * available_filter_functions (globs as old kernels take them), the filter appended
 * before the tracer is set so it never traces everything, func_stack_trace after
 * (the option file appears only then on 3.10).  Names someone else put in the filter
 * are left alone.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan/plan-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

/* Function tracer: filter checked, filter before tracer, func_stack_trace after. */
int plan_function(struct plan_builder *b)
{
	const struct tb_recipe_function *f = b->r->function;
	const struct tb_caps *caps = b->caps;
	struct strbuf avail = STRBUF_INIT, cur = STRBUF_INIT;
	char path[PATH_MAX + 64];
	size_t i;
	int r = 0, e;

	if (!f)
		return 0;
	if (caps->function == TB_REFUSED || caps->func_filter == TB_REFUSED)
		return tb_error_code(TB_EXIT_REFUSED, "function tracer refused on this system (EPERM)");
	if (caps->function == TB_ABSENT || !strlist_has(&caps->tracers, "function"))
		return tb_error_code(TB_EXIT_BADINPUT, "%s:%d: this kernel has no function tracer (CONFIG_FUNCTION_TRACER is off)",
				     b->r->path, f->line);
	if (!f->funcs.n && !b->o->force)
		return tb_error_code(TB_EXIT_BADINPUT, "%s:%d: the function tracer without a function list traces every kernel function; name the functions or use --force",
				     b->r->path, f->line);
	snprintf(path, sizeof(path), "%s/available_filter_functions", caps->tracefs);
	e = tb_read_file(path, &avail);
	if (e == -EPERM || e == -EACCES) {
		strbuf_release(&avail);
		return tb_error_code(TB_EXIT_REFUSED, "function tracer refused on this system (EPERM)");
	}
	if (e < 0) {
		strbuf_release(&avail);
		return tb_error_code(TB_EXIT_NOTRACING, "cannot read %s: %s", path, strerror(-e));
	}
	for (i = 0; i < f->funcs.n; i++) {
		const char *fn = f->funcs.v[i];
		size_t n = strlen(fn);

		if (!strcmp(fn, "*") && !b->o->force) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: function '*' traces every kernel function; use --force if you mean it",
					  b->r->path, f->line);
			break;
		}
		if (caps->kver < TB_KVER(4, 10, 0) && strpbrk(fn, "?[")) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: function glob '%s': this kernel's set_ftrace_filter takes only foo, foo*, *foo and *foo*",
					  b->r->path, f->line, fn);
			break;
		}
		if (caps->kver < TB_KVER(4, 10, 0) && n > 2 && memchr(fn + 1, '*', n - 2)) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: function glob '%s': this kernel cuts a '*' in the middle (a*b becomes a*); use foo, foo*, *foo or *foo*",
					  b->r->path, f->line, fn);
			break;
		}
		if (!tb_sym_count(avail.buf, TB_SYM_LIST, fn)) {
			char *near = tb_sym_near(fn, avail.buf, TB_SYM_LIST);

			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: function '%s' is not in available_filter_functions of this kernel (%s)%s%s",
					  b->r->path, f->line, fn, caps->release,
					  *near ? "; did you mean: " : "", near);
			free(near);
			break;
		}
	}
	snprintf(path, sizeof(path), "%s/set_ftrace_filter", caps->tracefs);
	if (!r)
		tb_read_file(path, &cur);
	for (i = 0; i < f->funcs.n && !r; i++) {
		const char *fn = f->funcs.v[i];
		struct strbuf undo = STRBUF_INIT;
		char why[512];

		if (!strpbrk(fn, "*?[") && tb_sym_count(cur.buf, TB_SYM_LIST, fn)) {
			plan_summary(b->p, "function %s was already in set_ftrace_filter (someone else's): left alone", fn);
			continue;
		}
		strbuf_addf(&undo, "!%s", fn);
		snprintf(why, sizeof(why), "trace %s (appended to the function filter, set before the tracer so it never traces everything)", fn);
		r = plan_append(b->p, path, fn, undo.buf, why);
		strbuf_release(&undo);
	}
	if (!r) {
		snprintf(path, sizeof(path), "%s/current_tracer", caps->tracefs);
		r = plan_write(b->p, path, "function", "start the function tracer (after its filter)");
	}
	if (!r && f->stack) {
		snprintf(path, sizeof(path), "%s/options/func_stack_trace", caps->tracefs);
		r = plan_write(b->p, path, "1", "a stack per traced call (only after the tracer is set: the option file appears then on 3.10)");
	}
	if (!r)
		plan_summary(b->p, "function tracer on %zu function pattern(s)%s", f->funcs.n,
			     f->stack ? " with a stack per call" : "");
	b->p->uses_function_tracer = 1;
	strbuf_release(&avail);
	strbuf_release(&cur);
	return r;
}
