/* folder_name.c: what a store folder is called in Maildir++ and IMAP. */
#include "out/folder_name.h"

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
