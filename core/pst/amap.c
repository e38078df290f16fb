/* amap.c: where things go in the file, and the allocation maps that say so. */
#include "pst/amap.h"

#include <string.h>
#include "pst/format.h"
#include "pst/page.h"

static uint64_t region_ib(uint64_t k)
{
	return PST_AMAP_FIRST + k * (uint64_t)PST_AMAP_SPAN;
}

static int has_pmap(uint64_t k)
{
	return k % PST_PMAP_EVERY == 0;
}

static int has_fmap(uint64_t k)
{
	return k >= PST_FMAP_FIRST && (k - PST_FMAP_FIRST) % PST_FMAP_EVERY == 0;
}

static int has_fpmap(uint64_t k)
{
	return k >= PST_FPMAP_FIRST && (k - PST_FPMAP_FIRST) % PST_FPMAP_EVERY == 0;
}

/* A map page of all ones (PMap, FPMap) at ib. */
static int put_ones(struct ccm_pst_amap *a, int ptype, uint64_t ib, struct ccm_error *err)
{
	unsigned char page[PST_PAGE];

	memset(page, 0xFF, PST_PAGE_DATA);
	ccm_pst_page_seal(page, ptype, ib, ib);
	return ccm_pst_out_write(a->out, ib, page, sizeof(page), err);
}

static int open_region(struct ccm_pst_amap *a, uint64_t k, struct ccm_error *err)
{
	uint64_t ib = region_ib(k);
	int pages = 1, rc;

	memset(a->bits, 0, sizeof(a->bits));
	if (has_pmap(k)) {
		if ((rc = put_ones(a, PST_PTYPE_PMAP, ib + PST_PAGE * pages, err)) < 0)
			return rc;
		pages++;
	}
	if (has_fmap(k))
		pages++;        /* written when its AMaps are done */
	else if (has_fpmap(k)) {
		if ((rc = put_ones(a, PST_PTYPE_FPMAP, ib + PST_PAGE * pages, err)) < 0)
			return rc;
		pages++;
	}
	memset(a->bits, 0xFF, (size_t)pages);  /* a page is eight slots */
	a->region = k;
	a->next = ib + (uint64_t)PST_PAGE * pages;
	return 0;
}

int ccm_pst_amap_init(struct ccm_pst_amap *a, struct ccm_pst_out *file, struct ccm_error *err)
{
	memset(a, 0, sizeof(*a));
	a->out = file;
	a->fmap_page = UINT64_MAX;
	return open_region(a, 0, err);
}

static int put_fmap(struct ccm_pst_amap *a, struct ccm_error *err)
{
	unsigned char page[PST_PAGE];
	uint64_t ib;

	if (a->fmap_page == UINT64_MAX)
		return 0;
	ib = region_ib(PST_FMAP_FIRST + a->fmap_page * PST_FMAP_EVERY) + 2 * PST_PAGE;
	memcpy(page, a->fmap, PST_PAGE_DATA);
	ccm_pst_page_seal(page, PST_PTYPE_FMAP, ib, ib);
	a->fmap_page = UINT64_MAX;
	return ccm_pst_out_write(a->out, ib, page, sizeof(page), err);
}

/* Keeps the 119 AMaps with the most free slots, in that order (the lower
 * page first among equals). */
static void dl_add(struct ccm_pst_amap *a, uint64_t k, unsigned slots)
{
	int n = a->ndl, i;

	if (!slots || k > 0xFFFFF)      /* dwPageNum has 20 bits */
		return;
	if (n == 119) {
		if (a->dl[n - 1].slots >= slots)
			return;
		n--;
	}
	for (i = n; i > 0 && a->dl[i - 1].slots < slots; i--)
		a->dl[i] = a->dl[i - 1];
	a->dl[i].page = (uint32_t)k;
	a->dl[i].slots = (uint16_t)slots;
	a->ndl = n + 1;
}

static int close_region(struct ccm_pst_amap *a, struct ccm_error *err)
{
	unsigned char page[PST_PAGE];
	uint64_t k = a->region, ib = region_ib(k);
	unsigned free_slots = 0, run = 0, longest = 0;
	int rc;

	for (int i = 0; i < PST_PAGE_DATA * 8; i++) {
		if (a->bits[i / 8] & (0x80 >> (i % 8))) {
			run = 0;
			continue;
		}
		free_slots++;
		if (++run > longest)
			longest = run;
	}
	memcpy(page, a->bits, PST_PAGE_DATA);
	ccm_pst_page_seal(page, PST_PTYPE_AMAP, ib, ib);
	if ((rc = ccm_pst_out_write(a->out, ib, page, sizeof(page), err)) < 0)
		return rc;
	a->free_bytes += (uint64_t)free_slots * PST_SLOT;
	dl_add(a, k, free_slots);
	if (k >= PST_FMAP_FIRST) {
		uint64_t f = (k - PST_FMAP_FIRST) / PST_FMAP_EVERY;
		if (f != a->fmap_page) {
			if ((rc = put_fmap(a, err)) < 0)
				return rc;
			a->fmap_page = f;
			memset(a->fmap, 0, sizeof(a->fmap));
		}
		a->fmap[(k - PST_FMAP_FIRST) % PST_FMAP_EVERY] =
			(unsigned char)(longest > 255 ? 255 : longest);
	}
	return 0;
}

int ccm_pst_amap_alloc(uint64_t *ib, struct ccm_pst_amap *a, uint64_t size, uint64_t align,
		       struct ccm_error *err)
{
	uint64_t at = (a->next + align - 1) / align * align, base, first, last;
	int rc;

	if (at + size > region_ib(a->region + 1)) {
		if ((rc = close_region(a, err)) < 0 || (rc = open_region(a, a->region + 1, err)) < 0)
			return rc;
		at = a->next;   /* a page boundary: aligned for anything */
	}
	base = region_ib(a->region);
	first = (at - base) / PST_SLOT;
	last = (at + size - base + PST_SLOT - 1) / PST_SLOT;
	for (uint64_t i = first; i < last; i++)
		a->bits[i / 8] |= (unsigned char)(0x80 >> (i % 8));
	a->next = at + size;
	*ib = at;
	return 0;
}

int ccm_pst_amap_finish(uint64_t *eof, uint64_t *amap_last, uint64_t *free_bytes,
			struct ccm_pst_amap *a, struct ccm_error *err)
{
	int rc;

	if ((rc = close_region(a, err)) < 0 || (rc = put_fmap(a, err)) < 0)
		return rc;
	*eof = region_ib(a->region + 1);
	*amap_last = region_ib(a->region);
	*free_bytes = a->free_bytes;
	return 0;
}

void ccm_pst_amap_dlist(unsigned char *data, const struct ccm_pst_amap *a)
{
	memset(data, 0, PST_PAGE_DATA);
	data[0] = 0x01;                 /* DFL_BACKFILL_COMPLETE */
	data[1] = (unsigned char)a->ndl;
	/* ulCurrentPage (4..7) stays 0: no backfill. */
	for (int i = 0; i < a->ndl; i++)
		pst_put32(data + 8 + 4 * i, a->dl[i].page | (uint32_t)a->dl[i].slots << 20);
}
