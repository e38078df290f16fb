/* codepage.c: DOS and Windows code pages to and from UTF-8 through glibc iconv. */
#include "base/codepage.h"

#include <assert.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest character of any code page we open, with room to spare. */
#define CP_HOLD_MAX 8

/*
 * A single-byte code page converts through tables made from iconv's own
 * answers when the code page is opened: iconv costs a call and a state
 * machine per run of text, and was 40% of the time of an extract.
 */
struct cp_enc {
	unsigned int ucs;       /* a code point above U+007F */
	unsigned char byte;     /* the byte iconv writes for it */
};

struct ccm_cp {
	int cp;
	int dbcs;
	iconv_t to;     /* code page -> UTF-8 */
	iconv_t from;   /* UTF-8 -> code page */
	unsigned char held[CP_HOLD_MAX];   /* incomplete tail kept by the stream */
	size_t nheld;
	int tables;                     /* 1: the tables below are in use */
	unsigned char dec_len[128];     /* UTF-8 length of byte 0x80 + i; 0 bad */
	char dec[128][4];               /* its UTF-8 */
	struct cp_enc enc[128];         /* sorted by ucs */
	int n_enc;
};

static int utf8_char(const unsigned char *s, size_t left);
static void tables_make(struct ccm_cp *c);

static const char utf8_replacement[] = "\xEF\xBF\xBD";

int ccm_cp_is_dbcs(int cp)
{
	return cp == 932 || cp == 936 || cp == 949 || cp == 950;
}

int ccm_cp_open(struct ccm_cp **out, int cp, struct ccm_error *err)
{
	struct ccm_cp *c;
	char name[32];

	*out = NULL;
	if (cp <= 0)
		goto unsupported;
	snprintf(name, sizeof(name), "CP%d", cp);
	c = calloc(1, sizeof(*c));
	if (!c)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory opening code page %d", cp);
	c->cp = cp;
	c->dbcs = ccm_cp_is_dbcs(cp);
	c->to = iconv_open("UTF-8", name);
	if (c->to == (iconv_t)-1) {
		free(c);
		goto unsupported;
	}
	c->from = iconv_open(name, "UTF-8");
	if (c->from == (iconv_t)-1) {
		iconv_close(c->to);
		free(c);
		goto unsupported;
	}
	if (!c->dbcs)
		tables_make(c);
	*out = c;
	return 0;

unsupported:
	return ccm_error_set(err, CCM_EUNSUPPORTED,
			     "code page %d is not supported by this system's iconv; "
			     "use one of 437, 850, 852, 1252, 932 (or another CPnnn "
			     "that 'iconv -l' lists) and set 'Code page:' in po.txt", cp);
}

/* The code point of a valid UTF-8 character of n bytes. */
static unsigned int utf8_decode(const unsigned char *s, int n)
{
	static const unsigned char lead_mask[] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
	unsigned int u = s[0] & lead_mask[n];

	for (int i = 1; i < n; i++)
		u = (u << 6) | (s[i] & 0x3F);
	return u;
}

static int enc_cmp(const void *a, const void *b)
{
	unsigned int x = ((const struct cp_enc *)a)->ucs, y = ((const struct cp_enc *)b)->ucs;

	return (x > y) - (x < y);
}

/*
 * Asks iconv for every byte 0x80..0xFF alone. The tables are used only when
 * each byte either fails (an undefined byte: bad, as iconv says) or gives
 * exactly one character with nothing held back: code pages that compose
 * characters (1255, 1258) hold state between bytes and keep iconv. Code
 * points whose byte iconv writes back the same way go into the encoding
 * table; any other is left to iconv when it is met.
 */
