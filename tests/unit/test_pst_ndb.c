/* test_pst_ndb.c: the PST writer's node database, checked by tests/pst/pst_check.py. */
#include "testutil.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pst/crc.h"
#include "pst/ndb.h"

#define CHECK CCMIG_TEST_DATA "/../pst/pst_check.py"

/* Bytes that differ from block to block and from seed to seed. */
static void pattern(unsigned char *p, size_t n, unsigned seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
}

static unsigned char *pattern_new(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n ? n : 1);

	assert_non_null(p);
	pattern(p, n, seed);
	return p;
}

/* pst_check.py finds nothing wrong with the file. */
static void check(const char *path)
{
	assert_int_equal(tu_system("python3 %s %s", CHECK, path), 0);
}

/* The data pst_check.py reads back for spec ("NID" or "NID/SUBNID")
 * is p[0..n). */
static void check_data(const char *dir, const char *pst, const char *spec, const void *p,
		       size_t n)
{
	char *want = tu_write(dir, "want.bin", p, n), *got = tu_path(dir, "got.bin");

	assert_int_equal(tu_system("python3 %s --extract %s %s %s && cmp -s %s %s",
				   CHECK, spec, got, pst, want, got), 0);
	free(want);
	free(got);
}

/* Runs Python code on pst_check.py's reading of the file: `c` the
 * checker after its run, `arg` the number given; asserts it passes. */
static void check_py(const char *pst, unsigned long long arg, const char *code)
{
	assert_int_equal(tu_system("python3 - %s %llu <<'EOF'\n"
		"import sys; sys.path.insert(0, '%s/../pst'); import pst_check as p\n"
		"c = p.Checker(sys.argv[1]); c.run()\n"
		"arg = int(sys.argv[2])\n%s\nEOF", pst, arg, CCMIG_TEST_DATA, code), 0);
}

static void crc_matches_the_specification_on_known_vectors(void **state)
{
	static const unsigned char zeros[496];
	unsigned char seq[256];

	(void)state;
	for (int i = 0; i < 256; i++)
		seq[i] = (unsigned char)i;
	/* Values of the bit-by-bit algorithm of [MS-PST] 5.3 (from 0, no
	 * final inversion), which pst_check.py carries too. */
	assert_int_equal(ccm_pst_crc(0, "", 0), 0);
	assert_int_equal(ccm_pst_crc(0, "123456789", 9), 0x2dfd2d88);
	assert_int_equal(ccm_pst_crc(0, seq, sizeof(seq)), 0x2493092b);
	assert_int_equal(ccm_pst_crc(0, zeros, sizeof(zeros)), 0);
	assert_int_equal(ccm_pst_crc(0, "The quick brown fox jumps over the lazy dog", 43),
			 0xb9c60808);
	/* Pieces continue one another, whatever their alignment. */
	assert_int_equal(ccm_pst_crc(ccm_pst_crc(0, seq, 13), seq + 13, 243), 0x2493092b);
}

static void signature_is_computed_from_offset_and_bid(void **state)
{
	(void)state;
	/* Pages of a file Outlook made: the BBT root at 0x8400, BID 0x17b,
	 * and the density list at 0x4200, BID 0x17f. */
	assert_int_equal(ccm_pst_sig(0x8400, 0x17b), 0x857b);
	assert_int_equal(ccm_pst_sig(0x4200, 0x17f), 0x437f);
	assert_int_equal(ccm_pst_sig(0x12345678, 0x9abcdef0), 0x0000);
	assert_int_equal(ccm_pst_sig(0x00010000, 0), 0x0001);
	/* Only the low 32 bits count: an offset past 4 GiB wraps. */
	assert_int_equal(ccm_pst_sig(0x100008400ull, 0x17b), 0x857b);
}

