/* survey.h: a post office at a glance: users, mail, folders, lists, boards. */
#ifndef CCM_SURVEY_H
#define CCM_SURVEY_H

#include <stddef.h>
#include "ccmail/bundle.h"

struct ccm_folder_count {
	char *name;                    /* "Inbox" when the message named none */
	unsigned long messages;
};

/* What one mailbox (or bulletin board) holds. */
struct ccm_mailbox_stats {
	char *name;
	char location;                 /* directory code; 'B' for a board */
	int has_mail;                  /* a Mailbox: line names a file for it
					  that holds a message (or cannot be
					  read: see unreadable) */
	int unreadable;                /* its file could not be opened (reported) */
	unsigned long messages;
	unsigned long long bytes;      /* bytes of its message blocks */
	unsigned long attachments;     /* file, fax and other non-text items */
	unsigned long long attachment_bytes;  /* decoded */
	unsigned long forwarded;       /* Message items */
	struct ccm_folder_count *folders;
	size_t n_folders;
	long pab_entries, pab_lists;   /* -1 when the user has no address book */
};

struct ccm_survey {
	unsigned long by_location[128];   /* directory entries per location code */
	struct ccm_mailbox_stats *users;  /* L and R entries, in directory order */
	size_t n_users;
	struct ccm_mailbox_stats *boards;
	size_t n_boards;
	struct ccm_folder_count *folders; /* over all users */
	size_t n_folders;
	unsigned long messages, attachments;
	unsigned long long bytes, attachment_bytes;
	size_t users_with_mail;
	size_t lists;
	unsigned long list_members;
};

/*
 * Reads every message of every mailbox and board of the bundle once,
 * streaming, and fills `s` (released by the caller with
 * ccm_survey_release). Problems go to the bundle's report; a mailbox whose
 * file cannot be opened is reported and marked unreadable. `progress`, if
 * not NULL, is called after each mailbox. Returns 0 or a negative code on
 * a system error (err filled).
 */
int ccm_survey_run(struct ccm_survey *s, struct ccm_bundle *b,
		   void (*progress)(void *ctx, size_t done, size_t total,
				    unsigned long long bytes),
		   void *ctx, struct ccm_error *err);
void ccm_survey_release(struct ccm_survey *s);

#endif
