/* imap_utf7.c: folder names in IMAP's modified UTF-7 (RFC 3501 5.1.3). */
#include "export/imap.h"
#include "base/buf.h"
#include "base/utf8.h"

#include <string.h>

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* A base64 run being written: bits not yet written, and how many. */
struct run {
	int open;
	unsigned long bits;
	int nbits;
};

/* Adds one UTF-16 unit to the run (opening it with '&'). */
static void put_unit(struct ccm_buf *out, struct run *r, unsigned u)
{
	if (!r->open) {
		ccm_buf_addch(out, '&');
		r->open = 1;
	}
	r->bits = (r->bits << 16) | u;
	r->nbits += 16;
	while (r->nbits >= 6) {
		r->nbits -= 6;
		ccm_buf_addch(out, b64[(r->bits >> r->nbits) & 63]);
	}
	r->bits &= (1ul << r->nbits) - 1;
}

/* Ends the run: the last bits padded with zeros, then '-'. */
static void close_run(struct ccm_buf *out, struct run *r)
{
	if (!r->open)
		return;
	if (r->nbits > 0)
		ccm_buf_addch(out, b64[(r->bits << (6 - r->nbits)) & 63]);
	r->open = 0;
	r->bits = 0;
	r->nbits = 0;
	ccm_buf_addch(out, '-');
}

void ccm_imap_utf7_encode(struct ccm_buf *out, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	const unsigned char *e = p + strlen(name);
	struct run r = { 0, 0, 0 };

	while (p < e) {
		unsigned long cp;
		int len = ccm_utf8_decode(p, e, &cp);

		if (len == 0) {          /* not UTF-8: a Latin-1 byte */
			cp = *p;
			len = 1;
		}
		p += len;
		if (cp >= 0x20 && cp <= 0x7e) {
			/* One run per stretch of other characters: servers
			 * refuse names with two runs side by side. */
			close_run(out, &r);
			ccm_buf_adds(out, cp == '&' ? "&-" : (char[2]){ (char)cp, 0 });
		} else if (cp >= 0x10000) {
			cp -= 0x10000;
			put_unit(out, &r, (unsigned)(0xd800 + (cp >> 10)));
			put_unit(out, &r, (unsigned)(0xdc00 + (cp & 0x3ff)));
		} else {
			put_unit(out, &r, (unsigned)cp);
		}
	}
	close_run(out, &r);
}

/* The value of modified base64 digit ch, or -1. */
static int b64_value(int ch)
{
	const char *p = ch ? strchr(b64, ch) : NULL;

	return p ? (int)(p - b64) : -1;
}

int ccm_imap_utf7_decode(struct ccm_buf *out, const char *name)
{
	const char *p = name;
	size_t start = out->len;

	while (*p) {
		unsigned long bits = 0, high = 0;
		int nbits = 0, units = 0;

		if (*p != '&') {
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
				goto bad;
			ccm_buf_addch(out, *p++);
			continue;
		}
		if (*++p == '-') {
			ccm_buf_addch(out, '&');
			p++;
			continue;
		}
		for (; *p != '-'; p++) {
			int v = b64_value(*p);

			if (v < 0)
				goto bad;
			bits = (bits << 6 | (unsigned)v) & 0xffffff;
			if ((nbits += 6) < 16)
				continue;
			nbits -= 16;
			unsigned long u = (bits >> nbits) & 0xffff;

			units++;
			if (high) {
				if (u < 0xdc00 || u > 0xdfff)
					goto bad;
				ccm_utf8_put(out, 0x10000 + ((high - 0xd800) << 10) + (u - 0xdc00));
				high = 0;
			} else if (u >= 0xd800 && u <= 0xdbff) {
				high = u;
			} else if ((u >= 0xdc00 && u <= 0xdfff) || (u >= 0x20 && u <= 0x7e)) {
				/* A lone low surrogate, or ASCII that must go as itself. */
				goto bad;
			} else {
				ccm_utf8_put(out, u);
			}
		}
		/* Padding bits must be zero and fewer than a digit's; a run
		 * holds at least one character. */
		if (high || units == 0 || nbits >= 6 || (bits & ((1ul << nbits) - 1)))
			goto bad;
		p++;
	}
	return 0;
bad:
	ccm_buf_truncate(out, start);
	return -1;
}
