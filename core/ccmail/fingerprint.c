/* fingerprint.c: a source message's content fingerprint (XXH3-128). */
#include "ccmail/fingerprint.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Field separator: no header text holds it (the reader keeps lines). */
static const char SEP = '\x1f';

static void field(XXH3_state_t *h, char tag, const char *text)
{
	XXH3_128bits_update(h, &tag, 1);
	if (text)
		XXH3_128bits_update(h, text, strlen(text));
	XXH3_128bits_update(h, &SEP, 1);
}

static void addrs(XXH3_state_t *h, char tag, const struct ccm_addrlist *l)
{
	XXH3_128bits_update(h, &tag, 1);
	for (size_t i = 0; i < l->len; i++) {
		const char *raw = l->v[i].raw ? l->v[i].raw : "";
		XXH3_128bits_update(h, raw, strlen(raw));
		XXH3_128bits_update(h, "\n", 1);
	}
	XXH3_128bits_update(h, &SEP, 1);
}

void ccm_fp_init(struct ccm_fp *fp)
{
	memset(fp, 0, sizeof(*fp));
}

void ccm_fp_release(struct ccm_fp *fp)
{
	free(fp->items);
	free(fp->have);
	ccm_fp_init(fp);
}

void ccm_fp_begin(struct ccm_fp *fp, const struct ccm_message *m)
{
	XXH3_128bits_reset(&fp->head);
	field(&fp->head, 'F', m->from_text);
	addrs(&fp->head, 'T', &m->to);
	addrs(&fp->head, 'C', &m->cc);
	addrs(&fp->head, 'B', &m->bcc);
	field(&fp->head, 'S', m->subject);
	field(&fp->head, 'D', m->date_text);
	fp->item_index = 0;
	fp->n_items = 0;
	fp->ended = 0;
	if (fp->cap)
		memset(fp->have, 0, fp->cap);
}

int ccm_fp_item_begin(struct ccm_fp *fp, const struct ccm_item *it)
{
	char kind = (char)('0' + it->kind);

	ccm_fp_item_end(fp);
	if (it->index < 1)
		return 0;
	if ((size_t)it->index > fp->cap) {
		size_t cap = fp->cap ? fp->cap : 8;
		XXH128_hash_t *v;
		unsigned char *h;

		while (cap < (size_t)it->index)
			cap *= 2;
		if (!(v = realloc(fp->items, cap * sizeof(*v))))
			return CCM_ENOMEM;
		fp->items = v;
		if (!(h = realloc(fp->have, cap)))
			return CCM_ENOMEM;
		memset(h + fp->cap, 0, cap - fp->cap);
		fp->have = h;
		fp->cap = cap;
	}
	XXH3_128bits_reset(&fp->item);
	field(&fp->item, kind, it->title);
	fp->item_index = it->index;
	return 0;
}

void ccm_fp_item_update(struct ccm_fp *fp, const void *p, size_t n)
{
	if (fp->item_index && n)
		XXH3_128bits_update(&fp->item, p, n);
}

void ccm_fp_item_end(struct ccm_fp *fp)
{
	long i = fp->item_index;

	if (!i)
		return;
	fp->items[i - 1] = XXH3_128bits_digest(&fp->item);
	fp->have[i - 1] = 1;
	if (i > fp->n_items)
		fp->n_items = i;
	fp->item_index = 0;
}

void ccm_fp_final(char out[CCM_FP_HEX], struct ccm_fp *fp)
{
	XXH128_hash_t d;

	if (fp->ended) {
		memcpy(out, fp->hex, CCM_FP_HEX);
		return;
	}
	ccm_fp_item_end(fp);
	/* The items in index order; one never hashed counts as absent. */
	for (long i = 0; i < fp->n_items; i++) {
		XXH128_canonical_t c;

		if (!fp->have[i])
			continue;
		XXH128_canonicalFromHash(&c, fp->items[i]);
		XXH3_128bits_update(&fp->head, &c, sizeof(c));
	}
	d = XXH3_128bits_digest(&fp->head);
	{
		XXH128_canonical_t c;
		static const char hex[] = "0123456789abcdef";

		XXH128_canonicalFromHash(&c, d);
		for (int k = 0; k < 16; k++) {
			out[2 * k] = hex[c.digest[k] >> 4];
			out[2 * k + 1] = hex[c.digest[k] & 15];
		}
		out[32] = '\0';
	}
	memcpy(fp->hex, out, CCM_FP_HEX);
	fp->ended = 1;
}

int ccm_fp_message(char out[CCM_FP_HEX], struct ccm_fp *fp,
		   struct ccm_msgfile *f, const struct ccm_message *m, char *piece,
		   size_t n, struct ccm_error *err)
{
	const struct ccm_item *it;
	int rc;

	ccm_fp_begin(fp, m);
	while ((rc = ccm_msgfile_next_item(f, &it, err)) > 0) {
		ssize_t got;

		if (ccm_fp_item_begin(fp, it) < 0)
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		while ((got = ccm_msgfile_read(f, piece, n, err)) > 0)
			ccm_fp_item_update(fp, piece, (size_t)got);
		if (got < 0)
			return (int)got;
		ccm_fp_item_end(fp);
	}
	if (rc < 0)
		return rc;
	ccm_fp_final(out, fp);
	return 0;
}

/* ---- counting identical fingerprints --------------------------------- */

static uint64_t slot_hash(const char *fp)
{
	return XXH3_64bits(fp, 32);
}

void ccm_fp_seen_reset(struct ccm_fp_seen *s)
{
	if (s->v)
		for (size_t i = 0; i < s->cap; i++)
			s->v[i].count = 0;
	s->len = 0;
}

void ccm_fp_seen_release(struct ccm_fp_seen *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Open addressing; the table is at most half full. */
static struct ccm_fp_seen_slot *slot(struct ccm_fp_seen_slot *v, size_t cap,
				     const char *fp)
{
	size_t i = (size_t)slot_hash(fp) & (cap - 1);

	while (v[i].count && memcmp(v[i].fp, fp, 32) != 0)
		i = (i + 1) & (cap - 1);
	return &v[i];
}

long ccm_fp_seen_add(struct ccm_fp_seen *s, const char *fp)
{
	struct ccm_fp_seen_slot *e;

	if (2 * (s->len + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct ccm_fp_seen_slot *v = calloc(cap, sizeof(*v));

		if (!v)
			return CCM_ENOMEM;
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i].count)
				*slot(v, cap, s->v[i].fp) = s->v[i];
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	e = slot(s->v, s->cap, fp);
	if (!e->count) {
		memcpy(e->fp, fp, 32);
		e->fp[32] = '\0';
		s->len++;
	}
	return ++e->count;
}
