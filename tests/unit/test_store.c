/* test_store.c: the SQLite store: schema and upgrades, directory, conversion,
 * folders, messages, streamed and deduplicated attachments, ledger, events. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>

#include "base/sha256.h"
#include "store/folders.h"
#include "store/ledger.h"
#include "store/messages.h"
#include "store/po.h"
#include "store/recipients.h"
#include "store/stats.h"
#include "store/store.h"

#define PIECE (64 * 1024)

struct fx {
	char *dir;
	char *path;
	struct ccm_store *s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ccm_error err;

	f->dir = tu_mkdtemp();
	f->path = tu_path(f->dir, "s.db");
	if (ccm_store_open(&f->s, f->path, CCM_STORE_CREATE, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ccm_store_close(f->s);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

/* One integer from SQL run on the store's connection. */
static long long q(struct ccm_store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(ccm_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* One integer from SQL on a file, through a connection of its own. */
static long long qfile(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void exec_file(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static long long make(struct ccm_store *s, int kind, const char *alias,
		      const char *display)
{
	struct ccm_recipient r = { 0 };
	struct ccm_error err;
	long long id = 0;

	r.kind = kind;
	r.alias = alias;
	r.display_name = display;
	if (ccm_store_recipient_create(s, &r, &id, &err) < 0)
		fail_msg("%s", err.msg);
	return id;
}

/* ---- schema ------------------------------------------------------------ */

static void new_file_gets_the_current_schema_wal_and_foreign_keys(void **state)
{
	struct fx *f = *state;

	assert_int_equal(ccm_store_schema_version(f->s), CCM_STORE_SCHEMA_VERSION);
	assert_int_equal(q(f->s, "PRAGMA user_version"), CCM_STORE_SCHEMA_VERSION);
	assert_int_equal(q(f->s, "PRAGMA application_id"), 0x43434D47);
	assert_int_equal(q(f->s, "PRAGMA foreign_keys"), 1);
	assert_int_equal(q(f->s, "SELECT count(*) FROM pragma_journal_mode "
			 "WHERE journal_mode = 'wal'"), 1);
	assert_int_equal(q(f->s, "SELECT count(*) FROM sqlite_master WHERE type = "
			 "'table' AND name IN ('recipients','addresses','dl_members',"
			 "'folders','messages','message_recipients','message_headers',"
			 "'attachments','blobs','blob_parts','ledger','ledger_sources',"
			 "'runs','run_counts','events','meta')"), 16);
}

static void empty_file_is_upgraded_from_version_0(void **state)
{
	char *dir = tu_mkdtemp();
	char *path = tu_writes(dir, "empty.db", "");
	struct ccm_store *s;
	struct ccm_error err;

	(void)state;
	assert_int_equal(ccm_store_open(&s, path, CCM_STORE_CREATE, &err), 0);
	assert_int_equal(ccm_store_schema_version(s), CCM_STORE_SCHEMA_VERSION);
	assert_int_equal(q(s, "SELECT count(*) FROM meta WHERE key = 'created_by'"), 1);
	ccm_store_close(s);
	/* and it stays a store when opened again */
	assert_int_equal(qfile(path, "PRAGMA user_version"), CCM_STORE_SCHEMA_VERSION);
	assert_int_equal(ccm_store_open(&s, path, 0, &err), 0);
	ccm_store_close(s);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

/* A store in memory has no file, and leaves no lock file in the current
 * folder (":memory:.lock" was made there). */
static void store_in_memory_leaves_no_lock_file(void **state)
{
	char *dir = tu_mkdtemp(), *cwd = getcwd(NULL, 0);
	struct ccm_store *s;
	struct ccm_error err;

	(void)state;
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(ccm_store_open(&s, ":memory:", CCM_STORE_CREATE, &err), 0);
	assert_int_equal(ccm_store_schema_version(s), CCM_STORE_SCHEMA_VERSION);
	ccm_store_close(s);
	assert_int_equal(access(":memory:.lock", F_OK), -1);
	assert_int_equal(chdir(cwd), 0);
	tu_rmtree(dir);
	free(cwd);
	free(dir);
}

static void empty_sqlite_database_is_upgraded_but_refused_read_only(void **state)
{
	char *dir = tu_mkdtemp();
	char *path = tu_path(dir, "v0.db");
	struct ccm_store *s;
	struct ccm_error err;

	(void)state;
	/* An SQLite database with nothing in it: schema version 0. */
	exec_file(path, "PRAGMA user_version = 0");
	assert_int_equal(ccm_store_open(&s, path, CCM_STORE_READONLY, &err), CCM_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "empty"));
	assert_int_equal(ccm_store_open(&s, path, 0, &err), 0);
	assert_int_equal(q(s, "PRAGMA user_version"), CCM_STORE_SCHEMA_VERSION);
	ccm_store_close(s);
	assert_int_equal(ccm_store_open(&s, path, CCM_STORE_READONLY, &err), 0);
	ccm_store_close(s);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void newer_schema_version_is_refused_with_what_to_do(void **state)
{
	struct fx *f = *state;
	struct ccm_store *s;
	struct ccm_error err;

	ccm_store_close(f->s);
	f->s = NULL;
	exec_file(f->path, "PRAGMA user_version = 9");
	assert_int_equal(ccm_store_open(&s, f->path, CCM_STORE_CREATE, &err),
			 CCM_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "schema version 9, newer than this ccmig knows (8)"));
	assert_non_null(strstr(err.msg, "newer one"));
	/* nothing was changed */
	assert_int_equal(qfile(f->path, "PRAGMA user_version"), 9);
	exec_file(f->path, "PRAGMA user_version = 8");
	assert_int_equal(ccm_store_open(&f->s, f->path, 0, &err), 0);
}

/* What version 8 added, taken away again: a version 7 store. */
#define V8_UNDONE "DROP INDEX messages_origin; DROP INDEX runs_origin; " \
	"ALTER TABLE messages DROP COLUMN origin; ALTER TABLE runs DROP COLUMN origin; " \
	"ALTER TABLE runs DROP COLUMN merged_from; "
/* What version 4 added, taken away again: a version 3 store. The columns
 * of messages cannot be dropped (one is a foreign key): the table's
 * schema is written back as it was, which SQLite reads at the next open. */
#define V4_UNDONE V8_UNDONE "ALTER TABLE messages DROP COLUMN stored_utc; ALTER TABLE runs DROP COLUMN who; " \
	"DROP INDEX messages_parent; PRAGMA writable_schema = ON; " \
	"UPDATE sqlite_master SET sql = replace(sql, ', parent_id INTEGER " \
	"REFERENCES messages(id) ON DELETE CASCADE, parent_seq INTEGER, part_name " \
	"TEXT', '') WHERE name = 'messages'; PRAGMA writable_schema = OFF; " \
	"DELETE FROM meta WHERE key = 'forwards_to_unfold'; "
/* What version 3 added, taken away again: a version 2 store. */
#define V3_UNDONE V4_UNDONE "DROP TABLE source_messages; DROP TABLE source_mailboxes; " \
	"ALTER TABLE runs DROP COLUMN po_path; ALTER TABLE runs DROP COLUMN policies; "

/* A version 2 store (before source identities) keeps everything it holds
 * and gains the tables of identities and decisions. */
static void version_2_store_gains_source_identities(void **state)
{
	struct fx *f = *state;
	struct ccm_store *s;
	struct ccm_error err;

	make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	ccm_store_close(f->s);
	f->s = NULL;
	exec_file(f->path, V3_UNDONE "PRAGMA user_version = 2");
	assert_int_equal(ccm_store_open(&s, f->path, 0, &err), 0);
	assert_int_equal(q(s, "PRAGMA user_version"), CCM_STORE_SCHEMA_VERSION);
	assert_int_equal(q(s, "SELECT count(*) FROM sqlite_master WHERE name IN "
			  "('source_messages', 'source_mailboxes')"), 2);
	assert_int_equal(q(s, "SELECT count(*) FROM pragma_table_info('runs') "
			  "WHERE name IN ('po_path', 'policies')"), 2);
	assert_int_equal(q(s, "SELECT count(*) FROM recipients WHERE alias = 'jsmith'"), 1);
	ccm_store_close(s);
	assert_int_equal(ccm_store_open(&f->s, f->path, 0, &err), 0);
}

static long long message_in(struct ccm_store *s, long long folder);

/* A version 3 store keeps its messages, gains the columns of forwarded
 * messages, and is marked for unfolding only when it holds ".ccm" text. */
static void version_3_store_gains_forwarded_messages(void **state)
{
	struct fx *f = *state;
	long long mb = make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	struct ccm_store_attachment a = { 0 };
	struct ccm_store_attach *st;
	struct ccm_store *s;
	struct ccm_error err;
	long long folder, msg, next;

	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "Inbox", &folder, &err), 0);
	msg = message_in(f->s, folder);
	a.message_id = msg;
	a.name = "Fwd.ccm";
	a.size = 10;
	assert_int_equal(ccm_store_attach_begin(&st, f->s, &a, &err), 0);
	assert_int_equal(ccm_store_attach_write(st, "Message:\r\n", 10, &err), 0);
	assert_int_equal(ccm_store_attach_finish(st, NULL, &err), 0);
	ccm_store_close(f->s);
	f->s = NULL;
	exec_file(f->path, V4_UNDONE "PRAGMA user_version = 3");
	assert_int_equal(qfile(f->path, "SELECT count(*) FROM pragma_table_info('messages') "
			       "WHERE name = 'parent_id'"), 0);
	assert_int_equal(ccm_store_open(&s, f->path, 0, &err), 0);
	assert_int_equal(q(s, "PRAGMA user_version"), CCM_STORE_SCHEMA_VERSION);
	assert_int_equal(q(s, "SELECT count(*) FROM pragma_table_info('messages') WHERE "
			  "name IN ('parent_id', 'parent_seq', 'part_name')"), 3);
	assert_int_equal(q(s, "SELECT count(*) FROM messages WHERE parent_id IS NULL"), 1);
	assert_int_equal(q(s, "SELECT count(*) FROM meta WHERE key = 'forwards_to_unfold'"), 1);
	assert_int_equal(ccm_store_forwards_next(&next, s, 0, &err), 1);
	assert_int_equal(next, msg);
	assert_int_equal(ccm_store_forwards_next(&next, s, msg, &err), 0);
	ccm_store_close(s);
	assert_int_equal(ccm_store_open(&f->s, f->path, 0, &err), 0);
}

/* A version 5 store gains who ran each command; runs from then on say. */
static void version_5_store_gains_who_ran(void **state)
{
	struct fx *f = *state;
	struct ccm_store *s;
	struct ccm_error err;
	long long run;

	ccm_store_close(f->s);
	f->s = NULL;
	exec_file(f->path, V8_UNDONE "ALTER TABLE messages DROP COLUMN stored_utc; "
		  "ALTER TABLE runs DROP COLUMN who; PRAGMA user_version = 5");
	assert_int_equal(ccm_store_open(&s, f->path, 0, &err), 0);
	assert_int_equal(q(s, "PRAGMA user_version"), CCM_STORE_SCHEMA_VERSION);
	assert_int_equal(ccm_store_run_start(s, "test", "ccmig test", &run, &err), 0);
	assert_int_equal(q(s, "SELECT count(*) FROM runs WHERE who LIKE '_%@_%'"), 1);
	ccm_store_close(s);
	assert_int_equal(ccm_store_open(&f->s, f->path, 0, &err), 0);
}

/* The date a message is dated by: sent, else received, else when the
 * run that stored it began, which a version 6 store's undated messages
 * gain from the first run that names them. */
static void undated_messages_are_dated_by_the_run_that_stored_them(void **state)
{
	struct fx *f = *state;
	long long mb = make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	struct ccm_store_cursor *c = NULL;
	struct ccm_store_message m;
	struct ccm_store *s;
	struct ccm_error err;
	long long folder, run, msg, utc;

	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "Inbox", &folder, &err), 0);
	assert_int_equal(ccm_store_run_start(f->s, "test", NULL, &run, &err), 0);
	msg = message_in(f->s, folder);
	assert_int_equal(ccm_store_run_finish(f->s, 0, NULL, 0, &err), 0);
	assert_int_equal(sqlite3_exec(ccm_store_db(f->s), "UPDATE runs SET started_utc = "
				      "900000000", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(q(f->s, "SELECT count(*) FROM messages WHERE stored_utc IS NOT NULL"), 1);

	/* The row says; sent and received come first. */
	assert_int_equal(ccm_store_message_get(&c, f->s, msg, &err), 0);
	assert_int_equal(ccm_store_next_message(c, &m, &err), 1);
	assert_true(m.stored_utc > 0);
	assert_int_equal(ccm_store_message_date(&utc, &m), CCM_DATE_STORED);
	assert_int_equal(utc, m.stored_utc);
	assert_string_equal(ccm_date_from_name(CCM_DATE_STORED), "migration");
	m.has_received = 1;
	m.received_utc = 123;
	assert_int_equal(ccm_store_message_date(&utc, &m), CCM_DATE_RECEIVED);
	assert_int_equal(utc, 123);
	m.has_sent = 1;
	m.sent_utc = 45;
	assert_int_equal(ccm_store_message_date(&utc, &m), CCM_DATE_SENT);
	assert_int_equal(utc, 45);
	ccm_store_cursor_free(c);

	/* A version 6 store: the first run that names it (source_messages). */
	ccm_store_close(f->s);
	f->s = NULL;
	exec_file(f->path, "INSERT INTO runs (command, program, started_utc) VALUES "
		  "('migrate', 'ccmig', 950000000); "
		  "INSERT INTO source_messages (po, owner, fingerprint, dup, owner_name, "
		  "decision, message_id, run_id) VALUES ('PO', 'u:jsmith', 'f', 0, 'jsmith', "
		  "'migrated', 1, (SELECT max(id) FROM runs)); " V8_UNDONE
		  "ALTER TABLE messages DROP COLUMN stored_utc; PRAGMA user_version = 6");
	assert_int_equal(ccm_store_open(&s, f->path, 0, &err), 0);
	assert_int_equal(q(s, "SELECT stored_utc FROM messages"), 950000000);
	ccm_store_close(s);
	/* No run names it: the store's first run. */
	exec_file(f->path, "DELETE FROM source_messages; " V8_UNDONE "ALTER TABLE messages DROP COLUMN "
		  "stored_utc; PRAGMA user_version = 6");
	assert_int_equal(ccm_store_open(&f->s, f->path, 0, &err), 0);
	assert_int_equal(q(f->s, "SELECT stored_utc FROM messages"), 900000000);
}

/* A version 1 store (before address books) is upgraded in place. */
static void version_1_store_gains_address_book_tables(void **state)
{
	struct fx *f = *state;
	struct ccm_store *s;
	struct ccm_error err;

	ccm_store_close(f->s);
	f->s = NULL;
	exec_file(f->path, V3_UNDONE "DROP TABLE pab_members; DROP TABLE pab_entries; "
		  "PRAGMA user_version = 1");
	assert_int_equal(ccm_store_open(&s, f->path, 0, &err), 0);
	assert_int_equal(q(s, "PRAGMA user_version"), CCM_STORE_SCHEMA_VERSION);
	assert_int_equal(q(s, "SELECT count(*) FROM sqlite_master WHERE name IN "
			  "('pab_entries', 'pab_members')"), 2);
	ccm_store_close(s);
	assert_int_equal(ccm_store_open(&f->s, f->path, 0, &err), 0);
}

static void file_that_is_not_sqlite_is_refused_and_left_alone(void **state)
{
	char *dir = tu_mkdtemp();
	const char *text = "Name: Smith, John\r\nLocation: L\r\n"
			   "this is a directory export, not a database\r\n";
	char *path = tu_writes(dir, "directory.exp", text);
	struct ccm_store *s = NULL;
	struct ccm_error err;
	size_t n;
	char *back;

	(void)state;
	assert_int_equal(ccm_store_open(&s, path, CCM_STORE_CREATE, &err), CCM_EMALFORMED);
	assert_null(s);
	assert_non_null(strstr(err.msg, "is not a ccmig store: it is not an SQLite database"));
	back = tu_slurp(path, &n);
	assert_int_equal(n, strlen(text));
	assert_memory_equal(back, text, n);
	free(back);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void database_of_another_program_is_refused_and_left_alone(void **state)
{
	char *dir = tu_mkdtemp();
	char *path = tu_path(dir, "other.db");
	struct ccm_store *s = NULL;
	struct ccm_error err;

	(void)state;
	exec_file(path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL);"
			"INSERT INTO invoices VALUES (1, 9.5)");
	assert_int_equal(ccm_store_open(&s, path, CCM_STORE_CREATE, &err), CCM_EMALFORMED);
	assert_non_null(strstr(err.msg, "SQLite database of another program"));
	assert_int_equal(qfile(path, "PRAGMA application_id"), 0);
	assert_int_equal(qfile(path, "SELECT count(*) FROM sqlite_master"), 1);
	assert_int_equal(qfile(path, "SELECT count(*) FROM pragma_journal_mode "
			       "WHERE journal_mode = 'wal'"), 0);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void missing_store_is_not_created_without_the_flag(void **state)
{
	char *dir = tu_mkdtemp();
	char *path = tu_path(dir, "none.db");
	struct ccm_store *s = NULL;
	struct ccm_error err;

	(void)state;
	assert_int_equal(ccm_store_open(&s, path, CCM_STORE_READONLY, &err), CCM_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no store"));
	assert_int_equal(ccm_store_open(&s, path, 0, &err), CCM_ENOTFOUND);
	assert_null(fopen(path, "r"));
	assert_int_equal(ccm_store_open(&s, dir, CCM_STORE_CREATE, &err), CCM_EINVAL);
	tu_rmtree(dir);
	free(path);
	free(dir);
}

static void integrity_check_of_a_sound_store_finds_nothing(void **state)
{
	struct fx *f = *state;
	struct ccm_buf out = CCM_BUF_INIT;
	struct ccm_error err;

	make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	assert_int_equal(ccm_store_check(f->s, &out, &err), 0);
	assert_int_equal(out.len, 0);
	/* A dangling reference, made behind the store's back, is found. */
	assert_int_equal(sqlite3_exec(ccm_store_db(f->s),
		"PRAGMA foreign_keys = OFF; INSERT INTO dl_members VALUES (99, 98);"
		"PRAGMA foreign_keys = ON;", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(ccm_store_check(f->s, &out, &err), 1);
	assert_non_null(strstr(out.ptr, "dl_members"));
	ccm_buf_release(&out);
}

static void failing_statement_gives_sqlite_message_and_advice(void **state)
{
	struct fx *f = *state;
	struct ccm_store_message m = { 0 };
	struct ccm_error err;
	long long id;

	m.folder_id = 4242;
	m.subject = "nowhere";
	assert_int_equal(ccm_store_message_add(f->s, &m, &id, &err), CCM_ENOTFOUND);
	assert_non_null(strstr(err.msg, "adding a message failed: FOREIGN KEY constraint failed"));
	assert_non_null(strstr(err.msg, "not in the store"));
}

/* ---- directory ---------------------------------------------------------- */

static void aliases_are_unique_case_insensitively(void **state)
{
	struct fx *f = *state;
	struct ccm_recipient r = { 0 };
	struct ccm_buf a = CCM_BUF_INIT;
	struct ccm_error err;
	long long id;

	make(f->s, CCM_RECIP_CUSTOM, "jsmith", "John Smith");
	r.kind = CCM_RECIP_MAILBOX;
	r.alias = "JSmith";
	r.display_name = "Jane Smith";
	assert_int_equal(ccm_store_recipient_create(f->s, &r, &id, &err), CCM_EEXISTS);
	assert_non_null(strstr(err.msg, "alias 'JSmith' for 'Jane Smith' is taken by 'John Smith'"));
	assert_int_equal(ccm_store_unique_alias(&a, f->s, "JSMITH", &err), 0);
	assert_string_equal(a.ptr, "JSMITH2");
	make(f->s, CCM_RECIP_CUSTOM, "jsmith2", "J Smith");
	assert_int_equal(ccm_store_unique_alias(&a, f->s, "jsmith", &err), 0);
	assert_string_equal(a.ptr, "jsmith3");
	assert_int_equal(ccm_store_unique_alias(&a, f->s, "jdoe", &err), 0);
	assert_string_equal(a.ptr, "jdoe");
	r.alias = "";
	assert_int_equal(ccm_store_recipient_create(f->s, &r, &id, &err), CCM_EINVAL);
	ccm_buf_release(&a);
}

static void addresses_are_unique_across_the_directory_case_insensitively(void **state)
{
	struct fx *f = *state;
	long long a = make(f->s, CCM_RECIP_CUSTOM, "jsmith", "John Smith");
	long long b = make(f->s, CCM_RECIP_CUSTOM, "jmuller", "Jürgen Müller");
	struct ccm_error err;
	long long id = 0;
	int kind = 0;

	assert_int_equal(ccm_store_address_add(f->s, a, "CCMAIL", "Smith, John at SALESPO", 1, &err), 0);
	/* Q237588: "Smith, John" and "SMITH, JOHN" are one cc:Mail name */
	assert_int_equal(ccm_store_address_add(f->s, b, "ccmail", "SMITH, JOHN AT salespo", 0, &err),
			 CCM_EEXISTS);
	assert_non_null(strstr(err.msg, "recipient 'jsmith'"));
	assert_non_null(strstr(err.msg, "event 238"));
	/* runs of spaces are one space */
	assert_int_equal(ccm_store_address_add(f->s, b, "CCMAIL", "  Smith,  John   at SALESPO ", 0, &err),
			 CCM_EEXISTS);
	/* the holder adding it again: nothing new */
	assert_int_equal(ccm_store_address_add(f->s, a, "CCMAIL", "smith, john at SALESPO", 0, &err), 1);
	/* Latin-1 letters fold as cc:Mail folds them */
	assert_int_equal(ccm_store_address_add(f->s, b, "CCMAIL", "Müller, Jürgen at SALESPO", 1, &err), 0);
	assert_int_equal(ccm_store_address_add(f->s, a, "CCMAIL", "MÜLLER, JÜRGEN at SALESPO", 0, &err),
			 CCM_EEXISTS);
	/* another type is another address */
	assert_int_equal(ccm_store_address_add(f->s, b, "X400", "Smith, John at SALESPO", 0, &err), 0);
	assert_int_equal(ccm_store_find_address(f->s, "CCMAIL", "SMITH, john at salespo", &id, &kind, &err), 1);
	assert_int_equal(id, a);
	assert_int_equal(kind, CCM_RECIP_CUSTOM);
	assert_int_equal(ccm_store_find_address(f->s, "CCMAIL", "Smith, Jo at SALESPO", &id, &kind, &err), 0);
	assert_int_equal(ccm_store_address_add(f->s, a, "", "x", 0, &err), CCM_EINVAL);
	assert_int_equal(q(f->s, "SELECT count(*) FROM addresses"), 3);
}

static void one_primary_address_per_type(void **state)
{
	struct fx *f = *state;
	long long a = make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	struct ccm_error err;

	assert_int_equal(ccm_store_address_add(f->s, a, "SMTP", "john@old.example", 1, &err), 0);
	assert_int_equal(ccm_store_address_add(f->s, a, "SMTP", "john@new.example", 1, &err), 0);
	assert_int_equal(ccm_store_address_add(f->s, a, "CCMAIL", "Smith, John at EXSITE", 1, &err), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM addresses WHERE is_primary"), 2);
	assert_int_equal(q(f->s, "SELECT is_primary FROM addresses WHERE address = 'john@new.example'"), 1);
	/* making the old one primary again demotes the new one */
	assert_int_equal(ccm_store_address_add(f->s, a, "SMTP", "JOHN@OLD.EXAMPLE", 1, &err), 1);
	assert_int_equal(q(f->s, "SELECT is_primary FROM addresses WHERE address = 'john@new.example'"), 0);
	assert_int_equal(q(f->s, "SELECT is_primary FROM addresses WHERE address = 'john@old.example'"), 1);
}

static void source_address_finds_migrate_proxy_first_then_its_type(void **state)
{
	struct fx *f = *state;
	long long cr = make(f->s, CCM_RECIP_CUSTOM, "jsmith", "John Smith");
	long long mb = make(f->s, CCM_RECIP_MAILBOX, "jdoe", "Jane Doe");
	long long id = 0;
	int kind = 0;
	struct ccm_error err;

	assert_int_equal(ccm_store_address_add(f->s, cr, "CCMAIL", "Smith, John at SALESPO", 1, &err), 0);
	assert_int_equal(ccm_store_address_add(f->s, mb, "MIGRATE", "CCMAIL:Doe, Jane at SALESPO", 0, &err), 0);
	/* a Directory.pri mailbox also holding the CR's CCMAIL text as MIGRATE wins (spec 4.8 a) */
	assert_int_equal(ccm_store_find_source(f->s, "CCMAIL:Doe, Jane at SALESPO", &id, &kind, &err), 1);
	assert_int_equal(id, mb);
	assert_int_equal(kind, CCM_RECIP_MAILBOX);
	assert_int_equal(ccm_store_find_source(f->s, "MIGRATE:CCMAIL:doe, jane at salespo", &id, &kind, &err), 1);
	assert_int_equal(id, mb);
	assert_int_equal(ccm_store_find_source(f->s, "CCMAIL:Smith, John at SALESPO", &id, &kind, &err), 1);
	assert_int_equal(id, cr);
	assert_int_equal(kind, CCM_RECIP_CUSTOM);
	assert_int_equal(ccm_store_find_source(f->s, "CCMAIL:Ghost, Gary at SALESPO", &id, &kind, &err), 0);
	assert_int_equal(ccm_store_find_source(f->s, "Smith, John at SALESPO", &id, &kind, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "TYPE:"));
}

static void custom_recipient_becomes_a_mailbox_in_place(void **state)
{
	struct fx *f = *state;
	struct ccm_recipient r = { 0 }, got;
	struct ccm_store_cursor *c;
	struct ccm_address a;
	struct ccm_folder fo;
	struct ccm_error err;
	long long id, dl1, dl2, run;
	int n, primary_ccmail = 0, secondary_ccmail = 0, smtp = 0;

	assert_int_equal(ccm_store_run_start(f->s, "import", "t.pkl", &run, &err), 0);
	r.kind = CCM_RECIP_CUSTOM;
	r.alias = "jsmith";
	r.display_name = "John Smith";
	r.first_name = "John";
	r.last_name = "Smith";
	r.target = "CCMAIL:Smith, John at SALESPO";
	r.comments = "jsmith;43/3019;(425) 936-1111";
	r.office = "43/3019";
	r.phone = "(425) 936-1111";
	r.ccmail_name = "Smith, John";
	r.ccmail_location = 'L';
	r.ccmail_po = "SALESPO";
	r.dirsync_po = "SALESPO";
	assert_int_equal(ccm_store_recipient_create(f->s, &r, &id, &err), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM folders"), 0);
	assert_int_equal(ccm_store_address_add(f->s, id, "CCMAIL", "Smith, John at SALESPO", 1, &err), 0);
	assert_int_equal(ccm_store_address_add(f->s, id, "SMTP", "jsmith@sales.example", 1, &err), 0);
	dl1 = make(f->s, CCM_RECIP_DL, "salesteam", "Sales Team");
	dl2 = make(f->s, CCM_RECIP_DL, "allstaff", "All Staff");
	assert_int_equal(ccm_store_dl_add(f->s, dl1, id, &err), 0);
	assert_int_equal(ccm_store_dl_add(f->s, dl2, id, &err), 0);

	assert_int_equal(ccm_store_convert_to_mailbox(f->s, id, &err), 0);

	assert_int_equal(ccm_store_recipient_get(&got, f->s, id, &err), 1);
	assert_int_equal(got.id, id);
	assert_int_equal(got.kind, CCM_RECIP_MAILBOX);
	assert_null(got.target);
	assert_string_equal(got.alias, "jsmith");
	assert_string_equal(got.display_name, "John Smith");
	assert_string_equal(got.office, "43/3019");
	assert_string_equal(got.phone, "(425) 936-1111");
	assert_string_equal(got.comments, "jsmith;43/3019;(425) 936-1111");
	assert_string_equal(got.ccmail_name, "Smith, John");
	assert_int_equal(got.ccmail_location, 'L');
	assert_int_equal(got.converted_run, run);
	ccm_recipient_release(&got);

	/* every address kept; the old cc:Mail address now secondary */
	assert_int_equal(ccm_store_addresses(&c, f->s, id, &err), 0);
	while ((n = ccm_store_next_address(c, &a, &err)) == 1) {
		if (!strcmp(a.type, "CCMAIL") && a.primary)
			primary_ccmail++;
		else if (!strcmp(a.type, "CCMAIL"))
			secondary_ccmail++;
		if (!strcmp(a.type, "SMTP") && a.primary)
			smtp++;
	}
	ccm_store_cursor_free(c);
	assert_int_equal(n, 0);
	assert_int_equal(primary_ccmail, 0);
	assert_int_equal(secondary_ccmail, 1);
	assert_int_equal(smtp, 1);
	/* still found by its old address (A36), now as a mailbox */
	{
		long long fid = 0;
		int kind = 0;
		assert_int_equal(ccm_store_find_source(f->s, "CCMAIL:Smith, John at SALESPO",
						       &fid, &kind, &err), 1);
		assert_int_equal(fid, id);
		assert_int_equal(kind, CCM_RECIP_MAILBOX);
	}
	/* a new primary cc:Mail address can be given (A23) */
	assert_int_equal(ccm_store_address_add(f->s, id, "CCMAIL", "Smith, John at EXSITE", 1, &err), 0);

	/* both list memberships kept */
	assert_int_equal(ccm_store_lists_of(&c, f->s, id, &err), 0);
	n = 0;
	while (ccm_store_next_recipient(c, &got, &err) == 1) {
		assert_true(got.id == dl1 || got.id == dl2);
		n++;
	}
	ccm_store_cursor_free(c);
	assert_int_equal(n, 2);

	/* the mailbox can be opened: well-known folders (A15, A27) */
	assert_int_equal(ccm_store_folders(&c, f->s, id, &err), 0);
	n = 0;
	while (ccm_store_next_folder(c, &fo, &err) == 1)
		n += fo.special != CCM_FOLDER_NORMAL;
	ccm_store_cursor_free(c);
	assert_int_equal(n, 4);

	/* only custom recipients convert */
	assert_int_equal(ccm_store_convert_to_mailbox(f->s, id, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "is a mailbox, not a custom recipient"));
	assert_int_equal(ccm_store_convert_to_mailbox(f->s, dl1, &err), CCM_EINVAL);
	assert_int_equal(ccm_store_convert_to_mailbox(f->s, 999, &err), CCM_ENOTFOUND);
	assert_int_equal(ccm_store_run_finish(f->s, 0, NULL, 0, &err), 0);
}

static void update_writes_only_what_changed(void **state)
{
	struct fx *f = *state;
	struct ccm_recipient r = { 0 }, got;
	struct ccm_error err;
	long long id;

	r.kind = CCM_RECIP_CUSTOM;
	r.alias = "jdoe";
	r.display_name = "Jane Doe";
	r.ccmail_location = 'l';
	r.dirsync_po = "SALESPO";
	assert_int_equal(ccm_store_recipient_create(f->s, &r, &id, &err), 0);
	r.id = id;
	r.dirsync_po = NULL;     /* kept */
	assert_int_equal(ccm_store_recipient_update(f->s, &r, &err), 0);
	r.display_name = "Doe, Jane";
	r.alias = "ignored";
	assert_int_equal(ccm_store_recipient_update(f->s, &r, &err), 1);
	assert_int_equal(ccm_store_recipient_update(f->s, &r, &err), 0);
	assert_int_equal(ccm_store_recipient_get(&got, f->s, id, &err), 1);
	assert_string_equal(got.display_name, "Doe, Jane");
	assert_string_equal(got.alias, "jdoe");
	assert_string_equal(got.dirsync_po, "SALESPO");
	ccm_recipient_release(&got);
	r.id = 12345;
	assert_int_equal(ccm_store_recipient_update(f->s, &r, &err), CCM_ENOTFOUND);
	assert_int_equal(ccm_store_recipient_get(&got, f->s, 12345, &err), 0);
}

static void list_membership_is_kept_once_and_only_for_lists(void **state)
{
	struct fx *f = *state;
	long long dl = make(f->s, CCM_RECIP_DL, "sales", "Sales");
	long long a = make(f->s, CCM_RECIP_CUSTOM, "a", "A");
	long long b = make(f->s, CCM_RECIP_CUSTOM, "b", "B");
	struct ccm_store_cursor *c;
	struct ccm_recipient r;
	struct ccm_error err;
	int n = 0;

	assert_int_equal(ccm_store_dl_add(f->s, dl, a, &err), 0);
	assert_int_equal(ccm_store_dl_add(f->s, dl, a, &err), 1);
	assert_int_equal(ccm_store_dl_add(f->s, dl, b, &err), 0);
	assert_int_equal(ccm_store_dl_add(f->s, a, b, &err), CCM_EINVAL);
	assert_int_equal(ccm_store_dl_add(f->s, dl, dl, &err), CCM_EINVAL);
	assert_int_equal(ccm_store_dl_add(f->s, dl, 777, &err), CCM_ENOTFOUND);
	assert_int_equal(ccm_store_dl_remove(f->s, dl, b, &err), 1);
	assert_int_equal(ccm_store_dl_remove(f->s, dl, b, &err), 0);
	assert_int_equal(ccm_store_dl_members(&c, f->s, dl, &err), 0);
	while (ccm_store_next_recipient(c, &r, &err) == 1) {
		assert_int_equal(r.id, a);
		n++;
	}
	ccm_store_cursor_free(c);
	assert_int_equal(n, 1);
}

static void recipients_are_listed_by_kind(void **state)
{
	struct fx *f = *state;
	struct ccm_store_cursor *c;
	struct ccm_recipient r;
	struct ccm_error err;
	int n = 0;

	make(f->s, CCM_RECIP_CUSTOM, "a", "A");
	make(f->s, CCM_RECIP_MAILBOX, "b", "B");
	make(f->s, CCM_RECIP_CUSTOM, "c", "C");
	make(f->s, CCM_RECIP_PUBLIC, "d", "D");
	assert_int_equal(ccm_store_recipients(&c, f->s, CCM_RECIP_CUSTOM, &err), 0);
	while (ccm_store_next_recipient(c, &r, &err) == 1) {
		assert_int_equal(r.kind, CCM_RECIP_CUSTOM);
		n++;
	}
	ccm_store_cursor_free(c);
	assert_int_equal(n, 2);
	assert_int_equal(ccm_store_recipients(&c, f->s, 0, &err), 0);
	for (n = 0; ccm_store_next_recipient(c, &r, &err) == 1; n++)
		;
	ccm_store_cursor_free(c);
	assert_int_equal(n, 4);
}

/* Cursors of one query reuse statements: a second cursor opened while the
 * first is half read must not share its statement, and one opened after a
 * half-read cursor is freed starts from the first row. */
static void cursors_of_one_query_stay_independent(void **state)
{
	struct fx *f = *state;
	struct ccm_store_cursor *a, *b;
	struct ccm_recipient r;
	struct ccm_error err;
	int n;

	make(f->s, CCM_RECIP_CUSTOM, "a", "A");
	make(f->s, CCM_RECIP_CUSTOM, "b", "B");
	make(f->s, CCM_RECIP_CUSTOM, "c", "C");
	assert_int_equal(ccm_store_recipients(&a, f->s, CCM_RECIP_CUSTOM, &err), 0);
	assert_int_equal(ccm_store_next_recipient(a, &r, &err), 1);
	assert_string_equal(r.alias, "a");
	assert_int_equal(ccm_store_recipients(&b, f->s, CCM_RECIP_CUSTOM, &err), 0);
	for (n = 0; ccm_store_next_recipient(b, &r, &err) == 1; n++)
		;
	assert_int_equal(n, 3);
	ccm_store_cursor_free(b);
	assert_int_equal(ccm_store_next_recipient(a, &r, &err), 1);
	assert_string_equal(r.alias, "b");
	ccm_store_cursor_free(a);
	for (int round = 0; round < 40; round++) {
		assert_int_equal(ccm_store_recipients(&a, f->s, CCM_RECIP_CUSTOM, &err), 0);
		assert_int_equal(ccm_store_next_recipient(a, &r, &err), 1);
		assert_string_equal(r.alias, "a");
		ccm_store_cursor_free(a);
	}
}

/* A cursor left open (a script's, say) may outlive its store: it reads
 * nothing more and is freed without touching the closed store. */
static void cursor_outliving_its_store_is_refused(void **state)
{
	struct fx *f = *state;
	struct ccm_store_cursor *c;
	struct ccm_recipient r;
	struct ccm_error err;

	make(f->s, CCM_RECIP_CUSTOM, "a", "A");
	make(f->s, CCM_RECIP_CUSTOM, "b", "B");
	assert_int_equal(ccm_store_recipients(&c, f->s, CCM_RECIP_CUSTOM, &err), 0);
	assert_int_equal(ccm_store_next_recipient(c, &r, &err), 1);
	ccm_store_close(f->s);
	f->s = NULL;
	assert_int_equal(ccm_store_next_recipient(c, &r, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "closed"));
	ccm_store_cursor_free(c);
}

static void comments_split_into_office_and_phone(void **state)
{
	struct ccm_buf o = CCM_BUF_INIT, p = CCM_BUF_INIT;

	(void)state;
	ccm_store_comments_split("jsmith;43/3019;(425) 936-1111", &o, &p);
	assert_string_equal(o.ptr, "43/3019");
	assert_string_equal(p.ptr, "(425) 936-1111");
	ccm_store_comments_split("jdoe; 2nd floor ;", &o, &p);
	assert_string_equal(o.ptr, "2nd floor");
	assert_string_equal(p.ptr, "");
	ccm_store_comments_split("on leave until May", &o, &p);
	assert_int_equal(o.len + p.len, 0);
	ccm_store_comments_split(NULL, &o, &p);
	ccm_buf_release(&o);
	ccm_buf_release(&p);
}

/* ---- folders ------------------------------------------------------------ */

static void folders_keep_hierarchy_and_well_known_marks(void **state)
{
	struct fx *f = *state;
	long long mb = make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	long long cr = make(f->s, CCM_RECIP_CUSTOM, "jdoe", "Jane Doe");
	long long fyi, fyi2, filed, inbox, inbox2, sub, sent, pub, pub2;
	struct ccm_store_cursor *c;
	struct ccm_folder fo;
	struct ccm_error err;
	int n = 0, seen_parent = 0;

	/* a new mailbox has its well-known folders (A15) */
	assert_int_equal(q(f->s, "SELECT count(*) FROM folders WHERE special IN "
			 "('inbox','sent','deleted','drafts')"), 4);
	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "Filed Mail\\FYI", &fyi, &err), 0);
	assert_int_equal(ccm_store_folder_ensure(f->s, mb, " filed mail \\ fyi\\", &fyi2, &err), 0);
	assert_int_equal(fyi, fyi2);
	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "Filed Mail", &filed, &err), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM folders WHERE name = 'FYI' AND "
			 "path = 'Filed Mail\\FYI'"), 1);
	{
		char sql[128];
		snprintf(sql, sizeof(sql), "SELECT parent_id FROM folders WHERE id = %lld", fyi);
		assert_int_equal(q(f->s, sql), filed);
	}
	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "", &inbox, &err), 0);
	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "INBOX", &inbox2, &err), 0);
	assert_int_equal(inbox, inbox2);
	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "inbox\\Projects", &sub, &err), 0);
	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "sent items", &sent, &err), 0);
	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "Outbox", &sub, &err), 0);
	/* a well-known name below the top is an ordinary folder */
	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "Archive\\Drafts", &sub, &err), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM folders WHERE special = 'drafts'"), 1);
	assert_int_equal(q(f->s, "SELECT count(*) FROM folders WHERE special = 'outbox'"), 1);

	assert_int_equal(ccm_store_folders(&c, f->s, mb, &err), 0);
	while (ccm_store_next_folder(c, &fo, &err) == 1) {
		n++;
		if (fo.id == inbox)
			assert_int_equal(fo.special, CCM_FOLDER_INBOX);
		if (fo.id == sent) {
			assert_int_equal(fo.special, CCM_FOLDER_SENT);
			assert_string_equal(fo.name, "Sent Items");
		}
		if (fo.id == filed)
			seen_parent = 1;
		if (fo.id == fyi)
			assert_true(seen_parent);   /* parents come first */
		assert_int_equal(fo.mailbox_id, mb);
	}
	ccm_store_cursor_free(c);
	/* Inbox, Sent Items, Deleted Items, Drafts, Filed Mail, FYI, Projects,
	 * Outbox, Archive, Archive\Drafts */
	assert_int_equal(n, 10);

	/* public folders are a tree of their own */
	assert_int_equal(ccm_store_public_folder_ensure(f->s, "Lotus cc:Mail Bulletin Boards\\Social", &pub, &err), 0);
	assert_int_equal(ccm_store_public_folder_ensure(f->s, "Inbox", &pub2, &err), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM folders WHERE mailbox_id IS NULL"), 3);
	assert_int_equal(q(f->s, "SELECT count(*) FROM folders WHERE mailbox_id IS NULL "
			 "AND special IS NOT NULL"), 0);
	assert_int_equal(ccm_store_public_folder_ensure(f->s, " \\ ", &pub2, &err), CCM_EINVAL);
	{
		long long pf = make(f->s, CCM_RECIP_PUBLIC, "social", "Social");
		assert_int_equal(ccm_store_folder_set_recipient(f->s, pub, pf, &err), 0);
	}
	/* a custom recipient has no folders */
	assert_int_equal(ccm_store_folder_ensure(f->s, cr, "Inbox", &sub, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "not a mailbox"));
}

