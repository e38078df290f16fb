/* render.c: one stored message as RFC 5322/MIME, streamed to a write callback. */
#include "out/render.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/date.h"
#include "base/utf8.h"

#define FOLD_AT 76          /* folded lines stay at or under this (< 78) */
#define EW_RAW 36           /* bytes per encoded-word: 48 base64, 60 in all */
#define FLUSH_AT 16384

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64(struct ccm_buf *o, const unsigned char *p, size_t n)
{
	char q[4];

	while (n > 0) {
		unsigned long v = (unsigned long)p[0] << 16;

		if (n > 1)
			v |= (unsigned long)p[1] << 8;
		if (n > 2)
			v |= p[2];
		q[0] = b64chars[(v >> 18) & 63];
		q[1] = b64chars[(v >> 12) & 63];
		q[2] = n > 1 ? b64chars[(v >> 6) & 63] : '=';
		q[3] = n > 2 ? b64chars[v & 63] : '=';
		if (ccm_buf_add(o, q, 4))
			return CCM_ENOMEM;
		p += n > 3 ? 3 : n;
		n -= n > 3 ? 3 : n;
	}
	return 0;
}

/* Control characters would end or corrupt a header line, and bytes that
 * are not UTF-8 would make encoded-words undecodable: both are replaced. */
static int clean_text(struct ccm_buf *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *e = p + strlen((const char *)p);

	while (p < e) {
		unsigned long cp;
		int k = ccm_utf8_decode(p, e, &cp);

		if (k == 0) {
			if (ccm_utf8_put(o, 0xFFFD))
				return CCM_ENOMEM;
			p++;
			continue;
		}
		if (cp < 0x20 || cp == 0x7F) {
			if (ccm_buf_addch(o, ' '))
				return CCM_ENOMEM;
		} else if (ccm_buf_add(o, p, (size_t)k)) {
			return CCM_ENOMEM;
		}
		p += k;
	}
	return 0;
}

static int is_plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Appends token t with a space before it (sep), folding first when the
 * line would pass FOLD_AT; *col is the column after the last byte. */
static int put_tok(struct ccm_buf *o, int *col, const char *t, size_t n, int sep)
{
	if (sep) {
		if (*col > 1 && *col + 1 + (int)n > FOLD_AT) {
			if (ccm_buf_add(o, "\r\n ", 3))
				return CCM_ENOMEM;
			*col = 1;
		} else {
			if (ccm_buf_addch(o, ' '))
				return CCM_ENOMEM;
			(*col)++;
		}
	}
	if (ccm_buf_add(o, t, n))
		return CCM_ENOMEM;
	*col += (int)n;
	return 0;
}

/* Clean UTF-8 text as encoded-words, cut between characters. */
static int put_encoded(struct ccm_buf *o, int *col, const char *t, int sep)
{
	const unsigned char *p = (const unsigned char *)t;
	const unsigned char *e = p + strlen(t);
	struct ccm_buf w = CCM_BUF_INIT;
	int rc = 0;

	while (p < e && rc == 0) {
		const unsigned char *q = p;
		unsigned long cp;

		while (q < e) {
			int k = ccm_utf8_decode(q, e, &cp);

			if (k == 0)
				k = 1;
			if (q + k - p > EW_RAW && q > p)
				break;
			q += k;
		}
		ccm_buf_reset(&w);
		if (ccm_buf_adds(&w, "=?UTF-8?B?") || b64(&w, p, (size_t)(q - p)) ||
		    ccm_buf_adds(&w, "?="))
			rc = CCM_ENOMEM;
		else
			rc = put_tok(o, col, w.ptr, w.len, sep);
		sep = 1;
		p = q;
	}
	ccm_buf_release(&w);
	return rc;
}

