/* cmd_migrate.c: `ccmig migrate PO_DIR --store S.db`: the one-step run. */
#include "commands.h"
#include "extract_args.h"
#include "policy/sandbox.h"
#include "policy_args.h"
#include "progress.h"
#include "report_print.h"
#include "run_record.h"
#include "run_report.h"
#include "share_args.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccmail/bundle.h"
#include "flow/migrate.h"
#include "store/store.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ccmig migrate PO_DIR --store S.db [options]\n\n"
		"Extracts the post office into migration files and imports them into\n"
		"the store in one step (every user gets a mailbox, mail or not), then\n"
		"removes the files.\n\n"
		"options:\n"
		"  --store S.db          the store (created if missing)\n"
		"  --keep-files DIR      keep the migration files in DIR\n"
		"  --create-mailboxes    make a mailbox even when no directory row or\n"
		"                        custom recipient stands for it\n"
		"  --verbose             print every event, not only the summary\n"
		CCM_PROGRESS_USAGE);
	ccm_policy_args_usage(out);
	ccm_extract_args_usage(out);
	ccm_share_args_usage(out);
	fprintf(out, "\n"
		"A share (--mailboxes, --shard) migrates the mail of its mailboxes; the\n"
		"directory, every mailbox and the lists are made whole, so that the\n"
		"stores of all shares, merged, hold the whole post office.\n\n"
		"Running it again adds what is new and never stores a message twice;\n"
		"a message an earlier run stored stays, even when this run leaves it out.\n\n"
		"The report of every run, with every event, is written beside the store\n"
		"as S.db.report/migrate-<date>-<time>.txt; the terminal shows a summary.\n\n"
		"Exit status: 0 all migrated, or left out by a decision (a policy, an\n"
		"option, a default rule such as the R8 settings folders: each is counted\n"
		"and kept in the store); 1 migrated, but something was damaged, skipped\n"
		"or repaired (the report lists it); 2 failed or bad usage.\n");
}

/* The import's progress line follows extraction's on the same line. */
static void on_extract(void *ctx, size_t done, size_t total, unsigned long long bytes)
{
	struct ccm_progress *p = ctx;

	p->at.total = total;
	ccm_progress_update(p, done, bytes);
}

static void on_import(void *ctx, const struct ccm_progress_at *at)
{
	struct ccm_progress *p = ctx;

	if (strcmp(p->doing, "importing") != 0)
		ccm_progress_stage(p, "importing", "rows", 0);
	ccm_progress_show(p, at);
}

/* The counts of the run, as printed and filed. */
static void counts(struct ccm_buf *out, const char *po, const char *db,
		   const struct ccm_share *share, const struct ccm_migrate_stats *st)
{
	if (share)
		ccm_buf_addf(out, "A share of %s (%s): the mail of %zu of its %zu mailboxes, "
			     "%llu of %llu bytes; the directory and lists whole\n", po,
			     share->label, share->len, share->of, share->bytes,
			     share->of_bytes);
	ccm_buf_addf(out, "Migrated %s into %s: %zu users, %lu messages, %lu attachments; "
		     "%lu mailboxes made, %lu custom recipients made mailboxes\n", po, db,
		     st->extract.users, st->import.messages, st->import.attachments,
		     st->import.mailboxes_created, st->import.converted);
	if (st->import.messages_already)
		ccm_buf_addf(out, "Already in the store: %lu messages (%lu placed anew as "
			     "this run's policy says)\n", st->import.messages_already,
			     st->import.placed);
	if (st->import.left_out || st->import.kept || st->import.users_left_out)
		ccm_buf_addf(out, "Left out by decision (a policy, an option, a default rule): "
			     "%lu messages, %lu users; %lu messages an earlier run stored stay "
			     "in the store\n", st->import.left_out, st->import.users_left_out,
			     st->import.kept);
	if (st->extract.dropped)
		ccm_buf_addf(out, "Attachments left out by a policy: %lu, each with a note in "
			     "its message\n", st->extract.dropped);
	if (st->import.rows_skipped)
		ccm_buf_addf(out, "Not migrated: %lu rows skipped at import (see the recovery "
			     "file)\n", st->import.rows_skipped);
	if (st->set_dir[0])
		ccm_buf_addf(out, "Migration files kept in %s%s%s\n", st->set_dir,
			     st->import.recovery[0] ? "; recovery file " : "",
			     st->import.recovery);
}

