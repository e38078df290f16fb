/* gen_dates.c: message and attachment dates as cc:Mail wrote them. */
#include "gen/gen_int.h"

#include <stdio.h>
#include <string.h>

/* The days that test the zone rules of 1999 and 2000 (US rules before
 * 2007; other zones simply get ordinary dates there) and the year 2000. */
static const int dst_days[][3] = {
	{ 1999, 4, 4 }, { 1999, 10, 31 }, { 2000, 4, 2 }, { 2000, 10, 29 }
};
static const int y2k_days[][3] = {
	{ 1999, 12, 31 }, { 2000, 1, 1 }, { 2000, 1, 3 }, { 2000, 2, 29 },
	{ 2001, 1, 1 }
};

static void fill_expected(struct ccm_gen *g, struct ccm_date *d, int has_time,
			  int has_seconds)
{
	int day = d->day, dim = ccm_days_in_month(d->year, d->month), rc;

	d->flags = 0;
	if (has_time)
		d->flags |= CCM_DATE_HAS_TIME;
	if (has_seconds)
		d->flags |= CCM_DATE_HAS_SECONDS;
	if (day > dim) {
		day = dim;
		d->flags |= CCM_DATE_CLAMPED;
	}
	rc = ccm_tz_local_to_utc(g->priv->tz, d->year, d->month, day, d->hour,
				 d->minute, d->second, &d->utc, &d->utc_offset);
	if (rc & CCM_TZ_GAP)
		d->flags |= CCM_DATE_TZ_GAP;
	if (rc & CCM_TZ_OVERLAP)
		d->flags |= CCM_DATE_TZ_OVERLAP;
}

/* The date part in the bundle's order; `sep` '/' or '-', `y4` four
 * digits, `pad` two-digit month and day. */
static void date_part(char *out, size_t n, enum ccm_date_order o, int y, int m,
		      int d, char sep, int y4, int pad)
{
	char ys[8], ms[4], ds[4];

	snprintf(ys, sizeof(ys), y4 ? "%04d" : "%02d", y4 ? y : y % 100);
	snprintf(ms, sizeof(ms), pad ? "%02d" : "%d", m);
	snprintf(ds, sizeof(ds), pad ? "%02d" : "%d", d);
	switch (o) {
	case CCM_DATE_DMY:
		snprintf(out, n, "%s%c%s%c%s", ds, sep, ms, sep, ys);
		break;
	case CCM_DATE_YMD:
		snprintf(out, n, "%s%c%s%c%s", ys, sep, ms, sep, ds);
		break;
	default:
		snprintf(out, n, "%s%c%s%c%s", ms, sep, ds, sep, ys);
		break;
	}
}

static void time_part(char *out, size_t n, int h, int mi, int s, int style)
{
	int h12 = h % 12 == 0 ? 12 : h % 12;
	const char *ap = h < 12 ? "AM" : "PM";

	switch (style) {
	case 1:
		snprintf(out, n, "%d:%02d%s", h12, mi, ap);
		break;
	case 2:
		snprintf(out, n, "%d:%02d %s", h12, mi, ap);
		break;
	case 3:
		snprintf(out, n, "%02d:%02d:%02d", h, mi, s);
		break;
	default:
		snprintf(out, n, "%d:%02d", h, mi);
		break;
	}
}

const char *ccm_gen_date(struct ccm_date *out, struct ccm_gen *g,
			 struct ccm_gen_arena *a, struct ccm_gen_rng *r,
			 int impossible)
{
	unsigned k = (unsigned)ccm_gen_rng_below(r, 100);
	unsigned style = (unsigned)ccm_gen_rng_below(r, 6);
	char dp[24], tp[24];
	int y4 = style == 3 || style == 4, pad = style == 3;
	char sep = style == 3 || style == 5 ? '-' : '/';

	memset(out, 0, sizeof(*out));
	if (impossible) {
		static const int bad[][2] = {
			{ 2, 31 }, { 2, 30 }, { 4, 31 }, { 6, 31 }, { 9, 31 },
			{ 11, 31 }
		};
		unsigned i = (unsigned)ccm_gen_rng_below(r, 6);

		out->year = ccm_gen_rng_chance(r, 0.5) ? 1999 : 2000;
		out->month = bad[i][0];
		out->day = bad[i][1];
		out->hour = 10;
		out->minute = 15;
	} else {
		if (k < 20) {
			const int *d = dst_days[ccm_gen_rng_below(r, 4)];

			out->year = d[0]; out->month = d[1]; out->day = d[2];
			out->hour = (int)ccm_gen_rng_range(r, 0, 4);
		} else if (k < 40) {
			const int *d = y2k_days[ccm_gen_rng_below(r, 5)];

			out->year = d[0]; out->month = d[1]; out->day = d[2];
			out->hour = (int)ccm_gen_rng_range(r, 0, 23);
		} else {
			long long day0 = ccm_days_from_civil(1998, 1, 1);
			long long day1 = ccm_days_from_civil(2001, 12, 31);

			ccm_civil_from_days(day0 + (long long)ccm_gen_rng_below(
						    r, (uint64_t)(day1 - day0 + 1)),
					    &out->year, &out->month, &out->day);
			out->hour = (int)ccm_gen_rng_range(r, 7, 19);
		}
		out->minute = (int)ccm_gen_rng_range(r, 0, 59);
		out->second = style == 3 ? (int)ccm_gen_rng_range(r, 0, 59) : 0;
	}
	date_part(dp, sizeof(dp), g->opts.date_order, out->year, out->month,
		  out->day, sep, y4, pad);
	time_part(tp, sizeof(tp), out->hour, out->minute, out->second,
		  style <= 3 ? (int)style : 0);
	fill_expected(g, out, 1, style == 3);
	return ccm_gen_printf(a, "%s %s", dp, tp);
}

const char *ccm_gen_title_date(struct ccm_date *out, struct ccm_gen *g,
			       struct ccm_gen_arena *a, struct ccm_gen_rng *r)
{
	unsigned style = (unsigned)ccm_gen_rng_below(r, 4);
	long long day0 = ccm_days_from_civil(1997, 1, 1);
	long long day1 = ccm_days_from_civil(2000, 12, 31);
	char dp[24], tp[24];

	memset(out, 0, sizeof(*out));
	ccm_civil_from_days(day0 + (long long)ccm_gen_rng_below(
				    r, (uint64_t)(day1 - day0 + 1)),
			    &out->year, &out->month, &out->day);
	switch (style) {
	case 0:   /* "5/6/97 3:10PM" (Q166610) */
		out->hour = (int)ccm_gen_rng_range(r, 0, 23);
		out->minute = (int)ccm_gen_rng_range(r, 0, 59);
		date_part(dp, sizeof(dp), g->opts.date_order, out->year,
			  out->month, out->day, '/', 0, 0);
		time_part(tp, sizeof(tp), out->hour, out->minute, 0, 1);
		fill_expected(g, out, 1, 0);
		return ccm_gen_printf(a, "%s %s", dp, tp);
	case 1:   /* "9-11-1998" (Q192700) */
		date_part(dp, sizeof(dp), g->opts.date_order, out->year,
			  out->month, out->day, '-', 1, 0);
		break;
	default:  /* "1/1/98" (Q186216) */
		date_part(dp, sizeof(dp), g->opts.date_order, out->year,
			  out->month, out->day, '/', 0, 0);
		break;
	}
	fill_expected(g, out, 0, 0);
	return ccm_gen_strdup(a, dp);
}
