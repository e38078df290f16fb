/* merge.c: a part store merged into another, row sets moved by SQL. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "store/merge.h"
#include "store/recipients.h"
#include "store/store_int.h"
#include "base/fault.h"
#include "base/pidlock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * The part is attached to the merged store's connection as "part" and
 * its rows move with INSERT ... SELECT through maps of ids (temporary
 * tables m_*: a part's id, the merged store's, and whether the row is
 * new there), so that memory stays flat however large the part: only
 * the directory's new recipients pass through C, one at a time, to make
 * their aliases unique. Parameters of every statement: :puid (the
 * part's store_uid), :auid (the merged store's), :part (its path).
 */
struct mx {
	struct ccm_store *s;
	const char *part;
	struct ccm_buf puid, auid;
	struct ccm_merge_stats *st;
	int content;                    /* bodies and attachment bytes too */
	struct ccm_error *err;
};

static const char teardown_sql[] =
	"DROP TABLE IF EXISTS temp.m_run; DROP TABLE IF EXISTS temp.m_rcp;"
	"DROP TABLE IF EXISTS temp.m_fld; DROP TABLE IF EXISTS temp.m_pab;"
	"DROP TABLE IF EXISTS temp.s_m; DROP TABLE IF EXISTS temp.s_b;"
	"DROP TABLE IF EXISTS temp.m_top; DROP TABLE IF EXISTS temp.m_msg;"
	"DROP TABLE IF EXISTS temp.m_blob; DROP TABLE IF EXISTS temp.m_any;"
	"DROP TABLE IF EXISTS temp.m_src; DROP TABLE IF EXISTS temp.m_notice;";

static int fail(struct mx *x, int rc, const char *step)
{
	/* The merged store is a fresh copy: damage is the part's. */
	if ((rc & 0xFF) == SQLITE_CORRUPT || (rc & 0xFF) == SQLITE_NOTADB)
		return ccm_error_set(x->err, CCM_EMALFORMED, "part '%s' is damaged (%s, "
				     "reading its %s): check it with 'sqlite3 %s \"PRAGMA "
				     "integrity_check\"', then restore it from a backup or "
				     "leave it out", x->part, sqlite3_errstr(rc), step,
				     x->part);
	return ccm_st_fail(x->s, rc, x->err, "merging store '%s' (%s)", x->part, step);
}

static void bind_params(struct mx *x, sqlite3_stmt *st)
{
	int i;

	if ((i = sqlite3_bind_parameter_index(st, ":puid")) > 0)
		sqlite3_bind_text(st, i, x->puid.ptr, (int)x->puid.len, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":auid")) > 0)
		sqlite3_bind_text(st, i, x->auid.ptr, (int)x->auid.len, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":part")) > 0)
		sqlite3_bind_text(st, i, x->part, -1, SQLITE_STATIC);
	if ((i = sqlite3_bind_parameter_index(st, ":content")) > 0)
		sqlite3_bind_int(st, i, x->content);
}

/* Runs one statement of `sql` (fixed text); *n, when given, gets the
 * rows it changed, or the first column of its first row. */
static int run(struct mx *x, const char *step, const char *sql, long long *n)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(x->s->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return fail(x, rc, step);
	bind_params(x, st);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && n)
		*n = sqlite3_column_int64(st, 0);
	while (rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	if (rc == SQLITE_DONE && n && sqlite3_column_count(st) == 0)
		*n = sqlite3_changes64(x->s->db);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(x, rc, step);
}

/* Runs every statement of `sql` in turn (no parameters but these). */
static int run_all(struct mx *x, const char *step, const char *sql)
{
	const char *tail = sql;
	int rc = 0;

	while (rc == 0 && tail && *tail) {
		sqlite3_stmt *st;
		const char *next;
		int r = sqlite3_prepare_v2(x->s->db, tail, -1, &st, &next);

		if (r != SQLITE_OK)
			return fail(x, r, step);
		tail = next;
		if (!st)
			continue;
		bind_params(x, st);
		while ((r = sqlite3_step(st)) == SQLITE_ROW)
			;
		sqlite3_finalize(st);
		if (r != SQLITE_DONE)
			rc = fail(x, r, step);
	}
	return rc;
}

/* ---- runs, their counts and events ---------------------------------------- */

/* A run's origin: where it ran, the store's name and its id there. The
 * merged store's own runs have none; a part's run that came from the
 * merged store (a store merged back) is one of them. */
static const char runs_sql[] =
	"CREATE TEMP TABLE m_run (old INTEGER PRIMARY KEY, new INTEGER NOT NULL, "
	"  fresh INTEGER NOT NULL);"
	"INSERT INTO m_run SELECT r.id, a.id, 0 FROM part.runs r JOIN main.runs a "
	"  ON a.origin = coalesce(r.origin, :puid || ':' || r.id);"
	"INSERT OR IGNORE INTO m_run SELECT r.id, a.id, 0 FROM part.runs r "
	"  JOIN main.runs a ON a.origin IS NULL AND r.origin = :auid || ':' || a.id;"
	"INSERT INTO m_run SELECT id, (SELECT ifnull(max(id), 0) FROM main.runs) + "
	"  row_number() OVER (ORDER BY id), 1 FROM part.runs "
	"  WHERE id NOT IN (SELECT old FROM m_run);"
	"INSERT INTO main.runs (id, command, args, program, started_utc, finished_utc, "
	"  status, po_path, policies, who, origin, merged_from) "
	"  SELECT m.new, r.command, r.args, r.program, r.started_utc, r.finished_utc, "
	"  r.status, r.po_path, r.policies, r.who, coalesce(r.origin, :puid || ':' || r.id), "
	"  coalesce(r.merged_from, :part) FROM m_run m JOIN part.runs r ON r.id = m.old "
	"  WHERE m.fresh ORDER BY m.new;"
	"INSERT INTO main.run_counts (run_id, name, value) SELECT m.new, c.name, c.value "
	"  FROM m_run m JOIN part.run_counts c ON c.run_id = m.old WHERE m.fresh;";

