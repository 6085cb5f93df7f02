/*
 * test_recipe.c - src/recipe/: parsing every shipped recipe, parameter substitution,
 * the checks (each class of bad input names the right file:line and text), that all
 * errors are reported, and finding recipes on disk and in the embedded library.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "recipe/embedded.h"
#include "recipe/recipe.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/units.h"

/* A minimal valid recipe; tests append sections or break lines of it. */
#define HEAD "[recipe]\nname = t\nsummary = test\n"	/* lines 1-3 */

/* Load text as "t.recipe" with space-separated assignments; returns the load result. */
static int load(const char *text, const char *assign, unsigned flags, struct strlist *errs,
		struct tb_recipe *r)
{
	struct strlist a = STRLIST_INIT;
	int ret;

	if (assign)
		assert_int_equal(strlist_split_ws(&a, assign), 0);
	ret = tb_recipe_load_ex("t.recipe", text, &a, flags, errs, r);
	strlist_clear(&a);
	return ret;
}

/* The error list contains a message starting with prefix. */
static int has_error(const struct strlist *errs, const char *prefix)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		if (!strncmp(errs->v[i], prefix, strlen(prefix)))
			return 1;
	return 0;
}

static void dump(const struct strlist *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++)
		fprintf(stderr, "    | %s\n", errs->v[i]);
}

/* Expect the load of text to fail with (at least) an error starting with prefix. */
static void expect_error(const char *text, const char *assign, const char *prefix)
{
	struct strlist errs = STRLIST_INIT;
	struct tb_recipe r;
	int ret = load(text, assign, 0, &errs, &r);

	if (!has_error(&errs, prefix)) {
		fprintf(stderr, "expected an error starting with: %s\n", prefix);
		dump(&errs);
	}
	assert_int_equal(ret, -TB_EXIT_BADINPUT);
	assert_true(has_error(&errs, prefix));
	/* every message has the "expected" part */
	{
		size_t i;

		for (i = 0; i < errs.n; i++)
			assert_non_null(strstr(errs.v[i], ": expected "));
	}
	assert_null(r.name);	/* nothing half-built is handed out */
	strlist_clear(&errs);
}

static void expect_ok(const char *text, const char *assign, struct tb_recipe *r)
{
	struct strlist errs = STRLIST_INIT;
	int ret = load(text, assign, 0, &errs, r);

	if (ret)
		dump(&errs);
	assert_int_equal(ret, 0);
	assert_int_equal(errs.n, 0);
	strlist_clear(&errs);
}

/* --- the shipped library ----------------------------------------------------------- */

static void test_every_shipped_recipe_parses(void **state)
{
	static const char *const want[] = {
		"slab-leak", "slub-trace", "netdev-leak", "kernfs-leak", "path-refcount",
		"ip6-dst-leak", "compaction-stall", "page-alloc", NULL
	};
	unsigned i;

	for (i = 0; want[i]; i++)
		assert_non_null(tb_recipe_builtin_text(want[i]));
	assert_int_equal(tb_n_embedded_recipes, 8);
	for (i = 0; i < tb_n_embedded_recipes; i++) {
		struct strlist errs = STRLIST_INIT;
		struct tb_recipe r;
		char path[128];
		int ret;

		snprintf(path, sizeof(path), "%s%s.recipe", TB_RECIPE_BUILTIN_PREFIX,
			 tb_embedded_recipes[i].name);
		ret = tb_recipe_load_ex(path, NULL, NULL, TB_RECIPE_LOAD_CHECK, &errs, &r);
		if (ret)
			dump(&errs);
		assert_int_equal(ret, 0);
		assert_string_equal(r.name, tb_embedded_recipes[i].name);
		assert_non_null(r.summary);
		assert_non_null(r.symptom);
		assert_non_null(r.description);
		assert_true(r.duration_ns > 0);
		assert_true(r.npairs + r.ncounts + r.nbalances > 0);
		tb_recipe_free(&r);
		strlist_clear(&errs);
	}
}

