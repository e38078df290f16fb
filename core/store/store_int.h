/* store_int.h: what the store's files share: the handle, statements, helpers. */
#ifndef CCM_STORE_INT_H
#define CCM_STORE_INT_H

#include <sqlite3.h>
#include "base/buf.h"
#include "base/report.h"
#include "store/store.h"

/*
 * Every statement the store runs more than once, prepared on first use
 * and kept for the life of the handle. Each id belongs to one call site,
 * which passes its SQL along (ccm_st); the SQL sits next to the code.
 */
enum {
	ST_BEGIN, ST_COMMIT, ST_ROLLBACK, ST_SAVEPOINT, ST_RELEASE, ST_ROLLBACK_TO,
	ST_RECIP_INSERT, ST_RECIP_UPDATE, ST_RECIP_GET, ST_RECIP_KIND,
	ST_RECIP_CONVERT, ST_RECIP_DEMOTE, ST_ALIAS_HOLDER,
	ST_ADDR_FIND, ST_ADDR_INSERT, ST_ADDR_PRIMARY_CLEAR, ST_ADDR_SET_PRIMARY,
	ST_DL_INSERT, ST_DL_DELETE,
	ST_FOLDER_FIND, ST_FOLDER_INSERT, ST_FOLDER_SET_RECIP,
	ST_MSG_INSERT, ST_RCPT_INSERT, ST_HDR_INSERT,
	ST_ATT_NEXT_SEQ, ST_ATT_INSERT, ST_MSG_EXISTS,
	ST_BLOB_INSERT, ST_BLOB_FIND, ST_BLOB_SET_HASH, ST_BLOB_DELETE,
	ST_BLOB_SIZE, ST_PART_INSERT, ST_PART_INSERT_DATA, ST_PART_DELETE,
	ST_PART_RENUMBER,
	ST_LEDGER_SOURCE_FIND, ST_LEDGER_SOURCE_INSERT, ST_LEDGER_FIND,
	ST_LEDGER_INSERT,
	ST_RUN_INSERT, ST_RUN_FINISH, ST_RUN_COUNT, ST_EVENT_INSERT,
	ST_PAB_INSERT, ST_PAB_MEMBER_INSERT,
	ST_META_GET, ST_META_SET,
	ST_SRC_FIND, ST_SRC_RECORD, ST_SRCBOX_FIND, ST_SRCBOX_RECORD,
	ST_MSG_PLACE, ST_RUN_SOURCE, ST_SRC_PO_OF, ST_SRC_OWNER_HELD,
	ST_MSG_UNCLAIMED, ST_MSG_SET_BODY, ST_MSG_SOURCE_OF, ST_MSG_PARENT,
	ST_MSG_SENDERS_COPY, ST_MSG_ORIGIN,
	ST_COUNT
};

struct ccm_store_attach;

struct ccm_store {
	sqlite3 *db;
	char *path;
	int readonly;
	int lock_fd;                    /* the writer's lock (lock.c), -1 none */
	int version;
	int depth;                      /* transaction nesting */
	long long run_id;               /* current run, 0 none */
	long long run_started_utc;      /* when it started */
	size_t part_size;
	size_t body_max;                /* 0: ccm_store_body_max()'s default */
	sqlite3_stmt *stmts[ST_COUNT];
	const char *sql[ST_COUNT];
	struct ccm_diaglist pending;    /* events waiting for the outer commit */
	struct ccm_store_attach *attach;/* the open attachment stream */
	/* the last folder found: owner (0 public), path as asked, id */
	long long fc_owner, fc_id;
	struct ccm_buf fc_path;
	struct ccm_buf key;             /* scratch for match keys */
	struct ccm_buf key2;
	struct ccm_buf ledger_kind;     /* what ccm_store_ledger_find returned */
	struct ccm_buf src_reason, src_file;  /* what ccm_store_source_find returned */
	struct ccm_buf src_po, src_owner;     /* key columns of sources.c */
	struct ccm_buf src_owner_raw;         /* the owner they were made for */
	struct ccm_buf uid;             /* meta store_uid, once read */
	int src_owner_board;
	/* Open cursors, so that closing the store can detach them; and the
	 * statements of freed cursors, reset, for the next cursor of the same
	 * SQL (an export opens three cursors a message: preparing them was a
	 * fifth of its CPU). */
	struct ccm_store_cursor *cursors;
	sqlite3_stmt *idle[16];
	int n_idle;
};

/*
 * The cached statement `id`, prepared from `sql` on first use, ready to
 * bind (reset, bindings cleared). NULL with err filled on failure.
 */
