/* pst_export.c: the store's mailboxes as Outlook data files (.pst). */
#include "export/pst_export.h"
#include "export/folder_name.h"
#include "export/pst_pab.h"
#include "export/render.h"
#include "export/size_limit.h"
#include "base/drop_note.h"
#include "base/pidlock.h"
#include "base/sha256.h"
#include "pst/messaging.h"
#include "store/folders.h"
#include "store/messages.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Forwards inside forwards are followed this deep; a store does not nest
 * them further (the importer's own limit is lower). */
#define MAX_DEPTH 64

/* What the threads share, under lock. */
struct shared {
	pthread_mutex_t lock;
	const struct ccm_out_mailboxes *boxes;
	size_t next;                 /* the next file: boxes->n is the public one */
	const char *dir;
	const struct ccm_out_opts *o;
	struct ccm_progress_at at;
	struct ccm_pst_export_stats total;
	/* The largest value a property may hold (CCM_PST_MAX_VALUE; a test
	 * may lower it: CCMIG_TEST_PST_MAX_VALUE). */
	unsigned long long max_value;
	int failed;                  /* the first failure's code; err says it */
	struct ccm_error *err;
};

/* One thread's writing. */
struct run {
	struct shared *sh;
	struct ccm_store *s;         /* this thread's connection */
	const struct ccm_out_opts *o;
	struct ccm_pst_export_stats *st, own;
	unsigned long long max_value;
	unsigned long long done, told;   /* messages written; told to progress */
	long long last;              /* when progress was last told */
	/* The mailbox and folder being written, for what is said. */
	const char *alias, *folder;
	/* The message being written: its attachments replaced by notes
	 * (ccm_size_plan), or NULL. */
	const struct ccm_size_result *split;
};

/* An entry for the report, from one thread at a time. */
static void emit(struct run *r, const struct ccm_diag *d)
{
	pthread_mutex_lock(&r->sh->lock);
	ccm_report_emit(r->o ? r->o->report : NULL, d);
	pthread_mutex_unlock(&r->sh->lock);
}

/* Tells progress what this thread wrote since it last did (force: now,
 * else ten times a second at most). */
static void tick(struct run *r, int force)
{
	struct shared *sh = r->sh;

	if (!r->o || !r->o->progress || (!force && !ccm_progress_due(&r->last)))
		return;
	pthread_mutex_lock(&sh->lock);
	sh->at.done += r->done - r->told;
	r->told = r->done;
	r->o->progress(r->o->progress_ctx, &sh->at);
	pthread_mutex_unlock(&sh->lock);
}

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

/* A blob read for the messaging layer, keeping the store's error. */
struct blob_read {
	struct ccm_store_blob *b;
	struct ccm_error e;
	int failed;
};

static long long read_blob(void *ctx, void *buf, size_t n)
{
	struct blob_read *br = ctx;
	long long k = ccm_store_blob_read(br->b, buf, n, &br->e);

	br->failed = k < 0;
	return k;
}

/* An attachment's data from its blob. */
static int attach(struct ccm_pst_msg *pm, struct ccm_store *s, const struct ccm_store_attachment *a,
		  struct ccm_error *err)
{
	struct blob_read br = { NULL, { 0 }, 0 };
	unsigned long long size;
	int rc;

	if ((rc = ccm_store_blob_open(&br.b, s, a->blob_id, &size, err)) < 0)
		return rc;
	rc = ccm_pst_msg_attach(pm, a->name, size, a->position, read_blob, &br, err);
	if (rc < 0 && br.failed)
		ccm_error_set(err, rc, "attachment '%s' of message %lld: %s",
			      a->name ? a->name : "", a->message_id, br.e.msg);
	ccm_store_blob_close(br.b);
	return rc;
}

/* Whether attachment `seq` of the message at `prefix` ("" the stored one,
 * "3" the message forwarded as its part 3) is replaced by a note. */
static int is_replaced(const struct ccm_size_result *split, const char *prefix, int seq)
{
	char path[CCM_SIZE_PATH_LEN];

	if (!split)
		return 0;
	ccm_size_part_path(path, sizeof(path), prefix, seq);
	for (size_t i = 0; i < split->n_replaced; i++)
		if (!strcmp(split->paths[i], path))
			return 1;
	return 0;
}

/* Memory read as an attachment's data. */
struct mem_read {
	const char *p;
	size_t left;
};

static long long read_mem(void *ctx, void *buf, size_t n)
{
	struct mem_read *m = ctx;

	if (n > m->left)
		n = m->left;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (long long)n;
}

/* The note that stands for attachment `a`, as a text file in its place
 * (base/drop_note.h: what it was, its size, who replaced it). */
static int attach_note(struct ccm_pst_msg *pm, const struct ccm_store_attachment *a,
		       struct ccm_error *err)
{
	struct ccm_buf note = CCM_BUF_INIT, name = CCM_BUF_INIT;
	const char *was = a->name ? a->name : "attachment";
	struct mem_read mem;
	int rc;

	ccm_drop_note(&note, was, a->kind && !strcmp(a->kind, "message"), a->size,
		      "option '" CCM_SIZE_SPLIT_OPTION "'");
	ccm_buf_addf(&name, "%s (removed).txt", was);
	mem.p = note.ptr;
	mem.left = note.len;
	rc = ccm_pst_msg_attach(pm, name.ptr, note.len, a->position, read_mem, &mem, err);
	ccm_buf_release(&note);
	ccm_buf_release(&name);
	return rc;
}

static int write_message(struct run *r, struct ccm_pst *p, uint32_t folder,
			 struct ccm_pst_msg *parent, const struct ccm_store_message *m,
			 int depth, const char *prefix, long long carrier_utc,
			 struct ccm_error *err);

/* Message m's parts in their order: attachments, and the messages
 * forwarded in it in place of the part they came in. m is at `prefix`
 * (is_replaced) and dated date_utc (what it carries is dated by it). */
static int write_parts(struct run *r, struct ccm_pst *p, struct ccm_pst_msg *pm,
		       const struct ccm_store_message *m, int depth, const char *prefix,
		       long long date_utc, struct ccm_error *err)
{
	char sub[CCM_SIZE_PATH_LEN];
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
			ccm_size_part_path(sub, sizeof(sub), prefix, f.parent_seq);
			if ((rc = write_message(r, p, 0, pm, &f, depth + 1, sub, date_utc,
						err)) < 0)
				break;
			r->st->embedded++;
			if (a_more && a.seq == f.parent_seq &&
			    (rc = a_more = ccm_store_next_attachment(ac, &a, err)) < 0)
				break;
			if ((rc = f_more = ccm_store_next_message(fc, &f, err)) < 0)
				break;
			continue;
		}
		if (is_replaced(r->split, prefix, a.seq))
			rc = attach_note(pm, &a, err);
		else
			rc = attach(pm, r->s, &a, err);
		if (rc < 0)
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
			 int depth, const char *prefix, long long carrier_utc,
			 struct ccm_error *err)
{
	struct ccm_pst_message pm = { 0 };
	struct ccm_pst_msg *x = NULL;
	struct extras ex;
	long long date;
	int rc;

