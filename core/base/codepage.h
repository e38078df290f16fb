/* codepage.h: DOS and Windows code pages to and from UTF-8 (iconv). */
#ifndef CCM_CODEPAGE_H
#define CCM_CODEPAGE_H

#include <stddef.h>
#include "base/buf.h"
#include "base/error.h"

/*
 * A converter for one code page. Text of the bundle is converted to UTF-8
 * at the boundary; the writer of migration files converts back. ASCII input
 * takes a fast path that does not call iconv, and bytes 0x00..0x7F are
 * ASCII in every code page (864's 0x25 is '%', not U+066A). Single-byte
 * code pages convert through tables built from iconv's own answers when
 * the converter opens; code pages that compose characters (1255, 1258)
 * go through iconv, which is flushed at the end of each text so that no
 * held-back letter is lost. Double-byte code pages (932,
 * 936, 949, 950) are converted as whole characters, so a trail byte 0x5C
 * or 0x5B inside a character never surfaces as '\' or '[' (Q198861).
 */
struct ccm_cp;

/*
 * Opens code page `cp` (437, 850, 852, 1252, 932 at least; any other the
 * system's iconv knows as CPnnn). CCM_EUNSUPPORTED with a message naming
 * the code page and the supported ones when iconv has no converter.
 * Free with ccm_cp_free().
 */
int ccm_cp_open(struct ccm_cp **out, int cp, struct ccm_error *err);
void ccm_cp_free(struct ccm_cp *c);
int ccm_cp_number(const struct ccm_cp *c);
/*
 * The Windows ("ANSI") code page for the same script as code page `cp`, the
 * one migration files were written in on such a system: 437 and 850 give
 * 1252, 852 gives 1250, 866 1251, 737 1253, 857 1254, 862 1255, 864 1256,
 * 775 1257; 874, the double-byte code pages and the Windows ones give
 * themselves; anything else 1252.
 */
int ccm_codepage_ansi(int cp);

/* 1 for double-byte code pages (932, 936, 949, 950). */
int ccm_cp_is_dbcs(int cp);

/*
 * Appends the UTF-8 form of `len` bytes to out. Bytes that do not decode
 * become U+FFFD and are counted in *bad (which may be NULL). Each call is
 * a whole string: an incomplete character at the end is bad.
 */
void ccm_cp_to_utf8(struct ccm_buf *out, struct ccm_cp *c, const char *in,
		    size_t len, size_t *bad);

/*
 * The same for text that arrives in pieces: an incomplete multi-byte
 * character at the end of a piece is held back until the next call;
 * `final` non-zero flushes (an incomplete tail then counts as bad).
 * Between two streams call ccm_cp_reset().
 */
void ccm_cp_to_utf8_stream(struct ccm_buf *out, struct ccm_cp *c,
			   const char *in, size_t len, int final, size_t *bad);
void ccm_cp_reset(struct ccm_cp *c);

/*
 * Appends the code page form of UTF-8 text. Characters the code page cannot
 * hold, and invalid UTF-8, become '?' and are counted in *replaced (may be
 * NULL), never dropped silently.
 */
void ccm_cp_from_utf8(struct ccm_buf *out, struct ccm_cp *c, const char *in,
		      size_t len, size_t *replaced);

/* 1 when the bytes are valid UTF-8. */
int ccm_utf8_valid(const char *s, size_t len);

#endif
