/* test_kvfile.c: the "Keyword: value" block reader and its line layer. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/codepage.h"
#include "ccmail/kvfile.h"

/* A temporary file, a report collecting every entry, and what was read. */
struct fx {
	char *dir;
	char *path;
	struct ccm_diaglist diags;
	struct ccm_report rep;
	struct ccm_buf seen;     /* "key=value@line/offset;" per kv, "|" per block */
	int blocks;
	int stop_after;          /* return -42 after this many blocks (0: never) */
};

static struct fx *fx_new(const void *data, size_t n)
{
	struct fx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->dir = tu_mkdtemp();
	x->path = tu_write(x->dir, "directory.exp", data, n);
	x->rep.sink = ccm_diaglist_sink;
	x->rep.ctx = &x->diags;
	ccm_buf_init(&x->seen);
	return x;
}

static struct fx *fx_str(const char *s)
{
	return fx_new(s, strlen(s));
}

static void fx_free(struct fx *x)
{
	ccm_diaglist_release(&x->diags);
	ccm_buf_release(&x->seen);
	tu_rmtree(x->dir);
	free(x->dir);
	free(x->path);
	free(x);
}

static int collect(void *ctx, const struct ccm_kvblock *b)
{
	struct fx *x = ctx;

	assert_true(b->len > 0);
	assert_int_equal(b->line, b->kv[0].line);
	assert_int_equal(b->offset, b->kv[0].offset);
	for (size_t i = 0; i < b->len; i++)
		ccm_buf_addf(&x->seen, "%s=%s@%ld/%lld;", b->kv[i].key, b->kv[i].value,
			     b->kv[i].line, b->kv[i].offset);
	ccm_buf_adds(&x->seen, "|");
	x->blocks++;
	return x->stop_after && x->blocks >= x->stop_after ? -42 : 0;
}

static int read_fx(struct fx *x, struct ccm_cp *cp)
{
	struct ccm_error err;

	return ccm_kvfile_read(x->path, "directory.exp", cp, &x->rep, collect, x, &err);
}

static void blank_lines_separate_blocks_with_lines_and_offsets(void **state)
{
	struct fx *x = fx_str("Name: Smith, John\r\nLocation: L\r\n\r\n"
			      "Name: HUBPO\nLocation: P\n");

	assert_int_equal(read_fx(x, NULL), 0);
	assert_string_equal(x->seen.ptr,
			    "Name=Smith, John@1/0;Location=L@2/19;|"
			    "Name=HUBPO@4/34;Location=P@5/46;|");
	assert_int_equal(x->diags.len, 0);
	fx_free(x);
}

static void runs_of_blank_lines_make_no_empty_blocks(void **state)
{
	struct fx *x = fx_str("\n\r\n  \t\nA: 1\n\n\n\nB: 2\n\n");

	assert_int_equal(read_fx(x, NULL), 0);
	assert_string_equal(x->seen.ptr, "A=1@4/7;|B=2@8/15;|");
	fx_free(x);
}

static void key_keeps_case_and_value_is_trimmed(void **state)
{
	struct fx *x = fx_str("  NaMe :   Smith, John \t \r\nComments:\n");

	assert_int_equal(read_fx(x, NULL), 0);
	assert_string_equal(x->seen.ptr, "NaMe=Smith, John@1/0;Comments=@2/27;|");
	fx_free(x);
}

static void value_is_split_at_the_first_colon(void **state)
{
	struct fx *x = fx_str("Comments: a:b: c\n");

	assert_int_equal(read_fx(x, NULL), 0);
	assert_string_equal(x->seen.ptr, "Comments=a:b: c@1/0;|");
	fx_free(x);
}

static void last_line_without_line_end_is_read(void **state)
{
	struct fx *x = fx_str("Name: A\nLocation: L");

	assert_int_equal(read_fx(x, NULL), 0);
	assert_string_equal(x->seen.ptr, "Name=A@1/0;Location=L@2/8;|");
	fx_free(x);
}

static void line_without_colon_is_reported_with_place_and_skipped(void **state)
{
	struct fx *x = fx_str("Name: A\nthis is not a keyword\n: no key\nAddr: PO\n");
	const struct ccm_diag *d;

	assert_int_equal(read_fx(x, NULL), 0);
	assert_string_equal(x->seen.ptr, "Name=A@1/0;Addr=PO@4/39;|");
	assert_int_equal(ccm_diaglist_count(&x->diags, "bad-line"), 2);
	d = &x->diags.items[0];
	assert_int_equal(d->severity, CCM_WARNING);
	assert_string_equal(d->file, "directory.exp");
	assert_int_equal(d->line, 2);
	assert_int_equal(d->offset, 8);
	assert_non_null(strstr(d->text, "'this is not a keyword'"));
	assert_int_equal(x->diags.items[1].line, 3);
	fx_free(x);
}

