/* recipients.c: recipients of the store's directory, custom recipient conversion, lists. */
#include "store/recipients.h"
#include "store/store_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const kind_names[] = {
	NULL, "mailbox", "custom", "dl", "public"
};

const char *ccm_recip_kind_name(int kind)
{
	if (kind < CCM_RECIP_MAILBOX || kind > CCM_RECIP_PUBLIC)
		return NULL;
	return kind_names[kind];
}

int ccm_recip_kind_parse(const char *s)
{
	for (int k = CCM_RECIP_MAILBOX; s && k <= CCM_RECIP_PUBLIC; k++)
		if (!strcasecmp(s, kind_names[k]))
			return k;
	return 0;
}

/* The columns every recipient row is read with, in read_row's order. */
#define RECIP_COLS \
	"r.id, r.kind, r.alias, r.display_name, r.first_name, r.last_name, " \
	"r.target, r.comments, r.office, r.phone, r.ccmail_name, " \
	"r.ccmail_location, r.ccmail_po, r.dirsync_po, r.created_run, " \
	"r.updated_run, r.converted_run"

static void read_row(sqlite3_stmt *st, struct ccm_recipient *r)
{
	const char *loc;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->kind = ccm_recip_kind_parse(ccm_col_text(st, 1));
	r->alias = ccm_col_text(st, 2);
	r->display_name = ccm_col_text(st, 3);
	r->first_name = ccm_col_text(st, 4);
	r->last_name = ccm_col_text(st, 5);
	r->target = ccm_col_text(st, 6);
	r->comments = ccm_col_text(st, 7);
	r->office = ccm_col_text(st, 8);
	r->phone = ccm_col_text(st, 9);
	r->ccmail_name = ccm_col_text(st, 10);
	loc = ccm_col_text(st, 11);
	r->ccmail_location = loc ? loc[0] : 0;
	r->ccmail_po = ccm_col_text(st, 12);
	r->dirsync_po = ccm_col_text(st, 13);
	r->created_run = sqlite3_column_int64(st, 14);
	r->updated_run = sqlite3_column_int64(st, 15);
	r->converted_run = sqlite3_column_int64(st, 16);
}

