/* imap_export.h: the store's mailboxes written to an IMAP server. */
#ifndef CCM_OUT_IMAP_EXPORT_H
#define CCM_OUT_IMAP_EXPORT_H

#include "base/report.h"
#include "export/zones.h"
#include "export/imap.h"
#include "export/imap_creds.h"
#include "export/imap_token.h"
#include "export/size_limit.h"
#include "store/store.h"

/*
 * Parses an IMAP URL, "imap://host[:port][/]" or "imaps://host[:port][/]"
 * (an IPv6 host in brackets), into o->host, o->port and o->tls, pointing
 * into `storage` (at least strlen(url) + 1 bytes). CCM_EINVAL with err
 * saying what is wrong.
 */
int ccm_imap_url_parse(const char *url, struct ccm_imap_opts *o, char *storage,
		       struct ccm_error *err);

struct ccm_imap_export_opts {
	struct ccm_imap_opts server;
	const char *url;          /* as given: names the target in the ledger */
	const struct ccm_imap_creds *creds;
	/* OAuth 2.0 tokens for every login, asked for on each connection of
	 * a mailbox; NULL: the credentials' passwords. */
	const struct ccm_imap_token_source *tokens;
	/* Called once, before any mailbox, for each way the connection is
	 * weaker than it should be, as the options allowed it (server.insecure,
	 * server.cleartext); NULL: written to stderr. */
	void (*warn)(void *ctx, const char *text);
	void *warn_ctx;
	const char *public_prefix;  /* top folder of public folders; NULL: "Public" */
	int connections;          /* mailboxes written at once; < 1: 1 */
	/* How long a mailbox waits in all, without a message going through,
	 * for a server that throttles or closes connections before it is
	 * given up (imap_backoff.h): seconds; 0: 600; negative: no waiting. */
	int retry_budget_s;
	long long backoff_base_ms;  /* the first of those waits; 0: 1 s */
	/* At most this many messages appended a second over each connection
	 * (imap_pace.h: spaced, no burst); 0: no cap. Waiting for it is no
	 * refusal and is not counted against retry_budget_s. */
	double max_rate;
	/* Date headers and internal dates, each mailbox in its zone; NULL: UTC */
	const struct ccm_out_zones *zones;
	/* Where a mailbox or message that could not be written is reported
	 * (kinds imap-no-credentials, imap-login, imap-token,
	 * imap-token-refused, imap-folder, imap-refused, imap-too-big,
	 * imap-over-quota, imap-throttled, imap-connection, imap-server,
	 * imap-render, imap-same-login), and the store's events. May be
	 * NULL (stderr). */
	struct ccm_report *report;
	/* Called now and then with the messages done so far (sent or there
	 * already) of `total`, the bytes sent, and the time max_rate held the
	 * connections back so far (as st->paced_ms); may be NULL. */
	void (*progress)(void *ctx, unsigned long long done,
			 unsigned long long total, unsigned long long bytes,
			 unsigned long long paced_ms);
	void *progress_ctx;
	/* The largest message to send (export/size_limit.h); NULL: no limit.
	 * Each message over it is a note in `report` (size-left-out,
	 * size-split); one left out is not in the ledger, so a later run
	 * measures it again. */
	const struct ccm_size_limit *size;
};

struct ccm_imap_stats {
	unsigned long mailboxes;      /* mailboxes (and the public folders) done */
	unsigned long skipped;        /* mailboxes left out: no login, refused */
	unsigned long folders;
	unsigned long messages;       /* appended in this run, each once */
	unsigned long already;        /* in the ledger from an earlier run */
	unsigned long found;          /* on the server from before, not in the ledger */
	unsigned long failed;         /* refused by the server or cut off */
	unsigned long waits;          /* times the server made ccmig wait */
	unsigned long left_out_size;  /* over o->size: left out, */
	unsigned long split_size;     /* sent with attachments replaced */
	unsigned long long bytes;
	/* Time spent waiting for max_rate, summed over the connections (two
	 * connections held back 1 s each at once: 2000). */
	unsigned long long paced_ms;
};

/*
 * Appends every message of every mailbox of store s (and the public
 * folders, through the credentials of "public") to the IMAP server of
 * o->server, `connections` mailboxes at a time, each over its own
 * connection logged in with the mailbox's credentials. Folders are created
 * as out/folder_name.h names them (public ones under public_prefix), but
 * Sent Items, Deleted Items and Drafts go into the server's folders for
 * them where it has them (export/imap_special.h);
 * each message goes with \Seen when read, \Draft when unsent, and its
 * original date as internal date.
 *
 * Resumable: each message appended is recorded in the store's ledger
 * (scope o->url, file the login; the item is the message's identity,
 * ledger.h: ccm_store_ledger_uid_item) at once, and a later run skips it.
 * A message appended whose record was lost (the run was killed between
 * the server's answer and the record, or the store is another one of the
 * same post office) is found on the server by its Message-ID (render.h:
 * derived from the message's identity), so a second run never sends a
 * message twice. Ledger rows an older ccmig wrote name messages by their
 * row and are not used: the server's Message-IDs stand for them.
 *
 * A server that asks ccmig to wait (NO [THROTTLED], [UNAVAILABLE],
 * [INUSE]) or closes the connection (BYE, a reset) is tried again,
 * after waits that double (imap_backoff.h), with the same message, and
 * on a new connection from where the last one stopped; every message is
 * counted once however many connections it took. A mailbox is given up
 * (reported) after three connections in a row fail with no message
 * through between them, or when its waits without progress pass
 * retry_budget_s; NO [OVERQUOTA] stops its mailbox at once (one report
 * entry with the messages not sent); NO [LIMIT] or [TOOBIG] is reported
 * as a message the server will never take. With max_rate, the APPENDs
 * of each connection (tries again included) start at least 1/max_rate
 * seconds apart. A mailbox whose login fails,
 * a folder the server refuses, a message refused is reported and
 * counted; the rest goes on. Returns 0 when
 * the run went through (st says what was left out), or a negative code
 * (err filled) when the store fails or the server cannot be used at all
 * (tried once before any mailbox: not reachable, not IMAP, certificate
 * not trusted, no STARTTLS without server.cleartext, no mechanism for
 * the tokens or passwords). s must be open for writing.
 *
 * The export is a run of the store (ledger.h: command "export", args the
 * URL), which the ledger rows name: it ends with status 1 when anything
 * was left out or reported as an error, 2 when the export failed, and
 * counts messages, already, failed, mailboxes_skipped and waits (the times
 * the server made it wait: throttled, busy, closed), with a size limit
 * left_out_size and split_size (decisions: they leave the status 0), and
 * with max_rate paced_s (st->paced_ms in seconds, rounded).
 */
int ccm_imap_export(struct ccm_store *s, const struct ccm_imap_export_opts *o,
		    struct ccm_imap_stats *st, struct ccm_error *err);

#endif
