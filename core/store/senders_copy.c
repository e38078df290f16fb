/* senders_copy.c: whether a stored message is its sender's own copy. */
#include "store/messages.h"
#include "store/recipients.h"
#include "store/store_int.h"

#include <stdio.h>
#include <string.h>

int ccm_store_senders_copy(int *out, struct ccm_store *s,
			   const struct ccm_store_message *m, struct ccm_error *err)
{
	sqlite3_stmt *st;
	long long mailbox = 0, sender = 0;
	char special[16] = "";
	int rc, name_is_owner = 0;

	*out = 0;
	if (m->parent_id)
		return 0;      /* a forwarded message was someone's received mail */
	if (!(st = ccm_st(s, ST_MSG_SENDERS_COPY, "SELECT f.special, f.mailbox_id, "
			  "r.display_name = ?2 FROM folders f LEFT JOIN recipients r "
			  "ON r.id = f.mailbox_id WHERE f.id = ?1", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, m->folder_id);
	ccm_bind_text(st, 2, m->sender_name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *sp = sqlite3_column_text(st, 0);

		if (sp)
			snprintf(special, sizeof(special), "%s", (const char *)sp);
		mailbox = sqlite3_column_int64(st, 1);
		name_is_owner = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "reading the folder of message %lld", m->id);
	if (!mailbox)
		return 0;      /* the public folders are nobody's sent mail */
	if (!strcmp(special, "sent") || !strcmp(special, "drafts") ||
	    !strcmp(special, "outbox")) {
		*out = 1;
		return 0;
	}
	if (!m->sender_address || !*m->sender_address) {
		/* A sender import found in the directory is stored by the
		 * display name of its recipient, without an address. */
		*out = name_is_owner;
		return 0;
	}
	rc = ccm_store_find_source(s, m->sender_address, &sender, NULL, err);
	if (rc == CCM_EINVAL)
		return 0;      /* an address with no type names nobody */
	if (rc < 0)
		return rc;
	*out = rc == 1 && sender == mailbox;
	return 0;
}
