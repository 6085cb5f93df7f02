/*
 * stacks.c - interned stacks: each distinct stack (raw addresses or printed symbol
 * strings) gets a small id (hash -> id), so analyzers keep 4 bytes per object and
 * group by stack cheaply.  Frames of raw stacks are symbolized lazily, when a report
 * asks for them.  Also knows which frames are allocator/tracing machinery, to find
 * the caller that matters (the "site").
 */
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"
#include "analyze/analysis-local.h"
#include "util/intern.h"

struct stk {
	uint64_t hash;
	unsigned n;
	int is_addr;
	uint64_t *addrs;		/* is_addr */
	const char **frames;		/* interned strings (symbolized lazily for addrs) */
	const char *site, *site_skip;
	int site_done;
};

struct stk_idx {
	uint64_t h;
	uint32_t id;
	uint32_t pad;
};

struct tb_stacks {
	struct tb_symbols *syms;
	struct stk *v;			/* v[0] unused: id 0 is "no stack" */
	size_t n, alloc;
	struct tb_otab idx;
};

struct tb_stacks *tb_stacks_new(struct tb_symbols *syms)
{
	struct tb_stacks *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->syms = syms;
	st->n = 1;
	tb_otab_init(&st->idx, sizeof(struct stk_idx));
	return st;
}

void tb_stacks_free(struct tb_stacks *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 1; i < st->n; i++) {
		free(st->v[i].addrs);
		free(st->v[i].frames);
	}
	free(st->v);
	tb_otab_release(&st->idx);
	free(st);
}

size_t tb_stacks_count(const struct tb_stacks *st)
{
	return st->n - 1;
}

static uint64_t stack_hash(const struct tb_stack *s)
{
	uint64_t h = 1469598103934665603ULL;
	unsigned i;

	if (s->addrs) {
		h = tb_hash_bytes(s->addrs, s->n * sizeof(uint64_t));
	} else {
		for (i = 0; i < s->n; i++) {
			const char *f = s->syms[i] ? s->syms[i] : "";

			h = (h ^ tb_hash_bytes(f, strlen(f))) * 1099511628211ULL;
		}
		h ^= 0x5bd1e995;
	}
	return h ? h : 1;
}

static int same(const struct stk *k, const struct tb_stack *s)
{
	unsigned i;

	if (k->n != s->n || k->is_addr != (s->addrs != NULL))
		return 0;
	if (k->is_addr)
		return !memcmp(k->addrs, s->addrs, s->n * sizeof(uint64_t));
	for (i = 0; i < s->n; i++)
		if (strcmp(k->frames[i], s->syms[i] ? s->syms[i] : ""))
			return 0;
	return 1;
}

static int64_t add(struct tb_stacks *st, const struct tb_stack *s, uint64_t h)
{
	struct stk *k;
	unsigned i;

	if (ALLOC_GROW(st->v, st->n + 1, st->alloc))
		return -1;
	k = &st->v[st->n];
	memset(k, 0, sizeof(*k));
	k->hash = h;
	k->n = s->n;
	k->is_addr = s->addrs != NULL;
	k->frames = calloc(s->n, sizeof(*k->frames));
	if (!k->frames)
		return -1;
	if (k->is_addr) {
		k->addrs = malloc(s->n * sizeof(uint64_t));
		if (!k->addrs) {
			free(k->frames);
			return -1;
		}
		memcpy(k->addrs, s->addrs, s->n * sizeof(uint64_t));
	} else {
		for (i = 0; i < s->n; i++) {
			k->frames[i] = tb_intern(s->syms[i] ? s->syms[i] : "");
			if (!k->frames[i]) {
				free(k->frames);
				return -1;
			}
		}
	}
	return (int64_t)st->n++;
}

int64_t tb_stacks_intern(struct tb_stacks *st, const struct tb_stack *s)
{
	uint64_t h, probe;

	if (!s->n || (!s->addrs && !s->syms))
		return 0;
	h = stack_hash(s);
	for (probe = h;; probe++) {
		struct stk_idx *r;
		int existed;
		int64_t id;

		if (!probe)
			continue;
		r = tb_otab_insert(&st->idx, probe, &existed);
		if (!r)
			return -1;
		if (existed) {
			if (same(&st->v[r->id], s))
				return r->id;
			continue;
		}
		id = add(st, s, h);
		r = tb_otab_find(&st->idx, probe);
		if (id < 0) {
			tb_otab_delete(&st->idx, r);
			return -1;
		}
		r->id = (uint32_t)id;
		return id;
	}
}

