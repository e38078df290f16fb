/* lists.c: reading public mailing lists and private address books. */
#include "ccmail/lists.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum current { CUR_NONE = 0, CUR_LIST, CUR_ENTRY };

struct lread {
	const char *display;
	struct ccm_report *rep;
	struct ccm_error *err;
	int pab;                     /* reading a PAB: Entry: blocks allowed */
	struct ccm_list **lists;     /* where lists go, and their count */
	size_t *n_lists;
	struct ccm_pab_entry **entries;
	size_t *n_entries;
	enum current cur;
	long stray_line;             /* first line of a run not in any record */
	long long stray_offset;
	size_t n_stray;
};

static void warn(struct lread *r, const char *kind, long line, long long offset,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void warn(struct lread *r, const char *kind, long line, long long offset,
		 const char *fmt, ...)
{
	struct ccm_diag d = {
		.severity = CCM_WARNING, .kind = kind, .file = r->display,
		.line = line, .offset = offset,
	};
	va_list ap;

	va_start(ap, fmt);
	ccm_reportv(r->rep, &d, fmt, ap);
	va_end(ap);
}

/*
 * Makes room for one more element in an array that only ever grows here:
 * the capacity is implied by the count (8, then powers of two), so the
 * public structs need no capacity fields. Returns the (possibly moved)
 * array, or NULL when out of memory (v is then still valid).
 */
static void *grow(void *v, size_t n, size_t size)
{
	if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
		return v;
	return realloc(v, (n == 0 ? 8 : n * 2) * size);
}

void ccm_list_release(struct ccm_list *l)
{
	free(l->name);
	free(l->comments);
	for (size_t i = 0; i < l->n_members; i++)
		free(l->members[i]);
	free(l->members);
	memset(l, 0, sizeof(*l));
}

void ccm_lists_release(struct ccm_lists *l)
{
	for (size_t i = 0; i < l->len; i++)
		ccm_list_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void ccm_pab_release(struct ccm_pab *p)
{
	for (size_t i = 0; i < p->n_entries; i++) {
		free(p->entries[i].name);
		free(p->entries[i].addr);
		free(p->entries[i].comments);
	}
	free(p->entries);
	for (size_t i = 0; i < p->n_lists; i++)
		ccm_list_release(&p->lists[i]);
	free(p->lists);
	memset(p, 0, sizeof(*p));
}

/* Reports a run of lines that belonged to no record, once for the run. */
static void flush_stray(struct lread *r)
{
	if (!r->n_stray)
		return;
	warn(r, "stray-lines", r->stray_line, r->stray_offset,
	     "%zu line(s) ignored: they are not in %s; each record begins with %s",
	     r->n_stray, r->pab ? "an 'Entry:' or 'List:' record" : "a 'List:' block",
	     r->pab ? "'Entry: <name>' or 'List: <name>'" : "'List: <name>'");
	r->n_stray = 0;
}

/* Ends the current record, reporting what it lacks. */
static void finish_record(struct lread *r)
{
	if (r->cur == CUR_ENTRY) {
		struct ccm_pab_entry *e = &(*r->entries)[*r->n_entries - 1];

		if (!e->addr)
			warn(r, "incomplete-entry", e->line, -1,
			     "private address '%s' has no 'Addr:'; it is kept with "
			     "its name only", e->name);
	}
	r->cur = CUR_NONE;
}

static int oom(struct lread *r, const struct ccm_kv *kv)
{
	return ccm_error_set(r->err, CCM_ENOMEM, "out of memory reading '%s' at line %ld",
			     r->display, kv->line);
}

static int start_list(struct lread *r, const struct ccm_kv *kv)
{
	struct ccm_list *l;

	l = grow(*r->lists, *r->n_lists, sizeof(**r->lists));
	if (!l)
		return oom(r, kv);
	*r->lists = l;
	l += *r->n_lists;
	memset(l, 0, sizeof(*l));
	l->line = kv->line;
	if (!(l->name = ccm_strdup(kv->value)))
		return oom(r, kv);
	(*r->n_lists)++;
	r->cur = CUR_LIST;
	if (!kv->value[0])
		warn(r, "empty-name", kv->line, kv->offset,
		     "list without a name kept as ''; name it in cc:Mail and export again");
	return 0;
}

static int start_entry(struct lread *r, const struct ccm_kv *kv)
{
	struct ccm_pab_entry *e;

	e = grow(*r->entries, *r->n_entries, sizeof(**r->entries));
	if (!e)
		return oom(r, kv);
	*r->entries = e;
	e += *r->n_entries;
	memset(e, 0, sizeof(*e));
	e->line = kv->line;
	if (!(e->name = ccm_strdup(kv->value)))
		return oom(r, kv);
	(*r->n_entries)++;
	r->cur = CUR_ENTRY;
	if (!kv->value[0])
		warn(r, "empty-name", kv->line, kv->offset,
		     "private address without a name kept as ''");
	return 0;
}

static int add_member(struct lread *r, struct ccm_list *l, const struct ccm_kv *kv)
{
	char **m;

	if (!kv->value[0]) {
		warn(r, "empty-member", kv->line, kv->offset,
		     "empty 'Member:' of list '%s' ignored", l->name);
		return 0;
	}
	/* The whole value is one member: "Smith, John" is never split (Q214838). */
	m = grow(l->members, l->n_members, sizeof(*l->members));
	if (!m)
		return oom(r, kv);
	l->members = m;
	if (!(m[l->n_members] = ccm_strdup(kv->value)))
		return oom(r, kv);
	l->n_members++;
	return 0;
}

/* Sets a once-only field, reporting a second value (the first is kept). */
static int set_once(struct lread *r, char **field, const char *owner,
		    const struct ccm_kv *kv)
{
	if (*field) {
		warn(r, "duplicate-keyword", kv->line, kv->offset,
		     "second '%s:' of '%s' ignored: '%s'", kv->key, owner, kv->value);
		return 0;
	}
	if (!(*field = ccm_strdup(kv->value)))
		return oom(r, kv);
	return 0;
}

static int take_kv(struct lread *r, const struct ccm_kv *kv)
{
	struct ccm_list *l = r->cur == CUR_LIST ? &(*r->lists)[*r->n_lists - 1] : NULL;
	struct ccm_pab_entry *e = r->cur == CUR_ENTRY ?
		&(*r->entries)[*r->n_entries - 1] : NULL;

	if (!strcasecmp(kv->key, "List")) {
		flush_stray(r);
		finish_record(r);
		return start_list(r, kv);
	}
	if (r->pab && !strcasecmp(kv->key, "Entry")) {
		flush_stray(r);
		finish_record(r);
		return start_entry(r, kv);
	}
	if (r->cur == CUR_NONE) {
		if (r->n_stray++ == 0) {
			r->stray_line = kv->line;
			r->stray_offset = kv->offset;
		}
		return 0;
	}
	if (l && !strcasecmp(kv->key, "Member"))
		return add_member(r, l, kv);
	if (!strcasecmp(kv->key, "Comments"))
		return set_once(r, l ? &l->comments : &e->comments,
				l ? l->name : e->name, kv);
	if (e && !strcasecmp(kv->key, "Addr"))
		return set_once(r, &e->addr, e->name, kv);
	warn(r, "unknown-keyword", kv->line, kv->offset,
	     "'%s: %s' in %s '%s' ignored: %s", kv->key, kv->value,
	     l ? "list" : "private address", l ? l->name : e->name,
	     l ? "a list holds Comments and Member lines" :
		 "a private address holds Addr and Comments lines");
	return 0;
}

static int on_block(void *ctx, const struct ccm_kvblock *b)
{
	struct lread *r = ctx;
	int rc = 0;

	for (size_t i = 0; i < b->len && rc == 0; i++)
		rc = take_kv(r, &b->kv[i]);
	flush_stray(r);
	finish_record(r);
	return rc;
}

static int read_file(struct lread *r, const char *path, struct ccm_cp *cp,
		     const char *hint)
{
	int rc = ccm_kvfile_read(path, r->display, cp, r->rep, on_block, r, r->err);

	if (rc == CCM_ENOTFOUND && r->err) {
		size_t n = strlen(r->err->msg);

		snprintf(r->err->msg + n, sizeof(r->err->msg) - n, "; %s", hint);
	}
	return rc;
}

int ccm_lists_read(struct ccm_lists *out, const char *path, const char *display,
		   struct ccm_cp *cp, struct ccm_report *rep,
		   struct ccm_error *err)
{
	struct lread r = {
		.display = display ? display : path, .rep = rep, .err = err,
		.lists = &out->v, .n_lists = &out->len,
	};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = read_file(&r, path, cp, "check 'Lists:' in po.txt, or remove it "
		       "when the post office has no public lists");
	if (rc < 0)
		ccm_lists_release(out);
	return rc;
}

int ccm_pab_read(struct ccm_pab *out, const char *path, const char *display,
		 struct ccm_cp *cp, struct ccm_report *rep,
		 struct ccm_error *err)
{
	struct lread r = {
		.display = display ? display : path, .rep = rep, .err = err,
		.pab = 1, .lists = &out->lists, .n_lists = &out->n_lists,
		.entries = &out->entries, .n_entries = &out->n_entries,
	};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = read_file(&r, path, cp, "check the 'Private:' line of this user in po.txt");
	if (rc < 0)
		ccm_pab_release(out);
	return rc;
}
