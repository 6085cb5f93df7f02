/*
 * symbols.c - raw kernel addresses to "sym+0xoff/0xlen [module]" (the kernel's %pS
 * shape) from /proc/kallsyms or a copy of it.  Loaded lazily on the first raw address,
 * once; lookups are a binary search plus a per-address cache.  Strings already printed
 * by the kernel are never re-symbolized (tb_sym_base only strips them to a name).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"
#include "analyze/analysis-local.h"
#include "util/fileio.h"
#include "util/intern.h"
#include "util/strbuf.h"

struct ksym {
	uint64_t addr, size;
	const char *name, *mod;		/* point into text */
};

struct addr_cache {
	uint64_t addr;
	const char *formatted, *name;
};

struct tb_symbols {
	char *path;
	int loaded;
	char *problem;
	struct strbuf text;
	struct ksym *v;
	size_t n;
	struct tb_otab cache;		/* struct addr_cache */
	uint64_t unresolved;		/* distinct addresses left as 0x... */
};

struct tb_symbols *tb_symbols_new(const char *path)
{
	struct tb_symbols *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	strbuf_init(&s->text);
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
	free(s->v);
	strbuf_release(&s->text);
	tb_otab_release(&s->cache);
	free(s);
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x < y ? -1 : x > y;	/* keep file order among aliases */
}

static void set_problem(struct tb_symbols *s, const char *why)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "raw addresses not symbolized: %s %s", s->path, why);
	free(s->problem);
	s->problem = strbuf_detach(&sb, NULL);
}

/* Parse "ffffffff81000000 T _stext\t[mod]" lines in place. */
static void load(struct tb_symbols *s)
{
	size_t alloc = 0, zero = 0, i, out;
	char *p, *line;
	int r;

	s->loaded = 1;
	if (!s->path) {
		s->problem = strdup("raw addresses not symbolized: no kallsyms file given "
				    "(offline: copy the box's /proc/kallsyms and pass it)");
		return;
	}
	r = tb_read_file(s->path, &s->text);
	if (r < 0) {
		set_problem(s, "cannot be read");
		return;
	}
	for (line = s->text.buf; line && *line; line = p) {
		char *end, *name, *mod = NULL;
		uint64_t addr;
		char type;

		p = strchr(line, '\n');
		if (p)
			*p++ = '\0';
		addr = strtoull(line, &end, 16);
		if (end == line || *end != ' ' || !end[1] || end[2] != ' ')
			continue;
		type = end[1];
		name = end + 3;
		end = strpbrk(name, " \t");
		if (end) {
			*end++ = '\0';
			while (*end == ' ' || *end == '\t')
				end++;
			if (*end == '[') {
				char *close = strchr(end, ']');

				mod = end + 1;
				if (close)
					*close = '\0';
			}
		}
		if (!addr) {
			zero++;
			continue;
		}
		if (type == 'a' || type == 'A' || type == 'U' || type == 'u')
			continue;
		if (ALLOC_GROW(s->v, s->n + 1, alloc)) {
			set_problem(s, "is too big for memory");
			s->n = 0;
			return;
		}
		s->v[s->n].addr = addr;
		s->v[s->n].size = 0;
		s->v[s->n].name = name;
		s->v[s->n].mod = mod;
		s->n++;
	}
	if (!s->n) {
		set_problem(s, zero ? "shows only zero addresses (kptr_restrict; run as root)"
			    : "holds no symbols");
		return;
	}
	qsort(s->v, s->n, sizeof(*s->v), cmp_ksym);
	/* Drop later aliases at the same address; size = distance to the next symbol. */
	for (i = 1, out = 1; i < s->n; i++)
		if (s->v[i].addr != s->v[out - 1].addr)
			s->v[out++] = s->v[i];
	s->n = out;
	for (i = 0; i + 1 < s->n; i++)
		s->v[i].size = s->v[i + 1].addr - s->v[i].addr;
}

static const struct ksym *lookup(struct tb_symbols *s, uint64_t addr)
{
	size_t lo = 0, hi;

	if (!s->loaded)
		load(s);
	hi = s->n;
	if (!hi || addr < s->v[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* The last symbol has no known end: accept only small offsets into it. */
	if (!s->v[lo].size && addr - s->v[lo].addr > 0x100000)
		return NULL;
	return &s->v[lo];
}

static struct addr_cache *resolve(struct tb_symbols *s, uint64_t addr)
{
	struct addr_cache *c = tb_otab_find(&s->cache, addr);
	const struct ksym *k;
	char buf[512];

	if (c || !addr)
		return c;
	k = lookup(s, addr);
	c = tb_otab_insert(&s->cache, addr, NULL);
	if (!c)
		return NULL;
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
	return s && s->unresolved ? s->problem : NULL;
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
