/*
 * fuzz_tracedat.c - libFuzzer target owning tracebook's own trace.dat reader
 * (decode/tracedat.c): the file header, header_page, the ftrace and event formats,
 * kallsyms, printk formats, saved cmdlines, options, the v6 flyrecord tables and the v7
 * option sections, the instance BUFFER options and their CPU offsets, then the pages
 * through the raw decoder and merge into the analysis and its text report - as
 * `tracebook analyze --format dat FILE` reads it - and the kallsyms extraction analyze
 * does first (tb_tracedat_kallsyms).  Seeds: small v6/v7 files cut from
 * tests/fixtures/live-6x/kmem-6x.dat (tests/fuzz/shrink-tracedat.py).
 */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf ks = STRBUF_INIT;
	char path[64];
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd >= 0) {
		tb_tracedat_kallsyms(path, &ks);
		strbuf_release(&ks);
		close(fd);
	}
	fuzz_analyze(data, size, TB_FMT_TRACECMD_DAT);
	return 0;
}
