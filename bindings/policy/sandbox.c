/* sandbox.c: migration policies in Lua, sandboxed, as extractor hooks. */
#include "policy/sandbox.h"
#include "base/buf.h"
#include "base/report.h"
#include "policy/stock.h"
#include "policy/watchdog.h"
#include "lua/lua_aux.h"
#include "lua/lua_ccmig.h"
#include "iff/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#define MAX_POLICIES 32
#define HOOK_EVERY 1000

struct ccm_policies {
	lua_State *L;
	size_t used, cap;              /* bytes the state holds, and its cap */
	int in_call;                   /* policy code runs: the cap holds */
	long budget, left;             /* instructions per hook call */
	double seconds;                /* CPU time per hook call */
	int hooks[MAX_POLICIES];       /* registry refs of the hook tables */
	char *names[MAX_POLICIES];
	size_t n;
	char **csv_paths;              /* what readcsv may open */
	size_t n_csv;
	struct ccm_policy pol;
	struct ccm_import_policy ipol;
	int borrowed;                  /* L is a trusted state, not ours */
	/* Overrides handed back: valid until the next hook call. */
	char *alias, *display, *first, *last, *folder, *subject, *mapped;
	char decided[300];             /* "policy:<script>:<hook>" of a no */
	char folder_by[300];           /* ... of the folder handed back */
	char *addresses[16];
	const char *address_ptrs[16];
	size_t n_addresses;
	struct ccm_policy_drop *drops;  /* attachments left out, by index */
	size_t n_drops, cap_drops;
};

/* The allocator that enforces the memory cap. */
static void *cap_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct ccm_policies *p = ud;
	size_t old = ptr ? osize : 0;

	if (nsize == 0) {
		free(ptr);
		p->used -= old;
		return NULL;
	}
	/* Only while policy code runs: what ccmig itself pushes between
	 * calls (a message's fields) must not fail outside a protected call,
	 * where an error would abort the program, even when a policy keeps
	 * all its memory. */
	if (p->in_call && nsize > old && p->used - old + nsize > p->cap)
		return NULL;            /* Lua raises "not enough memory" */
	ptr = realloc(ptr, nsize);
	if (ptr)
		p->used = p->used - old + nsize;
	return ptr;
}

/* The instruction budget: a count hook every HOOK_EVERY instructions. */
static void budget_hook(lua_State *L, lua_Debug *ar)
{
	struct ccm_policies *p;

	(void)ar;
	lua_getallocf(L, (void **)&p);
	p->left -= HOOK_EVERY;
	if (p->left < 0)
		luaL_error(L, "the policy ran more than %I instructions in one hook "
			   "call; it may loop forever (CCMIG_POLICY_INSTRUCTIONS "
			   "raises the limit)", (lua_Integer)p->budget);
	if (ccm_watchdog_expired())
		luaL_error(L, "the policy used more than %f seconds of CPU time in one "
			   "hook call (CCMIG_POLICY_SECONDS raises the limit)",
			   (lua_Number)p->seconds);
}

/* setmetatable without __gc: a finalizer runs whenever the collector
 * gets to it, between hook calls or when the policy is closed, outside
 * the instruction budget, where a loop in it would never end. */
static int l_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "setmetatable: a policy may not set __gc "
					  "(finalizers would run outside its limits)");
		lua_pop(L, 1);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* Whether the call running in L has used up its instructions or time. */
static int over_limit(lua_State *L)
{
	void *ud;
	struct ccm_policies *p;

	lua_getallocf(L, &ud);
	p = ud;
	return p->in_call && (p->left < 0 || ccm_watchdog_expired());
}

/* What pcall and xpcall return, as Lua's own do, but an error raised for
 * a limit goes on up: caught, it would let a policy loop for ever around
 * a pcall of a loop. */
