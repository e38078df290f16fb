/* columns.h: table cells that stay lined up whatever the script of a name. */
#ifndef CCM_COLUMNS_H
#define CCM_COLUMNS_H

#include <stdio.h>

/*
 * Prints s, a name from a post office or store, in a cell `width` columns
 * wide: control characters shown, not sent (ccm_shown, base/report.h),
 * then spaces up to the width counted in terminal columns (an accented
 * letter takes one, a CJK character two: base/utf8.h), and at least one
 * space when s fills it. "%-20s " becomes ccm_print_cell(out, s, 21).
 */
void ccm_print_cell(FILE *out, const char *s, int width);

#endif
