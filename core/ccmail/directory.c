/* directory.c: the post office directory and its case-insensitive name index. */
#include "ccmail/directory.h"
#include "base/utf8.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * The next character of a name, folded; a byte that is not valid UTF-8
 * stands for itself, out of the range of code points, so that it compares
 * equal only to the same byte.
 */
static unsigned long next_folded(const unsigned char **pp, const unsigned char *e)
{
	unsigned long c;
	int n = ccm_utf8_decode(*pp, e, &c);

	if (n == 0)
		return 0x110000UL + *(*pp)++;
	*pp += n;
	return ccm_utf8_fold(c);
}

int ccm_name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	const unsigned char *p = (const unsigned char *)a, *pe = p + alen;
	const unsigned char *q = (const unsigned char *)b, *qe = q + blen;

	while (p < pe && q < qe) {
		unsigned long x = next_folded(&p, pe), y = next_folded(&q, qe);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return (p < pe) - (q < qe);
}

unsigned long ccm_name_hash(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + len;
	unsigned long h = 2166136261UL;

	/* FNV-1a over the folded characters. */
	while (p < e) {
		unsigned long c = next_folded(&p, e);

		for (int i = 0; i < 3; i++) {
			h ^= (c >> (8 * i)) & 0xFF;
			h *= 16777619UL;
		}
	}
	return h;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **s, size_t *len)
{
	while (*len > 0 && is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && is_space((*s)[*len - 1]))
		(*len)--;
}

int ccm_dir_entry_is_local_user(const struct ccm_dir_entry *e)
{
	return e->location == 'L' || e->location == 'R';
}

int ccm_dir_entry_is_user(const struct ccm_dir_entry *e)
{
	return e->location == 'L' || e->location == 'l' ||
	       e->location == 'R' || e->location == 'r';
}

/* The slot of `name` in the index: where it is, or the empty slot for it. */
static size_t index_slot(const struct ccm_directory *d, const char *name,
			 size_t len)
{
	size_t mask = d->index_cap - 1;
	size_t i = (size_t)ccm_name_hash(name, len) & mask;

	while (d->index[i]) {
		const struct ccm_dir_entry *e = &d->entries[d->index[i] - 1];

		if (ccm_name_cmp(e->name, strlen(e->name), name, len) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* Keeps the index at most half full, so probes stay short. */
static int index_grow(struct ccm_directory *d)
{
	size_t *old = d->index, old_cap = d->index_cap, cap;

	if ((d->len + 1) * 2 <= d->index_cap)
		return 0;
	cap = d->index_cap ? d->index_cap * 2 : 64;
	while (cap < (d->len + 1) * 2)
		cap *= 2;
	d->index = calloc(cap, sizeof(*d->index));
	if (!d->index) {
		d->index = old;
		return CCM_ENOMEM;
	}
	d->index_cap = cap;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i]) {
			const char *n = d->entries[old[i] - 1].name;
			d->index[index_slot(d, n, strlen(n))] = old[i];
		}
	}
	free(old);
	return 0;
}

/*
 * Appends *e (taking its strings) and indexes it. Returns the index of the
 * earlier entry it duplicates plus one, 0 when it is new, or CCM_ENOMEM
 * (then *e is left to the caller).
 */
static long long append(struct ccm_directory *d, struct ccm_dir_entry *e)
{
	size_t nlen = strlen(e->name), slot;

	if (d->len == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 32;
		struct ccm_dir_entry *v = realloc(d->entries, cap * sizeof(*v));
		unsigned char *dup;

		if (!v)
			return CCM_ENOMEM;
		d->entries = v;
		dup = realloc(d->duplicate, cap);
		if (!dup)
			return CCM_ENOMEM;
		d->duplicate = dup;
		d->cap = cap;
	}
	if (index_grow(d) < 0)
		return CCM_ENOMEM;
	slot = index_slot(d, e->name, nlen);
	d->entries[d->len] = *e;
	d->duplicate[d->len] = d->index[slot] != 0;
	d->len++;
	if (nlen > d->max_name)
		d->max_name = nlen;
	if (d->index[slot])
		return (long long)d->index[slot];
	d->index[slot] = d->len;
	return 0;
}

static void entry_release(struct ccm_dir_entry *e)
{
	free(e->name);
	free(e->addr);
	free(e->comments);
	free(e->fan);
	for (size_t i = 0; i < e->n_extra; i++) {
		free(e->extra[i].key);
		free(e->extra[i].value);
	}
	free(e->extra);
	memset(e, 0, sizeof(*e));
}

static char *dup_opt(const char *s)
{
	return s ? ccm_strdup(s) : NULL;
}

int ccm_directory_add(struct ccm_directory *d, const char *name, char location,
		      const char *addr, const char *comments)
{
	struct ccm_dir_entry e = { .location = location, .offset = -1 };
	size_t len;

	assert(name);
	len = strlen(name);
	trim(&name, &len);
	e.name = ccm_strndup(name, len);
	e.addr = dup_opt(addr);
	e.comments = dup_opt(comments);
	if (!e.name || (addr && !e.addr) || (comments && !e.comments) ||
	    append(d, &e) < 0) {
		entry_release(&e);
		return CCM_ENOMEM;
	}
	return 0;
}

