/*
 * test_gzip.c - util/gzip.c and util/ustar.c, the bundle's formats: deflate output
 * inflates back byte for byte (text, random bytes, long runs, empty), compresses text,
 * gzip(1)'s dynamic-Huffman and stored blocks inflate (known vectors), damage is caught
 * (CRC, cut, bad magic, size cap); ustar members round-trip (long names through the
 * prefix field), and the reader refuses traversal names, links and bad checksums.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/gzip.h"
#include "util/ustar.h"

static void roundtrip(const void *data, size_t len, size_t *zlen)
{
	struct strbuf z = STRBUF_INIT, back = STRBUF_INIT;
	char err[256] = "";

	assert_int_equal(tb_gzip(data, len, 0, &z), 0);
	assert_int_equal(tb_gunzip(z.buf, z.len, TB_GUNZIP_MAX, &back, err, sizeof(err)), 0);
	assert_int_equal(back.len, len);
	if (len)
		assert_memory_equal(back.buf, data, len);
	if (zlen)
		*zlen = z.len;
	strbuf_release(&z);
	strbuf_release(&back);
}

static void test_roundtrip(void **state)
{
	struct strbuf text = STRBUF_INIT;
	unsigned char *rnd = malloc(200000);
	size_t i, zlen = 0;
	unsigned x = 12345;

	(void)state;
	roundtrip("", 0, NULL);
	roundtrip("a", 1, NULL);
	for (i = 0; i < 20000; i++)
		strbuf_addf(&text, "ffffffff8%07zx T some_kernel_function_%zu\n", i * 48, i % 977);
	roundtrip(text.buf, text.len, &zlen);
	/* kallsyms-like text shrinks at least 3x */
	assert_true(zlen * 3 < text.len);
	for (i = 0; i < 200000; i++) {
		x = x * 1103515245 + 12345;
		rnd[i] = (unsigned char)(x >> 16);
	}
	roundtrip(rnd, 200000, NULL);
	memset(rnd, 'z', 200000);	/* matches of 258 at distance 1 */
	roundtrip(rnd, 200000, &zlen);
	assert_true(zlen < 2000);
	free(rnd);
	strbuf_release(&text);
}

/* `printf 'hello hello hello hello\n' | gzip -9n` (a fixed block) and a stored block */
static void test_known_vectors(void **state)
{
	/* gzip -n of "hello hello hello hello\n" */
	static const unsigned char fixed[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xcb, 0x48,
		0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x27, 0xb9, 0x00, 0x00, 0x88, 0x59,
		0x0b, 0x18, 0x00, 0x00, 0x00 };
	/* a stored block holding "abc" */
	static const unsigned char stored[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x03, 0x00, 0xfc,
		0xff, 'a', 'b', 'c', 0xc2, 0x41, 0x24, 0x35, 0x03, 0x00, 0x00, 0x00 };
	struct strbuf out = STRBUF_INIT;
	char err[256];

	(void)state;
	assert_int_equal(tb_gunzip(fixed, sizeof(fixed), 1000, &out, err, sizeof(err)), 0);
	assert_string_equal(out.buf, "hello hello hello hello\n");
	strbuf_reset(&out);
	assert_int_equal(tb_gunzip(stored, sizeof(stored), 1000, &out, err, sizeof(err)), 0);
	assert_string_equal(out.buf, "abc");
	strbuf_release(&out);
}

