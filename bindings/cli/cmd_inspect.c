/* cmd_inspect.c: `ccmig inspect PO_DIR`: a post office at a glance. */
#include "commands.h"
#include "columns.h"
#include "report_print.h"
#include "json.h"
#include "progress.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>

#include "base/report.h"
#include "ccmail/bundle.h"
#include "ccmail/survey.h"

static const struct {
	char code;
	const char *label;
} locations[] = {
	{ 'L', "local users (L)" },
	{ 'R', "mobile users (R)" },
	{ 'l', "users of other post offices (l)" },
	{ 'r', "remote users of other post offices (r)" },
	{ 'P', "post offices called directly (P)" },
	{ 'p', "post offices reached indirectly (p)" },
	{ 'A', "aliases (A)" },
	{ 'a', "aliases (a)" },
};

static void on_progress(void *ctx, size_t done, size_t total,
			unsigned long long bytes)
{
	ccm_progress_update(ctx, done, bytes);
	(void)total;
}

static const char *enc_name(const struct ccm_bundle *b)
{
	return ccm_attach_enc_name(b->manifest.attachments);
}

static const char *order_name(enum ccm_date_order o)
{
	return o == CCM_DATE_DMY ? "DMY" : o == CCM_DATE_YMD ? "YMD" : "MDY";
}

/* Prints s (a name from the post office) indented, in `width` columns. */
static void print_padded(const char *s, int width)
{
	printf("  ");
	ccm_print_cell(stdout, s, width);
}

static const char *plural(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void print_text(const struct ccm_bundle *b, const struct ccm_survey *s,
		       const struct ccm_diaglist *diags, const struct ccm_report *rep)
{
	char bytes[32], abytes[32];
	size_t no_mail = s->n_users - s->users_with_mail;
	struct ccm_buf po = CCM_BUF_INIT, tz = CCM_BUF_INIT;

	printf("Post office %s: DB%d, code page %d, dates %s, time zone %s, "
	       "attachments %s, item sizes %s\n\n",
	       ccm_shown(&po, b->manifest.post_office), b->manifest.database,
	       b->manifest.code_page, order_name(b->manifest.date_order),
	       ccm_shown(&tz, b->manifest.time_zone), enc_name(b),
	       b->manifest.item_sizes ? "yes" : "no");
	ccm_buf_release(&po);
	ccm_buf_release(&tz);
	printf("Directory: %zu entries\n", b->dir.len);
	for (size_t i = 0; i < sizeof(locations) / sizeof(locations[0]); i++)
		if (s->by_location[(unsigned char)locations[i].code])
		{
			print_padded(locations[i].label, 40);
			printf("%8lu\n", s->by_location[(unsigned char)locations[i].code]);
		}
	ccm_format_bytes(bytes, sizeof(bytes), s->bytes);
	ccm_format_bytes(abytes, sizeof(abytes), s->attachment_bytes);
	printf("\nMailboxes: %zu local and mobile users; %zu with mail, %zu without "
	       "(they are migrated all the same)\n", s->n_users, s->users_with_mail,
	       no_mail);
	printf("Mail: %lu messages, %s; %lu attachments, %s\n\n", s->messages, bytes,
	       s->attachments, abytes);
	print_padded("USER", 32);
	printf("%9s %11s %7s %8s  %s\n", "MESSAGES", "BYTES", "ATTACH", "FOLDERS",
	       "ADDRESS BOOK");
	for (size_t i = 0; i < s->n_users; i++) {
		const struct ccm_mailbox_stats *u = &s->users[i];
		char pab[48];

		if (u->pab_entries >= 0)
			snprintf(pab, sizeof(pab), "%ld %s, %ld %s", u->pab_entries,
				 plural(u->pab_entries, "entry", "entries"), u->pab_lists,
				 plural(u->pab_lists, "list", "lists"));
		else
			snprintf(pab, sizeof(pab), "-");
		print_padded(u->name, 32);
		if (!u->has_mail || u->unreadable) {
			printf("%9s %11s %7s %8s  %s\n",
			       u->unreadable ? "UNREADABLE" : "no mail", "-", "-", "-", pab);
			continue;
		}
		ccm_format_bytes(bytes, sizeof(bytes), u->bytes);
		printf("%9lu %11s %7lu %8zu  %s\n", u->messages, bytes, u->attachments,
		       u->n_folders, pab);
	}
	printf("\nFolders:\n");
	for (size_t i = 0; i < s->n_folders; i++) {
		print_padded(s->folders[i].name, 40);
		printf("%8lu\n", s->folders[i].messages);
	}
	printf("\nPublic mailing lists: %zu (%lu members)\n", s->lists, s->list_members);
	printf("Bulletin boards: %zu\n", s->n_boards);
	for (size_t i = 0; i < s->n_boards; i++) {
		ccm_format_bytes(bytes, sizeof(bytes), s->boards[i].bytes);
		print_padded(s->boards[i].name, 32);
		printf("%9lu %s %11s\n", s->boards[i].messages,
		       plural((long)s->boards[i].messages, "message ", "messages"), bytes);
	}
	printf("\nReport: %lu errors, %lu warnings, %lu notes\n",
	       rep->counts[CCM_ERROR], rep->counts[CCM_WARNING], rep->counts[CCM_NOTE]);
	ccm_print_diags(stdout, "  ", diags, 0);
}

static void json_folders(const struct ccm_folder_count *f, size_t n)
{
	putchar('{');
	for (size_t i = 0; i < n; i++) {
		if (i)
			putchar(',');
		ccm_json_str(stdout, f[i].name);
		printf(":%lu", f[i].messages);
	}
	putchar('}');
}

static void json_mailboxes(const struct ccm_mailbox_stats *v, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		const struct ccm_mailbox_stats *u = &v[i];
		printf("%s\n    {\"name\":", i ? "," : "");
		ccm_json_str(stdout, u->name);
		printf(",\"location\":\"%c\",\"has_mail\":%s,\"unreadable\":%s,"
		       "\"messages\":%lu,\"bytes\":%llu,\"attachments\":%lu,"
		       "\"attachment_bytes\":%llu,\"forwarded\":%lu,\"folders\":",
		       u->location, u->has_mail ? "true" : "false",
		       u->unreadable ? "true" : "false", u->messages, u->bytes,
		       u->attachments, u->attachment_bytes, u->forwarded);
		json_folders(u->folders, u->n_folders);
		if (u->pab_entries >= 0)
			printf(",\"pab\":{\"entries\":%ld,\"lists\":%ld}}", u->pab_entries,
			       u->pab_lists);
		else
			printf(",\"pab\":null}");
	}
	printf("]");
}

