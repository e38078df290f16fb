/* lua_ccmig.h: what the files of the ccmig Lua module share (bindings/lua_*.c). */
#ifndef CCM_LUA_CCMIG_H
#define CCM_LUA_CCMIG_H

#include <lua.h>
#include <lauxlib.h>

#include "base/report.h"

/* Metatable names, one per type. */
#define CCM_LUA_PO       "ccmig.po"
#define CCM_LUA_MSGITER  "ccmig.message_cursor"
#define CCM_LUA_MESSAGE  "ccmig.message"
#define CCM_LUA_ITEM     "ccmig.item"
#define CCM_LUA_STORE    "ccmig.store"
#define CCM_LUA_SCURSOR  "ccmig.store_cursor"
#define CCM_LUA_ATTACH   "ccmig.attachment"
#define CCM_LUA_IFF      "ccmig.iff"
#define CCM_LUA_SECCUR   "ccmig.section_cursor"
#define CCM_LUA_SECTION  "ccmig.section"

/*
 * Something a parent object (a post office, a store, a set) must release
 * before it goes: an open message cursor, a store cursor, a blob. Each
 * child links itself into its parent's list; closing the parent closes
 * every child first, so no child is ever left pointing at freed C data.
 */
struct ccm_lua_res {
	struct ccm_lua_res *next, **pprev;
	void (*release)(struct ccm_lua_res *r);
};
void ccm_lua_res_link(struct ccm_lua_res **head, struct ccm_lua_res *r,
		      void (*release)(struct ccm_lua_res *r));
void ccm_lua_res_unlink(struct ccm_lua_res *r);
/* Releases (and unlinks) every child of the list. */
void ccm_lua_res_release_all(struct ccm_lua_res **head);

/* Creates metatable `name` with __index = methods, __name, and the
 * metamethods given; leaves nothing on the stack. */
void ccm_lua_newclass(lua_State *L, const char *name, const luaL_Reg *methods,
		      const luaL_Reg *meta);

/* A report that collects every entry into a diaglist. */
struct ccm_lua_collect {
	struct ccm_diaglist list;
	struct ccm_report rep;
};
void ccm_lua_collect_init(struct ccm_lua_collect *c);
void ccm_lua_collect_release(struct ccm_lua_collect *c);
/* Pushes one entry as {severity, kind, event, file, line, offset, user,
 * message, text}. */
void ccm_lua_push_diag(lua_State *L, const struct ccm_diag *d);
/* Pushes the entries as an array. */
void ccm_lua_push_diags(lua_State *L, const struct ccm_diaglist *l);
/*
 * Sets report fields of the table on top: events (array), skipped (the
 * entries that say something was not migrated: errors and decisions,
 * ccm_diag_leaves_out), errors, warnings, notes.
 */
void ccm_lua_report_fields(lua_State *L, const struct ccm_lua_collect *c);

/* table[k] = v on the table at the top: a string (nothing when v is
 * NULL), or an integer. */
void ccm_lua_setstr(lua_State *L, const char *k, const char *v);
void ccm_lua_setint(lua_State *L, const char *k, long long v);

/* Pushes nil, message; returns 2 (for `return ccm_lua_fail(...)`). */
int ccm_lua_fail(lua_State *L, const char *msg);

/* Module registration, each from its own file: sets functions in the
 * module table on top of the stack and creates the metatables. */
void ccm_lua_po_register(lua_State *L);
void ccm_lua_store_register(lua_State *L);
void ccm_lua_iff_register(lua_State *L);
void ccm_lua_run_register(lua_State *L);

/* The C data of the objects, for the other files. */
struct ccm_bundle;
struct ccm_store;
struct ccm_bundle *ccm_lua_check_po(lua_State *L, int idx);
struct ccm_store *ccm_lua_check_store(lua_State *L, int idx);
/* Redirects a post office's report into c (NULL: back to its own list). */
void ccm_lua_po_collect(lua_State *L, int idx, struct ccm_lua_collect *c);

#endif