int ccm_render_unstructured(struct ccm_buf *out, const char *name,
			    const char *text)
{
	struct ccm_buf t = CCM_BUF_INIT;
	int col = (int)strlen(name) + 1;
	int rc;

	if ((rc = clean_text(&t, text)) != 0 || ccm_buf_adds(out, name) ||
	    ccm_buf_addch(out, ':')) {
		ccm_buf_release(&t);
		return CCM_ENOMEM;
	}
	if (!is_plain_ascii(t.ptr) || strstr(t.ptr, "=?")) {
		rc = put_encoded(out, &col, t.ptr, 1);
	} else {
		/* Split at each single space, so that runs of spaces survive
		 * unfolding (an empty token stands between two spaces). */
		const char *p = t.ptr;

		for (;;) {
			const char *sp = strchr(p, ' ');
			size_t n = sp ? (size_t)(sp - p) : strlen(p);

			if ((rc = put_tok(out, &col, p, n, 1)) != 0 || !sp)
				break;
			p = sp + 1;
		}
	}
	if (rc == 0 && ccm_buf_add(out, "\r\n", 2))
		rc = CCM_ENOMEM;
	ccm_buf_release(&t);
	return rc;
}

static int is_atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* A display name as a phrase: atoms when it is atoms separated by single
 * spaces, else a quoted-string, else (not ASCII) encoded-words. */
static int put_phrase(struct ccm_buf *o, int *col, const char *clean)
{
	struct ccm_buf q = CCM_BUF_INIT;
	const char *p;
	int atoms = 1, rc;

	if (!is_plain_ascii(clean) || strstr(clean, "=?"))
		return put_encoded(o, col, clean, 0);
	for (p = clean; *p; p++)
		if (!is_atext((unsigned char)*p) &&
		    !(*p == ' ' && p > clean && p[1] && p[1] != ' '))
			atoms = 0;
	if (atoms)
		return put_tok(o, col, clean, strlen(clean), 0);
	rc = ccm_buf_addch(&q, '"');
	for (p = clean; *p && rc == 0; p++) {
		if (*p == '"' || *p == '\\')
			rc = ccm_buf_addch(&q, '\\');
		if (rc == 0)
			rc = ccm_buf_addch(&q, *p);
	}
	if (rc == 0)
		rc = ccm_buf_addch(&q, '"');
	if (rc == 0)
		rc = put_tok(o, col, q.ptr, q.len, 0);
	ccm_buf_release(&q);
	return rc ? CCM_ENOMEM : 0;
}

/* Latin-1 letters U+00C0..U+00FF without their accents ('_': not a letter;
 * U+00DF is handled as "ss"). */
static const char latin1_base[] =
	"AAAAAAACEEEEIIIIDNOOOOO_OUUUUYTs"
	"aaaaaaaceeeeiiiidnooooo_ouuuuyty";

/* The token rule of render.h: ASCII letters, digits and '-' kept, accents
 * dropped, every other run one `sep`, none at the ends. */
static int put_token(struct ccm_buf *o, const char *s, size_t n, char sep)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	size_t start = o->len;
	int pending = 0;

	while (p < e) {
		unsigned long cp;
		int k = ccm_utf8_decode(p, e, &cp);
		const char *keep = NULL;
		char one[2] = { 0, 0 };

		if (k == 0) {
			k = 1;
			cp = 0;
		}
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9') || cp == '-') {
			one[0] = (char)cp;
			keep = one;
		} else if (cp == 0xDF) {
			keep = "ss";
		} else if (cp >= 0xC0 && cp <= 0xFF && latin1_base[cp - 0xC0] != '_') {
			one[0] = latin1_base[cp - 0xC0];
			keep = one;
		}
		if (keep) {
			if (pending && o->len > start && ccm_buf_addch(o, sep))
				return CCM_ENOMEM;
			if (ccm_buf_adds(o, keep))
				return CCM_ENOMEM;
			pending = 0;
		} else {
			pending = 1;
		}
		p += k;
	}
	if (o->len == start && ccm_buf_adds(o, "unknown"))
		return CCM_ENOMEM;
	return 0;
}

