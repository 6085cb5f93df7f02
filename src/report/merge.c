/*
 * merge.c - the model of `tracebook merge` (report/merge.h): reads each host's JSON
 * report (json-read.c) and the status file the playbook wrote beside it, decides
 * which reports are comparable (the same recipe), and matches groups across hosts by
 * their site and stack as symbols: a frame that is only an address is "?", and when
 * the hosts run different kernels the offsets go too ("fn+0x1c/0x90" -> "fn"), since
 * offsets are only comparable within one build.  Rendering is merge-print.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "report/merge.h"
#include "report/report.h"
#include "util/alloc.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

#define MERGE_BUCKETS 4096

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static const char *jget_str(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

/* The last path component of p without a trailing '/' and without ext (may be NULL). */
static char *base_name(const char *p, const char *ext)
{
	size_t n = strlen(p), b;
	char *r;

	while (n > 1 && p[n - 1] == '/')
		n--;
	b = n;
	while (b > 0 && p[b - 1] != '/')
		b--;
	r = strndup(p + b, n - b);
	if (r && ext) {
		size_t rl = strlen(r), el = strlen(ext);

		if (rl > el && !strcmp(r + rl - el, ext))
			r[rl - el] = '\0';
	}
	return r;
}

/* The directory part of p ("." for a bare name). */
static char *dir_name(const char *p)
{
	const char *s = strrchr(p, '/');

	if (!s)
		return strdup(".");
	if (s == p)
		return strdup("/");
	return strndup(p, (size_t)(s - p));
}

/*
 * The playbook's status.json: {"host", "status": "ok"|"failed", "stage", "exit_code",
 * "message", "probe"}.  Returns 0, or -TB_EXIT_BADINPUT after saying what is wrong.
 */
static int read_status(struct tb_mhost *h, const char *path, int *failed)
{
	json_object *root = json_object_from_file(path), *v;
	const char *st;
	int ret = 0;

	*failed = 0;
	if (!root || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return tb_error_code(TB_EXIT_BADINPUT, "%s: not a status file: expected a JSON "
				     "object with \"host\" and \"status\" (written by "
				     "contrib/ansible's tracebook role)", path);
	}
	st = jget_str(root, "status");
	if (!st || (strcmp(st, "ok") && strcmp(st, "failed"))) {
		ret = tb_error_code(TB_EXIT_BADINPUT, "%s: \"status\" must be \"ok\" or \"failed\"",
				    path);
		goto out;
	}
	if (jget_str(root, "host")) {
		free(h->name);
		h->name = strdup(jget_str(root, "host"));
	}
	h->probe = xstrdup(jget_str(root, "probe"));
	if (!strcmp(st, "failed")) {
		*failed = 1;
		h->stage = xstrdup(jget_str(root, "stage"));
		h->why = xstrdup(jget_str(root, "message"));
		h->exit_code = -1;
		if (json_object_object_get_ex(root, "exit_code", &v) &&
		    json_object_is_type(v, json_type_int))
			h->exit_code = json_object_get_int(v);
	}
out:
	json_object_put(root);
	return ret;
}

