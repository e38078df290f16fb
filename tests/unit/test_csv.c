/* test_csv.c: the CSV rules of migration files, writing and reading (spec 2.3-2.9). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "iff/csv.h"

/* ---- writing ------------------------------------------------------------ */

static void expect_put(const char *value, unsigned flags, const char *want)
{
	struct ccm_buf b = CCM_BUF_INIT;

	assert_int_equal(ccm_csv_put_field(&b, value, strlen(value), flags), 0);
	assert_string_equal(b.ptr, want);
	ccm_buf_release(&b);
}

static void put_field_quotes_only_what_the_rule_names(void **state)
{
	(void)state;
	expect_put("Pat Parkes", 0, "Pat Parkes");
	expect_put("SMTP:pat@litware", 0, "SMTP:pat@litware");
	expect_put("SMTP:patp@litware.com", 0, "\"SMTP:patp@litware.com\"");
	expect_put("a;b", 0, "a;b");
	expect_put("Lee, Bill", 0, "\"Lee, Bill\"");
	expect_put("my name is \"Sherry\"", 0, "\"my name is \"\"Sherry\"\"\"");
	expect_put("#1 fan", 0, "\"#1 fan\"");
	expect_put("!important", 0, "\"!important\"");
	expect_put("100%", 0, "\"100%\"");
	expect_put("v1.2", 0, "\"v1.2\"");
	expect_put("Filed Mail\\FYI", 0, "\"Filed Mail\\FYI\"");
	expect_put(" lead", 0, "\" lead\"");
	expect_put("trail ", 0, "\"trail \"");
	expect_put("", 0, "");
	expect_put("", CCM_CSV_QUOTE_EMPTY, "\"\"");
}

static void put_field_escapes_backslashes_and_line_ends_in_directory(void **state)
{
	(void)state;
	expect_put("C:\\dir", CCM_CSV_DIRECTORY, "\"C:\\\\dir\"");
	expect_put("two\r\nlines", CCM_CSV_DIRECTORY, "\"two\\r\\nlines\"");
	/* Outside DIRECTORY sections a backslash is literal (spec 2.9). */
	expect_put("C:\\dir", 0, "\"C:\\dir\"");
}

static void put_pointer_is_never_quoted(void **state)
{
	struct ccm_buf b = CCM_BUF_INIT;

	(void)state;
	ccm_csv_put_pointer(&b, "SALESPO2.SEC", 43232);
	assert_string_equal(b.ptr, "#SALESPO2.SEC(43232)");
	ccm_buf_release(&b);
}

static void expect_multi(const char *const *v, size_t n, unsigned flags,
			 const char *want)
{
	struct ccm_buf b = CCM_BUF_INIT;

	assert_int_equal(ccm_csv_put_multi(&b, v, n, flags), 0);
	assert_string_equal(b.ptr, want);
	ccm_buf_release(&b);
}

static void put_multi_uses_convention_2_only_for_semicolons_and_quotes(void **state)
{
	const char *plain[] = { "Jim_Hance@NorthWind", "Stephen Gray@NorthWind" };
	const char *dotted[] = { "Lee, Bill", "pat.parkes" , "Dad" };
	const char *x400[] = { "SMTP:mariab@litware.com",
			       "X400:C=US;A= ;P=NWTraders;G=Joe;S=Parkes" };
	const char *dir[] = { "MIGRATE:CCMAIL:A at B", "X:C:\\d" };

	(void)state;
	expect_multi(plain, 2, 0, "Jim_Hance@NorthWind;Stephen Gray@NorthWind");
	expect_multi(dotted, 3, 0, "\"Lee, Bill\";\"pat.parkes\";Dad");
	/* The SDK's own example, byte for byte (spec 2.7). */
	expect_multi(x400, 2, 0,
		     "\"SMTP:mariab@litware.com;\"\"X400:C=US;A= ;P=NWTraders;G=Joe;S=Parkes\"\"\"");
	expect_multi(dir, 2, CCM_CSV_DIRECTORY, "MIGRATE:CCMAIL:A at B;\"X:C:\\\\d\"");
	expect_multi(NULL, 0, 0, "");
}

