/*
 * test_plan.c - the planner's pure parts: kprobe syntax per kernel era, the value
 * that restores a control file, near-name suggestions, hot-event classes, buffer sizing.
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
#include "plan/plan.h"
#include "plan/plan-local.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kprobe_argn),
		cmocka_unit_test(test_kprobe_retval_and_types),
		cmocka_unit_test(test_restore_value),
		cmocka_unit_test(test_near_names),
		cmocka_unit_test(test_sizing),
		cmocka_unit_test(test_hot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
