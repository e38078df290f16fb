/* render_forward.c: forwarded messages, kept as cc:Mail export text, as message/rfc822 parts. */
#include "export/render_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/codepage.h"
#include "base/tz.h"
#include "ccmail/message.h"
#include "store/po.h"

#define PIECE 65536

/* The post office's settings, and what reading its text needs. */
struct fwd_state {
	const struct ccm_render_opts *o;
	struct ccm_manifest po;          /* the settings fields only */
	int usable;                  /* 0: render forwarded text as it is */
	int sniff_sizes;             /* no settings: counts as the text shows */
	struct ccm_cp *cp;
	struct ccm_tz *tz;
	struct ccm_report rep;
	unsigned char piece[PIECE];
};

/* Problems of a forwarded message's text were the post office's; what it
 * holds is still rendered, and nothing else reads them. */
static void discard(void *ctx, const struct ccm_diag *d)
{
	(void)ctx;
	(void)d;
}

void ccm_rfwd_release(struct ccm_rfwd *f)
{
	struct fwd_state *st = f->priv;

	if (st) {
		ccm_manifest_release(&st->po);
		ccm_cp_free(st->cp);
		ccm_tz_free(st->tz);
		free(st);
	}
	f->priv = NULL;
	f->looked_up = 0;
}

/*
 * Looks up the post office's settings once per stored message. Without
 * any (a store filled by `ccmig import` alone), the defaults of a
 * manifest apply: code page 437, MDY, MACBIN2 (which also takes RAW data
 * as it is), counts when the text has them. A code page or zone this
 * system lacks leaves the forwarded text as it is.
 */
static int settings(struct ccm_rout *r, struct ccm_rfwd *f, struct fwd_state **out)
{
	struct fwd_state *st = f->priv;
	struct ccm_buf t = CCM_BUF_INIT;
	int rc;

	*out = st;
	if (f->looked_up)
		return 0;
	if (!(st = calloc(1, sizeof(*st))))
		return ccm_rout_oom(r);
	f->priv = st;
	f->looked_up = 1;
	*out = st;
	st->rep.sink = discard;
	st->o = f->o;
	if ((rc = ccm_store_po_of_message(&t, f->s, f->msg, r->err)) < 0) {
		ccm_buf_release(&t);
		return rc;
	}
	if (rc > 0)
		rc = ccm_manifest_settings_parse(&st->po, t.ptr, r->err);
	else {
		st->sniff_sizes = 1;
		ccm_buf_reset(&t);
		ccm_buf_addf(&t, "post_office=%s", f->o && f->o->po_name ?
			     f->o->po_name : "");
		rc = ccm_manifest_settings_parse(&st->po, t.ptr, r->err);
		if (rc < 0)
			rc = ccm_rout_oom(r);
	}
	ccm_buf_release(&t);
	if (rc < 0)
		return rc;
	st->usable = ccm_cp_open(&st->cp, st->po.code_page, NULL) == 0 &&
		     ccm_tz_open(&st->tz, st->po.time_zone, NULL) == 0;
	return 0;
}

/* Whether text starts, after blank lines, with "Message:" (any case). */
static int looks_like_message(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == '\r' || p[i] == '\n' || p[i] == ' ' || p[i] == '\t'))
		i++;
	return n - i >= 8 && strncasecmp((const char *)p + i, "Message:", 8) == 0;
}

/* With no settings: counts are there when a number follows "Message:". */
static int sniff_item_sizes(const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] != ':')
		i++;
	for (i++; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (i < n && p[i] >= '0' && p[i] <= '9')
		return 1;                          /* "Message: 123" */
	while (i < n && (p[i] == '\r' || p[i] == '\n'))
		i++;
	return i < n && p[i] >= '0' && p[i] <= '9';
}

/* ---- temporary files ---------------------------------------------- */

/*
 * The reader reads files: forwarded text goes to a temporary file under
 * $TMPDIR, which is unlinked as soon as the reader has it open, so that
 * nothing is left behind. Memory stays flat however big the text.
 */
struct spool {
	int fd;
	char path[4096];
};

