/* cmd_export.c: `ccmig export --store S.db --maildir DIR | --mbox DIR |
 * --pst DIR | --imap URL`: mail people can use. */
#include "commands.h"
#include "export_imap.h"
#include "progress.h"
#include "run_record.h"
#include "run_report.h"
#include "usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/tz.h"
#include "export/maildir.h"
#include "export/mbox.h"
#include "export/imap_pace.h"
#include "export/pst_export.h"
#include "export/render.h"
#include "flow/forwards.h"
#include "store/store.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ccmig export --store S.db (--maildir DIR | --mbox DIR | --pst DIR |\n"
		"                    --imap URL) [options]\n\n"
		"Writes every mailbox of the store as a Maildir++ under DIR/<alias>/\n"
		"(folders as .Name subfolders; Sent, Drafts and Trash as Dovecot\n"
		"names them) and the public folders under DIR/public/. Messages are\n"
		"RFC 5322 with MIME (docs/render.md), dates in the post office's zone\n"
		"(kept in the store at import; --time-zone Z overrides it). Exporting\n"
		"again adds only what is new.\n\n"
		"--mbox DIR writes one mboxrd file per folder instead:\n"
		"DIR/<alias>/<folder>.mbox.\n\n"
		"--pst DIR writes one Outlook data file per mailbox instead:\n"
		"DIR/<alias>.pst, and DIR/public.pst for the public folders, for\n"
		"Outlook or Microsoft 365's PST import (docs/pst.md). Each file is\n"
		"written whole again on each export.\n\n"
		"--imap imap://host[:port] (or imaps://) appends every message to an\n"
		"IMAP server, creating folders, with its flags and original date.\n"
		"A second run sends only what the first did not (docs/imap.md).\n"
		"imap:// asks for TLS with STARTTLS before logging in; imaps:// is TLS\n"
		"from the start. Passwords go with AUTHENTICATE PLAIN (or LOGIN).\n"
		"  --imap-credentials F  logins per mailbox: 'alias login password'\n"
		"                        lines, '*' for every other mailbox, 'public'\n"
		"                        for the public folders (required; with a\n"
		"                        token option 'alias login' is enough)\n"
		"  --imap-oauth-token-command CMD\n"
		"                        log in with OAuth 2.0 (OAUTHBEARER, else\n"
		"                        XOAUTH2): CMD, run with /bin/sh for each\n"
		"                        connection of a mailbox, prints its access\n"
		"                        token (%%a: the alias, %%l: the login, %%%%: %%)\n"
		"  --imap-oauth-token-file F  OAuth 2.0 tokens from F: 'login token'\n"
		"                        lines, or '* token' (or a token alone) for all\n"
		"  --imap-connections N  mailboxes written at once (default 4)\n"
		"  --imap-ca FILE        trust this certificate authority (PEM) instead\n"
		"                        of the system's\n"
		"  --imap-insecure       do not check the TLS certificate, and log in\n"
		"                        in clear on imap:// when the server offers no\n"
		"                        STARTTLS (tests only: each is warned about)\n"
		"  --imap-timeout S      give up on an answer of the server not whole\n"
		"                        after S seconds (default 120; a greeting: 10 s\n"
		"                        at most), and on a token command\n"
		"  --imap-retry-budget S wait at most S seconds in all for a server that\n"
		"                        throttles or drops a mailbox's connections with\n"
		"                        no message through, then leave the mailbox for\n"
		"                        the next run (default 600; 0: never wait)\n"
		"  --imap-max-rate R     append at most R messages a second (0.5, 20)\n"
		"                        over each connection, evenly spaced: with\n"
		"                        --imap-connections N, N x R a second in all;\n"
		"                        the time waited is in the summary (paced)\n"
		"  --public-folder NAME  the top folder of public folders (default Public)\n\n"
		"Size limits (docs/export.md): a message larger than the target takes\n"
		"is left out, a decision listed in the report (exit status 0).\n"
		"  --target T            the limit of where the mail goes: m365 (35 MiB;\n"
		"                        an admin can raise it to 150 MB; with --pst\n"
		"                        150 MiB, the Import service's), gmail\n"
		"                        (25,000,000 bytes; 50 MB for Gmail's import),\n"
		"                        dovecot (none)\n"
		"  --max-message-size B  the largest message, in bytes of the message as\n"
		"                        sent (CRLF, attachments in base64); K, M, G\n"
		"                        of 1024 (25M is 26214400); wins over --target\n"
		"  --split-attachments   send such a message with its largest\n"
		"                        attachments replaced by notes until it fits\n\n"
		"  --time-zone Z         the zone of dates (default: the post office's,\n"
		"                        as the store kept it; UTC if it has none)\n"
		"  --verbose             print every event, not only the summary\n"
		CCM_PROGRESS_USAGE "\n"
		"The report of every export is written beside the store, as\n"
		"S.db.report/export-<date>-<time>.txt; the terminal shows a summary.\n\n"
		"Exit status: 0 everything exported; 1 exported, but something was left\n"
		"out (the report lists it; run again to finish); 2 failed or bad usage.\n");
}

