/* store.h: the SQLite mailbox store: opening, schema versions, transactions. */
#ifndef CCM_STORE_H
#define CCM_STORE_H

#include <stddef.h>
#include "base/buf.h"
#include "base/error.h"

/*
 * The store stands for the target mail system: a directory of recipients
 * (mailboxes, custom recipients, distribution lists, public folders) with
 * their addresses, folders, messages, attachments (content kept once per
 * distinct SHA-256), and the ledger, runs and events of the migration.
 * docs/store.md describes every table.
 *
 * The other headers of this folder say what can be done with an open
 * store: recipients.h (the directory), folders.h, messages.h (messages,
 * attachments streamed in and out), ledger.h (ledger, runs, events),
 * stats.h and dirsync.h.
 *
 * Conventions of every store function:
 *  - returns 0 (or 1 for "found"/"true" where the header says so) or a
 *    negative CCM_E* code with err filled; err may be NULL;
 *  - a failing SQLite statement gives err "<what> failed: <SQLite's
 *    message>" and what to do; CCM_EEXISTS when a uniqueness rule of the
 *    store refused it (an alias, an address), CCM_EIO for the disk or a
 *    busy database, CCM_EMALFORMED for a damaged file;
 *  - strings in and out are UTF-8; ids are SQLite rowids (> 0);
 *  - input strings are only read during the call;
 *  - one handle is used by one thread at a time.
 */
struct ccm_store;

/* The schema version this program writes and the newest it reads. */
#define CCM_STORE_SCHEMA_VERSION 8

enum {
	CCM_STORE_CREATE = 1,    /* create the file when it does not exist */
	CCM_STORE_READONLY = 2   /* open for reading only (stat, verify) */
};

/*
 * Opens the store at `path`. With CCM_STORE_CREATE a missing file is
 * created; a zero-length file or an SQLite database with no tables
 * (schema version 0) is given the current schema; an older schema is
 * upgraded step by step in one transaction. Sets WAL journaling, foreign
 * keys on, synchronous NORMAL (a crash never corrupts; a power cut may
 * lose the last commits) and a 5 s busy timeout.
 *
 * Refuses, with err saying so and what to do:
 *  - CCM_ENOTFOUND: no file and no CCM_STORE_CREATE;
 *  - CCM_EMALFORMED: the file is not an SQLite database, or is an SQLite
 *    database of another program (tables but not ccmig's application id);
 *  - CCM_EUNSUPPORTED: its schema version is newer than this program's
 *    (CCM_STORE_SCHEMA_VERSION), or older and opened read-only;
 *  - CCM_EIO: it cannot be opened or written.
 * On success *out owns the connection; close it with ccm_store_close().
 */
int ccm_store_open(struct ccm_store **out, const char *path, int flags,
		   struct ccm_error *err);

/*
 * Closes the store. An open transaction is rolled back (its pending
 * events are still written, see ledger.h); an attachment stream still
 * open is abandoned. NULL is ignored.
 */
void ccm_store_close(struct ccm_store *s);

/* The schema version of the open store (CCM_STORE_SCHEMA_VERSION). */
int ccm_store_schema_version(const struct ccm_store *s);

/* The file the store was opened from (owned by the store). */
const char *ccm_store_path(const struct ccm_store *s);

/*
 * Transactions. ccm_store_begin() starts one (BEGIN IMMEDIATE: the write
 * lock is taken at once, so a busy store fails here and not half way);
 * calls nest, an inner one being a savepoint. ccm_store_commit() ends the
 * innermost; ccm_store_rollback() undoes it. Work done outside any
 * transaction commits statement by statement (slow for bulk work: the
 * importer makes each migration-file section one transaction).
 *
 * Events recorded while a transaction is open are kept aside and written
 * when the outermost transaction ends, committed or rolled back, so the
 * events that explain a rollback survive it.
 *
 * An attachment stream (messages.h) must be finished or aborted before
 * commit: committing with one open fails with CCM_EINVAL. A rollback
 * abandons it (its later writes fail; abort it to free it).
 */
int ccm_store_begin(struct ccm_store *s, struct ccm_error *err);
int ccm_store_commit(struct ccm_store *s, struct ccm_error *err);
int ccm_store_rollback(struct ccm_store *s, struct ccm_error *err);
/* The nesting depth: 0 when no transaction is open. */
int ccm_store_depth(const struct ccm_store *s);

/*
 * The store's settings (table meta): "created_by", "created_utc", and
 * "time_zone", the IANA zone of the post office the store was imported
 * from (export writes dates in it). ccm_store_meta_get sets out to the
 * value and returns 1, or returns 0 when the key is not there.
 * ccm_store_meta_set writes or replaces it.
 */
int ccm_store_meta_get(struct ccm_buf *out, struct ccm_store *s, const char *key,
		       struct ccm_error *err);
int ccm_store_meta_set(struct ccm_store *s, const char *key, const char *value,
		       struct ccm_error *err);
/* Removes setting `key` (nothing when it is not there). */
int ccm_store_meta_delete(struct ccm_store *s, const char *key, struct ccm_error *err);

/*
 * Runs PRAGMA integrity_check and foreign_key_check. Returns 0 when both
 * find nothing, 1 when they do (each problem one line appended to
 * `problems`, which may be NULL), or a negative code.
 */
int ccm_store_check(struct ccm_store *s, struct ccm_buf *problems,
		    struct ccm_error *err);

/*
 * Cursors. A query of the store (recipients.h, folders.h, messages.h,
 * ledger.h, stats.h) is a cursor: a query in progress with its own
 * statement, so cursors can be nested and used while other store calls
 * run. Rows are borrowed: the strings of a row stay valid until the next
 * call of next on that cursor or its free. Each next function returns 1
 * with a row, 0 at the end, or a negative code. Free every cursor with
 * ccm_store_cursor_free() (NULL is ignored). A cursor still open when its
 * store closes is detached: its next returns CCM_EINVAL, and freeing it
 * later is safe. Freed cursors' statements are kept for the next cursor of
 * the same query.
 */
struct ccm_store_cursor;
void ccm_store_cursor_free(struct ccm_store_cursor *c);

/*
 * Attachment content is kept in parts of at most this many bytes (SQLite
 * refuses single values of 1 GB or more). Default 64 MiB; tests set it
 * small to exercise part boundaries. Takes effect for streams begun later.
 */
#define CCM_STORE_PART_SIZE (64u << 20)
void ccm_store_set_part_size(struct ccm_store *s, size_t bytes);

/*
 * A body is one TEXT value of its message's row, held whole, and SQLite
 * keeps no value (no row) of SQLITE_LIMIT_LENGTH bytes or more:
 * 1,000,000,000 unless SQLite was built otherwise. The longest body the
 * store keeps is that limit less CCM_STORE_ROW_ROOM for the rest of the
 * row (subject, sender, dates), or less, as a test set it with
 * ccm_store_set_body_max() (0: back to the limit). ccm_store_message_add
 * and ccm_store_message_set_body refuse a longer body with CCM_ELIMIT,
 * so that readers can tell it apart from a store that failed.
 */
#define CCM_STORE_ROW_ROOM (4u << 20)
size_t ccm_store_body_max(struct ccm_store *s);
void ccm_store_set_body_max(struct ccm_store *s, size_t bytes);

/*
 * The SQLite connection, for read-only queries of verify, stat and Lua.
 * Do not change the schema or write through it behind the store's back:
 * the store caches prepared statements and folder look-ups.
 */
struct sqlite3 *ccm_store_db(struct ccm_store *s);

#endif