static void test_slab_leak_default_and_narrowed(void **state)
{
	const char *text = tb_recipe_builtin_text("slab-leak");
	struct tb_recipe r;
	unsigned i;

	assert_non_null(text);
	expect_ok(text, NULL, &r);
	assert_int_equal(r.duration_ns, 60 * TB_NSEC_PER_SEC);
	assert_int_equal(r.npairs, 1);
	assert_string_equal(r.pairs[0].alloc_key, "ptr");
	assert_string_equal(r.pairs[0].free_key, "ptr");
	assert_string_equal(r.pairs[0].size, "bytes_alloc");
	assert_true(strlist_has(&r.pairs[0].alloc, "kmem:kmalloc"));
	assert_true(strlist_has(&r.pairs[0].alloc, "kmem:kmem_cache_alloc"));
	assert_true(strlist_has(&r.pairs[0].free, "kmem:kfree"));
	assert_true(strlist_has(&r.pairs[0].free, "kmem:kmem_cache_free"));
	assert_int_equal(r.pairs[0].group, TB_GROUP_SITE);
	for (i = 0; i < r.ntps; i++) {
		assert_null(r.tps[i].filter);		/* default: no kernel filter */
		assert_null(r.tps[i].cache);
		assert_int_equal(r.tps[i].stack, 0);
	}
	assert_non_null(r.snapshot);
	assert_int_equal(r.snapshot->interval_ns, 30 * TB_NSEC_PER_SEC);
	assert_non_null(r.growth);
	assert_int_equal(r.growth->caches.n, 0);
	tb_recipe_free(&r);

	/* size=8k: a bytes_alloc filter on the allocations, stacks on, grouped by stack */
	expect_ok(text, "size=8k", &r);
	assert_string_equal(r.tps[0].system, "kmem");
	assert_string_equal(r.tps[0].event, "kmalloc");
	assert_string_equal(r.tps[0].filter, "bytes_alloc == 8192");
	assert_int_equal(r.tps[0].stack, 1);
	assert_int_equal(r.pairs[0].group, TB_GROUP_SITE | TB_GROUP_STACK);
	for (i = 0; i < r.ntps; i++)
		if (!strcmp(r.tps[i].event, "kfree"))
			assert_null(r.tps[i].filter);
	assert_string_equal(r.params[0].name, "size");
	assert_string_equal(r.params[0].value, "8192");
	tb_recipe_free(&r);

	/* cache=NAME: narrowed to the cache, stacks on, growth focused on it */
	expect_ok(text, "cache=kmalloc-256", &r);
	assert_string_equal(r.tps[0].cache, "kmalloc-256");
	assert_null(r.tps[0].filter);
	assert_int_equal(r.tps[0].stack, 1);
	assert_string_equal(r.growth->caches.v[0], "kmalloc-256");
	tb_recipe_free(&r);
}

static void test_other_recipes_content(void **state)
{
	struct strlist errs = STRLIST_INIT;
	struct tb_recipe r;

	/* kernfs-leak: kretprobe $retval vs first argument, with stacks */
	expect_ok(tb_recipe_builtin_text("kernfs-leak"), NULL, &r);
	assert_int_equal(r.nkps, 2);
	assert_string_equal(r.kps[0].probe, "kernfs_new_node");
	assert_int_equal(r.kps[0].is_return, 1);
	assert_string_equal(r.kps[0].args.v[0], "node=$retval:x64");
	assert_int_equal(r.kps[0].stack, 1);
	assert_string_equal(r.kps[1].args.v[0], "node=$arg1:x64");
	assert_int_equal(r.pairs[0].group, TB_GROUP_SITE | TB_GROUP_STACK);
	tb_recipe_free(&r);

	/* slub-trace needs cache=: an error to run, fine to check */
	assert_int_equal(load(tb_recipe_builtin_text("slub-trace"), NULL, 0, &errs, &r), -TB_EXIT_BADINPUT);
	assert_true(has_error(&errs, "t.recipe:"));
	assert_non_null(strstr(errs.v[0], "required parameter 'cache'"));
	strlist_clear(&errs);
	assert_int_equal(load(tb_recipe_builtin_text("slub-trace"), NULL, TB_RECIPE_LOAD_CHECK,
			      &errs, &r), 0);
	tb_recipe_free(&r);
	expect_ok(tb_recipe_builtin_text("slub-trace"), "cache=kmalloc-8192", &r);
	assert_string_equal(r.slub->caches.v[0], "kmalloc-8192");
	assert_true(strlist_has(&r.pairs[0].alloc, "slub:alloc"));
	tb_recipe_free(&r);
	expect_error(tb_recipe_builtin_text("slub-trace"), "cache=../x", "command line: parameter 'cache=../x'");

	/* netdev-leak: function tracer, count by caller with a balance */
	expect_ok(tb_recipe_builtin_text("netdev-leak"), NULL, &r);
	assert_true(strlist_has(&r.function->funcs, "alloc_netdev_mqs"));
	assert_int_equal(r.function->stack, 0);
	assert_int_equal(r.counts[0].by_caller, 1);
	assert_string_equal(r.counts[0].balance.v[0], "alloc_netdev_mqs:free_netdev");
	tb_recipe_free(&r);

	/* path-refcount: get=/put= switch the probed functions */
	expect_ok(tb_recipe_builtin_text("path-refcount"), "get=dget_parent put=dput stack=yes", &r);
	assert_string_equal(r.kps[0].probe, "dget_parent");
	assert_string_equal(r.kps[1].probe, "dput");
	assert_int_equal(r.kps[0].stack, 1);
	assert_int_equal(r.balances[0].group, TB_GROUP_SITE | TB_GROUP_STACK);
	tb_recipe_free(&r);

	/* page-alloc: pfn key, grouped by order; order=N filters and adds stacks */
	expect_ok(tb_recipe_builtin_text("page-alloc"), NULL, &r);
	assert_string_equal(r.pairs[0].alloc_key, "pfn");
	assert_string_equal(r.pairs[0].by, "order");
	assert_int_equal(r.pairs[0].group, 0);
	assert_int_equal(r.tps[0].stack, 0);
	tb_recipe_free(&r);
	expect_ok(tb_recipe_builtin_text("page-alloc"), "order=5", &r);
	assert_string_equal(r.tps[0].filter, "order == 5");
	assert_int_equal(r.tps[0].stack, 1);
	assert_int_equal(r.pairs[0].group, TB_GROUP_STACK);
	tb_recipe_free(&r);

	/* compaction-stall: function + vmscan tracepoints, vmstat growth */
	expect_ok(tb_recipe_builtin_text("compaction-stall"), "order=3", &r);
	assert_string_equal(r.tps[0].filter, "order >= 3");
	assert_true(strlist_has(&r.growth->from, "vmstat"));
	assert_true(strlist_has(&r.snapshot->files, "buddyinfo"));
	tb_recipe_free(&r);
}

