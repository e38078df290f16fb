/* query.c: read-only SQL of the user's over a store (Lua's st:query). */
#include "store/query.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

struct ccm_store_query {
	struct ccm_store *s;
	sqlite3_stmt *st;
};

/* Reading only: tables, columns, SELECT, functions and WITH. */
static int read_only(void *ctx, int action, const char *a, const char *b, const char *db,
		     const char *trigger)
{
	(void)ctx;
	(void)a;
	(void)b;
	(void)db;
	(void)trigger;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	default:
		return SQLITE_DENY;
	}
}

int ccm_store_query_open(struct ccm_store_query **out, struct ccm_store *s, const char *sql,
			 struct ccm_error *err)
{
	struct ccm_store_query *q;
	const char *tail = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	*out = NULL;
	sqlite3_set_authorizer(s->db, read_only, NULL);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, &tail);
	sqlite3_set_authorizer(s->db, NULL, NULL);
	if (rc != SQLITE_OK) {
		ccm_error_set(err, CCM_EINVAL, "%s%s", rc == SQLITE_AUTH ? "only reading is "
			      "allowed (SELECT, WITH): " : "", sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return CCM_EINVAL;
	}
	if (!st)
		return ccm_error_set(err, CCM_EINVAL, "the query holds no SQL statement");
	if (tail && tail[strspn(tail, " \t\r\n;")]) {
		sqlite3_finalize(st);
		return ccm_error_set(err, CCM_EINVAL, "one SQL statement at a time: '%.40s' "
				     "follows the first", tail + strspn(tail, " \t\r\n;"));
	}
	if (!(q = calloc(1, sizeof(*q)))) {
		sqlite3_finalize(st);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	q->s = s;
	q->st = st;
	*out = q;
	return 0;
}

int ccm_store_query_params(const struct ccm_store_query *q)
{
	return sqlite3_bind_parameter_count(q->st);
}

void ccm_store_query_bind_null(struct ccm_store_query *q, int i)
{
	sqlite3_bind_null(q->st, i);
}

void ccm_store_query_bind_integer(struct ccm_store_query *q, int i, long long v)
{
	sqlite3_bind_int64(q->st, i, v);
}

void ccm_store_query_bind_real(struct ccm_store_query *q, int i, double v)
{
	sqlite3_bind_double(q->st, i, v);
}

void ccm_store_query_bind_text(struct ccm_store_query *q, int i, const char *v, size_t len)
{
	sqlite3_bind_text64(q->st, i, v, len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

int ccm_store_query_step(struct ccm_store_query *q, struct ccm_error *err)
{
	int rc = sqlite3_step(q->st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return ccm_error_set(err, CCM_EINVAL, "the query failed: %s", sqlite3_errmsg(q->s->db));
}

int ccm_store_query_columns(const struct ccm_store_query *q)
{
	return sqlite3_column_count(q->st);
}

const char *ccm_store_query_name(const struct ccm_store_query *q, int i)
{
	return sqlite3_column_name(q->st, i);
}

enum ccm_query_type ccm_store_query_type(const struct ccm_store_query *q, int i)
{
	switch (sqlite3_column_type(q->st, i)) {
	case SQLITE_INTEGER: return CCM_QUERY_INTEGER;
	case SQLITE_FLOAT: return CCM_QUERY_REAL;
	case SQLITE_TEXT: return CCM_QUERY_TEXT;
	case SQLITE_BLOB: return CCM_QUERY_BLOB;
	default: return CCM_QUERY_NULL;
	}
}

long long ccm_store_query_integer(const struct ccm_store_query *q, int i)
{
	return sqlite3_column_int64(q->st, i);
}

double ccm_store_query_real(const struct ccm_store_query *q, int i)
{
	return sqlite3_column_double(q->st, i);
}

const void *ccm_store_query_bytes(const struct ccm_store_query *q, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(q->st, i);

	*len = (size_t)sqlite3_column_bytes(q->st, i);
	return p ? p : "";
}

void ccm_store_query_close(struct ccm_store_query *q)
{
	if (!q)
		return;
	sqlite3_finalize(q->st);
	free(q);
}