	if ((rc = extras_read(&ex, r->s, m, parent == NULL, err)) < 0)
		goto out;
	/* The date every export gives it (store/messages.h); a forwarded
	 * message has no date of receipt of its own. */
	if (parent) {
		ccm_store_forwarded_date(&date, m, carrier_utc);
		pm.delivery_utc = date;
	} else {
		ccm_store_message_date(&date, m);
		pm.delivery_utc = m->has_received ? m->received_utc : date;
	}
	if (!parent && r->split && r->split->n_replaced) {
		ccm_buf_addf(&ex.headers, "%s: ", CCM_RENDER_REMOVED_HEADER);
		for (size_t i = 0; i < r->split->n_replaced; i++)
			ccm_buf_addf(&ex.headers, "%s%s", i ? ", " : "", r->split->paths[i]);
		ccm_buf_addf(&ex.headers, " (option:%s)\r\n", CCM_SIZE_SPLIT_OPTION);
	}
	pm.subject = m->subject;
	pm.sender_name = m->sender_name;
	pm.sender_addrtype = ex.sender_type;
	pm.sender_email = ex.sender_email;
	pm.submit_utc = date;
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
	    (rc = write_parts(r, p, x, m, depth, prefix, date, err)) < 0)
		goto out;
	rc = ccm_pst_msg_end(x, err);
	x = NULL;
