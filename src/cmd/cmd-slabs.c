/*
 * cmd-slabs.c - `tracebook slabs`: slab caches by size and by growth, with the names
 * merged into each cache, live (/proc/slabinfo, /proc/meminfo, /sys/kernel/slab) or
 * offline (two or more files of /proc/slabinfo, `slabtop -o` or crash `kmem -s`), and
 * a hint naming the recipe to run next.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "analyze/growth.h"
#include "util/procfs.h"
#include "cmd/cmds.h"
#include "kernel/ksyms.h"
#include "kernel/slab.h"
#include "util/clock.h"
#include "report/report.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/parse-options.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/units.h"
#include "recipe/recipe.h"

struct slabs_opts {
	uint64_t interval_ns;	/* 0: one snapshot */
	long count;		/* intervals; 0 with -i: until interrupted */
	int count_given;
	unsigned top;
	int json;
	int vm;			/* live: also vmstat and buddyinfo */
	const char *cache;	/* --cache NAME */
	uint64_t between_ns;
	const char *sysfs;	/* offline: ls -l listing file or a slab directory */
	struct strlist files;
};

static const struct tb_usage slabs_usage = {
	"slabs",
	"usage: tracebook slabs [-i INTERVAL] [-n COUNT] [--top N] [--vm] [--json] [--cache NAME]\n"
	"       tracebook slabs FILE1 FILE2... [--between DURATION] [--sysfs LISTING|DIR]\n"
	"                       [--top N] [--json] [--cache NAME]",
	"\nLive: reads /proc/slabinfo (root only on SLUB), /proc/meminfo and /sys/kernel/slab;\n"
	"shows the top caches by size and, with -i, by growth (per interval and per hour),\n"
	"each with the caches merged into it.  -i, -n and --vm are for live use.\n"
	"Offline: files of /proc/slabinfo, `slabtop -o` or crash `kmem -s` output taken at\n"
	"different times, oldest first.  A file may start with a time line (`date`,\n"
	"`date +%s`, ISO 8601) and may also hold /proc/meminfo, /proc/vmstat and\n"
	"/proc/buddyinfo after the slab listing.  --between and --sysfs are for files.",
	NULL,
};

/* -n COUNT: a count, and that it was given (it needs -i) */
static int count_option(const struct tb_option *opt, const char *arg)
{
	struct slabs_opts *o = opt->value;
	uint64_t v;

	if (tb_parse_uint(arg, 0, 1000000000, &v))
		return -1;
	o->count = (long)v;
	o->count_given = 1;
	return 0;
}

static int parse_args(int argc, char **argv, struct slabs_opts *o)
{
	struct tb_option opts[] = {
		TB_OPT_DURATION('i', "interval", &o->interval_ns, "D", 1, UINT64_MAX,
				"take a snapshot every D (\"10s\", \"5m\")"),
		TB_OPT_CALLBACK('n', "count", o, "N", count_option,
				"a count from 0 to 1000000000 (0: until Ctrl-C)",
				"number of intervals (default 1; 0: until Ctrl-C)"),
		CMD_OPT_TOP(&o->top, "rows per table (default 10)"),
		TB_OPT_FLAG(0, "vm", &o->vm,
			    "also /proc/vmstat (compaction, reclaim) and /proc/buddyinfo"),
		TB_OPT_STRING(0, "cache", &o->cache, "NAME",
			      "say which cache really holds NAME (merged aliases) and always\n"
			      "show it in the growth table"),
		TB_OPT_FLAG(0, "json", &o->json, "one JSON object instead of text"),
		TB_OPT_DURATION(0, "between", &o->between_ns, "D", 1, UINT64_MAX,
				"offline: time between consecutive files when they carry none"),
		TB_OPT_STRING(0, "sysfs", &o->sysfs, "L",
			      "offline: `ls -l /sys/kernel/slab` output (or a copy of the\n"
			      "directory) from the same box, to show merged aliases"),
		TB_OPT_END(),
	};
	int r;

	r = tb_parse_options(argc, argv, &slabs_usage, opts, &o->files, NULL);
	if (r)
		return r;
	if (o->files.n && (o->interval_ns || o->count_given || o->vm))
		return tb_usage_error(&slabs_usage, "-i, -n and --vm are for live use; with "
				      "files, give --between for the time between them");
	if (!o->files.n && (o->between_ns || o->sysfs))
		return tb_usage_error(&slabs_usage, "--between and --sysfs are for files "
				      "brought back from a box (tracebook slabs A B --between 5m)");
	if (o->count_given && !o->interval_ns)
		return tb_usage_error(&slabs_usage, "-n needs -i INTERVAL");
	if (o->interval_ns && !o->count_given)
		o->count = 1;
	return 0;
}

