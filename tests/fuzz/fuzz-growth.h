/*
 * fuzz-growth.h - the /proc snapshot side shared by fuzz_slabinfo.c and fuzz_procfs.c:
 * a file split into its slabinfo/meminfo/vmstat/buddyinfo sections the way
 * `tracebook slabs FILE...` splits one (cmd-slabs.c add_file), added to the growth
 * analyzer, its result rendered as text (into /dev/null) and as JSON.
 */
#ifndef TB_FUZZ_GROWTH_H
#define TB_FUZZ_GROWTH_H

#include <json-c/json.h>
#include "fuzz-common.h"
#include "analyze/growth.h"
#include "kernel/slab.h"
#include "util/procfs.h"

/* Split text into sections (other lines blanked, so line numbers stay) and add them. */
static inline int fuzz_growth_add_file(struct tb_growth *g, const char *text, const char *file)
{
	struct strbuf sec[TB_PROC_KINDS];
	const char *p;
	enum tb_proc_kind cur = TB_PROC_NONE;
	int has[TB_PROC_KINDS] = { 0 }, r = 0, k;
	uint64_t wall = 0;

	for (k = 0; k < TB_PROC_KINDS; k++)
		strbuf_init(&sec[k]);
	for (p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *l = strndup(p, len);
		uint64_t ns;

		if (!l) {
			r = -1;
			break;
		}
		cur = tb_proc_section_start(l, cur);
		if (cur == TB_PROC_NONE && !wall && !tb_parse_wall_time(l, &ns))
			wall = ns;
		for (k = 0; k < TB_PROC_KINDS; k++) {
			if (k == (int)cur || (cur == TB_PROC_NONE && k == TB_PROC_SLABINFO))
				strbuf_add(&sec[k], p, len);
			strbuf_addch(&sec[k], '\n');
		}
		if (cur != TB_PROC_NONE)
			has[cur] = 1;
		free(l);
		p += len + (e ? 1 : 0);
	}
	for (k = 0; !r && k < TB_PROC_KINDS; k++) {
		if (k != TB_PROC_SLABINFO && !has[k])
			continue;
		if (strbuf_failed(&sec[k])) {
			r = -1;
			break;
		}
		r = tb_growth_add(g, tb_proc_kinds[k].name, wall, strbuf_str(&sec[k]), file);
	}
	for (k = 0; k < TB_PROC_KINDS; k++)
		strbuf_release(&sec[k]);
	return r;
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
