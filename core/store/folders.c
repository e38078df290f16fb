/* folders.c: folder paths of mailboxes and of the public folder tree. */
#include "store/folders.h"
#include "store/recipients.h"
#include "store/store_int.h"

#include <assert.h>
#include <string.h>
#include <strings.h>

/* The names the MAILMESSAGE Folder column maps to well-known folders
 * (spec 4.4), with the name each is stored under. */
static const struct {
	const char *name;
	int special;
} well_known[] = {
	{ "Inbox", CCM_FOLDER_INBOX },
	{ "Outbox", CCM_FOLDER_OUTBOX },
	{ "Sent Items", CCM_FOLDER_SENT },
	{ "Deleted Items", CCM_FOLDER_DELETED },
	{ "Drafts", CCM_FOLDER_DRAFTS },
};

static const char *const special_names[] = {
	NULL, "inbox", "outbox", "sent", "deleted", "drafts"
};

const char *ccm_folder_special_name(int special)
{
	if (special <= CCM_FOLDER_NORMAL || special > CCM_FOLDER_DRAFTS)
		return NULL;
	return special_names[special];
}

static int special_parse(const char *s)
{
	for (int i = 1; s && i <= CCM_FOLDER_DRAFTS; i++)
		if (!strcmp(s, special_names[i]))
			return i;
	return CCM_FOLDER_NORMAL;
}

void ccm_store_folder_cache_clear(struct ccm_store *s)
{
	s->fc_owner = -1;
	s->fc_id = 0;
	ccm_buf_reset(&s->fc_path);
}

/*
 * The components of `path`, trimmed, empty ones left out, joined by '\'
 * into out; *special is the well-known folder a mailbox's first
 * component names (whose canonical name replaces it). Returns the number
 * of components.
 */
static int normalize(const char *path, int mailbox, struct ccm_buf *out,
		     int *special)
{
	int n = 0;

	ccm_buf_reset(out);
	*special = CCM_FOLDER_NORMAL;
	while (path && *path) {
		const char *e = strchr(path, '\\');
		size_t len = e ? (size_t)(e - path) : strlen(path);
		const char *p = path;

		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len) {
			if (n)
				ccm_buf_addch(out, '\\');
			if (n == 0 && mailbox)
				for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++)
					if (strlen(well_known[i].name) == len &&
					    !strncasecmp(well_known[i].name, p, len)) {
						*special = well_known[i].special;
						p = well_known[i].name;
						break;
					}
			ccm_buf_add(out, p, len);
			n++;
		}
		path = e ? e + 1 : NULL;
	}
	return n;
}

void ccm_store_folder_path(struct ccm_buf *out, const char *path, int mailbox)
{
	int special, n = normalize(path, mailbox, out, &special);

	if (n == 0 && mailbox)
		ccm_buf_adds(out, "Inbox");
}

/* The folder of `owner` (0: public) whose path folds to key: 1 and *id. */
static int find(struct ccm_store *s, long long owner, const char *key,
		long long *id, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_FOLDER_FIND,
		"SELECT id FROM folders WHERE ifnull(mailbox_id, 0) = ?1 "
		"AND path_key = ?2", err);

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, owner);
	ccm_bind_text(st, 2, key);
	return ccm_st_one_id(s, st, id, err, "looking up a folder");
}

