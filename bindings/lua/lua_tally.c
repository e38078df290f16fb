/* lua_tally.c: st:mailboxes() and st:report(), the account of a migration (store/stats.h). */
#include "lua/lua_ccmig.h"
#include "lua/lua_aux.h"
#include "store/stats.h"

static void push_box(lua_State *L, const struct ccm_store_tally *t,
		     const struct ccm_store_box *b)
{
	lua_createtable(L, 0, 24);
	ccm_lua_setstr(L, "kind", b->kind);
	ccm_lua_setstr(L, "post_office", b->po);
	ccm_lua_setstr(L, "name", b->name);
	ccm_lua_setstr(L, "alias", b->alias);
	ccm_lua_setstr(L, "display_name", b->display_name);
	ccm_lua_setstr(L, "folder", b->folder);
	ccm_lua_setstr(L, "decision", b->user_decision);
	ccm_lua_setstr(L, "reason", b->user_reason);
	ccm_lua_setint(L, "source", b->source);
	ccm_lua_setint(L, "migrated", b->migrated);
	ccm_lua_setint(L, "kept", b->kept);
	ccm_lua_setint(L, "left_out", b->left_out);
	ccm_lua_setint(L, "unaccounted", b->unaccounted);
	ccm_lua_setint(L, "problems", b->problems);
	ccm_lua_setint(L, "errors", b->errors);
	ccm_lua_setint(L, "damaged", b->damaged);
	ccm_lua_setint(L, "messages", b->messages);
	ccm_lua_setint(L, "bytes", b->bytes);
	ccm_lua_setint(L, "attachments", b->attachments);
	if (b->oldest)
		ccm_lua_setint(L, "oldest", b->oldest);
	if (b->newest)
		ccm_lua_setint(L, "newest", b->newest);
	ccm_lua_setstr(L, "status", ccm_box_status_name(b->status));
	lua_createtable(L, 0, (int)t->n_reasons);
	for (size_t i = 0; i < t->n_reasons; i++) {
		if (!b->left_out_by[i])
			continue;
		lua_pushinteger(L, b->left_out_by[i]);
		lua_setfield(L, -2, t->reasons[i]);
	}
	lua_setfield(L, -2, "left_out_by");
}

static void push_named(lua_State *L, const char *field, const struct ccm_store_named *v,
		       size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_createtable(L, 0, 3);
		ccm_lua_setstr(L, "what", v[i].what);
		ccm_lua_setstr(L, "name", v[i].name);
		ccm_lua_setint(L, "count", v[i].count);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, field);
}

/* The tally of store at index 1 into t, or a Lua error (t released). */
static void tally(lua_State *L, struct ccm_store_tally *t)
{
	struct ccm_store *s = ccm_lua_check_store(L, 1);
	struct ccm_error err;

	if (ccm_store_tally(t, s, &err) < 0) {
		ccm_store_tally_release(t);
		luaL_error(L, "%s", err.msg);
	}
}

/* st:mailboxes(): a row per user and board, as the report's table. */
int ccm_lua_store_mailboxes(lua_State *L)
{
	struct ccm_store_tally t;

	tally(L, &t);
	lua_createtable(L, (int)t.n_boxes, 0);
	for (size_t i = 0; i < t.n_boxes; i++) {
		push_box(L, &t, &t.boxes[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	ccm_store_tally_release(&t);
	return 1;
}

/* st:report(): the whole account: totals, mailboxes, decisions, problems,
 * years, and the verdict `accounted` (no error, nothing unaccounted). */
int ccm_lua_store_report(lua_State *L)
{
	struct ccm_store_tally t;

	tally(L, &t);
	lua_createtable(L, 0, 24);
	ccm_lua_setint(L, "post_offices", t.post_offices);
	ccm_lua_setint(L, "users", t.users);
	ccm_lua_setint(L, "boards", t.boards);
	ccm_lua_setint(L, "users_left_out", t.users_left_out);
	ccm_lua_setint(L, "source", t.source);
	ccm_lua_setint(L, "migrated", t.migrated);
	ccm_lua_setint(L, "kept", t.kept);
	ccm_lua_setint(L, "left_out", t.left_out);
	ccm_lua_setint(L, "unaccounted", t.unaccounted);
	ccm_lua_setint(L, "problems", t.problems);
	ccm_lua_setint(L, "errors", t.errors);
	ccm_lua_setint(L, "warnings", t.warnings);
	ccm_lua_setint(L, "damaged", t.damaged);
	ccm_lua_setint(L, "messages", t.messages);
	ccm_lua_setint(L, "bytes", t.bytes);
	ccm_lua_setint(L, "attachments", t.attachments);
	ccm_lua_setint(L, "runs", t.runs);
	lua_pushboolean(L, t.errors == 0 && t.unaccounted == 0);
	lua_setfield(L, -2, "accounted");
	push_named(L, "decisions", t.decisions, t.n_decisions);
	push_named(L, "problem_kinds", t.problem_kinds, t.n_problem_kinds);
	push_named(L, "years", t.years, t.n_years);
	lua_createtable(L, (int)t.n_boxes, 0);
	for (size_t i = 0; i < t.n_boxes; i++) {
		push_box(L, &t, &t.boxes[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "mailboxes");
	ccm_store_tally_release(&t);
	return 1;
}
