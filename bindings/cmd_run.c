/* cmd_run.c: placeholder until the command lands. */
#include "commands.h"
#include <stdio.h>

int cmd_run(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "ccmig: 'run' is not built yet\n");
	return 2;
}
