/* render.h: one stored message as an RFC 5322/MIME message, streamed out. */
#ifndef CCM_OUT_RENDER_H
#define CCM_OUT_RENDER_H

#include <stddef.h>
#include "base/buf.h"
#include "base/error.h"
#include "base/tz.h"
#include "store/messages.h"

/*
 * Where rendered bytes go: writes n bytes of p, returns 0 or a negative
 * CCM_E* code (which stops the rendering and is returned by it).
 */
typedef int (*ccm_render_write_fn)(void *ctx, const void *p, size_t n);

/* Forwarded messages inside forwarded messages are stored and rendered
 * this deep (the message in the store is depth 0; flow/forwards.h keeps
 * deeper ones as export text). */
#define CCM_RENDER_MAX_DEPTH 8

struct ccm_render_opts {
	/* The post office time zone: Date headers carry the offset in force
	 * on the message's date. NULL: UTC. Borrowed. */
	const struct ccm_tz *tz;
	/* The right-hand side of Message-IDs. NULL or "": "ccmig.invalid". */
	const char *domain;
	/* The post office of cc:Mail addresses that name none (and of
	 * senders/recipients stored without an address). NULL or "": "local". */
	const char *po_name;
	/* When not NULL, counts the forwarded messages nested deeper than
	 * CCM_RENDER_MAX_DEPTH, kept as their cc:Mail export text, so that
	 * an export can say how many there were. Owned by the caller. */
	unsigned long *kept_deep;
	/* The message's name (ccm_store_message_uid), which its Message-ID
	 * <ccmig.NAME@domain> carries; NULL: the render reads it. Borrowed. */
	const char *uid;
	/* Attachments written as a note instead of their content (an
	 * export's --split-attachments, export/size_limit.h), by path: "2"
	 * the message's part 2, "3.1" part 1 of the message forwarded as its
	 * part 3 (parts are numbered as store/messages.h numbers them, seq
	 * and parent_seq). A path that names a forwarded message, or
	 * nothing, is ignored. Each is written as a text/plain part holding
	 * the note base/drop_note.h words, "was removed by option
	 * '<replaced_by>'", and the header block gets
	 * "CCM_RENDER_REMOVED_HEADER: 2, 3.1 (option:<replaced_by>)", the
	 * paths in the order given. n_replaced 0: none. Borrowed. */
	const char *const *replaced;
	size_t n_replaced;
	const char *replaced_by;
};

/* The header that names the attachments left out of a message, and who
 * decided: the one flow/import.h writes (CCM_IMPORT_DROPPED_HEADER) for a
 * policy's drops at import, and the one the render writes for
 * ccm_render_opts.replaced. A message may carry both. */
#define CCM_RENDER_REMOVED_HEADER "X-ccmig-Attachments-Removed"

/*
 * Renders message m (a row of ccm_store_messages, or any message whose
 * id is in the store) of store s through `write`, CRLF line endings.
 * Recipients, extra headers and attachments are read from the store
 * (m->rcpts and m->headers are not used). Attachment content is read from
 * its blob in pieces and written as base64 as it comes, so memory does
 * not grow with its size.
 *
 * A message forwarded in it (store/messages.h: ccm_store_forwarded) is
 * written as a message/rfc822 part in place of the part it came in,
 * recursively, from the store alone; an attachment of kind "message" (a
 * forwarded message's text that import kept, too deep or unreadable) is
 * written as it is with a Content-Description saying why.
 *
 * The output depends on the stored message and `o` only: rendering twice
 * gives the same bytes (the Message-ID is <ccmig.NAME@domain>, the MIME
 * boundary "=_ccmig.ID"). docs/render.md lists every header written.
 *
 * Addresses (ccm_render_address): "SMTP:a@b" gives `Display <a@b>`. Any
 * other address gives `Display <LOCAL@DOMAIN.ccmail.invalid>`, where for
 * "CCMAIL:Smith, John at SALESPO" LOCAL is "Smith_John" and DOMAIN
 * "SALESPO"; for another type ("X400:..."), LOCAL is made from the text
 * after the colon and DOMAIN is the type; with no address at all LOCAL is
 * made from the display name and DOMAIN is o->po_name. LOCAL keeps ASCII
 * letters, digits and "-"; Latin-1 letters lose their accents (ü -> u,
 * ß -> ss); every other run of characters becomes one "_", none at either
 * end ("unknown" if nothing is left). DOMAIN is made the same way with
 * "-" for "_". The display name is written as atoms, a quoted-string, or
 * RFC 2047 encoded-words when not ASCII. The original text
 * goes into X-CCMail-From / X-CCMail-To / X-CCMail-Cc headers.
 *
 * Returns 0, or a negative code with err filled: the code of `write`, or
 * of the store (a missing or damaged blob: CCM_ENOTFOUND/CCM_EMALFORMED),
 * CCM_ENOMEM. After a failure part of the message may have been written.
 */
