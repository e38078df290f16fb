/* tally.c: the account of a migration, a row per user and board, from the store alone. */
#include "store/stats.h"
#include "store/store_int.h"

#include <stdint.h>
#include <string.h>

/* The temporary tables of a draw, gone: after it, and before one (what a
 * draw that was stopped left). */
static const char teardown_sql[] =
	"DROP TABLE IF EXISTS temp.ccm_rep_run;"
	"DROP TABLE IF EXISTS temp.ccm_rep_src;"
	"DROP TABLE IF EXISTS temp.ccm_rep_box;"
	"DROP TABLE IF EXISTS temp.ccm_rep_msg;"
	"DROP TABLE IF EXISTS temp.ccm_rep_held;"
	"DROP TABLE IF EXISTS temp.ccm_rep_ev;"
	"DROP TABLE IF EXISTS temp.ccm_rep_prob;"
	"DROP TABLE IF EXISTS temp.ccm_rep_row;";

/*
 * The work is SQL over temporary tables (SQLite keeps them apart from the
 * store, so a read-only handle may make them): the runs whose decisions
 * stand, each owner's source counts, the rows, the messages each row holds
 * and the problems tied to each. Names of events are tied to rows by the
 * match key the store compares names by, given to SQL as ccm_fold().
 */
static const char setup_sql[] =
	"CREATE TEMP TABLE ccm_rep_run AS "
	"  SELECT run_id FROM source_messages WHERE run_id IS NOT NULL "
	"  UNION SELECT run_id FROM source_mailboxes WHERE run_id IS NOT NULL;"
	"INSERT INTO ccm_rep_run SELECT id FROM runs "
	"  WHERE NOT EXISTS (SELECT 1 FROM ccm_rep_run);"
	"CREATE TEMP TABLE ccm_rep_src AS SELECT po, owner, max(owner_name) AS name, "
	"  count(*) AS source, "
	"  count(CASE WHEN decision <> 'left-out' AND message_id IS NOT NULL THEN 1 END) "
	"    AS migrated, "
	"  count(CASE WHEN decision = 'kept' AND message_id IS NOT NULL THEN 1 END) AS kept, "
	"  count(CASE WHEN decision = 'left-out' THEN 1 END) AS left_out, "
	"  count(CASE WHEN decision <> 'left-out' AND message_id IS NULL THEN 1 END) "
	"    AS unaccounted "
	"  FROM source_messages GROUP BY po, owner;"
	"CREATE INDEX temp.ccm_rep_src_key ON ccm_rep_src(po, owner);"
	"CREATE TEMP TABLE ccm_rep_box (id INTEGER PRIMARY KEY, kind TEXT, po TEXT, "
	"  owner TEXT, k TEXT, name TEXT, mailbox_id INTEGER, folder_id INTEGER, "
	"  user_decision TEXT, user_reason TEXT);"
	"INSERT INTO ccm_rep_box (kind, po, owner, k, name) "
	"  SELECT CASE WHEN substr(owner, 1, 2) = 'b:' THEN 'board' ELSE 'user' END, "
	"  po, owner, substr(owner, 3), max(name) FROM ("
	"    SELECT po, owner, name FROM ccm_rep_src "
	"    UNION ALL SELECT po, owner, owner_name FROM source_mailboxes) "
	"  GROUP BY po, owner;"
	"UPDATE ccm_rep_box SET user_decision = m.decision, user_reason = m.reason "
	"  FROM source_mailboxes m WHERE m.po = ccm_rep_box.po "
	"  AND m.owner = ccm_rep_box.owner;"
	/* A user's mailbox is the one with its cc:Mail address; failing that
	 * (a policy gave it other addresses), where its messages went. */
	"UPDATE ccm_rep_box SET mailbox_id = (SELECT a.recipient_id FROM addresses a "
	"  JOIN recipients r ON r.id = a.recipient_id WHERE a.type = 'CCMAIL' "
	"  AND a.match_key = ccm_rep_box.k || ' at ' || ccm_fold(ccm_rep_box.po) "
	"  AND r.kind = 'mailbox') WHERE kind = 'user';"
	"UPDATE ccm_rep_box SET mailbox_id = (SELECT f.mailbox_id FROM source_messages s "
	"  JOIN messages m ON m.id = s.message_id JOIN folders f ON f.id = m.folder_id "
	"  WHERE s.po = ccm_rep_box.po AND s.owner = ccm_rep_box.owner "
	"  AND f.mailbox_id IS NOT NULL LIMIT 1) "
	"  WHERE kind = 'user' AND mailbox_id IS NULL;"
	"UPDATE ccm_rep_box SET folder_id = (SELECT m.folder_id FROM source_messages s "
	"  JOIN messages m ON m.id = s.message_id WHERE s.po = ccm_rep_box.po "
	"  AND s.owner = ccm_rep_box.owner LIMIT 1) WHERE kind = 'board';"
	/* Mailboxes no source record names: another tool's set, an older
	 * store. */
	"INSERT INTO ccm_rep_box (kind, po, k, name, mailbox_id) "
	"  SELECT 'user', upper(ifnull(ccmail_po, '')), "
	"  ccm_fold(coalesce(ccmail_name, display_name)), "
	"  coalesce(ccmail_name, display_name), id FROM recipients "
	"  WHERE kind = 'mailbox' AND id NOT IN "
	"  (SELECT mailbox_id FROM ccm_rep_box WHERE mailbox_id IS NOT NULL);"
	"CREATE TEMP TABLE ccm_rep_msg AS SELECT b.id AS box, m.id AS id, "
	"  m.body_bytes AS body, "
	"  coalesce(nullif(m.sent_utc, 0), nullif(m.received_utc, 0)) AS t "
	"  FROM ccm_rep_box b JOIN folders f ON f.mailbox_id = b.mailbox_id "
	"  JOIN messages m ON m.folder_id = f.id AND m.parent_id IS NULL "
	"  WHERE b.mailbox_id IS NOT NULL;"
	"INSERT INTO ccm_rep_msg SELECT b.id, m.id, m.body_bytes, "
	"  coalesce(nullif(m.sent_utc, 0), nullif(m.received_utc, 0)) "
	"  FROM ccm_rep_box b JOIN messages m ON m.folder_id = b.folder_id "
	"  AND m.parent_id IS NULL WHERE b.kind = 'board';"
	"CREATE TEMP TABLE ccm_rep_held AS SELECT r.box AS box, count(*) AS messages, "
	"  sum(r.body) + ifnull(sum(a.bytes), 0) AS bytes, ifnull(sum(a.n), 0) AS atts, "
	"  min(r.t) AS oldest, max(r.t) AS newest FROM ccm_rep_msg r "
	"  LEFT JOIN (SELECT message_id, count(*) AS n, sum(size) AS bytes "
	"    FROM attachments GROUP BY message_id) a ON a.message_id = r.id "
	"  GROUP BY r.box;"
	"CREATE TEMP TABLE ccm_rep_ev AS SELECT ccm_fold(mailbox) AS k, severity, kind, "
	"  file, message FROM events WHERE severity <> 'note' "
	"  AND run_id IN (SELECT run_id FROM ccm_rep_run);"
	"CREATE INDEX temp.ccm_rep_ev_k ON ccm_rep_ev(k);"
	"CREATE TEMP TABLE ccm_rep_prob AS SELECT b.id AS box, count(*) AS problems, "
	"  count(CASE e.severity WHEN 'error' THEN 1 END) AS errors, "
	"  count(DISTINCT CASE WHEN e.message > 0 THEN ifnull(e.file, '') || ':' || "
	"    e.message END) AS damaged "
	"  FROM ccm_rep_box b JOIN ccm_rep_ev e ON e.k = b.k GROUP BY b.id;"
	"CREATE TEMP TABLE ccm_rep_row (n INTEGER PRIMARY KEY, box INTEGER);"
	"INSERT INTO ccm_rep_row (box) SELECT id FROM ccm_rep_box "
	"  ORDER BY po, kind DESC, name COLLATE NOCASE, id;";

