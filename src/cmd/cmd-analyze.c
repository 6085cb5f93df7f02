/*
 * cmd-analyze.c - `tracebook analyze`: decode files brought back from a box (ftrace
 * text of any era, kernel logs with SLUB TRACE records, trace-cmd report text or
 * trace.dat, slabinfo) as one event stream, run the recipe's analyses (or the ones
 * the data calls for) and print the same report as `run`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include "util/fileio.h"
#include "cmd/bundle.h"
#include "cmd/cmds.h"
#include "decode/decode.h"
#include "kernel/ksyms.h"
#include "util/err.h"
#include "util/parse-options.h"
#include "util/strbuf.h"
#include "util/strlist.h"

#include "analyze/analysis.h"
#include "analyze/recipe-filter.h"
#include "recipe/recipe.h"
#include "report/report.h"


static const struct tb_usage analyze_usage = {
	"analyze",
	"usage: tracebook analyze [--recipe R] [param=value ...] FILE... [-o report.json]\n"
	"                         [--folded F] [--top N] [--format F] [--kallsyms F]\n"
	"                         [--dump-events] [--html FILE]",
	"\nAnalyze files brought back from a box; '-' is standard input.  Several files are\n"
	"one stream, merged by timestamp where they overlap.  Formats (detected):\n"
	"  trace / trace_pipe text of any kernel (3.10 .. 6.x), kernel logs with SLUB\n"
	"  'TRACE' records (dmesg, kern.log, journalctl -k), trace-cmd report text,\n"
	"  trace.dat (v6, v7 uncompressed), /proc/slabinfo snapshots.  Arguments after '--' are files.\n"
	"A directory written by `run --save` stands for its files, kallsyms and recipe.\n"
	"A `collect` bundle (FILE.tar.gz, or the directory it unpacks to) stands for its\n"
	"short run, with the bundle's own kallsyms and uname, plus the growth between its\n"
	"two /proc snapshots.",
	NULL,
};

struct opts {
	const char *recipe, *json, *folded, *kallsyms, *html, *buffer;
	unsigned top;
	int dump;
	struct report_opts rep;
	enum tb_format fmt;
	struct strlist assign, files;
	struct strlist owned;	/* paths made from a --save directory */
	struct strlist procsnaps;	/* its proc/NNN-meminfo|vmstat|buddyinfo files */
	char release[128], arch[64];	/* its uname.txt: the kernel it ran on */
	char bundle_tmp[4096];		/* a .tar.gz bundle unpacked here (removed at the end) */
	char bundle_top[4096];		/* a `collect` bundle's top directory, or "" */
	int bundle_norun;		/* the bundle has no data of its short run */
};

/* Counts every event and loss on the way to the real sink (run info). */
struct counting {
	struct tb_sink inner;
	uint64_t events, first_ts, last_ts, lost;
	int lost_unknown;
	uint64_t *lost_cpu;
	unsigned ncpus;
	int dump;
	FILE *out;
	struct tb_analysis *an;
};

static int count_event(void *ctx, const struct tb_event *ev)
{
	struct counting *c = ctx;

	c->events++;
	if (ev->ts_ns) {
		if (!c->first_ts || ev->ts_ns < c->first_ts)
			c->first_ts = ev->ts_ns;
		if (ev->ts_ns > c->last_ts)
			c->last_ts = ev->ts_ns;
	}
	if (ev->cpu >= 0 && (unsigned)ev->cpu < 4096 && (unsigned)ev->cpu >= c->ncpus)
		c->ncpus = (unsigned)ev->cpu + 1;
	if (c->dump) {
		tb_decode_dump_event(c->out, ev);
		return 0;
	}
	return c->inner.event ? c->inner.event(c->inner.ctx, ev) : 0;
}

static void count_lost(void *ctx, int cpu, uint64_t count, uint64_t ts)
{
	struct counting *c = ctx;

	if (c->dump) {
		if (count == TB_LOST_UNKNOWN)
			fprintf(c->out, "LOST cpu=%d count=unknown\n", cpu);
		else
			fprintf(c->out, "LOST cpu=%d count=%llu\n", cpu, (unsigned long long)count);
	}
	if (count == TB_LOST_UNKNOWN) {
		c->lost_unknown = 1;
	} else {
		c->lost += count;
		if (cpu >= 0 && cpu < 4096) {
			if ((unsigned)cpu >= c->ncpus)
				c->ncpus = (unsigned)cpu + 1;
			if (!c->lost_cpu)
				c->lost_cpu = calloc(4096, sizeof(*c->lost_cpu));
			if (c->lost_cpu)
				c->lost_cpu[cpu] += count;
		}
	}
	if (c->inner.lost)
		c->inner.lost(c->inner.ctx, cpu, count, ts);
}

