/* luahost.c: the Lua states of the ccmig program, and what it lends the module. */
#include "luahost.h"
#include "progress.h"
#include "policy/sandbox.h"

#include <stdlib.h>

#include <lauxlib.h>
#include <lualib.h>

static void *progress_begin(const char *what)
{
	struct ccm_progress *p = malloc(sizeof(*p));

	if (p)
		ccm_progress_start(p, "extracting", what, 0);
	return p;
}

static void progress_step(void *ctx, size_t done, size_t total, unsigned long long bytes)
{
	struct ccm_progress *p = ctx;

	if (p) {
		p->at.total = total;
		ccm_progress_update(p, done, bytes);
	}
}

static void progress_finish(void *ctx)
{
	if (ctx)
		ccm_progress_end(ctx);
	free(ctx);
}

static const struct ccm_lua_host program = {
	ccm_policies_from_opts, ccm_policies_hooks, ccm_policies_import_hooks,
	ccm_policies_free, progress_begin, progress_step, progress_finish,
};

lua_State *ccm_lua_trusted(void)
{
	lua_State *L = luaL_newstate();

	if (!L)
		return NULL;
	luaL_openlibs(L);
	ccm_lua_set_host(L, &program);
	luaL_requiref(L, "ccmig", luaopen_ccmig, 1);
	lua_pop(L, 1);
	return L;
}
