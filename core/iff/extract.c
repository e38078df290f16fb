/* extract.c: a post office bundle to a migration file set. */
#include "iff/extract.h"
#include "iff/addrform.h"
#include "iff/placing.h"
#include "base/codepage.h"
#include "base/drop_note.h"
#include "base/fault.h"
#include "iff/writer.h"
#include "base/date.h"
#include "base/spool.h"
#include "ccmail/fingerprint.h"
#include "ccmail/names.h"
#include "iff/srcid.h"

#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define BODY_MEMORY (1024 * 1024)
#define PIECE 65536

/* An attachment of the message being written, measured in pass 1. */
struct att {
	char *name;
	unsigned long long size;
	long long position;        /* bytes of body before it */
	int macbinary;
	enum ccm_item_kind kind;
	int dropped;               /* a policy left it out: read, not written */
	long fwd;                  /* the forwarded message it is (x->fwds), or -1 */
};

/* A forwarded message the reader followed (nest()), for the message hook
 * and for leaving attachments out of it. */
struct fwd {
	struct ccm_message msg;    /* its headers, copied */
	unsigned long long body_size, size;
	long holder;               /* the natt it is, or -1: the top-level att `top` */
	size_t top;
	int drops_below;           /* a policy leaves something inside it out */
};

/* An attachment of a forwarded message. */
struct natt {
	long in;                   /* the forwarded message it is in (x->fwds) */
	size_t index;              /* its place among that one's attachments */
	char *name;
	unsigned long long size;
	enum ccm_item_kind kind;
	long fwd;                  /* the forwarded message it is, or -1 */
	int dropped;
	const char *by;            /* who left it out */
};

/* How far a message was read before its policy's message hook ran: the
 * pass write_message makes first, made early (prepare) so that the hook
 * sees the attachments without the message being read once more. */
enum prepared {
	PREP_NONE = 0,
	PREP_SCANNED,              /* scan(): fingerprint final, atts listed */
	PREP_MEASURED              /* measure(): body spooled, text items
				      fingerprinted, atts listed */
};

/* What the policy said of a user, decided once so that the directory rows
 * and the sections agree. */
struct decision {
	int skip;
	char *why;                  /* a policy's no: who said it */
	char *alias, *display, *first, *last;
	char **addresses;
	size_t n_addresses;
};

struct xctx {
	struct ccm_bundle *b;
	const struct ccm_extract_opts *o;
	struct ccm_iff_writer *w;
	struct ccm_extract_stats *st;
	struct ccm_error *err;
	struct ccm_spool body;
	struct att *atts;
	size_t n_atts, cap_atts;
	struct ccm_buf enc, carry, tmp, folder;
	char piece[PIECE];
	const char *owner;          /* the mailbox's cc:Mail name, NULL for boards */
	/* The message being written was in the owner's Message Log or Drafts
	 * in the post office: the owner sent it (or will). Decided before a
	 * policy moves it, so that where a policy puts a message never
	 * changes who sent it. */
	int by_owner;
	struct decision *users;     /* the policy's word on each directory entry */
	int policy_failed;          /* the error being returned is a hook's */
	char **used_aliases;
	size_t n_aliases;
	/* the source identity of the message being written (iff/srcid.h) */
	struct ccm_fp fp;
	struct ccm_fp_seen seen;    /* fingerprints of the owner so far */
	struct ccm_srcid id;
	struct ccm_buf line;
	int owner_held;             /* the store holds messages of this owner */
	const struct ccm_dir_entry *owner_entry;  /* NULL for boards */
	enum prepared prepared;     /* of the message being written */
	unsigned long long body_utf8;   /* its text items' bytes, as read */
	char body_end;              /* the last byte of its body so far */
	struct ccm_policy_att *patts;   /* its attachments, for the hook */
	size_t cap_patts;
	struct ccm_buf dropped, why;    /* its srcid's dropped= and why= */
	/* the forwarded messages inside it and their attachments (nest()),
	 * and the same for the hook */
	struct fwd *fwds;
	size_t n_fwds, cap_fwds;
	struct natt *nest;
	size_t n_nest, cap_nest;
	struct ccm_policy_fwd *pfwds;
	struct ccm_policy_att *pnest;
	struct ccm_spool fwtext;        /* a forwarded message's text being rewritten */
};

/* ---- small helpers ------------------------------------------------------ */