/* A plausible addr-spec: printable ASCII, one '@' with text both sides,
 * nothing that would need quoting. */
static int is_simple_addr_spec(const char *a)
{
	const char *at = strchr(a, '@');

	if (!at || at == a || !at[1] || strchr(at + 1, '@'))
		return 0;
	for (; *a; a++)
		if ((unsigned char)*a <= 0x20 || (unsigned char)*a >= 0x7F ||
		    strchr("<>()[]\\,;:\"", *a))
			return 0;
	return 1;
}

/* Finds the last " at " (any case) of a cc:Mail address. */
static const char *find_at(const char *s)
{
	const char *r = NULL;

	for (; *s; s++)
		if (s[0] == ' ' && (s[1] == 'a' || s[1] == 'A') &&
		    (s[2] == 't' || s[2] == 'T') && s[3] == ' ')
			r = s;
	return r;
}

/* The addr-spec of a stored address (render.h's rule), with angle brackets. */
static int put_addr_spec(struct ccm_buf *o, const char *display,
			 const char *address, const char *po_name)
{
	const char *colon = address ? strchr(address, ':') : NULL;
	const char *local, *dom = po_name;
	size_t local_n, dom_n = strlen(po_name);

	if (colon && (size_t)(colon - address) == 4 &&
	    strncasecmp(address, "SMTP", 4) == 0 && is_simple_addr_spec(colon + 1))
		return ccm_buf_addf(o, "<%s>", colon + 1);
	if (!address || !*address) {
		local = display ? display : "";
		local_n = strlen(local);
	} else if (!colon || ((size_t)(colon - address) == 6 &&
			      strncasecmp(address, "CCMAIL", 6) == 0)) {
		const char *name = colon ? colon + 1 : address;
		const char *at = find_at(name);

		local = name;
		local_n = at ? (size_t)(at - name) : strlen(name);
		if (at) {
			dom = at + 4;
			dom_n = strlen(dom);
		}
	} else {
		local = colon + 1;
		local_n = strlen(local);
		dom = address;
		dom_n = (size_t)(colon - address);
	}
	if (ccm_buf_addch(o, '<') || put_token(o, local, local_n, '_') ||
	    ccm_buf_addch(o, '@') || put_token(o, dom, dom_n, '-') ||
	    ccm_buf_adds(o, ".ccmail.invalid>"))
		return CCM_ENOMEM;
	return 0;
}

static int address_at(struct ccm_buf *o, int *col, const char *display,
		      const char *address, const char *po_name)
{
	struct ccm_buf d = CCM_BUF_INIT, a = CCM_BUF_INIT;
	int rc;

	if (!po_name || !*po_name)
		po_name = "local";
	rc = clean_text(&d, display);
	if (rc == 0)
		ccm_buf_trim(&d);
	if (rc == 0)
		rc = put_addr_spec(&a, display, address, po_name);
	if (rc == 0 && d.len > 0)
		rc = put_phrase(o, col, d.ptr);
	if (rc == 0)
		rc = put_tok(o, col, a.ptr, a.len, d.len > 0);
	ccm_buf_release(&d);
	ccm_buf_release(&a);
	return rc ? CCM_ENOMEM : 0;
}

int ccm_render_address(struct ccm_buf *out, const char *display,
		       const char *address, const char *po_name)
{
	int col = 0;

	return address_at(out, &col, display, address, po_name);
}

static int is_smtp(const char *address)
{
	return address && strncasecmp(address, "SMTP:", 5) == 0 &&
	       is_simple_addr_spec(address + 5);
}

