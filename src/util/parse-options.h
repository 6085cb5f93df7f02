/*
 * parse-options.h - one option table per command, for parsing and for the help
 * (git's parse-options style): each entry says its long name, short letter, argument
 * name, help text and how its value is stored, so `--help` and what getopt_long
 * accepts are built from the same table and cannot drift.
 *
 * A command declares its table on the stack (values point at its own variables):
 *
 *	struct tb_option opts[] = {
 *		TB_OPT_DURATION('d', "duration", &o.duration_ns, "D", 1, UINT64_MAX,
 *				"how long to trace"),
 *		TB_OPT_FLAG('n', "dry-run", &o.dry_run, "print the plan; touch nothing"),
 *		TB_OPT_END(),
 *	};
 *	r = tb_parse_options(argc, argv, &usage, opts, &args, NULL);
 *
 * -h/--help is added to every table.  Errors name the argument as the user typed it
 * ("run: --top '-1': expected a whole number from 1 to 1000000") and return
 * -TB_EXIT_USAGE; nothing here exits.
 */
#ifndef TB_UTIL_PARSE_OPTIONS_H
#define TB_UTIL_PARSE_OPTIONS_H

#include <stdint.h>
#include <stdio.h>
#include <getopt.h>
#include "util/err.h"
#include "util/strbuf.h"
#include "util/strlist.h"

enum tb_option_type {
	TB_OPTION_END = 0,
	TB_OPTION_FLAG,		/* int *: set to 1 */
	TB_OPTION_STRING,	/* const char **: the argument as given */
	TB_OPTION_UINT,		/* unsigned *: a whole number in [min, max] */
	TB_OPTION_DURATION,	/* uint64_t * (ns): a duration in [min, max] ns */
	TB_OPTION_SIZE,		/* uint64_t * (bytes): a size in [min, max] bytes */
	TB_OPTION_CALLBACK,	/* cb(opt, arg): 0, or -1 if arg is not what `expect` says */
};

struct tb_option {
	enum tb_option_type type;
	int short_name;		/* 0: none */
	const char *long_name;	/* NULL: none */
	void *value;
	const char *argh;	/* the argument's name in the help ("N", "FILE"); NULL: none */
	const char *help;	/* one line, or several separated by '\n' */
	uint64_t min, max;	/* UINT, DURATION, SIZE */
	int (*cb)(const struct tb_option *opt, const char *arg);
	const char *expect;	/* CALLBACK: what a good value is ("ftrace, klog or dat") */
};

#define TB_OPT_END() { TB_OPTION_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL }
#define TB_OPT_FLAG(s, l, v, h) { TB_OPTION_FLAG, (s), (l), (v), NULL, (h), 0, 0, NULL, NULL }
#define TB_OPT_STRING(s, l, v, a, h) \
	{ TB_OPTION_STRING, (s), (l), (v), (a), (h), 0, 0, NULL, NULL }
#define TB_OPT_UINT(s, l, v, a, lo, hi, h) \
	{ TB_OPTION_UINT, (s), (l), (v), (a), (h), (lo), (hi), NULL, NULL }
#define TB_OPT_DURATION(s, l, v, a, lo, hi, h) \
	{ TB_OPTION_DURATION, (s), (l), (v), (a), (h), (lo), (hi), NULL, NULL }
#define TB_OPT_SIZE(s, l, v, a, lo, hi, h) \
	{ TB_OPTION_SIZE, (s), (l), (v), (a), (h), (lo), (hi), NULL, NULL }
#define TB_OPT_CALLBACK(s, l, v, a, fn, exp, h) \
	{ TB_OPTION_CALLBACK, (s), (l), (v), (a), (h), 0, 0, (fn), (exp) }

/* What the help says around the option list. */
struct tb_usage {
	const char *cmd;	/* "run": errors read "run: ..." */
	const char *synopsis;	/* the "usage: tracebook run ..." line(s) */
	const char *text;	/* paragraph(s) between synopsis and options, or NULL */
	const char *footer;	/* after the options (exit codes), or NULL */
};

/**
 * tb_parse_options - parse a command's argv with getopt_long against its table
 * @argc, @argv: the command's arguments, argv[0] being the command name
 * @u: the command's help text (also names the command in errors)
 * @opts: the table, ended by TB_OPT_END()
 * @args: receives the non-option arguments in order (options and arguments may mix)
 * @literal: if not NULL, the index in @args of the first argument after "--"
 *	(args->n when there was no "--")
 *
 * Returns 0; 1 if -h/--help printed the help to stdout (the command returns 0); or
 * -TB_EXIT_USAGE after printing which argument was wrong and what was expected.
 */
int tb_parse_options(int argc, char **argv, const struct tb_usage *u,
		     const struct tb_option *opts, struct strlist *args, size_t *literal);

/* Print the help: synopsis, text, one line per option (and -h/--help), footer. */
void tb_usage_print(const struct tb_usage *u, const struct tb_option *opts, FILE *out);

/* Print "tracebook: error: CMD: <msg>" and where the help is; returns -TB_EXIT_USAGE. */
int tb_usage_error(const struct tb_usage *u, const char *fmt, ...) TB_PRINTF(2, 3);

/**
 * tb_options_getopt - the getopt_long view of a table (with -h/--help added)
 * @opts: the table
 * @shortopts: receives the optstring ("-:d:o:nh": "-" keeps arguments in order,
 *	":" reports a missing value)
 *
 * Returns a calloc'd array ended by a zero entry (free() it), or NULL out of memory.
 * Each entry's val is the short letter, or 256 + the table index without one.
 */
struct option *tb_options_getopt(const struct tb_option *opts, struct strbuf *shortopts);

/*
 * tb_parse_uint - a whole number in [min, max]: decimal digits only (no sign, no
 * space, no suffix).  Returns 0, -EINVAL if s is not a number, -ERANGE if outside.
 */
int tb_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v);

#endif
