/*
 * plan-cache.c - slab caches as the planner sees them: which names are safe to put in
 * a path or a filter, the object size of a kmalloc-N cache (or from its slab_size),
 * and the kernel filter that narrows a kmem event to one cache (the name field where
 * the event has it, bytes_alloc otherwise).
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan/plan-local.h"
#include "util/fileio.h"

int plan_safe_name(const char *s)
{
	if (!s || !*s || !strcmp(s, ".") || strstr(s, ".."))
		return 0;
	for (; *s; s++)
		if (*s == '/' || isspace((unsigned char)*s) || *s == '"' || *s == '\\')
			return 0;
	return 1;
}

/* The object size of a kmalloc-N / kmalloc-Nk cache name (any kmalloc-*-N variant), or 0. */
unsigned long plan_kmalloc_size(const char *cache)
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

unsigned long plan_read_ulong(const char *path)
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
char *plan_cache_filter(const struct tb_caps *caps, const char *ev, const char *cache,
			const char **why, int *approximate)
{
	const struct tb_kmem_event *k = tb_caps_kmem(caps, ev);
	unsigned long size = plan_kmalloc_size(cache);
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
		size = plan_read_ulong(path);
		*approximate = 1;
	}
	if (!size) {
		*why = "the cache's object size is unknown";
		return NULL;
	}
	snprintf(buf, sizeof(buf), "bytes_alloc == %lu", size);
	return strdup(buf);
}