/* ---- snapshots ------------------------------------------------------------------ */

static int read_proc(const char *name, struct strbuf *sb, char *path, size_t size)
{
	strbuf_reset(sb);
	tb_slab_proc_path(name, path, size);
	return tb_read_file(path, sb);
}

static int live_snapshot(struct tb_growth *g, const struct slabs_opts *o)
{
	struct strbuf sb = STRBUF_INIT;
	char path[4096];
	uint64_t wall = tb_wall_ns();
	int r, i;

	r = read_proc(tb_proc_kinds[TB_PROC_SLABINFO].name, &sb, path, sizeof(path));
	if (r == -EACCES || r == -EPERM) {
		strbuf_release(&sb);
		return tb_error_code(TB_EXIT_NOTROOT, "%s is readable by root only (mode 0400 on "
				     "SLUB kernels): run 'sudo tracebook slabs', or as root copy it "
				     "(date; cat /proc/slabinfo) > FILE and run 'tracebook slabs "
				     "FILE1 FILE2'", path);
	}
	if (r == -ENOENT) {
		strbuf_release(&sb);
		return tb_error("%s does not exist: this kernel has neither CONFIG_SLAB nor "
				"CONFIG_SLUB_DEBUG (SLOB or a stripped SLUB); use "
				"'tracebook run slab-leak' (kmem tracepoints) instead", path);
	}
	if (r) {
		strbuf_release(&sb);
		return tb_error("cannot read %s: %s", path, strerror(-r));
	}
	r = tb_growth_add(g, tb_proc_kinds[TB_PROC_SLABINFO].name, wall, strbuf_str(&sb), path);
	/* the other kinds: meminfo always, the rest with --vm */
	for (i = TB_PROC_SLABINFO + 1; !r && i < TB_PROC_KINDS; i++) {
		int e;

		if (!o->vm && i != TB_PROC_MEMINFO)
			continue;
		e = read_proc(tb_proc_kinds[i].name, &sb, path, sizeof(path));

		if (e) {
			tb_warn("cannot read %s: %s (left out)", path, strerror(-e));
			continue;
		}
		r = tb_growth_add(g, tb_proc_kinds[i].name, wall, strbuf_str(&sb), path);
	}
	strbuf_release(&sb);
	return r;
}

/* One file's snapshots (a slab listing, and meminfo/vmstat/buddyinfo after it). */
static int add_file(struct tb_growth *g, const char *file)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	r = tb_read_file(file, &sb);
	if (r) {
		strbuf_release(&sb);
		return tb_error_code(TB_EXIT_BADINPUT, "cannot read %s: %s", file, strerror(-r));
	}
	r = tb_growth_add_text(g, strbuf_str(&sb), file);
	strbuf_release(&sb);
	return r;
}

/*
 * What a file says before reading it for growth: the time it was taken (its first
 * time line, 0 when none) and its cache names (first words of lines after a header).
 */
static void file_facts(const char *file, uint64_t *wall, struct strlist *names)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	uint64_t ns;

	*wall = 0;
	if (tb_read_file(file, &sb))
		return;
	for (p = strbuf_str(&sb); *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *l = strndup(p, len), w[128];
		unsigned long a, b, c;

		if (l && !*wall && !tb_parse_wall_time(l, &ns))
			*wall = ns;
		if (l && sscanf(l, "%127s %lu %lu %lu", w, &a, &b, &c) == 4)
			strlist_add(names, w);
		else if (l && strlen(l) > 17 && l[16] == ' ' &&	/* crash kmem -s: ADDR NAME ... */
			 sscanf(l, "%*s %127s %lu %lu %lu", w, &a, &b, &c) == 4)
			strlist_add(names, w);
		free(l);
		p += len + (e ? 1 : 0);
	}
	strbuf_release(&sb);
}

static unsigned long kmalloc_size(const char *name);

