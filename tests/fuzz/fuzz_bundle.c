/*
 * fuzz_bundle.c - libFuzzer target owning the `collect` bundle reader: util/gzip.c
 * (inflate: stored, fixed and dynamic blocks, headers, CRC and length trailers, the
 * size cap), util/ustar.c (headers, checksums, octal fields, prefix/name, types, name
 * checks) and cmd/bundle.c's bundle_check (one top directory, required members), all in
 * memory (nothing is unpacked to disk).  Input: a .tar.gz; one that is not gzip is also
 * walked as a bare tar, and every input round-trips through tb_gzip/tb_gunzip.
 */
#include "fuzz-common.h"
#include "cmd/bundle.h"
#include "util/gzip.h"
#include "util/ustar.h"

static int member(void *ctx, const struct tb_ustar_member *m)
{
	size_t *n = ctx;

	/* every member the reader hands on is inside the archive and safely named */
	if (!tb_ustar_name_ok(m->name))
		abort();
	*n += m->size;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf tar = STRBUF_INIT, z = STRBUF_INIT, back = STRBUF_INIT;
	struct tb_ustar_member m;
	char err[512];
	size_t total = 0, off = 0;

	bundle_check(data, size, "fuzz.tar.gz", &tar, member, &total);
	strbuf_release(&tar);
	if (size < 2 || data[0] != 0x1f) {
		while (tb_ustar_next(data, size, &off, &m, err, sizeof(err)) == 1)
			if (!tb_ustar_name_ok(m.name) || m.data + m.size > data + size)
				abort();
	}
	if (tb_gzip(data, size, 0, &z) == 0) {
		if (tb_gunzip(z.buf, z.len, size + 1, &back, err, sizeof(err)) != 0 ||
		    back.len != size || (size && memcmp(back.buf, data, size)))
			abort();
	}
	strbuf_release(&z);
	strbuf_release(&back);
	tb_intern_reset();
	return 0;
}
