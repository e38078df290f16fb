/* schema.c: the store's schema, version by version, and the upgrade path. */
#include "store/store_int.h"

#include <stdio.h>

/*
 * Version 1. docs/store.md explains each table and column; keep it in
 * step. Indexes are those the store's own look-ups and foreign keys need:
 * every index costs each insert of the importer.
 */
static const char schema_v1[] =
	"CREATE TABLE meta (\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	") WITHOUT ROWID;\n"

	"CREATE TABLE runs (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  command TEXT NOT NULL,\n"
	"  args TEXT,\n"
	"  program TEXT NOT NULL,\n"
	"  started_utc INTEGER NOT NULL,\n"
	"  finished_utc INTEGER,\n"
	"  status INTEGER\n"
	");\n"
	"CREATE TABLE run_counts (\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL,\n"
	"  value INTEGER NOT NULL,\n"
	"  PRIMARY KEY (run_id, name)\n"
	") WITHOUT ROWID;\n"

	"CREATE TABLE recipients (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('mailbox','custom','dl','public')),\n"
	"  alias TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
	"  display_name TEXT NOT NULL,\n"
	"  first_name TEXT,\n"
	"  last_name TEXT,\n"
	"  target TEXT,\n"
	"  comments TEXT,\n"
	"  office TEXT,\n"
	"  phone TEXT,\n"
	"  ccmail_name TEXT,\n"
	"  ccmail_location TEXT,\n"
	"  ccmail_po TEXT,\n"
	"  dirsync_po TEXT,\n"
	"  created_run INTEGER REFERENCES runs(id),\n"
	"  updated_run INTEGER REFERENCES runs(id),\n"
	"  converted_run INTEGER REFERENCES runs(id)\n"
	");\n"

	"CREATE TABLE addresses (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  recipient_id INTEGER NOT NULL REFERENCES recipients(id) ON DELETE CASCADE,\n"
	"  type TEXT NOT NULL,\n"
	"  address TEXT NOT NULL,\n"
	"  match_key TEXT NOT NULL,\n"
	"  is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1)),\n"
	"  UNIQUE (type, match_key)\n"
	");\n"
	"CREATE INDEX addresses_recipient ON addresses(recipient_id);\n"
	"CREATE UNIQUE INDEX addresses_one_primary ON addresses(recipient_id, type)\n"
	"  WHERE is_primary;\n"

	"CREATE TABLE dl_members (\n"
	"  dl_id INTEGER NOT NULL REFERENCES recipients(id) ON DELETE CASCADE,\n"
	"  member_id INTEGER NOT NULL REFERENCES recipients(id) ON DELETE CASCADE,\n"
	"  PRIMARY KEY (dl_id, member_id)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX dl_members_member ON dl_members(member_id);\n"

	"CREATE TABLE folders (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  mailbox_id INTEGER REFERENCES recipients(id) ON DELETE CASCADE,\n"
	"  parent_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,\n"
	"  name TEXT NOT NULL,\n"
	"  path TEXT NOT NULL,\n"
	"  path_key TEXT NOT NULL,\n"
	"  special TEXT CHECK (special IN ('inbox','outbox','sent','deleted','drafts')),\n"
	"  recipient_id INTEGER REFERENCES recipients(id) ON DELETE SET NULL\n"
	");\n"
	"CREATE UNIQUE INDEX folders_path ON folders(ifnull(mailbox_id, 0), path_key);\n"
	"CREATE UNIQUE INDEX folders_special ON folders(mailbox_id, special)\n"
	"  WHERE special IS NOT NULL;\n"

	/* body last: columns after a long body would be read through its
	 * overflow pages by every scan that wants them. */
	"CREATE TABLE messages (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,\n"
	"  sender_name TEXT,\n"
	"  sender_address TEXT,\n"
	"  subject TEXT,\n"
	"  sent_utc INTEGER,\n"
	"  sent_text TEXT,\n"
	"  received_utc INTEGER,\n"
	"  received_text TEXT,\n"
	"  priority INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN -1 AND 1),\n"
	"  is_read INTEGER NOT NULL DEFAULT 1,\n"
	"  is_unsent INTEGER NOT NULL DEFAULT 0,\n"
	"  body_bytes INTEGER NOT NULL DEFAULT 0,\n"
	"  body TEXT\n"
	");\n"
	"CREATE INDEX messages_folder ON messages(folder_id);\n"

	"CREATE TABLE message_recipients (\n"
	"  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('to','cc','bcc')),\n"
	"  display_name TEXT,\n"
	"  address TEXT,\n"
	"  PRIMARY KEY (message_id, seq)\n"
	") WITHOUT ROWID;\n"

	"CREATE TABLE message_headers (\n"
	"  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  value TEXT,\n"
	"  PRIMARY KEY (message_id, seq)\n"
	") WITHOUT ROWID;\n"

	"CREATE TABLE blobs (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  sha256 BLOB UNIQUE CHECK (sha256 IS NULL OR length(sha256) = 32),\n"
	"  size INTEGER NOT NULL\n"
	");\n"
	/* A rowid table: incremental blob I/O addresses values by rowid. */
	"CREATE TABLE blob_parts (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  blob_id INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL,\n"
	"  data BLOB NOT NULL,\n"
	"  UNIQUE (blob_id, seq)\n"
	");\n"

	"CREATE TABLE attachments (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL DEFAULT 'file',\n"
	"  name TEXT NOT NULL,\n"
	"  position INTEGER NOT NULL DEFAULT -1,\n"
	"  size INTEGER NOT NULL,\n"
	"  blob_id INTEGER NOT NULL REFERENCES blobs(id),\n"
	"  UNIQUE (message_id, seq)\n"
	");\n"
	/* Also what keeps dropping a duplicate blob from scanning attachments
	 * for the foreign key. */
	"CREATE INDEX attachments_blob ON attachments(blob_id);\n"

	"CREATE TABLE ledger_sources (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  scope TEXT NOT NULL,\n"
	"  file TEXT NOT NULL,\n"
	"  UNIQUE (scope, file)\n"
	");\n"
	"CREATE TABLE ledger (\n"
	"  source_id INTEGER NOT NULL REFERENCES ledger_sources(id),\n"
	"  item INTEGER NOT NULL,\n"
	"  object_kind TEXT NOT NULL,\n"
	"  object_id INTEGER NOT NULL,\n"
	"  run_id INTEGER REFERENCES runs(id),\n"
	"  PRIMARY KEY (source_id, item)\n"
	") WITHOUT ROWID;\n"

	"CREATE TABLE events (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  run_id INTEGER REFERENCES runs(id),\n"
	"  at_utc INTEGER NOT NULL,\n"
	"  severity TEXT NOT NULL CHECK (severity IN ('note','warning','error')),\n"
	"  kind TEXT NOT NULL,\n"
	"  event INTEGER,\n"
	"  file TEXT,\n"
	"  line INTEGER,\n"
	"  byte_offset INTEGER,\n"
	"  mailbox TEXT,\n"
	"  message INTEGER,\n"
	"  text TEXT NOT NULL\n"
	");\n";

