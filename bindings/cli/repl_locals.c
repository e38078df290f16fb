/* repl_locals.c: the REPL keeps the locals a chunk declares for the chunks after it. */
#include "repl_locals.h"

#include <lauxlib.h>
#include <string.h>

#define REG_LOCALS "ccmig.repl.locals"   /* name -> value */
#define REG_DECLARED "ccmig.repl.declared"   /* name -> true (values may be nil) */
#define REG_ENV "ccmig.repl.env"
#define KEEP "__ccmig_repl_keep_locals"

/* Called as the chunk's last statement: level 1 is the chunk. */
static int keep_locals(lua_State *L)
{
	lua_Debug ar;
	const char *name;

	if (!lua_getstack(L, 1, &ar))
		return 0;
	lua_getfield(L, LUA_REGISTRYINDEX, REG_LOCALS);
	lua_getfield(L, LUA_REGISTRYINDEX, REG_DECLARED);
	for (int i = 1; (name = lua_getlocal(L, &ar, i)) != NULL; i++) {
		/* "(temporary)", "(for state)" and the like are Lua's own. */
		if (name[0] == '(') {
			lua_pop(L, 1);
			continue;
		}
		lua_setfield(L, -3, name);
		lua_pushboolean(L, 1);
		lua_setfield(L, -2, name);
	}
	lua_pop(L, 2);
	return 0;
}

/* __index of the REPL's _ENV: a kept local, else the global. */
static int env_index(lua_State *L)
{
	const char *k = lua_tostring(L, 2);

	if (k && !strcmp(k, KEEP)) {
		lua_pushcfunction(L, keep_locals);
		return 1;
	}
	lua_getfield(L, LUA_REGISTRYINDEX, REG_DECLARED);
	lua_pushvalue(L, 2);
	if (lua_rawget(L, -2) != LUA_TNIL) {
		lua_getfield(L, LUA_REGISTRYINDEX, REG_LOCALS);
		lua_pushvalue(L, 2);
		lua_rawget(L, -2);
		return 1;
	}
	lua_pushglobaltable(L);
	lua_pushvalue(L, 2);
	lua_gettable(L, -2);
	return 1;
}

/* __newindex: a kept local is assigned where it is kept. */
static int env_newindex(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, REG_DECLARED);
	lua_pushvalue(L, 2);
	if (lua_rawget(L, -2) != LUA_TNIL)
		lua_getfield(L, LUA_REGISTRYINDEX, REG_LOCALS);
	else
		lua_pushglobaltable(L);
	lua_pushvalue(L, 2);
	lua_pushvalue(L, 3);
	lua_settable(L, -3);
	return 0;
}

void ccm_repl_locals_init(lua_State *L)
{
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, REG_LOCALS);
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, REG_DECLARED);
	lua_newtable(L);
	lua_createtable(L, 0, 2);
	lua_pushcfunction(L, env_index);
	lua_setfield(L, -2, "__index");
	lua_pushcfunction(L, env_newindex);
	lua_setfield(L, -2, "__newindex");
	lua_setmetatable(L, -2);
	lua_setfield(L, LUA_REGISTRYINDEX, REG_ENV);
}

void ccm_repl_locals_env(lua_State *L)
{
	lua_getfield(L, LUA_REGISTRYINDEX, REG_ENV);
	if (!lua_setupvalue(L, -2, 1))
		lua_pop(L, 1);
}
