/* forwards.c: forwarded messages, which come as cc:Mail export text, unfolded into messages of the store. */
#define _GNU_SOURCE          /* memfd_create */
#include "flow/forwards.h"
#include "base/codepage.h"
#include "base/spool.h"
#include "base/tz.h"
#include "ccmail/manifest.h"
#include "ccmail/message.h"
#include "iff/addrform.h"
#include "store/messages.h"
#include "store/po.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <strings.h>
#include <unistd.h>

#define PIECE 65536

struct ccm_forwards {
	struct ccm_store *s;
	/* A file per level, made once and emptied for each text (making and
	 * removing a file per forwarded message cost the import more than
	 * reading them); fd[0] holds what the caller captures. */
	int fd[CCM_FORWARDS_MAX_DEPTH + 2];
	int on_disk[CCM_FORWARDS_MAX_DEPTH + 2];
	unsigned long long size[CCM_FORWARDS_MAX_DEPTH + 2];
	struct ccm_spool item;           /* a part's data, to know its size */
	struct ccm_manifest po;          /* the settings fields only */
	int usable;                      /* 0: the text is left as it is */
	int sniff_sizes;                 /* no settings: counts as the text shows */
	struct ccm_cp *cp;
	struct ccm_tz *tz;
	struct ccm_report quiet;
	unsigned char piece[PIECE];
};

/* Problems of a forwarded message's text were the post office's, reported
 * when the message that carries it was extracted. */
static void discard(void *ctx, const struct ccm_diag *d)
{
	(void)ctx;
	(void)d;
}

int ccm_forwards_open(struct ccm_forwards **out, struct ccm_store *s,
		      const char *settings, struct ccm_error *err)
{
	struct ccm_forwards *fw = calloc(1, sizeof(*fw));
	int rc;

	*out = NULL;
	if (!fw)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	fw->s = s;
	for (size_t i = 0; i < sizeof(fw->fd) / sizeof(fw->fd[0]); i++)
		fw->fd[i] = -1;
	ccm_spool_init(&fw->item, 1u << 20);
	fw->quiet.sink = discard;
	fw->sniff_sizes = !settings;
	/* A line that cannot be read (reported where it was met): what a
	 * set without one gets. */
	if (settings && ccm_manifest_settings_parse(&fw->po, settings, NULL) < 0) {
		settings = NULL;
		fw->sniff_sizes = 1;
	}
	if (!settings && (rc = ccm_manifest_settings_parse(&fw->po, "", err)) < 0) {
		ccm_forwards_free(fw);
		return rc;
	}
	fw->usable = ccm_cp_open(&fw->cp, fw->po.code_page, NULL) == 0 &&
		     ccm_tz_open(&fw->tz, fw->po.time_zone, NULL) == 0;
	*out = fw;
	return 0;
}

void ccm_forwards_free(struct ccm_forwards *fw)
{
	if (!fw)
		return;
	for (size_t i = 0; i < sizeof(fw->fd) / sizeof(fw->fd[0]); i++)
		if (fw->fd[i] >= 0)
			close(fw->fd[i]);
	ccm_spool_release(&fw->item);
	ccm_manifest_release(&fw->po);
	ccm_cp_free(fw->cp);
	ccm_tz_free(fw->tz);
	free(fw);
}

/* ---- the text, in a file of its own ----------------------------------- */

/*
 * The reader seeks, so the text of each level is a file: in memory
 * (memfd, no file system to journal its emptying, thousands of times an
 * import) while it is small, moved to a file in $TMPDIR whose name goes at
 * once when it grows past MEMFD_MAX, so that a forward holding a large
 * file does not hold memory.
 */
#define MEMFD_MAX (16u << 20)

static int disk_open(int *fd, struct ccm_error *err)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];

	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/ccmig-fwd-XXXXXX", dir);
	if ((*fd = mkstemp(path)) < 0)
		return ccm_error_sys(err, errno, "unfolding a forwarded message: cannot "
				     "create a temporary file in '%s' (set TMPDIR to a "
				     "folder with room)", dir);
	unlink(path);
	return 0;
}

