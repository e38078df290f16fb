/* import.c: a migration file set into the store, as the wizard imported it. */
#include "flow/import.h"
#include "store/po.h"
#include "base/fault.h"
#include "base/nofollow.h"
#include "store/folders.h"
#include "store/ledger.h"
#include "store/messages.h"
#include "store/pab.h"
#include "store/recipients.h"
#include "store/sources.h"
#include "base/buf.h"
#include "base/tz.h"
#include "ccmail/address.h"
#include "ccmail/manifest.h"
#include "flow/forwards.h"
#include "iff/addrform.h"
#include "iff/csv.h"
#include "iff/reader.h"
#include "iff/srcid.h"

#include "ccmail/fingerprint.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PIECE 65536
/* A body buffer past this is given back after its row: a 100 MiB body
 * must not keep its memory for the rest of the import. */
#define BODY_KEEP (1u << 20)

/* The recovery file of this run: the rows and sections that were skipped. */
struct recovery {
	FILE *f;
	char name[64];
	size_t pri;             /* primary (index + 1) and section (offset of its */
	long long section;      /* keyword line) whose lines were written last */
	int sections;
};

enum { USER_SET_ALIAS = 1, USER_SET_DISPLAY = 2, USER_SET_FIRST = 4, USER_SET_LAST = 8 };

struct ictx {
	struct ccm_store *s;
	struct ccm_iff_set *set;
	struct ccm_iff_pri *p;
	const struct ccm_import_opts *o;
	struct ccm_import_stats *st;
	struct ccm_error *err;
	struct ccm_report *rep;      /* the caller's */
	struct ccm_report tee;       /* the caller's and the store's events */
	struct ccm_tz *tz;
	struct recovery rec;
	size_t pri_index;
	/* Progress: bytes of the primaries before this one, and of all. */
	unsigned long long pri_before, pri_total;
	struct ccm_buf body, subject, tmp, addr;
	struct ccm_csv_line multi;
	int policy_failed;           /* the last mailbox_for: the policy failed */
	struct ccm_srcid id;         /* the "!ccmig-id" line before this row */
	int have_id;
	struct ccm_srcid note;       /* scratch for the other "!ccmig-" lines */
	int note_rc;                 /* the first failure handling such a line */
	struct ccm_fp_seen seen;     /* fingerprints of the section's foreign rows */
	int claim;                   /* the store may hold messages from before
					identities were kept: claim them */
	unsigned user_set;           /* USER_SET_* a policy set for the next
					DIRECTORY row ("!ccmig-user-set") */
	struct ccm_forwards *fw;     /* unfolds forwarded messages (flow/forwards.h) */
	char piece[PIECE];
};

/* Every report entry also becomes an event of the store's run. */
static void tee_sink(void *ctx, const struct ccm_diag *d)
{
	struct ictx *x = ctx;

	ccm_report_emit(x->rep, d);
	ccm_store_event(x->s, d, NULL);
}

static void report(struct ictx *x, enum ccm_severity sev, const char *kind,
		   int event, long line, long long offset, const char *user,
		   const char *fmt, ...) __attribute__((format(printf, 8, 9)));
static void report(struct ictx *x, enum ccm_severity sev, const char *kind,
		   int event, long line, long long offset, const char *user,
		   const char *fmt, ...)
{
	struct ccm_diag d = { sev, kind, event,
			      x->p ? ccm_iff_pri_name(x->p) : ccm_iff_set_pkl_name(x->set),
			      line, offset, user, 0, NULL };
	va_list ap;

	va_start(ap, fmt);
	ccm_reportv(&x->tee, &d, fmt, ap);
	va_end(ap);
}

/* Empties the list of a multi-valued column, its values' text too: the
 * text is kept beside the list and would otherwise grow with every row of
 * the import (11 MB for a 1 GB post office). */
static void multi_reset(struct ictx *x)
{
	x->multi.n = 0;
	ccm_buf_reset(&x->multi.store);
}

/* ---- the recovery file ---------------------------------------------------- */

static int recovery_open(struct ictx *x)
{
	const char *dir = ccm_iff_set_dir(x->set);
	char path[4200];
	struct stat sb;

	for (int n = 1; n < 10000; n++) {
		snprintf(x->rec.name, sizeof(x->rec.name), "RECOVER-%04d.pri", n);
		snprintf(path, sizeof(path), "%s/%s", dir, x->rec.name);
		if (stat(path, &sb) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/RECOVER-%04d.pkl", dir, n);
		if (stat(path, &sb) == 0)
			continue;
		/* Written as .part and renamed when whole: a killed import
		 * leaves no recovery file that looks complete. */
		snprintf(path, sizeof(path), "%s/%s.part", dir, x->rec.name);
		if (ccm_nofollow_fopen(&x->rec.f, path, x->err) < 0)
			return x->err->code;
		snprintf(x->st->recovery, sizeof(x->st->recovery), "RECOVER-%04d.pkl", n);
		return 0;
	}
	return ccm_error_set(x->err, CCM_EEXISTS, "no free RECOVER-NNNN name in '%s'", dir);
}

static int put(struct ictx *x, const char *p, size_t n)
{
	if (fwrite(p, 1, n, x->rec.f) != n || fwrite("\r\n", 1, 2, x->rec.f) != 2)
		return ccm_error_sys(x->err, errno, "cannot write recovery file '%s'",
				     x->rec.name);
	return 0;
}

/* Writes a row (NULL: none) under its section's keyword and header lines. */
static int recover(struct ictx *x, const struct ccm_iff_section *sec,
		   const struct ccm_iff_row *row)
{
	int rc;

	if (!x->rec.f && (rc = recovery_open(x)) < 0)
		return rc;
	if (x->rec.pri != x->pri_index + 1 || x->rec.section != sec->offset) {
		if (x->rec.sections++ && (rc = put(x, "", 0)) < 0)
			return rc;
		if ((rc = put(x, sec->keyword_raw, sec->keyword_raw_len)) < 0)
			return rc;
		if (sec->header_raw && (rc = put(x, sec->header_raw, sec->header_raw_len)) < 0)
			return rc;
		x->rec.pri = x->pri_index + 1;
		x->rec.section = sec->offset;
	}
	if (row && x->have_id) {
		/* The row keeps its identity: imported from the recovery file,
		 * it is the same message as in any other run. */
		struct ccm_buf line = CCM_BUF_INIT;

		ccm_buf_addch(&line, '!');
		ccm_srcid_format(&x->tmp, &x->id);
		ccm_buf_add(&line, x->tmp.ptr, x->tmp.len);
		rc = put(x, line.ptr, line.len);
		ccm_buf_release(&line);
		if (rc < 0)
			return rc;
	}
	return row ? put(x, row->raw, row->raw_len) : 0;
}

/* The recovery packing list: the recovery primary and the set's secondaries. */
/* Renames the finished "<name>.part" of the set's folder to <name>. */
static int part_done(struct ictx *x, const char *name)
{
	char from[4310], to[4300];

	snprintf(to, sizeof(to), "%s/%s", ccm_iff_set_dir(x->set), name);
	snprintf(from, sizeof(from), "%s.part", to);
	if (rename(from, to) != 0)
		return ccm_error_sys(x->err, errno, "cannot rename '%s' to '%s'", from, to);
	return 0;
}

/* Removes the recovery files an import killed while writing them left. */
static void remove_stale_parts(struct ictx *x)
{
	const char *dir = ccm_iff_set_dir(x->set);
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return;
	while ((d = readdir(dp)) != NULL) {
		size_t n = strlen(d->d_name);
		char path[4300];

		if (strncmp(d->d_name, "RECOVER-", 8) || n < 5 ||
		    strcmp(d->d_name + n - 5, ".part"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (remove(path) == 0)
			report(x, CCM_NOTE, "stale-recovery-file", 0, 0, -1, NULL,
			       "removed %s, the unfinished recovery file of an import that "
			       "was interrupted; this import writes its own", d->d_name);
	}
	closedir(dp);
}

static int recovery_close(struct ictx *x)
{
	char path[4200];
	FILE *f;
	int rc = 0;

	if (!x->rec.f)
		return 0;
	if (fclose(x->rec.f) != 0)
		rc = ccm_error_sys(x->err, errno, "cannot write recovery file '%s'", x->rec.name);
	x->rec.f = NULL;
	if (rc == 0)
		rc = part_done(x, x->rec.name);
	snprintf(path, sizeof(path), "%s/%s.part", ccm_iff_set_dir(x->set), x->st->recovery);
	if (ccm_nofollow_fopen(&f, path, x->err) < 0)
		return x->err->code;
	fprintf(f, "%d\r\n\r\nFilename,Filetype\r\n%s,Primary\r\n",
		ccm_iff_set_code_page(x->set), x->rec.name);
	for (size_t i = 0; i < ccm_iff_set_count(x->set, CCM_IFF_SECONDARY); i++)
		fprintf(f, "%s,Secondary\r\n",
			ccm_iff_set_file(x->set, CCM_IFF_SECONDARY, i)->name);
	if (fclose(f) != 0 && rc == 0)
		rc = ccm_error_sys(x->err, errno, "cannot write '%s'", path);
	if (rc == 0)
		rc = part_done(x, x->st->recovery);
	return rc;
}

/* ---- finding and making mailboxes ----------------------------------------- */

/* "TYPE:rest" into its parts; the type is upper-cased. 0 when no ':'. */
static int split_typed(const char *s, struct ccm_buf *type, const char **rest)
{
	const char *colon = strchr(s, ':');

	if (!colon || colon == s)
		return 0;
	ccm_buf_set(type, s, (size_t)(colon - s));
	for (size_t i = 0; i < type->len; i++)
		if (type->ptr[i] >= 'a' && type->ptr[i] <= 'z')
			type->ptr[i] -= 32;
	*rest = colon + 1;
	return 1;
}

/* Adds an address unless some recipient has it already. */
static int add_address(struct ictx *x, long long id, const char *type,
		       const char *text)
{
	long long owner;
	int kind, rc;

	rc = ccm_store_find_address(x->s, type, text, &owner, &kind, x->err);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	return ccm_store_address_add(x->s, id, type, text, 0, x->err);
}

/* The MIGRATE proxy and the old cc:Mail address of a mailbox. */
static int add_source_addresses(struct ictx *x, long long id, const char *addr)
{
	const char *rest;
	int rc = add_address(x, id, "MIGRATE", addr);

	if (rc == 0 && split_typed(addr, &x->addr, &rest))
		rc = add_address(x, id, x->addr.ptr, rest);
	return rc;
}

/*
 * The mailbox of `addr`: found, converted from a custom recipient in place
 * (Q194218), or created from the given names when `create`. *id 0 when
 * none and not created.
 */
/* The cc:Mail name in "CCMAIL:Smith, John at SALESPO". */
static void name_of(const char *addr, struct ccm_buf *out)
{
	const char *p = strchr(addr, ':'), *at;

	p = p ? p + 1 : addr;
	ccm_buf_set(out, p, strlen(p));
	for (at = out->ptr; (at = strstr(at, " at ")) != NULL; at++)
		ccm_buf_truncate(out, (size_t)(at - out->ptr));
}

struct candidates {
	struct ccm_recipient *v;
	size_t n;
};

static void candidates_release(struct candidates *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free((char *)c->v[i].alias);
		free((char *)c->v[i].display_name);
		free((char *)c->v[i].ccmail_name);
		free((char *)c->v[i].target);
	}
	free(c->v);
}

static int candidate_add(struct candidates *c, const struct ccm_recipient *r)
{
	struct ccm_recipient *v;

	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].id == r->id)
			return 0;
	v = realloc(c->v, (c->n + 1) * sizeof(*v));
	if (!v)
		return CCM_ENOMEM;
	c->v = v;
	memset(&v[c->n], 0, sizeof(v[c->n]));
	v[c->n].id = r->id;
	v[c->n].kind = r->kind;
	v[c->n].alias = r->alias ? ccm_strdup(r->alias) : NULL;
	v[c->n].display_name = r->display_name ? ccm_strdup(r->display_name) : NULL;
	v[c->n].ccmail_name = r->ccmail_name ? ccm_strdup(r->ccmail_name) : NULL;
	v[c->n].target = r->target ? ccm_strdup(r->target) : NULL;
	c->n++;
	return 0;
}

