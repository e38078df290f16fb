/* messages.c: inserting messages with their recipients and headers, and reading them back. */
#include "store/messages.h"
#include "store/store_int.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const rcpt_names[] = { NULL, "to", "cc", "bcc" };

const char *ccm_rcpt_kind_name(int kind)
{
	if (kind < CCM_RCPT_TO || kind > CCM_RCPT_BCC)
		return NULL;
	return rcpt_names[kind];
}

static int rcpt_parse(const char *s)
{
	for (int k = CCM_RCPT_TO; s && k <= CCM_RCPT_BCC; k++)
		if (!strcmp(s, rcpt_names[k]))
			return k;
	return 0;
}

/*
 * Binds a body (NULL: none) to parameter i. A body past what the store
 * keeps is refused here: SQLite would refuse the binding and leave the
 * parameter NULL, and the message would be stored without its body.
 */
static int bind_body(struct ccm_store *s, sqlite3_stmt *st, int i, const char *body,
		     size_t len, struct ccm_error *err)
{
	size_t max = ccm_store_body_max(s);
	int rc;

	if (!body)
		return 0;
	if (len > max)
		return ccm_error_set(err, CCM_ELIMIT, "a body of %zu bytes is longer than "
				     "the %zu bytes the store keeps in one message", len, max);
	rc = sqlite3_bind_text64(st, i, body, len, SQLITE_STATIC, SQLITE_UTF8);
	return rc == SQLITE_OK ? 0 : ccm_st_fail(s, rc, err, "binding a body of %zu bytes",
						 len);
}

int ccm_store_message_add(struct ccm_store *s, const struct ccm_store_message *m,
			  long long *id, struct ccm_error *err)
{
	sqlite3_stmt *st;
	long long mid;
	int rc;

	if (m->priority < -1 || m->priority > 1)
		return ccm_error_set(err, CCM_EINVAL,
				     "priority %d is not -1, 0 or 1", m->priority);
	for (size_t i = 0; i < m->n_rcpts; i++)
		if (!ccm_rcpt_kind_name(m->rcpts[i].kind))
			return ccm_error_set(err, CCM_EINVAL,
					     "recipient %zu has kind %d: not to, cc "
					     "or bcc", i + 1, m->rcpts[i].kind);
	for (size_t i = 0; i < m->n_headers; i++)
		if (!m->headers[i].name)
			return ccm_error_set(err, CCM_EINVAL,
					     "extra header %zu has no name", i + 1);
	if (!(st = ccm_st(s, ST_MSG_INSERT,
		"INSERT INTO messages (folder_id, sender_name, sender_address, "
		"subject, sent_utc, sent_text, received_utc, received_text, "
		"priority, is_read, is_unsent, body_bytes, body, parent_id, "
		"parent_seq, part_name, stored_utc) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
		"?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, m->folder_id);
	ccm_bind_text(st, 2, m->sender_name);
	ccm_bind_text(st, 3, m->sender_address);
	ccm_bind_text(st, 4, m->subject);
	if (m->has_sent)
		sqlite3_bind_int64(st, 5, m->sent_utc);
	ccm_bind_text(st, 6, m->sent_text);
	if (m->has_received)
		sqlite3_bind_int64(st, 7, m->received_utc);
	ccm_bind_text(st, 8, m->received_text);
	sqlite3_bind_int(st, 9, m->priority);
	sqlite3_bind_int(st, 10, m->read ? 1 : 0);
	sqlite3_bind_int(st, 11, m->unsent ? 1 : 0);
	sqlite3_bind_int64(st, 12, (long long)(m->body ? m->body_len : 0));
	if ((rc = bind_body(s, st, 13, m->body, m->body_len, err)) < 0)
		return rc;
	if (m->parent_id) {
		sqlite3_bind_int64(st, 14, m->parent_id);
		sqlite3_bind_int(st, 15, m->parent_seq);
		ccm_bind_text(st, 16, m->part_name);
	}
	sqlite3_bind_int64(st, 17, s->run_id ? s->run_started_utc : ccm_store_now());
	if ((rc = ccm_st_run(s, st, err, "adding a message")) < 0)
		return rc;
	mid = sqlite3_last_insert_rowid(s->db);

	for (size_t i = 0; i < m->n_rcpts; i++) {
		if (!(st = ccm_st(s, ST_RCPT_INSERT,
			"INSERT INTO message_recipients (message_id, seq, kind, "
			"display_name, address) VALUES (?1, ?2, ?3, ?4, ?5)", err)))
			return err ? err->code : CCM_EIO;
		sqlite3_bind_int64(st, 1, mid);
		sqlite3_bind_int64(st, 2, (long long)i + 1);
		ccm_bind_text(st, 3, rcpt_names[m->rcpts[i].kind]);
		ccm_bind_text(st, 4, m->rcpts[i].display);
		ccm_bind_text(st, 5, m->rcpts[i].address);
		if ((rc = ccm_st_run(s, st, err, "adding a message recipient")) < 0)
			return rc;
	}
	for (size_t i = 0; i < m->n_headers; i++) {
		if (!(st = ccm_st(s, ST_HDR_INSERT,
			"INSERT INTO message_headers (message_id, seq, name, value) "
			"VALUES (?1, ?2, ?3, ?4)", err)))
			return err ? err->code : CCM_EIO;
		sqlite3_bind_int64(st, 1, mid);
		sqlite3_bind_int64(st, 2, (long long)i + 1);
		ccm_bind_text(st, 3, m->headers[i].name);
		ccm_bind_text(st, 4, m->headers[i].value);
		if ((rc = ccm_st_run(s, st, err, "adding a message header")) < 0)
			return rc;
	}
	*id = mid;
	return 0;
}

int ccm_store_messages(struct ccm_store_cursor **out, struct ccm_store *s,
		       long long folder, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_MESSAGE, "SELECT id, folder_id, sender_name, sender_address, subject, "
		"sent_utc, sent_text, received_utc, received_text, priority, "
		"is_read, is_unsent, body, parent_id, parent_seq, part_name, stored_utc FROM messages "
		"WHERE folder_id = ?1 AND parent_id IS NULL ORDER BY id", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, folder);
	return rc;
}

int ccm_store_message_get(struct ccm_store_cursor **out, struct ccm_store *s,
			  long long id, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_MESSAGE, "SELECT id, folder_id, sender_name, sender_address, subject, "
		"sent_utc, sent_text, received_utc, received_text, priority, "
		"is_read, is_unsent, body, parent_id, parent_seq, part_name, stored_utc FROM messages "
		"WHERE id = ?1", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, id);
	return rc;
}

int ccm_store_forwarded(struct ccm_store_cursor **out, struct ccm_store *s,
			long long msg, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_MESSAGE, "SELECT id, folder_id, sender_name, sender_address, subject, "
		"sent_utc, sent_text, received_utc, received_text, priority, "
		"is_read, is_unsent, body, parent_id, parent_seq, part_name, stored_utc FROM messages "
		"WHERE parent_id = ?1 ORDER BY parent_seq, id", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, msg);
	return rc;
}

