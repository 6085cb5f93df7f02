/*
 * tracedat-write.c - writes a run's raw capture as a trace-cmd trace.dat, version 6
 * (trace-cmd.dat.v6(5)): the file `trace-cmd report` and KernelShark open.  Written
 * here, not with libtracecmd: the static field build must write it too and Debian has
 * no static libtracecmd; version 6 is the simplest and is read by every trace-cmd
 * since 2010 (version 7 adds sections and compression, nothing this needs).
 *
 * What goes in, in the order the format fixes:
 *   magic "\x17\x08\x44tracing", "6", endianness, userspace long size, page size (the
 *   ring-buffer sub-buffer size: buffer_subbuf_size_kb where the kernel has it);
 *   events/header_page and events/header_event; the ftrace formats (kernel_stack,
 *   function); the formats of the events enabled when the file was opened (set_event of
 *   the run's tracing dir, grouped by system); /proc/kallsyms; printk_formats;
 *   saved_cmdlines (read at the end); the CPU count; options (uname, trace_clock, the
 *   CPU count, per-CPU stats, the writer's version); "flyrecord", then per CPU the
 *   offset and size of its pages, each CPU's pages page-aligned.
 *
 * The pages are the sub-buffers read from per_cpu/cpuN/trace_pipe_raw, byte for byte
 * (padded to the sub-buffer size when a read was shorter), in the order read.  While
 * the run goes they are appended to one unlinked temporary file per CPU in the output
 * directory, so memory stays flat; tb_tracedat_finish() copies them behind the
 * header into DIR/trace.dat.tmp and renames it to trace.dat.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "capture/capture.h"
#include "kernel/tracefs.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"
#include "util/version.h"
#include "util/alloc.h"

#define OPT_CPUSTAT	2
#define OPT_TRACECLOCK	4
#define OPT_UNAME	5
#define OPT_CPUCOUNT	8
#define OPT_VERSION	9

struct tb_tracedat {
	char *dir, *trace_dir;
	unsigned ncpus;
	size_t page;		/* sub-buffer size */
	int *fd;		/* per CPU temporary page file */
	uint64_t *bytes;	/* per CPU bytes written to it */
	uint64_t pages;
	unsigned char *pad;	/* page of zeros for short reads */
	struct strbuf head;	/* header_page .. event formats, read at open */
	uint32_t nsys;
};

/* ---- little helpers appending the file's numbers (host endianness) ---- */

static void put(struct strbuf *sb, const void *p, size_t n)
{
	strbuf_add(sb, p, n);
}

static void put4(struct strbuf *sb, uint32_t v)
{
	put(sb, &v, 4);
}

static void put8(struct strbuf *sb, uint64_t v)
{
	put(sb, &v, 8);
}

static int host_big_endian(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 0;
}

/* The text of trace_dir/rel (or the top tracing dir's when trace_dir lacks it). */
static int read_tracing(const struct tb_tracedat *t, const char *rel, struct strbuf *sb)
{
	char path[4096];

	strbuf_reset(sb);
	snprintf(path, sizeof(path), "%s/%s", t->trace_dir, rel);
	if (tb_read_file(path, sb) == 0)
		return 0;
	strbuf_reset(sb);
	if (tb_tracefs_path(path, sizeof(path), rel) == 0 && tb_read_file(path, sb) == 0)
		return 0;
	strbuf_reset(sb);
	return -1;
}

/* Append "8-byte size + text" of events/SYS/NAME/format; 0, or -1 when unreadable. */
static int put_format(struct tb_tracedat *t, struct strbuf *out, const char *sys,
		      const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	char rel[600];
	int r;

	snprintf(rel, sizeof(rel), "events/%s/%s/format", sys, name);
	r = read_tracing(t, rel, &sb);
	if (r == 0 && sb.len) {
		put8(out, sb.len);
		put(out, sb.buf, sb.len);
	} else {
		r = -1;
	}
	strbuf_release(&sb);
	return r;
}

