/* report_print.h: printing a run's report entries on the command line. */
#ifndef CCM_REPORT_PRINT_H
#define CCM_REPORT_PRINT_H

#include <stdio.h>
#include "base/report.h"

/*
 * Prints the entries of d, one "file:line (byte N): severity: text" line
 * each, every line starting with `indent`; at most `max` of them (all when
 * max is 0). Returns how many were printed.
 */
size_t ccm_print_diags(FILE *out, const char *indent, const struct ccm_diaglist *d,
		   size_t max);

#endif
