/* bth.h: a BTree-on-Heap (BTH) built in a heap from sorted records. */
#ifndef CCM_PST_BTH_H
#define CCM_PST_BTH_H

#include <stddef.h>
#include <stdint.h>
#include "base/error.h"
#include "pst/heap.h"

/*
 * [MS-PST] 2.3.2: a BTHHEADER (bType 0xB5, cbKey, cbEnt, bIdxLevels,
 * hidRoot) over leaf records (key, then cbEnt bytes of data) packed into
 * heap allocations of at most 3580 bytes, and as many levels of
 * intermediate records (key, then the HID of the allocation below, whose
 * first key it is) as it takes to end in one allocation. Keys are
 * unsigned little-endian integers of 2, 4 or 8 bytes.
 */

/*
 * Allocates an empty BTHHEADER (hidRoot 0, no levels) in h and sets *hid
 * to it. Errors as ccm_pst_heap_alloc's.
 */
int ccm_pst_bth_header(uint32_t *hid, struct ccm_pst_heap *h, unsigned cb_key,
		       unsigned cb_ent, struct ccm_error *err);
/*
 * Allocates the records of the BTH whose header is hid_header: n records
 * of cb_key + cb_ent bytes each at `records`, sorted by key, keys unique;
 * then its intermediate levels, and fills the header. n may be 0 (the
 * header stays empty). Call it once per BTH. Errors as ccm_pst_heap_alloc's.
 */
int ccm_pst_bth_fill(struct ccm_pst_heap *h, uint32_t hid_header, const void *records,
		     size_t n, struct ccm_error *err);
/*
 * The data (cb_ent bytes) of the record with `key` (cb_key bytes), found
 * from the root, to read or change in place; NULL when there is none.
 * Valid until the next allocation in h.
 */
uint8_t *ccm_pst_bth_find(struct ccm_pst_heap *h, uint32_t hid_header, const void *key);

#endif
