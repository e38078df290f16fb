/* spool.h: bytes of unknown length held in memory up to a limit, then on disk. */
#ifndef CCM_SPOOL_H
#define CCM_SPOOL_H

#include <stdio.h>
#include "base/buf.h"
#include "base/error.h"

/*
 * A migration file section's header states its length before its data, so
 * data whose length is not known in advance (a message body being
 * converted) is spooled first. Memory never holds more than `mem_limit`
 * bytes: past it everything goes to a temporary file in $TMPDIR (/tmp when
 * unset), removed from its folder as soon as it is made.
 */
struct ccm_spool {
	struct ccm_buf mem;
	FILE *file;                 /* NULL until the limit is passed */
	size_t mem_limit;
	unsigned long long len;     /* bytes written since the last reset */
};

void ccm_spool_init(struct ccm_spool *s, size_t mem_limit);
/* Appends n bytes. CCM_EIO (err filled) on failure. */
int ccm_spool_write(struct ccm_spool *s, const void *p, size_t n,
		    struct ccm_error *err);
/*
 * Hands every byte written, in order and in pieces, to fn; fn returns 0
 * to go on or a negative code, which is returned. The spool is unchanged.
 */
int ccm_spool_replay(struct ccm_spool *s,
		     int (*fn)(void *ctx, const void *p, size_t n, struct ccm_error *err),
		     void *ctx, struct ccm_error *err);
/*
 * The temporary file holding exactly the bytes written (made now when they
 * are in memory), for a caller that reads them back at will (pread): its
 * descriptor, owned by the spool and valid until the next write, reset or
 * release; or a negative code (err filled).
 */
int ccm_spool_fd(struct ccm_spool *s, struct ccm_error *err);
/* Empties the spool for reuse (the temporary file is kept). */
void ccm_spool_reset(struct ccm_spool *s);
/* Frees memory and closes the temporary file. */
void ccm_spool_release(struct ccm_spool *s);

#endif