void ccm_render_date(char *out, size_t size, long long utc,
		     const struct ccm_tz *tz)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int off, y, m, d, aoff;
	long long local, days, secs;

	/* A damaged store may hold any instant: hold it a day inside the years
	 * 0000..9999, so that adding the offset cannot overflow and the year
	 * keeps its four digits. */
	if (utc < CCM_DATE_MIN_UTC + 86400)
		utc = CCM_DATE_MIN_UTC + 86400;
	if (utc > CCM_DATE_MAX_UTC - 86400)
		utc = CCM_DATE_MAX_UTC - 86400;
	off = ccm_tz_offset_at(tz, utc);
	aoff = off < 0 ? -off : off;
	local = utc + off;
	days = local / 86400;
	secs = local % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	ccm_civil_from_days(days, &y, &m, &d);
	snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d",
		 wd[((days % 7) + 7 + 4) % 7], d, mon[m - 1], y, (int)(secs / 3600),
		 (int)(secs / 60 % 60), (int)(secs % 60), off < 0 ? '-' : '+',
		 aoff / 3600, aoff / 60 % 60);
}

/* ---- the stream ------------------------------------------------------ */

struct rout {
	ccm_render_write_fn write;
	void *ctx;
	struct ccm_buf b;
	long long msg;
	struct ccm_error *err;
};

static int flush(struct rout *r)
{
	int rc = 0;

	if (r->b.len > 0)
		rc = r->write(r->ctx, r->b.ptr, r->b.len);
	ccm_buf_reset(&r->b);
	if (rc < 0)
		return ccm_error_set(r->err, rc, "writing message %lld failed: %s",
				     r->msg, ccm_strerror(rc));
	return 0;
}

static int maybe_flush(struct rout *r)
{
	return r->b.len >= FLUSH_AT ? flush(r) : 0;
}

static int oom(struct rout *r)
{
	return ccm_error_set(r->err, CCM_ENOMEM,
			     "rendering message %lld failed: out of memory", r->msg);
}

static int header_list(struct rout *r, struct ccm_store *s, long long id,
		       int kind, const char *name, const char *po, struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_store_rcpt rc;
	int col = 0, n = 0, st;

	if ((st = ccm_store_message_rcpts(s, id, &c, err)) < 0)
		return st;
	while ((st = ccm_store_next_rcpt(c, &rc, err)) == 1) {
		struct ccm_buf one = CCM_BUF_INIT;
		int c1 = col + 1;

		if (rc.kind != kind)
			continue;
		if (n == 0) {
			if (ccm_buf_addf(&r->b, "%s:", name)) {
				st = oom(r);
				break;
			}
			col = (int)strlen(name) + 1;
		} else if (ccm_buf_addch(&r->b, ',')) {
			st = oom(r);
			break;
		} else {
			col++;
		}
		c1 = col + 1;
		st = address_at(&one, &c1, rc.display, rc.address, po);
		if (st == 0) {
			/* Fold before a mailbox whose first line would not fit. */
			const char *nl = memchr(one.ptr, '\n', one.len);
			size_t first = nl ? (size_t)(nl - one.ptr) : one.len;

			if (col > 1 && col + 1 + (int)first > FOLD_AT) {
				ccm_buf_reset(&one);
				st = ccm_buf_add(&r->b, "\r\n ", 3);
				c1 = 1;
				if (st == 0)
					st = address_at(&one, &c1, rc.display,
							rc.address, po);
			} else {
				st = ccm_buf_addch(&r->b, ' ');
			}
		}
		if (st == 0)
			st = ccm_buf_add(&r->b, one.ptr, one.len);
		ccm_buf_release(&one);
		if (st) {
			st = oom(r);
			break;
		}
		col = c1;
		n++;
	}
	ccm_store_cursor_free(c);
	if (st < 0)
		return st;
	if (n > 0 && ccm_buf_add(&r->b, "\r\n", 2))
		return oom(r);
	return 0;
}

