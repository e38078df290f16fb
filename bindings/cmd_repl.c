/* cmd_repl.c: placeholder until the command lands. */
#include "commands.h"
#include <stdio.h>

int cmd_repl(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "ccmig: 'repl' is not built yet\n");
	return 2;
}
