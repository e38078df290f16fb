/* render.c: one stored message as RFC 5322/MIME, streamed to a write callback. */
#include "export/render_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A message's recipients and extra headers, copied out of their cursors
 * (cursor rows are borrowed): the header block needs them more than once.
 */
struct fields {
	struct ccm_store_rcpt *rcpts;
	size_t n_rcpts, cap_rcpts;
	struct ccm_store_header *headers;
	size_t n_headers, cap_headers;
};

static char *dup_or_null(const char *s, int *bad)
{
	char *d = s ? ccm_strdup(s) : NULL;

	if (s && !d)
		*bad = 1;
	return d;
}

static void fields_release(struct fields *f)
{
	for (size_t i = 0; i < f->n_rcpts; i++) {
		free((char *)f->rcpts[i].display);
		free((char *)f->rcpts[i].address);
	}
	for (size_t i = 0; i < f->n_headers; i++) {
		free((char *)f->headers[i].name);
		free((char *)f->headers[i].value);
	}
	free(f->rcpts);
	free(f->headers);
}

/* Grows *v (of *cap elements of size `size`) to hold one more than n. */
static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*v, (*cap ? *cap * 2 : 8) * size);
	if (!p)
		return -1;
	*v = p;
	*cap = *cap ? *cap * 2 : 8;
	return 0;
}

static int fields_read(struct fields *f, struct ccm_store *s, long long id,
		       struct ccm_rout *r)
{
	struct ccm_store_cursor *c;
	struct ccm_store_rcpt rc;
	struct ccm_store_header h;
	int st, bad = 0;

	if ((st = ccm_store_message_rcpts(&c, s, id, r->err)) < 0)
		return st;
	while (!bad && (st = ccm_store_next_rcpt(c, &rc, r->err)) == 1) {
		struct ccm_store_rcpt *x;

		if (grow((void **)&f->rcpts, &f->cap_rcpts, f->n_rcpts, sizeof(*x))) {
			bad = 1;
			break;
		}
		x = &f->rcpts[f->n_rcpts++];
		x->kind = rc.kind;
		x->display = dup_or_null(rc.display, &bad);
		x->address = dup_or_null(rc.address, &bad);
	}
	ccm_store_cursor_free(c);
	if (st < 0 || bad)
		return bad ? ccm_rout_oom(r) : st;
	if ((st = ccm_store_message_headers(&c, s, id, r->err)) < 0)
		return st;
	while (!bad && (st = ccm_store_next_header(c, &h, r->err)) == 1) {
		struct ccm_store_header *x;

		if (grow((void **)&f->headers, &f->cap_headers, f->n_headers, sizeof(*x))) {
			bad = 1;
			break;
		}
		x = &f->headers[f->n_headers++];
		x->name = dup_or_null(h.name ? h.name : "", &bad);
		x->value = dup_or_null(h.value, &bad);
	}
	ccm_store_cursor_free(c);
	if (st < 0 || bad)
		return bad ? ccm_rout_oom(r) : st;
	return 0;
}

static long long blob_read(void *ctx, void *buf, size_t n, struct ccm_error *err)
{
	return ccm_store_blob_read(ctx, buf, n, err);
}

/* An attachment's content as base64, read from its blob in pieces. */
static int write_blob(struct ccm_rout *r, struct ccm_store *s, long long blob_id)
{
	struct ccm_store_blob *bl;
	int rc;

	if (blob_id <= 0)
		return 0;
	if ((rc = ccm_store_blob_open(&bl, s, blob_id, NULL, r->err)) < 0)
		return rc;
	rc = ccm_render_base64(r, blob_read, bl);
	ccm_store_blob_close(bl);
	return rc;
}

static int render(struct ccm_rout *r, struct ccm_store *s,
		  const struct ccm_store_message *m, const struct ccm_render_opts *o)
{
	struct ccm_rfwd fw = { s, o, m->id, 0, NULL };
	struct ccm_store_cursor *ac = NULL;
	struct ccm_store_attachment a;
	struct fields f = { 0 };
	struct ccm_rhead h;
	char boundary[64];
	int rc, more;

	if ((rc = fields_read(&f, s, m->id, r)) < 0)
		goto out;
	memset(&h, 0, sizeof(h));
	h.id = m->id;
	h.sender_name = m->sender_name;
	h.sender_address = m->sender_address;
	h.rcpts = f.rcpts;
	h.n_rcpts = f.n_rcpts;
	h.has_sent = m->has_sent;
	h.sent_utc = m->sent_utc;
	h.has_received = m->has_received;
	h.received_utc = m->received_utc;
	h.subject = m->subject;
	h.priority = m->priority;
	h.headers = f.headers;
	h.n_headers = f.n_headers;
	if ((rc = ccm_render_headers(r, &h, o)) < 0)
		goto out;

	snprintf(boundary, sizeof(boundary), CCM_RENDER_BOUNDARY_STEM ".%lld", m->id);
	if ((rc = ccm_store_attachments(&ac, s, m->id, r->err)) < 0 ||
	    (rc = more = ccm_store_next_attachment(ac, &a, r->err)) < 0)
		goto out;
	if ((more && (rc = ccm_render_multipart_open(r, boundary)) < 0) ||
	    (rc = ccm_render_text_part(r, m->body ? m->body : "",
				       m->body ? m->body_len : 0, more)) < 0)
		goto out;
	while (more == 1) {
		ccm_buf_addf(&r->b, "\r\n--%s\r\n", boundary);
		if ((rc = ccm_render_forward_attachment(r, &fw, &a)) < 0 ||
		    (rc == 0 && (rc = ccm_render_macbinary(r, s, &a)) < 0))
			goto out;
		if (rc == 0 && ((rc = ccm_render_part_headers(r, NULL, a.name, NULL)) < 0 ||
				(rc = write_blob(r, s, a.blob_id)) < 0))
			goto out;
		if ((rc = more = ccm_store_next_attachment(ac, &a, r->err)) < 0)
			goto out;
		if (more == 0)
			ccm_buf_addf(&r->b, "\r\n--%s--\r\n", boundary);
	}
	rc = 0;
out:
	ccm_store_cursor_free(ac);
	ccm_rfwd_release(&fw);
	fields_release(&f);
	return rc;
}

int ccm_render_message(struct ccm_store *s, const struct ccm_store_message *m,
		       const struct ccm_render_opts *o,
		       ccm_render_write_fn write, void *ctx,
		       struct ccm_error *err)
{
	struct ccm_error local;
	struct ccm_rout r;
	int rc;

	r.write = write;
	r.ctx = ctx;
	ccm_buf_init(&r.b);
	r.msg = m->id;
	r.err = err ? err : &local;
	rc = render(&r, s, m, o);
	if (rc == 0)
		rc = ccm_rout_flush(&r);
	ccm_buf_release(&r.b);
	return rc;
}
