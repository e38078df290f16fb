/* lua_time.c: local time of a UTC instant, in a post office's zone or any. */
#include "lua/lua_ccmig.h"
#include "lua/lua_aux.h"
#include "base/tz.h"

#include <time.h>

void ccm_lua_push_localtime(lua_State *L, long long utc, const struct ccm_tz *tz)
{
	int off = ccm_tz_offset_at(tz, utc);
	time_t t = (time_t)(utc + off);
	struct tm tm;

	gmtime_r(&t, &tm);
	lua_createtable(L, 0, 11);
	ccm_lua_setint(L, "year", tm.tm_year + 1900);
	ccm_lua_setint(L, "month", tm.tm_mon + 1);
	ccm_lua_setint(L, "day", tm.tm_mday);
	ccm_lua_setint(L, "hour", tm.tm_hour);
	ccm_lua_setint(L, "min", tm.tm_min);
	ccm_lua_setint(L, "sec", tm.tm_sec);
	ccm_lua_setint(L, "wday", tm.tm_wday + 1);
	ccm_lua_setint(L, "yday", tm.tm_yday + 1);
	ccm_lua_setint(L, "offset", off);
	ccm_lua_setstr(L, "zone", tz ? ccm_tz_name(tz) : "UTC");
	/* A zone's offset already says what daylight saving time would. */
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "isdst");
}

/* ccmig.date(t [, zone]): t's local time in tz zone `zone` (UTC without). */
static int l_date(lua_State *L)
{
	lua_Integer t = luaL_checkinteger(L, 1);
	const char *zone = luaL_optstring(L, 2, NULL);
	struct ccm_tz *tz = NULL;
	struct ccm_error err;

	int rc;

	if (zone && (rc = ccm_tz_open(&tz, zone, &err)) < 0) {
		/* The core's message speaks of po.txt, which names no zone here. */
		if (rc == CCM_ENOTFOUND) {
			lua_pushnil(L);
			lua_pushfstring(L, "unknown time zone '%s': give a name of the tz "
					"database, such as America/New_York (package tzdata)", zone);
			return 2;
		}
		return ccm_lua_fail(L, err.msg);
	}
	ccm_lua_push_localtime(L, t, tz);
	ccm_tz_free(tz);
	return 1;
}

void ccm_lua_time_register(lua_State *L)
{
	lua_pushcfunction(L, l_date);
	lua_setfield(L, -2, "date");
}
