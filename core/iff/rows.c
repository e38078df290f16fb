/* rows.c: typed fields of primary rows and their validation (spec 2.7, 2.8, 4). */
#include "iff/reader_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- parsers ------------------------------------------------------------- */

static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int ccm_iff_parse_date(struct ccm_date *out, const char *s, size_t len,
		       const struct ccm_tz *tz)
{
	int flags;

	memset(out, 0, sizeof(*out));
	if (len != 14)
		return CCM_EMALFORMED;
	for (size_t i = 0; i < 14; i++)
		if (s[i] < '0' || s[i] > '9')
			return CCM_EMALFORMED;
	out->year = num(s, 4);
	out->month = num(s + 4, 2);
	out->day = num(s + 6, 2);
	out->hour = num(s + 8, 2);
	out->minute = num(s + 10, 2);
	out->second = num(s + 12, 2);
	/* 1601 is where Windows time starts: nothing earlier can be imported. */
	if (out->year < 1601 || out->month < 1 || out->month > 12 || out->day < 1 ||
	    out->day > ccm_days_in_month(out->year, out->month) || out->hour > 23 ||
	    out->minute > 59 || out->second > 59) {
		memset(out, 0, sizeof(*out));
		return CCM_EMALFORMED;
	}
	out->flags = CCM_DATE_HAS_TIME | CCM_DATE_HAS_SECONDS;
	flags = ccm_tz_local_to_utc(tz, out->year, out->month, out->day, out->hour,
				    out->minute, out->second, &out->utc,
				    &out->utc_offset);
	if (flags & CCM_TZ_GAP)
		out->flags |= CCM_DATE_TZ_GAP;
	if (flags & CCM_TZ_OVERLAP)
		out->flags |= CCM_DATE_TZ_OVERLAP;
	return 0;
}

int ccm_iff_parse_bool(int *out, const char *s, size_t len)
{
	if (ccm_iff_eq_ci(s, len, "TRUE"))
		*out = 1;
	else if (ccm_iff_eq_ci(s, len, "FALSE"))
		*out = 0;
	else
		return CCM_EMALFORMED;
	return 0;
}

int ccm_iff_parse_priority(int *out, const char *s, size_t len)
{
	if (len == 2 && s[0] == '-' && s[1] == '1')
		*out = -1;
	else if (len == 1 && (s[0] == '0' || s[0] == '1'))
		*out = s[0] - '0';
	else
		return CCM_EMALFORMED;
	return 0;
}

/* ---- typed fields of the current row --------------------------------------- */

/* Field index of column c in the current row, or -1 when absent/empty. */
static int field_of(const struct ccm_iff_pri *p, enum ccm_iff_col c)
{
	int i;

	if (p->row.bad || (unsigned)c >= CCM_IFF_COL_COUNT || (i = p->sec.col[c]) < 0 ||
	    (size_t)i >= p->row.nfields || p->row.field_len[i] == 0)
		return -1;
	return i;
}

static int shown(size_t n)
{
	return n > 60 ? 60 : (int)n;
}

int ccm_iff_row_date(struct ccm_date *out, struct ccm_iff_pri *p,
		     enum ccm_iff_col c, const struct ccm_tz *tz)
{
	int i = field_of(p, c);

	memset(out, 0, sizeof(*out));
	if (i < 0)
		return 1;
	if (ccm_iff_parse_date(out, p->row.field[i], p->row.field_len[i], tz) == 0)
		return 0;
	ccm_iff_row_report(p, CCM_ERROR, "bad-date", 8095, (size_t)i, "%s '%.*s' is not "
		       "a date: write 14 digits YYYYMMDDHHMMSS of local time, a real "
		       "calendar date from 1601 on (1 May 1995 10:00:05 PM is "
		       "19950501220005), or leave it empty; the row is skipped",
		       ccm_iff_col_name(c), shown(p->row.field_len[i]), p->row.field[i]);
	return CCM_EMALFORMED;
}

