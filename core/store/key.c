/* key.c: match keys, the case-folded forms that addresses and paths are compared by. */
#include "store/store_int.h"
#include "base/utf8.h"

#include <ctype.h>
#include <string.h>

void ccm_store_fold(struct ccm_buf *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	const unsigned char *e = p + strlen(text);
	int space = 0;

	ccm_buf_reset(out);
	while (p < e) {
		unsigned long c;
		int n;

		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
			space = out->len > 0;
			p++;
			continue;
		}
		if (space)
			ccm_buf_addch(out, ' ');
		space = 0;
		if ((n = ccm_utf8_decode(p, e, &c)) == 0) {
			ccm_buf_addch(out, *p++);
			continue;
		}
		ccm_utf8_put(out, ccm_utf8_fold(c));
		p += n;
	}
}

int ccm_store_norm_type(struct ccm_buf *out, const char *type)
{
	ccm_buf_reset(out);
	if (!type)
		return CCM_EINVAL;
	while (*type == ' ')
		type++;
	for (; *type && *type != ' '; type++)
		ccm_buf_addch(out, toupper((unsigned char)*type));
	return out->len ? 0 : CCM_EINVAL;
}
