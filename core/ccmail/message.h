/* message.h: the streaming reader of cc:Mail message export files. */
#ifndef CCM_MESSAGE_H
#define CCM_MESSAGE_H

#include <stddef.h>
#include <sys/types.h>
#include "base/codepage.h"
#include "base/date.h"
#include "base/report.h"
#include "ccmail/address.h"
#include "ccmail/manifest.h"

enum ccm_item_kind {
	CCM_ITEM_TEXT = 0, CCM_ITEM_FILE, CCM_ITEM_FAX, CCM_ITEM_MESSAGE,
	CCM_ITEM_GRAPHICS, CCM_ITEM_SOUND, CCM_ITEM_OTHER
};

enum ccm_priority { CCM_PRIO_NORMAL = 0, CCM_PRIO_URGENT, CCM_PRIO_LOW };

enum {
	CCM_STATUS_READ = 1, CCM_STATUS_UNREAD = 2, CCM_STATUS_DRAFT = 4
};

enum ccm_date_state { CCM_DATE_NONE = 0, CCM_DATE_OK, CCM_DATE_BAD };

/* An unknown header, kept as an extra header of the message (Q262989). */
struct ccm_header {
	char *key;
	char *value;
};

/*
 * A message's headers. Strings are UTF-8 and owned by the reader: they stay
 * valid until the next ccm_msgfile_next() at the same depth, or until the
 * file is freed. NULL strings were absent.
 */
struct ccm_message {
	long number;             /* 1-based in the file; nested: in the item */
	int depth;               /* 0 for top-level messages */
	long long offset;        /* byte offset of the "Message:" line */
	long long count;         /* count as written, -1 if none or unusable */
	long long size;          /* bytes of the whole block, known at the end */
	char *from_text;         /* as written */
	struct ccm_addr from;    /* valid when from_text != NULL */
	struct ccm_addrlist to, cc, bcc;
	char *subject;           /* byte for byte, converted to UTF-8 */
	char *date_text;         /* as written */
	enum ccm_date_state date_state;
	struct ccm_date date;    /* valid when date_state == CCM_DATE_OK */
	char *folder;            /* "\" separates subfolders; NULL = Inbox */
	enum ccm_priority priority;
	int receipt;             /* 1: return receipt requested */
	unsigned status;         /* CCM_STATUS_ bits; none written = READ */
	struct ccm_header *extra;
	size_t n_extra;
};

/*
 * An item of a message's contents. `name` is what the item becomes as an
 * attachment: for FILE the title without its trailing date and time (which
 * goes to file_date), for FAX the title with ".pcx" added unless it has it,
 * for other non-text kinds the title or "item<n>.bin"; NULL for TEXT and
 * MESSAGE items.
 */
struct ccm_item {
	enum ccm_item_kind kind;
	long index;              /* 1-based in its message */
	char *keyword;           /* "Text item", "Graphics item" ... as written */
	char *title;             /* UTF-8, "" when none */
	char *name;
	int has_file_date;
	struct ccm_date file_date;
	long long offset;        /* byte offset of the item line */
	long long data_offset;   /* byte offset of the first data byte */
	long long count;         /* as written, -1 if none or unusable */
	enum ccm_attach_enc encoding;  /* how FILE/FAX/OTHER data is encoded */
	int macbinary;           /* 1 when a valid MacBinary II header was read */
	char mac_type[5], mac_creator[5];
	long long size;          /* decoded bytes when known before reading
				    (RAW with a count, MacBinary data fork),
				    else -1 */
};

/* How to read one file; everything but `path` may be zero/NULL. */
struct ccm_msgfile_opts {
	const char *display;             /* file name in reports */
	const char *user;                /* mailbox the file belongs to */
	struct ccm_cp *cp;               /* NULL: bytes taken as they are */
	enum ccm_date_order date_order;
	const struct ccm_tz *tz;         /* NULL: UTC */
	enum ccm_attach_enc attachments;
	int item_sizes;                  /* counts expected (/ITEMSIZE) */
	const struct ccm_directory *dir;
	const char *home_po;
	int max_depth;                   /* nesting of Message items; 0 = 8 */
	int keep_macbinary;              /* hand out MACBIN2 items whole (the
					    MacBinary file, item size = its
					    length) instead of the data fork */
	struct ccm_report *rep;
};

