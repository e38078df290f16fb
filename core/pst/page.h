/* page.h: the trailer that closes each 512-byte page ([MS-PST] 2.2.2.7.1). */
#ifndef CCM_PST_PAGE_H
#define CCM_PST_PAGE_H

#include <stdint.h>

/*
 * Fills the last 16 bytes of `page` (512 bytes, its first 496 final):
 * ptype twice, wSig (computed from ib and bid for B-tree pages and the
 * density list, 0 for the allocation maps, as [MS-PST] 2.2.2.7.1 says),
 * the CRC of the 496 bytes, and bid.
 */
void ccm_pst_page_seal(unsigned char *page, int ptype, uint64_t ib, uint64_t bid);

#endif
