/* tc.c: a table context: columns, a row index and a row matrix ([MS-PST] 2.3.4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pst/bth.h"
#include "pst/heap.h"
#include "pst/le.h"
#include "pst/ltp.h"
#include "pst/node_out.h"
#include "pst/tc_int.h"

#define TCINFO_SIZE 22
#define TCOLDESC_SIZE 8
#define ROW_ID 0x67F2               /* PidTagLtpRowId */
#define ROW_VER 0x67F3              /* PidTagLtpRowVer */
#define COLS_MAX 255
#define FROM_ROW_ID (-1)
#define FROM_NOWHERE (-2)           /* PidTagLtpRowVer not given: 0 */


static unsigned cell_size(uint16_t type)
{
	int size = ccm_pst_ltp_type_size(type);

	/* Others are an HNID: variable-size and 16-byte values live outside. */
	return size >= 1 && size <= 8 ? (unsigned)size : 4;
}

static int check_cols(const struct ccm_pst_col *cols, size_t n, int *ver_col,
		      struct ccm_error *err)
{
	*ver_col = -1;
	for (size_t j = 0; j < n; j++) {
		int size = ccm_pst_ltp_type_size(cols[j].type);

		if (size < 0 || cols[j].type == CCM_PST_PT_OBJECT)
			return ccm_error_set(err, CCM_EUNSUPPORTED,
				"column 0x%04X%04X of a PST table has a type ccmig "
				"does not write in tables", cols[j].id, cols[j].type);
		if (cols[j].id == ROW_ID ||
		    (cols[j].id == ROW_VER && cols[j].type != CCM_PST_PT_LONG))
			return ccm_error_set(err, CCM_EINVAL,
				"column 0x%04X%04X of a PST table is one the table "
				"makes itself", cols[j].id, cols[j].type);
		if (cols[j].id == ROW_VER)
			*ver_col = (int)j;
		for (size_t k = 0; k < j; k++)
			if (cols[k].id == cols[j].id)
				return ccm_error_set(err, CCM_EINVAL,
					"column 0x%04X given twice for one PST table",
					cols[j].id);
	}
	if (n + (*ver_col < 0 ? 2 : 1) > COLS_MAX)
		return ccm_error_set(err, CCM_EINVAL,
			"a PST table has at most %d columns, not %zu", COLS_MAX,
			n + (*ver_col < 0 ? 2 : 1));
	return 0;
}

/* Row id at 0, row version at 4, then 8-, 4-, 2- and 1-byte cells, then the bitmap. */
static void lay_out(struct ccm_pst_tc_layout *l, const struct ccm_pst_col *cols, size_t n, int ver_col)
{
	static const unsigned groups[] = { 8, 4, 2, 1 };
	unsigned ib = 8;

	l->v = malloc((n + 2) * sizeof(*l->v));
	if (!l->v)
		ccm_die_oom((n + 2) * sizeof(*l->v));
	l->v[0] = (struct ccm_pst_tc_col){ (uint32_t)ROW_ID << 16 | CCM_PST_PT_LONG, FROM_ROW_ID, 0, 4, 0 };
	l->v[1] = (struct ccm_pst_tc_col){ (uint32_t)ROW_VER << 16 | CCM_PST_PT_LONG,
				 ver_col < 0 ? FROM_NOWHERE : ver_col, 4, 4, 1 };
	l->n = 2;
	for (size_t g = 0; g < 4; g++) {
		for (size_t j = 0; j < n; j++) {
			if ((int)j == ver_col || cell_size(cols[j].type) != groups[g])
				continue;
			l->v[l->n] = (struct ccm_pst_tc_col){ (uint32_t)cols[j].id << 16 | cols[j].type,
				(int)j, ib, groups[g], (unsigned)l->n };
			ib += groups[g];
			l->n++;
		}
		if (g >= 1)
			l->rgib[g - 1] = ib;
	}
	l->rgib[3] = ib + (unsigned)(l->n + 7) / 8;
}

static int by_tag(const void *a, const void *b)
{
	const struct ccm_pst_tc_col *x = a, *y = b;

	return (x->tag > y->tag) - (x->tag < y->tag);
}

