/*
 * fuzz-growth.h - the /proc snapshot side shared by fuzz_slabinfo.c and fuzz_procfs.c:
 * a file split into its slabinfo/meminfo/vmstat/buddyinfo sections by
 * tb_growth_add_text(), as `tracebook slabs FILE...` does, added to the growth
 * analyzer, its result rendered as text (into /dev/null) and as JSON.
 */
#ifndef TB_FUZZ_GROWTH_H
#define TB_FUZZ_GROWTH_H

#include <json-c/json.h>
#include "fuzz-common.h"
#include "analyze/growth.h"
#include "kernel/slab.h"
#include "util/procfs.h"

/* The product's splitter, as `tracebook slabs FILE` uses it (tb_growth_add_text). */
static inline int fuzz_growth_add_file(struct tb_growth *g, const char *text, const char *file)
{
	return tb_growth_add_text(g, text, file);
}

/*
 * `tracebook slabs A B` on the input: the bytes before the first NUL are file A, the
 * bytes after it file B (no NUL: the input twice), an hour apart when they carry no
 * time; the growth tables rendered as text and JSON.  tree (may be NULL) gives aliases.
 */
static inline void fuzz_growth(const uint8_t *data, size_t size, const struct tb_slab_tree *tree)
{
	const uint8_t *nul = memchr(data, 0, size);
	char *a = fuzz_strndup(data, nul ? (size_t)(nul - data) : size);
	char *b = nul ? fuzz_strndup(nul + 1, size - (size_t)(nul - data) - 1) : NULL;
	struct tb_growth *g = tb_growth_new(NULL);
	struct tb_rgrowth *res = NULL;
	struct json_object *js;
	char name[128];
	uint32_t objsize;
	int64_t d;

	if (!a || !g || (nul && !b))
		goto out;
	if (tree)
		tb_growth_set_aliases(g, tree);
	tb_growth_set_between(g, 3600ULL * 1000000000ULL);
	if (fuzz_growth_add_file(g, a, "A") || fuzz_growth_add_file(g, b ? b : a, "B"))
		goto out;
	tb_growth_top(g, name, sizeof(name), &objsize, &d);
	res = tb_growth_result(g);
	if (!res)
		goto out;
	tb_report_print_growth(res, fuzz_devnull(), 0);
	js = tb_growth_to_json(res);
	if (js)
		json_object_to_json_string_ext(js, TB_JSON_FLAGS);
	json_object_put(js);
out:
	tb_rgrowth_free(res);
	tb_growth_free(g);
	free(a);
	free(b);
}

#endif
