/* kvfile.c: streaming reader of "Keyword: value" block files. */
#include "ccmail/kvfile.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest piece of a bad line quoted in a report. */
#define QUOTE_MAX 60

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void warn(struct ccm_report *rep, const char *kind, const char *file,
		 long line, long long offset, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void warn(struct ccm_report *rep, const char *kind, const char *file,
		 long line, long long offset, const char *fmt, ...)
{
	struct ccm_diag d = {
		.severity = CCM_WARNING, .kind = kind, .file = file,
		.line = line, .offset = offset,
	};
	va_list ap;

	va_start(ap, fmt);
	ccm_reportv(rep, &d, fmt, ap);
	va_end(ap);
}

int ccm_linereader_open(struct ccm_linereader *r, const char *path,
			const char *display, struct ccm_report *rep,
			struct ccm_error *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->display = display ? display : path;
	r->rep = rep;
	r->line = "";
	rc = ccm_in_open(&r->in, path, err);
	if (rc < 0)
		ccm_in_close(&r->in);
	return rc;
}

void ccm_linereader_close(struct ccm_linereader *r)
{
	ccm_in_close(&r->in);
	r->line = "";
	r->len = 0;
}

static int read_failed(struct ccm_linereader *r, int rc, struct ccm_error *err)
{
	if (rc == CCM_ENOMEM)
		return ccm_error_set(err, rc, "out of memory reading '%s' at line %ld",
				     r->display, r->lineno + 1);
	return ccm_error_set(err, rc, "cannot read '%s' after line %ld (byte %lld); "
			     "check that the file is readable and not truncated",
			     r->display, r->lineno, ccm_in_tell(&r->in));
}

/* Consumes a line longer than the limit, piece by piece, and reports it. */
static int skip_long_line(struct ccm_linereader *r, size_t len,
			  struct ccm_error *err)
{
	long long start = ccm_in_tell(&r->in);
	long long skipped = 0;
	const char *line;
	size_t eol;
	int rc;

	r->lineno++;
	do {
		ccm_in_consume(&r->in, len);
		skipped += (long long)len;
		rc = ccm_in_peekline(&r->in, &line, &len, &eol);
	} while (rc == CCM_ELIMIT);
	if (rc < 0)
		return read_failed(r, rc, err);
	if (rc > 0) {
		ccm_in_consume(&r->in, len + eol);
		skipped += (long long)len;
	}
	warn(r->rep, "line-too-long", r->display, r->lineno, start,
	     "line of %lld bytes skipped: longer than 1 MiB, which no cc:Mail "
	     "export writes; check that '%s' is the right file", skipped,
	     r->display);
	return 0;
}

int ccm_linereader_next(struct ccm_linereader *r, struct ccm_error *err)
{
	const char *line;
	size_t len, eol;
	int rc;

	for (;;) {
		rc = ccm_in_peekline(&r->in, &line, &len, &eol);
		if (rc == CCM_ELIMIT) {
			rc = skip_long_line(r, len, err);
			if (rc < 0)
				return rc;
			continue;
		}
		if (rc < 0)
			return read_failed(r, rc, err);
		if (rc == 0) {
			r->line = "";
			r->len = 0;
			return 0;
		}
		r->offset = ccm_in_tell(&r->in);
		r->lineno++;
		ccm_in_consume(&r->in, len + eol);
		if (r->offset == 0 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
			/* Editors put it there; it is not part of the first keyword. */
			line += 3;
			len -= 3;
			r->offset = 3;
			r->bom = 1;
		}
		r->line = line;
		r->len = len;
		return 1;
	}
}

const char *ccm_kvblock_get(const struct ccm_kvblock *b, const char *key)
{
	for (size_t i = 0; i < b->len; i++)
		if (strcasecmp(b->kv[i].key, key) == 0)
			return b->kv[i].value;
	return NULL;
}

static void block_clear(struct ccm_kvblock *b)
{
	for (size_t i = 0; i < b->len; i++) {
		free(b->kv[i].key);
		free(b->kv[i].value);
	}
	b->len = 0;
	b->line = 0;
	b->offset = -1;
}

static int block_push(struct ccm_kvblock *b, const char *key, size_t klen,
		      const char *value, size_t vlen, long line, long long offset)
{
	struct ccm_kv *kv;

	if (b->len == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct ccm_kv *p = realloc(b->kv, cap * sizeof(*p));

		if (!p)
			return CCM_ENOMEM;
		b->kv = p;
		b->cap = cap;
	}
	kv = &b->kv[b->len];
	kv->key = ccm_strndup(key, klen);
	kv->value = ccm_strndup(value, vlen);
	if (!kv->key || !kv->value) {
		free(kv->key);
		free(kv->value);
		return CCM_ENOMEM;
	}
	kv->line = line;
	kv->offset = offset;
	if (b->len++ == 0) {
		b->line = line;
		b->offset = offset;
	}
	return 0;
}

/* The length of at most QUOTE_MAX bytes of s that does not cut a UTF-8 character. */
static int quote_len(const char *s, size_t len)
{
	if (len <= QUOTE_MAX)
		return (int)len;
	len = QUOTE_MAX;
	while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
		len--;
	return (int)len;
}

void ccm_linereader_text(struct ccm_buf *text, struct ccm_linereader *r,
			 struct ccm_cp *cp)
{
	size_t bad = 0, o = 0;
	char *nul;

	ccm_buf_reset(text);
	if (cp)
		ccm_cp_to_utf8(text, cp, r->line, r->len, &bad);
	else
		ccm_buf_add(text, r->line, r->len);
	if (bad)
		warn(r->rep, "bad-character", r->display, r->lineno, r->offset,
		     "%zu byte(s) not valid in code page %d replaced by U+FFFD; "
		     "check 'Code page:' in po.txt", bad, ccm_cp_number(cp));
	nul = memchr(text->ptr, '\0', text->len);
	if (nul) {
		/* C strings end at a NUL: drop them rather than cut the value. */
		for (size_t i = 0; i < text->len; i++)
			if (text->ptr[i] != '\0')
				text->ptr[o++] = text->ptr[i];
		warn(r->rep, "nul-byte", r->display, r->lineno, r->offset,
		     "%zu NUL byte(s) removed from the line; the rest is kept",
		     text->len - o);
		ccm_buf_truncate(text, o);
	}
}

static int add_line(struct ccm_kvblock *b, struct ccm_linereader *r,
		    struct ccm_cp *cp, struct ccm_buf *text)
{
	const char *s, *colon, *k, *ke, *v, *ve;
	struct ccm_diag d = {
		.severity = CCM_WARNING, .kind = "bad-line", .file = r->display,
		.line = r->lineno, .offset = r->offset,
	};

	ccm_linereader_text(text, r, cp);
	s = text->ptr;
	colon = memchr(s, ':', text->len);
	k = s;
	ke = colon ? colon : s;
	while (k < ke && is_space(*k))
		k++;
	while (ke > k && is_space(ke[-1]))
		ke--;
	if (!colon || ke == k) {
		ccm_reportf(r->rep, &d, "line '%.*s' skipped: it has no %s; "
			    "lines of this file read 'Keyword: value'",
			    quote_len(s, text->len), s,
			    colon ? "keyword before its colon" : "colon");
		return 0;
	}
	v = colon + 1;
	ve = s + text->len;
	while (v < ve && is_space(*v))
		v++;
	while (ve > v && is_space(ve[-1]))
		ve--;
	return block_push(b, k, (size_t)(ke - k), v, (size_t)(ve - v),
			  r->lineno, r->offset);
}

static int is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_space(s[i]))
			return 0;
	return 1;
}

