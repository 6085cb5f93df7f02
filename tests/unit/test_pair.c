/*
 * test_pair.c - the pair analyzer on synthetic event streams: outstanding objects by
 * site/stack/by, frees from before the run, cross-CPU frees and timestamp inversions,
 * implicit frees (reused pointers), NULL frees, hidden and hashed pointers, raw
 * call sites symbolized, kprobe pairs, memory per outstanding object.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "analyze/analysis-local.h"
#include "analyze-testlib.h"
#include "report/report-local.h"
#include "analyze/trend.h"
#include "util/strbuf.h"

#define MS 1000000ULL

struct fx {
	struct tb_recipe r;
	struct tb_recipe_pair p;
	struct tb_analysis *an;
	struct tb_sink s;
	struct tb_report *rep;
};

static void fx_open(struct fx *f, unsigned group, const char *kallsyms)
{
	struct tb_analysis_opts o = { kallsyms, 0 };

	memset(f, 0, sizeof(*f));
	recipe_kmem(&f->r, &f->p, group);
	f->an = tb_analysis_new(&f->r, &o);
	assert_non_null(f->an);
	f->s = tb_analysis_sink(f->an);
}

static const struct tb_rpair *fx_report(struct fx *f)
{
	f->rep = tb_report_build(f->an, NULL);
	assert_non_null(f->rep);
	assert_int_equal(f->rep->npairs, 1);
	return &f->rep->pairs[0];
}

static void fx_close(struct fx *f)
{
	tb_report_free(f->rep);
	tb_analysis_free(f->an);
	spec_pair_clear(&f->p);
}

static int has_note(const struct tb_report *rep, const char *needle)
{
	size_t i;

	for (i = 0; i < rep->notes.n; i++)
		if (strstr(rep->notes.v[i], needle))
			return 1;
	return 0;
}

static void test_outstanding_by_site(void **state)
{
	const struct tb_rpair *p;
	struct fx f;

	fx_open(&f, TB_GROUP_SITE, NULL);
	assert_int_equal(feed_alloc(&f.s, 1 * MS, 0, 0xffff888000001000ULL, 64, 50, "foo+0x1/0x10"), 0);
	assert_int_equal(feed_alloc(&f.s, 2 * MS, 0, 0xffff888000002000ULL, 128, 100, "foo+0x1/0x10"), 0);
	assert_int_equal(feed_alloc(&f.s, 3 * MS, 1, 0xffff888000003000ULL, 32, 32, "bar+0x2/0x20"), 0);
	assert_int_equal(feed_free(&f.s, 4 * MS, 0, 0xffff888000001000ULL), 0);
	p = fx_report(&f);
	assert_int_equal(p->allocs, 3);
	assert_int_equal(p->frees, 1);
	assert_int_equal(p->count, 2);
	assert_int_equal(p->bytes, 160);
	assert_int_equal(p->req, 132);
	assert_int_equal(p->unmatched_frees, 0);
	assert_int_equal(p->groups, 2);
	assert_int_equal(p->nsites, 2);
	assert_string_equal(p->sites[0].site, "foo+0x1/0x10");
	assert_int_equal(p->sites[0].count, 1);
	assert_int_equal(p->sites[0].bytes, 128);
	assert_int_equal(p->sites[0].allocs, 2);
	assert_int_equal(p->sites[0].frees, 1);
	/* oldest age: allocated at 2 ms, last event at 4 ms */
	assert_int_equal(p->sites[0].oldest_ns, 2000000);
	assert_string_equal(p->sites[1].site, "bar+0x2/0x20");
	assert_int_equal(p->sites[1].bytes, 32);
	fx_close(&f);
}

static void test_cross_cpu_and_before_run(void **state)
{
	const struct tb_rpair *p;
	struct fx f;

	fx_open(&f, TB_GROUP_SITE, NULL);
	feed_alloc(&f.s, 1 * MS, 0, 0x1000, 64, 64, "a+0x0/0x1");
	feed_free(&f.s, 1000 * MS, 1, 0x1000);		/* freed on another CPU */
	feed_free(&f.s, 1001 * MS, 0, 0x9000);		/* allocated before the run */
	feed_free(&f.s, 1002 * MS, 1, 0xa000);		/* same, other CPU */
	p = fx_report(&f);
	assert_int_equal(p->cross_cpu_frees, 1);
	assert_int_equal(p->unmatched_frees, 2);
	assert_int_equal(p->frees, 3);
	assert_int_equal(p->count, 0);
	assert_int_equal(p->nsites, 0);
	fx_close(&f);
}

static void test_timestamp_inversion(void **state)
{
	const struct tb_rpair *p;
	struct fx f;

	fx_open(&f, TB_GROUP_SITE, NULL);
	/* cross-CPU: the free is merged 50 us before its own allocation -> a pair */
	feed_free(&f.s, 1 * MS, 1, 0x5000);
	feed_alloc(&f.s, 1 * MS + 50000, 0, 0x5000, 64, 64, "inv+0x0/0x1");
	/* same CPU: the ring buffer orders them; the free was of an older object */
	feed_free(&f.s, 2 * MS, 0, 0x6000);
	feed_alloc(&f.s, 2 * MS + 10, 0, 0x6000, 64, 64, "same+0x0/0x1");
	/* cross-CPU but 2 ms apart: too far for skew -> unmatched + outstanding */
	feed_free(&f.s, 3 * MS, 1, 0x7000);
	feed_alloc(&f.s, 5 * MS, 0, 0x7000, 64, 64, "far+0x0/0x1");
	p = fx_report(&f);
	assert_int_equal(p->inversions, 1);
	assert_int_equal(p->unmatched_frees, 2);
	assert_int_equal(p->allocs, 3);
	assert_int_equal(p->frees, 3);
	assert_int_equal(p->count, 2);
	assert_int_equal(p->nsites, 2);
	assert_true(strcmp(p->sites[0].site, "inv+0x0/0x1") && strcmp(p->sites[1].site, "inv+0x0/0x1"));
	fx_close(&f);
}

