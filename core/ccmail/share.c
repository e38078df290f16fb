/* share.c: a share of a post office's mailboxes. */
#include "ccmail/share.h"
#include "ccmail/directory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long long file_bytes(const struct ccm_bundle *b,
				     const struct ccm_manifest_entry *e)
{
	struct stat sb;
	char *p;
	unsigned long long n = 0;

	if (!e || !e->path)
		return 0;
	if (!(p = ccm_bundle_path(b, e->path)))
		return 0;
	if (stat(p, &sb) == 0 && sb.st_size > 0)
		n = (unsigned long long)sb.st_size;
	free(p);
	return n;
}

static int by_name(const void *a, const void *b)
{
	const struct ccm_share_box *x = a, *y = b;

	return x->board != y->board ? x->board - y->board : strcmp(x->name, y->name);
}

int ccm_share_boxes(struct ccm_share_box **out, size_t *n, const struct ccm_bundle *b,
		    struct ccm_error *err)
{
	struct ccm_share_box *v = calloc(b->dir.len + b->manifest.n_boards + 1, sizeof(*v));
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!v)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory listing mailboxes");
	for (size_t i = 0; i < b->dir.len; i++) {
		const struct ccm_dir_entry *e = &b->dir.entries[i];

		if (b->dir.duplicate[i] || !ccm_dir_entry_is_local_user(e))
			continue;
		v[k].name = e->name;
		v[k].bytes = file_bytes(b, ccm_bundle_mailbox(b, e->name));
		k++;
	}
	for (size_t i = 0; i < b->manifest.n_boards; i++) {
		v[k].name = b->manifest.boards[i].name;
		v[k].board = 1;
		v[k].bytes = file_bytes(b, &b->manifest.boards[i]);
		k++;
	}
	/* Directory order may change with an export; names do not. */
	qsort(v, k, sizeof(*v), by_name);
	*out = v;
	*n = k;
	return 0;
}

/* qsort has no context argument in C11: the sizes, while sorting. */
static const unsigned long long *sort_bytes;

static int larger_first(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (sort_bytes[i] != sort_bytes[j])
		return sort_bytes[i] > sort_bytes[j] ? -1 : 1;
	return i < j ? -1 : i > j;
}

int ccm_share_assign(size_t *out, const unsigned long long *bytes, size_t n,
		     size_t shares, struct ccm_error *err)
{
	size_t *order = malloc((n + 1) * sizeof(*order));
	unsigned long long *load = calloc(shares + 1, sizeof(*load));

	if (!order || !load) {
		free(order);
		free(load);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory dealing mailboxes");
	}
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_bytes = bytes;
	qsort(order, n, sizeof(*order), larger_first);
	sort_bytes = NULL;
	for (size_t k = 0; k < n; k++) {
		size_t best = 0;

		/* Equal loads go to the lowest share, so that mailboxes without
		 * mail spread over the shares in turn too. */
		for (size_t s = 1; s < shares; s++)
			if (load[s] < load[best])
				best = s;
		out[order[k]] = best;
		load[best] += bytes[order[k]] + 1;
	}
	free(order);
	free(load);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A share of the boxes whose keep[] is set: names copied, sorted. */
static int make(struct ccm_share **out, const struct ccm_share_box *v, size_t n,
		const unsigned char *keep, struct ccm_error *err)
{
	struct ccm_share *s = calloc(1, sizeof(*s));
	size_t k = 0;

	*out = NULL;
	if (!s || !(s->names = calloc(n + 1, sizeof(*s->names)))) {
		free(s);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory making a share");
	}
	for (size_t i = 0; i < n; i++) {
		s->of_bytes += v[i].bytes;
		if (!keep[i])
			continue;
		if (!(s->names[k] = strdup(v[i].name))) {
			s->len = k;
			ccm_share_free(s);
			return ccm_error_set(err, CCM_ENOMEM, "out of memory making a share");
		}
		k++;
	}
	for (size_t i = 0; i < n; i++)
		if (keep[i])
			s->bytes += v[i].bytes;
	s->len = k;
	s->of = n;
	qsort(s->names, k, sizeof(*s->names), cmp_str);
	*out = s;
	return 0;
}

/* Trims blanks at both ends, in place. */
static char *trim(char *p)
{
	char *e;

	p += strspn(p, " \t");
	e = p + strlen(p);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return p;
}

/* Marks the boxes named `name` (in any case): how many. */
static size_t mark(const struct ccm_share_box *v, size_t n, unsigned char *keep,
		   const char *name)
{
	size_t hits = 0;

	for (size_t i = 0; i < n; i++)
		if (!ccm_name_cmp(v[i].name, strlen(v[i].name), name, strlen(name))) {
			keep[i] = 1;
			hits++;
		}
	return hits;
}

int ccm_share_names(struct ccm_share **out, const struct ccm_bundle *b,
		    const char *const *names, size_t n_names, struct ccm_error *err)
{
	struct ccm_share_box *v;
	unsigned char *keep;
	size_t n;
	int rc;

	*out = NULL;
	if ((rc = ccm_share_boxes(&v, &n, b, err)) < 0)
		return rc;
	if (!(keep = calloc(n + 1, 1))) {
		free(v);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory making a share");
	}
	for (size_t i = 0; rc == 0 && i < n_names; i++)
		if (!mark(v, n, keep, names[i]))
			rc = ccm_error_set(err, CCM_EINVAL, "'%s' (name %zu of the list) is "
					   "no mailbox of post office '%s' (neither a local "
					   "user of its directory nor a bulletin board)",
					   names[i], i + 1, b->manifest.post_office);
	if (rc == 0 && (rc = make(out, v, n, keep, err)) == 0)
		snprintf((*out)->label, sizeof((*out)->label), "%zu mailboxes named", n_names);
	free(keep);
	free(v);
	return rc;
}

int ccm_share_read(struct ccm_share **out, const struct ccm_bundle *b, const char *file,
		   struct ccm_error *err)
{
	struct ccm_share_box *v;
	unsigned char *keep;
	char line[4096];
	size_t n;
	long no = 0;
	FILE *f;
	int rc;

	*out = NULL;
	if (!(f = fopen(file, "r")))
		return ccm_error_sys(err, errno, "cannot read the mailbox list '%s'", file);
	if ((rc = ccm_share_boxes(&v, &n, b, err)) < 0) {
		fclose(f);
		return rc;
	}
	if (!(keep = calloc(n + 1, 1))) {
		free(v);
		fclose(f);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory reading '%s'", file);
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		char *name;

		no++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = ccm_error_set(err, CCM_EINVAL, "line too long at %s:%ld: one "
					   "mailbox name a line", file, no);
			break;
		}
		name = trim(line);
		if (!*name || *name == '#')
			continue;
		if (!mark(v, n, keep, name))
			rc = ccm_error_set(err, CCM_EINVAL, "'%s' at %s:%ld is no mailbox of "
					   "post office '%s' (neither a local user of its "
					   "directory nor a bulletin board): correct the "
					   "list", name, file, no, b->manifest.post_office);
	}
	if (rc == 0 && ferror(f))
		rc = ccm_error_sys(err, errno, "cannot read the mailbox list '%s'", file);
	fclose(f);
	if (rc == 0 && (rc = make(out, v, n, keep, err)) == 0)
		snprintf((*out)->label, sizeof((*out)->label), "the mailboxes of %s", file);
	free(keep);
	free(v);
	return rc;
}