/* TCINFO and its TCOLDESCs, sorted by tag ([MS-PST] 2.3.4.1, 2.3.4.2). */
void ccm_pst_tc_info(uint8_t *p, const struct ccm_pst_tc_layout *l, uint32_t hid_index,
		     uint32_t hnid_rows)
{
	struct ccm_pst_tc_col *sorted = malloc(l->n * sizeof(*sorted));

	if (!sorted)
		ccm_die_oom(l->n * sizeof(*sorted));
	memcpy(sorted, l->v, l->n * sizeof(*sorted));
	qsort(sorted, l->n, sizeof(*sorted), by_tag);
	p[0] = CCM_PST_TC_SIG;
	p[1] = (uint8_t)l->n;
	for (int k = 0; k < 4; k++)
		ccm_pst_put16(p + 2 + 2 * k, l->rgib[k]);
	ccm_pst_put32(p + 10, hid_index);
	ccm_pst_put32(p + 14, hnid_rows);
	ccm_pst_put32(p + 18, 0);                  /* hidIndex: deprecated */
	for (size_t k = 0; k < l->n; k++) {
		uint8_t *d = p + TCINFO_SIZE + k * TCOLDESC_SIZE;
		ccm_pst_put32(d, sorted[k].tag);
		ccm_pst_put16(d + 4, sorted[k].ib);
		d[6] = (uint8_t)sorted[k].cb;
		d[7] = (uint8_t)sorted[k].bit;
	}
	free(sorted);
}

static int by_key(const void *a, const void *b)
{
	uint32_t kx = ccm_pst_get32(a), ky = ccm_pst_get32(b);

	return (kx > ky) - (kx < ky);
}

/* The row index's records (dwRowID, dwRowIndex), sorted by id; CCM_EINVAL on a repeat. */
static int row_index(uint8_t **out_recs, const uint32_t *row_ids, size_t n,
		     struct ccm_error *err)
{
	uint8_t *recs = malloc((n ? n : 1) * 8);

	if (!recs)
		ccm_die_oom(n * 8);
	for (size_t i = 0; i < n; i++) {
		ccm_pst_put32(recs + 8 * i, row_ids[i]);
		ccm_pst_put32(recs + 8 * i + 4, (uint32_t)i);
	}
	qsort(recs, n, 8, by_key);
	for (size_t i = 1; i < n; i++)
		if (by_key(recs + 8 * i, recs + 8 * (i - 1)) == 0) {
			uint32_t id = ccm_pst_get32(recs + 8 * i);
			free(recs);
			return ccm_error_set(err, CCM_EINVAL,
				"row id %u given twice for one PST table", id);
		}
	*out_recs = recs;
	return 0;
}

int ccm_pst_tc_check_row(const struct ccm_pst_col *cols, size_t n_cols,
			 const struct ccm_pst_prop *row, size_t i, struct ccm_error *err)
{
	for (size_t j = 0; j < n_cols; j++) {
		const struct ccm_pst_prop *c = &row[j];
		char where[64];
		int rc;

		if (c->type == CCM_PST_PT_UNSPECIFIED)
			continue;
		snprintf(where, sizeof(where), "row %zu column 0x%04X%04X",
			 i, cols[j].id, cols[j].type);
		if (c->type != cols[j].type)
			return ccm_error_set(err, CCM_EINVAL,
				"%s of a PST table has a value of type 0x%04X",
				where, c->type);
		if ((rc = ccm_pst_ltp_check(c, where, err)) < 0)
			return rc;
	}
	return 0;
}

static int check_rows(const struct ccm_pst_col *cols, size_t n_cols,
		      const struct ccm_pst_prop *const *rows, size_t n_rows,
		      struct ccm_error *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n_rows; i++)
		rc = ccm_pst_tc_check_row(cols, n_cols, rows[i], i, err);
	return rc;
}

int ccm_pst_tc_fill_row(struct ccm_pst_node_out *out, uint8_t *row,
			const struct ccm_pst_tc_layout *l, const struct ccm_pst_prop *cells,
			uint32_t row_id, struct ccm_pst_heap *h, uint32_t *next_index,
			struct ccm_error *err)
{
	uint8_t *ceb = row + l->rgib[2];

	for (size_t k = 0; k < l->n; k++) {
		const struct ccm_pst_tc_col *c = &l->v[k];
		const struct ccm_pst_prop *v;
		int size, rc;

		if (c->src == FROM_ROW_ID || c->src == FROM_NOWHERE) {
			ccm_pst_put32(row + c->ib, c->src == FROM_ROW_ID ? row_id : 0);
			ceb[c->bit / 8] |= (uint8_t)(0x80 >> (c->bit % 8));
			continue;
		}
		v = &cells[c->src];
		if (v->type == CCM_PST_PT_UNSPECIFIED)
			continue;
		ceb[c->bit / 8] |= (uint8_t)(0x80 >> (c->bit % 8));
		size = ccm_pst_ltp_type_size(v->type);
		if (size >= 1 && size <= 8) {
			memcpy(row + c->ib, v->p, (size_t)size);
		} else {
			uint32_t hnid;
			rc = ccm_pst_ltp_place(&hnid, h, out, v, next_index, err);
			if (rc < 0)
				return rc;
			ccm_pst_put32(row + c->ib, hnid);
		}
	}
	return 0;
}

/*
 * As Outlook lays one out: the row index's BTHHEADER, the TCINFO (the
 * heap's user root), the row index's records, the row matrix when it
 * stays in the heap, then the rows' outside values in row order.
 */
