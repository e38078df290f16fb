/* pst_export.c: the store's mailboxes as Outlook data files (.pst). */
#include "export/pst_export.h"
#include "export/folder_name.h"
#include "export/pst_pab.h"
#include "base/pidlock.h"
#include "base/sha256.h"
#include "pst/messaging.h"
#include "store/folders.h"
#include "store/messages.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Forwards inside forwards are followed this deep; a store does not nest
 * them further (the importer's own limit is lower). */
#define MAX_DEPTH 64

struct run {
	struct ccm_store *s;
	const struct ccm_out_opts *o;
	struct ccm_pst_export_stats *st;
	struct ccm_progress_at at;
};

/* What one message's recipients and headers take, copied from their
 * cursors. */
struct extras {
	struct ccm_pst_recipient *r;
	size_t n;
	struct ccm_buf headers;
	char *sender_type, *sender_email;
};

static void extras_release(struct extras *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free((char *)x->r[i].name);
		free((char *)x->r[i].addrtype);
		free((char *)x->r[i].email);
	}
	free(x->r);
	ccm_buf_release(&x->headers);
	free(x->sender_type);
	free(x->sender_email);
}

static int extras_read(struct extras *x, struct ccm_store *s, const struct ccm_store_message *m,
		       int top, struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_store_rcpt r;
	struct ccm_store_header h;
	int rc, bcc = 0;

	memset(x, 0, sizeof(*x));
	ccm_buf_init(&x->headers);
	ccm_pst_split_address(&x->sender_type, &x->sender_email, m->sender_address, m->sender_name);
	if (top && (rc = ccm_store_senders_copy(&bcc, s, m, err)) < 0)
		return rc;
	if ((rc = ccm_store_message_rcpts(&c, s, m->id, err)) < 0)
		return rc;
	while ((rc = ccm_store_next_rcpt(c, &r, err)) > 0) {
		struct ccm_pst_recipient *v;
		char *type, *email;

		if (r.kind == CCM_RCPT_BCC && !bcc)
			continue;
		if (!(v = realloc(x->r, (x->n + 1) * sizeof(*v)))) {
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			break;
		}
		x->r = v;
		ccm_pst_split_address(&type, &email, r.address, r.display);
		v[x->n].kind = r.kind;
		v[x->n].name = r.display ? strdup(r.display) : NULL;
		v[x->n].addrtype = type;
		v[x->n].email = email;
		x->n++;
	}
	ccm_store_cursor_free(c);
	if (rc < 0 || (rc = ccm_store_message_headers(&c, s, m->id, err)) < 0)
		return rc;
	while ((rc = ccm_store_next_header(c, &h, err)) > 0)
		ccm_buf_addf(&x->headers, "%s: %s\r\n", h.name, h.value);
	ccm_store_cursor_free(c);
	return rc;
}

static long long read_blob(void *ctx, void *buf, size_t n)
{
	struct ccm_error e;

	return ccm_store_blob_read(ctx, buf, n, &e);
}

/* An attachment's data from its blob. */
static int attach(struct ccm_pst_msg *pm, struct ccm_store *s, const struct ccm_store_attachment *a,
		  struct ccm_error *err)
{
	struct ccm_store_blob *b;
	unsigned long long size;
	int rc;

	if ((rc = ccm_store_blob_open(&b, s, a->blob_id, &size, err)) < 0)
		return rc;
	rc = ccm_pst_msg_attach(pm, a->name, size, a->position, read_blob, b, err);
	ccm_store_blob_close(b);
	return rc;
}

static int write_message(struct run *r, struct ccm_pst *p, uint32_t folder,
			 struct ccm_pst_msg *parent, const struct ccm_store_message *m,
			 int depth, struct ccm_error *err);

/* Message m's parts in their order: attachments, and the messages
 * forwarded in it in place of the part they came in. */
