/*
 * test_trend.c - analyze/trend.c: the verdict of a series (grows, plateau, churn,
 * too-short) on hand-made series, each at the edge its rule names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "analyze/trend.h"

#define S 1000000000ULL

static enum tb_verdict classify(const uint64_t *count, size_t n, int64_t oldest_ns,
				struct tb_trend_verdict *v)
{
	uint64_t t[64], b[64];
	size_t i;

	for (i = 0; i < n; i++) {
		t[i] = i * 10 * S;
		b[i] = count[i] * 256;
	}
	tb_trend_classify(t, count, b, n, oldest_ns, v);
	return v->v;
}

static void test_grows(void **state)
{
	uint64_t c[] = { 0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200 };
	struct tb_trend_verdict v;

	(void)state;
	assert_int_equal(classify(c, 11, 100 * S, &v), TB_V_GROWS);
	/* 200 objects in 100 s: 7200 per hour, 256 bytes each */
	assert_true(v.objects_h > 7199 && v.objects_h < 7201);
	assert_true(v.bytes_h > 7199.0 * 256 && v.bytes_h < 7201.0 * 256);
	/* the same rise whose first objects were freed (oldest 20 s of 100): churn */
	assert_int_equal(classify(c, 11, 20 * S, &v), TB_V_CHURN);
	assert_non_null(strstr(v.why, "freed"));
	/* age unknown: grows, and the reason says the ages were not checked */
	assert_int_equal(classify(c, 11, -1, &v), TB_V_GROWS);
	assert_non_null(strstr(v.why, "ages unknown"));
}

static void test_plateau(void **state)
{
	uint64_t c[] = { 0, 20, 40, 40, 41, 40, 39, 40, 40, 40, 40 };
	uint64_t late[] = { 0, 20, 40, 40, 40, 40, 40, 40, 40, 44, 48 };
	struct tb_trend_verdict v;

	(void)state;
	assert_int_equal(classify(c, 11, 90 * S, &v), TB_V_PLATEAU);
	assert_true(v.objects_h < 100 && v.objects_h > -100);
	/* held, then rising again past the tolerance (4 of 48) in the tail: not a plateau */
	assert_int_not_equal(classify(late, 11, 90 * S, &v), TB_V_PLATEAU);
}

static void test_churn(void **state)
{
	uint64_t c[] = { 0, 80, 0, 80, 0, 80, 0, 80, 0, 80, 3 };
	uint64_t fell[] = { 0, 50, 100, 100, 100, 100, 20, 20, 20, 20, 20 };
	struct tb_trend_verdict v;

	(void)state;
	assert_int_equal(classify(c, 11, S, &v), TB_V_CHURN);
	/* rose, then fell to a flat level under half the peak: churn, not plateau */
	assert_int_equal(classify(fell, 11, 90 * S, &v), TB_V_CHURN);
}

static void test_too_short(void **state)
{
	uint64_t c3[] = { 0, 20, 40, 60 };
	uint64_t few[] = { 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2 };
	uint64_t late[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 50, 100 };
	struct tb_trend_verdict v;

	(void)state;
	/* 3 intervals: never a verdict, however clean the rise */
	assert_int_equal(classify(c3, 4, 30 * S, &v), TB_V_SHORT);
	assert_non_null(strstr(v.why, "3 intervals"));
	/* 4 intervals are enough */
	{
		uint64_t c4[] = { 0, 20, 40, 60, 80 };

		assert_int_equal(classify(c4, 5, 40 * S, &v), TB_V_GROWS);
	}
	assert_int_equal(classify(few, 11, 80 * S, &v), TB_V_SHORT);
	assert_non_null(strstr(v.why, "too few"));
	assert_int_equal(classify(late, 11, 15 * S, &v), TB_V_SHORT);
	tb_trend_classify(NULL, NULL, NULL, 0, -1, &v);
	assert_int_equal(v.v, TB_V_SHORT);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(tb_verdict_name(TB_V_GROWS), "grows");
	assert_string_equal(tb_verdict_name(TB_V_SHORT), "too-short");
	assert_int_equal(tb_verdict_parse("plateau"), TB_V_PLATEAU);
	assert_int_equal(tb_verdict_parse("churn"), TB_V_CHURN);
	assert_int_equal(tb_verdict_parse("leak"), -1);
	assert_string_equal(tb_verdict_words(TB_V_GROWS), "grows steadily");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grows),
		cmocka_unit_test(test_plateau),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
