/*
 * test_count.c - the count analyzer (calls per function and caller, event counts,
 * balance verdicts of declared A:B pairs) and the balance analyzer (get/put per
 * object and site), on synthetic function tracer and kprobe streams.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "analyze/analysis-local.h"
#include "analyze-testlib.h"
#include "report/report-local.h"

#define MS 1000000ULL

static void func_hit(struct tb_sink *s, uint64_t ts, const char *ip, const char *parent)
{
	struct tev t;

	tev(&t, "ftrace", "function", ts, 0);
	tev_str(&t, "ip", ip);
	tev_str(&t, "parent_ip", parent);
	assert_int_equal(s->event(s->ctx, &t.ev), 0);
}

static const struct tb_rcount *row(const struct tb_report *rep, const char *func,
				   const char *caller)
{
	size_t i;

	for (i = 0; i < rep->ncounts; i++)
		if (!strcmp(rep->counts[i].function, func) &&
		    ((!caller && !rep->counts[i].caller) ||
		     (caller && rep->counts[i].caller && !strcmp(rep->counts[i].caller, caller))))
			return &rep->counts[i];
	return NULL;
}

static void count_recipe(struct tb_recipe *r, struct tb_recipe_count *c, const char *funcs,
			 const char *events, const char *balance)
{
	memset(r, 0, sizeof(*r));
	memset(c, 0, sizeof(*c));
	c->label = (char *)"netdev";
	c->by_caller = 1;
	strlist_split_ws(&c->funcs, funcs);
	strlist_split_ws(&c->events, events);
	strlist_split_ws(&c->balance, balance);
	r->counts = c;
	r->ncounts = 1;
}

static void count_recipe_clear(struct tb_recipe_count *c)
{
	strlist_clear(&c->funcs);
	strlist_clear(&c->events);
	strlist_clear(&c->balance);
}

/* The field report: 4 x alloc_netdev_mqs, 2 x free_netdev => 2 unbalanced, by caller. */
static void test_calls_and_verdict(void **state)
{
	struct tb_recipe_count c;
	struct tb_recipe r;
	struct tb_analysis *an;
	struct tb_report *rep;
	struct tb_sink s;
	const struct tb_rverdict *v;
	struct tev t;
	char buf[96];

	count_recipe(&r, &c, "alloc_netdev_mqs free_netdev", "kmem:kmalloc",
		     "alloc_netdev_mqs:free_netdev");
	an = tb_analysis_new(&r, NULL);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	func_hit(&s, 1 * MS, "alloc_netdev_mqs", "veth_newlink+0x1a/0x60");
	func_hit(&s, 2 * MS, "alloc_netdev_mqs", "veth_newlink+0x1a/0x60");
	func_hit(&s, 3 * MS, "alloc_netdev_mqs+0x0/0x400", "mydrv_probe+0x10/0x80 [mydrv]");
	func_hit(&s, 4 * MS, "alloc_netdev_mqs", "mydrv_probe+0x10/0x80 [mydrv]");
	func_hit(&s, 5 * MS, "free_netdev", "veth_dellink+0x22/0x50");
	func_hit(&s, 6 * MS, "free_netdev", "veth_dellink+0x22/0x50");
	func_hit(&s, 7 * MS, "dev_hold_noise", "x+0x0/0x1");	/* not declared: not counted */
	tev(&t, "kmem", "kmalloc", 8 * MS, 0);
	tev_num(&t, "ptr", 1);
	s.event(s.ctx, &t.ev);
	tev(&t, "kmem", "kfree", 9 * MS, 0);		/* not declared */
	tev_num(&t, "ptr", 1);
	s.event(s.ctx, &t.ev);
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	assert_non_null(row(rep, "alloc_netdev_mqs", NULL));
	assert_int_equal(row(rep, "alloc_netdev_mqs", NULL)->calls, 4);
	assert_int_equal(row(rep, "alloc_netdev_mqs", "veth_newlink+0x1a/0x60")->calls, 2);
	assert_int_equal(row(rep, "alloc_netdev_mqs", "mydrv_probe+0x10/0x80 [mydrv]")->calls, 2);
	assert_int_equal(row(rep, "free_netdev", NULL)->calls, 2);
	assert_null(row(rep, "dev_hold_noise", NULL));
	assert_int_equal(rep->counts[0].calls, 4);	/* sorted by calls */
	assert_int_equal(rep->nevcounts, 1);
	assert_string_equal(rep->evcounts[0].event, "kmem:kmalloc");
	assert_int_equal(rep->evcounts[0].count, 1);
	assert_int_equal(rep->nverdicts, 1);
	v = &rep->verdicts[0];
	assert_string_equal(v->a, "alloc_netdev_mqs");
	assert_string_equal(v->b, "free_netdev");
	assert_int_equal(v->a_calls, 4);
	assert_int_equal(v->b_calls, 2);
	assert_string_equal(tb_verdict_text(v->a_calls, v->b_calls, buf, sizeof(buf)), "2 unbalanced");
	assert_int_equal(v->ncallers, 3);
	assert_int_equal(v->callers[0].a_calls + v->callers[1].a_calls + v->callers[2].a_calls, 4);
	assert_int_equal(v->callers[0].b_calls + v->callers[1].b_calls + v->callers[2].b_calls, 2);
	assert_string_equal(tb_verdict_text(4, 4, buf, sizeof(buf)), "balanced");
	tb_report_free(rep);
	tb_analysis_free(an);
	count_recipe_clear(&c);
}