static int write_all(int fd, const void *p, size_t n, struct ccm_error *err)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return ccm_error_sys(err, errno, "unfolding a forwarded message: "
					     "cannot write its temporary file");
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The file of `level`, emptied: in memory when the system allows. */
static int level_file(struct ccm_forwards *fw, int level, int *fd, struct ccm_error *err)
{
	int rc;

	if (fw->fd[level] < 0) {
		fw->fd[level] = memfd_create("ccmig-forward", MFD_CLOEXEC);
		fw->on_disk[level] = fw->fd[level] < 0;
		if (fw->fd[level] < 0 && (rc = disk_open(&fw->fd[level], err)) < 0)
			return rc;
	}
	if (ftruncate(fw->fd[level], 0) < 0 || lseek(fw->fd[level], 0, SEEK_SET) < 0)
		return ccm_error_sys(err, errno, "unfolding a forwarded message: cannot "
				     "empty its temporary file");
	fw->size[level] = 0;
	*fd = fw->fd[level];
	return 0;
}

/* Moves the memory file of `level` to disk (what it holds, too). */
static int spill(struct ccm_forwards *fw, int level, struct ccm_error *err)
{
	int disk, rc = 0;
	ssize_t got;
	off_t off = 0;

	if ((rc = disk_open(&disk, err)) < 0)
		return rc;
	while (rc == 0 && (got = pread(fw->fd[level], fw->piece, PIECE, off)) > 0) {
		rc = write_all(disk, fw->piece, (size_t)got, err);
		off += got;
	}
	if (rc < 0) {
		close(disk);
		return rc;
	}
	close(fw->fd[level]);
	fw->fd[level] = disk;
	fw->on_disk[level] = 1;
	return 0;
}

/* Appends to the file of `level`. */
static int level_write(struct ccm_forwards *fw, int level, const void *p, size_t n,
		       struct ccm_error *err)
{
	int rc;

