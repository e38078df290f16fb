/* render_int.h: what the files of message rendering share. */
#ifndef CCM_OUT_RENDER_INT_H
#define CCM_OUT_RENDER_INT_H

#include "export/render.h"
#include "store/messages.h"

#define CCM_RENDER_FOLD_AT 76     /* folded lines stay at or under this (< 78) */

/*
 * The stream being rendered: bytes collect in `b` and go to `write` in
 * pieces of about 16 KiB, so memory does not grow with the message.
 * Errors go to err, naming message `msg`.
 */
struct ccm_rout {
	ccm_render_write_fn write;
	void *ctx;
	struct ccm_buf b;
	long long msg;
	struct ccm_error *err;
};

/* Hands what is buffered to the write callback. 0 or its error (err set). */
int ccm_rout_flush(struct ccm_rout *r);
/* Flushes once enough is buffered. */
int ccm_rout_maybe_flush(struct ccm_rout *r);
/* Sets err to "out of memory" for this message; returns CCM_ENOMEM. */
int ccm_rout_oom(struct ccm_rout *r);

/* ---- headers (render_hdr.c) ---- */

/*
 * A message's header fields, as the store keeps them. Everything is
 * borrowed.
 * `uid` gives the Message-ID <ccmig.UID@domain>; NULL writes none (a
 * forwarded message never had one).
 */
struct ccm_rhead {
	const char *uid;
	const char *sender_name, *sender_address;
	const struct ccm_store_rcpt *rcpts;
	size_t n_rcpts;
	long long date_utc;              /* the Date field (always written) */
	const char *date_from;           /* NULL: the date it was sent; else
					    why it is this date instead (the
					    value of X-ccmig-Date-Source) */
	int has_received;
	long long received_utc;
	const char *subject;
	int priority;                    /* -1 low, 0 normal, 1 high */
	const struct ccm_store_header *headers;
	size_t n_headers;
	int bcc;                         /* the sender's own copy: Bcc shown */
};

/*
 * Writes the header block of h (docs/render.md lists it) up to and
 * including "MIME-Version: 1.0", without the Content-* fields and the
 * blank line.
 */
void ccm_render_headers(struct ccm_rout *r, const struct ccm_rhead *h,
			const struct ccm_render_opts *o);

/* Appends base64 of n bytes, no line breaks. */
void ccm_render_b64(struct ccm_buf *o, const unsigned char *p, size_t n);

/* ---- bodies and parts (render_mime.c) ---- */

/*
 * Every MIME boundary ccmig writes starts with this, and no 7bit text may
 * hold it: quoted-printable turns its '=' into "=3D".
 */
#define CCM_RENDER_BOUNDARY_STEM "=_ccmig"

/*
 * Whether a text body must be quoted-printable rather than 7bit: 8-bit
 * bytes, controls, lines over 76, trailing white space, or, when it sits
 * inside a multipart (`in_multipart`), the boundary stem.
 */
int ccm_render_body_needs_qp(const char *b, size_t n, int in_multipart);

/*
 * Writes the text part (its Content-Type and Content-Transfer-Encoding
 * lines, a blank line and the body, lines ended CRLF whatever the text
 * had). The caller has written what comes before the part's headers.
 */
int ccm_render_text_part(struct ccm_rout *r, const char *body, size_t n,
			 int in_multipart);

/* "Content-Type: multipart/mixed ..." with its preamble and first
 * delimiter line, for boundary `boundary`. */
void ccm_render_multipart_open(struct ccm_rout *r, const char *boundary);

/*
 * The headers of an attachment part, up to its blank line. With `type`
 * NULL: Content-Type from the name's extension, base64; else Content-Type
 * `type` and no transfer encoding (7bit, as message/rfc822 must be). Then
 * Content-Disposition: attachment with the name (docs/render.md; NULL or
 * "": "attachment"), and a Content-Description of `description` unless
 * NULL.
 */
void ccm_render_part_headers(struct ccm_rout *r, const char *type,
			     const char *name, const char *description);

/*
 * Writes, as base64 lines of 76 characters, what `read` gives until it
 * returns 0; a negative return stops it and is returned. `read` fills at
 * most n bytes of buf and reports failures through err.
 */
typedef long long (*ccm_render_read_fn)(void *ctx, void *buf, size_t n,
					struct ccm_error *err);
int ccm_render_base64(struct ccm_rout *r, ccm_render_read_fn read, void *ctx);

/* ---- MacBinary attachments (render_macbin.c) ---- */

/*
 * Attachment `a` of the stored message: when it is kept as a MacBinary II
 * file (kind "macbinary") with a sound header, writes it (part headers and
 * content, after the caller's delimiter line) as its data fork, or as
 * multipart/appledouble when it has a resource fork, and returns 1.
 * Returns 0, having written nothing, when it is not; negative on failure.
 */
int ccm_render_macbinary(struct ccm_rout *r, struct ccm_store *s,
			 const struct ccm_store_attachment *a);

#endif
