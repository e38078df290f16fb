/* export_imap.c: `ccmig export --imap`: the store to an IMAP server. */
#include "export_imap.h"
#include "progress.h"
#include "report_print.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "export/imap_export.h"
#include "store/ledger.h"
#include "store/store.h"

static void on_progress(void *ctx, unsigned long long done,
			unsigned long long total, unsigned long long bytes,
			unsigned long long paced_ms)
{
	struct ccm_progress *p = ctx;

	p->at.total = total;
	if (paced_ms)
		snprintf(p->note, sizeof(p->note), "paced: %llu s", (paced_ms + 500) / 1000);
	ccm_progress_update(p, done, bytes);
}

/* Credentials others can read are worth a word, not a refusal. */
static void check_mode(const char *path, const char *what)
{
	struct stat sb;

	if (stat(path, &sb) == 0 && (sb.st_mode & 077))
		fprintf(stderr, "ccmig export: warning: %s holds %s and can be "
			"read by others; chmod 600 it\n", path, what);
}

static void warn(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, "ccmig export: warning: %s\n", text);
}

int ccm_export_imap(const char *db, const struct ccm_export_imap_args *a,
		    struct ccm_run_report *rr)
{
	struct ccm_report *print = &rr->rep;
	struct ccm_store_sink sink;
	struct ccm_imap_export_opts o;
	struct ccm_imap_creds *creds = NULL;
	struct ccm_out_zones *zones = NULL;
	struct ccm_imap_stats st;
	struct ccm_store *s = NULL;
	struct ccm_error err;
	struct ccm_progress prog;
	char *host = malloc(strlen(a->url) + 1), bytes[32];
	int rc;

	memset(&o, 0, sizeof(o));
	if (!host) {
		fprintf(stderr, "ccmig export: out of memory\n");
		return 2;
	}
	/* A server that hangs up mid-write is an error to report, not a
	 * signal that ends the run. */
	signal(SIGPIPE, SIG_IGN);
	struct ccm_imap_token_source tokens = { a->token_command, a->token_file,
						a->timeout_s };
	int with_tokens = a->token_command || a->token_file;

	if (ccm_imap_url_parse(a->url, &o.server, host, &err) < 0 ||
	    (with_tokens && ccm_imap_token_check(&tokens, &err) < 0) ||
	    ccm_imap_creds_load(&creds, a->credentials, !with_tokens, &err) < 0 ||
	    ccm_store_open(&s, db, 0, &err) < 0) {
		fprintf(stderr, "ccmig export: %s\n", err.msg);
		ccm_imap_creds_free(creds);
		free(host);
		return 2;
	}
	if (!with_tokens)
		check_mode(a->credentials, "passwords");
	if (a->token_file)
		check_mode(a->token_file, "tokens");
	o.server.ca_file = a->ca_file;
	/* --imap-insecure: neither the certificate is checked, nor TLS
	 * required on imap:// (the export warns for what applies). */
	o.server.insecure = a->insecure;
	o.server.cleartext = a->insecure;
	o.tokens = with_tokens ? &tokens : NULL;
	o.warn = warn;
	o.server.timeout_s = a->timeout_s;
	o.retry_budget_s = a->retry_budget_s;
	o.max_rate = a->max_rate;
	/* Tests make the waits short: the doubling is what they check. */
	if (getenv("CCMIG_TEST_BACKOFF_MS"))
		o.backoff_base_ms = strtoll(getenv("CCMIG_TEST_BACKOFF_MS"), NULL, 10);
	o.url = a->url;
	o.creds = creds;
	o.public_prefix = a->public_prefix;
	o.connections = a->connections;
	o.size = a->size;
	ccm_store_sink_init(&sink, s, print);
	o.report = &sink.report;
	o.progress = on_progress;
	o.progress_ctx = &prog;
	if ((rc = ccm_out_zones_open(&zones, s, a->tz_forced ? a->tz : NULL, a->tz,
				     &err)) == 0)
		o.zones = zones;
	if (rc == 0) {
		ccm_progress_start(&prog, "exporting to IMAP", "messages", 0);
		rc = ccm_imap_export(s, &o, &st, &err);
		ccm_progress_end(&prog);
	}
	if (rc == 0 && sink.rc < 0) {
		rc = sink.rc;
		err = sink.err;
	}
	ccm_out_zones_free(zones);
	ccm_store_close(s);
	ccm_imap_creds_free(creds);
	free(host);
	if (rc < 0) {
		fprintf(stderr, "ccmig export: %s\n", err.msg);
		ccm_print_diags(stderr, "  ", &rr->diags, 0);
		return 2;
	}
	ccm_format_bytes(bytes, sizeof(bytes), st.bytes);
	ccm_buf_addf(&rr->counts, "Exported %s to %s: %lu mailboxes, %lu folders, %lu "
		     "messages sent (%s), %lu already there\n", db, a->url, st.mailboxes,
		     st.folders, st.messages, bytes, st.already + st.found);
	if (st.waits)
		ccm_buf_addf(&rr->counts, "The server made ccmig wait %lu times (throttled, "
			     "busy or closed connections)\n", st.waits);
	if (a->max_rate > 0)
		ccm_buf_addf(&rr->counts, "Paced: %llu s waited for --imap-max-rate %g "
			     "(summed over the connections)\n",
			     (st.paced_ms + 500) / 1000, a->max_rate);
	ccm_size_counts(&rr->counts, a->size, st.left_out_size, st.split_size, "sent");
	if (st.failed || st.skipped)
		ccm_buf_addf(&rr->counts, "Left out: %lu messages, %lu mailboxes; run the "
			     "same command again to retry them\n", st.failed, st.skipped);
	return (st.failed || st.skipped || print->counts[CCM_ERROR]) ? 1 : 0;
}
