/*
 * recipe-parse.c - reading a recipe: the inih glue (a line-counting reader that
 * classifies every line, so each key knows its line and every bad line is reported),
 * the sections and keys → struct tb_recipe builder, and load/free.
 * Parameter substitution is recipe-params.c; semantic checks are recipe-validate.c.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "recipe/recipe-local.h"
#include "recipe/embedded.h"
#include "util/fileio.h"
#include "util/procfs.h"
#include "util/strbuf.h"

/* inih keeps at most 50 bytes of a key name (MAX_NAME). */
#define RCP_MAX_KEY 48

void rcp_err(struct rcp_ctx *c, int line, const char *what, const char *text,
	     const char *expected_fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!c->file)
		strbuf_addstr(&sb, "command line: ");
	else if (line > 0)
		strbuf_addf(&sb, "%s:%d: ", c->file, line);
	else
		strbuf_addf(&sb, "%s: ", c->file);
	strbuf_addstr(&sb, what);
	if (text) {
		const char *t;

		strbuf_addstr(&sb, " '");
		/* Control characters in the offending text are shown escaped. */
		for (t = text; *t; t++) {
			if ((unsigned char)*t < 0x20 || *t == 0x7f)
				strbuf_addf(&sb, "\\x%02x", (unsigned char)*t);
			else
				strbuf_addch(&sb, *t);
		}
		strbuf_addch(&sb, '\'');
	}
	strbuf_addstr(&sb, ": expected ");
	va_start(ap, expected_fmt);
	strbuf_vaddf(&sb, expected_fmt, ap);
	va_end(ap);
	c->nerrors++;
	if (strbuf_failed(&sb) || strlist_add(c->file ? c->errors : &c->cmdline_errors, sb.buf))
		c->oom = 1;
	strbuf_release(&sb);
}

/* --- the raw read: inih with a line-classifying reader ---------------------------- */

enum line_kind { LK_NONE, LK_CONT, LK_KEY, LK_SECTION };

struct rcp_reader {
	struct rcp_ctx *c;
	const char *p, *end;
	int line;
	enum line_kind kind;	/* of the line just handed to inih */
	int have_key;		/* a key line was seen in the current section */
	int swallow;		/* the last key line was bad: drop its continuations */
	char buf[RCP_MAX_LINE + 8];
};

static const char *const section_types[] = {
	"recipe", "param", "function", "tracepoint", "kprobe", "slub-trace", "snapshot",
	"pair", "count", "balance", "growth", NULL
};

static int section_wants_arg(const char *type)
{
	return !strcmp(type, "param") || !strcmp(type, "tracepoint") || !strcmp(type, "kprobe") ||
	       !strcmp(type, "pair") || !strcmp(type, "count") || !strcmp(type, "balance");
}

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
	struct rcp_section *s, *nv;

	rd->have_key = 0;
	nv = realloc(c->sections, (c->nsections + 1) * sizeof(*nv));
	if (!nv) {
		c->oom = 1;
		return NULL;
	}
	c->sections = nv;
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
	unsigned i;

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

	for (i = 0; section_types[i]; i++)
		if (!strcmp(section_types[i], s->type))
			break;
	if (!section_types[i]) {
		rcp_err(c, rd->line, "unknown section", whole,
			"one of [recipe], [param NAME], [function], [tracepoint SYS:EVENT], "
			"[kprobe NAME], [slub-trace], [snapshot], [pair LABEL], [count LABEL], "
			"[balance LABEL], [growth]");
		goto out;
	}
	if (section_wants_arg(s->type) && !s->arg)
		rcp_err(c, rd->line, "section", whole, "a name after '%s', as in [%s %s]", s->type,
			s->type, !strcmp(s->type, "tracepoint") ? "kmem:kmalloc" : "NAME");
	else if (!section_wants_arg(s->type) && s->arg)
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

