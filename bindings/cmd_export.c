/* cmd_export.c: `ccmig export --store S.db --maildir DIR`: mail people can use. */
#include "commands.h"
#include "progress.h"

#include <stdio.h>
#include <string.h>

#include "base/tz.h"
#include "out/maildir.h"
#include "out/mbox.h"
#include "store/store.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ccmig export --store S.db (--maildir DIR | --mbox DIR) [--time-zone Z]\n\n"
		"Writes every mailbox of the store as a Maildir++ under DIR/<alias>/\n"
		"(folders as .Name subfolders; Sent, Drafts and Trash as Dovecot\n"
		"names them) and the public folders under DIR/public/. Messages are\n"
		"RFC 5322 with MIME (docs/render.md), dates in the zone given (the\n"
		"post office's; default UTC). Exporting again adds only what is new.\n\n"
		"--mbox DIR writes one mboxrd file per folder instead:\n"
		"DIR/<alias>/<folder>.mbox. --imap is not in this version yet.\n");
}

int cmd_export(int argc, char **argv)
{
	struct ccm_maildir_stats st;
	struct ccm_store *s;
	struct ccm_tz *tz = NULL;
	struct ccm_error err;
	const char *db = NULL, *maildir = NULL, *mbox = NULL, *zone = NULL;
	char bytes[32];
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--store") && i + 1 < argc) {
			db = argv[++i];
		} else if (!strcmp(argv[i], "--maildir") && i + 1 < argc) {
			maildir = argv[++i];
		} else if (!strcmp(argv[i], "--time-zone") && i + 1 < argc) {
			zone = argv[++i];
		} else if (!strcmp(argv[i], "--mbox") && i + 1 < argc) {
			mbox = argv[++i];
		} else if (!strcmp(argv[i], "--imap")) {
			fprintf(stderr, "ccmig export: --imap is not in this version yet; "
				"use --maildir (Dovecot and most mail programs read it)\n");
			return 2;
		} else {
			fprintf(stderr, "ccmig export: unexpected '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (!db || !maildir == !mbox) {
		usage(stderr);
		return 2;
	}
	if (ccm_tz_open(&tz, zone, &err) < 0) {
		fprintf(stderr, "ccmig export: %s\n", err.msg);
		return 2;
	}
	if (ccm_store_open(&s, db, CCM_STORE_READONLY, &err) < 0) {
		fprintf(stderr, "ccmig export: %s\n", err.msg);
		ccm_tz_free(tz);
		return 2;
	}
	if (mbox) {
		struct ccm_mbox_stats ms;
		rc = ccm_mbox_export(s, mbox, tz, &ms, &err);
		format_bytes(ms.bytes, bytes, sizeof(bytes));
		if (rc == 0)
			printf("Exported %s to %s: %lu mailboxes, %lu mbox files, %lu "
			       "messages (%s)\n", db, mbox, ms.mailboxes, ms.folders,
			       ms.messages, bytes);
	} else {
		rc = ccm_maildir_export(s, maildir, tz, &st, &err);
		format_bytes(st.bytes, bytes, sizeof(bytes));
		if (rc == 0)
			printf("Exported %s to %s: %lu mailboxes, %lu folders, %lu messages "
			       "written (%s), %lu already there\n", db, maildir, st.mailboxes,
			       st.folders, st.messages, bytes, st.already);
	}
	ccm_store_close(s);
	ccm_tz_free(tz);
	if (rc < 0) {
		fprintf(stderr, "ccmig export: %s\n", err.msg);
		return 2;
	}
	return 0;
}
