/* migrate.c: one-step migration: extract into a set, import it, remove it. */
#define _XOPEN_SOURCE 700   /* nftw */
#include "store/migrate.h"

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

int ccm_migrate(struct ccm_bundle *b, struct ccm_store *s,
		const struct ccm_migrate_opts *o, struct ccm_migrate_stats *st,
		struct ccm_error *err)
{
	struct ccm_import_opts io = { o->create_mailboxes, b->manifest.time_zone,
				      o->import_policy };
	char tmp[2048], pkl[8192];
	const char *dir = o->keep_files;
	int rc;

	memset(st, 0, sizeof(*st));
	if (!dir) {
		struct stat sb;
		/* Beside the store, under a name of its own: a run killed half
		 * way leaves its files where the next run finds and removes
		 * them, not in a temporary folder nobody looks at. */
		snprintf(tmp, sizeof(tmp), "%s.migrating", ccm_store_path(s));
		if (lstat(tmp, &sb) == 0) {
			struct ccm_diag d = { CCM_NOTE, "stale-migration-files", 0, tmp, 0, -1,
					      NULL, 0, NULL };
			if (remove_tree(tmp) != 0)
				return ccm_error_sys(err, errno, "cannot remove '%s', left by "
						     "an earlier run; remove it by hand", tmp);
			ccm_reportf(b->rep, &d, "removed the migration files an earlier, "
				    "interrupted run left");
		}
		if (mkdir(tmp, 0700) != 0)
			return ccm_error_sys(err, errno, "cannot make the folder '%s' for the "
					     "migration files (the store's folder needs room "
					     "for them)", tmp);
		/* The set goes into a fresh subfolder the writer creates. */
		snprintf(st->set_dir, sizeof(st->set_dir), "%s/set", tmp);
	} else {
		snprintf(st->set_dir, sizeof(st->set_dir), "%s", dir);
	}
	rc = ccm_extract(b, st->set_dir, &o->extract, &st->extract, err);
	if (rc == 0) {
		snprintf(pkl, sizeof(pkl), "%s/%s", st->set_dir, st->extract.pkl);
		rc = ccm_import(s, pkl, &io, b->rep, &st->import, err);
	}
	if (!dir && rc == 0 && !st->import.recovery[0]) {
		if (remove_tree(tmp) != 0)
			return ccm_error_sys(err, errno, "migrated, but cannot remove the "
					     "temporary folder '%s'", tmp);
		st->set_dir[0] = '\0';
	} else if (!dir && rc < 0) {
		remove_tree(tmp);
		st->set_dir[0] = '\0';
	}
	return rc;
}
