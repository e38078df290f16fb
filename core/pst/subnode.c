/* subnode.c: subnode trees, an SLBLOCK or an SIBLOCK over SLBLOCKs ([MS-PST] 2.2.2.8.3.3). */
#include "pst/format.h"
#include "pst/ndb_int.h"

/* One SLBLOCK over v[0..n). */
static int put_sl(uint64_t *bid, struct ccm_pst_ndb *w, const struct ccm_pst_subnode *v,
		  size_t n, struct ccm_error *err)
{
	unsigned char b[PST_BLOCK_DATA_MAX] = { PST_BTYPE_SUB, 0 };
	int rc;

	pst_put16(b + 2, (uint16_t)n);
	for (size_t i = 0; i < n; i++) {
		unsigned char *e = b + 8 + 24 * i;
		pst_put64(e, v[i].nid);
		pst_put64(e + 8, v[i].data_bid);
		pst_put64(e + 16, v[i].sub_bid);
		if ((v[i].data_bid && (rc = ccm_pst_ndb_ref(w, v[i].data_bid, err)) < 0) ||
		    (v[i].sub_bid && (rc = ccm_pst_ndb_ref(w, v[i].sub_bid, err)) < 0))
			return rc;
	}
	return ccm_pst_ndb_block(bid, w, b, 8 + 24 * n, 1, err);
}

static int put_tree(uint64_t *bid, struct ccm_pst_ndb *w, const struct ccm_pst_subnode *v,
		    size_t n, struct ccm_error *err)
{
	unsigned char b[PST_BLOCK_DATA_MAX] = { PST_BTYPE_SUB, 1 };
	size_t parts = (n + PST_SLBLOCK_MAX - 1) / PST_SLBLOCK_MAX, at = 0;
	int rc;

	if (parts == 1)
		return put_sl(bid, w, v, n, err);
	/* SLBLOCKs shared out evenly, so that none is nearly empty. */
	pst_put16(b + 2, (uint16_t)parts);
	for (size_t i = 0; i < parts; i++) {
		size_t k = n / parts + (i < n % parts);
		uint64_t sl;
		if ((rc = put_sl(&sl, w, v + at, k, err)) < 0 ||
		    (rc = ccm_pst_ndb_ref(w, sl, err)) < 0)
			return rc;
		pst_put64(b + 8 + 16 * i, v[at].nid);
		pst_put64(b + 16 + 16 * i, sl);
		at += k;
	}
	return ccm_pst_ndb_block(bid, w, b, 8 + 16 * parts, 1, err);
}

int ccm_pst_ndb_put_subnodes(uint64_t *bid, struct ccm_pst_ndb *w,
			     const struct ccm_pst_subnode *v, size_t n, struct ccm_error *err)
{
	int rc;

	if ((rc = ccm_pst_ndb_check(w, err)) < 0)
		return rc;
	if ((n + PST_SLBLOCK_MAX - 1) / PST_SLBLOCK_MAX > PST_SIBLOCK_MAX)
		return ccm_error_set(err, CCM_ELIMIT, "%zu subnodes in one node: a PST subnode "
				     "tree holds at most %d", n, PST_SLBLOCK_MAX * PST_SIBLOCK_MAX);
	for (size_t i = 0; i < n; i++)
		if (!v[i].nid || (i && v[i].nid <= v[i - 1].nid))
			return ccm_error_set(err, CCM_EINVAL, "subnode %zu (nid 0x%x) is %s", i,
					     (unsigned)v[i].nid, v[i].nid ? "out of order or "
					     "repeated" : "nid 0");
	if (!n) {
		*bid = 0;
		return 0;
	}
	if ((rc = put_tree(bid, w, v, n, err)) < 0)
		return ccm_pst_ndb_fail(w, rc, err);
	return 0;
}