static void test_reused_pointer_is_implicit_free(void **state)
{
	const struct tb_rpair *p;
	struct fx f;

	fx_open(&f, TB_GROUP_SITE, NULL);
	feed_alloc(&f.s, 1 * MS, 0, 0x4000, 256, 256, "maple_first+0x0/0x1");
	feed_alloc(&f.s, 2 * MS, 1, 0x4000, 64, 60, "second+0x0/0x1");
	p = fx_report(&f);
	assert_int_equal(p->implicit_frees, 1);
	assert_int_equal(p->count, 1);
	assert_int_equal(p->bytes, 64);
	assert_int_equal(p->nsites, 1);		/* the old object is not outstanding */
	assert_string_equal(p->sites[0].site, "second+0x0/0x1");
	tb_report_free(f.rep);
	feed_free(&f.s, 3 * MS, 1, 0x4000);
	p = fx_report(&f);
	assert_int_equal(p->count, 0);
	assert_int_equal(p->bytes, 0);
	assert_int_equal(p->frees, 1);
	assert_int_equal(p->unmatched_frees, 0);
	fx_close(&f);
}

static void test_null_frees_ignored(void **state)
{
	const struct tb_rpair *p;
	struct tev t;
	struct fx f;

	fx_open(&f, TB_GROUP_SITE, NULL);
	feed_free(&f.s, 1 * MS, 0, 0);
	tev(&t, "kmem", "kfree", 2 * MS, 0);
	tev_str(&t, "ptr", "(null)");
	f.s.event(f.s.ctx, &t.ev);
	tev(&t, "kmem", "kfree", 3 * MS, 0);
	tev_str(&t, "ptr", "0000000000000000");
	f.s.event(f.s.ctx, &t.ev);
	feed_alloc(&f.s, 4 * MS, 0, 0, 64, 64, "failed+0x0/0x1");
	p = fx_report(&f);
	assert_int_equal(p->null_frees, 3);
	assert_int_equal(p->frees, 0);
	assert_int_equal(p->unmatched_frees, 0);
	assert_int_equal(p->failed_allocs, 1);
	assert_int_equal(p->allocs, 0);
	assert_int_equal(p->count, 0);
	fx_close(&f);
}

/*
 * kernfs-leak on x86_64: the return probe's own stack is the trampoline's; the entry
 * probe kernfs_new_entry carries the creation stack, joined to the return by task.
 * Interleaved tasks, a return without an entry (keeps its own), an entry used once.
 */
static void kret(struct tb_sink *s, struct tev *t, uint64_t ts, int pid, const char *name,
		 uint64_t node, const char *const *stack)
{
	tev(t, "tracebook", name, ts, 0);
	t->ev.pid = pid;
	if (node)
		tev_num(t, "node", node);
	if (stack)
		tev_syms(t, stack);
	assert_int_equal(s->event(s->ctx, &t->ev), 0);
}

static int stack_has(const struct tb_rsite *site, const char *fn)
{
	unsigned k;

	for (k = 0; k < site->nstack; k++)
		if (strstr(site->stack[k], fn))
			return 1;
	return 0;
}

static void test_kretprobe_stack_from_entry(void **state)
{
	static const char *const tramp[] = { "kretprobe_trace_func+0x1a0/0x2e0", "kretprobe_dispatcher+0x3d/0x60",
					     "__kretprobe_trampoline_handler+0xc6/0x140", "trampoline_handler+0x44/0x60",
					     "kretprobe_trampoline+0x25/0x50", NULL };
	static const char *const cg[] = { "kernfs_new_node+0x1/0x60", "kernfs_create_dir_ns+0x2b/0x90",
					  "cgroup_mkdir+0x1e4/0x4a0", "kernfs_iop_mkdir+0x53/0x80", NULL };
	static const char *const sysfs[] = { "kernfs_new_node+0x1/0x60", "kernfs_create_dir_ns+0x2b/0x90",
					     "sysfs_create_dir_ns+0x6a/0xd0", NULL };
	struct tb_analysis_opts o = { NULL, 0 };
	const struct tb_rpair *p;
	struct tb_recipe r;
	struct tb_analysis *an;
	struct tb_report *rep;
	struct tb_sink s;
	struct tev t;
	char *path;
	size_t i;
	int cgroup = -1, sys = -1, tr = -1;

	(void)state;
	path = tb_recipe_find("kernfs-leak");
	assert_non_null(path);
	assert_int_equal(tb_recipe_load(path, NULL, &r), 0);
	free(path);
	an = tb_analysis_new(&r, &o);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	kret(&s, &t, 1 * MS, 100, "kernfs_new_entry", 0, cg);		/* cgroup mkdir (task 100) */
	kret(&s, &t, 2 * MS, 200, "kernfs_new_entry", 0, sysfs);	/* sysfs (task 200) */
	kret(&s, &t, 3 * MS, 200, "kernfs_new", 0xb000, tramp);
	kret(&s, &t, 4 * MS, 100, "kernfs_new", 0xa000, tramp);
	kret(&s, &t, 5 * MS, 100, "kernfs_new", 0xc000, tramp);	/* its entry was used: own stack */
	kret(&s, &t, 6 * MS, 300, "kernfs_new", 0xd000, tramp);	/* no entry seen */
	kret(&s, &t, 7 * MS, 200, "kernfs_put", 0xb000, NULL);
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	assert_int_equal(rep->npairs, 1);
	p = &rep->pairs[0];
	assert_int_equal(p->allocs, 4);
	assert_int_equal(p->count, 3);				/* a, c, d outstanding */
	assert_int_equal(an->joined, 2);
	for (i = 0; i < p->nsites; i++) {
		if (stack_has(&p->sites[i], "cgroup_mkdir"))
			cgroup = (int)i;
		if (stack_has(&p->sites[i], "sysfs_create_dir_ns"))
			sys = (int)i;
		if (stack_has(&p->sites[i], "kretprobe_trampoline"))
			tr = (int)i;
	}
	assert_true(cgroup >= 0);				/* node a: the creation stack */
	assert_int_equal(p->sites[cgroup].count, 1);
	assert_false(stack_has(&p->sites[cgroup], "kretprobe"));
	assert_int_equal(sys, -1);				/* node b was put */
	assert_true(tr >= 0);					/* c and d: no entry to join */
	assert_int_equal(p->sites[tr].count, 2);
	tb_report_free(rep);
	tb_analysis_free(an);
	tb_recipe_free(&r);
}