	if (!fw->on_disk[level] && fw->size[level] + n > MEMFD_MAX &&
	    (rc = spill(fw, level, err)) < 0)
		return rc;
	fw->size[level] += n;
	return write_all(fw->fd[level], p, n, err);
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

/* Reads the start of the text in fd (at most 512 bytes) into piece. */
static ssize_t head_of(struct ccm_forwards *fw, int fd)
{
	return pread(fd, fw->piece, 512, 0);
}

/* Streams the whole of fd into a new attachment of message `msg`. */
static int attach_fd(struct ccm_forwards *fw, long long msg, int seq, const char *kind,
		     const char *name, int fd, struct ccm_error *err)
{
	struct ccm_store_attachment meta = { 0 };
	struct ccm_store_attach *a;
	off_t size = lseek(fd, 0, SEEK_END);
	ssize_t got;
	int rc;

	if (size < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return ccm_error_sys(err, errno, "unfolding a forwarded message: cannot "
				     "read its temporary file");
	meta.message_id = msg;
	meta.seq = seq;
	meta.kind = kind;
	meta.name = name && *name ? name : "attachment.bin";
	meta.size = (unsigned long long)size;
	if ((rc = ccm_store_attach_begin(&a, fw->s, &meta, err)) < 0)
		return rc;
	while ((got = read(fd, fw->piece, PIECE)) > 0)
		if ((rc = ccm_store_attach_write(a, fw->piece, (size_t)got, err)) < 0) {
			ccm_store_attach_abort(a);
			return rc;
		}
	if (got < 0) {
		ccm_store_attach_abort(a);
		return ccm_error_sys(err, errno, "unfolding a forwarded message: cannot "
				     "read its temporary file");
	}
	rc = ccm_store_attach_finish(a, NULL, err);
	return rc < 0 ? rc : 0;
}

static int spool_to_attach(void *ctx, const void *p, size_t n, struct ccm_error *err)
{
	return ccm_store_attach_write(ctx, p, n, err);
}

/* The spooled part into a new attachment of message `msg`. */
static int attach_spool(struct ccm_forwards *fw, long long msg, int seq,
			const char *name, struct ccm_error *err)
{
	struct ccm_store_attachment meta = { 0 };
	struct ccm_store_attach *a;
	int rc;

	meta.message_id = msg;
	meta.seq = seq;
	meta.kind = "file";
	meta.name = name && *name ? name : "attachment.bin";
	meta.size = fw->item.len;
	if ((rc = ccm_store_attach_begin(&a, fw->s, &meta, err)) < 0)
		return rc;
	if ((rc = ccm_spool_replay(&fw->item, spool_to_attach, a, err)) < 0) {
		ccm_store_attach_abort(a);
		return rc;
	}
	rc = ccm_store_attach_finish(a, NULL, err);
	return rc < 0 ? rc : 0;
}

/* ---- one forwarded message --------------------------------------------- */

/* What a forwarded message carries: ccm_store_message's strings, owned. */
struct fields {
	struct ccm_store_rcpt *rcpts;
	struct ccm_store_header *headers;
	struct ccm_buf *strs;            /* sender, then each recipient */
	size_t n_strs;
};

static void fields_release(struct fields *n)
{
	for (size_t i = 0; i < n->n_strs; i++)
		ccm_buf_release(&n->strs[i]);
	free(n->strs);
	free(n->rcpts);
	free(n->headers);
}

static int fields_build(struct fields *n, struct ccm_store_message *sm,
			const struct ccm_message *m, struct ccm_error *err)
{
	const struct ccm_addrlist *lists[3] = { &m->to, &m->cc, &m->bcc };
	size_t total = m->to.len + m->cc.len + m->bcc.len, k = 0;

	memset(n, 0, sizeof(*n));
	n->rcpts = calloc(total ? total : 1, sizeof(*n->rcpts));
	n->headers = calloc(m->n_extra ? m->n_extra : 1, sizeof(*n->headers));
	n->strs = calloc(total + 1, sizeof(*n->strs));
	if (!n->rcpts || !n->headers || !n->strs)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	n->n_strs = total + 1;
	for (size_t i = 0; i < n->n_strs; i++)
		ccm_buf_init(&n->strs[i]);
	if (m->from_text)
		ccm_addrform_fields(&n->strs[0], &sm->sender_name, &sm->sender_address,
				    &m->from);
	for (int l = 0; l < 3; l++)
		for (size_t i = 0; i < lists[l]->len; i++, k++) {
			ccm_addrform_fields(&n->strs[1 + k], &n->rcpts[k].display,
					    &n->rcpts[k].address, &lists[l]->v[i]);
			n->rcpts[k].kind = CCM_RCPT_TO + l;
		}
	for (size_t i = 0; i < m->n_extra; i++) {
		n->headers[i].name = m->extra[i].key;
		n->headers[i].value = m->extra[i].value;
	}
	sm->rcpts = n->rcpts;
	sm->n_rcpts = total;
	sm->headers = n->headers;
	sm->n_headers = m->n_extra;
	sm->subject = m->subject;
	sm->priority = m->priority == CCM_PRIO_URGENT ? 1 :
		       m->priority == CCM_PRIO_LOW ? -1 : 0;
	if (m->date_state == CCM_DATE_OK) {
		sm->has_sent = 1;
		sm->sent_utc = m->date.utc;
	}
	sm->sent_text = m->date_text;
	sm->read = 1;
	return 0;
}

static int unfold_text(struct ccm_forwards *fw, int fd, long long parent, int seq,
		       const char *name, long long folder, int depth, int *stored,
		       struct ccm_error *err);

/* A Message item's name: its title (or "Forwarded message") with .ccm. */
static void message_item_name(struct ccm_buf *out, const struct ccm_item *it)
{
	ccm_buf_reset(out);
	ccm_buf_adds(out, *it->title ? it->title : "Forwarded message");
	ccm_buf_adds(out, ".ccm");
}

/*
 * One item that is not text, of the forwarded message `msg` (at `depth`):
 * a message within is unfolded in turn from a file of its level;
 * anything else (and a message that cannot be, or lies too deep) becomes
 * an attachment of msg at the item's place.
 */
static int part_item(struct ccm_forwards *fw, struct ccm_msgfile *f,
		     const struct ccm_item *it, long long msg, long long folder,
		     int depth, int *count, struct ccm_error *err)
{
	struct ccm_buf name = CCM_BUF_INIT;
	int index = (int)it->index;
	int fd = -1, rc = 0, stored = 0;
	ssize_t got;

	if (it->kind != CCM_ITEM_MESSAGE) {
		ccm_buf_adds(&name, it->name ? it->name : "");
		ccm_spool_reset(&fw->item);
		while ((got = ccm_msgfile_read(f, fw->piece, PIECE, err)) > 0)
			if ((rc = ccm_spool_write(&fw->item, fw->piece, (size_t)got, err)) < 0)
				goto out;
		rc = got < 0 ? (int)got : attach_spool(fw, msg, index, name.ptr, err);
		goto out;
	}
	message_item_name(&name, it);
	if ((rc = level_file(fw, depth + 1, &fd, err)) < 0)
		goto out;
	while ((got = ccm_msgfile_read(f, fw->piece, PIECE, err)) > 0)
		if ((rc = level_write(fw, depth + 1, fw->piece, (size_t)got, err)) < 0)
			goto out;
	if (got < 0) {
		rc = (int)got;
		goto out;
	}
	fd = fw->fd[depth + 1];          /* moved to disk when it grew */
	if (depth < CCM_FORWARDS_MAX_DEPTH &&
	    (rc = unfold_text(fw, fd, msg, index, name.ptr, folder, depth + 1, &stored,
			      err)) < 0)
		goto out;
	if (stored > 0)
		*count += stored;
	else
		rc = attach_fd(fw, msg, index, "message", name.ptr, fd, err);
out:
	ccm_buf_release(&name);
	return rc;
}

/*
 * The forwarded message in the text of fd, stored as a message forwarded
 * in `parent` at part `seq` named `name`, at `depth` (1: in a stored
 * message): its items in order, text joined into its body (a titled
 * item's title on a line of its own first), the rest parts. *stored gets
 * the number of messages stored (0 when the text holds no message).
 */
static int unfold_text(struct ccm_forwards *fw, int fd, long long parent, int seq,
		       const char *name, long long folder, int depth, int *stored,
		       struct ccm_error *err)
{
	struct ccm_store_message sm = { 0 };
	struct ccm_msgfile_opts mo = { 0 };
	struct ccm_buf body = CCM_BUF_INIT;
	const struct ccm_message *m;
	const struct ccm_item *it;
	struct ccm_msgfile *f = NULL;
	struct fields fl = { 0 };
	char path[64];
	ssize_t head = head_of(fw, fd);
	int rc, count = 1;

	*stored = 0;
	if (head <= 0 || !looks_like_message(fw->piece, (size_t)head))
		return 0;
	mo.display = "forwarded message";
	mo.cp = fw->cp;
	mo.date_order = fw->po.date_order;
	mo.tz = fw->tz;
	mo.attachments = fw->po.attachments;
	mo.item_sizes = fw->sniff_sizes ? sniff_item_sizes(fw->piece, (size_t)head) :
		       fw->po.item_sizes;
	mo.home_po = fw->po.post_office && *fw->po.post_office ? fw->po.post_office : NULL;
	mo.keep_macbinary = 1;           /* a MacBinary file whole, as stored */
	mo.rep = &fw->quiet;
	/* The reader opens a path: this process's own name for the file. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((rc = ccm_msgfile_open(&f, path, &mo, err)) < 0)
		return rc;
	if ((rc = ccm_msgfile_next(f, &m, err)) <= 0)
		goto out;
	if ((rc = fields_build(&fl, &sm, m, err)) < 0)
		goto out;
	sm.folder_id = folder;
	sm.parent_id = parent;
	sm.parent_seq = seq;
	sm.part_name = name;
	if ((rc = ccm_store_message_add(fw->s, &sm, &sm.id, err)) < 0)
		goto out;
	fields_release(&fl);
	memset(&fl, 0, sizeof(fl));
	while ((rc = ccm_msgfile_next_item(f, &it, err)) > 0) {
		ssize_t got;

		if (it->kind != CCM_ITEM_TEXT) {
			if ((rc = part_item(fw, f, it, sm.id, folder, depth, &count, err)) < 0)
				goto out;
			continue;
		}
		if (*it->title) {
			ccm_buf_adds(&body, it->title);
			ccm_buf_add(&body, "\r\n", 2);
		}
		while ((got = ccm_msgfile_read(f, fw->piece, PIECE, err)) > 0)
			ccm_buf_add(&body, fw->piece, (size_t)got);
		if (got < 0) {
			rc = (int)got;
			goto out;
		}
	}
	if (rc < 0 || (rc = ccm_store_message_set_body(fw->s, sm.id, body.ptr, body.len,
						       err)) < 0)
		goto out;
	*stored = count;
out:
	fields_release(&fl);
	ccm_buf_release(&body);
	ccm_msgfile_close(f);
	return rc < 0 ? rc : 0;
}

/* The attachment's content into a file of its own: *fd, or -1 when its
 * start is not a message's (nothing to unfold). */
static int blob_to_tmp(struct ccm_forwards *fw, long long blob, int *fd,
		       struct ccm_error *err)
{
	struct ccm_store_blob *bl;
	long long got;
	int rc, first = 1;

	*fd = -1;
	if ((rc = ccm_store_blob_open(&bl, fw->s, blob, NULL, err)) < 0)
		return rc;
	while ((got = ccm_store_blob_read(bl, fw->piece, PIECE, err)) > 0) {
		if (first) {
			first = 0;
			if (!looks_like_message(fw->piece, (size_t)got < 512 ? (size_t)got : 512))
				break;
			if ((rc = level_file(fw, 0, fd, err)) < 0)
				break;
		}
		if ((rc = level_write(fw, 0, fw->piece, (size_t)got, err)) < 0)
			break;
		*fd = fw->fd[0];
	}
	ccm_store_blob_close(bl);
	if (rc == 0 && got < 0)
		rc = (int)got;
	if (rc < 0)
		*fd = -1;
	return rc;
}

/* The .ccm attachments of msg that no forwarded message stands for. */
struct pending {
	int seq;
	long long blob;
	char *name;
};

static int pending_of(struct ccm_forwards *fw, long long msg, long long *folder,
		      struct pending **out, size_t *n, struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_store_attachment a;
	struct ccm_store_message m;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = ccm_store_message_get(&c, fw->s, msg, err)) < 0)
		return rc;
	rc = ccm_store_next_message(c, &m, err);
	*folder = rc == 1 ? m.folder_id : 0;
	ccm_store_cursor_free(c);
	if (rc <= 0)
		return rc;
	if ((rc = ccm_store_attachments(&c, fw->s, msg, err)) < 0)
		return rc;
	while ((rc = ccm_store_next_attachment(c, &a, err)) == 1) {
		struct pending *v;

		if (!ccm_store_is_forward_text(a.name) || a.blob_id <= 0 || !strcmp(a.kind, "message"))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 4;
			if (!(v = realloc(*out, cap * sizeof(*v)))) {
				rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
				break;
			}
			*out = v;
		}
		(*out)[*n].seq = a.seq;
		(*out)[*n].blob = a.blob_id;
		if (!((*out)[*n].name = ccm_strdup(a.name))) {
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			break;
		}
		(*n)++;
	}
	ccm_store_cursor_free(c);
	return rc < 0 ? rc : 0;
}

