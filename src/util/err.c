/*
 * err.c - printing errors, warnings and notes; mapping return values to exit codes.
 * See err.h for the error convention.
 */
#include <stdio.h>
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

int tb_exit_code(int ret)
{
	if (ret >= 0)
		return 0;
	if (-ret > 0 && -ret < TB_EXIT_MAX)
		return -ret;
	return TB_EXIT_ERROR;
}