static void a_few_nodes_make_a_sound_file(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "a.pst"), *tmp = tu_path(dir, "a.pst.tmp");
	unsigned char *small = pattern_new(100, 1), *one = pattern_new(8176, 2);
	struct ccm_pst_ndb *w;
	struct ccm_error err;
	uint64_t b1, b2;

	(void)state;
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	assert_true(tu_exists(tmp));
	assert_false(tu_exists(path));
	assert_int_equal(ccm_pst_ndb_put_data(&b1, w, small, 100, &err), 0);
	assert_int_equal(ccm_pst_ndb_put_data(&b2, w, one, 8176, &err), 0);
	assert_int_equal(b1 & 3, 0);    /* data blocks: no internal bit */
	assert_int_equal(b2 & 3, 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, b1, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x122, b2, 0, 0x122, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x61, b1, 0, 0, &err), 0);    /* shared: cRef 3 */
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x1e1, 0, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), 0);
	assert_true(tu_exists(path));
	assert_false(tu_exists(tmp));
	check(path);
	check_data(dir, path, "0x21", small, 100);
	check_data(dir, path, "0x122", one, 8176);
	check_data(dir, path, "0x1e1", "", 0);
	free(small);
	free(one);
	free(tmp);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void long_data_goes_under_xblock_and_xxblock(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "x.pst");
	size_t nx = 8176 * 3 + 5, nxx = (size_t)8176 * 1021 + 20000;
	unsigned char *x = pattern_new(nx, 3), *xx = pattern_new(nxx, 4);
	struct ccm_pst_ndb *w;
	struct ccm_error err;
	uint64_t bx, bxx, bfull;

	(void)state;
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	assert_int_equal(ccm_pst_ndb_put_data(&bx, w, x, nx, &err), 0);
	assert_int_equal(ccm_pst_ndb_put_data(&bxx, w, xx, nxx, &err), 0);
	/* Exactly a full XBLOCK's worth stays one XBLOCK. */
	assert_int_equal(ccm_pst_ndb_put_data(&bfull, w, xx, (size_t)8176 * 1021, &err), 0);
	assert_int_equal(bx & 2, 2);
	assert_int_equal(bxx & 2, 2);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, bx, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x200024, bxx, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x200044, bfull, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), 0);
	check(path);
	check_data(dir, path, "0x21", x, nx);
	check_data(dir, path, "0x200024", xx, nxx);
	check_data(dir, path, "0x200044", xx, (size_t)8176 * 1021);
	/* The XXBLOCK and the lone XBLOCK, as a reader sees them. */
	check_py(path, bxx, "x = c.data(arg)\n"
		 "assert x[:2] == bytes([1, 2]) and x[2] == 2, x[:4]");
	check_py(path, bfull, "x = c.data(arg)\n"
		 "assert x[:2] == bytes([1, 1]) and int.from_bytes(x[2:4], 'little') == 1021");
	free(x);
	free(xx);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void streamed_data_gives_the_same_file(void **state)
{
	char *dir = tu_mkdtemp(), *a = tu_path(dir, "a.pst"), *b = tu_path(dir, "b.pst");
	size_t n = 8176 * 1100 + 77;
	unsigned char *p = pattern_new(n, 5);
	struct ccm_pst_ndb *w;
	struct ccm_pst_ndb_stream *st;
	struct ccm_error err;
	uint64_t bid, bid2;

	(void)state;
	assert_int_equal(ccm_pst_ndb_create(&w, a, &err), 0);
	assert_int_equal(ccm_pst_ndb_put_data(&bid, w, p, n, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, bid, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), 0);

	assert_int_equal(ccm_pst_ndb_create(&w, b, &err), 0);
	assert_int_equal(ccm_pst_ndb_stream_begin(&st, w, &err), 0);
	for (size_t at = 0, k = 1; at < n; at += k, k = k * 3 % 10007 + 1)
		assert_int_equal(ccm_pst_ndb_stream_write(st, p + at, at + k > n ? n - at : k,
							  &err), 0);
	assert_int_equal(ccm_pst_ndb_stream_end(&bid2, st, &err), 0);
	assert_int_equal(bid2, bid);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, bid2, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), 0);
	check(b);
	assert_int_equal(tu_system("cmp -s %s %s", a, b), 0);
	free(p);
	free(a);
	free(b);
	tu_rmtree(dir);
	free(dir);
}

