/*
 * plan.c - recipe + capabilities -> plan: the ordered writes (with undo and reason),
 * the sources to read, the analyses.  The choices follow docs/kernel-compat.md:
 *  - events go into an instance (instances/tracebook-<pid>) where instances have
 *    their own options (4.19+), at the top level otherwise;
 *  - per-event stacks: `stacktrace` trigger where triggers exist (and, inside an
 *    instance, where the trigger writes to the instance's buffer: 5.17, and the
 *    stable backports 4.14.277/4.19.240/5.4.191/5.10.113/5.15.26/5.16.12), else the
 *    stacktrace option narrowed by the event filter;
 *  - SLUB trace toggles where writable and unmerged; kmem tracepoints filtered to the
 *    cache otherwise, with the boot parameter that would give the real thing;
 *  - raw per-CPU buffers (pointers never hashed); with text, hash-ptr off where it
 *    exists;
 *  - function tracer: filter checked against available_filter_functions, filter
 *    before tracer, func_stack_trace after;
 *  - limits (duration, buffer memory, unfiltered function tracer, stacks on
 *    unfiltered hot events) unless --force.
 * Nothing here writes to the kernel.
 */
#include <ctype.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/alloc.h"
#include "kernel/meminfo.h"
#include "kernel/ctl-value.h"
#include "kernel/tracefs.h"
#include "plan/plan-local.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"
#include "util/units.h"

/* ---- steps ---------------------------------------------------------------------- */

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static struct tb_step *add_step(struct tb_plan *p, enum tb_step_kind kind, const char *path,
				const char *value, const char *undo, const char *reason)
{
	struct tb_step *s;

	if (ALLOC_GROW(p->steps, p->nsteps + 1, p->alloc))
		return NULL;
	s = &p->steps[p->nsteps];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->path = xstrdup(path);
	s->value = xstrdup(value);
	s->undo = xstrdup(undo);
	s->reason = xstrdup(reason);
	if (!s->path || (value && !s->value) || (undo && !s->undo) || (reason && !s->reason)) {
		free(s->path);
		free(s->value);
		free(s->undo);
		free(s->reason);
		return NULL;
	}
	p->nsteps++;
	return s;
}

/* Add a WRITE step; old is read from path now (for --dry-run), NULL if it does not exist yet. */
static int plan_write(struct tb_plan *p, const char *path, const char *value, const char *reason)
{
	struct strbuf sb = STRBUF_INIT;
	struct tb_step *s = add_step(p, TB_STEP_WRITE, path, value, NULL, reason);

	if (!s)
		return tb_error("out of memory");
	if (tb_read_file(path, &sb) == 0)
		s->old = tb_ctl_restore_value(path, strbuf_str(&sb));
	strbuf_release(&sb);
	return 0;
}

static int plan_append(struct tb_plan *p, const char *path, const char *value, const char *undo,
		       const char *reason)
{
	return add_step(p, TB_STEP_APPEND, path, value, undo, reason) ? 0 : tb_error("out of memory");
}

static int plan_mkdir(struct tb_plan *p, const char *path, const char *reason)
{
	return add_step(p, TB_STEP_MKDIR, path, NULL, NULL, reason) ? 0 : tb_error("out of memory");
}

void tb_plan_free(struct tb_plan *p)
{
	unsigned i;

	if (!p)
		return;
	for (i = 0; i < p->nsteps; i++) {
		free(p->steps[i].path);
		free(p->steps[i].value);
		free(p->steps[i].undo);
		free(p->steps[i].old);
		free(p->steps[i].reason);
	}
	free(p->steps);
	free(p->trace_dir);
	free(p->instance);
	free(p->source_reason);
	strlist_clear(&p->summary);
	strlist_clear(&p->notes);
	strlist_clear(&p->analyses);
	memset(p, 0, sizeof(*p));
}

static void summary(struct tb_plan *p, const char *fmt, ...) TB_PRINTF(2, 3);
static void summary(struct tb_plan *p, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strlist_add(&p->summary, strbuf_str(&sb));
	strbuf_release(&sb);
}

static void note(struct tb_plan *p, const char *fmt, ...) TB_PRINTF(2, 3);
static void note(struct tb_plan *p, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strlist_add(&p->notes, strbuf_str(&sb));
	strbuf_release(&sb);
}

/* ---- events the plan enables ------------------------------------------------------ */

struct plan_event {
	char *system, *event;
	char *filter;		/* kernel filter, or NULL */
	int stack;
	int line;
	const char *why;	/* where it comes from */
};

struct ev_list {
	struct plan_event *v;
	unsigned n, alloc;
};

static int ev_add(struct ev_list *l, const char *sys, const char *ev, const char *filter, int stack,
		  int line, const char *why)
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

static void ev_free(struct ev_list *l)
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

/* ---- slab caches -------------------------------------------------------------------- */

static int safe_name(const char *s)
{
	if (!s || !*s || !strcmp(s, ".") || strstr(s, ".."))
		return 0;
	for (; *s; s++)
		if (*s == '/' || isspace((unsigned char)*s) || *s == '"' || *s == '\\')
			return 0;
	return 1;
}

/* The object size of a kmalloc-N / kmalloc-Nk cache name (any kmalloc-*-N variant), or 0. */
static unsigned long kmalloc_size(const char *cache)
{
	const char *p = strstr(cache, "kmalloc-");
	const char *last;
	char *end;
	unsigned long n;

	if (!p)
		return 0;
	last = strrchr(cache, '-');
	if (!last || !isdigit((unsigned char)last[1]))
		return 0;
	n = strtoul(last + 1, &end, 10);
	if (*end == 'k' && !end[1])
		n *= 1024;
	else if (*end)
		return 0;
	return n;
}

static unsigned long read_ulong(const char *path)
{
	char buf[64];

	if (tb_read_line(path, buf, sizeof(buf)) < 0)
		return 0;
	return strtoul(buf, NULL, 10);
}

/*
 * The kernel filter that narrows kmem event ev to cache; NULL with *why set when the
 * event cannot be narrowed.  The filter is malloc'd.
 */
