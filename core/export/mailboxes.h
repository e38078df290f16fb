/* mailboxes.h: the mailboxes a Maildir or mbox export writes, and the folder of each. */
#ifndef CCM_OUT_MAILBOXES_H
#define CCM_OUT_MAILBOXES_H

#include "base/error.h"
#include "base/progress.h"
#include "base/report.h"
#include "export/size_limit.h"
#include "export/zones.h"
#include "store/store.h"

/* What a Maildir or mbox export takes besides its folder. */
struct ccm_out_opts {
	/* The zone of each mailbox's dates; NULL: UTC. */
	const struct ccm_out_zones *zones;
	/* Messages done (written, or there already) of the store's, and
	 * bytes written (base/progress.h); may be NULL. */
	ccm_progress_fn progress;
	void *progress_ctx;
	/* The largest message to write (export/size_limit.h); NULL: no limit. */
	const struct ccm_size_limit *size;
	/* Where the size decisions go (ccm_size_say): from one thread at a
	 * time. NULL: stderr. */
	struct ccm_report *report;
};

/* The messages of store s an export writes (forwarded messages inside
 * others not counted): the total of its progress; 0 when not known. */
unsigned long long ccm_out_message_count(struct ccm_store *s);

/*
 * The mailboxes whose folder got a number: how many, and the first of
 * them, for the export to say (an administrator looks for a user's mail
 * under the alias).
 */
struct ccm_out_renamed {
	unsigned long n;
	char alias[128], name[160];
};

/*
 * Every mailbox of a store, in id order, with the name of its folder in
 * a Maildir or mbox export: '/', control characters and a leading '.' of
 * the alias become '_', a long alias is fitted (folder_name.h), and a
 * name that is "public" (the public folders') or another mailbox's, in
 * any case, gets " (2)", " (3)" ..., so two mailboxes never share a
 * folder. Aliases that are folder names as they are keep them and the
 * others yield ("_x" stays "_x", ".x" becomes "_x (2)"); the order is the
 * store's, so every export of a store names them the same way.
 */
struct ccm_out_mailboxes {
	size_t n;
	long long *id;
	char **alias;
	char **name;
	struct ccm_out_renamed renamed;
};

/* Reads them: 0, or a negative code with err set (*out then empty).
 * Release with ccm_out_mailboxes_release either way. */
int ccm_out_mailboxes_read(struct ccm_out_mailboxes *out, struct ccm_store *s,
			   struct ccm_error *err);
void ccm_out_mailboxes_release(struct ccm_out_mailboxes *m);

/*
 * An export's threads, each writing mailboxes of its own: how many for
 * `jobs` mailboxes (one per core, at most CCM_OUT_MAX_THREADS and jobs, at
 * least 1); and running work(arg, s_i) in n of them at once, the first in
 * the calling thread on s, each other on a read-only connection of its own
 * to s's file. A connection or thread that cannot be made (a store in
 * memory) leaves fewer, the caller's at least. Returns when all have
 * ended; work shares arg and locks what it shares.
 */
#define CCM_OUT_MAX_THREADS 4
int ccm_out_thread_count(size_t jobs);
void ccm_out_run_threads(struct ccm_store *s, int n,
			 void (*work)(void *arg, struct ccm_store *s), void *arg);

#endif
