/* cmd_check.c: `ccmig check SET/PO.pkl`: arguments and printing of core/iff/check.h. */
#include "commands.h"
#include "usage.h"
#include "report_print.h"
#include "json.h"
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/report.h"
#include "iff/check.h"

static void on_progress(void *ctx, unsigned long long rows, unsigned long long bytes)
{
	ccm_progress_update(ctx, rows, bytes);
}

static void print_text(struct ccm_iff_set *set, const struct ccm_iff_check_stats *st,
		       const struct ccm_diaglist *diags, const struct ccm_report *rep)
{
	char b1[32], b2[32];

	ccm_format_bytes(b1, sizeof(b1), st->data_bytes);
	ccm_format_bytes(b2, sizeof(b2), st->sec_bytes);
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
	ccm_print_diags(stdout, "  ", diags, 0);
}

static void print_json(struct ccm_iff_set *set, const struct ccm_iff_check_stats *st,
		       const struct ccm_diaglist *diags, const struct ccm_report *rep)
{
	printf("{\n  \"pkl\":");
	ccm_json_str(stdout, ccm_iff_set_pkl_name(set));
	printf(",\"dir\":");
	ccm_json_str(stdout, ccm_iff_set_dir(set));
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
		ccm_json_str(stdout, d->kind);
		printf(",\"event\":%d,\"file\":", d->event);
		ccm_json_str(stdout, d->file);
		printf(",\"line\":%ld,\"offset\":%lld,\"user\":", d->line, d->offset);
		ccm_json_str(stdout, d->user);
		printf(",\"text\":");
		ccm_json_str(stdout, d->text);
		putchar('}');
	}
	printf("]}\n}\n");
}

static void usage(FILE *out)
{
	fprintf(out, "usage: ccmig check SET_DIR/PO.pkl [--json]\n");
}

int ccm_cmd_check(int argc, char **argv)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_iff_check_stats st;
	struct ccm_iff_set *set;
	struct ccm_error err;
	struct ccm_progress prog;
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
			return ccm_usage_error("check", "unknown option '%s'", argv[i]);
		} else if (!pkl) {
			pkl = argv[i];
		} else {
			return ccm_usage_error("check", "one packing list at a time ('%s' "
					       "and '%s')", pkl, argv[i]);
		}
	}
	if (!pkl)
		return ccm_usage_error("check", "which set? give its packing list, "
				       "SET_DIR/PO.pkl");
	if (ccm_iff_set_open(&set, pkl, &rep, &err) < 0) {
		fprintf(stderr, "ccmig check: %s\n", err.msg);
		ccm_print_diags(stderr, "  ", &diags, 0);
		ccm_diaglist_release(&diags);
		return 2;
	}
	ccm_progress_start(&prog, "checking", "rows", 0);
	rc = ccm_iff_check(&st, set, on_progress, &prog, &rep, &err);
	ccm_progress_end(&prog);
	if (rc < 0) {
		fprintf(stderr, "ccmig check: %s\n", err.msg);
		ccm_iff_set_close(set);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (json)
		print_json(set, &st, &diags, &rep);
	else
		print_text(set, &st, &diags, &rep);
	rc = (rep.counts[CCM_ERROR] || rep.counts[CCM_WARNING]) ? 1 : 0;
	ccm_iff_set_close(set);
	ccm_diaglist_release(&diags);
	return rc;
}
