/*
 * fuzz_ftrace_text.c - libFuzzer target owning the ftrace text decoder
 * (decode/ftrace-text.c: trace / trace_pipe text of 3.10 .. 6.x): the input is read as
 * `tracebook analyze --format ftrace FILE` reads it (decode set, analysis without a
 * recipe, text report), and tb_detect_format looks at its head.
 */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tb_detect_format((const char *)data, size < 65536 ? size : 65536);
	fuzz_analyze(data, size, TB_FMT_FTRACE_TEXT);
	return 0;
}
