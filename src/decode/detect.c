/*
 * detect.c - guess what a file holds from its first bytes: trace.dat (magic), ftrace
 * trace/trace_pipe text, trace-cmd report text, a kernel log, /proc/slabinfo.
 *
 * Rule: the trace.dat magic wins; "slabinfo - version:" on the first line is
 * slabinfo; "version = N" / "cpus=N" as the first line is trace-cmd report text;
 * otherwise the first lines are scored: context-prefixed trace lines ("comm-pid
 * [cpu] ... ts:"), "# tracer:" headers and LOST markers count for ftrace text;
 * "TRACE <cache> alloc|free 0x", "[ 123.456789]" timestamps, "Call Trace:" and
 * /dev/kmsg records count for a kernel log.  The higher score wins; none: unknown.
 * Binary data (many control bytes) is unknown whatever it scores.
 */
#include <string.h>
#include "util/procfs.h"
#include "decode/decode-local.h"

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* "...-PID [CPU] " somewhere in the line followed by a "N.N:" or "N:" timestamp. */
static int looks_ftrace(const char *l, size_t n)
{
	const char *p = l, *e = l + n;

	while ((p = memchr(p, '[', (size_t)(e - p)))) {
		const char *q = p + 1, *b = p - 1, *t;

		if (q < e && is_digit((unsigned char)*q)) {
			while (q < e && is_digit((unsigned char)*q))
				q++;
			if (q < e && *q == ']') {
				while (b >= l && *b == ' ')
					b--;
				if (b >= l && *b == ')') {
					while (b >= l && *b != '(')
						b--;
					b--;
					while (b >= l && *b == ' ')
						b--;
				}
				if (b >= l && is_digit((unsigned char)*b)) {
					while (b >= l && is_digit((unsigned char)*b))
						b--;
					if (b >= l && *b == '-') {
						/* a "digits[.digits]:" token after ] */
						for (t = q + 1; t < e; t++) {
							if (*t == ':' && t > q + 1 && is_digit((unsigned char)t[-1]))
								return 1;
							if (*t != ' ' && *t != '.' && !is_digit((unsigned char)*t) &&
							    t - q > 12)
								break;
						}
					}
				}
			}
		}
		p++;
	}
	return 0;
}

static int has_kernel_ts(const char *l, size_t n)
{
	const char *p = l, *e = l + (n < 160 ? n : 160);

	while ((p = memchr(p, '[', (size_t)(e - p)))) {
		const char *q = p + 1;

		while (q < e && *q == ' ')
			q++;
		if (q < e && is_digit((unsigned char)*q)) {
			while (q < e && is_digit((unsigned char)*q))
				q++;
			if (q < e && *q == '.') {
				q++;
				while (q < e && is_digit((unsigned char)*q))
					q++;
				if (q < e && *q == ']')
					return 1;
			}
		}
		p++;
	}
	return 0;
}

static int memmem_n(const char *l, size_t n, const char *needle)
{
	return memmem(l, n, needle, strlen(needle)) != NULL;
}

/* The first line is /proc/slabinfo's header (util/procfs.c recognizes it). */
/* The first line of head into line (cut to size - 1); the rest after it, or NULL. */
static const char *first_line(const char *head, size_t len, char *line, size_t size)
{
	const char *nl = memchr(head, '\n', len);
	size_t n = nl ? (size_t)(nl - head) : len;

	if (n >= size)
		n = size - 1;
	memcpy(line, head, n);
	line[n] = '\0';
	return nl ? nl + 1 : NULL;
}

static int is_slabinfo_header(const char *line)
{
	return line[0] != ' ' && line[0] != '\t' && tb_slab_header(line, NULL) == TB_SLABFMT_PROC;
}

static int first_line_is_slabinfo(const char *head, size_t len)
{
	char line[128];
	const char *rest = first_line(head, len, line, sizeof(line));
	uint64_t t;

	if (is_slabinfo_header(line))
		return 1;
	/* (date; cat /proc/slabinfo) > FILE: a time line first, as `slabs` reads it */
	if (!rest || tb_parse_wall_time(line, &t))
		return 0;
	first_line(rest, len - (size_t)(rest - head), line, sizeof(line));
	return is_slabinfo_header(line);
}

