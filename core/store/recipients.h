/* recipients.h: the store's directory: recipients, addresses, list membership. */
#ifndef CCM_STORE_RECIPIENTS_H
#define CCM_STORE_RECIPIENTS_H

#include "store/store.h"

/* Stored as the text "mailbox", "custom", "dl", "public". */
enum ccm_recip_kind {
	CCM_RECIP_MAILBOX = 1,   /* a mailbox: owns folders and messages */
	CCM_RECIP_CUSTOM = 2,    /* custom recipient: mail goes to `target` */
	CCM_RECIP_DL = 3,        /* distribution list: has members */
	CCM_RECIP_PUBLIC = 4     /* the directory entry of a public folder */
};

/* "mailbox" ... for a kind; NULL for anything else. */
const char *ccm_recip_kind_name(int kind);
/* The kind named by s (as stored, any case), or 0. */
int ccm_recip_kind_parse(const char *s);

/*
 * A recipient's directory data. As input, NULL strings are stored as
 * NULL (nothing known); `id` is ignored. As output (ccm_store_recipient_get
 * and the cursors below) every field is filled, NULL where nothing is
 * stored; who owns the strings is said by each function.
 *
 *   alias          Common-Name: unique across the directory, compared
 *                  case-insensitively (ASCII); required, never changed
 *   display_name   required
 *   target         custom recipients: "TYPE:address" mail is sent to,
 *                  e.g. "CCMAIL:Smith, John at SALESPO"; NULL otherwise
 *   comments       the cc:Mail Comments as written; office and phone are
 *                  its 2nd and 3rd ';' fields (Q217040), see
 *                  ccm_store_comments_split()
 *   ccmail_name    the cc:Mail name, "Smith, John"
 *   ccmail_location  the directory location code (L l R r ...), 0 none
 *   ccmail_po      the user's post office
 *   dirsync_po     the post office whose directory synchronisation made
 *                  the recipient (dirsync.h); NULL for other recipients
 */
struct ccm_recipient {
	long long id;
	int kind;                        /* enum ccm_recip_kind */
	const char *alias;
	const char *display_name;
	const char *first_name, *last_name;
	const char *target;
	const char *comments, *office, *phone;
	const char *ccmail_name;
	char ccmail_location;
	const char *ccmail_po;
	const char *dirsync_po;
	long long created_run, updated_run, converted_run;   /* output only */
	void *mem_;                      /* private: owned copy, see get */
};

/*
 * Creates a recipient of r->kind and sets *id. A mailbox is given its
 * well-known folders (Inbox, Sent Items, Deleted Items, Drafts), so a
 * user without mail still has a mailbox to open (A15). The current run
 * (ledger.h) is recorded as created_run.
 * CCM_EEXISTS when the alias is taken (err names the holder);
 * CCM_EINVAL when alias or display name is missing or the kind unknown.
 */
int ccm_store_recipient_create(struct ccm_store *s, const struct ccm_recipient *r,
			       long long *id, struct ccm_error *err);

/*
 * Rewrites the directory data of recipient r->id from r: display name,
 * first and last name, target, comments, office, phone and the ccmail_
 * fields (dirsync_po is kept when r's is NULL). Kind and alias are never
 * changed here. Returns 1 when something changed, 0 when r already
 * matched (nothing written), CCM_ENOTFOUND when there is no such id.
 */
int ccm_store_recipient_update(struct ccm_store *s, const struct ccm_recipient *r,
			       struct ccm_error *err);

/*
 * Gives recipient `id` the alias `alias`, as the latest run's policy
 * names it, when no other recipient holds it (any case). Returns 1 when
 * renamed, 0 when it had it already or another holds it (nothing
 * written), or a negative code.
 */
int ccm_store_recipient_rename(struct ccm_store *s, long long id, const char *alias,
			       struct ccm_error *err);

/*
 * Reads recipient `id` into *out; its strings are copied and owned by
 * *out until ccm_recipient_release(). Returns 1, 0 when there is no such
 * recipient (*out zeroed), or a negative code.
 */
int ccm_store_recipient_get(struct ccm_recipient *out, struct ccm_store *s,
			    long long id, struct ccm_error *err);
void ccm_recipient_release(struct ccm_recipient *r);

/*
 * Custom recipient conversion (spec 4.8, Q194218, A23, A27, A36): turns
 * custom recipient `id` into a mailbox IN PLACE. The id stays, so every
 * list membership and every reference stays; the directory data (alias,
 * display name, names, comments, office, phone, ccmail_ fields) stays;
 * every address stays, and the addresses that were primary for the
 * target's type (the old "CCMAIL:Smith, John at SALESPO") become
 * secondary: after migration mail for the old address is matched, not
 * sent there (Q253306). The target is cleared, the mailbox gets its
 * well-known folders, converted_run is set. Add the mailbox's new primary
 * addresses afterwards with ccm_store_address_add().
 * CCM_EINVAL when `id` is not a custom recipient (err says what it is),
 * CCM_ENOTFOUND when there is no such id.
 */
int ccm_store_convert_to_mailbox(struct ccm_store *s, long long id,
				 struct ccm_error *err);

/*
 * Makes an alias no recipient has yet from `base`: base itself, else
 * base2, base3 ... (the way the Exchange directory made them unique).
 * The result replaces the contents of `out`.
 */