static int write_parts(struct run *r, struct ccm_pst *p, struct ccm_pst_msg *pm,
		       const struct ccm_store_message *m, int depth, struct ccm_error *err)
{
	struct ccm_store_cursor *ac = NULL, *fc = NULL;
	struct ccm_store_attachment a;
	struct ccm_store_message f;
	int rc, a_more, f_more = 0;

	if ((rc = ccm_store_attachments(&ac, r->s, m->id, err)) < 0 ||
	    (rc = a_more = ccm_store_next_attachment(ac, &a, err)) < 0)
		goto out;
	if (depth < MAX_DEPTH &&
	    ((rc = ccm_store_forwarded(&fc, r->s, m->id, err)) < 0 ||
	     (rc = f_more = ccm_store_next_message(fc, &f, err)) < 0))
		goto out;
	while (a_more || f_more) {
		if (f_more && (!a_more || f.parent_seq <= a.seq)) {
			if ((rc = write_message(r, p, 0, pm, &f, depth + 1, err)) < 0)
				break;
			r->st->embedded++;
			if (a_more && a.seq == f.parent_seq &&
			    (rc = a_more = ccm_store_next_attachment(ac, &a, err)) < 0)
				break;
			if ((rc = f_more = ccm_store_next_message(fc, &f, err)) < 0)
				break;
			continue;
		}
		if ((rc = attach(pm, r->s, &a, err)) < 0)
			break;
		r->st->attachments++;
		if ((rc = a_more = ccm_store_next_attachment(ac, &a, err)) < 0)
			break;
	}
out:
	ccm_store_cursor_free(ac);
	ccm_store_cursor_free(fc);
	return rc < 0 ? rc : 0;
}

static int write_message(struct run *r, struct ccm_pst *p, uint32_t folder,
			 struct ccm_pst_msg *parent, const struct ccm_store_message *m,
			 int depth, struct ccm_error *err)
{
	struct ccm_pst_message pm = { 0 };
	struct ccm_pst_msg *x = NULL;
	struct extras ex;
	long long date;
	int rc;

	if ((rc = extras_read(&ex, r->s, m, parent == NULL, err)) < 0)
		goto out;
	ccm_store_message_date(&date, m);
	pm.subject = m->subject;
	pm.sender_name = m->sender_name;
	pm.sender_addrtype = ex.sender_type;
	pm.sender_email = ex.sender_email;
	pm.submit_utc = m->has_sent ? m->sent_utc : date;
	pm.delivery_utc = m->has_received ? m->received_utc : date;
	pm.read = m->read;
	pm.unsent = m->unsent;
	pm.importance = m->priority < 0 ? 0 : m->priority > 0 ? 2 : 1;
	pm.body = m->body;
	pm.body_len = m->body_len;
	pm.headers = ex.headers.len ? ex.headers.ptr : NULL;
	pm.rcpts = ex.r;
	pm.n_rcpts = ex.n;
	if ((rc = ccm_pst_msg_begin(&x, p, folder, parent,
				    m->part_name ? m->part_name : m->subject, &pm, err)) < 0 ||
	    (rc = write_parts(r, p, x, m, depth, err)) < 0)
		goto out;
	rc = ccm_pst_msg_end(x, err);
	x = NULL;
out:
	ccm_pst_msg_abort(x);
	extras_release(&ex);
	return rc;
}

static enum ccm_pst_role role_of(int special)
{
	switch (special) {
	case CCM_FOLDER_INBOX: return CCM_PST_INBOX;
	case CCM_FOLDER_OUTBOX: return CCM_PST_OUTBOX;
	case CCM_FOLDER_SENT: return CCM_PST_SENT;
	case CCM_FOLDER_DELETED: return CCM_PST_DELETED;
	case CCM_FOLDER_DRAFTS: return CCM_PST_DRAFTS;
	default: return CCM_PST_FOLDER;
	}
}

struct fmap {
	long long id;
	uint32_t nid;
};