static const char events_sql[] =
	"INSERT INTO main.events (run_id, at_utc, severity, kind, event, file, line, "
	"  byte_offset, mailbox, message, text) "
	"  SELECT m.new, e.at_utc, e.severity, e.kind, e.event, e.file, e.line, "
	"  e.byte_offset, e.mailbox, e.message, e.text FROM part.events e "
	"  JOIN m_run m ON m.old = e.run_id WHERE m.fresh ORDER BY e.id";

/* Events of no run: kept once, by what they say. */
static const char loose_events_sql[] =
	"INSERT INTO main.events (run_id, at_utc, severity, kind, event, file, line, "
	"  byte_offset, mailbox, message, text) "
	"  SELECT NULL, e.at_utc, e.severity, e.kind, e.event, e.file, e.line, "
	"  e.byte_offset, e.mailbox, e.message, e.text FROM part.events e "
	"  WHERE e.run_id IS NULL AND NOT EXISTS (SELECT 1 FROM main.events x "
	"  WHERE x.run_id IS NULL AND x.at_utc = e.at_utc AND x.kind = e.kind "
	"  AND x.text = e.text AND x.file IS e.file AND x.line IS e.line) ORDER BY e.id";

static int merge_runs(struct mx *x)
{
	long long n;
	int rc;

	if ((rc = run_all(x, "runs", runs_sql)) < 0 ||
	    (rc = run(x, "runs", "SELECT count(*) FROM m_run WHERE fresh", &n)) < 0)
		return rc;
	x->st->runs += n;
	if ((rc = run(x, "runs", "SELECT count(*) FROM m_run WHERE NOT fresh", &n)) < 0)
		return rc;
	x->st->runs_there += n;
	if ((rc = run(x, "events", events_sql, &n)) < 0)
		return rc;
	x->st->events += n;
	if ((rc = run(x, "events", loose_events_sql, &n)) < 0)
		return rc;
	x->st->events += n;
	return 0;
}

/* ---- the directory ---------------------------------------------------------- */

/* A part's recipient is the merged store's that holds one of its
 * addresses (its primary, its CCMAIL first); one with no address, the
 * one of the same kind, alias and display name. */
static const char match_sql[] =
	"CREATE TEMP TABLE m_rcp (old INTEGER PRIMARY KEY, new INTEGER, "
	"  fresh INTEGER NOT NULL DEFAULT 0, wins INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO m_rcp (old, new) SELECT r.id, coalesce("
	"  (SELECT x.recipient_id FROM part.addresses a JOIN main.addresses x "
	"    ON x.type = a.type AND x.match_key = a.match_key WHERE a.recipient_id = r.id "
	"    ORDER BY a.is_primary DESC, a.type <> 'CCMAIL', a.id LIMIT 1), "
	"  (SELECT x.id FROM main.recipients x WHERE x.alias = r.alias AND x.kind = r.kind "
	"    AND x.display_name = r.display_name AND NOT EXISTS "
	"    (SELECT 1 FROM part.addresses a WHERE a.recipient_id = r.id))) "
	"  FROM part.recipients r;";

/* Of two, whose directory data stand: a mailbox's over a custom
 * recipient's (a migration converts the one into the other), else the
 * later run's. */
static const char wins_sql[] =
	"UPDATE m_rcp SET wins = (SELECT CASE WHEN p.kind = x.kind "
	"  THEN ifnull(rp.started_utc, 0) > ifnull(rx.started_utc, 0) "
	"  ELSE p.kind = 'mailbox' AND x.kind = 'custom' END "
	"  FROM part.recipients p JOIN main.recipients x ON x.id = m_rcp.new "
	"  LEFT JOIN m_run mp ON mp.old = coalesce(p.updated_run, p.created_run) "
	"  LEFT JOIN main.runs rp ON rp.id = mp.new "
	"  LEFT JOIN main.runs rx ON rx.id = coalesce(x.updated_run, x.created_run) "
	"  WHERE p.id = m_rcp.old) WHERE NOT fresh;"
	"UPDATE main.recipients SET kind = p.kind, display_name = p.display_name, "
	"  first_name = p.first_name, last_name = p.last_name, target = p.target, "
	"  comments = p.comments, office = p.office, phone = p.phone, "
	"  ccmail_name = p.ccmail_name, ccmail_location = p.ccmail_location, "
	"  ccmail_po = p.ccmail_po, dirsync_po = coalesce(p.dirsync_po, recipients.dirsync_po), "
	"  updated_run = coalesce((SELECT new FROM m_run WHERE old = p.updated_run), "
	"    recipients.updated_run), "
	"  converted_run = coalesce(recipients.converted_run, "
	"    (SELECT new FROM m_run WHERE old = p.converted_run)) "
	"  FROM m_rcp m JOIN part.recipients p ON p.id = m.old "
	"  WHERE m.wins AND recipients.id = m.new;";