static char *cache_filter(const struct tb_caps *caps, const char *ev, const char *cache,
			  const char **why, int *approximate)
{
	const struct tb_kmem_event *k = tb_caps_kmem(caps, ev);
	unsigned long size = kmalloc_size(cache);
	char buf[256];

	*why = NULL;
	*approximate = 0;
	if (!k || !k->present) {
		*why = "the event has no fields that name a cache";
		return NULL;
	}
	if (k->has_name_field && !size) {
		snprintf(buf, sizeof(buf), "name == \"%s\"", cache);
		return strdup(buf);
	}
	if (!k->has_bytes_alloc) {
		*why = "the event records neither the cache nor the size";
		return NULL;
	}
	if (!size && caps->slab_dir[0]) {
		char path[PATH_MAX + 64];

		snprintf(path, sizeof(path), "%s/%s/slab_size", caps->slab_dir, cache);
		size = read_ulong(path);
		*approximate = 1;
	}
	if (!size) {
		*why = "the cache's object size is unknown";
		return NULL;
	}
	snprintf(buf, sizeof(buf), "bytes_alloc == %lu", size);
	return strdup(buf);
}

static char *and_filter(const char *a, const char *b)
{
	struct strbuf sb = STRBUF_INIT;

	if (!a || !*a)
		return b ? strdup(b) : NULL;
	if (!b || !*b)
		return strdup(a);
	strbuf_addf(&sb, "(%s) && (%s)", a, b);
	return strbuf_detach(&sb, NULL);
}

/* Does the event exist on this kernel (top-level events dir)? */
static int event_exists(const struct tb_caps *caps, const char *sys, const char *ev)
{
	char path[PATH_MAX + 256];

	snprintf(path, sizeof(path), "%s/events/%s/%s", caps->tracefs, sys, ev);
	return tb_exists(path);
}

/* "kmem:kmalloc, kmem:kfree": events of the system near ev. */
static char *near_events(const struct tb_caps *caps, const char *sys, const char *ev)
{
	struct strbuf list = STRBUF_INIT;
	char path[PATH_MAX + 64];
	char *near;

	snprintf(path, sizeof(path), "%s/available_events", caps->tracefs);
	if (tb_read_file(path, &list) == 0) {
		/* lines "sys:ev": rewrite to names only for matching system */
		struct strbuf names = STRBUF_INIT;
		const char *p = list.buf;
		size_t ls = strlen(sys);

		while (p && *p) {
			const char *eol = strchr(p, '\n');
			size_t len = eol ? (size_t)(eol - p) : strlen(p);

			if (len > ls && !strncmp(p, sys, ls) && p[ls] == ':') {
				strbuf_add(&names, p + ls + 1, len - ls - 1);
				strbuf_addch(&names, '\n');
			}
			p = eol ? eol + 1 : NULL;
		}
		near = tb_sym_near(ev, strbuf_str(&names), TB_SYM_LIST);
		strbuf_release(&names);
	} else {
		near = strdup("");
	}
	strbuf_release(&list);
	return near;
}

/* ---- pieces of the plan ------------------------------------------------------------- */

struct builder {
	struct tb_plan *p;
	struct tb_recipe *r;
	const struct tb_caps *caps;
	const struct tb_plan_opts *o;
	struct ev_list evs;
	char *base;		/* where event/options files are written: tracefs or instance */
	int stack_mode;		/* 0 none, 1 triggers, 2 global option */
	int want_stacks;
	struct strlist toggle_paths, toggle_reasons;	/* SLUB trace toggles, written last */
};

static int is_kmem_node_variant(const char *sys, const char *ev)
{
	size_t n = strlen(ev);

	return !strcmp(sys, "kmem") && n > 5 && !strcmp(ev + n - 5, "_node");
}

/* Recipe [tracepoint] sections into the event list. */
static int collect_tracepoints(struct builder *b)
{
	unsigned i;
	int r;

	for (i = 0; i < b->r->ntps; i++) {
		const struct tb_recipe_tracepoint *tp = &b->r->tps[i];
		char *filter = NULL;

		if (!event_exists(b->caps, tp->system, tp->event)) {
			char *near;

			if (tp->optional || is_kmem_node_variant(tp->system, tp->event)) {
				if (is_kmem_node_variant(tp->system, tp->event) && b->caps->kver >= TB_KVER(6, 1, 0))
					summary(b->p, "%s:%s: not on this kernel (folded into %.*s in 6.1): skipped",
						tp->system, tp->event, (int)(strlen(tp->event) - 5), tp->event);
				else
					summary(b->p, "%s:%s: not on this kernel (optional): skipped", tp->system, tp->event);
				continue;
			}
			near = near_events(b->caps, tp->system, tp->event);
			r = tb_error_code(TB_EXIT_BADINPUT,
					  "%s:%d: tracepoint '%s:%s' does not exist on this kernel (%s)%s%s",
					  b->r->path, tp->line, tp->system, tp->event, b->caps->release,
					  *near ? "; near: " : "", near);
			free(near);
			return r;
		}
		if (tp->cache) {
			const char *why;
			int approx;
			char *cf;

			if (!safe_name(tp->cache))
				return tb_error_code(TB_EXIT_BADINPUT, "%s:%d: cache name '%s': expected a slab cache name (no '/', '..', spaces or quotes)",
						     b->r->path, tp->line, tp->cache);
			cf = cache_filter(b->caps, tp->event, tp->cache, &why, &approx);
			if (!cf) {
				summary(b->p, "%s:%s: not narrowed to cache %s (%s)", tp->system, tp->event,
					tp->cache, why);
			} else {
				if (approx)
					note(b->p, "%s:%s narrowed to %s by object size (%s): other caches of that size are included",
					     tp->system, tp->event, tp->cache, cf);
				filter = and_filter(tp->filter, cf);
				free(cf);
			}
		} else if (tp->filter) {
			filter = strdup(tp->filter);
		}
		r = ev_add(&b->evs, tp->system, tp->event, filter, tp->stack, tp->line, "recipe");
		free(filter);
		if (r)
			return r;
	}
	return 0;
}

