/*
 * merge-html.c - `tracebook merge --html FILE`: the merge (report/merge.h) as one
 * self-contained page in the report page's frame (style, scripts, tables, icicles of
 * html.c and html-svg.c): what was merged in words, one row per host (kernel,
 * confidence, top group, verdict; or why it failed or was kept out), a host x group
 * matrix of the top groups (count, amount, rate and verdict per host), and the merged
 * stacks as icicle flame graphs.  Every string from a report or status file is escaped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/html-local.h"
#include "report/merge.h"
#include "util/strbuf.h"
#include "util/strlist.h"

#define MERGE_HTML_TOP 20

static void esc(struct strbuf *sb, const char *s)
{
	tb_html_esc(sb, s);
}

static int is_pair(const struct tb_mgroup *g)
{
	return !strcmp(g->kind, "pair");
}

/* "3 outstanding (192 B)" or "2 held (5 refs)" */
static void amount_words(struct strbuf *sb, const struct tb_mgroup *g, uint64_t count,
			 uint64_t amount)
{
	char b[48];

	tb_merge_fmt_amount(g, amount, b, sizeof(b));
	strbuf_addf(sb, "%" PRIu64 " %s (%s)", count, is_pair(g) ? "outstanding" : "held", b);
}

/* A rate beside "too-short" would read as "not growing": only with another verdict. */
static int show_rate(const struct tb_mcell *c)
{
	return c->has_rate && !(c->verdict && !strcmp(c->verdict, "too-short"));
}

static void summary(const struct tb_merge *m, struct strbuf *sb)
{
	size_t nmerged = tb_merge_count(m, "merged");
	const struct tb_mgroup *g = m->ngroups ? &m->groups[0] : NULL;

	strbuf_addstr(sb, "<section id=\"summary\">\n<h2>Summary</h2>\n<p class=\"verdict");
	if (g) {
		strbuf_addstr(sb, " bad\" id=\"verdict\">Top group: <code>");
		esc(sb, g->site);
		strbuf_addstr(sb, "</code> (");
		esc(sb, g->analysis);
		strbuf_addf(sb, ") on %zu of %zu merged host%s, ", g->ncells, nmerged,
			    nmerged == 1 ? "" : "s");
		amount_words(sb, g, g->count, g->bytes);
	} else if (nmerged) {
		strbuf_addstr(sb, " good\" id=\"verdict\">Nothing outstanding on any merged host");
	} else {
		strbuf_addstr(sb, "\" id=\"verdict\">No host has a report to merge");
	}
	strbuf_addf(sb, "</p>\n<p id=\"counts\">%zu host%s: %zu merged, %zu failed, %zu not merged;"
		    " groups matched by %s.</p>\n", m->nhosts, m->nhosts == 1 ? "" : "s", nmerged,
		    tb_merge_count(m, "failed"), tb_merge_count(m, "not merged"),
		    m->by_function ? "function names (the kernels differ)" :
		    "symbols with offsets (never addresses)");
	if (m->notes.n)
		tb_html_list(sb, "id=\"notes\"", &m->notes);
	strbuf_addstr(sb, "</section>\n");
}

/* <tr class="CLS" data-host="NAME" (the caller closes the tag) and the name's cell. */
static void host_row(struct strbuf *sb, const char *cls, const char *name, const char *attrs)
{
	strbuf_addf(sb, "<tr class=\"%s\" data-host=\"", cls);
	esc(sb, name);
	strbuf_addf(sb, "\"%s>", attrs);
	tb_html_td_str(sb, "site", name);
}

static void kernel_words(struct strbuf *sb, const struct tb_report *r)
{
	strbuf_addf(sb, "%s %s", r->kernel_release ? r->kernel_release : "?",
		    r->arch ? r->arch : "?");
}