/*
 * 32-bit ARM with optimized kprobes: every stack is the one frame of the detour buffer.
 * Those are not creation sites: counted as unusable, said in a note, never a group's
 * stack; a real stack among them still groups as usual.
 */
static void test_optprobe_stacks_unusable(void **state)
{
	static const char *const opt[] = { "kprobe_optinsn_page+0x330 [__builtin__kprobes]", NULL };
	static const char *const cg[] = { "kernfs_new_node+0x1/0x60", "kernfs_create_dir_ns+0x2b/0x90",
					  "cgroup_mkdir+0x1e4/0x4a0", "kernfs_iop_mkdir+0x53/0x80", NULL };
	struct tb_analysis_opts o = { NULL, 0 };
	const struct tb_rpair *p;
	struct tb_recipe r;
	struct tb_analysis *an;
	struct tb_report *rep;
	struct tb_sink s;
	struct tev t;
	char *path;
	size_t i;
	int cgroup = -1, noted = 0;

	(void)state;
	path = tb_recipe_find("kernfs-leak");
	assert_non_null(path);
	assert_int_equal(tb_recipe_load(path, NULL, &r), 0);
	free(path);
	an = tb_analysis_new(&r, &o);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	kret(&s, &t, 1 * MS, 100, "kernfs_new_entry", 0, opt);
	kret(&s, &t, 2 * MS, 100, "kernfs_new", 0xa000, opt);
	kret(&s, &t, 3 * MS, 200, "kernfs_new_entry", 0, opt);
	kret(&s, &t, 4 * MS, 200, "kernfs_new", 0xb000, opt);
	kret(&s, &t, 5 * MS, 300, "kernfs_new_entry", 0, cg);
	kret(&s, &t, 6 * MS, 300, "kernfs_new", 0xc000, opt);
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	assert_int_equal(rep->npairs, 1);
	p = &rep->pairs[0];
	assert_int_equal(p->count, 3);
	assert_true(an->optprobe_stacks >= 2);
	for (i = 0; i < p->nsites; i++) {
		assert_false(stack_has(&p->sites[i], "kprobe_optinsn_page"));
		assert_null(strstr(p->sites[i].site, "kprobe_optinsn_page"));
		if (stack_has(&p->sites[i], "cgroup_mkdir"))
			cgroup = (int)i;
	}
	assert_true(cgroup >= 0);
	assert_int_equal(p->sites[cgroup].count, 1);
	for (i = 0; i < rep->notes.n; i++)
		noted |= strstr(rep->notes.v[i], "stacks unusable (optimized kprobe)") != NULL;
	assert_true(noted);
	tb_report_free(rep);
	tb_analysis_free(an);
	tb_recipe_free(&r);
}

static void test_hidden_and_hashed_pointers(void **state)
{
	const struct tb_rpair *p;
	struct tev t;
	struct fx f;

	fx_open(&f, TB_GROUP_SITE, NULL);
	tev(&t, "kmem", "kmalloc", 1 * MS, 0);
	t.ev.ptr_quality = TB_PTR_HIDDEN;
	tev_str(&t, "call_site", "x+0x0/0x1");
	tev_str(&t, "ptr", "(____ptrval____)");
	f.s.event(f.s.ctx, &t.ev);
	tev(&t, "kmem", "kfree", 2 * MS, 0);
	t.ev.ptr_quality = TB_PTR_HIDDEN;
	tev_str(&t, "ptr", "(____ptrval____)");
	f.s.event(f.s.ctx, &t.ev);
	tev(&t, "kmem", "kmalloc", 3 * MS, 0);
	t.ev.ptr_quality = TB_PTR_HASHED;
	tev_str(&t, "call_site", "y+0x0/0x1");
	tev_str(&t, "ptr", "00000000a1b2c3d4");
	tev_str(&t, "bytes_alloc", "64");
	f.s.event(f.s.ctx, &t.ev);
	tev(&t, "kmem", "kmalloc", 4 * MS, 0);
	t.ev.ptr_quality = TB_PTR_HASHED;
	tev_str(&t, "call_site", "y+0x0/0x1");
	tev_str(&t, "ptr", "00000000a1b2c3d5");
	tev_str(&t, "bytes_alloc", "32");
	f.s.event(f.s.ctx, &t.ev);
	tev(&t, "kmem", "kfree", 5 * MS, 0);
	t.ev.ptr_quality = TB_PTR_HASHED;
	tev_str(&t, "ptr", "00000000a1b2c3d4");
	f.s.event(f.s.ctx, &t.ev);
	p = fx_report(&f);
	assert_int_equal(p->hidden, 2);
	assert_int_equal(p->hashed, 3);
	assert_int_equal(p->allocs, 2);
	assert_int_equal(p->frees, 1);
	assert_int_equal(p->count, 1);
	assert_int_equal(p->bytes, 32);
	assert_true(has_note(f.rep, "cannot pair: pointers hidden by the kernel"));
	assert_true(has_note(f.rep, "32-bit hashes"));
	fx_close(&f);
}

