/* cmd_verify.c: `ccmig verify PO_DIR --store S.db`: is everything there? */
#include "commands.h"
#include "report_print.h"

#include <stdio.h>
#include <string.h>

#include "ccmail/bundle.h"
#include "store/store.h"
#include "store/verify.h"

int cmd_verify(int argc, char **argv)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_verify_stats st;
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;
	struct ccm_buf damage = CCM_BUF_INIT;
	const char *po = NULL, *db = NULL;
	int rc, damaged;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: ccmig verify PO_DIR --store S.db\n\n"
			       "Compares the post office with the store, user by user:\n"
			       "every local and mobile user has a mailbox, and each mailbox\n"
			       "holds exactly the user's messages (folder, subject, date,\n"
			       "flags, recipients, attachment contents by SHA-256); boards\n"
			       "likewise. Lists every difference. First checks that the\n"
			       "store itself is sound (SQLite's integrity and foreign key\n"
			       "checks).\n\n"
			       "Exit status: 0 the store holds everything; 1 differences\n"
			       "(listed); 2 failed or bad usage.\n");
			return 0;
		} else if (!strcmp(argv[i], "--store") && i + 1 < argc) {
			db = argv[++i];
		} else if (argv[i][0] == '-' || po) {
			fprintf(stderr, "ccmig verify: unexpected '%s'\n", argv[i]);
			return 2;
		} else {
			po = argv[i];
		}
	}
	if (!po || !db) {
		fprintf(stderr, "usage: ccmig verify PO_DIR --store S.db\n");
		return 2;
	}
	if (ccm_bundle_open(&b, po, &rep, &err) < 0) {
		fprintf(stderr, "ccmig verify: %s\n", err.msg);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (ccm_store_open(&s, db, CCM_STORE_READONLY, &err) < 0) {
		fprintf(stderr, "ccmig verify: %s\n", err.msg);
		ccm_bundle_free(b);
		ccm_diaglist_release(&diags);
		return 2;
	}
	/* A damaged store may read back wrong, so its soundness comes first;
	 * the comparison still runs, to list what it can. */
	damaged = ccm_store_check(s, &damage, &err);
	rc = damaged < 0 ? damaged : ccm_verify(b, s, &st, &err);
	ccm_store_close(s);
	ccm_bundle_free(b);
	if (rc < 0) {
		fprintf(stderr, "ccmig verify: %s\n", err.msg);
		ccm_diaglist_release(&diags);
		ccm_buf_release(&damage);
		return 2;
	}
	if (damaged) {
		printf("The store is damaged: SQLite's integrity_check and "
		       "foreign_key_check found\n");
		for (char *line = damage.ptr, *nl; line && *line; line = nl + 1) {
			nl = strchr(line, '\n');
			printf("  %.*s\n", (int)(nl - line), line);
		}
		printf("Restore the store from a copy, or migrate into a new one.\n");
	}
	ccm_buf_release(&damage);
	printf("Verified %s against %s: %lu users (%lu without a mailbox), %lu boards\n",
	       po, db, st.users, st.no_mailbox, st.boards);
	printf("%lu messages in the post office, %lu in the store; %lu missing or "
	       "different, %lu extra\n", st.source_messages, st.store_messages,
	       st.missing, st.extra);
	print_diags(stdout, "  ", &diags, 0);
	rc = (damaged || st.no_mailbox || st.missing || st.extra) ? 1 : 0;
	printf("%s\n", rc ? "The store does NOT hold the whole post office." :
	       "The store holds the whole post office.");
	ccm_diaglist_release(&diags);
	return rc;
}