static const char addresses_sql[] =
	"INSERT OR IGNORE INTO main.addresses (recipient_id, type, address, match_key, "
	"  is_primary) SELECT m.new, a.type, a.address, a.match_key, "
	"  CASE WHEN m.fresh THEN a.is_primary ELSE 0 END FROM part.addresses a "
	"  JOIN m_rcp m ON m.old = a.recipient_id ORDER BY a.id;"
	/* The winner's primary addresses, for the types it has. */
	"UPDATE main.addresses SET is_primary = 0 WHERE is_primary "
	"  AND recipient_id IN (SELECT new FROM m_rcp WHERE wins) AND EXISTS ("
	"  SELECT 1 FROM m_rcp m JOIN part.addresses a ON a.recipient_id = m.old "
	"  WHERE m.wins AND m.new = addresses.recipient_id AND a.type = addresses.type);"
	"UPDATE main.addresses SET is_primary = 1 "
	"  WHERE recipient_id IN (SELECT new FROM m_rcp WHERE wins) AND EXISTS ("
	"  SELECT 1 FROM m_rcp m JOIN part.addresses a ON a.recipient_id = m.old "
	"  WHERE m.wins AND a.is_primary AND m.new = addresses.recipient_id "
	"  AND a.type = addresses.type AND a.match_key = addresses.match_key);"
	"INSERT OR IGNORE INTO main.dl_members (dl_id, member_id) "
	"  SELECT d.new, m.new FROM part.dl_members x JOIN m_rcp d ON d.old = x.dl_id "
	"  JOIN m_rcp m ON m.old = x.member_id WHERE d.new <> m.new;";

static const char conflicts_sql[] =
	"SELECT count(*) FROM part.addresses a JOIN m_rcp m ON m.old = a.recipient_id "
	"  JOIN main.addresses x ON x.type = a.type AND x.match_key = a.match_key "
	"  WHERE x.recipient_id <> m.new";

/* A new recipient, its alias made unique in the merged store. */
static int add_recipient(struct mx *x, long long old, struct ccm_buf *alias)
{
	static const char sql[] =
		"INSERT INTO main.recipients (kind, alias, display_name, first_name, "
		"  last_name, target, comments, office, phone, ccmail_name, "
		"  ccmail_location, ccmail_po, dirsync_po, created_run, updated_run, "
		"  converted_run) SELECT kind, ?2, display_name, first_name, last_name, "
		"  target, comments, office, phone, ccmail_name, ccmail_location, ccmail_po, "
		"  dirsync_po, (SELECT new FROM m_run WHERE old = r.created_run), "
		"  (SELECT new FROM m_run WHERE old = r.updated_run), "
		"  (SELECT new FROM m_run WHERE old = r.converted_run) "
		"  FROM part.recipients r WHERE r.id = ?1";
	sqlite3_stmt *st = NULL;
	struct ccm_buf base = CCM_BUF_INIT;
	int rc = sqlite3_prepare_v2(x->s->db, "SELECT alias FROM part.recipients "
				    "WHERE id = ?1", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, old);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			ccm_buf_adds(&base, (const char *)sqlite3_column_text(st, 0));
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		ccm_buf_release(&base);
		return fail(x, rc, "recipients");
	}
	rc = ccm_store_unique_alias(alias, x->s, base.ptr, x->err);
	ccm_buf_release(&base);
	if (rc < 0)
		return rc;
	if ((rc = sqlite3_prepare_v2(x->s->db, sql, -1, &st, NULL)) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, old);
		sqlite3_bind_text(st, 2, alias->ptr, (int)alias->len, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_DONE)
		return fail(x, rc, "recipients");
	if ((rc = sqlite3_prepare_v2(x->s->db, "UPDATE m_rcp SET new = ?2, fresh = 1 "
				     "WHERE old = ?1", -1, &st, NULL)) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, old);
		sqlite3_bind_int64(st, 2, sqlite3_last_insert_rowid(x->s->db));
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return rc == SQLITE_DONE ? 0 : fail(x, rc, "recipients");
}

static int merge_directory(struct mx *x)
{
	struct ccm_buf olds = CCM_BUF_INIT, alias = CCM_BUF_INIT;
	sqlite3_stmt *st;
	long long n;
	int rc;

	if ((rc = run_all(x, "recipients", match_sql)) < 0)
		return rc;
	/* The new ones' ids first: the loop below writes m_rcp. */
	rc = sqlite3_prepare_v2(x->s->db, "SELECT old FROM m_rcp WHERE new IS NULL "
				"ORDER BY old", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(x, rc, "recipients");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long old = sqlite3_column_int64(st, 0);

		ccm_buf_add(&olds, &old, sizeof(old));
	}
	sqlite3_finalize(st);
	rc = rc == SQLITE_DONE ? 0 : fail(x, rc, "recipients");
	for (size_t i = 0; rc == 0 && i < olds.len / sizeof(long long); i++)
		rc = add_recipient(x, ((const long long *)(const void *)olds.ptr)[i], &alias);
	x->st->recipients += (long long)(olds.len / sizeof(long long));
	ccm_buf_release(&olds);
	ccm_buf_release(&alias);
	if (rc < 0 ||
	    (rc = run(x, "recipients", "SELECT count(*) FROM m_rcp WHERE NOT fresh", &n)) < 0)
		return rc;
	x->st->recipients_there += n;
	if ((rc = run(x, "recipients", conflicts_sql, &n)) < 0)
		return rc;
	x->st->address_conflicts += n;
	if ((rc = run_all(x, "recipients", wins_sql)) < 0 ||
	    (rc = run_all(x, "addresses", addresses_sql)) < 0)
		return rc;
	return 0;
}

/* ---- folders and address books --------------------------------------------- */

/* Gives the rows of map `m` still without an id new ones after the
 * highest of `table`. */
#define NUMBER_NEW(m, table) \
	"UPDATE " m " SET new = k.n, fresh = 1 FROM (SELECT old, " \
	"(SELECT ifnull(max(id), 0) FROM main." table ") + row_number() OVER " \
	"(ORDER BY old) AS n FROM " m " WHERE new IS NULL) k WHERE " m ".old = k.old;"