static void test_stack_groups_and_site(void **state)
{
	static const char *const s1[] = { "__kmalloc+0x10/0x200", "kmalloc_trace+0x2/0x30",
		"foo_create+0x12/0x30", "bar_init+0x5/0x40", NULL };
	static const char *const s2[] = { "__kmalloc+0x10/0x200", "foo_create+0x12/0x30",
		"baz+0x1/0x10", NULL };
	const struct tb_rpair *p;
	struct tev t;
	struct fx f;
	int i;

	fx_open(&f, TB_GROUP_SITE | TB_GROUP_STACK, NULL);
	for (i = 0; i < 3; i++) {
		tev(&t, "kmem", "kmalloc", (uint64_t)(i + 1) * MS, i % 2);
		tev_num(&t, "ptr", 0x10000 + (uint64_t)i * 0x100);
		tev_num(&t, "bytes_alloc", 100);
		tev_syms(&t, i < 2 ? s1 : s2);
		f.s.event(f.s.ctx, &t.ev);
	}
	p = fx_report(&f);
	assert_int_equal(p->count, 3);
	assert_int_equal(p->groups, 2);
	assert_string_equal(p->sites[0].site, "foo_create+0x12/0x30");
	assert_int_equal(p->sites[0].count, 2);
	assert_int_equal(p->sites[0].nstack, 4);
	assert_string_equal(p->sites[0].stack[0], "__kmalloc+0x10/0x200");
	assert_string_equal(p->sites[0].stack[3], "bar_init+0x5/0x40");
	assert_string_equal(p->sites[1].site, "foo_create+0x12/0x30");
	assert_int_equal(p->sites[1].nstack, 3);
	assert_int_equal(tb_stacks_count(f.an->stacks), 2);
	fx_close(&f);
}

static void test_raw_addresses_symbolized(void **state)
{
	const char *ks = fake_kallsyms();
	const uint64_t st[] = { 0xffffffff81001010ULL, 0xffffffff81001112ULL, 0xffffffffc0100004ULL };
	const struct tb_rpair *p;
	struct tev t;
	struct fx f;

	assert_non_null(ks);
	fx_open(&f, TB_GROUP_SITE, ks);
	tev(&t, "kmem", "kmalloc", 1 * MS, 0);
	tev_num(&t, "call_site", 0xffffffff81001105ULL);
	tev_num(&t, "ptr", 0x1000);
	tev_num(&t, "bytes_alloc", 8);
	f.s.event(f.s.ctx, &t.ev);
	/* 3.10 text prints call_site=%lx: a bare hex string is a raw address too */
	tev(&t, "kmem", "kmalloc", 2 * MS, 0);
	tev_str(&t, "call_site", "ffffffff81001105");
	tev_num(&t, "ptr", 0x2000);
	tev_num(&t, "bytes_alloc", 8);
	f.s.event(f.s.ctx, &t.ev);
	tev(&t, "kmem", "kmalloc", 3 * MS, 0);
	tev_num(&t, "call_site", 0xffffffffc0100010ULL);
	tev_num(&t, "ptr", 0x3000);
	tev_num(&t, "bytes_alloc", 4);
	f.s.event(f.s.ctx, &t.ev);
	/* no call site: first stack frame outside the allocator */
	tev(&t, "kmem", "kmalloc", 4 * MS, 1);
	tev_num(&t, "ptr", 0x4000);
	tev_num(&t, "bytes_alloc", 2);
	tev_addrs(&t, st, 3);
	f.s.event(f.s.ctx, &t.ev);
	p = fx_report(&f);
	assert_int_equal(p->nsites, 3);
	assert_string_equal(p->sites[0].site, "foo_create+0x5/0x80");
	assert_int_equal(p->sites[0].count, 2);
	assert_string_equal(p->sites[1].site, "mydrv_probe+0x10/0x80 [mydrv]");
	assert_string_equal(p->sites[2].site, "foo_create+0x12/0x80");
	assert_false(has_note(f.rep, "not symbolized"));
	fx_close(&f);

	/* offline without a kallsyms file: addresses stay raw and the report says so */
	fx_open(&f, TB_GROUP_SITE, NULL);
	tev(&t, "kmem", "kmalloc", 1 * MS, 0);
	tev_num(&t, "call_site", 0xffffffff81001105ULL);
	tev_num(&t, "ptr", 0x1000);
	f.s.event(f.s.ctx, &t.ev);
	p = fx_report(&f);
	assert_string_equal(p->sites[0].site, "0xffffffff81001105");
	assert_true(has_note(f.rep, "raw addresses not symbolized"));
	fx_close(&f);
	unlink(ks);
}

