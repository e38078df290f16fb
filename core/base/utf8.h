/* utf8.h: decoding and encoding one UTF-8 character, folding its case, and
 * the columns text takes on a terminal. */
#ifndef CCM_UTF8_H
#define CCM_UTF8_H

#include "base/buf.h"

/*
 * Decodes the character at p (before e): returns its length 1..4 and sets
 * *cp, or 0 when the bytes there are not a valid UTF-8 sequence (a stray
 * continuation byte, an invalid lead, a sequence cut by e).
 */
int ccm_utf8_decode(const unsigned char *p, const unsigned char *e,
		    unsigned long *cp);

/* Appends the UTF-8 form of code point cp (at most U+10FFFF). */
void ccm_utf8_put(struct ccm_buf *out, unsigned long cp);

/*
 * The case folding of cc:Mail names for one code point: ASCII, the Latin-1
 * letters, Y with diaeresis and Latin Extended-A to lower case, anything
 * else as it is. The directory compares names with it (ccm_name_cmp) and
 * the store folds its match keys with it, so the two never disagree.
 */
unsigned long ccm_utf8_fold(unsigned long c);

/*
 * The columns code point cp takes on a terminal, as wcwidth() gives it in
 * a UTF-8 locale, but the same in every locale: 2 for the East Asian wide
 * and fullwidth characters (CJK, kana, Hangul syllables, fullwidth forms,
 * most emoji), 0 for combining marks, zero-width characters and control
 * characters, 1 for the rest. Tables line up names of every script with
 * it (a Japanese post office's names take two columns a character).
 */
int ccm_utf8_cp_width(unsigned long cp);

/*
 * The columns UTF-8 text s takes: the sum of its characters' widths; a
 * byte that does not decode counts as one column.
 */
size_t ccm_utf8_width(const char *s);

#endif