static const char folders_sql[] =
	"CREATE TEMP TABLE m_fld (old INTEGER PRIMARY KEY, new INTEGER, "
	"  fresh INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO m_fld (old, new) SELECT f.id, (SELECT x.id FROM main.folders x "
	"  WHERE ifnull(x.mailbox_id, 0) = ifnull(r.new, 0) AND x.path_key = f.path_key) "
	"  FROM part.folders f LEFT JOIN m_rcp r ON r.old = f.mailbox_id;"
	NUMBER_NEW("m_fld", "folders")
	"INSERT INTO main.folders (id, mailbox_id, parent_id, name, path, path_key, "
	"  special, recipient_id) SELECT m.new, r.new, p.new, f.name, f.path, f.path_key, "
	"  f.special, d.new FROM m_fld m JOIN part.folders f ON f.id = m.old "
	"  LEFT JOIN m_rcp r ON r.old = f.mailbox_id LEFT JOIN m_fld p ON p.old = f.parent_id "
	"  LEFT JOIN m_rcp d ON d.old = f.recipient_id WHERE m.fresh ORDER BY m.new;"
	/* An address book entry once per mailbox: by everything it says. */
	"CREATE TEMP TABLE m_pab (old INTEGER PRIMARY KEY, new INTEGER, "
	"  fresh INTEGER NOT NULL DEFAULT 0);"
	"INSERT INTO m_pab (old, new) SELECT e.id, (SELECT x.id FROM main.pab_entries x "
	"  WHERE x.mailbox_id = r.new AND x.kind = e.kind AND x.display_name = e.display_name "
	"  AND x.email IS e.email AND x.first_name IS e.first_name "
	"  AND x.last_name IS e.last_name AND x.note IS e.note AND x.fields IS e.fields "
	"  LIMIT 1) FROM part.pab_entries e JOIN m_rcp r ON r.old = e.mailbox_id;"
	NUMBER_NEW("m_pab", "pab_entries")
	"INSERT INTO main.pab_entries (id, mailbox_id, kind, display_name, email, "
	"  first_name, last_name, note, fields) SELECT m.new, r.new, e.kind, "
	"  e.display_name, e.email, e.first_name, e.last_name, e.note, e.fields "
	"  FROM m_pab m JOIN part.pab_entries e ON e.id = m.old "
	"  JOIN m_rcp r ON r.old = e.mailbox_id WHERE m.fresh ORDER BY m.new;"
	"INSERT INTO main.pab_members (entry_id, seq, member) SELECT m.new, x.seq, x.member "
	"  FROM m_pab m JOIN part.pab_members x ON x.entry_id = m.old WHERE m.fresh;";

static int merge_folders(struct mx *x)
{
	long long n;
	int rc;

	if ((rc = run_all(x, "folders", folders_sql)) < 0 ||
	    (rc = run(x, "folders", "SELECT count(*) FROM m_fld WHERE fresh", &n)) < 0)
		return rc;
	x->st->folders += n;
	if ((rc = run(x, "address books", "SELECT count(*) FROM m_pab WHERE fresh", &n)) < 0)
		return rc;
	x->st->pab += n;
	return 0;
}

/* ---- messages --------------------------------------------------------------- */

/*
 * Each source record of the part beside the merged store's of the same
 * identity: `later` when the part's run decided after (by the start of
 * the runs, ties by their origins, so that the order of merging does not
 * matter; the same run is not later).
 */
#define LATER(rp, ra) \
	"CASE WHEN ifnull(" rp ".started_utc, 0) <> ifnull(" ra ".started_utc, 0) " \
	"THEN ifnull(" rp ".started_utc, 0) > ifnull(" ra ".started_utc, 0) " \
	"ELSE ifnull(" rp ".origin, :auid || ':' || " rp ".id) > " \
	"ifnull(" ra ".origin, :auid || ':' || " ra ".id) END"

static const char sources_sql[] =
	"CREATE TEMP TABLE s_m AS SELECT p.po, p.owner, p.fingerprint, p.dup, "
	"  p.owner_name, p.file, p.number, p.decision, p.reason, p.message_id AS pmsg, "
	"  mr.new AS prun, a.po IS NOT NULL AS has_a, a.message_id AS amsg, "
	"  a.po IS NULL OR ifnull(" LATER("rp", "ra") ", 0) AS later "
	"  FROM part.source_messages p LEFT JOIN m_run mr ON mr.old = p.run_id "
	"  LEFT JOIN main.runs rp ON rp.id = mr.new "
	"  LEFT JOIN main.source_messages a ON a.po = p.po AND a.owner = p.owner "
	"  AND a.fingerprint = p.fingerprint AND a.dup = p.dup "
	"  LEFT JOIN main.runs ra ON ra.id = a.run_id;"
	"CREATE TEMP TABLE s_b AS SELECT p.po, p.owner, p.owner_name, p.decision, p.reason, "
	"  mr.new AS prun, a.po IS NOT NULL AS has_a, a.decision AS adec, "
	"  a.po IS NULL OR ifnull(" LATER("rp", "ra") ", 0) AS later "
	"  FROM part.source_mailboxes p LEFT JOIN m_run mr ON mr.old = p.run_id "
	"  LEFT JOIN main.runs rp ON rp.id = mr.new "
	"  LEFT JOIN main.source_mailboxes a ON a.po = p.po AND a.owner = p.owner "
	"  LEFT JOIN main.runs ra ON ra.id = a.run_id;";

/*
 * The messages to copy: those a part's record holds and the merged
 * store's does not; and top-level messages of no identity that are not
 * there by their origin (a message merged before, or one of the merged
 * store's own come back), nor address book notices whose book's ledger
 * row is there. Then what they carry, forwarded messages at any depth.
 */