static void note(struct xctx *x, enum ccm_severity sev, const char *kind,
		 const char *file, long long offset, const char *user, long msg,
		 const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static void note(struct xctx *x, enum ccm_severity sev, const char *kind,
		 const char *file, long long offset, const char *user, long msg,
		 const char *fmt, ...)
{
	struct ccm_diag d = { sev, kind, 0, file, 0, offset, user, msg, NULL };
	va_list ap;

	va_start(ap, fmt);
	ccm_reportv(x->b->rep, &d, fmt, ap);
	va_end(ap);
}

void ccm_extract_safe_name(struct ccm_buf *out, const char *po)
{
	struct ccm_buf fold = CCM_BUF_INIT;

	ccm_buf_reset(out);
	ccm_ascii_fold(&fold, po);
	for (size_t i = 0; i < fold.len && out->len < 40; i++) {
		char c = fold.ptr[i];
		if (isalnum((unsigned char)c) || c == '-' || c == '_')
			ccm_buf_addch(out, c);
		else if (out->len && out->ptr[out->len - 1] != '_')
			ccm_buf_addch(out, '_');
	}
	ccm_buf_release(&fold);
	if (out->len == 0)
		ccm_buf_adds(out, "PO");
}

/* The MAILMESSAGE/PAB address of a mailbox (spec 12.1). */
static void mailbox_address(struct xctx *x, const char *name, struct ccm_buf *out)
{
	ccm_buf_reset(out);
	ccm_buf_addf(out, "CCMAIL:%s at %s", name, x->b->manifest.post_office);
}

/*
 * The policy's address hook on a: 1 with *mapped set when a policy maps
 * it, 0 when none does (or there is no hook), or the hook's negative
 * code (err filled; the error is the policy's).
 */
static int address_hook(struct xctx *x, const struct ccm_addr *a, const char **mapped)
{
	const struct ccm_policy *pol = x->o->policy;
	int rc;

	if (!pol || !pol->address)
		return 0;
	if ((rc = pol->address(pol->ctx, a, mapped, x->err)) <= 0)
		x->policy_failed = rc < 0;
	return rc;
}

/*
 * A sender or recipient, after the policy's address hook: a mapped address
 * is written "Display [TYPE:address]" with the display name 12.7 gives.
 * Returns 0, or the hook's negative code (err filled).
 */
static int addr_display(struct xctx *x, const struct ccm_addr *a, struct ccm_buf *out)
{
	const char *mapped = NULL;
	int rc;

	ccm_addrform_write(out, a, &x->b->dir);
	if ((rc = address_hook(x, a, &mapped)) <= 0)
		return rc;
	{
		/* Keep the display part, drop any [..] the form had. */
		char *br = strstr(out->ptr, " [");
		if (br)
			ccm_buf_truncate(out, (size_t)(br - out->ptr));
		ccm_buf_addf(out, " [%s]", mapped);
		return 0;
	}
}

/*
 * The sender of a copy the mailbox's owner sent (Message Log, Drafts),
 * which the post office writes without a From line: the owner, through
 * the address hook as the owner named anywhere else would be, so that a
 * policy that gives users SMTP addresses gives them to their sent mail
 * too. Returns 0, or the hook's negative code (err filled).
 */
static int owner_display(struct xctx *x, struct ccm_buf *out)
{
	const char *mapped = NULL;
	struct ccm_addr a = { 0 };
	int rc;

	ccm_buf_reset(out);
	ccm_name_display(out, x->owner);
	a.kind = CCM_ADDR_USER;
	a.name = (char *)x->owner;
	a.po = (char *)x->b->manifest.post_office;
	a.raw = (char *)x->owner;
	a.resolved = 1;
	if ((rc = address_hook(x, &a, &mapped)) <= 0)
		return rc;
	ccm_buf_addf(out, " [%s]", mapped);
	return 0;
}

/* A recipient list as the values of one multi-valued field. */
static int field_addrs(struct xctx *x, const struct ccm_addrlist *l)
{
	char **v = calloc(l->len ? l->len : 1, sizeof(*v));
	struct ccm_buf one = CCM_BUF_INIT;
	int rc = v ? 0 : CCM_ENOMEM;

	for (size_t i = 0; rc == 0 && i < l->len; i++) {
		rc = addr_display(x, &l->v[i], &one);
		if (rc == 0 && !(v[i] = ccm_strdup(one.ptr)))
			rc = ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
	}
	if (rc == 0)
		rc = ccm_iff_writer_field_multi(x->w, (const char *const *)v, l->len, x->err);
	for (size_t i = 0; v && i < l->len; i++)
		free(v[i]);
	free(v);
	ccm_buf_release(&one);
	return rc;
}

/* ---- the body: text items joined, converted, spooled ---------------------- */

/* Length of the longest prefix of s that ends on a whole UTF-8 character. */
static size_t whole_utf8(const char *s, size_t n)
{
	size_t i = n, back = 0;

	while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--, back++;
	if (i == 0)
		return n;
	{
		unsigned char lead = (unsigned char)s[i - 1];
		size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
		return back + 1 >= want ? n : i - 1;
	}
}

/* Converts UTF-8 text that may arrive split inside a character. */
static int body_text(struct xctx *x, const char *p, size_t n, int final)
{
	size_t take;
	int rc;

	if (n)
		x->body_end = p[n - 1];
	ccm_buf_add(&x->carry, p, n);
	take = final ? x->carry.len : whole_utf8(x->carry.ptr, x->carry.len);
	ccm_buf_reset(&x->enc);
	ccm_iff_writer_encode(&x->enc, x->w, x->carry.ptr, take);
	memmove(x->carry.ptr, x->carry.ptr + take, x->carry.len - take);
	ccm_buf_truncate(&x->carry, x->carry.len - take);
	rc = ccm_spool_write(&x->body, x->enc.ptr, x->enc.len, x->err);
	return rc;
}

static int add_att(struct xctx *x, const char *name, unsigned long long size,
		   int macbinary, enum ccm_item_kind kind)
{
	struct att *a;

	if (x->n_atts == x->cap_atts) {
		size_t cap = x->cap_atts ? x->cap_atts * 2 : 8;
		a = realloc(x->atts, cap * sizeof(*a));
		if (!a)
			return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
		x->atts = a;
		x->cap_atts = cap;
	}
	a = &x->atts[x->n_atts];
	a->name = ccm_strdup(name);
	if (!a->name)
		return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
	/* A line end in a name would break its header line: names are data,
	 * so it becomes a space rather than anything being dropped. */
	for (char *p = a->name; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	a->size = size;
	a->position = (long long)x->body.len;
	a->macbinary = macbinary;
	a->kind = kind;
	a->dropped = 0;
	a->fwd = -1;
	x->n_atts++;
	return 0;
}

static void clear_nest(struct xctx *x)
{
	for (size_t i = 0; i < x->n_fwds; i++)
		ccm_message_release(&x->fwds[i].msg);
	for (size_t i = 0; i < x->n_nest; i++)
		free(x->nest[i].name);
	x->n_fwds = x->n_nest = 0;
}

static void clear_atts(struct xctx *x)
{
	for (size_t i = 0; i < x->n_atts; i++)
		free(x->atts[i].name);
	x->n_atts = 0;
	clear_nest(x);
}

/* The attachment name of a Message item (a forwarded message). */
static void forwarded_name(const struct ccm_item *it, struct ccm_buf *out)
{
	ccm_buf_reset(out);
	ccm_buf_adds(out, *it->title ? it->title : "Forwarded message");
	ccm_buf_adds(out, ".ccm");
}

/* Pass 1: the body, and every attachment's name, size and place. */
static int measure(struct xctx *x, struct ccm_msgfile *f)
{
	const struct ccm_item *it;
	int rc;

	ccm_spool_reset(&x->body);
	ccm_buf_reset(&x->carry);
	clear_atts(x);
	x->body_utf8 = 0;
	x->body_end = '\n';
	while ((rc = ccm_msgfile_next_item(f, &it, x->err)) > 0) {
		ssize_t got;

		if (it->kind == CCM_ITEM_TEXT) {
			if (ccm_fp_item_begin(&x->fp, it) < 0)
				return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
			if (*it->title) {
				/* Titles of text items are kept as a line of their own. */
				x->body_utf8 += strlen(it->title) + 2;
				if ((rc = body_text(x, it->title, strlen(it->title), 0)) < 0 ||
				    (rc = body_text(x, "\r\n", 2, 0)) < 0)
					return rc;
			}
			while ((got = ccm_msgfile_read(f, x->piece, PIECE, x->err)) > 0) {
				x->body_utf8 += (unsigned long long)got;
				ccm_fp_item_update(&x->fp, x->piece, (size_t)got);
				if ((rc = body_text(x, x->piece, (size_t)got, 0)) < 0)
					return rc;
			}
			if (got < 0)
				return (int)got;
			ccm_fp_item_end(&x->fp);
			continue;
		}
		{
			unsigned long long size = 0;
			const char *name = it->name;

			if (it->kind == CCM_ITEM_MESSAGE) {
				forwarded_name(it, &x->tmp);
				name = x->tmp.ptr;
			}
			if (it->size >= 0 && it->kind != CCM_ITEM_MESSAGE) {
				size = (unsigned long long)it->size;
			} else {
				while ((got = ccm_msgfile_read(f, x->piece, PIECE, x->err)) > 0)
					size += (unsigned long long)got;
				if (got < 0)
					return (int)got;
			}
			if ((rc = add_att(x, name, size, it->macbinary, it->kind)) < 0)
				return rc;
		}
	}
	if (rc < 0)
		return rc;
	return body_text(x, "", 0, 1);
}

static int spool_to_section(void *ctx, const void *p, size_t n, struct ccm_error *err)
{
	return ccm_iff_writer_sec_data(ctx, p, n, err);
}

/* Reads the current item's data into the fingerprint alone: an
 * attachment a policy left out is still part of the message's identity. */
static int fp_item_only(struct xctx *x, struct ccm_msgfile *f, const struct ccm_item *it)
{
	ssize_t got;

	if (ccm_fp_item_begin(&x->fp, it) < 0)
		return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
	while ((got = ccm_msgfile_read(f, x->piece, PIECE, x->err)) > 0)
		ccm_fp_item_update(&x->fp, x->piece, (size_t)got);
	ccm_fp_item_end(&x->fp);
	return got < 0 ? (int)got : 0;
}

/* ---- what the message hook sees ----------------------------------------- */

/*
 * Pass 1 of a message the store may hold (x->owner_held), when a message
 * hook needs it measured: the fingerprint over every item, as
 * ccm_fp_message makes it, and each attachment's name, size and kind and
 * the body's size, counted as measure() counts them, without converting
 * or spooling anything. The reader is left after the last item.
 */
static int scan(struct xctx *x, struct ccm_msgfile *f, const struct ccm_message *m)
{
	const struct ccm_item *it;
	int rc;

	ccm_fp_begin(&x->fp, m);
	clear_atts(x);
	x->body_utf8 = 0;
	while ((rc = ccm_msgfile_next_item(f, &it, x->err)) > 0) {
		unsigned long long size = 0;
		const char *name = it->name;
		ssize_t got;

		if (ccm_fp_item_begin(&x->fp, it) < 0)
			return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
		while ((got = ccm_msgfile_read(f, x->piece, PIECE, x->err)) > 0) {
			ccm_fp_item_update(&x->fp, x->piece, (size_t)got);
			size += (unsigned long long)got;
		}
		if (got < 0)
			return (int)got;
		ccm_fp_item_end(&x->fp);
		if (it->kind == CCM_ITEM_TEXT) {
			x->body_utf8 += size + (*it->title ? strlen(it->title) + 2 : 0);
			continue;
		}
		if (it->kind == CCM_ITEM_MESSAGE) {
			forwarded_name(it, &x->tmp);
			name = x->tmp.ptr;
		} else if (it->size >= 0) {
			size = (unsigned long long)it->size;
		}
		if ((rc = add_att(x, name, size, it->macbinary, it->kind)) < 0)
			return rc;
	}
	if (rc < 0)
		return rc;
	ccm_fp_final(x->id.fp, &x->fp);
	return 0;
}

/* Room for one more in a growing array (v, n, cap), or CCM_ENOMEM. */
static int grow(void **v, size_t n, size_t *cap, size_t size, struct ccm_error *err)
{
	void *nv;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 8;
	if (!(nv = realloc(*v, c * size)))
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	*v = nv;
	*cap = c;
	return 0;
}

/* Keeps the headers of the forwarded message the reader entered. */
static int add_fwd(struct xctx *x, const struct ccm_message *m, long holder, size_t top)
{
	struct fwd *w;
	int rc;

	if ((rc = grow((void **)&x->fwds, x->n_fwds, &x->cap_fwds, sizeof(*w), x->err)) < 0)
		return rc;
	w = &x->fwds[x->n_fwds];
	memset(w, 0, sizeof(*w));
	if (ccm_message_copy(&w->msg, m) < 0)
		return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
	w->holder = holder;
	w->top = top;
	return (int)x->n_fwds++;
}

/* Bytes of the current item's data, read to its end. */
static long long data_bytes(struct xctx *x, struct ccm_msgfile *f)
{
	long long n = 0;
	ssize_t got;

	while ((got = ccm_msgfile_read(f, x->piece, PIECE, x->err)) > 0)
		n += got;
	return got < 0 ? got : n;
}

/*
 * The items of forwarded message fi, which the reader entered: its body's
 * size, and each attachment (a forwarded message with a usable count is
 * entered in turn: the count is its size, and what a rewrite that leaves
 * something inside it out needs).
 */
static int nest_items(struct xctx *x, struct ccm_msgfile *f, long fi)
{
	const struct ccm_message *inner;
	const struct ccm_item *it;
	unsigned long long body = 0, atts = 0;
	size_t n = 0;
	int rc;

	while ((rc = ccm_msgfile_next_item(f, &it, x->err)) > 0) {
		struct natt *a;
		long long size;
		long at;

		if (it->kind == CCM_ITEM_TEXT) {
			if ((size = data_bytes(x, f)) < 0)
				return (int)size;
			body += (unsigned long long)size + (*it->title ? strlen(it->title) + 2 : 0);
			continue;
		}
		if ((rc = grow((void **)&x->nest, x->n_nest, &x->cap_nest, sizeof(*a),
			       x->err)) < 0)
			return rc;
		at = (long)x->n_nest++;
		a = &x->nest[at];
		memset(a, 0, sizeof(*a));
		a->in = fi;
		a->index = ++n;
		a->kind = it->kind;
		a->fwd = -1;
		if (it->kind == CCM_ITEM_MESSAGE)
			forwarded_name(it, &x->tmp);
		else
			ccm_buf_set(&x->tmp, it->name ? it->name : "", it->name ? strlen(it->name) : 0);
		if (!(a->name = ccm_strdup(x->tmp.ptr)))
			return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
		if (it->kind == CCM_ITEM_MESSAGE && it->count >= 0) {
			x->nest[at].size = (unsigned long long)it->count;
			if ((rc = ccm_msgfile_enter(f, &inner, x->err)) < 0)
				return rc;
			if (rc > 0) {
				if ((rc = add_fwd(x, inner, at, x->fwds[fi].top)) < 0)
					return rc;
				x->nest[at].fwd = rc;
				if ((rc = nest_items(x, f, x->nest[at].fwd)) < 0)
					return rc;
			}
		} else if (it->kind != CCM_ITEM_MESSAGE && it->size >= 0) {
			a->size = (unsigned long long)it->size;
		} else {
			if ((size = data_bytes(x, f)) < 0)
				return (int)size;
			a->size = (unsigned long long)size;
		}
		atts += x->nest[at].size;
	}
	if (rc < 0)
		return rc;
	x->fwds[fi].body_size = body;
	x->fwds[fi].size = body + atts;
	return 0;
}

/*
 * After pass 1 of a message with forwarded messages: the reader reads it
 * again, entering each one (problems inside are not reported: extract
 * copies forwarded messages as they are), for what the hook sees of them.
 * The reader is left after the last item, as pass 1 left it.
 */
static int nest(struct xctx *x, struct ccm_msgfile *f)
{
	const struct ccm_message *m;
	const struct ccm_item *it;
	size_t k = 0;
	int rc, any = 0;

	for (size_t i = 0; i < x->n_atts; i++)
		any |= x->atts[i].kind == CCM_ITEM_MESSAGE;
	if (!any)
		return 0;
	if ((rc = ccm_msgfile_rewind(f, &m, x->err)) < 0)
		return rc;
	while ((rc = ccm_msgfile_next_item(f, &it, x->err)) > 0) {
		if (it->kind == CCM_ITEM_TEXT || k >= x->n_atts)
			continue;
		if (it->kind == CCM_ITEM_MESSAGE) {
			if ((rc = ccm_msgfile_enter(f, &m, x->err)) < 0)
				return rc;
			if (rc > 0) {
				if ((rc = add_fwd(x, m, -1, k)) < 0)
					return rc;
				x->atts[k].fwd = rc;
				if ((rc = nest_items(x, f, rc)) < 0)
					return rc;
			}
		}
		k++;
	}
	return rc;
}

/*
 * What the hook sees of the forwarded messages nest() read: each one's
 * attachments side by side in x->pnest, as a message's are.
 */
static int nest_for_hook(struct xctx *x)
{
	size_t *start, next = 0;

	free(x->pfwds);
	free(x->pnest);
	x->pfwds = calloc(x->n_fwds ? x->n_fwds : 1, sizeof(*x->pfwds));
	x->pnest = calloc(x->n_nest ? x->n_nest : 1, sizeof(*x->pnest));
	start = calloc(x->n_fwds ? x->n_fwds : 1, sizeof(*start));
	if (!x->pfwds || !x->pnest || !start) {
		free(start);
		return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < x->n_nest; i++)
		x->pfwds[x->nest[i].in].n_atts++;
	for (size_t i = 0; i < x->n_fwds; i++) {
		start[i] = next;
		next += x->pfwds[i].n_atts;
		x->pfwds[i].msg = &x->fwds[i].msg;
		x->pfwds[i].body_size = x->fwds[i].body_size;
		x->pfwds[i].size = x->fwds[i].size;
		x->pfwds[i].atts = x->pnest + start[i];
	}
	for (size_t i = 0; i < x->n_nest; i++) {
		const struct natt *a = &x->nest[i];
		struct ccm_policy_att *p = &x->pnest[start[a->in] + a->index - 1];

		p->name = a->name;
		p->size = a->size;
		p->kind = a->kind;
		p->message = a->fwd >= 0 ? &x->pfwds[a->fwd] : NULL;
	}
	free(start);
	return 0;
}

/*
 * Reads the message at f for its message hook, in the pass write_message
 * would make first anyway (so no message is read more often for having a
 * policy), and describes it in *info (valid until the next message).
 */
static int prepare(struct xctx *x, struct ccm_msgfile *f, const struct ccm_message *m,
		   struct ccm_policy_msginfo *info)
{
	int rc;

	if (x->owner_held) {
		rc = scan(x, f, m);
		x->prepared = PREP_SCANNED;
	} else {
		ccm_fp_begin(&x->fp, m);
		rc = measure(x, f);
		x->prepared = PREP_MEASURED;
	}
	if (rc < 0 || (rc = nest(x, f)) < 0 || (rc = nest_for_hook(x)) < 0)
		return rc;
	if (x->n_atts > x->cap_patts) {
		struct ccm_policy_att *v = realloc(x->patts, x->n_atts * sizeof(*v));
		if (!v)
			return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
		x->patts = v;
		x->cap_patts = x->n_atts;
	}
	info->owner = x->owner_entry;
	info->post_office = x->b->manifest.post_office;
	info->body_size = info->size = x->body_utf8;
	info->atts = x->patts;
	info->n_atts = x->n_atts;
	for (size_t i = 0; i < x->n_atts; i++) {
		x->patts[i].name = x->atts[i].name;
		x->patts[i].size = x->atts[i].size;
		x->patts[i].kind = x->atts[i].kind;
		x->patts[i].message = x->atts[i].fwd >= 0 ? &x->pfwds[x->atts[i].fwd] : NULL;
		info->size += x->atts[i].size;
	}
	return 0;
}

/* The attachment `index` of forwarded message fi, or -1. */
static long find_natt(const struct xctx *x, long fi, size_t index)
{
	for (size_t i = 0; i < x->n_nest; i++)
		if (x->nest[i].in == fi && x->nest[i].index == index)
			return (long)i;
	return -1;
}

/* A note that stands for attachment `name` of `size` bytes, left out by
 * policy `by`, appended to out. */
static void drop_note(struct ccm_buf *out, const char *name, enum ccm_item_kind kind,
		      unsigned long long size, const char *by)
{
	struct ccm_buf who = CCM_BUF_INIT;

	ccm_buf_addf(&who, "policy '%s'", by);
	ccm_drop_note(out, name, kind == CCM_ITEM_MESSAGE, size, who.ptr);
	ccm_buf_release(&who);
}

/*
 * A drop inside a forwarded message (d->n_path > 1): the attachment is
 * marked, to be left out when that message's text is written (a note in
 * its place), unless a forwarded message it is in is left out already.
 * 1 when it is left out, 0 when it goes with one around it.
 */
static int drop_nested(struct xctx *x, const struct ccm_policy_drop *d, long *out)
{
	long fi = x->atts[d->path[0] - 1].fwd, at = -1;

	if (x->atts[d->path[0] - 1].dropped)
		return 0;
	for (size_t j = 1; j < d->n_path; j++) {
		if (fi < 0 || (at = find_natt(x, fi, d->path[j])) < 0)
			return ccm_error_set(x->err, CCM_EINVAL, "a message read twice gave "
					     "fewer attachments the second time");
		if (x->nest[at].dropped)
			return 0;
		fi = x->nest[at].fwd;
	}
	x->nest[at].dropped = 1;
	x->nest[at].by = d->by;
	*out = at;
	for (fi = x->nest[at].in; fi >= 0; fi = x->fwds[fi].holder >= 0 ?
	     x->nest[x->fwds[fi].holder].in : -1)
		x->fwds[fi].drops_below = 1;
	return 1;
}

/*
 * The attachments the message hook left out (ov->drops), of the message
 * just measured: each is marked to be fingerprinted but not written, a
 * note takes its place (at the end of the body; inside a forwarded
 * message, where it was), and the decision is reported and goes into the
 * message's srcid line (x->dropped: the paths, '/' between places, '.'
 * between paths; x->why).
 */
static int drop_atts(struct xctx *x, const char *file, const struct ccm_message *m,
		     const struct ccm_policy_message *ov)
{
	struct ccm_buf t = CCM_BUF_INIT, path = CCM_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < ov->n_drops; i++) {
		const struct ccm_policy_drop *d = &ov->drops[i];
		const char *name;
		unsigned long long size;

		if (d->n_path < 1 || d->path[0] < 1 || d->path[0] > x->n_atts) {
			rc = ccm_error_set(x->err, CCM_EINVAL, "a message read twice gave "
					   "fewer attachments the second time");
			break;
		}
		ccm_buf_reset(&path);
		for (size_t j = 0; j < d->n_path; j++)
			ccm_buf_addf(&path, "%s%zu", j ? "." : "", d->path[j]);
		if (d->n_path > 1) {
			long at = -1;

			if ((rc = drop_nested(x, d, &at)) <= 0)
				continue;
			rc = 0;
			name = x->nest[at].name;
			size = x->nest[at].size;
		} else {
			struct att *a = &x->atts[d->path[0] - 1];

			if (a->dropped)
				continue;
			a->dropped = 1;
			name = a->name;
			size = a->size;
			ccm_buf_reset(&t);
			if (!x->dropped.len && x->body.len)
				/* The notes as a paragraph of their own. */
				ccm_buf_adds(&t, x->body_end == '\n' ? "\r\n" : "\r\n\r\n");
			drop_note(&t, a->name, a->kind, a->size, d->by);
			if ((rc = body_text(x, t.ptr, t.len, 1)) < 0)
				break;
		}
		ccm_buf_addf(&x->dropped, "%s", x->dropped.len ? "." : "");
		for (size_t j = 0; j < d->n_path; j++)
			ccm_buf_addf(&x->dropped, "%s%zu", j ? "/" : "", d->path[j]);
		ccm_buf_reset(&t);
		ccm_buf_addf(&t, "policy:%s:message", d->by);
		if (!strstr(x->why.ptr, t.ptr))
			ccm_buf_addf(&x->why, "%s%s", x->why.len ? "," : "", t.ptr);
		x->st->dropped++;
		note(x, CCM_NOTE, "attachment-dropped-by-policy", file, m->offset,
		     x->id.owner, m->number, "attachment %s '%s' (%llu bytes) is not "
		     "migrated: policy '%s' removed it; a note in the %s body says so",
		     path.ptr, name, size, d->by, d->n_path > 1 ?
		     "forwarded message's" : "message's");
	}
	ccm_buf_release(&t);
	ccm_buf_release(&path);
	return rc;
}

/* ---- a forwarded message without what a policy left out of it -------- */

/*
 * A forwarded message's text, written again: the bytes of the original
 * text it keeps, ours (the Message: and Contents: lines, a text item with
 * a note for each attachment left out), and the count lines, whose values
 * are only known once the blocks they count are: so the text is planned
 * as steps first, sized from the end back, then written.
 */
enum op_kind { OP_RAW, OP_LIT, OP_COUNT, OP_BEGIN, OP_END };

struct op {
	enum op_kind kind;
	long long a, b;            /* OP_RAW: bytes [a, b) of the text; OP_LIT:
				      [a, b) of rw->lits */
	size_t block;              /* OP_COUNT, OP_BEGIN, OP_END */
};

struct rewrite {
	struct xctx *x;
	int fd;                    /* the original text */
	struct op *ops;
	size_t n_ops, cap_ops;
	struct ccm_buf lits;
	unsigned long long *sizes; /* of each block, by plan_size() */
	size_t n_blocks;
};

static int plan(struct rewrite *rw, enum op_kind kind, long long a, long long b,
		size_t block)
{
	int rc = grow((void **)&rw->ops, rw->n_ops, &rw->cap_ops, sizeof(*rw->ops),
		      rw->x->err);

	if (rc == 0 && (kind != OP_RAW || b > a))
		rw->ops[rw->n_ops++] = (struct op){ kind, a, b, block };
	return rc;
}

static int plan_lit(struct rewrite *rw, const char *p, size_t n)
{
	size_t at = rw->lits.len;

	ccm_buf_add(&rw->lits, p, n);
	return plan(rw, OP_LIT, (long long)at, (long long)rw->lits.len, 0);
}

/* The end (after its line end) of the line at byte `at` of the text, the
 * line read no further than `end`; head gets its first bytes. -1 when
 * the text cannot be read. */
static long long text_line(struct rewrite *rw, long long at, long long end,
			   char head[32], size_t *hlen)
{
	*hlen = 0;
	while (at < end) {
		size_t want = end - at < PIECE ? (size_t)(end - at) : PIECE;
		ssize_t got = pread(rw->fd, rw->x->piece, want, (off_t)at);

		if (got <= 0)
			return -1;
		for (ssize_t i = 0; i < got; i++) {
			char c = rw->x->piece[i];

			if (c == '\n')
				return at + i + 1;
			if (*hlen < 31 && c != '\r')
				head[(*hlen)++] = c;
		}
		at += got;
	}
	head[*hlen] = '\0';
	return end;
}

static int text_broken(struct rewrite *rw)
{
	return ccm_error_set(rw->x->err, CCM_EIO, "a forwarded message's text cannot "
			     "be read back from its temporary file");
}

/* The text item that stands for attachment a of a forwarded message. */
static int plan_note(struct rewrite *rw, const struct natt *a, int counted)
{
	struct xctx *x = rw->x;
	struct ccm_buf t = CCM_BUF_INIT, data = CCM_BUF_INIT;
	int rc;

	ccm_buf_adds(&t, "\r\n");
	drop_note(&t, a->name, a->kind, a->size, a->by);
	if (x->b->cp)
		ccm_cp_from_utf8(&data, x->b->cp, t.ptr, t.len, NULL);
	else
		ccm_buf_add(&data, t.ptr, t.len);
	ccm_buf_reset(&t);
	ccm_buf_adds(&t, "Text item:\r\n");
	if (counted)
		ccm_buf_addf(&t, "%zu\r\n", data.len);
	ccm_buf_add(&t, data.ptr, data.len);
	ccm_buf_adds(&t, "\r\n");
	rc = plan_lit(rw, t.ptr, t.len);
	ccm_buf_release(&t);
	ccm_buf_release(&data);
	return rc;
}

/*
 * Plans forwarded message fi, whose headers the reader f just read (m),
 * its block ending at byte `end` of the text: its headers as they are,
 * its items as they are but those left out (a note instead) and the
 * forwarded messages with something left out inside (planned the same
 * way, in turn), new counts where it had counts.
 */
static int plan_message(struct rewrite *rw, struct ccm_msgfile *f,
			const struct ccm_message *m, long fi, long long end)
{
	struct xctx *x = rw->x;
	const struct ccm_item *it;
	size_t mblock = rw->n_blocks++, cblock = rw->n_blocks++, n = 0, hl;
	long long hdr, q, first, cstart = -1, pending;
	int counted = m->count >= 0, rc;
	char head[32];

	if ((hdr = text_line(rw, m->offset, end, head, &hl)) < 0)
		return text_broken(rw);
	if (counted && strspn(head + 8, " \t") == hl - 8 &&
	    (hdr = text_line(rw, hdr, end, head, &hl)) < 0)
		return text_broken(rw);         /* the count had a line of its own */
	if ((rc = ccm_msgfile_next_item(f, &it, x->err)) < 0)
		return rc;
	first = rc > 0 ? it->offset : end;
	for (q = hdr; q < first && cstart < 0; ) {
		long long next = text_line(rw, q, first, head, &hl);

		if (next < 0)
			return text_broken(rw);
		if (hl >= 9 && !strncasecmp(head, "Contents:", 9))
			cstart = q;
		q = next;
	}
	if ((rc = plan_lit(rw, "Message:\r\n", 10)) < 0 ||
	    (counted && (rc = plan(rw, OP_COUNT, 0, 0, mblock)) < 0) ||
	    (rc = plan(rw, OP_BEGIN, 0, 0, mblock)) < 0 ||
	    (rc = plan(rw, OP_RAW, hdr, cstart < 0 ? first : cstart, 0)) < 0 ||
	    (rc = plan_lit(rw, "Contents:\r\n", 11)) < 0 ||
	    (counted && (rc = plan(rw, OP_COUNT, 0, 0, cblock)) < 0) ||
	    (rc = plan(rw, OP_BEGIN, 0, 0, cblock)) < 0)
		return rc;
	pending = first;
	for (rc = first < end ? 1 : 0; rc > 0; ) {
		long at = it->kind == CCM_ITEM_TEXT ? -1 : find_natt(x, fi, ++n);
		int skip = 0;

		if (at >= 0 && x->nest[at].dropped) {
			if ((rc = plan(rw, OP_RAW, pending, it->offset, 0)) < 0 ||
			    (rc = plan_note(rw, &x->nest[at], counted)) < 0)
				return rc;
			skip = 1;
		} else if (at >= 0 && x->nest[at].fwd >= 0 &&
			   x->fwds[x->nest[at].fwd].drops_below) {
			size_t iblock = rw->n_blocks++;
			long long data_end = it->data_offset + it->count;
			long long line_end = text_line(rw, it->offset, end, head, &hl);
			const struct ccm_message *inner;

			if (line_end < 0)
				return text_broken(rw);
			if ((rc = plan(rw, OP_RAW, pending, line_end, 0)) < 0 ||
			    (rc = plan(rw, OP_COUNT, 0, 0, iblock)) < 0 ||
			    (rc = plan(rw, OP_BEGIN, 0, 0, iblock)) < 0 ||
			    (rc = ccm_msgfile_enter(f, &inner, x->err)) < 0)
				return rc;
			if (rc == 0)
				return text_broken(rw);
			if ((rc = plan_message(rw, f, inner, x->nest[at].fwd, data_end)) < 0 ||
			    (rc = plan(rw, OP_END, 0, 0, iblock)) < 0)
				return rc;
			pending = data_end;
		}
		if ((rc = ccm_msgfile_next_item(f, &it, x->err)) < 0)
			return rc;
		if (skip)
			pending = rc > 0 ? it->offset : end;
	}
	if ((rc = plan(rw, OP_RAW, pending, end, 0)) < 0 ||
	    (rc = plan(rw, OP_END, 0, 0, cblock)) < 0)
		return rc;
	return plan(rw, OP_END, 0, 0, mblock);
}

static size_t digits(unsigned long long v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Each block's size, from the last step back (a count line is sized by
 * the block after it); the whole text's. */
static unsigned long long plan_size(struct rewrite *rw)
{
	unsigned long long stack[3 * CCM_POLICY_PATH_MAX + 8] = { 0 };
	size_t sp = 0;

	for (size_t i = rw->n_ops; i-- > 0; ) {
		const struct op *o = &rw->ops[i];

		switch (o->kind) {
		case OP_RAW:
		case OP_LIT:
			stack[sp] += (unsigned long long)(o->b - o->a);
			break;
		case OP_END:
			assert(sp + 1 < sizeof(stack) / sizeof(stack[0]));
			stack[++sp] = 0;
			break;
		case OP_BEGIN:
			rw->sizes[o->block] = stack[sp--];
			stack[sp] += rw->sizes[o->block];
			break;
		case OP_COUNT:
			stack[sp] += digits(rw->sizes[o->block]) + 2;
			break;
		}
	}
	return stack[0];
}

/* The planned text into the current section. */
static int plan_write(struct rewrite *rw)
{
	struct xctx *x = rw->x;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < rw->n_ops; i++) {
		const struct op *o = &rw->ops[i];
		char count[32];
		long long at;

		switch (o->kind) {
		case OP_RAW:
			for (at = o->a; rc == 0 && at < o->b; ) {
				size_t want = o->b - at < PIECE ? (size_t)(o->b - at) : PIECE;
				ssize_t got = pread(rw->fd, x->piece, want, (off_t)at);

				if (got <= 0)
					return text_broken(rw);
				rc = ccm_iff_writer_sec_data(x->w, x->piece, (size_t)got, x->err);
				at += got;
			}
			break;
		case OP_LIT:
			rc = ccm_iff_writer_sec_data(x->w, rw->lits.ptr + o->a,
						     (size_t)(o->b - o->a), x->err);
			break;
		case OP_COUNT:
			snprintf(count, sizeof(count), "%llu\r\n", rw->sizes[o->block]);
			rc = ccm_iff_writer_sec_data(x->w, count, strlen(count), x->err);
			break;
		default:
			break;
		}
	}
	return rc;
}

