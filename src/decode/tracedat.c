/*
 * tracedat.c - trace-cmd trace.dat files (versions 6 and 7, trace-cmd.dat.v6(5) and
 * .v7(5)) read without libtracecmd: the header gives the kernel's ring-buffer page
 * header and event formats (parsed into a libtraceevent tep), the file's per-CPU data
 * is the ring-buffer sub-buffers exactly as the kernel wrote them, so they go through
 * the live capture's own page parser, cross-CPU merge and raw decoder (rawpage.h).
 * The same events come out as from a live run, at the same cost per event.
 *
 * Memory is bounded: each CPU's pages are read (pread) a few at a time as the merge
 * consumes them, so a file of any size needs a few pages per CPU plus the analyses'
 * own state.  Not read: kallsyms, printk formats and saved cmdlines (symbols are the
 * analysis' business: `analyze --kallsyms`, or a --save directory's kallsyms).
 *
 * Refused, with the reason (exit 3): a file of the other endianness, a version-7 file
 * with compressed sections or trace data (trace-cmd convert --compression none makes
 * it readable), a latency (text) trace, a file without the top instance's buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>
#include "decode/decode-local.h"
#include "decode/rawpage.h"
#include "util/err.h"
#include "util/strbuf.h"

#define MAGIC "\x17\x08\x44tracing"
#define QUEUE_PAGES 2		/* pages with records kept queued per CPU */
#define MAX_BUFFERS 32		/* instance buffers a file may name */

/* v7 section and option ids */
#define OPT_DONE		0
#define OPT_BUFFER		3
#define OPT_BUFFER_TEXT		22
#define OPT_HEADER_INFO		16
#define OPT_FTRACE_EVENTS	17
#define OPT_EVENT_FORMATS	18
#define OPT_KALLSYMS		19

struct dat_cpu {
	uint64_t off, left;	/* the next page's offset, bytes still unread */
};

struct dat {
	unsigned ncomms;	/* saved cmdlines registered in tep (task names) */
	const char *path;
	int fd;
	uint64_t size;		/* of the file */
	uint64_t pos;		/* read cursor of the header */
	int version;
	int lsize;
	uint32_t page;
	struct tep_handle *tep;
	struct kbuffer *kb;
	unsigned ncpus;
	struct dat_cpu *cpu;
	/* v7: where the sections are */
	uint64_t header_info, ftrace_events, event_formats;
	/* BUFFER options: instances' data (v6: a flyrecord block; v7: the option) */
	struct { uint64_t at; char name[64]; } buf[MAX_BUFFERS];
	unsigned nbuf;
	uint32_t hdr_cpus;	/* v6: the header's CPU count */
	int err;		/* the first -TB_EXIT_x said (helpers return -1 after it) */
	const char *want;	/* --buffer: the instance buffer to read (NULL: pick_buffer's rule) */
	struct strbuf *ksyms;	/* tb_tracedat_kallsyms: the kallsyms text goes here */
	uint64_t ksyms_at;	/* v7: the KALLSYMS section */
};

static int bad(struct dat *d, const char *what)
{
	return d->err = tb_error_code(TB_EXIT_BADINPUT, "%s: %s", d->path, what);
}

static int rd(struct dat *d, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(d->fd, (char *)buf + got, n - got, (off_t)(d->pos + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return tb_error("%s: %s", d->path, strerror(errno));
		if (r == 0)
			return d->err = tb_error_code(TB_EXIT_BADINPUT, "%s: truncated at byte %llu (a "
					     "trace.dat header or section ends early)", d->path,
					     (unsigned long long)(d->pos + got));
		got += (size_t)r;
	}
	d->pos += n;
	return 0;
}

static int rd2(struct dat *d, uint16_t *v) { return rd(d, v, 2); }
static int rd4(struct dat *d, uint32_t *v) { return rd(d, v, 4); }
static int rd8(struct dat *d, uint64_t *v) { return rd(d, v, 8); }

/* A NUL-terminated string of at most size-1 bytes. */
static int rdstr(struct dat *d, char *s, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size; i++) {
		if (rd(d, &s[i], 1) < 0)
			return -1;
		if (!s[i])
			return 0;
	}
	return bad(d, "a string in the header is too long (not a trace.dat?)");
}

