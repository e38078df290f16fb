/* imap_export.c: the store's mailboxes written to an IMAP server. */
#include "export/imap_export.h"
#include "export/folder_name.h"
#include "export/imap_special.h"
#include "export/imap_backoff.h"
#include "export/imap_pace.h"
#include "export/render.h"
#include "export/size_limit.h"
#include "base/fault.h"
#include "base/spool.h"
#include "store/folders.h"
#include "store/ledger.h"
#include "store/messages.h"
#include "store/recipients.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define MAX_CONNECTIONS 64
#define ATTEMPTS 3                   /* failed connections in a row per mailbox */
#define RETRY_BUDGET_S 600           /* waits without progress per mailbox */
#define SPOOL_MEMORY (1u << 20)      /* a rendered message past this: a file */

/* ---- URL ------------------------------------------------------------------ */

int ccm_imap_url_parse(const char *url, struct ccm_imap_opts *o, char *storage,
		       struct ccm_error *err)
{
	const char *rest;
	char *host = storage, *port = NULL, *end;

	if (!strncasecmp(url, "imap://", 7)) {
		o->tls = 0;
		rest = url + 7;
	} else if (!strncasecmp(url, "imaps://", 8)) {
		o->tls = 1;
		rest = url + 8;
	} else {
		return ccm_error_set(err, CCM_EINVAL, "'%s' is not an IMAP URL; write "
				     "imap://host[:port] or imaps://host[:port]", url);
	}
	strcpy(storage, rest);
	if ((end = strchr(storage, '/')) != NULL) {
		if (end[1])
			return ccm_error_set(err, CCM_EINVAL, "'%s': give the server only "
					     "(imap://host:port); folders come from the store",
					     url);
		*end = '\0';
	}
	if (strchr(storage, '@'))
		return ccm_error_set(err, CCM_EINVAL, "'%s': logins go in the credentials "
				     "file (--imap-credentials), not in the URL", url);
	if (*host == '[') {
		if (!(end = strchr(host, ']')))
			return ccm_error_set(err, CCM_EINVAL, "'%s': no ']' after the IPv6 "
					     "address", url);
		*end = '\0';
		host++;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return ccm_error_set(err, CCM_EINVAL, "'%s': unexpected text after "
					     "the host", url);
	} else if ((end = strchr(host, ':')) != NULL) {
		*end = '\0';
		port = end + 1;
	}
	if (!*host)
		return ccm_error_set(err, CCM_EINVAL, "'%s' names no host", url);
	if (port) {
		/* Digits only: strtol alone would take " 143" and "+143", which
		 * are no port to connect to. */
		size_t digits = strspn(port, "0123456789");
		long n = digits > 0 && digits <= 5 ? strtol(port, NULL, 10) : 0;
		if (port[digits] || n < 1 || n > 65535)
			return ccm_error_set(err, CCM_EINVAL, "'%s': the port must be a number "
					     "from 1 to 65535", url);
	}
	o->host = host;
	o->port = port;
	return 0;
}

