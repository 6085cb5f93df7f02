/*
 * parse-options.c - command lines parsed by getopt_long from the command's option
 * table, and the help printed from the same table; see parse-options.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "util/err.h"
#include "util/parse-options.h"
#include "util/units.h"

#define HELP_VAL	'h'
#define LONG_VAL(i)	(256 + (int)(i))
#define HELP_COLUMN_MAX	24	/* wider option names put their help on the next line */

static size_t count_opts(const struct tb_option *opts)
{
	size_t n = 0;

	while (opts[n].type != TB_OPTION_END)
		n++;
	return n;
}

struct option *tb_options_getopt(const struct tb_option *opts, struct strbuf *shortopts)
{
	size_t n = count_opts(opts), i, k = 0;
	struct option *lo = calloc(n + 2, sizeof(*lo));

	if (!lo)
		return NULL;
	strbuf_reset(shortopts);
	strbuf_addstr(shortopts, "-:");	/* arguments in order; ':' on a missing value */
	for (i = 0; i < n; i++) {
		const struct tb_option *o = &opts[i];
		int val = o->short_name ? o->short_name : LONG_VAL(i);

		if (o->short_name) {
			strbuf_addch(shortopts, (char)o->short_name);
			if (o->argh)
				strbuf_addch(shortopts, ':');
		}
		if (o->long_name) {
			lo[k].name = o->long_name;
			lo[k].has_arg = o->argh ? required_argument : no_argument;
			lo[k].flag = NULL;
			lo[k].val = val;
			k++;
		}
	}
	strbuf_addch(shortopts, HELP_VAL);
	lo[k].name = "help";
	lo[k].has_arg = no_argument;
	lo[k].val = HELP_VAL;
	if (strbuf_failed(shortopts)) {
		free(lo);
		return NULL;
	}
	return lo;
}

int tb_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	const char *p;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	for (p = s; *p; p++) {
		unsigned d;

		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		d = (unsigned)(*p - '0');
		if (x > (UINT64_MAX - d) / 10) {
			/* too many digits: still a number, out of range */
			while (isdigit((unsigned char)*++p))
				;
			return *p ? -EINVAL : -ERANGE;
		}
		x = x * 10 + d;
	}
	if (x < min || x > max)
		return -ERANGE;
	*v = x;
	return 0;
}

/* -------------------------------------------------------------- messages ---- */

int tb_usage_error(const struct tb_usage *u, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tb_error_code(TB_EXIT_USAGE, "%s: %s", u->cmd, msg);
	fprintf(stderr, "  (see 'tracebook %s --help')\n", u->cmd);
	return -TB_EXIT_USAGE;
}

/* The option as the user typed it: "--top" (also for an abbreviation) or "-d". */
static void typed_name(const struct tb_option *o, int as_long, char *buf, size_t size)
{
	if (as_long && o->long_name)
		snprintf(buf, size, "--%s", o->long_name);
	else
		snprintf(buf, size, "-%c", o->short_name);
}

static void fmt_range_ns(uint64_t lo, uint64_t hi, char *buf, size_t size)
{
	char a[32], b[32];

	if (hi == UINT64_MAX && lo <= 1)
		snprintf(buf, size, "greater than zero");
	else if (hi == UINT64_MAX)
		snprintf(buf, size, "of at least %s", tb_fmt_duration(lo, a, sizeof(a)));
	else
		snprintf(buf, size, "from %s to %s", tb_fmt_duration(lo, a, sizeof(a)),
			 tb_fmt_duration(hi, b, sizeof(b)));
}

/* Why a duration did not parse, in words ("duration 'soon' does not start with a number"). */
static void duration_why(const char *s, char *buf, size_t size)
{
	const char *p = s;

	if (!isdigit((unsigned char)*p) && *p != '.') {
		snprintf(buf, size, "duration '%s' does not start with a number", s);
		return;
	}
	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	if (*p && !strchr("eE", *p))
		snprintf(buf, size, "unknown unit '%s' in duration '%s'; units: s, ms, us, m, min, "
			 "h, d", p, s);
	else
		snprintf(buf, size, "duration '%s' is malformed or too long", s);
}

/* ---------------------------------------------------------------- values ---- */

