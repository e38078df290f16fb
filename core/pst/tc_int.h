/* tc_int.h: a table context's layout and rows, shared by tc.c and the
 * contents table written as its rows come (contents.c). */
#ifndef CCM_PST_TC_INT_H
#define CCM_PST_TC_INT_H

#include <stddef.h>
#include <stdint.h>
#include "base/error.h"
#include "pst/heap.h"
#include "pst/ltp.h"

#define CCM_PST_TC_SIG 0x7C        /* bClientSig bTypeTC */

/* A column as the row lays it out. */
struct ccm_pst_tc_col {
	uint32_t tag;
	int src;                    /* index in the caller's cols, or FROM_* (tc.c) */
	unsigned ib, cb, bit;
};

/* The row of a table: its columns, and rgib (the ends of the 4-, 2- and
 * 1-byte groups and of the cell existence bitmap: the row's size). */
struct ccm_pst_tc_layout {
	struct ccm_pst_tc_col *v;
	size_t n;
	unsigned rgib[4];
};

/* The layout of a table of columns cols (ccm_pst_tc_build says how);
 * errors as ccm_pst_tc_build's for columns. Release it with
 * ccm_pst_tc_layout_release. */
int ccm_pst_tc_layout_make(struct ccm_pst_tc_layout *l, const struct ccm_pst_col *cols,
			   size_t n_cols, struct ccm_error *err);
void ccm_pst_tc_layout_release(struct ccm_pst_tc_layout *l);

/* The size of the TCINFO and its TCOLDESCs, and writing them at p. */
size_t ccm_pst_tc_info_size(const struct ccm_pst_tc_layout *l);
void ccm_pst_tc_info(uint8_t *p, const struct ccm_pst_tc_layout *l, uint32_t hid_index,
		     uint32_t hnid_rows);

/* Checks row i's cells (n_cols, by column) against the columns. */
int ccm_pst_tc_check_row(const struct ccm_pst_col *cols, size_t n_cols,
			 const struct ccm_pst_prop *row, size_t i, struct ccm_error *err);

/* Writes a row's cells at `row` (rgib[3] bytes, zeroed), placing its
 * variable-size values in h, or in new subnodes of out (their indexes
 * from *next_index). */
int ccm_pst_tc_fill_row(struct ccm_pst_node_out *out, uint8_t *row,
			const struct ccm_pst_tc_layout *l, const struct ccm_pst_prop *cells,
			uint32_t row_id, struct ccm_pst_heap *h, uint32_t *next_index,
			struct ccm_error *err);

#endif
