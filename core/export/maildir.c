/* maildir.c: the store's mailboxes as Maildir++ folders. */
#include "export/maildir.h"
#include "base/fault.h"
#include "base/nofollow.h"
#include "export/folder_name.h"
#include "export/imap.h"
#include "export/render.h"
#include "base/buf.h"
#include "store/folders.h"
#include "store/messages.h"
#include "store/recipients.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* The names (store/messages.h: ccm_store_message_uid) of the messages a
 * folder holds already, whatever flags a mail program has given them
 * since ("ccmig-<name>:2,FS" in cur/ or "ccmig-<name>" in new/), sorted. */
struct have {
	char (*uid)[CCM_STORE_UID_LEN + 1];
	size_t n, cap;
};

struct shared;

struct mctx {
	struct shared *sh;
	/* Progress: the last call's time, and what was added to the
	 * shared count by then. */
	long long last;
	unsigned long long told_done, told_bytes;
	int top;                     /* the export's folder, which the user named */
	struct ccm_store *s;
	const struct ccm_tz *tz;
	struct ccm_maildir_stats *st;
	struct ccm_error *err;
	struct ccm_buf name;
	struct ccm_out_names names;  /* given to the mailbox's folders so far */
	struct have have;            /* what the folder being written holds */
	const char *alias;           /* the mailbox's, and the folder's path, */
	const char *folder;          /* for the report */
	const struct ccm_size_limit *size;  /* NULL: none */
	char *iobuf;                 /* the block a message file is written from */
};

#define IOBUF_SIZE (256u << 10)

/*
 * A Maildir open by descriptors: every folder and file below the export's
 * folder is reached from its parent's descriptor and never through a
 * link (base/nofollow.h), so that nothing planted in the output makes the
 * export write elsewhere.
 */
struct md {
	int dir, cur, new, tmp;
	char *path;                  /* for messages */
};

static void md_close(struct md *d)
{
	if (d->cur >= 0)
		close(d->cur);
	if (d->new >= 0)
		close(d->new);
	if (d->tmp >= 0)
		close(d->tmp);
	if (d->dir >= 0)
		close(d->dir);
	free(d->path);
	d->dir = d->cur = d->new = d->tmp = -1;
	d->path = NULL;
}

/* The Maildir `name` (cur, new, tmp) in the folder open as `parent`, whose
 * path is `where`: 1 when its cur/ is new (so it holds nothing yet), 0
 * when it was there, or a negative code (d closed). */
static int md_open(struct md *d, int parent, const char *where, const char *name,
		   struct ccm_error *err)
{
	static const char *const sub[] = { "cur", "new", "tmp" };
	int *fd[] = { &d->cur, &d->new, &d->tmp };
	struct ccm_buf p = CCM_BUF_INIT;
	int rc, fresh = 0;

	d->dir = d->cur = d->new = d->tmp = -1;
	ccm_buf_addf(&p, "%s/%s", where, name);
	d->path = ccm_buf_detach(&p, NULL);
	rc = ccm_nofollow_dir(&d->dir, parent, name, d->path, err);
	for (int i = 0; rc >= 0 && i < 3; i++) {
		char shown[4400];

		snprintf(shown, sizeof(shown), "%s/%s", d->path, sub[i]);
		if ((rc = ccm_nofollow_dir(fd[i], d->dir, sub[i], shown, err)) == 1 && i == 0)
			fresh = 1;
	}
	if (rc < 0)
		md_close(d);
	return rc < 0 ? rc : fresh;
}

/* The Maildir++ subfolder of a store folder: ".Sent", ".Projects.1999";
 * "" for the Inbox. */
static int folder_name(struct ccm_out_names *names, const struct ccm_folder *f,
		       struct ccm_buf *out)
{
	struct ccm_buf name = CCM_BUF_INIT;
	int rc = ccm_out_folder_name_unique(&name, names, f, '.', "/");

	ccm_buf_reset(out);
	/* On disk in modified UTF-7, as Dovecot's and Courier's Maildir++
	 * keep folder names ("Réunions" is ".R&AOk-unions"). */
	if (rc == 0 && f->special != CCM_FOLDER_INBOX) {
		ccm_buf_addch(out, '.');
		ccm_imap_utf7_encode(out, name.ptr);
		ccm_out_fit_name(out, 0, CCM_OUT_NAME_MAX);
	}
	ccm_buf_release(&name);
	return rc ? CCM_ENOMEM : 0;
}

