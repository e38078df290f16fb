/* pc.c: a property context: a BTH of property ids to values ([MS-PST] 2.3.3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pst/bth.h"
#include "pst/heap.h"
#include "pst/le.h"
#include "pst/ltp.h"
#include "pst/node_out.h"

#define PC_SIG 0xBC
#define PC_KEY 2
#define PC_ENT 6
#define PC_REC (PC_KEY + PC_ENT)

static int by_id(const void *a, const void *b)
{
	const struct ccm_pst_prop *x = *(const struct ccm_pst_prop *const *)a;
	const struct ccm_pst_prop *y = *(const struct ccm_pst_prop *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Values of at most 4 bytes sit in the record's dwValueHnid ([MS-PST] 2.3.3.3). */
static int is_inline(uint16_t type)
{
	int size = ccm_pst_ltp_type_size(type);

	return size > 0 && size <= 4;
}

/* Sorts props by id into *out (malloc'ed), checking each; CCM_EINVAL on a repeated id. */
static int sorted(const struct ccm_pst_prop ***out, const struct ccm_pst_prop *props,
		  size_t n, struct ccm_error *err)
{
	const struct ccm_pst_prop **v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		ccm_die_oom(n * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		char where[32];
		int rc;

		snprintf(where, sizeof(where), "property 0x%04X", props[i].id);
		rc = ccm_pst_ltp_check(&props[i], where, err);
		if (rc < 0) {
			free(v);
			return rc;
		}
		v[i] = &props[i];
	}
	qsort(v, n, sizeof(*v), by_id);
	for (size_t i = 1; i < n; i++)
		if (v[i]->id == v[i - 1]->id) {
			int id = v[i]->id;
			free(v);
			return ccm_error_set(err, CCM_EINVAL,
				"property 0x%04X given twice for one PST property context", id);
		}
	*out = v;
	return 0;
}

/*
 * As Outlook lays one out: the BTHHEADER (the heap's user root), the
 * records, then the values in the order of their ids. Records are
 * allocated first and their HNIDs set once the values have places.
 */
static int build(struct ccm_pst_heap *h, struct ccm_pst_node_out *out,
		 const struct ccm_pst_prop **v, size_t n, uint32_t *next_index,
		 struct ccm_error *err)
{
	uint8_t *recs = calloc(n ? n : 1, PC_REC);
	uint32_t hdr;
	int rc;

	if (!recs)
		ccm_die_oom(n * PC_REC);
	rc = ccm_pst_bth_header(&hdr, h, PC_KEY, PC_ENT, err);
	h->user_root = hdr;
	for (size_t i = 0; i < n; i++) {
		uint8_t *r = recs + i * PC_REC;

		ccm_pst_put16(r, v[i]->id);
		ccm_pst_put16(r + 2, v[i]->type);
		if (is_inline(v[i]->type))
			memcpy(r + 4, v[i]->p, v[i]->n);
	}
	if (rc == 0)
		rc = ccm_pst_bth_fill(h, hdr, recs, n, err);
	free(recs);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		uint8_t key[PC_KEY];
		uint32_t hnid;

		if (is_inline(v[i]->type))
			continue;
		rc = ccm_pst_ltp_place(&hnid, h, out, v[i], next_index, err);
		if (rc == 0) {
			ccm_pst_put16(key, v[i]->id);
			ccm_pst_put32(ccm_pst_bth_find(h, hdr, key) + 2, hnid);
		}
	}
	return rc;
}

int ccm_pst_pc_build(struct ccm_pst_node_out *out, const struct ccm_pst_prop *props,
		     size_t n, uint32_t *next_subnode_index, struct ccm_error *err)
{
	const struct ccm_pst_prop **v = NULL;
	struct ccm_pst_heap h;
	uint32_t next = *next_subnode_index;
	int rc;

	ccm_pst_node_out_init(out);
	rc = sorted(&v, props, n, err);
	if (rc < 0)
		return rc;
	ccm_pst_heap_init(&h, PC_SIG);
	rc = build(&h, out, v, n, &next, err);
	free(v);
	return ccm_pst_ltp_finish(out, &h, rc, next, next_subnode_index);
}
