/* store.c: opening and closing a store, transactions, statements, errors. */
#include "store/store_int.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

long long ccm_store_now(void)
{
	return (long long)time(NULL);
}

/* What to do about a failure, by SQLite's primary result code. */
static int map_rc(int rc, const char **advice)
{
	switch (rc & 0xFF) {
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
			*advice = "it refers to an object that is not in the store";
			return CCM_ENOTFOUND;
		}
		if (rc == SQLITE_CONSTRAINT_CHECK || rc == SQLITE_CONSTRAINT_NOTNULL) {
			*advice = "a value is outside what the store allows";
			return CCM_EINVAL;
		}
		*advice = "the store holds that already";
		return CCM_EEXISTS;
	case SQLITE_NOMEM:
		*advice = "free some memory and run again";
		return CCM_ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		*advice = "another program is using the store; let it finish and run again";
		return CCM_EIO;
	case SQLITE_FULL:
		*advice = "the disk is full; free space and run again";
		return CCM_EIO;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		*advice = "the store is damaged; check it with "
			  "'sqlite3 FILE \"PRAGMA integrity_check\"' and restore a backup";
		return CCM_EMALFORMED;
	case SQLITE_TOOBIG:
		*advice = "a value is larger than SQLite stores";
		return CCM_ELIMIT;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
		*advice = "check that the store and its folder can be written";
		return CCM_EIO;
	default:
		*advice = "report this as a bug with the store file if it repeats";
		return CCM_EIO;
	}
}

int ccm_st_fail(struct ccm_store *s, int rc, struct ccm_error *err,
		const char *what, ...)
{
	const char *advice;
	int code = map_rc(rc, &advice);
	char head[512];
	va_list ap;

	va_start(ap, what);
	vsnprintf(head, sizeof(head), what, ap);
	va_end(ap);
	return ccm_error_set(err, code, "%s failed: %s, in store '%s'; %s", head,
			     s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc),
			     s && s->path ? s->path : "?", advice);
}

sqlite3_stmt *ccm_st(struct ccm_store *s, int id, const char *sql,
		     struct ccm_error *err)
{
	sqlite3_stmt *st = s->stmts[id];
	int rc;

	if (st) {
		/* One id, one call site: a second SQL text for it is a bug. */
		assert(s->sql[id] == sql || !strcmp(s->sql[id], sql));
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		ccm_st_fail(s, rc, err, "preparing '%.60s...'", sql);
		return NULL;
	}
	s->stmts[id] = st;
	s->sql[id] = sql;
	return st;
}

int ccm_st_one_id(struct ccm_store *s, sqlite3_stmt *st, long long *id,
		  struct ccm_error *err, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "%s", what);
	return 0;
}

int ccm_st_run(struct ccm_store *s, sqlite3_stmt *st, struct ccm_error *err,
	       const char *what)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		sqlite3_reset(st);
		return 0;
	}
	rc = ccm_st_fail(s, rc, err, "%s", what);
	sqlite3_reset(st);
	return rc;
}

