/*
 * fuzz_kernel_log.c - libFuzzer target owning the kernel log decoder
 * (decode/kernel-log.c: dmesg, kern.log, journalctl -k, SLUB TRACE records and their
 * call traces, damaged and wrapped lines) and the /dev/kmsg record reader
 * (capture/kmsg.c tb_kmsg_line): the input read as `tracebook analyze --format
 * kernel-log FILE` reads it (decode set, analysis without a recipe, text report), and
 * each of its lines read as a /dev/kmsg record.
 */
#include "fuzz-common.h"
#include "capture/capture-local.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	char out[1024];

	fuzz_analyze(data, size, TB_FMT_KERNEL_LOG);
	/* /dev/kmsg: one record per read(), "PRI,SEQ,TS,FLAGS;text\n KEY=val\n" */
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		char *rec = fuzz_strndup(p, n);	/* the kernel's record: a separate buffer */

		if (!rec)
			break;
		tb_kmsg_line(rec, n, out, sizeof(out));
		free(rec);
		p += n;
	}
	return 0;
}
