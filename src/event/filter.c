/*
 * filter.c - ftrace event filters as a tree: parsed once, evaluated on decoded events
 * in user space (offline analysis applies a recipe's kernel filters), walked by the
 * planner to check each predicate against the event's format (filter.h).
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "event/filter.h"

enum node_kind { N_PRED, N_AND, N_OR, N_NOT };

struct tb_filter {
	enum node_kind kind;
	struct tb_filter *a, *b;	/* AND/OR: both; NOT: a */
	struct tb_filter_pred pred;	/* N_PRED: strings owned by this node */
};

struct parser {
	const char *s, *p;
	char *err;
	size_t errlen;
	int failed;
};

static void skip(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static struct tb_filter *fail(struct parser *ps, const char *expected)
{
	if (!ps->failed) {
		ps->failed = 1;
		if (*ps->p)
			snprintf(ps->err, ps->errlen, "expected %s at column %d ('%.40s')",
				 expected, (int)(ps->p - ps->s) + 1, ps->p);
		else
			snprintf(ps->err, ps->errlen, "expected %s (at the end)", expected);
	}
	return NULL;
}

static struct tb_filter *node(enum node_kind k, struct tb_filter *a, struct tb_filter *b)
{
	struct tb_filter *n = calloc(1, sizeof(*n));

	if (!n) {
		tb_filter_free(a);
		tb_filter_free(b);
		return NULL;
	}
	n->kind = k;
	n->a = a;
	n->b = b;
	return n;
}

/* Reads a number literal: decimal, 0x hex, octal, with an optional '-'. */
static void read_number(struct tb_filter_pred *pr)
{
	const char *v = pr->value;
	char *end;

	if (!isdigit((unsigned char)v[*v == '-']))
		return;
	pr->negative = *v == '-';
	errno = 0;
	pr->num = strtoull(v + pr->negative, &end, 0);
	if (*end)
		return;
	pr->numeric = 1;
	if (errno == ERANGE || (pr->negative && pr->num > (uint64_t)INT64_MAX + 1))
		pr->range = 1;
	if (pr->negative)
		pr->num = (uint64_t)0 - pr->num;
}

static struct tb_filter *parse_or(struct parser *ps, int depth);

static struct tb_filter *parse_pred(struct parser *ps)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<", ">", "~", "&", NULL };
	struct tb_filter *n;
	const char *fs, *vs, *ve;
	unsigned i;
	int quoted = 0;

	skip(ps);
	fs = ps->p;
	if (!isalpha((unsigned char)*ps->p) && *ps->p != '_')
		return fail(ps, "a field name (or '(' or '!')");
	while (isalnum((unsigned char)*ps->p) || *ps->p == '_' || *ps->p == '.')
		ps->p++;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = N_PRED;
	n->pred.field = strndup(fs, (size_t)(ps->p - fs));
	skip(ps);
	for (i = 0; ops[i]; i++)
		if (!strncmp(ps->p, ops[i], strlen(ops[i])) &&
		    !(ops[i][0] == '&' && ps->p[1] == '&'))
			break;
	if (!ops[i]) {
		tb_filter_free(n);
		return fail(ps, "an operator (==, !=, <, <=, >, >=, &, ~) after the field");
	}
	n->pred.op = ops[i];
	ps->p += strlen(ops[i]);
	skip(ps);
	vs = ps->p;
	if (*ps->p == '"' || *ps->p == '\'') {
		char q = *ps->p++;

		vs = ps->p;
		while (*ps->p && *ps->p != q)
			ps->p++;
		if (!*ps->p) {
			ps->p = vs - 1;
			tb_filter_free(n);
			return fail(ps, "a closing quote");
		}
		ve = ps->p++;
		quoted = 1;
	} else {
		while (*ps->p && !isspace((unsigned char)*ps->p) && *ps->p != ')' &&
		       strncmp(ps->p, "&&", 2) && strncmp(ps->p, "||", 2))
			ps->p++;
		ve = ps->p;
		if (ve == vs) {
			tb_filter_free(n);
			return fail(ps, "a value after the operator");
		}
	}
	n->pred.value = strndup(vs, (size_t)(ve - vs));
	n->pred.quoted = quoted;
	if (!n->pred.field || !n->pred.value) {
		tb_filter_free(n);
		return NULL;
	}
	if (!quoted)
		read_number(&n->pred);
	return n;
}

static struct tb_filter *parse_unary(struct parser *ps, int depth)
{
	struct tb_filter *n;

	skip(ps);
	if (depth > 32)
		return fail(ps, "less deeply nested parentheses");
	if (*ps->p == '!' && ps->p[1] != '=') {
		ps->p++;
		n = parse_unary(ps, depth + 1);
		return n ? node(N_NOT, n, NULL) : NULL;
	}
	if (*ps->p == '(') {
		ps->p++;
		n = parse_or(ps, depth + 1);
		if (!n)
			return NULL;
		skip(ps);
		if (*ps->p != ')') {
			tb_filter_free(n);
			return fail(ps, "a closing ')'");
		}
		ps->p++;
		return n;
	}
	return parse_pred(ps);
}

