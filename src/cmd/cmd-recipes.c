/*
 * cmd-recipes.c - `tracebook recipes`.  PLACEHOLDER: replaced by the issue that owns it.
 */
#include "cmd/cmds.h"
#include "util/err.h"

int cmd_recipes(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return tb_error("'recipes' is not built yet");
}
