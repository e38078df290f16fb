/* test_crash.c: an import, a migration and a Maildir export killed with
 * SIGKILL at any point and run again end with exactly what an
 * uninterrupted run makes: no message twice, none missing, the store
 * sound and verified against the post office. */
#include "testutil.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/fault.h"
#include "base/sha256.h"
#include "ccmail/bundle.h"
#include "iff/extract.h"
#include "export/maildir.h"
#include "flow/import.h"
#include "flow/migrate.h"
#include "flow/verify.h"

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
	struct ccm_import_opts o = { 1, "America/New_York", NULL, 0, NULL, NULL, NULL, NULL };
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

/*
 * A crash case: `run` does the work into target k (-1: the reference), and
 * `dump` gives what the run leaves there, in a canonical form.
 */
struct crash_case {
	const char *what;            /* "import" ... */
	char dir[4096], po[4200], pkl[8400];
	char target[8400];           /* the store or folder of the last run */
	void (*run)(struct crash_case *c);
	char *(*dump)(struct crash_case *c);
};

/* The child must have died at its kill point, not ended another way. */
static void expect_killed(pid_t pid, const char *what, long at)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("the %s meant to die at fault point %ld %s %d", what, at,
			 WIFSIGNALED(status) ? "died of signal" : "exited with",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

/*
 * Runs c once uninterrupted into "ref", counting its fault points; then,
 * for KILL_POINTS points spread over the run (the first and last too),
 * into a fresh target: killed there with SIGKILL, run again, and its dump
 * compared with the reference's.
 */
static void kill_everywhere(struct crash_case *c, const char *ext)
{
	char *want;
	long points;

	snprintf(c->target, sizeof(c->target), "%s/ref%s", c->dir, ext);
	ccm_fault_arm(0);
	c->run(c);
	points = ccm_fault_count();
	want = c->dump(c);
	assert_true(points > KILL_POINTS);
	for (int k = 0; k < KILL_POINTS; k++) {
		long at = 1 + (long)k * (points - 1) / (KILL_POINTS - 1);
		char *got;
		pid_t pid;

		snprintf(c->target, sizeof(c->target), "%s/kill%02d%s", c->dir, k, ext);
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			ccm_fault_arm(at);
			c->run(c);
			_exit(0);      /* not reached when the kill point is hit */
		}
		expect_killed(pid, c->what, at);
		c->run(c);
		got = c->dump(c);
		if (strcmp(got, want) != 0)
			fail_msg("%s killed at fault point %ld of %ld and run again differs "
				 "from an uninterrupted one:\n%s\n-- instead of --\n%s",
				 c->what, at, points, got, want);
		free(got);
	}
	free(want);
}

static void crash_case_init(struct crash_case *c, const char *what, const char *gen)
{
	char *dir = tu_mkdtemp();

	memset(c, 0, sizeof(*c));
	c->what = what;
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	snprintf(c->po, sizeof(c->po), "%s/po", dir);
	free(dir);
	assert_int_equal(tu_system("'%s' gen '%s' %s >/dev/null", CCMIG_BIN, c->po, gen), 0);
}

static void run_import(struct crash_case *c)
{
	import_into(c->target, c->pkl);
}

static char *dump_store(struct crash_case *c)
{
	return dump(c->target);
}

static void import_killed_anywhere_then_rerun_equals_uninterrupted(void **state)
{
	struct crash_case c;
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_extract_opts xo = { 0 };
	struct ccm_extract_stats xs;
	struct ccm_bundle *b;
	struct ccm_error err;
	char set[4300];

	(void)state;
	crash_case_init(&c, "import", "--users 12 --messages 6 --seed 21 --max-attachment 100K");
	snprintf(set, sizeof(set), "%s/set", c.dir);
	assert_int_equal(ccm_bundle_open(&b, c.po, &rep, &err), 0);
	assert_int_equal(ccm_extract(b, set, &xo, &xs, &err), 0);
	ccm_bundle_free(b);
	ccm_diaglist_release(&diags);
	snprintf(c.pkl, sizeof(c.pkl), "%s/%s", set, xs.pkl);
	c.run = run_import;
	c.dump = dump_store;
	kill_everywhere(&c, ".db");
	tu_rmtree(c.dir);
}

/* One migration of bundle `po` into store `db`; fails the test on error. */
static void migrate_into(const char *db, const char *po)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_migrate_opts o;
	struct ccm_migrate_stats st;
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;

	memset(&o, 0, sizeof(o));
	o.create_mailboxes = 1;
	o.extract.keep_r8 = 1;       /* all of it, so that verify finds all */
	if (ccm_bundle_open(&b, po, &rep, &err) < 0)
		fail_msg("bundle %s: %s", po, err.msg);
	if (ccm_store_open(&s, db, CCM_STORE_CREATE, &err) < 0)
		fail_msg("open %s: %s", db, err.msg);
	if (ccm_migrate(b, s, &o, &st, &err) < 0)
		fail_msg("migrate: %s", err.msg);
	ccm_store_close(s);
	ccm_bundle_free(b);
	ccm_diaglist_release(&diags);
}