/* size bytes at the cursor, malloc'd and NUL-terminated; size must fit the file. */
static char *rdblob(struct dat *d, uint64_t size)
{
	char *b;

	if (size > d->size || d->pos + size > d->size) {
		bad(d, "truncated or damaged: a header block runs past the end of the file");
		return NULL;
	}
	b = malloc((size_t)size + 1);
	if (!b) {
		tb_error("out of memory");
		return NULL;
	}
	if (rd(d, b, (size_t)size) < 0) {
		free(b);
		return NULL;
	}
	b[size] = 0;
	return b;
}

static int skip(struct dat *d, uint64_t n)
{
	if (d->pos + n > d->size)
		return bad(d, "truncated (a block runs past the end of the file)");
	d->pos += n;
	return 0;
}

/* v7: a section header at the cursor; refuses compressed sections. */
static int section_header(struct dat *d, uint16_t want)
{
	uint16_t id, flags;
	uint32_t str;
	uint64_t size;

	if (rd2(d, &id) < 0 || rd2(d, &flags) < 0 || rd4(d, &str) < 0 || rd8(d, &size) < 0)
		return -1;
	if (id != want)
		return bad(d, "a section is not where the options said (damaged trace.dat)");
	if (flags & 1)
		return bad(d, "compressed trace.dat (version 7 with compression) is not read "
			   "here: write an uncompressed copy with `trace-cmd convert "
			   "--compression none -i FILE -o COPY` and analyze that");
	return 0;
}

/* "header_page\0" size8 data, "header_event\0" size8 data */
static int read_header_info(struct dat *d)
{
	char name[16];
	uint64_t n;
	char *b;
	const char *p;
	int lsize = 8;

	if (rdstr(d, name, sizeof(name)) < 0)
		return -1;
	if (strcmp(name, "header_page"))
		return bad(d, "no header_page where the format puts it (not a trace.dat?)");
	if (rd8(d, &n) < 0 || !(b = rdblob(d, n)))
		return -1;
	/* "field: local_t commit; offset:8; size:8;" is the kernel's long size */
	p = strstr(b, "commit;");
	if (p && (p = strstr(p, "size:")))
		lsize = atoi(p + 5) == 4 ? 4 : 8;
	d->lsize = lsize;
	tep_set_long_size(d->tep, lsize);
	tep_set_page_size(d->tep, (int)d->page);
	if (tep_parse_header_page(d->tep, b, (unsigned long)n, lsize) < 0) {
		free(b);
		return bad(d, "its header_page cannot be parsed");
	}
	free(b);
	if (rdstr(d, name, sizeof(name)) < 0)
		return -1;
	if (strcmp(name, "header_event"))
		return bad(d, "no header_event where the format puts it (damaged trace.dat)");
	if (rd8(d, &n) < 0)
		return -1;
	return skip(d, n);
}

/*
 * An event format from the file with its "print fmt:" made empty, into sb: tracebook
 * reads fields and never prints through libtraceevent, whose print-format parser
 * crashes on some damaged formats (a print fmt naming a field the format does not
 * have: found by fuzz_tracedat).
 */
static void drop_print_fmt(const char *b, size_t size, struct strbuf *sb)
{
	static const char key[] = "\nprint fmt:";
	const char *p = memmem(b, size, key, sizeof(key) - 1);

	strbuf_reset(sb);
	if (!p) {
		strbuf_add(sb, b, size);
		return;
	}
	strbuf_add(sb, b, (size_t)(p + 1 - b));
	strbuf_addstr(sb, "print fmt: \"\"\n");
}