static void test_kprobe_pair_and_by_field(void **state)
{
	struct tb_recipe_pair pp[2];
	struct tb_recipe r;
	struct tb_analysis *an;
	struct tb_report *rep;
	struct tb_sink s;
	struct tev t;

	memset(&r, 0, sizeof(r));
	spec_pair(&pp[0], "nodes", "tb_new", "kprobe:tb_del", "obj", NULL, NULL, TB_GROUP_SITE, NULL);
	spec_pair(&pp[1], "slub", "slub:alloc", "slub:free", "ptr", NULL, NULL, TB_GROUP_SITE, "cache");
	r.pairs = pp;
	r.npairs = 2;
	an = tb_analysis_new(&r, NULL);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	/* kretprobe: the caller from __probe_ret_ip; the group name may differ (text) */
	tev(&t, "tracebook", "tb_new", 1 * MS, 0);
	tev_str(&t, "__probe_ret_ip", "mydrv_probe+0x44/0x80 [mydrv]");
	tev_str(&t, "obj", "0xffff888012340000");
	s.event(s.ctx, &t.ev);
	tev(&t, "kprobes", "tb_new", 2 * MS, 0);
	tev_str(&t, "__probe_ret_ip", "mydrv_probe+0x44/0x80 [mydrv]");
	tev_str(&t, "obj", "0xffff888012350000");
	s.event(s.ctx, &t.ev);
	tev(&t, "tracebook", "tb_del", 3 * MS, 1);
	tev_num(&t, "obj", 0xffff888012340000ULL);
	s.event(s.ctx, &t.ev);
	/* SLUB TRACE records grouped by cache */
	tev(&t, "slub", "alloc", 4 * MS, 0);
	tev_str(&t, "cache", "kmalloc-64");
	tev_num(&t, "ptr", 0xffff880000aa0000ULL);
	s.event(s.ctx, &t.ev);
	tev(&t, "slub", "alloc", 5 * MS, 0);
	tev_str(&t, "cache", "dentry");
	tev_num(&t, "ptr", 0xffff880000bb0000ULL);
	s.event(s.ctx, &t.ev);
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	assert_int_equal(rep->npairs, 2);
	assert_int_equal(rep->pairs[0].allocs, 2);
	assert_int_equal(rep->pairs[0].frees, 1);
	assert_int_equal(rep->pairs[0].count, 1);
	assert_string_equal(rep->pairs[0].sites[0].site, "mydrv_probe+0x44/0x80 [mydrv]");
	assert_int_equal(rep->pairs[1].count, 2);
	assert_int_equal(rep->pairs[1].groups, 2);
	assert_non_null(rep->pairs[1].sites[0].by);
	assert_non_null(rep->pairs[1].sites[1].by);
	assert_string_not_equal(rep->pairs[1].sites[0].by, rep->pairs[1].sites[1].by);
	assert_string_equal(rep->pairs[1].sites[0].site, "alloc");	/* no site: event name */
	/* SLUB groups: bytes from the cache's object size when its name says it */
	assert_int_equal(rep->pairs[1].sites[0].bytes, 64);
	assert_string_equal(rep->pairs[1].sites[0].by, "kmalloc-64");
	assert_int_equal(rep->pairs[1].sites[1].bytes, 0);	/* dentry: unknown offline */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);

		assert_int_equal(tb_report_print_text(rep, out, 0), 0);
		fclose(out);
		/* no size field: objects, not "0 bytes in" */
		assert_non_null(strstr(buf, "   1 object from mydrv_probe+0x44/0x80 [mydrv]"));
		assert_null(strstr(buf, " 0 bytes in"));
		assert_non_null(strstr(buf, "   64 bytes in 1 allocation from alloc  (kmalloc-64"));
		assert_non_null(strstr(buf, "   1 object from alloc  (dentry"));
		free(buf);
	}
	tb_report_free(rep);
	tb_analysis_free(an);
	spec_pair_clear(&pp[0]);
	spec_pair_clear(&pp[1]);
}

/*
 * Grouped by site, an allocation's group is remembered per (raw call_site address, by)
 * in a direct-mapped cache (pair.c alloc_group): 3000 addresses in a 1024-entry cache
 * collide, the same address with other `by` values is other groups, and every
 * allocation still lands in the group of its own site and by.
 */
static void test_group_memo_by_address(void **state)
{
	enum { NADDR = 3000, ROUNDS = 3, NBY = 1024 };
	struct tb_recipe_pair pp;
	struct tb_recipe r;
	struct tb_analysis *an;
	const struct tb_pair_an *pa;
	struct tb_sink s;
	struct tev t;
	uint64_t ptr = 0xffff888000000000ULL;
	unsigned round, i, g;
	char want[64], by[16];

	memset(&r, 0, sizeof(r));
	spec_pair(&pp, "kmem", "kmem:kmalloc", "kmem:kfree", "ptr", "bytes_alloc", NULL,
		  TB_GROUP_SITE, "node");
	r.pairs = &pp;
	r.npairs = 1;
	an = tb_analysis_new(&r, NULL);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < NADDR; i++) {
			tev(&t, "kmem", "kmalloc", (round * NADDR + i + 1) * MS, 0);
			tev_num(&t, "call_site", 0xffffffff81000000ULL + 16ULL * i);
			tev_num(&t, "ptr", ptr += 64);
			tev_num(&t, "bytes_alloc", 8 + i % 3);
			tev_num(&t, "node", i % 3);
			assert_int_equal(s.event(s.ctx, &t.ev), 0);
		}
	}
	/* address 0's site again from NBY other nodes: a group each (they collide too) */
	for (i = 0; i < NBY; i++) {
		tev(&t, "kmem", "kmalloc", (ROUNDS * NADDR + i + 1) * MS, 0);
		tev_num(&t, "call_site", 0xffffffff81000000ULL);
		tev_num(&t, "ptr", ptr += 64);
		tev_num(&t, "bytes_alloc", 8);
		tev_num(&t, "node", 1000 + i);
		assert_int_equal(s.event(s.ctx, &t.ev), 0);
	}

	pa = &an->pairs[0];
	assert_int_equal(pa->ngroups, NADDR + NBY);
	for (g = 0; g < pa->ngroups; g++) {
		const struct tb_pair_group *gr = &pa->groups[g];
		uint64_t addr = strtoull(gr->site, NULL, 16);

		i = (unsigned)((addr - 0xffffffff81000000ULL) / 16);
		assert_true(i < NADDR);
		snprintf(want, sizeof(want), "0x%llx", (unsigned long long)addr);
		assert_string_equal(gr->site, want);
		assert_non_null(gr->by);
		if (strtoul(gr->by, NULL, 10) >= 1000) {
			assert_int_equal(i, 0);
			assert_int_equal(gr->allocs, 1);
			continue;
		}
		snprintf(by, sizeof(by), "%u", i % 3);
		assert_string_equal(gr->by, by);
		assert_int_equal(gr->allocs, ROUNDS);
		assert_int_equal(gr->bytes, ROUNDS * (8 + i % 3));
	}
	tb_analysis_free(an);
	spec_pair_clear(&pp);
}

