/* ndb_int.h: the writer's state, shared by the files of the NDB layer only. */
#ifndef CCM_PST_NDB_INT_H
#define CCM_PST_NDB_INT_H

#include "pst/amap.h"
#include "pst/ndb.h"
#include "pst/out.h"
#include "pst/sort.h"

struct ccm_pst_ndb {
	struct ccm_pst_out out;
	struct ccm_pst_amap amap;
	struct ccm_pst_sort nodes;      /* NBT leaf entries, by nid */
	struct ccm_pst_sort blocks;     /* BBT leaf entries, by BID (cRef 1) */
	struct ccm_pst_sort refs;       /* a BID per reference to it */
	uint64_t next_bid;              /* bidNextB */
	uint64_t next_page;             /* bidNextP */
	uint32_t rgnid[32];             /* the next nidIndex of each nidType */
	struct ccm_pst_ndb_stream *streams;     /* not yet ended */
	int failed;                     /* the error that stopped the writer */
	struct ccm_error failure;
};

/* The writer's error after a failure, copied to err; 0 when sound. */
int ccm_pst_ndb_check(struct ccm_pst_ndb *w, struct ccm_error *err);
/* Records a failure (rc, err) so that later calls give it again; rc. */
int ccm_pst_ndb_fail(struct ccm_pst_ndb *w, int rc, const struct ccm_error *err);

/* Writes one block of n bytes (at most 8176) with its trailer; internal
 * marks XBLOCK, XXBLOCK, SLBLOCK and SIBLOCK. *bid its new BID. */
int ccm_pst_ndb_block(uint64_t *bid, struct ccm_pst_ndb *w, const void *p, size_t n,
		      int internal, struct ccm_error *err);
/* Counts a reference to bid (an entry of a tree, or of a node). */
int ccm_pst_ndb_ref(struct ccm_pst_ndb *w, uint64_t bid, struct ccm_error *err);
/* Writes a B-tree page (its 496 bytes filled) of type ptype: *bid, *ib. */
int ccm_pst_ndb_page(uint64_t *bid, uint64_t *ib, struct ccm_pst_ndb *w, unsigned char *page,
		     int ptype, struct ccm_error *err);

/* Frees the streams not ended (for abort). */
void ccm_pst_ndb_streams_free(struct ccm_pst_ndb *w);

#endif
