/* import.h: a migration file set into the store, as the wizard imported it. */
#ifndef CCM_IMPORT_H
#define CCM_IMPORT_H

#include "base/progress.h"
#include "base/report.h"
#include "store/store.h"
#include "store/recipients.h"

/*
 * The import's policy hook (the Lua host makes it from policy scripts):
 * a user's mailbox is about to be found or made, and `candidates` are the
 * custom recipients that may stand for the user (the one holding its
 * address first, then those with its cc:Mail name, display name or
 * alias). Return 1 with *chosen set to a candidate's id, or with
 * *chosen_alias set to the alias of any custom recipient, to make it the
 * mailbox; 0 for none of them (a new mailbox is made when allowed); 2 for
 * no answer (what happens without the hook happens); or a
 * negative code with err saying what failed: CCM_EINVAL when the policy
 * itself failed (its user is reported and left out, its rows go to the
 * recovery file, and the import goes on), any other code stops the
 * import. An alias that no custom recipient has is reported and taken as
 * none.
 */
struct ccm_import_policy {
	void *ctx;
	int (*custom_recipient)(void *ctx, const char *address, const char *name,
				const struct ccm_recipient *candidates, size_t n,
				long long *chosen, const char **chosen_alias,
				struct ccm_error *err);
};

/*
 * The header a stored message carries when a policy left attachments of
 * its source message out (the "dropped" of its "!ccmig-id" line,
 * iff/srcid.h): "2, 5, 3.1 (policy:big.lua:message)", their places among
 * the source message's attachments (1 for the first; "3.1" the first of
 * the forwarded message that is attachment 3, which is stored without
 * it) and who decided. The message's body (or the forwarded message's)
 * holds a note for each; verify reads the header to account for them,
 * and exports show it.
 */
#define CCM_IMPORT_DROPPED_HEADER "X-ccmig-Attachments-Removed"

struct ccm_import_opts {
	/* A MAILMESSAGE section whose mailbox is neither found nor a custom
	 * recipient to convert: 1 creates the mailbox, 0 skips the section
	 * (events 8074 and 8124) into the recovery file. */
	int create_mailboxes;
	/* The zone the set's 14-digit local dates were written in (the post
	 * office's); NULL or "" means UTC. */
	const char *time_zone;
	const struct ccm_import_policy *policy;   /* NULL: none */
	/* 1: the caller has started the store's run (ccm_migrate records
	 * one run for extract and import) and finishes it; 0: the import
	 * records a run of its own, "import" with the packing list. */
	int in_run;
	/* The run as the store records it (when not in_run): the command
	 * line as typed (NULL: the packing list) and the policies as
	 * "SHA-256  path" lines (NULL: none). */
	const char *args;
	const char *policies;
	/* Called every few rows and after each section (base/progress.h):
	 * done is the rows read, bytes those of the primary files read of
	 * bytes_total, theirs all; may be NULL. */
	ccm_progress_fn progress;
	void *progress_ctx;
};

struct ccm_import_stats {
	unsigned long sections, sections_skipped;
	unsigned long rows, rows_skipped, rows_already;
	unsigned long mailboxes_created, converted, messages, attachments;
	unsigned long long attachment_bytes;
	/* Rows known by their source identity (iff/srcid.h): messages an
	 * earlier run stored (of rows_already), those a policy placed anew (folder, subject, read flag); messages
	 * extraction left out, and of those the ones an earlier run stored,
	 * which stay; users left out whole. */
	unsigned long messages_already, placed, left_out, kept, users_left_out;
	/* Forwarded messages unfolded into messages of their own, every
	 * level counted (flow/forwards.h), an older store's included. */
	unsigned long forwarded;
	char recovery[64];          /* RECOVER-NNNN.pkl when one was written */
};

/*
 * Imports the set of packing list `pkl` into store `s` (spec section 6):
 * primaries in packing-list order, sections in file order, each section
 * one transaction. DIRECTORY rows create mailboxes, or convert the custom
 * recipient that holds their MIGRATE:/CCMAIL: address into the mailbox,
 * in place (Q194218, Q200564: never event 238). A MAILMESSAGE section
 * finds its mailbox by address and converts a custom recipient the same
 * way; its rows become messages in their folders with their attachments,
 * streamed. PublicMessages rows go to public folders. Every source row is
 * recorded in the ledger (packing list, primary file, row offset), so
 * importing the same set again adds nothing, and a run killed at any
 * moment is finished by running it again.
 *
 * A bad row is skipped alone; a bad section (its keyword or header line,
 * a mailbox that can be neither found nor made) is skipped whole (8124);
 * either way it is reported in `rep` and in the store's events, and
 * written with its section's keyword and header lines to a recovery file
 * RECOVER-NNNN.pri beside the packing list, with RECOVER-NNNN.pkl listing
 * it and the set's secondaries (spec 12.8), so that it can be fixed and
 * imported with the same command. A PAB section becomes the mailbox's
 * personal address book (store/pab.h), with a notice message in its
 * Inbox listing what arrived, as the wizard left one.
 *
 * Returns 0 when the import ran (problems are reported), or a negative
 * code when it could not (err filled): the set cannot be read at all, a
 * store or write error.
 */
int ccm_import(struct ccm_store *s, const char *pkl,
	       const struct ccm_import_opts *o, struct ccm_report *rep,
	       struct ccm_import_stats *st, struct ccm_error *err);

#endif
