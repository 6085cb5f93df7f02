/*
 * ctl-value.h - how a tracefs/sysfs control file reads back, as the value that
 * writes it again.  The planner shows it (--dry-run "replaces"), apply journals it,
 * restore compares and writes it: all three sit above kernel/, so it lives here.
 */
#ifndef TB_KERNEL_CTL_VALUE_H
#define TB_KERNEL_CTL_VALUE_H

/*
 * tb_ctl_restore_value - what to write into a control file so it holds again what
 * raw (read from it) says: "none" filter -> "0", "1*" enable -> "1", leading integer
 * of buffer_size_kb, trimmed text otherwise.  malloc'd, or NULL on ENOMEM.
 */
char *tb_ctl_restore_value(const char *path, const char *raw);

#endif
