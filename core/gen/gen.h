/* gen.h: the deterministic generator of synthetic post office bundles. */
#ifndef CCM_GEN_H
#define CCM_GEN_H

#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"
#include "base/date.h"
#include "base/error.h"
#include "base/progress.h"
#include "ccmail/address.h"
#include "ccmail/manifest.h"
#include "ccmail/message.h"

/*
 * The generator is two things on one source of truth:
 *
 *  - a MODEL: a pure function of the options (seed included) that says what
 *    a bundle holds: the directory entries, the public lists, the private
 *    address books, the message files and, message by message, every field
 *    a reader should give back (strings in UTF-8, dates as written and as
 *    they should parse, recipients as written and as they should parse,
 *    items with their expected names, texts and attachment bytes);
 *  - a WRITER that serialises that same model into a bundle folder
 *    (spec/ccmail-export.md), with exact byte counts (section 2.2) when
 *    item sizes are on.
 *
 * Messages are generated from (seed, file, message number) alone, so any
 * message can be had on its own, in any order, and memory does not grow
 * with the size of the post office. Attachment data is never held whole:
 * it is a seeded counter-based stream read at any offset with
 * ccm_gen_item_read(). Same options and seed give byte-identical bundles.
 *
 * What every bundle holds, whatever its size: directory entries of every
 * location code (P p L l R r A a, Addr, Comments "alias;office;phone",
 * FAN, an unknown keyword), local users without a Mailbox: line and with
 * an empty mail file, public lists with "Last, First" members, private
 * address books, three boards; messages in every folder kind (Inbox,
 * Message Log, Drafts, Trash, Clipboard, user folders with '\', the R8
 * settings folders with one empty message each); one message (the first
 * ordinary one of the first mailbox with mail) with a Fax item, a Graphics
 * item and a forwarded message three deep. Attachment data may hold
 * "\r\nMessage:\r\n" and "\r\nText item:\r\n" (Q233054) and data is not
 * always followed by a line end (Q184391) when there are counts.
 *
 * Without counts (--no-item-sizes) the writer keeps to what delimiters can
 * tell apart: texts hold no keyword lines and never start with a digit
 * line, HEX data never starts with a line of digits only, every data block
 * is followed by its line end, a Message item is the last item and holds
 * no further Message item, and no blank lines stand between messages.
 *
 * Every data item (File, Fax, Sound, Graphics, other) is written in the
 * bundle's Attachments: encoding, MacBinary II included; its expected bytes
 * are the file (the data fork).
 *
 * The vocabulary (item kinds, address kinds, priorities, status bits,
 * encodings, date orders) is the reader's, from ccmail/message.h, so that
 * a test compares field for field without translation.
 */

/* Defects of real exports (spec/cases.md) the generator can inject. */
enum ccm_gen_defect {
	CCM_GEN_D_MISSING_COUNT = 0,
	CCM_GEN_D_BLANK_COUNT,
	CCM_GEN_D_ZERO_COUNT,
	CCM_GEN_D_WRONG_COUNT,
	CCM_GEN_D_IMPOSSIBLE_DATE,
	CCM_GEN_D_NO_DATE,
	CCM_GEN_D_UNKNOWN_HEADER,
	CCM_GEN_D_MISSING_CONTENTS,
	CCM_GEN_D_EMPTY_TEXT_ITEM,
	CCM_GEN_D_LONG_HEADER,
	CCM_GEN_D_EMPTY_NAME,
	CCM_GEN_D_UNKNOWN_ITEM,
	CCM_GEN_D_BAD_MACBINARY,
	CCM_GEN_D_HOSTILE_NAMES,
	CCM_GEN_D_DUPLICATE_NAMES,
	CCM_GEN_D_UNKNOWN_MAILBOX,
	CCM_GEN_D_DEEP_NESTING,
	CCM_GEN_D_TRUNCATED,
	CCM_GEN_D_COUNT
};
#define CCM_GEN_D_BIT(d) (1u << (d))
#define CCM_GEN_D_ALL ((1u << CCM_GEN_D_COUNT) - 1)