/* 1: kmalloc-8192 names (older kernels), 2: kmalloc-8k names, 0: cannot tell. */
static int kmalloc_style(const struct strlist *names)
{
	size_t i;

	for (i = 0; i < names->n; i++) {
		unsigned long n = kmalloc_size(names->v[i]);

		if (n >= 1024 && !strncmp(names->v[i], "kmalloc-", 8))
			return names->v[i][strlen(names->v[i]) - 1] == 'k' ? 2 : 1;
	}
	return 0;
}

/*
 * Before reading files for growth: files that carry times are put in time order (an
 * engineer means "from the older to the newer", and says A B either way), with a
 * note; --between given while they carry times is said to be unused; two files whose
 * caches barely overlap are from different boxes or kernels, said as a warning.
 */
static void order_files(struct slabs_opts *o)
{
	uint64_t *wall = calloc(o->files.n ? o->files.n : 1, sizeof(*wall));
	struct strlist *names = calloc(o->files.n ? o->files.n : 1, sizeof(*names));
	size_t i, j, timed = 0, common;
	char buf[32], buf2[32];

	if (!wall || !names) {
		free(wall);
		free(names);
		return;
	}
	for (i = 0; i < o->files.n; i++) {
		file_facts(o->files.v[i], &wall[i], &names[i]);
		timed += wall[i] != 0;
	}
	if (timed == o->files.n && o->files.n >= 2) {
		for (i = 1; i < o->files.n; i++)	/* insertion sort by time, stable */
			for (j = i; j > 0 && wall[j] < wall[j - 1]; j--) {
				uint64_t tw = wall[j];
				char *tf = o->files.v[j];
				struct strlist tn = names[j];

				if (j == i)
					tb_note("%s was taken before %s (by the times in them): read "
						"in time order, the older first", o->files.v[j],
						o->files.v[j - 1]);
				wall[j] = wall[j - 1];
				wall[j - 1] = tw;
				o->files.v[j] = o->files.v[j - 1];
				o->files.v[j - 1] = tf;
				names[j] = names[j - 1];
				names[j - 1] = tn;
			}
		if (o->between_ns)
			tb_warn("--between %s is not used: the files carry the times they were taken "
				"(%s apart)", tb_fmt_duration(o->between_ns, buf, sizeof(buf)),
				tb_fmt_duration(wall[o->files.n - 1] - wall[0], buf2, sizeof(buf2)));
	}
	for (i = 1; i < o->files.n; i++) {
		size_t n0 = names[0].n, n1 = names[i].n;
		int k0 = kmalloc_style(&names[0]), k1 = kmalloc_style(&names[i]);

		if (k0 && k1 && k0 != k1) {
			tb_warn("%s and %s come from different kernels: one names the 8 KiB kmalloc "
				"cache kmalloc-8192 (before 5.x), the other kmalloc-8k; their "
				"difference is not a growth", o->files.v[0], o->files.v[i]);
			continue;
		}

		for (j = 0, common = 0; j < n1; j++)
			common += strlist_has(&names[0], names[i].v[j]);
		if (n0 >= 4 && n1 >= 4 && common * 2 < (n0 < n1 ? n0 : n1))
			tb_warn("%s and %s share only %zu of their %zu and %zu slab caches: they look "
				"like snapshots of different boxes or kernels, and their difference is "
				"not a growth", o->files.v[0], o->files.v[i], common, n0, n1);
	}
	for (i = 0; i < o->files.n; i++)
		strlist_clear(&names[i]);
	free(names);
	free(wall);
}

/* ---- aliases -------------------------------------------------------------------- */

static int load_tree(const struct slabs_opts *o, struct tb_slab_tree *t, int *have)
{
	struct stat st;
	int r;

	*have = 0;
	if (o->files.n) {
		struct strbuf sb = STRBUF_INIT;

		if (!o->sysfs)
			return 0;
		if (!stat(o->sysfs, &st) && S_ISDIR(st.st_mode)) {
			r = tb_slab_load(t, o->sysfs);
			if (r)
				return tb_error_code(TB_EXIT_BADINPUT, "--sysfs %s: cannot read the "
						     "slab directory: %s", o->sysfs, strerror(-r));
			*have = 1;
			return 0;
		}
		r = tb_read_file(o->sysfs, &sb);
		if (r) {
			strbuf_release(&sb);
			return tb_error_code(TB_EXIT_BADINPUT, "--sysfs %s: %s", o->sysfs,
					     strerror(-r));
		}
		r = tb_slab_load_listing(t, strbuf_str(&sb), o->sysfs);
		strbuf_release(&sb);
		if (r)
			return r;
		*have = 1;
		return 0;
	}
	r = tb_slab_load(t, NULL);
	if (r == -ENOENT) {
		tb_note("no %s: not a SLUB kernel; merged aliases are not shown", t->path ?
			t->path : "/sys/kernel/slab");
		return 0;
	}
	if (r) {
		tb_warn("cannot read %s: %s; merged aliases are not shown",
			t->path ? t->path : "/sys/kernel/slab", strerror(-r));
		return 0;
	}
	*have = 1;
	return 0;
}