/*
 * Asks the policy which custom recipient becomes the mailbox of `addr`.
 * `found` is the one holding the address (0: none). Returns 1 with *id
 * (0: the policy chose none), 0 when there is no hook or no candidate,
 * 2 when the policy failed (reported: its user is left out, as a hook
 * failing at extraction leaves it out), negative on failure.
 */
static int ask_policy(struct ictx *x, const char *addr, long long found,
		      long long *id)
{
	const struct ccm_import_policy *pol = x->o->policy;
	struct candidates c = { NULL, 0 };
	struct ccm_store_cursor *cur;
	struct ccm_recipient r;
	const char *alias = NULL;
	int rc;

	if (!pol || !pol->custom_recipient)
		return 0;
	if (found) {
		if ((rc = ccm_store_recipient_get(&r, x->s, found, x->err)) < 0)
			return rc;
		rc = candidate_add(&c, &r);
		ccm_recipient_release(&r);
		if (rc < 0)
			return ccm_error_set(x->err, rc, "out of memory");
	}
	name_of(addr, &x->tmp);
	if ((rc = ccm_store_custom_candidates(&cur, x->s, x->tmp.ptr, x->err)) < 0)
		goto out;
	while ((rc = ccm_store_next_recipient(cur, &r, x->err)) > 0)
		if ((rc = candidate_add(&c, &r)) < 0) {
			rc = ccm_error_set(x->err, rc, "out of memory");
			break;
		}
	ccm_store_cursor_free(cur);
	if (rc < 0)
		goto out;
	*id = 0;
	rc = pol->custom_recipient(pol->ctx, addr, x->tmp.ptr, c.v, c.n, id, &alias,
				   x->err);
	if (rc == 2) {                  /* no answer: as if there were no hook */
		rc = 0;
		goto out;
	}
	if (rc == CCM_EINVAL) {
		/* The policy's fault, not the store's: one user fails, the
		 * import goes on. */
		report(x, CCM_ERROR, "policy-failed", 0, 0, -1, addr, "%s; user '%s' is "
		       "not migrated: no mailbox, no mail", x->err->msg, x->tmp.ptr);
		rc = 2;
		goto out;
	}
	if (rc > 0 && alias) {
		/* Chosen by alias: any custom recipient of the store. */
		int kind = 0;
		if ((rc = ccm_store_find_alias(x->s, alias, id, &kind, x->err)) < 0)
			goto out;
		if (rc == 0 || kind != CCM_RECIP_CUSTOM) {
			report(x, CCM_WARNING, "policy-alias-unknown", 0, 0, -1, addr,
			       "the policy chose '%s' to become the mailbox of '%s', but no "
			       "custom recipient has that alias; the mailbox is made as "
			       "without the policy", alias, addr);
			*id = 0;
		}
		rc = 1;
	} else if (rc > 0) {
		int ok = 0;
		for (size_t i = 0; i < c.n; i++)
			ok |= c.v[i].id == *id;
		if (!ok) {
			report(x, CCM_ERROR, "policy-failed", 0, 0, -1, addr, "the policy's "
			       "custom_recipient hook chose %lld, which is not one of the "
			       "candidates for '%s'; user '%s' is not migrated: no mailbox, "
			       "no mail", *id, addr, x->tmp.ptr);
			rc = 2;
		}
	} else if (rc == 0) {
		*id = 0;
		rc = 1;
	}
out:
	candidates_release(&c);
	return rc;
}