static int build(struct ccm_pst_heap *h, struct ccm_pst_node_out *out, const struct ccm_pst_tc_layout *l,
		 const struct ccm_pst_prop *const *rows, const uint32_t *row_ids,
		 size_t n_rows, const uint8_t *index_recs, uint32_t *next_index,
		 struct ccm_error *err)
{
	size_t row_size = l->rgib[3], matrix_size = n_rows * row_size;
	size_t tcinfo_size = ccm_pst_tc_info_size(l);
	uint32_t hid_index, hid_info, hnid_rows = 0;
	size_t sn_at = 0;
	uint8_t *matrix = NULL;
	int rc;

	rc = ccm_pst_bth_header(&hid_index, h, 4, 4, err);
	if (rc == 0)
		rc = ccm_pst_heap_alloc(&hid_info, h, NULL, tcinfo_size, err);
	if (rc == 0)
		rc = ccm_pst_bth_fill(h, hid_index, index_recs, n_rows, err);
	if (rc == 0 && n_rows > 0 && matrix_size <= CCM_PST_HN_ALLOC_MAX) {
		rc = ccm_pst_heap_alloc(&hnid_rows, h, NULL, matrix_size, err);
	} else if (rc == 0 && n_rows > 0) {
		struct ccm_pst_ltp_subnode *sn;
		rc = ccm_pst_ltp_add_subnode(&sn, out, next_index, err);
		if (rc == 0) {
			hnid_rows = sn->nid;
			sn_at = out->n_subnodes - 1;
		}
	}
	if (rc < 0)
		return rc;
	h->user_root = hid_info;
	ccm_pst_tc_info(ccm_pst_heap_at(h, hid_info, NULL), l, hid_index, hnid_rows);
	if (n_rows == 0)
		return 0;
	matrix = calloc(n_rows, row_size);
	if (!matrix)
		ccm_die_oom(matrix_size);
	for (size_t i = 0; rc == 0 && i < n_rows; i++)
		rc = ccm_pst_tc_fill_row(out, matrix + i * row_size, l, rows[i], row_ids[i],
					 h, next_index, err);
	if (rc == 0 && (hnid_rows & 0x1F) == 0) {
		memcpy(ccm_pst_heap_at(h, hnid_rows, NULL), matrix, matrix_size);
	} else if (rc == 0) {
		/* [MS-PST] 2.3.4.4.1: whole rows in each block, none across two. */
		size_t per = CCM_PST_BLOCK_MAX / row_size;
		for (size_t i = 0; i < n_rows; i += per) {
			size_t k = n_rows - i < per ? n_rows - i : per;
			ccm_pst_ltp_add_block(&out->subnodes[sn_at], matrix + i * row_size,
					      k * row_size);
		}
	}
	free(matrix);
	return rc;
}

size_t ccm_pst_tc_info_size(const struct ccm_pst_tc_layout *l)
{
	return TCINFO_SIZE + l->n * TCOLDESC_SIZE;
}

int ccm_pst_tc_layout_make(struct ccm_pst_tc_layout *l, const struct ccm_pst_col *cols,
			   size_t n_cols, struct ccm_error *err)
{
	int ver_col, rc;

	memset(l, 0, sizeof(*l));
	if ((rc = check_cols(cols, n_cols, &ver_col, err)) < 0)
		return rc;
	lay_out(l, cols, n_cols, ver_col);
	return 0;
}

void ccm_pst_tc_layout_release(struct ccm_pst_tc_layout *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int ccm_pst_tc_build(struct ccm_pst_node_out *out, const struct ccm_pst_col *cols,
		     size_t n_cols, const struct ccm_pst_prop *const *rows,
		     const uint32_t *row_ids, size_t n_rows, uint32_t *next_subnode_index,
		     struct ccm_error *err)
{
	struct ccm_pst_tc_layout l = { 0 };
	struct ccm_pst_heap h;
	uint8_t *recs = NULL;
	uint32_t next = *next_subnode_index;
	int rc;

	ccm_pst_node_out_init(out);
	rc = ccm_pst_tc_layout_make(&l, cols, n_cols, err);
	if (rc == 0)
		rc = check_rows(cols, n_cols, rows, n_rows, err);
	if (rc == 0)
		rc = row_index(&recs, row_ids, n_rows, err);
	if (rc < 0) {
		ccm_pst_tc_layout_release(&l);
		return rc;
	}
	ccm_pst_heap_init(&h, CCM_PST_TC_SIG);
	rc = build(&h, out, &l, rows, row_ids, n_rows, recs, &next, err);
	free(recs);
	ccm_pst_tc_layout_release(&l);
	return ccm_pst_ltp_finish(out, &h, rc, next, next_subnode_index);
}