static void quiet(void *ctx, const struct ccm_diag *d)
{
	(void)ctx;
	(void)d;
}

/*
 * The current item, forwarded message a (something inside it left out),
 * as an attachment section of its text written again: the original bytes
 * are fingerprinted (the message's identity is the source's) and kept in
 * x->fwtext, where a reader of their own finds the parts to keep.
 */
static int write_rewritten(struct xctx *x, struct ccm_msgfile *f, const struct ccm_item *it,
			   const struct att *a, int last)
{
	struct ccm_report rep = { .sink = quiet };
	struct ccm_msgfile_opts o = { 0 };
	struct rewrite rw = { .x = x, .lits = CCM_BUF_INIT };
	const struct ccm_message *m;
	struct ccm_msgfile *g = NULL;
	unsigned long long size;
	char path[64];
	long long off;
	ssize_t got;
	int rc = 0;

	ccm_spool_reset(&x->fwtext);
	if (ccm_fp_item_begin(&x->fp, it) < 0)
		return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
	while (rc == 0 && (got = ccm_msgfile_read(f, x->piece, PIECE, x->err)) > 0) {
		ccm_fp_item_update(&x->fp, x->piece, (size_t)got);
		rc = ccm_spool_write(&x->fwtext, x->piece, (size_t)got, x->err);
	}
	ccm_fp_item_end(&x->fp);
	if (rc < 0 || got < 0)
		return rc < 0 ? rc : (int)got;
	if ((rw.fd = ccm_spool_fd(&x->fwtext, x->err)) < 0)
		return rw.fd;
	o.display = "forwarded message";
	o.cp = x->b->cp;
	o.date_order = x->b->manifest.date_order;
	o.tz = x->b->tz;
	o.attachments = x->b->manifest.attachments;
	o.item_sizes = x->b->manifest.item_sizes;
	o.dir = &x->b->dir;
	o.home_po = x->b->manifest.post_office;
	o.rep = &rep;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", rw.fd);
	if ((rc = ccm_msgfile_open(&g, path, &o, x->err)) < 0)
		return rc;
	if ((rc = ccm_msgfile_next(g, &m, x->err)) == 0)
		rc = text_broken(&rw);
	if (rc > 0)
		rc = plan_message(&rw, g, m, a->fwd, (long long)x->fwtext.len);
	ccm_msgfile_close(g);
	if (rc == 0 && !(rw.sizes = calloc(rw.n_blocks ? rw.n_blocks : 1,
					   sizeof(*rw.sizes))))
		rc = ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
	if (rc == 0) {
		size = plan_size(&rw);
		rc = ccm_iff_writer_sec_begin(x->w, "Attachment", size, last, a->name,
					      a->position, NULL, &off, x->err);
	}
	if (rc == 0 && (rc = plan_write(&rw)) == 0)
		rc = ccm_iff_writer_sec_end(x->w, x->err);
	free(rw.ops);
	free(rw.sizes);
	ccm_buf_release(&rw.lits);
	return rc;
}

