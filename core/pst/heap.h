/* heap.h: a heap-on-node (HN) built in memory, page by page. */
#ifndef CCM_PST_HEAP_H
#define CCM_PST_HEAP_H

#include <stddef.h>
#include <stdint.h>
#include "base/buf.h"
#include "base/error.h"

/*
 * The heap of [MS-PST] 2.3.1: allocations of 1 to 3580 bytes, each named by
 * an HID (hidType 0, hidIndex from 1 in the page, hidBlockIndex the page).
 * An allocation goes to the first page with room for it and its page map
 * entry, else to a new page; pages are at most 8176 bytes with their map.
 * Page 0 starts with the HNHDR, pages 8, 136, 264 ... with an HNBITMAPHDR,
 * the others with an HNPAGEHDR; each ends with its HNPAGEMAP, 2-byte
 * aligned. Nothing is ever freed (cFree is 0).
 */
struct ccm_pst_hpage {
	struct ccm_buf data;      /* the page header, then the allocations */
	uint16_t *starts;         /* offset of each allocation in data */
	size_t n_alloc, cap;
	int gone;                 /* handed to the sink (ccm_pst_heap_stream) */
};

/* Where a streamed heap's pages go: page `index`, whole (header and map
 * written), to be the index-th block of the node's data. */
typedef int (*ccm_pst_heap_sink)(void *ctx, size_t index, const struct ccm_buf *page,
				 struct ccm_error *err);

struct ccm_pst_heap {
	uint8_t client_sig;       /* bClientSig: 0x7C TC, 0xB5 BTH, 0xBC PC */
	uint32_t user_root;       /* hidUserRoot */
	struct ccm_pst_hpage *pages;
	size_t n_pages, cap;
	ccm_pst_heap_sink sink;   /* NULL: every page kept until finished */
	void *sink_ctx;
	uint8_t *levels;          /* fill levels of the pages handed on */
};

/* Prepares an empty heap of one page. Release it with ccm_pst_heap_release. */
void ccm_pst_heap_init(struct ccm_pst_heap *h, uint8_t client_sig);
void ccm_pst_heap_release(struct ccm_pst_heap *h);

/*
 * Makes h hand its pages to `sink` as it goes, so that memory does not
 * grow with the heap: when a page is opened, the one before it is
 * finished and handed on, unless it is page 0 or a page that carries fill
 * levels (8, 136, 264 ...), which are written last; an allocation never
 * goes back to a page handed on. Call it on a new heap. ccm_pst_heap_at
 * may then be asked only about pages not handed on yet (page 0 always).
 */
void ccm_pst_heap_stream(struct ccm_pst_heap *h, ccm_pst_heap_sink sink, void *ctx);

/*
 * Allocates n bytes (1 <= n <= 3580), copies p there (zeros when p is
 * NULL) and sets *hid. CCM_ELIMIT (err filled) when the heap would pass
 * 65,536 pages; a streamed heap's sink's error.
 */
int ccm_pst_heap_alloc(uint32_t *hid, struct ccm_pst_heap *h, const void *p, size_t n,
		       struct ccm_error *err);
/*
 * The bytes of allocation hid, to read or change in place; *n (when not
 * NULL) its size. Valid until the next allocation. hid must be one this
 * heap gave.
 */
uint8_t *ccm_pst_heap_at(struct ccm_pst_heap *h, uint32_t hid, size_t *n);

/*
 * Moves the pages into out (pages[0..n_pages), each page's bytes, header
 * and map included, owned by the caller), with the fill levels and
 * hidUserRoot written. The heap is left empty (released).
 */
void ccm_pst_heap_finish(struct ccm_buf **out, size_t *n_pages, struct ccm_pst_heap *h);

/*
 * Ends a streamed heap: every page not handed on yet goes to the sink, in
 * order, with the fill levels and hidUserRoot written; *n_pages is the
 * heap's count of pages. The heap is released, whatever the result.
 * Returns 0 or the sink's error.
 */
int ccm_pst_heap_stream_finish(size_t *n_pages, struct ccm_pst_heap *h,
			       struct ccm_error *err);

#endif
