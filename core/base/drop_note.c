/* drop_note.c: the note that stands in a message for an attachment left out. */
#include "base/drop_note.h"

#include <string.h>

void ccm_human_size(struct ccm_buf *out, unsigned long long n)
{
	static const char *const units[] = { "KB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		ccm_buf_addf(out, "%llu byte%s", n, n == 1 ? "" : "s");
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	ccm_buf_addf(out, "%.1f %s", v, units[u]);
}

void ccm_drop_note(struct ccm_buf *out, const char *name, int forwarded,
		   unsigned long long size, const char *by)
{
	size_t n = strlen(name);

	if (forwarded)
		/* Named by its title: "<title>.ccm" is extract's own name
		 * for it, which no mail client shows. */
		ccm_buf_addf(out, "[forwarded message '%.*s' (",
			     (int)(n >= 4 ? n - 4 : n), name);
	else
		ccm_buf_addf(out, "[attachment '%s' (", name);
	ccm_human_size(out, size);
	ccm_buf_addf(out, ") was removed by %s]\r\n", by);
}
