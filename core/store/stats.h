/* stats.h: what a store holds, counted, for `ccmig stat` and verify. */
#ifndef CCM_STORE_STATS_H
#define CCM_STORE_STATS_H

#include "base/buf.h"
#include "store/store.h"

/*
 * Totals over the whole store. Bytes: message bodies, attachments as the
 * messages hold them (attachment_bytes: every attachment counted), and
 * the distinct contents actually stored (blob_bytes); the difference is
 * what deduplication saved.
 */
struct ccm_store_stats {
	long long recipients;            /* all kinds */
	long long by_kind[5];            /* indexed by enum ccm_recip_kind */
	long long converted;             /* mailboxes converted from custom recipients */
	long long addresses, memberships;
	long long folders, public_folders;
	long long messages, public_messages;
	long long body_bytes;
	long long attachments, attachment_bytes;
	long long blobs, blob_bytes;
	long long ledger;                /* source rows recorded */
	long long runs;
	long long events[3];             /* by enum ccm_severity */
};

int ccm_store_stats(struct ccm_store_stats *out, struct ccm_store *s,
		    struct ccm_error *err);

/* One mailbox's contents, as the cursor gives it (strings borrowed). */
struct ccm_store_mailbox_stats {
	long long id;
	const char *alias, *display_name;
	int converted;                   /* was a custom recipient */
	long long folders, messages, bytes, attachments;
};

/* Every mailbox in id order with its folders, messages, bytes (bodies and
 * attachments) and attachments. */
int ccm_store_mailbox_stats(struct ccm_store_cursor **out, struct ccm_store *s,
			    struct ccm_error *err);
int ccm_store_next_mailbox_stats(struct ccm_store_cursor *c,
				 struct ccm_store_mailbox_stats *m,
				 struct ccm_error *err);

/* ---- the account of a migration -------------------------------------------
 *
 * What `ccmig report` and `ccmig stat --csv` show: one row per cc:Mail user
 * and bulletin board the store knows of (from its source records), and per
 * mailbox it holds without one, with what became of its messages. The
 * words are kept apart: a *decision* (a policy, an option, a default rule)
 * left something out on purpose and is counted by its reason; a *problem*
 * is a warning or error event (damage read around, a repair, a message
 * lost or unaccounted for).
 *
 * Problems count for the runs whose decisions stand: those that the source
 * records name (a later run that read a user again replaces the earlier
 * run's word on it); events are tied to a row by their mailbox name, as
 * cc:Mail compares names. A store with no source records (sets of other
 * tools, dirsync alone) counts every run's problems.
 */

/* A row's status: every message there; there, but for decisions (left out
 * on purpose, the user left out, or kept from an earlier run); or problems
 * (damage, repairs, messages unaccounted for). */
enum ccm_box_status { CCM_BOX_COMPLETE, CCM_BOX_DECIDED, CCM_BOX_INCOMPLETE };
/* "complete", "complete with decisions", "incomplete". */
const char *ccm_box_status_name(int status);

/* One row. Strings are never NULL ("" when unknown) and belong to the
 * tally. Counts of source messages: source = migrated + left_out +
 * unaccounted; kept is part of migrated. What the store holds (messages,
 * bytes: bodies and attachments, attachments) is counted from the mailbox
 * or the board's public folder, so a mailbox also holds messages that came
 * without a source record. */
struct ccm_store_box {
	const char *kind;              /* "user" or "board" */
	const char *po, *name;         /* post office, cc:Mail name as written */
	const char *alias, *display_name;   /* of its mailbox */
	const char *folder;            /* a board's public folder */
	const char *user_decision;     /* the user as a whole: "migrated",
					  "left-out", "kept", "" no record */
	const char *user_reason;       /* who decided, for left-out and kept */
	long long mailbox_id;          /* 0: none */
	long long source, migrated, kept, left_out, unaccounted;
	const long long *left_out_by;  /* n_reasons counts, as tally.reasons */
	long long problems, errors;    /* problem events, errors among them */
	long long damaged;             /* distinct messages they name */
	long long messages, bytes, attachments;
	long long oldest, newest;      /* sent (else received) UTC; 0 none */
	int status;                    /* enum ccm_box_status */
};

/* A count under a name: a decision's reason, an event kind, a year. */
struct ccm_store_named {
	const char *what;    /* decisions: "message left-out", "message kept",
				"user left-out", "user kept"; problems: the
				severity; years: "" */
	const char *name;    /* the reason, the kind; years: "1999", "undated" */
	long long count;
};

struct ccm_store_tally {
	struct ccm_store_box *boxes;
	size_t n_boxes;
	const char **reasons;          /* reasons messages were left out, sorted */
	size_t n_reasons;
	struct ccm_store_named *decisions, *problem_kinds, *years;
	size_t n_decisions, n_problem_kinds, n_years;
	long long post_offices, users, boards, users_left_out;
	long long source, migrated, kept, left_out, unaccounted;
	long long problems, errors, warnings, damaged;
	long long loose_problems;      /* problems tied to no row */
	long long messages, bytes, attachments;   /* over the rows */
	long long runs, standing_runs;
	/* IMAP exports (runs "export" to an imap:// or imaps:// URL, of
	 * every store merged in): messages sent, the times servers made them
	 * wait (throttled, busy, connections closed: run count "waits"), and
	 * mailboxes given up while still throttled (events imap-throttled). */
	long long imap_exports, imap_sent, imap_waits, imap_throttled;
	/* private: where the rows, counts and strings are kept */
	struct ccm_buf mem_rows, mem_counts, mem_text, mem_named, mem_ptrs;
};

/*
 * Draws the account from the store alone (read-only handles do: it works
 * in SQLite's temporary tables). Rows in order of post office, users
 * before boards, name. Fills *out, which the caller empties with
 * ccm_store_tally_release() whether or not this succeeded. Holds a row per
 * mailbox in memory (a few hundred bytes each). 0 or a negative code.
 */
int ccm_store_tally(struct ccm_store_tally *out, struct ccm_store *s,
		    struct ccm_error *err);
void ccm_store_tally_release(struct ccm_store_tally *t);

#endif
