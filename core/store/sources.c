/* sources.c: the identity of every source message and mailbox, and what
 * the latest run decided of it. */
#include "store/sources.h"
#include "store/store_int.h"

#include <string.h>

static const char *const decision_names[] = {
	NULL, "migrated", "already", "kept", "left-out"
};

const char *ccm_source_decision_name(int d)
{
	return d >= CCM_SRC_MIGRATED && d <= CCM_SRC_LEFT_OUT ? decision_names[d] : NULL;
}

static int decision_of(const char *name)
{
	for (int d = CCM_SRC_MIGRATED; d <= CCM_SRC_LEFT_OUT; d++)
		if (name && !strcmp(name, decision_names[d]))
			return d;
	return 0;
}

/*
 * The key columns in s->src_po and s->src_owner: the post office in upper
 * case, the owner as "u:" or "b:" and its match key. The owner's fold is
 * kept for the next call: an import asks of one owner a section long.
 */
static int keycols(struct ccm_store *s, const struct ccm_source_key *k)
{
	if (!k->po || !k->owner)
		return CCM_EINVAL;
	ccm_buf_reset(&s->src_po);
	ccm_buf_adds(&s->src_po, k->po);
	for (size_t i = 0; i < s->src_po.len; i++)
		if (s->src_po.ptr[i] >= 'a' && s->src_po.ptr[i] <= 'z')
			s->src_po.ptr[i] -= 32;
	if (s->src_owner_raw.len && s->src_owner_board == k->board &&
	    !strcmp(s->src_owner_raw.ptr, k->owner))
		return 0;
	ccm_buf_reset(&s->src_owner_raw);
	ccm_buf_reset(&s->src_owner);
	ccm_store_fold(&s->key2, k->owner);
	ccm_buf_adds(&s->src_owner, k->board ? "b:" : "u:");
	ccm_buf_add(&s->src_owner, s->key2.ptr, s->key2.len);
	ccm_buf_adds(&s->src_owner_raw, k->owner);
	s->src_owner_board = k->board;
	return 0;
}

static int key_fail(int rc, struct ccm_error *err)
{
	return ccm_error_set(err, rc, "a source identity needs a post office and an owner");
}

/*
 * Statement `id` ready to step, with k's post office and owner bound to
 * ?1 and ?2. NULL with *rc set on failure.
 */
static sqlite3_stmt *keyed(struct ccm_store *s, int id, const char *sql,
			   const struct ccm_source_key *k, int *rc,
			   struct ccm_error *err)
{
	sqlite3_stmt *st;

	if ((*rc = keycols(s, k)) < 0) {
		*rc = key_fail(*rc, err);
		return NULL;
	}
	if (!(st = ccm_st(s, id, sql, err))) {
		*rc = err ? err->code : CCM_EIO;
		return NULL;
	}
	ccm_bind_text(st, 1, s->src_po.ptr);
	ccm_bind_text(st, 2, s->src_owner.ptr);
	return st;
}

int ccm_store_source_find(struct ccm_source_record *out, struct ccm_store *s,
			  const struct ccm_source_key *k, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = keyed(s, ST_SRC_FIND, "SELECT 0, decision, reason, message_id, "
			 "run_id, file, number FROM source_messages WHERE po = ?1 AND "
			 "owner = ?2 AND fingerprint = ?3 AND dup = ?4", k, &rc, err))) {
		return rc;
	}
	ccm_bind_text(st, 3, k->fp);
	sqlite3_bind_int64(st, 4, k->dup);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && out) {
		const char *reason = ccm_col_text(st, 2), *file = ccm_col_text(st, 5);

		out->decision = decision_of(ccm_col_text(st, 1));
		ccm_buf_set(&s->src_reason, reason ? reason : "", reason ? strlen(reason) : 0);
		out->reason = reason ? s->src_reason.ptr : NULL;
		out->message_id = sqlite3_column_int64(st, 3);
		out->run_id = sqlite3_column_int64(st, 4);
		ccm_buf_set(&s->src_file, file ? file : "", file ? strlen(file) : 0);
		out->file = s->src_file.ptr;
		out->number = (long)sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "looking up a source message");
	return 0;
}

int ccm_store_source_holds(struct ccm_store *s, const struct ccm_source_key *k,
			   struct ccm_error *err)
{
	struct ccm_source_record rec;
	sqlite3_stmt *st;
	long long one;
	int rc;

