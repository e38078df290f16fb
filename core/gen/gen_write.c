/* gen_write.c: writes a model post office as a bundle folder. */
#include "gen/gen_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_BUF (1024 * 1024)

/* ---- a buffered file sink ---- */

static int flush_buf(struct ccm_gen_sink *s)
{
	size_t o = 0;

	while (o < s->len) {
		ssize_t k = write(s->fd, s->buf + o, s->len - o);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return ccm_error_sys(s->err, errno, "cannot write '%s'",
					     s->path);
		o += (size_t)k;
	}
	s->len = 0;
	return 0;
}

static int file_write(struct ccm_gen_sink *s, const void *p, size_t n)
{
	int rc;

	if (s->len + n > s->cap && (rc = flush_buf(s)) < 0)
		return rc;
	if (n >= s->cap) {
		/* Big pieces go straight through. */
		const char *c = p;

		while (n) {
			ssize_t k = write(s->fd, c, n);

			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return ccm_error_sys(s->err, errno,
						     "cannot write '%s'", s->path);
			c += k;
			n -= (size_t)k;
		}
		return 0;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return 0;
}

static int sink_open(struct ccm_gen_sink *s, const char *path,
		     struct ccm_error *err)
{
	memset(s, 0, sizeof(*s));
	s->write = file_write;
	s->path = path;
	s->err = err;
	s->cap = FILE_BUF;
	s->buf = malloc(FILE_BUF);
	if (!s->buf)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (s->fd < 0) {
		free(s->buf);
		return ccm_error_sys(err, errno, "cannot create '%s'", path);
	}
	return 0;
}

/* Flushes and closes; `cut` non-zero truncates the file there first. */
static int sink_close(struct ccm_gen_sink *s, uint64_t cut, int rc)
{
	if (!rc)
		rc = flush_buf(s);
	if (!rc && cut && ftruncate(s->fd, (off_t)cut) < 0)
		rc = ccm_error_sys(s->err, errno, "cannot truncate '%s'", s->path);
	if (close(s->fd) < 0 && !rc)
		rc = ccm_error_sys(s->err, errno, "cannot write '%s'", s->path);
	free(s->buf);
	return rc;
}

/* ---- text files ---- */

struct wctx {
	struct ccm_gen *g;
	const char *root;
	struct ccm_gen_stats *st;
	struct ccm_error *err;
	struct ccm_buf path;
};

static const char *full(struct wctx *w, const char *rel)
{
	ccm_buf_reset(&w->path);
	ccm_buf_addf(&w->path, "%s/%s", w->root, rel);
	return w->path.ptr;
}

/* Writes UTF-8 `text` in the bundle's code page to root/rel. */
static int write_text(struct wctx *w, const char *rel, const struct ccm_buf *text)
{
	struct ccm_buf b = CCM_BUF_INIT;
	struct ccm_gen_sink s;
	int rc;

	ccm_gen_to_cp(&b, w->g, text->ptr, text->len);
	rc = sink_open(&s, full(w, rel), w->err);
	if (!rc) {
		rc = ccm_gen_sink_put(&s, b.ptr, b.len);
		rc = sink_close(&s, 0, rc);
		w->st->bytes += b.len;
	}
	ccm_buf_release(&b);
	return rc == CCM_ENOMEM ? ccm_error_set(w->err, rc, "out of memory") : rc;
}

static const char *enc_name(enum ccm_attach_enc e)
{
	return e == CCM_ENC_HEX ? "HEX" : e == CCM_ENC_RAW ? "RAW" : "MACBIN2";
}

static const char *order_name(enum ccm_date_order o)
{
	return o == CCM_DATE_DMY ? "DMY" : o == CCM_DATE_YMD ? "YMD" : "MDY";
}

static int write_manifest(struct wctx *w)
{
	struct ccm_gen *g = w->g;
	struct ccm_buf b = CCM_BUF_INIT;
	int rc;

	ccm_buf_addf(&b, "; written by ccmig gen, seed %llu\r\n",
		     (unsigned long long)g->opts.seed);
	ccm_buf_addf(&b, "Post office: %s\r\n", g->post_office);
	ccm_buf_adds(&b, "Database: DB8          ; DB6 | DB8\r\n");
	ccm_buf_addf(&b, "Code page: %d\r\n", g->opts.code_page);
	ccm_buf_addf(&b, "Date order: %s\r\n", order_name(g->opts.date_order));
	ccm_buf_addf(&b, "Time zone: %s\r\n", g->time_zone);
	ccm_buf_addf(&b, "Attachments: %s\r\n", enc_name(g->opts.encoding));
	ccm_buf_addf(&b, "Item sizes: %s\r\n", g->opts.item_sizes ? "yes" : "no");
	ccm_buf_adds(&b, "Directory: directory.exp\r\nLists: lists.exp\r\n");
	for (size_t i = 0; i < g->n_boxes; i++)
		if (g->boxes[i].kind == CCM_GEN_MAILBOX)
			ccm_buf_addf(&b, "Mailbox: %s = %s\r\n", g->boxes[i].name,
				     g->boxes[i].path);
	for (size_t i = 0; i < g->n_pabs; i++)
		ccm_buf_addf(&b, "Private: %s = %s\r\n", g->pabs[i].owner,
			     g->pabs[i].path);
	for (size_t i = 0; i < g->n_boxes; i++)
		if (g->boxes[i].kind == CCM_GEN_BOARD)
			ccm_buf_addf(&b, "Bulletin board: %s = %s\r\n",
				     g->boxes[i].name, g->boxes[i].path);
	rc = write_text(w, "po.txt", &b);
	ccm_buf_release(&b);
	return rc;
}

static int write_directory(struct wctx *w)
{
	struct ccm_gen *g = w->g;
	struct ccm_buf b = CCM_BUF_INIT;
	int rc;

	for (size_t i = 0; i < g->n_dir; i++) {
		const struct ccm_gen_dirent *e = &g->dir[i];

		if (i)
			ccm_buf_adds(&b, "\r\n");
		ccm_buf_addf(&b, "Name: %s\r\nLocation: %c\r\n", e->name,
			     e->location);
		if (e->addr)
			ccm_buf_addf(&b, "Addr: %s\r\n", e->addr);
		if (e->comments)
			ccm_buf_addf(&b, "Comments: %s\r\n", e->comments);
		if (e->fan)
			ccm_buf_addf(&b, "FAN: %s\r\n", e->fan);
		if (e->extra_key)
			ccm_buf_addf(&b, "%s: %s\r\n", e->extra_key,
				     e->extra_value);
		if ((e->location == 'L' || e->location == 'R') && !e->duplicate)
			w->st->users++;
	}
	rc = write_text(w, "directory.exp", &b);
	ccm_buf_release(&b);
	return rc;
}

static void list_block(struct ccm_buf *b, const struct ccm_gen_list *l)
{
	ccm_buf_addf(b, "List: %s\r\n", l->name);
	if (l->comments)
		ccm_buf_addf(b, "Comments: %s\r\n", l->comments);
	for (size_t j = 0; j < l->n_members; j++)
		ccm_buf_addf(b, "Member: %s\r\n", l->members[j]);
}

static int write_lists(struct wctx *w)
{
	struct ccm_buf b = CCM_BUF_INIT;
	int rc;

	for (size_t i = 0; i < w->g->n_lists; i++) {
		if (i)
			ccm_buf_adds(&b, "\r\n");
		list_block(&b, &w->g->lists[i]);
	}
	rc = write_text(w, "lists.exp", &b);
	ccm_buf_release(&b);
	return rc;
}

static int write_pabs(struct wctx *w)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < w->g->n_pabs; i++) {
		const struct ccm_gen_pab *p = &w->g->pabs[i];
		struct ccm_buf b = CCM_BUF_INIT;

		for (size_t j = 0; j < p->n_entries; j++) {
			ccm_buf_addf(&b, "Entry: %s\r\nAddr: %s\r\n",
				     p->entries[j].name, p->entries[j].addr);
			if (p->entries[j].comments)
				ccm_buf_addf(&b, "Comments: %s\r\n",
					     p->entries[j].comments);
			ccm_buf_adds(&b, "\r\n");
		}
		for (size_t j = 0; j < p->n_lists; j++) {
			if (j)
				ccm_buf_adds(&b, "\r\n");
			list_block(&b, &p->lists[j]);
		}
		rc = write_text(w, p->path, &b);
		ccm_buf_release(&b);
	}
	return rc;
}