static int store(const struct tb_usage *u, const struct tb_option *o, const char *name,
		 const char *arg)
{
	char why[256], range[96];
	uint64_t v;
	int r;

	switch (o->type) {
	case TB_OPTION_FLAG:
		*(int *)o->value = 1;
		return 0;
	case TB_OPTION_STRING:
		*(const char **)o->value = arg;
		return 0;
	case TB_OPTION_UINT:
		r = tb_parse_uint(arg, o->min, o->max, &v);
		if (r == 0 && v <= (unsigned)-1) {
			*(unsigned *)o->value = (unsigned)v;
			return 0;
		}
		if (o->max == UINT64_MAX || o->max == (unsigned)-1)
			return tb_usage_error(u, "%s '%s': expected a whole number of at least %llu",
					      name, arg, (unsigned long long)o->min);
		return tb_usage_error(u, "%s '%s': expected a whole number from %llu to %llu", name,
				      arg, (unsigned long long)o->min, (unsigned long long)o->max);
	case TB_OPTION_DURATION:
		fmt_range_ns(o->min, o->max, range, sizeof(range));
		if (tb_parse_duration(arg, &v) < 0) {
			duration_why(arg, why, sizeof(why));
			return tb_usage_error(u, "%s '%s': expected a duration such as 10s, 500ms or "
					      "5m (%s)", name, arg, why);
		}
		if (v < o->min || v > o->max)
			return tb_usage_error(u, "%s '%s': expected a duration %s", name, arg, range);
		*(uint64_t *)o->value = v;
		return 0;
	case TB_OPTION_SIZE:
		if (tb_parse_size(arg, &v) < 0 || v < o->min || v > o->max) {
			char a[32], b[32];

			return tb_usage_error(u, "%s '%s': expected a size from %s to %s (4096, 64k, "
					      "8M, 1G)", name, arg, tb_fmt_bytes(o->min, a, sizeof(a)),
					      tb_fmt_bytes(o->max, b, sizeof(b)));
		}
		*(uint64_t *)o->value = v;
		return 0;
	case TB_OPTION_CALLBACK:
		if (o->cb(o, arg) < 0)
			return tb_usage_error(u, "%s '%s': expected %s", name, arg,
					      o->expect ? o->expect : "another value");
		return 0;
	case TB_OPTION_END:
		break;
	}
	return tb_usage_error(u, "%s: option of an unknown kind", name);
}

static const struct tb_option *by_val(const struct tb_option *opts, int val)
{
	size_t i, n = count_opts(opts);

	for (i = 0; i < n; i++)
		if ((opts[i].short_name && opts[i].short_name == val) ||
		    (!opts[i].short_name && LONG_VAL(i) == val))
			return &opts[i];
	return NULL;
}

/* "--d": unknown, or an abbreviation of several (getopt_long says neither apart) */
static int unknown_long(const struct tb_usage *u, const struct tb_option *opts,
			const char *typed)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, n = count_opts(opts), len;
	unsigned matches = 0;
	int r;

	if (strncmp(typed, "--", 2))
		return tb_usage_error(u, "unknown option '%s'", typed);
	len = strcspn(typed + 2, "=");
	for (i = 0; i < n; i++) {
		if (opts[i].long_name && !strncmp(opts[i].long_name, typed + 2, len)) {
			strbuf_addf(&sb, "%s--%s", matches++ ? ", " : "", opts[i].long_name);
		}
	}
	/* --help is in every table without being in opts ("--h": --html or --help?) */
	if (!strncmp("help", typed + 2, len))
		strbuf_addf(&sb, "%s--help", matches++ ? ", " : "");
	if (matches > 1)
		r = tb_usage_error(u, "ambiguous option '%s': %s?", typed, strbuf_str(&sb));
	else
		r = tb_usage_error(u, "unknown option '%s'", typed);
	strbuf_release(&sb);
	return r;
}

