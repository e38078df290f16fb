/* date.h: the dates cc:Mail export wrote, read by the post office's rules. */
#ifndef CCM_DATE_H
#define CCM_DATE_H

#include <stddef.h>
#include "base/tz.h"

enum ccm_date_order { CCM_DATE_MDY = 0, CCM_DATE_DMY, CCM_DATE_YMD };

enum {
	CCM_DATE_HAS_TIME = 1,    /* a time of day was written */
	CCM_DATE_CLAMPED = 2,     /* impossible day (2/31/99): clamped for sorting */
	CCM_DATE_TZ_GAP = 4,      /* local time fell in a DST gap */
	CCM_DATE_TZ_OVERLAP = 8,  /* local time happened twice */
	CCM_DATE_HAS_SECONDS = 16
};

/*
 * A parsed date. year/month/day/hour/minute/second are as written (the
 * year after the two-digit pivot; an impossible day such as 31 in February
 * stays 31 here, Q233325); hour is 0..23, AM/PM already applied.
 * `utc` and `utc_offset` come from the clamped date read in the post
 * office's zone with the offset in force on that date (Q281734); in a DST
 * gap utc_offset is the offset before the change, which the time was read
 * with, so utc + utc_offset is still the time as written.
 */
struct ccm_date {
	int year, month, day, hour, minute, second;
	int flags;
	long long utc;       /* seconds since 1970-01-01T00:00:00Z */
	int utc_offset;      /* seconds east of UTC at that instant */
};

/*
 * Parses `len` bytes of text: a date in `order` with '/' or '-' separators
 * ("6/2/98", "06-02-1998"), optionally followed by a time "H:MM[:SS]" with
 * an optional AM/PM, with or without a space ("3:10PM", "8:39", "20:39:05").
 * Two-digit years pivot at 70: 00..69 are 2000..2069, 70..99 1970..1999.
 * Leading and trailing spaces are ignored.
 *
 * Returns 0 when it is a date (check flags for CLAMPED and the TZ flags),
 * CCM_EMALFORMED when the text is not a date: a month outside 1..12, a day
 * outside 1..31, an hour past 23 (or 12 with AM/PM), minutes or seconds past
 * 59, a missing field, trailing text; *out is then all zero.
 * `tz` NULL means UTC.
 */
int ccm_date_parse(struct ccm_date *out, const char *text, size_t len,
		   enum ccm_date_order order, const struct ccm_tz *tz);

/*
 * Finds a trailing " date [time]" in a File item title, as cc:Mail appended
 * it ("Abc.wk4 5/6/97 3:10PM", "Att.txt 9-11-1998"): returns the length of
 * the name part (trailing spaces removed) and fills *date; when the title
 * has no trailing date, returns len and sets date->flags to -1.
 * A name with digits ("report.123", "v1-2-3.txt") is never cut unless what
 * follows the last space(s) parses as a whole date.
 */
size_t ccm_date_split_title(const char *title, size_t len,
			    enum ccm_date_order order, const struct ccm_tz *tz,
			    struct ccm_date *date);

/* The first and last instants of the years 0000..9999, the range the
 * formatters write: 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
#define CCM_DATE_MIN_UTC (-62167219200LL)
#define CCM_DATE_MAX_UTC 253402300799LL

/*
 * "1998-06-02T12:39:00Z" for utc; out must hold 21 bytes. Here and in
 * ccm_date_stamp14, instants outside the years 0000..9999 are clamped.
 */
void ccm_date_iso_utc(char out[21], long long utc);
/* "YYYYMMDDHHMMSS" local time = utc + offset; out must hold 15 bytes. */
void ccm_date_stamp14(char out[15], long long utc, int offset);
/* Parses an order name "MDY", "DMY", "YMD" (any case); -1 when unknown. */
int ccm_date_order_parse(const char *s);

#endif