/* Raw function tracer data: ip/parent_ip numbers symbolized; globs select functions. */
static void test_raw_function_hits_and_globs(void **state)
{
	struct tb_analysis_opts o = { fake_kallsyms(), 0 };
	struct tb_recipe_count c;
	struct tb_recipe r;
	struct tb_analysis *an;
	struct tb_report *rep;
	struct tb_sink s;
	struct tev t;
	int i;

	assert_non_null(o.kallsyms);
	count_recipe(&r, &c, "alloc_* mydrv_*", "", "function:alloc_netdev_mqs:function:free_netdev");
	an = tb_analysis_new(&r, &o);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	for (i = 0; i < 3; i++) {
		tev(&t, "ftrace", "function", (uint64_t)(i + 1) * MS, 1);
		tev_num(&t, "ip", 0xffffffff81002000ULL);		/* alloc_netdev_mqs */
		tev_num(&t, "parent_ip", 0xffffffffc0100021ULL);	/* mydrv_probe+0x21 */
		s.event(s.ctx, &t.ev);
	}
	tev(&t, "ftrace", "function", 5 * MS, 1);
	tev_num(&t, "ip", 0xffffffff81002400ULL);			/* free_netdev: no glob */
	tev_num(&t, "parent_ip", 0xffffffffc0100090ULL);
	s.event(s.ctx, &t.ev);
	tev(&t, "ftrace", "function", 6 * MS, 1);
	tev_num(&t, "ip", 0xffffffffc0100080ULL);			/* mydrv_remove */
	tev_num(&t, "parent_ip", 0xffffffff81002a10ULL);
	s.event(s.ctx, &t.ev);
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	assert_int_equal(row(rep, "alloc_netdev_mqs", NULL)->calls, 3);
	assert_non_null(row(rep, "alloc_netdev_mqs", "mydrv_probe+0x21/0x80 [mydrv]"));
	assert_int_equal(row(rep, "mydrv_remove", "veth_dellink+0x10/0x600")->calls, 1);
	assert_null(row(rep, "free_netdev", NULL));
	assert_int_equal(rep->nverdicts, 1);
	assert_string_equal(rep->verdicts[0].a, "function:alloc_netdev_mqs");
	assert_string_equal(rep->verdicts[0].b, "function:free_netdev");
	assert_int_equal(rep->verdicts[0].a_calls, 3);
	assert_int_equal(rep->verdicts[0].b_calls, 0);
	tb_report_free(rep);
	tb_analysis_free(an);
	count_recipe_clear(&c);
	unlink(o.kallsyms);
}

