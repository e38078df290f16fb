/* export_imap.h: `ccmig export --imap`: the store to an IMAP server. */
#ifndef CCM_EXPORT_IMAP_H
#define CCM_EXPORT_IMAP_H

#include "base/tz.h"
#include "export/size_limit.h"
#include "run_report.h"

struct ccm_export_imap_args {
	const char *url, *credentials, *ca_file, *public_prefix;
	const char *token_command, *token_file;   /* OAuth 2.0; NULL: passwords */
	int connections, insecure, timeout_s;
	int retry_budget_s;           /* --imap-retry-budget; < 0: no waiting */
	double max_rate;              /* --imap-max-rate per connection; 0: none */
	const struct ccm_tz *tz;      /* borrowed: --time-zone, or the store's */
	int tz_forced;                /* tz came from --time-zone */
	const struct ccm_size_limit *size;  /* borrowed; NULL: no limit */
};

/*
 * Opens store `db` for writing, records the run, appends every message to
 * the server (export/imap_export.h) with progress on a terminal; the
 * totals go to rr->counts and every event to rr->rep, for the caller to
 * file and print. Returns the exit status: 0 all sent, 1 something was
 * left out, 2 failed (said on stderr, with the events so far).
 */
int ccm_export_imap(const char *db, const struct ccm_export_imap_args *a,
		    struct ccm_run_report *rr);

#endif