/* The object size in a kmalloc-N / kmalloc-Nk name (any kmalloc-*-N), or 0. */
static unsigned long kmalloc_size(const char *name)
{
	const char *last = strrchr(name, '-');
	char *end;
	unsigned long n;

	if (!strstr(name, "kmalloc-") || !last || last[1] < '0' || last[1] > '9')
		return 0;
	n = strtoul(last + 1, &end, 10);
	if (*end == 'k' && !end[1])
		return n * 1024;
	return *end ? 0 : n;
}

/*
 * --cache NAME that neither the snapshots nor the sysfs view know: an error with the
 * names near it (kmalloc-8k <-> kmalloc-8192 by size, else by spelling), exit 3.
 */
static int check_cache_name(const char *name, const struct tb_growth *g,
			    const struct tb_slab_tree *t, int have_tree, int offline)
{
	struct strlist names = STRLIST_INIT;
	struct strbuf list = STRBUF_INIT, same = STRBUF_INIT;
	unsigned long size = kmalloc_size(name);
	char *near = NULL;
	size_t i, j;
	int r = 0;

	if (have_tree && tb_slab_resolve(t, name))
		return 0;
	if (tb_growth_slab_names(g, &names) < 0) {
		strlist_clear(&names);
		return tb_error("out of memory");
	}
	if (strlist_has(&names, name) || (!names.n && !have_tree)) {
		strlist_clear(&names);
		return 0;
	}
	for (i = 0; have_tree && i < t->n; i++)
		for (j = 0; j < t->caches[i].names.n; j++)
			if (!strlist_has(&names, t->caches[i].names.v[j]))
				strlist_add(&names, t->caches[i].names.v[j]);
	for (i = 0; i < names.n; i++) {
		strbuf_addf(&list, "%s\n", names.v[i]);
		if (size && kmalloc_size(names.v[i]) == size &&	/* kmalloc-N, not dma-/cg- */
		    !strncmp(names.v[i], "kmalloc-", 8) && !strchr(names.v[i] + 8, '-'))
			strbuf_addf(&same, "%s%s", same.len ? ", " : "", names.v[i]);
	}
	if (!same.len)
		near = tb_sym_near(name, list.buf, TB_SYM_LIST);
	if (!have_tree)	/* it may be a name merged into a cache: only sysfs tells */
		tb_warn("slabs: --cache '%s': no slab cache of that name in these files%s%s; or a "
			"name merged into another cache (pass --sysfs to tell)", name,
			same.len ? "; that size is named " : near && *near ? "; near: " : "",
			same.len ? same.buf : near ? near : "");
	else
		r = tb_error_code(TB_EXIT_BADINPUT, "slabs: --cache '%s': no slab cache of that "
				  "name %s%s%s", name, offline ? "in these files" : "on this kernel",
				  same.len ? "; that size is named " : near && *near ? "; near: " :
				  " (`tracebook slabs` lists them)", same.len ? same.buf : near ? near : "");
	free(near);
	strbuf_release(&list);
	strbuf_release(&same);
	strlist_clear(&names);
	return r;
}

