/* test_tz.c: TZif zones, POSIX TZ rules and civil date arithmetic. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/tz.h"

#define H 3600

static struct ccm_tz *open_zone(const char *name)
{
	struct ccm_tz *tz = NULL;
	struct ccm_error err;

	if (ccm_tz_open(&tz, name, &err) != 0)
		fail_msg("%s", err.msg);
	assert_non_null(tz);
	return tz;
}

static long long utc_of(int y, int mo, int d, int h, int mi, int s)
{
	return ccm_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* Local time in zone -> UTC; checks the flag, offset and instant. */
static void check_local(const struct ccm_tz *tz, int y, int mo, int d, int h,
			int mi, int want_flags, int want_off, long long want_utc)
{
	long long utc = 0;
	int off = 1;

	assert_int_equal(ccm_tz_local_to_utc(tz, y, mo, d, h, mi, 0, &utc, &off),
			 want_flags);
	assert_int_equal(off, want_off);
	assert_int_equal(utc, want_utc);
}

/* ---- a writer of synthetic TZif files, for forms tzdata does not use ---- */

static void put32(struct ccm_buf *b, long v)
{
	unsigned long u = (unsigned long)v;
	unsigned char p[4] = { (unsigned char)(u >> 24), (unsigned char)(u >> 16),
			       (unsigned char)(u >> 8), (unsigned char)u };

	ccm_buf_add(b, p, 4);
}

static void put64(struct ccm_buf *b, long long v)
{
	put32(b, (long)(v >> 32));
	put32(b, (long)(v & 0xFFFFFFFF));
}

/* Header and data block: transitions t[n] to types ix[n]; types off[nt]. */
static void put_block(struct ccm_buf *b, char version, int wide, size_t n,
		      const long long *t, const unsigned char *ix, size_t nt,
		      const int *off)
{
	size_t i;

	ccm_buf_add(b, "TZif", 4);
	ccm_buf_addch(b, version);
	ccm_buf_add(b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 15);
	put32(b, 0);
	put32(b, 0);
	put32(b, 0);
	put32(b, (long)n);
	put32(b, (long)nt);
	put32(b, 4);
	for (i = 0; i < n; i++) {
		if (wide)
			put64(b, t[i]);
		else
			put32(b, (long)t[i]);
	}
	for (i = 0; i < n; i++)
		ccm_buf_addch(b, ix[i]);
	for (i = 0; i < nt; i++) {
		put32(b, off[i]);
		ccm_buf_addch(b, 0);
		ccm_buf_addch(b, 0);
	}
	ccm_buf_add(b, "ZZZ", 4);
}

/*
 * Writes zone `name` under a fresh TZDIR and opens it. For version >= 2 the
 * 32-bit block holds a decoy offset of +13h, so reading it would show.
 */
static struct ccm_tz *synthetic(char **dir, const char *name, char version,
				size_t n, const long long *t, const unsigned char *ix,
				size_t nt, const int *off, const char *footer)
{
	struct ccm_buf b = CCM_BUF_INIT;
	static const int decoy = 13 * H;
	struct ccm_tz *tz;

	*dir = tu_mkdtemp();
	if (version == 0) {
		put_block(&b, 0, 0, n, t, ix, nt, off);
	} else {
		put_block(&b, version, 0, 0, NULL, NULL, 1, &decoy);
		put_block(&b, version, 1, n, t, ix, nt, off);
		ccm_buf_addf(&b, "\n%s\n", footer);
	}
	free(tu_write(*dir, name, b.ptr, b.len));
	ccm_buf_release(&b);
	assert_int_equal(setenv("TZDIR", *dir, 1), 0);
	tz = open_zone(name);
	unsetenv("TZDIR");
	return tz;
}

static void done_synthetic(char *dir, struct ccm_tz *tz)
{
	ccm_tz_free(tz);
	tu_rmtree(dir);
	free(dir);
}

/* ---- New York ------------------------------------------------------------- */

static void new_york_summer_1998_is_minus_4h(void **state)
{
	struct ccm_tz *tz = open_zone("America/New_York");

	(void)state;
	check_local(tz, 1998, 6, 2, 8, 39, 0, -4 * H, 896791140);
	assert_int_equal(ccm_tz_offset_at(tz, 896791140), -4 * H);
	assert_string_equal(ccm_tz_name(tz), "America/New_York");
	ccm_tz_free(tz);
}

