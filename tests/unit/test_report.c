/*
 * test_report.c - the report: text (run facts, loud loss warning, memleak-shaped
 * groups), the JSON schema and its round trip (write -> read -> same numbers, same
 * bytes), folded stacks, bad JSON input, and the diff of two reports.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <json-c/json.h>
#include "analyze/analysis-local.h"
#include "analyze-testlib.h"
#include "report/report-local.h"
#include "util/fileio.h"
#include "util/strbuf.h"

#define MS 1000000ULL

static char tmpdir[64];

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tb-test-report.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *tmp(const char *name)
{
	static char path[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/%s", tmpdir, name);
	return path[i];
}

static char *slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(tb_read_file(path, &sb), 0);
	return strbuf_detach(&sb, NULL);
}

static const char *const stack_a[] = { "__kmalloc+0x10/0x200", "foo_create+0x12/0x30",
	"foo_ioctl+0x40/0x90", NULL };

/* A run with a leak at foo_create (stack), churn elsewhere, calls and refcounts. */
static struct tb_report *sample(int fixed, uint64_t lost)
{
	struct tb_recipe_pair p;
	struct tb_recipe_count c;
	struct tb_recipe_balance b;
	struct tb_recipe r;
	struct tb_run_info info;
	struct tb_analysis *an;
	struct tb_report *rep;
	uint64_t lost_cpu[2] = { 0, lost };
	struct tb_sink s;
	struct tev t;
	int i;

	memset(&r, 0, sizeof(r));
	memset(&info, 0, sizeof(info));
	r.name = (char *)"netdev-leak";
	spec_pair(&p, "kmem", "kmem:kmalloc", "kmem:kfree", "ptr", "bytes_alloc", "bytes_req",
		  TB_GROUP_SITE | TB_GROUP_STACK, NULL);
	memset(&c, 0, sizeof(c));
	c.label = (char *)"netdev";
	c.by_caller = 1;
	strlist_split_ws(&c.funcs, "alloc_netdev_mqs free_netdev");
	strlist_split_ws(&c.balance, "alloc_netdev_mqs:free_netdev");
	memset(&b, 0, sizeof(b));
	b.label = (char *)"kref";
	strlist_split_ws(&b.get, "tb_get");
	strlist_split_ws(&b.put, "tb_put");
	b.get_key = (char *)"obj";
	b.group = TB_GROUP_SITE;
	r.pairs = &p;
	r.npairs = 1;
	r.counts = &c;
	r.ncounts = 1;
	r.balances = &b;
	r.nbalances = 1;
	an = tb_analysis_new(&r, NULL);
	assert_non_null(an);
	s = tb_analysis_sink(an);
	for (i = 0; i < 3; i++) {
		tev(&t, "kmem", "kmalloc", (uint64_t)(i + 1) * MS, 0);
		tev_num(&t, "ptr", 0xffff888000100000ULL + (uint64_t)i * 0x1000);
		tev_num(&t, "bytes_alloc", 4096);
		tev_num(&t, "bytes_req", 4000);
		tev_syms(&t, stack_a);
		s.event(s.ctx, &t.ev);
		if (fixed) {
			tev(&t, "kmem", "kfree", (uint64_t)(i + 1) * MS + 500, 1);
			tev_num(&t, "ptr", 0xffff888000100000ULL + (uint64_t)i * 0x1000);
			s.event(s.ctx, &t.ev);
		}
	}
	feed_alloc(&s, 10 * MS, 1, 0xffff888000900000ULL, 64, 60, "churn+0x1/0x10");
	for (i = 0; i < 4; i++) {
		tev(&t, "ftrace", "function", (uint64_t)(20 + i) * MS, 0);
		tev_str(&t, "ip", "alloc_netdev_mqs");
		tev_str(&t, "parent_ip", i < 2 ? "veth_newlink+0x1a/0x60" : "mydrv_probe+0x10/0x80 [mydrv]");
		s.event(s.ctx, &t.ev);
	}
	for (i = 0; i < (fixed ? 4 : 2); i++) {
		tev(&t, "ftrace", "function", (uint64_t)(30 + i) * MS, 0);
		tev_str(&t, "ip", "free_netdev");
		tev_str(&t, "parent_ip", "veth_dellink+0x22/0x50");
		s.event(s.ctx, &t.ev);
	}
	tev(&t, "tracebook", "tb_get", 40 * MS, 0);
	tev_num(&t, "obj", 0xabc);
	tev_str(&t, "__probe_ret_ip", "leaky_open+0x10/0x40");
	s.event(s.ctx, &t.ev);
	if (lost)
		s.lost(s.ctx, 1, lost, 41 * MS);
	info.kernel_release = "3.10.0-1160.el7.x86_64";
	info.arch = "x86_64";
	info.source = "raw per-CPU buffers";
	strlist_add(&info.plan_summary, "kmem:kmalloc, kmem:kfree tracepoints with stacktrace");
	info.duration_ns = 60 * 1000000000ULL;
	info.ncpus = 2;
	info.lost_per_cpu = lost_cpu;
	info.lost = lost;
	rep = tb_report_build(an, &info);
	assert_non_null(rep);
	strlist_clear(&info.plan_summary);
	tb_analysis_free(an);
	spec_pair_clear(&p);
	strlist_clear(&c.funcs);
	strlist_clear(&c.balance);
	strlist_clear(&b.get);
	strlist_clear(&b.put);
	return rep;
}

