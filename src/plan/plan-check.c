/*
 * plan-check.c - what the planner can check before anything is written: a recipe's
 * event filters against the event's format file (field names, string or number, the
 * value fits the field's size and sign, hex addresses written without 0x), a
 * bytes_alloc compared with the slab object sizes this kernel has, and cache names
 * against the caches it has (/proc/slabinfo, /sys/kernel/slab), with near names both
 * ways (kmalloc-8k <-> kmalloc-8192).  On 3.10 there is no error_log to say why a
 * filter write failed; here the user learns it from `check`/--dry-run already.
 * A value that came from a command-line parameter is named as such.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "event/filter.h"
#include "kernel/format.h"
#include "kernel/slab.h"
#include "plan/plan-local.h"
#include "util/fileio.h"
#include "util/strbuf.h"

/* ---- what this kernel's slab caches are ------------------------------------------- */

struct cacheset {
	struct strlist names;		/* every name (primaries and aliases) */
	unsigned long *sizes;		/* object sizes seen (kmalloc-N, objsize, slab_size) */
	size_t nsizes;
	int known;			/* something could be read */
};

static void add_size(struct cacheset *cs, unsigned long s)
{
	unsigned long *v;
	size_t i;

	if (!s)
		return;
	for (i = 0; i < cs->nsizes; i++)
		if (cs->sizes[i] == s)
			return;
	v = realloc(cs->sizes, (cs->nsizes + 1) * sizeof(*v));
	if (!v)
		return;
	cs->sizes = v;
	cs->sizes[cs->nsizes++] = s;
}

static void add_name(struct cacheset *cs, const char *n)
{
	if (n && *n && n[0] != ':' && !strlist_has(&cs->names, n))
		strlist_add(&cs->names, n);
	if (n)
		add_size(cs, plan_kmalloc_size(n));
}

static void load_caches(const struct tb_caps *caps, struct cacheset *cs)
{
	struct tb_slab_tree t = TB_SLAB_TREE_INIT;
	struct strbuf sb = STRBUF_INIT;
	char path[PATH_MAX + 300];
	size_t i, j;

	memset(cs, 0, sizeof(*cs));
	snprintf(path, sizeof(path), "%s/slabinfo", caps->proc_dir);
	if (tb_read_file(path, &sb) == 0) {
		const char *p = sb.buf;

		while (p && *p) {
			const char *eol = strchr(p, '\n');
			char name[128];
			unsigned long a, b, objsize;

			if (strncmp(p, "slabinfo", 8) && *p != '#' &&
			    sscanf(p, "%127s %lu %lu %lu", name, &a, &b, &objsize) == 4) {
				add_name(cs, name);
				add_size(cs, objsize);
				cs->known = 1;
			}
			p = eol ? eol + 1 : NULL;
		}
	}
	strbuf_release(&sb);
	if (caps->slab_dir[0] && tb_slab_load(&t, caps->slab_dir) == 0) {
		for (i = 0; i < t.n; i++) {
			const struct tb_slab_cache *c = &t.caches[i];

			cs->known = 1;
			add_name(cs, c->primary);
			if (!c->merged)
				add_name(cs, c->dir);
			for (j = 0; j < c->names.n; j++)
				add_name(cs, c->names.v[j]);
			if (c->object_size > 0)
				add_size(cs, (unsigned long)c->object_size);
			snprintf(path, sizeof(path), "%s/%s/slab_size", caps->slab_dir, c->dir);
			add_size(cs, plan_read_ulong(path));
		}
	}
	tb_slab_release(&t);
}

static void free_caches(struct cacheset *cs)
{
	strlist_clear(&cs->names);
	free(cs->sizes);
}

/* ---- where a value came from -------------------------------------------------------- */

/* The parameter given on the command line whose value is v, or NULL. */
static const struct tb_recipe_param *cmdline_param(const struct tb_recipe *r, const char *v)
{
	unsigned i;

	for (i = 0; i < r->nparams; i++) {
		const struct tb_recipe_param *p = &r->params[i];

		if (p->value && *p->value && !strcmp(p->value, v) &&
		    (!p->def || strcmp(p->def, p->value)))
			return p;
	}
	return NULL;
}

/* "command-line argument size=6000" or "FILE:LINE" into buf. */
static const char *origin(const struct tb_recipe *r, int line, const char *value, char *buf,
			  size_t len)
{
	const struct tb_recipe_param *p = value ? cmdline_param(r, value) : NULL;

	if (p)
		snprintf(buf, len, "command-line argument %s=%s", p->name, p->value);
	else
		snprintf(buf, len, "%s:%d", r->path, line);
	return buf;
}

/* ---- cache names ---------------------------------------------------------------------- */

