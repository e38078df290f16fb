/* test_pst_ltp.c: PST property and table contexts, read back by tests/pst/ltp_read.py. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "pst/heap.h"
#include "pst/ltp.h"

#define READER CCMIG_TEST_DATA "/../pst/ltp_read.py"

/* ---- helpers ---------------------------------------------------------- */

static void add_hex(struct ccm_buf *b, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		ccm_buf_addf(b, "%02x", s[i]);
}

/* Writes a node's pages and subnode blocks as ltp_read.py reads them. */
static void dump(const struct ccm_pst_node_out *out, const char *dir)
{
	char name[64];

	for (size_t i = 0; i < out->n_pages; i++) {
		snprintf(name, sizeof(name), "page-%04zu.bin", i);
		free(tu_write(dir, name, out->pages[i].ptr, out->pages[i].len));
	}
	for (size_t i = 0; i < out->n_subnodes; i++)
		for (size_t k = 0; k < out->subnodes[i].n_blocks; k++) {
			snprintf(name, sizeof(name), "sub-%08X-%04zu.bin",
				 (unsigned)out->subnodes[i].nid, k);
			free(tu_write(dir, name, out->subnodes[i].blocks[k].ptr,
				      out->subnodes[i].blocks[k].len));
		}
}

/*
 * Runs the reader over the node; returns its output (free it) and, in
 * *layout, its '#' lines, which are taken out of the output.
 */
static char *read_back(const struct ccm_pst_node_out *out, const char *kind,
		       struct ccm_buf *layout)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "out.txt"), *text, *line, *save;
	struct ccm_buf body = CCM_BUF_INIT;
	size_t n;

	dump(out, dir);
	assert_int_equal(tu_system("python3 '%s' %s '%s' > '%s'", READER, kind, dir, path), 0);
	text = tu_slurp(path, &n);
	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct ccm_buf *to = line[0] == '#' ? layout : &body;
		ccm_buf_adds(to, line);
		ccm_buf_addch(to, '\n');
	}
	free(text);
	free(path);
	tu_rmtree(dir);
	free(dir);
	return ccm_buf_detach(&body, &n);
}

/* The value as the reader prints it: where it must be, and its bytes. */
static void want_value(struct ccm_buf *b, const struct ccm_pst_prop *v, const char *fixed)
{
	int inl = v->type == CCM_PST_PT_I2 || v->type == CCM_PST_PT_LONG ||
		  v->type == CCM_PST_PT_R4 || v->type == CCM_PST_PT_ERROR ||
		  v->type == CCM_PST_PT_BOOLEAN;
	int eight = v->type == CCM_PST_PT_I8 || v->type == CCM_PST_PT_DOUBLE ||
		    v->type == CCM_PST_PT_CURRENCY || v->type == CCM_PST_PT_APPTIME ||
		    v->type == CCM_PST_PT_SYSTIME;

	if (inl || (eight && strcmp(fixed, "row") == 0))
		ccm_buf_addf(b, "%s:", fixed);
	else if (v->type == CCM_PST_PT_OBJECT)
		ccm_buf_addf(b, "object:%08X:%zu", (unsigned)v->nid, v->n);
	else if (!v->p && v->nid)
		ccm_buf_addf(b, "nid:%08X", (unsigned)v->nid);
	else if (v->n == 0)
		ccm_buf_adds(b, "empty:");
	else
		ccm_buf_adds(b, v->n <= CCM_PST_HN_ALLOC_MAX ? "heap:" : "sub:");
	if (v->p)
		add_hex(b, v->p, v->n);
	ccm_buf_addch(b, '\n');
}

static int by_id(const void *a, const void *b)
{
	const struct ccm_pst_prop *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static char *expect_pc(const struct ccm_pst_prop *props, size_t n)
{
	struct ccm_pst_prop *v = malloc(n * sizeof(*v));
	struct ccm_buf b = CCM_BUF_INIT;
	size_t len;

	memcpy(v, props, n * sizeof(*v));
	qsort(v, n, sizeof(*v), by_id);
	for (size_t i = 0; i < n; i++) {
		ccm_buf_addf(&b, "prop %04X %04X ", v[i].id, v[i].type);
		want_value(&b, &v[i], "inline");
	}
	free(v);
	return ccm_buf_detach(&b, &len);
}

static void assert_has(const struct ccm_buf *layout, const char *line)
{
	if (!strstr(layout->ptr, line))
		fail_msg("reader said:\n%sexpected the line '%s'", layout->ptr, line);
}

/* Some bytes of every length, different from one value to the next. */
static unsigned char *bytes(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n ? n : 1);

	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 31 + seed * 7 + (i >> 8)) & 0xFF);
	return p;
}

static uint32_t nid_ltp(uint32_t index)
{
	return index << 5 | CCM_PST_NID_TYPE_LTP;
}

/* ---- the heap ------------------------------------------------------- */

static unsigned get16(const struct ccm_buf *b, size_t at)
{
	const unsigned char *p = (const unsigned char *)b->ptr;

	return p[at] | p[at + 1] << 8;
}

