/* render.c: one stored message as RFC 5322/MIME, streamed to a write callback. */
#include "export/render_int.h"
#include "base/drop_note.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/*
 * The header fields of a stored message; `uid` NULL for a forwarded one
 * (no Message-ID, no Received: it never had them), dated as
 * ccm_store_forwarded_date says by `carrier_utc`, the date of the message
 * it was forwarded in.
 */
static void head_of(struct ccm_rhead *h, const struct ccm_store_message *m,
		    const struct fields *f, const char *uid, long long carrier_utc)
{
	int forwarded = uid == NULL;
	enum ccm_date_from from;

	memset(h, 0, sizeof(*h));
	h->uid = uid;
	h->sender_name = m->sender_name;
	h->sender_address = m->sender_address;
	h->rcpts = f->rcpts;
	h->n_rcpts = f->n_rcpts;
	from = forwarded ? ccm_store_forwarded_date(&h->date_utc, m, carrier_utc) :
			   ccm_store_message_date(&h->date_utc, m);
	h->date_from = from == CCM_DATE_SENT ? NULL : ccm_date_from_name(from);
	h->has_received = forwarded ? 0 : m->has_received;
	h->received_utc = m->received_utc;
	h->subject = m->subject;
	h->priority = m->priority;
	h->headers = f->headers;
	h->n_headers = f->n_headers;
}

/* "Fwd.ccm" is "Fwd.eml" once it is a message/rfc822 part. */
static void eml_name(struct ccm_buf *out, const char *name)
{
	size_t n;

	ccm_buf_reset(out);
	ccm_buf_adds(out, name && *name ? name : "Forwarded message.ccm");
	n = out->len;
	if (n > 4 && strcasecmp(out->ptr + n - 4, ".ccm") == 0)
		ccm_buf_truncate(out, n - 4);
	ccm_buf_adds(out, ".eml");
}

/* The parts of a message: its attachments and the messages forwarded in
 * it, by their place; `boundary` is open when there are any. */
struct parts {
	struct ccm_store_cursor *ac, *fc;
	struct ccm_store_attachment a;
	struct ccm_store_message f;
	int a_more, f_more;
	long long msg;
	long long date_utc;          /* msg's Date: a forwarded one's fallback */
};

/* The messages forwarded in p->msg, from the first on. */
static int parts_forwarded(struct parts *p, struct ccm_rout *r, struct ccm_store *s)
{
	int rc;

	if (p->fc)
		return 0;
	if ((rc = ccm_store_forwarded(&p->fc, s, p->msg, r->err)) < 0 ||
	    (rc = p->f_more = ccm_store_next_message(p->fc, &p->f, r->err)) < 0)
		return rc;
	return 0;
}

/*
 * A stored message (`top`) carries forwarded messages only in place of
 * its ".ccm" attachments (flow/forwards.h), so they are looked for once
 * the first of those comes: most messages have none, and are spared the
 * query. A forwarded message may carry them at any place.
 */
static int parts_open(struct parts *p, struct ccm_rout *r, struct ccm_store *s,
		      long long msg, int top)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->msg = msg;
	if ((rc = ccm_store_attachments(&p->ac, s, msg, r->err)) < 0 ||
	    (rc = p->a_more = ccm_store_next_attachment(p->ac, &p->a, r->err)) < 0)
		return rc;
	return top ? 0 : parts_forwarded(p, r, s);
}

static void parts_close(struct parts *p)
{
	ccm_store_cursor_free(p->ac);
	ccm_store_cursor_free(p->fc);
}

static int render_forwarded(struct ccm_rout *r, struct ccm_store *s,
			    const struct ccm_store_message *m,
			    const struct ccm_render_opts *o, int depth,
			    const char *idpath, long long carrier_utc);

/* An attachment kept as cc:Mail export text of a message that could not
 * be unfolded (flow/forwards.h): why, in its description. */
static const char *kept_why(int depth, const struct ccm_render_opts *o, char *buf,
			    size_t bufsz)
{
	if (depth >= CCM_RENDER_MAX_DEPTH) {
		if (o && o->kept_deep)
			(*o->kept_deep)++;
		snprintf(buf, bufsz, "a forwarded message nested more than %d deep: "
			 "kept as the cc:Mail export text it came in",
			 CCM_RENDER_MAX_DEPTH);
		return buf;
	}
	return "a forwarded message that could not be read: kept as the cc:Mail "
	       "export text it came in";
}

