/*
 * cmd-run.c - `tracebook run`.  PLACEHOLDER: replaced by the issue that owns it.
 */
#include "cmd/cmds.h"
#include "util/err.h"

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tb_error("'run' is not built yet");
}
