/*
 * gzip.c - gzip (RFC 1952, deflate RFC 1951) of a buffer in memory, for `collect`
 * bundles (tar.gz).  Owns: the deflate writer, the inflate reader, CRC-32.
 *
 * Why our own and not zlib: the static field builds (x86_64, arm64, armhf) link only
 * what Debian ships as static libraries for all three; zlib1g-dev has libz.a, but its
 * arm64/armhf multiarch copies must match the host's version exactly, which a build
 * host does not always have (this one could not install them).  A bundle needs little:
 * the writer emits one fixed-Huffman block with LZ77 matches (hash chains, lazy
 * nothing) - kallsyms and /proc text shrink 3-5x, which is what a customer's mail
 * limit asks for - and the reader inflates every block type (stored, fixed, dynamic:
 * a tarball repacked with `tar czf` reads too), in the manner of zlib's puff.c, with
 * every length, distance and code checked against the input's end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/gzip.h"

/* ---- CRC-32 (IEEE, reflected, as gzip) ---- */

static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void)
{
	uint32_t c, n, k;

	for (n = 0; n < 256; n++) {
		c = n;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
	crc_ready = 1;
}

uint32_t tb_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (!crc_ready)
		crc_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- tables shared by both directions ---- */

static const uint16_t lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
				    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t lext[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
				  3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dbase[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
				    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
				    8193, 12289, 16385, 24577 };
static const uint8_t dext[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
				  7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* ---- deflate writer ---- */

struct bitw {
	struct strbuf *out;
	uint64_t bits;
	unsigned n;
};

static void put_bits(struct bitw *w, uint32_t v, unsigned n)
{
	w->bits |= (uint64_t)v << w->n;
	w->n += n;
	while (w->n >= 8) {
		strbuf_addch(w->out, (int)(w->bits & 0xff));
		w->bits >>= 8;
		w->n -= 8;
	}
}

/* A Huffman code goes out most significant bit first: reversed into the LSB stream. */
static void put_code(struct bitw *w, uint32_t code, unsigned n)
{
	uint32_t r = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		r |= ((code >> i) & 1) << (n - 1 - i);
	put_bits(w, r, n);
}

static void put_litlen(struct bitw *w, unsigned sym)
{
	if (sym < 144)
		put_code(w, 0x30 + sym, 8);
	else if (sym < 256)
		put_code(w, 0x190 + sym - 144, 9);
	else if (sym < 280)
		put_code(w, sym - 256, 7);
	else
		put_code(w, 0xc0 + sym - 280, 8);
}

static void put_match(struct bitw *w, unsigned len, unsigned dist)
{
	unsigned i;

	for (i = 28; lbase[i] > len; i--)
		;
	put_litlen(w, 257 + i);
	put_bits(w, len - lbase[i], lext[i]);
	for (i = 29; dbase[i] > dist; i--)
		;
	put_code(w, i, 5);
	put_bits(w, dist - dbase[i], dext[i]);
}

#define WSIZE 32768
#define HBITS 15
#define CHAIN 16

static unsigned hash3(const uint8_t *p)
{
	return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761U >> (32 - HBITS);
}

int tb_gzip(const void *data, size_t len, uint32_t mtime, struct strbuf *out)
{
	const uint8_t *in = data;
	uint32_t *head, *prev, crc = tb_crc32(0, data, len);
	struct bitw w = { out, 0, 0 };
	uint8_t hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	size_t i = 0, k;

	head = malloc(sizeof(*head) << HBITS);
	prev = malloc(sizeof(*prev) * WSIZE);
	if (!head || !prev) {
		free(head);
		free(prev);
		return -ENOMEM;
	}
	memset(head, 0xff, sizeof(*head) << HBITS);
	hdr[4] = mtime & 0xff;
	hdr[5] = (mtime >> 8) & 0xff;
	hdr[6] = (mtime >> 16) & 0xff;
	hdr[7] = (mtime >> 24) & 0xff;
	strbuf_add(out, hdr, sizeof(hdr));
	put_bits(&w, 1, 1);	/* BFINAL */
	put_bits(&w, 1, 2);	/* fixed Huffman */
	while (i < len) {
		unsigned best = 0, bdist = 0, chain = CHAIN;
		uint32_t cand;

		if (i + 3 <= len) {
			unsigned h = hash3(in + i);

			cand = head[h];
			while (cand != UINT32_MAX && i - cand <= WSIZE - 1 && chain--) {
				size_t max = len - i < 258 ? len - i : 258, l = 0;

				while (l < max && in[cand + l] == in[i + l])
					l++;
				if (l > best) {
					best = (unsigned)l;
					bdist = (unsigned)(i - cand);
					if (l == max)
						break;
				}
				if (prev[cand % WSIZE] == UINT32_MAX || prev[cand % WSIZE] >= cand)
					break;
				cand = prev[cand % WSIZE];
			}
		}
		if (best >= 3) {
			put_match(&w, best, bdist);
		} else {
			best = 1;
			put_litlen(&w, in[i]);
		}
		/* every position passed goes into the hash (i < 2^32: see below) */
		for (k = 0; k < best; k++, i++) {
			if (i + 3 <= len) {
				unsigned h = hash3(in + i);

				prev[i % WSIZE] = head[h];
				head[h] = (uint32_t)i;
			}
		}
		/* positions are 32-bit: past 4 GiB, start the window afresh */
		if (i >= 0xffff0000U) {
			free(head);
			free(prev);
			return -EFBIG;
		}
	}
	put_litlen(&w, 256);
	if (w.n)
		put_bits(&w, 0, 8 - w.n);
	free(head);
	free(prev);
	{
		uint8_t t[8];
		uint32_t isize = (uint32_t)len;

		for (k = 0; k < 4; k++) {
			t[k] = (crc >> (8 * k)) & 0xff;
			t[4 + k] = (isize >> (8 * k)) & 0xff;
		}
		strbuf_add(out, t, 8);
	}
	return strbuf_failed(out) ? -ENOMEM : 0;
}

/* ---- inflate reader ---- */

struct inflate {
	const uint8_t *in;
	size_t len, pos;	/* next input byte */
	uint32_t bitbuf;
	unsigned bitcnt;
	struct strbuf *out;
	size_t start, max;	/* where this member's output starts; the cap */
	char *err;
	size_t errsize;
};

struct huff {
	uint16_t count[16];
	uint16_t symbol[320];
};

static int fail(struct inflate *s, const char *what)
{
	snprintf(s->err, s->errsize, "%s (at byte %zu of the gzip stream)", what, s->pos);
	return -1;
}

/* need bits from the input, or -1 when it ends (truncated). */
static int bits(struct inflate *s, unsigned need, uint32_t *v)
{
	uint64_t val = s->bitbuf;

	while (s->bitcnt < need) {
		if (s->pos >= s->len)
			return fail(s, "the compressed data ends early: truncated");
		val |= (uint64_t)s->in[s->pos++] << s->bitcnt;
		s->bitcnt += 8;
	}
	s->bitbuf = (uint32_t)(val >> need);
	s->bitcnt -= need;
	*v = (uint32_t)(val & ((1ULL << need) - 1));
	return 0;
}

static int put_byte(struct inflate *s, uint8_t c)
{
	struct strbuf *o = s->out;

	if (o->len >= s->max)
		return fail(s, "the data inflates to more than a bundle may hold");
	if (o->len + 1 >= o->alloc && strbuf_grow(o, o->len > 65536 ? o->len : 65536) < 0)
		return fail(s, "out of memory");
	o->buf[o->len++] = (char)c;
	return 0;
}

static int decode(struct inflate *s, const struct huff *h)
{
	int code = 0, first = 0, index = 0, len;
	uint32_t b;

	for (len = 1; len < 16; len++) {
		if (bits(s, 1, &b) < 0)
			return -1;
		code |= (int)b;
		if (code - h->count[len] < first)
			return h->symbol[index + (code - first)];
		index += h->count[len];
		first += h->count[len];
		first <<= 1;
		code <<= 1;
	}
	fail(s, "a Huffman code that the block's tables do not have");
	return -1;
}

/* Canonical code from lengths; -1 if over-subscribed (an incomplete code decodes with checks). */
static int construct(struct huff *h, const uint8_t *lengths, unsigned n)
{
	uint16_t offs[16];
	int left = 1;
	unsigned i;

	memset(h->count, 0, sizeof(h->count));
	for (i = 0; i < n; i++)
		h->count[lengths[i]]++;
	if (h->count[0] == n)
		return 0;
	for (i = 1; i < 16; i++) {
		left <<= 1;
		left -= h->count[i];
		if (left < 0)
			return -1;
	}
	offs[1] = 0;
	for (i = 1; i < 15; i++)
		offs[i + 1] = offs[i] + h->count[i];
	for (i = 0; i < n; i++)
		if (lengths[i])
			h->symbol[offs[lengths[i]]++] = (uint16_t)i;
	return 0;
}

static int codes(struct inflate *s, const struct huff *lc, const struct huff *dc)
{
	int sym;
	uint32_t v;

	for (;;) {
		if ((sym = decode(s, lc)) < 0)
			return -1;
		if (sym < 256) {
			if (put_byte(s, (uint8_t)sym) < 0)
				return -1;
		} else if (sym == 256) {
			return 0;
		} else {
			size_t len, dist, from;

			sym -= 257;
			if (sym >= 29)
				return fail(s, "an invalid length code");
			if (bits(s, lext[sym], &v) < 0)
				return -1;
			len = lbase[sym] + v;
			if ((sym = decode(s, dc)) < 0)
				return -1;
			if (sym >= 30)
				return fail(s, "an invalid distance code");
			if (bits(s, dext[sym], &v) < 0)
				return -1;
			dist = dbase[sym] + v;
			if (dist > s->out->len - s->start)
				return fail(s, "a distance back past the start of the data");
			from = s->out->len - dist;
			while (len--)
				if (put_byte(s, (uint8_t)s->out->buf[from++]) < 0)
					return -1;
		}
	}
}

static int stored(struct inflate *s)
{
	unsigned n;

	s->bitbuf = 0;
	s->bitcnt = 0;
	if (s->pos + 4 > s->len)
		return fail(s, "a stored block's header is cut off: truncated");
	n = s->in[s->pos] | (unsigned)s->in[s->pos + 1] << 8;
	if ((n ^ 0xffff) != (s->in[s->pos + 2] | (unsigned)s->in[s->pos + 3] << 8))
		return fail(s, "a stored block's length and its complement disagree");
	s->pos += 4;
	if (s->pos + n > s->len)
		return fail(s, "a stored block runs past the end: truncated");
	while (n--)
		if (put_byte(s, s->in[s->pos++]) < 0)
			return -1;
	return 0;
}

static int fixed(struct inflate *s)
{
	static struct huff lc, dc;
	static int ready;

	if (!ready) {
		uint8_t l[288];
		unsigned i;

		for (i = 0; i < 144; i++)
			l[i] = 8;
		for (; i < 256; i++)
			l[i] = 9;
		for (; i < 280; i++)
			l[i] = 7;
		for (; i < 288; i++)
			l[i] = 8;
		construct(&lc, l, 288);
		for (i = 0; i < 30; i++)
			l[i] = 5;
		construct(&dc, l, 30);
		ready = 1;
	}
	return codes(s, &lc, &dc);
}

static int dynamic(struct inflate *s)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13,
					   2, 14, 1, 15 };
	uint8_t lengths[320];
	struct huff lc, dc;
	uint32_t nlen, ndist, ncode, v;
	unsigned i;
	int sym;

	if (bits(s, 5, &nlen) < 0 || bits(s, 5, &ndist) < 0 || bits(s, 4, &ncode) < 0)
		return -1;
	nlen += 257;
	ndist += 1;
	ncode += 4;
	if (nlen > 286 || ndist > 30)
		return fail(s, "a dynamic block with too many codes");
	memset(lengths, 0, sizeof(lengths));
	for (i = 0; i < ncode; i++) {
		if (bits(s, 3, &v) < 0)
			return -1;
		lengths[order[i]] = (uint8_t)v;
	}
	if (construct(&lc, lengths, 19) < 0)
		return fail(s, "a dynamic block's code length code is over-subscribed");
	for (i = 0; i < nlen + ndist;) {
		unsigned rep, len = 0;

		if ((sym = decode(s, &lc)) < 0)
			return -1;
		if (sym < 16) {
			lengths[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (!i)
				return fail(s, "a repeat of no previous length");
			len = lengths[i - 1];
			if (bits(s, 2, &v) < 0)
				return -1;
			rep = 3 + v;
		} else if (sym == 17) {
			if (bits(s, 3, &v) < 0)
				return -1;
			rep = 3 + v;
		} else {
			if (bits(s, 7, &v) < 0)
				return -1;
			rep = 11 + v;
		}
		if (i + rep > nlen + ndist)
			return fail(s, "code lengths repeat past their count");
		while (rep--)
			lengths[i++] = (uint8_t)len;
	}
	if (!lengths[256])
		return fail(s, "a dynamic block without an end-of-block code");
	if (construct(&lc, lengths, nlen) < 0 || construct(&dc, lengths + nlen, ndist) < 0)
		return fail(s, "a dynamic block's code is over-subscribed");
	return codes(s, &lc, &dc);
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One gzip member at s->pos. */
static int member(struct inflate *s)
{
	const uint8_t *p = s->in + s->pos;
	uint32_t last, type;
	uint8_t flg;

	if ((s->len - s->pos >= 2 || !s->pos) &&
	    (s->len - s->pos < 2 || p[0] != 0x1f || p[1] != 0x8b))
		return fail(s, "not gzip data (no 1f 8b magic): not a .tar.gz");
	if (s->len - s->pos < 18)
		return fail(s, "a gzip member cut short: truncated");
	if (p[2] != 8)
		return fail(s, "gzip with a compression method other than deflate");
	flg = p[3];
	s->pos += 10;
	if (flg & 4) {	/* FEXTRA */
		size_t xlen;

		if (s->pos + 2 > s->len)
			return fail(s, "the gzip header is cut off: truncated");
		xlen = s->in[s->pos] | (size_t)s->in[s->pos + 1] << 8;
		s->pos += 2 + xlen;
	}
	if (flg & 8)	/* FNAME */
		while (s->pos < s->len && s->in[s->pos++])
			;
	if (flg & 16)	/* FCOMMENT */
		while (s->pos < s->len && s->in[s->pos++])
			;
	if (flg & 2)	/* FHCRC */
		s->pos += 2;
	if (s->pos > s->len)
		return fail(s, "the gzip header is cut off: truncated");
	s->start = s->out->len;
	s->bitbuf = 0;
	s->bitcnt = 0;
	do {
		if (bits(s, 1, &last) < 0 || bits(s, 2, &type) < 0)
			return -1;
		if (type == 0 ? stored(s) : type == 1 ? fixed(s) : type == 2 ? dynamic(s) :
		    fail(s, "a deflate block of the reserved type 3"))
			return -1;
	} while (!last);
	if (s->pos + 8 > s->len)
		return fail(s, "the gzip trailer (CRC, length) is missing: truncated");
	if (le32(s->in + s->pos) != tb_crc32(0, s->out->buf + s->start, s->out->len - s->start))
		return fail(s, "the CRC-32 of the data does not match the gzip trailer: corrupt");
	if (le32(s->in + s->pos + 4) != (uint32_t)(s->out->len - s->start))
		return fail(s, "the length of the data does not match the gzip trailer: corrupt");
	s->pos += 8;
	return 0;
}

int tb_gunzip(const void *in, size_t len, size_t max, struct strbuf *out, char *err,
	      size_t errsize)
{
	struct inflate s;

	memset(&s, 0, sizeof(s));
	s.in = in;
	s.len = len;
	s.out = out;
	s.max = max;
	s.err = err;
	s.errsize = errsize;
	do {
		if (member(&s) < 0)
			return -1;
		/* trailing zeros (tape padding) end the stream, as gzip allows */
		while (s.pos < s.len && !s.in[s.pos])
			s.pos++;
	} while (s.pos < s.len);
	if (out->alloc)
		out->buf[out->len] = 0;
	return 0;
}