static int finish_pcall(lua_State *L, int status, lua_KContext extra)
{
	if (status != LUA_OK && status != LUA_YIELD) {
		if (over_limit(L))
			return lua_error(L);     /* the error, on top */
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - (int)extra;
}

static int l_pcall(lua_State *L)
{
	int status;

	luaL_checkany(L, 1);
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
	return finish_pcall(L, status, 0);
}

static int l_xpcall(lua_State *L)
{
	int status, n = lua_gettop(L);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushboolean(L, 1);
	lua_pushvalue(L, 1);
	lua_rotate(L, 3, 2);
	status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
	return finish_pcall(L, status, 2);
}

/* What readcsv holds while it reads: in a userdata, so that a Lua error
 * (the memory cap) frees it through __gc. */
struct csv_reader {
	FILE *f;
	char *line;
	size_t cap;
	struct ccm_csv_line fields;
};

static void csv_reader_close(struct csv_reader *r)
{
	if (r->f)
		fclose(r->f);
	free(r->line);
	ccm_csv_line_release(&r->fields);
	r->f = NULL;
	r->line = NULL;
}

static int csv_reader_gc(lua_State *L)
{
	csv_reader_close(lua_touserdata(L, 1));
	return 0;
}

/*
 * readcsv(path): rows of a CSV file named in the policy's arguments, one
 * table of fields per line, split as migration files are (iff/csv.h: a
 * field may be quoted, with "" for a quote inside). Lines of any length.
 * A line that breaks the rules gives nil and "path:line: column N: why".
 */
static int l_readcsv(lua_State *L)
{
	struct ccm_policies *p;
	const char *path = luaL_checkstring(L, 1);
	struct csv_reader *r;
	ssize_t len;
	long lineno = 0;
	int allowed = 0, row = 0;

	lua_getallocf(L, (void **)&p);
	for (size_t i = 0; i < p->n_csv; i++)
		allowed |= !strcmp(p->csv_paths[i], path);
	if (!allowed)
		return luaL_error(L, "readcsv: '%s' is not a file given as a policy "
				  "argument (--policy-arg name=%s)", path, path);
	r = lua_newuserdatauv(L, sizeof(*r), 0);
	memset(r, 0, sizeof(*r));
	ccm_csv_line_init(&r->fields);
	lua_newtable(L);
	lua_pushcfunction(L, csv_reader_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	if (!(r->f = fopen(path, "r"))) {
		lua_pushnil(L);
		lua_pushfstring(L, "cannot open '%s'", path);
		return 2;
	}
	lua_newtable(L);
	while ((len = getline(&r->line, &r->cap, r->f)) >= 0) {
		size_t bad = 0;
		int n;

		lineno++;
		while (len > 0 && (r->line[len - 1] == '\n' || r->line[len - 1] == '\r'))
			len--;
		if (len == 0 || r->line[0] == '#')
			continue;
		n = ccm_csv_split(&r->fields, r->line, (size_t)len, 0, &bad);
		if (n == CCM_ENOMEM)
			return luaL_error(L, "readcsv: out of memory reading '%s'", path);
		if (n < 0) {
			lua_pushnil(L);
			lua_pushfstring(L, "%s:%d: column %d: a quoted field must end "
					"with a quote followed by ',' or the end of the line",
					path, (int)lineno, (int)bad + 1);
			csv_reader_close(r);
			return 2;
		}
		lua_createtable(L, n, 0);
		for (int i = 0; i < n; i++) {
			lua_pushlstring(L, r->fields.f[i].value, r->fields.f[i].len);
			lua_rawseti(L, -2, i + 1);
		}
		lua_rawseti(L, -2, ++row);
	}
	if (ferror(r->f)) {
		csv_reader_close(r);
		lua_pushnil(L);
		lua_pushfstring(L, "error reading '%s' after line %d", path, (int)lineno);
		return 2;
	}
	csv_reader_close(r);
	return 1;
}

/* __newindex of a library's read-only view: its name is upvalue 1. */
static int l_readonly(lua_State *L)
{
	return luaL_error(L, "a policy may not change the standard library table '%s' "
			  "(it is shared by every policy): keep your own function in a "
			  "local instead", lua_tostring(L, lua_upvalueindex(1)));
}

/* __pairs of a read-only view: next (upvalue 2) over the library's own
 * fields (upvalue 1). */
static int l_readonly_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushnil(L);
	return 3;
}

/*
 * Replaces the table on top with a read-only view of it named `name`:
 * reads and pairs() reach the table, a write is an error, and its
 * metatable is hidden (getmetatable gives false, setmetatable refuses).
 * rawset on the view changes the view alone, which is the policy's own.
 */
static void make_readonly(lua_State *L, const char *name)
{
	lua_newtable(L);                     /* the view */
	lua_createtable(L, 0, 4);            /* its metatable */
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushstring(L, name);
	lua_pushcclosure(L, l_readonly, 1);
	lua_setfield(L, -2, "__newindex");
	lua_pushvalue(L, -3);
	lua_getglobal(L, "next");
	lua_pushcclosure(L, l_readonly_pairs, 2);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_remove(L, -2);
}

/*
 * Pushes a new _ENV from the allow-list: one for each policy, so that a
 * global one policy sets is its own, and over read-only views of the
 * standard libraries, so that no policy can change string.format or
 * math.floor under another (each script in its own environment, as Redis
 * runs its scripts).
 */
static void make_env(lua_State *L)
{
	static const char *const globals[] = {
		"assert", "error", "ipairs", "next", "pairs", "print",
		"rawequal", "rawget", "rawlen", "rawset", "select",
		"getmetatable", "tonumber", "tostring", "type", "_VERSION",
	};
	static const char *const libs[] = { "math", "string", "table", "utf8" };
	static const char *const os_ok[] = { "time", "date", "clock", "difftime" };

	lua_newtable(L);
	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++) {
		lua_getglobal(L, globals[i]);
		lua_setfield(L, -2, globals[i]);
	}
	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
		lua_getglobal(L, libs[i]);
		make_readonly(L, libs[i]);
		lua_setfield(L, -2, libs[i]);
	}
	lua_newtable(L);
	lua_getglobal(L, "os");
	for (size_t i = 0; i < sizeof(os_ok) / sizeof(os_ok[0]); i++) {
		lua_getfield(L, -1, os_ok[i]);
		lua_setfield(L, -3, os_ok[i]);
	}
	lua_pop(L, 1);
	make_readonly(L, "os");
	lua_setfield(L, -2, "os");
	lua_pushcfunction(L, l_readcsv);
	lua_setfield(L, -2, "readcsv");
	lua_getglobal(L, "setmetatable");
	lua_pushcclosure(L, l_setmetatable, 1);
	lua_setfield(L, -2, "setmetatable");
	lua_pushcfunction(L, l_pcall);
	lua_setfield(L, -2, "pcall");
	lua_pushcfunction(L, l_xpcall);
	lua_setfield(L, -2, "xpcall");
}

/* The metatable of strings, which holds the real string library as its
 * __index, is hidden from getmetatable(""): through it one policy could
 * change string methods under every other. */
static void hide_string_metatable(lua_State *L)
{
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
}

/*
 * Runs the function on the stack with nargs in the sandbox's limits: the
 * instructions, the memory and the CPU time of one call. `what` and `who`
 * name the hook and whom it runs for, should the watchdog have to say so.
 */
