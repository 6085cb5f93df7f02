/*
 * cmd-collect.c - `tracebook collect`: the one command to send a customer.  Stages, in
 * a temporary directory, what a leak hunt needs from the box - uname, `probe --json`,
 * kallsyms, the kernel log, /proc slabinfo/meminfo/vmstat/buddyinfo before and after,
 * and a short `run slab-leak --save` between them (the run restores the tracing state
 * as every run does) - then packs it into one .tar.gz (bundle.c) and says what it
 * collected, with sizes, and what it could not.  What is missing is said, not fatal: a
 * bundle with what the box allowed is better than none.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "capture/capture.h"
#include "cmd/bundle.h"
#include "cmd/cmds.h"
#include "kernel/caps.h"
#include "kernel/slab.h"
#include "kernel/tracefs.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/parse-options.h"
#include "util/procfs.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/version.h"

static const struct tb_usage collect_usage = {
	"collect",
	"usage: tracebook collect [-d D] [-o FILE.tar.gz]",
	"Collect everything a leak hunt needs from this box into one .tar.gz to send back:\n"
	"uname, probe --json, /proc/kallsyms, the kernel log, slabinfo/meminfo/vmstat/\n"
	"buddyinfo snapshots D apart, and a short 'run slab-leak --save' between them (the\n"
	"tracing state is restored as after every run).  What the box does not allow is\n"
	"left out and said (in the bundle's MANIFEST too).  Read it back anywhere with\n"
	"'tracebook analyze FILE.tar.gz'.",
	NULL,
};

struct collect {
	const char *stage;		/* the staging directory */
	struct strlist missing;		/* "WHAT: why" */
	struct strbuf run_msg;		/* the short run's messages */
	int run_status;
};

static int stage_path(const struct collect *c, const char *name, char *p, size_t size)
{
	if ((size_t)snprintf(p, size, "%s/%s", c->stage, name) >= size)
		return tb_error("collect: path too long: %s/%s", c->stage, name);
	return 0;
}

static int put(struct collect *c, const char *name, const void *data, size_t len, uint64_t wall_ns)
{
	char p[4200];
	int e;

	if (stage_path(c, name, p, sizeof(p)) < 0)
		return -1;
	e = tb_write_file_atomic(p, data, len);
	if (e < 0)
		return tb_error("collect: cannot write %s: %s", p, strerror(-e));
	if (wall_ns) {
		struct timespec ts[2];

		ts[0].tv_sec = ts[1].tv_sec = (time_t)(wall_ns / 1000000000ULL);
		ts[0].tv_nsec = ts[1].tv_nsec = (long)(wall_ns % 1000000000ULL);
		utimensat(AT_FDCWD, p, ts, 0);
	}
	return 0;
}

static void missing(struct collect *c, const char *fmt, ...) TB_PRINTF(2, 3);
static void missing(struct collect *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	tb_warn("collect: not collected: %s", strbuf_str(&sb));
	strlist_add(&c->missing, strbuf_str(&sb));
	strbuf_release(&sb);
}

/* snap/N-KIND for every /proc kind; an unreadable one is said. */
static int snapshots(struct collect *c, int n)
{
	int k, r = 0;

	for (k = 0; k < TB_PROC_KINDS && !r; k++) {
		struct strbuf sb = STRBUF_INIT;
		char path[4096], name[64];
		uint64_t wall = tb_wall_ns();
		int e;

		tb_slab_proc_path(tb_proc_kinds[k].name, path, sizeof(path));
		e = tb_read_file(path, &sb);
		snprintf(name, sizeof(name), "snap/%d-%s", n, tb_proc_kinds[k].name);
		if (e < 0)
			missing(c, "%s: cannot read %s: %s", name, path, strerror(-e));
		else
			r = put(c, name, sb.buf, sb.len, wall);
		strbuf_release(&sb);
	}
	return r;
}

static int collect_uname(struct collect *c)
{
	struct strbuf sb = STRBUF_INIT;
	struct utsname u;
	int r;

	if (uname(&u) < 0)
		return tb_error("collect: uname: %s", strerror(errno));
	strbuf_addf(&sb, "%s %s %s %s %s\n", u.sysname, u.nodename, u.release, u.version,
		    u.machine);
	r = put(c, "uname.txt", sb.buf, sb.len, 0);
	strbuf_release(&sb);
	return r;
}

