/* plist.c: a list of properties being gathered for one PST object or table row. */
#include "pst/plist.h"
#include "base/utf8.h"

#include <string.h>

void ccm_pst_plist_init(struct ccm_pst_plist *l)
{
	l->n = 0;
	ccm_buf_init(&l->data);
}

void ccm_pst_plist_release(struct ccm_pst_plist *l)
{
	ccm_buf_release(&l->data);
	l->n = 0;
}

static int find(const struct ccm_pst_plist *l, uint16_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].id == id)
			return (int)i;
	return -1;
}

static int slot(struct ccm_pst_plist *l, uint16_t id, uint16_t type)
{
	if (l->n == CCM_PST_PLIST_MAX || find(l, id) >= 0)
		return -1;
	l->v[l->n].id = id;
	l->v[l->n].type = type;
	l->v[l->n].off = l->data.len;
	l->v[l->n].len = 0;
	l->v[l->n].nid = 0;
	return (int)l->n++;
}

void ccm_pst_plist_bytes(struct ccm_pst_plist *l, uint16_t id, uint16_t type,
			 const void *p, size_t n)
{
	int i = slot(l, id, type);

	if (i < 0)
		return;
	if (n)
		ccm_buf_add(&l->data, p, n);
	l->v[i].len = n;
}

void ccm_pst_utf16(struct ccm_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;

	while (p < e) {
		unsigned long cp;
		int k = ccm_utf8_decode(p, e, &cp);
		unsigned char u[4];

		if (k <= 0) {
			cp = 0xFFFD;
			k = 1;
		}
		p += k;
		if (cp >= 0x10000) {
			unsigned long hi = 0xD800 + ((cp - 0x10000) >> 10);
			unsigned long lo = 0xDC00 + ((cp - 0x10000) & 0x3FF);
			u[0] = (unsigned char)hi; u[1] = (unsigned char)(hi >> 8);
			u[2] = (unsigned char)lo; u[3] = (unsigned char)(lo >> 8);
			ccm_buf_add(out, u, 4);
		} else {
			u[0] = (unsigned char)cp; u[1] = (unsigned char)(cp >> 8);
			ccm_buf_add(out, u, 2);
		}
	}
}

void ccm_pst_plist_str_n(struct ccm_pst_plist *l, uint16_t id, const char *s, size_t n)
{
	int i;

	if (!s || (i = slot(l, id, CCM_PST_PT_UNICODE)) < 0)
		return;
	ccm_pst_utf16(&l->data, s, n);
	l->v[i].len = l->data.len - l->v[i].off;
}

void ccm_pst_plist_str(struct ccm_pst_plist *l, uint16_t id, const char *s)
{
	if (s)
		ccm_pst_plist_str_n(l, id, s, strlen(s));
}

static void le(unsigned char *b, uint64_t v, int n)
{
	for (int k = 0; k < n; k++)
		b[k] = (unsigned char)(v >> (8 * k));
}

void ccm_pst_plist_long(struct ccm_pst_plist *l, uint16_t id, int32_t v)
{
	unsigned char b[4];

	le(b, (uint32_t)v, 4);
	ccm_pst_plist_bytes(l, id, CCM_PST_PT_LONG, b, 4);
}

void ccm_pst_plist_bool(struct ccm_pst_plist *l, uint16_t id, int v)
{
	unsigned char b = v ? 1 : 0;

	ccm_pst_plist_bytes(l, id, CCM_PST_PT_BOOLEAN, &b, 1);
}

void ccm_pst_plist_i8(struct ccm_pst_plist *l, uint16_t id, int64_t v)
{
	unsigned char b[8];

	le(b, (uint64_t)v, 8);
	ccm_pst_plist_bytes(l, id, CCM_PST_PT_I8, b, 8);
}

void ccm_pst_plist_time(struct ccm_pst_plist *l, uint16_t id, long long utc)
{
	/* FILETIME: 100 ns steps since 1601-01-01. */
	unsigned char b[8];
	long long t = utc < -11644473600LL ? 0 : (utc + 11644473600LL) * 10000000LL;

	le(b, (uint64_t)t, 8);
	ccm_pst_plist_bytes(l, id, CCM_PST_PT_SYSTIME, b, 8);
}

void ccm_pst_plist_nid(struct ccm_pst_plist *l, uint16_t id, uint16_t type, uint32_t nid,
		       size_t size)
{
	int i = slot(l, id, type);

	if (i < 0)
		return;
	l->v[i].nid = nid;
	l->v[i].len = size;
}

static void fill(struct ccm_pst_prop *o, const struct ccm_pst_plist *l, size_t i)
{
	o->id = l->v[i].id;
	o->type = l->v[i].type;
	o->nid = l->v[i].nid;
	o->n = l->v[i].len;
	o->p = o->nid ? NULL : l->data.ptr + l->v[i].off;
}

const struct ccm_pst_prop *ccm_pst_plist_props(struct ccm_pst_plist *l)
{
	for (size_t i = 0; i < l->n; i++)
		fill(&l->out[i], l, i);
	return l->out;
}

const struct ccm_pst_prop *ccm_pst_plist_row(struct ccm_pst_plist *l,
					     const struct ccm_pst_col *cols, size_t n)
{
	for (size_t j = 0; j < n && j < CCM_PST_PLIST_MAX; j++) {
		int i = find(l, cols[j].id);

		memset(&l->out[j], 0, sizeof(l->out[j]));
		l->out[j].id = cols[j].id;
		if (i >= 0 && l->v[i].type == cols[j].type)
			fill(&l->out[j], l, (size_t)i);
		else
			l->out[j].type = CCM_PST_PT_UNSPECIFIED;
	}
	return l->out;
}