static void put_multi_round_trips_through_split_multi(void **state)
{
	/* The first three take convention 1, then a ';' forces convention 2. */
	const char *v[] = { "plain", "Lee, Bill", " sp ", "a;b", "say \"hi\"",
			    "\"quoted\"", "semi;\"both\"" };
	struct ccm_buf b = CCM_BUF_INIT;
	struct ccm_csv_line l, out;
	size_t bad;

	(void)state;
	ccm_csv_line_init(&l);
	ccm_csv_line_init(&out);
	for (size_t n = 1; n <= 7; n++) {
		size_t raw_len;
		const char *raw;

		ccm_buf_reset(&b);
		ccm_buf_adds(&b, "x,");
		assert_int_equal(ccm_csv_put_multi(&b, v, n, 0), 0);
		ccm_buf_adds(&b, ",y");
		/* The field survives the line splitter, then splits into values. */
		assert_int_equal(ccm_csv_split(&l, b.ptr, b.len, 0, &bad), 3);
		raw = ccm_csv_field_raw(&l, 1, b.ptr, b.len, &raw_len);
		out.n = 0;
		assert_int_equal(ccm_csv_split_multi(&out, raw, raw_len), (int)n);
		for (size_t i = 0; i < n; i++)
			assert_string_equal(out.f[i].value, v[i]);
		assert_string_equal(l.f[2].value, "y");
	}
	ccm_csv_line_release(&l);
	ccm_csv_line_release(&out);
	ccm_buf_release(&b);
}

/* ---- reading ------------------------------------------------------------ */

static struct ccm_csv_line *split(const char *s, int directory, int want)
{
	static struct ccm_csv_line l;
	size_t bad = 999;

	ccm_csv_line_release(&l);
	assert_int_equal(ccm_csv_split(&l, s, strlen(s), directory, &bad), want);
	return &l;
}

static void split_reads_quotes_commas_and_doubled_quotes(void **state)
{
	struct ccm_csv_line *l;

	(void)state;
	l = split("entry,Pat Parkes,\"Litware, Inc.\",\"my name is \"\"Sherry\"\"\",,", 0, 6);
	assert_string_equal(l->f[0].value, "entry");
	assert_string_equal(l->f[2].value, "Litware, Inc.");
	assert_true(l->f[2].quoted);
	assert_int_equal(l->f[2].column, 17);
	assert_string_equal(l->f[3].value, "my name is \"Sherry\"");
	assert_int_equal(l->f[3].len, 19);
	assert_string_equal(l->f[4].value, "");
	assert_string_equal(l->f[5].value, "");
	assert_false(l->f[4].quoted);
	split("", 0, 1);
	split(",", 0, 2);
	ccm_csv_line_release(l);
}

static void split_is_lenient_about_unquoted_special_characters(void **state)
{
	struct ccm_csv_line *l;

	(void)state;
	/* Microsoft's own examples leave these unquoted (spec 2.3). */
	l = split("Filed Mail\\FYI,Gamers[SMTP:gamers@Litware.com],100%,a.b,it's \"x\"", 0, 5);
	assert_string_equal(l->f[0].value, "Filed Mail\\FYI");
	assert_string_equal(l->f[1].value, "Gamers[SMTP:gamers@Litware.com]");
	assert_string_equal(l->f[2].value, "100%");
	assert_string_equal(l->f[4].value, "it's \"x\"");
	assert_false(l->f[4].quoted);
	ccm_csv_line_release(l);
}

static void characters_after_a_closing_quote_are_event_27(void **state)
{
	struct ccm_csv_line l;
	size_t bad = 0;
	const char *s = "a,\"Lee\" Bill,c";

	(void)state;
	ccm_csv_line_init(&l);
	assert_int_equal(ccm_csv_split(&l, s, strlen(s), 0, &bad), CCM_EMALFORMED);
	assert_int_equal(bad, 7);   /* the ' ' after "Lee" */
	s = "a,\"never closed";
	assert_int_equal(ccm_csv_split(&l, s, strlen(s), 0, &bad), CCM_EMALFORMED);
	assert_int_equal(bad, 2);
	ccm_csv_line_release(&l);
}

