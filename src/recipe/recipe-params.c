/*
 * recipe-params.c - recipe parameters: the [param NAME] sections, command-line
 * "name=value" assignments (checked against the declared names and types), and the
 * ${p}, ${p:-default}, ${p:+text} substitution applied to every other value.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "recipe/recipe-local.h"
#include "util/strbuf.h"
#include "util/units.h"

static const char *const type_names[] = {
	[TB_PARAM_STRING] = "string", [TB_PARAM_NUMBER] = "number", [TB_PARAM_SIZE] = "size",
	[TB_PARAM_DURATION] = "duration", [TB_PARAM_BOOL] = "bool", [TB_PARAM_CACHE] = "cache",
	[TB_PARAM_SYMBOL] = "symbol",
};

const char *rcp_param_type_name(enum tb_param_type t)
{
	return (unsigned)t < sizeof(type_names) / sizeof(type_names[0]) ? type_names[t] : "?";
}

int rcp_param_type_parse(const char *s, enum tb_param_type *t)
{
	unsigned i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (!strcmp(s, type_names[i])) {
			*t = (enum tb_param_type)i;
			return 0;
		}
	}
	return -1;
}

static int parse_bool_word(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	unsigned i;

	for (i = 0; yes[i]; i++)
		if (!strcasecmp(v, yes[i]))
			return *out = 1, 0;
	for (i = 0; no[i]; i++)
		if (!strcasecmp(v, no[i]))
			return *out = 0, 0;
	return -1;
}

int rcp_param_normalise(enum tb_param_type t, const char *v, char **norm, const char **expected)
{
	char buf[32];
	const char *p;
	uint64_t u;
	int b;

	*norm = NULL;
	*expected = NULL;
	for (p = v; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			*expected = "printable text";
			return -1;
		}
	}
	switch (t) {
	case TB_PARAM_STRING:
		break;
	case TB_PARAM_NUMBER: {
		char *end;

		errno = 0;
		if (!*v || *v == '-' || *v == '+' || isspace((unsigned char)*v) ||
		    (strtoull(v, &end, 0), errno || *end)) {
			*expected = "a whole number (decimal or 0x hex)";
			return -1;
		}
		break;
	}
	case TB_PARAM_SIZE:
		if (tb_parse_size(v, &u)) {
			*expected = "a size in bytes (8192, 8k, 1M)";
			return -1;
		}
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)u);
		v = buf;
		break;
	case TB_PARAM_DURATION:
		if (tb_parse_duration(v, &u)) {
			*expected = "a duration (30s, 500ms, 5m, 1h)";
			return -1;
		}
		break;
	case TB_PARAM_BOOL:
		if (parse_bool_word(v, &b)) {
			*expected = "yes or no";
			return -1;
		}
		v = b ? "yes" : "";
		break;
	case TB_PARAM_CACHE:
		if (rcp_cache_name_problem(v)) {
			*expected = "a slab cache name (as in /proc/slabinfo: no '/', '..', spaces or "
				    "control characters)";
			return -1;
		}
		break;
	case TB_PARAM_SYMBOL:
		for (p = v; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
				break;
		if (!*v || *p || isdigit((unsigned char)*v)) {
			*expected = "a kernel function name ([A-Za-z0-9_.])";
			return -1;
		}
		break;
	}
	*norm = strdup(v);
	return *norm ? 0 : -2;
}

static struct tb_recipe_param *find_param(struct tb_recipe *r, const char *name, size_t n)
{
	unsigned i;

	for (i = 0; i < r->nparams; i++)
		if (strlen(r->params[i].name) == n && !strncmp(r->params[i].name, name, n))
			return &r->params[i];
	return NULL;
}

/* "size, cache" or "none (this recipe takes no parameters)" */
static void known_list(struct tb_recipe *r, struct strbuf *sb)
{
	unsigned i;

	if (!r->nparams) {
		strbuf_addstr(sb, "no parameters: this recipe takes none");
		return;
	}
	strbuf_addstr(sb, "one of ");
	for (i = 0; i < r->nparams; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : "", r->params[i].name);
}