/* One row per host, in the order given. */
static void hosts(const struct tb_merge *m, struct strbuf *sb)
{
	static const char *const h[] = { "host", "state", "kernel", "confidence", "#events",
					 "top group", "#count", "#amount", "verdict", NULL };
	struct strbuf t = STRBUF_INIT;
	char b[48];
	size_t i;

	strbuf_addstr(sb, "<section id=\"hosts\">\n<h2>Hosts</h2>\n<table id=\"host-table\">\n");
	tb_html_th_row(sb, h);
	for (i = 0; i < m->nhosts; i++) {
		const struct tb_mhost *ho = &m->hosts[i];
		const struct tb_mgroup *g;
		const struct tb_mcell *c;
		char *own;

		strbuf_reset(&t);
		strbuf_addf(&t, " data-state=\"%s\"", ho->state);
		host_row(sb, "host", ho->name, strbuf_str(&t));
		tb_html_td_str(sb, strcmp(ho->state, "merged") ? "warn" : NULL, ho->state);
		if (!strcmp(ho->state, "failed")) {
			strbuf_reset(&t);
			strbuf_addf(&t, "at %s", ho->stage ? ho->stage : "?");
			if (ho->exit_code >= 0)
				strbuf_addf(&t, ", exit %d", ho->exit_code);
			strbuf_addf(&t, ": %s", ho->why ? ho->why : "?");
			strbuf_addstr(sb, "<td colspan=\"7\" class=\"why\">");
			esc(sb, strbuf_str(&t));
			strbuf_addstr(sb, "</td></tr>\n");
			continue;
		}
		strbuf_reset(&t);
		kernel_words(&t, ho->rep);
		tb_html_td_str(sb, "site", strbuf_str(&t));
		if (!strcmp(ho->state, "not merged")) {
			strbuf_addstr(sb, "<td colspan=\"6\" class=\"why\">");
			esc(sb, ho->why);
			strbuf_addstr(sb, "</td></tr>\n");
			continue;
		}
		own = NULL;
		tb_html_td_str(sb, ho->rep->lost || ho->rep->lost_unknown ? "warn" : NULL,
			       tb_merge_confidence(ho->rep, &own));
		free(own);
		tb_html_td_num(sb, ho->rep->events);
		g = tb_merge_top_group(m, i, &c);
		if (!g) {
			strbuf_addstr(sb, "<td colspan=\"4\">nothing outstanding</td></tr>\n");
			continue;
		}
		strbuf_reset(&t);
		strbuf_addf(&t, "%s %s", g->analysis, c->site ? c->site : g->site);
		tb_html_td_str(sb, "site top", strbuf_str(&t));
		tb_html_td_num(sb, c->count);
		tb_merge_fmt_amount(g, c->bytes, b, sizeof(b));
		strbuf_addf(sb, "<td class=\"n\">%s</td>", b);
		tb_html_td_str(sb, c->verdict && !strcmp(c->verdict, "grows") ? "warn" : NULL,
			       c->verdict ? c->verdict : "");
		strbuf_addstr(sb, "</tr>\n");
	}
	strbuf_addstr(sb, "</table>\n</section>\n");
	strbuf_release(&t);
}

/*
 * When hosts are in state: <section id=STATE> (spaces as '-'), its heading, and
 * <table id=STATE-table> with its header row; returns whether it did.
 */
static int open_table(struct strbuf *sb, const struct tb_merge *m, const char *state,
		      const char *title, const char *const *h)
{
	char id[32];
	size_t i;

	if (!tb_merge_count(m, state))
		return 0;
	snprintf(id, sizeof(id), "%s", state);
	for (i = 0; id[i]; i++)
		if (id[i] == ' ')
			id[i] = '-';
	strbuf_addf(sb, "<section id=\"%s\">\n<h2>%s</h2>\n<table id=\"%s-table\">\n", id, title,
		    id);
	tb_html_th_row(sb, h);
	return 1;
}

/* Failed hosts and reports kept out, each with why (only when there are any). */
static void failures(const struct tb_merge *m, struct strbuf *sb)
{
	static const char *const hf[] = { "host", "stage", "#exit code", "message", "probe",
					  NULL };
	static const char *const hn[] = { "host", "kernel", "recipe", "why", NULL };
	struct strbuf t = STRBUF_INIT;
	size_t i;

	if (open_table(sb, m, "failed", "Hosts that failed", hf)) {
		for (i = 0; i < m->nhosts; i++) {
			const struct tb_mhost *ho = &m->hosts[i];

			if (strcmp(ho->state, "failed"))
				continue;
			strbuf_reset(&t);
			strbuf_addf(&t, " data-exit=\"%d\"", ho->exit_code);
			host_row(sb, "failed", ho->name, strbuf_str(&t));
			tb_html_td_str(sb, NULL, ho->stage ? ho->stage : "?");
			if (ho->exit_code >= 0)
				tb_html_td_num(sb, (uint64_t)ho->exit_code);
			else
				tb_html_td_str(sb, "n", "?");
			tb_html_td_str(sb, "warn", ho->why ? ho->why : "?");
			tb_html_td_str(sb, "site", ho->probe);
			strbuf_addstr(sb, "</tr>\n");
		}
		strbuf_addstr(sb, "</table>\n</section>\n");
	}
	if (open_table(sb, m, "not merged", "Not comparable (not merged)", hn)) {
		for (i = 0; i < m->nhosts; i++) {
			const struct tb_mhost *ho = &m->hosts[i];

			if (strcmp(ho->state, "not merged"))
				continue;
			host_row(sb, "not-merged", ho->name, "");
			strbuf_reset(&t);
			kernel_words(&t, ho->rep);
			tb_html_td_str(sb, "site", strbuf_str(&t));
			tb_html_td_str(sb, NULL, ho->rep->recipe);
			tb_html_td_str(sb, NULL, ho->why);
			strbuf_addstr(sb, "</tr>\n");
		}
		strbuf_addstr(sb, "</table>\n</section>\n");
	}
	strbuf_release(&t);
}

