/* lua_module.c: luaopen_ccmig, the ccmig module's table. */
#include "luahost.h"

#include <lauxlib.h>

int luaopen_ccmig(lua_State *L)
{
	lua_newtable(L);
	lua_pushliteral(L, "0.1.0");
	lua_setfield(L, -2, "version");
	return 1;
}
