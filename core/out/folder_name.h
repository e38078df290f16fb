/* folder_name.h: what a store folder is called in Maildir++ and IMAP. */
#ifndef CCM_OUT_FOLDER_NAME_H
#define CCM_OUT_FOLDER_NAME_H

#include "base/buf.h"
#include "store/folders.h"

/*
 * Sets out to the name mail servers expect for folder f, its levels joined
 * by `delim`: the Inbox is "INBOX", Sent Items "Sent", Deleted Items
 * "Trash", Drafts "Drafts", the Outbox "Outbox" (the names Dovecot and
 * most clients give these folders); any other folder is its store path
 * with delim between levels. Within a level, delim and every character of
 * `forbidden` (may be NULL) become '_', so a name never makes a level of
 * its own or a path. Returns 0 or CCM_ENOMEM.
 */
int ccm_out_folder_name(const struct ccm_folder *f, char delim,
			const char *forbidden, struct ccm_buf *out);

#endif
