/*
 * report-local.h - what the renderings (text.c, json.c, folded.c, diff.c) and the
 * JSON reader (json-read.c) share.  The model they render is analyze/result.h.
 */
#ifndef TB_REPORT_REPORT_LOCAL_H
#define TB_REPORT_REPORT_LOCAL_H

#include <stdint.h>
#include <stdio.h>
#include "analyze/result.h"
#include "report/report.h"
#include "util/strlist.h"

struct strbuf;

/* The JSON document of a report appended to out (json.c); 0 or -1 on ENOMEM. */
int tb_report_json_string(const struct tb_report *rep, struct strbuf *out);
/* Folded stacks appended to out (folded.c); 0 or -1 on ENOMEM. */
int tb_report_folded_string(const struct tb_report *rep, struct strbuf *out);
/* The HTML page appended to out (html.c); 0 or -1 on ENOMEM. */
int tb_report_html_string(const struct tb_report *rep, struct strbuf *out, unsigned top);
/* "+1.5 MiB", "-64 B", "0 B" into buf (growth.c). */
void tb_fmt_signed_bytes(int64_t v, char *buf, size_t size);
/* Text of the loss warning ("N events lost: ..."), or NULL when nothing was lost. */
char *tb_report_loss_text(const struct tb_report *rep);
/* The confidence sentence of one analysis (text.c; JSON carries it per analysis). */
const char *tb_report_confidence_text(const struct tb_report *rep, const char *releases,
				      uint64_t unread, uint64_t nokey, uint64_t count,
				      uint64_t uncertain, char *buf, size_t size);
/* The events the input has ("kmem:kmalloc 3, kmem:kfree 2"); NULL unknown/ENOMEM. */
char *tb_report_seen_text(const struct tb_report *rep);
/* "balanced", "2 unbalanced (4 alloc_netdev_mqs vs 2 free_netdev)" ... into buf. */
const char *tb_verdict_text(uint64_t a, uint64_t b, char *buf, size_t size);

#endif