static void count_items(struct ccm_gen_stats *st, const struct ccm_gen_msg *m)
{
	for (size_t i = 0; m->has_contents && i < m->n_items; i++) {
		st->items++;
		if (m->items[i].kind == CCM_ITEM_MESSAGE)
			count_items(st, m->items[i].message);
		else if (m->items[i].kind != CCM_ITEM_TEXT)
			st->attachments++;
	}
}

static int write_box(struct wctx *w, size_t bi)
{
	struct ccm_gen *g = w->g;
	const struct ccm_gen_box *x = &g->boxes[bi];
	struct ccm_gen_sink s;
	uint64_t cut = 0;
	int rc = sink_open(&s, full(w, x->path), w->err);

	if (rc)
		return rc;
	for (long i = 1; !rc && i <= x->n_messages; i++) {
		struct ccm_gen_msg *m;

		rc = ccm_gen_message(&m, g, bi, i);
		if (rc) {
			rc = ccm_error_set(w->err, rc, "out of memory");
			break;
		}
		rc = ccm_gen_emit(g, m, &s);
		for (int k = 0; !rc && k < m->blank_lines; k++)
			rc = ccm_gen_sink_put(&s, "\r\n", 2);
		if (m->truncated)
			cut = m->priv->cut;
		w->st->messages++;
		count_items(w->st, m);
		ccm_gen_msg_free(m);
		if (rc == CCM_ENOMEM)
			rc = ccm_error_set(w->err, rc, "out of memory");
	}
	w->st->bytes += cut ? cut : s.pos;
	return sink_close(&s, cut, rc);
}

