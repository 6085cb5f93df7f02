/*
 * decode.h - text formats brought back from a box, decoded into tb_event:
 * ftrace trace/trace_pipe text of every era (3.10 -> 6.x), kernel logs with SLUB TRACE
 * records (dmesg, kern.log, journalctl -k, with any prefix), trace-cmd report text,
 * and trace.dat files (libtracecmd, where the build has it).
 *
 * A decoder is fed lines (streaming, bounded memory) and emits events to a sink.  The
 * live text fallback of capture/ uses the same ftrace text decoder.
 */
#ifndef TB_DECODE_DECODE_H
#define TB_DECODE_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "event/event.h"

enum tb_format {
	TB_FMT_UNKNOWN = 0,
	TB_FMT_FTRACE_TEXT,	/* trace / trace_pipe */
	TB_FMT_KERNEL_LOG,	/* dmesg, kern.log, journalctl -k */
	TB_FMT_TRACECMD_REPORT,	/* trace-cmd report text */
	TB_FMT_TRACECMD_DAT,	/* trace.dat */
	TB_FMT_SLABINFO,	/* /proc/slabinfo (for slabs/growth, not events) */
};

/* tb_format_name - "ftrace text", "kernel log", ... for messages and reports. */
const char *tb_format_name(enum tb_format f);

/*
 * tb_detect_format - guess the format from the first bytes of a file (detect.c has
 * the rule: trace.dat magic, slabinfo/trace-cmd headers, else line shapes scored).
 * @head: the first bytes (64 KiB is plenty)
 * @len: their length
 * Returns TB_FMT_UNKNOWN when nothing looks familiar.
 */
enum tb_format tb_detect_format(const char *head, size_t len);

/*
 * tb_detect_function_graph - 1 if the head is function_graph tracer output
 * ("# tracer: function_graph", or mostly " CPU)  DURATION | func() {" lines): a format
 * tracebook does not read (no event fields, no pointers to pair).
 */
int tb_detect_function_graph(const char *head, size_t len);

/* Counters a decoder keeps for the report ("malformed lines: N, first at f:l"). */
struct tb_decode_stats {
	uint64_t lines, events, malformed, ignored;
	uint64_t ptr_hidden;		/* events whose pointers carried no information:
					 * (____ptrval____) -> TB_PTR_HIDDEN */
	uint64_t ptr_hashed;		/* events with hashed pointer ids (4.15+ text) */
	uint64_t ptr_null;		/* events whose pointer is NULL: "(null)", "(nil)",
					 * all zero (kfree(NULL)); not hidden: the pair
					 * analyzer counts them as NULL frees */
	uint64_t lost_markers;		/* CPU:N [LOST ...] lines seen */
	uint64_t stacks;		/* stacks attached to events */
	uint64_t interleaved;		/* kernel log: call traces matched to a record
					 * printed before a later record's line (two CPUs'
					 * output interleaved): the site may be the other's */
	char first_malformed[3][256];	/* "file:line: text" */
	/* malformed lines that could have been these events ("slub:alloc", or
	 * "slub:alloc|free" when the line does not say which) */
	struct { const char *event; uint64_t n; } maybe[4];
	unsigned nmaybe;
	uint64_t damaged;		/* events read from damaged lines (a record found
					 * inside a line, a timestamp without its '[', a
					 * frame joined from a wrapped line) */
	char first_damaged[256];	/* "file:line: what" */
};

struct tb_decoder;

/*
 * tb_decoder_new - a line decoder for a text format.
 * @fmt: TB_FMT_FTRACE_TEXT, TB_FMT_KERNEL_LOG or TB_FMT_TRACECMD_REPORT
 * @origin: the file name used in "file:line" messages and event origins
 * @sink: receives the events (copied; its ctx must outlive the decoder)
 * Returns NULL on ENOMEM or for another format (nothing printed).
 */
struct tb_decoder *tb_decoder_new(enum tb_format fmt, const char *origin,
				  const struct tb_sink *sink);
/*
 * tb_decoder_line - feed one line (without its newline; a CR is tolerated).
 * Bad lines are counted in the stats, never an error.  Returns 0, or negative when
 * the sink said stop (every later call returns negative too).
 */
int tb_decoder_line(struct tb_decoder *d, const char *line, size_t len);
/* tb_decoder_finish - emit what is held back (events waiting for a stack). */
int tb_decoder_finish(struct tb_decoder *d);
/*
 * tb_decode_interleaved_note - the report's note for n kernel-log records whose call
 * traces were interleaved with another record's (stats.interleaved), into sb.
 */
struct strbuf;
void tb_decode_interleaved_note(struct strbuf *sb, uint64_t n);
/* tb_decoder_stats - the counters so far (valid until tb_decoder_free). */
const struct tb_decode_stats *tb_decoder_stats(const struct tb_decoder *d);
void tb_decoder_free(struct tb_decoder *d);

/*
 * tb_decoder_map_event - tell a text decoder which system an event name belongs to.
 *
 * Text output prints only the event name ("kmalloc: ..."), never its system.  The
 * decoders give every event a system by this rule, in order:
 *  1. a mapping made with this function (cmd-analyze maps the recipe's tracepoints
 *     and kprobes: "[kprobe NAME]" -> "kprobes");
 *  2. the built-in table of well-known events (kmalloc -> kmem, sched_switch -> sched,
 *     block_rq_issue -> block, function -> ftrace, ...);
 *  3. "kprobes" when the body is a kprobe/kretprobe "(sym+off/len ...)" line;
 *  4. "unknown".
 * Returns 0, or -1 on ENOMEM.
 */
