/* verify.c: does the store account for every message of a post office? */
#include "flow/verify.h"
#include "flow/import.h"
#include "store/folders.h"
#include "store/messages.h"
#include "store/recipients.h"
#include "store/sources.h"
#include "base/buf.h"
#include "base/sha256.h"
#include "ccmail/fingerprint.h"
#include "iff/placing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * One message as comparable text. `content` is what no policy changes:
 * date, number of recipients, attachment contents; `head` what a policy
 * may change: folder (any case), subject, read and unsent flags.
 */
struct print {
	long long id;               /* store message; source: the one it became */
	char *head, *content;
	char *where;
	char *dropped;              /* store: CCM_IMPORT_DROPPED_HEADER's value */
	int matched;
};

struct plist {
	struct print *v;
	size_t len, cap;
};

struct vctx {
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_verify_stats *st;
	struct ccm_error *err;
	int list;
	const char *owner;          /* the user or board being verified */
	const char *owner_why;      /* the latest run left the owner out: why */
	int board;                  /* the owner is a bulletin board */
	struct ccm_buf head, content, folder, norm, reason, po;
	struct ccm_buf dropped, kept;   /* a store message's header; a content
					   without the attachments it names */
	struct ccm_fp fp;
	struct ccm_fp_seen seen;
	char piece[65536];
};

static int plist_add(struct plist *l, long long id, const char *head,
		     const char *content, const char *where)
{
	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct print *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return CCM_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->len].id = id;
	l->v[l->len].matched = 0;
	l->v[l->len].dropped = NULL;
	l->v[l->len].head = ccm_strdup(head);
	l->v[l->len].content = ccm_strdup(content);
	l->v[l->len].where = ccm_strdup(where);
	if (!l->v[l->len].head || !l->v[l->len].content || !l->v[l->len].where)
		return CCM_ENOMEM;
	l->len++;
	return 0;
}

static void plist_release(struct plist *l)
{
	for (size_t i = 0; i < l->len; i++) {
		free(l->v[i].head);
		free(l->v[i].content);
		free(l->v[i].where);
		free(l->v[i].dropped);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void reasons_release(struct ccm_verify_reason **v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i].reason);
	free(*v);
	*v = NULL;
	*n = 0;
}

void ccm_verify_stats_release(struct ccm_verify_stats *st)
{
	reasons_release(&st->reasons, &st->n_reasons);
	reasons_release(&st->att_reasons, &st->n_att_reasons);
}

/* n more under `reason` in the list *v of *len. */
static int add_reason(struct ccm_verify_reason **v, size_t *len, const char *reason,
		      unsigned long n)
{
	struct ccm_verify_reason *nv;

	for (size_t i = 0; i < *len; i++)
		if (!strcmp((*v)[i].reason, reason)) {
			(*v)[i].messages += n;
			return 0;
		}
	nv = realloc(*v, (*len + 1) * sizeof(*nv));
	if (!nv)
		return CCM_ENOMEM;
	*v = nv;
	if (!(nv[*len].reason = ccm_strdup(reason)))
		return CCM_ENOMEM;
	nv[(*len)++].messages = n;
	return 0;
}

static int count_reason(struct ccm_verify_stats *st, const char *reason,
			unsigned long n)
{
	st->decided += n;
	return add_reason(&st->reasons, &st->n_reasons, reason, n);
}

