/*
 * recipe-filter.h - a recipe's kernel-side narrowing applied in user space, for
 * offline analysis: the [tracepoint] and [kprobe] filters, the tracepoints' cache =
 * (the name field where the event has one, bytes_alloc of a kmalloc-N cache
 * otherwise), and the [slub-trace] caches (SLUB TRACE records of other caches are
 * dropped).  A live run gets the same narrowing from the kernel; a file brought back
 * from a box holds everything that was traced, so `analyze --recipe R size=8k` must
 * drop what the live run would never have seen.
 */
#ifndef TB_ANALYZE_RECIPE_FILTER_H
#define TB_ANALYZE_RECIPE_FILTER_H

#include "event/event.h"
#include "recipe/recipe.h"
#include "util/strlist.h"

struct tb_recipe_filter;

/**
 * tb_recipe_filter_new - the user-space filters of recipe r (a recipe that narrows
 * nothing gives a set that passes everything on).
 * @r: the loaded recipe (parameters substituted)
 * @inner: where the events that pass go
 * @out: receives the filter set (free with tb_recipe_filter_free())
 *
 * Returns 0, or -TB_EXIT_BADINPUT after printing a filter that does not parse.
 */
int tb_recipe_filter_new(const struct tb_recipe *r, struct tb_sink inner,
			 struct tb_recipe_filter **out);

/* The sink that filters, then passes on to inner. */
struct tb_sink tb_recipe_filter_sink(struct tb_recipe_filter *rf);

/*
 * tb_recipe_filter_notes - one note per narrowed event: what was applied, how many
 * events it dropped and how many it could not judge (kept).
 */
void tb_recipe_filter_notes(const struct tb_recipe_filter *rf, struct strlist *notes);

void tb_recipe_filter_free(struct tb_recipe_filter *rf);

#endif