static void heap_page_map_lists_allocations_and_end(void **state)
{
	struct ccm_pst_heap h;
	struct ccm_buf *pages;
	size_t n_pages;
	uint32_t hid[4];
	unsigned char *a = bytes(3000, 1);

	(void)state;
	ccm_pst_heap_init(&h, 0xBC);
	assert_int_equal(ccm_pst_heap_alloc(&hid[0], &h, "abc", 3, NULL), 0);
	assert_int_equal(ccm_pst_heap_alloc(&hid[1], &h, a, 3000, NULL), 0);
	assert_int_equal(ccm_pst_heap_alloc(&hid[2], &h, a, 3000, NULL), 0);
	/* 12 + 3 + 6000 + 3000 is past a page: to the next one. */
	assert_int_equal(ccm_pst_heap_alloc(&hid[3], &h, a, 3000, NULL), 0);
	assert_int_equal(hid[0], 0x20);
	assert_int_equal(hid[1], 0x40);
	assert_int_equal(hid[2], 0x60);
	assert_int_equal(hid[3], 0x10020);
	h.user_root = hid[0];
	ccm_pst_heap_finish(&pages, &n_pages, &h);
	assert_int_equal(n_pages, 2);

	/* Page 0: HNHDR, allocations at 12, 15, 3015; map at 6016 (aligned). */
	assert_int_equal(get16(&pages[0], 0), 6016);
	assert_int_equal((unsigned char)pages[0].ptr[2], 0xEC);
	assert_int_equal((unsigned char)pages[0].ptr[3], 0xBC);
	assert_memory_equal(pages[0].ptr + 4, "\x20\0\0\0", 4);
	assert_int_equal(get16(&pages[0], 6016), 3);       /* cAlloc */
	assert_int_equal(get16(&pages[0], 6018), 0);       /* cFree */
	assert_int_equal(get16(&pages[0], 6020), 12);
	assert_int_equal(get16(&pages[0], 6022), 15);
	assert_int_equal(get16(&pages[0], 6024), 3015);
	assert_int_equal(get16(&pages[0], 6026), 6015);    /* end of the last */
	assert_int_equal(pages[0].len, 6028);
	assert_memory_equal(pages[0].ptr + 12, "abc", 3);
	/* Free: 8176 - 6028 = 2148 bytes, level 2; page 1: 8176 - 3010, level 0. */
	assert_int_equal((unsigned char)pages[0].ptr[8], 0x02);
	/* Page 1: HNPAGEHDR, one allocation at 2, map at 3002. */
	assert_int_equal(get16(&pages[1], 0), 3002);
	assert_int_equal(get16(&pages[1], 3002), 1);
	assert_int_equal(get16(&pages[1], 3006), 2);
	assert_int_equal(get16(&pages[1], 3008), 3002);
	assert_int_equal(pages[1].len, 3010);
	for (size_t i = 0; i < n_pages; i++)
		ccm_buf_release(&pages[i]);
	free(pages);
	free(a);
}

static void heap_small_allocations_fill_earlier_pages_first(void **state)
{
	struct ccm_pst_heap h;
	uint32_t hid;
	unsigned char *a = bytes(3500, 2);

	(void)state;
	ccm_pst_heap_init(&h, 0x7C);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ccm_pst_heap_alloc(&hid, &h, a, 3500, NULL), 0);
	assert_int_equal(hid >> 16, 1);
	/* Page 0 still has room for 100 bytes: it gets them. */
	assert_int_equal(ccm_pst_heap_alloc(&hid, &h, a, 100, NULL), 0);
	assert_int_equal(hid, 0x60);
	ccm_pst_heap_release(&h);
	free(a);
}

/* A streamed heap's sink: each page copied to its place, once. */
struct sunk {
	struct ccm_buf page[256];
	int times[256];
	size_t last;
};

static int sink_page(void *ctx, size_t index, const struct ccm_buf *page,
		     struct ccm_error *err)
{
	struct sunk *k = ctx;

	(void)err;
	assert_true(index < 256);
	ccm_buf_init(&k->page[index]);
	ccm_buf_add(&k->page[index], page->ptr, page->len);
	k->times[index]++;
	k->last = index;
	return 0;
}

static void heap_streamed_hands_pages_on_as_the_kept_heap_lays_them(void **state)
{
	static struct sunk k;
	struct ccm_pst_heap kept, streamed;
	struct ccm_buf *pages;
	size_t n_kept, n_streamed;
	uint32_t a, b;
	unsigned char *v = bytes(3580, 3);

	(void)state;
	memset(&k, 0, sizeof(k));
	ccm_pst_heap_init(&kept, 0x7C);
	ccm_pst_heap_init(&streamed, 0x7C);
	ccm_pst_heap_stream(&streamed, sink_page, &k);
	/* Two allocations a page: 150 pages, bitmap pages 8 and 136 among them. */
	for (int i = 0; i < 300; i++) {
		assert_int_equal(ccm_pst_heap_alloc(&a, &kept, v, 3580, NULL), 0);
		assert_int_equal(ccm_pst_heap_alloc(&b, &streamed, v, 3580, NULL), 0);
		assert_int_equal(a, b);
		/* Pages before the one in use have gone, but for 0, 8 and 136. */
		if ((b >> 16) >= 2 && (b >> 16) - 1 != 8 && (b >> 16) - 1 != 136)
			assert_int_equal(k.times[(b >> 16) - 1], 1);
	}
	assert_int_equal(k.times[0] + k.times[8] + k.times[136] + k.times[149], 0);
	kept.user_root = streamed.user_root = 0x20;
	ccm_pst_heap_finish(&pages, &n_kept, &kept);
	assert_int_equal(ccm_pst_heap_stream_finish(&n_streamed, &streamed, NULL), 0);
	assert_int_equal(n_kept, 150);
	assert_int_equal(n_streamed, 150);
	for (size_t i = 0; i < n_kept; i++) {
		assert_int_equal(k.times[i], 1);
		assert_int_equal(k.page[i].len, pages[i].len);
		assert_memory_equal(k.page[i].ptr, pages[i].ptr, pages[i].len);
		ccm_buf_release(&k.page[i]);
		ccm_buf_release(&pages[i]);
	}
	free(pages);
	free(v);
}