/* Binds the ccmail_location code as one-character text, NULL for 0. */
static void bind_location(sqlite3_stmt *st, int i, char loc)
{
	if (loc)
		sqlite3_bind_text(st, i, &loc, 1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Who holds an alias: 1 and *id when someone does. */
static int alias_holder(struct ccm_store *s, const char *alias, long long *id,
			struct ccm_buf *display, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_ALIAS_HOLDER,
		"SELECT id, display_name FROM recipients WHERE alias = ?1", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	ccm_bind_text(st, 1, alias);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (display)
			ccm_buf_set(display, ccm_col_text(st, 1),
				    (size_t)sqlite3_column_bytes(st, 1));
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "looking up alias '%s'", alias);
	return 0;
}

int ccm_store_recipient_create(struct ccm_store *s, const struct ccm_recipient *r,
			       long long *id, struct ccm_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (!ccm_recip_kind_name(r->kind))
		return ccm_error_set(err, CCM_EINVAL, "unknown recipient kind %d", r->kind);
	if (!r->alias || !*r->alias || !r->display_name || !*r->display_name)
		return ccm_error_set(err, CCM_EINVAL,
				     "a recipient needs an alias and a display name "
				     "('%s', '%s')", r->alias ? r->alias : "",
				     r->display_name ? r->display_name : "");
	st = ccm_st(s, ST_RECIP_INSERT,
		"INSERT INTO recipients (kind, alias, display_name, first_name, "
		"last_name, target, comments, office, phone, ccmail_name, "
		"ccmail_location, ccmail_po, dirsync_po, created_run) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)", err);
	if (!st)
		return err ? err->code : CCM_EIO;
	ccm_bind_text(st, 1, kind_names[r->kind]);
	ccm_bind_text(st, 2, r->alias);
	ccm_bind_text(st, 3, r->display_name);
	ccm_bind_text(st, 4, r->first_name);
	ccm_bind_text(st, 5, r->last_name);
	ccm_bind_text(st, 6, r->target);
	ccm_bind_text(st, 7, r->comments);
	ccm_bind_text(st, 8, r->office);
	ccm_bind_text(st, 9, r->phone);
	ccm_bind_text(st, 10, r->ccmail_name);
	bind_location(st, 11, r->ccmail_location);
	ccm_bind_text(st, 12, r->ccmail_po);
	ccm_bind_text(st, 13, r->dirsync_po);
	ccm_bind_id(st, 14, s->run_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		long long holder = 0;
		struct ccm_buf d = CCM_BUF_INIT;

		if ((rc & 0xFF) == SQLITE_CONSTRAINT &&
		    alias_holder(s, r->alias, &holder, &d, NULL) == 1) {
			rc = ccm_error_set(err, CCM_EEXISTS,
					   "alias '%s' for '%s' is taken by '%s' "
					   "(recipient %lld); choose another alias",
					   r->alias, r->display_name, d.ptr, holder);
			ccm_buf_release(&d);
			return rc;
		}
		return ccm_st_fail(s, rc, err, "creating recipient '%s'", r->alias);
	}
	*id = sqlite3_last_insert_rowid(s->db);
	if (r->kind == CCM_RECIP_MAILBOX)
		return ccm_store_make_special_folders(s, *id, err);
	return 0;
}

int ccm_store_recipient_update(struct ccm_store *s, const struct ccm_recipient *r,
			       struct ccm_error *err)
{
	/* One statement that writes only when something differs (IS NOT
	 * compares NULLs too), so an unchanged rerun writes nothing. */
	sqlite3_stmt *st = ccm_st(s, ST_RECIP_UPDATE,
		"UPDATE recipients SET display_name = ?2, first_name = ?3, "
		"last_name = ?4, target = ?5, comments = ?6, office = ?7, "
		"phone = ?8, ccmail_name = ?9, ccmail_location = ?10, "
		"ccmail_po = ?11, dirsync_po = coalesce(?12, dirsync_po), "
		"updated_run = ?13 "
		"WHERE id = ?1 AND (display_name IS NOT ?2 OR first_name IS NOT ?3 "
		"OR last_name IS NOT ?4 OR target IS NOT ?5 OR comments IS NOT ?6 "
		"OR office IS NOT ?7 OR phone IS NOT ?8 OR ccmail_name IS NOT ?9 "
		"OR ccmail_location IS NOT ?10 OR ccmail_po IS NOT ?11 "
		"OR dirsync_po IS NOT coalesce(?12, dirsync_po))", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	if (!r->display_name || !*r->display_name)
		return ccm_error_set(err, CCM_EINVAL,
				     "recipient %lld needs a display name", r->id);
	sqlite3_bind_int64(st, 1, r->id);
	ccm_bind_text(st, 2, r->display_name);
	ccm_bind_text(st, 3, r->first_name);
	ccm_bind_text(st, 4, r->last_name);
	ccm_bind_text(st, 5, r->target);
	ccm_bind_text(st, 6, r->comments);
	ccm_bind_text(st, 7, r->office);
	ccm_bind_text(st, 8, r->phone);
	ccm_bind_text(st, 9, r->ccmail_name);
	bind_location(st, 10, r->ccmail_location);
	ccm_bind_text(st, 11, r->ccmail_po);
	ccm_bind_text(st, 12, r->dirsync_po);
	ccm_bind_id(st, 13, s->run_id);
	if ((rc = ccm_st_run(s, st, err, "updating a recipient")) < 0)
		return rc;
	if (sqlite3_changes(s->db) > 0)
		return 1;
	{
		int kind;
		if ((rc = ccm_store_kind(s, r->id, &kind, NULL, err)) < 0)
			return rc;
		if (kind == 0)
			return ccm_error_set(err, CCM_ENOTFOUND,
					     "no recipient %lld to update", r->id);
	}
	return 0;
}

void ccm_recipient_release(struct ccm_recipient *r)
{
	free(r->mem_);
	memset(r, 0, sizeof(*r));
}

/* Copies the strings of a borrowed row into one block owned by r. */
static int own_strings(struct ccm_recipient *r)
{
	const char **f[] = {
		&r->alias, &r->display_name, &r->first_name, &r->last_name,
		&r->target, &r->comments, &r->office, &r->phone,
		&r->ccmail_name, &r->ccmail_po, &r->dirsync_po
	};
	size_t total = 1;
	char *p;

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (*f[i])
			total += strlen(*f[i]) + 1;
	if (!(p = malloc(total)))
		return CCM_ENOMEM;
	r->mem_ = p;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (*f[i]) {
			size_t n = strlen(*f[i]) + 1;
			memcpy(p, *f[i], n);
			*f[i] = p;
			p += n;
		}
	return 0;
}

int ccm_store_recipient_get(struct ccm_recipient *out, struct ccm_store *s,
			    long long id, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_RECIP_GET,
		"SELECT " RECIP_COLS " FROM recipients r WHERE r.id = ?1", err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_row(st, out);
		rc = own_strings(out);
		sqlite3_reset(st);
		if (rc < 0) {
			memset(out, 0, sizeof(*out));
			return ccm_error_set(err, rc, "out of memory reading recipient %lld", id);
		}
		return 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "reading recipient %lld", id);
	return 0;
}

int ccm_store_kind(struct ccm_store *s, long long id, int *kind,
			  struct ccm_buf *target_type, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_RECIP_KIND,
		"SELECT kind, target FROM recipients WHERE id = ?1", err);
	int rc;

	*kind = 0;
	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *t = ccm_col_text(st, 1);
		*kind = ccm_recip_kind_parse(ccm_col_text(st, 0));
		if (target_type) {
			const char *colon = t ? strchr(t, ':') : NULL;
			ccm_buf_reset(target_type);
			if (colon)
				ccm_buf_add(target_type, t, (size_t)(colon - t));
		}
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "reading recipient %lld", id);
	return 0;
}