out:
	ccm_pst_msg_abort(x);
	extras_release(&ex);
	return rc;
}

/*
 * Message m's size in a PST as its PR_MESSAGE_SIZE counts it (what
 * write_message writes: ccm_pst_message_base_size, each attachment, each
 * forwarded message in place of the part it came in), added to *size,
 * and its largest attachment at any depth, into *largest.
 */
static int pst_size(unsigned long long *size, unsigned long long *largest, struct ccm_store *s,
		    const struct ccm_store_message *m, int depth, struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_store_attachment a;
	struct ccm_store_message f;
	int *seqs = NULL, rc = 0;
	size_t n = 0;

	*size += ccm_pst_message_base_size(m->body_len);
	if (depth < MAX_DEPTH) {
		if ((rc = ccm_store_forwarded(&c, s, m->id, err)) < 0)
			return rc;
		while ((rc = ccm_store_next_message(c, &f, err)) > 0) {
			int *v = realloc(seqs, (n + 1) * sizeof(*v));

			if (!v) {
				rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
				break;
			}
			seqs = v;
			seqs[n++] = f.parent_seq;
			if ((rc = pst_size(size, largest, s, &f, depth + 1, err)) < 0)
				break;
		}
		ccm_store_cursor_free(c);
	}
	if (rc < 0 || (rc = ccm_store_attachments(&c, s, m->id, err)) < 0)
		goto out;
	while ((rc = ccm_store_next_attachment(c, &a, err)) > 0) {
		int forwarded = 0;

		for (size_t i = 0; i < n && !forwarded; i++)
			forwarded = seqs[i] == a.seq;
		if (forwarded)
			continue;
		*size += a.size;
		if (a.size > *largest)
			*largest = a.size;
	}
	ccm_store_cursor_free(c);
out:
	free(seqs);
	return rc < 0 ? rc : 0;
}

/* What replacing an attachment of `size` bytes by a note saves in a PST. */
static unsigned long long saves_pst(unsigned long long size)
{
	return size > 300 ? size - 300 : 0;
}

/* A message with an attachment larger than a PST can hold: left out, a
 * problem (the mail is not where the user asked for it). */
static void say_too_big(struct run *r, const struct ccm_store_message *m, const char *uid,
			unsigned long long largest)
{
	struct ccm_diag d = { CCM_ERROR, "pst-too-big", 0, NULL, 0, -1, r->alias,
			      (long)m->id, NULL };
	struct ccm_buf t = CCM_BUF_INIT;

	ccm_buf_addf(&t, "mailbox '%s', folder '%s': message <ccmig.%s@ccmig.invalid> has "
		     "an attachment of %llu bytes; a PST holds at most %llu bytes in one "
		     "attachment: the message is left out of the file (export it with "
		     "--maildir or --mbox)", r->alias, r->folder, uid, largest, r->max_value);
	d.text = t.ptr;
	emit(r, &d);
	ccm_buf_release(&t);
	r->st->too_big++;
}

/* Top-level message m into folder `folder`: written whole, written with
 * attachments replaced by notes or left out by the size limit
 * (decisions, export/size_limit.h), or left out because a PST cannot
 * hold it (a problem). */
