/*
 * report.h - the result of a run or an analysis, and its renderings: text for a
 * terminal, JSON for tools (schema in README.md), folded stacks for flame graphs.
 * `tracebook diff` reads two JSON reports back into this model.
 */
#ifndef TB_REPORT_REPORT_H
#define TB_REPORT_REPORT_H

#include <stdio.h>
#include <stdint.h>
#include "util/strlist.h"

struct tb_analysis;
struct tb_report;

/* Facts about where the events came from, printed at the head of every report. */
struct tb_run_info {
	const char *kernel_release;	/* NULL when unknown (offline) */
	const char *arch;
	const char *recipe;		/* recipe name, or NULL */
	const char *source;		/* "raw per-CPU buffers", "trace_pipe text (fallback)", "files: a b" */
	struct strlist plan_summary;	/* one line per plan choice worth telling */
	struct strlist notes;		/* warnings the reader must see (fallbacks, hashed pointers) */
	uint64_t duration_ns;
	uint64_t events;		/* events decoded */
	uint64_t lost;			/* events the kernel lost (known count) */
	int lost_unknown;		/* the kernel said some were lost, count unknown */
	unsigned ncpus;
	const uint64_t *lost_per_cpu;	/* ncpus entries, or NULL */
};

/* Build the report from an analysis; NULL after printing why. */
struct tb_report *tb_report_build(struct tb_analysis *an, const struct tb_run_info *info);
void tb_report_free(struct tb_report *rep);

/* Text for a terminal; top limits groups per analysis (0 = default 10). */
int tb_report_print_text(const struct tb_report *rep, FILE *out, unsigned top);
/* JSON, written atomically; 0 or negative after printing why. */
int tb_report_write_json(const struct tb_report *rep, const char *path);
/* Outstanding bytes per stack in FlameGraph folded format, written atomically. */
int tb_report_write_folded(const struct tb_report *rep, const char *path);
/* Read a JSON report written by tb_report_write_json (for diff). */
struct tb_report *tb_report_read_json(const char *path);
/* Two reports side by side (`tracebook diff`), top rows per section. */
int tb_diff_print(const struct tb_report *before, const struct tb_report *after, FILE *out,
		  unsigned top);

#endif