int ccm_store_convert_to_mailbox(struct ccm_store *s, long long id,
				 struct ccm_error *err)
{
	struct ccm_buf type = CCM_BUF_INIT;
	sqlite3_stmt *st;
	int kind, rc;

	if ((rc = ccm_store_kind(s, id, &kind, &s->key2, err)) < 0)
		return rc;
	if (kind == 0)
		return ccm_error_set(err, CCM_ENOTFOUND, "no recipient %lld to convert", id);
	if (kind != CCM_RECIP_CUSTOM)
		return ccm_error_set(err, CCM_EINVAL,
				     "recipient %lld is a %s, not a custom recipient: "
				     "only custom recipients are converted to "
				     "mailboxes", id, ccm_recip_kind_name(kind));
	/* The addresses mail was sent to become addresses mail is matched
	 * by: the old cc:Mail address stays, as a secondary one (Q253306). */
	if ((rc = ccm_store_norm_type(&type, s->key2.len ? s->key2.ptr : "CCMAIL")) < 0)
		rc = ccm_store_norm_type(&type, "CCMAIL");
	st = ccm_st(s, ST_RECIP_DEMOTE,
		"UPDATE addresses SET is_primary = 0 "
		"WHERE recipient_id = ?1 AND type = ?2 AND is_primary", err);
	if (!st) {
		ccm_buf_release(&type);
		return err ? err->code : CCM_EIO;
	}
	sqlite3_bind_int64(st, 1, id);
	ccm_bind_text(st, 2, type.ptr);
	rc = ccm_st_run(s, st, err, "keeping the custom recipient's address");
	ccm_buf_release(&type);
	if (rc < 0)
		return rc;
	st = ccm_st(s, ST_RECIP_CONVERT,
		"UPDATE recipients SET kind = 'mailbox', target = NULL, "
		"converted_run = ?2, updated_run = ?2 WHERE id = ?1", err);
	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, id);
	ccm_bind_id(st, 2, s->run_id);
	if ((rc = ccm_st_run(s, st, err, "converting a custom recipient")) < 0)
		return rc;
	return ccm_store_make_special_folders(s, id, err);
}

int ccm_store_recipient_rename(struct ccm_store *s, long long id, const char *alias,
			       struct ccm_error *err)
{
	long long holder = 0;
	sqlite3_stmt *st;
	int rc;

	if (!alias || !*alias)
		return 0;
	if ((rc = alias_holder(s, alias, &holder, NULL, err)) != 0)
		return rc < 0 ? rc : 0;      /* this one's already, or another's */
	/* Rare: a policy renamed a user between runs. */
	if ((rc = sqlite3_prepare_v2(s->db, "UPDATE recipients SET alias = ?2, "
				     "updated_run = ?3 WHERE id = ?1", -1, &st,
				     NULL)) != SQLITE_OK)
		return ccm_st_fail(s, rc, err, "renaming recipient %lld", id);
	sqlite3_bind_int64(st, 1, id);
	ccm_bind_text(st, 2, alias);
	ccm_bind_id(st, 3, s->run_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "renaming recipient %lld", id);
	return sqlite3_changes(s->db) > 0;
}

