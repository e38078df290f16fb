/* extract.h: a post office bundle to a migration file set (always a
 * MAILMESSAGE section per user: the fix of Q194218). */
#ifndef CCM_EXTRACT_H
#define CCM_EXTRACT_H

#include <stddef.h>
#include "base/buf.h"
#include "base/report.h"
#include "ccmail/bundle.h"
#include "ccmail/share.h"

/*
 * A migration policy as the extractor sees it: callbacks, each optional.
 * The Lua host makes one from policy scripts (bindings/policy.c); the
 * core knows nothing of Lua. Strings a hook hands back stay valid until
 * its next call. A hook returns 1 to keep (with overrides filled in), 0 to
 * skip, or a negative code with err saying what failed and where (the
 * script and line): the extraction then stops, and no packing list is
 * written, so a half-made set can never be imported.
 */
struct ccm_policy_user {
	const char *alias, *display_name, *first_name, *last_name;
	/* more addresses for the mailbox, "TYPE:address" (SMTP:...): they go
	 * to Secondary-Proxy-Addresses after the MIGRATE: one */
	const char *const *addresses;
	size_t n_addresses;
	/* when the hook says no: who decided, "policy:<script>:user" (kept
	 * in the store as the reason the user is not migrated) */
	const char *decided_by;
};

struct ccm_policy_fwd;

/* An attachment of a message as the message hook sees it, in the order
 * extract writes them: every item but text items. */
struct ccm_policy_att {
	const char *name;              /* as written: "<title>.ccm" for a
					  forwarded message */
	unsigned long long size;       /* bytes as written */
	enum ccm_item_kind kind;       /* CCM_ITEM_MESSAGE: a forwarded message */
	/* CCM_ITEM_MESSAGE: the forwarded message inside, when the reader
	 * follows it (within its depth limit, and below the top level only
	 * with counts: what a drop inside it needs); else NULL */
	const struct ccm_policy_fwd *message;
};

/* A forwarded message as the message hook sees it: its headers (valid
 * while the hook runs), sizes measured as a message's, and its own
 * attachments, which may be forwarded messages in turn. */
struct ccm_policy_fwd {
	const struct ccm_message *msg;
	unsigned long long body_size;
	unsigned long long size;            /* body_size and every attachment */
	const struct ccm_policy_att *atts;
	size_t n_atts;
};

/* Deepest attachment a drop may name: a path of at most this many places. */
#define CCM_POLICY_PATH_MAX 10

/* What the message hook knows of a message beyond its headers: measured
 * from its items before the hook runs, the same whether or not the store
 * holds the message, so that a policy decides the same in every run. */
struct ccm_policy_msginfo {
	const struct ccm_dir_entry *owner;  /* the mailbox's user; NULL: a board */
	const char *post_office;            /* the post office's name */
	unsigned long long body_size;       /* bytes of the body's text (UTF-8):
					       text items with their titles */
	unsigned long long size;            /* body_size and every attachment */
	const struct ccm_policy_att *atts;
	size_t n_atts;
};

/* An attachment the message hook leaves out: the message keeps a note in
 * its body instead (its name, size and `by`), and its identity stays. */
struct ccm_policy_drop {
	/* Its path: path[0] 1-based into ccm_policy_msginfo.atts, path[1]
	 * into the attachments of the forwarded message that attachment is,
	 * and so on; n_path 1 for an attachment of the message itself. */
	size_t path[CCM_POLICY_PATH_MAX];
	size_t n_path;
	const char *by;                /* the policy's script ("big.lua") */
};

struct ccm_policy_message {
	const char *folder;            /* NULL: as it is */
	const char *subject;           /* NULL: as it is */
	int unread;                    /* -1: as it is, else 0 or 1 */
	/* when the hook says no: "policy:<script>:message" (or :folder) */
	const char *decided_by;
	/* who gave `folder`, for reports: "policy 'move.lua', folder hook" */
	const char *folder_by;
	/* attachments to leave out, each path once, in increasing order
	 * (place by place); one inside a forwarded message that is left out
	 * too goes with it */
	const struct ccm_policy_drop *drops;
	size_t n_drops;
};

