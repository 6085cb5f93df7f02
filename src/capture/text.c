/*
 * text.c - the fallback live source: trace_pipe text, decoded line by line with the
 * ftrace text decoder of decode/ (the same one `tracebook analyze` uses).  Slower
 * than the raw reader and, on 4.15+ kernels, its pointers are hashed; the result says
 * it was used.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "capture/capture-local.h"
#include "decode/decode.h"
#include "util/err.h"
#include "util/strbuf.h"

#define CHUNK 65536

struct tb_text {
	int fd;
	char *path;
	struct tb_decoder *dec;
	struct strbuf line;	/* an incomplete last line */
	char *buf;
	uint64_t bytes;
};

/**
 * tb_text_open - open trace_dir/trace_pipe for reading without blocking.
 * Returns NULL after printing why.
 */
struct tb_text *tb_text_open(const char *trace_dir, const struct tb_sink *sink)
{
	struct tb_text *t = calloc(1, sizeof(*t));
	struct strbuf p = STRBUF_INIT;

	if (!t) {
		tb_error("out of memory");
		return NULL;
	}
	t->fd = -1;
	strbuf_init(&t->line);
	strbuf_addf(&p, "%s/trace_pipe", trace_dir);
	t->path = strbuf_detach(&p, NULL);
	t->buf = malloc(CHUNK);
	if (!t->path || !t->buf) {
		tb_error("out of memory");
		goto fail;
	}
	t->dec = tb_decoder_new(TB_FMT_FTRACE_TEXT, t->path, sink);
	if (!t->dec)
		goto fail;
	t->fd = open(t->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0) {
		tb_error("cannot open %s: %s", t->path, strerror(errno));
		goto fail;
	}
	return t;
fail:
	tb_text_close(t);
	return NULL;
}

static int feed(struct tb_text *t, const char *s, size_t n)
{
	while (n) {
		const char *nl = memchr(s, '\n', n);
		size_t len;
		int ret;

		if (!nl) {
			strbuf_add(&t->line, s, n);
			return 0;
		}
		len = (size_t)(nl - s);
		if (t->line.len) {
			strbuf_add(&t->line, s, len);
			ret = tb_decoder_line(t->dec, t->line.buf, t->line.len);
			strbuf_reset(&t->line);
		} else {
			ret = tb_decoder_line(t->dec, s, len);
		}
		if (ret < 0)
			return ret;
		s += len + 1;
		n -= len + 1;
	}
	return 0;
}

/**
 * tb_text_pump - decode what trace_pipe has now.
 * @drain: read until empty twice 2 ms apart (tracing_on is 0), then flush.
 */
int tb_text_pump(struct tb_text *t, int drain)
{
	int empty = 0, ret;

	for (;;) {
		ssize_t n = read(t->fd, t->buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return tb_error("reading %s: %s", t->path, strerror(errno));
		if (n > 0) {
			t->bytes += (uint64_t)n;
			empty = 0;
			ret = feed(t, t->buf, (size_t)n);
			if (ret < 0)
				return ret;
			continue;
		}
		if (!drain)
			return 0;
		if (++empty >= 2)
			break;
		{
			struct timespec ts = { 0, 2000000L };

			nanosleep(&ts, NULL);
		}
	}
	if (t->line.len) {
		ret = tb_decoder_line(t->dec, t->line.buf, t->line.len);
		strbuf_reset(&t->line);
		if (ret < 0)
			return ret;
	}
	return tb_decoder_finish(t->dec);
}

uint64_t tb_text_events(const struct tb_text *t)
{
	const struct tb_decode_stats *st = tb_decoder_stats(t->dec);

	return st ? st->events : 0;
}

uint64_t tb_text_bytes(const struct tb_text *t)
{
	return t->bytes;
}

void tb_text_close(struct tb_text *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	if (t->dec)
		tb_decoder_free(t->dec);
	strbuf_release(&t->line);
	free(t->buf);
	free(t->path);
	free(t);
}
