/* sources.h: the identity of every source message and mailbox, and what
 * the latest run decided of it (docs/store.md, "Identity"). */
#ifndef CCM_STORE_SOURCES_H
#define CCM_STORE_SOURCES_H

#include "base/buf.h"
#include "store/store.h"

/*
 * A message of a post office is known by its post office, its owner (a
 * user's cc:Mail name, or a bulletin board's), its content fingerprint
 * and its occurrence among the owner's messages of that fingerprint
 * (ccmail/fingerprint.h): not by where a run's migration files put it.
 * Names compare as cc:Mail compares them (case and runs of spaces aside).
 */
struct ccm_source_key {
	const char *po;
	int board;                  /* owner is a bulletin board */
	const char *owner;
	const char *fp;             /* 32 hex digits */
	long dup;                   /* 1 for the first */
};

/* What a run decided of a source message. */
enum ccm_source_decision {
	CCM_SRC_MIGRATED = 1,       /* this run stored it (message_id) */
	CCM_SRC_ALREADY,            /* stored by an earlier run; still taken */
	CCM_SRC_KEPT,               /* stored earlier; this run would have left
				       it out (reason), and it stays */
	CCM_SRC_LEFT_OUT            /* not stored: reason says who decided */
};
/* "migrated", "already", "kept", "left-out". */
const char *ccm_source_decision_name(int d);

/* A record as found; strings are the store's, valid until the next
 * sources call. */
struct ccm_source_record {
	int decision;               /* enum ccm_source_decision */
	const char *reason;         /* NULL when none */
	long long message_id;       /* 0 when no message (or it is gone) */
	long long run_id;
	const char *file;
	long number;
};

/* 1 with *out filled (may be NULL) when k is recorded, 0 when not,
 * negative on a store error. */
int ccm_store_source_find(struct ccm_source_record *out, struct ccm_store *s,
			  const struct ccm_source_key *k, struct ccm_error *err);

/*
 * Whether the store holds message k: 1 when a record of it names a
 * message, 0 when not. With k->fp NULL or "": whether it holds any message
 * of k's owner.
 */
int ccm_store_source_holds(struct ccm_store *s, const struct ccm_source_key *k,
			   struct ccm_error *err);

/*
 * Records what the current run decided of k: where the message stands in
 * the post office (file, number), the decision, its reason (NULL: none)
 * and the message it is (0: none). Replaces what an earlier run recorded.
 */
int ccm_store_source_record(struct ccm_store *s, const struct ccm_source_key *k,
			    const char *file, long number, int decision,
			    const char *reason, long long message_id,
			    struct ccm_error *err);

/*
 * A user (or board) as a whole: the latest run left it out (decision
 * CCM_SRC_LEFT_OUT, with reason, e.g. "policy:pilot.lua:user"), would
 * have left it out but an earlier run made its mailbox, which stays
 * (CCM_SRC_KEPT, with reason), or took it (CCM_SRC_MIGRATED, reason
 * NULL). k's fp and dup are not used.
 */
int ccm_store_source_mailbox_record(struct ccm_store *s,
				    const struct ccm_source_key *k, int decision,
				    const char *reason, struct ccm_error *err);
/* 1 with *decision and reason (replaced; may be NULL) when recorded, 0
 * when not. */
int ccm_store_source_mailbox_find(struct ccm_store *s,
				  const struct ccm_source_key *k, int *decision,
				  struct ccm_buf *reason, struct ccm_error *err);

/* The post office (upper case) of a source message that became message
 * `message_id`: 1 with *po replaced, 0 when no source record names it. */
int ccm_store_source_po_of(struct ccm_store *s, long long message_id,
			   struct ccm_buf *po, struct ccm_error *err);

#endif