int ccm_store_message_set_body(struct ccm_store *s, long long id, const char *body,
			       size_t len, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = ccm_st(s, ST_MSG_SET_BODY, "UPDATE messages SET body = ?2, "
			  "body_bytes = ?3 WHERE id = ?1", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = bind_body(s, st, 2, body, len, err)) < 0)
		return rc;
	sqlite3_bind_int64(st, 3, (long long)(body ? len : 0));
	if ((rc = ccm_st_run(s, st, err, "setting the body of a message")) < 0)
		return rc;
	return sqlite3_changes(s->db) ? 0 :
	       ccm_error_set(err, CCM_ENOTFOUND, "no message %lld in the store", id);
}

const char *ccm_date_from_name(enum ccm_date_from f)
{
	return f == CCM_DATE_SENT ? "sent" : f == CCM_DATE_RECEIVED ? "received" :
	       f == CCM_DATE_FORWARDING ? "forwarding" : "migration";
}

enum ccm_date_from ccm_store_message_date(long long *utc,
					  const struct ccm_store_message *m)
{
	if (m->has_sent) {
		*utc = m->sent_utc;
		return CCM_DATE_SENT;
	}
	if (m->has_received) {
		*utc = m->received_utc;
		return CCM_DATE_RECEIVED;
	}
	*utc = m->stored_utc;
	return CCM_DATE_STORED;
}

enum ccm_date_from ccm_store_forwarded_date(long long *utc,
					    const struct ccm_store_message *m,
					    long long carrier_utc)
{
	*utc = m->has_sent ? m->sent_utc : carrier_utc;
	return m->has_sent ? CCM_DATE_SENT : CCM_DATE_FORWARDING;
}

int ccm_store_is_forward_text(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	return n > 4 && strcasecmp(name + n - 4, ".ccm") == 0;
}

