/* node_out.c: what one node is made of, and where the PC and TC builders put values. */
#include "pst/node_out.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define NID_INDEX_MAX (1u << 27)    /* nidIndex has 27 bits */

void ccm_pst_node_out_init(struct ccm_pst_node_out *out)
{
	memset(out, 0, sizeof(*out));
}

void ccm_pst_node_out_release(struct ccm_pst_node_out *out)
{
	for (size_t i = 0; i < out->n_pages; i++)
		ccm_buf_release(&out->pages[i]);
	free(out->pages);
	for (size_t i = 0; i < out->n_subnodes; i++) {
		for (size_t k = 0; k < out->subnodes[i].n_blocks; k++)
			ccm_buf_release(&out->subnodes[i].blocks[k]);
		free(out->subnodes[i].blocks);
	}
	free(out->subnodes);
	memset(out, 0, sizeof(*out));
}

int ccm_pst_ltp_type_size(uint16_t type)
{
	switch (type) {
	case CCM_PST_PT_BOOLEAN:
		return 1;
	case CCM_PST_PT_I2:
		return 2;
	case CCM_PST_PT_LONG: case CCM_PST_PT_R4: case CCM_PST_PT_ERROR:
		return 4;
	case CCM_PST_PT_I8: case CCM_PST_PT_DOUBLE: case CCM_PST_PT_CURRENCY:
	case CCM_PST_PT_APPTIME: case CCM_PST_PT_SYSTIME:
		return 8;
	case CCM_PST_PT_CLSID:
		return 16;
	case CCM_PST_PT_STRING8: case CCM_PST_PT_UNICODE: case CCM_PST_PT_BINARY:
	case CCM_PST_PT_OBJECT:
		return 0;
	}
	switch (type & ~CCM_PST_PT_MV) {
	case CCM_PST_PT_I2: case CCM_PST_PT_LONG: case CCM_PST_PT_R4:
	case CCM_PST_PT_DOUBLE: case CCM_PST_PT_CURRENCY: case CCM_PST_PT_APPTIME:
	case CCM_PST_PT_I8: case CCM_PST_PT_STRING8: case CCM_PST_PT_UNICODE:
	case CCM_PST_PT_SYSTIME: case CCM_PST_PT_CLSID: case CCM_PST_PT_BINARY:
		if (type & CCM_PST_PT_MV)
			return 0;
	}
	return -1;
}

int ccm_pst_ltp_check(const struct ccm_pst_prop *v, const char *where,
		      struct ccm_error *err)
{
	int size = ccm_pst_ltp_type_size(v->type);

	if (size < 0)
		return ccm_error_set(err, CCM_EUNSUPPORTED,
			"%s has property type 0x%04X, which ccmig does not write "
			"to PST files", where, v->type);
	if (size > 0 && (v->n != (size_t)size || !v->p))
		return ccm_error_set(err, CCM_EINVAL,
			"%s of type 0x%04X has %zu bytes instead of %d",
			where, v->type, v->n, size);
	if (v->type == CCM_PST_PT_OBJECT && (v->nid & 0x1F) == 0)
		return ccm_error_set(err, CCM_EINVAL,
			"%s of type PtypObject names no subnode (nid 0x%X)", where, v->nid);
	if (size == 0 && !v->p && v->n > 0 && v->type != CCM_PST_PT_OBJECT &&
	    (v->nid & 0x1F) == 0)
		return ccm_error_set(err, CCM_EINVAL,
			"%s has %zu bytes but neither data nor a subnode", where, v->n);
	return 0;
}

int ccm_pst_ltp_add_subnode(struct ccm_pst_ltp_subnode **sn, struct ccm_pst_node_out *node,
			    uint32_t *next_index, struct ccm_error *err)
{
	struct ccm_pst_ltp_subnode *v;

	if (*next_index >= NID_INDEX_MAX)
		return ccm_error_set(err, CCM_ELIMIT,
			"no subnode index left for a PST node (all %u used)", NID_INDEX_MAX);
	/* Grown one at a time: a node has few subnodes (its big values). */
	v = realloc(node->subnodes, (node->n_subnodes + 1) * sizeof(*v));
	if (!v)
		ccm_die_oom((node->n_subnodes + 1) * sizeof(*v));
	node->subnodes = v;
	v = &node->subnodes[node->n_subnodes++];
	v->nid = *next_index << 5 | CCM_PST_NID_TYPE_LTP;
	v->blocks = NULL;
	v->n_blocks = 0;
	(*next_index)++;
	*sn = v;
	return 0;
}

int ccm_pst_ltp_finish(struct ccm_pst_node_out *out, struct ccm_pst_heap *h, int rc,
		       uint32_t next, uint32_t *next_subnode_index)
{
	if (rc < 0) {
		ccm_pst_heap_release(h);
		ccm_pst_node_out_release(out);
		return rc;
	}
	ccm_pst_heap_finish(&out->pages, &out->n_pages, h);
	*next_subnode_index = next;
	return 0;
}

void ccm_pst_ltp_add_block(struct ccm_pst_ltp_subnode *sn, const void *p, size_t n)
{
	struct ccm_buf *v;

	assert(n <= CCM_PST_BLOCK_MAX);
	v = realloc(sn->blocks, (sn->n_blocks + 1) * sizeof(*v));
	if (!v)
		ccm_die_oom((sn->n_blocks + 1) * sizeof(*v));
	sn->blocks = v;
	ccm_buf_init(&v[sn->n_blocks]);
	ccm_buf_add(&v[sn->n_blocks], p, n);
	sn->n_blocks++;
}

int ccm_pst_ltp_place(uint32_t *hnid, struct ccm_pst_heap *h, struct ccm_pst_node_out *node,
		      const struct ccm_pst_prop *v, uint32_t *next_index,
		      struct ccm_error *err)
{
	struct ccm_pst_ltp_subnode *sn;
	int rc;

	if (v->type == CCM_PST_PT_OBJECT) {
		/* [MS-PST] 2.3.3.5: the subnode and the object's size. */
		uint8_t ref[8];
		ccm_pst_put32(ref, v->nid);
		ccm_pst_put32(ref + 4, (uint32_t)v->n);
		return ccm_pst_heap_alloc(hnid, h, ref, sizeof(ref), err);
	}
	if (!v->p && (v->nid & 0x1F) != 0) {
		*hnid = v->nid;
		return 0;
	}
	if (v->n == 0) {
		*hnid = 0;
		return 0;
	}
	if (v->n <= CCM_PST_HN_ALLOC_MAX)
		return ccm_pst_heap_alloc(hnid, h, v->p, v->n, err);
	rc = ccm_pst_ltp_add_subnode(&sn, node, next_index, err);
	if (rc < 0)
		return rc;
	for (size_t off = 0; off < v->n; off += CCM_PST_BLOCK_MAX) {
		size_t k = v->n - off < CCM_PST_BLOCK_MAX ? v->n - off : CCM_PST_BLOCK_MAX;
		ccm_pst_ltp_add_block(sn, (const uint8_t *)v->p + off, k);
	}
	*hnid = sn->nid;
	return 0;
}
