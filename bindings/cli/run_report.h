/* run_report.h: a run's report: every event in a file beside the run's
 * output, and a summary of it on the terminal. */
#ifndef CCM_RUN_REPORT_H
#define CCM_RUN_REPORT_H

#include <stdio.h>
#include "base/buf.h"
#include "base/error.h"
#include "base/report.h"

/*
 * What one command run reports. `rep` collects every event into `diags`
 * (pass &r->rep to the stages); the command adds its count lines to
 * `counts` (what it would print: they are printed and filed alike) and
 * lines that are not events (an export's refused folders) to `other`.
 */
struct ccm_run_report {
	const char *command;          /* "migrate", "import", "extract", "export" */
	struct ccm_diaglist diags;
	struct ccm_report rep;
	struct ccm_buf counts;
	struct ccm_buf other;
	char path[4096];              /* the file written; "" when none */
};

void ccm_run_report_init(struct ccm_run_report *r, const char *command);
/* Frees what r holds. */
void ccm_run_report_release(struct ccm_run_report *r);

/*
 * The folder of a store's reports: "<store>.report", beside the store,
 * into out (reset first).
 */
void ccm_run_report_dir(struct ccm_buf *out, const char *store);

/*
 * Writes the report into folder `dir` (made when missing) as a new file
 * "<command>-<YYYYMMDD-HHMMSS>.txt" of the local time, "_2", "_3" ...
 * added when a run in the same second took the name: an earlier run's
 * report is never written over. Neither the folder nor the file is
 * written through a link planted in its place (base/nofollow.h).
 * `line` is the command line as typed (run_record.h). Sets r->path.
 * 0, or a negative code with err saying what and where.
 */
int ccm_run_report_write_new(struct ccm_run_report *r, const char *dir,
			     const char *line, struct ccm_error *err);
/* The same at `path` exactly (emptied when there: extract's report in a
 * set's folder, which holds one run). */
int ccm_run_report_write_at(struct ccm_run_report *r, const char *path,
			    const char *line, struct ccm_error *err);

/*
 * Prints to `out` what the terminal shows after a run: the count lines,
 * the decisions by reason with their counts, the problems (errors and
 * warnings) by kind with the first of each kind, the other notes by
 * kind, and where the whole report is (r->path; when the file could not
 * be written, every event is printed instead, so nothing is lost). About
 * 20 lines whatever the run. With `verbose`, every event after the
 * counts, as the report file has them.
 */
void ccm_run_report_print(FILE *out, const struct ccm_run_report *r, int verbose);

#endif
