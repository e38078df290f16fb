/* page.c: the trailer that closes each 512-byte page ([MS-PST] 2.2.2.7.1). */
#include "pst/page.h"

#include "pst/crc.h"
#include "pst/format.h"

void ccm_pst_page_seal(unsigned char *page, int ptype, uint64_t ib, uint64_t bid)
{
	unsigned char *t = page + PST_PAGE_DATA;
	int signed_page = ptype == PST_PTYPE_BBT || ptype == PST_PTYPE_NBT ||
			  ptype == PST_PTYPE_DL;

	t[0] = t[1] = (unsigned char)ptype;
	pst_put16(t + 2, signed_page ? ccm_pst_sig(ib, bid) : 0);
	pst_put32(t + 4, ccm_pst_crc(0, page, PST_PAGE_DATA));
	pst_put64(t + 8, bid);
}