static const char pick_sql[] =
	/* Notices whose book's ledger row is there: one pass over the
	 * part's ledger (it has no index by object). */
	"CREATE TEMP TABLE m_notice (id INTEGER PRIMARY KEY);"
	"INSERT OR IGNORE INTO m_notice SELECT l.object_id FROM part.ledger l "
	"  JOIN part.ledger_sources ls ON ls.id = l.source_id "
	"  JOIN main.ledger_sources xs ON xs.scope = ls.scope AND xs.file = ls.file "
	"  JOIN main.ledger xl ON xl.source_id = xs.id AND xl.item = l.item "
	"  WHERE l.object_kind = 'pab-notice';"
	"CREATE TEMP TABLE m_top (old INTEGER PRIMARY KEY, origin TEXT);"
	"INSERT OR IGNORE INTO m_top (old) SELECT pmsg FROM s_m "
	"  WHERE pmsg IS NOT NULL AND amsg IS NULL;"
	"INSERT OR IGNORE INTO m_top (old, origin) SELECT m.id, "
	"  coalesce(m.origin, :puid || ':' || m.id) FROM part.messages m "
	"  WHERE m.parent_id IS NULL "
	"  AND NOT EXISTS (SELECT 1 FROM part.source_messages s WHERE s.message_id = m.id) "
	"  AND NOT EXISTS (SELECT 1 FROM main.messages x "
	"    WHERE x.origin = coalesce(m.origin, :puid || ':' || m.id)) "
	"  AND NOT (ifnull(m.origin, '') LIKE :auid || ':%' AND EXISTS (SELECT 1 "
	"    FROM main.messages x WHERE x.origin IS NULL "
	"    AND x.id = CAST(substr(m.origin, length(:auid) + 2) AS INTEGER))) "
	"  AND m.id NOT IN (SELECT id FROM m_notice);"
	"CREATE TEMP TABLE m_msg (old INTEGER PRIMARY KEY, new INTEGER NOT NULL, origin TEXT);"
	"INSERT INTO m_msg (old, new, origin) WITH RECURSIVE t(id, origin) AS ("
	"  SELECT old, origin FROM m_top UNION ALL "
	"  SELECT m.id, NULL FROM part.messages m JOIN t ON m.parent_id = t.id) "
	"  SELECT id, (SELECT ifnull(max(id), 0) FROM main.messages) + "
	"  row_number() OVER (ORDER BY id), origin FROM t;";

static const char copy_sql[] =
	"INSERT INTO main.messages (id, folder_id, sender_name, sender_address, subject, "
	"  sent_utc, sent_text, received_utc, received_text, priority, is_read, is_unsent, "
	"  body_bytes, body, parent_id, parent_seq, part_name, stored_utc, origin) "
	"  SELECT mm.new, f.new, m.sender_name, m.sender_address, m.subject, m.sent_utc, "
	"  m.sent_text, m.received_utc, m.received_text, m.priority, m.is_read, "
	"  m.is_unsent, m.body_bytes, CASE WHEN :content THEN m.body END, p.new, m.parent_seq, m.part_name, "
	"  m.stored_utc, mm.origin FROM m_msg mm JOIN part.messages m ON m.id = mm.old "
	"  JOIN m_fld f ON f.old = m.folder_id LEFT JOIN m_msg p ON p.old = m.parent_id "
	"  ORDER BY mm.new;"
	"INSERT INTO main.message_recipients (message_id, seq, kind, display_name, address) "
	"  SELECT mm.new, r.seq, r.kind, r.display_name, r.address FROM m_msg mm "
	"  JOIN part.message_recipients r ON r.message_id = mm.old;"
	"INSERT INTO main.message_headers (message_id, seq, name, value) "
	"  SELECT mm.new, h.seq, h.name, h.value FROM m_msg mm "
	"  JOIN part.message_headers h ON h.message_id = mm.old;"
	/* Contents once, by SHA-256; one not finished (no hash) as it is. */
	"CREATE TEMP TABLE m_blob (old INTEGER PRIMARY KEY, new INTEGER, "
	"  fresh INTEGER NOT NULL DEFAULT 0);"
	"INSERT OR IGNORE INTO m_blob (old, new) SELECT a.blob_id, (SELECT x.id "
	"  FROM main.blobs x WHERE x.sha256 = b.sha256) FROM m_msg mm "
	"  JOIN part.attachments a ON a.message_id = mm.old "
	"  JOIN part.blobs b ON b.id = a.blob_id;"
	NUMBER_NEW("m_blob", "blobs")
	"INSERT INTO main.blobs (id, sha256, size) SELECT m.new, b.sha256, b.size "
	"  FROM m_blob m JOIN part.blobs b ON b.id = m.old WHERE m.fresh ORDER BY m.new;"
	"INSERT INTO main.blob_parts (blob_id, seq, data) SELECT m.new, p.seq, p.data "
	"  FROM m_blob m JOIN part.blob_parts p ON p.blob_id = m.old WHERE m.fresh "
	"  AND :content ORDER BY m.new, p.seq;"
	"INSERT INTO main.attachments (message_id, seq, kind, name, position, size, blob_id) "
	"  SELECT mm.new, a.seq, a.kind, a.name, a.position, a.size, b.new FROM m_msg mm "
	"  JOIN part.attachments a ON a.message_id = mm.old "
	"  JOIN m_blob b ON b.old = a.blob_id ORDER BY mm.new, a.seq;";

/*
 * The records: a new identity as the part has it; the later record
 * stands, holding the message either side holds ("kept" when the later
 * one left it out and the other holds it).
 */