static char *text_of(const struct tb_report *rep, unsigned top)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(tb_report_print_text(rep, f, top), 0);
	fclose(f);
	return buf;
}

static void test_text_report(void **state)
{
	struct tb_report *rep = sample(0, 0);
	char *txt = text_of(rep, 0);

	assert_non_null(strstr(txt, "recipe netdev-leak"));
	assert_non_null(strstr(txt, "kernel     3.10.0-1160.el7.x86_64 (x86_64)"));
	assert_non_null(strstr(txt, "source     raw per-CPU buffers"));
	assert_non_null(strstr(txt, "plan       kmem:kmalloc, kmem:kfree"));
	assert_non_null(strstr(txt, "duration   1m00s") || strstr(txt, "duration   60"));
	assert_non_null(strstr(txt, "0 lost"));
	assert_non_null(strstr(txt, "confidence: no events lost"));
	assert_non_null(strstr(txt, "12288 bytes (12.0 KiB) in 3 allocations from stack"));
	assert_non_null(strstr(txt, "\t\tfoo_create+0x12/0x30\n"));
	assert_non_null(strstr(txt, "site: foo_create+0x12/0x30"));
	assert_non_null(strstr(txt, "64 bytes in 1 allocation from churn+0x1/0x10"));
	assert_non_null(strstr(txt, "alloc_netdev_mqs 4 vs free_netdev 2: 2 unbalanced"));
	assert_non_null(strstr(txt, "1 object still held"));
	assert_non_null(strstr(txt, "1 object (1 reference) held, got at leaky_open+0x10/0x40"));
	assert_null(strstr(txt, "WARNING"));
	free(txt);
	tb_report_free(rep);
}

static void test_lost_events_are_loud(void **state)
{
	struct tb_report *rep = sample(0, 7);
	char *txt = text_of(rep, 0);

	assert_non_null(strstr(txt, "!! WARNING: 7 events lost: 7 frees may be missing; "
			       "outstanding counts are upper bounds"));
	assert_non_null(strstr(txt, "7 lost (cpu1: 7)"));
	assert_non_null(strstr(txt, "confidence: upper bound"));
	free(txt);
	tb_report_free(rep);
}

static void expect_key(json_object *o, const char *k, json_type type)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("JSON key '%s' missing", k);
	if (!json_object_is_type(v, type))
		fail_msg("JSON key '%s' has type %s", k, json_type_to_name(json_object_get_type(v)));
}

