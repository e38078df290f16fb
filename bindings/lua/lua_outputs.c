/* lua_outputs.c: st:verify(po) and st:export{...}: a store checked against its post office, and written out. */
#include "lua/lua_ccmig.h"
#include "lua/lua_aux.h"

#include <string.h>

#include "base/tz.h"
#include "export/maildir.h"
#include "export/mbox.h"
#include "export/pst_export.h"
#include "export/size_limit.h"
#include "export/zones.h"
#include "flow/verify.h"
#include "ccmail/share.h"

static void push_reasons(lua_State *L, const char *field, const struct ccm_verify_reason *r,
			 size_t n)
{
	lua_createtable(L, 0, (int)n);
	for (size_t i = 0; i < n; i++) {
		lua_pushinteger(L, (lua_Integer)r[i].messages);
		lua_setfield(L, -2, r[i].reason);
	}
	lua_setfield(L, -2, field);
}

/*
 * st:verify(po [, {list = true}]): whether the store accounts for every
 * message of the post office, as `ccmig verify` says it: the counts, the
 * decisions by reason, `ok` (nothing missing, different or without a
 * mailbox), and the events (as ccmig.extract's report has them). nil,
 * message, report when it cannot run.
 */
int ccm_lua_store_verify(lua_State *L)
{
	struct ccm_store *s = ccm_lua_check_store(L, 1);
	struct ccm_bundle *b = ccm_lua_check_po(L, 2);
	struct ccm_verify_opts o = { 0 };
	struct ccm_share *share = NULL;
	struct ccm_verify_stats st;
	struct ccm_lua_collect col;
	struct ccm_error err;
	int rc;

	if (lua_istable(L, 3)) {
		lua_getfield(L, 3, "list");
		o.list = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	if (ccm_lua_share_opts(&share, L, 3, b, &err) < 0)
		return ccm_lua_fail(L, err.msg);
	o.share = share;
	memset(&st, 0, sizeof(st));
	ccm_lua_collect_init(&col);
	ccm_lua_po_collect(L, 2, &col);
	rc = ccm_verify(b, s, &o, &st, &err);
	ccm_lua_po_collect(L, 2, NULL);
	ccm_share_free(share);
	lua_createtable(L, 0, 20);
	ccm_lua_setint(L, "users", (long long)st.users);
	ccm_lua_setint(L, "no_mailbox", (long long)st.no_mailbox);
	ccm_lua_setint(L, "users_left_out", (long long)st.users_left_out);
	ccm_lua_setint(L, "boards", (long long)st.boards);
	ccm_lua_setint(L, "outside", (long long)st.outside);
	ccm_lua_setint(L, "source_messages", (long long)st.source_messages);
	ccm_lua_setint(L, "store_messages", (long long)st.store_messages);
	ccm_lua_setint(L, "matched", (long long)st.matched);
	ccm_lua_setint(L, "decided", (long long)st.decided);
	ccm_lua_setint(L, "missing", (long long)st.missing);
	ccm_lua_setint(L, "mismatched", (long long)st.mismatched);
	ccm_lua_setint(L, "extra", (long long)st.extra);
	ccm_lua_setint(L, "attachments_left_out", (long long)st.attachments_left_out);
	push_reasons(L, "decisions", st.reasons, st.n_reasons);
	push_reasons(L, "attachment_decisions", st.att_reasons, st.n_att_reasons);
	lua_pushboolean(L, rc == 0 && !st.missing && !st.mismatched && !st.no_mailbox);
	lua_setfield(L, -2, "ok");
	ccm_verify_stats_release(&st);
	ccm_lua_report_fields(L, &col);
	ccm_lua_collect_release(&col);
	if (rc < 0) {
		lua_pushnil(L);
		lua_pushstring(L, err.msg);
		lua_rotate(L, -3, 2);
		return 3;
	}
	return 1;
}

/* The counts both exports give, into the table on top; text released. */
static void set_counts(lua_State *L, unsigned long mailboxes, unsigned long folders,
		       unsigned long messages, unsigned long long bytes,
		       unsigned long problems, struct ccm_buf *text)
{
	ccm_lua_setint(L, "mailboxes", (long long)mailboxes);
	ccm_lua_setint(L, "folders", (long long)folders);
	ccm_lua_setint(L, "messages", (long long)messages);
	ccm_lua_setint(L, "bytes", (long long)bytes);
	ccm_lua_setint(L, "problems", (long long)problems);
	ccm_lua_setstr(L, "problem_text", text->len ? text->ptr : NULL);
	ccm_buf_release(text);
}

/*
 * The size limit of st:export's table at `idx` (max_message_size: bytes
 * or "25M"; target: "m365", "gmail", "dovecot"; split_attachments), as
 * `ccmig export` takes it (ccm_size_limit_set); source says who set it.
 * Raises a Lua error saying what is wrong.
 */
static void size_limit_of(lua_State *L, int idx, struct ccm_size_limit *l,
			  struct ccm_buf *source, int pst)
{
	static const struct ccm_size_names names = {
		"max_message_size", "target", "split_attachments"
	};
	struct ccm_error err;
	int rc;

	lua_getfield(L, idx, "max_message_size");
	lua_getfield(L, idx, "target");
	lua_getfield(L, idx, "split_attachments");
	rc = ccm_size_limit_set(l, source, lua_tostring(L, -3), lua_tostring(L, -2),
				lua_toboolean(L, -1), pst, &names, &err);
	lua_pop(L, 3);
	if (rc < 0) {
		ccm_buf_release(source);
		luaL_error(L, "st:export: %s", err.msg);
	}
}

/* The counts of a PST export, into the table on top; text released. */
static void set_pst_counts(lua_State *L, struct ccm_pst_export_stats *st)
{
	ccm_lua_setint(L, "mailboxes", (long long)st->mailboxes);
	ccm_lua_setint(L, "files", (long long)st->files);
	ccm_lua_setint(L, "folders", (long long)st->folders);
	ccm_lua_setint(L, "messages", (long long)st->messages);
	ccm_lua_setint(L, "attachments", (long long)st->attachments);
	ccm_lua_setint(L, "embedded", (long long)st->embedded);
	ccm_lua_setint(L, "left_out_size", (long long)st->left_out_size);
	ccm_lua_setint(L, "split_size", (long long)st->split_size);
	ccm_lua_setint(L, "too_big", (long long)st->too_big);
	ccm_lua_setint(L, "problems", (long long)(st->problems + st->too_big));
	ccm_lua_setstr(L, "problem_text", st->problem_text.len ? st->problem_text.ptr : NULL);
	ccm_buf_release(&st->problem_text);
}

/*
 * st:export{maildir = DIR | mbox = DIR | pst = DIR [, time_zone = "Zone"]
 * [, max_message_size = B | target = T [, split_attachments = true]]}:
 * the store written out as `ccmig export` writes it (IMAP stays a
 * command's: its credentials file is not a script's business). Returns
 * the counts, and `problems` (a line for each folder or file refused);
 * nil, message when it cannot run. Size decisions and messages a PST
 * cannot hold are said on stderr, as the command's report says them.
 */
int ccm_lua_store_export(lua_State *L)
{
	struct ccm_store *s = ccm_lua_check_store(L, 1);
	struct ccm_out_zones *zones = NULL;
	struct ccm_out_opts o = { 0 };
	struct ccm_size_limit limit;
	struct ccm_buf source = CCM_BUF_INIT;
	struct ccm_tz *tz = NULL;
	struct ccm_error err;
	const char *maildir, *mbox, *pst, *zone;
	int rc;

	luaL_checktype(L, 2, LUA_TTABLE);
	if (lua_getfield(L, 2, "imap") != LUA_TNIL)
		return luaL_error(L, "st:export writes Maildir, mbox or PST only: export to IMAP "
				  "with the command, ccmig export --imap URL (its logins, "
				  "--imap-max-rate and the rest, docs/imap.md)");
	lua_pop(L, 1);
	lua_getfield(L, 2, "maildir");
	lua_getfield(L, 2, "mbox");
	lua_getfield(L, 2, "pst");
	lua_getfield(L, 2, "time_zone");
	maildir = lua_tostring(L, -4);
	mbox = lua_tostring(L, -3);
	pst = lua_tostring(L, -2);
	zone = lua_tostring(L, -1);
	if (!!maildir + !!mbox + !!pst != 1)
		return luaL_error(L, "st:export takes maildir = DIR, mbox = DIR or pst = DIR, "
				  "one of them");
	size_limit_of(L, 2, &limit, &source, pst != NULL);
	if (zone && ccm_tz_open(&tz, zone, &err) < 0) {
		ccm_buf_release(&source);
		return ccm_lua_fail(L, err.msg);
	}
	if (ccm_out_zones_open(&zones, s, tz, tz, &err) < 0) {
		ccm_tz_free(tz);
		ccm_buf_release(&source);
		return ccm_lua_fail(L, err.msg);
	}
	o.zones = zones;
	o.size = &limit;
	lua_createtable(L, 0, 12);
	if (maildir) {
		struct ccm_maildir_stats st;

		rc = ccm_maildir_export(s, maildir, &o, &st, &err);
		set_counts(L, st.mailboxes, st.folders, st.messages, st.bytes, st.problems,
			   &st.problem_text);
		ccm_lua_setint(L, "already", (long long)st.already);
		ccm_lua_setint(L, "left_out_size", (long long)st.left_out_size);
		ccm_lua_setint(L, "split_size", (long long)st.split_size);
	} else if (mbox) {
		struct ccm_mbox_stats st;

		rc = ccm_mbox_export(s, mbox, &o, &st, &err);
		set_counts(L, st.mailboxes, st.folders, st.messages, st.bytes, st.problems,
			   &st.problem_text);
		ccm_lua_setint(L, "left_out_size", (long long)st.left_out_size);
		ccm_lua_setint(L, "split_size", (long long)st.split_size);
	} else {
		struct ccm_pst_export_stats st;

		rc = ccm_pst_export(s, pst, &o, &st, &err);
		set_pst_counts(L, &st);
	}
	ccm_out_zones_free(zones);
	ccm_tz_free(tz);
	ccm_buf_release(&source);
	if (rc < 0)
		return ccm_lua_fail(L, err.msg);
	return 1;
}