/* Version 2: users' personal address books (PAB sections, spec 4.3). */
static const char schema_v2[] =
	"CREATE TABLE pab_entries (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  mailbox_id INTEGER NOT NULL REFERENCES recipients(id) ON DELETE CASCADE,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('entry','dl')),\n"
	"  display_name TEXT NOT NULL,\n"
	"  email TEXT,\n"                 /* entry: TYPE:address */
	"  first_name TEXT,\n"
	"  last_name TEXT,\n"
	"  note TEXT,\n"
	"  fields TEXT\n"                 /* other PAB columns, Name=value lines */
	");\n"
	"CREATE INDEX pab_entries_mailbox ON pab_entries(mailbox_id);\n"
	"CREATE TABLE pab_members (\n"
	"  entry_id INTEGER NOT NULL REFERENCES pab_entries(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL,\n"
	"  member TEXT NOT NULL,\n"        /* as written: an entry's name or an address */
	"  PRIMARY KEY (entry_id, seq)\n"
	");\n";

/*
 * Version 3: the identity of every source message and what the latest run
 * decided of it (store/sources.h), and runs that say where they read from
 * and with which policies. The ledger stays for rows of sets that carry
 * no identity (written by other tools) and for address books.
 *
 * Its CHECKs name their values with OR, not IN: SQLite 3.40 builds a
 * temporary table for a list of three values or more in a CHECK on every
 * row written (a third of a record's cost). For the same reason the two
 * hot tables whose CHECK had such a list, message_recipients (a row per
 * recipient) and events, are made again with OR, their rows copied.
 */
