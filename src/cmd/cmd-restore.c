/*
 * cmd-restore.c - `tracebook restore`: finish the undo of runs that died (kill -9,
 * power cut, OOM) from their journals in the run directory; say what was put back.
 * Idempotent: with nothing to do it says so and exits 0.
 */
#include <stdio.h>
#include <string.h>
#include "cmd/cmds.h"
#include "apply/journal.h"
#include "util/err.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tracebook restore [--quiet]\n"
		"Undo what a tracebook run that died left in the kernel's tracing state, from its\n"
		"journal in /run/tracebook (or /var/run/tracebook; $TRACEBOOK_RUNDIR overrides).\n"
		"Runs that are still alive are left alone.  Exit 8 if something could not be put\n"
		"back (the journal is kept; run it again).\n");
}

int cmd_restore(int argc, char **argv)
{
	unsigned done = 0, alive = 0;
	int i, r, verbose = 1;
	char dir[4096];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			verbose = 0;
		} else {
			usage(stderr);
			return tb_error_code(TB_EXIT_USAGE, "restore: unexpected argument '%s'", argv[i]);
		}
	}
	if (tb_rundir(dir, sizeof(dir), 0) < 0)
		return -TB_EXIT_ERROR;
	r = tb_journal_restore_dead(verbose, &done, &alive);
	if (r < 0)
		return r;
	if (!done)
		printf("nothing to restore: no journal of a dead run in %s%s\n", dir,
		       alive ? " (a live run holds one)" : "");
	else
		printf("restored: %u dead run(s) undone; the tracing state is as they found it\n", done);
	return 0;
}
