/* cmd_merge.c: `ccmig merge --store ALL.db PART.db...`: job stores into one. */
#include "commands.h"
#include "progress.h"
#include "usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/merge.h"

static const char usage_text[] =
	"usage: ccmig merge --store ALL.db PART.db... [--progress | --no-progress]\n";

static void help(void)
{
	printf("%s\n"
	       "Merges the stores of separate jobs (one post office each, or a share\n"
	       "of one) into one store, made when missing, so that an organisation\n"
	       "reports, verifies and exports once. Each source message is held once,\n"
	       "with the latest run's decision: one migrated in any part stays\n"
	       "migrated. Mailboxes and recipients are one by their cc:Mail address,\n"
	       "folders by mailbox and path, attachments by content; every run and\n"
	       "event of every part is kept, saying which part it came from; the\n"
	       "IMAP ledger too, so that an export of the merged store to a server\n"
	       "the jobs exported to sends nothing again. Merging a part again adds\n"
	       "nothing; the order of the parts does not matter. The parts are only\n"
	       "read. The merge is all or nothing: stopped, or failing on a part, it\n"
	       "leaves ALL.db as it was (docs/store.md, \"Merging stores\").\n\n"
	       "options:\n"
	       "  --store ALL.db        the store merged into (created if missing);\n"
	       "                        with no parts, an existing store is brought\n"
	       "                        to this ccmig's schema version (how a part\n"
	       "                        of an older ccmig is upgraded)\n"
	       CCM_PROGRESS_USAGE "\n"
	       "Exit status: 0 merged; 1 merged, but addresses two parts give\n"
	       "different recipients were left out (listed); 2 failed or bad usage,\n"
	       "nothing merged (a part missing, not a store, of another schema\n"
	       "version, being written, or ALL.db itself).\n", usage_text);
}

static void print_part(void *ctx, size_t i, const char *part,
		       const struct ccm_merge_stats *st)
{
	struct ccm_progress *prog = ctx;

	ccm_progress_end(prog);
	printf("%zu. %s: %lld runs added (%lld merged before), %lld events; "
	       "%lld messages added, %lld held already; %lld source identities "
	       "new, %lld decided again; %lld recipients new, %lld there; "
	       "%lld folders, %lld address book entries, %lld attachment "
	       "contents new (%lld there)\n", i + 1, part, st->runs, st->runs_there,
	       st->events, st->messages, st->messages_there, st->sources,
	       st->sources_decided, st->recipients, st->recipients_there, st->folders,
	       st->pab, st->blobs, st->blobs_there);
	fflush(stdout);
}

int ccm_cmd_merge(int argc, char **argv)
{
	struct ccm_progress prog;
	struct ccm_merge_opts o = { print_part, &prog, ccm_progress_fn_draw, &prog };
	struct ccm_merge_stats t;
	struct ccm_error err;
	const char *store = NULL;
	const char **parts;
	size_t n = 0;
	int rc;

	if (!(parts = calloc((size_t)argc, sizeof(*parts)))) {
		fprintf(stderr, "ccmig merge: out of memory\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			free(parts);
			help();
			return 0;
		} else if (!strcmp(argv[i], "--store") && i + 1 < argc) {
			store = argv[++i];
		} else if (ccm_progress_option(argv[i])) {
			continue;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			free(parts);
			return ccm_usage_error("merge", "unknown option '%s'", argv[i]);
		} else {
			parts[n++] = argv[i];
		}
	}
	if (!store) {
		free(parts);
		return ccm_usage_error("merge", "which store to merge into? give --store ALL.db");
	}
	/* No parts: an existing store brought up to date, and nothing more. */
	if (n == 0 && access(store, F_OK) != 0) {
		free(parts);
		return ccm_usage_error("merge", "no stores to merge into '%s': give "
				       "PART.db...", store);
	}
	ccm_progress_start(&prog, "merging", "stores", n);
	rc = ccm_merge(store, parts, n, &o, &t, &err);
	ccm_progress_end(&prog);
	free(parts);
	if (rc < 0) {
		fprintf(stderr, "ccmig merge: %s\n", err.msg);
		fprintf(stderr, "ccmig merge: nothing was merged; '%s' is as it was\n", store);
		return 2;
	}
	printf("Merged %zu stores into %s: %lld runs, %lld messages added (%lld held "
	       "already), %lld source identities new, %lld decided again\n", n, store,
	       t.runs, t.messages, t.messages_there, t.sources, t.sources_decided);
	if (t.settings_differ)
		printf("note: %lld post office settings (time zone, code page ...) differ "
		       "between the parts; %s keeps those it had first (see its meta "
		       "table)\n", t.settings_differ, store);
	if (t.address_conflicts) {
		fprintf(stderr, "ccmig merge: %lld addresses of the parts belong to "
			"another recipient in %s and were left out of the one that had "
			"them; compare the parts' directories (docs/store.md, \"Merging "
			"stores\")\n", t.address_conflicts, store);
		return 1;
	}
	return 0;
}