static void collect_one(struct rcp_ctx *c, struct rcp_section *s)
{
	struct tb_recipe *r = c->r;
	struct tb_recipe_param *p, *nv;
	unsigned i;
	int def_line = s->line;

	rcp_check_ident(c, s->line, "parameter name", s->arg);
	if (find_param(r, s->arg, strlen(s->arg))) {
		rcp_err(c, s->line, "duplicate parameter", s->arg, "each [param NAME] once (first on "
			"line %d)", find_param(r, s->arg, strlen(s->arg))->line);
		return;
	}
	nv = realloc(r->params, (r->nparams + 1) * sizeof(*nv));
	if (!nv) {
		c->oom = 1;
		return;
	}
	r->params = nv;
	p = &r->params[r->nparams++];
	memset(p, 0, sizeof(*p));
	p->line = s->line;
	p->name = strdup(s->arg);
	if (!p->name)
		c->oom = 1;
	for (i = 0; i < s->nentries; i++) {
		struct rcp_entry *e = &s->entries[i];
		int b;

		e->used = 1;
		if (!strcmp(e->key, "default")) {
			p->def = strdup(e->value);
			def_line = e->line;
		} else if (!strcmp(e->key, "help")) {
			p->help = strdup(e->value);
		} else if (!strcmp(e->key, "required")) {
			if (!rcp_check_bool(c, e->line, "required", e->value, &b))
				p->required = b;
		} else if (!strcmp(e->key, "type")) {
			if (rcp_param_type_parse(e->value, &p->type))
				rcp_err(c, e->line, "parameter type", e->value,
					"string, number, size, duration, bool, cache or symbol");
		} else {
			rcp_err(c, e->line, "unknown key", e->key,
				"one of default, help, required, type in [param]");
		}
	}
	if (!p->def)
		p->def = strdup("");
	if (!p->def) {
		c->oom = 1;
		return;
	}
	if (*p->def) {
		const char *exp;
		char *norm;
		int rr = rcp_param_normalise(p->type, p->def, &norm, &exp);

		if (rr == -2) {
			c->oom = 1;
		} else if (rr) {
			rcp_err(c, def_line, "default", p->def, "%s (parameter %s is of type %s)", exp,
				p->name, rcp_param_type_name(p->type));
		} else {
			free(p->def);
			p->def = norm;
		}
	}
}

int rcp_params_collect(struct rcp_ctx *c, const struct strlist *assign)
{
	struct tb_recipe *r = c->r;
	unsigned i;
	size_t j;

	for (i = 0; i < c->nsections; i++)
		if (c->sections[i].type && !strcmp(c->sections[i].type, "param") && c->sections[i].arg)
			collect_one(c, &c->sections[i]);

	for (j = 0; assign && j < assign->n; j++) {
		const char *a = assign->v[j], *eq = strchr(a, '=');
		struct tb_recipe_param *p;
		const char *exp, *file = c->file;
		char *norm;
		int rr;

		c->file = NULL;		/* messages say "command line:" */
		if (!eq || eq == a) {
			rcp_err(c, 0, "parameter assignment", a, "NAME=VALUE");
		} else if (!(p = find_param(r, a, (size_t)(eq - a)))) {
			struct strbuf sb = STRBUF_INIT;

			known_list(r, &sb);
			rcp_err(c, 0, "unknown parameter", a, "%s (declared in %s)", strbuf_str(&sb), file);
			strbuf_release(&sb);
		} else if (!eq[1]) {
			free(p->value);
			p->value = strdup("");	/* "size=" unsets a default */
			if (!p->value)
				c->oom = 1;
		} else if ((rr = rcp_param_normalise(p->type, eq + 1, &norm, &exp))) {
			if (rr == -2)
				c->oom = 1;
			else
				rcp_err(c, 0, "parameter", a, "%s for %s (type %s)", exp, p->name,
					rcp_param_type_name(p->type));
		} else {
			free(p->value);
			p->value = norm;
		}
		c->file = file;
	}

	for (i = 0; i < r->nparams; i++) {
		struct tb_recipe_param *p = &r->params[i];

		if (!p->value) {
			p->value = strdup(p->def);
			if (!p->value) {
				c->oom = 1;
				continue;
			}
		}
		if (p->required && !*p->value && !(c->flags & TB_RECIPE_LOAD_CHECK))
			rcp_err(c, p->line, "required parameter", p->name, "a value: give %s=%s on the "
				"command line%s%s%s", p->name, p->type == TB_PARAM_CACHE ? "CACHE" : "VALUE",
				p->help ? " (" : "", p->help ? p->help : "", p->help ? ")" : "");
	}
	return c->nerrors ? -1 : 0;
}