/* X-CCMail-To/-Cc: the recipients that are not SMTP, as stored. */
static int header_ccmail(struct rout *r, struct ccm_store *s, long long id,
			 struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_store_rcpt rc;
	int st;

	if ((st = ccm_store_message_rcpts(s, id, &c, err)) < 0)
		return st;
	while ((st = ccm_store_next_rcpt(c, &rc, err)) == 1) {
		struct ccm_buf t = CCM_BUF_INIT;

		if (rc.kind == CCM_RCPT_BCC || is_smtp(rc.address))
			continue;
		if (ccm_buf_adds(&t, rc.display ? rc.display : "") ||
		    (rc.address && ccm_buf_addf(&t, " [%s]", rc.address)) ||
		    ccm_render_unstructured(&r->b, rc.kind == CCM_RCPT_TO ?
					    "X-CCMail-To" : "X-CCMail-Cc", t.ptr)) {
			ccm_buf_release(&t);
			st = oom(r);
			break;
		}
		ccm_buf_release(&t);
	}
	ccm_store_cursor_free(c);
	return st < 0 ? st : 0;
}

/* Quoted-printable is needed for what 7bit cannot carry, or carries badly:
 * 8-bit bytes, controls, lines over 76, trailing white space, and text
 * that would be read as the boundary. */
static int body_needs_qp(const char *b, size_t n, const char *boundary)
{
	size_t i, col = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];

		if (c == '\r' || c == '\n') {
			if (i > 0 && (b[i - 1] == ' ' || b[i - 1] == '\t'))
				return 1;
			col = 0;
			continue;
		}
		if (c >= 0x80 || (c < 0x20 && c != '\t') || c == 0x7F || ++col > 76)
			return 1;
	}
	if (n > 0 && (b[n - 1] == ' ' || b[n - 1] == '\t'))
		return 1;
	if (boundary) {
		size_t bl = strlen(boundary);

		for (i = 0; i + bl <= n; i++)
			if (memcmp(b + i, boundary, bl) == 0)
				return 1;
	}
	return 0;
}

/* The body, lines ended CRLF whatever the store had (CRLF, LF or CR). */
static int write_body(struct rout *r, const char *b, size_t n, int qp)
{
	size_t i = 0;
	int rc;

	while (i < n) {
		size_t e = i, col = 0;

		while (e < n && b[e] != '\r' && b[e] != '\n')
			e++;
		if (!qp) {
			if (ccm_buf_add(&r->b, b + i, e - i))
				return oom(r);
		} else {
			size_t k;

			for (k = i; k < e; k++) {
				unsigned char c = (unsigned char)b[k];
				char tok[4];
				size_t tl;
				int last = k + 1 == e;

				if ((c >= 33 && c <= 126 && c != '=') ||
				    ((c == ' ' || c == '\t') && !last)) {
					tok[0] = (char)c;
					tl = 1;
				} else {
					snprintf(tok, sizeof(tok), "=%02X", c);
					tl = 3;
				}
				/* Soft break: the '=' itself must fit in 76. */
				if (col + tl > (last ? 76u : 75u)) {
					if (ccm_buf_add(&r->b, "=\r\n", 3))
						return oom(r);
					col = 0;
				}
				if (ccm_buf_add(&r->b, tok, tl))
					return oom(r);
				col += tl;
			}
		}
		if (ccm_buf_add(&r->b, "\r\n", 2))
			return oom(r);
		if (e < n && b[e] == '\r' && e + 1 < n && b[e + 1] == '\n')
			e++;
		i = e + 1;
		if ((rc = maybe_flush(r)) < 0)
			return rc;
	}
	return 0;
}

static const char *mime_type_of(const char *name)
{
	static const struct { const char *ext, *type; } tab[] = {
		{ "txt", "text/plain" }, { "pdf", "application/pdf" },
		{ "pcx", "image/x-pcx" }, { "ccm", "application/octet-stream" },
	};
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot)
		for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
			if (strcasecmp(dot + 1, tab[i].ext) == 0)
				return tab[i].type;
	return "application/octet-stream";
}

/* The ASCII fallback filename, for a quoted-string: what is not printable
 * ASCII becomes '_'; quotes and backslashes are escaped. */
