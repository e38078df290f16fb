/* stats.c: counting what a store holds. */
#include "store/stats.h"
#include "store/recipients.h"
#include "store/store_int.h"

#include <assert.h>
#include <string.h>

/* Runs a query of fixed text and stores its first row's columns in v. */
static int row(struct ccm_store *s, const char *sql, long long *const *v,
	       int n, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			*v[i] = sqlite3_column_int64(st, i);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "counting");
	return 0;
}

int ccm_store_stats(struct ccm_store_stats *o, struct ccm_store *s,
		    struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(o, 0, sizeof(*o));
	rc = sqlite3_prepare_v2(s->db, "SELECT kind, count(*), "
				"count(converted_run) FROM recipients GROUP BY kind",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "counting recipients");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int k = ccm_recip_kind_parse(ccm_col_text(st, 0));
		long long n = sqlite3_column_int64(st, 1);

		o->by_kind[k] += n;
		o->recipients += n;
		if (k == CCM_RECIP_MAILBOX)
			o->converted += sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "counting recipients");
	{
		long long *a[] = { &o->addresses };
		long long *m[] = { &o->memberships };
		long long *f[] = { &o->folders, &o->public_folders };
		long long *msg[] = { &o->messages, &o->body_bytes };
		long long *pm[] = { &o->public_messages };
		long long *att[] = { &o->attachments, &o->attachment_bytes };
		long long *b[] = { &o->blobs, &o->blob_bytes };
		long long *l[] = { &o->ledger };
		long long *r[] = { &o->runs };
		long long *e[] = { &o->events[CCM_NOTE], &o->events[CCM_WARNING],
				   &o->events[CCM_ERROR] };

		if ((rc = row(s, "SELECT count(*) FROM addresses", a, 1, err)) < 0 ||
		    (rc = row(s, "SELECT count(*) FROM dl_members", m, 1, err)) < 0 ||
		    (rc = row(s, "SELECT count(mailbox_id), count(*) - count(mailbox_id) "
			      "FROM folders", f, 2, err)) < 0 ||
		    (rc = row(s, "SELECT count(*), ifnull(sum(body_bytes), 0) "
			      "FROM messages WHERE parent_id IS NULL", msg, 2, err)) < 0 ||
		    (rc = row(s, "SELECT count(*) FROM messages m JOIN folders f "
			      "ON f.id = m.folder_id WHERE f.mailbox_id IS NULL AND "
			      "m.parent_id IS NULL", pm, 1, err)) < 0 ||
		    /* Every attachment, forwarded messages' too: the blobs
		     * below hold theirs, and deduplication is the difference. */
		    (rc = row(s, "SELECT count(*), ifnull(sum(size), 0) FROM attachments",
			      att, 2, err)) < 0 ||
		    (rc = row(s, "SELECT count(*), ifnull(sum(size), 0) FROM blobs "
			      "WHERE sha256 IS NOT NULL", b, 2, err)) < 0 ||
		    (rc = row(s, "SELECT count(*) FROM ledger", l, 1, err)) < 0 ||
		    (rc = row(s, "SELECT count(*) FROM runs", r, 1, err)) < 0 ||
		    (rc = row(s, "SELECT count(CASE severity WHEN 'note' THEN 1 END), "
			      "count(CASE severity WHEN 'warning' THEN 1 END), "
			      "count(CASE severity WHEN 'error' THEN 1 END) FROM events",
			      e, 3, err)) < 0)
			return rc;
	}
	return 0;
}

int ccm_store_mailbox_stats(struct ccm_store_cursor **out, struct ccm_store *s,
			    struct ccm_error *err)
{
	/* Per folder first (messages by their folder index, attachments by
	 * their message), then summed per mailbox. */
	return ccm_cursor_new(out, s,
		CUR_MAILBOX_STATS, "WITH per_folder AS ("
		"  SELECT f.mailbox_id AS mailbox_id, "
		"    (SELECT count(*) FROM messages m WHERE m.folder_id = f.id AND "
		"       m.parent_id IS NULL) AS messages, "
		"    (SELECT ifnull(sum(m.body_bytes), 0) FROM messages m "
		"       WHERE m.folder_id = f.id AND m.parent_id IS NULL) AS body, "
		"    (SELECT count(*) FROM attachments a JOIN messages m "
		"       ON m.id = a.message_id WHERE m.folder_id = f.id AND "
		"       m.parent_id IS NULL) AS atts, "
		"    (SELECT ifnull(sum(a.size), 0) FROM attachments a JOIN messages m "
		"       ON m.id = a.message_id WHERE m.folder_id = f.id AND "
		"       m.parent_id IS NULL) AS att_bytes "
		"  FROM folders f WHERE f.mailbox_id IS NOT NULL) "
		"SELECT r.id, r.alias, r.display_name, r.converted_run IS NOT NULL, "
		"  count(p.mailbox_id), ifnull(sum(p.messages), 0), "
		"  ifnull(sum(p.body + p.att_bytes), 0), ifnull(sum(p.atts), 0) "
		"FROM recipients r LEFT JOIN per_folder p ON p.mailbox_id = r.id "
		"WHERE r.kind = 'mailbox' GROUP BY r.id ORDER BY r.id", err);
}

int ccm_store_next_mailbox_stats(struct ccm_store_cursor *c,
				 struct ccm_store_mailbox_stats *m,
				 struct ccm_error *err)
{
	sqlite3_stmt *st = c->st;
	int rc;

	assert(c->kind == CUR_MAILBOX_STATS);
	if ((rc = ccm_cursor_step(c, err)) != 1)
		return rc;
	m->id = sqlite3_column_int64(st, 0);
	m->alias = ccm_col_text(st, 1);
	m->display_name = ccm_col_text(st, 2);
	m->converted = sqlite3_column_int(st, 3);
	m->folders = sqlite3_column_int64(st, 4);
	m->messages = sqlite3_column_int64(st, 5);
	m->bytes = sqlite3_column_int64(st, 6);
	m->attachments = sqlite3_column_int64(st, 7);
	return 1;
}