int ccm_store_unique_alias(struct ccm_buf *out, struct ccm_store *s,
			   const char *base, struct ccm_error *err)
{
	long long holder;
	int rc;

	ccm_buf_reset(out);
	ccm_buf_adds(out, base);
	for (unsigned n = 2; (rc = alias_holder(s, out->ptr, &holder, NULL, err)) == 1; n++) {
		ccm_buf_reset(out);
		ccm_buf_addf(out, "%s%u", base, n);
	}
	return rc;
}

/* Appends field i (0-based) of a ';' list, trimmed. */
static void field(const char *s, int i, struct ccm_buf *out)
{
	const char *e;

	ccm_buf_reset(out);
	for (; i > 0 && s; i--)
		if ((s = strchr(s, ';')))
			s++;
	if (!s)
		return;
	e = strchr(s, ';');
	ccm_buf_add(out, s, e ? (size_t)(e - s) : strlen(s));
	ccm_buf_trim(out);
}

void ccm_store_comments_split(const char *comments, struct ccm_buf *office,
			      struct ccm_buf *phone)
{
	ccm_buf_reset(office);
	ccm_buf_reset(phone);
	/* A Comments field without ';' is a remark, not the site's
	 * alias;office;phone convention: it has no office or phone. */
	if (!comments || !strchr(comments, ';'))
		return;
	field(comments, 1, office);
	field(comments, 2, phone);
}

/* ---- addresses ---------------------------------------------------------- */

/*
 * Looks up address (type, key): 1 with the holder's id, kind, alias and
 * whether it is primary; 0 when nobody holds it.
 */
static int addr_lookup(struct ccm_store *s, const char *type, const char *key,
		       long long *rid, int *kind, int *primary,
		       struct ccm_buf *alias, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_ADDR_FIND,
		"SELECT a.recipient_id, r.kind, a.is_primary, r.alias "
		"FROM addresses a JOIN recipients r ON r.id = a.recipient_id "
		"WHERE a.type = ?1 AND a.match_key = ?2", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	ccm_bind_text(st, 1, type);
	ccm_bind_text(st, 2, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (rid)
			*rid = sqlite3_column_int64(st, 0);
		if (kind)
			*kind = ccm_recip_kind_parse(ccm_col_text(st, 1));
		if (primary)
			*primary = sqlite3_column_int(st, 2);
		if (alias)
			ccm_buf_set(alias, ccm_col_text(st, 3),
				    (size_t)sqlite3_column_bytes(st, 3));
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return ccm_st_fail(s, rc, err, "looking up address %s:%s", type, key);
	return 0;
}

/* Makes every address of `type` of `rid` secondary. */
static int clear_primary(struct ccm_store *s, long long rid, const char *type,
			 struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_ADDR_PRIMARY_CLEAR,
		"UPDATE addresses SET is_primary = 0 "
		"WHERE recipient_id = ?1 AND type = ?2 AND is_primary", err);

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, rid);
	ccm_bind_text(st, 2, type);
	return ccm_st_run(s, st, err, "changing the primary address");
}