static void heap_streamed_never_goes_back_to_a_page_handed_on(void **state)
{
	static struct sunk k;
	struct ccm_pst_heap h;
	uint32_t hid;
	unsigned char *v = bytes(3580, 4);
	size_t n;

	(void)state;
	memset(&k, 0, sizeof(k));
	ccm_pst_heap_init(&h, 0x7C);
	ccm_pst_heap_stream(&h, sink_page, &k);
	/* Page 0 nearly full; page 1 with room for 1000 bytes; page 2 opened. */
	assert_int_equal(ccm_pst_heap_alloc(&hid, &h, v, 3580, NULL), 0);
	assert_int_equal(ccm_pst_heap_alloc(&hid, &h, v, 3580, NULL), 0);
	assert_int_equal(ccm_pst_heap_alloc(&hid, &h, v, 900, NULL), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ccm_pst_heap_alloc(&hid, &h, v, 3580, NULL), 0);
	assert_int_equal(hid >> 16, 2);
	assert_int_equal(k.times[1], 1);
	/* 500 bytes would fit page 1 (a kept heap puts them there): not now. */
	assert_int_equal(ccm_pst_heap_alloc(&hid, &h, v, 500, NULL), 0);
	assert_int_equal(hid >> 16, 2);
	assert_non_null(ccm_pst_heap_at(&h, hid, NULL));
	assert_int_equal(ccm_pst_heap_stream_finish(&n, &h, NULL), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(k.times[i], 1);
		ccm_buf_release(&k.page[i]);
	}
	free(v);
}

/* ---- property contexts -------------------------------------------- */

static void pc_every_type_reads_back_in_heap_or_subnode(void **state)
{
	unsigned char *b3580 = bytes(3580, 3), *b3581 = bytes(3581, 4);
	unsigned char *b100k = bytes(100000, 5), *b1 = bytes(1, 6);
	const char *hello = "H\0e\0l\0l\0o\0";
	const unsigned char guid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	const unsigned char mv32[] = { 2, 0, 0, 0, 7, 0, 0, 0, 9, 0, 0, 0 };
	const unsigned char i8[8] = { 1, 2, 3, 4, 5, 6, 7, 0x80 };
	const unsigned char ft[8] = { 0x00, 0x80, 0x3e, 0xd5, 0xde, 0xb1, 0x9d, 0x01 };
	const struct ccm_pst_prop props[] = {
		{ 0x0037, CCM_PST_PT_UNICODE, hello, 10, 0 },
		{ 0x0E08, CCM_PST_PT_LONG, "\x10\x20\x30\x40", 4, 0 },
		{ 0x0017, CCM_PST_PT_LONG, "\x01\0\0\0", 4, 0 },
		{ 0x1000, CCM_PST_PT_UNICODE, b3581, 3580, 0 },   /* even, 3580 */
		{ 0x1009, CCM_PST_PT_BINARY, b3581, 3581, 0 },
		{ 0x1013, CCM_PST_PT_BINARY, b100k, 100000, 0 },
		{ 0x3701, CCM_PST_PT_BINARY, b3580, 3580, 0 },
		{ 0x3702, CCM_PST_PT_BINARY, b1, 1, 0 },
		{ 0x3703, CCM_PST_PT_BINARY, "", 0, 0 },
		{ 0x0E1D, CCM_PST_PT_UNICODE, NULL, 0, 0 },
		{ 0x0026, CCM_PST_PT_I2, "\xfe\xff", 2, 0 },
		{ 0x0057, CCM_PST_PT_BOOLEAN, "\x01", 1, 0 },
		{ 0x0058, CCM_PST_PT_BOOLEAN, "\x00", 1, 0 },
		{ 0x6001, CCM_PST_PT_R4, "\x00\x00\x80\x3f", 4, 0 },
		{ 0x6002, CCM_PST_PT_ERROR, "\x0e\x01\x04\x80", 4, 0 },
		{ 0x6003, CCM_PST_PT_I8, i8, 8, 0 },
		{ 0x0E06, CCM_PST_PT_SYSTIME, ft, 8, 0 },
		{ 0x6004, CCM_PST_PT_DOUBLE, i8, 8, 0 },
		{ 0x6005, CCM_PST_PT_CURRENCY, i8, 8, 0 },
		{ 0x6006, CCM_PST_PT_APPTIME, i8, 8, 0 },
		{ 0x6007, CCM_PST_PT_CLSID, guid, 16, 0 },
		{ 0x6008, CCM_PST_PT_MV | CCM_PST_PT_LONG, mv32, sizeof(mv32), 0 },
		{ 0x0070, CCM_PST_PT_STRING8, "topic", 5, 0 },
		{ 0x3701 + 0x100, CCM_PST_PT_OBJECT, NULL, 123456, nid_ltp(900) },
		{ 0x3709, CCM_PST_PT_BINARY, NULL, 5000000, nid_ltp(901) },
	};
	size_t n = sizeof(props) / sizeof(props[0]);
	struct ccm_pst_node_out out;
	struct ccm_buf layout = CCM_BUF_INIT;
	uint32_t next = 7;
	char *got, *want;

	(void)state;
	assert_int_equal(ccm_pst_pc_build(&out, props, n, &next, NULL), 0);
	assert_int_equal(next, 9);
	assert_int_equal(out.n_subnodes, 2);
	assert_int_equal(out.subnodes[0].nid, nid_ltp(7));
	assert_int_equal(out.subnodes[1].nid, nid_ltp(8));
	/* 100,000 bytes: 12 blocks of 8176 and one of 1888. */
	assert_int_equal(out.subnodes[1].n_blocks, 13);
	assert_int_equal(out.subnodes[1].blocks[12].len, 100000 - 12 * 8176);
	got = read_back(&out, "pc", &layout);
	want = expect_pc(props, n);
	assert_string_equal(got, want);
	assert_has(&layout, "# levels 0\n");
	free(got);
	free(want);
	ccm_buf_release(&layout);
	ccm_pst_node_out_release(&out);
	free(b3580);
	free(b3581);
	free(b100k);
	free(b1);
}