static void test_damage(void **state)
{
	struct strbuf z = STRBUF_INIT, out = STRBUF_INIT;
	const char *msg = "the quick brown fox jumps over the lazy dog, again and again and again";
	char err[256];

	(void)state;
	assert_int_equal(tb_gzip(msg, strlen(msg), 0, &z), 0);
	/* cut anywhere: an error, never a crash */
	for (size_t n = 0; n < z.len; n++) {
		strbuf_reset(&out);
		assert_int_equal(tb_gunzip(z.buf, n, 1000, &out, err, sizeof(err)), -1);
	}
	z.buf[z.len - 6] ^= 1;	/* CRC */
	strbuf_reset(&out);
	assert_int_equal(tb_gunzip(z.buf, z.len, 1000, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "CRC-32"));
	z.buf[z.len - 6] ^= 1;
	strbuf_reset(&out);
	assert_int_equal(tb_gunzip(z.buf, z.len, 10, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than"));
	strbuf_reset(&out);
	assert_int_equal(tb_gunzip("PK\3\4xxxxxxxxxxxxxxxxxxx", 20, 1000, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not gzip"));
	strbuf_release(&z);
	strbuf_release(&out);
}

static void test_ustar(void **state)
{
	struct strbuf tar = STRBUF_INIT;
	struct tb_ustar_member m;
	char err[256], longname[240];
	size_t off = 0;

	(void)state;
	memset(longname, 0, sizeof(longname));
	snprintf(longname, sizeof(longname), "top/%0150d/file-with-a-long-name.txt", 7);
	assert_int_equal(tb_ustar_add(&tar, "top", 1, NULL, 0, 1000), 0);
	assert_int_equal(tb_ustar_add(&tar, "top/a.txt", 0, "hello", 5, 1234567890), 0);
	assert_int_equal(tb_ustar_add(&tar, longname, 0, "", 0, 1), 0);
	assert_int_equal(tb_ustar_end(&tar), 0);
	assert_int_equal(tar.len % 512, 0);
	assert_int_equal(tb_ustar_next((uint8_t *)tar.buf, tar.len, &off, &m, err, sizeof(err)), 1);
	assert_string_equal(m.name, "top");
	assert_true(m.dir);
	assert_int_equal(tb_ustar_next((uint8_t *)tar.buf, tar.len, &off, &m, err, sizeof(err)), 1);
	assert_string_equal(m.name, "top/a.txt");
	assert_int_equal(m.size, 5);
	assert_memory_equal(m.data, "hello", 5);
	assert_int_equal(m.mtime, 1234567890);
	assert_int_equal(tb_ustar_next((uint8_t *)tar.buf, tar.len, &off, &m, err, sizeof(err)), 1);
	assert_string_equal(m.name, longname);
	assert_int_equal(tb_ustar_next((uint8_t *)tar.buf, tar.len, &off, &m, err, sizeof(err)), 0);

	/* a bad checksum, a cut member */
	off = 512;
	tar.buf[512 + 20] ^= 1;
	assert_int_equal(tb_ustar_next((uint8_t *)tar.buf, tar.len, &off, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "checksum"));
	tar.buf[512 + 20] ^= 1;
	off = 512;	/* top/a.txt: header at 512, its 5 bytes at 1024 */
	assert_int_equal(tb_ustar_next((uint8_t *)tar.buf, 1024 + 5, &off, &m, err, sizeof(err)), 1);
	off = 512;
	assert_int_equal(tb_ustar_next((uint8_t *)tar.buf, 1024 + 4, &off, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "truncated"));
	strbuf_release(&tar);

	/* names: traversal refused by the writer's own reader */
	assert_true(tb_ustar_name_ok("a/b"));
	assert_true(tb_ustar_name_ok("a/..b/c"));
	assert_false(tb_ustar_name_ok("../a"));
	assert_false(tb_ustar_name_ok("a/../../b"));
	assert_false(tb_ustar_name_ok("/etc/passwd"));
	assert_false(tb_ustar_name_ok("a/.."));
	assert_false(tb_ustar_name_ok(""));
	strbuf_init(&tar);
	assert_int_equal(tb_ustar_add(&tar, "x/../../evil", 0, "x", 1, 0), 0);
	off = 0;
	assert_int_equal(tb_ustar_next((uint8_t *)tar.buf, tar.len, &off, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "x/../../evil"));
	/* a symlink member */
	tar.buf[156] = '2';
	{
		unsigned sum = 0, i;

		memset(tar.buf + 148, ' ', 8);
		for (i = 0; i < 512; i++)
			sum += (unsigned char)tar.buf[i];
		snprintf(tar.buf + 148, 8, "%06o", sum);
	}
	memcpy(tar.buf, "link\0\0\0\0\0\0\0\0\0", 13);
	{
		unsigned sum = 0, i;

		memset(tar.buf + 148, ' ', 8);
		for (i = 0; i < 512; i++)
			sum += (unsigned char)tar.buf[i];
		snprintf(tar.buf + 148, 8, "%06o", sum);
	}
	off = 0;
	assert_int_equal(tb_ustar_next((uint8_t *)tar.buf, tar.len, &off, &m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "a link"));
	strbuf_release(&tar);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_ustar),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
