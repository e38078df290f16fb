/* csv.c: the CSV rules of Exchange migration files, both ways. */
#include "iff/csv.h"
#include "base/error.h"

#include <stdlib.h>
#include <string.h>

/* ---- writing ------------------------------------------------------------ */

/* Bytes that make put_field quote a value (spec 2.3 and 12.5). */
static const unsigned char quote_byte[256] = {
	['#'] = 1, ['!'] = 1, [','] = 1, ['\\'] = 1, ['"'] = 1, ['%'] = 1,
	['.'] = 1,
	/* Not allowed in a primary field, but if one slips through a quote
	 * keeps the line's fields apart for a lenient reader. */
	['\r'] = 1, ['\n'] = 1,
};

static int needs_quotes(const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;

	if (len == 0)
		return (flags & CCM_CSV_QUOTE_EMPTY) != 0;
	if (p[0] == ' ' || p[len - 1] == ' ')
		return 1;
	for (size_t i = 0; i < len; i++)
		if (quote_byte[p[i]])
			return 1;
	return 0;
}

/*
 * Writes s quoted into out (which has room): inner quotes doubled and, in
 * DIRECTORY sections, '\', CR and LF escaped. Returns the bytes written.
 */
static size_t write_quoted(char *out, const char *s, size_t len, unsigned flags)
{
	char *o = out;

	*o++ = '"';
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '"') {
			*o++ = '"';
			*o++ = '"';
		} else if ((flags & CCM_CSV_DIRECTORY) &&
			   (c == '\\' || c == '\r' || c == '\n')) {
			*o++ = '\\';
			*o++ = c == '\r' ? 'r' : c == '\n' ? 'n' : '\\';
		} else {
			*o++ = c;
		}
	}
	*o++ = '"';
	return (size_t)(o - out);
}

int ccm_csv_put_field(struct ccm_buf *out, const char *s, size_t len,
		      unsigned flags)
{
	if (!needs_quotes(s, len, flags)) {
		ccm_buf_add(out, s, len);
		return 0;
	}
	/* Every byte at most doubles, plus the two quotes. */
	if (len > ((size_t)-1 - 8) / 2)
		return CCM_ENOMEM;
	ccm_buf_grow(out, 2 * len + 2);
	out->len += write_quoted(out->ptr + out->len, s, len, flags);
	out->ptr[out->len] = '\0';
	return 0;
}

void ccm_csv_put_pointer(struct ccm_buf *out, const char *secname,
			 long long offset)
{
	ccm_buf_addf(out, "#%s(%lld)", secname, offset);
}

int ccm_csv_put_multi(struct ccm_buf *out, const char *const *values, size_t n,
		      unsigned flags)
{
	struct ccm_buf inner = CCM_BUF_INIT;
	int conv2 = 0, rc = 0;

	if (n == 0)
		return ccm_csv_put_field(out, "", 0, flags);
	for (size_t i = 0; i < n && !conv2; i++)
		conv2 = values[i] && strpbrk(values[i], ";\"") != NULL;
	if (!conv2) {
		for (size_t i = 0; i < n && rc == 0; i++) {
			const char *v = values[i] ? values[i] : "";
			if (i)
				ccm_buf_addch(out, ';');
			rc = ccm_csv_put_field(out, v, strlen(v),
					       flags & CCM_CSV_DIRECTORY);
		}
		return rc;
	}
	/*
	 * Convention 2: the values joined by ';', a value holding ';' or '"'
	 * quoted on its own (the reader only opens a quote at a value's start,
	 * so a bare '"' inside a value would be ambiguous), then the whole
	 * field quoted with every quote doubled. DIRECTORY escapes are applied
	 * to the values; they never produce a quote or a ';'.
	 */
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *v = values[i] ? values[i] : "";
		size_t len = strlen(v);

		if (i)
			ccm_buf_addch(&inner, ';');
		if (strpbrk(v, ";\"")) {
			if (len > ((size_t)-1 - 8) / 2) {
				rc = CCM_ENOMEM;
				break;
			}
			ccm_buf_grow(&inner, 2 * len + 2);
			inner.len += write_quoted(inner.ptr + inner.len, v, len,
						  flags & CCM_CSV_DIRECTORY);
			inner.ptr[inner.len] = '\0';
		} else if (flags & CCM_CSV_DIRECTORY) {
			/* Escape without quoting: the outer quotes protect it. */
			if (len > ((size_t)-1 - 8) / 2) {
				rc = CCM_ENOMEM;
				break;
			}
			ccm_buf_grow(&inner, 2 * len + 2);
			size_t w = write_quoted(inner.ptr + inner.len, v, len,
						CCM_CSV_DIRECTORY);
			/* Drop the two quotes write_quoted put around it. */
			memmove(inner.ptr + inner.len, inner.ptr + inner.len + 1, w - 2);
			inner.len += w - 2;
			inner.ptr[inner.len] = '\0';
		} else {
			ccm_buf_add(&inner, v, len);
		}
	}
	if (rc == 0) {
		if (inner.len > ((size_t)-1 - 8) / 2) {
			rc = CCM_ENOMEM;
		} else {
			ccm_buf_grow(out, 2 * inner.len + 2);
			/* Escapes were applied already: quote only. */
			out->len += write_quoted(out->ptr + out->len, inner.ptr,
						 inner.len, 0);
			out->ptr[out->len] = '\0';
		}
	}
	ccm_buf_release(&inner);
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

