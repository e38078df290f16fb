/* placing.h: how extract reads a source message and which folder it goes
 * in; verify reconciles a store by the same rules, so both call these. */
#ifndef CCM_IFF_PLACING_H
#define CCM_IFF_PLACING_H

#include "base/buf.h"
#include "ccmail/bundle.h"
#include "ccmail/message.h"

/*
 * Opens the messages of mail file `e` of `b` into *out as extract reads
 * them: MacBinary II attachments kept whole (the store renders them, and
 * the fingerprint covers their bytes as they are). Free *out with
 * ccm_msgfile_close. Returns 0 or the negative code of
 * ccm_bundle_open_messages (err filled).
 */
int ccm_placing_open(struct ccm_msgfile **out, struct ccm_bundle *b,
		     const struct ccm_manifest_entry *e, struct ccm_error *err);

/*
 * The target folder of a message, into out (reset first): for a bulletin
 * board (`board` not NULL) "Lotus cc:Mail Bulletin Boards\<board>";
 * otherwise its cc:Mail folder `folder` mapped as spec 12 says: none to
 * Inbox, Message Log to Sent Items, Trash to Deleted Items, Drafts kept,
 * others kept with their hierarchy. *r8 (when not NULL) is set when the
 * folder is one of the R8 client's settings folders (Stationery,
 * Preferences, Rules: Q174255), cleared otherwise.
 */
void ccm_placing_folder(struct ccm_buf *out, const char *board, const char *folder,
			int *r8);

#endif