int tb_decoder_map_event(struct tb_decoder *d, const char *name, const char *system);

/* tb_decoder_lineno - the line number of the last line fed (1-based). */
uint64_t tb_decoder_lineno(const struct tb_decoder *d);

/*
 * tb_decode_tracedat - decode a whole trace-cmd trace.dat (version 6 or 7, not
 * compressed) into sink with the live capture's raw page decoder and merge
 * (decode/tracedat.c; no libtracecmd, so every build reads it).  stats: events.
 * Returns 0, or negative after printing why (-TB_EXIT_BADINPUT: not readable as a
 * trace.dat, compressed, other endianness).
 * @buffer: the instance buffer to read (trace-cmd record -B NAME), or NULL for the
 *          top buffer when it holds pages, else the first instance that does
 * @fields: the fields sink reads, decoded for every event (interned names; the
 *          others only when asked for: tb_rawdec_select), or NULL for all
 */
int tb_decode_tracedat(const char *path, const char *buffer, const char *const *fields,
		       size_t nfields, const struct tb_sink *sink,
		       struct tb_decode_stats *stats);
/* tb_tracedat_kallsyms - the kallsyms text a trace.dat carries (none: empty); 0 or neg. */
struct strbuf;
int tb_tracedat_kallsyms(const char *path, struct strbuf *out);

/*
 * A set of input files decoded as ONE stream (decode/stream.c).
 *
 * Each file's format is detected from its first bytes (or forced).  Consecutive text
 * files (ftrace text, kernel log, trace-cmd report) are merged by timestamp: the next
 * event handed on is always the one with the smallest timestamp among the files' next
 * events (an event without a timestamp takes its file's previous one; ties go to the
 * file named first).  Each file is itself in time order (trace_pipe and logs are), so
 * this is a k-way merge holding one decoded event per file: files that do not overlap
 * come out one after the other, files that overlap interleave.  A trace.dat file is
 * read whole at its place in the list.  slabinfo files go to the snapshot callback.
 * "-" is standard input.
 */
struct tb_decode_set;
struct strlist;

/*
 * snapshot(ctx, what, wall_ns, text, origin): a /proc snapshot file (slabinfo) was
 * read; origin is its name ("-" for standard input), for messages about its lines.
 */
typedef int (*tb_decode_snapshot_fn)(void *ctx, const char *what, uint64_t wall_ns,
				     const char *text, const char *origin);

/* tb_decode_set_new - an empty set feeding sink (and snapshot, may be NULL). */
struct tb_decode_set *tb_decode_set_new(const struct tb_sink *sink,
					tb_decode_snapshot_fn snapshot, void *snapshot_ctx);
/*
 * tb_decode_set_add - add a file, opened and detected now.
 * @path: the file, or "-" for standard input
 * @fmt: TB_FMT_UNKNOWN to detect, else the format to assume
 * Prints why and returns -TB_EXIT_BADINPUT if it cannot be opened, is compressed
 * (says which *cat to pipe it through) or its format is unknown.
 */
int tb_decode_set_add(struct tb_decode_set *s, const char *path, enum tb_format fmt);
/*
 * tb_decode_set_fields - the fields the sink reads (interned names, kept by the caller
 * until the run ends; NULL: all): trace.dat inputs decode only these for every event
 * and the others when asked for.  Text inputs have every field anyway.
 */
void tb_decode_set_fields(struct tb_decode_set *s, const char *const *names, size_t n);
/* tb_decode_set_buffer - the trace.dat instance buffer to read (NULL: the default rule). */
void tb_decode_set_buffer(struct tb_decode_set *s, const char *name);
/* tb_decode_set_map_event - tb_decoder_map_event for every decoder of the set. */
int tb_decode_set_map_event(struct tb_decode_set *s, const char *name, const char *system);
/* tb_decode_set_run - decode everything; 0, or negative (error printed, or sink stop). */
int tb_decode_set_run(struct tb_decode_set *s);
unsigned tb_decode_set_count(const struct tb_decode_set *s);
const char *tb_decode_set_path(const struct tb_decode_set *s, unsigned i);
enum tb_format tb_decode_set_format(const struct tb_decode_set *s, unsigned i);
const struct tb_decode_stats *tb_decode_set_stats(const struct tb_decode_set *s, unsigned i);
/*
 * tb_decode_set_warnings - what the merge found doubtful (inputs overlapping in time
 * on the same CPU), one sentence each; already said on stderr.  Valid until free.
 */
const struct strlist *tb_decode_set_warnings(const struct tb_decode_set *s);
void tb_decode_set_free(struct tb_decode_set *s);

/*
 * The canonical one-line dump of an event (golden tests, --dump-events):
 *   TS CPU PID COMM SYS:NAME q=real|hashed|hidden key="value" ...
 * followed by "  => frame" lines for its stack.
 */
void tb_decode_dump_event(FILE *out, const struct tb_event *ev);

#endif
