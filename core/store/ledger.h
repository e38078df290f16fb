/* ledger.h: what became of each source row, the runs, and their events. */
#ifndef CCM_STORE_LEDGER_H
#define CCM_STORE_LEDGER_H

#include <stddef.h>
#include "base/report.h"
#include "store/store.h"

/* ---- ledger --------------------------------------------------------------
 *
 * The ledger says which source row became which object, so that importing
 * the same thing twice adds nothing. A source is a file within a scope:
 * for a migration file set the scope is the set (its post office, or the
 * packing list's name) and the file a primary file ("00000001.PRI"), the
 * item a line number; for a bundle read directly the scope is the post
 * office and the file a mail file ("mail/smith.exp"), the item a message
 * number. The importer looks each row up before importing it and records
 * it in the same transaction as the object, so a rolled back section
 * leaves no ledger rows either.
 */

/* Finds or creates source (scope, file) and sets *source_id. */
int ccm_store_ledger_source(struct ccm_store *s, const char *scope,
			    const char *file, long long *source_id,
			    struct ccm_error *err);

/* A ledger row. object_kind is the caller's word ("message", "mailbox",
 * "conversion", "skipped" ...); object_id may be 0. The string is owned
 * by the store and valid until the next ledger call. */
struct ccm_ledger_entry {
	const char *object_kind;
	long long object_id;
	long long run_id;
};

/* Returns 1 and fills *out (may be NULL) when (source, item) is recorded,
 * 0 when not, or a negative code. */
int ccm_store_ledger_find(struct ccm_ledger_entry *out, struct ccm_store *s,
			  long long source_id, long long item,
			  struct ccm_error *err);

/* Records that (source, item) became object_kind object_id in the current
 * run. CCM_EEXISTS when the item is recorded already. */
int ccm_store_ledger_record(struct ccm_store *s, long long source_id,
			    long long item, const char *object_kind,
			    long long object_id, struct ccm_error *err);

/*
 * The ledger item that stands for the message named `uid` (messages.h:
 * ccm_store_message_uid, 32 hex digits), for ledgers that must know a
 * message by its identity rather than by its row in one store, which
 * another store, or a store built again, numbers differently: 62 bits of
 * the name with bit 62 set, so that it never meets an item that is a row
 * number or a line number (all below 2^62). Two messages of one source
 * meet with a chance of n^2 / 2^63 for n messages (1e-7 for a million).
 */
long long ccm_store_ledger_uid_item(const char *uid);

/* ---- runs -----------------------------------------------------------------
 *
 * A run is one command: what ran, when, how it ended, and its counts.
 */

/*
 * Records the start of a run (command "dirsync", args the rest of the
 * command line, may be NULL) and makes it the store's current run: the
 * events, recipients and ledger rows written afterwards name it. Must be
 * called outside a transaction: the run row is committed at once, so it
 * stays even when the run's work is rolled back or the program dies.
 */
int ccm_store_run_start(struct ccm_store *s, const char *command,
			const char *args, long long *run_id,
			struct ccm_error *err);

/*
 * Records what the current run read: the post office's folder (NULL:
 * none) and its policies, one "SHA-256  path" line each (NULL: none), so
 * that a run says what it was given, not only what it was told.
 */
int ccm_store_run_source(struct ccm_store *s, const char *po_path,
			 const char *policies, struct ccm_error *err);

/* A named count of a run ("custom_created", "messages" ...). */
struct ccm_store_count {
	const char *name;
	long long value;
};

/*
 * Records the end of the current run: its exit status (0, 1, 2 as the
 * command exits) and counts (n may be 0), and the events still waiting.
 * Must be called outside a transaction. The store has no current run
 * afterwards.
 */
int ccm_store_run_finish(struct ccm_store *s, int status,
			 const struct ccm_store_count *counts, size_t n,
			 struct ccm_error *err);

/* The current run's id, 0 when none. */
long long ccm_store_run_id(const struct ccm_store *s);

/* A run as the cursor gives it (strings borrowed). finished_utc is 0 and
 * status -1 while it runs (or when it never finished). */
struct ccm_store_run {
	long long id;
	const char *command, *args, *program;
	const char *po_path;    /* the post office's folder it read, NULL none */
	const char *policies;   /* "SHA-256  path" lines, NULL none */
	const char *who;        /* "user@host" that ran it; NULL before schema 6 */
	const char *merged_from;  /* the store it was merged from (merge.h);
				     NULL: it ran in this one */
	long long started_utc, finished_utc;
	int status;
	long long events;       /* events recorded for it */
};

/* Every run, oldest first. */
int ccm_store_runs(struct ccm_store_cursor **out, struct ccm_store *s,
		   struct ccm_error *err);
int ccm_store_next_run(struct ccm_store_cursor *c, struct ccm_store_run *r,
		       struct ccm_error *err);
/* The counts of run `run_id`, by name (rows as struct ccm_store_count). */
int ccm_store_run_counts(struct ccm_store_cursor **out, struct ccm_store *s,
			 long long run_id, struct ccm_error *err);
int ccm_store_next_count(struct ccm_store_cursor *c, struct ccm_store_count *n,
			 struct ccm_error *err);

/* ---- events ---------------------------------------------------------------
 *
 * An event is a report entry (base/report.h) kept in the store with the
 * current run: severity, kind, the Migration Wizard event number, file,
 * line, byte offset, mailbox, message number, text.
 */

/*
 * Records d. Outside a transaction it is written at once; inside one it
 * is kept in memory and written when the outermost transaction ends,
 * whether it commits or rolls back (store.h).
 */
int ccm_store_event(struct ccm_store *s, const struct ccm_diag *d,
		    struct ccm_error *err);

/*
 * A report sink that records every entry in the store and then passes it
 * on to `next` (which may be NULL). Set it up with ccm_store_sink_init()
 * and use `report`:
 *     struct ccm_store_sink k;
 *     ccm_store_sink_init(&k, store, &print_report);
 *     ccm_bundle_open(&b, dir, &k.report, &err);
 * A sink cannot fail back to the code that reports: the first failure to
 * record is kept in k.rc / k.err for the caller to check at the end.
 */
struct ccm_store_sink {
	struct ccm_report report;
	struct ccm_store *store;
	struct ccm_report *next;
	int rc;
	struct ccm_error err;
};
void ccm_store_sink_init(struct ccm_store_sink *k, struct ccm_store *s,
			 struct ccm_report *next);

/* A count of events by kind and severity, as the summary cursor gives it. */
struct ccm_store_event_count {
	const char *kind;
	int severity;           /* enum ccm_severity */
	long long count;
};
/* Events of every run summed by kind and severity: errors first, then
 * warnings, notes; by kind within each. */
int ccm_store_event_summary(struct ccm_store_cursor **out, struct ccm_store *s,
			    struct ccm_error *err);
int ccm_store_next_event_count(struct ccm_store_cursor *c,
			       struct ccm_store_event_count *e,
			       struct ccm_error *err);

/* An event as the cursor gives it: the entry (strings borrowed until the
 * next step; file, user may be NULL; offset -1 unknown) and its run. */
struct ccm_store_event_row {
	long long id, run_id, at_utc;
	struct ccm_diag d;
};
/* Every event of every run in the order of the summary above (errors,
 * warnings, notes; by kind; then as they were recorded), so that a
 * reader can group them by kind as they come. */
int ccm_store_events(struct ccm_store_cursor **out, struct ccm_store *s,
		     struct ccm_error *err);
int ccm_store_next_event(struct ccm_store_cursor *c,
			 struct ccm_store_event_row *e, struct ccm_error *err);

#endif