/* --- substitution ------------------------------------------------------------------ */

static void test_substitution(void **state)
{
	static const char text[] =
		"[recipe]\nname = t\n"
		"summary = ${a}|${b:-dflt}|${a:+set}|${b:+never}|${b:+nested ${a}}${b:-v ${n:+${a}}}"
		"|$arg1 $$\n"
		"[param a]\ndefault = A\n"
		"[param b]\n"
		"[param n]\ntype = number\ndefault = 4\n"
		"[param flag]\ntype = bool\ndefault = no\n"
		"[kprobe k]\nprobe = f\nargs = x=$arg1 y=+8($stack2):u32\nstack = ${flag}\n";
	struct tb_recipe r;

	expect_ok(text, NULL, &r);
	assert_string_equal(r.summary, "A|dflt|set||v A|$arg1 $$");
	assert_string_equal(r.kps[0].args.v[0], "x=$arg1");	/* lone $ is literal */
	assert_int_equal(r.kps[0].stack, 0);			/* flag=no → empty → not given */
	assert_string_equal(r.params[3].value, "");
	tb_recipe_free(&r);

	expect_ok(text, "b=B a= flag=on", &r);
	assert_string_equal(r.summary, "|B||never|nested B|$arg1 $$");
	assert_int_equal(r.kps[0].stack, 1);
	assert_string_equal(r.params[1].value, "B");
	assert_string_equal(r.params[0].value, "");
	assert_string_equal(r.params[3].value, "yes");
	tb_recipe_free(&r);

	/* an empty value after substitution counts as not given */
	expect_ok(HEAD "[param c]\n[tracepoint kmem:kmalloc]\nfilter = ${c}\ncache = ${c}\n", NULL, &r);
	assert_null(r.tps[0].filter);
	assert_null(r.tps[0].cache);
	tb_recipe_free(&r);

	expect_error(HEAD "[tracepoint kmem:kmalloc]\nfilter = a == ${nope}\n", NULL,
		     "t.recipe:5: unknown parameter '${nope}': expected no parameters");
	{
		struct strlist errs = STRLIST_INIT;

		/* one error for a bad reference in a required key, not two */
		assert_int_equal(load(HEAD "[kprobe k]\nprobe = ${nope}\n", NULL, 0, &errs, &r), -TB_EXIT_BADINPUT);
		assert_int_equal(errs.n, 1);
		assert_true(has_error(&errs, "t.recipe:5: unknown parameter '${nope}'"));
		strlist_clear(&errs);
	}
	expect_error(HEAD "[param p]\n[tracepoint kmem:kmalloc]\nfilter = a == ${p:-x\n", NULL,
		     "t.recipe:6: parameter reference '${p:-x'");
	expect_error(HEAD "[param p]\n[tracepoint kmem:kmalloc]\nfilter = a == ${p:=x}\n", NULL,
		     "t.recipe:6: parameter reference '${p:=x}': expected ${NAME}");
}

static void test_command_line_params(void **state)
{
	static const char text[] = HEAD "[param size]\ntype = size\n[param cache]\ntype = cache\n"
				   "[tracepoint kmem:kmalloc]\n";

	expect_error(text, "colour=red", "command line: unknown parameter 'colour=red': expected "
		     "one of size, cache (declared in t.recipe)");
	expect_error(HEAD "[tracepoint kmem:kmalloc]\n", "x=1",
		     "command line: unknown parameter 'x=1': expected no parameters");
	expect_error(text, "size", "command line: parameter assignment 'size': expected NAME=VALUE");
	expect_error(text, "size=lots", "command line: parameter 'size=lots': expected a size");
	expect_error(text, "cache=a/b", "command line: parameter 'cache=a/b': expected a slab cache");
	expect_error(HEAD "[param n]\ntype = number\ndefault = many\n[tracepoint kmem:kmalloc]\n", NULL,
		     "t.recipe:6: default 'many': expected a whole number");
	expect_error(HEAD "[param n]\ntype = colour\n[tracepoint kmem:kmalloc]\n", NULL,
		     "t.recipe:5: parameter type 'colour'");
}

