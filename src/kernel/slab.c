/*
 * slab.c - the SLUB sysfs tree: caches, merged aliases (symlinks), primaries from
 * /proc/slabinfo, and the trace toggle's state; see slab.h.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/alloc.h"
#include "kernel/slab.h"
#include "kernel/tracefs.h"
#include "util/err.h"
#include "util/fileio.h"

char *tb_slab_path(char *buf, size_t size)
{
	snprintf(buf, size, "%s/sys/kernel/slab", tb_root());
	return buf;
}

char *tb_slab_proc_path(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/proc/%s", tb_root(), name);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_cache(const void *a, const void *b)
{
	return strcmp(((const struct tb_slab_cache *)a)->dir, ((const struct tb_slab_cache *)b)->dir);
}

static int is_unique_id(const char *dir)
{
	return dir[0] == ':';
}

static struct tb_slab_cache *add_cache(struct tb_slab_tree *t, const char *dir, size_t *alloc)
{
	struct tb_slab_cache *c;

	if (ALLOC_GROW(t->caches, t->n + 1, *alloc))
		return NULL;
	c = &t->caches[t->n];
	memset(c, 0, sizeof(*c));
	c->dir = strdup(dir);
	if (!c->dir)
		return NULL;
	c->merged = is_unique_id(dir);
	c->object_size = -1;
	c->aliases = -1;
	t->n++;
	return c;
}

static struct tb_slab_cache *find_dir(const struct tb_slab_tree *t, const char *dir)
{
	struct tb_slab_cache key;

	if (!t->n)
		return NULL;
	key.dir = (char *)dir;
	return bsearch(&key, t->caches, t->n, sizeof(key), cmp_cache);
}

/* Link name -> target (basename of the link text) once all dirs are known. */
static int attach_links(struct tb_slab_tree *t, struct strlist *links)
{
	size_t i;

	if (t->n)
		qsort(t->caches, t->n, sizeof(*t->caches), cmp_cache);
	for (i = 0; i + 1 < links->n; i += 2) {
		struct tb_slab_cache *c = find_dir(t, links->v[i + 1]);

		if (!c) {
			if (strlist_add(&t->dangling, links->v[i]))
				return -ENOMEM;
			continue;
		}
		if (strlist_add(&c->names, links->v[i]))
			return -ENOMEM;
	}
	for (i = 0; i < t->n; i++)
		if (t->caches[i].names.n > 1)
			qsort(t->caches[i].names.v, t->caches[i].names.n, sizeof(char *), cmp_str);
	return 0;
}

static long read_long_attr(const char *dir, const char *cache, const char *attr)
{
	char path[PATH_MAX], line[64];
	char *end;
	long v;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, cache, attr);
	if (tb_read_line(path, line, sizeof(line)))
		return -1;
	v = strtol(line, &end, 10);
	return end == line ? -1 : v;
}

/* Primaries from a slabinfo text: the first word of every row. */
static void primaries_from_slabinfo(struct tb_slab_tree *t, const char *text)
{
	struct strlist names = STRLIST_INIT;
	const char *p = text;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		size_t w = 0;

		if (len && p[0] != '#' && strncmp(p, "slabinfo -", 10)) {
			while (w < len && p[w] != ' ' && p[w] != '\t')
				w++;
			if (w && strlist_add_n(&names, p, w))
				break;
		}
		p += len + (e ? 1 : 0);
	}
	tb_slab_set_primaries(t, names.v, names.n);
	t->have_primaries = names.n > 0;
	strlist_clear(&names);
}

