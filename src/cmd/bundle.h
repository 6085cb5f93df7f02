/*
 * bundle.h - the `collect` bundle (bundle.c): packed by cmd-collect.c, read back by
 * cmd-analyze.c.
 */
#ifndef TB_CMD_BUNDLE_H
#define TB_CMD_BUNDLE_H

#include <stddef.h>
#include <stdio.h>
#include "util/strbuf.h"

struct tb_ustar_member;

/*
 * bundle_pack - the files under stage as members top/..., tar, gzip, written to
 * out_path atomically (temporary file + rename); its size in *out_size.  0 or negative.
 */
int bundle_pack(const char *stage, const char *top, const char *out_path, size_t *out_size);

/*
 * bundle_check - inflate gzdata (the bundle file's bytes; file names it in messages)
 * into tar and walk every member, calling member() on each (may be NULL).  Checks: gzip
 * intact, ustar headers, regular files and directories only, relative names without
 * "..", one top directory, MANIFEST and uname.txt present.  Returns 0, or
 * -TB_EXIT_BADINPUT after a message naming the file and member.
 */
int bundle_check(const void *gzdata, size_t len, const char *file, struct strbuf *tar,
		 int (*member)(void *ctx, const struct tb_ustar_member *m), void *ctx);

/* bundle_is_file - 1 if path is a regular file named .tar.gz/.tgz, or a gzip holding a tar. */
int bundle_is_file(const char *path);

/*
 * bundle_find_top - 1 if dir is an unpacked bundle's top directory, or holds exactly one
 * (what `tar xzf` makes); its path into top.
 */
int bundle_find_top(const char *dir, char *top, size_t size);

/*
 * bundle_unpack - check file, then unpack it into a new temporary directory (its path
 * into tmp: the caller removes it with bundle_remove_tree) and find its top.  Nothing
 * is written unless every member passed.  0 or negative (-TB_EXIT_BADINPUT: a bad bundle).
 */
int bundle_unpack(const char *file, char *tmp, size_t tmpsize, char *top, size_t topsize);

/* Set the files' times under top from its MTIMES (nanoseconds; tar keeps seconds). */
void bundle_apply_mtimes(const char *top);

/* rm -r dir (a directory tracebook made). */
void bundle_remove_tree(const char *dir);

/* The slab (and meminfo, vmstat, buddyinfo) growth between the bundle's two snapshots. */
int bundle_print_growth(const char *top, unsigned ntop, FILE *out);

#endif