static int mailbox_for(struct ictx *x, const char *addr, const char *alias,
		       const char *display, const char *first, const char *last,
		       int create, long long *id)
{
	/* A MIGRATE: proxy equal to it, or an address of its own type
	 * (spec 4.8). */
	int kind, rc = ccm_store_find_source(x->s, addr, id, &kind, x->err);
	long long chosen = 0;

	x->policy_failed = 0;
	if (rc < 0)
		return rc;
	if (rc == 0 || kind == CCM_RECIP_CUSTOM) {
		/* No mailbox yet: the policy may say which custom recipient
		 * stands for the user, or that none does. */
		int asked = ask_policy(x, addr, rc == 1 ? *id : 0, &chosen);
		if (asked < 0)
			return asked;
		if (asked == 2) {
			x->policy_failed = 1;
			*id = 0;
			return 0;
		}
		if (asked == 1 && chosen) {
			*id = chosen;
			kind = CCM_RECIP_CUSTOM;
			rc = 1;
		} else if (asked == 1) {
			rc = 0;      /* none of them: as if nobody held it */
		}
	}
	if (rc == 1 && kind == CCM_RECIP_CUSTOM) {
		if ((rc = ccm_store_convert_to_mailbox(x->s, *id, x->err)) < 0)
			return rc;
		x->st->converted++;
		return add_source_addresses(x, *id, addr);
	}
	if (rc == 1 && kind == CCM_RECIP_MAILBOX)
		return add_source_addresses(x, *id, addr);
	*id = 0;     /* nobody, or a list or public folder holds the address */
	if (rc == 1)
		return 0;
	if (!create)
		return 0;
	{
		struct ccm_recipient r = { 0 };
		struct ccm_buf unique = CCM_BUF_INIT;
		struct ccm_buf type = CCM_BUF_INIT;
		struct ccm_addr a = { 0 };
		const char *rest;

		if ((rc = ccm_store_unique_alias(&unique, x->s,
						 alias && *alias ? alias : "user", x->err)) < 0)
			return rc;
		r.kind = CCM_RECIP_MAILBOX;
		r.alias = unique.ptr;
		r.display_name = display && *display ? display : unique.ptr;
		r.first_name = first;
		r.last_name = last;
		/* The cc:Mail name and post office, as dirsync records them, from
		 * "CCMAIL:Smith, John at SALESPO", read as the bundle reader
		 * reads an address. */
		if (split_typed(addr, &type, &rest) && !strcmp(type.ptr, "CCMAIL") &&
		    ccm_addr_parse(&a, rest, strlen(rest), NULL, NULL, NULL) == 0 &&
		    a.po && *a.name) {
			r.ccmail_name = a.name;
			r.ccmail_po = a.po;
		}
		rc = ccm_store_recipient_create(x->s, &r, id, x->err);
		ccm_buf_release(&unique);
		ccm_buf_release(&type);
		ccm_addr_release(&a);
		if (rc < 0)
			return rc;
	}
	x->st->mailboxes_created++;
	return add_source_addresses(x, *id, addr);
}

/* ---- source identities and decisions (iff/srcid.h) ---------------------- */

static void key_of(const struct ccm_srcid *id, struct ccm_source_key *k)
{
	k->po = id->po;
	k->board = id->board;
	k->owner = id->owner;
	k->fp = id->fp;
	k->dup = id->dup;
}

/* Records what this run decided of the row whose identity is `id`: the
 * message it is (message_id), stored now or by an earlier run. */
static int record_row(struct ictx *x, const struct ccm_srcid *id, int decision,
		      long long message_id)
{
	struct ccm_source_key k;

	key_of(id, &k);
	return ccm_store_source_record(x->s, &k, id->file, id->number, decision, NULL,
				       message_id, x->err);
}

/* Extraction left a message out: kept as that decision, or, when an
 * earlier run stored the message, as kept (it stays). */
static int left_out(struct ictx *x, const struct ccm_srcid *id)
{
	struct ccm_source_key k;
	struct ccm_source_record rec;
	int rc;

	key_of(id, &k);
	if ((rc = ccm_store_source_find(&rec, x->s, &k, x->err)) < 0)
		return rc;
	if (rc == 1 && rec.message_id) {
		x->st->kept++;
		return ccm_store_source_record(x->s, &k, id->file, id->number, CCM_SRC_KEPT,
					       id->why, rec.message_id, x->err);
	}
	x->st->left_out++;
	return ccm_store_source_record(x->s, &k, id->file, id->number, CCM_SRC_LEFT_OUT,
				       id->why, 0, x->err);
}

/* The mailbox of a user of post office `po`, 0 when it has none. */
static int user_mailbox(struct ictx *x, const char *po, const char *name, long long *id)
{
	int kind = 0, rc;

	ccm_buf_reset(&x->tmp);
	ccm_buf_addf(&x->tmp, "%s at %s", name, po);
	rc = ccm_store_find_address(x->s, "CCMAIL", x->tmp.ptr, id, &kind, x->err);
	if (rc == 1 && kind != CCM_RECIP_MAILBOX)
		*id = 0;
	return rc < 0 ? rc : 0;
}

/* Extraction left a user out whole: so recorded, or as kept when an
 * earlier run made the user's mailbox (it stays, with its mail). */
static int user_left_out(struct ictx *x, const struct ccm_srcid *id)
{
	struct ccm_source_key k = { id->po, id->board, id->owner, NULL, 0 };
	long long mb = 0;
	int rc = user_mailbox(x, id->po, id->owner, &mb);

	if (rc < 0)
		return rc;
	x->st->users_left_out++;
	return ccm_store_source_mailbox_record(x->s, &k, mb ? CCM_SRC_KEPT :
					       CCM_SRC_LEFT_OUT, id->why, x->err);
}

/* A user whose MAILMESSAGE section this run imports is taken, whatever
 * an earlier run decided ("CCMAIL:Smith, John at SALESPO"). */
static int user_taken(struct ictx *x, const char *addr)
{
	struct ccm_buf type = CCM_BUF_INIT;
	struct ccm_addr a = { 0 };
	const char *rest;
	int rc = 0;

	if (split_typed(addr, &type, &rest) && !strcmp(type.ptr, "CCMAIL") &&
	    ccm_addr_parse(&a, rest, strlen(rest), NULL, NULL, NULL) == 0 &&
	    a.po && *a.name) {
		struct ccm_source_key k = { a.po, 0, a.name, NULL, 0 };
		rc = ccm_store_source_mailbox_record(x->s, &k, CCM_SRC_MIGRATED, NULL,
						     x->err);
	}
	ccm_buf_release(&type);
	ccm_addr_release(&a);
	return rc;
}

/* A comment line inside a section: ccmig's lines are read, others not. */
static void on_note(void *ctx, const char *text, size_t len, long line,
		    long long offset)
{
	struct ictx *x = ctx;
	int rc;

	if (x->note_rc < 0)
		return;
	rc = ccm_srcid_parse(&x->note, text, len);
	if (rc == 0)
		return;
	if (rc < 0) {
		report(x, CCM_WARNING, "bad-source-line", 0, line, offset, NULL,
		       "this '!ccmig-' line cannot be read (was it edited?); the row "
		       "after it is imported as a row of another tool's set, known "
		       "by what it holds");
		return;
	}
	switch (x->note.kind) {
	case CCM_SRCID_MESSAGE: {
		struct ccm_srcid t = x->id;      /* the row after it is this one */
		x->id = x->note;
		x->note = t;
		x->have_id = 1;
		break;
	}
	case CCM_SRCID_LEFT_OUT:
		x->note_rc = left_out(x, &x->note);
		break;
	case CCM_SRCID_LEFT_OUT_USER:
		x->note_rc = user_left_out(x, &x->note);
		break;
	case CCM_SRCID_USER_SET:
		x->user_set = (strstr(x->note.set, "alias") ? USER_SET_ALIAS : 0) |
			      (strstr(x->note.set, "display_name") ? USER_SET_DISPLAY : 0) |
			      (strstr(x->note.set, "first_name") ? USER_SET_FIRST : 0) |
			      (strstr(x->note.set, "last_name") ? USER_SET_LAST : 0);
		break;
	}
}

/* ---- rows ----------------------------------------------------------------- */

/*
 * The directory data of mailbox `id` as the latest run gives it (a
 * policy may have renamed the user since the mailbox was made): display
 * name, first and last name, and the alias when no one else holds it. A
 * custom recipient that became the mailbox keeps the data it had but for
 * the fields this run's policy set (x->user_set).
 */
static int directory_data(struct ictx *x, const struct ccm_iff_row *row, long long id)
{
	unsigned set = USER_SET_ALIAS | USER_SET_DISPLAY | USER_SET_FIRST | USER_SET_LAST;
	const char *display = ccm_iff_row_get(row, CCM_IFF_COL_DISPLAY_NAME, NULL);
	const char *alias = ccm_iff_row_get(row, CCM_IFF_COL_COMMON_NAME, NULL);
	struct ccm_recipient r;
	int rc;

	if ((rc = ccm_store_recipient_get(&r, x->s, id, x->err)) <= 0)
		return rc;
	if (r.converted_run || r.dirsync_po)
		set = x->user_set;   /* it keeps its own data (Q194218) */
	if (display && *display && (set & (USER_SET_DISPLAY | USER_SET_FIRST |
					   USER_SET_LAST))) {
		struct ccm_recipient u = r;

		if (set & USER_SET_DISPLAY)
			u.display_name = display;
		if (set & USER_SET_FIRST)
			u.first_name = ccm_iff_row_get(row, CCM_IFF_COL_FIRST_NAME, NULL);
		if (set & USER_SET_LAST)
			u.last_name = ccm_iff_row_get(row, CCM_IFF_COL_LAST_NAME, NULL);
		rc = ccm_store_recipient_update(x->s, &u, x->err);
	}
	if (rc >= 0 && (set & USER_SET_ALIAS) && alias && *alias && strcasecmp(alias, r.alias))
		rc = ccm_store_recipient_rename(x->s, id, alias, x->err);
	ccm_recipient_release(&r);
	return rc < 0 ? rc : 0;
}

