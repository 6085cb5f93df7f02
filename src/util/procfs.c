/*
 * procfs.c - the table of /proc snapshot kinds and the parsers for /proc/slabinfo,
 * slabtop -o, crash kmem -s, /proc/meminfo, /proc/vmstat and /proc/buddyinfo (and the
 * time line a file may start with); see procfs.h.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "util/alloc.h"
#include "util/procfs.h"
#include "util/err.h"
#include "util/strlist.h"

#define MAX_COMPLAINTS 10

const char *tb_slab_format_name(enum tb_slab_format f)
{
	switch (f) {
	case TB_SLABFMT_PROC: return "/proc/slabinfo";
	case TB_SLABFMT_SLABTOP: return "slabtop -o";
	case TB_SLABFMT_KMEM: return "crash kmem -s";
	default: return "unknown";
	}
}

/* ---- lines ------------------------------------------------------------------- */

struct line_iter {
	const char *p;
	int no;
	char *buf;
	size_t cap;
};

/* Next line (without newline, CR stripped) into it->buf; NULL at the end. */
static char *next_line(struct line_iter *it)
{
	const char *e;
	size_t len;

	if (!*it->p)
		return NULL;
	e = strchr(it->p, '\n');
	len = e ? (size_t)(e - it->p) : strlen(it->p);
	if (len + 1 > it->cap) {
		char *nb = realloc(it->buf, len + 1);

		if (!nb)
			return NULL;
		it->buf = nb;
		it->cap = len + 1;
	}
	memcpy(it->buf, it->p, len);
	it->buf[len] = '\0';
	if (len && it->buf[len - 1] == '\r')
		it->buf[len - 1] = '\0';
	it->p += len + (e ? 1 : 0);
	it->no++;
	return it->buf;
}

static int blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

