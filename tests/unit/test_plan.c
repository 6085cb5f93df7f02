/*
 * test_plan.c - the planner's pure parts: kprobe syntax per kernel era, the value
 * that restores a control file, near-name suggestions, hot-event classes, buffer
 * sizing; and tb_plan_build on capabilities built in C for 3.10, 4.19 and 6.x-like
 * kernels, including that it leaves the recipe as it was and carries the analyses
 * (SLUB references resolved) in its own spec.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/ctl-value.h"
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include "analyze/analysis.h"
#include "plan/plan.h"
#include "plan/plan-local.h"
#include "util/err.h"
#include "util/strbuf.h"

static void caps_era(struct tb_caps *c, const char *era)
{
	memset(c, 0, sizeof(*c));
	if (!strcmp(era, "3.10")) {
		strcpy(c->machine, "x86_64");
		c->kver = TB_KVER(3, 10, 0);
	} else if (!strcmp(era, "4.19")) {
		strcpy(c->machine, "aarch64");
		c->kver = TB_KVER(4, 19, 1);
		c->kprobe_x64 = 1;
		c->kprobe_comm = 1;
	} else if (!strcmp(era, "arm")) {
		strcpy(c->machine, "armv7l");
		c->kver = TB_KVER(4, 19, 1);
		c->kprobe_x64 = 1;
	} else {
		strcpy(c->machine, "x86_64");
		c->kver = TB_KVER(6, 18, 2);
		c->kprobe_x64 = 1;
		c->kprobe_comm = 1;
		c->kprobe_argn = 1;
	}
}

static struct tb_recipe_kprobe kprobe(const char *name, const char *probe, int ret, const char *args)
{
	struct tb_recipe_kprobe kp;

	memset(&kp, 0, sizeof(kp));
	kp.name = (char *)name;
	kp.probe = (char *)probe;
	kp.is_return = ret;
	kp.line = 7;
	strlist_split_ws(&kp.args, args);
	return kp;
}

static int translate(const char *era, struct tb_recipe_kprobe *kp, char *out, size_t size)
{
	struct tb_caps c;
	struct strbuf sb = STRBUF_INIT;
	int r;

	caps_era(&c, era);
	r = tb_kprobe_translate(kp, &c, &sb);
	snprintf(out, size, "%s", strbuf_str(&sb));
	strbuf_release(&sb);
	return r;
}

static void test_kprobe_argn(void **state)
{
	struct tb_recipe_kprobe kp = kprobe("kernfs_new", "kernfs_new_node", 0,
					    "parent=$arg1:x64 name=+0($arg2):string mode=$arg3:x16");
	char out[512];

	assert_int_equal(translate("3.10", &kp, out, sizeof(out)), 0);
	assert_string_equal(out, "p:tracebook/kernfs_new kernfs_new_node parent=%di name=+0(%si):string mode=%dx:u16");
	assert_int_equal(translate("4.19", &kp, out, sizeof(out)), 0);
	assert_string_equal(out, "p:tracebook/kernfs_new kernfs_new_node parent=%x0:x64 name=+0(%x1):string mode=%x2:x16");
	assert_int_equal(translate("6.x", &kp, out, sizeof(out)), 0);
	assert_string_equal(out, "p:tracebook/kernfs_new kernfs_new_node parent=$arg1:x64 name=+0($arg2):string mode=$arg3:x16");
	assert_int_equal(translate("arm", &kp, out, sizeof(out)), 0);
	assert_string_equal(out, "p:tracebook/kernfs_new kernfs_new_node parent=%r0:x64 name=+0(%r1):string mode=%r2:x16");
	strlist_clear(&kp.args);

	/* arm has four argument registers */
	kp = kprobe("k", "f", 0, "e=$arg5");
	assert_int_not_equal(translate("arm", &kp, out, sizeof(out)), 0);
	assert_int_equal(translate("3.10", &kp, out, sizeof(out)), 0);
	assert_string_equal(out, "p:tracebook/k f e=%r8");
	strlist_clear(&kp.args);
}

static void test_kprobe_retval_and_types(void **state)
{
	struct tb_recipe_kprobe kp = kprobe("kn_ret", "kernfs_new_node", 1, "node=$retval:x64");
	char out[512];

	assert_int_equal(translate("3.10", &kp, out, sizeof(out)), 0);
	assert_string_equal(out, "r:tracebook/kn_ret kernfs_new_node node=$retval");
	assert_int_equal(translate("6.x", &kp, out, sizeof(out)), 0);
	assert_string_equal(out, "r:tracebook/kn_ret kernfs_new_node node=$retval:x64");
	strlist_clear(&kp.args);

	/* $retval on an entry probe is an error everywhere */
	kp = kprobe("kn", "kernfs_new_node", 0, "node=$retval");
	assert_int_not_equal(translate("6.x", &kp, out, sizeof(out)), 0);
	strlist_clear(&kp.args);
	/* $argN on a return probe: only 6.9+ with $argN */
	kp = kprobe("kn", "kernfs_new_node", 1, "p=$arg1");
	assert_int_not_equal(translate("3.10", &kp, out, sizeof(out)), 0);
	assert_int_not_equal(translate("4.19", &kp, out, sizeof(out)), 0);
	assert_int_equal(translate("6.x", &kp, out, sizeof(out)), 0);
	strlist_clear(&kp.args);
	/* symbol type needs 5.4 */
	kp = kprobe("kn", "kernfs_new_node", 0, "s=$arg1:symbol");
	assert_int_not_equal(translate("4.19", &kp, out, sizeof(out)), 0);
	assert_int_equal(translate("6.x", &kp, out, sizeof(out)), 0);
	strlist_clear(&kp.args);
	/* $comm needs 4.19 */
	kp = kprobe("kn", "kernfs_new_node", 0, "c=$comm");
	assert_int_not_equal(translate("3.10", &kp, out, sizeof(out)), 0);
	assert_int_equal(translate("4.19", &kp, out, sizeof(out)), 0);
	strlist_clear(&kp.args);
	/* bad names, bad types, offsets on return probes */
	kp = kprobe("foo.isra.0", "foo.isra.0", 0, "");
	assert_int_not_equal(translate("6.x", &kp, out, sizeof(out)), 0);
	kp = kprobe("ok", "f", 0, "a=$arg1:float");
	assert_int_not_equal(translate("6.x", &kp, out, sizeof(out)), 0);
	strlist_clear(&kp.args);
	kp = kprobe("ok", "f+8", 1, "");
	assert_int_not_equal(translate("6.x", &kp, out, sizeof(out)), 0);
}