static int directory_row(struct ictx *x, const struct ccm_iff_section *sec,
			 const struct ccm_iff_row *row)
{
	long long id = 0;
	int n, rc;

	multi_reset(x);
	n = ccm_iff_row_multi(&x->multi, x->p, CCM_IFF_COL_PROXY_ADDRESSES);
	for (int i = 0; n > 0 && i < n && !id; i++) {
		const char *a = x->multi.f[i].value;
		if (!strncasecmp(a, "MIGRATE:", 8))
			a += 8;
		rc = mailbox_for(x, a, ccm_iff_row_get(row, CCM_IFF_COL_COMMON_NAME, NULL),
				 ccm_iff_row_get(row, CCM_IFF_COL_DISPLAY_NAME, NULL),
				 ccm_iff_row_get(row, CCM_IFF_COL_FIRST_NAME, NULL),
				 ccm_iff_row_get(row, CCM_IFF_COL_LAST_NAME, NULL), 1, &id);
		if (rc < 0)
			return rc;
		if (x->policy_failed) {         /* reported: the row is skipped */
			x->st->rows_skipped++;
			return recover(x, sec, row);
		}
	}
	/* Every other proxy becomes an address of the mailbox, the first of
	 * its type primary (an SMTP address a policy gave, say). */
	for (int i = 0; id && n > 0 && i < n; i++) {
		const char *a = x->multi.f[i].value, *rest;
		long long holder;
		int kind;

		if (!strncasecmp(a, "MIGRATE:", 8) || !split_typed(a, &x->addr, &rest))
			continue;
		rc = ccm_store_find_address(x->s, x->addr.ptr, rest, &holder, &kind, x->err);
		if (rc < 0)
			return rc;
		if (rc == 0 && (rc = ccm_store_address_add(x->s, id, x->addr.ptr, rest, 1,
							   x->err)) < 0)
			return rc;
	}
	if (!id) {
		report(x, CCM_ERROR, "no-migrate-address", 8149, row->line, row->offset, NULL,
		       "directory row for '%s' has no MIGRATE: address to find or make its "
		       "mailbox by; add one in Secondary-Proxy-Addresses",
		       ccm_iff_row_get(row, CCM_IFF_COL_COMMON_NAME, NULL));
		x->st->rows_skipped++;
		return recover(x, sec, row);
	}
	return directory_data(x, row, id);
}

/* The row's message as the post office knows it, for a report: its place
 * in its owner's export when the row carries its identity. */
static const char *row_message(const struct ictx *x, char *buf, size_t n)
{
	if (x->have_id)
		snprintf(buf, n, "message %ld of '%s'", x->id.number, x->id.owner);
	else
		snprintf(buf, n, "the row's message");
	return buf;
}

/* Streams the chain's sections after the Body into attachments of row's
 * message; a forwarded message's text is unfolded into messages as it is
 * stored (flow/forwards.h). */
static int attachments(struct ictx *x, const struct ccm_iff_section *sec,
		       const struct ccm_iff_row *row, struct ccm_iff_chain *c,
		       long long msg, long long folder)
{
	const struct ccm_iff_secsect *s;
	int seq = 0, rc = 0;

	while (rc == 0 && ccm_iff_chain_next(c, &s) == 1) {
		struct ccm_store_attachment meta = { 0 };
		struct ccm_store_attach_info info;
		struct ccm_store_attach *a;
		ssize_t got;
		int fwd;

		if (s->type == CCM_IFF_OTHER || s->type == CCM_IFF_BODY)
			continue;     /* reported by the reader */
		meta.message_id = msg;
		meta.seq = ++seq;
		meta.kind = s->macbinary ? "macbinary" : "file";
		fwd = x->fw && ccm_store_is_forward_text(s->name);
		meta.name = s->name;
		meta.position = s->position;
		meta.size = (unsigned long long)s->length;
		if ((rc = ccm_store_attach_begin(&a, x->s, &meta, x->err)) < 0)
			return rc;
		if (fwd && (rc = ccm_forwards_capture_begin(x->fw, x->err)) < 0) {
			ccm_store_attach_abort(a);
			return rc;
		}
		while ((got = ccm_iff_chain_read(c, x->piece, PIECE, x->err)) > 0)
			if ((rc = ccm_store_attach_write(a, x->piece, (size_t)got, x->err)) < 0 ||
			    (fwd && (rc = ccm_forwards_capture(x->fw, x->piece, (size_t)got,
							       x->err)) < 0))
				break;
		if (got < 0)
			rc = (int)got;
		if (rc < 0) {
			ccm_store_attach_abort(a);
			return rc;
		}
		if ((rc = ccm_store_attach_finish(a, &info, x->err)) < 0)
			return rc;
		if (rc == 1) {
			/* Stored as received; the mismatch must not pass unseen. */
			report(x, CCM_WARNING, "attachment-size", 8005, 0, s->offset, NULL,
			       "attachment '%s' declared %lld bytes in its section but gave "
			       "%llu; what was there is stored", s->name, s->length,
			       info.received);
			rc = 0;
		}
		x->st->attachments++;
		x->st->attachment_bytes += info.size;
		if (fwd) {
			rc = ccm_forwards_capture_end(x->fw, msg, folder, meta.seq,
						      s->name, x->err);
			if (rc == CCM_ELIMIT) {
				/* Kept whole as the attachment: the user is told. */
				char what[300];

				report(x, CCM_ERROR, "body-too-long", 0, row->line,
				       row->offset, sec->address, "%s: the message forwarded "
				       "in its attachment '%s' is not unfolded (%s); it stays "
				       "the cc:Mail export text it came in",
				       row_message(x, what, sizeof(what)), s->name,
				       x->err->msg);
				rc = 0;
			}
			if (rc < 0)
				return rc;
			x->st->forwarded += (unsigned long)rc;
			rc = 0;
		}
	}
	return rc;
}

/* The folder a MAILMESSAGE row goes to (made when needed). */
static int row_folder(struct ictx *x, const struct ccm_iff_section *sec,
		      const struct ccm_iff_row *row, long long mailbox, long long *id)
{
	const char *folder = ccm_iff_row_get(row, CCM_IFF_COL_FOLDER, NULL);

	if (sec->is_public)
		return ccm_store_public_folder_ensure(x->s, folder && *folder ? folder :
						      "Inbox", id, x->err);
	return ccm_store_folder_ensure(x->s, mailbox, folder && *folder ? folder : "Inbox",
				       id, x->err);
}

/* A row whose message an earlier run stored: placed as this row says. */
static int place(struct ictx *x, const struct ccm_iff_section *sec,
		 const struct ccm_iff_row *row, long long mailbox, long long msg)
{
	long long folder;
	int unread = 0, rc;

	if ((rc = row_folder(x, sec, row, mailbox, &folder)) < 0)
		return rc;
	ccm_iff_row_text(&x->subject, x->p, CCM_IFF_COL_SUBJECT, 1 << 20, x->err);
	ccm_iff_row_bool(&unread, x->p, CCM_IFF_COL_UNREAD, 0);
	return ccm_store_message_place(x->s, msg, folder, x->subject.ptr, !unread, x->err);
}

/*
 * A row whose body is longer than the store keeps (store.h): reported
 * with its place, and skipped to the recovery file, where the whole row
 * and its sections wait to be split (the text made an attachment) and
 * imported.
 */
static int body_too_long(struct ictx *x, const struct ccm_iff_section *sec,
			 const struct ccm_iff_row *row, const char *why)
{
	char what[300];

	report(x, CCM_ERROR, "body-too-long", 0, row->line, row->offset, sec->address,
	       "%s: %s; the row is skipped and kept in the recovery file (make "
	       "part of the text an attachment there, and import it)",
	       row_message(x, what, sizeof(what)), why);
	x->st->rows_skipped++;
	return recover(x, sec, row);
}

