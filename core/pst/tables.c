/* tables.c: writing built nodes, subnode lists and table rows for the messaging layer. */
#include "pst/messaging_int.h"

#include <stdlib.h>
#include <string.h>

#define C(id, type) { (id), CCM_PST_PT_##type }
/* Columns in the order Outlook's empty templates lay them out. */
const struct ccm_pst_col ccm_pst_cols_hierarchy[] = {
	C(0x3001, UNICODE), C(0x3602, LONG), C(0x3603, LONG), C(0x0E30, BINARY),
	C(0x0E33, I8), C(0x0E34, BINARY), C(0x0E38, LONG), C(0x3613, UNICODE),
	C(0x6635, LONG), C(0x6636, LONG), C(0x360A, BOOLEAN),
};
const struct ccm_pst_col ccm_pst_cols_contents[] = {
	C(0x0E17, LONG), C(0x001A, UNICODE), C(0x0E07, LONG), C(0x0017, LONG),
	C(0x0042, UNICODE), C(0x0037, UNICODE), C(0x0E06, SYSTIME), C(0x0039, SYSTIME),
	C(0x0E08, LONG), C(0x0E04, UNICODE), C(0x0E03, UNICODE), C(0x0036, LONG),
	C(0x1097, LONG), C(0x0070, UNICODE), C(0x0071, BINARY), C(0x3013, BINARY),
	C(0x65C6, LONG), C(0x3008, SYSTIME), C(0x0E30, BINARY), C(0x0E33, I8),
	C(0x0E34, BINARY), C(0x0E3D, BINARY), C(0x0E3C, BINARY), C(0x0E38, LONG),
	C(0x0057, BOOLEAN), C(0x0058, BOOLEAN),
};
const struct ccm_pst_col ccm_pst_cols_assoc[] = {
	C(0x0E17, LONG), C(0x001A, UNICODE), C(0x0E07, LONG), C(0x3001, UNICODE),
	C(0x7003, LONG), C(0x7004, BINARY), C(0x7005, BINARY), C(0x7006, UNICODE),
	C(0x7007, LONG), C(0x6800, UNICODE), C(0x6805, LONG | CCM_PST_PT_MV),
	C(0x682F, UNICODE), C(0x6803, BOOLEAN),
};
const struct ccm_pst_col ccm_pst_cols_search[] = {
	C(0x67F1, LONG), C(0x0E05, UNICODE), C(0x0E17, LONG), C(0x001A, UNICODE),
	C(0x0E07, LONG), C(0x0017, LONG), C(0x0042, UNICODE), C(0x0037, UNICODE),
	C(0x0E06, SYSTIME), C(0x0E08, LONG), C(0x0E04, UNICODE), C(0x0E03, UNICODE),
	C(0x0036, LONG), C(0x3008, SYSTIME), C(0x0057, BOOLEAN), C(0x0058, BOOLEAN),
	C(0x0E2A, BOOLEAN),
};
const struct ccm_pst_col ccm_pst_cols_attach[] = {
	C(0x370B, LONG), C(0x0E20, LONG), C(0x3705, LONG), C(0x3704, UNICODE),
};
const struct ccm_pst_col ccm_pst_cols_recip[] = {
	C(0x3002, UNICODE), C(0x3003, UNICODE), C(0x0FFF, BINARY), C(0x3001, UNICODE),
	C(0x0C15, LONG), C(0x300B, BINARY), C(0x0FF9, BINARY), C(0x0FFE, LONG),
	C(0x3900, LONG), C(0x39FF, UNICODE), C(0x0E0F, BOOLEAN), C(0x3A40, BOOLEAN),
};
#undef C
#define N(a) (sizeof(a) / sizeof((a)[0]))
const size_t ccm_pst_n_hierarchy = N(ccm_pst_cols_hierarchy);
const size_t ccm_pst_n_contents = N(ccm_pst_cols_contents);
const size_t ccm_pst_n_assoc = N(ccm_pst_cols_assoc);
const size_t ccm_pst_n_search = N(ccm_pst_cols_search);
const size_t ccm_pst_n_attach = N(ccm_pst_cols_attach);
const size_t ccm_pst_n_recip = N(ccm_pst_cols_recip);

void ccm_pst_sublist_add(struct ccm_pst_sublist *l, uint32_t nid, uint64_t data, uint64_t sub)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		struct ccm_pst_subnode *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			abort();
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].nid = nid;
	l->v[l->n].data_bid = data;
	l->v[l->n++].sub_bid = sub;
}

void ccm_pst_sublist_release(struct ccm_pst_sublist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int by_nid(const void *a, const void *b)
{
	uint32_t x = ((const struct ccm_pst_subnode *)a)->nid;
	uint32_t y = ((const struct ccm_pst_subnode *)b)->nid;

	return x < y ? -1 : x > y;
}

int ccm_pst_sublist_put(uint64_t *bid, struct ccm_pst_sublist *l, struct ccm_pst_ndb *w,
			struct ccm_error *err)
{
	int rc;

	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), by_nid);
	rc = ccm_pst_ndb_put_subnodes(bid, w, l->v, l->n, err);
	ccm_pst_sublist_release(l);
	return rc;
}

