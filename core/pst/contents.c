/* contents.c: a folder's contents table, written to the file as its rows come. */
#include "pst/messaging_int.h"

#include <stdlib.h>
#include <string.h>

#include "pst/bth.h"
#include "pst/heap.h"
#include "pst/le.h"
#include "pst/node_out.h"
#include "pst/tc_int.h"

/*
 * A folder may hold any number of messages, so its contents table is not
 * built in memory as other tables are (pst/ltp.h): its heap hands each
 * page to the file once the next is opened (ccm_pst_heap_stream), its row
 * matrix goes out a block at a time, and values too large for the heap
 * go out as they come. What stays is the row index's records (8 bytes a
 * row) and a BID and size for each block written.
 */
struct blocks {
	uint64_t *bid;
	uint16_t *size;
	size_t n, cap;
};

struct ccm_pst_contents {
	struct ccm_pst_ndb *w;
	const struct ccm_pst_col *cols;
	size_t n_cols;
	struct ccm_pst_tc_layout l;
	struct ccm_pst_heap h;
	uint32_t hid_index, hid_info, next_index;
	struct blocks pages, matrix;
	uint8_t *rows;                  /* the row matrix's block being filled */
	size_t row_size, per_block, in_block;
	uint8_t *index;                 /* the row index's records, by row id */
	size_t n_rows, index_cap;
	struct ccm_pst_sublist subs;    /* subnodes: the matrix, large values */
	int failed;
};

static void blocks_set(struct blocks *b, size_t i, uint64_t bid, size_t size)
{
	if (i >= b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		uint64_t *v;
		uint16_t *s;

		while (cap <= i)
			cap *= 2;
		if (!(v = realloc(b->bid, cap * sizeof(*v))))
			ccm_die_oom(cap * sizeof(*v));
		b->bid = v;
		if (!(s = realloc(b->size, cap * sizeof(*s))))
			ccm_die_oom(cap * sizeof(*s));
		b->size = s;
		b->cap = cap;
	}
	b->bid[i] = bid;
	b->size[i] = (uint16_t)size;
	if (i >= b->n)
		b->n = i + 1;
}

static void blocks_release(struct blocks *b)
{
	free(b->bid);
	free(b->size);
	memset(b, 0, sizeof(*b));
}

/* The heap's sink: page `index` is the index-th block of the node's data. */
static int put_page(void *ctx, size_t index, const struct ccm_buf *page, struct ccm_error *err)
{
	struct ccm_pst_contents *c = ctx;
	uint64_t bid;
	int rc;

	if ((rc = ccm_pst_ndb_put_block(&bid, c->w, page->ptr, page->len, err)) < 0)
		return rc;
	blocks_set(&c->pages, index, bid, page->len);
	return 0;
}

int ccm_pst_contents_begin(struct ccm_pst_contents **out, struct ccm_pst_ndb *w,
			   const struct ccm_pst_col *cols, size_t n_cols,
			   struct ccm_error *err)
{
	struct ccm_pst_contents *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (!c)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	c->w = w;
	c->cols = cols;
	c->n_cols = n_cols;
	c->next_index = 1;
	if ((rc = ccm_pst_tc_layout_make(&c->l, cols, n_cols, err)) < 0) {
		free(c);
		return rc;
	}
	ccm_pst_heap_init(&c->h, CCM_PST_TC_SIG);
	ccm_pst_heap_stream(&c->h, put_page, c);
	/* Page 0 first, as Outlook lays it out: the row index's header and
	 * the TCINFO, filled in at the end. */
	if ((rc = ccm_pst_bth_header(&c->hid_index, &c->h, 4, 4, err)) < 0 ||
	    (rc = ccm_pst_heap_alloc(&c->hid_info, &c->h, NULL, ccm_pst_tc_info_size(&c->l),
				     err)) < 0) {
		ccm_pst_contents_abort(c);
		return rc;
	}
	c->row_size = c->l.rgib[3];
	/* [MS-PST] 2.3.4.4.1: whole rows in each block, none across two. */
	c->per_block = CCM_PST_BLOCK_MAX / c->row_size;
	if (!(c->rows = calloc(c->per_block, c->row_size)))
		ccm_die_oom(c->per_block * c->row_size);
	*out = c;
	return 0;
}

/* The row matrix's block being filled, to the file. */
static int put_rows(struct ccm_pst_contents *c, struct ccm_error *err)
{
	size_t n = c->in_block * c->row_size;
	uint64_t bid;
	int rc;

	if ((rc = ccm_pst_ndb_put_block(&bid, c->w, c->rows, n, err)) < 0)
		return rc;
	blocks_set(&c->matrix, c->matrix.n, bid, n);
	memset(c->rows, 0, n);
	c->in_block = 0;
	return 0;
}

