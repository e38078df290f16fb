/* pab.h: users' personal address books in the store (PAB sections). */
#ifndef CCM_STORE_PAB_H
#define CCM_STORE_PAB_H

#include <stddef.h>
#include "store/store.h"

/*
 * One entry of a personal address book: a single address ("entry") or a
 * personal distribution list ("dl") whose members are written as they
 * stood (the display names of other entries, or addresses).
 */
struct ccm_pab_item {
	long long id;
	long long mailbox_id;
	const char *kind;                /* "entry" or "dl" */
	const char *display_name;
	const char *email;               /* entry: TYPE:address */
	const char *first_name, *last_name, *note;
	const char *fields;              /* other columns, "Name=value" lines */
	const char *const *members;      /* dl: in order (input only) */
	size_t n_members;
};

/* Adds an item to mailbox `mailbox`'s address book; *id gets its id. */
int ccm_store_pab_add(struct ccm_store *s, const struct ccm_pab_item *it,
		      long long *id, struct ccm_error *err);

/* The items of a mailbox's address book, in the order added. */
int ccm_store_pab_items(struct ccm_store_cursor **out, struct ccm_store *s,
			long long mailbox, struct ccm_error *err);
/* Rows of the cursor above (members is NULL: see ccm_store_pab_members). */
int ccm_store_next_pab_item(struct ccm_store_cursor *c, struct ccm_pab_item *it,
			    struct ccm_error *err);

/* The members of list item `id`, in order, one string per row. */
int ccm_store_pab_members(struct ccm_store_cursor **out, struct ccm_store *s,
			  long long id, struct ccm_error *err);
int ccm_store_next_pab_member(struct ccm_store_cursor *c, const char **member,
			      struct ccm_error *err);

#endif