int ccm_store_forwards_next(long long *out, struct ccm_store *s, long long after,
			    struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db,
		"SELECT min(a.message_id) FROM attachments a WHERE a.message_id > ?1 "
		"AND a.name LIKE '%.ccm' AND NOT EXISTS (SELECT 1 FROM messages c "
		"WHERE c.parent_id = a.message_id AND c.parent_seq = a.seq)", -1, &st, NULL);

	*out = 0;
	if (rc != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "finding forwarded messages to unfold");
	sqlite3_bind_int64(st, 1, after);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return ccm_st_fail(s, rc, err, "finding forwarded messages to unfold");
	return *out != 0;
}

int ccm_store_next_message(struct ccm_store_cursor *c, struct ccm_store_message *m,
			   struct ccm_error *err)
{
	sqlite3_stmt *st = c->st;
	int rc;

	assert(c->kind == CUR_MESSAGE);
	if ((rc = ccm_cursor_step(c, err)) != 1)
		return rc;
	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(st, 0);
	m->folder_id = sqlite3_column_int64(st, 1);
	m->sender_name = ccm_col_text(st, 2);
	m->sender_address = ccm_col_text(st, 3);
	m->subject = ccm_col_text(st, 4);
	m->has_sent = sqlite3_column_type(st, 5) != SQLITE_NULL;
	m->sent_utc = sqlite3_column_int64(st, 5);
	m->sent_text = ccm_col_text(st, 6);
	m->has_received = sqlite3_column_type(st, 7) != SQLITE_NULL;
	m->received_utc = sqlite3_column_int64(st, 7);
	m->received_text = ccm_col_text(st, 8);
	m->priority = sqlite3_column_int(st, 9);
	m->read = sqlite3_column_int(st, 10);
	m->unsent = sqlite3_column_int(st, 11);
	m->body = ccm_col_text(st, 12);
	m->body_len = (size_t)sqlite3_column_bytes(st, 12);
	m->parent_id = sqlite3_column_int64(st, 13);
	m->parent_seq = sqlite3_column_int(st, 14);
	m->part_name = ccm_col_text(st, 15);
	m->stored_utc = sqlite3_column_int64(st, 16);
	return 1;
}

int ccm_store_message_rcpts(struct ccm_store_cursor **out, struct ccm_store *s,
			    long long msg, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_RCPT, "SELECT kind, display_name, address FROM message_recipients "
		"WHERE message_id = ?1 ORDER BY seq", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, msg);
	return rc;
}

int ccm_store_next_rcpt(struct ccm_store_cursor *c, struct ccm_store_rcpt *r,
			struct ccm_error *err)
{
	int rc;

	assert(c->kind == CUR_RCPT);
	if ((rc = ccm_cursor_step(c, err)) == 1) {
		r->kind = rcpt_parse(ccm_col_text(c->st, 0));
		r->display = ccm_col_text(c->st, 1);
		r->address = ccm_col_text(c->st, 2);
	}
	return rc;
}

int ccm_store_message_headers(struct ccm_store_cursor **out, struct ccm_store *s,
			      long long msg, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_HEADER, "SELECT name, value FROM message_headers WHERE message_id = ?1 "
		"ORDER BY seq", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, msg);
	return rc;
}

int ccm_store_next_header(struct ccm_store_cursor *c, struct ccm_store_header *h,
			  struct ccm_error *err)
{
	int rc;

	assert(c->kind == CUR_HEADER);
	if ((rc = ccm_cursor_step(c, err)) == 1) {
		h->name = ccm_col_text(c->st, 0);
		h->value = ccm_col_text(c->st, 1);
	}
	return rc;
}

/*
 * Removes folder f when it is empty, has no folder below it and is not a
 * well-known one, then its parents that become so. Rare (a policy changed
 * between runs): the statements are not kept.
 */