static void test_json_schema(void **state)
{
	struct tb_report *rep = sample(0, 3);
	json_object *root, *pairs, *p, *out, *o, *k, *counts;
	char *text;

	assert_int_equal(tb_report_write_json(rep, tmp("a.json")), 0);
	text = slurp(tmp("a.json"));
	root = json_tokener_parse(text);
	assert_non_null(root);
	expect_key(root, "tool", json_type_string);
	expect_key(root, "version", json_type_string);
	expect_key(root, "kernel", json_type_object);
	json_object_object_get_ex(root, "kernel", &k);
	expect_key(k, "release", json_type_string);
	expect_key(k, "arch", json_type_string);
	expect_key(root, "recipe", json_type_string);
	expect_key(root, "duration_s", json_type_double);
	expect_key(root, "duration_ns", json_type_int);
	expect_key(root, "events", json_type_int);
	expect_key(root, "lost_events", json_type_int);
	expect_key(root, "pairs", json_type_array);
	expect_key(root, "counts", json_type_array);
	expect_key(root, "balances", json_type_array);
	assert_true(json_object_object_get_ex(root, "slabs", &o));
	json_object_object_get_ex(root, "lost_events", &o);
	assert_int_equal(json_object_get_int64(o), 3);
	json_object_object_get_ex(root, "pairs", &pairs);
	p = json_object_array_get_idx(pairs, 0);
	expect_key(p, "alloc", json_type_string);
	expect_key(p, "free", json_type_string);
	expect_key(p, "allocs", json_type_int);
	expect_key(p, "frees", json_type_int);
	expect_key(p, "unmatched_frees", json_type_int);
	expect_key(p, "outstanding", json_type_array);
	json_object_object_get_ex(p, "outstanding", &out);
	o = json_object_array_get_idx(out, 0);
	expect_key(o, "site", json_type_string);
	expect_key(o, "stack", json_type_array);
	expect_key(o, "count", json_type_int);
	expect_key(o, "bytes", json_type_int);
	expect_key(o, "oldest_s", json_type_double);
	expect_key(o, "oldest_ns", json_type_int);
	json_object_object_get_ex(o, "bytes", &k);
	assert_int_equal(json_object_get_int64(k), 12288);
	json_object_object_get_ex(root, "counts", &counts);
	o = json_object_array_get_idx(counts, 0);
	expect_key(o, "function", json_type_string);
	expect_key(o, "calls", json_type_int);
	assert_true(json_object_object_get_ex(o, "caller", &k));
	json_object_put(root);
	free(text);
	tb_report_free(rep);
}

static void test_json_round_trip(void **state)
{
	struct tb_report *rep = sample(0, 5), *back;
	char *a, *b;

	assert_int_equal(tb_report_write_json(rep, tmp("rt1.json")), 0);
	back = tb_report_read_json(tmp("rt1.json"));
	assert_non_null(back);
	assert_int_equal(back->events, rep->events);
	assert_int_equal(back->lost, 5);
	assert_int_equal(back->ncpus, 2);
	assert_int_equal(back->lost_per_cpu[1], 5);
	assert_int_equal(back->npairs, 1);
	assert_int_equal(back->pairs[0].count, rep->pairs[0].count);
	assert_int_equal(back->pairs[0].bytes, 12288 + 64);
	assert_int_equal(back->pairs[0].nsites, 2);
	assert_int_equal(back->pairs[0].sites[0].nstack, 3);
	assert_string_equal(back->pairs[0].sites[0].stack[1], "foo_create+0x12/0x30");
	assert_int_equal(back->ncounts, rep->ncounts);
	assert_int_equal(back->nverdicts, 1);
	assert_int_equal(back->verdicts[0].a_calls, 4);
	assert_int_equal(back->verdicts[0].b_calls, 2);
	assert_int_equal(back->nbals, 1);
	assert_int_equal(back->bals[0].held_objects, 1);
	assert_string_equal(back->kernel_release, "3.10.0-1160.el7.x86_64");
	/* written again, the read-back report is byte for byte the same document */
	assert_int_equal(tb_report_write_json(back, tmp("rt2.json")), 0);
	a = slurp(tmp("rt1.json"));
	b = slurp(tmp("rt2.json"));
	assert_string_equal(a, b);
	free(a);
	free(b);
	tb_report_free(back);
	tb_report_free(rep);
}

static void test_bad_json(void **state)
{
	FILE *f = fopen(tmp("bad.json"), "w");

	assert_non_null(f);
	fputs("{\"tool\": \"tracebook\", \"pairs\": [", f);
	fclose(f);
	assert_null(tb_report_read_json(tmp("bad.json")));
	f = fopen(tmp("other.json"), "w");
	fputs("{\"name\": \"something else\"}", f);
	fclose(f);
	assert_null(tb_report_read_json(tmp("other.json")));
	f = fopen(tmp("type.json"), "w");
	fputs("{\"tool\": \"tracebook\", \"events\": \"many\"}", f);
	fclose(f);
	assert_null(tb_report_read_json(tmp("type.json")));
	assert_null(tb_report_read_json(tmp("missing.json")));
}

static void test_folded(void **state)
{
	struct tb_report *rep = sample(0, 0);
	char *txt;

	assert_int_equal(tb_report_write_folded(rep, tmp("out.folded")), 0);
	txt = slurp(tmp("out.folded"));
	assert_string_equal(txt,
		"kmem;foo_ioctl+0x40/0x90;foo_create+0x12/0x30;__kmalloc+0x10/0x200 12288\n"
		"kmem;churn+0x1/0x10 64\n");
	free(txt);
	tb_report_free(rep);
}