static void new_york_winter_1998_is_minus_5h(void **state)
{
	struct ccm_tz *tz = open_zone("America/New_York");

	(void)state;
	check_local(tz, 1998, 1, 15, 12, 0, 0, -5 * H, 884883600);
	ccm_tz_free(tz);
}

static void new_york_spring_forward_gap_is_flagged(void **state)
{
	struct ccm_tz *tz = open_zone("America/New_York");

	(void)state;
	/* 1998-04-05 02:30 never happened; it is read as EST. */
	check_local(tz, 1998, 4, 5, 2, 30, CCM_TZ_GAP, -5 * H, 891761400);
	/* Either side of the gap is ordinary. */
	check_local(tz, 1998, 4, 5, 1, 59, 0, -5 * H, utc_of(1998, 4, 5, 6, 59, 0));
	check_local(tz, 1998, 4, 5, 3, 0, 0, -4 * H, utc_of(1998, 4, 5, 7, 0, 0));
	ccm_tz_free(tz);
}

static void new_york_fall_back_overlap_takes_earlier_instant(void **state)
{
	struct ccm_tz *tz = open_zone("America/New_York");

	(void)state;
	check_local(tz, 1998, 10, 25, 1, 30, CCM_TZ_OVERLAP, -4 * H, 909293400);
	check_local(tz, 1998, 10, 25, 0, 59, 0, -4 * H, utc_of(1998, 10, 25, 4, 59, 0));
	check_local(tz, 1998, 10, 25, 2, 0, 0, -5 * H, utc_of(1998, 10, 25, 7, 0, 0));
	ccm_tz_free(tz);
}

static void new_york_after_2037_uses_footer_rule(void **state)
{
	struct ccm_tz *tz = open_zone("America/New_York");

	(void)state;
	check_local(tz, 2050, 7, 1, 12, 0, 0, -4 * H, 2540304000LL);
	check_local(tz, 2050, 1, 1, 12, 0, 0, -5 * H, utc_of(2050, 1, 1, 17, 0, 0));
	/* Second Sunday of March 2050 is the 13th. */
	check_local(tz, 2050, 3, 13, 2, 30, CCM_TZ_GAP, -5 * H, 2530769400LL);
	/* First Sunday of November 2050 is the 6th. */
	check_local(tz, 2050, 11, 6, 1, 30, CCM_TZ_OVERLAP, -4 * H,
		    utc_of(2050, 11, 6, 5, 30, 0));
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2050, 3, 13, 6, 59, 59)), -5 * H);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2050, 3, 13, 7, 0, 0)), -4 * H);
	ccm_tz_free(tz);
}

static void new_york_before_1883_is_local_mean_time(void **state)
{
	struct ccm_tz *tz = open_zone("America/New_York");

	(void)state;
	/* Needs the 64-bit data: 1883 is before the 32-bit range. */
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(1883, 1, 1, 0, 0, 0)),
			 -(4 * H + 56 * 60 + 2));
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(1890, 1, 1, 0, 0, 0)), -5 * H);
	ccm_tz_free(tz);
}

/* ---- other zones ----------------------------------------------------------- */

static void berlin_summer_and_winter(void **state)
{
	struct ccm_tz *tz = open_zone("Europe/Berlin");

	(void)state;
	check_local(tz, 1998, 7, 1, 12, 0, 0, 2 * H, 899287200);
	check_local(tz, 1998, 12, 1, 12, 0, 0, 1 * H, 912510000);
	/* Footer rule CET-1CEST,M3.5.0,M10.5.0/3: last Sunday of Oct 2040 is the 28th. */
	check_local(tz, 2040, 10, 28, 2, 30, CCM_TZ_OVERLAP, 2 * H, 2234997000LL);
	ccm_tz_free(tz);
}

static void tokyo_is_plus_9h_always(void **state)
{
	struct ccm_tz *tz = open_zone("Asia/Tokyo");

	(void)state;
	check_local(tz, 1998, 6, 2, 8, 39, 0, 9 * H, utc_of(1998, 6, 1, 23, 39, 0));
	check_local(tz, 2060, 1, 1, 0, 0, 0, 9 * H, utc_of(2059, 12, 31, 15, 0, 0));
	ccm_tz_free(tz);
}

