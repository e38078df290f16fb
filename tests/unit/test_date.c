/* test_date.c: cc:Mail export dates, File item titles and date formatting. */
#include "testutil.h"

#include <string.h>

#include "base/date.h"
#include "base/error.h"
#include "base/tz.h"

#define H 3600

static struct ccm_tz *ny;

static int open_ny(void **state)
{
	struct ccm_error err;

	(void)state;
	if (ccm_tz_open(&ny, "America/New_York", &err) != 0) {
		print_error("%s\n", err.msg);
		return -1;
	}
	return 0;
}

static int close_ny(void **state)
{
	(void)state;
	ccm_tz_free(ny);
	return 0;
}

static struct ccm_date parse_ok(const char *s, enum ccm_date_order order,
				const struct ccm_tz *tz)
{
	struct ccm_date d;

	if (ccm_date_parse(&d, s, strlen(s), order, tz) != 0)
		fail_msg("'%s' did not parse", s);
	return d;
}

static void parse_bad(const char *s, enum ccm_date_order order)
{
	struct ccm_date d;

	if (ccm_date_parse(&d, s, strlen(s), order, NULL) != CCM_EMALFORMED)
		fail_msg("'%s' parsed, but is not a date", s);
}

static void check_fields(const struct ccm_date *d, int y, int mo, int dd, int h,
			 int mi, int s)
{
	assert_int_equal(d->year, y);
	assert_int_equal(d->month, mo);
	assert_int_equal(d->day, dd);
	assert_int_equal(d->hour, h);
	assert_int_equal(d->minute, mi);
	assert_int_equal(d->second, s);
}

/* ---- the examples of spec 2.5 ------------------------------------------ */

static void spec_short_date_and_time(void **state)
{
	struct ccm_date d = parse_ok("6/2/98 8:39", CCM_DATE_MDY, ny);

	(void)state;
	check_fields(&d, 1998, 6, 2, 8, 39, 0);
	assert_int_equal(d.flags, CCM_DATE_HAS_TIME);
	assert_int_equal(d.utc, 896791140);
	assert_int_equal(d.utc_offset, -4 * H);
}

static void spec_two_digit_hour(void **state)
{
	struct ccm_date d = parse_ok("2/10/98 11:28", CCM_DATE_MDY, ny);

	(void)state;
	check_fields(&d, 1998, 2, 10, 11, 28, 0);
	assert_int_equal(d.utc, 887128080);
	assert_int_equal(d.utc_offset, -5 * H);
}

static void spec_pm_without_space(void **state)
{
	struct ccm_date d = parse_ok("5/6/97 3:10PM", CCM_DATE_MDY, ny);

	(void)state;
	check_fields(&d, 1997, 5, 6, 15, 10, 0);
	assert_int_equal(d.utc, 862945800);
}

static void spec_dashes_four_digit_year_and_seconds(void **state)
{
	struct ccm_date d = parse_ok("06-02-1998 20:39:05", CCM_DATE_MDY, ny);

	(void)state;
	check_fields(&d, 1998, 6, 2, 20, 39, 5);
	assert_int_equal(d.flags, CCM_DATE_HAS_TIME | CCM_DATE_HAS_SECONDS);
	assert_int_equal(d.utc, 896834345);
}

static void spec_impossible_day_is_kept_and_clamped(void **state)
{
	struct ccm_date d = parse_ok("2/31/99", CCM_DATE_MDY, ny);

	(void)state;
	/* Kept as written (Q233325)... */
	check_fields(&d, 1999, 2, 31, 0, 0, 0);
	assert_int_equal(d.flags, CCM_DATE_CLAMPED);
	/* ...but sorted as February 28, 1999, midnight in New York. */
	assert_int_equal(d.utc, 920178000);
	assert_int_equal(d.utc_offset, -5 * H);
}

static void clamping_knows_leap_years(void **state)
{
	struct ccm_date d = parse_ok("2/30/00 10:00", CCM_DATE_MDY, NULL);

	(void)state;
	assert_int_equal(d.day, 30);
	assert_true(d.flags & CCM_DATE_CLAMPED);
	assert_int_equal(d.utc, ccm_days_from_civil(2000, 2, 29) * 86400 + 10 * H);
	d = parse_ok("2/29/00", CCM_DATE_MDY, NULL);
	assert_false(d.flags & CCM_DATE_CLAMPED);
	d = parse_ok("4/31/98", CCM_DATE_MDY, NULL);
	assert_true(d.flags & CCM_DATE_CLAMPED);
}

