/* primary.c: walking a primary file section by section, row by row (spec 2, 4). */
#include "iff/reader_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- columns ------------------------------------------------------------- */

static const char *const col_names[CCM_IFF_COL_COUNT] = {
	"Folder", "Sender", "To", "Cc", "Bcc", "Subject", "Send-Date",
	"Received-Date", "Priority", "Unread", "Unsent", "Body",
	"Obj-class", "Display-Name", "Email-Address", "First", "Last", "Address",
	"City", "State", "Zip", "Country", "Title", "Company", "Department",
	"Office", "Assistant", "Bus-Num", "Bus2-Num", "Assist-Num", "Fax-Num",
	"Home-Num", "Home2-Num", "Mobile-Num", "Pager-Num", "Note",
	"Mode", "Common-Name", "Last Name", "First Name",
	"Secondary-Proxy-Addresses", "Home-Server"
};

/* Each kind's documented columns, in the documented order; -1 ends. */
static const signed char mm_cols[] = {
	CCM_IFF_COL_FOLDER, CCM_IFF_COL_SENDER, CCM_IFF_COL_TO, CCM_IFF_COL_CC,
	CCM_IFF_COL_BCC, CCM_IFF_COL_SUBJECT, CCM_IFF_COL_SEND_DATE,
	CCM_IFF_COL_RECEIVED_DATE, CCM_IFF_COL_PRIORITY, CCM_IFF_COL_UNREAD,
	CCM_IFF_COL_UNSENT, CCM_IFF_COL_BODY, -1
};
static const signed char pab_cols[] = {
	CCM_IFF_COL_OBJ_CLASS, CCM_IFF_COL_DISPLAY_NAME, CCM_IFF_COL_EMAIL_ADDRESS,
	CCM_IFF_COL_FIRST, CCM_IFF_COL_LAST, CCM_IFF_COL_ADDRESS, CCM_IFF_COL_CITY,
	CCM_IFF_COL_STATE, CCM_IFF_COL_ZIP, CCM_IFF_COL_COUNTRY, CCM_IFF_COL_TITLE,
	CCM_IFF_COL_COMPANY, CCM_IFF_COL_DEPARTMENT, CCM_IFF_COL_OFFICE,
	CCM_IFF_COL_ASSISTANT, CCM_IFF_COL_BUS_NUM, CCM_IFF_COL_BUS2_NUM,
	CCM_IFF_COL_ASSIST_NUM, CCM_IFF_COL_FAX_NUM, CCM_IFF_COL_HOME_NUM,
	CCM_IFF_COL_HOME2_NUM, CCM_IFF_COL_MOBILE_NUM, CCM_IFF_COL_PAGER_NUM,
	CCM_IFF_COL_NOTE, -1
};
static const signed char dir_cols[] = {
	CCM_IFF_COL_OBJ_CLASS, CCM_IFF_COL_MODE, CCM_IFF_COL_COMMON_NAME,
	CCM_IFF_COL_DISPLAY_NAME, CCM_IFF_COL_LAST_NAME, CCM_IFF_COL_FIRST_NAME,
	CCM_IFF_COL_PROXY_ADDRESSES, CCM_IFF_COL_HOME_SERVER, -1
};
/* Without these a section cannot be read at all. */
static const signed char mm_required[] = { CCM_IFF_COL_BODY, -1 };
static const signed char pab_required[] = {
	CCM_IFF_COL_OBJ_CLASS, CCM_IFF_COL_DISPLAY_NAME, CCM_IFF_COL_EMAIL_ADDRESS, -1
};
static const signed char dir_required[] = {
	CCM_IFF_COL_OBJ_CLASS, CCM_IFF_COL_MODE, CCM_IFF_COL_COMMON_NAME, -1
};

static const char *const kind_names[] = { "DIRECTORY", "PAB", "MAILMESSAGE" };

const char *ccm_iff_col_name(enum ccm_iff_col c)
{
	return (unsigned)c < CCM_IFF_COL_COUNT ? col_names[c] : "?";
}

static const signed char *kind_cols(enum ccm_iff_section_kind k)
{
	return k == CCM_IFF_DIRECTORY ? dir_cols : k == CCM_IFF_PAB ? pab_cols : mm_cols;
}

static int lookup_col(enum ccm_iff_section_kind k, const char *name, size_t n)
{
	const signed char *c = kind_cols(k);

	for (; *c >= 0; c++)
		if (ccm_iff_eq_ci(name, n, col_names[*c]))
			return *c;
	/* Directory Import's own names for the same attributes (spec 4.2). */
	if (k == CCM_IFF_DIRECTORY) {
		if (ccm_iff_eq_ci(name, n, "Surname"))
			return CCM_IFF_COL_LAST_NAME;
		if (ccm_iff_eq_ci(name, n, "Given-Name"))
			return CCM_IFF_COL_FIRST_NAME;
	}
	return -1;
}

/* ---- reporting ------------------------------------------------------------- */

static const char *user_of(const struct ccm_iff_pri *p)
{
	return p->in_section ? p->sec.address : NULL;
}