static const char decide_sql[] =
	"INSERT INTO main.source_messages (po, owner, fingerprint, dup, owner_name, file, "
	"  number, decision, reason, message_id, run_id) SELECT s.po, s.owner, "
	"  s.fingerprint, s.dup, s.owner_name, s.file, s.number, s.decision, s.reason, "
	"  mm.new, s.prun FROM s_m s LEFT JOIN m_msg mm ON mm.old = s.pmsg WHERE NOT s.has_a;"
	"UPDATE main.source_messages SET owner_name = s.owner_name, file = s.file, "
	"  number = s.number, decision = CASE WHEN s.decision = 'left-out' "
	"  AND s.amsg IS NOT NULL THEN 'kept' ELSE s.decision END, reason = s.reason, "
	"  run_id = s.prun, message_id = coalesce(s.amsg, mm.new) "
	"  FROM s_m s LEFT JOIN m_msg mm ON mm.old = s.pmsg WHERE s.has_a AND s.later "
	"  AND source_messages.po = s.po AND source_messages.owner = s.owner "
	"  AND source_messages.fingerprint = s.fingerprint AND source_messages.dup = s.dup;"
	"UPDATE main.source_messages SET message_id = mm.new, decision = CASE "
	"  WHEN source_messages.decision = 'left-out' THEN 'kept' "
	"  ELSE source_messages.decision END "
	"  FROM s_m s JOIN m_msg mm ON mm.old = s.pmsg WHERE s.has_a AND NOT s.later "
	"  AND s.amsg IS NULL AND source_messages.po = s.po "
	"  AND source_messages.owner = s.owner AND source_messages.fingerprint = s.fingerprint "
	"  AND source_messages.dup = s.dup;"
	"INSERT INTO main.source_mailboxes (po, owner, owner_name, decision, reason, run_id) "
	"  SELECT po, owner, owner_name, decision, reason, prun FROM s_b WHERE NOT has_a;"
	"UPDATE main.source_mailboxes SET owner_name = s.owner_name, decision = CASE "
	"  WHEN s.decision = 'left-out' AND s.adec <> 'left-out' THEN 'kept' "
	"  ELSE s.decision END, reason = s.reason, run_id = s.prun FROM s_b s "
	"  WHERE s.has_a AND s.later AND source_mailboxes.po = s.po "
	"  AND source_mailboxes.owner = s.owner;"
	"UPDATE main.source_mailboxes SET decision = 'kept' FROM s_b s "
	"  WHERE s.has_a AND NOT s.later AND source_mailboxes.decision = 'left-out' "
	"  AND s.decision <> 'left-out' AND source_mailboxes.po = s.po "
	"  AND source_mailboxes.owner = s.owner;";

/*
 * The ledger, its objects followed into the merged store: address book
 * entries, recipients, and messages (copied, or the one held there for
 * the same identity). An IMAP ledger row's item is the message's
 * identity, the same in both stores.
 */
static const char ledger_sql[] =
	"INSERT OR IGNORE INTO main.ledger_sources (scope, file) "
	"  SELECT scope, file FROM part.ledger_sources ORDER BY id;"
	"CREATE TEMP TABLE m_src AS SELECT p.id AS old, x.id AS new FROM part.ledger_sources p "
	"  JOIN main.ledger_sources x ON x.scope = p.scope AND x.file = p.file;"
	"CREATE TEMP TABLE m_any (old INTEGER PRIMARY KEY, new INTEGER);"
	"INSERT OR IGNORE INTO m_any SELECT old, new FROM m_msg;"
	"INSERT OR IGNORE INTO m_any SELECT pmsg, amsg FROM s_m "
	"  WHERE pmsg IS NOT NULL AND amsg IS NOT NULL;"
	"INSERT OR IGNORE INTO main.ledger (source_id, item, object_kind, object_id, run_id) "
	"  SELECT s.new, l.item, l.object_kind, ifnull(CASE "
	"  WHEN l.object_kind = 'pab' THEN (SELECT new FROM m_pab WHERE old = l.object_id) "
	"  WHEN l.object_kind IN ('mailbox', 'conversion', 'custom', 'dl') "
	"    THEN (SELECT new FROM m_rcp WHERE old = l.object_id) "
	"  ELSE (SELECT new FROM m_any WHERE old = l.object_id) END, 0), r.new "
	"  FROM part.ledger l JOIN m_src s ON s.old = l.source_id "
	"  LEFT JOIN m_run r ON r.old = l.run_id;"
	"INSERT OR IGNORE INTO main.meta (key, value) SELECT key, value FROM part.meta "
	"  WHERE key = 'time_zone' OR key LIKE 'po:%' "
	"  OR key IN ('unclaimed_messages', 'forwards_to_unfold');";