static int put_ascii_name(struct ccm_buf *o, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	const unsigned char *e = p + strlen(name);

	while (p < e) {
		unsigned long cp;
		int k = ccm_utf8_decode(p, e, &cp);

		if (k == 0)
			k = 1;
		if (k == 1 && *p >= 0x20 && *p < 0x7F) {
			if ((*p == '"' || *p == '\\') && ccm_buf_addch(o, '\\'))
				return CCM_ENOMEM;
			if (ccm_buf_addch(o, *p))
				return CCM_ENOMEM;
		} else if (ccm_buf_addch(o, '_')) {
			return CCM_ENOMEM;
		}
		p += k;
	}
	return 0;
}

static int attachment_headers(struct rout *r, const char *name)
{
	struct ccm_buf t = CCM_BUF_INIT;
	const char *n = name && *name ? name : "attachment";
	int bad = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)n; *p; p++)
		if (*p < 0x20 || *p >= 0x7F)
			bad = 1;
	if (put_ascii_name(&t, n) ||
	    ccm_buf_addf(&r->b, "Content-Type: %s;\r\n name=\"%s\"\r\n"
			 "Content-Transfer-Encoding: base64\r\n"
			 "Content-Disposition: attachment;\r\n", mime_type_of(n), t.ptr))
		goto fail;
	if (bad) {
		/* RFC 2231 first: parsers that take one of two filename
		 * parameters (Python's email) keep the first. */
		if (ccm_buf_adds(&r->b, " filename*=UTF-8''"))
			goto fail;
		for (p = (const unsigned char *)n; *p; p++) {
			int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				 (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p);

			if (ok ? ccm_buf_addch(&r->b, *p) :
			    ccm_buf_addf(&r->b, "%%%02X", *p))
				goto fail;
		}
		if (ccm_buf_adds(&r->b, ";\r\n"))
			goto fail;
	}
	if (ccm_buf_addf(&r->b, " filename=\"%s\"\r\n\r\n", t.ptr))
		goto fail;
	ccm_buf_release(&t);
	return 0;
fail:
	ccm_buf_release(&t);
	return oom(r);
}

/* Base64 in 76-char lines, read from the blob a buffer at a time. */
static int write_blob(struct rout *r, struct ccm_store *s, long long blob_id)
{
	unsigned char in[57 * 72];
	struct ccm_store_blob *bl;
	size_t have = 0;
	int eof = 0, rc;

	if (blob_id <= 0)
		return 0;
	if ((rc = ccm_store_blob_open(s, blob_id, &bl, NULL, r->err)) < 0)
		return rc;
	while (!eof) {
		size_t i;

		while (have < sizeof(in)) {
			long long got = ccm_store_blob_read(bl, in + have,
							    sizeof(in) - have, r->err);

			if (got < 0) {
				ccm_store_blob_close(bl);
				return (int)got;
			}
			if (got == 0) {
				eof = 1;
				break;
			}
			have += (size_t)got;
		}
		for (i = 0; i < have; i += 57) {
			size_t n = have - i < 57 ? have - i : 57;

			if (b64(&r->b, in + i, n) || ccm_buf_add(&r->b, "\r\n", 2)) {
				ccm_store_blob_close(bl);
				return oom(r);
			}
		}
		have = 0;
		if ((rc = maybe_flush(r)) < 0) {
			ccm_store_blob_close(bl);
			return rc;
		}
	}
	ccm_store_blob_close(bl);
	return 0;
}

