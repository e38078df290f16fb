/* usage.c: saying what is wrong with a command line, the one way. */
#include "usage.h"

#include <stdarg.h>
#include <stdio.h>

int ccm_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ccmig %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; 'ccmig %s --help' lists the options\n", cmd);
	return 2;
}
