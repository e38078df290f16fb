/* report_print.c: printing a run's report entries on the command line. */
#include "report_print.h"

size_t ccm_print_diags(FILE *out, const char *indent, const struct ccm_diaglist *d,
		   size_t max)
{
	size_t i;

	for (i = 0; i < d->len && (max == 0 || i < max); i++) {
		char line[4096];

		ccm_diag_format(line, sizeof(line), &d->items[i]);
		fprintf(out, "%s%s\n", indent, line);
	}
	return i;
}
