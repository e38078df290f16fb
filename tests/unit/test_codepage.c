/* test_codepage.c: code page conversion to and from UTF-8. */
#include "testutil.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/codepage.h"
#include "base/error.h"

static struct ccm_cp *open_cp(int n)
{
	struct ccm_cp *c = NULL;
	struct ccm_error err;

	assert_int_equal(ccm_cp_open(&c, n, &err), 0);
	assert_non_null(c);
	assert_int_equal(ccm_cp_number(c), n);
	return c;
}

/* Converts `in` (n bytes) and checks the UTF-8 result and the bad count. */
static void check_to(int cp, const char *in, size_t n, const char *want,
		     size_t want_bad)
{
	struct ccm_cp *c = open_cp(cp);
	struct ccm_buf out = CCM_BUF_INIT;
	size_t bad = 0;

	ccm_cp_to_utf8(&out, c, in, n, &bad);
	assert_string_equal(out.ptr, want);
	assert_int_equal(out.len, strlen(want));
	assert_int_equal(bad, want_bad);
	ccm_buf_release(&out);
	ccm_cp_free(c);
}

#define CHECK_TO(cp, lit, want, bad) check_to(cp, lit, sizeof(lit) - 1, want, bad)

static void check_from(int cp, const char *utf8, const char *want, size_t wlen,
		       size_t want_replaced)
{
	struct ccm_cp *c = open_cp(cp);
	struct ccm_buf out = CCM_BUF_INIT;
	size_t rep = 0;

	ccm_cp_from_utf8(&out, c, utf8, strlen(utf8), &rep);
	assert_int_equal(out.len, wlen);
	assert_memory_equal(out.ptr, want, wlen);
	assert_int_equal(rep, want_replaced);
	ccm_buf_release(&out);
	ccm_cp_free(c);
}

/* Every byte decodes, and encoding the result gives the same 256 bytes. */
static void check_full_round_trip(int cp)
{
	struct ccm_cp *c = open_cp(cp);
	struct ccm_buf u = CCM_BUF_INIT, back = CCM_BUF_INIT;
	char all[256];
	size_t bad = 0, rep = 0;
	int i;

	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	ccm_cp_to_utf8(&u, c, all, sizeof(all), &bad);
	assert_int_equal(bad, 0);
	assert_true(ccm_utf8_valid(u.ptr, u.len));
	ccm_cp_from_utf8(&back, c, u.ptr, u.len, &rep);
	assert_int_equal(rep, 0);
	assert_int_equal(back.len, sizeof(all));
	assert_memory_equal(back.ptr, all, sizeof(all));
	ccm_buf_release(&u);
	ccm_buf_release(&back);
	ccm_cp_free(c);
}

static void cp437_symbols_decode(void **state)
{
	(void)state;
	CHECK_TO(437, "\xF7\xEC\xEA", "\u2248\u221E\u03A9", 0);
	CHECK_TO(437, "x \xE1 \x9C \xB0", "x \u00DF \u00A3 \u2591", 0);
}

static void cp437_symbols_encode(void **state)
{
	(void)state;
	check_from(437, "\u2248\u221E\u03A9", "\xF7\xEC\xEA", 3, 0);
}

static void cp437_all_bytes_round_trip(void **state)
{
	(void)state;
	check_full_round_trip(437);
}

static void cp850_accents_decode_and_encode(void **state)
{
	(void)state;
	CHECK_TO(850, "Ren\x82 M\x81ller \x87\xA4\x9A\xD5",
		 "Ren\u00E9 M\u00FCller \u00E7\u00F1\u00DC\u0131", 0);
	check_from(850, "\u00E0 la fa\u00E7on", "\x85 la fa\x87on", 10, 0);
}

static void cp850_all_bytes_round_trip(void **state)
{
	(void)state;
	check_full_round_trip(850);
}

static void cp852_polish_letters_decode(void **state)
{
	(void)state;
	CHECK_TO(852, "\xA5\x86\xE7", "\u0105\u0107\u0161", 0);
	check_full_round_trip(852);
}