static void rolled_back_folders_are_forgotten(void **state)
{
	struct fx *f = *state;
	long long mb = make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	long long a, b;
	struct ccm_error err;

	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "Projects", &a, &err), 0);
	assert_int_equal(ccm_store_rollback(f->s, &err), 0);
	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "Projects", &b, &err), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM folders WHERE name = 'Projects'"), 1);
	{
		char sql[96];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM folders WHERE id = %lld", b);
		assert_int_equal(q(f->s, sql), 1);
	}
}

/* ---- messages ----------------------------------------------------------- */

static void message_keeps_recipients_dates_flags_and_headers(void **state)
{
	struct fx *f = *state;
	long long mb = make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	struct ccm_store_rcpt rc[] = {
		{ CCM_RCPT_TO, "Elizabeth Brown", NULL },
		{ CCM_RCPT_TO, "Gamers", "SMTP:gamers@litware.com" },
		{ CCM_RCPT_CC, "Smith, John", "CCMAIL:Smith, John at HUBPO" },
		{ CCM_RCPT_BCC, "Ali Gobi", NULL },
	};
	struct ccm_store_header h[] = { { "RRT", "Smith, John at SALESPO" }, { "X-Odd", "" } };
	const char body[] = "Let's make plans\r\nfor Friday.\r\n";
	struct ccm_store_message m = { 0 }, got;
	struct ccm_store_rcpt r;
	struct ccm_store_header hh;
	struct ccm_store_cursor *c;
	struct ccm_error err;
	long long folder, id;
	int n;

	assert_int_equal(ccm_store_folder_ensure(f->s, mb, "Filed Mail\\FYI", &folder, &err), 0);
	m.folder_id = folder;
	m.sender_name = "Pat Parkes";
	m.sender_address = "CCMAIL:Parkes, Pat at SALESPO";
	m.subject = "Let's make plans";
	m.has_sent = 1;
	m.sent_utc = 795778461;
	m.sent_text = "19950321093421";
	m.received_text = "";
	m.priority = -1;
	m.read = 0;
	m.unsent = 1;
	m.body = body;
	m.body_len = strlen(body);
	m.rcpts = rc;
	m.n_rcpts = 4;
	m.headers = h;
	m.n_headers = 2;
	assert_int_equal(ccm_store_message_add(f->s, &m, &id, &err), 0);

	assert_int_equal(ccm_store_messages(&c, f->s, folder, &err), 0);
	assert_int_equal(ccm_store_next_message(c, &got, &err), 1);
	assert_int_equal(got.id, id);
	assert_string_equal(got.sender_name, "Pat Parkes");
	assert_string_equal(got.sender_address, "CCMAIL:Parkes, Pat at SALESPO");
	assert_string_equal(got.subject, "Let's make plans");
	assert_true(got.has_sent);
	assert_int_equal(got.sent_utc, 795778461);
	assert_string_equal(got.sent_text, "19950321093421");
	assert_false(got.has_received);
	assert_int_equal(got.priority, -1);
	assert_int_equal(got.read, 0);
	assert_int_equal(got.unsent, 1);
	assert_int_equal(got.body_len, strlen(body));
	assert_memory_equal(got.body, body, strlen(body));
	assert_int_equal(ccm_store_next_message(c, &got, &err), 0);
	ccm_store_cursor_free(c);

	assert_int_equal(ccm_store_message_rcpts(&c, f->s, id, &err), 0);
	for (n = 0; ccm_store_next_rcpt(c, &r, &err) == 1; n++) {
		assert_int_equal(r.kind, rc[n].kind);
		assert_string_equal(r.display, rc[n].display);
		if (rc[n].address)
			assert_string_equal(r.address, rc[n].address);
		else
			assert_null(r.address);
	}
	ccm_store_cursor_free(c);
	assert_int_equal(n, 4);
	assert_int_equal(ccm_store_message_headers(&c, f->s, id, &err), 0);
	for (n = 0; ccm_store_next_header(c, &hh, &err) == 1; n++) {
		assert_string_equal(hh.name, h[n].name);
		assert_string_equal(hh.value, h[n].value);
	}
	ccm_store_cursor_free(c);
	assert_int_equal(n, 2);
	assert_int_equal(q(f->s, "SELECT body_bytes FROM messages"), (long long)strlen(body));

	m.priority = 2;
	assert_int_equal(ccm_store_message_add(f->s, &m, &id, &err), CCM_EINVAL);
	m.priority = 0;
	rc[1].kind = 9;
	assert_int_equal(ccm_store_message_add(f->s, &m, &id, &err), CCM_EINVAL);
}