static void test_restore_value(void **state)
{
	char *v;

	v = tb_ctl_restore_value("/t/events/kmem/kmalloc/filter", "none\n");
	assert_string_equal(v, "0");
	free(v);
	v = tb_ctl_restore_value("/t/events/kmem/kmalloc/filter", "common_pid == 1\n");
	assert_string_equal(v, "common_pid == 1");
	free(v);
	v = tb_ctl_restore_value("/t/events/kmem/kmalloc/enable", "1*\n");
	assert_string_equal(v, "1");
	free(v);
	v = tb_ctl_restore_value("/t/buffer_size_kb", "7 (expanded: 1408)\n");
	assert_string_equal(v, "1408");
	free(v);
	v = tb_ctl_restore_value("/t/instances/x/buffer_size_kb", "1410\n");
	assert_string_equal(v, "1410");
	free(v);
	v = tb_ctl_restore_value("/t/current_tracer", "nop\n");
	assert_string_equal(v, "nop");
	free(v);
}

static void test_near_names(void **state)
{
	const char *avail = "do_sys_openat2\ndo_sys_poll\nkfree\nkmalloc_trace [foo]\n__kmalloc\nvfs_open\n";
	const char *ksyms = "ffffffff81000000 T do_sys_openat2\nffffffff81000010 D do_sys_open_data\n"
		"ffffffff81000020 t kfree_rcu\n";
	char *n;

	n = tb_near_names("do_sys_open", avail, 0);
	assert_string_equal(n, "do_sys_openat2");
	free(n);
	n = tb_near_names("kmaloc_trace", avail, 0);
	assert_string_equal(n, "kmalloc_trace");
	free(n);
	n = tb_near_names("nothing_like_it", avail, 0);
	assert_string_equal(n, "");
	free(n);
	/* kallsyms: only text symbols are names of functions */
	n = tb_near_names("do_sys_open", ksyms, 1);
	assert_string_equal(n, "do_sys_openat2");
	free(n);
	assert_int_equal(tb_sym_count(ksyms, TB_SYM_KALLSYMS, "kfree_rcu"), 1);
	assert_int_equal(tb_sym_count(ksyms, TB_SYM_KALLSYMS, "do_sys_open_data"), 0);
	assert_int_equal(tb_sym_count(avail, TB_SYM_LIST, "kmalloc_trace"), 1);
	assert_int_equal(tb_sym_count(avail, TB_SYM_LIST, "*kmalloc*"), 2);
	assert_int_equal(tb_sym_count("0xffff-0xffff\tdo_int3\n", TB_SYM_BLACKLIST, "do_int3"), 1);
}

static void test_hot(void **state)
{
	assert_true(tb_event_is_hot("kmem", "kmalloc"));
	assert_true(tb_event_is_hot("kmem", "kfree"));
	assert_false(tb_event_is_hot("kmem", "kmallocx"));
	assert_false(tb_event_is_hot("tracebook", "kernfs_new"));
}

static void test_sizing(void **state)
{
	/* 2 M/s: 250 ms x 64 B = 31250 KiB, rounded to 4 KiB */
	assert_int_equal(tb_buffer_kb_for(2000000, 2, 24000000, 1410), 31252);
	/* unknown rate is treated as 2 M/s */
	assert_int_equal(tb_buffer_kb_for(0, 2, 0, 1410), 31252);
	/* small rates still get 8 MiB (issue 4: >= 8 MiB lost nothing on one CPU) */
	assert_int_equal(tb_buffer_kb_for(1000, 4, 24000000, 1410), 8192);
	/* capped at 1/8 of MemAvailable over all CPUs */
	assert_int_equal(tb_buffer_kb_for(50000000, 2, 1000000, 1410), 62500);
	/* never below what is there */
	assert_int_equal(tb_buffer_kb_for(1000, 2, 1000, 65536), 65536);
}

/* ---- tb_plan_build with capabilities built here, per kernel era ---------------------- *
 * The caps struct is filled in C (what caps.c would find on 3.10, 4.19, 6.x); the small
 * tree under a temporary directory holds only what the planner reads besides caps:
 * event directories, a raw per-CPU buffer, kprobe_events and two slab caches
 * (kmalloc-64 of its own, eventpoll_pwq merged into :0000064).
 */

static char fake_root[64];

