/*
 * cmds.h - one function per `tracebook <cmd>`, each in src/cmd/cmd-<name>.c.
 * A command returns 0 or a negative value (see util/err.h); only main() exits.
 */
#ifndef TB_CMD_CMDS_H
#define TB_CMD_CMDS_H

#include <stdint.h>
#include <stdio.h>
#include "util/parse-options.h"
#include "util/strlist.h"

int cmd_probe(int argc, char **argv);
int cmd_recipes(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_slabs(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_collect(int argc, char **argv);

/*
 * Each command parses its options from one table (util/parse-options.h) in its own
 * file.  --top is the same option wherever it appears:
 */
#define CMD_TOP_MAX 1000000
#define CMD_OPT_TOP(v, h) TB_OPT_UINT(0, "top", (v), "N", 1, CMD_TOP_MAX, (h))

/*
 * The report options `run` and `analyze` share (trend, ages, filters, caps); see
 * docs/reports.md.  cmd_report_opts() puts them into the analysis' options.
 */
struct report_opts {
	uint64_t interval_ns;		/* trend interval (run: also the live table) */
	uint64_t older_ns;
	unsigned addresses, pid, max_objects;
	const char *comm;
};
#define CMD_OPTS_REPORT(r)							\
	TB_OPT_DURATION(0, "older", &(r)->older_ns, "D", 1, UINT64_MAX,		\
			"show only objects alive longer than D"),		\
	TB_OPT_UINT(0, "addresses", &(r)->addresses, "N", 1, 1000000,		\
		    "list up to N outstanding addresses per group (oldest first)"), \
	TB_OPT_UINT(0, "pid", &(r)->pid, "PID", 1, 4194304,			\
		    "only allocations made by task PID"),			\
	TB_OPT_STRING(0, "comm", &(r)->comm, "NAME",				\
		      "only allocations made by tasks named NAME"),		\
	TB_OPT_UINT(0, "max-objects", &(r)->max_objects, "N", 1, 1U << 30,	\
		    "objects tracked per pair analysis (default 8388608)")

struct tb_analysis_opts;
/* Put the report options into an analysis' options; -TB_EXIT_USAGE if --comm is bad. */
int cmd_report_opts(const struct report_opts *r, struct tb_analysis_opts *ao);

/*
 * `run`'s command line (its table is in cmd-run.c).  `check` parses the very same
 * one, so a run line is checked by changing only its verb.
 */
struct run_opts {
	struct strlist args;		/* the non-option arguments, in order */
	const char *recipe;		/* one of args; NULL: none given */
	struct strlist assign;		/* param=value ... */
	uint64_t duration_ns;
	const char *json, *folded, *html;
	unsigned top;
	uint64_t interval_ns;
	int dry_run, force, text;
	struct report_opts rep;
	struct strlist command;		/* after "--": the command to trace while it runs */
	int json_default;		/* json is the default path (run says where it went) */
	const char *save;		/* --save DIR: keep the run's data there */
};
/* Returns 0, 1 (help shown) or -TB_EXIT_USAGE; o->args and o->assign are the caller's to clear. */
int run_parse_args(int argc, char **argv, const struct tb_usage *u, struct run_opts *o);

/* ---- run --save DIR (run-save.c) ---- */
struct tb_caps;
struct tb_plan;
struct run_save {
	const char *dir;
	unsigned nsnap;		/* /proc snapshots kept */
	uint64_t start_us;	/* CLOCK_MONOTONIC at the start (the kernel log's clock) */
};
int run_save_begin(struct run_save *s, const char *dir, const char *recipe_path,
		   const struct strlist *assign, const struct tb_caps *caps,
		   const struct tb_plan *plan);
int run_save_snapshot(struct run_save *s, const char *what, uint64_t wall_ns, const char *text);
int run_save_end(struct run_save *s);

/* `run -- COMMAND` without fork events: its children from /proc (run-children.c). */
struct tb_analysis;
unsigned run_children_poll(struct tb_analysis *an, const char *proc);

/* `probe --json` of caps to out (cmd-probe.c); 0 or -1. */
int probe_write_json(const struct tb_caps *caps, FILE *out);

#endif