/* One argument into host h; 0 or negative after printing why. */
static int load_host(struct tb_mhost *h, const char *arg)
{
	struct strbuf rp = STRBUF_INIT, sp = STRBUF_INIT;
	int failed = 0, ret = 0, has_status;

	h->exit_code = -1;
	if (is_dir(arg)) {
		h->name = base_name(arg, NULL);
		strbuf_addf(&rp, "%s/report.json", arg);
		strbuf_addf(&sp, "%s/status.json", arg);
	} else {
		char *d = dir_name(arg), *b = base_name(arg, ".json");

		h->name = !strcmp(b, "report") ? base_name(d, NULL) : strdup(b);
		strbuf_addstr(&rp, arg);
		/* a status file belongs to results/HOST/report.json, not to any JSON file */
		if (!strcmp(b, "report"))
			strbuf_addf(&sp, "%s/status.json", d);
		free(d);
		free(b);
		if (!tb_exists(arg)) {
			ret = tb_error_code(TB_EXIT_BADINPUT, "%s: no such file", arg);
			goto out;
		}
	}
	has_status = sp.len && tb_exists(sp.buf);
	if (has_status && (ret = read_status(h, sp.buf, &failed)))
		goto out;
	if (failed) {
		h->state = strdup("failed");
		h->origin = strdup(sp.buf);
		goto out;
	}
	if (!tb_exists(rp.buf)) {
		if (!has_status) {
			ret = tb_error_code(TB_EXIT_BADINPUT, "%s: neither report.json nor "
					    "status.json in this directory", arg);
			goto out;
		}
		h->state = strdup("failed");
		h->origin = strdup(sp.buf);
		h->stage = strdup("fetch");
		h->why = strdup("the run ended but no report.json came back");
		goto out;
	}
	h->origin = strdup(rp.buf);
	h->rep = tb_report_read_json(rp.buf);
	if (!h->rep) {
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	h->state = strdup("merged");
out:
	strbuf_release(&rp);
	strbuf_release(&sp);
	if (!ret && (!h->name || !h->state))
		ret = tb_error("out of memory");
	return ret;
}

/* The recipe most merged reports ran (the first of a tie); NULL if none has one. */
static const char *majority_recipe(const struct tb_merge *m)
{
	const char *best = NULL;
	size_t i, j, bestn = 0;

	for (i = 0; i < m->nhosts; i++) {
		const char *r = m->hosts[i].rep ? m->hosts[i].rep->recipe : NULL;
		size_t n = 0;

		if (!r)
			continue;
		for (j = 0; j < m->nhosts; j++)
			if (m->hosts[j].rep && m->hosts[j].rep->recipe &&
			    !strcmp(m->hosts[j].rep->recipe, r))
				n++;
		if (n > bestn) {
			best = r;
			bestn = n;
		}
	}
	return best;
}

/* Hosts whose recipe differs from the majority's are not merged; say why. */
static int decide_comparable(struct tb_merge *m)
{
	const char *r = majority_recipe(m);
	size_t i;

	m->recipe = xstrdup(r);
	for (i = 0; i < m->nhosts; i++) {
		struct tb_mhost *h = &m->hosts[i];
		struct strbuf sb = STRBUF_INIT;
		const char *hr;

		if (!h->rep)
			continue;
		hr = h->rep->recipe;
		if ((!r && !hr) || (r && hr && !strcmp(r, hr))) {
			if (h->rep->kernel_release &&
			    !strlist_has(&m->kernels, h->rep->kernel_release))
				strlist_add(&m->kernels, h->rep->kernel_release);
			continue;
		}
		strbuf_addf(&sb, "recipe %s, the merged hosts ran %s", hr ? hr : "(none: analyze)",
			    r ? r : "(none: analyze)");
		if (strbuf_failed(&sb))
			return tb_error("out of memory");
		free(h->state);
		h->state = strdup("not merged");
		h->why = strbuf_detach(&sb, NULL);
	}
	m->by_function = m->kernels.n > 1;
	return 0;
}

/* A frame or site as matched across hosts (appended to sb). */
static void norm_frame(struct strbuf *sb, const char *f, int by_function)
{
	const char *p, *mod;
	size_t n;

	if (!f) {
		strbuf_addch(sb, '?');
		return;
	}
	while (*f == ' ' || *f == '?')
		f++;
	if (!strncmp(f, "0x", 2) || (strlen(f) >= 8 && strspn(f, "0123456789abcdef") == strlen(f))) {
		strbuf_addch(sb, '?');		/* an address: differs per box */
		return;
	}
	n = strlen(f);
	if (!by_function) {
		strbuf_add(sb, f, n);
		return;
	}
	p = strchr(f, '+');
	mod = strstr(f, " [");
	strbuf_add(sb, f, p ? (size_t)(p - f) : (mod ? (size_t)(mod - f) : n));
	if (mod)
		strbuf_addstr(sb, mod);
}

struct bucket {
	char *key;
	size_t group;
	struct bucket *next;
};

struct matcher {
	struct bucket *b[MERGE_BUCKETS];
};

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % MERGE_BUCKETS;
}