static void date_without_time_is_midnight(void **state)
{
	struct ccm_date d = parse_ok("6/2/98", CCM_DATE_MDY, NULL);

	(void)state;
	check_fields(&d, 1998, 6, 2, 0, 0, 0);
	assert_int_equal(d.flags, 0);
	assert_int_equal(d.utc, 896745600);
}

static void surrounding_spaces_are_ignored(void **state)
{
	struct ccm_date d = parse_ok("  6/2/98   8:39  ", CCM_DATE_MDY, NULL);

	(void)state;
	check_fields(&d, 1998, 6, 2, 8, 39, 0);
	assert_int_equal(d.utc, 896776740);
}

static void only_len_bytes_are_read(void **state)
{
	struct ccm_date d;

	(void)state;
	assert_int_equal(ccm_date_parse(&d, "6/2/98 8:39 trailing", 11, CCM_DATE_MDY, NULL), 0);
	check_fields(&d, 1998, 6, 2, 8, 39, 0);
}

/* ---- two-digit years (Q193745) ----------------------------------------- */

static void two_digit_year_99_is_1999(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("12/31/99 23:59", CCM_DATE_MDY, NULL).utc, 946684740);
	assert_int_equal(parse_ok("12/31/99", CCM_DATE_MDY, NULL).year, 1999);
}

static void two_digit_year_00_is_2000(void **state)
{
	struct ccm_date d = parse_ok("1/1/00", CCM_DATE_MDY, NULL);

	(void)state;
	assert_int_equal(d.year, 2000);
	assert_int_equal(d.utc, 946684800);
}

static void two_digit_year_01_is_2001(void **state)
{
	struct ccm_date d = parse_ok("1/1/01", CCM_DATE_MDY, NULL);

	(void)state;
	assert_int_equal(d.year, 2001);
	assert_int_equal(d.utc, 978307200);
}

static void two_digit_year_69_is_2069(void **state)
{
	struct ccm_date d = parse_ok("1/1/69", CCM_DATE_MDY, NULL);

	(void)state;
	assert_int_equal(d.year, 2069);
	assert_int_equal(d.utc, 3124224000LL);
}

static void two_digit_year_70_is_1970(void **state)
{
	struct ccm_date d = parse_ok("1/1/70", CCM_DATE_MDY, NULL);

	(void)state;
	assert_int_equal(d.year, 1970);
	assert_int_equal(d.utc, 0);
}

static void four_digit_years_are_taken_as_they_are(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1/1/1969", CCM_DATE_MDY, NULL).year, 1969);
	assert_int_equal(parse_ok("1/1/2070", CCM_DATE_MDY, NULL).year, 2070);
	assert_int_equal(parse_ok("1/1/1969", CCM_DATE_MDY, NULL).utc, -365 * 86400);
}

/* ---- the offset of the date itself (Q281734) --------------------------- */

static void summer_date_uses_summer_offset(void **state)
{
	struct ccm_date d = parse_ok("7/4/98 10:00", CCM_DATE_MDY, ny);

	(void)state;
	assert_int_equal(d.utc_offset, -4 * H);
	assert_int_equal(d.utc, 899560800);
}

static void winter_date_uses_winter_offset(void **state)
{
	struct ccm_date d = parse_ok("12/25/98 10:00", CCM_DATE_MDY, ny);

	(void)state;
	assert_int_equal(d.utc_offset, -5 * H);
	assert_int_equal(d.utc, 914598000);
}

static void dst_gap_and_overlap_are_flagged(void **state)
{
	struct ccm_date d = parse_ok("4/5/98 2:30", CCM_DATE_MDY, ny);

	(void)state;
	assert_true(d.flags & CCM_DATE_TZ_GAP);
	assert_false(d.flags & CCM_DATE_TZ_OVERLAP);
	d = parse_ok("10/25/98 1:30AM", CCM_DATE_MDY, ny);
	assert_true(d.flags & CCM_DATE_TZ_OVERLAP);
	assert_false(d.flags & CCM_DATE_TZ_GAP);
	assert_int_equal(d.utc_offset, -4 * H);
	d = parse_ok("10/25/98 11:30AM", CCM_DATE_MDY, ny);
	assert_int_equal(d.flags, CCM_DATE_HAS_TIME);
}

