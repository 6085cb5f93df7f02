/*
 * growth.h - the growth analyzer: /proc snapshots (slabinfo, meminfo, vmstat, buddyinfo)
 * taken over time -> deltas, rates per hour, top growing caches with their merged
 * aliases.  Used by the analysis (run/analyze reports) and by `tracebook slabs`.
 */
#ifndef TB_ANALYZE_GROWTH_H
#define TB_ANALYZE_GROWTH_H

#include <stdint.h>
#include "analyze/result.h"

/*
 * Points kept per growth series (slab caches' active objects, meminfo's slab lines):
 * past it the series keeps every 2nd, then 4th, ... snapshot (the first always) and
 * the last one, so a day of `slabs -i 10s` stays small.
 */
#define TB_GROWTH_MAX_POINTS 128

struct tb_growth;
struct tb_recipe_growth;	/* recipe/recipe.h */

/* spec may be NULL (everything, no focus). NULL on ENOMEM. */
struct tb_growth *tb_growth_new(const struct tb_recipe_growth *spec);
void tb_growth_free(struct tb_growth *g);

/*
 * Add a snapshot.  @what: "slabinfo", "meminfo", "vmstat", "buddyinfo";
 * @wall_ns: when it was taken; @origin: file name for messages (or NULL).
 * Returns 0, or -TB_EXIT_BADINPUT after printing what was wrong with the text.
 */
int tb_growth_add(struct tb_growth *g, const char *what, uint64_t wall_ns,
		  const char *text, const char *origin);
/* A whole file's text: its slabinfo/meminfo/vmstat/buddyinfo sections, each added. */
int tb_growth_add_text(struct tb_growth *g, const char *text, const char *origin);

struct tb_slab_tree;	/* kernel/slab.h */

/*
 * Show, on each cache row, the names merged into it, from @tree (borrowed: it must
 * outlive @g).  Only for snapshots of the machine (or the `ls -l /sys/kernel/slab`
 * listing) the tree describes.
 */
void tb_growth_set_aliases(struct tb_growth *g, const struct tb_slab_tree *tree);

/*
 * Time between consecutive snapshots, used when they carry no time (files with no
 * `date` line, wall_ns 0).  0: unknown (rates per hour are then reported as unknown).
 */
void tb_growth_set_between(struct tb_growth *g, uint64_t ns);

/*
 * The top grower (by active objects x object size) into name; its object size and
 * growth in bytes.  Returns 1, or 0 when nothing grew (or fewer than 2 snapshots).
 */
int tb_growth_top(const struct tb_growth *g, char *name, size_t size, uint32_t *objsize,
		  int64_t *d_bytes);

struct strlist;
/* Append the cache names of the last slab snapshot to out (for tb_slab_set_primaries). */
int tb_growth_slab_names(const struct tb_growth *g, struct strlist *out);

/* 1 if at least two snapshots of something were added (there is growth to tell). */
int tb_growth_has_result(const struct tb_growth *g);

/*
 * tb_growth_result - what the snapshots tell, as plain owned data (analyze/result.h):
 * caches by growth (by size with one snapshot), meminfo, vmstat, buddyinfo.  Rendered
 * by report/ (tb_growth_print_text, JSON).  NULL on ENOMEM.
 */
struct tb_rgrowth *tb_growth_result(const struct tb_growth *g);

#endif
