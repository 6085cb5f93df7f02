/*
 * stream.c - several input files decoded as one event stream: opening, format
 * detection, buffered line reading, the timestamp merge of text files (see
 * tb_decode_set_* in decode.h for the rule), and the canonical event dump.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "decode/decode-local.h"
#include "util/err.h"
#include "util/procfs.h"
#include "util/strbuf.h"
#include "util/strlist.h"
#include "util/alloc.h"

#define IN_BUF (1u << 20)		/* read buffer */
#define IN_MAX_LINE (16u << 20)		/* longer lines are cut (and counted malformed) */
#define HEAD_BYTES (64u << 10)		/* bytes looked at by detection */

/* A decoded event copied out of its decoder (merge queue). */
struct qev {
	struct tb_event ev;
	struct qev *next;
	char mem[];
};

struct input {
	char *path;
	int fd;
	enum tb_format fmt;
	char *buf;
	size_t cap, start, end;
	int eof, done;
	struct tb_decoder *dec;
	struct tb_decode_stats dat_stats;	/* trace.dat: filled after reading */
	struct qev *qhead, *qtail;
	uint64_t last_ts;
	struct tb_decode_set *set;
	struct cpu_span *spans;		/* time covered per CPU (merged inputs) */
	unsigned nspans, aspans;
};

/* The first and last timestamp of one CPU's events in one input. */
struct cpu_span {
	int32_t cpu;
	uint64_t lo, hi;
};

struct tb_decode_set {
	struct tb_sink sink;
	tb_decode_snapshot_fn snapshot;
	void *snapshot_ctx;
	struct input *in;
	unsigned n;
	struct { char *name, *system; } *maps;
	unsigned nmaps;
	struct strlist warnings;	/* inputs that overlap (said on stderr too) */
	const char *buffer;		/* trace.dat: the instance buffer to read, or NULL */
	const char *const *fields;	/* trace.dat: the fields the sink reads, NULL all */
	size_t nfields;
};

struct tb_decode_set *tb_decode_set_new(const struct tb_sink *sink,
					tb_decode_snapshot_fn snapshot, void *snapshot_ctx)
{
	struct tb_decode_set *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->sink = *sink;
	s->snapshot = snapshot;
	s->snapshot_ctx = snapshot_ctx;
	return s;
}

void tb_decode_set_buffer(struct tb_decode_set *s, const char *name)
{
	s->buffer = name;
}

void tb_decode_set_fields(struct tb_decode_set *s, const char *const *names, size_t n)
{
	s->fields = names;
	s->nfields = n;
}

