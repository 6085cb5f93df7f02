/*
 * meminfo.h - how much memory this kernel says is available (/proc/meminfo), for
 * the planner's buffer sizing and the capture's queue cap.
 */
#ifndef TB_KERNEL_MEMINFO_H
#define TB_KERNEL_MEMINFO_H

#include <stdint.h>

/* MemAvailable of proc_dir/meminfo (NULL or "": /proc) in KiB; 0 when unknown. */
uint64_t tb_mem_available_kb(const char *proc_dir);

#endif
