/* folder_name.c: what a store folder is called in Maildir++ and IMAP. */
#include "out/folder_name.h"

#include <stdio.h>
#include <string.h>

int ccm_out_folder_name(const struct ccm_folder *f, char delim,
			const char *forbidden, struct ccm_buf *out)
{
	static const struct { int special; const char *name; } well_known[] = {
		{ CCM_FOLDER_INBOX, "INBOX" }, { CCM_FOLDER_SENT, "Sent" },
		{ CCM_FOLDER_DELETED, "Trash" }, { CCM_FOLDER_DRAFTS, "Drafts" },
		{ CCM_FOLDER_OUTBOX, "Outbox" },
	};
	int rc = 0;

	ccm_buf_reset(out);
	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++)
		if (f->special == well_known[i].special)
			return ccm_buf_adds(out, well_known[i].name);
	for (const char *p = f->path; *p && rc == 0; p++) {
		/* '\' separates levels; names are data, never paths. */
		char c = *p;
		if (c == '\\')
			c = delim;
		else if (c == delim || (forbidden && strchr(forbidden, c)))
			c = '_';
		rc = ccm_buf_addch(out, c);
	}
	return rc;
}

int ccm_out_fit_name(struct ccm_buf *out, size_t from, size_t max)
{
	unsigned long h = 2166136261ul;      /* FNV-1a, 32 bits */
	size_t keep = max - 9;
	char tail[16];

	if (out->len - from <= max)
		return 0;
	for (size_t i = from; i < out->len; i++)
		h = ((h ^ (unsigned char)out->ptr[i]) * 16777619ul) & 0xfffffffful;
	/* Not in the middle of a character: back to the start of one. */
	while (keep > 0 && ((unsigned char)out->ptr[from + keep] & 0xC0) == 0x80)
		keep--;
	ccm_buf_truncate(out, from + keep);
	snprintf(tail, sizeof(tail), "~%08lx", h);
	return ccm_buf_adds(out, tail) < 0 ? CCM_ENOMEM : 0;
}