int ccm_store_unique_alias(struct ccm_buf *out, struct ccm_store *s,
			   const char *base, struct ccm_error *err);

/*
 * Splits cc:Mail Comments kept as "alias;office;phone" (Q217040) into
 * office and phone (trimmed; empty fields give empty buffers). Both
 * outputs are reset first.
 */
void ccm_store_comments_split(const char *comments, struct ccm_buf *office,
			      struct ccm_buf *phone);

/* ---- addresses ---------------------------------------------------------
 *
 * Every address of the directory has a type ("CCMAIL", "SMTP", "MIGRATE",
 * "X400" ...; stored upper-case) and text ("Smith, John at SALESPO";
 * "CCMAIL:Smith, John at SALESPO" for a MIGRATE address). An address is
 * unique across the whole directory per type, compared case-insensitively
 * (ASCII and the Latin letters cc:Mail folds, C8/Q237588) with runs of
 * white space taken as one space and ends trimmed. A recipient has at
 * most one primary address per type; the others are secondary.
 */

/* An address as the cursors give it: strings borrowed from the cursor. */
struct ccm_address {
	long long id, recipient_id;
	const char *type;
	const char *address;
	int primary;
};

/*
 * Adds address type:text to recipient `rid`. With `primary` set it becomes
 * the recipient's primary address of that type and the former one is
 * made secondary. An address the recipient already has is not added
 * again (made primary when asked). Returns 0 when added, 1 when it was
 * there already; CCM_EEXISTS when another recipient holds it (err names
 * it: the situation of event 238, Q200564); CCM_EINVAL for an empty type
 * or text.
 */
int ccm_store_address_add(struct ccm_store *s, long long rid, const char *type,
			  const char *text, int primary, struct ccm_error *err);

/*
 * Finds the recipient holding address type:text. Returns 1 and sets *id
 * and *kind (either may be NULL), 0 when nobody holds it, or a negative
 * code.
 */
int ccm_store_find_address(struct ccm_store *s, const char *type,
			   const char *text, long long *id, int *kind,
			   struct ccm_error *err);

/*
 * Finds the recipient a migration file's source address stands for, as
 * the Migration Wizard did (spec 4.8): `source` is "TYPE:address" (a
 * leading "MIGRATE:" is taken off); first a MIGRATE proxy equal to it,
 * then an address of type TYPE equal to the rest. So
 * "CCMAIL:Smith, John at SALESPO" finds the mailbox whose Directory.pri
 * row gave it MIGRATE:CCMAIL:Smith, John at SALESPO, or else the custom
 * recipient dirsync made with CCMAIL:Smith, John at SALESPO. Returns 1,
 * 0 or a negative code as ccm_store_find_address; CCM_EINVAL when source
 * has no "TYPE:".
 */
int ccm_store_find_source(struct ccm_store *s, const char *source,
			  long long *id, int *kind, struct ccm_error *err);

/* ---- distribution lists --------------------------------------------- */

/*
 * Makes `member` a member of list `dl`. Returns 0 when added, 1 when it
 * was a member already. CCM_EINVAL when `dl` is not a distribution list
 * or a list would contain itself.
 */
int ccm_store_dl_add(struct ccm_store *s, long long dl, long long member,
		     struct ccm_error *err);
/* Takes `member` out of `dl`: 1 when it was a member, 0 when it was not. */
int ccm_store_dl_remove(struct ccm_store *s, long long dl, long long member,
			struct ccm_error *err);

/* ---- cursors (rules in store.h) ---------------------------------------- */

/* Recipients of `kind` (0: all), in id order. */
int ccm_store_recipients(struct ccm_store_cursor **out, struct ccm_store *s,
			 int kind, struct ccm_error *err);
/* The recipient whose alias is `alias` (any case): 1 with *id and *kind
 * (either may be NULL), 0 when none has it, or a negative code. */
int ccm_store_find_alias(struct ccm_store *s, const char *alias, long long *id,
			 int *kind, struct ccm_error *err);

/*
 * Custom recipients that may stand for cc:Mail user `name` although they
 * do not hold its address: the same cc:Mail name, display name or alias
 * (any case), in id order. For the custom_recipient policy hook.
 */
int ccm_store_custom_candidates(struct ccm_store_cursor **out, struct ccm_store *s,
				const char *name, struct ccm_error *err);
/* The members of list `dl`, in id order. */
int ccm_store_dl_members(struct ccm_store_cursor **out, struct ccm_store *s,
			 long long dl, struct ccm_error *err);
/* The lists recipient `rid` is a member of, in id order. */
int ccm_store_lists_of(struct ccm_store_cursor **out, struct ccm_store *s,
		       long long rid, struct ccm_error *err);
/* For the three cursors above; r->mem_ is NULL (nothing to release). */
int ccm_store_next_recipient(struct ccm_store_cursor *c, struct ccm_recipient *r,
			     struct ccm_error *err);

/* The addresses of recipient `rid`: primary first, then by type and id. */
int ccm_store_addresses(struct ccm_store_cursor **out, struct ccm_store *s,
			long long rid, struct ccm_error *err);
int ccm_store_next_address(struct ccm_store_cursor *c, struct ccm_address *a,
			   struct ccm_error *err);

#endif