static void bal_event(struct tb_sink *s, const char *name, uint64_t ts, uint64_t obj,
		      const char *site)
{
	struct tev t;

	tev(&t, "tracebook", name, ts, 0);
	tev_num(&t, "obj", obj);
	if (site)
		tev_str(&t, "__probe_ret_ip", site);
	assert_int_equal(s->event(s->ctx, &t.ev), 0);
}

static void test_refcount_balance(void **state)
{
	struct tb_recipe_balance b;
	struct tb_recipe r;
	struct tb_analysis *an;
	struct tb_report *rep;
	struct tb_sink s;
	const struct tb_rbal *rb;

	memset(&r, 0, sizeof(r));
	memset(&b, 0, sizeof(b));
	b.label = (char *)"kref";
	strlist_split_ws(&b.get, "kprobe:tb_get");
	strlist_split_ws(&b.put, "tb_put");
	b.get_key = b.put_key = (char *)"obj";
	b.group = TB_GROUP_SITE;
	r.balances = &b;
	r.nbalances = 1;
	an = tb_analysis_new(&r, NULL);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	bal_event(&s, "tb_get", 1 * MS, 0xa0, "leaky_open+0x10/0x40");	/* a: 2 gets 1 put */
	bal_event(&s, "tb_get", 2 * MS, 0xa0, "other_get+0x1/0x10");
	bal_event(&s, "tb_put", 3 * MS, 0xa0, NULL);
	bal_event(&s, "tb_get", 4 * MS, 0xb0, "fine_open+0x1/0x10");	/* b: balanced */
	bal_event(&s, "tb_put", 5 * MS, 0xb0, NULL);
	bal_event(&s, "tb_put", 6 * MS, 0xc0, NULL);			/* c: got before run */
	bal_event(&s, "tb_get", 7 * MS, 0xd0, "leaky_open+0x10/0x40");	/* d: 1 get */
	bal_event(&s, "tb_put", 8 * MS, 0, NULL);			/* NULL: ignored */
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	assert_int_equal(rep->nbals, 1);
	rb = &rep->bals[0];
	assert_int_equal(rb->gets, 4);
	assert_int_equal(rb->puts, 3);
	assert_int_equal(rb->held_objects, 2);
	assert_int_equal(rb->held_refs, 2);
	assert_int_equal(rb->unmatched_puts, 1);
	assert_string_equal(rb->sites[0].site, "leaky_open+0x10/0x40");
	assert_int_equal(rb->sites[0].objects, 2);
	assert_int_equal(rb->sites[0].refs, 2);
	assert_int_equal(rb->sites[0].gets, 2);
	/* memory is held only for unbalanced objects */
	assert_int_equal(an->bals[0].objs.n, 3);
	tb_report_free(rep);
	tb_analysis_free(an);
	strlist_clear(&b.get);
	strlist_clear(&b.put);
}

/* group = site+stack: held references per (site, stack), frames in the report. */
static void test_refcount_balance_by_stack(void **state)
{
	static const char *const s1[] = { "ref_get+0x0/0x10", "path_a+0x1/0x20", NULL };
	static const char *const s2[] = { "ref_get+0x0/0x10", "path_b+0x2/0x20", NULL };
	struct tb_recipe_balance b;
	struct tb_recipe r;
	struct tb_analysis *an;
	struct tb_report *rep, *back;
	struct tb_sink s;
	struct tev t;
	char path[64];
	int i;

	memset(&r, 0, sizeof(r));
	memset(&b, 0, sizeof(b));
	b.label = (char *)"refs";
	strlist_split_ws(&b.get, "kprobe:ref_get");
	strlist_split_ws(&b.put, "kprobe:ref_put");
	b.get_key = b.put_key = (char *)"obj";
	b.group = TB_GROUP_SITE | TB_GROUP_STACK;
	r.balances = &b;
	r.nbalances = 1;
	an = tb_analysis_new(&r, NULL);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	for (i = 0; i < 3; i++) {
		tev(&t, "tracebook", "ref_get", (uint64_t)(i + 1) * MS, 0);
		tev_str(&t, "__probe_ip", "ref_get+0x0/0x10");
		tev_num(&t, "obj", 0x100 + (uint64_t)i);
		tev_syms(&t, i < 2 ? s1 : s2);
		s.event(s.ctx, &t.ev);
	}
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	assert_int_equal(rep->bals[0].nsites, 2);
	/* the probed function itself is skipped: the site is its caller */
	assert_string_equal(rep->bals[0].sites[0].site, "path_a+0x1/0x20");
	assert_int_equal(rep->bals[0].sites[0].objects, 2);
	assert_int_equal(rep->bals[0].sites[0].nstack, 2);
	assert_string_equal(rep->bals[0].sites[0].stack[1], "path_a+0x1/0x20");
	assert_string_equal(rep->bals[0].sites[1].site, "path_b+0x2/0x20");
	snprintf(path, sizeof(path), "/tmp/tb-test-bal.%d.json", (int)getpid());
	assert_int_equal(tb_report_write_json(rep, path), 0);
	back = tb_report_read_json(path);
	assert_non_null(back);
	assert_int_equal(back->bals[0].sites[0].nstack, 2);
	assert_string_equal(back->bals[0].sites[0].stack[0], "ref_get+0x0/0x10");
	unlink(path);
	tb_report_free(back);
	tb_report_free(rep);
	tb_analysis_free(an);
	strlist_clear(&b.get);
	strlist_clear(&b.put);
}