/* --- each class of bad input --------------------------------------------------------- */

static void test_unknown_sections_and_keys(void **state)
{
	expect_error(HEAD "colour = red\n[tracepoint kmem:kmalloc]\n", NULL,
		     "t.recipe:4: unknown key 'colour': expected one of name, summary");
	expect_error(HEAD "[tracepoint kmem:kmalloc]\nfliter = a == 1\n", NULL,
		     "t.recipe:5: unknown key 'fliter': expected one of filter, stack, cache");
	expect_error(HEAD "[tracepionts kmem:kmalloc]\n", NULL,
		     "t.recipe:4: unknown section 'tracepionts kmem:kmalloc'");
	expect_error(HEAD "[tracepoint]\n", NULL, "t.recipe:4: section 'tracepoint': expected a name");
	expect_error(HEAD "[tracepoint kmem:kmalloc\n", NULL,
		     "t.recipe:4: section header '[tracepoint kmem:kmalloc'");
	expect_error(HEAD "[tracepoint kmem:kmalloc]\njust some words\n", NULL,
		     "t.recipe:5: line 'just some words': expected 'key = value'");
	/* a bad key line's continuation lines are not reported again */
	{
		struct strlist errs = STRLIST_INIT;
		struct tb_recipe r;

		assert_int_equal(load(HEAD "[tracepoint kmem:kmalloc]\nbad key = 1\n  more\n  more\n"
				      "stack = yes\n", NULL, 0, &errs, &r), -TB_EXIT_BADINPUT);
		assert_int_equal(errs.n, 1);
		assert_true(has_error(&errs, "t.recipe:5: key 'bad key'"));
		strlist_clear(&errs);
	}
	expect_error("name = x\n[recipe]\nname = t\nsummary = s\n[tracepoint kmem:kmalloc]\n", NULL,
		     "t.recipe:1: key outside any section 'name = x'");
	expect_error("[recipe]\nname = t\n[tracepoint kmem:kmalloc]\n", NULL,
		     "t.recipe:1: section '[recipe]': expected a 'summary' key");
	expect_error(HEAD "[kprobe k]\nargs = a=$arg1\n", NULL,
		     "t.recipe:4: section '[kprobe k]': expected a 'probe' key");
	expect_error(HEAD, NULL, "t.recipe: recipe traces nothing: expected at least one");
	expect_error(HEAD "[tracepoint kmem:kmalloc]\nstack = maybe\n", NULL,
		     "t.recipe:5: stack 'maybe': expected yes or no");
	expect_error(HEAD "[snapshot]\nfiles = slabinfo zoneinfo\n", NULL,
		     "t.recipe:5: snapshot file 'zoneinfo': expected slabinfo, meminfo");
	expect_error(HEAD "[tracepoint kmem:kmalloc]\nx\001 = 1\n", NULL,
		     "t.recipe:5: control character in line 'x\\x01 = 1'");
}

static void test_bad_durations(void **state)
{
	expect_error("[recipe]\nname = t\nsummary = s\nduration = 10 parsecs\n[tracepoint kmem:kmalloc]\n",
		     NULL, "t.recipe:4: duration '10 parsecs': expected a duration");
	expect_error(HEAD "[snapshot]\nfiles = meminfo\ninterval = -5s\n", NULL,
		     "t.recipe:6: interval '-5s': expected a duration");
	expect_error(HEAD "[snapshot]\nfiles = meminfo\ninterval = 0\n", NULL,
		     "t.recipe:6: interval '0': expected a duration greater than zero");
}

static void test_filters(void **state)
{
	static const char *const good[] = {
		"bytes_alloc == 8192",
		"bytes_alloc >= 4096 && bytes_alloc < 0x2000",
		"!(common_pid == 1) || comm ~ \"kworker*\"",
		"(a == 1 || b != -2) && (c & 0x4) && !d == 3",
		"name == 'kmalloc-8k' && call_site.function == foo_bar",
		"comm == bash",
		"order>=5",
	};
	static const struct { const char *f, *err; } bad[] = {
		{ "bytes_alloc = 8192", "an operator" },
		{ "bytes_alloc == ", "a value" },
		{ "bytes_alloc > big", "a number after a relational" },
		{ "(a == 1", "a closing ')'" },
		{ "a == 1 &&", "a field name" },
		{ "a == 1 b == 2", "'&&', '||'" },
		{ "comm ~ 12", "a string or glob" },
		{ "comm == \"bash", "a closing quote" },
		{ "a == 12x", "a number" },
		{ "== 3", "a field name" },
		{ "a == 1 & b == 2", "'&&', '||'" },
	};
	char text[256], prefix[160];
	struct tb_recipe r;
	unsigned i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), HEAD "[tracepoint kmem:kmalloc]\nfilter = %s\n", good[i]);
		expect_ok(text, NULL, &r);
		assert_string_equal(r.tps[0].filter, good[i]);
		tb_recipe_free(&r);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct strlist errs = STRLIST_INIT;

		snprintf(text, sizeof(text), HEAD "[tracepoint kmem:kmalloc]\nfilter = %s\n", bad[i].f);
		snprintf(prefix, sizeof(prefix), "t.recipe:5: filter '%.*s", (int)strcspn(bad[i].f, " "),
			 bad[i].f);
		expect_error(text, NULL, prefix);
		assert_int_equal(load(text, NULL, 0, &errs, &r), -TB_EXIT_BADINPUT);
		if (!strstr(errs.v[0], bad[i].err))
			fprintf(stderr, "filter %s: wanted '%s' in: %s\n", bad[i].f, bad[i].err, errs.v[0]);
		assert_non_null(strstr(errs.v[0], bad[i].err));
		strlist_clear(&errs);
	}
	/* kprobe filters may only use the probe's own arguments (and the common fields) */
	expect_ok(HEAD "[kprobe k]\nprobe = f\nargs = a=$arg1\nfilter = a == 1 && common_pid != 1 "
		  "&& __probe_ip != 0\n", NULL, &r);
	tb_recipe_free(&r);
	expect_error(HEAD "[kprobe k]\nprobe = f\nargs = a=$arg1\nfilter = b == 1\n", NULL,
		     "t.recipe:7: filter field 'b': expected an argument this kprobe fetches");
}

