/* buf.c: the growable byte buffer. */
#include "base/buf.h"
#include "base/error.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char ccm_buf_empty[1];

void ccm_buf_init(struct ccm_buf *b)
{
	b->ptr = ccm_buf_empty;
	b->len = b->cap = 0;
}

void ccm_buf_release(struct ccm_buf *b)
{
	if (b->cap)
		free(b->ptr);
	ccm_buf_init(b);
}

void ccm_buf_grow(struct ccm_buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (extra > (size_t)-1 / 2 - b->len)
		ccm_die_oom(extra);
	want = b->len + extra + 1;
	if (want <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap += cap / 2 + 64;
	p = realloc(b->cap ? b->ptr : NULL, cap);
	if (!p)
		ccm_die_oom(cap);
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
}

void ccm_buf_reset(struct ccm_buf *b)
{
	ccm_buf_truncate(b, 0);
}

void ccm_buf_truncate(struct ccm_buf *b, size_t len)
{
	if (len > b->len)
		len = b->len;
	b->len = len;
	if (b->cap)
		b->ptr[len] = '\0';
}

void ccm_buf_add(struct ccm_buf *b, const void *data, size_t n)
{
	if (n == 0)
		return;
	ccm_buf_grow(b, n);
	memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void ccm_buf_adds(struct ccm_buf *b, const char *s)
{
	ccm_buf_add(b, s, strlen(s));
}

void ccm_buf_add_sh_quoted(struct ccm_buf *b, const char *s)
{
	ccm_buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			ccm_buf_adds(b, "'\\''");
		else
			ccm_buf_addch(b, *s);
	}
	ccm_buf_addch(b, '\'');
}

void ccm_buf_addch(struct ccm_buf *b, int c)
{
	char ch = (char)c;

	ccm_buf_add(b, &ch, 1);
}

void ccm_buf_vaddf(struct ccm_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->ptr + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	/* Only a format the program wrote wrong can fail (a wide string
	 * that does not convert): nothing is added. */
	assert(n >= 0);
	if (n < 0)
		return;
	if ((size_t)n + 1 > (b->cap ? b->cap - b->len : 0)) {
		ccm_buf_grow(b, (size_t)n);
		vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void ccm_buf_addf(struct ccm_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ccm_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void ccm_buf_set(struct ccm_buf *b, const void *data, size_t n)
{
	ccm_buf_reset(b);
	ccm_buf_add(b, data, n);
}

char *ccm_buf_detach(struct ccm_buf *b, size_t *len)
{
	char *p;

	if (!b->cap)
		ccm_buf_grow(b, 0);
	p = b->ptr;
	if (len)
		*len = b->len;
	ccm_buf_init(b);
	return p;
}

void ccm_buf_trim(struct ccm_buf *b)
{
	size_t s = 0, e = b->len;

	while (e > 0 && (b->ptr[e - 1] == ' ' || b->ptr[e - 1] == '\t'))
		e--;
	while (s < e && (b->ptr[s] == ' ' || b->ptr[s] == '\t'))
		s++;
	if (s)
		memmove(b->ptr, b->ptr + s, e - s);
	ccm_buf_truncate(b, e - s);
}

char *ccm_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ccm_strdup(const char *s)
{
	return ccm_strndup(s, strlen(s));
}
