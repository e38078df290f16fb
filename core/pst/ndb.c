/* ndb.c: the node database of a Unicode PST file, written once, front to back ([MS-PST] 2.2). */
#include "pst/ndb.h"

#include <stdlib.h>
#include <string.h>
#include "pst/btree.h"
#include "pst/crc.h"
#include "pst/format.h"
#include "pst/ndb_int.h"
#include "pst/page.h"

enum { SORT_MEMORY = 4 << 20 };

/* The nidIndex each nidType starts from in a new file, as Outlook's
 * ([MS-PST] 2.2.2.6): 0x4000 for search folders, 0x10000 for messages,
 * 0x8000 for associated messages, 0x400 for the rest. */
static uint32_t first_nid(int type)
{
	switch (type) {
	case 0x03: return 0x4000;
	case 0x04: return 0x10000;
	case 0x08: return 0x8000;
	default: return 0x400;
	}
}

int ccm_pst_ndb_create(struct ccm_pst_ndb **out, const char *path, struct ccm_error *err)
{
	struct ccm_pst_ndb *w = calloc(1, sizeof(*w));
	int rc;

	if (!w)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	if ((rc = ccm_pst_out_open(&w->out, path, err)) < 0) {
		free(w);
		return rc;
	}
	if ((rc = ccm_pst_amap_init(&w->amap, &w->out, err)) < 0) {
		ccm_pst_out_discard(&w->out);
		free(w);
		return rc;
	}
	ccm_pst_sort_init(&w->nodes, PST_NBTENTRY, SORT_MEMORY, w->out.path);
	ccm_pst_sort_init(&w->blocks, PST_BBTENTRY, SORT_MEMORY, w->out.path);
	ccm_pst_sort_init(&w->refs, 8, SORT_MEMORY, w->out.path);
	w->next_bid = PST_BID_STEP;
	w->next_page = 1;
	for (int t = 0; t < 32; t++)
		w->rgnid[t] = first_nid(t);
	*out = w;
	return 0;
}

void ccm_pst_ndb_set_sort_memory(struct ccm_pst_ndb *w, size_t bytes)
{
	ccm_pst_sort_init(&w->nodes, PST_NBTENTRY, bytes, w->out.path);
	ccm_pst_sort_init(&w->blocks, PST_BBTENTRY, bytes, w->out.path);
	ccm_pst_sort_init(&w->refs, 8, bytes, w->out.path);
}

int ccm_pst_ndb_check(struct ccm_pst_ndb *w, struct ccm_error *err)
{
	if (!w->failed)
		return 0;
	if (err)
		*err = w->failure;
	return w->failed;
}

int ccm_pst_ndb_fail(struct ccm_pst_ndb *w, int rc, const struct ccm_error *err)
{
	w->failed = rc;
	if (err)
		w->failure = *err;
	else
		ccm_error_set(&w->failure, rc, "writing '%s' failed: %s", w->out.path,
			      ccm_strerror(rc));
	return rc;
}

int ccm_pst_ndb_ref(struct ccm_pst_ndb *w, uint64_t bid, struct ccm_error *err)
{
	unsigned char r[8];

	pst_put64(r, bid);
	return ccm_pst_sort_add(&w->refs, r, err);
}

int ccm_pst_ndb_page(uint64_t *bid, uint64_t *ib, struct ccm_pst_ndb *w, unsigned char *page,
		     int ptype, struct ccm_error *err)
{
	int rc;

	if ((rc = ccm_pst_amap_alloc(ib, &w->amap, PST_PAGE, PST_PAGE, err)) < 0)
		return rc;
	*bid = w->next_page++;
	ccm_pst_page_seal(page, ptype, *ib, *bid);
	return ccm_pst_out_write(&w->out, *ib, page, PST_PAGE, err);
}

