/*
 * ksyms.c - kernel symbol lists (see ksyms.h): the one parser of /proc/kallsyms lines,
 * the name walks the planner checks functions with (available_filter_functions,
 * kallsyms, the kprobe blacklist; names near a missing one: do_sys_open ->
 * do_sys_openat2), and the sorted address table the analysis symbolizes with.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/ksyms.h"
#include "util/alloc.h"
#include "util/fileio.h"
#include "util/strbuf.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tb_kallsyms_parse_line(const char *line, size_t len, struct tb_ksym_line *out)
{
	const char *p = line, *end = line + len, *e;
	uint64_t addr = 0;
	int h;

	memset(out, 0, sizeof(*out));
	while (p < end && (h = hexval(*p)) >= 0) {
		addr = addr << 4 | (uint64_t)h;
		p++;
	}
	/* ADDR SP TYPE SP NAME */
	if (p == line || end - p < 4 || p[0] != ' ' || p[1] == ' ' || p[2] != ' ')
		return -EINVAL;
	out->addr = addr;
	out->type = p[1];
	p += 3;
	for (e = p; e < end && *e != ' ' && *e != '\t'; e++)
		;
	if (e == p)
		return -EINVAL;
	out->name = p;
	out->name_len = (size_t)(e - p);
	while (e < end && (*e == ' ' || *e == '\t'))
		e++;
	if (e < end && *e == '[') {
		const char *close = memchr(e, ']', (size_t)(end - e));

		out->mod = e + 1;
		out->mod_len = (size_t)((close ? close : end) - out->mod);
	}
	return 0;
}

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
			struct tb_ksym_line kl;

			if (tb_kallsyms_parse_line(p, linelen, &kl) ||
			    (kl.type != 't' && kl.type != 'T'))
				skip = 1;
			else
				s = kl.name;
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

/* ---- the address table ---------------------------------------------------------- */

static int cmp_ksym(const void *a, const void *b)
{
	const struct tb_ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x < y ? -1 : x > y;	/* keep file order among aliases */
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Text symbols only: t/T (functions) and w/W (weak symbols nm does not tag as
 * objects: weak functions; weak data is v/V).  Data (d/D, b/B, r/R, ...) never names
 * a code address; its addresses still end the function before it, as the kernel's own
 * %pS sizes do (the distance to the next symbol of any kind).
 */
static int is_text_type(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/* Split t->text in place into the table. */
static int build_table(struct tb_ksyms *t)
{
	size_t alloc = 0, oalloc = 0, nother = 0, i, j, out;
	uint64_t *other = NULL;
	char *p, *line;

	for (line = t->text; line && *line; line = p) {
		struct tb_ksym_line kl;

		p = strchr(line, '\n');
		if (p)
			*p++ = '\0';
		if (tb_kallsyms_parse_line(line, strlen(line), &kl)) {
			if (*line && !t->malformed++)
				t->first_malformed = (size_t)(line - t->text);
			continue;
		}
		t->lines++;
		if (!kl.addr) {
			t->zero++;
			continue;
		}
		if (kl.type == 'a' || kl.type == 'A' || kl.type == 'U' || kl.type == 'u')
			continue;
		((char *)kl.name)[kl.name_len] = '\0';
		if (!kl.mod && !strcmp(kl.name, "_stext"))
			t->stext = kl.addr;
		if (!kl.mod && !strcmp(kl.name, "_etext"))
			t->etext = kl.addr;
		if (!is_text_type(kl.type)) {
			t->data++;
			if (ALLOC_GROW(other, nother + 1, oalloc)) {
				free(other);
				return -ENOMEM;
			}
			other[nother++] = kl.addr;
			continue;
		}
		if (ALLOC_GROW(t->v, t->n + 1, alloc)) {
			free(other);
			return -ENOMEM;
		}
		if (kl.mod)
			((char *)kl.mod)[kl.mod_len] = '\0';
		t->v[t->n].addr = kl.addr;
		t->v[t->n].size = 0;
		t->v[t->n].name = kl.name;
		t->v[t->n].mod = kl.mod;
		t->n++;
	}
	if (!t->n) {
		free(other);
		return 0;
	}
	qsort(t->v, t->n, sizeof(*t->v), cmp_ksym);
	if (nother)
		qsort(other, nother, sizeof(*other), cmp_u64);
	/* Drop later aliases at the same address; size = distance to the next symbol. */
	for (i = 1, out = 1; i < t->n; i++)
		if (t->v[i].addr != t->v[out - 1].addr)
			t->v[out++] = t->v[i];
	t->n = out;
	for (i = 0, j = 0; i < t->n; i++) {
		uint64_t end = i + 1 < t->n ? t->v[i + 1].addr : 0;

		while (j < nother && other[j] <= t->v[i].addr)
			j++;
		if (j < nother && (!end || other[j] < end))
			end = other[j];
		t->v[i].size = end ? end - t->v[i].addr : 0;
	}
	free(other);
	return 0;
}

int tb_ksyms_parse(struct tb_ksyms *t, const char *text)
{
	memset(t, 0, sizeof(*t));
	t->text = strdup(text);
	if (!t->text)
		return -ENOMEM;
	return build_table(t);
}

int tb_ksyms_load(struct tb_ksyms *t, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	memset(t, 0, sizeof(*t));
	r = tb_read_file(path, &sb);
	if (r < 0) {
		strbuf_release(&sb);
		return r;
	}
	if (strbuf_failed(&sb)) {
		strbuf_release(&sb);
		return -ENOMEM;
	}
	t->text = sb.buf ? strbuf_detach(&sb, NULL) : strdup("");
	return t->text ? build_table(t) : -ENOMEM;
}

const struct tb_ksym *tb_ksyms_lookup_why(const struct tb_ksyms *t, uint64_t addr,
					  enum tb_ksym_miss *why)
{
	size_t lo = 0, hi = t->n;
	const struct tb_ksym *k;

	*why = TB_KSYM_NONE;
	if (!hi || addr < t->v[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->v[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	k = &t->v[lo];
	/* The last symbol has no known end: accept only small offsets into it. */
	if (!k->size && addr - k->addr > 0x100000)
		return NULL;
	if (k->size && addr - k->addr >= k->size) {
		*why = TB_KSYM_PAST_END;	/* in data after the function */
		return NULL;
	}
	if (!k->mod && t->stext && t->etext && (addr < t->stext || addr >= t->etext)) {
		*why = TB_KSYM_OUTSIDE_TEXT;
		return NULL;
	}
	return k;
}

const struct tb_ksym *tb_ksyms_lookup(const struct tb_ksyms *t, uint64_t addr)
{
	enum tb_ksym_miss why;

	return tb_ksyms_lookup_why(t, addr, &why);
}

void tb_ksyms_release(struct tb_ksyms *t)
{
	free(t->v);
	free(t->text);
	memset(t, 0, sizeof(*t));
}