/* Replace slub:alloc / slub:free references of the recipe's analyses. */
static int rewrite_slub_refs(struct tb_recipe *r, const char *ref, const struct strlist *with)
{
	unsigned i;
	size_t j, k;

	for (i = 0; i < r->npairs; i++) {
		struct strlist *lists[2] = { &r->pairs[i].alloc, &r->pairs[i].free };
		int l;

		for (l = 0; l < 2; l++) {
			struct strlist nl = STRLIST_INIT;
			int hit = 0;

			for (j = 0; j < lists[l]->n; j++) {
				if (!strcmp(lists[l]->v[j], ref)) {
					hit = 1;
					for (k = 0; k < with->n; k++)
						if (!strlist_has(&nl, with->v[k]) && strlist_add(&nl, with->v[k]))
							return tb_error("out of memory");
				} else if (!strlist_has(&nl, lists[l]->v[j]) && strlist_add(&nl, lists[l]->v[j])) {
					return tb_error("out of memory");
				}
			}
			if (hit) {
				strlist_clear(lists[l]);
				*lists[l] = nl;
			} else {
				strlist_clear(&nl);
			}
		}
	}
	return 0;
}

/* SLUB per-cache trace toggles, or the kmem-tracepoint fallback. */
static int plan_slub(struct builder *b)
{
	const struct tb_caps *caps = b->caps;
	struct strlist alloc_ev = STRLIST_INIT, free_ev = STRLIST_INIT;
	size_t i;
	int r = 0, fell_back = 0;

	if (!b->r->slub)
		return 0;
	for (i = 0; i < b->r->slub->caches.n && !r; i++) {
		const char *c = b->r->slub->caches.v[i];
		char dir[PATH_MAX + 256], path[PATH_MAX + 300], reason[1024];
		struct stat st;
		int merged = 0, writable;
		unsigned long aliases;
		const char *boot;

		if (!safe_name(c)) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: cache name '%s': expected a slab cache name (no '/', '..', spaces or quotes)",
					  b->r->path, b->r->slub->line, c);
			break;
		}
		if (!caps->slab_sysfs || !caps->slab_dir[0]) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: SLUB trace of '%s': this kernel has no /sys/kernel/slab (not SLUB, or sysfs missing)",
					  b->r->path, b->r->slub->line, c);
			break;
		}
		snprintf(dir, sizeof(dir), "%s/%s", caps->slab_dir, c);
		snprintf(path, sizeof(path), "%s/trace", dir);
		if (lstat(dir, &st) < 0) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: slab cache '%s' does not exist on this kernel (see `tracebook slabs`)",
					  b->r->path, b->r->slub->line, c);
			break;
		}
		snprintf(path, sizeof(path), "%s/aliases", dir);
		aliases = read_ulong(path);
		snprintf(path, sizeof(path), "%s/trace", dir);
		merged = S_ISLNK(st.st_mode) || aliases > 0;
		writable = caps->slub_trace == TB_PRESENT && access(path, W_OK) == 0;
		boot = caps->kver < TB_KVER(4, 19, 0) ? "slub_nomerge" : "slab_nomerge";

		if (read_ulong(path) == 1) {
			/*
			 * Already on: booted with slub_debug=T,<cache> (the only way from 5.9),
			 * or set by someone before us.  The real records are in the kernel log;
			 * nothing to write, nothing to restore.
			 */
			b->p->kmsg = 1;
			summary(b->p, "SLUB trace of %s is already on (slub_debug=T,%s at boot, or set before this run): kernel log records, nothing written",
				c, c);
			continue;
		}

		if (writable && (!merged || caps->kver < TB_KVER(4, 0, 0))) {
			snprintf(reason, sizeof(reason),
				 "SLUB trace of %s: every alloc/free of the cache is logged with a stack to the kernel log%s",
				 c, merged ? " (merged cache: the kernel traces all its aliases too)" : "");
			if (strlist_add(&b->toggle_paths, path) || strlist_add(&b->toggle_reasons, reason))
				r = tb_error("out of memory");
			b->p->kmsg = 1;
			summary(b->p, "SLUB trace toggle for %s (kernel log records)%s", c,
				merged ? "; merged: aliases traced too" : "");
			note(b->p, "SLUB trace prints every alloc and free of %s (with a stack, and a hex dump on free) to the kernel log: slow on a busy cache, and the console slows it further at a high loglevel",
			     c);
			continue;
		}
		/* fallback: kmem tracepoints narrowed to the cache */
		fell_back = 1;
		{
			static const char *const allocs[] = { "kmalloc", "kmem_cache_alloc" };
			static const char *const frees[] = { "kfree", "kmem_cache_free" };
			unsigned k;
			int any = 0;

			for (k = 0; k < 2 && !r; k++) {
				const char *why;
				int approx;
				char *f;

				if (!event_exists(caps, "kmem", allocs[k]))
					continue;
				if (k == 0 && !kmalloc_size(c))
					continue;	/* kmalloc only feeds kmalloc-N caches */
				f = cache_filter(caps, allocs[k], c, &why, &approx);
				if (!f)
					continue;
				if (approx)
					note(b->p, "kmem:%s narrowed to %s by object size (%s): other caches of that size are included",
					     allocs[k], c, f);
				r = ev_add(&b->evs, "kmem", allocs[k], f, 1, b->r->slub->line, "slub fallback");
				free(f);
				snprintf(reason, sizeof(reason), "kmem:%s", allocs[k]);
				if (!strlist_has(&alloc_ev, reason))
					strlist_add(&alloc_ev, reason);
				any = 1;
			}
			for (k = 0; k < 2 && !r && any; k++) {
				const char *why;
				int approx;
				char *f = NULL;
				const struct tb_kmem_event *ke = tb_caps_kmem(caps, frees[k]);

				if (!event_exists(caps, "kmem", frees[k]))
					continue;
				if (ke && ke->has_name_field && !kmalloc_size(c))
					f = cache_filter(caps, frees[k], c, &why, &approx);
				r = ev_add(&b->evs, "kmem", frees[k], f, 0, b->r->slub->line, "slub fallback");
				free(f);
				snprintf(reason, sizeof(reason), "kmem:%s", frees[k]);
				if (!strlist_has(&free_ev, reason))
					strlist_add(&free_ev, reason);
			}
			if (!any && !r) {
				r = tb_error_code(TB_EXIT_BADINPUT,
						  "SLUB trace of %s: the toggle cannot be written here (%s) and no kmem tracepoint can be narrowed to that cache; boot with slub_debug=T,%s",
						  c, merged ? "merged cache" : "read-only", c);
				break;
			}
		}
		if (merged && writable)
			snprintf(reason, sizeof(reason), "merged with other caches: the kernel refuses the toggle (EINVAL)");
		else
			snprintf(reason, sizeof(reason), "the toggle is read-only since 5.9");
		summary(b->p, "SLUB trace of %s: %s; using kmem tracepoints filtered to that cache instead",
			c, reason);
		note(b->p, "SLUB trace of %s was replaced by kmem tracepoints (%s); the real thing needs the boot parameter slub_debug=T,%s%s%s%s",
		     c, reason, c, merged ? " (a traced cache is never merged; " : "", merged ? boot : "",
		     merged ? " would unmerge every cache)" : "");
	}
	if (!r && fell_back) {
		r = rewrite_slub_refs(b->r, "slub:alloc", &alloc_ev);
		if (!r)
			r = rewrite_slub_refs(b->r, "slub:free", &free_ev);
	}
	strlist_clear(&alloc_ev);
	strlist_clear(&free_ev);
	return r;
}