int ccm_pst_ndb_add_node(struct ccm_pst_ndb *w, uint32_t nid, uint64_t data_bid,
			 uint64_t sub_bid, uint32_t parent_nid, struct ccm_error *err)
{
	unsigned char e[PST_NBTENTRY] = { 0 };
	int rc;

	if ((rc = ccm_pst_ndb_check(w, err)) < 0)
		return rc;
	if (!nid)
		return ccm_error_set(err, CCM_EINVAL, "a node of a PST file cannot have nid 0");
	pst_put64(e, nid);
	pst_put64(e + 8, data_bid);
	pst_put64(e + 16, sub_bid);
	pst_put32(e + 24, parent_nid);
	if ((rc = ccm_pst_sort_add(&w->nodes, e, err)) < 0 ||
	    (data_bid && (rc = ccm_pst_ndb_ref(w, data_bid, err)) < 0) ||
	    (sub_bid && (rc = ccm_pst_ndb_ref(w, sub_bid, err)) < 0))
		return ccm_pst_ndb_fail(w, rc, err);
	if ((nid >> 5) + 1 > w->rgnid[nid & 0x1F])
		w->rgnid[nid & 0x1F] = (nid >> 5) + 1;
	return 0;
}

static int build_nbt(struct ccm_pst_bt *bt, struct ccm_pst_ndb *w, struct ccm_error *err)
{
	const unsigned char *e;
	uint64_t prev = 0;
	int rc;

	if ((rc = ccm_pst_sort_begin(&w->nodes, err)) < 0)
		return rc;
	ccm_pst_bt_begin(bt, w, PST_PTYPE_NBT, PST_NBTENTRY, w->nodes.count);
	while ((rc = ccm_pst_sort_next(&w->nodes, &e, err)) > 0) {
		if (pst_get64(e) == prev)
			return ccm_error_set(err, CCM_EINVAL, "node 0x%llx was added twice to "
					     "'%s'", (unsigned long long)prev, w->out.path);
		prev = pst_get64(e);
		if ((rc = ccm_pst_bt_add(bt, e, err)) < 0)
			return rc;
	}
	return rc < 0 ? rc : ccm_pst_bt_end(bt, err);
}

static int dangling(struct ccm_pst_ndb *w, uint64_t bid, struct ccm_error *err)
{
	return ccm_error_set(err, CCM_EINVAL, "a node or tree of '%s' refers to block 0x%llx, "
			     "which the file does not have", w->out.path, (unsigned long long)bid);
}