static void tables_make(struct ccm_cp *c)
{
	for (int i = 0; i < 128; i++) {
		char in = (char)(0x80 + i), out[16], *ip = &in, *op = out;
		size_t ileft = 1, oleft = sizeof(out), r, n;

		iconv(c->to, NULL, NULL, NULL, NULL);
		r = iconv(c->to, &ip, &ileft, &op, &oleft);
		if (r == (size_t)-1 && errno == EILSEQ) {
			c->dec_len[i] = 0;
			continue;
		}
		/* Nothing out yet means iconv holds the character back to see
		 * whether a combining one follows. */
		if (r == (size_t)-1 || ileft || oleft == sizeof(out))
			goto stateful;
		n = sizeof(out) - oleft;
		if (iconv(c->to, NULL, NULL, &op, &oleft) == (size_t)-1 ||
		    n != sizeof(out) - oleft)
			goto stateful;
		if (n < 2 || n > 4 || utf8_char((unsigned char *)out, n) != (int)n)
			goto stateful;
		memcpy(c->dec[i], out, n);
		c->dec_len[i] = (unsigned char)n;
	}
	iconv(c->to, NULL, NULL, NULL, NULL);
	c->n_enc = 0;
	for (int i = 0; i < 128; i++) {
		char back[8], *ip = c->dec[i], *op = back;
		size_t ileft = c->dec_len[i], oleft = sizeof(back);

		if (!ileft)
			continue;
		iconv(c->from, NULL, NULL, NULL, NULL);
		if (iconv(c->from, &ip, &ileft, &op, &oleft) == (size_t)-1 ||
		    sizeof(back) - oleft != 1 || (unsigned char)back[0] != 0x80 + i)
			continue;
		c->enc[c->n_enc].ucs = utf8_decode((unsigned char *)c->dec[i], c->dec_len[i]);
		c->enc[c->n_enc].byte = (unsigned char)(0x80 + i);
		c->n_enc++;
	}
	iconv(c->from, NULL, NULL, NULL, NULL);
	qsort(c->enc, (size_t)c->n_enc, sizeof(c->enc[0]), enc_cmp);
	c->tables = 1;
	return;
stateful:
	iconv(c->to, NULL, NULL, NULL, NULL);
	c->tables = 0;
}

void ccm_cp_free(struct ccm_cp *c)
{
	if (!c)
		return;
	iconv_close(c->to);
	iconv_close(c->from);
	free(c);
}

int ccm_cp_number(const struct ccm_cp *c)
{
	return c->cp;
}

void ccm_cp_reset(struct ccm_cp *c)
{
	c->nheld = 0;
	iconv(c->to, NULL, NULL, NULL, NULL);
}

static size_t ascii_prefix(const char *in, size_t len)
{
	size_t i = 0;

	while (i < len && !((unsigned char)in[i] & 0x80))
		i++;
	return i;
}

/* Lead and trail byte ranges of the double-byte code pages. */
static int dbcs_lead(int cp, unsigned char b)
{
	if (cp == 932)
		return (b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC);
	return b >= 0x81 && b <= 0xFE;
}

static int dbcs_trail(int cp, unsigned char b)
{
	switch (cp) {
	case 932:
		return b >= 0x40 && b <= 0xFC && b != 0x7F;
	case 949:
		return (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
			|| (b >= 0x81 && b <= 0xFE);
	case 950:
		return (b >= 0x40 && b <= 0x7E) || (b >= 0xA1 && b <= 0xFE);
	default:
		return b >= 0x40 && b <= 0xFE && b != 0x7F;
	}
}

/*
 * How many bytes an undecodable sequence at p covers. In a double-byte code
 * page a lead byte followed by a trail byte is taken as one bad character:
 * dropping only the lead would let a trail 0x5C or 0x5B come out as '\' or
 * '[' (Q198861).
 */
static size_t bad_span(const struct ccm_cp *c, const unsigned char *p, size_t left)
{
	if (c->dbcs && left >= 2 && dbcs_lead(c->cp, p[0]) && dbcs_trail(c->cp, p[1]))
		return 2;
	return 1;
}

/*
 * Converts in[0..len) to UTF-8 into out. When `final` is zero an incomplete
 * character at the end is left unconverted; *used says how many bytes were
 * consumed. With `final` set the whole input is consumed.
 */
/* decode() through the tables: every byte is a whole character. */
static void decode_table(struct ccm_cp *c, struct ccm_buf *out, const char *in,
			 size_t len, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)in, *end = p + len;

	/* At most 3 UTF-8 bytes a byte (code pages of the BMP). */
	ccm_buf_grow(out, len < 65536 ? len * 3 : 65536 * 3);
	while (p < end) {
		size_t n = ascii_prefix((const char *)p, (size_t)(end - p));
		unsigned char b;

		if (n) {
			ccm_buf_add(out, p, n);
			p += n;
			continue;
		}
		b = *p++;
		if (c->dec_len[b - 0x80]) {
			ccm_buf_add(out, c->dec[b - 0x80], c->dec_len[b - 0x80]);
		} else {
			ccm_buf_add(out, utf8_replacement, 3);
			if (bad)
				(*bad)++;
		}
	}
}