/* Makes the row's message; *out its id, 0 when the row was skipped
 * (reported, and written to the recovery file). */
static int message_row(struct ictx *x, const struct ccm_iff_section *sec,
		       const struct ccm_iff_row *row, long long mailbox, long long *out)
{
	const enum ccm_iff_col cols[3] = { CCM_IFF_COL_TO, CCM_IFF_COL_CC, CCM_IFF_COL_BCC };
	struct ccm_store_message m = { 0 };
	struct ccm_store_rcpt *rcpts = NULL, sender = { 0 };
	struct ccm_store_header dropped = { CCM_IMPORT_DROPPED_HEADER, NULL };
	struct ccm_buf dropped_text = CCM_BUF_INIT;
	struct ccm_iff_chain *c = NULL;
	const struct ccm_iff_secsect *body;
	struct ccm_date sent, recvd;
	char *sender_text = NULL;
	size_t n_rcpts = 0;
	int rc, b;

	*out = 0;
	if (ccm_iff_row_validate(x->p, x->tz) < 0 ||
	    (rc = ccm_iff_row_chain(&c, x->p, CCM_IFF_COL_BODY, x->err)) == CCM_EMALFORMED) {
		x->st->rows_skipped++;
		return recover(x, sec, row);
	}
	if (rc < 0)
		return rc;
	/* Recipients: one list of values with their kinds. */
	multi_reset(x);
	for (int k = 0; k < 3; k++) {
		size_t before = x->multi.n;
		struct ccm_store_rcpt *v;
		if (ccm_iff_row_multi(&x->multi, x->p, cols[k]) < 0)
			continue;     /* reported; the message goes on without them */
		v = realloc(rcpts, (x->multi.n ? x->multi.n : 1) * sizeof(*v));
		if (!v) {
			rc = ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
			goto out;
		}
		rcpts = v;
		for (size_t i = before; i < x->multi.n; i++)
			rcpts[i].kind = k + 1;
		n_rcpts = x->multi.n;
	}
	for (size_t i = 0; i < n_rcpts; i++)
		ccm_addrform_split(x->multi.f[i].value, &rcpts[i].display,
				   &rcpts[i].address);
	sender_text = ccm_strdup(ccm_iff_row_get(row, CCM_IFF_COL_SENDER, NULL) ?
				 ccm_iff_row_get(row, CCM_IFF_COL_SENDER, NULL) : "");
	if (!sender_text) {
		rc = ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
		goto out;
	}
	ccm_addrform_split(sender_text, &sender.display, &sender.address);
	ccm_iff_row_text(&x->subject, x->p, CCM_IFF_COL_SUBJECT, 1 << 20, x->err);
	/* The body: the chain's first section, held whole while the row is
	 * written (the store keeps it as one value), read no further than the
	 * store keeps. */
	ccm_buf_reset(&x->body);
	if (ccm_iff_chain_next(c, &body) == 1 && body->type == CCM_IFF_BODY) {
		size_t max = ccm_store_body_max(x->s);
		ssize_t got;

		while ((got = ccm_iff_chain_read_utf8(&x->body, c, PIECE, x->err)) > 0)
			if (x->body.len > max)
				break;
		if (got < 0) {
			rc = (int)got;
			goto out;
		}
		if (x->body.len > max) {
			char why[160];

			snprintf(why, sizeof(why), "its body is more than the %zu bytes "
				 "the store keeps in one message", max);
			rc = body_too_long(x, sec, row, why);
			goto out;
		}
	}
	if ((rc = row_folder(x, sec, row, mailbox, &m.folder_id)) == CCM_EINVAL) {
		/* A Folder that names none ("\\"): this row's problem only. */
		report(x, CCM_ERROR, "bad-folder", 0, row->line, row->offset, sec->address,
		       "%s; the row is skipped", x->err->msg);
		x->st->rows_skipped++;
		rc = recover(x, sec, row);
		goto out;
	}
	if (rc < 0)
		goto out;
	m.sender_name = sender.display;
	m.sender_address = sender.address;
	m.subject = x->subject.ptr;
	if (ccm_iff_row_date(&sent, x->p, CCM_IFF_COL_SEND_DATE, x->tz) == 0) {
		m.has_sent = 1;
		m.sent_utc = sent.utc;
	}
	if (ccm_iff_row_date(&recvd, x->p, CCM_IFF_COL_RECEIVED_DATE, x->tz) == 0) {
		m.has_received = 1;
		m.received_utc = recvd.utc;
	}
	m.sent_text = ccm_iff_row_get(row, CCM_IFF_COL_SEND_DATE, NULL);
	m.received_text = ccm_iff_row_get(row, CCM_IFF_COL_RECEIVED_DATE, NULL);
	ccm_iff_row_priority(&m.priority, x->p);
	ccm_iff_row_bool(&b, x->p, CCM_IFF_COL_UNREAD, 0);
	m.read = !b;
	ccm_iff_row_bool(&m.unsent, x->p, CCM_IFF_COL_UNSENT, 0);
	m.body = x->body.ptr;
	m.body_len = x->body.len;
	m.rcpts = rcpts;
	m.n_rcpts = n_rcpts;
	if (x->have_id && x->id.dropped) {
		/* What a policy left out stays said with the message: the
		 * store alone tells verify why attachments are missing. */
		for (const char *p = x->id.dropped; *p; p++)
			if (*p == '.')
				ccm_buf_adds(&dropped_text, ", ");
			else if (*p == '/')         /* "3.1": inside forwarded message 3 */
				ccm_buf_addch(&dropped_text, '.');
			else
				ccm_buf_addch(&dropped_text, *p);
		ccm_buf_addf(&dropped_text, " (%s)", x->id.why ? x->id.why : "policy");
		dropped.value = dropped_text.ptr;
		m.headers = &dropped;
		m.n_headers = 1;
	}
	if ((rc = ccm_store_message_add(x->s, &m, &m.id, x->err)) == CCM_ELIMIT) {
		/* Too long with the rest of its row: nothing was stored. */
		rc = body_too_long(x, sec, row, x->err->msg);
		goto out;
	}
	if (rc < 0 || (rc = attachments(x, sec, row, c, m.id, m.folder_id)) < 0)
		goto out;
	x->st->messages++;
	*out = m.id;
out:
	if (x->body.cap > BODY_KEEP)
		ccm_buf_release(&x->body);
	ccm_iff_chain_free(c);
	free(rcpts);
	free(sender_text);
	ccm_buf_release(&dropped_text);
	return rc;
}

static int foreign_identity(struct ictx *x, const struct ccm_iff_section *sec,
			    const struct ccm_iff_row *row);

/*
 * A message this row is, stored before identities were kept (a store of
 * schema 2 upgraded): in the row's folder, with its subject and date, and
 * named by no record. Claimed for the row's identity rather than stored
 * again: 1 when claimed, 0 when there is none, negative on failure.
 */
static int claim(struct ictx *x, const struct ccm_iff_section *sec,
		 const struct ccm_iff_row *row, long long mailbox)
{
	struct ccm_date sent;
	long long folder, id = 0;
	int has_sent, rc;

	if ((rc = row_folder(x, sec, row, mailbox, &folder)) < 0)
		return rc;
	ccm_iff_row_text(&x->subject, x->p, CCM_IFF_COL_SUBJECT, 1 << 20, x->err);
	has_sent = ccm_iff_row_date(&sent, x->p, CCM_IFF_COL_SEND_DATE, x->tz) == 0;
	if ((rc = ccm_store_message_unclaimed(x->s, folder, x->subject.ptr, has_sent,
					      has_sent ? sent.utc : 0, &id, x->err)) <= 0)
		return rc;
	if ((rc = place(x, sec, row, mailbox, id)) < 0)
		return rc;
	x->st->rows_already++;
	x->st->messages_already++;
	rc = record_row(x, &x->id, CCM_SRC_ALREADY, id);
	return rc < 0 ? rc : 1;
}