static const char *skip_ws(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

static int parse_i64(const char *s, int64_t *v)
{
	char *end;
	long long x;

	if (!*s)
		return -1;
	errno = 0;
	x = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

static int complain(int *count, const char *origin, int line, const char *text,
		    const char *what)
{
	if (++*count <= MAX_COMPLAINTS)
		tb_error("%s:%d: %s '%.80s'", origin, line, what, text);
	else if (*count == MAX_COMPLAINTS + 1)
		tb_error("%s: more malformed lines follow (only the first %d are shown)",
			 origin, MAX_COMPLAINTS);
	return -TB_EXIT_BADINPUT;
}

/* ---- time lines ---------------------------------------------------------------- */

static int month_of(const char *s)
{
	static const char *m[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
				   "Sep", "Oct", "Nov", "Dec" };
	int i;

	for (i = 0; i < 12; i++)
		if (!strncasecmp(s, m[i], 3))
			return i;
	return -1;
}

static int parse_hms(const char *s, struct tm *tm, double *frac, const char **end)
{
	int h, mi, se, n = 0;

	if (sscanf(s, "%2d:%2d:%2d%n", &h, &mi, &se, &n) != 3 || !n)
		return -1;
	if (h > 23 || mi > 59 || se > 60)
		return -1;
	tm->tm_hour = h;
	tm->tm_min = mi;
	tm->tm_sec = se;
	s += n;
	*frac = 0;
	if (*s == '.' && isdigit((unsigned char)s[1])) {
		char *e;

		*frac = strtod(s, &e);	/* ".123456789" */
		s = e;
	}
	*end = s;
	return 0;
}

static int to_ns(struct tm *tm, double frac, long offset_s, uint64_t *ns)
{
	time_t t = timegm(tm);

	if (t == (time_t)-1 || t < 0)
		return -1;
	t -= offset_s;
	if (t < 0 || (uint64_t)t > UINT64_MAX / 1000000000ULL - 1)
		return -1;	/* a year no 64-bit nanosecond clock reaches */
	*ns = (uint64_t)t * 1000000000ULL + (uint64_t)(frac * 1e9);
	return 0;
}

int tb_parse_wall_time(const char *line, uint64_t *ns)
{
	struct tm tm;
	struct strlist w = STRLIST_INIT;
	const char *s = skip_ws(line), *e;
	double frac = 0;
	int ret = -1, y, mo, d, n = 0;

	memset(&tm, 0, sizeof(tm));
	if (!strncasecmp(s, "# time:", 7) || !strncasecmp(s, "# date:", 7))
		s = skip_ws(s + 7);
	else if (!strncmp(s, "DATE:", 5))
		s = skip_ws(s + 5);

	/* epoch seconds: `date +%s` or `date +%s.%N` */
	if (isdigit((unsigned char)*s)) {
		char *end;
		double v = strtod(s, &end);

		/* (above 1.8e10 s the nanoseconds leave 64 bits: converting is undefined) */
		if (end > s && blank(end) && v > 1e8 && v < 1.8e10 && !strchr(s, '-')) {
			*ns = (uint64_t)(v * 1e9);
			return 0;
		}
	}
	/* ISO 8601 */
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10 &&
	    (s[10] == 'T' || s[10] == ' ')) {
		long off = 0;

		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		if (parse_hms(s + 11, &tm, &frac, &e))
			return -1;
		if (*e == 'Z') {
			e++;
		} else if (*e == '+' || *e == '-') {
			int hh = 0, mm = 0, sign = *e == '-' ? -1 : 1;

			if (sscanf(e + 1, "%2d:%2d", &hh, &mm) != 2 &&
			    sscanf(e + 1, "%2d%2d", &hh, &mm) < 1)
				return -1;
			off = sign * (hh * 3600L + mm * 60L);
			e += 1 + strcspn(e + 1, " \t");
		}
		if (!blank(e) && !isspace((unsigned char)*e))
			return -1;
		return to_ns(&tm, frac, off, ns);
	}
	/* date(1): "Sun Nov 22 12:31:46 UTC 2026", crash: "Tue Mar  3 10:11:12 2020" */
	if (strlist_split_ws(&w, s))
		return -1;
	if (w.n >= 5 && w.n <= 6 && strlen(w.v[0]) == 3 && month_of(w.v[1]) >= 0 &&
	    parse_u64(w.v[2], &(uint64_t){0}) == 0 && !parse_hms(w.v[3], &tm, &frac, &e) &&
	    !*e) {
		uint64_t year, day;

		parse_u64(w.v[2], &day);
		if (!parse_u64(w.v[w.n - 1], &year) && year >= 1970 && year < 3000 && day <= 31) {
			tm.tm_year = (int)year - 1900;
			tm.tm_mon = month_of(w.v[1]);
			tm.tm_mday = (int)day;
			ret = to_ns(&tm, frac, 0, ns);
		}
	}
	strlist_clear(&w);
	return ret;
}

/* ---- slab rows ------------------------------------------------------------------- */

static struct tb_slab_row *add_row(struct tb_slabinfo *si)
{
	if (ALLOC_GROW(si->rows, si->n + 1, si->alloc))
		return NULL;
	memset(&si->rows[si->n], 0, sizeof(si->rows[0]));
	return &si->rows[si->n++];
}

/* Split on whitespace into words (owned by w). */
static int words(struct strlist *w, const char *s)
{
	strlist_clear(w);
	return strlist_split_ws(w, s);
}

/*
 * "name  active num objsize objperslab pagesperslab : tunables l b s : slabdata a n s"
 * (SLAB with statistics appends " : globalstat ... : cpustat ...").
 */
static int parse_proc_row(const char *l, struct tb_slab_row *r, struct strlist *w)
{
	const char *tun = strstr(l, " : tunables");
	const char *sd = strstr(l, " : slabdata");
	uint64_t v[5], s[3];
	size_t i, n;
	char *left;

	if (!tun || !sd || sd < tun)
		return -1;
	left = strndup(l, (size_t)(tun - l));
	if (!left)
		return -ENOMEM;
	i = (size_t)words(w, left);
	free(left);
	if (i)
		return -ENOMEM;
	n = w->n;
	if (n < 6)
		return -1;
	for (i = 0; i < 5; i++)
		if (parse_u64(w->v[n - 5 + i], &v[i]))
			return -1;
	r->name = strlist_join_range(w, 0, n - 5, " ");
	if (!r->name)
		return -ENOMEM;
	if (words(w, sd + strlen(" : slabdata")))
		return -ENOMEM;
	if (w->n < 3)
		return -1;
	for (i = 0; i < 3; i++)
		if (parse_u64(w->v[i], &s[i]))
			return -1;
	if (w->n > 3 && strcmp(w->v[3], ":"))
		return -1;
	if (v[2] > UINT32_MAX || v[3] > UINT32_MAX || v[4] > UINT32_MAX)
		return -2;
	r->active_objs = v[0];
	r->num_objs = v[1];
	r->objsize = (uint32_t)v[2];
	r->objperslab = (uint32_t)v[3];
	r->pagesperslab = (uint32_t)v[4];
	r->slabs = s[1];
	return 0;
}

/* "  OBJS ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB CACHE SIZE NAME" rows:
 * " 52224  52224 100%    0.12K   1632       32      6528K kernfs_node_cache" */
static int parse_slabtop_row(struct tb_slab_row *r, struct strlist *w)
{
	uint64_t objs, active, slabs, per;
	double osz, csz;
	char *end;

	if (w->n < 8)
		return -1;
	if (parse_u64(w->v[0], &objs) || parse_u64(w->v[1], &active) ||
	    parse_u64(w->v[4], &slabs) || parse_u64(w->v[5], &per))
		return -1;
	if (!strchr(w->v[2], '%'))
		return -1;
	osz = strtod(w->v[3], &end);
	if (end == w->v[3] || (*end != 'K' && *end != 'k') || end[1])
		return -1;
	csz = strtod(w->v[6], &end);
	if (end == w->v[6] || (*end != 'K' && *end != 'k') || end[1])
		return -1;
	/* (converting a double past the integer's range is undefined: refuse it) */
	if (!(osz >= 0 && osz * 1024 < (double)UINT32_MAX) ||
	    !(csz >= 0 && csz * 1024 < 18446744073709549568.0) || per > UINT32_MAX)
		return -2;
	r->name = strlist_join_range(w, 7, w->n, " ");
	if (!r->name)
		return -ENOMEM;
	r->num_objs = objs;
	r->active_objs = active;
	r->objsize = (uint32_t)(osz * 1024 + 0.5);
	r->slabs = slabs;
	r->objperslab = (uint32_t)per;
	r->size_bytes = (uint64_t)(csz * 1024 + 0.5);
	return 0;
}

static int parse_ssize(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s || !isdigit((unsigned char)*s))
		return -1;
	if (v == ULLONG_MAX)
		return -2;	/* strtoull's ERANGE: past 64 bits */
	if (*end == 'k' || *end == 'K') {
		if (v > UINT64_MAX / 1024)
			return -2;
		v *= 1024, end++;
	} else if (*end == 'm' || *end == 'M') {
		if (v > UINT64_MAX / (1024 * 1024))
			return -2;
		v *= 1024 * 1024, end++;
	}
	if (*end)
		return -1;
	*bytes = v;
	return 0;
}

