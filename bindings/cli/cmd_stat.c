/* cmd_stat.c: `ccmig stat --store S.db`: what a store holds, at a glance. */
#include "commands.h"
#include "boxtable.h"
#include "columns.h"
#include "json.h"
#include "progress.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/report.h"
#include "store/ledger.h"
#include "store/recipients.h"
#include "store/stats.h"
#include "store/store.h"

static const char usage_text[] = "usage: ccmig stat --store S.db [--json | --csv]\n";

/* "2024-05-01 12:00:00Z", or "-" for 0. */
static void format_time(long long t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&tt, &tm)) {
		snprintf(out, n, "-");
		return;
	}
	strftime(out, n, "%Y-%m-%d %H:%M:%SZ", &tm);
}

static int print_text(struct ccm_store *s, const struct ccm_store_stats *t,
		      struct ccm_error *err)
{
	static const struct { int kind; const char *label; } kinds[] = {
		{ CCM_RECIP_MAILBOX, "mailboxes" },
		{ CCM_RECIP_CUSTOM, "custom recipients" },
		{ CCM_RECIP_DL, "distribution lists" },
		{ CCM_RECIP_PUBLIC, "public folder entries" },
	};
	struct ccm_store_cursor *c;
	char a[32], b[32], d[32];
	int rc;

