/* gen_data.c: attachment data streams, MacBinary II headers, encodings. */
#include "gen/gen_int.h"
#include "ccmail/decode.h"

#include <string.h>

/* Block k of a stream: 8 bytes, little-endian, from a counter. Any offset
 * can be read without reading what comes before it. */
static inline uint64_t block(uint64_t seed, uint64_t k)
{
	return ccm_gen_mix64(seed + (k + 1) * CCM_GEN_GOLDEN);
}

static void fill_random(uint64_t seed, uint64_t off, unsigned char *buf,
			size_t n)
{
	uint64_t k = off >> 3;
	size_t skip = (size_t)(off & 7), o = 0;

	if (skip) {
		uint64_t v = block(seed, k++);
		unsigned char t[8];

		for (int i = 0; i < 8; i++)
			t[i] = (unsigned char)(v >> (8 * i));
		o = 8 - skip < n ? 8 - skip : n;
		memcpy(buf, t + skip, o);
	}
	for (; o + 8 <= n; o += 8) {
		uint64_t v = block(seed, k++);
		unsigned char t[8];

		for (int i = 0; i < 8; i++)
			t[i] = (unsigned char)(v >> (8 * i));
		memcpy(buf + o, t, 8);
	}
	if (o < n) {
		uint64_t v = block(seed, k);

		for (size_t i = 0; o < n; i++)
			buf[o++] = (unsigned char)(v >> (8 * i));
	}
}

/* Text-like data: 72 printable characters and CR LF per line. */
static void fill_text(uint64_t seed, uint64_t off, unsigned char *buf, size_t n)
{
	static const char set[65] =
		"abcdefghijklmnopqrstuvwxyz      ABCDEFGHIJKLMNOPQRS0123456789.,;-";
	unsigned col = (unsigned)(off % 74);

	fill_random(seed, off, buf, n);
	for (size_t i = 0; i < n; i++) {
		if (col == 72)
			buf[i] = '\r';
		else if (col == 73)
			buf[i] = '\n';
		else
			buf[i] = (unsigned char)set[buf[i] & 63];
		if (++col == 74)
			col = 0;
	}
}

static void apply_overlays(const struct ccm_gen_item_priv *p, uint64_t off,
			   unsigned char *buf, size_t n)
{
	for (int i = 0; i < p->n_ov; i++) {
		const struct ccm_gen_overlay *v = &p->ov[i];
		uint64_t lo = v->off > off ? v->off : off;
		uint64_t hi = v->off + v->n < off + n ? v->off + v->n : off + n;

		if (lo < hi)
			memcpy(buf + (lo - off), v->p + (lo - v->off),
			       (size_t)(hi - lo));
	}
}

size_t ccm_gen_data_read(const struct ccm_gen_item *it, uint64_t off,
			 unsigned char *buf, size_t n)
{
	const struct ccm_gen_item_priv *p = it->priv;
	uint64_t size = p->src == CCM_GEN_SRC_TEXT ? it->text_len : it->size;

	if (off >= size)
		return 0;
	if (n > size - off)
		n = (size_t)(size - off);
	switch (p->src) {
	case CCM_GEN_SRC_LITERAL:
		memcpy(buf, p->literal + off, n);
		return n;
	case CCM_GEN_SRC_TEXT:
		memcpy(buf, it->text + off, n);
		return n;
	case CCM_GEN_SRC_STREAM:
		if (p->flavor == CCM_GEN_FL_TEXT)
			fill_text(p->seed, off, buf, n);
		else
			fill_random(p->seed, off, buf, n);
		apply_overlays(p, off, buf, n);
		return n;
	default:
		return 0;
	}
}

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

void ccm_gen_macbin_header(const struct ccm_gen_item *it, unsigned char h[128])
{
	const struct ccm_gen_item_priv *p = it->priv;
	size_t nl = strlen(p->mac_name);
	unsigned crc;

	memset(h, 0, 128);
	h[1] = (unsigned char)nl;
	memcpy(h + 2, p->mac_name, nl);
	memcpy(h + 65, it->mac_type, 4);
	memcpy(h + 69, it->mac_creator, 4);
	be32(h + 83, (uint32_t)it->size);
	be32(h + 87, (uint32_t)p->rsrc_len);
	be32(h + 91, p->mac_time);
	be32(h + 95, p->mac_time);
	h[122] = 129;   /* written by MacBinary II */
	h[123] = 129;   /* readable by MacBinary II */
	crc = ccm_crc16_xmodem(h, 124);
	h[124] = (unsigned char)(crc >> 8);
	h[125] = (unsigned char)crc;
}

static uint64_t pad128(uint64_t n)
{
	return (n + 127) & ~(uint64_t)127;
}

uint64_t ccm_gen_encoded_size(const struct ccm_gen_item *it,
			      enum ccm_attach_enc e)
{
	switch (e) {
	case CCM_ENC_HEX:
		return it->size * 2 +
		       2 * ((it->size + CCM_GEN_HEX_LINE - 1) / CCM_GEN_HEX_LINE);
	case CCM_ENC_MACBIN2:
		if (it->macbinary)
			return 128 + pad128(it->size) + pad128(it->priv->rsrc_len);
		return it->size;
	default:
		return it->size;
	}
}