/* Whether a forwarded message of msg stands for part seq already. */
static int unfolded(struct ccm_forwards *fw, long long msg, int seq,
		    struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_store_message m;
	int rc, found = 0;

	if ((rc = ccm_store_forwarded(&c, fw->s, msg, err)) < 0)
		return rc;
	while (!found && (rc = ccm_store_next_message(c, &m, err)) == 1)
		found = m.parent_seq == seq;
	ccm_store_cursor_free(c);
	return rc < 0 ? rc : found;
}

/*
 * unfold_text() of a forwarded message in a stored one, in a savepoint:
 * when a body in it (its own, or one forwarded in it) is longer than the
 * store keeps, nothing of it stays, and the attachment it came in stands
 * for it whole, as a text that could not be unfolded (CCM_ELIMIT, err
 * saying why).
 */
static int unfold_top(struct ccm_forwards *fw, int fd, long long msg, int seq,
		      const char *name, long long folder, int *stored,
		      struct ccm_error *err)
{
	int rc;

	if ((rc = ccm_store_begin(fw->s, err)) < 0)
		return rc;
	rc = unfold_text(fw, fd, msg, seq, name, folder, 1, stored, err);
	if (rc < 0) {
		*stored = 0;
		ccm_store_rollback(fw->s, NULL);
		return rc;
	}
	return ccm_store_commit(fw->s, err);
}

