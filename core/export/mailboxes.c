/* mailboxes.c: the mailboxes a Maildir or mbox export writes, and the folder of each. */
#include "export/mailboxes.h"
#include "export/folder_name.h"
#include "store/recipients.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void note(struct ccm_out_renamed *r, const char *alias, const char *name)
{
	if (r->n++ == 0) {
		snprintf(r->alias, sizeof(r->alias), "%s", alias);
		snprintf(r->name, sizeof(r->name), "%s", name);
	}
}

/* The alias kept out of the path: a separator, a leading '.' (a hidden
 * folder, or "." and ".."), a control character become '_'. */
static void alias_dir(struct ccm_buf *out, const char *alias)
{
	ccm_buf_reset(out);
	for (const char *p = alias; *p; p++) {
		unsigned char c = (unsigned char)*p;

		ccm_buf_addch(out, c == '/' || c < 0x20 || c == 0x7f ||
			      (c == '.' && p == alias) ? '_' : (char)c);
	}
	if (out->len == 0)
		ccm_buf_addch(out, '_');
	/* Room left for " (nnnnnn)". */
	ccm_out_fit_name(out, 0, CCM_OUT_NAME_MAX - 9);
}

/* Names every mailbox read (struct ccm_out_mailboxes). */
static int name_all(char **names, char *const *aliases, size_t n,
		    struct ccm_out_renamed *renamed)
{
	struct ccm_out_names roots = CCM_OUT_NAMES_INIT;
	struct ccm_buf b = CCM_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		names[i] = NULL;
	ccm_buf_adds(&b, "public");
	rc = ccm_out_names_claim(&b, &roots, 0);
	/* Aliases that are a folder name as they are first, then the others:
	 * "_x" keeps its name, and ".x" is the one that gets a number. */
	for (int pass = 0; rc == 0 && pass < 2; pass++) {
		for (size_t i = 0; rc == 0 && i < n; i++) {
			size_t plain;

			alias_dir(&b, aliases[i]);
			if (names[i] || (strcmp(b.ptr, aliases[i]) != 0) != pass)
				continue;
			plain = b.len;
			if ((rc = ccm_out_names_claim(&b, &roots, 0)) < 0)
				break;
			if (b.len != plain)
				note(renamed, aliases[i], b.ptr);
			if (!(names[i] = ccm_strdup(b.ptr)))
				rc = CCM_ENOMEM;
		}
	}
	ccm_buf_release(&b);
	ccm_out_names_release(&roots);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++) {
			free(names[i]);
			names[i] = NULL;
		}
	}
	return rc < 0 ? CCM_ENOMEM : 0;
}

int ccm_out_mailboxes_read(struct ccm_out_mailboxes *out, struct ccm_store *s,
			   struct ccm_error *err)
{
	struct ccm_store_cursor *c = NULL;
	struct ccm_recipient r;
	size_t cap = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ccm_store_recipients(&c, s, CCM_RECIP_MAILBOX, err)) < 0)
		return rc;
	while ((rc = ccm_store_next_recipient(c, &r, err)) > 0) {
		if (out->n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			long long *id = realloc(out->id, ncap * sizeof(*id));
			char **alias = id ? realloc(out->alias, ncap * sizeof(*alias)) : NULL;

			if (id)
				out->id = id;
			if (alias)
				out->alias = alias;
			if (!id || !alias) {
				rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
				break;
			}
			cap = ncap;
		}
		out->id[out->n] = r.id;
		if (!(out->alias[out->n] = ccm_strdup(r.alias))) {
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			break;
		}
		out->n++;
	}
	ccm_store_cursor_free(c);
	if (rc == 0 && !(out->name = calloc(out->n ? out->n : 1, sizeof(char *))))
		rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
	if (rc == 0 && name_all(out->name, out->alias, out->n, &out->renamed) < 0)
		rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
	if (rc < 0) {
		ccm_out_mailboxes_release(out);
		return rc;
	}
	return 0;
}

void ccm_out_mailboxes_release(struct ccm_out_mailboxes *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->alias[i]);
		if (m->name)
			free(m->name[i]);
	}
	free(m->id);
	free(m->alias);
	free(m->name);
	memset(m, 0, sizeof(*m));
}

unsigned long long ccm_out_message_count(struct ccm_store *s)
{
	sqlite3_stmt *st = NULL;
	long long n = 0;

	if (sqlite3_prepare_v2(ccm_store_db(s), "SELECT count(*) FROM messages WHERE "
			       "parent_id IS NULL", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n > 0 ? (unsigned long long)n : 0;
}

int ccm_out_thread_count(size_t jobs)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int n = cores < 1 ? 1 : cores > CCM_OUT_MAX_THREADS ? CCM_OUT_MAX_THREADS : (int)cores;

	if ((size_t)n > jobs)
		n = jobs ? (int)jobs : 1;
	return n;
}

struct worker {
	void (*work)(void *arg, struct ccm_store *s);
	void *arg;
	struct ccm_store *s;
	pthread_t tid;
	int started;
};

static void *worker_main(void *p)
{
	struct worker *w = p;

	w->work(w->arg, w->s);
	return NULL;
}

void ccm_out_run_threads(struct ccm_store *s, int n,
			 void (*work)(void *arg, struct ccm_store *s), void *arg)
{
	struct worker w[CCM_OUT_MAX_THREADS];

	if (n > CCM_OUT_MAX_THREADS)
		n = CCM_OUT_MAX_THREADS;
	memset(w, 0, sizeof(w));
	for (int i = 1; i < n; i++) {
		struct ccm_error e;

		if (ccm_store_open(&w[i].s, ccm_store_path(s), CCM_STORE_READONLY, &e) < 0)
			break;
		w[i].work = work;
		w[i].arg = arg;
		w[i].started = pthread_create(&w[i].tid, NULL, worker_main, &w[i]) == 0;
	}
	work(arg, s);
	for (int i = 1; i < n; i++) {
		if (w[i].started)
			pthread_join(w[i].tid, NULL);
		ccm_store_close(w[i].s);
	}
}