	if (k->fp && *k->fp) {
		rc = ccm_store_source_find(&rec, s, k, err);
		return rc < 0 ? rc : rc == 1 && rec.message_id != 0;
	}
	if (!(st = keyed(s, ST_SRC_OWNER_HELD, "SELECT 1 FROM source_messages WHERE "
			 "po = ?1 AND owner = ?2 AND message_id IS NOT NULL LIMIT 1", k,
			 &rc, err)))
		return rc;
	return ccm_st_one_id(s, st, &one, err, "looking up the messages of an owner");
}

int ccm_store_source_record(struct ccm_store *s, const struct ccm_source_key *k,
			    const char *file, long number, int decision,
			    const char *reason, long long message_id,
			    struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (!ccm_source_decision_name(decision))
		return ccm_error_set(err, CCM_EINVAL, "no such decision: %d", decision);
	if (!(st = keyed(s, ST_SRC_RECORD,
			 "INSERT INTO source_messages (po, owner, owner_name, fingerprint, "
			 "dup, file, number, decision, reason, message_id, run_id) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
			 "ON CONFLICT (po, owner, fingerprint, dup) DO UPDATE SET "
			 "owner_name = excluded.owner_name, file = excluded.file, "
			 "number = excluded.number, decision = excluded.decision, "
			 "reason = excluded.reason, message_id = excluded.message_id, "
			 "run_id = excluded.run_id", k, &rc, err))) {
		return rc;
	}
	ccm_bind_text(st, 3, k->owner);
	ccm_bind_text(st, 4, k->fp);
	sqlite3_bind_int64(st, 5, k->dup);
	ccm_bind_text(st, 6, file);
	sqlite3_bind_int64(st, 7, number);
	ccm_bind_text(st, 8, decision_names[decision]);
	ccm_bind_text(st, 9, reason);
	ccm_bind_id(st, 10, message_id);
	ccm_bind_id(st, 11, s->run_id);
	rc = ccm_st_run(s, st, err, "recording a source message");
	return rc;
}

int ccm_store_source_mailbox_record(struct ccm_store *s,
				    const struct ccm_source_key *k, int decision,
				    const char *reason, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (decision == CCM_SRC_ALREADY || !ccm_source_decision_name(decision))
		return ccm_error_set(err, CCM_EINVAL, "a mailbox is migrated, kept or "
				     "left out");
	if (!(st = keyed(s, ST_SRCBOX_RECORD,
			 "INSERT INTO source_mailboxes (po, owner, owner_name, decision, "
			 "reason, run_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
			 "ON CONFLICT (po, owner) DO UPDATE SET owner_name = "
			 "excluded.owner_name, decision = excluded.decision, reason = "
			 "excluded.reason, run_id = excluded.run_id", k, &rc, err))) {
		return rc;
	}
	ccm_bind_text(st, 3, k->owner);
	ccm_bind_text(st, 4, decision_names[decision]);
	ccm_bind_text(st, 5, reason);
	ccm_bind_id(st, 6, s->run_id);
	rc = ccm_st_run(s, st, err, "recording a source mailbox");
	return rc;
}

int ccm_store_source_mailbox_find(struct ccm_store *s,
				  const struct ccm_source_key *k, int *decision,
				  struct ccm_buf *reason, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (!(st = keyed(s, ST_SRCBOX_FIND, "SELECT decision, reason FROM "
			 "source_mailboxes WHERE po = ?1 AND owner = ?2", k, &rc, err))) {
		return rc;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *r = ccm_col_text(st, 1);

		*decision = decision_of(ccm_col_text(st, 0));
		if (reason)
			ccm_buf_set(reason, r ? r : "", r ? strlen(r) : 0);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "looking up a source mailbox");
	return 0;
}

int ccm_store_source_po_of(struct ccm_store *s, long long message_id,
			   struct ccm_buf *po, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_SRC_PO_OF, "SELECT po FROM source_messages "
				  "WHERE message_id = ?1 AND po != '*' LIMIT 1", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, message_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = ccm_col_text(st, 0);
		ccm_buf_set(po, v ? v : "", v ? strlen(v) : 0);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "looking up the source of message %lld",
				   message_id);
	return 0;
}
