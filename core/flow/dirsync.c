/* dirsync.c: the cc:Mail directory and public lists as custom recipients and distribution lists. */
#include "flow/dirsync.h"
#include "store/ledger.h"
#include "store/recipients.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ccmail/address.h"
#include "ccmail/names.h"

enum { DL_SAME = 0, DL_CREATED, DL_UPDATED };

struct ds {
	struct ccm_store *s;
	struct ccm_bundle *b;
	const struct ccm_dirsync_opts *o;
	struct ccm_dirsync_stats *st;
	struct ccm_report *rep;
	struct ccm_error *err;
	const char *po;                /* the bundle's post office */
	const char *lists_file;        /* for reports */
	long long *user_ids;           /* per directory entry: its recipient */
	long long *dl_ids;             /* per public list: its DL, 0 skipped */
	unsigned char *dl_state;       /* per public list: DL_* */
	long long *seen;               /* recipients this run found or made */
	size_t n_seen, cap_seen;
	struct ccm_buf addr, display, alias, first, last, office, phone, target;
};

static void report(struct ds *x, enum ccm_severity sev, const char *kind,
		   const char *file, long line, const char *user, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void report(struct ds *x, enum ccm_severity sev, const char *kind,
		   const char *file, long line, const char *user, const char *fmt, ...)
{
	struct ccm_diag d = { sev, kind, 0, file, line, -1, user, 0, NULL };
	va_list ap;

	va_start(ap, fmt);
	ccm_reportv(x->rep, &d, fmt, ap);
	va_end(ap);
}

static int oom(struct ds *x)
{
	return ccm_error_set(x->err, CCM_ENOMEM, "out of memory in directory synchronisation");
}

static int see(struct ds *x, long long id)
{
	if (x->n_seen == x->cap_seen) {
		size_t cap = x->cap_seen ? x->cap_seen * 2 : 256;
		long long *v = realloc(x->seen, cap * sizeof(*v));
		if (!v)
			return oom(x);
		x->seen = v;
		x->cap_seen = cap;
	}
	x->seen[x->n_seen++] = id;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* The post office of a user entry: the bundle's for L and R, Addr for l and r. */
static const char *entry_po(struct ds *x, const struct ccm_dir_entry *e)
{
	if (e->location == 'L' || e->location == 'R')
		return x->po;
	return e->addr && *e->addr ? e->addr : NULL;
}

/* Fills r with what the directory says of user entry e (strings in x's buffers). */
static void user_data(struct ds *x, const struct ccm_dir_entry *e, const char *po,
		      struct ccm_recipient *r)
{
	memset(r, 0, sizeof(*r));
	ccm_buf_reset(&x->target);
	ccm_dirsync_display(&x->display, x->o->display_rule, e->name);
	ccm_name_split(e->name, &x->first, &x->last);
	ccm_store_comments_split(e->comments, &x->office, &x->phone);
	ccm_buf_addf(&x->target, "CCMAIL:%s at %s", e->name, po);
	r->kind = CCM_RECIP_CUSTOM;
	r->display_name = x->display.ptr;
	r->first_name = x->first.len ? x->first.ptr : NULL;
	r->last_name = x->last.len ? x->last.ptr : NULL;
	r->target = x->target.ptr;
	r->comments = e->comments && *e->comments ? e->comments : NULL;
	r->office = x->office.len ? x->office.ptr : NULL;
	r->phone = x->phone.len ? x->phone.ptr : NULL;
	r->ccmail_name = e->name;
	r->ccmail_location = e->location;
	r->ccmail_po = po;
}

/* Creates recipient r with a unique alias from `base` and its primary
 * address type:text. */
static int create(struct ds *x, struct ccm_recipient *r, const char *base,
		  const char *type, const char *text, long long *id)
{
	int rc;

	if ((rc = ccm_store_unique_alias(&x->alias, x->s, base, x->err)) < 0)
		return rc;
	r->alias = x->alias.ptr;
	r->dirsync_po = x->po;
	if ((rc = ccm_store_recipient_create(x->s, r, id, x->err)) < 0)
		return rc;
	rc = ccm_store_address_add(x->s, *id, type, text, 1, x->err);
	return rc < 0 ? rc : 0;
}

static int sync_user(struct ds *x, size_t i)
{
	const struct ccm_dir_entry *e = &x->b->dir.entries[i];
	const char *po = entry_po(x, e);
	struct ccm_recipient r, old;
	long long id = 0;
	int kind = 0, rc;

	x->st->users++;
	if (!po) {
		x->st->skipped++;
		report(x, CCM_WARNING, "missing-post-office", e->name, e->line, e->name,
		       "user '%s' (location %c) has no Addr: its post office is not "
		       "known, so it gets no custom recipient; add 'Addr: <PO>' to "
		       "its directory entry", e->name, e->location);
		return 0;
	}
	ccm_buf_reset(&x->addr);
	ccm_buf_addf(&x->addr, "CCMAIL:%s at %s", e->name, po);
	if ((rc = ccm_store_find_source(x->s, x->addr.ptr, &id, &kind, x->err)) < 0)
		return rc;
	user_data(x, e, po, &r);
	if (id == 0) {
		ccm_dirsync_alias(&x->alias, x->o->alias_rule, e->name, e->comments);
		{
			char *base = ccm_strdup(x->alias.ptr);
			if (!base)
				return oom(x);
			rc = create(x, &r, base, "CCMAIL", x->addr.ptr + 7, &id);
			free(base);
		}
		if (rc < 0)
			return rc;
		x->st->created++;
	} else if (kind == CCM_RECIP_MAILBOX) {
		/* Migrated already: the mailbox is the target system's own. */
		x->st->mailboxes++;
	} else if (kind != CCM_RECIP_CUSTOM) {
		x->st->skipped++;
		report(x, CCM_ERROR, "address-conflict", NULL, e->line, e->name,
		       "user '%s': its address %s is held by a %s of the store, "
		       "not a custom recipient; the user is not synchronised (event "
		       "238): give the %s another address", e->name, x->addr.ptr,
		       ccm_recip_kind_name(kind), ccm_recip_kind_name(kind));
		return 0;
	} else {
		if ((rc = ccm_store_recipient_get(&old, x->s, id, x->err)) < 0)
			return rc;
		/* The user's home post office (L, R) owns its recipient; a
		 * post office that only lists it (l, r) updates it only when
		 * it made it, so two dirsyncs never take turns rewriting it. */
		if (e->location == 'L' || e->location == 'R' ||
		    (old.dirsync_po && !strcasecmp(old.dirsync_po, x->po))) {
			r.id = id;
			if (e->location == 'L' || e->location == 'R')
				r.dirsync_po = x->po;
			rc = ccm_store_recipient_update(x->s, &r, x->err);
			if (rc >= 0) {
				int a = ccm_store_address_add(x->s, id, "CCMAIL",
							      x->addr.ptr + 7, 1, x->err);
				if (a < 0)
					rc = a;
			}
		} else {
			rc = 0;
		}
		ccm_recipient_release(&old);
		if (rc < 0)
			return rc;
		if (rc == 1)
			x->st->updated++;
		else
			x->st->unchanged++;
	}
	x->user_ids[i] = id;
	return see(x, id);
}

/* A list's alias: its name in ASCII letters and digits, lower case. */
static void list_alias(const char *name, struct ccm_buf *out)
{
	ccm_alias_clean(out, name, "list");
}

static int sync_list(struct ds *x, size_t i)
{
	const struct ccm_list *l = &x->b->lists.v[i];
	struct ccm_recipient r;
	long long id = 0;
	int kind = 0, rc;

	x->st->lists++;
	if (!l->name || !*l->name) {
		report(x, CCM_WARNING, "unnamed-list", x->lists_file, l->line, NULL,
		       "a list without a name is not synchronised");
		return 0;
	}
	ccm_buf_reset(&x->addr);
	ccm_buf_addf(&x->addr, "%s at %s", l->name, x->po);
	if ((rc = ccm_store_find_address(x->s, "CCMAIL", x->addr.ptr, &id, &kind,
					 x->err)) < 0)
		return rc;
	memset(&r, 0, sizeof(r));
	r.kind = CCM_RECIP_DL;
	r.display_name = l->name;
	r.comments = l->comments && *l->comments ? l->comments : NULL;
	r.ccmail_name = l->name;
	r.ccmail_po = x->po;
	if (id == 0) {
		char *base;

		list_alias(l->name, &x->alias);
		if (!(base = ccm_strdup(x->alias.ptr)))
			return oom(x);
		rc = create(x, &r, base, "CCMAIL", x->addr.ptr, &id);
		free(base);
		if (rc < 0)
			return rc;
		x->st->dl_created++;
		x->dl_state[i] = DL_CREATED;
	} else if (kind != CCM_RECIP_DL) {
		report(x, CCM_ERROR, "address-conflict", x->lists_file, l->line, NULL,
		       "list '%s': its address CCMAIL:%s is held by a %s of the "
		       "store; the list is not synchronised (event 238)", l->name,
		       x->addr.ptr, ccm_recip_kind_name(kind));
		return 0;
	} else {
		r.id = id;
		r.dirsync_po = x->po;
		if ((rc = ccm_store_recipient_update(x->s, &r, x->err)) < 0)
			return rc;
		if (rc == 1)
			x->dl_state[i] = DL_UPDATED;
	}
	x->dl_ids[i] = id;
	return see(x, id);
}

/* The public list named `name` (any case), or -1. */
static long find_list(struct ds *x, const char *name)
{
	for (size_t i = 0; i < x->b->lists.len; i++)
		if (x->b->lists.v[i].name &&
		    !ccm_name_cmp(x->b->lists.v[i].name, strlen(x->b->lists.v[i].name),
				  name, strlen(name)))
			return (long)i;
	return -1;
}

/*
 * A custom recipient for an address outside cc:Mail (SMTP, or a foreign
 * [TYPE:address]): found by that address, or made. `ccmail` is the
 * address as cc:Mail wrote it, kept as a secondary CCMAIL address.
 */
static int contact(struct ds *x, const char *type, const char *text,
		   const char *display, const char *ccmail, long long *id)
{
	struct ccm_recipient r;
	struct ccm_buf target = CCM_BUF_INIT, local = CCM_BUF_INIT, base = CCM_BUF_INIT;
	int kind, rc;

	if ((rc = ccm_store_find_address(x->s, type, text, id, &kind, x->err)) != 0)
		return rc < 0 ? rc : 0;
	memset(&r, 0, sizeof(r));
	r.kind = CCM_RECIP_CUSTOM;
	r.display_name = display && *display ? display : text;
	ccm_buf_addf(&target, "%s:%s", type, text);
	ccm_buf_add(&local, text, strcspn(text, "@"));
	list_alias(local.ptr, &base);
	r.target = target.ptr;
	rc = create(x, &r, base.ptr, type, text, id);
	if (rc == 0 && ccmail) {
		rc = ccm_store_address_add(x->s, *id, "CCMAIL", ccmail, 0, x->err);
		/* Someone else answering to that cc:Mail address is not this
		 * contact's business: the SMTP address is what matters. */
		if (rc == CCM_EEXISTS)
			rc = 0;
		rc = rc < 0 ? rc : 0;
	}
	if (rc == 0)
		x->st->contacts++;
	ccm_buf_release(&target);
	ccm_buf_release(&local);
	ccm_buf_release(&base);
	return rc;
}

/* The recipient a directory entry stands for, following one alias. */
static long long entry_recipient(struct ds *x, const struct ccm_dir_entry *e, int depth)
{
	struct ccm_addr a;
	long long id = 0;
	const struct ccm_dir_entry *t;

	if (ccm_dir_entry_is_user(e))
		return x->user_ids[e - x->b->dir.entries];
	if ((e->location != 'A' && e->location != 'a') || depth > 0 || !e->addr)
		return 0;
	if (ccm_addr_parse(&a, e->addr, strlen(e->addr), &x->b->dir, x->po, x->po) < 0)
		return -1;
	if (a.kind == CCM_ADDR_USER && a.resolved && a.name &&
	    (t = ccm_directory_find(&x->b->dir, a.name, strlen(a.name))))
		id = entry_recipient(x, t, depth + 1);
	ccm_addr_release(&a);
	return id;
}

/* What member text m is: *id, 0 when it resolves to nothing. */
static int resolve(struct ds *x, const char *m, long long *id)
{
	struct ccm_addr a;
	const struct ccm_dir_entry *e;
	struct ccm_buf fmt = CCM_BUF_INIT;
	long li;
	int rc = 0;

	*id = 0;
	if (ccm_addr_parse(&a, m, strlen(m), &x->b->dir, x->po, x->po) < 0)
		return oom(x);
	switch (a.kind) {
	case CCM_ADDR_USER:
		if (a.resolved && a.name &&
		    (e = ccm_directory_find(&x->b->dir, a.name, strlen(a.name)))) {
			long long r = entry_recipient(x, e, 0);
			if (r < 0)
				rc = oom(x);
			else
				*id = r;
			break;
		}
		if (a.name && *a.name && (li = find_list(x, a.name)) >= 0) {
			*id = x->dl_ids[li];
			break;
		}
		/* Perhaps another post office's dirsync made it. */
		if (a.name && *a.name && a.po) {
			ccm_buf_addf(&fmt, "%s at %s", a.name, a.po);
			rc = ccm_store_find_address(x->s, "CCMAIL", fmt.ptr, id, NULL, x->err);
		}
		rc = rc < 0 ? rc : 0;
		break;
	case CCM_ADDR_SMTP:
		ccm_addr_format(&fmt, &a);
		rc = contact(x, "SMTP", a.name, a.name, a.po ? fmt.ptr : NULL, id);
		break;
	case CCM_ADDR_FOREIGN:
		if (a.ftype && a.faddr) {
			ccm_addr_format(&fmt, &a);
			rc = contact(x, a.ftype, a.faddr, a.name,
				     a.po ? fmt.ptr : NULL, id);
		}
		break;
	default:
		break;
	}
	ccm_addr_release(&a);
	ccm_buf_release(&fmt);
	return rc;
}

static int sync_members(struct ds *x, size_t i)
{
	const struct ccm_list *l = &x->b->lists.v[i];
	long long dl = x->dl_ids[i];
	long long *want = NULL, *have = NULL;
	size_t n_want = 0, n_have = 0, cap_have = 0;
	struct ccm_store_cursor *c = NULL;
	struct ccm_recipient r;
	int changed = 0, rc = 0;

	if (!dl)
		return 0;
	if (l->n_members && !(want = malloc(l->n_members * sizeof(*want))))
		return oom(x);
	for (size_t k = 0; rc == 0 && k < l->n_members; k++) {
		long long id;

		if ((rc = resolve(x, l->members[k], &id)) < 0)
			break;
		if (id == dl) {
			report(x, CCM_WARNING, "self-member", x->lists_file, l->line, NULL,
			       "list '%s' names itself as a member; left out",
			       l->name);
		} else if (id > 0) {
			want[n_want++] = id;
			rc = see(x, id);
		} else {
			x->st->unresolved++;
			report(x, CCM_WARNING, "unresolved-member", x->lists_file, l->line,
			       NULL, "member '%s' of list '%s' is not a user, list "
			       "or address the directory knows: it is not in the "
			       "distribution list; add it by hand, or correct the "
			       "member in the list", l->members[k], l->name);
		}
	}
	if (rc == 0)
		rc = ccm_store_dl_members(&c, x->s, dl, x->err);
	while (rc == 0 && (rc = ccm_store_next_recipient(c, &r, x->err)) == 1) {
		if (n_have == cap_have) {
			size_t cap = cap_have ? cap_have * 2 : 16;
			long long *v = realloc(have, cap * sizeof(*v));
			if (!v) {
				rc = oom(x);
				break;
			}
			have = v;
			cap_have = cap;
		}
		have[n_have++] = r.id;
		rc = 0;
	}
	ccm_store_cursor_free(c);
	if (rc == 0) {
		if (n_want)
			qsort(want, n_want, sizeof(*want), cmp_id);
		for (size_t k = 0; rc == 0 && k < n_have; k++)
			if (!n_want || !bsearch(&have[k], want, n_want, sizeof(*want), cmp_id)) {
				rc = ccm_store_dl_remove(x->s, dl, have[k], x->err);
				if (rc == 1) {
					x->st->members_removed++;
					changed = 1;
					rc = 0;
				}
			}
		for (size_t k = 0; rc == 0 && k < n_want; k++) {
			if (k && want[k] == want[k - 1])
				continue;
			x->st->members++;
			rc = ccm_store_dl_add(x->s, dl, want[k], x->err);
			if (rc == 0) {
				x->st->members_added++;
				changed = 1;
			}
			rc = rc < 0 ? rc : 0;
		}
	}
	if (rc == 0 && changed && x->dl_state[i] == DL_SAME)
		x->dl_state[i] = DL_UPDATED;
	free(want);
	free(have);
	return rc;
}

/* Reports recipients an earlier dirsync of this post office made that
 * this one did not meet. */
static int report_stale(struct ds *x)
{
	struct ccm_store_cursor *c;
	struct ccm_recipient r;
	int rc;

	if (x->n_seen)
		qsort(x->seen, x->n_seen, sizeof(*x->seen), cmp_id);
	if ((rc = ccm_store_recipients(&c, x->s, 0, x->err)) < 0)
		return rc;
	while ((rc = ccm_store_next_recipient(c, &r, x->err)) == 1) {
		if ((r.kind != CCM_RECIP_CUSTOM && r.kind != CCM_RECIP_DL) ||
		    !r.dirsync_po || strcasecmp(r.dirsync_po, x->po) ||
		    (x->n_seen && bsearch(&r.id, x->seen, x->n_seen, sizeof(*x->seen),
					  cmp_id)))
			continue;
		x->st->stale++;
		report(x, CCM_NOTE, "stale-recipient", NULL, 0, r.ccmail_name,
		       "%s '%s' (alias %s) was made by an earlier directory "
		       "synchronisation of %s and is no longer in its directory "
		       "or lists; it is kept: delete it by hand if it is gone for good",
		       r.kind == CCM_RECIP_DL ? "distribution list" : "custom recipient",
		       r.display_name, r.alias, x->po);
	}
	ccm_store_cursor_free(c);
	return rc;
}

/* One more user or list done. */
static void progress(const struct ccm_dirsync_opts *o, struct ccm_progress_at *at)
{
	at->done++;
	if (o->progress)
		o->progress(o->progress_ctx, at);
}

int ccm_dirsync_bundle(struct ccm_store *s, struct ccm_bundle *b,
		       const struct ccm_dirsync_opts *o,
		       struct ccm_dirsync_stats *st, struct ccm_report *rep,
		       struct ccm_error *err)
{
	static const struct ccm_dirsync_opts defaults = { NULL, NULL, NULL, NULL };
	struct ccm_progress_at at = { 0, 0, 0, 0 };
	struct ds x;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	memset(&x, 0, sizeof(x));
	x.s = s;
	x.b = b;
	x.o = o ? o : &defaults;
	x.st = st;
	x.rep = rep;
	x.err = err;
	x.po = b->manifest.post_office;
	x.lists_file = b->manifest.lists ? b->manifest.lists : "lists.exp";
	if ((x.o->display_rule && (rc = ccm_dirsync_rule_check(x.o->display_rule, err)) < 0) ||
	    (x.o->alias_rule && (rc = ccm_dirsync_rule_check(x.o->alias_rule, err)) < 0))
		return rc;
	x.user_ids = calloc(b->dir.len + 1, sizeof(*x.user_ids));
	x.dl_ids = calloc(b->lists.len + 1, sizeof(*x.dl_ids));
	x.dl_state = calloc(b->lists.len + 1, 1);
	if (!x.user_ids || !x.dl_ids || !x.dl_state)
		rc = oom(&x);
	at.total = b->lists.len;
	for (size_t i = 0; i < b->dir.len; i++)
		at.total += !b->dir.duplicate[i] && ccm_dir_entry_is_user(&b->dir.entries[i]);
	for (size_t i = 0; rc == 0 && i < b->dir.len; i++)
		if (!b->dir.duplicate[i] && ccm_dir_entry_is_user(&b->dir.entries[i])) {
			rc = sync_user(&x, i);
			progress(x.o, &at);
		}
	/* All lists first, so that a list can name a list that comes later. */
	for (size_t i = 0; rc == 0 && i < b->lists.len; i++)
		rc = sync_list(&x, i);
	for (size_t i = 0; rc == 0 && i < b->lists.len; i++) {
		rc = sync_members(&x, i);
		if (x.dl_state[i] == DL_UPDATED)
			st->dl_updated++;
		progress(x.o, &at);
	}
	if (rc == 0)
		rc = report_stale(&x);
	free(x.user_ids);
	free(x.dl_ids);
	free(x.dl_state);
	free(x.seen);
	ccm_buf_release(&x.addr);
	ccm_buf_release(&x.display);
	ccm_buf_release(&x.alias);
	ccm_buf_release(&x.first);
	ccm_buf_release(&x.last);
	ccm_buf_release(&x.office);
	ccm_buf_release(&x.phone);
	ccm_buf_release(&x.target);
	return rc;
}

int ccm_dirsync_run(struct ccm_store *s, const char *po_dir,
		    const struct ccm_dirsync_opts *o, struct ccm_dirsync_stats *st,
		    struct ccm_report *rep, struct ccm_error *err)
{
	struct ccm_store_sink k;
	struct ccm_bundle *b = NULL;
	struct ccm_error fin;
	long long run;
	int rc, status;

	memset(st, 0, sizeof(*st));
	ccm_store_sink_init(&k, s, rep);
	if ((rc = ccm_store_run_start(s, "dirsync", po_dir, &run, err)) < 0)
		return rc;
	rc = ccm_bundle_open(&b, po_dir, &k.report, err);
	if (rc == 0 && (rc = ccm_store_begin(s, err)) == 0) {
		rc = ccm_dirsync_bundle(s, b, o, st, &k.report, err);
		if (rc == 0)
			rc = ccm_store_commit(s, err);
		else
			ccm_store_rollback(s, NULL);
	}
	if (rc < 0) {
		/* The failure itself is an event of the run; nothing of the
		 * synchronisation was kept. */
		struct ccm_diag d = { CCM_ERROR, "failed", 0, NULL, 0, -1, NULL, 0,
				      err ? err->msg : "failed" };
		struct ccm_error ignored;

		memset(st, 0, sizeof(*st));
		ccm_store_event(s, &d, &ignored);
		st->run_id = run;
	}
	status = rc < 0 ? 2 : (k.report.counts[CCM_ERROR] ||
			       k.report.counts[CCM_WARNING]) ? 1 : 0;
	{
		const struct ccm_store_count counts[] = {
			{ "users", (long long)st->users },
			{ "custom_created", (long long)st->created },
			{ "custom_updated", (long long)st->updated },
			{ "custom_unchanged", (long long)st->unchanged },
			{ "mailboxes_left", (long long)st->mailboxes },
			{ "users_skipped", (long long)st->skipped },
			{ "lists", (long long)st->lists },
			{ "dl_created", (long long)st->dl_created },
			{ "dl_updated", (long long)st->dl_updated },
			{ "members", (long long)st->members },
			{ "members_added", (long long)st->members_added },
			{ "members_removed", (long long)st->members_removed },
			{ "contacts_created", (long long)st->contacts },
			{ "members_unresolved", (long long)st->unresolved },
			{ "stale", (long long)st->stale },
			{ "errors", (long long)k.report.counts[CCM_ERROR] },
			{ "warnings", (long long)k.report.counts[CCM_WARNING] },
			{ "notes", (long long)k.report.counts[CCM_NOTE] },
		};
		int frc = ccm_store_run_finish(s, status, counts,
					       sizeof(counts) / sizeof(counts[0]),
					       rc < 0 ? &fin : err);
		if (rc == 0 && frc < 0)
			rc = frc;
	}
	if (rc == 0 && k.rc < 0) {
		/* An event that could not be recorded: say so, it is lost. */
		rc = ccm_error_set(err, k.rc, "%s", k.err.msg);
	}
	st->run_id = run;
	ccm_bundle_free(b);
	return rc < 0 ? rc : status;
}
