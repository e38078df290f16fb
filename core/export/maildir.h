/* maildir.h: the store's mailboxes as Maildir++ folders. */
#ifndef CCM_MAILDIR_H
#define CCM_MAILDIR_H

#include "export/mailboxes.h"
#include "store/store.h"

struct ccm_maildir_stats {
	unsigned long mailboxes, folders, messages, already;
	unsigned long kept_deep;     /* forwards nested too deep (render.h) */
	/* Messages over o->size: left out, and written with attachments
	 * replaced by notes (export/size_limit.h); each is said in o->report. */
	unsigned long left_out_size, split_size;
	unsigned long old_names;     /* files named by an older ccmig, "ccmig-<id>" */
	struct ccm_out_renamed renamed;  /* mailboxes whose folder has a number */
	/* Folders and message files refused and not written (a link, or
	 * something else that is not ccmig's, where one was to be made:
	 * base/nofollow.h): how many, and a line for each saying what and
	 * where. The caller releases problem_text, whatever the return. */
	unsigned long problems;
	struct ccm_buf problem_text;
	unsigned long long bytes;
};

/*
 * Writes every mailbox of store `s` under folder `dir` as a Maildir++:
 * dir/<alias>/ (named as export/mailboxes.h says) holds the Inbox (cur,
 * new, tmp), and each other folder is a
 * subfolder ".Name" with '.' between levels: Sent Items becomes .Sent,
 * Deleted Items .Trash, Drafts .Drafts (as Dovecot names them); a '.' or
 * '/' inside a folder name becomes '_'. Public folders go under
 * dir/public/ the same way. Each message is rendered (export/render.h) into
 * tmp/ and renamed into cur/ as "ccmig-<name>:2,<flags>" (S read, D
 * draft; <name> from ccm_store_message_uid, the same for the same
 * message in every store and different for every other message),
 * with the file's time set to the message's date, and its dates in the
 * zone o->zones gives its mailbox (o NULL, or its zones: UTC). A message whose file is
 * already there is left as it is, so exporting again adds only what is
 * new. Mailboxes are written in threads, one per core up to four, each
 * with a read-only connection of its own to the store's file (s itself
 * serves the calling thread; a store that cannot be opened again gives
 * fewer threads). Every folder and file below dir is made from its
 * parent's descriptor without following a link (base/nofollow.h): a
 * link or anything else that is not ccmig's where a folder or message
 * file is to be made costs that mailbox, folder or message, counted in
 * st->problems and said in st->problem_text, and the export goes on.
 * A message larger than o->size is left out, or written with attachments
 * replaced (export/size_limit.h), counted in st and said in o->report; a
 * message left out has no file, so the next export measures it again.
 * After any other failure the other threads stop at their next mailbox.
 * o->progress is called from any of the threads, under the lock they
 * share (never two at once), about ten times a second.
 * Returns 0 or a negative code (err filled: the first failure).
 */
int ccm_maildir_export(struct ccm_store *s, const char *dir,
		       const struct ccm_out_opts *o,
		       struct ccm_maildir_stats *st, struct ccm_error *err);

#endif
