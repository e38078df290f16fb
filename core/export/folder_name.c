/* folder_name.c: what a store folder is called in Maildir++ and IMAP. */
#include "export/folder_name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct { int special; const char *name; } well_known[] = {
	{ CCM_FOLDER_INBOX, "INBOX" }, { CCM_FOLDER_SENT, "Sent" },
	{ CCM_FOLDER_DELETED, "Trash" }, { CCM_FOLDER_DRAFTS, "Drafts" },
	{ CCM_FOLDER_OUTBOX, "Outbox" },
};

/* Appends the n bytes at p, one level of a store path, to out: delim and
 * every character of `forbidden` become '_', as does a '~' that starts
 * the level, which Dovecot takes for a home folder ("~user/...") and
 * neither makes nor opens. */
static void add_level(struct ccm_buf *out, const char *p, size_t n, char delim,
		      const char *forbidden)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c == delim || (forbidden && strchr(forbidden, c)) || (c == '~' && i == 0))
			c = '_';
		ccm_buf_addch(out, c);
	}
}

void ccm_out_folder_name(struct ccm_buf *out, const struct ccm_folder *f,
			 char delim, const char *forbidden)
{
	ccm_buf_reset(out);
	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++) {
		if (f->special == well_known[i].special) {
			ccm_buf_adds(out, well_known[i].name);
			return;
		}
	}
	/* '\' separates levels; names are data, never paths. */
	for (const char *p = f->path; ; ) {
		size_t n = strcspn(p, "\\");

		add_level(out, p, n, delim, forbidden);
		if (!p[n])
			break;
		ccm_buf_addch(out, delim);
		p += n + 1;
	}
}

static unsigned long name_hash(const char *p, size_t n)
{
	unsigned long h = 2166136261ul;      /* FNV-1a, 32 bits */

	for (size_t i = 0; i < n; i++)
		h = ((h ^ (unsigned char)p[i]) * 16777619ul) & 0xfffffffful;
	return h;
}

/* The same of the name with ASCII letters in lower case: names an export
 * gives must differ in more than case, as they would not on a file
 * system or server that ignores it. */
static unsigned long name_hash_nocase(const char *p, size_t n)
{
	unsigned long h = 2166136261ul;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		h = ((h ^ (c >= 'A' && c <= 'Z' ? c + 32u : c)) * 16777619ul) & 0xfffffffful;
	}
	return h;
}

void ccm_out_fit_name(struct ccm_buf *out, size_t from, size_t max)
{
	size_t keep = max - 9;
	unsigned long h;
	char tail[16];

	if (out->len - from <= max)
		return;
	h = name_hash(out->ptr + from, out->len - from);
	/* Not in the middle of a character: back to the start of one. */
	while (keep > 0 && ((unsigned char)out->ptr[from + keep] & 0xC0) == 0x80)
		keep--;
	ccm_buf_truncate(out, from + keep);
	snprintf(tail, sizeof(tail), "~%08lx", h);
	ccm_buf_adds(out, tail);
}

void ccm_out_names_reset(struct ccm_out_names *names)
{
	ccm_buf_reset(&names->text);
	names->n = 0;
	names->primed = 0;
}

void ccm_out_names_release(struct ccm_out_names *names)
{
	ccm_buf_release(&names->text);
	free(names->off);
	free(names->hash);
	free(names->id);
	names->off = NULL;
	names->hash = NULL;
	names->id = NULL;
	names->n = names->cap = 0;
}

/* 1 when the n bytes at p are a name already given, in any case. */
static int name_taken(const struct ccm_out_names *names, const char *p, size_t n,
		      unsigned long h)
{
	/* A linear scan with the hash first: a mailbox has tens or hundreds
	 * of folders, and this runs once per folder. */
	for (size_t i = 0; i < names->n; i++)
		if (names->hash[i] == h && !strncasecmp(names->text.ptr + names->off[i], p, n) &&
		    names->text.ptr[names->off[i] + n] == '\0')
			return 1;
	return 0;
}

