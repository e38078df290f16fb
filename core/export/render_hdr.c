/* render_hdr.c: header fields: encoded words, addresses, dates, the header block. */
#include "export/render_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/date.h"
#include "base/utf8.h"

#define EW_RAW 36           /* bytes per encoded-word: 48 base64, 60 in all */

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void ccm_render_b64(struct ccm_buf *o, const unsigned char *p, size_t n)
{
	char *q;

	/* Room for all of it at once: this runs for every attachment byte. */
	ccm_buf_grow(o, (n + 2) / 3 * 4);
	q = o->ptr + o->len;
	for (; n >= 3; p += 3, n -= 3) {
		unsigned long v = (unsigned long)p[0] << 16 | (unsigned long)p[1] << 8 | p[2];
		*q++ = b64chars[(v >> 18) & 63];
		*q++ = b64chars[(v >> 12) & 63];
		*q++ = b64chars[(v >> 6) & 63];
		*q++ = b64chars[v & 63];
	}
	if (n > 0) {
		unsigned long v = (unsigned long)p[0] << 16 | (n > 1 ? (unsigned long)p[1] << 8 : 0);
		*q++ = b64chars[(v >> 18) & 63];
		*q++ = b64chars[(v >> 12) & 63];
		*q++ = n > 1 ? b64chars[(v >> 6) & 63] : '=';
		*q++ = '=';
	}
	o->len = (size_t)(q - o->ptr);
	*q = '\0';
}

/* Control characters would end or corrupt a header line, and bytes that
 * are not UTF-8 would make encoded-words undecodable: both are replaced. */
static void clean_text(struct ccm_buf *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *e = p + strlen((const char *)p);

	while (p < e) {
		unsigned long cp;
		int k = ccm_utf8_decode(p, e, &cp);

		if (k == 0) {
			ccm_utf8_put(o, 0xFFFD);
			p++;
			continue;
		}
		if (cp < 0x20 || cp == 0x7F)
			ccm_buf_addch(o, ' ');
		else
			ccm_buf_add(o, p, (size_t)k);
		p += k;
	}
}

static int is_plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* Appends token t with a space before it (sep), folding first when the
 * line would pass CCM_RENDER_FOLD_AT; *col is the column after the last byte. */
static void put_tok(struct ccm_buf *o, int *col, const char *t, size_t n, int sep)
{
	if (sep) {
		if (*col > 1 && *col + 1 + (int)n > CCM_RENDER_FOLD_AT) {
			ccm_buf_add(o, "\r\n ", 3);
			*col = 1;
		} else {
			ccm_buf_addch(o, ' ');
			(*col)++;
		}
	}
	ccm_buf_add(o, t, n);
	*col += (int)n;
}

/* Clean UTF-8 text as encoded-words, cut between characters. */
static void put_encoded(struct ccm_buf *o, int *col, const char *t, int sep)
{
	const unsigned char *p = (const unsigned char *)t;
	const unsigned char *e = p + strlen(t);
	struct ccm_buf w = CCM_BUF_INIT;

	while (p < e) {
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
		ccm_buf_adds(&w, "=?UTF-8?B?");
		ccm_render_b64(&w, p, (size_t)(q - p));
		ccm_buf_adds(&w, "?=");
		put_tok(o, col, w.ptr, w.len, sep);
		sep = 1;
		p = q;
	}
	ccm_buf_release(&w);
}

void ccm_render_unstructured(struct ccm_buf *out, const char *name,
			     const char *text)
{
	struct ccm_buf t = CCM_BUF_INIT;
	int col = (int)strlen(name) + 1;

	clean_text(&t, text);
	ccm_buf_adds(out, name);
	ccm_buf_addch(out, ':');
	if (!is_plain_ascii(t.ptr) || strstr(t.ptr, "=?")) {
		put_encoded(out, &col, t.ptr, 1);
	} else {
		/* Split at each single space, so that runs of spaces survive
		 * unfolding (an empty token stands between two spaces). */
		const char *p = t.ptr;

		for (;;) {
			const char *sp = strchr(p, ' ');
			size_t n = sp ? (size_t)(sp - p) : strlen(p);

			put_tok(out, &col, p, n, 1);
			if (!sp)
				break;
			p = sp + 1;
		}
	}
	ccm_buf_add(out, "\r\n", 2);
	ccm_buf_release(&t);
}

static int is_atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* A display name as a phrase: atoms when it is atoms separated by single
 * spaces, else a quoted-string, else (not ASCII) encoded-words. */