static void pri_report(struct ccm_iff_pri *p, enum ccm_severity sev,
		       const char *kind, int event, long line, long long off,
		       const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static void pri_report(struct ccm_iff_pri *p, enum ccm_severity sev,
		       const char *kind, int event, long line, long long off,
		       const char *fmt, ...)
{
	struct ccm_diag d = { 0 };
	va_list ap;

	d.severity = sev;
	d.kind = kind;
	d.event = event;
	d.file = p->f->name;
	d.line = line;
	d.offset = off;
	d.user = user_of(p);
	va_start(ap, fmt);
	ccm_reportv(p->s->rep, &d, fmt, ap);
	va_end(ap);
}

/* Line and offset of logical position `lpos` of line ll. */
static void lline_where(const struct iff_lline *ll, size_t lpos, long *line,
			long long *off)
{
	size_t k = 0;

	while (k + 1 < ll->npieces && ll->pieces[k + 1].lpos <= lpos)
		k++;
	*line = ll->line + (long)k;
	*off = ll->pieces[k].off + (long long)(lpos - ll->pieces[k].lpos);
}

void ccm_iff_field_where(const struct ccm_iff_pri *p, size_t i, long *line,
		     long long *off)
{
	if (i == (size_t)-1 || i >= p->csv.n) {
		*line = p->cur.line;
		*off = p->cur.offset;
		return;
	}
	lline_where(&p->cur, p->csv.f[i].column, line, off);
}

void ccm_iff_row_report(struct ccm_iff_pri *p, enum ccm_severity sev,
		    const char *kind, int event, size_t i, const char *fmt, ...)
{
	struct ccm_diag d = { 0 };
	va_list ap;

	d.severity = sev;
	d.kind = kind;
	d.event = event;
	d.file = p->f->name;
	ccm_iff_field_where(p, i, &d.line, &d.offset);
	d.user = p->sec.address;
	va_start(ap, fmt);
	ccm_reportv(p->s->rep, &d, fmt, ap);
	va_end(ap);
}

/* ---- logical lines --------------------------------------------------------- */

static void lline_release(struct iff_lline *ll)
{
	ccm_buf_release(&ll->raw);
	ccm_buf_release(&ll->logical);
	free(ll->pieces);
	memset(ll, 0, sizeof(*ll));
	ccm_buf_init(&ll->raw);
	ccm_buf_init(&ll->logical);
}

static int add_piece(struct iff_lline *ll, size_t lpos, long long off)
{
	if (ll->npieces == ll->cap) {
		size_t cap = ll->cap ? ll->cap * 2 : 4;
		struct iff_piece *v = realloc(ll->pieces, cap * sizeof(*v));

		if (!v)
			return CCM_ENOMEM;
		ll->pieces = v;
		ll->cap = cap;
	}
	ll->pieces[ll->npieces].lpos = lpos;
	ll->pieces[ll->npieces].off = off;
	ll->npieces++;
	return 0;
}

static const char *ltext(const struct iff_lline *ll, size_t *len)
{
	const struct ccm_buf *b = ll->joined ? &ll->logical : &ll->raw;

	*len = b->len;
	return b->ptr;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/*
 * 1 when the end of s[0..n) lies inside a quoted value: a quote opens one
 * only at the start of a field or of a ';'-separated value, as the
 * splitter reads it. Only asked for lines that end in "\\".
 */
static int ends_inside_quotes(const char *s, size_t n)
{
	size_t i = 0;
	int start = 1;

	while (i < n) {
		if (start && s[i] == '"') {
			for (i++;; i++) {
				if (i >= n)
					return 1;
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						i++;
						continue;
					}
					break;
				}
			}
			i++;
			start = 0;
			continue;
		}
		start = s[i] == ',' || s[i] == ';';
		i++;
	}
	return 0;
}

static int dbcs_lead(int cp, unsigned char b)
{
	if (cp == 932)
		return (b >= 0x81 && b <= 0x9F) || (b >= 0xE0 && b <= 0xFC);
	return b >= 0x81 && b <= 0xFE;
}

/*
 * 1 when the last two bytes of the physical line s[0..n) ("\\") are two
 * characters of their own: in a double-byte code page the first may be
 * the trail byte of a character (0x5C is a valid trail byte, Q198861).
 */
static int trailing_backslashes_standalone(int cp, const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i + 2 < n)
		i += dbcs_lead(cp, s[i]) ? 2 : 1;
	return i == n - 2;
}

/*
 * Reads one logical line into ll. `join`: continuations may apply
 * (not in DIRECTORY sections). Returns 1, 0 at the end of the file, or a
 * negative code. Comments are never continued.
 */
static int read_logical(struct ccm_iff_pri *p, struct iff_lline *ll, int join,
			struct ccm_error *err)
{
	const char *line;
	size_t len, eol;
	int rc;