static void print_json(const struct ccm_bundle *b, const struct ccm_survey *s,
		       const struct ccm_diaglist *diags, const struct ccm_report *rep)
{
	int first = 1;

	printf("{\n  \"post_office\":");
	ccm_json_str(stdout, b->manifest.post_office);
	printf(",\n  \"database\":%d,\"code_page\":%d,\"date_order\":\"%s\",\"time_zone\":",
	       b->manifest.database, b->manifest.code_page,
	       order_name(b->manifest.date_order));
	ccm_json_str(stdout, b->manifest.time_zone);
	printf(",\"attachments\":\"%s\",\"item_sizes\":%s,\n  \"directory\":{\"entries\":%zu",
	       enc_name(b), b->manifest.item_sizes ? "true" : "false", b->dir.len);
	for (int c = 0; c < 128; c++)
		if (s->by_location[c])
			printf(",\"%c\":%lu", c, s->by_location[c]);
	printf("},\n  \"messages\":%lu,\"bytes\":%llu,\"attachments\":%lu,"
	       "\"attachment_bytes\":%llu,\"users\":%zu,\"users_with_mail\":%zu,\n",
	       s->messages, s->bytes, s->attachments, s->attachment_bytes,
	       s->n_users, s->users_with_mail);
	printf("  \"folders\":");
	json_folders(s->folders, s->n_folders);
	printf(",\n  \"lists\":%zu,\"list_members\":%lu,\n  \"mailboxes\":", s->lists,
	       s->list_members);
	json_mailboxes(s->users, s->n_users);
	printf(",\n  \"boards\":");
	json_mailboxes(s->boards, s->n_boards);
	printf(",\n  \"report\":{\"errors\":%lu,\"warnings\":%lu,\"notes\":%lu,\"entries\":[",
	       rep->counts[CCM_ERROR], rep->counts[CCM_WARNING], rep->counts[CCM_NOTE]);
	for (size_t i = 0; i < diags->len; i++) {
		const struct ccm_diag *d = &diags->items[i];
		printf("%s\n    {\"severity\":\"%s\",\"kind\":", first ? "" : ",",
		       ccm_severity_name(d->severity));
		first = 0;
		ccm_json_str(stdout, d->kind);
		printf(",\"event\":%d,\"file\":", d->event);
		ccm_json_str(stdout, d->file);
		printf(",\"line\":%ld,\"offset\":%lld,\"user\":", d->line, d->offset);
		ccm_json_str(stdout, d->user);
		printf(",\"message\":%ld,\"text\":", d->message);
		ccm_json_str(stdout, d->text);
		putchar('}');
	}
	printf("]}\n}\n");
}

int ccm_cmd_inspect(int argc, char **argv)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_bundle *b;
	struct ccm_survey s;
	struct ccm_error err;
	struct ccm_progress prog;
	const char *dir = NULL;
	int json = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: ccmig inspect PO_DIR [--json]\n\n"
			       "Reads a post office bundle (po.txt, directory, lists, mail,\n"
			       "address books, boards) and prints users by kind, messages and\n"
			       "bytes per user, folders, lists, boards and every warning.\n"
			       "--json prints the same as one JSON object.\n");
			return 0;
		} else if (argv[i][0] == '-') {
			return ccm_usage_error("inspect", "unknown option '%s'", argv[i]);
		} else if (!dir) {
			dir = argv[i];
		} else {
			return ccm_usage_error("inspect", "one post office folder at a time "
					       "('%s' and '%s')", dir, argv[i]);
		}
	}
	if (!dir)
		return ccm_usage_error("inspect", "which post office? give its folder");
	if (ccm_bundle_open(&b, dir, &rep, &err) < 0) {
		fprintf(stderr, "ccmig inspect: %s\n", err.msg);
		ccm_print_diags(stderr, "  ", &diags, 0);
		ccm_diaglist_release(&diags);
		return 2;
	}
	ccm_progress_start(&prog, "surveying", "mailboxes", 0);
	rc = ccm_survey_run(&s, b, on_progress, &prog, &err);
	ccm_progress_end(&prog);
	if (rc < 0) {
		fprintf(stderr, "ccmig inspect: %s\n", err.msg);
		ccm_survey_release(&s);
		ccm_bundle_free(b);
		ccm_diaglist_release(&diags);
		return 2;
	}
	if (json)
		print_json(b, &s, &diags, &rep);
	else
		print_text(b, &s, &diags, &rep);
	rc = (rep.counts[CCM_ERROR] || rep.counts[CCM_WARNING]) ? 1 : 0;
	ccm_survey_release(&s);
	ccm_bundle_free(b);
	ccm_diaglist_release(&diags);
	return rc;
}