void ccm_bind_text(sqlite3_stmt *st, int i, const char *text)
{
	if (text)
		sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

void ccm_bind_id(sqlite3_stmt *st, int i, long long id)
{
	if (id > 0)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

const char *ccm_col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int ccm_cursor_new(struct ccm_store_cursor **out, struct ccm_store *s, int kind,
		   const char *sql, struct ccm_error *err)
{
	struct ccm_store_cursor *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	if (!c)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory opening a query");
	for (int i = s->n_idle - 1; i >= 0; i--)
		if (!strcmp(sqlite3_sql(s->idle[i]), sql)) {
			c->st = s->idle[i];
			s->idle[i] = s->idle[--s->n_idle];
			break;
		}
	if (!c->st && (rc = sqlite3_prepare_v2(s->db, sql, -1, &c->st, NULL)) != SQLITE_OK) {
		free(c);
		return ccm_st_fail(s, rc, err, "preparing a query");
	}
	c->s = s;
	c->kind = kind;
	c->next = s->cursors;
	if (s->cursors)
		s->cursors->prev = c;
	s->cursors = c;
	*out = c;
	return 0;
}

int ccm_cursor_step(struct ccm_store_cursor *c, struct ccm_error *err)
{
	int rc;

	if (!c->s)
		return ccm_error_set(err, CCM_EINVAL, "the store this query read is "
				     "closed");
	rc = sqlite3_step(c->st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return ccm_st_fail(c->s, rc, err, "reading the store");
}

void ccm_store_cursor_free(struct ccm_store_cursor *c)
{
	struct ccm_store *s;

	if (!c)
		return;
	if ((s = c->s) != NULL) {
		if (c->prev)
			c->prev->next = c->next;
		else
			s->cursors = c->next;
		if (c->next)
			c->next->prev = c->prev;
		if (c->st && s->n_idle < (int)(sizeof(s->idle) / sizeof(s->idle[0]))) {
			sqlite3_reset(c->st);
			sqlite3_clear_bindings(c->st);
			s->idle[s->n_idle++] = c->st;
			c->st = NULL;
		}
	}
	sqlite3_finalize(c->st);
	free(c);
}

/* Runs one pragma or statement of fixed text (no data in it). */
static int exec(struct ccm_store *s, const char *sql, struct ccm_error *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);

	sqlite3_free(msg);
	if (rc != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "'%s'", sql);
	return 0;
}

/* An integer from a one-row query of fixed text. */
static int query_int(struct ccm_store *s, const char *sql, long long *v)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*v = sqlite3_column_int64(st, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		return rc;
	return SQLITE_OK;
}

/*
 * Tells a ccmig store (or an empty file, version 0) from anything else,
 * and sets s->version. Nothing is written to a file that is refused.
 */
static int identify(struct ccm_store *s, struct ccm_error *err)
{
	long long app = 0, version = 0, tables = 0;
	int rc = query_int(s, "PRAGMA application_id", &app);

	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		return ccm_error_set(err, CCM_EMALFORMED,
				     "'%s' is not a ccmig store: it is not an SQLite "
				     "database; give the path of a store that ccmig "
				     "wrote, or a new file name", s->path);
	if (rc != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "reading the header of '%s'", s->path);
	if ((rc = query_int(s, "PRAGMA user_version", &version)) != SQLITE_OK ||
	    (rc = query_int(s, "SELECT count(*) FROM sqlite_master", &tables)) !=
	    SQLITE_OK)
		return ccm_st_fail(s, rc, err, "reading the schema of '%s'", s->path);
	if (app != CCM_STORE_APP_ID) {
		if (app == 0 && version == 0 && tables == 0) {
			s->version = 0;
			return 0;
		}
		return ccm_error_set(err, CCM_EMALFORMED,
				     "'%s' is not a ccmig store: it is an SQLite database "
				     "of another program (application id %lld, %lld "
				     "schema objects); ccmig leaves it alone: give a new "
				     "file name", s->path, app, tables);
	}
	if (version > CCM_STORE_SCHEMA_VERSION)
		return ccm_error_set(err, CCM_EUNSUPPORTED,
				     "store '%s' has schema version %lld, newer than "
				     "this ccmig knows (%d): use the ccmig that wrote "
				     "it, or a newer one", s->path, version,
				     CCM_STORE_SCHEMA_VERSION);
	s->version = (int)version;
	return 0;
}

int ccm_store_open(struct ccm_store **out, const char *path, int flags,
		   struct ccm_error *err)
{
	struct ccm_store *s;
	struct stat sb;
	int rc, oflags;

	*out = NULL;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || !(flags & CCM_STORE_CREATE) ||
		    (flags & CCM_STORE_READONLY))
			return errno == ENOENT
			       ? ccm_error_set(err, CCM_ENOTFOUND,
					       "no store '%s': run 'ccmig dirsync' or "
					       "'ccmig import' to make one", path)
			       : ccm_error_sys(err, errno, "cannot open store '%s'", path);
	} else if (S_ISDIR(sb.st_mode)) {
		return ccm_error_set(err, CCM_EINVAL,
				     "'%s' is a folder; give the store's file name", path);
	}
	if (!(s = calloc(1, sizeof(*s))) || !(s->path = ccm_strdup(path))) {
		free(s);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory opening '%s'", path);
	}
	ccm_buf_init(&s->fc_path);
	ccm_buf_init(&s->key);
	ccm_buf_init(&s->key2);
	ccm_buf_init(&s->ledger_kind);
	ccm_buf_init(&s->src_reason);
	ccm_buf_init(&s->src_file);
	ccm_buf_init(&s->src_po);
	ccm_buf_init(&s->src_owner);
	ccm_buf_init(&s->src_owner_raw);
	ccm_buf_init(&s->uid);
	s->part_size = CCM_STORE_PART_SIZE;
	s->fc_owner = -1;
	s->lock_fd = -1;
	s->readonly = !!(flags & CCM_STORE_READONLY);
	/*
	 * A reader (stat, verify, export) opens the file for writing when the
	 * user may write it, and writes nothing: query_only below refuses
	 * every change. In WAL mode the last connection to close folds the
	 * WAL into the file and removes the -wal and -shm files; a connection
	 * opened read-only cannot, and so left both behind after every stat.
	 * With a writer at work (it holds the store's lock, not needed to
	 * read) the writer is not done and its connection stays: SQLite's
	 * own locks on the -shm file say who is last, and only the last one
	 * folds and removes. The one write a reader may do is that fold, of
	 * commits already made (after a writer was killed, say), as the next
	 * writer's open would. A store the user may not write is opened
	 * read-only, and SQLite may leave the -wal and -shm files of its
	 * reading (docs/store.md).
	 */
	if (s->readonly)
		oflags = access(path, W_OK) == 0 ? SQLITE_OPEN_READWRITE
						 : SQLITE_OPEN_READONLY;
	else
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = ccm_st_fail(s, rc, err, "opening store '%s'", path);
		ccm_store_close(s);
		return rc;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	if ((rc = identify(s, err)) < 0)
		goto fail;
	/* A store, or what becomes one: one writer at a time from here on
	 * (a file refused above gets no lock file beside it). */
	if (!s->readonly && (rc = ccm_store_lock_take(s, err)) < 0)
		goto fail;
	if (s->readonly) {
		if (s->version < CCM_STORE_SCHEMA_VERSION) {
			rc = ccm_error_set(err, CCM_EUNSUPPORTED,
					   s->version == 0
					   ? "'%s' is empty: no ccmig store has been "
					     "written there yet"
					   : "store '%s' has an older schema; open it "
					     "once with a command that writes (dirsync, "
					     "import) to upgrade it", path);
			goto fail;
		}
		rc = exec(s, "PRAGMA query_only = ON", err);
	} else {
		/* WAL: readers (stat, verify) never block the importer, and
		 * commits need no fsync with synchronous NORMAL. */
		if ((rc = exec(s, "PRAGMA journal_mode = WAL", err)) < 0 ||
		    (rc = exec(s, "PRAGMA synchronous = NORMAL", err)) < 0)
			goto fail;
		if (s->version < CCM_STORE_SCHEMA_VERSION &&
		    (rc = ccm_store_upgrade(s, s->version, err)) < 0)
			goto fail;
		s->version = CCM_STORE_SCHEMA_VERSION;
	}
	if (rc == 0)
		rc = exec(s, "PRAGMA foreign_keys = ON", err);
	/* A few MiB of page cache: enough for bulk inserts, and attachment
	 * streams spill to the file instead of growing memory. */
	if (rc == 0)
		rc = exec(s, "PRAGMA cache_size = -8192", err);
	/* A large attachment grows the WAL file by its size; give the space
	 * back once it is checkpointed. */
	if (rc == 0 && !s->readonly)
		rc = exec(s, "PRAGMA journal_size_limit = 67108864", err);
	/* A checkpoint syncs the disk twice. At SQLite's default (every 1000
	 * pages, 4 MiB) an import of a 1 GB post office made some 250 of them
	 * and spent more time waiting for the disk than working; every 64 MiB
	 * the WAL stays as small as journal_size_limit keeps it anyway. */
	if (rc == 0 && !s->readonly)
		rc = exec(s, "PRAGMA wal_autocheckpoint = 16384", err);
	if (rc < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	ccm_store_close(s);
	return rc;
}

void ccm_store_close(struct ccm_store *s)
{
	if (!s)
		return;
	if (s->depth > 0) {
		s->depth = 1;
		ccm_store_rollback(s, NULL);
	}
	if (s->attach)
		ccm_store_attach_orphan(s);
	if (s->pending.len)
		ccm_store_flush_events(s, NULL);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	for (int i = 0; i < s->n_idle; i++)
		sqlite3_finalize(s->idle[i]);
	/* Cursors still open (a script's, say) outlive the store: their
	 * statements go now, and freeing them later touches nothing of it. */
	for (struct ccm_store_cursor *c = s->cursors; c; c = c->next) {
		sqlite3_finalize(c->st);
		c->st = NULL;
		c->s = NULL;
	}
	if (s->db && sqlite3_close(s->db) != SQLITE_OK)
		sqlite3_close_v2(s->db);   /* a cursor left open: close when it goes */
	ccm_store_lock_drop(s);
	ccm_diaglist_release(&s->pending);
	ccm_buf_release(&s->fc_path);
	ccm_buf_release(&s->key);
	ccm_buf_release(&s->key2);
	ccm_buf_release(&s->ledger_kind);
	ccm_buf_release(&s->src_reason);
	ccm_buf_release(&s->src_file);
	ccm_buf_release(&s->src_po);
	ccm_buf_release(&s->src_owner);
	ccm_buf_release(&s->src_owner_raw);
	ccm_buf_release(&s->uid);
	free(s->path);
	free(s);
}

int ccm_store_schema_version(const struct ccm_store *s)
{
	return s->version;
}

const char *ccm_store_path(const struct ccm_store *s)
{
	return s->path;
}

struct sqlite3 *ccm_store_db(struct ccm_store *s)
{
	return s->db;
}

void ccm_store_set_part_size(struct ccm_store *s, size_t bytes)
{
	s->part_size = bytes ? bytes : CCM_STORE_PART_SIZE;
}

size_t ccm_store_body_max(struct ccm_store *s)
{
	int limit = sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, -1);
	size_t max = limit > (int)CCM_STORE_ROW_ROOM ?
		     (size_t)limit - CCM_STORE_ROW_ROOM : 0;

	return s->body_max && s->body_max < max ? s->body_max : max;
}

