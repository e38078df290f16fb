/* crc.h: the checksum and the signature of [MS-PST] pages, blocks and header. */
#ifndef CCM_PST_CRC_H
#define CCM_PST_CRC_H

#include <stddef.h>
#include <stdint.h>

/*
 * [MS-PST] 5.3: CRC-32 with the reflected polynomial 0xEDB88320, started
 * from `crc` (0 for a new checksum) and with no final inversion, so it is
 * not zlib's crc32. Continues over several pieces: crc(crc(0, a), b) is
 * crc(0, ab).
 */
uint32_t ccm_pst_crc(uint32_t crc, const void *p, size_t n);

/*
 * [MS-PST] 5.5: the wSig of a block or B-tree page at file offset ib with
 * BID bid. The algorithm works on 32-bit values, so only the low halves
 * of ib and bid count (files over 4 GiB wrap, as Outlook's do).
 */
uint16_t ccm_pst_sig(uint64_t ib, uint64_t bid);

#endif