static void null_zone_is_utc(void **state)
{
	struct ccm_date d = parse_ok("6/2/98 8:39", CCM_DATE_MDY, NULL);

	(void)state;
	assert_int_equal(d.utc_offset, 0);
	assert_int_equal(d.utc, 896776740);
}

/* ---- date orders (B2) -------------------------------------------------- */

static void order_mdy(void **state)
{
	struct ccm_date d = parse_ok("6/2/98", CCM_DATE_MDY, NULL);

	(void)state;
	check_fields(&d, 1998, 6, 2, 0, 0, 0);
	parse_bad("13/2/98", CCM_DATE_MDY);
}

static void order_dmy(void **state)
{
	struct ccm_date d = parse_ok("6/2/98 8:39", CCM_DATE_DMY, NULL);

	(void)state;
	check_fields(&d, 1998, 2, 6, 8, 39, 0);
	d = parse_ok("13-2-1998", CCM_DATE_DMY, NULL);
	check_fields(&d, 1998, 2, 13, 0, 0, 0);
	parse_bad("2/13/98", CCM_DATE_DMY);
}

static void order_ymd(void **state)
{
	struct ccm_date d = parse_ok("98/6/2 8:39", CCM_DATE_YMD, NULL);

	(void)state;
	check_fields(&d, 1998, 6, 2, 8, 39, 0);
	d = parse_ok("1998-06-02 20:39:05", CCM_DATE_YMD, NULL);
	check_fields(&d, 1998, 6, 2, 20, 39, 5);
	d = parse_ok("01/02/03", CCM_DATE_YMD, NULL);
	check_fields(&d, 2001, 2, 3, 0, 0, 0);
	/* A one-digit year is not a year. */
	parse_bad("6/2/98", CCM_DATE_YMD);
}

static void order_names_parse_in_any_case(void **state)
{
	(void)state;
	assert_int_equal(ccm_date_order_parse("MDY"), CCM_DATE_MDY);
	assert_int_equal(ccm_date_order_parse("dmy"), CCM_DATE_DMY);
	assert_int_equal(ccm_date_order_parse("yMd"), CCM_DATE_YMD);
	assert_int_equal(ccm_date_order_parse("YDM"), -1);
	assert_int_equal(ccm_date_order_parse("MDYY"), -1);
	assert_int_equal(ccm_date_order_parse(""), -1);
	assert_int_equal(ccm_date_order_parse(NULL), -1);
}

/* ---- 12-hour times ----------------------------------------------------- */

static void twelve_am_is_midnight(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("6/2/98 12:00AM", CCM_DATE_MDY, NULL).hour, 0);
	assert_int_equal(parse_ok("6/2/98 12:59 am", CCM_DATE_MDY, NULL).hour, 0);
}

static void twelve_pm_is_noon(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("6/2/98 12:00PM", CCM_DATE_MDY, NULL).hour, 12);
	assert_int_equal(parse_ok("6/2/98 12:30 pm", CCM_DATE_MDY, NULL).hour, 12);
}

static void am_pm_with_or_without_space(void **state)
{
	struct ccm_date a = parse_ok("5/6/97 3:10PM", CCM_DATE_MDY, NULL);
	struct ccm_date b = parse_ok("5/6/97 3:10 PM", CCM_DATE_MDY, NULL);
	struct ccm_date c = parse_ok("5/6/97 3:10:44am", CCM_DATE_MDY, NULL);

	(void)state;
	assert_int_equal(a.hour, 15);
	assert_int_equal(a.utc, b.utc);
	check_fields(&c, 1997, 5, 6, 3, 10, 44);
	assert_int_equal(parse_ok("5/6/97 11:59PM", CCM_DATE_MDY, NULL).hour, 23);
	assert_int_equal(parse_ok("5/6/97 1:00AM", CCM_DATE_MDY, NULL).hour, 1);
}

static void hour_past_12_with_pm_is_malformed(void **state)
{
	(void)state;
	parse_bad("6/2/98 13:00PM", CCM_DATE_MDY);
	parse_bad("6/2/98 20:39 AM", CCM_DATE_MDY);
}

/* ---- not dates ---------------------------------------------------------- */