/*
 * Each toggle, then the cache's shrink: objects already on the per-CPU freelists are
 * handed out by the fast path, which never sees the debug flag, until those slabs
 * are used up or flushed (4.19: 9 allocations of a warm cache gave 0 records; after
 * writing 1 to shrink, 9 alloc + 9 free records).  shrink flushes them at once.
 */
static int plan_slub_toggles(struct builder *b)
{
	char shrink[PATH_MAX + 16], why[512];
	size_t i;
	int r = 0;

	for (i = 0; i < b->toggle_paths.n && !r; i++) {
		const char *t = b->toggle_paths.v[i];
		const char *cache;
		size_t n = strlen(t) - strlen("/trace");

		r = plan_write(b->p, t, "1", b->toggle_reasons.v[i]);
		if (r)
			break;
		snprintf(shrink, sizeof(shrink), "%.*s/shrink", (int)n, t);
		cache = memrchr(t, '/', n);
		cache = cache ? cache + 1 : t;
		if (access(shrink, W_OK) == 0) {
			snprintf(why, sizeof(why),
				 "flush %.*s's per-CPU slabs so the trace takes effect at once: objects already on the per-CPU freelists would otherwise be handed out without passing the traced path",
				 (int)(t + n - cache), cache);
			r = add_step(b->p, TB_STEP_POKE, shrink, "1", NULL, why) ? 0 : tb_error("out of memory");
		} else {
			note(b->p, "SLUB trace of %.*s cannot take effect at once: %s, so the per-CPU slabs cannot be flushed; objects already on the per-CPU freelists are handed out untraced until those slabs are used up (few or no records at first, allocations missing)",
			     (int)(t + n - cache), cache,
			     tb_exists(shrink) ? "its shrink file is not writable" : "this kernel has no shrink file for it");
		}
	}
	return r;
}

/* Check kprobe points against kallsyms and the blacklist; write the definitions. */
static int plan_kprobes(struct builder *b)
{
	const struct tb_caps *caps = b->caps;
	struct strbuf ksyms = STRBUF_INIT, black = STRBUF_INIT, cur = STRBUF_INIT;
	char path[PATH_MAX + 64];
	unsigned i, nent;
	int r = 0, have_ksyms, have_black;

	if (!b->r->nkps)
		return 0;
	if (caps->kprobes == TB_ABSENT)
		return tb_error_code(TB_EXIT_BADINPUT,
				     "%s:%d: kprobe %s: this kernel has no kprobe_events (CONFIG_KPROBE_EVENTS is off)",
				     b->r->path, b->r->kps[0].line, b->r->kps[0].name);
	if (caps->kprobes == TB_REFUSED)
		return tb_error_code(TB_EXIT_REFUSED,
				     "kprobes are refused on this system (EPERM: lockdown or policy)");
	snprintf(path, sizeof(path), "%s/kallsyms", caps->proc_dir);
	have_ksyms = tb_read_file(path, &ksyms) == 0 && ksyms.len;
	have_black = tb_root_path(path, sizeof(path), "/sys/kernel/debug/kprobes/blacklist") == 0 &&
		     tb_read_file(path, &black) == 0;
	if (!have_black && caps->kver >= TB_KVER(4, 19, 0))
		note(b->p, "kprobe blacklist %s not readable (debugfs not mounted there?): probe points were checked against kallsyms only",
		     path);
	snprintf(path, sizeof(path), "%s/kprobe_events", caps->tracefs);
	tb_read_file(path, &cur);

	for (i = 0; i < b->r->nkps && !r; i++) {
		const struct tb_recipe_kprobe *kp = &b->r->kps[i];
		struct strbuf line = STRBUF_INIT, undo = STRBUF_INIT, why = STRBUF_INIT, mine = STRBUF_INIT;
		char sym[256];
		size_t sl = strcspn(kp->probe ? kp->probe : "", "+");

		r = tb_kprobe_translate(kp, caps, &line);
		if (r) {
			strbuf_release(&line);
			break;
		}
		snprintf(sym, sizeof(sym), "%.*s", (int)(sl < 255 ? sl : 255), kp->probe);
		if (strchr(sym, ':'))		/* MOD:SYM */
			memmove(sym, strchr(sym, ':') + 1, strlen(strchr(sym, ':') + 1) + 1);
		if (have_ksyms && !tb_sym_count(ksyms.buf, TB_SYM_KALLSYMS, sym)) {
			char *near = tb_sym_near(sym, ksyms.buf, TB_SYM_KALLSYMS);

			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: kprobe %s: function '%s' is not in /proc/kallsyms of this kernel (%s)%s%s",
					  b->r->path, kp->line, kp->name, sym, caps->release,
					  *near ? "; did you mean: " : "", near);
			free(near);
		} else if (have_black && tb_sym_count(black.buf, TB_SYM_BLACKLIST, sym)) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: kprobe %s: '%s' is on the kernel's kprobe blacklist (it cannot be probed)",
					  b->r->path, kp->line, kp->name, sym);
		}
		strbuf_addf(&mine, "%s/%s ", TB_KPROBE_GROUP, kp->name);
		if (!r && strstr(strbuf_str(&cur), mine.buf))
			r = tb_error_code(TB_EXIT_BUSY, "kprobe %s/%s already exists (a run that died?): run `tracebook restore` first",
					  TB_KPROBE_GROUP, kp->name);
		if (!r) {
			strbuf_addf(&undo, "-:%s/%s", TB_KPROBE_GROUP, kp->name);
			strbuf_addf(&why, "define %s probe %s/%s on %s (appended: other users' probes stay)%s",
				    kp->is_return ? "return" : "entry", TB_KPROBE_GROUP, kp->name, sym,
				    (!caps->kprobe_argn && strstr(line.buf, "%")) ?
				    "; $argN written as registers: this kernel has no $argN" : "");
			r = plan_append(b->p, path, line.buf, undo.buf, why.buf);
		}
		if (!r && kp->is_return && kp->stack) {
			/*
			 * A kretprobe's stack is taken in the return trampoline: on x86_64 (4.19,
			 * 5.10) it reads kretprobe_trace_func <- kretprobe_dispatcher <-
			 * __kretprobe_trampoline_handler <- ..., the caller is lost (arm64 gives
			 * the real one).  The stack is taken where it means something on every
			 * kernel: an entry probe of the same function, joined to its return by
			 * task in the analysis.
			 */
			char ename[128];

			snprintf(ename, sizeof(ename), "%s" TB_KPROBE_ENTRY_SUFFIX, kp->name);
			strbuf_reset(&line);
			strbuf_reset(&undo);
			strbuf_reset(&why);
			strbuf_addf(&line, "p:%s/%s %s", TB_KPROBE_GROUP, ename, sym);
			strbuf_addf(&undo, "-:%s/%s", TB_KPROBE_GROUP, ename);
			strbuf_addf(&why, "entry probe %s/%s on %s for the stacks of %s: a return probe's own stack is the return trampoline's on x86_64 (kretprobe_trampoline <- ...), so the stack is taken at entry and joined to the return by task",
				    TB_KPROBE_GROUP, ename, sym, kp->name);
			if (strlen(ename) > 63)
				r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: kprobe %s: name too long for its entry probe %s (under 58 characters)",
						  b->r->path, kp->line, kp->name, ename);
			if (!r)
				r = plan_append(b->p, path, line.buf, undo.buf, why.buf);
			if (!r)
				r = ev_add(&b->evs, TB_KPROBE_GROUP, ename, NULL, 1, kp->line, "kprobe entry (stacks)");
			if (!r) {
				char *f = kp->filter ? strdup(kp->filter) : NULL;

				r = ev_add(&b->evs, TB_KPROBE_GROUP, kp->name, f, 0, kp->line, "kprobe");
				free(f);
			}
			if (!r)
				summary(b->p, "stacks of return probe %s taken on the entry probe %s (joined by task)",
					kp->name, ename);
		} else if (!r) {
			char *f = kp->filter ? strdup(kp->filter) : NULL;

			r = ev_add(&b->evs, TB_KPROBE_GROUP, kp->name, f, kp->stack, kp->line, "kprobe");
			free(f);
		}
		strbuf_release(&line);
		strbuf_release(&undo);
		strbuf_release(&why);
		strbuf_release(&mine);
	}
	if (!r && !have_ksyms)
		note(b->p, "kprobe functions not checked: /proc/kallsyms unreadable");
	for (i = 0, nent = 0; i < b->r->nkps; i++)
		nent += b->r->kps[i].is_return && b->r->kps[i].stack;
	summary(b->p, "%u kprobe(s) in group %s%s", b->r->nkps + nent, TB_KPROBE_GROUP,
		caps->kprobe_argn ? "" : "; $argN translated to argument registers");
	strbuf_release(&ksyms);
	strbuf_release(&black);
	strbuf_release(&cur);
	return r;
}