static int spool_open(struct ccm_rout *r, struct spool *sp)
{
	const char *dir = getenv("TMPDIR");

	snprintf(sp->path, sizeof(sp->path), "%s/ccmig-fwd-XXXXXX",
		 dir && *dir ? dir : "/tmp");
	if ((sp->fd = mkstemp(sp->path)) < 0)
		return ccm_error_sys(r->err, errno, "rendering message %lld: cannot make "
				     "a temporary file in '%s' (set TMPDIR to a folder "
				     "with room)", r->msg, dir && *dir ? dir : "/tmp");
	return 0;
}

static int spool_write(struct ccm_rout *r, struct spool *sp, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(sp->fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return ccm_error_sys(r->err, errno, "rendering message %lld: "
					     "cannot write '%s'", r->msg, sp->path);
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static void spool_close(struct spool *sp)
{
	if (sp->fd >= 0) {
		unlink(sp->path);
		close(sp->fd);
	}
	sp->fd = -1;
}

static long long fd_read(void *ctx, void *buf, size_t n, struct ccm_error *err)
{
	struct spool *sp = ctx;
	ssize_t got;

	do
		got = read(sp->fd, buf, n);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return ccm_error_sys(err, errno, "cannot read '%s'", sp->path);
	return got;
}

static long long item_read(void *ctx, void *buf, size_t n, struct ccm_error *err)
{
	return ccm_msgfile_read(ctx, buf, n, err);
}

/* Opens the reader on the spooled text and unlinks the file. */
static int spool_reader(struct ccm_rout *r, struct fwd_state *st, struct spool *sp,
			int item_sizes, struct ccm_msgfile **f)
{
	struct ccm_msgfile_opts mo;
	int rc;

	memset(&mo, 0, sizeof(mo));
	mo.display = "forwarded message";
	mo.cp = st->cp;
	mo.date_order = st->po.date_order;
	mo.tz = st->tz;
	mo.attachments = st->po.attachments;
	mo.item_sizes = item_sizes;
	mo.home_po = st->po.post_office && *st->po.post_office ? st->po.post_office : NULL;
	/* As in the store: a MacBinary file whole, so nothing of it is lost. */
	mo.keep_macbinary = 1;
	mo.rep = &st->rep;
	rc = ccm_msgfile_open(f, sp->path, &mo, r->err);
	unlink(sp->path);
	return rc;
}

/* ---- one forwarded message ------------------------------------------ */

/* A parsed address as the store would hold it: a display name, and the
 * address with its type ("CCMAIL:Smith, John at SALESPO", "SMTP:a@b"). */
static int addr_fields(const struct ccm_addr *a, struct ccm_buf *display,
		       struct ccm_buf *address)
{
	const char *prefix = a->kind == CCM_ADDR_BOARD ? "#" :
			     a->kind == CCM_ADDR_SYSTEM ? "~" : "";

	ccm_buf_reset(display);
	ccm_buf_reset(address);
	if (a->kind == CCM_ADDR_SMTP) {
		ccm_buf_adds(display, a->name);
		ccm_buf_addf(address, "SMTP:%s", a->name);
		return 0;
	}
	if (a->kind == CCM_ADDR_FOREIGN && a->ftype && a->faddr) {
		ccm_buf_adds(display, *a->name ? a->name : a->faddr);
		ccm_buf_addf(address, "%s:%s", a->ftype, a->faddr);
		return 0;
	}
	if (!a->name || !*a->name || a->kind == CCM_ADDR_EXTENDED) {
		ccm_buf_adds(display, a->name && *a->name ? a->name : a->raw);
		ccm_buf_addf(address, "CCMAIL:%s", a->raw);
		return 0;
	}
	ccm_buf_addf(display, "%s%s", prefix, a->name);
	ccm_buf_addf(address, "CCMAIL:%s%s", prefix, a->name);
	if (a->po)
		ccm_buf_addf(address, " at %s", a->po);
	return 0;
}

/* The header fields of a parsed message, owned here. */
struct nhead {
	struct ccm_rhead h;
	struct ccm_store_rcpt *rcpts;
	struct ccm_store_header *headers;
	struct ccm_buf *strs;            /* display and address of each */
	size_t n_strs;
};

static void nhead_release(struct nhead *n)
{
	for (size_t i = 0; i < n->n_strs; i++)
		ccm_buf_release(&n->strs[i]);
	free(n->strs);
	free(n->rcpts);
	free(n->headers);
}

static int nhead_build(struct nhead *n, const struct ccm_message *m)
{
	const struct ccm_addrlist *lists[3] = { &m->to, &m->cc, &m->bcc };
	size_t total = m->to.len + m->cc.len + m->bcc.len, k = 0;

	memset(n, 0, sizeof(*n));
	n->rcpts = calloc(total ? total : 1, sizeof(*n->rcpts));
	n->headers = calloc(m->n_extra ? m->n_extra : 1, sizeof(*n->headers));
	n->strs = calloc(2 * (total + 1), sizeof(*n->strs));
	if (!n->rcpts || !n->headers || !n->strs)
		return CCM_ENOMEM;
	n->n_strs = 2 * (total + 1);
	for (size_t i = 0; i < n->n_strs; i++)
		ccm_buf_init(&n->strs[i]);
	if (m->from_text) {
		if (addr_fields(&m->from, &n->strs[0], &n->strs[1]))
			return CCM_ENOMEM;
		n->h.sender_name = n->strs[0].ptr;
		n->h.sender_address = n->strs[1].ptr;
	}
	for (int l = 0; l < 3; l++)
		for (size_t i = 0; i < lists[l]->len; i++, k++) {
			struct ccm_buf *d = &n->strs[2 + 2 * k];

			if (addr_fields(&lists[l]->v[i], d, d + 1))
				return CCM_ENOMEM;
			n->rcpts[k].kind = CCM_RCPT_TO + l;
			n->rcpts[k].display = d->ptr;
			n->rcpts[k].address = d[1].ptr;
		}
	for (size_t i = 0; i < m->n_extra; i++) {
		n->headers[i].name = m->extra[i].key;
		n->headers[i].value = m->extra[i].value;
	}
	n->h.rcpts = n->rcpts;
	n->h.n_rcpts = total;
	n->h.headers = n->headers;
	n->h.n_headers = m->n_extra;
	n->h.subject = m->subject;
	n->h.priority = m->priority == CCM_PRIO_URGENT ? 1 :
			m->priority == CCM_PRIO_LOW ? -1 : 0;
	if (m->date_state == CCM_DATE_OK) {
		n->h.has_sent = 1;
		n->h.sent_utc = m->date.utc;
	}
	return 0;
}

/* A Message item's name: its title (or "Forwarded message") with .ccm,
 * as the store names the forwarded messages it keeps. */
static int item_message_name(const struct ccm_item *it, struct ccm_buf *out)
{
	ccm_buf_reset(out);
	ccm_buf_adds(out, *it->title ? it->title : "Forwarded message");
	ccm_buf_adds(out, ".ccm");
	return 0;
}

/* "Fwd.ccm" is "Fwd.eml" once it is a message/rfc822 part. */
static int eml_name(const char *name, struct ccm_buf *out)
{
	size_t n = strlen(name && *name ? name : "Forwarded message.ccm");

	ccm_buf_reset(out);
	ccm_buf_add(out, name && *name ? name : "Forwarded message.ccm", n);
	if (n > 4 && strcasecmp(out->ptr + n - 4, ".ccm") == 0)
		ccm_buf_truncate(out, n - 4);
	ccm_buf_adds(out, ".eml");
	return 0;
}

static int render_nested(struct ccm_rout *r, struct fwd_state *st,
			 struct ccm_msgfile *f, int depth, const char *idpath,
			 const char *name, int *done);

/* Pass 1: the text items, joined as the store joins a body (a titled
 * item's title on a line of its own first); counts the other items. */
static int collect_body(struct ccm_rout *r, struct fwd_state *st,
			struct ccm_msgfile *f, struct ccm_buf *body, size_t *parts)
{
	const struct ccm_item *it;
	int rc;

	*parts = 0;
	while ((rc = ccm_msgfile_next_item(f, &it, r->err)) > 0) {
		ssize_t got;

		if (it->kind != CCM_ITEM_TEXT) {
			(*parts)++;
			continue;
		}
		if (*it->title) {
			ccm_buf_adds(body, it->title);
			ccm_buf_add(body, "\r\n", 2);
		}
		while ((got = ccm_msgfile_read(f, st->piece, PIECE, r->err)) > 0)
			ccm_buf_add(body, st->piece, (size_t)got);
		if (got < 0)
			return (int)got;
	}
	return rc;
}

/* A Message item: rendered as message/rfc822 when it can be, else its
 * export text as an attachment, with a description saying why. */
static int nested_item(struct ccm_rout *r, struct fwd_state *st,
		       struct ccm_msgfile *f, const struct ccm_item *it,
		       int depth, const char *idpath)
{
	struct ccm_buf name = CCM_BUF_INIT, sub = CCM_BUF_INIT;
	struct ccm_msgfile *nf = NULL;
	struct spool sp = { -1, "" };
	const char *why = NULL;
	char deep[128];
	ssize_t got;
	int rc, done = 0;

	if (item_message_name(it, &name)) {
		rc = ccm_rout_oom(r);
		goto out;
	}
	ccm_buf_addf(&sub, "%s.%ld", idpath, it->index);
	if ((rc = spool_open(r, &sp)) < 0)
		goto out;
	while ((got = ccm_msgfile_read(f, st->piece, PIECE, r->err)) > 0)
		if ((rc = spool_write(r, &sp, st->piece, (size_t)got)) < 0)
			goto out;
	if ((rc = (int)got) < 0 || lseek(sp.fd, 0, SEEK_SET) < 0) {
		rc = rc < 0 ? rc : ccm_error_sys(r->err, errno, "cannot read '%s'", sp.path);
		goto out;
	}
	if (depth >= CCM_RENDER_MAX_DEPTH) {
		if (st->o && st->o->kept_deep)
			(*st->o->kept_deep)++;
		snprintf(deep, sizeof(deep), "a forwarded message nested more than %d "
			 "deep: kept as the cc:Mail export text it came in",
			 CCM_RENDER_MAX_DEPTH);
		why = deep;
	} else {
		int n = (int)read(sp.fd, st->piece, 512);

		if (n > 0 && looks_like_message(st->piece, (size_t)n) &&
		    lseek(sp.fd, 0, SEEK_SET) == 0) {
			if ((rc = spool_reader(r, st, &sp, st->sniff_sizes ?
					       sniff_item_sizes(st->piece, (size_t)n) :
					       st->po.item_sizes, &nf)) < 0)
				goto out;
			if ((rc = render_nested(r, st, nf, depth + 1, sub.ptr, name.ptr,
						&done)) < 0)
				goto out;
		}
		if (!done)
			why = "a forwarded message that could not be read: kept as the "
			      "cc:Mail export text it came in";
	}
	if (!done) {
		if (lseek(sp.fd, 0, SEEK_SET) < 0) {
			rc = ccm_error_sys(r->err, errno, "cannot read '%s'", sp.path);
			goto out;
		}
		if ((rc = ccm_render_part_headers(r, NULL, name.ptr, why)) < 0 ||
		    (rc = ccm_render_base64(r, fd_read, &sp)) < 0)
			goto out;
	}
	rc = 0;
out:
	ccm_msgfile_close(nf);
	spool_close(&sp);
	ccm_buf_release(&name);
	ccm_buf_release(&sub);
	return rc;
}

/* Pass 2: every item that is not text, in order, each a part. */
static int write_parts(struct ccm_rout *r, struct fwd_state *st,
		       struct ccm_msgfile *f, int depth, const char *idpath,
		       const char *boundary)
{
	const struct ccm_message *m;
	const struct ccm_item *it;
	int rc;

	if ((rc = ccm_msgfile_rewind(f, &m, r->err)) < 0)
		return rc;
	while ((rc = ccm_msgfile_next_item(f, &it, r->err)) > 0) {
		if (it->kind == CCM_ITEM_TEXT)
			continue;
		ccm_buf_addf(&r->b, "\r\n--%s\r\n", boundary);
		if (it->kind == CCM_ITEM_MESSAGE)
			rc = nested_item(r, st, f, it, depth, idpath);
		else if ((rc = ccm_render_part_headers(r, NULL, it->name, NULL)) == 0)
			rc = ccm_render_base64(r, item_read, f);
		if (rc < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	ccm_buf_addf(&r->b, "\r\n--%s--\r\n", boundary);
	return 0;
}

/*
 * The message of reader f, at nesting `depth` (1: forwarded in a stored
 * message), as a message/rfc822 part named `name` (.ccm becomes .eml).
 * Sets *done when it wrote the part; leaves it 0, writing nothing, when f
 * holds no message.
 */
static int render_nested(struct ccm_rout *r, struct fwd_state *st,
			 struct ccm_msgfile *f, int depth, const char *idpath,
			 const char *name, int *done)
{
	const struct ccm_message *m;
	struct ccm_buf body = CCM_BUF_INIT, eml = CCM_BUF_INIT;
	struct nhead nh;
	char boundary[96];
	size_t parts = 0;
	int rc;

	*done = 0;
	memset(&nh, 0, sizeof(nh));
	if ((rc = ccm_msgfile_next(f, &m, r->err)) <= 0)
		return rc;
	*done = 1;
	/* Not a prefix of the enclosing boundaries, nor they of it: some
	 * readers match a delimiter line by its start. */
	snprintf(boundary, sizeof(boundary), CCM_RENDER_BOUNDARY_STEM "-%lld%s=",
		 r->msg, idpath);
	if (eml_name(name, &eml) || nhead_build(&nh, m)) {
		rc = ccm_rout_oom(r);
		goto out;
	}
	if ((rc = ccm_render_part_headers(r, "message/rfc822", eml.ptr, NULL)) < 0 ||
	    (rc = ccm_render_headers(r, &nh.h, st->o)) < 0)
		goto out;
	/* The headers were written: the reader may reuse their memory. */
	nhead_release(&nh);
	memset(&nh, 0, sizeof(nh));
	if ((rc = collect_body(r, st, f, &body, &parts)) < 0 ||
	    (parts > 0 && (rc = ccm_render_multipart_open(r, boundary)) < 0) ||
	    (rc = ccm_render_text_part(r, body.ptr, body.len, 1)) < 0 ||
	    (rc = ccm_rout_maybe_flush(r)) < 0)
		goto out;
	ccm_buf_release(&body);
	if (parts > 0)
		rc = write_parts(r, st, f, depth, idpath, boundary);
out:
	nhead_release(&nh);
	ccm_buf_release(&body);
	ccm_buf_release(&eml);
	return rc;
}

/* ---- a forwarded message of the store ------------------------------- */

static int ends_ccm(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n > 4 && strcasecmp(name + n - 4, ".ccm") == 0;
}

int ccm_render_forward_attachment(struct ccm_rout *r, struct ccm_rfwd *f,
				  const struct ccm_store_attachment *a)
{
	struct ccm_store_blob *bl = NULL;
	struct ccm_msgfile *mf = NULL;
	struct spool sp = { -1, "" };
	struct fwd_state *st;
	size_t head = 0;
	long long got;
	char idpath[32];
	int rc, done = 0, first = 1;

	if (!ends_ccm(a->name) || a->blob_id <= 0)
		return 0;
	if ((rc = settings(r, f, &st)) < 0 || !st->usable)
		return rc;
	if ((rc = ccm_store_blob_open(&bl, f->s, a->blob_id, NULL, r->err)) < 0)
		return rc;
	/* The text goes to a temporary file once its start says it is a
	 * message; anything else is left to be an ordinary attachment. */
	while ((got = ccm_store_blob_read(bl, st->piece, PIECE, r->err)) > 0) {
		if (first) {
			first = 0;
			head = (size_t)got < 512 ? (size_t)got : 512;
			if (!looks_like_message(st->piece, head))
				goto out;
			if ((rc = spool_open(r, &sp)) < 0)
				goto out;
		}
		if ((rc = spool_write(r, &sp, st->piece, (size_t)got)) < 0)
			goto out;
	}
	if ((rc = (int)got) < 0 || sp.fd < 0)
		goto out;
	if (pread(sp.fd, st->piece, 512, 0) < (ssize_t)head) {
		rc = ccm_error_sys(r->err, errno, "cannot read '%s'", sp.path);
		goto out;
	}
	if ((rc = spool_reader(r, st, &sp, st->sniff_sizes ?
			       sniff_item_sizes(st->piece, head) : st->po.item_sizes,
			       &mf)) < 0)
		goto out;
	snprintf(idpath, sizeof(idpath), ".%d", a->seq);
	rc = render_nested(r, st, mf, 1, idpath, a->name, &done);
out:
	ccm_msgfile_close(mf);
	spool_close(&sp);
	ccm_store_blob_close(bl);
	return rc < 0 ? rc : done;
}
