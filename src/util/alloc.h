/*
 * alloc.h - the one growable-array helper (after git's ALLOC_GROW): arrays kept as
 * (pointer, count, allocated) grow by half again (plus 16) when full, without the
 * realloc-doubling loop written out at every use.  Unlike git it does not die:
 * it says -1 and leaves the array as it was.
 */
#ifndef TB_UTIL_ALLOC_H
#define TB_UTIL_ALLOC_H

#include <stddef.h>

/* The capacity to grow alloc to so it holds at least nr elements. */
size_t tb_alloc_nr(size_t alloc, size_t nr);
/* realloc(p, n * elt), refusing (NULL, errno ENOMEM) when n * elt overflows. */
void *tb_realloc_array(void *p, size_t n, size_t elt);

/*
 * ALLOC_GROW - make array x (allocated for alloc elements) hold at least nr.
 * @x: the array (an lvalue; may be NULL with alloc 0)
 * @nr: how many elements it must hold
 * @alloc: its capacity (an lvalue of any unsigned type), updated on growth
 *
 * New elements are not initialised.  Evaluates to 0, or -1 when out of memory
 * (x and alloc unchanged).
 */
#define ALLOC_GROW(x, nr, alloc) __extension__ ({				\
	int alloc_grow_ret_ = 0;						\
	if ((size_t)(nr) > (size_t)(alloc)) {					\
		size_t alloc_grow_na_ = tb_alloc_nr((size_t)(alloc), (size_t)(nr)); \
		void *alloc_grow_nv_ = tb_realloc_array((x), alloc_grow_na_,	\
							sizeof(*(x)));		\
		if (alloc_grow_nv_) {						\
			(x) = alloc_grow_nv_;					\
			(alloc) = alloc_grow_na_;				\
		} else {							\
			alloc_grow_ret_ = -1;					\
		}								\
	}									\
	alloc_grow_ret_;							\
})

#endif
