/* folders.h: mailbox folders and public folders of the store. */
#ifndef CCM_STORE_FOLDERS_H
#define CCM_STORE_FOLDERS_H

#include "base/buf.h"
#include "store/store.h"

/* Well-known folders; stored as "inbox", "outbox", "sent", "deleted",
 * "drafts" (NULL for an ordinary folder). */
enum ccm_folder_special {
	CCM_FOLDER_NORMAL = 0,
	CCM_FOLDER_INBOX,
	CCM_FOLDER_OUTBOX,
	CCM_FOLDER_SENT,
	CCM_FOLDER_DELETED,
	CCM_FOLDER_DRAFTS
};
/* "inbox" ... ; NULL for CCM_FOLDER_NORMAL. */
const char *ccm_folder_special_name(int special);

/*
 * A folder as the cursor gives it (strings borrowed from the cursor).
 * `path` is the whole path with '\' separators, as first created.
 * mailbox_id is 0 for public folders; parent_id 0 at the top;
 * recipient_id is a public folder's directory entry, 0 when none.
 */
struct ccm_folder {
	long long id, mailbox_id, parent_id, recipient_id;
	const char *name;
	const char *path;
	int special;
};

/*
 * Finds or creates folder `path` of mailbox `mailbox` and its parents,
 * and sets *id. Path components are separated by '\' (MAILMESSAGE Folder
 * column, spec 4.4), trimmed; empty components are ignored; an empty
 * path is the Inbox. Names compare case-insensitively (the first spelling
 * is kept). A top-level Inbox, Outbox, Sent Items, Deleted Items or
 * Drafts (any case) is that well-known folder. The last folder found is
 * cached, so the importer may call this for every message row.
 * CCM_EINVAL when `mailbox` is not a mailbox.
 */
int ccm_store_folder_ensure(struct ccm_store *s, long long mailbox,
			    const char *path, long long *id,
			    struct ccm_error *err);

/*
 * The path ccm_store_folder_ensure() keeps for `path` (mailbox: 1 for a
 * mailbox's folder, 0 for a public one): components trimmed, empty ones
 * left out, well-known names in their canonical spelling, "Inbox" for a
 * mailbox's empty path. For comparing a source's folders with the
 * store's.
 */
void ccm_store_folder_path(struct ccm_buf *out, const char *path, int mailbox);

/*
 * The same for the public folder tree (MAILMESSAGE,PublicMessages, spec
 * 4.5): `path` relative to the public folder root, no well-known names.
 * CCM_EINVAL when the path has no component.
 */
int ccm_store_public_folder_ensure(struct ccm_store *s, const char *path,
				   long long *id, struct ccm_error *err);

/*
 * Links public folder `folder` to recipient `rid` (a CCM_RECIP_PUBLIC
 * entry that makes it addressable), or unlinks it with rid 0.
 */
int ccm_store_folder_set_recipient(struct ccm_store *s, long long folder,
				   long long rid, struct ccm_error *err);

/*
 * The folders of mailbox `mailbox` (0: the public folders), parents
 * before children (by path). Rows as struct ccm_folder; see the cursor
 * rules in store.h.
 */
int ccm_store_folders(struct ccm_store_cursor **out, struct ccm_store *s,
		      long long mailbox, struct ccm_error *err);
int ccm_store_next_folder(struct ccm_store_cursor *c, struct ccm_folder *f,
			  struct ccm_error *err);

#endif