void ccm_store_set_body_max(struct ccm_store *s, size_t bytes)
{
	s->body_max = bytes;
}

int ccm_store_depth(const struct ccm_store *s)
{
	return s->depth;
}

int ccm_store_begin(struct ccm_store *s, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (s->depth == 0)
		st = ccm_st(s, ST_BEGIN, "BEGIN IMMEDIATE", err);
	else
		st = ccm_st(s, ST_SAVEPOINT, "SAVEPOINT ccm", err);
	if (!st)
		return err ? err->code : CCM_EIO;
	if ((rc = ccm_st_run(s, st, err, "starting a transaction")) < 0)
		return rc;
	s->depth++;
	return 0;
}

int ccm_store_commit(struct ccm_store *s, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	assert(s->depth > 0);
	if (s->depth > 1) {
		if (!(st = ccm_st(s, ST_RELEASE, "RELEASE ccm", err)))
			return err ? err->code : CCM_EIO;
		if ((rc = ccm_st_run(s, st, err, "committing a savepoint")) < 0)
			return rc;
		s->depth--;
		return 0;
	}
	if (s->attach)
		return ccm_error_set(err, CCM_EINVAL,
				     "commit with an attachment stream open: finish "
				     "or abort it first");
	/* The events go in with the work they describe. */
	if ((rc = ccm_store_flush_events(s, err)) < 0)
		return rc;
	if (!(st = ccm_st(s, ST_COMMIT, "COMMIT", err)))
		return err ? err->code : CCM_EIO;
	if ((rc = ccm_st_run(s, st, err, "committing")) < 0) {
		/* Still open (or rolled back by SQLite): undo it, which writes
		 * the events on their own, and report the commit's failure. */
		struct ccm_error ignored;
		ccm_store_rollback(s, &ignored);
		return rc;
	}
	s->depth = 0;
	ccm_diaglist_release(&s->pending);
	return 0;
}