/* Explain what --cache NAME is: its own cache, or merged into which. */
static void explain_cache(FILE *out, const char *name, const struct tb_slab_tree *t,
			  int have_tree, int offline)
{
	const struct tb_slab_cache *c;
	struct strbuf al = STRBUF_INIT;

	if (!have_tree) {
		fprintf(out, "%s: no /sys/kernel/slab view%s: cannot tell whether it is merged "
			"into another cache%s\n", name, offline ? " for these files" : "",
			offline ? " (bring `ls -l /sys/kernel/slab` from the box and pass --sysfs)" : "");
		return;
	}
	c = tb_slab_resolve(t, name);
	if (!c) {
		fprintf(out, "%s: no such slab cache in %s\n", name, t->path);
		return;
	}
	tb_slab_format_aliases(c, name, &al, 8);
	if (tb_slab_is_alias(c, name) && tb_slab_name(c)[0] == ':')
		fprintf(out, "%s is merged into the cache %s/%s: slabinfo and slabtop count its "
			"objects under that cache's first name (not known here: no slabinfo of "
			"this tree); names sharing that cache: %s\n", name, t->path, c->dir,
			strbuf_str(&al));
	else if (tb_slab_is_alias(c, name))
		fprintf(out, "%s is merged into %s (sysfs %s/%s): slabinfo and slabtop count its "
			"objects under %s; names sharing that cache: %s\n", name, tb_slab_name(c),
			t->path, c->dir, tb_slab_name(c), strbuf_str(&al));
	else if (al.len)
		fprintf(out, "%s is the cache slabinfo shows (sysfs %s/%s); merged into it: %s\n",
			name, t->path, c->dir, strbuf_str(&al));
	else
		fprintf(out, "%s is a cache of its own (sysfs %s/%s), nothing merged into it\n",
			name, t->path, c->dir);
	strbuf_release(&al);
}

/* The growth tables so far (analyze builds the result, report renders it). */
static int print_growth(const struct tb_growth *g, unsigned top)
{
	struct tb_rgrowth *res = tb_growth_result(g);

	if (!res)
		return tb_error("out of memory");
	tb_report_print_growth(res, stdout, top);
	tb_rgrowth_free(res);
	return 0;
}

/* The "cache" answer of --json --cache NAME: which cache holds it. */
static json_object *json_cache(const char *name, const struct tb_slab_tree *t, int have_tree)
{
	const struct tb_slab_cache *c = have_tree ? tb_slab_resolve(t, name) : NULL;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "held_by", c ? json_object_new_string(tb_slab_name(c)) : NULL);
	if (c) {
		json_object_object_add(o, "sysfs_dir", json_object_new_string(c->dir));
		json_object_object_add(o, "alias", json_object_new_boolean(tb_slab_is_alias(c, name)));
	}
	return o;
}

/* The closing hint: the top grower and the recipe to run next. */
static void print_hint(FILE *out, const struct tb_growth *g, const struct tb_slab_tree *t,
		       int have_tree, int live, int one_snapshot)
{
	char name[256];
	uint32_t objsize = 0;
	int64_t bytes = 0;
	const struct tb_slab_cache *c;
	struct tb_slab_trace st;
	char b[32];

	if (one_snapshot) {
		fprintf(out, "\nhint: one snapshot shows sizes, not growth: 'tracebook slabs -i 10s "
			"-n 6' watches for a minute\n");
		return;
	}
	if (!tb_growth_top(g, name, sizeof(name), &objsize, &bytes)) {
		fprintf(out, "\nhint: no slab cache grew; if memory still drops, try 'tracebook "
			"run page-alloc' (pages outside slab)\n");
		return;
	}
	tb_fmt_bytes((uint64_t)(bytes > 0 ? bytes : 0), b, sizeof(b));
	fprintf(out, "\nhint: top grower %s (+%s of %u-byte objects). Next:\n", name, b, objsize);
	fprintf(out, "  tracebook run slub-trace cache=%s\n", name);
	c = have_tree ? tb_slab_resolve(t, name) : NULL;
	if (c) {
		struct strbuf al = STRBUF_INIT;

		if (tb_slab_format_aliases(c, name, &al, 8))
			fprintf(out, "  (%s also holds %s: the growth may be any of them; the "
				"recipe's call sites tell which)\n", name, strbuf_str(&al));
		strbuf_release(&al);
	}
	if (c && live && tb_slab_trace_state(t, c, &st) == 0 && st.exists) {
		if (!st.writable)
			fprintf(out, "  (this kernel's SLUB trace toggle is read-only (mode %04o, 5.9+): "
				"slub-trace falls back to the kmem tracepoints filtered on this cache; "
				"boot with slub_debug=T,%s for the SLUB trace log)\n", st.mode, name);
		else if (st.merged)
			fprintf(out, "  (%s is merged with other caches: 4.19-5.8 refuse the trace "
				"toggle (EINVAL); slub-trace falls back to the kmem tracepoints, or boot "
				"with slab_nomerge)\n", name);
	} else if (!live) {
		fprintf(out, "  (on 5.9+ kernels the SLUB trace toggle is read-only and slub-trace "
			"falls back to the kmem tracepoints)\n");
	}
	if (!strncmp(name, "kmalloc-", 8) || !strncmp(name, "size-", 5) || (c && c->merged))
		fprintf(out, "  or: tracebook run slab-leak size=%u   (kmem tracepoints, by call "
			"site and stack)\n", objsize);
}

