/* mbox.h: the store's folders as mboxrd files. */
#ifndef CCM_MBOX_H
#define CCM_MBOX_H

#include "export/mailboxes.h"
#include "store/store.h"

struct ccm_mbox_stats {
	unsigned long mailboxes, folders, messages;
	unsigned long kept_deep;     /* forwards nested too deep (render.h) */
	/* Messages over o->size: left out, and written with attachments
	 * replaced by notes (export/size_limit.h); each is said in o->report. */
	unsigned long left_out_size, split_size;
	struct ccm_out_renamed renamed;  /* mailboxes whose folder has a number */
	/* Folders refused and not written (a link, or something else that is
	 * not ccmig's, where a folder or file was to be made: base/nofollow.h):
	 * how many, and a line for each. The caller releases problem_text,
	 * whatever the return. */
	unsigned long problems;
	struct ccm_buf problem_text;
	unsigned long long bytes;
};

/*
 * Writes one mboxrd file per folder: dir/<alias>/<folder>.mbox (the
 * mailbox's folder named as export/mailboxes.h says), a folder
 * path's levels as subfolders ("Projects\1999" becomes Projects/1999.mbox;
 * a '/' or a leading '.' in a name becomes '_'), public folders under
 * dir/public/. Each message (export/render.h) follows a "From " line with its
 * date, in the zone o->zones gives its mailbox (o NULL, or its zones: UTC); line ends are LF; every line that matches ">*From " gets one more
 * '>' (mboxrd), so readers undo it exactly. A file is written whole again
 * on each export, so exporting twice gives the same files. Every folder
 * and file below dir is made from its parent's descriptor without
 * following a link: one refused costs its folder, counted in
 * st->problems, and the export goes on. A message larger than o->size is
 * left out (its "From " line too), or written with attachments replaced
 * (export/size_limit.h), counted in st and said in o->report. o->progress is called after
 * each message. Returns 0 or a negative code
 * (err filled).
 */
int ccm_mbox_export(struct ccm_store *s, const char *dir,
		    const struct ccm_out_opts *o,
		    struct ccm_mbox_stats *st, struct ccm_error *err);

#endif
