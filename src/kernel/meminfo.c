/*
 * meminfo.c - MemAvailable from /proc/meminfo (moved here from capture's buffer
 * sizing so that plan/ and capture/ both read it from the layer below them).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/meminfo.h"
#include "util/fileio.h"
#include "util/strbuf.h"

/**
 * tb_mem_available_kb - MemAvailable of proc_dir/meminfo (NULL: /proc) in KiB, 0 unknown.
 */
uint64_t tb_mem_available_kb(const char *proc_dir)
{
	struct strbuf sb = STRBUF_INIT;
	char path[4096];
	const char *p;
	uint64_t kb = 0;

	snprintf(path, sizeof(path), "%s/meminfo", proc_dir && *proc_dir ? proc_dir : "/proc");
	if (tb_read_file(path, &sb) == 0 && (p = strstr(strbuf_str(&sb), "MemAvailable:")))
		kb = strtoull(p + 13, NULL, 10);
	strbuf_release(&sb);
	return kb;
}