int ccm_iff_row_bool(int *out, struct ccm_iff_pri *p, enum ccm_iff_col c,
		     int def)
{
	int i = field_of(p, c);

	*out = def;
	if (i < 0)
		return 1;
	if (ccm_iff_parse_bool(out, p->row.field[i], p->row.field_len[i]) == 0)
		return 0;
	*out = def;
	ccm_iff_row_report(p, CCM_ERROR, "bad-boolean", 8095, (size_t)i, "%s '%.*s' is "
		       "not TRUE or FALSE (or empty for %s); the row is skipped",
		       ccm_iff_col_name(c), shown(p->row.field_len[i]), p->row.field[i],
		       def ? "TRUE" : "FALSE");
	return CCM_EMALFORMED;
}

int ccm_iff_row_priority(int *out, struct ccm_iff_pri *p)
{
	int i = field_of(p, CCM_IFF_COL_PRIORITY);

	*out = 0;
	if (i < 0)
		return 1;
	if (ccm_iff_parse_priority(out, p->row.field[i], p->row.field_len[i]) == 0)
		return 0;
	*out = 0;
	ccm_iff_row_report(p, CCM_ERROR, "bad-priority", 8095, (size_t)i, "Priority "
		       "'%.*s' is not -1 (low), 0 (normal) or 1 (high), or empty for "
		       "normal; the row is skipped", shown(p->row.field_len[i]),
		       p->row.field[i]);
	return CCM_EMALFORMED;
}

/* Splits UTF-8 list text into out, unescaping in DIRECTORY sections. */
static int split_list(struct ccm_iff_pri *p, struct ccm_csv_line *out,
		      const char *text, size_t len, size_t i, enum ccm_iff_col c)
{
	size_t before = out->n;
	int n = ccm_csv_split_multi(out, text, len);

	if (n == CCM_ENOMEM)
		return n;
	if (n < 0) {
		ccm_iff_row_report(p, CCM_ERROR, "bad-list", 8095, i, "%s is a list that "
			       "cannot be split: separate values with ';' and quote "
			       "either each value (\"a\";\"b\") or the whole field, "
			       "doubling the quotes of values that hold ';' (spec 2.7); "
			       "the row is skipped", ccm_iff_col_name(c));
		return CCM_EMALFORMED;
	}
	if (p->sec.kind == CCM_IFF_DIRECTORY)
		for (size_t k = before; k < out->n; k++)
			out->f[k].len = ccm_csv_unescape_directory(out->f[k].value,
								   out->f[k].len);
	return n;
}

int ccm_iff_row_multi(struct ccm_csv_line *out, struct ccm_iff_pri *p,
		      enum ccm_iff_col c)
{
	int i = field_of(p, c);
	size_t tl, rl;
	const char *t, *raw;
	struct ccm_error err;
	int rc;

	if (i < 0)
		return 0;
	if (p->row.field_pointer[i]) {
		/* The list lives in an Other section (spec 5.3). */
		rc = ccm_iff_row_text(&p->tmp, p, c, 1024 * 1024, &err);
		if (rc < 0)
			return rc == CCM_EMALFORMED ? rc : CCM_ENOMEM;
		return split_list(p, out, p->tmp.ptr, p->tmp.len, (size_t)i, c);
	}
	/*
	 * The list is split from the field's raw text (its quotes tell the two
	 * conventions apart), converted first: ';' and '"' are never part of
	 * a double-byte character.
	 */
	t = p->cur.joined ? p->cur.logical.ptr : p->cur.raw.ptr;
	tl = p->cur.joined ? p->cur.logical.len : p->cur.raw.len;
	raw = ccm_csv_field_raw(&p->csv, (size_t)i, t, tl, &rl);
	ccm_buf_reset(&p->tmp);
	ccm_cp_to_utf8(&p->tmp, p->s->cp, raw, rl, NULL);
	return split_list(p, out, p->tmp.ptr, p->tmp.len, (size_t)i, c);
}