static void mk(const char *rel, const char *content)
{
	char path[PATH_MAX], *s;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fake_root, rel);
	for (s = path + strlen(fake_root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	if (!content) {
		mkdir(path, 0755);
		return;
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static int fake_tree_setup(void **state)
{
	char target[PATH_MAX], link[PATH_MAX];

	(void)state;
	snprintf(fake_root, sizeof(fake_root), "/tmp/tb-plan-unit.XXXXXX");
	if (!mkdtemp(fake_root))
		return -1;
	mk("tracing/events/kmem/kmalloc", NULL);
	mk("tracing/events/kmem/kfree", NULL);
	mk("tracing/events/kmem/kmem_cache_alloc", NULL);
	mk("tracing/events/kmem/kmem_cache_free", NULL);
	mk("tracing/events/sched/sched_process_fork", NULL);
	mk("tracing/per_cpu/cpu0/trace_pipe_raw", "");
	mk("tracing/kprobe_events", "");
	mk("proc", NULL);
	mk("slab/kmalloc-64/trace", "0\n");
	mk("slab/kmalloc-64/aliases", "0\n");
	mk("slab/kmalloc-64/slab_size", "64\n");
	mk("slab/kmalloc-64/shrink", "");
	mk("slab/:0000064/trace", "0\n");
	mk("slab/:0000064/aliases", "3\n");
	mk("slab/:0000064/slab_size", "64\n");
	snprintf(target, sizeof(target), ":0000064");
	snprintf(link, sizeof(link), "%s/slab/eventpoll_pwq", fake_root);
	return symlink(target, link);
}

static int fake_tree_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
	return system(cmd) == 0 ? 0 : -1;
}

/* What caps.c finds on each era's kernel (kernel-compat: instances, triggers, SLUB). */
static void caps_kernel(struct tb_caps *c, const char *era)
{
	static const char *const kmem[] = { "kmalloc", "kmem_cache_alloc", "kfree", "kmem_cache_free" };
	int six = !strcmp(era, "6.x"), k;

	caps_era(c, era);	/* machine, version, kprobe argument syntax */
	/* releases as the kernels print them: the planner reads the stable sublevel */
	snprintf(c->release, sizeof(c->release), "%s", !strcmp(era, "3.10") ? "3.10.0-1160.el7.x86_64" :
		 !strcmp(era, "6.x") ? "6.18.2" : "4.19.222");
	snprintf(c->tracefs, sizeof(c->tracefs), "%s/tracing", fake_root);
	snprintf(c->proc_dir, sizeof(c->proc_dir), "%s/proc", fake_root);
	snprintf(c->slab_dir, sizeof(c->slab_dir), "%s/slab", fake_root);
	c->fstype = !strcmp(era, "3.10") ? TB_FS_DEBUGFS : TB_FS_TRACEFS;
	c->ncpus = 2;
	c->buffer_kb = 1408;
	c->buffer_expanded = 1;
	c->kprobes = TB_PRESENT;
	c->kprobe_string = 1;
	c->opt_stacktrace = 1;
	c->instances = 1;
	c->slab_sysfs = 1;
	for (k = 0; k < 4; k++) {
		c->kmem[k].name = kmem[k];
		c->kmem[k].present = 1;
		c->kmem[k].has_bytes_alloc = k < 2;
		c->kmem[k].has_name_field = six && k % 2;	/* kmem_cache_*: "name" on 6.x */
	}
	c->nkmem = 4;
	if (!strcmp(era, "3.10")) {
		/* 3.10: instances share the global options; no event triggers; SLUB toggle rw */
		c->instance_options = 0;
		c->triggers = 0;
		c->slub_trace = TB_PRESENT;
	} else {
		/* 4.19 and 6.x: instances with their own options, triggers; 5.9+: toggle ro */
		c->instance_options = 1;
		c->instance_tracer = 1;
		c->triggers = 1;
		c->hist = 1;
		c->slub_trace = six ? TB_READONLY : TB_PRESENT;
	}
}

static int build(struct tb_plan *p, struct tb_caps *c, const char *recipe, const char *assign,
		 int force)
{
	struct strlist a = STRLIST_INIT;
	struct tb_plan_opts o;
	struct tb_recipe r;
	int ret;

	if (assign)
		strlist_add(&a, assign);
	memset(&o, 0, sizeof(o));
	o.pid = 42;
	o.force = force;
	ret = tb_recipe_load_string("unit.recipe", recipe, &a, &r);
	strlist_clear(&a);
	assert_int_equal(ret, 0);
	ret = tb_plan_build(p, &r, c, &o);
	tb_recipe_free(&r);
	return ret;
}

/* The step of that kind on the file whose path ends in tail, or NULL. */
static const struct tb_step *step(const struct tb_plan *p, enum tb_step_kind kind, const char *tail)
{
	size_t lt = strlen(tail);
	unsigned i;

	for (i = 0; i < p->nsteps; i++) {
		size_t l = strlen(p->steps[i].path);

		if (p->steps[i].kind == kind && l >= lt && !strcmp(p->steps[i].path + l - lt, tail))
			return &p->steps[i];
	}
	return NULL;
}

static int said(const struct strlist *l, const char *what)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strstr(l->v[i], what))
			return 1;
	return 0;
}

static const char kprobe_recipe[] =
	"[recipe]\nname = unit-kprobe\nsummary = s\n"
	"[kprobe kn]\nprobe = kernfs_new_node\nargs = parent=$arg1:x64\n"
	"[count c]\nevents = kprobe:kn\n";

static void test_build_argn(void **state)
{
	struct tb_caps c;
	struct tb_plan p;
	const struct tb_step *s;

	(void)state;
	/* 3.10 (x86_64): no $argN, no x64 type: the register, untyped */
	caps_kernel(&c, "3.10");
	assert_int_equal(build(&p, &c, kprobe_recipe, NULL, 0), 0);
	s = step(&p, TB_STEP_APPEND, "/tracing/kprobe_events");
	assert_non_null(s);
	assert_string_equal(s->value, "p:tracebook/kn kernfs_new_node parent=%di");
	assert_string_equal(s->undo, "-:tracebook/kn");
	assert_true(said(&p.summary, "$argN translated to argument registers"));
	tb_plan_free(&p);
	/* 4.19 (aarch64): registers x0.. */
	caps_kernel(&c, "4.19");
	assert_int_equal(build(&p, &c, kprobe_recipe, NULL, 0), 0);
	s = step(&p, TB_STEP_APPEND, "/tracing/kprobe_events");
	assert_non_null(s);
	assert_string_equal(s->value, "p:tracebook/kn kernfs_new_node parent=%x0:x64");
	tb_plan_free(&p);
	/* 6.x: $argN as written */
	caps_kernel(&c, "6.x");
	assert_int_equal(build(&p, &c, kprobe_recipe, NULL, 0), 0);
	s = step(&p, TB_STEP_APPEND, "/tracing/kprobe_events");
	assert_non_null(s);
	assert_string_equal(s->value, "p:tracebook/kn kernfs_new_node parent=$arg1:x64");
	assert_false(said(&p.summary, "translated to argument registers"));
	tb_plan_free(&p);
	/* no kprobe_events at all: refused before anything is written */
	caps_kernel(&c, "6.x");
	c.kprobes = TB_ABSENT;
	assert_int_equal(build(&p, &c, kprobe_recipe, NULL, 0), -TB_EXIT_BADINPUT);
	assert_int_equal(p.nsteps, 0);
	tb_plan_free(&p);
}

