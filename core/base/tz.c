/* tz.c: a reader of TZif files and POSIX TZ rules, and civil date arithmetic. */
#include "base/tz.h"
#include "base/buf.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Real TZif files are a few KiB; anything this big is not one. */
#define TZ_FILE_MAX (1024 * 1024)
#define TZ_NAME_MAX 255

/* One date of a POSIX rule: Jn, n or Mm.w.d, and the local time of day. */
struct tz_rdate {
	char kind;        /* 'J', 'N' (zero-based n) or 'M' */
	int n, m, w, d;
	long time;        /* seconds after local midnight; may be <0 or >24h */
};

/* The POSIX TZ string at the end of a v2+ file, offsets in seconds east. */
struct tz_rule {
	int present;
	int std_off;
	int has_dst;
	int dst_off;
	struct tz_rdate start, end;
};

struct ccm_tz {
	char *name;
	size_t ntrans;
	long long *trans;        /* ascending UTC instants */
	unsigned char *idx;      /* type in force from trans[i] on */
	size_t ntypes;
	int *off;                /* seconds east of each type */
	struct tz_rule rule;
};

/* Days and seconds with floor division, so instants before 1970 work. */
static long long floor_div(long long a, long long b)
{
	long long q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

long long ccm_days_from_civil(int year, int month, int day)
{
	long long y = year;
	long long era, m;
	unsigned yoe, doy, doe;

	/* Months outside 1..12 carry into the year rather than break the formula. */
	y += floor_div((long long)month - 1, 12);
	m = month - 12 * floor_div((long long)month - 1, 12);
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + (unsigned)(day - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

void ccm_civil_from_days(long long days, int *year, int *month, int *day)
{
	long long z = days + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long y = (long long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)(y + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int ccm_days_in_month(int year, int month)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	assert(month >= 1 && month <= 12);
	if (month == 2 && is_leap(year))
		return 29;
	return dim[month - 1];
}

/* ---- POSIX TZ rules ------------------------------------------------------ */

/* "EST", or "<+0330>" (quoted names may hold digits and signs). */
static const char *parse_abbr(const char *s)
{
	const char *p = s;

	if (*p == '<') {
		for (p++; *p && *p != '>'; p++)
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')
			      || (*p >= '0' && *p <= '9') || *p == '+' || *p == '-'))
				return NULL;
		if (*p != '>' || p - s - 1 < 3)
			return NULL;
		return p + 1;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

static const char *parse_num(const char *p, int lo, int hi, int *out)
{
	int v = 0, n = 0;

	while (*p >= '0' && *p <= '9' && n < 4) {
		v = v * 10 + (*p++ - '0');
		n++;
	}
	if (n == 0 || v < lo || v > hi)
		return NULL;
	*out = v;
	return p;
}

/* [+-]hh[:mm[:ss]] with hours up to max_h (24 for offsets, 167 for times). */
static const char *parse_hms(const char *p, int max_h, long *out)
{
	int sign = 1, h, m = 0, s = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (!(p = parse_num(p, 0, max_h, &h)))
		return NULL;
	if (*p == ':') {
		if (!(p = parse_num(p + 1, 0, 59, &m)))
			return NULL;
		if (*p == ':' && !(p = parse_num(p + 1, 0, 59, &s)))
			return NULL;
	}
	*out = sign * ((long)h * 3600 + m * 60 + s);
	return p;
}

static const char *parse_rdate(const char *p, struct tz_rdate *r)
{
	r->time = 2 * 3600;   /* POSIX default: 02:00 local */
	if (*p == 'J') {
		r->kind = 'J';
		if (!(p = parse_num(p + 1, 1, 365, &r->n)))
			return NULL;
	} else if (*p == 'M') {
		r->kind = 'M';
		if (!(p = parse_num(p + 1, 1, 12, &r->m)) || *p != '.')
			return NULL;
		if (!(p = parse_num(p + 1, 1, 5, &r->w)) || *p != '.')
			return NULL;
		if (!(p = parse_num(p + 1, 0, 6, &r->d)))
			return NULL;
	} else {
		r->kind = 'N';
		if (!(p = parse_num(p, 0, 365, &r->n)))
			return NULL;
	}
	if (*p == '/')
		p = parse_hms(p + 1, 167, &r->time);
	return p;
}

/* 0, or -1 when `s` is not a POSIX TZ string. "" means no rule. */
static int parse_posix(struct tz_rule *r, const char *s)
{
	const char *p = s;
	long v;

	memset(r, 0, sizeof(*r));
	if (!*s)
		return 0;
	if (!(p = parse_abbr(p)) || !(p = parse_hms(p, 24, &v)))
		return -1;
	r->present = 1;
	r->std_off = (int)-v;   /* POSIX counts west of Greenwich as positive */
	if (!*p)
		return 0;
	if (!(p = parse_abbr(p)))
		return -1;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*p && *p != ',') {
		if (!(p = parse_hms(p, 24, &v)))
			return -1;
		r->dst_off = (int)-v;
	}
	if (!*p) {
		/* No rule given: the US rule, as glibc and tzcode's posixrules assume. */
		r->start = (struct tz_rdate){ 'M', 0, 3, 2, 0, 2 * 3600 };
		r->end = (struct tz_rdate){ 'M', 0, 11, 1, 0, 2 * 3600 };
		return 0;
	}
	if (*p != ',' || !(p = parse_rdate(p + 1, &r->start)))
		return -1;
	if (*p != ',' || !(p = parse_rdate(p + 1, &r->end)))
		return -1;
	return *p ? -1 : 0;
}

/* Local seconds since 1970 (no offset applied) at which a rule date falls. */
static long long rdate_local(const struct tz_rdate *r, int year)
{
	long long days;

	if (r->kind == 'J') {
		/* Jn never counts February 29. */
		days = ccm_days_from_civil(year, 1, 1) + r->n - 1;
		if (is_leap(year) && r->n >= 60)
			days++;
	} else if (r->kind == 'N') {
		days = ccm_days_from_civil(year, 1, 1) + r->n;
	} else {
		long long first = ccm_days_from_civil(year, r->m, 1);
		int dow = (int)((first % 7 + 7 + 4) % 7);   /* 1970-01-01 was a Thursday */
		int day = 1 + (r->d - dow + 7) % 7 + (r->w - 1) * 7;
		int dim = ccm_days_in_month(year, r->m);

		while (day > dim)
			day -= 7;
		days = first + day - 1;
	}
	return days * 86400 + r->time;
}

#define CYCLE_SECONDS (146097LL * 86400)

static int rule_offset(const struct tz_rule *r, long long utc)
{
	long long best = 0;
	int have = 0, off = r->std_off, y, mo, d, k;

	if (!r->has_dst)
		return r->std_off;
	/*
	 * The Gregorian calendar repeats every 400 years, weekdays included
	 * (146097 days is a whole number of weeks), and so does a rule: an
	 * instant taken into one cycle gets the same offset, and one near
	 * LLONG_MIN or LLONG_MAX (from a damaged store) cannot overflow below.
	 */
	utc %= CYCLE_SECONDS;
	if (utc < 0)
		utc += CYCLE_SECONDS;
	ccm_civil_from_days(floor_div(utc + r->std_off, 86400), &y, &mo, &d);
	/*
	 * The latest change at or before `utc` among three years' changes
	 * decides; this covers southern zones (DST across New Year) and rules
	 * whose times spill into the next day. On a tie the start wins, which
	 * is how "DST all year" rules (start of one year = end of the last)
	 * stay on DST.
	 */
	for (k = -1; k <= 1; k++) {
		long long s = rdate_local(&r->start, y + k) - r->std_off;
		long long e = rdate_local(&r->end, y + k) - r->dst_off;

		if (e <= utc && (!have || e > best)) {
			best = e;
			off = r->std_off;
			have = 1;
		}
		if (s <= utc && (!have || s >= best)) {
			best = s;
			off = r->dst_off;
			have = 1;
		}
	}
	return off;
}

/* ---- TZif ------------------------------------------------------------------ */

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16
		| (unsigned long)p[2] << 8 | p[3];
}

static long long be64(const unsigned char *p)
{
	unsigned long long v = (unsigned long long)be32(p) << 32 | be32(p + 4);

	return (long long)v;
}

struct tzif_counts {
	size_t isut, isstd, leap, time, type, chars;
};

static int read_header(const unsigned char *d, size_t n, size_t at,
		       struct tzif_counts *c, int *version)
{
	const unsigned char *h = d + at;

	if (n - at < 44 || memcmp(h, "TZif", 4) != 0)
		return -1;
	*version = h[4] ? h[4] - '0' : 1;
	c->isut = be32(h + 20);
	c->isstd = be32(h + 24);
	c->leap = be32(h + 28);
	c->time = be32(h + 32);
	c->type = be32(h + 36);
	c->chars = be32(h + 40);
	/* Bounds that also keep the size sums below from overflowing. */
	if (c->type > 256 || c->time > TZ_FILE_MAX
	    || c->leap > TZ_FILE_MAX || c->isut > c->type || c->isstd > c->type
	    || c->chars > TZ_FILE_MAX)
		return -1;
	return 0;
}

static size_t block_size(const struct tzif_counts *c, size_t tsize)
{
	return c->time * tsize + c->time + c->type * 6 + c->chars
		+ c->leap * (tsize + 4) + c->isstd + c->isut;
}

static int parse_tzif(struct ccm_tz *tz, const unsigned char *d, size_t n)
{
	struct tzif_counts c;
	size_t at = 0, tsize = 4, i;
	int version;
	const unsigned char *p;

	if (read_header(d, n, 0, &c, &version) < 0)
		return -1;
	if (version >= 2) {
		/* Skip the 32-bit data: the 64-bit copy after it is complete. */
		at = 44 + block_size(&c, 4);
		if (at > n || read_header(d, n, at, &c, &version) < 0)
			return -1;
		tsize = 8;
	}
	at += 44;
	/* Only the block that is used must have types; a skipped one may be empty. */
	if (c.type == 0 || c.chars == 0 || block_size(&c, tsize) > n - at)
		return -1;
	p = d + at;
	tz->ntrans = c.time;
	tz->ntypes = c.type;
	tz->trans = malloc((c.time ? c.time : 1) * sizeof(*tz->trans));
	tz->idx = malloc(c.time ? c.time : 1);
	tz->off = malloc(c.type * sizeof(*tz->off));
	if (!tz->trans || !tz->idx || !tz->off)
		return -2;
	for (i = 0; i < c.time; i++) {
		tz->trans[i] = tsize == 8 ? be64(p + i * 8) : (long long)(int)be32(p + i * 4);
		if (i && tz->trans[i] <= tz->trans[i - 1])
			return -1;
	}
	p += c.time * tsize;
	for (i = 0; i < c.time; i++) {
		if (p[i] >= c.type)
			return -1;
		tz->idx[i] = p[i];
	}
	p += c.time;
	for (i = 0; i < c.type; i++) {
		long off = (long)(int)be32(p + i * 6);

		/* RFC 8536's range; -2**31 in particular is invalid. */
		if (off < -89999 || off > 93599 || p[i * 6 + 5] >= c.chars)
			return -1;
		tz->off[i] = (int)off;
	}
	/* Abbreviations, leap seconds and std/ut indicators are not needed. */
	at += block_size(&c, tsize);
	if (version >= 2) {
		const unsigned char *nl;
		char footer[256];
		size_t flen;

		if (at >= n || d[at] != '\n')
			return -1;
		nl = memchr(d + at + 1, '\n', n - at - 1);
		if (!nl)
			return -1;
		flen = (size_t)(nl - (d + at + 1));
		if (flen >= sizeof(footer))
			return -1;
		memcpy(footer, d + at + 1, flen);
		footer[flen] = '\0';
		if (parse_posix(&tz->rule, footer) < 0)
			return -1;
	}
	return 0;
}

/* ---- zones ---------------------------------------------------------------- */

int ccm_tz_name_ok(const char *name)
{
	const char *p;

	if (name[0] == '/' || strstr(name, "..") || strlen(name) > TZ_NAME_MAX)
		return 0;
	for (p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')
		      || (*p >= '0' && *p <= '9') || *p == '/' || *p == '_'
		      || *p == '-' || *p == '+'))
			return 0;
	return 1;
}

static int open_utc(struct ccm_tz **out, struct ccm_error *err)
{
	struct ccm_tz *tz = calloc(1, sizeof(*tz));

	if (!tz || !(tz->name = ccm_strdup("UTC")) || !(tz->off = calloc(1, sizeof(int)))) {
		ccm_tz_free(tz);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory opening time zone 'UTC'");
	}
	tz->ntypes = 1;
	*out = tz;
	return 0;
}

/* Reads the whole file at path; -1 with errno set, or -2 when too big. */
static int slurp(const char *path, unsigned char **data, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t got;

	*data = NULL;
	if (!f)
		return -1;
	if (fstat(fileno(f), &st) < 0) {
		fclose(f);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return -1;
	}
	if (st.st_size > TZ_FILE_MAX) {
		fclose(f);
		return -2;
	}
	*data = malloc((size_t)st.st_size + 1);
	if (!*data) {
		fclose(f);
		errno = ENOMEM;
		return -1;
	}
	got = fread(*data, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		free(*data);
		*data = NULL;
		errno = e;
		return -1;
	}
	fclose(f);
	*n = got;
	return 0;
}

int ccm_tz_open(struct ccm_tz **out, const char *name, struct ccm_error *err)
{
	const char *dir = getenv("TZDIR");
	struct ccm_tz *tz;
	unsigned char *data;
	size_t n = 0;
	char *path;
	int rc;

	*out = NULL;
	if (!name || !*name || strcmp(name, "UTC") == 0)
		return open_utc(out, err);
	if (!ccm_tz_name_ok(name))
		return ccm_error_set(err, CCM_EINVAL,
				     "refusing time zone name '%.100s': only letters, digits "
				     "and '/_-+' are allowed, without '..' or a leading '/'; "
				     "fix 'Time zone:' in po.txt", name);
	if (!dir || !*dir)
		dir = "/usr/share/zoneinfo";
	path = malloc(strlen(dir) + strlen(name) + 2);
	if (!path)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory opening time zone '%s'", name);
	sprintf(path, "%s/%s", dir, name);
	rc = slurp(path, &data, &n);
	if (rc == -2) {
		rc = ccm_error_set(err, CCM_EMALFORMED,
				   "time zone file '%s' is too big to be a TZif file", path);
		free(path);
		return rc;
	}
	if (rc < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR)
			rc = ccm_error_set(err, CCM_ENOTFOUND,
					   "time zone '%s' is not installed under %s; "
					   "install tzdata or fix 'Time zone:' in po.txt", name, dir);
		else
			rc = ccm_error_sys(err, errno, "cannot read time zone file '%s'", path);
		free(path);
		return rc;
	}
	tz = calloc(1, sizeof(*tz));
	if (!tz || !(tz->name = ccm_strdup(name))) {
		free(tz);
		free(data);
		free(path);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory opening time zone '%s'", name);
	}
	rc = parse_tzif(tz, data, n);
	free(data);
	if (rc < 0) {
		ccm_tz_free(tz);
		if (rc == -2)
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory reading '%s'", path);
		else
			rc = ccm_error_set(err, CCM_EMALFORMED,
					   "time zone file '%s' is not a valid TZif file; "
					   "reinstall tzdata", path);
		free(path);
		return rc;
	}
	free(path);
	*out = tz;
	return 0;
}