static int collect_probe(struct collect *c)
{
	struct tb_caps caps;
	char p[4200];
	FILE *f;
	int r;

	memset(&caps, 0, sizeof(caps));
	/* never mount here: the run mounts (and unmounts) tracefs itself if it must */
	r = tb_caps_probe(&caps, 0);
	if (r < 0) {
		tb_caps_free(&caps);
		missing(c, "probe.json: probe failed (exit %d: %s)", tb_exit_code(r),
			tb_exit_meaning(tb_exit_code(r)));
		return 0;
	}
	if (caps.kprobes != TB_PRESENT)
		missing(c, "kprobes: this kernel has none (or they are not writable): recipes "
			"that need them cannot run here");
	if (caps.slub_trace == TB_READONLY)
		missing(c, "SLUB trace: read-only on this kernel (boot with slub_debug=T "
			"for per-cache SLUB TRACE records)");
	r = stage_path(c, "probe.json", p, sizeof(p));
	if (!r && !(f = fopen(p, "w")))
		r = tb_error("collect: cannot write %s: %s", p, strerror(errno));
	else if (!r) {
		r = probe_write_json(&caps, f);
		if (fclose(f) != 0 || r < 0)
			r = tb_error("collect: cannot write %s", p);
	}
	tb_caps_free(&caps);
	return r;
}

static int collect_kallsyms(struct collect *c)
{
	struct strbuf sb = STRBUF_INIT;
	char p[4096];
	int e, r = 0;

	tb_root_path(p, sizeof(p), "/proc/kallsyms");
	e = tb_read_file(p, &sb);
	if (e < 0 || !sb.len) {
		missing(c, "kallsyms: cannot read %s: %s", p, e < 0 ? strerror(-e) : "empty");
	} else {
		if (!strncmp(sb.buf, "0000000000000000 ", 17) || !strncmp(sb.buf, "00000000 ", 9))
			missing(c, "kallsyms: addresses hidden (not root, or kptr_restrict): "
				"sites will show as raw addresses");
		r = put(c, "kallsyms", sb.buf, sb.len, 0);
	}
	strbuf_release(&sb);
	return r;
}

/* The whole kernel log: /dev/kmsg (as the capture reads it), else syslog(2). */
static int collect_dmesg(struct collect *c)
{
	char p[4200], k[4096];
	long n;
	int size;

	if (stage_path(c, "dmesg.txt", p, sizeof(p)) < 0)
		return -1;
	tb_root_path(k, sizeof(k), "/dev/kmsg");
	n = tb_kmsg_save(k, 0, p);
	if (n >= 0)
		return 0;
	unlink(p);
	if (*tb_root()) {
		missing(c, "dmesg.txt: %s unreadable (fake root: no syslog(2))", k);
		return 0;
	}
	size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (size > 0) {
		char *buf = malloc((size_t)size);
		int got = buf ? klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size) : -1;

		if (got >= 0) {
			int r = put(c, "dmesg.txt", buf, (size_t)got, 0);

			free(buf);
			tb_note("collect: the kernel log came from syslog(2) (/dev/kmsg unreadable)");
			return r;
		}
		free(buf);
	}
	missing(c, "dmesg.txt: neither /dev/kmsg nor syslog(2) could be read: %s",
		strerror(errno));
	return 0;
}

/*
 * The short run: `run slab-leak -d D --save STAGE/run -o STAGE/report.json`, its text
 * report into run-report.txt, its messages kept (and shown) in run-exit.txt.  The run
 * restores the tracing state itself, whatever happens; its failure is recorded, not
 * collect's.
 */
