/* mbox.c: the store's folders as mboxrd files. */
#include "export/mbox.h"
#include "export/folder_name.h"
#include "export/render.h"
#include "base/buf.h"
#include "base/nofollow.h"
#include "store/folders.h"
#include "store/messages.h"
#include "store/recipients.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The rendered message on its way into the file: CR LF to LF, and the
 * mboxrd quoting of "From " lines, a line at a time. */
struct rd {
	FILE *f;
	struct ccm_buf line;
	unsigned long long n;
	int failed;
	off_t start;                 /* where the message being written began */
	unsigned long long n_start;  /* n there */
};

static void rd_line(struct rd *w)
{
	const char *p = w->line.ptr;
	size_t q = 0;

	while (q < w->line.len && p[q] == '>')
		q++;
	if (w->line.len - q >= 5 && !memcmp(p + q, "From ", 5))
		w->failed |= fputc('>', w->f) == EOF;
	w->failed |= fwrite(p, 1, w->line.len, w->f) != w->line.len;
	w->n += w->line.len;
	ccm_buf_reset(&w->line);
}

static int to_mbox(void *ctx, const void *data, size_t n)
{
	struct rd *w = ctx;
	const char *p = data, *e = p + n;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t take = nl ? (size_t)(nl - p) : (size_t)(e - p);

		ccm_buf_add(&w->line, p, take);
		p += take;
		if (!nl)
			break;
		if (w->line.len && w->line.ptr[w->line.len - 1] == '\r')
			ccm_buf_truncate(&w->line, w->line.len - 1);
		ccm_buf_addch(&w->line, '\n');
		rd_line(w);
		p++;
	}
	return w->failed ? CCM_EIO : 0;
}

/* Takes back what was written of the message since its "From " line and
 * flags: it is over the size limit. */
static int rd_discard(void *ctx)
{
	struct rd *w = ctx;

	ccm_buf_reset(&w->line);
	w->n = w->n_start;
	if (fflush(w->f) != 0 || ftruncate(fileno(w->f), w->start) != 0 ||
	    fseeko(w->f, w->start, SEEK_SET) != 0)
		w->failed = 1;
	return w->failed ? CCM_EIO : 0;
}

/*
 * The folder of the file at `rel` (levels separated by '/', below the
 * export's folder open as `top`, whose path is `dir`), made level by
 * level from its parent's descriptor without following a link
 * (base/nofollow.h); *out is its descriptor, *leaf the file's name in it.
 */
static int open_parent(int *out, const char **leaf, int top, const char *dir,
		       const char *rel, struct ccm_error *err)
{
	struct ccm_buf shown = CCM_BUF_INIT, level = CCM_BUF_INIT;
	const char *p = rel, *slash;
	int fd = top, rc = 0;

	ccm_buf_adds(&shown, dir);
	while ((slash = strchr(p, '/')) != NULL) {
		int next;

		ccm_buf_set(&level, p, (size_t)(slash - p));
		ccm_buf_addch(&shown, '/');
		ccm_buf_add(&shown, level.ptr, level.len);
		rc = ccm_nofollow_dir(&next, fd, level.ptr, shown.ptr, err);
		if (fd != top)
			close(fd);
		if (rc < 0)
			break;
		fd = next;
		p = slash + 1;
	}
	ccm_buf_release(&shown);
	ccm_buf_release(&level);
	*out = rc < 0 ? -1 : fd;
	*leaf = p;
	return rc < 0 ? rc : 0;
}

/* Folder levels kept as folders of their own, and the bytes they may
 * take: past either, the rest of the path is one name (shortened), so
 * that a path of thousands of levels makes no tower of folders. */
#define MAX_LEVELS 32
#define MAX_PATH_BYTES 1024

/* Whether out[start..] ends in ".mbox" (any case). */
static int ends_mbox(const struct ccm_buf *out, size_t start)
{
	return out->len - start >= 5 && strncasecmp(out->ptr + out->len - 5, ".mbox", 5) == 0;
}

/* The file of a folder: root/<levels>.mbox (root a folder's name), names
 * made safe, and made
 * unique among the mailbox's (`names`): "A/B" and "A_B" would otherwise
 * be one file, the second folder written over the first. A folder level
 * that ends in ".mbox" gets '_' as a directory ("Sales.mbox\Q1" is
 * Sales.mbox_/Q1.mbox), so no folder's file is another folder's
 * directory. */
static int folder_file(const char *root, const struct ccm_folder *f,
		       struct ccm_out_names *names, struct ccm_buf *out)
{
	size_t top, start;
	int levels = 0;

