/* test_crash.c: an import killed with SIGKILL at any point and run again
 * ends with exactly the store an uninterrupted import makes. */
#include "testutil.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "ccmail/bundle.h"
#include "iff/extract.h"
#include "store/import.h"

#define KILL_POINTS 24

/* Everything the store holds, without ids and run numbers, in one order. */
static const char *const dump_queries[] = {
	"SELECT kind, alias, display_name, first_name, last_name, target, comments,"
	" ccmail_name, ccmail_location, ccmail_po FROM recipients ORDER BY alias",
	"SELECT r.alias, a.type, a.address, a.is_primary FROM addresses a"
	" JOIN recipients r ON r.id = a.recipient_id ORDER BY 1, 2, 3",
	"SELECT d.alias, m.alias FROM dl_members x JOIN recipients d ON d.id = x.dl_id"
	" JOIN recipients m ON m.id = x.member_id ORDER BY 1, 2",
	"SELECT coalesce(r.alias, '(public)'), f.path, f.special FROM folders f"
	" LEFT JOIN recipients r ON r.id = f.mailbox_id ORDER BY 1, 2",
	"SELECT coalesce(r.alias, ''), f.path, m.sender_name, m.sender_address,"
	" m.subject, m.sent_utc, m.received_utc, m.priority, m.is_read, m.is_unsent,"
	" hex(m.body),"
	" (SELECT group_concat(kind || '|' || coalesce(display_name, '') || '|' ||"
	"   coalesce(address, ''), ';') FROM message_recipients WHERE message_id = m.id),"
	" (SELECT group_concat(a.seq || '|' || a.name || '|' || a.position || '|' ||"
	"   a.size || '|' || hex(b.sha256), ';') FROM attachments a"
	"   JOIN blobs b ON b.id = a.blob_id WHERE a.message_id = m.id)"
	" FROM messages m JOIN folders f ON f.id = m.folder_id"
	" LEFT JOIN recipients r ON r.id = f.mailbox_id ORDER BY 1, 2, 5, 6, 11",
	"SELECT hex(sha256), size, (SELECT sum(length(data)) FROM blob_parts"
	" WHERE blob_id = blobs.id) FROM blobs ORDER BY 1",
	"SELECT r.alias, p.kind, p.display_name, p.email, p.first_name, p.last_name,"
	" p.note, p.fields, (SELECT group_concat(member, ';') FROM pab_members"
	" WHERE entry_id = p.id) FROM pab_entries p JOIN recipients r"
	" ON r.id = p.mailbox_id ORDER BY 1, 3, 4",
	"SELECT count(*) FROM ledger",
};

static char *dump(const char *db)
{
	struct ccm_buf out = CCM_BUF_INIT;
	sqlite3 *h;

	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (size_t q = 0; q < sizeof(dump_queries) / sizeof(dump_queries[0]); q++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(h, dump_queries[q], -1, &st, NULL) != SQLITE_OK)
			fail_msg("dump query %zu: %s", q, sqlite3_errmsg(h));
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const unsigned char *v = sqlite3_column_text(st, c);
				ccm_buf_addf(&out, "%s\t", v ? (const char *)v : "NULL");
			}
			ccm_buf_addch(&out, '\n');
		}
		sqlite3_finalize(st);
		ccm_buf_addf(&out, "--\n");
	}
	{
		/* The store stays sound: integrity and foreign keys. */
		sqlite3_stmt *st;
		sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
		sqlite3_finalize(st);
		sqlite3_prepare_v2(h, "PRAGMA foreign_key_check", -1, &st, NULL);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
	return ccm_buf_detach(&out, NULL);
}

static int import_into(const char *db, const char *pkl)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_import_opts o = { 1, "America/New_York", NULL };
	struct ccm_import_stats st;
	struct ccm_store *s;
	struct ccm_error err;
	int rc;

	if (ccm_store_open(&s, db, CCM_STORE_CREATE, &err) < 0)
		fail_msg("open %s: %s", db, err.msg);
	rc = ccm_import(s, pkl, &o, &rep, &st, &err);
	ccm_store_close(s);
	ccm_diaglist_release(&diags);
	if (rc < 0)
		fail_msg("import: %s", err.msg);
	return (int)st.rows;
}

static void import_killed_anywhere_then_rerun_equals_uninterrupted(void **state)
{
	char *dir = tu_mkdtemp(), *po = tu_path(dir, "po"), *set = tu_path(dir, "set");
	char pkl[8192], db[8192], *want;
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_extract_opts xo = { 0 };
	struct ccm_extract_stats xs;
	struct ccm_bundle *b;
	struct ccm_error err;
	int rows;

	(void)state;
	assert_int_equal(tu_system("'%s' gen '%s' --users 12 --messages 6 --seed 21 "
				   "--max-attachment 100K >/dev/null", CCMIG_BIN, po), 0);
	assert_int_equal(ccm_bundle_open(&b, po, &rep, &err), 0);
	assert_int_equal(ccm_extract(b, set, &xo, &xs, &err), 0);
	ccm_bundle_free(b);
	snprintf(pkl, sizeof(pkl), "%s/%s", set, xs.pkl);
	snprintf(db, sizeof(db), "%s/ref.db", dir);
	rows = import_into(db, pkl);
	want = dump(db);
	assert_true(rows > KILL_POINTS);

	for (int k = 0; k < KILL_POINTS; k++) {
		/* Seeded points spread over the run, first and last rows too. */
		long at = 1 + (long)k * (rows - 1) / (KILL_POINTS - 1);
		char *got;
		pid_t pid;
		int status;

		snprintf(db, sizeof(db), "%s/kill%02d.db", dir, k);
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			char v[32];
			snprintf(v, sizeof(v), "%ld", at);
			setenv("CCMIG_TEST_KILL_AT", v, 1);
			import_into(db, pkl);
			_exit(0);      /* not reached when the kill point is hit */
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			fail_msg("the import meant to die at row %ld %s %d", at,
				 WIFSIGNALED(status) ? "died of signal" : "exited with",
				 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		import_into(db, pkl);
		got = dump(db);
		if (strcmp(got, want) != 0)
			fail_msg("killed at row %ld of %d: the store differs from an "
				 "uninterrupted import", at, rows);
		free(got);
	}
	free(want);
	ccm_diaglist_release(&diags);
	tu_rmtree(dir);
	free(dir);
	free(po);
	free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(import_killed_anywhere_then_rerun_equals_uninterrupted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