static const char schema_v3[] =
	"CREATE TABLE message_recipients_v3 (\n"
	"  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,\n"
	"  seq INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (kind = 'to' OR kind = 'cc' OR kind = 'bcc'),\n"
	"  display_name TEXT,\n"
	"  address TEXT,\n"
	"  PRIMARY KEY (message_id, seq)\n"
	") WITHOUT ROWID;\n"
	"INSERT INTO message_recipients_v3 SELECT message_id, seq, kind, display_name, "
	"address FROM message_recipients;\n"
	"DROP TABLE message_recipients;\n"
	"ALTER TABLE message_recipients_v3 RENAME TO message_recipients;\n"
	"CREATE TABLE events_v3 (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  run_id INTEGER REFERENCES runs(id),\n"
	"  at_utc INTEGER NOT NULL,\n"
	"  severity TEXT NOT NULL CHECK (severity = 'note' OR severity = 'warning' OR "
	"severity = 'error'),\n"
	"  kind TEXT NOT NULL,\n"
	"  event INTEGER,\n"
	"  file TEXT,\n"
	"  line INTEGER,\n"
	"  byte_offset INTEGER,\n"
	"  mailbox TEXT,\n"
	"  message INTEGER,\n"
	"  text TEXT NOT NULL\n"
	");\n"
	"INSERT INTO events_v3 SELECT id, run_id, at_utc, severity, kind, event, file, "
	"line, byte_offset, mailbox, message, text FROM events;\n"
	"DROP TABLE events;\n"
	"ALTER TABLE events_v3 RENAME TO events;\n"
	"CREATE TABLE source_messages (\n"
	"  po TEXT NOT NULL,\n"              /* post office, upper case */
	"  owner TEXT NOT NULL,\n"           /* 'u:' or 'b:' and the match key of the name */
	"  fingerprint TEXT NOT NULL,\n"
	"  dup INTEGER NOT NULL,\n"
	"  owner_name TEXT NOT NULL,\n"      /* the name as written */
	"  file TEXT,\n"
	"  number INTEGER,\n"
	"  decision TEXT NOT NULL CHECK (decision = 'migrated' OR "
	"decision = 'already' OR decision = 'kept' OR decision = 'left-out'),\n"
	"  reason TEXT,\n"
	"  message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,\n"
	"  run_id INTEGER REFERENCES runs(id),\n"
	/* the identity is the key: one b-tree, no rowid table beside it
	 * (a record per message of every run: it shows in migrate's time) */
	"  PRIMARY KEY (po, owner, fingerprint, dup)\n"
	") WITHOUT ROWID;\n"
	"CREATE INDEX source_messages_message ON source_messages(message_id);\n"
	"CREATE TABLE source_mailboxes (\n"
	"  po TEXT NOT NULL,\n"
	"  owner TEXT NOT NULL,\n"
	"  owner_name TEXT NOT NULL,\n"
	"  decision TEXT NOT NULL CHECK (decision = 'migrated' OR "
	"decision = 'kept' OR decision = 'left-out'),\n"
	"  reason TEXT,\n"
	"  run_id INTEGER REFERENCES runs(id),\n"
	"  PRIMARY KEY (po, owner)\n"
	") WITHOUT ROWID;\n"
	"ALTER TABLE runs ADD COLUMN po_path TEXT;\n"
	"ALTER TABLE runs ADD COLUMN policies TEXT;\n"
	/* Messages stored before identities were kept: the next imports
	 * claim them (store/messages.h) rather than store them again. */
	"INSERT INTO meta (key, value) SELECT 'unclaimed_messages', '1' "
	"WHERE EXISTS (SELECT 1 FROM messages);\n";

/*
 * Version 4: forwarded messages are messages. A message forwarded inside
 * another has parent_id (the message that carries it), parent_seq (its
 * place among its parent's parts, with the attachments) and part_name
 * (what the part is called, "<title>.ccm"); it shares its parent's
 * folder, and every listing of a folder's messages leaves it out. Flows
 * unfold the forwarded messages an older store kept as cc:Mail export
 * text: meta "forwards_to_unfold" says some may be left (store/messages.h).
 */
static const char schema_v4[] =
	"ALTER TABLE messages ADD COLUMN parent_id INTEGER REFERENCES messages(id) "
	"ON DELETE CASCADE;\n"
	"ALTER TABLE messages ADD COLUMN parent_seq INTEGER;\n"
	"ALTER TABLE messages ADD COLUMN part_name TEXT;\n"
	"CREATE INDEX messages_parent ON messages(parent_id, parent_seq) "
	"WHERE parent_id IS NOT NULL;\n"
	"INSERT OR REPLACE INTO meta (key, value) SELECT 'forwards_to_unfold', '1' "
	"WHERE EXISTS (SELECT 1 FROM attachments WHERE name LIKE '%.ccm');\n";

/*
 * Version 5: the store's own name, 32 random hex digits in meta
 * "store_uid". A message that has no source identity (one from another
 * tool's migration files) is named by it and its id where names must be
 * unique across stores: Message-IDs and mail file names.
 */
static const char schema_v5[] =
	"INSERT OR IGNORE INTO meta (key, value) VALUES ('store_uid', "
	"lower(hex(randomblob(16))));\n";

/*
 * Version 6: who ran each command, "user@host" (the report shows it: the
 * person who signs a migration off is rarely the one who ran it).
 */
static const char schema_v6[] =
	"ALTER TABLE runs ADD COLUMN who TEXT;\n";