static void run_migrate(struct crash_case *c)
{
	migrate_into(c->target, c->po);
}

/* The store's dump, once verify finds the whole post office in it and the
 * files a killed run left beside it are gone. */
static char *dump_verified_store(struct crash_case *c)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_verify_stats vs;
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;
	char left[8500];
	struct stat sb;

	assert_int_equal(ccm_bundle_open(&b, c->po, &rep, &err), 0);
	assert_int_equal(ccm_store_open(&s, c->target, CCM_STORE_READONLY, &err), 0);
	assert_int_equal(ccm_verify(b, s, NULL, &vs, &err), 0);
	if (vs.missing || vs.extra || vs.no_mailbox || !vs.store_messages)
		fail_msg("%s: %lu missing, %lu extra, %lu users without mailbox", c->target,
			 vs.missing, vs.extra, vs.no_mailbox);
	ccm_store_close(s);
	ccm_bundle_free(b);
	ccm_diaglist_release(&diags);
	snprintf(left, sizeof(left), "%s.migrating", c->target);
	assert_int_not_equal(lstat(left, &sb), 0);
	return dump(c->target);
}

static void migrate_killed_anywhere_then_rerun_equals_uninterrupted(void **state)
{
	struct crash_case c;

	(void)state;
	crash_case_init(&c, "migration", "--users 10 --messages 5 --seed 22 --max-attachment 64K");
	c.run = run_migrate;
	c.dump = dump_verified_store;
	kill_everywhere(&c, ".db");
	tu_rmtree(c.dir);
}

/* Every folder and file under root (tmp/ included) as "path size sha256"
 * lines in name order: a canonical dump of a Maildir tree. */
static void dump_tree(const char *root, const char *rel, struct ccm_buf *out)
{
	struct ccm_buf path = CCM_BUF_INIT, sub = CCM_BUF_INIT;
	struct dirent **names;
	int n;

	ccm_buf_addf(&path, "%s%s%s", root, *rel ? "/" : "", rel);
	n = scandir(path.ptr, &names, NULL, alphasort);
	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		const char *d = names[i]->d_name;
		struct stat sb;

		if (!strcmp(d, ".") || !strcmp(d, "..")) {
			free(names[i]);
			continue;
		}
		ccm_buf_reset(&sub);
		ccm_buf_addf(&sub, "%s%s%s", rel, *rel ? "/" : "", d);
		ccm_buf_reset(&path);
		ccm_buf_addf(&path, "%s/%s", root, sub.ptr);
		free(names[i]);
		assert_int_equal(lstat(path.ptr, &sb), 0);
		if (S_ISDIR(sb.st_mode)) {
			ccm_buf_addf(out, "%s/\n", sub.ptr);
			dump_tree(root, sub.ptr, out);
		} else {
			struct ccm_sha256 h;
			unsigned char d32[32];
			char hex[65];
			size_t len;
			char *data = tu_slurp(path.ptr, &len);

			assert_non_null(data);
			ccm_sha256_init(&h);
			ccm_sha256_update(&h, data, len);
			ccm_sha256_final(d32, &h);
			ccm_sha256_hex(hex, d32);
			/* Not the file time: an undated message gets the clock's. */
			ccm_buf_addf(out, "%s %zu %s\n", sub.ptr, len, hex);
			free(data);
		}
	}
	free(names);
	ccm_buf_release(&path);
	ccm_buf_release(&sub);
}

static void run_maildir_export(struct crash_case *c)
{
	struct ccm_maildir_stats st;
	struct ccm_store *s;
	struct ccm_error err;

	if (ccm_store_open(&s, c->pkl, CCM_STORE_READONLY, &err) < 0)
		fail_msg("open %s: %s", c->pkl, err.msg);
	if (ccm_maildir_export(s, c->target, NULL, &st, &err) < 0)
		fail_msg("export: %s", err.msg);
	ccm_store_close(s);
}

static char *dump_maildir(struct crash_case *c)
{
	struct ccm_buf out = CCM_BUF_INIT;

	dump_tree(c->target, "", &out);
	return ccm_buf_detach(&out, NULL);
}

static void maildir_export_killed_anywhere_then_rerun_equals_uninterrupted(void **state)
{
	struct crash_case c;

	(void)state;
	crash_case_init(&c, "Maildir export", "--users 8 --messages 5 --seed 23 "
			"--max-attachment 64K");
	/* The store to export (kept in c.pkl, which this case has no use for). */
	snprintf(c.pkl, sizeof(c.pkl), "%s/s.db", c.dir);
	migrate_into(c.pkl, c.po);
	c.run = run_maildir_export;
	c.dump = dump_maildir;
	kill_everywhere(&c, "");
	tu_rmtree(c.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(import_killed_anywhere_then_rerun_equals_uninterrupted),
		cmocka_unit_test(migrate_killed_anywhere_then_rerun_equals_uninterrupted),
		cmocka_unit_test(maildir_export_killed_anywhere_then_rerun_equals_uninterrupted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