	ccm_buf_reset(out);
	ccm_buf_addf(out, "%s/", root);
	top = start = out->len;
	for (const char *p = f->path; *p; p++) {
		char c = *p;
		if (c == '\\' && levels + 1 < MAX_LEVELS && out->len - top < MAX_PATH_BYTES) {
			ccm_out_fit_name(out, start, CCM_OUT_NAME_MAX);
			if (ends_mbox(out, start))
				ccm_buf_addch(out, '_');
			ccm_buf_addch(out, '/');
			start = out->len;
			levels++;
			continue;
		}
		ccm_buf_addch(out, (c == '/' || c == '\\' || (start == out->len && c == '.'))
			      ? '_' : c);
	}
	ccm_out_fit_name(out, start, CCM_OUT_NAME_MAX);
	if (ccm_out_names_claim(out, names, top) < 0)
		return CCM_ENOMEM;
	ccm_out_fit_name(out, start, CCM_OUT_NAME_MAX);
	ccm_buf_adds(out, ".mbox");
	return 0;
}

/* An export's progress: its options and the total; and the mailbox
 * being written, for the report. */
struct prog {
	const struct ccm_out_opts *o;
	struct ccm_progress_at at;
	const char *alias;
};

/* After each message: `pending` bytes are written but not yet counted in
 * st (the folder's file is counted whole once in place). */
static void tick(struct prog *p, const struct ccm_mbox_stats *st, unsigned long long pending)
{
	if (!p->o || !p->o->progress)
		return;
	p->at.done = st->messages;
	p->at.bytes = st->bytes + pending;
	p->o->progress(p->o->progress_ctx, &p->at);
}

/* Folder fo into the file `leaf` of the folder open as `dirfd`; `path`
 * is the file's, for messages. */
static int write_folder(struct ccm_store *s, const struct ccm_folder *fo, int dirfd,
			const char *leaf, const char *path, const struct ccm_tz *tz,
			struct prog *p, struct ccm_mbox_stats *st, struct ccm_error *err)
{
	struct ccm_render_opts ro = { .tz = tz, .kept_deep = &st->kept_deep };
	const struct ccm_size_limit *limit = p->o ? p->o->size : NULL;
	struct ccm_store_cursor *mc;
	struct ccm_store_message m;
	struct ccm_size_result res;
	struct rd w = { NULL, CCM_BUF_INIT, 0, 0, 0, 0 };
	char tmp[300], shown[4400];
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", leaf);
	snprintf(shown, sizeof(shown), "%s.tmp", path);
	if ((rc = ccm_nofollow_create(&w.f, dirfd, tmp, shown, err)) < 0)
		return rc;
	if ((rc = ccm_store_messages(&mc, s, fo->id, err)) == 0) {
		while ((rc = ccm_store_next_message(mc, &m, err)) > 0) {
			long long utc;
			time_t t;
			char when[64], uid[CCM_STORE_UID_LEN + 1];
			off_t from = 0;
			struct tm tm;

			if (limit && limit->max) {
				/* Where to cut back to if it is left out. */
				if ((rc = ccm_store_message_uid(uid, s, &m, err)) < 0)
					break;
				ro.uid = uid;
				from = ftello(w.f);   /* buffered bytes counted */
			}
			/* The date the Date field has (never 1970). */
			ccm_store_message_date(&utc, &m);
			t = (time_t)utc;
			gmtime_r(&t, &tm);
			strftime(when, sizeof(when), "%a %b %e %H:%M:%S %Y", &tm);
			fprintf(w.f, "From ccmig@ccmig.invalid %s\n", when);
			/* The flags, as mutt and Python's mailbox read them: R read,
			 * O seen before (old); a draft is marked T in X-Status. */
			if (m.read)
				fputs("Status: RO\n", w.f);
			if (m.unsent)
				fputs("X-Status: T\n", w.f);
			w.n_start = w.n;
			if (limit && limit->max)
				w.start = ftello(w.f);
			rc = ccm_size_render(&res, s, &m, &ro, limit, to_mbox, rd_discard, &w, err);
			if (rc == 0 && res.outcome != CCM_SIZE_FITS) {
				*(res.outcome == CCM_SIZE_SPLIT ? &st->split_size :
				  &st->left_out_size) += 1;
				ccm_size_say(p->o->report, p->alias, fo->path, m.id, uid, NULL,
					     &res, limit);
			}
			ccm_size_result_release(&res);
			if (rc < 0)
				break;
			if (res.outcome == CCM_SIZE_LEFT_OUT) {
				w.start = from;
				if ((rc = rd_discard(&w)) < 0)
					break;
				continue;
			}
			if (w.line.len)                 /* a last line without its end */
				to_mbox(&w, "\n", 1);
			fputc('\n', w.f);               /* the blank line between messages */
			st->messages++;
			tick(p, st, w.n);
		}
		ccm_store_cursor_free(mc);
	}
	if (fclose(w.f) != 0 && rc == 0)
		rc = ccm_error_sys(err, errno, "cannot write '%s'", shown);
	ccm_buf_release(&w.line);
	if (rc == 0 && w.failed)
		rc = ccm_error_set(err, CCM_EIO, "cannot write '%s'", shown);
	if (rc < 0) {
		unlinkat(dirfd, tmp, 0);
		return rc;
	}
	st->bytes += w.n;
	/* Replaced whole: a reader never sees half a folder. A link there
	 * is replaced, not followed. */
	if (renameat(dirfd, tmp, dirfd, leaf) != 0)
		return ccm_error_sys(err, errno, "cannot move '%s' into place", shown);
	return 0;
}

