/* imap_special.c: an IMAP server's special folders (RFC 6154) for the
 * store's well-known ones. */
#include "export/imap_special.h"

#include <string.h>
#include <strings.h>

/* The special uses of RFC 6154, and the well-known folder each serves
 * (0: none; the name is still reserved). */
static const struct { const char *use; int special; } uses[] = {
	{ "\\Sent", CCM_FOLDER_SENT }, { "\\Trash", CCM_FOLDER_DELETED },
	{ "\\Drafts", CCM_FOLDER_DRAFTS }, { "\\Archive", 0 }, { "\\Junk", 0 },
	{ "\\All", 0 }, { "\\Flagged", 0 },
};

/* Whether attribute `attr` is among `attrs` (any case, as RFC 3501 has
 * flags). */
static int has_attr(const char *attrs, const char *attr)
{
	size_t n = strlen(attr);

	for (const char *p = attrs; (p = strchr(p, '\\')) != NULL; p++)
		if (!strncasecmp(p, attr, n) && (p[n] == ' ' || p[n] == '\0') &&
		    (p == attrs || p[-1] == ' '))
			return 1;
	return 0;
}

static int on_folder(void *ctx, const char *attrs, const char *name)
{
	struct ccm_imap_special *sp = ctx;
	long at = -1;

	if (has_attr(attrs, "\\Noselect") || has_attr(attrs, "\\NonExistent") || !*name)
		return 0;
	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++) {
		if (!has_attr(attrs, uses[i].use))
			continue;
		if (at < 0) {
			at = (long)sp->names.len;
			ccm_buf_adds(&sp->names, name);
			ccm_buf_addch(&sp->names, '\0');
			sp->n++;
		}
		/* The first of a use is the one: a second \Sent is the
		 * server's business, not a second home for Sent Items. */
		if (uses[i].special && sp->at[uses[i].special] < 0)
			sp->at[uses[i].special] = at;
	}
	return 0;
}

void ccm_imap_special_reset(struct ccm_imap_special *sp)
{
	ccm_buf_reset(&sp->names);
	sp->n = 0;
	for (size_t i = 0; i < sizeof(sp->at) / sizeof(sp->at[0]); i++)
		sp->at[i] = -1;
}

int ccm_imap_special_find(struct ccm_imap_special *sp, struct ccm_imap *c,
			  struct ccm_error *err)
{
	struct ccm_error why;
	int rc;

	ccm_imap_special_reset(sp);
	rc = ccm_imap_list(c, on_folder, sp, &why);
	if (rc == 1) {
		/* Refused: ccmig's own names do, as without SPECIAL-USE. */
		ccm_imap_special_reset(sp);
		return 0;
	}
	if (rc < 0 && err)
		*err = why;
	return rc;
}

const char *ccm_imap_special_folder(const struct ccm_imap_special *sp, int special)
{
	if (special <= 0 || special > CCM_FOLDER_DRAFTS || sp->at[special] < 0)
		return NULL;
	return sp->names.ptr + sp->at[special];
}

const char *ccm_imap_special_use(int special)
{
	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++)
		if (uses[i].special && uses[i].special == special)
			return uses[i].use;
	return NULL;
}

int ccm_imap_special_reserve(const struct ccm_imap_special *sp,
			     struct ccm_out_names *names)
{
	const char *p = sp->names.ptr;

	for (size_t i = 0; i < sp->n; i++, p += strlen(p) + 1)
		if (ccm_out_names_reserve(names, p) < 0)
			return CCM_ENOMEM;
	return 0;
}

void ccm_imap_special_release(struct ccm_imap_special *sp)
{
	ccm_buf_release(&sp->names);
	ccm_imap_special_reset(sp);
}
