/*
 * test_options.c - util/parse-options: the getopt_long view of a table, typed values and
 * their ranges, arguments in order and after "--", the help printed from the table.
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
#include "util/err.h"
#include "util/parse-options.h"

static const struct tb_usage usage = { "demo", "usage: tracebook demo [options] ARG...", NULL,
				       "Exit codes: 0 ok, 2 usage." };

struct demo {
	uint64_t duration_ns, size;
	const char *out;
	unsigned top;
	int dry_run, seen;
	char fmt;
};

static int fmt_cb(const struct tb_option *opt, const char *arg)
{
	struct demo *d = opt->value;

	if (strcmp(arg, "a") && strcmp(arg, "b"))
		return -1;
	d->fmt = arg[0];
	d->seen++;
	return 0;
}

#define DEMO_TABLE(d) { \
	TB_OPT_DURATION('d', "duration", &(d)->duration_ns, "D", 1, UINT64_MAX, "how long"), \
	TB_OPT_FLAG('n', "dry-run", &(d)->dry_run, "touch nothing"), \
	TB_OPT_STRING(0, "folded", &(d)->out, "FILE", "write here\nsecond line"), \
	TB_OPT_UINT(0, "top", &(d)->top, "N", 1, 1000, "rows"), \
	TB_OPT_SIZE(0, "buffer", &(d)->size, "SIZE", 4096, 1ULL << 30, "buffer size"), \
	TB_OPT_CALLBACK(0, "format", (d), "F", fmt_cb, "a or b", "the format"), \
	TB_OPT_END(), }

static int parse(struct demo *d, struct strlist *args, size_t *literal, int argc, ...)
{
	struct tb_option opts[] = DEMO_TABLE(d);
	char *argv[32];
	va_list ap;
	int i;

	va_start(ap, argc);
	for (i = 0; i < argc && i < 31; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[i] = NULL;
	return tb_parse_options(argc, argv, &usage, opts, args, literal);
}

static void test_parse_uint(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(tb_parse_uint("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(tb_parse_uint("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(tb_parse_uint("11", 0, 10, &v), -ERANGE);
	assert_int_equal(tb_parse_uint("-1", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(tb_parse_uint("+1", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(tb_parse_uint(" 1", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(tb_parse_uint("1x", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(tb_parse_uint("", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(tb_parse_uint("0x10", 0, UINT64_MAX, &v), -EINVAL);
	assert_int_equal(tb_parse_uint("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(tb_parse_uint("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(tb_parse_uint("99999999999999999999999x", 0, UINT64_MAX, &v), -EINVAL);
	assert_true(v == UINT64_MAX);	/* untouched by the failures */
}

static void test_getopt_view(void **state)
{
	struct demo d;
	struct tb_option opts[] = DEMO_TABLE(&d);
	struct strbuf sb = STRBUF_INIT;
	struct option *lo;

	(void)state;
	lo = tb_options_getopt(opts, &sb);
	assert_non_null(lo);
	/* arguments in order, ':' on a missing value; -d takes one, -n not; -h added */
	assert_string_equal(strbuf_str(&sb), "-:d:nh");
	assert_string_equal(lo[0].name, "duration");
	assert_int_equal(lo[0].has_arg, required_argument);
	assert_int_equal(lo[0].val, 'd');
	assert_string_equal(lo[1].name, "dry-run");
	assert_int_equal(lo[1].has_arg, no_argument);
	assert_int_equal(lo[1].val, 'n');
	assert_string_equal(lo[2].name, "folded");
	assert_int_equal(lo[2].has_arg, required_argument);
	assert_int_equal(lo[2].val, 256 + 2);
	assert_string_equal(lo[6].name, "help");
	assert_int_equal(lo[6].val, 'h');
	assert_null(lo[7].name);
	free(lo);
	strbuf_release(&sb);
}

