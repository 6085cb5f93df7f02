/*
 * status.c - the one-line live status on stderr (TTY only): elapsed / remaining,
 * events per second, lost, outstanding; at most 4 redraws per second.
 */
#include <stdio.h>
#include <time.h>
#include "capture/capture-local.h"
#include "util/units.h"

#define REDRAW_NS 250000000ULL

/**
 * tb_status_draw - redraw the status line if s->on and 250 ms have passed.
 * @events: events handed to the sink so far
 * @outstanding: objects outstanding as the sink says
 * @lost: events lost so far as the capture knows them
 */
void tb_status_draw(struct tb_status *s, uint64_t events, uint64_t outstanding,
		    uint64_t now_ns, uint64_t start_ns, uint64_t duration_ns, uint64_t lost)
{
	char el[32], rem[32];

	if (!s->on || now_ns - s->last_draw_ns < REDRAW_NS)
		return;
	if (s->last_events_ns && now_ns > s->last_events_ns)
		s->rate = (double)(events - s->last_events) * 1e9 /
			  (double)(now_ns - s->last_events_ns);
	s->last_events = events;
	s->last_events_ns = now_ns;
	s->last_draw_ns = now_ns;
	tb_fmt_duration(now_ns - start_ns, el, sizeof(el));
	if (duration_ns && start_ns + duration_ns > now_ns)
		tb_fmt_duration(start_ns + duration_ns - now_ns, rem, sizeof(rem));
	else
		snprintf(rem, sizeof(rem), "%s", duration_ns ? "0s" : "until Ctrl-C");
	fprintf(stderr, "\r\033[Ktracebook: %s elapsed, %s left | %.2fM events/s | lost %llu | "
		"outstanding %llu", el, rem, s->rate / 1e6, (unsigned long long)lost,
		(unsigned long long)outstanding);
	fflush(stderr);
}

/**
 * tb_status_clear - erase the status line (before the report is printed).
 */
void tb_status_clear(struct tb_status *s)
{
	if (!s->on || !s->last_draw_ns)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
}
