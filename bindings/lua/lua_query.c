/* lua_query.c: st:query(sql, ...), read-only SQL over a store with bound parameters. */
#include "lua/lua_ccmig.h"
#include "lua/lua_aux.h"
#include "store/query.h"

/* Binds the Lua values from stack index `first` on to q's parameters
 * (their types checked before: nothing here raises, q is the caller's). */
static void bind_args(lua_State *L, struct ccm_store_query *q, int first)
{
	for (int i = 1, idx = first; idx <= lua_gettop(L); i++, idx++) {
		size_t len;
		const char *s;

		switch (lua_type(L, idx)) {
		case LUA_TBOOLEAN:
			ccm_store_query_bind_integer(q, i, lua_toboolean(L, idx));
			break;
		case LUA_TNUMBER:
			if (lua_isinteger(L, idx))
				ccm_store_query_bind_integer(q, i, lua_tointeger(L, idx));
			else
				ccm_store_query_bind_real(q, i, lua_tonumber(L, idx));
			break;
		case LUA_TSTRING:
			s = lua_tolstring(L, idx, &len);
			ccm_store_query_bind_text(q, i, s, len);
			break;
		default:
			ccm_store_query_bind_null(q, i);
			break;
		}
	}
}

/*
 * st:query(sql, ...): the rows of one read-only SQL statement, each a
 * table keyed by column name, in a list; the values after sql fill its
 * parameters (?, ?NNN) in order. Anything but reading is refused
 * (store/query.h): nil, message.
 */
int ccm_lua_store_query(lua_State *L)
{
	struct ccm_store *s = ccm_lua_check_store(L, 1);
	const char *sql = luaL_checkstring(L, 2);
	struct ccm_store_query *q;
	struct ccm_error err;
	lua_Integer n = 0;
	int rc, cols;

	for (int idx = 3; idx <= lua_gettop(L); idx++) {
		int t = lua_type(L, idx);

		if (t != LUA_TNIL && t != LUA_TBOOLEAN && t != LUA_TNUMBER && t != LUA_TSTRING)
			return luaL_error(L, "parameter %d is a %s: give a string, number, "
					  "boolean or nil", idx - 2, luaL_typename(L, idx));
	}
	if (ccm_store_query_open(&q, s, sql, &err) < 0)
		return ccm_lua_fail(L, err.msg);
	if (lua_gettop(L) - 2 != ccm_store_query_params(q)) {
		int want = ccm_store_query_params(q), got = lua_gettop(L) - 2;

		ccm_store_query_close(q);
		return luaL_error(L, "the query has %d parameter%s and %d value%s were given",
				  want, want == 1 ? "" : "s", got, got == 1 ? "" : "s");
	}
	bind_args(L, q, 3);
	cols = ccm_store_query_columns(q);
	lua_newtable(L);
	while ((rc = ccm_store_query_step(q, &err)) > 0) {
		lua_createtable(L, 0, cols);
		for (int i = 0; i < cols; i++) {
			size_t len;
			const void *p;

			switch (ccm_store_query_type(q, i)) {
			case CCM_QUERY_NULL:
				continue;
			case CCM_QUERY_INTEGER:
				lua_pushinteger(L, ccm_store_query_integer(q, i));
				break;
			case CCM_QUERY_REAL:
				lua_pushnumber(L, ccm_store_query_real(q, i));
				break;
			default:
				p = ccm_store_query_bytes(q, i, &len);
				lua_pushlstring(L, p, len);
				break;
			}
			lua_setfield(L, -2, ccm_store_query_name(q, i));
		}
		lua_rawseti(L, -2, ++n);
	}
	ccm_store_query_close(q);
	if (rc < 0)
		return ccm_lua_fail(L, err.msg);
	return 1;
}
