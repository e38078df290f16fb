/* sort.h: fixed-size records sorted by a 64-bit key, in memory up to a bound, then in runs on disk. */
#ifndef CCM_PST_SORT_H
#define CCM_PST_SORT_H

#include <stddef.h>
#include <stdint.h>
#include "base/error.h"

/*
 * The B-trees of a PST file are built bottom-up from their entries in key
 * order, and a big file has millions of entries. Records go to memory
 * until `mem_limit` bytes are held; then they are sorted and written as a
 * run to a temporary file beside the output (removed from its folder as
 * soon as it is made), and memory starts again. Reading merges the runs,
 * with a read buffer per run carved out of the same bound, so memory
 * stays flat whatever the count.
 *
 * A record's key is its first 8 bytes, little-endian; records with equal
 * keys come out ordered by their remaining bytes, so the order depends on
 * nothing but the records.
 */
struct ccm_pst_sort_run;
struct ccm_pst_sort {
	size_t rec;             /* bytes per record, at least 8 */
	size_t mem_limit;
	const char *near;       /* the temporary file goes beside this path */
	unsigned char *mem;
	size_t n, cap;          /* records in memory, and room for them */
	int fd;                 /* the runs' file, -1 until the first spill */
	uint64_t fd_len;
	struct ccm_pst_sort_run *runs;
	size_t nruns;
	uint64_t count;         /* records added */
	size_t *heap;           /* the merge: runs by their current record */
	size_t nheap;
	size_t next;            /* reading from memory alone: the next record */
	int handed;             /* merging: a record was handed out */
};

/* Prepares s for records of `rec` bytes; `near` must outlive s. */
void ccm_pst_sort_init(struct ccm_pst_sort *s, size_t rec, size_t mem_limit, const char *near);
/* Adds a record (copied). CCM_ENOMEM or CCM_EIO on failure (err filled). */
int ccm_pst_sort_add(struct ccm_pst_sort *s, const void *rec, struct ccm_error *err);
/* Ends the adding; the records can now be read in order, once. */
int ccm_pst_sort_begin(struct ccm_pst_sort *s, struct ccm_error *err);
/* The next record in order: 1 and *rec (valid until the next call), 0 at
 * the end, or a negative code. */
int ccm_pst_sort_next(struct ccm_pst_sort *s, const unsigned char **rec,
		      struct ccm_error *err);
/* Frees what s holds and closes its file. */
void ccm_pst_sort_release(struct ccm_pst_sort *s);

#endif