static void put_phrase(struct ccm_buf *o, int *col, const char *clean)
{
	struct ccm_buf q = CCM_BUF_INIT;
	const char *p;
	int atoms = 1;

	if (!is_plain_ascii(clean) || strstr(clean, "=?")) {
		put_encoded(o, col, clean, 0);
		return;
	}
	for (p = clean; *p; p++)
		if (!is_atext((unsigned char)*p) &&
		    !(*p == ' ' && p > clean && p[1] && p[1] != ' '))
			atoms = 0;
	if (atoms) {
		put_tok(o, col, clean, strlen(clean), 0);
		return;
	}
	ccm_buf_addch(&q, '"');
	for (p = clean; *p; p++) {
		if (*p == '"' || *p == '\\')
			ccm_buf_addch(&q, '\\');
		ccm_buf_addch(&q, *p);
	}
	ccm_buf_addch(&q, '"');
	put_tok(o, col, q.ptr, q.len, 0);
	ccm_buf_release(&q);
}

/* Latin-1 letters U+00C0..U+00FF without their accents ('_': not a letter;
 * U+00DF is handled as "ss"). */
static const char latin1_base[] =
	"AAAAAAACEEEEIIIIDNOOOOO_OUUUUYTs"
	"aaaaaaaceeeeiiiidnooooo_ouuuuyty";

/* The token rule of render.h: ASCII letters, digits and '-' kept, accents
 * dropped, every other run one `sep`, none at the ends. */
static void put_token(struct ccm_buf *o, const char *s, size_t n, char sep)
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
			if (pending && o->len > start)
				ccm_buf_addch(o, sep);
			ccm_buf_adds(o, keep);
			pending = 0;
		} else {
			pending = 1;
		}
		p += k;
	}
	if (o->len == start)
		ccm_buf_adds(o, "unknown");
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
static void put_addr_spec(struct ccm_buf *o, const char *display,
			  const char *address, const char *po_name)
{
	const char *colon = address ? strchr(address, ':') : NULL;
	const char *local, *dom = po_name;
	size_t local_n, dom_n = strlen(po_name);

	if (colon && (size_t)(colon - address) == 4 &&
	    strncasecmp(address, "SMTP", 4) == 0 && is_simple_addr_spec(colon + 1)) {
		ccm_buf_addf(o, "<%s>", colon + 1);
		return;
	}
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
	ccm_buf_addch(o, '<');
	put_token(o, local, local_n, '_');
	ccm_buf_addch(o, '@');
	put_token(o, dom, dom_n, '-');
	ccm_buf_adds(o, ".ccmail.invalid>");
}

static void address_at(struct ccm_buf *o, int *col, const char *display,
		       const char *address, const char *po_name)
{
	struct ccm_buf d = CCM_BUF_INIT, a = CCM_BUF_INIT;

	if (!po_name || !*po_name)
		po_name = "local";
	clean_text(&d, display);
	ccm_buf_trim(&d);
	put_addr_spec(&a, display, address, po_name);
	if (d.len > 0)
		put_phrase(o, col, d.ptr);
	put_tok(o, col, a.ptr, a.len, d.len > 0);
	ccm_buf_release(&d);
	ccm_buf_release(&a);
}