static void test_diff_verdict(void **state)
{
	struct tb_report *before = sample(0, 0), *after = sample(1, 0), *r0, *r1;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(tb_report_write_json(before, tmp("before.json")), 0);
	assert_int_equal(tb_report_write_json(after, tmp("after.json")), 0);
	r0 = tb_report_read_json(tmp("before.json"));
	r1 = tb_report_read_json(tmp("after.json"));
	assert_non_null(r0);
	assert_non_null(r1);
	f = open_memstream(&buf, &len);
	assert_int_equal(tb_diff_print(r0, r1, f, 10), 0);
	fclose(f);
	assert_non_null(strstr(buf, "alloc_netdev_mqs 4 vs free_netdev 2 (2 unbalanced) → after "
			       "the fix 4 vs 4: balanced"));
	assert_non_null(strstr(buf, "3 -> 0"));
	assert_non_null(strstr(buf, "foo_create+0x12/0x30   gone"));
	assert_non_null(strstr(buf, "total: 4 -> 1 objects"));
	free(buf);
	tb_report_free(r0);
	tb_report_free(r1);
	tb_report_free(before);
	tb_report_free(after);
}

/* Strings are escaped by json-c: quotes, backslashes, newlines, control characters. */
static void test_json_escaping(void **state)
{
	struct tb_report *rep = tb_report_alloc(), *back;
	struct strbuf sb = STRBUF_INIT;
	const char *odd = "a\"b\\c\n\x01";

	assert_non_null(rep);
	rep->recipe = strdup(odd);
	rep->source = strdup("files: /tmp/a/b.txt");
	assert_int_equal(tb_report_write_json(rep, tmp("odd.json")), 0);
	assert_true(tb_read_file(tmp("odd.json"), &sb) >= 0);
	assert_non_null(strstr(strbuf_str(&sb), "\"recipe\":\"a\\\"b\\\\c\\n\\u0001\""));
	assert_non_null(strstr(strbuf_str(&sb), "\"files: /tmp/a/b.txt\""));	/* '/' as it is */
	back = tb_report_read_json(tmp("odd.json"));
	assert_non_null(back);
	assert_string_equal(back->recipe, odd);
	strbuf_release(&sb);
	tb_report_free(back);
	tb_report_free(rep);
}

static void assert_points_equal(const struct tb_rpoints *a, const struct tb_rpoints *b)
{
	size_t i;

	assert_int_equal(a->n, b->n);
	assert_int_equal(!a->t_ns, !b->t_ns);
	for (i = 0; i < a->n; i++) {
		assert_int_equal(a->snap[i], b->snap[i]);
		if (a->t_ns)
			assert_int_equal(a->t_ns[i], b->t_ns[i]);
	}
}

static void assert_series_equal(const int64_t *a, const int64_t *b, size_t n)
{
	size_t i;

	assert_int_equal(!a, !b);
	for (i = 0; a && i < n; i++)
		assert_int_equal(a[i], b[i]);
}

/* Every field of a growth result (rates to the 0.1 the JSON keeps). */
static void assert_growth_equal(const struct tb_rgrowth *a, const struct tb_rgrowth *b)
{
	size_t i, j, nseries = 0;
	int k;

	for (k = 0; k < TB_PROC_KINDS; k++)
		assert_int_equal(a->snapshots[k], b->snapshots[k]);
	assert_int_equal(a->span_ns, b->span_ns);
	assert_string_equal(a->format, b->format);
	assert_int_equal(a->ncaches, b->ncaches);
	for (i = 0; i < a->ncaches; i++) {
		const struct tb_rcache *x = &a->caches[i], *y = &b->caches[i];

		assert_string_equal(x->name, y->name);
		assert_int_equal(x->objsize, y->objsize);
		assert_int_equal(x->active, y->active);
		assert_int_equal(x->num, y->num);
		assert_int_equal(x->size, y->size);
		assert_int_equal(x->d_active, y->d_active);
		assert_int_equal(x->d_num, y->d_num);
		assert_int_equal(x->d_size, y->d_size);
		assert_int_equal(x->i_active, y->i_active);
		assert_int_equal(x->i_size, y->i_size);
		assert_true(fabs(x->active_h - y->active_h) <= 0.05);
		assert_true(fabs(x->obj_bytes_h - y->obj_bytes_h) <= 0.05);
		assert_int_equal(x->is_new, y->is_new);
		assert_int_equal(x->gone, y->gone);
		assert_int_equal(x->naliases, y->naliases);
		for (j = 0; j < x->naliases; j++)
			assert_string_equal(x->aliases[j], y->aliases[j]);
		assert_series_equal(x->series, y->series, a->slab_pts.n);
		nseries += x->series != NULL;
	}
	assert_points_equal(&a->slab_pts, &b->slab_pts);
	assert_points_equal(&a->mem_pts, &b->mem_pts);
	if (a->slab_pts.n)
		assert_true(nseries > 0);
	assert_int_equal(a->nmem, b->nmem);
	for (i = 0; i < a->nmem; i++)
		assert_series_equal(a->mem[i].series, b->mem[i].series, a->mem_pts.n);
	assert_int_equal(a->nzones, b->nzones);
	assert_int_equal(a->compaction, b->compaction);
}

