/*
 * trend.h - the verdict on one group's outstanding objects over time: grows steadily,
 * plateau, churn, or too short to tell (trend.c; the rule is written out there and in
 * docs/reports.md).  Pure functions of a series, shared by the analysis (result.c),
 * the JSON reader and diff.
 */
#ifndef TB_ANALYZE_TREND_H
#define TB_ANALYZE_TREND_H

#include <stddef.h>
#include <stdint.h>

enum tb_verdict {
	TB_V_GROWS,		/* "grows": rises steadily, its oldest objects never freed */
	TB_V_PLATEAU,		/* "plateau": rose, then holds (a cache warming up) */
	TB_V_CHURN,		/* "churn": rises and falls */
	TB_V_SHORT,		/* "too-short": too few intervals or objects to tell */
};

/* Intervals a verdict needs at least (fewer: too-short). */
#define TB_TREND_MIN_INTERVALS 4
/* Objects a group must have reached at least for grows/plateau (fewer: too-short). */
#define TB_TREND_MIN_OBJECTS 3

/*
 * Runs shorter than this are "short": on a busy box, caches still warming up (dentries,
 * inodes, buffer heads) rise in every interval of a few minutes too, so reports say
 * beside their "grows steadily" verdicts that the run is too short to tell them from a
 * leak.  The verdicts themselves do not change.
 */
#define TB_TREND_SHORT_RUN_NS (10ULL * 60 * 1000000000ULL)

struct tb_trend_verdict {
	enum tb_verdict v;
	double objects_h, bytes_h;	/* rate per hour: slope over the second half */
	char why[160];			/* the reason in words */
};

/*
 * tb_trend_classify - the verdict of a series.
 * @t: times of the points (ns since the start; t[0] = 0), increasing
 * @count, @bytes: outstanding objects and bytes at each point
 * @n: points (intervals = n - 1)
 * @oldest_ns: age of the group's oldest outstanding object at t[n-1], -1 unknown
 */
void tb_trend_classify(const uint64_t *t, const uint64_t *count, const uint64_t *bytes,
		       size_t n, int64_t oldest_ns, struct tb_trend_verdict *out);

/* "grows", "plateau", "churn", "too-short" (the JSON names). */
const char *tb_verdict_name(enum tb_verdict v);
/* "grows steadily", "plateau", "churn", "too short to tell" (the text). */
const char *tb_verdict_words(enum tb_verdict v);
/* The verdict of a JSON name; -1 if none. */
int tb_verdict_parse(const char *s);

#endif
