/* amap.h: where things go in the file, and the allocation maps that say so. */
#ifndef CCM_PST_AMAP_H
#define CCM_PST_AMAP_H

#include <stdint.h>
#include "base/error.h"
#include "pst/out.h"

/*
 * The file past 0x4400 is cut into regions of 253,952 bytes, each opened
 * by its AMap page, one bit per 64 bytes ([MS-PST] 2.2.2.7.2); a region
 * also starts with a PMap page when it is every 8th, an FMap page every
 * 496th from the 128th, an FPMap page every 31,744th from the 8,192nd
 * (FMap and FPMap regions never coincide, so either takes the third
 * page). ccmig writes a file once, front to back, so space is handed out
 * in increasing order and a region is done once it is left: its AMap page
 * is written then, with its bits exactly what was handed out, and only
 * the current region's bits are held. Blocks (64-byte aligned) and pages
 * (512-byte aligned) never straddle a region, since the next one begins
 * with its maps. The PMap and FPMap pages, which [MS-PST] keeps only for
 * older clients, are all ones as Outlook writes them; an FMap page holds,
 * for each AMap it covers, its longest run of free 64-byte slots (at most
 * 255), and zero for AMaps past the end of the file.
 */
struct ccm_pst_amap {
	struct ccm_pst_out *out;
	uint64_t next;          /* the first byte not handed out */
	uint64_t region;        /* the region `next` is in */
	unsigned char bits[496];
	uint64_t free_bytes;    /* free bytes of the regions done */
	uint64_t fmap_page;     /* the FMap page being filled, or UINT64_MAX */
	unsigned char fmap[496];
	struct { uint32_t page; uint16_t slots; } dl[119];      /* the DList */
	int ndl;
};

/* Starts the first region: its maps are written. */
int ccm_pst_amap_init(struct ccm_pst_amap *a, struct ccm_pst_out *file, struct ccm_error *err);
/* Hands out `size` bytes (at most a region's room) at a multiple of
 * `align` (64 or 512): *ib. */
int ccm_pst_amap_alloc(uint64_t *ib, struct ccm_pst_amap *a, uint64_t size, uint64_t align,
		       struct ccm_error *err);
/*
 * Ends the last region and writes the pending maps. *eof: where the file
 * ends (the end of the last region: its free tail is space that the maps
 * call free); *amap_last: the last AMap page's offset; *free_bytes: the
 * bytes all AMaps call free (the header's cbAMapFree).
 */
int ccm_pst_amap_finish(uint64_t *eof, uint64_t *amap_last, uint64_t *free_bytes,
			struct ccm_pst_amap *a, struct ccm_error *err);
/*
 * The density list's 496 bytes of data ([MS-PST] 2.2.2.7.4): the AMaps
 * with free space, most free first (at most 119), no backfill under way.
 * After ccm_pst_amap_finish.
 */
void ccm_pst_amap_dlist(unsigned char *data, const struct ccm_pst_amap *a);

#endif
