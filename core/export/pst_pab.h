/* pst_pab.h: a mailbox's personal address book as the Contacts folder of its PST file. */
#ifndef CCM_PST_PAB_H
#define CCM_PST_PAB_H

#include "pst/messaging.h"
#include "store/store.h"

/*
 * "TYPE:address" split into *type and *email (malloc'd, the caller
 * frees both); an address without a type (or none: the cc:Mail `name`)
 * is CCMAIL, as the export names cc:Mail addresses.
 */
void ccm_pst_split_address(char **type, char **email, const char *address, const char *name);

/*
 * The address book of mailbox `mailbox` (store/pab.h) into the open file
 * p, in a folder `folder_name` right below Top of Personal Folders
 * (IPF.Contact, the file's PR_IPM_CONTACT_ENTRYID): each entry as an
 * IPM.Contact, each personal list as an IPM.DistList whose members that
 * name another item of the book (by its display name, exactly, else
 * ignoring case) point at it, the others as one-off addresses. Other
 * PAB columns go to the contact's property for them (pst/messaging.h),
 * the unknown ones, and the note, to its body. No folder when the book
 * is empty. *contacts and *lists count what was written.
 */
int ccm_pst_export_pab(struct ccm_pst *p, struct ccm_store *s, long long mailbox,
		       const char *folder_name, unsigned long *contacts, unsigned long *lists,
		       struct ccm_error *err);

#endif