/* Filters, stacks and enables of the collected events. */
static int plan_events(struct builder *b)
{
	char path[PATH_MAX + 512];
	unsigned i;
	int r = 0, global_stack = 0;

	for (i = 0; i < b->evs.n && !r; i++) {
		struct plan_event *e = &b->evs.v[i];
		struct strbuf why = STRBUF_INIT;

		if (e->stack && b->stack_mode && !e->filter && tb_event_is_hot(e->system, e->event) && !b->o->force) {
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
			if (b->stack_mode == 1) {
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
			} else if (b->stack_mode == 2) {
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

/* Function tracer: filter checked, filter before tracer, func_stack_trace after. */
static int plan_function(struct builder *b)
{
	const struct tb_recipe_function *f = b->r->function;
	const struct tb_caps *caps = b->caps;
	struct strbuf avail = STRBUF_INIT, cur = STRBUF_INIT;
	char path[PATH_MAX + 64];
	size_t i;
	int r = 0, e;

	if (!f)
		return 0;
	if (caps->function == TB_REFUSED || caps->func_filter == TB_REFUSED)
		return tb_error_code(TB_EXIT_REFUSED, "function tracer refused on this system (EPERM)");
	if (caps->function == TB_ABSENT || !strlist_has(&caps->tracers, "function"))
		return tb_error_code(TB_EXIT_BADINPUT, "%s:%d: this kernel has no function tracer (CONFIG_FUNCTION_TRACER is off)",
				     b->r->path, f->line);
	if (!f->funcs.n && !b->o->force)
		return tb_error_code(TB_EXIT_BADINPUT, "%s:%d: the function tracer without a function list traces every kernel function; name the functions or use --force",
				     b->r->path, f->line);
	snprintf(path, sizeof(path), "%s/available_filter_functions", caps->tracefs);
	e = tb_read_file(path, &avail);
	if (e == -EPERM || e == -EACCES) {
		strbuf_release(&avail);
		return tb_error_code(TB_EXIT_REFUSED, "function tracer refused on this system (EPERM)");
	}
	if (e < 0) {
		strbuf_release(&avail);
		return tb_error_code(TB_EXIT_NOTRACING, "cannot read %s: %s", path, strerror(-e));
	}
	for (i = 0; i < f->funcs.n; i++) {
		const char *fn = f->funcs.v[i];
		size_t n = strlen(fn);

		if (!strcmp(fn, "*") && !b->o->force) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: function '*' traces every kernel function; use --force if you mean it",
					  b->r->path, f->line);
			break;
		}
		if (caps->kver < TB_KVER(4, 10, 0) && strpbrk(fn, "?[")) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: function glob '%s': this kernel's set_ftrace_filter takes only foo, foo*, *foo and *foo*",
					  b->r->path, f->line, fn);
			break;
		}
		if (caps->kver < TB_KVER(4, 10, 0) && n > 2 && memchr(fn + 1, '*', n - 2)) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: function glob '%s': this kernel cuts a '*' in the middle (a*b becomes a*); use foo, foo*, *foo or *foo*",
					  b->r->path, f->line, fn);
			break;
		}
		if (!tb_sym_count(avail.buf, TB_SYM_LIST, fn)) {
			char *near = tb_sym_near(fn, avail.buf, TB_SYM_LIST);

			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: function '%s' is not in available_filter_functions of this kernel (%s)%s%s",
					  b->r->path, f->line, fn, caps->release,
					  *near ? "; did you mean: " : "", near);
			free(near);
			break;
		}
	}
	snprintf(path, sizeof(path), "%s/set_ftrace_filter", caps->tracefs);
	if (!r)
		tb_read_file(path, &cur);
	for (i = 0; i < f->funcs.n && !r; i++) {
		const char *fn = f->funcs.v[i];
		struct strbuf undo = STRBUF_INIT;
		char why[512];

		if (!strpbrk(fn, "*?[") && tb_sym_count(cur.buf, TB_SYM_LIST, fn)) {
			summary(b->p, "function %s was already in set_ftrace_filter (someone else's): left alone", fn);
			continue;
		}
		strbuf_addf(&undo, "!%s", fn);
		snprintf(why, sizeof(why), "trace %s (appended to the function filter, set before the tracer so it never traces everything)", fn);
		r = plan_append(b->p, path, fn, undo.buf, why);
		strbuf_release(&undo);
	}
	if (!r) {
		snprintf(path, sizeof(path), "%s/current_tracer", caps->tracefs);
		r = plan_write(b->p, path, "function", "start the function tracer (after its filter)");
	}
	if (!r && f->stack) {
		snprintf(path, sizeof(path), "%s/options/func_stack_trace", caps->tracefs);
		r = plan_write(b->p, path, "1", "a stack per traced call (only after the tracer is set: the option file appears then on 3.10)");
	}
	if (!r)
		summary(b->p, "function tracer on %zu function pattern(s)%s", f->funcs.n,
			f->stack ? " with a stack per call" : "");
	b->p->uses_function_tracer = 1;
	strbuf_release(&avail);
	strbuf_release(&cur);
	return r;
}

