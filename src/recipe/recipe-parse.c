/*
 * recipe-parse.c - reading a recipe: the error collector, the sections and keys →
 * struct tb_recipe builder, and load/free.  The line reader is recipe-read.c,
 * parameter substitution recipe-params.c, semantic checks recipe-validate.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "recipe/recipe-local.h"
#include "recipe/embedded.h"
#include "util/fileio.h"
#include "util/strbuf.h"

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
	return !strcmp(f, "slabinfo") || !strcmp(f, "meminfo") || !strcmp(f, "vmstat") ||
	       !strcmp(f, "buddyinfo");
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
				"slabinfo, meminfo, vmstat or buddyinfo");
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
		if (strcmp(g->from.v[i], "slabinfo") && strcmp(g->from.v[i], "meminfo") &&
		    strcmp(g->from.v[i], "vmstat") && strcmp(g->from.v[i], "buddyinfo"))
			rcp_err(c, line, "growth source", g->from.v[i],
				"slabinfo, meminfo, vmstat or buddyinfo");
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
		if (rcp_section_wants_arg(s->type) && !s->arg)
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
	if (rcp_read(&c, text, strlen(text)) == 0) {
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