static int short_run(struct collect *c, uint64_t d_ns)
{
	char dur[32], save[4200], json[4200], out[4200], errf[4200];
	char *argv[] = { "run", "slab-leak", "-d", dur, "--save", save, "-o", json, NULL };
	struct strbuf msg = STRBUF_INIT, sb = STRBUF_INIT;
	int ofd, efd, saved_out, saved_err, ret, status;

	snprintf(dur, sizeof(dur), "%llums", (unsigned long long)(d_ns / 1000000ULL));
	if (stage_path(c, "run", save, sizeof(save)) || stage_path(c, "report.json", json, sizeof(json)) ||
	    stage_path(c, "run-report.txt", out, sizeof(out)) ||
	    stage_path(c, "run-exit.txt", errf, sizeof(errf)))
		return -1;
	fflush(stdout);
	fflush(stderr);
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	efd = open(errf, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	saved_out = dup(1);
	saved_err = dup(2);
	if (ofd < 0 || efd < 0 || saved_out < 0 || saved_err < 0) {
		ret = tb_error("collect: cannot set up the short run's output files: %s",
			       strerror(errno));
		goto close;
	}
	tb_note("collect: a short run: tracebook run slab-leak -d %s --save ...", dur);
	dup2(ofd, 1);
	dup2(efd, 2);
	ret = cmd_run((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	status = tb_exit_code(ret);
	c->run_status = status;
	tb_read_file(errf, &msg);
	/* the run's messages, shown now as they would have been */
	if (msg.len)
		fputs(msg.buf, stderr);
	strbuf_addf(&sb, "exit %d (%s)\n%s", status, tb_exit_meaning(status) ?
		    tb_exit_meaning(status) : "?", strbuf_str(&msg));
	ret = put(c, "run-exit.txt", sb.buf, sb.len, 0);
	if (status)
		missing(c, "run/: the short slab-leak run failed (exit %d: %s); its messages "
			"are in run-exit.txt", status, tb_exit_meaning(status) ?
			tb_exit_meaning(status) : "?");
close:
	if (ofd >= 0)
		close(ofd);
	if (efd >= 0)
		close(efd);
	if (saved_out >= 0)
		close(saved_out);
	if (saved_err >= 0)
		close(saved_err);
	strbuf_release(&msg);
	strbuf_release(&sb);
	return ret;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* run/kallsyms is the bundle's kallsyms again (megabytes): kept once, at the top. */
static void drop_run_kallsyms(struct collect *c)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	char pa[4200], pb[4200];

	if (stage_path(c, "kallsyms", pa, sizeof(pa)) || stage_path(c, "run/kallsyms", pb, sizeof(pb)))
		return;
	if (tb_read_file(pa, &a) == 0 && tb_read_file(pb, &b) == 0 && a.len == b.len &&
	    !memcmp(a.buf, b.buf, a.len))
		unlink(pb);
	strbuf_release(&a);
	strbuf_release(&b);
}

/* The staged files with their sizes (into the MANIFEST and on stdout). */
static void list_sizes(const char *dir, const char *rel, struct strbuf *sb, uint64_t *total)
{
	struct strlist names = STRLIST_INIT;
	char p[8900];
	DIR *d;
	struct dirent *de;
	size_t i;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	d = opendir(p);
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			strlist_add(&names, de->d_name);
	if (d)
		closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_name);
	for (i = 0; i < names.n; i++) {
		struct stat st;
		char r[4400];

		snprintf(r, sizeof(r), "%s%s", rel, names.v[i]);
		snprintf(p, sizeof(p), "%s/%s", dir, r);
		if (lstat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			strcat(r, "/");
			list_sizes(dir, r, sb, total);
		} else {
			strbuf_addf(sb, "  %-28s %10llu bytes\n", r, (unsigned long long)st.st_size);
			*total += (uint64_t)st.st_size;
		}
	}
	strlist_clear(&names);
}

static char *default_path(const char *host, const char *stamp)
{
	const char *env = getenv("TRACEBOOK_REPORTDIR");
	char dir[4096], path[4400];

	if (env && *env)
		snprintf(dir, sizeof(dir), "%s", env);
	else
		tb_root_path(dir, sizeof(dir), "/var/tmp/tracebook");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		/* its parent first (/var/tmp exists on every box; a fake root may lack it) */
		char up[4096], *s;

		snprintf(up, sizeof(up), "%s", dir);
		s = strrchr(up, '/');
		if (s && s > up) {
			*s = 0;
			mkdir(up, 0755);
		}
		mkdir(dir, 0700);
	}
	snprintf(path, sizeof(path), "%s/collect-%s-%s.tar.gz", dir, host, stamp);
	return strdup(path);
}

int cmd_collect(int argc, char **argv)
{
	struct strlist args = STRLIST_INIT;
	struct collect c;
	struct strbuf man = STRBUF_INIT, list = STRBUF_INIT;
	uint64_t d_ns = 10000000000ULL, t0, total = 0;
	const char *output = NULL;
	char stage[4096], top[512], stamp[32], host[256], *out = NULL;
	const char *t = getenv("TMPDIR");
	struct utsname u;
	struct tm tm;
	time_t now = time(NULL);
	size_t i, size = 0;
	int r;
	struct tb_option opts[] = {
		TB_OPT_DURATION('d', "interval", &d_ns, "D", 1000000000ULL, 3600000000000ULL,
				"time between the two /proc snapshots, and the length of the\n"
				"short slab-leak run between them (default 10s; 1s .. 1h)"),
		TB_OPT_STRING('o', "output", &output, "FILE",
			      "write the bundle to FILE (atomically; default\n"
			      "/var/tmp/tracebook/collect-HOST-TIME.tar.gz)"),
		TB_OPT_END(),
	};

	r = tb_parse_options(argc, argv, &collect_usage, opts, &args, NULL);
	if (!r && args.n)
		r = tb_usage_error(&collect_usage, "unexpected argument '%s'", args.v[0]);
	strlist_clear(&args);
	if (r)
		return r > 0 ? 0 : r;
	memset(&c, 0, sizeof(c));
	strbuf_init(&c.run_msg);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(host, sizeof(host), "%s", uname(&u) == 0 ? u.nodename : "host");
	for (i = 0; host[i]; i++)
		if (host[i] == '/' || host[i] == ' ')
			host[i] = '_';
	snprintf(top, sizeof(top), "collect-%s-%s", host, stamp);
	if (!output) {
		out = default_path(host, stamp);
		if (!out)
			return tb_error("out of memory");
		output = out;
	}
	/* the output's directory must take a file before minutes are spent collecting */
	{
		char dir[4096], *s;

		snprintf(dir, sizeof(dir), "%s", output);
		s = strrchr(dir, '/');
		if (s)
			*s = s == dir ? (s[1] = 0, '/') : 0;
		if (access(s ? dir : ".", W_OK | X_OK) < 0) {
			r = tb_error_code(TB_EXIT_USAGE, "collect: cannot write the bundle into %s: "
					  "%s (give -o FILE in a writable directory)",
					  s ? dir : ".", strerror(errno));
			free(out);
			return r;
		}
	}
	tb_note("collect: the bundle will be %s", output);
	snprintf(stage, sizeof(stage), "%s/tracebook-collect.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(stage)) {
		r = tb_error("collect: cannot make a staging directory %s: %s", stage,
			     strerror(errno));
		free(out);
		return r;
	}
	c.stage = stage;
	r = collect_uname(&c);
	if (!r)
		r = collect_probe(&c);
	if (!r)
		r = collect_kallsyms(&c);
	if (!r) {
		char p[4200];

		stage_path(&c, "snap", p, sizeof(p));
		if (mkdir(p, 0755) < 0)
			r = tb_error("collect: cannot make %s: %s", p, strerror(errno));
	}
	t0 = tb_now_ns();
	if (!r)
		r = snapshots(&c, 1);
	if (!r)
		r = short_run(&c, d_ns);
	if (!r)
		drop_run_kallsyms(&c);
	if (!r) {
		/* the second snapshot D after the first, however long the run took */
		uint64_t el = tb_now_ns() - t0;

		if (el < d_ns) {
			struct timespec ts = { (time_t)((d_ns - el) / 1000000000ULL),
					       (long)((d_ns - el) % 1000000000ULL) };

			nanosleep(&ts, NULL);
		}
		r = snapshots(&c, 2);
	}
	if (!r)
		r = collect_dmesg(&c);
	if (!r) {
		list_sizes(stage, "", &list, &total);
		strbuf_addf(&man, "tracebook collect %s\nhost: %s\nkernel: %s\ntaken: %s\n"
			    "interval: %llu ms\nshort run: exit %d\n\ncollected:\n%s"
			    "  %-28s %10llu bytes\n", TB_VERSION, host, u.release, stamp,
			    (unsigned long long)(d_ns / 1000000ULL), c.run_status, list.buf,
			    "(total)", (unsigned long long)total);
		strbuf_addstr(&man, "\nnot collected:\n");
		for (i = 0; i < c.missing.n; i++)
			strbuf_addf(&man, "  %s\n", c.missing.v[i]);
		if (!c.missing.n)
			strbuf_addstr(&man, "  (nothing: everything was collected)\n");
		strbuf_addstr(&man, "\nread it back: tracebook analyze THIS.tar.gz\n");
		r = put(&c, "MANIFEST", man.buf, man.len, 0);
	}
	if (!r)
		r = bundle_pack(stage, top, output, &size);
	if (!r) {
		printf("collected into %s (%zu bytes compressed):\n%s", output, size, list.buf);
		if (c.missing.n) {
			printf("not collected (%zu; the bundle says so in its MANIFEST):\n",
			       c.missing.n);
			for (i = 0; i < c.missing.n; i++)
				printf("  %s\n", c.missing.v[i]);
		}
		tb_note("collect: done: send %s; read it with 'tracebook analyze %s'", output,
			output);
	}
	bundle_remove_tree(stage);
	strlist_clear(&c.missing);
	strbuf_release(&c.run_msg);
	strbuf_release(&man);
	strbuf_release(&list);
	free(out);
	return r;
}