static const char stack_recipe[] =
	"[recipe]\nname = unit-stack\nsummary = s\n"
	"[tracepoint kmem:kmalloc]\nfilter = bytes_alloc == 64\nstack = yes\n"
	"[count c]\nevents = kmem:kmalloc\n";

static void test_build_stacks_and_place(void **state)
{
	struct tb_caps c;
	struct tb_plan p;
	const struct tb_step *s;
	char inst[PATH_MAX + 64];

	(void)state;
	/* 3.10: top level (instances share the options), stacks by the global option */
	caps_kernel(&c, "3.10");
	assert_int_equal(build(&p, &c, stack_recipe, NULL, 0), 0);
	assert_null(p.instance);
	assert_string_equal(p.trace_dir, c.tracefs);
	assert_null(step(&p, TB_STEP_MKDIR, "/instances/tracebook-42"));
	s = step(&p, TB_STEP_WRITE, "/tracing/options/stacktrace");
	assert_non_null(s);
	assert_string_equal(s->value, "1");
	assert_null(step(&p, TB_STEP_APPEND, "/tracing/events/kmem/kmalloc/trigger"));
	s = step(&p, TB_STEP_WRITE, "/tracing/events/kmem/kmalloc/filter");
	assert_non_null(s);
	assert_string_equal(s->value, "bytes_alloc == 64");
	assert_true(said(&p.summary, "instances share the global options"));
	tb_plan_free(&p);

	/* 4.19: triggers, but a trigger in an instance writes to the top level before
	 * 5.16: top level, stacktrace trigger carrying the filter */
	caps_kernel(&c, "4.19");
	assert_int_equal(build(&p, &c, stack_recipe, NULL, 0), 0);
	assert_null(p.instance);
	s = step(&p, TB_STEP_APPEND, "/tracing/events/kmem/kmalloc/trigger");
	assert_non_null(s);
	assert_string_equal(s->value, "stacktrace if bytes_alloc == 64");
	assert_string_equal(s->undo, "!stacktrace");
	assert_null(step(&p, TB_STEP_WRITE, "/options/stacktrace"));
	tb_plan_free(&p);

	/* 6.x: our own instance, the trigger inside it */
	caps_kernel(&c, "6.x");
	assert_int_equal(build(&p, &c, stack_recipe, NULL, 0), 0);
	snprintf(inst, sizeof(inst), "%s/instances/tracebook-42", c.tracefs);
	assert_non_null(p.instance);
	assert_string_equal(p.instance, inst);
	assert_int_equal(p.steps[0].kind, TB_STEP_MKDIR);	/* created before anything in it */
	assert_string_equal(p.steps[0].path, inst);
	assert_non_null(step(&p, TB_STEP_APPEND, "/instances/tracebook-42/events/kmem/kmalloc/trigger"));
	assert_non_null(step(&p, TB_STEP_WRITE, "/instances/tracebook-42/events/kmem/kmalloc/enable"));
	assert_null(step(&p, TB_STEP_WRITE, "/tracing/events/kmem/kmalloc/enable"));
	tb_plan_free(&p);

	/* 6.x without triggers: the instance's own stacktrace option */
	caps_kernel(&c, "6.x");
	c.triggers = 0;
	assert_int_equal(build(&p, &c, stack_recipe, NULL, 0), 0);
	assert_non_null(p.instance);
	assert_non_null(step(&p, TB_STEP_WRITE, "/instances/tracebook-42/options/stacktrace"));
	assert_null(step(&p, TB_STEP_APPEND, "/events/kmem/kmalloc/trigger"));
	tb_plan_free(&p);

	/* no triggers and no stacktrace option: by call site only, said in a note */
	caps_kernel(&c, "3.10");
	c.opt_stacktrace = 0;
	assert_int_equal(build(&p, &c, stack_recipe, NULL, 0), 0);
	assert_null(step(&p, TB_STEP_WRITE, "/options/stacktrace"));
	assert_true(said(&p.notes, "no way to record stacks"));
	tb_plan_free(&p);
}

static void test_build_global_stack_option(void **state)
{
	static const char recipe[] =
		"[recipe]\nname = unit-hot\nsummary = s\n"
		"[tracepoint kmem:kmalloc]\nfilter = bytes_alloc == 64\nstack = yes\n"
		"[tracepoint kmem:kfree]\n"
		"[pair p]\nalloc = kmem:kmalloc\nfree = kmem:kfree\nkey = ptr\n";
	struct tb_caps c;
	struct tb_plan p;

	(void)state;
	/* 3.10's global option would put a stack on every unfiltered kfree: dropped */
	caps_kernel(&c, "3.10");
	assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
	assert_null(step(&p, TB_STEP_WRITE, "/options/stacktrace"));
	assert_true(said(&p.notes, "stacks dropped"));
	assert_non_null(step(&p, TB_STEP_WRITE, "/tracing/events/kmem/kfree/enable"));
	tb_plan_free(&p);
	/* --force takes them anyway, and says so */
	assert_int_equal(build(&p, &c, recipe, NULL, 1), 0);
	assert_non_null(step(&p, TB_STEP_WRITE, "/tracing/options/stacktrace"));
	assert_true(said(&p.notes, "gets a stack on every event too (--force)"));
	tb_plan_free(&p);
	/* 4.19 has per-event triggers: the stacks stay on kmalloc alone */
	caps_kernel(&c, "4.19");
	assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
	assert_non_null(step(&p, TB_STEP_APPEND, "/tracing/events/kmem/kmalloc/trigger"));
	assert_null(step(&p, TB_STEP_APPEND, "/tracing/events/kmem/kfree/trigger"));
	tb_plan_free(&p);
}

