/* placing.c: how a source message is read and which folder it goes in. */
#include "iff/placing.h"

#include <string.h>
#include <strings.h>

int ccm_placing_open(struct ccm_msgfile **out, struct ccm_bundle *b,
		     const struct ccm_manifest_entry *e, struct ccm_error *err)
{
	int rc = ccm_bundle_open_messages(out, b, e, err);

	if (rc == 0)
		ccm_msgfile_set_keep_macbinary(*out, 1);
	return rc;
}

void ccm_placing_folder(struct ccm_buf *out, const char *board, const char *folder,
			int *r8)
{
	static const struct { const char *from, *to; } map[] = {
		{ "Inbox", "Inbox" }, { "Message Log", "Sent Items" },
		{ "Trash", "Deleted Items" }, { "Drafts", "Drafts" },
	};
	static const char *const settings[] = { "Stationery", "Preferences", "Rules" };
	size_t top;

	ccm_buf_reset(out);
	if (r8)
		*r8 = 0;
	if (board) {
		ccm_buf_addf(out, "Lotus cc:Mail Bulletin Boards\\%s", board);
		return;
	}
	if (!folder || !*folder) {
		ccm_buf_adds(out, "Inbox");
		return;
	}
	top = strcspn(folder, "\\");
	for (size_t i = 0; r8 && i < 3; i++)
		if (strlen(settings[i]) == top && !strncasecmp(folder, settings[i], top))
			*r8 = 1;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].from) == top && !strncasecmp(folder, map[i].from, top)) {
			ccm_buf_adds(out, map[i].to);
			ccm_buf_adds(out, folder + top);
			return;
		}
	ccm_buf_adds(out, folder);
}