static int merge_messages(struct mx *x)
{
	long long n;
	int rc;

	if ((rc = run_all(x, "source records", sources_sql)) < 0 ||
	    (rc = run_all(x, "messages", pick_sql)) < 0 ||
	    (rc = run(x, "messages", "SELECT count(*) FROM m_top", &n)) < 0)
		return rc;
	x->st->messages += n;
	if ((rc = run(x, "messages", "SELECT count(DISTINCT pmsg) FROM s_m "
		      "WHERE pmsg IS NOT NULL AND amsg IS NOT NULL", &n)) < 0)
		return rc;
	x->st->messages_there += n;
	if ((rc = run_all(x, "messages", copy_sql)) < 0)
		return rc;
	/* A place a killed merge must leave the merged store as it was. */
	ccm_fault_point();
	if ((rc = run(x, "blobs", "SELECT count(*) FROM m_blob WHERE fresh", &n)) < 0)
		return rc;
	x->st->blobs += n;
	if ((rc = run(x, "blobs", "SELECT count(*) FROM m_blob WHERE NOT fresh", &n)) < 0)
		return rc;
	x->st->blobs_there += n;
	if ((rc = run(x, "source records", "SELECT count(*) FROM s_m WHERE NOT has_a", &n)) < 0)
		return rc;
	x->st->sources += n;
	if ((rc = run(x, "source records", "SELECT count(*) FROM s_m WHERE has_a AND later "
		      "AND prun IS NOT (SELECT run_id FROM main.source_messages a "
		      "WHERE a.po = s_m.po AND a.owner = s_m.owner AND "
		      "a.fingerprint = s_m.fingerprint AND a.dup = s_m.dup)", &n)) < 0)
		return rc;
	x->st->sources_decided += n;
	if ((rc = run(x, "meta", "SELECT count(*) FROM part.meta p JOIN main.meta a "
		      "ON a.key = p.key WHERE (p.key = 'time_zone' OR p.key LIKE 'po:%') "
		      "AND a.value <> p.value", &n)) < 0)
		return rc;
	x->st->settings_differ += n;
	if ((rc = run_all(x, "source records", decide_sql)) < 0 ||
	    (rc = run_all(x, "ledger", ledger_sql)) < 0)
		return rc;
	return 0;
}

/* ---- one part ------------------------------------------------------------------ */

/* The part's name (meta store_uid) into out: 1, or 0 when it has none. */
static int part_uid(struct ccm_store *s, const char *path, struct ccm_buf *out,
		    struct ccm_error *err)
{
	struct ccm_store *p;
	int rc = ccm_store_open(&p, path, CCM_STORE_READONLY, err);

	if (rc < 0)
		return rc;
	(void)s;
	rc = ccm_store_meta_get(out, p, "store_uid", err);
	ccm_store_close(p);
	return rc;
}