static void split_accepts_convention_1_lists_as_one_field(void **state)
{
	struct ccm_csv_line *l;

	(void)state;
	l = split("x,\"Jim_Hance@NorthWind\";\"Stephen Gray@NorthWind\",y", 0, 3);
	assert_string_equal(l->f[1].value, "Jim_Hance@NorthWind;Stephen Gray@NorthWind");
	assert_true(l->f[1].quoted);
	assert_int_equal(l->f[2].column, 49);
	/* A quoted value after an unquoted one may hold commas. */
	l = split("x;\"Lee, Bill\",z", 0, 2);
	assert_string_equal(l->f[0].value, "x;Lee, Bill");
	assert_string_equal(l->f[1].value, "z");
	/* Not a well-formed quoted value: the quote is literal. */
	l = split("Re: 5;\"quote,z", 0, 2);
	assert_string_equal(l->f[0].value, "Re: 5;\"quote");
	ccm_csv_line_release(l);
}

static void split_marks_bare_pointers_only(void **state)
{
	struct ccm_csv_line *l;

	(void)state;
	l = split("#SALESPO1.SEC(50),\"#SALESPO1.SEC(50)\",#hashtag,#../x(0)", 0, 4);
	assert_true(l->f[0].pointer);
	assert_false(l->f[1].pointer);
	assert_false(l->f[2].pointer);
	/* Pointer-shaped: the reader then refuses its name. */
	assert_true(l->f[3].pointer);
	ccm_csv_line_release(l);
}

static void directory_escapes_apply_only_when_asked(void **state)
{
	struct ccm_csv_line *l;

	(void)state;
	l = split("\"C:\\\\dir\",a\\nb,c\\rd,e\\qf,g\\", 1, 5);
	assert_string_equal(l->f[0].value, "C:\\dir");
	assert_string_equal(l->f[1].value, "a\nb");
	assert_string_equal(l->f[2].value, "c\rd");
	/* No escape: kept as written (the reader warns). */
	assert_string_equal(l->f[3].value, "e\\qf");
	assert_string_equal(l->f[4].value, "g\\");
	l = split("\"C:\\\\dir\",a\\nb", 0, 2);
	assert_string_equal(l->f[0].value, "C:\\\\dir");
	assert_string_equal(l->f[1].value, "a\\nb");
	ccm_csv_line_release(l);
}

static void unescape_directory_works_in_place(void **state)
{
	char s[] = "a\\\\b\\r\\n\\x";

	(void)state;
	assert_int_equal(ccm_csv_unescape_directory(s, strlen(s)), 7);
	assert_memory_equal(s, "a\\b\r\n\\x", 8);
}

static void field_raw_gives_the_text_between_commas(void **state)
{
	const char *s = "a,\"b\";\"c\",,last";
	struct ccm_csv_line *l = split(s, 0, 4);
	size_t n;
	const char *r;

	(void)state;
	r = ccm_csv_field_raw(l, 1, s, strlen(s), &n);
	assert_int_equal(n, 7);
	assert_memory_equal(r, "\"b\";\"c\"", 7);
	r = ccm_csv_field_raw(l, 2, s, strlen(s), &n);
	assert_int_equal(n, 0);
	r = ccm_csv_field_raw(l, 3, s, strlen(s), &n);
	assert_memory_equal(r, "last", 4);
	assert_int_equal(n, 4);
	ccm_csv_line_release(l);
}

static void expect_values(const char *raw, int n, const char *const *want)
{
	struct ccm_csv_line out;

	ccm_csv_line_init(&out);
	assert_int_equal(ccm_csv_split_multi(&out, raw, strlen(raw)), n);
	for (int i = 0; i < n; i++)
		assert_string_equal(out.f[i].value, want[i]);
	ccm_csv_line_release(&out);
}

static void split_multi_reads_both_conventions(void **state)
{
	const char *x400[] = { "SMTP:mariab@litware.com",
			       "X400:C=US;A= ;P=NWTraders;G=Joe;S=Parkes" };
	const char *jim[] = { "Jim_Hance@NorthWind", "Stephen Gray@NorthWind" };
	const char *dad[] = { "Dad", "Pat Parkes" };
	const char *slash[] = { "X400:/C=US/A= /P=NWTraders/G=Joe/S=Parkes" };
	const char *whole[] = { "a", "b" };

	(void)state;
	expect_values("\"SMTP:mariab@litware.com;\"\"X400:C=US;A= ;P=NWTraders;G=Joe;S=Parkes\"\"\"",
		      2, x400);
	expect_values("\"Jim_Hance@NorthWind\";\"Stephen Gray@NorthWind\"", 2, jim);
	expect_values("Dad;Pat Parkes", 2, dad);
	expect_values("X400:/C=US/A= /P=NWTraders/G=Joe/S=Parkes", 1, slash);
	/* A whole field quoted is unquoted first, then split. */
	expect_values("\"a;b\"", 2, whole);
	/* Empty values are left out, nothing is trimmed. */
	expect_values("a;;b;", 2, whole);
	expect_values("", 0, NULL);
}