static void blocks_given_stay_blocks_of_their_size(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "b.pst");
	struct ccm_buf blocks[3] = { CCM_BUF_INIT, CCM_BUF_INIT, CCM_BUF_INIT };
	size_t sizes[3] = { 8176, 3000, 1 };
	struct ccm_buf all = CCM_BUF_INIT, bad = CCM_BUF_INIT;
	struct ccm_pst_ndb *w;
	struct ccm_error err;
	uint64_t bid, one;

	(void)state;
	for (int i = 0; i < 3; i++) {
		unsigned char *p = pattern_new(sizes[i], 10 + (unsigned)i);
		ccm_buf_add(&blocks[i], p, sizes[i]);
		ccm_buf_add(&all, p, sizes[i]);
		free(p);
	}
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	assert_int_equal(ccm_pst_ndb_put_blocks(&bid, w, blocks, 3, &err), 0);
	assert_int_equal(ccm_pst_ndb_put_blocks(&one, w, blocks + 1, 1, &err), 0);
	assert_int_equal(one & 2, 0);           /* one block is its own root */
	ccm_buf_add(&bad, "", 0);
	assert_int_equal(ccm_pst_ndb_put_blocks(&one, w, &bad, 1, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "holds 1 to 8176"));
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, bid, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), 0);
	check(path);
	check_data(dir, path, "0x21", all.ptr, all.len);
	/* The XBLOCK's children are blocks of 8176, 3000 and 1 bytes. */
	check_py(path, bid, "x = c.data(arg)\n"
		 "kids = [int.from_bytes(x[8 + 8 * i:16 + 8 * i], 'little') for i in range(3)]\n"
		 "assert [c.blocks[k][1] for k in kids] == [8176, 3000, 1]");
	for (int i = 0; i < 3; i++)
		ccm_buf_release(&blocks[i]);
	ccm_buf_release(&all);
	ccm_buf_release(&bad);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void many_subnodes_go_under_an_siblock(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "s.pst");
	enum { N = 1000 };
	struct ccm_pst_subnode *v = calloc(N, sizeof(*v));
	unsigned char *p = pattern_new(N * 16, 6);
	struct ccm_pst_subnode few[2];
	struct ccm_pst_ndb *w;
	struct ccm_error err;
	uint64_t sub, inner;

	(void)state;
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	/* A subnode with a subnode tree of its own. */
	assert_int_equal(ccm_pst_ndb_put_data(&few[0].data_bid, w, "inner", 5, &err), 0);
	few[0].nid = 0x3f;
	few[0].sub_bid = 0;
	assert_int_equal(ccm_pst_ndb_put_subnodes(&inner, w, few, 1, &err), 0);
	for (int i = 0; i < N; i++) {
		v[i].nid = (uint32_t)(i + 1) << 5 | 0x1f;
		assert_int_equal(ccm_pst_ndb_put_data(&v[i].data_bid, w, p + 16 * i, 16, &err), 0);
		v[i].sub_bid = i == 500 ? inner : 0;
	}
	assert_int_equal(ccm_pst_ndb_put_subnodes(&sub, w, v, N, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x200024, 0, sub, 0, &err), 0);
	/* Out of order entries are refused. */
	few[0] = v[2];
	few[1] = v[1];
	assert_int_equal(ccm_pst_ndb_put_subnodes(&inner, w, few, 2, &err), CCM_EINVAL);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), 0);
	check(path);
	check_data(dir, path, "0x200024/0x3f", p, 16);
	check_data(dir, path, "0x200024/0x7d1f", p + 16 * 999, 16);
	check_data(dir, path, "0x200024/0x3e5f", p + 16 * 497, 16);
	check_py(path, sub, "si = c.data(arg)\n"
		 "assert si[:2] == bytes([2, 1]) and si[2] == 3, si[:4]");
	free(v);
	free(p);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* Thousands of nodes, with the sorted lists spilling to disk. */
static void write_many(const char *path, int n)
{
	struct ccm_pst_ndb *w;
	struct ccm_error err;
	unsigned char buf[64];

	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	ccm_pst_ndb_set_sort_memory(w, 16 << 10);
	for (int i = 0; i < n; i++) {
		/* Added out of order: the NBT sorts them. */
		uint32_t k = (uint32_t)((i * 7919) % n);
		uint64_t bid;
		pattern(buf, sizeof(buf), k);
		assert_int_equal(ccm_pst_ndb_put_data(&bid, w, buf, 1 + k % 64, &err), 0);
		assert_int_equal(ccm_pst_ndb_add_node(w, (0x400 + k) << 5 | 0x04, bid, 0,
						      0x122, &err), 0);
	}
	assert_int_equal(ccm_pst_ndb_finish(w, &err), 0);
}

static void thousands_of_nodes_make_btrees_of_several_levels(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "m.pst");
	unsigned char buf[64];

	(void)state;
	write_many(path, 6000);
	check(path);
	pattern(buf, sizeof(buf), 4321);
	check_data(dir, path, "0x29c24", buf, 1 + 4321 % 64);
	/* 6000 nodes: 400 NBT leaves, 20 pages above, a root: 3 levels. */
	check_py(path, 6000, "assert c.d[c.nbt_ib + 491] == 2 and c.d[c.bbt_ib + 491] == 2\n"
		 "assert len(c.nodes) == arg and not c.breaches");
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void two_identical_runs_give_identical_bytes(void **state)
{
	char *dir = tu_mkdtemp(), *a = tu_path(dir, "a.pst"), *b = tu_path(dir, "b.pst");

	(void)state;
	write_many(a, 3000);
	write_many(b, 3000);
	assert_int_equal(tu_system("cmp -s %s %s", a, b), 0);
	free(a);
	free(b);
	tu_rmtree(dir);
	free(dir);
}

