/*
 * cmd-recipes.c - `tracebook recipes`: the recipe library grouped by symptom, with
 * summaries; `recipes show NAME` prints a recipe's file; `recipes path NAME` says
 * which copy a name resolves to (a directory, or the library built into the binary).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmds.h"
#include "recipe/embedded.h"
#include "recipe/recipe.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/parse-options.h"
#include "util/strbuf.h"

/* Symptom groups shown first, in this order; others follow alphabetically. */
static const char *const symptom_order[] = {
	"slab grows", "refcount", "allocation failures", NULL
};

struct entry {
	char *name;
	char *path;		/* file, or TB_RECIPE_BUILTIN_PREFIX name */
	char *symptom;		/* NULL: invalid recipe */
	char *summary;
	char *required;		/* "cache=CACHE" if a parameter must be given */
};

static const struct tb_usage recipes_usage = {
	"recipes",
	"usage: tracebook recipes              list the recipes, grouped by symptom\n"
	"       tracebook recipes show NAME    print a recipe\n"
	"       tracebook recipes path NAME    which file NAME resolves to",
	"\nRecipes are looked up in $TRACEBOOK_RECIPES (colon-separated; when set it\n"
	"replaces the default directories <exe dir>/recipes (a kit or a checkout) and\n"
	"<exe dir>/../share/tracebook/recipes (an installed binary)), then in the\n"
	"library built into the binary.",
	NULL,
};

static int have(struct entry *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return 1;
	return 0;
}

static int add(struct entry **v, size_t *n, const char *name, const char *path)
{
	struct entry *nv;

	if (have(*v, *n, name))
		return 0;	/* an earlier directory (or disk over built-in) wins */
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	nv[*n].name = strdup(name);
	nv[*n].path = strdup(path);
	(*n)++;
	return nv[*n - 1].name && nv[*n - 1].path ? 0 : -1;
}

static int strcmp_ptr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static int gather(struct entry **v, size_t *n, struct strlist *dirs)
{
	struct strbuf sb = STRBUF_INIT;
	size_t d;
	unsigned i;
	int err = 0;

	if (tb_recipe_dirs(dirs))
		return -1;
	for (d = 0; d < dirs->n && !err; d++) {
		DIR *dir = opendir(dirs->v[d]);
		struct dirent *de;

		if (!dir)
			continue;
		while ((de = readdir(dir)) && !err) {
			size_t len = strlen(de->d_name);
			char name[256];

			if (len <= 7 || strcmp(de->d_name + len - 7, ".recipe") || len - 7 >= sizeof(name))
				continue;
			memcpy(name, de->d_name, len - 7);
			name[len - 7] = '\0';
			strbuf_reset(&sb);
			strbuf_addf(&sb, "%s/%s", dirs->v[d], de->d_name);
			err = add(v, n, name, sb.buf);
		}
		closedir(dir);
	}
	for (i = 0; i < tb_n_embedded_recipes && !err; i++) {
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s%s.recipe", TB_RECIPE_BUILTIN_PREFIX, tb_embedded_recipes[i].name);
		err = add(v, n, tb_embedded_recipes[i].name, sb.buf);
	}
	strbuf_release(&sb);
	if (err)
		return -1;
	if (*n)
		qsort(*v, *n, sizeof(**v), cmp_entry);
	for (d = 0; d < *n; d++) {
		struct strlist errors = STRLIST_INIT;
		struct tb_recipe r;
		unsigned p;

		if (tb_recipe_load_ex((*v)[d].path, NULL, NULL, TB_RECIPE_LOAD_CHECK, &errors, &r)) {
			strlist_clear(&errors);
			continue;
		}
		(*v)[d].symptom = strdup(r.symptom ? r.symptom : "other");
		(*v)[d].summary = strdup(r.summary ? r.summary : "");
		for (p = 0; p < r.nparams; p++) {
			if (r.params[p].required && !*r.params[p].value && !(*v)[d].required) {
				strbuf_reset(&sb);
				strbuf_addf(&sb, "%s=%s", r.params[p].name,
					    r.params[p].type == TB_PARAM_CACHE ? "CACHE" : "VALUE");
				(*v)[d].required = strbuf_detach(&sb, NULL);
			}
		}
		tb_recipe_free(&r);
		strlist_clear(&errors);
	}
	return 0;
}

