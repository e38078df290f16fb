/* luahost.h: the Lua states of the ccmig program, and what it lends the module. */
#ifndef CCM_LUAHOST_H
#define CCM_LUAHOST_H

#include "lua/lua_ccmig.h"

/*
 * A state for trusted code (the REPL, `ccmig run` scripts): the full
 * standard library, and the ccmig module both as the global `ccmig` and
 * for require "ccmig", lent the policy sandbox (policy/sandbox.h) and the
 * terminal's progress line (progress.h) for its runs. NULL when out of
 * memory.
 */
lua_State *ccm_lua_trusted(void);

#endif
