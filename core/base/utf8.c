/* utf8.c: decoding and encoding one UTF-8 character, folding its case, and
 * the columns text takes on a terminal. */
#include "base/utf8.h"

#include <string.h>

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

/* Code point ranges, first and last, sorted. */
struct range {
	unsigned long first, last;
};

/* Zero width: combining marks of the scripts cc:Mail's code pages carry
 * (Latin, Greek, Cyrillic, Hebrew, Arabic, Thai), Hangul medial vowels and
 * final consonants, and the zero-width and direction formatting marks. */
static const struct range zero_width[] = {
	{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD }, { 0x05BF, 0x05BF },
	{ 0x05C1, 0x05C2 }, { 0x05C4, 0x05C5 }, { 0x05C7, 0x05C7 }, { 0x0610, 0x061A },
	{ 0x064B, 0x065F }, { 0x0670, 0x0670 }, { 0x06D6, 0x06DC }, { 0x06DF, 0x06E4 },
	{ 0x06E7, 0x06E8 }, { 0x06EA, 0x06ED }, { 0x0E31, 0x0E31 }, { 0x0E34, 0x0E3A },
	{ 0x0E47, 0x0E4E }, { 0x1160, 0x11FF }, { 0x1AB0, 0x1AFF }, { 0x1DC0, 0x1DFF },
	{ 0x200B, 0x200F }, { 0x202A, 0x202E }, { 0x2060, 0x2064 }, { 0x20D0, 0x20FF },
	{ 0x302A, 0x302D }, { 0x3099, 0x309A }, { 0xFE00, 0xFE0F }, { 0xFE20, 0xFE2F },
	{ 0xFEFF, 0xFEFF }, { 0xE0100, 0xE01EF },
};

/* Two columns: East Asian Wide and Fullwidth (Markus Kuhn's wcwidth, with
 * the emoji blocks terminals draw wide). */
static const struct range wide[] = {
	{ 0x1100, 0x115F }, { 0x2329, 0x232A }, { 0x2E80, 0x303E }, { 0x3040, 0xA4CF },
	{ 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE10, 0xFE19 }, { 0xFE30, 0xFE6F },
	{ 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x1F300, 0x1F64F }, { 0x1F900, 0x1F9FF },
	{ 0x20000, 0x2FFFD }, { 0x30000, 0x3FFFD },
};

static int in(const struct range *r, size_t n, unsigned long cp)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < r[mid].first)
			hi = mid;
		else if (cp > r[mid].last)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

int ccm_utf8_cp_width(unsigned long cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	if (cp < 0x300)
		return 1;
	if (in(zero_width, sizeof(zero_width) / sizeof(zero_width[0]), cp))
		return 0;
	return in(wide, sizeof(wide) / sizeof(wide[0]), cp) ? 2 : 1;
}

size_t ccm_utf8_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + strlen(s);
	size_t cols = 0;

	while (p < e) {
		unsigned long cp;
		int n = ccm_utf8_decode(p, e, &cp);

		if (n == 0) {
			cols++;
			p++;
			continue;
		}
		cols += (size_t)ccm_utf8_cp_width(cp);
		p += n;
	}
	return cols;
}