static enum tb_format parse_format(const char *s)
{
	if (!strcmp(s, "ftrace") || !strcmp(s, "trace") || !strcmp(s, "trace_pipe"))
		return TB_FMT_FTRACE_TEXT;
	if (!strcmp(s, "klog") || !strcmp(s, "dmesg") || !strcmp(s, "kernel-log"))
		return TB_FMT_KERNEL_LOG;
	if (!strcmp(s, "tracecmd") || !strcmp(s, "trace-cmd") || !strcmp(s, "report"))
		return TB_FMT_TRACECMD_REPORT;
	if (!strcmp(s, "dat") || !strcmp(s, "trace.dat"))
		return TB_FMT_TRACECMD_DAT;
	if (!strcmp(s, "slabinfo"))
		return TB_FMT_SLABINFO;
	return TB_FMT_UNKNOWN;
}

static int format_option(const struct tb_option *opt, const char *arg)
{
	enum tb_format f = parse_format(arg);

	if (f == TB_FMT_UNKNOWN)
		return -1;
	*(enum tb_format *)opt->value = f;
	return 0;
}

static int is_assignment(const char *a)
{
	const char *p = a;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
	       (*p >= '0' && *p <= '9') || *p == '-')
		p++;
	return *p == '=' && access(a, F_OK) != 0;
}

/*
 * The same input given twice would be read twice and count every event twice (and
 * standard input, read twice, splices the halves of one stream): refuse it, naming
 * both arguments.  "Same" is the same path, or the same file under another name
 * (device and inode, also when standard input is redirected from a listed file).
 */
static int check_inputs(const struct strlist *files)
{
	struct stat *st;
	char *have;
	size_t i, j;
	int ret = 0;

	st = calloc(files->n, sizeof(*st));
	have = calloc(files->n, 1);
	if (!st || !have) {
		free(st);
		free(have);
		return tb_error("out of memory");
	}
	for (i = 0; i < files->n && !ret; i++) {
		const char *f = files->v[i];

		if (!strcmp(f, "-"))
			have[i] = !fstat(0, &st[i]) && !S_ISFIFO(st[i].st_mode) &&
				  !S_ISCHR(st[i].st_mode) && !S_ISSOCK(st[i].st_mode);
		else
			have[i] = !stat(f, &st[i]);	/* a missing file is said when opened */
		for (j = 0; j < i && !ret; j++) {
			const char *g = files->v[j];

			if (!strcmp(f, "-") && !strcmp(g, "-"))
				ret = tb_usage_error(&analyze_usage, "input %zu '-' repeats input "
					"%zu: standard input can be read only once (give the "
					"file's name instead)", i + 1, j + 1);
			else if (!strcmp(f, g))
				ret = tb_usage_error(&analyze_usage, "input %zu '%s' repeats input "
					"%zu: each capture is read once (its events would count "
					"twice)", i + 1, f, j + 1);
			else if (have[i] && have[j] && st[i].st_dev == st[j].st_dev &&
				 st[i].st_ino == st[j].st_ino)
				ret = tb_usage_error(&analyze_usage, "input %zu '%s' is the same file "
					"as input %zu '%s' (same device and inode): each capture is "
					"read once (its events would count twice)", i + 1, f, j + 1,
					g);
		}
	}
	free(st);
	free(have);
	return ret;
}

/*
 * --kallsyms F must be a copy of /proc/kallsyms: a directory, an unreadable file, one
 * with no kallsyms line, mostly other lines, or only zero addresses (copied without
 * root) is refused here, naming it, instead of a note under a report of raw addresses.
 */
static int check_kallsyms(const char *path)
{
	struct tb_ksyms t;
	struct stat st;
	int r;

	if (stat(path, &st) < 0)
		return tb_error_code(TB_EXIT_BADINPUT, "--kallsyms %s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return tb_error_code(TB_EXIT_BADINPUT, "--kallsyms %s: is a directory; expected a "
				     "copy of the box's /proc/kallsyms", path);
	r = tb_ksyms_load(&t, path);
	if (r < 0) {
		tb_ksyms_release(&t);
		return tb_error_code(TB_EXIT_BADINPUT, "--kallsyms %s: cannot be read: %s", path,
				     strerror(-r));
	}
	if (!t.lines || t.malformed > t.lines) {
		char first[64];

		snprintf(first, sizeof(first), "%s", t.malformed ? t.text + t.first_malformed : "");
		r = tb_error_code(TB_EXIT_BADINPUT, "--kallsyms %s: not a kallsyms file: %zu of %zu "
				  "lines are not 'ADDRESS TYPE NAME [module]' (first: '%s'); expected a "
				  "copy of the box's /proc/kallsyms", path, t.malformed,
				  t.malformed + t.lines, first);
	} else if (!t.n && t.zero) {
		r = tb_error_code(TB_EXIT_BADINPUT, "--kallsyms %s: every address is 0 (copied "
				  "without root: kptr_restrict); copy /proc/kallsyms as root", path);
	} else if (!t.n) {
		r = tb_error_code(TB_EXIT_BADINPUT, "--kallsyms %s: no text (function) symbols",
				  path);
	}
	tb_ksyms_release(&t);
	return r;
}