	for (;;) {
		rc = ccm_in_peekline(&p->in, &line, &len, &eol);
		if (rc != CCM_ELIMIT)
			break;
		/* Longer than any row should be: report it and skip it whole.
		 * It is counted as a skipped row, though it is too long to be
		 * copied into a recovery file. */
		p->line++;
		p->long_lines++;
		pri_report(p, CCM_ERROR, "line-too-long", 8095, p->line,
			   ccm_in_tell(&p->in), "line is longer than %zu bytes; it is "
			   "skipped (a value this long belongs in a secondary file behind "
			   "a pointer), and not copied into the recovery file: shorten it "
			   "here", len);
		while (rc == CCM_ELIMIT) {
			ccm_in_consume(&p->in, len);
			rc = ccm_in_peekline(&p->in, &line, &len, &eol);
		}
		if (rc < 0)
			break;
		if (rc > 0)
			ccm_in_consume(&p->in, len + eol);
	}
	if (rc < 0)
		return ccm_error_set(err, rc, "cannot read '%s'", p->f->path);
	if (rc == 0)
		return 0;
	ccm_buf_reset(&ll->raw);
	ll->joined = 0;
	ll->npieces = 0;
	ll->offset = ccm_in_tell(&p->in);
	ll->line = ++p->line;
	ll->lines = 1;
	ccm_buf_add(&ll->raw, line, len);
	if (add_piece(ll, 0, ll->offset) < 0)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	ccm_in_consume(&p->in, len + eol);
	if (!join || len == 0 || line[0] == '!')
		return 1;
	for (;;) {
		size_t tl;
		const char *t = ltext(ll, &tl);
		const char *phys = ll->raw.ptr + ll->raw.len - len;

		if (eol == 0 || len < 2 || phys[len - 1] != '\\' || phys[len - 2] != '\\')
			return 1;
		if (p->dbcs && !trailing_backslashes_standalone(
			    p->s->code_page, (const unsigned char *)phys, len))
			return 1;
		if (ends_inside_quotes(t, tl - 2))
			return 1;
		if (!ll->joined) {
			ccm_buf_reset(&ll->logical);
			ccm_buf_add(&ll->logical, ll->raw.ptr, ll->raw.len);
			ll->joined = 1;
		}
		rc = ccm_in_peekline(&p->in, &line, &len, &eol);
		if (rc < 0 && rc != CCM_ELIMIT)
			return ccm_error_set(err, rc, "cannot read '%s'", p->f->path);
		if (rc == 0) {
			pri_report(p, CCM_WARNING, "continuation-at-end", 0, p->line,
				   ll->offset, "the last line ends with the continuation "
				   "'\\\\' but no line follows; the '\\\\' is dropped");
			ccm_buf_truncate(&ll->logical, ll->logical.len - 2);
			return 1;
		}
		if (rc == CCM_ELIMIT || ll->logical.len + len > IFF_MAX_LOGICAL) {
			/* Stop joining; the rest is read as lines of their own. */
			pri_report(p, CCM_ERROR, "line-too-long", 8095, ll->line, ll->offset,
				   "continued line grows past %d bytes; it is not joined "
				   "further", IFF_MAX_LOGICAL);
			return 1;
		}
		ccm_buf_truncate(&ll->logical, ll->logical.len - 2);
		/* The raw text keeps the "\\" and the line end as written. */
		ccm_buf_add(&ll->raw, &"\r\n"[eol == 2 ? 0 : 1], eol);
		if (add_piece(ll, ll->logical.len, ccm_in_tell(&p->in)) < 0)
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		ccm_buf_add(&ll->raw, line, len);
		ccm_buf_add(&ll->logical, line, len);
		ccm_in_consume(&p->in, len + eol);
		p->line++;
		ll->lines++;
	}
}

/* ---- keyword lines ----------------------------------------------------- */

/*
 * The section kind when the line starts with a keyword (any case) followed
 * by ',' or its end, else -1. Cheaper than a split, and it still finds a
 * keyword line whose address has a quote error.
 */
static int keyword_prefix(const char *s, size_t n)
{
	/* Most lines are rows: one test turns them away. */
	if (!n || !memchr("DdPpMm", s[0], 6))
		return -1;
	for (int k = 0; k < 3; k++) {
		size_t kl = strlen(kind_names[k]);

		if (n >= kl && strncasecmp(s, kind_names[k], kl) == 0 &&
		    (n == kl || s[kl] == ','))
			return k;
	}
	return -1;
}

/* Converts code page bytes to a UTF-8 string in b; counts bad bytes. */
static void to_utf8(struct ccm_iff_pri *p, struct ccm_buf *b, const char *s,
		    size_t n, size_t *bad)
{
	ccm_buf_reset(b);
	ccm_cp_to_utf8(b, p->s->cp, s, n, bad);
}

static void free_names(struct ccm_iff_section *sec)
{
	for (size_t i = 0; i < sec->ncols; i++)
		free(sec->names[i]);
	free(sec->names);
	sec->names = NULL;
	sec->ncols = 0;
}

/* Reports an unknown column once per file. */
static int note_unknown(struct ccm_iff_pri *p, const char *name, long line,
			long long off)
{
	char **v;

	for (size_t i = 0; i < p->nunknown; i++)
		if (!strcasecmp(p->unknown[i], name))
			return 0;
	v = realloc(p->unknown, (p->nunknown + 1) * sizeof(*v));
	if (!v)
		return CCM_ENOMEM;
	p->unknown = v;
	if (!(v[p->nunknown] = ccm_strdup(name)))
		return CCM_ENOMEM;
	p->nunknown++;
	pri_report(p, CCM_NOTE, "unknown-column", 0, line, off, "column '%s' is not "
		   "a column of a %s section that ccmig uses; its values are kept but "
		   "not imported (reported once per file)", name,
		   kind_names[p->sec.kind]);
	return 0;
}