/*
 * What each defect writes, and what a reader that follows the spec should
 * give back (the round-trip test holds the reader to this):
 *
 * missing-count    (counts on only) one count line left out: of a Text
 *                  item, of a Message: line, or of a Contents: line, one
 *                  per target message. The message reads back whole; a
 *                  missing item count is a reported delimiter fallback.
 * blank-count      (counts on only) a Text item's count line is spaces
 *                  (Q287056). Fallback, reported; the text reads back whole.
 * zero-count       (counts on only) a Text item's count is "0" and its
 *                  data follows (Q287056). Fallback, text whole.
 * wrong-count      (counts on only) a Text item's count is about half the
 *                  truth. The reader sees the data does not end where the
 *                  count says, falls back (reported), text whole.
 *   In these four the text never holds a line that starts like a keyword,
 *   and its data is always followed by the optional line end, so the
 *   delimiter rule (the text ends before the next keyword line, less the
 *   one line end before it) gives the same text as the count would.
 * impossible-date  "Date: 2/31/99 10:15" (in the bundle's date order,
 *                  Q233325): date_state OK, year/month/day as written
 *                  (day 31), CCM_DATE_CLAMPED set, utc from the clamped
 *                  date; reported.
 * no-date          no Date: line: date_state NONE, date_text NULL.
 * unknown-header   "RRT: <addr>" (Q262989) and other unknown keywords:
 *                  kept in order in extra[] with their values; warnings.
 * missing-contents (counts on only) a message whose headers are followed
 *                  by no Contents: line and no items (B4): the message is
 *                  still given with its headers and no items; reported;
 *                  the next message reads normally.
 * empty-text-item  messages whose only items are zero-length text items,
 *                  one of them with no line end after it (Q178122, B5).
 * long-header      To: lists over 4 KB, one message up to ~150 KB of
 *                  recipients, on one line and over repeated lines (B6, B7):
 *                  every recipient reads back.
 * empty-name       a recipient " at HUBPO" with no name (B17): it reads
 *                  back as one address with an empty name (reported);
 *                  its neighbours in the list are unharmed. Such recipients
 *                  have name "" and empty_name set in the model.
 * unknown-item     "Sound item:", "Graphics item:" and odd kinds
 *                  ("OLE item:", "Bitmap item:"), one with no title: they
 *                  read back as SOUND/GRAPHICS/OTHER with the model's
 *                  expected name ("item<n>.bin" when untitled) and bytes.
 * bad-macbinary    (MACBIN2 only) File items whose data is not MacBinary II
 *                  (a zip file whose first byte is not 0; a header right
 *                  but for its CRC): the
 *                  reader takes them as RAW (macbinary 0, reported) and
 *                  gives back every byte as written.
 * hostile-names    attachments named "..\..\AUTOEXEC.BAT", "/etc/passwd",
 *                  "C:\x", "CON", "a/b\c.txt" and a 300-character name:
 *                  names read back as written (they are data).
 * duplicate-names  directory entries whose names equal earlier ones but
 *                  for case (Q237588): flagged duplicate (`duplicate` set).
 * unknown-mailbox  a Mailbox: line for a user who is not in the directory,
 *                  with its file: reported "mailbox-not-in-directory".
 * deep-nesting     (counts on only) a chain of Message items 12 deep: the
 *                  reader enters as deep as its limit allows and gives the
 *                  item beyond as raw bytes (the model's nested block).
 * truncated        one mail file cut in the middle of its last message's
 *                  last item (the message has truncated set): every message
 *                  before it reads back whole; the cut one is reported
 *                  (with counts the last item is a 5000-byte File item cut
 *                  in half; without counts it is a text, and a text cut at
 *                  the end of a file cannot be told from a shorter one).
 *
 * With counts off (--no-item-sizes) the count defects, missing-contents,
 * deep-nesting and bad-macbinary (HEX only then) write nothing: the
 * switches are accepted and ignored.
 */

/* Defect names: "missing-count" ... ; NULL past the end. */
const char *ccm_gen_defect_name(int d);
/* One line saying what the defect writes. */
const char *ccm_gen_defect_help(int d);
/*
 * Parses "missing-count,no-date" or "all" (or "" / "none") into bits.
 * CCM_EINVAL with err naming the unknown switch.
 */
int ccm_gen_defects_parse(unsigned *out, const char *list,
			  struct ccm_error *err);

struct ccm_gen_opts {
	uint64_t seed;                 /* default 1 */
	unsigned users;                /* local users (L and R), default 20 */
	unsigned messages;             /* mean per user with mail, default 20 */
	uint64_t max_attachment;       /* default 1 MiB */
	double attachment_share;       /* share of messages with files, 0.1 */
	enum ccm_attach_enc encoding;  /* default MACBIN2 */
	int item_sizes;                /* default 1; 0 forces HEX */
	int code_page;                 /* default 850 */
	enum ccm_date_order date_order;/* default MDY */
	const char *time_zone;         /* default "America/New_York" */
	uint64_t big_attachment;       /* bytes of one extra attachment, 0 none */
	unsigned defects;              /* CCM_GEN_D_BIT() set */
	const char *post_office;       /* default "SALESPO" */
	/* Called by ccm_gen_write after each mail file (base/progress.h):
	 * files written of all, bytes written; NULL: none (the default). */
	ccm_progress_fn progress;
	void *progress_ctx;
};

