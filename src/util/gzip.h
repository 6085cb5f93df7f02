/*
 * gzip.h - gzip (RFC 1952) of a buffer in memory: our own deflate writer and inflate
 * reader (gzip.c says why not zlib).
 */
#ifndef TB_UTIL_GZIP_H
#define TB_UTIL_GZIP_H

#include <stddef.h>
#include <stdint.h>
#include "util/strbuf.h"

/* The most tb_gunzip() inflates (a bundle bigger than this is refused, not read). */
#define TB_GUNZIP_MAX ((size_t)2 << 30)

/*
 * tb_gzip - append the gzip of data[0..len) to out (one member, deflate with fixed
 * Huffman codes and LZ77 matches).  Returns 0, or -ENOMEM.
 */
int tb_gzip(const void *data, size_t len, uint32_t mtime, struct strbuf *out);

/*
 * tb_gunzip - inflate the gzip stream in[0..len) (every member, concatenated) into out,
 * at most max bytes.  Returns 0, or -1 with what was wrong (and at which input byte) in
 * err (size errsize): not gzip, truncated, a bad block, a CRC or length mismatch, too big.
 */
int tb_gunzip(const void *in, size_t len, size_t max, struct strbuf *out, char *err,
	      size_t errsize);

/* tb_crc32 - the gzip CRC-32 of data, continuing crc (0 to start). */
uint32_t tb_crc32(uint32_t crc, const void *data, size_t len);

#endif