struct ccm_msgfile;

/*
 * Opens a message export for streaming. The options are copied; the
 * pointers in them (cp, tz, dir, rep) must outlive the reader.
 * CCM_EIO / CCM_ENOTFOUND with err filled when the file cannot be opened.
 */
int ccm_msgfile_open(struct ccm_msgfile **out, const char *path,
		     const struct ccm_msgfile_opts *o, struct ccm_error *err);
void ccm_msgfile_close(struct ccm_msgfile *f);

/*
 * Reads the next top-level message's headers up to and including its
 * "Contents:" line. Whatever of the previous message was not read is
 * skipped (counted blocks without reading them). Returns 1 with *msg set,
 * 0 at the end of the file, or a negative code on a read error of the
 * system (err filled). Problems of the data never fail: they are reported
 * in opts.rep (file, line, byte offset, message number) and the reader
 * resynchronises on the next "Message:" line.
 */
int ccm_msgfile_next(struct ccm_msgfile *f, const struct ccm_message **msg,
		     struct ccm_error *err);

/*
 * The next item of the innermost open message: 1 with *item set, 0 when
 * its contents end (for a nested message this returns to the enclosing
 * one), negative on a system error. Unread data of the previous item is
 * skipped.
 */
int ccm_msgfile_next_item(struct ccm_msgfile *f, const struct ccm_item **item,
			  struct ccm_error *err);

/*
 * Reads up to n bytes of the current item's data, decoded: TEXT as UTF-8,
 * FILE/FAX/OTHER as the file's bytes (HEX decoded, MacBinary data fork),
 * MESSAGE as the raw nested block. Returns the number of bytes (0 at the
 * end of the data) or a negative code. Data comes in pieces: memory does
 * not grow with the item's size.
 */
ssize_t ccm_msgfile_read(struct ccm_msgfile *f, void *buf, size_t n,
			 struct ccm_error *err);

/*
 * Descends into the current MESSAGE item: parses the nested message's
 * headers, after which ccm_msgfile_next_item() walks its items until it
 * returns 0. Returns 1 with *msg, 0 when the item holds no message (it is
 * then reported and its data skipped) or the depth limit is reached
 * (reported; the item stays readable as raw bytes), negative on error.
 */
int ccm_msgfile_enter(struct ccm_msgfile *f, const struct ccm_message **msg,
		      struct ccm_error *err);

/*
 * Reads the current top-level message again from its "Message:" line, as
 * ccm_msgfile_next() did, for callers that need two passes over a message
 * (the extractor measures attachments before writing them). Problems are
 * not reported a second time. Returns 1 with *msg, or a negative code
 * (CCM_EINVAL when no message is open).
 */
int ccm_msgfile_rewind(struct ccm_msgfile *f, const struct ccm_message **msg,
		       struct ccm_error *err);

/* Sets opts.keep_macbinary on an open reader, for the items that follow. */
void ccm_msgfile_set_keep_macbinary(struct ccm_msgfile *f, int keep);

/* Line number (1-based) of a byte offset in the file; 0 if unknown. */
long ccm_msgfile_line_of(struct ccm_msgfile *f, long long offset);

/* Bytes of the file. */
long long ccm_msgfile_size(const struct ccm_msgfile *f);

/* Messages read so far at the top level; fallbacks used so far. */
long ccm_msgfile_count(const struct ccm_msgfile *f);
long ccm_msgfile_fallbacks(const struct ccm_msgfile *f);

/*
 * A copy of message src's headers that the caller owns (for keeping them
 * past the reader's next step): release it with ccm_message_release().
 * 0, or CCM_ENOMEM (dst then holds nothing).
 */
int ccm_message_copy(struct ccm_message *dst, const struct ccm_message *src);
void ccm_message_release(struct ccm_message *m);

const char *ccm_item_kind_name(enum ccm_item_kind k);

#endif