/*
 * Does a `stacktrace` trigger inside an instance write its stack to the instance's
 * buffer?  Since upstream commit ce33c845b030 "tracing: Dump stacktrace trigger to
 * the corresponding instance" (v5.17-rc6, Feb 2022; Cc stable, so also 5.16.12,
 * 5.15.26, 5.10.113, 5.4.191, 4.19.240, 4.14.277).  Before it, stacktrace_trigger()
 * called trace_dump_stack(), which writes to the top-level buffer.  The stable
 * sublevel is read from the release, or, where a distribution hides it ("5.10.0-28-
 * amd64"), from /proc/version ("Debian 5.10.209-1").  why gets the reason in words.
 * Returns 1 (instance), 0 (top level, or not known: the top level works either way).
 */
static int trigger_stack_in_instance(const struct tb_caps *caps, char *why, size_t size)
{
	static const unsigned fixed[][3] = {
		{ 5, 16, 12 }, { 5, 15, 26 }, { 5, 10, 113 }, { 5, 4, 191 }, { 4, 19, 240 }, { 4, 14, 277 },
	};
	struct strbuf sb = STRBUF_INIT;
	char path[PATH_MAX + 16];
	unsigned a = 0, b = 0, c = 0, i;
	const char *from = "the release", *deb;
	int n;

	n = sscanf(caps->release, "%u.%u.%u", &a, &b, &c);
	snprintf(path, sizeof(path), "%s/version", caps->proc_dir);
	if (tb_read_file(path, &sb) == 0 && (deb = strstr(sb.buf, " Debian ")) &&
	    sscanf(deb + 8, "%u.%u.%u", &a, &b, &c) == 3) {
		from = "/proc/version (Debian)";
		n = 3;
	}
	strbuf_release(&sb);
	if (n < 2) {
		snprintf(why, size, "kernel version '%s' not understood: a stacktrace trigger in an instance may write to the top-level buffer", caps->release);
		return 0;
	}
	if (a > 5 || (a == 5 && b >= 17)) {
		snprintf(why, size, "%u.%u: a stacktrace trigger writes to its instance's buffer (since 5.17)", a, b);
		return 1;
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (a != fixed[i][0] || b != fixed[i][1])
			continue;
		if (n == 3 && c >= fixed[i][2]) {
			snprintf(why, size, "%u.%u.%u (from %s): a stacktrace trigger writes to its instance's buffer (fixed in 5.17, %u.%u.%u+ in stable)",
				 a, b, c, from, fixed[i][0], fixed[i][1], fixed[i][2]);
			return 1;
		}
		snprintf(why, size, "%u.%u.%u (from %s): a stacktrace trigger in an instance writes its stack to the top-level buffer (fixed in 5.17 and %u.%u.%u)",
			 a, b, c, from, fixed[i][0], fixed[i][1], fixed[i][2]);
		return 0;
	}
	snprintf(why, size, "%u.%u: a stacktrace trigger in an instance writes its stack to the top-level buffer (fixed in 5.17; this series got no backport)", a, b);
	return 0;
}