static const char rows_sql[] =
	"SELECT b.kind, b.po, b.name, ifnull(r.alias, ''), ifnull(r.display_name, ''), "
	"  ifnull(f.path, ''), ifnull(b.user_decision, ''), ifnull(b.user_reason, ''), "
	"  ifnull(b.mailbox_id, 0), ifnull(s.source, 0), ifnull(s.migrated, 0), "
	"  ifnull(s.kept, 0), ifnull(s.left_out, 0), ifnull(s.unaccounted, 0), "
	"  ifnull(p.problems, 0), ifnull(p.errors, 0), ifnull(p.damaged, 0), "
	"  ifnull(h.messages, 0), ifnull(h.bytes, 0), ifnull(h.atts, 0), "
	"  ifnull(h.oldest, 0), ifnull(h.newest, 0) "
	"FROM ccm_rep_row o JOIN ccm_rep_box b ON b.id = o.box "
	"LEFT JOIN recipients r ON r.id = b.mailbox_id "
	"LEFT JOIN folders f ON f.id = b.folder_id "
	"LEFT JOIN ccm_rep_src s ON s.po = b.po AND s.owner = b.owner "
	"LEFT JOIN ccm_rep_prob p ON p.box = b.id "
	"LEFT JOIN ccm_rep_held h ON h.box = b.id ORDER BY o.n";

