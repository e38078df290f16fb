/* json.h: writing JSON text for --json output. */
#ifndef CCM_JSON_H
#define CCM_JSON_H

#include <stdio.h>

/* Writes s as a JSON string literal (quotes included); NULL as null. */
void ccm_json_str(FILE *out, const char *s);

struct ccm_store_run;
/* Writes ,"started_utc":N,"finished_utc":N,"status":N of a run, null for
 * what a run that never finished has not: the members stat and report
 * give every run alike. */
void ccm_json_run_times(FILE *out, const struct ccm_store_run *r);

#endif
