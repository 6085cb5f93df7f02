/*
 * strlist.h - a growable list of owned strings.
 */
#ifndef TB_UTIL_STRLIST_H
#define TB_UTIL_STRLIST_H

#include <stddef.h>

struct strlist {
	char **v;
	size_t n, alloc;
};

#define STRLIST_INIT { NULL, 0, 0 }

/* Append a copy of s; 0 or -1 on ENOMEM. */
int strlist_add(struct strlist *l, const char *s);
int strlist_add_n(struct strlist *l, const char *s, size_t len);
/* Append each whitespace-separated word of s. */
int strlist_split_ws(struct strlist *l, const char *s);
/* 1 if s is in l. */
int strlist_has(const struct strlist *l, const char *s);
void strlist_clear(struct strlist *l);
/*
 * strlist_join_range - l->v[from..to) joined with sep, as a malloc'd string ("" for an
 * empty range); NULL on ENOMEM.  strlist_join() joins the whole list.
 */
char *strlist_join_range(const struct strlist *l, size_t from, size_t to, const char *sep);
char *strlist_join(const struct strlist *l, const char *sep);

#endif