unsigned tb_stacks_depth(const struct tb_stacks *st, uint32_t id)
{
	return id && id < st->n ? st->v[id].n : 0;
}

const char *tb_stacks_frame(struct tb_stacks *st, uint32_t id, unsigned i)
{
	struct stk *k;

	if (!id || id >= st->n || i >= st->v[id].n)
		return NULL;
	k = &st->v[id];
	if (!k->frames[i] && k->is_addr)
		k->frames[i] = tb_symbols_format(st->syms, k->addrs[i]);
	return k->frames[i];
}

/* Allocator, tracing and probe machinery: never "the caller". */
static const char *const internal_prefixes[] = {
	"kmalloc", "__kmalloc", "kmem_cache_alloc", "__kmem_cache_alloc", "kmem_cache_zalloc",
	"kzalloc", "kcalloc", "krealloc", "__krealloc", "kvmalloc", "__kvmalloc", "kvzalloc",
	"kvcalloc", "kmemdup", "kstrdup", "slab_alloc", "__slab_alloc", "___slab_alloc",
	"slab_post_alloc_hook", "alloc_slab_page", "allocate_slab", "new_slab", "setup_object",
	"alloc_pages", "__alloc_pages", "alloc_page_interleave", "get_page_from_freelist",
	"__get_free_pages", "get_zeroed_page", "kmalloc_large", "kmalloc_order",
	"__do_kmalloc", "__kmalloc_large", "vmalloc", "__vmalloc", "vzalloc", "kfree",
	"kmem_cache_free", "slab_free", "__slab_free", "do_slab_free", "__free_pages",
	"free_pages", "trace_", "__trace_", "perf_trace_", "trace_event_", "ftrace_",
	"__ftrace_", "stack_trace_", "save_stack", "arch_stack_walk", "kprobe_",
	"kretprobe_", "__kretprobe", "pre_handler_kretprobe", "kprobe_ftrace_handler",
	"kasan_", "__kasan", "should_failslab", "memcg_slab", "__memcg_slab",
	"[FTRACE TRAMPOLINE]", "<stack trace>",
};

int tb_is_internal_frame(const char *func)
{
	size_t i;

	for (i = 0; i < sizeof(internal_prefixes) / sizeof(internal_prefixes[0]); i++)
		if (!strncmp(func, internal_prefixes[i], strlen(internal_prefixes[i])))
			return 1;
	return 0;
}

/*
 * An optimized kprobe's stack on 32-bit ARM: the unwinder cannot leave the detour
 * buffer, so every frame (one, in practice) is kprobe_optinsn_page [__builtin__kprobes].
 */
int tb_stacks_optprobe(struct tb_stacks *st, uint32_t id)
{
	unsigned i, n = tb_stacks_depth(st, id);

	for (i = 0; i < n; i++) {
		const char *f = tb_stacks_frame(st, id, i), *base;

		if (!f)
			return 0;
		base = tb_sym_base(f);
		if (!strstr(f, "[__builtin__kprobes]") && (!base || strcmp(base, "kprobe_optinsn_page")))
			return 0;
	}
	return n > 0;
}

const char *tb_stacks_site(struct tb_stacks *st, uint32_t id, const char *skip_func)
{
	struct stk *k;
	unsigned i;

	if (!id || id >= st->n)
		return NULL;
	k = &st->v[id];
	if (k->site_done && k->site_skip == skip_func)
		return k->site;
	k->site = NULL;
	for (i = 0; i < k->n; i++) {
		const char *f = tb_stacks_frame(st, id, i), *base;

		if (!f || !*f || (f[0] == '?' && f[1] == ' '))
			continue;
		base = tb_sym_base(f);
		if (!base || base == skip_func || tb_is_internal_frame(base))
			continue;
		k->site = f;
		break;
	}
	k->site_done = 1;
	k->site_skip = skip_func;
	return k->site;
}