int tb_slab_load(struct tb_slab_tree *t, const char *dir)
{
	char def[PATH_MAX], sip[PATH_MAX];
	struct strlist links = STRLIST_INIT;
	struct strbuf si = STRBUF_INIT;
	struct dirent *de;
	size_t alloc = 0, i;
	DIR *d;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	tb_slab_path(def, sizeof(def));
	if (!dir)
		dir = def;
	t->path = strdup(dir);
	if (!t->path)
		return -ENOMEM;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char path[PATH_MAX + NAME_MAX + 2], target[PATH_MAX];
		struct stat st;
		ssize_t n;
		const char *base;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISLNK(st.st_mode)) {
			n = readlink(path, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			while (n > 1 && target[n - 1] == '/')
				target[--n] = '\0';
			base = strrchr(target, '/');
			base = base ? base + 1 : target;
			if (strlist_add(&links, de->d_name) || strlist_add(&links, base)) {
				ret = -ENOMEM;
				break;
			}
		} else if (S_ISDIR(st.st_mode)) {
			if (!add_cache(t, de->d_name, &alloc)) {
				ret = -ENOMEM;
				break;
			}
		}
	}
	closedir(d);
	if (!ret)
		ret = attach_links(t, &links);
	strlist_clear(&links);
	if (ret)
		return ret;
	for (i = 0; i < t->n; i++) {
		t->caches[i].object_size = read_long_attr(dir, t->caches[i].dir, "object_size");
		t->caches[i].aliases = read_long_attr(dir, t->caches[i].dir, "aliases");
	}

	/* The primary names: the slabinfo beside this tree. */
	if (!strcmp(dir, def) || !strcmp(dir, "/sys/kernel/slab")) {
		tb_slab_proc_path("slabinfo", sip, sizeof(sip));
	} else {
		size_t l = strlen(dir), sl = strlen("/sys/kernel/slab");

		if (l >= sl && !strcmp(dir + l - sl, "/sys/kernel/slab"))
			snprintf(sip, sizeof(sip), "%.*s/proc/slabinfo", (int)(l - sl), dir);
		else
			sip[0] = '\0';
	}
	if (sip[0] && tb_read_file(sip, &si) == 0)
		primaries_from_slabinfo(t, strbuf_str(&si));
	strbuf_release(&si);
	return 0;
}

/* "lrwxrwxrwx 1 root root 0 Nov 22 12:31 AF_VSOCK -> :A-0001280" */
int tb_slab_load_listing(struct tb_slab_tree *t, const char *text, const char *origin)
{
	struct strlist links = STRLIST_INIT, words = STRLIST_INIT;
	const char *p = text;
	size_t alloc = 0;
	int line = 0, bad = 0, ret = 0;

	memset(t, 0, sizeof(*t));
	t->from_listing = 1;
	t->path = strdup("/sys/kernel/slab");
	if (!t->path)
		return -ENOMEM;
	while (*p && !ret) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *l = strndup(p, len);

		line++;
		p += len + (e ? 1 : 0);
		if (!l) {
			ret = -ENOMEM;
			break;
		}
		strlist_clear(&words);
		if (strlist_split_ws(&words, l)) {
			free(l);
			ret = -ENOMEM;
			break;
		}
		if (!words.n || !strncmp(l, "total ", 6) || l[len ? len - 1 : 0] == ':') {
			free(l);
			continue;
		}
		if (words.n >= 9 && l[0] == 'l' && words.n >= 3 &&
		    !strcmp(words.v[words.n - 2], "->")) {
			const char *target = words.v[words.n - 1];
			const char *base = strrchr(target, '/');

			if (strlist_add(&links, words.v[words.n - 3]) ||
			    strlist_add(&links, base ? base + 1 : target))
				ret = -ENOMEM;
		} else if (words.n >= 9 && l[0] == 'd') {
			if (strcmp(words.v[words.n - 1], ".") && strcmp(words.v[words.n - 1], "..") &&
			    !add_cache(t, words.v[words.n - 1], &alloc))
				ret = -ENOMEM;
		} else if (words.n >= 9 && l[0] == '-') {
			/* a plain file in the listing: not a cache */
		} else {
			tb_error("%s:%d: not a line of `ls -l /sys/kernel/slab` '%.60s': expected "
				 "'lrwxrwxrwx ... NAME -> TARGET' or 'drwxr-xr-x ... NAME'",
				 origin ? origin : "<listing>", line, l);
			bad = 1;
		}
		free(l);
	}
	strlist_clear(&words);
	if (!ret)
		ret = attach_links(t, &links);
	strlist_clear(&links);
	if (ret)
		return ret;
	return bad ? -TB_EXIT_BADINPUT : 0;
}

