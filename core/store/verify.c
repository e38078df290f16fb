/* verify.c: is everything of a post office in the store? */
#include "store/verify.h"
#include "store/folders.h"
#include "store/messages.h"
#include "store/recipients.h"
#include "base/buf.h"
#include "base/sha256.h"
#include "iff/extract.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One message as a comparable line, and where it came from. */
struct print {
	char *key;
	char *where;
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
	struct ccm_buf key, folder, norm;
	char piece[65536];
};

static int plist_add(struct plist *l, const char *key, const char *where)
{
	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct print *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return CCM_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->len].key = ccm_strdup(key);
	l->v[l->len].where = ccm_strdup(where);
	if (!l->v[l->len].key || !l->v[l->len].where)
		return CCM_ENOMEM;
	l->len++;
	return 0;
}

static void plist_release(struct plist *l)
{
	for (size_t i = 0; i < l->len; i++) {
		free(l->v[i].key);
		free(l->v[i].where);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct print *)a)->key, ((const struct print *)b)->key);
}

/* The fields both sides have, in one line; folder names in any case. */
static void key_head(struct ccm_buf *k, const char *folder, const char *subject,
		     int dated, long long utc, int read, int unsent, size_t rcpts)
{
	ccm_buf_reset(k);
	for (const char *p = folder; *p; p++)
		ccm_buf_addch(k, (*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	ccm_buf_addf(k, "\x1f%s\x1f", subject ? subject : "");
	if (dated)
		ccm_buf_addf(k, "%lld", utc);
	ccm_buf_addf(k, "\x1f%d%d\x1f%zu", read, unsent, rcpts);
}

static void hex32(struct ccm_buf *k, const unsigned char h[32])
{
	char hex[65];

	ccm_sha256_hex(h, hex);
	ccm_buf_addf(k, "\x1f%s", hex);
}

/* Source side: every message of one mail file. */
static int source_prints(struct vctx *x, const struct ccm_manifest_entry *e,
			 const char *board, struct plist *out)
{
	struct ccm_msgfile *f;
	const struct ccm_message *m;
	struct ccm_error oerr;
	char where[512];
	int rc;

	if (ccm_bundle_open_messages(x->b, e, &f, &oerr) < 0)
		return 0;     /* reported when the bundle was read */
	ccm_msgfile_set_keep_macbinary(f, 1);   /* as extract keeps it */
	while ((rc = ccm_msgfile_next(f, &m, x->err)) > 0) {
		const struct ccm_item *it;
		int r8 = 0;

		if (board) {
			ccm_buf_reset(&x->folder);
			ccm_buf_addf(&x->folder, "Lotus cc:Mail Bulletin Boards\\%s", board);
		} else {
			ccm_extract_folder(m->folder, &x->folder, &r8);
		}
		/* As the store keeps it: "Projects\\" is the folder Projects. */
		if (ccm_store_folder_path(x->folder.ptr, !board, &x->norm) < 0) {
			rc = ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
			break;
		}
		key_head(&x->key, x->norm.ptr, m->subject,
			 m->date_state == CCM_DATE_OK, m->date.utc,
			 !(m->status & CCM_STATUS_UNREAD),
			 (m->status & CCM_STATUS_DRAFT) || !strcmp(x->norm.ptr, "Drafts"),
			 m->to.len + m->cc.len + m->bcc.len);
		while ((rc = ccm_msgfile_next_item(f, &it, x->err)) > 0) {
			struct ccm_sha256 h;
			unsigned char d[32];
			ssize_t got;

			if (it->kind == CCM_ITEM_TEXT)
				continue;
			ccm_sha256_init(&h);
			while ((got = ccm_msgfile_read(f, x->piece, sizeof(x->piece), x->err)) > 0) {
				ccm_sha256_update(&h, x->piece, (size_t)got);
				x->st->attachment_bytes += (unsigned long long)got;
			}
			if (got < 0) {
				rc = (int)got;
				break;
			}
			ccm_sha256_final(&h, d);
			hex32(&x->key, d);
		}
		if (rc < 0)
			break;
		snprintf(where, sizeof(where), "%s message %ld%s", e->path, m->number,
			 r8 ? " (an R8 settings folder: extract skips it unless "
			 "--keep-r8-folders)" : "");
		if ((rc = plist_add(out, x->key.ptr, where)) < 0)
			break;
		x->st->source_messages++;
	}
	ccm_msgfile_free(f);
	return rc < 0 ? rc : 0;
}

static int hash_blob(struct vctx *x, long long blob_id, unsigned char d[32])
{
	struct ccm_store_blob *bl;
	struct ccm_sha256 h;
	unsigned long long size;
	long long got;
	int rc;

	if ((rc = ccm_store_blob_open(x->s, blob_id, &bl, &size, x->err)) < 0)
		return rc;
	ccm_sha256_init(&h);
	while ((got = ccm_store_blob_read(bl, x->piece, sizeof(x->piece), x->err)) > 0)
		ccm_sha256_update(&h, x->piece, (size_t)got);
	ccm_store_blob_close(bl);
	if (got < 0)
		return (int)got;
	ccm_sha256_final(&h, d);
	return 0;
}

/* Whether ccmig made the message itself (the address book notice). */
static int generated(struct vctx *x, long long msg)
{
	struct ccm_store_cursor *c;
	struct ccm_store_header h;
	int rc, found = 0;

	if ((rc = ccm_store_message_headers(x->s, msg, &c, x->err)) < 0)
		return rc;
	while ((rc = ccm_store_next_header(c, &h, x->err)) > 0)
		found |= !strcasecmp(h.name, "X-ccmig-generated");
	ccm_store_cursor_free(c);
	return rc < 0 ? rc : found;
}

/* Store side: every message of a mailbox (0: the public folders under
 * `prefix`). */
static int store_prints(struct vctx *x, long long mailbox, const char *prefix,
			struct plist *out)
{
	struct ccm_store_cursor *fc = NULL, *mc = NULL, *c = NULL;
	struct ccm_folder folder;
	int rc;

	if ((rc = ccm_store_folders(x->s, mailbox, &fc, x->err)) < 0)
		return rc;
	while ((rc = ccm_store_next_folder(fc, &folder, x->err)) > 0) {
		struct ccm_store_message m;

		if (prefix && strcmp(folder.path, prefix) != 0)
			continue;
		if ((rc = ccm_store_messages(x->s, folder.id, &mc, x->err)) < 0)
			break;
		while ((rc = ccm_store_next_message(mc, &m, x->err)) > 0) {
			struct ccm_store_rcpt r;
			struct ccm_store_attachment a;
			size_t n = 0;
			char where[256];

			if ((rc = generated(x, m.id)) != 0) {
				if (rc < 0)
					break;
				continue;
			}
			if ((rc = ccm_store_message_rcpts(x->s, m.id, &c, x->err)) < 0)
				break;
			while ((rc = ccm_store_next_rcpt(c, &r, x->err)) > 0)
				n++;
			ccm_store_cursor_free(c);
			c = NULL;
			if (rc < 0)
				break;
			key_head(&x->key, folder.path, m.subject, m.has_sent, m.sent_utc,
				 m.read, m.unsent, n);
			if ((rc = ccm_store_attachments(x->s, m.id, &c, x->err)) < 0)
				break;
			while ((rc = ccm_store_next_attachment(c, &a, x->err)) > 0) {
				/* The bytes the store holds, not the hash it noted
				 * down: corruption must show. */
				unsigned char d[32];
				if ((rc = hash_blob(x, a.blob_id, d)) < 0)
					break;
				hex32(&x->key, d);
			}
			ccm_store_cursor_free(c);
			c = NULL;
			if (rc < 0)
				break;
			snprintf(where, sizeof(where), "store message %lld", m.id);
			if ((rc = plist_add(out, x->key.ptr, where)) < 0)
				break;
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

static void difference(struct vctx *x, enum ccm_severity sev, const char *kind,
		       const char *user, const struct print *p, const char *fmt)
{
	struct ccm_diag d = { sev, kind, 0, NULL, 0, -1, user, 0, NULL };
	char subject[128];
	const char *s = strchr(p->key, '\x1f');
	size_t n = s ? strcspn(s + 1, "\x1f") : 0;

	snprintf(subject, sizeof(subject), "%.*s", (int)(n < 100 ? n : 100), s ? s + 1 : "");
	ccm_reportf(x->b->rep, &d, fmt, p->where, subject);
}

/* Matches the two lists of one mailbox and reports what differs. */
static void compare(struct vctx *x, const char *user, struct plist *src,
		    struct plist *dst)
{
	size_t i = 0, j = 0;

	if (src->len > 1)
		qsort(src->v, src->len, sizeof(*src->v), by_key);
	if (dst->len > 1)
		qsort(dst->v, dst->len, sizeof(*dst->v), by_key);
	while (i < src->len || j < dst->len) {
		int c = i == src->len ? 1 : j == dst->len ? -1 :
			strcmp(src->v[i].key, dst->v[j].key);
		if (c == 0) {
			i++;
			j++;
		} else if (c < 0) {
			x->st->missing++;
			difference(x, CCM_ERROR, "verify-missing", user, &src->v[i++],
				   "%s ('%s') is not in the store as it is in the post "
				   "office: missing, or its folder, date, flags, recipients "
				   "or attachments differ");
		} else {
			x->st->extra++;
			difference(x, CCM_WARNING, "verify-extra", user, &dst->v[j++],
				   "%s ('%s') has no message of the post office that matches it");
		}
	}
}

int ccm_verify(struct ccm_bundle *b, struct ccm_store *s,
	       struct ccm_verify_stats *st, struct ccm_error *err)
{
	struct vctx x = { b, s, st, err, CCM_BUF_INIT, CCM_BUF_INIT, CCM_BUF_INIT, { 0 } };
	struct plist src = { 0 }, dst = { 0 };
	int rc = 0;

	memset(st, 0, sizeof(*st));
	for (size_t i = 0; rc == 0 && i < b->dir.len; i++) {
		const struct ccm_dir_entry *e = &b->dir.entries[i];
		const struct ccm_manifest_entry *mb;
		long long id = 0;
		int kind = 0;

		if (b->dir.duplicate[i] || !ccm_dir_entry_is_local_user(e))
			continue;
		st->users++;
		ccm_buf_reset(&x.key);
		ccm_buf_addf(&x.key, "%s at %s", e->name, b->manifest.post_office);
		rc = ccm_store_find_address(s, "CCMAIL", x.key.ptr, &id, &kind, err);
		if (rc < 0)
			break;
		if (rc == 0 || kind != CCM_RECIP_MAILBOX) {
			struct ccm_diag d = { CCM_ERROR, "verify-no-mailbox", 0, NULL, 0, -1,
					      e->name, 0, NULL };
			st->no_mailbox++;
			ccm_reportf(b->rep, &d, "user '%s' has no mailbox in the store%s",
				    e->name, rc ? " (a custom recipient holds the address: "
				    "import the user's MAILMESSAGE section)" : "");
			rc = 0;
			continue;
		}
		rc = 0;
		mb = ccm_bundle_mailbox(b, e->name);
		if (mb && mb->path)
			rc = source_prints(&x, mb, NULL, &src);
		if (rc == 0)
			rc = store_prints(&x, id, NULL, &dst);
		if (rc == 0)
			compare(&x, e->name, &src, &dst);
		plist_release(&src);
		plist_release(&dst);
	}
	for (size_t i = 0; rc == 0 && i < b->manifest.n_boards; i++) {
		const struct ccm_manifest_entry *e = &b->manifest.boards[i];
		char path[512];

		st->boards++;
		snprintf(path, sizeof(path), "Lotus cc:Mail Bulletin Boards\\%s", e->name);
		if (e->path)
			rc = source_prints(&x, e, e->name, &src);
		if (rc == 0)
			rc = store_prints(&x, 0, path, &dst);
		if (rc == 0)
			compare(&x, e->name, &src, &dst);
		plist_release(&src);
		plist_release(&dst);
	}
	ccm_buf_release(&x.key);
	ccm_buf_release(&x.folder);
	ccm_buf_release(&x.norm);
	return rc < 0 ? rc : 0;
}
