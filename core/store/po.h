/* po.h: the post offices a store's mail came from, and how their export text reads. */
#ifndef CCM_STORE_PO_H
#define CCM_STORE_PO_H

#include "ccmail/manifest.h"
#include "store/store.h"

/*
 * A forwarded message is kept as the cc:Mail export text it came in (an
 * attachment "<title>.ccm"), so reading it again needs what the post
 * office's manifest said about that text. The store keeps these settings
 * per post office in its `meta` table: key "po:<NAME>", value the line of
 * ccm_manifest_settings_format() (docs/store.md).
 */

/*
 * Records `settings` (a line of ccm_manifest_settings_format, which names
 * the post office), replacing what was recorded for a post office of that
 * name in any case (a later migration of the same post office wins).
 * CCM_EMALFORMED when the line cannot be read or names no post office.
 */
int ccm_store_po_record(struct ccm_store *s, const char *settings,
			struct ccm_error *err);

/*
 * The settings that apply to message `msg`, into *out (released first;
 * zeroed or a manifest): those of the post office named by the first
 * CCMAIL address ("Name at PO", the primary one first) of the mailbox
 * holding it; else, when the store records exactly one post office (a
 * public folder, a mailbox without a cc:Mail address), that one. Only the
 * fields of the settings line are set; release *out with
 * ccm_manifest_release. Returns 1 when found, 0 when none applies, or a
 * negative code (CCM_EMALFORMED for a recorded value that cannot be read).
 */
int ccm_store_po_of_message(struct ccm_store *s, long long msg,
			    struct ccm_manifest *out, struct ccm_error *err);

/* The same for mailbox `mailbox` (0: the public folders, which take the
 * only post office recorded, if there is one). */
int ccm_store_po_of_mailbox(struct ccm_store *s, long long mailbox,
			    struct ccm_manifest *out, struct ccm_error *err);

#endif
