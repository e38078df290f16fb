/* cmd_check.c: `ccmig check SET/PO.pkl`: read a whole migration file set and list every problem. */
#include "commands.h"
#include "report_print.h"
#include "json.h"
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/report.h"
#include "iff/reader.h"

struct check_stats {
	size_t primaries, secondaries, missing;
	unsigned long sections[3], public_sections, empty_mm, bad_sections;
	unsigned long rows[3], skipped_rows;
	unsigned long attachments, documents, schedules, values;
	unsigned long long data_bytes;        /* section data read through pointers */
	unsigned long sec_sections;           /* sections found walking each .sec */
	unsigned long long sec_bytes;
	unsigned long long rows_total;
};

/* Reads every section of a chain to its last byte. */
static int walk_chain(struct ccm_iff_chain *ch, struct check_stats *st,
		      struct ccm_error *err)
{
	static char buf[64 * 1024];
	const struct ccm_iff_secsect *h;
	ssize_t got;

	while (ccm_iff_chain_next(ch, &h) > 0) {
		if (h->type == CCM_IFF_ATTACHMENT)
			st->attachments++;
		else if (h->type == CCM_IFF_DOCUMENT)
			st->documents++;
		else if (h->type == CCM_IFF_SCHEDULE)
			st->schedules++;
		while ((got = ccm_iff_chain_read(ch, buf, sizeof(buf), err)) > 0)
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
		     struct check_stats *st, struct ccm_error *err)
{
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
			rc = ccm_iff_row_chain(p, CCM_IFF_COL_BODY, &ch, err);
			if (rc == 0) {
				rc = walk_chain(ch, st, err);
				ccm_iff_chain_free(ch);
			}
		} else if (is_list_col(k, (enum ccm_iff_col)c, r)) {
			list.n = 0;
			rc = ccm_iff_row_multi(p, (enum ccm_iff_col)c, &list);
			st->values++;
		} else {
			rc = ccm_iff_row_text(p, (enum ccm_iff_col)c, &text, 1024 * 1024, err);
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

static int check_primary(struct ccm_iff_set *set, size_t i, struct check_stats *st,
			 struct progress *prog, struct ccm_report *rep,
			 struct ccm_error *err)
{
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
				if ((rc = check_row(p, r, st, err)) < 0)
					break;
			}
			progress_update(prog, st->rows_total, st->data_bytes);
		}
		if (rc < 0)
			break;
		if (!rows && sec->kind == CCM_IFF_MAILMESSAGE && !sec->bad)
			st->empty_mm++;
	}
	ccm_iff_pri_close(p);
	return rc;
}

static void print_text(struct ccm_iff_set *set, const struct check_stats *st,
		       const struct ccm_diaglist *diags, const struct ccm_report *rep)
{
	char b1[32], b2[32];

	format_bytes(st->data_bytes, b1, sizeof(b1));
	format_bytes(st->sec_bytes, b2, sizeof(b2));
	printf("Set %s in %s: code page %d; %zu primary, %zu secondary files",
	       ccm_iff_set_pkl_name(set), ccm_iff_set_dir(set),
	       ccm_iff_set_code_page(set), st->primaries, st->secondaries);
	if (st->missing)
		printf(" (%zu missing)", st->missing);
	printf("\nSections: %lu DIRECTORY, %lu PAB, %lu MAILMESSAGE (%lu public, "
	       "%lu empty); %lu bad\n", st->sections[CCM_IFF_DIRECTORY],
	       st->sections[CCM_IFF_PAB], st->sections[CCM_IFF_MAILMESSAGE],
	       st->public_sections, st->empty_mm, st->bad_sections);
	printf("Rows: %lu directory, %lu address book, %lu messages; %lu with "
	       "errors (skipped on import)\n", st->rows[CCM_IFF_DIRECTORY],
	       st->rows[CCM_IFF_PAB], st->rows[CCM_IFF_MAILMESSAGE], st->skipped_rows);
	printf("Messages: %lu attachments, %lu documents, %lu schedules, %lu "
	       "values in secondary files; %s of section data read\n",
	       st->attachments, st->documents, st->schedules, st->values, b1);
	printf("Secondary files: %lu sections, %s\n", st->sec_sections, b2);
	printf("\nReport: %lu errors, %lu warnings, %lu notes\n",
	       rep->counts[CCM_ERROR], rep->counts[CCM_WARNING], rep->counts[CCM_NOTE]);
	print_diags(stdout, "  ", diags, 0);
}

