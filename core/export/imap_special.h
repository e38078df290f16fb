/* imap_special.h: an IMAP server's special folders (RFC 6154) for the
 * store's well-known ones. */
#ifndef CCM_OUT_IMAP_SPECIAL_H
#define CCM_OUT_IMAP_SPECIAL_H

#include "base/buf.h"
#include "base/error.h"
#include "export/folder_name.h"
#include "export/imap.h"
#include "store/folders.h"

/*
 * What one account's server calls its special folders. Sent Items go
 * into the folder with \Sent whatever its name ("Sent Items" on Microsoft
 * 365, "[Gmail]/Sent Mail" on Gmail), Deleted Items into \Trash, Drafts
 * into \Drafts. The Inbox is INBOX everywhere, and the Outbox has no
 * special use in RFC 6154: both keep the names folder_name.h gives them.
 * Initialise with CCM_IMAP_SPECIAL_INIT, release with
 * ccm_imap_special_release.
 */
struct ccm_imap_special {
	struct ccm_buf names;       /* every folder with a special use, each
				       NUL-terminated, in the server's order */
	size_t n;                   /* how many */
	long at[CCM_FOLDER_DRAFTS + 1];  /* by enum ccm_folder_special: where
				       in names the server's folder for it
				       starts; -1: the server has none */
};
#define CCM_IMAP_SPECIAL_INIT { CCM_BUF_INIT, 0, { -1, -1, -1, -1, -1, -1 } }

/*
 * Lists the account's folders (ccm_imap_list) and notes those with a
 * special use (\All, \Archive, \Drafts, \Flagged, \Junk, \Sent, \Trash):
 * the first of each use the store has a folder for, and every one of
 * them for ccm_imap_special_reserve. A folder that cannot be selected
 * (\Noselect, \NonExistent) is not one. A server that refuses the LIST
 * has none: 0. Otherwise returns 0, or the failure of the connection
 * (negative, as ccm_imap_list; err says what; only ccm_imap_close may
 * follow).
 */
int ccm_imap_special_find(struct ccm_imap_special *sp, struct ccm_imap *c,
			  struct ccm_error *err);

/* The server's folder for well-known folder `special` (enum
 * ccm_folder_special; borrowed from sp), or NULL: it has none, and the
 * folder gets the name ccm_out_folder_name gives it. */
const char *ccm_imap_special_folder(const struct ccm_imap_special *sp, int special);

/* The special use a folder ccmig makes for well-known folder `special`
 * ought to have (\Sent, \Trash, \Drafts), or NULL. */
const char *ccm_imap_special_use(int special);

/*
 * Reserves the name of every special folder of the server in `names`
 * (ccm_out_names_reserve), so that a folder of the user's called "Junk
 * Email" or "Archive" gets a number instead of being mixed into the
 * server's. Returns 0 or CCM_ENOMEM.
 */
int ccm_imap_special_reserve(const struct ccm_imap_special *sp,
			     struct ccm_out_names *names);

/* Forgets what was found, keeping the memory, for the next account. */
void ccm_imap_special_reset(struct ccm_imap_special *sp);
void ccm_imap_special_release(struct ccm_imap_special *sp);

#endif