static void pc_of_many_properties_has_intermediate_records(void **state)
{
	enum { N = 1200 };
	struct ccm_pst_prop *props = calloc(N, sizeof(*props));
	unsigned char *vals = bytes(N * 4, 8), *big = bytes(3000, 9);
	struct ccm_pst_node_out out;
	struct ccm_buf layout = CCM_BUF_INIT;
	uint32_t next = 1;
	char *got, *want;

	(void)state;
	/* 1200 records of 8 bytes: 3 leaves of at most 447, one level above. */
	for (size_t i = 0; i < N; i++) {
		size_t k = N - 1 - i;              /* given backwards */
		props[i] = (struct ccm_pst_prop){ (uint16_t)(0x4000 + 3 * k),
			k % 10 ? CCM_PST_PT_LONG : CCM_PST_PT_BINARY, vals + 4 * k, 4, 0 };
		if (k % 100 == 0)
			props[i].p = big, props[i].n = 3000;
	}
	assert_int_equal(ccm_pst_pc_build(&out, props, N, &next, NULL), 0);
	got = read_back(&out, "pc", &layout);
	want = expect_pc(props, N);
	assert_string_equal(got, want);
	assert_has(&layout, "# levels 1\n");
	/* 12 values of 3000 bytes and the records: more than one page. */
	assert_true(out.n_pages >= 5);
	for (size_t i = 0; i < out.n_pages; i++)
		assert_true(out.pages[i].len <= CCM_PST_BLOCK_MAX);
	free(got);
	free(want);
	ccm_buf_release(&layout);
	ccm_pst_node_out_release(&out);
	free(props);
	free(vals);
	free(big);
}

/*
 * The property context of the Deleted Items folder as Outlook writes it in
 * a new file: display name, comment, content counts and subfolders flag.
 */
static void pc_matches_outlooks_layout(void **state)
{
	static const unsigned char want[] = {
		0x7e, 0x00, 0xec, 0xbc, 0x20, 0x00, 0x00, 0x00,   /* HNHDR: map at 0x7E, PC */
		0x00, 0x00, 0x00, 0x00,                           /* fill levels */
		0xb5, 0x02, 0x06, 0x00, 0x40, 0x00, 0x00, 0x00,   /* BTHHEADER, root 0x40 */
		0x01, 0x30, 0x1f, 0x00, 0x60, 0x00, 0x00, 0x00,   /* 0x3001 -> 0x60 */
		0x04, 0x30, 0x1f, 0x00, 0x80, 0x00, 0x00, 0x00,   /* 0x3004 -> 0x80 */
		0x02, 0x36, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,   /* 0x3602 = 0 */
		0x03, 0x36, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,   /* 0x3603 = 0 */
		0x0a, 0x36, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00,   /* 0x360A = false */
		'D', 0, 'e', 0, 'l', 0, 'e', 0, 't', 0, 'e', 0, 'd', 0, ' ', 0,
		'I', 0, 't', 0, 'e', 0, 'm', 0, 's', 0,
		'D', 0, 'e', 0, 'l', 0, 'e', 0, 't', 0, 'e', 0, 'd', 0, ' ', 0,
		'I', 0, 't', 0, 'e', 0, 'm', 0, 's', 0, ' ', 0,
		'f', 0, 'o', 0, 'l', 0, 'd', 0, 'e', 0, 'r', 0,
		0x04, 0x00, 0x00, 0x00,                           /* cAlloc 4, cFree 0 */
		0x0c, 0x00, 0x14, 0x00, 0x3c, 0x00, 0x56, 0x00, 0x7e, 0x00,
	};
	const char *name = "D\0e\0l\0e\0t\0e\0d\0 \0I\0t\0e\0m\0s\0";
	const char *comment = "D\0e\0l\0e\0t\0e\0d\0 \0I\0t\0e\0m\0s\0 \0f\0o\0l\0d\0e\0r\0";
	const struct ccm_pst_prop props[] = {
		{ 0x360A, CCM_PST_PT_BOOLEAN, "\0", 1, 0 },
		{ 0x3602, CCM_PST_PT_LONG, "\0\0\0\0", 4, 0 },
		{ 0x3603, CCM_PST_PT_LONG, "\0\0\0\0", 4, 0 },
		{ 0x3004, CCM_PST_PT_UNICODE, comment, 40, 0 },
		{ 0x3001, CCM_PST_PT_UNICODE, name, 26, 0 },
	};
	struct ccm_pst_node_out out;
	uint32_t next = 1;

	(void)state;
	assert_int_equal(ccm_pst_pc_build(&out, props, 5, &next, NULL), 0);
	assert_int_equal(out.n_pages, 1);
	assert_int_equal(out.pages[0].len, sizeof(want));
	assert_memory_equal(out.pages[0].ptr, want, sizeof(want));
	ccm_pst_node_out_release(&out);
}

