/*
 * fuzz_kallsyms.c - libFuzzer target owning the kernel symbol list readers
 * (kernel/ksyms.c): /proc/kallsyms lines, the address table the analysis symbolizes
 * with (tb_ksyms_parse, lookups at and between the symbols read), and the name lists
 * the planner checks (available_filter_functions, kallsyms, kprobes/blacklist: walk,
 * count, near names).
 */
#include "fuzz-common.h"
#include "kernel/ksyms.h"

static int walk_fn(void *ctx, const char *name, size_t len)
{
	(void)name;
	*(size_t *)ctx += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	const char *nl;
	struct tb_ksym_line kl;
	struct tb_ksyms t;
	size_t i, total = 0;
	int fmt;

	if (!text)
		return 0;
	nl = strchr(text, '\n');
	tb_kallsyms_parse_line(text, nl ? (size_t)(nl - text) : strlen(text), &kl);
	memset(&t, 0, sizeof(t));
	if (tb_ksyms_parse(&t, text) == 0) {
		tb_ksyms_lookup(&t, 0);
		tb_ksyms_lookup(&t, UINT64_MAX);
		for (i = 0; i < t.n && i < 64; i++) {
			tb_ksyms_lookup(&t, t.v[i].addr);
			tb_ksyms_lookup(&t, t.v[i].addr + t.v[i].size / 2);
			tb_ksyms_lookup(&t, t.v[i].addr - 1);
		}
	}
	tb_ksyms_release(&t);
	for (fmt = TB_SYM_LIST; fmt <= TB_SYM_BLACKLIST; fmt++) {
		char *near;

		tb_sym_walk(text, (enum tb_symfmt)fmt, walk_fn, &total);
		tb_sym_count(text, (enum tb_symfmt)fmt, "kmem_cache_*");
		tb_sym_count(text, (enum tb_symfmt)fmt, "__kmalloc");
		near = tb_sym_near("kmalloc", text, (enum tb_symfmt)fmt);
		free(near);
	}
	free(text);
	return 0;
}
