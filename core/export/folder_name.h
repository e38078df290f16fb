/* folder_name.h: what a store folder is called in Maildir++ and IMAP. */
#ifndef CCM_OUT_FOLDER_NAME_H
#define CCM_OUT_FOLDER_NAME_H

#include "base/buf.h"
#include "base/error.h"
#include "base/pidlock.h"
#include "store/folders.h"

/*
 * Sets out to the name mail servers expect for folder f, its levels joined
 * by `delim`: the Inbox is "INBOX", Sent Items "Sent", Deleted Items
 * "Trash", Drafts "Drafts", the Outbox "Outbox" (the names Dovecot and
 * most clients give these folders); any other folder is its store path
 * with delim between levels. Within a level, delim and every character of
 * `forbidden` (may be NULL) become '_', so a name never makes a level of
 * its own or a path, and so does a '~' that starts a level (Dovecot
 * refuses such names).
 */
void ccm_out_folder_name(struct ccm_buf *out, const struct ccm_folder *f,
			 char delim, const char *forbidden);

/*
 * The names an export has given the folders of one mailbox, so that two
 * folders never share one: "A.B" and "A_B" both become "A_B" in Maildir++,
 * a folder of the user's named "Trash" meets Deleted Items, and in an mbox
 * export the second folder's file would be written over the first's.
 * Initialise with CCM_OUT_NAMES_INIT, ccm_out_names_reset between
 * mailboxes, release with ccm_out_names_release.
 */
struct ccm_out_names {
	struct ccm_buf text;            /* the names, each NUL-terminated */
	size_t *off;                    /* where each starts in text */
	unsigned long *hash;
	long long *id;                  /* the store folder given it; 0: none */
	size_t n, cap;
	int primed;                     /* the well-known names are in */
};
#define CCM_OUT_NAMES_INIT { CCM_BUF_INIT, NULL, NULL, NULL, 0, 0, 0 }
void ccm_out_names_reset(struct ccm_out_names *names);
void ccm_out_names_release(struct ccm_out_names *names);

/*
 * Makes out[from..] a name not given before in `names`, and records it:
 * a name already taken, in any case of its ASCII letters (file systems
 * and servers that ignore case would take the two for one), gets " (2)",
 * " (3)" ... appended (the first free one). Returns 0 or CCM_ENOMEM. The order of calls decides who keeps the
 * plain name, so an export that names folders in the same order names
 * them the same way every time.
 */
int ccm_out_names_claim(struct ccm_buf *out, struct ccm_out_names *names, size_t from);

/*
 * Keeps `name` from every folder named by ccm_out_folder_name_unique
 * after this call, as the well-known names are kept: an IMAP server's own
 * special folders ("Junk Email", "[Gmail]/Sent Mail"), which a user's
 * folder of that name must not be mixed into. A name already given or
 * reserved is left as it is. Returns 0 or CCM_ENOMEM.
 */
int ccm_out_names_reserve(struct ccm_out_names *names, const char *name);

/*
 * ccm_out_folder_name, made unique within a mailbox: the well-known
 * folders keep their names, and any other folder that would be called
 * like one of them ("Trash", "inbox"), like a reserved name or like a
 * folder named before gets a number, as ccm_out_names_claim does. A
 * folder whose parent (not a well-known folder) was named before goes
 * under the name its parent was given: the user's "Trash" is "Trash (2)"
 * and its "Trash\Old" is "Trash (2)/Old", not a subfolder of the
 * Deleted Items. Name parents before their subfolders, as
 * ccm_store_folders gives them.
 */
int ccm_out_folder_name_unique(struct ccm_buf *out, struct ccm_out_names *names,
			       const struct ccm_folder *f, char delim, const char *forbidden);

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
 * stop an export.
 */
void ccm_out_fit_name(struct ccm_buf *out, size_t from, size_t max);

/*
 * One export at a time into folder `dir`: holds "<dir>/.ccmig-lock"
 * (base/pidlock.h) in *out until ccm_pidlock_drop. Two exports into one
 * folder would move each other's files into place half written; the
 * second stops with CCM_EEXISTS naming the first's pid. Readers of the
 * folder (Dovecot, mutt) take no notice of the file.
 */
int ccm_out_lock(int *out, const char *dir, struct ccm_error *err);

#endif
