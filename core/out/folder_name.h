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

/*
 * The longest name a file or folder of an export may have: file systems
 * refuse more than 255 bytes (NAME_MAX), and ".mbox.tmp" must still fit.
 */
#define CCM_OUT_NAME_MAX 245

/*
 * Shortens what `out` holds from byte `from` on to at most `max` bytes
 * (max > 9) when it is longer: its first bytes, whole UTF-8 characters
 * only, then '~' and 8 hex digits of a hash of all of it, so that two long
 * names that begin alike stay two. One long folder name or alias must not
 * stop an export. Returns 0 or CCM_ENOMEM.
 */
int ccm_out_fit_name(struct ccm_buf *out, size_t from, size_t max);

#endif
