/* messaging.h: the messaging layer of a PST file: message store, folders, messages, attachments. */
#ifndef CCM_PST_MESSAGING_H
#define CCM_PST_MESSAGING_H

#include <stddef.h>
#include <stdint.h>
#include "base/error.h"

/*
 * The top layer of ccmig's PST writer ([MS-PST] 2.4), over the LTP
 * (pst/ltp.h) and the NDB (pst/ndb.h): one file with the nodes every
 * PST has ([MS-PST] 2.7.1: the message store, the name-to-id map, the
 * root folder and its tables, the search nodes, the table templates),
 * "Top of Personal Folders" under the root, and the folders and messages
 * the caller adds below it.
 *
 * Use: ccm_pst_open; ccm_pst_folder_add for every folder (parents
 * first); for each message ccm_pst_msg_begin, its attachments, and
 * ccm_pst_msg_end; ccm_pst_folder_done once a folder's messages are all
 * added (its contents table is written then, and its rows freed); then
 * ccm_pst_finish (or ccm_pst_abort). Memory holds the folders' list and,
 * for each folder with messages not yet done, 8 bytes a message (its
 * contents table's row index) and about 25 KB; message data, attachments
 * and contents rows go to the file as they come.
 *
 * Deterministic: the same calls give the same bytes. NIDs count up in
 * the order things are added.
 *
 * Errors: 0 or a negative CCM_E* code with err filled; after a failure
 * the caller ends with ccm_pst_abort (nothing is left under the file's
 * name, pst/ndb.h). A failure is the file's: every later call returns
 * the same code and message and does nothing more (ccm_pst_msg_end
 * still frees its message; ccm_pst_finish ends as ccm_pst_abort does).
 */
struct ccm_pst;
struct ccm_pst_msg;

/* The well-known folders the message store names. */
enum ccm_pst_role {
	CCM_PST_FOLDER = 0,
	CCM_PST_INBOX,
	CCM_PST_OUTBOX,
	CCM_PST_SENT,
	CCM_PST_DELETED,
	CCM_PST_DRAFTS,
	CCM_PST_CONTACTS      /* container class IPF.Contact */
};

/*
 * Starts file `path` (written as path.tmp until finished) whose message
 * store is named `display_name` (UTF-8) and whose provider id, the
 * store's PR_RECORD_KEY and the first part of every entry id, is `uid`.
 */
int ccm_pst_open(struct ccm_pst **out, const char *path, const char *display_name,
		 const unsigned char uid[16], struct ccm_error *err);

/*
 * A folder named `name` (UTF-8) below folder `parent` (0: Top of
 * Personal Folders), container class IPF.Note (IPF.Contact for
 * CCM_PST_CONTACTS); *nid is its NID. A role other than CCM_PST_FOLDER,
 * for a folder right below Top of Personal Folders, puts its entry id
 * where Outlook looks for it ([MS-OXOSFLD]): in the message store (Sent
 * Items, Deleted Items, Outbox, marked valid in PR_VALID_FOLDER_MASK),
 * or on the root folder and the Inbox (Drafts: PR_IPM_DRAFTS_ENTRYID,
 * Contacts: PR_IPM_CONTACT_ENTRYID). CCM_EINVAL for an unknown parent.
 */
int ccm_pst_folder_add(uint32_t *nid, struct ccm_pst *p, uint32_t parent, const char *name,
		       enum ccm_pst_role role, struct ccm_error *err);

/* Writes folder nid's contents table from the messages added to it so
 * far; later messages are refused (CCM_EINVAL). */
int ccm_pst_folder_done(struct ccm_pst *p, uint32_t nid, struct ccm_error *err);

/* A recipient: kind 1 To, 2 Cc, 3 Bcc (PR_RECIPIENT_TYPE). */
struct ccm_pst_recipient {
	int kind;
	const char *name, *addrtype, *email;
};

/*
 * What a message holds. Strings are UTF-8, NULL when absent; everything
 * is borrowed and must stay valid until ccm_pst_msg_end.
 */
struct ccm_pst_message {
	const char *subject;
	const char *sender_name, *sender_addrtype, *sender_email;
	long long submit_utc, delivery_utc;   /* PR_CLIENT_SUBMIT_TIME, PR_MESSAGE_DELIVERY_TIME */
	int read, unsent;                     /* MSGFLAG_READ, MSGFLAG_UNSENT */
	int importance;                       /* 0 low, 1 normal, 2 high */
	const char *body;                     /* PR_BODY */
	size_t body_len;
	const char *headers;                  /* PR_TRANSPORT_MESSAGE_HEADERS */
	const struct ccm_pst_recipient *rcpts;
	size_t n_rcpts;
};

/*
 * The largest value one property holds, in bytes (an attachment's data,
 * a body in UTF-16): a node's data is at most 4 GiB - 1 (pst/ndb.h).
 */
#define CCM_PST_MAX_VALUE 0xFFFFFFFFULL