static void test_build_instance_or_top(void **state)
{
	static const char recipe[] =
		"[recipe]\nname = unit-fork\nsummary = s\n"
		"[tracepoint sched:sched_process_fork]\n"
		"[count c]\nevents = sched:sched_process_fork\n";
	struct tb_caps c;
	struct tb_plan p;

	(void)state;
	caps_kernel(&c, "3.10");
	assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
	assert_null(p.instance);
	assert_non_null(step(&p, TB_STEP_WRITE, "/tracing/events/sched/sched_process_fork/enable"));
	assert_non_null(step(&p, TB_STEP_WRITE, "/tracing/buffer_size_kb"));
	tb_plan_free(&p);
	caps_kernel(&c, "4.19");
	assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
	assert_non_null(p.instance);
	assert_non_null(step(&p, TB_STEP_MKDIR, "/tracing/instances/tracebook-42"));
	assert_non_null(step(&p, TB_STEP_WRITE, "/instances/tracebook-42/events/sched/sched_process_fork/enable"));
	assert_non_null(step(&p, TB_STEP_WRITE, "/instances/tracebook-42/buffer_size_kb"));
	assert_non_null(step(&p, TB_STEP_WRITE, "/instances/tracebook-42/tracing_on"));
	assert_null(step(&p, TB_STEP_WRITE, "/tracing/tracing_on"));
	tb_plan_free(&p);
	caps_kernel(&c, "6.x");
	c.instances = 0;	/* a kernel built without instances */
	assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
	assert_null(p.instance);
	assert_true(said(&p.summary, "this kernel has no instances"));
	tb_plan_free(&p);
	/* per_cpu/cpu0/trace_pipe_raw exists: the raw buffers are read */
	caps_kernel(&c, "6.x");
	assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
	assert_int_equal(p.source, TB_SRC_RAW);
	tb_plan_free(&p);
}

/*
 * Sub-buffers: a 6.8+ kernel (buffer_subbuf_size_kb exists) gets an optional write of 64
 * KiB into the captured buffer, after its buffer_size_kb (restore, in reverse, puts the
 * size back last: a sub-buffer change makes the kernel recompute it); kernels without
 * the file and a buffer already at 64 KiB get no step.
 */
static void test_build_subbuf(void **state)
{
	static const char recipe[] =
		"[recipe]\nname = unit-fork\nsummary = s\n"
		"[tracepoint sched:sched_process_fork]\n"
		"[count c]\nevents = sched:sched_process_fork\n";
	const char *const eras[] = { "3.10", "4.19", "6.x" };
	struct tb_caps c;
	struct tb_plan p;
	const struct tb_step *s, *b;
	unsigned i;

	(void)state;
	for (i = 0; i < 3; i++) {
		caps_kernel(&c, eras[i]);	/* no buffer_subbuf_size_kb */
		assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
		assert_null(step(&p, TB_STEP_WRITE, "/buffer_subbuf_size_kb"));
		tb_plan_free(&p);
	}
	caps_kernel(&c, "6.x");
	c.subbuf_kb = 4;
	assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
	s = step(&p, TB_STEP_WRITE, "/instances/tracebook-42/buffer_subbuf_size_kb");
	b = step(&p, TB_STEP_WRITE, "/instances/tracebook-42/buffer_size_kb");
	assert_non_null(s);
	assert_non_null(b);
	assert_string_equal(s->value, "64");
	assert_int_equal(s->optional, 1);
	assert_int_equal(b->optional, 0);
	assert_true(b < s);
	tb_plan_free(&p);
	/* at the top level (no instances) in the same order */
	c.instances = 0;
	assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
	s = step(&p, TB_STEP_WRITE, "/tracing/buffer_subbuf_size_kb");
	b = step(&p, TB_STEP_WRITE, "/tracing/buffer_size_kb");
	assert_non_null(s);
	assert_non_null(b);
	assert_true(b < s);
	tb_plan_free(&p);
	/* a top-level buffer big enough already: no size write, a KEEP of it first */
	c.buffer_kb = 65536;
	assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
	assert_null(step(&p, TB_STEP_WRITE, "/tracing/buffer_size_kb"));
	assert_null(step(&p, TB_STEP_KEEP, "/tracing/buffer_size_kb"));
	assert_null(step(&p, TB_STEP_WRITE, "/tracing/buffer_subbuf_size_kb"));	/* unreadable size */
	tb_plan_free(&p);
	mk("tracing/buffer_size_kb", "65536\n");
	assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
	s = step(&p, TB_STEP_WRITE, "/tracing/buffer_subbuf_size_kb");
	b = step(&p, TB_STEP_KEEP, "/tracing/buffer_size_kb");
	assert_non_null(s);
	assert_non_null(b);
	assert_string_equal(b->value, "65536");
	assert_true(b < s);
	tb_plan_free(&p);
	{
		char f[PATH_MAX];

		snprintf(f, sizeof(f), "%s/tracing/buffer_size_kb", fake_root);
		assert_int_equal(unlink(f), 0);
	}
	c.buffer_kb = 1408;
	c.instances = 1;
	c.subbuf_kb = 64;
	assert_int_equal(build(&p, &c, recipe, NULL, 0), 0);
	assert_null(step(&p, TB_STEP_WRITE, "/buffer_subbuf_size_kb"));
	tb_plan_free(&p);
}

static const char slub_recipe[] =
	"[recipe]\nname = unit-slub\nsummary = s\n"
	"[param cache]\ntype = cache\nrequired = yes\nhelp = h\n"
	"[slub-trace]\ncaches = ${cache}\n"
	"[pair objects]\nalloc = slub:alloc\nfree = slub:free\nkey = ptr\n";