int tb_parse_options(int argc, char **argv, const struct tb_usage *u,
		     const struct tb_option *opts, struct strlist *args, size_t *literal)
{
	struct strbuf shortopts = STRBUF_INIT;
	struct option *lo;
	int c, ret = 0;

	lo = tb_options_getopt(opts, &shortopts);
	if (!lo) {
		strbuf_release(&shortopts);
		return tb_error("out of memory");
	}
	optind = 0;		/* glibc: start over, and read the "-:" mode again */
	opterr = 0;		/* the messages are ours, naming the command */
	for (;;) {
		const struct tb_option *o;
		const char *typed;
		char name[96];
		int longindex = -1;

		c = getopt_long(argc, argv, strbuf_str(&shortopts), lo, &longindex);
		if (c == -1)
			break;
		typed = optind > 0 && optind <= argc ? argv[optind - 1] : "";
		if (c == 1) {	/* a non-option argument, in order */
			if (strlist_add(args, optarg)) {
				ret = tb_error("out of memory");
				break;
			}
			continue;
		}
		if (c == '?' || c == ':') {
			o = optopt ? by_val(opts, optopt) : NULL;
			if (optopt == HELP_VAL && !strncmp(typed, "--", 2))
				ret = tb_usage_error(u, "option '--help' takes no value");
			else if (c == ':' && o) {
				typed_name(o, !strncmp(typed, "--", 2), name, sizeof(name));
				ret = tb_usage_error(u, "option '%s' needs a value (%s)", name,
						     o->argh);
			}
			else if (o && !strncmp(typed, "--", 2) && o->long_name)
				ret = tb_usage_error(u, "option '--%s' takes no value ('%s')",
						     o->long_name, typed);
			else if (optopt && optopt < 256)
				ret = tb_usage_error(u, "unknown option '-%c'", optopt);
			else
				ret = unknown_long(u, opts, typed);
			break;
		}
		if (c == HELP_VAL) {
			tb_usage_print(u, opts, stdout);
			ret = 1;
			break;
		}
		o = by_val(opts, c);
		if (!o) {
			ret = tb_usage_error(u, "unknown option '%s'", typed);
			break;
		}
		typed_name(o, longindex >= 0, name, sizeof(name));
		ret = store(u, o, name, o->argh ? optarg : NULL);
		if (ret)
			break;
	}
	if (!ret) {
		if (literal)
			*literal = args->n;
		for (; optind < argc; optind++) {	/* after "--": arguments, all of them */
			if (strlist_add(args, argv[optind])) {
				ret = tb_error("out of memory");
				break;
			}
		}
	}
	free(lo);
	strbuf_release(&shortopts);
	return ret;
}

/* ------------------------------------------------------------------ help ---- */

static void option_left(const struct tb_option *o, struct strbuf *sb)
{
	strbuf_reset(sb);
	if (o->short_name)
		strbuf_addf(sb, "  -%c%s", o->short_name, o->long_name ? ", " : "");
	else
		strbuf_addstr(sb, "      ");
	if (o->long_name)
		strbuf_addf(sb, "--%s", o->long_name);
	if (o->argh)
		strbuf_addf(sb, " %s", o->argh);
}

static void option_line(FILE *out, const char *left, const char *help, size_t col)
{
	const char *p = help, *e;
	size_t len = strlen(left);

	fputs(left, out);
	if (len + 2 > col) {
		fputc('\n', out);
		len = 0;
	}
	do {
		e = strchr(p, '\n');
		fprintf(out, "%*s%.*s\n", (int)(col - len), "", (int)(e ? e - p : (long)strlen(p)), p);
		len = 0;
		p = e ? e + 1 : NULL;
	} while (p);
}

void tb_usage_print(const struct tb_usage *u, const struct tb_option *opts, FILE *out)
{
	static const struct tb_option help = TB_OPT_FLAG('h', "help", NULL, "this help");
	struct strbuf sb = STRBUF_INIT;
	size_t i, n = count_opts(opts), col = 0;

	fprintf(out, "%s\n", u->synopsis);
	if (u->text)
		fprintf(out, "%s\n", u->text);
	for (i = 0; i <= n; i++) {
		option_left(i < n ? &opts[i] : &help, &sb);
		if (sb.len + 2 <= HELP_COLUMN_MAX && sb.len + 2 > col)
			col = sb.len + 2;
	}
	if (u->text)
		fputc('\n', out);
	for (i = 0; i <= n; i++) {
		const struct tb_option *o = i < n ? &opts[i] : &help;

		option_left(o, &sb);
		option_line(out, strbuf_str(&sb), o->help ? o->help : "", col);
	}
	if (u->footer)
		fprintf(out, "\n%s\n", u->footer);
	strbuf_release(&sb);
}