static int call(struct ccm_policies *p, size_t i, const char *what, const char *who,
		int nargs, int nres)
{
	char about[1024];
	int rc;

	if (p->borrowed)       /* trusted code: no sandbox limits */
		return ccm_lua_pcall(p->L, nargs, nres);
	snprintf(about, sizeof(about), "policy '%s' in its %s%s%s%s", p->names[i], what,
		 who ? " for '" : "", who ? who : "", who ? "'" : "");
	p->left = p->budget;
	p->in_call = 1;
	lua_sethook(p->L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
	ccm_watchdog_arm(p->seconds, about);
	rc = ccm_lua_pcall(p->L, nargs, nres);
	ccm_watchdog_disarm();
	lua_sethook(p->L, NULL, 0, 0);
	p->in_call = 0;
	return rc;
}

/* err from the Lua error on the stack (popped): the first line of it. A
 * policy that cannot load stops the run before anything is imported; a
 * hook that fails leaves out one user, which the caller says. */
static int lua_fail(struct ccm_policies *p, const char *what, const char *script,
		    struct ccm_error *err)
{
	const char *msg = lua_tostring(p->L, -1);
	size_t n = msg ? strcspn(msg, "\n") : 0;
	int loading = !strcmp(what, "loading") || !strcmp(what, "main chunk");
	char hint[96] = "";

	if (msg && !strcmp(msg, "not enough memory"))
		snprintf(hint, sizeof(hint), " (policies may hold %zu MiB; "
			 "CCMIG_POLICY_MEMORY_MB raises the limit)", p->cap >> 20);
	ccm_error_set(err, CCM_EINVAL, "policy '%s' failed in its %s: %.*s%s; fix the "
		      "policy and run again%s", script, what, (int)n,
		      msg ? msg : "unknown error", hint, loading ? " (nothing was imported)" : "");
	lua_pop(p->L, 1);
	return CCM_EINVAL;
}

/* Pushes t[k] of the table at idx, raw: reading what a policy returns
 * must run none of its code (an __index function would run outside any
 * protected call and outside the limits). Returns its type. */
static int rawfield(lua_State *L, int idx, const char *k)
{
	idx = lua_absindex(L, idx);
	lua_pushstring(L, k);
	return lua_rawget(L, idx);
}

static void set_str(lua_State *L, const char *k, const char *v)
{
	lua_pushstring(L, v ? v : "");
	lua_setfield(L, -2, k);
}

/*
 * A copy of the string a hook returned at idx, made fit for a migration
 * file: a line end (CR, LF or CR LF) or a tab becomes one space, as a
 * header's folding would. NULL, with the Lua error message saying why
 * pushed, when it is longer than max bytes, holds any other control
 * character (a NUL would cut the value short in C; ESC and the rest
 * would reach terminals and mail clients), or memory runs out. What a
 * policy returns is checked here, and only here.
 */
static char *dup_result(lua_State *L, int idx, const char *what, size_t max)
{
	size_t n, k = 0;
	const char *v = lua_tolstring(L, idx, &n);
	char *d;

	if (n > max) {
		lua_pushfstring(L, "the %s it returned is %I bytes long, more than the %I "
				"a hook may return", what, (lua_Integer)n, (lua_Integer)max);
		return NULL;
	}
	if (!(d = malloc(n + 1))) {
		lua_pushliteral(L, "not enough memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '\r' || c == '\n' || c == '\t') {
			if (c == '\r' && i + 1 < n && v[i + 1] == '\n')
				i++;
			d[k++] = ' ';
		} else if (c < 0x20 || c == 0x7f) {
			char hex[8];

			free(d);
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			lua_pushfstring(L, "the %s it returned holds the control character "
					"%s at byte %I, which no name, folder, subject or "
					"address may hold", what, hex, (lua_Integer)i);
			return NULL;
		} else {
			d[k++] = (char)c;
		}
	}
	d[k] = '\0';
	return d;
}

/*
 * Whether every key of the table on top is one of `allowed` (NULL-ended):
 * a field a hook may not set (`attachments = {}`, a misspelt `subjet`)
 * would otherwise be ignored without a word. Returns 0, or -1 with the
 * error message pushed, naming the field and those that may be set. The
 * table is walked raw: none of its metamethods runs.
 */
static int only_fields(lua_State *L, const char *const *allowed)
{
	int t = lua_gettop(L);

	lua_pushnil(L);
	while (lua_next(L, t)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		size_t i = 0;

		while (k && allowed[i] && strcmp(k, allowed[i]))
			i++;
		if (!k || !allowed[i]) {
			struct ccm_buf names = CCM_BUF_INIT;

			for (i = 0; allowed[i]; i++)
				ccm_buf_addf(&names, "%s%s", i ? ", " : "", allowed[i]);
			lua_pop(L, 1);                      /* the value */
			if (k)
				lua_pushfstring(L, "it returned the field '%s', which it may not "
						"set (it may set %s)", k, names.ptr);
			else
				lua_pushfstring(L, "it returned a field named by a %s, not a "
						"name (it may set %s)", luaL_typename(L, -1),
						names.ptr);
			lua_remove(L, -2);                  /* the key */
			ccm_buf_release(&names);
			return -1;
		}
		lua_pop(L, 1);
	}
	return 0;
}

/* Replaces *slot with the string field k of the table on top, if any.
 * Returns 0, or -1 with the error message on top (dup_result). */
static int take(lua_State *L, const char *k, size_t max, char **slot,
		const char **out)
{
	char *v;

	if (rawfield(L, -1, k) != LUA_TSTRING) {
		lua_pop(L, 1);
		return 0;
	}
	if (!(v = dup_result(L, -1, k, max))) {
		lua_remove(L, -2);
		return -1;
	}
	free(*slot);
	*slot = v;
	*out = v;
	lua_pop(L, 1);
	return 0;
}

/* Policy i's file name without its folder, as records and reports name it. */
static const char *script_name(const struct ccm_policies *p, size_t i)
{
	const char *name = strrchr(p->names[i], '/');

	return name ? name + 1 : p->names[i];
}

/* Who said no: the reason a skip is recorded with in the store. */
static const char *decided(struct ccm_policies *p, size_t i, const char *hook)
{
	snprintf(p->decided, sizeof(p->decided), "policy:%s:%s", script_name(p, i), hook);
	return p->decided;
}

/* Who gave the folder, for a report: "policy 'move.lua', folder hook". */
static void said_by(struct ccm_policies *p, size_t i, const char *hook)
{
	snprintf(p->folder_by, sizeof(p->folder_by), "policy '%s', %s hook",
		 script_name(p, i), hook);
}

static void clear_addresses(struct ccm_policies *p)
{
	for (size_t i = 0; i < p->n_addresses; i++)
		free(p->addresses[i]);
	p->n_addresses = 0;
}

/* A user as the user hook sees it (and the message hook its owner):
 * name, location, post_office (the post office's name for a local
 * user, whose directory entry leaves it blank), comments. */
static void push_user(lua_State *L, const struct ccm_dir_entry *e, const char *post_office)
{
	lua_createtable(L, 0, 4);
	set_str(L, "name", e->name);
	lua_pushfstring(L, "%c", e->location);
	lua_setfield(L, -2, "location");
	set_str(L, "post_office", e->addr && *e->addr ? e->addr : post_office);
	set_str(L, "comments", e->comments);
}

static int user_hook(void *ctx, const struct ccm_dir_entry *e, const char *post_office,
		     struct ccm_policy_user *out, struct ccm_error *err)
{
	struct ccm_policies *p = ctx;
	lua_State *L = p->L;

	clear_addresses(p);

	for (size_t i = 0; i < p->n; i++) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, p->hooks[i]);
		rawfield(L, -1, "user");
		lua_remove(L, -2);
		if (!lua_isfunction(L, -1)) {
			lua_pop(L, 1);
			continue;
		}
		push_user(L, e, post_office);
		if (call(p, i, "user hook", e->name, 1, 1) != LUA_OK)
			return lua_fail(p, "user hook", p->names[i], err);
		if (lua_toboolean(L, -1) == 0 && !lua_isnil(L, -1)) {
			lua_pop(L, 1);
			out->decided_by = decided(p, i, "user");
			return 0;
		}
		if (lua_istable(L, -1)) {
			static const char *const fields[] = { "alias", "display_name",
				"first_name", "last_name", "addresses", NULL };

			if (only_fields(L, fields) < 0 ||
			    take(L, "alias", CCM_POLICY_VALUE_MAX, &p->alias, &out->alias) < 0 ||
			    take(L, "display_name", CCM_POLICY_VALUE_MAX, &p->display, &out->display_name) < 0 ||
			    take(L, "first_name", CCM_POLICY_VALUE_MAX, &p->first, &out->first_name) < 0 ||
			    take(L, "last_name", CCM_POLICY_VALUE_MAX, &p->last, &out->last_name) < 0) {
				lua_remove(L, -2);
				return lua_fail(p, "user hook", p->names[i], err);
			}
			/* addresses = {"SMTP:...", ...}: added to what earlier
			 * policies gave, at most 16 in all. */
			rawfield(L, -1, "addresses");
			for (lua_Integer k = 1; lua_istable(L, -1) && p->n_addresses < 16; k++) {
				if (lua_rawgeti(L, -1, k) != LUA_TSTRING) {
					lua_pop(L, 1);
					break;
				}
				if (!(p->addresses[p->n_addresses] = dup_result(L, -1, "address", CCM_POLICY_VALUE_MAX))) {
					lua_replace(L, -4);     /* the message, over the result */
					lua_pop(L, 2);
					return lua_fail(p, "user hook", p->names[i], err);
				}
				p->address_ptrs[p->n_addresses] = p->addresses[p->n_addresses];
				p->n_addresses++;
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
			out->addresses = p->address_ptrs;
			out->n_addresses = p->n_addresses;
		}
		lua_pop(L, 1);
	}
	return 1;
}