static void sydney_footer_dst_spans_new_year(void **state)
{
	struct ccm_tz *tz = open_zone("Australia/Sydney");

	(void)state;
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2050, 1, 15, 1, 0, 0)), 11 * H);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2050, 7, 1, 2, 0, 0)), 10 * H);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2050, 12, 31, 12, 0, 0)), 11 * H);
	ccm_tz_free(tz);
}

static void nuuk_footer_negative_rule_time(void **state)
{
	struct ccm_tz *tz = open_zone("America/Nuuk");

	(void)state;
	/* <-02>2<-01>,M3.5.0/-1,M10.5.0/0: last Sunday of March 2050 is the 27th,
	 * and -1:00 that day is Saturday 23:00 local, 01:00 UTC. */
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2050, 3, 27, 0, 59, 59)), -2 * H);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2050, 3, 27, 1, 0, 0)), -1 * H);
	ccm_tz_free(tz);
}

static void utc_names_give_utc(void **state)
{
	const char *names[] = { NULL, "", "UTC", "Etc/UTC" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct ccm_tz *tz = open_zone(names[i]);

		assert_int_equal(ccm_tz_offset_at(tz, utc_of(1998, 6, 2, 0, 0, 0)), 0);
		check_local(tz, 1998, 6, 2, 8, 39, 0, 0, utc_of(1998, 6, 2, 8, 39, 0));
		if (i < 3)
			assert_string_equal(ccm_tz_name(tz), "UTC");
		ccm_tz_free(tz);
	}
	/* A NULL zone is read as UTC as well. */
	check_local(NULL, 2000, 1, 1, 0, 0, 0, 0, 946684800);
}

static void two_zones_open_at_once_stay_independent(void **state)
{
	struct ccm_tz *ny = open_zone("America/New_York");
	struct ccm_tz *tk = open_zone("Asia/Tokyo");
	long long t = utc_of(1998, 6, 2, 12, 0, 0);

	(void)state;
	assert_int_equal(ccm_tz_offset_at(ny, t), -4 * H);
	assert_int_equal(ccm_tz_offset_at(tk, t), 9 * H);
	assert_int_equal(ccm_tz_offset_at(ny, t), -4 * H);
	ccm_tz_free(ny);
	ccm_tz_free(tk);
}

static void unknown_zone_is_not_found(void **state)
{
	struct ccm_tz *tz = (struct ccm_tz *)1;
	struct ccm_error err;

	(void)state;
	assert_int_equal(ccm_tz_open(&tz, "Mars/Olympus_Mons", &err), CCM_ENOTFOUND);
	assert_null(tz);
	assert_non_null(strstr(err.msg, "Mars/Olympus_Mons"));
	assert_non_null(strstr(err.msg, "tzdata"));
	assert_non_null(strstr(err.msg, "Time zone:"));
	/* A folder of zones is not a zone. */
	assert_int_equal(ccm_tz_open(&tz, "America", &err), CCM_ENOTFOUND);
}

static void unsafe_names_are_refused(void **state)
{
	const char *bad[] = { "../etc/passwd", "/etc/passwd", "America/../../etc",
			      "America/New York", "Europe/Berlin;rm", "a.b", "x\ny" };
	struct ccm_tz *tz = NULL;
	struct ccm_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(ccm_tz_open(&tz, bad[i], &err), CCM_EINVAL);
		assert_null(tz);
		assert_false(ccm_tz_name_ok(bad[i]));
	}
	assert_true(ccm_tz_name_ok("America/Port-au-Prince"));
	assert_true(ccm_tz_name_ok("Etc/GMT+5"));
	assert_int_equal(ccm_tz_open(&tz, "../etc/passwd", &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "../etc/passwd"));
	/* Names with '+', '-' and '_' are fine. */
	tz = open_zone("Etc/GMT+5");
	assert_int_equal(ccm_tz_offset_at(tz, 0), -5 * H);
	ccm_tz_free(tz);
}

/* ---- synthetic files ----------------------------------------------------- */