static void print_group(struct entry *v, size_t n, const char *symptom, int *printed)
{
	size_t i;
	int head = 0;

	for (i = 0; i < n; i++) {
		char shown[96];

		if (!v[i].symptom || strcmp(v[i].symptom, symptom))
			continue;
		if (!head) {
			printf("%s%s:\n", *printed ? "\n" : "", symptom);
			head = *printed = 1;
		}
		snprintf(shown, sizeof(shown), "%s%s%s", v[i].name, v[i].required ? " " : "",
			 v[i].required ? v[i].required : "");
		printf("  %-26s %s\n", shown, v[i].summary);
	}
}

static const char *the_rest(size_t n)
{
	static char buf[48];

	snprintf(buf, sizeof(buf), ", %zu from ", n);
	return buf;
}

static int list(void)
{
	struct strlist dirs = STRLIST_INIT, others = STRLIST_INIT;
	struct entry *v = NULL;
	size_t n = 0, i, builtin = 0;
	int printed = 0, ret = 0;

	if (gather(&v, &n, &dirs)) {
		ret = tb_error("out of memory");
		goto out;
	}
	for (i = 0; symptom_order[i]; i++)
		print_group(v, n, symptom_order[i], &printed);
	for (i = 0; i < n; i++) {
		unsigned k;

		if (!v[i].symptom)
			continue;
		for (k = 0; symptom_order[k]; k++)
			if (!strcmp(symptom_order[k], v[i].symptom))
				break;
		if (!symptom_order[k] && !strlist_has(&others, v[i].symptom) &&
		    strlist_add(&others, v[i].symptom)) {
			ret = tb_error("out of memory");
			goto out;
		}
	}
	if (others.n)
		qsort(others.v, others.n, sizeof(char *), strcmp_ptr);
	for (i = 0; i < others.n; i++)
		print_group(v, n, others.v[i], &printed);
	for (i = 0; i < n; i++) {
		if (v[i].symptom)
			continue;
		if (printed >= 0) {
			printf("%sinvalid (run `tracebook check NAME` for the errors):\n",
			       printed ? "\n" : "");
			printed = -1;
		}
		printf("  %-26s %s\n", v[i].name, v[i].path);
	}
	for (i = 0; i < n; i++)
		builtin += !strncmp(v[i].path, TB_RECIPE_BUILTIN_PREFIX,
				    strlen(TB_RECIPE_BUILTIN_PREFIX));
	printf("\n%zu recipes (%zu built into tracebook", n, builtin);
	for (i = 0; n > builtin && i < dirs.n; i++)
		printf("%s%s", i ? ", " : the_rest(n - builtin), dirs.v[i]);
	printf(").\n'tracebook recipes show NAME' prints one, 'tracebook check NAME' validates it,\n"
	       "'tracebook run NAME [param=value ...]' runs it.\n");
out:
	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
		free(v[i].symptom);
		free(v[i].summary);
		free(v[i].required);
	}
	free(v);
	strlist_clear(&dirs);
	strlist_clear(&others);
	return ret;
}

static int show(const char *name, int path_only)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = tb_recipe_find(name);
	int ret = 0;

	if (!path)
		return -TB_EXIT_BADINPUT;
	if (path_only) {
		printf("%s\n", path);
	} else if (!strncmp(path, TB_RECIPE_BUILTIN_PREFIX, strlen(TB_RECIPE_BUILTIN_PREFIX))) {
		char n[256];
		size_t len;

		snprintf(n, sizeof(n), "%s", path + strlen(TB_RECIPE_BUILTIN_PREFIX));
		len = strlen(n);
		if (len > 7)
			n[len - 7] = '\0';
		fputs(tb_recipe_builtin_text(n), stdout);
	} else {
		int r = tb_read_file(path, &sb);

		if (r)
			ret = tb_error_code(TB_EXIT_BADINPUT, "cannot read %s: %s", path, strerror(-r));
		else
			fwrite(sb.buf, 1, sb.len, stdout);
	}
	free(path);
	strbuf_release(&sb);
	return ret;
}

int cmd_recipes(int argc, char **argv)
{
	struct strlist args = STRLIST_INIT;
	struct tb_option opts[] = { TB_OPT_END() };
	int r;

	r = tb_parse_options(argc, argv, &recipes_usage, opts, &args, NULL);
	if (r)
		goto out;
	if (!args.n || (args.n == 1 && !strcmp(args.v[0], "list")))
		r = list();
	else if ((!strcmp(args.v[0], "show") || !strcmp(args.v[0], "path")) && args.n == 2)
		r = show(args.v[1], args.v[0][0] == 'p');
	else
		r = tb_usage_error(&recipes_usage, "expected no argument, 'show NAME' or 'path NAME'");
out:
	strlist_clear(&args);
	return r > 0 ? 0 : r;
}