/* Fills the defaults above. */
void ccm_gen_opts_init(struct ccm_gen_opts *o);

/* A directory entry as written, and what the reader should make of it. */
struct ccm_gen_dirent {
	char *name;            /* UTF-8 */
	char location;         /* P p L l R r A a */
	char *addr;            /* NULL when not written */
	char *comments;        /* NULL when not written */
	char *fan;             /* NULL when not written */
	char *extra_key;       /* one unknown keyword, or NULL */
	char *extra_value;
	int duplicate;         /* equals an earlier name but for case */
	long box;              /* index in boxes of its Mailbox:, or -1 */
	int empty_mail;        /* has a Mailbox: whose file is empty */
	long pab;              /* index in pabs, or -1 */
};

/* A mailing list (public, or private in a PAB); members as written. */
struct ccm_gen_list {
	char *name;
	char *comments;        /* NULL when not written */
	char **members;
	size_t n_members;
};

struct ccm_gen_pab_entry {
	char *name, *addr, *comments;
};

struct ccm_gen_pab {
	char *owner;           /* directory name of the user */
	char *path;            /* relative to the bundle */
	struct ccm_gen_pab_entry *entries;
	size_t n_entries;
	struct ccm_gen_list *lists;
	size_t n_lists;
};

enum ccm_gen_box_kind { CCM_GEN_MAILBOX = 0, CCM_GEN_BOARD };

/* A message file: a Mailbox: or Bulletin board: line of the manifest. */
struct ccm_gen_box {
	enum ccm_gen_box_kind kind;
	char *name;            /* the user (directory name) or the board */
	char *path;            /* relative to the bundle, '/' separated */
	long n_messages;       /* top-level messages in the file */
	long dir_index;        /* the owner's entry in dir, -1 (boards, ghost) */
	int in_directory;      /* 0 for the unknown-mailbox defect's line */
	int truncated;         /* the file is cut inside its last message */
	uint64_t seed;         /* private */
	long n_special;        /* private: R8 settings and big-attachment slots */
	int r8;                /* private */
	int big;               /* private */
};

/* One recipient (or the sender) as written and as it should parse. */
struct ccm_gen_addr {
	const char *text;      /* as written in the list, UTF-8, trimmed */
	enum ccm_addr_kind kind;
	const char *name;      /* see struct ccm_addr */
	const char *po;        /* expected po; NULL: not checked */
	const char *ftype;     /* FOREIGN */
	const char *faddr;     /* FOREIGN, EXTENDED */
	int resolved;          /* USER: the name is in the directory */
	int empty_name;        /* the empty-name defect */
	int newline;           /* written at the start of a new To:/Cc:/Bcc:
				  line (the header repeated) */
};

struct ccm_gen_header {
	const char *key, *value;
};

struct ccm_gen_msg;

/* One item of a message's contents and what it should read back as. */
struct ccm_gen_item {
	enum ccm_item_kind kind;
	long index;            /* 1-based in its message */
	const char *keyword;   /* "Text item", "Sound item" ... as written */
	const char *title;     /* UTF-8 as written, "" when none */
	const char *name;      /* expected attachment name; NULL TEXT/MESSAGE */
	int has_file_date;
	struct ccm_date file_date;  /* expected, FILE items with a date */
	const char *text;      /* TEXT: UTF-8 (CR LF line ends) */
	size_t text_len;
	uint64_t size;         /* decoded bytes: the file, or text_len */
	int macbinary;         /* written as valid MacBinary II */
	char mac_type[5], mac_creator[5];
	struct ccm_gen_msg *message;  /* MESSAGE: the nested message */
	unsigned defects;      /* defects that touched this item */
	int line_end;          /* layout: the optional CR LF follows the data */
	/* private: how the data is made and written */
	struct ccm_gen_item_priv *priv;
};

/* One message: every field a reader gives back in struct ccm_message. */
struct ccm_gen_msg {
	long number;           /* 1-based in the file; nested: 1 */
	int depth;             /* 0 top level */
	const char *from;      /* as written, UTF-8; NULL absent */
	struct ccm_gen_addr from_addr;
	struct ccm_gen_addr *to, *cc, *bcc;
	size_t n_to, n_cc, n_bcc;
	const char *subject;   /* NULL absent */
	const char *date_text; /* NULL absent */
	enum ccm_date_state date_state;
	struct ccm_date date;  /* expected, when date_state == CCM_DATE_OK */
	const char *folder;    /* NULL: Inbox */
	enum ccm_priority priority;
	int receipt;
	unsigned status;       /* CCM_STATUS_ bits; READ when none written */
	struct ccm_gen_header *extra;
	size_t n_extra;
	struct ccm_gen_item *items;
	size_t n_items;
	unsigned defects;      /* CCM_GEN_D_BIT()s injected in this message */
	int truncated;         /* cut by the truncated defect: headers only */
	int has_contents;      /* 0 under missing-contents */
	int blank_lines;       /* layout: blank lines written after it */
	/* private: layout of the written form */
	struct ccm_gen_msg_priv *priv;
};