int ccm_store_rollback(struct ccm_store *s, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	assert(s->depth > 0);
	ccm_store_folder_cache_clear(s);
	if (s->attach)
		ccm_store_attach_orphan(s);
	if (s->depth > 1) {
		if (!(st = ccm_st(s, ST_ROLLBACK_TO, "ROLLBACK TO ccm", err)))
			return err ? err->code : CCM_EIO;
		rc = ccm_st_run(s, st, err, "rolling back a savepoint");
		if (rc == 0 && (st = ccm_st(s, ST_RELEASE, "RELEASE ccm", err)))
			rc = ccm_st_run(s, st, err, "rolling back a savepoint");
		s->depth--;
		return rc;
	}
	s->depth = 0;
	if (sqlite3_get_autocommit(s->db) == 0) {
		if (!(st = ccm_st(s, ST_ROLLBACK, "ROLLBACK", err)))
			return err ? err->code : CCM_EIO;
		rc = ccm_st_run(s, st, err, "rolling back");
	}
	/* The events of a rolled back transaction say why: keep them. */
	if (s->pending.len) {
		int rc2 = ccm_store_flush_events(s, rc < 0 ? NULL : err);
		ccm_diaglist_release(&s->pending);
		if (rc == 0)
			rc = rc2;
	}
	return rc;
}