static int fill(struct input *in)
{
	ssize_t r;

	if (in->start > 0 && in->start == in->end)
		in->start = in->end = 0;
	if (in->end == in->cap) {
		if (in->start > 0) {
			memmove(in->buf, in->buf + in->start, in->end - in->start);
			in->end -= in->start;
			in->start = 0;
		} else {
			size_t ncap = in->cap * 2;
			char *nb;

			if (ncap > IN_MAX_LINE)
				return 1;	/* full: caller cuts the line */
			nb = realloc(in->buf, ncap);
			if (!nb)
				return tb_error("out of memory reading %s", in->path);
			in->buf = nb;
			in->cap = ncap;
		}
	}
	do {
		r = read(in->fd, in->buf + in->end, in->cap - in->end);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		return tb_error_code(TB_EXIT_BADINPUT, "%s: read failed: %s", in->path,
				     strerror(errno));
	if (r == 0)
		in->eof = 1;
	in->end += (size_t)r;
	return 0;
}

/* Next line: 1 with *line and *len set, 0 at end of file, negative on error. */
static int next_line(struct input *in, const char **line, size_t *len)
{
	for (;;) {
		char *b = in->buf + in->start;
		char *nl = memchr(b, '\n', in->end - in->start);
		int r;

		if (nl) {
			*line = b;
			*len = (size_t)(nl - b);
			in->start += *len + 1;
			return 1;
		}
		if (in->eof) {
			if (in->end == in->start)
				return 0;
			*line = b;
			*len = in->end - in->start;
			in->start = in->end;
			return 1;
		}
		r = fill(in);
		if (r < 0)
			return r;
		if (r == 1) {	/* a line longer than IN_MAX_LINE: hand on the cut part */
			*line = b;
			*len = in->end - in->start;
			in->start = in->end;
			return 1;
		}
	}
}

/* A compressed file: say how to feed it (tracebook reads plain text). */
static int compressed(const struct input *in)
{
	static const struct { const char *magic; size_t n; const char *tool; } c[] = {
		{ "\x1f\x8b", 2, "zcat" }, { "\xfd""7zXZ", 5, "xzcat" },
		{ "\x28\xb5\x2f\xfd", 4, "zstdcat" }, { "BZh", 3, "bzcat" },
	};
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (in->end >= c[i].n && !memcmp(in->buf, c[i].magic, c[i].n))
			return tb_error_code(TB_EXIT_BADINPUT, "%s is compressed: run `%s %s | "
					     "tracebook analyze -`", in->path, c[i].tool, in->path);
	return 0;
}

int tb_decode_set_add(struct tb_decode_set *s, const char *path, enum tb_format fmt)
{
	struct input *in, *nv;
	int r;

	nv = realloc(s->in, (s->n + 1) * sizeof(*nv));
	if (!nv)
		return tb_error("out of memory");
	s->in = nv;
	in = &s->in[s->n];
	memset(in, 0, sizeof(*in));
	in->set = s;
	in->path = strdup(path);
	in->cap = IN_BUF;
	in->buf = malloc(in->cap);
	if (!in->path || !in->buf) {
		free(in->path);
		free(in->buf);
		return tb_error("out of memory");
	}
	if (!strcmp(path, "-")) {
		in->fd = 0;
	} else {
		struct stat st;

		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			r = tb_error_code(TB_EXIT_BADINPUT, "cannot open %s: %s", path, strerror(errno));
			goto fail;
		}
		if (!fstat(in->fd, &st) && S_ISDIR(st.st_mode)) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s is a directory: give the capture "
					  "files inside it", path);
			close(in->fd);
			goto fail;
		}
	}
	/* read the head for detection */
	while (!in->eof && in->end < HEAD_BYTES) {
		if ((r = fill(in)) < 0)
			goto fail_close;
	}
	if (fmt == TB_FMT_UNKNOWN && (r = compressed(in)) < 0)
		goto fail_close;
	if ((fmt == TB_FMT_UNKNOWN || fmt == TB_FMT_FTRACE_TEXT) &&
	    tb_detect_function_graph(in->buf, in->end)) {
		r = tb_error_code(TB_EXIT_BADINPUT, "%s: function_graph tracer output ('# tracer: "
				  "function_graph', lines like ' 0)  0.462 us | kfree();'): tracebook "
				  "does not read this format (it has no event fields or pointers to "
				  "pair); capture with the function tracer (current_tracer=function) or "
				  "a recipe (`tracebook recipes`)", path);
		goto fail_close;
	}
	if (fmt == TB_FMT_UNKNOWN)
		fmt = tb_detect_format(in->buf, in->end);
	if (fmt == TB_FMT_UNKNOWN) {
		r = tb_error_code(TB_EXIT_BADINPUT, "%s: not a format tracebook reads (expected "
				  "trace/trace_pipe text, a kernel log with SLUB 'TRACE' records, "
				  "trace-cmd report text or trace.dat, or /proc/slabinfo)", path);
		goto fail_close;
	}
	in->fmt = fmt;
	s->n++;
	return 0;
fail_close:
	if (in->fd > 0)
		close(in->fd);
fail:
	free(in->path);
	free(in->buf);
	return r;
}

int tb_decode_set_map_event(struct tb_decode_set *s, const char *name, const char *system)
{
	void *nm = realloc(s->maps, (s->nmaps + 1) * sizeof(*s->maps));

	if (!nm)
		return -1;
	s->maps = nm;
	s->maps[s->nmaps].name = strdup(name);
	s->maps[s->nmaps].system = strdup(system);
	if (!s->maps[s->nmaps].name || !s->maps[s->nmaps].system) {
		free(s->maps[s->nmaps].name);
		free(s->maps[s->nmaps].system);
		return -1;
	}
	s->nmaps++;
	return 0;
}

/* --- merge queue ------------------------------------------------------------- */

static size_t str_size(const char *p)
{
	return p ? strlen(p) + 1 : 0;
}

static char *put_str(char **mem, const char *p)
{
	size_t n;
	char *r;

	if (!p)
		return NULL;
	n = strlen(p) + 1;
	r = *mem;
	memcpy(r, p, n);
	*mem += n;
	return r;
}

