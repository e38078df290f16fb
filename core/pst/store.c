/* store.c: a PST file's message store, root folder, fixed nodes and folders. */
#include "pst/messaging_int.h"

#include <stdlib.h>
#include <string.h>

struct folder {
	uint32_t nid, parent;
	char *name;
	int role, done;
	uint32_t count, unread, children;
	struct ccm_pst_contents *contents;  /* from its first row until done */
	struct ccm_pst_col *cols;       /* a contacts folder's columns, or NULL */
	size_t n_cols;
};

struct ccm_pst {
	struct ccm_pst_ndb *w;
	unsigned char uid[16];
	char *name;
	struct folder *f;               /* f[0]: Top of Personal Folders */
	size_t n, cap;
	uint32_t next_folder, next_message;
	uint64_t empty_contents;        /* the contents template's data, shared */
	struct ccm_pst_namemap names;
	int failed;                     /* the first failure's code, 0 none */
	struct ccm_error failure;       /* and what it said */
};

struct ccm_pst_namemap *ccm_pst_names(struct ccm_pst *p)
{
	return &p->names;
}

int ccm_pst_failed(struct ccm_pst *p, struct ccm_error *err)
{
	if (p->failed && err)
		*err = p->failure;
	return p->failed;
}

int ccm_pst_fail(struct ccm_pst *p, int rc, const struct ccm_error *err)
{
	if (rc >= 0 || p->failed)
		return rc;
	p->failed = rc;
	if (err)
		p->failure = *err;
	else
		ccm_error_set(&p->failure, rc, "PST file '%s': %s", p->name, ccm_strerror(rc));
	return rc;
}

struct ccm_pst_ndb *ccm_pst_ndb_of(struct ccm_pst *p)
{
	return p->w;
}

uint32_t ccm_pst_next_message_nid(struct ccm_pst *p)
{
	return NID(p->next_message++, NT_NORMAL_MESSAGE);
}

static struct folder *add(struct ccm_pst *p, uint32_t nid, uint32_t parent, const char *name,
			  int role)
{
	struct folder *f;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		struct folder *v = realloc(p->f, cap * sizeof(*v));

		if (!v)
			return NULL;
		p->f = v;
		p->cap = cap;
	}
	f = &p->f[p->n];
	memset(f, 0, sizeof(*f));
	if (!(f->name = strdup(name)))
		return NULL;
	f->nid = nid;
	f->parent = parent;
	f->role = role;
	p->n++;
	return f;
}

static struct folder *find(struct ccm_pst *p, uint32_t nid)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->f[i].nid == nid)
			return &p->f[i];
	return NULL;
}

