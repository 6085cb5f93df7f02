/*
 * trend.c - the verdict on one group's outstanding objects over the intervals of a run.
 *
 * The rule (m = intervals = points - 1, v[i] = outstanding objects at point i, v[0] at
 * the start; the same words are in docs/reports.md):
 *
 *  - too-short: fewer than TB_TREND_MIN_INTERVALS intervals; or the group never held
 *    TB_TREND_MIN_OBJECTS objects at once (peak); or its first object came in the last
 *    k intervals.  No other verdict is given from such data.
 *  - k = max(2, ceil(m / 4)) "tail" intervals; tol = max(1, peak / 10) objects.
 *  - grows (steadily): it rose over the tail (v[m] - v[m-k] > tol), in each half of the
 *    run (v[h] > v[0] and v[m] > v[h], h = m / 2), fell by more than tol in at most
 *    m / 4 intervals, and its oldest outstanding object is older than half the group's
 *    life (the time since the last point it held nothing): the first objects were
 *    never freed.  A rise whose oldest objects are young (a working set that grows
 *    while it is recycled) is churn.  When the age is unknown the age test is skipped
 *    and the reason says so.
 *  - plateau: the tail is flat (max - min over v[m-k..m] <= tol) at a level of at least
 *    half the peak: it rose, then holds (a cache warming up).
 *  - churn: anything else (rises and falls).
 *
 * Rate per hour: the least-squares slope of objects and bytes over the second half of
 * the points (the trend now, not the warm-up).
 */
#include <stdio.h>
#include <string.h>
#include "analyze/trend.h"

static const char *const names[] = { "grows", "plateau", "churn", "too-short" };
static const char *const words[] = { "grows steadily", "plateau", "churn",
				     "too short to tell" };

const char *tb_verdict_name(enum tb_verdict v)
{
	return (unsigned)v < 4 ? names[v] : "too-short";
}

const char *tb_verdict_words(enum tb_verdict v)
{
	return (unsigned)v < 4 ? words[v] : words[TB_V_SHORT];
}

int tb_verdict_parse(const char *s)
{
	int i;

	for (i = 0; s && i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* Least-squares slope of y over t[from..n-1], per hour; 0 with fewer than 2 points. */
static double slope_h(const uint64_t *t, const uint64_t *y, size_t from, size_t n)
{
	double st = 0, sy = 0, stt = 0, sty = 0, k = (double)(n - from), d;
	size_t i;

	if (n < from + 2)
		return 0;
	for (i = from; i < n; i++) {
		double x = (double)t[i] / 3.6e12, v = (double)y[i];

		st += x;
		sy += v;
		stt += x * x;
		sty += x * v;
	}
	d = k * stt - st * st;
	return d > 0 ? (k * sty - st * sy) / d : 0;
}

void tb_trend_classify(const uint64_t *t, const uint64_t *count, const uint64_t *bytes,
		       size_t n, int64_t oldest_ns, struct tb_trend_verdict *out)
{
	size_t m = n ? n - 1 : 0, k, h, i, first = 0, falls = 0;
	uint64_t peak = 0, tmin = UINT64_MAX, tmax = 0, tol;
	uint64_t life;

	memset(out, 0, sizeof(*out));
	out->v = TB_V_SHORT;
	if (n >= 2) {
		out->objects_h = slope_h(t, count, m / 2, n);
		out->bytes_h = bytes ? slope_h(t, bytes, m / 2, n) : 0;
	}
	if (m < TB_TREND_MIN_INTERVALS) {
		snprintf(out->why, sizeof(out->why), "%zu interval%s: a verdict needs %d",
			 m, m == 1 ? "" : "s", TB_TREND_MIN_INTERVALS);
		return;
	}
	for (i = 0; i < n; i++)
		if (count[i] > peak)
			peak = count[i];
	for (i = 0; i < n && !count[i]; i++)
		;
	first = i;
	if (peak < TB_TREND_MIN_OBJECTS) {
		snprintf(out->why, sizeof(out->why), "at most %llu object%s at once: too few to tell",
			 (unsigned long long)peak, peak == 1 ? "" : "s");
		return;
	}
	k = (m + 3) / 4;
	if (k < 2)
		k = 2;
	h = m / 2;
	if (first > m - k) {
		snprintf(out->why, sizeof(out->why), "first object in the last %zu intervals", k);
		return;
	}
	tol = peak / 10 > 1 ? peak / 10 : 1;
	for (i = m - k; i <= m; i++) {
		if (count[i] < tmin)
			tmin = count[i];
		if (count[i] > tmax)
			tmax = count[i];
	}
	for (i = 1; i <= m; i++)
		if (count[i] + tol < count[i - 1])
			falls++;
	life = t[m] - t[first ? first - 1 : 0];
	if (count[m] > count[m - k] + tol && count[h] > count[0] && count[m] > count[h] &&
	    falls <= m / 4) {
		if (oldest_ns < 0) {
			out->v = TB_V_GROWS;
			snprintf(out->why, sizeof(out->why),
				 "rose in both halves and the last %zu intervals (ages unknown)", k);
		} else if ((uint64_t)oldest_ns * 2 >= life) {
			out->v = TB_V_GROWS;
			snprintf(out->why, sizeof(out->why),
				 "rose in both halves and the last %zu intervals; its first objects were never freed",
				 k);
		} else {
			out->v = TB_V_CHURN;
			snprintf(out->why, sizeof(out->why),
				 "rises, but its objects of the first half were freed (a growing working set)");
		}
		return;
	}
	if (tmax - tmin <= tol && tmin * 2 >= peak) {
		out->v = TB_V_PLATEAU;
		snprintf(out->why, sizeof(out->why),
			 "rose to %llu, then held within %llu over the last %zu intervals",
			 (unsigned long long)peak, (unsigned long long)tol, k);
		return;
	}
	out->v = TB_V_CHURN;
	snprintf(out->why, sizeof(out->why), "rises and falls (fell in %zu of %zu intervals)",
		 falls, m);
}
