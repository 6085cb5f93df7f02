/*
 * recipe-validate.c - what makes a recipe valid, checked without touching the kernel:
 * durations and booleans, the ftrace event-filter grammar, safe names (slab caches,
 * events, kprobes, labels), kprobe probe points and fetch arguments, and the
 * cross-section checks (event references of pair/count/balance resolve to something
 * the recipe traces, growth reads what the snapshots take).
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "recipe/recipe-local.h"
#include "util/strbuf.h"
#include "util/units.h"

int rcp_check_duration(struct rcp_ctx *c, int line, const char *what, const char *v, uint64_t *ns)
{
	uint64_t x;

	if (tb_parse_duration(v, &x) || !x) {
		rcp_err(c, line, what, v, "a duration greater than zero (30s, 500ms, 5m, 1h)");
		return -1;
	}
	if (ns)
		*ns = x;
	return 0;
}

/*
 * A boolean: yes/true/on/1 or no/false/off/0.  Several words mean "any of them", so
 * "stack = ${size:+yes} ${cache:+yes}" reads "stacks when size or cache is given".
 */
int rcp_check_bool(struct rcp_ctx *c, int line, const char *what, const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	const char *p = v;
	int any = 0;

	*out = 0;
	for (;;) {
		size_t n;
		unsigned i;
		int ok = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		n = strcspn(p, " \t\n");
		for (i = 0; yes[i]; i++)
			if (strlen(yes[i]) == n && !strncmp(p, yes[i], n))
				ok = 1, *out = 1;
		for (i = 0; no[i]; i++)
			if (strlen(no[i]) == n && !strncmp(p, no[i], n))
				ok = 1;
		if (!ok) {
			rcp_err(c, line, what, v, "yes or no");
			*out = 0;
			return -1;
		}
		any = 1;
		p += n;
	}
	if (!any) {
		rcp_err(c, line, what, v, "yes or no");
		return -1;
	}
	return 0;
}

/* --- names ---------------------------------------------------------------------- */

const char *rcp_cache_name_problem(const char *name)
{
	const char *p;

	if (!*name)
		return "a cache name";
	if (strlen(name) > 96)
		return "a cache name of at most 96 characters";
	if (strchr(name, '/'))
		return "a cache name without '/' (it names a directory under /sys/kernel/slab)";
	if (strstr(name, "..") || !strcmp(name, "."))
		return "a cache name without '..' (it names a directory under /sys/kernel/slab)";
	for (p = name; *p; p++) {
		if (isspace((unsigned char)*p))
			return "a cache name without whitespace";
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "a cache name without control characters";
	}
	if (*name == '-')
		return "a cache name that does not start with '-'";
	return NULL;
}

int rcp_check_cache_name(struct rcp_ctx *c, int line, const char *what, const char *name)
{
	const char *why = rcp_cache_name_problem(name);

	if (!why)
		return 0;
	rcp_err(c, line, what, name, "%s", why);
	return -1;
}

static int check_chars(struct rcp_ctx *c, int line, const char *what, const char *name,
		       const char *extra, const char *expected)
{
	const char *p;

	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !(extra && strchr(extra, *p)))
			break;
	if (!*name || *p || strlen(name) > RCP_MAX_NAME) {
		rcp_err(c, line, what, name, "%s, at most %d characters", expected, RCP_MAX_NAME);
		return -1;
	}
	return 0;
}

int rcp_check_ident(struct rcp_ctx *c, int line, const char *what, const char *name)
{
	if (isdigit((unsigned char)*name)) {
		rcp_err(c, line, what, name, "a name that does not start with a digit");
		return -1;
	}
	return check_chars(c, line, what, name, "_", "a name of [A-Za-z0-9_]");
}

int rcp_check_label(struct rcp_ctx *c, int line, const char *what, const char *name)
{
	return check_chars(c, line, what, name, "_-", "a name of [A-Za-z0-9_-]");
}

int rcp_check_event_name(struct rcp_ctx *c, int line, const char *what, const char *name)
{
	return check_chars(c, line, what, name, "_", "[A-Za-z0-9_] only");
}