int plan_check_cache(struct plan_builder *b, const char *cache, int line)
{
	struct cacheset cs;
	struct strbuf list = STRBUF_INIT, same = STRBUF_INIT;
	unsigned long size = plan_kmalloc_size(cache);
	char where[512];
	char *near;
	size_t i;
	int r = 0;

	load_caches(b->caps, &cs);
	if (!cs.known || strlist_has(&cs.names, cache)) {
		free_caches(&cs);
		return 0;	/* nothing to check against, or there */
	}
	for (i = 0; i < cs.names.n; i++) {
		strbuf_addf(&list, "%s\n", cs.names.v[i]);
		if (size && plan_kmalloc_size(cs.names.v[i]) == size &&
		    strstr(cs.names.v[i], "kmalloc-") == cs.names.v[i] &&
		    strchr(cs.names.v[i], '-') == strrchr(cs.names.v[i], '-'))
			strbuf_addf(&same, "%s%s", same.len ? ", " : "", cs.names.v[i]);
	}
	origin(b->r, line, cache, where, sizeof(where));
	if (same.len) {
		r = tb_error_code(TB_EXIT_BADINPUT, "%s: this kernel (%s) has no slab cache '%s': it "
				  "names that size %s", where, b->caps->release, cache, same.buf);
	} else {
		near = tb_sym_near(cache, list.buf, TB_SYM_LIST);
		r = tb_error_code(TB_EXIT_BADINPUT, "%s: this kernel (%s) has no slab cache '%s'%s%s%s "
				  "(see `tracebook slabs`)", where, b->caps->release, cache,
				  size ? " (no kmalloc cache of that size)" : "",
				  near && *near ? "; near: " : "", near ? near : "");
		free(near);
	}
	strbuf_release(&list);
	strbuf_release(&same);
	free_caches(&cs);
	return r;
}

/* ---- filters against the format --------------------------------------------------------- */

struct fcheck {
	struct plan_builder *b;
	const char *sys, *ev, *filter, *fmt_path;
	int line;
	struct tb_format fmt;
	struct cacheset *cs;
	int is_kmem;
};

static int is_hex_word(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!isxdigit((unsigned char)*s))
			return 0;
	return n >= 4;
}

static int check_pred(void *ctx, const struct tb_filter_pred *p)
{
	struct fcheck *c = ctx;
	const struct tb_fmt_field *f = tb_format_field(&c->fmt, p->field);
	char where[512], ty[160];
	struct strbuf sb = STRBUF_INIT;
	unsigned i;
	int r;

	origin(c->b->r, c->line, p->value, where, sizeof(where));
	if (!f && (!strcmp(p->field, "CPU") || !strcmp(p->field, "COMM") ||
		   !strcmp(p->field, "cpu") || !strcmp(p->field, "comm")))
		return 0;	/* the kernel's own pseudo fields */
	if (!f) {
		for (i = 0; i < c->fmt.n; i++)
			if (strncmp(c->fmt.v[i].name, "common_", 7))
				strbuf_addf(&sb, " %s", c->fmt.v[i].name);
		r = tb_error_code(TB_EXIT_BADINPUT, "%s: filter '%s' of %s:%s: field '%s' is not in "
				  "this kernel's format of the event (%s); its fields:%s", where,
				  c->filter, c->sys, c->ev, p->field, c->fmt_path, sb.buf);
		strbuf_release(&sb);
		return r;
	}
	snprintf(ty, sizeof(ty), "%s, %u bytes, %s", f->type, f->size,
		 f->is_signed ? "signed" : "unsigned");
	if (f->is_string) {
		if (strchr("<>&", p->op[0]))
			return tb_error_code(TB_EXIT_BADINPUT, "%s: filter '%s' of %s:%s: field '%s' "
					     "is a string (%s): '%s' needs a number field; use ==, != "
					     "or ~", where, c->filter, c->sys, c->ev, p->field,
					     f->type, p->op);
		return 0;
	}
	if (p->op[0] == '~')
		return tb_error_code(TB_EXIT_BADINPUT, "%s: filter '%s' of %s:%s: field '%s' is a "
				     "number (%s): '~' matches strings only", where, c->filter,
				     c->sys, c->ev, p->field, f->type);
	if (!p->numeric) {
		if (!p->quoted && is_hex_word(p->value))
			return tb_error_code(TB_EXIT_BADINPUT, "%s: filter '%s' of %s:%s: value '%s' "
					     "of number field '%s' (%s) reads as hex without '0x': "
					     "the kernel takes decimal unless it starts with 0x; "
					     "write 0x%s", where, c->filter, c->sys, c->ev, p->value,
					     p->field, f->type, p->value);
		return tb_error_code(TB_EXIT_BADINPUT, "%s: filter '%s' of %s:%s: field '%s' is a "
				     "number (%s): value '%s' is not a number (decimal or 0x hex)",
				     where, c->filter, c->sys, c->ev, p->field, f->type, p->value);
	}
	if (p->range || (p->negative && !f->is_signed) ||
	    (f->size && f->size < 8 && !p->negative && p->num >> (f->size * 8 - f->is_signed)) ||
	    (f->size && f->size < 8 && p->negative &&
	     (int64_t)p->num < -((int64_t)1 << (f->size * 8 - 1))) ||
	    (f->size == 8 && f->is_signed && !p->negative && p->num > (uint64_t)INT64_MAX))
		return tb_error_code(TB_EXIT_BADINPUT, "%s: filter '%s' of %s:%s: value %s does not "
				     "fit field '%s' (%s)", where, c->filter, c->sys, c->ev,
				     p->value, p->field, ty);
	if (c->is_kmem && !strcmp(p->field, "bytes_alloc") && !strcmp(p->op, "==") &&
	    c->cs && c->cs->known) {
		size_t k;
		unsigned long lo = 0, hi = 0;

		if (p->num == 0)
			return tb_error_code(TB_EXIT_BADINPUT, "%s: filter '%s' of %s:%s: bytes_alloc "
					     "is never 0 (it is the slab object size of an allocation)",
					     where, c->filter, c->sys, c->ev);
		for (k = 0; k < c->cs->nsizes; k++) {
			unsigned long s = c->cs->sizes[k];

			if (s == p->num)
				return 0;
			if (s < p->num && s > lo)
				lo = s;
			if (s > p->num && (!hi || s < hi))
				hi = s;
		}
		if (lo && hi)
			strbuf_addf(&sb, "the nearest sizes it has are %lu and %lu", lo, hi);
		else if (lo || hi)
			strbuf_addf(&sb, "the nearest size it has is %lu", lo ? lo : hi);
		r = tb_error_code(TB_EXIT_BADINPUT, "%s: filter '%s' of %s:%s: no slab cache of this "
				  "kernel (%s) has %llu-byte objects, so bytes_alloc (the object "
				  "size, e.g. the N of kmalloc-N) never equals it; %s", where,
				  c->filter, c->sys, c->ev, c->b->caps->release,
				  (unsigned long long)p->num, sb.len ? sb.buf : "see `tracebook slabs`");
		strbuf_release(&sb);
		return r;
	}
	return 0;
}

