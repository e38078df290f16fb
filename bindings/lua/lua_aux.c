/* lua_aux.c: helpers for the C side of the ccmig module. */
#include "lua/lua_aux.h"

#include <string.h>

void ccm_lua_res_link(struct ccm_lua_res **head, struct ccm_lua_res *r,
		      void (*release)(struct ccm_lua_res *r))
{
	r->release = release;
	r->next = *head;
	if (*head)
		(*head)->pprev = &r->next;
	r->pprev = head;
	*head = r;
}

void ccm_lua_res_unlink(struct ccm_lua_res *r)
{
	if (!r->pprev)
		return;
	if (r->next)
		r->next->pprev = r->pprev;
	*r->pprev = r->next;
	r->next = NULL;
	r->pprev = NULL;
}

void ccm_lua_res_close(struct ccm_lua_res *r)
{
	ccm_lua_res_unlink(r);
	if (r->release)
		r->release(r);
}

void ccm_lua_res_release_all(struct ccm_lua_res **head)
{
	while (*head) {
		struct ccm_lua_res *r = *head;

		ccm_lua_res_unlink(r);
		r->release(r);
	}
}

void ccm_lua_newclass(lua_State *L, const char *name, const luaL_Reg *methods,
		      const luaL_Reg *meta)
{
	luaL_newmetatable(L, name);
	if (meta)
		luaL_setfuncs(L, meta, 0);
	if (methods) {
		lua_getfield(L, -1, "__index");
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			lua_newtable(L);
			luaL_setfuncs(L, methods, 0);
			lua_setfield(L, -2, "__index");
		} else {
			lua_pop(L, 1);
			/* a custom __index finds methods in the metatable's "methods" */
			lua_newtable(L);
			luaL_setfuncs(L, methods, 0);
			lua_setfield(L, -2, "methods");
		}
	}
	lua_pop(L, 1);
}

int ccm_lua_index_handle(lua_State *L, lua_CFunction close,
			 int (*field)(lua_State *L, const char *k))
{
	const char *k = lua_tostring(L, 2);

	if (k && !strcmp(k, "close")) {
		lua_pushcfunction(L, close);
		return 1;
	}
	k = luaL_checkstring(L, 2);
	if (field(L, k))
		return 1;
	luaL_getmetafield(L, 1, "methods");
	lua_getfield(L, -1, k);
	return 1;
}

int ccm_lua_index_uservalue(lua_State *L)
{
	lua_getiuservalue(L, 1, 2);
	lua_pushvalue(L, 2);
	if (lua_rawget(L, -2) != LUA_TNIL)
		return 1;
	luaL_getmetafield(L, 1, "methods");
	lua_pushvalue(L, 2);
	lua_rawget(L, -2);
	return 1;
}

void ccm_lua_collect_init(struct ccm_lua_collect *c)
{
	memset(c, 0, sizeof(*c));
	c->rep.sink = ccm_diaglist_sink;
	c->rep.ctx = &c->list;
}

void ccm_lua_setstr(lua_State *L, const char *k, const char *v)
{
	if (v) {
		lua_pushstring(L, v);
		lua_setfield(L, -2, k);
	}
}

void ccm_lua_setint(lua_State *L, const char *k, long long v)
{
	lua_pushinteger(L, (lua_Integer)v);
	lua_setfield(L, -2, k);
}

void ccm_lua_collect_release(struct ccm_lua_collect *c)
{
	ccm_diaglist_release(&c->list);
}

void ccm_lua_push_diag(lua_State *L, const struct ccm_diag *d)
{
	lua_createtable(L, 0, 9);
	ccm_lua_setstr(L, "severity", ccm_severity_name(d->severity));
	ccm_lua_setstr(L, "kind", d->kind);
	if (d->event)
		ccm_lua_setint(L, "event", d->event);
	ccm_lua_setstr(L, "file", d->file);
	if (d->line)
		ccm_lua_setint(L, "line", d->line);
	if (d->offset >= 0)
		ccm_lua_setint(L, "offset", d->offset);
	ccm_lua_setstr(L, "user", d->user);
	if (d->message)
		ccm_lua_setint(L, "message", d->message);
	ccm_lua_setstr(L, "text", d->text);
}

void ccm_lua_push_diags(lua_State *L, const struct ccm_diaglist *l)
{
	lua_createtable(L, (int)l->len, 0);
	for (size_t i = 0; i < l->len; i++) {
		ccm_lua_push_diag(L, &l->items[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

void ccm_lua_report_fields(lua_State *L, const struct ccm_lua_collect *c)
{
	lua_Integer n = 0;

	ccm_lua_push_diags(L, &c->list);
	lua_setfield(L, -2, "events");
	lua_newtable(L);
	for (size_t i = 0; i < c->list.len; i++) {
		const struct ccm_diag *d = &c->list.items[i];

		if (ccm_diag_leaves_out(d)) {
			ccm_lua_push_diag(L, d);
			lua_rawseti(L, -2, ++n);
		}
	}
	lua_setfield(L, -2, "skipped");
	ccm_lua_setint(L, "errors", (long long)c->rep.counts[CCM_ERROR]);
	ccm_lua_setint(L, "warnings", (long long)c->rep.counts[CCM_WARNING]);
	ccm_lua_setint(L, "notes", (long long)c->rep.counts[CCM_NOTE]);
}

int ccm_lua_fail(lua_State *L, const char *msg)
{
	lua_pushnil(L);
	lua_pushstring(L, msg);
	return 2;
}

/* Message handler: the error with a traceback, as lua.c does. */
static int traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

int ccm_lua_pcall(lua_State *L, int nargs, int nresults)
{
	int base = lua_gettop(L) - nargs;
	int rc;

	lua_pushcfunction(L, traceback);
	lua_insert(L, base);
	rc = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	return rc;
}

int ccm_lua_dostring(lua_State *L, const char *code, size_t len,
		     const char *chunkname, int nresults)
{
	/* Text only: binary chunks are never loaded, trusted or not. */
	int rc = luaL_loadbufferx(L, code, len, chunkname, "t");

	return rc != LUA_OK ? rc : ccm_lua_pcall(L, 0, nresults);
}
