/*
 * report.h - the renderings of a result (analyze/result.h): text for a terminal,
 * JSON for tools (schema in docs/field-manual.md), folded stacks for flame graphs, and the
 * side-by-side diff of two reports read back from JSON into the same model.  Report
 * only renders: it reads nothing of an analysis but the model.
 */
#ifndef TB_REPORT_REPORT_H
#define TB_REPORT_REPORT_H

#include <stdio.h>
#include <stdint.h>
#include "analyze/result.h"

/* Text for a terminal; top limits groups per analysis (0 = default 10). */
int tb_report_print_text(const struct tb_report *rep, FILE *out, unsigned top);
/* The detail lines of one group (verdict, rate, share, ages, tasks, trend, addresses). */
void tb_report_print_group_detail(const struct tb_rsite *s, FILE *out);
/* JSON, written atomically; 0 or negative after printing why. */
int tb_report_write_json(const struct tb_report *rep, const char *path);
/* Outstanding bytes per stack in FlameGraph folded format, written atomically. */
int tb_report_write_folded(const struct tb_report *rep, const char *path);
/* The report as one self-contained HTML page (report/html.c), written atomically; top
 * groups per analysis (0 = 10).  0, or negative after printing why. */
int tb_report_write_html(const struct tb_report *rep, const char *path, unsigned top);
/* Read a JSON report written by tb_report_write_json (for diff). */
struct tb_report *tb_report_read_json(const char *path);
/* The --interval lines of an interval result (analyze's tb_analysis_interval), with the
 * trend so far of rep (the partial report of that moment; NULL: none), top groups. */
void tb_report_print_interval(const struct tb_interval *iv, const struct tb_report *rep,
			      unsigned top, FILE *out);
/* The growth section (analyze's struct tb_rgrowth); top caches per table (0 = 10). */
void tb_report_print_growth(const struct tb_rgrowth *g, FILE *out, unsigned top);
struct json_object;
/* How tracebook writes JSON with json-c: one compact line, '/' left as it is. */
#define TB_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
/* The growth result as a JSON value (json-c object to put); NULL on ENOMEM. */
struct json_object *tb_growth_to_json(const struct tb_rgrowth *g);
/* Two reports side by side (`tracebook diff`), top rows per section. */
int tb_diff_print(const struct tb_report *before, const struct tb_report *after, FILE *out,
		  unsigned top);

#endif