/* Pass 2: the Body section, then each attachment's data in pieces (those
 * a policy left out only fingerprinted). */
static int write_chain(struct xctx *x, struct ccm_msgfile *f, long long *body_off)
{
	const struct ccm_message *m;
	const struct ccm_item *it;
	size_t k = 0, kept = 0, last = 0;
	int rc;

	for (size_t i = 0; i < x->n_atts; i++)
		if (!x->atts[i].dropped) {
			kept++;
			last = i;
		}
	rc = ccm_iff_writer_sec_begin(x->w, "Body", x->body.len, kept == 0,
				      NULL, -2, NULL, body_off, x->err);
	if (rc == 0)
		rc = ccm_spool_replay(&x->body, spool_to_section, x->w, x->err);
	if (rc == 0)
		rc = ccm_iff_writer_sec_end(x->w, x->err);
	if (rc < 0 || x->n_atts == 0)
		return rc;
	if ((rc = ccm_msgfile_rewind(f, &m, x->err)) < 0)
		return rc;
	while ((rc = ccm_msgfile_next_item(f, &it, x->err)) > 0) {
		const struct att *a;
		long long off;
		ssize_t got;

		if (it->kind == CCM_ITEM_TEXT)
			continue;
		if (k >= x->n_atts)
			return ccm_error_set(x->err, CCM_EINVAL, "a message read twice "
					     "gave more items the second time");
		a = &x->atts[k++];
		if (a->dropped) {
			if ((rc = fp_item_only(x, f, it)) < 0)
				return rc;
			continue;
		}
		if (a->fwd >= 0 && x->fwds[a->fwd].drops_below) {
			if ((rc = write_rewritten(x, f, it, a, a == &x->atts[last])) < 0)
				return rc;
			x->st->attachments++;
			x->st->forwarded++;
			continue;
		}
		rc = ccm_iff_writer_sec_begin(x->w, "Attachment", a->size,
					      a == &x->atts[last], a->name, a->position,
					      a->macbinary ? "Macbinary" : NULL, &off,
					      x->err);
		if (rc == 0 && ccm_fp_item_begin(&x->fp, it) < 0)
			rc = ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
		while (rc == 0 && (got = ccm_msgfile_read(f, x->piece, PIECE, x->err)) > 0) {
			ccm_fp_item_update(&x->fp, x->piece, (size_t)got);
			rc = ccm_iff_writer_sec_data(x->w, x->piece, (size_t)got, x->err);
		}
		ccm_fp_item_end(&x->fp);
		if (rc == 0)
			rc = ccm_iff_writer_sec_end(x->w, x->err);
		if (rc < 0)
			return rc;
		x->st->attachments++;
		if (it->kind == CCM_ITEM_MESSAGE)
			x->st->forwarded++;
	}
	return rc;
}

