/* node_out.h: what the PC and TC builders share: types, values' places, subnodes. */
#ifndef CCM_PST_NODE_OUT_H
#define CCM_PST_NODE_OUT_H

#include <stddef.h>
#include <stdint.h>
#include "base/error.h"
#include "pst/heap.h"
#include "pst/le.h"
#include "pst/ltp.h"

/*
 * The size of a value of `type` when it has a fixed one (1, 2, 4, 8 or
 * 16), 0 for the variable-size types (strings, binary, Multiple*,
 * PtypObject), -1 for a type the LTP does not place.
 */
int ccm_pst_ltp_type_size(uint16_t type);

/*
 * Checks v against its type: a type the LTP places (CCM_EUNSUPPORTED), a
 * fixed-size value of its size, a PtypObject with a nid (CCM_EINVAL).
 * `where` names it in the message ("property 0x0037", "row 3 column
 * 0x0E1D").
 */
int ccm_pst_ltp_check(const struct ccm_pst_prop *v, const char *where,
		      struct ccm_error *err);

/*
 * The HNID of a value stored out of its record or row: 0 when empty, an
 * HID of the heap h up to 3580 bytes, else the NID of a new subnode of
 * node (index *next_index, then advanced) holding the value in blocks of
 * 8176 bytes. A PtypObject puts its {nid, size} in the heap; a value with
 * p NULL and a nid is that nid. Errors: CCM_ELIMIT (heap or indexes full).
 */
int ccm_pst_ltp_place(uint32_t *hnid, struct ccm_pst_heap *h, struct ccm_pst_node_out *node,
		      const struct ccm_pst_prop *v, uint32_t *next_index,
		      struct ccm_error *err);

/*
 * A new subnode of node with the next NID of type NID_TYPE_LTP, valid
 * until the next one; CCM_ELIMIT past 2^27.
 */
int ccm_pst_ltp_add_subnode(struct ccm_pst_ltp_subnode **sn, struct ccm_pst_node_out *node,
			    uint32_t *next_index, struct ccm_error *err);
/*
 * Ends a build whose result is rc: on success moves the heap's pages into
 * out and sets *next_subnode_index to next; on failure frees what out
 * and the heap hold. Returns rc.
 */
int ccm_pst_ltp_finish(struct ccm_pst_node_out *out, struct ccm_pst_heap *h, int rc,
		       uint32_t next, uint32_t *next_subnode_index);
/* Appends a block of n bytes (at most 8176) to sn's data. */
void ccm_pst_ltp_add_block(struct ccm_pst_ltp_subnode *sn, const void *p, size_t n);

#endif
