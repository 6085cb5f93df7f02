/*
 * cmd-check.c - `tracebook check`.  PLACEHOLDER: replaced by the issue that owns it.
 */
#include "cmd/cmds.h"
#include "util/err.h"

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tb_error("'check' is not built yet");
}