/* One kprobe hit of the path-refcount recipe as 3.10 delivers it: obj from %di, the stack
 * from the global stacktrace option (the probed function first). */
static void ref_event(struct tb_sink *s, const char *name, uint64_t ts, int cpu, uint64_t obj,
		      const char *const *stack)
{
	struct tev t;

	tev(&t, "tracebook", name, ts, cpu);
	tev_str(&t, "__probe_ip", stack[0]);
	tev_num(&t, "obj", obj);
	tev_syms(&t, stack);
	assert_int_equal(s->event(s->ctx, &t.ev), 0);
}

static const struct tb_rbsite *bal_site(const struct tb_rbal *rb, const char *site)
{
	size_t i;

	for (i = 0; i < rb->nsites; i++)
		if (!strcmp(rb->sites[i].site, site))
			return &rb->sites[i];
	return NULL;
}

/*
 * The key is a pointer on the task's stack (proc_pid_readlink's struct path): the same
 * address was used before by other code.  A put there with no get seen (its reference
 * was taken by a lookup, not path_get), and a get there never put back, must not swallow
 * the puts of the 40 readlinks that follow: each readlink's put belongs to its get.
 * (Seen on 3.10 in qemu: 43 gets at proc_pid_readlink, 0 puts attributed to them.)
 */