static void pc_refuses_bad_properties_and_keeps_the_index(void **state)
{
	const struct ccm_pst_prop twice[] = {
		{ 0x0037, CCM_PST_PT_UNICODE, "a\0", 2, 0 },
		{ 0x0037, CCM_PST_PT_UNICODE, "b\0", 2, 0 },
	};
	const struct ccm_pst_prop short_long[] = { { 0x0E08, CCM_PST_PT_LONG, "ab", 2, 0 } };
	const struct ccm_pst_prop odd_type[] = { { 0x0E08, 0x00FB, "ab", 2, 0 } };
	const struct ccm_pst_prop no_nid[] = { { 0x3701, CCM_PST_PT_OBJECT, NULL, 10, 0 } };
	unsigned char *big = bytes(5000, 1);
	const struct ccm_pst_prop late[] = {
		{ 0x1000, CCM_PST_PT_BINARY, big, 5000, 0 },
		{ 0x1001, 0x00FB, "ab", 2, 0 },
	};
	struct ccm_pst_node_out out;
	struct ccm_error err;
	uint32_t next = 5;

	(void)state;
	assert_int_equal(ccm_pst_pc_build(&out, twice, 2, &next, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "0x0037 given twice"));
	assert_int_equal(ccm_pst_pc_build(&out, short_long, 1, &next, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "2 bytes instead of 4"));
	assert_int_equal(ccm_pst_pc_build(&out, odd_type, 1, &next, &err), CCM_EUNSUPPORTED);
	assert_int_equal(ccm_pst_pc_build(&out, no_nid, 1, &next, &err), CCM_EINVAL);
	assert_int_equal(ccm_pst_pc_build(&out, late, 2, &next, &err), CCM_EUNSUPPORTED);
	assert_int_equal(next, 5);
	assert_int_equal(out.n_pages, 0);
	assert_int_equal(out.n_subnodes, 0);
	free(big);
}

/* ---- table contexts ----------------------------------------------- */

/* Expected reader output for a table: rows in order, cells by tag. */
static char *expect_tc(const struct ccm_pst_col *cols, size_t n_cols,
		       const struct ccm_pst_prop *const *rows, const uint32_t *ids,
		       size_t n_rows)
{
	struct ccm_buf b = CCM_BUF_INIT;
	size_t len, n_tags = n_cols + 2;
	uint32_t *tags = malloc(n_tags * sizeof(*tags));
	int ver_given = 0;

	for (size_t j = 0; j < n_cols; j++) {
		tags[j] = (uint32_t)cols[j].id << 16 | cols[j].type;
		ver_given |= cols[j].id == 0x67F3;
	}
	tags[n_cols] = 0x67F20003;
	tags[n_cols + 1] = 0x67F30003;
	n_tags -= ver_given;
	for (size_t a = 0; a < n_tags; a++)           /* sort: few columns */
		for (size_t c = a + 1; c < n_tags; c++)
			if (tags[c] < tags[a]) {
				uint32_t t = tags[a];
				tags[a] = tags[c];
				tags[c] = t;
			}
	for (size_t i = 0; i < n_rows; i++) {
		ccm_buf_addf(&b, "row %u\n", (unsigned)ids[i]);
		for (size_t t = 0; t < n_tags; t++) {
			const struct ccm_pst_prop *v = NULL;
			unsigned char le[4] = { (unsigned char)ids[i], (unsigned char)(ids[i] >> 8),
				(unsigned char)(ids[i] >> 16), (unsigned char)(ids[i] >> 24) };

			for (size_t j = 0; j < n_cols; j++)
				if (((uint32_t)cols[j].id << 16 | cols[j].type) == tags[t])
					v = &rows[i][j];
			if (tags[t] == 0x67F20003) {
				ccm_buf_adds(&b, "cell 67F20003 row:");
				add_hex(&b, le, 4);
				ccm_buf_addch(&b, '\n');
			} else if (!v) {
				ccm_buf_adds(&b, "cell 67F30003 row:00000000\n");
			} else if (v->type != CCM_PST_PT_UNSPECIFIED) {
				ccm_buf_addf(&b, "cell %08X ", (unsigned)tags[t]);
				want_value(&b, v, "row");
			}
		}
	}
	free(tags);
	return ccm_buf_detach(&b, &len);
}

/* A table of n rows over a mix of columns, some cells missing, some big. */
struct table {
	struct ccm_pst_col cols[8];
	size_t n_cols;
	struct ccm_pst_prop *cells;
	const struct ccm_pst_prop **rows;
	uint32_t *ids;
	unsigned char *data;
	size_t n;
};