static void assert_json_files_equal(const char *a, const char *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;

	assert_true(tb_read_file(a, &x) >= 0);
	assert_true(tb_read_file(b, &y) >= 0);
	assert_string_equal(strbuf_str(&x), strbuf_str(&y));
	strbuf_release(&x);
	strbuf_release(&y);
}

/* /proc/slabinfo snapshots reach the growth analyzer and its result the report. */
static void test_growth_in_report(void **state)
{
	struct tb_analysis *an = tb_analysis_new(NULL, NULL);
	struct tb_report *rep, *back;
	char *a = slurp("tests/fixtures/slabinfo/live-6.18-before.txt");
	char *b = slurp("tests/fixtures/slabinfo/live-6.18-after.txt");
	char *txt, *txt2;

	assert_non_null(an);
	/* the fixtures: a `date` line, /proc/slabinfo, then /proc/meminfo */
	assert_non_null(strstr(a, "\nMemTotal:"));
	assert_non_null(strstr(b, "\nMemTotal:"));
	strstr(a, "\nMemTotal:")[1] = '\0';
	strstr(b, "\nMemTotal:")[1] = '\0';
	assert_int_equal(tb_analysis_snapshot(an, "slabinfo", 1000 * 1000000000ULL,
					      strchr(a, '\n') + 1), 0);
	/* a snapshot between them: the series has 3 points, which the JSON carries */
	assert_int_equal(tb_analysis_snapshot(an, "slabinfo", 1030 * 1000000000ULL,
					      strchr(a, '\n') + 1), 0);
	assert_int_equal(tb_analysis_snapshot(an, "slabinfo", 1060 * 1000000000ULL,
					      strchr(b, '\n') + 1), 0);
	rep = tb_report_build(an, NULL);
	assert_non_null(rep);
	assert_non_null(rep->growth);
	assert_true(rep->growth->ncaches > 0);
	assert_int_equal(rep->growth->slab_pts.n, 3);
	assert_int_equal(rep->growth->slab_pts.t_ns[1], 30 * 1000000000ULL);
	txt = text_of(rep, 0);
	assert_non_null(strstr(txt, "== slab growth"));
	assert_int_equal(tb_report_write_json(rep, tmp("slabs.json")), 0);
	back = tb_report_read_json(tmp("slabs.json"));
	assert_non_null(back);
	assert_non_null(back->growth);
	assert_growth_equal(back->growth, rep->growth);
	/* read back, it renders as it did before being written */
	txt2 = text_of(back, 0);
	assert_non_null(strstr(txt2, "Top caches by growth"));
	assert_string_equal(strstr(txt2, "== slab growth"), strstr(txt, "== slab growth"));
	/* and written again, the same JSON */
	assert_int_equal(tb_report_write_json(back, tmp("slabs2.json")), 0);
	assert_json_files_equal(tmp("slabs.json"), tmp("slabs2.json"));
	free(txt2);
	free(txt);
	free(a);
	free(b);
	tb_report_free(back);
	tb_report_free(rep);
	tb_analysis_free(an);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_report),
		cmocka_unit_test(test_lost_events_are_loud),
		cmocka_unit_test(test_json_schema),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_bad_json),
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_diff_verdict),
		cmocka_unit_test(test_growth_in_report),
		cmocka_unit_test(test_json_escaping),
	};
	int r = cmocka_run_group_tests(tests, setup, teardown);

	tb_intern_reset();
	return r;
}