static void push_atts(lua_State *L, const struct ccm_policy_att *atts, size_t n,
		      const char *prefix);

/* What a message and a forwarded message both show: subject, date,
 * sender, recipients, extra headers, sizes. */
static void push_common(lua_State *L, const struct ccm_message *m,
			unsigned long long size, unsigned long long body_size)
{
	set_str(L, "subject", m->subject);
	set_str(L, "date_text", m->date_text);
	if (m->date_state == CCM_DATE_OK) {
		lua_pushinteger(L, m->date.utc);
		lua_setfield(L, -2, "date");
	}
	ccm_lua_set_people(L, m);
	lua_pushinteger(L, (lua_Integer)size);
	lua_setfield(L, -2, "size");
	lua_pushinteger(L, (lua_Integer)body_size);
	lua_setfield(L, -2, "body_size");
}

/* A list of attachments, each {index, path, name, size, kind} and, for a
 * forwarded message the reader followed, `message`: its headers, sizes
 * and attachments (paths under its own: "3.1" is the first attachment of
 * the forwarded message that is attachment 3). */
static void push_atts(lua_State *L, const struct ccm_policy_att *atts, size_t n,
		      const char *prefix)
{
	int list;

	lua_createtable(L, (int)n, 0);
	list = lua_gettop(L);
	for (size_t k = 0; k < n; k++) {
		const struct ccm_policy_att *a = &atts[k];
		const char *path = prefix ? lua_pushfstring(L, "%s.%d", prefix, (int)k + 1) :
				   lua_pushfstring(L, "%d", (int)k + 1);

		lua_createtable(L, 0, 6);
		lua_pushinteger(L, (lua_Integer)k + 1);
		lua_setfield(L, -2, "index");
		lua_pushvalue(L, -2);
		lua_setfield(L, -2, "path");
		set_str(L, "name", a->name);
		lua_pushinteger(L, (lua_Integer)a->size);
		lua_setfield(L, -2, "size");
		set_str(L, "kind", ccm_item_kind_name(a->kind));
		if (a->message) {
			lua_createtable(L, 0, 12);
			push_common(L, a->message->msg, a->message->size, a->message->body_size);
			push_atts(L, a->message->atts, a->message->n_atts, path);
			lua_setfield(L, -2, "attachments");
			lua_setfield(L, -2, "message");
		}
		lua_rawseti(L, list, (lua_Integer)k + 1);
		lua_pop(L, 1);                  /* the path */
	}
}

/*
 * The message hook's m: its headers as po:messages() gives them (from,
 * to, cc, bcc as address tables; headers, the extra ones), where it is
 * going (folder), and what prepare() measured of its items: size,
 * body_size and attachments (push_atts).
 */
static void push_message(lua_State *L, const struct ccm_message *m, const char *folder,
			 const struct ccm_policy_msginfo *info)
{
	lua_createtable(L, 0, 20);
	set_str(L, "folder", folder);
	push_common(L, m, info->size, info->body_size);
	lua_pushboolean(L, (m->status & CCM_STATUS_UNREAD) != 0);
	lua_setfield(L, -2, "unread");
	lua_pushboolean(L, (m->status & CCM_STATUS_DRAFT) != 0);
	lua_setfield(L, -2, "draft");
	lua_pushinteger(L, (lua_Integer)m->number);
	lua_setfield(L, -2, "number");
	push_atts(L, info->atts, info->n_atts, NULL);
	lua_setfield(L, -2, "attachments");
}