static void test_build_slub_toggle_or_fallback(void **state)
{
	struct tb_caps c;
	struct tb_plan p;
	const struct tb_step *s;

	(void)state;
	/* 3.10: the toggle, written last; records come from the kernel log */
	caps_kernel(&c, "3.10");
	assert_int_equal(build(&p, &c, slub_recipe, "cache=kmalloc-64", 0), 0);
	s = step(&p, TB_STEP_WRITE, "/slab/kmalloc-64/trace");
	assert_non_null(s);
	assert_string_equal(s->value, "1");
	assert_ptr_equal(s, &p.steps[p.nsteps - 3]);	/* then shrink, then tracing_on */
	assert_ptr_equal(step(&p, TB_STEP_POKE, "/slab/kmalloc-64/shrink"), &p.steps[p.nsteps - 2]);
	assert_int_equal(p.kmsg, 1);
	assert_null(step(&p, TB_STEP_WRITE, "/events/kmem/kmalloc/enable"));
	tb_plan_free(&p);
	/* 4.19, a cache of its own: the toggle */
	caps_kernel(&c, "4.19");
	assert_int_equal(build(&p, &c, slub_recipe, "cache=kmalloc-64", 0), 0);
	assert_non_null(step(&p, TB_STEP_WRITE, "/slab/kmalloc-64/trace"));
	assert_non_null(step(&p, TB_STEP_POKE, "/slab/kmalloc-64/shrink"));	/* takes effect at once */
	assert_int_equal(p.kmsg, 1);
	tb_plan_free(&p);
	/* 4.19, a merged cache: the kernel refuses the toggle (EINVAL); kmem tracepoints
	 * narrowed by object size instead, and said */
	assert_int_equal(build(&p, &c, slub_recipe, "cache=eventpoll_pwq", 0), 0);
	assert_null(step(&p, TB_STEP_WRITE, "/trace"));
	assert_int_equal(p.kmsg, 0);
	s = step(&p, TB_STEP_WRITE, "/events/kmem/kmem_cache_alloc/filter");
	assert_non_null(s);
	assert_string_equal(s->value, "bytes_alloc == 64");
	assert_null(step(&p, TB_STEP_WRITE, "/events/kmem/kmalloc/enable"));	/* not kmalloc-N */
	assert_true(said(&p.summary, "merged with other caches"));
	tb_plan_free(&p);
	/* 6.x: the toggle is read-only since 5.9: kmalloc narrowed to kmalloc-64 */
	caps_kernel(&c, "6.x");
	assert_int_equal(build(&p, &c, slub_recipe, "cache=kmalloc-64", 0), 0);
	assert_null(step(&p, TB_STEP_WRITE, "/slab/kmalloc-64/trace"));
	assert_int_equal(p.kmsg, 0);
	s = step(&p, TB_STEP_WRITE, "/instances/tracebook-42/events/kmem/kmalloc/filter");
	assert_non_null(s);
	assert_string_equal(s->value, "bytes_alloc == 64");
	assert_non_null(step(&p, TB_STEP_WRITE, "/instances/tracebook-42/events/kmem/kfree/enable"));
	assert_true(said(&p.summary, "read-only since 5.9"));
	assert_true(said(&p.notes, "slub_debug=T,kmalloc-64"));
	tb_plan_free(&p);
	/* a cache this kernel does not have */
	assert_int_equal(build(&p, &c, slub_recipe, "cache=nosuchcache", 0), -TB_EXIT_BADINPUT);
	tb_plan_free(&p);
}

/* ---- --pid in the kernel: allocations only, ANDed with the recipe's filter ---------- */

static const char pid_recipe[] =
	"[recipe]\nname = unit-pid\nsummary = s\n"
	"[tracepoint kmem:kmalloc]\nfilter = bytes_alloc == 64\n"
	"[tracepoint kmem:kmem_cache_alloc]\n"
	"[tracepoint kmem:kfree]\n"
	"[tracepoint kmem:kmem_cache_free]\n"
	"[pair objects]\nalloc = kmem:kmalloc kmem:kmem_cache_alloc\n"
	"free = kmem:kfree kmem:kmem_cache_free\nkey = ptr\n";

static int build_pid(struct tb_plan *p, struct tb_caps *c, const char *recipe, const char *assign,
		     int pid, const char *comm)
{
	struct strlist a = STRLIST_INIT;
	struct tb_plan_opts o;
	struct tb_recipe r;
	int ret;

	if (assign)
		strlist_add(&a, assign);
	memset(&o, 0, sizeof(o));
	o.pid = 42;
	o.filter_pid = pid;
	o.filter_comm = comm;
	assert_int_equal(tb_recipe_load_string("unit.recipe", recipe, &a, &r), 0);
	strlist_clear(&a);
	ret = tb_plan_build(p, &r, c, &o);
	tb_recipe_free(&r);
	return ret;
}

static void test_build_pid_filter(void **state)
{
	static const char *const eras[] = { "3.10", "4.19", "6.x" };
	struct tb_caps c;
	struct tb_plan p;
	const struct tb_step *s;
	unsigned i;

	(void)state;
	for (i = 0; i < 3; i++) {
		caps_kernel(&c, eras[i]);
		assert_int_equal(build_pid(&p, &c, pid_recipe, NULL, 4242, "bash"), 0);
		/* allocations: the recipe's filter AND common_pid; one without: common_pid */
		s = step(&p, TB_STEP_WRITE, "/events/kmem/kmalloc/filter");
		assert_non_null(s);
		assert_string_equal(s->value, "(bytes_alloc == 64) && common_pid == 4242");
		s = step(&p, TB_STEP_WRITE, "/events/kmem/kmem_cache_alloc/filter");
		assert_non_null(s);
		assert_string_equal(s->value, "common_pid == 4242");
		/* frees: no filter at all (any task frees) */
		assert_null(step(&p, TB_STEP_WRITE, "/events/kmem/kfree/filter"));
		assert_null(step(&p, TB_STEP_WRITE, "/events/kmem/kmem_cache_free/filter"));
		assert_true(said(&p.summary, "--pid 4242: in the kernel (common_pid == 4242) on kmem:kmalloc, kmem:kmem_cache_alloc; frees are not filtered"));
		assert_true(said(&p.summary, "--comm bash: filtered in user space"));
		tb_plan_free(&p);
	}
	/* without --pid: no common_pid anywhere */
	caps_kernel(&c, "6.x");
	assert_int_equal(build_pid(&p, &c, pid_recipe, NULL, 0, NULL), 0);
	s = step(&p, TB_STEP_WRITE, "/events/kmem/kmalloc/filter");
	assert_non_null(s);
	assert_string_equal(s->value, "bytes_alloc == 64");
	assert_null(step(&p, TB_STEP_WRITE, "/events/kmem/kmem_cache_alloc/filter"));
	assert_false(said(&p.summary, "--pid"));
	tb_plan_free(&p);
	/* an event that is an allocation in one pair and a free in another: left alone */
	assert_int_equal(build_pid(&p, &c,
				   "[recipe]\nname = unit-pid2\nsummary = s\n"
				   "[tracepoint kmem:kmalloc]\n[tracepoint kmem:kfree]\n"
				   "[pair a]\nalloc = kmem:kmalloc\nfree = kmem:kfree\nkey = ptr\n"
				   "[pair b]\nalloc = kmem:kfree\nfree = kmem:kmalloc\nkey = ptr\n",
				   NULL, 7, NULL), 0);
	assert_null(step(&p, TB_STEP_WRITE, "/events/kmem/kmalloc/filter"));
	assert_true(said(&p.summary, "--pid 7: no allocation-only event to filter in the kernel"));
	tb_plan_free(&p);
	/* SLUB fallback (6.x: read-only toggle): the stand-in allocation events are filtered */
	assert_int_equal(build_pid(&p, &c, slub_recipe, "cache=kmalloc-64", 99, NULL), 0);
	s = step(&p, TB_STEP_WRITE, "/instances/tracebook-42/events/kmem/kmalloc/filter");
	assert_non_null(s);
	assert_string_equal(s->value, "(bytes_alloc == 64) && common_pid == 99");
	assert_null(step(&p, TB_STEP_WRITE, "/instances/tracebook-42/events/kmem/kfree/filter"));
	tb_plan_free(&p);
}