static int flush(struct ccm_kvblock *b,
		 int (*fn)(void *ctx, const struct ccm_kvblock *b), void *ctx)
{
	int rc = 0;

	if (b->len)
		rc = fn(ctx, b);
	block_clear(b);
	return rc;
}

int ccm_kvfile_read(const char *path, const char *display, struct ccm_cp *cp,
		    struct ccm_report *rep,
		    int (*fn)(void *ctx, const struct ccm_kvblock *b),
		    void *ctx, struct ccm_error *err)
{
	struct ccm_linereader r;
	struct ccm_kvblock b = { .offset = -1 };
	struct ccm_buf text = CCM_BUF_INIT;
	int rc;

	rc = ccm_linereader_open(&r, path, display, rep, err);
	if (rc < 0)
		return rc;
	while ((rc = ccm_linereader_next(&r, err)) > 0) {
		if (is_blank(r.line, r.len)) {
			rc = flush(&b, fn, ctx);
		} else if ((rc = add_line(&b, &r, cp, &text)) < 0) {
			rc = ccm_error_set(err, rc, "out of memory reading '%s' at line %ld",
					   r.display, r.lineno);
		}
		if (rc < 0)
			break;
	}
	if (rc == 0)
		rc = flush(&b, fn, ctx);
	block_clear(&b);
	free(b.kv);
	ccm_buf_release(&text);
	ccm_linereader_close(&r);
	return rc;
}