/* Pushes what the value at idx is, for a message, running none of a
 * policy's code (no __tostring): a number as written, a string quoted
 * (its first 40 bytes), anything else by its type. */
static void describe(lua_State *L, int idx)
{
	idx = lua_absindex(L, idx);
	if (lua_type(L, idx) == LUA_TNUMBER) {
		lua_pushvalue(L, idx);
		lua_tostring(L, -1);            /* the copy becomes its text */
	} else if (lua_type(L, idx) == LUA_TSTRING) {
		size_t len;
		const char *v = lua_tolstring(L, idx, &len);
		struct ccm_buf b = CCM_BUF_INIT;

		ccm_buf_adds(&b, "the string '");
		ccm_escape_controls(&b, v, len < 40 ? len : 40);
		ccm_buf_adds(&b, len > 40 ? "...'" : "'");
		lua_pushlstring(L, b.ptr, b.len);
		ccm_buf_release(&b);
	} else {
		lua_pushfstring(L, "a %s", luaL_typename(L, idx));
	}
}

/* The paths of the attachments of a message (atts), for a message that
 * says which there are: "1, 2, 3, 3.1, 3.2" (the first 40). */
static void list_paths(struct ccm_buf *out, const struct ccm_policy_att *atts, size_t n,
		       const char *prefix, size_t *listed)
{
	struct ccm_buf path = CCM_BUF_INIT;

	for (size_t k = 0; k < n && *listed <= 40; k++) {
		ccm_buf_reset(&path);
		ccm_buf_addf(&path, "%s%s%zu", prefix, *prefix ? "." : "", k + 1);
		ccm_buf_addf(out, "%s%s", *listed ? ", " : "",
			     *listed >= 40 ? "..." : path.ptr);
		++*listed;
		if (atts[k].message)
			list_paths(out, atts[k].message->atts, atts[k].message->n_atts,
				   path.ptr, listed);
	}
	ccm_buf_release(&path);
}

/* Pushes "(the attachments are 1, 2, 3.1 ...)" for info's message. */
static void push_paths(lua_State *L, const struct ccm_policy_msginfo *info)
{
	struct ccm_buf b = CCM_BUF_INIT;
	size_t listed = 0;

	list_paths(&b, info->atts, info->n_atts, "", &listed);
	lua_pushfstring(L, "(the paths of m.attachments and of the attachments of its "
			"forwarded messages: %s)", listed ? b.ptr : "none");
	ccm_buf_release(&b);
}

/*
 * The path "3.1" (s) into d->path; 1 when it names an attachment of the
 * message (info), 0 when it is a path that names none, -1 when s is no
 * path at all.
 */
static int parse_path(struct ccm_policy_drop *d, const char *s,
		      const struct ccm_policy_msginfo *info)
{
	const struct ccm_policy_att *atts = info->atts;
	size_t n = info->n_atts;

	d->n_path = 0;
	for (;;) {
		char *end;
		unsigned long v;

		if (*s < '0' || *s > '9' || d->n_path == CCM_POLICY_PATH_MAX)
			return -1;
		v = strtoul(s, &end, 10);
		d->path[d->n_path++] = v;
		s = end;
		if (*s == '\0')
			break;
		if (*s++ != '.')
			return -1;
	}
	for (size_t j = 0; j < d->n_path; j++) {
		if (d->path[j] < 1 || d->path[j] > n)
			return 0;
		if (j + 1 < d->n_path) {
			const struct ccm_policy_fwd *f = atts[d->path[j] - 1].message;

			if (!f)
				return 0;
			atts = f->atts;
			n = f->n_atts;
		}
	}
	return 1;
}

/* Whether path a comes before b, place by place. */
static int path_cmp(const struct ccm_policy_drop *a, const struct ccm_policy_drop *b)
{
	for (size_t j = 0; j < a->n_path && j < b->n_path; j++)
		if (a->path[j] != b->path[j])
			return a->path[j] < b->path[j] ? -1 : 1;
	return a->n_path < b->n_path ? -1 : a->n_path > b->n_path;
}

/*
 * What one value of drop_attachments (on top) names, into *d: an index of
 * m.attachments, a path ("3.1"), or an attachment table (its path). 0, or
 * -1 with the error message pushed.
 */
static int drop_value(lua_State *L, const struct ccm_policy_msginfo *info,
		      struct ccm_policy_drop *d)
{
	int ok = 0, r;
	lua_Integer v = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : 0;

	if (lua_type(L, -1) == LUA_TNUMBER) {
		if (ok && v >= 1 && (lua_Unsigned)v <= info->n_atts) {
			d->path[0] = (size_t)v;
			d->n_path = 1;
			return 0;
		}
		describe(L, -1);
		lua_pushfstring(L, "drop_attachments names attachment %s, but the message "
				"has %I (the indexes of m.attachments)", lua_tostring(L, -1),
				(lua_Integer)info->n_atts);
		return -1;
	}
	if (lua_type(L, -1) == LUA_TTABLE) {
		lua_pushliteral(L, "path");
		lua_rawget(L, -2);
		if (lua_type(L, -1) != LUA_TSTRING) {
			lua_pushliteral(L, "drop_attachments holds a table that is not an "
					"attachment of m.attachments (it has no path)");
			return -1;
		}
	} else {
		lua_pushvalue(L, -1);
	}
	if (lua_type(L, -1) == LUA_TSTRING &&
	    (r = parse_path(d, lua_tostring(L, -1), info)) >= 0) {
		if (r == 1) {
			lua_pop(L, 1);
			return 0;
		}
		lua_pushfstring(L, "drop_attachments names attachment '%s', which the message "
				"does not have ", lua_tostring(L, -1));
	} else {
		describe(L, -1);
		lua_pushfstring(L, "drop_attachments holds %s, not an attachment index or "
				"path ", lua_tostring(L, -1));
	}
	push_paths(L, info);
	lua_concat(L, 2);
	return -1;
}

