/*
 * test_ksyms.c - kernel/ksyms: the one /proc/kallsyms parser behind the planner's
 * name checks (tb_sym_walk/count/near) and the analysis' address table
 * (tb_ksyms_*), on lines in the shapes 3.10 and 6.x print (module suffixes with a
 * tab, __pfx_ padding symbols, absolute per-CPU symbols, kptr_restrict zeros).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel/ksyms.h"

/* CentOS 7 (3.10.0-1160): absolute per-CPU symbols at 0, text, data, a module. */
static const char ks_310[] =
	"0000000000000000 A irq_stack_union\n"
	"0000000000000000 A __per_cpu_start\n"
	"ffffffff810002b8 T _stext\n"
	"ffffffff810002b8 T startup_64\n"
	"ffffffff81001000 T do_one_initcall\n"
	"ffffffff811e4e60 T __kmalloc\n"
	"ffffffff811e5100 T kfree\n"
	"ffffffff81a00000 D init_task\n"
	"ffffffffc0345000 t veth_dellink\t[veth]\n"
	"ffffffffc0345080 t veth_newlink\t[veth]\n";

/* 6.x: __pfx_ padding before every function, module names, then a kptr_restrict view. */
static const char ks_6x[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff810011f0 T __pfx_do_sys_openat2\n"
	"ffffffff81001200 T do_sys_openat2\n"
	"ffffffff81001400 t do_sys_open\n"
	"ffffffff81002000 T kfree_rcu_monitor\n"
	"ffffffffc0a01000 t mydrv_remove\t[mydrv]\n";

static const char ks_restricted[] =
	"0000000000000000 T _stext\n"
	"0000000000000000 T do_sys_openat2\n";

static void test_parse_line(void **state)
{
	struct tb_ksym_line l;
	const char *mod = "ffffffffc0345000 t veth_dellink\t[veth]";
	const char *plain = "ffffffff811e4e60 T __kmalloc";

	(void)state;
	assert_int_equal(tb_kallsyms_parse_line(plain, strlen(plain), &l), 0);
	assert_true(l.addr == 0xffffffff811e4e60ULL);
	assert_int_equal(l.type, 'T');
	assert_int_equal(l.name_len, strlen("__kmalloc"));
	assert_memory_equal(l.name, "__kmalloc", l.name_len);
	assert_null(l.mod);
	assert_int_equal(tb_kallsyms_parse_line(mod, strlen(mod), &l), 0);
	assert_int_equal(l.type, 't');
	assert_memory_equal(l.name, "veth_dellink", l.name_len);
	assert_int_equal(l.name_len, 12);
	assert_non_null(l.mod);
	assert_int_equal(l.mod_len, 4);
	assert_memory_equal(l.mod, "veth", 4);
	/* not kallsyms: a filter-function list line, a blacklist line, junk */
	assert_int_equal(tb_kallsyms_parse_line("kfree", 5, &l), -EINVAL);
	assert_int_equal(tb_kallsyms_parse_line("0xffff-0xffff\tdo_int3", 20, &l), -EINVAL);
	assert_int_equal(tb_kallsyms_parse_line("ffffffff81000000 T", 18, &l), -EINVAL);
	assert_int_equal(tb_kallsyms_parse_line("", 0, &l), -EINVAL);
}

static void test_names(void **state)
{
	char *near;

	(void)state;
	/* text symbols only: init_task is data */
	assert_int_equal(tb_sym_count(ks_310, TB_SYM_KALLSYMS, "__kmalloc"), 1);
	assert_int_equal(tb_sym_count(ks_310, TB_SYM_KALLSYMS, "veth_dellink"), 1);
	assert_int_equal(tb_sym_count(ks_310, TB_SYM_KALLSYMS, "init_task"), 0);
	assert_int_equal(tb_sym_count(ks_310, TB_SYM_KALLSYMS, "veth_*"), 2);
	assert_int_equal(tb_sym_count(ks_6x, TB_SYM_KALLSYMS, "do_sys_open"), 1);
	assert_int_equal(tb_sym_count(ks_6x, TB_SYM_KALLSYMS, "do_sys_open_data"), 0);
	near = tb_sym_near("do_sys_openat", ks_6x, TB_SYM_KALLSYMS);
	assert_non_null(strstr(near, "do_sys_openat2"));
	free(near);
	/* the same names in a filter-function list and a blacklist */
	assert_int_equal(tb_sym_count("do_sys_openat2\nmydrv_remove [mydrv]\n", TB_SYM_LIST,
				      "mydrv_remove"), 1);
	assert_int_equal(tb_sym_count("0xffffffff81001200-0xffffffff81001300\tdo_sys_openat2\n",
				      TB_SYM_BLACKLIST, "do_sys_openat2"), 1);
}

static void test_table_310(void **state)
{
	struct tb_ksyms t;
	const struct tb_ksym *k;

	(void)state;
	assert_int_equal(tb_ksyms_parse(&t, ks_310), 0);
	assert_int_equal(t.zero, 2);			/* the absolute per-CPU symbols */
	assert_int_equal(t.n, 6);			/* startup_64 is an alias of _stext;
							 * init_task (D) is data, not in the table */
	assert_int_equal(t.data, 1);
	k = tb_ksyms_lookup(&t, 0xffffffff810002c0ULL);
	assert_non_null(k);
	assert_string_equal(k->name, "_stext");		/* the first name in file order */
	assert_true(k->size == 0xffffffff81001000ULL - 0xffffffff810002b8ULL);
	k = tb_ksyms_lookup(&t, 0xffffffff811e4e61ULL);
	assert_string_equal(k->name, "__kmalloc");
	assert_null(k->mod);
	k = tb_ksyms_lookup(&t, 0xffffffffc0345081ULL);
	assert_string_equal(k->name, "veth_newlink");
	assert_string_equal(k->mod, "veth");
	/* an address in init_task (data) is not kfree+0x81ae...: past kfree's end */
	{
		enum tb_ksym_miss why;

		assert_null(tb_ksyms_lookup_why(&t, 0xffffffff81a00010ULL, &why));
		assert_int_equal(why, TB_KSYM_PAST_END);
		k = tb_ksyms_lookup(&t, 0xffffffff811e5101ULL);
		assert_string_equal(k->name, "kfree");
		assert_true(k->size == 0xffffffff81a00000ULL - 0xffffffff811e5100ULL);
	}
	assert_null(tb_ksyms_lookup(&t, 0x1000));	/* below the first symbol */
	assert_null(tb_ksyms_lookup(&t, 0xffffffffc0345080ULL + 0x200000));	/* past the last */
	tb_ksyms_release(&t);
}

/* A kallsyms of another kernel: addresses outside _stext.._etext are not named. */
static void test_table_text_range(void **state)
{
	static const char ks[] =
		"ffffffff81000000 T _stext\n"
		"ffffffff81000100 T do_one_initcall\n"
		"ffffffff81000200 W arch_weak_hook\n"
		"ffffffff81000300 r __ksymtab_x\n"
		"ffffffff81200000 T _etext\n"
		"ffffffff81200040 T srso_alias_return_thunk\n"
		"ffffffff81600000 D init_task\n"
		"ffffffffc0001000 t mod_fn\t[mod]\n";
	struct tb_ksyms t;
	enum tb_ksym_miss why;
	const struct tb_ksym *k;

	(void)state;
	assert_int_equal(tb_ksyms_parse(&t, ks), 0);
	assert_true(t.stext == 0xffffffff81000000ULL && t.etext == 0xffffffff81200000ULL);
	k = tb_ksyms_lookup_why(&t, 0xffffffff81000210ULL, &why);
	assert_string_equal(k->name, "arch_weak_hook");	/* W: a weak function is text */
	assert_true(k->size == 0x100);			/* ends at the rodata symbol */
	assert_null(tb_ksyms_lookup_why(&t, 0xffffffff81000310ULL, &why));
	assert_int_equal(why, TB_KSYM_PAST_END);	/* in __ksymtab_x: rodata */
	assert_null(tb_ksyms_lookup_why(&t, 0xffffffff8129809dULL, &why));
	assert_int_equal(why, TB_KSYM_OUTSIDE_TEXT);	/* not srso_alias_return_thunk+0x9805d */
	k = tb_ksyms_lookup_why(&t, 0xffffffffc0001010ULL, &why);
	assert_string_equal(k->name, "mod_fn");		/* module text is past _etext: fine */
	tb_ksyms_release(&t);
}

static void test_table_6x(void **state)
{
	struct tb_ksyms t;
	const struct tb_ksym *k;
	char path[] = "/tmp/tb-ksyms-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(ks_6x, f);
	fclose(f);
	assert_int_equal(tb_ksyms_load(&t, path), 0);
	assert_int_equal(t.n, 6);
	k = tb_ksyms_lookup(&t, 0xffffffff81001210ULL);
	assert_string_equal(k->name, "do_sys_openat2");
	assert_true(k->size == 0x200);
	/* planner and analysis agree: what the table names, the name walk finds */
	assert_int_equal(tb_sym_count(ks_6x, TB_SYM_KALLSYMS, k->name), 1);
	k = tb_ksyms_lookup(&t, 0xffffffffc0a01001ULL);
	assert_string_equal(k->name, "mydrv_remove");
	assert_string_equal(k->mod, "mydrv");
	tb_ksyms_release(&t);
	unlink(path);
	assert_int_equal(tb_ksyms_load(&t, path), -ENOENT);
	tb_ksyms_release(&t);
	/* kptr_restrict: every address 0, nothing to symbolize, and it says so */
	assert_int_equal(tb_ksyms_parse(&t, ks_restricted), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.zero, 2);
	assert_null(tb_ksyms_lookup(&t, 0xffffffff81001200ULL));
	tb_ksyms_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_table_310),
		cmocka_unit_test(test_table_text_range),
		cmocka_unit_test(test_table_6x),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
