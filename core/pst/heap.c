/* heap.c: a heap-on-node built in memory, page by page ([MS-PST] 2.3.1). */
#include "pst/heap.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "pst/le.h"
#include "pst/ltp.h"

#define HN_SIG 0xEC
#define HNHDR_SIZE 12
#define HNPAGEHDR_SIZE 2
#define HNBITMAPHDR_SIZE 66
#define HID_INDEX_MAX 2047u       /* hidIndex has 11 bits */
#define PAGES_MAX 65536u          /* hidBlockIndex has 16 bits */

/* Pages 8, 136, 264 ... carry the fill levels of the 128 pages from them. */
static int is_bitmap_page(size_t i)
{
	return i >= 8 && (i - 8) % 128 == 0;
}

static size_t header_size(size_t i)
{
	if (i == 0)
		return HNHDR_SIZE;
	return is_bitmap_page(i) ? HNBITMAPHDR_SIZE : HNPAGEHDR_SIZE;
}

/* The page's size once its map (n allocations) follows the 2-byte-aligned data. */
static size_t page_size(size_t data_len, size_t n)
{
	return ((data_len + 1) & ~(size_t)1) + 4 + 2 * (n + 1);
}

static void add_page(struct ccm_pst_heap *h)
{
	struct ccm_pst_hpage *pg;

	if (h->n_pages == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 4;
		struct ccm_pst_hpage *v = realloc(h->pages, cap * sizeof(*v));
		if (!v)
			ccm_die_oom(cap * sizeof(*v));
		h->pages = v;
		h->cap = cap;
	}
	pg = &h->pages[h->n_pages];
	memset(pg, 0, sizeof(*pg));
	ccm_buf_init(&pg->data);
	/* The header's bytes are filled by ccm_pst_heap_finish. */
	ccm_buf_grow(&pg->data, header_size(h->n_pages));
	memset(pg->data.ptr, 0, header_size(h->n_pages));
	pg->data.len = header_size(h->n_pages);
	pg->data.ptr[pg->data.len] = '\0';
	h->n_pages++;
}

void ccm_pst_heap_init(struct ccm_pst_heap *h, uint8_t client_sig)
{
	memset(h, 0, sizeof(*h));
	h->client_sig = client_sig;
	add_page(h);
}

void ccm_pst_heap_release(struct ccm_pst_heap *h)
{
	for (size_t i = 0; i < h->n_pages; i++) {
		ccm_buf_release(&h->pages[i].data);
		free(h->pages[i].starts);
	}
	free(h->pages);
	free(h->levels);
	memset(h, 0, sizeof(*h));
}

void ccm_pst_heap_stream(struct ccm_pst_heap *h, ccm_pst_heap_sink sink, void *ctx)
{
	h->sink = sink;
	h->sink_ctx = ctx;
}

static int fits(const struct ccm_pst_hpage *pg, size_t n)
{
	return !pg->gone && pg->n_alloc < HID_INDEX_MAX &&
	       page_size(pg->data.len + n, pg->n_alloc + 1) <= CCM_PST_BLOCK_MAX;
}

static unsigned fill_level(size_t size);

/* Appends page pg's HNPAGEMAP and points its header at it; its fill level. */
static unsigned close_page(struct ccm_pst_hpage *pg)
{
	struct ccm_buf *b = &pg->data;
	size_t end = b->len, ib_hnpm;
	uint8_t word[2];

	if (b->len % 2)
		ccm_buf_addch(b, 0);
	ib_hnpm = b->len;
	ccm_pst_put16(word, (unsigned)pg->n_alloc);
	ccm_buf_add(b, word, 2);
	ccm_pst_put16(word, 0);                          /* cFree */
	ccm_buf_add(b, word, 2);
	for (size_t k = 0; k < pg->n_alloc; k++) {
		ccm_pst_put16(word, pg->starts[k]);
		ccm_buf_add(b, word, 2);
	}
	ccm_pst_put16(word, (unsigned)end);              /* where the next would start */
	ccm_buf_add(b, word, 2);
	assert(b->len <= CCM_PST_BLOCK_MAX);
	ccm_pst_put16((uint8_t *)b->ptr, (unsigned)ib_hnpm);
	return fill_level(b->len);
}

/* A streamed heap's last page, finished and handed on, unless it is one
 * written last (page 0, a page of fill levels). */
static int hand_on_last(struct ccm_pst_heap *h, struct ccm_error *err)
{
	size_t i = h->n_pages - 1;
	struct ccm_pst_hpage *pg = &h->pages[i];
	uint8_t *v;
	int rc;

	if (!(v = realloc(h->levels, h->n_pages)))
		ccm_die_oom(h->n_pages);
	h->levels = v;
	if (i == 0 || is_bitmap_page(i))
		return 0;
	h->levels[i] = (uint8_t)close_page(pg);
	if ((rc = h->sink(h->sink_ctx, i, &pg->data, err)) < 0)
		return rc;
	ccm_buf_release(&pg->data);
	free(pg->starts);
	pg->starts = NULL;
	pg->cap = 0;
	pg->gone = 1;
	return 0;
}

int ccm_pst_heap_alloc(uint32_t *hid, struct ccm_pst_heap *h, const void *p, size_t n,
		       struct ccm_error *err)
{
	struct ccm_pst_hpage *pg = NULL;
	size_t i;