/* What the export refused (a link where a folder or file was to be
 * made) and went on after: kept for the report. */
static void problem(struct ccm_mbox_stats *st, const struct ccm_error *err, const char *lost)
{
	st->problems++;
	ccm_buf_addf(&st->problem_text, "ccmig export: error: %s; %s\n", err->msg, lost);
}

/* Every folder of mailbox `mailbox` (0: public) into folder `root` of the
 * export's folder `dir`, open as `top`. */
static int write_mailbox(struct ccm_store *s, long long mailbox, int top, const char *dir,
			 const char *root, const struct ccm_tz *tz, struct prog *p,
			 struct ccm_mbox_stats *st, struct ccm_error *err)
{
	struct ccm_store_cursor *fc;
	struct ccm_folder f;
	struct ccm_buf rel = CCM_BUF_INIT, path = CCM_BUF_INIT;
	struct ccm_out_names names = CCM_OUT_NAMES_INIT;
	int rc, fd0;

	/* The mailbox's folder first: refused, it costs the mailbox once. */
	ccm_buf_addf(&path, "%s/%s", dir, root);
	if ((rc = ccm_nofollow_dir(&fd0, top, root, path.ptr, err)) < 0) {
		ccm_buf_release(&path);
		if (rc != CCM_EEXISTS)
			return rc;
		problem(st, err, mailbox ? "the mailbox is not exported" :
			"the public folders are not exported");
		return 0;
	}
	close(fd0);
	if ((rc = ccm_store_folders(&fc, s, mailbox, err)) < 0) {
		ccm_buf_release(&path);
		return rc;
	}
	while ((rc = ccm_store_next_folder(fc, &f, err)) > 0) {
		const char *leaf;
		int fd;

		if (folder_file(root, &f, &names, &rel) < 0) {
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			break;
		}
		ccm_buf_reset(&path);
		ccm_buf_addf(&path, "%s/%s", dir, rel.ptr);
		if ((rc = open_parent(&fd, &leaf, top, dir, rel.ptr, err)) == 0) {
			rc = write_folder(s, &f, fd, leaf, path.ptr, tz, p, st, err);
			close(fd);
		}
		if (rc == CCM_EEXISTS) {
			problem(st, err, "the folder's messages are not written");
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		st->folders++;
	}
	ccm_store_cursor_free(fc);
	ccm_buf_release(&rel);
	ccm_buf_release(&path);
	ccm_out_names_release(&names);
	return rc;
}

int ccm_mbox_export(struct ccm_store *s, const char *dir,
		    const struct ccm_out_opts *o,
		    struct ccm_mbox_stats *st, struct ccm_error *err)
{
	const struct ccm_out_zones *zones = o ? o->zones : NULL;
	struct prog p = { o, { 0, 0, 0, 0 }, NULL };
	struct ccm_out_mailboxes boxes;
	int rc, lock = -1, top;

	memset(st, 0, sizeof(*st));
	ccm_buf_init(&st->problem_text);
	/* The folder the user named is taken as it is, link or not. */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return ccm_error_sys(err, errno, "cannot create folder '%s'", dir);
	if ((top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return ccm_error_sys(err, errno, "cannot open folder '%s'", dir);
	if ((rc = ccm_out_lock(&lock, dir, err)) < 0 ||
	    (rc = ccm_out_mailboxes_read(&boxes, s, err)) < 0) {
		close(top);
		ccm_pidlock_drop(lock);
		return rc;
	}
	st->renamed = boxes.renamed;
	if (o && o->progress)
		p.at.total = ccm_out_message_count(s);
	/* Every mailbox in its folder, then the public folders. */
	for (size_t i = 0; rc == 0 && i <= boxes.n; i++) {
		long long id = i < boxes.n ? boxes.id[i] : 0;

		st->mailboxes += id != 0;
		p.alias = i < boxes.n ? boxes.alias[i] : "public";
		rc = write_mailbox(s, id, top, dir, i < boxes.n ? boxes.name[i] : "public",
				   ccm_out_zones_get(zones, id), &p, st, err);
	}
	ccm_out_mailboxes_release(&boxes);
	close(top);
	ccm_pidlock_drop(lock);
	return rc < 0 ? rc : 0;
}