	printf("Store %s: schema version %d\n\n", ccm_store_path(s),
	       ccm_store_schema_version(s));
	printf("Recipients: %lld\n", t->recipients);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		printf("  %-24s %8lld", kinds[i].label, t->by_kind[kinds[i].kind]);
		if (kinds[i].kind == CCM_RECIP_MAILBOX && t->converted)
			printf(" (%lld converted from custom recipients)", t->converted);
		putchar('\n');
	}
	printf("  addresses %lld, list memberships %lld\n\n", t->addresses,
	       t->memberships);
	ccm_format_bytes(a, sizeof(a), (unsigned long long)t->body_bytes);
	printf("Folders: %lld in mailboxes, %lld public\n", t->folders, t->public_folders);
	printf("Messages: %lld (%lld in public folders), bodies %s\n", t->messages,
	       t->public_messages, a);
	ccm_format_bytes(a, sizeof(a), (unsigned long long)t->attachment_bytes);
	ccm_format_bytes(b, sizeof(b), (unsigned long long)t->blob_bytes);
	/* A store damaged by hand may hold blobs no attachment names. */
	ccm_format_bytes(d, sizeof(d), t->attachment_bytes > t->blob_bytes ?
			 (unsigned long long)(t->attachment_bytes - t->blob_bytes) : 0);
	printf("Attachments: %lld, %s; stored once per content: %lld contents, %s "
	       "(deduplication saved %s)\n", t->attachments, a, t->blobs, b, d);
	printf("Ledger: %lld source rows recorded\n\n", t->ledger);

	if ((rc = ccm_store_mailbox_stats(&c, s, err)) < 0)
		return rc;
	printf("Mailboxes:\n  %-20s %-28s %7s %9s %11s %7s\n", "ALIAS", "DISPLAY NAME",
	       "FOLDERS", "MESSAGES", "BYTES", "ATTACH");
	{
		struct ccm_store_mailbox_stats m;

		/* Names came from a post office: shown, not sent, and lined
		 * up by the columns they take (columns.h). */
		while ((rc = ccm_store_next_mailbox_stats(c, &m, err)) == 1) {
			ccm_format_bytes(a, sizeof(a), (unsigned long long)m.bytes);
			printf("  ");
			ccm_print_cell(stdout, m.alias, 21);
			ccm_print_cell(stdout, m.display_name, 29);
			printf("%7lld %9lld %11s %7lld%s\n", m.folders, m.messages, a,
			       m.attachments, m.converted ? "  (converted)" : "");
		}
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		return rc;

	printf("\nRuns: %lld\n", t->runs);
	if ((rc = ccm_store_runs(&c, s, err)) < 0)
		return rc;
	{
		struct ccm_store_run r;
		struct ccm_buf shown = CCM_BUF_INIT;

		while ((rc = ccm_store_next_run(c, &r, err)) == 1) {
			char st[32], fin[32];
			format_time(r.started_utc, st, sizeof(st));
			format_time(r.finished_utc, fin, sizeof(fin));
			printf("  #%-4lld %-10s %s .. %s  ", r.id, r.command, st, fin);
			if (r.status < 0)
				printf("unfinished");
			else
				printf("exit %d", r.status);
			printf(", %lld events  %s\n", r.events, ccm_shown(&shown, r.args));
		}
		ccm_buf_release(&shown);
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		return rc;

	printf("\nEvents: %lld errors, %lld warnings, %lld notes\n",
	       t->events[CCM_ERROR], t->events[CCM_WARNING], t->events[CCM_NOTE]);
	if ((rc = ccm_store_event_summary(&c, s, err)) < 0)
		return rc;
	{
		struct ccm_store_event_count e;
		while ((rc = ccm_store_next_event_count(c, &e, err)) == 1)
			printf("  %-8s %-32s %8lld\n", ccm_severity_name(e.severity), e.kind,
			       e.count);
	}
	ccm_store_cursor_free(c);
	return rc;
}

static int print_json(struct ccm_store *s, const struct ccm_store_stats *t,
		      struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	int rc, first = 1;

	printf("{\n  \"store\":");
	ccm_json_str(stdout, ccm_store_path(s));
	printf(",\"schema_version\":%d,\n", ccm_store_schema_version(s));
	printf("  \"recipients\":{\"total\":%lld,\"mailbox\":%lld,\"custom\":%lld,"
	       "\"dl\":%lld,\"public\":%lld,\"converted\":%lld,\"addresses\":%lld,"
	       "\"memberships\":%lld},\n", t->recipients, t->by_kind[CCM_RECIP_MAILBOX],
	       t->by_kind[CCM_RECIP_CUSTOM], t->by_kind[CCM_RECIP_DL],
	       t->by_kind[CCM_RECIP_PUBLIC], t->converted, t->addresses, t->memberships);
	printf("  \"folders\":%lld,\"public_folders\":%lld,\"messages\":%lld,"
	       "\"public_messages\":%lld,\"body_bytes\":%lld,\n", t->folders,
	       t->public_folders, t->messages, t->public_messages, t->body_bytes);
	printf("  \"attachments\":%lld,\"attachment_bytes\":%lld,\"blobs\":%lld,"
	       "\"blob_bytes\":%lld,\"ledger\":%lld,\n", t->attachments,
	       t->attachment_bytes, t->blobs, t->blob_bytes, t->ledger);
	printf("  \"mailboxes\":[");
	if ((rc = ccm_store_mailbox_stats(&c, s, err)) < 0)
		return rc;
	{
		struct ccm_store_mailbox_stats m;
		while ((rc = ccm_store_next_mailbox_stats(c, &m, err)) == 1) {
			printf("%s\n    {\"id\":%lld,\"alias\":", first ? "" : ",", m.id);
			first = 0;
			ccm_json_str(stdout, m.alias);
			printf(",\"display_name\":");
			ccm_json_str(stdout, m.display_name);
			printf(",\"converted\":%s,\"folders\":%lld,\"messages\":%lld,"
			       "\"bytes\":%lld,\"attachments\":%lld}",
			       m.converted ? "true" : "false", m.folders, m.messages,
			       m.bytes, m.attachments);
		}
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		return rc;
	printf("],\n  \"runs\":[");
	if ((rc = ccm_store_runs(&c, s, err)) < 0)
		return rc;
	first = 1;
	{
		struct ccm_store_run r;
		while ((rc = ccm_store_next_run(c, &r, err)) == 1) {
			printf("%s\n    {\"id\":%lld,\"command\":", first ? "" : ",", r.id);
			first = 0;
			ccm_json_str(stdout, r.command);
			printf(",\"args\":");
			ccm_json_str(stdout, r.args);
			ccm_json_run_times(stdout, &r);
			printf(",\"events\":%lld}", r.events);
		}
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		return rc;
	printf("],\n  \"events\":{\"errors\":%lld,\"warnings\":%lld,\"notes\":%lld,"
	       "\"by_kind\":[", t->events[CCM_ERROR], t->events[CCM_WARNING],
	       t->events[CCM_NOTE]);
	if ((rc = ccm_store_event_summary(&c, s, err)) < 0)
		return rc;
	first = 1;
	{
		struct ccm_store_event_count e;
		while ((rc = ccm_store_next_event_count(c, &e, err)) == 1) {
			printf("%s\n    {\"severity\":\"%s\",\"kind\":", first ? "" : ",",
			       ccm_severity_name(e.severity));
			first = 0;
			ccm_json_str(stdout, e.kind);
			printf(",\"count\":%lld}", e.count);
		}
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		return rc;
	printf("]}\n}\n");
	return 0;
}

int ccm_cmd_stat(int argc, char **argv)
{
	struct ccm_store_stats t;
	struct ccm_store *s;
	struct ccm_error err;
	const char *store = NULL;
	int json = 0, csv = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("%s\nPrints what a store holds: recipients by kind, mailboxes\n"
			       "with their folders, messages and bytes, attachments and the\n"
			       "distinct contents kept for them (the deduplication), runs,\n"
			       "and events by kind and severity. It only reads the store,\n"
			       "and may run while another command writes it.\n\n"
			       "options:\n"
			       "  --store S.db   the store\n"
			       "  --json         print the same as one JSON object\n"
			       "  --csv          print the mailbox table of 'ccmig report' (a row\n"
			       "                 per user and board) for spreadsheets\n",
			       usage_text);
			return 0;
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--csv")) {
			csv = 1;
		} else if (!strcmp(argv[i], "--store")) {
			if (i + 1 >= argc)
				return ccm_usage_error("stat", "--store needs a value");
			store = argv[++i];
		} else {
			return ccm_usage_error("stat", "unexpected '%s'", argv[i]);
		}
	}
	if (!store)
		return ccm_usage_error("stat", "which store? give --store S.db");
	if (json && csv)
		return ccm_usage_error("stat", "--json and --csv are exclusive");
	if (ccm_store_open(&s, store, CCM_STORE_READONLY, &err) < 0) {
		fprintf(stderr, "ccmig stat: %s\n", err.msg);
		return 2;
	}
	if (csv) {
		struct ccm_store_tally tally;

		if ((rc = ccm_store_tally(&tally, s, &err)) == 0)
			ccm_boxtable_csv(stdout, &tally);
		ccm_store_tally_release(&tally);
		if (rc < 0)
			fprintf(stderr, "ccmig stat: %s\n", err.msg);
		ccm_store_close(s);
		return rc < 0 ? 2 : 0;
	}
	rc = ccm_store_stats(&t, s, &err);
	if (rc == 0)
		rc = json ? print_json(s, &t, &err) : print_text(s, &t, &err);
	if (rc < 0)
		fprintf(stderr, "ccmig stat: %s\n", err.msg);
	ccm_store_close(s);
	return rc < 0 ? 2 : 0;
}
