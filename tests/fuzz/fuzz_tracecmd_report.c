/*
 * fuzz_tracecmd_report.c - libFuzzer target owning the trace-cmd report text decoder
 * (decode/tracecmd.c text side): the input read as `tracebook analyze --format
 * trace-cmd FILE` reads it (decode set, analysis without a recipe, text report).
 */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyze(data, size, TB_FMT_TRACECMD_REPORT);
	return 0;
}