/*
 * Version 7: when each message was stored, the start of the run that
 * stored it (UTC seconds). A message cc:Mail gave no date is dated by it
 * where a date is required (store/messages.h, ccm_store_message_date).
 * An older store's undated messages take the first run that names them,
 * else the store's first run, else its creation: the same date on every
 * later export.
 */
static const char schema_v7[] =
	"ALTER TABLE messages ADD COLUMN stored_utc INTEGER;\n"
	"UPDATE messages SET stored_utc = coalesce("
	"(SELECT min(r.started_utc) FROM source_messages sm JOIN runs r ON r.id = sm.run_id "
	"WHERE sm.message_id = messages.id), "
	"(SELECT min(r.started_utc) FROM ledger l JOIN runs r ON r.id = l.run_id "
	"WHERE l.object_kind = 'pab-notice' AND l.object_id = messages.id), "
	"(SELECT min(started_utc) FROM runs), "
	"CAST((SELECT value FROM meta WHERE key = 'created_utc') AS INTEGER), "
	"CAST(strftime('%s','now') AS INTEGER)) "
	"WHERE sent_utc IS NULL AND received_utc IS NULL;\n";

/*
 * Version 8: what a merge of stores (store/merge.h) keeps of where things
 * came from. runs.origin names a run that ran in another store,
 * "<store_uid>:<id>" there, and runs.merged_from the store it was merged
 * from, so that merging a store again adds none of its runs twice.
 * messages.origin names, the same way, a message without a source
 * identity that was stored in another store: its name (message_uid.c)
 * stays the one it had there, and exports that sent it know it again.
 */
static const char schema_v8[] =
	"ALTER TABLE runs ADD COLUMN origin TEXT;\n"
	"ALTER TABLE runs ADD COLUMN merged_from TEXT;\n"
	"CREATE UNIQUE INDEX runs_origin ON runs(origin) WHERE origin IS NOT NULL;\n"
	"ALTER TABLE messages ADD COLUMN origin TEXT;\n"
	"CREATE UNIQUE INDEX messages_origin ON messages(origin) "
	"WHERE origin IS NOT NULL;\n";

/*
 * upgrades[v] takes a store from version v to v + 1. A new version adds
 * its step here (ALTER TABLE ..., data moves) and never edits an old one:
 * a store of any older version goes through every step after its own.
 */
static const char *const upgrades[] = {
	schema_v1,        /* 0 -> 1: an empty file becomes a store */
	schema_v2,        /* 1 -> 2: personal address books */
	schema_v3,        /* 2 -> 3: source identities and decisions */
	schema_v4,        /* 3 -> 4: forwarded messages as messages */
	schema_v5,        /* 4 -> 5: the store's own name */
	schema_v6,        /* 5 -> 6: who ran each command */
	schema_v7,        /* 6 -> 7: when each message was stored */
	schema_v8,        /* 7 -> 8: where merged runs and messages came from */
};

int ccm_store_upgrade(struct ccm_store *s, int from, struct ccm_error *err)
{
	char pragmas[128];
	char *msg = NULL;
	int rc;

	_Static_assert(sizeof(upgrades) / sizeof(upgrades[0]) ==
		       CCM_STORE_SCHEMA_VERSION, "one upgrade step per version");
	if (from < 0 || from > CCM_STORE_SCHEMA_VERSION)
		return ccm_error_set(err, CCM_EUNSUPPORTED,
				     "store '%s': no upgrade from schema version %d",
				     s->path, from);
	/* All steps in one transaction: a store is at one version or the
	 * next, never half way. */
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
	for (int v = from; rc == SQLITE_OK && v < CCM_STORE_SCHEMA_VERSION; v++) {
		sqlite3_free(msg);
		msg = NULL;
		rc = sqlite3_exec(s->db, upgrades[v], NULL, NULL, &msg);
	}
	if (rc == SQLITE_OK) {
		snprintf(pragmas, sizeof(pragmas),
			 "PRAGMA application_id = %d; PRAGMA user_version = %d;",
			 CCM_STORE_APP_ID, CCM_STORE_SCHEMA_VERSION);
		rc = sqlite3_exec(s->db, pragmas, NULL, NULL, &msg);
	}
	if (rc == SQLITE_OK && from == 0) {
		static const char meta[] =
			"INSERT INTO meta (key, value) VALUES "
			"('created_by', 'ccmig 0.1.0'), "
			"('created_utc', CAST(strftime('%s','now') AS TEXT))";
		rc = sqlite3_exec(s->db, meta, NULL, NULL, &msg);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg);
	sqlite3_free(msg);
	if (rc != SQLITE_OK) {
		int code = ccm_st_fail(s, rc, err, "upgrading store from schema "
				       "version %d to %d", from,
				       CCM_STORE_SCHEMA_VERSION);
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return code;
	}
	return 0;
}
