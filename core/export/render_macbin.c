/* render_macbin.c: MacBinary II attachments as the file a user can open. */
#include "export/render_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A Mac file without a resource fork is its data fork alone; one with a
 * resource fork goes as RFC 1740 AppleDouble (multipart/appledouble: an
 * application/applefile part with the Finder information and resource
 * fork, then the data fork as an ordinary attachment), which Mac mail
 * programs put back together and every other program shows as the data
 * fork. render.h says how the store keeps them.
 */

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	       (unsigned long)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Whether mb->header is a MacBinary header whose forks fit in `size`
 * bytes; fills the rest of mb. */
static int parse_header(struct ccm_macbin *mb, unsigned long long size)
{
	const unsigned char *h = mb->header;

	if (h[0] != 0 || h[1] < 1 || h[1] > 63 || h[74] != 0 || h[82] != 0)
		return 0;
	mb->data_off = 128;
	mb->data_len = be32(h + 83);
	mb->rsrc_off = 128 + ((mb->data_len + 127) & ~127ull);
	mb->rsrc_len = be32(h + 87);
	memcpy(mb->type, h + 65, 4);
	mb->type[4] = '\0';
	memcpy(mb->creator, h + 69, 4);
	mb->creator[4] = '\0';
	return mb->rsrc_off + mb->rsrc_len <= size;
}

int ccm_render_macbin_probe(struct ccm_macbin *out, struct ccm_store *s,
			    const struct ccm_store_attachment *a,
			    struct ccm_error *err)
{
	struct ccm_store_blob *bl;
	size_t got = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!a->kind || strcmp(a->kind, "macbinary") || a->size < 128 || a->blob_id <= 0)
		return 0;
	if ((rc = ccm_store_blob_open(&bl, s, a->blob_id, NULL, err)) < 0)
		return rc;
	while (got < sizeof(out->header)) {
		long long k = ccm_store_blob_read(bl, out->header + got,
						  sizeof(out->header) - got, err);
		if (k <= 0) {
			ccm_store_blob_close(bl);
			return k < 0 ? (int)k : 0;
		}
		got += (size_t)k;
	}
	ccm_store_blob_close(bl);
	return parse_header(out, a->size);
}

/* Reading a range of a blob: skip `skip` bytes, then give `left`. */
struct ccm_blob_range {
	struct ccm_store_blob *bl;
	unsigned long long skip, left;
	/* What comes before the range (the AppleDouble header), given first. */
	const unsigned char *pre;
	size_t pre_len;
};

long long ccm_blob_range_read(struct ccm_blob_range *g, void *buf, size_t n,
			      struct ccm_error *err)
{
	unsigned char scratch[4096];
	long long got;

	if (g->pre_len) {
		size_t k = n < g->pre_len ? n : g->pre_len;
		memcpy(buf, g->pre, k);
		g->pre += k;
		g->pre_len -= k;
		return (long long)k;
	}
	while (g->skip) {
		size_t k = g->skip < sizeof(scratch) ? (size_t)g->skip : sizeof(scratch);
		got = ccm_store_blob_read(g->bl, scratch, k, err);
		if (got <= 0)
			return got < 0 ? got : ccm_error_set(err, CCM_EMALFORMED,
							     "attachment shorter than its "
							     "MacBinary header says");
		g->skip -= (unsigned long long)got;
	}
	if (g->left == 0)
		return 0;
	if (n > g->left)
		n = (size_t)g->left;
	got = ccm_store_blob_read(g->bl, buf, n, err);
	if (got == 0)
		return ccm_error_set(err, CCM_EMALFORMED, "attachment shorter than "
				     "its MacBinary header says");
	if (got > 0)
		g->left -= (unsigned long long)got;
	return got;
}

static long long range_read(void *ctx, void *buf, size_t n, struct ccm_error *err)
{
	return ccm_blob_range_read(ctx, buf, n, err);
}

int ccm_blob_range_open(struct ccm_blob_range **out, struct ccm_store *s,
			long long blob_id, unsigned long long skip,
			unsigned long long len, struct ccm_error *err)
{
	struct ccm_blob_range *g = calloc(1, sizeof(*g));
	unsigned long long size;
	int rc;

	*out = NULL;
	if (!g)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	if ((rc = ccm_store_blob_open(&g->bl, s, blob_id, &size, err)) < 0) {
		free(g);
		return rc;
	}
	g->skip = skip;
	g->left = skip >= size ? 0 : len < size - skip ? len : size - skip;
	*out = g;
	return 0;
}