struct ccm_policy {
	void *ctx;
	/* A local user of post office `post_office` (the directory leaves
	 * a local user's post office blank). */
	int (*user)(void *ctx, const struct ccm_dir_entry *e, const char *post_office,
		    struct ccm_policy_user *out, struct ccm_error *err);
	/* A message of mailbox `user` (a user's cc:Mail name or a board's),
	 * to go to `folder`; info measures it. */
	int (*message)(void *ctx, const struct ccm_message *m, const char *user,
		       const char *folder, const struct ccm_policy_msginfo *info,
		       struct ccm_policy_message *out, struct ccm_error *err);
	/* A sender or recipient: 1 with *out set to its new address
	 * ("SMTP:jsmith@example.com"), 0 to write it as it is. */
	int (*address)(void *ctx, const struct ccm_addr *a, const char **out,
		       struct ccm_error *err);
};

struct ccm_srcid;

/*
 * The store a set is made for, as `migrate` hands it to extraction: a
 * message it holds already is written as a row with its identity and no
 * body or attachments (srcid.h: "held"), so that an unchanged run writes
 * and reads a fraction of the bytes. holds() returns 1 when the store
 * holds message `id`, 0 when not, negative on failure (err filled); with
 * id->fp empty, whether it holds any message of id's owner (a first run
 * then skips the look-up, and the reading it needs).
 */
struct ccm_extract_store {
	void *ctx;
	int (*holds)(void *ctx, const struct ccm_srcid *id, struct ccm_error *err);
};

struct ccm_extract_opts {
	int code_page;              /* the set's code page; 0: the Windows code
				       page of the post office's (ccm_codepage_ansi) */
	int no_mail;                /* write every user's section empty */
	int has_since, has_until;   /* date range: since <= date < until */
	long long since, until;     /* UTC seconds */
	int keep_r8;                /* keep the R8 settings folders */
	/* Only these mailboxes' mail and private address books (a share of
	 * the post office, ccmail/share.h); the directory, every user's
	 * MAILMESSAGE section (so every mailbox is made) and the lists are
	 * written whole. Mail outside the share is not read, written or
	 * recorded as left out: another run's share. NULL: every mailbox. */
	const struct ccm_share *share;
	const struct ccm_policy *policy;   /* NULL: none */
	const struct ccm_extract_store *store;  /* NULL: write every message */
	/* Several users to a primary and secondary file (up to 256 users or
	 * 256 MiB): fewer files to make, for a set that migrate makes and
	 * removes; 0: one pair of files per user, as the wizard's extractors
	 * wrote them. */
	int pack;
	/* called after each mailbox; may be NULL */
	void (*progress)(void *ctx, size_t done, size_t total,
			 unsigned long long bytes);
	void *ctx;
};

struct ccm_extract_stats {
	size_t users;                /* DIRECTORY rows = MAILMESSAGE sections */
	size_t pab_sections;
	size_t boards;
	unsigned long messages;      /* rows written, boards included */
	unsigned long attachments;   /* Attachment sections */
	unsigned long forwarded;     /* forwarded messages kept as .ccm files */
	unsigned long skipped;       /* source messages not written (reported) */
	unsigned long held;          /* rows written without body: the store
					holds them (ccm_extract_store) */
	unsigned long dropped;       /* attachments a policy left out (each
					reported, with a note in its message) */
	unsigned long long bytes_in; /* bytes of the mail files read */
	unsigned long replaced;      /* characters the code page lacked */
	char pkl[256];               /* the packing list's file name */
};

/*
 * Writes the set for bundle `b` into folder `out_dir` (spec section 12):
 * <PO>.pkl, Directory.pri with a DIRECTORY row for every local and mobile
 * user, one NNNNNNNN.pri/.sec per such user holding their PAB section (if
 * they have a private address book) and ALWAYS their MAILMESSAGE section,
 * even with no mail, with mail skipped (no_mail) or all of it outside the
 * date range; Public.pri/.sec for bulletin boards. Every message that is
 * not written is reported in the bundle's report with why. Memory stays
 * flat: a message's body is spooled (at most 1 MiB in memory) and
 * attachments are copied in pieces.
 *
 * Returns 0, or a negative code when the set cannot be written (err
 * filled): the folder already holds a set (CCM_EEXISTS), a code page that
 * cannot be converted to, a write error.
 */
int ccm_extract(struct ccm_bundle *b, const char *out_dir,
		const struct ccm_extract_opts *o, struct ccm_extract_stats *st,
		struct ccm_error *err);

/* The set's folder name for a post office: letters, digits, '-' and '_'
 * (A43: names with '&', '+', spaces or accents broke the old tools). */
void ccm_extract_safe_name(struct ccm_buf *out, const char *po);

#endif
