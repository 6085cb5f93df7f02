/*
 * cmd-check.c - `tracebook check RECIPE [param=value ...]`: parse and validate a
 * recipe (and the parameters given) without touching the kernel, so it runs as any
 * user on any box, tracefs or not.  Prints "RECIPE: ok (...)" or every error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmds.h"
#include "recipe/recipe.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/units.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tracebook check RECIPE [param=value ...] [-d DURATION]\n\n"
		"Validate a recipe (a name from `tracebook recipes` or a path) without touching\n"
		"the kernel: sections, keys, durations, filters, names, kprobe arguments, event\n"
		"references and parameters.  Exit 0 if it is valid, 3 if not (every problem is\n"
		"printed as FILE:LINE: what 'text': expected ...).  -d is checked as `run` would\n"
		"take it, so a run command line can be checked by changing only its verb.\n");
}

static void plural(struct strbuf *sb, const char **sep, unsigned n, const char *one,
		   const char *many)
{
	if (!n)
		return;
	strbuf_addf(sb, "%s%u %s", *sep, n, n == 1 ? one : many);
	*sep = ", ";
}

/* "6 tracepoints (2 optional), 1 pair, 1 snapshot, 1 growth, default duration 1m00s" */
static void summarise(const struct tb_recipe *r, struct strbuf *sb)
{
	const char *sep = "";
	unsigned i, opt = 0;
	char d[32];

	for (i = 0; i < r->ntps; i++)
		opt += r->tps[i].optional != 0;
	plural(sb, &sep, r->ntps, "tracepoint", "tracepoints");
	if (opt)
		strbuf_addf(sb, " (%u optional)", opt);
	plural(sb, &sep, r->nkps, "kprobe", "kprobes");
	if (r->function)
		plural(sb, &sep, (unsigned)r->function->funcs.n, "traced function", "traced functions");
	if (r->slub)
		plural(sb, &sep, (unsigned)r->slub->caches.n, "SLUB trace cache", "SLUB trace caches");
	if (r->snapshot)
		plural(sb, &sep, (unsigned)r->snapshot->files.n, "snapshot file", "snapshot files");
	plural(sb, &sep, r->npairs, "pair", "pairs");
	plural(sb, &sep, r->ncounts, "count", "counts");
	plural(sb, &sep, r->nbalances, "balance", "balances");
	if (r->growth)
		plural(sb, &sep, 1, "growth", "growths");
	if (r->duration_ns)
		strbuf_addf(sb, "%sdefault duration %s", sep,
			    tb_fmt_duration(r->duration_ns, d, sizeof(d)));
}

int cmd_check(int argc, char **argv)
{
	struct strlist assign = STRLIST_INIT, errors = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct tb_recipe r;
	const char *name = NULL;
	char *path = NULL;
	int i, ret = 0;
	unsigned p;
	size_t e;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			goto out;
		} else if (!strcmp(argv[i], "--")) {
			continue;
		} else if (!strcmp(argv[i], "-d") || !strcmp(argv[i], "--duration")) {
			uint64_t ns;

			if (i + 1 >= argc || tb_parse_duration(argv[i + 1], &ns) || !ns) {
				ret = tb_error_code(TB_EXIT_USAGE, "check: %s '%s': expected a duration "
						    "(10s, 5m)", argv[i], i + 1 < argc ? argv[i + 1] : "");
				goto out;
			}
			i++;
		} else if (argv[i][0] == '-' && !name) {
			usage(stderr);
			ret = tb_error_code(TB_EXIT_USAGE, "check: unknown option '%s'", argv[i]);
			goto out;
		} else if (!name) {
			name = argv[i];
		} else if (!strchr(argv[i], '=')) {
			usage(stderr);
			ret = tb_error_code(TB_EXIT_USAGE, "check: '%s': expected param=value", argv[i]);
			goto out;
		} else if (strlist_add(&assign, argv[i])) {
			ret = tb_error("out of memory");
			goto out;
		}
	}
	if (!name) {
		usage(stderr);
		ret = tb_error_code(TB_EXIT_USAGE, "check: which recipe? (see `tracebook recipes`)");
		goto out;
	}
	path = tb_recipe_find(name);
	if (!path) {
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	ret = tb_recipe_load_ex(path, NULL, &assign, TB_RECIPE_LOAD_CHECK, &errors, &r);
	if (ret) {
		for (e = 0; e < errors.n; e++)
			tb_error("%s", errors.v[e]);
		fprintf(stderr, "%s: %zu error%s\n", name, errors.n, errors.n == 1 ? "" : "s");
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	summarise(&r, &sb);
	printf("%s: ok (%s)\n", name, strbuf_str(&sb));
	if (r.nparams) {
		/* the values the run would use, after defaults and normalisation (8k → 8192) */
		printf("%s: parameters:", name);
		for (p = 0; p < r.nparams; p++)
			printf(" %s=%s", r.params[p].name, *r.params[p].value ? r.params[p].value :
			       "(unset)");
		printf("\n");
	}
	for (p = 0; p < r.nparams; p++)
		if (r.params[p].required && !*r.params[p].value)
			printf("%s: to run it, give %s=%s%s%s%s\n", name, r.params[p].name,
			       r.params[p].type == TB_PARAM_CACHE ? "CACHE" : "VALUE",
			       r.params[p].help ? ": " : "", r.params[p].help ? r.params[p].help : "",
			       "");
	tb_recipe_free(&r);
out:
	free(path);
	strbuf_release(&sb);
	strlist_clear(&assign);
	strlist_clear(&errors);
	return ret;
}