static void garbage_is_malformed(void **state)
{
	static const char *bad[] = {
		"", "   ", "yesterday", "13/40/98", "6/2/98 25:00", "6/2/98 8:39 xyz",
		"6/2/98 24:00", "6/2/98 8:60", "6/2/98 8:39:60", "6/2/98 8:9",
		"6/2/98 8", "6/2/98 8:", "6/2/98 :39", "0/2/98", "6/0/98", "6/32/98",
		"6/2", "6/2/", "6/2/998", "6/2/19980", "6//98", "6/2-98", "6.2.98",
		"6/2/98x", "6/2/98 8:39P", "6/2/98 8:39 PMX", "6/2/98 8:39 AM PM",
		"123/2/98", "6/2/98 100:00", "+6/2/98", "6/2/98 8:39:05:01",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i], CCM_DATE_MDY);
}

/* ---- File item titles (B8, Q166610) ------------------------------------- */

static size_t split(const char *title, struct ccm_date *d)
{
	return ccm_date_split_title(title, strlen(title), CCM_DATE_MDY, NULL, d);
}

static void title_with_date_and_time(void **state)
{
	struct ccm_date d;

	(void)state;
	assert_int_equal(split("Abc.wk4 5/6/97 3:10PM", &d), 7);
	check_fields(&d, 1997, 5, 6, 15, 10, 0);
	assert_true(d.flags & CCM_DATE_HAS_TIME);
}

static void title_with_date_only(void **state)
{
	struct ccm_date d;

	(void)state;
	assert_int_equal(split("Att.txt 9-11-1998", &d), 7);
	check_fields(&d, 1998, 9, 11, 0, 0, 0);
}

static void title_with_numeric_extension_is_unchanged(void **state)
{
	struct ccm_date d;

	(void)state;
	assert_int_equal(split("report.123", &d), 10);
	assert_int_equal(d.flags, -1);
	assert_int_equal(split("v1-2-3.txt", &d), 10);
	assert_int_equal(d.flags, -1);
	assert_int_equal(split("DATA.R01", &d), 8);
	assert_int_equal(d.flags, -1);
}

static void title_name_with_spaces(void **state)
{
	struct ccm_date d;

	(void)state;
	assert_int_equal(split("my file 1/1/98", &d), 7);
	assert_int_equal(d.year, 1998);
	assert_int_equal(split("NOTE.TXT 6/1/98 5:02PM", &d), 8);
	check_fields(&d, 1998, 6, 1, 17, 2, 0);
}

static void title_time_with_spaced_pm_is_cut_whole(void **state)
{
	struct ccm_date d;

	(void)state;
	assert_int_equal(split("Budget 98.wk4  5/6/97  3:10 PM  ", &d), 13);
	check_fields(&d, 1997, 5, 6, 15, 10, 0);
}

static void title_that_is_only_a_date_stays_the_name(void **state)
{
	struct ccm_date d;

	(void)state;
	assert_int_equal(split("5/6/97", &d), 6);
	assert_int_equal(d.flags, -1);
	assert_int_equal(split("5/6/97 3:10PM", &d), 13);
	assert_int_equal(d.flags, -1);
}

static void title_ending_in_a_number_that_is_not_a_date(void **state)
{
	struct ccm_date d;

	(void)state;
	assert_int_equal(split("Q3 1998", &d), 7);
	assert_int_equal(d.flags, -1);
	assert_int_equal(split("minutes 13/40/98", &d), 16);
	assert_int_equal(d.flags, -1);
	assert_int_equal(split("", &d), 0);
	assert_int_equal(d.flags, -1);
}

static void title_date_is_read_in_zone_and_order(void **state)
{
	struct ccm_date d;
	const char *t = "Plan.doc 2/6/98 8:39";

	(void)state;
	assert_int_equal(ccm_date_split_title(t, strlen(t), CCM_DATE_DMY, ny, &d), 8);
	check_fields(&d, 1998, 6, 2, 8, 39, 0);
	assert_int_equal(d.utc, 896791140);
}

/* ---- formatting --------------------------------------------------------- */

static void iso_utc_format(void **state)
{
	char out[21];

	(void)state;
	ccm_date_iso_utc(out, 896791140);
	assert_string_equal(out, "1998-06-02T12:39:00Z");
	ccm_date_iso_utc(out, 0);
	assert_string_equal(out, "1970-01-01T00:00:00Z");
	ccm_date_iso_utc(out, -1);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	ccm_date_iso_utc(out, 951782400);
	assert_string_equal(out, "2000-02-29T00:00:00Z");
}