static int make_dir(struct wctx *w, const char *rel)
{
	const char *p = rel ? full(w, rel) : w->root;

	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return ccm_error_sys(w->err, errno, "cannot create folder '%s'", p);
	return 0;
}

/* Creates the root and its parents. */
static int make_root(struct wctx *w)
{
	char *p = ccm_strdup(w->root);
	int rc = 0;

	if (!p)
		return ccm_error_set(w->err, CCM_ENOMEM, "out of memory");
	for (char *s = p + 1; *s && !rc; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				rc = ccm_error_sys(w->err, errno,
						   "cannot create folder '%s'", p);
			*s = '/';
		}
	free(p);
	return rc ? rc : make_dir(w, NULL);
}

int ccm_gen_write(struct ccm_gen *g, const char *dir, int overwrite,
		  struct ccm_gen_stats *stats, struct ccm_error *err)
{
	struct ccm_gen_stats local;
	struct wctx w = { g, dir, stats ? stats : &local, err, CCM_BUF_INIT };
	struct stat st;
	int rc;

	memset(w.st, 0, sizeof(*w.st));
	g->priv->replaced = 0;
	if ((rc = make_root(&w)) < 0)
		goto out;
	if (!overwrite && stat(full(&w, "po.txt"), &st) == 0) {
		rc = ccm_error_set(err, CCM_EEXISTS,
				   "'%s' already holds a post office bundle; "
				   "choose an empty folder or --force", dir);
		goto out;
	}
	if ((rc = make_dir(&w, "mail")) < 0 || (rc = make_dir(&w, "pab")) < 0 ||
	    (rc = make_dir(&w, "bboards")) < 0)
		goto out;
	if ((rc = write_manifest(&w)) < 0 || (rc = write_directory(&w)) < 0 ||
	    (rc = write_lists(&w)) < 0 || (rc = write_pabs(&w)) < 0)
		goto out;
	for (size_t i = 0; i < g->n_boxes; i++) {
		if (g->boxes[i].kind == CCM_GEN_MAILBOX)
			w.st->mailboxes++;
		if ((rc = write_box(&w, i)) < 0)
			goto out;
		if (g->opts.progress) {
			struct ccm_progress_at at = { i + 1, g->n_boxes, w.st->bytes, 0 };

			g->opts.progress(g->opts.progress_ctx, &at);
		}
	}
out:
	w.st->replaced = g->priv->replaced;
	ccm_buf_release(&w.path);
	return rc;
}