static int insert(struct ccm_store *s, long long owner, long long parent,
		  const char *name, size_t name_len, const char *path,
		  const char *key, int special, long long *id,
		  struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_FOLDER_INSERT,
		"INSERT INTO folders (mailbox_id, parent_id, name, path, path_key, "
		"special) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	ccm_bind_id(st, 1, owner);
	ccm_bind_id(st, 2, parent);
	sqlite3_bind_text(st, 3, name, (int)name_len, SQLITE_STATIC);
	ccm_bind_text(st, 4, path);
	ccm_bind_text(st, 5, key);
	ccm_bind_text(st, 6, ccm_folder_special_name(special));
	if ((rc = ccm_st_run(s, st, err, "creating a folder")) < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int ensure(struct ccm_store *s, long long owner, const char *path,
		  long long *id, struct ccm_error *err)
{
	struct ccm_buf norm = CCM_BUF_INIT, prefix = CCM_BUF_INIT;
	int special, n, rc;
	long long parent = 0;

	if (s->fc_owner == owner && s->fc_id && !strcmp(s->fc_path.ptr, path ? path : "")) {
		*id = s->fc_id;
		return 0;
	}
	n = normalize(path, owner != 0, &norm, &special);
	if (n == 0 && owner == 0) {
		rc = ccm_error_set(err, CCM_EINVAL,
				   "a public folder needs a name ('%s')", path ? path : "");
		goto done;
	}
	if (n == 0) {
		ccm_buf_adds(&norm, "Inbox");
		special = CCM_FOLDER_INBOX;
	}
	ccm_store_fold(&s->key, norm.ptr);
	if ((rc = find(s, owner, s->key.ptr, id, err)) < 0)
		goto done;
	if (rc == 0) {
		int kind = CCM_RECIP_MAILBOX;

		if (owner && (rc = ccm_store_kind(s, owner, &kind, NULL, err)) < 0)
			goto done;
		if (kind != CCM_RECIP_MAILBOX) {
			rc = ccm_error_set(err, CCM_EINVAL,
					   "recipient %lld is %s, not a mailbox: it "
					   "has no folders", owner,
					   kind ? ccm_recip_kind_name(kind) : "missing");
			goto done;
		}
		/* Each level that is missing is made under the one above. */
		for (size_t at = 0; rc == 0 && at <= norm.len; at++) {
			const char *name;

			if (at < norm.len && norm.ptr[at] != '\\')
				continue;
			ccm_buf_set(&prefix, norm.ptr, at);
			name = strrchr(prefix.ptr, '\\');
			name = name ? name + 1 : prefix.ptr;
			ccm_store_fold(&s->key, prefix.ptr);
			if ((rc = find(s, owner, s->key.ptr, id, err)) < 0)
				break;
			if (rc == 0)
				rc = insert(s, owner, parent, name,
					    strlen(name), prefix.ptr, s->key.ptr,
					    parent ? CCM_FOLDER_NORMAL : special, id, err);
			else
				rc = 0;
			parent = *id;
		}
		if (rc < 0)
			goto done;
	}
	rc = 0;
	s->fc_owner = owner;
	s->fc_id = *id;
	ccm_buf_set(&s->fc_path, path ? path : "", path ? strlen(path) : 0);
done:
	ccm_buf_release(&norm);
	ccm_buf_release(&prefix);
	if (rc == CCM_ENOMEM && err && !err->msg[0])
		ccm_error_set(err, rc, "out of memory");
	return rc;
}

int ccm_store_folder_ensure(struct ccm_store *s, long long mailbox,
			    const char *path, long long *id,
			    struct ccm_error *err)
{
	assert(mailbox > 0);
	return ensure(s, mailbox, path, id, err);
}

int ccm_store_public_folder_ensure(struct ccm_store *s, const char *path,
				   long long *id, struct ccm_error *err)
{
	return ensure(s, 0, path, id, err);
}

int ccm_store_make_special_folders(struct ccm_store *s, long long mailbox,
				   struct ccm_error *err)
{
	static const char *const made[] = {
		"Inbox", "Sent Items", "Deleted Items", "Drafts"
	};
	long long id;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(made) / sizeof(made[0]); i++)
		rc = ensure(s, mailbox, made[i], &id, err);
	return rc;
}

int ccm_store_folder_set_recipient(struct ccm_store *s, long long folder,
				   long long rid, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_FOLDER_SET_RECIP,
		"UPDATE folders SET recipient_id = ?2 WHERE id = ?1", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, folder);
	ccm_bind_id(st, 2, rid);
	if ((rc = ccm_st_run(s, st, err, "linking a public folder")) < 0)
		return rc;
	if (sqlite3_changes(s->db) == 0)
		return ccm_error_set(err, CCM_ENOTFOUND, "no folder %lld", folder);
	return 0;
}

int ccm_store_folders(struct ccm_store_cursor **out, struct ccm_store *s,
		      long long mailbox, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_FOLDER,
		"SELECT id, mailbox_id, parent_id, recipient_id, name, path, special "
		"FROM folders WHERE ifnull(mailbox_id, 0) = ?1 ORDER BY path_key", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, mailbox);
	return rc;
}

int ccm_store_next_folder(struct ccm_store_cursor *c, struct ccm_folder *f,
			  struct ccm_error *err)
{
	int rc;

	assert(c->kind == CUR_FOLDER);
	if ((rc = ccm_cursor_step(c, err)) == 1) {
		f->id = sqlite3_column_int64(c->st, 0);
		f->mailbox_id = sqlite3_column_int64(c->st, 1);
		f->parent_id = sqlite3_column_int64(c->st, 2);
		f->recipient_id = sqlite3_column_int64(c->st, 3);
		f->name = ccm_col_text(c->st, 4);
		f->path = ccm_col_text(c->st, 5);
		f->special = special_parse(ccm_col_text(c->st, 6));
	}
	return rc;
}
