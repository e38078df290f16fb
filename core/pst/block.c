/* block.c: data blocks, and the XBLOCK and XXBLOCK trees over them ([MS-PST] 2.2.2.8). */
#include <stdlib.h>
#include <string.h>
#include "pst/crc.h"
#include "pst/format.h"
#include "pst/ndb_int.h"

int ccm_pst_ndb_block(uint64_t *bid, struct ccm_pst_ndb *w, const void *p, size_t n,
		      int internal, struct ccm_error *err)
{
	unsigned char b[PST_BLOCK_MAX], e[PST_BBTENTRY];
	size_t size = (n + PST_BLOCK_TRAILER + 63) / 64 * 64;
	uint64_t id = w->next_bid | (internal ? PST_BID_INTERNAL : 0), ib;
	unsigned char *t = b + size - PST_BLOCK_TRAILER;
	int rc;

	if ((rc = ccm_pst_amap_alloc(&ib, &w->amap, size, 64, err)) < 0)
		return rc;
	w->next_bid += PST_BID_STEP;
	memcpy(b, p, n);
	memset(b + n, 0, size - n);
	pst_put16(t, (uint16_t)n);
	pst_put16(t + 2, ccm_pst_sig(ib, id));
	pst_put32(t + 4, ccm_pst_crc(0, p, n));
	pst_put64(t + 8, id);
	if ((rc = ccm_pst_out_write(&w->out, ib, b, size, err)) < 0)
		return rc;
	/* BBTENTRY: BREF, cb, cRef (1 for the BBT's own; each reference adds
	 * one when the tree is built, as Outlook counts), padding. */
	memset(e, 0, sizeof(e));
	pst_put64(e, id);
	pst_put64(e + 8, ib);
	pst_put16(e + 16, (uint16_t)n);
	pst_put16(e + 18, 1);
	if ((rc = ccm_pst_sort_add(&w->blocks, e, err)) < 0)
		return rc;
	*bid = id;
	return 0;
}

struct ccm_pst_ndb_stream {
	struct ccm_pst_ndb *w;
	struct ccm_pst_ndb_stream *next, **prevp;       /* the writer's list */
	unsigned char buf[PST_BLOCK_DATA_MAX];
	size_t len;
	uint64_t x[PST_XBLOCK_MAX];     /* data blocks of the XBLOCK being filled */
	size_t nx;
	uint64_t xbytes;
	uint64_t xx[PST_XBLOCK_MAX];    /* XBLOCKs written, for an XXBLOCK */
	size_t nxx;
	uint64_t total;
};

/* An XBLOCK (level 1) or XXBLOCK (level 2) over n BIDs. */
static int put_x(uint64_t *bid, struct ccm_pst_ndb *w, int level, const uint64_t *v, size_t n,
		 uint64_t bytes, struct ccm_error *err)
{
	unsigned char b[PST_BLOCK_DATA_MAX];
	int rc;

	b[0] = PST_BTYPE_X;
	b[1] = (unsigned char)level;
	pst_put16(b + 2, (uint16_t)n);
	pst_put32(b + 4, (uint32_t)bytes);
	for (size_t i = 0; i < n; i++) {
		pst_put64(b + 8 + 8 * i, v[i]);
		if ((rc = ccm_pst_ndb_ref(w, v[i], err)) < 0)
			return rc;
	}
	return ccm_pst_ndb_block(bid, w, b, 8 + 8 * n, 1, err);
}

static int close_x(struct ccm_pst_ndb_stream *st, struct ccm_error *err)
{
	uint64_t bid;
	int rc;

	if (st->nxx == PST_XBLOCK_MAX)
		return ccm_error_set(err, CCM_ELIMIT, "data of %llu bytes or more is more than "
				     "one PST tree holds", (unsigned long long)st->total);
	if ((rc = put_x(&bid, st->w, 1, st->x, st->nx, st->xbytes, err)) < 0)
		return rc;
	st->xx[st->nxx++] = bid;
	st->nx = 0;
	st->xbytes = 0;
	return 0;
}

/* Block bid of n bytes, written already, as the stream's next. */
static int link_block(struct ccm_pst_ndb_stream *st, uint64_t bid, size_t n,
		      struct ccm_error *err)
{
	int rc;

	if (st->nx == PST_XBLOCK_MAX && (rc = close_x(st, err)) < 0)
		return rc;
	st->x[st->nx++] = bid;
	st->xbytes += n;
	return 0;
}

static int data_block(struct ccm_pst_ndb_stream *st, const void *p, size_t n,
		      struct ccm_error *err)
{
	uint64_t bid;
	int rc;

	if (st->nx == PST_XBLOCK_MAX && (rc = close_x(st, err)) < 0)
		return rc;
	if ((rc = ccm_pst_ndb_block(&bid, st->w, p, n, 0, err)) < 0)
		return rc;
	return link_block(st, bid, n, err);
}

static int grow(struct ccm_pst_ndb_stream *st, size_t n, struct ccm_error *err)
{
	if (n > UINT32_MAX - st->total)
		return ccm_error_set(err, CCM_ELIMIT, "data of more than %llu bytes: a PST "
				     "file holds at most 4 GiB - 1 bytes in one node's data",
				     (unsigned long long)UINT32_MAX);
	st->total += n;
	return 0;
}

int ccm_pst_ndb_stream_begin(struct ccm_pst_ndb_stream **out, struct ccm_pst_ndb *w,
			     struct ccm_error *err)
{
	struct ccm_pst_ndb_stream *st;
	int rc;