static void iso_utc_clamps_years_outside_four_digits(void **state)
{
	char out[21];

	(void)state;
	ccm_date_iso_utc(out, -(1LL << 50));
	assert_string_equal(out, "0000-01-01T00:00:00Z");
	ccm_date_iso_utc(out, 1LL << 50);
	assert_string_equal(out, "9999-12-31T23:59:59Z");
}

static void stamp14_is_local_time(void **state)
{
	char out[15];
	struct ccm_date d = parse_ok("6/2/98 8:39", CCM_DATE_MDY, ny);

	(void)state;
	ccm_date_stamp14(out, d.utc, d.utc_offset);
	assert_string_equal(out, "19980602083900");
	ccm_date_stamp14(out, 896791140, 0);
	assert_string_equal(out, "19980602123900");
	d = parse_ok("12/31/99 11:59:59PM", CCM_DATE_MDY, ny);
	ccm_date_stamp14(out, d.utc, d.utc_offset);
	assert_string_equal(out, "19991231235959");
}

static void stamp14_clamps_instants_at_the_ends_of_long_long(void **state)
{
	char out[15];

	(void)state;
	/* A damaged store may hold any instant: no overflow, just the clamp. */
	ccm_date_stamp14(out, -9223372036854775807LL - 1, -17762);
	assert_string_equal(out, "00000101000000");
	ccm_date_stamp14(out, 9223372036854775807LL, 50400);
	assert_string_equal(out, "99991231235959");
	ccm_date_stamp14(out, -62167219200LL - 3600, 7200);
	assert_string_equal(out, "00000101010000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_short_date_and_time),
		cmocka_unit_test(spec_two_digit_hour),
		cmocka_unit_test(spec_pm_without_space),
		cmocka_unit_test(spec_dashes_four_digit_year_and_seconds),
		cmocka_unit_test(spec_impossible_day_is_kept_and_clamped),
		cmocka_unit_test(clamping_knows_leap_years),
		cmocka_unit_test(date_without_time_is_midnight),
		cmocka_unit_test(surrounding_spaces_are_ignored),
		cmocka_unit_test(only_len_bytes_are_read),
		cmocka_unit_test(two_digit_year_99_is_1999),
		cmocka_unit_test(two_digit_year_00_is_2000),
		cmocka_unit_test(two_digit_year_01_is_2001),
		cmocka_unit_test(two_digit_year_69_is_2069),
		cmocka_unit_test(two_digit_year_70_is_1970),
		cmocka_unit_test(four_digit_years_are_taken_as_they_are),
		cmocka_unit_test(summer_date_uses_summer_offset),
		cmocka_unit_test(winter_date_uses_winter_offset),
		cmocka_unit_test(dst_gap_and_overlap_are_flagged),
		cmocka_unit_test(null_zone_is_utc),
		cmocka_unit_test(order_mdy),
		cmocka_unit_test(order_dmy),
		cmocka_unit_test(order_ymd),
		cmocka_unit_test(order_names_parse_in_any_case),
		cmocka_unit_test(twelve_am_is_midnight),
		cmocka_unit_test(twelve_pm_is_noon),
		cmocka_unit_test(am_pm_with_or_without_space),
		cmocka_unit_test(hour_past_12_with_pm_is_malformed),
		cmocka_unit_test(garbage_is_malformed),
		cmocka_unit_test(title_with_date_and_time),
		cmocka_unit_test(title_with_date_only),
		cmocka_unit_test(title_with_numeric_extension_is_unchanged),
		cmocka_unit_test(title_name_with_spaces),
		cmocka_unit_test(title_time_with_spaced_pm_is_cut_whole),
		cmocka_unit_test(title_that_is_only_a_date_stays_the_name),
		cmocka_unit_test(title_ending_in_a_number_that_is_not_a_date),
		cmocka_unit_test(title_date_is_read_in_zone_and_order),
		cmocka_unit_test(iso_utc_format),
		cmocka_unit_test(iso_utc_clamps_years_outside_four_digits),
		cmocka_unit_test(stamp14_is_local_time),
		cmocka_unit_test(stamp14_clamps_instants_at_the_ends_of_long_long),
	};

	return cmocka_run_group_tests(tests, open_ny, close_ny);
}