/* ---- messages ----------------------------------------------------------- */

static const char *priority_value(enum ccm_priority p)
{
	return p == CCM_PRIO_URGENT ? "1" : p == CCM_PRIO_LOW ? "-1" : "0";
}

/* x->id.fp is the message's fingerprint: x->id gets its occurrence and
 * the message's number. */
static int identify(struct xctx *x, const struct ccm_message *m)
{
	long dup;

	if ((dup = ccm_fp_seen_add(&x->seen, x->id.fp)) < 0)
		return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
	x->id.number = m->number;
	x->id.dup = dup;
	return 0;
}

/* A "!ccmig-" line (iff/srcid.h) into the current section: the store
 * knows the message or user by it in every later run. */
static int write_srcid(struct xctx *x, const struct ccm_srcid *id)
{
	ccm_srcid_format(&x->line, id);
	return ccm_iff_writer_comment(x->w, x->line.ptr, x->err);
}

/* The "!ccmig-id" or "!ccmig-left-out" line of the message in x->id. */
static int write_id(struct xctx *x, enum ccm_srcid_kind kind, const char *why)
{
	x->id.kind = kind;
	x->id.why = why;
	return write_srcid(x, &x->id);
}

/* The fingerprint of a message measure() read (PREP_MEASURED): its text
 * items are hashed, its attachments are read for it now. */
static int finish_fp(struct xctx *x, struct ccm_msgfile *f)
{
	const struct ccm_message *again;
	const struct ccm_item *it;
	int rc = 0;

	if (x->n_atts && (rc = ccm_msgfile_rewind(f, &again, x->err)) > 0)
		while ((rc = ccm_msgfile_next_item(f, &it, x->err)) > 0)
			if (it->kind != CCM_ITEM_TEXT && (rc = fp_item_only(x, f, it)) < 0)
				break;
	if (rc < 0)
		return rc;
	ccm_fp_final(x->id.fp, &x->fp);
	return 0;
}

/* The "!ccmig-id" line of the message written, with the attachments a
 * policy left out of it. */
static int write_dropped_id(struct xctx *x)
{
	x->id.dropped = x->dropped.len ? x->dropped.ptr : NULL;
	return write_id(x, CCM_SRCID_MESSAGE, x->id.dropped ? x->why.ptr : NULL);
}

/* A message left out: its identity and who decided, read from its items
 * (or from what prepare() read of them already). */
static int left_out(struct xctx *x, struct ccm_msgfile *f,
		    const struct ccm_message *m, const char *why)
{
	int rc = x->prepared == PREP_SCANNED ? 0 : x->prepared == PREP_MEASURED ?
		 finish_fp(x, f) :
		 ccm_fp_message(x->id.fp, &x->fp, f, m, x->piece, PIECE, x->err);

	x->id.held = 0;
	x->id.dropped = NULL;
	if (rc == 0)
		rc = identify(x, m);
	return rc < 0 ? rc : write_id(x, CCM_SRCID_LEFT_OUT, why);
}

/* A To, Cc or Bcc field; empty in a held row (the store has them). */
static int held_or_addrs(struct xctx *x, const struct ccm_addrlist *l)
{
	return x->id.held ? ccm_iff_writer_field(x->w, NULL, x->err) : field_addrs(x, l);
}