static void cp1252_euro_is_0x80(void **state)
{
	(void)state;
	CHECK_TO(1252, "5 \x80", "5 \u20AC", 0);
	check_from(1252, "5 \u20AC", "5 \x80", 3, 0);
}

static void cp1252_undefined_bytes_are_bad(void **state)
{
	(void)state;
	/* 0x81 and 0x8D are unassigned in Windows-1252. */
	CHECK_TO(1252, "a\x81" "b\x8D", "a\uFFFDb\uFFFD", 2);
}

static void cp932_trail_byte_5c_is_not_backslash(void **state)
{
	(void)state;
	/* 表 = 95 5C, ソ = 83 5C: the 0x5C belongs to the character. */
	CHECK_TO(932, "\x95\x5C\x83\x5C", "\u8868\u30BD", 0);
	CHECK_TO(932, "C:\\\x95\x5C\\x", "C:\\\u8868\\x", 0);
	check_from(932, "\u8868\u30BD\\", "\x95\x5C\x83\x5C\\", 5, 0);
}

static void cp932_trail_byte_5b_is_not_bracket(void **state)
{
	(void)state;
	/* 90 5B is 深 in Shift-JIS. */
	CHECK_TO(932, "[\x90\x5B]", "[\u6DF1]", 0);
}

static void cp932_half_width_katakana_is_single_byte(void **state)
{
	(void)state;
	CHECK_TO(932, "\xB1\xB2", "\uFF71\uFF72", 0);
}

static void cp932_invalid_pair_does_not_leave_backslash(void **state)
{
	(void)state;
	/* 0x85 0x5C is an unassigned pair: one bad character, no stray '\'. */
	CHECK_TO(932, "a\x85\x5C" "b", "a\uFFFDb", 1);
}

static void cp932_incomplete_tail_is_bad_in_whole_string(void **state)
{
	(void)state;
	CHECK_TO(932, "ab\x95", "ab\uFFFD", 1);
}

static void invalid_bytes_are_counted(void **state)
{
	(void)state;
	CHECK_TO(932, "\x80x\xA0y\xFD", "\uFFFDx\uFFFDy\uFFFD", 3);
}

static void bad_may_be_null(void **state)
{
	struct ccm_cp *c = open_cp(1252);
	struct ccm_buf out = CCM_BUF_INIT;

	(void)state;
	ccm_cp_to_utf8(&out, c, "\x81", 1, NULL);
	assert_string_equal(out.ptr, "\uFFFD");
	ccm_buf_reset(&out);
	ccm_cp_from_utf8(&out, c, "\u4E00", 3, NULL);
	assert_string_equal(out.ptr, "?");
	ccm_buf_release(&out);
	ccm_cp_free(c);
}

static void ascii_passes_through_and_appends(void **state)
{
	struct ccm_cp *c = open_cp(932);
	struct ccm_buf out = CCM_BUF_INIT;
	size_t bad = 0;

	(void)state;
	ccm_buf_adds(&out, ">");
	ccm_cp_to_utf8(&out, c, "Hello, \\world~\0!", 16, &bad);
	assert_int_equal(out.len, 17);
	assert_memory_equal(out.ptr, ">Hello, \\world~\0!", 17);
	assert_int_equal(bad, 0);
	ccm_buf_release(&out);
	ccm_cp_free(c);
}