static void table_make(struct table *t, size_t n, size_t big_every)
{
	static const struct ccm_pst_col cols[] = {
		{ 0x0037, CCM_PST_PT_UNICODE }, { 0x0E06, CCM_PST_PT_SYSTIME },
		{ 0x0E08, CCM_PST_PT_LONG }, { 0x0E17, CCM_PST_PT_I2 },
		{ 0x0E1B, CCM_PST_PT_BOOLEAN }, { 0x0FFF, CCM_PST_PT_BINARY },
		{ 0x6001, CCM_PST_PT_CLSID }, { 0x0E07, CCM_PST_PT_I8 },
	};
	size_t nc = sizeof(cols) / sizeof(cols[0]);

	memcpy(t->cols, cols, sizeof(cols));
	t->n_cols = nc;
	t->n = n;
	t->cells = calloc(n * nc + 1, sizeof(*t->cells));
	t->rows = calloc(n + 1, sizeof(*t->rows));
	t->ids = calloc(n + 1, sizeof(*t->ids));
	t->data = bytes(100000, 11);
	for (size_t i = 0; i < n; i++) {
		struct ccm_pst_prop *c = t->cells + i * nc;

		t->rows[i] = c;
		t->ids[i] = (uint32_t)(0x200000 + (i * 7919) % (n * 2 + 1)) * 4 + 2;
		for (size_t j = 0; j < nc; j++) {
			int size = cols[j].type == CCM_PST_PT_UNICODE ? 2 * (int)(i % 17) :
				   cols[j].type == CCM_PST_PT_BINARY ? (int)(i % 5) * 3 :
				   cols[j].type == CCM_PST_PT_SYSTIME ||
				   cols[j].type == CCM_PST_PT_I8 ? 8 :
				   cols[j].type == CCM_PST_PT_LONG ? 4 :
				   cols[j].type == CCM_PST_PT_I2 ? 2 :
				   cols[j].type == CCM_PST_PT_BOOLEAN ? 1 : 16;

			c[j] = (struct ccm_pst_prop){ cols[j].id, cols[j].type,
				t->data + (i * 13 + j * 101) % 60000, (size_t)size, 0 };
			if ((i + j) % 7 == 3)
				c[j].type = CCM_PST_PT_UNSPECIFIED;
			if (cols[j].type == CCM_PST_PT_BOOLEAN)
				c[j].p = i % 2 ? "\1" : "\0";
		}
		if (big_every && i % big_every == 1) {
			c[5].type = CCM_PST_PT_BINARY;
			c[5].n = 3581 + i % 40000;
		}
	}
}

static void table_free(struct table *t)
{
	free(t->cells);
	free(t->rows);
	free(t->ids);
	free(t->data);
}

static void check_table(struct table *t, uint32_t *next, struct ccm_buf *layout,
			struct ccm_pst_node_out *out)
{
	char *got, *want;

	assert_int_equal(ccm_pst_tc_build(out, t->cols, t->n_cols, t->rows, t->ids, t->n,
					  next, NULL), 0);
	got = read_back(out, "tc", layout);
	want = expect_tc(t->cols, t->n_cols, t->rows, t->ids, t->n);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/* A table of n rows without big values: where its rows went, subnodes none. */
static void check_small_table(size_t n, const char *rows_line)
{
	struct table t;
	struct ccm_pst_node_out out;
	struct ccm_buf layout = CCM_BUF_INIT;
	uint32_t next = 3;

	table_make(&t, n, 0);
	check_table(&t, &next, &layout, &out);
	assert_has(&layout, rows_line);
	assert_has(&layout, "# levels 0\n");
	assert_int_equal(out.n_subnodes, 0);
	assert_int_equal(next, 3);
	ccm_pst_node_out_release(&out);
	ccm_buf_release(&layout);
	table_free(&t);
}

static void tc_of_one_row_keeps_its_rows_in_the_heap(void **state)
{
	(void)state;
	check_small_table(1, "# rows heap\n");
}

static void tc_of_no_rows_reads_back_empty(void **state)
{
	(void)state;
	check_small_table(0, "# rows none\n");
}

static void tc_of_ten_thousand_rows_cuts_its_matrix_at_rows(void **state)
{
	struct table t;
	struct ccm_pst_node_out out;
	struct ccm_buf layout = CCM_BUF_INIT;
	uint32_t next = 1;
	size_t row_size, per;

	(void)state;
	table_make(&t, 10000, 997);
	check_table(&t, &next, &layout, &out);
	assert_has(&layout, "# levels 1\n");
	/* Row: 4+4 ids, 8+8 eight-byte, 4*4 (long, string, binary, guid), 2, 1, bitmap 2. */
	row_size = 8 + 16 + 16 + 2 + 1 + 2;
	per = CCM_PST_BLOCK_MAX / row_size;
	assert_int_equal(out.subnodes[0].nid, nid_ltp(1));
	assert_int_equal(out.subnodes[0].n_blocks, (10000 + per - 1) / per);
	assert_int_equal(out.subnodes[0].blocks[0].len, per * row_size);
	assert_true(per * row_size < CCM_PST_BLOCK_MAX);   /* rows do not divide a block */
	/* The matrix, then one subnode for each big binary cell (11 of them). */
	assert_int_equal(out.n_subnodes, 1 + 11);
	assert_int_equal(next, 1 + 1 + 11);
	ccm_pst_node_out_release(&out);
	ccm_buf_release(&layout);
	table_free(&t);
}

static void tc_of_many_rows_has_bitmap_pages(void **state)
{
	enum { N = 150000 };
	struct ccm_pst_col col = { 0x0E08, CCM_PST_PT_LONG };
	struct ccm_pst_prop *cells = calloc(N, sizeof(*cells));
	const struct ccm_pst_prop **rows = calloc(N, sizeof(*rows));
	uint32_t *ids = calloc(N, sizeof(*ids)), next = 1;
	unsigned char *vals = bytes(4 * N, 12);
	struct ccm_pst_node_out out;
	struct ccm_buf layout = CCM_BUF_INIT;
	char *got, *want;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		cells[i] = (struct ccm_pst_prop){ 0x0E08, CCM_PST_PT_LONG, vals + 4 * i, 4, 0 };
		rows[i] = &cells[i];
		ids[i] = (uint32_t)(N - i);
	}
	assert_int_equal(ccm_pst_tc_build(&out, &col, 1, rows, ids, N, &next, NULL), 0);
	/* The row index alone is 1.2 MB: past page 136, the second bitmap page. */
	assert_true(out.n_pages > 137);
	got = read_back(&out, "tc", &layout);
	want = expect_tc(&col, 1, rows, ids, N);
	assert_string_equal(got, want);
	free(got);
	free(want);
	ccm_buf_release(&layout);
	ccm_pst_node_out_release(&out);
	free(cells);
	free(rows);
	free(ids);
	free(vals);
}

