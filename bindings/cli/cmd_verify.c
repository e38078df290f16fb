/* cmd_verify.c: `ccmig verify PO_DIR --store S.db`: is everything there? */
#include "commands.h"
#include "progress.h"
#include "json.h"
#include "report_print.h"
#include "share_args.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>

#include "ccmail/bundle.h"
#include "store/store.h"
#include "flow/verify.h"

/* The counts and reasons as one JSON object on stdout. */
static void print_json(const char *po, const char *db, const struct ccm_share *share,
		       int damaged,
		       const struct ccm_verify_stats *st, const struct ccm_diaglist *diags,
		       int ok)
{
	printf("{\"post_office\": ");
	ccm_json_str(stdout, po);
	printf(", \"store\": ");
	ccm_json_str(stdout, db);
	printf(", \"share\": ");
	ccm_json_str(stdout, share ? share->label : NULL);
	printf(", \"outside_share\": %lu", st->outside);
	printf(", \"store_sound\": %s, \"users\": %lu, \"users_without_mailbox\": %lu, "
	       "\"users_left_out\": %lu, \"boards\": %lu, \"source_messages\": %lu, "
	       "\"store_messages\": %lu, \"matched\": %lu, \"decided\": %lu, "
	       "\"missing\": %lu, \"mismatched\": %lu, \"extra\": %lu, \"decisions\": {",
	       damaged ? "false" : "true", st->users, st->no_mailbox, st->users_left_out,
	       st->boards, st->source_messages, st->store_messages, st->matched,
	       st->decided, st->missing, st->mismatched, st->extra);
	for (size_t i = 0; i < st->n_reasons; i++) {
		printf("%s", i ? ", " : "");
		ccm_json_str(stdout, st->reasons[i].reason);
		printf(": %lu", st->reasons[i].messages);
	}
	printf("}, \"attachments_left_out\": %lu, \"attachment_decisions\": {",
	       st->attachments_left_out);
	for (size_t i = 0; i < st->n_att_reasons; i++) {
		printf("%s", i ? ", " : "");
		ccm_json_str(stdout, st->att_reasons[i].reason);
		printf(": %lu", st->att_reasons[i].messages);
	}
	/* Problems (errors, warnings), then each message a decision left
	 * out, as --list names them. */
	for (int pass = 0; pass < 2; pass++) {
		size_t n = 0;

		printf(pass ? "], \"decided_messages\": [" : "}, \"problems\": [");
		for (size_t i = 0; i < diags->len; i++) {
			const struct ccm_diag *d = &diags->items[i];
			int decided = !strcmp(d->kind, "verify-decided");

			if (decided != pass || (!decided && d->severity == CCM_NOTE))
				continue;
			printf("%s{\"severity\": \"%s\", \"kind\": ", n++ ? ", " : "",
			       ccm_severity_name(d->severity));
			ccm_json_str(stdout, d->kind);
			printf(", \"user\": ");
			ccm_json_str(stdout, d->user ? d->user : "");
			printf(", \"file\": ");
			ccm_json_str(stdout, d->file ? d->file : "");
			printf(", \"message\": %ld, \"text\": ", d->message);
			ccm_json_str(stdout, d->text ? d->text : "");
			printf("}");
		}
	}
	printf("], \"accounted\": %s}\n", ok ? "true" : "false");
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ccmig verify PO_DIR --store S.db [--list] [--json]\n\n"
		"Reconciles the post office with the store, user by user and board by\n"
		"board: every message is in the store as it is in the post office (date,\n"
		"recipients, attachment contents by SHA-256), found by its source\n"
		"identity, or the store records why it is not (a policy, an option, a\n"
		"default rule such as the R8 settings folders). Decisions are counted by\n"
		"reason; what is neither held nor decided, held but different, or held\n"
		"without a source message is an error. First checks that the store\n"
		"itself is sound (SQLite's integrity and foreign key checks).\n\n"
		"options:\n"
		"  --list    list every message left out by a decision, with its reason\n"
		"  --json    print the result as one JSON object, for scripts\n");
	ccm_share_args_usage(out);
	fprintf(out, CCM_PROGRESS_USAGE "\n"
		"A share (--mailboxes, --shard, as migrate took them) is verified as a\n"
		"share: every user's mailbox must be there, the mail of the mailboxes\n"
		"outside it is not compared. Without them the whole post office is, so\n"
		"that the store of one share reports the other shares' mail missing.\n\n"
		"Exit status: 0 every message is accounted for; 1 problems (listed);\n"
		"2 failed or bad usage.\n");
}