/* ini_reader: hand inih one line at a time, counting lines and vetting them first. */
static char *read_line(char *str, int num, void *stream)
{
	struct rcp_reader *rd = stream;
	const char *eol, *l;
	size_t n, raw;

	if (rd->p >= rd->end)
		return NULL;
	l = rd->p;
	eol = memchr(l, '\n', (size_t)(rd->end - l));
	raw = eol ? (size_t)(eol - l) : (size_t)(rd->end - l);
	rd->p = eol ? eol + 1 : rd->end;
	rd->line++;
	n = raw;
	if (n && l[n - 1] == '\r')
		n--;
	if (rd->line == 1 && n >= 3 && !memcmp(l, "\xEF\xBB\xBF", 3)) {
		l += 3;				/* UTF-8 byte order mark */
		n -= 3;
	}
	if (n > RCP_MAX_LINE || (int)n + 3 > num) {
		char head[48];

		snprintf(head, sizeof(head), "%.40s...", l);
		rcp_err(rd->c, rd->line, "line too long", head,
			"at most %d characters (continue a long value on the next line, indented)",
			RCP_MAX_LINE);
		rd->kind = LK_NONE;
	} else {
		classify_line(rd, l, n);
	}
	switch (rd->kind) {
	case LK_NONE:
		strcpy(str, "\n");
		break;
	case LK_SECTION:
		strcpy(str, "[s]\n");		/* we track sections ourselves */
		break;
	case LK_KEY: {
		const char *s = l;

		while (isspace((unsigned char)*s))	/* inih must not see a continuation */
			s++;
		memcpy(str, s, n - (size_t)(s - l));
		str[n - (size_t)(s - l)] = '\n';
		str[n - (size_t)(s - l) + 1] = '\0';
		break;
	}
	case LK_CONT: {
		size_t i;

		/* " ;" starts a comment here too, as inih does on key lines */
		for (i = 1; i < n; i++)
			if (l[i] == ';' && isspace((unsigned char)l[i - 1]))
				break;
		n = i < n ? i : n;
		memcpy(str, l, n);
		str[n] = '\n';
		str[n + 1] = '\0';
		break;
	}
	}
	return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
	struct rcp_reader *rd = user;
	struct rcp_ctx *c = rd->c;
	struct rcp_section *s;
	struct rcp_entry *e, *nv;
	unsigned i;

	(void)section;
	if (!c->nsections || (rd->kind != LK_KEY && rd->kind != LK_CONT))
		return 1;
	s = &c->sections[c->nsections - 1];
	if (rd->kind == LK_CONT) {
		char *v;
		size_t a, b;

		if (!s->nentries)
			return 1;
		e = &s->entries[s->nentries - 1];
		a = strlen(e->value);
		b = strlen(value);
		v = realloc(e->value, a + b + 2);
		if (!v) {
			c->oom = 1;
			return 1;
		}
		v[a] = '\n';
		memcpy(v + a + 1, value, b + 1);
		e->value = v;
		return 1;
	}
	for (i = 0; i < s->nentries; i++) {
		if (!strcmp(s->entries[i].key, name)) {
			rcp_err(c, rd->line, "duplicate key", name, "each key once per section "
				"(first given on line %d)", s->entries[i].line);
			return 1;
		}
	}
	nv = realloc(s->entries, (s->nentries + 1) * sizeof(*nv));
	if (!nv) {
		c->oom = 1;
		return 1;
	}
	s->entries = nv;
	e = &s->entries[s->nentries];
	memset(e, 0, sizeof(*e));
	e->key = strdup(name);
	e->value = strdup(value);
	e->line = rd->line;
	if (!e->key || !e->value) {
		free(e->key);
		free(e->value);
		c->oom = 1;
		return 1;
	}
	s->nentries++;
	return 1;
}

