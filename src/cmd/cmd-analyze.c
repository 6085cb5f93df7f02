/*
 * cmd-analyze.c - `tracebook analyze`.  PLACEHOLDER: replaced by the issue that owns it.
 */
#include "cmd/cmds.h"
#include "util/err.h"

int cmd_analyze(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tb_error("'analyze' is not built yet");
}