/*
 * What a message with a body of body_len bytes (UTF-8) counts in its
 * PR_MESSAGE_SIZE before its attachments: that size is this, plus the
 * size of each attachment and each embedded message. An estimate (as
 * Outlook's own is), the same one ccm_pst_msg_begin makes, so that a
 * caller knows a message's size before it writes it.
 */
unsigned long long ccm_pst_message_base_size(size_t body_len);

/*
 * Begins a message: in folder `folder` (a NID from ccm_pst_folder_add)
 * when `parent` is NULL, else as a message embedded in an attachment of
 * message `parent` (ATTACH_EMBEDDED_MSG, named `attach_name`), to any
 * depth. Nothing is written until ccm_pst_msg_end.
 */
int ccm_pst_msg_begin(struct ccm_pst_msg **out, struct ccm_pst *p, uint32_t folder,
		      struct ccm_pst_msg *parent, const char *attach_name,
		      const struct ccm_pst_message *m, struct ccm_error *err);

/*
 * An attachment by value (ATTACH_BY_VALUE) of `size` bytes named `name`,
 * its data read from `read` until it returns 0 (bytes given, at most n;
 * negative: a CCM_E* code, returned with err saying which attachment
 * and after how many bytes; any other negative value is CCM_EIO) and
 * streamed into the file; more than n is CCM_EINVAL; a different number
 * of bytes than `size` is CCM_EMALFORMED. position:
 * PR_RENDERING_POSITION, -1 none. After a failure the file is to be
 * abandoned (ccm_pst_msg_abort, ccm_pst_abort).
 */
typedef long long (*ccm_pst_read_fn)(void *ctx, void *buf, size_t n);
int ccm_pst_msg_attach(struct ccm_pst_msg *m, const char *name, unsigned long long size,
		       long long position, ccm_pst_read_fn read, void *ctx,
		       struct ccm_error *err);

/* Writes the message (its property context, recipient and attachment
 * tables), adds it to its folder's contents (or its parent's
 * attachments), and frees m, whatever the result. */
int ccm_pst_msg_end(struct ccm_pst_msg *m, struct ccm_error *err);
/* Frees m, writing nothing more (after a failure). NULL is accepted. */
void ccm_pst_msg_abort(struct ccm_pst_msg *m);

/*
 * Contacts and personal distribution lists ([MS-OXOCNTC]), items of a
 * CCM_PST_CONTACTS folder. Their NIDs come from ccm_pst_item_nid, taken
 * before they are added, so that a list can name a contact or list
 * added later. Strings are UTF-8, NULL when absent, borrowed for the
 * call.
 */
uint32_t ccm_pst_item_nid(struct ccm_pst *p);

/* What an IPM.Contact holds. */
struct ccm_pst_contact {
	const char *display_name, *given_name, *surname;
	const char *addrtype, *email;            /* the first e-mail address */
	const char *company, *title, *department, *office, *assistant;
	const char *business_phone, *business2_phone, *assistant_phone, *business_fax,
		*home_phone, *home2_phone, *mobile_phone, *pager;
	const char *street, *city, *state, *postal_code, *country;   /* work address */
	const char *body;                        /* PR_BODY */
};

/*
 * Contact c as item `nid` of folder `folder`: PR_DISPLAY_NAME and
 * PR_SUBJECT, given name and surname, PidLidFileUnder (the display
 * name), the first e-mail address (PidLidEmail1DisplayName,
 * ...AddressType, ...EmailAddress, ...OriginalDisplayName,
 * ...OriginalEntryId as a one-off entry id), the company, phone and work
 * address properties, the body. CCM_EINVAL: no such folder, or done.
 */
int ccm_pst_contact_add(struct ccm_pst *p, uint32_t folder, uint32_t nid,
			const struct ccm_pst_contact *c, struct ccm_error *err);

/* A member of a personal distribution list: another item of this file
 * (`nid`, a contact when `is_list` is 0), or, nid 0, an address. */
struct ccm_pst_dl_member {
	uint32_t nid;
	int is_list;
	const char *name, *addrtype, *email;
};

/*
 * An IPM.DistList named `name` as item `nid` of folder `folder`:
 * PidLidDistributionListName, PidLidFileUnder, and each member in
 * PidLidDistributionListMembers (a wrapped entry id naming the item, or
 * a one-off entry id) and PidLidDistributionListOneOffMembers (one-off
 * entry ids), in order, as long as both stay under the 15,000 bytes
 * Outlook allows them; the members, all of them, also as lines of the
 * body after `body` (NULL: none). Errors as ccm_pst_contact_add.
 */
int ccm_pst_dlist_add(struct ccm_pst *p, uint32_t folder, uint32_t nid, const char *name,
		      const struct ccm_pst_dl_member *m, size_t n, const char *body,
		      struct ccm_error *err);

/* Writes the folders, the message store and the fixed nodes, and
 * finishes the file (pst/ndb.h). Frees p whatever happens. */
int ccm_pst_finish(struct ccm_pst *p, struct ccm_error *err);
/* Frees p, removes path.tmp. NULL accepted. */
void ccm_pst_abort(struct ccm_pst *p);

#endif
