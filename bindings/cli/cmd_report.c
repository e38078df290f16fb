/* cmd_report.c: `ccmig report --store S.db`: the migration's account, from the store alone. */
#include "commands.h"
#include "boxtable.h"
#include "json.h"
#include "progress.h"
#include "report_html.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/report.h"
#include "store/ledger.h"
#include "store/merge.h"
#include "store/stats.h"
#include "store/store.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ccmig report --store S.db [--store S2.db]... [--html FILE] [--csv FILE]\n"
		"                    [--json]\n\n"
		"The account of a migration, drawn from the store alone: post offices,\n"
		"users and boards, source messages migrated, left out by decision (by\n"
		"reason) and lost to problems, the verdict, a row per mailbox, every\n"
		"event and every run, and what the exports to IMAP servers sent and\n"
		"how often the servers made them wait. With no option it prints the\n"
		"summary. Several stores (the stores of separate jobs) give one report\n"
		"of them all, as of the store 'ccmig merge' would make of them: each\n"
		"source message once, with its latest decision.\n\n"
		"options:\n"
		"  --store S.db  a store to report on; again for each further store\n"
		"  --html FILE  write the whole report as one web page (charts, the\n"
		"               mailbox table sortable and filterable, events, runs);\n"
		"               it fetches nothing and prints as it shows\n"
		"  --csv FILE   write the mailbox table, a row per user and board\n"
		"  --json       print the whole report as one JSON object\n\n"
		"Exit status: 0 every source message is accounted for; 1 not (errors,\n"
		"messages unaccounted for); 2 failed or bad usage.\n");
}

static void print_summary(const char *db, int several, const struct ccm_store_tally *t)
{
	struct ccm_buf v = CCM_BUF_INIT, shown = CCM_BUF_INIT;
	long long st[3] = { 0, 0, 0 };
	char bytes[32];

	for (size_t i = 0; i < t->n_boxes; i++)
		st[t->boxes[i].status]++;
	printf("Migration report of %s %s\n\n", several ? "stores" : "store",
	       ccm_shown(&shown, db));
	printf("Post offices: %lld; users: %lld (%lld left out by decision); "
	       "boards: %lld\n", t->post_offices, t->users, t->users_left_out,
	       t->boards);
	printf("Source messages: %lld\n", t->source);
	printf("  migrated                  %10lld (%lld kept from an earlier run)\n",
	       t->migrated, t->kept);
	printf("  left out by decision      %10lld\n", t->left_out);
	printf("  unaccounted for           %10lld\n", t->unaccounted);
	ccm_format_bytes(bytes, sizeof(bytes), (unsigned long long)t->bytes);
	printf("In the store: %lld messages, %s, %lld attachments\n", t->messages,
	       bytes, t->attachments);
	if (t->n_decisions) {
		printf("\nDecisions (on purpose, not problems):\n");
		for (size_t i = 0; i < t->n_decisions; i++)
			printf("  %-18s %8lld  %s\n", t->decisions[i].what,
			       t->decisions[i].count,
			       ccm_shown(&shown, t->decisions[i].name));
	}
	printf("\nProblems: %lld errors, %lld warnings; %lld messages damaged",
	       t->errors, t->warnings, t->damaged);
	if (t->loose_problems)
		printf("; %lld problems tied to no mailbox", t->loose_problems);
	putchar('\n');
	for (size_t i = 0; i < t->n_problem_kinds; i++)
		printf("  %-8s %-32s %8lld\n", t->problem_kinds[i].what,
		       ccm_shown(&shown, t->problem_kinds[i].name),
		       t->problem_kinds[i].count);
	printf("\nMailboxes and boards: %lld complete, %lld complete with decisions, "
	       "%lld incomplete\n", st[CCM_BOX_COMPLETE], st[CCM_BOX_DECIDED],
	       st[CCM_BOX_INCOMPLETE]);
	for (size_t i = 0, n = 0; i < t->n_boxes && n < 20; i++) {
		const struct ccm_store_box *b = &t->boxes[i];

		if (b->status != CCM_BOX_INCOMPLETE)
			continue;
		printf("  incomplete: %s", ccm_shown(&shown, b->name));
		printf(" (%s): %lld problems, %lld messages damaged, %lld unaccounted\n",
		       ccm_shown(&shown, b->po), b->problems, b->damaged, b->unaccounted);
		n++;
	}
	printf("Runs: %lld (%lld whose decisions stand)\n", t->runs, t->standing_runs);
	if (t->imap_exports)
		printf("IMAP exports: %lld runs, %lld messages sent; the servers made "
		       "them wait %lld times (throttled, busy or closed connections), "
		       "%lld mailboxes given up while throttled\n", t->imap_exports,
		       t->imap_sent, t->imap_waits, t->imap_throttled);
	putchar('\n');
	ccm_boxtable_verdict(&v, t);
	printf("%s\n", v.ptr);
	ccm_buf_release(&v);
	ccm_buf_release(&shown);
}

