/*
 * recipe-find.c - where recipes come from: a path, a name looked up in the recipe
 * directories (TRACEBOOK_RECIPES, or else <exe dir>/recipes for a kit or a checkout and
 * <exe dir>/../share/tracebook/recipes for an installed binary), and the library
 * embedded in the binary (recipe/embedded.h), used for any shipped name not found on
 * disk.  No directory is compiled in: a binary carries no path of the tree it was
 * built in, and finds its recipes wherever it was installed or unpacked.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "recipe/embedded.h"
#include "recipe/recipe.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/strbuf.h"

static int is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode);
}

static void add_dir(struct strlist *out, const char *d, int *err)
{
	char real[PATH_MAX];
	const char *key = realpath(d, real) ? real : d;

	if (!is_dir(d) || strlist_has(out, key))
		return;
	if (strlist_add(out, key))
		*err = -1;
}

/**
 * tb_recipe_dirs - the directories searched for recipes by name, in order.
 * @out: receives existing directories (real paths, no duplicates)
 *
 * TRACEBOOK_RECIPES (a colon-separated list), when set, replaces the default
 * directories; the embedded library is searched after all of them in either case.
 * Returns 0, or -1 on ENOMEM.
 */
int tb_recipe_dirs(struct strlist *out)
{
	const char *env = getenv("TRACEBOOK_RECIPES");
	char exe[PATH_MAX], buf[PATH_MAX + 64];
	ssize_t n;
	int err = 0;

	if (env) {
		const char *p = env;

		while (*p) {
			const char *e = strchr(p, ':');
			size_t len = e ? (size_t)(e - p) : strlen(p);

			if (len && len < sizeof(buf)) {
				memcpy(buf, p, len);
				buf[len] = '\0';
				add_dir(out, buf, &err);
			}
			p += len;
			if (*p == ':')
				p++;
		}
		return err;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, sizeof(buf), "%s/recipes", exe);
			add_dir(out, buf, &err);
			snprintf(buf, sizeof(buf), "%s/../share/tracebook/recipes", exe);
			add_dir(out, buf, &err);
		}
	}
	return err;
}

const char *tb_recipe_builtin_text(const char *name)
{
	unsigned i;

	for (i = 0; i < tb_n_embedded_recipes; i++)
		if (!strcmp(tb_embedded_recipes[i].name, name))
			return tb_embedded_recipes[i].text;
	return NULL;
}

static int looks_like_path(const char *s)
{
	size_t n = strlen(s);

	return strchr(s, '/') || (n > 7 && !strcmp(s + n - 7, ".recipe"));
}

/**
 * tb_recipe_find - resolve a recipe name or path.
 * @name_or_path: "slab-leak", "./mine.recipe", "/etc/x.recipe"
 *
 * A path (contains '/' or ends in .recipe) must exist.  A name is looked up as
 * NAME.recipe in tb_recipe_dirs(), then in the embedded library (the result then
 * starts with TB_RECIPE_BUILTIN_PREFIX, which tb_recipe_load() understands).
 * Returns a malloc'd path, or NULL after printing what was tried.
 */
char *tb_recipe_find(const char *name_or_path)
{
	struct strlist dirs = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *found = NULL;
	size_t i;

	if (!*name_or_path) {
		tb_error("empty recipe name: expected a name from `tracebook recipes` or a path");
		return NULL;
	}
	if (looks_like_path(name_or_path)) {
		if (is_file(name_or_path)) {
			found = strdup(name_or_path);
			if (!found)
				tb_error("out of memory");
			return found;
		}
		/* "slab-leak.recipe" with no such file here is tried as a library name */
		if (strchr(name_or_path, '/')) {
			tb_error_code(TB_EXIT_BADINPUT, "recipe file '%s': expected %s", name_or_path,
				      tb_exists(name_or_path) ? "a regular file" :
				      "an existing file (no such file)");
			return NULL;
		}
	}
	if (tb_recipe_dirs(&dirs)) {
		tb_error("out of memory");
		return NULL;
	}
	{
		char name[256];
		size_t n;

		snprintf(name, sizeof(name), "%s", name_or_path);
		n = strlen(name);
		if (n > 7 && !strcmp(name + n - 7, ".recipe"))
			name[n - 7] = '\0';
		for (i = 0; i < dirs.n && !found; i++) {
			strbuf_reset(&sb);
			strbuf_addf(&sb, "%s/%s.recipe", dirs.v[i], name);
			if (is_file(sb.buf))
				found = strbuf_detach(&sb, NULL);
		}
		if (!found && tb_recipe_builtin_text(name)) {
			strbuf_reset(&sb);
			strbuf_addf(&sb, "%s%s.recipe", TB_RECIPE_BUILTIN_PREFIX, name);
			found = strbuf_detach(&sb, NULL);
		}
		if (!found) {
			strbuf_reset(&sb);
			for (i = 0; i < tb_n_embedded_recipes; i++)
				strbuf_addf(&sb, "%s%s", i ? ", " : "", tb_embedded_recipes[i].name);
			for (i = 0; i < dirs.n; i++)
				tb_note("looked in %s", dirs.v[i]);
			tb_error("unknown recipe '%s': expected a path or a recipe name (%s); "
				 "see `tracebook recipes`", name_or_path, strbuf_str(&sb));
		}
	}
	strbuf_release(&sb);
	strlist_clear(&dirs);
	return found;
}