/* The rendered message into its file with LF line ends, as local mail
 * files have them (mail programs show a CR as "^M"; Dovecot adds CRs back
 * for IMAP itself). A CR at the end of one piece waits for the next. */
struct fwrite_ctx {
	FILE *f;
	unsigned long long n;
	int cr;                      /* a CR is held back */
	int fail;                    /* errno of the first failed write */
	size_t used;                 /* bytes waiting in out */
	char *out;                   /* IOBUF_SIZE bytes, written a block at a time */
};

/* Adds n bytes to the block being written, writing it out when full. */
static int put(struct fwrite_ctx *w, const char *p, size_t n)
{
	while (n > 0) {
		size_t k = IOBUF_SIZE - w->used;

		if (k > n)
			k = n;
		memcpy(w->out + w->used, p, k);
		w->used += k;
		p += k;
		n -= k;
		if (w->used == IOBUF_SIZE) {
			if (fwrite(w->out, 1, w->used, w->f) != w->used)
				return w->fail = errno, CCM_EIO;
			w->n += w->used;
			w->used = 0;
		}
	}
	return 0;
}

/* Writes what the block holds. */
static int put_flush(struct fwrite_ctx *w)
{
	if (w->used && fwrite(w->out, 1, w->used, w->f) != w->used)
		return w->fail = errno, CCM_EIO;
	w->n += w->used;
	w->used = 0;
	return 0;
}

static int to_file(void *ctx, const void *data, size_t n)
{
	struct fwrite_ctx *w = ctx;
	const char *p = data, *e = p + n;

	/* Runs between CRs are copied whole; a CR that ends no line is
	 * data; one at the end of a piece waits for the next. */
	while (p < e) {
		const char *cr;

		if (w->cr) {
			w->cr = 0;
			if (*p != '\n' && put(w, "\r", 1) < 0)
				return CCM_EIO;
		}
		cr = memchr(p, '\r', (size_t)(e - p));
		if (put(w, p, (size_t)((cr ? cr : e) - p)) < 0)
			return CCM_EIO;
		if (!cr)
			break;
		w->cr = 1;
		p = cr + 1;
	}
	return 0;
}

/* Takes back what was written of the message: it is over the size limit. */
static int discard_file(void *ctx)
{
	struct fwrite_ctx *w = ctx;

	w->used = 0;
	w->cr = 0;
	w->n = 0;
	if (fflush(w->f) != 0 || ftruncate(fileno(w->f), 0) != 0 ||
	    fseek(w->f, 0, SEEK_SET) != 0)
		return w->fail = errno, CCM_EIO;
	return 0;
}

/* The end of the message: a CR it ended with, and what waits. */
static int flush_cr(struct fwrite_ctx *w)
{
	if (w->cr) {
		w->cr = 0;
		if (put(w, "\r", 1) < 0)
			return CCM_EIO;
	}
	return put_flush(w);
}

