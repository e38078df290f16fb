/* out.h: the PST file being written: "NAME.tmp", then renamed to NAME. */
#ifndef CCM_PST_OUT_H
#define CCM_PST_OUT_H

#include <stddef.h>
#include <stdint.h>
#include "base/error.h"

/*
 * Writes go to "NAME.tmp" at any offset; writes that follow each other
 * are gathered in a buffer of 1 MiB, so that streaming a file costs one
 * system call per megabyte. Nothing appears under NAME until
 * ccm_pst_out_commit() has written everything, synced it and renamed it.
 * Every error names the file and the offset, and says what to do.
 */
struct ccm_pst_out {
	int fd;                 /* -1 once closed */
	char *path;             /* NAME */
	char *tmp;              /* NAME.tmp */
	unsigned char *buf;
	size_t len;             /* bytes waiting in buf ... */
	uint64_t buf_ib;        /* ... to go at this offset */
};

/* Reads (writing 0) or writes n bytes at offset off of fd, going on
 * after short transfers and interruptions: 0, or the errno value of the
 * failure (ENOSPC for a write that makes no progress, EIO for a read
 * past the end). */
int ccm_pst_io_full(int fd, void *p, size_t n, uint64_t off, int writing);

/* Creates (or empties) NAME.tmp. *o is caller storage; on failure it
 * holds nothing. */
int ccm_pst_out_open(struct ccm_pst_out *o, const char *path, struct ccm_error *err);
/* Writes n bytes at offset ib (gathered with the write before when they
 * follow it). */
int ccm_pst_out_write(struct ccm_pst_out *o, uint64_t ib, const void *p, size_t n,
		      struct ccm_error *err);
/* Sets the file's size to `size` (the rest reads as zeros), syncs it,
 * closes it and renames NAME.tmp to NAME, then syncs the folder. On
 * failure NAME.tmp is removed and NAME left as it was. Releases o. */
int ccm_pst_out_commit(struct ccm_pst_out *o, uint64_t size, struct ccm_error *err);
/* Closes and removes NAME.tmp; releases o. Safe on a released o. */
void ccm_pst_out_discard(struct ccm_pst_out *o);

#endif