static void test_parse_values_and_args(void **state)
{
	struct strlist args = STRLIST_INIT;
	struct demo d;
	size_t literal = 99;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse(&d, &args, &literal, 15, "demo", "first", "-nd", "5m", "x=1",
			       "--folded=out.txt", "--to", "7", "--buffer", "64k", "--format", "b",
			       "--", "--top", "-"), 0);
	assert_true(d.duration_ns == 300ULL * 1000000000ULL);
	assert_int_equal(d.dry_run, 1);
	assert_string_equal(d.out, "out.txt");
	assert_int_equal(d.top, 7);		/* --to: an unambiguous abbreviation */
	assert_true(d.size == 65536);
	assert_int_equal(d.fmt, 'b');
	/* non-options in order; after "--" everything is an argument */
	assert_int_equal(args.n, 4);
	assert_string_equal(args.v[0], "first");
	assert_string_equal(args.v[1], "x=1");
	assert_string_equal(args.v[2], "--top");
	assert_string_equal(args.v[3], "-");
	assert_int_equal(literal, 2);
	strlist_clear(&args);

	/* a second parse in the same process starts over */
	memset(&d, 0, sizeof(d));
	assert_int_equal(parse(&d, &args, &literal, 3, "demo", "--top", "1000"), 0);
	assert_int_equal(d.top, 1000);
	assert_int_equal(args.n, 0);
	assert_int_equal(literal, 0);
	strlist_clear(&args);
}

static void test_parse_refusals(void **state)
{
	struct strlist args = STRLIST_INIT;
	struct demo d;

	(void)state;
	memset(&d, 0, sizeof(d));
	d.top = 5;
	/* -1 was once taken as 4294967295 */
	assert_int_equal(parse(&d, &args, NULL, 3, "demo", "--top", "-1"), -TB_EXIT_USAGE);
	assert_int_equal(parse(&d, &args, NULL, 3, "demo", "--top", "0"), -TB_EXIT_USAGE);
	assert_int_equal(parse(&d, &args, NULL, 3, "demo", "--top", "1001"), -TB_EXIT_USAGE);
	assert_int_equal(parse(&d, &args, NULL, 3, "demo", "--top", "4294967295"), -TB_EXIT_USAGE);
	assert_int_equal(d.top, 5);
	assert_int_equal(parse(&d, &args, NULL, 3, "demo", "-d", "soon"), -TB_EXIT_USAGE);
	assert_int_equal(parse(&d, &args, NULL, 3, "demo", "-d", "0"), -TB_EXIT_USAGE);
	assert_int_equal(parse(&d, &args, NULL, 3, "demo", "--buffer", "1k"), -TB_EXIT_USAGE);
	assert_int_equal(parse(&d, &args, NULL, 3, "demo", "--format", "c"), -TB_EXIT_USAGE);
	assert_int_equal(d.seen, 0);
	assert_int_equal(parse(&d, &args, NULL, 2, "demo", "--nope"), -TB_EXIT_USAGE);
	assert_int_equal(parse(&d, &args, NULL, 2, "demo", "-x"), -TB_EXIT_USAGE);
	assert_int_equal(parse(&d, &args, NULL, 2, "demo", "--top"), -TB_EXIT_USAGE);
	assert_int_equal(parse(&d, &args, NULL, 2, "demo", "--dry-run=1"), -TB_EXIT_USAGE);
	assert_int_equal(parse(&d, &args, NULL, 2, "demo", "--d"), -TB_EXIT_USAGE);	/* ambiguous */
	assert_int_equal(d.dry_run, 0);
	assert_int_equal(args.n, 0);
	strlist_clear(&args);
}

static void test_help_from_table(void **state)
{
	struct demo d;
	struct tb_option opts[] = DEMO_TABLE(&d);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	tb_usage_print(&usage, opts, f);
	fclose(f);
	assert_non_null(strstr(buf, "usage: tracebook demo [options] ARG...\n"));
	assert_non_null(strstr(buf, "  -d, --duration D  "));
	assert_non_null(strstr(buf, "  -n, --dry-run  "));
	assert_non_null(strstr(buf, "      --folded FILE  "));
	/* a second help line is indented to the help column */
	assert_non_null(strstr(buf, "write here\n                     second line\n"));
	assert_non_null(strstr(buf, "      --buffer SIZE  "));
	assert_non_null(strstr(buf, "  -h, --help  "));
	assert_non_null(strstr(buf, "\nExit codes: 0 ok, 2 usage.\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_getopt_view),
		cmocka_unit_test(test_parse_values_and_args),
		cmocka_unit_test(test_parse_refusals),
		cmocka_unit_test(test_help_from_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
