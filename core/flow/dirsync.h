/* dirsync.h: cc:Mail directory synchronisation into the store, as the
 * Exchange cc:Mail connector did it before a migration. */
#ifndef CCM_STORE_DIRSYNC_H
#define CCM_STORE_DIRSYNC_H

#include "base/progress.h"
#include "base/report.h"
#include "ccmail/bundle.h"
#include "store/store.h"

/*
 * Name rules (A20, Q183058, Q197254): text with tokens
 *   %F first name   %L last name   %I middle initials ("Q" of "John Q.")
 *   %nF %nL %nI     the first n characters of it   %% a '%'
 * anything else is copied. The result is trimmed and runs of spaces made
 * one. A NULL rule is the default: display name "First Last"
 * (ccm_name_display), alias from ccm_name_alias (the Comments alias, or
 * first name and the last name's first letter).
 */
struct ccm_dirsync_opts {
	const char *display_rule;
	const char *alias_rule;
	/* Called after each user and each list's members (base/progress.h):
	 * those done of the users and lists; may be NULL. */
	ccm_progress_fn progress;
	void *progress_ctx;
};

/* CCM_EINVAL, err saying where, for a '%' not followed by F, L, I, %
 * or a count and one of those. */
int ccm_dirsync_rule_check(const char *rule, struct ccm_error *err);
/* The display name of cc:Mail name `name` by `rule` (NULL: default). */
void ccm_dirsync_display(struct ccm_buf *out, const char *rule, const char *name);
/* The alias (before making it unique) by `rule`: ASCII letters, digits,
 * '.', '-', '_' only, lower-case, at most 20 characters, never empty. */
void ccm_dirsync_alias(struct ccm_buf *out, const char *rule, const char *name,
		       const char *comments);

struct ccm_dirsync_stats {
	unsigned long users;          /* L l R r entries (duplicates left out) */
	unsigned long created;        /* custom recipients created */
	unsigned long updated;        /* custom recipients whose data changed */
	unsigned long unchanged;
	unsigned long mailboxes;      /* users already mailboxes: left as they are */
	unsigned long skipped;        /* users not synchronised (reported) */
	unsigned long lists;          /* public mailing lists */
	unsigned long dl_created, dl_updated;
	unsigned long members;        /* members of all lists, as resolved */
	unsigned long members_added, members_removed;
	unsigned long contacts;       /* custom recipients made for SMTP and
					 foreign members of lists */
	unsigned long unresolved;     /* members not found (reported) */
	unsigned long stale;          /* earlier dirsync recipients no longer
					 in the directory (reported, kept) */
	long long run_id;             /* ccm_dirsync_run: the run recorded */
};

/*
 * Synchronises the directory and public lists of bundle `b` into the
 * store, in the caller's transaction (or statement by statement when
 * none is open):
 *  - every user (L, l, R, r; duplicates skipped) gets a custom recipient
 *    whose target and primary address is CCMAIL:<Name> at <PO> (the
 *    bundle's post office for L and R, the entry's Addr for l and r),
 *    display name and alias by the rules, alias made unique, first and
 *    last name, Comments with office and phone, the ccmail_ fields and
 *    dirsync_po = the bundle's post office;
 *  - a user already in the store (found by that address, or by its
 *    MIGRATE:CCMAIL: proxy) is updated when a custom recipient, left as
 *    it is when a mailbox; one held by a list or public folder is an
 *    error for that user;
 *  - every public list becomes a distribution list (found again by its
 *    primary address CCMAIL:<List> at <PO>) whose members are the
 *    recipients its members resolve to (ccmail/address.h against the
 *    directory; aliases followed; other lists by name; SMTP and foreign
 *    addresses become custom recipients of their own); members no longer
 *    in the list are taken out; a member that resolves to nothing is
 *    reported ("unresolved-member"), never dropped silently;
 *  - recipients an earlier dirsync of this post office made that are no
 *    longer in the directory are reported ("stale-recipient") and kept.
 * Problems go to `rep`. Running it again changes nothing unless the
 * directory, the lists or the rules changed. Returns 0 or a negative code
 * (a store failure; the caller rolls back).
 */
int ccm_dirsync_bundle(struct ccm_store *s, struct ccm_bundle *b,
		       const struct ccm_dirsync_opts *o,
		       struct ccm_dirsync_stats *st, struct ccm_report *rep,
		       struct ccm_error *err);

/*
 * `ccmig dirsync`: opens bundle `po_dir`, starts a run ("dirsync"), and
 * synchronises in one transaction; every report entry (the bundle's
 * too) is recorded as an event of the run and passed on to `rep`; the run
 * is finished with its status and the counts of st. Returns 0 when
 * nothing was reported above a note, 1 when warnings or errors were, or a
 * negative code when it failed (the transaction rolled back, the run
 * recorded with status 2 when the store could still be written).
 */
int ccm_dirsync_run(struct ccm_store *s, const char *po_dir,
		    const struct ccm_dirsync_opts *o, struct ccm_dirsync_stats *st,
		    struct ccm_report *rep, struct ccm_error *err);

#endif
