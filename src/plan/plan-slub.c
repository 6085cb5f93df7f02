/*
 * plan-slub.c - SLUB's per-cache trace ([slub-trace] caches): the toggle
 * /sys/kernel/slab/<cache>/trace where it can be written and the cache is not merged
 * (or on 3.x, where merged caches take it too), its records read from the kernel log;
 * where not (read-only since 5.9, EINVAL for a merged cache), kmem tracepoints
 * narrowed to the cache, and the boot parameter that would give the real thing.
 * The fallback's events are remembered in the builder so plan-spec.c can resolve
 * slub:alloc / slub:free references in the plan's copy of the analyses.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "plan/plan-local.h"
#include "util/err.h"
#include "util/fileio.h"

/* SLUB per-cache trace toggles (chosen, written last), or the kmem-tracepoint fallback. */
int plan_slub(struct plan_builder *b)
{
	const struct tb_caps *caps = b->caps;
	size_t i;
	int r = 0;

	if (!b->r->slub)
		return 0;
	for (i = 0; i < b->r->slub->caches.n && !r; i++) {
		const char *c = b->r->slub->caches.v[i];
		char dir[PATH_MAX + 256], path[PATH_MAX + 300], reason[1024];
		struct stat st;
		int merged = 0, writable;
		unsigned long aliases;
		const char *boot;

		if (!plan_safe_name(c)) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: cache name '%s': expected a slab cache name (no '/', '..', spaces or quotes)",
					  b->r->path, b->r->slub->line, c);
			break;
		}
		if (!caps->slab_sysfs || !caps->slab_dir[0]) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: SLUB trace of '%s': this kernel has no /sys/kernel/slab (not SLUB, or sysfs missing)",
					  b->r->path, b->r->slub->line, c);
			break;
		}
		if ((r = plan_check_cache(b, c, b->r->slub->line)))
			break;
		snprintf(dir, sizeof(dir), "%s/%s", caps->slab_dir, c);
		snprintf(path, sizeof(path), "%s/trace", dir);
		if (lstat(dir, &st) < 0) {
			r = tb_error_code(TB_EXIT_BADINPUT, "%s:%d: slab cache '%s' does not exist on this kernel (see `tracebook slabs`)",
					  b->r->path, b->r->slub->line, c);
			break;
		}
		snprintf(path, sizeof(path), "%s/aliases", dir);
		aliases = plan_read_ulong(path);
		snprintf(path, sizeof(path), "%s/trace", dir);
		merged = S_ISLNK(st.st_mode) || aliases > 0;
		writable = caps->slub_trace == TB_PRESENT && access(path, W_OK) == 0;
		boot = caps->kver < TB_KVER(4, 19, 0) ? "slub_nomerge" : "slab_nomerge";

		if (plan_read_ulong(path) == 1) {
			/*
			 * Already on: booted with slub_debug=T,<cache> (the only way from 5.9),
			 * or set by someone before us.  The real records are in the kernel log;
			 * nothing to write, nothing to restore.
			 */
			b->p->kmsg = 1;
			plan_summary(b->p, "SLUB trace of %s is already on (slub_debug=T,%s at boot, or set before this run): kernel log records, nothing written",
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
			plan_summary(b->p, "SLUB trace toggle for %s (kernel log records)%s", c,
				     merged ? "; merged: aliases traced too" : "");
			plan_note(b->p, "SLUB trace prints every alloc and free of %s (with a stack, and a hex dump on free) to the kernel log: slow on a busy cache, and the console slows it further at a high loglevel",
				  c);
			continue;
		}
		/* fallback: kmem tracepoints narrowed to the cache */
		b->slub_fell_back = 1;
		{
			static const char *const allocs[] = { "kmalloc", "kmem_cache_alloc" };
			static const char *const frees[] = { "kfree", "kmem_cache_free" };
			unsigned k;
			int any = 0;

			for (k = 0; k < 2 && !r; k++) {
				const char *why;
				int approx;
				char *f;

				if (!plan_event_exists(caps, "kmem", allocs[k]))
					continue;
				if (k == 0 && !plan_kmalloc_size(c))
					continue;	/* kmalloc only feeds kmalloc-N caches */
				f = plan_cache_filter(caps, allocs[k], c, &why, &approx);
				if (!f)
					continue;
				if (approx)
					plan_note(b->p, "kmem:%s narrowed to %s by object size (%s): other caches of that size are included",
						  allocs[k], c, f);
				r = plan_ev_add(&b->evs, "kmem", allocs[k], f, 1, b->r->slub->line, "slub fallback");
				free(f);
				snprintf(reason, sizeof(reason), "kmem:%s", allocs[k]);
				if (!r && !strlist_has(&b->slub_alloc, reason) &&
				    strlist_add(&b->slub_alloc, reason))
					r = tb_error("out of memory");
				any = 1;
			}
			for (k = 0; k < 2 && !r && any; k++) {
				const char *why;
				int approx;
				char *f = NULL;
				const struct tb_kmem_event *ke = tb_caps_kmem(caps, frees[k]);

				if (!plan_event_exists(caps, "kmem", frees[k]))
					continue;
				if (ke && ke->has_name_field && !plan_kmalloc_size(c))
					f = plan_cache_filter(caps, frees[k], c, &why, &approx);
				r = plan_ev_add(&b->evs, "kmem", frees[k], f, 0, b->r->slub->line, "slub fallback");
				free(f);
				snprintf(reason, sizeof(reason), "kmem:%s", frees[k]);
				if (!r && !strlist_has(&b->slub_free, reason) &&
				    strlist_add(&b->slub_free, reason))
					r = tb_error("out of memory");
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
		plan_summary(b->p, "SLUB trace of %s: %s; using kmem tracepoints filtered to that cache instead",
			     c, reason);
		plan_note(b->p, "SLUB trace of %s was replaced by kmem tracepoints (%s); the real thing needs the boot parameter slub_debug=T,%s%s%s%s",
			  c, reason, c, merged ? " (a traced cache is never merged; " : "", merged ? boot : "",
			  merged ? " would unmerge every cache)" : "");
	}
	return r;
}

/*
 * Each toggle, then the cache's shrink: objects already on the per-CPU freelists are
 * handed out by the fast path, which never sees the debug flag, until those slabs
 * are used up or flushed (4.19: 9 allocations of a warm cache gave 0 records; after
 * writing 1 to shrink, 9 alloc + 9 free records).  shrink flushes them at once.
 */
int plan_slub_toggles(struct plan_builder *b)
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
			r = plan_add_step(b->p, TB_STEP_POKE, shrink, "1", NULL, why) ? 0 : tb_error("out of memory");
		} else {
			plan_note(b->p, "SLUB trace of %.*s cannot take effect at once: %s, so the per-CPU slabs cannot be flushed; objects already on the per-CPU freelists are handed out untraced until those slabs are used up (few or no records at first, allocations missing)",
				  (int)(t + n - cache), cache,
				  tb_exists(shrink) ? "its shrink file is not writable" : "this kernel has no shrink file for it");
		}
	}
	return r;
}