int ccm_render_message(struct ccm_store *s, const struct ccm_store_message *m,
		       const struct ccm_render_opts *o,
		       ccm_render_write_fn write, void *ctx,
		       struct ccm_error *err);

/* ---- MacBinary attachments, as a mail client sees them (render_macbin.c) ---- */

/*
 * When a post office exported an attachment as MacBinary II, the store
 * keeps the whole MacBinary file (kind "macbinary"): a 128-byte header,
 * then the data fork and the resource fork, each padded to 128 bytes. The
 * export writes the data fork as the attachment (and the resource fork,
 * when there is one, as AppleDouble beside it); these give the same parts
 * to other readers (the Lua module's a:read).
 */
struct ccm_macbin {
	unsigned long long data_off, data_len;   /* the data fork in the blob */
	unsigned long long rsrc_off, rsrc_len;   /* the resource fork */
	char type[5], creator[5];                /* Finder type and creator,
						    NUL-terminated ("TEXT") */
	unsigned char header[128];               /* as stored */
};

/*
 * Reads the header of stored attachment `a`: 1 with *out filled when it
 * is kind "macbinary" with a header whose forks fit in its size, 0 when
 * it is not (it is read as stored), or a negative code of the store with
 * err filled.
 */
int ccm_render_macbin_probe(struct ccm_macbin *out, struct ccm_store *s,
			    const struct ccm_store_attachment *a,
			    struct ccm_error *err);

/*
 * Bytes [skip, skip + len) of blob `blob_id`, read in pieces; a len past
 * the blob's end stops at its end. _read gives at most n bytes, 0 at the
 * end, or a negative code (a blob shorter than skip is CCM_EMALFORMED).
 * *out is freed with _close, which accepts NULL.
 */
struct ccm_blob_range;
int ccm_blob_range_open(struct ccm_blob_range **out, struct ccm_store *s,
			long long blob_id, unsigned long long skip,
			unsigned long long len, struct ccm_error *err);
long long ccm_blob_range_read(struct ccm_blob_range *g, void *buf, size_t n,
			      struct ccm_error *err);
void ccm_blob_range_close(struct ccm_blob_range *g);

/* ---- pieces, exposed for tests and for the other writers of core/export ---- */

/*
 * Appends header `name: text` (an unstructured field, RFC 5322 3.2.5) with
 * CRLF. Control characters in text become spaces. Text that is not pure
 * printable ASCII (or holds "=?") is written as RFC 2047 encoded-words
 * (UTF-8, B), each at most 60 chars and never splitting a character, one
 * per line; ASCII text is folded at spaces. Each line stays under 78
 * characters, except an ASCII word longer than a line, which is kept
 * whole.
 */
void ccm_render_unstructured(struct ccm_buf *out, const char *name,
			     const char *text);

/*
 * Appends one mailbox (RFC 5322 3.4) for display name `display` (may be
 * NULL or "") and stored address `address` ("TYPE:addr" or NULL), in the
 * form described at ccm_render_message: the display name as atoms, a
 * quoted-string, or encoded-words when not ASCII. po_name as in
 * ccm_render_opts. No folding; the caller folds between mailboxes.
 */
void ccm_render_address(struct ccm_buf *out, const char *display,
			const char *address, const char *po_name);

/*
 * Writes the RFC 5322 date of instant `utc` in zone tz (NULL: UTC) with the
 * offset in force then, "Tue, 02 Jun 1998 08:39:00 -0400", into out
 * (at least 40 bytes; always NUL-terminated). Any instant is accepted:
 * one less than a day from the ends of the years 0000..9999, or outside
 * them, is written as the instant a day inside.
 */
void ccm_render_date(char *out, size_t size, long long utc,
		     const struct ccm_tz *tz);

#endif