static int plan_buffer(struct builder *b)
{
	const struct tb_caps *caps = b->caps;
	unsigned long cur = caps->buffer_kb, want, cap_kb, mem;
	unsigned ncpus = caps->ncpus ? (unsigned)caps->ncpus : 1;
	char path[PATH_MAX + 64], val[32], why[512];
	uint64_t rate = 100000;		/* filtered or rare events */
	unsigned i;

	/* unknown (the capture assumes its worst measured rate) when any hot event is unfiltered */
	for (i = 0; i < b->evs.n; i++)
		if (!b->evs.v[i].filter && tb_event_is_hot(b->evs.v[i].system, b->evs.v[i].event))
			rate = 0;

	if (!cur)
		return 0;
	want = tb_buffer_kb(caps, rate, cur);
	cap_kb = TB_PLAN_MAX_BUFFER_KB;
	mem = (unsigned long)tb_mem_total_kb(caps->proc_dir);
	if (mem && mem / 16 / ncpus < cap_kb)
		cap_kb = mem / 16 / ncpus;	/* at most 1/16 of memory in all */
	if (want > cap_kb && !b->o->force) {
		summary(b->p, "buffer capped at %lu KiB per CPU (asked %lu; --force lifts the cap)", cap_kb, want);
		want = cap_kb;
	}
	if (want < cur)
		want = cur;
	b->p->buffer_kb = want;
	if (want == cur && !b->p->instance)
		return 0;
	if (b->p->instance && !caps->buffer_expanded && caps->buffer_kb_expanded) {
		struct strbuf raw = STRBUF_INIT;
		struct tb_step *s;

		/*
		 * Resizing the instance's buffer sets the kernel's ring_buffer_expanded for
		 * everybody: the top level would stay at its boot-time minimum ("7 (expanded:
		 * 1408)" reads "7" afterwards).  Journal it; restore writes the expanded size,
		 * what any first use of tracing leaves.
		 */
		snprintf(path, sizeof(path), "%s/buffer_size_kb", b->caps->tracefs);
		snprintf(val, sizeof(val), "%lu", caps->buffer_kb_expanded);
		snprintf(why, sizeof(why),
			 "the top-level buffer is not expanded yet (%lu KiB per CPU until first use); resizing our instance's buffer expands it for everybody without growing it, so restore writes %lu, the size its first use would give",
			 cur, caps->buffer_kb_expanded);
		s = add_step(b->p, TB_STEP_KEEP, path, val, NULL, why);
		if (!s)
			return tb_error("out of memory");
		if (tb_read_file(path, &raw) == 0) {
			strbuf_rtrim(&raw);
			s->old = strbuf_detach(&raw, NULL);
		}
		strbuf_release(&raw);
	}
	snprintf(path, sizeof(path), "%s/buffer_size_kb", b->base);
	snprintf(val, sizeof(val), "%lu", want);
	snprintf(why, sizeof(why), "per-CPU ring buffer of %lu KiB x %u CPUs, so bursts are not lost", want, ncpus);
	return plan_write(b->p, path, val, why);
}

static void describe_analyses(struct tb_plan *p, const struct tb_recipe *r)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned i;
	size_t j;

	for (i = 0; i < r->npairs; i++) {
		const struct tb_recipe_pair *a = &r->pairs[i];

		strbuf_reset(&sb);
		strbuf_addf(&sb, "pair %s: alloc", a->label ? a->label : "");
		for (j = 0; j < a->alloc.n; j++)
			strbuf_addf(&sb, " %s", a->alloc.v[j]);
		strbuf_addstr(&sb, " <-> free");
		for (j = 0; j < a->free.n; j++)
			strbuf_addf(&sb, " %s", a->free.v[j]);
		strbuf_addf(&sb, " by %s", a->alloc_key ? a->alloc_key : "?");
		if (a->free_key && a->alloc_key && strcmp(a->free_key, a->alloc_key))
			strbuf_addf(&sb, "/%s", a->free_key);
		strbuf_addf(&sb, ", grouped by %s%s%s",
			    a->group == (TB_GROUP_SITE | TB_GROUP_STACK) ? "site+stack" :
			    a->group == TB_GROUP_STACK ? "stack" :
			    a->group == TB_GROUP_SITE ? "site" : (a->by ? "" : "nothing (one group)"),
			    a->by && a->group ? "+" : "", a->by ? a->by : "");
		strlist_add(&p->analyses, sb.buf);
	}
	for (i = 0; i < r->ncounts; i++) {
		const struct tb_recipe_count *c = &r->counts[i];

		strbuf_reset(&sb);
		strbuf_addf(&sb, "count %s:", c->label ? c->label : "");
		for (j = 0; j < c->funcs.n; j++)
			strbuf_addf(&sb, " %s", c->funcs.v[j]);
		for (j = 0; j < c->events.n; j++)
			strbuf_addf(&sb, " %s", c->events.v[j]);
		if (c->by_caller)
			strbuf_addstr(&sb, ", by caller");
		for (j = 0; j < c->balance.n; j++)
			strbuf_addf(&sb, "%s%s", j ? " " : ", balance ", c->balance.v[j]);
		strlist_add(&p->analyses, sb.buf);
	}
	for (i = 0; i < r->nbalances; i++) {
		const struct tb_recipe_balance *bl = &r->balances[i];

		strbuf_reset(&sb);
		strbuf_addf(&sb, "balance %s: get", bl->label ? bl->label : "");
		for (j = 0; j < bl->get.n; j++)
			strbuf_addf(&sb, " %s", bl->get.v[j]);
		strbuf_addstr(&sb, " <-> put");
		for (j = 0; j < bl->put.n; j++)
			strbuf_addf(&sb, " %s", bl->put.v[j]);
		strlist_add(&p->analyses, sb.buf);
	}
	if (r->growth && r->growth->enabled) {
		strbuf_reset(&sb);
		strbuf_addstr(&sb, "growth:");
		for (j = 0; j < r->growth->from.n; j++)
			strbuf_addf(&sb, " %s", r->growth->from.v[j]);
		if (r->growth->caches.n) {
			strbuf_addstr(&sb, "; focus");
			for (j = 0; j < r->growth->caches.n; j++)
				strbuf_addf(&sb, " %s", r->growth->caches.v[j]);
		}
		strlist_add(&p->analyses, sb.buf);
	}
	strbuf_release(&sb);
}

