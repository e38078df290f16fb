/* namemap.c: a PST file's named properties and the name-to-id map that records them. */
#include "pst/namemap.h"
#include "pst/crc.h"
#include "pst/plist.h"

#include <stdlib.h>
#include <string.h>

/* GUIDs as stored: the first three fields little-endian. */
#define GUID_TAIL 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46
const unsigned char ccm_pst_ps_mapi[16] = {            /* {00020328-0000-0000-C000-000000000046} */
	0x28, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, GUID_TAIL };
const unsigned char ccm_pst_ps_public_strings[16] = {  /* {00020329-...} */
	0x29, 0x03, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, GUID_TAIL };
const unsigned char ccm_pst_psetid_address[16] = {     /* {00062004-...} */
	0x04, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, GUID_TAIL };
const unsigned char ccm_pst_psetid_common[16] = {      /* {00062008-...} */
	0x08, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, GUID_TAIL };

enum { NAMEID_SIZE = 8 };

void ccm_pst_namemap_init(struct ccm_pst_namemap *m)
{
	ccm_buf_init(&m->guids);
	ccm_buf_init(&m->entries);
	ccm_buf_init(&m->strings);
	m->n = 0;
}

void ccm_pst_namemap_release(struct ccm_pst_namemap *m)
{
	ccm_buf_release(&m->guids);
	ccm_buf_release(&m->entries);
	ccm_buf_release(&m->strings);
	m->n = 0;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int k = 0; k < 4; k++)
		p[k] = (unsigned char)(v >> (8 * k));
}

/* wGuid: 1 PS_MAPI, 2 PS_PUBLIC_STRINGS, 3 + the GUID stream's index;
 * a GUID not yet in the stream is added. */
static uint16_t guid_index(struct ccm_pst_namemap *m, const unsigned char guid[16])
{
	size_t k;

	if (!memcmp(guid, ccm_pst_ps_mapi, 16))
		return 1;
	if (!memcmp(guid, ccm_pst_ps_public_strings, 16))
		return 2;
	for (k = 0; k < m->guids.len / 16; k++)
		if (!memcmp(m->guids.ptr + 16 * k, guid, 16))
			return (uint16_t)(3 + k);
	ccm_buf_add(&m->guids, guid, 16);
	return (uint16_t)(3 + k);
}

/* The id of NAMEID {id, wGuid << 1 | kind}, added when new; `str` is the
 * name's UTF-16LE when kind is 1 (id is then found by it). */
static uint16_t lookup(struct ccm_pst_namemap *m, uint32_t id, uint16_t guid_kind,
		       const struct ccm_buf *str)
{
	unsigned char e[NAMEID_SIZE];

	for (size_t i = 0; i < m->n; i++) {
		const unsigned char *x = (const unsigned char *)m->entries.ptr + NAMEID_SIZE * i;
		uint32_t xid = get32(x);

		if ((uint16_t)(x[4] | x[5] << 8) != guid_kind)
			continue;
		if (str ? get32((const unsigned char *)m->strings.ptr + xid) == str->len &&
			  !memcmp(m->strings.ptr + xid + 4, str->ptr, str->len)
			: xid == id)
			return (uint16_t)(0x8000 + i);
	}
	if (m->n >= CCM_PST_NAMEMAP_MAX)
		return 0;
	if (str) {
		unsigned char len[4];
		static const unsigned char pad[3] = { 0, 0, 0 };

		id = (uint32_t)m->strings.len;
		put32(len, (uint32_t)str->len);
		ccm_buf_add(&m->strings, len, 4);
		ccm_buf_add(&m->strings, str->ptr, str->len);
		ccm_buf_add(&m->strings, pad, (4 - str->len % 4) % 4);
	}
	put32(e, id);
	e[4] = (unsigned char)guid_kind;
	e[5] = (unsigned char)(guid_kind >> 8);
	e[6] = (unsigned char)m->n;
	e[7] = (unsigned char)(m->n >> 8);
	ccm_buf_add(&m->entries, e, NAMEID_SIZE);
	return (uint16_t)(0x8000 + m->n++);
}

