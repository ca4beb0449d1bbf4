/* cmds.h - subcommands of pumphil.  Each returns the exit status:
 * 0 success, 1 a test or check failed, 2 bad usage or bad input. */
#ifndef PH_CMDS_H
#define PH_CMDS_H

typedef struct ph_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} ph_cmd;

int ph_cmd_run(int argc, char **argv);
int ph_cmd_board(int argc, char **argv);
int ph_cmd_view(int argc, char **argv);
int ph_cmd_report(int argc, char **argv);
int ph_cmd_merge(int argc, char **argv);
int ph_cmd_fta(int argc, char **argv);

#endif
