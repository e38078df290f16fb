/* repl_locals.h: the REPL keeps the locals a chunk declares for the chunks after it. */
#ifndef CCM_REPL_LOCALS_H
#define CCM_REPL_LOCALS_H

#include <lua.h>

/*
 * Each line the REPL runs is a chunk of its own, so `local n = 5` on one
 * line was gone on the next: a script piped in did not mean what it
 * would as one file (lua.c runs piped input as one chunk). The REPL's
 * chunks run with an _ENV of their own: a name a chunk declared `local`
 * at its top level is looked up there first, and assigned there, by
 * every later chunk; every other name is the globals' as before.
 */

/* Sets up the environment (in L's registry); once per REPL. */
void ccm_repl_locals_init(lua_State *L);

/* Gives the chunk on top of the stack the REPL's _ENV. */
void ccm_repl_locals_env(lua_State *L);

/*
 * The text appended (on a line of its own) to a statement chunk: it
 * calls a function that records the chunk's top-level locals, as they
 * are when the chunk ends, for the chunks after it. A chunk that ends in
 * `return` cannot take it; such a chunk keeps nothing.
 */
#define CCM_REPL_KEEP_CALL "\n;__ccmig_repl_keep_locals()"

#endif