static int is_hex(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * crash kmem -s, two layouts:
 *   new: "CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME"
 *   old: "CACHE            NAME                 OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE"
 */
static int parse_kmem_row(struct tb_slab_row *r, struct strlist *w, int name_last)
{
	uint64_t v[4], ssize;
	size_t n = w->n, first;

	int rs;

	if (n < 7 || !is_hex(w->v[0]))
		return -1;
	first = name_last ? 1 : n - 5;
	rs = parse_ssize(w->v[name_last ? 5 : n - 1], &ssize);
	if (rs)
		return rs;
	if (parse_u64(w->v[first], &v[0]) || parse_u64(w->v[first + 1], &v[1]) ||
	    parse_u64(w->v[first + 2], &v[2]) || parse_u64(w->v[first + 3], &v[3]))
		return -1;
	if (v[0] > UINT32_MAX || (v[3] && ssize > UINT64_MAX / v[3]) ||
	    (v[3] && v[2] / v[3] > UINT32_MAX) || ssize / 4096 > UINT32_MAX)
		return -2;
	if (name_last)
		r->name = strlist_join_range(w, 6, n, " ");
	else
		r->name = strlist_join_range(w, 1, n - 5, " ");
	if (!r->name)
		return -ENOMEM;
	r->objsize = (uint32_t)v[0];
	r->active_objs = v[1];
	r->num_objs = v[2];
	r->slabs = v[3];
	r->objperslab = v[3] ? (uint32_t)(v[2] / v[3]) : 0;
	r->pagesperslab = (uint32_t)(ssize / 4096);
	r->size_bytes = v[3] * ssize;
	return 0;
}

/*
 * A parsed row whose numbers cannot be true: -3 when more objects are allocated
 * than the cache holds (a -1 printed unsigned reads 18446744073709551615), -2 when
 * the bytes they make do not fit 64 bits; 0 when the row is plausible.
 */
static int row_range(const struct tb_slab_row *r)
{
	if (r->active_objs > r->num_objs)
		return -3;
	if (r->objsize && r->num_objs > UINT64_MAX / r->objsize)
		return -2;
	if (r->pagesperslab && r->slabs > UINT64_MAX / 65536 / r->pagesperslab)
		return -2;
	return 0;
}

/* The page size of the box a /proc/slabinfo came from (4k, 16k or 64k). */
static uint64_t guess_page_size(const struct tb_slabinfo *si)
{
	uint64_t page = 4096;
	size_t i;

	for (i = 0; i < si->n; i++) {
		const struct tb_slab_row *r = &si->rows[i];
		uint64_t need;

		if (!r->pagesperslab || !r->objperslab || !r->objsize)
			continue;
		need = (uint64_t)r->objperslab * r->objsize / r->pagesperslab;
		while (page < need && page < 65536)
			page *= 4;	/* 4k, 16k, 64k */
	}
	return page;
}

enum tb_slab_format tb_slab_header(const char *line, int *name_last)
{
	struct strlist w = STRLIST_INIT;
	const char *s = skip_ws(line);
	enum tb_slab_format f = TB_SLABFMT_UNKNOWN;

	if (!strncmp(s, "slabinfo - version:", 19))
		return TB_SLABFMT_PROC;
	if (!strncmp(s, "Active / Total Objects", 22))
		return TB_SLABFMT_SLABTOP;
	if (words(&w, s) == 0 && w.n >= 7 && !strcmp(w.v[0], "OBJS") && !strcmp(w.v[1], "ACTIVE"))
		f = TB_SLABFMT_SLABTOP;
	else if (w.n >= 7 && !strcmp(w.v[0], "CACHE") && strlist_has(&w, "OBJSIZE") &&
		 strlist_has(&w, "ALLOCATED")) {
		if (name_last)
			*name_last = strcmp(w.v[1], "NAME") != 0;
		f = TB_SLABFMT_KMEM;
	}
	strlist_clear(&w);
	return f;
}

/* The header of a listing (not slabtop's summary line, which comes before its header). */
static enum tb_slab_format detect_header(const char *l, int *name_last)
{
	if (!strncmp(skip_ws(l), "Active / Total Objects", 22))
		return TB_SLABFMT_UNKNOWN;
	return tb_slab_header(l, name_last);
}

/* ---- the kinds -------------------------------------------------------------------- */

static int starts_slabinfo(const char *l)
{
	return tb_slab_header(l, NULL) != TB_SLABFMT_UNKNOWN;
}

static int starts_meminfo(const char *l)
{
	return !strncmp(l, "MemTotal:", 9);
}

static int starts_vmstat(const char *l)
{
	return !strncmp(l, "nr_free_pages ", 14);
}

static int starts_buddyinfo(const char *l)
{
	return !strncmp(l, "Node ", 5) && strstr(l, ", zone") != NULL;
}

const struct tb_proc_kind_info tb_proc_kinds[TB_PROC_KINDS] = {
	[TB_PROC_SLABINFO]  = { "slabinfo", starts_slabinfo },
	[TB_PROC_MEMINFO]   = { "meminfo", starts_meminfo },
	[TB_PROC_VMSTAT]    = { "vmstat", starts_vmstat },
	[TB_PROC_BUDDYINFO] = { "buddyinfo", starts_buddyinfo },
};

enum tb_proc_kind tb_proc_kind(const char *name)
{
	int k;

	for (k = 0; k < TB_PROC_KINDS; k++)
		if (!strcmp(name, tb_proc_kinds[k].name))
			return (enum tb_proc_kind)k;
	return TB_PROC_NONE;
}

const char *tb_proc_kinds_text(void)
{
	static char buf[256];
	size_t len = 0;
	int k;

	if (buf[0])
		return buf;
	for (k = 0; k < TB_PROC_KINDS; k++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					!k ? "" : k == TB_PROC_KINDS - 1 ? " or " : ", ",
					tb_proc_kinds[k].name);
	return buf;
}

enum tb_proc_kind tb_proc_section_start(const char *line, enum tb_proc_kind cur)
{
	int k;

	for (k = 0; k < TB_PROC_KINDS; k++)
		if (tb_proc_kinds[k].starts(line) && !(k == (int)cur && k == TB_PROC_BUDDYINFO))
			return (enum tb_proc_kind)k;
	return cur;
}

static int preamble_line(const char *l)
{
	const char *s = skip_ws(l);

	return !*s || !strncmp(s, "crash>", 6) || !strncmp(s, "kmem:", 5) || *s == '#' ||
	       /* slabtop's summary lines */
	       strstr(s, "Active / Total") || strstr(s, "Minimum / Average / Maximum");
}

int tb_slabinfo_parse(const char *text, const char *origin, struct tb_slabinfo *out)
{
	struct line_iter it = { text, 0, NULL, 0 };
	struct strlist w = STRLIST_INIT;
	int bad = 0, name_last = 0, ret = 0;
	char *l;

	memset(out, 0, sizeof(*out));
	if (!origin)
		origin = "<slabinfo>";
	/* preamble: time lines, prompts, blank lines, slabtop summary */
	while ((l = next_line(&it))) {
		uint64_t ns;

		out->format = detect_header(l, &name_last);
		if (out->format != TB_SLABFMT_UNKNOWN)
			break;
		if (!tb_parse_wall_time(l, &ns)) {
			if (!out->wall_ns)
				out->wall_ns = ns;
			continue;
		}
		if (preamble_line(l))
			continue;
		tb_error("%s:%d: not a slab listing '%.80s': expected /proc/slabinfo "
			 "('slabinfo - version: 2.1'), `slabtop -o` output or crash `kmem -s` "
			 "output (an optional time line such as `date` output may come first)",
			 origin, it.no, l);
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	if (out->format == TB_SLABFMT_UNKNOWN) {
		tb_error("%s: no slab listing found%s: expected /proc/slabinfo, `slabtop -o` or "
			 "crash `kmem -s` output", origin, text[0] ? "" : " (the file is empty)");
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	if (out->format == TB_SLABFMT_PROC) {
		const char *v = skip_ws(l) + 19;

		v = skip_ws(v);
		if (strncmp(v, "2.", 2)) {
			tb_error("%s:%d: slabinfo version '%.20s': expected 2.x (2.1 in every "
				 "kernel since 2.6.x)", origin, it.no, v);
			ret = -TB_EXIT_BADINPUT;
			goto out;
		}
	}
	while ((l = next_line(&it))) {
		struct tb_slab_row *r;
		const char *s = skip_ws(l);
		int rr;

		if (!*s)
			continue;
		if (out->format == TB_SLABFMT_PROC && *s == '#')
			continue;
		if (out->format == TB_SLABFMT_KMEM &&
		    (l[0] == ' ' || l[0] == '\t' || !strncmp(s, "kmem:", 5) ||
		     !strncmp(s, "crash>", 6) || !strncmp(s, "SLAB ", 5) ||
		     !strncmp(s, "FREE ", 5) || *s == '['))
			continue;
		r = add_row(out);
		if (!r) {
			ret = -ENOMEM;
			goto out;
		}
		r->line = it.no;
		switch (out->format) {
		case TB_SLABFMT_PROC:
			rr = parse_proc_row(l, r, &w);
			break;
		case TB_SLABFMT_SLABTOP:
			rr = words(&w, l) ? -ENOMEM : parse_slabtop_row(r, &w);
			break;
		default:
			rr = words(&w, l) ? -ENOMEM : parse_kmem_row(r, &w, name_last);
			break;
		}
		if (rr == -ENOMEM) {
			ret = -ENOMEM;
			goto out;
		}
		if (!rr)
			rr = row_range(r);
		if (rr == -2 || rr == -3) {
			free(r->name);
			out->n--;
			complain(&bad, origin, it.no, l, rr == -3 ?
				 "slab row counts more allocated objects than the cache holds "
				 "(active above total), in" :
				 "slab row with a number out of range (a size past 32 bits, or a "
				 "total past 64 bits), in");
			continue;
		}
		if (rr) {
			free(r->name);
			out->n--;
			if (out->format == TB_SLABFMT_PROC)
				complain(&bad, origin, it.no, l, "malformed slabinfo row: expected "
					 "'name <active_objs> <num_objs> <objsize> <objperslab> "
					 "<pagesperslab> : tunables <l> <b> <s> : slabdata <active> "
					 "<num> <shared>', got");
			else if (out->format == TB_SLABFMT_SLABTOP)
				complain(&bad, origin, it.no, l, "malformed slabtop row: expected "
					 "'OBJS ACTIVE USE% OBJSIZE(K) SLABS OBJ/SLAB CACHESIZE(K) "
					 "NAME', got");
			else
				complain(&bad, origin, it.no, l, "malformed kmem -s row: expected "
					 "'CACHE-ADDRESS OBJSIZE ALLOCATED TOTAL SLABS SSIZE NAME' "
					 "(columns as in the header), got");
		}
	}
	if (bad) {
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	if (out->format == TB_SLABFMT_PROC) {
		uint64_t page = guess_page_size(out);
		size_t i;

		for (i = 0; i < out->n; i++)
			out->rows[i].size_bytes = out->rows[i].slabs * out->rows[i].pagesperslab * page;
	}
out:
	strlist_clear(&w);
	free(it.buf);
	return ret;
}

void tb_slabinfo_release(struct tb_slabinfo *si)
{
	size_t i;

	for (i = 0; i < si->n; i++)
		free(si->rows[i].name);
	free(si->rows);
	memset(si, 0, sizeof(*si));
}

const struct tb_slab_row *tb_slabinfo_find(const struct tb_slabinfo *si, const char *name)
{
	size_t i;

	for (i = 0; i < si->n; i++)
		if (!strcmp(si->rows[i].name, name))
			return &si->rows[i];
	return NULL;
}

/* ---- meminfo, vmstat ------------------------------------------------------------- */

static int kv_add(struct tb_kvlist *l, const char *key, size_t klen, int64_t v)
{
	if (ALLOC_GROW(l->v, l->n + 1, l->alloc))
		return -ENOMEM;
	l->v[l->n].key = strndup(key, klen);
	if (!l->v[l->n].key)
		return -ENOMEM;
	l->v[l->n++].value = v;
	return 0;
}

static int kv_parse(const char *text, const char *origin, struct tb_kvlist *out, int meminfo)
{
	struct line_iter it = { text, 0, NULL, 0 };
	struct strlist w = STRLIST_INIT;
	int bad = 0, ret = 0;
	char *l;

	memset(out, 0, sizeof(*out));
	while ((l = next_line(&it))) {
		uint64_t ns;
		int64_t v;
		size_t klen;
		int ok;

		if (blank(l))
			continue;
		if (!out->n && !tb_parse_wall_time(l, &ns)) {
			out->wall_ns = ns;
			continue;
		}
		if (*skip_ws(l) == '#')
			continue;
		if (words(&w, l)) {
			ret = -ENOMEM;
			break;
		}
		if (meminfo) {
			klen = strlen(w.v[0]);
			ok = w.n >= 2 && w.n <= 3 && klen > 1 && w.v[0][klen - 1] == ':' &&
			     !parse_i64(w.v[1], &v) && (w.n == 2 || !strcmp(w.v[2], "kB"));
			klen--;
		} else {
			klen = strlen(w.v[0]);
			ok = w.n == 2 && !parse_i64(w.v[1], &v);
		}
		if (!ok) {
			complain(&bad, origin, it.no, l, meminfo ?
				 "malformed meminfo line: expected 'Name:  <number> kB', got" :
				 "malformed vmstat line: expected '<counter> <number>', got");
			continue;
		}
		if (kv_add(out, w.v[0], klen, v)) {
			ret = -ENOMEM;
			break;
		}
	}
	strlist_clear(&w);
	free(it.buf);
	if (!ret && bad)
		ret = -TB_EXIT_BADINPUT;
	return ret;
}

int tb_meminfo_parse(const char *text, const char *origin, struct tb_kvlist *out)
{
	return kv_parse(text, origin ? origin : "<meminfo>", out, 1);
}

int tb_vmstat_parse(const char *text, const char *origin, struct tb_kvlist *out)
{
	return kv_parse(text, origin ? origin : "<vmstat>", out, 0);
}

void tb_kvlist_release(struct tb_kvlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].key);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int64_t tb_kv_get(const struct tb_kvlist *l, const char *key, int64_t dflt, int *found)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].key, key)) {
			if (found)
				*found = 1;
			return l->v[i].value;
		}
	if (found)
		*found = 0;
	return dflt;
}