int tb_plan_build(struct tb_plan *p, struct tb_recipe *r, const struct tb_caps *caps,
		  const struct tb_plan_opts *o)
{
	struct builder b;
	char path[PATH_MAX + 64];
	int ret = 0, use_instance, trig_in_inst;
	char trig_why[256];
	char durbuf[32];
	unsigned k;

	memset(p, 0, sizeof(*p));
	memset(&b, 0, sizeof(b));
	b.p = p;
	b.r = r;
	b.caps = caps;
	b.o = o;

	/* duration */
	p->duration_ns = o->duration_ns ? o->duration_ns :
		r->duration_ns ? r->duration_ns : TB_PLAN_DEFAULT_DURATION_NS;
	if (p->duration_ns > TB_PLAN_MAX_DURATION_NS && !o->force)
		return tb_error_code(TB_EXIT_USAGE, "duration %s is over the 1h limit; use --force for longer runs",
				     tb_fmt_duration(p->duration_ns, durbuf, sizeof(durbuf)));

	/* where: an instance of our own where instances have their own options (4.19+) */
	/* source */
	{
		char raw[PATH_MAX + 64];

		snprintf(raw, sizeof(raw), "%s/per_cpu/cpu0/trace_pipe_raw", caps->tracefs);
		if (!o->text && tb_exists(raw)) {
			p->source = TB_SRC_RAW;
			p->source_reason = strdup("raw per-CPU buffers (per_cpu/cpuN/trace_pipe_raw): binary, lossless reading, pointers never hashed");
		} else {
			p->source = TB_SRC_TEXT;
			p->source_reason = strdup(o->text ? "trace_pipe text (--text): slower; may lose events under load" :
						  "trace_pipe text (fallback: no per-CPU raw buffers here)");
		}
		if (!p->source_reason)
			return tb_error("out of memory");
	}

	ret = collect_tracepoints(&b);
	if (!ret)
		ret = plan_slub(&b);
	if (!ret)
		ret = plan_kprobes(&b);
	if (ret)
		goto out;
	for (k = 0; k < b.evs.n; k++)
		b.want_stacks |= b.evs.v[k].stack;
	use_instance = caps->instances && caps->instance_options && !r->function && b.evs.n;
	trig_in_inst = trigger_stack_in_instance(caps, trig_why, sizeof(trig_why));
	if (use_instance && b.want_stacks && caps->triggers && !trig_in_inst) {
		/* the trigger's stack would land in the top-level buffer, and an instance's
		 * stacktrace option would stack every event of the instance */
		use_instance = 0;
	}
	if (use_instance) {
		snprintf(path, sizeof(path), "%s/instances/tracebook-%ld", caps->tracefs, (long)o->pid);
		p->instance = strdup(path);
		p->trace_dir = strdup(path);
		summary(p, "events in our own instance instances/tracebook-%ld (the top-level buffer and other users' settings are not touched)",
			(long)o->pid);
	} else {
		p->trace_dir = strdup(caps->tracefs);
		summary(p, "top-level tracing buffer (%s)", r->function ? "the function tracer lives there" :
			!caps->instances ? "this kernel has no instances" :
			!caps->instance_options ? "instances share the global options on this kernel" :
			!b.evs.n ? "no trace events: kernel log records only" : trig_why);
	}
	if (!p->trace_dir || (use_instance && !p->instance))
		ret = tb_error("out of memory");
	b.base = p->trace_dir;

	/* stacks: trigger, or option narrowed by filters */
	if (b.want_stacks) {
		if (caps->triggers && (!use_instance || trig_in_inst)) {
			b.stack_mode = 1;
			if (use_instance)
				summary(p, "per-event stacks by stacktrace trigger in our instance: %s", trig_why);
			else
				summary(p, "per-event stacks by stacktrace trigger");
		} else if (use_instance && caps->opt_stacktrace) {
			b.stack_mode = 2;
			summary(p, "stacks by the instance's stacktrace option (%s)", trig_why);
		} else if (caps->opt_stacktrace) {
			b.stack_mode = 2;
			summary(p, "per-event stacks by the global stacktrace option narrowed by event filters (no event triggers on this kernel)");
		} else {
			note(p, "no way to record stacks on this kernel: results are by call site only");
		}
	}


	/* a 3.10-style global stack option would put stacks on every enabled event */
	if (!ret && b.stack_mode == 2) {
		unsigned i;

		for (i = 0; i < b.evs.n; i++) {
			const struct plan_event *e = &b.evs.v[i];

			if (!e->stack && !e->filter && tb_event_is_hot(e->system, e->event)) {
				if (o->force) {
					note(p, "global stacktrace option: %s:%s (unfiltered) gets a stack on every event too (--force)",
					     e->system, e->event);
				} else {
					unsigned k;

					for (k = 0; k < b.evs.n; k++)
						b.evs.v[k].stack = 0;
					b.stack_mode = 0;
					/* the last choice said how stacks would be taken: they are not */
					if (p->summary.n)
						free(p->summary.v[--p->summary.n]);
					summary(p, "no stacks (see the note)");
					note(p, "stacks dropped: on this kernel stacks come from the global stacktrace option, which would also put a stack on every unfiltered %s:%s; results are by call site (--force takes stacks anyway)",
					     e->system, e->event);
					break;
				}
			}
		}
	}

	if (!ret && use_instance) {
		ret = plan_mkdir(p, p->instance, "our own trace instance: private buffer, options and event settings; removed at the end");
	}
	if (!ret && (b.evs.n || r->function))
		ret = plan_buffer(&b);
	if (!ret && p->source == TB_SRC_TEXT) {
		if (caps->opt_hash_ptr) {
			snprintf(path, sizeof(path), "%s/options/hash-ptr", b.base);
			ret = plan_write(p, path, "0", "print real pointers in trace text (hashed 32-bit ids collide and cannot be paired)");
		} else if (caps->kver >= TB_KVER(4, 15, 0)) {
			note(p, "text source on a kernel that hashes %%p with no opt-out: pointers are 32-bit hashes, pairs may collide");
		}
	}
	if (!ret)
		ret = plan_events(&b);
	if (!ret)
		ret = plan_function(&b);
	if (!ret)
		ret = plan_slub_toggles(&b);
	if (!ret) {
		/* always journaled: the capture turns tracing_on off at the end */
		snprintf(path, sizeof(path), "%s/tracing_on", b.base);
		ret = plan_write(p, path, "1", "tracing on for the run (the capture turns it off at the end to drain the buffers)");
	}
	if (!ret) {
		p->snapshot = r->snapshot;
		describe_analyses(p, r);
		if (p->kmsg)
			summary(p, "kernel log (/dev/kmsg) read from the start of the run for SLUB TRACE records");
	}
out:
	ev_free(&b.evs);
	strlist_clear(&b.toggle_paths);
	strlist_clear(&b.toggle_reasons);
	return ret;
}

char *tb_near_names(const char *name, const char *text, int kallsyms_format)
{
	return tb_sym_near(name, text, kallsyms_format ? TB_SYM_KALLSYMS : TB_SYM_LIST);
}
