/* manifest.c: reading po.txt, the manifest of a post office bundle. */
#include "ccmail/manifest.h"
#include "ccmail/kvfile.h"
#include "base/tz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum keyword {
	KW_UNKNOWN = -1,
	KW_POST_OFFICE, KW_DATABASE, KW_CODE_PAGE, KW_DATE_ORDER, KW_TIME_ZONE,
	KW_ATTACHMENTS, KW_ITEM_SIZES, KW_DIRECTORY, KW_LISTS,
	KW_MAILBOX, KW_PRIVATE, KW_BOARD,
	KW_COUNT
};

/* Keywords in their documented spelling; matched ignoring case and spacing. */
static const char *const keyword_names[KW_COUNT] = {
	"Post office", "Database", "Code page", "Date order", "Time zone",
	"Attachments", "Item sizes", "Directory", "Lists",
	"Mailbox", "Private", "Bulletin board",
};

/* One line of po.txt taken apart: keyword and value, UTF-8, trimmed. */
struct mline {
	const char *key;
	size_t klen;
	const char *value;
	size_t vlen;
};

struct mread {
	struct ccm_manifest *m;
	struct ccm_linereader r;
	struct ccm_report *rep;
	struct ccm_error *err;
	long seen[KW_COUNT];      /* line a single-valued keyword was last set on */
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void warn(struct mread *mr, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warn(struct mread *mr, const char *kind, const char *fmt, ...)
{
	struct ccm_diag d = {
		.severity = CCM_WARNING, .kind = kind, .file = mr->r.display,
		.line = mr->r.lineno, .offset = mr->r.offset,
	};
	va_list ap;

	va_start(ap, fmt);
	ccm_reportv(mr->rep, &d, fmt, ap);
	va_end(ap);
}

int ccm_attach_enc_parse(const char *s)
{
	if (!strcasecmp(s, "MACBIN2"))
		return CCM_ENC_MACBIN2;
	if (!strcasecmp(s, "HEX"))
		return CCM_ENC_HEX;
	if (!strcasecmp(s, "RAW"))
		return CCM_ENC_RAW;
	return -1;
}

const char *ccm_attach_enc_name(enum ccm_attach_enc e)
{
	switch (e) {
	case CCM_ENC_MACBIN2: return "MACBIN2";
	case CCM_ENC_HEX: return "HEX";
	case CCM_ENC_RAW: return "RAW";
	}
	return "?";
}

/*
 * Splits a line into keyword and value. Returns 0 for a blank or comment
 * line, 1 with *ml set, -1 when there is no keyword (no colon). The value
 * loses a trailing comment: a ';' at its start or after white space, so
 * that names such as "Smith;John" keep theirs.
 */
static int split_line(struct mline *ml, const char *s, size_t len)
{
	const char *e = s + len, *colon, *v;

	while (s < e && is_space(*s))
		s++;
	if (s == e || *s == ';')
		return 0;
	colon = memchr(s, ':', (size_t)(e - s));
	if (!colon)
		return -1;
	ml->key = s;
	ml->klen = (size_t)(colon - s);
	while (ml->klen > 0 && is_space(s[ml->klen - 1]))
		ml->klen--;
	if (ml->klen == 0)
		return -1;
	v = colon + 1;
	for (const char *p = v; p < e; p++) {
		if (*p == ';' && (p == v || is_space(p[-1]))) {
			e = p;
			break;
		}
	}
	while (v < e && is_space(*v))
		v++;
	while (e > v && is_space(e[-1]))
		e--;
	ml->value = v;
	ml->vlen = (size_t)(e - v);
	return 1;
}

/* Compares a written keyword with a name: any case, runs of spaces as one. */
static int keyword_is(const char *k, size_t klen, const char *name)
{
	size_t i = 0;

	while (*name) {
		if (i == klen)
			return 0;
		if (*name == ' ') {
			if (!is_space(k[i]))
				return 0;
			while (i < klen && is_space(k[i]))
				i++;
			name++;
			continue;
		}
		if ((k[i] | 0x20) != (*name | 0x20) ||
		    (unsigned char)k[i] >= 0x80)
			return 0;
		i++;
		name++;
	}
	return i == klen;
}

static enum keyword keyword_of(const char *k, size_t klen)
{
	for (int i = 0; i < KW_COUNT; i++)
		if (keyword_is(k, klen, keyword_names[i]))
			return (enum keyword)i;
	return KW_UNKNOWN;
}

/* "850" (or "CP850") to 850; -1 unless the whole value is a number of a sane size. */
static int parse_code_page(const char *v, size_t len)
{
	int n = 0;

	if (len > 2 && (v[0] | 0x20) == 'c' && (v[1] | 0x20) == 'p') {
		v += 2;
		len -= 2;
	}
	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (v[i] - '0');
	}
	return n > 0 ? n : -1;
}

static int value_is(const struct mline *ml, const char *word)
{
	return strlen(word) == ml->vlen && !strncasecmp(ml->value, word, ml->vlen);
}

/*
 * Makes an entry path safe: '\' becomes '/', "." and empty components go,
 * and a path that is absolute, names a drive or climbs with ".." is
 * refused (NULL, *refused set). Returns NULL with *refused clear when out
 * of memory.
 */
static char *safe_path(const char *v, size_t len, int *refused)
{
	char *out = malloc(len + 1);
	size_t o = 0, i = 0;

	*refused = 0;
	if (!out)
		return NULL;
	if (len > 0 && (v[0] == '/' || v[0] == '\\'))
		goto refuse;
	if (len >= 2 && v[1] == ':' &&
	    ((v[0] >= 'A' && v[0] <= 'Z') || (v[0] >= 'a' && v[0] <= 'z')))
		goto refuse;
	while (i < len) {
		size_t j = i;

		while (j < len && v[j] != '/' && v[j] != '\\')
			j++;
		if (j - i == 2 && v[i] == '.' && v[i + 1] == '.')
			goto refuse;
		if (j > i && !(j - i == 1 && v[i] == '.')) {
			if (o)
				out[o++] = '/';
			memcpy(out + o, v + i, j - i);
			o += j - i;
		}
		i = j + 1;
	}
	if (o == 0)
		goto refuse;
	out[o] = '\0';
	return out;
refuse:
	free(out);
	*refused = 1;
	return NULL;
}

static int oom(struct mread *mr)
{
	return ccm_error_set(mr->err, CCM_ENOMEM, "out of memory reading '%s' at line %ld",
			     mr->r.display, mr->r.lineno);
}

static int set_string(struct mread *mr, char **dst, const struct mline *ml)
{
	char *s = ccm_strndup(ml->value, ml->vlen);

	if (!s)
		return oom(mr);
	free(*dst);
	*dst = s;
	return 0;
}

/* Whether n bytes of v name a time zone ccm_tz_open would look up. */
static int zone_ok(const char *v, size_t n)
{
	char one[300];

	if (n >= sizeof(one) || memchr(v, '\0', n))
		return 0;
	memcpy(one, v, n);
	one[n] = '\0';
	return ccm_tz_name_ok(one);
}

/* A bad value for a keyword whose values are fixed: the manifest fails. */
static int bad_value(struct mread *mr, const struct mline *ml, const char *what)
{
	return ccm_error_set(mr->err, CCM_EMALFORMED,
			     "bad value '%.*s' after '%.*s:' at %s:%ld (byte %lld); %s",
			     (int)ml->vlen, ml->value, (int)ml->klen, ml->key,
			     mr->r.display, mr->r.lineno, mr->r.offset, what);
}

static int add_entry(struct mread *mr, enum keyword kw, const struct mline *ml)
{
	struct ccm_manifest *m = mr->m;
	struct ccm_manifest_entry **v, *e;
	size_t *n;
	const char *val = ml->value, *eq = NULL, *name, *ne, *p, *pe;
	int refused;

	v = kw == KW_MAILBOX ? &m->mailboxes : kw == KW_PRIVATE ? &m->privates : &m->boards;
	n = kw == KW_MAILBOX ? &m->n_mailboxes : kw == KW_PRIVATE ? &m->n_privates : &m->n_boards;

	/* The last " = ": a name may hold '=' more easily than a path does. */
	for (size_t i = ml->vlen; i-- > 1;) {
		if (val[i] == '=' && i + 1 < ml->vlen && is_space(val[i - 1]) &&
		    is_space(val[i + 1])) {
			eq = val + i;
			break;
		}
	}
	if (!eq)
		for (size_t i = ml->vlen; i-- > 0 && !eq;)
			if (val[i] == '=')
				eq = val + i;
	name = val;
	ne = eq ? eq : val;
	while (ne > name && is_space(ne[-1]))
		ne--;
	if (kw == KW_BOARD && name < ne && *name == '#') {
		/* Boards are named without their '#', as addresses give them. */
		name++;
		while (name < ne && is_space(*name))
			name++;
	}
	p = eq ? eq + 1 : val + ml->vlen;
	pe = val + ml->vlen;
	while (p < pe && is_space(*p))
		p++;
	if (!eq || name == ne || p == pe) {
		warn(mr, "bad-entry", "'%.*s: %.*s' skipped: it should read "
		     "'%.*s: <name> = <file>', the file relative to the bundle",
		     (int)ml->klen, ml->key, (int)ml->vlen, ml->value,
		     (int)ml->klen, ml->key);
		return 0;
	}
	e = realloc(*v, (*n + 1) * sizeof(**v));
	if (!e)
		return oom(mr);
	*v = e;
	e = &(*v)[*n];
	e->line = mr->r.lineno;
	e->name = ccm_strndup(name, (size_t)(ne - name));
	e->path = safe_path(p, (size_t)(pe - p), &refused);
	if (!e->name || (!e->path && !refused)) {
		free(e->name);
		free(e->path);
		return oom(mr);
	}
	(*n)++;
	if (refused)
		warn(mr, "unsafe-path", "file '%.*s' of '%s' refused: paths in po.txt "
		     "are relative to the bundle and stay inside it; move the file "
		     "into the bundle folder and name it from there",
		     (int)(pe - p), p, e->name);
	return 0;
}

static int set_path(struct mread *mr, char **dst, const struct mline *ml,
		    int required)
{
	int refused;
	char *s = safe_path(ml->value, ml->vlen, &refused);

	if (!s && !refused)
		return oom(mr);
	if (refused && required)
		return ccm_error_set(mr->err, CCM_EMALFORMED,
				     "unsafe path '%.*s' after '%.*s:' at %s:%ld (byte %lld): "
				     "paths in po.txt are relative to the bundle and stay "
				     "inside it; move the file into the bundle folder",
				     (int)ml->vlen, ml->value, (int)ml->klen, ml->key,
				     mr->r.display, mr->r.lineno, mr->r.offset);
	if (refused)
		warn(mr, "unsafe-path", "path '%.*s' after '%.*s:' refused and ignored: "
		     "paths in po.txt are relative to the bundle and stay inside it; "
		     "move the file into the bundle folder",
		     (int)ml->vlen, ml->value, (int)ml->klen, ml->key);
	free(*dst);
	*dst = s;
	return 0;
}

static int take_line(struct mread *mr, const struct mline *ml)
{
	struct ccm_manifest *m = mr->m;
	enum keyword kw = keyword_of(ml->key, ml->klen);
	int v;

	if (kw == KW_UNKNOWN) {
		warn(mr, "unknown-keyword", "unknown keyword '%.*s' ignored; check "
		     "its spelling (the keywords are Post office, Database, Code "
		     "page, Date order, Time zone, Attachments, Item sizes, "
		     "Directory, Lists, Mailbox, Private, Bulletin board)",
		     (int)ml->klen, ml->key);
		return 0;
	}
	if (kw == KW_MAILBOX || kw == KW_PRIVATE || kw == KW_BOARD)
		return add_entry(mr, kw, ml);
	if (ml->vlen == 0) {
		warn(mr, "empty-value", "'%.*s:' has no value and is ignored",
		     (int)ml->klen, ml->key);
		return 0;
	}
	if (mr->seen[kw])
		warn(mr, "duplicate-keyword", "'%.*s:' given again; this value "
		     "replaces the one of line %ld", (int)ml->klen, ml->key,
		     mr->seen[kw]);
	mr->seen[kw] = mr->r.lineno;

	switch (kw) {
	case KW_POST_OFFICE:
		return set_string(mr, &m->post_office, ml);
	case KW_DATABASE:
		if (value_is(ml, "DB6") || value_is(ml, "6"))
			m->database = 6;
		else if (value_is(ml, "DB8") || value_is(ml, "8"))
			m->database = 8;
		else if (value_is(ml, "DB7") || value_is(ml, "7"))
			return ccm_error_set(mr->err, CCM_EUNSUPPORTED,
					     "database '%.*s' at %s:%ld (byte %lld) is a cc:Mobile "
					     "DB7 database, which ccmig cannot read: copy the data "
					     "back to a DB8 post office and export it there (Q258220)",
					     (int)ml->vlen, ml->value, mr->r.display,
					     mr->r.lineno, mr->r.offset);
		else
			return bad_value(mr, ml, "write DB6 or DB8");
		return 0;
	case KW_CODE_PAGE:
		/* Read in the first pass, before any value was converted. */
		return 0;
	case KW_DATE_ORDER:
		v = -1;
		if (ml->vlen == 3) {
			char o[4];

			memcpy(o, ml->value, 3);
			o[3] = '\0';
			v = ccm_date_order_parse(o);
		}
		if (v < 0)
			return bad_value(mr, ml, "write MDY, DMY or YMD, the order of "
					 "the post office's dates");
		m->date_order = (enum ccm_date_order)v;
		return 0;
	case KW_TIME_ZONE:
		/* A name ccm_tz_open would refuse fails here, where its line is
		 * known; it also keeps the settings line (time_zone=...;) whole. */
		if (!zone_ok(ml->value, ml->vlen))
			return bad_value(mr, ml, "write a zone of the tz database such "
					 "as America/New_York: letters, digits and '/_-+'");
		return set_string(mr, &m->time_zone, ml);
	case KW_ATTACHMENTS:
		v = -1;
		if (ml->vlen <= 8) {
			char o[9];

			memcpy(o, ml->value, ml->vlen);
			o[ml->vlen] = '\0';
			v = ccm_attach_enc_parse(o);
		}
		if (v < 0)
			return bad_value(mr, ml, "write MACBIN2, HEX or RAW, as the "
					 "export's /FILES option was");
		m->attachments = (enum ccm_attach_enc)v;
		return 0;
	case KW_ITEM_SIZES:
		if (value_is(ml, "yes") || value_is(ml, "y") || value_is(ml, "true") ||
		    value_is(ml, "on") || value_is(ml, "1"))
			m->item_sizes = 1;
		else if (value_is(ml, "no") || value_is(ml, "n") || value_is(ml, "false") ||
			 value_is(ml, "off") || value_is(ml, "0"))
			m->item_sizes = 0;
		else
			warn(mr, "bad-value", "'%.*s' after '%.*s:' is neither yes nor "
			     "no; taken as no (counts optional)", (int)ml->vlen,
			     ml->value, (int)ml->klen, ml->key);
		return 0;
	case KW_DIRECTORY:
		return set_path(mr, &m->directory, ml, 1);
	case KW_LISTS:
		return set_path(mr, &m->lists, ml, 0);
	default:
		return 0;
	}
}

/* Reopens po.txt, keeping the reader's report settings. */
static int open_manifest(struct mread *mr, const char *path)
{
	struct ccm_error inner;
	char folder[512];
	const char *slash = strrchr(path, '/');
	int rc;

	rc = ccm_linereader_open(&mr->r, path, path, mr->rep, &inner);
	if (rc == 0 || rc == CCM_ENOMEM) {
		if (rc)
			ccm_error_set(mr->err, rc, "%s", inner.msg);
		return rc;
	}
	if (slash)
		snprintf(folder, sizeof(folder), "%.*s", (int)(slash - path), path);
	else
		snprintf(folder, sizeof(folder), ".");
	return ccm_error_set(mr->err, rc,
			     "%s; '%s' is not a ccmig post office bundle: write a po.txt "
			     "there naming at least 'Post office:' and 'Directory:' "
			     "(docs/input.md describes the bundle)",
			     inner.msg, folder);
}

/* The first pass: the code page the rest of the manifest is written in. */
static int find_code_page(struct mread *mr, int *cp, long *line, long long *off,
			  struct ccm_buf *raw)
{
	struct mline ml;
	int rc;

