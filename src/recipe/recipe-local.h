/*
 * recipe-local.h - private to src/recipe/: the raw parse (sections and key lines as
 * read, before substitution), the error collector every stage reports into, and the
 * checks recipe-validate.c offers to the struct builder in recipe-parse.c.
 */
#ifndef TB_RECIPE_LOCAL_H
#define TB_RECIPE_LOCAL_H

#include <stdint.h>
#include "recipe/recipe.h"
#include "util/err.h"
#include "util/strlist.h"

/* Longest event/kprobe name (MAX_EVENT_NAME_LEN 64 with the NUL). */
#define RCP_MAX_NAME 63
/* Longest recipe line (the limit recipes have always had). */
#define RCP_MAX_LINE 196

/* One "key = value" line (continuation lines appended with '\n'). */
struct rcp_entry {
	char *key;
	char *value;		/* as written */
	int line;
	int used;		/* consumed by the builder (else: unknown key) */
	int bad;		/* its substitution failed (already reported) */
};

struct rcp_ctx;
struct rcp_section;

/* What a key's value is (RK_LINES values keep their newlines). */
enum rcp_key_kind { RK_TEXT, RK_LINES, RK_BOOL, RK_LIST, RK_DURATION, RK_IDENT, RK_GROUP };

/* One row of a section's key table (recipe-build.c); tables end with a NULL key. */
struct rcp_key {
	const char *key;
	enum rcp_key_kind kind;
	int required;		/* refused when absent, as "a 'KEY' key (e.g. KEY = EXAMPLE)" */
	const char *example;
};

/* One section type: [type] or [type ARG]. */
struct rcp_section_type {
	const char *type;
	const char *arg;	/* placeholder of its name ("LABEL"), NULL when it takes none */
	const char *arg_example;	/* shown when the name is missing */
	void (*build)(struct rcp_ctx *c, struct rcp_section *s);	/* NULL: [param] */
	const struct rcp_key *keys;
};

/* One "[type arg]" section and its entries, in file order. */
struct rcp_section {
	const struct rcp_section_type *st;	/* NULL when the type is unknown */
	char *type;		/* "recipe", "param", "tracepoint", ... */
	char *arg;		/* "kmem:kmalloc", or NULL */
	int line;
	struct rcp_entry *entries;
	unsigned nentries, aentries;	/* used, allocated (ALLOC_GROW) */
};

/* Everything one load carries around. */
struct rcp_ctx {
	const char *file;		/* name used in messages */
	struct rcp_section *sections;
	unsigned nsections, asections;	/* used, allocated (ALLOC_GROW) */
	struct strlist *errors;		/* collected messages (without "tracebook: error: ") */
	struct strlist cmdline_errors;	/* "command line: ..." ones, listed after the file's */
	unsigned nerrors;
	int oom;
	unsigned flags;			/* TB_RECIPE_LOAD_* */
	struct tb_recipe *r;		/* being built */
};

/*
 * rcp_err - record "FILE:LINE: WHAT 'TEXT': expected EXPECTED".
 * line 0 prints "FILE:"; file NULL prints "command line:".  text may be NULL.
 */
void rcp_err(struct rcp_ctx *c, int line, const char *what, const char *text,
	     const char *expected_fmt, ...) TB_PRINTF(5, 6);

/* recipe-read.c */
int rcp_read(struct rcp_ctx *c, const char *text, size_t len);
void rcp_sections_free(struct rcp_ctx *c);

/* recipe-build.c */
const struct rcp_section_type *rcp_section_types(void);
const struct rcp_section_type *rcp_section_type(const char *type);
void rcp_build(struct rcp_ctx *c);

/* recipe-params.c */
int rcp_params_collect(struct rcp_ctx *c, const struct strlist *assign);
/* Substitute ${...} in in; on success *out is malloc'd.  Errors are recorded. */
int rcp_subst(struct rcp_ctx *c, const char *in, int line, char **out);
const char *rcp_param_type_name(enum tb_param_type t);
int rcp_param_type_parse(const char *s, enum tb_param_type *t);
/* Check and normalise v for type t: *norm is malloc'd, or NULL with *expected set. */
int rcp_param_normalise(enum tb_param_type t, const char *v, char **norm, const char **expected);

/* recipe-validate.c */
int rcp_check_duration(struct rcp_ctx *c, int line, const char *what, const char *v, uint64_t *ns);
int rcp_check_bool(struct rcp_ctx *c, int line, const char *what, const char *v, int *out);
/* An ftrace event filter.  fields (may be NULL) receives the field names used. */
int rcp_check_filter(struct rcp_ctx *c, int line, const char *v, struct strlist *fields);
/* Returns 0 if ok, else an explanation (static string). */
const char *rcp_cache_name_problem(const char *name);
int rcp_check_cache_name(struct rcp_ctx *c, int line, const char *what, const char *name);
int rcp_check_ident(struct rcp_ctx *c, int line, const char *what, const char *name);
/* Recipe names and analysis labels: [A-Za-z0-9_-], at most RCP_MAX_NAME. */
int rcp_check_label(struct rcp_ctx *c, int line, const char *what, const char *name);
int rcp_check_event_name(struct rcp_ctx *c, int line, const char *what, const char *name);
int rcp_check_probe_point(struct rcp_ctx *c, int line, const char *v);
int rcp_check_kprobe_arg(struct rcp_ctx *c, int line, const char *arg, int is_return,
			 struct strlist *names);
/* Cross-section checks: event references, growth sources, balance pairs. */
void rcp_check_recipe(struct rcp_ctx *c);

#endif