	if ((rc = ccm_pst_ndb_check(w, err)) < 0)
		return rc;
	if (!(st = calloc(1, sizeof(*st))))
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	st->w = w;
	st->next = w->streams;
	if (st->next)
		st->next->prevp = &st->next;
	st->prevp = &w->streams;
	w->streams = st;
	*out = st;
	return 0;
}

int ccm_pst_ndb_stream_write(struct ccm_pst_ndb_stream *st, const void *p, size_t n,
			     struct ccm_error *err)
{
	const unsigned char *s = p;
	int rc;

	if ((rc = ccm_pst_ndb_check(st->w, err)) < 0)
		return rc;
	if ((rc = grow(st, n, err)) < 0)
		return rc;
	while (n) {
		size_t k;
		/* A full buffer goes out only once more data comes, so that
		 * data of exactly one block stays one block. */
		if (st->len == sizeof(st->buf)) {
			if ((rc = data_block(st, st->buf, st->len, err)) < 0)
				return ccm_pst_ndb_fail(st->w, rc, err);
			st->len = 0;
		}
		k = sizeof(st->buf) - st->len;
		if (k > n)
			k = n;
		memcpy(st->buf + st->len, s, k);
		st->len += k;
		s += k;
		n -= k;
	}
	return 0;
}

static void stream_free(struct ccm_pst_ndb_stream *st)
{
	*st->prevp = st->next;
	if (st->next)
		st->next->prevp = st->prevp;
	free(st);
}

static int stream_root(uint64_t *bid, struct ccm_pst_ndb_stream *st, struct ccm_error *err)
{
	int rc;

	if (st->len && (rc = data_block(st, st->buf, st->len, err)) < 0)
		return rc;
	if (!st->nxx) {
		if (st->nx <= 1) {
			*bid = st->nx ? st->x[0] : 0;
			return 0;
		}
		return put_x(bid, st->w, 1, st->x, st->nx, st->xbytes, err);
	}
	if (st->nx && (rc = close_x(st, err)) < 0)
		return rc;
	return put_x(bid, st->w, 2, st->xx, st->nxx, st->total, err);
}

int ccm_pst_ndb_stream_end(uint64_t *bid, struct ccm_pst_ndb_stream *st, struct ccm_error *err)
{
	struct ccm_pst_ndb *w = st->w;
	int rc = ccm_pst_ndb_check(w, err);

	if (rc == 0 && (rc = stream_root(bid, st, err)) < 0)
		rc = ccm_pst_ndb_fail(w, rc, err);
	stream_free(st);
	return rc;
}

void ccm_pst_ndb_streams_free(struct ccm_pst_ndb *w)
{
	while (w->streams)
		stream_free(w->streams);
}

int ccm_pst_ndb_put_data(uint64_t *bid, struct ccm_pst_ndb *w, const void *p, size_t n,
			 struct ccm_error *err)
{
	struct ccm_pst_ndb_stream *st;
	int rc;

	if ((rc = ccm_pst_ndb_stream_begin(&st, w, err)) < 0)
		return rc;
	if ((rc = ccm_pst_ndb_stream_write(st, p, n, err)) < 0) {
		stream_free(st);
		return rc;
	}
	return ccm_pst_ndb_stream_end(bid, st, err);
}

static int check_size(size_t n, size_t i, size_t of, struct ccm_error *err)
{
	if (!n || n > PST_BLOCK_DATA_MAX)
		return ccm_error_set(err, CCM_EINVAL, "block %zu of %zu has %zu bytes; "
				     "a PST data block holds 1 to %d", i + 1, of, n,
				     PST_BLOCK_DATA_MAX);
	return 0;
}

int ccm_pst_ndb_put_blocks(uint64_t *bid, struct ccm_pst_ndb *w, const struct ccm_buf *blocks,
			   size_t n, struct ccm_error *err)
{
	struct ccm_pst_ndb_stream *st;
	int rc;

	for (size_t i = 0; i < n; i++)
		if ((rc = check_size(blocks[i].len, i, n, err)) < 0)
			return rc;
	if ((rc = ccm_pst_ndb_stream_begin(&st, w, err)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = grow(st, blocks[i].len, err)) < 0 ||
		    (rc = data_block(st, blocks[i].ptr, blocks[i].len, err)) < 0) {
			stream_free(st);
			return rc == CCM_ELIMIT ? rc : ccm_pst_ndb_fail(w, rc, err);
		}
	}
	return ccm_pst_ndb_stream_end(bid, st, err);
}

int ccm_pst_ndb_put_block(uint64_t *bid, struct ccm_pst_ndb *w, const void *p, size_t n,
			  struct ccm_error *err)
{
	int rc;

	if ((rc = ccm_pst_ndb_check(w, err)) < 0 || (rc = check_size(n, 0, 1, err)) < 0)
		return rc;
	if ((rc = ccm_pst_ndb_block(bid, w, p, n, 0, err)) < 0)
		return ccm_pst_ndb_fail(w, rc, err);
	return 0;
}

int ccm_pst_ndb_put_tree(uint64_t *bid, struct ccm_pst_ndb *w, const uint64_t *bids,
			 const uint16_t *sizes, size_t n, struct ccm_error *err)
{
	struct ccm_pst_ndb_stream *st;
	int rc;

	for (size_t i = 0; i < n; i++)
		if ((rc = check_size(sizes[i], i, n, err)) < 0)
			return rc;
	if ((rc = ccm_pst_ndb_stream_begin(&st, w, err)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if ((rc = grow(st, sizes[i], err)) < 0 ||
		    (rc = link_block(st, bids[i], sizes[i], err)) < 0) {
			stream_free(st);
			return rc == CCM_ELIMIT ? rc : ccm_pst_ndb_fail(w, rc, err);
		}
	}
	return ccm_pst_ndb_stream_end(bid, st, err);
}