/* Writes one message: its chain in the secondary, then its row. */
static int write_message(struct xctx *x, struct ccm_msgfile *f, const char *file,
			 const struct ccm_message *m, const char *folder,
			 const struct ccm_policy_message *ov)
{
	struct ccm_buf sender = CCM_BUF_INIT;
	char stamp[15] = "";
	long long body_off = -1;
	int unsent, rc;

	x->id.held = 0;
	ccm_buf_reset(&x->dropped);
	ccm_buf_reset(&x->why);
	if (x->owner_held) {
		/* Known whole before anything is written or converted: a
		 * message the store holds is a row alone. */
		const struct ccm_message *again;

		if ((x->prepared != PREP_SCANNED &&
		     (rc = ccm_fp_message(x->id.fp, &x->fp, f, m, x->piece, PIECE,
					  x->err)) < 0) ||
		    (rc = identify(x, m)) < 0 ||
		    (rc = x->o->store->holds(x->o->store->ctx, &x->id, x->err)) < 0)
			return rc;
		x->id.held = rc;
		if (!rc && (rc = ccm_msgfile_rewind(f, &again, x->err)) < 0)
			return rc;
	}
	if (x->prepared != PREP_MEASURED)
		ccm_fp_begin(&x->fp, m);
	if (!x->id.held && ((x->prepared != PREP_MEASURED && (rc = measure(x, f)) < 0) ||
			    (rc = drop_atts(x, file, m, ov)) < 0 ||
			    (rc = write_chain(x, f, &body_off)) < 0))
		return rc;
	if (x->id.held && ov->n_drops)
		/* Stored whole by an earlier run: what is stored stays. */
		note(x, CCM_NOTE, "attachments-kept-as-stored", file, m->offset, x->id.owner,
		     m->number, "the policy leaves out %zu attachment(s) of this message, "
		     "but the store holds it, with them, from an earlier run; it stays "
		     "as it is (migrate into a new store to leave them out)", ov->n_drops);
	if (!x->owner_held) {
		ccm_fp_final(x->id.fp, &x->fp);
		if ((rc = identify(x, m)) < 0)
			return rc;
	}
	if (x->id.held) {
		/* The store has its sender and recipients: what places it
		 * (folder, subject, read flag) is all the row needs. */
	} else if (m->from_text) {
		rc = addr_display(x, &m->from, &sender);
	} else if (x->owner && x->by_owner) {
		/* Message Log copies were sent by the mailbox's owner. */
		rc = owner_display(x, &sender);
	}
	if (rc < 0) {
		ccm_buf_release(&sender);
		return rc;
	}
	if (m->date_state == CCM_DATE_OK)
		ccm_date_stamp14(stamp, m->date.utc, m->date.utc_offset);
	unsent = (m->status & CCM_STATUS_DRAFT) || x->by_owner == 2;
	ccm_iff_writer_row_begin(x->w);
	if ((rc = ccm_iff_writer_field(x->w, folder, x->err)) == 0 &&
	    (rc = ccm_iff_writer_field(x->w, sender.ptr, x->err)) == 0 &&
	    (rc = held_or_addrs(x, &m->to)) == 0 &&
	    (rc = held_or_addrs(x, &m->cc)) == 0 &&
	    (rc = held_or_addrs(x, &m->bcc)) == 0 &&
	    (rc = ccm_iff_writer_field(x->w, ov->subject ? ov->subject : m->subject,
				       x->err)) == 0 &&
	    (rc = ccm_iff_writer_field(x->w, stamp, x->err)) == 0 &&
	    (rc = ccm_iff_writer_field(x->w, stamp, x->err)) == 0 &&
	    (rc = ccm_iff_writer_field(x->w, priority_value(m->priority), x->err)) == 0 &&
	    (rc = ccm_iff_writer_field(x->w, (ov->unread >= 0 ? ov->unread :
				       (m->status & CCM_STATUS_UNREAD) != 0) ?
				       "TRUE" : "FALSE", x->err)) == 0 &&
	    (rc = ccm_iff_writer_field(x->w, unsent ? "TRUE" : "FALSE", x->err)) == 0 &&
	    (rc = x->id.held ? ccm_iff_writer_field(x->w, NULL, x->err) :
	     ccm_iff_writer_field_pointer(x->w, body_off, x->err)) == 0 &&
	    (rc = ccm_iff_writer_row_fits(x->w, x->err)) == 0 &&
	    (rc = write_dropped_id(x)) == 0)
		rc = ccm_iff_writer_row_end(x->w, x->err);
	ccm_buf_release(&sender);
	if (rc == CCM_ELIMIT) {
		/* Recipients by the thousand, each mapped long by a policy:
		 * this message alone is lost, and said to be. */
		note(x, CCM_ERROR, "row-too-long", file, m->offset, x->id.owner, m->number,
		     "not migrated: %s; a policy's address hook that "
		     "makes addresses shorter lets it through", x->err->msg);
		x->st->skipped++;
		return 0;
	}
	if (rc == 0) {
		x->st->messages++;
		x->st->held += (unsigned long)x->id.held;
	}
	return rc;
}

/* Whether a message is kept; reports it when it is not, and *why gets
 * the rule or option that decided. */
static int keep_message(struct xctx *x, const struct ccm_manifest_entry *e,
			const struct ccm_message *m, int r8, const char **why)
{
	if (r8 && !x->o->keep_r8) {
		*why = "rule:r8-settings";
		note(x, CCM_NOTE, "skipped-r8-settings", e->path, m->offset, e->name,
		     m->number, "message in the R8 client's settings folder '%s' is not "
		     "migrated (it holds client settings, Q174255); --keep-r8-folders "
		     "keeps it", m->folder);
		return 0;
	}
	if (x->o->has_since || x->o->has_until) {
		if (m->date_state != CCM_DATE_OK) {
			note(x, CCM_NOTE, "undated-kept", e->path, m->offset, e->name,
			     m->number, "message has no usable date; it is kept although "
			     "a date range was given");
			return 1;
		}
		if ((x->o->has_since && m->date.utc < x->o->since) ||
		    (x->o->has_until && m->date.utc >= x->o->until)) {
			*why = "option:date-range";
			note(x, CCM_NOTE, "outside-date-range", e->path, m->offset, e->name,
			     m->number, "message dated '%s' is outside the date range and "
			     "is not migrated", m->date_text);
			return 0;
		}
	}
	return 1;
}

/* Every message of one mail file, into the current section. */
static int write_box(struct xctx *x, const struct ccm_manifest_entry *e,
		     const char *board)
{
	struct ccm_msgfile *f;
	const struct ccm_message *m;
	struct ccm_error oerr;
	struct ccm_policy_message ov;
	unsigned long skipped_here = 0;
	int rc;

	if (ccm_placing_open(&f, x->b, e, &oerr) < 0) {
		/* Where: the po.txt line that names the file. */
		struct ccm_diag d = { CCM_ERROR, "mailbox-unreadable", 0, "po.txt",
				      e->line, -1, e->name, 0, NULL };

		ccm_reportf(x->b->rep, &d, "%s; the mailbox's section is written empty "
			    "and its mail is not migrated", oerr.msg);
		return 0;
	}
	x->st->bytes_in += (unsigned long long)ccm_msgfile_size(f);
	/* The identity of each message: this file's, this owner's. */
	ccm_fp_seen_reset(&x->seen);
	x->id.po = x->b->manifest.post_office;
	x->id.board = board != NULL;
	x->id.owner = board ? board : x->owner;
	x->id.file = e->path;
	x->id.fp[0] = '\0';
	x->owner_held = 0;
	if (x->o->store && (x->owner_held = x->o->store->holds(x->o->store->ctx, &x->id,
							     x->err)) < 0) {
		ccm_msgfile_close(f);
		return x->owner_held;
	}
	while ((rc = ccm_msgfile_next(f, &m, x->err)) > 0) {
		const char *why = NULL;
		int r8 = 0;

		x->prepared = PREP_NONE;
		ccm_placing_folder(&x->folder, board, m->folder, &r8);
		x->by_owner = board ? 0 : !strcmp(x->folder.ptr, "Sent Items") ? 1 :
			       !strcmp(x->folder.ptr, "Drafts") ? 2 : 0;
		if (x->o->no_mail && !board) {
			skipped_here++;
			if ((rc = left_out(x, f, m, "option:no-mail")) < 0)
				break;
			continue;
		}
		if (!keep_message(x, e, m, r8, &why)) {
			x->st->skipped++;
			if ((rc = left_out(x, f, m, why)) < 0)
				break;
			continue;
		}
		memset(&ov, 0, sizeof(ov));
		ov.unread = -1;
		if (x->o->policy && x->o->policy->message) {
			struct ccm_policy_msginfo info;

			if ((rc = prepare(x, f, m, &info)) < 0)
				break;
			rc = x->o->policy->message(x->o->policy->ctx, m, e->name,
						   x->folder.ptr, &info, &ov, x->err);
			if (rc < 0) {
				x->policy_failed = 1;
				break;
			}
			if (rc == 0) {
				x->st->skipped++;
				note(x, CCM_NOTE, "message-skipped-by-policy", e->path, m->offset,
				     e->name, m->number, "message is not migrated: the "
				     "policy's message hook said so");
				if ((rc = left_out(x, f, m, ov.decided_by ? ov.decided_by :
						   "policy")) < 0)
					break;
				continue;
			}
			if (ov.folder && !*(ov.folder + strspn(ov.folder, "\\ \t"))) {
				/* A path of separators alone names no folder: the
				 * policy's mistake costs this message, said. */
				note(x, CCM_ERROR, "policy-bad-folder", e->path, m->offset,
				     e->name, m->number, "%s gave the folder '%s', which "
				     "names no folder; the message is not migrated: fix the "
				     "policy and run again", ov.folder_by ? ov.folder_by :
				     "the policy", ov.folder);
				x->st->skipped++;
				continue;
			}
			if (ov.folder)
				ccm_buf_set(&x->folder, ov.folder, strlen(ov.folder));
		}
		if ((rc = write_message(x, f, e->path, m, x->folder.ptr, &ov)) < 0)
			break;
		if (m->n_extra)
			/* Migration files have no column for them: say so rather
			 * than let them vanish. */
			note(x, CCM_WARNING, "extra-headers-not-carried", e->path, m->offset,
			     e->name, m->number, "%zu extra header(s) of this message, "
			     "first '%s: %s', have no column in migration files and do not "
			     "reach the mailbox", m->n_extra, m->extra[0].key,
			     m->extra[0].value);
	}
	ccm_msgfile_close(f);
	if (rc == 0 && skipped_here) {
		x->st->skipped += skipped_here;
		note(x, CCM_NOTE, "mail-not-extracted", e->path, -1, e->name, 0,
		     "%lu message(s) not extracted: --no-mail was given; the user's "
		     "MAILMESSAGE section is written empty, so the mailbox is still "
		     "made", skipped_here);
	}
	return rc;
}

/* ---- directory, PAB, files ---------------------------------------------- */

static int alias_taken(struct xctx *x, const char *a)
{
	for (size_t i = 0; i < x->n_aliases; i++)
		if (!strcasecmp(x->used_aliases[i], a))
			return 1;
	return 0;
}

/* A Common-Name no other user of the set has (spec 4.2: unique, ASCII). */
static int unique_alias(struct xctx *x, const struct ccm_dir_entry *e,
			const char *wanted, struct ccm_buf *out)
{
	char **v;
	size_t base;

	if (wanted)
		ccm_alias_clean(out, wanted, "user");
	else
		ccm_name_alias(out, e->name, e->comments);
	base = out->len;
	for (int n = 2; alias_taken(x, out->ptr); n++) {
		ccm_buf_truncate(out, base);
		ccm_buf_addf(out, "%d", n);
	}
	v = realloc(x->used_aliases, (x->n_aliases + 1) * sizeof(*v));
	if (!v)
		return CCM_ENOMEM;
	x->used_aliases = v;
	if (!(v[x->n_aliases] = ccm_strdup(out->ptr)))
		return CCM_ENOMEM;
	x->n_aliases++;
	return 0;
}

