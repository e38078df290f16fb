/* bth.c: a BTree-on-Heap built in a heap from sorted records ([MS-PST] 2.3.2). */
#include "pst/bth.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "pst/le.h"
#include "pst/ltp.h"

#define BTH_TYPE 0xB5
#define BTHHEADER_SIZE 8
#define HID_SIZE 4

static uint64_t key_value(const uint8_t *p, unsigned cb_key)
{
	uint64_t v = 0;

	for (unsigned i = cb_key; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

int ccm_pst_bth_header(uint32_t *hid, struct ccm_pst_heap *h, unsigned cb_key,
		       unsigned cb_ent, struct ccm_error *err)
{
	uint8_t hdr[BTHHEADER_SIZE] = { BTH_TYPE, (uint8_t)cb_key, (uint8_t)cb_ent, 0 };

	assert(cb_key == 2 || cb_key == 4 || cb_key == 8);
	assert(cb_ent >= 1 && cb_ent <= 32);
	return ccm_pst_heap_alloc(hid, h, hdr, sizeof(hdr), err);
}

/*
 * Packs n records of `size` bytes into allocations of as many whole
 * records as fit; *out_hids (malloc'ed) the allocations, *n_out their count.
 */
static int pack(uint32_t **out_hids, size_t *n_out, struct ccm_pst_heap *h,
		const uint8_t *records, size_t n, size_t size, struct ccm_error *err)
{
	size_t per = CCM_PST_HN_ALLOC_MAX / size;
	size_t count = (n + per - 1) / per;
	uint32_t *hids = malloc(count * sizeof(*hids));

	if (!hids)
		ccm_die_oom(count * sizeof(*hids));
	for (size_t i = 0; i < count; i++) {
		size_t k = n - i * per < per ? n - i * per : per;
		int rc = ccm_pst_heap_alloc(&hids[i], h, records + i * per * size,
					    k * size, err);
		if (rc < 0) {
			free(hids);
			return rc;
		}
	}
	*out_hids = hids;
	*n_out = count;
	return 0;
}

int ccm_pst_bth_fill(struct ccm_pst_heap *h, uint32_t hid_header, const void *records,
		     size_t n, struct ccm_error *err)
{
	uint8_t *hdr = ccm_pst_heap_at(h, hid_header, NULL);
	unsigned cb_key = hdr[1], cb_ent = hdr[2], levels = 0;
	uint32_t *hids = NULL, root;
	size_t n_hids, size = cb_key + cb_ent;
	const uint8_t *below = records;
	uint8_t *up = NULL;
	int rc;

	assert(hdr[0] == BTH_TYPE && hdr[3] == 0);
	if (n == 0)
		return 0;
	rc = pack(&hids, &n_hids, h, records, n, size, err);
	while (rc == 0 && n_hids > 1) {
		/* One level up: each allocation below by its first key, read
		 * from the records (a streamed heap may have handed the
		 * allocations on). */
		size_t per = CCM_PST_HN_ALLOC_MAX / size, up_size = cb_key + HID_SIZE;
		uint8_t *next = malloc(n_hids * up_size);
		uint32_t *up_hids;

		if (!next)
			ccm_die_oom(n_hids * up_size);
		for (size_t i = 0; i < n_hids; i++) {
			uint8_t *rec = next + i * up_size;
			memcpy(rec, below + i * per * size, cb_key);
			ccm_pst_put32(rec + cb_key, hids[i]);
		}
		free(up);
		up = next;
		below = up;
		size = up_size;
		rc = pack(&up_hids, &n_hids, h, up, n_hids, size, err);
		free(hids);
		hids = rc == 0 ? up_hids : NULL;
		levels++;
	}
	free(up);
	if (rc < 0)
		return rc;
	root = hids[0];
	free(hids);
	hdr = ccm_pst_heap_at(h, hid_header, NULL);
	hdr[3] = (uint8_t)levels;
	ccm_pst_put32(hdr + 4, root);
	return 0;
}

uint8_t *ccm_pst_bth_find(struct ccm_pst_heap *h, uint32_t hid_header, const void *key)
{
	const uint8_t *hdr = ccm_pst_heap_at(h, hid_header, NULL);
	unsigned cb_key = hdr[1], cb_ent = hdr[2], level = hdr[3];
	uint64_t want = key_value(key, cb_key);
	uint32_t hid = ccm_pst_get32(hdr + 4);

	while (hid != 0) {
		size_t len, size = cb_key + (level ? HID_SIZE : cb_ent);
		uint8_t *p = ccm_pst_heap_at(h, hid, &len), *below = NULL;

		for (size_t off = 0; off + size <= len; off += size) {
			uint64_t k = key_value(p + off, cb_key);
			if (level == 0 && k == want)
				return p + off + cb_key;
			if (k > want)
				break;
			below = p + off + cb_key;
		}
		if (level == 0 || !below)
			return NULL;
		hid = ccm_pst_get32(below);
		level--;
	}
	return NULL;
}
