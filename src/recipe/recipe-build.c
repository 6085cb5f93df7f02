/*
 * recipe-build.c - sections and keys → struct tb_recipe.  Each section type has one
 * key table (key, kind, required, example): the "unknown key" lists, the examples
 * of "a 'KEY' key (e.g. KEY = EXAMPLE)" and which values keep their newlines come
 * from it; the section table maps each [type] to its builder and key table.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "recipe/recipe-local.h"
#include "util/procfs.h"
#include "util/strbuf.h"

/* --- the key tables: one per section ------------------------------------------- */

static const struct rcp_key recipe_keys[] = {
	{ "name", RK_TEXT, 1, "slab-leak" },
	{ "summary", RK_TEXT, 1, "one line saying what it finds" },
	{ "symptom", RK_TEXT, 0, NULL },
	{ "description", RK_LINES, 0, NULL },
	{ "duration", RK_DURATION, 0, "30s" },
	{ NULL }
};

static const struct rcp_key function_keys[] = {
	{ "functions", RK_LIST, 1, "alloc_netdev_mqs free_netdev" },
	{ "stack", RK_BOOL, 0, NULL },
	{ NULL }
};

static const struct rcp_key tracepoint_keys[] = {
	{ "filter", RK_TEXT, 0, "bytes_alloc > 4096" },
	{ "stack", RK_BOOL, 0, NULL },
	{ "cache", RK_TEXT, 0, "kmalloc-8192" },
	{ "optional", RK_BOOL, 0, NULL },
	{ NULL }
};

static const struct rcp_key kprobe_keys[] = {
	{ "probe", RK_TEXT, 1, "kernfs_new_node" },
	{ "return", RK_BOOL, 0, NULL },
	{ "args", RK_LIST, 0, NULL },
	{ "filter", RK_TEXT, 0, NULL },
	{ "stack", RK_BOOL, 0, NULL },
	{ NULL }
};

static const struct rcp_key slub_keys[] = {
	{ "caches", RK_LIST, 1, "kmalloc-8192" },
	{ NULL }
};

static const struct rcp_key snapshot_keys[] = {
	{ "files", RK_LIST, 1, "slabinfo meminfo" },
	{ "interval", RK_DURATION, 0, "1s" },
	{ NULL }
};

static const struct rcp_key pair_keys[] = {
	{ "alloc", RK_LIST, 1, "kmem:kmalloc" },
	{ "free", RK_LIST, 1, "kmem:kfree" },
	{ "key", RK_IDENT, 0, "ptr" },
	{ "alloc_key", RK_IDENT, 0, NULL },
	{ "free_key", RK_IDENT, 0, NULL },
	{ "size", RK_IDENT, 0, NULL },
	{ "requested", RK_IDENT, 0, NULL },
	{ "group", RK_GROUP, 0, "site+stack" },
	{ "by", RK_IDENT, 0, NULL },
	{ NULL }
};

/* count needs functions or events: "required" is checked by build_count itself */
static const struct rcp_key count_keys[] = {
	{ "functions", RK_LIST, 0, "alloc_netdev_mqs free_netdev' or 'events = ..." },
	{ "events", RK_LIST, 0, NULL },
	{ "by", RK_IDENT, 0, NULL },
	{ "balance", RK_LIST, 0, NULL },
	{ NULL }
};

static const struct rcp_key balance_keys[] = {
	{ "get", RK_LIST, 1, "kprobe:ref_get" },
	{ "put", RK_LIST, 1, "kprobe:ref_put" },
	{ "key", RK_IDENT, 0, NULL },
	{ "get_key", RK_IDENT, 0, NULL },
	{ "put_key", RK_IDENT, 0, NULL },
	{ "group", RK_GROUP, 0, NULL },
	{ NULL }
};

static const struct rcp_key growth_keys[] = {
	{ "caches", RK_LIST, 0, NULL },
	{ "from", RK_LIST, 1, "slabinfo meminfo" },
	{ NULL }
};

/* The key of s's table named key (NULL when the table has none). */
static const struct rcp_key *section_key(const struct rcp_section *s, const char *key)
{
	const struct rcp_key *k;

	for (k = s->st ? s->st->keys : NULL; k && k->key; k++)
		if (!strcmp(k->key, key))
			return k;
	return NULL;
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
 * substitution.  RK_LINES keys keep newlines (description); others get spaces
 * for them.  *line gets the key's line (or the section's when absent).
 */
