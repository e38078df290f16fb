/* buf.c: the growable byte buffer. */
#include "base/buf.h"
#include "base/error.h"

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

int ccm_buf_grow(struct ccm_buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (extra > (size_t)-1 / 2 - b->len)
		return CCM_ENOMEM;
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap += cap / 2 + 64;
	p = realloc(b->cap ? b->ptr : NULL, cap);
	if (!p)
		return CCM_ENOMEM;
	if (!b->cap)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return 0;
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

int ccm_buf_add(struct ccm_buf *b, const void *data, size_t n)
{
	if (n == 0)
		return 0;
	if (ccm_buf_grow(b, n) < 0)
		return CCM_ENOMEM;
	memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

int ccm_buf_adds(struct ccm_buf *b, const char *s)
{
	return ccm_buf_add(b, s, strlen(s));
}

int ccm_buf_addch(struct ccm_buf *b, int c)
{
	char ch = (char)c;
	return ccm_buf_add(b, &ch, 1);
}

int ccm_buf_vaddf(struct ccm_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->ptr + b->len, b->cap ? b->cap - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return CCM_EINVAL;
	if ((size_t)n + 1 > (b->cap ? b->cap - b->len : 0)) {
		if (ccm_buf_grow(b, (size_t)n) < 0)
			return CCM_ENOMEM;
		vsnprintf(b->ptr + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)n;
	return 0;
}

int ccm_buf_addf(struct ccm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ccm_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int ccm_buf_set(struct ccm_buf *b, const void *data, size_t n)
{
	ccm_buf_reset(b);
	return ccm_buf_add(b, data, n);
}

char *ccm_buf_detach(struct ccm_buf *b, size_t *len)
{
	char *p;

	if (!b->cap && ccm_buf_grow(b, 0) < 0)
		return NULL;
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
