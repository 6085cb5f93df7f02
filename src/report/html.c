/*
 * html.c - the report as one self-contained HTML page (`--html FILE` of run, analyze
 * and report): a summary in words first (verdict, top group, confidence), then slab
 * growth, outstanding objects over time per group, outstanding bytes by stack as an
 * icicle flame graph, call counts and balances as tables, and what ran (plan, kernel,
 * lost and malformed events).  No network, no external script or font: CSS, SVG
 * (html-svg.c) and a small script for zoom and tooltips are inline.  Rendered from the
 * model (analyze/result.h) only, every string escaped (tb_html_esc), written
 * atomically.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/trend.h"
#include "report/html-local.h"
#include "report/report-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/procfs.h"
#include "util/strbuf.h"
#include "util/units.h"

#define HTML_TOP 10
#define CHART_MAX 8	/* lines per chart: more are unreadable */

static const char css[] =
	"body{font:14px/1.45 sans-serif;margin:0 auto;max-width:1100px;padding:0 16px;"
	"color:#222;background:#fff}\n"
	"h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;border-bottom:1px solid #ccc;"
	"margin-top:28px}h3{font-size:15px;margin:18px 0 6px}\n"
	".sub{color:#555;margin:0 0 8px}\n"
	".verdict{font-size:19px;font-weight:bold;padding:8px 12px;border-left:6px solid #888;"
	"background:#f4f4f4}\n"
	".verdict.bad{border-color:#d62728}.verdict.good{border-color:#2ca02c}\n"
	".warn{color:#a00;font-weight:bold}\n"
	"table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}\n"
	"th,td{border:1px solid #ddd;padding:2px 8px;text-align:left;vertical-align:top}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"th{background:#f0f0f0}\n"
	"code,.mono,td.site{font-family:monospace;font-size:12px}\n"
	"figure.chart{margin:8px 0 16px}figure.chart svg{width:100%;max-width:760px;height:auto}\n"
	"figcaption{font-weight:bold;margin-bottom:4px}\n"
	".grid{stroke:#e6e6e6}.axis{stroke:#888}\n"
	".yl{font-size:11px;text-anchor:end;fill:#555}.xl{font-size:11px;text-anchor:middle;"
	"fill:#555}\n"
	"polyline.series{fill:none;stroke-width:2}\n"
	"ul.legend{list-style:none;padding:0;margin:2px 0;font-size:12px}"
	"ul.legend li{display:inline-block;margin-right:14px;font-family:monospace}\n"
	".sw{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}\n"
	"svg.icicle{display:block;border:1px solid #ddd;font:11px monospace}\n"
	"svg.fr{cursor:pointer}svg.fr text{fill:#000;pointer-events:none}\n"
	"svg.fr:hover rect{stroke:#000;stroke-width:1}\n"
	"svg.fr.zoomed rect{stroke:#000;stroke-width:2}svg.fr.anc rect{opacity:.55}\n"
	".status{font-family:monospace;font-size:12px;min-height:1.4em;color:#333}\n"
	"details{margin:4px 0}\n"
	"td.cell{text-align:right;min-width:70px}td.none{color:#aaa;text-align:center}\n"
	"td.why{color:#a00}.vd{font-size:11px;color:#333}\n";

/* Catches errors of the page's own script (a test reads data-errors from the DOM). */
static const char js_guard[] =
	"window.tbErrors=[];window.onerror=function(m,s,l){tbErrors.push(m+' (line '+l+')');"
	"document.documentElement.setAttribute('data-errors',tbErrors.join(' | '));};\n";

/*
 * Zoom and tooltips.  Click a frame: it fills the width, its ancestors span the width
 * above it, everything else hides; click the root: back to all.  The URL hash
 * "#click=ID,ID..." clicks those frames in order once the page is loaded (a real click
 * event, so a browser test goes through the same handler as a mouse).
 */
static const char js_main[] =
	"(function(){\n"
	"function zoom(f){var ic=f.parentNode,x0=+f.dataset.x,w0=+f.dataset.w,d0=+f.dataset.d,"
	"e=1e-7;\n"
	" ic.querySelectorAll('svg.fr').forEach(function(g){var x=+g.dataset.x,w=+g.dataset.w,"
	"d=+g.dataset.d;g.classList.remove('zoomed');g.classList.remove('anc');\n"
	"  if(d<d0&&x<=x0+e&&x+w>=x0+w0-e){g.setAttribute('x','0%');g.setAttribute('width',"
	"'100%');g.style.display='';if(d0>0)g.classList.add('anc');}\n"
	"  else if(d>=d0&&x>=x0-e&&x+w<=x0+w0+e){g.setAttribute('x',((x-x0)/w0*100)+'%');"
	"g.setAttribute('width',(w/w0*100)+'%');g.style.display='';}\n"
	"  else g.style.display='none';});\n"
	" var st=document.getElementById(ic.id+'-status');\n"
	" if(d0>0){f.classList.add('zoomed');ic.setAttribute('data-zoom',f.id);"
	"if(st)st.textContent='zoomed: '+f.querySelector('title').textContent+"
	"' (click the top frame to go back)';}\n"
	" else{ic.removeAttribute('data-zoom');if(st)st.textContent='';}}\n"
	"document.addEventListener('click',function(ev){var f=ev.target.closest&&"
	"ev.target.closest('svg.fr');if(f)zoom(f);});\n"
	"document.addEventListener('mouseover',function(ev){var f=ev.target.closest&&"
	"ev.target.closest('svg.fr');if(!f)return;var st=document.getElementById("
	"f.parentNode.id+'-status');if(st&&!f.parentNode.hasAttribute('data-zoom'))"
	"st.textContent=f.querySelector('title').textContent;});\n"
	"var m=/#click=([\\w,-]+)/.exec(location.hash);\n"
	"if(m)m[1].split(',').forEach(function(id){var el=document.getElementById(id),"
	"r=el&&el.querySelector('rect');if(r)r.dispatchEvent(new MouseEvent('click',"
	"{bubbles:true}));});\n"
	"document.body.setAttribute('data-ready','1');\n"
	"})();\n";

static void esc(struct strbuf *sb, const char *s)
{
	tb_html_esc(sb, s);
}

/* "s" unless n is 1 ("1 object", "2 objects") */
#define PL(n) ((n) == 1 ? "" : "s")

static const char *bytes(uint64_t v, char *buf, size_t size)
{
	return tb_fmt_bytes(v, buf, size);
}

void tb_html_td_num(struct strbuf *sb, uint64_t v)
{
	strbuf_addf(sb, "<td class=\"n\">%" PRIu64 "</td>", v);
}

void tb_html_td_str(struct strbuf *sb, const char *cls, const char *s)
{
	strbuf_addf(sb, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	esc(sb, s ? s : "");
	strbuf_addstr(sb, "</td>");
}

void tb_html_list(struct strbuf *sb, const char *attrs, const struct strlist *l)
{
	size_t i;

	strbuf_addf(sb, "<ul %s>\n", attrs);
	for (i = 0; i < l->n; i++) {
		strbuf_addstr(sb, "<li>");
		esc(sb, l->v[i]);
		strbuf_addstr(sb, "</li>\n");
	}
	strbuf_addstr(sb, "</ul>\n");
}

void tb_html_stack_details(struct strbuf *sb, char *const *stack, unsigned n)
{
	unsigned k;

	if (!n)
		return;
	strbuf_addf(sb, "<details><summary>%u frames</summary>", n);
	for (k = 0; k < n; k++) {
		esc(sb, stack[k]);
		strbuf_addstr(sb, "<br>");
	}
	strbuf_addstr(sb, "</details>");
}

void tb_html_th_row(struct strbuf *sb, const char *const *h)
{
	strbuf_addstr(sb, "<tr>");
	for (; *h; h++)
		strbuf_addf(sb, "<th%s>%s</th>", **h == '#' ? " class=\"n\"" : "",
			    **h == '#' ? *h + 1 : *h);
	strbuf_addstr(sb, "</tr>\n");
}

/* A group with outstanding objects at two or more points of the run. */
static int has_trend(const struct tb_rsite *s)
{
	return s->trend.n >= 2 && s->trend.t_ns && s->trend.count;
}

/* ---- the summary ------------------------------------------------------------------ */

/* The top group of the pair with the most outstanding bytes (count when no bytes). */
static const struct tb_rpair *top_pair(const struct tb_report *rep)
{
	const struct tb_rpair *best = NULL;
	size_t i;

	for (i = 0; i < rep->npairs; i++) {
		const struct tb_rpair *p = &rep->pairs[i];

		if (!p->nsites)
			continue;
		if (!best || p->bytes > best->bytes ||
		    (p->bytes == best->bytes && p->count > best->count))
			best = p;
	}
	return best;
}

static void site_words(struct strbuf *sb, const struct tb_rpair *p, const struct tb_rsite *s)
{
	char b[32], age[32];

	strbuf_addstr(sb, "<code>");
	esc(sb, s->site);
	strbuf_addstr(sb, "</code>");
	if (s->by) {
		strbuf_addstr(sb, " by <code>");
		esc(sb, s->by);
		strbuf_addstr(sb, "</code>");
	}
	strbuf_addf(sb, " (%" PRIu64 " object%s", s->count, PL(s->count));
	if (p->bytes)
		strbuf_addf(sb, ", %s", bytes(s->bytes, b, sizeof(b)));
	if (s->oldest_ns >= 0)
		strbuf_addf(sb, ", oldest %s", tb_fmt_duration((uint64_t)s->oldest_ns, age,
							       sizeof(age)));
	strbuf_addstr(sb, ")");
}

/*
 * The headline: the strongest thing the data says, in words; bad: a leak-like
 * finding (growth, unbalanced calls, references held), good: balanced / nothing
 * outstanding.
 */
static void summary(const struct tb_report *rep, struct strbuf *sb)
{
	struct strbuf h = STRBUF_INIT, li = STRBUF_INIT;
	const struct tb_rpair *tp = top_pair(rep);
	const char *cls = "";
	char buf[96], b[32], conf[320];
	uint64_t unread = 0, nokey = 0;
	size_t i;
	int trended = 0;
	char *loss, *seen;

	for (i = 0; i < rep->npairs && !h.len; i++) {
		const struct tb_rpair *p = &rep->pairs[i];
		size_t j;

		for (j = 0; j < p->nsites; j++) {
			const struct tb_rsite *s = &p->sites[j];

			if (!has_trend(s) || s->verdict != TB_V_GROWS)
				continue;
			strbuf_addstr(&h, "Steady growth: ");
			esc(&h, s->site);
			strbuf_addstr(&h, " (");
			esc(&h, p->label);
			strbuf_addf(&h, ") grows steadily, %+.0f objects/hour", s->objects_h);
			if (p->bytes) {
				tb_fmt_signed_bytes((int64_t)s->bytes_h, b, sizeof(b));
				strbuf_addf(&h, " (%s/hour)", b);
			}
			cls = "bad";
			break;
		}
	}
	for (i = 0; i < rep->nverdicts; i++) {
		const struct tb_rverdict *v = &rep->verdicts[i];

		if (!tb_rverdict_saw_events(v))
			continue;
		strbuf_addf(&li, "<li>calls (%s): <code>", v->label);
		esc(&li, v->a);
		strbuf_addf(&li, "</code> %" PRIu64 " vs <code>", v->a_calls);
		esc(&li, v->b);
		strbuf_addf(&li, "</code> %" PRIu64 ": <b>%s</b></li>\n", v->b_calls,
			    tb_verdict_text(v->a_calls, v->b_calls, buf, sizeof(buf)));
		if (v->a_calls > v->b_calls && !h.len) {
			strbuf_addstr(&h, "Unbalanced calls: ");
			esc(&h, v->a);
			strbuf_addf(&h, " %" PRIu64 " vs ", v->a_calls);
			esc(&h, v->b);
			strbuf_addf(&h, " %" PRIu64 " (%s)", v->b_calls, buf);
			cls = "bad";
		}
	}
	for (i = 0; i < rep->nbals; i++) {
		const struct tb_rbal *bl = &rep->bals[i];

		unread += bl->unread;
		nokey += bl->nokey;
		if (!tb_rbal_saw_events(bl))
			continue;
		strbuf_addstr(&li, "<li>references (");
		esc(&li, bl->label);
		strbuf_addf(&li, "): %" PRIu64 " gets, %" PRIu64 " puts, <b>%" PRIu64
			    " object%s still held</b> (%" PRIu64 " reference%s)</li>\n", bl->gets,
			    bl->puts, bl->held_objects, PL(bl->held_objects), bl->held_refs,
			    PL(bl->held_refs));
		if (bl->held_objects && !h.len) {
			strbuf_addf(&h, "References held: %" PRIu64 " object%s (", bl->held_objects,
				    PL(bl->held_objects));
			esc(&h, bl->label);
			strbuf_addstr(&h, ")");
			cls = "bad";
		}
	}
	for (i = 0; i < rep->npairs; i++) {
		const struct tb_rpair *p = &rep->pairs[i];

		unread += p->unread;
		nokey += p->nokey;
		strbuf_addstr(&li, "<li>");
		esc(&li, p->label);
		if (!tb_rpair_saw_events(p)) {
			strbuf_addstr(&li, ": saw none of its events: no verdict</li>\n");
			continue;
		}
		strbuf_addf(&li, ": %" PRIu64 " object%s outstanding", p->count, PL(p->count));
		if (p->bytes)
			strbuf_addf(&li, " (%s)", bytes(p->bytes, b, sizeof(b)));
		strbuf_addf(&li, " in %" PRIu64 " group%s", p->groups, PL(p->groups));
		if (p->nsites) {
			unsigned nv[4] = { 0, 0, 0, 0 };
			size_t j, with = 0;

			strbuf_addstr(&li, "; top group ");
			site_words(&li, p, &p->sites[0]);
			for (j = 0; j < p->nsites; j++)
				if (has_trend(&p->sites[j]) && p->sites[j].verdict >= 0 &&
				    p->sites[j].verdict < 4) {
					nv[p->sites[j].verdict]++;
					with++;
				}
			if (with)
				strbuf_addf(&li, "; over time: %u grow steadily, %u plateau, %u "
					    "churn, %u too short to tell", nv[TB_V_GROWS],
					    nv[TB_V_PLATEAU], nv[TB_V_CHURN], nv[TB_V_SHORT]);
			if (nv[TB_V_GROWS] && rep->duration_ns &&
			    rep->duration_ns < TB_TREND_SHORT_RUN_NS) {
				char d[32];

				strbuf_addf(&li, " <strong class=\"short-run\">(a run of %s is short: "
					    "caches still warming up grow steadily in it too; run for "
					    "10 minutes or more before calling a group a leak)</strong>",
					    tb_fmt_duration(rep->duration_ns, d, sizeof(d)));
			}
			trended |= with > 0;
		}
		strbuf_addstr(&li, "</li>\n");
	}
	if (rep->growth && rep->growth->snapshots[TB_PROC_SLABINFO] >= 2) {
		const struct tb_rgrowth *g = rep->growth;
		const struct tb_rcache *best = NULL;

		for (i = 0; i < g->ncaches; i++)
			if (!best || tb_rcache_cmp_growth(&g->caches[i], best) < 0)
				best = &g->caches[i];
		if (best && tb_rcache_obj_bytes(best) > 0) {
			tb_fmt_signed_bytes(tb_rcache_obj_bytes(best), b, sizeof(b));
			strbuf_addstr(&li, "<li>slab: top growing cache <code>");
			esc(&li, best->name);
			strbuf_addf(&li, "</code> %s", b);
			if (g->span_ns)
				strbuf_addf(&li, " (%+.0f objects/h)", best->active_h);
			strbuf_addstr(&li, "</li>\n");
			if (!h.len && !rep->npairs) {
				strbuf_addstr(&h, "Slab growth: top cache ");
				esc(&h, best->name);
				strbuf_addf(&h, " %s", b);
				cls = "bad";
			}
		} else {
			strbuf_addstr(&li, "<li>slab: no cache grew between the snapshots</li>\n");
		}
	}
	if (tb_report_no_verdict(rep)) {
		strbuf_reset(&h);
		strbuf_addstr(&h, "No verdict: none of the recipe's events are in the input");
		cls = "";
	} else if (!h.len && tp) {
		strbuf_addf(&h, "%sOutstanding at the end: %" PRIu64 " object%s",
			    trended ? "No group grows steadily. " : "", tp->count, PL(tp->count));
		if (tp->bytes)
			strbuf_addf(&h, " (%s)", bytes(tp->bytes, b, sizeof(b)));
		strbuf_addstr(&h, " in ");
		esc(&h, tp->label);
		strbuf_addstr(&h, "; top group ");
		esc(&h, tp->sites[0].site);
		if (tp->sites[0].by) {
			strbuf_addstr(&h, " (");
			esc(&h, tp->sites[0].by);
			strbuf_addstr(&h, ")");
		}
	} else if (!h.len && (rep->npairs || rep->nverdicts || rep->nbals)) {
		strbuf_addstr(&h, rep->nverdicts ? "Balanced: every declared pair of calls matched" :
			      "Nothing outstanding at the end of the run");
		cls = "good";
	} else if (!h.len) {
		strbuf_addstr(&h, "No analysis had any event to work on");
	}

	strbuf_addf(sb, "<section id=\"summary\">\n<h2>Summary</h2>\n<p class=\"verdict %s\" "
		    "id=\"verdict\">%s</p>\n", cls, strbuf_str(&h));
	if (tb_report_no_verdict(rep) && (seen = tb_report_seen_text(rep))) {
		strbuf_addstr(sb, "<p>The input has: <code>");
		esc(sb, seen);
		strbuf_addstr(sb, "</code></p>\n");
		free(seen);
	}
	if (li.len)
		strbuf_addf(sb, "<ul id=\"findings\">\n%s</ul>\n", li.buf);
	loss = tb_report_loss_text(rep);
	strbuf_addstr(sb, "<p id=\"confidence\"><b>Confidence:</b> ");
	if (loss) {
		strbuf_addstr(sb, "<span class=\"warn\">");
		esc(sb, loss);
		strbuf_addstr(sb, "</span>");
	} else {
		strbuf_addstr(sb, "no events lost");
	}
	if (unread)
		strbuf_addf(sb, "; %" PRIu64 " malformed lines could have been the analyses' "
			    "events", unread);
	if (nokey)
		strbuf_addf(sb, "; %" PRIu64 " events had no usable key", nokey);
	strbuf_addstr(sb, ".");
	for (i = 0; i < rep->npairs; i++)
		if (rep->pairs[i].unread || rep->pairs[i].nokey) {
			strbuf_addstr(sb, " ");
			esc(sb, rep->pairs[i].label);
			strbuf_addstr(sb, ": ");
			esc(sb, tb_report_confidence_text(rep, "frees", rep->pairs[i].unread,
							  rep->pairs[i].nokey, rep->pairs[i].count,
							  rep->pairs[i].uncertain, conf,
							  sizeof(conf)));
			strbuf_addstr(sb, ".");
		}
	strbuf_addstr(sb, "</p>\n");
	if (loss && rep->lost_from_s >= 0)
		strbuf_addf(sb, "<p>Events were lost between %.3fs and %.3fs into the run; "
			    "objects allocated after that are certain.</p>\n", rep->lost_from_s,
			    rep->lost_to_s);
	free(loss);
	strbuf_addstr(sb, "</section>\n");
	strbuf_release(&h);
	strbuf_release(&li);
}

/* ---- slab growth ------------------------------------------------------------------ */

/* "name (merged: a, b +3 more)" */
static void cache_label(struct strbuf *sb, const struct tb_rcache *c)
{
	size_t i;

	strbuf_addstr(sb, c->name);
	for (i = 0; i < c->naliases && i < 4; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : " (merged: ", c->aliases[i]);
	if (c->naliases > 4)
		strbuf_addf(sb, " +%zu more", c->naliases - 4);
	if (c->naliases)
		strbuf_addch(sb, ')');
}

/*
 * The x of each point of pts: seconds since the first snapshot, or the snapshot's
 * number when the times are unknown.  NULL on ENOMEM.
 */
static double *points_x(const struct tb_rpoints *pts)
{
	double *xs = calloc(pts->n + 1, sizeof(*xs));
	size_t i;

	for (i = 0; xs && i < pts->n; i++)
		xs[i] = pts->t_ns ? (double)pts->t_ns[i] / 1e9 : (double)pts->snap[i];
	return xs;
}

/* " at each of N snapshots" (or how they were thinned), and whether x is time */
static void points_title(char *title, size_t size, const char *what,
			 const struct tb_rpoints *pts, unsigned nsnap)
{
	char thin[64] = "";

	if (pts->n < nsnap)
		snprintf(thin, sizeof(thin), " (%zu of them drawn, the first and last kept)",
			 pts->n);
	snprintf(title, size, "%s at each of %u snapshots%s%s", what, nsnap, thin,
		 pts->t_ns ? "" : " (time between them unknown: x is the snapshot's number, "
		 "not to scale)");
}

/*
 * One line per charted cache (tb_rcache_charted, at most CHART_MAX): a point per slab
 * point of the report; a report without series (older JSON) draws first to last.
 */
static void slab_charts(const struct tb_rgrowth *g, const struct tb_rcache *v, size_t nv,
			struct strbuf *sb)
{
	struct tb_html_series s[CHART_MAX];
	struct strbuf names[CHART_MAX];
	double xs2[2] = { 0, g->span_ns ? (double)g->span_ns / 1e9 : 1 };
	double *ys[CHART_MAX], *xs = g->slab_pts.n ? points_x(&g->slab_pts) : NULL;
	size_t i, j, n = 0;
	int every = 1;
	char title[240];

	for (i = 0; i < nv && n < CHART_MAX; i++) {
		const struct tb_rcache *c = &v[i];
		int pts = c->series && xs;

		if (!tb_rcache_charted(c))
			continue;
		ys[n] = calloc(pts ? g->slab_pts.n : 2, sizeof(double));
		if (!ys[n])
			break;
		strbuf_init(&names[n]);
		cache_label(&names[n], c);
		if (pts) {
			for (j = 0; j < g->slab_pts.n; j++)
				ys[n][j] = c->series[j] < 0 ? 0 : (double)c->series[j] * c->objsize;
		} else {
			ys[n][1] = (double)c->active * c->objsize;
			ys[n][0] = (double)((int64_t)c->active - c->d_active) * c->objsize;
			every = 0;
		}
		s[n].name = strbuf_str(&names[n]);
		s[n].x = pts ? xs : xs2;
		s[n].y = ys[n];
		s[n].n = pts ? g->slab_pts.n : 2;
		n++;
	}
	if (every && n)
		points_title(title, sizeof(title), "Slab caches: active objects x object size",
			     &g->slab_pts, g->snapshots[TB_PROC_SLABINFO]);
	else
		snprintf(title, sizeof(title), "Slab caches: active objects x object size, first "
			 "to last of %u snapshots%s", g->snapshots[TB_PROC_SLABINFO],
			 g->span_ns ? "" : " (time between them unknown: x is not to scale)");
	if (n)
		tb_html_line_chart(sb, "slab-growth", title, TB_HTML_BYTES, s, n);
	else
		strbuf_addstr(sb, "<p>No cache grew between the snapshots.</p>\n");
	for (i = 0; i < n; i++) {
		strbuf_release(&names[i]);
		free(ys[i]);
	}
	free(xs);
}

/* Slab, SUnreclaim, SReclaimable: a point per meminfo point (first to last without). */
static void meminfo_chart(const struct tb_rgrowth *g, struct strbuf *sb)
{
	static const char *const keys[] = { "Slab", "SUnreclaim", "SReclaimable" };
	struct tb_html_series s[3];
	double xs2[2] = { 0, g->span_ns ? (double)g->span_ns / 1e9 : 1 };
	double *ys[3], *xs = g->mem_pts.n ? points_x(&g->mem_pts) : NULL;
	size_t i, j, k, n = 0;
	int every = 1;
	char title[240];

	if (g->snapshots[TB_PROC_MEMINFO] < 2) {
		free(xs);
		return;
	}
	for (k = 0; k < 3; k++)
		for (i = 0; i < g->nmem; i++) {
			const struct tb_rmem *m = &g->mem[i];
			int pts = m->series && xs;

			if (strcmp(m->key, keys[k]))
				continue;
			ys[n] = calloc(pts ? g->mem_pts.n : 2, sizeof(double));
			if (!ys[n])
				break;
			if (pts) {
				for (j = 0; j < g->mem_pts.n; j++)
					ys[n][j] = m->series[j] < 0 ? 0 : (double)m->series[j] * 1024;
			} else {
				ys[n][0] = (double)m->first * 1024;
				ys[n][1] = (double)m->last * 1024;
				every = 0;
			}
			s[n].name = keys[k];
			s[n].x = pts ? xs : xs2;
			s[n].y = ys[n];
			s[n].n = pts ? g->mem_pts.n : 2;
			n++;
		}
	if (every && n)
		points_title(title, sizeof(title), "/proc/meminfo: slab memory", &g->mem_pts,
			     g->snapshots[TB_PROC_MEMINFO]);
	else
		snprintf(title, sizeof(title), "/proc/meminfo: slab memory, first to last snapshot");
	if (n)
		tb_html_line_chart(sb, "meminfo", title, TB_HTML_BYTES, s, n);
	for (i = 0; i < n; i++)
		free(ys[i]);
	free(xs);
}

static void slabs(const struct tb_rgrowth *g, struct strbuf *sb, unsigned top)
{
	static const char *const hg[] = { "cache", "#object size", "#active", "#+objects",
					  "#+bytes", "#bytes/hour", "merged into it", NULL };
	static const char *const hs[] = { "cache", "#object size", "#objects", "#active",
					  "#size", "merged into it", NULL };
	int two = g->snapshots[TB_PROC_SLABINFO] >= 2;
	struct tb_rcache *v = NULL;
	size_t i, shown = 0, j;
	char b[32];

	strbuf_addstr(sb, "<section id=\"slabs\">\n<h2>Slab growth</h2>\n");
	strbuf_addf(sb, "<p>%u slabinfo, %u meminfo snapshots", g->snapshots[TB_PROC_SLABINFO],
		    g->snapshots[TB_PROC_MEMINFO]);
	if (g->format) {
		strbuf_addstr(sb, " (");
		esc(sb, g->format);
		strbuf_addstr(sb, ")");
	}
	if (g->span_ns)
		strbuf_addf(sb, " over %s%s", tb_fmt_duration(g->span_ns, b, sizeof(b)),
			    g->span_as_given ? " (as given)" : "");
	strbuf_addstr(sb, ".</p>\n");
	if (g->ncaches && g->format && (v = malloc(g->ncaches * sizeof(*v))))
		memcpy(v, g->caches, g->ncaches * sizeof(*v));
	if (v && two) {
		qsort(v, g->ncaches, sizeof(*v), tb_rcache_cmp_growth);
		slab_charts(g, v, g->ncaches, sb);
	}
	meminfo_chart(g, sb);
	if (v && two) {
		strbuf_addstr(sb, "<h3>Top caches by growth</h3>\n<table id=\"slab-table\">\n");
		tb_html_th_row(sb, hg);
		for (i = 0; i < g->ncaches; i++) {
			const struct tb_rcache *c = &v[i];
			struct strbuf al = STRBUF_INIT;

			if (!c->focus && (shown >= top || (c->d_active <= 0 && c->d_size <= 0)))
				continue;
			shown++;
			strbuf_addstr(sb, "<tr>");
			tb_html_td_str(sb, "site", c->name);
			tb_html_td_num(sb, c->objsize);
			tb_html_td_num(sb, c->active);
			strbuf_addf(sb, "<td class=\"n\">%+" PRId64 "</td>", c->d_active);
			tb_fmt_signed_bytes(tb_rcache_obj_bytes(c), b, sizeof(b));
			strbuf_addf(sb, "<td class=\"n\">%s</td>", b);
			if (g->span_ns)
				tb_fmt_signed_bytes((int64_t)c->obj_bytes_h, b, sizeof(b));
			strbuf_addf(sb, "<td class=\"n\">%s</td>", g->span_ns ? b : "?");
			for (j = 0; j < c->naliases; j++)
				strbuf_addf(&al, "%s%s", j ? ", " : "", c->aliases[j]);
			tb_html_td_str(sb, "site", strbuf_str(&al));
			strbuf_release(&al);
			strbuf_addstr(sb, "</tr>\n");
		}
		strbuf_addstr(sb, "</table>\n");
	} else if (v) {
		qsort(v, g->ncaches, sizeof(*v), tb_rcache_cmp_size);
		strbuf_addstr(sb, "<p>One snapshot: no growth to tell (give two or more).</p>\n"
			      "<h3>Top caches by size</h3>\n<table id=\"slab-table\">\n");
		tb_html_th_row(sb, hs);
		for (i = 0; i < g->ncaches && shown < top; i++) {
			const struct tb_rcache *c = &v[i];
			struct strbuf al = STRBUF_INIT;

			if (c->gone)
				continue;
			shown++;
			strbuf_addstr(sb, "<tr>");
			tb_html_td_str(sb, "site", c->name);
			tb_html_td_num(sb, c->objsize);
			tb_html_td_num(sb, c->num);
			tb_html_td_num(sb, c->active);
			strbuf_addf(sb, "<td class=\"n\">%s</td>", bytes(c->size, b, sizeof(b)));
			for (j = 0; j < c->naliases; j++)
				strbuf_addf(&al, "%s%s", j ? ", " : "", c->aliases[j]);
			tb_html_td_str(sb, "site", strbuf_str(&al));
			strbuf_release(&al);
			strbuf_addstr(sb, "</tr>\n");
		}
		strbuf_addstr(sb, "</table>\n");
	}
	free(v);
	strbuf_addstr(sb, "</section>\n");
}

/* ---- outstanding objects over time ------------------------------------------------ */

static void task_list(struct strbuf *sb, const struct tb_rsite *s)
{
	size_t i;

	for (i = 0; i < s->ntasks && i < 4; i++) {
		if (i)
			strbuf_addstr(sb, ", ");
		esc(sb, s->tasks[i].comm ? s->tasks[i].comm : "?");
		if (s->tasks[i].pid >= 0)
			strbuf_addf(sb, "[%d]", (int)s->tasks[i].pid);
		strbuf_addf(sb, " %" PRIu64, s->tasks[i].allocs);
	}
	if (s->ntasks > 4 || s->other_tasks)
		strbuf_addstr(sb, ", &#8230;");
}

/* One pair's groups over time: the chart, then each group's verdict and why. */
static void pair_trend(const struct tb_rpair *p, size_t idx, struct strbuf *sb, unsigned top)
{
	static const char *const h[] = { "#", "site", "verdict", "why", "#objects/hour",
					 "#bytes/hour", "#oldest", "#median age", "top tasks",
					 NULL };
	struct tb_html_series ser[CHART_MAX];
	struct strbuf names[CHART_MAX];
	double *xy = NULL;
	size_t i, j, n = 0, shown = 0, points = 0;
	char id[32], b[32];

	for (i = 0; i < p->nsites && i < top && n < CHART_MAX; i++)
		if (has_trend(&p->sites[i])) {
			points += p->sites[i].trend.n;
			n++;
		}
	if (!n) {
		strbuf_addstr(sb, "<p class=\"notrend\">no trend data (no group has outstanding "
			      "objects at two or more points of the run)</p>\n");
		return;
	}
	xy = malloc(2 * points * sizeof(*xy));
	if (!xy)
		return;
	for (i = 0, n = 0, points = 0; i < p->nsites && i < top && n < CHART_MAX; i++) {
		const struct tb_rsite *s = &p->sites[i];

		if (!has_trend(s))
			continue;
		for (j = 0; j < s->trend.n; j++) {
			xy[points + j] = (double)s->trend.t_ns[j] / 1e9;
			xy[points + s->trend.n + j] = (double)s->trend.count[j];
		}
		strbuf_init(&names[n]);
		strbuf_addf(&names[n], "#%zu %s (%s)", i + 1, s->site,
			    tb_verdict_name((enum tb_verdict)s->verdict));
		ser[n].name = strbuf_str(&names[n]);
		ser[n].x = xy + points;
		ser[n].y = xy + points + s->trend.n;
		ser[n].n = s->trend.n;
		points += 2 * s->trend.n;
		n++;
	}
	snprintf(id, sizeof(id), "trend-%zu", idx);
	strbuf_addf(sb, "<p>Outstanding objects of the top groups at every %s of the run.</p>\n",
		    p->sites[0].trend.interval_ns ?
		    tb_fmt_duration(p->sites[0].trend.interval_ns, b, sizeof(b)) : "interval");
	{
		struct strbuf t = STRBUF_INIT;

		strbuf_addf(&t, "%s: outstanding objects per group over time", p->label);
		tb_html_line_chart(sb, id, strbuf_str(&t), TB_HTML_COUNT, ser, n);
		strbuf_release(&t);
	}
	for (i = 0; i < n; i++)
		strbuf_release(&names[i]);
	free(xy);

	strbuf_addf(sb, "<table class=\"trends\" id=\"trends-%zu\">\n", idx);
	tb_html_th_row(sb, h);
	for (i = 0; i < p->nsites && shown < top; i++) {
		const struct tb_rsite *s = &p->sites[i];
		enum tb_verdict v = (enum tb_verdict)s->verdict;
		int rated = has_trend(s) && v != TB_V_SHORT;

		shown++;
		strbuf_addf(sb, "<tr class=\"trend-row\" data-verdict=\"%s\"><td class=\"n\">%zu"
			    "</td>", tb_verdict_name(v), i + 1);
		tb_html_td_str(sb, "site", s->site);
		tb_html_td_str(sb, v == TB_V_GROWS ? "warn" : NULL, tb_verdict_words(v));
		tb_html_td_str(sb, NULL, s->why);
		if (rated) {
			strbuf_addf(sb, "<td class=\"n\">%+.0f</td>", s->objects_h);
			tb_fmt_signed_bytes((int64_t)s->bytes_h, b, sizeof(b));
			strbuf_addf(sb, "<td class=\"n\">%s</td>", p->bytes ? b : "");
		} else {
			strbuf_addstr(sb, "<td class=\"n\">?</td><td class=\"n\">?</td>");
		}
		strbuf_addf(sb, "<td class=\"n\">%s</td>", s->oldest_ns >= 0 ?
			    tb_fmt_duration((uint64_t)s->oldest_ns, b, sizeof(b)) : "?");
		strbuf_addf(sb, "<td class=\"n\">%s</td>", s->median_ns >= 0 ?
			    tb_fmt_duration((uint64_t)s->median_ns, b, sizeof(b)) : "?");
		strbuf_addstr(sb, "<td class=\"site\">");
		task_list(sb, s);
		strbuf_addstr(sb, "</td></tr>\n");
	}
	strbuf_addstr(sb, "</table>\n");
}

static void trends(const struct tb_report *rep, struct strbuf *sb, unsigned top)
{
	size_t i;

	strbuf_addstr(sb, "<section id=\"trends\">\n<h2>Outstanding objects over time</h2>\n");
	for (i = 0; i < rep->npairs; i++) {
		const struct tb_rpair *p = &rep->pairs[i];

		strbuf_addstr(sb, "<h3>");
		esc(sb, p->label);
		strbuf_addstr(sb, "</h3>\n");
		if (!tb_rpair_saw_events(p))
			strbuf_addstr(sb, "<p class=\"notrend\">no trend data: the analysis saw "
				      "none of its events</p>\n");
		else if (!p->nsites)
			strbuf_addstr(sb, "<p class=\"notrend\">no trend data: nothing outstanding"
				      "</p>\n");
		else
			pair_trend(p, i, sb, top);
	}
	if (!rep->npairs)
		strbuf_addstr(sb, "<p class=\"notrend\">no trend data (no allocation/free "
			      "analysis in this recipe)</p>\n");
	strbuf_addstr(sb, "</section>\n");
}

/* ---- outstanding bytes by stack --------------------------------------------------- */

static void stacks_table(const struct tb_rpair *p, struct strbuf *sb, unsigned top,
			 size_t idx)
{
	static const char *const h[] = { "#", "#objects", "#bytes", "#oldest", "site", "by",
					 "stack (innermost first)", NULL };
	char b[32];
	size_t i;

	strbuf_addf(sb, "<table class=\"groups\" id=\"groups-%zu\">\n", idx);
	tb_html_th_row(sb, h);
	for (i = 0; i < p->nsites && i < top; i++) {
		const struct tb_rsite *s = &p->sites[i];

		strbuf_addf(sb, "<tr class=\"group\"><td class=\"n\">%zu</td>", i + 1);
		tb_html_td_num(sb, s->count);
		strbuf_addf(sb, "<td class=\"n\">%s</td>", p->bytes ? bytes(s->bytes, b, sizeof(b))
								    : "");
		strbuf_addf(sb, "<td class=\"n\">%s</td>", s->oldest_ns >= 0 ?
			    tb_fmt_duration((uint64_t)s->oldest_ns, b, sizeof(b)) : "?");
		tb_html_td_str(sb, "site", s->site);
		tb_html_td_str(sb, "site", s->by);
		strbuf_addstr(sb, "<td class=\"site\">");
		tb_html_stack_details(sb, s->stack, s->nstack);
		strbuf_addstr(sb, "</td></tr>\n");
	}
	strbuf_addstr(sb, "</table>\n");
	if (p->groups > p->nsites || p->nsites > top)
		strbuf_addf(sb, "<p>%zu of %" PRIu64 " groups shown (--top N for more).</p>\n",
			    p->nsites < top ? p->nsites : (size_t)top, p->groups);
}

/* The pair's groups as an icicle: label; by; outermost .. innermost frame (as folded.c). */
static int icicle(const struct tb_rpair *p, struct strbuf *sb, size_t idx)
{
	struct tb_html_icicle *ic = tb_html_icicle_new(p->label);
	const char **fr = NULL;
	size_t i, alloc = 0;
	char id[32];

	if (!ic)
		return -1;
	for (i = 0; i < p->nsites; i++) {
		const struct tb_rsite *s = &p->sites[i];
		uint64_t value = p->bytes ? s->bytes : s->count;
		size_t n = 0;
		unsigned k;

		if (!value)
			continue;
		if (s->nstack + 2 > alloc) {
			const char **f = realloc(fr, (s->nstack + 2) * sizeof(*f));

			if (!f)
				break;
			fr = f;
			alloc = s->nstack + 2;
		}
		if (s->by)
			fr[n++] = s->by;
		if (s->nstack)
			for (k = s->nstack; k-- > 0;)
				fr[n++] = s->stack[k];
		else
			fr[n++] = s->site;
		tb_html_icicle_add(ic, fr, n, value);
	}
	free(fr);
	snprintf(id, sizeof(id), "ic%zu", idx);
	strbuf_addf(sb, "<p>Outstanding %s by stack, outermost frame at the top; click a "
		    "frame to zoom, the top frame to go back.</p>\n", p->bytes ? "bytes" :
		    "objects (no size field)");
	tb_html_icicle_render(ic, sb, id, p->bytes ? TB_HTML_BYTES : TB_HTML_COUNT);
	strbuf_addf(sb, "<div class=\"status\" id=\"%s-status\"></div>\n", id);
	tb_html_icicle_free(ic);
	return 0;
}

static int stacks(const struct tb_report *rep, struct strbuf *sb, unsigned top)
{
	size_t i;
	char b[32];

	strbuf_addstr(sb, "<section id=\"stacks\">\n<h2>Outstanding by stack</h2>\n");
	for (i = 0; i < rep->npairs; i++) {
		const struct tb_rpair *p = &rep->pairs[i];

		strbuf_addf(sb, "<div class=\"pair\" id=\"pair-%zu\" data-groups=\"%zu\">\n<h3>", i,
			    p->nsites < top ? p->nsites : (size_t)top);
		esc(sb, p->label);
		strbuf_addstr(sb, ": <code>");
		esc(sb, p->alloc);
		strbuf_addstr(sb, "</code> &#8594; <code>");
		esc(sb, p->free);
		strbuf_addstr(sb, "</code></h3>\n");
		if (!tb_rpair_saw_events(p)) {
			strbuf_addstr(sb, "<p>saw none of its events: no verdict</p>\n</div>\n");
			continue;
		}
		strbuf_addf(sb, "<p>%" PRIu64 " allocation%s, %" PRIu64 " free%s; %" PRIu64
			    " outstanding", p->allocs, PL(p->allocs), p->frees, PL(p->frees),
			    p->count);
		if (p->bytes)
			strbuf_addf(sb, " (%s)", bytes(p->bytes, b, sizeof(b)));
		strbuf_addf(sb, " in %" PRIu64 " group%s; frees of objects from before the run: %"
			    PRIu64 "; implicit frees: %" PRIu64 ".</p>\n", p->groups, PL(p->groups),
			    p->unmatched_frees, p->implicit_frees);
		if (!p->nsites) {
			strbuf_addstr(sb, p->hidden ? "<p>outstanding objects unknown: pointers "
				      "hidden by the kernel</p>\n" : "<p>nothing outstanding</p>\n");
			strbuf_addstr(sb, "</div>\n");
			continue;
		}
		stacks_table(p, sb, top, i);
		if (icicle(p, sb, i) < 0)
			return -1;
		strbuf_addstr(sb, "</div>\n");
	}
	if (!rep->npairs)
		strbuf_addstr(sb, "<p>No allocation/free analysis in this recipe.</p>\n");
	strbuf_addstr(sb, "</section>\n");
	return 0;
}

/* ---- calls and balances ----------------------------------------------------------- */

static void calls(const struct tb_report *rep, struct strbuf *sb, unsigned top)
{
	static const char *const hc[] = { "#calls", "function", "caller", NULL };
	static const char *const hv[] = { "pair", "A", "#A calls", "B", "#B calls", "verdict",
					  NULL };
	static const char *const hb[] = { "analysis", "get", "put", "#gets", "#puts",
					  "#held objects", "#held refs", "verdict", NULL };
	const char *label = NULL;
	char buf[96], conf[320];
	size_t i, j, shown = 0;

	if (!rep->ncounts && !rep->nevcounts && !rep->nverdicts && !rep->nbals)
		return;
	strbuf_addstr(sb, "<section id=\"calls\">\n<h2>Calls and balances</h2>\n");
	if (rep->nverdicts) {
		strbuf_addstr(sb, "<h3>Balance of calls</h3>\n<table id=\"verdicts\">\n");
		tb_html_th_row(sb, hv);
		for (i = 0; i < rep->nverdicts; i++) {
			const struct tb_rverdict *v = &rep->verdicts[i];
			int saw = tb_rverdict_saw_events(v);

			strbuf_addstr(sb, "<tr class=\"verdict-row\">");
			tb_html_td_str(sb, NULL, v->label);
			tb_html_td_str(sb, "site", v->a);
			tb_html_td_num(sb, v->a_calls);
			tb_html_td_str(sb, "site", v->b);
			tb_html_td_num(sb, v->b_calls);
			tb_html_td_str(sb, v->a_calls > v->b_calls ? "warn" : NULL,
			       saw ? tb_verdict_text(v->a_calls, v->b_calls, buf, sizeof(buf)) :
			       "saw none of its events: no verdict");
			strbuf_addstr(sb, "</tr>\n");
			for (j = 0; j < v->ncallers && j < top; j++) {
				strbuf_addstr(sb, "<tr><td></td><td colspan=\"2\" class=\"site\">from ");
				esc(sb, v->callers[j].caller);
				strbuf_addf(sb, "</td><td></td><td class=\"n\">%" PRIu64 " / %" PRIu64
					    "</td><td></td></tr>\n", v->callers[j].a_calls,
					    v->callers[j].b_calls);
			}
		}
		strbuf_addstr(sb, "</table>\n");
		if (rep->lost || rep->lost_unknown)
			strbuf_addstr(sb, "<p class=\"warn\">Events were lost: call counts are "
				      "lower bounds.</p>\n");
	}
	if (rep->nbals) {
		strbuf_addstr(sb, "<h3>Reference counts</h3>\n<table id=\"balances\">\n");
		tb_html_th_row(sb, hb);
		for (i = 0; i < rep->nbals; i++) {
			const struct tb_rbal *b = &rep->bals[i];
			char v[96];

			if (!tb_rbal_saw_events(b))
				snprintf(v, sizeof(v), "saw none of its events: no verdict");
			else if (b->held_objects)
				snprintf(v, sizeof(v), "%" PRIu64 " object%s still held",
					 b->held_objects, PL(b->held_objects));
			else
				snprintf(v, sizeof(v), "balanced");
			strbuf_addstr(sb, "<tr class=\"verdict-row\">");
			tb_html_td_str(sb, NULL, b->label);
			tb_html_td_str(sb, "site", b->get);
			tb_html_td_str(sb, "site", b->put);
			tb_html_td_num(sb, b->gets);
			tb_html_td_num(sb, b->puts);
			tb_html_td_num(sb, b->held_objects);
			tb_html_td_num(sb, b->held_refs);
			tb_html_td_str(sb, b->held_objects ? "warn" : NULL, v);
			strbuf_addstr(sb, "</tr>\n");
			for (j = 0; j < b->nsites && j < top && b->sites[j].objects; j++) {
				strbuf_addstr(sb, "<tr><td></td><td colspan=\"4\" class=\"site\">got at ");
				esc(sb, b->sites[j].site);
				strbuf_addf(sb, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">%"
					    PRIu64 "</td><td></td></tr>\n", b->sites[j].objects,
					    b->sites[j].refs);
			}
		}
		strbuf_addstr(sb, "</table>\n");
		for (i = 0; i < rep->nbals; i++) {
			strbuf_addstr(sb, "<p>");
			esc(sb, rep->bals[i].label);
			strbuf_addstr(sb, " confidence: ");
			esc(sb, tb_report_confidence_text(rep, "puts", rep->bals[i].unread,
							  rep->bals[i].nokey,
							  rep->bals[i].held_objects,
							  rep->bals[i].uncertain, conf, sizeof(conf)));
			strbuf_addstr(sb, "</p>\n");
		}
	}
	for (i = 0; i < rep->ncounts; i++) {
		const struct tb_rcount *c = &rep->counts[i];

		if (!label || strcmp(label, c->label)) {
			strbuf_addf(sb, "%s<h3>Calls counted: ", label ? "</table>\n" : "");
			esc(sb, c->label);
			strbuf_addstr(sb, "</h3>\n<table class=\"counts\">\n");
			tb_html_th_row(sb, hc);
			label = c->label;
			shown = 0;
		}
		if (shown++ >= (size_t)top * 2)
			continue;
		strbuf_addstr(sb, "<tr>");
		tb_html_td_num(sb, c->calls);
		tb_html_td_str(sb, "site", c->function);
		tb_html_td_str(sb, "site", c->caller ? c->caller : "(all callers)");
		strbuf_addstr(sb, "</tr>\n");
	}
	if (label)
		strbuf_addstr(sb, "</table>\n");
	if (rep->nevcounts) {
		strbuf_addstr(sb, "<h3>Events counted</h3>\n<table class=\"counts\">\n");
		tb_html_th_row(sb, (const char *const[]){ "#count", "event", NULL });
		for (i = 0; i < rep->nevcounts; i++) {
			strbuf_addstr(sb, "<tr>");
			tb_html_td_num(sb, rep->evcounts[i].count);
			tb_html_td_str(sb, "site", rep->evcounts[i].event);
			strbuf_addstr(sb, "</tr>\n");
		}
		strbuf_addstr(sb, "</table>\n");
	}
	strbuf_addstr(sb, "</section>\n");
}

/* ---- what ran --------------------------------------------------------------------- */

static void dl(struct strbuf *sb, const char *k, const char *v)
{
	if (!v)
		return;
	strbuf_addf(sb, "<tr><th>%s</th><td>", k);
	esc(sb, v);
	strbuf_addstr(sb, "</td></tr>\n");
}

static void run_facts(const struct tb_report *rep, struct strbuf *sb)
{
	struct strbuf t = STRBUF_INIT;
	char b[64];
	size_t i;
	char *seen;

	strbuf_addstr(sb, "<section id=\"run\">\n<h2>What ran</h2>\n<table id=\"facts\">\n");
	strbuf_addf(&t, "%s%s%s%s", rep->kernel_release ? rep->kernel_release : "unknown",
		    rep->arch ? " (" : "", rep->arch ? rep->arch : "", rep->arch ? ")" : "");
	dl(sb, "kernel", t.buf);
	dl(sb, "recipe", rep->recipe);
	dl(sb, "source", rep->source);
	dl(sb, "read from", rep->origin);
	strbuf_reset(&t);
	strbuf_addf(&t, "%s %s", rep->tool ? rep->tool : "tracebook",
		    rep->version ? rep->version : "?");
	dl(sb, "written by", t.buf);
	if (rep->duration_ns)
		dl(sb, "duration", tb_fmt_duration(rep->duration_ns, b, sizeof(b)));
	if (rep->partial) {
		strbuf_reset(&t);
		strbuf_addf(&t, "partial report, through %s (written during the run, which did not end)",
			    tb_fmt_duration(rep->duration_ns, b, sizeof(b)));
		dl(sb, "complete", t.buf);
	}
	strbuf_reset(&t);
	strbuf_addf(&t, "%" PRIu64 " seen, %" PRIu64 " lost%s", rep->events, rep->lost,
		    rep->lost_unknown ? " (and an unknown number more)" : "");
	dl(sb, "events", t.buf);
	if (rep->lost && rep->lost_per_cpu) {
		strbuf_reset(&t);
		for (i = 0; i < rep->ncpus; i++)
			if (rep->lost_per_cpu[i])
				strbuf_addf(&t, "%scpu%zu: %" PRIu64, t.len ? ", " : "", i,
					    rep->lost_per_cpu[i]);
		dl(sb, "lost per CPU", t.len ? t.buf : NULL);
	}
	strbuf_reset(&t);
	for (i = 0; i < rep->npairs; i++)
		if (rep->pairs[i].unread)
			strbuf_addf(&t, "%s%s: %" PRIu64, t.len ? ", " : "", rep->pairs[i].label,
				    rep->pairs[i].unread);
	for (i = 0; i < rep->nbals; i++)
		if (rep->bals[i].unread)
			strbuf_addf(&t, "%s%s: %" PRIu64, t.len ? ", " : "", rep->bals[i].label,
				    rep->bals[i].unread);
	dl(sb, "malformed lines", t.len ? t.buf : "none that could have been the analyses' events");
	seen = tb_report_seen_text(rep);
	dl(sb, "input events", seen);
	free(seen);
	strbuf_addstr(sb, "</table>\n");
	if (rep->plan.n) {
		strbuf_addstr(sb, "<h3>Plan</h3>\n");
		tb_html_list(sb, "id=\"plan\" class=\"mono\"", &rep->plan);
	}
	if (rep->notes.n) {
		strbuf_addstr(sb, "<h3>Notes</h3>\n");
		tb_html_list(sb, "id=\"notes\"", &rep->notes);
	}
	strbuf_addstr(sb, "</section>\n");
	strbuf_release(&t);
}

void tb_html_page_begin(struct strbuf *sb, const char *title, const char *heading)
{
	strbuf_addstr(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>");
	esc(sb, title);
	strbuf_addf(sb, "</title>\n<style>\n%s</style>\n<script>%s</script>\n</head>\n"
		    "<body data-ready=\"0\">\n<h1>", css, js_guard);
	esc(sb, heading);
	strbuf_addstr(sb, "</h1>\n");
}

void tb_html_page_end(struct strbuf *sb)
{
	strbuf_addf(sb, "<script>\n%s</script>\n</body>\n</html>\n", js_main);
}

int tb_report_html_string(const struct tb_report *rep, struct strbuf *sb, unsigned top)
{
	struct strbuf t = STRBUF_INIT, h = STRBUF_INIT;
	const char *r = rep->recipe;

	if (!top)
		top = HTML_TOP;
	strbuf_addf(&t, "tracebook%s%s%s%s", r ? ": " : "", r ? r : "",
		    rep->kernel_release ? " on " : "",
		    rep->kernel_release ? rep->kernel_release : "");
	strbuf_addf(&h, "tracebook report%s%s", r ? ": " : "", r ? r : "");
	tb_html_page_begin(sb, strbuf_str(&t), strbuf_str(&h));
	strbuf_release(&t);
	strbuf_release(&h);
	strbuf_addstr(sb, "<p class=\"sub\">kernel ");
	esc(sb, rep->kernel_release ? rep->kernel_release : "unknown");
	if (rep->source) {
		strbuf_addstr(sb, " &#183; ");
		esc(sb, rep->source);
	}
	strbuf_addstr(sb, "</p>\n");
	summary(rep, sb);
	if (rep->growth)
		slabs(rep->growth, sb, top);
	trends(rep, sb, top);
	if (stacks(rep, sb, top) < 0)
		return -1;
	calls(rep, sb, top);
	run_facts(rep, sb);
	tb_html_page_end(sb);
	return strbuf_failed(sb) ? -1 : 0;
}

int tb_html_write_page(struct strbuf *sb, int failed, const char *path)
{
	int r;

	if (failed || strbuf_failed(sb)) {
		strbuf_release(sb);
		return tb_error("out of memory writing the HTML page");
	}
	r = tb_write_file_atomic(path, sb->buf, sb->len);
	strbuf_release(sb);
	if (r < 0)
		return tb_error("cannot write the HTML page %s: %s (nothing was replaced)", path,
				strerror(-r));
	return 0;
}

int tb_report_write_html(const struct tb_report *rep, const char *path, unsigned top)
{
	struct strbuf sb = STRBUF_INIT;

	return tb_html_write_page(&sb, tb_report_html_string(rep, &sb, top), path);
}
