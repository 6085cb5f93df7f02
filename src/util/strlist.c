/*
 * strlist.c - list of owned strings; see strlist.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "util/alloc.h"
#include "util/strlist.h"

int strlist_add_n(struct strlist *l, const char *s, size_t len)
{
	char *c;

	if (ALLOC_GROW(l->v, l->n + 2, l->alloc))	/* the entry and the NULL after it */
		return -1;
	c = malloc(len + 1);
	if (!c)
		return -1;
	memcpy(c, s, len);
	c[len] = '\0';
	l->v[l->n++] = c;
	l->v[l->n] = NULL;
	return 0;
}

int strlist_add(struct strlist *l, const char *s)
{
	return strlist_add_n(l, s, strlen(s));
}

int strlist_split_ws(struct strlist *l, const char *s)
{
	while (*s) {
		const char *e;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		e = s;
		while (*e && !isspace((unsigned char)*e))
			e++;
		if (strlist_add_n(l, s, (size_t)(e - s)))
			return -1;
		s = e;
	}
	return 0;
}

int strlist_has(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

void strlist_clear(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->alloc = 0;
}

char *strlist_join_range(const struct strlist *l, size_t from, size_t to, const char *sep)
{
	size_t i, len = 1, slen = strlen(sep);
	char *s, *p;

	for (i = from; i < to; i++)
		len += strlen(l->v[i]) + slen;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (i = from; i < to; i++) {
		size_t n = strlen(l->v[i]);

		if (i > from) {
			memcpy(p, sep, slen);
			p += slen;
		}
		memcpy(p, l->v[i], n);
		p += n;
	}
	*p = '\0';
	return s;
}

char *strlist_join(const struct strlist *l, const char *sep)
{
	return strlist_join_range(l, 0, l->n, sep);
}
