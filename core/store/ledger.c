/* ledger.c: the ledger of source rows, the runs and their events. */
#include "store/ledger.h"
#include "store/store_int.h"

#include <assert.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* ---- ledger ------------------------------------------------------------- */

int ccm_store_ledger_source(struct ccm_store *s, const char *scope,
			    const char *file, long long *source_id,
			    struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (!scope || !file)
		return ccm_error_set(err, CCM_EINVAL, "a ledger source needs a scope and a file");
	if (!(st = ccm_st(s, ST_LEDGER_SOURCE_FIND,
			  "SELECT id FROM ledger_sources WHERE scope = ?1 AND file = ?2",
			  err)))
		return err ? err->code : CCM_EIO;
	ccm_bind_text(st, 1, scope);
	ccm_bind_text(st, 2, file);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*source_id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "looking up ledger source '%s'", file);
	if (!(st = ccm_st(s, ST_LEDGER_SOURCE_INSERT,
			  "INSERT INTO ledger_sources (scope, file) VALUES (?1, ?2)",
			  err)))
		return err ? err->code : CCM_EIO;
	ccm_bind_text(st, 1, scope);
	ccm_bind_text(st, 2, file);
	if ((rc = ccm_st_run(s, st, err, "recording a ledger source")) < 0)
		return rc;
	*source_id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int ccm_store_ledger_find(struct ccm_ledger_entry *out, struct ccm_store *s,
			  long long source_id, long long item,
			  struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_LEDGER_FIND,
		"SELECT object_kind, object_id, run_id FROM ledger "
		"WHERE source_id = ?1 AND item = ?2", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, source_id);
	sqlite3_bind_int64(st, 2, item);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (out) {
			ccm_buf_set(&s->ledger_kind, ccm_col_text(st, 0),
				    (size_t)sqlite3_column_bytes(st, 0));
			out->object_kind = s->ledger_kind.ptr;
			out->object_id = sqlite3_column_int64(st, 1);
			out->run_id = sqlite3_column_int64(st, 2);
		}
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "looking up the ledger");
	return 0;
}

int ccm_store_ledger_record(struct ccm_store *s, long long source_id,
			    long long item, const char *object_kind,
			    long long object_id, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (!object_kind)
		return ccm_error_set(err, CCM_EINVAL, "a ledger row needs an object kind");
	if (!(st = ccm_st(s, ST_LEDGER_INSERT,
			  "INSERT INTO ledger (source_id, item, object_kind, object_id, "
			  "run_id) VALUES (?1, ?2, ?3, ?4, ?5)", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, source_id);
	sqlite3_bind_int64(st, 2, item);
	ccm_bind_text(st, 3, object_kind);
	sqlite3_bind_int64(st, 4, object_id);
	ccm_bind_id(st, 5, s->run_id);
	rc = ccm_st_run(s, st, err, "recording a ledger row");
	if (rc == CCM_EEXISTS)
		rc = ccm_error_set(err, CCM_EEXISTS,
				   "item %lld of ledger source %lld is recorded "
				   "already", item, source_id);
	return rc;
}

long long ccm_store_ledger_uid_item(const char *uid)
{
	unsigned long long v = 0;

	/* 16 hex digits, 64 bits; the top two give way to the marker. */
	for (int i = 0; i < 16 && uid[i]; i++) {
		char c = uid[i];
		v = v << 4 | ((unsigned)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 :
					 c - '0') & 15u);
	}
	return (long long)((v & ((1ull << 62) - 1)) | (1ull << 62));
}

/* ---- runs --------------------------------------------------------------- */

/* "user@host" of this process, for the run's record: the login's name
 * from the password database (the process's own, not what $USER claims),
 * or its uid when it has none. */
static void whoami(char *out, size_t n)
{
	struct passwd pw, *found = NULL;
	char buf[1024], host[256] = "";

	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &found) != 0)
		found = NULL;
	if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	if (found)
		snprintf(out, n, "%s@%s", found->pw_name, *host ? host : "localhost");
	else
		snprintf(out, n, "uid %u@%s", (unsigned)geteuid(), *host ? host : "localhost");
}

int ccm_store_run_start(struct ccm_store *s, const char *command,
			const char *args, long long *run_id,
			struct ccm_error *err)
{
	sqlite3_stmt *st;
	char who[512];
	int rc;

	assert(s->depth == 0);
	if (!(st = ccm_st(s, ST_RUN_INSERT,
			  "INSERT INTO runs (command, args, program, started_utc, who) "
			  "VALUES (?1, ?2, 'ccmig 0.1.0', ?3, ?4)", err)))
		return err ? err->code : CCM_EIO;
	ccm_bind_text(st, 1, command);
	ccm_bind_text(st, 2, args);
	s->run_started_utc = ccm_store_now();
	sqlite3_bind_int64(st, 3, s->run_started_utc);
	whoami(who, sizeof(who));
	ccm_bind_text(st, 4, who);
	if ((rc = ccm_st_run(s, st, err, "recording the start of a run")) < 0)
		return rc;
	s->run_id = sqlite3_last_insert_rowid(s->db);
	if (run_id)
		*run_id = s->run_id;
	return 0;
}