static char *dup_opt(const char *s)
{
	return s ? ccm_strdup(s) : NULL;
}

/* Asks the policy about every local and mobile user, once. */
static int decide_users(struct xctx *x)
{
	const struct ccm_policy *pol = x->o->policy;

	x->users = calloc(x->b->dir.len ? x->b->dir.len : 1, sizeof(*x->users));
	if (!x->users)
		return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
	if (!pol || !pol->user)
		return 0;
	for (size_t i = 0; i < x->b->dir.len; i++) {
		const struct ccm_dir_entry *e = &x->b->dir.entries[i];
		struct ccm_policy_user out = { 0 };
		struct decision *d = &x->users[i];
		int rc;

		if (x->b->dir.duplicate[i] || !ccm_dir_entry_is_local_user(e))
			continue;
		if ((rc = pol->user(pol->ctx, e, x->b->manifest.post_office, &out,
				    x->err)) < 0) {
			/* This user only: reported, left out whole. */
			d->skip = 1;
			note(x, CCM_ERROR, "policy-failed", NULL, -1, e->name, 0,
			     "%s; user '%s' is not migrated", x->err->msg, e->name);
			continue;
		}
		if (rc == 0) {
			d->skip = 1;
			d->why = dup_opt(out.decided_by ? out.decided_by : "policy");
			note(x, CCM_NOTE, "user-skipped-by-policy", NULL, -1, e->name, 0,
			     "user '%s' is not migrated: the policy's user hook said so",
			     e->name);
			continue;
		}
		d->alias = dup_opt(out.alias);
		d->display = dup_opt(out.display_name);
		d->first = dup_opt(out.first_name);
		d->last = dup_opt(out.last_name);
		if (out.n_addresses) {
			d->addresses = calloc(out.n_addresses, sizeof(char *));
			if (!d->addresses)
				return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
			for (size_t k = 0; k < out.n_addresses; k++)
				d->addresses[d->n_addresses++] = dup_opt(out.addresses[k]);
		}
	}
	return 0;
}

static void free_decisions(struct xctx *x)
{
	for (size_t i = 0; x->users && i < x->b->dir.len; i++) {
		free(x->users[i].alias);
		free(x->users[i].why);
		free(x->users[i].display);
		free(x->users[i].first);
		free(x->users[i].last);
		for (size_t k = 0; k < x->users[i].n_addresses; k++)
			free(x->users[i].addresses[k]);
		free(x->users[i].addresses);
	}
	free(x->users);
}