int ccm_store_address_add(struct ccm_store *s, long long rid, const char *type,
			  const char *text, int primary, struct ccm_error *err)
{
	struct ccm_buf t = CCM_BUF_INIT, holder_alias = CCM_BUF_INIT;
	long long holder = 0;
	int is_primary = 0, rc;
	sqlite3_stmt *st;

	if ((rc = ccm_store_norm_type(&t, type)) == 0 && text)
		ccm_store_fold(&s->key, text);
	if (rc < 0 || !text || s->key.len == 0) {
		ccm_buf_release(&t);
		return ccm_error_set(err, CCM_EINVAL,
				     "bad address '%s:%s': it needs a type and text",
				     type ? type : "", text ? text : "");
	}
	rc = addr_lookup(s, t.ptr, s->key.ptr, &holder, NULL, &is_primary,
			 &holder_alias, err);
	if (rc == 1 && holder != rid) {
		rc = ccm_error_set(err, CCM_EEXISTS,
				   "address %s:%s is not unique: recipient '%s' "
				   "(%lld) has it already (event 238)", t.ptr, text,
				   holder_alias.ptr, holder);
	} else if (rc == 1) {
		rc = 1;
		if (primary && !is_primary) {
			sqlite3_stmt *sp;
			if ((rc = clear_primary(s, rid, t.ptr, err)) == 0 &&
			    (sp = ccm_st(s, ST_ADDR_SET_PRIMARY,
					 "UPDATE addresses SET is_primary = 1 "
					 "WHERE type = ?1 AND match_key = ?2", err))) {
				ccm_bind_text(sp, 1, t.ptr);
				ccm_bind_text(sp, 2, s->key.ptr);
				rc = ccm_st_run(s, sp, err, "making an address primary");
				if (rc == 0)
					rc = 1;
			} else if (rc == 0) {
				rc = err ? err->code : CCM_EIO;
			}
		}
	} else if (rc == 0) {
		if (primary)
			rc = clear_primary(s, rid, t.ptr, err);
		if (rc == 0 && !(st = ccm_st(s, ST_ADDR_INSERT,
			"INSERT INTO addresses (recipient_id, type, address, "
			"match_key, is_primary) VALUES (?1, ?2, ?3, ?4, ?5)", err)))
			rc = err ? err->code : CCM_EIO;
		else if (rc == 0) {
			sqlite3_bind_int64(st, 1, rid);
			ccm_bind_text(st, 2, t.ptr);
			ccm_bind_text(st, 3, text);
			ccm_bind_text(st, 4, s->key.ptr);
			sqlite3_bind_int(st, 5, primary ? 1 : 0);
			rc = ccm_st_run(s, st, err, "adding an address");
		}
	}
	ccm_buf_release(&t);
	ccm_buf_release(&holder_alias);
	return rc;
}

int ccm_store_find_address(struct ccm_store *s, const char *type,
			   const char *text, long long *id, int *kind,
			   struct ccm_error *err)
{
	struct ccm_buf t = CCM_BUF_INIT;
	int rc;

	if (ccm_store_norm_type(&t, type) < 0 || !text) {
		ccm_buf_release(&t);
		return ccm_error_set(err, CCM_EINVAL, "an address needs a type and text");
	}
	ccm_store_fold(&s->key, text);
	rc = addr_lookup(s, t.ptr, s->key.ptr, id, kind, NULL, NULL, err);
	ccm_buf_release(&t);
	return rc;
}

int ccm_store_find_source(struct ccm_store *s, const char *source,
			  long long *id, int *kind, struct ccm_error *err)
{
	const char *colon;
	struct ccm_buf type = CCM_BUF_INIT;
	int rc;

	while (source && *source == ' ')
		source++;
	if (source && !strncasecmp(source, "MIGRATE:", 8))
		source += 8;
	if (!source || !(colon = strchr(source, ':')) || colon == source)
		return ccm_error_set(err, CCM_EINVAL,
				     "source address '%s' has no 'TYPE:' (as in "
				     "'CCMAIL:Smith, John at SALESPO')",
				     source ? source : "");
	/* (a) a MIGRATE proxy equal to the source address, then (b) an
	 * address of the source's own type (spec 4.8). */
	rc = ccm_store_find_address(s, "MIGRATE", source, id, kind, err);
	if (rc != 0)
		return rc;
	ccm_buf_add(&type, source, (size_t)(colon - source));
	rc = ccm_store_find_address(s, type.ptr, colon + 1, id, kind, err);
	ccm_buf_release(&type);
	return rc;
}

/* ---- lists -------------------------------------------------------------- */

int ccm_store_dl_add(struct ccm_store *s, long long dl, long long member,
		     struct ccm_error *err)
{
	sqlite3_stmt *st;
	int kind, rc;

	if ((rc = ccm_store_kind(s, dl, &kind, NULL, err)) < 0)
		return rc;
	if (kind != CCM_RECIP_DL || dl == member)
		return ccm_error_set(err, CCM_EINVAL,
				     kind != CCM_RECIP_DL
				     ? "recipient %lld is not a distribution list"
				     : "list %lld cannot be a member of itself", dl);
	if (!(st = ccm_st(s, ST_DL_INSERT,
			  "INSERT OR IGNORE INTO dl_members (dl_id, member_id) "
			  "VALUES (?1, ?2)", err)))
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, dl);
	sqlite3_bind_int64(st, 2, member);
	if ((rc = ccm_st_run(s, st, err, "adding a list member")) < 0)
		return rc;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

