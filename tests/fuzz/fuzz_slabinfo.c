/*
 * fuzz_slabinfo.c - libFuzzer target owning the slab listing parsers (util/procfs.c:
 * /proc/slabinfo 2.x, `slabtop -o`, crash `kmem -s`, the time lines before them) and
 * the `ls -l /sys/kernel/slab` listing reader (kernel/slab.c tb_slab_load_listing):
 * the input parsed directly, as a listing, and as `tracebook slabs A B` reads two
 * snapshots (growth analyzer, text and JSON rendering).
 */
#include "fuzz-growth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	struct tb_slabinfo si;
	struct tb_slab_tree tree = TB_SLAB_TREE_INIT;
	int have_tree;

	if (!text)
		return 0;
	memset(&si, 0, sizeof(si));
	if (tb_slabinfo_parse(text, "fuzz", &si) == 0 && si.n)
		tb_slabinfo_find(&si, si.rows[si.n - 1].name);
	tb_slabinfo_release(&si);
	have_tree = tb_slab_load_listing(&tree, text, "fuzz") == 0;
	if (have_tree && tree.n) {
		tb_slab_resolve(&tree, tree.caches[0].dir);
		tb_slab_name(&tree.caches[0]);
	}
	fuzz_growth(data, size, have_tree ? &tree : NULL);
	tb_slab_release(&tree);
	free(text);
	tb_intern_reset();
	return 0;
}
