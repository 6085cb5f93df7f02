/*
 * analyze-testlib.h - builders for the analyzer unit tests: synthetic events (as the
 * decoders produce them) and recipe declarations built in C (no recipe parser).
 * Header-only (static functions) so it links into no other test.
 */
#ifndef TB_TESTS_ANALYZE_TESTLIB_H
#define TB_TESTS_ANALYZE_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analyze/analysis.h"
#include "event/event.h"
#include "recipe/recipe.h"
#include "util/intern.h"
#include "util/strlist.h"

struct tev {
	struct tb_event ev;
	const char *syms[32];
	uint64_t addrs[32];
};

static inline struct tb_event *tev(struct tev *t, const char *sys, const char *name,
				   uint64_t ts_ns, int cpu)
{
	tb_event_clear(&t->ev);
	t->ev.system = tb_intern(sys);
	t->ev.name = tb_intern(name);
	t->ev.ts_ns = ts_ns;
	t->ev.cpu = cpu;
	return &t->ev;
}

static inline void tev_num(struct tev *t, const char *f, uint64_t v)
{
	tb_event_add_num(&t->ev, tb_intern(f), v);
}

static inline void tev_str(struct tev *t, const char *f, const char *s)
{
	tb_event_add_str(&t->ev, tb_intern(f), s);
}

/* A stack of printed frames, innermost first, NULL-terminated list. */
static inline void tev_syms(struct tev *t, const char *const *frames)
{
	unsigned n = 0;

	while (frames[n] && n < 32) {
		t->syms[n] = frames[n];
		n++;
	}
	t->ev.stack.n = n;
	t->ev.stack.syms = t->syms;
	t->ev.stack.addrs = NULL;
}

static inline void tev_addrs(struct tev *t, const uint64_t *a, unsigned n)
{
	memcpy(t->addrs, a, n * sizeof(*a));
	t->ev.stack.n = n;
	t->ev.stack.addrs = t->addrs;
	t->ev.stack.syms = NULL;
}

/* kmalloc/kfree shaped events with a raw pointer. */
static inline int feed_alloc(struct tb_sink *s, uint64_t ts, int cpu, uint64_t ptr,
			     uint64_t bytes, uint64_t req, const char *site)
{
	struct tev t;

	tev(&t, "kmem", "kmalloc", ts, cpu);
	if (site)
		tev_str(&t, "call_site", site);
	tev_num(&t, "ptr", ptr);
	tev_num(&t, "bytes_req", req);
	tev_num(&t, "bytes_alloc", bytes);
	return s->event(s->ctx, &t.ev);
}

static inline int feed_free(struct tb_sink *s, uint64_t ts, int cpu, uint64_t ptr)
{
	struct tev t;

	tev(&t, "kmem", "kfree", ts, cpu);
	tev_str(&t, "call_site", "kfree_caller+0x1/0x10");
	tev_num(&t, "ptr", ptr);
	return s->event(s->ctx, &t.ev);
}

static inline void spec_pair(struct tb_recipe_pair *p, const char *label, const char *alloc,
			     const char *free_, const char *key, const char *size,
			     const char *req, unsigned group, const char *by)
{
	memset(p, 0, sizeof(*p));
	p->label = (char *)label;
	strlist_split_ws(&p->alloc, alloc);
	strlist_split_ws(&p->free, free_);
	p->alloc_key = p->free_key = (char *)key;
	p->size = (char *)size;
	p->requested = (char *)req;
	p->group = group;
	p->by = (char *)by;
}

static inline void spec_pair_clear(struct tb_recipe_pair *p)
{
	strlist_clear(&p->alloc);
	strlist_clear(&p->free);
}

/* The usual kmem pair: kmalloc/kmem_cache_alloc vs kfree/kmem_cache_free by ptr. */
static inline void recipe_kmem(struct tb_recipe *r, struct tb_recipe_pair *p, unsigned group)
{
	memset(r, 0, sizeof(*r));
	r->name = (char *)"test-kmem";
	spec_pair(p, "kmem", "kmem:kmalloc kmem:kmem_cache_alloc", "kmem:kfree kmem:kmem_cache_free",
		  "ptr", "bytes_alloc", "bytes_req", group, NULL);
	r->pairs = p;
	r->npairs = 1;
}

/* A small fake kallsyms file; returns its path (static buffer). */
static inline const char *fake_kallsyms(void)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/tb-test-kallsyms.%d", (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs("ffffffff81000000 T _stext\n"
	      "ffffffff81000000 T startup_64\n"
	      "ffffffff81001000 T __kmalloc\n"
	      "ffffffff81001100 t foo_create\n"
	      "ffffffff81001180 T bar_init\n"
	      "ffffffff81002000 T alloc_netdev_mqs\n"
	      "ffffffff81002400 T free_netdev\n"
	      "ffffffff81002800 t veth_newlink\n"
	      "ffffffff81002a00 t veth_dellink\n"
	      "0000000000000000 A __per_cpu_start\n"
	      "ffffffff81003000 T _etext\n"
	      "ffffffffc0100000 t mydrv_probe\t[mydrv]\n"
	      "ffffffffc0100080 t mydrv_remove\t[mydrv]\n", f);
	fclose(f);
	return path;
}

#endif