/*
 * drop_attachments = {index or path, ...} of the table on top, policy
 * i's: each path added to p->drops once, in order. Returns 0, or -1 with
 * the error message pushed: not a list, an item that names no attachment
 * of the message (info).
 */
static int take_drops(struct ccm_policies *p, size_t i, lua_State *L,
		      const struct ccm_policy_msginfo *info)
{
	int t;

	if (rawfield(L, -1, "drop_attachments") == LUA_TNIL) {
		lua_pop(L, 1);
		return 0;
	}
	if (!lua_istable(L, -1)) {
		lua_pushfstring(L, "drop_attachments must be a list of attachment indexes "
				"(those of m.attachments), not a %s", luaL_typename(L, -1));
		lua_remove(L, -2);
		return -1;
	}
	t = lua_gettop(L);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		struct ccm_policy_drop d = { .by = script_name(p, i) };
		size_t at;
		int c = 1;

		if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1) {
			describe(L, -2);
			lua_pushfstring(L, "drop_attachments must be a list of attachment "
					"indexes, but it has the key %s", lua_tostring(L, -1));
			lua_replace(L, t);
			lua_settop(L, t);
			return -1;
		}
		if (drop_value(L, info, &d) < 0) {
			lua_replace(L, t);
			lua_settop(L, t);
			return -1;
		}
		lua_settop(L, t + 1);           /* the key */
		/* Each path once, kept in order: the first policy that drops it
		 * is the one named. */
		for (at = 0; at < p->n_drops && (c = path_cmp(&p->drops[at], &d)) < 0; at++)
			;
		if (at < p->n_drops && c == 0)
			continue;
		if (p->n_drops == p->cap_drops) {
			size_t cap = p->cap_drops ? p->cap_drops * 2 : 8;
			struct ccm_policy_drop *nd = realloc(p->drops, cap * sizeof(*nd));

			if (!nd) {
				lua_pushliteral(L, "not enough memory");
				lua_replace(L, t);
				lua_settop(L, t);
				return -1;
			}
			p->drops = nd;
			p->cap_drops = cap;
		}
		memmove(&p->drops[at + 1], &p->drops[at], (p->n_drops - at) * sizeof(*p->drops));
		p->drops[at] = d;
		p->n_drops++;
	}
	lua_pop(L, 1);
	return 0;
}

static int message_hook(void *ctx, const struct ccm_message *m, const char *user,
			const char *folder, const struct ccm_policy_msginfo *info,
			struct ccm_policy_message *out, struct ccm_error *err)
{
	struct ccm_policies *p = ctx;
	lua_State *L = p->L;

	p->n_drops = 0;
	for (size_t i = 0; i < p->n; i++) {
		const char *cur = out->folder ? out->folder : folder;

		lua_rawgeti(L, LUA_REGISTRYINDEX, p->hooks[i]);
		/* folder(name, user): a new name, or false to skip. */
		rawfield(L, -1, "folder");
		if (lua_isfunction(L, -1)) {
			lua_pushstring(L, cur);
			lua_pushstring(L, user);
			if (call(p, i, "folder hook", user, 2, 1) != LUA_OK) {
				lua_remove(L, -2);
				return lua_fail(p, "folder hook", p->names[i], err);
			}
			if (lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
				lua_pop(L, 2);
				out->decided_by = decided(p, i, "folder");
				return 0;
			}
			if (lua_type(L, -1) == LUA_TSTRING) {
				char *v = dup_result(L, -1, "folder name", CCM_POLICY_FOLDER_MAX);

				if (!v) {
					lua_replace(L, -3);     /* the message, over the hooks */
					lua_pop(L, 1);
					return lua_fail(p, "folder hook", p->names[i], err);
				}
				free(p->folder);
				p->folder = v;
				out->folder = p->folder;
				said_by(p, i, "folder");
				out->folder_by = p->folder_by;
			}
		}
		lua_pop(L, 1);
		/* message(m, user, u): false to skip, or a table of overrides. */
		rawfield(L, -1, "message");
		lua_remove(L, -2);
		if (!lua_isfunction(L, -1)) {
			lua_pop(L, 1);
			continue;
		}
		push_message(L, m, out->folder ? out->folder : folder, info);
		lua_pushstring(L, user);
		if (info->owner)
			push_user(L, info->owner, info->post_office);
		else
			lua_pushnil(L);
		if (call(p, i, "message hook", user, 3, 1) != LUA_OK)
			return lua_fail(p, "message hook", p->names[i], err);
		if (lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1)) {
			lua_pop(L, 1);
			out->decided_by = decided(p, i, "message");
			return 0;
		}
		if (lua_istable(L, -1)) {
			/* A value no folder or subject can hold fails the hook:
			 * its message (on top) names the field. */
			static const char *const fields[] = { "folder", "subject", "unread",
				"drop_attachments", NULL };
			const char *before = out->folder;

			if (only_fields(L, fields) < 0 ||
			    take(L, "folder", CCM_POLICY_FOLDER_MAX, &p->folder, &out->folder) < 0 ||
			    take(L, "subject", CCM_POLICY_VALUE_MAX, &p->subject, &out->subject) < 0 ||
			    take_drops(p, i, L, info) < 0) {
				lua_remove(L, -2);
				return lua_fail(p, "message hook", p->names[i], err);
			}
			if (out->folder != before) {
				said_by(p, i, "message");
				out->folder_by = p->folder_by;
			}
			rawfield(L, -1, "unread");
			if (lua_isboolean(L, -1))
				out->unread = lua_toboolean(L, -1);
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	out->drops = p->drops;
	out->n_drops = p->n_drops;
	return 1;
}

static int address_hook(void *ctx, const struct ccm_addr *a, const char **out,
			struct ccm_error *err)
{
	struct ccm_policies *p = ctx;
	lua_State *L = p->L;

