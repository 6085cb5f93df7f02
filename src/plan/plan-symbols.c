/*
 * plan-symbols.c - the planner's symbol checks: is a function in
 * available_filter_functions (globs as this kernel's set_ftrace_filter reads them),
 * in /proc/kallsyms, on the kprobe blacklist; and which names are near a missing one
 * (do_sys_open -> do_sys_openat2) for the error message.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "plan/plan-local.h"
#include "util/strbuf.h"

/*
 * Walk the symbol names of a list: kallsyms ("addr type name [mod]", text symbols
 * only), available_filter_functions ("name [mod]"), or the kprobe blacklist
 * ("0xa-0xb\tname").  fn returns nonzero to stop.
 */
void tb_sym_walk(const char *text, enum tb_symfmt fmt,
		 int (*fn)(void *ctx, const char *name, size_t len), void *ctx)
{
	const char *p = text;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		const char *s = p, *e;
		size_t linelen = eol ? (size_t)(eol - p) : strlen(p);
		int skip = 0;

		if (fmt == TB_SYM_KALLSYMS) {
			/* addr SP type SP name */
			const char *sp = memchr(s, ' ', linelen);

			if (!sp || (size_t)(sp - p) + 3 >= linelen || sp[2] != ' ')
				skip = 1;
			else {
				if (sp[1] != 't' && sp[1] != 'T')
					skip = 1;
				s = sp + 3;
			}
		} else if (fmt == TB_SYM_BLACKLIST) {
			const char *tab = memchr(s, '\t', linelen);

			if (!tab)
				skip = 1;
			else
				s = tab + 1;
		}
		if (!skip) {
			e = s;
			while (e < p + linelen && *e != ' ' && *e != '\t')
				e++;
			if (e > s && fn(ctx, s, (size_t)(e - s)))
				return;
		}
		p = eol ? eol + 1 : NULL;
	}
}

struct find_ctx {
	const char *name;
	size_t len;
	int glob;
	unsigned found;
};

static int find_cb(void *vctx, const char *name, size_t len)
{
	struct find_ctx *c = vctx;
	char buf[512];

	if (!c->glob)
		return (len == c->len && !memcmp(name, c->name, len)) ? (c->found = 1) : 0;
	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, name, len);
	buf[len] = 0;
	if (!fnmatch(c->name, buf, 0))
		c->found++;
	return 0;
}

unsigned tb_sym_count(const char *text, enum tb_symfmt fmt, const char *name)
{
	struct find_ctx c = { name, strlen(name), strpbrk(name, "*?[") != NULL, 0 };

	tb_sym_walk(text, fmt, find_cb, &c);
	return c.found;
}

/* Levenshtein distance, giving up above limit. */
static unsigned edit_distance(const char *a, size_t la, const char *b, size_t lb, unsigned limit)
{
	unsigned row[128], prev, tmp;
	size_t i, j;

	if (la >= 127 || lb >= 127)
		return limit + 1;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		unsigned best;

		prev = row[0];
		row[0] = (unsigned)i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned v = prev + cost;

			if (row[j] + 1 < v)
				v = row[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			tmp = row[j];
			row[j] = v;
			prev = tmp;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
	}
	return row[lb];
}

#define NEAR_MAX 5

struct near_ctx {
	const char *name;
	size_t len;
	struct { char s[128]; unsigned score; } best[NEAR_MAX];
	unsigned n;
};

static int near_cb(void *vctx, const char *cand, size_t len)
{
	struct near_ctx *c = vctx;
	unsigned score, i, worst = 0;
	size_t d = len > c->len ? len - c->len : c->len - len;

	if (len >= 128 || (len == c->len && !memcmp(cand, c->name, len)))
		return 0;
	if (len > c->len && !memcmp(cand, c->name, c->len))
		score = (unsigned)d;			/* do_sys_open -> do_sys_openat2 */
	else if (len >= 4 && len < c->len && !memcmp(cand, c->name, len))
		score = 4 + (unsigned)d;		/* name is longer than an existing one */
	else if (d <= 2) {
		unsigned ed = edit_distance(c->name, c->len, cand, len, 2);

		if (ed > 2)
			return 0;
		score = 2 + ed;
	} else
		return 0;
	for (i = 0; i < c->n; i++)
		if (strlen(c->best[i].s) == len && !memcmp(c->best[i].s, cand, len))
			return 0;
	if (c->n < NEAR_MAX) {
		i = c->n++;
	} else {
		for (i = 1; i < NEAR_MAX; i++)
			if (c->best[i].score > c->best[worst].score)
				worst = i;
		if (c->best[worst].score <= score)
			return 0;
		i = worst;
	}
	memcpy(c->best[i].s, cand, len);
	c->best[i].s[len] = 0;
	c->best[i].score = score;
	return 0;
}

static int near_cmp(const void *a, const void *b)
{
	const struct { char s[128]; unsigned score; } *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return strcmp(x->s, y->s);
}

char *tb_sym_near(const char *name, const char *text, enum tb_symfmt fmt)
{
	struct near_ctx c;
	struct strbuf sb = STRBUF_INIT;
	unsigned i;

	memset(&c, 0, sizeof(c));
	c.name = name;
	c.len = strlen(name);
	if (text)
		tb_sym_walk(text, fmt, near_cb, &c);
	qsort(c.best, c.n, sizeof(c.best[0]), near_cmp);
	strbuf_addstr(&sb, "");
	for (i = 0; i < c.n; i++)
		strbuf_addf(&sb, "%s%s", i ? ", " : "", c.best[i].s);
	return strbuf_detach(&sb, NULL);
}

char *tb_near_names(const char *name, const char *text, int kallsyms_format)
{
	return tb_sym_near(name, text, kallsyms_format ? TB_SYM_KALLSYMS : TB_SYM_LIST);
}
