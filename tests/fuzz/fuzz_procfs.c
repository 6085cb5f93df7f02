/*
 * fuzz_procfs.c - libFuzzer target owning the /proc snapshot parsers of util/procfs.c
 * other than the slab listings: /proc/meminfo, /proc/vmstat, /proc/buddyinfo, the
 * time lines (tb_parse_wall_time), the section split of a bundle
 * (tb_proc_section_start) and the per-CPU ring-buffer stats file (capture/raw.c
 * tb_parse_cpu_stats).  The input is parsed by each directly, then read as
 * `tracebook slabs --vm A B` reads two bundles (growth analyzer, text and JSON).
 */
#include "fuzz-growth.h"
#include "capture/capture-local.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	struct tb_kvlist kv;
	struct tb_buddyinfo bi;
	struct tb_cpu_stats st;
	uint64_t ns;
	int found;

	if (!text)
		return 0;
	memset(&kv, 0, sizeof(kv));
	if (tb_meminfo_parse(text, "fuzz", &kv) == 0)
		tb_kv_get(&kv, "MemAvailable", 0, &found);
	tb_kvlist_release(&kv);
	memset(&kv, 0, sizeof(kv));
	if (tb_vmstat_parse(text, "fuzz", &kv) == 0)
		tb_vmstat_sum(&kv, "allocstall", &found);
	tb_kvlist_release(&kv);
	memset(&bi, 0, sizeof(bi));
	tb_buddyinfo_parse(text, "fuzz", &bi);
	tb_buddyinfo_release(&bi);
	tb_parse_wall_time(text, &ns);
	tb_parse_cpu_stats(text, &st);
	fuzz_growth(data, size, NULL);
	free(text);
	tb_intern_reset();
	return 0;
}