static void test_refcount_balance_reused_key(void **state)
{
	static const char *const get_rl[] = { "path_get+0x0/0x30", "proc_pid_readlink+0x3c/0xf0",
					      "SyS_readlinkat+0x9c/0x120", NULL };
	static const char *const put_rl[] = { "path_put+0x0/0x30", "proc_pid_readlink+0x5a/0xf0",
					      "SyS_readlinkat+0x9c/0x120", NULL };
	static const char *const put_lookup[] = { "path_put+0x0/0x30", "do_last+0x1e0/0x12c0",
						  "path_openat+0xd5/0x5a0", NULL };
	static const char *const get_leak[] = { "path_get+0x0/0x30", "leaky_hook+0x20/0x80",
						"do_sys_open+0x1f3/0x2f0", NULL };
	struct tb_recipe_balance b;
	struct tb_recipe r;
	struct tb_analysis *an;
	struct tb_report *rep;
	struct tb_sink s;
	const struct tb_rbsite *rl, *leak;
	uint64_t ts = MS;
	int round, i;

	memset(&r, 0, sizeof(r));
	memset(&b, 0, sizeof(b));
	b.label = (char *)"refs";
	strlist_split_ws(&b.get, "kprobe:ref_get");
	strlist_split_ws(&b.put, "kprobe:ref_put");
	b.get_key = b.put_key = (char *)"obj";
	b.group = TB_GROUP_SITE | TB_GROUP_STACK;
	r.balances = &b;
	r.nbalances = 1;
	for (round = 0; round < 2; round++) {
		an = tb_analysis_new(&r, NULL);
		assert_non_null(an);
		s = tb_analysis_sink(an);
		if (round == 0)		/* a put whose get is not in the trace */
			ref_event(&s, "ref_put", ts, 0, 0xffff88001e0d7ea8ULL, put_lookup);
		else			/* a get never put back */
			ref_event(&s, "ref_get", ts, 0, 0xffff88001e0d7ea8ULL, get_leak);
		for (i = 0; i < 40; i++) {
			ts += MS;
			ref_event(&s, "ref_get", ts, 1, 0xffff88001e0d7ea8ULL, get_rl);
			ref_event(&s, "ref_put", ts + 1000, 1, 0xffff88001e0d7ea8ULL, put_rl);
		}
		rep = tb_report_build(an, NULL);
		assert_non_null(rep);
		assert_int_equal(rep->nbals, 1);
		rl = bal_site(&rep->bals[0], "proc_pid_readlink+0x3c/0xf0");
		assert_non_null(rl);
		assert_int_equal(rl->gets, 40);
		assert_int_equal(rl->puts, 40);
		assert_int_equal(rl->objects, 0);
		if (round == 0) {
			assert_int_equal(rep->bals[0].unmatched_puts, 1);
			assert_int_equal(rep->bals[0].held_objects, 0);
		} else {
			leak = bal_site(&rep->bals[0], "leaky_hook+0x20/0x80");
			assert_non_null(leak);
			assert_int_equal(leak->gets, 1);
			assert_int_equal(leak->puts, 0);
			assert_int_equal(leak->refs, 1);
			assert_int_equal(rep->bals[0].unmatched_puts, 0);
			assert_int_equal(rep->bals[0].held_objects, 1);
			assert_int_equal(rep->bals[0].held_refs, 1);
			/* the leak is listed first */
			assert_string_equal(rep->bals[0].sites[0].site, "leaky_hook+0x20/0x80");
		}
		tb_report_free(rep);
		tb_analysis_free(an);
	}
	strlist_clear(&b.get);
	strlist_clear(&b.put);
}

/* A put merged a moment before its own get (other CPU, clock skew) still matches it;
 * an old put of the same key does not cancel a later get. */
static void test_refcount_balance_skew(void **state)
{
	static const char *const get_a[] = { "path_get+0x0/0x30", "site_a+0x1/0x10", NULL };
	static const char *const put_a[] = { "path_put+0x0/0x30", "site_a+0x5/0x10", NULL };
	struct tb_recipe_balance b;
	struct tb_recipe r;
	struct tb_analysis *an;
	struct tb_report *rep;
	struct tb_sink s;
	const struct tb_rbsite *a;

	memset(&r, 0, sizeof(r));
	memset(&b, 0, sizeof(b));
	b.label = (char *)"refs";
	strlist_split_ws(&b.get, "kprobe:ref_get");
	strlist_split_ws(&b.put, "kprobe:ref_put");
	b.get_key = b.put_key = (char *)"obj";
	b.group = TB_GROUP_SITE;
	r.balances = &b;
	r.nbalances = 1;
	an = tb_analysis_new(&r, NULL);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	ref_event(&s, "ref_put", 10 * MS, 1, 0x500, put_a);		/* skew: 20 us early */
	ref_event(&s, "ref_get", 10 * MS + 20000, 0, 0x500, get_a);
	ref_event(&s, "ref_put", 20 * MS, 0, 0x600, put_a);		/* taken before the run */
	ref_event(&s, "ref_get", 30 * MS, 1, 0x600, get_a);		/* a new one, held */
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	a = bal_site(&rep->bals[0], "site_a+0x1/0x10");
	assert_non_null(a);
	assert_int_equal(a->gets, 2);
	assert_int_equal(a->puts, 1);
	assert_int_equal(a->objects, 1);
	assert_int_equal(rep->bals[0].unmatched_puts, 1);
	assert_int_equal(rep->bals[0].held_objects, 1);
	tb_report_free(rep);
	tb_analysis_free(an);
	strlist_clear(&b.get);
	strlist_clear(&b.put);
}

