/* date.c: parsing cc:Mail export dates and File item titles, and formatting. */
#include "base/date.h"
#include "base/error.h"

#include <string.h>

static int is_sp(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Reads 1..max digits at *p; returns how many were read (0: none). */
static int read_num(const char **p, const char *end, int max, int *val)
{
	int n = 0, v = 0;

	while (*p < end && is_digit(**p) && n < max) {
		v = v * 10 + (*(*p)++ - '0');
		n++;
	}
	/* More digits than a field can have is not a date. */
	if (*p < end && is_digit(**p))
		return 0;
	*val = v;
	return n;
}

static int upper(char c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Year of a 2- or 4-digit field; the two-digit pivot is 70 (Q193745). */
static int full_year(int v, int digits)
{
	if (digits == 4)
		return v;
	return v < 70 ? 2000 + v : 1900 + v;
}

/* The date part "a/b/c" or "a-b-c"; fills year, month, day. */
static int parse_ymd(struct ccm_date *d, const char **pp, const char *end,
		     enum ccm_date_order order)
{
	int v[3], n[3], i;
	char sep = 0;
	const char *p = *pp;

	for (i = 0; i < 3; i++) {
		int year_field = (order == CCM_DATE_YMD) ? i == 0 : i == 2;

		if (i > 0) {
			if (p >= end || (*p != '/' && *p != '-'))
				return -1;
			/* "6/2-98" mixes separators: not something Export wrote. */
			if (i == 2 && *p != sep)
				return -1;
			sep = *p++;
		}
		n[i] = read_num(&p, end, year_field ? 4 : 2, &v[i]);
		if (n[i] == 0 || (year_field && n[i] != 2 && n[i] != 4))
			return -1;
	}
	switch (order) {
	case CCM_DATE_MDY:
		d->month = v[0];
		d->day = v[1];
		d->year = full_year(v[2], n[2]);
		break;
	case CCM_DATE_DMY:
		d->day = v[0];
		d->month = v[1];
		d->year = full_year(v[2], n[2]);
		break;
	case CCM_DATE_YMD:
		d->year = full_year(v[0], n[0]);
		d->month = v[1];
		d->day = v[2];
		break;
	}
	*pp = p;
	return 0;
}

/* "H:MM[:SS]" and an optional AM/PM, up to `end`. */
static int parse_time(struct ccm_date *d, const char *p, const char *end)
{
	int n;

	if (read_num(&p, end, 2, &d->hour) == 0)
		return -1;
	if (p >= end || *p++ != ':')
		return -1;
	if (read_num(&p, end, 2, &d->minute) != 2)
		return -1;
	if (p < end && *p == ':') {
		p++;
		if (read_num(&p, end, 2, &d->second) != 2)
			return -1;
		d->flags |= CCM_DATE_HAS_SECONDS;
	}
	if (d->minute > 59 || d->second > 59)
		return -1;
	while (p < end && is_sp(*p))
		p++;
	if (p == end)
		return d->hour <= 23 ? 0 : -1;
	n = upper(*p);
	if (end - p != 2 || (n != 'A' && n != 'P') || upper(p[1]) != 'M')
		return -1;
	if (d->hour > 12)
		return -1;
	/* 12AM is midnight and 12PM noon. */
	d->hour = d->hour % 12 + (n == 'P' ? 12 : 0);
	return 0;
}

int ccm_date_parse(struct ccm_date *out, const char *text, size_t len,
		   enum ccm_date_order order, const struct ccm_tz *tz)
{
	const char *p = text, *end = text + len;
	struct ccm_date d;
	int day, r;

	memset(&d, 0, sizeof(d));
	memset(out, 0, sizeof(*out));
	while (p < end && is_sp(*p))
		p++;
	while (end > p && is_sp(end[-1]))
		end--;
	if (parse_ymd(&d, &p, end, order) < 0)
		return CCM_EMALFORMED;
	if (p < end) {
		if (!is_sp(*p))
			return CCM_EMALFORMED;
		while (p < end && is_sp(*p))
			p++;
		if (parse_time(&d, p, end) < 0)
			return CCM_EMALFORMED;
		d.flags |= CCM_DATE_HAS_TIME;
	}
	if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31)
		return CCM_EMALFORMED;
	/* 2/31/99 is kept as written but sorts as 2/28/99 (Q233325). */
	day = d.day;
	if (day > ccm_days_in_month(d.year, d.month)) {
		day = ccm_days_in_month(d.year, d.month);
		d.flags |= CCM_DATE_CLAMPED;
	}
	r = ccm_tz_local_to_utc(tz, d.year, d.month, day, d.hour, d.minute,
				d.second, &d.utc, &d.utc_offset);
	if (r & CCM_TZ_GAP)
		d.flags |= CCM_DATE_TZ_GAP;
	if (r & CCM_TZ_OVERLAP)
		d.flags |= CCM_DATE_TZ_OVERLAP;
	*out = d;
	return 0;
}

size_t ccm_date_split_title(const char *title, size_t len,
			    enum ccm_date_order order, const struct ccm_tz *tz,
			    struct ccm_date *date)
{
	size_t end = len, starts[3], p;
	int nt = 0, k;

	while (end > 0 && is_sp(title[end - 1]))
		end--;
	/*
	 * The date is at most three words at the end ("5/6/97 3:10 PM"), and
	 * only a suffix that parses as a whole date is cut, so digits in a
	 * name ("report.123") are safe. A time alone is not a date, so at most
	 * one suffix can parse. The name left must not be empty.
	 */
	p = end;
	while (nt < 3 && p > 0) {
		size_t q = p;

		while (q > 0 && !is_sp(title[q - 1]))
			q--;
		starts[nt++] = q;
		p = q;
		while (p > 0 && is_sp(title[p - 1]))
			p--;
	}
	for (k = nt - 1; k >= 0; k--) {
		size_t name_end = starts[k];

		while (name_end > 0 && is_sp(title[name_end - 1]))
			name_end--;
		if (name_end == 0)
			continue;
		if (ccm_date_parse(date, title + starts[k], end - starts[k], order, tz) == 0)
			return name_end;
	}
	memset(date, 0, sizeof(*date));
	date->flags = -1;
	return len;
}

static void put_num(char *out, long long v, int width)
{
	while (width-- > 0) {
		out[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Broken-down time of utc + offset, held to years 0000..9999 so it fits. */
static void broken_down(long long t, int *y, int *mo, int *d, int *h, int *mi, int *s)
{
	long long days, secs;

	if (t < CCM_DATE_MIN_UTC)
		t = CCM_DATE_MIN_UTC;
	if (t > CCM_DATE_MAX_UTC)
		t = CCM_DATE_MAX_UTC;
	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	ccm_civil_from_days(days, y, mo, d);
	*h = (int)(secs / 3600);
	*mi = (int)(secs / 60 % 60);
	*s = (int)(secs % 60);
}

void ccm_date_iso_utc(char out[21], long long utc)
{
	int y, mo, d, h, mi, s;

	broken_down(utc, &y, &mo, &d, &h, &mi, &s);
	memcpy(out, "0000-00-00T00:00:00Z", 21);
	put_num(out, y, 4);
	put_num(out + 5, mo, 2);
	put_num(out + 8, d, 2);
	put_num(out + 11, h, 2);
	put_num(out + 14, mi, 2);
	put_num(out + 17, s, 2);
}

void ccm_date_stamp14(char out[15], long long utc, int offset)
{
	/* Any int offset added to an instant inside this range fits in a long
	 * long, and the sum is still outside 0000..9999 whenever the instant
	 * was: held here, an instant near LLONG_MIN or LLONG_MAX (from a
	 * damaged store) cannot overflow, and broken_down clamps the rest. */
	const long long margin = 4LL << 40;
	int y, mo, d, h, mi, s;

	if (utc < -margin)
		utc = -margin;
	if (utc > margin)
		utc = margin;
	broken_down(utc + offset, &y, &mo, &d, &h, &mi, &s);
	put_num(out, y, 4);
	put_num(out + 4, mo, 2);
	put_num(out + 6, d, 2);
	put_num(out + 8, h, 2);
	put_num(out + 10, mi, 2);
	put_num(out + 12, s, 2);
	out[14] = '\0';
}

int ccm_date_order_parse(const char *s)
{
	static const char *const names[] = { "MDY", "DMY", "YMD" };
	static const int orders[] = { CCM_DATE_MDY, CCM_DATE_DMY, CCM_DATE_YMD };
	size_t i;

	if (!s || strlen(s) != 3)
		return -1;
	for (i = 0; i < 3; i++)
		if (upper(s[0]) == names[i][0] && upper(s[1]) == names[i][1]
		    && upper(s[2]) == names[i][2])
			return orders[i];
	return -1;
}
