/*
 * recipe-read.c - the raw read of a recipe: a line reader that counts and classifies
 * every line, so each key knows its line and every bad line is reported with
 * FILE:LINE.  It yields sections of "key = value" entries (struct rcp_section);
 * turning them into a struct tb_recipe is recipe-build.c's job.
 *
 * The format is INI-like: "[type arg]" headers, "key = value" or "key: value",
 * ';' and '#' comment lines, " ;" comments after a value, indented continuation
 * lines, at most RCP_MAX_LINE characters a line.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "recipe/recipe-local.h"
#include "util/alloc.h"
#include "util/strbuf.h"

/* Longest key name. */
#define RCP_MAX_KEY 48

enum line_kind { LK_NONE, LK_CONT, LK_KEY, LK_SECTION };

struct rcp_reader {
	struct rcp_ctx *c;
	const char *p, *end;
	int line;
	enum line_kind kind;	/* of the line just read */
	int have_key;		/* a key line was seen in the current section */
	int swallow;		/* the last key line was bad: drop its continuations */
};

static char *xstrndup(struct rcp_ctx *c, const char *s, size_t n)
{
	char *d = strndup(s, n);

	if (!d)
		c->oom = 1;
	return d;
}

static struct rcp_section *push_section(struct rcp_reader *rd)
{
	struct rcp_ctx *c = rd->c;
	struct rcp_section *s;

	rd->have_key = 0;
	if (ALLOC_GROW(c->sections, c->nsections + 1, c->asections) < 0) {
		c->oom = 1;
		return NULL;
	}
	s = &c->sections[c->nsections++];
	memset(s, 0, sizeof(*s));
	s->line = rd->line;
	return s;
}

static void new_section(struct rcp_reader *rd, const char *hdr, size_t n)
{
	struct rcp_ctx *c = rd->c;
	struct rcp_section *s;
	const char *t, *te, *a, *ae;
	char *whole = xstrndup(c, hdr, n);

	if (!whole)
		return;
	s = push_section(rd);
	if (!s) {
		free(whole);
		return;
	}

	t = hdr;
	while (t < hdr + n && isspace((unsigned char)*t))
		t++;
	te = t;
	while (te < hdr + n && !isspace((unsigned char)*te))
		te++;
	a = te;
	while (a < hdr + n && isspace((unsigned char)*a))
		a++;
	ae = hdr + n;
	while (ae > a && isspace((unsigned char)ae[-1]))
		ae--;
	s->type = xstrndup(c, t, (size_t)(te - t));
	if (ae > a)
		s->arg = xstrndup(c, a, (size_t)(ae - a));
	if (!s->type)
		goto out;

	s->st = rcp_section_type(s->type);
	if (!s->st) {
		const struct rcp_section_type *st;
		struct strbuf all = STRBUF_INIT;

		for (st = rcp_section_types(); st->type; st++)
			strbuf_addf(&all, "%s[%s%s%s]", st == rcp_section_types() ? "" : ", ",
				    st->type, st->arg ? " " : "", st->arg ? st->arg : "");
		if (strbuf_failed(&all))
			c->oom = 1;
		rcp_err(c, rd->line, "unknown section", whole, "one of %s", strbuf_str(&all));
		strbuf_release(&all);
		goto out;
	}
	if (s->st->arg && !s->arg)
		rcp_err(c, rd->line, "section", whole, "a name after '%s', as in [%s %s]", s->type,
			s->type, s->st->arg_example);
	else if (!s->st->arg && s->arg)
		rcp_err(c, rd->line, "section", whole, "[%s] with nothing after the name", s->type);
	else if (s->arg && strpbrk(s->arg, " \t"))
		rcp_err(c, rd->line, "section", whole, "one name after '%s' (no spaces)", s->type);
out:
	free(whole);
}