	for (size_t i = 0; i < p->n; i++) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, p->hooks[i]);
		rawfield(L, -1, "address");
		lua_remove(L, -2);
		if (!lua_isfunction(L, -1)) {
			lua_pop(L, 1);
			continue;
		}
		lua_newtable(L);
		set_str(L, "name", a->name);
		set_str(L, "post_office", a->po);
		set_str(L, "kind", ccm_addr_kind_name(a->kind));
		set_str(L, "raw", a->raw);
		if (call(p, i, "address hook", NULL, 1, 1) != LUA_OK)
			return lua_fail(p, "address hook", p->names[i], err);
		if (lua_type(L, -1) == LUA_TSTRING) {
			/* The first policy that maps it decides. */
			char *v = dup_result(L, -1, "mapped address", CCM_POLICY_VALUE_MAX);

			if (!v) {
				lua_remove(L, -2);
				return lua_fail(p, "address hook", p->names[i], err);
			}
			free(p->mapped);
			p->mapped = v;
			lua_pop(L, 1);
			*out = p->mapped;
			return 1;
		}
		lua_pop(L, 1);
	}
	return 0;
}

/* custom_recipient(u, candidates): a candidate (or its id), the alias of
 * any custom recipient, or false for none; nil lets the next policy say. u = {name, address}; candidates[i] = {id, alias,
 * display_name, ccmail_name, target}. The first policy with the hook that
 * answers decides. */
static int custom_recipient_hook(void *ctx, const char *address, const char *name,
				 const struct ccm_recipient *c, size_t n,
				 long long *chosen, const char **chosen_alias,
				 struct ccm_error *err)
{
	struct ccm_policies *p = ctx;
	lua_State *L = p->L;

	for (size_t i = 0; i < p->n; i++) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, p->hooks[i]);
		rawfield(L, -1, "custom_recipient");
		lua_remove(L, -2);
		if (!lua_isfunction(L, -1)) {
			lua_pop(L, 1);
			continue;
		}
		lua_newtable(L);
		set_str(L, "name", name);
		set_str(L, "address", address);
		lua_createtable(L, (int)n, 0);
		for (size_t k = 0; k < n; k++) {
			lua_newtable(L);
			lua_pushinteger(L, c[k].id);
			lua_setfield(L, -2, "id");
			set_str(L, "alias", c[k].alias);
			set_str(L, "display_name", c[k].display_name);
			set_str(L, "ccmail_name", c[k].ccmail_name);
			set_str(L, "target", c[k].target);
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		if (call(p, i, "custom_recipient hook", name, 2, 1) != LUA_OK)
			return lua_fail(p, "custom_recipient hook", p->names[i], err);
		if (lua_istable(L, -1)) {           /* a candidate: its id */
			rawfield(L, -1, "id");
			lua_remove(L, -2);
		}
		if (lua_isnil(L, -1)) {
			lua_pop(L, 1);
			continue;                   /* no answer: the next policy */
		}
		*chosen = 0;
		if (lua_isinteger(L, -1)) {
			*chosen = lua_tointeger(L, -1);
		} else if (lua_type(L, -1) == LUA_TSTRING) {
			/* An alias: the importer finds that custom recipient. */
			char *v = dup_result(L, -1, "alias", CCM_POLICY_VALUE_MAX);

			if (!v) {
				lua_remove(L, -2);
				return lua_fail(p, "custom_recipient hook", p->names[i], err);
			}
			free(p->mapped);
			p->mapped = v;
			*chosen_alias = p->mapped;
			lua_pop(L, 1);
			return 1;
		}
		lua_pop(L, 1);
		return *chosen ? 1 : 0;             /* false: none */
	}
	/* Every policy said nil: the default decides, as the hook's
	 * documentation promises (not "none", which makes a new mailbox
	 * beside the custom recipient that holds the user's address). */
	return 2;
}

/*
 * A limit from the environment, for a site whose policies need more (and
 * for tests that want less): *out becomes the number in variable `name`
 * when it is set, and stays as it is when not. A value that is not a
 * number above 0 and at most `max` is an error: a limit the user set is
 * never ignored without a word.
 */
static int env_limit(const char *name, double max, double *out, struct ccm_error *err)
{
	const char *v = getenv(name);
	char *end;
	double d;

	if (!v || !*v)
		return 0;
	d = strtod(v, &end);
	if (end == v || *end || !(d > 0) || d > max)
		return ccm_error_set(err, CCM_EINVAL, "%s='%s' is not a number above 0 and "
				     "at most %.0f; fix it or unset it", name, v, max);
	*out = d;
	return 0;
}

/* The limits: the defaults, or what the environment says (policies.md). */
static int set_limits(struct ccm_policies *p, struct ccm_error *err)
{
	double mib = (double)(CCM_POLICY_MEMORY >> 20);
	double ins = (double)CCM_POLICY_INSTRUCTIONS;

	p->seconds = CCM_WATCHDOG_SECONDS;
	if (env_limit("CCMIG_POLICY_SECONDS", 1e6, &p->seconds, err) < 0 ||
	    env_limit("CCMIG_POLICY_INSTRUCTIONS", 1e15, &ins, err) < 0 ||
	    env_limit("CCMIG_POLICY_MEMORY_MB", 1 << 20, &mib, err) < 0)
		return CCM_EINVAL;
	p->budget = (long)ins;
	p->cap = (size_t)(mib * 1048576.0);
	return 0;
}

int ccm_policies_load(struct ccm_policies **out, const char *const *files,
		      size_t n_files, const char *const *args, size_t n,
		      struct ccm_error *err)
{
	struct ccm_policies *p = calloc(1, sizeof(*p));
	lua_State *L;

