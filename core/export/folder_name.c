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
	for (const char *p = f->path; *p; p++) {
		/* '\' separates levels; names are data, never paths. */
		char c = *p;
		if (c == '\\')
			c = delim;
		else if (c == delim || (forbidden && strchr(forbidden, c)))
			c = '_';
		ccm_buf_addch(out, c);
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
}

void ccm_out_names_release(struct ccm_out_names *names)
{
	ccm_buf_release(&names->text);
	free(names->off);
	free(names->hash);
	names->off = NULL;
	names->hash = NULL;
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

int ccm_out_names_claim(struct ccm_buf *out, struct ccm_out_names *names, size_t from)
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

		if (off)
			names->off = off;
		if (!off || !hash)
			return CCM_ENOMEM;
		names->hash = hash;
		names->cap = cap;
	}
	names->off[names->n] = names->text.len;
	names->hash[names->n] = h;
	ccm_buf_add(&names->text, out->ptr + from, out->len - from);
	ccm_buf_addch(&names->text, '\0');
	names->n++;
	return 0;
}

int ccm_out_folder_name_unique(struct ccm_buf *out, struct ccm_out_names *names,
			       const struct ccm_folder *f, char delim, const char *forbidden)
{
	ccm_out_folder_name(out, f, delim, forbidden);
	if (f->special)
		return 0;
	/* The well-known names are the well-known folders' alone, whether the
	 * mailbox has them or not, so a name never changes with what else is
	 * there; INBOX in any case, as IMAP has it. */
	if (names->n == 0)
		for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++) {
			struct ccm_buf w = CCM_BUF_INIT;

			ccm_buf_adds(&w, well_known[i].name);
			if (ccm_out_names_claim(&w, names, 0) < 0) {
				ccm_buf_release(&w);
				return CCM_ENOMEM;
			}
			ccm_buf_release(&w);
		}
	if (!strcasecmp(out->ptr, "INBOX"))
		ccm_buf_adds(out, " (2)");
	return ccm_out_names_claim(out, names, 0);
}

int ccm_out_lock(int *out, const char *dir, struct ccm_error *err)
{
	char path[4200], what[4200];

	snprintf(path, sizeof(path), "%s/.ccmig-lock", dir);
	snprintf(what, sizeof(what), "the export folder '%s'", dir);
	return ccm_pidlock_take(out, path, what, err);
}