static int prune_folder(struct ccm_store *s, long long f, struct ccm_error *err)
{
	static const char *const sql[2] = {
		"SELECT parent_id FROM folders WHERE id = ?1 AND special IS NULL AND "
		"NOT EXISTS (SELECT 1 FROM messages WHERE folder_id = ?1) AND "
		"NOT EXISTS (SELECT 1 FROM folders WHERE parent_id = ?1)",
		"DELETE FROM folders WHERE id = ?1",
	};

	while (f) {
		long long parent = 0;
		int rc = SQLITE_OK;

		for (int i = 0; i < 2 && rc == SQLITE_OK; i++) {
			sqlite3_stmt *st;

			if ((rc = sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL)) != SQLITE_OK)
				break;
			sqlite3_bind_int64(st, 1, f);
			rc = sqlite3_step(st);
			if (i == 0 && rc == SQLITE_ROW) {
				parent = sqlite3_column_int64(st, 0);
				rc = SQLITE_OK;
			} else if (rc == SQLITE_DONE) {
				rc = i == 0 ? SQLITE_DONE : SQLITE_OK;   /* 0: it stays */
			}
			sqlite3_finalize(st);
		}
		if (rc == SQLITE_DONE)
			return 0;
		if (rc != SQLITE_OK)
			return ccm_st_fail(s, rc, err, "removing emptied folder %lld", f);
		ccm_store_folder_cache_clear(s);
		f = parent;
	}
	return 0;
}

int ccm_store_message_place(struct ccm_store *s, long long id, long long folder_id,
			    const char *subject, int read, struct ccm_error *err)
{
	sqlite3_stmt *st;
	long long old = 0;
	int rc;

	if (!(st = ccm_st(s, ST_MSG_PLACE,
			  "SELECT folder_id, subject IS ?2, is_read = ?3 FROM messages "
			  "WHERE id = ?1", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, id);
	ccm_bind_text(st, 2, subject);
	sqlite3_bind_int(st, 3, read != 0);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) == folder_id &&
	    sqlite3_column_int(st, 1) && sqlite3_column_int(st, 2)) {
		sqlite3_reset(st);
		return 0;
	}
	if (rc == SQLITE_ROW)
		old = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ccm_error_set(err, CCM_ENOTFOUND, "no message %lld in the store", id);
	if (rc != SQLITE_ROW)
		return ccm_st_fail(s, rc, err, "reading message %lld", id);
	/* Rare (a policy changed between runs): the statement is not kept. */
	if ((rc = sqlite3_prepare_v2(s->db, "UPDATE messages SET folder_id = ?2, "
				     "subject = ?3, is_read = ?4 WHERE id = ?1", -1,
				     &st, NULL)) != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "moving message %lld", id);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, folder_id);
	ccm_bind_text(st, 3, subject);
	sqlite3_bind_int(st, 4, read != 0);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	/* The messages forwarded in it, to any depth, lie in its folder. */
	if (rc == SQLITE_DONE && old != folder_id &&
	    (rc = sqlite3_prepare_v2(s->db, "WITH RECURSIVE d(id) AS (SELECT id FROM "
				     "messages WHERE parent_id = ?1 UNION ALL SELECT "
				     "m.id FROM messages m JOIN d ON m.parent_id = d.id) "
				     "UPDATE messages SET folder_id = ?2 WHERE id IN d",
				     -1, &st, NULL)) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, folder_id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "moving message %lld", id);
	if (old != folder_id && (rc = prune_folder(s, old, err)) < 0)
		return rc;
	return 1;
}

/* Neither a source record nor ccmig's own notice names it. */
#define UNCLAIMED \
	"NOT EXISTS (SELECT 1 FROM source_messages s WHERE s.message_id = m.id) AND " \
	"NOT EXISTS (SELECT 1 FROM message_headers h WHERE h.message_id = m.id AND " \
	"h.name = 'X-ccmig-generated')"

int ccm_store_message_unclaimed(struct ccm_store *s, long long folder,
				const char *subject, int has_sent, long long sent_utc,
				long long *id, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_MSG_UNCLAIMED,
		"SELECT m.id FROM messages m WHERE m.folder_id = ?1 AND m.parent_id IS NULL "
		"AND m.subject IS ?2 "
		"AND m.sent_utc IS ?3 AND " UNCLAIMED " ORDER BY m.id LIMIT 1", err);

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, folder);
	ccm_bind_text(st, 2, subject);
	if (has_sent)
		sqlite3_bind_int64(st, 3, sent_utc);
	return ccm_st_one_id(s, st, id, err, "looking for a message stored before identities");
}

int ccm_store_unclaimed_left(struct ccm_store *s, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "SELECT 1 FROM messages m WHERE m.parent_id IS NULL "
				    "AND " UNCLAIMED " LIMIT 1", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "looking for messages stored before identities");
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "looking for messages stored before identities");
	if ((rc = sqlite3_exec(s->db, "DELETE FROM meta WHERE key = 'unclaimed_messages'",
			       NULL, NULL, NULL)) != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "recording that every message is claimed");
	return 0;
}
