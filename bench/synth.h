/*
 * bench/synth.h - the synthetic kmem pair recipe (kmem:kmalloc/kmem:kfree paired by
 * ptr, grouped by call site) and the interned names of its events, shared by the
 * benches that feed tracebook's analysis directly: day-sim, pair-mem, checkpoint.
 */
#ifndef TB_BENCH_SYNTH_H
#define TB_BENCH_SYNTH_H

#include <string.h>
#include "recipe/recipe.h"
#include "util/intern.h"
#include "util/strlist.h"

struct synth_kmem {
	struct tb_recipe_pair p;
	struct tb_recipe r;	/* one pair: p */
	const char *f_ptr, *f_site, *f_bytes, *f_req;	/* field names */
	const char *kmem, *kmalloc, *kfree, *comm;	/* system, events, task name */
};

/* synth_kmem_init - the recipe; @requested: also pair bytes_req as the requested size. */
static inline void synth_kmem_init(struct synth_kmem *k, int requested)
{
	memset(k, 0, sizeof(*k));
	k->p.label = (char *)"kmem";
	strlist_split_ws(&k->p.alloc, "kmem:kmalloc");
	strlist_split_ws(&k->p.free, "kmem:kfree");
	k->p.alloc_key = k->p.free_key = (char *)"ptr";
	k->p.size = (char *)"bytes_alloc";
	if (requested)
		k->p.requested = (char *)"bytes_req";
	k->p.group = TB_GROUP_SITE;
	k->r.pairs = &k->p;
	k->r.npairs = 1;
	k->f_ptr = tb_intern("ptr");
	k->f_site = tb_intern("call_site");
	k->f_bytes = tb_intern("bytes_alloc");
	k->f_req = tb_intern("bytes_req");
	k->kmem = tb_intern("kmem");
	k->kmalloc = tb_intern("kmalloc");
	k->kfree = tb_intern("kfree");
	k->comm = tb_intern("worker");
}

static inline void synth_kmem_clear(struct synth_kmem *k)
{
	strlist_clear(&k->p.alloc);
	strlist_clear(&k->p.free);
}

#endif