/* run -- COMMAND: sched:sched_process_fork enabled to follow its children; without it, /proc */
static void test_build_follow_forks(void **state)
{
	static const char *const eras[] = { "3.10", "4.19", "6.x" };
	char ev[PATH_MAX], moved[PATH_MAX + 8];
	struct strlist a = STRLIST_INIT;
	struct tb_plan_opts o;
	struct tb_recipe r;
	struct tb_caps c;
	struct tb_plan p;
	unsigned i;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.pid = 42;
	o.follow_forks = 1;
	assert_int_equal(tb_recipe_load_string("unit.recipe", pid_recipe, &a, &r), 0);
	for (i = 0; i < 3; i++) {
		caps_kernel(&c, eras[i]);
		assert_int_equal(tb_plan_build(&p, &r, &c, &o), 0);
		assert_true(p.follows_forks);
		assert_non_null(step(&p, TB_STEP_WRITE, "/events/sched/sched_process_fork/enable"));
		assert_null(step(&p, TB_STEP_WRITE, "/events/sched/sched_process_fork/filter"));
		assert_true(said(&p.summary, "its children followed through sched:sched_process_fork"));
		tb_plan_free(&p);
	}
	/* a kernel without the event: nothing enabled for it, the plan says /proc is polled */
	snprintf(ev, sizeof(ev), "%s/tracing/events/sched/sched_process_fork", fake_root);
	snprintf(moved, sizeof(moved), "%s.gone", ev);
	assert_int_equal(rename(ev, moved), 0);
	assert_int_equal(tb_plan_build(&p, &r, &c, &o), 0);
	assert_false(p.follows_forks);
	assert_null(step(&p, TB_STEP_WRITE, "/events/sched/sched_process_fork/enable"));
	assert_true(said(&p.summary, "found by polling /proc"));
	tb_plan_free(&p);
	assert_int_equal(rename(moved, ev), 0);
	/* without a command: no fork event */
	o.follow_forks = 0;
	assert_int_equal(tb_plan_build(&p, &r, &c, &o), 0);
	assert_false(p.follows_forks);
	assert_null(step(&p, TB_STEP_WRITE, "/events/sched/sched_process_fork/enable"));
	tb_plan_free(&p);
	tb_recipe_free(&r);
}

/* ---- the recipe is only read; the plan carries the analyses ------------------------ */

static void add_list(struct strbuf *sb, const char *what, const struct strlist *l)
{
	size_t i;

	strbuf_addf(sb, " %s[", what);
	for (i = 0; i < l->n; i++)
		strbuf_addf(sb, "%s%s", i ? "," : "", l->v[i]);
	strbuf_addch(sb, ']');
}

#define S(x) ((x) ? (x) : "(null)")

/* Every field of r the planner reads or the analyses use, as one string. */
static char *recipe_text(const struct tb_recipe *r)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned i;

	strbuf_addf(&sb, "%s %s %llu\n", S(r->path), S(r->name), (unsigned long long)r->duration_ns);
	for (i = 0; i < r->ntps; i++)
		strbuf_addf(&sb, "tp %s:%s %s %s %d %d\n", r->tps[i].system, r->tps[i].event,
			    S(r->tps[i].filter), S(r->tps[i].cache), r->tps[i].stack, r->tps[i].optional);
	for (i = 0; i < r->nkps; i++) {
		strbuf_addf(&sb, "kp %s %s %d %d %s", S(r->kps[i].name), S(r->kps[i].probe),
			    r->kps[i].is_return, r->kps[i].stack, S(r->kps[i].filter));
		add_list(&sb, "args", &r->kps[i].args);
		strbuf_addch(&sb, '\n');
	}
	if (r->slub) {
		add_list(&sb, "slub", &r->slub->caches);
		strbuf_addch(&sb, '\n');
	}
	if (r->snapshot) {
		add_list(&sb, "snapshot", &r->snapshot->files);
		strbuf_addf(&sb, " %llu\n", (unsigned long long)r->snapshot->interval_ns);
	}
	for (i = 0; i < r->npairs; i++) {
		const struct tb_recipe_pair *a = &r->pairs[i];

		strbuf_addf(&sb, "pair %s", S(a->label));
		add_list(&sb, "alloc", &a->alloc);
		add_list(&sb, "free", &a->free);
		strbuf_addf(&sb, " %s %s %s %s %u %s\n", S(a->alloc_key), S(a->free_key), S(a->size),
			    S(a->requested), a->group, S(a->by));
	}
	for (i = 0; i < r->ncounts; i++) {
		strbuf_addf(&sb, "count %s %d", S(r->counts[i].label), r->counts[i].by_caller);
		add_list(&sb, "funcs", &r->counts[i].funcs);
		add_list(&sb, "events", &r->counts[i].events);
		add_list(&sb, "balance", &r->counts[i].balance);
		strbuf_addch(&sb, '\n');
	}
	for (i = 0; i < r->nbalances; i++) {
		const struct tb_recipe_balance *bl = &r->balances[i];

		strbuf_addf(&sb, "balance %s %s %s %u", S(bl->label), S(bl->get_key), S(bl->put_key),
			    bl->group);
		add_list(&sb, "get", &bl->get);
		add_list(&sb, "put", &bl->put);
		strbuf_addch(&sb, '\n');
	}
	if (r->growth) {
		strbuf_addf(&sb, "growth %d", r->growth->enabled);
		add_list(&sb, "caches", &r->growth->caches);
		add_list(&sb, "from", &r->growth->from);
		strbuf_addch(&sb, '\n');
	}
	return strbuf_detach(&sb, NULL);
}

