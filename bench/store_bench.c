/* store_bench.c: the store's message path against plain prepared-statement
 * inserts of the same rows into the same tables.
 *
 * The importer is held to 0.7x the rate of plain inserts with large
 * transactions. This measures both on fresh stores:
 *   plain: INSERT messages / message_recipients / message_headers with
 *          three prepared statements, 10 000 messages per transaction;
 *   store: what the importer does per row: ccm_store_ledger_find,
 *          ccm_store_folder_ensure, ccm_store_message_add,
 *          ccm_store_ledger_record, one transaction per section of
 *          500 messages (one user's mailbox).
 * Built with the project (CMake option CCMIG_BENCH, on by default) as
 * BUILD/store_bench; run it as
 *   BUILD/store_bench [MESSAGES] [DIR]
 * It leaves attachments out: bench/store_baseline.c measures a whole
 * import, blobs included, against SQLite alone (bench/run does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>

#include "store/folders.h"
#include "store/ledger.h"
#include "store/messages.h"
#include "store/recipients.h"
#include "store/store.h"

#define SECTION 500
#define BIG_TX 10000

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const struct ccm_error *err)
{
	fprintf(stderr, "store_bench: %s: %s\n", what, err ? err->msg : "");
	exit(2);
}

static char body[600], subject[64];

static struct ccm_store *fresh(const char *dir, const char *name, long long *mailbox)
{
	char path[1024];
	struct ccm_store *s;
	struct ccm_recipient r = { 0 };
	struct ccm_error err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	remove(path);
	if (ccm_store_open(&s, path, CCM_STORE_CREATE, &err) < 0)
		die("open", &err);
	r.kind = CCM_RECIP_MAILBOX;
	r.alias = "jsmith";
	r.display_name = "John Smith";
	if (ccm_store_recipient_create(s, &r, mailbox, &err) < 0)
		die("mailbox", &err);
	return s;
}

static double plain(const char *dir, long n)
{
	long long mb, folder;
	struct ccm_store *s = fresh(dir, "plain.db", &mb);
	struct ccm_error err;
	sqlite3 *db = ccm_store_db(s);
	sqlite3_stmt *m, *r, *h;
	double t0;

	if (ccm_store_folder_ensure(s, mb, "Inbox", &folder, &err) < 0)
		die("folder", &err);
	sqlite3_prepare_v2(db, "INSERT INTO messages (folder_id, sender_name, sender_address, "
			   "subject, sent_utc, sent_text, received_utc, received_text, priority, "
			   "is_read, is_unsent, body_bytes, body) VALUES (?1, ?2, ?3, ?4, ?5, "
			   "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", -1, &m, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO message_recipients (message_id, seq, kind, "
			   "display_name, address) VALUES (?1, ?2, ?3, ?4, ?5)", -1, &r, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO message_headers (message_id, seq, name, value) "
			   "VALUES (?1, ?2, ?3, ?4)", -1, &h, NULL);
	t0 = now();
	for (long i = 0; i < n; i++) {
		long long id;

		if (i % BIG_TX == 0)
			sqlite3_exec(db, i ? "COMMIT; BEGIN" : "BEGIN", NULL, NULL, NULL);
		sqlite3_bind_int64(m, 1, folder);
		sqlite3_bind_text(m, 2, "Pat Parkes", -1, SQLITE_STATIC);
		sqlite3_bind_text(m, 3, "CCMAIL:Parkes, Pat at SALESPO", -1, SQLITE_STATIC);
		sqlite3_bind_text(m, 4, subject, -1, SQLITE_STATIC);
		sqlite3_bind_int64(m, 5, 795778461 + i);
		sqlite3_bind_text(m, 6, "19950321093421", -1, SQLITE_STATIC);
		sqlite3_bind_int64(m, 7, 795778461 + i);
		sqlite3_bind_text(m, 8, "19950321093421", -1, SQLITE_STATIC);
		sqlite3_bind_int(m, 9, 0);
		sqlite3_bind_int(m, 10, 1);
		sqlite3_bind_int(m, 11, 0);
		sqlite3_bind_int64(m, 12, (long long)strlen(body));
		sqlite3_bind_text(m, 13, body, -1, SQLITE_STATIC);
		if (sqlite3_step(m) != SQLITE_DONE)
			die(sqlite3_errmsg(db), NULL);
		sqlite3_reset(m);
		id = sqlite3_last_insert_rowid(db);
		for (int k = 0; k < 3; k++) {
			sqlite3_bind_int64(r, 1, id);
			sqlite3_bind_int(r, 2, k + 1);
			sqlite3_bind_text(r, 3, k < 2 ? "to" : "cc", -1, SQLITE_STATIC);
			sqlite3_bind_text(r, 4, "Elizabeth Brown", -1, SQLITE_STATIC);
			sqlite3_bind_null(r, 5);
			if (sqlite3_step(r) != SQLITE_DONE)
				die(sqlite3_errmsg(db), NULL);
			sqlite3_reset(r);
		}
		sqlite3_bind_int64(h, 1, id);
		sqlite3_bind_int(h, 2, 1);
		sqlite3_bind_text(h, 3, "RRT", -1, SQLITE_STATIC);
		sqlite3_bind_text(h, 4, "Smith, John at SALESPO", -1, SQLITE_STATIC);
		if (sqlite3_step(h) != SQLITE_DONE)
			die(sqlite3_errmsg(db), NULL);
		sqlite3_reset(h);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	t0 = now() - t0;
	sqlite3_finalize(m);
	sqlite3_finalize(r);
	sqlite3_finalize(h);
	ccm_store_close(s);
	return t0;
}

static double store(const char *dir, long n)
{
	long long mb, src;
	struct ccm_store *s = fresh(dir, "store.db", &mb);
	struct ccm_error err;
	struct ccm_store_rcpt rc[3] = {
		{ CCM_RCPT_TO, "Elizabeth Brown", NULL },
		{ CCM_RCPT_TO, "Elizabeth Brown", NULL },
		{ CCM_RCPT_CC, "Elizabeth Brown", NULL },
	};
	struct ccm_store_header hd = { "RRT", "Smith, John at SALESPO" };
	double t0;

	if (ccm_store_ledger_source(s, "SALESPO", "00000001.PRI", &src, &err) < 0)
		die("source", &err);
	t0 = now();
	for (long i = 0; i < n; i++) {
		struct ccm_store_message m = { 0 };
		long long id;

		if (i % SECTION == 0 && (i == 0 || ccm_store_commit(s, &err) == 0) &&
		    ccm_store_begin(s, &err) < 0)
			die("begin", &err);
		if (ccm_store_ledger_find(NULL, s, src, i + 3, &err) != 0)
			die("ledger", &err);
		if (ccm_store_folder_ensure(s, mb, "Inbox", &m.folder_id, &err) < 0)
			die("folder", &err);
		m.sender_name = "Pat Parkes";
		m.sender_address = "CCMAIL:Parkes, Pat at SALESPO";
		m.subject = subject;
		m.has_sent = m.has_received = 1;
		m.sent_utc = m.received_utc = 795778461 + i;
		m.sent_text = m.received_text = "19950321093421";
		m.read = 1;
		m.body = body;
		m.body_len = strlen(body);
		m.rcpts = rc;
		m.n_rcpts = 3;
		m.headers = &hd;
		m.n_headers = 1;
		if (ccm_store_message_add(s, &m, &id, &err) < 0)
			die("message", &err);
		if (ccm_store_ledger_record(s, src, i + 3, "message", id, &err) < 0)
			die("ledger", &err);
	}
	if (ccm_store_commit(s, &err) < 0)
		die("commit", &err);
	t0 = now() - t0;
	ccm_store_close(s);
	return t0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	double p, s;

	memset(body, 'x', sizeof(body) - 1);
	snprintf(subject, sizeof(subject), "Let's make plans for this Friday");
	p = plain(dir, n);
	s = store(dir, n);
	printf("%ld messages: plain %.0f/s, store %.0f/s, ratio %.2f (held to 0.70)\n",
	       n, n / p, n / s, p / s);
	return p / s >= 0.7 ? 0 : 1;
}
