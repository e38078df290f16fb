/* verify.h: is everything of a post office in the store? */
#ifndef CCM_VERIFY_H
#define CCM_VERIFY_H

#include "ccmail/bundle.h"
#include "store/store.h"

struct ccm_verify_stats {
	unsigned long users;            /* local and mobile users checked */
	unsigned long no_mailbox;       /* of them without a mailbox */
	unsigned long boards;
	unsigned long source_messages;  /* messages of the post office */
	unsigned long store_messages;   /* messages of those mailboxes and boards */
	unsigned long missing;          /* source messages not found in the store */
	unsigned long extra;            /* store messages with no source message */
	unsigned long long attachment_bytes;  /* source attachment bytes hashed */
};

/*
 * Compares bundle `b` with store `s`, user by user and board by board:
 * every local and mobile user must have a mailbox (found by its CCMAIL
 * address), and each mailbox must hold exactly the user's messages. A
 * message is matched by its folder (mapped as extract maps it), subject,
 * date, read and unsent flags, number of recipients and the SHA-256 of
 * each attachment's content, so a changed byte anywhere in an attachment
 * is a difference. Every difference is reported in b->rep (kinds
 * "verify-no-mailbox", "verify-missing", "verify-extra") with the source
 * file and message. Returns 0 (differences are counted in st), or a
 * negative code on a system or store error.
 */
int ccm_verify(struct ccm_bundle *b, struct ccm_store *s,
	       struct ccm_verify_stats *st, struct ccm_error *err);

#endif
