/*
 * run-pending.c - TEMPORARY weak stand-ins for the recipe parser (recipes helper),
 * the capability probe (probe helper), the analyses and reports (analyze helper), so
 * that `run` links before those land.  Every stand-in refuses with a message; the real
 * definitions override them at link time.  Deleted once all are merged.
 */
#include <stdio.h>
#include <string.h>
#include "analyze/analysis.h"
#include "kernel/caps.h"
#include "recipe/recipe.h"
#include "report/report.h"
#include "util/err.h"

#define TB_WEAK __attribute__((weak))

TB_WEAK char *tb_recipe_find(const char *name_or_path)
{
	tb_error("the recipe parser is not built yet (%s)", name_or_path);
	return NULL;
}

TB_WEAK int tb_recipe_load(const char *path, const struct strlist *assign, struct tb_recipe *out)
{
	return tb_error_code(TB_EXIT_BADINPUT, "the recipe parser is not built yet (%s)", path);
}

TB_WEAK void tb_recipe_free(struct tb_recipe *r)
{
}

TB_WEAK int tb_caps_probe(struct tb_caps *caps, int mount_ok)
{
	return tb_error_code(TB_EXIT_NOTRACING, "the capability probe is not built yet");
}

TB_WEAK void tb_caps_free(struct tb_caps *caps)
{
}

TB_WEAK const struct tb_kmem_event *tb_caps_kmem(const struct tb_caps *caps, const char *name)
{
	unsigned i;

	for (i = 0; i < caps->nkmem; i++)
		if (caps->kmem[i].name && !strcmp(caps->kmem[i].name, name))
			return &caps->kmem[i];
	return NULL;
}

TB_WEAK struct tb_analysis *tb_analysis_new(const struct tb_recipe *r, const struct tb_analysis_opts *o)
{
	tb_error("the analyses are not built yet");
	return NULL;
}

TB_WEAK void tb_analysis_free(struct tb_analysis *an)
{
}

TB_WEAK struct tb_report *tb_report_build(struct tb_analysis *an, const struct tb_run_info *info)
{
	tb_error("the report is not built yet");
	return NULL;
}

TB_WEAK void tb_report_free(struct tb_report *rep)
{
}

TB_WEAK int tb_report_print_text(const struct tb_report *rep, FILE *out, unsigned top)
{
	return -1;
}

TB_WEAK int tb_report_write_json(const struct tb_report *rep, const char *path)
{
	return -1;
}

TB_WEAK int tb_report_write_folded(const struct tb_report *rep, const char *path)
{
	return -1;
}