/* ccm_out_names_claim, noting that the name is folder `id`'s (0: none). */
static int claim(struct ccm_buf *out, struct ccm_out_names *names, size_t from,
		 long long id)
{
	size_t base = out->len;
	unsigned long h;

	for (unsigned k = 2; ; k++) {
		h = name_hash_nocase(out->ptr + from, out->len - from);
		if (!name_taken(names, out->ptr + from, out->len - from, h))
			break;
		ccm_buf_truncate(out, base);
		ccm_buf_addf(out, " (%u)", k);
	}
	if (names->n == names->cap) {
		size_t cap = names->cap ? 2 * names->cap : 32;
		size_t *off = realloc(names->off, cap * sizeof(*off));
		unsigned long *hash = off ? realloc(names->hash, cap * sizeof(*hash)) : NULL;
		long long *ids = hash ? realloc(names->id, cap * sizeof(*ids)) : NULL;

		if (off)
			names->off = off;
		if (hash)
			names->hash = hash;
		if (!off || !hash || !ids)
			return CCM_ENOMEM;
		names->id = ids;
		names->cap = cap;
	}
	names->off[names->n] = names->text.len;
	names->hash[names->n] = h;
	names->id[names->n] = id;
	ccm_buf_add(&names->text, out->ptr + from, out->len - from);
	ccm_buf_addch(&names->text, '\0');
	names->n++;
	return 0;
}

int ccm_out_names_claim(struct ccm_buf *out, struct ccm_out_names *names, size_t from)
{
	return claim(out, names, from, 0);
}

/* The name given to folder `id`, or NULL. */
static const char *given(const struct ccm_out_names *names, long long id)
{
	for (size_t i = names->n; id && i-- > 0; )
		if (names->id[i] == id)
			return names->text.ptr + names->off[i];
	return NULL;
}

/* Records `name` as given unless it is (in any case). */
static int reserve(struct ccm_out_names *names, const char *name)
{
	struct ccm_buf w = CCM_BUF_INIT;
	size_t n = strlen(name);
	int rc;

	if (name_taken(names, name, n, name_hash_nocase(name, n)))
		return 0;
	ccm_buf_adds(&w, name);
	rc = ccm_out_names_claim(&w, names, 0);
	ccm_buf_release(&w);
	return rc;
}

/* The well-known names are the well-known folders' alone, whether the
 * mailbox has them or not, so a name never changes with what else is
 * there; INBOX in any case, as IMAP has it. */
static int prime(struct ccm_out_names *names)
{
	if (names->primed)
		return 0;
	names->primed = 1;
	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++)
		if (reserve(names, well_known[i].name) < 0)
			return CCM_ENOMEM;
	return 0;
}

int ccm_out_names_reserve(struct ccm_out_names *names, const char *name)
{
	if (prime(names) < 0)
		return CCM_ENOMEM;
	return reserve(names, name);
}

int ccm_out_folder_name_unique(struct ccm_buf *out, struct ccm_out_names *names,
			       const struct ccm_folder *f, char delim, const char *forbidden)
{
	const char *parent = f->special ? NULL : given(names, f->parent_id);

	if (parent) {
		/* Under the name its parent was given: a parent that got a
		 * number keeps its subfolders. */
		const char *last = strrchr(f->path, '\\');

		ccm_buf_reset(out);
		ccm_buf_adds(out, parent);
		ccm_buf_addch(out, delim);
		last = last ? last + 1 : f->path;
		add_level(out, last, strlen(last), delim, forbidden);
	} else {
		ccm_out_folder_name(out, f, delim, forbidden);
	}
	if (f->special)
		return 0;
	if (prime(names) < 0)
		return CCM_ENOMEM;
	if (!strcasecmp(out->ptr, "INBOX"))
		ccm_buf_adds(out, " (2)");
	return claim(out, names, 0, f->id);
}

int ccm_out_lock(int *out, const char *dir, struct ccm_error *err)
{
	char path[4200], what[4200];

	snprintf(path, sizeof(path), "%s/.ccmig-lock", dir);
	snprintf(what, sizeof(what), "the export folder '%s'", dir);
	return ccm_pidlock_take(out, path, what, err);
}