static void classify_line(struct rcp_reader *rd, const char *l, size_t n)
{
	struct rcp_ctx *c = rd->c;
	const char *s = l, *e = l + n, *k;
	char tmp[RCP_MAX_LINE + 1];
	size_t i;

	rd->kind = LK_NONE;
	for (i = 0; i < n; i++) {
		if (((unsigned char)l[i] < 0x20 && l[i] != '\t') || l[i] == 0x7f) {
			memcpy(tmp, l, n);
			tmp[n] = '\0';
			rcp_err(c, rd->line, "control character in line", tmp,
				"printable text (tabs and spaces only)");
			return;
		}
	}
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (s == e || *s == ';' || *s == '#')
		return;				/* blank or comment */
	if (s > l && rd->have_key) {
		/* indented: continues the previous value (quietly dropped after a bad key) */
		rd->kind = rd->swallow ? LK_NONE : LK_CONT;
		return;
	}
	rd->swallow = 0;
	if (*s == '[') {
		const char *close = memchr(s, ']', (size_t)(e - s)), *c2;

		/* a " ;" comment may follow the header */
		for (c2 = close ? close + 1 : e; close && c2 < e; c2++) {
			if (*c2 == ';' && isspace((unsigned char)c2[-1])) {
				e = c2;
				while (e > s && isspace((unsigned char)e[-1]))
					e--;
				break;
			}
		}

		if (!close || close + 1 != e) {
			memcpy(tmp, s, (size_t)(e - s));
			tmp[e - s] = '\0';
			rcp_err(c, rd->line, "section header", tmp, "'[type name]' on a line of its own");
			push_section(rd);	/* an untyped section swallows its keys quietly */
			return;
		}
		new_section(rd, s + 1, (size_t)(close - s - 1));
		rd->kind = LK_SECTION;
		return;
	}
	memcpy(tmp, s, (size_t)(e - s));
	tmp[e - s] = '\0';
	k = strpbrk(tmp, "=:");
	if (!k) {
		rcp_err(c, rd->line, "line", tmp,
			"'key = value', a '[section]' header, an indented continuation or a '#' comment");
		rd->swallow = rd->have_key = 1;
		return;
	}
	{
		const char *ke = k;
		const char *p;

		while (ke > tmp && isspace((unsigned char)ke[-1]))
			ke--;
		if (ke == tmp || (size_t)(ke - tmp) > RCP_MAX_KEY) {
			rcp_err(c, rd->line, "key line", tmp, "a key name (at most %d characters) before '%c'",
				RCP_MAX_KEY, *k);
			rd->swallow = rd->have_key = 1;
			return;
		}
		for (p = tmp; p < ke; p++) {
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') {
				char key[RCP_MAX_LINE + 1];

				memcpy(key, tmp, (size_t)(ke - tmp));
				key[ke - tmp] = '\0';
				rcp_err(c, rd->line, "key", key,
					"a name made of letters, digits, '_' and '-'");
				rd->swallow = rd->have_key = 1;
				return;
			}
		}
	}
	if (!c->nsections) {
		rcp_err(c, rd->line, "key outside any section", tmp, "a '[recipe]' header first");
		rd->swallow = rd->have_key = 1;
		return;
	}
	rd->kind = LK_KEY;
	rd->have_key = 1;
}

/*
 * add_entry - a "key = value" line: strip the value's " ;" comment and blanks and
 * append it to the current section (a key given twice is an error).
 */
static void add_entry(struct rcp_reader *rd, const char *l, size_t n)
{
	struct rcp_ctx *c = rd->c;
	struct rcp_section *s;
	const char *k, *ke, *v, *ve, *p, *e = l + n;
	struct rcp_entry *ent;
	char *key, *value;
	unsigned i;

	if (!c->nsections)
		return;
	s = &c->sections[c->nsections - 1];
	while (l < e && isspace((unsigned char)*l))
		l++;
	for (k = l; k < e && *k != '=' && *k != ':'; k++)
		;
	for (ke = k; ke > l && isspace((unsigned char)ke[-1]); ke--)
		;
	/* the value ends at a ';' after a blank (the delimiter itself is no blank) */
	v = k + 1;
	for (p = v; p < e; p++)
		if (*p == ';' && p > v && isspace((unsigned char)p[-1]))
			break;
	ve = p;
	while (v < ve && isspace((unsigned char)*v))
		v++;
	while (ve > v && isspace((unsigned char)ve[-1]))
		ve--;
	key = xstrndup(c, l, (size_t)(ke - l));
	if (!key)
		return;
	for (i = 0; i < s->nentries; i++) {
		if (!strcmp(s->entries[i].key, key)) {
			rcp_err(c, rd->line, "duplicate key", key, "each key once per section "
				"(first given on line %d)", s->entries[i].line);
			free(key);
			return;
		}
	}
	value = xstrndup(c, v, (size_t)(ve - v));
	if (!value || ALLOC_GROW(s->entries, s->nentries + 1, s->aentries) < 0) {
		free(key);
		free(value);
		c->oom = 1;
		return;
	}
	ent = &s->entries[s->nentries++];
	memset(ent, 0, sizeof(*ent));
	ent->key = key;
	ent->value = value;
	ent->line = rd->line;
}