static const struct tb_mcell *cell_of(const struct tb_mgroup *g, size_t host)
{
	size_t j;

	for (j = 0; j < g->ncells; j++)
		if (g->cells[j].host == host)
			return &g->cells[j];
	return NULL;
}

/* One matrix cell: shaded by the host's share of the row's largest amount. */
static void matrix_cell(struct strbuf *sb, const struct tb_merge *m, const struct tb_mgroup *g,
			size_t host, uint64_t rowmax)
{
	const struct tb_mcell *c = cell_of(g, host);
	char b[48];

	strbuf_addstr(sb, "<td class=\"cell");
	if (!c) {
		strbuf_addstr(sb, " none\" data-host=\"");
		esc(sb, m->hosts[host].name);
		strbuf_addstr(sb, "\">&#8211;</td>");
		return;
	}
	strbuf_addf(sb, " n\" style=\"background:rgba(214,39,40,%.2f)\" data-host=\"",
		    rowmax ? 0.12 + 0.5 * (double)(is_pair(g) && c->bytes ? c->bytes : c->count) /
		    (double)rowmax : 0.12);
	esc(sb, m->hosts[host].name);
	strbuf_addf(sb, "\" data-count=\"%" PRIu64 "\" title=\"", c->count);
	esc(sb, m->hosts[host].name);
	strbuf_addstr(sb, ": ");
	esc(sb, c->site ? c->site : g->site);
	tb_merge_fmt_amount(g, c->bytes, b, sizeof(b));
	strbuf_addf(sb, "\"><b>%" PRIu64 "</b><br>%s", c->count, b);
	if (show_rate(c))
		strbuf_addf(sb, "<br>%.1f/h", c->rate_per_hour);
	if (c->verdict) {
		strbuf_addstr(sb, "<br><span class=\"vd\">");
		esc(sb, c->verdict);
		strbuf_addstr(sb, "</span>");
	}
	strbuf_addstr(sb, "</td>");
}

/* The top groups (rows) on the merged hosts (columns). */
static void matrix(const struct tb_merge *m, struct strbuf *sb, unsigned top)
{
	size_t i, j, k, nmerged = tb_merge_count(m, "merged");

	strbuf_addf(sb, "<section id=\"groups\">\n<h2>Groups across hosts</h2>\n<p>%zu group%s "
		    "matched across the merged hosts, by hosts having them, then by amount; per "
		    "host: outstanding (held) count, bytes (references), rate and verdict where "
		    "the report has them.</p>\n", m->ngroups, m->ngroups == 1 ? "" : "s");
	if (!m->ngroups || !nmerged) {
		strbuf_addstr(sb, "<p>Nothing outstanding on any merged host.</p>\n</section>\n");
		return;
	}
	strbuf_addstr(sb, "<div style=\"overflow-x:auto\"><table id=\"matrix\">\n<tr><th class="
		      "\"n\">#</th><th>group</th><th class=\"n\">hosts</th>");
	for (k = 0; k < m->nhosts; k++)
		if (!strcmp(m->hosts[k].state, "merged")) {
			strbuf_addstr(sb, "<th class=\"hostcol\" data-host=\"");
			esc(sb, m->hosts[k].name);
			strbuf_addstr(sb, "\">");
			esc(sb, m->hosts[k].name);
			strbuf_addstr(sb, "</th>");
		}
	strbuf_addstr(sb, "</tr>\n");
	for (i = 0; i < m->ngroups && i < top; i++) {
		const struct tb_mgroup *g = &m->groups[i];
		uint64_t rowmax = 0;

		for (j = 0; j < g->ncells; j++) {
			uint64_t v = is_pair(g) && g->cells[j].bytes ? g->cells[j].bytes :
				     g->cells[j].count;

			if (v > rowmax)
				rowmax = v;
		}
		strbuf_addf(sb, "<tr class=\"mgroup\" data-hosts=\"%zu\" data-site=\"", g->ncells);
		esc(sb, g->site);
		strbuf_addf(sb, "\"><td class=\"n\">%zu</td><td class=\"site\">", i + 1);
		esc(sb, g->analysis);
		strbuf_addstr(sb, " <b>");
		esc(sb, g->site);
		strbuf_addstr(sb, "</b>");
		tb_html_stack_details(sb, g->stack, g->nstack);
		strbuf_addf(sb, "</td><td class=\"n\">%zu of %zu</td>", g->ncells, nmerged);
		for (k = 0; k < m->nhosts; k++)
			if (!strcmp(m->hosts[k].state, "merged"))
				matrix_cell(sb, m, g, k, rowmax);
		strbuf_addstr(sb, "</tr>\n");
	}
	strbuf_addstr(sb, "</table></div>\n");
	if (m->ngroups > top)
		strbuf_addf(sb, "<p>%u of %zu groups shown (--top N for more).</p>\n", top,
			    m->ngroups);
	strbuf_addstr(sb, "</section>\n");
}