static int write_directory(struct xctx *x)
{
	struct ccm_buf alias = CCM_BUF_INIT, display = CCM_BUF_INIT;
	struct ccm_buf first = CCM_BUF_INIT, last = CCM_BUF_INIT, proxy = CCM_BUF_INIT;
	int rc;

	if ((rc = ccm_iff_writer_primary(x->w, "Directory.pri", x->err)) < 0 ||
	    (rc = ccm_iff_writer_section(x->w, CCM_IFF_DIRECTORY, NULL, x->err)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < x->b->dir.len; i++) {
		const struct ccm_dir_entry *e = &x->b->dir.entries[i];

		const struct decision *d = &x->users[i];

		if (x->b->dir.duplicate[i] || !ccm_dir_entry_is_local_user(e))
			continue;
		if (d->skip && unique_alias(x, e, NULL, &alias) < 0) {
			/* The alias it would have is kept from the others: a
			 * user's alias does not depend on who else a run takes. */
			rc = ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
			break;
		}
		if (d->skip && d->why) {
			/* A decision, kept in the store as the reason the user
			 * has no mailbox (a failed hook is a problem: no line). */
			struct ccm_srcid u = { .kind = CCM_SRCID_LEFT_OUT_USER,
					       .po = x->b->manifest.post_office,
					       .owner = e->name, .why = d->why };
			rc = write_srcid(x, &u);
			continue;
		}
		if (d->skip)
			continue;
		if (d->alias || d->display || d->first || d->last) {
			/* What the policy set, which the store takes even for a
			 * custom recipient that becomes this mailbox. */
			char set[64] = "";
			struct ccm_srcid u = { .kind = CCM_SRCID_USER_SET,
					       .po = x->b->manifest.post_office,
					       .owner = e->name, .set = set };
			snprintf(set, sizeof(set), "%s%s%s%s", d->alias ? ".alias" : "",
				 d->display ? ".display_name" : "", d->first ?
				 ".first_name" : "", d->last ? ".last_name" : "");
			u.set = set + 1;
			if ((rc = write_srcid(x, &u)) < 0)
				break;
		}
		if (unique_alias(x, e, d->alias, &alias) < 0) {
			rc = ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
			break;
		}
		ccm_name_display(&display, e->name);
		ccm_name_split(e->name, &first, &last);
		/* What the policy overrides. */
		if (d->display)
			ccm_buf_set(&display, d->display, strlen(d->display));
		if (d->first)
			ccm_buf_set(&first, d->first, strlen(d->first));
		if (d->last)
			ccm_buf_set(&last, d->last, strlen(d->last));
		ccm_buf_reset(&proxy);
		ccm_buf_addf(&proxy, "MIGRATE:CCMAIL:%s at %s", e->name,
			     x->b->manifest.post_office);
		ccm_iff_writer_row_begin(x->w);
		if ((rc = ccm_iff_writer_field(x->w, "mailbox", x->err)) == 0 &&
		    (rc = ccm_iff_writer_field(x->w, "create", x->err)) == 0 &&
		    (rc = ccm_iff_writer_field(x->w, alias.ptr, x->err)) == 0 &&
		    (rc = ccm_iff_writer_field(x->w, display.ptr, x->err)) == 0 &&
		    (rc = ccm_iff_writer_field(x->w, last.ptr, x->err)) == 0 &&
		    (rc = ccm_iff_writer_field(x->w, first.ptr, x->err)) == 0) {
			/* The MIGRATE: proxy first: the importer finds the
			 * mailbox by it; then what the policy added. */
			const char *proxies[1 + 16] = { proxy.ptr };
			size_t np = 1;
			for (size_t k = 0; k < d->n_addresses && np < 17; k++)
				if (d->addresses[k])
					proxies[np++] = d->addresses[k];
			rc = ccm_iff_writer_field_multi(x->w, proxies, np, x->err);
		}
		if (rc == 0 && (rc = ccm_iff_writer_field(x->w, "~Server", x->err)) == 0)
			rc = ccm_iff_writer_row_end(x->w, x->err);
	}
	ccm_buf_release(&alias);
	ccm_buf_release(&display);
	ccm_buf_release(&first);
	ccm_buf_release(&last);
	ccm_buf_release(&proxy);
	return rc;
}

/* A private address as a PAB Email-Address: TYPE:address (spec 4.3). */
static int pab_address(struct xctx *x, const char *written, const char *display,
		       struct ccm_buf *out)
{
	struct ccm_addr a;

	ccm_buf_reset(out);
	if (!written || !*written) {
		ccm_buf_addf(out, "USER:%s", display);
		return 0;
	}
	if (ccm_addr_parse(&a, written, strlen(written), &x->b->dir,
			   x->b->manifest.post_office, x->b->manifest.post_office) < 0)
		return CCM_ENOMEM;
	if (a.kind == CCM_ADDR_SMTP)
		ccm_buf_addf(out, "SMTP:%s", a.name);
	else if (a.kind == CCM_ADDR_FOREIGN && a.ftype && a.faddr)
		ccm_buf_addf(out, "%s:%s", a.ftype, a.faddr);
	else
		ccm_buf_addf(out, "CCMAIL:%s", written);
	ccm_addr_release(&a);
	return 0;
}

/* One PAB row: the first three columns and Note, the rest empty. */
static int pab_row(struct xctx *x, const char *cls, const char *display,
		   const char *const *addrs, size_t n, const char *first,
		   const char *last, const char *note_text)
{
	int rc;

	ccm_iff_writer_row_begin(x->w);
	if ((rc = ccm_iff_writer_field(x->w, cls, x->err)) < 0 ||
	    (rc = ccm_iff_writer_field(x->w, display, x->err)) < 0 ||
	    (rc = ccm_iff_writer_field_multi(x->w, addrs, n, x->err)) < 0 ||
	    (rc = ccm_iff_writer_field(x->w, first, x->err)) < 0 ||
	    (rc = ccm_iff_writer_field(x->w, last, x->err)) < 0)
		return rc;
	for (int col = 6; col <= 23; col++)
		if ((rc = ccm_iff_writer_field(x->w, NULL, x->err)) < 0)
			return rc;
	if ((rc = ccm_iff_writer_field(x->w, note_text, x->err)) < 0)
		return rc;
	return ccm_iff_writer_row_end(x->w, x->err);
}

static int write_pab(struct xctx *x, const struct ccm_dir_entry *e,
		     const struct ccm_manifest_entry *pe, struct ccm_buf *addr)
{
	struct ccm_pab pab;
	struct ccm_buf email = CCM_BUF_INIT, first = CCM_BUF_INIT, last = CCM_BUF_INIT;
	struct ccm_error perr;
	int rc;

	if (ccm_bundle_read_pab(&pab, x->b, pe, &perr) < 0) {
		struct ccm_diag d = { CCM_ERROR, "pab-unreadable", 0, "po.txt", pe->line,
				      -1, e->name, 0, NULL };

		ccm_reportf(x->b->rep, &d, "%s; the private address book is not migrated",
			    perr.msg);
		return 0;
	}
	rc = ccm_iff_writer_section(x->w, CCM_IFF_PAB, addr->ptr, x->err);
	for (size_t i = 0; rc == 0 && i < pab.n_entries; i++) {
		const struct ccm_pab_entry *pe2 = &pab.entries[i];
		const char *v[1];

		if (pab_address(x, pe2->addr, pe2->name, &email) < 0) {
			rc = ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
			break;
		}
		ccm_name_split(pe2->name, &first, &last);
		v[0] = email.ptr;
		/* First and last only where the name says which is which. */
		rc = pab_row(x, "entry", pe2->name, v, 1,
			     strchr(pe2->name, ',') ? first.ptr : NULL,
			     strchr(pe2->name, ',') ? last.ptr : NULL, pe2->comments);
	}
	for (size_t i = 0; rc == 0 && i < pab.n_lists; i++) {
		const struct ccm_list *l = &pab.lists[i];

		if (l->n_members == 0) {
			/* A personal list is its members (the import refuses one
			 * without): said here, where it can be fixed. */
			struct ccm_diag d = { CCM_WARNING, "empty-list", 0, pe->path, l->line,
					      -1, e->name, 0, NULL };

			ccm_reportf(x->b->rep, &d, "personal list '%s' has no members (was "
				    "the file cut short?); it is not migrated: add its "
				    "members with 'Member:' lines to migrate it", l->name);
			continue;
		}
		rc = pab_row(x, "dl", l->name, (const char *const *)l->members,
			     l->n_members, NULL, NULL, l->comments);
	}
	if (rc == 0)
		x->st->pab_sections++;
	ccm_pab_release(&pab);
	ccm_buf_release(&email);
	ccm_buf_release(&first);
	ccm_buf_release(&last);
	return rc;
}

/* A packed set (opts.pack) starts new files after this many users or
 * this many bytes of secondary. */
#define PACK_USERS 256
#define PACK_BYTES (256LL << 20)

static int write_users(struct xctx *x)
{
	struct ccm_buf addr = CCM_BUF_INIT;
	struct ccm_iff_writer_mark mark;
	char name[32];
	size_t total = 0, done = 0, n = 0, in_file = PACK_USERS;
	unsigned long before_msgs, before_atts;
	int rc = 0;

	for (size_t i = 0; i < x->b->dir.len; i++)
		total += !x->b->dir.duplicate[i] && !x->users[i].skip &&
			 ccm_dir_entry_is_local_user(&x->b->dir.entries[i]);
	for (size_t i = 0; rc == 0 && i < x->b->dir.len; i++) {
		const struct ccm_dir_entry *e = &x->b->dir.entries[i];
		const struct ccm_manifest_entry *mb, *pe;

		if (x->b->dir.duplicate[i] || !ccm_dir_entry_is_local_user(e) ||
		    x->users[i].skip)
			continue;
		if (!x->o->pack || in_file >= PACK_USERS ||
		    ccm_iff_writer_secondary_size(x->w) >= PACK_BYTES) {
			n++;
			in_file = 0;
			snprintf(name, sizeof(name), "%08zu.pri", n);
			if ((rc = ccm_iff_writer_primary(x->w, name, x->err)) < 0)
				break;
			snprintf(name, sizeof(name), "%08zu.sec", n);
			if ((rc = ccm_iff_writer_secondary(x->w, name, x->err)) < 0)
				break;
		}
		in_file++;
		if ((rc = ccm_iff_writer_mark(x->w, &mark, x->err)) < 0)
			break;
		mailbox_address(x, e->name, &addr);
		pe = ccm_share_has(x->o->share, e->name) ?
		     ccm_bundle_private(x->b, e->name) : NULL;
		if (pe && (rc = write_pab(x, e, pe, &addr)) < 0)
			break;
		/* ALWAYS the section, mail or not: it is what turns an existing
		 * custom recipient into this user's mailbox (Q194218). */
		if ((rc = ccm_iff_writer_section(x->w, CCM_IFF_MAILMESSAGE, addr.ptr,
						 x->err)) < 0)
			break;
		x->st->users++;
		x->owner = e->name;
		x->owner_entry = e;
		mb = ccm_bundle_mailbox(x->b, e->name);
		before_msgs = x->st->messages;
		before_atts = x->st->attachments;
		if (mb && mb->path && ccm_share_has(x->o->share, e->name))
			rc = write_box(x, mb, NULL);
		if (rc < 0 && x->policy_failed) {
			/* A hook failed for this user: none of the user goes
			 * into the set, and the next user goes on. */
			note(x, CCM_ERROR, "policy-failed", mb ? mb->path : NULL, -1, e->name,
			     0, "%s; user '%s' is not migrated: no mailbox, no mail",
			     x->err->msg, e->name);
			x->policy_failed = 0;
			x->users[i].skip = 1;
			x->st->users--;
			x->st->skipped += x->st->messages - before_msgs;
			x->st->messages = before_msgs;
			x->st->attachments = before_atts;
			if (in_file > 1) {
				/* Other users share the files: this one's part goes. */
				rc = ccm_iff_writer_rewind(x->w, &mark, x->err);
				in_file--;
			} else {
				rc = ccm_iff_writer_discard(x->w, x->err);
				in_file = PACK_USERS;       /* the next starts new files */
			}
		}
		if (x->o->progress)
			x->o->progress(x->o->ctx, ++done, total, x->st->bytes_in);
		/* A crash between two users' files: the set is half written. */
		ccm_fault_point();
	}
	x->owner = NULL;
	x->owner_entry = NULL;
	ccm_buf_release(&addr);
	return rc;
}

static int write_boards(struct xctx *x)
{
	int rc;

	if (x->b->manifest.n_boards == 0)
		return 0;
	if ((rc = ccm_iff_writer_primary(x->w, "Public.pri", x->err)) < 0 ||
	    (rc = ccm_iff_writer_secondary(x->w, "Public.sec", x->err)) < 0 ||
	    (rc = ccm_iff_writer_section(x->w, CCM_IFF_MAILMESSAGE, "PublicMessages",
					 x->err)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < x->b->manifest.n_boards; i++) {
		const struct ccm_manifest_entry *e = &x->b->manifest.boards[i];
		if (e->path && ccm_share_has(x->o->share, e->name))
			rc = write_box(x, e, e->name);
		x->st->boards++;
	}
	if (rc < 0 && x->policy_failed) {
		/* The boards share Public.pri: a failed hook leaves them all out. */
		note(x, CCM_ERROR, "policy-failed", NULL, -1, NULL, 0, "%s; the bulletin "
		     "boards are not migrated", x->err->msg);
		x->policy_failed = 0;
		x->st->boards = 0;
		rc = ccm_iff_writer_discard(x->w, x->err);
	}
	return rc;
}

/* Forwarded messages go into the set as export text; the post office's
 * settings go with them, so that the store can read them again. */
static void po_comment(struct xctx *x)
{
	struct ccm_buf t = CCM_BUF_INIT;

	ccm_buf_adds(&t, CCM_IFF_PO_COMMENT);
	ccm_manifest_settings_format(&t, &x->b->manifest);
	ccm_iff_writer_pkl_comment(x->w, t.ptr);
	ccm_buf_release(&t);
}

int ccm_extract(struct ccm_bundle *b, const char *out_dir,
		const struct ccm_extract_opts *o, struct ccm_extract_stats *st,
		struct ccm_error *err)
{
	struct xctx x = { 0 };
	struct ccm_buf pkl = CCM_BUF_INIT;
	int rc, set_cp;

	memset(st, 0, sizeof(*st));
	x.b = b;
	x.o = o;
	x.st = st;
	x.err = err;
	ccm_spool_init(&x.body, BODY_MEMORY);
	ccm_spool_init(&x.fwtext, 0);       /* read back by a reader: a file */
	ccm_buf_init(&x.enc);
	ccm_buf_init(&x.carry);
	ccm_buf_init(&x.tmp);
	ccm_buf_init(&x.folder);
	ccm_buf_init(&x.line);
	ccm_buf_init(&x.dropped);
	ccm_buf_init(&x.why);
	ccm_fp_init(&x.fp);
	ccm_srcid_init(&x.id);
	ccm_extract_safe_name(&pkl, b->manifest.post_office);
	ccm_buf_adds(&pkl, ".pkl");
	snprintf(st->pkl, sizeof(st->pkl), "%s", pkl.ptr);
	/* By default the Windows code page of the post office's script: a
	 * Japanese post office keeps its Japanese (1252 would make it '?'). */
	set_cp = o->code_page ? o->code_page : ccm_codepage_ansi(b->manifest.code_page);
	rc = ccm_iff_writer_open(&x.w, out_dir, pkl.ptr, set_cp, err);
	if (rc == 0)
		po_comment(&x);
	if (rc == 0 && (rc = decide_users(&x)) < 0)
		ccm_iff_writer_abort(x.w);
	else if (rc == 0) {
		/* Directory.pri last, so that it leaves out every user whose
		 * policy failed; the packing list still lists it first. */
		rc = write_users(&x);
		if (rc == 0)
			rc = write_boards(&x);
		if (rc == 0)
			rc = write_directory(&x);
		st->replaced = ccm_iff_writer_replaced(x.w);
		if (rc == 0)
			rc = ccm_iff_writer_close(x.w, err);
		else
			ccm_iff_writer_abort(x.w);
	}
	if (rc == 0 && st->replaced)
		note(&x, CCM_WARNING, "code-page-replacements", NULL, -1, NULL, 0,
		     "%lu character(s) have no place in code page %d and were written "
		     "as '?'; choose a code page that holds them with --code-page",
		     st->replaced, set_cp);
	free_decisions(&x);
	clear_atts(&x);
	free(x.atts);
	free(x.fwds);
	free(x.nest);
	free(x.pfwds);
	free(x.pnest);
	ccm_spool_release(&x.fwtext);
	for (size_t i = 0; i < x.n_aliases; i++)
		free(x.used_aliases[i]);
	free(x.used_aliases);
	ccm_spool_release(&x.body);
	ccm_buf_release(&x.enc);
	ccm_buf_release(&x.carry);
	ccm_buf_release(&x.tmp);
	ccm_buf_release(&x.folder);
	ccm_buf_release(&x.line);
	ccm_buf_release(&x.dropped);
	ccm_buf_release(&x.why);
	free(x.patts);
	ccm_fp_release(&x.fp);
	ccm_fp_seen_release(&x.seen);
	ccm_srcid_release(&x.id);
	ccm_buf_release(&pkl);
	return rc;
}