/*
 * add_continuation - an indented line after a key: its text (up to a " ;" comment,
 * blanks stripped) goes on the section's last value after a '\n'.
 */
static void add_continuation(struct rcp_reader *rd, const char *l, size_t n)
{
	struct rcp_ctx *c = rd->c;
	struct rcp_section *s;
	struct rcp_entry *ent;
	const char *b = l, *e;
	size_t i, a;
	char *v;

	for (i = 1; i < n; i++)
		if (l[i] == ';' && isspace((unsigned char)l[i - 1]))
			break;
	e = l + (i < n ? i : n);
	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	if (!c->nsections || !c->sections[c->nsections - 1].nentries)
		return;
	s = &c->sections[c->nsections - 1];
	ent = &s->entries[s->nentries - 1];
	a = strlen(ent->value);
	v = realloc(ent->value, a + (size_t)(e - b) + 2);
	if (!v) {
		c->oom = 1;
		return;
	}
	v[a] = '\n';
	memcpy(v + a + 1, b, (size_t)(e - b));
	v[a + 1 + (size_t)(e - b)] = '\0';
	ent->value = v;
}

/*
 * read_line - the next line of the text: count it, strip CR and a leading BOM,
 * refuse it if too long, classify it and store what it holds.
 * Returns 0 at the end of the text.
 */
static int read_line(struct rcp_reader *rd)
{
	const char *eol, *l;
	size_t n;

	if (rd->p >= rd->end)
		return 0;
	l = rd->p;
	eol = memchr(l, '\n', (size_t)(rd->end - l));
	n = eol ? (size_t)(eol - l) : (size_t)(rd->end - l);
	rd->p = eol ? eol + 1 : rd->end;
	rd->line++;
	if (n && l[n - 1] == '\r')
		n--;
	if (rd->line == 1 && n >= 3 && !memcmp(l, "\xEF\xBB\xBF", 3)) {
		l += 3;				/* UTF-8 byte order mark */
		n -= 3;
	}
	if (n > RCP_MAX_LINE) {
		char head[48];

		snprintf(head, sizeof(head), "%.40s...", l);
		rcp_err(rd->c, rd->line, "line too long", head,
			"at most %d characters (continue a long value on the next line, indented)",
			RCP_MAX_LINE);
		return 1;
	}
	classify_line(rd, l, n);
	if (rd->kind == LK_KEY)
		add_entry(rd, l, n);
	else if (rd->kind == LK_CONT)
		add_continuation(rd, l, n);
	return 1;
}

/**
 * rcp_read - split a recipe's text into sections and "key = value" entries.
 * @c: the load; sections land in c->sections, errors (FILE:LINE) in c->errors
 * @text: the recipe text
 * @len: its length in bytes
 *
 * Every line is classified: blank, '#' or ';' comment, "[type arg]" header,
 * "key = value" (value up to a " ;" comment), or an indented continuation of the
 * previous value.  Anything else is an error naming its line.
 * Returns 0, or -1 when out of memory (c->oom).
 */
int rcp_read(struct rcp_ctx *c, const char *text, size_t len)
{
	struct rcp_reader rd;

	memset(&rd, 0, sizeof(rd));
	rd.c = c;
	rd.p = text;
	rd.end = text + len;
	while (read_line(&rd))
		;
	return c->oom ? -1 : 0;
}

void rcp_sections_free(struct rcp_ctx *c)
{
	unsigned i, j;

	for (i = 0; i < c->nsections; i++) {
		struct rcp_section *s = &c->sections[i];

		for (j = 0; j < s->nentries; j++) {
			free(s->entries[j].key);
			free(s->entries[j].value);
		}
		free(s->entries);
		free(s->type);
		free(s->arg);
	}
	free(c->sections);
	c->sections = NULL;
	c->nsections = 0;
}

