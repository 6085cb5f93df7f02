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

/* One /dev/kmsg record "pri,seq,usec,flags[,...];text\n[ KEY=value\n...]" as a line. */
static int feed_record(struct tb_kmsg *k, char *rec, size_t n)
{
	char *semi = memchr(rec, ';', n), *text, *end;
	unsigned long long usec = 0;
	unsigned pri;
	unsigned long long seq;
	int len;

	if (!semi)
		return 0;
	*semi = 0;
	if (sscanf(rec, "%u,%llu,%llu", &pri, &seq, &usec) < 3)
		return 0;
	text = semi + 1;
	end = memchr(text, '\n', (size_t)(rec + n - text));
	if (end)
		*end = 0;
	else
		rec[n] = 0;
	len = snprintf(k->line, sizeof(k->line), "[%5llu.%06llu] %s", usec / 1000000ULL,
		       usec % 1000000ULL, text);
	if (len < 0)
		return 0;
	if ((size_t)len >= sizeof(k->line))
		len = (int)sizeof(k->line) - 1;
	k->records++;
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

void tb_kmsg_close(struct tb_kmsg *k)
{
	if (!k)
		return;
	if (k->dec) {
		tb_decoder_finish(k->dec);
		tb_decoder_free(k->dec);
	}
	if (k->fd >= 0)
		close(k->fd);
	free(k->path);
	free(k);
}
