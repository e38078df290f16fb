/* cmd_extract.c: `ccmig extract PO_DIR -o SET_DIR`: write migration files. */
#include "commands.h"
#include "extract_args.h"
#include "report_print.h"
#include "run_record.h"
#include "run_report.h"
#include "policy/sandbox.h"
#include "policy_args.h"
#include "progress.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/nofollow.h"
#include "base/report.h"
#include "base/tz.h"
#include "ccmail/bundle.h"
#include "iff/extract.h"

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
		"  --verbose             print every event, not only the summary\n"
		CCM_PROGRESS_USAGE);
	ccm_policy_args_usage(out);
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
	struct ccm_progress *p = ctx;

	p->at.total = total;
	ccm_progress_update(p, done, bytes);
}

static int extract(struct ccm_policy_args *pa, int argc, char **argv)
{
	struct ccm_run_report rr;
	struct ccm_report *rep = &rr.rep;
	struct ccm_extract_opts o = { 0 };
	struct ccm_extract_stats st;
	struct ccm_bundle *b;
	struct ccm_error err;
	struct ccm_progress prog;
	const char *po = NULL, *out = NULL;
	struct ccm_extract_args xa = { NULL, NULL };
	struct ccm_policies *pol = NULL;
	char bytes[32], path[4096];
	int rc, verbose = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_value = i + 1 < argc;

		int took = ccm_policy_args_take(pa, "extract", argc, argv, &i);

		if (took == 0)
			took = ccm_extract_args_take(&xa, &o, "extract", argc, argv, &i);
		if (took < 0)
			return 2;
		if (took || ccm_progress_option(a))
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--verbose")) {
			verbose = 1;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (!has_value)
				return ccm_usage_error("extract", "%s needs a value", a);
			out = argv[++i];
		} else if (a[0] == '-') {
			return ccm_usage_error("extract", "unknown option '%s'", a);
		} else if (!po) {
			po = a;
		} else {
			return ccm_usage_error("extract", "one post office at a time ('%s' "
					       "and '%s')", po, a);
		}
	}
	if (!po)
		return ccm_usage_error("extract", "which post office? give its folder");
	if (!out)
		return ccm_usage_error("extract", "where to? give -o SET_DIR");
	ccm_run_report_init(&rr, "extract");
	if (ccm_bundle_open(&b, po, rep, &err) < 0) {
		fprintf(stderr, "ccmig extract: %s\n", err.msg);
		ccm_run_report_release(&rr);
		return 2;
	}
	if (ccm_extract_args_apply(&xa, b, &o, "extract") < 0) {
		ccm_bundle_free(b);
		ccm_run_report_release(&rr);
		return 2;
	}
	if (pa->n_files) {
		if (ccm_policies_load(&pol, pa->files, pa->n_files, pa->args, pa->n_args,
				      &err) < 0) {
			fprintf(stderr, "ccmig extract: %s\n", err.msg);
			ccm_bundle_free(b);
			ccm_run_report_release(&rr);
			return 2;
		}
		o.policy = ccm_policies_hooks(pol);
	}
	ccm_progress_start(&prog, "extracting", "users", 0);
	o.progress = on_progress;
	o.ctx = &prog;
	rc = ccm_extract(b, out, &o, &st, &err);
	ccm_progress_end(&prog);
	ccm_policies_free(pol);
	if (rc < 0) {
		fprintf(stderr, "ccmig extract: %s\n", err.msg);
		ccm_bundle_free(b);
		ccm_run_report_release(&rr);
		return 2;
	}
	ccm_format_bytes(bytes, sizeof(bytes), st.bytes_in);
	ccm_buf_addf(&rr.counts, "Wrote %s/%s: %zu users (each with a MAILMESSAGE section), "
		     "%zu address books, %zu bulletin boards\n", out, st.pkl, st.users,
		     st.pab_sections, st.boards);
	ccm_buf_addf(&rr.counts, "%lu messages, %lu attachments (%lu forwarded messages) "
		     "from %s of export; %lu messages not written\n", st.messages,
		     st.attachments, st.forwarded, bytes, st.skipped);
	if (st.dropped)
		ccm_buf_addf(&rr.counts, "Attachments left out by a policy: %lu, each with a "
			     "note in its message\n", st.dropped);
	/* One set, one run: the set's folder holds its report. */
	snprintf(path, sizeof(path), "%s/ccmig-report.txt", out);
	{
		struct ccm_buf line = CCM_BUF_INIT;

		ccm_run_record_args(&line, argc, argv);
		if (ccm_run_report_write_at(&rr, path, line.ptr, &err) < 0)
			fprintf(stderr, "ccmig extract: %s; every event is printed below "
				"instead\n", err.msg);
		ccm_buf_release(&line);
	}
	ccm_run_report_print(stdout, &rr, verbose);
	/* Messages left out by a decision are notes; a policy that failed
	 * is an error: only problems make the status 1. */
	rc = (rep->counts[CCM_ERROR] || rep->counts[CCM_WARNING]) ? 1 : 0;
	ccm_bundle_free(b);
	ccm_run_report_release(&rr);
	return rc;
}

int ccm_cmd_extract(int argc, char **argv)
{
	struct ccm_policy_args pa = { 0 };
	int rc = extract(&pa, argc, argv);

	ccm_policy_args_release(&pa);
	return rc;
}
