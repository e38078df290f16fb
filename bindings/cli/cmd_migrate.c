/* cmd_migrate.c: `ccmig migrate PO_DIR --store S.db`: the one-step run. */
#include "commands.h"
#include "extract_args.h"
#include "policy/sandbox.h"
#include "policy_args.h"
#include "progress.h"
#include "report_print.h"
#include "run_record.h"

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
		"  --policy P.lua        a migration policy (repeatable; docs/policies.md)\n"
		"  --policy-arg N=V      an argument for the policies\n"
		"  --keep-files DIR      keep the migration files in DIR\n"
		"  --create-mailboxes    make a mailbox even when no directory row or\n"
		"                        custom recipient stands for it\n");
	ccm_extract_args_usage(out);
	fprintf(out, "\n"
		"Running it again adds what is new and never stores a message twice;\n"
		"a message an earlier run stored stays, even when this run leaves it out.\n\n"
		"Exit status: 0 all migrated, or left out by a decision (a policy, an\n"
		"option, a default rule such as the R8 settings folders: each is counted\n"
		"and kept in the store); 1 migrated, but something was damaged, skipped\n"
		"or repaired (the report lists it); 2 failed or bad usage.\n");
}

int ccm_cmd_migrate(int argc, char **argv)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_migrate_opts o;
	struct ccm_migrate_stats st;
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;
	const char *po = NULL, *db = NULL;
	struct ccm_policy_args pa = { 0 };
	struct ccm_extract_args xa = { NULL, NULL };
	struct ccm_policies *pol = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	o.create_mailboxes = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int took = ccm_policy_args_take(&pa, argc, argv, &i);

		if (took == 0)
			took = ccm_extract_args_take(&xa, &o.extract, "migrate", argc, argv, &i);
		if (took < 0)
			return 2;
		if (took)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--store") && i + 1 < argc) {
			db = argv[++i];
		} else if (!strcmp(a, "--keep-files") && i + 1 < argc) {
			o.keep_files = argv[++i];
		} else if (!strcmp(a, "--create-mailboxes")) {
			o.create_mailboxes = 1;
		} else if (a[0] == '-' || po) {
			fprintf(stderr, "ccmig migrate: unexpected '%s'\n", a);
			usage(stderr);
			return 2;
		} else {
			po = a;
		}
	}
	if (!po || !db) {
		usage(stderr);
		return 2;
	}
	if (ccm_bundle_open(&b, po, &rep, &err) < 0) {
		fprintf(stderr, "ccmig migrate: %s\n", err.msg);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (ccm_extract_args_apply(&xa, b, &o.extract, "migrate") < 0) {
		ccm_bundle_free(b);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (ccm_store_open(&s, db, CCM_STORE_CREATE, &err) < 0) {
		fprintf(stderr, "ccmig migrate: %s\n", err.msg);
		ccm_bundle_free(b);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (pa.n_files) {
		if (ccm_policies_load(&pol, pa.files, pa.n_files, pa.args, pa.n_args,
				      &err) < 0) {
			fprintf(stderr, "ccmig migrate: %s\n", err.msg);
			ccm_store_close(s);
			ccm_bundle_free(b);
			ccm_diaglist_release(&diags);
			return 2;
		}
		o.extract.policy = ccm_policies_hooks(pol);
		o.import_policy = ccm_policies_import_hooks(pol);
	}
	{
		struct ccm_buf args = CCM_BUF_INIT, digests = CCM_BUF_INIT;

		ccm_run_record_args(&args, argc, argv);
		ccm_run_record_policies(&digests, pa.files, pa.n_files);
		o.args = args.ptr;
		o.policies = digests.len ? digests.ptr : NULL;
		rc = ccm_migrate(b, s, &o, &st, &err);
		ccm_buf_release(&args);
		ccm_buf_release(&digests);
	}
	ccm_policies_free(pol);
	ccm_store_close(s);
	ccm_bundle_free(b);
	if (rc < 0) {
		fprintf(stderr, "ccmig migrate: %s\n", err.msg);
		ccm_print_diags(stderr, "  ", &diags, 0);
		ccm_diaglist_release(&diags);
		return 2;
	}
	printf("Migrated %s into %s: %zu users, %lu messages, %lu attachments; %lu "
	       "mailboxes made, %lu custom recipients made mailboxes\n", po, db,
	       st.extract.users, st.import.messages, st.import.attachments,
	       st.import.mailboxes_created, st.import.converted);
	if (st.import.messages_already)
		printf("Already in the store: %lu messages (%lu placed anew as this run's "
		       "policy says)\n", st.import.messages_already, st.import.placed);
	if (st.import.left_out || st.import.kept || st.import.users_left_out)
		printf("Left out by decision (a policy, an option, a default rule): %lu "
		       "messages, %lu users; %lu messages an earlier run stored stay in "
		       "the store\n", st.import.left_out, st.import.users_left_out,
		       st.import.kept);
	if (st.extract.dropped)
		printf("Attachments left out by a policy: %lu, each with a note in its "
		       "message\n", st.extract.dropped);
	if (st.import.rows_skipped)
		printf("Not migrated: %lu rows skipped at import (see the recovery file)\n",
		       st.import.rows_skipped);
	if (st.set_dir[0])
		printf("Migration files kept in %s%s%s\n", st.set_dir,
		       st.import.recovery[0] ? "; recovery file " : "",
		       st.import.recovery);
	printf("Report: %lu errors, %lu warnings, %lu notes\n", rep.counts[CCM_ERROR],
	       rep.counts[CCM_WARNING], rep.counts[CCM_NOTE]);
	ccm_print_diags(stdout, "  ", &diags, 0);
	/* Decisions are notes: only problems make the status 1. */
	rc = (rep.counts[CCM_ERROR] || rep.counts[CCM_WARNING] ||
	      st.import.rows_skipped) ? 1 : 0;
	ccm_diaglist_release(&diags);
	return rc;
}
