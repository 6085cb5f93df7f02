/*
 * cmd-slabs.c - `tracebook slabs`.  PLACEHOLDER: replaced by the issue that owns it.
 */
#include "cmd/cmds.h"
#include "util/err.h"

int cmd_slabs(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tb_error("'slabs' is not built yet");
}