/* Per analysis of allocations and frees: the merged groups' stacks as one icicle. */
static int stacks(const struct tb_merge *m, struct strbuf *sb)
{
	struct strlist labels = STRLIST_INIT;
	const char **fr = NULL;
	size_t i, j, alloc = 0;
	int ret = 0;

	for (i = 0; i < m->ngroups; i++)
		if (is_pair(&m->groups[i]) && !strlist_has(&labels, m->groups[i].analysis) &&
		    strlist_add(&labels, m->groups[i].analysis) < 0)
			ret = -1;
	if (labels.n)
		strbuf_addstr(sb, "<section id=\"stacks\">\n<h2>Outstanding by stack, all merged "
			      "hosts</h2>\n<p>Outermost frame at the top; click a frame to zoom, the "
			      "top frame to go back.</p>\n");
	for (j = 0; j < labels.n && !ret; j++) {
		struct tb_html_icicle *ic = tb_html_icicle_new(labels.v[j]);
		int bytes = 0;
		char id[32];

		if (!ic) {
			ret = -1;
			break;
		}
		for (i = 0; i < m->ngroups; i++)
			if (is_pair(&m->groups[i]) && !strcmp(m->groups[i].analysis, labels.v[j]))
				bytes |= m->groups[i].bytes > 0;
		for (i = 0; i < m->ngroups && !ret; i++) {
			const struct tb_mgroup *g = &m->groups[i];
			uint64_t v = bytes ? g->bytes : g->count;
			size_t n = 0;
			unsigned k;

			if (!is_pair(g) || strcmp(g->analysis, labels.v[j]) || !v)
				continue;
			if (g->nstack + 1 > alloc) {
				const char **f = realloc(fr, (g->nstack + 1) * sizeof(*f));

				if (!f) {
					ret = -1;
					break;
				}
				fr = f;
				alloc = g->nstack + 1;
			}
			for (k = g->nstack; k-- > 0;)
				fr[n++] = g->stack[k];
			if (!n)
				fr[n++] = g->site;
			if (tb_html_icicle_add(ic, fr, n, v) < 0)
				ret = -1;
		}
		snprintf(id, sizeof(id), "mic%zu", j);
		strbuf_addstr(sb, "<h3>");
		esc(sb, labels.v[j]);
		strbuf_addf(sb, ": outstanding %s</h3>\n", bytes ? "bytes" : "objects");
		tb_html_icicle_render(ic, sb, id, bytes ? TB_HTML_BYTES : TB_HTML_COUNT);
		strbuf_addf(sb, "<div class=\"status\" id=\"%s-status\"></div>\n", id);
		tb_html_icicle_free(ic);
	}
	if (labels.n)
		strbuf_addstr(sb, "</section>\n");
	free(fr);
	strlist_clear(&labels);
	return ret;
}

static int merge_html_string(const struct tb_merge *m, struct strbuf *sb, unsigned top)
{
	struct strbuf t = STRBUF_INIT, h = STRBUF_INIT;
	size_t i;

	strbuf_addf(&t, "tracebook merge: %s, %zu host%s", m->recipe ? m->recipe : "-",
		    m->nhosts, m->nhosts == 1 ? "" : "s");
	strbuf_addf(&h, "tracebook merge%s%s", m->recipe ? ": " : "", m->recipe ? m->recipe : "");
	tb_html_page_begin(sb, strbuf_str(&t), strbuf_str(&h));
	strbuf_release(&t);
	strbuf_release(&h);
	strbuf_addstr(sb, "<p class=\"sub\">kernel");
	strbuf_addstr(sb, m->kernels.n == 1 ? " " : "s ");
	for (i = 0; i < m->kernels.n; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		esc(sb, m->kernels.v[i]);
	}
	if (!m->kernels.n)
		strbuf_addstr(sb, "unknown");
	strbuf_addstr(sb, "</p>\n");
	summary(m, sb);
	hosts(m, sb);
	failures(m, sb);
	matrix(m, sb, top ? top : MERGE_HTML_TOP);
	if (stacks(m, sb) < 0)
		return -1;
	tb_html_page_end(sb);
	return strbuf_failed(sb) ? -1 : 0;
}

int tb_merge_write_html(const struct tb_merge *m, const char *path, unsigned top)
{
	struct strbuf sb = STRBUF_INIT;

	return tb_html_write_page(&sb, merge_html_string(m, &sb, top), path);
}
