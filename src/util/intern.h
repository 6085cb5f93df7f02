/*
 * intern.h - string interning: one stable pointer per distinct string for the life of
 * the program, so event system/name/field names can be compared by pointer.
 * Not thread-safe: intern from the thread that decodes and analyses.
 */
#ifndef TB_UTIL_INTERN_H
#define TB_UTIL_INTERN_H

#include <stddef.h>

/* Return the interned copy of s[0..len), or NULL on ENOMEM. */
const char *tb_intern_n(const char *s, size_t len);
const char *tb_intern(const char *s);
/* Free every interned string (tests, end of main). Pointers become invalid. */
void tb_intern_reset(void);

/* FNV-1a, used by the hash tables in util/. */
static inline unsigned long long tb_hash_bytes(const void *p, size_t n)
{
	const unsigned char *c = (const unsigned char *)p;
	unsigned long long h = 1469598103934665603ULL;

	while (n--) {
		h ^= *c++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* A fast mix of a 64-bit integer key (splitmix64 finaliser). */
static inline unsigned long long tb_hash_u64(unsigned long long x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

#endif