static struct tb_filter *parse_and(struct parser *ps, int depth)
{
	struct tb_filter *n = parse_unary(ps, depth), *m;

	while (n) {
		skip(ps);
		if (strncmp(ps->p, "&&", 2))
			return n;
		ps->p += 2;
		m = parse_unary(ps, depth);
		if (!m) {
			tb_filter_free(n);
			return NULL;
		}
		n = node(N_AND, n, m);
	}
	return NULL;
}

static struct tb_filter *parse_or(struct parser *ps, int depth)
{
	struct tb_filter *n = parse_and(ps, depth), *m;

	while (n) {
		skip(ps);
		if (strncmp(ps->p, "||", 2))
			return n;
		ps->p += 2;
		m = parse_and(ps, depth);
		if (!m) {
			tb_filter_free(n);
			return NULL;
		}
		n = node(N_OR, n, m);
	}
	return NULL;
}

int tb_filter_parse(const char *text, struct tb_filter **out, char *err, size_t errlen)
{
	struct parser ps = { text, text, err, errlen, 0 };
	struct tb_filter *f;

	*out = NULL;
	if (errlen)
		*err = '\0';
	f = parse_or(&ps, 0);
	if (f) {
		skip(&ps);
		if (*ps.p) {
			tb_filter_free(f);
			f = fail(&ps, "'&&', '||', ')' or the end of the filter");
		}
	}
	if (!f)
		return ps.failed ? -1 : -ENOMEM;
	*out = f;
	return 0;
}

void tb_filter_free(struct tb_filter *f)
{
	if (!f)
		return;
	tb_filter_free(f->a);
	tb_filter_free(f->b);
	free((char *)f->pred.field);
	free((char *)f->pred.value);
	free(f);
}

/* Pointer-like fields print in hex without "0x" in trace text. */
static int hex_field(const char *name)
{
	return strstr(name, "ptr") || !strcmp(name, "call_site") || strstr(name, "addr") ||
	       !strcmp(name, "ip") || !strcmp(name, "parent_ip");
}

static int eval_pred(const struct tb_filter_pred *pr, const struct tb_event *ev)
{
	const struct tb_field *fl = tb_event_field(ev, pr->field);
	uint64_t v;
	int is_num;

	if (!fl)
		return -1;
	if (pr->op[0] == '~')
		return (fl->type & TB_FV_STR) ? !fnmatch(pr->value, fl->str, 0) : -1;
	is_num = pr->numeric && !pr->range &&
		 !tb_event_u64(ev, pr->field, hex_field(pr->field) ? 16 : 10, &v);
	if (!is_num) {
		if (pr->numeric || !(fl->type & TB_FV_STR) ||
		    (strcmp(pr->op, "==") && strcmp(pr->op, "!=")))
			return -1;	/* a number compared with what is not one */
		return !strcmp(fl->str, pr->value) == !strcmp(pr->op, "==");
	}
	if (pr->negative) {	/* signed comparison */
		int64_t a = (int64_t)v, b = (int64_t)pr->num;

		switch (pr->op[0]) {
		case '=': return a == b;
		case '!': return a != b;
		case '<': return pr->op[1] ? a <= b : a < b;
		case '>': return pr->op[1] ? a >= b : a > b;
		default: return (v & pr->num) != 0;
		}
	}
	switch (pr->op[0]) {
	case '=': return v == pr->num;
	case '!': return v != pr->num;
	case '<': return pr->op[1] ? v <= pr->num : v < pr->num;
	case '>': return pr->op[1] ? v >= pr->num : v > pr->num;
	default: return (v & pr->num) != 0;
	}
}

int tb_filter_eval(const struct tb_filter *f, const struct tb_event *ev)
{
	int a, b;

	switch (f->kind) {
	case N_PRED:
		return eval_pred(&f->pred, ev);
	case N_NOT:
		a = tb_filter_eval(f->a, ev);
		return a < 0 ? -1 : !a;
	case N_AND:
		a = tb_filter_eval(f->a, ev);
		if (a == 0)
			return 0;
		b = tb_filter_eval(f->b, ev);
		if (b == 0)
			return 0;
		return a < 0 || b < 0 ? -1 : 1;
	case N_OR:
		a = tb_filter_eval(f->a, ev);
		if (a == 1)
			return 1;
		b = tb_filter_eval(f->b, ev);
		if (b == 1)
			return 1;
		return a < 0 || b < 0 ? -1 : 0;
	}
	return -1;
}

int tb_filter_foreach(const struct tb_filter *f,
		      int (*fn)(void *ctx, const struct tb_filter_pred *p), void *ctx)
{
	int r;

	if (!f)
		return 0;
	if (f->kind == N_PRED)
		return fn(ctx, &f->pred);
	r = tb_filter_foreach(f->a, fn, ctx);
	return r ? r : tb_filter_foreach(f->b, fn, ctx);
}