/* "sys:name" lines of set_event, sorted, ftrace's left out. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The header part that must be read while the run's events are enabled: header_page,
 * header_event, ftrace formats, the enabled events' formats.
 */
static int read_head(struct tb_tracedat *t)
{
	struct strbuf sb = STRBUF_INIT, ev = STRBUF_INIT, body = STRBUF_INIT;
	char **lines = NULL, *l, *save = NULL;
	size_t n = 0, i, cap = 0;
	uint32_t nft = 0;
	long nsys_pos = -1;
	uint32_t nin = 0;
	char cursys[256] = "";
	int ret = -1;
	static const char *ftrace_events[] = { "kernel_stack", "function" };

	if (read_tracing(t, "events/header_page", &sb) < 0 || !sb.len) {
		tb_error("--save: cannot read %s/events/header_page", t->trace_dir);
		goto out;
	}
	put(&t->head, "header_page", 12);
	put8(&t->head, sb.len);
	put(&t->head, sb.buf, sb.len);
	if (read_tracing(t, "events/header_event", &sb) < 0)
		strbuf_reset(&sb);
	put(&t->head, "header_event", 13);
	put8(&t->head, sb.len);
	put(&t->head, sb.buf, sb.len);

	for (i = 0; i < 2; i++)
		if (put_format(t, &body, "ftrace", ftrace_events[i]) == 0)
			nft++;
	put4(&t->head, nft);
	put(&t->head, body.buf, body.len);

	/* the enabled events, grouped by system */
	if (read_tracing(t, "set_event", &ev) < 0) {
		tb_error("--save: cannot read %s/set_event", t->trace_dir);
		goto out;
	}
	for (l = ev.buf ? strtok_r(ev.buf, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
		if (!strchr(l, ':') || !strncmp(l, "ftrace:", 7))
			continue;
		if (ALLOC_GROW(lines, n + 1, cap) < 0) {
			tb_error("out of memory");
			goto out;
		}
		lines[n++] = l;
	}
	if (n)	/* qsort(NULL, 0) is undefined (UBSan): a fake root has no event formats */
		qsort(lines, n, sizeof(*lines), cmp_str);
	strbuf_reset(&body);
	put4(&body, 0);			/* number of systems, set below */
	for (i = 0; i < n; i++) {
		char *colon = strchr(lines[i], ':');

		*colon = 0;
		if (strchr(lines[i], '/') || strchr(colon + 1, '/') || strlen(lines[i]) >= sizeof(cursys))
			continue;
		if (strcmp(cursys, lines[i])) {
			if (nsys_pos >= 0)
				memcpy(body.buf + nsys_pos, &nin, 4);
			snprintf(cursys, sizeof(cursys), "%s", lines[i]);
			put(&body, cursys, strlen(cursys) + 1);
			nsys_pos = (long)body.len;
			put4(&body, 0);
			nin = 0;
			t->nsys++;
		}
		if (put_format(t, &body, lines[i], colon + 1) == 0)
			nin++;
		else
			tb_warn("--save: the format of %s:%s cannot be read: trace.dat lacks it",
				lines[i], colon + 1);
	}
	if (nsys_pos >= 0)
		memcpy(body.buf + nsys_pos, &nin, 4);
	memcpy(body.buf, &t->nsys, 4);
	put(&t->head, body.buf, body.len);
	ret = 0;
out:
	free(lines);
	strbuf_release(&sb);
	strbuf_release(&ev);
	strbuf_release(&body);
	return ret;
}

/**
 * tb_tracedat_open - start a trace.dat in dir for the raw capture of trace_dir.
 * @dir: the --save directory (exists)
 * @trace_dir: the run's tracing dir or instance, its events enabled now
 * @ncpus: CPUs whose pages will come
 * @page: the sub-buffer size
 *
 * Reads the header formats now (the run's events are enabled).  Returns NULL after
 * printing why.
 */
struct tb_tracedat *tb_tracedat_open(const char *dir, const char *trace_dir, unsigned ncpus,
				     size_t page)
{
	struct tb_tracedat *t = calloc(1, sizeof(*t));
	unsigned c;

	if (!t)
		goto nomem;
	strbuf_init(&t->head);
	t->dir = strdup(dir);
	t->trace_dir = strdup(trace_dir);
	t->ncpus = ncpus;
	t->page = page;
	t->fd = malloc(ncpus * sizeof(*t->fd));
	t->bytes = calloc(ncpus, sizeof(*t->bytes));
	t->pad = calloc(1, page);
	if (!t->dir || !t->trace_dir || !t->fd || !t->bytes || !t->pad)
		goto nomem;
	for (c = 0; c < ncpus; c++)
		t->fd[c] = -1;
	for (c = 0; c < ncpus; c++) {
		char path[4200];

		snprintf(path, sizeof(path), "%s/.trace.dat.cpu%u.XXXXXX", dir, c);
		t->fd[c] = mkostemp(path, O_CLOEXEC);
		if (t->fd[c] < 0) {
			tb_error("--save: cannot create %s: %s", path, strerror(errno));
			goto fail;
		}
		unlink(path);
	}
	if (read_head(t) < 0)
		goto fail;
	return t;
nomem:
	tb_error("out of memory");
fail:
	tb_tracedat_free(t);
	return NULL;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *b = p;

	while (n) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/**
 * tb_tracedat_page - keep one sub-buffer of cpu as read (n bytes, padded to a page).
 * Returns 0, or negative after printing why (a full disk).
 */
int tb_tracedat_page(struct tb_tracedat *t, int cpu, const void *data, size_t n)
{
	int e;

	if (cpu < 0 || (unsigned)cpu >= t->ncpus || !n)
		return 0;
	if (n > t->page)
		n = t->page;
	e = write_all(t->fd[cpu], data, n);
	if (!e && n < t->page)
		e = write_all(t->fd[cpu], t->pad, t->page - n);
	if (e)
		return tb_error("--save: writing the pages of CPU %d: %s", cpu, strerror(-e));
	t->bytes[cpu] += t->page;
	t->pages++;
	return 0;
}

uint64_t tb_tracedat_pages(const struct tb_tracedat *t)
{
	return t ? t->pages : 0;
}

/* "size + file" of an optional file (kallsyms, printk_formats: 4-byte size). */
static void put_file4(struct strbuf *out, const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	if (tb_read_file(path, &sb) < 0)
		strbuf_reset(&sb);
	put4(out, (uint32_t)sb.len);
	put(out, sb.buf, sb.len);
	strbuf_release(&sb);
}

static void put_option(struct strbuf *out, uint16_t id, const void *p, uint32_t n)
{
	put(out, &id, 2);
	put4(out, n);
	put(out, p, n);
}

/**
 * tb_tracedat_finish - write DIR/trace.dat: the header, then every CPU's pages.
 * Call after the capture drained the buffers (saved_cmdlines and the CPU stats are
 * read now).  Returns 0, or negative after printing why (no trace.dat then).
 */
int tb_tracedat_finish(struct tb_tracedat *t)
{
	struct strbuf h = STRBUF_INIT, sb = STRBUF_INIT;
	struct utsname u;
	char path[4200], tmp[4200], p[4096];
	uint64_t off;
	size_t offs_pos;
	unsigned c;
	int fd = -1, ret = -1, e;
	unsigned char *buf = NULL;

	put(&h, "\x17\x08\x44tracing", 10);
	put(&h, "6", 2);
	{
		unsigned char b[2] = { (unsigned char)host_big_endian(), (unsigned char)sizeof(long) };

		put(&h, b, 2);
	}
	put4(&h, (uint32_t)t->page);
	put(&h, t->head.buf, t->head.len);
	tb_root_path(p, sizeof(p), "/proc/kallsyms");
	put_file4(&h, p);
	if (read_tracing(t, "printk_formats", &sb) < 0)
		strbuf_reset(&sb);
	put4(&h, (uint32_t)sb.len);
	put(&h, sb.buf, sb.len);
	if (read_tracing(t, "saved_cmdlines", &sb) < 0)
		strbuf_reset(&sb);
	put8(&h, sb.len);
	put(&h, sb.buf, sb.len);
	put4(&h, t->ncpus);

	put(&h, "options  ", 10);
	if (uname(&u) == 0) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s %s %s %s %s", u.sysname, u.nodename, u.release, u.version,
			    u.machine);
		put_option(&h, OPT_UNAME, sb.buf, (uint32_t)sb.len + 1);
	}
	if (read_tracing(t, "trace_clock", &sb) == 0 && sb.len)
		put_option(&h, OPT_TRACECLOCK, sb.buf, (uint32_t)sb.len + 1);
	{
		uint32_t n = t->ncpus;

		put_option(&h, OPT_CPUCOUNT, &n, 4);
	}
	for (c = 0; c < t->ncpus; c++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "per_cpu/cpu%u/stats", c);
		if (read_tracing(t, rel, &sb) == 0 && sb.len) {
			struct strbuf o = STRBUF_INIT;

			strbuf_addf(&o, "CPU: %u\n%s", c, sb.buf);
			put_option(&h, OPT_CPUSTAT, o.buf, (uint32_t)o.len + 1);
			strbuf_release(&o);
		}
	}
	strbuf_reset(&sb);
	strbuf_addf(&sb, "tracebook %s", TB_VERSION);
	put_option(&h, OPT_VERSION, sb.buf, (uint32_t)sb.len + 1);
	{
		uint16_t done = 0;

		put(&h, &done, 2);
	}
	put(&h, "flyrecord", 10);
	offs_pos = h.len;
	off = h.len + (uint64_t)t->ncpus * 16;
	for (c = 0; c < t->ncpus; c++) {
		off = (off + t->page - 1) / t->page * t->page;
		put8(&h, off);
		put8(&h, t->bytes[c]);
		off += t->bytes[c];
	}
	(void)offs_pos;

	snprintf(path, sizeof(path), "%s/trace.dat", t->dir);
	snprintf(tmp, sizeof(tmp), "%s/trace.dat.tmp", t->dir);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	buf = malloc(1 << 20);
	if (fd < 0 || !buf) {
		tb_error("--save: cannot create %s: %s", tmp, fd < 0 ? strerror(errno) : "out of memory");
		goto out;
	}
	e = write_all(fd, h.buf, h.len);
	off = h.len;
	for (c = 0; c < t->ncpus && !e; c++) {
		uint64_t at = (off + t->page - 1) / t->page * t->page, left = t->bytes[c], pos = 0;

		if (at > off)
			e = write_all(fd, t->pad, (size_t)(at - off));
		off = at;
		while (!e && left) {
			ssize_t r = pread(t->fd[c], buf, left < (1 << 20) ? (size_t)left : (1 << 20),
					  (off_t)pos);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				e = r < 0 ? -errno : -EIO;
				break;
			}
			e = write_all(fd, buf, (size_t)r);
			left -= (uint64_t)r;
			pos += (uint64_t)r;
			off += (uint64_t)r;
		}
	}
	if (!e && fsync(fd) < 0)
		e = -errno;
	if (close(fd) < 0 && !e)
		e = -errno;
	fd = -1;
	if (!e && rename(tmp, path) < 0)
		e = -errno;
	if (e) {
		unlink(tmp);
		tb_error("--save: writing %s: %s", path, strerror(-e));
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(buf);
	strbuf_release(&h);
	strbuf_release(&sb);
	return ret;
}

void tb_tracedat_free(struct tb_tracedat *t)
{
	unsigned c;

	if (!t)
		return;
	if (t->fd)
		for (c = 0; c < t->ncpus; c++)
			if (t->fd[c] >= 0)
				close(t->fd[c]);
	free(t->fd);
	free(t->bytes);
	free(t->pad);
	free(t->dir);
	free(t->trace_dir);
	strbuf_release(&t->head);
	free(t);
}