int rcp_check_probe_point(struct rcp_ctx *c, int line, const char *v)
{
	const char *p = v, *sym;

	/* optional MOD: prefix */
	sym = strchr(v, ':');
	if (sym) {
		for (p = v; p < sym; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
				goto bad;
		if (p == v)
			goto bad;
		p = sym + 1;
	}
	sym = p;
	if (!isalpha((unsigned char)*p) && *p != '_')
		goto bad;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
		p++;
	if ((size_t)(p - sym) > 127)
		goto bad;
	if (*p == '+') {
		char *end;

		errno = 0;
		strtoul(p + 1, &end, 0);
		if (end == p + 1 || errno || *end)
			goto bad;
		return 0;
	}
	if (*p == '%' && !strcmp(p, "%return")) {
		rcp_err(c, line, "probe", v, "SYM[+OFFSET] (write 'return = yes' for a return probe)");
		return -1;
	}
	if (!*p)
		return 0;
bad:
	rcp_err(c, line, "probe", v, "SYMBOL or SYMBOL+OFFSET (e.g. kernfs_new_node, do_sys_open+0x10)");
	return -1;
}

/* --- kprobe fetch arguments ------------------------------------------------------- */

struct fetch {
	const char *p;
	int is_return;
	const char *expected;	/* set on error */
	char detail[96];
};

static int parse_fetch(struct fetch *f, int depth)
{
	const char *p = f->p;

	if (depth > 8) {
		f->expected = "at most 8 nested dereferences";
		return -1;
	}
	if (*p == '$') {
		p++;
		if (!strncmp(p, "retval", 6) && !isalnum((unsigned char)p[6])) {
			if (!f->is_return) {
				f->expected = "$retval only on a return probe (return = yes)";
				return -1;
			}
			p += 6;
		} else if (!strncmp(p, "arg", 3) && isdigit((unsigned char)p[3])) {
			char *end;
			unsigned long n = strtoul(p + 3, &end, 10);

			if (n < 1 || n > 32) {
				f->expected = "$arg1 to $arg32";
				return -1;
			}
			p = end;
		} else if (!strncmp(p, "stack", 5)) {
			p += 5;
			while (isdigit((unsigned char)*p))
				p++;
		} else if (!strncmp(p, "comm", 4) && !isalnum((unsigned char)p[4])) {
			p += 4;
		} else {
			f->expected = "$argN, $retval, $stack, $stackN or $comm";
			return -1;
		}
	} else if (*p == '%') {
		const char *s = ++p;

		while (isalnum((unsigned char)*p))
			p++;
		if (p == s) {
			f->expected = "a register name after '%' (%di, %x0, ...)";
			return -1;
		}
	} else if (*p == '@') {
		const char *s = ++p;

		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			p += 2;
			while (isxdigit((unsigned char)*p))
				p++;
		} else {
			while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
				p++;
			if (*p == '+' || *p == '-') {
				const char *o = ++p;

				while (isalnum((unsigned char)*p))
					p++;
				if (p == o) {
					f->expected = "an offset after @SYM+ (e.g. @jiffies+8)";
					return -1;
				}
			}
		}
		if (p == s) {
			f->expected = "a symbol or address after '@'";
			return -1;
		}
	} else if (*p == '+' || *p == '-' || isdigit((unsigned char)*p)) {
		char *end;

		if (*p == '+' || *p == '-')
			p++;
		errno = 0;
		strtoul(p, &end, 0);
		if (end == p || errno) {
			f->expected = "an offset, as in +8($arg1)";
			return -1;
		}
		p = end;
		if (*p != '(') {
			f->expected = "'(' after the offset, as in +8($arg1)";
			return -1;
		}
		f->p = p + 1;
		if (parse_fetch(f, depth + 1))
			return -1;
		p = f->p;
		if (*p != ')') {
			f->expected = "a closing ')' in the dereference";
			return -1;
		}
		p++;
	} else {
		f->expected = "$argN, $retval, $stackN, %REG, @SYM or OFFSET(FETCH)";
		return -1;
	}
	f->p = p;
	return 0;
}

int rcp_check_kprobe_arg(struct rcp_ctx *c, int line, const char *arg, int is_return,
			 struct strlist *names)
{
	static const char *const types[] = {
		"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64",
		"x8", "x16", "x32", "x64", "string", NULL
	};
	const char *eq = strchr(arg, '='), *colon;
	struct fetch f;
	char name[RCP_MAX_NAME + 2];
	size_t n;
	unsigned i;