/* Add one host's group; 0 or -1 on ENOMEM. */
static int add_cell(struct tb_merge *m, struct matcher *mt, size_t host, const char *analysis,
		    const char *kind, const char *site, char *const *stack, unsigned nstack,
		    uint64_t count, uint64_t bytes, json_object *extra)
{
	struct strbuf key = STRBUF_INIT, nsite = STRBUF_INIT;
	struct strlist frames = STRLIST_INIT;
	struct bucket *bk;
	struct tb_mgroup *g;
	struct tb_mcell *c;
	unsigned i, h;
	json_object *v;

	norm_frame(&nsite, site, m->by_function);
	strbuf_addf(&key, "%s\x1f%s\x1f%s", kind, analysis, strbuf_str(&nsite));
	for (i = 0; i < nstack; i++) {
		struct strbuf f = STRBUF_INIT;

		norm_frame(&f, stack[i], m->by_function);
		strbuf_addch(&key, '\x1f');
		strbuf_addstr(&key, strbuf_str(&f));
		strlist_add(&frames, strbuf_str(&f));
		strbuf_release(&f);
	}
	if (strbuf_failed(&key) || strbuf_failed(&nsite) || frames.n != nstack)
		goto nomem;
	h = hash(key.buf);
	for (bk = mt->b[h]; bk; bk = bk->next)
		if (!strcmp(bk->key, key.buf))
			break;
	if (!bk) {
		struct tb_mgroup *ng = tb_realloc_array(m->groups, m->ngroups + 1, sizeof(*ng));

		bk = calloc(1, sizeof(*bk));
		if (!ng || !bk) {
			free(bk);
			if (ng)
				m->groups = ng;
			goto nomem;
		}
		m->groups = ng;
		g = &m->groups[m->ngroups];
		memset(g, 0, sizeof(*g));
		g->analysis = strdup(analysis);
		g->kind = kind;
		g->site = strbuf_detach(&nsite, NULL);
		g->nstack = nstack;
		g->stack = frames.v;
		frames.v = NULL;
		frames.n = frames.alloc = 0;
		bk->key = strbuf_detach(&key, NULL);
		bk->group = m->ngroups++;
		bk->next = mt->b[h];
		mt->b[h] = bk;
	}
	g = &m->groups[bk->group];
	g->count += count;
	g->bytes += bytes;
	/* with offsets gone, two sites of one function on one host are one group */
	if (g->ncells && g->cells[g->ncells - 1].host == host) {
		c = &g->cells[g->ncells - 1];
		c->count += count;
		c->bytes += bytes;
		goto out;
	}
	c = tb_realloc_array(g->cells, g->ncells + 1, sizeof(*c));
	if (!c)
		goto nomem;
	g->cells = c;
	c = &g->cells[g->ncells++];
	memset(c, 0, sizeof(*c));
	c->host = host;
	c->count = count;
	c->bytes = bytes;
	c->site = xstrdup(site);
	/* fields of newer reports, read when present */
	c->verdict = xstrdup(jget_str(extra, "verdict"));
	/* schema 2: "rate_per_hour": {"objects": x, "bytes": y}; the objects rate is merged */
	v = NULL;
	if (extra && json_object_object_get_ex(extra, "rate_per_hour", &v) &&
	    json_object_is_type(v, json_type_object) &&
	    !json_object_object_get_ex(v, "objects", &v))
		v = NULL;
	if (v && (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int))) {
		c->rate_per_hour = json_object_get_double(v);
		c->has_rate = 1;
	}
out:
	strbuf_release(&key);
	strbuf_release(&nsite);
	strlist_clear(&frames);
	return 0;
nomem:
	strbuf_release(&key);
	strbuf_release(&nsite);
	strlist_clear(&frames);
	return -1;
}

/* The i-th element of array k of o (NULL when absent). */
static json_object *jidx(json_object *o, const char *k, size_t i)
{
	json_object *a;

	if (!o || !json_object_object_get_ex(o, k, &a) || !json_object_is_type(a, json_type_array) ||
	    i >= json_object_array_length(a))
		return NULL;
	return json_object_array_get_idx(a, i);
}

static int add_host_groups(struct tb_merge *m, struct matcher *mt, size_t hi)
{
	const struct tb_report *r = m->hosts[hi].rep;
	json_object *raw = json_object_from_file(m->hosts[hi].origin);
	size_t i, j;
	int ret = 0;

	for (i = 0; i < r->npairs && !ret; i++) {
		const struct tb_rpair *p = &r->pairs[i];
		json_object *jp = jidx(raw, "pairs", i);

		for (j = 0; j < p->nsites && !ret; j++)
			ret = add_cell(m, mt, hi, p->label, "pair", p->sites[j].site,
				       p->sites[j].stack, p->sites[j].nstack, p->sites[j].count,
				       p->sites[j].bytes, jidx(jp, "outstanding", j));
	}
	for (i = 0; i < r->nbals && !ret; i++) {
		const struct tb_rbal *b = &r->bals[i];
		json_object *jb = jidx(raw, "balances", i);

		for (j = 0; j < b->nsites && !ret; j++)
			ret = add_cell(m, mt, hi, b->label, "balance", b->sites[j].site,
				       b->sites[j].stack, b->sites[j].nstack, b->sites[j].objects,
				       b->sites[j].refs, jidx(jb, "sites", j));
	}
	json_object_put(raw);
	return ret ? tb_error("out of memory merging %s", m->hosts[hi].origin) : 0;
}

