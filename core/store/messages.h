/* messages.h: messages of the store and their attachments, streamed in and out. */
#ifndef CCM_STORE_MESSAGES_H
#define CCM_STORE_MESSAGES_H

#include <stddef.h>
#include "store/store.h"

enum ccm_rcpt_kind { CCM_RCPT_TO = 1, CCM_RCPT_CC, CCM_RCPT_BCC };
/* "to", "cc", "bcc"; NULL for anything else. */
const char *ccm_rcpt_kind_name(int kind);

/* A To/Cc/Bcc recipient: the display name, and "TYPE:address" when the
 * row gave one ("Gamers [SMTP:gamers@litware.com]"), else NULL. */
struct ccm_store_rcpt {
	int kind;                 /* enum ccm_rcpt_kind */
	const char *display;
	const char *address;
};

/* An extra header kept with a message (an unknown cc:Mail header ...). */
struct ccm_store_header {
	const char *name;
	const char *value;
};

/*
 * A message. Dates are UTC seconds when has_sent/has_received is set,
 * and the text as the source wrote it ("19950321093421"), either may be
 * absent. priority is -1 low, 0 normal, 1 high. The body is text, given
 * and stored whole (bodies are small next to attachments; attachments
 * stream), of at most ccm_store_body_max() bytes (store.h).
 *
 * A forwarded message (one carried inside another, to any depth) has
 * parent_id, the message that carries it; parent_seq, its place among
 * that message's parts (attachments have the same numbering: a part is
 * the attachment or the forwarded message of its seq); and part_name, the
 * name of the part ("<title>.ccm"). It lies in its parent's folder
 * (folder_id is the same) but is not one of the folder's messages: the
 * listings of a folder leave it out. parent_id is 0 for the others.
 *
 * As input to ccm_store_message_add, `id` is ignored and rcpts/headers
 * are written with the message. As a cursor row, strings are borrowed
 * from the cursor and rcpts/headers are NULL: use ccm_store_message_rcpts
 * and ccm_store_message_headers.
 */
struct ccm_store_message {
	long long id;
	long long folder_id;
	const char *sender_name;
	const char *sender_address;     /* "TYPE:address" or NULL */
	const char *subject;
	int has_sent, has_received;
	long long sent_utc, received_utc;
	const char *sent_text, *received_text;
	int priority;
	int read, unsent;
	const char *body;
	size_t body_len;
	const struct ccm_store_rcpt *rcpts;
	size_t n_rcpts;
	const struct ccm_store_header *headers;
	size_t n_headers;
	long long parent_id;
	int parent_seq;
	const char *part_name;
	long long stored_utc;           /* cursor rows: when the run that stored
					   it began (UTC), 0 unknown; ignored
					   by ccm_store_message_add */
};

/*
 * Where the date a message is dated by comes from, where one is required
 * (a Date header, an mbox "From " line, an IMAP internal date): cc:Mail
 * messages may have no date of sending, or none at all, but strict
 * importers refuse a message without a date.
 */
enum ccm_date_from {
	CCM_DATE_SENT = 0,      /* the date it was sent */
	CCM_DATE_RECEIVED,      /* no date of sending: the date it was received */
	CCM_DATE_STORED,        /* no date at all: when the run that stored it began */
	CCM_DATE_FORWARDING,    /* forwarded, no date of sending: its carrier's date */
};
/* "sent", "received", "migration", "forwarding": the words exports write. */
const char *ccm_date_from_name(enum ccm_date_from f);

/*
 * The date message m (a cursor row) is dated by, as UTC seconds in *utc,
 * and where it comes from. Every export takes it from here, so that the
 * Date header, the mbox "From " line and the IMAP internal date of one
 * message agree, and it is the same on every export of a store.
 */
enum ccm_date_from ccm_store_message_date(long long *utc,
					  const struct ccm_store_message *m);

/*
 * The date of message m forwarded inside a message dated `carrier_utc`
 * (that message's own date by these two functions): its date of sending,
 * else the carrier's, CCM_DATE_FORWARDING (it was forwarded no later
 * than that). Its date of receipt, if any, was the first recipient's, not
 * a date of the forwarded text, and is not used. Every export dates
 * forwarded messages by it, so that an attached message/rfc822 and a PST
 * embedded message agree.
 */
enum ccm_date_from ccm_store_forwarded_date(long long *utc,
					    const struct ccm_store_message *m,
					    long long carrier_utc);

/*
 * The name of message m that no message of another store or post office
 * shares, for Message-IDs and mail file names: CCM_STORE_UID_LEN
 * lower-case hex digits and a NUL into out. It is made from the message's
 * source identity (post office, owner, fingerprint, occurrence), so the
 * same message migrated into any store has the same name and two
 * different messages never do; a message with none (from another tool's
 * migration files) is named by the store's own name (meta store_uid) and
 * its id, or, merged from another store (merge.h), by that store's name
 * and the id it had there (messages.origin); a forwarded message by the message it came in and its place.
 * Reads m->id, parent_id and parent_seq. CCM_EMALFORMED for a forwarded
 * message whose parent is gone.
 */