/* 1 if names[0..n) holds the interned name exactly once. */
static int has_once(const char **names, size_t n, const char *name)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += names[i] == tb_intern(name);
	return k == 1;
}

/*
 * The fields a raw decoder is told to decode up front: each pair's key, sizes and by,
 * the site and fork fields, "page" (3.10 pfn keys) - once each; no recipe: all.
 */
static void test_analysis_fields(void **state)
{
	struct tb_recipe_pair pp[2];
	struct tb_recipe r;
	struct tb_analysis *an;
	const char **f;
	size_t n;

	memset(&r, 0, sizeof(r));
	r.name = (char *)"test-fields";
	spec_pair(&pp[0], "slab", "kmem:kmalloc", "kmem:kfree", "ptr", "bytes_alloc", "bytes_req",
		  0, NULL);
	spec_pair(&pp[1], "pages", "kmem:mm_page_alloc", "kmem:mm_page_free", "pfn", "order", NULL,
		  0, "gfp_flags");
	r.pairs = pp;
	r.npairs = 2;
	an = tb_analysis_new(&r, NULL);
	assert_non_null(an);
	f = tb_analysis_fields(an, &n);
	assert_non_null(f);
	assert_true(has_once(f, n, "ptr"));
	assert_true(has_once(f, n, "bytes_alloc"));
	assert_true(has_once(f, n, "bytes_req"));
	assert_true(has_once(f, n, "pfn"));
	assert_true(has_once(f, n, "order"));
	assert_true(has_once(f, n, "gfp_flags"));
	assert_true(has_once(f, n, "page"));
	assert_true(has_once(f, n, "call_site"));
	assert_true(has_once(f, n, "__probe_ret_ip"));
	assert_true(has_once(f, n, "__probe_func"));
	assert_true(has_once(f, n, "__probe_ip"));
	assert_true(has_once(f, n, "ip"));
	assert_true(has_once(f, n, "parent_ip"));
	assert_true(has_once(f, n, "parent_pid"));
	assert_true(has_once(f, n, "child_pid"));
	assert_int_equal(n, 15);
	free(f);
	tb_analysis_free(an);
	spec_pair_clear(&pp[0]);
	spec_pair_clear(&pp[1]);

	/* no recipe: the analyses come from the data, so every field */
	an = tb_analysis_new(NULL, NULL);
	assert_non_null(an);
	n = 7;
	assert_null(tb_analysis_fields(an, &n));
	assert_int_equal(n, 0);
	tb_analysis_free(an);
	(void)state;
}

static void test_pages_by_pfn(void **state)
{
	struct tb_recipe_pair pp;
	struct tb_recipe r;
	struct tb_analysis *an;
	struct tb_report *rep;
	struct tb_sink s;
	struct tev t;

	memset(&r, 0, sizeof(r));
	spec_pair(&pp, "pages", "kmem:mm_page_alloc", "kmem:mm_page_free", "pfn", "order", NULL,
		  0, "order");	/* group = none, by = order */
	r.pairs = &pp;
	r.npairs = 1;
	an = tb_analysis_new(&r, NULL);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	tev(&t, "kmem", "mm_page_alloc", 1 * MS, 0);
	tev_str(&t, "pfn", "12345");		/* pfn=%lu prints decimal */
	tev_str(&t, "order", "2");
	tev_str(&t, "call_site", "one+0x1/0x2");
	s.event(s.ctx, &t.ev);
	tev(&t, "kmem", "mm_page_alloc", 1 * MS + 5, 1);
	tev_str(&t, "pfn", "22345");
	tev_str(&t, "order", "2");
	tev_str(&t, "call_site", "two+0x1/0x2");
	s.event(s.ctx, &t.ev);
	tev(&t, "kmem", "mm_page_alloc", 2 * MS, 0);
	tev_str(&t, "pfn", "12346");
	tev_str(&t, "order", "0");
	s.event(s.ctx, &t.ev);
	tev(&t, "kmem", "mm_page_free", 3 * MS, 1);
	tev_num(&t, "pfn", 12346);
	s.event(s.ctx, &t.ev);
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	assert_int_equal(rep->pairs[0].count, 2);
	assert_int_equal(rep->pairs[0].bytes, 32768);
	assert_int_equal(rep->pairs[0].groups, 1);	/* not by site: one group per order */
	assert_string_equal(rep->pairs[0].sites[0].site, "(all sites)");
	assert_string_equal(rep->pairs[0].sites[0].by, "2");
	assert_int_equal(rep->pairs[0].unmatched_frees, 0);
	tb_report_free(rep);
	tb_analysis_free(an);
	spec_pair_clear(&pp);
}

/* Memory per outstanding object stays <= 64 bytes (the table's layout, not speed). */
static void test_memory_per_object(void **state)
{
	struct fx f;
	double bpo, worst = 0;
	uint64_t i;

	fx_open(&f, TB_GROUP_SITE, NULL);
	for (i = 1; i <= 100000; i++) {
		feed_alloc(&f.s, i * 1000, (int)(i & 1), 0xffff888000000000ULL + i * 64, 64, 64,
			   "churn+0x0/0x1");
		if ((i & 1023) == 0 || i == 100000) {
			/* the table work of the last few events is still queued (see pair.c) */
			assert_int_equal(tb_pair_sync(&f.an->pairs[0]), 0);
			bpo = tb_pair_bytes_per_object(&f.an->pairs[0]);
			if (bpo > worst)
				worst = bpo;
		}
	}
	assert_int_equal(f.an->pairs[0].count, 100000);
	assert_true(worst <= 64.0);
	assert_true(worst >= 24.0);
	fx_close(&f);
}

