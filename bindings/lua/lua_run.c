/* lua_run.c: ccmig.extract, ccmig.import, ccmig.migrate: the migration steps
 * from Lua, each returning a report table. */
#include "lua/lua_ccmig.h"

#include <stdlib.h>
#include <string.h>

#include "ccmail/bundle.h"
#include "ccmail/share.h"
#include "iff/extract.h"
#include "flow/import.h"
#include "flow/migrate.h"
#include "store/merge.h"
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
 * The policies of the options table at t, through the host's sandbox;
 * *out NULL when none is given. Without a host (a stock lua5.4), a policy
 * is refused: see struct ccm_lua_host.
 */
static int load_policies(lua_State *L, int t, struct ccm_policies **out,
			 struct ccm_error *err)
{
	const struct ccm_lua_host *h = ccm_lua_host(L);
	int given;

	*out = NULL;
	if (lua_isnoneornil(L, t))
		return 0;
	if (h)
		return h->policies_load(out, L, t, err);
	lua_getfield(L, t, "policy");
	given = !lua_isnil(L, -1);
	lua_pop(L, 1);
	return given ? ccm_error_set(err, CCM_EINVAL, "policies run only under the "
				     "ccmig program: run this script with `ccmig run` "
				     "(a stock lua5.4 has no policy sandbox)") : 0;
}

static void free_policies(lua_State *L, struct ccm_policies *p)
{
	const struct ccm_lua_host *h = ccm_lua_host(L);

	if (p && h)
		h->policies_free(p);
}

/* The host's progress line, if it lends one. */
struct run_progress {
	const struct ccm_lua_host *h;
	void *ctx;
};

static void on_progress(void *ctx, size_t done, size_t total, unsigned long long bytes)
{
	struct run_progress *p = ctx;

	p->h->progress_update(p->ctx, done, total, bytes);
}

/* Starts the progress line; *fn (for the run's options) NULL without one. */
static void run_progress_start(lua_State *L, struct run_progress *p,
			       void (**fn)(void *, size_t, size_t, unsigned long long))
{
	p->h = ccm_lua_host(L);
	p->ctx = p->h ? p->h->progress_start("users") : NULL;
	*fn = p->h ? on_progress : NULL;
}

static void run_progress_end(struct run_progress *p)
{
	if (p->h)
		p->h->progress_end(p->ctx);
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
	ccm_lua_setint(L, "attachments_dropped", (long long)s->dropped);
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

int ccm_lua_extract_run(lua_State *L, const char *out, int t,
			ccm_lua_policy_wrap_fn wrap, void *wrap_ctx)
{
	struct ccm_bundle *b = ccm_lua_check_po(L, 1);
	struct ccm_extract_opts o;
	struct ccm_extract_stats st;
	struct ccm_lua_collect col;
	struct ccm_error err;
	struct ccm_policies *pols;
	struct run_progress prog;
	int rc;

	extract_opts(L, t, &o);
	if (load_policies(L, t, &pols, &err) < 0)
		return ccm_lua_fail(L, err.msg);
	o.policy = pols ? ccm_lua_host(L)->extract_hooks(pols) : NULL;
	if (wrap)
		o.policy = wrap(wrap_ctx, o.policy);
	memset(&st, 0, sizeof(st));
	ccm_lua_collect_init(&col);
	ccm_lua_po_collect(L, 1, &col);
	run_progress_start(L, &prog, &o.progress);
	o.ctx = &prog;
	rc = ccm_extract(b, out, &o, &st, &err);
	run_progress_end(&prog);
	ccm_lua_po_collect(L, 1, NULL);
	free_policies(L, pols);
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

/* ccmig.extract(po, out_dir [, opts]) */
static int l_extract(lua_State *L)
{
	return ccm_lua_extract_run(L, luaL_checkstring(L, 2), 3, NULL, NULL);
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
	struct run_progress prog;
	struct ccm_share *share = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	extract_opts(L, 3, &o.extract);
	if (lua_istable(L, 3)) {
		o.create_mailboxes = opt_bool(L, 3, "create_mailboxes");
		lua_getfield(L, 3, "keep_files");
		o.keep_files = lua_tostring(L, -1);
		lua_pop(L, 1);
	}
	if (ccm_lua_share_opts(&share, L, 3, b, &err) < 0)
		return ccm_lua_fail(L, err.msg);
	if (load_policies(L, 3, &pols, &err) < 0) {
		ccm_share_free(share);
		return ccm_lua_fail(L, err.msg);
	}
	o.extract.share = share;
	o.extract.policy = pols ? ccm_lua_host(L)->extract_hooks(pols) : NULL;
	o.import_policy = pols ? ccm_lua_host(L)->import_hooks(pols) : NULL;
	memset(&st, 0, sizeof(st));
	ccm_lua_collect_init(&col);
	ccm_lua_po_collect(L, 1, &col);
	run_progress_start(L, &prog, &o.extract.progress);
	o.extract.ctx = &prog;
	rc = ccm_migrate(b, s, &o, &st, &err);
	run_progress_end(&prog);
	ccm_lua_po_collect(L, 1, NULL);
	free_policies(L, pols);
	ccm_share_free(share);
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

/* ccmig.merge(into, {part, ...}): counts, or nil and the message. */
static int l_merge(lua_State *L)
{
	const char *into = luaL_checkstring(L, 1);
	struct ccm_merge_stats st;
	struct ccm_error err;
	const char **parts;
	size_t n;
	int rc;

	luaL_checktype(L, 2, LUA_TTABLE);
	n = (size_t)luaL_len(L, 2);
	parts = lua_newuserdatauv(L, (n ? n : 1) * sizeof(*parts), 0);
	for (size_t i = 0; i < n; i++) {
		lua_geti(L, 2, (lua_Integer)i + 1);
		parts[i] = luaL_checkstring(L, -1);
		/* The table keeps the string alive. */
		lua_pop(L, 1);
	}
	rc = ccm_merge(into, parts, n, NULL, &st, &err);
	if (rc < 0)
		return ccm_lua_fail(L, err.msg);
	lua_newtable(L);
#define COUNT(f) (lua_pushinteger(L, st.f), lua_setfield(L, -2, #f))
	COUNT(runs); COUNT(runs_there); COUNT(events); COUNT(recipients);
	COUNT(recipients_there); COUNT(address_conflicts); COUNT(folders);
	COUNT(messages); COUNT(messages_there); COUNT(sources);
	COUNT(sources_decided); COUNT(blobs); COUNT(blobs_there); COUNT(pab);
	COUNT(settings_differ);
#undef COUNT
	return 1;
}

void ccm_lua_run_register(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "extract", l_extract }, { "import", l_import },
		{ "migrate", l_migrate }, { "merge", l_merge }, { NULL, NULL }
	};

	luaL_setfuncs(L, fns, 0);
}
