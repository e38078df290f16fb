/* pst_export.h: the store's mailboxes as Outlook data files (.pst). */
#ifndef CCM_PST_EXPORT_H
#define CCM_PST_EXPORT_H

#include "export/mailboxes.h"
#include "store/store.h"

struct ccm_pst_export_stats {
	unsigned long mailboxes, files, folders, messages, attachments, embedded;
	/* Messages over the size limit (o->size): left out, and written
	 * with attachments replaced by notes (decisions). */
	unsigned long left_out_size, split_size;
	/* Messages with an attachment larger than a PST holds
	 * (CCM_PST_MAX_VALUE): left out, each a "pst-too-big" error in
	 * o->report (problems). */
	unsigned long too_big;
	unsigned long contacts, lists;     /* address book entries and personal lists */
	/* Mailboxes whose file could not be written: how many, and a line
	 * for each saying which and why. The caller releases problem_text,
	 * whatever the return. */
	unsigned long problems;
	struct ccm_buf problem_text;
	struct ccm_out_renamed renamed;
};

/*
 * Writes each mailbox of store s as dir/<name>.pst (named as
 * export/mailboxes.h says) and the public folders as dir/public.pst,
 * each with pst/messaging.h: the mailbox's folders below Top of Personal
 * Folders, in their hierarchy, Inbox, Sent Items, Deleted Items, Drafts
 * and Outbox among them; each message with its sender, recipients (Bcc
 * only on the sender's own copy, ccm_store_senders_copy), dates
 * (ccm_store_message_date when one is missing), flags, body, kept
 * headers, attachments streamed from the store, and the messages
 * forwarded in it as embedded messages, to any depth; the mailbox's
 * personal address book in a Contacts folder (export/pst_pab.h). Each file is
 * replaced whole (written as NAME.tmp, then renamed). A mailbox whose
 * file cannot be written is counted in st->problems, said in
 * st->problem_text, and the export goes on. o->progress is called after
 * each message. o->size is the size limit (export/size_limit.h), a
 * message's size being its PR_MESSAGE_SIZE (pst/messaging.h; known before
 * it is written: ccm_size_plan); its decisions go to o->report, as do
 * messages a PST cannot hold. o->zones is not used (a PST keeps UTC).
 * Returns 0, or a negative code (err filled) for a failure that stops
 * the whole export (the folder cannot be made, the store cannot be read).
 * Files are written by up to four threads (one per core), each on a
 * read-only connection of its own to s's file (s itself for the first),
 * each file by one thread: the bytes do not depend on how many.
 */
int ccm_pst_export(struct ccm_store *s, const char *dir, const struct ccm_out_opts *o,
		   struct ccm_pst_export_stats *st, struct ccm_error *err);

#endif