static void json_named(const char *key, const struct ccm_store_named *n, size_t len,
		       const char *what_key, const char *name_key)
{
	printf(",\n\"%s\":[", key);
	for (size_t i = 0; i < len; i++) {
		printf("%s{", i ? "," : "");
		if (what_key) {
			printf("\"%s\":", what_key);
			ccm_json_str(stdout, n[i].what);
			putchar(',');
		}
		printf("\"%s\":", name_key);
		ccm_json_str(stdout, n[i].name);
		printf(",\"count\":%lld}", n[i].count);
	}
	putchar(']');
}

static int json_runs(struct ccm_store *s, struct ccm_error *err)
{
	struct ccm_store_cursor *c, *k;
	struct ccm_store_run r;
	int rc, first = 1;

	if ((rc = ccm_store_runs(&c, s, err)) < 0)
		return rc;
	printf(",\n\"runs\":[");
	while ((rc = ccm_store_next_run(c, &r, err)) == 1) {
		struct ccm_store_count n;
		int firstc = 1;

		printf("%s\n  {\"id\":%lld,\"command\":", first ? "" : ",", r.id);
		first = 0;
		ccm_json_str(stdout, r.command);
		printf(",\"args\":");
		ccm_json_str(stdout, r.args);
		printf(",\"program\":");
		ccm_json_str(stdout, r.program);
		printf(",\"who\":");
		ccm_json_str(stdout, r.who);
		printf(",\"merged_from\":");
		ccm_json_str(stdout, r.merged_from);
		printf(",\"post_office\":");
		ccm_json_str(stdout, r.po_path);
		printf(",\"policies\":");
		ccm_json_str(stdout, r.policies);
		ccm_json_run_times(stdout, &r);
		printf(",\"events\":%lld,\"counts\":{", r.events);
		if ((rc = ccm_store_run_counts(&k, s, r.id, err)) < 0)
			break;
		while ((rc = ccm_store_next_count(k, &n, err)) == 1) {
			printf("%s", firstc ? "" : ",");
			firstc = 0;
			ccm_json_str(stdout, n.name);
			printf(":%lld", n.value);
		}
		ccm_store_cursor_free(k);
		if (rc < 0)
			break;
		printf("}}");
	}
	ccm_store_cursor_free(c);
	printf("]");
	return rc;
}

static int json_events(struct ccm_store *s, struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_store_event_row e;
	int rc, first = 1;

	if ((rc = ccm_store_events(&c, s, err)) < 0)
		return rc;
	printf(",\n\"events\":[");
	while ((rc = ccm_store_next_event(c, &e, err)) == 1) {
		printf("%s\n  {\"run\":%lld,\"severity\":\"%s\",\"kind\":",
		       first ? "" : ",", e.run_id, ccm_severity_name(e.d.severity));
		first = 0;
		ccm_json_str(stdout, e.d.kind);
		printf(",\"event\":%d,\"file\":", e.d.event);
		ccm_json_str(stdout, e.d.file);
		printf(",\"line\":%ld,\"byte_offset\":%lld,\"mailbox\":", e.d.line,
		       e.d.offset);
		ccm_json_str(stdout, e.d.user);
		printf(",\"message\":%ld,\"text\":", e.d.message);
		ccm_json_str(stdout, e.d.text);
		putchar('}');
	}
	ccm_store_cursor_free(c);
	printf("]");
	return rc;
}