uint16_t ccm_pst_namemap_lid(struct ccm_pst_namemap *m, const unsigned char guid[16],
			     uint32_t lid)
{
	return lookup(m, lid, (uint16_t)(guid_index(m, guid) << 1), NULL);
}

uint16_t ccm_pst_namemap_name(struct ccm_pst_namemap *m, const unsigned char guid[16],
			      const char *name)
{
	struct ccm_buf s = CCM_BUF_INIT;
	uint16_t id;

	ccm_pst_utf16(&s, name, strlen(name));
	id = lookup(m, 0, (uint16_t)(guid_index(m, guid) << 1 | 1), &s);
	ccm_buf_release(&s);
	return id;
}

/* A NAMEID as its hash bucket holds it: a string's offset replaced by
 * the CRC-32 of its name ([MS-PST] 2.4.7.5); *hash its bucket's hash. */
static void bucket_entry(unsigned char out[NAMEID_SIZE], uint32_t *hash,
			 const struct ccm_pst_namemap *m, size_t i)
{
	const unsigned char *e = (const unsigned char *)m->entries.ptr + NAMEID_SIZE * i;
	uint16_t guid_kind = (uint16_t)(e[4] | e[5] << 8);
	uint32_t id = get32(e);

	memcpy(out, e, NAMEID_SIZE);
	if (guid_kind & 1) {
		const unsigned char *s = (const unsigned char *)m->strings.ptr + id;

		id = ccm_pst_crc(0, s + 4, get32(s));
		put32(out, id);
	}
	*hash = id ^ guid_kind;
}

int ccm_pst_namemap_props(struct ccm_pst_prop **props, size_t *n, struct ccm_buf *hold,
			  const struct ccm_pst_namemap *m, struct ccm_error *err)
{
	enum { FIXED = 4, TOTAL = FIXED + CCM_PST_NAMEMAP_BUCKETS };
	struct ccm_pst_prop *v = calloc(TOTAL, sizeof(*v));
	size_t off[TOTAL + 1];
	unsigned char count[4];
	const struct ccm_buf *streams[3] = { &m->guids, &m->entries, &m->strings };

	*props = v;
	*n = 0;
	if (!v)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	/* Values first into hold, then pointers (hold moves as it grows). */
	put32(count, CCM_PST_NAMEMAP_BUCKETS);
	off[0] = hold->len;
	ccm_buf_add(hold, count, 4);
	for (int k = 0; k < 3; k++) {
		off[1 + k] = hold->len;
		ccm_buf_add(hold, streams[k]->ptr, streams[k]->len);
	}
	for (uint32_t b = 0; b < CCM_PST_NAMEMAP_BUCKETS; b++) {
		off[FIXED + b] = hold->len;
		for (size_t i = 0; i < m->n; i++) {
			unsigned char e[NAMEID_SIZE];
			uint32_t hash;

			bucket_entry(e, &hash, m, i);
			if (hash % CCM_PST_NAMEMAP_BUCKETS == b)
				ccm_buf_add(hold, e, NAMEID_SIZE);
		}
	}
	off[TOTAL] = hold->len;
	for (size_t k = 0; k < TOTAL; k++) {
		/* PidTagNameidBucketCount, ...StreamGuid, ...StreamEntry,
		 * ...StreamString, then the buckets 0x1000 on. */
		v[k].id = (uint16_t)(k < FIXED ? k + 1 : 0x1000 + (k - FIXED));
		v[k].type = k == 0 ? CCM_PST_PT_LONG : CCM_PST_PT_BINARY;
		v[k].p = hold->ptr + off[k];
		v[k].n = off[k + 1] - off[k];
	}
	*n = TOTAL;
	return 0;
}