/* Widen the span of ev's CPU in `in` to ev's timestamp (untimed events: nothing). */
static int note_span(struct input *in, const struct tb_event *ev)
{
	unsigned i;

	if (!ev->ts_ns)
		return 0;
	for (i = 0; i < in->nspans; i++)
		if (in->spans[i].cpu == ev->cpu)
			break;
	if (i == in->nspans) {
		if (ALLOC_GROW(in->spans, in->nspans + 1, in->aspans) < 0)
			return tb_error("out of memory merging %s", in->path);
		in->spans[i].cpu = ev->cpu;
		in->spans[i].lo = in->spans[i].hi = ev->ts_ns;
		in->nspans++;
	}
	if (ev->ts_ns < in->spans[i].lo)
		in->spans[i].lo = ev->ts_ns;
	if (ev->ts_ns > in->spans[i].hi)
		in->spans[i].hi = ev->ts_ns;
	return 0;
}

/*
 * Two inputs with events of the same CPU in the same stretch of time are not the
 * per-CPU pieces or the consecutive parts of one capture: they are one capture
 * twice (overlapping copies) or captures of two boots.  Merged all the same, but
 * said on stderr and kept for the report's notes.
 */
static int check_overlaps(struct tb_decode_set *s, unsigned from, unsigned to)
{
	unsigned i, j, a, b;

	for (i = from; i < to; i++)
		for (j = i + 1; j < to; j++)
			for (a = 0; a < s->in[i].nspans; a++)
				for (b = 0; b < s->in[j].nspans; b++) {
					const struct cpu_span *x = &s->in[i].spans[a];
					const struct cpu_span *y = &s->in[j].spans[b];
					struct strbuf sb = STRBUF_INIT;
					uint64_t lo, hi;
					char cpu[32];

					/* overlapping, or the very same stretch (a copy of a
					 * file with one event per CPU); touching ends are the
					 * halves of one capture */
					if (x->cpu != y->cpu || !((x->lo < y->hi && y->lo < x->hi) ||
								  (x->lo == y->lo && x->hi == y->hi)))
						continue;
					lo = x->lo > y->lo ? x->lo : y->lo;
					hi = x->hi < y->hi ? x->hi : y->hi;
					if (x->cpu < 0)
						snprintf(cpu, sizeof(cpu), "CPU not printed");
					else
						snprintf(cpu, sizeof(cpu), "cpu %d", (int)x->cpu);
					strbuf_addf(&sb, "%s and %s overlap in time on the same CPU "
						    "(%s, %llu.%06llu s to %llu.%06llu s): one capture "
						    "given twice, or captures of two boots; merged as one "
						    "stream, so events may be counted twice",
						    s->in[i].path, s->in[j].path, cpu,
						    (unsigned long long)(lo / 1000000000ULL),
						    (unsigned long long)(lo % 1000000000ULL / 1000),
						    (unsigned long long)(hi / 1000000000ULL),
						    (unsigned long long)(hi % 1000000000ULL / 1000));
					if (strbuf_failed(&sb) || strlist_add(&s->warnings, sb.buf)) {
						strbuf_release(&sb);
						return tb_error("out of memory");
					}
					tb_warn("%s", sb.buf);
					strbuf_release(&sb);
					a = s->in[i].nspans;	/* one warning per pair of inputs */
					break;
				}
	return 0;
}

static int queue_event(void *ctx, const struct tb_event *ev)
{
	struct input *in = ctx;
	size_t sz = sizeof(struct qev), i;
	struct qev *q;
	char *mem;

	if (note_span(in, ev))
		return -1;

	sz += str_size(ev->comm) + str_size(ev->origin);
	for (i = 0; i < ev->nfields; i++)
		if (ev->fields[i].type & TB_FV_STR)
			sz += str_size(ev->fields[i].str);
	sz += 8 + ev->stack.n * (sizeof(uint64_t) + sizeof(char *));
	if (ev->stack.syms)
		for (i = 0; i < ev->stack.n; i++)
			sz += str_size(ev->stack.syms[i]);
	q = malloc(sz);
	if (!q)
		return tb_error("out of memory merging %s", in->path);
	q->ev = *ev;
	q->ev.more = NULL;	/* the decoder will have moved on when this copy is read */
	q->next = NULL;
	mem = q->mem;
	/* pointer arrays first (aligned) */
	if (ev->stack.n && ev->stack.addrs) {
		uint64_t *a = (uint64_t *)(void *)(((uintptr_t)mem + 7) & ~(uintptr_t)7);

		memcpy(a, ev->stack.addrs, ev->stack.n * sizeof(uint64_t));
		q->ev.stack.addrs = a;
		mem = (char *)(a + ev->stack.n);
	}
	if (ev->stack.n && ev->stack.syms) {
		const char **sv = (const char **)(void *)(((uintptr_t)mem + 7) & ~(uintptr_t)7);

		mem = (char *)(sv + ev->stack.n);
		for (i = 0; i < ev->stack.n; i++)
			sv[i] = put_str(&mem, ev->stack.syms[i]);
		q->ev.stack.syms = sv;
	}
	q->ev.comm = put_str(&mem, ev->comm);
	q->ev.origin = put_str(&mem, ev->origin);
	for (i = 0; i < ev->nfields; i++)
		if (ev->fields[i].type & TB_FV_STR)
			q->ev.fields[i].str = put_str(&mem, ev->fields[i].str);
	if (in->qtail)
		in->qtail->next = q;
	else
		in->qhead = q;
	in->qtail = q;
	return 0;
}