/*
 * Plan the shipped slub-trace recipe (cache=CACHE) on era; the recipe is compared
 * before and after, and freed before the plan is looked at (the spec is the plan's).
 */
static void build_slub_trace(struct tb_plan *p, const char *era, const char *assign)
{
	struct strlist a = STRLIST_INIT;
	struct tb_plan_opts o;
	struct tb_recipe r;
	struct tb_caps c;
	char *before, *after;

	caps_kernel(&c, era);
	memset(&o, 0, sizeof(o));
	o.pid = 42;
	strlist_add(&a, assign);
	assert_non_null(tb_recipe_builtin_text("slub-trace"));
	assert_int_equal(tb_recipe_load_string("slub-trace.recipe", tb_recipe_builtin_text("slub-trace"),
					       &a, &r), 0);
	strlist_clear(&a);
	before = recipe_text(&r);
	assert_true(strstr(before, "alloc[slub:alloc]") != NULL);
	assert_int_equal(tb_plan_build(p, &r, &c, &o), 0);
	after = recipe_text(&r);
	assert_string_equal(after, before);	/* the planner changed nothing in the recipe */
	free(before);
	free(after);
	tb_recipe_free(&r);
}

static void test_build_leaves_recipe_spec_resolved(void **state)
{
	struct tb_analysis *an;
	struct tb_plan p;

	(void)state;
	/* 4.19, merged cache: the toggle is refused; kmem tracepoints stand in */
	build_slub_trace(&p, "4.19", "cache=eventpoll_pwq");
	assert_int_equal(p.kmsg, 0);
	assert_string_equal(p.spec.name, "slub-trace");
	assert_int_equal(p.spec.npairs, 1);
	assert_string_equal(p.spec.pairs[0].label, "objects");
	assert_string_equal(p.spec.pairs[0].alloc_key, "ptr");
	assert_false(strlist_has(&p.spec.pairs[0].alloc, "slub:alloc"));
	assert_true(strlist_has(&p.spec.pairs[0].alloc, "kmem:kmem_cache_alloc"));
	assert_false(strlist_has(&p.spec.pairs[0].alloc, "kmem:kmalloc"));	/* not a kmalloc-N cache */
	assert_false(strlist_has(&p.spec.pairs[0].free, "slub:free"));
	assert_true(strlist_has(&p.spec.pairs[0].free, "kmem:kmem_cache_free"));
	assert_non_null(p.spec.growth);
	assert_true(strlist_has(&p.spec.growth->caches, "eventpoll_pwq"));
	assert_non_null(p.snapshot);
	assert_ptr_equal(p.snapshot, p.spec.snapshot);
	assert_true(strlist_has(&p.snapshot->files, "slabinfo"));
	assert_true(said(&p.analyses, "alloc kmem:kmem_cache_alloc <-> free"));
	/* the analyses are built from the plan alone (the recipe is gone) */
	an = tb_analysis_new(&p.spec, NULL);
	assert_non_null(an);
	tb_analysis_free(an);
	tb_plan_free(&p);

	/* 6.x: the toggle is read-only; kmalloc narrowed to kmalloc-64 stands in */
	build_slub_trace(&p, "6.x", "cache=kmalloc-64");
	assert_true(strlist_has(&p.spec.pairs[0].alloc, "kmem:kmalloc"));
	assert_false(strlist_has(&p.spec.pairs[0].alloc, "slub:alloc"));
	assert_true(strlist_has(&p.spec.pairs[0].free, "kmem:kfree"));
	tb_plan_free(&p);

	/* 3.10: the toggle is written; the analyses read the real SLUB records */
	build_slub_trace(&p, "3.10", "cache=kmalloc-64");
	assert_int_equal(p.kmsg, 1);
	assert_int_equal(p.spec.pairs[0].alloc.n, 1);
	assert_string_equal(p.spec.pairs[0].alloc.v[0], "slub:alloc");
	assert_string_equal(p.spec.pairs[0].free.v[0], "slub:free");
	tb_plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kprobe_argn),
		cmocka_unit_test(test_kprobe_retval_and_types),
		cmocka_unit_test(test_restore_value),
		cmocka_unit_test(test_near_names),
		cmocka_unit_test(test_sizing),
		cmocka_unit_test(test_hot),
		cmocka_unit_test(test_build_argn),
		cmocka_unit_test(test_build_stacks_and_place),
		cmocka_unit_test(test_build_global_stack_option),
		cmocka_unit_test(test_build_instance_or_top),
		cmocka_unit_test(test_build_subbuf),
		cmocka_unit_test(test_build_slub_toggle_or_fallback),
		cmocka_unit_test(test_build_pid_filter),
		cmocka_unit_test(test_build_follow_forks),
		cmocka_unit_test(test_build_leaves_recipe_spec_resolved),
	};

	return cmocka_run_group_tests(tests, fake_tree_setup, fake_tree_teardown);
}