	if (!eq || eq == arg) {
		rcp_err(c, line, "kprobe argument", arg, "NAME=FETCH[:TYPE], as in ptr=$arg1:x64");
		return -1;
	}
	n = (size_t)(eq - arg);
	if (n > RCP_MAX_NAME) {
		rcp_err(c, line, "kprobe argument", arg, "a name of at most %d characters", RCP_MAX_NAME);
		return -1;
	}
	memcpy(name, arg, n);
	name[n] = '\0';
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			break;
	if (i < n || isdigit((unsigned char)name[0])) {
		rcp_err(c, line, "kprobe argument", arg, "a name of [A-Za-z0-9_] that does not start "
			"with a digit before '='");
		return -1;
	}
	if (names) {
		if (strlist_has(names, name)) {
			rcp_err(c, line, "duplicate kprobe argument", name, "each argument name once");
			return -1;
		}
		if (strlist_add(names, name))
			c->oom = 1;
	}
	colon = strrchr(eq + 1, ':');
	if (colon) {
		for (i = 0; types[i]; i++)
			if (!strcmp(colon + 1, types[i]))
				break;
		if (!types[i]) {
			rcp_err(c, line, "kprobe argument type", arg,
				"u8..u64, s8..s64, x8..x64 or string after ':'");
			return -1;
		}
	}
	n = colon ? (size_t)(colon - eq - 1) : strlen(eq + 1);
	if (!n || n > 63) {
		rcp_err(c, line, "kprobe argument", arg, "a fetch of 1 to 63 characters after '='");
		return -1;
	}
	{
		char fetch[64];

		memcpy(fetch, eq + 1, n);
		fetch[n] = '\0';
		memset(&f, 0, sizeof(f));
		f.p = fetch;
		f.is_return = is_return;
		if (parse_fetch(&f, 0) == 0 && *f.p)
			f.expected = "the end of the fetch (or :TYPE)";
		if (f.expected) {
			rcp_err(c, line, "kprobe argument", arg, "%s", f.expected);
			return -1;
		}
	}
	return 0;
}

/* --- ftrace event filters ------------------------------------------------------------ */

struct fparse {
	const char *s, *p;
	const char *expected;
	char what[80];
	struct strlist *fields;
};

static void fskip(struct fparse *f)
{
	while (isspace((unsigned char)*f->p))
		f->p++;
}

static int ferr(struct fparse *f, const char *expected)
{
	if (!f->expected) {
		f->expected = expected;
		snprintf(f->what, sizeof(f->what), "%.40s", f->p);
	}
	return -1;
}

static int f_or(struct fparse *f, int depth);

static int f_pred(struct fparse *f)
{
	static const char *const ops[] = { "==", "!=", "<=", ">=", "<", ">", "~", "&", NULL };
	const char *fs, *op = NULL, *vs;
	int numeric = 0, quoted = 0;
	unsigned i;

	fskip(f);
	fs = f->p;
	if (!isalpha((unsigned char)*f->p) && *f->p != '_')
		return ferr(f, "a field name (or '(' or '!')");
	while (isalnum((unsigned char)*f->p) || *f->p == '_' || *f->p == '.')
		f->p++;
	if (f->fields) {
		char fld[64];

		snprintf(fld, sizeof(fld), "%.*s", (int)(f->p - fs), fs);
		if (strlist_add(f->fields, fld))
			return ferr(f, "memory");
	}
	fskip(f);
	for (i = 0; ops[i]; i++) {
		if (!strncmp(f->p, ops[i], strlen(ops[i]))) {
			if (!strcmp(ops[i], "&") && f->p[1] == '&')
				continue;
			op = ops[i];
			break;
		}
	}
	if (!op)
		return ferr(f, "an operator (==, !=, <, <=, >, >=, &, ~) after the field");
	f->p += strlen(op);
	fskip(f);
	vs = f->p;
	if (*f->p == '"' || *f->p == '\'') {
		char q = *f->p++;

		while (*f->p && *f->p != q)
			f->p++;
		if (!*f->p) {
			f->p = vs;
			return ferr(f, "a closing quote");
		}
		f->p++;
		quoted = 1;
	} else {
		while (*f->p && !isspace((unsigned char)*f->p) && *f->p != ')' &&
		       strncmp(f->p, "&&", 2) && strncmp(f->p, "||", 2))
			f->p++;
		if (f->p == vs)
			return ferr(f, "a value after the operator");
		if (isdigit((unsigned char)*vs) || ((*vs == '-') && isdigit((unsigned char)vs[1]))) {
			char num[64], *end;

			snprintf(num, sizeof(num), "%.*s", (int)(f->p - vs), vs);
			errno = 0;
			strtoll(num, &end, 0);
			if (errno == ERANGE)
				strtoull(num, &end, 0);
			if (*end) {
				f->p = vs;
				return ferr(f, "a number (decimal or 0x hex)");
			}
			numeric = 1;
		}
	}
	if (strchr("<>&", op[0]) && !numeric) {
		f->p = vs;
		return ferr(f, "a number after a relational or '&' operator");
	}
	if (op[0] == '~' && !quoted && numeric) {
		f->p = vs;
		return ferr(f, "a string or glob after '~'");
	}
	return 0;
}