static int write_top(struct run *r, struct ccm_pst *p, uint32_t folder,
		     const struct ccm_store_message *m, struct ccm_error *err)
{
	const struct ccm_size_limit *l = r->o ? r->o->size : NULL;
	struct ccm_size_result res;
	unsigned long long size = 0, largest = 0;
	char uid[CCM_STORE_UID_LEN + 1];
	int rc;

	if ((rc = pst_size(&size, &largest, r->s, m, 0, err)) < 0 ||
	    (rc = ccm_size_plan(&res, r->s, m, size, saves_pst, l, err)) < 0)
		return rc;
	if (largest > r->max_value || res.outcome != CCM_SIZE_FITS) {
		if ((rc = ccm_store_message_uid(uid, r->s, m, err)) < 0)
			goto out;
		if (largest > r->max_value) {
			say_too_big(r, m, uid, largest);
			goto out;
		}
		pthread_mutex_lock(&r->sh->lock);
		ccm_size_say(r->o->report, r->alias, r->folder, m->id, uid, NULL, &res, l);
		pthread_mutex_unlock(&r->sh->lock);
		if (res.outcome == CCM_SIZE_LEFT_OUT) {
			r->st->left_out_size++;
			goto out;
		}
		r->st->split_size++;
		r->split = &res;
	}
	rc = write_message(r, p, folder, NULL, m, 0, "", 0, err);
	r->split = NULL;
	if (rc == 0)
		r->st->messages++;
out:
	ccm_size_result_release(&res);
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
	char *path;          /* as the report names it */
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
		map[n].nid = nid;
		if (!(map[n++].path = strdup(f.path ? f.path : f.name))) {
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			break;
		}
	}
	ccm_store_cursor_free(c);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct ccm_store_message m;

		if ((rc = ccm_store_messages(&c, r->s, map[i].id, err)) < 0)
			break;
		r->folder = map[i].path;
		while ((rc = ccm_store_next_message(c, &m, err)) > 0) {
			if ((rc = write_top(r, p, map[i].nid, &m, err)) < 0)
				break;
			r->done++;
			tick(r, 0);
		}
		ccm_store_cursor_free(c);
		if (rc == 0)
			rc = ccm_pst_folder_done(p, map[i].nid, err);
		r->st->folders += rc == 0;
	}
	for (size_t i = 0; i < n; i++)
		free(map[i].path);
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

/* File i of the mailboxes (boxes->n: the public folders, when there are
 * any). A file that cannot be written is a problem, counted and said;
 * 0, or a negative code (err filled) for a failure that stops the export. */
static int write_file(struct run *r, size_t i, struct ccm_error *err)
{
	const struct ccm_out_mailboxes *boxes = r->sh->boxes;
	long long id = i < boxes->n ? boxes->id[i] : 0;
	const char *name = i < boxes->n ? boxes->name[i] : "public";
	struct ccm_buf path = CCM_BUF_INIT;
	unsigned char uid[16];
	struct ccm_pst *p;
	struct ccm_error e;
	int rc;

	if (id == 0) {
		/* Public folders: a file only when there are some. */
		struct ccm_store_cursor *c;
		struct ccm_folder f;

		if ((rc = ccm_store_folders(&c, r->s, 0, err)) < 0)
			return rc;
		rc = ccm_store_next_folder(c, &f, err);
		ccm_store_cursor_free(c);
		if (rc <= 0)
			return rc;
	}
	r->st->mailboxes += id != 0;
	r->alias = i < boxes->n ? boxes->alias[i] : "Public Folders";
	ccm_buf_addf(&path, "%s/%s.pst", r->sh->dir, name);
	file_uid(uid, name);
	rc = ccm_pst_open(&p, path.ptr, r->alias, uid, &e);
	if (rc == 0 && (rc = write_mailbox(r, p, id, &e)) < 0)
		ccm_pst_abort(p);
	else if (rc == 0)
		rc = ccm_pst_finish(p, &e);
	if (rc < 0) {
		r->st->problems++;
		ccm_buf_addf(&r->st->problem_text,
			     "ccmig export: error: %s: %s; the file is not written\n",
			     path.ptr, e.msg);
	} else {
		r->st->files++;
	}
	ccm_buf_release(&path);
	return 0;
}