static void test_top_groups_sorted(void **state)
{
	const struct tb_rpair *p;
	char site[32];
	struct fx f;
	int i;

	fx_open(&f, TB_GROUP_SITE, NULL);
	for (i = 0; i < 30; i++) {
		snprintf(site, sizeof(site), "site%02d+0x0/0x1", i);
		feed_alloc(&f.s, (uint64_t)(i + 1) * MS, 0, 0x100000 + (uint64_t)i * 0x1000,
			   (uint64_t)((i * 7) % 30 + 1) * 8, 8, site);
	}
	p = fx_report(&f);
	assert_int_equal(p->groups, 30);
	for (i = 1; i < (int)p->nsites; i++)
		assert_true(p->sites[i - 1].bytes >= p->sites[i].bytes);
	assert_int_equal(p->sites[0].bytes, 240);
	fx_close(&f);
}

/* Lost-event windows: objects allocated after the last loss are certain. */
static void test_lost_window(void **state)
{
	const struct tb_rpair *p;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	struct fx f;

	fx_open(&f, TB_GROUP_SITE, NULL);
	feed_alloc(&f.s, 1 * MS, 0, 0x1000, 64, 64, "site+0x0/0x1");
	feed_alloc(&f.s, 2 * MS, 1, 0x2000, 64, 64, "site+0x0/0x1");
	f.s.lost(f.s.ctx, 1, 5, 3 * MS);		/* a free of either may be among these */
	feed_alloc(&f.s, 4 * MS, 0, 0x3000, 64, 64, "site+0x0/0x1");
	feed_alloc(&f.s, 5 * MS, 0, 0x4000, 64, 64, "site+0x0/0x1");
	p = fx_report(&f);
	assert_int_equal(f.rep->lost, 5);
	assert_int_equal(p->sites[0].count, 4);
	assert_int_equal(p->sites[0].certain, 2);
	assert_true(f.rep->lost_from_s > 0.0019 && f.rep->lost_from_s < 0.0021);
	out = open_memstream(&buf, &len);
	tb_report_print_text(f.rep, out, 0);
	fclose(out);
	assert_non_null(strstr(buf, "!! WARNING: 5 events lost: 5 frees may be missing; "
			       "outstanding counts are upper bounds"));
	assert_non_null(strstr(buf, "lost between 2ms and 2ms into the run"));
	assert_non_null(strstr(buf, "2 certain, allocated after the last loss"));
	free(buf);
	tb_report_free(f.rep);
	/* a loss without a time: nothing can be called certain */
	f.s.lost(f.s.ctx, -1, TB_LOST_UNKNOWN, 0);
	p = fx_report(&f);
	assert_true(f.rep->lost_unknown);
	assert_int_equal(p->sites[0].certain, -1);
	assert_true(f.rep->lost_from_s < 0);
	fx_close(&f);
}

/* --interval: the top growing groups since the previous call, then the status line. */
static void test_interval_and_status(void **state)
{
	struct tb_analysis_status st;
	struct tb_interval iv;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	struct fx f;
	uint64_t i;

	fx_open(&f, TB_GROUP_SITE, NULL);
	for (i = 0; i < 10; i++)
		feed_alloc(&f.s, (i + 1) * MS, 0, 0x1000 + i * 0x100, 128, 128, "leaker+0x1/0x10");
	feed_alloc(&f.s, 20 * MS, 0, 0x9000, 64, 64, "cache_fill+0x1/0x10");
	out = open_memstream(&buf, &len);
	assert_int_equal(tb_analysis_interval(f.an, 20 * MS, &iv), 0);
	tb_report_print_interval(&iv, NULL, 0, out);
	tb_interval_release(&iv);
	fclose(out);
	assert_non_null(strstr(buf, "kmem: 11 outstanding"));
	assert_non_null(strstr(buf, "+10 objects +1280 bytes  leaker+0x1/0x10"));
	assert_true(strstr(buf, "leaker") < strstr(buf, "cache_fill"));
	free(buf);
	/* next interval: only the leak keeps growing; the cache filled once */
	feed_alloc(&f.s, 30 * MS, 0, 0x5000, 128, 128, "leaker+0x1/0x10");
	feed_free(&f.s, 31 * MS, 0, 0x1000);
	feed_alloc(&f.s, 32 * MS, 0, 0x5100, 128, 128, "leaker+0x1/0x10");
	buf = NULL;
	out = open_memstream(&buf, &len);
	assert_int_equal(tb_analysis_interval(f.an, 40 * MS, &iv), 0);
	tb_report_print_interval(&iv, NULL, 0, out);
	tb_interval_release(&iv);
	fclose(out);
	assert_non_null(strstr(buf, "+1 objects +128 bytes  leaker+0x1/0x10"));
	assert_null(strstr(buf, "cache_fill"));
	free(buf);
	tb_analysis_status(f.an, &st);
	assert_int_equal(st.events, 14);
	assert_int_equal(st.outstanding, 12);
	assert_int_equal(st.lost, 0);
	fx_close(&f);
}

/*
 * The table work of an allocation or free waits a few events (TB_PAIR_AHEAD) before it
 * runs (pair.c prefetches meanwhile): whatever reads the counts sees every event given
 * before it - the status line, and the trend's points.
 */