/* ---- post office settings ------------------------------------------------ */

static long long message_in(struct ccm_store *s, long long folder)
{
	struct ccm_store_message m = { 0 };
	struct ccm_error err;
	long long id = 0;

	m.folder_id = folder;
	m.subject = "x";
	if (ccm_store_message_add(s, &m, &id, &err) < 0)
		fail_msg("%s", err.msg);
	return id;
}

/* The settings line that applies to message msg: 1 with it in *line
 * (held by buf). */
static int po_line(struct ccm_store *s, struct ccm_buf *buf, long long msg,
		   const char **line)
{
	struct ccm_error err;
	int rc = ccm_store_po_of_message(buf, s, msg, &err);

	*line = rc > 0 ? buf->ptr : NULL;
	return rc;
}

static void post_office_settings_follow_the_mailbox_address(void **state)
{
	struct fx *f = *state;
	long long a = make(f->s, CCM_RECIP_MAILBOX, "ann", "Ann");
	long long b = make(f->s, CCM_RECIP_MAILBOX, "bob", "Bob");
	struct ccm_buf got = CCM_BUF_INIT;
	struct ccm_error err;
	long long fa, fb, pub, ma, mb, mp;
	const char *line;

	assert_int_equal(ccm_store_address_add(f->s, a, "CCMAIL", "Ann at SALESPO", 1, &err), 0);
	assert_int_equal(ccm_store_address_add(f->s, b, "CCMAIL", "Bob at Tokyo PO", 1, &err), 0);
	assert_int_equal(ccm_store_folder_ensure(f->s, a, "Inbox", &fa, &err), 0);
	assert_int_equal(ccm_store_folder_ensure(f->s, b, "Inbox", &fb, &err), 0);
	assert_int_equal(ccm_store_public_folder_ensure(f->s, "Board", &pub, &err), 0);
	ma = message_in(f->s, fa);
	mb = message_in(f->s, fb);
	mp = message_in(f->s, pub);

	/* Nothing recorded: nothing applies. */
	assert_int_equal(po_line(f->s, &got, ma, &line), 0);
	assert_int_equal(ccm_store_po_of_mailbox(&got, f->s, a, &err), 0);

	assert_int_equal(ccm_store_po_record(f->s, "SALESPO", "code_page=850; "
					     "post_office=SALESPO", &err), 0);
	/* The only one recorded serves the public folder too. */
	assert_int_equal(po_line(f->s, &got, mp, &line), 1);
	assert_string_equal(line, "code_page=850; post_office=SALESPO");
	assert_int_equal(po_line(f->s, &got, ma, &line), 1);
	assert_string_equal(line, "code_page=850; post_office=SALESPO");
	assert_int_equal(ccm_store_po_of_mailbox(&got, f->s, a, &err), 1);
	assert_string_equal(got.ptr, "code_page=850; post_office=SALESPO");
	assert_int_equal(ccm_store_po_of_mailbox(&got, f->s, 0, &err), 1);

	/* Names compare without case. */
	assert_int_equal(ccm_store_po_record(f->s, "tokyo po", "code_page=932", &err), 0);
	assert_int_equal(po_line(f->s, &got, mb, &line), 1);
	assert_string_equal(line, "code_page=932");
	assert_int_equal(po_line(f->s, &got, ma, &line), 1);
	assert_string_equal(line, "code_page=850; post_office=SALESPO");
	/* Two post offices: a public folder's is not known. */
	assert_int_equal(po_line(f->s, &got, mp, &line), 0);
	assert_int_equal(ccm_store_po_of_mailbox(&got, f->s, 0, &err), 0);

	/* Recorded again under another spelling: replaced, not added. */
	assert_int_equal(ccm_store_po_record(f->s, "TOKYO PO", "code_page=1252", &err), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM meta WHERE key LIKE 'po:%'"), 2);
	assert_int_equal(po_line(f->s, &got, mb, &line), 1);
	assert_string_equal(line, "code_page=1252");

	/* No name. */
	assert_int_equal(ccm_store_po_record(f->s, "", "code_page=850", &err), CCM_EINVAL);
	assert_int_equal(ccm_store_po_record(f->s, NULL, "code_page=850", &err), CCM_EINVAL);
	assert_int_equal(q(f->s, "SELECT count(*) FROM meta WHERE key LIKE 'po:%'"), 2);
	ccm_buf_release(&got);
}

/* ---- attachments -------------------------------------------------------- */

/* Deterministic bytes at any offset: a mix of the offset and a seed. */
static void fill(unsigned char *p, unsigned long long off, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++) {
		unsigned long long x = (off + i) * 0x9E3779B97F4A7C15ULL + seed;
		x ^= x >> 29;
		p[i] = (unsigned char)(x * 0xBF58476D1CE4E5B9ULL >> 56);
	}
}

