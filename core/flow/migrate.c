/* migrate.c: one-step migration: extract into a set, import it, remove it. */
#define _XOPEN_SOURCE 700   /* nftw */
#include "flow/migrate.h"
#include "store/ledger.h"
#include "store/sources.h"
#include "iff/srcid.h"

#include <errno.h>
#include <sys/stat.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int remove_one(const char *path, const struct stat *sb, int flag,
		      struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Removes a folder ccmig made, and what is in it. */
static int remove_tree(const char *dir)
{
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Extraction asks whether the store holds a message already (then only
 * its row is written). */
static int holds(void *ctx, const struct ccm_srcid *id, struct ccm_error *err)
{
	struct ccm_source_key k = { id->po, id->board, id->owner, id->fp, id->dup };

	return ccm_store_source_holds(ctx, &k, err);
}

static void finish(struct ccm_store *s, const struct ccm_migrate_opts *o,
		   const struct ccm_migrate_stats *st, int status)
{
	const struct ccm_share *share = o->extract.share;
	const struct ccm_import_stats *i = &st->import;
	struct ccm_store_count counts[] = {
		{ "users", (long long)st->extract.users },
		{ "extracted", (long long)st->extract.messages },
		{ "not_extracted", (long long)st->extract.skipped },
		{ "sections", (long long)i->sections },
		{ "sections_skipped", (long long)i->sections_skipped },
		{ "rows", (long long)i->rows },
		{ "rows_skipped", (long long)i->rows_skipped },
		{ "rows_already", (long long)i->rows_already },
		{ "mailboxes_created", (long long)i->mailboxes_created },
		{ "custom_converted", (long long)i->converted },
		{ "messages", (long long)i->messages },
		{ "attachments", (long long)i->attachments },
		{ "messages_already", (long long)i->messages_already },
		{ "placed", (long long)i->placed },
		{ "left_out", (long long)i->left_out },
		{ "kept", (long long)i->kept },
		{ "users_left_out", (long long)i->users_left_out },
		/* last: a run of the whole post office has none */
		{ "share_mailboxes", share ? (long long)share->len : 0 },
	};
	size_t n = sizeof(counts) / sizeof(counts[0]) - !share;

	ccm_store_run_finish(s, status, counts, n, NULL);
}

int ccm_migrate(struct ccm_bundle *b, struct ccm_store *s,
		const struct ccm_migrate_opts *o, struct ccm_migrate_stats *st,
		struct ccm_error *err)
{
	struct ccm_import_opts io = { o->create_mailboxes, b->manifest.time_zone,
				      o->import_policy, 1, NULL, NULL,
				      o->import_progress, o->import_progress_ctx };
	struct ccm_report *rep = b->rep;
	struct ccm_store_sink sink;
	char tmp[2048], pkl[8192];
	const char *dir = o->keep_files;
	long long run;
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = ccm_store_run_start(s, "migrate", o->args, &run, err)) < 0)
		return rc;
	{
		/* The folder as a path that still means it after a cd. */
		char *abs = realpath(b->root, NULL);

		rc = ccm_store_run_source(s, abs ? abs : b->root, o->policies, err);
		free(abs);
		if (rc < 0) {
			finish(s, o, st, 2);
			return rc;
		}
	}
	/* Everything reported from here on is also an event of the run:
	 * extraction's decisions as much as the import's problems. */
	ccm_store_sink_init(&sink, s, rep);
	b->rep = &sink.report;
	if (o->extract.share) {
		/* The report and the store say that this run was a share. */
		const struct ccm_share *sh = o->extract.share;
		struct ccm_diag d = { CCM_NOTE, "migrate-share", 0, NULL, 0, -1, NULL, 0,
				      NULL };

		ccm_reportf(b->rep, &d, "a share of post office '%s' (%s): the mail of "
			    "%zu of its %zu mailboxes (%llu of %llu bytes); the directory "
			    "and lists whole", b->manifest.post_office, sh->label, sh->len,
			    sh->of, sh->bytes, sh->of_bytes);
	}
	if (!dir) {
		struct stat sb;
		/* Beside the store, under a name of its own: a run killed half
		 * way leaves its files where the next run finds and removes
		 * them, not in a temporary folder nobody looks at. */
		snprintf(tmp, sizeof(tmp), "%s.migrating", ccm_store_path(s));
		if (lstat(tmp, &sb) == 0) {
			struct ccm_diag d = { CCM_NOTE, "stale-migration-files", 0, tmp, 0, -1,
					      NULL, 0, NULL };
			if (remove_tree(tmp) != 0) {
				rc = ccm_error_sys(err, errno, "cannot remove '%s', left by "
						   "an earlier run; remove it by hand", tmp);
				goto out;
			}
			ccm_reportf(b->rep, &d, "removed the migration files an earlier, "
				    "interrupted run left");
		}
		if (mkdir(tmp, 0700) != 0) {
			rc = ccm_error_sys(err, errno, "cannot make the folder '%s' for the "
					   "migration files (the store's folder needs room "
					   "for them)", tmp);
			goto out;
		}
		/* The set goes into a fresh subfolder the writer creates. */
		snprintf(st->set_dir, sizeof(st->set_dir), "%s/set", tmp);
	} else {
		snprintf(st->set_dir, sizeof(st->set_dir), "%s", dir);
	}
	{
		/* The set is this store's alone unless it is kept: then every
		 * message is written whole, for any store. */
		struct ccm_extract_store known = { s, holds };
		struct ccm_extract_opts xo = o->extract;

		if (!dir) {
			xo.store = &known;
			xo.pack = 1;
		}
		rc = ccm_extract(b, st->set_dir, &xo, &st->extract, err);
	}
	if (rc == 0) {
		snprintf(pkl, sizeof(pkl), "%s/%s", st->set_dir, st->extract.pkl);
		rc = ccm_import(s, pkl, &io, b->rep, &st->import, err);
	}
	if (!dir && rc == 0 && !st->import.recovery[0]) {
		if (remove_tree(tmp) != 0)
			rc = ccm_error_sys(err, errno, "migrated, but cannot remove the "
					   "temporary folder '%s'", tmp);
		else
			st->set_dir[0] = '\0';
	} else if (!dir && rc < 0) {
		remove_tree(tmp);
		st->set_dir[0] = '\0';
	}
out:
	b->rep = rep;
	finish(s, o, st, rc < 0 ? 2 : (rep->counts[CCM_ERROR] || rep->counts[CCM_WARNING] ||
				    st->import.rows_skipped) ? 1 : 0);
	return rc;
}