static int is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static int is_file_nonempty(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode) && st.st_size > 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* DIR/uname.txt ("Linux NODE RELEASE VERSION... MACHINE"): the kernel the data is from. */
static void read_uname(struct opts *o, const char *dir)
{
	struct strbuf u = STRBUF_INIT;
	char sys[64], node[256], p[4200];

	snprintf(p, sizeof(p), "%s/uname.txt", dir);
	if (!o->release[0] && tb_read_file(p, &u) == 0 && u.buf &&
	    sscanf(u.buf, "%63s %255s %127s", sys, node, o->release) == 3) {
		char *last;

		strbuf_rtrim(&u);
		last = strrchr(u.buf, ' ');
		snprintf(o->arch, sizeof(o->arch), "%s", last ? last + 1 : "");
	}
	strbuf_release(&u);
}

/*
 * A directory argument is a `run --save` directory (or an unpacked `collect`
 * bundle's run): it stands for its files - the /proc/slabinfo snapshots (proc/NNN-
 * slabinfo, in order), trace.dat, the kernel log when it holds SLUB TRACE records -
 * and, unless given on the command line, its own kallsyms and its recipe with the
 * parameters it ran with.
 */
static int expand_dir(struct opts *o, const char *dir, struct strlist *files)
{
	struct strbuf sb = STRBUF_INIT;
	struct strlist snaps = STRLIST_INIT;
	DIR *d;
	struct dirent *de;
	size_t i, before = files->n;
	int ret = 0;

	strbuf_addf(&sb, "%s/proc", dir);
	d = opendir(sb.buf);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !strchr(de->d_name, '-'))
			continue;
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/proc/%s", dir, de->d_name);
		/* slabinfo is a decoder format; the others go straight to the analysis */
		ret |= strlist_add(strstr(de->d_name, "-slabinfo") ? &snaps : &o->procsnaps,
				   sb.buf);
	}
	if (d)
		closedir(d);
	if (snaps.n)
		qsort(snaps.v, snaps.n, sizeof(*snaps.v), cmp_str);
	if (o->procsnaps.n)
		qsort(o->procsnaps.v, o->procsnaps.n, sizeof(*o->procsnaps.v), cmp_str);
	for (i = 0; i < snaps.n; i++)
		ret |= strlist_add(files, snaps.v[i]);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/trace.dat", dir);
	if (is_file_nonempty(sb.buf))
		ret |= strlist_add(files, sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/kernel.log", dir);
	if (is_file_nonempty(sb.buf)) {
		struct strbuf log = STRBUF_INIT;

		if (tb_read_file(sb.buf, &log) == 0 && strstr(strbuf_str(&log), " TRACE "))
			ret |= strlist_add(files, sb.buf);
		strbuf_release(&log);
	}
	if (ret) {
		ret = tb_error("out of memory");
		goto out;
	}
	if (files->n == before) {
		ret = tb_error_code(TB_EXIT_BADINPUT, "%s: a directory, but not one `run --save` "
				    "wrote (no trace.dat, kernel.log with TRACE records or "
				    "proc/NNN-slabinfo in it)", dir);
		goto out;
	}
	read_uname(o, dir);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/kallsyms", dir);
	if (!o->kallsyms && is_file_nonempty(sb.buf)) {
		ret |= strlist_add(&o->owned, sb.buf);
		o->kallsyms = o->owned.v[o->owned.n - 1];
	}
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s/recipe.recipe", dir);
	if (!o->recipe && is_file_nonempty(sb.buf)) {
		struct strbuf params = STRBUF_INIT;
		char *l, *save = NULL;

		ret |= strlist_add(&o->owned, sb.buf);
		o->recipe = o->owned.v[o->owned.n - 1];
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s/params.txt", dir);
		if (!o->assign.n && tb_read_file(sb.buf, &params) == 0 && params.buf)
			for (l = strtok_r(params.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
				ret |= strlist_add(&o->assign, l);
		strbuf_release(&params);
	}
	if (ret)
		ret = tb_error("out of memory");
out:
	strlist_clear(&snaps);
	strbuf_release(&sb);
	return ret;
}

/*
 * A `collect` bundle (cmd/bundle.c): its own uname and kallsyms name the kernel and the
 * sites; its short run's --save directory is the data; the growth between its two
 * snapshots is printed after the report (cmd_analyze).
 */
static int expand_bundle(struct opts *o, const char *arg, const char *top,
			 struct strlist *files)
{
	char p[4200];
	struct stat st;

	if (o->bundle_top[0])
		return tb_error_code(TB_EXIT_USAGE, "%s: one bundle at a time (%s is another)",
				     arg, o->bundle_top);
	snprintf(o->bundle_top, sizeof(o->bundle_top), "%s", top);
	read_uname(o, top);
	bundle_apply_mtimes(top);
	snprintf(p, sizeof(p), "%s/kallsyms", top);
	if (!o->kallsyms && is_file_nonempty(p)) {
		if (strlist_add(&o->owned, p))
			return tb_error("out of memory");
		o->kallsyms = o->owned.v[o->owned.n - 1];
	}
	snprintf(p, sizeof(p), "%s/run", top);
	if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
		char q[4300];

		snprintf(q, sizeof(q), "%s/trace.dat", p);
		if (is_file_nonempty(q) || (snprintf(q, sizeof(q), "%s/proc", p), is_dir(q)))
			return expand_dir(o, p, files);
	}
	/* no run data: the uname for the report's header only */
	o->bundle_norun = 1;
	return 0;
}

static int expand_dirs(struct opts *o)
{
	struct strlist files = STRLIST_INIT;
	char top[4096];
	size_t i;
	int ret = 0;

	for (i = 0; i < o->files.n && !ret; i++) {
		if (strcmp(o->files.v[i], "-") && is_dir(o->files.v[i]) &&
		    bundle_find_top(o->files.v[i], top, sizeof(top)))
			ret = expand_bundle(o, o->files.v[i], top, &files);
		else if (strcmp(o->files.v[i], "-") && !is_dir(o->files.v[i]) &&
			 bundle_is_file(o->files.v[i])) {
			if (o->bundle_tmp[0])
				ret = tb_error_code(TB_EXIT_USAGE, "%s: one bundle at a time",
						    o->files.v[i]);
			else
				ret = bundle_unpack(o->files.v[i], o->bundle_tmp,
						    sizeof(o->bundle_tmp), top, sizeof(top));
			if (!ret)
				ret = expand_bundle(o, o->files.v[i], top, &files);
		} else if (strcmp(o->files.v[i], "-") && is_dir(o->files.v[i]))
			ret = expand_dir(o, o->files.v[i], &files);
		else if (strlist_add(&files, o->files.v[i]))
			ret = tb_error("out of memory");
	}
	strlist_clear(&o->files);
	o->files = files;
	return ret;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	struct tb_option opts[] = {
		TB_OPT_STRING('r', "recipe", &o->recipe, "R",
			      "analyses of recipe R (name or file); default: from the data\n"
			      "(kmem events: pair by ptr; SLUB TRACE: pair per cache;\n"
			      "function tracer: count by caller; mm_page_*: pair by pfn)"),
		TB_OPT_STRING('o', "output", &o->json, "FILE",
			      "write the JSON report to FILE (atomically)"),
		TB_OPT_STRING(0, "folded", &o->folded, "FILE",
			      "outstanding bytes per stack, FlameGraph folded format"),
		TB_OPT_STRING(0, "html", &o->html, "FILE",
			      "the report as one self-contained HTML page (atomically)"),
		CMD_OPT_TOP(&o->top, "groups shown per analysis (default 10)"),
		TB_OPT_CALLBACK(0, "format", &o->fmt, "F", format_option,
				"ftrace, klog, tracecmd, dat or slabinfo",
				"do not detect: ftrace | klog | tracecmd | dat | slabinfo"),
		TB_OPT_STRING(0, "kallsyms", &o->kallsyms, "F",
			      "the box's /proc/kallsyms, to name raw addresses"),
		TB_OPT_STRING(0, "buffer", &o->buffer, "NAME",
			      "trace.dat: read instance buffer NAME (trace-cmd -B NAME); default:\n"
			      "the top buffer when it holds data, else the first instance"),
		TB_OPT_FLAG(0, "dump-events", &o->dump,
			    "print the decoded events (one per line) instead of a report"),
		TB_OPT_DURATION(0, "interval", &o->rep.interval_ns, "D", 1000000ULL, UINT64_MAX,
				"trend interval (default: a tenth of the trace's span, at least 1s)"),
		CMD_OPTS_REPORT(&o->rep),
		TB_OPT_END(),
	};
	struct strlist args = STRLIST_INIT;
	size_t i, literal = 0;
	int ret;

	ret = tb_parse_options(argc, argv, &analyze_usage, opts, &args, &literal);
	for (i = 0; !ret && i < args.n; i++) {
		/* after "--" every argument is a file, even one that looks like param=value */
		if (i < literal && is_assignment(args.v[i]))
			ret = strlist_add(&o->assign, args.v[i]);
		else
			ret = strlist_add(&o->files, args.v[i]);
		if (ret)
			ret = tb_error("out of memory");
	}
	strlist_clear(&args);
	if (ret)
		return ret;
	if (!o->files.n)
		return tb_usage_error(&analyze_usage, "no input file (give FILE... or '-' for "
				      "standard input)");
	if ((ret = expand_dirs(o)))
		return ret;
	if (o->bundle_norun && !o->files.n)
		return 0;	/* a bundle without its run's data: the growth only */
	if ((ret = check_inputs(&o->files)))
		return ret;
	if (o->kallsyms && (ret = check_kallsyms(o->kallsyms)))
		return ret;
	if (o->assign.n && !o->recipe)
		return tb_usage_error(&analyze_usage, "'%s' sets a recipe parameter, but no "
				      "--recipe was given", o->assign.v[0]);
	if (o->dump && (o->json || o->folded || o->html || o->recipe))
		return tb_usage_error(&analyze_usage, "--dump-events prints events only; drop "
				      "-o/--folded/--html/--recipe");
	return 0;
}

static void print_stats(FILE *out, const struct tb_decode_set *set)
{
	unsigned i, k;

	for (i = 0; i < tb_decode_set_count(set); i++) {
		const struct tb_decode_stats *st = tb_decode_set_stats(set, i);

		fprintf(out, "# %s (%s): lines=%llu events=%llu malformed=%llu ignored=%llu "
			"hashed=%llu hidden=%llu null=%llu lost_markers=%llu stacks=%llu\n",
			tb_decode_set_path(set, i), tb_format_name(tb_decode_set_format(set, i)),
			(unsigned long long)st->lines, (unsigned long long)st->events,
			(unsigned long long)st->malformed, (unsigned long long)st->ignored,
			(unsigned long long)st->ptr_hashed, (unsigned long long)st->ptr_hidden,
			(unsigned long long)st->ptr_null, (unsigned long long)st->lost_markers,
			(unsigned long long)st->stacks);
		for (k = 0; k < 3 && k < st->malformed; k++)
			fprintf(out, "#   malformed: %s\n", st->first_malformed[k]);
		for (k = 0; k < st->nmaybe; k++)
			fprintf(out, "#   malformed lines that could have been %s: %llu\n",
				st->maybe[k].event, (unsigned long long)st->maybe[k].n);
		if (st->damaged)
			fprintf(out, "#   damaged: %llu events or frames read from damaged lines "
				"(first: %s)\n",
				(unsigned long long)st->damaged, st->first_damaged);
	}
}

/* Text shows only event names: tell the decoders the systems the recipe expects. */
static int map_refs(struct tb_decode_set *set, const struct strlist *refs)
{
	size_t i;

	for (i = 0; i < refs->n; i++) {
		const char *ref = refs->v[i], *colon = strchr(ref, ':');
		char sys[256];

		if (!colon) {	/* bare NAME: a [kprobe NAME] */
			if (tb_decode_set_map_event(set, ref, "kprobes"))
				return -1;
			continue;
		}
		if ((size_t)(colon - ref) >= sizeof(sys))
			continue;
		memcpy(sys, ref, (size_t)(colon - ref));
		sys[colon - ref] = '\0';
		if (!strcmp(sys, "function") || !strcmp(sys, "slub"))
			continue;
		if (!strcmp(sys, "kprobe") || !strcmp(sys, "kretprobe"))
			strcpy(sys, "kprobes");
		if (tb_decode_set_map_event(set, colon + 1, sys))
			return -1;
	}
	return 0;
}

static int map_recipe(struct tb_decode_set *set, const struct tb_recipe *r)
{
	unsigned i;

	for (i = 0; i < r->ntps; i++)
		if (tb_decode_set_map_event(set, r->tps[i].event, r->tps[i].system))
			return -1;
	for (i = 0; i < r->nkps; i++)
		if (tb_decode_set_map_event(set, r->kps[i].name, "kprobes"))
			return -1;
	for (i = 0; i < r->npairs; i++)
		if (map_refs(set, &r->pairs[i].alloc) || map_refs(set, &r->pairs[i].free))
			return -1;
	for (i = 0; i < r->nbalances; i++)
		if (map_refs(set, &r->balances[i].get) || map_refs(set, &r->balances[i].put))
			return -1;
	for (i = 0; i < r->ncounts; i++)
		if (map_refs(set, &r->counts[i].events))
			return -1;
	return 0;
}

static int snapshot_cb(void *ctx, const char *what, uint64_t wall_ns, const char *text,
		       const char *origin)
{
	struct counting *c = ctx;

	return c->an ? tb_analysis_snapshot_from(c->an, what, wall_ns, text, origin) : 0;
}

/*
 * Notes of the decoding: malformed lines (counted, the first few quoted).  Hidden and
 * hashed pointers are reported by the pair analyzer itself, per pair, from each
 * event's ptr_quality ("cannot pair: pointers hidden by the kernel").
 */
static void add_notes(struct tb_run_info *info, const struct tb_decode_set *set)
{
	uint64_t malformed = 0, damaged = 0, interleaved = 0;
	struct strbuf sb = STRBUF_INIT;
	unsigned i, k, quoted = 0;
	const char *first_damaged = NULL;

	for (i = 0; i < tb_decode_set_count(set); i++) {
		malformed += tb_decode_set_stats(set, i)->malformed;
		interleaved += tb_decode_set_stats(set, i)->interleaved;
	}
	for (i = 0; i < tb_decode_set_warnings(set)->n; i++)
		strlist_add(&info->notes, tb_decode_set_warnings(set)->v[i]);
	if (interleaved) {
		tb_decode_interleaved_note(&sb, interleaved);
		strlist_add(&info->notes, sb.buf);
		strbuf_reset(&sb);
	}
	if (malformed) {
		const char *sep = "; of them, ";

		strbuf_addf(&sb, "%llu malformed lines skipped", (unsigned long long)malformed);
		for (i = 0; i < tb_decode_set_count(set) && quoted < 3; i++) {
			const struct tb_decode_stats *st = tb_decode_set_stats(set, i);

			for (k = 0; k < 3 && k < st->malformed && quoted < 3; k++, quoted++)
				strbuf_addf(&sb, "%s %s", quoted ? ";" : " (first:",
					    st->first_malformed[k]);
		}
		if (quoted)
			strbuf_addch(&sb, ')');
		/* which events the unreadable lines may hide, summed over the files */
		for (i = 0; i < tb_decode_set_count(set); i++) {
			const struct tb_decode_stats *st = tb_decode_set_stats(set, i);

			for (k = 0; k < st->nmaybe; k++) {
				strbuf_addf(&sb, "%s%llu could have been %s events", sep,
					    (unsigned long long)st->maybe[k].n, st->maybe[k].event);
				sep = ", ";
			}
		}
		strlist_add(&info->notes, sb.buf);
	}
	for (i = 0; i < tb_decode_set_count(set); i++) {
		const struct tb_decode_stats *st = tb_decode_set_stats(set, i);

		if (st->damaged && !first_damaged)
			first_damaged = st->first_damaged;
		damaged += st->damaged;
	}
	if (damaged) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%llu events or frames read from damaged lines (copy and paste?): "
			    "check them (first: %s)", (unsigned long long)damaged, first_damaged);
		strlist_add(&info->notes, sb.buf);
	}
	strbuf_release(&sb);
}