/*
 * Splits a section's keyword or column header line into p->csv. A quote
 * error is reported (event 27) and makes the section bad: returns 0 then,
 * the field count otherwise, or a negative code (err filled).
 */
static int split_section_line(struct ccm_iff_pri *p, const char *t, size_t tl,
			      const char *kind, const char *which,
			      struct ccm_error *err)
{
	size_t bad = 0;
	int n = ccm_csv_split(&p->csv, t, tl, 0, &bad);

	if (n == CCM_ENOMEM)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	if (n < 0) {
		long line;
		long long off;

		lline_where(&p->cur, bad, &line, &off);
		pri_report(p, CCM_ERROR, "quote-error", 27, line, off, "parser error: "
			   "characters found after end doublequote (or a quote never "
			   "closed) in the %s %s line; check the number of double quotes "
			   "in the line", kind, which);
		p->sec.bad = 1;
		return 0;
	}
	return n;
}

/* Parses the keyword line in p->cur into p->sec. */
static int parse_keyword(struct ccm_iff_pri *p, int kind, struct ccm_error *err)
{
	struct ccm_iff_section *sec = &p->sec;
	size_t tl, nbad = 0;
	const char *t = ltext(&p->cur, &tl);
	int n;

	free_names(sec);
	memset(sec, 0, sizeof(*sec));
	for (int c = 0; c < CCM_IFF_COL_COUNT; c++)
		sec->col[c] = -1;
	sec->kind = (enum ccm_iff_section_kind)kind;
	sec->number = ++p->sections;
	sec->line = p->cur.line;
	sec->offset = p->cur.offset;
	ccm_buf_set(&p->kw_raw, p->cur.raw.ptr, p->cur.raw.len);
	sec->keyword_raw = p->kw_raw.ptr;
	sec->keyword_raw_len = p->kw_raw.len;
	p->in_section = 1;
	p->rows = 0;
	p->extra_reported = 0;
	p->last_row_line = sec->line;

	n = split_section_line(p, t, tl, kind_names[kind], "keyword", err);
	if (n <= 0)
		return n;
	if (kind == CCM_IFF_DIRECTORY) {
		for (int i = 1; i < n; i++)
			if (p->csv.f[i].len) {
				pri_report(p, CCM_WARNING, "keyword-extra-fields", 0, sec->line,
					   sec->offset, "the DIRECTORY keyword line has nothing "
					   "after the keyword; the rest is ignored");
				break;
			}
		return 0;
	}
	if (n != 2) {
		if (kind == CCM_IFF_PAB)
			pri_report(p, CCM_ERROR, "bad-section-heading", 8030, sec->line,
				   sec->offset, "invalid number of fields in PAB section "
				   "heading: 'PAB,<address>' has exactly two fields, this line "
				   "has %d (quote the address if it holds a comma)", n);
		else
			pri_report(p, CCM_ERROR, "bad-section-heading", 0, sec->line,
				   sec->offset, "a MAILMESSAGE keyword line is "
				   "'MAILMESSAGE,<address>' with exactly two fields; this line "
				   "has %d (quote the address if it holds a comma)", n);
		sec->bad = 1;
		return 0;
	}
	if (p->csv.f[1].len == 0) {
		pri_report(p, CCM_ERROR, "bad-section-heading", kind == CCM_IFF_PAB ?
			   8030 : 0, sec->line, sec->offset, "the %s keyword line names "
			   "no mailbox address; write the mailbox's source address "
			   "(e.g. \"CCMAIL:Smith, John at SALESPO\") after the comma",
			   kind_names[kind]);
		sec->bad = 1;
		return 0;
	}
	to_utf8(p, &p->addr_raw, p->csv.f[1].value, p->csv.f[1].len, &nbad);
	if (nbad)
		pri_report(p, CCM_WARNING, "bad-character", 0, sec->line, sec->offset,
			   "%zu byte(s) of the address are not valid in code page %d and "
			   "became U+FFFD", nbad, p->s->code_page);
	sec->address_raw = p->addr_raw.ptr;
	{
		const char *a = p->addr_raw.ptr;
		size_t al = p->addr_raw.len;

		if (al > 8 && strncasecmp(a, "MIGRATE:", 8) == 0) {
			a += 8;
			al -= 8;
		}
		ccm_buf_set(&p->addr, a, al);
		sec->address = p->addr.ptr;
	}
	if (kind == CCM_IFF_MAILMESSAGE) {
		if (!strcasecmp(sec->address, "PublicMessages")) {
			sec->is_public = 1;
		} else if (!strcasecmp(sec->address, "PublicMessage")) {
			sec->is_public = 1;
			pri_report(p, CCM_NOTE, "public-message-spelling", 0, sec->line,
				   sec->offset, "'MAILMESSAGE,PublicMessage' is read as "
				   "PublicMessages (the spelling of Microsoft's examples)");
		}
	}
	return 0;
}

