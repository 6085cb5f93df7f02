/*
 * bundle.c - the `collect` bundle: one .tar.gz (util/ustar.c in util/gzip.c) holding
 * one top directory collect-HOST-TIME/ with
 *   MANIFEST            what was collected (sizes) and what could not be, and why
 *   uname.txt           uname -a;  probe.json: `probe --json`;  kallsyms: /proc/kallsyms
 *   dmesg.txt           the kernel log (/dev/kmsg, else syslog(2))
 *   snap/1-KIND, 2-KIND slabinfo/meminfo/vmstat/buddyinfo, D apart (mtime: when taken)
 *   run/                the short `run slab-leak --save` (a run --save directory)
 *   run-report.txt, run-exit.txt   the run's text report; its exit status and messages
 *   MTIMES              "SEC.NSEC PATH" of every file: tar keeps whole seconds, and the
 *                       snapshots' times are what growth rates are computed from
 * Owns packing a staged directory into the bundle, and reading one back: unpacked into
 * a fresh temporary directory after every member was checked (bundle_unpack), so
 * nothing is ever written outside it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "analyze/growth.h"
#include "cmd/bundle.h"
#include "report/report.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/gzip.h"
#include "util/procfs.h"
#include "util/strlist.h"
#include "util/ustar.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every path under dir (relative, sorted; directories before what they hold) into l. */
static int walk(const char *dir, const char *rel, struct strlist *l)
{
	struct strbuf p = STRBUF_INIT;
	struct strlist here = STRLIST_INIT;
	struct dirent *de;
	size_t i;
	DIR *d;
	int r = 0;

	strbuf_addf(&p, "%s%s%s", dir, *rel ? "/" : "", rel);
	d = opendir(p.buf);
	if (!d) {
		r = tb_error("cannot read %s: %s", p.buf, strerror(errno));
		strbuf_release(&p);
		return r;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r |= strlist_add(&here, de->d_name);
	closedir(d);
	if (here.n)
		qsort(here.v, here.n, sizeof(*here.v), cmp_str);
	for (i = 0; !r && i < here.n; i++) {
		struct stat st;

		strbuf_reset(&p);
		strbuf_addf(&p, "%s%s%s", rel, *rel ? "/" : "", here.v[i]);
		r |= strlist_add(l, p.buf);
		strbuf_reset(&p);
		strbuf_addf(&p, "%s/%s%s%s", dir, rel, *rel ? "/" : "", here.v[i]);
		if (!r && lstat(p.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			strbuf_reset(&p);
			strbuf_addf(&p, "%s%s%s", rel, *rel ? "/" : "", here.v[i]);
			r = walk(dir, p.buf, l);
		}
	}
	strlist_clear(&here);
	strbuf_release(&p);
	return r;
}

int bundle_pack(const char *stage, const char *top, const char *out_path, size_t *out_size)
{
	struct strbuf tar = STRBUF_INIT, gz = STRBUF_INIT, p = STRBUF_INIT, name = STRBUF_INIT;
	struct strbuf mt = STRBUF_INIT;	/* MTIMES: tar keeps whole seconds only */
	struct strlist files = STRLIST_INIT;
	size_t i;
	int r;

	r = walk(stage, "", &files);
	if (!r)
		r = tb_ustar_add(&tar, top, 1, NULL, 0, (uint64_t)time(NULL));
	for (i = 0; !r && i < files.n; i++) {
		struct strbuf data = STRBUF_INIT;
		struct stat st;

		strbuf_reset(&p);
		strbuf_addf(&p, "%s/%s", stage, files.v[i]);
		strbuf_reset(&name);
		strbuf_addf(&name, "%s/%s", top, files.v[i]);
		if (lstat(p.buf, &st) < 0) {
			r = tb_error("collect: %s vanished: %s", p.buf, strerror(errno));
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			r = tb_ustar_add(&tar, name.buf, 1, NULL, 0, (uint64_t)st.st_mtime);
		} else if (S_ISREG(st.st_mode)) {
			strbuf_addf(&mt, "%lld.%09ld %s\n", (long long)st.st_mtim.tv_sec,
				    st.st_mtim.tv_nsec, files.v[i]);
			if (st.st_size && tb_read_file(p.buf, &data) < 0) {
				r = tb_error("collect: cannot read %s: %s", p.buf, strerror(errno));
			} else {
				r = tb_ustar_add(&tar, name.buf, 0, data.buf, data.len,
						 (uint64_t)st.st_mtime);
			}
		}
		strbuf_release(&data);
		if (r == -ENAMETOOLONG)
			r = tb_error("collect: %s: name too long for a tar member", name.buf);
	}
	if (!r) {
		strbuf_reset(&name);
		strbuf_addf(&name, "%s/MTIMES", top);
		r = tb_ustar_add(&tar, name.buf, 0, mt.buf, mt.len, (uint64_t)time(NULL));
	}
	if (!r)
		r = tb_ustar_end(&tar);
	if (!r)
		r = tb_gzip(tar.buf, tar.len, (uint32_t)time(NULL), &gz);
	if (r && r != -1)
		r = tb_error("collect: cannot pack the bundle: %s", strerror(-r));
	if (!r) {
		int e = tb_write_file_atomic(out_path, gz.buf, gz.len);

		if (e < 0)
			r = tb_error_code(TB_EXIT_ERROR, "collect: cannot write %s: %s", out_path,
					  strerror(-e));
		*out_size = gz.len;
	}
	strlist_clear(&files);
	strbuf_release(&mt);
	strbuf_release(&tar);
	strbuf_release(&gz);
	strbuf_release(&p);
	strbuf_release(&name);
	return r < 0 ? r : 0;
}

/* rm -r of a directory we made (no symlinks are followed: lstat, unlink) */
void bundle_remove_tree(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d) {
		while ((de = readdir(d))) {
			char p[4200];
			struct stat st;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
				bundle_remove_tree(p);
			else
				unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
}

int bundle_check(const void *gzdata, size_t len, const char *file, struct strbuf *tar,
		 int (*member)(void *ctx, const struct tb_ustar_member *m), void *ctx)
{
	struct tb_ustar_member m;
	char err[512], top[257] = "";
	size_t off = 0;
	int r, n = 0, have_manifest = 0, have_uname = 0;

	if (tb_gunzip(gzdata, len, TB_GUNZIP_MAX, tar, err, sizeof(err)) < 0)
		return tb_error_code(TB_EXIT_BADINPUT, "%s: %s", file, err);
	while ((r = tb_ustar_next((const uint8_t *)tar->buf, tar->len, &off, &m, err,
				  sizeof(err))) == 1) {
		const char *slash = strchr(m.name, '/');
		size_t tl = slash ? (size_t)(slash - m.name) : strlen(m.name);

		if (!n++)
			snprintf(top, sizeof(top), "%.*s", (int)tl, m.name);
		if (strlen(top) != tl || strncmp(m.name, top, tl))
			return tb_error_code(TB_EXIT_BADINPUT, "%s: member '%s' is not under the "
					     "bundle's top directory '%s/': not a tracebook bundle",
					     file, m.name, top);
		if (slash && !strcmp(slash, "/MANIFEST"))
			have_manifest = 1;
		if (slash && !strcmp(slash, "/uname.txt"))
			have_uname = 1;
		if (member && (r = member(ctx, &m)) < 0)
			return r;
	}
	if (r < 0)
		return tb_error_code(TB_EXIT_BADINPUT, "%s: %s", file, err);
	if (!n)
		return tb_error_code(TB_EXIT_BADINPUT, "%s: an empty tar archive: not a tracebook "
				     "bundle", file);
	if (!have_manifest || !have_uname)
		return tb_error_code(TB_EXIT_BADINPUT, "%s: member '%s/%s' is missing: not a "
				     "complete `tracebook collect` bundle", file, top,
				     have_manifest ? "uname.txt" : "MANIFEST");
	return 0;
}

struct unpack {
	const char *dir, *file;
};

static int unpack_member(void *ctx, const struct tb_ustar_member *m)
{
	struct unpack *u = ctx;
	char p[4400];
	struct timespec ts[2];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", u->dir, m->name);
	if (m->dir) {
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return tb_error_code(TB_EXIT_BADINPUT, "%s: member '%s': cannot make %s: %s",
					     u->file, m->name, p, strerror(errno));
		return 0;
	}
	/* parents made as needed (a tar may omit directory members) */
	{
		char *s;

		for (s = p + strlen(u->dir) + 1; (s = strchr(s, '/')); s++) {
			*s = 0;
			mkdir(p, 0700);
			*s = '/';
		}
	}
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return tb_error_code(TB_EXIT_BADINPUT, "%s: member '%s': cannot unpack to %s: %s%s",
				     u->file, m->name, p, strerror(errno),
				     errno == EEXIST ? " (the member appears twice)" : "");
	if (m->size && write(fd, m->data, m->size) != (ssize_t)m->size) {
		int e = errno;

		close(fd);
		return tb_error("%s: member '%s': cannot write %s: %s", u->file, m->name, p,
				strerror(e));
	}
	ts[0].tv_sec = ts[1].tv_sec = (time_t)m->mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	futimens(fd, ts);
	close(fd);
	return 0;
}

int bundle_is_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	struct stat st;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	n = (ssize_t)strlen(path);
	if ((n > 7 && !strcmp(path + n - 7, ".tar.gz")) || (n > 4 && !strcmp(path + n - 4, ".tgz"))) {
		close(fd);
		return 1;
	}
	/* any other gzip is a bundle only if it holds a tar (a plain .gz of a trace is
	 * said by the decoders: zcat it) */
	{
		static char head[65536];
		struct strbuf out = STRBUF_INIT;
		char err[256];
		int is = 0;

		n = read(fd, head, sizeof(head));
		if (n > 2 && (unsigned char)head[0] == 0x1f && (unsigned char)head[1] == 0x8b) {
			tb_gunzip(head, (size_t)n, 1024, &out, err, sizeof(err));
			is = out.len >= 512 && !memcmp(out.buf + 257, "ustar", 5);
		}
		strbuf_release(&out);
		close(fd);
		return is;
	}
}

/* A directory is a bundle's top when its MANIFEST says so. */
static int is_top(const char *dir)
{
	char p[4200], line[128];

	snprintf(p, sizeof(p), "%s/MANIFEST", dir);
	return tb_read_line(p, line, sizeof(line)) == 0 &&
	       !strncmp(line, "tracebook collect", 17);
}

int bundle_find_top(const char *dir, char *top, size_t size)
{
	struct dirent *de;
	DIR *d;
	int found = 0;

	if (is_top(dir)) {
		snprintf(top, size, "%s", dir);
		return 1;
	}
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		char p[4200];

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (is_top(p)) {
			snprintf(top, size, "%s", p);
			found++;
		}
	}
	if (d)
		closedir(d);
	return found == 1;
}

int bundle_unpack(const char *file, char *tmp, size_t tmpsize, char *top, size_t topsize)
{
	struct strbuf gz = STRBUF_INIT, tar = STRBUF_INIT;
	struct unpack u;
	const char *t = getenv("TMPDIR");
	int r;

	tmp[0] = 0;
	r = tb_read_file(file, &gz);
	if (r < 0) {
		strbuf_release(&gz);
		return tb_error_code(TB_EXIT_BADINPUT, "%s: cannot read: %s", file, strerror(-r));
	}
	/* check the whole bundle before anything touches the disk */
	r = bundle_check(gz.buf, gz.len, file, &tar, NULL, NULL);
	if (!r) {
		snprintf(tmp, tmpsize, "%s/tracebook-bundle.XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(tmp)) {
			r = tb_error("cannot make a temporary directory %s: %s", tmp,
				     strerror(errno));
			tmp[0] = 0;
		}
	}
	if (!r) {
		struct strbuf again = STRBUF_INIT;

		u.dir = tmp;
		u.file = file;
		r = bundle_check(gz.buf, gz.len, file, &again, unpack_member, &u);
		strbuf_release(&again);
		if (!r && !bundle_find_top(tmp, top, topsize))
			r = tb_error_code(TB_EXIT_BADINPUT, "%s: its MANIFEST does not start with "
					  "'tracebook collect': not a tracebook bundle", file);
	}
	strbuf_release(&gz);
	strbuf_release(&tar);
	if (r < 0 && tmp[0]) {
		bundle_remove_tree(tmp);
		tmp[0] = 0;
	}
	return r;
}

int bundle_print_growth(const char *top, unsigned ntop, FILE *out)
{
	struct tb_growth *g = tb_growth_new(NULL);
	struct tb_rgrowth *res;
	int r = 0, n, k, added = 0;

	if (!g)
		return tb_error("out of memory");
	for (n = 1; n <= 2 && !r; n++)
		for (k = 0; k < TB_PROC_KINDS && !r; k++) {
			struct strbuf t = STRBUF_INIT;
			char p[4200];
			struct stat st;

			snprintf(p, sizeof(p), "%s/snap/%d-%s", top, n, tb_proc_kinds[k].name);
			if (stat(p, &st) == 0 && tb_read_file(p, &t) == 0 && t.len) {
				r = tb_growth_add(g, tb_proc_kinds[k].name,
						  (uint64_t)st.st_mtime * 1000000000ULL,
						  strbuf_str(&t), p);
				added++;
			}
			strbuf_release(&t);
		}
	if (!r) {
		fprintf(out, "\n== the bundle's /proc snapshots (collect, before and after the run) ==\n");
		if (!added || !tb_growth_has_result(g)) {
			fprintf(out, "  fewer than two snapshots in the bundle: no growth to tell "
				"(see its MANIFEST)\n");
		} else {
			res = tb_growth_result(g);
			if (!res) {
				r = tb_error("out of memory");
			} else {
				tb_report_print_growth(res, out, ntop);
				tb_rgrowth_free(res);
			}
		}
	}
	tb_growth_free(g);
	return r;
}

void bundle_apply_mtimes(const char *top)
{
	struct strbuf sb = STRBUF_INIT;
	char p[4200], *line, *save = NULL;

	snprintf(p, sizeof(p), "%s/MTIMES", top);
	if (tb_read_file(p, &sb) < 0 || !sb.len) {
		strbuf_release(&sb);
		return;
	}
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		long long sec;
		long nsec;
		int off = 0;
		struct timespec ts[2];
		char f[4400];

		if (sscanf(line, "%lld.%9ld %n", &sec, &nsec, &off) != 2 || !off ||
		    !tb_ustar_name_ok(line + off) || nsec < 0 || nsec > 999999999)
			continue;
		snprintf(f, sizeof(f), "%s/%s", top, line + off);
		ts[0].tv_sec = ts[1].tv_sec = (time_t)sec;
		ts[0].tv_nsec = ts[1].tv_nsec = nsec;
		utimensat(AT_FDCWD, f, ts, AT_SYMLINK_NOFOLLOW);
	}
	strbuf_release(&sb);
}