static void version1_file_is_read(void **state)
{
	const long long t[] = { utc_of(1990, 1, 1, 0, 0, 0), utc_of(1995, 1, 1, 0, 0, 0) };
	const unsigned char ix[] = { 1, 2 };
	const int off[] = { 1 * H, 2 * H, 3 * H };
	char *dir;
	struct ccm_tz *tz = synthetic(&dir, "Test/V1", 0, 2, t, ix, 3, off, NULL);

	(void)state;
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(1980, 1, 1, 0, 0, 0)), 1 * H);
	assert_int_equal(ccm_tz_offset_at(tz, t[0]), 2 * H);
	assert_int_equal(ccm_tz_offset_at(tz, t[1] - 1), 2 * H);
	assert_int_equal(ccm_tz_offset_at(tz, t[1]), 3 * H);
	/* No footer in version 1: the last type stays. */
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2100, 1, 1, 0, 0, 0)), 3 * H);
	done_synthetic(dir, tz);
}

static void version2_file_uses_64_bit_data(void **state)
{
	const long long t[] = { utc_of(1800, 1, 1, 0, 0, 0) };
	const unsigned char ix[] = { 1 };
	const int off[] = { 0, 5 * H };
	char *dir;
	struct ccm_tz *tz = synthetic(&dir, "Test/V2", '2', 1, t, ix, 2, off, "");

	(void)state;
	/* The decoy in the 32-bit block says +13h. */
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(1700, 1, 1, 0, 0, 0)), 0);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2000, 1, 1, 0, 0, 0)), 5 * H);
	/* An empty footer: the last type stays. */
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2200, 1, 1, 0, 0, 0)), 5 * H);
	done_synthetic(dir, tz);
}

static void version2_with_empty_32_bit_block_is_read(void **state)
{
	static const char v1[44] = "TZif2";   /* all counts zero */
	const long long t[] = { utc_of(2000, 1, 1, 0, 0, 0) };
	const unsigned char ix[] = { 1 };
	const int off[] = { 0, 2 * H };
	struct ccm_buf b = CCM_BUF_INIT;
	char *dir = tu_mkdtemp();
	struct ccm_tz *tz;

	(void)state;
	ccm_buf_add(&b, v1, sizeof(v1));
	put_block(&b, '2', 1, 1, t, ix, 2, off);
	ccm_buf_adds(&b, "\n\n");
	free(tu_write(dir, "Test/Empty32", b.ptr, b.len));
	ccm_buf_release(&b);
	assert_int_equal(setenv("TZDIR", dir, 1), 0);
	tz = open_zone("Test/Empty32");
	unsetenv("TZDIR");
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(1999, 1, 1, 0, 0, 0)), 0);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2001, 1, 1, 0, 0, 0)), 2 * H);
	done_synthetic(dir, tz);
}

static void footer_with_quoted_name_and_minutes(void **state)
{
	const long long t[] = { utc_of(2000, 1, 1, 0, 0, 0) };
	const unsigned char ix[] = { 0 };
	const int off[] = { 3 * H + 30 * 60 };
	char *dir;
	struct ccm_tz *tz = synthetic(&dir, "Test/Tehran", '3', 1, t, ix, 1, off,
				      "<+0330>-3:30");

	(void)state;
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2030, 6, 1, 0, 0, 0)), 3 * H + 30 * 60);
	check_local(tz, 2030, 6, 1, 12, 0, 0, 3 * H + 30 * 60, utc_of(2030, 6, 1, 8, 30, 0));
	done_synthetic(dir, tz);
}

static void footer_julian_day_skips_february_29(void **state)
{
	const long long t[] = { utc_of(2000, 1, 1, 0, 0, 0) };
	const unsigned char ix[] = { 0 };
	const int off[] = { 0 };
	char *dir;
	/* J60 is March 1 in every year; /0 is local midnight. */
	struct ccm_tz *tz = synthetic(&dir, "Test/J", '2', 1, t, ix, 1, off,
				      "AAA0BBB,J60/0,J300/0");

	(void)state;
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2024, 2, 29, 23, 59, 59)), 0);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2024, 3, 1, 0, 0, 0)), H);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2023, 2, 28, 23, 59, 59)), 0);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2023, 3, 1, 0, 0, 0)), H);
	/* J300 is October 27 in every year (ends at 00:00 DST = 23:00 UTC). */
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2024, 10, 26, 22, 59, 59)), H);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2024, 10, 26, 23, 0, 0)), 0);
	done_synthetic(dir, tz);
}