/* A row with its source identity: stored once, whatever the set's layout. */
static int identified_row(struct ictx *x, const struct ccm_iff_section *sec,
			  const struct ccm_iff_row *row, long long mailbox)
{
	struct ccm_source_key k;
	struct ccm_source_record rec;
	long long id = 0;
	int rc;

	key_of(&x->id, &k);
	if ((rc = ccm_store_source_find(&rec, x->s, &k, x->err)) < 0)
		return rc;
	if (rc == 1 && rec.message_id && rec.run_id == ccm_store_run_id(x->s) &&
	    strcmp(x->id.po, "*")) {
		/* Two rows of one set that name one message: an edited set.
		 * Neither is lost: this one is known by what it holds. */
		report(x, CCM_WARNING, "duplicate-identity", 0, row->line, row->offset,
		       sec->address, "this row's '!ccmig-id' line names message %ld of "
		       "'%s', which an earlier row of this run stored (was the set "
		       "edited?); the row is stored as a message of its own, known by "
		       "its content", x->id.number, x->id.owner);
		if ((rc = foreign_identity(x, sec, row)) <= 0) {
			x->st->rows_skipped++;
			return rc < 0 ? rc : recover(x, sec, row);
		}
		return identified_row(x, sec, row, mailbox);
	}
	if (rc == 1 && rec.message_id) {
		rc = place(x, sec, row, mailbox, rec.message_id);
		if (rc >= 0) {
			x->st->rows_already++;
			x->st->messages_already++;
			x->st->placed += (unsigned long)rc;
			return record_row(x, &x->id, CCM_SRC_ALREADY, rec.message_id);
		}
		if (rc != CCM_ENOTFOUND)
			return rc;
		/* The message it became is gone (a store edited by hand): the
		 * row stores it again, if it can. */
	}
	if (x->claim && !x->id.held && (rc = claim(x, sec, row, mailbox)) != 0)
		return rc < 0 ? rc : 0;
	if (x->id.held) {
		report(x, CCM_ERROR, "held-message-missing", 0, row->line, row->offset,
		       sec->address, "the row of message %ld of '%s' carries no body: it "
		       "was written for a store that holds the message, and this one "
		       "does not; extract the post office again (without a store) "
		       "and import that set", x->id.number, x->id.owner);
		x->st->rows_skipped++;
		return 0;
	}
	if ((rc = message_row(x, sec, row, mailbox, &id)) < 0 || !id)
		return rc;
	return record_row(x, &x->id, CCM_SRC_MIGRATED, id);
}

/*
 * The identity of a row of another tool's set, which carries none: its
 * section's address, its fields but the Body pointer (a place in this
 * set's layout, not content), and every byte of its chain, as XXH3-128;
 * the post office "*" (unknown). Returns 1 with x->id set, 0 when the
 * chain cannot be read (reported), or a negative code.
 */
static int foreign_identity(struct ictx *x, const struct ccm_iff_section *sec,
			    const struct ccm_iff_row *row)
{
	static const char sep = '\x1f';
	const char *body = ccm_iff_row_get(row, CCM_IFF_COL_BODY, NULL);
	const struct ccm_iff_secsect *ss;
	struct ccm_iff_chain *c = NULL;
	XXH3_state_t h;
	XXH128_canonical_t d;
	static const char hex[] = "0123456789abcdef";
	long dup;
	int rc;

	if ((rc = ccm_iff_row_chain(&c, x->p, CCM_IFF_COL_BODY, x->err)) == CCM_EMALFORMED)
		return 0;
	if (rc < 0)
		return rc;
	XXH3_128bits_reset(&h);
	XXH3_128bits_update(&h, sec->address ? sec->address : "", sec->address ?
			    strlen(sec->address) : 0);
	for (size_t i = 0; i < row->nfields; i++) {
		XXH3_128bits_update(&h, &sep, 1);
		if (row->field[i] != body)
			XXH3_128bits_update(&h, row->field[i], row->field_len[i]);
	}
	while ((rc = ccm_iff_chain_next(c, &ss)) == 1) {
		ssize_t got;

		XXH3_128bits_update(&h, &sep, 1);
		XXH3_128bits_update(&h, ss->name, strlen(ss->name));
		while ((got = ccm_iff_chain_read(c, x->piece, PIECE, x->err)) > 0)
			XXH3_128bits_update(&h, x->piece, (size_t)got);
		if (got < 0) {
			rc = (int)got;
			break;
		}
	}
	ccm_iff_chain_free(c);
	if (rc < 0)
		return rc;
	XXH128_canonicalFromHash(&d, XXH3_128bits_digest(&h));
	for (int k = 0; k < 16; k++) {
		x->id.fp[2 * k] = hex[d.digest[k] >> 4];
		x->id.fp[2 * k + 1] = hex[d.digest[k] & 15];
	}
	x->id.fp[32] = '\0';
	if ((dup = ccm_fp_seen_add(&x->seen, x->id.fp)) < 0)
		return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
	x->id.kind = CCM_SRCID_MESSAGE;
	x->id.po = "*";
	x->id.board = sec->is_public;
	x->id.owner = sec->is_public ? "public" : sec->address ? sec->address : "";
	x->id.file = ccm_iff_pri_name(x->p);
	x->id.number = row->number;
	x->id.dup = dup;
	x->id.why = NULL;
	x->id.dropped = NULL;
	x->id.held = 0;
	return 1;
}

/*
 * A row of another tool's set: known by the fingerprint of what it holds
 * (foreign_identity), so that the same set imported again, or laid out
 * anew, adds nothing. A row that cannot be read is skipped into the
 * recovery file, as any bad row.
 */
static int foreign_row(struct ictx *x, const struct ccm_iff_section *sec,
		       const struct ccm_iff_row *row, long long mailbox)
{
	int rc;

	if (ccm_iff_row_validate(x->p, x->tz) < 0) {
		x->st->rows_skipped++;
		return recover(x, sec, row);
	}
	if ((rc = foreign_identity(x, sec, row)) < 0)
		return rc;
	if (rc == 0) {
		/* Its chain cannot be read (reported): skipped as bad. */
		x->st->rows_skipped++;
		return recover(x, sec, row);
	}
	x->have_id = 1;
	return identified_row(x, sec, row, mailbox);
}

/* ---- personal address books ---------------------------------------------- */

/* The PAB columns kept as "Name=value" lines besides the named ones. */
static const enum ccm_iff_col pab_other[] = {
	CCM_IFF_COL_ADDRESS, CCM_IFF_COL_CITY, CCM_IFF_COL_STATE, CCM_IFF_COL_ZIP,
	CCM_IFF_COL_COUNTRY, CCM_IFF_COL_TITLE, CCM_IFF_COL_COMPANY,
	CCM_IFF_COL_DEPARTMENT, CCM_IFF_COL_OFFICE, CCM_IFF_COL_ASSISTANT,
	CCM_IFF_COL_BUS_NUM, CCM_IFF_COL_BUS2_NUM, CCM_IFF_COL_ASSIST_NUM,
	CCM_IFF_COL_FAX_NUM, CCM_IFF_COL_HOME_NUM, CCM_IFF_COL_HOME2_NUM,
	CCM_IFF_COL_MOBILE_NUM, CCM_IFF_COL_PAGER_NUM,
};

/*
 * An address book row is known by its mailbox's address and its content
 * (not by where a set put it: a run that takes other users numbers the
 * primary files otherwise). Item 0 is the notice of ccm_import's PAB.
 */
static long long pab_item(const struct ccm_iff_row *row)
{
	long long item = (long long)(XXH3_64bits(row->raw, row->raw_len) >> 1);

	return item ? item : 1;
}