static int migrate(struct ccm_policy_args *pa, int argc, char **argv)
{
	struct ccm_run_report rr;
	struct ccm_report *rep = &rr.rep;
	struct ccm_migrate_opts o;
	struct ccm_migrate_stats st;
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;
	struct ccm_progress prog;
	struct ccm_buf line = CCM_BUF_INIT, dir = CCM_BUF_INIT;
	const char *po = NULL, *db = NULL;
	struct ccm_extract_args xa = { NULL, NULL };
	struct ccm_share_args sa = { NULL, NULL };
	struct ccm_share *share = NULL;
	struct ccm_policies *pol = NULL;
	int rc, verbose = 0;

	memset(&o, 0, sizeof(o));
	o.create_mailboxes = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int took = ccm_policy_args_take(pa, "migrate", argc, argv, &i);

		if (took == 0)
			took = ccm_extract_args_take(&xa, &o.extract, "migrate", argc, argv, &i);
		if (took == 0)
			took = ccm_share_args_take(&sa, "migrate", argc, argv, &i);
		if (took < 0)
			return 2;
		if (took || ccm_progress_option(a))
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if ((!strcmp(a, "--store") || !strcmp(a, "--keep-files")) &&
			   i + 1 >= argc) {
			return ccm_usage_error("migrate", "%s needs a value", a);
		} else if (!strcmp(a, "--store")) {
			db = argv[++i];
		} else if (!strcmp(a, "--keep-files")) {
			o.keep_files = argv[++i];
		} else if (!strcmp(a, "--create-mailboxes")) {
			o.create_mailboxes = 1;
		} else if (!strcmp(a, "--verbose")) {
			verbose = 1;
		} else if (a[0] == '-') {
			return ccm_usage_error("migrate", "unknown option '%s'", a);
		} else if (po) {
			return ccm_usage_error("migrate", "one post office at a time ('%s' "
					       "and '%s')", po, a);
		} else {
			po = a;
		}
	}
	if (!po)
		return ccm_usage_error("migrate", "which post office? give its folder");
	if (!db)
		return ccm_usage_error("migrate", "which store? give --store S.db");
	/* Policies first: one that does not load (a typo, a syntax error)
	 * must not leave a new, empty store behind. */
	if (pa->n_files && ccm_policies_load(&pol, pa->files, pa->n_files, pa->args,
					    pa->n_args, &err) < 0) {
		fprintf(stderr, "ccmig migrate: %s\n", err.msg);
		return 2;
	}
	ccm_run_report_init(&rr, "migrate");
	if (ccm_bundle_open(&b, po, rep, &err) < 0) {
		fprintf(stderr, "ccmig migrate: %s\n", err.msg);
		ccm_policies_free(pol);
		ccm_run_report_release(&rr);
		return 2;
	}
	if (ccm_extract_args_apply(&xa, b, &o.extract, "migrate") < 0 ||
	    ccm_share_args_apply(&share, &sa, b, "migrate") < 0) {
		ccm_policies_free(pol);
		ccm_bundle_free(b);
		ccm_run_report_release(&rr);
		return 2;
	}
	o.extract.share = share;
	if (ccm_store_open(&s, db, CCM_STORE_CREATE, &err) < 0) {
		fprintf(stderr, "ccmig migrate: %s\n", err.msg);
		ccm_share_free(share);
		ccm_policies_free(pol);
		ccm_bundle_free(b);
		ccm_run_report_release(&rr);
		return 2;
	}
	if (pol) {
		o.extract.policy = ccm_policies_hooks(pol);
		o.import_policy = ccm_policies_import_hooks(pol);
	}
	ccm_run_record_args(&line, argc, argv);
	{
		struct ccm_buf digests = CCM_BUF_INIT;

		ccm_run_record_policies(&digests, pa->files, pa->n_files);
		o.args = line.ptr;
		o.policies = digests.len ? digests.ptr : NULL;
		/* A share says so where the run is watched. */
		ccm_progress_start(&prog, share ? "extracting a share" : "extracting",
				   "users", 0);
		o.extract.progress = on_extract;
		o.extract.ctx = &prog;
		o.import_progress = on_import;
		o.import_progress_ctx = &prog;
		rc = ccm_migrate(b, s, &o, &st, &err);
		ccm_progress_end(&prog);
		ccm_buf_release(&digests);
	}
	ccm_policies_free(pol);
	ccm_store_close(s);
	if (rc >= 0)
		counts(&rr.counts, po, db, share, &st);
	ccm_share_free(share);
	ccm_bundle_free(b);
	if (rc < 0) {
		fprintf(stderr, "ccmig migrate: %s\n", err.msg);
		ccm_print_diags(stderr, "  ", &rr.diags, 0);
		ccm_run_report_release(&rr);
		ccm_buf_release(&line);
		return 2;
	}
	ccm_run_report_dir(&dir, db);
	if (ccm_run_report_write_new(&rr, dir.ptr, line.ptr, &err) < 0)
		fprintf(stderr, "ccmig migrate: warning: %s; every event is printed "
			"below instead\n", err.msg);
	ccm_run_report_print(stdout, &rr, verbose);
	/* Decisions are notes: only problems make the status 1. */
	rc = (rep->counts[CCM_ERROR] || rep->counts[CCM_WARNING] ||
	      st.import.rows_skipped) ? 1 : 0;
	ccm_run_report_release(&rr);
	ccm_buf_release(&line);
	ccm_buf_release(&dir);
	return rc;
}

int ccm_cmd_migrate(int argc, char **argv)
{
	struct ccm_policy_args pa = { 0 };
	int rc = migrate(&pa, argc, argv);

	ccm_policy_args_release(&pa);
	return rc;
}