int ccm_store_run_source(struct ccm_store *s, const char *po_path,
			 const char *policies, struct ccm_error *err)
{
	sqlite3_stmt *st;

	if (!s->run_id)
		return ccm_error_set(err, CCM_EINVAL, "no run to describe");
	if (!(st = ccm_st(s, ST_RUN_SOURCE,
			  "UPDATE runs SET po_path = ?2, policies = ?3 WHERE id = ?1", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, s->run_id);
	ccm_bind_text(st, 2, po_path);
	ccm_bind_text(st, 3, policies);
	return ccm_st_run(s, st, err, "recording what a run read");
}

int ccm_store_run_finish(struct ccm_store *s, int status,
			 const struct ccm_store_count *counts, size_t n,
			 struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	assert(s->depth == 0);
	if (!s->run_id)
		return ccm_error_set(err, CCM_EINVAL, "no run to finish");
	if ((rc = ccm_store_begin(s, err)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (!(st = ccm_st(s, ST_RUN_COUNT,
				  "INSERT OR REPLACE INTO run_counts (run_id, name, value) "
				  "VALUES (?1, ?2, ?3)", err))) {
			rc = err ? err->code : CCM_EIO;
			break;
		}
		sqlite3_bind_int64(st, 1, s->run_id);
		ccm_bind_text(st, 2, counts[i].name);
		sqlite3_bind_int64(st, 3, counts[i].value);
		rc = ccm_st_run(s, st, err, "recording the counts of a run");
	}
	if (rc == 0 && !(st = ccm_st(s, ST_RUN_FINISH,
		"UPDATE runs SET finished_utc = ?2, status = ?3 WHERE id = ?1", err)))
		rc = err ? err->code : CCM_EIO;
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, s->run_id);
		sqlite3_bind_int64(st, 2, ccm_store_now());
		sqlite3_bind_int(st, 3, status);
		rc = ccm_st_run(s, st, err, "recording the end of a run");
	}
	if (rc == 0)
		rc = ccm_store_commit(s, err);
	else
		ccm_store_rollback(s, NULL);
	if (rc == 0)
		s->run_id = 0;
	return rc;
}

long long ccm_store_run_id(const struct ccm_store *s)
{
	return s->run_id;
}

int ccm_store_runs(struct ccm_store_cursor **out, struct ccm_store *s,
		   struct ccm_error *err)
{
	return ccm_cursor_new(out, s,
		CUR_RUN, "SELECT r.id, r.command, r.args, r.program, r.started_utc, "
		"r.finished_utc, r.status, "
		"(SELECT count(*) FROM events e WHERE e.run_id = r.id), "
		"r.po_path, r.policies, r.who, r.merged_from FROM runs r ORDER BY r.id", err);
}

int ccm_store_next_run(struct ccm_store_cursor *c, struct ccm_store_run *r,
		       struct ccm_error *err)
{
	sqlite3_stmt *st = c->st;
	int rc;

	assert(c->kind == CUR_RUN);
	if ((rc = ccm_cursor_step(c, err)) != 1)
		return rc;
	r->id = sqlite3_column_int64(st, 0);
	r->command = ccm_col_text(st, 1);
	r->args = ccm_col_text(st, 2);
	r->program = ccm_col_text(st, 3);
	r->started_utc = sqlite3_column_int64(st, 4);
	r->finished_utc = sqlite3_column_int64(st, 5);
	r->status = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1
		    : sqlite3_column_int(st, 6);
	r->events = sqlite3_column_int64(st, 7);
	r->po_path = ccm_col_text(st, 8);
	r->policies = ccm_col_text(st, 9);
	r->who = ccm_col_text(st, 10);
	r->merged_from = ccm_col_text(st, 11);
	return 1;
}

int ccm_store_run_counts(struct ccm_store_cursor **out, struct ccm_store *s,
			 long long run_id, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_COUNT,
		"SELECT name, value FROM run_counts WHERE run_id = ?1 ORDER BY name", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, run_id);
	return rc;
}

int ccm_store_next_count(struct ccm_store_cursor *c, struct ccm_store_count *n,
			 struct ccm_error *err)
{
	int rc;

	assert(c->kind == CUR_COUNT);
	if ((rc = ccm_cursor_step(c, err)) == 1) {
		n->name = ccm_col_text(c->st, 0);
		n->value = sqlite3_column_int64(c->st, 1);
	}
	return rc;
}

/* ---- events ------------------------------------------------------------- */

static const char *const severity_names[] = { "note", "warning", "error" };