static int list_has(const signed char *v, int c)
{
	for (; *v >= 0; v++)
		if (*v == c)
			return 1;
	return 0;
}

/* Parses the header line in p->cur into p->sec. */
static int parse_header(struct ccm_iff_pri *p, struct ccm_error *err)
{
	struct ccm_iff_section *sec = &p->sec;
	const signed char *doc = kind_cols(sec->kind);
	const signed char *req = sec->kind == CCM_IFF_DIRECTORY ? dir_required :
		sec->kind == CCM_IFF_PAB ? pab_required : mm_required;
	size_t tl;
	const char *t = ltext(&p->cur, &tl);
	int n, known = 0, in_order = 1, last = -1;
	struct ccm_buf missing = CCM_BUF_INIT;

	sec->header_line = p->cur.line;
	sec->header_offset = p->cur.offset;
	ccm_buf_set(&p->hdr_raw, p->cur.raw.ptr, p->cur.raw.len);
	sec->header_raw = p->hdr_raw.ptr;
	sec->header_raw_len = p->hdr_raw.len;
	p->last_row_line = p->cur.line + p->cur.lines - 1;
	if (sec->bad)
		return 0;
	n = split_section_line(p, t, tl, kind_names[sec->kind], "column header", err);
	if (n <= 0)
		return n;
	sec->names = calloc((size_t)n, sizeof(*sec->names));
	if (!sec->names)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	sec->ncols = (size_t)n;
	for (int i = 0; i < n; i++) {
		const char *v = p->csv.f[i].value;
		size_t vl = p->csv.f[i].len;
		int c;

		/* "Folder, Sender": spaces after the commas are not part of names. */
		while (vl && (*v == ' ' || *v == '\t')) {
			v++;
			vl--;
		}
		while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
			vl--;
		to_utf8(p, &p->tmp, v, vl, NULL);
		if (!(sec->names[i] = ccm_strndup(p->tmp.ptr, p->tmp.len)))
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		c = lookup_col(sec->kind, v, vl);
		if (c < 0) {
			long line;
			long long off;

			if (vl == 0)
				continue;
			lline_where(&p->cur, p->csv.f[i].column, &line, &off);
			if (note_unknown(p, sec->names[i], line, off) < 0)
				return ccm_error_set(err, CCM_ENOMEM, "out of memory");
			continue;
		}
		if (sec->col[c] >= 0) {
			long line;
			long long off;

			lline_where(&p->cur, p->csv.f[i].column, &line, &off);
			pri_report(p, CCM_WARNING, "duplicate-column", 0, line, off,
				   "column '%s' appears twice in the header; the first one is "
				   "read", col_names[c]);
			continue;
		}
		sec->col[c] = i;
		known++;
		if (c < last)
			in_order = 0;
		last = c;
	}
	if (known == 0) {
		pri_report(p, CCM_ERROR, "no-header", 0, sec->header_line,
			   sec->header_offset, "line %ld is not the column header line of "
			   "a %s section (none of its names is a column of one): a "
			   "keyword line is followed by the column names, e.g. '%s'",
			   sec->header_line, kind_names[sec->kind],
			   sec->kind == CCM_IFF_MAILMESSAGE ? CCM_IFF_MAILMESSAGE_HEADER :
			   sec->kind == CCM_IFF_PAB ? "Obj-class,Display-Name,Email-Address,..." :
			   CCM_IFF_DIRECTORY_HEADER);
		sec->bad = 1;
		return 0;
	}
	for (const signed char *c = req; *c >= 0; c++)
		if (sec->col[*c] < 0) {
			if (missing.len)
				ccm_buf_adds(&missing, ", ");
			ccm_buf_adds(&missing, col_names[*c]);
		}
	if (missing.len) {
		pri_report(p, CCM_ERROR, "missing-column", 0, sec->header_line,
			   sec->header_offset, "the column header line lacks %s, which a "
			   "%s section cannot do without", missing.ptr,
			   kind_names[sec->kind]);
		sec->bad = 1;
		ccm_buf_release(&missing);
		return 0;
	}
	for (const signed char *c = doc; *c >= 0; c++)
		if (sec->col[*c] < 0 && !list_has(req, *c) &&
		    (sec->kind != CCM_IFF_DIRECTORY || *c == CCM_IFF_COL_PROXY_ADDRESSES)) {
			if (missing.len)
				ccm_buf_adds(&missing, ", ");
			ccm_buf_adds(&missing, col_names[*c]);
		}
	if (missing.len)
		pri_report(p, CCM_WARNING, "missing-column", 0, sec->header_line,
			   sec->header_offset, "the column header line lacks %s; %s",
			   missing.ptr, sec->kind == CCM_IFF_DIRECTORY ?
			   "without the source address in Secondary-Proxy-Addresses the "
			   "imported mailboxes cannot be matched with their mail" :
			   "those values are read as empty (the Migration Wizard needs "
			   "every documented column)");
	ccm_buf_release(&missing);
	if (!in_order && sec->kind != CCM_IFF_DIRECTORY)
		pri_report(p, CCM_NOTE, "column-order", 0, sec->header_line,
			   sec->header_offset, "the columns are not in the documented "
			   "order; ccmig reads them by name (the Migration Wizard expects "
			   "the documented order)");
	return 0;
}

