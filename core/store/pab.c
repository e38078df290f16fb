/* pab.c: users' personal address books in the store (PAB sections). */
#include "store/pab.h"
#include "store/store_int.h"

#include <assert.h>

int ccm_store_pab_add(struct ccm_store *s, const struct ccm_pab_item *it,
		      long long *id, struct ccm_error *err)
{
	sqlite3_stmt *st = ccm_st(s, ST_PAB_INSERT,
		"INSERT INTO pab_entries (mailbox_id, kind, display_name, email, "
		"first_name, last_name, note, fields) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
		err);
	int rc;

	if (!st)
		return err ? err->code : CCM_EIO;
	sqlite3_bind_int64(st, 1, it->mailbox_id);
	ccm_bind_text(st, 2, it->kind);
	ccm_bind_text(st, 3, it->display_name ? it->display_name : "");
	ccm_bind_text(st, 4, it->email);
	ccm_bind_text(st, 5, it->first_name);
	ccm_bind_text(st, 6, it->last_name);
	ccm_bind_text(st, 7, it->note);
	ccm_bind_text(st, 8, it->fields);
	if ((rc = ccm_st_run(s, st, err, "adding an address book entry")) < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; i < it->n_members; i++) {
		st = ccm_st(s, ST_PAB_MEMBER_INSERT,
			    "INSERT INTO pab_members (entry_id, seq, member) VALUES (?1,?2,?3)",
			    err);
		if (!st)
			return err ? err->code : CCM_EIO;
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_int64(st, 2, (long long)i + 1);
		ccm_bind_text(st, 3, it->members[i]);
		if ((rc = ccm_st_run(s, st, err, "adding a personal list member")) < 0)
			return rc;
	}
	return 0;
}

int ccm_store_pab_items(struct ccm_store_cursor **out, struct ccm_store *s,
			long long mailbox, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_PAB, "SELECT id, mailbox_id, kind, display_name, email, first_name, "
		"last_name, note, fields FROM pab_entries WHERE mailbox_id = ?1 "
		"ORDER BY id", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, mailbox);
	return rc;
}

int ccm_store_next_pab_item(struct ccm_store_cursor *c, struct ccm_pab_item *it,
			    struct ccm_error *err)
{
	int rc;

	assert(c->kind == CUR_PAB);
	if ((rc = ccm_cursor_step(c, err)) == 1) {
		it->id = sqlite3_column_int64(c->st, 0);
		it->mailbox_id = sqlite3_column_int64(c->st, 1);
		it->kind = ccm_col_text(c->st, 2);
		it->display_name = ccm_col_text(c->st, 3);
		it->email = ccm_col_text(c->st, 4);
		it->first_name = ccm_col_text(c->st, 5);
		it->last_name = ccm_col_text(c->st, 6);
		it->note = ccm_col_text(c->st, 7);
		it->fields = ccm_col_text(c->st, 8);
		it->members = NULL;
		it->n_members = 0;
	}
	return rc;
}

int ccm_store_pab_members(struct ccm_store_cursor **out, struct ccm_store *s,
			  long long id, struct ccm_error *err)
{
	int rc = ccm_cursor_new(out, s,
		CUR_PAB_MEMBER,
		"SELECT member FROM pab_members WHERE entry_id = ?1 ORDER BY seq", err);

	if (rc == 0)
		sqlite3_bind_int64((*out)->st, 1, id);
	return rc;
}

int ccm_store_next_pab_member(struct ccm_store_cursor *c, const char **member,
			      struct ccm_error *err)
{
	int rc;

	assert(c->kind == CUR_PAB_MEMBER);
	if ((rc = ccm_cursor_step(c, err)) == 1)
		*member = ccm_col_text(c->st, 0);
	return rc;
}