int ccm_store_dl_remove(struct ccm_store *s, long long dl, long long member,
			struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_DL_DELETE,
		"DELETE FROM dl_members WHERE dl_id = ?1 AND member_id = ?2", err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, dl);
	sqlite3_bind_int64(st, 2, member);
	if ((rc = ccm_st_run(s, st, err, "removing a list member")) < 0)
		return rc;
	return sqlite3_changes(s->db) > 0 ? 1 : 0;
}

/* ---- cursors ------------------------------------------------------------ */

int ccm_store_recipients(struct ccm_store_cursor **out, struct ccm_store *s,
			 int kind, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_RECIPIENT, "SELECT " RECIP_COLS " FROM recipients r "
		"WHERE ?1 IS NULL OR r.kind = ?1 ORDER BY r.id", err);

	if (rc == 0)
		ccm_bind_text((*out)->st, 1, ccm_recip_kind_name(kind));
	return rc;
}

int ccm_store_find_alias(struct ccm_store *s, const char *alias, long long *id,
			 int *kind, struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_recipient r;
	int rc = ccm_cursor_new(&c, s,
		CUR_RECIPIENT,
		"SELECT " RECIP_COLS " FROM recipients r WHERE r.alias = ?1 COLLATE NOCASE", err);

	if (rc < 0)
		return rc;
	ccm_bind_text(c->st, 1, alias);
	rc = ccm_store_next_recipient(c, &r, err);
	if (rc == 1) {
		if (id)
			*id = r.id;
		if (kind)
			*kind = r.kind;
	}
	ccm_store_cursor_free(c);
	return rc;
}

int ccm_store_custom_candidates(struct ccm_store_cursor **out, struct ccm_store *s,
				const char *name, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_RECIPIENT, "SELECT " RECIP_COLS " FROM recipients r WHERE r.kind = 'custom' AND "
		"(r.ccmail_name = ?1 COLLATE NOCASE OR r.display_name = ?1 COLLATE NOCASE "
		" OR r.alias = ?1 COLLATE NOCASE) ORDER BY r.id", err);

	if (rc == 0)
		ccm_bind_text((*out)->st, 1, name);
	return rc;
}

int ccm_store_dl_members(struct ccm_store_cursor **out, struct ccm_store *s,
			 long long dl, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_RECIPIENT, "SELECT " RECIP_COLS " FROM dl_members m "
		"JOIN recipients r ON r.id = m.member_id "
		"WHERE m.dl_id = ?1 ORDER BY r.id", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, dl);
	return rc;
}

int ccm_store_lists_of(struct ccm_store_cursor **out, struct ccm_store *s,
		       long long rid, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_RECIPIENT, "SELECT " RECIP_COLS " FROM dl_members m "
		"JOIN recipients r ON r.id = m.dl_id "
		"WHERE m.member_id = ?1 ORDER BY r.id", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, rid);
	return rc;
}

int ccm_store_next_recipient(struct ccm_store_cursor *c, struct ccm_recipient *r,
			     struct ccm_error *err)
{
	int rc;

	assert(c->kind == CUR_RECIPIENT);
	if ((rc = ccm_cursor_step(c, err)) == 1)
		read_row(c->st, r);
	return rc;
}

int ccm_store_addresses(struct ccm_store_cursor **out, struct ccm_store *s,
			long long rid, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_ADDRESS, "SELECT id, recipient_id, type, address, is_primary FROM addresses "
		"WHERE recipient_id = ?1 ORDER BY is_primary DESC, type, id", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, rid);
	return rc;
}

int ccm_store_next_address(struct ccm_store_cursor *c, struct ccm_address *a,
			   struct ccm_error *err)
{
	int rc;

	assert(c->kind == CUR_ADDRESS);
	if ((rc = ccm_cursor_step(c, err)) == 1) {
		a->id = sqlite3_column_int64(c->st, 0);
		a->recipient_id = sqlite3_column_int64(c->st, 1);
		a->type = ccm_col_text(c->st, 2);
		a->address = ccm_col_text(c->st, 3);
		a->primary = sqlite3_column_int(c->st, 4);
	}
	return rc;
}
