/* fingerprint.h: a source message's content fingerprint, the part of its
 * identity that survives a re-export (docs/store.md, "Identity"). */
#ifndef CCM_FINGERPRINT_H
#define CCM_FINGERPRINT_H

#include <stddef.h>
#define XXH_STATIC_LINKING_ONLY   /* a caller-owned state, no allocation */
#include <xxhash.h>

#include "ccmail/message.h"

/* 128 bits as 32 lower-case hex digits and a NUL. */
#define CCM_FP_HEX 33

/*
 * A fingerprint in progress. It covers the message's canonical header
 * fields (From, To, Cc, Bcc as written, Subject, Date as written) and, per
 * item, its kind, title and every data byte as the reader hands it out
 * (MacBinary kept whole). It does not cover the folder, the status flags
 * or where the message stands in its file: a message moved, read or
 * re-exported in another order is the same message. Items may be hashed in
 * any order, in more than one pass over the message (extract hashes text
 * items while it measures and attachments while it copies them): each
 * item's digest is kept by its index and the final digest takes them in
 * index order.
 *
 * The hash is XXH3-128 (libxxhash): the fingerprint tells ccmig's own
 * runs apart from each other, it guards against no adversary, and it
 * runs over every byte of the post office at memory speed where SHA-256
 * would cost a third of extract's time. Contents that must be proved the
 * same (verify's attachment check, the store's blobs) stay SHA-256.
 *
 * Caller-owned; ccm_fp_release() frees the per-item table.
 */
struct ccm_fp {
	XXH3_state_t head;          /* header fields */
	XXH3_state_t item;          /* the item being hashed */
	long item_index;            /* 0: none open */
	XXH128_hash_t *items;       /* digest by item index - 1 */
	unsigned char *have;        /* 1 where items[i] is set */
	size_t cap;
	long n_items;               /* highest index hashed */
	int ended;                  /* ccm_fp_final ran: hex holds the result */
	char hex[CCM_FP_HEX];
};

void ccm_fp_init(struct ccm_fp *fp);
void ccm_fp_release(struct ccm_fp *fp);

/* Starts message m: forgets any earlier message and hashes its headers. */
void ccm_fp_begin(struct ccm_fp *fp, const struct ccm_message *m);
/* Starts item `it` (ends any item still open). CCM_ENOMEM or 0. */
int ccm_fp_item_begin(struct ccm_fp *fp, const struct ccm_item *it);
void ccm_fp_item_update(struct ccm_fp *fp, const void *p, size_t n);
/* Ends the open item (no-op when none). */
void ccm_fp_item_end(struct ccm_fp *fp);
/* The message's fingerprint as hex into out. Ends the message: calling
 * it again gives the same until ccm_fp_begin() starts the next. */
void ccm_fp_final(char out[CCM_FP_HEX], struct ccm_fp *fp);

/*
 * Fingerprints the message the reader `f` stands at (just returned by
 * ccm_msgfile_next or ccm_msgfile_rewind), reading every item; `piece`
 * (n bytes) is scratch. The reader is left after the last item. Returns 0
 * or the reader's negative code (err filled).
 */
int ccm_fp_message(char out[CCM_FP_HEX], struct ccm_fp *fp,
		   struct ccm_msgfile *f, const struct ccm_message *m, char *piece,
		   size_t n, struct ccm_error *err);

/*
 * How many messages of one owner had a fingerprint so far: the `dup`
 * part of an identity, which tells identical copies in one mailbox apart
 * (the first is 1). Caller-owned; ccm_fp_seen_release() frees it.
 */
struct ccm_fp_seen {
	struct ccm_fp_seen_slot { char fp[CCM_FP_HEX]; long count; } *v;
	size_t cap, len;
};
void ccm_fp_seen_reset(struct ccm_fp_seen *s);
void ccm_fp_seen_release(struct ccm_fp_seen *s);
/* Counts fp once more and returns its count (1 the first time), or
 * CCM_ENOMEM. */
long ccm_fp_seen_add(struct ccm_fp_seen *s, const char *fp);

#endif