/* Without a recipe: the analyses come from what the data holds. */
/* An interned "kprobes" event name that shares name's two memo slots (several tried). */
static const char *collider(const char *name, int *seq)
{
	char buf[32];

	for (; *seq < 10000; (*seq)++) {
		const char *n;

		snprintf(buf, sizeof(buf), "tb_memo_%d", *seq);
		n = tb_intern(buf);
		if (n && tb_an_memo_index(n) >> 1 == tb_an_memo_index(name) >> 1) {
			(*seq)++;
			return n;
		}
	}
	return NULL;
}

static uint64_t evcount(const struct tb_report *rep, const char *ev)
{
	size_t i;

	for (i = 0; i < rep->nevcounts; i++)
		if (!strcmp(rep->evcounts[i].event, ev))
			return rep->evcounts[i].count;
	return 0;
}

/*
 * The handler lists and seen-counts are memoized per event name pointer (a two-way
 * memo in front of the hash): three events whose names share a pair of slots,
 * interleaved, push each other out; each must still reach its own analyzers -
 * kmem:kmalloc/kfree the pair analysis, the others the count - and be counted once.
 */
static void test_handler_memo_collisions(void **state)
{
	struct tb_analysis *an = tb_analysis_new(NULL, NULL);
	const char *ka = tb_intern("kmalloc"), *kf = tb_intern("kfree");
	const char *ca, *cf, *ca2, *cf2;
	struct tb_report *rep;
	struct tb_sink s;
	struct tev t;
	char ca_ev[64], cf_ev[64], ca2_ev[64], cf2_ev[64];
	int seq = 0, i;

	assert_non_null(an);
	ca = collider(ka, &seq);
	ca2 = collider(ka, &seq);
	cf = collider(kf, &seq);
	cf2 = collider(kf, &seq);
	assert_non_null(ca);
	assert_non_null(ca2);
	assert_non_null(cf);
	assert_non_null(cf2);
	s = tb_analysis_sink(an);
	for (i = 0; i < 5; i++) {
		feed_alloc(&s, (uint64_t)(10 * i + 1) * MS, 0, 0x1000 + (uint64_t)i * 64, 64, 60,
			   "memo_site+0x1/0x2");
		tev(&t, "kprobes", ca, (uint64_t)(10 * i + 2) * MS, 0);
		assert_int_equal(s.event(s.ctx, &t.ev), 0);
		if (i < 4)	/* the last allocation stays outstanding */
			feed_free(&s, (uint64_t)(10 * i + 3) * MS, 0, 0x1000 + (uint64_t)i * 64);
		tev(&t, "kprobes", cf, (uint64_t)(10 * i + 4) * MS, 0);
		assert_int_equal(s.event(s.ctx, &t.ev), 0);
		tev(&t, "kprobes", cf, (uint64_t)(10 * i + 5) * MS, 0);
		assert_int_equal(s.event(s.ctx, &t.ev), 0);
		tev(&t, "kprobes", ca2, (uint64_t)(10 * i + 6) * MS, 0);
		assert_int_equal(s.event(s.ctx, &t.ev), 0);
		tev(&t, "kprobes", cf2, (uint64_t)(10 * i + 7) * MS, 0);
		assert_int_equal(s.event(s.ctx, &t.ev), 0);
	}
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	assert_int_equal(rep->npairs, 1);
	assert_int_equal(rep->pairs[0].allocs, 5);
	assert_int_equal(rep->pairs[0].frees, 4);
	assert_int_equal(rep->pairs[0].count, 1);
	snprintf(ca_ev, sizeof(ca_ev), "kprobes:%s", ca);
	snprintf(cf_ev, sizeof(cf_ev), "kprobes:%s", cf);
	snprintf(ca2_ev, sizeof(ca2_ev), "kprobes:%s", ca2);
	snprintf(cf2_ev, sizeof(cf2_ev), "kprobes:%s", cf2);
	assert_int_equal(evcount(rep, ca_ev), 5);
	assert_int_equal(evcount(rep, cf_ev), 10);
	assert_int_equal(evcount(rep, ca2_ev), 5);
	assert_int_equal(evcount(rep, cf2_ev), 5);
	assert_int_equal(rep->nevcounts, 4);
	/* every event counted once among the events seen, each name once */
	assert_int_equal(rep->nseen, 6);
	for (i = 0; i < (int)rep->nseen; i++) {
		const char *e = rep->seen[i].event;
		uint64_t want = !strcmp(e, cf_ev) ? 10 : !strcmp(e, "kmem:kfree") ? 4 : 5;

		assert_int_equal(rep->seen[i].count, want);
	}
	tb_report_free(rep);
	tb_analysis_free(an);
}

