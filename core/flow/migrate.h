/* migrate.h: one-step migration: extract into a set, import it, remove it. */
#ifndef CCM_MIGRATE_H
#define CCM_MIGRATE_H

#include "iff/extract.h"
#include "flow/import.h"

struct ccm_migrate_opts {
	struct ccm_extract_opts extract;
	int create_mailboxes;        /* as ccm_import_opts */
	const struct ccm_import_policy *import_policy;   /* NULL: none */
	/* Keep the migration files in this folder (must not hold a set);
	 * NULL: the folder "<store>.migrating" beside the store, removed
	 * afterwards (and at the start, when a killed run left it). */
	const char *keep_files;
	/* The run as the store records it: the command line as the user
	 * typed it, and the policies as "SHA-256  path" lines (NULL: none). */
	const char *args;
	const char *policies;
	/* The import's progress (ccm_import_opts), after extraction's
	 * (extract.progress); may be NULL. */
	ccm_progress_fn import_progress;
	void *import_progress_ctx;
};

struct ccm_migrate_stats {
	struct ccm_extract_stats extract;
	struct ccm_import_stats import;
	char set_dir[4096];          /* where the files were (kept or not) */
};

/*
 * The wizard's one-step mode, right: ccm_extract() of bundle `b` into a
 * set, then ccm_import() of that set into `s`, with the bundle's time zone
 * for the set's local dates. It is one run of the store ("migrate", with
 * o->args, the bundle's folder and o->policies), and everything both steps
 * report goes to b->rep and into the store's events, extraction's
 * decisions included. With o->extract.share, only the share's mail is
 * extracted and imported (the directory and lists whole), the report says
 * so (a note "migrate-share") and the run's counts hold share_mailboxes.
 * The run's status is 2 when it failed, 1 when b->rep
 * holds a warning or an error, or a row was skipped, else 0. The set is
 * removed afterwards unless keep_files is given, or the import skipped
 * something (then its recovery file needs the set: the folder is kept and
 * named in st->set_dir). Returns 0 or a negative code (err filled).
 */
int ccm_migrate(struct ccm_bundle *b, struct ccm_store *s,
		const struct ccm_migrate_opts *o, struct ccm_migrate_stats *st,
		struct ccm_error *err);

#endif