int ccm_iff_row_chain(struct ccm_iff_chain **out, struct ccm_iff_pri *p,
		      enum ccm_iff_col c, struct ccm_error *err)
{
	struct ccm_iff_where w;
	int i = field_of(p, c);

	*out = NULL;
	if (i < 0) {
		ccm_iff_row_report(p, CCM_ERROR, "missing-pointer", 8054, (size_t)-1,
			       "%s is empty: there is no pointer to follow; the row is "
			       "skipped", ccm_iff_col_name(c));
		return CCM_EMALFORMED;
	}
	w.file = p->f->name;
	ccm_iff_field_where(p, (size_t)i, &w.line, &w.offset);
	w.user = p->sec.address;
	return ccm_iff_chain_open(out, p->s, p->row.field[i], p->row.field_len[i],
				  c == CCM_IFF_COL_BODY, &w, err);
}

int ccm_iff_row_text(struct ccm_buf *out, struct ccm_iff_pri *p,
		     enum ccm_iff_col c, size_t max, struct ccm_error *err)
{
	struct ccm_iff_chain *ch;
	const struct ccm_iff_secsect *h;
	struct ccm_buf data = CCM_BUF_INIT;
	int i = field_of(p, c), rc, other;

	ccm_buf_reset(out);
	if (i < 0)
		return 1;
	if (!p->row.field_pointer[i]) {
		ccm_buf_set(out, p->row.field[i], p->row.field_len[i]);
		return 0;
	}
	rc = ccm_iff_row_chain(&ch, p, c, err);
	if (rc < 0)
		return rc;
	if ((unsigned long long)ccm_iff_chain_bytes(ch) > max) {
		ccm_iff_row_report(p, CCM_ERROR, "value-too-long", 8095, (size_t)i, "the "
			       "value of %s in the secondary file is %lld bytes, more than "
			       "the %zu a field may hold; the row is skipped",
			       ccm_iff_col_name(c), ccm_iff_chain_bytes(ch), max);
		ccm_iff_chain_free(ch);
		return CCM_EMALFORMED;
	}
	other = 0;
	while (ccm_iff_chain_next(ch, &h) > 0) {
		char buf[16384];
		ssize_t got;

		other |= h->type == CCM_IFF_OTHER;
		while ((got = ccm_iff_chain_read(ch, buf, sizeof(buf), err)) > 0)
			ccm_buf_add(&data, buf, (size_t)got);
		if (got < 0) {
			ccm_iff_chain_free(ch);
			ccm_buf_release(&data);
			return (int)got;
		}
	}
	ccm_iff_chain_free(ch);
	/* "The same parsing rules apply in the secondary file" (spec 5.3). */
	if (other && data.len >= 2 && data.ptr[0] == '"' && data.ptr[data.len - 1] == '"') {
		size_t o = 0;

		for (size_t k = 1; k + 1 < data.len; k++) {
			data.ptr[o++] = data.ptr[k];
			if (data.ptr[k] == '"' && data.ptr[k + 1] == '"' && k + 2 < data.len)
				k++;
		}
		data.len = o;
		data.ptr[o] = '\0';
	}
	ccm_cp_to_utf8(out, p->s->cp, data.ptr, data.len, NULL);
	ccm_buf_release(&data);
	return out->len ? 0 : 1;
}

/* ---- validation -------------------------------------------------------- */

/* Reports column c empty when a value is required; 1 if it was. */
static int required(struct ccm_iff_pri *p, enum ccm_iff_col c, const char *why)
{
	if (p->sec.col[c] < 0 || field_of(p, c) >= 0)
		return 0;
	ccm_iff_row_report(p, CCM_ERROR, "missing-value", 8095, (size_t)-1, "%s is "
		       "empty; %s; the row is skipped", ccm_iff_col_name(c), why);
	return 1;
}

static int list_ok(struct ccm_iff_pri *p, enum ccm_iff_col c)
{
	int i = field_of(p, c), n;

	if (i < 0 || p->row.field_pointer[i])
		return 1;
	p->multi.n = 0;
	ccm_buf_reset(&p->multi.store);
	n = ccm_iff_row_multi(&p->multi, p, c);
	return n != CCM_EMALFORMED;
}

