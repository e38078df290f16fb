/* fuzz_date.c: the dates of cc:Mail export (base/date.h) and of migration
 * files (14 digits, iff/reader.h), with the promises their headers make.
 *
 * Input: one option byte (date order, zone), then the text. The first
 * eight bytes of the text, read as an instant, also go through the
 * formatters, which promise to clamp any instant.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "iff/reader.h"

/* The local time a parsed date stands for, as 14 digits; clamped day. */
static void written(const struct ccm_date *d, char out[15])
{
	int day = d->day, dim = ccm_days_in_month(d->year, d->month);

	snprintf(out, 15, "%04d%02d%02d%02d%02d%02d", d->year, d->month,
		 day > dim ? dim : day, d->hour, d->minute, d->second);
}

static void check_date(const struct ccm_date *d)
{
	char want[15], got[15];

	FUZZ_CHECK(d->month >= 1 && d->month <= 12);
	FUZZ_CHECK(d->day >= 1 && d->day <= 31);
	FUZZ_CHECK(d->hour >= 0 && d->hour <= 23);
	FUZZ_CHECK(d->minute >= 0 && d->minute <= 59);
	FUZZ_CHECK(d->second >= 0 && d->second <= 59);
	FUZZ_CHECK(d->year >= 0 && d->year <= 9999);
	FUZZ_CHECK(!(d->flags & CCM_DATE_CLAMPED) ==
		   !(d->day > ccm_days_in_month(d->year, d->month)));
	/* utc + utc_offset is the time as written, in a DST gap too. */
	written(d, want);
	ccm_date_stamp14(got, d->utc, d->utc_offset);
	FUZZ_CHECK(strcmp(want, got) == 0);
}

static int is_zero(const struct ccm_date *d)
{
	static const struct ccm_date zero;

	return memcmp(d, &zero, sizeof(zero)) == 0;
}

static void formatters(const uint8_t *p, size_t n, const struct ccm_tz *tz)
{
	long long utc = 0;
	char iso[21], st[15];
	int off;

	if (n < 8)
		return;
	for (int i = 0; i < 8; i++)
		utc = (long long)((unsigned long long)utc << 8 | p[i]);
	ccm_date_iso_utc(iso, utc);
	FUZZ_CHECK(strlen(iso) == 20 && iso[4] == '-' && iso[19] == 'Z');
	off = ccm_tz_offset_at(tz, utc);
	FUZZ_CHECK(off > -86400 && off < 86400);
	ccm_date_stamp14(st, utc, off);
	FUZZ_CHECK(strlen(st) == 14);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned opt = fuzz_byte(&data, &size);
	enum ccm_date_order order = (enum ccm_date_order)(opt % 3);
	const struct ccm_tz *tz = fuzz_tz(opt / 3);
	const char *text = (const char *)data;
	struct ccm_date d;
	size_t name;
	char *s;

	if (ccm_date_parse(&d, text, size, order, tz) == 0)
		check_date(&d);
	else
		FUZZ_CHECK(is_zero(&d));

	name = ccm_date_split_title(text, size, order, tz, &d);
	FUZZ_CHECK(name <= size);
	if (d.flags == -1) {
		FUZZ_CHECK(name == size);
	} else {
		FUZZ_CHECK(name > 0 && name < size);
		check_date(&d);
	}

	if (ccm_iff_parse_date(&d, text, size, tz) == 0) {
		char got[15];

		check_date(&d);
		FUZZ_CHECK(d.year >= 1601);
		ccm_date_stamp14(got, d.utc, d.utc_offset);
		FUZZ_CHECK(memcmp(got, text, 14) == 0);
	} else {
		FUZZ_CHECK(is_zero(&d));
	}

	if (!(s = malloc(size + 1)))
		abort();
	memcpy(s, text, size);
	s[size] = '\0';
	FUZZ_CHECK(ccm_date_order_parse(s) >= -1 && ccm_date_order_parse(s) <= 2);
	free(s);

	formatters(data, size, tz);
	return 0;
}
