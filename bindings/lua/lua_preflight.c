/* lua_preflight.c: ccmig.preflight, what a migration with these options and
 * policies would leave out, found by running the extraction into a
 * temporary folder. */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */
#include "lua/lua_ccmig.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccmail/bundle.h"
#include "ccmail/message.h"
#include "iff/extract.h"

/*
 * The policy's hooks, run as they are, and what they decide noted down
 * into tables of L: the stack indices of left_out_users, left_out and
 * dropped_attachments.
 */
struct preflight {
	lua_State *L;
	const struct ccm_bundle *b;
	const struct ccm_policy *inner;
	struct ccm_policy self;
	int users, msgs, drops;
};

/* Appends the table on top to the list at index list. */
static void append(lua_State *L, int list)
{
	lua_rawseti(L, list, (lua_Integer)lua_rawlen(L, list) + 1);
}

static int pf_user(void *ctx, const struct ccm_dir_entry *e, const char *post_office,
		   struct ccm_policy_user *out, struct ccm_error *err)
{
	struct preflight *p = ctx;
	int rc = p->inner->user(p->inner->ctx, e, post_office, out, err);

	if (rc == 0) {
		lua_checkstack(p->L, 4);
		lua_createtable(p->L, 0, 2);
		ccm_lua_setstr(p->L, "name", e->name);
		ccm_lua_setstr(p->L, "why", out->decided_by ? out->decided_by : "policy");
		append(p->L, p->users);
	}
	return rc;
}

/* Sets `user` in the table on top: the user's name as the directory
 * spells it ("Smith, John", where po.txt may say "SMITH, JOHN"), or a
 * board's name. */
static void set_user(lua_State *L, const struct ccm_bundle *b, const char *name)
{
	const struct ccm_dir_entry *e = name ? ccm_directory_find(&b->dir, name,
								 strlen(name)) : NULL;

	ccm_lua_setstr(L, "user", e ? e->name : name);
}

/* The fields of a message every entry of left_out and dropped_attachments has. */
static void message_fields(struct preflight *p, const struct ccm_message *m,
			   const char *user)
{
	lua_State *L = p->L;

	set_user(L, p->b, user);
	ccm_lua_setint(L, "number", m->number);
	ccm_lua_setstr(L, "subject", m->subject);
}

/* The attachment drop d names, down its path; NULL when it names none. */
static const struct ccm_policy_att *dropped_att(const struct ccm_policy_msginfo *info,
						const struct ccm_policy_drop *d)
{
	const struct ccm_policy_att *atts = info->atts, *a = NULL;
	size_t n = info->n_atts;

	for (size_t k = 0; k < d->n_path; k++) {
		if (!atts || d->path[k] < 1 || d->path[k] > n)
			return NULL;
		a = &atts[d->path[k] - 1];
		atts = a->message ? a->message->atts : NULL;
		n = a->message ? a->message->n_atts : 0;
	}
	return a;
}

