/*
 * test_util.c - util/: strbuf, strlist, intern, units, fileio, event fields.
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
#include "event/event.h"
#include "util/alloc.h"
#include "util/clock.h"
#include "util/fileio.h"
#include "util/intern.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/units.h"

static void test_strbuf(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	assert_string_equal(strbuf_str(&sb), "");
	for (i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	assert_false(strbuf_failed(&sb));
	assert_int_equal(strncmp(sb.buf, "0,1,2,", 6), 0);
	assert_int_equal(sb.len, strlen(sb.buf));
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "x \t\r\n");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "x");
	strbuf_release(&sb);
}

/* buf is never NULL: not after STRBUF_INIT, strbuf_init, reset, release or detach. */
static void test_strbuf_never_null(void **state)
{
	struct strbuf sb = STRBUF_INIT, si;
	size_t len = 1;
	char *d;

	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_reset(&sb);
	strbuf_rtrim(&sb);
	strbuf_setlen(&sb, 0);
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	d = strbuf_detach(&sb, &len);	/* an empty buffer detaches a fresh "" */
	assert_non_null(d);
	assert_string_equal(d, "");
	assert_int_equal(len, 0);
	assert_ptr_not_equal(d, sb.buf);
	free(d);
	assert_non_null(sb.buf);
	strbuf_init(&si);
	assert_non_null(si.buf);
	assert_string_equal(si.buf, "");
	strbuf_addstr(&si, "grown");
	assert_string_equal(si.buf, "grown");
	strbuf_release(&si);
	assert_non_null(si.buf);
	assert_string_equal(si.buf, "");
	strbuf_release(&si);		/* releasing an empty buffer frees nothing */
	assert_string_equal(sb.buf, "");	/* the shared "" was never written */
}

/* ALLOC_GROW keeps what was there, grows the capacity, refuses an overflowing size. */
static void test_alloc_grow(void **state)
{
	unsigned *v = NULL, n, alloc = 0;
	size_t big_alloc = 0;
	uint32_t *big = NULL;

	for (n = 0; n < 1000; n++) {
		assert_int_equal(ALLOC_GROW(v, n + 1, alloc), 0);
		assert_true(alloc >= n + 1);
		v[n] = n * 7;
	}
	for (n = 0; n < 1000; n++)
		assert_int_equal(v[n], n * 7);
	n = alloc;
	assert_int_equal(ALLOC_GROW(v, 10, alloc), 0);	/* no shrinking, no growth */
	assert_int_equal(alloc, n);
	free(v);
	assert_null(tb_realloc_array(NULL, SIZE_MAX / 2, 4));
	assert_int_equal(ALLOC_GROW(big, SIZE_MAX / 2, big_alloc), -1);	/* size overflows */
	assert_null(big);
	assert_int_equal(big_alloc, 0);
	assert_int_equal(tb_alloc_nr(0, 1), 24);
	assert_int_equal(tb_alloc_nr(0, 100), 100);
}

/* The wall clock is the epoch clock; the monotonic one does not go back. */
static void test_clock(void **state)
{
	uint64_t a = tb_now_ns(), b = tb_now_ns(), w = tb_wall_ns();
	struct timespec ts = tb_wall_after_ms(1500);

	assert_true(b >= a);
	assert_true(w / 1000000000ULL >= (uint64_t)time(NULL) - 1);
	assert_true(w / 1000000000ULL <= (uint64_t)time(NULL));
	assert_true(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L);
	assert_true((uint64_t)ts.tv_sec >= w / 1000000000ULL + 1);
	assert_true((uint64_t)ts.tv_sec <= w / 1000000000ULL + 3);
}

/*
 * An errno can never be mistaken for an exit code: -ENOENT is not -TB_EXIT_USAGE,
 * -EIO is not -TB_EXIT_NOTROOT, and every -errno ends the program with 1, while
 * every -TB_EXIT_x ends it with x's documented status.
 */
