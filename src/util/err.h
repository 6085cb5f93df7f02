/*
 * err.h - how errors travel in tracebook.
 *
 * Every function below main() reports failure by returning a negative value; nothing
 * below main() calls exit(), abort() or a die()-style helper.  The message for the
 * user is printed once, where the failure is first understood, with tb_error(), which
 * returns -1 so it can be used as `return tb_error("...")` (git's error() idiom).
 * Where the failure must end the program with a particular exit code, use
 * tb_error_code(TB_EXIT_..., ...), which returns -TB_EXIT_... (or return
 * -TB_EXIT_... after printing).  Low-level helpers may return -errno instead.
 *
 * The two never meet on the same number: enum tb_exit values lie above
 * TB_EXIT_BASE (4096, above every errno: the kernel's MAX_ERRNO is 4095), so
 * -TB_EXIT_USAGE is not -ENOENT and -TB_EXIT_NOTROOT is not -EIO.  main() turns a
 * negative return into the process exit status with tb_exit_code(): -TB_EXIT_x
 * gives x's status (TB_EXIT_x - TB_EXIT_BASE, as docs/field-manual.md lists them), any other
 * negative value (-1, -errno) gives 1.  An errno that matters to the user is
 * mapped to an exit code where it is understood, with a message.
 */
#ifndef TB_UTIL_ERR_H
#define TB_UTIL_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* Where exit codes start: above every errno value. */
#define TB_EXIT_BASE 4096

/*
 * Exit codes of the tracebook command (documented in docs/field-manual.md, "Exit codes"), as they travel
 * (negated) back to main: the process exit status is the value - TB_EXIT_BASE.
 */
enum tb_exit {
	TB_EXIT_OK = 0,
	TB_EXIT_ERROR = TB_EXIT_BASE + 1,	/* anything else that went wrong */
	TB_EXIT_USAGE = TB_EXIT_BASE + 2,	/* bad command line */
	TB_EXIT_BADINPUT = TB_EXIT_BASE + 3,	/* bad recipe, bad input file, bad parameter */
	TB_EXIT_NOTRACING = TB_EXIT_BASE + 4,	/* no tracefs/debugfs tracing on this kernel, or lockdown */
	TB_EXIT_NOTROOT = TB_EXIT_BASE + 5,	/* needs root (CAP_SYS_ADMIN) */
	TB_EXIT_REFUSED = TB_EXIT_BASE + 6,	/* the kernel refused a write of the plan */
	TB_EXIT_BUSY = TB_EXIT_BASE + 7,	/* another run holds the lock, or someone else is tracing */
	TB_EXIT_RESTORE = TB_EXIT_BASE + 8,	/* restore could not put everything back (journal kept) */
	TB_EXIT_UNREADABLE = TB_EXIT_BASE + 9,	/* a kernel file exists but cannot be read (probe) */
	TB_EXIT_BLIND = TB_EXIT_BASE + 10,	/* the run's trace could not have seen anything
						 * (0 SLUB TRACE records, or no allocations): no verdict */
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

/*
 * Map a return value to the process exit status: 0 for ret >= 0, the status of
 * -TB_EXIT_x for x, 1 for any other negative value (-1, -errno).
 */
int tb_exit_code(int ret);
/* The process exit status of code (an enum tb_exit): 0 .. 10. */
int tb_exit_status(int code);

/*
 * What exit status @status (0 .. 10) means, in a few words ("not root"), or NULL:
 * the one list that main's usage, every command's --help and README agree with.
 */
const char *tb_exit_meaning(int status);
/*
 * "exit: 0 ok, 2 bad command line, ..." for the statuses given (ended by -1), wrapped
 * at 88 columns with a 6-space indent; into buf (truncated to len).  Returns buf.
 */
char *tb_exit_list(char *buf, size_t len, const int *statuses);

/* Set by --quiet; silences tb_note(). */
extern int tb_quiet;

#endif
