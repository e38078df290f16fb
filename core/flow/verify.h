/* verify.h: does the store account for every message of a post office? */
#ifndef CCM_VERIFY_H
#define CCM_VERIFY_H

#include "base/progress.h"
#include "ccmail/bundle.h"
#include "ccmail/share.h"
#include "store/store.h"

/* Messages left out by one reason ("rule:r8-settings", "option:no-mail",
 * "policy:pilot.lua:user" ...). */
struct ccm_verify_reason {
	char *reason;
	unsigned long messages;
};

struct ccm_verify_stats {
	unsigned long users;            /* local and mobile users checked */
	unsigned long no_mailbox;       /* of them without a mailbox, unaccounted */
	unsigned long users_left_out;   /* of them without a mailbox by decision */
	unsigned long boards;
	/* mailboxes (users and boards) outside the share checked: their
	 * mailbox must be there, their mail is another share's */
	unsigned long outside;
	unsigned long source_messages;  /* messages of the post office */
	unsigned long store_messages;   /* messages of those mailboxes and boards */
	unsigned long matched;          /* source messages the store holds as they are */
	unsigned long decided;          /* source messages left out by a decision */
	unsigned long missing;          /* source messages neither held nor decided */
	unsigned long mismatched;       /* held, but not as they are in the post office */
	unsigned long extra;            /* store messages with no source message */
	unsigned long long attachment_bytes;  /* source attachment bytes hashed */
	struct ccm_verify_reason *reasons;    /* decided, by reason */
	size_t n_reasons;
	/* attachments of matched messages a policy left out (the message
	 * says so: flow/import.h, CCM_IMPORT_DROPPED_HEADER), and by reason
	 * ("policy:big.lua:message"; `messages` counts attachments) */
	unsigned long attachments_left_out;
	struct ccm_verify_reason *att_reasons;
	size_t n_att_reasons;
};

struct ccm_verify_opts {
	/* Report each decided message too, as a note "verify-decided". */
	int list;
	/* Called after each owner (base/progress.h): owners checked of the
	 * users and boards, bytes of attachments hashed; may be NULL. */
	ccm_progress_fn progress;
	void *progress_ctx;
	/* A share of the post office (ccmail/share.h): the mail of the
	 * mailboxes outside it is not compared (another share's store holds
	 * it); every user's mailbox must still be there. NULL: all. */
	const struct ccm_share *share;
};

/* Frees st->reasons and st->att_reasons. */
void ccm_verify_stats_release(struct ccm_verify_stats *st);

/*
 * Reconciles bundle `b` with store `s`, owner by owner (every local and
 * mobile user, every bulletin board). Each source message is found by
 * its source identity (post office, owner, fingerprint, occurrence:
 * store/sources.h) and must be in the store as it is in the post office:
 * the same date, number of recipients and attachment contents (SHA-256
 * of the bytes the store holds, so a changed byte shows); folder,
 * subject and read flag may differ, since a policy may place a message.
 * Or the store's record says it was left out by a decision, of the
 * message or of its user. A message stored without attachments a policy
 * left out matches when the rest is the same and the store's message
 * names them (CCM_IMPORT_DROPPED_HEADER): each is counted in
 * attachments_left_out, and with `list` reported as "verify-decided". A message stored before identities were kept
 * (schema version 2) is matched by folder, subject, date, flags,
 * recipients and attachments instead. Messages of other post offices in
 * the same store are not counted. With o->share, only the share's
 * mailboxes are compared (st->outside counts the others).

 *
 * Every problem is reported in b->rep: "verify-no-mailbox",
 * "verify-missing" (neither held nor decided), "verify-mismatch",
 * "verify-extra" (with mailbox and folder), all errors. With o->list,
 * each decided message is reported too, as a note "verify-decided" (o
 * may be NULL: no list, no progress).
 * Returns 0 (counts in st, release it), or a negative code on a system
 * or store error.
 */
int ccm_verify(struct ccm_bundle *b, struct ccm_store *s, const struct ccm_verify_opts *o,
	       struct ccm_verify_stats *st, struct ccm_error *err);

#endif
