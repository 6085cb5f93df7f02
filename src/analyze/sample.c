/*
 * sample.c - the trend grid: every pair group's outstanding count and bytes at points
 * t0 + j * step of the events' clock (see struct tb_grid in analysis-local.h).  Points
 * are taken as the events pass, so `run`, `analyze` and the bench generator (which
 * drives the clock) share one implementation; memory is bounded by
 * TB_TREND_MAX_GROUPS x TB_TREND_MAX_POINTS per pair analysis.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/analysis-local.h"
#include "util/alloc.h"

#define TB_GRID_START_NS 1000000000ULL	/* the adaptive grid's first step: 1 s */

/* Keep the points at even indexes (the grid's step doubles). */
static void coarsen_group(struct tb_pair_group *g)
{
	uint32_t nf = (g->sfirst + 1) / 2, j, n = 0;

	for (j = nf; 2 * j < g->sfirst + g->sn; j++, n++) {
		uint32_t old = 2 * j - g->sfirst;

		g->series[2 * n] = g->series[2 * old];
		g->series[2 * n + 1] = g->series[2 * old + 1];
	}
	g->sfirst = nf;
	g->sn = n;
}

static void coarsen(struct tb_analysis *an)
{
	unsigned i;
	size_t j;

	for (i = 0; i < an->npairs; i++)
		for (j = 0; j < an->pairs[i].ngroups; j++)
			if (an->pairs[i].groups[j].series)
				coarsen_group(&an->pairs[i].groups[j]);
	an->grid.n = (an->grid.n + 1) / 2;
	an->grid.step *= 2;
	an->grid.coarsened++;
}

static void take_point(struct tb_analysis *an)
{
	unsigned i;
	size_t j;

	for (i = 0; i < an->npairs; i++) {
		struct tb_pair_an *p = &an->pairs[i];

		/* the counts of every event before this point (ENOMEM fails the next event) */
		tb_pair_sync(p);
		for (j = 0; j < p->ngroups; j++) {
			struct tb_pair_group *g = &p->groups[j];

			if (!g->series)
				continue;
			/* never fails: scap is TB_TREND_MAX_POINTS */
			if (g->sn < g->scap) {
				g->series[2 * g->sn] = g->count;
				g->series[2 * g->sn + 1] = g->bytes;
				g->sn++;
			}
		}
	}
	an->grid.n++;
}

/* When the next point falls due (the sink compares every event's time with it). */
static void grid_due(struct tb_grid *gr)
{
	uint64_t span = gr->step && gr->n > UINT64_MAX / gr->step ? UINT64_MAX :
			(uint64_t)gr->n * gr->step;

	gr->due = span > UINT64_MAX - gr->t0 ? UINT64_MAX : gr->t0 + span;
}

void tb_grid_tick(struct tb_analysis *an, uint64_t ts)
{
	struct tb_grid *gr = &an->grid;

	if (!gr->t0) {
		gr->t0 = ts;
		gr->step = gr->asked ? gr->asked : TB_GRID_START_NS;
		take_point(an);		/* point 0: the start, nothing outstanding */
		grid_due(gr);
		return;
	}
	/*
	 * Divided, not multiplied: n * step wraps for a timestamp far in the future (a
	 * damaged record), and the loop never ended (found by fuzz_rawdecode).  The step
	 * stops doubling before it would wrap.
	 */
	while (ts >= gr->t0 && (ts - gr->t0) / gr->step >= gr->n) {
		if (gr->n >= TB_TREND_MAX_POINTS) {
			if (gr->step > UINT64_MAX / 2)
				break;
			coarsen(an);
		} else {
			take_point(an);
		}
	}
	grid_due(gr);
}

void tb_grid_group_new(struct tb_analysis *an, struct tb_pair_an *p, struct tb_pair_group *g)
{
	if (p->tracked_groups >= TB_TREND_MAX_GROUPS) {
		g->untracked = 1;
		return;
	}
	g->series = malloc(2 * TB_TREND_MAX_POINTS * sizeof(*g->series));
	if (!g->series) {
		g->untracked = 1;
		return;
	}
	g->scap = TB_TREND_MAX_POINTS;
	/* points before the group existed held nothing of it: the series starts now */
	g->sfirst = an->grid.n;
	g->sn = 0;
	p->tracked_groups++;
}