/* What a required-but-missing parameter stands for while `check` validates. */
static const char *placeholder(const struct tb_recipe_param *p, char *buf, size_t size)
{
	size_t i;

	switch (p->type) {
	case TB_PARAM_NUMBER:
	case TB_PARAM_SIZE:
		return "1";
	case TB_PARAM_DURATION:
		return "1s";
	case TB_PARAM_BOOL:
		return "yes";
	default:
		for (i = 0; p->name[i] && i + 1 < size; i++)
			buf[i] = (char)toupper((unsigned char)p->name[i]);
		buf[i] = '\0';
		return buf;
	}
}

/*
 * Expand from *pp into out (when emit) until the end, or a '}' closing the enclosing
 * reference (nested).  Returns 0, or -1 after recording an error.
 */
static int expand(struct rcp_ctx *c, int line, const char **pp,
		  struct strbuf *out, int nested, int emit)
{
	const char *p = *pp;

	while (*p) {
		const char *ref = p, *name, *op;
		struct tb_recipe_param *prm;
		size_t n;
		char ph[64];
		const char *value;
		int set;

		if (*p == '}' && nested)
			break;
		if (p[0] != '$' || p[1] != '{') {
			if (emit)
				strbuf_addch(out, *p);
			p++;
			continue;
		}
		name = p + 2;
		for (n = 0; isalnum((unsigned char)name[n]) || name[n] == '_'; n++)
			;
		op = name + n;
		if (!n || (*op != '}' && strncmp(op, ":-", 2) && strncmp(op, ":+", 2))) {
			char bad[64];
			const char *close = strchr(ref, '}');

			snprintf(bad, sizeof(bad), "%.*s", close ? (int)(close - ref + 1) : 40, ref);
			rcp_err(c, line, "parameter reference", bad,
				"${NAME}, ${NAME:-DEFAULT} or ${NAME:+TEXT}");
			return -1;
		}
		prm = find_param(c->r, name, n);
		if (!prm) {
			struct strbuf sb = STRBUF_INIT;
			char bad[80];

			snprintf(bad, sizeof(bad), "${%.*s}", (int)n, name);
			known_list(c->r, &sb);
			strbuf_addstr(&sb, " (declare it with a [param NAME] section)");
			rcp_err(c, line, "unknown parameter", bad, "%s", strbuf_str(&sb));
			strbuf_release(&sb);
			return -1;
		}
		value = prm->value ? prm->value : "";
		if (!*value && prm->required && (c->flags & TB_RECIPE_LOAD_CHECK))
			value = placeholder(prm, ph, sizeof(ph));
		set = *value != '\0';
		if (*op == '}') {
			if (emit)
				strbuf_addstr(out, value);
			p = op + 1;
			continue;
		}
		p = op + 2;
		if (op[1] == '-') {
			if (emit && set)
				strbuf_addstr(out, value);
			if (expand(c, line, &p, out, 1, emit && !set))
				return -1;
		} else {
			if (expand(c, line, &p, out, 1, emit && set))
				return -1;
		}
		if (*p != '}') {
			rcp_err(c, line, "parameter reference", ref, "a closing '}'");
			return -1;
		}
		p++;
	}
	*pp = p;
	return 0;
}

int rcp_subst(struct rcp_ctx *c, const char *in, int line, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = in;

	*out = NULL;
	if (expand(c, line, &p, &sb, 0, 1)) {
		strbuf_release(&sb);
		return -1;
	}
	strbuf_addstr(&sb, "");		/* never NULL */
	if (strbuf_failed(&sb)) {
		c->oom = 1;
		strbuf_release(&sb);
		return -1;
	}
	*out = strbuf_detach(&sb, NULL);
	return 0;
}
