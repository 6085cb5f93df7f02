/*
 * ksyms.h - kernel symbol lists, read once here for the planner and the analysis:
 * /proc/kallsyms lines ("ffffffff81000000 T _stext\t[mod]"), the names of
 * available_filter_functions and of the kprobe blacklist (tb_sym_walk: does a name
 * exist, which names are near a missing one), and the address table that turns raw
 * addresses into symbols (tb_ksyms_*).
 */
#ifndef TB_KERNEL_KSYMS_H
#define TB_KERNEL_KSYMS_H

#include <stddef.h>
#include <stdint.h>

/* One /proc/kallsyms line; name and mod point into the line (mod NULL: built in). */
struct tb_ksym_line {
	uint64_t addr;
	char type;			/* 't'/'T' text, 'd' data, 'a' absolute, 'U' undefined ... */
	const char *name, *mod;
	size_t name_len, mod_len;
};

/*
 * tb_kallsyms_parse_line - split "ADDR TYPE NAME[\t[MOD]]" (len bytes, no newline).
 * Returns 0, or -EINVAL when the line does not have that shape.
 */
int tb_kallsyms_parse_line(const char *line, size_t len, struct tb_ksym_line *out);

/* ---- symbol names: what the planner checks ---------------------------------------- */

/* Shapes of symbol lists. */
enum tb_symfmt {
	TB_SYM_LIST = 0,	/* available_filter_functions: "name [mod]" */
	TB_SYM_KALLSYMS,	/* /proc/kallsyms: "addr type name [mod]" (text symbols) */
	TB_SYM_BLACKLIST,	/* kprobes/blacklist: "0xa-0xb\tname" */
};

/*
 * tb_sym_walk - call fn for every name of a list (kallsyms: text symbols only); fn
 * returns nonzero to stop.
 */
void tb_sym_walk(const char *text, enum tb_symfmt fmt,
		 int (*fn)(void *ctx, const char *name, size_t len), void *ctx);
/* How many names of the list match name (exact, or a glob). */
unsigned tb_sym_count(const char *text, enum tb_symfmt fmt, const char *name);
/* "a, b, c": up to 5 names near name (prefix / edit distance; malloc'd, "" when none). */
char *tb_sym_near(const char *name, const char *text, enum tb_symfmt fmt);

/* ---- the address table: what the analysis symbolizes with ---------------------------- */

struct tb_ksym {
	uint64_t addr, size;		/* size: distance to the next symbol, 0 for the last */
	const char *name, *mod;		/* into the table's copy of the text; mod may be NULL */
};

/*
 * Text symbols (t T w W) with an address, sorted, one per address (the first name in
 * file order); size is the distance to the next symbol of any kind, as the kernel's
 * %pS prints it.
 */
struct tb_ksyms {
	char *text;			/* the file, split in place */
	struct tb_ksym *v;
	size_t n;
	size_t zero;			/* lines with address 0 (kptr_restrict) */
	size_t lines;			/* kallsyms lines read (any type) */
	size_t data;			/* data and other non-text symbols (not in v) */
	size_t malformed;		/* non-empty lines that are no kallsyms line */
	size_t first_malformed;		/* offset of the first one in text (when malformed) */
	uint64_t stext, etext;		/* _stext and _etext, 0 when absent */
};

/* Why an address has no symbol (tb_ksyms_lookup_why). */
enum tb_ksym_miss {
	TB_KSYM_NONE = 0,	/* below the first symbol, or far past the last */
	TB_KSYM_PAST_END,	/* past the end of the symbol below it (data follows) */
	TB_KSYM_OUTSIDE_TEXT,	/* outside _stext.._etext and no module symbol */
};

/*
 * tb_ksyms_load - read a kallsyms file (/proc/kallsyms or a copy) into t.  Absolute
 * and undefined symbols are left out.  Returns 0 (t->n may be 0: see t->zero), or
 * -errno (reading the file, -ENOMEM).  Release t with tb_ksyms_release either way.
 */
int tb_ksyms_load(struct tb_ksyms *t, const char *path);
/* Same from text (copied). */
int tb_ksyms_parse(struct tb_ksyms *t, const char *text);
/*
 * The function holding addr, or NULL: below the first symbol, past the end of the
 * symbol below it (the next symbol of any kind is known), outside _stext.._etext
 * (kernel text) without a module symbol, or more than 1 MiB past the last one.
 */
const struct tb_ksym *tb_ksyms_lookup(const struct tb_ksyms *t, uint64_t addr);
/* Same, saying why there is none (*why). */
const struct tb_ksym *tb_ksyms_lookup_why(const struct tb_ksyms *t, uint64_t addr,
					  enum tb_ksym_miss *why);
void tb_ksyms_release(struct tb_ksyms *t);

#endif