static void test_exit_codes(void **state)
{
	static const int documented[][2] = {
		{ TB_EXIT_ERROR, 1 }, { TB_EXIT_USAGE, 2 }, { TB_EXIT_BADINPUT, 3 },
		{ TB_EXIT_NOTRACING, 4 }, { TB_EXIT_NOTROOT, 5 }, { TB_EXIT_REFUSED, 6 },
		{ TB_EXIT_BUSY, 7 }, { TB_EXIT_RESTORE, 8 }, { TB_EXIT_UNREADABLE, 9 },
		{ TB_EXIT_BLIND, 10 },
	};
	unsigned i;
	int e;

	assert_int_not_equal(-ENOENT, -TB_EXIT_USAGE);
	assert_int_not_equal(-EIO, -TB_EXIT_NOTROOT);
	assert_int_equal(tb_exit_code(-ENOENT), 1);
	assert_int_equal(tb_exit_code(-EIO), 1);
	for (e = 1; e <= 4095; e++) {		/* every errno the kernel can return */
		for (i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
			assert_int_not_equal(-e, -documented[i][0]);
		assert_int_equal(tb_exit_code(-e), 1);
	}
	for (i = 0; i < sizeof(documented) / sizeof(documented[0]); i++) {
		assert_int_equal(tb_exit_code(-documented[i][0]), documented[i][1]);
		assert_int_equal(tb_exit_status(documented[i][0]), documented[i][1]);
	}
	assert_int_equal(TB_EXIT_MAX - TB_EXIT_BASE, 11);	/* a new code is added above */
	assert_int_equal(tb_exit_code(0), 0);
	assert_int_equal(tb_exit_code(1), 0);		/* help shown */
	assert_int_equal(tb_exit_code(-1), 1);		/* tb_error() */
	assert_int_equal(tb_exit_status(TB_EXIT_OK), 0);
	/* tb_error_code prints and hands back the code in its own range */
	assert_int_equal(tb_error_code(TB_EXIT_BUSY, "test: %s", "busy"), -TB_EXIT_BUSY);
	assert_int_equal(tb_exit_code(tb_error_code(TB_EXIT_NOTROOT, "test")), 5);
}

static void test_strlist(void **state)
{
	struct strlist l = STRLIST_INIT;

	assert_int_equal(strlist_split_ws(&l, "  alloc_netdev_mqs\tfree_netdev \n"), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "alloc_netdev_mqs");
	assert_string_equal(l.v[1], "free_netdev");
	assert_null(l.v[2]);
	assert_true(strlist_has(&l, "free_netdev"));
	assert_false(strlist_has(&l, "free"));
	{
		char *j = strlist_join(&l, ", "), *r = strlist_join_range(&l, 1, 1, " ");
		struct strbuf sb = STRBUF_INIT;

		assert_string_equal(j, "alloc_netdev_mqs, free_netdev");
		assert_string_equal(r, "");
		strbuf_add_strlist(&sb, &l, "|");
		assert_string_equal(sb.buf, "alloc_netdev_mqs|free_netdev");
		free(j);
		free(r);
		strbuf_release(&sb);
	}
	strlist_clear(&l);
	assert_int_equal(l.n, 0);
}

static void test_intern(void **state)
{
	char buf[32];
	const char *a = tb_intern("kmalloc"), *b;
	int i;

	strcpy(buf, "kmalloc");
	b = tb_intern(buf);
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(tb_intern("kfree"), a);
	assert_ptr_equal(tb_intern_n("kmallocXX", 7), a);
	for (i = 0; i < 5000; i++) {	/* force rehashes */
		snprintf(buf, sizeof(buf), "s%d", i);
		assert_non_null(tb_intern(buf));
	}
	assert_ptr_equal(tb_intern("kmalloc"), a);
	tb_intern_reset();
}

static void test_units(void **state)
{
	uint64_t v;
	char buf[32];

	assert_int_equal(tb_parse_duration("10", &v), 0);
	assert_true(v == 10000000000ULL);
	assert_int_equal(tb_parse_duration("500ms", &v), 0);
	assert_true(v == 500000000ULL);
	assert_int_equal(tb_parse_duration("5m", &v), 0);
	assert_true(v == 300000000000ULL);
	assert_int_equal(tb_parse_duration("1.5s", &v), 0);
	assert_true(v == 1500000000ULL);
	assert_int_equal(tb_parse_duration("2h", &v), 0);
	assert_true(v == 7200000000000ULL);
	assert_int_equal(tb_parse_duration("10 s", &v), -1);
	assert_int_equal(tb_parse_duration("-1s", &v), -1);
	assert_int_equal(tb_parse_duration("ten", &v), -1);
	assert_int_equal(tb_parse_duration("", &v), -1);
	assert_int_equal(tb_parse_duration("5x", &v), -1);
	assert_int_equal(tb_parse_size("8M", &v), 0);
	assert_true(v == 8ULL << 20);
	assert_int_equal(tb_parse_size("64KiB", &v), 0);
	assert_true(v == 64ULL << 10);
	assert_int_equal(tb_parse_size("4096", &v), 0);
	assert_true(v == 4096);
	assert_int_equal(tb_parse_size("12Q", &v), -1);
	assert_string_equal(tb_fmt_bytes(512, buf, sizeof(buf)), "512 B");
	assert_string_equal(tb_fmt_bytes(1536, buf, sizeof(buf)), "1.5 KiB");
	assert_string_equal(tb_fmt_duration(3723000000000ULL, buf, sizeof(buf)), "1h02m");
	assert_string_equal(tb_fmt_duration(10000000000ULL, buf, sizeof(buf)), "10.0s");
	/* whole seconds and minutes round (a time of 1 ns for [0.000000] stays invisible) */
	assert_string_equal(tb_fmt_duration(99999999999ULL, buf, sizeof(buf)), "1m40s");
	assert_string_equal(tb_fmt_duration(4320179000000000ULL, buf, sizeof(buf)), "1200h03m");
	assert_string_equal(tb_fmt_duration(59960000000ULL, buf, sizeof(buf)), "1m00s");
	assert_string_equal(tb_fmt_duration(200000ULL, buf, sizeof(buf)), "200us");
}

static void test_fileio(void **state)
{
	char dir[] = "/tmp/tb-test-XXXXXX", path[128], line[64];
	struct strbuf sb = STRBUF_INIT;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/report.json", dir);
	assert_int_equal(tb_write_file_atomic(path, "first\nsecond\n", 13), 0);
	assert_int_equal(tb_read_file(path, &sb), 0);
	assert_string_equal(sb.buf, "first\nsecond\n");
	assert_int_equal(tb_read_line(path, line, sizeof(line)), 0);
	assert_string_equal(line, "first");
	assert_int_equal(tb_write_ctl(path, "third\n", 1), 0);
	strbuf_reset(&sb);
	assert_int_equal(tb_read_file(path, &sb), 0);
	assert_string_equal(sb.buf, "first\nsecond\nthird\n");
	/* An atomic write into a missing directory fails and creates nothing. */
	snprintf(path, sizeof(path), "%s/nodir/r.json", dir);
	assert_true(tb_write_file_atomic(path, "x", 1) < 0);
	assert_false(tb_exists(path));
	assert_true(tb_read_file("/nonexistent/file", &sb) < 0);
	strbuf_release(&sb);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
}

static void test_event_fields(void **state)
{
	struct tb_event ev;
	uint64_t v;

	tb_event_clear(&ev);
	assert_int_equal(ev.cpu, -1);
	assert_int_equal(tb_event_add_str(&ev, tb_intern("ptr"), "ffff88003a6b1e00"), 0);
	assert_int_equal(tb_event_add_str(&ev, tb_intern("bytes_req"), "64"), 0);
	assert_int_equal(tb_event_add_str(&ev, tb_intern("nul"), "          (null)"), 0);
	assert_int_equal(tb_event_add_str(&ev, tb_intern("a"), "0x10"), 0);
	assert_int_equal(tb_event_add_num(&ev, tb_intern("raw"), 42), 0);
	assert_int_equal(tb_event_add_str(&ev, tb_intern("sym"), "kmalloc_node+0x12/0x30"), 0);
	assert_int_equal(tb_event_u64(&ev, "ptr", 16, &v), 0);
	assert_true(v == 0xffff88003a6b1e00ULL);
	assert_int_equal(tb_event_u64(&ev, "bytes_req", 10, &v), 0);
	assert_true(v == 64);
	assert_int_equal(tb_event_u64(&ev, "nul", 16, &v), 0);
	assert_true(v == 0);
	assert_int_equal(tb_event_u64(&ev, "a", 10, &v), 0);
	assert_true(v == 16);
	assert_int_equal(tb_event_u64(&ev, "raw", 10, &v), 0);
	assert_true(v == 42);
	assert_int_equal(tb_event_u64(&ev, "sym", 16, &v), -1);
	assert_int_equal(tb_event_u64(&ev, "missing", 16, &v), -1);
	assert_string_equal(tb_event_field(&ev, "sym")->str, "kmalloc_node+0x12/0x30");
	tb_intern_reset();
}

/* tb_event_field_hint: the hinted slot first, a search that moves the hint on a miss. */
static void test_event_field_hint(void **state)
{
	struct tb_event a, b;
	const char *ptr = tb_intern("ptr"), *size = tb_intern("size");
	unsigned hint = 0, far = 99;
	uint64_t v;

	(void)state;
	tb_event_clear(&a);
	tb_event_clear(&b);
	/* two event types with ptr at different places */
	assert_int_equal(tb_event_add_num(&a, tb_intern("call_site"), 1), 0);
	assert_int_equal(tb_event_add_num(&a, ptr, 0xaaa), 0);
	assert_int_equal(tb_event_add_num(&b, ptr, 0xbbb), 0);
	assert_int_equal(tb_event_add_num(&b, size, 64), 0);
	/* hint 0 misses on a (call_site is there): found by search, the hint moves to 1 */
	assert_int_equal(tb_event_u64_hint(&a, ptr, &hint, 16, &v), 0);
	assert_true(v == 0xaaa);
	assert_int_equal(hint, 1);
	/* hint 1 is a hit on a again */
	assert_ptr_equal(tb_event_field_hint(&a, ptr, &hint), &a.fields[1]);
	/* on b slot 1 holds another name: searched, never the wrong field */
	assert_int_equal(tb_event_u64_hint(&b, ptr, &hint, 16, &v), 0);
	assert_true(v == 0xbbb);
	assert_int_equal(hint, 0);
	/* a hint past the fields is only a miss */
	assert_ptr_equal(tb_event_field_hint(&b, size, &far), &b.fields[1]);
	assert_int_equal(far, 1);
	/* a name the event lacks: NULL (-1), the hint kept */
	assert_null(tb_event_field_hint(&a, size, &hint));
	assert_int_equal(tb_event_u64_hint(&a, size, &hint, 10, &v), -1);
	assert_int_equal(hint, 0);
	/* a name passed uninterned still finds the field (the string compare) */
	assert_int_equal(tb_event_u64_hint(&a, "ptr", &hint, 16, &v), 0);
	assert_true(v == 0xaaa);
	tb_intern_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_strbuf_never_null),
		cmocka_unit_test(test_alloc_grow),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_fileio),
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_event_field_hint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