static void head_of(struct ccm_buf *k, const char *folder, const char *subject,
		    int read, int unsent)
{
	ccm_buf_reset(k);
	for (const char *p = folder; *p; p++)
		ccm_buf_addch(k, (*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	ccm_buf_addf(k, "\x1f%s\x1f%d%d", subject ? subject : "", read, unsent);
}

static void content_of(struct ccm_buf *k, int dated, long long utc, size_t rcpts)
{
	ccm_buf_reset(k);
	if (dated)
		ccm_buf_addf(k, "%lld", utc);
	ccm_buf_addf(k, "\x1f%zu", rcpts);
}

static void hex32(struct ccm_buf *k, const unsigned char h[32])
{
	char hex[65];

	ccm_sha256_hex(hex, h);
	ccm_buf_addf(k, "\x1f%s", hex);
}

static void problem(struct vctx *x, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct vctx *x, const char *kind, const char *fmt, ...)
{
	struct ccm_diag d = { CCM_ERROR, kind, 0, NULL, 0, -1, x->owner, 0, NULL };
	va_list ap;

	va_start(ap, fmt);
	ccm_reportv(x->b->rep, &d, fmt, ap);
	va_end(ap);
}

/* The subject out of a head, for messages. */
static const char *subject_of(const struct print *p, char out[128])
{
	const char *s = strchr(p->head, '\x1f');
	size_t n = s ? strcspn(s + 1, "\x1f") : 0;

	snprintf(out, 128, "%.*s", (int)(n < 100 ? n : 100), s ? s + 1 : "");
	return out;
}

/*
 * Source side: every message of one mail file, its prints and identity.
 * Messages the store holds by identity go to `held` (with the id they
 * became); messages decided are counted; the rest go to `unknown`, to be
 * matched the way stores without identities are.
 */
static int source_prints(struct vctx *x, const struct ccm_manifest_entry *e,
			 const char *board, struct plist *held, struct plist *unknown)
{
	struct ccm_msgfile *f;
	const struct ccm_message *m;
	struct ccm_error oerr;
	char where[600], fp[CCM_FP_HEX];
	int rc;

	if (ccm_placing_open(&f, x->b, e, &oerr) < 0)
		return 0;     /* reported when the bundle was read */
	ccm_fp_seen_reset(&x->seen);
	while ((rc = ccm_msgfile_next(f, &m, x->err)) > 0) {
		struct ccm_source_key k = { x->b->manifest.post_office, board != NULL,
					    x->owner, fp, 0 };
		struct ccm_source_record rec;
		const struct ccm_item *it;
		int r8 = 0;
		long dup;

		/* Where extract put it, as the store keeps it: "Projects\\" is
		 * the folder Projects. */
		ccm_placing_folder(&x->folder, board, m->folder, &r8);
		ccm_store_folder_path(&x->norm, x->folder.ptr, !board);
		head_of(&x->head, x->norm.ptr, m->subject, !(m->status & CCM_STATUS_UNREAD),
			(m->status & CCM_STATUS_DRAFT) || !strcmp(x->norm.ptr, "Drafts"));
		content_of(&x->content, m->date_state == CCM_DATE_OK, m->date.utc,
			   m->to.len + m->cc.len + m->bcc.len);
		/* One pass over the items: the fingerprint, and the SHA-256 of
		 * each attachment for the comparison. */
		ccm_fp_begin(&x->fp, m);
		while ((rc = ccm_msgfile_next_item(f, &it, x->err)) > 0) {
			struct ccm_sha256 h;
			unsigned char d[32];
			ssize_t got;

			if (ccm_fp_item_begin(&x->fp, it) < 0) {
				rc = ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
				break;
			}
			ccm_sha256_init(&h);
			while ((got = ccm_msgfile_read(f, x->piece, sizeof(x->piece), x->err)) > 0) {
				ccm_fp_item_update(&x->fp, x->piece, (size_t)got);
				if (it->kind != CCM_ITEM_TEXT) {
					ccm_sha256_update(&h, x->piece, (size_t)got);
					x->st->attachment_bytes += (unsigned long long)got;
				}
			}
			if (got < 0) {
				rc = (int)got;
				break;
			}
			ccm_fp_item_end(&x->fp);
			if (it->kind != CCM_ITEM_TEXT) {
				ccm_sha256_final(d, &h);
				hex32(&x->content, d);
			}
		}
		if (rc < 0)
			break;
		ccm_fp_final(fp, &x->fp);
		if ((dup = ccm_fp_seen_add(&x->seen, fp)) < 0) {
			rc = ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
			break;
		}
		k.dup = dup;
		x->st->source_messages++;
		snprintf(where, sizeof(where), "%s message %ld%s", e->path, m->number,
			 r8 ? " (an R8 settings folder)" : "");
		if ((rc = ccm_store_source_find(&rec, x->s, &k, x->err)) < 0)
			break;
		if (rc == 1 && rec.message_id) {
			rc = plist_add(held, rec.message_id, x->head.ptr, x->content.ptr, where);
		} else if (rc == 1 && rec.decision == CCM_SRC_LEFT_OUT) {
			const char *why = rec.reason ? rec.reason : "unknown";
			if ((rc = count_reason(x->st, why, 1)) == 0 && x->list) {
				struct ccm_diag d = { CCM_NOTE, "verify-decided", 0, e->path, 0,
						      m->offset, x->owner, m->number, NULL };
				ccm_reportf(x->b->rep, &d, "left out by decision: %s", why);
			}
		} else if (x->owner_why) {
			/* Not stored, and its user was left out whole. */
			rc = count_reason(x->st, x->owner_why, 1);
		} else {
			rc = plist_add(unknown, 0, x->head.ptr, x->content.ptr, where);
		}
		if (rc < 0)
			break;
	}
	ccm_msgfile_close(f);
	return rc < 0 ? rc : 0;
}

static int hash_blob(struct vctx *x, long long blob_id, unsigned char d[32])
{
	struct ccm_store_blob *bl;
	struct ccm_sha256 h;
	unsigned long long size;
	long long got;
	int rc;

	if ((rc = ccm_store_blob_open(&bl, x->s, blob_id, &size, x->err)) < 0)
		return rc;
	ccm_sha256_init(&h);
	while ((got = ccm_store_blob_read(bl, x->piece, sizeof(x->piece), x->err)) > 0)
		ccm_sha256_update(&h, x->piece, (size_t)got);
	ccm_store_blob_close(bl);
	if (got < 0)
		return (int)got;
	ccm_sha256_final(d, &h);
	return 0;
}

/* Whether ccmig made the message itself (the address book notice); the
 * attachments a policy left out of it into x->dropped ("" when none). */
static int generated(struct vctx *x, long long msg)
{
	struct ccm_store_cursor *c;
	struct ccm_store_header h;
	int rc, found = 0;

	ccm_buf_reset(&x->dropped);
	if ((rc = ccm_store_message_headers(&c, x->s, msg, x->err)) < 0)
		return rc;
	while ((rc = ccm_store_next_header(c, &h, x->err)) > 0) {
		found |= !strcasecmp(h.name, "X-ccmig-generated");
		if (!strcasecmp(h.name, CCM_IMPORT_DROPPED_HEADER) && h.value)
			ccm_buf_set(&x->dropped, h.value, strlen(h.value));
	}
	ccm_store_cursor_free(c);
	return rc < 0 ? rc : found;
}

/*
 * Whether source content `src` is the store's `dst` but for the
 * attachments `dropped` names (CCM_IMPORT_DROPPED_HEADER: "2, 5, 3.1
 * (who)"): x->kept gets src without them. A content is
 * "<date>\x1f<recipients>" and "\x1f<SHA-256>" for each attachment, in
 * order. A forwarded message that lost an attachment inside ("3.1") is
 * stored as its text without it: its contents are not compared (any
 * hash matches "*"), only its place.
 */
static int same_but_dropped(struct vctx *x, const char *src, const char *dst,
			    const char *dropped)
{
	const char *p = src, *q = dst;
	long field = 0;

	ccm_buf_reset(&x->kept);
	for (;;) {
		size_t n = strcspn(p, "\x1f");
		int gone = 0, inside = 0;

		if (field >= 2) {
			/* Is attachment field - 1 among those named, or is
			 * something inside it? */
			for (const char *d = dropped; *d >= '0' && *d <= '9'; ) {
				char *end;
				long k = strtol(d, &end, 10);

				gone |= k == field - 1 && *end != '.';
				inside |= k == field - 1 && *end == '.';
				d = end + strcspn(end, ",(");
				d += strspn(d, ", ");
			}
		}
		if (!gone) {
			if (field)
				ccm_buf_addch(&x->kept, '\x1f');
			if (inside)
				ccm_buf_addch(&x->kept, '*');
			else
				ccm_buf_add(&x->kept, p, n);
		}
		if (!p[n])
			break;
		p += n + 1;
		field++;
	}
	/* Field by field: "*" stands for any. */
	for (p = x->kept.ptr; ; ) {
		size_t n = strcspn(p, "\x1f"), m = strcspn(q, "\x1f");

		if (!(n == 1 && *p == '*') && (n != m || memcmp(p, q, n)))
			return 0;
		if (!p[n] || !q[m])
			return !p[n] && !q[m];
		p += n + 1;
		q += m + 1;
	}
}

/* A held message whose store copy lacks attachments by a policy's
 * decision: counted, and named with --list. */
static int attachments_decided(struct vctx *x, const struct print *src,
			       const char *dropped)
{
	const char *why = strchr(dropped, '(');
	size_t list = why ? (size_t)(why - dropped) : strlen(dropped), wlen;
	unsigned long n = 1;
	char reason[256];

	while (list && dropped[list - 1] == ' ')
		list--;
	for (const char *d = dropped; *d && *d != '('; d++)
		n += *d == ',';
	if (why) {
		wlen = strcspn(why + 1, ")");
		snprintf(reason, sizeof(reason), "%.*s", (int)wlen, why + 1);
	} else {
		snprintf(reason, sizeof(reason), "policy");
	}
	x->st->attachments_left_out += n;
	if (x->list) {
		struct ccm_diag d = { CCM_NOTE, "verify-decided", 0, NULL, 0, -1, x->owner,
				      0, NULL };
		char subject[128];

		ccm_reportf(x->b->rep, &d, "%s ('%s'): attachment(s) %.*s left out by "
			    "decision: %s", src->where, subject_of(src, subject),
			    (int)list, dropped, reason);
	}
	return add_reason(&x->st->att_reasons, &x->st->n_att_reasons, reason, n);
}

/* A store message's head and content into x->head and x->content. */
static int message_print(struct vctx *x, const struct ccm_store_message *m,
			 const char *folder)
{
	struct ccm_store_cursor *c = NULL;
	struct ccm_store_rcpt r;
	struct ccm_store_attachment a;
	size_t n = 0;
	int rc;

	if ((rc = ccm_store_message_rcpts(&c, x->s, m->id, x->err)) < 0)
		return rc;
	while ((rc = ccm_store_next_rcpt(c, &r, x->err)) > 0)
		n++;
	ccm_store_cursor_free(c);
	if (rc < 0)
		return rc;
	head_of(&x->head, folder, m->subject, m->read, m->unsent);
	content_of(&x->content, m->has_sent, m->sent_utc, n);
	if ((rc = ccm_store_attachments(&c, x->s, m->id, x->err)) < 0)
		return rc;
	while ((rc = ccm_store_next_attachment(c, &a, x->err)) > 0) {
		/* The bytes the store holds, not the hash it noted down:
		 * corruption must show. */
		unsigned char d[32];
		if ((rc = hash_blob(x, a.blob_id, d)) < 0)
			break;
		hex32(&x->content, d);
	}
	ccm_store_cursor_free(c);
	return rc;
}

/*
 * A message a policy placed outside its owner's folders (a board's
 * message moved to another public folder): its content into x->content.
 * 1 when the store has it, 0 when not.
 */
static int placed_elsewhere(struct vctx *x, long long id)
{
	struct ccm_store_cursor *c;
	struct ccm_store_message m;
	int rc;

	if ((rc = ccm_store_message_get(&c, x->s, id, x->err)) < 0)
		return rc;
	if ((rc = ccm_store_next_message(c, &m, x->err)) == 1 &&
	    (rc = generated(x, m.id)) >= 0)
		rc = message_print(x, &m, "");
	ccm_store_cursor_free(c);
	return rc < 0 ? rc : rc == 0 ? 1 : 0;
}

/* Store side: every message of a mailbox (0: the public folder `prefix`),
 * in id order. */
static int store_prints(struct vctx *x, long long mailbox, const char *prefix,
			const char *alias, struct plist *out)
{
	struct ccm_store_cursor *fc = NULL, *mc = NULL;
	struct ccm_folder folder;
	int rc;

	if ((rc = ccm_store_folders(&fc, x->s, mailbox, x->err)) < 0)
		return rc;
	while ((rc = ccm_store_next_folder(fc, &folder, x->err)) > 0) {
		struct ccm_store_message m;

		if (prefix && strcmp(folder.path, prefix) != 0)
			continue;
		if ((rc = ccm_store_messages(&mc, x->s, folder.id, x->err)) < 0)
			break;
		while ((rc = ccm_store_next_message(mc, &m, x->err)) > 0) {
			char where[600];

			if ((rc = generated(x, m.id)) != 0) {
				if (rc < 0)
					break;
				continue;
			}
			if ((rc = message_print(x, &m, folder.path)) < 0)
				break;
			snprintf(where, sizeof(where), "store message %lld in %s%s%s", m.id,
				 alias ? alias : "the public folders", alias ? "'s folder " :
				 " ", folder.path);
			if ((rc = plist_add(out, m.id, x->head.ptr, x->content.ptr, where)) < 0)
				break;
			if (x->dropped.len &&
			    !(out->v[out->len - 1].dropped = ccm_strdup(x->dropped.ptr))) {
				rc = CCM_ENOMEM;
				break;
			}
			x->st->store_messages++;
		}
		ccm_store_cursor_free(mc);
		mc = NULL;
		if (rc < 0)
			break;
	}
	ccm_store_cursor_free(fc);
	return rc;
}

static int by_id(const void *a, const void *b)
{
	long long x = ((const struct print *)a)->id, y = ((const struct print *)b)->id;

	return x < y ? -1 : x > y;
}

/* Legacy order: the whole comparable line. */
static int by_line(const void *a, const void *b)
{
	const struct print *p = a, *q = b;
	int c = strcmp(p->head, q->head);

	return c ? c : strcmp(p->content, q->content);
}

/* Matches one owner's lists and reports what is not accounted for. */
static int compare(struct vctx *x, struct plist *held, struct plist *unknown,
		   struct plist *dst)
{
	struct plist rest = { 0 };
	char subject[128];
	int rc = 0;

	if (dst->len > 1)
		qsort(dst->v, dst->len, sizeof(*dst->v), by_id);
	/* By identity: the message it became must be here, as it was. */
	for (size_t i = 0; i < held->len; i++) {
		struct print key = { .id = held->v[i].id };
		struct print *d = dst->len ? bsearch(&key, dst->v, dst->len,
						     sizeof(*dst->v), by_id) : NULL;

		if (!d && x->board) {
			int rc2 = placed_elsewhere(x, held->v[i].id);
			if (rc2 < 0)
				return rc2;
			if (rc2 == 1) {
				x->st->store_messages++;
				if (strcmp(x->content.ptr, held->v[i].content) == 0) {
					x->st->matched++;
				} else if (x->dropped.len &&
					   same_but_dropped(x, held->v[i].content,
							    x->content.ptr, x->dropped.ptr)) {
					x->st->matched++;
					if ((rc = attachments_decided(x, &held->v[i],
								      x->dropped.ptr)) < 0)
						return rc;
				} else {
					x->st->mismatched++;
					problem(x, "verify-mismatch", "%s ('%s') is store message "
						"%lld, but not as it is in the post office: its "
						"date, recipients or attachment contents differ",
						held->v[i].where, subject_of(&held->v[i], subject),
						held->v[i].id);
				}
				continue;
			}
		}
		if (!d || d->matched) {
			x->st->missing++;
			problem(x, "verify-missing", "%s ('%s') was stored as message %lld, "
				"which is not in this mailbox any more", held->v[i].where,
				subject_of(&held->v[i], subject), held->v[i].id);
		} else if (strcmp(d->content, held->v[i].content) && d->dropped &&
			   same_but_dropped(x, held->v[i].content, d->content, d->dropped)) {
			d->matched = 1;
			x->st->matched++;
			if ((rc = attachments_decided(x, &held->v[i], d->dropped)) < 0)
				return rc;
		} else if (strcmp(d->content, held->v[i].content)) {
			d->matched = 1;
			x->st->mismatched++;
			problem(x, "verify-mismatch", "%s ('%s') is %s, but not as it is in "
				"the post office: its date, recipients or attachment contents "
				"differ", held->v[i].where, subject_of(&held->v[i], subject),
				d->where);
		} else {
			d->matched = 1;
			x->st->matched++;
		}
	}
	/* Without identity (a store from before they were kept): by the
	 * whole line, among the store's messages nothing else claimed. */
	for (size_t j = 0; rc == 0 && j < dst->len; j++)
		if (!dst->v[j].matched)
			rc = plist_add(&rest, dst->v[j].id, dst->v[j].head,
				       dst->v[j].content, dst->v[j].where);
	if (rc < 0) {
		plist_release(&rest);
		return rc;
	}
	if (unknown->len > 1)
		qsort(unknown->v, unknown->len, sizeof(*unknown->v), by_line);
	if (rest.len > 1)
		qsort(rest.v, rest.len, sizeof(*rest.v), by_line);
	for (size_t i = 0, j = 0; i < unknown->len || j < rest.len; ) {
		int c = i == unknown->len ? 1 : j == rest.len ? -1 :
			by_line(&unknown->v[i], &rest.v[j]);
		if (c == 0) {
			x->st->matched++;
			i++;
			j++;
		} else if (c < 0) {
			x->st->missing++;
			problem(x, "verify-missing", "%s ('%s') is not in the store, and the "
				"store does not say why: no run stored it or decided to leave "
				"it out", unknown->v[i].where, subject_of(&unknown->v[i], subject));
			i++;
		} else {
			/* Held for another post office (a board both have)? */
			rc = ccm_store_source_po_of(x->s, rest.v[j].id, &x->po, x->err);
			if (rc < 0)
				break;
			rc = 0;
			if (!(x->po.len && strcasecmp(x->po.ptr, x->b->manifest.post_office))) {
				x->st->extra++;
				problem(x, "verify-extra", "%s ('%s') is no message of the post "
					"office", rest.v[j].where, subject_of(&rest.v[j], subject));
			} else {
				x->st->store_messages--;
			}
			j++;
		}
	}
	plist_release(&rest);
	return rc;
}

/* Counts a file's messages without reading their items. */
static int count_messages(struct vctx *x, const struct ccm_manifest_entry *e,
			  unsigned long *n)
{
	struct ccm_msgfile *f;
	const struct ccm_message *m;
	struct ccm_error oerr;
	int rc;

	*n = 0;
	if (!e || !e->path || ccm_bundle_open_messages(&f, x->b, e, &oerr) < 0)
		return 0;
	while ((rc = ccm_msgfile_next(f, &m, x->err)) > 0)
		(*n)++;
	ccm_msgfile_close(f);
	return rc < 0 ? rc : 0;
}

/* One owner: its source and store lists, compared. */
static int owner(struct vctx *x, const struct ccm_manifest_entry *e, const char *board,
		 long long mailbox, const char *prefix, const char *alias)
{
	struct plist held = { 0 }, unknown = { 0 }, dst = { 0 };
	struct ccm_source_key k = { x->b->manifest.post_office, board != NULL,
				    x->owner, NULL, 0 };
	int decision = 0, rc;

	rc = ccm_store_source_mailbox_find(x->s, &k, &decision, &x->reason, x->err);
	if (rc < 0)
		return rc;
	x->owner_why = rc == 1 && decision != CCM_SRC_MIGRATED ? x->reason.ptr : NULL;
	x->board = board != NULL;
	rc = 0;
	if (e && e->path)
		rc = source_prints(x, e, board, &held, &unknown);
	if (rc == 0)
		rc = store_prints(x, mailbox, prefix, alias, &dst);
	if (rc == 0)
		rc = compare(x, &held, &unknown, &dst);
	plist_release(&held);
	plist_release(&unknown);
	plist_release(&dst);
	return rc;
}

/* A user without a mailbox: a decision, or a problem. The messages of
 * a user outside the share are another share's to count. */
static int no_mailbox(struct vctx *x, const struct ccm_dir_entry *e, int custom,
		      int outside)
{
	struct ccm_source_key k = { x->b->manifest.post_office, 0, e->name, NULL, 0 };
	unsigned long n = 0;
	int decision = 0;
	int rc = ccm_store_source_mailbox_find(x->s, &k, &decision, &x->reason, x->err);

	if (rc < 0)
		return rc;
	if (rc == 1 && decision == CCM_SRC_LEFT_OUT) {
		x->st->users_left_out++;
		if (!outside &&
		    (rc = count_messages(x, ccm_bundle_mailbox(x->b, e->name), &n)) < 0)
			return rc;
		x->st->source_messages += n;
		if (x->list) {
			struct ccm_diag d = { CCM_NOTE, "verify-decided", 0, NULL, 0, -1,
					      e->name, 0, NULL };
			ccm_reportf(x->b->rep, &d, "user '%s' and %lu message(s) left out by "
				    "decision: %s", e->name, n, x->reason.ptr);
		}
		return count_reason(x->st, x->reason.ptr, n);
	}
	x->st->no_mailbox++;
	problem(x, "verify-no-mailbox", "user '%s' has no mailbox in the store%s", e->name,
		custom ? " (a custom recipient holds the address: import the user's "
		"MAILMESSAGE section)" : ", and the store does not say why");
	return 0;
}

/* After each owner. */
static void progress(const struct ccm_verify_opts *o, struct ccm_progress_at *at,
		     const struct ccm_verify_stats *st)
{
	if (!o || !o->progress)
		return;
	at->done = st->users + st->boards;
	at->bytes = st->attachment_bytes;
	o->progress(o->progress_ctx, at);
}

int ccm_verify(struct ccm_bundle *b, struct ccm_store *s, const struct ccm_verify_opts *o,
	       struct ccm_verify_stats *st, struct ccm_error *err)
{
	struct vctx x = { .b = b, .s = s, .st = st, .err = err, .list = o && o->list };
	struct ccm_buf board = CCM_BUF_INIT;    /* a board's folder */
	struct ccm_progress_at at = { 0, b->manifest.n_boards, 0, 0 };
	const struct ccm_share *share = o ? o->share : NULL;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	ccm_fp_init(&x.fp);
	for (size_t i = 0; i < b->dir.len; i++)
		at.total += !b->dir.duplicate[i] && ccm_dir_entry_is_local_user(&b->dir.entries[i]);
	for (size_t i = 0; rc == 0 && i < b->dir.len; i++) {
		const struct ccm_dir_entry *e = &b->dir.entries[i];
		struct ccm_recipient r;
		long long id = 0;
		int kind = 0;

		if (b->dir.duplicate[i] || !ccm_dir_entry_is_local_user(e))
			continue;
		st->users++;
		x.owner = e->name;
		ccm_buf_reset(&x.head);
		ccm_buf_addf(&x.head, "%s at %s", e->name, b->manifest.post_office);
		rc = ccm_store_find_address(s, "CCMAIL", x.head.ptr, &id, &kind, err);
		if (rc < 0)
			break;
		if (rc == 0 || kind != CCM_RECIP_MAILBOX) {
			rc = no_mailbox(&x, e, rc == 1, !ccm_share_has(share, e->name));
			progress(o, &at, st);
			continue;
		}
		if (!ccm_share_has(share, e->name)) {
			st->outside++;
			progress(o, &at, st);
			rc = 0;
			continue;
		}
		if ((rc = ccm_store_recipient_get(&r, s, id, err)) < 0)
			break;
		rc = owner(&x, ccm_bundle_mailbox(b, e->name), NULL, id, NULL, r.alias);
		ccm_recipient_release(&r);
		progress(o, &at, st);
	}
	for (size_t i = 0; rc == 0 && i < b->manifest.n_boards; i++) {
		const struct ccm_manifest_entry *e = &b->manifest.boards[i];
		st->boards++;
		if (!ccm_share_has(share, e->name)) {
			st->outside++;
			progress(o, &at, st);
			continue;
		}
		x.owner = e->name;
		ccm_placing_folder(&board, e->name, NULL, NULL);
		rc = owner(&x, e, e->name, 0, board.ptr, NULL);
		progress(o, &at, st);
	}
	ccm_buf_release(&board);
	ccm_buf_release(&x.head);
	ccm_buf_release(&x.content);
	ccm_buf_release(&x.folder);
	ccm_buf_release(&x.norm);
	ccm_buf_release(&x.reason);
	ccm_buf_release(&x.po);
	ccm_buf_release(&x.dropped);
	ccm_buf_release(&x.kept);
	ccm_fp_release(&x.fp);
	ccm_fp_seen_release(&x.seen);
	return rc < 0 ? rc : 0;
}