/* Pushes d's path as the hook writes it: "3", "3.1". */
static void push_path(lua_State *L, const struct ccm_policy_drop *d)
{
	luaL_Buffer b;

	luaL_buffinit(L, &b);
	for (size_t k = 0; k < d->n_path; k++) {
		if (k)
			luaL_addchar(&b, '.');
		lua_pushinteger(L, (lua_Integer)d->path[k]);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
}

static int pf_message(void *ctx, const struct ccm_message *m, const char *user,
		      const char *folder, const struct ccm_policy_msginfo *info,
		      struct ccm_policy_message *out, struct ccm_error *err)
{
	struct preflight *p = ctx;
	lua_State *L = p->L;
	int rc = p->inner->message(p->inner->ctx, m, user, folder, info, out, err);

	lua_checkstack(L, 4);
	if (rc == 0) {
		lua_createtable(L, 0, 7);
		message_fields(p, m, user);
		if (m->date_state == CCM_DATE_OK)
			ccm_lua_setint(L, "date", m->date.utc);
		ccm_lua_setstr(L, "date_text", m->date_text);
		ccm_lua_setstr(L, "folder", folder);
		ccm_lua_setstr(L, "why", out->decided_by ? out->decided_by : "policy");
		append(L, p->msgs);
	}
	for (size_t i = 0; rc > 0 && i < out->n_drops; i++) {
		const struct ccm_policy_drop *d = &out->drops[i];
		const struct ccm_policy_att *a = dropped_att(info, d);

		if (!a)
			continue;       /* the extraction says what is wrong */
		lua_createtable(L, 0, 8);
		message_fields(p, m, user);
		if (d->n_path == 1)
			ccm_lua_setint(L, "index", (long long)d->path[0]);
		push_path(L, d);
		lua_setfield(L, -2, "path");
		ccm_lua_setstr(L, "name", a->name);
		ccm_lua_setint(L, "size", (long long)a->size);
		lua_pushfstring(L, "policy:%s:message", d->by);
		lua_setfield(L, -2, "why");
		append(L, p->drops);
	}
	return rc;
}

static int pf_address(void *ctx, const struct ccm_addr *a, const char **out,
		      struct ccm_error *err)
{
	struct preflight *p = ctx;

	return p->inner->address(p->inner->ctx, a, out, err);
}

static const struct ccm_policy *wrap(void *ctx, const struct ccm_policy *inner)
{
	struct preflight *p = ctx;

	if (!inner)
		return NULL;
	p->inner = inner;
	p->self.ctx = p;
	p->self.user = inner->user ? pf_user : NULL;
	p->self.message = inner->message ? pf_message : NULL;
	p->self.address = inner->address ? pf_address : NULL;
	return &p->self;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/*
 * The place of a failure without whom it cost: "policy 'x.lua' failed in
 * its message hook: x.lua:2: boom" of "...; user 'Smith, John' is not
 * migrated: ...", so that one error is said once however many users it
 * cost.
 */
static void push_failure_text(lua_State *L, const char *text)
{
	const char *end = text + strlen(text), *cut;
	char *rest;

	if (!strncmp(text, "message ", 8) && strtol(text + 8, &rest, 10) > 0 &&
	    !strncmp(rest, ": ", 2))
		text = rest + 2;
	if ((cut = strstr(text, "; user '")) && cut < end)
		end = cut;
	if ((cut = strstr(text, "; the bulletin boards")) && cut < end)
		end = cut;
	lua_pushlstring(L, text, (size_t)(end - text));
}

/* The entry of `failures` for the failure text on top (popped), made
 * when it is new; `seen` maps texts to entries. Pushes the entry. */
static void failure_entry(lua_State *L, int failures, int seen)
{
	lua_pushvalue(L, -1);
	if (lua_rawget(L, seen) != LUA_TNIL) {
		lua_remove(L, -2);
		return;
	}
	lua_pop(L, 1);
	lua_createtable(L, 0, 3);
	lua_pushvalue(L, -2);
	lua_setfield(L, -2, "text");
	lua_newtable(L);
	lua_setfield(L, -2, "users");
	lua_pushvalue(L, -1);
	append(L, failures);
	lua_pushvalue(L, -2);
	lua_pushvalue(L, -2);
	lua_rawset(L, seen);
	lua_remove(L, -2);
}

/* Adds the user on top (popped) to entry f's users, once. */
static void failure_user(lua_State *L, int f)
{
	int dup = 0;

	lua_getfield(L, f, "users");
	for (lua_Integer k = 1; !dup && lua_rawgeti(L, -1, k) != LUA_TNIL; k++) {
		dup = lua_rawequal(L, -1, -3);
		lua_pop(L, 1);
	}
	if (!dup) {
		lua_pop(L, 1);           /* the nil that ended the loop */
		lua_pushvalue(L, -2);
		append(L, lua_gettop(L) - 1);
	}
	lua_pop(L, 2);
}

/*
 * From the report at index r: the messages an option or a rule left out
 * (their events) onto the list at index msgs; pushes the failures of the
 * policy, each distinct one once with the users it cost ({text, users,
 * boards}), and then a set of the users they cost.
 */
static void from_events(lua_State *L, const struct ccm_bundle *b, int r, int msgs)
{
	int events, failures, seen, failed;

	lua_getfield(L, r, "events");
	events = lua_gettop(L);
	lua_newtable(L);
	failures = lua_gettop(L);
	lua_newtable(L);
	failed = lua_gettop(L);
	lua_newtable(L);                 /* text -> its entry of failures */
	seen = lua_gettop(L);
	for (lua_Integer i = 1; lua_rawgeti(L, events, i) == LUA_TTABLE; i++) {
		int e = lua_gettop(L);
		const char *kind, *why = NULL;

		lua_getfield(L, e, "kind");
		kind = lua_tostring(L, -1);
		if (!strcmp(kind, "outside-date-range"))
			why = "option:date-range";
		else if (!strcmp(kind, "skipped-r8-settings"))
			why = "rule:r8-settings";
		if (why) {
			lua_createtable(L, 0, 3);
			lua_getfield(L, e, "user");
			lua_insert(L, -2);
			set_user(L, b, lua_tostring(L, -2));
			lua_remove(L, -2);
			lua_getfield(L, e, "message");
			lua_setfield(L, -2, "number");
			ccm_lua_setstr(L, "why", why);
			append(L, msgs);
		} else if (!strcmp(kind, "policy-failed") || !strcmp(kind, "policy-bad-folder")) {
			lua_getfield(L, e, "text");
			push_failure_text(L, lua_tostring(L, -1));
			lua_remove(L, -2);
			failure_entry(L, failures, seen);
			if (lua_getfield(L, e, "user") == LUA_TNIL) {
				lua_pushboolean(L, 1);
				lua_setfield(L, -3, "boards");
			} else {
				lua_newtable(L);
				set_user(L, b, lua_tostring(L, -2));
				lua_getfield(L, -1, "user");
				lua_replace(L, -3);
				lua_pop(L, 1);
				lua_pushvalue(L, -1);
				lua_pushboolean(L, 1);
				lua_rawset(L, failed);
				failure_user(L, lua_gettop(L) - 1);
			}
		}
		lua_settop(L, e - 1);
	}
	lua_settop(L, failed);
	lua_remove(L, events);
}

/* Removes from the list at index list the entries of the users in the
 * set at index users: a user a hook failed for is not migrated at all. */
static void drop_failed(lua_State *L, int list, int users)
{
	lua_Integer n = (lua_Integer)lua_rawlen(L, list), kept = 0;

	for (lua_Integer i = 1; i <= n; i++) {
		int gone;

		lua_rawgeti(L, list, i);
		lua_getfield(L, -1, "user");
		gone = lua_rawget(L, users) != LUA_TNIL;
		lua_pop(L, 1);
		if (gone)
			lua_pop(L, 1);
		else
			lua_rawseti(L, list, ++kept);
	}
	for (lua_Integer i = kept + 1; i <= n; i++) {
		lua_pushnil(L);
		lua_rawseti(L, list, i);
	}
}

/* ccmig.preflight(po [, opts]) */
static int l_preflight(lua_State *L)
{
	const struct ccm_bundle *b = ccm_lua_check_po(L, 1);
	const char *tmpdir = getenv("TMPDIR");
	struct preflight p;
	char dir[4096];
	int n, r;

	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	lua_settop(L, 2);
	if (!tmpdir || !*tmpdir)
		tmpdir = "/tmp";
	if (snprintf(dir, sizeof(dir), "%s/ccmig-preflight-XXXXXX", tmpdir) >= (int)sizeof(dir))
		return ccm_lua_fail(L, "the temporary folder's path ($TMPDIR) is too long");
	if (!mkdtemp(dir)) {
		lua_pushnil(L);
		lua_pushfstring(L, "cannot make a temporary folder in '%s': %s (set "
				"TMPDIR to a folder you may write)", tmpdir, strerror(errno));
		return 2;
	}
	memset(&p, 0, sizeof(p));
	p.L = L;
	p.b = b;
	lua_newtable(L);
	p.users = lua_gettop(L);
	lua_newtable(L);
	p.msgs = lua_gettop(L);
	lua_newtable(L);
	p.drops = lua_gettop(L);
	lua_pushfstring(L, "%s/set", dir);
	n = ccm_lua_extract_run(L, lua_tostring(L, -1), 2, wrap, &p);
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	if (n != 1)
		return n;
	r = lua_gettop(L);
	lua_getfield(L, r, "counts");
	lua_getfield(L, -1, "users");
	lua_setfield(L, r, "users");
	lua_pop(L, 1);
	from_events(L, p.b, r, p.msgs);
	drop_failed(L, p.msgs, lua_gettop(L));
	drop_failed(L, p.drops, lua_gettop(L));
	lua_pop(L, 1);
	lua_pushboolean(L, lua_rawlen(L, -1) == 0);
	lua_setfield(L, r, "ok");
	lua_setfield(L, r, "failures");
	lua_pushvalue(L, p.users);
	lua_setfield(L, r, "left_out_users");
	lua_pushvalue(L, p.msgs);
	lua_setfield(L, r, "left_out");
	lua_pushvalue(L, p.drops);
	lua_setfield(L, r, "dropped_attachments");
	return 1;
}

void ccm_lua_preflight_register(lua_State *L)
{
	lua_pushcfunction(L, l_preflight);
	lua_setfield(L, -2, "preflight");
}
