/* render_mime.c: the MIME body of a message: its text, attachments as base64, the stream. */
#include "export/render_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"

#define FLUSH_AT 16384

int ccm_rout_flush(struct ccm_rout *r)
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

int ccm_rout_maybe_flush(struct ccm_rout *r)
{
	return r->b.len >= FLUSH_AT ? ccm_rout_flush(r) : 0;
}

int ccm_rout_oom(struct ccm_rout *r)
{
	return ccm_error_set(r->err, CCM_ENOMEM,
			     "rendering message %lld failed: out of memory", r->msg);
}

/* Quoted-printable is needed for what 7bit cannot carry, or carries badly:
 * 8-bit bytes, controls, lines over 76, trailing white space, and text
 * that would be read as a boundary (of this message or of one it is
 * forwarded in). */
int ccm_render_body_needs_qp(const char *b, size_t n, int in_multipart)
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
	if (in_multipart) {
		size_t bl = strlen(CCM_RENDER_BOUNDARY_STEM);

		for (i = 0; i + bl <= n; i++)
			if (memcmp(b + i, CCM_RENDER_BOUNDARY_STEM, bl) == 0)
				return 1;
	}
	return 0;
}


/* The body, lines ended CRLF whatever the store had (CRLF, LF or CR). */
static int write_body(struct ccm_rout *r, const char *b, size_t n, int qp)
{
	size_t i = 0;
	int rc;

	while (i < n) {
		size_t e = i, col = 0;

		while (e < n && b[e] != '\r' && b[e] != '\n')
			e++;
		if (!qp) {
			ccm_buf_add(&r->b, b + i, e - i);
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
					ccm_buf_add(&r->b, "=\r\n", 3);
					col = 0;
				}
				ccm_buf_add(&r->b, tok, tl);
				col += tl;
			}
		}
		ccm_buf_add(&r->b, "\r\n", 2);
		if (e < n && b[e] == '\r' && e + 1 < n && b[e + 1] == '\n')
			e++;
		i = e + 1;
		if ((rc = ccm_rout_maybe_flush(r)) < 0)
			return rc;
	}
	return 0;
}

int ccm_render_text_part(struct ccm_rout *r, const char *body, size_t n,
			 int in_multipart)
{
	int qp = ccm_render_body_needs_qp(body, n, in_multipart);

	ccm_buf_addf(&r->b, "Content-Type: text/plain; charset=utf-8\r\n"
		     "Content-Transfer-Encoding: %s\r\n\r\n",
		     qp ? "quoted-printable" : "7bit");
	return write_body(r, body, n, qp);
}

void ccm_render_multipart_open(struct ccm_rout *r, const char *boundary)
{
	ccm_buf_addf(&r->b, "Content-Type: multipart/mixed;\r\n"
		     " boundary=\"%s\"\r\n\r\n"
		     "This is a multi-part message in MIME format.\r\n"
		     "\r\n--%s\r\n", boundary, boundary);
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
static void put_ascii_name(struct ccm_buf *o, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	const unsigned char *e = p + strlen(name);

	while (p < e) {
		unsigned long cp;
		int k = ccm_utf8_decode(p, e, &cp);

		if (k == 0)
			k = 1;
		if (k == 1 && *p >= 0x20 && *p < 0x7F) {
			if (*p == '"' || *p == '\\')
				ccm_buf_addch(o, '\\');
			ccm_buf_addch(o, *p);
		} else {
			ccm_buf_addch(o, '_');
		}
		p += k;
	}
}

void ccm_render_part_headers(struct ccm_rout *r, const char *type,
			     const char *name, const char *description)
{
	struct ccm_buf t = CCM_BUF_INIT;
	const char *n = name && *name ? name : "attachment";
	int bad = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)n; *p; p++)
		if (*p < 0x20 || *p >= 0x7F)
			bad = 1;
	/* A name holding "=?" would be taken for an encoded word by mail
	 * programs (=?UTF-8?B?Li4v...?= shows as "../"): RFC 2231 keeps it
	 * as written, as subjects are kept. */
	if (strstr(n, "=?"))
		bad = 1;
	put_ascii_name(&t, n);
	if (type)
		ccm_buf_addf(&r->b, "Content-Type: %s\r\n", type);
	else
		ccm_buf_addf(&r->b, "Content-Type: %s;\r\n name=\"%s\"\r\n"
			     "Content-Transfer-Encoding: base64\r\n",
			     mime_type_of(n), t.ptr);
	ccm_buf_adds(&r->b, "Content-Disposition: attachment;\r\n");
	if (bad) {
		/* RFC 2231 first: parsers that take one of two filename
		 * parameters (Python's email) keep the first. */
		ccm_buf_adds(&r->b, " filename*=UTF-8''");
		for (p = (const unsigned char *)n; *p; p++) {
			int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				 (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p);

			if (ok)
				ccm_buf_addch(&r->b, *p);
			else
				ccm_buf_addf(&r->b, "%%%02X", *p);
		}
		ccm_buf_adds(&r->b, ";\r\n");
	}
	ccm_buf_addf(&r->b, " filename=\"%s\"\r\n", t.ptr);
	if (description)
		ccm_render_unstructured(&r->b, "Content-Description", description);
	ccm_buf_add(&r->b, "\r\n", 2);
	ccm_buf_release(&t);
}

/* Base64 in 76-char lines (57 bytes each), read a buffer at a time. */
int ccm_render_base64(struct ccm_rout *r, ccm_render_read_fn read, void *ctx)
{
	unsigned char in[57 * 72];
	size_t have = 0;
	int eof = 0, rc;

	while (!eof) {
		size_t i;

		while (have < sizeof(in)) {
			long long got = read(ctx, in + have, sizeof(in) - have, r->err);

			if (got < 0)
				return (int)got;
			if (got == 0) {
				eof = 1;
				break;
			}
			have += (size_t)got;
		}
		/* Room for the whole chunk first: one growth, not one per line. */
		ccm_buf_grow(&r->b, (have + 56) / 57 * 78);
		for (i = 0; i < have; i += 57) {
			size_t n = have - i < 57 ? have - i : 57;

			ccm_render_b64(&r->b, in + i, n);
			ccm_buf_add(&r->b, "\r\n", 2);
		}
		have = 0;
		if ((rc = ccm_rout_maybe_flush(r)) < 0)
			return rc;
	}
	return 0;
}
