/*
 * err.h - how errors travel in tracebook.
 *
 * Every function below main() reports failure by returning a negative value; nothing
 * below main() calls exit(), abort() or a die()-style helper.  The message for the
 * user is printed once, where the failure is first understood, with tb_error(), which
 * returns -1 so it can be used as `return tb_error("...")` (git's error() idiom).
 * Where the failure must end the program with a particular exit code, use
 * tb_error_code(TB_EXIT_..., ...), which returns -TB_EXIT_...; main() turns a
 * negative return r into exit code -r when -r is one of enum tb_exit, else 1.
 */
#ifndef TB_UTIL_ERR_H
#define TB_UTIL_ERR_H

#include <stdarg.h>

/* Exit codes of the tracebook command (documented in README.md). */
enum tb_exit {
	TB_EXIT_OK = 0,
	TB_EXIT_ERROR = 1,	/* anything else that went wrong */
	TB_EXIT_USAGE = 2,	/* bad command line */
	TB_EXIT_BADINPUT = 3,	/* bad recipe, bad input file, bad parameter */
	TB_EXIT_NOTRACING = 4,	/* no tracefs/debugfs tracing on this kernel, or lockdown */
	TB_EXIT_NOTROOT = 5,	/* needs root (CAP_SYS_ADMIN) */
	TB_EXIT_REFUSED = 6,	/* the kernel refused a write of the plan */
	TB_EXIT_BUSY = 7,	/* another run holds the lock, or someone else is tracing */
	TB_EXIT_RESTORE = 8,	/* restore could not put everything back (journal kept) */
	TB_EXIT_UNREADABLE = 9,	/* a kernel file exists but cannot be read (probe) */
	TB_EXIT_BLIND = 10,	/* the run's trace could not have seen anything (0 SLUB TRACE
				 * records, or no allocations): no verdict */
	TB_EXIT_MAX
};

#if defined(__GNUC__)
#define TB_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TB_PRINTF(a, b)
#endif

/* Print "tracebook: error: <msg>\n" to stderr; return -1. */
int tb_error(const char *fmt, ...) TB_PRINTF(1, 2);
/* Same, but return -code (code is an enum tb_exit). */
int tb_error_code(int code, const char *fmt, ...) TB_PRINTF(2, 3);
/* Print "tracebook: warning: <msg>\n" to stderr. */
void tb_warn(const char *fmt, ...) TB_PRINTF(1, 2);
/* Print "tracebook: <msg>\n" to stderr (progress notes), unless tb_quiet is set. */
void tb_note(const char *fmt, ...) TB_PRINTF(1, 2);

/* Map a negative return value to a process exit code. */
int tb_exit_code(int ret);

/* Set by --quiet; silences tb_note(). */
extern int tb_quiet;

#endif