void tb_slab_release(struct tb_slab_tree *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->caches[i].dir);
		free(t->caches[i].primary);
		strlist_clear(&t->caches[i].names);
	}
	free(t->caches);
	free(t->path);
	strlist_clear(&t->dangling);
	memset(t, 0, sizeof(*t));
}

static int cmp_name_key(const void *key, const void *elem)
{
	return strcmp((const char *)key, *(char *const *)elem);
}

static int names_has(const struct tb_slab_cache *c, const char *name)
{
	return c->names.n &&
	       bsearch(name, c->names.v, c->names.n, sizeof(char *), cmp_name_key) != NULL;
}

void tb_slab_set_primaries(struct tb_slab_tree *t, char *const *names, size_t n)
{
	size_t j;

	for (j = 0; j < n; j++) {
		const struct tb_slab_cache *cc = tb_slab_resolve(t, names[j]);
		struct tb_slab_cache *c = (struct tb_slab_cache *)cc;

		if (!c || !c->merged || c->primary || !names_has(c, names[j]))
			continue;
		c->primary = strdup(names[j]);
	}
}

const struct tb_slab_cache *tb_slab_resolve(const struct tb_slab_tree *t, const char *name)
{
	const struct tb_slab_cache *c = find_dir(t, name);
	size_t i;

	if (c)
		return c;
	for (i = 0; i < t->n; i++)
		if (names_has(&t->caches[i], name))
			return &t->caches[i];
	return NULL;
}

const char *tb_slab_name(const struct tb_slab_cache *c)
{
	if (c->primary)
		return c->primary;
	if (!c->merged)
		return c->dir;
	if (c->names.n == 1)
		return c->names.v[0];
	return c->dir;
}

int tb_slab_is_alias(const struct tb_slab_cache *c, const char *name)
{
	if (!strcmp(name, tb_slab_name(c)) || !strcmp(name, c->dir))
		return 0;
	return names_has(c, name);
}

size_t tb_slab_format_aliases(const struct tb_slab_cache *c, const char *except,
			      struct strbuf *out, size_t max)
{
	const char *shown = except ? except : tb_slab_name(c);
	size_t i, count = 0, printed = 0;

	for (i = 0; i < c->names.n; i++) {
		if (!strcmp(c->names.v[i], shown))
			continue;
		count++;
		if (max && printed >= max)
			continue;
		if (printed)
			strbuf_addstr(out, ", ");
		strbuf_addstr(out, c->names.v[i]);
		printed++;
	}
	if (count > printed)
		strbuf_addf(out, " +%zu more", count - printed);
	return count;
}

char *tb_slab_attr_path(const struct tb_slab_tree *t, const struct tb_slab_cache *c,
			const char *attr, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s/%s", t->path, c->dir, attr);
	return buf;
}

int tb_slab_trace_state(const struct tb_slab_tree *t, const struct tb_slab_cache *c,
			struct tb_slab_trace *st)
{
	char path[PATH_MAX], line[32];
	struct stat sb;

	memset(st, 0, sizeof(*st));
	st->value = -1;
	st->merged = c->aliases > 0 || c->names.n > 1;
	if (t->from_listing)
		return -ENOENT;
	tb_slab_attr_path(t, c, "trace", path, sizeof(path));
	if (stat(path, &sb)) {
		if (errno == ENOENT)
			return 0;
		return -errno;
	}
	st->exists = 1;
	st->mode = (unsigned)(sb.st_mode & 07777);
	st->writable = (sb.st_mode & S_IWUSR) != 0;
	if (tb_read_line(path, line, sizeof(line)) == 0)
		st->value = atoi(line) ? 1 : 0;
	return 0;
}
