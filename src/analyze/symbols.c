/*
 * symbols.c - raw kernel addresses to "sym+0xoff/0xlen [module]" (the kernel's %pS
 * shape) from /proc/kallsyms or a copy of it, read by kernel/ksyms.c (the parser the
 * planner uses too).  Loaded lazily on the first raw address, once; lookups are the
 * table's binary search plus a per-address cache of the formatted strings.  Strings already printed
 * by the kernel are never re-symbolized (tb_sym_base only strips them to a name).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"
#include "analyze/analysis-local.h"
#include "kernel/ksyms.h"
#include "util/intern.h"
#include "util/strbuf.h"

struct addr_cache {
	uint64_t addr;
	const char *formatted, *name;
};

struct tb_symbols {
	char *path;
	int loaded;
	char *problem;
	struct tb_ksyms table;		/* kernel/ksyms.h */
	struct tb_otab cache;		/* struct addr_cache */
	uint64_t unresolved;		/* distinct addresses left as 0x... */
	uint64_t resolved;		/* distinct addresses named */
	uint64_t past_end, outside;	/* of unresolved: past a function's end, outside text */
	uint64_t first_bad;		/* the first of those */
	char *why;			/* the problem line with the counts (tb_symbols_problem) */
};

struct tb_symbols *tb_symbols_new(const char *path)
{
	struct tb_symbols *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	tb_otab_init(&s->cache, sizeof(struct addr_cache));
	if (path) {
		s->path = strdup(path);
		if (!s->path) {
			free(s);
			return NULL;
		}
	}
	return s;
}

void tb_symbols_free(struct tb_symbols *s)
{
	if (!s)
		return;
	free(s->path);
	free(s->problem);
	free(s->why);
	tb_ksyms_release(&s->table);
	tb_otab_release(&s->cache);
	free(s);
}

static void set_problem(struct tb_symbols *s, const char *why)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "raw addresses not symbolized: %s %s", s->path, why);
	free(s->problem);
	s->problem = strbuf_detach(&sb, NULL);
}

static void load(struct tb_symbols *s)
{
	int r;

	s->loaded = 1;
	if (!s->path) {
		s->problem = strdup("raw addresses not symbolized: no kallsyms file given "
				    "(offline: copy the box's /proc/kallsyms and pass it)");
		return;
	}
	r = tb_ksyms_load(&s->table, s->path);
	if (r == -ENOMEM) {
		set_problem(s, "is too big for memory");
		tb_ksyms_release(&s->table);
	} else if (r < 0) {
		set_problem(s, "cannot be read");
	} else if (!s->table.n) {
		set_problem(s, s->table.zero ? "shows only zero addresses (kptr_restrict; run as root)"
			    : "holds no symbols");
	}
}

static const struct tb_ksym *lookup(struct tb_symbols *s, uint64_t addr)
{
	enum tb_ksym_miss why;
	const struct tb_ksym *k;

	if (!s->loaded)
		load(s);
	k = tb_ksyms_lookup_why(&s->table, addr, &why);
	if (why != TB_KSYM_NONE && !s->past_end && !s->outside)
		s->first_bad = addr;
	s->past_end += why == TB_KSYM_PAST_END;
	s->outside += why == TB_KSYM_OUTSIDE_TEXT;
	return k;
}

static struct addr_cache *resolve(struct tb_symbols *s, uint64_t addr)
{
	struct addr_cache *c = tb_otab_find(&s->cache, addr);
	const struct tb_ksym *k;
	char buf[512];

	if (c || !addr)
		return c;
	k = lookup(s, addr);
	c = tb_otab_insert(&s->cache, addr, NULL);
	if (!c)
		return NULL;
	if (k)
		s->resolved++;
	if (!k) {
		s->unresolved++;
		if (!s->problem)
			set_problem(s, "has no symbol for some of them (is it the kallsyms of the "
				    "kernel the data came from?)");
		snprintf(buf, sizeof(buf), "0x%" PRIx64, addr);
		c->formatted = c->name = tb_intern(buf);
		return c->formatted ? c : NULL;
	}
	if (k->size)
		snprintf(buf, sizeof(buf), "%s+0x%" PRIx64 "/0x%" PRIx64 "%s%s%s", k->name,
			 addr - k->addr, k->size, k->mod ? " [" : "", k->mod ? k->mod : "",
			 k->mod ? "]" : "");
	else
		snprintf(buf, sizeof(buf), "%s+0x%" PRIx64 "%s%s%s", k->name, addr - k->addr,
			 k->mod ? " [" : "", k->mod ? k->mod : "", k->mod ? "]" : "");
	c->formatted = tb_intern(buf);
	c->name = tb_intern(k->name);
	return c->formatted && c->name ? c : NULL;
}

const char *tb_symbols_format(struct tb_symbols *s, uint64_t addr)
{
	struct addr_cache *c = resolve(s, addr);

	return c ? c->formatted : NULL;
}

const char *tb_symbols_name(struct tb_symbols *s, uint64_t addr)
{
	struct addr_cache *c = resolve(s, addr);

	return c ? c->name : NULL;
}

void tb_symbols_preload(struct tb_symbols *s)
{
	if (!s->loaded)
		load(s);
}

const char *tb_symbols_problem(const struct tb_symbols *s)
{
	struct tb_symbols *m = (struct tb_symbols *)s;	/* the message is built once, late */
	struct strbuf sb = STRBUF_INIT;

	if (!s || !s->unresolved)
		return NULL;
	if (!s->past_end && !s->outside)
		return s->problem;
	/*
	 * Addresses that land in data after a function or outside the kernel text are
	 * what a kallsyms of another kernel gives: say so, never print a guess.
	 */
	strbuf_addf(&sb, "raw addresses not symbolized: %s does not match the kernel the data "
		    "came from (another kernel or build?): %llu of %llu addresses fall ", s->path,
		    (unsigned long long)(s->past_end + s->outside),
		    (unsigned long long)(s->resolved + s->unresolved));
	if (s->outside)
		strbuf_addf(&sb, "outside its kernel text (_stext.._etext): %llu",
			    (unsigned long long)s->outside);
	if (s->past_end)
		strbuf_addf(&sb, "%spast the end of the function below them: %llu",
			    s->outside ? "; " : "", (unsigned long long)s->past_end);
	strbuf_addf(&sb, " (first: 0x%llx); they are left as addresses%s",
		    (unsigned long long)s->first_bad, s->resolved ?
		    ", and the names given to the others may be wrong too" : "");
	free(m->why);
	m->why = strbuf_detach(&sb, NULL);
	return m->why;
}

const char *tb_sym_base(const char *printed)
{
	size_t len;

	while (*printed == ' ')
		printed++;
	if (printed[0] == '?' && printed[1] == ' ')
		printed += 2;
	len = strcspn(printed, "+ \t[");
	if (!len)
		len = strlen(printed);
	return tb_intern_n(printed, len);
}
