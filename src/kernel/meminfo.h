/*
 * meminfo.h - how much memory this kernel has and says is available (/proc/meminfo),
 * for the planner (buffer sizing, MemTotal) and the capture's queue cap.
 */
#ifndef TB_KERNEL_MEMINFO_H
#define TB_KERNEL_MEMINFO_H

#include <stdint.h>

struct tb_kvlist;	/* util/procfs.h */

/* proc_dir/meminfo (NULL or "": /proc) parsed; 0 or negative (see meminfo.c). */
int tb_meminfo_read(const char *proc_dir, struct tb_kvlist *out);
/* MemAvailable of proc_dir/meminfo (NULL or "": /proc) in KiB; 0 when unknown. */
uint64_t tb_mem_available_kb(const char *proc_dir);
/* MemTotal, the same way. */
uint64_t tb_mem_total_kb(const char *proc_dir);

#endif