int ccm_pst_put_built(uint64_t *data, struct ccm_pst_sublist *l, struct ccm_pst_ndb *w,
		      struct ccm_pst_node_out *o, struct ccm_error *err)
{
	int rc = ccm_pst_ndb_put_blocks(data, w, o->pages, o->n_pages, err);

	if (rc < 0) {
		ccm_pst_node_out_release(o);
		return rc;
	}
	return ccm_pst_put_ltp_subnodes(l, w, o, err);
}

int ccm_pst_put_ltp_subnodes(struct ccm_pst_sublist *l, struct ccm_pst_ndb *w,
			     struct ccm_pst_node_out *o, struct ccm_error *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < o->n_subnodes; i++) {
		uint64_t bid;

		rc = ccm_pst_ndb_put_blocks(&bid, w, o->subnodes[i].blocks,
					    o->subnodes[i].n_blocks, err);
		if (rc == 0)
			ccm_pst_sublist_add(l, o->subnodes[i].nid, bid, 0);
	}
	ccm_pst_node_out_release(o);
	return rc;
}

int ccm_pst_put_pc(uint64_t *data, struct ccm_pst_sublist *l, struct ccm_pst_ndb *w,
		   struct ccm_pst_plist *pl, uint32_t *next_index, struct ccm_error *err)
{
	struct ccm_pst_node_out o;
	int rc = ccm_pst_pc_build(&o, ccm_pst_plist_props(pl), pl->n, next_index, err);

	return rc < 0 ? rc : ccm_pst_put_built(data, l, w, &o, err);
}

/* A row in r->buf: u32 row id, u16 count, then per property u16 id,
 * u16 type, u32 nid, u64 length and the bytes (none when nid is set). */
static void put_le(struct ccm_buf *b, uint64_t v, int n)
{
	unsigned char x[8];

	for (int k = 0; k < n; k++)
		x[k] = (unsigned char)(v >> (8 * k));
	ccm_buf_add(b, x, (size_t)n);
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int k = n - 1; k >= 0; k--)
		v = (v << 8) | p[k];
	return v;
}

void ccm_pst_rows_add(struct ccm_pst_rows *r, uint32_t row_id, const struct ccm_pst_plist *pl)
{
	put_le(&r->buf, row_id, 4);
	put_le(&r->buf, pl->n, 2);
	for (size_t i = 0; i < pl->n; i++) {
		put_le(&r->buf, pl->v[i].id, 2);
		put_le(&r->buf, pl->v[i].type, 2);
		put_le(&r->buf, pl->v[i].nid, 4);
		put_le(&r->buf, pl->v[i].len, 8);
		if (!pl->v[i].nid)
			ccm_buf_add(&r->buf, pl->data.ptr + pl->v[i].off, pl->v[i].len);
	}
	r->n++;
}

void ccm_pst_rows_release(struct ccm_pst_rows *r)
{
	ccm_buf_release(&r->buf);
	r->n = 0;
}

int ccm_pst_put_table(uint64_t *data, struct ccm_pst_sublist *l, struct ccm_pst_ndb *w,
		      const struct ccm_pst_col *cols, size_t n_cols,
		      const struct ccm_pst_rows *r, uint32_t *next_index,
		      struct ccm_error *err)
{
	struct ccm_pst_prop *cells = calloc(r->n * n_cols + 1, sizeof(*cells));
	const struct ccm_pst_prop **rows = calloc(r->n + 1, sizeof(*rows));
	uint32_t *ids = calloc(r->n + 1, sizeof(*ids));
	const unsigned char *p = (const unsigned char *)r->buf.ptr;
	struct ccm_pst_node_out o;
	int rc;

	if (!cells || !rows || !ids) {
		free(cells); free(rows); free(ids);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory building a PST table");
	}
	for (size_t i = 0; i < r->n; i++) {
		struct ccm_pst_prop *row = cells + i * n_cols;
		size_t count;

		for (size_t j = 0; j < n_cols; j++)
			row[j].type = CCM_PST_PT_UNSPECIFIED;
		ids[i] = (uint32_t)get_le(p, 4);
		count = (size_t)get_le(p + 4, 2);
		p += 6;
		for (size_t k = 0; k < count; k++) {
			uint16_t id = (uint16_t)get_le(p, 2), type = (uint16_t)get_le(p + 2, 2);
			uint32_t nid = (uint32_t)get_le(p + 4, 4);
			size_t len = (size_t)get_le(p + 8, 8);

			p += 16;
			for (size_t j = 0; j < n_cols; j++) {
				if (cols[j].id != id || cols[j].type != type)
					continue;
				row[j].id = id;
				row[j].type = type;
				row[j].nid = nid;
				row[j].n = len;
				row[j].p = nid ? NULL : p;
			}
			if (!nid)
				p += len;
		}
		rows[i] = row;
	}
	rc = ccm_pst_tc_build(&o, cols, n_cols, rows, ids, r->n, next_index, err);
	free(cells);
	free(rows);
	free(ids);
	return rc < 0 ? rc : ccm_pst_put_built(data, l, w, &o, err);
}
