/* check.h: reading a whole migration file set to count it and report every problem. */
#ifndef CCM_IFF_CHECK_H
#define CCM_IFF_CHECK_H

#include "base/report.h"
#include "iff/reader.h"

/* What a check found, by kind. Indexes of sections[] and rows[] are
 * enum ccm_iff_section_kind. */
struct ccm_iff_check_stats {
	size_t primaries, secondaries, missing;   /* files listed; listed, absent */
	unsigned long sections[3], public_sections, empty_mm, bad_sections;
	unsigned long rows[3], skipped_rows;      /* rows read; rows import skips */
	unsigned long attachments, documents, schedules, values;
	unsigned long long data_bytes;            /* section data read through pointers */
	unsigned long sec_sections;               /* sections found walking each .sec */
	unsigned long long sec_bytes;
	unsigned long long rows_total;
};

/* Called after each row with the rows and section bytes read so far. */
typedef void (*ccm_iff_check_progress)(void *ctx, unsigned long long rows,
				       unsigned long long bytes);

/*
 * Reads every primary file of `set` (every section, row, field and pointer,
 * and the secondary data behind each pointer to its last byte) and walks
 * every secondary file, as import would, into *out (zeroed first).
 * Problems in the set go to `rep` (the report the set was opened with sees
 * those of the reader) with file, line and byte offset; a primary file
 * that cannot be opened is reported and skipped. `progress` may be NULL.
 *
 * Returns 0, or a negative code for a failure of the system (err filled):
 * out of memory, a read error. A set full of problems returns 0.
 */
int ccm_iff_check(struct ccm_iff_check_stats *out, struct ccm_iff_set *set,
		  ccm_iff_check_progress progress, void *progress_ctx,
		  struct ccm_report *rep, struct ccm_error *err);

#endif