/* s[0..n) is digits only (1 to 9 of them), or n == 0 when empty_ok. */
static int digits(const char *s, size_t n, int empty_ok)
{
	size_t i;

	if (!n)
		return empty_ok;
	if (n > 9)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * What an array's brackets may hold: a length, or nothing ("char[]"); older kernels
 * print the macro's text when the length is an expression ("[13 + 1]", "[(4) * 2]").
 */
static int array_len_ok(const char *s, size_t n)
{
	size_t i;

	if (n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] == '_' || s[i] == ' ' || s[i] == '+' || s[i] == '*' || s[i] == '(' ||
		      s[i] == ')' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

/*
 * "\tfield:DECL;\toffset:N;\tsize:N;[\tsigned:N;]": DECL is C words, spaces, '*' and
 * array brackets (array_len_ok).
 */
static int field_line_ok(const char *l, size_t n)
{
	const char *e = l + n, *p, *semi;
	static const char *const keys[] = { "\toffset:", "\tsize:", "\tsigned:" };
	unsigned k;

	if (n < 7 || memcmp(l, "\tfield:", 7))
		return 0;
	semi = memchr(l, ';', n);
	if (!semi || semi == l + 7)
		return 0;
	for (p = l + 7; p < semi; p++) {
		if (*p == '[') {
			const char *c = memchr(p, ']', (size_t)(semi - p));

			if (!c || !array_len_ok(p + 1, (size_t)(c - p - 1)))
				return 0;
			p = c;
		} else if (!(*p == '_' || *p == ' ' || *p == '*' || *p == ':' ||
			     (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9'))) {
			return 0;
		}
	}
	p = semi + 1;
	for (k = 0; k < 3 && p < e; k++) {
		size_t kl = strlen(keys[k]);

		if ((size_t)(e - p) < kl || memcmp(p, keys[k], kl))
			return 0;
		p += kl;
		semi = memchr(p, ';', (size_t)(e - p));
		if (!semi || !digits(p, (size_t)(semi - p), 0))
			return 0;
		p = semi + 1;
	}
	return k >= 2 && p == e;
}

/*
 * An event format in the kernel's own shape ("name: N", "ID: N", "format:", field
 * lines, blank lines, "print fmt: ..."), checked before libtraceevent parses it: its
 * parser crashes on damaged field declarations ("args[\x17]": found by fuzz_tracedat).
 * A format that is not in that shape is skipped like one libtraceevent refuses.
 */
int tb_tracedat_format_ok(const char *b, size_t size)
{
	const char *p = b, *e = b + size;
	int state = 0;		/* 0 name, 1 ID, 2 format:, 3 fields */

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);

		switch (state) {
		case 0:
			if (n < 7 || memcmp(p, "name: ", 6) || memchr(p, '\0', n))
				return 0;
			break;
		case 1:
			if (n < 5 || memcmp(p, "ID: ", 4) || !digits(p + 4, n - 4, 0))
				return 0;
			break;
		case 2:
			if (n != 7 || memcmp(p, "format:", 7))
				return 0;
			break;
		default:
			if (n >= 10 && !memcmp(p, "print fmt:", 10))
				return 1;
			if (n && !field_line_ok(p, n))
				return 0;
		}
		if (state < 3)
			state++;
		p = nl ? nl + 1 : e;
	}
	return state == 3;
}

/* count4, then count x (size8 format) of system sys */
static int read_formats(struct dat *d, const char *sys)
{
	struct strbuf sb = STRBUF_INIT;
	uint32_t n, i;
	uint64_t size;
	char *b;

	if (rd4(d, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (rd8(d, &size) < 0 || !(b = rdblob(d, size))) {
			strbuf_release(&sb);
			return -1;
		}
		drop_print_fmt(b, (size_t)size, &sb);
		free(b);
		if (strbuf_failed(&sb)) {
			strbuf_release(&sb);
			return tb_error("out of memory");
		}
		/* an event this libtraceevent cannot parse is skipped (its records too) */
		if (tb_tracedat_format_ok(sb.buf, sb.len))
			tep_parse_event(d->tep, sb.buf, (unsigned long)sb.len, sys);
	}
	strbuf_release(&sb);
	return 0;
}

static int read_event_systems(struct dat *d)
{
	uint32_t n, i;
	char sys[256];

	if (rd4(d, &n) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (rdstr(d, sys, sizeof(sys)) < 0 || read_formats(d, sys) < 0)
			return -1;
	return 0;
}

static int alloc_cpus(struct dat *d, unsigned n)
{
	if (n == 0 || n > 65536)
		return bad(d, "an impossible CPU count (damaged trace.dat)");
	d->ncpus = n;
	d->cpu = calloc(n, sizeof(*d->cpu));
	if (!d->cpu)
		return tb_error("out of memory");
	return 0;
}

static int set_cpu(struct dat *d, unsigned c, uint64_t off, uint64_t size)
{
	if (c >= d->ncpus)
		return bad(d, "CPU data of a CPU beyond the CPU count (damaged trace.dat)");
	if (size && (off > d->size || size > d->size - off))
		return d->err = tb_error_code(TB_EXIT_BADINPUT, "%s: truncated: CPU %u's data needs %llu "
				     "bytes at %llu, the file has %llu", d->path, c,
				     (unsigned long long)size, (unsigned long long)off,
				     (unsigned long long)d->size);
	d->cpu[c].off = off;
	d->cpu[c].left = size;
	return 0;
}

/* v6: everything after the page size, in the order the format fixes */
static int read_v6(struct dat *d)
{
	uint32_t n, cpus;
	uint64_t n8;
	char word[10];
	unsigned c;

	if (read_header_info(d) < 0 || read_formats(d, "ftrace") < 0 ||
	    read_event_systems(d) < 0)
		return -1;
	if (rd4(d, &n) < 0)				/* kallsyms */
		return -1;
	if (d->ksyms) {
		char *b = rdblob(d, n);

		if (!b)
			return -1;
		strbuf_add(d->ksyms, b, n);
		free(b);
		return 0;
	}
	if (skip(d, n) < 0)
		return -1;
	if (rd4(d, &n) < 0 || skip(d, n) < 0)		/* printk formats */
		return -1;
	if (rd8(d, &n8) < 0)				/* saved cmdlines: "PID COMM" */
		return -1;
	if (n8 && n8 < (64u << 20)) {
		char *b = rdblob(d, n8), *line, *save = NULL;

		if (!b)
			return -1;
		for (line = strtok_r(b, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *end;
			long pid = strtol(line, &end, 10);

			if (end != line && pid > 0 && *end == ' ' && end[1] &&
			    strcmp(end + 1, "<...>") && tep_register_comm(d->tep, end + 1, (int)pid) == 0)
				d->ncomms++;
		}
		free(b);
	} else if (skip(d, n8) < 0) {
		return -1;
	}
	if (rd4(d, &cpus) < 0 || rd(d, word, 10) < 0)
		return -1;
	if (!memcmp(word, "options  ", 10)) {
		for (;;) {
			uint16_t id;

			if (rd2(d, &id) < 0)
				return -1;
			if (id == OPT_DONE)
				break;
			if (rd4(d, &n) < 0)
				return -1;
			if (id == OPT_BUFFER && n > 8 && d->nbuf < MAX_BUFFERS) {
				uint64_t at = d->pos;

				if (rd8(d, &d->buf[d->nbuf].at) < 0 ||
				    rdstr(d, d->buf[d->nbuf].name, sizeof(d->buf[0].name)) < 0)
					return -1;
				d->nbuf++;
				d->pos = at;
			}
			if (skip(d, n) < 0)
				return -1;
		}
		if (rd(d, word, 10) < 0)
			return -1;
	}
	if (!memcmp(word, "latency  ", 10))
		return bad(d, "a latency trace (text, from a latency tracer): nothing to decode "
			   "as events here");
	if (memcmp(word, "flyrecord", 10))
		return bad(d, "no flyrecord section where the format puts it (damaged trace.dat)");
	d->hdr_cpus = cpus;
	if (alloc_cpus(d, cpus) < 0)
		return -1;
	for (c = 0; c < cpus; c++) {
		uint64_t off, size;

		if (rd8(d, &off) < 0 || rd8(d, &size) < 0 || set_cpu(d, c, off, size) < 0)
			return -1;
	}
	return 0;
}

static int has_data(const struct dat *d)
{
	unsigned c;

	for (c = 0; c < d->ncpus; c++)
		if (d->cpu[c].left)
			return 1;
	return 0;
}

/* v6: the flyrecord block of instance buffer i ("flyrecord", CPU offsets and sizes) */
static int read_v6_buffer(struct dat *d, unsigned i)
{
	char word[10];
	unsigned c;

	d->pos = d->buf[i].at;
	if (rd(d, word, 10) < 0)
		return -1;
	if (memcmp(word, "flyrecord", 10))
		return 0;		/* a latency buffer: no pages */
	memset(d->cpu, 0, d->ncpus * sizeof(*d->cpu));
	for (c = 0; c < d->hdr_cpus; c++) {
		uint64_t off, size;

		if (rd8(d, &off) < 0 || rd8(d, &size) < 0 || set_cpu(d, c, off, size) < 0)
			return -1;
	}
	return 0;
}

/*
 * v7 BUFFER option of buffer i: offset8 name\0 clock\0 page4 cpus4 {cpu4 off8 size8};
 * the pages of its CPUs become the ones read.
 */
static int read_v7_buffer(struct dat *d, unsigned i)
{
	uint64_t off, sz, sec;
	uint32_t page, cpus, k, id;
	char name[256], clock[256];

	d->pos = d->buf[i].at;
	if (rd8(d, &sec) < 0 || rdstr(d, name, sizeof(name)) < 0 ||
	    rdstr(d, clock, sizeof(clock)) < 0 || rd4(d, &page) < 0 || rd4(d, &cpus) < 0)
		return -1;
	if (page && page != d->page) {
		if (page < 64 || page > (64U << 20) || (page & (page - 1)))
			return bad(d, "an impossible page size in a buffer option (damaged)");
		d->page = page;
		tep_set_page_size(d->tep, (int)page);
	}
	free(d->cpu);
	d->cpu = NULL;
	d->ncpus = 0;
	if (!cpus)
		return 0;
	if (alloc_cpus(d, cpus) < 0)
		return -1;
	for (k = 0; k < cpus; k++) {
		if (rd4(d, &id) < 0 || rd8(d, &off) < 0 || rd8(d, &sz) < 0)
			return -1;
		/* CPU ids can be sparse: keep the file's numbering */
		if (id >= d->ncpus) {
			struct dat_cpu *nc;

			if (id > 65535)
				return bad(d, "an impossible CPU id in a buffer option (damaged)");
			nc = realloc(d->cpu, (id + 1) * sizeof(*nc));
			if (!nc)
				return tb_error("out of memory");
			memset(nc + d->ncpus, 0, (id + 1 - d->ncpus) * sizeof(*nc));
			d->cpu = nc;
			d->ncpus = id + 1;
		}
		if (set_cpu(d, id, off, sz) < 0)
			return -1;
	}
	/* the flyrecord section itself must not be compressed */
	d->pos = sec;
	return cpus ? section_header(d, OPT_BUFFER) : 0;
}

/*
 * --buffer NAME: that instance buffer's pages and no other; an error naming the
 * buffers the file has when it has no such buffer, or when that one holds no pages.
 */
static int want_buffer(struct dat *d)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned i;
	int r;

	for (i = 0; i < d->nbuf; i++) {
		if (!d->buf[i].name[0] || strcmp(d->buf[i].name, d->want))
			continue;
		r = d->version == 7 ? read_v7_buffer(d, i) : read_v6_buffer(d, i);
		if (r < 0)
			return r;
		if (!has_data(d)) {
			strbuf_addf(&sb, "buffer instance '%s' holds no ring-buffer pages", d->want);
			r = bad(d, strbuf_str(&sb));
			strbuf_release(&sb);
			return r;
		}
		return 0;
	}
	strbuf_addf(&sb, "no buffer instance '%s' in it (--buffer); its instances:", d->want);
	for (i = 0; i < d->nbuf; i++)
		if (d->buf[i].name[0])
			strbuf_addf(&sb, " '%s'", d->buf[i].name);
	if (!strchr(strbuf_str(&sb), '\''))
		strbuf_addstr(&sb, " none (only the top buffer: leave --buffer out)");
	r = bad(d, strbuf_str(&sb));
	strbuf_release(&sb);
	return r;
}

/*
 * Which buffer's pages to read: the top instance's when it holds data, else the first
 * instance buffer that does (trace-cmd record -B / extract -B); others are said and
 * left out (their CPUs' timestamps would need a merge of their own).
 */
static int pick_buffer(struct dat *d)
{
	unsigned i, top = d->nbuf, chosen = d->nbuf;
	int r;

	if (d->want)
		return want_buffer(d);
	if (d->version == 7) {
		for (i = 0; i < d->nbuf && top == d->nbuf; i++)
			if (!d->buf[i].name[0])
				top = i;
		if (top < d->nbuf) {
			if ((r = read_v7_buffer(d, top)) < 0)
				return r;
			if (has_data(d))
				chosen = top;
		}
	} else if (has_data(d)) {
		chosen = d->nbuf;	/* the top flyrecord, read already */
		top = d->nbuf;
		goto said;
	}
	for (i = 0; i < d->nbuf && chosen == d->nbuf; i++) {
		if (i == top || !d->buf[i].name[0])
			continue;
		r = d->version == 7 ? read_v7_buffer(d, i) : read_v6_buffer(d, i);
		if (r < 0)
			return r;
		if (has_data(d))
			chosen = i;
	}
	if (chosen == d->nbuf && !has_data(d))
		return bad(d, "no trace data in it (no buffer holds ring-buffer pages)");
said:
	for (i = 0; i < d->nbuf; i++)
		if (i != chosen && d->buf[i].name[0])
			tb_warn("%s: buffer instance '%s' is not read (one buffer per file: %s; "
				"--buffer %s reads it instead)",
				d->path, d->buf[i].name, chosen < d->nbuf ?
				(d->buf[chosen].name[0] ? d->buf[chosen].name : "the top one") :
				"the top one", d->buf[i].name);
	return 0;
}

/* v7: the compression header, then a chain of options sections */
static int read_v7(struct dat *d)
{
	char comp[64], ver[64];
	uint64_t next;

	if (rdstr(d, comp, sizeof(comp)) < 0 || rdstr(d, ver, sizeof(ver)) < 0 ||
	    rd8(d, &next) < 0)
		return -1;
	if (strcmp(comp, "none"))
		return d->err = tb_error_code(TB_EXIT_BADINPUT, "%s: compressed trace.dat (%s): not read "
				     "here; write an uncompressed copy with `trace-cmd convert "
				     "--compression none -i FILE -o COPY` and analyze that",
				     d->path, comp);
	while (next) {
		unsigned guard = 0;

		if (next >= d->size)
			return bad(d, "an options section beyond the end of the file (truncated?)");
		d->pos = next;
		next = 0;
		if (section_header(d, 0) < 0)
			return -1;
		for (;;) {
			uint16_t id;
			uint32_t size;
			uint64_t at;

			if (++guard > 100000)
				return bad(d, "an options section that never ends (damaged)");
			if (rd2(d, &id) < 0 || rd4(d, &size) < 0)
				return -1;
			at = d->pos;
			if (id == OPT_DONE) {
				if (size >= 8 && rd8(d, &next) < 0)
					return -1;
				break;
			}
			if (size >= 8 && id == OPT_KALLSYMS) {
				if (rd8(d, &d->ksyms_at) < 0)
					return -1;
			} else if (size >= 8 && (id == OPT_HEADER_INFO || id == OPT_FTRACE_EVENTS ||
					  id == OPT_EVENT_FORMATS)) {
				uint64_t v;

				if (rd8(d, &v) < 0)
					return -1;
				if (id == OPT_HEADER_INFO)
					d->header_info = v;
				else if (id == OPT_FTRACE_EVENTS)
					d->ftrace_events = v;
				else
					d->event_formats = v;
			} else if (id == OPT_BUFFER && size > 8 && d->nbuf < MAX_BUFFERS) {
				d->buf[d->nbuf].at = at;
				if (skip(d, 8) < 0 || rdstr(d, d->buf[d->nbuf].name,
							    sizeof(d->buf[0].name)) < 0)
					return -1;
				d->nbuf++;
			}
			d->pos = at;
			if (skip(d, size) < 0)
				return -1;
		}
	}
	if (d->ksyms) {
		uint32_t n;
		char *b;

		if (!d->ksyms_at)
			return 0;
		d->pos = d->ksyms_at;
		if (section_header(d, OPT_KALLSYMS) < 0 || rd4(d, &n) < 0 || !(b = rdblob(d, n)))
			return -1;
		strbuf_add(d->ksyms, b, n);
		free(b);
		return 0;
	}
	if (!d->header_info)
		return bad(d, "no header info section (damaged trace.dat)");
	d->pos = d->header_info;
	if (section_header(d, OPT_HEADER_INFO) < 0 || read_header_info(d) < 0)
		return -1;
	if (d->ftrace_events) {
		d->pos = d->ftrace_events;
		if (section_header(d, OPT_FTRACE_EVENTS) < 0 || read_formats(d, "ftrace") < 0)
			return -1;
	}
	if (d->event_formats) {
		d->pos = d->event_formats;
		if (section_header(d, OPT_EVENT_FORMATS) < 0 || read_event_systems(d) < 0)
			return -1;
	}
	return 0;
}

static int read_header(struct dat *d)
{
	char magic[10], ver[16];
	unsigned char b[2];
	uint32_t page;
	struct stat st;
	int r;

	if (fstat(d->fd, &st) < 0)
		return tb_error("%s: %s", d->path, strerror(errno));
	d->size = (uint64_t)st.st_size;
	if (rd(d, magic, 10) < 0)
		return -1;
	if (memcmp(magic, MAGIC, 10))
		return bad(d, "not a trace.dat (no trace-cmd magic at the start)");
	if (rdstr(d, ver, sizeof(ver)) < 0 || rd(d, b, 2) < 0 || rd4(d, &page) < 0)
		return -1;
	d->version = atoi(ver);
	if (d->version != 6 && d->version != 7)
		return d->err = tb_error_code(TB_EXIT_BADINPUT, "%s: trace.dat version %s: this reader "
				     "reads versions 6 and 7", d->path, ver);
	{
		const uint16_t one = 1;
		int host_big = *(const unsigned char *)&one == 0;

		if (b[0] != host_big)
			return d->err = tb_error_code(TB_EXIT_BADINPUT, "%s: a trace.dat of a %s-endian "
					     "machine: analyze it on a machine of the same "
					     "endianness", d->path, b[0] ? "big" : "little");
	}
	if (page < 64 || page > (64U << 20) || (page & (page - 1)))
		return bad(d, "an impossible page size in the header (damaged trace.dat)");
	d->page = page;
	if ((r = d->version == 6 ? read_v6(d) : read_v7(d)) < 0)
		return r;
	return d->ksyms ? 0 : pick_buffer(d);
}

/* Pages of CPU c queued that still hold records (or are not split yet). */
static unsigned live_pages(const struct tb_merge *m, unsigned c)
{
	const struct tb_rpage *p;
	unsigned n = 0;

	for (p = m->cpu[c].head; p; p = p->next)
		n += !p->parsed || p->pos < p->nrec;
	return n;
}

/* Read CPU c's pages until QUEUE_PAGES hold records or its data ends. */
static int refill(struct dat *d, struct tb_merge *m, unsigned c, uint64_t *bytes)
{
	struct dat_cpu *dc = &d->cpu[c];

	while (dc->left && live_pages(m, c) < QUEUE_PAGES) {
		struct tb_rpage *p = tb_merge_take_spares(m, NULL);
		size_t n = dc->left < d->page ? (size_t)dc->left : d->page;
		ssize_t r;

		if (p) {
			/* one spare is enough; the others go back */
			struct tb_rpage *rest = p->next;

			while (rest) {
				struct tb_rpage *nx = rest->next;

				tb_merge_recycle(m, rest);
				rest = nx;
			}
			if (p->cap < d->page) {
				tb_rpage_free(p);
				p = NULL;
			}
		}
		if (!p && !(p = tb_rpage_alloc(d->page)))
			return tb_error("out of memory");
		do
			r = pread(d->fd, p->data, n, (off_t)dc->off);
		while (r < 0 && errno == EINTR);
		if (r != (ssize_t)n) {
			tb_rpage_free(p);
			return r < 0 ? tb_error("%s: %s", d->path, strerror(errno)) :
				bad(d, "truncated CPU data");
		}
		dc->off += n;
		dc->left -= n;
		*bytes += n;
		p->cpu = (int)c;
		p->size = n;
		p->next = NULL;
		p->parsed = 0;	/* split when its turn comes, as the live capture does */
		tb_merge_add(m, p);
	}
	/* everything of this CPU is queued: nothing older can come from it */
	m->cpu[c].bound = dc->left ? 0 : UINT64_MAX;
	return 0;
}

/**
 * tb_decode_tracedat - decode a trace.dat (version 6 or 7, uncompressed) into sink,
 * CPUs merged in timestamp order, as the live raw capture does.
 * @stats: filled (events, stacks)
 *
 * Returns 0, or negative after printing why (-TB_EXIT_BADINPUT for a file it
 * cannot read as a trace.dat, naming what and where).
 */
int tb_decode_tracedat(const char *path, const char *buffer, const char *const *fields,
		       size_t nfields, const struct tb_sink *sink, struct tb_decode_stats *stats)
{
	struct dat d;
	struct tb_rawdec *dec = NULL;
	struct tb_merge m;
	struct tb_merge_out out;
	int ret, merge_ok = 0;
	uint64_t bytes = 0;

	if (stats)
		memset(stats, 0, sizeof(*stats));
	memset(&d, 0, sizeof(d));
	memset(&m, 0, sizeof(m));
	d.path = path;
	d.want = buffer;
	d.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d.fd < 0)
		return tb_error_code(TB_EXIT_BADINPUT, "cannot open %s: %s", path, strerror(errno));
	d.tep = tep_alloc();
	if (!d.tep) {
		ret = tb_error("out of memory");
		goto out;
	}
	ret = read_header(&d);
	if (ret < 0) {
		if (d.err)
			ret = d.err;
		goto out;
	}
	d.kb = tep_kbuffer(d.tep);
	dec = tb_rawdec_new(d.tep, sink);
	if (!d.kb || !dec) {
		ret = tb_error("out of memory");
		goto out;
	}
	if (d.ncomms)
		tb_rawdec_set_names(dec, 1);	/* events name their task from the saved cmdlines */
	if (fields && tb_rawdec_select(dec, fields, nfields) < 0) {
		ret = tb_error("out of memory");
		goto out;
	}
	out = tb_rawdec_out(dec);
	if (tb_merge_init(&m, d.ncpus, &out) < 0) {
		ret = tb_error("out of memory");
		goto out;
	}
	merge_ok = 1;
	m.stack_type = tb_rawdec_stack_type(dec);
	/* a file of the other byte order was refused: pages are in the host's */
	tb_merge_set_parse(&m, d.kb, d.lsize);
	for (;;) {
		unsigned c;
		int more = 0;

		for (c = 0; c < d.ncpus; c++) {
			if ((ret = refill(&d, &m, c, &bytes)) < 0) {
				if (d.err)
					ret = d.err;
				goto out;
			}
			more |= d.cpu[c].left != 0;
		}
		if (!more)
			break;
		if ((ret = tb_merge_run(&m, 0)) < 0)
			break;
	}
	if (ret >= 0)
		ret = tb_merge_run(&m, 1);
	if (ret == -ENOMEM)	/* splitting a page, or describing an event type */
		ret = tb_error("out of memory");
	if (ret < 0)
		goto out;
	if (stats) {
		stats->events = tb_rawdec_events(dec);
		stats->lines = m.emitted;
	}
	if (getenv("TRACEBOOK_CAPTURE_DEBUG"))
		fprintf(stderr, "trace.dat: version %d, %u CPUs, page %u, %llu bytes of pages, "
			"%llu records, %llu events, merge peak %zu bytes; %s fields decoded, "
			"fields decoded when asked: %llu\n", d.version, d.ncpus,
			d.page, (unsigned long long)bytes, (unsigned long long)m.emitted,
			(unsigned long long)tb_rawdec_events(dec), m.queued_peak,
			fields ? "the sink's" : "all", (unsigned long long)tb_rawdec_late(dec));
out:
	if (merge_ok)
		tb_merge_release(&m);
	tb_rawdec_free(dec);
	if (d.kb)
		kbuffer_free(d.kb);
	if (d.tep)
		tep_free(d.tep);
	free(d.cpu);
	close(d.fd);
	return ret < 0 ? ret : 0;
}

/**
 * tb_tracedat_kallsyms - the /proc/kallsyms text stored in a trace.dat (empty when it
 * has none).  Returns 0, or negative after printing why.
 */
int tb_tracedat_kallsyms(const char *path, struct strbuf *out)
{
	struct dat d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.path = path;
	d.ksyms = out;
	d.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d.fd < 0)
		return tb_error_code(TB_EXIT_BADINPUT, "cannot open %s: %s", path, strerror(errno));
	d.tep = tep_alloc();
	ret = d.tep ? read_header(&d) : tb_error("out of memory");
	if (ret < 0 && d.err)
		ret = d.err;
	if (d.tep)
		tep_free(d.tep);
	free(d.cpu);
	close(d.fd);
	return ret < 0 ? ret : 0;
}
