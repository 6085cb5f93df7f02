/*
 * run-save.c - `run --save DIR`: what a run keeps beside its report so the data can be
 * re-analysed elsewhere (`tracebook analyze DIR`), handed on, or opened in trace-cmd
 * and KernelShark.  DIR holds:
 *   trace.dat          the raw capture, trace-cmd format v6 (capture/tracedat-write.c)
 *   report.json        the run's report
 *   recipe.recipe      the recipe as run (parameters in params.txt), plan.txt its plan
 *   probe.json         `tracebook probe --json` of the kernel it ran on
 *   uname.txt          `uname -a`
 *   kallsyms           /proc/kallsyms (to name the sites offline)
 *   proc/NNN-WHAT      the /proc snapshots of the run, in order (mtime: when taken)
 *   kernel.log         the kernel log lines of the run (SLUB TRACE records among them)
 *   MANIFEST           what each file is
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "capture/capture.h"
#include "cmd/cmds.h"
#include "kernel/tracefs.h"
#include "plan/plan.h"
#include "recipe/recipe.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"


static int write_text(const char *dir, const char *name, const char *text, size_t len)
{
	char path[4200];
	int e;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	e = tb_write_file_atomic(path, text, len);
	if (e < 0)
		return tb_error("--save: cannot write %s: %s", path, strerror(-e));
	return 0;
}

/* A directory to save into: made if missing; an existing one must be empty. */
static int save_dir_ready(const char *dir)
{
	char sub[4200];
	DIR *d;
	struct dirent *de;
	int n = 0;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return tb_error_code(TB_EXIT_USAGE, "--save %s: cannot make the directory: %s", dir,
				     strerror(errno));
	d = opendir(dir);
	if (!d)
		return tb_error_code(TB_EXIT_USAGE, "--save %s: not a directory I can read: %s", dir,
				     strerror(errno));
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	if (n)
		return tb_error_code(TB_EXIT_USAGE, "--save %s: the directory is not empty (a run's "
				     "data is never mixed with another's: give a new or empty "
				     "directory)", dir);
	snprintf(sub, sizeof(sub), "%s/proc", dir);
	if (mkdir(sub, 0755) < 0)
		return tb_error("--save: cannot make %s: %s", sub, strerror(errno));
	return 0;
}

/* The text of the recipe as loaded (a file, or the embedded copy). */
static int recipe_text(const char *path, struct strbuf *sb)
{
	size_t n = strlen(TB_RECIPE_BUILTIN_PREFIX);

	if (!strncmp(path, TB_RECIPE_BUILTIN_PREFIX, n)) {
		char name[256];
		const char *t;
		size_t l;

		snprintf(name, sizeof(name), "%s", path + n);
		l = strlen(name);
		if (l > 7 && !strcmp(name + l - 7, ".recipe"))
			name[l - 7] = 0;
		t = tb_recipe_builtin_text(name);
		if (!t)
			return -1;
		strbuf_addstr(sb, t);
		return 0;
	}
	return tb_read_file(path, sb) < 0 ? -1 : 0;
}

/* Run fn(arg, FILE *) into DIR/name. */
static int write_with(const char *dir, const char *name,
		      int (*fn)(const void *a, const void *b, FILE *out), const void *a,
		      const void *b)
{
	char path[4200];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return tb_error("--save: cannot create %s: %s", path, strerror(errno));
	r = fn(a, b, f);
	if (fclose(f) != 0 || r < 0)
		return tb_error("--save: cannot write %s", path);
	return 0;
}

static int plan_fn(const void *a, const void *b, FILE *out)
{
	tb_plan_explain(a, b, out);
	return ferror(out) ? -1 : 0;
}

static int probe_fn(const void *a, const void *b, FILE *out)
{
	return probe_write_json(a, out);
}

/**
 * run_save_begin - make the --save directory (new or empty) and write what is known
 * before the run: the recipe and its parameters, the plan, probe --json, uname -a,
 * kallsyms.  Returns 0, or negative after printing why (the run does not start).
 */