enum { BOX_TEXTS = 8 };

/* Strings go into one buffer as offsets while it grows; pointers are set
 * once it is whole (tally_fix). Offset 0 is "". */
struct build {
	struct ccm_store_tally *t;
	struct ccm_buf box_text;    /* BOX_TEXTS offsets a row */
	struct ccm_buf named_text;  /* 2 offsets a named count */
	struct ccm_buf reason_text; /* 1 offset a reason */
	struct ccm_buf named_list;  /* which list each named count is in */
	int list;                   /* the list add_named() fills now */
};

static size_t text(struct ccm_store_tally *t, const char *s)
{
	size_t off;

	if (!s || !*s)
		return 0;
	off = t->mem_text.len;
	ccm_buf_add(&t->mem_text, s, strlen(s) + 1);
	return off;
}

const char *ccm_box_status_name(int status)
{
	switch (status) {
	case CCM_BOX_COMPLETE: return "complete";
	case CCM_BOX_DECIDED: return "complete with decisions";
	default: return "incomplete";
	}
}

static void fold_fn(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	const unsigned char *t = sqlite3_value_text(v[0]);
	struct ccm_buf b = CCM_BUF_INIT;

	(void)argc;
	if (!t) {
		sqlite3_result_null(cx);
		return;
	}
	ccm_store_fold(&b, (const char *)t);
	sqlite3_result_text(cx, b.ptr, (int)b.len, SQLITE_TRANSIENT);
	ccm_buf_release(&b);
}

/* Runs sql (fixed text), calling row() for each row it gives. */
static int each(struct ccm_store *s, const char *sql,
		void (*row)(struct build *b, sqlite3_stmt *st), struct build *b,
		struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "drawing up the report");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row(b, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "drawing up the report");
	return 0;
}