static long long new_message(struct ccm_store *s, long long mb)
{
	struct ccm_store_message m = { 0 };
	struct ccm_error err;
	long long folder, id;

	assert_int_equal(ccm_store_folder_ensure(s, mb, "Inbox", &folder, &err), 0);
	m.folder_id = folder;
	m.subject = "with attachments";
	assert_int_equal(ccm_store_message_add(s, &m, &id, &err), 0);
	return id;
}

/* Streams `size` bytes of seed in PIECE pieces as attachment `name`. */
static int put(struct ccm_store *s, long long msg, const char *name,
	       unsigned long long size, unsigned long long give, unsigned seed,
	       struct ccm_store_attach_info *info)
{
	struct ccm_store_attachment meta = { 0 };
	struct ccm_store_attach *a;
	struct ccm_error err;
	unsigned char *buf = malloc(PIECE);
	int rc;

	meta.message_id = msg;
	meta.name = name;
	meta.position = 12;
	meta.size = size;
	assert_int_equal(ccm_store_attach_begin(&a, s, &meta, &err), 0);
	for (unsigned long long at = 0; at < give; at += PIECE) {
		size_t n = give - at < PIECE ? (size_t)(give - at) : PIECE;
		fill(buf, at, n, seed);
		assert_int_equal(ccm_store_attach_write(a, buf, n, &err), 0);
	}
	rc = ccm_store_attach_finish(a, info, &err);
	if (rc < 0)
		fail_msg("%s", err.msg);
	free(buf);
	return rc;
}

