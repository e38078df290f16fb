/* ltp.h: property contexts and table contexts of a PST file, built as the bytes of one node. */
#ifndef CCM_PST_LTP_H
#define CCM_PST_LTP_H

#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"
#include "base/error.h"

/*
 * The LTP layer of [MS-PST] (section 2.3) over the NDB layer: a property
 * context (PC: one object's properties, such as a message's or a
 * folder's) or a table context (TC: rows of properties, such as a
 * folder's contents table), built in memory as the bytes of one node.
 * Nothing here writes a file: the caller hands what a build returns to the
 * NDB layer (pst/ndb.h).
 *
 * A node is made of
 *   - its heap-on-node (HN), whose pages are the node's data: page i is the
 *     i-th data block of the node's data tree (a data block holds at most
 *     8176 bytes, and an HN page is never split across blocks), and
 *   - the subnodes its big values need: a value over 3580 bytes (the
 *     largest heap allocation) goes to a subnode of its own, and so does a
 *     TC's row matrix over 3580 bytes. Their NIDs have type NID_TYPE_LTP
 *     (0x1F) and indexes taken in turn from the caller's
 *     *next_subnode_index, so that the node's subnodes never share one.
 *
 * Each data item (the node's data, a subnode's data) comes as a sequence
 * of blocks of at most CCM_PST_BLOCK_MAX bytes, to be written as data
 * blocks of exactly those sizes and in that order (one block alone, or an
 * XBLOCK/XXBLOCK over them): a TC's row matrix is cut so that no row spans
 * two blocks ([MS-PST] 2.3.4.4.1), and heap pages are whole blocks.
 *
 * Output is deterministic: the same input gives the same bytes. Values of
 * every type are taken as their bytes, little-endian, as [MS-PST] 2.3.3
 * stores them: the LTP places them and does not look inside (a PtypString
 * is UTF-16LE without a terminator; a Multiple* value is its whole
 * encoding, count and offsets included, as the caller made it).
 */

#define CCM_PST_BLOCK_MAX 8176u       /* data bytes of one data block */
#define CCM_PST_HN_ALLOC_MAX 3580u    /* the largest heap allocation */
#define CCM_PST_NID_TYPE_LTP 0x1Fu    /* nidType of the subnodes made here */

/* Property types ([MS-OXCDATA] 2.11.1) the LTP places. */
enum {
	CCM_PST_PT_UNSPECIFIED = 0x0000, /* a TC cell that does not exist */
	CCM_PST_PT_I2 = 0x0002,          /* PtypInteger16 */
	CCM_PST_PT_LONG = 0x0003,        /* PtypInteger32 */
	CCM_PST_PT_R4 = 0x0004,          /* PtypFloating32 */
	CCM_PST_PT_DOUBLE = 0x0005,      /* PtypFloating64 */
	CCM_PST_PT_CURRENCY = 0x0006,    /* PtypCurrency */
	CCM_PST_PT_APPTIME = 0x0007,     /* PtypFloatingTime */
	CCM_PST_PT_ERROR = 0x000A,       /* PtypErrorCode */
	CCM_PST_PT_BOOLEAN = 0x000B,     /* PtypBoolean: one byte, 0 or 1 */
	CCM_PST_PT_OBJECT = 0x000D,      /* PtypObject: a subnode, PC only */
	CCM_PST_PT_I8 = 0x0014,          /* PtypInteger64 */
	CCM_PST_PT_STRING8 = 0x001E,     /* PtypString8 */
	CCM_PST_PT_UNICODE = 0x001F,     /* PtypString: UTF-16LE, no terminator */
	CCM_PST_PT_SYSTIME = 0x0040,     /* PtypTime: a FILETIME */
	CCM_PST_PT_CLSID = 0x0048,       /* PtypGuid: 16 bytes */
	CCM_PST_PT_BINARY = 0x0102,      /* PtypBinary */
	CCM_PST_PT_MV = 0x1000           /* flag of the Multiple* types */
};

/*
 * One property, or one cell of a table. `p` and `n` are the value's bytes
 * (borrowed for the call only). Fixed-size types take exactly their size:
 * 2 (I2), 4 (LONG, R4, ERROR), 1 (BOOLEAN), 8 (I8, DOUBLE, CURRENCY,
 * APPTIME, SYSTIME), 16 (CLSID). `nid` is used in two cases:
 *   - PtypObject (PC only): the value lives in the caller's subnode `nid`
 *     (an attachment's embedded message, PR_ATTACH_DATA_OBJ), `n` is its
 *     size, `p` is NULL; the PC stores the {nid, size} pair of [MS-PST]
 *     2.3.3.5 in its heap.
 *   - A variable-size value the caller writes itself (for example an
 *     attachment's data streamed with ccm_pst_ndb_stream_*): `p` NULL and
 *     `nid` the caller's subnode (nidType not 0); the LTP stores the NID
 *     and ignores `n`.
 * Otherwise `nid` is 0. The caller adds its own subnodes to the node's
 * subnode tree beside those the build returns.
 */
