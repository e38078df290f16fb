/* boxtable.h: the table of mailboxes, a row per user and board, as CSV and JSON. */
#ifndef CCM_BOXTABLE_H
#define CCM_BOXTABLE_H

#include <stdio.h>
#include "base/buf.h"
#include "store/stats.h"

/*
 * One module writes the table for `ccmig report` (its CSV, its JSON, the
 * HTML's numbers) and `ccmig stat --csv`, so that they agree column for
 * column. The columns, in order: po, kind, name, alias, display_name,
 * folder, status, user_decision, user_reason, source, migrated, kept,
 * left_out, one "left_out:<reason>" column per reason of the tally,
 * unaccounted, damaged, problems, errors, messages, bytes, attachments,
 * oldest, newest (dates as YYYY-MM-DD, empty when none).
 */

/* "1999-03-21" for UTC seconds t into out (at least 11 bytes); "" for 0. */
void ccm_boxtable_date(char *out, size_t outsz, long long t);

/* Writes the header line and a line per row, RFC 4180: fields with a
 * comma, quote or line break quoted, quotes doubled, lines ended CRLF.
 * A text field that a spreadsheet would take for a formula (it starts
 * with = + - @, a tab or CR: a name from a hostile post office) gets a
 * leading apostrophe, as OWASP advises, so that it is shown, never run. */
void ccm_boxtable_csv(FILE *out, const struct ccm_store_tally *t);

/* Writes the rows as a JSON array of objects with the same names (the
 * reasons as an object "left_out_by": {reason: count}, only those with a
 * count); numbers as numbers, dates as strings or null. */
void ccm_boxtable_json(FILE *out, const struct ccm_store_tally *t);

/* Appends the verdict, one sentence: is every source message accounted
 * for (migrated, or left out by a decision), and what is left to check.
 * Returns 1 when it is (no error, nothing unaccounted), 0 when not. */
int ccm_boxtable_verdict(struct ccm_buf *out, const struct ccm_store_tally *t);

#endif
