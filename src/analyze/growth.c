/*
 * growth.c - the growth analyzer (first version: accepts snapshots, reports nothing
 * yet); see growth.h.
 */
#include <stdlib.h>
#include <string.h>
#include "analyze/growth.h"

struct tb_growth {
	unsigned nsnap;
};

struct tb_growth *tb_growth_new(const struct tb_recipe_growth *spec)
{
	(void)spec;
	return calloc(1, sizeof(struct tb_growth));
}

void tb_growth_free(struct tb_growth *g)
{
	free(g);
}

int tb_growth_add(struct tb_growth *g, const char *what, uint64_t wall_ns,
		  const char *text, const char *origin)
{
	(void)what; (void)wall_ns; (void)text; (void)origin;
	g->nsnap++;
	return 0;
}

int tb_growth_has_result(const struct tb_growth *g)
{
	(void)g;
	return 0;
}

void tb_growth_print_text(const struct tb_growth *g, FILE *out, unsigned top)
{
	(void)g; (void)out; (void)top;
}

void tb_growth_json(const struct tb_growth *g, struct strbuf *out)
{
	(void)g;
	strbuf_addstr(out, "{}");
}
