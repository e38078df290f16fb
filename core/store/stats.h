/* stats.h: what a store holds, counted, for `ccmig stat` and verify. */
#ifndef CCM_STORE_STATS_H
#define CCM_STORE_STATS_H

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

#endif
