/* check.c: reading a whole migration file set to count it and report every problem. */
#include "iff/check.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct check {
	struct ccm_iff_check_stats *st;
	ccm_iff_check_progress progress;
	void *progress_ctx;
	char piece[64 * 1024];            /* section data, read and dropped */
};

/* Reads every section of a chain to its last byte. */
static int walk_chain(struct ccm_iff_chain *ch, struct check *x,
		      struct ccm_error *err)
{
	struct ccm_iff_check_stats *st = x->st;
	const struct ccm_iff_secsect *h;
	ssize_t got;

	while (ccm_iff_chain_next(ch, &h) > 0) {
		if (h->type == CCM_IFF_ATTACHMENT)
			st->attachments++;
		else if (h->type == CCM_IFF_DOCUMENT)
			st->documents++;
		else if (h->type == CCM_IFF_SCHEDULE)
			st->schedules++;
		while ((got = ccm_iff_chain_read(ch, x->piece, sizeof(x->piece), err)) > 0)
			st->data_bytes += (unsigned long long)got;
		if (got < 0)
			return (int)got;
	}
	return 0;
}

static int is_list_col(enum ccm_iff_section_kind k, enum ccm_iff_col c,
		       const struct ccm_iff_row *r)
{
	if (k == CCM_IFF_MAILMESSAGE)
		return c == CCM_IFF_COL_TO || c == CCM_IFF_COL_CC || c == CCM_IFF_COL_BCC;
	if (k == CCM_IFF_PAB && c == CCM_IFF_COL_EMAIL_ADDRESS) {
		const char *oc = ccm_iff_row_get(r, CCM_IFF_COL_OBJ_CLASS, NULL);
		return oc && !strcasecmp(oc, "dl");
	}
	return 0;
}

/* Checks one row: fields, then every pointer it holds. -1: system error. */
static int check_row(struct ccm_iff_pri *p, const struct ccm_iff_row *r,
		     struct check *x, struct ccm_error *err)
{
	struct ccm_iff_check_stats *st = x->st;
	enum ccm_iff_section_kind k = r->sec->kind;
	struct ccm_csv_line list;
	struct ccm_buf text = CCM_BUF_INIT;
	int bad = ccm_iff_row_validate(p, NULL) < 0, rc = 0;

	ccm_csv_line_init(&list);
	for (size_t i = 0; i < r->nfields && rc >= 0 && k != CCM_IFF_DIRECTORY; i++) {
		struct ccm_iff_chain *ch;
		int c;

		if (!r->field_pointer[i])
			continue;
		/* The known column at position i, if any. */
		for (c = 0; c < CCM_IFF_COL_COUNT && r->sec->col[c] != (int)i; c++)
			;
		if (c == CCM_IFF_COL_COUNT)
			continue;
		if (c == CCM_IFF_COL_BODY && k == CCM_IFF_MAILMESSAGE) {
			rc = ccm_iff_row_chain(&ch, p, CCM_IFF_COL_BODY, err);
			if (rc == 0) {
				rc = walk_chain(ch, x, err);
				ccm_iff_chain_free(ch);
			}
		} else if (is_list_col(k, (enum ccm_iff_col)c, r)) {
			list.n = 0;
			rc = ccm_iff_row_multi(&list, p, (enum ccm_iff_col)c);
			st->values++;
		} else {
			rc = ccm_iff_row_text(&text, p, (enum ccm_iff_col)c, 1024 * 1024, err);
			st->values++;
		}
		if (rc == CCM_EMALFORMED) {
			bad = 1;
			rc = 0;
		}
	}
	ccm_csv_line_release(&list);
	ccm_buf_release(&text);
	if (rc < 0)
		return rc;
	if (bad)
		st->skipped_rows++;
	return 0;
}

static int check_primary(struct check *x, struct ccm_iff_set *set, size_t i,
			 struct ccm_report *rep, struct ccm_error *err)
{
	struct ccm_iff_check_stats *st = x->st;
	const struct ccm_iff_section *sec;
	const struct ccm_iff_row *r;
	struct ccm_iff_pri *p;
	int rc;

	rc = ccm_iff_pri_open(&p, set, i, err);
	if (rc == CCM_ENOTFOUND)
		return 0;   /* reported when the packing list was read */
	if (rc < 0) {
		struct ccm_diag d = { 0 };
		d.severity = CCM_ERROR;
		d.kind = "primary-unreadable";
		d.file = ccm_iff_set_file(set, CCM_IFF_PRIMARY, i)->name;
		d.offset = -1;
		ccm_reportf(rep, &d, "%s; the whole file is skipped", err->msg);
		return 0;
	}
	while ((rc = ccm_iff_pri_next_section(p, &sec, err)) > 0) {
		unsigned long rows = 0;

		st->sections[sec->kind]++;
		if (sec->is_public)
			st->public_sections++;
		if (sec->bad)
			st->bad_sections++;
		while ((rc = ccm_iff_pri_next_row(p, &r, err)) > 0) {
			rows++;
			st->rows_total++;
			if (r->bad) {
				st->skipped_rows++;
			} else {
				st->rows[sec->kind]++;
				if ((rc = check_row(p, r, x, err)) < 0)
					break;
			}
			if (x->progress)
				x->progress(x->progress_ctx, st->rows_total, st->data_bytes);
		}
		if (rc < 0)
			break;
		if (!rows && sec->kind == CCM_IFF_MAILMESSAGE && !sec->bad)
			st->empty_mm++;
	}
	ccm_iff_pri_close(p);
	return rc;
}

int ccm_iff_check(struct ccm_iff_check_stats *out, struct ccm_iff_set *set,
		  ccm_iff_check_progress progress, void *progress_ctx,
		  struct ccm_report *rep, struct ccm_error *err)
{
	struct check *x = malloc(sizeof(*x));
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!x)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	x->st = out;
	x->progress = progress;
	x->progress_ctx = progress_ctx;
	out->primaries = ccm_iff_set_count(set, CCM_IFF_PRIMARY);
	out->secondaries = ccm_iff_set_count(set, CCM_IFF_SECONDARY);
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < ccm_iff_set_count(set, (enum ccm_iff_filetype)t); i++)
			if (!ccm_iff_set_file(set, (enum ccm_iff_filetype)t, i)->path)
				out->missing++;
	for (size_t i = 0; i < out->primaries && rc >= 0; i++)
		rc = check_primary(x, set, i, rep, err);
	for (size_t i = 0; i < out->secondaries && rc >= 0; i++)
		rc = ccm_iff_set_scan_secondary(set, i, &out->sec_sections,
						&out->sec_bytes, err);
	free(x);
	return rc < 0 ? rc : 0;
}