static void pass_lost(void *ctx, int cpu, uint64_t count, uint64_t ts)
{
	struct input *in = ctx;

	if (in->set->sink.lost)
		in->set->sink.lost(in->set->sink.ctx, cpu, count, ts);
}

static int make_decoder(struct tb_decode_set *s, struct input *in, const struct tb_sink *sink)
{
	unsigned i;

	in->dec = tb_decoder_new(in->fmt, in->path, sink);
	if (!in->dec)
		return tb_error("out of memory");
	for (i = 0; i < s->nmaps; i++)
		if (tb_decoder_map_event(in->dec, s->maps[i].name, s->maps[i].system))
			return tb_error("out of memory");
	return 0;
}

/* Feed lines until in's queue has an event or the file ends. */
static int pump(struct input *in)
{
	const char *line;
	size_t len;
	int r;

	while (!in->qhead && !in->done) {
		r = next_line(in, &line, &len);
		if (r < 0)
			return r;
		if (r == 0) {
			in->done = 1;
			return tb_decoder_finish(in->dec);
		}
		if ((r = tb_decoder_line(in->dec, line, len)) < 0)
			return r;
	}
	return 0;
}

static int run_merged(struct tb_decode_set *s, unsigned from, unsigned to)
{
	unsigned i;
	int r;

	for (i = from; i < to; i++) {
		struct tb_sink qs = { queue_event, pass_lost, &s->in[i] };

		if ((r = make_decoder(s, &s->in[i], &qs)))
			return r;
	}
	for (;;) {
		struct input *best = NULL;
		uint64_t best_key = 0;
		struct qev *q;

		for (i = from; i < to; i++) {
			struct input *in = &s->in[i];
			uint64_t key;

			if ((r = pump(in)) < 0)
				return r;
			if (!in->qhead)
				continue;
			key = in->qhead->ev.ts_ns ? in->qhead->ev.ts_ns : in->last_ts;
			if (!best || key < best_key) {
				best = in;
				best_key = key;
			}
		}
		if (!best)
			return check_overlaps(s, from, to);
		q = best->qhead;
		best->qhead = q->next;
		if (!best->qhead)
			best->qtail = NULL;
		best->last_ts = best_key;
		r = s->sink.event ? s->sink.event(s->sink.ctx, &q->ev) : 0;
		free(q);
		if (r < 0)
			return r;
	}
}

static int run_single(struct tb_decode_set *s, struct input *in)
{
	const char *line;
	size_t len;
	int r;

	if ((r = make_decoder(s, in, &s->sink)))
		return r;
	for (;;) {
		r = next_line(in, &line, &len);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		if ((r = tb_decoder_line(in->dec, line, len)) < 0)
			return r;
	}
	in->done = 1;
	return tb_decoder_finish(in->dec);
}

static int run_slabinfo(struct tb_decode_set *s, struct input *in)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	uint64_t wall = 0;
	int r;

	strbuf_add(&sb, in->buf + in->start, in->end - in->start);
	while (!in->eof) {
		in->start = in->end = 0;
		if ((r = fill(in)) < 0) {
			strbuf_release(&sb);
			return r;
		}
		strbuf_add(&sb, in->buf, in->end);
	}
	if (strbuf_failed(&sb))
		return tb_error("out of memory reading %s", in->path);
	if (in->fd > 0 && !fstat(in->fd, &st))
		wall = (uint64_t)st.st_mtim.tv_sec * 1000000000ULL + (uint64_t)st.st_mtim.tv_nsec;
	{
		/* a first line from `date` ((date; cat /proc/slabinfo) > FILE, as `slabs` reads
		 * it) says when better than the mtime, which a copy (scp, tar) changes */
		const char *nl = memchr(sb.buf, '\n', sb.len);
		char line[128];
		uint64_t t;

		if (nl && (size_t)(nl - sb.buf) < sizeof(line)) {
			memcpy(line, sb.buf, (size_t)(nl - sb.buf));
			line[nl - sb.buf] = '\0';
			if (!tb_parse_wall_time(line, &t))
				wall = t;
		}
	}
	r = s->snapshot ? s->snapshot(s->snapshot_ctx, tb_proc_kinds[TB_PROC_SLABINFO].name, wall, sb.buf, in->path) : 0;
	in->done = 1;
	strbuf_release(&sb);
	return r;
}