static void footer_zero_based_day_counts_february_29(void **state)
{
	const long long t[] = { utc_of(2000, 1, 1, 0, 0, 0) };
	const unsigned char ix[] = { 0 };
	const int off[] = { 0 };
	char *dir;
	/* Day 59 (from 0) is February 29 in a leap year and March 1 otherwise. */
	struct ccm_tz *tz = synthetic(&dir, "Test/N", '2', 1, t, ix, 1, off,
				      "AAA0BBB-2,59/0,300/0");

	(void)state;
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2024, 2, 28, 23, 59, 59)), 0);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2024, 2, 29, 0, 0, 0)), 2 * H);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2023, 2, 28, 23, 59, 59)), 0);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2023, 3, 1, 0, 0, 0)), 2 * H);
	done_synthetic(dir, tz);
}

static void footer_dst_all_year_stays_dst(void **state)
{
	const long long t[] = { utc_of(2000, 1, 1, 0, 0, 0) };
	const unsigned char ix[] = { 0 };
	const int off[] = { -4 * H };
	char *dir;
	/* tzcode's idiom for permanent DST: EST5EDT,0/0,J365/25. */
	struct ccm_tz *tz = synthetic(&dir, "Test/Always", '3', 1, t, ix, 1, off,
				      "EST5EDT,0/0,J365/25");

	(void)state;
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2031, 1, 1, 5, 0, 0)), -4 * H);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2031, 1, 1, 4, 0, 0)), -4 * H);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2031, 7, 1, 0, 0, 0)), -4 * H);
	assert_int_equal(ccm_tz_offset_at(tz, utc_of(2031, 12, 31, 23, 0, 0)), -4 * H);
	done_synthetic(dir, tz);
}

static void garbage_file_is_malformed(void **state)
{
	char *dir = tu_mkdtemp();
	struct ccm_tz *tz = NULL;
	struct ccm_error err;

	(void)state;
	free(tu_writes(dir, "Test/Junk", "this is not a zone file, just text\n"));
	free(tu_write(dir, "Test/Short", "TZif2", 5));
	assert_int_equal(setenv("TZDIR", dir, 1), 0);
	assert_int_equal(ccm_tz_open(&tz, "Test/Junk", &err), CCM_EMALFORMED);
	assert_non_null(strstr(err.msg, "TZif"));
	assert_int_equal(ccm_tz_open(&tz, "Test/Short", &err), CCM_EMALFORMED);
	assert_null(tz);
	unsetenv("TZDIR");
	tu_rmtree(dir);
	free(dir);
}

static void bad_footer_is_malformed(void **state)
{
	struct ccm_buf b = CCM_BUF_INIT;
	const long long t[] = { 0 };
	const unsigned char ix[] = { 0 };
	const int off[] = { 0 };
	char *dir = tu_mkdtemp();
	struct ccm_tz *tz = NULL;

	(void)state;
	put_block(&b, '2', 0, 0, NULL, NULL, 1, off);
	put_block(&b, '2', 1, 1, t, ix, 1, off);
	ccm_buf_adds(&b, "\nEST5EDT,M13.1.0,M11.1.0\n");
	free(tu_write(dir, "Test/Footer", b.ptr, b.len));
	ccm_buf_release(&b);
	assert_int_equal(setenv("TZDIR", dir, 1), 0);
	assert_int_equal(ccm_tz_open(&tz, "Test/Footer", NULL), CCM_EMALFORMED);
	unsetenv("TZDIR");
	tu_rmtree(dir);
	free(dir);
}

/* ---- civil dates ---------------------------------------------------------- */