static int render(struct rout *r, struct ccm_store *s,
		  const struct ccm_store_message *m, const struct ccm_render_opts *o)
{
	const char *domain = o && o->domain && *o->domain ? o->domain : "ccmig.invalid";
	const char *po = o && o->po_name && *o->po_name ? o->po_name : "local";
	struct ccm_store_cursor *ac = NULL;
	struct ccm_store_attachment a;
	char boundary[64], date[64];
	int col, rc, more, qp;

	snprintf(boundary, sizeof(boundary), "=_ccmig.%lld", m->id);
	if (ccm_buf_adds(&r->b, "From: "))
		return oom(r);
	col = 6;
	if (address_at(&r->b, &col, m->sender_name, m->sender_address, po) ||
	    ccm_buf_add(&r->b, "\r\n", 2))
		return oom(r);
	if (!is_smtp(m->sender_address)) {
		struct ccm_buf t = CCM_BUF_INIT;

		if (ccm_buf_adds(&t, m->sender_name ? m->sender_name : "") ||
		    (m->sender_address && ccm_buf_addf(&t, " [%s]", m->sender_address)) ||
		    ccm_render_unstructured(&r->b, "X-CCMail-From", t.ptr)) {
			ccm_buf_release(&t);
			return oom(r);
		}
		ccm_buf_release(&t);
	}
	if ((rc = header_list(r, s, m->id, CCM_RCPT_TO, "To", po, r->err)) < 0 ||
	    (rc = header_list(r, s, m->id, CCM_RCPT_CC, "Cc", po, r->err)) < 0 ||
	    (rc = header_ccmail(r, s, m->id, r->err)) < 0)
		return rc;
	if (m->has_sent) {
		ccm_render_date(date, sizeof(date), m->sent_utc, o ? o->tz : NULL);
		if (ccm_buf_addf(&r->b, "Date: %s\r\n", date))
			return oom(r);
	}
	if (ccm_render_unstructured(&r->b, "Subject", m->subject ? m->subject : "") ||
	    ccm_buf_addf(&r->b, "Message-ID: <ccmig.%lld@%s>\r\nMIME-Version: 1.0\r\n",
			 m->id, domain))
		return oom(r);

	if ((rc = ccm_store_attachments(s, m->id, &ac, r->err)) < 0)
		return rc;
	if ((more = ccm_store_next_attachment(ac, &a, r->err)) < 0) {
		ccm_store_cursor_free(ac);
		return more;
	}
	qp = body_needs_qp(m->body ? m->body : "", m->body ? m->body_len : 0,
			   more ? boundary : NULL);
	if (more && ccm_buf_addf(&r->b, "Content-Type: multipart/mixed;\r\n"
				 " boundary=\"%s\"\r\n\r\n"
				 "This is a multi-part message in MIME format.\r\n"
				 "\r\n--%s\r\n", boundary, boundary))
		goto nomem;
	if (ccm_buf_addf(&r->b, "Content-Type: text/plain; charset=utf-8\r\n"
			 "Content-Transfer-Encoding: %s\r\n\r\n",
			 qp ? "quoted-printable" : "7bit"))
		goto nomem;
	if ((rc = write_body(r, m->body ? m->body : "", m->body ? m->body_len : 0, qp)) < 0)
		goto out;
	while (more == 1) {
		if (ccm_buf_addf(&r->b, "\r\n--%s\r\n", boundary))
			goto nomem;
		if ((rc = attachment_headers(r, a.name)) < 0 ||
		    (rc = write_blob(r, s, a.blob_id)) < 0)
			goto out;
		if ((more = ccm_store_next_attachment(ac, &a, r->err)) < 0) {
			rc = more;
			goto out;
		}
		if (more == 0 && ccm_buf_addf(&r->b, "\r\n--%s--\r\n", boundary))
			goto nomem;
	}
	rc = 0;
out:
	ccm_store_cursor_free(ac);
	return rc;
nomem:
	ccm_store_cursor_free(ac);
	return oom(r);
}

int ccm_render_message(struct ccm_store *s, const struct ccm_store_message *m,
		       const struct ccm_render_opts *o,
		       ccm_render_write_fn write, void *ctx,
		       struct ccm_error *err)
{
	struct ccm_error local;
	struct rout r;
	int rc;

	r.write = write;
	r.ctx = ctx;
	ccm_buf_init(&r.b);
	r.msg = m->id;
	r.err = err ? err : &local;
	rc = render(&r, s, m, o);
	if (rc == 0)
		rc = flush(&r);
	ccm_buf_release(&r.b);
	return rc;
}
