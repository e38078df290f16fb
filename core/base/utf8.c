/* utf8.c: decoding and encoding one UTF-8 character, and folding its case. */
#include "base/utf8.h"

int ccm_utf8_decode(const unsigned char *p, const unsigned char *e,
		    unsigned long *cp)
{
	unsigned long c = p[0];
	int need;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		c &= 0x07;
	} else {
		return 0;
	}
	if (e - p <= need)
		return 0;
	for (int i = 1; i <= need; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3F);
	}
	*cp = c;
	return need + 1;
}

void ccm_utf8_put(struct ccm_buf *out, unsigned long c)
{
	char b[4];
	size_t n;

	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xE0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	ccm_buf_add(out, b, n);
}

unsigned long ccm_utf8_fold(unsigned long c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c < 0xC0)
		return c;
	if (c <= 0xDE)
		return c == 0xD7 ? c : c + 32;  /* U+00D7 is the multiplication sign */
	if (c < 0x100 || c > 0x17E)
		return c;
	if (c == 0x178)
		return 0xFF;                    /* Y with diaeresis, of CP1252 */
	/* Latin Extended-A: upper and lower case alternate in pairs, upper
	 * even up to U+0137 and from U+014A, odd in U+0139..U+0148 and from
	 * U+0179; U+0130, U+0131, U+0138 and U+0149 have no simple pair. */
	if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149)
		return c;
	if (c < 0x138 || (c >= 0x14A && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || c >= 0x179)
		return (c & 1) ? c + 1 : c;
	return c;
}
