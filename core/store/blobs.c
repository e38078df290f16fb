/* blobs.c: attachments streamed into content-addressed blobs and read back in pieces. */
#include "store/messages.h"
#include "store/store_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "base/sha256.h"

/* Content up to this size is collected in memory and inserted as one
 * bound value. Larger content is written in place into parts reserved
 * with zeroblob(), which costs a blob handle (sqlite3_blob_open compiles a
 * statement each time) and, for content larger than the page cache, the
 * zeroed pages reach the WAL before the real ones: an import of
 * attachments up to 1 MiB ran at half the rate of plain inserts. 8 MiB
 * keeps an import's memory well under its 64 MiB. */
#define SMALL_CONTENT (8u << 20)
/* What ccm_store_attach_stream() reads at a time. */
#define STREAM_PIECE (64u << 10)
/* Copying pieces when a short stream's last part is cut to size. */
#define COPY_PIECE (64u << 10)
/* SQLite refuses values of SQLITE_MAX_LENGTH (1e9 by default) and more. */
#define MAX_PART (512u << 20)

static const char part_insert_sql[] =
	"INSERT INTO blob_parts (blob_id, seq, data) VALUES (?1, ?2, zeroblob(?3))";

struct ccm_store_attach {
	struct ccm_store *s;
	long long message_id;
	int seq;
	char *kind, *name;
	long long position;
	unsigned long long size;       /* declared */
	unsigned long long stored;     /* bytes written (<= size) */
	unsigned long long received;   /* bytes the stream gave */
	struct ccm_sha256 hash;        /* of the stored bytes */
	int small;
	struct ccm_buf data;           /* small content */
	long long blob_id;             /* large content: its row, hash unset */
	size_t part_size;
	sqlite3_blob *bh;              /* the part being written */
	long long part_rowid;
	int part_seq;                  /* parts made so far */
	unsigned long long part_start, part_len;
	int orphaned;                  /* a rollback took its rows */
};

static int attach_fail(struct ccm_store_attach *a, int rc, struct ccm_error *err,
		       const char *what)
{
	return ccm_st_fail(a->s, rc, err, "%s of attachment '%s'", what, a->name);
}

/* Deletes blob row `id` and its parts (foreign key cascade). */
static int delete_blob(struct ccm_store *s, long long id, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_BLOB_DELETE,
		"DELETE FROM blobs WHERE id = ?1", err);

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, id);
	return ccm_st_run(s, st, err, "dropping a duplicate attachment copy");
}

static void close_part(struct ccm_store_attach *a)
{
	if (a->bh) {
		sqlite3_blob_close(a->bh);
		a->bh = NULL;
	}
}

static void attach_free(struct ccm_store_attach *a)
{
	close_part(a);
	if (a->s && a->s->attach == a)
		a->s->attach = NULL;
	ccm_buf_release(&a->data);
	free(a->kind);
	free(a->name);
	free(a);
}

void ccm_store_attach_orphan(struct ccm_store *s)
{
	struct ccm_store_attach *a = s->attach;

	if (!a)
		return;
	close_part(a);
	a->orphaned = 1;
	s->attach = NULL;
}

/* The next attachment number of message `mid`; 1 and *exists = 0 for no
 * such message. */