sqlite3_stmt *ccm_st(struct ccm_store *s, int id, const char *sql,
		     struct ccm_error *err);

/*
 * Turns SQLite result `rc` into a CCM_E* code and fills err with
 * "<what> failed: <SQLite's message>" and what to do. Returns the code.
 */
int ccm_st_fail(struct ccm_store *s, int rc, struct ccm_error *err,
		const char *what, ...) __attribute__((format(printf, 4, 5)));

/* Steps a statement whose first column is an id and resets it: 1 with
 * *id set when it gave a row, 0 when none, or the failure (`what` says
 * what was looked up). */
int ccm_st_one_id(struct ccm_store *s, sqlite3_stmt *st, long long *id,
		  struct ccm_error *err, const char *what);

/* Steps a statement that returns no row; resets it. 0 or the failure. */
int ccm_st_run(struct ccm_store *s, sqlite3_stmt *st, struct ccm_error *err,
	       const char *what);

/* Binds text (NULL binds NULL); the text must live until the step. */
void ccm_bind_text(sqlite3_stmt *st, int i, const char *text);
/* Binds an id; 0 binds NULL (no such object). */
void ccm_bind_id(sqlite3_stmt *st, int i, long long id);
/* A column as text, NULL when NULL. */
const char *ccm_col_text(sqlite3_stmt *st, int i);

/* A cursor: a statement of its own and the typed row reader. */
struct ccm_store_cursor {
	struct ccm_store *s;            /* NULL once the store is closed */
	sqlite3_stmt *st;
	int kind;                       /* which next function it is for */
	struct ccm_store_cursor *prev, *next;   /* the store's open cursors */
};
enum {
	CUR_RECIPIENT = 1, CUR_ADDRESS, CUR_FOLDER, CUR_MESSAGE, CUR_RCPT,
	CUR_HEADER, CUR_ATTACHMENT, CUR_RUN, CUR_COUNT, CUR_EVENT_COUNT,
	CUR_MAILBOX_STATS, CUR_PAB, CUR_PAB_MEMBER, CUR_EVENT
};
/* Prepares `sql` for a new cursor of `kind`; the caller binds. */
int ccm_cursor_new(struct ccm_store_cursor **out, struct ccm_store *s, int kind,
		   const char *sql, struct ccm_error *err);
/* Steps a cursor: 1 row, 0 end, negative failure. */
int ccm_cursor_step(struct ccm_store_cursor *c, struct ccm_error *err);

/*
 * The match key of an address or a name: ends trimmed, runs of white
 * space one space, letters folded as cc:Mail folds names (ASCII, Latin-1,
 * Latin Extended-A), bytes that are not UTF-8 kept. Replaces out.
 */
void ccm_store_fold(struct ccm_buf *out, const char *text);

/* Upper-case copy of an address type into out; CCM_EINVAL if empty. */
int ccm_store_norm_type(struct ccm_buf *out, const char *type);

/* The kind of recipient `id` (0 when there is none); target_type (may be
 * NULL) gets the type of its target ("CCMAIL"), empty when it has none. */
int ccm_store_kind(struct ccm_store *s, long long id, int *kind,
		   struct ccm_buf *target_type, struct ccm_error *err);
/* Makes the well-known folders of mailbox `mailbox` (folders.c). */
int ccm_store_make_special_folders(struct ccm_store *s, long long mailbox,
				   struct ccm_error *err);
/* Forgets the folder cache (after a rollback). */
void ccm_store_folder_cache_clear(struct ccm_store *s);
/* Writes the events waiting in s->pending (ledger.c). */
int ccm_store_flush_events(struct ccm_store *s, struct ccm_error *err);
/* Abandons the open attachment stream after a rollback (blobs.c). */
void ccm_store_attach_orphan(struct ccm_store *s);
/* Creates or upgrades the schema to CCM_STORE_SCHEMA_VERSION (schema.c);
 * `from` is the file's version. */
int ccm_store_upgrade(struct ccm_store *s, int from, struct ccm_error *err);
/* The application id that marks a ccmig store: "CCMG". */
#define CCM_STORE_APP_ID 0x43434D47

/* The clock, UTC seconds. */
long long ccm_store_now(void);

/*
 * The writer's lock (lock.c): taken before a store is opened for writing,
 * held until it is closed. CCM_EEXISTS, saying which pid holds it, when
 * another process writes the store; CCM_EIO when the lock file cannot be
 * made beside it.
 */
int ccm_store_lock_take(struct ccm_store *s, struct ccm_error *err);
void ccm_store_lock_drop(struct ccm_store *s);

#endif
