/* lists.h: public mailing lists (lists.exp) and private address books. */
#ifndef CCM_LISTS_H
#define CCM_LISTS_H

#include <stddef.h>
#include "ccmail/kvfile.h"

/* A mailing list. Each member is one address as written, UTF-8: a
 * `Last, First` member is ONE member, never split on its comma (Q214838). */
struct ccm_list {
	char *name;
	char *comments;
	char **members;
	size_t n_members;
	long line;
};

struct ccm_lists {
	struct ccm_list *v;
	size_t len;
};

/* A private address: `Entry:` with `Addr:` and `Comments:`. */
struct ccm_pab_entry {
	char *name;
	char *addr;
	char *comments;
	long line;
};

/* A user's private address book: entries and private lists. */
struct ccm_pab {
	struct ccm_pab_entry *entries;
	size_t n_entries;
	struct ccm_list *lists;
	size_t n_lists;
};

/*
 * Reads lists.exp. Blocks that are not `List:` blocks are warnings.
 *
 * A `List:` line starts a list, even without a blank line before it; its
 * Comments and Member lines follow. Lines outside any list are reported
 * once per run ("stray-lines"); other keywords inside a list
 * ("unknown-keyword"), a second Comments ("duplicate-keyword", the first
 * kept) and an empty Member ("empty-member") are reported and ignored.
 * `out` is set up here; on failure (CCM_ENOTFOUND / CCM_EIO / CCM_ENOMEM,
 * err filled) it is released and empty.
 */
int ccm_lists_read(struct ccm_lists *out, const char *path, const char *display,
		   struct ccm_cp *cp, struct ccm_report *rep,
		   struct ccm_error *err);
void ccm_lists_release(struct ccm_lists *l);

/*
 * Reads a PAB export: `Entry:` blocks and `List:` blocks, in the manner of
 * ccm_lists_read; `Entry:` starts a private address whose Addr and
 * Comments follow. An entry with no Addr is kept with addr NULL and
 * reported ("incomplete-entry").
 */
int ccm_pab_read(struct ccm_pab *out, const char *path, const char *display,
		 struct ccm_cp *cp, struct ccm_report *rep,
		 struct ccm_error *err);
void ccm_pab_release(struct ccm_pab *p);

/* Frees what one list holds (not the struct itself). */
void ccm_list_release(struct ccm_list *l);

#endif