static void test_queued_work_seen_by_readers(void **state)
{
	struct tb_analysis_status st;
	const struct tb_rpair *p;
	const struct tb_rsite *s;
	struct fx f;

	fx_open(&f, TB_GROUP_SITE, NULL);
	/* fewer events than wait in the queue */
	feed_alloc(&f.s, 1 * MS, 0, 0x1000, 64, 64, "leaker+0x1/0x10");
	feed_alloc(&f.s, 2 * MS, 0, 0x2000, 64, 64, "leaker+0x1/0x10");
	feed_alloc(&f.s, 3 * MS, 0, 0x3000, 64, 64, "leaker+0x1/0x10");
	tb_analysis_status(f.an, &st);
	assert_int_equal(st.outstanding, 3);
	feed_free(&f.s, 4 * MS, 0, 0x1000);
	tb_analysis_status(f.an, &st);
	assert_int_equal(st.outstanding, 2);
	/* the trend's point at 1 s (the grid's first step) counts the 2 left, and the
	 * allocation right after it is in the next point only */
	feed_alloc(&f.s, 1001 * MS, 0, 0x4000, 64, 64, "leaker+0x1/0x10");
	feed_alloc(&f.s, 1500 * MS, 0, 0x5000, 64, 64, "leaker+0x1/0x10");
	feed_alloc(&f.s, 2001 * MS, 0, 0x6000, 64, 64, "leaker+0x1/0x10");
	p = fx_report(&f);
	assert_int_equal(p->nsites, 1);
	s = &p->sites[0];
	assert_int_equal(s->count, 5);
	assert_true(s->trend.n >= 3);
	assert_int_equal(s->trend.count[0], 0);
	assert_int_equal(s->trend.count[1], 2);
	assert_int_equal(s->trend.count[2], 4);
	fx_close(&f);
}

/*
 * A report written during the run (a checkpoint, info.partial) leaves the analysis as
 * it was: a cross-CPU free waiting for its late allocation still pairs with it, and the
 * final report equals that of a run without the checkpoint.  Its JSON says
 * "complete": false and how far it got; the reader gives the flag back; the
 * --interval lines show the trend so far with verdicts.
 */
static void test_checkpoint_keeps_the_run_going(void **state)
{
	struct tb_run_info info;
	struct tb_report *part, *back;
	const struct tb_rpair *p;
	struct strbuf sb = STRBUF_INIT;
	struct tb_interval iv;
	char path[] = "/tmp/tb-test-partial.XXXXXX", *buf = NULL;
	size_t len = 0;
	FILE *out;
	struct fx f;
	uint64_t i;
	int fd;

	fx_open(&f, TB_GROUP_SITE, NULL);
	for (i = 0; i < 60; i++)	/* a leak over 6 s: one object per 100 ms */
		feed_alloc(&f.s, (i + 1) * 100 * MS, 0, 0x100000 + i * 0x100, 128, 128,
			   "leaker+0x1/0x10");
	feed_free(&f.s, 6001 * MS, 1, 0x5000);	/* on CPU 1, before its allocation */
	memset(&info, 0, sizeof(info));
	info.partial = 1;
	info.duration_ns = 6001 * MS;
	part = tb_report_build(f.an, &info);
	assert_non_null(part);
	assert_true(part->partial);
	assert_int_equal(part->duration_ns, 6001 * MS);
	assert_int_equal(part->pairs[0].count, 60);
	assert_int_equal(part->pairs[0].unmatched_frees, 0);	/* still waiting */
	assert_int_equal(part->pairs[0].sites[0].verdict, TB_V_GROWS);
	/* the --interval lines of that moment: the trend so far, verdict first */
	assert_int_equal(tb_analysis_interval(f.an, 6001 * MS, &iv), 0);
	out = open_memstream(&buf, &len);
	tb_report_print_interval(&iv, part, 3, out);
	fclose(out);
	tb_interval_release(&iv);
	assert_non_null(strstr(buf, "trend so far (top 1 of 1 groups):"));
	assert_non_null(strstr(buf, "grows steadily          60 objects"));
	assert_non_null(strstr(buf, "leaker+0x1/0x10"));
	free(buf);
	/* JSON: complete false, through; read back as partial */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(tb_report_write_json(part, path), 0);
	back = tb_report_read_json(path);
	assert_non_null(back);
	assert_true(back->partial);
	assert_int_equal(back->duration_ns, 6001 * MS);
	assert_int_equal(tb_report_json_string(part, &sb), 0);
	assert_non_null(strstr(sb.buf, "\"complete\":false"));
	assert_non_null(strstr(sb.buf, "\"through_ns\":6001000000"));
	tb_report_free(back);
	tb_report_free(part);
	strbuf_reset(&sb);
	/* the late allocation of the waiting free arrives after the checkpoint */
	feed_alloc(&f.s, 6001 * MS + 50000, 0, 0x5000, 64, 64, "inv+0x0/0x1");
	p = fx_report(&f);
	assert_false(f.rep->partial);
	assert_int_equal(p->inversions, 1);
	assert_int_equal(p->unmatched_frees, 0);
	assert_int_equal(p->count, 60);
	assert_int_equal(tb_report_json_string(f.rep, &sb), 0);
	assert_non_null(strstr(sb.buf, "\"complete\":true"));
	back = tb_report_read_json(path);	/* the partial one is still there */
	assert_non_null(back);
	tb_report_free(back);
	unlink(path);
	strbuf_release(&sb);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outstanding_by_site),
		cmocka_unit_test(test_cross_cpu_and_before_run),
		cmocka_unit_test(test_checkpoint_keeps_the_run_going),
		cmocka_unit_test(test_timestamp_inversion),
		cmocka_unit_test(test_reused_pointer_is_implicit_free),
		cmocka_unit_test(test_null_frees_ignored),
		cmocka_unit_test(test_hidden_and_hashed_pointers),
		cmocka_unit_test(test_kretprobe_stack_from_entry),
		cmocka_unit_test(test_stack_groups_and_site),
		cmocka_unit_test(test_raw_addresses_symbolized),
		cmocka_unit_test(test_kprobe_pair_and_by_field),
		cmocka_unit_test(test_pages_by_pfn),
		cmocka_unit_test(test_analysis_fields),
		cmocka_unit_test(test_memory_per_object),
		cmocka_unit_test(test_group_memo_by_address),
		cmocka_unit_test(test_top_groups_sorted),
		cmocka_unit_test(test_interval_and_status),
		cmocka_unit_test(test_queued_work_seen_by_readers),
		cmocka_unit_test(test_lost_window),
		cmocka_unit_test(test_optprobe_stacks_unusable),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	tb_intern_reset();
	return r;
}
