/* query.h: read-only SQL of the user's over a store (Lua's st:query). */
#ifndef CCM_STORE_QUERY_H
#define CCM_STORE_QUERY_H

#include <stddef.h>
#include "base/error.h"
#include "store/store.h"

/*
 * One SQL statement a script or a person at the REPL gives, run against
 * the store for reading only. It may read every table and view and call
 * SQL functions; anything else (INSERT, UPDATE, DELETE, CREATE, DROP,
 * PRAGMA, ATTACH, a transaction) is refused when it is prepared, by
 * SQLite's authorizer, so that no query changes the store behind the
 * importer's back or reaches another file.
 */
struct ccm_store_query;

enum ccm_query_type {
	CCM_QUERY_NULL, CCM_QUERY_INTEGER, CCM_QUERY_REAL, CCM_QUERY_TEXT, CCM_QUERY_BLOB
};

/*
 * Prepares `sql` (one statement: text after it is refused) on store s.
 * CCM_EINVAL with err saying why (SQLite's message, or "only reading is
 * allowed: ...") when it is no statement, more than one, or would do
 * anything but read. The caller closes *out with ccm_store_query_close.
 */
int ccm_store_query_open(struct ccm_store_query **out, struct ccm_store *s, const char *sql,
			 struct ccm_error *err);

/* Parameters, 1-based, as SQLite numbers them (?, ?NNN, :name). */
int ccm_store_query_params(const struct ccm_store_query *q);
void ccm_store_query_bind_null(struct ccm_store_query *q, int i);
void ccm_store_query_bind_integer(struct ccm_store_query *q, int i, long long v);
void ccm_store_query_bind_real(struct ccm_store_query *q, int i, double v);
void ccm_store_query_bind_text(struct ccm_store_query *q, int i, const char *v, size_t len);

/* The next row: 1, 0 when there are no more, or a negative code. */
int ccm_store_query_step(struct ccm_store_query *q, struct ccm_error *err);

/* The current row's columns, 0-based; values borrowed until the next step. */
int ccm_store_query_columns(const struct ccm_store_query *q);
const char *ccm_store_query_name(const struct ccm_store_query *q, int i);
enum ccm_query_type ccm_store_query_type(const struct ccm_store_query *q, int i);
long long ccm_store_query_integer(const struct ccm_store_query *q, int i);
double ccm_store_query_real(const struct ccm_store_query *q, int i);
const void *ccm_store_query_bytes(const struct ccm_store_query *q, int i, size_t *len);

void ccm_store_query_close(struct ccm_store_query *q);

#endif