/*
 * The malformed lines of every file by the events they could have been, merged by
 * name (the report counts them against the analyses of those events).  NULL with
 * *n = 0 when there are none; NULL with *n = 1 on ENOMEM.
 */
static struct tb_unread *collect_unread(const struct tb_decode_set *set, size_t *n)
{
	struct tb_unread *u = NULL;
	size_t max = 0, i, j;
	unsigned k;

	*n = 0;
	for (i = 0; i < tb_decode_set_count(set); i++)
		max += tb_decode_set_stats(set, i)->nmaybe;
	if (!max)
		return NULL;
	u = calloc(max, sizeof(*u));
	if (!u) {
		*n = 1;
		return NULL;
	}
	for (i = 0; i < tb_decode_set_count(set); i++) {
		const struct tb_decode_stats *st = tb_decode_set_stats(set, i);

		for (k = 0; k < st->nmaybe; k++) {
			for (j = 0; j < *n && strcmp(u[j].event, st->maybe[k].event); j++)
				;
			if (j == *n) {
				u[j].event = st->maybe[k].event;
				(*n)++;
			}
			u[j].n += st->maybe[k].n;
		}
	}
	return u;
}

static int run_report(struct opts *o, struct tb_decode_set *set, struct counting *cnt)
{
	struct tb_unread *unread = NULL;
	struct tb_recipe recipe;
	struct tb_recipe *r = NULL;
	struct tb_analysis_opts aopts;
	struct tb_analysis *an = NULL;
	struct tb_recipe_filter *rf = NULL;
	struct tb_report *rep = NULL;
	struct tb_run_info info;
	struct strbuf src = STRBUF_INIT;
	char *path = NULL;
	const char **fields = NULL;
	size_t nfields = 0;
	unsigned i;
	int ret;

	memset(&recipe, 0, sizeof(recipe));
	memset(&info, 0, sizeof(info));
	memset(&aopts, 0, sizeof(aopts));
	aopts.kallsyms = o->kallsyms;
	ret = cmd_report_opts(&o->rep, &aopts);
	if (ret < 0)
		return ret;
	if (o->recipe) {
		path = tb_recipe_find(o->recipe);
		if (!path)
			return -TB_EXIT_BADINPUT;
		ret = tb_recipe_load(path, &o->assign, &recipe);
		if (ret < 0)
			goto out;
		r = &recipe;
		if (map_recipe(set, r)) {
			ret = tb_error("out of memory");
			goto out;
		}
	}
	/* no recipe: the analysis decides from the data (kmem, pages, slub, functions) */
	an = tb_analysis_new(r, &aopts);
	if (!an) {
		ret = -1;
		goto out;
	}
	cnt->inner = tb_analysis_sink(an);
	/*
	 * trace.dat inputs decode the fields the analyses read for every event (NULL:
	 * all); a recipe filter's fields are decoded when it asks for them
	 */
	fields = tb_analysis_fields(an, &nfields);
	tb_decode_set_fields(set, fields, nfields);
	if (r) {
		/* the recipe's kernel-side narrowing, applied as the live run would have */
		ret = tb_recipe_filter_new(r, cnt->inner, &rf);
		if (ret < 0)
			goto out;
		cnt->inner = tb_recipe_filter_sink(rf);
	}
	cnt->an = an;	/* slabinfo snapshots go to it (snapshot_cb) */
	/* a --save directory's other /proc snapshots: what (after NNN-), taken at mtime */
	for (i = 0; i < o->procsnaps.n; i++) {
		const char *f = o->procsnaps.v[i], *what = strrchr(f, '/');
		struct strbuf t = STRBUF_INIT;
		struct stat st;

		what = strchr(what ? what : f, '-') + 1;
		if (tb_read_file(f, &t) < 0 || stat(f, &st) < 0) {
			strbuf_release(&t);
			ret = tb_error_code(TB_EXIT_BADINPUT, "cannot read %s", f);
			goto out;
		}
		ret = tb_analysis_snapshot(an, what, (uint64_t)st.st_mtim.tv_sec * 1000000000ULL +
					   (uint64_t)st.st_mtim.tv_nsec, strbuf_str(&t));
		strbuf_release(&t);
		if (ret < 0)
			goto out;
	}
	ret = tb_decode_set_run(set);
	if (ret < 0)
		goto out;

	strbuf_addstr(&src, "files:");
	for (i = 0; i < tb_decode_set_count(set); i++)
		strbuf_addf(&src, " %s (%s)", tb_decode_set_path(set, i),
			    tb_format_name(tb_decode_set_format(set, i)));
	info.recipe = r ? r->name : NULL;
	info.source = src.buf;
	if (o->release[0]) {
		info.kernel_release = o->release;
		info.arch = o->arch;
	}
	info.events = cnt->events;
	info.lost = cnt->lost;
	info.lost_unknown = cnt->lost_unknown;
	info.ncpus = cnt->ncpus;
	info.lost_per_cpu = cnt->lost_cpu;
	info.duration_ns = cnt->last_ts > cnt->first_ts ? cnt->last_ts - cnt->first_ts : 0;
	add_notes(&info, set);
	tb_recipe_filter_notes(rf, &info.notes);
	unread = collect_unread(set, &info.nunread);
	if (!unread && info.nunread) {
		ret = tb_error("out of memory");
		goto out;
	}
	info.unread = unread;
	rep = tb_report_build(an, &info);
	if (!rep) {
		ret = -1;
		goto out;
	}
	ret = tb_report_print_text(rep, stdout, o->top);
	if (ret >= 0 && o->json)
		ret = tb_report_write_json(rep, o->json);
	if (ret >= 0 && o->folded)
		ret = tb_report_write_folded(rep, o->folded);
	if (ret >= 0 && o->html)
		ret = tb_report_write_html(rep, o->html, o->top);
	if (ret >= 0 && tb_report_no_verdict(rep))
		ret = tb_error_code(TB_EXIT_BLIND, "analyze: none of the events of recipe %s are "
				    "in the input: no verdict (exit %d)", rep->recipe,
				    TB_EXIT_BLIND - TB_EXIT_BASE);
out:
	tb_decode_set_fields(set, NULL, 0);
	free(fields);
	tb_report_free(rep);
	tb_analysis_free(an);
	tb_recipe_filter_free(rf);
	strlist_clear(&info.notes);
	strlist_clear(&info.plan_summary);
	strbuf_release(&src);
	free(unread);
	if (r == &recipe)
		tb_recipe_free(&recipe);
	free(path);
	return ret < 0 ? ret : 0;
}