int ccm_forwards_unfold(struct ccm_forwards *fw, long long msg, struct ccm_error *err)
{
	struct pending *p = NULL;
	long long folder = 0;
	size_t n = 0;
	int rc, total = 0;

	if (!fw->usable)
		return 0;
	rc = pending_of(fw, msg, &folder, &p, &n, err);
	for (size_t i = 0; rc >= 0 && i < n; i++) {
		int fd, stored = 0;

		if ((rc = unfolded(fw, msg, p[i].seq, err)) != 0)
			continue;
		if ((rc = blob_to_tmp(fw, p[i].blob, &fd, err)) < 0 || fd < 0)
			continue;
		/* One too long to unfold stays the text it is: the rest go on. */
		if ((rc = unfold_top(fw, fd, msg, p[i].seq, p[i].name, folder, &stored,
				     err)) == CCM_ELIMIT)
			rc = 0;
		total += stored;
	}
	for (size_t i = 0; i < n; i++)
		free(p[i].name);
	free(p);
	return rc < 0 ? rc : total;
}

int ccm_forwards_capture_begin(struct ccm_forwards *fw, struct ccm_error *err)
{
	int fd;

	return fw->usable ? level_file(fw, 0, &fd, err) : 0;
}

int ccm_forwards_capture(struct ccm_forwards *fw, const void *p, size_t n,
			 struct ccm_error *err)
{
	return fw->usable ? level_write(fw, 0, p, n, err) : 0;
}