	*cp = 0;
	while ((rc = ccm_linereader_next(&mr->r, mr->err)) > 0) {
		if (split_line(&ml, mr->r.line, mr->r.len) <= 0 ||
		    !keyword_is(ml.key, ml.klen, keyword_names[KW_CODE_PAGE]) ||
		    ml.vlen == 0)
			continue;
		*cp = parse_code_page(ml.value, ml.vlen);
		*line = mr->r.lineno;
		*off = mr->r.offset;
		ccm_buf_set(raw, ml.value, ml.vlen);
	}
	return rc;
}

int ccm_manifest_read(struct ccm_manifest *m, const char *path,
		      struct ccm_report *rep, struct ccm_error *err)
{
	struct mread mr = { .m = m, .rep = rep, .err = err };
	struct ccm_buf text = CCM_BUF_INIT;
	struct ccm_cp *cp = NULL;
	struct mline ml;
	long cp_line = 0;
	long long cp_off = 0;
	int rc, code_page, bom;

	memset(m, 0, sizeof(*m));
	m->database = 8;
	m->code_page = 437;
	m->date_order = CCM_DATE_MDY;
	m->attachments = CCM_ENC_MACBIN2;
	m->time_zone = ccm_strdup("UTC");
	if (!m->time_zone)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory reading '%s'", path);