static int print_json(struct ccm_store *s, const char *name,
		      const struct ccm_store_tally *t, struct ccm_error *err)
{
	struct ccm_buf v = CCM_BUF_INIT;
	int ok = ccm_boxtable_verdict(&v, t), rc;

	printf("{\"store\":");
	ccm_json_str(stdout, name);
	printf(",\n\"summary\":{\"post_offices\":%lld,\"users\":%lld,"
	       "\"users_left_out\":%lld,\"boards\":%lld,\"source\":%lld,"
	       "\"migrated\":%lld,\"kept\":%lld,\"left_out\":%lld,"
	       "\"unaccounted\":%lld,\"damaged\":%lld,\"problems\":%lld,"
	       "\"errors\":%lld,\"warnings\":%lld,\"loose_problems\":%lld,"
	       "\"messages\":%lld,\"bytes\":%lld,\"attachments\":%lld,"
	       "\"runs\":%lld,\"standing_runs\":%lld,\"imap_exports\":%lld,"
	       "\"imap_sent\":%lld,\"imap_waits\":%lld,\"imap_throttled\":%lld,"
	       "\"accounted\":%s,\"verdict\":",
	       t->post_offices, t->users, t->users_left_out, t->boards, t->source,
	       t->migrated, t->kept, t->left_out, t->unaccounted, t->damaged,
	       t->problems, t->errors, t->warnings, t->loose_problems, t->messages,
	       t->bytes, t->attachments, t->runs, t->standing_runs, t->imap_exports,
	       t->imap_sent, t->imap_waits, t->imap_throttled, ok ? "true" : "false");
	ccm_json_str(stdout, v.ptr);
	ccm_buf_release(&v);
	printf("}");
	json_named("decisions", t->decisions, t->n_decisions, "what", "reason");
	json_named("problems", t->problem_kinds, t->n_problem_kinds, "severity", "kind");
	json_named("years", t->years, t->n_years, NULL, "year");
	printf(",\n\"mailboxes\":");
	ccm_boxtable_json(stdout, t);
	if ((rc = json_runs(s, err)) < 0 || (rc = json_events(s, err)) < 0)
		return rc;
	printf("}\n");
	return 0;
}

/* Writes to `path` with fn; 0, or 2 with the message printed. */
static int write_file(const char *path, struct ccm_store *s, const char *name,
		      const struct ccm_store_tally *t, int html)
{
	struct ccm_error err;
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (!f) {
		fprintf(stderr, "ccmig report: cannot write '%s': %s; check the folder "
			"exists and can be written\n", path, strerror(errno));
		return 2;
	}
	if (html)
		rc = ccm_report_html(f, s, t, name, &err);
	else
		ccm_boxtable_csv(f, t);
	if (rc < 0)
		fprintf(stderr, "ccmig report: %s\n", err.msg);
	if (fclose(f) != 0 && rc == 0) {
		fprintf(stderr, "ccmig report: cannot write '%s': %s\n", path,
			strerror(errno));
		rc = -1;
	}
	return rc < 0 ? 2 : 0;
}

int ccm_cmd_report(int argc, char **argv)
{
	struct ccm_store_tally t;
	struct ccm_store *s;
	struct ccm_error err;
	struct ccm_buf names = CCM_BUF_INIT;
	const char *db = NULL, *html = NULL, *csv = NULL, **dbs;
	size_t n = 0;
	int json = 0, rc;

	if (!(dbs = calloc((size_t)argc, sizeof(*dbs)))) {
		fprintf(stderr, "ccmig report: out of memory\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			free(dbs);
			return 0;
		} else if (!strcmp(argv[i], "--store") && i + 1 < argc) {
			db = dbs[n++] = argv[++i];
		} else if (!strcmp(argv[i], "--html") && i + 1 < argc) {
			html = argv[++i];
		} else if (!strcmp(argv[i], "--csv") && i + 1 < argc) {
			csv = argv[++i];
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else {
			fprintf(stderr, "ccmig report: unexpected '%s'\n", argv[i]);
			usage(stderr);
			free(dbs);
			return 2;
		}
	}
	if (!db) {
		fprintf(stderr, "ccmig report: which store? give --store S.db\n");
		usage(stderr);
		free(dbs);
		return 2;
	}
	/* Several stores: the account of the store a merge of them would
	 * make, drawn from a temporary one that holds no contents. */
	for (size_t i = 0; i < n; i++)
		ccm_buf_addf(&names, "%s%s", i ? ", " : "", dbs[i]);
	rc = n > 1 ? ccm_store_open_merged(&s, dbs, n, &err)
		   : ccm_store_open(&s, db, CCM_STORE_READONLY, &err);
	free(dbs);
	if (rc < 0) {
		fprintf(stderr, "ccmig report: %s\n", err.msg);
		ccm_buf_release(&names);
		return 2;
	}
	if (ccm_store_tally(&t, s, &err) < 0) {
		fprintf(stderr, "ccmig report: %s\n", err.msg);
		ccm_store_tally_release(&t);
		ccm_store_close(s);
		ccm_buf_release(&names);
		return 2;
	}
	rc = 0;
	if (html)
		rc = write_file(html, s, names.ptr, &t, 1);
	if (csv && rc == 0)
		rc = write_file(csv, s, names.ptr, &t, 0);
	if (json && rc == 0 && print_json(s, names.ptr, &t, &err) < 0) {
		fprintf(stderr, "ccmig report: %s\n", err.msg);
		rc = 2;
	}
	if (!html && !csv && !json)
		print_summary(names.ptr, n > 1, &t);
	if (rc == 0 && (t.errors || t.unaccounted))
		rc = 1;
	ccm_store_tally_release(&t);
	ccm_store_close(s);
	ccm_buf_release(&names);
	return rc;
}
