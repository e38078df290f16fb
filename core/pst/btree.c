/* btree.c: a node or block B-tree built bottom-up from its entries in key order ([MS-PST] 2.2.2.7.7). */
#include "pst/btree.h"

#include <assert.h>
#include <string.h>
#include "pst/format.h"
#include "pst/ndb_int.h"

static void level(struct ccm_pst_bt_level *l, unsigned ent, uint64_t count)
{
	memset(l, 0, sizeof(*l));
	l->ent = ent;
	l->cap = PST_BT_ENTRIES / ent;
	l->count = count;
	l->pages = count ? (count + l->cap - 1) / l->cap : 1;
}

void ccm_pst_bt_begin(struct ccm_pst_bt *bt, struct ccm_pst_ndb *w, int ptype, unsigned ent,
		      uint64_t count)
{
	memset(bt, 0, sizeof(*bt));
	bt->w = w;
	bt->ptype = ptype;
	level(&bt->lv[0], ent, count);
	bt->levels = 1;
	while (bt->lv[bt->levels - 1].pages > 1) {
		assert(bt->levels < 16);
		level(&bt->lv[bt->levels], PST_BTENTRY, bt->lv[bt->levels - 1].pages);
		bt->levels++;
	}
}

/* Entries of page i of level l: the level's count shared out evenly. */
static uint64_t quota(const struct ccm_pst_bt_level *l, uint64_t i)
{
	return l->count / l->pages + (i < l->count % l->pages);
}

static int add(struct ccm_pst_bt *bt, int k, const unsigned char *entry, struct ccm_error *err);

static int emit(struct ccm_pst_bt *bt, int k, struct ccm_error *err)
{
	struct ccm_pst_bt_level *l = &bt->lv[k];
	unsigned char up[PST_BTENTRY];
	uint64_t bid, ib;
	int rc;

	l->page[488] = (unsigned char)l->n;
	l->page[489] = (unsigned char)l->cap;
	l->page[490] = (unsigned char)l->ent;
	l->page[491] = (unsigned char)k;
	if ((rc = ccm_pst_ndb_page(&bid, &ib, bt->w, l->page, bt->ptype, err)) < 0)
		return rc;
	memcpy(up, l->page, 8);         /* the page's first key */
	pst_put64(up + 8, bid);
	pst_put64(up + 16, ib);
	memset(l->page, 0, sizeof(l->page));
	l->n = 0;
	l->done++;
	if (k == bt->levels - 1) {
		bt->root_bid = bid;
		bt->root_ib = ib;
		return 0;
	}
	return add(bt, k + 1, up, err);
}

static int add(struct ccm_pst_bt *bt, int k, const unsigned char *entry, struct ccm_error *err)
{
	struct ccm_pst_bt_level *l = &bt->lv[k];

	assert(l->done < l->pages);
	memcpy(l->page + (size_t)l->n * l->ent, entry, l->ent);
	if (++l->n == quota(l, l->done))
		return emit(bt, k, err);
	return 0;
}

int ccm_pst_bt_add(struct ccm_pst_bt *bt, const unsigned char *entry, struct ccm_error *err)
{
	return add(bt, 0, entry, err);
}

int ccm_pst_bt_end(struct ccm_pst_bt *bt, struct ccm_error *err)
{
	/* An empty tree is one empty leaf; any other has written its pages. */
	if (!bt->lv[0].count)
		return emit(bt, 0, err);
	assert(bt->lv[bt->levels - 1].done == 1);
	return 0;
}
