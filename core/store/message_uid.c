/* message_uid.c: a message's name that no message of another store or post office shares. */
#include "store/store_int.h"
#include "store/messages.h"
#include "base/sha256.h"

#include <stdio.h>
#include <string.h>

/* Forwarded messages nest at most 8 deep (flow/forwards.h); a chain
 * longer than this is damage, not nesting. */
#define MAX_DEPTH 32

/* Feeds one field and the NUL that ends it: no two identities run together. */
static void field(struct ccm_sha256 *h, const void *p, size_t n)
{
	ccm_sha256_update(h, p, n);
	ccm_sha256_update(h, "", 1);
}

/* The identity of top-level message `id` into h: its source identity when
 * it has one, the store's name and its id when it has none. */
static int identity(struct ccm_sha256 *h, struct ccm_store *s, long long id,
		    struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_MSG_SOURCE_OF, "SELECT po, owner, fingerprint, dup "
				  "FROM source_messages WHERE message_id = ?1 "
				  "ORDER BY po, owner, fingerprint, dup LIMIT 1", err);
	char num[24];
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		field(h, "source", 6);
		for (int i = 0; i < 3; i++)
			field(h, sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
		snprintf(num, sizeof(num), "%lld", (long long)sqlite3_column_int64(st, 3));
		field(h, num, strlen(num));
		sqlite3_reset(st);
		return 0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "reading the source of message %lld", id);
	/* A message merged from another store (store/merge.h) keeps the name
	 * it had there: "<store_uid>:<id>". */
	if (!(st = ccm_st(s, ST_MSG_ORIGIN, "SELECT origin FROM messages WHERE id = ?1 "
			  "AND origin IS NOT NULL", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *o = (const char *)sqlite3_column_text(st, 0);
		const char *colon = o ? strrchr(o, ':') : NULL;

		if (colon) {
			field(h, "store", 5);
			field(h, o, (size_t)(colon - o));
			field(h, colon + 1, strlen(colon + 1));
			sqlite3_reset(st);
			return 0;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "reading the origin of message %lld", id);
	if (!s->uid.len && (rc = ccm_store_meta_get(&s->uid, s, "store_uid", err)) <= 0)
		return rc < 0 ? rc : ccm_error_set(err, CCM_EMALFORMED, "store '%s' has no "
						   "store_uid in its meta table; open it once "
						   "with a command that writes", s->path);
	field(h, "store", 5);
	field(h, s->uid.ptr, s->uid.len);
	snprintf(num, sizeof(num), "%lld", id);
	field(h, num, strlen(num));
	return 0;
}

int ccm_store_message_uid(char *out, struct ccm_store *s, const struct ccm_store_message *m,
			  struct ccm_error *err)
{
	sqlite3_stmt *st = NULL;
	long long top = m->id, parent = m->parent_id;
	int seq[MAX_DEPTH], depth = 0, rc;
	struct ccm_sha256 h;
	unsigned char d[32];
	char hex[65];

	if (parent && !(st = ccm_st(s, ST_MSG_PARENT, "SELECT parent_id, parent_seq "
				    "FROM messages WHERE id = ?1", err)))
		return err ? err->code : CCM_EIO;
	if (parent)
		seq[depth++] = m->parent_seq;
	/* Up to the message the folder holds: a forwarded message is named
	 * by it and the places that lead down. */
	while (parent) {
		if (depth == MAX_DEPTH)
			return ccm_error_set(err, CCM_EMALFORMED, "message %lld is forwarded "
					     "inside more than %d messages", m->id, MAX_DEPTH);
		top = parent;
		sqlite3_bind_int64(st, 1, parent);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			parent = sqlite3_column_int64(st, 0);
			if (parent)
				seq[depth++] = sqlite3_column_int(st, 1);
		}
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return ccm_error_set(err, CCM_EMALFORMED, "message %lld is forwarded in "
					     "message %lld, which is not in the store", m->id, top);
		if (rc != SQLITE_ROW)
			return ccm_st_fail(s, rc, err, "reading the parent of message %lld", top);
	}
	ccm_sha256_init(&h);
	if ((rc = identity(&h, s, top, err)) < 0)
		return rc;
	while (depth > 0) {
		char num[24];

		snprintf(num, sizeof(num), "%d", seq[--depth]);
		field(&h, num, strlen(num));
	}
	ccm_sha256_final(d, &h);
	ccm_sha256_hex(hex, d);
	memcpy(out, hex, CCM_STORE_UID_LEN);
	out[CCM_STORE_UID_LEN] = '\0';
	return 0;
}