struct ccm_pst_prop {
	uint16_t id, type;
	const void *p;
	size_t n;
	uint32_t nid;
};

/* One data item cut in blocks: blocks[0..n_blocks) in order. */
struct ccm_pst_ltp_subnode {
	uint32_t nid;                /* nidType NID_TYPE_LTP */
	struct ccm_buf *blocks;
	size_t n_blocks;
};

/*
 * What one node is made of, filled by a build and owned by the caller
 * (ccm_pst_node_out_release frees it). `pages` are the node's data
 * blocks, page 0 first, each at most CCM_PST_BLOCK_MAX bytes. `subnodes`
 * are sorted by nid, ascending.
 */
struct ccm_pst_node_out {
	struct ccm_buf *pages;
	size_t n_pages;
	struct ccm_pst_ltp_subnode *subnodes;
	size_t n_subnodes;
};

/* Prepares an empty out (a build does it too). */
void ccm_pst_node_out_init(struct ccm_pst_node_out *out);
/* Frees everything out holds; out is empty and reusable afterwards. */
void ccm_pst_node_out_release(struct ccm_pst_node_out *out);

/*
 * Builds a property context (bClientSig bTypePC): a BTH of 2-byte property
 * ids to 6-byte records (wPropType, dwValueHnid), sorted by id, whatever
 * the order of `props`. I2, LONG, R4, ERROR and BOOLEAN are stored in the
 * record; other values in the heap, or in a subnode when over 3580 bytes;
 * an empty value as HNID 0.
 *
 * On success fills *out (which it initialises first) and advances
 * *next_subnode_index past the subnodes it made; returns 0. On failure
 * returns a negative code with err filled, *out is left empty and
 * *next_subnode_index unchanged:
 *   CCM_EINVAL        two properties with one id, a fixed-size value of
 *                     the wrong size, a PtypObject without its nid;
 *   CCM_EUNSUPPORTED  a property type the LTP does not place;
 *   CCM_ELIMIT        the heap would pass 65,536 pages, or subnode
 *                     indexes would pass 2^27.
 */
int ccm_pst_pc_build(struct ccm_pst_node_out *out, const struct ccm_pst_prop *props,
		     size_t n, uint32_t *next_subnode_index, struct ccm_error *err);

/* A column of a table context: a property id and type. */
struct ccm_pst_col {
	uint16_t id, type;
};

/*
 * Builds a table context (bClientSig bTypeTC) of `n_rows` rows over
 * `n_cols` columns. rows[i] points to n_cols cells, rows[i][j] being row
 * i's value in column cols[j]: its type is cols[j].type, or
 * CCM_PST_PT_UNSPECIFIED for a cell that does not exist (its bit in the
 * row's cell existence bitmap is clear); its id is not read. row_ids[i]
 * is row i's dwRowID (unique), the key of the row index BTH (dwRowID to
 * dwRowIndex, 4 bytes each), which is sorted by id; the rows stay in the
 * order given.
 *
 * The table always has the columns PidTagLtpRowId (0x67F20003, at offset
 * 0, bit 0: row_ids[i]) and PidTagLtpRowVer (0x67F30003, offset 4, bit
 * 1): `cols` must not name the first; when it names the second its cells
 * give the versions, else each row's version is 0. The other columns are
 * laid out as [MS-PST] 2.3.4.4.1 groups them: 8-byte values, then 4-byte
 * ones (HNIDs of variable-size and 16-byte values among them), then
 * 2-byte and 1-byte ones, each group in the order of `cols`, then the
 * cell existence bitmap; bits follow that layout. TCOLDESCs are sorted by
 * tag. Variable-size cells hold an HNID: heap, or a subnode over 3580
 * bytes, 0 for an empty value.
 *
 * The row matrix goes in the heap when it is 3580 bytes or less, else in
 * a subnode of its own whose blocks each hold floor(8176 / row size) rows
 * (the last one fewer). A table of no rows has hnidRows 0 and an empty
 * row index (hidRoot 0), as Outlook writes one.
 *
 * Results and failures as ccm_pst_pc_build's, and CCM_EINVAL also for a
 * repeated row id, a repeated column, a column PidTagLtpRowId, a cell of
 * another type than its column, more than 255 columns in all.
 */
int ccm_pst_tc_build(struct ccm_pst_node_out *out, const struct ccm_pst_col *cols,
		     size_t n_cols, const struct ccm_pst_prop *const *rows,
		     const uint32_t *row_ids, size_t n_rows, uint32_t *next_subnode_index,
		     struct ccm_error *err);

#endif