static void test_duplicates(void **state)
{
	expect_error(HEAD "[tracepoint kmem:kmalloc]\n[tracepoint kmem:kmalloc]\n", NULL,
		     "t.recipe:5: duplicate section 'kmem:kmalloc': expected each tracepoint once "
		     "(first on line 4)");
	expect_error(HEAD "[recipe]\nname = u\n[tracepoint kmem:kmalloc]\n", NULL,
		     "t.recipe:4: duplicate section '[recipe]'");
	expect_error(HEAD "[kprobe k]\nprobe = f\n[kprobe k]\nprobe = g\n", NULL,
		     "t.recipe:6: duplicate kprobe name 'k'");
	expect_error(HEAD "[tracepoint kmem:kmalloc]\n[tracepoint kmem:kfree]\n"
		     "[pair p]\nalloc = kmem:kmalloc\nfree = kmem:kfree\nkey = ptr\n"
		     "[balance p]\nget = kmem:kmalloc\nput = kmem:kfree\nkey = ptr\n", NULL,
		     "t.recipe:10: duplicate label 'p'");
	expect_error(HEAD "[param p]\n[param p]\n[tracepoint kmem:kmalloc]\n", NULL,
		     "t.recipe:5: duplicate parameter 'p'");
	expect_error(HEAD "[tracepoint kmem:kmalloc]\nstack = yes\nstack = no\n", NULL,
		     "t.recipe:6: duplicate key 'stack': expected each key once per section "
		     "(first given on line 5)");
	expect_error(HEAD "[kprobe k]\nprobe = f\nargs = a=$arg1 a=$arg2\n", NULL,
		     "t.recipe:6: duplicate kprobe argument 'a'");
}

static void test_unsafe_names(void **state)
{
	expect_error(HEAD "[slub-trace]\ncaches = ../x\n", NULL,
		     "t.recipe:5: unsafe cache name '../x': expected a cache name without '/'");
	expect_error(HEAD "[slub-trace]\ncaches = ..\n", NULL,
		     "t.recipe:5: unsafe cache name '..': expected a cache name without '..'");
	expect_error(HEAD "[slub-trace]\ncaches = kmalloc/8\n", NULL,
		     "t.recipe:5: unsafe cache name 'kmalloc/8'");
	expect_error(HEAD "[tracepoint kmem:kmalloc]\ncache = a b\n", NULL,
		     "t.recipe:5: unsafe cache name 'a b': expected a cache name without whitespace");
	/* "a b" through substitution of an untyped parameter reaches the cache check */
	{
		static const char t[] = HEAD "[param c]\n[tracepoint kmem:kmalloc]\ncache = x${c}y\n";
		struct strlist a = STRLIST_INIT, errs = STRLIST_INIT;
		struct tb_recipe r;

		assert_int_equal(strlist_add(&a, "c=a b"), 0);
		assert_int_equal(tb_recipe_load_ex("t.recipe", t, &a, 0, &errs, &r), -TB_EXIT_BADINPUT);
		assert_true(has_error(&errs, "t.recipe:6: unsafe cache name 'xa by': expected a cache "
				      "name without whitespace"));
		strlist_clear(&a);
		strlist_clear(&errs);
	}
	expect_error(HEAD "[growth]\ncaches = kmalloc-8\tdentry/x\nfrom = slabinfo\n[snapshot]\nfiles = slabinfo\n",
		     NULL, "t.recipe:5: unsafe cache name 'dentry/x'");
	expect_error(HEAD "[tracepoint kmem:kmal-loc]\n", NULL,
		     "t.recipe:4: tracepoint event 'kmal-loc': expected [A-Za-z0-9_] only");
	expect_error(HEAD "[tracepoint kmem]\n", NULL, "t.recipe:4: tracepoint 'kmem': expected SYSTEM:EVENT");
	expect_error(HEAD "[kprobe ../../x]\nprobe = f\n", NULL, "t.recipe:4: kprobe name '../../x'");
	expect_error(HEAD "[kprobe a234567890123456789012345678901234567890123456789012345678901234]\nprobe = f\n",
		     NULL, "t.recipe:4: kprobe name 'a2345678901234567890123456789012345678901234567890"
		     "12345678901234': expected [A-Za-z0-9_] only, at most 63 characters");
	expect_error(HEAD "[kprobe k]\nprobe = foo/bar\n", NULL, "t.recipe:5: probe 'foo/bar'");
	expect_error(HEAD "[kprobe k]\nprobe = foo%return\n", NULL,
		     "t.recipe:5: probe 'foo%return': expected SYM[+OFFSET] (write 'return = yes'");
	expect_error(HEAD "[function]\nfunctions = *\n", NULL, "t.recipe:5: function '*'");
}