/*
 * A generated post office. Everything here is read-only for callers and
 * owned by the generator.
 */
struct ccm_gen {
	struct ccm_gen_opts opts;      /* with defaults filled in */
	char *post_office;
	char *time_zone;
	struct ccm_gen_dirent *dir;    /* in directory.exp order */
	size_t n_dir;
	struct ccm_gen_list *lists;    /* lists.exp */
	size_t n_lists;
	struct ccm_gen_pab *pabs;
	size_t n_pabs;
	struct ccm_gen_box *boxes;     /* manifest order: mailboxes, then boards */
	size_t n_boxes;
	struct ccm_gen_priv *priv;
};

/*
 * Builds the model of a bundle: directory, lists, PABs and the list of
 * message files with their message counts (messages themselves are made on
 * demand). Fails with CCM_EINVAL (bad option values: users 0, a code page
 * or zone this system cannot convert, encoding not HEX without counts) or
 * CCM_ENOMEM, err filled. Free with ccm_gen_free().
 */
int ccm_gen_new(struct ccm_gen **out, const struct ccm_gen_opts *o,
		struct ccm_error *err);
void ccm_gen_free(struct ccm_gen *g);

/*
 * Makes message `number` (1-based) of box `box`. The message and all it
 * points to are owned by *out; free with ccm_gen_msg_free(). Returns 0 or
 * CCM_ENOMEM. Calling it twice gives equal messages.
 */
int ccm_gen_message(struct ccm_gen_msg **out, struct ccm_gen *g, size_t box,
		    long number);
void ccm_gen_msg_free(struct ccm_gen_msg *m);

/*
 * Calls fn for each message of box `box` in file order; the message is
 * valid during the call only. fn returns 0 to go on or a negative code,
 * which is returned.
 */
int ccm_gen_messages(struct ccm_gen *g, size_t box,
		     int (*fn)(void *ctx, const struct ccm_gen_msg *m),
		     void *ctx);

/*
 * Reads up to n bytes at `offset` of what the item should read back as:
 * TEXT its UTF-8 text, FILE/FAX/other kinds the file's bytes (MacBinary
 * data fork; for bad-macbinary items everything as written), MESSAGE the
 * nested block exactly as written (code page bytes, counts included).
 * Returns the bytes given (0 at the end) or CCM_ENOMEM.
 */
long long ccm_gen_item_read(struct ccm_gen *g, const struct ccm_gen_item *it,
			    uint64_t offset, void *buf, size_t n);

/* What ccm_gen_write() made. */
struct ccm_gen_stats {
	unsigned long users;           /* local users (L and R entries) */
	unsigned long mailboxes;       /* Mailbox: lines */
	unsigned long messages;        /* top-level messages, boards included */
	unsigned long items;
	unsigned long attachments;     /* File, Fax and other data items */
	unsigned long long bytes;      /* bytes of every file written */
	unsigned long replaced;        /* characters the code page lacked */
};

/*
 * Writes the bundle into folder `dir` (created if needed, parents too).
 * Refuses with CCM_EEXISTS when dir/po.txt exists, unless `overwrite`.
 * CCM_EIO with err naming the path on a system error. `stats` may be NULL.
 */
int ccm_gen_write(struct ccm_gen *g, const char *dir, int overwrite,
		  struct ccm_gen_stats *stats, struct ccm_error *err);

/*
 * Writes one message exactly as ccm_gen_write() does into buffer `out`
 * (code page bytes; counts when the options say so). For tests.
 */
int ccm_gen_render(struct ccm_buf *out, struct ccm_gen *g,
		   const struct ccm_gen_msg *m);

/*
 * For tests: a message made by hand. ccm_gen_msg_blank() gives a zeroed
 * message (has_contents 1, status READ, every item with line_end 1) with
 * room for n_items items; fill the public fields (strings and nested
 * messages must outlive it), give data items their bytes with
 * ccm_gen_item_literal() (copied), then render it. Free with
 * ccm_gen_msg_free(); nested messages stay the caller's.
 */
int ccm_gen_msg_blank(struct ccm_gen_msg **out, struct ccm_gen *g,
		      size_t n_items);
int ccm_gen_item_literal(struct ccm_gen_msg *m, size_t i, const void *data,
			 size_t n);


#endif