int ccm_cmd_verify(int argc, char **argv)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_verify_stats st;
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;
	struct ccm_buf damage = CCM_BUF_INIT;
	const char *po = NULL, *db = NULL;
	struct ccm_verify_opts vo = { 0 };
	struct ccm_progress prog;
	struct ccm_share_args sa = { NULL, NULL };
	struct ccm_share *share = NULL;
	int rc, damaged, list = 0, json = 0;

	for (int i = 1; i < argc; i++) {
		int took = ccm_share_args_take(&sa, "verify", argc, argv, &i);

		if (took < 0)
			return 2;
		if (took || ccm_progress_option(argv[i]))
			continue;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--store")) {
			if (i + 1 >= argc)
				return ccm_usage_error("verify", "--store needs a value");
			db = argv[++i];
		} else if (!strcmp(argv[i], "--list")) {
			list = 1;
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (argv[i][0] == '-') {
			return ccm_usage_error("verify", "unknown option '%s'", argv[i]);
		} else if (po) {
			return ccm_usage_error("verify", "one post office at a time ('%s' "
					       "and '%s')", po, argv[i]);
		} else {
			po = argv[i];
		}
	}
	if (!po)
		return ccm_usage_error("verify", "which post office? give its folder");
	if (!db)
		return ccm_usage_error("verify", "which store? give --store S.db");
	if (ccm_bundle_open(&b, po, &rep, &err) < 0) {
		fprintf(stderr, "ccmig verify: %s\n", err.msg);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (ccm_share_args_apply(&share, &sa, b, "verify") < 0) {
		ccm_bundle_free(b);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (ccm_store_open(&s, db, CCM_STORE_READONLY, &err) < 0) {
		fprintf(stderr, "ccmig verify: %s\n", err.msg);
		ccm_share_free(share);
		ccm_bundle_free(b);
		ccm_diaglist_release(&diags);
		return 2;
	}
	/* A damaged store may read back wrong, so its soundness comes first;
	 * the comparison still runs, to list what it can. */
	memset(&st, 0, sizeof(st));
	damaged = ccm_store_check(s, &damage, &err);
	vo.list = list || json;
	vo.progress = ccm_progress_fn_draw;
	vo.progress_ctx = &prog;
	vo.share = share;
	ccm_progress_start(&prog, share ? "verifying a share" : "verifying",
			   "users and boards", 0);
	rc = damaged < 0 ? damaged : ccm_verify(b, s, &vo, &st, &err);
	ccm_progress_end(&prog);
	ccm_store_close(s);
	ccm_bundle_free(b);
	if (rc < 0) {
		ccm_share_free(share);
		fprintf(stderr, "ccmig verify: %s\n", err.msg);
		ccm_diaglist_release(&diags);
		ccm_buf_release(&damage);
		ccm_verify_stats_release(&st);
		return 2;
	}
	rc = (damaged || st.no_mailbox || st.missing || st.mismatched || st.extra ||
	      rep.counts[CCM_ERROR]) ? 1 : 0;
	if (json) {
		print_json(po, db, share, damaged, &st, &diags, rc == 0);
		ccm_share_free(share);
		ccm_buf_release(&damage);
		ccm_verify_stats_release(&st);
		ccm_diaglist_release(&diags);
		return rc;
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
	if (share)
		printf("A share of %s (%s): the mail of %zu of its %zu mailboxes compared; "
		       "%lu mailboxes outside the share only checked to be there\n", po,
		       share->label, share->len, share->of, st.outside);
	ccm_share_free(share);
	printf("Verified %s against %s: %lu users (%lu left out by decision, %lu without "
	       "a mailbox and no decision), %lu boards\n", po, db, st.users,
	       st.users_left_out, st.no_mailbox, st.boards);
	printf("%lu messages in the post office: %lu in the store as they are, %lu left "
	       "out by decision; %lu missing, %lu different, %lu extra in the store\n",
	       st.source_messages, st.matched, st.decided, st.missing, st.mismatched,
	       st.extra);
	for (size_t i = 0; i < st.n_reasons; i++)
		printf("  left out: %lu by %s\n", st.reasons[i].messages,
		       st.reasons[i].reason);
	if (st.attachments_left_out)
		printf("%lu attachments of those messages left out by decision, each "
		       "with a note in its message\n", st.attachments_left_out);
	for (size_t i = 0; i < st.n_att_reasons; i++)
		printf("  attachments left out: %lu by %s\n", st.att_reasons[i].messages,
		       st.att_reasons[i].reason);
	ccm_print_diags(stdout, "  ", &diags, 0);
	printf("%s\n", rc ? (sa.mailboxes || sa.shard ?
			     "The store does NOT account for the whole share." :
			     "The store does NOT account for the whole post office.") :
	       sa.mailboxes || sa.shard ? "The store accounts for every message of the share." :
	       "The store accounts for every message of the post office.");
	ccm_verify_stats_release(&st);
	ccm_diaglist_release(&diags);
	return rc;
}