void ccm_csv_line_init(struct ccm_csv_line *l)
{
	l->f = NULL;
	l->n = l->cap = 0;
	ccm_buf_init(&l->store);
}

void ccm_csv_line_release(struct ccm_csv_line *l)
{
	free(l->f);
	ccm_buf_release(&l->store);
	ccm_csv_line_init(l);
}

static int add_field_slot(struct ccm_csv_line *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct ccm_csv_field *f = realloc(l->f, cap * sizeof(*f));

		if (!f)
			return CCM_ENOMEM;
		l->f = f;
		l->cap = cap;
	}
	return 0;
}

/*
 * Makes room for `extra` more bytes in the store, moving the values
 * already there along with it if the storage moves.
 */
static void store_grow(struct ccm_csv_line *l, size_t extra)
{
	char *old = l->store.ptr;

	ccm_buf_grow(&l->store, extra);
	if (l->store.ptr != old)
		for (size_t i = 0; i < l->n; i++)
			l->f[i].value = l->store.ptr + (l->f[i].value - old);
}

/*
 * Copies src[0..n) to dst, applying the DIRECTORY escapes when asked;
 * returns the bytes written (never more than n). A '\' that starts no
 * escape is kept as it is: the reader reports it, the value survives.
 */
static size_t copy_chunk(char *dst, const char *src, size_t n, int directory)
{
	const char *bs;
	char *o = dst;

	if (!directory || !(bs = memchr(src, '\\', n))) {
		memmove(dst, src, n);
		return n;
	}
	for (;;) {
		size_t k = (size_t)(bs - src);

		memmove(o, src, k);
		o += k;
		src += k;
		n -= k;
		if (n >= 2 && (src[1] == '\\' || src[1] == 'r' || src[1] == 'n')) {
			*o++ = src[1] == 'r' ? '\r' : src[1] == 'n' ? '\n' : '\\';
			src += 2;
			n -= 2;
		} else {
			*o++ = *src++;
			n--;
		}
		if (!(bs = memchr(src, '\\', n)))
			break;
	}
	memmove(o, src, n);
	return (size_t)(o - dst) + n;
}

size_t ccm_csv_unescape_directory(char *s, size_t len)
{
	size_t n = copy_chunk(s, s, len, 1);

	s[n] = '\0';
	return n;
}

/*
 * Parses a quoted segment whose opening quote is at line[p]: writes its
 * value at *o, and returns the index just past the closing quote, or
 * (size_t)-1 when the quote is never closed.
 */
static size_t quoted_segment(const char *line, size_t len, size_t p,
			     int directory, char **o)
{
	p++;
	for (;;) {
		const char *q = p < len ? memchr(line + p, '"', len - p) : NULL;
		size_t k;

		if (!q)
			return (size_t)-1;
		k = (size_t)(q - line);
		*o += copy_chunk(*o, line + p, k - p, directory);
		if (k + 1 < len && line[k + 1] == '"') {
			*(*o)++ = '"';
			p = k + 2;
			continue;
		}
		return k + 1;
	}
}