/*
 * Without --kallsyms, a trace.dat names its raw addresses with the kallsyms it carries
 * (trace-cmd and `run --save` store the box's): the first trace.dat's copy goes to a
 * temporary file (path in tmp, removed at the end) the analysis reads.
 */
static int dat_kallsyms(struct opts *o, char *tmp, size_t size)
{
	size_t i;

	tmp[0] = 0;
	for (i = 0; i < o->files.n && !o->kallsyms && !o->dump; i++) {
		struct strbuf sb = STRBUF_INIT;
		char magic[10];
		int fd = strcmp(o->files.v[i], "-") ? open(o->files.v[i], O_RDONLY) : -1, r;
		ssize_t n;

		if (fd < 0)
			continue;
		n = read(fd, magic, sizeof(magic));
		close(fd);
		if (n != (ssize_t)sizeof(magic) || memcmp(magic, "\x17\x08\x44tracing", 10))
			continue;
		r = tb_tracedat_kallsyms(o->files.v[i], &sb);
		if (r == 0 && sb.len) {
			const char *t = getenv("TMPDIR");

			snprintf(tmp, size, "%s/tracebook-kallsyms.XXXXXX", t && *t ? t : "/tmp");
			fd = mkstemp(tmp);
			if (fd < 0 || write(fd, sb.buf, sb.len) != (ssize_t)sb.len) {
				r = tb_error("cannot write a temporary kallsyms file %s: %s", tmp,
					     strerror(errno));
				if (fd >= 0) {
					close(fd);
					unlink(tmp);
				}
				tmp[0] = 0;
			} else {
				close(fd);
				o->kallsyms = tmp;
			}
		}
		strbuf_release(&sb);
		if (r < 0)
			return r;
	}
	return 0;
}