/*
 * The zone of the dates: `zone` when given (for every mailbox), else the
 * one the store kept at import (its first post office's: for mailboxes
 * whose own post office recorded none), else UTC. Each mailbox is dated
 * in its own post office's zone unless a zone is given (export/zones.h).
 */
/*
 * A store an older ccmig wrote: upgraded, and the forwarded messages it
 * kept as cc:Mail export text unfolded (flow/forwards.h), before the
 * export reads it. Nothing is written to a store that needs neither.
 * 0, or -1 with the message printed.
 */
static int bring_up_to_date(const char *db)
{
	struct ccm_buf flag = CCM_BUF_INIT;
	struct ccm_store *s = NULL;
	struct ccm_error err;
	unsigned long n = 0;
	struct stat sb;
	int rc;

	if (stat(db, &sb) < 0 || sb.st_size == 0)
		return 0;                /* the export's own open says what is wrong */
	rc = ccm_store_open(&s, db, CCM_STORE_READONLY, &err);
	if (rc == 0)
		rc = ccm_store_meta_get(&flag, s, "forwards_to_unfold", &err);
	ccm_store_close(s);
	ccm_buf_release(&flag);
	if (rc == 0)
		return 0;                /* up to date: read only */
	if (rc < 0 && err.code != CCM_EUNSUPPORTED)
		return 0;                /* the export's own open says what is wrong */
	if (ccm_store_open(&s, db, 0, &err) < 0 ||
	    ccm_forwards_unfold_store(s, &n, &err) < 0) {
		fprintf(stderr, "ccmig export: %s\n", err.msg);
		ccm_store_close(s);
		return -1;
	}
	ccm_store_close(s);
	if (n)
		fprintf(stderr, "ccmig export: the store kept %lu forwarded messages as "
			"cc:Mail export text; they are messages of their own now\n", n);
	return 0;
}

static int open_zone(const char *db, const char *zone, struct ccm_tz **tz)
{
	struct ccm_buf kept = CCM_BUF_INIT;
	struct ccm_store *s;
	struct ccm_error err;
	int rc = 0;

	if (!zone && ccm_store_open(&s, db, CCM_STORE_READONLY, &err) == 0) {
		rc = ccm_store_meta_get(&kept, s, "time_zone", &err);
		ccm_store_close(s);
		if (rc == 1)
			zone = kept.ptr;
	}
	if (rc >= 0)
		rc = ccm_tz_open(tz, zone, &err);
	if (rc < 0)
		fprintf(stderr, "ccmig export: %s\n", err.msg);
	ccm_buf_release(&kept);
	return rc < 0 ? rc : 0;
}

/* Forwarded messages nested past the depth limit are exported whole, as
 * the cc:Mail text they came in: nothing lost, but a reader sees an
 * attachment where the others show a message, so the count is said. */
