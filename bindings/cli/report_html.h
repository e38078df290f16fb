/* report_html.h: the migration report as one web page that fetches nothing. */
#ifndef CCM_REPORT_HTML_H
#define CCM_REPORT_HTML_H

#include <stdio.h>
#include "base/error.h"
#include "store/stats.h"
#include "store/store.h"

/*
 * Writes the report of tally t (drawn from store s, which it reads again
 * for the events and runs) to out as one HTML5 page: the summary and
 * verdict, charts as inline SVG, the mailbox table (sortable and
 * filterable by a small inline script; readable without it), every event
 * grouped by kind (folded when many, at most a few hundred rows shown a
 * kind, with the count of the rest) and the runs. Nothing in it is
 * fetched (no script, font or image from elsewhere) and it has a print
 * stylesheet. Every name is escaped: markup, quotes, control characters
 * and bytes that are not UTF-8 are shown as text, never obeyed.
 * `name` is what the page calls the store (its path; the stores a
 * report speaks of). 0, or a negative code when reading the store failed (err says why).
 */
int ccm_report_html(FILE *out, struct ccm_store *s, const struct ccm_store_tally *t,
		    const char *name, struct ccm_error *err);

#endif