/* A count from the store: `sql` with ?1 bound to id (0: nothing bound). */
static long long count_of(struct ccm_store *s, const char *sql, long long id)
{
	sqlite3_stmt *st = NULL;
	long long n = 0;

	if (sqlite3_prepare_v2(ccm_store_db(s), sql, -1, &st, NULL) == SQLITE_OK) {
		if (id)
			sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return n;
}

/* ---- shared state ----------------------------------------------------------
 *
 * One store handle serves every connection, so each store call (and the
 * rendering, which reads blobs) is made holding `lock`; the network work,
 * which is where the time goes, runs in parallel.
 */

struct job {
	long long mailbox;           /* 0: the public folders */
	char *alias;
	const char *clash;           /* an earlier job's alias with the same login */
};

struct shared {
	pthread_mutex_t lock;
	struct ccm_store *s;
	const struct ccm_imap_export_opts *o;
	struct ccm_imap_stats *st;
	struct job *jobs;
	size_t n_jobs, next;
	unsigned long long total;    /* messages in the store */
	int fatal;                   /* the store failed: stop */
	struct ccm_error fatal_err;
	time_t last_progress;
};

/* What a connection works on: one mailbox at a time. */
struct worker {
	struct shared *sh;
	struct ccm_imap *imap;
	const struct job *job;
	const char *login;
	long long source;            /* ledger source of (url, login) */
	struct ccm_spool spool;
	struct ccm_buf name, tmp;
	struct ccm_out_names names;  /* given to the mailbox's folders so far */
	char (*on_server)[CCM_STORE_UID_LEN + 1];  /* names found on the server, sorted */
	size_t n_on_server, cap_on_server;
	struct ccm_error last;       /* why the last connection failed */
	/* Where the job is, so that a new connection for its mailbox goes
	 * on from there and nothing is counted twice: folders finished
	 * (in list_folders() order) and messages done with in the next one
	 * (in ccm_store_messages() order), of `total` in the mailbox. */
	size_t done_folders;
	unsigned long done_in_folder, handled;
	long long total;
	/* The message whose APPEND a failed connection took with it: the
	 * server may have taken it. Found there, it was sent by this run. */
	char in_flight[CCM_STORE_UID_LEN + 1];
	struct ccm_imap_backoff backoff;
	/* o->max_rate on this connection: kept from one mailbox to the next,
	 * as the connection slot is the same. */
	struct ccm_imap_pace pace;
	long long paced_ns;          /* waited for it, not yet in st->paced_ms */
};

/* Reports under the lock (the sink may write to the store). */
__attribute__((format(printf, 5, 6)))
static void say(struct worker *w, enum ccm_severity sev, const char *kind,
		long message, const char *fmt, ...)
{
	struct ccm_diag d = { sev, kind, 0, NULL, 0, -1, w->job->alias, message, NULL };
	va_list ap;

	va_start(ap, fmt);
	ccm_reportv(w->sh->o->report, &d, fmt, ap);
	va_end(ap);
}

/* Keeps the first store failure; every connection stops at its next step. */
static int store_failed(struct shared *sh, int rc, const struct ccm_error *e)
{
	if (!sh->fatal) {
		sh->fatal = 1;
		sh->fatal_err = *e;
		sh->fatal_err.code = rc;
	}
	return rc;
}

/*
 * The connection failed with rc and e (from the IMAP client; the lock is
 * held). Returns 1 when another connection may finish the mailbox: it
 * dropped or stalled (a warning; do_mailbox() reports the mailbox if
 * every attempt fails). Returns 2 when the server would do it again: it
 * does not speak IMAP or goes past a limit (endless untagged responses,
 * a line of megabytes); the mailbox is left out, an error.
 */
static int connection_failed(struct worker *w, int rc, long message,
			     const struct ccm_error *e)
{
	w->last = *e;
	if (rc == CCM_ELIMIT || rc == CCM_EMALFORMED) {
		say(w, CCM_ERROR, "imap-server", message, "mailbox '%s' is not complete: "
		    "%s", w->job->alias, e->msg);
		return 2;
	}
	say(w, CCM_WARNING, "imap-connection", message, "%s", e->msg);
	return 1;
}

static void progress(struct shared *sh)
{
	time_t now = time(NULL);

	if (sh->o->progress && now != sh->last_progress) {
		sh->last_progress = now;
		/* Done: sent, there already, refused, or left out by the size
		 * limit (a decision: it is done with too). */
		sh->o->progress(sh->o->progress_ctx, sh->st->messages + sh->st->already +
				sh->st->found + sh->st->failed + sh->st->left_out_size,
				sh->total, sh->st->bytes, sh->st->paced_ms);
	}
}

/* A message is done with (sent, there already, or reported): a new
 * connection for the mailbox starts after it. */
static void message_done(struct worker *w)
{
	w->handled++;
	w->done_in_folder++;
	ccm_imap_backoff_progress(&w->backoff);
}

static void folder_done(struct worker *w)
{
	w->done_folders++;
	w->done_in_folder = 0;
	ccm_imap_backoff_progress(&w->backoff);
}

/* Messages of the mailbox not done with. */
static long long left(const struct worker *w)
{
	return w->total - (long long)w->handled;
}

/* ---- one folder ------------------------------------------------------------ */

static int cmp_uid(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Message-IDs on the server that ccmig made: "ccmig.<name>@...", the
 * name of store/messages.h (ccm_store_message_uid). */
static int on_server_id(void *ctx, const char *id, size_t len)
{
	struct worker *w = ctx;
	size_t n = 0;

	if (len < 7 || strncmp(id, "ccmig.", 6))
		return 0;
	for (id += 6, len -= 6; n < len && strchr("0123456789abcdef", id[n]) && id[n]; n++)
		;
	if (n != CCM_STORE_UID_LEN || n == len || id[n] != '@')
		return 0;
	if (w->n_on_server == w->cap_on_server) {
		size_t cap = w->cap_on_server ? 2 * w->cap_on_server : 256;
		void *v = realloc(w->on_server, cap * sizeof(*w->on_server));
		if (!v)
			return CCM_ENOMEM;
		w->on_server = v;
		w->cap_on_server = cap;
	}
	memcpy(w->on_server[w->n_on_server], id, n);
	w->on_server[w->n_on_server++][n] = '\0';
	return 0;
}

/* The date of the Date field as an IMAP date-time, "02-Jun-1998 08:39:00
 * -0400". */
static const char *internal_date(const struct ccm_store_message *m,
				 const struct ccm_tz *tz, char out[48])
{
	char rfc[48];
	long long utc;

	ccm_store_message_date(&utc, m);
	/* "Tue, 02 Jun 1998 08:39:00 -0400" without the weekday, '-' between
	 * day, month and year. */
	ccm_render_date(rfc, sizeof(rfc), utc, tz);
	snprintf(out, 48, "%s", rfc + 5);
	out[2] = out[6] = '-';
	return out;
}

static int spool_write(void *ctx, const void *p, size_t n)
{
	struct worker *w = ctx;
	struct ccm_error e;
	return ccm_spool_write(&w->spool, p, n, &e);
}

static int spool_discard(void *ctx)
{
	struct worker *w = ctx;

	ccm_spool_reset(&w->spool);
	return 0;
}

/* A message over the size limit (export/size_limit.h): counted and said;
 * 1 when it is left out, 0 when it goes, its attachments replaced. The
 * lock is held. */
static int size_decided(struct worker *w, const struct ccm_folder *f,
			const struct ccm_store_message *m, const char *uid,
			struct ccm_size_result *res)
{
	struct shared *sh = w->sh;
	int left_out = res->outcome == CCM_SIZE_LEFT_OUT;

	if (res->outcome != CCM_SIZE_FITS) {
		*(left_out ? &sh->st->left_out_size : &sh->st->split_size) += 1;
		ccm_size_say(sh->o->report, w->job->alias, f->path, m->id, uid, NULL, res,
			     sh->o->size);
	}
	ccm_size_result_release(res);
	return left_out;
}

/* Refusals that say "later": the same message is sent again after a wait. */
static int slow_down(enum ccm_imap_code code)
{
	return code == CCM_IMAP_CODE_THROTTLED || code == CCM_IMAP_CODE_UNAVAILABLE ||
	       code == CCM_IMAP_CODE_INUSE;
}

/*
 * Appends the message in w->spool, and again after a wait each time the
 * server says to slow down, while the mailbox's budget lasts. Each try
 * waits first for the connection's cap (o->max_rate): that wait is no
 * refusal and leaves the budget alone. Returns as ccm_imap_append()
 * does; 1 with a code slow_down() takes when the budget is spent. The
 * lock is held on entry and on return.
 */
static int append(struct worker *w, struct ccm_imap_answer *ans, const char *name,
		  const char *flags, const char *date, struct ccm_error *e)
{
	struct shared *sh = w->sh;

	for (;;) {
		long long wait;
		int rc;

		long long paced;

		pthread_mutex_unlock(&sh->lock);
		paced = ccm_imap_pace_wait(&w->pace);
		rc = ccm_imap_append(ans, w->imap, name, flags, date, &w->spool, e);
		pthread_mutex_lock(&sh->lock);
		/* Whole milliseconds per connection: the sum says how long the
		 * cap held the connections back. */
		w->paced_ns += paced;
		sh->st->paced_ms += (unsigned long long)(w->paced_ns / 1000000);
		w->paced_ns %= 1000000;
		if (rc != 1 || !slow_down(ans->code) ||
		    (wait = ccm_imap_backoff_next(&w->backoff, ans->backoff_ms)) < 0)
			return rc;
		sh->st->waits++;
		pthread_mutex_unlock(&sh->lock);
		ccm_imap_backoff_sleep(wait);
		pthread_mutex_lock(&sh->lock);
	}
}

/*
 * The server refused message `id` of folder f with `ans` and words e:
 * reported as its code says. Returns 0 to go on with the next message, or
 * 2 when the mailbox stops here (over quota, or still throttled when the
 * budget is spent). The lock is held.
 */
static int refused(struct worker *w, const struct ccm_folder *f, long long id,
		   const struct ccm_imap_answer *ans, const struct ccm_error *e)
{
	struct shared *sh = w->sh;

	switch (ans->code) {
	case CCM_IMAP_CODE_OVERQUOTA:
		/* Every message after this one would be refused alike. */
		say(w, CCM_ERROR, "imap-over-quota", 0, "mailbox '%s' is over its quota on "
		    "the server: %lld messages were not sent (from folder '%s' on): %s; "
		    "make room or raise the quota, then run the export again",
		    w->job->alias, left(w), f->path, e->msg);
		return 2;
	case CCM_IMAP_CODE_THROTTLED:
	case CCM_IMAP_CODE_UNAVAILABLE:
	case CCM_IMAP_CODE_INUSE:
		say(w, CCM_ERROR, "imap-throttled", (long)id, "mailbox '%s' is not complete: "
		    "the server kept saying %s for %lld s without taking a message, "
		    "%lld messages were not sent (the last answer: %s); run the export "
		    "again later, or give it more time with --imap-retry-budget",
		    w->job->alias, ccm_imap_code_name(ans->code),
		    w->backoff.budget_ms / 1000, left(w), e->msg);
		return 2;
	case CCM_IMAP_CODE_LIMIT:
	case CCM_IMAP_CODE_TOOBIG:
		sh->st->failed++;
		say(w, CCM_ERROR, "imap-too-big", (long)id, "not taken into folder '%s' "
		    "(%llu bytes): %s; the server will not take a message of this size; "
		    "the next run will not either; see --max-message-size and "
		    "--split-attachments", f->path, (unsigned long long)w->spool.len, e->msg);
		break;
	default:
		sh->st->failed++;
		say(w, CCM_ERROR, "imap-refused", (long)id, "not taken into folder "
		    "'%s': %s; the next run tries it again", f->path, e->msg);
		break;
	}
	message_done(w);
	return 0;
}

/* A failed connection comes back as connection_failed() says (1 or 2), a
 * mailbox stopped as refused() says (2); a failed store negative;
 * everything else is reported here and the folder goes on. Messages done
 * with on an earlier connection (w->done_in_folder) are passed over. The
 * lock is held on entry and on return. */
static int send_folder(struct worker *w, const struct ccm_folder *f,
		       const char *name)
{
	struct shared *sh = w->sh;
	struct ccm_store_cursor *mc = NULL;
	struct ccm_store_message m;
	struct ccm_size_result size;
	struct ccm_render_opts ro = { .tz = ccm_out_zones_get(sh->o->zones,
							     w->job->mailbox) };
	unsigned long skip = w->done_in_folder;
	struct ccm_error e;
	int rc, looked = 0;

	w->n_on_server = 0;
	if ((rc = ccm_store_messages(&mc, sh->s, f->id, &e)) < 0)
		return store_failed(sh, rc, &e);
	while (!sh->fatal && (rc = ccm_store_next_message(mc, &m, &e)) > 0) {
		char date[48], flags[16], uid[CCM_STORE_UID_LEN + 1];
		struct ccm_ledger_entry le;
		struct ccm_imap_answer ans;
		long long id = m.id, item;

		if (skip > 0) {
			skip--;             /* counted by an earlier connection */
			continue;
		}
		/* The ledger knows messages by identity, not by row: another
		 * store of the same post office numbers them differently. */
		if ((rc = ccm_store_message_uid(uid, sh->s, &m, &e)) < 0)
			break;
		item = ccm_store_ledger_uid_item(uid);
		if ((rc = ccm_store_ledger_find(&le, sh->s, w->source, item, &e)) < 0)
			break;
		if (rc == 1) {
			/* Already there: recorded by an earlier run. What this
			 * run recorded was counted when it was. */
			if (le.run_id != ccm_store_run_id(sh->s))
				sh->st->already++;
			message_done(w);
			continue;
		}
		if (!looked) {
			/* Once per folder with work left: what a run killed
			 * before its ledger record, or a failed connection,
			 * did send, and what other stores sent. */
			looked = 1;
			pthread_mutex_unlock(&sh->lock);
			rc = ccm_imap_message_ids(w->imap, name, on_server_id, w, &e);
			pthread_mutex_lock(&sh->lock);
			if (rc < 0) {
				ccm_store_cursor_free(mc);
				return connection_failed(w, rc, 0, &e);
			}
			if (w->n_on_server)
				qsort(w->on_server, w->n_on_server, sizeof(*w->on_server),
				      cmp_uid);
		}
		ro.uid = uid;
		if (w->n_on_server && bsearch(uid, w->on_server, w->n_on_server,
					      sizeof(*w->on_server), cmp_uid)) {
			int sent = !strcmp(uid, w->in_flight);
			w->in_flight[0] = '\0';
			if (sent)
				sh->st->messages++;
			else
				sh->st->found++;
			if ((rc = ccm_store_ledger_record(sh->s, w->source, item, sent ?
							  "imap-append" : "imap-found",
							  id, &e)) < 0)
				break;
			message_done(w);
			continue;
		}
		ccm_spool_reset(&w->spool);
		if ((rc = ccm_size_render(&size, sh->s, &m, &ro, sh->o->size, spool_write,
					  spool_discard, w, &e)) < 0) {
			ccm_size_result_release(&size);
			/* A damaged blob: this message cannot be sent. */
			sh->st->failed++;
			say(w, CCM_ERROR, "imap-render", (long)id, "cannot be rendered (folder "
			    "'%s'): %s; run ccmig verify", f->path, e.msg);
			message_done(w);
			rc = 0;
			continue;
		}
		if (size_decided(w, f, &m, uid, &size)) {
			/* Left out: a new connection must not count it again. */
			message_done(w);
			continue;
		}
		snprintf(flags, sizeof(flags), "%s%s%s", m.read ? "\\Seen" : "",
			 m.read && m.unsent ? " " : "", m.unsent ? "\\Draft" : "");
		internal_date(&m, ro.tz, date);
		memcpy(w->in_flight, uid, sizeof(uid));
		rc = append(w, &ans, name, flags, date, &e);
		if (rc < 0) {
			ccm_store_cursor_free(mc);
			return connection_failed(w, rc, (long)id, &e);
		}
		w->in_flight[0] = '\0';
		if (rc == 1) {
			if ((rc = refused(w, f, id, &ans, &e)) != 0) {
				ccm_store_cursor_free(mc);
				return rc;
			}
			continue;
		}
		/* The window a second run must cover: sent, not yet recorded. */
		ccm_fault_point();
		sh->st->messages++;
		sh->st->bytes += w->spool.len;
		if ((rc = ccm_store_ledger_record(sh->s, w->source, item, "imap-append", id,
						  &e)) < 0)
			break;
		message_done(w);
		progress(sh);
	}
	ccm_store_cursor_free(mc);
	if (rc < 0 && !sh->fatal)
		store_failed(sh, rc, &e);
	return sh->fatal ? CCM_EIO : 0;
}

/* ---- one mailbox ----------------------------------------------------------- */

struct folder_row {
	struct ccm_folder f;
	char *path;
};

static void free_folders(struct folder_row *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

/* The folders of the job's mailbox, copied (the lock is held). */
static int list_folders(struct worker *w, struct folder_row **out, size_t *n)
{
	struct ccm_store_cursor *fc = NULL;
	struct folder_row *v = NULL;
	struct ccm_folder f;
	struct ccm_error e;
	size_t cap = 0;
	int rc;

	*n = 0;
	if ((rc = ccm_store_folders(&fc, w->sh->s, w->job->mailbox, &e)) < 0)
		return store_failed(w->sh, rc, &e);
	while ((rc = ccm_store_next_folder(fc, &f, &e)) > 0) {
		if (*n == cap) {
			struct folder_row *nv;
			cap = cap ? 2 * cap : 16;
			if (!(nv = realloc(v, cap * sizeof(*v)))) {
				rc = ccm_error_set(&e, CCM_ENOMEM, "out of memory");
				break;
			}
			v = nv;
		}
		v[*n].f = f;
		if (!(v[*n].path = ccm_strdup(f.path))) {
			rc = ccm_error_set(&e, CCM_ENOMEM, "out of memory");
			break;
		}
		v[*n].f.path = v[*n].path;
		v[*n].f.name = NULL;
		(*n)++;
	}
	ccm_store_cursor_free(fc);
	if (rc < 0) {
		free_folders(v, *n);
		return store_failed(w->sh, rc, &e);
	}
	*out = v;
	return 0;
}

/* log_in(): the token could not be had. */
#define TOKEN_FAILED (-100)

/*
 * Connects and logs in as w->login with password, or with a token asked
 * for now (a token from an earlier connection may have expired). 0, or a
 * code of ccm_imap_open() or the login with e filled, or TOKEN_FAILED.
 */
static int log_in(struct worker *w, const char *password, struct ccm_error *e)
{
	const struct ccm_imap_export_opts *o = w->sh->o;
	struct ccm_buf token = CCM_BUF_INIT;
	int rc;

	if (o->tokens && ccm_imap_token_get(&token, o->tokens, w->job->alias, w->login,
					    e) < 0)
		rc = TOKEN_FAILED;
	else if ((rc = ccm_imap_open(&w->imap, &o->server, e)) == 0)
		rc = o->tokens ? ccm_imap_login_token(w->imap, w->login, token.ptr, e)
			       : ccm_imap_login(w->imap, w->login, password, e);
	memset(token.ptr, 0, token.len);
	ccm_buf_release(&token);
	return rc;
}

/*
 * Sends the job's mailbox over one connection. Returns 0 when done (what
 * was refused is reported), 1 when the connection broke and another
 * attempt may finish it, 2 when the mailbox is left out (reported), or a
 * negative code when the store failed. The lock is not held on entry or
 * return.
 */
static int mailbox_once(struct worker *w, const char *password)
{
	struct shared *sh = w->sh;
	const struct ccm_imap_export_opts *o = sh->o;
	struct folder_row *folders = NULL;
	struct ccm_imap_special special = CCM_IMAP_SPECIAL_INIT;
	size_t n = 0;
	struct ccm_error e;
	char delim;
	int rc;

	if ((rc = log_in(w, password, &e)) < 0) {
		/* A refused login stays so; a connection that failed may
		 * work a moment later. */
		pthread_mutex_lock(&sh->lock);
		if (rc == TOKEN_FAILED) {
			say(w, CCM_ERROR, "imap-token", 0, "%s", e.msg);
			rc = 2;
		} else if (rc == CCM_EINVAL || rc == CCM_EUNSUPPORTED) {
			say(w, CCM_ERROR, o->tokens && rc == CCM_EINVAL ?
			    "imap-token-refused" : "imap-login", 0, "%s", e.msg);
			rc = 2;
		} else {
			rc = connection_failed(w, rc, 0, &e);
		}
		pthread_mutex_unlock(&sh->lock);
		ccm_imap_close(w->imap);
		w->imap = NULL;
		return rc;
	}
	delim = ccm_imap_delimiter(w->imap);
	/* Where this account keeps Sent Items and the rest; the public
	 * folders have none of them. */
	rc = w->job->mailbox ? ccm_imap_special_find(&special, w->imap, &e) : 0;
	pthread_mutex_lock(&sh->lock);
	if (rc < 0) {
		rc = connection_failed(w, rc, 0, &e);
		goto out;
	}
	if ((rc = list_folders(w, &folders, &n)) < 0)
		goto out;
	ccm_out_names_reset(&w->names);
	if (ccm_imap_special_reserve(&special, &w->names) < 0) {
		rc = store_failed(sh, CCM_ENOMEM, &(struct ccm_error){ CCM_ENOMEM,
				  "out of memory" });
		goto out;
	}
	for (size_t i = 0; i < n && !sh->fatal; i++) {
		const struct ccm_folder *f = &folders[i].f;
		const char *server = ccm_imap_special_folder(&special, f->special);
		/* Both separate levels somewhere (Dovecot's Maildir++ keeps
		 * levels as '.' on disk whatever it shows), so neither inside
		 * a level splits it, on any server. */
		char forbidden[4] = { '.', '/', delim, '\0' };

		ccm_buf_reset(&w->name);
		if (w->job->mailbox == 0) {
			/* Public folders under their own top folder. */
			ccm_buf_adds(&w->name, o->public_prefix ? o->public_prefix : "Public");
			ccm_buf_addch(&w->name, delim);
		}
		if (server) {
			ccm_buf_reset(&w->tmp);
			ccm_buf_adds(&w->tmp, server);
		} else if (ccm_out_folder_name_unique(&w->tmp, &w->names, f, delim,
						      forbidden)) {
			rc = store_failed(sh, CCM_ENOMEM, &(struct ccm_error){ CCM_ENOMEM,
					  "out of memory" });
			break;
		}
		ccm_buf_add(&w->name, w->tmp.ptr, w->tmp.len);
		if (i < w->done_folders)
			continue;       /* finished over an earlier connection */
		pthread_mutex_unlock(&sh->lock);
		/* The server's own special folders are there already. */
		rc = f->special == CCM_FOLDER_INBOX || server ? 0 :
		     ccm_imap_create_use(w->imap, w->name.ptr,
					 ccm_imap_special_use(f->special), &e);
		pthread_mutex_lock(&sh->lock);
		if (rc == CCM_EINVAL) {
			long long k = count_of(sh->s, "SELECT count(*) FROM messages "
					       "WHERE folder_id = ?1 AND parent_id IS NULL", f->id);
			say(w, CCM_ERROR, "imap-folder", 0, "folder '%s' (as '%s') was not "
			    "created, its %lld messages were not sent: %s", f->path,
			    w->name.ptr, k, e.msg);
			sh->st->failed += (unsigned long)k;
			w->handled += (unsigned long)k;
			folder_done(w);
			continue;
		}
		if (rc < 0) {
			rc = connection_failed(w, rc, 0, &e);
			goto out;
		}
		if ((rc = send_folder(w, f, w->name.ptr)) != 0)
			goto out;
		sh->st->folders++;
		folder_done(w);
	}
	rc = sh->fatal ? CCM_EIO : 0;
out:
	pthread_mutex_unlock(&sh->lock);
	free_folders(folders, n);
	ccm_imap_special_release(&special);
	ccm_imap_close(w->imap);
	w->imap = NULL;
	return rc;
}

/* Who job j logs in as (imap_creds.h): 1, or 0 for no line. */
static int find_login(const struct shared *sh, const struct job *j, struct ccm_buf *login,
		      const char **password)
{
	return j->mailbox ? ccm_imap_creds_find(sh->o->creds, j->alias, login, password) :
	       ccm_imap_creds_find_public(sh->o->creds, login, password);
}

/*
 * Two jobs that would log in as one account (a mailbox aliased "public"
 * and the public folders under "*", or a '*' line without %a) would mix
 * their mail there: the later one is marked and not exported.
 */
static void find_clashes(struct shared *sh)
{
	struct ccm_buf *logins = calloc(sh->n_jobs ? sh->n_jobs : 1, sizeof(*logins));
	const char *pw;

	if (!logins)
		ccm_die_oom(sh->n_jobs * sizeof(*logins));
	for (size_t i = 0; i < sh->n_jobs; i++) {
		ccm_buf_init(&logins[i]);
		if (find_login(sh, &sh->jobs[i], &logins[i], &pw) <= 0)
			continue;
		for (size_t k = 0; k < i && !sh->jobs[i].clash; k++)
			if (logins[k].len && !strcasecmp(logins[k].ptr, logins[i].ptr))
				sh->jobs[i].clash = sh->jobs[k].alias;
	}
	for (size_t i = 0; i < sh->n_jobs; i++)
		ccm_buf_release(&logins[i]);
	free(logins);
}

static void do_mailbox(struct worker *w)
{
	struct shared *sh = w->sh;
	struct ccm_buf login = CCM_BUF_INIT;
	const char *password = NULL;
	int budget_s = sh->o->retry_budget_s == 0 ? RETRY_BUDGET_S : sh->o->retry_budget_s;
	long long budget_ms = budget_s < 0 ? 0 : 1000ll * budget_s;
	struct ccm_error e;
	int rc, failures = 0;

	rc = find_login(sh, w->job, &login, &password);
	pthread_mutex_lock(&sh->lock);
	if (rc > 0 && w->job->clash) {
		sh->st->skipped++;
		say(w, CCM_ERROR, "imap-same-login", 0, "%s would log in as '%s', as "
		    "mailbox '%s' does: their mail would mix in one account; not "
		    "exported: give it a line of its own in the credentials file",
		    w->job->mailbox ? "this mailbox" : "the public folders", login.ptr,
		    w->job->clash);
		goto out;
	}
	if (rc <= 0) {
		sh->st->skipped++;
		say(w, CCM_ERROR, "imap-no-credentials", 0, "no credentials for mailbox "
		    "'%s' (no line for it nor '*'): not exported", w->job->alias);
		goto out;
	}
	w->login = login.ptr;
	if ((rc = ccm_store_ledger_source(sh->s, sh->o->url, login.ptr, &w->source, &e)) < 0) {
		store_failed(sh, rc, &e);
		goto out;
	}
	w->total = count_of(sh->s, "SELECT count(*) FROM messages m JOIN folders f ON "
			    "f.id = m.folder_id WHERE m.parent_id IS NULL AND "
			    "f.mailbox_id IS ?1", w->job->mailbox);
	w->done_folders = 0;
	w->done_in_folder = w->handled = 0;
	w->in_flight[0] = '\0';
	ccm_imap_backoff_init(&w->backoff, sh->o->backoff_base_ms, 0, budget_ms);
	pthread_mutex_unlock(&sh->lock);
	for (;;) {
		unsigned long before = w->handled + w->done_folders;
		long long wait;

		rc = mailbox_once(w, password);
		if (rc != 1)
			break;
		/* Only failures with nothing done between them count: a
		 * server that hangs up every so many messages still gets the
		 * whole mailbox in one run. */
		failures = w->handled + w->done_folders == before ? failures + 1 : 1;
		if (failures == ATTEMPTS ||
		    (wait = ccm_imap_backoff_next(&w->backoff, 0)) < 0)
			break;
		/* Try again later; the ledger keeps what was sent. */
		pthread_mutex_lock(&sh->lock);
		sh->st->waits++;
		pthread_mutex_unlock(&sh->lock);
		ccm_imap_backoff_sleep(wait);
	}
	pthread_mutex_lock(&sh->lock);
	if (rc == 0) {
		sh->st->mailboxes++;
	} else if (rc > 0) {
		/* A refused login is reported where it happened. */
		sh->st->skipped++;
		if (rc == 1 && failures == ATTEMPTS)
			say(w, CCM_ERROR, "imap-connection", 0, "mailbox '%s' is not "
			    "complete: the connection failed %d times in a row with no "
			    "message through (the last time: %s); %lld messages were "
			    "not sent; run the export again to finish it", w->job->alias,
			    ATTEMPTS, w->last.msg, left(w));
		else if (rc == 1)
			say(w, CCM_ERROR, "imap-connection", 0, "mailbox '%s' is not "
			    "complete: the connection kept failing for %lld s with no "
			    "message through (the last time: %s); %lld messages were "
			    "not sent; run the export again later, or give it more time "
			    "with --imap-retry-budget", w->job->alias,
			    w->backoff.budget_ms / 1000, w->last.msg, left(w));
	}
out:
	pthread_mutex_unlock(&sh->lock);
	ccm_buf_release(&login);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;

	for (;;) {
		pthread_mutex_lock(&sh->lock);
		if (sh->fatal || sh->next == sh->n_jobs) {
			pthread_mutex_unlock(&sh->lock);
			return NULL;
		}
		w->job = &sh->jobs[sh->next++];
		pthread_mutex_unlock(&sh->lock);
		do_mailbox(w);
	}
}

/* ---- the run --------------------------------------------------------------- */

/* Every mailbox, then the public folders when the store has any. */
static int list_jobs(struct shared *sh, struct ccm_error *err)
{
	struct ccm_store_cursor *c = NULL;
	struct ccm_recipient r;
	size_t cap = 0;
	int rc;

	if ((rc = ccm_store_recipients(&c, sh->s, CCM_RECIP_MAILBOX, err)) < 0)
		return rc;
	for (;;) {
		if (sh->n_jobs == cap) {
			struct job *v;
			cap = cap ? 2 * cap : 64;
			if (!(v = realloc(sh->jobs, cap * sizeof(*v)))) {
				rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
				break;
			}
			sh->jobs = v;
		}
		if ((rc = ccm_store_next_recipient(c, &r, err)) <= 0) {
			if (rc == 0) {
				/* The public folders last, as one more job. */
				r.id = 0;
				r.alias = "public";
				if (!count_of(sh->s, "SELECT count(*) FROM folders WHERE "
					      "mailbox_id IS NULL", 0))
					break;
			} else {
				break;
			}
		}
		sh->jobs[sh->n_jobs].mailbox = r.id;
		sh->jobs[sh->n_jobs].clash = NULL;
		if (!(sh->jobs[sh->n_jobs].alias = ccm_strdup(r.alias))) {
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			break;
		}
		sh->n_jobs++;
		if (r.id == 0)
			break;
	}
	ccm_store_cursor_free(c);
	return rc < 0 ? rc : 0;
}

/* What the options let the probe connection do that is unsafe. */
static void warn_weak(const struct ccm_imap_export_opts *o, struct ccm_imap *probe)
{
	char text[512];

	if (!ccm_imap_tls(probe))
		snprintf(text, sizeof(text), "IMAP server %s offers no TLS (no STARTTLS): "
			 "the %s cross the network in clear, for anyone on the way to "
			 "read (--imap-insecure)", o->url, o->tokens ? "tokens" :
			 "passwords");
	else if (o->server.insecure)
		snprintf(text, sizeof(text), "the TLS certificate of IMAP server %s is "
			 "not checked: anyone in the middle can pose as the server and "
			 "read the %s (--imap-insecure)", o->url, o->tokens ? "tokens" :
			 "passwords");
	else
		return;
	if (o->warn)
		o->warn(o->warn_ctx, text);
	else
		fprintf(stderr, "warning: %s\n", text);
}

/* The export itself: every mailbox over its connections. */
static int export_all(struct ccm_store *s, const struct ccm_imap_export_opts *o,
		      struct ccm_imap_stats *st, struct ccm_error *err)
{
	struct shared sh;
	struct worker *w;
	pthread_t *tid;
	int n = o->connections < 1 ? 1 : o->connections > MAX_CONNECTIONS ?
		MAX_CONNECTIONS : o->connections;
	int rc, started = 0;

	memset(st, 0, sizeof(*st));
	memset(&sh, 0, sizeof(sh));
	sh.s = s;
	sh.o = o;
	sh.st = st;
	if ((rc = list_jobs(&sh, err)) < 0)
		goto out;
	find_clashes(&sh);
	sh.total = (unsigned long long)count_of(s, "SELECT count(*) FROM messages "
						"WHERE parent_id IS NULL", 0);
	{
		/* One connection first: a server that cannot be reached, or
		 * whose certificate is not trusted, fails the run at once
		 * instead of every mailbox in turn. */
		struct ccm_imap *probe;
		if ((rc = ccm_imap_open(&probe, &o->server, err)) < 0)
			goto out;
		rc = ccm_imap_can_login(probe, o->tokens != NULL, err);
		if (rc == 0)
			warn_weak(o, probe);
		ccm_imap_close(probe);
		if (rc < 0)
			goto out;
	}
	if ((size_t)n > sh.n_jobs)
		n = sh.n_jobs ? (int)sh.n_jobs : 1;
	w = calloc((size_t)n, sizeof(*w));
	tid = calloc((size_t)n, sizeof(*tid));
	if (!w || !tid) {
		free(w);
		free(tid);
		rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
		goto out;
	}
	pthread_mutex_init(&sh.lock, NULL);
	for (int i = 0; i < n; i++) {
		w[i].sh = &sh;
		ccm_spool_init(&w[i].spool, SPOOL_MEMORY);
		ccm_imap_pace_init(&w[i].pace, o->max_rate);
		ccm_buf_init(&w[i].name);
		ccm_buf_init(&w[i].tmp);
		w[i].names = (struct ccm_out_names)CCM_OUT_NAMES_INIT;
	}
	for (int i = 0; i < n; i++) {
		if (pthread_create(&tid[i], NULL, worker_main, &w[i]) != 0)
			break;
		started++;
	}
	if (started == 0)
		worker_main(&w[0]);   /* no threads to be had: one connection */
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	for (int i = 0; i < n; i++) {
		ccm_spool_release(&w[i].spool);
		ccm_buf_release(&w[i].name);
		ccm_buf_release(&w[i].tmp);
		ccm_out_names_release(&w[i].names);
		free(w[i].on_server);
	}
	free(w);
	free(tid);
	pthread_mutex_destroy(&sh.lock);
	if (sh.fatal) {
		if (err)
			*err = sh.fatal_err;
		rc = sh.fatal_err.code < 0 ? sh.fatal_err.code : CCM_EIO;
	}
out:
	for (size_t i = 0; i < sh.n_jobs; i++)
		free(sh.jobs[i].alias);
	free(sh.jobs);
	return rc;
}

int ccm_imap_export(struct ccm_store *s, const struct ccm_imap_export_opts *o,
		    struct ccm_imap_stats *st, struct ccm_error *err)
{
	unsigned long errors = o->report ? o->report->counts[CCM_ERROR] : 0;
	struct ccm_error ignored;
	int rc;

	memset(st, 0, sizeof(*st));
	if ((rc = ccm_store_run_start(s, "export", o->url, NULL, err)) < 0)
		return rc;
	rc = export_all(s, o, st, err);
	if (rc == 0) {
		struct ccm_store_count counts[8] = {
			{ "messages", (long long)st->messages },
			{ "already", (long long)(st->already + st->found) },
			{ "failed", (long long)st->failed },
			{ "mailboxes_skipped", (long long)st->skipped },
			/* Throttling and busy servers, for the report of
			 * every job's exports (stats.h). */
			{ "waits", (long long)st->waits },
		};
		size_t n = 5;
		int left_out = st->failed || st->skipped ||
			       (o->report && o->report->counts[CCM_ERROR] > errors);

		/* The size counts only for a run with a limit, the time
		 * paced only for one with a cap (seconds, rounded). */
		if (o->size && o->size->max) {
			counts[n++] = (struct ccm_store_count){ "left_out_size",
				(long long)st->left_out_size };
			counts[n++] = (struct ccm_store_count){ "split_size",
				(long long)st->split_size };
		}
		if (o->max_rate > 0)
			counts[n++] = (struct ccm_store_count){ "paced_s",
				(long long)((st->paced_ms + 500) / 1000) };
		return ccm_store_run_finish(s, left_out, counts, n, err);
	}
	ccm_store_run_finish(s, 2, NULL, 0, &ignored);
	return rc;
}