int plan_check_filter(struct plan_builder *b, const char *sys, const char *ev,
		      const char *filter, int line)
{
	struct fcheck c;
	struct strbuf text = STRBUF_INIT;
	struct tb_filter *f = NULL;
	struct cacheset cs;
	char path[PATH_MAX + 300], err[160];
	int r;

	if (!filter || !*filter)
		return 0;
	r = tb_filter_parse(filter, &f, err, sizeof(err));
	if (r == -1)
		return tb_error_code(TB_EXIT_BADINPUT, "%s:%d: filter '%s': %s", b->r->path, line,
				     filter, err);
	if (r)
		return tb_error("out of memory");
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", b->caps->tracefs, sys, ev);
	if (tb_read_file(path, &text) < 0) {
		tb_filter_free(f);
		strbuf_release(&text);
		return 0;	/* no format to check against (the write will tell) */
	}
	memset(&c, 0, sizeof(c));
	c.b = b;
	c.sys = sys;
	c.ev = ev;
	c.filter = filter;
	c.fmt_path = path;
	c.line = line;
	c.is_kmem = !strcmp(sys, "kmem");
	if (tb_format_parse(text.buf, &c.fmt) < 0) {
		tb_format_release(&c.fmt);
		tb_filter_free(f);
		strbuf_release(&text);
		return tb_error("out of memory");
	}
	if (c.is_kmem) {
		load_caches(b->caps, &cs);
		c.cs = &cs;
	}
	r = c.fmt.n ? tb_filter_foreach(f, check_pred, &c) : 0;
	if (c.is_kmem)
		free_caches(&cs);
	tb_format_release(&c.fmt);
	tb_filter_free(f);
	strbuf_release(&text);
	return r;
}

int tb_plan_check(const struct tb_recipe *r, const struct tb_caps *caps)
{
	struct plan_builder b;
	unsigned i;
	size_t k;
	int ret = 0;

	memset(&b, 0, sizeof(b));
	b.r = r;
	b.caps = caps;
	for (i = 0; !ret && i < r->ntps; i++) {
		const struct tb_recipe_tracepoint *tp = &r->tps[i];

		if (!plan_event_exists(caps, tp->system, tp->event))
			continue;	/* said by the planner, with near names */
		ret = plan_check_filter(&b, tp->system, tp->event, tp->filter, tp->line);
		if (!ret && tp->cache && plan_safe_name(tp->cache))
			ret = plan_check_cache(&b, tp->cache, tp->line);
	}
	for (k = 0; !ret && r->slub && k < r->slub->caches.n; k++)
		if (plan_safe_name(r->slub->caches.v[k]))
			ret = plan_check_cache(&b, r->slub->caches.v[k], r->slub->line);
	return ret;
}