static void line_over_one_mib_is_reported_and_skipped(void **state)
{
	size_t big = 1024 * 1024 + 500;
	struct ccm_buf b = CCM_BUF_INIT;
	struct fx *x;

	ccm_buf_adds(&b, "Name: A\r\nComments: ");
	for (size_t i = 0; i < big; i++)
		ccm_buf_addch(&b, 'x');
	ccm_buf_adds(&b, "\r\nAddr: PO\r\n\r\nName: B\r\n");
	x = fx_new(b.ptr, b.len);
	assert_int_equal(read_fx(x, NULL), 0);
	/* Line numbers after the skipped line still count it. */
	assert_int_equal(ccm_diaglist_count(&x->diags, "line-too-long"), 1);
	assert_int_equal(x->diags.items[0].line, 2);
	assert_int_equal(x->diags.items[0].offset, 9);
	ccm_buf_reset(&b);
	ccm_buf_addf(&b, "Name=A@1/0;Addr=PO@3/%zu;|Name=B@5/%zu;|",
		     9 + 10 + big + 2, 9 + 10 + big + 2 + 10 + 2);
	assert_string_equal(x->seen.ptr, b.ptr);
	ccm_buf_release(&b);
	fx_free(x);
}

static void line_of_exactly_one_mib_is_kept(void **state)
{
	size_t n = 1024 * 1024;
	struct ccm_buf b = CCM_BUF_INIT;
	struct fx *x;

	ccm_buf_adds(&b, "C: ");
	while (b.len < n)
		ccm_buf_addch(&b, 'y');
	ccm_buf_adds(&b, "\nD: 1\n");
	x = fx_new(b.ptr, b.len);
	assert_int_equal(read_fx(x, NULL), 0);
	assert_int_equal(x->diags.len, 0);
	assert_int_equal(x->blocks, 1);
	assert_non_null(strstr(x->seen.ptr, ";D=1@2/"));
	ccm_buf_release(&b);
	fx_free(x);
}

static void nul_bytes_are_removed_and_reported(void **state)
{
	static const char data[] = "Name: Sm\0ith\nAddr\0: PO\n";
	struct fx *x = fx_new(data, sizeof(data) - 1);

	assert_int_equal(read_fx(x, NULL), 0);
	assert_string_equal(x->seen.ptr, "Name=Smith@1/0;Addr=PO@2/13;|");
	assert_int_equal(ccm_diaglist_count(&x->diags, "nul-byte"), 2);
	fx_free(x);
}

static void only_nul_bytes_do_not_crash(void **state)
{
	char data[4096];
	struct fx *x;

	memset(data, 0, sizeof(data));
	data[100] = '\n';
	data[2000] = ':';
	x = fx_new(data, sizeof(data));
	assert_int_equal(read_fx(x, NULL), 0);
	assert_true(x->diags.len >= 2);
	fx_free(x);
}

static void utf8_byte_order_mark_is_not_part_of_the_first_key(void **state)
{
	struct fx *x = fx_str("\xEF\xBB\xBFName: A\n");

	assert_int_equal(read_fx(x, NULL), 0);
	assert_string_equal(x->seen.ptr, "Name=A@1/3;|");
	fx_free(x);
}

static void callback_code_stops_the_reading(void **state)
{
	struct fx *x = fx_str("A: 1\n\nB: 2\n\nC: 3\n");

	x->stop_after = 2;
	assert_int_equal(read_fx(x, NULL), -42);
	assert_int_equal(x->blocks, 2);
	fx_free(x);
}

static void missing_file_is_not_found_with_its_name(void **state)
{
	struct ccm_error err;
	struct fx *x = fx_str("");
	char *p = tu_path(x->dir, "nothere.exp");

	assert_int_equal(ccm_kvfile_read(p, "nothere.exp", NULL, &x->rep, collect, x,
					 &err), CCM_ENOTFOUND);
	assert_non_null(strstr(err.msg, "nothere.exp"));
	assert_int_equal(x->blocks, 0);
	free(p);
	fx_free(x);
}

