/* po.c: each post office's export settings line, kept in the store's meta table. */
#include "store/po.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int ccm_store_po_record(struct ccm_store *s, const char *po,
			const char *settings, struct ccm_error *err)
{
	sqlite3_stmt *st;
	char *key;
	int rc;

	if (!po || !*po)
		return ccm_error_set(err, CCM_EINVAL, "post office settings '%s' name "
				     "no post office", settings);
	key = sqlite3_mprintf("po:%s", po);
	if (!key)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	if ((rc = ccm_store_begin(s, err)) < 0) {
		sqlite3_free(key);
		return rc;
	}
	/* Post office names compare without case, as cc:Mail's do: the new
	 * row replaces one spelled differently. */
	for (int i = 0; i < 2 && rc == 0; i++) {
		rc = sqlite3_prepare_v2(s->db, i == 0 ?
			"DELETE FROM meta WHERE key = ?1 COLLATE NOCASE" :
			"INSERT INTO meta (key, value) VALUES (?1, ?2)", -1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
			if (i == 1)
				sqlite3_bind_text(st, 2, settings, -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
		}
		rc = rc == SQLITE_DONE ? 0 :
		     ccm_st_fail(s, rc, err, "recording the settings of '%s'", key);
	}
	sqlite3_free(key);
	if (rc < 0) {
		ccm_store_rollback(s, NULL);
		return rc;
	}
	return ccm_store_commit(s, err);
}

/* The value of the first row of `sql` (?1 bound to arg unless NULL), into
 * out; `want_one` takes it only when it is the only row. 1 found, 0 not. */
static int lookup(struct ccm_store *s, const char *sql, const char *arg,
		  int want_one, struct ccm_buf *out, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int found = 0;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "reading post office settings");
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ccm_buf_reset(out);
		ccm_buf_adds(out, ccm_col_text(st, 0) ? ccm_col_text(st, 0) : "");
		found = 1;
		rc = want_one ? sqlite3_step(st) : SQLITE_DONE;
		if (rc == SQLITE_ROW) {
			found = 0;         /* several: none applies */
			rc = SQLITE_DONE;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "reading post office settings");
	return found;
}

/* The post office of a cc:Mail address: what follows its last " at ". */
static const char *po_of(const char *addr)
{
	const char *r = NULL;

	for (const char *p = addr; *p; p++)
		if (!strncasecmp(p, " at ", 4))
			r = p + 4;
	return r && *r ? r : NULL;
}

/*
 * The settings of the post office named by the first cc:Mail address
 * that `sql` gives (?1 bound to id: a message's mailbox's addresses, or a
 * mailbox's), else of the only post office recorded.
 */
static int po_by_address(struct ccm_store *s, const char *sql, long long id,
			 struct ccm_buf *out, struct ccm_error *err)
{
	sqlite3_stmt *st;
	char *key = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	ccm_buf_reset(out);
	if (rc != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "finding the post office of %lld", id);
	sqlite3_bind_int64(st, 1, id);
	while (!key && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = po_of(ccm_col_text(st, 0) ? ccm_col_text(st, 0) : "");

		if (p && !(key = sqlite3_mprintf("po:%s", p))) {
			sqlite3_finalize(st);
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		}
	}
	sqlite3_finalize(st);
	if (!key && rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "finding the post office of %lld", id);
	rc = 0;
	if (key)
		rc = lookup(s, "SELECT value FROM meta WHERE key = ?1 COLLATE NOCASE",
			    key, 0, out, err);
	sqlite3_free(key);
	if (rc == 0)
		rc = lookup(s, "SELECT value FROM meta WHERE key LIKE 'po:%'", NULL, 1,
			    out, err);
	return rc;
}

int ccm_store_po_of_message(struct ccm_buf *out, struct ccm_store *s,
			    long long msg, struct ccm_error *err)
{
	return po_by_address(s, "SELECT a.address FROM messages m JOIN folders f ON "
			     "f.id = m.folder_id JOIN addresses a ON a.recipient_id = "
			     "f.mailbox_id AND a.type = 'CCMAIL' WHERE m.id = ?1 ORDER BY "
			     "a.is_primary DESC, a.id", msg, out, err);
}

int ccm_store_po_of_mailbox(struct ccm_buf *out, struct ccm_store *s,
			    long long mailbox, struct ccm_error *err)
{
	return po_by_address(s, "SELECT address FROM addresses WHERE recipient_id = ?1 "
			     "AND type = 'CCMAIL' ORDER BY is_primary DESC, id", mailbox,
			     out, err);
}
