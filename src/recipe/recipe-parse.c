/*
 * recipe-parse.c - loading a recipe: the error collector every stage reports into,
 * and load/free.  The stages: recipe-read.c (lines → sections), recipe-params.c
 * (parameter substitution), recipe-build.c (sections → struct tb_recipe, one key
 * table per section), recipe-validate.c (semantic checks).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "recipe/recipe-local.h"
#include "recipe/embedded.h"
#include "util/fileio.h"
#include "util/procfs.h"
#include "util/strbuf.h"

void rcp_err(struct rcp_ctx *c, int line, const char *what, const char *text,
	     const char *expected_fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!c->file)
		strbuf_addstr(&sb, "command line: ");
	else if (line > 0)
		strbuf_addf(&sb, "%s:%d: ", c->file, line);
	else
		strbuf_addf(&sb, "%s: ", c->file);
	strbuf_addstr(&sb, what);
	if (text) {
		const char *t;

		strbuf_addstr(&sb, " '");
		/* Control characters in the offending text are shown escaped. */
		for (t = text; *t; t++) {
			if ((unsigned char)*t < 0x20 || *t == 0x7f)
				strbuf_addf(&sb, "\\x%02x", (unsigned char)*t);
			else
				strbuf_addch(&sb, *t);
		}
		strbuf_addch(&sb, '\'');
	}
	strbuf_addstr(&sb, ": expected ");
	va_start(ap, expected_fmt);
	strbuf_vaddf(&sb, expected_fmt, ap);
	va_end(ap);
	c->nerrors++;
	if (strbuf_failed(&sb) || strlist_add(c->file ? c->errors : &c->cmdline_errors, sb.buf))
		c->oom = 1;
	strbuf_release(&sb);
}

/* --- load / free ------------------------------------------------------------------ */

int tb_recipe_load_ex(const char *path, const char *text, const struct strlist *assign,
		      unsigned flags, struct strlist *errors, struct tb_recipe *out)
{
	struct strlist own = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct rcp_ctx c;
	const char *display;
	size_t i;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.errors = errors ? errors : &own;
	c.flags = flags;
	c.r = out;
	out->path = strdup(path);
	if (!out->path)
		return tb_error("out of memory");
	display = out->path;
	c.file = display;

	if (!text && !strncmp(path, TB_RECIPE_BUILTIN_PREFIX, strlen(TB_RECIPE_BUILTIN_PREFIX))) {
		char name[256];
		size_t n;

		snprintf(name, sizeof(name), "%s", path + strlen(TB_RECIPE_BUILTIN_PREFIX));
		n = strlen(name);
		if (n > 7 && !strcmp(name + n - 7, ".recipe"))
			name[n - 7] = '\0';
		text = tb_recipe_builtin_text(name);
		if (!text) {
			rcp_err(&c, 0, "no built-in recipe", name, "one of `tracebook recipes`");
			goto done;
		}
	}
	if (!text) {
		int r = tb_read_file(path, &sb);

		if (r) {
			rcp_err(&c, 0, "cannot read recipe", strerror(-r), "a readable recipe file");
			goto done;
		}
		if (memchr(sb.buf, '\0', sb.len)) {
			rcp_err(&c, 0, "binary data (NUL byte) in", path, "a text recipe file");
			goto done;
		}
		text = strbuf_str(&sb);
	}
	if (rcp_read(&c, text, strlen(text)) == 0) {
		rcp_params_collect(&c, assign);
		rcp_build(&c);
		if (!c.oom)
			rcp_check_recipe(&c);
	}
done:
	for (i = 0; i < c.cmdline_errors.n; i++)
		if (strlist_add(c.errors, c.cmdline_errors.v[i]))
			c.oom = 1;
	strlist_clear(&c.cmdline_errors);
	if (c.oom) {
		c.nerrors++;
		tb_error("out of memory reading %s", display);
	}
	if (c.nerrors) {
		ret = -TB_EXIT_BADINPUT;
		if (!errors)
			for (i = 0; i < own.n; i++)
				tb_error("%s", own.v[i]);
	}
	rcp_sections_free(&c);
	strlist_clear(&own);
	strbuf_release(&sb);
	if (ret) {
		tb_recipe_free(out);
		memset(out, 0, sizeof(*out));
	}
	return ret;
}

int tb_recipe_load(const char *path, const struct strlist *assign, struct tb_recipe *out)
{
	return tb_recipe_load_ex(path, NULL, assign, 0, NULL, out);
}

int tb_recipe_load_string(const char *name, const char *text, const struct strlist *assign,
			  struct tb_recipe *out)
{
	return tb_recipe_load_ex(name, text, assign, 0, NULL, out);
}

void tb_recipe_free(struct tb_recipe *r)
{
	unsigned i;

	if (!r)
		return;
	free(r->path);
	free(r->name);
	free(r->summary);
	free(r->symptom);
	free(r->description);
	for (i = 0; i < r->nparams; i++) {
		free(r->params[i].name);
		free(r->params[i].def);
		free(r->params[i].help);
		free(r->params[i].value);
	}
	free(r->params);
	if (r->function)
		strlist_clear(&r->function->funcs);
	free(r->function);
	for (i = 0; i < r->ntps; i++) {
		free(r->tps[i].system);
		free(r->tps[i].event);
		free(r->tps[i].filter);
		free(r->tps[i].cache);
	}
	free(r->tps);
	for (i = 0; i < r->nkps; i++) {
		free(r->kps[i].name);
		free(r->kps[i].probe);
		strlist_clear(&r->kps[i].args);
		free(r->kps[i].filter);
	}
	free(r->kps);
	if (r->slub)
		strlist_clear(&r->slub->caches);
	free(r->slub);
	if (r->snapshot)
		strlist_clear(&r->snapshot->files);
	free(r->snapshot);
	for (i = 0; i < r->npairs; i++) {
		struct tb_recipe_pair *p = &r->pairs[i];

		free(p->label);
		strlist_clear(&p->alloc);
		strlist_clear(&p->free);
		free(p->alloc_key);
		free(p->free_key);
		free(p->size);
		free(p->requested);
		free(p->by);
	}
	free(r->pairs);
	for (i = 0; i < r->ncounts; i++) {
		free(r->counts[i].label);
		strlist_clear(&r->counts[i].funcs);
		strlist_clear(&r->counts[i].events);
		strlist_clear(&r->counts[i].balance);
	}
	free(r->counts);
	for (i = 0; i < r->nbalances; i++) {
		free(r->balances[i].label);
		strlist_clear(&r->balances[i].get);
		strlist_clear(&r->balances[i].put);
		free(r->balances[i].get_key);
		free(r->balances[i].put_key);
	}
	free(r->balances);
	if (r->growth) {
		strlist_clear(&r->growth->caches);
		strlist_clear(&r->growth->from);
	}
	free(r->growth);
	memset(r, 0, sizeof(*r));
}