static void test_kprobe_args(void **state)
{
	static const char *const good[] = {
		"a=$arg1", "a=$arg2:x64", "a=%di", "a=%x0:u32", "a=+8($arg1):x64",
		"a=+0(+8(%si)):string", "a=-4($stack):s32", "a=@jiffies", "a=@jiffies+8:u64",
		"a=$stack3", "a=$comm", "a=@0xffff0000",
	};
	static const struct { const char *arg, *err; } bad[] = {
		{ "p=$retval", "$retval only on a return probe" },
		{ "p=$arg0", "$arg1 to $arg32" },
		{ "p=$argv", "$argN, $retval" },
		{ "p=+8$arg1", "'(' after the offset" },
		{ "p=+8($arg1", "a closing ')'" },
		{ "p=$arg1:u128", "u8..u64" },
		{ "p=%", "a register name" },
		{ "p=", "a fetch of 1 to 63" },
		{ "=$arg1", "NAME=FETCH" },
		{ "9p=$arg1", "that does not start with a digit" },
		{ "p=$arg1junk", "the end of the fetch" },
		{ "p=\\5", "$argN, $retval, $stackN" },
	};
	char text[256], prefix[128];
	struct tb_recipe r;
	unsigned i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), HEAD "[kprobe k]\nprobe = f+0x10\nargs = %s\n", good[i]);
		expect_ok(text, NULL, &r);
		assert_string_equal(r.kps[0].args.v[0], good[i]);
		tb_recipe_free(&r);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct strlist errs = STRLIST_INIT;

		snprintf(text, sizeof(text), HEAD "[kprobe k]\nprobe = f\nargs = %s\n", bad[i].arg);
		snprintf(prefix, sizeof(prefix), "t.recipe:6: ");
		expect_error(text, NULL, prefix);
		assert_int_equal(load(text, NULL, 0, &errs, &r), -TB_EXIT_BADINPUT);
		if (!strstr(errs.v[0], bad[i].err))
			fprintf(stderr, "arg %s: wanted '%s' in: %s\n", bad[i].arg, bad[i].err, errs.v[0]);
		assert_non_null(strstr(errs.v[0], bad[i].err));
		assert_non_null(strstr(errs.v[0], bad[i].arg));
		strlist_clear(&errs);
	}
	/* $retval is fine on a return probe */
	expect_ok(HEAD "[kprobe k]\nprobe = f\nreturn = yes\nargs = p=$retval:x64\n", NULL, &r);
	assert_int_equal(r.kps[0].is_return, 1);
	tb_recipe_free(&r);
	expect_error(HEAD "[kprobe k]\nprobe = kernfs_new_node\nargs = node=$retval\n", NULL,
		     "t.recipe:6: kprobe argument 'node=$retval': expected $retval only on a return "
		     "probe (return = yes)");
}