int ccm_pst_open(struct ccm_pst **out, const char *path, const char *display_name,
		 const unsigned char uid[16], struct ccm_error *err)
{
	struct ccm_pst *p = calloc(1, sizeof(*p));
	int rc;

	*out = NULL;
	if (!p || !(p->name = strdup(display_name))) {
		free(p);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	memcpy(p->uid, uid, 16);
	ccm_pst_namemap_init(&p->names);
	ccm_pst_contact_names(&p->names);
	/* Folders after Outlook's first ones (0x8022: index 0x401), messages
	 * from index 0x10000, as Outlook numbers them. */
	p->next_folder = (NID_TOP_FOLDER >> 5) + 1;
	p->next_message = 0x10000;
	if (!add(p, NID_TOP_FOLDER, NID_ROOT_FOLDER, "Top of Personal Folders", CCM_PST_FOLDER)) {
		ccm_pst_abort(p);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	if ((rc = ccm_pst_ndb_create(&p->w, path, err)) < 0) {
		ccm_pst_abort(p);
		return rc;
	}
	*out = p;
	return 0;
}

static int folder_add(uint32_t *nid, struct ccm_pst *p, uint32_t parent, const char *name,
		      enum ccm_pst_role role, struct ccm_error *err)
{
	struct folder *up = find(p, parent ? parent : NID_TOP_FOLDER);
	uint32_t up_nid;

	if (!up)
		return ccm_error_set(err, CCM_EINVAL, "PST folder '%s': no parent folder 0x%x",
				     name, parent);
	if (p->next_folder >= (1u << 26))
		return ccm_error_set(err, CCM_ELIMIT, "PST folder '%s': too many folders", name);
	up->children++;
	up_nid = up->nid;               /* add() may move the array */
	*nid = NID(p->next_folder++, NT_NORMAL_FOLDER);
	if (!add(p, *nid, up_nid, name, role))
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	return 0;
}

int ccm_pst_folder_add(uint32_t *nid, struct ccm_pst *p, uint32_t parent, const char *name,
		       enum ccm_pst_role role, struct ccm_error *err)
{
	int rc = ccm_pst_failed(p, err);

	return rc < 0 ? rc : ccm_pst_fail(p, folder_add(nid, p, parent, name, role, err), err);
}

/* The columns of folder f's contents table: those of a contacts folder
 * (made once, kept with the folder) or those of every folder. */
static int contents_cols(const struct ccm_pst_col **cols, size_t *n, struct ccm_pst *p,
			 struct folder *f, struct ccm_error *err)
{
	*cols = ccm_pst_cols_contents;
	*n = ccm_pst_n_contents;
	if (f->role != CCM_PST_CONTACTS)
		return 0;
	if (!f->cols && !(f->cols = ccm_pst_contact_cols(p, &f->n_cols)))
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	*cols = f->cols;
	*n = f->n_cols;
	return 0;
}

int ccm_pst_folder_row(struct ccm_pst *p, uint32_t folder, uint32_t nid,
		       struct ccm_pst_plist *row, int read, struct ccm_error *err)
{
	struct folder *f = find(p, folder);
	const struct ccm_pst_col *cols;
	size_t n;
	int rc;

	if (!f || f->done)
		return ccm_error_set(err, CCM_EINVAL, "PST folder 0x%x: %s", folder,
				     f ? "its contents table is written already" : "no such folder");
	if ((rc = contents_cols(&cols, &n, p, f, err)) < 0)
		return rc;
	if (!f->contents && (rc = ccm_pst_contents_begin(&f->contents, p->w, cols, n, err)) < 0)
		return rc;
	if ((rc = ccm_pst_contents_row(f->contents, nid, ccm_pst_plist_row(row, cols, n),
				       err)) < 0)
		return rc;
	f->count++;
	f->unread += !read;
	return 0;
}

static int write_contents(struct ccm_pst *p, struct folder *f, struct ccm_error *err)
{
	uint64_t data = p->empty_contents, sub = 0;
	const struct ccm_pst_col *cols;
	size_t n;
	int rc;

	f->done = 1;
	/* A contacts folder with no contacts still has its own columns. */
	if ((rc = contents_cols(&cols, &n, p, f, err)) == 0 && !f->contents &&
	    cols != ccm_pst_cols_contents)
		rc = ccm_pst_contents_begin(&f->contents, p->w, cols, n, err);
	if (rc == 0 && f->contents)
		rc = ccm_pst_contents_end(&data, &sub, f->contents, err);
	else
		ccm_pst_contents_abort(f->contents);
	f->contents = NULL;
	free(f->cols);
	f->cols = NULL;
	if (rc == 0)
		rc = ccm_pst_ndb_add_node(p->w, (f->nid & ~0x1Fu) | NT_CONTENTS_TABLE, data, sub,
					  0, err);
	return rc;
}

/* An empty table of columns cols: written once, its data shared. */
static int empty_table(uint64_t *data, struct ccm_pst *p, const struct ccm_pst_col *cols,
		       size_t n, struct ccm_error *err)
{
	struct ccm_pst_rows r = { CCM_BUF_INIT, 0 };
	struct ccm_pst_sublist l = { NULL, 0, 0 };
	uint32_t next = 1;
	int rc = ccm_pst_put_table(data, &l, p->w, cols, n, &r, &next, err);

	ccm_pst_sublist_release(&l);
	return rc;
}

static int folder_done(struct ccm_pst *p, uint32_t nid, struct ccm_error *err)
{
	struct folder *f = find(p, nid);
	int rc;

	if (!f || f->done)
		return ccm_error_set(err, CCM_EINVAL, "PST folder 0x%x: %s", nid,
				     f ? "done already" : "no such folder");
	if (!p->empty_contents &&
	    (rc = empty_table(&p->empty_contents, p, ccm_pst_cols_contents, ccm_pst_n_contents,
			      err)) < 0)
		return rc;
	return write_contents(p, f, err);
}

int ccm_pst_folder_done(struct ccm_pst *p, uint32_t nid, struct ccm_error *err)
{
	int rc = ccm_pst_failed(p, err);

	return rc < 0 ? rc : ccm_pst_fail(p, folder_done(p, nid, err), err);
}

/* An entry id ([MS-PST] 2.4.3.2): flags, the store's uid, the NID. */
void ccm_pst_entry_id(unsigned char out[24], const struct ccm_pst *p, uint32_t nid)
{
	memset(out, 0, 4);
	memcpy(out + 4, p->uid, 16);
	for (int k = 0; k < 4; k++)
		out[20 + k] = (unsigned char)(nid >> (8 * k));
}

/* The properties a folder's PC and its row in its parent's hierarchy
 * table share. */
static void folder_props(struct ccm_pst_plist *l, const struct folder *f, int root)
{
	ccm_pst_plist_str(l, 0x3001, root ? "" : f->name);             /* PR_DISPLAY_NAME */
	ccm_pst_plist_long(l, 0x3602, (int32_t)f->count);             /* PR_CONTENT_COUNT */
	ccm_pst_plist_long(l, 0x3603, (int32_t)f->unread);            /* PR_CONTENT_UNREAD */
	ccm_pst_plist_bool(l, 0x360A, f->children > 0);               /* PR_SUBFOLDERS */
	if (!root && f->nid != NID_TOP_FOLDER)                        /* PR_CONTAINER_CLASS */
		ccm_pst_plist_str(l, 0x3613, f->role == CCM_PST_CONTACTS ? "IPF.Contact" : "IPF.Note");
}

/* The entry ids of the special folders Outlook looks for on the root
 * folder and on the Inbox ([MS-OXOSFLD] 2.2.2: PR_IPM_DRAFTS_ENTRYID,
 * PR_IPM_CONTACT_ENTRYID). */
static void special_ids(struct ccm_pst_plist *l, const struct ccm_pst *p)
{
	static const struct { int role; uint16_t id; } known[] = {
		{ CCM_PST_CONTACTS, 0x36D1 }, { CCM_PST_DRAFTS, 0x36D7 },
	};
	unsigned char eid[24];

	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		for (size_t i = 0; i < p->n; i++) {
			if (p->f[i].role != known[k].role || p->f[i].parent != NID_TOP_FOLDER)
				continue;
			ccm_pst_entry_id(eid, p, p->f[i].nid);
			ccm_pst_plist_bytes(l, known[k].id, CCM_PST_PT_BINARY, eid, 24);
			break;
		}
	}
}

static int write_pc(struct ccm_pst *p, uint32_t nid, uint32_t parent, struct ccm_pst_plist *l,
		    struct ccm_error *err)
{
	struct ccm_pst_sublist sl = { NULL, 0, 0 };
	uint64_t data = 0, sub = 0;
	uint32_t next = 1;
	int rc = ccm_pst_put_pc(&data, &sl, p->w, l, &next, err);

	if (rc == 0)
		rc = ccm_pst_sublist_put(&sub, &sl, p->w, err);
	ccm_pst_sublist_release(&sl);
	return rc < 0 ? rc : ccm_pst_ndb_add_node(p->w, nid, data, sub, parent, err);
}

/* A folder's PC, hierarchy table (a row per child) and, unless done,
 * contents table; and its empty associated contents table. */
static int write_folder(struct ccm_pst *p, const struct folder *f, int root,
			uint64_t empty_assoc, struct ccm_error *err)
{
	struct ccm_pst_plist l;
	struct ccm_pst_rows rows = { CCM_BUF_INIT, 0 };
	struct ccm_pst_sublist sl = { NULL, 0, 0 };
	uint32_t nid = root ? NID_ROOT_FOLDER : f->nid, next = 1;
	uint64_t data = 0, sub = 0;
	int rc;

	ccm_pst_plist_init(&l);
	folder_props(&l, f, root);
	if (root || (f->role == CCM_PST_INBOX && f->parent == NID_TOP_FOLDER))
		special_ids(&l, p);
	rc = write_pc(p, nid, root ? NID_ROOT_FOLDER : f->parent, &l, err);
	for (size_t i = 0; rc == 0 && i < p->n; i++) {
		const struct folder *c = &p->f[i];

		if (root ? c->nid != NID_TOP_FOLDER : c->parent != f->nid || c->nid == f->nid)
			continue;
		ccm_pst_plist_release(&l);
		ccm_pst_plist_init(&l);
		folder_props(&l, c, 0);
		ccm_pst_rows_add(&rows, c->nid, &l);
	}
	ccm_pst_plist_release(&l);
	if (rc == 0)
		rc = ccm_pst_put_table(&data, &sl, p->w, ccm_pst_cols_hierarchy,
				       ccm_pst_n_hierarchy, &rows, &next, err);
	if (rc == 0)
		rc = ccm_pst_sublist_put(&sub, &sl, p->w, err);
	ccm_pst_sublist_release(&sl);
	ccm_pst_rows_release(&rows);
	if (rc == 0)
		rc = ccm_pst_ndb_add_node(p->w, (nid & ~0x1Fu) | NT_HIERARCHY_TABLE, data, sub, 0,
					  err);
	if (rc == 0 && root)
		rc = ccm_pst_ndb_add_node(p->w, (nid & ~0x1Fu) | NT_CONTENTS_TABLE,
					  p->empty_contents, 0, 0, err);
	if (rc == 0)
		rc = ccm_pst_ndb_add_node(p->w, (nid & ~0x1Fu) | NT_ASSOC_CONTENTS_TABLE,
					  empty_assoc, 0, 0, err);
	return rc;
}

/* The message store ([MS-PST] 2.4.3): its name, record key, the entry
 * ids of its well-known folders and which of them are valid. */
static int write_store(struct ccm_pst *p, struct ccm_error *err)
{
	static const struct { int role; uint16_t id; uint32_t mask; } known[] = {
		{ CCM_PST_DELETED, 0x35E3, 0x08 },   /* PR_IPM_WASTEBASKET_ENTRYID */
		{ CCM_PST_SENT, 0x35E4, 0x10 },      /* PR_IPM_SENTMAIL_ENTRYID */
		{ CCM_PST_OUTBOX, 0x35E2, 0x04 },    /* PR_IPM_OUTBOX_ENTRYID */
	};
	struct ccm_pst_plist l;
	unsigned char eid[24];
	uint32_t mask = 0x01;             /* FOLDER_IPM_SUBTREE_VALID */
	int rc;

	ccm_pst_plist_init(&l);
	ccm_pst_plist_bytes(&l, 0x0FF9, CCM_PST_PT_BINARY, p->uid, 16);   /* PR_RECORD_KEY */
	ccm_pst_plist_str(&l, 0x3001, p->name);
	ccm_pst_entry_id(eid, p, NID_TOP_FOLDER);
	ccm_pst_plist_bytes(&l, 0x35E0, CCM_PST_PT_BINARY, eid, 24);       /* PR_IPM_SUBTREE_ENTRYID */
	for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		for (size_t i = 0; i < p->n; i++) {
			if (p->f[i].role != known[k].role || p->f[i].parent != NID_TOP_FOLDER)
				continue;
			ccm_pst_entry_id(eid, p, p->f[i].nid);
			ccm_pst_plist_bytes(&l, known[k].id, CCM_PST_PT_BINARY, eid, 24);
			mask |= known[k].mask;
			break;
		}
	}
	ccm_pst_plist_long(&l, 0x35DF, (int32_t)mask);                    /* PR_VALID_FOLDER_MASK */
	ccm_pst_plist_long(&l, 0x67FF, 0);                                /* PR_PST_PASSWORD */
	rc = write_pc(p, 0x21, 0, &l, err);
	ccm_pst_plist_release(&l);
	return rc;
}