/* Analyses some merged hosts have and others lack: a note each. */
static void note_missing_analyses(struct tb_merge *m)
{
	struct strlist labels = STRLIST_INIT;
	size_t i, j, k;

	for (i = 0; i < m->nhosts; i++) {
		const struct tb_report *r = m->hosts[i].rep;

		if (!r || strcmp(m->hosts[i].state, "merged"))
			continue;
		for (j = 0; j < r->npairs; j++)
			if (!strlist_has(&labels, r->pairs[j].label))
				strlist_add(&labels, r->pairs[j].label);
		for (j = 0; j < r->nbals; j++)
			if (!strlist_has(&labels, r->bals[j].label))
				strlist_add(&labels, r->bals[j].label);
	}
	for (k = 0; k < labels.n; k++)
		for (i = 0; i < m->nhosts; i++) {
			const struct tb_report *r = m->hosts[i].rep;
			struct strbuf sb = STRBUF_INIT;
			int has = 0;

			if (!r || strcmp(m->hosts[i].state, "merged"))
				continue;
			for (j = 0; j < r->npairs; j++)
				has |= !strcmp(r->pairs[j].label, labels.v[k]);
			for (j = 0; j < r->nbals; j++)
				has |= !strcmp(r->bals[j].label, labels.v[k]);
			if (has)
				continue;
			strbuf_addf(&sb, "%s: no analysis '%s' in its report (its kernel's plan "
				    "had none): its groups there are unknown, not zero",
				    m->hosts[i].name, labels.v[k]);
			if (!strbuf_failed(&sb))
				strlist_add(&m->notes, sb.buf);
			strbuf_release(&sb);
		}
	strlist_clear(&labels);
}

static int cmp_group(const void *a, const void *b)
{
	const struct tb_mgroup *x = a, *y = b;

	if (x->ncells != y->ncells)
		return x->ncells > y->ncells ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->site, y->site);
}

/* The group table's buckets and their keys (NULL: nothing). */
static void free_table(struct matcher *mt)
{
	size_t i;

	if (!mt)
		return;
	for (i = 0; i < MERGE_BUCKETS; i++)
		while (mt->b[i]) {
			struct bucket *n = mt->b[i]->next;

			free(mt->b[i]->key);
			free(mt->b[i]);
			mt->b[i] = n;
		}
	free(mt);
}

struct tb_merge *tb_merge_load(char *const *args, size_t nargs, int *err)
{
	struct tb_merge *m = calloc(1, sizeof(*m));
	struct matcher *mt = calloc(1, sizeof(*mt));
	size_t i, j;
	int ret = 0;

	*err = -1;
	if (!m || !mt || !(m->hosts = calloc(nargs ? nargs : 1, sizeof(*m->hosts)))) {
		tb_error("out of memory");
		goto fail;
	}
	for (i = 0; i < nargs; i++) {
		ret = load_host(&m->hosts[i], args[i]);
		m->nhosts++;
		if (ret)
			goto fail;
		for (j = 0; j < i; j++)
			if (!strcmp(m->hosts[j].name, m->hosts[i].name)) {
				ret = tb_error_code(TB_EXIT_BADINPUT, "%s: host %s given twice "
						    "(also %s)", args[i], m->hosts[i].name, args[j]);
				goto fail;
			}
	}
	if ((ret = decide_comparable(m)))
		goto fail;
	if (m->by_function) {
		char *k = strlist_join(&m->kernels, ", ");

		if (k) {
			struct strbuf sb = STRBUF_INIT;

			strbuf_addf(&sb, "kernels differ (%s): groups matched by function names, "
				    "without offsets", k);
			if (!strbuf_failed(&sb))
				strlist_add(&m->notes, sb.buf);
			strbuf_release(&sb);
			free(k);
		}
	}
	note_missing_analyses(m);
	for (i = 0; i < m->nhosts; i++)
		if (m->hosts[i].rep && !strcmp(m->hosts[i].state, "merged") &&
		    (ret = add_host_groups(m, mt, i)))
			goto fail;
	if (m->ngroups)
		qsort(m->groups, m->ngroups, sizeof(*m->groups), cmp_group);
	free_table(mt);
	return m;
fail:
	free_table(mt);
	tb_merge_free(m);
	*err = ret < 0 ? ret : -1;
	return NULL;
}

void tb_merge_free(struct tb_merge *m)
{
	size_t i, j;

	if (!m)
		return;
	for (i = 0; i < m->nhosts; i++) {
		struct tb_mhost *h = &m->hosts[i];

		free(h->name);
		free(h->origin);
		tb_report_free(h->rep);
		free(h->state);
		free(h->why);
		free(h->stage);
		free(h->probe);
	}
	free(m->hosts);
	for (i = 0; i < m->ngroups; i++) {
		struct tb_mgroup *g = &m->groups[i];

		free(g->analysis);
		free(g->site);
		for (j = 0; j < g->nstack; j++)
			free(g->stack[j]);
		free(g->stack);
		for (j = 0; j < g->ncells; j++) {
			free(g->cells[j].verdict);
			free(g->cells[j].site);
		}
		free(g->cells);
	}
	free(m->groups);
	free(m->recipe);
	strlist_clear(&m->kernels);
	strlist_clear(&m->notes);
	free(m);
}