static void test_event_references(void **state)
{
	expect_error(HEAD "[tracepoint kmem:kmalloc]\n[pair p]\nalloc = kmem:kmalloc\n"
		     "free = kmem:kfree\nkey = ptr\n", NULL,
		     "t.recipe:7: event 'kmem:kfree': expected an event this recipe traces: kmem:kmalloc");
	expect_error(HEAD "[kprobe get]\nprobe = f\n[balance b]\nget = kprobe:get\nput = kprobe:put\n"
		     "key = x\n", NULL, "t.recipe:8: event 'kprobe:put'");
	expect_error(HEAD "[tracepoint kmem:kmalloc]\n[pair p]\nalloc = slub:alloc\nfree = kmem:kmalloc\n"
		     "key = ptr\n", NULL, "t.recipe:6: event 'slub:alloc'");
	expect_error(HEAD "[function]\nfunctions = alloc_*\n[count c]\nfunctions = alloc_netdev_mqs free_netdev\n",
		     NULL, "t.recipe:7: function 'free_netdev': expected a function the [function] section traces");
	expect_error(HEAD "[function]\nfunctions = a b\n[count c]\nfunctions = a b\nbalance = a:c\n",
		     NULL, "t.recipe:8: balance 'a:c': expected GET:PUT");
	expect_error(HEAD "[tracepoint kmem:kmalloc]\n[growth]\nfrom = slabinfo\n", NULL,
		     "t.recipe:6: growth source 'slabinfo': expected a file the [snapshot] section takes "
		     "(this recipe has no [snapshot] section)");
	expect_error(HEAD "[tracepoint kmem:kmalloc]\n[pair p]\nalloc = kmem:kmalloc\nfree = kmem:kmalloc\n",
		     NULL, "t.recipe:5: section '[pair p]': expected 'key = FIELD'");
	/* references that resolve: bare kprobe name, function glob, slub records */
	{
		struct tb_recipe r;

		expect_ok(HEAD "[kprobe g]\nprobe = f\n[function]\nfunctions = free_*\n[slub-trace]\n"
			  "caches = dentry\n[balance b]\nget = g slub:alloc\nput = function:free_x "
			  "free_y slub:free\nkey = ptr\n", NULL, &r);
		assert_int_equal(r.balances[0].put.n, 3);
		tb_recipe_free(&r);
	}
}

static void test_long_lines_and_continuations(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct tb_recipe r;
	int i;

	strbuf_addstr(&sb, HEAD "[tracepoint kmem:kmalloc]\nfilter = a == 1");
	for (i = 0; i < 60; i++)
		strbuf_addstr(&sb, " || a == 1");
	strbuf_addstr(&sb, "\n");
	expect_error(sb.buf, NULL, "t.recipe:5: line too long 'filter = a == 1 || a == 1 || a == 1 || a...': "
		     "expected at most 196 characters");
	strbuf_reset(&sb);

	/* the same filter on continuation lines is fine, and line numbers stay right */
	strbuf_addstr(&sb, HEAD "description =\n  first line\n  second line\n"
		      "[tracepoint kmem:kmalloc]\nfilter = a == 1\n");
	for (i = 0; i < 60; i++)
		strbuf_addstr(&sb, "   || a == 1\n");
	strbuf_addstr(&sb, "stack = perhaps\n");
	{
		struct strlist errs = STRLIST_INIT;

		assert_int_equal(load(sb.buf, NULL, 0, &errs, &r), -TB_EXIT_BADINPUT);
		assert_int_equal(errs.n, 1);
		assert_true(has_error(&errs, "t.recipe:69: stack 'perhaps'"));
		strlist_clear(&errs);
	}
	strbuf_reset(&sb);
	strbuf_addstr(&sb, HEAD "description =\n  first line\n\n  second; kept\n  third ;x\n"
		      "# a comment\n[tracepoint kmem:kmalloc]   ; a comment\r\nfilter = a == 1 ; comment\n");
	expect_ok(sb.buf, NULL, &r);
	assert_string_equal(r.description, "first line\nsecond; kept\nthird");
	assert_string_equal(r.tps[0].filter, "a == 1");
	tb_recipe_free(&r);
	strbuf_release(&sb);
}

static void test_all_errors_reported(void **state)
{
	static const char text[] =
		"[recipe]\n"				/* 1 */
		"name = t\n"				/* 2 */
		"summary = s\n"				/* 3 */
		"duration = soon\n"			/* 4 */
		"colour = red\n"			/* 5 */
		"[tracepoint kmem:kmalloc]\n"		/* 6 */
		"filter = bytes_alloc = 8\n"		/* 7 */
		"cache = ../x\n"			/* 8 */
		"[kprobe k]\n"				/* 9 */
		"probe = f\n"				/* 10 */
		"args = p=$retval\n"			/* 11 */
		"[pair p]\n"				/* 12 */
		"alloc = kmem:kmalloc\n"		/* 13 */
		"free = kmem:kfree\n"			/* 14 */
		"key = ptr\n";				/* 15 */
	struct strlist errs = STRLIST_INIT;
	struct tb_recipe r;

	assert_int_equal(load(text, "bogus=1", 0, &errs, &r), -TB_EXIT_BADINPUT);
	assert_true(has_error(&errs, "t.recipe:4: duration 'soon'"));
	assert_true(has_error(&errs, "t.recipe:5: unknown key 'colour'"));
	assert_true(has_error(&errs, "t.recipe:7: filter 'bytes_alloc = 8'"));
	assert_true(has_error(&errs, "t.recipe:8: unsafe cache name '../x'"));
	assert_true(has_error(&errs, "t.recipe:11: kprobe argument 'p=$retval'"));
	assert_true(has_error(&errs, "t.recipe:14: event 'kmem:kfree'"));
	assert_true(has_error(&errs, "command line: unknown parameter 'bogus=1'"));
	if (errs.n != 7)
		dump(&errs);
	assert_int_equal(errs.n, 7);
	/* in file order, the command line's last */
	assert_true(!strncmp(errs.v[0], "t.recipe:4:", 11));
	assert_true(!strncmp(errs.v[6], "command line:", 13));
	strlist_clear(&errs);
}