#define CCM_STORE_UID_LEN 32
int ccm_store_message_uid(char *out, struct ccm_store *s, const struct ccm_store_message *m,
			  struct ccm_error *err);

/*
 * Inserts message m (its recipients and headers with it) into folder
 * m->folder_id and sets *id. CCM_EINVAL for a priority outside -1..1 or
 * a recipient kind that is not to/cc/bcc; CCM_ENOTFOUND (from the
 * foreign key) when the folder does not exist; CCM_ELIMIT, with nothing
 * stored, for a body longer than ccm_store_body_max().
 */
int ccm_store_message_add(struct ccm_store *s, const struct ccm_store_message *m,
			  long long *id, struct ccm_error *err);

/* Sets the body of message `id` (a forwarded message's body is known
 * only once its parts have been stored). CCM_ENOTFOUND for no message;
 * CCM_ELIMIT, the message unchanged, for a body longer than
 * ccm_store_body_max(). */
int ccm_store_message_set_body(struct ccm_store *s, long long id, const char *body,
			       size_t len, struct ccm_error *err);

/*
 * The messages forwarded in message `msg` (its children, not theirs), by
 * parent_seq, as a cursor of ccm_store_next_message.
 */
int ccm_store_forwarded(struct ccm_store_cursor **out, struct ccm_store *s,
			long long msg, struct ccm_error *err);

/*
 * Forwarded messages that a store of schema 3 or older kept as cc:Mail
 * export text, attachments "<name>.ccm", wait for a flow to unfold them
 * (flow/forwards.h); the meta row "forwards_to_unfold" says whether any
 * may be left. ccm_store_forwards_next: the first message after id
 * `after` with a ".ccm" attachment that no forwarded message of its seq
 * stands for: 1 with *out, 0 when none is left.
 */
int ccm_store_forwards_next(long long *out, struct ccm_store *s, long long after,
			    struct ccm_error *err);

/* Whether an attachment of this name may hold a forwarded message's text:
 * "<title>.ccm", any case (what extract names them, and what the store's
 * upgrade and ccm_store_forwards_next look for). */
int ccm_store_is_forward_text(const char *name);

/*
 * Places message `id` as the latest run says it goes: in folder
 * `folder_id`, with `subject` and the read flag `read` (a policy may move
 * or rename what an earlier run stored). Returns 1 when anything changed,
 * 0 when it was so already, or a negative code. A folder it leaves empty,
 * with no folder below it and not one of the well-known ones, is removed
 * (it held only what an earlier policy put there), and so are its parents
 * that become empty so.
 */
int ccm_store_message_place(struct ccm_store *s, long long id, long long folder_id,
			    const char *subject, int read, struct ccm_error *err);

/*
 * Messages stored before source identities were kept (schema 2) have no
 * record (store/sources.h): an import claims each for the identity of
 * the row that is the same message, rather than store it again. The
 * store's meta row "unclaimed_messages" says whether any may be left.
 *
 * ccm_store_message_unclaimed: a message of folder `folder` that no
 * record names and ccmig did not make itself, with `subject` and the
 * sent date (has_sent: sent_utc; else none): 1 with *id, 0 when none.
 * ccm_store_unclaimed_left: 1 when any such message is left in the
 * store, 0 when none (and then the meta row goes).
 */
int ccm_store_message_unclaimed(struct ccm_store *s, long long folder,
				const char *subject, int has_sent, long long sent_utc,
				long long *id, struct ccm_error *err);
int ccm_store_unclaimed_left(struct ccm_store *s, struct ccm_error *err);

/* ---- attachments -------------------------------------------------------
 *
 * An attachment is a name, its order in the message, its position in the
 * body, its size and its content; content is stored once per distinct
 * SHA-256 (the blobs table), in parts of at most CCM_STORE_PART_SIZE,
 * written and read with SQLite's incremental blob I/O: the stream never
 * holds more than one piece of the caller's in memory. (Content of at
 * most 64 KiB, one piece, goes in with one bound value instead: the same
 * bytes without the cost of opening a blob handle.)
 */

/*
 * What an attachment is. As input to ccm_store_attach_begin: message_id,
 * seq (its order in the message, 1-based; 0 means after the last one),
 * kind (NULL: "file"; the importer also uses "document", "schedule",
 * "message"), name (required), position (character position in the
 * body, -1 none) and size (declared, in bytes). As a cursor row, strings
 * borrowed; sha256 set.
 */
struct ccm_store_attachment {
	long long id, message_id, blob_id;
	int seq;
	const char *kind;
	const char *name;
	long long position;
	unsigned long long size;
	unsigned char sha256[32];
};

/* What finishing a stream did. */
struct ccm_store_attach_info {
	long long attachment_id, blob_id;
	unsigned long long size;        /* bytes stored */
	unsigned long long received;    /* bytes the stream gave */
	int deduplicated;               /* 1: the content was stored already */
	unsigned char sha256[32];
};

struct ccm_store_attach;

/*
 * Begins attachment `meta` of message meta->message_id. Reserves the
 * declared size (zeroblob) so that the content is written in place. One
 * stream may be open per store at a time. Fails with CCM_EINVAL for a
 * missing name or a stream already open, CCM_ENOTFOUND for no such
 * message.
 */