static void say_kept_deep(struct ccm_buf *out, unsigned long n)
{
	if (n)
		ccm_buf_addf(out, "Note: %lu forwarded message%s nested more than %d deep %s kept "
		       "as %s cc:Mail export text, an attachment a mail program shows "
		       "as a file (docs/render.md)\n", n, n == 1 ? "" : "s",
		       CCM_RENDER_MAX_DEPTH, n == 1 ? "is" : "are", n == 1 ? "its" : "their");
}

/* A mailbox whose alias met the public folders' name or another
 * mailbox's (in any case) has a number in its folder's name: said, since
 * an administrator looks for a user's mail under the alias. */
static void say_renamed(struct ccm_buf *out, const struct ccm_out_renamed *r)
{
	if (r->n)
		ccm_buf_addf(out, "Note: %lu mailbox%s written to a folder with a number, as %s "
		       "alias%s would meet another mailbox's folder or the public "
		       "folders' (in any case): '%s' is in '%s'%s (docs/export.md)\n",
		       r->n, r->n == 1 ? " is" : "es are", r->n == 1 ? "its" : "their",
		       r->n == 1 ? "" : "es", r->alias, r->name, r->n == 1 ? "" : ", and so on");
}

/* Each "ccmig export: error: ..." line of text as an error of the
 * report under `code`. */
static void emit_errors(struct ccm_buf *text, const char *code, struct ccm_report *rep)
{
	static const char prefix[] = "ccmig export: error: ";

	for (char *line = text->ptr, *nl; *line; line = nl + 1) {
		struct ccm_diag d = { CCM_ERROR, code, 0, NULL, 0, -1, NULL, 0, NULL };

		if (!(nl = strchr(line, '\n')))
			break;
		*nl = '\0';
		d.text = strncmp(line, prefix, sizeof(prefix) - 1) ? line :
			 line + sizeof(prefix) - 1;
		ccm_report_emit(rep, &d);
		*nl = '\n';
	}
}

/* Each folder or file the export refused to write through (a link
 * planted in the output), then how many: 1 when there were any. Each is
 * an event of the report too. The text is released. */
static int say_refused(unsigned long n, struct ccm_buf *text, const char *dir,
		       struct ccm_report *rep)
{
	emit_errors(text, "export-refused", rep);
	if (n) {
		fprintf(stderr, "%s", text->ptr);
		fprintf(stderr, "ccmig export: error: %lu folder%s or file%s in %s %s not "
			"ccmig's to write (see above); the rest is exported\n", n,
			n == 1 ? "" : "s", n == 1 ? "" : "s", dir, n == 1 ? "was" : "were");
	}
	ccm_buf_release(text);
	return n != 0;
}

/* --pst: the files written, and each mailbox whose file could not be
 * (a problem: *problems 1). */
static int export_pst(struct ccm_store *s, const char *db, const char *dir,
		      const struct ccm_out_opts *oo, struct ccm_run_report *rr,
		      int *problems, struct ccm_error *err)
{
	struct ccm_pst_export_stats ps;
	int rc = ccm_pst_export(s, dir, oo, &ps, err);

	if (rc == 0) {
		ccm_buf_addf(&rr->counts, "Exported %s to %s: %lu mailboxes, %lu PST files, "
			     "%lu folders, %lu messages, %lu attachments, %lu forwarded "
			     "messages embedded, %lu contacts, %lu personal lists\n", db, dir,
			     ps.mailboxes, ps.files, ps.folders, ps.messages, ps.attachments,
			     ps.embedded, ps.contacts, ps.lists);
		ccm_size_counts(&rr->counts, oo->size, ps.left_out_size, ps.split_size,
				"written");
		if (ps.too_big)
			ccm_buf_addf(&rr->counts, "%lu message%s left out: an attachment "
				     "larger than a PST holds (see the report)\n", ps.too_big,
				     ps.too_big == 1 ? "" : "s");
		say_renamed(&rr->counts, &ps.renamed);
	}
	if (ps.too_big)
		*problems = 1;
	emit_errors(&ps.problem_text, "export-pst", &rr->rep);
	if (ps.problems) {
		fprintf(stderr, "%s", ps.problem_text.ptr);
		fprintf(stderr, "ccmig export: error: %lu PST file%s in %s could not be "
			"written (see above); the other mailboxes are exported\n",
			ps.problems, ps.problems == 1 ? "" : "s", dir);
		*problems = 1;
	}
	ccm_buf_release(&ps.problem_text);
	return rc;
}