void ccm_blob_range_close(struct ccm_blob_range *g)
{
	if (g) {
		ccm_store_blob_close(g->bl);
		free(g);
	}
}

/* Streams bytes [skip, skip + len) of the blob as base64, after `pre`. */
static int write_range(struct ccm_rout *r, struct ccm_store *s, long long blob_id,
		       const unsigned char *pre, size_t pre_len,
		       unsigned long long skip, unsigned long long len)
{
	struct ccm_blob_range g = { NULL, skip, len, pre, pre_len };
	int rc;

	if ((rc = ccm_store_blob_open(&g.bl, s, blob_id, NULL, r->err)) < 0)
		return rc;
	rc = ccm_render_base64(r, range_read, &g);
	ccm_store_blob_close(g.bl);
	return rc;
}

/*
 * The AppleDouble header (version 2) for mb: entries real name (3),
 * Finder info (9) and resource fork (2), the fork's bytes following the
 * header. Returns its length (at most 62 + 63 + 32).
 */
static size_t appledouble_header(const struct ccm_macbin *mb, unsigned char out[160])
{
	const unsigned char *h = mb->header;
	size_t name_len = h[1], off_name = 26 + 3 * 12;
	size_t off_finfo = off_name + name_len, off_rsrc = off_finfo + 32;

	memset(out, 0, 160);
	put_be32(out, 0x00051607);
	put_be32(out + 4, 0x00020000);
	out[25] = 3;
	put_be32(out + 26, 3);
	put_be32(out + 30, (unsigned long)off_name);
	put_be32(out + 34, (unsigned long)name_len);
	put_be32(out + 38, 9);
	put_be32(out + 42, (unsigned long)off_finfo);
	put_be32(out + 46, 32);
	put_be32(out + 50, 2);
	put_be32(out + 54, (unsigned long)off_rsrc);
	put_be32(out + 58, (unsigned long)mb->rsrc_len);
	memcpy(out + off_name, h + 2, name_len);
	/* FInfo: type, creator, flags (high byte 73, low byte 101 in
	 * MacBinary II), location, folder; FXInfo stays zero. */
	memcpy(out + off_finfo, h + 65, 8);
	out[off_finfo + 8] = h[73];
	out[off_finfo + 9] = h[101];
	memcpy(out + off_finfo + 10, h + 75, 6);
	return off_rsrc;
}

int ccm_render_macbinary(struct ccm_rout *r, struct ccm_store *s,
			 const struct ccm_store_attachment *a)
{
	struct ccm_macbin mb;
	unsigned char ad[160];
	char boundary[96];
	size_t adlen;
	int rc;

	if ((rc = ccm_render_macbin_probe(&mb, s, a, r->err)) <= 0)
		return rc;              /* 0: not MacBinary after all: as stored */
	if (mb.rsrc_len == 0) {
		ccm_render_part_headers(r, NULL, a->name, NULL);
		rc = write_range(r, s, a->blob_id, NULL, 0, mb.data_off, mb.data_len);
		return rc < 0 ? rc : 1;
	}
	snprintf(boundary, sizeof(boundary), CCM_RENDER_BOUNDARY_STEM ".%lld.ad%lld",
		 r->msg, a->id);
	adlen = appledouble_header(&mb, ad);
	ccm_buf_addf(&r->b, "Content-Type: multipart/appledouble;\r\n boundary=\"%s\"\r\n"
		     "Content-Disposition: attachment\r\n\r\n--%s\r\n"
		     "Content-Type: application/applefile\r\n"
		     "Content-Transfer-Encoding: base64\r\n\r\n", boundary, boundary);
	if ((rc = write_range(r, s, a->blob_id, ad, adlen, mb.rsrc_off, mb.rsrc_len)) < 0)
		return rc;
	ccm_buf_addf(&r->b, "\r\n--%s\r\n", boundary);
	ccm_render_part_headers(r, NULL, a->name, NULL);
	if ((rc = write_range(r, s, a->blob_id, NULL, 0, mb.data_off, mb.data_len)) < 0)
		return rc;
	ccm_buf_addf(&r->b, "\r\n--%s--\r\n", boundary);
	return 1;
}