static void test_automatic_analyses(void **state)
{
	struct tb_analysis *an = tb_analysis_new(NULL, NULL);
	struct tb_report *rep;
	struct tb_sink s;
	struct tev t;
	int i;

	assert_non_null(an);
	s = tb_analysis_sink(an);
	feed_alloc(&s, 1 * MS, 0, 0x1000, 64, 60, "auto_site+0x1/0x2");
	feed_alloc(&s, 2 * MS, 0, 0x2000, 64, 60, "auto_site+0x1/0x2");
	feed_free(&s, 3 * MS, 0, 0x2000);
	func_hit(&s, 4 * MS, "some_func", "its_caller+0x4/0x8");
	for (i = 0; i < 3; i++) {
		tev(&t, "kprobes", "tb_probe", (uint64_t)(5 + i) * MS, 0);
		s.event(s.ctx, &t.ev);
	}
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	assert_int_equal(rep->npairs, 1);		/* pages and slub saw nothing */
	assert_string_equal(rep->pairs[0].label, "kmem");
	assert_int_equal(rep->pairs[0].count, 1);
	assert_int_equal(row(rep, "some_func", "its_caller+0x4/0x8")->calls, 1);
	assert_int_equal(rep->nevcounts, 1);		/* events no analysis knows: counted */
	assert_string_equal(rep->evcounts[0].event, "kprobes:tb_probe");
	assert_int_equal(rep->evcounts[0].count, 3);
	tb_report_free(rep);
	tb_analysis_free(an);
}

static void test_symbols_lookup(void **state)
{
	const char *ks = fake_kallsyms();
	struct tb_symbols *sy = tb_symbols_new(ks);

	assert_non_null(sy);
	assert_string_equal(tb_symbols_format(sy, 0xffffffff81000010ULL), "_stext+0x10/0x1000");
	assert_string_equal(tb_symbols_format(sy, 0xffffffff81001000ULL), "__kmalloc+0x0/0x100");
	assert_string_equal(tb_symbols_format(sy, 0xffffffff810010ffULL), "__kmalloc+0xff/0x100");
	assert_string_equal(tb_symbols_name(sy, 0xffffffff81002a00ULL), "veth_dellink");
	assert_string_equal(tb_symbols_format(sy, 0xffffffffc0100081ULL), "mydrv_remove+0x1 [mydrv]");
	assert_string_equal(tb_symbols_format(sy, 0x1000), "0x1000");
	assert_non_null(tb_symbols_problem(sy));	/* one address stayed raw */
	assert_string_equal(tb_sym_base("foo_create+0x12/0x30 [mod]"), "foo_create");
	assert_string_equal(tb_sym_base("? bar+0x1/0x2"), "bar");
	assert_string_equal(tb_sym_base("plain"), "plain");
	tb_symbols_free(sy);
	unlink(ks);
	sy = tb_symbols_new("/nonexistent/kallsyms");
	assert_string_equal(tb_symbols_format(sy, 0xffffffff81000010ULL), "0xffffffff81000010");
	assert_non_null(strstr(tb_symbols_problem(sy), "cannot be read"));
	tb_symbols_free(sy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls_and_verdict),
		cmocka_unit_test(test_raw_function_hits_and_globs),
		cmocka_unit_test(test_refcount_balance),
		cmocka_unit_test(test_refcount_balance_by_stack),
		cmocka_unit_test(test_refcount_balance_reused_key),
		cmocka_unit_test(test_refcount_balance_skew),
		cmocka_unit_test(test_automatic_analyses),
		cmocka_unit_test(test_handler_memo_collisions),
		cmocka_unit_test(test_symbols_lookup),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);

	tb_intern_reset();
	return r;
}
