/*
 * cmds.h - one function per `tracebook <cmd>`, each in src/cmd/cmd-<name>.c.
 * A command returns 0 or a negative value (see util/err.h); only main() exits.
 */
#ifndef TB_CMD_CMDS_H
#define TB_CMD_CMDS_H

int cmd_probe(int argc, char **argv);
int cmd_recipes(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_slabs(int argc, char **argv);

#endif
