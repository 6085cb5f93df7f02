/*
 * cmd-probe.c - `tracebook probe`.  PLACEHOLDER: replaced by the issue that owns it.
 */
#include "cmd/cmds.h"
#include "util/err.h"

int cmd_probe(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tb_error("'probe' is not built yet");
}
