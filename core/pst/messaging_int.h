/* messaging_int.h: what the messaging layer's files share (not for other stages). */
#ifndef CCM_PST_MESSAGING_INT_H
#define CCM_PST_MESSAGING_INT_H

#include "pst/messaging.h"
#include "pst/ndb.h"
#include "pst/namemap.h"
#include "pst/plist.h"

/* NID types ([MS-PST] 2.2.2.1). */
enum {
	NT_INTERNAL = 0x01, NT_NORMAL_FOLDER = 0x02, NT_NORMAL_MESSAGE = 0x04,
	NT_ATTACHMENT = 0x05, NT_HIERARCHY_TABLE = 0x0D, NT_CONTENTS_TABLE = 0x0E,
	NT_ASSOC_CONTENTS_TABLE = 0x0F
};
#define NID(index, type) (((uint32_t)(index) << 5) | (type))
#define NID_ROOT_FOLDER 0x122u
#define NID_TOP_FOLDER 0x8022u        /* Top of Personal Folders, as Outlook numbers it */
#define NID_RECIPIENT_TABLE 0x692u
#define NID_ATTACHMENT_TABLE 0x671u

/* A node's subnode entries, gathered from several builds. */
struct ccm_pst_sublist {
	struct ccm_pst_subnode *v;
	size_t n, cap;
};
void ccm_pst_sublist_add(struct ccm_pst_sublist *l, uint32_t nid, uint64_t data, uint64_t sub);
/* Sorts them and writes the subnode tree (*bid 0 when none); frees l. */
int ccm_pst_sublist_put(uint64_t *bid, struct ccm_pst_sublist *l, struct ccm_pst_ndb *w,
			struct ccm_error *err);
void ccm_pst_sublist_release(struct ccm_pst_sublist *l);

/* Writes what a build made: the pages as the node's data (*data), each
 * LTP subnode as a subnode entry of l. Releases o. */
int ccm_pst_put_built(uint64_t *data, struct ccm_pst_sublist *l, struct ccm_pst_ndb *w,
		      struct ccm_pst_node_out *o, struct ccm_error *err);
/* Writes only the LTP subnodes a build made (o's pages are not wanted or
 * written already) as subnode entries of l. Releases o. */
int ccm_pst_put_ltp_subnodes(struct ccm_pst_sublist *l, struct ccm_pst_ndb *w,
			     struct ccm_pst_node_out *o, struct ccm_error *err);
/* A property context from list pl: its data in *data, subnodes into l. */
int ccm_pst_put_pc(uint64_t *data, struct ccm_pst_sublist *l, struct ccm_pst_ndb *w,
		   struct ccm_pst_plist *pl, uint32_t *next_index, struct ccm_error *err);

/* Table rows kept compactly until the table is built. */
struct ccm_pst_rows {
	struct ccm_buf buf;
	size_t n;
};
void ccm_pst_rows_add(struct ccm_pst_rows *r, uint32_t row_id, const struct ccm_pst_plist *pl);
void ccm_pst_rows_release(struct ccm_pst_rows *r);
/* The table of columns cols over rows r: data in *data, subnodes into l. */
int ccm_pst_put_table(uint64_t *data, struct ccm_pst_sublist *l, struct ccm_pst_ndb *w,
		      const struct ccm_pst_col *cols, size_t n_cols,
		      const struct ccm_pst_rows *r, uint32_t *next_index,
		      struct ccm_error *err);

/*
 * A contents table written as its rows come (contents.c), so that a folder
 * of any size takes no more memory than 8 bytes a row: begin with the
 * table's columns (borrowed until the end); a row of cells by column
 * (ccm_pst_plist_row), row ids rising; end writes the rest and gives the
 * node's data and subnode tree (0: none), and frees c whatever happens.
 * A row refused for its cells leaves the table as it was; any other
 * failure ends it (only abort is left). abort frees c (NULL accepted);
 * what went to the file stays there unreferenced, as after any failure
 * the file is aborted too.
 */
struct ccm_pst_contents;
int ccm_pst_contents_begin(struct ccm_pst_contents **out, struct ccm_pst_ndb *w,
			   const struct ccm_pst_col *cols, size_t n_cols,
			   struct ccm_error *err);
int ccm_pst_contents_row(struct ccm_pst_contents *c, uint32_t row_id,
			 const struct ccm_pst_prop *cells, struct ccm_error *err);
int ccm_pst_contents_end(uint64_t *data, uint64_t *sub, struct ccm_pst_contents *c,
			 struct ccm_error *err);
void ccm_pst_contents_abort(struct ccm_pst_contents *c);

/* The columns of the tables, as Outlook's templates have them. */
extern const struct ccm_pst_col ccm_pst_cols_hierarchy[], ccm_pst_cols_contents[],
	ccm_pst_cols_assoc[], ccm_pst_cols_search[], ccm_pst_cols_attach[],
	ccm_pst_cols_recip[];
extern const size_t ccm_pst_n_hierarchy, ccm_pst_n_contents, ccm_pst_n_assoc,
	ccm_pst_n_search, ccm_pst_n_attach, ccm_pst_n_recip;

/* Adds a contents table row to folder `folder`; CCM_EINVAL when the
 * folder is unknown or done. */
int ccm_pst_folder_row(struct ccm_pst *p, uint32_t folder, uint32_t nid,
		       struct ccm_pst_plist *row, int read, struct ccm_error *err);
/* An entry id ([MS-PST] 2.4.3.2) of node nid of file p: 24 bytes. */
void ccm_pst_entry_id(unsigned char out[24], const struct ccm_pst *p, uint32_t nid);
/* The file's named properties (pst/namemap.h). */
struct ccm_pst_namemap *ccm_pst_names(struct ccm_pst *p);
/* Registers the named properties contacts and lists use, in a fixed
 * order, so that every file names the same ones with the same ids. */
void ccm_pst_contact_names(struct ccm_pst_namemap *m);
/* The contents table columns of a contacts folder: those of every
 * folder, then the contact columns Outlook's views show. *n set; the
 * caller frees the array. NULL when out of memory. */
struct ccm_pst_col *ccm_pst_contact_cols(struct ccm_pst *p, size_t *n);

/* The file's first failure: 0 none, else its code with err (when not
 * NULL) set to what it said. Every call of pst/messaging.h after a
 * failure returns it and does nothing more. */
int ccm_pst_failed(struct ccm_pst *p, struct ccm_error *err);
/* Returns rc; a negative rc is kept as the file's failure (the first
 * only), with what err says. */
int ccm_pst_fail(struct ccm_pst *p, int rc, const struct ccm_error *err);
/* The message NID for the next top-level message. */
uint32_t ccm_pst_next_message_nid(struct ccm_pst *p);
struct ccm_pst_ndb *ccm_pst_ndb_of(struct ccm_pst *p);

#endif
