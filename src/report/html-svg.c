/*
 * html-svg.c - the pictures of the HTML page as inline SVG drawn here: line charts
 * (outstanding objects over time, slab caches between snapshots) and the icicle flame
 * graph of outstanding bytes by stack.  Plus HTML escaping, which everything the page
 * writes from kernel or trace strings goes through.
 *
 * Why our own SVG and no charting library: the page is opened offline on a laptop far
 * from the box, so a library would have to be embedded whole.  Debian's candidates
 * (libjs-chart.js 1.8 MB installed, libjs-d3 3.5 600 KB, libjs-jquery-flot + jQuery,
 * libjs-dygraphs) add 100-250 KB of minified script to every page for a few polylines,
 * and none of them draws an icicle (d3-flame-graph is not packaged).  A polyline, axes
 * and nested rectangles are ~300 lines of C, print the same bytes for the same report,
 * and leave the page's script to zooming and tooltips only.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/html-local.h"
#include "util/units.h"
#include "util/alloc.h"

void tb_html_esc(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': strbuf_addstr(sb, "&amp;"); break;
		case '<': strbuf_addstr(sb, "&lt;"); break;
		case '>': strbuf_addstr(sb, "&gt;"); break;
		case '"': strbuf_addstr(sb, "&quot;"); break;
		case '\'': strbuf_addstr(sb, "&#39;"); break;
		default:
			/* control characters would make the page invalid: show them as '?' */
			strbuf_addch(sb, (unsigned char)*s < 0x20 && *s != '\t' ? '?' : *s);
		}
	}
}

const char *tb_html_fmt(double v, enum tb_html_unit unit, char *buf, size_t size)
{
	if (unit == TB_HTML_BYTES) {
		char b[32];

		tb_fmt_bytes((uint64_t)fabs(v), b, sizeof(b));
		snprintf(buf, size, "%s%s", v < 0 ? "-" : "", b);
	} else if (fabs(v) >= 1e6) {
		snprintf(buf, size, "%.2fM", v / 1e6);
	} else if (fabs(v) >= 1e4) {
		snprintf(buf, size, "%.1fk", v / 1e3);
	} else {
		snprintf(buf, size, "%.0f", v);
	}
	return buf;
}

/* ---- line charts ------------------------------------------------------------------ */

#define CW 720		/* chart size in SVG units (scaled to the page width) */
#define CH 240
#define ML 76		/* margins: left (y labels), right, top, bottom (x labels) */
#define MR 14
#define MT 10
#define MB 28