int rcp_read_ini(struct rcp_ctx *c, const char *text, size_t len)
{
	struct rcp_reader *rd = calloc(1, sizeof(*rd));
	int r;

	if (!rd) {
		c->oom = 1;
		return -1;
	}
	rd->c = c;
	rd->p = text;
	rd->end = text + len;
	r = ini_parse_stream(read_line, rd, on_key, rd);
	if (r > 0 && !c->nerrors)	/* inih saw something our vetting let through */
		rcp_err(c, r, "line", NULL, "'key = value', '[section]' or a comment");
	free(rd);
	return r < 0 ? -1 : 0;
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

/* --- sections and keys → struct ------------------------------------------------ */

static struct rcp_entry *get(struct rcp_section *s, const char *key)
{
	unsigned i;

	for (i = 0; i < s->nentries; i++) {
		if (!strcmp(s->entries[i].key, key)) {
			s->entries[i].used = 1;
			return &s->entries[i];
		}
	}
	return NULL;
}

/*
 * The substituted value of key (malloc'd), or NULL when absent or empty after
 * substitution.  multiline keeps newlines (description, help); else they become
 * spaces.  *line gets the key's line (or the section's when absent).
 */
static char *val(struct rcp_ctx *c, struct rcp_section *s, const char *key, int multiline,
		 int *line)
{
	struct rcp_entry *e = get(s, key);
	char *out = NULL, *p;

	if (line)
		*line = e ? e->line : s->line;
	if (!e)
		return NULL;
	if (rcp_subst(c, e->value, e->line, &out)) {
		e->bad = 1;
		return NULL;
	}
	if (!multiline)
		for (p = out; *p; p++)
			if (*p == '\n')
				*p = ' ';
	for (p = out; *p && isspace((unsigned char)*p); p++)
		;
	if (!*p) {
		free(out);
		return NULL;
	}
	memmove(out, p, strlen(p) + 1);		/* trim both ends */
	for (p = out + strlen(out); p > out && isspace((unsigned char)p[-1]); p--)
		;
	*p = '\0';
	return out;
}

static int bool_key(struct rcp_ctx *c, struct rcp_section *s, const char *key, int *out)
{
	int line;
	char *v = val(c, s, key, 0, &line);
	int r = 0;

	*out = 0;
	if (v)
		r = rcp_check_bool(c, line, key, v, out);
	free(v);
	return r;
}

static void list_key(struct rcp_ctx *c, struct rcp_section *s, const char *key,
		     struct strlist *l, int *line)
{
	char *v = val(c, s, key, 0, line);

	if (v && strlist_split_ws(l, v))
		c->oom = 1;
	free(v);
}

static void require(struct rcp_ctx *c, struct rcp_section *s, const char *key, const void *have,
		    const char *example)
{
	char hdr[128];

	unsigned i;

	if (have)
		return;
	for (i = 0; i < s->nentries; i++)
		if (s->entries[i].bad && !strcmp(s->entries[i].key, key))
			return;		/* its substitution already failed, and said so */
	snprintf(hdr, sizeof(hdr), "[%s%s%s]", s->type, s->arg ? " " : "", s->arg ? s->arg : "");
	rcp_err(c, s->line, "section", hdr, "a '%s' key (e.g. %s = %s)", key, key, example);
}

/* Report keys nobody took, listing what the section accepts. */
static void unknown_keys(struct rcp_ctx *c, struct rcp_section *s, const char *known)
{
	unsigned i;

	for (i = 0; i < s->nentries; i++)
		if (!s->entries[i].used)
			rcp_err(c, s->entries[i].line, "unknown key", s->entries[i].key,
				"one of %s in [%s]", known, s->type);
}

static void *grow(struct rcp_ctx *c, void *arr, unsigned n, size_t elt)
{
	void *nv = realloc(arr, (n + 1) * elt);

	if (!nv) {
		c->oom = 1;
		return NULL;
	}
	memset((char *)nv + n * elt, 0, elt);
	return nv;
}

/* "site", "stack", "site+stack", "none"; words may also be space-separated and repeat. */
static unsigned parse_group(struct rcp_ctx *c, int line, const char *v)
{
	const char *p = v;
	unsigned g = 0;

	if (!v)
		return TB_GROUP_SITE;
	while (*p) {
		size_t n;

		p += strspn(p, " +");
		if (!*p)
			break;
		n = strcspn(p, " +");
		if (n == 4 && !strncmp(p, "site", 4))
			g |= TB_GROUP_SITE;
		else if (n == 5 && !strncmp(p, "stack", 5))
			g |= TB_GROUP_STACK;
		else if (!(n == 4 && !strncmp(p, "none", 4))) {
			rcp_err(c, line, "group", v, "site, stack, site+stack or none");
			return TB_GROUP_SITE;
		}
		p += n;
	}
	return g;
}

static void build_recipe(struct rcp_ctx *c, struct rcp_section *s)
{
	struct tb_recipe *r = c->r;
	int line;
	char *d;

	r->name = val(c, s, "name", 0, &line);
	if (r->name)
		rcp_check_label(c, line, "recipe name", r->name);
	r->summary = val(c, s, "summary", 0, NULL);
	r->symptom = val(c, s, "symptom", 0, NULL);
	r->description = val(c, s, "description", 1, NULL);
	d = val(c, s, "duration", 0, &line);
	if (d)
		rcp_check_duration(c, line, "duration", d, &r->duration_ns);
	free(d);
	require(c, s, "name", r->name, "slab-leak");
	require(c, s, "summary", r->summary, "one line saying what it finds");
	unknown_keys(c, s, "name, summary, symptom, description, duration");
}

static void build_function(struct rcp_ctx *c, struct rcp_section *s)
{
	struct tb_recipe_function *f;
	size_t i;
	int line;

	if (c->r->function) {
		rcp_err(c, s->line, "duplicate section", "[function]",
			"one [function] section (first on line %d)", c->r->function->line);
		return;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		c->oom = 1;
		return;
	}
	c->r->function = f;
	f->line = s->line;
	list_key(c, s, "functions", &f->funcs, &line);
	for (i = 0; i < f->funcs.n; i++) {
		const char *g = f->funcs.v[i], *p;

		for (p = g; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("_.*?[]", *p))
				break;
		if (*p || !*g || !strcmp(g, "*"))
			rcp_err(c, line, "function", g, "a kernel function name or glob "
				"([A-Za-z0-9_.] and * ? [ ]), never a bare '*'");
	}
	bool_key(c, s, "stack", &f->stack);
	require(c, s, "functions", f->funcs.n ? "" : NULL, "alloc_netdev_mqs free_netdev");
	unknown_keys(c, s, "functions, stack");
}

static void build_tracepoint(struct rcp_ctx *c, struct rcp_section *s)
{
	struct tb_recipe *r = c->r;
	struct tb_recipe_tracepoint *tp, *nv;
	const char *colon = strchr(s->arg, ':');
	unsigned i;
	int line;

	nv = grow(c, r->tps, r->ntps, sizeof(*nv));
	if (!nv)
		return;
	r->tps = nv;
	tp = &r->tps[r->ntps++];
	tp->line = s->line;
	if (!colon || strchr(colon + 1, ':')) {
		rcp_err(c, s->line, "tracepoint", s->arg, "SYSTEM:EVENT, as in [tracepoint kmem:kmalloc]");
		tp->system = strdup(s->arg);
		tp->event = strdup("");
	} else {
		tp->system = strndup(s->arg, (size_t)(colon - s->arg));
		tp->event = strdup(colon + 1);
		if (tp->system && tp->event) {
			rcp_check_event_name(c, s->line, "tracepoint system", tp->system);
			rcp_check_event_name(c, s->line, "tracepoint event", tp->event);
		}
	}
	if (!tp->system || !tp->event)
		c->oom = 1;
	for (i = 0; i + 1 < r->ntps; i++)
		if (tp->system && tp->event && !strcmp(r->tps[i].system, tp->system) &&
		    !strcmp(r->tps[i].event, tp->event))
			rcp_err(c, s->line, "duplicate section", s->arg,
				"each tracepoint once (first on line %d)", r->tps[i].line);
	tp->filter = val(c, s, "filter", 0, &line);
	if (tp->filter)
		rcp_check_filter(c, line, tp->filter, NULL);
	bool_key(c, s, "stack", &tp->stack);
	bool_key(c, s, "optional", &tp->optional);
	tp->cache = val(c, s, "cache", 0, &line);
	if (tp->cache)
		rcp_check_cache_name(c, line, "unsafe cache name", tp->cache);
	unknown_keys(c, s, "filter, stack, cache, optional");
}

static void build_kprobe(struct rcp_ctx *c, struct rcp_section *s)
{
	struct tb_recipe *r = c->r;
	struct tb_recipe_kprobe *kp, *nv;
	struct strlist names = STRLIST_INIT, fields = STRLIST_INIT;
	unsigned i;
	size_t j;
	int line, aline;

	nv = grow(c, r->kps, r->nkps, sizeof(*nv));
	if (!nv)
		return;
	r->kps = nv;
	kp = &r->kps[r->nkps++];
	kp->line = s->line;
	kp->name = strdup(s->arg);
	if (!kp->name) {
		c->oom = 1;
		return;
	}
	rcp_check_event_name(c, s->line, "kprobe name", kp->name);
	for (i = 0; i + 1 < r->nkps; i++)
		if (!strcmp(r->kps[i].name, kp->name))
			rcp_err(c, s->line, "duplicate kprobe name", kp->name,
				"a name not used by another [kprobe] (line %d)", r->kps[i].line);
	kp->probe = val(c, s, "probe", 0, &line);
	if (kp->probe)
		rcp_check_probe_point(c, line, kp->probe);
	require(c, s, "probe", kp->probe, "kernfs_new_node");
	bool_key(c, s, "return", &kp->is_return);
	list_key(c, s, "args", &kp->args, &aline);
	for (j = 0; j < kp->args.n; j++)
		rcp_check_kprobe_arg(c, aline, kp->args.v[j], kp->is_return, &names);
	kp->filter = val(c, s, "filter", 0, &line);
	if (kp->filter && !rcp_check_filter(c, line, kp->filter, &fields)) {
		for (j = 0; j < fields.n; j++)
			if (!strlist_has(&names, fields.v[j]) && strncmp(fields.v[j], "common_", 7) &&
			    strncmp(fields.v[j], "__probe_", 8))	/* __probe_ip, __probe_ret_ip */
				rcp_err(c, line, "filter field", fields.v[j],
					"an argument this kprobe fetches (args = %s=...)", fields.v[j]);
	}
	bool_key(c, s, "stack", &kp->stack);
	unknown_keys(c, s, "probe, return, args, filter, stack");
	strlist_clear(&names);
	strlist_clear(&fields);
}

static void build_slub(struct rcp_ctx *c, struct rcp_section *s)
{
	struct tb_recipe_slub *sl;
	size_t i;
	int line;

	if (c->r->slub) {
		rcp_err(c, s->line, "duplicate section", "[slub-trace]",
			"one [slub-trace] section (first on line %d)", c->r->slub->line);
		return;
	}
	sl = calloc(1, sizeof(*sl));
	if (!sl) {
		c->oom = 1;
		return;
	}
	c->r->slub = sl;
	sl->line = s->line;
	list_key(c, s, "caches", &sl->caches, &line);
	for (i = 0; i < sl->caches.n; i++)
		rcp_check_cache_name(c, line, "unsafe cache name", sl->caches.v[i]);
	require(c, s, "caches", sl->caches.n ? "" : NULL, "kmalloc-8192");
	unknown_keys(c, s, "caches");
}

static int snapshot_file_ok(const char *f)
{
	return tb_proc_kind(f) != TB_PROC_NONE;
}

static void build_snapshot(struct rcp_ctx *c, struct rcp_section *s)
{
	struct tb_recipe_snapshot *sn;
	size_t i;
	int line;
	char *iv;

	if (c->r->snapshot) {
		rcp_err(c, s->line, "duplicate section", "[snapshot]",
			"one [snapshot] section (first on line %d)", c->r->snapshot->line);
		return;
	}
	sn = calloc(1, sizeof(*sn));
	if (!sn) {
		c->oom = 1;
		return;
	}
	c->r->snapshot = sn;
	sn->line = s->line;
	list_key(c, s, "files", &sn->files, &line);
	for (i = 0; i < sn->files.n; i++)
		if (!snapshot_file_ok(sn->files.v[i]))
			rcp_err(c, line, "snapshot file", sn->files.v[i],
				"%s", tb_proc_kinds_text());
	require(c, s, "files", sn->files.n ? "" : NULL, "slabinfo meminfo");
	iv = val(c, s, "interval", 0, &line);
	if (iv)
		rcp_check_duration(c, line, "interval", iv, &sn->interval_ns);
	free(iv);
	unknown_keys(c, s, "files, interval");
}

static void check_label(struct rcp_ctx *c, struct rcp_section *s, const char *what)
{
	unsigned i;

	rcp_check_label(c, s->line, what, s->arg);
	/* pair, count and balance labels share one namespace: they name report sections */
	for (i = 0; i < c->nsections && &c->sections[i] != s; i++) {
		struct rcp_section *o = &c->sections[i];

		if (o->arg && (!strcmp(o->type, "pair") || !strcmp(o->type, "count") ||
			       !strcmp(o->type, "balance")) && !strcmp(o->arg, s->arg)) {
			rcp_err(c, s->line, "duplicate label", s->arg,
				"a label not used by another analysis ([%s %s] on line %d)",
				o->type, o->arg, o->line);
			return;
		}
	}
}

static void key_pair(struct rcp_ctx *c, struct rcp_section *s, const char *a_name,
		     const char *b_name, char **a, char **b)
{
	int line, la, lb;
	char *key = val(c, s, "key", 0, &line);

	*a = val(c, s, a_name, 0, &la);
	*b = val(c, s, b_name, 0, &lb);
	if (*a)
		rcp_check_ident(c, la, a_name, *a);
	if (*b)
		rcp_check_ident(c, lb, b_name, *b);
	if (key) {
		rcp_check_ident(c, line, "key", key);
		if (!*a)
			*a = strdup(key);
		if (!*b)
			*b = strdup(key);
		if (!*a || !*b)
			c->oom = 1;
	} else if (!*a || !*b) {
		char hdr[128];

		snprintf(hdr, sizeof(hdr), "[%s %s]", s->type, s->arg);
		rcp_err(c, s->line, "section", hdr, "'key = FIELD' (or both %s and %s)", a_name, b_name);
	}
	free(key);
}

static void build_pair(struct rcp_ctx *c, struct rcp_section *s)
{
	struct tb_recipe *r = c->r;
	struct tb_recipe_pair *p, *nv;
	int line;
	char *g;

	nv = grow(c, r->pairs, r->npairs, sizeof(*nv));
	if (!nv)
		return;
	r->pairs = nv;
	p = &r->pairs[r->npairs++];
	p->line = s->line;
	p->label = strdup(s->arg);
	if (!p->label) {
		c->oom = 1;
		return;
	}
	check_label(c, s, "pair label");
	list_key(c, s, "alloc", &p->alloc, &line);
	list_key(c, s, "free", &p->free, &line);
	require(c, s, "alloc", p->alloc.n ? "" : NULL, "kmem:kmalloc");
	require(c, s, "free", p->free.n ? "" : NULL, "kmem:kfree");
	key_pair(c, s, "alloc_key", "free_key", &p->alloc_key, &p->free_key);
	p->size = val(c, s, "size", 0, &line);
	if (p->size)
		rcp_check_ident(c, line, "size field", p->size);
	p->requested = val(c, s, "requested", 0, &line);
	if (p->requested)
		rcp_check_ident(c, line, "requested field", p->requested);
	g = val(c, s, "group", 0, &line);
	p->group = parse_group(c, line, g);
	free(g);
	p->by = val(c, s, "by", 0, &line);
	if (p->by)
		rcp_check_ident(c, line, "by field", p->by);
	unknown_keys(c, s, "alloc, free, key, alloc_key, free_key, size, requested, group, by");
}

static void build_count(struct rcp_ctx *c, struct rcp_section *s)
{
	struct tb_recipe *r = c->r;
	struct tb_recipe_count *k, *nv;
	int line;
	char *by;

	nv = grow(c, r->counts, r->ncounts, sizeof(*nv));
	if (!nv)
		return;
	r->counts = nv;
	k = &r->counts[r->ncounts++];
	k->line = s->line;
	k->label = strdup(s->arg);
	if (!k->label) {
		c->oom = 1;
		return;
	}
	check_label(c, s, "count label");
	list_key(c, s, "functions", &k->funcs, &line);
	list_key(c, s, "events", &k->events, &line);
	if (!k->funcs.n && !k->events.n)
		require(c, s, "functions", NULL, "alloc_netdev_mqs free_netdev' or 'events = ...");
	by = val(c, s, "by", 0, &line);
	k->by_caller = 1;
	if (by && !strcmp(by, "none"))
		k->by_caller = 0;
	else if (by && strcmp(by, "caller"))
		rcp_err(c, line, "by", by, "caller or none");
	free(by);
	list_key(c, s, "balance", &k->balance, &line);
	unknown_keys(c, s, "functions, events, by, balance");
}

static void build_balance(struct rcp_ctx *c, struct rcp_section *s)
{
	struct tb_recipe *r = c->r;
	struct tb_recipe_balance *b, *nv;
	int line;
	char *g;

	nv = grow(c, r->balances, r->nbalances, sizeof(*nv));
	if (!nv)
		return;
	r->balances = nv;
	b = &r->balances[r->nbalances++];
	b->line = s->line;
	b->label = strdup(s->arg);
	if (!b->label) {
		c->oom = 1;
		return;
	}
	check_label(c, s, "balance label");
	list_key(c, s, "get", &b->get, &line);
	list_key(c, s, "put", &b->put, &line);
	require(c, s, "get", b->get.n ? "" : NULL, "kprobe:ref_get");
	require(c, s, "put", b->put.n ? "" : NULL, "kprobe:ref_put");
	key_pair(c, s, "get_key", "put_key", &b->get_key, &b->put_key);
	g = val(c, s, "group", 0, &line);
	b->group = parse_group(c, line, g);
	free(g);
	unknown_keys(c, s, "get, put, key, get_key, put_key, group");
}

static void build_growth(struct rcp_ctx *c, struct rcp_section *s)
{
	struct tb_recipe_growth *g;
	size_t i;
	int line;

	if (c->r->growth) {
		rcp_err(c, s->line, "duplicate section", "[growth]",
			"one [growth] section (first on line %d)", c->r->growth->line);
		return;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		c->oom = 1;
		return;
	}
	c->r->growth = g;
	g->line = s->line;
	g->enabled = 1;
	list_key(c, s, "caches", &g->caches, &line);
	for (i = 0; i < g->caches.n; i++)
		rcp_check_cache_name(c, line, "unsafe cache name", g->caches.v[i]);
	list_key(c, s, "from", &g->from, &line);
	for (i = 0; i < g->from.n; i++)
		if (tb_proc_kind(g->from.v[i]) == TB_PROC_NONE)
			rcp_err(c, line, "growth source", g->from.v[i], "%s",
				tb_proc_kinds_text());
	require(c, s, "from", g->from.n ? "" : NULL, "slabinfo meminfo");
	unknown_keys(c, s, "caches, from");
}

static void build(struct rcp_ctx *c)
{
	struct rcp_section *recipe = NULL;
	unsigned i;

	for (i = 0; i < c->nsections; i++) {
		struct rcp_section *s = &c->sections[i];

		if (!s->type || !*s->type)
			continue;
		if (section_wants_arg(s->type) && !s->arg)
			continue;	/* reported when read */
		if (!strcmp(s->type, "recipe")) {
			if (recipe) {
				rcp_err(c, s->line, "duplicate section", "[recipe]",
					"one [recipe] section (first on line %d)", recipe->line);
				continue;
			}
			recipe = s;
			build_recipe(c, s);
		} else if (!strcmp(s->type, "param")) {
			continue;	/* recipe-params.c */
		} else if (!strcmp(s->type, "function")) {
			build_function(c, s);
		} else if (!strcmp(s->type, "tracepoint")) {
			build_tracepoint(c, s);
		} else if (!strcmp(s->type, "kprobe")) {
			build_kprobe(c, s);
		} else if (!strcmp(s->type, "slub-trace")) {
			build_slub(c, s);
		} else if (!strcmp(s->type, "snapshot")) {
			build_snapshot(c, s);
		} else if (!strcmp(s->type, "pair")) {
			build_pair(c, s);
		} else if (!strcmp(s->type, "count")) {
			build_count(c, s);
		} else if (!strcmp(s->type, "balance")) {
			build_balance(c, s);
		} else if (!strcmp(s->type, "growth")) {
			build_growth(c, s);
		}
	}
	if (!recipe)
		rcp_err(c, 0, "missing section", "[recipe]",
			"a [recipe] section with name and summary");
	if (!c->r->function && !c->r->ntps && !c->r->nkps && !c->r->slub && !c->r->snapshot)
		rcp_err(c, 0, "recipe traces nothing", NULL,
			"at least one of [function], [tracepoint ...], [kprobe ...], [slub-trace], "
			"[snapshot]");
}

/* --- load / free ------------------------------------------------------------------ */

int tb_recipe_load_ex(const char *path, const char *text, const struct strlist *assign,
		      unsigned flags, struct strlist *errors, struct tb_recipe *out)
{
	struct strlist own = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct rcp_ctx c;
	const char *display;
	size_t i;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.errors = errors ? errors : &own;
	c.flags = flags;
	c.r = out;
	out->path = strdup(path);
	if (!out->path)
		return tb_error("out of memory");
	display = out->path;
	c.file = display;

	if (!text && !strncmp(path, TB_RECIPE_BUILTIN_PREFIX, strlen(TB_RECIPE_BUILTIN_PREFIX))) {
		char name[256];
		size_t n;

		snprintf(name, sizeof(name), "%s", path + strlen(TB_RECIPE_BUILTIN_PREFIX));
		n = strlen(name);
		if (n > 7 && !strcmp(name + n - 7, ".recipe"))
			name[n - 7] = '\0';
		text = tb_recipe_builtin_text(name);
		if (!text) {
			rcp_err(&c, 0, "no built-in recipe", name, "one of `tracebook recipes`");
			goto done;
		}
	}
	if (!text) {
		int r = tb_read_file(path, &sb);

		if (r) {
			rcp_err(&c, 0, "cannot read recipe", strerror(-r), "a readable recipe file");
			goto done;
		}
		if (memchr(sb.buf, '\0', sb.len)) {
			rcp_err(&c, 0, "binary data (NUL byte) in", path, "a text recipe file");
			goto done;
		}
		text = strbuf_str(&sb);
	}
	if (rcp_read_ini(&c, text, strlen(text)) == 0) {
		rcp_params_collect(&c, assign);
		build(&c);
		if (!c.oom)
			rcp_check_recipe(&c);
	}
done:
	for (i = 0; i < c.cmdline_errors.n; i++)
		if (strlist_add(c.errors, c.cmdline_errors.v[i]))
			c.oom = 1;
	strlist_clear(&c.cmdline_errors);
	if (c.oom) {
		c.nerrors++;
		tb_error("out of memory reading %s", display);
	}
	if (c.nerrors) {
		ret = -TB_EXIT_BADINPUT;
		if (!errors)
			for (i = 0; i < own.n; i++)
				tb_error("%s", own.v[i]);
	}
	rcp_sections_free(&c);
	strlist_clear(&own);
	strbuf_release(&sb);
	if (ret) {
		tb_recipe_free(out);
		memset(out, 0, sizeof(*out));
	}
	return ret;
}

int tb_recipe_load(const char *path, const struct strlist *assign, struct tb_recipe *out)
{
	return tb_recipe_load_ex(path, NULL, assign, 0, NULL, out);
}

int tb_recipe_load_string(const char *name, const char *text, const struct strlist *assign,
			  struct tb_recipe *out)
{
	return tb_recipe_load_ex(name, text, assign, 0, NULL, out);
}

void tb_recipe_free(struct tb_recipe *r)
{
	unsigned i;

	if (!r)
		return;
	free(r->path);
	free(r->name);
	free(r->summary);
	free(r->symptom);
	free(r->description);
	for (i = 0; i < r->nparams; i++) {
		free(r->params[i].name);
		free(r->params[i].def);
		free(r->params[i].help);
		free(r->params[i].value);
	}
	free(r->params);
	if (r->function)
		strlist_clear(&r->function->funcs);
	free(r->function);
	for (i = 0; i < r->ntps; i++) {
		free(r->tps[i].system);
		free(r->tps[i].event);
		free(r->tps[i].filter);
		free(r->tps[i].cache);
	}
	free(r->tps);
	for (i = 0; i < r->nkps; i++) {
		free(r->kps[i].name);
		free(r->kps[i].probe);
		strlist_clear(&r->kps[i].args);
		free(r->kps[i].filter);
	}
	free(r->kps);
	if (r->slub)
		strlist_clear(&r->slub->caches);
	free(r->slub);
	if (r->snapshot)
		strlist_clear(&r->snapshot->files);
	free(r->snapshot);
	for (i = 0; i < r->npairs; i++) {
		struct tb_recipe_pair *p = &r->pairs[i];

		free(p->label);
		strlist_clear(&p->alloc);
		strlist_clear(&p->free);
		free(p->alloc_key);
		free(p->free_key);
		free(p->size);
		free(p->requested);
		free(p->by);
	}
	free(r->pairs);
	for (i = 0; i < r->ncounts; i++) {
		free(r->counts[i].label);
		strlist_clear(&r->counts[i].funcs);
		strlist_clear(&r->counts[i].events);
		strlist_clear(&r->counts[i].balance);
	}
	free(r->counts);
	for (i = 0; i < r->nbalances; i++) {
		free(r->balances[i].label);
		strlist_clear(&r->balances[i].get);
		strlist_clear(&r->balances[i].put);
		free(r->balances[i].get_key);
		free(r->balances[i].put_key);
	}
	free(r->balances);
	if (r->growth) {
		strlist_clear(&r->growth->caches);
		strlist_clear(&r->growth->from);
	}
	free(r->growth);
	memset(r, 0, sizeof(*r));
}
