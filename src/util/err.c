/*
 * err.c - printing errors, warnings and notes; mapping return values to exit codes.
 * See err.h for the error convention.
 */
#include <stdio.h>
#include <string.h>
#include "util/err.h"

int tb_quiet;

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "tracebook: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int tb_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

int tb_error_code(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	return -code;
}

void tb_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void tb_note(const char *fmt, ...)
{
	va_list ap;

	if (tb_quiet)
		return;
	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

/**
 * tb_exit_status - the process exit status an enum tb_exit stands for.
 * @code: TB_EXIT_OK or TB_EXIT_ERROR .. TB_EXIT_MAX - 1; anything else gives 1
 */
int tb_exit_status(int code)
{
	if (code == TB_EXIT_OK)
		return 0;
	if (code >= TB_EXIT_ERROR && code < TB_EXIT_MAX)
		return code - TB_EXIT_BASE;
	return TB_EXIT_ERROR - TB_EXIT_BASE;
}

/**
 * tb_exit_code - the process exit status for a command's return value.
 * @ret: >= 0 for success; -TB_EXIT_x; or -1 / -errno
 *
 * -errno values are below TB_EXIT_BASE and so can never be read as an exit code:
 * they all give 1 (TB_EXIT_ERROR).
 */
int tb_exit_code(int ret)
{
	if (ret >= 0)
		return 0;
	if (ret <= -TB_EXIT_ERROR && ret > -TB_EXIT_MAX)
		return tb_exit_status(-ret);
	return tb_exit_status(TB_EXIT_ERROR);
}

static const char *const meanings[] = {
	"ok",
	"error",
	"bad command line",
	"bad input (recipe, parameter, input file, or what this kernel cannot do)",
	"no tracing available (not mounted/mountable, lockdown)",
	"not root",
	"the kernel refused a write of the plan",
	"busy (another run, or someone else tracing)",
	"restore incomplete (journal kept)",
	"a kernel file exists but cannot be read",
	"no verdict (the data cannot support one)",
};

const char *tb_exit_meaning(int status)
{
	if (status < 0 || (size_t)status >= sizeof(meanings) / sizeof(meanings[0]))
		return NULL;
	return meanings[status];
}

char *tb_exit_list(char *buf, size_t len, const int *statuses)
{
	size_t used, col;
	unsigned i;

	if (!len)
		return buf;
	snprintf(buf, len, "exit:");
	used = col = strlen(buf);
	for (i = 0; statuses[i] >= 0 && used < len; i++) {
		const char *m = tb_exit_meaning(statuses[i]);
		char item[160];
		size_t n;

		if (!m)
			continue;
		n = (size_t)snprintf(item, sizeof(item), " %d %s%s", statuses[i], m,
				     statuses[i + 1] >= 0 ? "," : "");
		if (col + n > 88) {
			snprintf(buf + used, len - used, "\n     ");
			used += strlen(buf + used);
			col = 5;
		}
		snprintf(buf + used, len - used, "%s", item);
		used += strlen(buf + used);
		col += n;
	}
	return buf;
}
