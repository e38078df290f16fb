/* share.h: a share of a post office's mailboxes, for running one post
 * office as several jobs (a list of names, or share I of N by bytes). */
#ifndef CCM_SHARE_H
#define CCM_SHARE_H

#include <stddef.h>
#include "base/error.h"
#include "ccmail/bundle.h"

/* A mailbox of a post office: a local user's or a bulletin board's. */
struct ccm_share_box {
	const char *name;            /* the bundle's own string (directory or
					manifest): valid while the bundle is */
	int board;                   /* 1: a bulletin board */
	unsigned long long bytes;    /* size of its message file; 0: no mail */
};

/*
 * Every mailbox of bundle `b`, in its stable order: the local users of
 * the directory (duplicates once), then the boards, each sorted by name
 * (bytes, strcmp). *out (free() it) and *n; 0, or CCM_ENOMEM.
 * A message file that cannot be read counts 0 bytes.
 */
int ccm_share_boxes(struct ccm_share_box **out, size_t *n, const struct ccm_bundle *b,
		    struct ccm_error *err);

/*
 * Deals n items of sizes bytes[] (in a stable order) into `shares` shares
 * balanced by bytes: largest first (ties: the earlier item), each to the
 * share holding the fewest bytes so far (ties: the lowest share). out[i]
 * is item i's share. The same input always gives the same answer, on any
 * host. Returns 0 or CCM_ENOMEM.
 */
int ccm_share_assign(size_t *out, const unsigned long long *bytes, size_t n,
		     size_t shares, struct ccm_error *err);

/* The mailboxes of a share, by the bundle's names. */
struct ccm_share {
	char **names;        /* sorted (strcmp), each once */
	size_t len;
	size_t of;           /* mailboxes of the whole post office */
	unsigned long long bytes, of_bytes;   /* of the share, of the whole */
	char label[256];     /* "share 1/4" or "the mailboxes of FILE" */
};

/*
 * The share a file names: one mailbox a line (a local user's cc:Mail
 * name or a board's name, in any case), blank lines and lines starting
 * with '#' left out. A name that is no mailbox of `b` fails with
 * CCM_EINVAL and err naming the file and line; a file that cannot be read
 * with CCM_EIO. *out: free it with ccm_share_free().
 */
int ccm_share_read(struct ccm_share **out, const struct ccm_bundle *b, const char *file,
		   struct ccm_error *err);

/* The share of the mailboxes `names` names (as ccm_share_read, a list
 * instead of a file; err names the name's place in the list). */
int ccm_share_names(struct ccm_share **out, const struct ccm_bundle *b,
		    const char *const *names, size_t n_names, struct ccm_error *err);

/* Share `i` of `n` of b's mailboxes as ccm_share_assign deals them over
 * ccm_share_boxes (0 <= i < n, else CCM_EINVAL). */
int ccm_share_pick(struct ccm_share **out, const struct ccm_bundle *b, size_t i, size_t n,
		   struct ccm_error *err);

/* Parses "I/N" (0 <= I < N): 0, or -1 when it is not that. */
int ccm_share_parse(const char *s, size_t *i, size_t *n);

/* 1 when mailbox `name` (the bundle's string) is in the share; a NULL
 * share is the whole post office. */
int ccm_share_has(const struct ccm_share *s, const char *name);

void ccm_share_free(struct ccm_share *s);

#endif
