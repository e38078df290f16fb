/* lua_share.c: opts.mailboxes and opts.shard, the share of a post office
 * that ccmig.migrate and st:verify take. */
#include "lua/lua_ccmig.h"

#include <stdlib.h>
#include <lauxlib.h>

#include "ccmail/share.h"

int ccm_lua_share_opts(struct ccm_share **out, lua_State *L, int t,
		       const struct ccm_bundle *b, struct ccm_error *err)
{
	size_t si, sn;
	int rc = 0, shard, boxes;

	*out = NULL;
	if (!lua_istable(L, t))
		return 0;
	lua_getfield(L, t, "mailboxes");
	lua_getfield(L, t, "shard");
	boxes = !lua_isnil(L, -2);
	shard = !lua_isnil(L, -1);
	if (boxes && shard)
		luaL_error(L, "opts.mailboxes and opts.shard each name a share: give one");
	if (shard && (!lua_isstring(L, -1) || ccm_share_parse(lua_tostring(L, -1), &si,
							       &sn) < 0))
		luaL_error(L, "opts.shard is \"I/N\" with 0 <= I < N, such as \"0/4\"");
	if (shard) {
		rc = ccm_share_pick(out, b, si, sn, err);
	} else if (boxes && lua_type(L, -2) == LUA_TSTRING) {
		rc = ccm_share_read(out, b, lua_tostring(L, -2), err);
	} else if (boxes && lua_istable(L, -2)) {
		size_t n = (size_t)luaL_len(L, -2);
		const char **names = calloc(n + 1, sizeof(*names));

		if (!names)
			luaL_error(L, "out of memory");
		for (size_t i = 0; i < n; i++) {
			/* The strings stay on the stack while the share is made. */
			lua_geti(L, -2 - (int)i, (lua_Integer)i + 1);
			if (!(names[i] = lua_tostring(L, -1))) {
				free(names);
				luaL_error(L, "opts.mailboxes[%d] must be a name", (int)i + 1);
			}
		}
		rc = ccm_share_names(out, b, names, n, err);
		free(names);
		lua_pop(L, (int)n);
	} else if (boxes) {
		luaL_error(L, "opts.mailboxes is a file of names or a list of names");
	}
	lua_pop(L, 2);
	return rc;
}
