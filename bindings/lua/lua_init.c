/* lua_init.c: luaopen_ccmig, the module table of every file's functions (as Lua's linit.c). */
#include "lua/lua_ccmig.h"

/* The registry key of the host's loan: the address of this variable. */
static const char host_key = 0;

void ccm_lua_set_host(lua_State *L, const struct ccm_lua_host *host)
{
	lua_pushlightuserdata(L, (void *)host);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &host_key);
}

const struct ccm_lua_host *ccm_lua_host(lua_State *L)
{
	const struct ccm_lua_host *h;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &host_key);
	h = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return h;
}

/* The one symbol ccmig.so exports for require (its other files are hidden). */
__attribute__((visibility("default")))
int luaopen_ccmig(lua_State *L)
{
	lua_newtable(L);
	lua_pushliteral(L, CCMIG_VERSION);   /* project() in CMakeLists.txt */
	lua_setfield(L, -2, "version");
	ccm_lua_po_register(L);
	ccm_lua_store_register(L);
	ccm_lua_iff_register(L);
	ccm_lua_run_register(L);
	ccm_lua_preflight_register(L);
	ccm_lua_time_register(L);
	return 1;
}