static int pab_row(struct ictx *x, const struct ccm_iff_section *sec,
		   const struct ccm_iff_row *row, long long mailbox, long long pab_source)
{
	struct ccm_pab_item it = { 0 };
	const char **members = NULL;
	long long id;
	int rc, n;

	if (ccm_iff_row_validate(x->p, x->tz) < 0) {
		x->st->rows_skipped++;
		return recover(x, sec, row);
	}
	if ((rc = ccm_store_ledger_find(NULL, x->s, pab_source, pab_item(row), x->err)) != 0) {
		x->st->rows_already += rc > 0;
		return rc < 0 ? rc : 0;
	}
	it.mailbox_id = mailbox;
	it.kind = strcasecmp(ccm_iff_row_get(row, CCM_IFF_COL_OBJ_CLASS, NULL), "dl") ?
		  "entry" : "dl";
	it.display_name = ccm_iff_row_get(row, CCM_IFF_COL_DISPLAY_NAME, NULL);
	it.first_name = ccm_iff_row_get(row, CCM_IFF_COL_FIRST, NULL);
	it.last_name = ccm_iff_row_get(row, CCM_IFF_COL_LAST, NULL);
	it.note = ccm_iff_row_get(row, CCM_IFF_COL_NOTE, NULL);
	ccm_buf_reset(&x->tmp);
	for (size_t i = 0; i < sizeof(pab_other) / sizeof(pab_other[0]); i++) {
		const char *v = ccm_iff_row_get(row, pab_other[i], NULL);
		if (v && *v)
			ccm_buf_addf(&x->tmp, "%s=%s\n", ccm_iff_col_name(pab_other[i]), v);
	}
	it.fields = x->tmp.len ? x->tmp.ptr : NULL;
	multi_reset(x);
	n = ccm_iff_row_multi(&x->multi, x->p, CCM_IFF_COL_EMAIL_ADDRESS);
	if (n < 0) {
		x->st->rows_skipped++;
		return recover(x, sec, row);
	}
	if (!strcmp(it.kind, "dl")) {
		members = malloc((n ? (size_t)n : 1) * sizeof(*members));
		if (!members)
			return ccm_error_set(x->err, CCM_ENOMEM, "out of memory");
		for (int i = 0; i < n; i++)
			members[i] = x->multi.f[i].value;
		it.members = members;
		it.n_members = (size_t)n;
	} else if (n > 0) {
		it.email = x->multi.f[0].value;
	}
	rc = ccm_store_pab_add(x->s, &it, &id, x->err);
	free(members);
	if (rc == 0) {
		ccm_buf_addf(&x->body, "%s  %s\r\n", it.display_name,
			     it.email ? it.email : "(personal list)");
		rc = ccm_store_ledger_record(x->s, pab_source, pab_item(row), "pab", id,
					     x->err);
	}
	return rc;
}

/*
 * The message the wizard put in the Inbox with a migrated address book
 * (4.3): here it lists the entries, and the header marks it as made by
 * ccmig, so that verify does not take it for mail of the post office.
 */
static int pab_notice(struct ictx *x, long long pab_source, long long mailbox,
		      unsigned long items)
{
	static const struct ccm_store_header mark = { "X-ccmig-generated", "pab-notice" };
	struct ccm_store_message m = { 0 };
	struct ccm_buf text = CCM_BUF_INIT;
	int rc;

	if (items == 0)
		return 0;
	if ((rc = ccm_store_ledger_find(NULL, x->s, pab_source, 0, x->err)) != 0)
		return rc < 0 ? rc : 0;     /* made by an earlier run */
	ccm_buf_addf(&text, "Your cc:Mail private address book was migrated with "
		     "your mailbox: %lu entries and personal lists, kept in your "
		     "personal address book. They are:\r\n\r\n%s", items, x->body.ptr);
	if ((rc = ccm_store_folder_ensure(x->s, mailbox, "Inbox", &m.folder_id, x->err)) == 0) {
		m.sender_name = "ccmig";
		m.subject = "Migrated Personal Address Book";
		m.read = 0;
		m.body = text.ptr;
		m.body_len = text.len;
		m.headers = &mark;
		m.n_headers = 1;
		rc = ccm_store_message_add(x->s, &m, &m.id, x->err);
	}
	if (rc == 0)
		rc = ccm_store_ledger_record(x->s, pab_source, 0, "pab-notice",
					     m.id, x->err);
	ccm_buf_release(&text);
	return rc;
}

/*
 * Keeps the post office's zone in the store, so that exports write dates
 * in it without being told. A store fed from post offices of different
 * zones keeps the first; the others are reported.
 */
static int record_zone(struct ictx *x, const char *zone)
{
	struct ccm_buf have = CCM_BUF_INIT;
	struct ccm_manifest own = { 0 };
	const char *settings = ccm_iff_set_po_settings(x->set);
	int rc = ccm_store_meta_get(&have, x->s, "time_zone", x->err);

	if (rc == 0)
		rc = ccm_store_meta_set(x->s, "time_zone", zone, x->err);
	else if (rc == 1 && strcmp(have.ptr, zone)) {
		/* Another post office in its own zone is no problem: the
		 * settings the set carries date its mailboxes in their zone.
		 * A set without them, or read in another zone than its own,
		 * is dated in the store's. */
		int own_zone = settings && ccm_manifest_settings_parse(&own, settings, NULL) == 0 &&
			       own.time_zone && !strcmp(own.time_zone, zone);

		if (own_zone)
			report(x, CCM_NOTE, "time-zone-differs", 0, 0, -1, NULL,
			       "this post office's dates are in %s, the store's first "
			       "post office's in %s; exports date each mailbox in its own "
			       "post office's zone", zone, have.ptr);
		else
			report(x, CCM_WARNING, "time-zone-differs", 0, 0, -1, NULL,
			       "this set's dates are in %s but the store's first post "
			       "office's in %s; exports use %s for its mailboxes unless "
			       "given --time-zone", zone, have.ptr, have.ptr);
		rc = 0;
	}
	ccm_manifest_release(&own);
	ccm_buf_release(&have);
	return rc < 0 ? rc : 0;
}

/*
 * Keeps the settings of the post office the set came from, which ccmig
 * extract writes in the packing list: forwarded messages stay cc:Mail
 * export text in the store, and rendering them needs to know how it reads.
 * A line that cannot be read is reported and the import goes on.
 */
static int record_po(struct ictx *x)
{
	const char *text = ccm_iff_set_po_settings(x->set);
	struct ccm_error e;
	struct ccm_manifest m = { 0 };
	int rc;

	if (!text)
		return 0;
	rc = ccm_manifest_settings_parse(&m, text, &e);
	if (rc == 0 && (!m.post_office || !*m.post_office))
		rc = ccm_error_set(&e, CCM_EMALFORMED, "settings '%s' name no post "
				   "office", text);
	if (rc == CCM_EMALFORMED) {
		ccm_manifest_release(&m);
		report(x, CCM_WARNING, "bad-po-settings", 0, 0, -1, NULL,
		       "the packing list's post office settings cannot be read (%s); "
		       "forwarded messages will be read with a manifest's defaults", e.msg);
		return 0;
	}
	if (rc == 0)
		rc = ccm_store_po_record(x->s, m.post_office, text, &e);
	ccm_manifest_release(&m);
	if (rc < 0 && x->err)
		*x->err = e;
	return rc;
}

/* ---- sections --------------------------------------------------------------- */

/* Skips the rest of a section whole into the recovery file (8124). */
static int skip_section(struct ictx *x, const struct ccm_iff_section *sec,
			const char *why)
{
	const struct ccm_iff_row *row;
	int rc;

	report(x, CCM_ERROR, "section-skipped", 8124, sec->line, sec->offset, sec->address,
	       "bad section encountered: %s; the section is skipped whole and written "
	       "to the recovery file", why);
	x->st->sections_skipped++;
	if ((rc = recover(x, sec, NULL)) < 0)
		return rc;
	while ((rc = ccm_iff_pri_next_row(x->p, &row, x->err)) > 0) {
		x->st->rows++;
		x->st->rows_skipped++;
		if ((rc = recover(x, sec, row)) < 0)
			return rc;
		/* A crash mid-section, as a power cut or the OOM killer. */
		ccm_fault_point();
	}
	return rc;
}

/* Where the import is: rows read, and bytes of the primaries up to
 * `offset` in the one being read. */
static void progress(struct ictx *x, long long offset)
{
	struct ccm_progress_at at = { x->st->rows, 0, x->pri_before, x->pri_total };

	if (!x->o->progress)
		return;
	if (offset > 0)
		at.bytes += (unsigned long long)offset;
	x->o->progress(x->o->progress_ctx, &at);
}