static long long col(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

static void add_box(struct build *b, sqlite3_stmt *st)
{
	struct ccm_store_tally *t = b->t;
	struct ccm_store_box x;
	size_t offs[BOX_TEXTS];

	memset(&x, 0, sizeof(x));
	for (int i = 0; i < BOX_TEXTS; i++)
		offs[i] = text(t, ccm_col_text(st, i));
	x.mailbox_id = col(st, 8);
	x.source = col(st, 9);
	x.migrated = col(st, 10);
	x.kept = col(st, 11);
	x.left_out = col(st, 12);
	x.unaccounted = col(st, 13);
	x.problems = col(st, 14);
	x.errors = col(st, 15);
	x.damaged = col(st, 16);
	x.messages = col(st, 17);
	x.bytes = col(st, 18);
	x.attachments = col(st, 19);
	x.oldest = col(st, 20);
	x.newest = col(st, 21);
	ccm_buf_add(&t->mem_rows, &x, sizeof(x));
	ccm_buf_add(&b->box_text, offs, sizeof(offs));
}

static void add_reason(struct build *b, sqlite3_stmt *st)
{
	size_t off = text(b->t, ccm_col_text(st, 0));

	ccm_buf_add(&b->reason_text, &off, sizeof(off));
}

enum { L_DECISIONS, L_PROBLEMS, L_YEARS };

static void add_named(struct build *b, sqlite3_stmt *st)
{
	struct ccm_store_named n = { NULL, NULL, col(st, 2) };
	size_t offs[2] = { text(b->t, ccm_col_text(st, 0)),
			   text(b->t, ccm_col_text(st, 1)) };
	int list = b->list;

	ccm_buf_add(&b->t->mem_named, &n, sizeof(n));
	ccm_buf_add(&b->named_text, offs, sizeof(offs));
	ccm_buf_add(&b->named_list, &list, sizeof(list));
}

/* A row's count of messages left out for one reason: (row n, reason
 * index, count); the reasons are sorted as the query sorts them. */
static void add_left_out(struct build *b, sqlite3_stmt *st)
{
	struct ccm_store_tally *t = b->t;
	const size_t *roffs = (const size_t *)b->reason_text.ptr;
	size_t nr = b->reason_text.len / sizeof(size_t);
	long long n = col(st, 0);
	const char *reason = ccm_col_text(st, 1);
	long long *counts = (long long *)t->mem_counts.ptr;

	if (!reason)
		reason = "";
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(t->mem_text.ptr + roffs[i], reason) && n >= 1 &&
		    (size_t)n <= t->mem_rows.len / sizeof(struct ccm_store_box))
			counts[(size_t)(n - 1) * nr + i] += col(st, 2);
}

static void add_totals(struct build *b, sqlite3_stmt *st)
{
	struct ccm_store_tally *t = b->t;

	t->post_offices = col(st, 0);
	t->errors = col(st, 1);
	t->warnings = col(st, 2);
	t->loose_problems = col(st, 3);
	t->runs = col(st, 4);
	t->standing_runs = col(st, 5);
	t->imap_exports = col(st, 6);
	t->imap_sent = col(st, 7);
	t->imap_waits = col(st, 8);
	t->imap_throttled = col(st, 9);
}

/* Sets the pointers of rows, reasons and named counts into the strings,
 * now that they move no more, and sums the rows. */