static int validate_message(struct ccm_iff_pri *p, const struct ccm_tz *tz)
{
	struct ccm_date d;
	int bad = 0, v, i;

	bad |= ccm_iff_row_date(&d, p, CCM_IFF_COL_SEND_DATE, tz) < 0;
	bad |= ccm_iff_row_date(&d, p, CCM_IFF_COL_RECEIVED_DATE, tz) < 0;
	bad |= ccm_iff_row_priority(&v, p) < 0;
	bad |= ccm_iff_row_bool(&v, p, CCM_IFF_COL_UNREAD, 0) < 0;
	bad |= ccm_iff_row_bool(&v, p, CCM_IFF_COL_UNSENT, 0) < 0;
	bad |= !list_ok(p, CCM_IFF_COL_TO);
	bad |= !list_ok(p, CCM_IFF_COL_CC);
	bad |= !list_ok(p, CCM_IFF_COL_BCC);
	i = field_of(p, CCM_IFF_COL_BODY);
	if (i < 0) {
		ccm_iff_row_report(p, CCM_ERROR, "missing-body", 8054, (size_t)-1, "Body is "
			       "empty: a message row's Body is a pointer #FILE.SEC(offset) "
			       "to its first secondary section (spec 4.4); the row is "
			       "skipped");
		bad = 1;
	} else if (!p->row.field_pointer[i]) {
		ccm_iff_row_report(p, CCM_ERROR, "not-a-pointer", 8054, (size_t)i, "Body "
			       "'%.*s' is not a pointer #FILE.SEC(offset): message bodies "
			       "are always in secondary files (spec 4.4); a pointer is "
			       "never quoted; the row is skipped",
			       shown(p->row.field_len[i]), p->row.field[i]);
		bad = 1;
	}
	return bad;
}

static int validate_pab(struct ccm_iff_pri *p)
{
	int bad = 0, i = field_of(p, CCM_IFF_COL_OBJ_CLASS), dl = 0;

	if (i >= 0) {
		dl = ccm_iff_eq_ci(p->row.field[i], p->row.field_len[i], "dl");
		if (!dl && !ccm_iff_eq_ci(p->row.field[i], p->row.field_len[i], "entry")) {
			ccm_iff_row_report(p, CCM_ERROR, "bad-obj-class", 8095, (size_t)i,
				       "Obj-class '%.*s' of a PAB row is neither 'entry' "
				       "(one recipient) nor 'dl' (a personal distribution "
				       "list); the row is skipped",
				       shown(p->row.field_len[i]), p->row.field[i]);
			bad = 1;
		}
	}
	bad |= required(p, CCM_IFF_COL_OBJ_CLASS, "a PAB row is an 'entry' or a 'dl'");
	bad |= required(p, CCM_IFF_COL_DISPLAY_NAME, "every address book entry "
			"needs a display name");
	bad |= required(p, CCM_IFF_COL_EMAIL_ADDRESS, dl ? "a personal "
			"distribution list lists its members here, separated by ';'" :
			"an entry without an address is written 'USER:<Display-Name>'");
	if (dl) {
		bad |= !list_ok(p, CCM_IFF_COL_EMAIL_ADDRESS);
	} else if ((i = field_of(p, CCM_IFF_COL_EMAIL_ADDRESS)) >= 0 &&
		   !p->row.field_pointer[i] &&
		   !memchr(p->row.field[i], ':', p->row.field_len[i])) {
		ccm_iff_row_report(p, CCM_WARNING, "bad-address", 0, (size_t)i, "Email-Address "
			       "'%.*s' is not of the form TYPE:address (e.g. "
			       "SMTP:pat@example.com); Outlook may not resolve it",
			       shown(p->row.field_len[i]), p->row.field[i]);
	}
	return bad;
}