int ccm_forwards_capture_end(struct ccm_forwards *fw, long long msg, long long folder,
			     int seq, const char *name, struct ccm_error *err)
{
	int rc, stored = 0;

	if (!fw->usable)
		return 0;
	rc = unfold_top(fw, fw->fd[0], msg, seq, name, folder, &stored, err);
	return rc < 0 ? rc : stored;
}

int ccm_forwards_unfold_store(struct ccm_store *s, unsigned long *unfolded_out,
			      struct ccm_error *err)
{
	struct ccm_buf flag = CCM_BUF_INIT, line = CCM_BUF_INIT, opened = CCM_BUF_INIT;
	struct ccm_forwards *fw = NULL;
	long long msg = 0;
	unsigned long total = 0;
	int rc;

	if (unfolded_out)
		*unfolded_out = 0;
	if ((rc = ccm_store_meta_get(&flag, s, "forwards_to_unfold", err)) <= 0) {
		ccm_buf_release(&flag);
		return rc;
	}
	if ((rc = ccm_store_begin(s, err)) < 0)
		goto out;
	while ((rc = ccm_store_forwards_next(&msg, s, msg, err)) == 1) {
		int found = ccm_store_po_of_message(&line, s, msg, err);

		if (found < 0) {
			rc = found;
			break;
		}
		if (!found)
			ccm_buf_reset(&line);
		/* Messages of one post office in a row share one opening
		 * (its code page, its zone, its files). */
		if (!fw || strcmp(opened.ptr, line.ptr)) {
			ccm_forwards_free(fw);
			fw = NULL;
			if ((rc = ccm_forwards_open(&fw, s, found ? line.ptr : NULL, err)) < 0)
				break;
			ccm_buf_set(&opened, line.ptr, line.len);
		}
		if ((rc = ccm_forwards_unfold(fw, msg, err)) < 0)
			break;
		total += (unsigned long)rc;
	}
	ccm_forwards_free(fw);
	if (rc == 0)
		rc = ccm_store_meta_delete(s, "forwards_to_unfold", err);
	if (rc < 0) {
		ccm_store_rollback(s, NULL);
		goto out;
	}
	rc = ccm_store_commit(s, err);
	if (rc == 0 && unfolded_out)
		*unfolded_out = total;
out:
	ccm_buf_release(&flag);
	ccm_buf_release(&line);
	ccm_buf_release(&opened);
	return rc;
}
