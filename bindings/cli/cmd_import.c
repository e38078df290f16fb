/* cmd_import.c: `ccmig import SET.pkl --store S.db`: migration files in. */
#include "commands.h"
#include "run_record.h"
#include "policy/sandbox.h"
#include "policy_args.h"
#include "report_print.h"
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
		"                        (the post office's; default UTC)\n\n"
		"Exit status: 0 all imported; 1 imported, but something was skipped\n"
		"(see the recovery file); 2 failed or bad usage.\n");
}

static int import(struct ccm_policy_args *pa, int argc, char **argv)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_import_opts o = { 0 };
	struct ccm_buf args = CCM_BUF_INIT, digests = CCM_BUF_INIT;
	struct ccm_import_stats st;
	struct ccm_store *s;
	struct ccm_error err;
	const char *pkl = NULL, *db = NULL;
	struct ccm_policies *pol = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		int took = ccm_policy_args_take(pa, "import", argc, argv, &i);

		if (took < 0)
			return 2;
		if (took)
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
	ccm_run_record_args(&args, argc, argv);
	ccm_run_record_policies(&digests, pa->files, pa->n_files);
	o.args = args.ptr;
	o.policies = digests.len ? digests.ptr : NULL;
	rc = ccm_import(s, pkl, &o, &rep, &st, &err);
	ccm_buf_release(&args);
	ccm_buf_release(&digests);
	ccm_policies_free(pol);
	ccm_store_close(s);
	if (rc < 0) {
		fprintf(stderr, "ccmig import: %s\n", err.msg);
		ccm_print_diags(stderr, "  ", &diags, 0);
		ccm_diaglist_release(&diags);
		return 2;
	}
	printf("Imported %s: %lu sections (%lu skipped), %lu rows (%lu skipped, %lu "
	       "imported before)\n", pkl, st.sections, st.sections_skipped, st.rows,
	       st.rows_skipped, st.rows_already);
	printf("%lu mailboxes created, %lu custom recipients made mailboxes, %lu "
	       "messages, %lu attachments\n", st.mailboxes_created, st.converted,
	       st.messages, st.attachments);
	if (st.recovery[0])
		printf("What was skipped is in the recovery file %s\n", st.recovery);
	printf("Report: %lu errors, %lu warnings, %lu notes\n", rep.counts[CCM_ERROR],
	       rep.counts[CCM_WARNING], rep.counts[CCM_NOTE]);
	ccm_print_diags(stdout, "  ", &diags, 0);
	/* 1 also for warnings: something was repaired or needs a look (the
	 * exit status of every command, as migrate gives it). */
	rc = (st.rows_skipped || st.sections_skipped || rep.counts[CCM_ERROR] ||
	      rep.counts[CCM_WARNING]) ? 1 : 0;
	ccm_diaglist_release(&diags);
	return rc;
}

int ccm_cmd_import(int argc, char **argv)
{
	struct ccm_policy_args pa = { 0 };
	int rc = import(&pa, argc, argv);

	ccm_policy_args_release(&pa);
	return rc;
}