/*
 * Two tables as Outlook writes them in a new file: an empty one (no rows,
 * hnidRows 0, an empty row index) and one of a single row whose version
 * is given and whose string is empty.
 */
static void tc_matches_outlooks_layout(void **state)
{
	static const unsigned char empty_want[] = {
		0x5a, 0x00, 0xec, 0x7c, 0x40, 0x00, 0x00, 0x00,   /* HNHDR: TCINFO at 0x40 */
		0x00, 0x00, 0x00, 0x00,
		0xb5, 0x04, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,   /* row index: empty */
		0x7c, 0x06, 0x18, 0x00, 0x18, 0x00, 0x18, 0x00, 0x19, 0x00, /* rgib */
		0x20, 0x00, 0x00, 0x00,                           /* hidRowIndex */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   /* hnidRows, hidIndex */
		0x03, 0x00, 0x20, 0x0e, 0x0c, 0x00, 0x04, 0x03,   /* 0x0E200003 at 12, bit 3 */
		0x1f, 0x00, 0x04, 0x37, 0x14, 0x00, 0x04, 0x05,   /* 0x3704001F at 20, bit 5 */
		0x03, 0x00, 0x05, 0x37, 0x10, 0x00, 0x04, 0x04,
		0x03, 0x00, 0x0b, 0x37, 0x08, 0x00, 0x04, 0x02,
		0x03, 0x00, 0xf2, 0x67, 0x00, 0x00, 0x04, 0x00,
		0x03, 0x00, 0xf3, 0x67, 0x04, 0x00, 0x04, 0x01,
		0x02, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x14, 0x00, 0x5a, 0x00,
	};
	static const unsigned char row_want[] = {
		0x64, 0x00, 0xec, 0x7c, 0x40, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00,
		0xb5, 0x04, 0x04, 0x00, 0x60, 0x00, 0x00, 0x00,   /* row index at 0x60 */
		0x7c, 0x04, 0x10, 0x00, 0x10, 0x00, 0x10, 0x00, 0x11, 0x00,
		0x20, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,   /* rows at 0x80 */
		0x00, 0x00, 0x00, 0x00,
		0x1f, 0x00, 0x1a, 0x00, 0x0c, 0x00, 0x04, 0x03,
		0x03, 0x00, 0x05, 0x66, 0x08, 0x00, 0x04, 0x02,
		0x03, 0x00, 0xf2, 0x67, 0x00, 0x00, 0x04, 0x00,
		0x03, 0x00, 0xf3, 0x67, 0x04, 0x00, 0x04, 0x01,
		0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   /* row 1 is row 0 */
		0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,   /* the row: id, version, */
		0x22, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   /* 0x122, empty string, */
		0xf0,                                             /* all four cells exist */
		0x00,                                             /* the map's alignment */
		0x04, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x14, 0x00, 0x4a, 0x00, 0x52, 0x00,
		0x63, 0x00,
	};
	const struct ccm_pst_col empty_cols[] = {
		{ 0x370B, CCM_PST_PT_LONG }, { 0x0E20, CCM_PST_PT_LONG },
		{ 0x3705, CCM_PST_PT_LONG }, { 0x3704, CCM_PST_PT_UNICODE },
	};
	const struct ccm_pst_col row_cols[] = {
		{ 0x6605, CCM_PST_PT_LONG }, { 0x001A, CCM_PST_PT_UNICODE },
		{ 0x67F3, CCM_PST_PT_LONG },
	};
	const struct ccm_pst_prop cells[] = {
		{ 0x6605, CCM_PST_PT_LONG, "\x22\x01\0\0", 4, 0 },
		{ 0x001A, CCM_PST_PT_UNICODE, "", 0, 0 },
		{ 0x67F3, CCM_PST_PT_LONG, "\2\0\0\0", 4, 0 },
	};
	const struct ccm_pst_prop *rows[] = { cells };
	uint32_t id = 1, next = 1;
	struct ccm_pst_node_out out;

	(void)state;
	assert_int_equal(ccm_pst_tc_build(&out, empty_cols, 4, NULL, NULL, 0, &next, NULL), 0);
	assert_int_equal(out.n_pages, 1);
	assert_int_equal(out.pages[0].len, sizeof(empty_want));
	assert_memory_equal(out.pages[0].ptr, empty_want, sizeof(empty_want));
	ccm_pst_node_out_release(&out);

	assert_int_equal(ccm_pst_tc_build(&out, row_cols, 3, rows, &id, 1, &next, NULL), 0);
	assert_int_equal(out.n_pages, 1);
	assert_int_equal(out.pages[0].len, sizeof(row_want));
	assert_memory_equal(out.pages[0].ptr, row_want, sizeof(row_want));
	ccm_pst_node_out_release(&out);
}