static void bad_references_and_repeated_nodes_are_refused(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "r.pst"), *tmp = tu_path(dir, "r.pst.tmp");
	struct ccm_pst_ndb *w;
	struct ccm_error err;
	uint64_t bid;

	(void)state;
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	assert_int_equal(ccm_pst_ndb_put_data(&bid, w, "x", 1, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, bid + 4000, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "which the file does not have"));
	assert_false(tu_exists(path));
	assert_false(tu_exists(tmp));

	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, 0, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, 0, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "node 0x21 was added twice"));
	assert_false(tu_exists(path));
	assert_false(tu_exists(tmp));
	free(path);
	free(tmp);
	tu_rmtree(dir);
	free(dir);
}

/* A file size limit makes the system refuse a write half way, as a full
 * disk would: the error names the file, and nothing is left. */
static void a_failed_write_leaves_no_file(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "f.pst"), *tmp = tu_path(dir, "f.pst.tmp");
	size_t n = 3 << 20;
	unsigned char *p = pattern_new(n, 7);
	struct rlimit old, lim;
	struct ccm_pst_ndb *w;
	struct ccm_error err;
	uint64_t bid;
	int rc = 0;

	(void)state;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 1 << 20;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	for (int i = 0; i < 4 && rc == 0; i++)
		rc = ccm_pst_ndb_put_data(&bid, w, p, n, &err);
	assert_int_equal(rc, CCM_EIO);
	assert_non_null(strstr(err.msg, "cannot write '"));
	assert_non_null(strstr(err.msg, "f.pst.tmp' at byte "));
	/* The writer stays failed, and says so again. */
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, bid, 0, 0, &err), CCM_EIO);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), CCM_EIO);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_false(tu_exists(path));
	assert_false(tu_exists(tmp));

	/* The limit reached only when finishing: the data ends short of it,
	 * the last region (the file's full size) does not. */
	lim.rlim_cur = 1200000;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	assert_int_equal(ccm_pst_ndb_put_data(&bid, w, p, 1040000, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, bid, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), CCM_EIO);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_non_null(strstr(err.msg, "f.pst.tmp"));
	assert_false(tu_exists(path));
	assert_false(tu_exists(tmp));
	signal(SIGXFSZ, SIG_DFL);

	/* A folder in the way of the rename: refused, the folder kept. */
	assert_int_equal(mkdir(path, 0755), 0);
	free(tu_write(path, "keep", "x", 1));
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), CCM_EIO);
	assert_non_null(strstr(err.msg, "cannot rename"));
	assert_false(tu_exists(tmp));

	/* Abort after some data: nothing left. */
	assert_int_equal(rmdir(path) == 0 || tu_system("rm -rf %s", path) == 0, 1);
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	assert_int_equal(ccm_pst_ndb_put_data(&bid, w, p, 100000, &err), 0);
	ccm_pst_ndb_abort(w);
	assert_false(tu_exists(path));
	assert_false(tu_exists(tmp));
	free(p);
	free(path);
	free(tmp);
	tu_rmtree(dir);
	free(dir);
}

/* The checker finds what is wrong: a changed byte of a block (its CRC)
 * and a flipped AMap bit. */
static void the_checker_catches_a_bad_crc_and_a_wrong_amap_bit(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "c.pst"), *bad = tu_path(dir, "bad.pst");
	unsigned char *p = pattern_new(20000, 8);
	struct ccm_pst_ndb *w;
	struct ccm_error err;
	uint64_t bid;

	(void)state;
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	assert_int_equal(ccm_pst_ndb_put_data(&bid, w, p, 20000, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, bid, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), 0);
	check(path);
	/* The first data block starts after the AMap and PMap pages. */
	assert_int_equal(tu_system("cp %s %s && printf 'Z' | dd of=%s bs=1 seek=%d "
				   "conv=notrunc 2>/dev/null", path, bad, bad, 0x4800 + 10), 0);
	assert_int_equal(tu_system("python3 %s %s > %s/out; test $? = 1 && "
				   "grep -q 'at byte %d: block 0x4: dwCRC does not match' %s/out",
				   CHECK, bad, dir, 0x4800 + 8180, dir), 0);
	/* The AMap's last byte stands for free space at the region's end. */
	assert_int_equal(tu_system("cp %s %s && printf '\\001' | dd of=%s bs=1 seek=%d "
				   "conv=notrunc 2>/dev/null", path, bad, bad, 0x4400 + 495), 0);
	assert_int_equal(tu_system("python3 %s %s > %s/out; test $? = 1 && "
				   "grep -q 'AMap of region 0: byte 495 is 0x01' %s/out && "
				   "grep -q 'map page 0x84 of region 0: dwCRC' %s/out",
				   CHECK, bad, dir, dir, dir), 0);
	free(p);
	free(path);
	free(bad);
	tu_rmtree(dir);
	free(dir);
}

