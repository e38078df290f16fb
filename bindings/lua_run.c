/* lua_run.c: ccmig.extract, ccmig.import, ccmig.migrate: the migration steps
 * from Lua, each returning a report table. */
#include "lua_ccmig.h"
#include "lua_policy.h"
#include "progress.h"

#include <stdlib.h>
#include <string.h>

#include "ccmail/bundle.h"
#include "iff/extract.h"
#include "flow/import.h"
#include "flow/migrate.h"
#include "store/store.h"

static int opt_bool(lua_State *L, int t, const char *k)
{
	int v;

	lua_getfield(L, t, k);
	v = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return v;
}

static int opt_int(lua_State *L, int t, const char *k, long long *out)
{
	int isnum, has;

	lua_getfield(L, t, k);
	has = !lua_isnil(L, -1);
	if (has) {
		*out = (long long)lua_tointegerx(L, -1, &isnum);
		if (!isnum)
			luaL_error(L, "opts.%s must be an integer", k);
	}
	lua_pop(L, 1);
	return has;
}

/*
 * The one place an opts table becomes struct ccm_extract_opts (ccmig.extract
 * and ccmig.migrate). Fields other than these are left alone: opts.policy
 * belongs to the policy layer, which reads it from the same table.
 */
static void extract_opts(lua_State *L, int t, struct ccm_extract_opts *o)
{
	long long v;

	memset(o, 0, sizeof(*o));
	if (lua_isnoneornil(L, t))
		return;
	luaL_checktype(L, t, LUA_TTABLE);
	if (opt_int(L, t, "code_page", &v))
		o->code_page = (int)v;
	o->no_mail = opt_bool(L, t, "no_mail");
	o->keep_r8 = opt_bool(L, t, "keep_r8");
	o->has_since = opt_int(L, t, "since", &o->since);
	o->has_until = opt_int(L, t, "until", &o->until);
}

/*
 * opts.policy (a policy file, or an array of them) and opts.policy_args
 * ({name = value}) into the sandbox of lua_policy.c. *out is NULL when
 * there is no policy; the caller frees it after the run. Returns 0, or a
 * negative code with err saying which policy failed to load.
 */