/* ---- the command ------------------------------------------------------------------ */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / TB_NSEC_PER_SEC), (long)(ns % TB_NSEC_PER_SEC) };

	while (!interrupted && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int cmd_slabs(int argc, char **argv)
{
	struct slabs_opts o;
	struct tb_recipe_growth spec;
	struct tb_slab_tree tree = TB_SLAB_TREE_INIT;
	struct tb_growth *g = NULL;
	int r, have_tree = 0;
	size_t i;

	memset(&o, 0, sizeof(o));
	memset(&spec, 0, sizeof(spec));
	o.top = 10;
	r = parse_args(argc, argv, &o);
	if (r) {
		strlist_clear(&o.files);
		return r > 0 ? 0 : r;
	}
	spec.enabled = 1;
	if (o.cache && strlist_add(&spec.caches, o.cache)) {
		r = tb_error("out of memory");
		goto out;
	}
	g = tb_growth_new(&spec);
	if (!g) {
		r = tb_error("out of memory");
		goto out;
	}
	if (o.files.n == 1)
		tb_note("one file: sizes only; give two files taken at different times for growth");
	r = load_tree(&o, &tree, &have_tree);
	if (r)
		goto out;
	if (have_tree) {
		/* a merged cache is named as /proc/slabinfo names it: offline, from the files */
		tb_growth_set_aliases(g, &tree);
	}
	if (o.between_ns)
		tb_growth_set_between(g, o.between_ns);

	if (o.files.n) {
		order_files(&o);
		for (i = 0; i < o.files.n; i++) {
			r = add_file(g, o.files.v[i]);
			if (r)
				goto out;
		}
		if (o.cache && (r = check_cache_name(o.cache, g, &tree, have_tree, 1)))
			goto out;
	} else {
		struct sigaction sa;
		long done;

		r = live_snapshot(g, &o);
		if (r)
			goto out;
		if (o.cache && (r = check_cache_name(o.cache, g, &tree, have_tree, 0)))
			goto out;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigint;
		sigaction(SIGINT, &sa, NULL);
		for (done = 0; o.interval_ns && (o.count == 0 || done < o.count); done++) {
			sleep_ns(o.interval_ns);
			if (interrupted)
				break;
			r = live_snapshot(g, &o);
			if (r)
				goto out;
			if (!o.json && (o.count == 0 || done + 1 < o.count)) {
				printf("--- after interval %ld ---\n", done + 1);
				r = print_growth(g, o.top);
				if (r)
					goto out;
				printf("\n");
				fflush(stdout);
			}
		}
		signal(SIGINT, SIG_DFL);
	}

	if (have_tree && !tree.have_primaries) {
		struct strlist names = STRLIST_INIT;

		if (!tb_growth_slab_names(g, &names))
			tb_slab_set_primaries(&tree, names.v, names.n);
		strlist_clear(&names);
	}
	if (o.json) {
		struct tb_rgrowth *res = tb_growth_result(g);
		json_object *doc = json_object_new_object();
		const char *js;

		json_object_object_add(doc, "growth", res ? tb_growth_to_json(res) : NULL);
		if (o.cache)
			json_object_object_add(doc, "cache", json_cache(o.cache, &tree, have_tree));
		js = res && doc ? json_object_to_json_string_ext(doc, TB_JSON_FLAGS) : NULL;
		if (!js)
			r = tb_error("out of memory");
		else
			printf("%s\n", js);
		json_object_put(doc);
		tb_rgrowth_free(res);
		goto out;
	}
	if (o.cache) {
		explain_cache(stdout, o.cache, &tree, have_tree, o.files.n > 0);
		printf("\n");
	}
	r = print_growth(g, o.top);
	if (r)
		goto out;
	print_hint(stdout, g, &tree, have_tree, o.files.n == 0, !tb_growth_has_result(g));
out:
	tb_growth_free(g);
	tb_slab_release(&tree);
	strlist_clear(&spec.caches);
	strlist_clear(&o.files);
	return r;
}