/* The BBT, each block's cRef made from the references counted to it. */
static int build_bbt(struct ccm_pst_bt *bt, struct ccm_pst_ndb *w, struct ccm_error *err)
{
	const unsigned char *e, *r = NULL;
	unsigned char out[PST_BBTENTRY];
	int rc, more;

	if ((rc = ccm_pst_sort_begin(&w->blocks, err)) < 0 ||
	    (rc = ccm_pst_sort_begin(&w->refs, err)) < 0 ||
	    (more = ccm_pst_sort_next(&w->refs, &r, err)) < 0)
		return rc < 0 ? rc : more;
	ccm_pst_bt_begin(bt, w, PST_PTYPE_BBT, PST_BBTENTRY, w->blocks.count);
	while ((rc = ccm_pst_sort_next(&w->blocks, &e, err)) > 0) {
		uint64_t bid = pst_get64(e), cref = pst_get16(e + 18);
		for (; more > 0 && pst_get64(r) <= bid; more = ccm_pst_sort_next(&w->refs, &r, err)) {
			if (pst_get64(r) < bid)
				return dangling(w, pst_get64(r), err);
			cref++;
		}
		if (more < 0)
			return more;
		if (cref > 0xFFFF)
			return ccm_error_set(err, CCM_ELIMIT, "block 0x%llx of '%s' has %llu "
					     "references; PST files count at most 65535",
					     (unsigned long long)bid, w->out.path,
					     (unsigned long long)cref - 1);
		memcpy(out, e, sizeof(out));
		pst_put16(out + 18, (uint16_t)cref);
		if ((rc = ccm_pst_bt_add(bt, out, err)) < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	if (more > 0)
		return dangling(w, pst_get64(r), err);
	return ccm_pst_bt_end(bt, err);
}

/* The HEADER and its ROOT ([MS-PST] 2.2.2.5, 2.2.2.6), Unicode. */
static void header(unsigned char *h, const struct ccm_pst_ndb *w, const struct ccm_pst_bt *nbt,
		   const struct ccm_pst_bt *bbt, uint64_t eof, uint64_t amap_last,
		   uint64_t amap_free)
{
	memset(h, 0, PST_HEADER_SIZE);
	memcpy(h, "!BDN", 4);
	memcpy(h + 8, "SM", 2);
	pst_put16(h + 10, 23);          /* wVer: Unicode */
	pst_put16(h + 12, 19);          /* wVerClient */
	h[14] = h[15] = 0x01;           /* bPlatformCreate, bPlatformAccess */
	pst_put64(h + 32, w->next_page);
	pst_put32(h + 40, 1);           /* dwUnique: one write of the header */
	for (int t = 0; t < 32; t++)
		pst_put32(h + 44 + 4 * t, w->rgnid[t]);
	pst_put64(h + 184, eof);
	pst_put64(h + 192, amap_last);
	pst_put64(h + 200, amap_free);
	/* cbPMapFree (208) stays 0: the PMaps are all ones. */
	pst_put64(h + 216, nbt->root_bid);
	pst_put64(h + 224, nbt->root_ib);
	pst_put64(h + 232, bbt->root_bid);
	pst_put64(h + 240, bbt->root_ib);
	h[248] = 0x02;                  /* fAMapValid: VALID_AMAP2 */
	memset(h + 256, 0xFF, 256);     /* rgbFM, rgbFP: deprecated, all ones */
	h[512] = 0x80;                  /* bSentinel */
	h[513] = 0x00;                  /* bCryptMethod: NDB_CRYPT_NONE */
	pst_put64(h + 516, w->next_bid);
	pst_put32(h + 4, ccm_pst_crc(0, h + 8, 471));
	pst_put32(h + 524, ccm_pst_crc(0, h + 8, 516));
}

static void release(struct ccm_pst_ndb *w)
{
	ccm_pst_ndb_streams_free(w);
	ccm_pst_sort_release(&w->nodes);
	ccm_pst_sort_release(&w->blocks);
	ccm_pst_sort_release(&w->refs);
}

static int finish(struct ccm_pst_ndb *w, struct ccm_error *err)
{
	struct ccm_pst_bt nbt, bbt;
	unsigned char h[PST_HEADER_SIZE], dl[PST_PAGE];
	uint64_t eof, amap_last, amap_free;
	int rc;

	if ((rc = ccm_pst_ndb_check(w, err)) < 0)
		return rc;
	if (w->streams)
		return ccm_error_set(err, CCM_EINVAL, "'%s' was finished with a data stream "
				     "not ended", w->out.path);
	if ((rc = build_nbt(&nbt, w, err)) < 0 || (rc = build_bbt(&bbt, w, err)) < 0 ||
	    (rc = ccm_pst_amap_finish(&eof, &amap_last, &amap_free, &w->amap, err)) < 0)
		return rc;
	ccm_pst_amap_dlist(dl, &w->amap);
	ccm_pst_page_seal(dl, PST_PTYPE_DL, PST_DLIST_IB, w->next_page++);
	header(h, w, &nbt, &bbt, eof, amap_last, amap_free);
	if ((rc = ccm_pst_out_write(&w->out, PST_DLIST_IB, dl, sizeof(dl), err)) < 0 ||
	    (rc = ccm_pst_out_write(&w->out, 0, h, sizeof(h), err)) < 0)
		return rc;
	release(w);
	return ccm_pst_out_commit(&w->out, eof, err);
}

int ccm_pst_ndb_finish(struct ccm_pst_ndb *w, struct ccm_error *err)
{
	int rc = finish(w, err);

	release(w);
	ccm_pst_out_discard(&w->out);   /* nothing left to do after a commit */
	free(w);
	return rc;
}

void ccm_pst_ndb_abort(struct ccm_pst_ndb *w)
{
	if (!w)
		return;
	release(w);
	ccm_pst_out_discard(&w->out);
	free(w);
}