static void tc_refuses_bad_tables(void **state)
{
	const struct ccm_pst_col cols[] = { { 0x0E08, CCM_PST_PT_LONG } };
	const struct ccm_pst_col row_id_col[] = { { 0x67F2, CCM_PST_PT_LONG } };
	const struct ccm_pst_col twice[] = { { 0x0E08, CCM_PST_PT_LONG },
					     { 0x0E08, CCM_PST_PT_I2 } };
	const struct ccm_pst_col object[] = { { 0x3701, CCM_PST_PT_OBJECT } };
	const struct ccm_pst_prop a = { 0x0E08, CCM_PST_PT_LONG, "\1\0\0\0", 4, 0 };
	const struct ccm_pst_prop wrong = { 0x0E08, CCM_PST_PT_I2, "\1\0", 2, 0 };
	const struct ccm_pst_prop *rows[] = { &a, &a }, *bad_rows[] = { &wrong };
	uint32_t same[] = { 9, 9 }, next = 4;
	struct ccm_pst_node_out out;
	struct ccm_error err;
	struct ccm_pst_col many[260];

	(void)state;
	assert_int_equal(ccm_pst_tc_build(&out, cols, 1, rows, same, 2, &next, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "row id 9 given twice"));
	assert_int_equal(ccm_pst_tc_build(&out, row_id_col, 1, NULL, NULL, 0, &next, &err),
			 CCM_EINVAL);
	assert_int_equal(ccm_pst_tc_build(&out, twice, 2, NULL, NULL, 0, &next, &err),
			 CCM_EINVAL);
	assert_int_equal(ccm_pst_tc_build(&out, object, 1, NULL, NULL, 0, &next, &err),
			 CCM_EUNSUPPORTED);
	assert_int_equal(ccm_pst_tc_build(&out, cols, 1, bad_rows, same, 1, &next, &err),
			 CCM_EINVAL);
	assert_non_null(strstr(err.msg, "row 0 column 0x0E080003"));
	for (size_t j = 0; j < 260; j++)
		many[j] = (struct ccm_pst_col){ (uint16_t)(0x4000 + j), CCM_PST_PT_LONG };
	assert_int_equal(ccm_pst_tc_build(&out, many, 254, NULL, NULL, 0, &next, &err),
			 CCM_EINVAL);
	assert_int_equal(ccm_pst_tc_build(&out, many, 253, NULL, NULL, 0, &next, &err), 0);
	ccm_pst_node_out_release(&out);
	assert_int_equal(next, 4);
}

/* ---- determinism -------------------------------------------------- */

static void assert_same_nodes(const struct ccm_pst_node_out *a, const struct ccm_pst_node_out *b)
{
	assert_int_equal(a->n_pages, b->n_pages);
	for (size_t i = 0; i < a->n_pages; i++) {
		assert_int_equal(a->pages[i].len, b->pages[i].len);
		assert_memory_equal(a->pages[i].ptr, b->pages[i].ptr, a->pages[i].len);
	}
	assert_int_equal(a->n_subnodes, b->n_subnodes);
	for (size_t i = 0; i < a->n_subnodes; i++) {
		assert_int_equal(a->subnodes[i].nid, b->subnodes[i].nid);
		assert_int_equal(a->subnodes[i].n_blocks, b->subnodes[i].n_blocks);
		for (size_t k = 0; k < a->subnodes[i].n_blocks; k++) {
			assert_int_equal(a->subnodes[i].blocks[k].len, b->subnodes[i].blocks[k].len);
			assert_memory_equal(a->subnodes[i].blocks[k].ptr,
					    b->subnodes[i].blocks[k].ptr,
					    a->subnodes[i].blocks[k].len);
		}
	}
}

static void same_input_gives_same_bytes(void **state)
{
	struct table t;
	struct ccm_pst_node_out a, b;
	struct ccm_pst_prop props[8];
	uint32_t next_a = 1, next_b = 1;

	(void)state;
	table_make(&t, 3000, 101);
	assert_int_equal(ccm_pst_tc_build(&a, t.cols, t.n_cols, t.rows, t.ids, t.n,
					  &next_a, NULL), 0);
	assert_int_equal(ccm_pst_tc_build(&b, t.cols, t.n_cols, t.rows, t.ids, t.n,
					  &next_b, NULL), 0);
	assert_same_nodes(&a, &b);
	assert_int_equal(next_a, next_b);
	ccm_pst_node_out_release(&a);
	ccm_pst_node_out_release(&b);
	/* A PC of the cells of rows that have big values, as properties. */
	for (size_t i = 0, k = 0; k < 7; i++)
		if (t.cells[i].type != CCM_PST_PT_UNSPECIFIED) {
			props[k] = t.cells[i];
			props[k].id = (uint16_t)(0x5000 + k);
			k++;
		}
	props[7] = t.cells[1 * t.n_cols + 5];
	assert_true(props[7].n > CCM_PST_HN_ALLOC_MAX);
	assert_int_equal(ccm_pst_pc_build(&a, props, 8, &next_a, NULL), 0);
	assert_int_equal(ccm_pst_pc_build(&b, props, 8, &next_b, NULL), 0);
	assert_same_nodes(&a, &b);
	ccm_pst_node_out_release(&a);
	ccm_pst_node_out_release(&b);
	table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(heap_page_map_lists_allocations_and_end),
		cmocka_unit_test(heap_small_allocations_fill_earlier_pages_first),
		cmocka_unit_test(heap_streamed_hands_pages_on_as_the_kept_heap_lays_them),
		cmocka_unit_test(heap_streamed_never_goes_back_to_a_page_handed_on),
		cmocka_unit_test(pc_every_type_reads_back_in_heap_or_subnode),
		cmocka_unit_test(pc_of_many_properties_has_intermediate_records),
		cmocka_unit_test(pc_matches_outlooks_layout),
		cmocka_unit_test(pc_refuses_bad_properties_and_keeps_the_index),
		cmocka_unit_test(tc_of_one_row_keeps_its_rows_in_the_heap),
		cmocka_unit_test(tc_of_ten_thousand_rows_cuts_its_matrix_at_rows),
		cmocka_unit_test(tc_of_many_rows_has_bitmap_pages),
		cmocka_unit_test(tc_matches_outlooks_layout),
		cmocka_unit_test(tc_of_no_rows_reads_back_empty),
		cmocka_unit_test(tc_refuses_bad_tables),
		cmocka_unit_test(same_input_gives_same_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