int ccm_store_meta_get(struct ccm_buf *out, struct ccm_store *s, const char *key,
		       struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_META_GET, "SELECT value FROM meta WHERE key = ?1", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	ccm_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ccm_buf_set(out, sqlite3_column_text(st, 0),
			    (size_t)sqlite3_column_bytes(st, 0));
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = ccm_st_fail(s, rc, err, "reading setting '%s'", key);
	}
	sqlite3_reset(st);
	return rc;
}

int ccm_store_meta_set(struct ccm_store *s, const char *key, const char *value,
		       struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_META_SET, "INSERT OR REPLACE INTO meta (key, value) "
				  "VALUES (?1, ?2)", err);

	if (!st)
		return err ? err->code : CCM_EIO;
	ccm_bind_text(st, 1, key);
	ccm_bind_text(st, 2, value);
	return ccm_st_run(s, st, err, "writing a setting");
}

int ccm_store_meta_delete(struct ccm_store *s, const char *key, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, "DELETE FROM meta WHERE key = ?1", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "removing setting '%s'", key);
	ccm_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : ccm_st_fail(s, rc, err, "removing setting '%s'", key);
}

int ccm_store_check(struct ccm_store *s, struct ccm_buf *problems,
		    struct ccm_error *err)
{
	static const char *const checks[] = {
		"PRAGMA integrity_check", "PRAGMA foreign_key_check"
	};
	int found = 0;

	for (size_t i = 0; i < 2; i++) {
		sqlite3_stmt *st;
		int rc = sqlite3_prepare_v2(s->db, checks[i], -1, &st, NULL);

		if (rc != SQLITE_OK)
			return ccm_st_fail(s, rc, err, "'%s'", checks[i]);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *t = ccm_col_text(st, 0);
			if (i == 0 && t && !strcmp(t, "ok"))
				continue;
			found = 1;
			if (!problems)
				continue;
			if (i == 0)
				ccm_buf_addf(problems, "%s\n", t ? t : "?");
			else
				ccm_buf_addf(problems,
					     "table %s row %lld refers to a missing "
					     "row of %s\n", ccm_col_text(st, 0),
					     (long long)sqlite3_column_int64(st, 1),
					     ccm_col_text(st, 2));
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return ccm_st_fail(s, rc, err, "'%s'", checks[i]);
	}
	return found;
}