static void days_from_civil_known_points(void **state)
{
	(void)state;
	assert_int_equal(ccm_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(ccm_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(ccm_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(ccm_days_from_civil(0, 3, 1), -719468);
	assert_int_equal(ccm_days_from_civil(1998, 6, 2), 10379);
	/* Months past 12 carry into the year. */
	assert_int_equal(ccm_days_from_civil(1998, 13, 1), ccm_days_from_civil(1999, 1, 1));
}

static void civil_from_days_inverts_days_from_civil(void **state)
{
	long long z;
	int y, m, d;

	(void)state;
	for (z = -800000; z <= 800000; z += 13) {
		ccm_civil_from_days(z, &y, &m, &d);
		assert_true(m >= 1 && m <= 12);
		assert_true(d >= 1 && d <= ccm_days_in_month(y, m));
		assert_int_equal(ccm_days_from_civil(y, m, d), z);
	}
	ccm_civil_from_days(-1, &y, &m, &d);
	assert_int_equal(y, 1969);
	assert_int_equal(m, 12);
	assert_int_equal(d, 31);
}

static void days_in_month_knows_leap_years(void **state)
{
	(void)state;
	assert_int_equal(ccm_days_in_month(1999, 2), 28);
	assert_int_equal(ccm_days_in_month(2000, 2), 29);
	assert_int_equal(ccm_days_in_month(1900, 2), 28);
	assert_int_equal(ccm_days_in_month(2024, 2), 29);
	assert_int_equal(ccm_days_in_month(1998, 4), 30);
	assert_int_equal(ccm_days_in_month(1998, 12), 31);
}

static void rule_answers_for_instants_at_the_ends_of_long_long(void **state)
{
	struct ccm_tz *tz = open_zone("America/New_York");
	/* 400 Gregorian years later the same rule gives the same offset. */
	long long cycle = 146097LL * 86400, july = utc_of(2030, 7, 1, 12, 0, 0);

	(void)state;
	assert_int_equal(ccm_tz_offset_at(tz, july + 1000 * cycle), -4 * H);
	assert_int_equal(ccm_tz_offset_at(tz, july + 1000 * cycle + 183 * 86400), -5 * H);
	/* Far from any calendar: no overflow; before the first transition
	 * local mean time, after the last an offset of the rule. */
	assert_int_equal(ccm_tz_offset_at(tz, -9223372036854775807LL - 1), -17762);
	assert_true(ccm_tz_offset_at(tz, 9223372036854775807LL) == -4 * H ||
		    ccm_tz_offset_at(tz, 9223372036854775807LL) == -5 * H);
	ccm_tz_free(tz);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(new_york_summer_1998_is_minus_4h),
		cmocka_unit_test(new_york_winter_1998_is_minus_5h),
		cmocka_unit_test(new_york_spring_forward_gap_is_flagged),
		cmocka_unit_test(new_york_fall_back_overlap_takes_earlier_instant),
		cmocka_unit_test(new_york_after_2037_uses_footer_rule),
		cmocka_unit_test(new_york_before_1883_is_local_mean_time),
		cmocka_unit_test(berlin_summer_and_winter),
		cmocka_unit_test(tokyo_is_plus_9h_always),
		cmocka_unit_test(sydney_footer_dst_spans_new_year),
		cmocka_unit_test(nuuk_footer_negative_rule_time),
		cmocka_unit_test(utc_names_give_utc),
		cmocka_unit_test(two_zones_open_at_once_stay_independent),
		cmocka_unit_test(unknown_zone_is_not_found),
		cmocka_unit_test(unsafe_names_are_refused),
		cmocka_unit_test(version1_file_is_read),
		cmocka_unit_test(version2_file_uses_64_bit_data),
		cmocka_unit_test(version2_with_empty_32_bit_block_is_read),
		cmocka_unit_test(footer_with_quoted_name_and_minutes),
		cmocka_unit_test(footer_julian_day_skips_february_29),
		cmocka_unit_test(footer_zero_based_day_counts_february_29),
		cmocka_unit_test(footer_dst_all_year_stays_dst),
		cmocka_unit_test(garbage_file_is_malformed),
		cmocka_unit_test(bad_footer_is_malformed),
		cmocka_unit_test(days_from_civil_known_points),
		cmocka_unit_test(civil_from_days_inverts_days_from_civil),
		cmocka_unit_test(days_in_month_knows_leap_years),
		cmocka_unit_test(rule_answers_for_instants_at_the_ends_of_long_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