static void split_multi_refuses_broken_quotes_and_appends_nothing(void **state)
{
	struct ccm_csv_line out;

	(void)state;
	ccm_csv_line_init(&out);
	assert_int_equal(ccm_csv_split_multi(&out, "keep", 4), 1);
	assert_int_equal(ccm_csv_split_multi(&out, "a;\"b", 4), CCM_EMALFORMED);
	assert_int_equal(ccm_csv_split_multi(&out, "\"a\"x;b", 6), CCM_EMALFORMED);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.f[0].value, "keep");
	ccm_csv_line_release(&out);
}

static void split_multi_keeps_earlier_values_valid_as_it_grows(void **state)
{
	struct ccm_csv_line out;
	char big[4000];

	(void)state;
	memset(big, 'x', sizeof(big));
	ccm_csv_line_init(&out);
	assert_int_equal(ccm_csv_split_multi(&out, "first;second", 12), 2);
	for (int i = 0; i < 50; i++)
		assert_int_equal(ccm_csv_split_multi(&out, big, sizeof(big)), 1);
	assert_string_equal(out.f[0].value, "first");
	assert_string_equal(out.f[1].value, "second");
	assert_int_equal(out.f[51].len, sizeof(big));
	ccm_csv_line_release(&out);
}

static int pointer(const char *s, char *name, long long *off)
{
	return ccm_csv_parse_pointer(s, strlen(s), name, 32, off);
}

static void parse_pointer_accepts_only_bare_names_and_byte_counts(void **state)
{
	char name[32];
	long long off = -1;
	static const char *const bad[] = {
		"#../../etc/passwd(0)", "#/etc/passwd(0)", "#sub\\x.sec(1)",
		"#C:x.sec(1)", "#(5)", "#X.SEC()", "#X.SEC(-1)", "#X.SEC(1x)",
		"#X.SEC( 1)", "#X.SEC(1234567890123456789)", "X.SEC(1)", "#X.SEC(1",
		"#a;b(1)", "#a*b(1)", "#.(1)", "#abcdefghijklmnopqrstuvwxyz0123456789(1)",
		"#x..y(1)",
	};

	(void)state;
	assert_int_equal(pointer("#SALESPO1.SEC(43232)", name, &off), 0);
	assert_string_equal(name, "SALESPO1.SEC");
	assert_int_equal(off, 43232);
	assert_int_equal(pointer("#a(123456789012345678)", name, &off), 0);
	assert_int_equal(off, 123456789012345678LL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (pointer(bad[i], name, &off) != CCM_EMALFORMED)
			fail_msg("pointer '%s' was accepted", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(put_field_quotes_only_what_the_rule_names),
		cmocka_unit_test(put_field_escapes_backslashes_and_line_ends_in_directory),
		cmocka_unit_test(put_pointer_is_never_quoted),
		cmocka_unit_test(put_multi_uses_convention_2_only_for_semicolons_and_quotes),
		cmocka_unit_test(put_multi_round_trips_through_split_multi),
		cmocka_unit_test(split_reads_quotes_commas_and_doubled_quotes),
		cmocka_unit_test(split_is_lenient_about_unquoted_special_characters),
		cmocka_unit_test(characters_after_a_closing_quote_are_event_27),
		cmocka_unit_test(split_accepts_convention_1_lists_as_one_field),
		cmocka_unit_test(split_marks_bare_pointers_only),
		cmocka_unit_test(directory_escapes_apply_only_when_asked),
		cmocka_unit_test(unescape_directory_works_in_place),
		cmocka_unit_test(field_raw_gives_the_text_between_commas),
		cmocka_unit_test(split_multi_reads_both_conventions),
		cmocka_unit_test(split_multi_refuses_broken_quotes_and_appends_nothing),
		cmocka_unit_test(split_multi_keeps_earlier_values_valid_as_it_grows),
		cmocka_unit_test(parse_pointer_accepts_only_bare_names_and_byte_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