	assert(n >= 1 && n <= CCM_PST_HN_ALLOC_MAX);
	for (i = 0; i < h->n_pages; i++)
		if (fits(&h->pages[i], n)) {
			pg = &h->pages[i];
			break;
		}
	if (!pg) {
		int rc;

		if (h->n_pages == PAGES_MAX)
			return ccm_error_set(err, CCM_ELIMIT,
				"heap of a PST node over %u pages: its properties "
				"or rows are too many for one node", PAGES_MAX);
		if (h->sink && (rc = hand_on_last(h, err)) < 0)
			return rc;
		add_page(h);
		pg = &h->pages[i];
	}
	if (pg->n_alloc == pg->cap) {
		size_t cap = pg->cap ? pg->cap * 2 : 16;
		uint16_t *v = realloc(pg->starts, cap * sizeof(*v));
		if (!v)
			ccm_die_oom(cap * sizeof(*v));
		pg->starts = v;
		pg->cap = cap;
	}
	pg->starts[pg->n_alloc++] = (uint16_t)pg->data.len;
	if (p) {
		ccm_buf_add(&pg->data, p, n);
	} else {
		ccm_buf_grow(&pg->data, n);
		memset(pg->data.ptr + pg->data.len, 0, n);
		pg->data.len += n;
		pg->data.ptr[pg->data.len] = '\0';
	}
	*hid = (uint32_t)(pg->n_alloc << 5) | (uint32_t)(i << 16);
	return 0;
}

uint8_t *ccm_pst_heap_at(struct ccm_pst_heap *h, uint32_t hid, size_t *n)
{
	size_t page = hid >> 16, index = (hid >> 5) & 0x7FF;
	struct ccm_pst_hpage *pg;
	size_t end;

	assert((hid & 0x1F) == 0 && page < h->n_pages);
	pg = &h->pages[page];
	assert(!pg->gone);
	assert(index >= 1 && index <= pg->n_alloc);
	end = index < pg->n_alloc ? pg->starts[index] : pg->data.len;
	if (n)
		*n = end - pg->starts[index - 1];
	return (uint8_t *)pg->data.ptr + pg->starts[index - 1];
}

/* [MS-PST] 2.3.1.2: how full a page is, by the bytes it could still grow. */
static unsigned fill_level(size_t size)
{
	static const unsigned floor_of[] = { 3584, 2560, 2048, 1792, 1536, 1280,
		1024, 768, 512, 256, 128, 64, 32, 16, 8 };
	size_t free_bytes = CCM_PST_BLOCK_MAX - size;
	unsigned level;

	for (level = 0; level < sizeof(floor_of) / sizeof(floor_of[0]); level++)
		if (free_bytes >= floor_of[level])
			return level;
	return 15;
}

/* Fill levels of pages first .. first+count-1 (0 past the last page), 4 bits each. */
static void put_fill_levels(uint8_t *p, const unsigned *levels, size_t n_pages,
			    size_t first, size_t count)
{
	memset(p, 0, count / 2);
	for (size_t k = 0; k < count && first + k < n_pages; k++)
		p[k / 2] |= (uint8_t)(levels[first + k] << (4 * (k % 2)));
}

/* Writes the header fields of open page i: page 0's HNHDR, a bitmap
 * page's fill levels (levels[] of all n pages). */
static void put_header(struct ccm_pst_heap *h, size_t i, const unsigned *levels, size_t n)
{
	uint8_t *p = (uint8_t *)h->pages[i].data.ptr;

	if (i == 0) {
		p[2] = HN_SIG;
		p[3] = h->client_sig;
		ccm_pst_put32(p + 4, h->user_root);
		put_fill_levels(p + 8, levels, n, 0, 8);
	} else if (is_bitmap_page(i)) {
		put_fill_levels(p + 2, levels, n, i, 128);
	}
}

/* Closes every open page; levels[] (n) of every page, those handed on too. */
static unsigned *close_all(struct ccm_pst_heap *h)
{
	size_t n = h->n_pages;
	unsigned *levels = malloc(n * sizeof(*levels));

	if (!levels)
		ccm_die_oom(n * sizeof(*levels));
	for (size_t i = 0; i < n; i++)
		levels[i] = h->pages[i].gone ? h->levels[i] : close_page(&h->pages[i]);
	for (size_t i = 0; i < n; i++)
		if (!h->pages[i].gone)
			put_header(h, i, levels, n);
	return levels;
}

void ccm_pst_heap_finish(struct ccm_buf **out, size_t *n_pages, struct ccm_pst_heap *h)
{
	size_t n = h->n_pages;
	struct ccm_buf *pages = malloc(n * sizeof(*pages));
	unsigned *levels;

	if (!pages)
		ccm_die_oom(n * sizeof(*pages));
	assert(!h->sink);
	levels = close_all(h);
	for (size_t i = 0; i < n; i++) {
		pages[i] = h->pages[i].data;
		free(h->pages[i].starts);
	}
	free(levels);
	free(h->pages);
	free(h->levels);
	memset(h, 0, sizeof(*h));
	*out = pages;
	*n_pages = n;
}

int ccm_pst_heap_stream_finish(size_t *n_pages, struct ccm_pst_heap *h,
			       struct ccm_error *err)
{
	unsigned *levels = close_all(h);
	int rc = 0;

	*n_pages = h->n_pages;
	for (size_t i = 0; rc == 0 && i < h->n_pages; i++)
		if (!h->pages[i].gone)
			rc = h->sink(h->sink_ctx, i, &h->pages[i].data, err);
	free(levels);
	ccm_pst_heap_release(h);
	return rc;
}
