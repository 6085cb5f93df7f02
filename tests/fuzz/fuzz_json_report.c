/*
 * fuzz_json_report.c - libFuzzer target owning the JSON report reader
 * (report/json-read.c tb_report_read_json, what `tracebook diff A B` reads): the
 * input read from a file, then rendered as `diff` renders it (against itself) and as
 * the text report.
 */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct tb_report *rep;
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	rep = tb_report_read_json(path);
	if (rep) {
		tb_diff_print(rep, rep, fuzz_devnull(), 0);
		tb_report_print_text(rep, fuzz_devnull(), 0);
	}
	tb_report_free(rep);
	close(fd);
	tb_intern_reset();
	return 0;
}