static void add_stats(struct ccm_pst_export_stats *to, struct ccm_pst_export_stats *from)
{
	to->mailboxes += from->mailboxes;
	to->files += from->files;
	to->folders += from->folders;
	to->messages += from->messages;
	to->attachments += from->attachments;
	to->embedded += from->embedded;
	to->left_out_size += from->left_out_size;
	to->split_size += from->split_size;
	to->too_big += from->too_big;
	to->contacts += from->contacts;
	to->lists += from->lists;
	to->problems += from->problems;
	ccm_buf_add(&to->problem_text, from->problem_text.ptr, from->problem_text.len);
	ccm_buf_release(&from->problem_text);
}

/* Writes files until none is left or one has failed (ccm_out_run_threads;
 * files are many and each ends with fsync). */
static void export_work(void *arg, struct ccm_store *s)
{
	struct shared *sh = arg;
	struct run run = { .sh = sh, .s = s, .o = sh->o, .max_value = sh->max_value }, *r = &run;
	struct ccm_error err;
	int rc = 0;

	r->st = &r->own;
	ccm_buf_init(&r->own.problem_text);
	for (;;) {
		size_t i = 0;
		int more;

		pthread_mutex_lock(&sh->lock);
		if (rc < 0 && !sh->failed) {
			sh->failed = rc;
			*sh->err = err;
		}
		if ((more = !sh->failed && sh->next <= sh->boxes->n))
			i = sh->next++;
		pthread_mutex_unlock(&sh->lock);
		if (!more)
			break;
		rc = write_file(r, i, &err);
	}
	tick(r, 1);
	pthread_mutex_lock(&sh->lock);
	add_stats(&sh->total, &r->own);
	pthread_mutex_unlock(&sh->lock);
}

int ccm_pst_export(struct ccm_store *s, const char *dir, const struct ccm_out_opts *o,
		   struct ccm_pst_export_stats *st, struct ccm_error *err)
{
	struct shared sh = { .dir = dir, .o = o, .max_value = CCM_PST_MAX_VALUE, .err = err };
	const char *test_max = getenv("CCMIG_TEST_PST_MAX_VALUE");
	struct ccm_out_mailboxes boxes;
	int rc, lock = -1;

	memset(st, 0, sizeof(*st));
	ccm_buf_init(&st->problem_text);
	ccm_buf_init(&sh.total.problem_text);
	/* Tests cannot write 4 GiB attachments to see them refused. */
	if (test_max && *test_max)
		sh.max_value = strtoull(test_max, NULL, 10);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return ccm_error_sys(err, errno, "cannot create folder '%s'", dir);
	if ((rc = ccm_out_lock(&lock, dir, err)) < 0)
		return rc;
	if ((rc = ccm_out_mailboxes_read(&boxes, s, err)) < 0) {
		ccm_pidlock_drop(lock);
		return rc;
	}
	sh.boxes = &boxes;
	if (o && o->progress)
		sh.at.total = ccm_out_message_count(s);
	pthread_mutex_init(&sh.lock, NULL);
	/* Each file is written by one thread: the bytes are the same
	 * whatever their number. */
	ccm_out_run_threads(s, ccm_out_thread_count(boxes.n + 1), export_work, &sh);
	pthread_mutex_destroy(&sh.lock);
	ccm_buf_release(&st->problem_text);
	*st = sh.total;
	st->renamed = boxes.renamed;
	ccm_out_mailboxes_release(&boxes);
	ccm_pidlock_drop(lock);
	return sh.failed < 0 ? sh.failed : 0;
}
