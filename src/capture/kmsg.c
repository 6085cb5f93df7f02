/*
 * kmsg.c - the kernel log as a live source: /dev/kmsg records written after the run
 * started (the reader seeks to the end first), turned into dmesg-style lines
 * "[sec.usec] message" and fed to the kernel-log decoder of decode/ (SLUB TRACE
 * records and the call traces after them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "capture/capture-local.h"
#include "decode/decode.h"
#include "util/err.h"

#define RECORD_MAX 8192

struct tb_kmsg {
	int fd;
	char *path;
	struct tb_decoder *dec;
	char rec[RECORD_MAX + 1];
	char line[RECORD_MAX + 64];
	uint64_t records, overwritten;
	uint64_t slub_allocs, slub_frees;	/* SLUB "TRACE <cache> alloc|free" records */
	int finished;			/* the decoder handed on what it held back */
};

/**
 * tb_kmsg_open - open path (/dev/kmsg) positioned after the last record logged so
 * far.  Returns NULL after printing why.
 */
struct tb_kmsg *tb_kmsg_open(const char *path, const struct tb_sink *sink)
{
	struct tb_kmsg *k = calloc(1, sizeof(*k));

	if (!k) {
		tb_error("out of memory");
		return NULL;
	}
	k->fd = -1;
	k->path = strdup(path);
	if (!k->path) {
		tb_error("out of memory");
		goto fail;
	}
	k->dec = tb_decoder_new(TB_FMT_KERNEL_LOG, path, sink);
	if (!k->dec)
		goto fail;
	k->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0) {
		tb_error("cannot open %s: %s", path, strerror(errno));
		goto fail;
	}
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		tb_error("cannot seek to the end of %s: %s", path, strerror(errno));
		goto fail;
	}
	return k;
fail:
	tb_kmsg_close(k);
	return NULL;
}

/**
 * tb_kmsg_line - one /dev/kmsg record "PRI,SEQ,USEC,FLAGS[,...];TEXT\n[ KEY=value\n...]"
 * as the dmesg line "[SSSSS.UUUUUU] TEXT" in out (size bytes).  Returns the line's
 * length, or -1 for a record that is not one (no ';', no timestamp).
 */
int tb_kmsg_line(const char *rec, size_t n, char *out, size_t size)
{
	const char *semi = memchr(rec, ';', n), *text, *end;
	unsigned long long usec = 0, seq;
	unsigned pri;
	char head[64];
	size_t hl = semi ? (size_t)(semi - rec) : 0;
	int len;

	if (!semi || hl >= sizeof(head) || !size)
		return -1;
	memcpy(head, rec, hl);
	head[hl] = 0;
	if (sscanf(head, "%u,%llu,%llu", &pri, &seq, &usec) < 3)
		return -1;
	text = semi + 1;
	end = memchr(text, '\n', (size_t)(rec + n - text));
	if (!end)
		end = rec + n;
	len = snprintf(out, size, "[%5llu.%06llu] %.*s", usec / 1000000ULL, usec % 1000000ULL,
		       (int)(end - text), text);
	if (len < 0)
		return -1;
	if ((size_t)len >= size)
		len = (int)size - 1;
	return len;
}

static int feed_record(struct tb_kmsg *k, const char *rec, size_t n)
{
	int len = tb_kmsg_line(rec, n, k->line, sizeof(k->line));

	if (len < 0)
		return 0;
	k->records++;
	{
		/* "[  12.345678] TRACE kmalloc-64 alloc 0x... inuse=.. fp=.." */
		const char *t = strstr(k->line, "] TRACE ");

		if (t) {
			t = strchr(t + 8, ' ');
			if (t && !strncmp(t, " alloc ", 7))
				k->slub_allocs++;
			else if (t && !strncmp(t, " free ", 6))
				k->slub_frees++;
		}
	}
	return tb_decoder_line(k->dec, k->line, (size_t)len);
}

/**
 * tb_kmsg_pump - feed every record logged since the last call.
 */
int tb_kmsg_pump(struct tb_kmsg *k)
{
	for (;;) {
		ssize_t n = read(k->fd, k->rec, RECORD_MAX);
		int ret;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE) {
			/* records were overwritten before we read them */
			k->overwritten++;
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return tb_error("reading %s: %s", k->path, strerror(errno));
		if (n == 0)
			return 0;
		ret = feed_record(k, k->rec, (size_t)n);
		if (ret < 0)
			return ret;
	}
}

/* Hand on the records the decoder still holds (waiting for their call traces). */
static void kmsg_finish(struct tb_kmsg *k)
{
	if (k->dec && !k->finished)
		tb_decoder_finish(k->dec);
	k->finished = 1;
}

void tb_kmsg_trace_counts(struct tb_kmsg *k, uint64_t *allocs, uint64_t *frees,
			  uint64_t *overwritten, uint64_t *interleaved)
{
	if (k)
		kmsg_finish(k);
	*overwritten = k ? k->overwritten : 0;
	*allocs = k ? k->slub_allocs : 0;
	*frees = k ? k->slub_frees : 0;
	*interleaved = k && k->dec ? tb_decoder_stats(k->dec)->interleaved : 0;
}

void tb_kmsg_close(struct tb_kmsg *k)
{
	if (!k)
		return;
	if (k->dec) {
		kmsg_finish(k);
		tb_decoder_free(k->dec);
	}
	if (k->fd >= 0)
		close(k->fd);
	free(k->path);
	free(k);
}

/**
 * tb_kmsg_save - the kernel log's records logged at or after since_us (microseconds of
 * CLOCK_MONOTONIC, the clock /dev/kmsg stamps with) as dmesg lines into path.
 * Returns the number of lines written, or negative after printing why.
 */
long tb_kmsg_save(const char *kmsg_path, uint64_t since_us, const char *path)
{
	char rec[RECORD_MAX + 1], line[RECORD_MAX + 64];
	FILE *out;
	long n = 0;
	int fd;

	fd = open(kmsg_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return tb_error("--save: cannot read the kernel log %s: %s", kmsg_path,
				strerror(errno));
	out = fopen(path, "w");
	if (!out) {
		close(fd);
		return tb_error("--save: cannot create %s: %s", path, strerror(errno));
	}
	for (;;) {
		ssize_t r = read(fd, rec, RECORD_MAX);
		unsigned long long ts;
		int len;

		if (r < 0 && (errno == EPIPE || errno == EINTR))
			continue;	/* overwritten before read: go on with the next */
		if (r <= 0)
			break;
		rec[r] = 0;
		if (sscanf(rec, "%*u,%*u,%llu", &ts) != 1 || ts < since_us)
			continue;
		len = tb_kmsg_line(rec, (size_t)r, line, sizeof(line));
		if (len > 0) {
			fwrite(line, 1, (size_t)len, out);
			if (line[len - 1] != '\n')
				fputc('\n', out);
			n++;
		}
	}
	close(fd);
	if (fclose(out) != 0)
		return tb_error("--save: writing %s: %s", path, strerror(errno));
	return n;
}
