/*
 * cmd-restore.c - `tracebook restore`.  PLACEHOLDER: replaced by the issue that owns it.
 */
#include "cmd/cmds.h"
#include "util/err.h"

int cmd_restore(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tb_error("'restore' is not built yet");
}
