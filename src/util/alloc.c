/*
 * alloc.c - the growable-array helper; see alloc.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "util/alloc.h"

/**
 * tb_alloc_nr - the capacity an array grows to: half again plus 16 (git's
 * alloc_nr), or nr when that is more.
 */
size_t tb_alloc_nr(size_t alloc, size_t nr)
{
	size_t n = alloc > (SIZE_MAX - 16) / 3 * 2 ? SIZE_MAX : (alloc + 16) * 3 / 2;

	return n < nr ? nr : n;
}

/**
 * tb_realloc_array - realloc(p, n * elt) that refuses an overflowing size.
 * Returns the new block, or NULL with errno ENOMEM (p untouched).
 */
void *tb_realloc_array(void *p, size_t n, size_t elt)
{
	size_t bytes;

	if (elt && n > SIZE_MAX / elt) {
		errno = ENOMEM;
		return NULL;
	}
	bytes = n * elt;
	return realloc(p, bytes ? bytes : 1);
}