/* --imap-max-rate's value: a number above 0 (a fraction too), or -1. */
static int max_rate(double *out, const char *text)
{
	char *e;
	double v = strtod(text, &e);

	/* strtod takes "nan" and "inf" too: NaN is not above 0, and
	 * infinity is past the maximum. Leading spaces it skips are
	 * harmless. */
	if (e == text || *e || !(v > 0) || v > CCM_IMAP_PACE_MAX_RATE)
		return -1;
	*out = v;
	return 0;
}

/* An option of export's that takes a value, given last without one. */
static int takes_value(const char *a)
{
	static const char *const with_value[] = {
		"--store", "--maildir", "--mbox", "--pst", "--imap", "--time-zone",
		"--imap-credentials", "--imap-connections", "--imap-timeout",
		"--imap-ca", "--public-folder", "--imap-oauth-token-command",
		"--imap-oauth-token-file", "--imap-retry-budget", "--imap-max-rate",
		"--max-message-size",
		"--target",
	};

	for (size_t i = 0; i < sizeof(with_value) / sizeof(with_value[0]); i++)
		if (!strcmp(a, with_value[i]))
			return 1;
	return 0;
}

int ccm_cmd_export(int argc, char **argv)
{
	struct ccm_export_imap_args ia = { 0 };
	struct ccm_size_limit limit;
	struct ccm_buf limit_source = CCM_BUF_INIT;
	struct ccm_run_report rr;
	struct ccm_out_opts oo = { NULL, ccm_progress_fn_draw, NULL, &limit, NULL };
	struct ccm_progress prog;
	struct ccm_buf line = CCM_BUF_INIT, rdir = CCM_BUF_INIT;
	struct ccm_maildir_stats st;
	struct ccm_store *s;
	struct ccm_tz *tz = NULL;
	struct ccm_out_zones *zones = NULL;
	struct ccm_error err;
	const char *db = NULL, *maildir = NULL, *mbox = NULL, *pst = NULL, *zone = NULL;
	const char *max_size = NULL, *target = NULL;
	char bytes[32];
	int rc, problems = 0, verbose = 0, split = 0;

	ia.connections = 4;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

		if (ccm_progress_option(a))
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--verbose")) {
			verbose = 1;
		} else if (!strcmp(a, "--store") && more) {
			db = argv[++i];
		} else if (!strcmp(a, "--maildir") && more) {
			maildir = argv[++i];
		} else if (!strcmp(a, "--time-zone") && more) {
			zone = argv[++i];
		} else if (!strcmp(a, "--mbox") && more) {
			mbox = argv[++i];
		} else if (!strcmp(a, "--pst") && more) {
			pst = argv[++i];
		} else if (!strcmp(a, "--imap") && more) {
			ia.url = argv[++i];
		} else if (!strcmp(a, "--imap-credentials") && more) {
			ia.credentials = argv[++i];
		} else if (!strcmp(a, "--imap-connections") && more) {
			char *e;
			ia.connections = (int)strtol(argv[++i], &e, 10);
			if (*e || ia.connections < 1 || ia.connections > 64) {
				fprintf(stderr, "ccmig export: --imap-connections takes 1 to 64\n");
				return 2;
			}
		} else if (!strcmp(a, "--imap-timeout") && more) {
			char *e;
			ia.timeout_s = (int)strtol(argv[++i], &e, 10);
			if (*e || ia.timeout_s < 1) {
				fprintf(stderr, "ccmig export: --imap-timeout takes seconds (>= 1)\n");
				return 2;
			}
		} else if (!strcmp(a, "--imap-retry-budget") && more) {
			char *e;
			long v = strtol(argv[++i], &e, 10);
			if (*e || e == argv[i] || v < 0 || v > 86400) {
				fprintf(stderr, "ccmig export: --imap-retry-budget takes seconds "
					"(0 to 86400)\n");
				return 2;
			}
			/* 0 is no waiting at all; the core reads 0 as its default. */
			ia.retry_budget_s = v ? (int)v : -1;
		} else if (!strcmp(a, "--imap-max-rate") && more) {
			if (max_rate(&ia.max_rate, argv[++i]) < 0)
				return ccm_usage_error("export", "--imap-max-rate takes messages "
						       "a second, a number above 0 and at most "
						       "%.0f (0.5, 20), not '%s'",
						       CCM_IMAP_PACE_MAX_RATE, argv[i]);
		} else if (!strcmp(a, "--imap-ca") && more) {
			ia.ca_file = argv[++i];
		} else if (!strcmp(a, "--imap-oauth-token-command") && more) {
			ia.token_command = argv[++i];
		} else if (!strcmp(a, "--imap-oauth-token-file") && more) {
			ia.token_file = argv[++i];
		} else if (!strcmp(a, "--imap-insecure")) {
			ia.insecure = 1;
		} else if (!strcmp(a, "--public-folder") && more) {
			ia.public_prefix = argv[++i];
		} else if (!strcmp(a, "--max-message-size") && more) {
			max_size = argv[++i];
		} else if (!strcmp(a, "--target") && more) {
			target = argv[++i];
		} else if (!strcmp(a, "--split-attachments")) {
			split = 1;
		} else if (a[0] == '-' && !more && takes_value(a)) {
			return ccm_usage_error("export", "%s needs a value", a);
		} else if (a[0] == '-') {
			return ccm_usage_error("export", "unknown option '%s'", a);
		} else {
			return ccm_usage_error("export", "unexpected '%s': the store is "
					       "given as --store S.db", a);
		}
	}
	if (!db)
		return ccm_usage_error("export", "which store? give --store S.db");
	if (!!maildir + !!mbox + !!pst + !!ia.url == 0)
		return ccm_usage_error("export", "where to? give --maildir DIR, --mbox "
				       "DIR, --pst DIR or --imap URL");
	if (!!maildir + !!mbox + !!pst + !!ia.url > 1)
		return ccm_usage_error("export", "%s and %s are exclusive: give one "
				       "target at a time", maildir ? "--maildir" :
				       mbox ? "--mbox" : "--pst",
				       ia.url ? "--imap" : pst ? "--pst" : "--mbox");
	if (ia.url && !ia.credentials)
		return ccm_usage_error("export", "--imap needs --imap-credentials FILE "
				       "(one 'alias login password' line per mailbox, "
				       "or '*')");
	if (ia.token_command && ia.token_file)
		return ccm_usage_error("export", "--imap-oauth-token-command and "
				       "--imap-oauth-token-file are exclusive: give one");
	if (ccm_size_limit_set(&limit, &limit_source, max_size, target, split, pst != NULL,
			       &ccm_size_option_names, &err) < 0) {
		ccm_buf_release(&limit_source);
		return ccm_usage_error("export", "%s", err.msg);
	}
	if (bring_up_to_date(db) < 0 || open_zone(db, zone, &tz) < 0) {
		ccm_buf_release(&limit_source);
		return 2;
	}
	ccm_run_report_init(&rr, "export");
	oo.report = &rr.rep;
	if (ia.url) {
		ia.size = &limit;
		ia.tz = tz;
		ia.tz_forced = zone != NULL;
		rc = ccm_export_imap(db, &ia, &rr);
		ccm_tz_free(tz);
		if (rc == 2) {
			ccm_run_report_release(&rr);
			ccm_buf_release(&limit_source);
			return rc;
		}
		problems = rc;
		goto report;
	}
	if (ccm_store_open(&s, db, CCM_STORE_READONLY, &err) < 0 ||
	    ccm_out_zones_open(&zones, s, zone ? tz : NULL, tz, &err) < 0) {
		fprintf(stderr, "ccmig export: %s\n", err.msg);
		ccm_store_close(s);
		ccm_tz_free(tz);
		ccm_run_report_release(&rr);
		ccm_buf_release(&limit_source);
		return 2;
	}
	oo.zones = zones;
	oo.progress_ctx = &prog;
	if (pst) {
		ccm_progress_start(&prog, "exporting to PST", "messages", 0);
		rc = export_pst(s, db, pst, &oo, &rr, &problems, &err);
		ccm_progress_end(&prog);
	} else if (mbox) {
		struct ccm_mbox_stats ms;

		ccm_progress_start(&prog, "exporting to mbox", "messages", 0);
		rc = ccm_mbox_export(s, mbox, &oo, &ms, &err);
		ccm_progress_end(&prog);
		ccm_format_bytes(bytes, sizeof(bytes), ms.bytes);
		if (rc == 0) {
			ccm_buf_addf(&rr.counts, "Exported %s to %s: %lu mailboxes, %lu mbox "
				     "files, %lu messages (%s)\n", db, mbox, ms.mailboxes,
				     ms.folders, ms.messages, bytes);
			ccm_size_counts(&rr.counts, &limit, ms.left_out_size, ms.split_size, "written");
			say_kept_deep(&rr.counts, ms.kept_deep);
			say_renamed(&rr.counts, &ms.renamed);
		}
		problems |= say_refused(ms.problems, &ms.problem_text, mbox, &rr.rep);
	} else {
		ccm_progress_start(&prog, "exporting to Maildir", "messages", 0);
		rc = ccm_maildir_export(s, maildir, &oo, &st, &err);
		ccm_progress_end(&prog);
		ccm_format_bytes(bytes, sizeof(bytes), st.bytes);
		if (rc == 0) {
			ccm_buf_addf(&rr.counts, "Exported %s to %s: %lu mailboxes, %lu folders, "
				     "%lu messages written (%s), %lu already there\n", db,
				     maildir, st.mailboxes, st.folders, st.messages, bytes,
				     st.already);
			ccm_size_counts(&rr.counts, &limit, st.left_out_size, st.split_size, "written");
			say_kept_deep(&rr.counts, st.kept_deep);
			say_renamed(&rr.counts, &st.renamed);
		}
		problems |= say_refused(st.problems, &st.problem_text, maildir, &rr.rep);
		if (rc == 0 && st.old_names) {
			/* Not "already there": a number named a message only
			 * within the store that wrote it. */
			fprintf(stderr, "ccmig export: warning: %lu file%s in %s %s named "
				"ccmig-<number> by an older ccmig; such a name does not say "
				"which store's message it is, so %s messages were written again "
				"under names of their own: remove the ccmig-<number> files, or "
				"export into a new folder\n", st.old_names,
				st.old_names == 1 ? "" : "s", maildir,
				st.old_names == 1 ? "is" : "are",
				st.old_names == 1 ? "its" : "their");
			ccm_buf_addf(&rr.other, "%lu files named ccmig-<number> by an older "
				     "ccmig: their messages were written again\n", st.old_names);
			problems = 1;
		}
	}
	ccm_out_zones_free(zones);
	ccm_store_close(s);
	ccm_tz_free(tz);
	if (rc < 0) {
		fprintf(stderr, "ccmig export: %s\n", err.msg);
		ccm_run_report_release(&rr);
		ccm_buf_release(&limit_source);
		return 2;
	}
report:
	/* Beside the store, as migrate's: the export's folder is mail a
	 * server reads, and an IMAP export has none. */
	ccm_run_record_args(&line, argc, argv);
	ccm_run_report_dir(&rdir, db);
	if (ccm_run_report_write_new(&rr, rdir.ptr, line.ptr, &err) < 0)
		fprintf(stderr, "ccmig export: warning: %s; every event is printed below "
			"instead\n", err.msg);
	ccm_run_report_print(stdout, &rr, verbose);
	ccm_run_report_release(&rr);
	ccm_buf_release(&line);
	ccm_buf_release(&rdir);
	ccm_buf_release(&limit_source);
	return problems;
}