static char *val(struct rcp_ctx *c, struct rcp_section *s, const char *key, int *line)
{
	const struct rcp_key *k = section_key(s, key);
	int multiline = k && k->kind == RK_LINES;
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
	char *v = val(c, s, key, &line);
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
	char *v = val(c, s, key, line);

	if (v && strlist_split_ws(l, v))
		c->oom = 1;
	free(v);
}

/* A key the section needs: refused with the table's example when have is NULL. */
static void require(struct rcp_ctx *c, struct rcp_section *s, const char *key, const void *have)
{
	const struct rcp_key *k = section_key(s, key);
	const char *example = k && k->example ? k->example : "...";
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

/* Report keys nobody took, listing what the section's key table accepts. */
static void unknown_keys(struct rcp_ctx *c, struct rcp_section *s)
{
	struct strbuf known = STRBUF_INIT;
	const struct rcp_key *k;
	unsigned i;

	for (i = 0; i < s->nentries; i++) {
		if (s->entries[i].used)
			continue;
		if (!known.len)
			for (k = s->st->keys; k && k->key; k++)
				strbuf_addf(&known, "%s%s", known.len ? ", " : "", k->key);
		if (strbuf_failed(&known))
			c->oom = 1;
		rcp_err(c, s->entries[i].line, "unknown key", s->entries[i].key,
			"one of %s in [%s]", strbuf_str(&known), s->type);
	}
	strbuf_release(&known);
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

	r->name = val(c, s, "name", &line);
	if (r->name)
		rcp_check_label(c, line, "recipe name", r->name);
	r->summary = val(c, s, "summary", NULL);
	r->symptom = val(c, s, "symptom", NULL);
	r->description = val(c, s, "description", NULL);
	d = val(c, s, "duration", &line);
	if (d)
		rcp_check_duration(c, line, "duration", d, &r->duration_ns);
	free(d);
	require(c, s, "name", r->name);
	require(c, s, "summary", r->summary);
	unknown_keys(c, s);
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
	require(c, s, "functions", f->funcs.n ? "" : NULL);
	unknown_keys(c, s);
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
	tp->filter = val(c, s, "filter", &line);
	if (tp->filter)
		rcp_check_filter(c, line, tp->filter, NULL);
	bool_key(c, s, "stack", &tp->stack);
	bool_key(c, s, "optional", &tp->optional);
	tp->cache = val(c, s, "cache", &line);
	if (tp->cache)
		rcp_check_cache_name(c, line, "unsafe cache name", tp->cache);
	unknown_keys(c, s);
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
	kp->probe = val(c, s, "probe", &line);
	if (kp->probe)
		rcp_check_probe_point(c, line, kp->probe);
	require(c, s, "probe", kp->probe);
	bool_key(c, s, "return", &kp->is_return);
	list_key(c, s, "args", &kp->args, &aline);
	for (j = 0; j < kp->args.n; j++)
		rcp_check_kprobe_arg(c, aline, kp->args.v[j], kp->is_return, &names);
	kp->filter = val(c, s, "filter", &line);
	if (kp->filter && !rcp_check_filter(c, line, kp->filter, &fields)) {
		for (j = 0; j < fields.n; j++)
			if (!strlist_has(&names, fields.v[j]) && strncmp(fields.v[j], "common_", 7) &&
			    strncmp(fields.v[j], "__probe_", 8))	/* __probe_ip, __probe_ret_ip */
				rcp_err(c, line, "filter field", fields.v[j],
					"an argument this kprobe fetches (args = %s=...)", fields.v[j]);
	}
	bool_key(c, s, "stack", &kp->stack);
	unknown_keys(c, s);
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
	require(c, s, "caches", sl->caches.n ? "" : NULL);
	unknown_keys(c, s);
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
	require(c, s, "files", sn->files.n ? "" : NULL);
	iv = val(c, s, "interval", &line);
	if (iv)
		rcp_check_duration(c, line, "interval", iv, &sn->interval_ns);
	free(iv);
	unknown_keys(c, s);
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
	char *key = val(c, s, "key", &line);

	*a = val(c, s, a_name, &la);
	*b = val(c, s, b_name, &lb);
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
	require(c, s, "alloc", p->alloc.n ? "" : NULL);
	require(c, s, "free", p->free.n ? "" : NULL);
	key_pair(c, s, "alloc_key", "free_key", &p->alloc_key, &p->free_key);
	p->size = val(c, s, "size", &line);
	if (p->size)
		rcp_check_ident(c, line, "size field", p->size);
	p->requested = val(c, s, "requested", &line);
	if (p->requested)
		rcp_check_ident(c, line, "requested field", p->requested);
	g = val(c, s, "group", &line);
	p->group = parse_group(c, line, g);
	free(g);
	p->by = val(c, s, "by", &line);
	if (p->by)
		rcp_check_ident(c, line, "by field", p->by);
	unknown_keys(c, s);
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
		require(c, s, "functions", NULL);
	by = val(c, s, "by", &line);
	k->by_caller = 1;
	if (by && !strcmp(by, "none"))
		k->by_caller = 0;
	else if (by && strcmp(by, "caller"))
		rcp_err(c, line, "by", by, "caller or none");
	free(by);
	list_key(c, s, "balance", &k->balance, &line);
	unknown_keys(c, s);
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
	require(c, s, "get", b->get.n ? "" : NULL);
	require(c, s, "put", b->put.n ? "" : NULL);
	key_pair(c, s, "get_key", "put_key", &b->get_key, &b->put_key);
	g = val(c, s, "group", &line);
	b->group = parse_group(c, line, g);
	free(g);
	unknown_keys(c, s);
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
	require(c, s, "from", g->from.n ? "" : NULL);
	unknown_keys(c, s);
}

/* --- the section table --------------------------------------------------------- */

/* [param] is read by recipe-params.c: no builder, no key table here. */
static const struct rcp_section_type section_types[] = {
	{ "recipe", NULL, NULL, build_recipe, recipe_keys },
	{ "param", "NAME", "NAME", NULL, NULL },
	{ "function", NULL, NULL, build_function, function_keys },
	{ "tracepoint", "SYS:EVENT", "kmem:kmalloc", build_tracepoint, tracepoint_keys },
	{ "kprobe", "NAME", "NAME", build_kprobe, kprobe_keys },
	{ "slub-trace", NULL, NULL, build_slub, slub_keys },
	{ "snapshot", NULL, NULL, build_snapshot, snapshot_keys },
	{ "pair", "LABEL", "NAME", build_pair, pair_keys },
	{ "count", "LABEL", "NAME", build_count, count_keys },
	{ "balance", "LABEL", "NAME", build_balance, balance_keys },
	{ "growth", NULL, NULL, build_growth, growth_keys },
	{ NULL }
};

/**
 * rcp_section_types - the table of recipe sections, ended by a NULL type.
 */
const struct rcp_section_type *rcp_section_types(void)
{
	return section_types;
}

/**
 * rcp_section_type - the section type named type, or NULL when there is none.
 */
const struct rcp_section_type *rcp_section_type(const char *type)
{
	const struct rcp_section_type *st;

	for (st = section_types; type && st->type; st++)
		if (!strcmp(st->type, type))
			return st;
	return NULL;
}

/**
 * rcp_build - turn the read sections (c->sections) into c->r, one builder per
 * section type; errors go to c's collector.
 */
void rcp_build(struct rcp_ctx *c)
{
	struct rcp_section *recipe = NULL;
	unsigned i;

	for (i = 0; i < c->nsections; i++) {
		struct rcp_section *s = &c->sections[i];

		if (!s->st || !s->st->build)
			continue;	/* unknown (reported when read) or [param] */
		if (s->st->arg && !s->arg)
			continue;	/* reported when read */
		if (s->st->build == build_recipe) {
			if (recipe) {
				rcp_err(c, s->line, "duplicate section", "[recipe]",
					"one [recipe] section (first on line %d)", recipe->line);
				continue;
			}
			recipe = s;
		}
		s->st->build(c, s);
	}
	if (!recipe)
		rcp_err(c, 0, "missing section", "[recipe]",
			"a [recipe] section with name and summary");
	if (!c->r->function && !c->r->ntps && !c->r->nkps && !c->r->slub && !c->r->snapshot)
		rcp_err(c, 0, "recipe traces nothing", NULL,
			"at least one of [function], [tracepoint ...], [kprobe ...], [slub-trace], "
			"[snapshot]");
}