int cmd_analyze(int argc, char **argv)
{
	char ksyms_tmp[4096] = "";
	struct opts o;
	struct counting cnt;
	struct tb_sink sink;
	struct tb_decode_set *set = NULL;
	size_t i;
	int ret;

	memset(&o, 0, sizeof(o));
	memset(&cnt, 0, sizeof(cnt));
	ret = parse_args(argc, argv, &o);
	if (ret)
		goto out;
	if (o.bundle_norun && !o.files.n) {
		struct strbuf ex = STRBUF_INIT;
		char p[4200];

		snprintf(p, sizeof(p), "%s/run-exit.txt", o.bundle_top);
		tb_read_file(p, &ex);
		printf("bundle %s: its short slab-leak run left no data (%s)\n", o.bundle_top,
		       ex.len ? strtok(ex.buf, "\n") : "no run-exit.txt");
		strbuf_release(&ex);
		ret = bundle_print_growth(o.bundle_top, o.top ? o.top : 10, stdout);
		goto out;
	}
	sink.event = count_event;
	sink.lost = count_lost;
	sink.ctx = &cnt;
	cnt.dump = o.dump;
	cnt.out = stdout;
	if ((ret = dat_kallsyms(&o, ksyms_tmp, sizeof(ksyms_tmp))) < 0)
		goto out;
	set = tb_decode_set_new(&sink, snapshot_cb, &cnt);
	if (!set) {
		ret = tb_error("out of memory");
		goto out;
	}
	tb_decode_set_buffer(set, o.buffer);
	for (i = 0; i < o.files.n; i++)
		if ((ret = tb_decode_set_add(set, o.files.v[i], o.fmt)) < 0)
			goto out;
	if (o.dump) {
		ret = tb_decode_set_run(set);
		print_stats(stdout, set);
		goto out;
	}
	ret = run_report(&o, set, &cnt);
	if (o.bundle_top[0] && (ret >= 0 || ret == -TB_EXIT_BLIND)) {
		int g = bundle_print_growth(o.bundle_top, o.top ? o.top : 10, stdout);

		if (g < 0 && ret >= 0)
			ret = g;
	}
out:
	tb_decode_set_free(set);
	free(cnt.lost_cpu);
	strlist_clear(&o.assign);
	strlist_clear(&o.files);
	strlist_clear(&o.owned);
	strlist_clear(&o.procsnaps);
	if (ksyms_tmp[0])
		unlink(ksyms_tmp);
	if (o.bundle_tmp[0])
		bundle_remove_tree(o.bundle_tmp);
	return ret > 0 ? 0 : ret;
}
