/*
 * tracecmd.c - trace-cmd data: trace.dat files through libtracecmd (when the build
 * has it; the static field build does not).  `trace-cmd report` text shares the line
 * decoder of ftrace-text.c (TB_FMT_TRACECMD_REPORT).
 *
 * Each trace.dat record is rendered by libtraceevent ("INFO": the event's print
 * format, pointers never hashed) into the trace-cmd report line shape and fed to the
 * report-text decoder, with the record's real system mapped for its event name, so
 * both paths give the same events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decode/decode-local.h"
#include "util/err.h"
#include "util/strbuf.h"

#ifdef HAVE_LIBTRACECMD
#include <trace-cmd/trace-cmd.h>

struct dat_ctx {
	struct tb_decoder *d;
	struct tep_handle *tep;
	struct trace_seq seq;
	struct strbuf line;
	const struct tb_sink *sink;
	int err;
};

static int feed_lines(struct tb_decoder *d, const char *text)
{
	const char *p = text, *nl;
	int r;

	while ((nl = strchr(p, '\n'))) {
		if ((r = tb_decoder_line(d, p, (size_t)(nl - p))) < 0)
			return r;
		p = nl + 1;
	}
	if (*p)
		return tb_decoder_line(d, p, strlen(p));
	return 0;
}

static int dat_record(struct tracecmd_input *h, struct tep_record *rec, int cpu, void *data)
{
	struct dat_ctx *c = data;
	struct tep_event *ev = tep_find_event_by_record(c->tep, rec);
	int pid, r;
	const char *comm;

	(void)h;
	cpu = rec->cpu;	/* (the multi iterator's int is not always the cpu) */
	if (c->err)
		return -1;
	if (rec->missed_events && c->sink->lost)
		c->sink->lost(c->sink->ctx, cpu,
			      rec->missed_events > 0 ? (uint64_t)rec->missed_events : TB_LOST_UNKNOWN,
			      rec->ts);
	if (!ev)
		return 0;
	if (tb_decoder_map_event(c->d, ev->name, ev->system)) {
		c->err = -1;
		return -1;
	}
	pid = tep_data_pid(c->tep, rec);
	comm = tep_data_comm_from_pid(c->tep, pid);
	trace_seq_reset(&c->seq);
	tep_print_event(c->tep, &c->seq, rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&c->seq);
	strbuf_reset(&c->line);
	strbuf_addf(&c->line, "%s-%d [%03d] %llu.%09llu: %s: %s", comm ? comm : "<...>", pid,
		    cpu, rec->ts / 1000000000ULL, rec->ts % 1000000000ULL, ev->name,
		    c->seq.buffer ? c->seq.buffer : "");
	r = feed_lines(c->d, c->line.buf);
	if (r < 0) {
		c->err = r;
		return -1;
	}
	return 0;
}

int tb_decode_tracecmd_dat(const char *path, const struct tb_sink *sink,
			   struct tb_decode_stats *stats)
{
	struct tracecmd_input *h;
	struct dat_ctx c;
	int r;

	memset(&c, 0, sizeof(c));
	h = tracecmd_open(path, TRACECMD_FL_LOAD_NO_SYSTEM_PLUGINS);
	if (!h)
		return tb_error_code(TB_EXIT_BADINPUT, "%s: libtracecmd cannot read this trace.dat "
				     "file (try `trace-cmd report %s > report.txt` and analyze that)",
				     path, path);
	c.tep = tracecmd_get_tep(h);
	c.sink = sink;
	c.d = tb_decoder_new(TB_FMT_TRACECMD_REPORT, path, sink);
	if (!c.d) {
		tracecmd_close(h);
		return tb_error("out of memory");
	}
	trace_seq_init(&c.seq);
	strbuf_init(&c.line);
	{
		/* the top buffer and every instance buffer (trace-cmd -B), in time order */
		int nb = tracecmd_buffer_instances(h), i, nh = 0;
		struct tracecmd_input **hs = calloc((size_t)(nb > 0 ? nb : 0) + 1, sizeof(*hs));

		if (!hs) {
			r = tb_error("out of memory");
			goto done;
		}
		hs[nh++] = h;
		for (i = 0; i < nb; i++) {
			struct tracecmd_input *bh = tracecmd_buffer_instance_handle(h, i);

			if (bh)
				hs[nh++] = bh;
		}
		r = tracecmd_iterate_events_multi(hs, nh, dat_record, &c);
		for (i = 1; i < nh; i++)
			tracecmd_close(hs[i]);
		free(hs);
	}
	if (c.err)
		r = c.err;
	else if (r < 0)
		r = tb_error_code(TB_EXIT_BADINPUT, "%s: reading trace.dat records failed", path);
	else
		r = tb_decoder_finish(c.d);
done:
	if (stats)
		*stats = *tb_decoder_stats(c.d);
	trace_seq_destroy(&c.seq);
	strbuf_release(&c.line);
	tb_decoder_free(c.d);
	tracecmd_close(h);
	return r < 0 ? r : 0;
}

int tb_decode_have_tracecmd(void)
{
	return 1;
}

#else /* !HAVE_LIBTRACECMD */

int tb_decode_tracecmd_dat(const char *path, const struct tb_sink *sink,
			   struct tb_decode_stats *stats)
{
	(void)sink;
	if (stats)
		memset(stats, 0, sizeof(*stats));
	return tb_error_code(TB_EXIT_BADINPUT,
			     "%s is a trace-cmd trace.dat file: this build reads trace-cmd report "
			     "text; for trace.dat run `trace-cmd report %s > report.txt` and analyze "
			     "that, or use the full build", path, path);
}

int tb_decode_have_tracecmd(void)
{
	return 0;
}

#endif