static int looks_like_pointer(const char *v, size_t len)
{
	return len >= 4 && v[0] == '#' && v[len - 1] == ')' &&
	       memchr(v, '(', len) != NULL;
}

int ccm_csv_split(struct ccm_csv_line *l, const char *line, size_t len,
		  int directory, size_t *bad_column)
{
	size_t p = 0;

	l->n = 0;
	ccm_buf_reset(&l->store);
	/*
	 * Values never grow (unquoting and escapes only shrink them), and each
	 * takes one NUL: reserving 2*len+2 up front means the storage never
	 * moves while the fields point into it.
	 */
	if (len > ((size_t)-1 - 8) / 2)
		return CCM_ENOMEM;
	ccm_buf_grow(&l->store, 2 * len + 2);
	for (;;) {
		char *start = l->store.ptr + l->store.len, *o = start;
		size_t column = p;
		int quoted = 0, segments = 0;

		if (add_field_slot(l) < 0)
			return CCM_ENOMEM;
		for (;;) {
			segments++;
			if (p < len && line[p] == '"') {
				size_t e = quoted_segment(line, len, p, directory, &o);

				if (e == (size_t)-1) {
					*bad_column = p;
					return CCM_EMALFORMED;
				}
				quoted = 1;
				p = e;
				if (p == len || line[p] == ',')
					break;
				if (line[p] == ';') {
					/* Convention 1 of spec 2.7: "a";"b". */
					*o++ = ';';
					p++;
					continue;
				}
				/* The wizard's event 27. */
				*bad_column = p;
				return CCM_EMALFORMED;
			} else {
				const char *c = p < len ? memchr(line + p, ',', len - p) : NULL;
				size_t e = c ? (size_t)(c - line) : len, s = p, q;
				int again = 0;

				/*
				 * A quote right after a ';' opens a quoted value of a
				 * convention-1 list (x;"Lee, Bill"), whose commas the
				 * memchr above may have found; anything else is literal.
				 */
				for (q = s; q < e; q++) {
					const char *dq = memchr(line + q, '"', e - q);
					char *save;
					size_t after;

					if (!dq)
						break;
					q = (size_t)(dq - line);
					if (q == s || line[q - 1] != ';')
						continue;
					save = o;
					o += copy_chunk(o, line + p, q - p, directory);
					after = quoted_segment(line, len, q, directory, &o);
					if (after != (size_t)-1 &&
					    (after == len || line[after] == ',' ||
					     line[after] == ';')) {
						quoted = 1;
						p = after;
						again = 1;
						break;
					}
					/* Not a well-formed quoted value: keep it literal. */
					o = save;
				}
				if (again) {
					if (p < len && line[p] == ';') {
						*o++ = ';';
						p++;
						continue;
					}
					break;
				}
				o += copy_chunk(o, line + p, e - p, directory);
				p = e;
				break;
			}
		}
		*o = '\0';
		l->f[l->n].value = start;
		l->f[l->n].len = (size_t)(o - start);
		l->f[l->n].quoted = quoted;
		l->f[l->n].pointer = !quoted && segments == 1 &&
			looks_like_pointer(start, (size_t)(o - start));
		l->f[l->n].column = column;
		l->n++;
		l->store.len += (size_t)(o - start) + 1;
		if (p >= len)
			break;
		p++;   /* the comma */
	}
	return (int)(l->n > (size_t)2147483647 ? 2147483647 : l->n);
}

const char *ccm_csv_field_raw(const struct ccm_csv_line *l, size_t i,
			      const char *line, size_t line_len, size_t *raw_len)
{
	size_t start = l->f[i].column;
	size_t end = i + 1 < l->n ? l->f[i + 1].column - 1 : line_len;

	*raw_len = end - start;
	return line + start;
}

/*
 * The index of the quote that closes the quoted value opening at s[0],
 * or len when it is not closed.
 */
static size_t closing_quote(const char *s, size_t len)
{
	size_t i = 1;

	for (;;) {
		const char *q = i < len ? memchr(s + i, '"', len - i) : NULL;

		if (!q)
			return len;
		i = (size_t)(q - s);
		if (i + 1 < len && s[i + 1] == '"') {
			i += 2;
			continue;
		}
		return i;
	}
}