/* libpff (python3-pypff) opens the file: it checks the header's CRCs and
 * reads the B-trees' roots. The file has no message store yet, so it can
 * go no further. Skipped where python3-pypff is not installed. */
static void a_real_reader_opens_the_file(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "r.pst");
	struct ccm_pst_ndb *w;
	struct ccm_error err;
	uint64_t bid;

	(void)state;
	if (tu_system("/usr/bin/python3 -c 'import pypff' 2>/dev/null") != 0) {
		tu_rmtree(dir);
		free(dir);
		free(path);
		skip();
	}
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	assert_int_equal(ccm_pst_ndb_put_data(&bid, w, "store", 5, &err), 0);
	assert_int_equal(ccm_pst_ndb_add_node(w, 0x21, bid, 0, 0, &err), 0);
	assert_int_equal(ccm_pst_ndb_finish(w, &err), 0);
	assert_int_equal(tu_system("/usr/bin/python3 -c 'import pypff, sys\n"
				   "f = pypff.file(); f.open(sys.argv[1])\n"
				   "assert f.size == 271360 and f.encryption_type == 0' %s", path), 0);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/*
 * Over 2 GiB of data, streamed: 64-bit offsets, the first FPMap page (at
 * 2,080,391,168 bytes), and memory that stays flat. Only with
 * CCMIG_PST_BIG=1 (it writes 2.4 GB and takes a minute or two); it prints
 * the peak memory, which must stay under 64 MiB.
 */
static void over_two_gib_streams_in_flat_memory(void **state)
{
	const char *big = getenv("CCMIG_PST_BIG");
	char *dir, *path;
	size_t chunk = 1 << 20;
	unsigned char *p;
	struct ccm_pst_ndb *w;
	struct ccm_pst_ndb_stream *st;
	struct ccm_error err;
	struct rusage ru;
	struct stat sb;

	(void)state;
	if (!big || strcmp(big, "1"))
		skip();
	dir = tu_mkdtemp();
	path = tu_path(dir, "big.pst");
	p = pattern_new(chunk, 9);
	assert_int_equal(ccm_pst_ndb_create(&w, path, &err), 0);
	for (uint32_t item = 0; item < 3; item++) {
		uint64_t bid;
		assert_int_equal(ccm_pst_ndb_stream_begin(&st, w, &err), 0);
		for (size_t i = 0; i < 800; i++) {
			memcpy(p, &i, sizeof(i));       /* no two chunks alike */
			assert_int_equal(ccm_pst_ndb_stream_write(st, p, chunk, &err), 0);
		}
		assert_int_equal(ccm_pst_ndb_stream_end(&bid, st, &err), 0);
		assert_int_equal(ccm_pst_ndb_add_node(w, (0x10000 + item) << 5 | 0x04, bid, 0, 0,
						      &err), 0);
	}
	assert_int_equal(ccm_pst_ndb_finish(w, &err), 0);
	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	assert_int_equal(stat(path, &sb), 0);
	print_message("wrote %lld bytes, peak RSS %ld KiB\n", (long long)sb.st_size, ru.ru_maxrss);
	assert_true(sb.st_size > (off_t)2200000000);
	assert_true(ru.ru_maxrss < 64 * 1024);
	check(path);
	free(p);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc_matches_the_specification_on_known_vectors),
		cmocka_unit_test(signature_is_computed_from_offset_and_bid),
		cmocka_unit_test(a_few_nodes_make_a_sound_file),
		cmocka_unit_test(long_data_goes_under_xblock_and_xxblock),
		cmocka_unit_test(streamed_data_gives_the_same_file),
		cmocka_unit_test(blocks_given_stay_blocks_of_their_size),
		cmocka_unit_test(many_subnodes_go_under_an_siblock),
		cmocka_unit_test(thousands_of_nodes_make_btrees_of_several_levels),
		cmocka_unit_test(two_identical_runs_give_identical_bytes),
		cmocka_unit_test(bad_references_and_repeated_nodes_are_refused),
		cmocka_unit_test(a_failed_write_leaves_no_file),
		cmocka_unit_test(the_checker_catches_a_bad_crc_and_a_wrong_amap_bit),
		cmocka_unit_test(a_real_reader_opens_the_file),
		cmocka_unit_test(over_two_gib_streams_in_flat_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
