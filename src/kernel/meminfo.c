/*
 * meminfo.c - the live /proc/meminfo, read with the one meminfo parser
 * (util/procfs.c): MemAvailable for the planner's buffer sizing and the capture's
 * queue cap, MemTotal for the planner.
 */
#include <stdio.h>
#include "kernel/meminfo.h"
#include "util/fileio.h"
#include "util/procfs.h"
#include "util/strbuf.h"

/**
 * tb_meminfo_read - proc_dir/meminfo (NULL or "": /proc) parsed into out (release
 * it with tb_kvlist_release, also after failure).  Returns 0, -errno reading the
 * file, or the parser's negative return.
 */
int tb_meminfo_read(const char *proc_dir, struct tb_kvlist *out)
{
	struct strbuf sb = STRBUF_INIT;
	char path[4096];
	int r;

	snprintf(path, sizeof(path), "%s/meminfo", proc_dir && *proc_dir ? proc_dir : "/proc");
	r = tb_read_file(path, &sb);
	if (r == 0)
		r = tb_meminfo_parse(strbuf_str(&sb), path, out);
	strbuf_release(&sb);
	return r;
}

static uint64_t meminfo_kb(const char *proc_dir, const char *key)
{
	struct tb_kvlist kv = { 0 };
	int found = 0;
	int64_t v = 0;

	if (tb_meminfo_read(proc_dir, &kv) == 0)
		v = tb_kv_get(&kv, key, 0, &found);
	tb_kvlist_release(&kv);
	return found && v > 0 ? (uint64_t)v : 0;
}

/**
 * tb_mem_available_kb - MemAvailable of proc_dir/meminfo (NULL: /proc) in KiB, 0 unknown.
 */
uint64_t tb_mem_available_kb(const char *proc_dir)
{
	return meminfo_kb(proc_dir, "MemAvailable");
}

/**
 * tb_mem_total_kb - MemTotal of proc_dir/meminfo (NULL: /proc) in KiB, 0 unknown.
 */
uint64_t tb_mem_total_kb(const char *proc_dir)
{
	return meminfo_kb(proc_dir, "MemTotal");
}