static int section(struct ictx *x, const struct ccm_iff_section *sec)
{
	const struct ccm_iff_row *row;
	long long mailbox = 0, pab_source = 0;
	unsigned long items = 0;
	int rc;

	x->st->sections++;
	x->have_id = 0;
	ccm_fp_seen_reset(&x->seen);
	if (sec->bad)
		return skip_section(x, sec, "its keyword or column header line cannot be read");
	if ((sec->kind == CCM_IFF_MAILMESSAGE && !sec->is_public) ||
	    sec->kind == CCM_IFF_PAB) {
		const char *a = sec->address ? sec->address : "";
		if ((rc = mailbox_for(x, a, NULL, NULL, NULL, NULL,
				      x->o->create_mailboxes, &mailbox)) < 0)
			return rc;
		if (!mailbox && x->policy_failed)
			return skip_section(x, sec, "the policy failed for its mailbox");
		if (!mailbox) {
			report(x, CCM_ERROR, "mailbox-not-found", 8074, sec->line, sec->offset, a,
			       "failed to connect to the mailbox '%s': no mailbox or custom "
			       "recipient has that address; create it, or import with "
			       "--create-mailboxes", a);
			return skip_section(x, sec, "its mailbox was not found");
		}
		if (sec->kind == CCM_IFF_PAB)
			rc = ccm_store_ledger_source(x->s, "pab", a, &pab_source, x->err);
		else
			rc = user_taken(x, a);
		if (rc < 0)
			return rc;
	}
	ccm_buf_reset(&x->body);     /* the address book's list, for its notice */
	while ((rc = ccm_iff_pri_next_row(x->p, &row, x->err)) > 0) {
		unsigned long before = x->st->rows_already;

		x->st->rows++;
		if (x->note_rc < 0)
			return x->note_rc;
		if (row->bad) {
			x->st->rows_skipped++;
			rc = recover(x, sec, row);
		} else if (sec->kind == CCM_IFF_DIRECTORY) {
			rc = directory_row(x, sec, row);
		} else if (sec->kind == CCM_IFF_PAB) {
			if ((rc = pab_row(x, sec, row, mailbox, pab_source)) == 0 &&
			    x->st->rows_already == before)
				items++;
		} else if (x->have_id) {
			rc = identified_row(x, sec, row, mailbox);
		} else {
			rc = foreign_row(x, sec, row, mailbox);
		}
		x->have_id = 0;
		x->user_set = 0;
		if (rc < 0)
			return rc;
		/* Every 16 rows: a row is at least a statement of SQLite,
		 * the call is lost in it. */
		if (x->st->rows % 16 == 0)
			progress(x, row->offset);
		ccm_fault_point();
	}
	if (rc == 0 && x->note_rc < 0)
		rc = x->note_rc;
	if (rc == 0 && sec->kind == CCM_IFF_PAB)
		rc = pab_notice(x, pab_source, mailbox, items);
	return rc;
}

int ccm_import(struct ccm_store *s, const char *pkl, const struct ccm_import_opts *o,
	       struct ccm_report *rep, struct ccm_import_stats *st, struct ccm_error *err)
{
	struct ictx x = { 0 };
	long long run;
	int rc;

	memset(st, 0, sizeof(*st));
	x.s = s;
	x.o = o;
	x.st = st;
	x.err = err;
	x.rep = rep;
	x.tee.sink = tee_sink;
	x.tee.ctx = &x;
	ccm_buf_init(&x.body);
	ccm_buf_init(&x.subject);
	ccm_buf_init(&x.tmp);
	ccm_buf_init(&x.addr);
	ccm_csv_line_init(&x.multi);
	ccm_srcid_init(&x.id);
	ccm_srcid_init(&x.note);
	if ((rc = ccm_tz_open(&x.tz, o->time_zone, err)) < 0)
		goto done;
	if (!o->in_run && ((rc = ccm_store_run_start(s, "import", o->args ? o->args : pkl,
						      &run, err)) < 0 ||
			   (rc = ccm_store_run_source(s, NULL, o->policies, err)) < 0))
		goto done;
	if ((rc = ccm_iff_set_open(&x.set, pkl, &x.tee, err)) < 0)
		goto finish;
	if ((o->time_zone && (rc = record_zone(&x, o->time_zone)) < 0) ||
	    (rc = record_po(&x)) < 0)
		goto finish;
	{
		/* Forwarded messages an older store kept as text first; then
		 * this set's, read with its post office's settings (a line
		 * that cannot be read was reported by record_po). */
		unsigned long old = 0;
		const char *settings = ccm_iff_set_po_settings(x.set);

		if ((rc = ccm_forwards_unfold_store(s, &old, err)) < 0)
			goto finish;
		st->forwarded += old;
		if ((rc = ccm_forwards_open(&x.fw, s, settings, err)) < 0)
			goto finish;
	}
	{
		struct ccm_buf flag = CCM_BUF_INIT;

		if ((rc = ccm_store_meta_get(&flag, s, "unclaimed_messages", err)) < 0) {
			ccm_buf_release(&flag);
			goto finish;
		}
		x.claim = rc == 1;
		rc = 0;
		ccm_buf_release(&flag);
	}
	remove_stale_parts(&x);
	for (size_t i = 0; i < ccm_iff_set_count(x.set, CCM_IFF_PRIMARY); i++) {
		long long size = ccm_iff_set_file(x.set, CCM_IFF_PRIMARY, i)->size;

		x.pri_total += size > 0 ? (unsigned long long)size : 0;
	}
	for (x.pri_index = 0; rc >= 0 &&
	     x.pri_index < ccm_iff_set_count(x.set, CCM_IFF_PRIMARY); x.pri_index++) {
		const struct ccm_iff_section *sec;

		rc = ccm_iff_pri_open(&x.p, x.set, x.pri_index, err);
		if (rc == CCM_ENOTFOUND) {
			rc = 0;      /* reported when the set was opened */
			continue;
		}
		if (rc < 0)
			break;
		ccm_iff_pri_on_note(x.p, on_note, &x);
		while ((rc = ccm_iff_pri_next_section(x.p, &sec, err)) > 0) {
			/* Each section is one transaction: a run killed in the
			 * middle of one leaves none of it, and the ledger lets the
			 * next run pick up where this one stopped. */
			if ((rc = ccm_store_begin(s, err)) < 0)
				break;
			rc = section(&x, sec);
			if (rc < 0) {
				ccm_store_rollback(s, NULL);
				break;
			}
			if ((rc = ccm_store_commit(s, err)) < 0)
				break;
			progress(&x, sec->offset);
		}
		{
			long long size = ccm_iff_set_file(x.set, CCM_IFF_PRIMARY,
							  x.pri_index)->size;

			x.pri_before += size > 0 ? (unsigned long long)size : 0;
		}
		/* A row too long to read is skipped as surely as a bad one. */
		st->rows += (unsigned long)ccm_iff_pri_long_lines(x.p);
		st->rows_skipped += (unsigned long)ccm_iff_pri_long_lines(x.p);
		ccm_iff_pri_close(x.p);
		x.p = NULL;
	}
	if (rc >= 0)
		rc = recovery_close(&x);
	else
		recovery_close(&x);
	if (rc >= 0 && x.claim && (rc = ccm_store_unclaimed_left(s, err)) > 0)
		rc = 0;             /* some left: the next import goes on claiming */
	if (rc >= 0 && st->recovery[0])
		report(&x, CCM_WARNING, "recovery-file", 8002, 0, -1, NULL,
		       "errors occurred during the import; what was skipped is in the "
		       "recovery file %s: fix it and run 'ccmig import %s/%s'",
		       st->recovery, ccm_iff_set_dir(x.set), st->recovery);
	ccm_iff_set_close(x.set);
finish:
	if (!o->in_run) {
		struct ccm_store_count counts[] = {
			{ "sections", (long long)st->sections },
			{ "sections_skipped", (long long)st->sections_skipped },
			{ "rows", (long long)st->rows },
			{ "rows_skipped", (long long)st->rows_skipped },
			{ "rows_already", (long long)st->rows_already },
			{ "mailboxes_created", (long long)st->mailboxes_created },
			{ "custom_converted", (long long)st->converted },
			{ "messages", (long long)st->messages },
			{ "attachments", (long long)st->attachments },
			{ "messages_already", (long long)st->messages_already },
			{ "placed", (long long)st->placed },
			{ "left_out", (long long)st->left_out },
			{ "kept", (long long)st->kept },
			{ "users_left_out", (long long)st->users_left_out },
			{ "forwarded", (long long)st->forwarded },
		};
		ccm_store_run_finish(s, rc < 0 ? 2 : st->rows_skipped || st->sections_skipped,
				     counts, sizeof(counts) / sizeof(counts[0]), NULL);
	}
done:
	ccm_forwards_free(x.fw);
	ccm_tz_free(x.tz);
	ccm_buf_release(&x.body);
	ccm_buf_release(&x.subject);
	ccm_buf_release(&x.tmp);
	ccm_buf_release(&x.addr);
	ccm_csv_line_release(&x.multi);
	ccm_srcid_release(&x.id);
	ccm_srcid_release(&x.note);
	ccm_fp_seen_release(&x.seen);
	return rc < 0 ? rc : 0;
}
