/* po.h: the post offices a store's mail came from, and how their export text reads. */
#ifndef CCM_STORE_PO_H
#define CCM_STORE_PO_H

#include "base/buf.h"
#include "store/store.h"

/*
 * What a post office's manifest said about its export text (code page,
 * time zone, date order), which exports need to date its mailboxes. The
 * store keeps it per post office in its `meta` table: key "po:<NAME>",
 * value the settings line as the migration set carried it (docs/store.md).
 * The store does not read the line: whoever wrote it (ccmail/manifest.h,
 * ccm_manifest_settings_format) reads it.
 */

/*
 * Records `settings` for post office `po` (not empty), replacing what was
 * recorded for a post office of that name in any case (a later migration
 * of the same post office wins). CCM_EINVAL for an empty name.
 */
int ccm_store_po_record(struct ccm_store *s, const char *po,
			const char *settings, struct ccm_error *err);

/*
 * The settings line that applies to message `msg`, into out (reset
 * first): that of the post office named by the first CCMAIL address
 * ("Name at PO", the primary one first) of the mailbox holding it; else,
 * when the store records exactly one post office (a public folder, a
 * mailbox without a cc:Mail address), that one. Returns 1 when found, 0
 * when none applies, or a negative code.
 */
int ccm_store_po_of_message(struct ccm_buf *out, struct ccm_store *s,
			    long long msg, struct ccm_error *err);

/* The same for mailbox `mailbox` (0: the public folders, which take the
 * only post office recorded, if there is one). */
int ccm_store_po_of_mailbox(struct ccm_buf *out, struct ccm_store *s,
			    long long mailbox, struct ccm_error *err);

#endif
