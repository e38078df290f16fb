/* luahost.c: the Lua states of the ccmig program, and calling into them. */
#include "luahost.h"

#include <lauxlib.h>
#include <lualib.h>

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

lua_State *ccm_lua_trusted(void)
{
	lua_State *L = luaL_newstate();

	if (!L)
		return NULL;
	luaL_openlibs(L);
	luaL_requiref(L, "ccmig", luaopen_ccmig, 1);
	lua_pop(L, 1);
	return L;
}