/* A /dev/kmsg record: "LEVEL,SEQ,USEC,FLAGS[,...];" (digits, commas, a flag char). */
static int is_kmsg_record(const char *l, size_t n)
{
	const char *p = l, *e = l + n;
	int i;

	for (i = 0; i < 3; i++) {
		if (p >= e || !is_digit((unsigned char)*p))
			return 0;
		while (p < e && is_digit((unsigned char)*p))
			p++;
		if (p >= e || *p != ',')
			return 0;
		p++;
	}
	while (p < e && *p != ';' && *p != ' ')
		p++;
	return p < e && *p == ';';
}

/*
 * Binary data is no text format: more than 1 in 20 bytes of the head that are neither
 * printable ASCII, whitespace nor part of UTF-8 (0x80..0xf4); NULs count as such bytes
 * (random data has about 1 in 6).
 */
static int looks_binary(const char *head, size_t len)
{
	size_t i, bad = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)head[i];

		if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r' && c != '\f') ||
		    c == 0x7f || c > 0xf4)
			bad++;
	}
	return bad * 20 > len;
}

enum tb_format tb_detect_format(const char *head, size_t len)
{
	const char *p = head, *e = head + len;
	int ftrace = 0, klog = 0, lines = 0;

	if (len >= 10 && !memcmp(head, "\x17\x08\x44tracing", 10))
		return TB_FMT_TRACECMD_DAT;
	if (looks_binary(head, len))
		return TB_FMT_UNKNOWN;
	if (first_line_is_slabinfo(head, len))
		return TB_FMT_SLABINFO;
	if ((len >= 10 && !memcmp(head, "version = ", 10)) || (len >= 5 && !memcmp(head, "cpus=", 5)))
		return TB_FMT_TRACECMD_REPORT;
	while (p < e && lines < 400) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);

		lines++;
		if (n >= 9 && !memcmp(p, "# tracer:", 9))
			ftrace += 5;
		else if (memmem_n(p, n, "[LOST ") && memmem_n(p, n, "CPU:"))
			ftrace += 2;
		else if (looks_ftrace(p, n))
			ftrace += 2;
		if (memmem_n(p, n, "TRACE ") && (memmem_n(p, n, " alloc 0x") || memmem_n(p, n, " free 0x")))
			klog += 3;
		if (memmem_n(p, n, "Call Trace:") || memmem_n(p, n, "Call trace:"))
			klog += 2;
		if (has_kernel_ts(p, n))
			klog += 1;
		if (is_kmsg_record(p, n))
			klog += 1;
		if (memmem_n(p, n, " kernel: "))
			klog += 1;
		if (!nl)
			break;
		p = nl + 1;
	}
	if (!ftrace && !klog)
		return TB_FMT_UNKNOWN;
	return ftrace >= klog ? TB_FMT_FTRACE_TEXT : TB_FMT_KERNEL_LOG;
}

/* " 0)   0.462 us    |  kfree();" or " 1)               |  foo() {": a graph line. */
static int graph_line(const char *l, size_t n)
{
	const char *p = l, *e = l + n, *bar = memchr(l, '|', n);

	while (p < e && *p == ' ')
		p++;
	if (p >= e || !is_digit((unsigned char)*p))
		return 0;
	while (p < e && is_digit((unsigned char)*p))
		p++;
	return p < e && *p == ')' && bar && bar - p < 40;
}

int tb_detect_function_graph(const char *head, size_t len)
{
	const char *p = head, *e = head + len;
	int graph = 0, lines = 0;

	while (p < e && lines < 400) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);

		lines++;
		if (n >= 24 && !memcmp(p, "# tracer: function_graph", 24))
			return 1;
		graph += graph_line(p, n);
		if (!nl)
			break;
		p = nl + 1;
	}
	return graph >= 2 && graph * 2 >= lines;
}
