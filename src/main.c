/*
 * main.c - tracebook's entry point: the command table (git style) dispatching
 * `tracebook <cmd>` to cmd_<cmd>(), and the one place that exits (after unmounting
 * a tracefs/debugfs the command had to mount).
 */
#include <stdio.h>
#include <string.h>
#include "cmd/cmds.h"
#include "kernel/tracefs.h"
#include "util/err.h"
#include "util/intern.h"
#include "util/version.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "probe", cmd_probe, "what this kernel offers for tracing (--json)" },
	{ "recipes", cmd_recipes, "list the recipe library; 'recipes show NAME'" },
	{ "check", cmd_check, "validate a recipe without touching the kernel" },
	{ "run", cmd_run, "run a recipe: plan, apply, capture, report, restore" },
	{ "restore", cmd_restore, "undo what a dead run left behind (from its journal)" },
	{ "analyze", cmd_analyze, "analyze files brought back from a box" },
	{ "diff", cmd_diff, "compare two JSON reports (before/after a fix)" },
	{ "slabs", cmd_slabs, "slab caches by size and growth; merged aliases" },
	{ "merge", cmd_merge, "one report across hosts of a fleet hunt (contrib/ansible)" },
	{ "report", cmd_report, "render a saved JSON report (text, or --html FILE)" },
	{ "collect", cmd_collect, "one .tar.gz of this box for a leak hunt elsewhere (analyze it)" },
};

static void usage(FILE *out)
{
	static const int all[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1 };
	char exits[1024];
	size_t i;

	fprintf(out, "usage: tracebook <command> [options]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(out, "\n'tracebook <command> --help' for a command's options.\n%s\n",
		tb_exit_list(exits, sizeof(exits), all));
}

int main(int argc, char **argv)
{
	size_t i;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return tb_exit_status(TB_EXIT_USAGE);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("tracebook %s\n", TB_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		ret = commands[i].fn(argc - 1, argv + 1);
		/* the command has restored the kernel's state: put the mounts back too */
		tb_tracefs_unmount_ours();
		tb_intern_reset();
		fflush(stdout);
		if (ferror(stdout)) {
			fprintf(stderr, "tracebook: error: writing to standard output failed\n");
			if (ret >= 0)
				ret = -TB_EXIT_ERROR;
		}
		return tb_exit_code(ret);
	}
	fprintf(stderr, "tracebook: '%s' is not a command\n", argv[1]);
	usage(stderr);
	return tb_exit_status(TB_EXIT_USAGE);
}