void ccm_tz_free(struct ccm_tz *tz)
{
	if (!tz)
		return;
	free(tz->name);
	free(tz->trans);
	free(tz->idx);
	free(tz->off);
	free(tz);
}

const char *ccm_tz_name(const struct ccm_tz *tz)
{
	return tz ? tz->name : "UTC";
}

int ccm_tz_offset_at(const struct ccm_tz *tz, long long utc)
{
	size_t lo, hi;

	if (!tz)
		return 0;
	if (tz->ntrans == 0)
		return tz->rule.present ? rule_offset(&tz->rule, utc) : tz->off[0];
	/* Before the first transition time type 0 applies (RFC 8536, 3.2). */
	if (utc < tz->trans[0])
		return tz->off[0];
	if (utc > tz->trans[tz->ntrans - 1] && tz->rule.present)
		return rule_offset(&tz->rule, utc);
	lo = 0;
	hi = tz->ntrans;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz->trans[mid] <= utc)
			lo = mid;
		else
			hi = mid;
	}
	return tz->off[tz->idx[lo]];
}

int ccm_tz_local_to_utc(const struct ccm_tz *tz, int year, int month, int day,
			int hour, int minute, int second,
			long long *utc, int *offset)
{
	long long local = ccm_days_from_civil(year, month, day) * 86400
		+ (long long)hour * 3600 + minute * 60 + second;
	int cand[4], ok[4], i, j, nok = 0, best = 0, before, after;

	/*
	 * The offsets in force two days either side bracket any change near
	 * this local time (no zone changes twice within days, and no offset
	 * moves by more than a day). An offset o is right for the local time
	 * when it is the one in force at local - o.
	 */
	before = ccm_tz_offset_at(tz, local - 2 * 86400);
	after = ccm_tz_offset_at(tz, local + 2 * 86400);
	cand[0] = before;
	cand[1] = after;
	cand[2] = ccm_tz_offset_at(tz, local - before);
	cand[3] = ccm_tz_offset_at(tz, local - after);
	for (i = 0; i < 4; i++) {
		ok[i] = ccm_tz_offset_at(tz, local - cand[i]) == cand[i];
		for (j = 0; j < i; j++)
			if (cand[j] == cand[i])
				ok[i] = 0;
		if (ok[i]) {
			/* The larger offset gives the earlier instant. */
			if (!nok || cand[i] > best)
				best = cand[i];
			nok++;
		}
	}
	if (nok == 0) {
		/* A gap: read the time with the offset before the change. */
		*utc = local - before;
		*offset = before;
		return CCM_TZ_GAP;
	}
	*utc = local - best;
	*offset = best;
	return nok > 1 ? CCM_TZ_OVERLAP : 0;
}