static const char *const palette[] = {
	"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd",
	"#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

/* A round step near span/ticks (1, 2, 5 x 10^k; powers of two for bytes). */
static double nice_step(double span, int ticks, enum tb_html_unit unit)
{
	double raw = span / ticks, p;

	if (raw <= 0)
		return 1;
	if (unit == TB_HTML_BYTES && raw >= 1024) {
		p = pow(2, ceil(log2(raw)));
		return p;
	}
	p = pow(10, floor(log10(raw)));
	if (raw / p <= 1)
		return p;
	if (raw / p <= 2)
		return 2 * p;
	if (raw / p <= 5)
		return 5 * p;
	return 10 * p;
}

void tb_html_line_chart(struct strbuf *sb, const char *id, const char *title,
			enum tb_html_unit unit, const struct tb_html_series *s, size_t n)
{
	double x0 = 0, x1 = 0, y0 = 0, y1 = 0, step, v;
	size_t i, j;
	int first = 1;
	char b[64];

	for (i = 0; i < n; i++) {
		for (j = 0; j < s[i].n; j++) {
			if (first || s[i].x[j] > x1)
				x1 = s[i].x[j];
			if (first || s[i].x[j] < x0)
				x0 = s[i].x[j];
			if (s[i].y[j] > y1)
				y1 = s[i].y[j];
			if (s[i].y[j] < y0)
				y0 = s[i].y[j];
			first = 0;
		}
	}
	if (x1 <= x0)
		x1 = x0 + 1;
	step = nice_step(y1 - y0, 4, unit);
	y1 = step * ceil(y1 / step);
	y0 = step * floor(y0 / step);
	if (y1 <= y0)
		y1 = y0 + step;

	strbuf_addf(sb, "<figure class=\"chart\" id=\"%s\" data-series=\"%zu\">\n<figcaption>",
		    id, n);
	tb_html_esc(sb, title);
	strbuf_addf(sb, "</figcaption>\n<svg viewBox=\"0 0 %d %d\" role=\"img\">\n", CW, CH);
#define PX(x) (ML + ((x) - x0) / (x1 - x0) * (CW - ML - MR))
#define PY(y) (CH - MB - ((y) - y0) / (y1 - y0) * (CH - MT - MB))
	/* y grid and labels */
	for (v = y0; v <= y1 + step / 2; v += step) {
		strbuf_addf(sb, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
			    "<text class=\"yl\" x=\"%d\" y=\"%.1f\">%s</text>\n", ML, CW - MR,
			    PY(v), PY(v), ML - 4, PY(v) + 4, tb_html_fmt(v, unit, b, sizeof(b)));
	}
	/* x labels: start, middle, end as durations */
	for (i = 0; i <= 4; i++) {
		double x = x0 + (x1 - x0) * (double)i / 4;

		tb_fmt_duration((uint64_t)(x * 1e9 + 0.5), b, sizeof(b));
		strbuf_addf(sb, "<text class=\"xl\" x=\"%.1f\" y=\"%d\">%s</text>", PX(x),
			    CH - 8, x == 0 ? "0" : b);
	}
	strbuf_addf(sb, "\n<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>"
		    "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n",
		    ML, CW - MR, CH - MB, CH - MB, ML, ML, MT, CH - MB);
	for (i = 0; i < n; i++) {
		const char *col = palette[i % NPALETTE];

		strbuf_addf(sb, "<polyline class=\"series\" data-i=\"%zu\" stroke=\"%s\" points=\"",
			    i, col);
		for (j = 0; j < s[i].n; j++)
			strbuf_addf(sb, "%s%.1f,%.1f", j ? " " : "", PX(s[i].x[j]), PY(s[i].y[j]));
		strbuf_addstr(sb, "\"><title>");
		tb_html_esc(sb, s[i].name);
		strbuf_addstr(sb, "</title></polyline>\n");
		/* points (with their values as tooltips) when few enough to see */
		for (j = 0; j < s[i].n && s[i].n <= 60; j++) {
			strbuf_addf(sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>",
				    PX(s[i].x[j]), PY(s[i].y[j]), col);
			tb_html_esc(sb, s[i].name);
			tb_fmt_duration((uint64_t)(s[i].x[j] * 1e9 + 0.5), b, sizeof(b));
			strbuf_addf(sb, " at %s: ", b);
			strbuf_addf(sb, "%s</title></circle>", tb_html_fmt(s[i].y[j], unit, b,
									sizeof(b)));
		}
	}
#undef PX
#undef PY
	strbuf_addstr(sb, "</svg>\n<ul class=\"legend\">");
	for (i = 0; i < n; i++) {
		strbuf_addf(sb, "<li><span class=\"sw\" style=\"background:%s\"></span>",
			    palette[i % NPALETTE]);
		tb_html_esc(sb, s[i].name);
		strbuf_addstr(sb, "</li>");
	}
	strbuf_addstr(sb, "</ul>\n</figure>\n");
}

/* ---- icicle ----------------------------------------------------------------------- */

struct node {
	char *name;
	uint64_t value;
	struct node **kids;
	size_t nkids, alloc;
};

struct tb_html_icicle {
	struct node root;
	int failed;
};

static void node_free(struct node *n)
{
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		node_free(n->kids[i]);
		free(n->kids[i]);
	}
	free(n->kids);
	free(n->name);
}

struct tb_html_icicle *tb_html_icicle_new(const char *root)
{
	struct tb_html_icicle *ic = calloc(1, sizeof(*ic));

	if (ic && !(ic->root.name = strdup(root ? root : "all"))) {
		free(ic);
		return NULL;
	}
	return ic;
}

static struct node *child(struct node *n, const char *name)
{
	struct node *c;
	size_t i;

	for (i = 0; i < n->nkids; i++)
		if (!strcmp(n->kids[i]->name, name))
			return n->kids[i];
	if (ALLOC_GROW(n->kids, n->nkids + 1, n->alloc) < 0)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->name = strdup(name))) {
		free(c);
		return NULL;
	}
	n->kids[n->nkids++] = c;
	return c;
}