static int validate_directory(struct ccm_iff_pri *p)
{
	int bad = 0, i;

	for (size_t k = 0; k < p->row.nfields; k++)
		if (p->row.field_pointer[k]) {
			ccm_iff_row_report(p, CCM_ERROR, "pointer-in-directory", 8095, k,
				       "'%.*s': DIRECTORY sections may not hold pointers; "
				       "all directory data is inline (spec 2.6); quote the "
				       "value if it is text; the row is skipped",
				       shown(p->row.field_len[k]), p->row.field[k]);
			bad = 1;
		}
	bad |= required(p, CCM_IFF_COL_OBJ_CLASS, "it says what to create "
			"(mailbox, remote, dl)");
	bad |= required(p, CCM_IFF_COL_MODE, "in migration files it must be "
			"'create'");
	bad |= required(p, CCM_IFF_COL_COMMON_NAME, "it is the mailbox's alias "
			"(directory name)");
	if ((i = field_of(p, CCM_IFF_COL_MODE)) >= 0 &&
	    !ccm_iff_eq_ci(p->row.field[i], p->row.field_len[i], "create")) {
		ccm_iff_row_report(p, CCM_ERROR, "bad-mode", 8095, (size_t)i, "Mode '%.*s': "
			       "in migration files every directory row has Mode 'create' "
			       "(spec 4.2); the row is skipped",
			       shown(p->row.field_len[i]), p->row.field[i]);
		bad = 1;
	}
	if ((i = field_of(p, CCM_IFF_COL_OBJ_CLASS)) >= 0 &&
	    !ccm_iff_eq_ci(p->row.field[i], p->row.field_len[i], "mailbox") &&
	    !ccm_iff_eq_ci(p->row.field[i], p->row.field_len[i], "remote") &&
	    !ccm_iff_eq_ci(p->row.field[i], p->row.field_len[i], "dl"))
		ccm_iff_row_report(p, CCM_WARNING, "bad-obj-class", 0, (size_t)i,
			       "Obj-class '%.*s' is not mailbox, remote or dl",
			       shown(p->row.field_len[i]), p->row.field[i]);
	if ((i = field_of(p, CCM_IFF_COL_COMMON_NAME)) >= 0)
		for (size_t k = 0; k < p->row.field_len[i]; k++)
			if ((unsigned char)p->row.field[i][k] >= 0x80) {
				ccm_iff_row_report(p, CCM_WARNING, "non-ascii-alias", 0,
					       (size_t)i, "Common-Name '%.*s' is not 7-bit "
					       "ASCII; directory import maps such letters to "
					       "look-alikes", shown(p->row.field_len[i]),
					       p->row.field[i]);
				break;
			}
	bad |= !list_ok(p, CCM_IFF_COL_PROXY_ADDRESSES);
	return bad;
}

int ccm_iff_row_validate(struct ccm_iff_pri *p, const struct ccm_tz *tz)
{
	int bad;

	if (p->row.bad)
		return CCM_EMALFORMED;
	if (p->row_checked)
		return p->row_check;      /* reported the first time */
	if (p->sec.kind != CCM_IFF_DIRECTORY)
		for (size_t k = 0; k < p->row.nfields; k++)
			if (p->row.field_len[k] && p->row.field[k][0] == '#' &&
			    !p->row.field_pointer[k] && !p->csv.f[k].quoted)
				ccm_iff_row_report(p, CCM_WARNING, "unquoted-hash", 0, k,
					       "'%.*s' starts with '#' but is not a pointer "
					       "#NAME(offset); it is read as text, but a "
					       "text value starting with '#' must be quoted",
					       shown(p->row.field_len[k]), p->row.field[k]);
	switch (p->sec.kind) {
	case CCM_IFF_MAILMESSAGE:
		bad = validate_message(p, tz);
		break;
	case CCM_IFF_PAB:
		bad = validate_pab(p);
		break;
	default:
		bad = validate_directory(p);
		break;
	}
	p->row_checked = 1;
	p->row_check = bad ? CCM_EMALFORMED : 0;
	return p->row_check;
}
