/* cmd_extract.c: `ccmig extract PO_DIR -o SET_DIR`: write migration files. */
#include "commands.h"
#include "extract_args.h"
#include "report_print.h"
#include "policy/sandbox.h"
#include "policy_args.h"
#include "progress.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/nofollow.h"
#include "base/report.h"
#include "base/tz.h"
#include "ccmail/bundle.h"
#include "iff/extract.h"

#define SHOWN 20

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ccmig extract PO_DIR -o SET_DIR [options]\n\n"
		"Writes an Exchange migration file set for the post office in PO_DIR:\n"
		"SET_DIR/<PO>.pkl, Directory.pri, one NNNNNNNN.pri/.sec per local and\n"
		"mobile user (always with a MAILMESSAGE section, mail or not), and\n"
		"Public.pri/.sec for bulletin boards.\n\n"
		"options:\n"
		"  -o, --output DIR      the set's folder (created; must not hold a set)\n"
		"  --policy P.lua        a migration policy (repeatable; docs/policies.md)\n"
		"  --policy-arg N=V      an argument for the policies\n");
	ccm_extract_args_usage(out);
	fprintf(out, "\n"
		"Every message not written is in the report, SET_DIR/ccmig-report.txt,\n"
		"and in the set itself, with who decided, for the store to keep.\n"
		"Exit status: 0 all written, or left out by a decision (a policy, an\n"
		"option, a default rule); 1 written, but something was damaged, skipped\n"
		"or repaired (see the report); 2 failed or bad usage.\n");
}

static void on_progress(void *ctx, size_t done, size_t total, unsigned long long bytes)
{
	ccm_progress_update(ctx, done, bytes);
	(void)total;
}

static int write_report(const char *dir, const struct ccm_diaglist *d,
			struct ccm_error *err)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/ccmig-report.txt", dir);
	if (ccm_nofollow_fopen(&f, path, err) < 0)
		return err->code;
	ccm_print_diags(f, "", d, 0);
	if (fclose(f) != 0)
		return ccm_error_sys(err, errno, "cannot write '%s'", path);
	return 0;
}

int ccm_cmd_extract(int argc, char **argv)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_extract_opts o = { 0 };
	struct ccm_extract_stats st;
	struct ccm_bundle *b;
	struct ccm_error err;
	struct ccm_progress prog;
	const char *po = NULL, *out = NULL;
	struct ccm_extract_args xa = { NULL, NULL };
	struct ccm_policy_args pa = { 0 };
	struct ccm_policies *pol = NULL;
	char bytes[32];
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_value = i + 1 < argc;

		int took = ccm_policy_args_take(&pa, argc, argv, &i);

		if (took == 0)
			took = ccm_extract_args_take(&xa, &o, "extract", argc, argv, &i);
		if (took < 0)
			return 2;
		if (took)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_value) {
			out = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "ccmig extract: unknown option or missing value '%s'\n", a);
			usage(stderr);
			return 2;
		} else if (!po) {
			po = a;
		} else {
			fprintf(stderr, "ccmig extract: one post office at a time\n");
			return 2;
		}
	}
	if (!po || !out) {
		usage(stderr);
		return 2;
	}
	if (ccm_bundle_open(&b, po, &rep, &err) < 0) {
		fprintf(stderr, "ccmig extract: %s\n", err.msg);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (ccm_extract_args_apply(&xa, b, &o, "extract") < 0) {
		ccm_bundle_free(b);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (pa.n_files) {
		if (ccm_policies_load(&pol, pa.files, pa.n_files, pa.args, pa.n_args,
				      &err) < 0) {
			fprintf(stderr, "ccmig extract: %s\n", err.msg);
			ccm_bundle_free(b);
			ccm_diaglist_release(&diags);
			return 2;
		}
		o.policy = ccm_policies_hooks(pol);
	}
	ccm_progress_start(&prog, "users", 0);
	o.progress = on_progress;
	o.ctx = &prog;
	rc = ccm_extract(b, out, &o, &st, &err);
	ccm_progress_end(&prog);
	ccm_policies_free(pol);
	if (rc < 0) {
		fprintf(stderr, "ccmig extract: %s\n", err.msg);
		ccm_bundle_free(b);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (write_report(out, &diags, &err) != 0)
		fprintf(stderr, "ccmig extract: %s\n", err.msg);
	ccm_format_bytes(bytes, sizeof(bytes), st.bytes_in);
	printf("Wrote %s/%s: %zu users (each with a MAILMESSAGE section), %zu "
	       "address books, %zu bulletin boards\n", out, st.pkl, st.users,
	       st.pab_sections, st.boards);
	printf("%lu messages, %lu attachments (%lu forwarded messages) from %s of "
	       "export; %lu messages not written\n", st.messages, st.attachments,
	       st.forwarded, bytes, st.skipped);
	if (st.dropped)
		printf("Attachments left out by a policy: %lu, each with a note in its "
		       "message\n", st.dropped);
	printf("Report: %lu errors, %lu warnings, %lu notes; all in %s/ccmig-report.txt\n",
	       rep.counts[CCM_ERROR], rep.counts[CCM_WARNING], rep.counts[CCM_NOTE], out);
	ccm_print_diags(stdout, "  ", &diags, SHOWN);
	if (diags.len > SHOWN)
		printf("  ... and %zu more in the report\n", diags.len - SHOWN);
	/* Messages left out by a decision are notes; a policy that failed
	 * is an error: only problems make the status 1. */
	rc = (rep.counts[CCM_ERROR] || rep.counts[CCM_WARNING]) ? 1 : 0;
	ccm_bundle_free(b);
	ccm_diaglist_release(&diags);
	return rc;
}