static int next_seq(struct ccm_store *s, long long mid, int *seq, int *exists,
		    struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_MSG_EXISTS,
		"SELECT 1 FROM messages WHERE id = ?1", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, mid);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "looking up message %lld", mid);
	*exists = rc == SQLITE_ROW;
	if (!*exists || *seq > 0)
		return 0;
	if (!(st = ccm_st(s, ST_ATT_NEXT_SEQ,
			  "SELECT ifnull(max(seq), 0) + 1 FROM attachments "
			  "WHERE message_id = ?1", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, mid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return ccm_st_fail(s, rc, err, "numbering an attachment");
	return 0;
}

/* A blobs row of `size` with no hash yet, or with `sha` when given. */
static int insert_blob(struct ccm_store *s, const unsigned char *sha,
		       unsigned long long size, long long *id, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_BLOB_INSERT,
		"INSERT INTO blobs (sha256, size) VALUES (?1, ?2)", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	if (sha)
		sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (long long)size);
	if ((rc = ccm_st_run(s, st, err, "storing attachment content")) < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int ccm_store_attach_begin(struct ccm_store_attach **out,
			   struct ccm_store *s,
			   const struct ccm_store_attachment *meta, struct ccm_error *err)
{
	struct ccm_store_attach *a;
	int exists = 0, rc;

	*out = NULL;
	if (s->attach)
		return ccm_error_set(err, CCM_EINVAL,
				     "an attachment stream is open already: finish it "
				     "before beginning '%s'", meta->name ? meta->name : "");
	if (!meta->name)
		return ccm_error_set(err, CCM_EINVAL, "an attachment needs a name");
	if (!(a = calloc(1, sizeof(*a))) || !(a->name = ccm_strdup(meta->name)) ||
	    !(a->kind = ccm_strdup(meta->kind ? meta->kind : "file"))) {
		if (a)
			attach_free(a);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	a->s = s;
	a->message_id = meta->message_id;
	a->seq = meta->seq;
	a->position = meta->position;
	a->size = meta->size;
	a->part_size = s->part_size > MAX_PART ? MAX_PART : s->part_size;
	a->small = meta->size <= SMALL_CONTENT && meta->size <= a->part_size;
	ccm_buf_init(&a->data);
	/* All of it at once: growing by halves would copy it again and again. */
	if (a->small && meta->size > 0)
		ccm_buf_grow(&a->data, (size_t)meta->size);
	ccm_sha256_init(&a->hash);
	if ((rc = next_seq(s, meta->message_id, &a->seq, &exists, err)) < 0 ||
	    (!exists && (rc = ccm_error_set(err, CCM_ENOTFOUND,
					    "no message %lld for attachment '%s'",
					    meta->message_id, meta->name)) < 0) ||
	    (!a->small && (rc = insert_blob(s, NULL, a->size, &a->blob_id, err)) < 0)) {
		attach_free(a);
		return rc;
	}
	s->attach = a;
	*out = a;
	return 0;
}

/* Makes part number a->part_seq (the one holding byte a->stored), its
 * size reserved with zeroblob, and opens it for writing. */
static int open_next_part(struct ccm_store_attach *a, struct ccm_error *err)
{
	struct ccm_store *s = a->s;
	sqlite3_stmt *st = ccm_st(s, ST_PART_INSERT, part_insert_sql, err);
	unsigned long long left = a->size - a->stored;
	int rc;

	close_part(a);
	if (!st)
		return err ? err->code : CCM_EIO;
	a->part_start = a->stored;
	a->part_len = left < a->part_size ? left : a->part_size;
	sqlite3_bind_int64(st, 1, a->blob_id);
	sqlite3_bind_int(st, 2, a->part_seq);
	sqlite3_bind_int64(st, 3, (long long)a->part_len);
	if ((rc = ccm_st_run(s, st, err, "reserving attachment space")) < 0)
		return rc;
	a->part_rowid = sqlite3_last_insert_rowid(s->db);
	a->part_seq++;
	rc = sqlite3_blob_open(s->db, "main", "blob_parts", "data", a->part_rowid,
			       1, &a->bh);
	if (rc != SQLITE_OK) {
		a->bh = NULL;
		return attach_fail(a, rc, err, "opening the content");
	}
	return 0;
}

int ccm_store_attach_write(struct ccm_store_attach *a, const void *data,
			   size_t n, struct ccm_error *err)
{
	const unsigned char *p = data;
	unsigned long long take;

	if (a->orphaned)
		return ccm_error_set(err, CCM_EINVAL,
				     "attachment '%s' was abandoned by a rollback; "
				     "abort it", a->name);
	a->received += n;
	take = a->size - a->stored;
	if (take > n)
		take = n;
	if (take == 0)
		return 0;
	ccm_sha256_update(&a->hash, p, (size_t)take);
	if (a->small) {
		ccm_buf_add(&a->data, p, (size_t)take);
		a->stored += take;
		return 0;
	}
	while (take > 0) {
		unsigned long long room;
		int rc;

		if (!a->bh || a->stored == a->part_start + a->part_len) {
			if ((rc = open_next_part(a, err)) < 0)
				return rc;
		}
		room = a->part_start + a->part_len - a->stored;
		if (room > take)
			room = take;
		rc = sqlite3_blob_write(a->bh, p, (int)room,
					(int)(a->stored - a->part_start));
		if (rc != SQLITE_OK)
			return attach_fail(a, rc, err, "writing the content");
		p += room;
		take -= room;
		a->stored += room;
	}
	return 0;
}

/*
 * A stream that ended early inside the part it was writing: that part
 * is copied, piece by piece, into one of the right size, so the stored
 * bytes are exactly the bytes received. (Parts are made only when bytes
 * arrive for them, so no later part exists.)
 */
static int cut_short(struct ccm_store_attach *a, struct ccm_error *err)
{
	struct ccm_store *s = a->s;
	unsigned long long keep = a->stored - a->part_start;
	sqlite3_stmt *st;
	sqlite3_blob *nb = NULL;
	unsigned char *piece;
	long long nid;
	int rc;

	if (!a->bh || keep == a->part_len)
		return 0;
	if (!(st = ccm_st(s, ST_PART_INSERT, part_insert_sql, err)))
		return err ? err->code : CCM_EIO;
	/* seq -1 until the long part is gone */
	sqlite3_bind_int64(st, 1, a->blob_id);
	sqlite3_bind_int(st, 2, -1);
	sqlite3_bind_int64(st, 3, (long long)keep);
	if ((rc = ccm_st_run(s, st, err, "cutting attachment content")) < 0)
		return rc;
	nid = sqlite3_last_insert_rowid(s->db);
	if (!(piece = malloc(COPY_PIECE)))
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	rc = sqlite3_blob_open(s->db, "main", "blob_parts", "data", nid, 1, &nb);
	for (unsigned long long at = 0; rc == SQLITE_OK && at < keep;) {
		int k = (int)(keep - at < COPY_PIECE ? keep - at : COPY_PIECE);

		rc = sqlite3_blob_read(a->bh, piece, k, (int)at);
		if (rc == SQLITE_OK)
			rc = sqlite3_blob_write(nb, piece, k, (int)at);
		at += (unsigned long long)k;
	}
	free(piece);
	sqlite3_blob_close(nb);
	close_part(a);
	if (rc != SQLITE_OK)
		return attach_fail(a, rc, err, "cutting the content");
	if (!(st = ccm_st(s, ST_PART_DELETE, "DELETE FROM blob_parts WHERE id = ?1", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, a->part_rowid);
	if ((rc = ccm_st_run(s, st, err, "cutting attachment content")) < 0)
		return rc;
	if (!(st = ccm_st(s, ST_PART_RENUMBER,
			  "UPDATE blob_parts SET seq = ?2 WHERE id = ?1", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, nid);
	sqlite3_bind_int(st, 2, a->part_seq - 1);
	return ccm_st_run(s, st, err, "cutting attachment content");
}

/* Sets the hash and size of the blob row that was written in place. */
static int seal_blob(struct ccm_store_attach *a, const unsigned char *sha,
		     struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(a->s, ST_BLOB_SET_HASH,
		"UPDATE blobs SET sha256 = ?2, size = ?3 WHERE id = ?1", err);

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, a->blob_id);
	sqlite3_bind_blob(st, 2, sha, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (long long)a->stored);
	return ccm_st_run(a->s, st, err, "storing attachment content");
}

/* The blob already holding content `sha` of `size` bytes: 1 and *id. */
static int find_blob(struct ccm_store *s, const unsigned char *sha,
		     unsigned long long size, long long *id, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_BLOB_FIND,
		"SELECT id FROM blobs WHERE sha256 = ?1 AND size = ?2", err);

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_blob(st, 1, sha, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (long long)size);
	return ccm_st_one_id(s, st, id, err, "looking up attachment content");
}

/* The small path: the content as one bound value, unless it is stored. */
static int store_small(struct ccm_store_attach *a, const unsigned char *sha,
		       long long *blob_id, int *dedup, struct ccm_error *err)
{
	struct ccm_store *s = a->s;
	sqlite3_stmt *st;
	int rc = find_blob(s, sha, a->stored, blob_id, err);

	*dedup = rc == 1;
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if ((rc = insert_blob(s, sha, a->stored, blob_id, err)) < 0 || a->stored == 0)
		return rc;
	if (!(st = ccm_st(s, ST_PART_INSERT_DATA,
			  "INSERT INTO blob_parts (blob_id, seq, data) "
			  "VALUES (?1, 0, ?2)", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, *blob_id);
	sqlite3_bind_blob64(st, 2, a->data.ptr, a->data.len, SQLITE_STATIC);
	return ccm_st_run(s, st, err, "storing attachment content");
}

static int insert_attachment(struct ccm_store_attach *a, long long blob_id,
			     long long *id, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(a->s, ST_ATT_INSERT,
		"INSERT INTO attachments (message_id, seq, kind, name, position, "
		"size, blob_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, a->message_id);
	sqlite3_bind_int(st, 2, a->seq);
	ccm_bind_text(st, 3, a->kind);
	ccm_bind_text(st, 4, a->name);
	sqlite3_bind_int64(st, 5, a->position);
	sqlite3_bind_int64(st, 6, (long long)a->stored);
	sqlite3_bind_int64(st, 7, blob_id);
	if ((rc = ccm_st_run(a->s, st, err, "adding an attachment")) < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(a->s->db);
	return 0;
}

int ccm_store_attach_finish(struct ccm_store_attach *a,
			    struct ccm_store_attach_info *info,
			    struct ccm_error *err)
{
	struct ccm_store *s = a->s;
	unsigned char sha[32];
	long long blob_id = 0, att_id = 0;
	int dedup = 0, rc, differed;

	if (a->orphaned) {
		rc = ccm_error_set(err, CCM_EINVAL,
				   "attachment '%s' was abandoned by a rollback",
				   a->name);
		attach_free(a);
		return rc;
	}
	ccm_sha256_final(sha, &a->hash);
	if (a->small) {
		rc = store_small(a, sha, &blob_id, &dedup, err);
	} else {
		rc = a->stored < a->size ? cut_short(a, err) : 0;
		close_part(a);
		if (rc == 0)
			rc = find_blob(s, sha, a->stored, &blob_id, err);
		if (rc == 1) {
			/* Stored before: drop the copy just written. */
			dedup = 1;
			if ((rc = delete_blob(s, a->blob_id, err)) == 0)
				a->blob_id = 0;
		} else if (rc == 0) {
			blob_id = a->blob_id;
			rc = seal_blob(a, sha, err);
		}
	}
	if (rc == 0)
		rc = insert_attachment(a, blob_id, &att_id, err);
	if (rc < 0) {
		if (!a->small && a->blob_id)
			delete_blob(s, a->blob_id, NULL);
		attach_free(a);
		return rc;
	}
	if (info) {
		info->attachment_id = att_id;
		info->blob_id = blob_id;
		info->size = a->stored;
		info->received = a->received;
		info->deduplicated = dedup;
		memcpy(info->sha256, sha, 32);
	}
	differed = a->received != a->size;
	attach_free(a);
	return differed;
}

void ccm_store_attach_abort(struct ccm_store_attach *a)
{
	if (!a)
		return;
	close_part(a);
	if (!a->small && a->blob_id)
		delete_blob(a->s, a->blob_id, NULL);
	attach_free(a);
}

int ccm_store_attach_stream(struct ccm_store *s,
			    const struct ccm_store_attachment *meta,
			    ccm_store_read_fn read, void *ctx,
			    struct ccm_store_attach_info *info,
			    struct ccm_error *err)
{
	struct ccm_store_attach *a;
	unsigned char *buf = malloc(STREAM_PIECE);
	long long n;
	int rc;

	if (!buf)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	if ((rc = ccm_store_attach_begin(&a, s, meta, err)) < 0) {
		free(buf);
		return rc;
	}
	while ((n = read(ctx, buf, STREAM_PIECE)) > 0)
		if ((rc = ccm_store_attach_write(a, buf, (size_t)n, err)) < 0)
			break;
	free(buf);
	if (n < 0 && rc == 0)
		rc = ccm_error_set(err, (int)n,
				   "reading attachment '%s' failed (%s)", meta->name,
				   ccm_strerror((int)n));
	if (rc < 0) {
		ccm_store_attach_abort(a);
		return rc;
	}
	return ccm_store_attach_finish(a, info, err);
}

/* ---- reading ------------------------------------------------------------ */

struct ccm_store_blob {
	struct ccm_store *s;
	long long id;
	sqlite3_stmt *parts;
	sqlite3_blob *bh;
	unsigned long long size, done;
	int part_len, pos;
};

int ccm_store_blob_open(struct ccm_store_blob **out, struct ccm_store *s,
			long long blob_id, unsigned long long *size,
			struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_BLOB_SIZE,
		"SELECT size FROM blobs WHERE id = ?1", err);
	struct ccm_store_blob *b;
	int rc;

	*out = NULL;
	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, blob_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return ccm_error_set(err, CCM_ENOTFOUND, "no content %lld in "
					     "store '%s'", blob_id, s->path);
		return ccm_st_fail(s, rc, err, "reading content %lld", blob_id);
	}
	if (!(b = calloc(1, sizeof(*b)))) {
		sqlite3_reset(st);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	b->size = (unsigned long long)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	b->s = s;
	b->id = blob_id;
	rc = sqlite3_prepare_v2(s->db, "SELECT id FROM blob_parts WHERE blob_id = ?1 "
				"ORDER BY seq", -1, &b->parts, NULL);
	if (rc != SQLITE_OK) {
		free(b);
		return ccm_st_fail(s, rc, err, "reading content %lld", blob_id);
	}
	sqlite3_bind_int64(b->parts, 1, blob_id);
	if (size)
		*size = b->size;
	*out = b;
	return 0;
}

unsigned long long ccm_store_blob_size(const struct ccm_store_blob *b)
{
	return b->size;
}

long long ccm_store_blob_read(struct ccm_store_blob *b, void *buf, size_t n,
			      struct ccm_error *err)
{
	int k, rc;

	while (!b->bh || b->pos == b->part_len) {
		if (b->bh) {
			sqlite3_blob_close(b->bh);
			b->bh = NULL;
		}
		rc = sqlite3_step(b->parts);
		if (rc == SQLITE_DONE) {
			if (b->done != b->size)
				return ccm_error_set(err, CCM_EMALFORMED,
						     "content %lld of store '%s' has "
						     "%llu bytes, not %llu: the store "
						     "is damaged", b->id, b->s->path,
						     b->done, b->size);
			return 0;
		}
		if (rc != SQLITE_ROW)
			return ccm_st_fail(b->s, rc, err, "reading content %lld", b->id);
		rc = sqlite3_blob_open(b->s->db, "main", "blob_parts", "data",
				       sqlite3_column_int64(b->parts, 0), 0, &b->bh);
		if (rc != SQLITE_OK) {
			b->bh = NULL;
			return ccm_st_fail(b->s, rc, err, "reading content %lld", b->id);
		}
		b->part_len = sqlite3_blob_bytes(b->bh);
		b->pos = 0;
	}
	if (n == 0)
		return 0;
	k = b->part_len - b->pos;
	if ((size_t)k > n)
		k = (int)n;
	rc = sqlite3_blob_read(b->bh, buf, k, b->pos);
	if (rc != SQLITE_OK)
		return ccm_st_fail(b->s, rc, err, "reading content %lld", b->id);
	b->pos += k;
	b->done += (unsigned long long)k;
	return k;
}

void ccm_store_blob_close(struct ccm_store_blob *b)
{
	if (!b)
		return;
	if (b->bh)
		sqlite3_blob_close(b->bh);
	sqlite3_finalize(b->parts);
	free(b);
}

int ccm_store_attachments(struct ccm_store_cursor **out, struct ccm_store *s,
			  long long msg, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_ATTACHMENT, "SELECT a.id, a.message_id, a.blob_id, a.seq, a.kind, a.name, "
		"a.position, a.size, b.sha256 FROM attachments a "
		"JOIN blobs b ON b.id = a.blob_id WHERE a.message_id = ?1 "
		"ORDER BY a.seq", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, msg);
	return rc;
}

int ccm_store_next_attachment(struct ccm_store_cursor *c,
			      struct ccm_store_attachment *a,
			      struct ccm_error *err)
{
	sqlite3_stmt *st = c->st;
	int rc;

	assert(c->kind == CUR_ATTACHMENT);
	if ((rc = ccm_cursor_step(c, err)) != 1)
		return rc;
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	a->message_id = sqlite3_column_int64(st, 1);
	a->blob_id = sqlite3_column_int64(st, 2);
	a->seq = sqlite3_column_int(st, 3);
	a->kind = ccm_col_text(st, 4);
	a->name = ccm_col_text(st, 5);
	a->position = sqlite3_column_int64(st, 6);
	a->size = (unsigned long long)sqlite3_column_int64(st, 7);
	if (sqlite3_column_bytes(st, 8) == 32)
		memcpy(a->sha256, sqlite3_column_blob(st, 8), 32);
	return 1;
}