static int is_text(enum tb_format f)
{
	return f == TB_FMT_FTRACE_TEXT || f == TB_FMT_KERNEL_LOG || f == TB_FMT_TRACECMD_REPORT;
}

int tb_decode_set_run(struct tb_decode_set *s)
{
	unsigned i = 0, j;
	int r;

	while (i < s->n) {
		struct input *in = &s->in[i];

		if (in->fmt == TB_FMT_TRACECMD_DAT) {
			if (in->fd == 0)
				return tb_error_code(TB_EXIT_BADINPUT, "trace.dat on standard input: "
						     "give it as a file");
			/* straight to the sink, never queued: fields left out stay reachable */
			r = tb_decode_tracedat(in->path, s->buffer, s->fields, s->nfields, &s->sink,
					       &in->dat_stats);
			if (r < 0)
				return r;
			in->done = 1;
			i++;
			continue;
		}
		if (in->fmt == TB_FMT_SLABINFO) {
			if ((r = run_slabinfo(s, in)) < 0)
				return r;
			i++;
			continue;
		}
		for (j = i; j < s->n && is_text(s->in[j].fmt); j++)
			;
		r = j - i == 1 ? run_single(s, in) : run_merged(s, i, j);
		if (r < 0)
			return r;
		i = j;
	}
	return 0;
}

unsigned tb_decode_set_count(const struct tb_decode_set *s)
{
	return s->n;
}

const char *tb_decode_set_path(const struct tb_decode_set *s, unsigned i)
{
	return s->in[i].path;
}

enum tb_format tb_decode_set_format(const struct tb_decode_set *s, unsigned i)
{
	return s->in[i].fmt;
}

const struct tb_decode_stats *tb_decode_set_stats(const struct tb_decode_set *s, unsigned i)
{
	static const struct tb_decode_stats none;

	if (s->in[i].dec)
		return tb_decoder_stats(s->in[i].dec);
	if (s->in[i].fmt == TB_FMT_TRACECMD_DAT)
		return &s->in[i].dat_stats;
	return &none;
}

void tb_decode_set_free(struct tb_decode_set *s)
{
	unsigned i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		struct input *in = &s->in[i];

		while (in->qhead) {
			struct qev *q = in->qhead;

			in->qhead = q->next;
			free(q);
		}
		tb_decoder_free(in->dec);
		free(in->spans);
		if (in->fd > 0)
			close(in->fd);
		free(in->buf);
		free(in->path);
	}
	for (i = 0; i < s->nmaps; i++) {
		free(s->maps[i].name);
		free(s->maps[i].system);
	}
	free(s->maps);
	free(s->in);
	strlist_clear(&s->warnings);
	free(s);
}

const struct strlist *tb_decode_set_warnings(const struct tb_decode_set *s)
{
	return &s->warnings;
}

/* --- canonical dump ----------------------------------------------------------- */

static void dump_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if ((unsigned char)*s < 0x20)
			fprintf(out, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

void tb_decode_dump_event(FILE *out, const struct tb_event *ev)
{
	static const char *const q[] = { "real", "hashed", "hidden" };
	unsigned i;

	fprintf(out, "%llu %d %d ", (unsigned long long)ev->ts_ns, ev->cpu, ev->pid);
	dump_str(out, ev->comm ? ev->comm : "");
	fprintf(out, " %s:%s q=%s", ev->system ? ev->system : "?", ev->name ? ev->name : "?",
		ev->ptr_quality < 3 ? q[ev->ptr_quality] : "?");
	for (i = 0; i < ev->nfields; i++) {
		const struct tb_field *f = &ev->fields[i];

		fprintf(out, " %s=", f->name);
		if (f->type & TB_FV_STR)
			dump_str(out, f->str);
		if (f->type & TB_FV_NUM)
			fprintf(out, "%s#%llu", (f->type & TB_FV_STR) ? "" : "",
				(unsigned long long)f->num);
	}
	fputc('\n', out);
	for (i = 0; i < ev->stack.n; i++) {
		if (ev->stack.syms)
			fprintf(out, "  => %s\n", ev->stack.syms[i]);
		else if (ev->stack.addrs)
			fprintf(out, "  => 0x%llx\n", (unsigned long long)ev->stack.addrs[i]);
	}
}
