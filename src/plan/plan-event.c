/*
 * plan-event.c - the events the plan enables: the list (one entry per event; the same
 * event asked twice gets the wider filter), which events are too hot for unfiltered
 * stacks, whether an event exists on this kernel, and the writes that set each
 * event's filter, its stack (trigger or option, as plan-stack.c chose) and enable.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan/plan-local.h"
#include "util/alloc.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

int plan_ev_add(struct plan_ev_list *l, const char *sys, const char *ev, const char *filter,
		int stack, int line, const char *why)
{
	unsigned i;
	struct plan_event *e;

	for (i = 0; i < l->n; i++) {
		e = &l->v[i];
		if (strcmp(e->system, sys) || strcmp(e->event, ev))
			continue;
		/* the same event twice: the wider filter wins */
		if (!filter || !e->filter) {
			free(e->filter);
			e->filter = NULL;
		} else if (strcmp(filter, e->filter)) {
			struct strbuf sb = STRBUF_INIT;

			strbuf_addf(&sb, "(%s) || (%s)", e->filter, filter);
			free(e->filter);
			e->filter = strbuf_detach(&sb, NULL);
		}
		e->stack |= stack;
		return 0;
	}
	if (ALLOC_GROW(l->v, l->n + 1, l->alloc))
		return tb_error("out of memory");
	e = &l->v[l->n];
	e->system = strdup(sys);
	e->event = strdup(ev);
	e->filter = filter ? strdup(filter) : NULL;
	e->stack = stack;
	e->line = line;
	e->why = why;
	if (!e->system || !e->event || (filter && !e->filter)) {
		free(e->system);
		free(e->event);
		free(e->filter);
		return tb_error("out of memory");
	}
	l->n++;
	return 0;
}

void plan_ev_free(struct plan_ev_list *l)
{
	unsigned i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].system);
		free(l->v[i].event);
		free(l->v[i].filter);
	}
	free(l->v);
}

int tb_event_is_hot(const char *system, const char *event)
{
	static const char *const hot[] = {
		"kmem:kmalloc", "kmem:kmalloc_node", "kmem:kfree", "kmem:kmem_cache_alloc",
		"kmem:kmem_cache_alloc_node", "kmem:kmem_cache_free", "kmem:mm_page_alloc",
		"kmem:mm_page_free", "kmem:mm_page_free_batched", "kmem:mm_page_alloc_zone_locked",
		"kmem:mm_page_pcpu_drain", "sched:sched_switch", "sched:sched_wakeup",
		"sched:sched_waking", "irq:irq_handler_entry", "irq:softirq_entry",
		"raw_syscalls:sys_enter", "raw_syscalls:sys_exit", "timer:hrtimer_start",
	};
	size_t i, ls = strlen(system);

	for (i = 0; i < sizeof(hot) / sizeof(hot[0]); i++)
		if (!strncmp(hot[i], system, ls) && hot[i][ls] == ':' && !strcmp(hot[i] + ls + 1, event))
			return 1;
	return 0;
}

/* Does the event exist on this kernel (top-level events dir)? */
int plan_event_exists(const struct tb_caps *caps, const char *sys, const char *ev)
{
	char path[PATH_MAX + 256];

	snprintf(path, sizeof(path), "%s/events/%s/%s", caps->tracefs, sys, ev);
	return tb_exists(path);
}

/* Filters, stacks and enables of the collected events. */
int plan_events(struct plan_builder *b)
{
	char path[PATH_MAX + 512];
	unsigned i;
	int r = 0, global_stack = 0;

	for (i = 0; i < b->evs.n && !r; i++) {
		struct plan_event *e = &b->evs.v[i];
		struct strbuf why = STRBUF_INIT;

		if (e->stack && b->stack_mode != TB_STACKS_NONE && !e->filter &&
		    tb_event_is_hot(e->system, e->event) && !b->o->force) {
			return tb_error_code(TB_EXIT_BADINPUT,
					     "%s:%d: stacks on every %s:%s event (no filter) would slow this machine badly; add a filter (e.g. size=/cache=) or use --force",
					     b->r->path, e->line, e->system, e->event);
		}
		if (e->filter) {
			snprintf(path, sizeof(path), "%s/events/%s/%s/filter", b->base, e->system, e->event);
			strbuf_addf(&why, "kernel-side filter for %s:%s (%s): only matching events reach the buffer",
				    e->system, e->event, e->why);
			r = plan_write(b->p, path, e->filter, why.buf);
			strbuf_reset(&why);
		}
		if (!r && e->stack) {
			if (b->stack_mode == TB_STACKS_TRIGGER) {
				struct strbuf v = STRBUF_INIT, cur = STRBUF_INIT;

				snprintf(path, sizeof(path), "%s/events/%s/%s/trigger", b->base, e->system, e->event);
				if (!b->p->instance && tb_read_file(path, &cur) == 0) {
					const char *l = cur.buf;

					while (l && *l) {
						if (*l != '#' && !strncmp(l, "stacktrace", 10)) {
							strbuf_release(&cur);
							strbuf_release(&why);
							return tb_error_code(TB_EXIT_BUSY,
									     "%s:%s already has a stacktrace trigger set by someone else; tracebook will not touch it",
									     e->system, e->event);
						}
						l = strchr(l, '\n');
						l = l ? l + 1 : NULL;
					}
				}
				strbuf_release(&cur);
				strbuf_addstr(&v, "stacktrace");
				if (e->filter)
					strbuf_addf(&v, " if %s", e->filter);
				strbuf_addf(&why, "a stack for each %s:%s event (stacktrace trigger; removed with !stacktrace)",
					    e->system, e->event);
				r = plan_append(b->p, path, v.buf, "!stacktrace", why.buf);
				strbuf_release(&v);
				strbuf_reset(&why);
			} else if (b->stack_mode == TB_STACKS_OPTION) {
				global_stack = 1;
			}
		}
		strbuf_release(&why);
	}
	if (!r && global_stack) {
		snprintf(path, sizeof(path), "%s/options/stacktrace", b->base);
		r = plan_write(b->p, path, "1",
			       b->p->instance ?
			       "stacks for the instance's events (options/stacktrace of our own instance)" :
			       "stacks for events: this kernel has no per-event stacktrace trigger, so the global stacktrace option is used; event filters narrow it");
	}
	for (i = 0; i < b->evs.n && !r; i++) {
		struct plan_event *e = &b->evs.v[i];
		char why[512];

		snprintf(path, sizeof(path), "%s/events/%s/%s/enable", b->base, e->system, e->event);
		snprintf(why, sizeof(why), "enable %s:%s (%s)", e->system, e->event, e->why);
		r = plan_write(b->p, path, "1", why);
	}
	return r;
}
