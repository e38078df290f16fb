/* btree.h: a node or block B-tree built bottom-up from its entries in key order ([MS-PST] 2.2.2.7.7). */
#ifndef CCM_PST_BTREE_H
#define CCM_PST_BTREE_H

#include <stdint.h>
#include "base/error.h"

struct ccm_pst_ndb;

/*
 * The number of entries is known before the first comes, so each level's
 * page count is known too, and the entries are shared out evenly between
 * a level's pages (no page but a lone root is less than half full). A
 * page is written as soon as it is full, and its first key and place go
 * up to the level above, so that only one page per level is held.
 */
struct ccm_pst_bt_level {
	unsigned cap, ent;      /* entries a page holds, and their size */
	uint64_t count, pages;  /* entries and pages of the level */
	uint64_t done;          /* pages written */
	unsigned n;             /* entries in the page being filled */
	unsigned char page[512];
};

struct ccm_pst_bt {
	struct ccm_pst_ndb *w;
	int ptype;              /* PST_PTYPE_NBT or PST_PTYPE_BBT */
	int levels;
	struct ccm_pst_bt_level lv[16];
	uint64_t root_bid, root_ib;
};

/* Prepares a tree of `count` leaf entries of `ent` bytes (32 for the
 * NBT, 24 for the BBT), the first 8 of each its key. */
void ccm_pst_bt_begin(struct ccm_pst_bt *bt, struct ccm_pst_ndb *w, int ptype, unsigned ent,
		      uint64_t count);
/* The next leaf entry, in increasing key order. */
int ccm_pst_bt_add(struct ccm_pst_bt *bt, const unsigned char *entry, struct ccm_error *err);
/* After the count's last entry: writes what is left; bt->root_bid and
 * bt->root_ib say where the root page is. */
int ccm_pst_bt_end(struct ccm_pst_bt *bt, struct ccm_error *err);

#endif