/* Whether attachment `seq` of the message at `idpath` ("" the stored
 * message, ".3" the one forwarded as its part 3) is to be replaced by a
 * note (ccm_render_opts.replaced). */
static int is_replaced(const struct ccm_render_opts *o, const char *idpath, int seq)
{
	char path[112];

	if (!o || !o->n_replaced)
		return 0;
	snprintf(path, sizeof(path), "%s.%d", idpath, seq);
	for (size_t i = 0; i < o->n_replaced; i++)
		if (!strcmp(o->replaced[i], path + 1))
			return 1;
	return 0;
}

/* The note that stands for attachment `a`, as a text part of its own in
 * its place: 2 (the part is written whole), or a negative code. */
static int write_note(struct ccm_rout *r, const struct ccm_render_opts *o,
		      const struct ccm_store_attachment *a)
{
	struct ccm_buf note = CCM_BUF_INIT, by = CCM_BUF_INIT;
	int rc;

	ccm_buf_addf(&by, "option '%s'", o->replaced_by ? o->replaced_by : "");
	ccm_drop_note(&note, a->name ? a->name : "attachment",
		      !strcmp(a->kind, "message"), a->size, by.ptr);
	ccm_buf_adds(&r->b, "Content-Disposition: inline\r\n");
	rc = ccm_render_text_part(r, note.ptr, note.len, 1);
	ccm_buf_release(&note);
	ccm_buf_release(&by);
	return rc < 0 ? rc : 2;
}

/* The header that names what ccm_render_opts.replaced left out. */
static void removed_header(struct ccm_rout *r, const struct ccm_render_opts *o)
{
	struct ccm_buf v = CCM_BUF_INIT;

	if (!o || !o->n_replaced)
		return;
	for (size_t i = 0; i < o->n_replaced; i++)
		ccm_buf_addf(&v, "%s%s", i ? ", " : "", o->replaced[i]);
	ccm_buf_addf(&v, " (option:%s)", o->replaced_by ? o->replaced_by : "");
	ccm_render_unstructured(&r->b, CCM_RENDER_REMOVED_HEADER, v.ptr);
	ccm_buf_release(&v);
}

/*
 * Every part of message `msg` (at `depth`: 0 the stored message), each
 * after a delimiter of `boundary`, in their order, then the closing one:
 * a forwarded message in place of the part it came in.
 */
static int write_parts(struct ccm_rout *r, struct ccm_store *s, struct parts *p,
		       const struct ccm_render_opts *o, int depth,
		       const char *idpath, const char *boundary)
{
	char sub[96], why[128];
	int rc = 0;

	while (rc >= 0 && (p->a_more || p->f_more)) {
		if (p->a_more && !p->fc && ccm_store_is_forward_text(p->a.name) &&
		    (rc = parts_forwarded(p, r, s)) < 0)
			break;
		ccm_buf_addf(&r->b, "\r\n--%s\r\n", boundary);
		if (p->f_more && (!p->a_more || p->f.parent_seq <= p->a.seq)) {
			snprintf(sub, sizeof(sub), "%s.%d", idpath, p->f.parent_seq);
			if ((rc = render_forwarded(r, s, &p->f, o, depth + 1, sub,
						   p->date_utc)) < 0)
				break;
			if (p->a_more && p->a.seq == p->f.parent_seq &&
			    (rc = p->a_more = ccm_store_next_attachment(p->ac, &p->a,
									  r->err)) < 0)
				break;
			rc = p->f_more = ccm_store_next_message(p->fc, &p->f, r->err);
			continue;
		}
		if (is_replaced(o, idpath, p->a.seq)) {
			rc = write_note(r, o, &p->a);
		} else if (!strcmp(p->a.kind, "message")) {
			ccm_render_part_headers(r, NULL, p->a.name,
						kept_why(depth, o, why, sizeof(why)));
			rc = 0;
		} else if ((rc = ccm_render_macbinary(r, s, &p->a)) == 0) {
			ccm_render_part_headers(r, NULL, p->a.name, NULL);
		} else if (rc == 1) {
			rc = 2;              /* written whole */
		}
		if (rc == 0)
			rc = write_blob(r, s, p->a.blob_id);
		if (rc >= 0)
			rc = p->a_more = ccm_store_next_attachment(p->ac, &p->a, r->err);
	}
	if (rc < 0)
		return rc;
	ccm_buf_addf(&r->b, "\r\n--%s--\r\n", boundary);
	return 0;
}