/* Reads blob `blob` back in odd-sized pieces and compares it with seed. */
static void check_blob(struct ccm_store *s, long long blob,
		       unsigned long long size, unsigned seed)
{
	struct ccm_store_blob *b;
	struct ccm_error err;
	unsigned long long got_size, at = 0;
	unsigned char *buf = malloc(50000), *want = malloc(50000);
	long long n;

	assert_int_equal(ccm_store_blob_open(&b, s, blob, NULL, &err), 0);
	got_size = ccm_store_blob_size(b);
	assert_int_equal(got_size, size);
	while ((n = ccm_store_blob_read(b, buf, 49999, &err)) > 0) {
		fill(want, at, (size_t)n, seed);
		if (memcmp(buf, want, (size_t)n))
			fail_msg("byte mismatch near offset %llu", at);
		at += (unsigned long long)n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(at, size);
	ccm_store_blob_close(b);
	free(buf);
	free(want);
}

static void sha_of(unsigned long long size, unsigned seed, unsigned char out[32])
{
	struct ccm_sha256 h;
	unsigned char *buf = malloc(PIECE);

	ccm_sha256_init(&h);
	for (unsigned long long at = 0; at < size; at += PIECE) {
		size_t n = size - at < PIECE ? (size_t)(size - at) : PIECE;
		fill(buf, at, n, seed);
		ccm_sha256_update(&h, buf, n);
	}
	ccm_sha256_final(out, &h);
	free(buf);
}

static void attachment_streams_in_pieces_and_reads_back_byte_for_byte(void **state)
{
	struct fx *f = *state;
	long long mb = make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	long long msg = new_message(f->s, mb);
	const unsigned long long size = 5 * 1024 * 1024 + 4321;
	struct ccm_store_attach_info info;
	struct ccm_store_attachment att;
	struct ccm_store_cursor *c;
	struct ccm_error err;
	unsigned char sha[32];

	/* parts of an odd size, so that pieces straddle their ends */
	ccm_store_set_part_size(f->s, 1000003);
	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	assert_int_equal(put(f->s, msg, "REPORT.DOC", size, size, 1, &info), 0);
	assert_int_equal(ccm_store_commit(f->s, &err), 0);
	assert_int_equal(info.size, size);
	assert_int_equal(info.received, size);
	assert_false(info.deduplicated);
	sha_of(size, 1, sha);
	assert_memory_equal(info.sha256, sha, 32);
	assert_int_equal(q(f->s, "SELECT count(*) FROM blob_parts"), 6);
	assert_int_equal(q(f->s, "SELECT sum(length(data)) FROM blob_parts"), (long long)size);
	check_blob(f->s, info.blob_id, size, 1);

	assert_int_equal(ccm_store_attachments(&c, f->s, msg, &err), 0);
	assert_int_equal(ccm_store_next_attachment(c, &att, &err), 1);
	assert_string_equal(att.name, "REPORT.DOC");
	assert_string_equal(att.kind, "file");
	assert_int_equal(att.seq, 1);
	assert_int_equal(att.position, 12);
	assert_int_equal(att.size, size);
	assert_int_equal(att.blob_id, info.blob_id);
	assert_memory_equal(att.sha256, sha, 32);
	assert_int_equal(ccm_store_next_attachment(c, &att, &err), 0);
	ccm_store_cursor_free(c);
}

static void identical_contents_are_stored_once(void **state)
{
	struct fx *f = *state;
	long long mb = make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	long long m1 = new_message(f->s, mb), m2 = new_message(f->s, mb);
	struct ccm_store_attach_info a, b, c, d, e;
	struct ccm_store_stats st;
	struct ccm_error err;
	const unsigned long long big = 3 * 1024 * 1024 + 17, small = 1000;

	ccm_store_set_part_size(f->s, 1 << 20);
	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	assert_int_equal(put(f->s, m1, "A.BIN", big, big, 7, &a), 0);
	assert_int_equal(put(f->s, m2, "COPY OF A.BIN", big, big, 7, &b), 0);
	assert_int_equal(put(f->s, m1, "NOTE.TXT", small, small, 3, &c), 0);
	assert_int_equal(put(f->s, m2, "NOTE.TXT", small, small, 3, &d), 0);
	assert_int_equal(put(f->s, m2, "OTHER.TXT", small, small, 4, &e), 0);
	assert_int_equal(ccm_store_commit(f->s, &err), 0);
	assert_false(a.deduplicated);
	assert_true(b.deduplicated);
	assert_int_equal(a.blob_id, b.blob_id);
	assert_true(d.deduplicated);
	assert_int_equal(c.blob_id, d.blob_id);
	assert_false(e.deduplicated);
	assert_int_not_equal(c.blob_id, e.blob_id);
	/* three contents, five attachments; the dropped copy left nothing */
	assert_int_equal(q(f->s, "SELECT count(*) FROM blobs"), 3);
	assert_int_equal(q(f->s, "SELECT count(*) FROM attachments"), 5);
	assert_int_equal(q(f->s, "SELECT sum(length(data)) FROM blob_parts"),
			 (long long)(big + 2 * small));
	assert_int_equal(ccm_store_stats(&st, f->s, &err), 0);
	assert_int_equal(st.attachments, 5);
	assert_int_equal(st.attachment_bytes, (long long)(2 * big + 3 * small));
	assert_int_equal(st.blobs, 3);
	assert_int_equal(st.blob_bytes, (long long)(big + 2 * small));
	check_blob(f->s, b.blob_id, big, 7);
	check_blob(f->s, d.blob_id, small, 3);
	/* seq numbers follow per message */
	assert_int_equal(q(f->s, "SELECT max(seq) FROM attachments"), 3);
}

static void stream_of_the_wrong_length_is_kept_and_flagged(void **state)
{
	struct fx *f = *state;
	long long mb = make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	long long msg = new_message(f->s, mb);
	struct ccm_store_attach_info info;
	struct ccm_error err;
	const unsigned long long declared = 3 * 1024 * 1024, given = 1536 * 1024 + 99;

	ccm_store_set_part_size(f->s, 1 << 20);
	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	/* cut short inside its second part */
	assert_int_equal(put(f->s, msg, "CUT.ZIP", declared, given, 5, &info), 1);
	assert_int_equal(info.size, given);
	assert_int_equal(info.received, given);
	check_blob(f->s, info.blob_id, given, 5);
	assert_int_equal(q(f->s, "SELECT sum(length(data)) FROM blob_parts"), (long long)given);
	/* longer than declared: the declared bytes are kept */
	assert_int_equal(put(f->s, msg, "LONG.ZIP", 100000, 200000, 6, &info), 1);
	assert_int_equal(info.size, 100000);
	assert_int_equal(info.received, 200000);
	check_blob(f->s, info.blob_id, 100000, 6);
	/* a small one cut short */
	assert_int_equal(put(f->s, msg, "S.TXT", 5000, 10, 8, &info), 1);
	check_blob(f->s, info.blob_id, 10, 8);
	/* nothing at all */
	assert_int_equal(put(f->s, msg, "EMPTY.TXT", 0, 0, 8, &info), 0);
	check_blob(f->s, info.blob_id, 0, 8);
	assert_int_equal(ccm_store_commit(f->s, &err), 0);
	assert_int_equal(q(f->s, "SELECT size FROM attachments WHERE name = 'CUT.ZIP'"),
			 (long long)given);
}

static void aborted_or_rolled_back_stream_leaves_nothing(void **state)
{
	struct fx *f = *state;
	long long mb = make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	long long msg = new_message(f->s, mb);
	struct ccm_store_attachment meta = { 0 };
	struct ccm_store_attach *a, *b;
	struct ccm_error err;
	unsigned char buf[4096];

	meta.message_id = msg;
	meta.name = "X.BIN";
	meta.size = 1 << 20;
	fill(buf, 0, sizeof(buf), 1);
	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	assert_int_equal(ccm_store_attach_begin(&a, f->s, &meta, &err), 0);
	assert_int_equal(ccm_store_attach_write(a, buf, sizeof(buf), &err), 0);
	/* one stream at a time; and not across a commit */
	assert_int_equal(ccm_store_attach_begin(&b, f->s, &meta, &err), CCM_EINVAL);
	assert_int_equal(ccm_store_commit(f->s, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "finish or abort"));
	ccm_store_attach_abort(a);
	assert_int_equal(ccm_store_commit(f->s, &err), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM blobs"), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM blob_parts"), 0);

	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	assert_int_equal(ccm_store_attach_begin(&a, f->s, &meta, &err), 0);
	assert_int_equal(ccm_store_attach_write(a, buf, sizeof(buf), &err), 0);
	assert_int_equal(ccm_store_rollback(f->s, &err), 0);
	assert_int_equal(ccm_store_attach_write(a, buf, sizeof(buf), &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "rollback"));
	ccm_store_attach_abort(a);
	assert_int_equal(q(f->s, "SELECT count(*) FROM blobs"), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM attachments"), 0);

	meta.message_id = 99999;
	assert_int_equal(ccm_store_attach_begin(&a, f->s, &meta, &err), CCM_ENOTFOUND);
}

struct reader {
	unsigned long long at, size;
	unsigned seed;
};

static long long read_cb(void *ctx, void *buf, size_t n)
{
	struct reader *r = ctx;

	if (r->at >= r->size)
		return 0;
	if (n > r->size - r->at)
		n = (size_t)(r->size - r->at);
	if (n > 1000)
		n = 1000;      /* a stingy source */
	fill(buf, r->at, n, r->seed);
	r->at += n;
	return (long long)n;
}

static long long failing_cb(void *ctx, void *buf, size_t n)
{
	(void)ctx; (void)buf; (void)n;
	return CCM_EIO;
}

static void attachment_from_a_read_callback(void **state)
{
	struct fx *f = *state;
	long long mb = make(f->s, CCM_RECIP_MAILBOX, "jsmith", "John Smith");
	long long msg = new_message(f->s, mb);
	struct ccm_store_attachment meta = { 0 };
	struct ccm_store_attach_info info;
	struct reader r = { 0, 300000, 9 };
	struct ccm_error err;

	meta.message_id = msg;
	meta.name = "SCHEDULE.SCD";
	meta.kind = "schedule";
	meta.size = r.size;
	assert_int_equal(ccm_store_attach_stream(f->s, &meta, read_cb, &r, &info, &err), 0);
	check_blob(f->s, info.blob_id, r.size, 9);
	assert_int_equal(q(f->s, "SELECT count(*) FROM attachments WHERE kind = 'schedule'"), 1);
	assert_int_equal(ccm_store_attach_stream(f->s, &meta, failing_cb, NULL, &info, &err), CCM_EIO);
	assert_int_equal(q(f->s, "SELECT count(*) FROM attachments"), 1);
	assert_int_equal(q(f->s, "SELECT count(*) FROM blobs"), 1);
}

/* ---- ledger, runs, events ----------------------------------------------- */

static void ledger_makes_a_second_import_add_nothing(void **state)
{
	struct fx *f = *state;
	struct ccm_ledger_entry e;
	struct ccm_error err;
	long long src, src2, other, run;

	assert_int_equal(ccm_store_run_start(f->s, "import", "SALESPO.PKL", &run, &err), 0);
	assert_int_equal(ccm_store_ledger_source(f->s, "SALESPO", "00000001.PRI", &src, &err), 0);
	assert_int_equal(ccm_store_ledger_source(f->s, "SALESPO", "00000001.PRI", &src2, &err), 0);
	assert_int_equal(src, src2);
	assert_int_equal(ccm_store_ledger_source(f->s, "HUBPO", "00000001.PRI", &other, &err), 0);
	assert_int_not_equal(src, other);

	/* a section that fails leaves no ledger rows behind */
	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	assert_int_equal(ccm_store_ledger_find(&e, f->s, src, 4, &err), 0);
	assert_int_equal(ccm_store_ledger_record(f->s, src, 4, "message", 10, &err), 0);
	assert_int_equal(ccm_store_rollback(f->s, &err), 0);
	assert_int_equal(ccm_store_ledger_find(&e, f->s, src, 4, &err), 0);

	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	assert_int_equal(ccm_store_ledger_record(f->s, src, 4, "message", 10, &err), 0);
	assert_int_equal(ccm_store_ledger_record(f->s, src, 5, "skipped", 0, &err), 0);
	assert_int_equal(ccm_store_commit(f->s, &err), 0);
	assert_int_equal(ccm_store_ledger_find(&e, f->s, src, 4, &err), 1);
	assert_string_equal(e.object_kind, "message");
	assert_int_equal(e.object_id, 10);
	assert_int_equal(e.run_id, run);
	assert_int_equal(ccm_store_ledger_find(NULL, f->s, other, 4, &err), 0);
	assert_int_equal(ccm_store_ledger_record(f->s, src, 4, "message", 11, &err), CCM_EEXISTS);
	assert_non_null(strstr(err.msg, "recorded already"));
	assert_int_equal(q(f->s, "SELECT count(*) FROM ledger"), 2);
	assert_int_equal(ccm_store_run_finish(f->s, 0, NULL, 0, &err), 0);
}

static void events_are_recorded_and_survive_a_rollback(void **state)
{
	struct fx *f = *state;
	struct ccm_diag d = { CCM_ERROR, "mailbox-not-found", 8074, "00000002.PRI", 3, 120,
			      "Ghost, Gary", 0, "failed to connect to the mailbox" };
	struct ccm_error err;
	long long run;

	assert_int_equal(ccm_store_run_start(f->s, "import", NULL, &run, &err), 0);
	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	make(f->s, CCM_RECIP_CUSTOM, "x", "X");
	assert_int_equal(ccm_store_event(f->s, &d, &err), 0);
	/* kept aside until the transaction ends */
	assert_int_equal(q(f->s, "SELECT count(*) FROM events"), 0);
	assert_int_equal(ccm_store_rollback(f->s, &err), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM recipients"), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM events WHERE event = 8074 AND "
			 "line = 3 AND byte_offset = 120 AND mailbox = 'Ghost, Gary' AND "
			 "severity = 'error' AND kind = 'mailbox-not-found'"), 1);
	{
		char sql[96];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM events WHERE run_id = %lld", run);
		assert_int_equal(q(f->s, sql), 1);
	}
	/* committed with the work; outside a transaction at once */
	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	d.severity = CCM_WARNING;
	d.kind = "unknown-column";
	assert_int_equal(ccm_store_event(f->s, &d, &err), 0);
	assert_int_equal(ccm_store_commit(f->s, &err), 0);
	d.severity = CCM_NOTE;
	assert_int_equal(ccm_store_event(f->s, &d, &err), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM events"), 3);

	/* the sink records and passes on */
	{
		struct ccm_diaglist l = { 0 };
		struct ccm_report next = { ccm_diaglist_sink, &l, { 0, 0, 0 } };
		struct ccm_store_sink k;
		struct ccm_diag w = { CCM_WARNING, "bad-date", 1011, "smith.exp", 36, 697,
				      NULL, 3, "date '2/31/99' clamped" };

		ccm_store_sink_init(&k, f->s, &next);
		ccm_report_emit(&k.report, &w);
		assert_int_equal(k.rc, 0);
		assert_int_equal(l.len, 1);
		assert_int_equal(next.counts[CCM_WARNING], 1);
		assert_int_equal(k.report.counts[CCM_WARNING], 1);
		assert_int_equal(q(f->s, "SELECT count(*) FROM events WHERE kind = 'bad-date' "
				 "AND message = 3"), 1);
		ccm_diaglist_release(&l);
	}
	{
		struct ccm_store_cursor *c;
		struct ccm_store_event_count ec;
		int n = 0;
		assert_int_equal(ccm_store_event_summary(&c, f->s, &err), 0);
		assert_int_equal(ccm_store_next_event_count(c, &ec, &err), 1);
		assert_int_equal(ec.severity, CCM_ERROR);   /* errors first */
		assert_string_equal(ec.kind, "mailbox-not-found");
		for (n = 1; ccm_store_next_event_count(c, &ec, &err) == 1; n++)
			;
		ccm_store_cursor_free(c);
		assert_int_equal(n, 4);
	}
	assert_int_equal(ccm_store_run_finish(f->s, 1, NULL, 0, &err), 0);
}

static void run_records_start_end_status_and_counts(void **state)
{
	struct fx *f = *state;
	struct ccm_store_count counts[] = { { "messages", 120 }, { "mailboxes", 3 } };
	struct ccm_store_cursor *c;
	struct ccm_store_run r;
	struct ccm_store_count n;
	struct ccm_error err;
	long long run;

	assert_int_equal(ccm_store_run_start(f->s, "import", "SET/SALESPO.PKL", &run, &err), 0);
	assert_int_equal(ccm_store_run_id(f->s), run);
	assert_int_equal(ccm_store_runs(&c, f->s, &err), 0);
	assert_int_equal(ccm_store_next_run(c, &r, &err), 1);
	assert_int_equal(r.status, -1);           /* running */
	assert_int_equal(r.finished_utc, 0);
	ccm_store_cursor_free(c);
	assert_int_equal(ccm_store_run_finish(f->s, 1, counts, 2, &err), 0);
	assert_int_equal(ccm_store_run_id(f->s), 0);
	assert_int_equal(ccm_store_runs(&c, f->s, &err), 0);
	assert_int_equal(ccm_store_next_run(c, &r, &err), 1);
	assert_int_equal(r.id, run);
	assert_string_equal(r.command, "import");
	assert_string_equal(r.args, "SET/SALESPO.PKL");
	assert_int_equal(r.status, 1);
	assert_true(r.finished_utc >= r.started_utc && r.started_utc > 0);
	ccm_store_cursor_free(c);
	assert_int_equal(ccm_store_run_counts(&c, f->s, run, &err), 0);
	assert_int_equal(ccm_store_next_count(c, &n, &err), 1);
	assert_string_equal(n.name, "mailboxes");
	assert_int_equal(n.value, 3);
	assert_int_equal(ccm_store_next_count(c, &n, &err), 1);
	assert_string_equal(n.name, "messages");
	assert_int_equal(n.value, 120);
	ccm_store_cursor_free(c);
	assert_int_equal(ccm_store_run_finish(f->s, 0, NULL, 0, &err), CCM_EINVAL);
}

static void nested_transaction_rolls_back_only_its_own_work(void **state)
{
	struct fx *f = *state;
	struct ccm_error err;

	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	make(f->s, CCM_RECIP_CUSTOM, "kept", "Kept");
	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	assert_int_equal(ccm_store_depth(f->s), 2);
	make(f->s, CCM_RECIP_CUSTOM, "gone", "Gone");
	assert_int_equal(ccm_store_rollback(f->s, &err), 0);
	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	make(f->s, CCM_RECIP_CUSTOM, "also", "Also");
	assert_int_equal(ccm_store_commit(f->s, &err), 0);
	assert_int_equal(ccm_store_commit(f->s, &err), 0);
	assert_int_equal(ccm_store_depth(f->s), 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM recipients"), 2);
	assert_int_equal(q(f->s, "SELECT count(*) FROM recipients WHERE alias = 'gone'"), 0);
}

static void read_only_store_refuses_writes(void **state)
{
	struct fx *f = *state;
	struct ccm_store *r;
	struct ccm_recipient x = { 0 };
	struct ccm_error err;
	long long id;

	make(f->s, CCM_RECIP_CUSTOM, "a", "A");
	assert_int_equal(ccm_store_open(&r, f->path, CCM_STORE_READONLY, &err), 0);
	x.kind = CCM_RECIP_CUSTOM;
	x.alias = "b";
	x.display_name = "B";
	assert_true(ccm_store_recipient_create(r, &x, &id, &err) < 0);
	assert_non_null(strstr(err.msg, "creating recipient 'b' failed"));
	assert_int_equal(q(r, "SELECT count(*) FROM recipients"), 1);
	ccm_store_close(r);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(new_file_gets_the_current_schema_wal_and_foreign_keys),
		cmocka_unit_test(empty_file_is_upgraded_from_version_0),
		cmocka_unit_test(store_in_memory_leaves_no_lock_file),
		cmocka_unit_test(empty_sqlite_database_is_upgraded_but_refused_read_only),
		T(newer_schema_version_is_refused_with_what_to_do),
		T(version_2_store_gains_source_identities),
		T(version_3_store_gains_forwarded_messages),
		T(version_5_store_gains_who_ran),
		T(undated_messages_are_dated_by_the_run_that_stored_them),
		T(version_1_store_gains_address_book_tables),
		cmocka_unit_test(file_that_is_not_sqlite_is_refused_and_left_alone),
		cmocka_unit_test(database_of_another_program_is_refused_and_left_alone),
		cmocka_unit_test(missing_store_is_not_created_without_the_flag),
		T(integrity_check_of_a_sound_store_finds_nothing),
		T(failing_statement_gives_sqlite_message_and_advice),
		T(aliases_are_unique_case_insensitively),
		T(addresses_are_unique_across_the_directory_case_insensitively),
		T(one_primary_address_per_type),
		T(source_address_finds_migrate_proxy_first_then_its_type),
		T(custom_recipient_becomes_a_mailbox_in_place),
		T(update_writes_only_what_changed),
		T(list_membership_is_kept_once_and_only_for_lists),
		T(recipients_are_listed_by_kind),
		T(cursors_of_one_query_stay_independent),
		T(cursor_outliving_its_store_is_refused),
		cmocka_unit_test(comments_split_into_office_and_phone),
		T(folders_keep_hierarchy_and_well_known_marks),
		T(rolled_back_folders_are_forgotten),
		T(message_keeps_recipients_dates_flags_and_headers),
		T(post_office_settings_follow_the_mailbox_address),
		T(attachment_streams_in_pieces_and_reads_back_byte_for_byte),
		T(identical_contents_are_stored_once),
		T(stream_of_the_wrong_length_is_kept_and_flagged),
		T(aborted_or_rolled_back_stream_leaves_nothing),
		T(attachment_from_a_read_callback),
		T(ledger_makes_a_second_import_add_nothing),
		T(events_are_recorded_and_survive_a_rollback),
		T(run_records_start_end_status_and_counts),
		T(nested_transaction_rolls_back_only_its_own_work),
		T(read_only_store_refuses_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