/* Mailbox `mailbox` (0: the public folders) into the open file p. */
static int write_mailbox(struct run *r, struct ccm_pst *p, long long mailbox,
			 struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_folder f;
	struct fmap *map = NULL;
	size_t n = 0;
	int rc, contacts_taken = 0;

	if ((rc = ccm_store_folders(&c, r->s, mailbox, err)) < 0)
		return rc;
	/* Parents come before children. */
	while ((rc = ccm_store_next_folder(c, &f, err)) > 0) {
		uint32_t parent = 0, nid;
		struct fmap *v;

		if (!f.parent_id && !strcasecmp(f.name, "Contacts"))
			contacts_taken = 1;
		for (size_t i = 0; i < n; i++)
			if (map[i].id == f.parent_id)
				parent = map[i].nid;
		if ((rc = ccm_pst_folder_add(&nid, p, parent, f.name, role_of(f.special), err)) < 0)
			break;
		if (!(v = realloc(map, (n + 1) * sizeof(*v)))) {
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			break;
		}
		map = v;
		map[n].id = f.id;
		map[n++].nid = nid;
	}
	ccm_store_cursor_free(c);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct ccm_store_message m;

		if ((rc = ccm_store_messages(&c, r->s, map[i].id, err)) < 0)
			break;
		while ((rc = ccm_store_next_message(c, &m, err)) > 0) {
			if ((rc = write_message(r, p, map[i].nid, NULL, &m, 0, err)) < 0)
				break;
			r->st->messages++;
			if (r->o && r->o->progress) {
				r->at.done++;
				r->o->progress(r->o->progress_ctx, &r->at);
			}
		}
		ccm_store_cursor_free(c);
		if (rc == 0)
			rc = ccm_pst_folder_done(p, map[i].nid, err);
		r->st->folders += rc == 0;
	}
	free(map);
	/* The address book beside the folders; under another name when the
	 * mailbox has a folder called Contacts of its own. */
	if (rc == 0 && mailbox)
		rc = ccm_pst_export_pab(p, r->s, mailbox, contacts_taken ?
					"Contacts (cc:Mail address book)" : "Contacts",
					&r->st->contacts, &r->st->lists, err);
	return rc;
}

/* The file's provider id: from what names the file, so that every export
 * of a store gives the same one. */
static void file_uid(unsigned char uid[16], const char *name)
{
	struct ccm_sha256 h;
	unsigned char d[32];

	ccm_sha256_init(&h);
	ccm_sha256_update(&h, "ccmig pst ", 10);
	ccm_sha256_update(&h, name, strlen(name));
	ccm_sha256_final(d, &h);
	memcpy(uid, d, 16);
}

int ccm_pst_export(struct ccm_store *s, const char *dir, const struct ccm_out_opts *o,
		   struct ccm_pst_export_stats *st, struct ccm_error *err)
{
	struct run r = { s, o, st, { 0, 0, 0, 0 } };
	struct ccm_out_mailboxes boxes;
	struct ccm_buf path = CCM_BUF_INIT;
	int rc, lock = -1;

	memset(st, 0, sizeof(*st));
	ccm_buf_init(&st->problem_text);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return ccm_error_sys(err, errno, "cannot create folder '%s'", dir);
	if ((rc = ccm_out_lock(&lock, dir, err)) < 0)
		return rc;
	if ((rc = ccm_out_mailboxes_read(&boxes, s, err)) < 0) {
		ccm_pidlock_drop(lock);
		return rc;
	}
	st->renamed = boxes.renamed;
	if (o && o->progress)
		r.at.total = ccm_out_message_count(s);
	for (size_t i = 0; i <= boxes.n; i++) {
		long long id = i < boxes.n ? boxes.id[i] : 0;
		const char *name = i < boxes.n ? boxes.name[i] : "public";
		struct ccm_pst *p;
		struct ccm_error e;

		ccm_buf_reset(&path);
		ccm_buf_addf(&path, "%s/%s.pst", dir, name);
		if (id == 0) {
			/* Public folders: a file only when there are some. */
			struct ccm_store_cursor *c;
			struct ccm_folder f;

			if ((rc = ccm_store_folders(&c, s, 0, err)) < 0)
				break;
			rc = ccm_store_next_folder(c, &f, err);
			ccm_store_cursor_free(c);
			if (rc <= 0)
				break;
		}
		st->mailboxes += id != 0;
		{
			unsigned char uid[16];

			file_uid(uid, name);
			rc = ccm_pst_open(&p, path.ptr, i < boxes.n ? boxes.alias[i] :
					  "Public Folders", uid, &e);
		}
		if (rc == 0 && (rc = write_mailbox(&r, p, id, &e)) < 0)
			ccm_pst_abort(p);
		else if (rc == 0)
			rc = ccm_pst_finish(p, &e);
		if (rc < 0) {
			st->problems++;
			ccm_buf_addf(&st->problem_text,
				     "ccmig export: error: %s: %s; the file is not written\n",
				     path.ptr, e.msg);
			rc = 0;
			continue;
		}
		st->files++;
	}
	ccm_buf_release(&path);
	ccm_out_mailboxes_release(&boxes);
	ccm_pidlock_drop(lock);
	return rc < 0 ? rc : 0;
}
