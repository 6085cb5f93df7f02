/*
 * ctl-value.c - a control file's read-back text turned into the value that restores
 * it (see ctl-value.h).  Pure: reads and writes nothing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/ctl-value.h"
#include "util/strbuf.h"

/**
 * tb_ctl_restore_value - the value that makes the control file at path hold what raw
 * (read from it) says.  Returns a malloc'd string, or NULL on ENOMEM.
 */
char *tb_ctl_restore_value(const char *path, const char *raw)
{
	const char *base = strrchr(path, '/');
	struct strbuf sb = STRBUF_INIT;

	base = base ? base + 1 : path;
	strbuf_addstr(&sb, raw ? raw : "");
	strbuf_rtrim(&sb);
	if (!strcmp(base, "filter")) {
		if (!strcmp(strbuf_str(&sb), "none") || !sb.len) {
			strbuf_reset(&sb);
			strbuf_addstr(&sb, "0");
		}
	} else if (!strcmp(base, "enable") && sb.len > 1 && (sb.buf[1] == '*')) {
		strbuf_setlen(&sb, 1);			/* "1*": soft mode reads */
	} else if (!strcmp(base, "buffer_size_kb")) {
		size_t n = 0;

		while (n < sb.len && isdigit((unsigned char)sb.buf[n]))
			n++;
		if (n && sb.len > n && strstr(sb.buf, "(expanded:")) {
			/* "7 (expanded: 1408)": the kernel expands on first use; restore the expanded size */
			const char *e = strstr(sb.buf, "(expanded:") + 10;
			char tmp[32];

			snprintf(tmp, sizeof(tmp), "%lu", strtoul(e, NULL, 10));
			strbuf_reset(&sb);
			strbuf_addstr(&sb, tmp);
		} else if (n) {
			strbuf_setlen(&sb, n);
		}
	} else if (!strcmp(base, "current_tracer") || !strcmp(base, "tracing_on") ||
		   !strcmp(base, "trace")) {
		/* single word */
		char *sp = strpbrk(sb.buf, " \t\n");

		if (sp)
			strbuf_setlen(&sb, (size_t)(sp - sb.buf));
	}
	return strbuf_failed(&sb) ? NULL : strbuf_detach(&sb, NULL);
}
