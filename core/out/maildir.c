/* maildir.c: the store's mailboxes as Maildir++ folders. */
#include "out/maildir.h"
#include "base/fault.h"
#include "out/folder_name.h"
#include "out/render.h"
#include "base/buf.h"
#include "store/folders.h"
#include "store/messages.h"
#include "store/recipients.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>

struct mctx {
	struct ccm_store *s;
	const struct ccm_tz *tz;
	struct ccm_maildir_stats *st;
	struct ccm_error *err;
	struct ccm_buf path, name;
};

static int make_dir(const char *path, struct ccm_error *err)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return ccm_error_sys(err, errno, "cannot create folder '%s'", path);
	return 0;
}

/* A Maildir (cur, new, tmp) at `path`. */
static int make_maildir(struct mctx *x, const char *path)
{
	static const char *const sub[] = { "cur", "new", "tmp" };
	char p[4200];
	int rc = make_dir(path, x->err);

	for (int i = 0; rc == 0 && i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", path, sub[i]);
		rc = make_dir(p, x->err);
	}
	return rc;
}

/* The Maildir++ subfolder of a store folder: ".Sent", ".Projects.1999";
 * "" for the Inbox. */
static int folder_name(const struct ccm_folder *f, struct ccm_buf *out)
{
	struct ccm_buf name = CCM_BUF_INIT;
	int rc = ccm_out_folder_name(f, '.', "/", &name);

	ccm_buf_reset(out);
	if (rc == 0 && f->special != CCM_FOLDER_INBOX)
		rc = ccm_buf_addch(out, '.') || ccm_buf_add(out, name.ptr, name.len);
	ccm_buf_release(&name);
	return rc ? CCM_ENOMEM : 0;
}

struct fwrite_ctx {
	FILE *f;
	unsigned long long n;
};

static int to_file(void *ctx, const void *p, size_t n)
{
	struct fwrite_ctx *w = ctx;

	w->n += n;
	return fwrite(p, 1, n, w->f) == n ? 0 : CCM_EIO;
}

/* One message into maildir `md` (the folder's Maildir). */
static int write_message(struct mctx *x, const char *md, const struct ccm_store_message *m)
{
	struct ccm_render_opts ro = { x->tz, NULL, NULL };
	struct fwrite_ctx w = { NULL, 0 };
	char tmp[4300], cur[4300];
	struct stat sb;
	int rc;

	snprintf(cur, sizeof(cur), "%s/cur/ccmig-%lld:2,%s%s", md, m->id,
		 m->unsent ? "D" : "", m->read ? "S" : "");
	if (stat(cur, &sb) == 0) {
		x->st->already++;
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s/tmp/ccmig-%lld", md, m->id);
	if (!(w.f = fopen(tmp, "wb")))
		return ccm_error_sys(x->err, errno, "cannot create '%s'", tmp);
	rc = ccm_render_message(x->s, m, &ro, to_file, &w, x->err);
	if (fclose(w.f) != 0 && rc == 0)
		rc = ccm_error_sys(x->err, errno, "cannot write '%s'", tmp);
	if (rc < 0) {
		remove(tmp);
		return rc;
	}
	if (m->has_sent || m->has_received) {
		/* Mail clients sort and show by the file's time. */
		struct timeval tv[2];
		tv[0].tv_sec = tv[1].tv_sec = (time_t)(m->has_sent ? m->sent_utc : m->received_utc);
		tv[0].tv_usec = tv[1].tv_usec = 0;
		utimes(tmp, tv);
	}
	/* A crash with the message written but not in place: the next run
	 * writes it again over the same tmp/ name. */
	ccm_fault_point();
	/* Renamed whole into cur/: a reader never sees half a message. */
	if (rename(tmp, cur) != 0)
		return ccm_error_sys(x->err, errno, "cannot move '%s' into place", tmp);
	ccm_fault_point();
	x->st->messages++;
	x->st->bytes += w.n;
	return 0;
}

/* Every folder of mailbox `mailbox` (0: public) under root `root`. */
static int write_folders(struct mctx *x, long long mailbox, const char *root)
{
	struct ccm_store_cursor *fc = NULL, *mc = NULL;
	struct ccm_folder f;
	int rc;

	if ((rc = make_maildir(x, root)) < 0)
		return rc;
	if ((rc = ccm_store_folders(x->s, mailbox, &fc, x->err)) < 0)
		return rc;
	while ((rc = ccm_store_next_folder(fc, &f, x->err)) > 0) {
		struct ccm_store_message m;
		char md[4200];

		if ((rc = folder_name(&f, &x->name)) < 0) {
			rc = ccm_error_set(x->err, rc, "out of memory");
			break;
		}
		snprintf(md, sizeof(md), "%s/%s", root, x->name.ptr);
		if (x->name.len && (rc = make_maildir(x, md)) < 0)
			break;
		x->st->folders++;
		if ((rc = ccm_store_messages(x->s, f.id, &mc, x->err)) < 0)
			break;
		while ((rc = ccm_store_next_message(mc, &m, x->err)) > 0)
			if ((rc = write_message(x, md, &m)) < 0)
				break;
		ccm_store_cursor_free(mc);
		mc = NULL;
		if (rc < 0)
			break;
	}
	ccm_store_cursor_free(fc);
	return rc;
}

int ccm_maildir_export(struct ccm_store *s, const char *dir, const struct ccm_tz *tz,
		       struct ccm_maildir_stats *st, struct ccm_error *err)
{
	struct mctx x = { s, tz, st, err, CCM_BUF_INIT, CCM_BUF_INIT };
	struct ccm_store_cursor *rc_cur = NULL;
	struct ccm_recipient r;
	char root[4200];
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = make_dir(dir, err)) < 0)
		return rc;
	if ((rc = ccm_store_recipients(s, CCM_RECIP_MAILBOX, &rc_cur, err)) < 0)
		return rc;
	while ((rc = ccm_store_next_recipient(rc_cur, &r, err)) > 0) {
		/* Aliases are ASCII and unique; anything else is kept out of
		 * the path all the same. */
		ccm_buf_reset(&x.path);
		for (const char *p = r.alias; *p; p++)
			ccm_buf_addch(&x.path, (*p == '/' || (*p == '.' && p == r.alias)) ? '_' : *p);
		if (!strcasecmp(x.path.ptr, "public"))
			ccm_buf_adds(&x.path, "_");      /* public/ is the public folders' */
		snprintf(root, sizeof(root), "%s/%s", dir, x.path.ptr);
		st->mailboxes++;
		if ((rc = write_folders(&x, r.id, root)) < 0)
			break;
	}
	ccm_store_cursor_free(rc_cur);
	if (rc == 0) {
		snprintf(root, sizeof(root), "%s/public", dir);
		rc = write_folders(&x, 0, root);
	}
	ccm_buf_release(&x.path);
	ccm_buf_release(&x.name);
	return rc < 0 ? rc : 0;
}