static void long_text_converts_whole(void **state)
{
	struct ccm_cp *c = open_cp(850);
	struct ccm_buf out = CCM_BUF_INIT, back = CCM_BUF_INIT;
	static char in[30000];
	size_t i, bad = 0, rep = 0;

	(void)state;
	for (i = 0; i < sizeof(in); i++)
		in[i] = (i % 3) ? 'a' : '\x82';
	ccm_cp_to_utf8(&out, c, in, sizeof(in), &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(out.len, sizeof(in) + sizeof(in) / 3);
	ccm_cp_from_utf8(&back, c, out.ptr, out.len, &rep);
	assert_int_equal(back.len, sizeof(in));
	assert_memory_equal(back.ptr, in, sizeof(in));
	ccm_buf_release(&out);
	ccm_buf_release(&back);
	ccm_cp_free(c);
}

static void stream_split_inside_dbcs_character(void **state)
{
	struct ccm_cp *c = open_cp(932);
	struct ccm_buf out = CCM_BUF_INIT;
	size_t bad = 0;

	(void)state;
	ccm_cp_to_utf8_stream(&out, c, "a\x95", 2, 0, &bad);
	assert_string_equal(out.ptr, "a");
	ccm_cp_to_utf8_stream(&out, c, "\x5C" "b\x83", 3, 0, &bad);
	assert_string_equal(out.ptr, "a\u8868b");
	ccm_cp_to_utf8_stream(&out, c, "\x5C", 1, 1, &bad);
	assert_string_equal(out.ptr, "a\u8868b\u30BD");
	assert_int_equal(bad, 0);
	ccm_buf_release(&out);
	ccm_cp_free(c);
}

static void stream_split_with_long_next_piece(void **state)
{
	struct ccm_cp *c = open_cp(932);
	struct ccm_buf out = CCM_BUF_INIT;
	char piece[64];
	size_t i, bad = 0;

	(void)state;
	/* The held lead byte is completed, then the rest of the piece is read. */
	piece[0] = '\x5C';
	for (i = 1; i + 1 < sizeof(piece); i += 2) {
		piece[i] = '\x83';
		piece[i + 1] = '\x5C';
	}
	piece[63] = '\x95';
	ccm_cp_to_utf8_stream(&out, c, "\x95", 1, 0, &bad);
	assert_int_equal(out.len, 0);
	ccm_cp_to_utf8_stream(&out, c, piece, 63, 0, &bad);
	ccm_cp_to_utf8_stream(&out, c, piece + 63, 1, 0, &bad);
	ccm_cp_to_utf8_stream(&out, c, "\x5C", 1, 1, &bad);
	assert_int_equal(bad, 0);
	assert_int_equal(out.len, 3 + 31 * 3 + 3);
	assert_memory_equal(out.ptr, "\u8868\u30BD", 6);
	assert_memory_equal(out.ptr + out.len - 6, "\u30BD\u8868", 6);
	assert_null(memchr(out.ptr, '\\', out.len));
	ccm_buf_release(&out);
	ccm_cp_free(c);
}

static void stream_final_flushes_incomplete_tail_as_bad(void **state)
{
	struct ccm_cp *c = open_cp(932);
	struct ccm_buf out = CCM_BUF_INIT;
	size_t bad = 0;

	(void)state;
	ccm_cp_to_utf8_stream(&out, c, "x\x95", 2, 0, &bad);
	assert_int_equal(bad, 0);
	ccm_cp_to_utf8_stream(&out, c, "", 0, 1, &bad);
	assert_string_equal(out.ptr, "x\uFFFD");
	assert_int_equal(bad, 1);
	ccm_buf_release(&out);
	ccm_cp_free(c);
}

static void stream_reset_drops_held_tail(void **state)
{
	struct ccm_cp *c = open_cp(932);
	struct ccm_buf out = CCM_BUF_INIT;
	size_t bad = 0;

	(void)state;
	ccm_cp_to_utf8_stream(&out, c, "\x95", 1, 0, &bad);
	ccm_cp_reset(c);
	ccm_cp_to_utf8_stream(&out, c, "\x5C", 1, 1, &bad);
	assert_string_equal(out.ptr, "\\");
	assert_int_equal(bad, 0);
	ccm_buf_release(&out);
	ccm_cp_free(c);
}

static void from_utf8_unmappable_becomes_question_mark(void **state)
{
	(void)state;
	check_from(437, "a\u20ACb\u4E00c", "a?b?c", 5, 2);
	check_from(932, "\u20AC\u8868", "?\x95\x5C", 3, 1);
}

static void from_utf8_invalid_utf8_is_replaced_and_counted(void **state)
{
	(void)state;
	/* A lone continuation byte, a truncated 3-byte sequence, an overlong. */
	check_from(1252, "a\x80" "b\xE2\x82" "c\xC0\xAF", "a?b?c??", 7, 4);
	/* A truncated character at the very end. */
	check_from(1252, "z\xE2\x82", "z?", 2, 1);
}

static void unknown_code_page_is_unsupported(void **state)
{
	struct ccm_cp *c = (struct ccm_cp *)1;
	struct ccm_error err;

	(void)state;
	assert_int_equal(ccm_cp_open(&c, 999, &err), CCM_EUNSUPPORTED);
	assert_null(c);
	assert_int_equal(err.code, CCM_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "code page 999"));
	assert_non_null(strstr(err.msg, "437"));
	assert_non_null(strstr(err.msg, "Code page:"));
	assert_int_equal(ccm_cp_open(&c, -1, NULL), CCM_EUNSUPPORTED);
}