void ccm_render_address(struct ccm_buf *out, const char *display,
			const char *address, const char *po_name)
{
	int col = 0;

	address_at(out, &col, display, address, po_name);
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

/* ---- the header block -------------------------------------------- */

/* To or Cc: the recipients of one kind, folded between mailboxes. */
static void header_list(struct ccm_rout *r, const struct ccm_rhead *h, int kind,
			const char *name, const char *po)
{
	int col = 0, n = 0;

	for (size_t i = 0; i < h->n_rcpts; i++) {
		const struct ccm_store_rcpt *rc = &h->rcpts[i];
		struct ccm_buf one = CCM_BUF_INIT;
		const char *nl;
		size_t first;
		int c1;

		if (rc->kind != kind)
			continue;
		if (n == 0) {
			ccm_buf_addf(&r->b, "%s:", name);
			col = (int)strlen(name) + 1;
		} else {
			ccm_buf_addch(&r->b, ',');
			col++;
		}
		c1 = col + 1;
		address_at(&one, &c1, rc->display, rc->address, po);
		/* Fold before a mailbox whose first line would not fit. */
		nl = memchr(one.ptr, '\n', one.len);
		first = nl ? (size_t)(nl - one.ptr) : one.len;
		if (col > 1 && col + 1 + (int)first > CCM_RENDER_FOLD_AT) {
			ccm_buf_reset(&one);
			ccm_buf_add(&r->b, "\r\n ", 3);
			c1 = 1;
			address_at(&one, &c1, rc->display, rc->address, po);
		} else {
			ccm_buf_addch(&r->b, ' ');
		}
		ccm_buf_add(&r->b, one.ptr, one.len);
		ccm_buf_release(&one);
		col = c1;
		n++;
	}
	if (n > 0)
		ccm_buf_add(&r->b, "\r\n", 2);
}

/* X-CCMail-From/-To/-Cc: a display name and, when there is one, the
 * original address in brackets, as stored. */
static void header_original(struct ccm_rout *r, const char *name,
			    const char *display, const char *address)
{
	struct ccm_buf t = CCM_BUF_INIT;

	ccm_buf_adds(&t, display ? display : "");
	if (address)
		ccm_buf_addf(&t, "%s[%s]", t.len ? " " : "", address);
	ccm_render_unstructured(&r->b, name, t.ptr);
	ccm_buf_release(&t);
}

/*
 * The field name of an extra header: a name that is already an extension
 * field ("X-...") keeps it; any other (a cc:Mail keyword such as "RRT")
 * becomes "X-CCMail-<name>". What a field name cannot hold (RFC 5322
 * 3.6.8: printable ASCII but ':') becomes '-'.
 */
static void extra_name(struct ccm_buf *o, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (strncasecmp(name, "X-", 2) != 0)
		ccm_buf_adds(o, "X-CCMail-");
	if (!*p)
		ccm_buf_adds(o, "Header");
	for (; *p; p++)
		ccm_buf_addch(o, *p > 32 && *p < 127 && *p != ':' ? (char)*p : '-');
}

static void header_date(struct ccm_rout *r, const char *name, long long utc,
			const struct ccm_render_opts *o)
{
	char date[64];

	ccm_render_date(date, sizeof(date), utc, o ? o->tz : NULL);
	ccm_buf_addf(&r->b, "%s: %s\r\n", name, date);
}

void ccm_render_headers(struct ccm_rout *r, const struct ccm_rhead *h,
			const struct ccm_render_opts *o)
{
	const char *domain = o && o->domain && *o->domain ? o->domain : "ccmig.invalid";
	const char *po = o && o->po_name && *o->po_name ? o->po_name : "local";
	int col = 6;

	ccm_buf_adds(&r->b, "From: ");
	address_at(&r->b, &col, h->sender_name, h->sender_address, po);
	ccm_buf_add(&r->b, "\r\n", 2);
	if (!is_smtp(h->sender_address))
		header_original(r, "X-CCMail-From", h->sender_name, h->sender_address);
	header_list(r, h, CCM_RCPT_TO, "To", po);
	header_list(r, h, CCM_RCPT_CC, "Cc", po);
	/* Blind copies are the sender's to know: its own copy keeps them, as
	 * every mail client keeps them on the sent copy; a received copy
	 * never shows them. */
	if (h->bcc)
		header_list(r, h, CCM_RCPT_BCC, "Bcc", po);
	for (size_t i = 0; i < h->n_rcpts; i++) {
		const struct ccm_store_rcpt *x = &h->rcpts[i];

		if ((x->kind == CCM_RCPT_BCC && !h->bcc) || is_smtp(x->address))
			continue;
		header_original(r, x->kind == CCM_RCPT_TO ? "X-CCMail-To" :
				x->kind == CCM_RCPT_CC ? "X-CCMail-Cc" : "X-CCMail-Bcc",
				x->display, x->address);
	}
	/* Every message has a Date (strict importers refuse one without):
	 * one cc:Mail never dated says where its date came from. */
	header_date(r, "Date", h->date_utc, o);
	if (h->date_from)
		ccm_buf_addf(&r->b, "X-ccmig-Date-Source: %s\r\n", h->date_from);
	/* Received: is a trace field of the transport that carried the
	 * message; cc:Mail's date of receipt is kept apart from it. */
	if (h->has_received)
		header_date(r, "X-CCMail-Received", h->received_utc, o);
	ccm_render_unstructured(&r->b, "Subject", h->subject ? h->subject : "");
	/* Importance (RFC 2156) is what most clients show; X-Priority is what
	 * the others read. */
	if (h->priority != 0)
		ccm_buf_addf(&r->b, "Importance: %s\r\nX-Priority: %d\r\n",
			     h->priority > 0 ? "high" : "low", h->priority > 0 ? 1 : 5);
	for (size_t i = 0; i < h->n_headers; i++) {
		struct ccm_buf n = CCM_BUF_INIT;

		extra_name(&n, h->headers[i].name ? h->headers[i].name : "");
		ccm_render_unstructured(&r->b, n.ptr, h->headers[i].value ?
					h->headers[i].value : "");
		ccm_buf_release(&n);
	}
	if (h->uid)
		ccm_buf_addf(&r->b, "Message-ID: <ccmig.%s@%s>\r\n", h->uid, domain);
	ccm_buf_adds(&r->b, "MIME-Version: 1.0\r\n");
}
