/* tz.h: IANA time zones from the system's tzdata, without global state. */
#ifndef CCM_TZ_H
#define CCM_TZ_H

#include "base/error.h"

/*
 * A zone read from a TZif file (version 1, 2 or 3) under $TZDIR or
 * /usr/share/zoneinfo, including the POSIX TZ rule at its end for instants
 * past the last transition. Unlike setenv("TZ")+mktime() it touches no
 * process state, so any number of zones can be open at once. Leap-second
 * records ("right/" zones) are ignored: times are POSIX seconds. Functions
 * taking a `const struct ccm_tz *` read NULL as UTC.
 */
struct ccm_tz;

/*
 * Opens zone `name` ("America/New_York"); NULL, "" and "UTC" give UTC.
 * Names with "..", a leading '/' or characters other than letters, digits
 * and "/_-+" are refused (CCM_EINVAL). CCM_ENOTFOUND when no such zone is
 * installed; the message says to install tzdata or fix "Time zone:".
 * CCM_EMALFORMED when the file is not valid TZif (or its footer rule is
 * not a POSIX TZ string); CCM_EIO when it cannot be read.
 * The caller frees *out with ccm_tz_free().
 */
int ccm_tz_open(struct ccm_tz **out, const char *name, struct ccm_error *err);
/*
 * 1 when ccm_tz_open would look `name` up at all: letters, digits and
 * "/_-+" only, no ".." or leading '/', at most 255 bytes. 0 otherwise.
 */
int ccm_tz_name_ok(const char *name);
void ccm_tz_free(struct ccm_tz *tz);
const char *ccm_tz_name(const struct ccm_tz *tz);

/* Seconds east of UTC in force at the instant `utc` (seconds since 1970). */
int ccm_tz_offset_at(const struct ccm_tz *tz, long long utc);

enum {
	CCM_TZ_GAP = 1,     /* the local time did not exist (clocks sprang forward) */
	CCM_TZ_OVERLAP = 2  /* the local time happened twice (clocks fell back) */
};

/*
 * Converts a local wall-clock time in the zone to UTC with the offset in
 * force ON THAT DATE (Q281734). In an overlap the earlier instant (the
 * offset before the change) is chosen; in a gap the time is read with the
 * offset before the change. Returns 0 or a CCM_TZ_ flag; *utc and *offset
 * (seconds east) are always set; in a gap *offset is the offset the time
 * was read with, so utc + offset gives back the wall-clock time as written.
 * Fields are not range-checked beyond what days_from_civil needs: callers
 * pass valid dates (a month past 12 carries into the year).
 */
int ccm_tz_local_to_utc(const struct ccm_tz *tz, int year, int month, int day,
			int hour, int minute, int second,
			long long *utc, int *offset);

/* Days since 1970-01-01 of a proleptic Gregorian date (any year). */
long long ccm_days_from_civil(int year, int month, int day);
/* The inverse of ccm_days_from_civil. */
void ccm_civil_from_days(long long days, int *year, int *month, int *day);
/* 28..31; month 1..12. */
int ccm_days_in_month(int year, int month);

#endif
