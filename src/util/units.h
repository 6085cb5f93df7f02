/*
 * units.h - parsing and printing durations and sizes the way users type them.
 */
#ifndef TB_UTIL_UNITS_H
#define TB_UTIL_UNITS_H

#include <stdint.h>
#include <stddef.h>

#define TB_NSEC_PER_SEC 1000000000ULL

/*
 * Parse a duration: "10", "10s", "500ms", "5m", "2h", "1d", "1.5s".  A bare number
 * is seconds.  Returns 0 and *ns, or -1 (nothing printed) if s is not a duration.
 */
int tb_parse_duration(const char *s, uint64_t *ns);
/* Parse a size: "4096", "64k", "8M", "1G", "8MiB", "512KB" (binary multiples). */
int tb_parse_size(const char *s, uint64_t *bytes);
/* "1h02m", "10.0s", "350ms" into buf; returns buf. */
char *tb_fmt_duration(uint64_t ns, char *buf, size_t size);
/* "812 B", "4.0 KiB", "12.3 MiB" into buf; returns buf. */
char *tb_fmt_bytes(uint64_t bytes, char *buf, size_t size);

#endif
