/*
 * merge.h - one report across hosts (`tracebook merge`): the per-host JSON reports and
 * playbook status files of a fleet hunt (contrib/ansible, results/HOST/) read into
 * one model, groups matched across hosts by site and stack symbols (never by
 * address: KASLR and module load addresses differ per box), then rendered as text or
 * JSON (merge-print.c) or an HTML page with a per-host view (merge-html.c).  Reports
 * that are not comparable (another recipe) are kept out and named.
 */
#ifndef TB_REPORT_MERGE_H
#define TB_REPORT_MERGE_H

#include <stdint.h>
#include <stdio.h>
#include "analyze/result.h"
#include "util/strlist.h"

/* One host: a report that was merged, one that was not, or a run that failed. */
struct tb_mhost {
	char *name;
	char *origin;			/* the report file, or the status file of a failure */
	struct tb_report *rep;		/* NULL when the host has no report */
	char *state;			/* "merged", "not merged", "failed" */
	char *why;			/* not merged / failed: why (tracebook's message) */
	char *stage;			/* failed: the playbook step ("push", "probe", "run", ...) */
	int exit_code;			/* failed: tracebook's exit code; -1 unknown */
	char *probe;			/* the probe's one-line summary from the status, or NULL */
};

/* A group on one host. */
struct tb_mcell {
	size_t host;			/* index in tb_merge.hosts */
	uint64_t count, bytes;		/* outstanding objects, bytes (pair); held objects, refs (balance) */
	double rate_per_hour;		/* from the report's "rate_per_hour"; valid when has_rate */
	int has_rate;
	char *verdict;			/* the report's per-group "verdict", or NULL */
	char *site;			/* the site as this host's report wrote it */
};

/* A group matched across hosts. */
struct tb_mgroup {
	char *analysis;			/* the analysis label ("slab") */
	const char *kind;		/* "pair" (outstanding objects) or "balance" (held) */
	char *site;			/* matched site (symbols; offsets unless kernels differ) */
	char **stack;			/* matched frames, innermost first */
	unsigned nstack;
	struct tb_mcell *cells;		/* one per host that has it, in host order */
	size_t ncells;
	uint64_t count, bytes;		/* sums over the hosts */
};

struct tb_merge {
	struct tb_mhost *hosts;		/* in the order given */
	size_t nhosts;
	struct tb_mgroup *groups;	/* by hosts having it, then bytes, then count */
	size_t ngroups;
	char *recipe;			/* the recipe of the merged reports */
	int by_function;		/* kernels differ: frames matched by function name only */
	struct strlist kernels;		/* the merged hosts' kernel releases, distinct */
	struct strlist notes;		/* what the reader must know (analyses not everywhere) */
};

/*
 * tb_merge_load - read each argument: a directory results/HOST/ (its report.json and
 * the playbook's status.json, either may be missing but not both) or a JSON report
 * (host = its directory's name for .../HOST/report.json, else the file's name).
 * Returns the merge to free with tb_merge_free, or NULL after printing why
 * (-TB_EXIT_BADINPUT in *err for a missing or malformed file, else -1).
 */
struct tb_merge *tb_merge_load(char *const *args, size_t nargs, int *err);
void tb_merge_free(struct tb_merge *m);

/* Text for a terminal; top groups (0 = 20). */
int tb_merge_print_text(const struct tb_merge *m, FILE *out, unsigned top);
/* JSON (one line) written atomically to path ("-": standard output). */
int tb_merge_write_json(const struct tb_merge *m, const char *path);
/*
 * One self-contained HTML page (the report's page frame, report/html.c) written
 * atomically: hosts, failures, what was not comparable, a host x group matrix of the
 * top groups (0 = 20) and the merged stacks as icicles.  0, or negative after printing why.
 */
int tb_merge_write_html(const struct tb_merge *m, const char *path, unsigned top);

/* Hosts in state ("merged", "failed", "not merged"). */
size_t tb_merge_count(const struct tb_merge *m, const char *state);
/* The host's largest group (most outstanding bytes, else most references held) and its
 * cell there in *cell; NULL when the host has none. */
const struct tb_mgroup *tb_merge_top_group(const struct tb_merge *m, size_t host,
					   const struct tb_mcell **cell);
/* The host's confidence in words ("no events lost" or the loss); *owned to free. */
const char *tb_merge_confidence(const struct tb_report *r, char **owned);
/* The second amount of a group in words: bytes (pair) or "N refs" held (balance). */
void tb_merge_fmt_amount(const struct tb_mgroup *g, uint64_t v, char *buf, size_t size);

#endif
