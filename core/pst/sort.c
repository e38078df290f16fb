/* sort.c: fixed-size records sorted by a 64-bit key, in memory up to a bound, then in runs on disk. */
#include "pst/sort.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pst/format.h"
#include "pst/out.h"

struct ccm_pst_sort_run {
	uint64_t off, end;      /* what is left of the run in the file */
	unsigned char *buf;
	size_t pos, len;        /* the buffered part */
};

void ccm_pst_sort_init(struct ccm_pst_sort *s, size_t rec, size_t mem_limit, const char *near)
{
	memset(s, 0, sizeof(*s));
	s->rec = rec;
	s->mem_limit = mem_limit < 64 * rec ? 64 * rec : mem_limit;
	s->near = near;
	s->fd = -1;
}

/* The record size cmp compares: qsort takes no context, and each thread
 * writing a file of its own sorts its own lists. */
static _Thread_local size_t sort_rec;

static int cmp(const void *a, const void *b)
{
	uint64_t x = pst_get64(a), y = pst_get64(b);

	if (x != y)
		return x < y ? -1 : 1;
	return memcmp((const unsigned char *)a + 8, (const unsigned char *)b + 8, sort_rec - 8);
}

static int cmp_rec(const struct ccm_pst_sort *s, const unsigned char *a, const unsigned char *b)
{
	uint64_t x = pst_get64(a), y = pst_get64(b);

	if (x != y)
		return x < y ? -1 : 1;
	return memcmp(a + 8, b + 8, s->rec - 8);
}

static void sort_mem(struct ccm_pst_sort *s)
{
	sort_rec = s->rec;
	if (s->n)
		qsort(s->mem, s->n, s->rec, cmp);
}

static int spill(struct ccm_pst_sort *s, struct ccm_error *err)
{
	struct ccm_pst_sort_run *r;
	size_t bytes = s->n * s->rec;
	int e;

	if (s->fd < 0) {
		size_t n = strlen(s->near);
		char *path = malloc(n + 16);
		if (!path)
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		memcpy(path, s->near, n);
		memcpy(path + n, ".sort-XXXXXX", 13);
		s->fd = mkstemp(path);
		if (s->fd < 0) {
			int rc = ccm_error_sys(err, errno, "cannot create a temporary file "
					       "beside '%s'", s->near);
			free(path);
			return rc;
		}
		unlink(path);   /* gone when closed, or when the program dies */
		free(path);
	}
	r = realloc(s->runs, (s->nruns + 1) * sizeof(*r));
	if (!r)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	s->runs = r;
	sort_mem(s);
	if ((e = ccm_pst_io_full(s->fd, s->mem, bytes, s->fd_len, 1)))
		return ccm_error_sys(err, e, "cannot write the temporary file beside '%s'",
				     s->near);
	r[s->nruns++] = (struct ccm_pst_sort_run){ .off = s->fd_len, .end = s->fd_len + bytes };
	s->fd_len += bytes;
	s->n = 0;
	return 0;
}

int ccm_pst_sort_add(struct ccm_pst_sort *s, const void *rec, struct ccm_error *err)
{
	int rc;

	if (s->n == s->cap) {
		size_t max = s->mem_limit / s->rec;
		if (s->cap >= max) {
			if ((rc = spill(s, err)) < 0)
				return rc;
		} else {
			size_t cap = s->cap ? s->cap * 2 : 1024;
			unsigned char *m;
			if (cap > max)
				cap = max;
			if (!(m = realloc(s->mem, cap * s->rec)))
				return ccm_error_set(err, CCM_ENOMEM, "out of memory");
			s->mem = m;
			s->cap = cap;
		}
	}
	memcpy(s->mem + s->n * s->rec, rec, s->rec);
	s->n++;
	s->count++;
	return 0;
}

static int fill(struct ccm_pst_sort *s, struct ccm_pst_sort_run *r, size_t bufsz,
		struct ccm_error *err)
{
	uint64_t left = r->end - r->off;
	size_t want = left < bufsz ? (size_t)left : bufsz;
	int e = ccm_pst_io_full(s->fd, r->buf, want, r->off, 0);

	if (e)
		return ccm_error_sys(err, e, "cannot read the temporary file beside '%s'",
				     s->near);
	r->off += want;
	r->pos = 0;
	r->len = want;
	return 0;
}

static const unsigned char *head(const struct ccm_pst_sort *s, size_t i)
{
	return s->runs[i].buf + s->runs[i].pos;
}

static int less(const struct ccm_pst_sort *s, size_t a, size_t b)
{
	int c = cmp_rec(s, head(s, a), head(s, b));

	return c < 0 || (c == 0 && a < b);
}

static void sift_down(struct ccm_pst_sort *s, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i, t;
		if (l < s->nheap && less(s, s->heap[l], s->heap[m]))
			m = l;
		if (l + 1 < s->nheap && less(s, s->heap[l + 1], s->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
}

/* Bytes of read buffer per run: the memory bound shared out, whole
 * records, at least one. */
static size_t run_buf(const struct ccm_pst_sort *s)
{
	size_t per = s->mem_limit / (s->nruns ? s->nruns : 1) / s->rec;

	return (per ? per : 1) * s->rec;
}

int ccm_pst_sort_begin(struct ccm_pst_sort *s, struct ccm_error *err)
{
	int rc;
	size_t bufsz;

	if (!s->nruns) {
		sort_mem(s);
		s->next = 0;
		return 0;
	}
	if (s->n && (rc = spill(s, err)) < 0)
		return rc;
	free(s->mem);
	s->mem = NULL;
	s->cap = 0;
	bufsz = run_buf(s);
	if (!(s->heap = malloc(s->nruns * sizeof(*s->heap))))
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	for (size_t i = 0; i < s->nruns; i++) {
		if (!(s->runs[i].buf = malloc(bufsz)))
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		if ((rc = fill(s, &s->runs[i], bufsz, err)) < 0)
			return rc;
		s->heap[s->nheap++] = i;
	}
	for (size_t i = s->nheap / 2; i-- > 0;)
		sift_down(s, i);
	return 0;
}

int ccm_pst_sort_next(struct ccm_pst_sort *s, const unsigned char **rec,
		      struct ccm_error *err)
{
	struct ccm_pst_sort_run *r;
	int rc;

	if (!s->nruns) {
		if (s->next >= s->n)
			return 0;
		*rec = s->mem + s->next++ * s->rec;
		return 1;
	}
	/* The record handed out last is consumed now, so that *rec stayed
	 * valid until this call. */
	if (s->handed) {
		r = &s->runs[s->heap[0]];
		r->pos += s->rec;
		if (r->pos == r->len) {
			if (r->off < r->end) {
				if ((rc = fill(s, r, run_buf(s), err)) < 0)
					return rc;
			} else {
				s->heap[0] = s->heap[--s->nheap];
			}
		}
		if (s->nheap)
			sift_down(s, 0);
	}
	s->handed = 1;
	if (!s->nheap)
		return 0;
	*rec = head(s, s->heap[0]);
	return 1;
}

void ccm_pst_sort_release(struct ccm_pst_sort *s)
{
	for (size_t i = 0; i < s->nruns; i++)
		free(s->runs[i].buf);
	free(s->runs);
	free(s->heap);
	free(s->mem);
	if (s->fd >= 0)
		close(s->fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}
