/*
 * ustar.h - POSIX ustar archives in memory: the writer and the checking reader of
 * `collect` bundles (ustar.c).
 */
#ifndef TB_UTIL_USTAR_H
#define TB_UTIL_USTAR_H

#include <stddef.h>
#include <stdint.h>
#include "util/strbuf.h"

/*
 * tb_ustar_add - append one member to the archive in tar: a regular file (dir 0) of
 * len bytes, or a directory (dir 1, data ignored).  name up to 255 bytes (split into
 * ustar's prefix and name at a '/').  Returns 0, -ENAMETOOLONG, -EFBIG or -ENOMEM.
 */
int tb_ustar_add(struct strbuf *tar, const char *name, int dir, const void *data, size_t len,
		 uint64_t mtime);
/* tb_ustar_end - the two zero blocks that end an archive.  0 or -ENOMEM. */
int tb_ustar_end(struct strbuf *tar);

struct tb_ustar_member {
	char name[257];		/* prefix/name, checked (see tb_ustar_next), no leading "./" */
	int dir;		/* 1: a directory */
	const uint8_t *data;	/* inside the archive's buffer */
	size_t size;
	uint64_t mtime;
};

/*
 * tb_ustar_next - the member at *off of tar[0..len) into m, *off moved past it.
 * Returns 1 (a member), 0 (the end: zero block or the buffer's end), or -1 with why in
 * err (naming the member where there is one): a bad header checksum, not ustar, a
 * member running past the end (truncated), a link, device or other non-file type, or a
 * name that is absolute, has a ".." component or is empty (path traversal).
 */
int tb_ustar_next(const uint8_t *tar, size_t len, size_t *off, struct tb_ustar_member *m,
		  char *err, size_t errsize);

/* tb_ustar_name_ok - 1 if name is relative, non-empty, without ".." components. */
int tb_ustar_name_ok(const char *name);

#endif
