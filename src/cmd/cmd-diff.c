/*
 * cmd-diff.c - `tracebook diff`.  PLACEHOLDER: replaced by the issue that owns it.
 */
#include "cmd/cmds.h"
#include "util/err.h"

int cmd_diff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tb_error("'diff' is not built yet");
}