const struct ccm_dir_entry *ccm_directory_find(const struct ccm_directory *d,
					       const char *name, size_t len)
{
	size_t slot;

	if (!d || !d->index_cap)
		return NULL;
	trim(&name, &len);
	if (len > d->max_name)
		return NULL;
	slot = index_slot(d, name, len);
	return d->index[slot] ? &d->entries[d->index[slot] - 1] : NULL;
}

struct dread {
	struct ccm_directory *d;
	const char *display;
	struct ccm_report *rep;
	struct ccm_error *err;
};

static void warn(struct dread *r, const char *kind, long line, long long offset,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void warn(struct dread *r, const char *kind, long line, long long offset,
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

/* Takes the first Name, Location, Addr, Comments and FAN; the rest is extra. */
static int fill_entry(struct ccm_dir_entry *e, const struct ccm_kvblock *b)
{
	for (size_t i = 0; i < b->len; i++) {
		const struct ccm_kv *kv = &b->kv[i];
		char **slot = NULL;
		struct ccm_kv *x;

		if (!strcasecmp(kv->key, "Name"))
			slot = &e->name;
		else if (!strcasecmp(kv->key, "Addr"))
			slot = &e->addr;
		else if (!strcasecmp(kv->key, "Comments"))
			slot = &e->comments;
		else if (!strcasecmp(kv->key, "FAN"))
			slot = &e->fan;
		else if (!strcasecmp(kv->key, "Location") && !e->location && kv->value[0]) {
			e->location = kv->value[0];
			continue;
		}
		if (slot && !*slot) {
			if (!(*slot = ccm_strdup(kv->value)))
				return CCM_ENOMEM;
			continue;
		}
		x = realloc(e->extra, (e->n_extra + 1) * sizeof(*x));
		if (!x)
			return CCM_ENOMEM;
		e->extra = x;
		x = &e->extra[e->n_extra];
		x->key = ccm_strdup(kv->key);
		x->value = ccm_strdup(kv->value);
		x->line = kv->line;
		x->offset = kv->offset;
		if (!x->key || !x->value) {
			free(x->key);
			free(x->value);
			return CCM_ENOMEM;
		}
		e->n_extra++;
	}
	return 0;
}

static int on_block(void *ctx, const struct ccm_kvblock *b)
{
	struct dread *r = ctx;
	struct ccm_dir_entry e = { .line = b->line, .offset = b->offset };
	long long dup;

	if (fill_entry(&e, b) < 0)
		goto oom;
	if (!e.name || !e.name[0] || !e.location) {
		const char *what = !e.name ? "no 'Name:'" : !e.name[0] ?
			"an empty 'Name:'" : "no 'Location:'";

		warn(r, "incomplete-entry", b->line, b->offset,
		     "directory entry '%s' skipped: it has %s; every entry of a "
		     "directory export has both Name and Location",
		     e.name ? e.name : b->kv[0].value, what);
		entry_release(&e);
		return 0;
	}
	if (!strchr("PpLlRrAa", e.location))
		warn(r, "unknown-location", b->line, b->offset,
		     "directory entry '%s' has the unknown location code '%c'; it is "
		     "kept but gets no mailbox (the codes are P p L l R r A a)",
		     e.name, e.location);
	dup = append(r->d, &e);
	if (dup < 0)
		goto oom;
	if (dup > 0) {
		const struct ccm_dir_entry *first = &r->d->entries[dup - 1];

		warn(r, "duplicate-name", b->line, b->offset,
		     "directory name '%s' equals '%s' of line %ld but for case; "
		     "cc:Mail names are case-insensitive and unique (Q237588), so "
		     "addresses go to the first entry: rename one of them in cc:Mail "
		     "and export again", e.name, first->name, first->line);
	}
	return 0;
oom:
	entry_release(&e);
	return ccm_error_set(r->err, CCM_ENOMEM, "out of memory reading '%s' at line %ld",
			     r->display, b->line);
}

int ccm_directory_read(struct ccm_directory *d, const char *path,
		       const char *display, struct ccm_cp *cp,
		       struct ccm_report *rep, struct ccm_error *err)
{
	struct dread r = { .d = d, .display = display ? display : path,
			   .rep = rep, .err = err };
	int rc;

	memset(d, 0, sizeof(*d));
	rc = ccm_kvfile_read(path, r.display, cp, rep, on_block, &r, err);
	if (rc == CCM_ENOTFOUND && err) {
		size_t n = strlen(err->msg);

		snprintf(err->msg + n, sizeof(err->msg) - n, "; check 'Directory:' "
			 "in po.txt and that the directory export is in the bundle");
	}
	if (rc < 0)
		ccm_directory_release(d);
	return rc;
}

void ccm_directory_release(struct ccm_directory *d)
{
	for (size_t i = 0; i < d->len; i++)
		entry_release(&d->entries[i]);
	free(d->entries);
	free(d->duplicate);
	free(d->index);
	memset(d, 0, sizeof(*d));
}