int ccm_merge_check_part(const char *part, const char *into, struct ccm_error *err)
{
	struct stat a, b;
	struct ccm_store *p;
	struct ccm_buf uid = CCM_BUF_INIT, own = CCM_BUF_INIT;
	struct ccm_buf lock = CCM_BUF_INIT, what = CCM_BUF_INIT;
	int rc, fd = -1;

	if (stat(part, &a) != 0)
		return errno == ENOENT
		       ? ccm_error_set(err, CCM_ENOTFOUND, "part '%s' does not exist: "
				       "give the path of a store a job wrote", part)
		       : ccm_error_sys(err, errno, "cannot read part '%s'", part);
	if (stat(into, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return ccm_error_set(err, CCM_EINVAL, "part '%s' is the store merged "
				     "into ('%s'): leave it out of the parts", part, into);
	rc = ccm_store_open(&p, part, CCM_STORE_READONLY, err);
	if (rc == CCM_EUNSUPPORTED && err && strstr(err->msg, "older schema"))
		return ccm_error_set(err, CCM_EUNSUPPORTED, "part '%s' is a store of an "
				     "older ccmig; a merge only reads its parts: "
				     "upgrade it first with 'ccmig merge --store %s' "
				     "(a merge of no parts into it), then merge again",
				     part, part);
	if (rc < 0) {
		char msg[sizeof(err->msg)];

		if (err) {
			snprintf(msg, sizeof(msg), "%s", err->msg);
			ccm_error_set(err, rc, "part '%s': %s", part, msg);
		}
		return rc;
	}
	rc = ccm_store_meta_get(&uid, p, "store_uid", err);
	ccm_store_close(p);
	if (rc == 1 && stat(into, &b) == 0) {
		struct ccm_store *s;

		if (ccm_store_open(&s, into, CCM_STORE_READONLY, NULL) == 0) {
			if (ccm_store_meta_get(&own, s, "store_uid", NULL) == 1 &&
			    !strcmp(own.ptr, uid.ptr))
				rc = ccm_error_set(err, CCM_EINVAL, "part '%s' is a copy of "
						   "the store merged into ('%s'): "
						   "leave it out of the parts", part, into);
			ccm_store_close(s);
		}
	}
	ccm_buf_release(&uid);
	ccm_buf_release(&own);
	if (rc < 0)
		return rc;
	/* A job still writing it: its runs and messages are not whole yet. */
	ccm_buf_addf(&lock, "%s.lock", part);
	ccm_buf_addf(&what, "part '%s'", part);
	if (access(lock.ptr, F_OK) == 0) {
		rc = ccm_pidlock_take(&fd, lock.ptr, what.ptr, err);
		ccm_pidlock_drop(fd);
	}
	ccm_buf_release(&lock);
	ccm_buf_release(&what);
	return rc == CCM_EEXISTS ? rc : 0;
}

static int merge_part(struct ccm_store *s, const char *part, int content,
		      struct ccm_merge_stats *st, struct ccm_error *err)
{
	char *abs = realpath(part, NULL);
	struct mx x = { s, abs ? abs : part, CCM_BUF_INIT, CCM_BUF_INIT, st, content,
			err };
	sqlite3_stmt *at = NULL;
	int rc;

	if ((rc = part_uid(s, part, &x.puid, err)) < 0)
		goto out;
	if (rc == 0) {
		rc = ccm_error_set(err, CCM_EMALFORMED, "part '%s' has no store_uid in "
				   "its meta table: it is not a whole ccmig store", part);
		goto out;
	}
	if ((rc = ccm_store_meta_get(&x.auid, s, "store_uid", err)) < 0)
		goto out;
	rc = sqlite3_prepare_v2(s->db, "ATTACH DATABASE ?1 AS part", -1, &at, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(at, 1, part, -1, SQLITE_STATIC);
		rc = sqlite3_step(at);
	}
	sqlite3_finalize(at);
	if (rc != SQLITE_DONE && rc != SQLITE_OK) {
		rc = fail(&x, rc, "opening it");
		goto out;
	}
	if ((rc = ccm_store_begin(s, err)) == 0) {
		/* Rows come in in the order of their maps, a list's member
		 * before the list, a forwarded message before the one that
		 * carries it: the keys are checked at the commit. */
		rc = run_all(&x, "starting", "PRAGMA defer_foreign_keys = ON;");
		if (rc == 0)
			rc = run_all(&x, "starting", teardown_sql);
		if (rc == 0)
			rc = merge_runs(&x);
		if (rc == 0)
			rc = merge_directory(&x);
		if (rc == 0)
			rc = merge_folders(&x);
		if (rc == 0)
			rc = merge_messages(&x);
		if (rc == 0)
			rc = run_all(&x, "finishing", teardown_sql);
		if (rc == 0)
			rc = ccm_store_commit(s, err);
		else
			ccm_store_rollback(s, NULL);
	}
	sqlite3_exec(s->db, teardown_sql, NULL, NULL, NULL);
	sqlite3_exec(s->db, "DETACH DATABASE part", NULL, NULL, NULL);
	ccm_store_folder_cache_clear(s);
out:
	ccm_buf_release(&x.puid);
	ccm_buf_release(&x.auid);
	free(abs);
	return rc;
}

int ccm_store_merge_part(struct ccm_store *s, const char *part,
			 struct ccm_merge_stats *st, struct ccm_error *err)
{
	return merge_part(s, part, 1, st, err);
}

int ccm_store_open_merged(struct ccm_store **out, const char *const *parts, size_t n,
			  struct ccm_error *err)
{
	struct ccm_merge_stats st;
	int rc = 0;

	*out = NULL;
	memset(&st, 0, sizeof(st));
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = ccm_merge_check_part(parts[i], "", err);
	if (rc == 0)
		rc = ccm_store_open(out, "", CCM_STORE_CREATE, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = merge_part(*out, parts[i], 0, &st, err);
	if (rc < 0) {
		ccm_store_close(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- the whole merge ---------------------------------------------------------------- */

static int copy_into(struct ccm_store *from, const char *to, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(ccm_store_db(from), "VACUUM INTO ?1", -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		return ccm_st_fail(from, rc, err, "copying store '%s' to '%s'",
				   ccm_store_path(from), to);
	return 0;
}

/* Removes what a merge's working copy may have left: the file, its WAL
 * and shared memory, its lock file (only_lock: the lock file alone). */
static void remove_work(const char *work, int only_lock)
{
	static const char *const ends[] = { ".lock", "-wal", "-shm", "" };
	struct ccm_buf p = CCM_BUF_INIT;

	for (size_t i = 0; i < (only_lock ? 1 : sizeof(ends) / sizeof(ends[0])); i++) {
		ccm_buf_reset(&p);
		ccm_buf_addf(&p, "%s%s", work, ends[i]);
		unlink(p.ptr);
	}
	ccm_buf_release(&p);
}

static void add_stats(struct ccm_merge_stats *t, const struct ccm_merge_stats *a)
{
	const long long *from = (const long long *)(const void *)a;
	long long *to = (long long *)(void *)t;

	for (size_t i = 0; i < sizeof(*t) / sizeof(long long); i++)
		to[i] += from[i];
}

int ccm_merge(const char *into, const char *const *parts, size_t n,
	      const struct ccm_merge_opts *o, struct ccm_merge_stats *total,
	      struct ccm_error *err)
{
	struct ccm_store *s = NULL;
	struct stat sb;
	struct ccm_buf work = CCM_BUF_INIT, lock = CCM_BUF_INIT, what = CCM_BUF_INIT;
	int rc, fd = -1, exists;

	memset(total, 0, sizeof(*total));
	for (size_t i = 0; i < n; i++)
		if ((rc = ccm_merge_check_part(parts[i], into, err)) < 0)
			return rc;
	ccm_buf_addf(&work, "%s.merging", into);
	ccm_buf_addf(&lock, "%s.lock", into);
	ccm_buf_addf(&what, "store '%s'", into);
	rc = ccm_pidlock_take(&fd, lock.ptr, what.ptr, err);
	ccm_buf_release(&lock);
	ccm_buf_release(&what);
	if (rc < 0) {
		ccm_buf_release(&work);
		return rc;
	}
	remove_work(work.ptr, 0);
	exists = stat(into, &sb) == 0;
	if (exists) {
		/* Opened for writing: an older store is brought up to date, and
		 * its WAL folded in when it closes, before it is replaced. */
		if ((rc = ccm_store_open(&s, into, 0, err)) == 0)
			rc = copy_into(s, work.ptr, err);
		ccm_store_close(s);
		s = NULL;
	}
	if (rc == 0)
		rc = ccm_store_open(&s, work.ptr, CCM_STORE_CREATE, err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct ccm_merge_stats one;

		memset(&one, 0, sizeof(one));
		rc = ccm_store_merge_part(s, parts[i], &one, err);
		if (rc == 0) {
			add_stats(total, &one);
			if (o && o->part_done)
				o->part_done(o->ctx, i, parts[i], &one);
			if (o && o->progress) {
				struct ccm_progress_at at = { i + 1, n, 0, 0 };
				o->progress(o->progress_ctx, &at);
			}
		}
	}
	ccm_store_close(s);
	if (rc == 0 && rename(work.ptr, into) != 0)
		rc = ccm_error_sys(err, errno, "cannot put the merged store '%s' in "
				   "place of '%s'", work.ptr, into);
	remove_work(work.ptr, rc == 0);
	ccm_buf_release(&work);
	ccm_pidlock_drop(fd);
	return rc;
}
