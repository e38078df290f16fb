/* columns.c: table cells that stay lined up whatever the script of a name. */
#include "columns.h"

#include "base/buf.h"
#include "base/report.h"
#include "base/utf8.h"

void ccm_print_cell(FILE *out, const char *s, int width)
{
	struct ccm_buf t = CCM_BUF_INIT;
	const char *v = ccm_shown(&t, s ? s : "");
	size_t cols = ccm_utf8_width(v);

	fprintf(out, "%s%*s", v, cols < (size_t)width ? width - (int)cols : 1, "");
	ccm_buf_release(&t);
}