/*
 * Lets out what iconv holds and resets it. Code pages that compose (1255,
 * 1258) keep the last character in iconv's state, waiting for a combining
 * one: at the end of the text, or before a bad byte, it must be let out, or
 * the text loses that letter.
 */
static void flush_to(struct ccm_cp *c, struct ccm_buf *out)
{
	char tail[16], *op = tail;
	size_t oleft = sizeof(tail);

	if (iconv(c->to, NULL, NULL, &op, &oleft) != (size_t)-1 && oleft < sizeof(tail))
		ccm_buf_add(out, tail, sizeof(tail) - oleft);
	iconv(c->to, NULL, NULL, NULL, NULL);
}

static void decode(struct ccm_cp *c, struct ccm_buf *out, const char *in,
		   size_t len, int final, size_t *bad, size_t *used)
{
	char *ip = (char *)in;   /* iconv's prototype wants non-const */
	size_t ileft = len;

	if (c->tables) {
		*used = len;
		decode_table(c, out, in, len, bad);
		return;
	}

	while (ileft > 0) {
		size_t n = ascii_prefix(ip, ileft);
		char *op;
		size_t oleft, room, r;

		/* ASCII is the same in every code page we open: no iconv call. */
		if (n) {
			ccm_buf_add(out, ip, n);
			ip += n;
			ileft -= n;
			continue;
		}
		/* Each input byte gives at most 3 UTF-8 bytes (BMP code pages). */
		room = ileft < 4096 ? ileft * 3 + 8 : 4096 * 3;
		ccm_buf_grow(out, room);
		op = out->ptr + out->len;
		oleft = room;
		r = iconv(c->to, &ip, &ileft, &op, &oleft);
		out->len = room - oleft + out->len;
		out->ptr[out->len] = '\0';
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (errno == EINVAL && !final)
			break;
		/* EILSEQ, or EINVAL (an incomplete tail) at the end of a whole string. */
		n = errno == EINVAL ? ileft : bad_span(c, (unsigned char *)ip, ileft);
		flush_to(c, out);
		ccm_buf_add(out, utf8_replacement, 3);
		if (bad)
			(*bad)++;
		ip += n;
		ileft -= n;
	}
	if (final && ileft == 0)
		flush_to(c, out);
	*used = len - ileft;
}

void ccm_cp_to_utf8(struct ccm_buf *out, struct ccm_cp *c, const char *in,
		    size_t len, size_t *bad)
{
	size_t used;

	decode(c, out, in, len, 1, bad, &used);
}

void ccm_cp_to_utf8_stream(struct ccm_buf *out, struct ccm_cp *c,
			   const char *in, size_t len, int final, size_t *bad)
{
	size_t used;

	/*
	 * A held tail is completed from the start of this piece in a small
	 * window, so the piece itself is never copied: any character started
	 * in the window ends inside it, and the rest continues from `in`.
	 */
	if (c->nheld) {
		char win[CP_HOLD_MAX + 16];
		size_t take = len < 16 ? len : 16;
		size_t wlen = c->nheld + take;
		int last = take == len;

		memcpy(win, c->held, c->nheld);
		memcpy(win + c->nheld, in, take);
		decode(c, out, win, wlen, final && last, bad, &used);
		if (last) {
			c->nheld = wlen - used;
			memcpy(c->held, win + used, c->nheld);
			return;
		}
		assert(used >= c->nheld);
		in += used - c->nheld;
		len -= used - c->nheld;
		c->nheld = 0;
	}
	decode(c, out, in, len, final, bad, &used);
	if (len - used > CP_HOLD_MAX) {
		/* Cannot happen with real code pages; never hold more than fits. */
		decode(c, out, in + used, len - used, 1, bad, &used);
		return;
	}
	c->nheld = len - used;
	memcpy(c->held, in + used, c->nheld);
}

/*
 * Length of the valid UTF-8 character at s, or the negative length of the
 * longest invalid prefix to skip (the "maximal subpart" of Unicode 3.9),
 * so that one broken character counts once.
 */