static int f_unary(struct fparse *f, int depth)
{
	fskip(f);
	if (depth > 32)
		return ferr(f, "less deeply nested parentheses");
	if (*f->p == '!' && f->p[1] != '=') {
		f->p++;
		return f_unary(f, depth + 1);
	}
	if (*f->p == '(') {
		f->p++;
		if (f_or(f, depth + 1))
			return -1;
		fskip(f);
		if (*f->p != ')')
			return ferr(f, "a closing ')'");
		f->p++;
		return 0;
	}
	return f_pred(f);
}

static int f_and(struct fparse *f, int depth)
{
	if (f_unary(f, depth))
		return -1;
	for (;;) {
		fskip(f);
		if (strncmp(f->p, "&&", 2))
			return 0;
		f->p += 2;
		if (f_unary(f, depth))
			return -1;
	}
}

static int f_or(struct fparse *f, int depth)
{
	if (f_and(f, depth))
		return -1;
	for (;;) {
		fskip(f);
		if (strncmp(f->p, "||", 2))
			return 0;
		f->p += 2;
		if (f_and(f, depth))
			return -1;
	}
}

int rcp_check_filter(struct rcp_ctx *c, int line, const char *v, struct strlist *fields)
{
	struct fparse f;

	memset(&f, 0, sizeof(f));
	f.s = f.p = v;
	f.fields = fields;
	if (f_or(&f, 0) == 0) {
		fskip(&f);
		if (*f.p)
			ferr(&f, "'&&', '||', ')' or the end of the filter");
	}
	if (!f.expected)
		return 0;
	if (!*f.what)
		rcp_err(c, line, "filter", v, "%s (at the end)", f.expected);
	else
		rcp_err(c, line, "filter", v, "%s at column %d ('%s')", f.expected,
			(int)(f.p - v) + 1, f.what);
	return -1;
}

/* --- cross-section checks ----------------------------------------------------------- */

/* The line of KEY in the section [TYPE ARG] (ARG NULL for unnamed sections). */
static int key_line(struct rcp_ctx *c, const char *type, const char *arg, const char *key)
{
	unsigned i, j;

	for (i = 0; i < c->nsections; i++) {
		struct rcp_section *s = &c->sections[i];

		if (!s->type || strcmp(s->type, type) || (arg && (!s->arg || strcmp(s->arg, arg))))
			continue;
		for (j = 0; j < s->nentries; j++)
			if (!strcmp(s->entries[j].key, key))
				return s->entries[j].line;
		return s->line;
	}
	return 0;
}

static int function_traced(const struct tb_recipe *r, const char *fn)
{
	size_t i;

	if (!r->function)
		return 0;
	for (i = 0; i < r->function->funcs.n; i++)
		if (!fnmatch(r->function->funcs.v[i], fn, 0))
			return 1;
	return 0;
}

static int kprobe_named(const struct tb_recipe *r, const char *name)
{
	unsigned i;

	for (i = 0; i < r->nkps; i++)
		if (!strcmp(r->kps[i].name, name))
			return 1;
	return 0;
}

/* "kmem:kmalloc, kprobe:kernfs_new, function:alloc_netdev_mqs, slub:alloc" */
static void traced_list(const struct tb_recipe *r, struct strbuf *sb)
{
	unsigned i;
	size_t j;
	const char *sep = "";

	for (i = 0; i < r->ntps; i++, sep = ", ")
		strbuf_addf(sb, "%s%s:%s", sep, r->tps[i].system, r->tps[i].event);
	for (i = 0; i < r->nkps; i++, sep = ", ")
		strbuf_addf(sb, "%skprobe:%s", sep, r->kps[i].name);
	for (j = 0; r->function && j < r->function->funcs.n; j++, sep = ", ")
		strbuf_addf(sb, "%sfunction:%s", sep, r->function->funcs.v[j]);
	if (r->slub)
		strbuf_addf(sb, "%sslub:alloc, slub:free", sep), sep = ", ";
	if (!*sep)
		strbuf_addstr(sb, "nothing (declare a [tracepoint], [kprobe] or [function] first)");
}

