/* cmd_import.c: `ccmig import SET.pkl --store S.db`: migration files in. */
#include "commands.h"
#include "run_record.h"
#include "policy/sandbox.h"
#include "policy_args.h"
#include "progress.h"
#include "report_print.h"
#include "run_report.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>

#include "flow/import.h"
#include "store/store.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ccmig import SET_DIR/PO.pkl --store S.db [options]\n\n"
		"Imports a migration file set into the store, as the Migration Wizard\n"
		"did: DIRECTORY rows make mailboxes, MAILMESSAGE sections find their\n"
		"mailbox by address and turn a custom recipient into it, in place.\n"
		"What cannot be imported goes to a recovery file RECOVER-NNNN.pkl\n"
		"beside the packing list: fix it and import that.\n\n"
		"options:\n"
		"  --store S.db          the store (created if missing)\n"
		"  --create-mailboxes    make a mailbox for a MAILMESSAGE section whose\n"
		"                        mailbox is neither there nor a custom recipient\n"
		"                        (without it such a section is skipped, 8074)\n"
		"  --policy P            a policy whose custom_recipient hook chooses the\n"
		"                        custom recipient that becomes a mailbox: a\n"
		"                        file, or a stock policy's name (repeatable)\n"
		"  --policy-arg N=V      an argument for the policies\n"
		"  --time-zone Z         the zone the set's dates were written in\n"
		"                        (the post office's; default UTC)\n"
		"  --verbose             print every event, not only the summary\n"
		CCM_PROGRESS_USAGE "\n"
		"The report of every run, with every event, is written beside the store\n"
		"as S.db.report/import-<date>-<time>.txt; the terminal shows a summary.\n"
		"Exit status: 0 all imported; 1 imported, but something was skipped\n"
		"(see the recovery file); 2 failed or bad usage.\n");
}

/* The counts of the run, as printed and filed. */
static void counts(struct ccm_buf *out, const char *pkl, const struct ccm_import_stats *st)
{
	ccm_buf_addf(out, "Imported %s: %lu sections (%lu skipped), %lu rows (%lu skipped, "
		     "%lu imported before)\n", pkl, st->sections, st->sections_skipped,
		     st->rows, st->rows_skipped, st->rows_already);
	ccm_buf_addf(out, "%lu mailboxes created, %lu custom recipients made mailboxes, %lu "
		     "messages, %lu attachments\n", st->mailboxes_created, st->converted,
		     st->messages, st->attachments);
	if (st->recovery[0])
		ccm_buf_addf(out, "What was skipped is in the recovery file %s\n", st->recovery);
}

static int import(struct ccm_policy_args *pa, int argc, char **argv)
{
	struct ccm_run_report rr;
	struct ccm_import_opts o = { 0 };
	struct ccm_buf args = CCM_BUF_INIT, digests = CCM_BUF_INIT, dir = CCM_BUF_INIT;
	struct ccm_import_stats st;
	struct ccm_store *s;
	struct ccm_error err;
	struct ccm_progress prog;
	const char *pkl = NULL, *db = NULL;
	struct ccm_policies *pol = NULL;
	int rc, verbose = 0;

	for (int i = 1; i < argc; i++) {
		int took = ccm_policy_args_take(pa, "import", argc, argv, &i);

		if (took < 0)
			return 2;
		if (took || ccm_progress_option(argv[i]))
			continue;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if ((!strcmp(argv[i], "--store") || !strcmp(argv[i], "--time-zone")) &&
			   i + 1 >= argc) {
			return ccm_usage_error("import", "%s needs a value", argv[i]);
		} else if (!strcmp(argv[i], "--store")) {
			db = argv[++i];
		} else if (!strcmp(argv[i], "--time-zone")) {
			o.time_zone = argv[++i];
		} else if (!strcmp(argv[i], "--create-mailboxes")) {
			o.create_mailboxes = 1;
		} else if (!strcmp(argv[i], "--verbose")) {
			verbose = 1;
		} else if (argv[i][0] == '-') {
			return ccm_usage_error("import", "unknown option '%s'", argv[i]);
		} else if (pkl) {
			return ccm_usage_error("import", "one packing list at a time ('%s' "
					       "and '%s')", pkl, argv[i]);
		} else {
			pkl = argv[i];
		}
	}
	if (!pkl)
		return ccm_usage_error("import", "which set? give its packing list, "
				       "SET_DIR/PO.pkl");
	if (!db)
		return ccm_usage_error("import", "which store? give --store S.db");
	if (pa->n_files) {
		if (ccm_policies_load(&pol, pa->files, pa->n_files, pa->args, pa->n_args,
				      &err) < 0) {
			fprintf(stderr, "ccmig import: %s\n", err.msg);
			return 2;
		}
		o.policy = ccm_policies_import_hooks(pol);
	}
	if (ccm_store_open(&s, db, CCM_STORE_CREATE, &err) < 0) {
		fprintf(stderr, "ccmig import: %s\n", err.msg);
		ccm_policies_free(pol);
		return 2;
	}
	ccm_run_report_init(&rr, "import");
	ccm_run_record_args(&args, argc, argv);
	ccm_run_record_policies(&digests, pa->files, pa->n_files);
	o.args = args.ptr;
	o.policies = digests.len ? digests.ptr : NULL;
	o.progress = ccm_progress_fn_draw;
	o.progress_ctx = &prog;
	ccm_progress_start(&prog, "importing", "rows", 0);
	rc = ccm_import(s, pkl, &o, &rr.rep, &st, &err);
	ccm_progress_end(&prog);
	ccm_buf_release(&digests);
	ccm_policies_free(pol);
	ccm_store_close(s);
	if (rc < 0) {
		fprintf(stderr, "ccmig import: %s\n", err.msg);
		ccm_print_diags(stderr, "  ", &rr.diags, 0);
		ccm_run_report_release(&rr);
		ccm_buf_release(&args);
		return 2;
	}
	counts(&rr.counts, pkl, &st);
	ccm_run_report_dir(&dir, db);
	if (ccm_run_report_write_new(&rr, dir.ptr, args.ptr, &err) < 0)
		fprintf(stderr, "ccmig import: warning: %s; every event is printed below "
			"instead\n", err.msg);
	ccm_run_report_print(stdout, &rr, verbose);
	/* 1 also for warnings: something was repaired or needs a look (the
	 * exit status of every command, as migrate gives it). */
	rc = (st.rows_skipped || st.sections_skipped || rr.rep.counts[CCM_ERROR] ||
	      rr.rep.counts[CCM_WARNING]) ? 1 : 0;
	ccm_run_report_release(&rr);
	ccm_buf_release(&args);
	ccm_buf_release(&dir);
	return rc;
}

int ccm_cmd_import(int argc, char **argv)
{
	struct ccm_policy_args pa = { 0 };
	int rc = import(&pa, argc, argv);

	ccm_policy_args_release(&pa);
	return rc;
}
