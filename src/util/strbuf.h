/*
 * strbuf.h - a small growable string buffer (after git's strbuf).
 *
 * Appends never fail loudly: if memory runs out the buffer is marked failed, further
 * appends are ignored, and strbuf_failed() tells the caller once at the end.  The
 * buffer is always NUL-terminated and buf is never NULL after STRBUF_INIT or
 * strbuf_init(): until the first growth it points at strbuf_slopbuf, a shared ""
 * that is never written (alloc 0 says buf is not ours), as in git.
 */
#ifndef TB_UTIL_STRBUF_H
#define TB_UTIL_STRBUF_H

#include <stddef.h>
#include <stdarg.h>
#include "util/err.h"

struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;		/* 0: buf is strbuf_slopbuf (or NULL in a zeroed struct) */
	int failed;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { strbuf_slopbuf, 0, 0, 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Make room for extra more bytes (plus the NUL); 0 or -1 on ENOMEM. */
int strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) TB_PRINTF(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Append the strings of a struct strlist separated by sep. */
struct strlist;
void strbuf_add_strlist(struct strbuf *sb, const struct strlist *l, const char *sep);
void strbuf_reset(struct strbuf *sb);
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Remove trailing whitespace (spaces, tabs, CR, LF). */
void strbuf_rtrim(struct strbuf *sb);
/* Hand the string over to the caller (who frees it); the buffer is re-initialised. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
static inline int strbuf_failed(const struct strbuf *sb) { return sb->failed; }
/* The buffer's string; "" for a buffer that never grew (also in a zeroed struct). */
static inline const char *strbuf_str(const struct strbuf *sb) { return sb->buf ? sb->buf : ""; }

#endif