	rc = open_manifest(&mr, path);
	if (rc < 0)
		goto fail;
	rc = find_code_page(&mr, &code_page, &cp_line, &cp_off, &text);
	bom = mr.r.bom;
	ccm_linereader_close(&mr.r);
	if (rc < 0)
		goto fail;
	if (cp_line && code_page < 0) {
		rc = ccm_error_set(err, CCM_EMALFORMED,
				   "bad code page '%s' after 'Code page:' at %s:%ld (byte %lld); "
				   "write the number of the post office's DOS code page, "
				   "such as 437 or 850", text.ptr, path, cp_line, cp_off);
		goto fail;
	}
	if (cp_line)
		m->code_page = code_page;
	/* A byte order mark says the file was saved as UTF-8 by an editor, not
	 * by the export run: its values need no conversion. */
	if (!bom) {
		struct ccm_error inner;

		rc = ccm_cp_open(&cp, m->code_page, &inner);
		if (rc < 0) {
			if (cp_line)
				ccm_error_set(err, rc, "code page %d named at %s:%ld (byte %lld) "
					      "cannot be read: %s", m->code_page, path,
					      cp_line, cp_off, inner.msg);
			else
				ccm_error_set(err, rc, "default code page 437 cannot be read: %s",
					      inner.msg);
			goto fail;
		}
	}

