/* cmd_check.c: placeholder until the command lands in this change. */
#include "commands.h"
#include <stdio.h>

int cmd_check(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "ccmig: 'check' is not built yet\n");
	return 2;
}
