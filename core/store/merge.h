/* merge.h: stores of separate jobs merged into one (ccmig merge). */
#ifndef CCM_STORE_MERGE_H
#define CCM_STORE_MERGE_H

#include <stddef.h>
#include "base/progress.h"
#include "store/store.h"

/*
 * What a merge does with each table (docs/store.md, "Merging stores"):
 *  - runs: every run of the part is added once, renumbered, with its
 *    counts and events; runs.origin ("<store_uid>:<id>" where it ran)
 *    and runs.merged_from (the part's path) say where it came from, and
 *    a run merged before is not added again;
 *  - recipients: the same object when they share an address (type and
 *    match key: the cc:Mail address of a user, post office and name),
 *    else a new one, its alias made unique (alias2 ...) when another
 *    object holds it. Of two, a mailbox's directory data win over a
 *    custom recipient's (the custom recipient becomes the mailbox, as a
 *    migration converts it), else those of the later run; addresses and
 *    list memberships are the union;
 *  - folders by mailbox and path; address book entries by mailbox and
 *    content, once;
 *  - source messages by identity (post office, owner, fingerprint,
 *    occurrence), held once: the record of the later run (by the start
 *    of the run that decided, ties by the runs' origin) stands, and a
 *    message held on either side stays held, as a later run of one store
 *    keeps what an earlier one stored ("kept" when the later run left it
 *    out). A message without identity (another tool's row, an address
 *    book's notice) is held once by its origin, or, for a notice, by its
 *    address book's ledger;
 *  - blobs by SHA-256; the ledger by source and item (the IMAP ledger's
 *    items are message identities, so an export of the merged store
 *    finds what the parts' exports sent);
 *  - meta: the zone and post office settings a part knows and the merged
 *    store does not; a differing one is counted in settings_differ.
 * Merging a part twice adds nothing; the messages do not depend on the
 * order the parts are merged in.
 */
struct ccm_merge_stats {
	long long runs, runs_there;           /* runs added; merged before */
	long long events;                     /* events added with them */
	long long recipients, recipients_there;
	long long address_conflicts;          /* held by another object: left out */
	long long folders;
	long long messages;                   /* messages copied (forwarded
						 ones not counted) */
	long long messages_there;             /* held already */
	long long sources, sources_decided;   /* identities added; whose
						 decision the part changed */
	long long blobs, blobs_there;
	long long pab;
	long long settings_differ;
};

/*
 * Checks that the file `part` can be merged into the store at `into`
 * (which may not exist yet): it exists, is not that store itself (the
 * same file, or a copy: the same store_uid), is a ccmig store of this
 * program's schema version, and no writer holds it. CCM_ENOTFOUND,
 * CCM_EINVAL (it is the store merged into), CCM_EMALFORMED (not a store),
 * CCM_EUNSUPPORTED (another schema version: err says how to upgrade it),
 * CCM_EEXISTS (another ccmig writes it), each with err naming the part.
 * The part is only read.
 */
int ccm_merge_check_part(const char *part, const char *into, struct ccm_error *err);

/*
 * Merges the store at `part` (checked as above) into s, open for
 * writing, in one transaction: all of it or nothing. Adds to *st (not
 * zeroed). s must have no transaction open. The part is only read.
 * 0, or a negative code with err naming the part.
 */
int ccm_store_merge_part(struct ccm_store *s, const char *part,
			 struct ccm_merge_stats *st, struct ccm_error *err);

/*
 * Opens, as *out, a temporary store (SQLite's, removed when it closes)
 * into which the n stores `parts` are merged without their contents
 * (bodies and attachment bytes; their sizes stay): the account of them
 * all, for a report that speaks of several stores. Each part is checked
 * as ccm_merge_check_part says. 0, or a negative code with err naming
 * the part; close *out with ccm_store_close().
 */
int ccm_store_open_merged(struct ccm_store **out, const char *const *parts, size_t n,
			  struct ccm_error *err);

struct ccm_merge_opts {
	/* Called once a part is merged, with what it added; may be NULL. */
	void (*part_done)(void *ctx, size_t i, const char *part,
			  const struct ccm_merge_stats *st);
	void *ctx;
	/* Parts done of the total (items); may be NULL. */
	ccm_progress_fn progress;
	void *progress_ctx;
};

/*
 * Merges the n stores `parts` into the store at `into`, made when
 * missing: every part is checked first (nothing is merged when one fails
 * the check), then merged into a working copy beside it,
 * "<into>.merging" (a copy of the store when it exists), which replaces
 * it once every part is in. A merge that fails or is killed leaves
 * `into` as it was; the next merge removes a working copy left over.
 * Holds the store's writer lock throughout. n may be 0: the store is
 * made, or brought to this schema version. *total gets the sums.
 * 0, or a negative code with err saying which part or file failed.
 */
int ccm_merge(const char *into, const char *const *parts, size_t n,
	      const struct ccm_merge_opts *o, struct ccm_merge_stats *total,
	      struct ccm_error *err);

#endif
