/* test_utf8.c: the columns UTF-8 text takes on a terminal. */
#include "testutil.h"

#include "base/utf8.h"

static void ascii_and_latin_take_one_column_each(void **state)
{
	(void)state;
	assert_int_equal(ccm_utf8_width(""), 0);
	assert_int_equal(ccm_utf8_width("Smith, John"), 11);
	assert_int_equal(ccm_utf8_width("M\xc3\xbcller, J\xc3\xbcrgen"), 14); /* Müller, Jürgen */
	assert_int_equal(ccm_utf8_width("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd"), 4); /* Иван */
}

static void cjk_kana_and_hangul_take_two(void **state)
{
	(void)state;
	/* 山田 太郎: four wide characters and a space. */
	assert_int_equal(ccm_utf8_width("\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e"), 9);
	/* カタカナ in the fullwidth block; ｶﾀｶﾅ halfwidth takes one each. */
	assert_int_equal(ccm_utf8_width("\xe3\x82\xab\xe3\x82\xbf"), 4);
	assert_int_equal(ccm_utf8_width("\xef\xbd\xb6\xef\xbe\x80"), 2);
	assert_int_equal(ccm_utf8_width("\xea\xb9\x80"), 2);                 /* 김 */
	assert_int_equal(ccm_utf8_width("\xef\xbc\xa1"), 2);                 /* Ａ fullwidth */
	assert_int_equal(ccm_utf8_cp_width(0x1F600), 2);                     /* an emoji */
	assert_int_equal(ccm_utf8_cp_width(0x303F), 1);
}

static void combining_marks_take_none(void **state)
{
	(void)state;
	/* e and a combining acute accent: one column, as é. */
	assert_int_equal(ccm_utf8_width("e\xcc\x81"), 1);
	assert_int_equal(ccm_utf8_width("a\xe2\x80\x8b" "b"), 2);           /* zero-width space */
	assert_int_equal(ccm_utf8_cp_width(0x3099), 0);                      /* kana voiced mark */
	assert_int_equal(ccm_utf8_cp_width(0x0007), 0);
}

static void bytes_that_do_not_decode_take_one_each(void **state)
{
	(void)state;
	assert_int_equal(ccm_utf8_width("a\xff" "b"), 3);
	assert_int_equal(ccm_utf8_width("\xe5\xb1"), 2);                     /* a cut sequence */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_and_latin_take_one_column_each),
		cmocka_unit_test(cjk_kana_and_hangul_take_two),
		cmocka_unit_test(combining_marks_take_none),
		cmocka_unit_test(bytes_that_do_not_decode_take_one_each),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
