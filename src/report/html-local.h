/*
 * html-local.h - what the HTML pages' files share: escaping (html-esc in html-svg.c),
 * the inline SVG line chart and the icicle flame graph (html-svg.c), the page's frame
 * (head, style, scripts), lists, cells and the atomic write (html.c); used by the
 * report's page (html.c) and the merge's (merge-html.c).  Everything writes into a
 * strbuf; every string that came from the kernel, a trace or a JSON file goes through
 * tb_html_esc.
 */
#ifndef TB_REPORT_HTML_LOCAL_H
#define TB_REPORT_HTML_LOCAL_H

#include <stddef.h>
#include <stdint.h>
#include "util/strbuf.h"

/* s HTML-escaped (& < > " '), fit for text and quoted attributes; NULL adds nothing. */
void tb_html_esc(struct strbuf *sb, const char *s);

/* One line of a chart: n points (x in seconds since the start, y in the chart's unit). */
struct tb_html_series {
	const char *name;		/* escaped when written */
	const double *x, *y;
	size_t n;
};

enum tb_html_unit { TB_HTML_COUNT, TB_HTML_BYTES };

/**
 * tb_html_line_chart - an inline SVG line chart in a <figure class="chart">
 * @sb: appended to
 * @id: the figure's id (plain ASCII the caller chose)
 * @title: caption (escaped)
 * @unit: how y values are labelled
 * @s, @n: the series, drawn as <polyline class="series"> each with a legend entry
 *
 * The figure carries data-series="N" (the number of lines drawn).
 */
void tb_html_line_chart(struct strbuf *sb, const char *id, const char *title,
			enum tb_html_unit unit, const struct tb_html_series *s, size_t n);

/* An icicle (flame graph, root at the top) being built from stacks. */
struct tb_html_icicle;

/* root: the name of the root frame (escaped when written). NULL on ENOMEM. */
struct tb_html_icicle *tb_html_icicle_new(const char *root);
/* Add value along frames[0] (outermost) .. frames[n-1]; 0 or -1 on ENOMEM. */
int tb_html_icicle_add(struct tb_html_icicle *ic, const char *const *frames, size_t n,
		       uint64_t value);
/*
 * Render as <svg class="icicle" id=ID>: one nested <svg class="fr" id="ID-N"> per frame
 * (N in depth-first order, 0 the root), data-v its value; the page's script zooms on
 * click.  @unit labels the values in the tooltips.
 */
void tb_html_icicle_render(const struct tb_html_icicle *ic, struct strbuf *sb, const char *id,
			   enum tb_html_unit unit);
void tb_html_icicle_free(struct tb_html_icicle *ic);

/* "1.5 MiB" or "1234" for a value of unit into buf. */
const char *tb_html_fmt(double v, enum tb_html_unit unit, char *buf, size_t size);

/**
 * tb_html_page_begin - the page up to its <h1>: the inline style, the error guard (a
 * script error lands in <html data-errors=...>), <body data-ready="0">
 * @sb: appended to
 * @title: the <title> (escaped)
 * @heading: the <h1> (escaped)
 */
void tb_html_page_begin(struct strbuf *sb, const char *title, const char *heading);
/* The page's script (icicle zoom, tooltips, "#click=ID,..", data-ready="1") and its end. */
void tb_html_page_end(struct strbuf *sb);
struct strlist;
/* <ul ATTRS> with one <li> per string of l (escaped); attrs is markup, not escaped. */
void tb_html_list(struct strbuf *sb, const char *attrs, const struct strlist *l);
/* A stack's frames (escaped) folded in <details>, "N frames"; nothing when n is 0. */
void tb_html_stack_details(struct strbuf *sb, char *const *stack, unsigned n);
/* The header row of a table; a name starting with '#' is a right-aligned number column. */
void tb_html_th_row(struct strbuf *sb, const char *const *h);
/* <td class="n">v</td> */
void tb_html_td_num(struct strbuf *sb, uint64_t v);
/* <td class=cls>s</td>, s escaped; cls NULL: no class, s NULL: empty. */
void tb_html_td_str(struct strbuf *sb, const char *cls, const char *s);
/**
 * tb_html_write_page - write the page in @sb atomically to @path and release @sb
 * @failed: non-zero when building the page failed (out of memory)
 *
 * Returns 0, or negative after printing why.
 */
int tb_html_write_page(struct strbuf *sb, int failed, const char *path);

#endif
