/*
 * decode-local.h - what the decoders of src/decode/ share: the decoder object, the
 * event-name -> system table, the "k=v k=v" field splitter, pointer classification,
 * timestamps, stack frame storage and the malformed-line bookkeeping.
 */
#ifndef TB_DECODE_LOCAL_H
#define TB_DECODE_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include "decode/decode.h"
#include "util/strbuf.h"

/* Most frames kept per stack (deeper stacks are cut, innermost kept). */
#define TB_DEC_MAX_FRAMES 128

/* How many quoted malformed lines the stats keep. */
#define TB_DEC_MALFORMED_KEEP 3

struct tb_decoder;

struct tb_decoder_ops {
	/* line is a private, writable, NUL-terminated copy of len bytes (no newline). */
	int (*line)(struct tb_decoder *d, char *line, size_t len);
	int (*finish)(struct tb_decoder *d);
	void (*free)(struct tb_decoder *d);
};

/* A user mapping name -> system (tb_decoder_map_event). */
struct tb_dec_map {
	const char *name, *system;	/* interned */
};

/* Small direct-mapped cache in front of tb_intern_n (field and event names). */
#define TB_DEC_ICACHE 256
struct tb_dec_icache {
	const char *s[TB_DEC_ICACHE];
	unsigned short len[TB_DEC_ICACHE];
};

struct tb_decoder {
	enum tb_format fmt;
	char *origin;
	struct tb_sink sink;
	struct tb_decode_stats st;
	uint64_t lineno;
	const struct tb_decoder_ops *ops;
	void *priv;
	struct strbuf linebuf;		/* writable copy of the current line */
	struct tb_dec_map *maps;
	unsigned nmaps;
	struct tb_dec_icache icache;
	const char **known;		/* interned (name, system) pairs of the known table */
	const char *i_kprobes, *i_syscalls, *i_unknown, *i_ptr;
	const char *last_name, *last_system;	/* one-entry cache of tb_dec_system_for */
	int last_kprobe;
	int stopped;			/* the sink asked to stop */
};

/* Per-format constructors (fill d->ops and d->priv); 0 or -1 (ENOMEM). */
int tb_ftrace_text_init(struct tb_decoder *d, int tracecmd);
int tb_kernel_log_init(struct tb_decoder *d);

/* Interned copy of s[0..len) through the decoder's cache; NULL on ENOMEM. */
const char *tb_dec_intern(struct tb_decoder *d, const char *s, size_t len);

/* The system of a text event called name (see tb_decoder_map_event for the rule). */
const char *tb_dec_system_for(struct tb_decoder *d, const char *name, int looks_kprobe);

/* Record a malformed line (counted; the first few quoted as "file:line: text"). */
void tb_dec_malformed(struct tb_decoder *d, const char *line, size_t len, const char *why);

/*
 * tb_dec_malformed as above, for a line that could have been event (a string with
 * static storage: "slub:alloc", "slub:alloc|free"): counted against it too, so the
 * report can say which events the unreadable lines may hide.
 */
void tb_dec_malformed_as(struct tb_decoder *d, const char *line, size_t len,
			 const char *why, const char *event);

/* Count an event read from a damaged line (the first one quoted with why). */
void tb_dec_damaged(struct tb_decoder *d, const char *why);

/*
 * Split "k=v k=v ..." (in place: NULs are written) into ev's fields as strings.
 * A value runs to the next whitespace that is followed by "word=", so values
 * with spaces ("ptr=          (null)", "comm=kworker/0:1 H") survive; leading and
 * trailing spaces are trimmed; "quoted" values keep their quotes.  Returns the
 * number of fields added; text before the first "k=" is ignored.
 */
int tb_dec_fields(struct tb_decoder *d, struct tb_event *ev, char *s);

/* Pointer value classes. */
enum tb_dec_ptr {
	TB_DEC_PTR_NONE = 0,	/* not a pointer-looking value */
	TB_DEC_PTR_REAL,
	TB_DEC_PTR_HASHED,	/* 00000000xxxxxxxx */
	TB_DEC_PTR_NULL,	/* (null), (nil), 0000000000000000: a real NULL */
	TB_DEC_PTR_HIDDEN,	/* (____ptrval____) */
};
/* Classify a printed pointer value (with or without 0x). */
enum tb_dec_ptr tb_dec_ptr_class(const char *v);

/*
 * Set ev->ptr_quality from its "ptr" field (mm_page_* pair by pfn, never hashed) and
 * count hashed/hidden events in the stats.
 */
void tb_dec_ptr_quality(struct tb_decoder *d, struct tb_event *ev);

/*
 * tb_dec_parse_dec - the decimal number at s (at most len bytes; stops at the first
 * non-digit), refused above max: no digit ever wraps into a plausible value.
 * Returns the count of digits taken (> 0) with *out set, 0 if s[0] is not a digit,
 * -1 (errno ERANGE) if the number is greater than max.
 */
int tb_dec_parse_dec(const char *s, size_t len, uint64_t max, uint64_t *out);

/*
 * Parse "SECONDS.FRACTION" or a raw integer (counter clocks) at s[0..len) into ns
 * (raw counts are returned as they are).  A time of zero is returned as 1 (an event's
 * ts_ns 0 means "no time"; "[    0.000000]" of early boot is a time).  Returns 0, or
 * -1 if not a number or out of range (more seconds than 64-bit nanoseconds hold).
 */
int tb_dec_parse_ts(const char *s, size_t len, uint64_t *out);

/* A frame list being collected: strings in one buffer, offsets kept. */
struct tb_dec_frames {
	struct strbuf buf;
	size_t off[TB_DEC_MAX_FRAMES];
	unsigned n;
	const char *syms[TB_DEC_MAX_FRAMES];	/* filled by tb_dec_frames_stack */
	unsigned dropped;			/* frames beyond the maximum */
};
void tb_dec_frames_reset(struct tb_dec_frames *f);
void tb_dec_frames_add(struct tb_dec_frames *f, const char *s, size_t len);
/* Drop the last frame added (it is replaced by a longer one). */
void tb_dec_frames_pop(struct tb_dec_frames *f);
/* Point ev->stack at f's frames (valid until f changes). */
void tb_dec_frames_stack(struct tb_dec_frames *f, struct tb_event *ev);
void tb_dec_frames_release(struct tb_dec_frames *f);

/* Write "origin:lineno" into buf (fast, no printf). */
void tb_dec_origin(const struct tb_decoder *d, uint64_t lineno, char *buf, size_t size);

/* Hand an event to the sink; negative stops the decoder. */
int tb_dec_emit(struct tb_decoder *d, const struct tb_event *ev);

/*
 * tb_tracedat_format_ok - is an event format from a trace.dat in the kernel's own shape
 * (name, ID, format:, field lines, print fmt)?  1 yes, 0 no (tracedat.c skips it rather
 * than hand libtraceevent a damaged one).
 */
int tb_tracedat_format_ok(const char *b, size_t size);

#endif
