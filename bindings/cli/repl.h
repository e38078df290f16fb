/* repl.h: the read-eval-print loop of `ccmig repl` (docs/repl.md). */
#ifndef CCM_REPL_H
#define CCM_REPL_H

#include <lua.h>
#include <stdio.h>

/*
 * Runs the loop on L until `.quit` or end of input. Interactive (libedit
 * line editing, prompts, history, tab completion) when `interactive`, else
 * reads `in` line by line without prompts and says `near line N` in
 * errors. `banner` (may be NULL) is printed first when interactive.
 * Returns the exit status: 1 if any chunk failed, else 0.
 */
int ccm_repl_run(lua_State *L, FILE *in, int interactive, const char *banner);

/*
 * Formats the value at `idx` readably (strings quoted, tables indented
 * with bounded depth and width, cycles marked, __tostring honoured) and
 * pushes the text. For results printed by the REPL.
 */
void ccm_repl_pushpretty(lua_State *L, int idx);

#endif