int ccm_store_attach_begin(struct ccm_store_attach **out,
			   struct ccm_store *s,
			   const struct ccm_store_attachment *meta, struct ccm_error *err);

/*
 * Writes the next n bytes, hashing them. Bytes past the declared size
 * are counted and not stored (finish says so). Fails after a rollback
 * abandoned the stream (CCM_EINVAL) or when SQLite cannot write.
 */
int ccm_store_attach_write(struct ccm_store_attach *a, const void *data,
			   size_t n, struct ccm_error *err);

/*
 * Ends the stream and frees `a`: looks the content's SHA-256 up among the
 * stored blobs; when the same content is there the new copy is dropped
 * and the attachment points at the old one (info->deduplicated), else the
 * new blob is kept. Returns 0 when the stream gave exactly the declared
 * size; 1 when it gave fewer or more bytes: the attachment is then stored
 * with the bytes received (at most the declared size) and the caller
 * should report it. Negative on failure (nothing stored; `a` freed).
 * info may be NULL.
 */
int ccm_store_attach_finish(struct ccm_store_attach *a,
			    struct ccm_store_attach_info *info,
			    struct ccm_error *err);

/* Drops the stream and what it wrote; frees `a`. NULL is ignored. */
void ccm_store_attach_abort(struct ccm_store_attach *a);

/*
 * The whole stream in one call: reads `read` until it returns 0 (end) and
 * stores the attachment as begin/write/finish would. `read` returns the
 * bytes it put in buf (at most n), 0 at the end, or a negative CCM_E*
 * code, which aborts the attachment and is returned.
 * Returns 0, 1 (size differed, as finish) or a negative code.
 */
typedef long long (*ccm_store_read_fn)(void *ctx, void *buf, size_t n);
int ccm_store_attach_stream(struct ccm_store *s,
			    const struct ccm_store_attachment *meta,
			    ccm_store_read_fn read, void *ctx,
			    struct ccm_store_attach_info *info,
			    struct ccm_error *err);

/*
 * Reading content back, in pieces: open blob `blob_id` (from an
 * attachment row), read until 0, close. read returns the bytes given (at
 * most n; fewer only at a part boundary or the end), 0 at the end, or a
 * negative code (CCM_EMALFORMED when the parts do not add up to the
 * size: a damaged store). The size, known at open, is set in *size
 * (which may be NULL) and given by ccm_store_blob_size().
 */
struct ccm_store_blob;
int ccm_store_blob_open(struct ccm_store_blob **out, struct ccm_store *s,
			long long blob_id, unsigned long long *size,
			struct ccm_error *err);
unsigned long long ccm_store_blob_size(const struct ccm_store_blob *b);
long long ccm_store_blob_read(struct ccm_store_blob *b, void *buf, size_t n,
			      struct ccm_error *err);
void ccm_store_blob_close(struct ccm_store_blob *b);

/*
 * Whether message m is its sender's own copy, the one a mail client keeps
 * Bcc on: a message of a mailbox's Sent Items, Drafts or Outbox, or of any
 * folder of the mailbox whose owner sent it (the sender is the mailbox,
 * by the display name import stored it with, or by an address the
 * mailbox holds). A forwarded message, and a message of the public
 * folders, never is. *out gets 1 or 0; returns 0 or a negative code.
 */
int ccm_store_senders_copy(int *out, struct ccm_store *s,
			   const struct ccm_store_message *m, struct ccm_error *err);

/* ---- cursors (rules in store.h) ---------------------------------- */

/* Messages of folder `folder`, in id (import) order; forwarded messages
 * are not among them (ccm_store_forwarded). */
/* Message `id` alone, as a cursor of ccm_store_next_message (no row when
 * there is no such message). */
int ccm_store_message_get(struct ccm_store_cursor **out, struct ccm_store *s,
			  long long id, struct ccm_error *err);
int ccm_store_messages(struct ccm_store_cursor **out, struct ccm_store *s,
		       long long folder, struct ccm_error *err);
int ccm_store_next_message(struct ccm_store_cursor *c, struct ccm_store_message *m,
			   struct ccm_error *err);
/* The recipients of message `msg`, in order. */
int ccm_store_message_rcpts(struct ccm_store_cursor **out, struct ccm_store *s,
			    long long msg, struct ccm_error *err);
int ccm_store_next_rcpt(struct ccm_store_cursor *c, struct ccm_store_rcpt *r,
			struct ccm_error *err);
/* The extra headers of message `msg`, in order. */
int ccm_store_message_headers(struct ccm_store_cursor **out, struct ccm_store *s,
			      long long msg, struct ccm_error *err);
int ccm_store_next_header(struct ccm_store_cursor *c, struct ccm_store_header *h,
			  struct ccm_error *err);
/* The attachments of message `msg`, by seq. */
int ccm_store_attachments(struct ccm_store_cursor **out, struct ccm_store *s,
			  long long msg, struct ccm_error *err);
int ccm_store_next_attachment(struct ccm_store_cursor *c,
			      struct ccm_store_attachment *a,
			      struct ccm_error *err);

#endif