	rc = open_manifest(&mr, path);
	if (rc < 0)
		goto fail;
	while ((rc = ccm_linereader_next(&mr.r, err)) > 0) {
		int kind;

		ccm_linereader_text(&text, &mr.r, cp);
		kind = split_line(&ml, text.ptr, text.len);
		if (kind < 0) {
			size_t q = text.len;

			/* Quote at most 60 bytes, without cutting a character. */
			if (q > 60)
				for (q = 60; q > 0 && ((unsigned char)text.ptr[q] & 0xC0) == 0x80; q--)
					;
			warn(&mr, "bad-line", "line '%.*s' ignored: it has no keyword; "
			     "lines of po.txt read 'Keyword: value' or are ';' comments",
			     (int)q, text.ptr);
			continue;
		}
		if (kind > 0 && (rc = take_line(&mr, &ml)) < 0)
			break;
	}
	ccm_linereader_close(&mr.r);
	if (rc < 0)
		goto fail;
	if (!m->post_office) {
		rc = ccm_error_set(err, CCM_EMALFORMED,
				   "no 'Post office:' in %s; add a line naming the post "
				   "office, such as 'Post office: SALESPO'", path);
		goto fail;
	}
	if (!m->directory) {
		rc = ccm_error_set(err, CCM_EMALFORMED,
				   "no 'Directory:' in %s; add a line naming the directory "
				   "export of the post office, such as 'Directory: directory.exp'",
				   path);
		goto fail;
	}
	ccm_cp_free(cp);
	ccm_buf_release(&text);
	return 0;

fail:
	ccm_cp_free(cp);
	ccm_buf_release(&text);
	ccm_manifest_release(m);
	return rc;
}

static void free_entries(struct ccm_manifest_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
	}
	free(v);
}