static void empty_file_has_no_blocks(void **state)
{
	struct fx *x = fx_str("");

	assert_int_equal(read_fx(x, NULL), 0);
	assert_int_equal(x->blocks, 0);
	fx_free(x);
}

static void values_are_converted_from_code_page_850(void **state)
{
	/* 0x81 is u with diaeresis and 0x90 E with acute in CP850. */
	struct fx *x = fx_str("Name: M\x81ller, \x90mile\n");
	struct ccm_cp *cp = NULL;
	struct ccm_error err;

	assert_int_equal(ccm_cp_open(&cp, 850, &err), 0);
	assert_int_equal(read_fx(x, cp), 0);
	assert_string_equal(x->seen.ptr, "Name=M\xC3\xBCller, \xC3\x89mile@1/0;|");
	assert_int_equal(x->diags.len, 0);
	ccm_cp_free(cp);
	fx_free(x);
}

static void undecodable_bytes_are_reported(void **state)
{
	/* 0x81 followed by a byte that is no trail byte: invalid in CP932. */
	struct fx *x = fx_str("Name: A\x81\x20" "B\n");
	struct ccm_cp *cp = NULL;
	struct ccm_error err;

	assert_int_equal(ccm_cp_open(&cp, 932, &err), 0);
	assert_int_equal(read_fx(x, cp), 0);
	assert_int_equal(ccm_diaglist_count(&x->diags, "bad-character"), 1);
	assert_non_null(strstr(x->seen.ptr, "\xEF\xBF\xBD"));
	ccm_cp_free(cp);
	fx_free(x);
}

static void kvblock_get_finds_the_first_value_in_any_case(void **state)
{
	struct ccm_kv kv[3] = {
		{ "Member", "Smith, John", 1, 0 },
		{ "member", "Doe, Jane", 2, 10 },
		{ "Comments", "x", 3, 20 },
	};
	struct ccm_kvblock b = { kv, 3, 3, 1, 0 };

	assert_string_equal(ccm_kvblock_get(&b, "MEMBER"), "Smith, John");
	assert_string_equal(ccm_kvblock_get(&b, "comments"), "x");
	assert_null(ccm_kvblock_get(&b, "Addr"));
}

static void linereader_gives_lines_without_line_ends(void **state)
{
	struct fx *x = fx_str("a\r\nbb\n\nccc");
	struct ccm_linereader r;
	struct ccm_error err;

	assert_int_equal(ccm_linereader_open(&r, x->path, "f", &x->rep, &err), 0);
	assert_int_equal(ccm_linereader_next(&r, &err), 1);
	assert_int_equal(r.len, 1);
	assert_memory_equal(r.line, "a", 1);
	assert_int_equal(ccm_linereader_next(&r, &err), 1);
	assert_int_equal(r.len, 2);
	assert_int_equal(r.lineno, 2);
	assert_int_equal(r.offset, 3);
	assert_int_equal(ccm_linereader_next(&r, &err), 1);
	assert_int_equal(r.len, 0);
	assert_int_equal(ccm_linereader_next(&r, &err), 1);
	assert_int_equal(r.len, 3);
	assert_int_equal(r.offset, 7);
	assert_int_equal(ccm_linereader_next(&r, &err), 0);
	ccm_linereader_close(&r);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blank_lines_separate_blocks_with_lines_and_offsets),
		cmocka_unit_test(runs_of_blank_lines_make_no_empty_blocks),
		cmocka_unit_test(key_keeps_case_and_value_is_trimmed),
		cmocka_unit_test(value_is_split_at_the_first_colon),
		cmocka_unit_test(last_line_without_line_end_is_read),
		cmocka_unit_test(line_without_colon_is_reported_with_place_and_skipped),
		cmocka_unit_test(line_over_one_mib_is_reported_and_skipped),
		cmocka_unit_test(line_of_exactly_one_mib_is_kept),
		cmocka_unit_test(nul_bytes_are_removed_and_reported),
		cmocka_unit_test(only_nul_bytes_do_not_crash),
		cmocka_unit_test(utf8_byte_order_mark_is_not_part_of_the_first_key),
		cmocka_unit_test(callback_code_stops_the_reading),
		cmocka_unit_test(missing_file_is_not_found_with_its_name),
		cmocka_unit_test(empty_file_has_no_blocks),
		cmocka_unit_test(values_are_converted_from_code_page_850),
		cmocka_unit_test(undecodable_bytes_are_reported),
		cmocka_unit_test(kvblock_get_finds_the_first_value_in_any_case),
		cmocka_unit_test(linereader_gives_lines_without_line_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