static void tally_fix(struct build *b)
{
	struct ccm_store_tally *t = b->t;
	const char *base = t->mem_text.ptr;
	const size_t *bo = (const size_t *)b->box_text.ptr;
	const size_t *no = (const size_t *)b->named_text.ptr;
	const size_t *ro = (const size_t *)b->reason_text.ptr;
	const int *which = (const int *)b->named_list.ptr;
	struct ccm_store_named *named = (struct ccm_store_named *)t->mem_named.ptr;
	size_t nn = t->mem_named.len / sizeof(*named);

	t->n_reasons = b->reason_text.len / sizeof(size_t);
	ccm_buf_grow(&t->mem_ptrs, t->n_reasons * sizeof(char *));
	t->reasons = (const char **)(void *)t->mem_ptrs.ptr;
	for (size_t i = 0; i < t->n_reasons; i++)
		t->reasons[i] = base + ro[i];
	t->boxes = (struct ccm_store_box *)t->mem_rows.ptr;
	t->n_boxes = t->mem_rows.len / sizeof(struct ccm_store_box);
	for (size_t i = 0; i < t->n_boxes; i++) {
		struct ccm_store_box *x = &t->boxes[i];
		const size_t *o = bo + i * BOX_TEXTS;

		x->kind = base + o[0];
		x->po = base + o[1];
		x->name = base + o[2];
		x->alias = base + o[3];
		x->display_name = base + o[4];
		x->folder = base + o[5];
		x->user_decision = base + o[6];
		x->user_reason = base + o[7];
		x->left_out_by = (const long long *)(void *)t->mem_counts.ptr +
				 i * t->n_reasons;
		x->status = x->problems || x->unaccounted ? CCM_BOX_INCOMPLETE
			    : x->left_out || x->kept ||
			      strcmp(x->user_decision, "left-out") == 0 ||
			      strcmp(x->user_decision, "kept") == 0 ? CCM_BOX_DECIDED
			    : CCM_BOX_COMPLETE;
		if (!strcmp(x->kind, "board"))
			t->boards++;
		else
			t->users++;
		if (!strcmp(x->user_decision, "left-out"))
			t->users_left_out++;
		t->source += x->source;
		t->migrated += x->migrated;
		t->kept += x->kept;
		t->left_out += x->left_out;
		t->unaccounted += x->unaccounted;
		t->damaged += x->damaged;
		t->messages += x->messages;
		t->bytes += x->bytes;
		t->attachments += x->attachments;
	}
	t->problems = t->errors + t->warnings;
	/* The named counts lie in one array, each list in one stretch. */
	for (size_t i = 0; i < nn; i++) {
		named[i].what = base + no[2 * i];
		named[i].name = base + no[2 * i + 1];
	}
	for (size_t i = 0, start = 0; i <= nn; i++) {
		if (i < nn && (i == start || which[i] == which[start]))
			continue;
		if (i > start) {
			struct ccm_store_named **list = which[start] == L_DECISIONS
				? &t->decisions : which[start] == L_PROBLEMS
				? &t->problem_kinds : &t->years;
			size_t *n = which[start] == L_DECISIONS ? &t->n_decisions
				    : which[start] == L_PROBLEMS ? &t->n_problem_kinds
				    : &t->n_years;
			*list = named + start;
			*n = i - start;
		}
		start = i;
	}
}

static void build_release(struct build *b)
{
	ccm_buf_release(&b->box_text);
	ccm_buf_release(&b->named_text);
	ccm_buf_release(&b->reason_text);
	ccm_buf_release(&b->named_list);
}

/* A run of ccmig export to an IMAP server: its args are the URL. */
#define IMAP_RUN "command = 'export' AND (args LIKE 'imap://%' OR args LIKE 'imaps://%')"