int64_t tb_vmstat_sum(const struct tb_kvlist *l, const char *base, int *found)
{
	static const char *zones[] = { "dma", "dma32", "normal", "movable", "high",
				       "device", NULL };
	size_t blen = strlen(base), i, z;
	int64_t sum = 0;
	int any = 0;

	for (i = 0; i < l->n; i++) {
		const char *k = l->v[i].key;

		if (!strcmp(k, base)) {
			if (found)
				*found = 1;
			return l->v[i].value;
		}
		if (strncmp(k, base, blen) || k[blen] != '_')
			continue;
		for (z = 0; zones[z]; z++)
			if (!strcasecmp(k + blen + 1, zones[z]))
				break;
		if (!zones[z])
			continue;
		sum += l->v[i].value;
		any = 1;
	}
	if (found)
		*found = any;
	return sum;
}

/* ---- buddyinfo ------------------------------------------------------------------- */

int tb_buddyinfo_parse(const char *text, const char *origin, struct tb_buddyinfo *out)
{
	struct line_iter it = { text, 0, NULL, 0 };
	struct strlist w = STRLIST_INIT;
	int bad = 0, ret = 0;
	char *l;

	memset(out, 0, sizeof(*out));
	if (!origin)
		origin = "<buddyinfo>";
	while ((l = next_line(&it))) {
		struct tb_buddy_zone *z;
		uint64_t node, ns;
		size_t i, nl;
		int ok;

		if (blank(l))
			continue;
		if (!out->n && !tb_parse_wall_time(l, &ns)) {
			out->wall_ns = ns;
			continue;
		}
		if (words(&w, l)) {
			ret = -ENOMEM;
			break;
		}
		/* "Node 0, zone   Normal   12 5 ..." */
		nl = w.n ? strlen(w.n > 1 ? w.v[1] : "") : 0;
		ok = w.n >= 5 && !strcmp(w.v[0], "Node") && nl > 1 && w.v[1][nl - 1] == ',' &&
		     !strcmp(w.v[2], "zone") && w.n - 4 <= TB_BUDDY_MAX_ORDER;
		if (ok) {
			char num[32];

			snprintf(num, sizeof(num), "%.*s", (int)(nl - 1), w.v[1]);
			ok = !parse_u64(num, &node);
		}
		for (i = 4; ok && i < w.n; i++) {
			uint64_t v;

			ok = !parse_u64(w.v[i], &v);
		}
		if (!ok) {
			complain(&bad, origin, it.no, l, "malformed buddyinfo line: expected "
				 "'Node N, zone NAME <free blocks per order>...', got");
			continue;
		}
		if (ALLOC_GROW(out->zones, out->n + 1, out->alloc)) {
			ret = -ENOMEM;
			break;
		}
		z = &out->zones[out->n++];
		memset(z, 0, sizeof(*z));
		z->node = (int)node;
		snprintf(z->zone, sizeof(z->zone), "%s", w.v[3]);
		z->norders = (unsigned)(w.n - 4);
		for (i = 4; i < w.n; i++)
			parse_u64(w.v[i], &z->free[i - 4]);
	}
	strlist_clear(&w);
	free(it.buf);
	if (!ret && bad)
		ret = -TB_EXIT_BADINPUT;
	return ret;
}

void tb_buddyinfo_release(struct tb_buddyinfo *b)
{
	free(b->zones);
	memset(b, 0, sizeof(*b));
}