/* A message forwarded in another, at `depth` (1: in the stored message),
 * as a message/rfc822 part named for the part it came in. */
static int render_forwarded(struct ccm_rout *r, struct ccm_store *s,
			    const struct ccm_store_message *m,
			    const struct ccm_render_opts *o, int depth,
			    const char *idpath, long long carrier_utc)
{
	struct ccm_buf name = CCM_BUF_INIT;
	struct ccm_store_cursor *c = NULL;
	struct ccm_store_message fm;
	struct fields f = { 0 };
	struct parts p = { 0 };
	struct ccm_rhead h;
	char boundary[128];
	int rc, any;

	/* The row is the caller's cursor's: read the message on its own. */
	if ((rc = ccm_store_message_get(&c, s, m->id, r->err)) < 0 ||
	    (rc = ccm_store_next_message(c, &fm, r->err)) <= 0)
		goto out;
	/* Not a prefix of the enclosing boundaries, nor they of it: some
	 * readers match a delimiter line by its start. */
	snprintf(boundary, sizeof(boundary), CCM_RENDER_BOUNDARY_STEM "-%lld%s=",
		 r->msg, idpath);
	eml_name(&name, fm.part_name);
	if ((rc = fields_read(&f, s, fm.id, r)) < 0)
		goto out;
	ccm_render_part_headers(r, "message/rfc822", name.ptr, NULL);
	head_of(&h, &fm, &f, NULL, carrier_utc);
	ccm_render_headers(r, &h, o);
	if ((rc = parts_open(&p, r, s, fm.id, 0)) < 0)
		goto out;
	p.date_utc = h.date_utc;
	any = p.a_more || p.f_more;
	if (any)
		ccm_render_multipart_open(r, boundary);
	if ((rc = ccm_render_text_part(r, fm.body ? fm.body : "",
				       fm.body ? fm.body_len : 0, 1)) < 0 ||
	    (rc = ccm_rout_maybe_flush(r)) < 0)
		goto out;
	if (any)
		rc = write_parts(r, s, &p, o, depth, idpath, boundary);
out:
	parts_close(&p);
	ccm_store_cursor_free(c);
	fields_release(&f);
	ccm_buf_release(&name);
	return rc < 0 ? rc : 0;
}

static int render(struct ccm_rout *r, struct ccm_store *s,
		  const struct ccm_store_message *m, const struct ccm_render_opts *o)
{
	struct fields f = { 0 };
	struct parts p = { 0 };
	struct ccm_rhead h;
	char boundary[64], uid[CCM_STORE_UID_LEN + 1];
	int rc, any;

	if (!(o && o->uid) && (rc = ccm_store_message_uid(uid, s, m, r->err)) < 0)
		return rc;
	if ((rc = fields_read(&f, s, m->id, r)) < 0)
		goto out;
	head_of(&h, m, &f, o && o->uid ? o->uid : uid, 0);
	if ((rc = ccm_store_senders_copy(&h.bcc, s, m, r->err)) < 0)
		goto out;
	ccm_render_headers(r, &h, o);
	removed_header(r, o);
	snprintf(boundary, sizeof(boundary), CCM_RENDER_BOUNDARY_STEM ".%lld", m->id);
	if ((rc = parts_open(&p, r, s, m->id, 1)) < 0)
		goto out;
	p.date_utc = h.date_utc;
	any = p.a_more || p.f_more;
	if (any)
		ccm_render_multipart_open(r, boundary);
	if ((rc = ccm_render_text_part(r, m->body ? m->body : "",
				       m->body ? m->body_len : 0, any)) < 0)
		goto out;
	if (any)
		rc = write_parts(r, s, &p, o, 0, "", boundary);
out:
	parts_close(&p);
	fields_release(&f);
	return rc < 0 ? rc : 0;
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