static void print_json(struct ccm_iff_set *set, const struct check_stats *st,
		       const struct ccm_diaglist *diags, const struct ccm_report *rep)
{
	printf("{\n  \"pkl\":");
	json_str(stdout, ccm_iff_set_pkl_name(set));
	printf(",\"dir\":");
	json_str(stdout, ccm_iff_set_dir(set));
	printf(",\"code_page\":%d,\n  \"files\":{\"primary\":%zu,\"secondary\":%zu,"
	       "\"missing\":%zu},\n", ccm_iff_set_code_page(set), st->primaries,
	       st->secondaries, st->missing);
	printf("  \"sections\":{\"directory\":%lu,\"pab\":%lu,\"mailmessage\":%lu,"
	       "\"public\":%lu,\"empty_mailmessage\":%lu,\"bad\":%lu},\n",
	       st->sections[CCM_IFF_DIRECTORY], st->sections[CCM_IFF_PAB],
	       st->sections[CCM_IFF_MAILMESSAGE], st->public_sections, st->empty_mm,
	       st->bad_sections);
	printf("  \"rows\":{\"directory\":%lu,\"pab\":%lu,\"messages\":%lu,"
	       "\"skipped\":%lu},\n", st->rows[CCM_IFF_DIRECTORY], st->rows[CCM_IFF_PAB],
	       st->rows[CCM_IFF_MAILMESSAGE], st->skipped_rows);
	printf("  \"attachments\":%lu,\"documents\":%lu,\"schedules\":%lu,"
	       "\"values\":%lu,\"bytes\":%llu,\n", st->attachments, st->documents,
	       st->schedules, st->values, st->data_bytes);
	printf("  \"secondary\":{\"sections\":%lu,\"bytes\":%llu},\n", st->sec_sections,
	       st->sec_bytes);
	printf("  \"report\":{\"errors\":%lu,\"warnings\":%lu,\"notes\":%lu,\"entries\":[",
	       rep->counts[CCM_ERROR], rep->counts[CCM_WARNING], rep->counts[CCM_NOTE]);
	for (size_t i = 0; i < diags->len; i++) {
		const struct ccm_diag *d = &diags->items[i];

		printf("%s\n    {\"severity\":\"%s\",\"kind\":", i ? "," : "",
		       ccm_severity_name(d->severity));
		json_str(stdout, d->kind);
		printf(",\"event\":%d,\"file\":", d->event);
		json_str(stdout, d->file);
		printf(",\"line\":%ld,\"offset\":%lld,\"user\":", d->line, d->offset);
		json_str(stdout, d->user);
		printf(",\"text\":");
		json_str(stdout, d->text);
		putchar('}');
	}
	printf("]}\n}\n");
}

static void usage(FILE *out)
{
	fprintf(out, "usage: ccmig check SET_DIR/PO.pkl [--json]\n");
}

int cmd_check(int argc, char **argv)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct check_stats st;
	struct ccm_iff_set *set;
	struct ccm_error err;
	struct progress prog;
	const char *pkl = NULL;
	int json = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			printf("\nReads a migration file set (the packing list, every primary\n"
			       "file, every row, every pointer and the secondary data behind\n"
			       "it) and lists every problem as file:line (byte N) with the\n"
			       "Migration Wizard's event number and what to do. Run it after\n"
			       "editing primary files by hand, before importing.\n"
			       "Exit status: 0 clean, 1 problems listed, 2 the set cannot be\n"
			       "read at all. --json prints the same as one JSON object.\n");
			return 0;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "ccmig check: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		} else if (!pkl) {
			pkl = argv[i];
		} else {
			fprintf(stderr, "ccmig check: one packing list at a time\n");
			return 2;
		}
	}
	if (!pkl) {
		usage(stderr);
		return 2;
	}
	if (ccm_iff_set_open(&set, pkl, &rep, &err) < 0) {
		fprintf(stderr, "ccmig check: %s\n", err.msg);
		print_diags(stderr, "  ", &diags, 0);
		ccm_diaglist_release(&diags);
		return 2;
	}
	memset(&st, 0, sizeof(st));
	st.primaries = ccm_iff_set_count(set, CCM_IFF_PRIMARY);
	st.secondaries = ccm_iff_set_count(set, CCM_IFF_SECONDARY);
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < ccm_iff_set_count(set, (enum ccm_iff_filetype)t); i++)
			if (!ccm_iff_set_file(set, (enum ccm_iff_filetype)t, i)->path)
				st.missing++;
	progress_start(&prog, "rows", 0);
	for (size_t i = 0; i < st.primaries && rc >= 0; i++)
		rc = check_primary(set, i, &st, &prog, &rep, &err);
	for (size_t i = 0; i < st.secondaries && rc >= 0; i++)
		rc = ccm_iff_set_scan_secondary(set, i, &st.sec_sections, &st.sec_bytes,
						&err);
	progress_end(&prog);
	if (rc < 0) {
		fprintf(stderr, "ccmig check: %s\n", err.msg);
		ccm_iff_set_free(set);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (json)
		print_json(set, &st, &diags, &rep);
	else
		print_text(set, &st, &diags, &rep);
	rc = (rep.counts[CCM_ERROR] || rep.counts[CCM_WARNING]) ? 1 : 0;
	ccm_iff_set_free(set);
	ccm_diaglist_release(&diags);
	return rc;
}