static int extract_policies(lua_State *L, int t, struct ccm_policies **out,
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
		files[nf++] = strdup(lua_tostring(L, -1));
	} else if (lua_istable(L, -1)) {
		for (lua_Integer i = 1; nf < 32; i++) {
			int is_string = lua_rawgeti(L, -1, i) == LUA_TSTRING;
			if (is_string)
				files[nf++] = strdup(lua_tostring(L, -1));
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
	if (nf)
		rc = ccm_policies_load(out, (const char *const *)files, nf,
				       (const char *const *)args, na, err);
	for (size_t i = 0; i < nf; i++)
		free(files[i]);
	for (size_t i = 0; i < na; i++)
		free(args[i]);
	return rc;
}

/* Long runs from scripts show their progress on a terminal, as the
 * commands do (progress.h stays quiet when stderr is not one). */
static void on_progress(void *ctx, size_t done, size_t total, unsigned long long bytes)
{
	struct progress *p = ctx;

	p->total = total;
	progress_update(p, done, bytes);
}

static void import_opts(lua_State *L, int t, struct ccm_import_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (lua_isnoneornil(L, t))
		return;
	luaL_checktype(L, t, LUA_TTABLE);
	o->create_mailboxes = opt_bool(L, t, "create_mailboxes");
	lua_getfield(L, t, "time_zone");
	o->time_zone = lua_tostring(L, -1);   /* the table keeps it alive */
	lua_pop(L, 1);
}

static void extract_counts(lua_State *L, const struct ccm_extract_stats *s)
{
	ccm_lua_setint(L, "users", (long long)s->users);
	ccm_lua_setint(L, "pab_sections", (long long)s->pab_sections);
	ccm_lua_setint(L, "boards", (long long)s->boards);
	ccm_lua_setint(L, "messages", (long long)s->messages);
	ccm_lua_setint(L, "attachments", (long long)s->attachments);
	ccm_lua_setint(L, "forwarded", (long long)s->forwarded);
	ccm_lua_setint(L, "skipped", (long long)s->skipped);
	ccm_lua_setint(L, "bytes_in", (long long)s->bytes_in);
	ccm_lua_setint(L, "replaced", (long long)s->replaced);
}

static void import_counts(lua_State *L, const struct ccm_import_stats *s)
{
	ccm_lua_setint(L, "sections", (long long)s->sections);
	ccm_lua_setint(L, "sections_skipped", (long long)s->sections_skipped);
	ccm_lua_setint(L, "rows", (long long)s->rows);
	ccm_lua_setint(L, "rows_skipped", (long long)s->rows_skipped);
	ccm_lua_setint(L, "rows_already", (long long)s->rows_already);
	ccm_lua_setint(L, "mailboxes_created", (long long)s->mailboxes_created);
	ccm_lua_setint(L, "converted", (long long)s->converted);
	ccm_lua_setint(L, "messages", (long long)s->messages);
	ccm_lua_setint(L, "attachments", (long long)s->attachments);
	ccm_lua_setint(L, "attachment_bytes", (long long)s->attachment_bytes);
	ccm_lua_setint(L, "messages_already", (long long)s->messages_already);
	ccm_lua_setint(L, "placed", (long long)s->placed);
	ccm_lua_setint(L, "left_out", (long long)s->left_out);
	ccm_lua_setint(L, "kept", (long long)s->kept);
	ccm_lua_setint(L, "users_left_out", (long long)s->users_left_out);
}

/* Returns report (1) or nil, message, report (3). */
static int finish(lua_State *L, int rc, const struct ccm_error *err,
		  struct ccm_lua_collect *col)
{
	/* the report table with counts is on top */
	ccm_lua_report_fields(L, col);
	ccm_lua_collect_release(col);
	if (rc < 0) {
		lua_pushnil(L);
		lua_pushstring(L, err->msg);
		lua_rotate(L, -3, 2);
		return 3;
	}
	return 1;
}

/* ccmig.extract(po, out_dir [, opts]) */
static int l_extract(lua_State *L)
{
	struct ccm_bundle *b = ccm_lua_check_po(L, 1);
	const char *out = luaL_checkstring(L, 2);
	struct ccm_extract_opts o;
	struct ccm_extract_stats st;
	struct ccm_lua_collect col;
	struct ccm_error err;
	struct ccm_policies *pols;
	struct progress prog;
	int rc;

	extract_opts(L, 3, &o);
	if (extract_policies(L, 3, &pols, &err) < 0) {
		lua_pushnil(L);
		lua_pushstring(L, err.msg);
		return 2;
	}
	o.policy = pols ? ccm_policies_hooks(pols) : NULL;
	memset(&st, 0, sizeof(st));
	ccm_lua_collect_init(&col);
	ccm_lua_po_collect(L, 1, &col);
	progress_start(&prog, "users", 0);
	o.progress = on_progress;
	o.ctx = &prog;
	rc = ccm_extract(b, out, &o, &st, &err);
	progress_end(&prog);
	ccm_lua_po_collect(L, 1, NULL);
	ccm_policies_free(pols);
	lua_newtable(L);
	lua_newtable(L);
	extract_counts(L, &st);
	lua_setfield(L, -2, "counts");
	if (st.pkl[0]) {
		lua_pushfstring(L, "%s/%s", out, st.pkl);
		lua_setfield(L, -2, "pkl");
	}
	return finish(L, rc, &err, &col);
}

/* ccmig.import(pkl, store [, opts]) */
static int l_import(lua_State *L)
{
	const char *pkl = luaL_checkstring(L, 1);
	struct ccm_store *s = ccm_lua_check_store(L, 2);
	struct ccm_import_opts o;
	struct ccm_import_stats st;
	struct ccm_lua_collect col;
	struct ccm_error err;
	int rc;

	import_opts(L, 3, &o);
	memset(&st, 0, sizeof(st));
	ccm_lua_collect_init(&col);
	rc = ccm_import(s, pkl, &o, &col.rep, &st, &err);
	lua_newtable(L);
	lua_newtable(L);
	import_counts(L, &st);
	lua_setfield(L, -2, "counts");
	if (st.recovery[0]) {
		lua_pushstring(L, st.recovery);
		lua_setfield(L, -2, "recovery");
	}
	return finish(L, rc, &err, &col);
}

/* ccmig.migrate(po, store [, opts]) */
static int l_migrate(lua_State *L)
{
	struct ccm_bundle *b = ccm_lua_check_po(L, 1);
	struct ccm_store *s = ccm_lua_check_store(L, 2);
	struct ccm_migrate_opts o;
	struct ccm_migrate_stats st;
	struct ccm_lua_collect col;
	struct ccm_error err;
	struct ccm_policies *pols;
	struct progress prog;
	int rc;

	memset(&o, 0, sizeof(o));
	extract_opts(L, 3, &o.extract);
	if (lua_istable(L, 3)) {
		o.create_mailboxes = opt_bool(L, 3, "create_mailboxes");
		lua_getfield(L, 3, "keep_files");
		o.keep_files = lua_tostring(L, -1);
		lua_pop(L, 1);
	}
	if (extract_policies(L, 3, &pols, &err) < 0) {
		lua_pushnil(L);
		lua_pushstring(L, err.msg);
		return 2;
	}
	o.extract.policy = pols ? ccm_policies_hooks(pols) : NULL;
	o.import_policy = pols ? ccm_policies_import_hooks(pols) : NULL;
	memset(&st, 0, sizeof(st));
	ccm_lua_collect_init(&col);
	ccm_lua_po_collect(L, 1, &col);
	progress_start(&prog, "users", 0);
	o.extract.progress = on_progress;
	o.extract.ctx = &prog;
	rc = ccm_migrate(b, s, &o, &st, &err);
	progress_end(&prog);
	ccm_lua_po_collect(L, 1, NULL);
	ccm_policies_free(pols);
	lua_newtable(L);
	lua_newtable(L);
	import_counts(L, &st.import);
	lua_newtable(L);
	extract_counts(L, &st.extract);
	lua_setfield(L, -2, "extract");
	lua_setfield(L, -2, "counts");
	if (st.set_dir[0]) {
		lua_pushstring(L, st.set_dir);
		lua_setfield(L, -2, "set_dir");
	}
	if (st.import.recovery[0]) {
		lua_pushstring(L, st.import.recovery);
		lua_setfield(L, -2, "recovery");
	}
	return finish(L, rc, &err, &col);
}

void ccm_lua_run_register(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "extract", l_extract }, { "import", l_import },
		{ "migrate", l_migrate }, { NULL, NULL }
	};

	luaL_setfuncs(L, fns, 0);
}
