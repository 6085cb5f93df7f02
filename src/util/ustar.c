/*
 * ustar.c - POSIX ustar (pax interchange's base format) in memory, for `collect`
 * bundles.  Owns: the 512-byte header (octal fields, checksum, prefix/name split), the
 * writer, and a reader that trusts nothing: every header's checksum, every size
 * against the buffer's end, member types (regular files and directories only) and
 * names (relative, no "..": a bundle never names a place outside where it is read).
 * Our own because the format is small (POSIX.1-2001 "ustar Interchange Format") and a
 * library for it would be the heaviest thing in the static build.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "util/ustar.h"

#define BLOCK 512

static void octal(char *field, size_t width, uint64_t v)
{
	/* width - 1 digits, NUL-terminated, zero-padded */
	snprintf(field, width, "%0*llo", (int)(width - 1), (unsigned long long)v);
}

int tb_ustar_add(struct strbuf *tar, const char *name, int dir, const void *data, size_t len,
		 uint64_t mtime)
{
	char h[BLOCK], full[260];
	uint64_t size;
	size_t nl, split = 0, i;
	unsigned sum = 0;

	snprintf(full, sizeof(full), "%s%s", name, dir && name[strlen(name) - 1] != '/' ? "/" : "");
	nl = strlen(full);
	if (!nl || nl > 255)
		return -ENAMETOOLONG;
	if (dir)
		len = 0;
	size = len;	/* 64-bit: on 32-bit builds len cannot reach the limit */
	if (size >> 33)	/* 11 octal digits: below 8 GiB */
		return -EFBIG;
	memset(h, 0, sizeof(h));
	if (nl > 100) {
		/* the prefix ends at a '/' (not stored) and leaves at most 100 for the name */
		for (i = nl - 1; i > 0; i--)
			if (full[i] == '/' && i <= 155 && nl - i - 1 <= 100 && nl - i - 1 > 0) {
				split = i;
				break;
			}
		if (!split)
			return -ENAMETOOLONG;
		memcpy(h + 345, full, split);
		memcpy(h, full + split + 1, nl - split - 1);
	} else {
		memcpy(h, full, nl);
	}
	octal(h + 100, 8, dir ? 0755 : 0644);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	octal(h + 124, 12, len);
	octal(h + 136, 12, mtime);
	h[156] = dir ? '5' : '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 4);
	memcpy(h + 297, "root", 4);
	memset(h + 148, ' ', 8);
	for (i = 0; i < BLOCK; i++)
		sum += (uint8_t)h[i];
	snprintf(h + 148, 8, "%06o", sum);	/* six digits, NUL, and the space stays */
	h[155] = ' ';
	strbuf_add(tar, h, BLOCK);
	if (len) {
		strbuf_add(tar, data, len);
		if (len % BLOCK) {
			memset(h, 0, sizeof(h));
			strbuf_add(tar, h, BLOCK - len % BLOCK);
		}
	}
	return strbuf_failed(tar) ? -ENOMEM : 0;
}

int tb_ustar_end(struct strbuf *tar)
{
	char z[2 * BLOCK];

	memset(z, 0, sizeof(z));
	strbuf_add(tar, z, sizeof(z));
	return strbuf_failed(tar) ? -ENOMEM : 0;
}

/* An octal field: digits, then NUL or spaces; leading spaces allowed. -1 if not. */
static int parse_octal(const uint8_t *f, size_t width, uint64_t *v)
{
	size_t i = 0;
	int digits = 0;

	*v = 0;
	while (i < width && f[i] == ' ')
		i++;
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		if (*v >> 60)
			return -1;
		*v = *v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < width; i++)
		if (f[i] != 0 && f[i] != ' ')
			return -1;
	return digits ? 0 : -1;
}

int tb_ustar_name_ok(const char *name)
{
	const char *p = name;

	if (!*name || *name == '/')
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		while (*p == '/')
			p++;
	}
	return 1;
}

static int bad(char *err, size_t errsize, const char *name, const char *what)
{
	if (name && *name)
		snprintf(err, errsize, "member '%s': %s", name, what);
	else
		snprintf(err, errsize, "%s", what);
	return -1;
}

int tb_ustar_next(const uint8_t *tar, size_t len, size_t *off, struct tb_ustar_member *m,
		  char *err, size_t errsize)
{
	const uint8_t *h;
	char name[101], prefix[156];
	uint64_t size, sum, mtime;
	unsigned calc = 0;
	size_t i, n;

	memset(m, 0, sizeof(*m));
	if (*off >= len)
		return 0;
	if (len - *off < BLOCK)
		return bad(err, errsize, NULL, "a tar header cut off: truncated");
	h = tar + *off;
	for (i = 0; i < BLOCK && !h[i]; i++)
		;
	if (i == BLOCK)
		return 0;	/* the end-of-archive zero block */
	memcpy(name, h, 100);
	name[100] = 0;
	memcpy(prefix, h + 345, 155);
	prefix[155] = 0;
	if (memcmp(h + 257, "ustar", 5))
		return bad(err, errsize, NULL, "not a tar archive (no ustar header)");
	if (parse_octal(h + 148, 8, &sum) < 0)
		return bad(err, errsize, name, "a tar header whose checksum is not a number");
	for (i = 0; i < BLOCK; i++)
		calc += i >= 148 && i < 156 ? ' ' : h[i];
	if (sum != calc)
		return bad(err, errsize, name, "the tar header's checksum does not match: corrupt");
	if (parse_octal(h + 124, 12, &size) < 0 || parse_octal(h + 136, 12, &mtime) < 0)
		return bad(err, errsize, name, "the size or time field of the tar header is not octal");
	if (prefix[0])
		snprintf(m->name, sizeof(m->name), "%s/%s", prefix, name);
	else
		snprintf(m->name, sizeof(m->name), "%s", name);
	/* "./x" is x; a trailing '/' marks a directory */
	while (m->name[0] == '.' && m->name[1] == '/')
		memmove(m->name, m->name + 2, strlen(m->name + 2) + 1);
	n = strlen(m->name);
	switch (h[156]) {
	case '0':
	case 0:
		m->dir = n && m->name[n - 1] == '/';
		break;
	case '5':
		m->dir = 1;
		break;
	case '1':
	case '2':
		return bad(err, errsize, m->name, "a link: a bundle holds regular files only");
	default:
		return bad(err, errsize, m->name, "a member type that is not a file or directory "
			   "(device, FIFO, pax or GNU extension header): not a tracebook bundle");
	}
	while (n && m->name[n - 1] == '/')
		m->name[--n] = 0;
	if (!tb_ustar_name_ok(m->name))
		return bad(err, errsize, m->name, "an absolute or '..' path (it would be written "
			   "outside the bundle): refused");
	if (m->dir)
		size = 0;
	*off += BLOCK;
	if (size > len - *off)
		return bad(err, errsize, m->name, "the member runs past the end of the archive: "
			   "truncated");
	m->data = tar + *off;
	m->size = (size_t)size;
	m->mtime = mtime;
	n = (size_t)((size + BLOCK - 1) / BLOCK * BLOCK);
	*off += n <= len - *off ? n : len - *off;
	return 1;
}