/*
 * Damaged recipes (bytes replaced, lines cut or duplicated) never crash or leak, and a
 * rejected one always says why in the FILE:LINE ... expected ... form.
 */
static void test_mutated_recipes(void **state)
{
	static const char junk[] = "[]=:;#${}$ \t\n" "\x01" "ab_-+()|&!~\"'/.";
	unsigned seed = 12345, i, k, rejected = 0, total = 0;

	for (i = 0; i < tb_n_embedded_recipes; i++) {
		const char *orig = tb_embedded_recipes[i].text;
		size_t len = strlen(orig);

		for (k = 0; k < 150; k++) {
			struct strlist errs = STRLIST_INIT;
			struct tb_recipe r;
			char *t = malloc(len * 2 + 1);
			size_t n = len, j, m;
			int ret;

			assert_non_null(t);
			memcpy(t, orig, len + 1);
			for (m = 0; m < 1 + k % 6; m++) {
				seed = seed * 1103515245u + 12345u;
				j = (seed >> 8) % n;
				switch ((seed >> 4) % 3) {
				case 0:		/* replace a byte */
					t[j] = junk[(seed >> 16) % (sizeof(junk) - 1)];
					break;
				case 1:		/* cut the rest of a line */
					memmove(t + j, t + j + strcspn(t + j, "\n"),
						n - j - strcspn(t + j, "\n") + 1);
					n = strlen(t);
					break;
				default:	/* duplicate a stretch */
					if (n + 40 < len * 2) {
						memmove(t + j + 40, t + j, n - j + 1);
						n += 40;
					}
					break;
				}
				if (!n)
					break;
			}
			ret = tb_recipe_load_ex("m.recipe", t, NULL, TB_RECIPE_LOAD_CHECK, &errs, &r);
			total++;
			if (ret) {
				assert_int_equal(ret, -TB_EXIT_BADINPUT);
				assert_true(errs.n > 0);
				for (j = 0; j < errs.n; j++)
					assert_non_null(strstr(errs.v[j], ": expected "));
				rejected++;
			} else {
				assert_int_equal(errs.n, 0);
				tb_recipe_free(&r);
			}
			strlist_clear(&errs);
			free(t);
		}
	}
	/* most damage is noticed */
	assert_true(rejected > total / 2);
}

/* --- finding recipes ----------------------------------------------------------------- */

static void test_find(void **state)
{
	char dir[] = "/tmp/tb-recipe-test.XXXXXX", file[128];
	char *old = getenv("TRACEBOOK_RECIPES") ? strdup(getenv("TRACEBOOK_RECIPES")) : NULL;
	struct strlist dirs = STRLIST_INIT;
	struct tb_recipe r;
	char *p;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	setenv("TRACEBOOK_RECIPES", dir, 1);
	assert_int_equal(tb_recipe_dirs(&dirs), 0);
	assert_int_equal(dirs.n, 1);
	strlist_clear(&dirs);

	/* an empty directory: the embedded copy answers */
	p = tb_recipe_find("slab-leak");
	assert_non_null(p);
	assert_string_equal(p, TB_RECIPE_BUILTIN_PREFIX "slab-leak.recipe");
	assert_int_equal(tb_recipe_load(p, NULL, &r), 0);
	assert_string_equal(r.name, "slab-leak");
	tb_recipe_free(&r);
	free(p);

	/* a copy on disk wins over the embedded one */
	snprintf(file, sizeof(file), "%s/slab-leak.recipe", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("[recipe]\nname = mine\nsummary = s\n[tracepoint kmem:kmalloc]\n", f);
	fclose(f);
	p = tb_recipe_find("slab-leak");
	assert_string_equal(p, file);
	assert_int_equal(tb_recipe_load(p, NULL, &r), 0);
	assert_string_equal(r.name, "mine");
	tb_recipe_free(&r);
	free(p);
	p = tb_recipe_find(file);		/* by path */
	assert_string_equal(p, file);
	free(p);

	assert_null(tb_recipe_find("no-such-recipe"));
	assert_null(tb_recipe_find("/nonexistent/x.recipe"));
	unlink(file);
	rmdir(dir);
	if (old)
		setenv("TRACEBOOK_RECIPES", old, 1);
	else
		unsetenv("TRACEBOOK_RECIPES");
	free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_shipped_recipe_parses),
		cmocka_unit_test(test_slab_leak_default_and_narrowed),
		cmocka_unit_test(test_other_recipes_content),
		cmocka_unit_test(test_substitution),
		cmocka_unit_test(test_command_line_params),
		cmocka_unit_test(test_unknown_sections_and_keys),
		cmocka_unit_test(test_bad_durations),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_unsafe_names),
		cmocka_unit_test(test_kprobe_args),
		cmocka_unit_test(test_event_references),
		cmocka_unit_test(test_long_lines_and_continuations),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_mutated_recipes),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