static int resolves(const struct tb_recipe *r, const char *ref)
{
	const char *colon = strchr(ref, ':');
	unsigned i;

	if (!colon)
		return kprobe_named(r, ref) || function_traced(r, ref);
	if (!strncmp(ref, "kprobe:", 7))
		return kprobe_named(r, colon + 1);
	if (!strncmp(ref, "function:", 9))
		return function_traced(r, colon + 1);
	if (!strncmp(ref, "slub:", 5) && r->slub)
		return !strcmp(colon + 1, "alloc") || !strcmp(colon + 1, "free");
	for (i = 0; i < r->ntps; i++)
		if (strlen(r->tps[i].system) == (size_t)(colon - ref) &&
		    !strncmp(r->tps[i].system, ref, (size_t)(colon - ref)) &&
		    !strcmp(r->tps[i].event, colon + 1))
			return 1;
	return 0;
}

static void check_refs(struct rcp_ctx *c, const char *type, const char *label, const char *key,
		       const struct strlist *refs)
{
	size_t i;

	for (i = 0; i < refs->n; i++) {
		struct strbuf sb = STRBUF_INIT;

		if (resolves(c->r, refs->v[i]))
			continue;
		strbuf_addstr(&sb, "an event this recipe traces: ");
		traced_list(c->r, &sb);
		rcp_err(c, key_line(c, type, label, key), "event", refs->v[i], "%s", strbuf_str(&sb));
		strbuf_release(&sb);
	}
}

void rcp_check_recipe(struct rcp_ctx *c)
{
	struct tb_recipe *r = c->r;
	unsigned i;
	size_t j;

	for (i = 0; i < r->npairs; i++) {
		check_refs(c, "pair", r->pairs[i].label, "alloc", &r->pairs[i].alloc);
		check_refs(c, "pair", r->pairs[i].label, "free", &r->pairs[i].free);
	}
	for (i = 0; i < r->nbalances; i++) {
		check_refs(c, "balance", r->balances[i].label, "get", &r->balances[i].get);
		check_refs(c, "balance", r->balances[i].label, "put", &r->balances[i].put);
	}
	for (i = 0; i < r->ncounts; i++) {
		struct tb_recipe_count *k = &r->counts[i];
		int fl = key_line(c, "count", k->label, "functions");

		for (j = 0; j < k->funcs.n; j++)
			if (!function_traced(r, k->funcs.v[j]))
				rcp_err(c, fl, "function", k->funcs.v[j],
					"a function the [function] section traces%s",
					r->function ? "" : " (this recipe has no [function] section)");
		check_refs(c, "count", k->label, "events", &k->events);
		for (j = 0; j < k->balance.n; j++) {
			const char *b = k->balance.v[j], *colon = strrchr(b, ':');
			char a[128];
			int ok = 0;

			if (colon && colon != b && colon[1] && (size_t)(colon - b) < sizeof(a)) {
				memcpy(a, b, (size_t)(colon - b));
				a[colon - b] = '\0';
				ok = (strlist_has(&k->funcs, a) || strlist_has(&k->events, a)) &&
				     (strlist_has(&k->funcs, colon + 1) ||
				      strlist_has(&k->events, colon + 1));
			}
			if (!ok)
				rcp_err(c, key_line(c, "count", k->label, "balance"), "balance", b,
					"GET:PUT naming two of this count's functions or events "
					"(e.g. alloc_netdev_mqs:free_netdev)");
		}
	}
	if (r->growth) {
		int gl = key_line(c, "growth", NULL, "from");

		for (j = 0; j < r->growth->from.n; j++)
			if (!r->snapshot || !strlist_has(&r->snapshot->files, r->growth->from.v[j]))
				rcp_err(c, gl, "growth source", r->growth->from.v[j],
					"a file the [snapshot] section takes%s",
					r->snapshot ? "" : " (this recipe has no [snapshot] section)");
	}
	for (i = 0; i < r->ntps; i++) {
		char arg[160];

		snprintf(arg, sizeof(arg), "%s:%s", r->tps[i].system, r->tps[i].event);
		if (r->tps[i].cache && strcmp(r->tps[i].system, "kmem"))
			rcp_err(c, key_line(c, "tracepoint", arg, "cache"), "cache narrowing on",
				r->tps[i].system, "a kmem tracepoint (the planner narrows kmem "
				"events to a cache)");
	}
}