	*out = NULL;
	if (!p)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	if (n_files > MAX_POLICIES) {
		free(p);
		return ccm_error_set(err, CCM_EINVAL, "at most %d policies", MAX_POLICIES);
	}
	if (set_limits(p, err) < 0) {
		free(p);
		return CCM_EINVAL;
	}
	if (ccm_watchdog_init(err) < 0) {
		free(p);
		return CCM_EIO;
	}
	p->L = L = lua_newstate(cap_alloc, p);
	if (!L) {
		free(p);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory starting Lua");
	}
	luaL_openlibs(L);
	hide_string_metatable(L);
	/* Addresses given to hooks print as they do in the module; their
	 * metatable, shared by every policy, is out of reach of each. */
	ccm_lua_address_class(L);
	luaL_getmetatable(L, CCM_LUA_ADDRESS);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	p->csv_paths = calloc(n ? n : 1, sizeof(char *));
	/* The arguments: one table, given to every policy chunk. */
	lua_newtable(L);
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(args[i], '=');
		if (!eq) {
			ccm_policies_free(p);
			return ccm_error_set(err, CCM_EINVAL, "policy argument '%s' is not "
					     "name=value", args[i]);
		}
		lua_pushlstring(L, args[i], (size_t)(eq - args[i]));
		lua_pushstring(L, eq + 1);
		lua_settable(L, -3);
		p->csv_paths[p->n_csv++] = strdup(eq + 1);
	}
	for (size_t i = 0; i < n_files; i++) {
		p->names[i] = strdup(files[i]);
		if (luaL_loadfilex(L, files[i], "t") != LUA_OK) {
			lua_remove(L, -2);
			lua_fail(p, "loading", files[i], err);
			ccm_policies_free(p);
			return CCM_EINVAL;
		}
		make_env(L);
		lua_setupvalue(L, -2, 1);            /* its _ENV: its own sandbox */
		lua_pushvalue(L, -2);                /* the arguments */
		if (call(p, i, "main chunk", NULL, 1, 1) != LUA_OK) {
			lua_remove(L, -2);
			lua_fail(p, "main chunk", files[i], err);
			ccm_policies_free(p);
			return CCM_EINVAL;
		}
		if (!lua_istable(L, -1)) {
			ccm_policies_free(p);
			return ccm_error_set(err, CCM_EINVAL, "policy '%s' must return a table "
					     "of hooks (user, message, folder)", files[i]);
		}
		p->hooks[i] = luaL_ref(L, LUA_REGISTRYINDEX);
		p->n++;
	}
	lua_pop(L, 1);
	p->pol.ctx = p;
	p->pol.user = user_hook;
	p->pol.message = message_hook;
	p->pol.address = address_hook;
	p->ipol.ctx = p;
	p->ipol.custom_recipient = custom_recipient_hook;
	*out = p;
	return 0;
}

int ccm_policies_from_table(struct ccm_policies **out, lua_State *L, int idx,
			    struct ccm_error *err)
{
	struct ccm_policies *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	p->L = L;
	p->borrowed = 1;
	lua_pushvalue(L, idx);
	p->hooks[0] = luaL_ref(L, LUA_REGISTRYINDEX);
	p->names[0] = strdup("(policy table)");
	p->n = 1;
	p->pol.ctx = p;
	p->pol.user = user_hook;
	p->pol.message = message_hook;
	p->pol.address = address_hook;
	p->ipol.ctx = p;
	p->ipol.custom_recipient = custom_recipient_hook;
	*out = p;
	return 0;
}

const struct ccm_policy *ccm_policies_hooks(const struct ccm_policies *p)
{
	return &p->pol;
}

const struct ccm_import_policy *ccm_policies_import_hooks(const struct ccm_policies *p)
{
	return &p->ipol;
}

void ccm_policies_free(struct ccm_policies *p)
{
	if (!p)
		return;
	if (p->borrowed)
		luaL_unref(p->L, LUA_REGISTRYINDEX, p->hooks[0]);
	else if (p->L)
		lua_close(p->L);
	for (size_t i = 0; i < MAX_POLICIES; i++)
		free(p->names[i]);
	for (size_t i = 0; i < p->n_csv; i++)
		free(p->csv_paths[i]);
	free(p->csv_paths);
	free(p->alias);
	free(p->display);
	free(p->first);
	free(p->last);
	free(p->folder);
	free(p->subject);
	free(p->mapped);
	free(p->drops);
	clear_addresses(p);
	free(p);
}

/* A policy as opts.policy names it: a file, or a stock policy's name
 * ("date-range"), found as --policy finds it; *out a copy to free. */
static int policy_file(char **out, const char *v, struct ccm_error *err)
{
	if (ccm_stock_is_name(v))
		return ccm_stock_find(out, v, err);
	if (!(*out = strdup(v)))
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	return 0;
}

int ccm_policies_from_opts(struct ccm_policies **out, lua_State *L, int t,
			   struct ccm_error *err)
{
	char *files[32], *args[64];
	size_t nf = 0, na = 0;
	int rc = 0, top = lua_gettop(L);

	*out = NULL;
	if (lua_isnoneornil(L, t))
		return 0;
	/* Copies: ccm_policies_load keeps what it needs of them. */
	lua_getfield(L, t, "policy");
	if (lua_istable(L, -1) && lua_rawlen(L, -1) == 0) {
		/* A table of hook functions, trusted like the script. */
		rc = ccm_policies_from_table(out, L, lua_gettop(L), err);
		lua_settop(L, top);
		return rc;
	}
	if (lua_type(L, -1) == LUA_TSTRING) {
		rc = policy_file(&files[nf++], lua_tostring(L, -1), err);
	} else if (lua_istable(L, -1)) {
		for (lua_Integer i = 1; nf < 32 && rc == 0; i++) {
			int is_string = lua_rawgeti(L, -1, i) == LUA_TSTRING;
			if (is_string)
				rc = policy_file(&files[nf++], lua_tostring(L, -1), err);
			lua_pop(L, 1);
			if (!is_string)
				break;
		}
	}
	lua_getfield(L, t, "policy_args");
	if (lua_istable(L, -1)) {
		lua_pushnil(L);
		while (na < 64 && lua_next(L, -2)) {
			lua_pushvalue(L, -2);    /* the key, converted as a copy */
			lua_pushfstring(L, "%s=%s", lua_tostring(L, -1), lua_tostring(L, -2));
			args[na++] = strdup(lua_tostring(L, -1));
			lua_pop(L, 3);
		}
	}
	lua_settop(L, top);
	if (nf && rc == 0)
		rc = ccm_policies_load(out, (const char *const *)files, nf,
				       (const char *const *)args, na, err);
	for (size_t i = 0; i < nf; i++)
		free(files[i]);
	for (size_t i = 0; i < na; i++)
		free(args[i]);
	return rc;
}