/* Appends one value (unquoting it if it is quoted) to out. */
static int add_value(struct ccm_csv_line *out, const char *s, size_t len,
		     int quoted)
{
	char *o, *start;

	if (len == 0)
		return 0;
	if (add_field_slot(out) < 0)
		return CCM_ENOMEM;
	store_grow(out, len + 1);
	start = o = out->store.ptr + out->store.len;
	if (quoted) {
		/* s is the text between the quotes: undouble. */
		for (size_t i = 0; i < len; i++) {
			*o++ = s[i];
			if (s[i] == '"' && i + 1 < len && s[i + 1] == '"')
				i++;
		}
	} else {
		memcpy(o, s, len);
		o += len;
	}
	*o = '\0';
	if (o == start)
		return 0;
	out->f[out->n].value = start;
	out->f[out->n].len = (size_t)(o - start);
	out->f[out->n].quoted = quoted;
	out->f[out->n].pointer = 0;
	out->f[out->n].column = 0;
	out->n++;
	out->store.len += (size_t)(o - start) + 1;
	return 0;
}

int ccm_csv_split_multi(struct ccm_csv_line *out, const char *raw, size_t len)
{
	struct ccm_buf inner = CCM_BUF_INIT;
	size_t before = out->n, p = 0;
	const char *s = raw;
	int rc = 0;

	/* Convention 2: the whole field is one quoted value; unquote it first. */
	if (len >= 2 && raw[0] == '"' && closing_quote(raw, len) == len - 1) {
		ccm_buf_grow(&inner, len);
		for (size_t i = 1; i < len - 1; i++) {
			inner.ptr[inner.len++] = raw[i];
			if (raw[i] == '"' && raw[i + 1] == '"')
				i++;
		}
		inner.ptr[inner.len] = '\0';
		s = inner.ptr;
		len = inner.len;
	}
	while (p < len && rc == 0) {
		if (s[p] == '"') {
			size_t c = closing_quote(s + p, len - p);

			if (p + c >= len || (p + c + 1 < len && s[p + c + 1] != ';')) {
				rc = CCM_EMALFORMED;
				break;
			}
			rc = add_value(out, s + p + 1, c - 1, 1);
			p += c + 2;
		} else {
			const char *semi = memchr(s + p, ';', len - p);
			size_t e = semi ? (size_t)(semi - s) : len;

			rc = add_value(out, s + p, e - p, 0);
			p = e + 1;
		}
	}
	ccm_buf_release(&inner);
	if (rc < 0) {
		out->n = before;
		return rc;
	}
	return (int)(out->n - before);
}

int ccm_csv_parse_pointer(const char *s, size_t len, char *name, size_t namesz,
			  long long *offset)
{
	static const unsigned char bad_name[256] = {
		['#'] = 1, ['('] = 1, [')'] = 1, [';'] = 1, [','] = 1, [':'] = 1,
		['*'] = 1, ['?'] = 1, ['"'] = 1, ['<'] = 1, ['>'] = 1, ['|'] = 1,
		['/'] = 1, ['\\'] = 1, [127] = 1,
	};
	const char *open;
	size_t nlen, i, digits;
	long long v = 0;

	if (len < 4 || s[0] != '#' || s[len - 1] != ')')
		return CCM_EMALFORMED;
	open = memchr(s, '(', len);
	if (!open)
		return CCM_EMALFORMED;
	nlen = (size_t)(open - s) - 1;
	if (nlen == 0 || nlen >= namesz)
		return CCM_EMALFORMED;
	for (i = 1; i <= nlen; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || bad_name[c])
			return CCM_EMALFORMED;
	}
	if (nlen == 1 && s[1] == '.')
		return CCM_EMALFORMED;
	for (i = 1; i < nlen; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return CCM_EMALFORMED;
	/* Decimal digits only: no sign, no spaces, at most 18 (no overflow). */
	digits = len - 1 - (size_t)(open - s) - 1;
	if (digits == 0 || digits > 18)
		return CCM_EMALFORMED;
	for (i = (size_t)(open - s) + 1; i < len - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return CCM_EMALFORMED;
		v = v * 10 + (s[i] - '0');
	}
	memcpy(name, s + 1, nlen);
	name[nlen] = '\0';
	*offset = v;
	return 0;
}