int ccm_share_pick(struct ccm_share **out, const struct ccm_bundle *b, size_t i, size_t n,
		   struct ccm_error *err)
{
	struct ccm_share_box *v;
	unsigned long long *bytes;
	unsigned char *keep;
	size_t *to, nb;
	int rc;

	*out = NULL;
	if (n < 1 || i >= n)
		return ccm_error_set(err, CCM_EINVAL, "share %zu/%zu: the share is I/N "
				     "with 0 <= I < N", i, n);
	if ((rc = ccm_share_boxes(&v, &nb, b, err)) < 0)
		return rc;
	bytes = malloc((nb + 1) * sizeof(*bytes));
	to = malloc((nb + 1) * sizeof(*to));
	keep = calloc(nb + 1, 1);
	if (!bytes || !to || !keep)
		rc = ccm_error_set(err, CCM_ENOMEM, "out of memory dealing mailboxes");
	for (size_t k = 0; rc == 0 && k < nb; k++)
		bytes[k] = v[k].bytes;
	if (rc == 0)
		rc = ccm_share_assign(to, bytes, nb, n, err);
	for (size_t k = 0; rc == 0 && k < nb; k++)
		keep[k] = to[k] == i;
	if (rc == 0 && (rc = make(out, v, nb, keep, err)) == 0)
		snprintf((*out)->label, sizeof((*out)->label), "share %zu/%zu", i, n);
	free(keep);
	free(to);
	free(bytes);
	free(v);
	return rc;
}

int ccm_share_parse(const char *s, size_t *i, size_t *n)
{
	unsigned long a, b;
	int used = 0;

	if (!s || !(*s >= '0' && *s <= '9') ||
	    sscanf(s, "%lu/%lu%n", &a, &b, &used) != 2 || s[used] || b < 1 || a >= b ||
	    !strchr("0123456789", s[strcspn(s, "/") + 1]) || b > 1000000)
		return -1;
	*i = a;
	*n = b;
	return 0;
}

int ccm_share_has(const struct ccm_share *s, const char *name)
{
	if (!s)
		return 1;
	return bsearch(&name, s->names, s->len, sizeof(*s->names), cmp_str) != NULL;
}

void ccm_share_free(struct ccm_share *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->len; i++)
		free(s->names[i]);
	free(s->names);
	free(s);
}