static int draw(struct build *b, struct ccm_store *s, struct ccm_error *err)
{
	struct ccm_store_tally *t = b->t;
	char *msg = NULL;
	size_t nr;
	int rc;

	rc = sqlite3_exec(s->db, teardown_sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	msg = NULL;
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, setup_sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	if (rc != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "drawing up the report");
	if ((rc = each(s, "SELECT DISTINCT ifnull(reason, '') FROM source_messages "
		       "WHERE decision = 'left-out' ORDER BY 1", add_reason, b, err)) < 0 ||
	    (rc = each(s, rows_sql, add_box, b, err)) < 0)
		return rc;
	nr = b->reason_text.len / sizeof(size_t);
	{
		size_t n = t->mem_rows.len / sizeof(struct ccm_store_box) * nr;

		ccm_buf_grow(&t->mem_counts, n * sizeof(long long));
		memset(t->mem_counts.ptr, 0, n * sizeof(long long));
		t->mem_counts.len = n * sizeof(long long);
	}
	if ((rc = each(s, "SELECT o.n, ifnull(m.reason, ''), count(*) FROM ccm_rep_row o "
		       "JOIN ccm_rep_box b ON b.id = o.box JOIN source_messages m "
		       "ON m.po = b.po AND m.owner = b.owner "
		       "WHERE m.decision = 'left-out' GROUP BY o.n, m.reason",
		       add_left_out, b, err)) < 0)
		return rc;
	b->list = L_DECISIONS;
	if ((rc = each(s, "SELECT 'message ' || decision, ifnull(reason, ''), count(*) "
		       "FROM source_messages WHERE decision IN ('left-out', 'kept') "
		       "GROUP BY decision, reason UNION ALL "
		       "SELECT 'user ' || decision, ifnull(reason, ''), count(*) "
		       "FROM source_mailboxes WHERE decision IN ('left-out', 'kept') "
		       "GROUP BY decision, reason ORDER BY 1, 2", add_named, b, err)) < 0)
		return rc;
	b->list = L_PROBLEMS;
	if ((rc = each(s, "SELECT severity, kind, count(*) FROM ccm_rep_ev "
		       "GROUP BY severity, kind ORDER BY CASE severity WHEN 'error' "
		       "THEN 0 ELSE 1 END, kind", add_named, b, err)) < 0)
		return rc;
	b->list = L_YEARS;
	if ((rc = each(s, "SELECT '', ifnull(strftime('%Y', t, 'unixepoch'), 'undated'), "
		       "count(*) FROM ccm_rep_msg GROUP BY 2 ORDER BY 2", add_named,
		       b, err)) < 0)
		return rc;
	return each(s, "SELECT (SELECT count(DISTINCT po) FROM ccm_rep_box WHERE po <> ''), "
		    "(SELECT count(*) FROM ccm_rep_ev WHERE severity = 'error'), "
		    "(SELECT count(*) FROM ccm_rep_ev WHERE severity = 'warning'), "
		    "(SELECT count(*) FROM ccm_rep_ev WHERE k IS NULL OR k NOT IN "
		    "  (SELECT k FROM ccm_rep_box WHERE k IS NOT NULL)), "
		    "(SELECT count(*) FROM runs), (SELECT count(*) FROM ccm_rep_run), "
		    "(SELECT count(*) FROM runs WHERE " IMAP_RUN "), "
		    "(SELECT ifnull(sum(c.value), 0) FROM run_counts c JOIN runs r "
		    "  ON r.id = c.run_id WHERE c.name = 'messages' AND " IMAP_RUN "), "
		    "(SELECT ifnull(sum(c.value), 0) FROM run_counts c JOIN runs r "
		    "  ON r.id = c.run_id WHERE c.name = 'waits' AND " IMAP_RUN "), "
		    "(SELECT count(*) FROM events WHERE kind = 'imap-throttled')",
		    add_totals, b, err);
}

int ccm_store_tally(struct ccm_store_tally *out, struct ccm_store *s,
		    struct ccm_error *err)
{
	struct build b = { out, CCM_BUF_INIT, CCM_BUF_INIT, CCM_BUF_INIT, CCM_BUF_INIT,
			   L_DECISIONS };
	int rc;

	memset(out, 0, sizeof(*out));
	ccm_buf_init(&out->mem_rows);
	ccm_buf_init(&out->mem_counts);
	ccm_buf_init(&out->mem_text);
	ccm_buf_init(&out->mem_named);
	ccm_buf_init(&out->mem_ptrs);
	ccm_buf_addch(&out->mem_text, '\0');   /* offset 0: "" */
	rc = sqlite3_create_function(s->db, "ccm_fold", 1,
				     SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				     fold_fn, NULL, NULL);
	if (rc != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "drawing up the report");
	/* query_only (read-only handles set it) refuses temporary tables
	 * too. While it is off only the SQL above runs, and that writes
	 * temporary tables alone (kept apart from the store's file), so the
	 * store stays unwritten. */
	if (s->readonly)
		sqlite3_exec(s->db, "PRAGMA query_only = OFF", NULL, NULL, NULL);
	rc = draw(&b, s, err);
	sqlite3_exec(s->db, teardown_sql, NULL, NULL, NULL);
	if (s->readonly)
		sqlite3_exec(s->db, "PRAGMA query_only = ON", NULL, NULL, NULL);
	if (rc == 0)
		tally_fix(&b);
	build_release(&b);
	return rc;
}

void ccm_store_tally_release(struct ccm_store_tally *t)
{
	ccm_buf_release(&t->mem_rows);
	ccm_buf_release(&t->mem_counts);
	ccm_buf_release(&t->mem_text);
	ccm_buf_release(&t->mem_named);
	ccm_buf_release(&t->mem_ptrs);
	memset(t, 0, sizeof(*t));
}
