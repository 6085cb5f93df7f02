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
#include "util/parse-options.h"

static const struct tb_usage restore_usage = {
	"restore",
	"usage: tracebook restore [-q]",
	"Undo what a tracebook run that died left in the kernel's tracing state, from its\n"
	"journal in /run/tracebook (or /var/run/tracebook; $TRACEBOOK_RUNDIR overrides).\n"
	"Runs that are still alive are left alone.  Exit 8 if something could not be put\n"
	"back (the journal is kept; run it again).",
	NULL,
};

int cmd_restore(int argc, char **argv)
{
	struct strlist args = STRLIST_INIT;
	unsigned done = 0, alive = 0;
	int r, quiet = 0;
	char dir[4096];
	struct tb_option opts[] = {
		TB_OPT_FLAG('q', "quiet", &quiet, "say only the outcome, not each setting put back"),
		TB_OPT_END(),
	};

	r = tb_parse_options(argc, argv, &restore_usage, opts, &args, NULL);
	if (!r && args.n)
		r = tb_usage_error(&restore_usage, "unexpected argument '%s'", args.v[0]);
	strlist_clear(&args);
	if (r)
		return r > 0 ? 0 : r;
	if (tb_rundir(dir, sizeof(dir), 0) < 0)
		return -TB_EXIT_ERROR;
	r = tb_journal_restore_dead(!quiet, &done, &alive);
	if (r < 0)
		return r;
	if (!done)
		printf("nothing to restore: no journal of a dead run in %s%s\n", dir,
		       alive ? " (a live run holds one)" : "");
	else
		printf("restored: %u dead run(s) undone; the tracing state is as they found it\n", done);
	return 0;
}