static int cmp_uid(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Whether `name` is "ccmig-" and a number, as ccmig named files before
 * names came from the message's identity: such a file cannot be told
 * apart from another store's message of the same number. */
static int old_name(const char *name)
{
	const char *p = name + 6;

	while (*p >= '0' && *p <= '9')
		p++;
	return p > name + 6 && (!*p || *p == ':');
}

/* Fills h with what Maildir `md` holds (see struct have); *old counts the
 * files named the old way. */
static int scan_existing(const struct md *md, struct have *h, unsigned long *old,
			 struct ccm_error *err)
{
	int fds[] = { md->cur, md->new };

	h->n = 0;
	for (int i = 0; i < 2; i++) {
		struct dirent *d;
		int fd = dup(fds[i]);
		DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;

		if (!dir) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		while ((d = readdir(dir)) != NULL) {
			const char *u = d->d_name + 6;
			size_t n;

			if (strncmp(d->d_name, "ccmig-", 6))
				continue;
			if (old_name(d->d_name)) {
				(*old)++;
				continue;
			}
			n = strspn(u, "0123456789abcdef");
			if (n != CCM_STORE_UID_LEN || (u[n] && u[n] != ':'))
				continue;
			if (h->n == h->cap) {
				size_t cap = h->cap ? 2 * h->cap : 256;
				void *v = realloc(h->uid, cap * sizeof(*h->uid));
				if (!v) {
					closedir(dir);
					return ccm_error_set(err, CCM_ENOMEM, "out of memory");
				}
				h->uid = v;
				h->cap = cap;
			}
			memcpy(h->uid[h->n], u, CCM_STORE_UID_LEN);
			h->uid[h->n++][CCM_STORE_UID_LEN] = '\0';
		}
		closedir(dir);
	}
	if (h->n)
		qsort(h->uid, h->n, sizeof(*h->uid), cmp_uid);
	return 0;
}

static void tick(struct mctx *x);
static void say_size(struct mctx *x, const struct ccm_store_message *m, const char *uid,
		     const struct ccm_size_result *res);

/* One message into Maildir `md` (the folder's). */
static int write_message(struct mctx *x, const struct md *md, const struct ccm_store_message *m)
{
	struct ccm_render_opts ro = { .tz = x->tz, .kept_deep = &x->st->kept_deep };
	struct ccm_size_result res;
	struct fwrite_ctx w = { .f = NULL };
	char tmp[64], cur[64], shown[4400], uid[CCM_STORE_UID_LEN + 1];
	int rc;

	if ((rc = ccm_store_message_uid(uid, x->s, m, x->err)) < 0)
		return rc;
	if (x->have.n && bsearch(uid, x->have.uid, x->have.n, sizeof(*x->have.uid), cmp_uid)) {
		x->st->already++;
		return 0;
	}
	ro.uid = uid;
	snprintf(cur, sizeof(cur), "ccmig-%s:2,%s%s", uid, m->unsent ? "D" : "",
		 m->read ? "S" : "");
	snprintf(tmp, sizeof(tmp), "ccmig-%s", uid);
	snprintf(shown, sizeof(shown), "%s/tmp/%s", md->path, tmp);
	/* What a killed run left under the name is written again. */
	if ((rc = ccm_nofollow_create(&w.f, md->tmp, tmp, shown, x->err)) < 0)
		return rc;
	/* Written in blocks of IOBUF_SIZE straight from out: stdio would
	 * only copy them once more. */
	setvbuf(w.f, NULL, _IONBF, 0);
	w.out = x->iobuf;
	rc = ccm_size_render(&res, x->s, m, &ro, x->size, to_file, discard_file,
			     &w, x->err);
	if (rc == 0 && res.outcome != CCM_SIZE_LEFT_OUT)
		rc = flush_cr(&w);
	if (rc == 0 && res.outcome != CCM_SIZE_FITS)
		say_size(x, m, uid, &res);
	ccm_size_result_release(&res);
	if (rc == 0 && res.outcome == CCM_SIZE_LEFT_OUT) {
		fclose(w.f);
		unlinkat(md->tmp, tmp, 0);
		return 0;
	}
	if (rc == 0 && !w.fail) {
		/* Mail clients sort and show by the file's time: the date
		 * the Date field has. */
		struct timespec ts[2];
		long long utc;

		ccm_store_message_date(&utc, m);
		ts[0].tv_sec = ts[1].tv_sec = (time_t)utc;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		futimens(fileno(w.f), ts);
	}
	/* Buffered bytes meet a full disk at fclose() as often as before. */
	if (fclose(w.f) != 0 && !w.fail)
		w.fail = errno;
	if (w.fail)
		rc = ccm_error_sys(x->err, w.fail, "cannot write '%s'", shown);
	if (rc < 0) {
		unlinkat(md->tmp, tmp, 0);
		return rc;
	}
	/* A crash with the message written but not in place: the next run
	 * writes it again over the same tmp/ name. */
	ccm_fault_point();
	/* Renamed whole into cur/: a reader never sees half a message. A
	 * link there would be replaced, not followed. */
	if (renameat(md->tmp, tmp, md->cur, cur) != 0)
		return ccm_error_sys(x->err, errno, "cannot move '%s' into place", shown);
	ccm_fault_point();
	x->st->messages++;
	x->st->bytes += w.n;
	return 0;
}

/* A problem of one folder or mailbox that the rest of the export goes
 * on after (a link planted in the output): kept for the report. */
static void problem(struct mctx *x, const char *lost)
{
	x->st->problems++;
	ccm_buf_addf(&x->st->problem_text, "ccmig export: error: %s; %s\n", x->err->msg,
		     lost);
}

/* Every folder of mailbox `mailbox` (0: public) in folder `root` of the
 * export's folder `dir`. */
static int write_folders(struct mctx *x, long long mailbox, const char *dir,
			 const char *root)
{
	struct ccm_store_cursor *fc = NULL, *mc = NULL;
	struct ccm_folder f;
	struct md top;
	int rc, fresh_root;

	if ((rc = fresh_root = md_open(&top, x->top, dir, root, x->err)) < 0) {
		if (rc != CCM_EEXISTS)
			return rc;
		problem(x, mailbox ? "the mailbox is not exported" :
			"the public folders are not exported");
		return 0;
	}
	if ((rc = ccm_store_folders(&fc, x->s, mailbox, x->err)) < 0) {
		md_close(&top);
		return rc;
	}
	ccm_out_names_reset(&x->names);
	while ((rc = ccm_store_next_folder(fc, &f, x->err)) > 0) {
		struct ccm_store_message m;
		struct md sub = { -1, -1, -1, -1, NULL };
		const struct md *md = &top;

		if ((rc = folder_name(&x->names, &f, &x->name)) < 0) {
			rc = ccm_error_set(x->err, rc, "out of memory");
			break;
		}
		rc = fresh_root;
		if (x->name.len && (rc = md_open(&sub, top.dir, top.path, x->name.ptr,
						 x->err)) < 0) {
			if (rc != CCM_EEXISTS)
				break;
			problem(x, "the folder's messages are not written");
			rc = 0;
			continue;
		}
		if (x->name.len)
			md = &sub;
		x->folder = f.path;
		x->st->folders++;
		/* A folder made just now holds nothing: no need to look. */
		x->have.n = 0;
		if ((rc == 0 && (rc = scan_existing(md, &x->have, &x->st->old_names,
						    x->err)) < 0) ||
		    (rc = ccm_store_messages(&mc, x->s, f.id, x->err)) < 0) {
			md_close(&sub);
			break;
		}
		while ((rc = ccm_store_next_message(mc, &m, x->err)) > 0) {
			if ((rc = write_message(x, md, &m)) < 0)
				break;
			tick(x);
		}
		ccm_store_cursor_free(mc);
		mc = NULL;
		md_close(&sub);
		if (rc == CCM_EEXISTS) {
			problem(x, "the message, and the rest of its folder, are not written");
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
	}
	ccm_store_cursor_free(fc);
	md_close(&top);
	return rc;
}

/*
 * The export in threads: one per core, up to four, each with a connection
 * of its own, taking the next mailbox (then the public folders) from the
 * list. Writing a Maildir is mostly the kernel making files and folders,
 * which runs on both cores of a 2-core machine when two mailboxes are
 * written at once (one export: 2.1 s; two at once: 2.7 s).
 */

struct job {
	long long mailbox;           /* 0: the public folders */
	char *root;                  /* its folder's name in the export's */
	char *alias;                 /* the mailbox's ("public": the public folders) */
};

struct shared {
	pthread_mutex_t lock;
	struct job *jobs;
	size_t n_jobs, next;
	const struct ccm_out_opts *o;
	const struct ccm_out_zones *zones;
	struct ccm_progress_at at;   /* what the threads have told, under lock */
	const char *dir;             /* the export's folder, and open: */
	int top;
	struct ccm_maildir_stats total;
	int failed;                  /* the first failure's code; err says it */
	struct ccm_error *err;
};

/* Adds what this thread did since it last told to the shared count and
 * calls the progress function, under the lock: ten times a second at
 * most, so that a message costs a clock read and no lock. */
static void tick(struct mctx *x)
{
	struct shared *sh = x->sh;
	unsigned long long done = x->st->messages + x->st->already;

	if (!sh->o || !sh->o->progress || !ccm_progress_due(&x->last))
		return;
	pthread_mutex_lock(&sh->lock);
	sh->at.done += done - x->told_done;
	sh->at.bytes += x->st->bytes - x->told_bytes;
	x->told_done = done;
	x->told_bytes = x->st->bytes;
	sh->o->progress(sh->o->progress_ctx, &sh->at);
	pthread_mutex_unlock(&sh->lock);
}

/* A message over the size limit, left out or split: counted, and said
 * under the lock the threads share. */
static void say_size(struct mctx *x, const struct ccm_store_message *m, const char *uid,
		     const struct ccm_size_result *res)
{
	struct shared *sh = x->sh;

	if (res->outcome == CCM_SIZE_LEFT_OUT)
		x->st->left_out_size++;
	else
		x->st->split_size++;
	pthread_mutex_lock(&sh->lock);
	ccm_size_say(sh->o->report, x->alias, x->folder, m->id, uid, NULL, res,
		     sh->o->size);
	pthread_mutex_unlock(&sh->lock);
}

/* Writes jobs until none is left or one has failed (ccm_out_run_threads). */
static void export_work(void *arg, struct ccm_store *s)
{
	struct shared *sh = arg;
	struct ccm_maildir_stats st = { 0 };
	struct ccm_error err;
	struct mctx x = { .sh = sh, .top = sh->top, .s = s, .st = &st, .err = &err,
			  .name = CCM_BUF_INIT, .names = CCM_OUT_NAMES_INIT,
			  .size = sh->o ? sh->o->size : NULL,
			  .iobuf = malloc(IOBUF_SIZE) };
	int rc = x.iobuf ? 0 : ccm_error_set(&err, CCM_ENOMEM, "out of memory");

	ccm_buf_init(&st.problem_text);
	for (;;) {
		struct job *j = NULL;

		pthread_mutex_lock(&sh->lock);
		if (rc < 0 && !sh->failed) {
			sh->failed = rc;
			if (sh->err)
				*sh->err = err;
		}
		if (!sh->failed && sh->next < sh->n_jobs)
			j = &sh->jobs[sh->next++];
		pthread_mutex_unlock(&sh->lock);
		if (!j)
			break;
		st.mailboxes += j->mailbox != 0;
		x.tz = ccm_out_zones_get(sh->zones, j->mailbox);
		x.alias = j->alias;
		rc = write_folders(&x, j->mailbox, sh->dir, j->root);
	}
	pthread_mutex_lock(&sh->lock);
	sh->total.mailboxes += st.mailboxes;
	sh->total.folders += st.folders;
	sh->total.messages += st.messages;
	sh->total.already += st.already;
	sh->total.kept_deep += st.kept_deep;
	sh->total.left_out_size += st.left_out_size;
	sh->total.split_size += st.split_size;
	sh->total.old_names += st.old_names;
	sh->total.bytes += st.bytes;
	sh->total.problems += st.problems;
	ccm_buf_add(&sh->total.problem_text, st.problem_text.ptr, st.problem_text.len);
	pthread_mutex_unlock(&sh->lock);
	ccm_buf_release(&st.problem_text);
	ccm_buf_release(&x.name);
	ccm_out_names_release(&x.names);
	free(x.have.uid);
	free(x.iobuf);
}

/* The jobs: every mailbox in its folder, then the public folders. */
static int list_jobs(struct ccm_store *s, struct shared *sh, struct ccm_error *err)
{
	struct ccm_out_mailboxes boxes;
	int rc;

	if ((rc = ccm_out_mailboxes_read(&boxes, s, err)) < 0)
		return rc;
	sh->total.renamed = boxes.renamed;
	if (!(sh->jobs = calloc(boxes.n + 1, sizeof(*sh->jobs))))
		rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i <= boxes.n; i++) {
		sh->jobs[i].mailbox = i < boxes.n ? boxes.id[i] : 0;
		sh->jobs[i].root = ccm_strdup(i < boxes.n ? boxes.name[i] : "public");
		sh->jobs[i].alias = ccm_strdup(i < boxes.n ? boxes.alias[i] : "public");
		sh->n_jobs++;
		if (!sh->jobs[i].root || !sh->jobs[i].alias)
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	ccm_out_mailboxes_release(&boxes);
	return rc;
}

int ccm_maildir_export(struct ccm_store *s, const char *dir,
		       const struct ccm_out_opts *o,
		       struct ccm_maildir_stats *st, struct ccm_error *err)
{
	struct shared sh = { .o = o, .zones = o ? o->zones : NULL, .dir = dir, .top = -1,
			     .err = err };
	int rc, lock = -1;

	memset(st, 0, sizeof(*st));
	ccm_buf_init(&st->problem_text);
	ccm_buf_init(&sh.total.problem_text);
	/* The folder the user named is taken as it is, link or not. */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return ccm_error_sys(err, errno, "cannot create folder '%s'", dir);
	if ((sh.top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ccm_error_sys(err, errno, "cannot open folder '%s'", dir);
	if ((rc = ccm_out_lock(&lock, dir, err)) < 0 ||
	    (rc = list_jobs(s, &sh, err)) < 0)
		goto out;
	if (o && o->progress)
		sh.at.total = ccm_out_message_count(s);
	pthread_mutex_init(&sh.lock, NULL);
	ccm_out_run_threads(s, ccm_out_thread_count(sh.n_jobs), export_work, &sh);
	pthread_mutex_destroy(&sh.lock);
	*st = sh.total;
	rc = sh.failed;
out:
	for (size_t i = 0; i < sh.n_jobs; i++) {
		free(sh.jobs[i].root);
		free(sh.jobs[i].alias);
	}
	free(sh.jobs);
	close(sh.top);
	ccm_pidlock_drop(lock);
	return rc < 0 ? rc : 0;
}
