/*
 * fuzz-common.h - what the libFuzzer targets in tests/fuzz/ share: the input as a
 * file the tool could open (a memfd, named /proc/self/fd/N, for parsers that take a
 * path), a sink for report text that is not stdout, and the offline analyze pipeline
 * (decode set -> analysis -> report) run the way cmd-analyze.c runs it.
 *
 * Every target frees everything it allocated (LeakSanitizer runs at exit of each
 * input under -detect_leaks=1, the default) and resets the string intern table.
 */
#ifndef TB_FUZZ_COMMON_H
#define TB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "analyze/analysis.h"
#include "analyze/result.h"
#include "decode/decode.h"
#include "report/report.h"
#include "util/intern.h"
#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (a NUL inside ends it early, as for a C parser). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = 0;
	}
	return s;
}

/*
 * The input as a file: a memfd holding the bytes; its name (/proc/self/fd/N) goes into
 * path.  Returns the fd to close, or -1.
 */
static inline int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t pathsz)
{
	int fd = memfd_create("fuzz-input", 0);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	lseek(fd, 0, SEEK_SET);
	snprintf(path, pathsz, "/proc/self/fd/%d", fd);
	return fd;
}

/* Where rendered reports go: /dev/null, opened once (never stdout). */
static inline FILE *fuzz_devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

/* ---- the offline analyze pipeline (cmd-analyze.c, without the command line) ---- */

struct fuzz_counting {
	struct tb_sink inner;
	struct tb_analysis *an;
	uint64_t events, lost, first_ts, last_ts;
};

static inline int fuzz_count_event(void *ctx, const struct tb_event *ev)
{
	struct fuzz_counting *c = ctx;

	if (!c->events++)
		c->first_ts = ev->ts_ns;
	c->last_ts = ev->ts_ns;
	return c->inner.event ? c->inner.event(c->inner.ctx, ev) : 0;
}

static inline void fuzz_count_lost(void *ctx, int cpu, uint64_t count, uint64_t ts)
{
	struct fuzz_counting *c = ctx;

	if (count != TB_LOST_UNKNOWN)
		c->lost += count;
	if (c->inner.lost)
		c->inner.lost(c->inner.ctx, cpu, count, ts);
}

static inline int fuzz_snapshot(void *ctx, const char *what, uint64_t wall_ns, const char *text,
				const char *origin)
{
	struct fuzz_counting *c = ctx;

	return c->an ? tb_analysis_snapshot_from(c->an, what, wall_ns, text, origin) : 0;
}

/*
 * fuzz_analyze - `tracebook analyze --format F FILE` on the input: the decode set reads
 * the memfd as format fmt (TB_FMT_UNKNOWN: detected), the analysis decides from the
 * data (no recipe), the report is built and rendered as text into /dev/null.
 */
static inline void fuzz_analyze(const uint8_t *data, size_t size, enum tb_format fmt)
{
	struct fuzz_counting cnt;
	struct tb_sink sink;
	struct tb_decode_set *set = NULL;
	struct tb_analysis *an = NULL;
	struct tb_report *rep = NULL;
	struct tb_analysis_opts aopts = { NULL, 0 };
	struct tb_run_info info;
	char path[64];
	unsigned i;
	int fd;

	memset(&cnt, 0, sizeof(cnt));
	memset(&info, 0, sizeof(info));
	fd = fuzz_memfd(data, size, path, sizeof(path));
	if (fd < 0)
		return;
	sink.event = fuzz_count_event;
	sink.lost = fuzz_count_lost;
	sink.ctx = &cnt;
	set = tb_decode_set_new(&sink, fuzz_snapshot, &cnt);
	if (!set || tb_decode_set_add(set, path, fmt) < 0)
		goto out;
	an = tb_analysis_new(NULL, &aopts);
	if (!an)
		goto out;
	cnt.inner = tb_analysis_sink(an);
	cnt.an = an;
	if (tb_decode_set_run(set) < 0)
		goto out;
	for (i = 0; i < tb_decode_set_count(set); i++) {
		const struct tb_decode_stats *st = tb_decode_set_stats(set, i);

		if (st->malformed && strlist_add(&info.notes, st->first_malformed[0]) < 0)
			goto out;
	}
	info.source = "files: fuzz input";
	info.events = cnt.events;
	info.lost = cnt.lost;
	info.duration_ns = cnt.last_ts > cnt.first_ts ? cnt.last_ts - cnt.first_ts : 0;
	rep = tb_report_build(an, &info);
	if (rep)
		tb_report_print_text(rep, fuzz_devnull(), 0);
out:
	tb_report_free(rep);
	tb_analysis_free(an);
	tb_decode_set_free(set);
	strlist_clear(&info.notes);
	close(fd);
	tb_intern_reset();
}

#endif