static void dbcs_code_pages_are_known(void **state)
{
	(void)state;
	assert_true(ccm_cp_is_dbcs(932));
	assert_true(ccm_cp_is_dbcs(936));
	assert_true(ccm_cp_is_dbcs(949));
	assert_true(ccm_cp_is_dbcs(950));
	assert_false(ccm_cp_is_dbcs(437));
	assert_false(ccm_cp_is_dbcs(1252));
}

static void utf8_validity(void **state)
{
	(void)state;
	assert_true(ccm_utf8_valid("", 0));
	assert_true(ccm_utf8_valid("plain", 5));
	assert_true(ccm_utf8_valid("\u00E9\u8868\U0001F600", 9));
	assert_false(ccm_utf8_valid("\x80", 1));
	assert_false(ccm_utf8_valid("\xC3", 1));           /* truncated */
	assert_false(ccm_utf8_valid("\xC0\xAF", 2));       /* overlong '/' */
	assert_false(ccm_utf8_valid("\xED\xA0\x80", 3));   /* surrogate */
	assert_false(ccm_utf8_valid("\xF4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(ccm_utf8_valid("\xFF", 1));
}

/*
 * Single-byte code pages convert through tables made from iconv's answers:
 * every byte, and every character of the BMP, must come out as iconv
 * itself converts it alone (bad bytes bad, unmappable characters '?').
 * ASCII is taken as ASCII in every code page (864's 0x25 stays '%', not
 * U+066A), so the bytes compared are 0x80 to 0xFF.
 */
static void single_byte_code_pages_agree_with_iconv(void **state)
{
	static const int cps[] = { 437, 737, 775, 850, 852, 855, 857, 862, 864,
				   866, 874, 1250, 1251, 1252, 1253, 1254, 1256, 1257 };

	(void)state;
	for (size_t k = 0; k < sizeof(cps) / sizeof(cps[0]); k++) {
		struct ccm_cp *c = open_cp(cps[k]);
		char name[16];
		iconv_t to, from;

		snprintf(name, sizeof(name), "CP%d", cps[k]);
		to = iconv_open("UTF-8", name);
		from = iconv_open(name, "UTF-8");
		assert_true(to != (iconv_t)-1 && from != (iconv_t)-1);
		for (int b = 0x80; b < 256; b++) {
			char in = (char)b, want[16], *ip = &in, *op = want;
			size_t il = 1, ol = sizeof(want), bad = 0;
			struct ccm_buf got = CCM_BUF_INIT;

			iconv(to, NULL, NULL, NULL, NULL);
			if (iconv(to, &ip, &il, &op, &ol) == (size_t)-1) {
				memcpy(want, "\xEF\xBF\xBD", 3);
				ol = sizeof(want) - 3;
			} else {
				iconv(to, NULL, NULL, &op, &ol);
			}
			ccm_cp_to_utf8(&got, c, &in, 1, &bad);
			assert_int_equal(got.len, sizeof(want) - ol);
			assert_memory_equal(got.ptr, want, got.len);
			assert_int_equal(bad, il ? 1 : 0);
			ccm_buf_release(&got);
		}
		for (unsigned u = 0x80; u < 0x10000; u++) {
			char utf8[4], want[8], *ip = utf8, *op = want;
			size_t n, il, ol = sizeof(want), rep = 0;
			struct ccm_buf got = CCM_BUF_INIT;

			if (u >= 0xD800 && u < 0xE000)
				continue;
			if (u < 0x800) {
				utf8[0] = (char)(0xC0 | u >> 6);
				utf8[1] = (char)(0x80 | (u & 0x3F));
				n = 2;
			} else {
				utf8[0] = (char)(0xE0 | u >> 12);
				utf8[1] = (char)(0x80 | ((u >> 6) & 0x3F));
				utf8[2] = (char)(0x80 | (u & 0x3F));
				n = 3;
			}
			il = n;
			iconv(from, NULL, NULL, NULL, NULL);
			if (iconv(from, &ip, &il, &op, &ol) == (size_t)-1) {
				want[0] = '?';
				ol = sizeof(want) - 1;
			}
			ccm_cp_from_utf8(&got, c, utf8, n, &rep);
			assert_int_equal(got.len, sizeof(want) - ol);
			assert_memory_equal(got.ptr, want, got.len);
			assert_int_equal(rep, il ? 1 : 0);
			ccm_buf_release(&got);
		}
		iconv_close(to);
		iconv_close(from);
		ccm_cp_free(c);
	}
}

/* 1255 and 1258 hold a letter back, waiting for a combining mark: the last
 * letter of a string, and the one before a bad byte, must still come out. */
static void composing_code_pages_keep_the_last_letter(void **state)
{
	(void)state;
	CHECK_TO(1255, "a\xE0", "a\xD7\x90", 0);
	CHECK_TO(1255, "\xE0\xFF\xE1", "\xD7\x90\xEF\xBF\xBD\xD7\x91", 1);
	CHECK_TO(1258, "\xC3", "\xC4\x82", 0);
	CHECK_TO(1258, "\xC3\xCC", "\xE1\xBA\xB0", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cp437_symbols_decode),
		cmocka_unit_test(cp437_symbols_encode),
		cmocka_unit_test(cp437_all_bytes_round_trip),
		cmocka_unit_test(cp850_accents_decode_and_encode),
		cmocka_unit_test(cp850_all_bytes_round_trip),
		cmocka_unit_test(cp852_polish_letters_decode),
		cmocka_unit_test(cp1252_euro_is_0x80),
		cmocka_unit_test(cp1252_undefined_bytes_are_bad),
		cmocka_unit_test(cp932_trail_byte_5c_is_not_backslash),
		cmocka_unit_test(cp932_trail_byte_5b_is_not_bracket),
		cmocka_unit_test(cp932_half_width_katakana_is_single_byte),
		cmocka_unit_test(cp932_invalid_pair_does_not_leave_backslash),
		cmocka_unit_test(cp932_incomplete_tail_is_bad_in_whole_string),
		cmocka_unit_test(invalid_bytes_are_counted),
		cmocka_unit_test(bad_may_be_null),
		cmocka_unit_test(ascii_passes_through_and_appends),
		cmocka_unit_test(long_text_converts_whole),
		cmocka_unit_test(stream_split_inside_dbcs_character),
		cmocka_unit_test(stream_split_with_long_next_piece),
		cmocka_unit_test(stream_final_flushes_incomplete_tail_as_bad),
		cmocka_unit_test(stream_reset_drops_held_tail),
		cmocka_unit_test(from_utf8_unmappable_becomes_question_mark),
		cmocka_unit_test(from_utf8_invalid_utf8_is_replaced_and_counted),
		cmocka_unit_test(unknown_code_page_is_unsupported),
		cmocka_unit_test(dbcs_code_pages_are_known),
		cmocka_unit_test(utf8_validity),
		cmocka_unit_test(single_byte_code_pages_agree_with_iconv),
		cmocka_unit_test(composing_code_pages_keep_the_last_letter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