int run_save_begin(struct run_save *s, const char *dir, const char *recipe_path,
		   const struct strlist *assign, const struct tb_caps *caps,
		   const struct tb_plan *plan)
{
	struct strbuf sb = STRBUF_INIT;
	struct utsname u;
	char p[4096];
	size_t i;
	int r;

	memset(s, 0, sizeof(*s));
	s->dir = dir;
	if ((r = save_dir_ready(dir)) < 0)
		return r;
	if (recipe_text(recipe_path, &sb) < 0) {
		strbuf_release(&sb);
		return tb_error("--save: cannot read the recipe %s", recipe_path);
	}
	r = write_text(dir, "recipe.recipe", sb.buf, sb.len);
	strbuf_reset(&sb);
	for (i = 0; i < assign->n; i++)
		strbuf_addf(&sb, "%s\n", assign->v[i]);
	if (!r)
		r = write_text(dir, "params.txt", strbuf_str(&sb), sb.len);
	if (!r)
		r = write_with(dir, "plan.txt", plan_fn, plan, caps);
	if (!r)
		r = write_with(dir, "probe.json", probe_fn, caps, NULL);
	strbuf_reset(&sb);
	if (!r && uname(&u) == 0) {
		strbuf_addf(&sb, "%s %s %s %s %s\n", u.sysname, u.nodename, u.release, u.version,
			    u.machine);
		r = write_text(dir, "uname.txt", sb.buf, sb.len);
	}
	strbuf_reset(&sb);
	tb_root_path(p, sizeof(p), "/proc/kallsyms");
	if (!r && tb_read_file(p, &sb) == 0)
		r = write_text(dir, "kallsyms", strbuf_str(&sb), sb.len);
	strbuf_release(&sb);
	s->start_us = tb_now_ns() / 1000;
	return r;
}

/**
 * run_save_snapshot - keep one /proc snapshot as DIR/proc/NNN-WHAT (NNN from 001 in
 * the order taken), its mtime the time it was taken (what `analyze` reads it by).
 */
int run_save_snapshot(struct run_save *s, const char *what, uint64_t wall_ns, const char *text)
{
	char name[300], path[4400];
	struct timespec ts[2];

	s->nsnap++;
	snprintf(name, sizeof(name), "proc/%03u-%s", s->nsnap, what);
	if (write_text(s->dir, name, text, strlen(text)) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	ts[0].tv_sec = ts[1].tv_sec = (time_t)(wall_ns / 1000000000ULL);
	ts[0].tv_nsec = ts[1].tv_nsec = (long)(wall_ns % 1000000000ULL);
	if (wall_ns)
		utimensat(AT_FDCWD, path, ts, 0);
	return 0;
}

static const char manifest[] =
	"This directory is one `tracebook run --save` (re-analyse: tracebook analyze DIR)\n"
	"trace.dat       the raw capture, trace-cmd format v6 (trace-cmd report, KernelShark)\n"
	"report.json     the run's report\n"
	"recipe.recipe   the recipe as run; params.txt its parameters; plan.txt its plan\n"
	"probe.json      tracebook probe --json of the kernel it ran on\n"
	"uname.txt       uname -a\n"
	"kallsyms        /proc/kallsyms at the start of the run\n"
	"proc/NNN-WHAT   the /proc snapshots of the run, in order (mtime: when taken)\n"
	"kernel.log      the kernel log lines logged during the run (dmesg format)\n";

/**
 * run_save_end - after the capture: the kernel log lines of the run and the manifest.
 * A kernel log that cannot be read is said, not fatal.  Returns 0 or negative.
 */
int run_save_end(struct run_save *s)
{
	char p[4200];
	long n;

	snprintf(p, sizeof(p), "%s/kernel.log", s->dir);
	if (*tb_root()) {
		char k[4096];

		tb_root_path(k, sizeof(k), "/dev/kmsg");
		n = tb_kmsg_save(k, s->start_us, p);
	} else {
		n = tb_kmsg_save("/dev/kmsg", s->start_us, p);
	}
	if (n < 0)
		tb_warn("--save: no kernel.log (see above)");
	return write_text(s->dir, "MANIFEST", manifest, sizeof(manifest) - 1);
}