/* ---- walking ----------------------------------------------------------- */

int ccm_iff_pri_open(struct ccm_iff_pri **out, struct ccm_iff_set *s, size_t i,
		     struct ccm_error *err)
{
	const struct ccm_iff_file *f = ccm_iff_set_file(s, CCM_IFF_PRIMARY, i);
	struct ccm_iff_pri *p;
	int rc;

	*out = NULL;
	if (!f)
		return ccm_error_set(err, CCM_ENOTFOUND, "no primary file %zu", i);
	if (!f->path)
		return ccm_error_set(err, CCM_ENOTFOUND, "'%s' is listed in the packing "
				     "list but is not in the folder", f->name);
	p = calloc(1, sizeof(*p));
	if (!p)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	p->s = s;
	p->f = f;
	p->dbcs = ccm_cp_is_dbcs(s->code_page);
	ccm_buf_init(&p->cur.raw);
	ccm_buf_init(&p->cur.logical);
	ccm_buf_init(&p->look.raw);
	ccm_buf_init(&p->look.logical);
	ccm_buf_init(&p->kw_raw);
	ccm_buf_init(&p->hdr_raw);
	ccm_buf_init(&p->addr_raw);
	ccm_buf_init(&p->addr);
	ccm_buf_init(&p->utf8);
	ccm_buf_init(&p->tmp);
	ccm_csv_line_init(&p->csv);
	ccm_csv_line_init(&p->multi);
	rc = ccm_in_open(&p->in, f->path, err);
	if (rc < 0) {
		free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void ccm_iff_pri_close(struct ccm_iff_pri *p)
{
	if (!p)
		return;
	ccm_in_close(&p->in);
	lline_release(&p->cur);
	lline_release(&p->look);
	free_names(&p->sec);
	ccm_buf_release(&p->kw_raw);
	ccm_buf_release(&p->hdr_raw);
	ccm_buf_release(&p->addr_raw);
	ccm_buf_release(&p->addr);
	ccm_buf_release(&p->utf8);
	ccm_buf_release(&p->tmp);
	ccm_csv_line_release(&p->csv);
	ccm_csv_line_release(&p->multi);
	free(p->fptr);
	free(p->flen);
	free(p->foff);
	free(p->fpointer);
	for (size_t i = 0; i < p->nunknown; i++)
		free(p->unknown[i]);
	free(p->unknown);
	free(p);
}

const char *ccm_iff_pri_name(const struct ccm_iff_pri *p)
{
	return p->f->name;
}

long ccm_iff_pri_long_lines(const struct ccm_iff_pri *p)
{
	return p->long_lines;
}

/* The next line into p->cur: the one read ahead, if any. */
static int next_line(struct ccm_iff_pri *p, int join, struct ccm_error *err)
{
	if (p->have_look) {
		struct iff_lline t = p->cur;

		p->cur = p->look;
		p->look = t;
		p->have_look = 0;
		return 1;
	}
	return read_logical(p, &p->cur, join, err);
}

static void push_back(struct ccm_iff_pri *p)
{
	struct iff_lline t = p->cur;

	p->cur = p->look;
	p->look = t;
	p->have_look = 1;
}

/* Closes the current section: reports a bad one's skipped rows (8124). */
static void end_section(struct ccm_iff_pri *p)
{
	if (!p->in_section)
		return;
	if (p->sec.bad)
		pri_report(p, CCM_ERROR, "bad-section", 8124, p->sec.line, p->sec.offset,
			   "bad section encountered: the remainder of this section is "
			   "skipped (%ld row(s), lines %ld to %ld); correct its keyword and "
			   "column header lines", p->rows, p->sec.line,
			   p->last_row_line);
	p->in_section = 0;
}

struct stray {
	long n, line;
	long long off;
	char first[64];
};

static void stray_flush(struct ccm_iff_pri *p, struct stray *st)
{
	if (!st->n)
		return;
	pri_report(p, CCM_ERROR, "outside-section", 8095, st->line, st->off,
		   "%ld line(s) outside any section, starting with '%s': a section is "
		   "a keyword line (DIRECTORY, PAB,<address> or MAILMESSAGE,<address>), "
		   "a column header line and rows, and a blank line ends it; if these "
		   "are rows of the section above, remove the blank line before them; "
		   "they are skipped", st->n, st->first);
	st->n = 0;
}

int ccm_iff_pri_next_section(struct ccm_iff_pri *p,
			     const struct ccm_iff_section **sec,
			     struct ccm_error *err)
{
	struct stray st = { 0, 0, 0, "" };
	const struct ccm_iff_row *r;
	int rc, kind;

	while (p->in_section && (rc = ccm_iff_pri_next_row(p, &r, err)) != 0)
		if (rc < 0)
			return rc;
	for (;;) {
		size_t tl;
		const char *t;

		rc = next_line(p, 1, err);
		if (rc <= 0) {
			stray_flush(p, &st);
			return rc;
		}
		t = ltext(&p->cur, &tl);
		if (tl > 0 && t[0] == '!')
			continue;
		if (is_blank(t, tl)) {
			stray_flush(p, &st);
			continue;
		}
		kind = keyword_prefix(t, tl);
		if (kind >= 0)
			break;
		if (st.n++ == 0) {
			size_t k = tl < sizeof(st.first) - 4 ? tl : sizeof(st.first) - 4;

			st.line = p->cur.line;
			st.off = p->cur.offset;
			memcpy(st.first, t, k);
			strcpy(st.first + k, k < tl ? "..." : "");
		}
	}
	stray_flush(p, &st);
	if ((rc = parse_keyword(p, kind, err)) < 0)
		return rc;
	/* The column header line; comments may stand between. */
	for (;;) {
		size_t tl;
		const char *t;

		rc = read_logical(p, &p->cur, kind != CCM_IFF_DIRECTORY, err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			t = NULL;
			tl = 0;
		} else {
			t = ltext(&p->cur, &tl);
			if (tl > 0 && t[0] == '!')
				continue;
		}
		if (rc == 0 || is_blank(t, tl) || keyword_prefix(t, tl) >= 0) {
			if (!p->sec.bad)
				pri_report(p, CCM_ERROR, "no-header", 0, p->sec.line,
					   p->sec.offset, "the %s keyword line is not followed by "
					   "its column header line", kind_names[kind]);
			p->sec.bad = 1;
			if (rc > 0 && !is_blank(t, tl))
				push_back(p);
			end_section(p);
			/* Hand it out all the same: a caller copies it to recovery. */
			p->in_section = 0;
			*sec = &p->sec;
			return 1;
		}
		break;
	}
	if ((rc = parse_header(p, err)) < 0)
		return rc;
	*sec = &p->sec;
	return 1;
}

static int grow_fields(struct ccm_iff_pri *p, size_t n)
{
	if (n <= p->fcap)
		return 0;
	size_t cap = p->fcap ? p->fcap : 32;
	while (cap < n)
		cap *= 2;
	const char **a = realloc(p->fptr, cap * sizeof(*a));
	if (!a)
		return CCM_ENOMEM;
	p->fptr = a;
	size_t *b = realloc(p->flen, cap * sizeof(*b));
	if (!b)
		return CCM_ENOMEM;
	p->flen = b;
	size_t *c = realloc(p->foff, cap * sizeof(*c));
	if (!c)
		return CCM_ENOMEM;
	p->foff = c;
	unsigned char *d = realloc(p->fpointer, cap);
	if (!d)
		return CCM_ENOMEM;
	p->fpointer = d;
	p->fcap = cap;
	return 0;
}

/* A '\' in a DIRECTORY value that starts no escape, or NULL. */
static const char *bad_escape(const char *s, size_t n)
{
	const char *e = s + n, *b = s;

	while ((b = memchr(b, '\\', (size_t)(e - b)))) {
		if (b + 1 < e && (b[1] == '\\' || b[1] == 'r' || b[1] == 'n')) {
			b += 2;
			continue;
		}
		return b;
	}
	return NULL;
}

/* Converts the split fields of the current row to UTF-8. */
static int convert_fields(struct ccm_iff_pri *p, struct ccm_error *err)
{
	int dir = p->sec.kind == CCM_IFF_DIRECTORY;
	size_t n = p->csv.n, bad = 0;
	int escape_reported = 0;

	if (grow_fields(p, n) < 0)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	ccm_buf_reset(&p->utf8);
	for (size_t i = 0; i < n; i++) {
		const struct ccm_csv_field *f = &p->csv.f[i];
		size_t start = p->utf8.len;

		ccm_cp_to_utf8(&p->utf8, p->s->cp, f->value, f->len, &bad);
		if (dir) {
			/* Escapes are applied to the UTF-8 text, where a double-byte
			 * character's trail byte can no longer pass for a '\'. */
			const char *be = bad_escape(p->utf8.ptr + start, p->utf8.len - start);

			if (be && !escape_reported++)
				ccm_iff_row_report(p, CCM_WARNING, "bad-escape", 0, i, "'\\%.1s' "
					       "in a DIRECTORY section is no escape: write '\\\\' "
					       "for a backslash, '\\r' and '\\n' for line ends; "
					       "kept as written", be + 1 < p->utf8.ptr + p->utf8.len ?
					       be + 1 : "");
			p->utf8.len = start + ccm_csv_unescape_directory(
				p->utf8.ptr + start, p->utf8.len - start);
		}
		{
			/* A NUL would end the value there as a C string and
			 * silently cut it: it is left out instead, and said. */
			size_t k = start, nul = 0;

			for (size_t j = start; j < p->utf8.len; j++)
				if (p->utf8.ptr[j] != '\0')
					p->utf8.ptr[k++] = p->utf8.ptr[j];
				else
					nul++;
			ccm_buf_truncate(&p->utf8, k);
			if (nul)
				ccm_iff_row_report(p, CCM_WARNING, "nul-byte", 0, i, "%zu NUL "
					       "byte(s) in this field are left out; the rest "
					       "of it is kept", nul);
		}
		p->flen[i] = p->utf8.len - start;
		p->foff[i] = start;
		p->fpointer[i] = (unsigned char)f->pointer;
		ccm_buf_addch(&p->utf8, '\0');
	}
	for (size_t i = 0; i < n; i++)
		p->fptr[i] = p->utf8.ptr + p->foff[i];
	if (bad)
		ccm_iff_row_report(p, CCM_WARNING, "bad-character", 0, (size_t)-1, "%zu "
			       "byte(s) of this row are not valid in code page %d and "
			       "became U+FFFD; is the code page in the packing list right?",
			       bad, p->s->code_page);
	return 0;
}

void ccm_iff_pri_on_note(struct ccm_iff_pri *p, ccm_iff_note_fn fn, void *ctx)
{
	p->on_note = fn;
	p->note_ctx = ctx;
}

int ccm_iff_pri_next_row(struct ccm_iff_pri *p, const struct ccm_iff_row **row,
			 struct ccm_error *err)
{
	struct ccm_iff_row *r = &p->row;
	int dir = p->sec.kind == CCM_IFF_DIRECTORY;

	for (;;) {
		size_t tl, bad = 0;
		const char *t;
		int rc, n;

		if (!p->in_section)
			return 0;
		rc = next_line(p, !dir, err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			end_section(p);
			return 0;
		}
		t = ltext(&p->cur, &tl);
		if (tl > 0 && t[0] == '!') {
			if (p->on_note)
				p->on_note(p->note_ctx, t + 1, tl - 1, p->cur.line,
					   p->cur.offset);
			continue;
		}
		if (is_blank(t, tl)) {
			end_section(p);
			return 0;
		}
		n = ccm_csv_split(&p->csv, t, tl, 0, &bad);
		if (n == CCM_ENOMEM)
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		if (keyword_prefix(t, tl) >= 0 && n <= 2) {
			/* A new section without the blank line before it. */
			push_back(p);
			end_section(p);
			return 0;
		}
		memset(r, 0, sizeof(*r));
		p->row_checked = 0;
		r->sec = &p->sec;
		r->number = ++p->rows;
		r->line = p->cur.line;
		r->lines = p->cur.lines;
		r->offset = p->cur.offset;
		r->raw = p->cur.raw.ptr;
		r->raw_len = p->cur.raw.len;
		p->last_row_line = p->cur.line + p->cur.lines - 1;
		if (p->sec.bad) {
			r->bad = 1;
			p->csv.n = 0;
			*row = r;
			return 1;
		}
		if (n < 0) {
			long line;
			long long off;

			lline_where(&p->cur, bad, &line, &off);
			pri_report(p, CCM_ERROR, "quote-error", 27, line, off, "parser "
				   "error: characters found after end doublequote (or a quote "
				   "never closed); check the number of double quotes in the "
				   "line; the row is skipped");
			r->bad = 1;
			p->csv.n = 0;
			*row = r;
			return 1;
		}
		if (convert_fields(p, err) < 0)
			return err ? err->code : CCM_ENOMEM;
		r->nfields = (size_t)n;
		r->field = p->fptr;
		r->field_len = p->flen;
		r->field_pointer = p->fpointer;
		if ((size_t)n > p->sec.ncols && !p->extra_reported) {
			int empty = 1;

			for (size_t i = p->sec.ncols; i < (size_t)n && empty; i++)
				empty = p->flen[i] == 0;
			if (!empty) {
				p->extra_reported = 1;
				ccm_iff_row_report(p, CCM_WARNING, "extra-fields", 0, p->sec.ncols,
					       "the row has %d fields and the column header %zu; "
					       "the extra fields are ignored (reported once per "
					       "section)", n, p->sec.ncols);
			}
		}
		*row = r;
		return 1;
	}
}

/* ---- fields ------------------------------------------------------------ */

const char *ccm_iff_row_get(const struct ccm_iff_row *r, enum ccm_iff_col c,
			    size_t *len)
{
	int i;

	if (len)
		*len = 0;
	if (r->bad || (unsigned)c >= CCM_IFF_COL_COUNT || (i = r->sec->col[c]) < 0)
		return NULL;
	if ((size_t)i >= r->nfields)
		return "";
	if (len)
		*len = r->field_len[i];
	return r->field[i];
}

const char *ccm_iff_row_get_named(const struct ccm_iff_row *r, const char *name,
				  size_t *len)
{
	if (len)
		*len = 0;
	if (r->bad)
		return NULL;
	for (size_t i = 0; i < r->sec->ncols; i++)
		if (r->sec->names[i] && !strcasecmp(r->sec->names[i], name)) {
			if (i >= r->nfields)
				return "";
			if (len)
				*len = r->field_len[i];
			return r->field[i];
		}
	return NULL;
}

int ccm_iff_row_is_pointer(const struct ccm_iff_row *r, enum ccm_iff_col c)
{
	int i;

	if (r->bad || (unsigned)c >= CCM_IFF_COL_COUNT || (i = r->sec->col[c]) < 0 ||
	    (size_t)i >= r->nfields)
		return 0;
	return r->field_pointer[i];
}