/* The name-to-id map ([MS-PST] 2.4.7, pst/namemap.h). */
static int write_name_map(struct ccm_pst *p, struct ccm_error *err)
{
	struct ccm_pst_prop *props = NULL;
	struct ccm_buf hold = CCM_BUF_INIT;
	struct ccm_pst_sublist sl = { NULL, 0, 0 };
	struct ccm_pst_node_out o;
	uint64_t data = 0, sub = 0;
	uint32_t next = 1;
	size_t n;
	int rc = ccm_pst_namemap_props(&props, &n, &hold, &p->names, err);

	if (rc == 0)
		rc = ccm_pst_pc_build(&o, props, n, &next, err);
	if (rc == 0)
		rc = ccm_pst_put_built(&data, &sl, p->w, &o, err);
	if (rc == 0)
		rc = ccm_pst_sublist_put(&sub, &sl, p->w, err);
	ccm_pst_sublist_release(&sl);
	free(props);
	ccm_buf_release(&hold);
	return rc < 0 ? rc : ccm_pst_ndb_add_node(p->w, 0x61, data, sub, 0, err);
}

static int write_fixed(struct ccm_pst *p, struct ccm_error *err)
{
	static const struct { uint32_t nid; const struct ccm_pst_col *cols; const size_t *n; } tmpl[] = {
		{ 0x60D, ccm_pst_cols_hierarchy, &ccm_pst_n_hierarchy },
		{ 0x60F, ccm_pst_cols_assoc, &ccm_pst_n_assoc },
		{ 0x610, ccm_pst_cols_search, &ccm_pst_n_search },
		{ NID_ATTACHMENT_TABLE, ccm_pst_cols_attach, &ccm_pst_n_attach },
		{ NID_RECIPIENT_TABLE, ccm_pst_cols_recip, &ccm_pst_n_recip },
	};
	/* The search nodes Outlook keeps (queue, activity list, domain):
	 * empty in a new file. */
	static const uint32_t empty_nodes[] = { 0x1E1, 0x201, 0x261 };
	uint64_t empty_assoc = 0, bid;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(tmpl) / sizeof(tmpl[0]); i++) {
		rc = empty_table(&bid, p, tmpl[i].cols, *tmpl[i].n, err);
		if (rc == 0)
			rc = ccm_pst_ndb_add_node(p->w, tmpl[i].nid, bid, 0, 0, err);
		if (tmpl[i].nid == 0x60F)
			empty_assoc = bid;
	}
	if (rc == 0)
		rc = ccm_pst_ndb_add_node(p->w, 0x60E, p->empty_contents, 0, 0, err);
	for (size_t i = 0; rc == 0 && i < sizeof(empty_nodes) / sizeof(empty_nodes[0]); i++)
		rc = ccm_pst_ndb_add_node(p->w, empty_nodes[i], 0, 0, 0, err);
	if (rc == 0)
		rc = write_store(p, err);
	if (rc == 0)
		rc = write_name_map(p, err);
	if (rc == 0)
		rc = write_folder(p, &p->f[0], 1, empty_assoc, err);
	for (size_t i = 0; rc == 0 && i < p->n; i++) {
		if (!p->f[i].done)
			rc = write_contents(p, &p->f[i], err);
		if (rc == 0)
			rc = write_folder(p, &p->f[i], 0, empty_assoc, err);
	}
	return rc;
}

static void free_folders(struct ccm_pst *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->f[i].name);
		free(p->f[i].cols);
		ccm_pst_contents_abort(p->f[i].contents);
	}
	free(p->f);
	free(p->name);
	ccm_pst_namemap_release(&p->names);
	free(p);
}

int ccm_pst_finish(struct ccm_pst *p, struct ccm_error *err)
{
	int rc = ccm_pst_failed(p, err);

	if (rc == 0 && !p->empty_contents)
		rc = empty_table(&p->empty_contents, p, ccm_pst_cols_contents,
				 ccm_pst_n_contents, err);
	if (rc == 0)
		rc = write_fixed(p, err);
	if (rc == 0) {
		rc = ccm_pst_ndb_finish(p->w, err);
	} else {
		ccm_pst_ndb_abort(p->w);
	}
	free_folders(p);
	return rc;
}

void ccm_pst_abort(struct ccm_pst *p)
{
	if (!p)
		return;
	ccm_pst_ndb_abort(p->w);
	free_folders(p);
}
