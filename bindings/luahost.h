/* luahost.h: the Lua states of the ccmig program, and calling into them. */
#ifndef CCM_LUAHOST_H
#define CCM_LUAHOST_H

#include <lua.h>

/*
 * The `ccmig` module (bindings/lua_*.c): pushes the module table. Also what
 * a stock lua5.4 loads with require "ccmig" from the ccmig.so module.
 */
int luaopen_ccmig(lua_State *L);

/*
 * A state for trusted code (the REPL, `ccmig run` scripts): the full
 * standard library, and the ccmig module both as the global `ccmig` and
 * for require "ccmig". NULL when out of memory.
 */
lua_State *ccm_lua_trusted(void);

/*
 * The one way ccmig calls into Lua: lua_pcall with a message handler that
 * appends a traceback. On failure the error message (with the traceback)
 * is left on the stack as a string and a non-zero LUA_ERR* code returned.
 */
int ccm_lua_pcall(lua_State *L, int nargs, int nresults);

/*
 * Loads and runs a chunk, trusted: `chunkname` for messages ("=stdin",
 * "@script.lua"). Returns 0, or a LUA_ERR* code with the message on the
 * stack.
 */
int ccm_lua_dostring(lua_State *L, const char *code, size_t len,
		     const char *chunkname, int nresults);

#endif
