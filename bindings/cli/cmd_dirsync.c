/* cmd_dirsync.c: `ccmig dirsync PO_DIR --store S.db`: the cc:Mail directory into the store. */
#include "commands.h"
#include "progress.h"
#include "usage.h"

#include <stdio.h>
#include <string.h>

#include "base/report.h"
#include "flow/dirsync.h"
#include "store/store.h"

static const char usage_text[] =
	"usage: ccmig dirsync PO_DIR --store S.db [--display-rule RULE] "
	"[--alias-rule RULE]\n"
	"                     [--progress | --no-progress]\n";

static void help(void)
{
	printf("%s\n"
	       "Does what the Exchange cc:Mail connector's directory synchronisation\n"
	       "did before a migration: a custom recipient for every cc:Mail user of\n"
	       "the directory (target CCMAIL:Name at PO) and a distribution list for\n"
	       "every public mailing list. Running it again updates, never duplicates.\n"
	       "The store is created when it does not exist.\n\n"
	       "options:\n"
	       "  --store S.db          the store (created if missing)\n"
	       "  --display-rule RULE   how display names are made from cc:Mail names\n"
	       "  --alias-rule RULE     how aliases are made\n\n"
	       "Rules (Q183058): %%F first name, %%L last name, %%I middle initials,\n"
	       "%%nF the first n characters, %%%% a '%%'. Defaults: display name\n"
	       "\"%%F %%L\"; alias from the Comments alias, else first name and the\n"
	       "last name's first letter.\n", usage_text);
}

static void print_summary(const char *dir, const char *store, long long run,
			  const struct ccm_dirsync_stats *st)
{
	printf("Directory synchronisation of %s into %s (run %lld)\n", dir, store, run);
	printf("  users (L l R r):                 %lu\n", st->users);
	printf("  custom recipients:               %lu created, %lu updated, %lu unchanged\n",
	       st->created, st->updated, st->unchanged);
	printf("  mailboxes already (left alone):  %lu\n", st->mailboxes);
	printf("  users not synchronised:          %lu\n", st->skipped);
	printf("  public lists:                    %lu: %lu distribution lists created, "
	       "%lu updated\n", st->lists, st->dl_created, st->dl_updated);
	printf("  list members:                    %lu (%lu added, %lu removed), "
	       "%lu unresolved\n", st->members, st->members_added, st->members_removed,
	       st->unresolved);
	printf("  contacts for external members:   %lu\n", st->contacts);
	printf("  stale recipients (kept):         %lu\n", st->stale);
}

int ccm_cmd_dirsync(int argc, char **argv)
{
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_dirsync_opts o = { NULL, NULL, ccm_progress_fn_draw, NULL };
	struct ccm_progress prog;
	struct ccm_dirsync_stats st;
	struct ccm_store *s;
	struct ccm_error err;
	const char *dir = NULL, *store = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (ccm_progress_option(a))
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			help();
			return 0;
		} else if ((!strcmp(a, "--store") || !strcmp(a, "--display-rule") ||
			    !strcmp(a, "--alias-rule")) && i + 1 >= argc) {
			return ccm_usage_error("dirsync", "%s needs a value", a);
		} else if (!strcmp(a, "--store")) {
			store = argv[++i];
		} else if (!strcmp(a, "--display-rule")) {
			o.display_rule = argv[++i];
		} else if (!strcmp(a, "--alias-rule")) {
			o.alias_rule = argv[++i];
		} else if (a[0] == '-') {
			return ccm_usage_error("dirsync", "unknown option '%s'", a);
		} else if (!dir) {
			dir = a;
		} else {
			return ccm_usage_error("dirsync", "one post office folder at a time "
					       "('%s' and '%s')", dir, a);
		}
	}
	if (!dir)
		return ccm_usage_error("dirsync", "which post office? give its folder");
	if (!store)
		return ccm_usage_error("dirsync", "which store? give --store S.db");
	if ((o.display_rule && ccm_dirsync_rule_check(o.display_rule, &err) < 0) ||
	    (o.alias_rule && ccm_dirsync_rule_check(o.alias_rule, &err) < 0)) {
		fprintf(stderr, "ccmig dirsync: %s\n", err.msg);
		return 2;
	}
	if (ccm_store_open(&s, store, CCM_STORE_CREATE, &err) < 0) {
		fprintf(stderr, "ccmig dirsync: %s\n", err.msg);
		return 2;
	}
	o.progress_ctx = &prog;
	ccm_progress_start(&prog, "synchronising the directory", "users and lists", 0);
	rc = ccm_dirsync_run(s, dir, &o, &st, &rep, &err);
	ccm_progress_end(&prog);
	if (rc >= 0)
		print_summary(dir, store, st.run_id, &st);
	printf("Report: %lu errors, %lu warnings, %lu notes\n",
	       rep.counts[CCM_ERROR], rep.counts[CCM_WARNING], rep.counts[CCM_NOTE]);
	for (size_t i = 0; i < diags.len; i++) {
		char line[2048];
		ccm_diag_format(line, sizeof(line), &diags.items[i]);
		printf("  %s\n", line);
	}
	if (rc < 0)
		fprintf(stderr, "ccmig dirsync: %s\n", err.msg);
	ccm_store_close(s);
	ccm_diaglist_release(&diags);
	return rc < 0 ? 2 : rc;
}
