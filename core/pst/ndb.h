/* ndb.h: the node database of a Unicode PST file, written once, front to back ([MS-PST] 2.2). */
#ifndef CCM_PST_NDB_H
#define CCM_PST_NDB_H

#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"
#include "base/error.h"

/*
 * The lowest layer of ccmig's PST writer: blocks of data, the trees that
 * join blocks into longer data (XBLOCK, XXBLOCK) and into subnodes
 * (SLBLOCK, SIBLOCK), the nodes that name them, and at the end the node
 * and block B-trees, the allocation maps, the density list and the
 * header. The file is Unicode (wVer 23), unencrypted (bCryptMethod
 * NDB_CRYPT_NONE), and the same calls always give the same bytes: no
 * clock, no random value, nothing from the machine.
 *
 * Blocks are written as they are made, so memory does not grow with the
 * data; the entries of the B-trees are held in memory up to a bound and
 * past it in a temporary file beside the output (docs/pst.md). The file
 * is "NAME.tmp" until ccm_pst_ndb_finish() renames it to NAME.
 *
 * Errors: every function returns 0 or a negative CCM_E* code with err
 * filled (the file, the offset, what to do). After a failure the writer
 * refuses further work with the same error; the caller ends it with
 * ccm_pst_ndb_abort() (ccm_pst_ndb_finish() does the same and returns
 * the error). Either way nothing is left under NAME or NAME.tmp.
 *
 * BIDs are made here: data blocks have bit 1 clear, internal blocks
 * (XBLOCK, XXBLOCK, SLBLOCK, SIBLOCK) set, bit 0 never, in steps of 4.
 * NIDs are the caller's ([MS-PST] 2.2.2.1: nidType in the low 5 bits).
 */
struct ccm_pst_ndb;
struct ccm_pst_ndb_stream;

/* Starts NAME.tmp for the file NAME; *out is the writer. */
int ccm_pst_ndb_create(struct ccm_pst_ndb **out, const char *path, struct ccm_error *err);

/*
 * Bytes of memory each of the writer's three sorted lists (nodes, blocks,
 * references) may hold before it spills to its temporary file; 4 MiB
 * unless set, at least a few kilobytes. Call before adding anything;
 * tests set it small to exercise the spill.
 */
void ccm_pst_ndb_set_sort_memory(struct ccm_pst_ndb *w, size_t bytes);

/*
 * Data of any length: *bid is one data block for up to 8176 bytes, else
 * an XBLOCK over data blocks of 8176 bytes (the last shorter), else (past
 * 1021 blocks) an XXBLOCK over such XBLOCKs. n == 0 writes nothing and
 * gives *bid 0. Data is at most 4 GiB - 1 (lcbTotal has 32 bits):
 * CCM_ELIMIT past it.
 */
int ccm_pst_ndb_put_data(uint64_t *bid, struct ccm_pst_ndb *w, const void *p, size_t n,
			 struct ccm_error *err);

/*
 * Data given as its blocks, each kept as one data block of exactly its
 * size (1 to 8176 bytes: CCM_EINVAL otherwise): a heap-on-node whose
 * pages must each be a block of their own. One block is its own root;
 * more go under an XBLOCK or XXBLOCK as in ccm_pst_ndb_put_data.
 */
int ccm_pst_ndb_put_blocks(uint64_t *bid, struct ccm_pst_ndb *w, const struct ccm_buf *blocks,
			   size_t n, struct ccm_error *err);

/*
 * Blocks written ahead of the tree that will hold them: a heap whose first
 * page is known last, a table's rows written as they come.
 * ccm_pst_ndb_put_block writes one data block of exactly n bytes (1 to
 * 8176, CCM_EINVAL otherwise) and gives its BID; ccm_pst_ndb_put_tree
 * then makes the data of n such blocks, in the order of bids[] (sizes[i]
 * the bytes of bids[i]), as ccm_pst_ndb_put_blocks would have: one block
 * is its own root, more go under an XBLOCK or XXBLOCK. Each block must be
 * in exactly one tree, or be some node's data itself.
 */
int ccm_pst_ndb_put_block(uint64_t *bid, struct ccm_pst_ndb *w, const void *p, size_t n,
			  struct ccm_error *err);
int ccm_pst_ndb_put_tree(uint64_t *bid, struct ccm_pst_ndb *w, const uint64_t *bids,
			 const uint16_t *sizes, size_t n, struct ccm_error *err);

/*
 * The same as ccm_pst_ndb_put_data for data that comes in pieces: begin,
 * write any number of times, end (which gives the root BID, 0 for no
 * data, and frees the stream). Memory stays at about 25 KB per stream
 * whatever the length. A stream left unended when the writer finishes
 * is an error of the caller (CCM_EINVAL); ccm_pst_ndb_abort frees it.
 */
int ccm_pst_ndb_stream_begin(struct ccm_pst_ndb_stream **out, struct ccm_pst_ndb *w,
			     struct ccm_error *err);
int ccm_pst_ndb_stream_write(struct ccm_pst_ndb_stream *st, const void *p, size_t n,
			     struct ccm_error *err);
int ccm_pst_ndb_stream_end(uint64_t *bid, struct ccm_pst_ndb_stream *st, struct ccm_error *err);

/*
 * A subnode tree ([MS-PST] 2.2.2.8.3.3) from entries sorted by nid, each
 * nid once (CCM_EINVAL otherwise): one SLBLOCK for up to 340, else an
 * SIBLOCK over up to 510 SLBLOCKs (CCM_ELIMIT past that). n == 0 gives
 * *bid 0. The BIDs in the entries are this writer's (checked when it
 * finishes).
 */
struct ccm_pst_subnode {
	uint32_t nid;
	uint64_t data_bid, sub_bid;
};
int ccm_pst_ndb_put_subnodes(uint64_t *bid, struct ccm_pst_ndb *w,
			     const struct ccm_pst_subnode *v, size_t n, struct ccm_error *err);

/*
 * A node of the node B-tree: nid (not 0), its data (0: none), its
 * subnode tree (0: none), its parent (0: none). Nodes come in any order;
 * a nid added twice, or a BID this writer did not make, is CCM_EINVAL
 * when the writer finishes. Each reference counts in the block's cRef.
 */
int ccm_pst_ndb_add_node(struct ccm_pst_ndb *w, uint32_t nid, uint64_t data_bid,
			 uint64_t sub_bid, uint32_t parent_nid, struct ccm_error *err);

/*
 * Writes the node and block B-trees, the maps, the density list and the
 * header; syncs the file, renames NAME.tmp to NAME and syncs the folder.
 * Frees w, whatever happens; on failure NAME.tmp is removed and NAME is
 * untouched.
 */
int ccm_pst_ndb_finish(struct ccm_pst_ndb *w, struct ccm_error *err);

/* Gives up: frees w and any stream not ended, removes NAME.tmp. NULL is
 * accepted. */
void ccm_pst_ndb_abort(struct ccm_pst_ndb *w);

#endif