void ccm_manifest_release(struct ccm_manifest *m)
{
	free(m->post_office);
	free(m->time_zone);
	free(m->directory);
	free(m->lists);
	free_entries(m->mailboxes, m->n_mailboxes);
	free_entries(m->privates, m->n_privates);
	free_entries(m->boards, m->n_boards);
	memset(m, 0, sizeof(*m));
}

/* ---- the settings line ---------------------------------------------------- */

static const char *order_name(enum ccm_date_order o)
{
	return o == CCM_DATE_DMY ? "DMY" : o == CCM_DATE_YMD ? "YMD" : "MDY";
}

void ccm_manifest_settings_format(struct ccm_buf *out, const struct ccm_manifest *m)
{
	ccm_buf_addf(out, "code_page=%d; date_order=%s; attachments=%s; "
		     "item_sizes=%s; time_zone=%s; post_office=%s", m->code_page,
		     order_name(m->date_order), ccm_attach_enc_name(m->attachments),
		     m->item_sizes ? "yes" : "no", m->time_zone ? m->time_zone : "UTC",
		     m->post_office ? m->post_office : "");
}

/* One "key=value" into m: 0, 1 for a bad value, or CCM_ENOMEM. */
static int settings_item(struct ccm_manifest *m, const char *k, size_t kn,
			 const char *v, size_t vn)
{
	char one[32];
	char *end;
	int x;

#define KEY(name) (kn == sizeof(name) - 1 && !strncmp(k, name, kn))
	if (KEY("time_zone") || KEY("post_office")) {
		char **dst = KEY("time_zone") ? &m->time_zone : &m->post_office;

		if (KEY("time_zone") && !zone_ok(v, vn))
			return 1;
		free(*dst);
		return (*dst = ccm_strndup(v, vn)) ? 0 : CCM_ENOMEM;
	}
	if (vn >= sizeof(one))
		return KEY("code_page") || KEY("date_order") || KEY("attachments") ||
		       KEY("item_sizes") ? 1 : 0;
	memcpy(one, v, vn);
	one[vn] = '\0';
	if (KEY("code_page")) {
		long cp = strtol(one, &end, 10);

		if (end == one || *end || cp <= 0 || cp > 65535)
			return 1;
		m->code_page = (int)cp;
	} else if (KEY("date_order")) {
		if ((x = ccm_date_order_parse(one)) < 0)
			return 1;
		m->date_order = (enum ccm_date_order)x;
	} else if (KEY("attachments")) {
		if ((x = ccm_attach_enc_parse(one)) < 0)
			return 1;
		m->attachments = (enum ccm_attach_enc)x;
	} else if (KEY("item_sizes")) {
		if (strcmp(one, "yes") && strcmp(one, "no"))
			return 1;
		m->item_sizes = !strcmp(one, "yes");
	}
#undef KEY
	return 0;
}

