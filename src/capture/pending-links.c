/*
 * pending-links.c - TEMPORARY weak stand-ins for the analysis (analyze helper) and the
 * text decoders (decode helper) so that capture/ links before those land on main.
 * Every stand-in refuses with a message; the real definitions override them at link
 * time.  This file is deleted when analyze and decode are merged.
 */
#include <stdio.h>
#include "analyze/analysis.h"
#include "decode/decode.h"
#include "util/err.h"

#define TB_WEAK __attribute__((weak))

static int refuse_event(void *ctx, const struct tb_event *ev)
{
	(void)ctx;
	(void)ev;
	return tb_error("the analysis is not built yet");
}

TB_WEAK struct tb_sink tb_analysis_sink(struct tb_analysis *an)
{
	struct tb_sink s = { refuse_event, NULL, an };

	return s;
}

TB_WEAK int tb_analysis_snapshot(struct tb_analysis *an, const char *what, uint64_t wall_ns,
				 const char *text)
{
	return 0;
}

TB_WEAK void tb_analysis_interval(struct tb_analysis *an, uint64_t ts_ns, FILE *out)
{
}

TB_WEAK void tb_analysis_status(const struct tb_analysis *an, struct tb_analysis_status *st)
{
	st->events = st->lost = st->outstanding = 0;
}

TB_WEAK struct tb_decoder *tb_decoder_new(enum tb_format fmt, const char *origin,
					  const struct tb_sink *sink)
{
	tb_error("the %s decoder is not built yet", origin);
	return NULL;
}

TB_WEAK int tb_decoder_line(struct tb_decoder *d, const char *line, size_t len)
{
	return -1;
}

TB_WEAK int tb_decoder_finish(struct tb_decoder *d)
{
	return 0;
}

TB_WEAK const struct tb_decode_stats *tb_decoder_stats(const struct tb_decoder *d)
{
	return NULL;
}

TB_WEAK void tb_decoder_free(struct tb_decoder *d)
{
}
