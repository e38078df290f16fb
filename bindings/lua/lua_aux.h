/* lua_aux.h: helpers for the C side of the ccmig module, on Lua's public API only (as lauxlib). */
#ifndef CCM_LUA_AUX_H
#define CCM_LUA_AUX_H

#include <lua.h>
#include <lauxlib.h>

#include "base/report.h"

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
/* Unlinks r and releases it (a child's close and __gc). */
void ccm_lua_res_close(struct ccm_lua_res *r);
/* Releases (and unlinks) every child of the list. */
void ccm_lua_res_release_all(struct ccm_lua_res **head);

/* Creates metatable `name` with __index = methods, __name, and the
 * metamethods given; leaves nothing on the stack. */
void ccm_lua_newclass(lua_State *L, const char *name, const luaL_Reg *methods,
		      const luaL_Reg *meta);

/*
 * __index of an object that wraps a handle (a post office, a store, a
 * set): "close" is found even once it is closed (closing twice is fine);
 * any other key k calls field(L, k), which checks the object is open
 * (raising otherwise) and pushes the field named k and returns 1, or
 * returns 0, and then the method named k (or nil) is pushed from the
 * metatable's "methods".
 */
int ccm_lua_index_handle(lua_State *L, lua_CFunction close,
			 int (*field)(lua_State *L, const char *k));
/*
 * __index of an object whose fields are the table in its user value 2 (a
 * message, an item, an attachment): that table's value for the key, else
 * the method of that name (or nil). The caller checks the object first.
 */
int ccm_lua_index_uservalue(lua_State *L);

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

/*
 * The one way ccmig calls into Lua: lua_pcall with a message handler that
 * appends a traceback. On failure the error message (with the traceback)
 * is left on the stack as a string and a non-zero LUA_ERR* code returned.
 */
int ccm_lua_pcall(lua_State *L, int nargs, int nresults);

/*
 * Loads and runs a chunk, as text only (binary chunks are never loaded):
 * `chunkname` for messages ("=stdin", "@script.lua"). Returns 0, or a
 * LUA_ERR* code with the message on the stack.
 */
int ccm_lua_dostring(lua_State *L, const char *code, size_t len,
		     const char *chunkname, int nresults);

#endif