int tb_html_icicle_add(struct tb_html_icicle *ic, const char *const *frames, size_t n,
		       uint64_t value)
{
	struct node *at = &ic->root;
	size_t i;

	at->value += value;
	for (i = 0; i < n; i++) {
		at = child(at, frames[i]);
		if (!at) {
			ic->failed = 1;
			return -1;
		}
		at->value += value;
	}
	return 0;
}

/* Biggest first, so the widest frames are on the left as in FlameGraph's icicles. */
static int cmp_node(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a, *y = *(struct node *const *)b;

	if (x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return strcmp(x->name, y->name);
}

#define ROW 18

/* A warm colour from the name (the same frame has the same colour everywhere). */
static void colour(const char *name, int depth, char *buf, size_t size)
{
	unsigned h = 2166136261u;

	if (!depth) {
		snprintf(buf, size, "#c8c8c8");
		return;
	}
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	snprintf(buf, size, "hsl(%u,%u%%,%u%%)", 8 + h % 45, 65 + (h >> 8) % 25,
		 55 + (h >> 16) % 15);
}

static void render(const struct tb_html_icicle *ic, struct node *n, struct strbuf *sb,
		   const char *id, enum tb_html_unit unit, int depth, double x, unsigned *seq)
{
	double total = (double)ic->root.value, w = total ? (double)n->value / total : 0;
	char col[40], b[32];
	size_t i;

	strbuf_addf(sb, "<svg class=\"fr\" id=\"%s-%u\" x=\"%.6f%%\" y=\"%d\" width=\"%.6f%%\" "
		    "height=\"%d\" data-x=\"%.9f\" data-w=\"%.9f\" data-d=\"%d\" data-v=\"%" PRIu64
		    "\"><title>", id, (*seq)++, x * 100, depth * ROW, w * 100, ROW - 1, x, w,
		    depth, n->value);
	tb_html_esc(sb, n->name);
	strbuf_addf(sb, " &#8212; %s (%.2f%%)</title>", tb_html_fmt((double)n->value, unit, b,
								     sizeof(b)),
		    total ? 100.0 * (double)n->value / total : 0.0);
	colour(n->name, depth, col, sizeof(col));
	strbuf_addf(sb, "<rect width=\"100%%\" height=\"100%%\" fill=\"%s\"/><text x=\"3\" "
		    "y=\"%d\">", col, ROW - 5);
	tb_html_esc(sb, n->name);
	strbuf_addstr(sb, "</text></svg>\n");
	if (n->nkids > 1)
		qsort(n->kids, n->nkids, sizeof(*n->kids), cmp_node);
	for (i = 0; i < n->nkids; i++) {
		render(ic, n->kids[i], sb, id, unit, depth + 1, x, seq);
		x += total ? (double)n->kids[i]->value / total : 0;
	}
}

static int depth_of(const struct node *n)
{
	int d = 0, k;
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		k = depth_of(n->kids[i]) + 1;
		if (k > d)
			d = k;
	}
	return d;
}

static unsigned count_of(const struct node *n)
{
	unsigned c = 1;
	size_t i;

	for (i = 0; i < n->nkids; i++)
		c += count_of(n->kids[i]);
	return c;
}

void tb_html_icicle_render(const struct tb_html_icicle *ic, struct strbuf *sb, const char *id,
			   enum tb_html_unit unit)
{
	unsigned seq = 0;

	strbuf_addf(sb, "<svg class=\"icicle\" id=\"%s\" width=\"100%%\" height=\"%d\" "
		    "data-frames=\"%u\">\n", id, (depth_of(&ic->root) + 1) * ROW,
		    count_of(&ic->root));
	render(ic, (struct node *)&ic->root, sb, id, unit, 0, 0, &seq);
	strbuf_addstr(sb, "</svg>\n");
	if (ic->failed)
		strbuf_addstr(sb, "<p class=\"warn\">out of memory: some stacks are missing "
			      "from this graph</p>\n");
}

void tb_html_icicle_free(struct tb_html_icicle *ic)
{
	if (!ic)
		return;
	node_free(&ic->root);
	free(ic);
}