static int utf8_char(const unsigned char *s, size_t left)
{
	unsigned char b = s[0];
	unsigned char lo = 0x80, hi = 0xBF;
	int need, i;

	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF)
		need = 1;
	else if (b >= 0xE0 && b <= 0xEF) {
		need = 2;
		if (b == 0xE0)
			lo = 0xA0;
		else if (b == 0xED)
			hi = 0x9F;   /* no surrogates */
	} else if (b >= 0xF0 && b <= 0xF4) {
		need = 3;
		if (b == 0xF0)
			lo = 0x90;
		else if (b == 0xF4)
			hi = 0x8F;
	} else
		return -1;
	for (i = 1; i <= need; i++) {
		if ((size_t)i >= left || s[i] < lo || s[i] > hi)
			return -i;
		lo = 0x80;
		hi = 0xBF;
	}
	return need + 1;
}

int ccm_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		int n = utf8_char(p + i, len - i);

		if (n < 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/* The byte of code point u in the encoding table, or -1. */
static int enc_find(const struct ccm_cp *c, unsigned int u)
{
	int lo = 0, hi = c->n_enc - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (c->enc[mid].ucs == u)
			return c->enc[mid].byte;
		if (c->enc[mid].ucs < u)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * Writes the one UTF-8 character at p (n bytes, valid) through the table,
 * or iconv when the table does not know it. Returns 1 when written, 0 when
 * the code page cannot hold it.
 */
static int encode_one(struct ccm_cp *c, struct ccm_buf *out, char *p, size_t n)
{
	char one[8], *op = one;
	size_t il = n, ol = sizeof(one);
	int b = enc_find(c, utf8_decode((unsigned char *)p, (int)n));

	if (b >= 0) {
		ccm_buf_addch(out, (char)b);
		return 1;
	}
	if (iconv(c->from, &p, &il, &op, &ol) != (size_t)-1 && !il) {
		ccm_buf_add(out, one, sizeof(one) - ol);
		return 1;
	}
	iconv(c->from, NULL, NULL, NULL, NULL);
	return 0;
}

void ccm_cp_from_utf8(struct ccm_buf *out, struct ccm_cp *c, const char *in,
		      size_t len, size_t *replaced)
{
	char *ip = (char *)in;
	size_t ileft = len;

	while (ileft > 0) {
		size_t n = ascii_prefix(ip, ileft);
		char *op;
		size_t oleft, room, r;
		int k;

		if (n) {
			ccm_buf_add(out, ip, n);
			ip += n;
			ileft -= n;
			continue;
		}
		if (c->tables) {
			/* One character at a time, so that what the code page
			 * cannot hold is still counted. */
			k = utf8_char((unsigned char *)ip, ileft);
			n = k < 0 ? (size_t)-k : (size_t)k;
			if (k > 0 && encode_one(c, out, ip, n)) {
				ip += n;
				ileft -= n;
				continue;
			}
		} else {
			/* A code page character is never longer than its UTF-8 form. */
			room = ileft < 4096 ? ileft + 8 : 4096;
			ccm_buf_grow(out, room);
			op = out->ptr + out->len;
			oleft = room;
			r = iconv(c->from, &ip, &ileft, &op, &oleft);
			out->len = room - oleft + out->len;
			out->ptr[out->len] = '\0';
			if (r != (size_t)-1 || errno == E2BIG)
				continue;
			k = utf8_char((unsigned char *)ip, ileft);
			n = k < 0 ? (size_t)-k : (size_t)k;
			iconv(c->from, NULL, NULL, NULL, NULL);
		}
		/* Unmappable or invalid: one '?' per character, never a silent drop. */
		ccm_buf_addch(out, '?');
		if (replaced)
			(*replaced)++;
		ip += n;
		ileft -= n;
	}
}

int ccm_codepage_ansi(int cp)
{
	static const int oem_to_ansi[][2] = {
		{ 437, 1252 }, { 850, 1252 }, { 858, 1252 }, { 860, 1252 },
		{ 861, 1252 }, { 863, 1252 }, { 865, 1252 }, { 852, 1250 },
		{ 855, 1251 }, { 866, 1251 }, { 737, 1253 }, { 869, 1253 },
		{ 857, 1254 }, { 862, 1255 }, { 864, 1256 }, { 775, 1257 },
	};

	for (size_t i = 0; i < sizeof(oem_to_ansi) / sizeof(oem_to_ansi[0]); i++)
		if (oem_to_ansi[i][0] == cp)
			return oem_to_ansi[i][1];
	if (cp == 874 || cp == 932 || cp == 936 || cp == 949 || cp == 950 ||
	    (cp >= 1250 && cp <= 1258))
		return cp;
	return 1252;
}
