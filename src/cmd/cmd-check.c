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
#include "plan/plan.h"
#include "recipe/recipe.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/units.h"

static const struct tb_usage check_usage = {
	"check",
	"usage: tracebook check RECIPE [param=value ...] [run's options]",
	"Validate a recipe (a name from `tracebook recipes` or a path) without touching\n"
	"the kernel: sections, keys, durations, filters, names, kprobe arguments, event\n"
	"references and parameters.  Exit 0 if it is valid, 3 if not (every problem is\n"
	"printed as FILE:LINE: what 'text': expected ...), 2 for a usage error.  It takes\n"
	"every option `run` takes and checks them as `run` would (-d over 1h needs --force),\n"
	"so a run command line is checked by changing only its verb.",
	NULL,
};

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
	struct strlist errors = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct run_opts o;
	struct tb_recipe r;
	const char *name = NULL;
	char *path = NULL;
	int ret = 0;
	unsigned p;
	size_t e;

	memset(&o, 0, sizeof(o));
	ret = run_parse_args(argc, argv, &check_usage, &o);
	if (ret)
		goto out;
	name = o.recipe;
	if (!name) {
		ret = tb_usage_error(&check_usage, "which recipe? (see `tracebook recipes`)");
		goto out;
	}
	path = tb_recipe_find(name);
	if (!path) {
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	ret = tb_recipe_load_ex(path, NULL, &o.assign, TB_RECIPE_LOAD_CHECK, &errors, &r);
	if (ret) {
		for (e = 0; e < errors.n; e++)
			tb_error("%s", errors.v[e]);
		fprintf(stderr, "%s: %zu error%s\n", name, errors.n, errors.n == 1 ? "" : "s");
		ret = -TB_EXIT_BADINPUT;
		goto out;
	}
	{
		/* the run's duration, refused as the planner refuses it (plan.c) */
		uint64_t ns = o.duration_ns ? o.duration_ns :
			r.duration_ns ? r.duration_ns : TB_PLAN_DEFAULT_DURATION_NS;
		char d[32];

		if (ns > TB_PLAN_MAX_DURATION_NS && !o.force) {
			ret = tb_error_code(TB_EXIT_USAGE, "check: %s: duration %s is over the 24h "
					    "limit; use --force for longer runs", o.duration_ns ?
					    "-d/--duration" : name, tb_fmt_duration(ns, d, sizeof(d)));
			tb_recipe_free(&r);
			goto out;
		}
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
	strlist_clear(&o.assign);
	strlist_clear(&o.args);
	strlist_clear(&errors);
	return ret > 0 ? 0 : ret;
}