int ccm_manifest_settings_parse(struct ccm_manifest *m, const char *text,
				struct ccm_error *err)
{
	const char *p = text;
	int rc = 0;

	ccm_manifest_release(m);
	m->database = 8;
	m->code_page = 437;
	m->date_order = CCM_DATE_MDY;
	m->attachments = CCM_ENC_MACBIN2;
	while (*p && rc == 0) {
		const char *b = p, *eq;
		size_t n;

		while (*b == ' ' || *b == '\t')
			b++;
		eq = strchr(b, '=');
		if (!eq)
			break;
		/* The name runs to the end of the line: it may hold ';'. */
		n = (size_t)(eq - b) == 11 && !strncmp(b, "post_office", 11) ?
		    strlen(eq + 1) : strcspn(eq + 1, ";");
		rc = settings_item(m, b, (size_t)(eq - b), eq + 1, n);
		p = eq + 1 + n;
		p += *p == ';';
	}
	if (rc == 0 && !m->time_zone && !(m->time_zone = ccm_strdup("UTC")))
		rc = CCM_ENOMEM;
	if (rc == 0)
		return 0;
	ccm_manifest_release(m);
	if (rc == CCM_ENOMEM)
		return ccm_error_set(err, rc, "out of memory");
	return ccm_error_set(err, CCM_EMALFORMED, "'%s' is not a post office's settings "
			     "(code_page=N; date_order=MDY; attachments=MACBIN2; "
			     "item_sizes=yes; time_zone=Z; post_office=NAME)", text);
}