static int insert_event(struct ccm_store *s, const struct ccm_diag *d,
			struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_EVENT_INSERT,
		"INSERT INTO events (run_id, at_utc, severity, kind, event, file, "
		"line, byte_offset, mailbox, message, text) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", err);
	int sev = d->severity >= CCM_NOTE && d->severity <= CCM_ERROR ? (int)d->severity
								      : CCM_ERROR;

	if (!st)
		return err ? err->code : CCM_EIO;
	ccm_bind_id(st, 1, s->run_id);
	sqlite3_bind_int64(st, 2, ccm_store_now());
	ccm_bind_text(st, 3, severity_names[sev]);
	ccm_bind_text(st, 4, d->kind ? d->kind : "unspecified");
	if (d->event)
		sqlite3_bind_int(st, 5, d->event);
	ccm_bind_text(st, 6, d->file);
	if (d->line > 0)
		sqlite3_bind_int64(st, 7, d->line);
	if (d->offset >= 0)
		sqlite3_bind_int64(st, 8, d->offset);
	ccm_bind_text(st, 9, d->user);
	if (d->message > 0)
		sqlite3_bind_int64(st, 10, d->message);
	ccm_bind_text(st, 11, d->text ? d->text : "");
	return ccm_st_run(s, st, err, "recording an event");
}

int ccm_store_flush_events(struct ccm_store *s, struct ccm_error *err)
{
	/* Outside a transaction several events go in as one. */
	int own = s->depth == 0 && s->pending.len > 1 &&
		  sqlite3_get_autocommit(s->db);
	int rc = 0;

	if (own && sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		own = 0;
	for (size_t i = 0; rc == 0 && i < s->pending.len; i++)
		rc = insert_event(s, &s->pending.items[i], err);
	if (own)
		sqlite3_exec(s->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int ccm_store_event(struct ccm_store *s, const struct ccm_diag *d,
		    struct ccm_error *err)
{
	if (s->depth > 0) {
		ccm_diaglist_sink(&s->pending, d);
		return 0;
	}
	return insert_event(s, d, err);
}

static void sink(void *ctx, const struct ccm_diag *d)
{
	struct ccm_store_sink *k = ctx;
	int rc = ccm_store_event(k->store, d, k->rc < 0 ? NULL : &k->err);

	if (rc < 0 && k->rc == 0)
		k->rc = rc;
	if (k->next)
		ccm_report_emit(k->next, d);
}

void ccm_store_sink_init(struct ccm_store_sink *k, struct ccm_store *s,
			 struct ccm_report *next)
{
	memset(k, 0, sizeof(*k));
	k->report.sink = sink;
	k->report.ctx = k;
	k->store = s;
	k->next = next;
}

int ccm_store_event_summary(struct ccm_store_cursor **out, struct ccm_store *s,
			    struct ccm_error *err)
{
	return ccm_cursor_new(out, s,
		CUR_EVENT_COUNT, "SELECT kind, severity, count(*) FROM events GROUP BY kind, severity "
		"ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 "
		"ELSE 2 END, kind", err);
}

int ccm_store_next_event_count(struct ccm_store_cursor *c,
			       struct ccm_store_event_count *e,
			       struct ccm_error *err)
{
	int rc;

	assert(c->kind == CUR_EVENT_COUNT);
	if ((rc = ccm_cursor_step(c, err)) == 1) {
		const char *sev = ccm_col_text(c->st, 1);
		e->kind = ccm_col_text(c->st, 0);
		e->severity = CCM_NOTE;
		for (int i = 0; sev && i < 3; i++)
			if (!strcmp(sev, severity_names[i]))
				e->severity = i;
		e->count = sqlite3_column_int64(c->st, 2);
	}
	return rc;
}

int ccm_store_events(struct ccm_store_cursor **out, struct ccm_store *s,
		     struct ccm_error *err)
{
	return ccm_cursor_new(out, s,
		CUR_EVENT, "SELECT id, run_id, at_utc, severity, kind, event, file, "
		"line, byte_offset, mailbox, message, text FROM events "
		"ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 "
		"ELSE 2 END, kind, id", err);
}

int ccm_store_next_event(struct ccm_store_cursor *c,
			 struct ccm_store_event_row *e, struct ccm_error *err)
{
	sqlite3_stmt *st = c->st;
	const char *sev;
	int rc;

	assert(c->kind == CUR_EVENT);
	if ((rc = ccm_cursor_step(c, err)) != 1)
		return rc;
	e->id = sqlite3_column_int64(st, 0);
	e->run_id = sqlite3_column_int64(st, 1);
	e->at_utc = sqlite3_column_int64(st, 2);
	sev = ccm_col_text(st, 3);
	e->d.severity = CCM_NOTE;
	for (int i = 0; sev && i < 3; i++)
		if (!strcmp(sev, severity_names[i]))
			e->d.severity = i;
	e->d.kind = ccm_col_text(st, 4);
	e->d.event = sqlite3_column_int(st, 5);
	e->d.file = ccm_col_text(st, 6);
	e->d.line = (long)sqlite3_column_int64(st, 7);
	e->d.offset = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1
		      : sqlite3_column_int64(st, 8);
	e->d.user = ccm_col_text(st, 9);
	e->d.message = (long)sqlite3_column_int64(st, 10);
	e->d.text = ccm_col_text(st, 11);
	if (!e->d.kind)
		e->d.kind = "";
	if (!e->d.text)
		e->d.text = "";
	return 1;
}