int ccm_pst_contents_row(struct ccm_pst_contents *c, uint32_t row_id,
			 const struct ccm_pst_prop *cells, struct ccm_error *err)
{
	struct ccm_pst_node_out o;
	uint8_t *rec;
	int rc;

	if (c->failed)
		return ccm_error_set(err, CCM_EINVAL, "a PST contents table that failed "
				     "takes no more rows");
	if (c->n_rows && row_id <= ccm_pst_get32(c->index + 8 * (c->n_rows - 1)))
		return ccm_error_set(err, CCM_EINVAL, "row id %u of a PST contents table "
				     "after %u: ids must rise", row_id,
				     ccm_pst_get32(c->index + 8 * (c->n_rows - 1)));
	if ((rc = ccm_pst_tc_check_row(c->cols, c->n_cols, cells, c->n_rows, err)) < 0)
		return rc;
	if (c->n_rows == c->index_cap) {
		size_t cap = c->index_cap ? 2 * c->index_cap : 64;
		uint8_t *v = realloc(c->index, cap * 8);

		if (!v)
			ccm_die_oom(cap * 8);
		c->index = v;
		c->index_cap = cap;
	}
	if (c->in_block == c->per_block && (rc = put_rows(c, err)) < 0)
		goto fail;
	ccm_pst_node_out_init(&o);
	rc = ccm_pst_tc_fill_row(&o, c->rows + c->in_block * c->row_size, &c->l, cells,
				 row_id, &c->h, &c->next_index, err);
	if (rc < 0) {
		ccm_pst_node_out_release(&o);
		goto fail;
	}
	/* The row's values too large for the heap, to the file. */
	if ((rc = ccm_pst_put_ltp_subnodes(&c->subs, c->w, &o, err)) < 0)
		goto fail;
	rec = c->index + 8 * c->n_rows;
	ccm_pst_put32(rec, row_id);
	ccm_pst_put32(rec + 4, (uint32_t)c->n_rows);
	c->n_rows++;
	c->in_block++;
	return 0;
fail:
	c->failed = 1;
	return rc;
}

/* The row matrix: in the heap when it fits an allocation and nothing of
 * it is written yet, else a subnode over its blocks. *hnid: where. */
static int put_matrix(uint32_t *hnid, struct ccm_pst_contents *c, struct ccm_error *err)
{
	size_t size = c->in_block * c->row_size;
	uint64_t bid;
	int rc;

	*hnid = 0;
	if (c->n_rows == 0)
		return 0;
	if (c->matrix.n == 0 && size <= CCM_PST_HN_ALLOC_MAX)
		return ccm_pst_heap_alloc(hnid, &c->h, c->rows, size, err);
	if (c->in_block && (rc = put_rows(c, err)) < 0)
		return rc;
	if (c->next_index >= (1u << 27))
		return ccm_error_set(err, CCM_ELIMIT, "too many subnodes for one PST table");
	if ((rc = ccm_pst_ndb_put_tree(&bid, c->w, c->matrix.bid, c->matrix.size, c->matrix.n,
				       err)) < 0)
		return rc;
	*hnid = (c->next_index++ << 5) | CCM_PST_NID_TYPE_LTP;
	ccm_pst_sublist_add(&c->subs, *hnid, bid, 0);
	return 0;
}

int ccm_pst_contents_end(uint64_t *data, uint64_t *sub, struct ccm_pst_contents *c,
			 struct ccm_error *err)
{
	uint32_t hnid_rows = 0;
	size_t n_pages;
	int rc = c->failed ? ccm_error_set(err, CCM_EINVAL, "a PST contents table that "
					   "failed cannot be written") : 0;

	*data = *sub = 0;
	if (rc == 0)
		rc = ccm_pst_bth_fill(&c->h, c->hid_index, c->index, c->n_rows, err);
	if (rc == 0)
		rc = put_matrix(&hnid_rows, c, err);
	if (rc == 0) {
		ccm_pst_tc_info(ccm_pst_heap_at(&c->h, c->hid_info, NULL), &c->l, c->hid_index,
				hnid_rows);
		c->h.user_root = c->hid_info;
		rc = ccm_pst_heap_stream_finish(&n_pages, &c->h, err);
	}
	if (rc == 0)
		rc = ccm_pst_ndb_put_tree(data, c->w, c->pages.bid, c->pages.size, c->pages.n,
					  err);
	if (rc == 0)
		rc = ccm_pst_sublist_put(sub, &c->subs, c->w, err);
	ccm_pst_contents_abort(c);
	return rc;
}

void ccm_pst_contents_abort(struct ccm_pst_contents *c)
{
	if (!c)
		return;
	ccm_pst_heap_release(&c->h);
	ccm_pst_tc_layout_release(&c->l);
	blocks_release(&c->pages);
	blocks_release(&c->matrix);
	ccm_pst_sublist_release(&c->subs);
	free(c->rows);
	free(c->index);
	free(c);
}
