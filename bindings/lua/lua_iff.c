/* lua_iff.c: ccmig.iff(pkl): a migration file set: its files, its sections
 * and rows streamed, and the bodies and attachments pointers lead to. */
#include "lua/lua_ccmig.h"

#include <string.h>

#include "base/buf.h"
#include "iff/reader.h"

struct liff {
	struct ccm_iff_set *set;       /* NULL once closed */
	struct ccm_lua_collect col;    /* what reading reported */
	struct ccm_lua_res *children;
};

struct lsec {
	struct ccm_lua_res res;
	struct ccm_iff_set *set;
	struct ccm_iff_pri *pri;       /* current primary file */
	size_t fi;                     /* its index */
	unsigned long gen;             /* advances with each section */
};

static struct liff *iff_get(lua_State *L, int idx)
{
	struct liff *f = luaL_checkudata(L, idx, CCM_LUA_IFF);

	if (!f->set)
		luaL_error(L, "the migration file set is closed");
	return f;
}

static int iff_close(lua_State *L)
{
	struct liff *f = luaL_checkudata(L, 1, CCM_LUA_IFF);

	if (f->set) {
		ccm_lua_res_release_all(&f->children);
		ccm_iff_set_close(f->set);
		f->set = NULL;
		ccm_lua_collect_release(&f->col);
	}
	return 0;
}

static int l_iff(lua_State *L)
{
	const char *pkl = luaL_checkstring(L, 1);
	struct liff *f = lua_newuserdatauv(L, sizeof(*f), 0);
	struct ccm_error err;

	memset(f, 0, sizeof(*f));
	ccm_lua_collect_init(&f->col);
	luaL_setmetatable(L, CCM_LUA_IFF);
	if (ccm_iff_set_open(&f->set, pkl, &f->col.rep, &err) < 0) {
		f->set = NULL;
		ccm_lua_collect_release(&f->col);
		return ccm_lua_fail(L, err.msg);
	}
	return 1;
}

/* set:files(): {name, type = "primary"|"secondary", size, missing} */
static int iff_files(lua_State *L)
{
	struct liff *f = iff_get(L, 1);
	lua_Integer n = 0;

	lua_newtable(L);
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < ccm_iff_set_count(f->set, t); i++) {
			const struct ccm_iff_file *x = ccm_iff_set_file(f->set, t, i);

			lua_createtable(L, 0, 4);
			ccm_lua_setstr(L, "name", x->name);
			ccm_lua_setstr(L, "type", t ? "secondary" : "primary");
			ccm_lua_setint(L, "size", x->size);
			lua_pushboolean(L, x->path == NULL);
			lua_setfield(L, -2, "missing");
			lua_rawseti(L, -2, ++n);
		}
	return 1;
}

static int iff_problems(lua_State *L)
{
	ccm_lua_push_diags(L, &iff_get(L, 1)->col.list);
	return 1;
}

static void sec_release(struct ccm_lua_res *r)
{
	struct lsec *s = (struct lsec *)r;

	ccm_iff_pri_close(s->pri);
	s->pri = NULL;
	s->set = NULL;
}

static int sec_close(lua_State *L)
{
	struct lsec *s = luaL_checkudata(L, 1, CCM_LUA_SECCUR);

	ccm_lua_res_close(&s->res);
	return 0;
}

static const char *kind_name(enum ccm_iff_section_kind k)
{
	return k == CCM_IFF_DIRECTORY ? "DIRECTORY" : k == CCM_IFF_PAB ? "PAB"
		: "MAILMESSAGE";
}

/* Pushes the current row as {number, line, offset, bad, fields = {[name] =
 * value}, values = {...}}. */
static void push_row(lua_State *L, const struct ccm_iff_row *r)
{
	lua_createtable(L, 0, 6);
	ccm_lua_setint(L, "number", r->number);
	ccm_lua_setint(L, "line", r->line);
	ccm_lua_setint(L, "offset", r->offset);
	lua_pushboolean(L, r->bad);
	lua_setfield(L, -2, "bad");
	lua_pushlstring(L, r->raw, r->raw_len);
	lua_setfield(L, -2, "raw");
	lua_createtable(L, (int)r->nfields, 0);
	for (size_t i = 0; i < r->nfields; i++) {
		if (r->field[i])
			lua_pushlstring(L, r->field[i], r->field_len[i]);
		else
			lua_pushliteral(L, "");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "values");
	lua_newtable(L);
	for (size_t i = 0; i < r->nfields && i < r->sec->ncols; i++) {
		if (!r->field[i])
			continue;
		lua_pushlstring(L, r->field[i], r->field_len[i]);
		lua_setfield(L, -2, r->sec->names[i]);
	}
	lua_setfield(L, -2, "fields");
}

/* Section iterator step: upvalue 1 the cursor, 2 the set. Returns a section
 * table whose `rows` function walks its rows (until the next section). */
static int rows_step(lua_State *L);

static int sec_step(lua_State *L)
{
	struct lsec *s = lua_touserdata(L, lua_upvalueindex(1));
	const struct ccm_iff_section *sec;
	struct ccm_error err;
	int rc;

	if (!s->set)
		return luaL_error(L, "the section cursor is closed");
	for (;;) {
		if (!s->pri) {
			if (s->fi >= ccm_iff_set_count(s->set, CCM_IFF_PRIMARY)) {
				ccm_lua_res_unlink(&s->res);
				sec_release(&s->res);
				return 0;
			}
			rc = ccm_iff_pri_open(&s->pri, s->set, s->fi, &err);
			if (rc == CCM_ENOTFOUND) {
				s->pri = NULL;
				s->fi++;
				continue;
			}
			if (rc < 0)
				return luaL_error(L, "%s", err.msg);
		}
		s->gen++;
		rc = ccm_iff_pri_next_section(s->pri, &sec, &err);
		if (rc < 0)
			return luaL_error(L, "%s", err.msg);
		if (rc == 1)
			break;
		ccm_iff_pri_close(s->pri);
		s->pri = NULL;
		s->fi++;
	}
	lua_createtable(L, 0, 10);
	ccm_lua_setstr(L, "file", ccm_iff_pri_name(s->pri));
	ccm_lua_setstr(L, "kind", kind_name(sec->kind));
	lua_pushboolean(L, sec->is_public);
	lua_setfield(L, -2, "public");
	ccm_lua_setint(L, "number", sec->number);
	ccm_lua_setint(L, "line", sec->line);
	ccm_lua_setstr(L, "address", sec->address);
	lua_pushboolean(L, sec->bad);
	lua_setfield(L, -2, "bad");
	lua_createtable(L, (int)sec->ncols, 0);
	for (size_t i = 0; i < sec->ncols; i++) {
		lua_pushstring(L, sec->names[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "columns");
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushinteger(L, (lua_Integer)s->gen);
	lua_pushcclosure(L, rows_step, 2);
	lua_setfield(L, -2, "rows");
	return 1;
}

/* sec.rows(): the next row of the section, nil at its end; an error once
 * the section loop has gone on. */
static int rows_step(lua_State *L)
{
	struct lsec *s = lua_touserdata(L, lua_upvalueindex(1));
	const struct ccm_iff_row *r;
	struct ccm_error err;
	int rc;

	if (!s->pri || (unsigned long)lua_tointeger(L, lua_upvalueindex(2)) != s->gen)
		return luaL_error(L, "this section has expired: its rows can be read "
				  "only until the loop goes on to the next section");
	rc = ccm_iff_pri_next_row(s->pri, &r, &err);
	if (rc < 0)
		return luaL_error(L, "%s", err.msg);
	if (rc == 0)
		return 0;
	push_row(L, r);
	return 1;
}

/* for sec in set:sections() do for row in sec.rows do ... end end */
static int iff_sections(lua_State *L)
{
	struct liff *f = iff_get(L, 1);
	struct lsec *s = lua_newuserdatauv(L, sizeof(*s), 1);

	memset(s, 0, sizeof(*s));
	s->set = f->set;
	luaL_setmetatable(L, CCM_LUA_SECCUR);
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, 1);
	ccm_lua_res_link(&f->children, &s->res, sec_release);
	lua_pushvalue(L, -1);
	lua_pushvalue(L, 1);
	lua_pushcclosure(L, sec_step, 2);
	lua_insert(L, -2);
	lua_pushnil(L);
	lua_insert(L, -2);
	lua_pushnil(L);
	lua_insert(L, -2);
	return 4;
}

static const char *sectype_name(enum ccm_iff_sectype t)
{
	static const char *const n[] = { "Body", "Attachment", "Schedule",
					 "Document", "Other" };

	return (unsigned)t < 5 ? n[t] : "Other";
}

/*
 * set:chain("#00000001.SEC(0)"): the sections a pointer (a Body field)
 * leads to, each {type, name, length, position, data}; data is the text
 * (UTF-8) for a Body, the bytes otherwise. For bodies and modest
 * attachments; nil, message for a bad pointer.
 */
static int iff_chain(lua_State *L)
{
	struct liff *f = iff_get(L, 1);
	size_t len;
	const char *text = luaL_checklstring(L, 2, &len);
	struct ccm_iff_where where = { "(lua)", 0, -1, NULL };
	struct ccm_iff_chain *c;
	const struct ccm_iff_secsect *ss;
	struct ccm_error err;
	lua_Integer n = 0;
	int rc;

	rc = ccm_iff_chain_open(&c, f->set, text, len, 0, &where, &err);
	if (rc == CCM_EMALFORMED)
		return ccm_lua_fail(L, "the pointer or the sections it leads to are "
				    "bad (see set:problems())");
	if (rc < 0)
		return ccm_lua_fail(L, err.msg);
	lua_newtable(L);
	while (ccm_iff_chain_next(c, &ss) == 1) {
		struct ccm_buf b;
		ssize_t r;

		lua_createtable(L, 0, 5);
		ccm_lua_setstr(L, "type", sectype_name(ss->type));
		ccm_lua_setstr(L, "name", ss->name);
		ccm_lua_setint(L, "length", ss->length);
		if (ss->position >= 0)
			ccm_lua_setint(L, "position", ss->position);
		ccm_buf_init(&b);
		do {
			if (ss->type == CCM_IFF_BODY) {
				r = ccm_iff_chain_read_utf8(&b, c, 65536, &err);
			} else {
				ccm_buf_grow(&b, 65536);
				r = ccm_iff_chain_read(c, b.ptr + b.len, 65536, &err);
				if (r > 0)
					b.len += (size_t)r;
			}
		} while (r > 0);
		if (r < 0) {
			ccm_buf_release(&b);
			ccm_iff_chain_free(c);
			return luaL_error(L, "%s", r == CCM_ENOMEM ? "out of memory" : err.msg);
		}
		lua_pushlstring(L, b.ptr, b.len);
		lua_setfield(L, -2, "data");
		ccm_buf_release(&b);
		lua_rawseti(L, -2, ++n);
	}
	ccm_iff_chain_free(c);
	return 1;
}

static int iff_field(lua_State *L, const char *k)
{
	struct liff *f = iff_get(L, 1);

	if (!strcmp(k, "code_page"))
		lua_pushinteger(L, ccm_iff_set_code_page(f->set));
	else if (!strcmp(k, "dir"))
		lua_pushstring(L, ccm_iff_set_dir(f->set));
	else if (!strcmp(k, "name"))
		lua_pushstring(L, ccm_iff_set_pkl_name(f->set));
	else
		return 0;
	return 1;
}

static int iff_index(lua_State *L)
{
	return ccm_lua_index_handle(L, iff_close, iff_field);
}

static int iff_tostring(lua_State *L)
{
	struct liff *f = luaL_checkudata(L, 1, CCM_LUA_IFF);

	if (f->set)
		lua_pushfstring(L, "ccmig.iff %s/%s", ccm_iff_set_dir(f->set),
				ccm_iff_set_pkl_name(f->set));
	else
		lua_pushliteral(L, "ccmig.iff (closed)");
	return 1;
}

static int sec_tostring(lua_State *L)
{
	lua_pushliteral(L, "ccmig.section_cursor");
	return 1;
}

void ccm_lua_iff_register(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "files", iff_files }, { "sections", iff_sections },
		{ "chain", iff_chain }, { "problems", iff_problems },
		{ "close", iff_close }, { NULL, NULL }
	};
	static const luaL_Reg meta[] = {
		{ "__index", iff_index }, { "__gc", iff_close }, { "__close", iff_close },
		{ "__tostring", iff_tostring }, { NULL, NULL }
	};
	static const luaL_Reg smeta[] = {
		{ "__gc", sec_close }, { "__close", sec_close },
		{ "__tostring", sec_tostring }, { NULL, NULL }
	};

	ccm_lua_newclass(L, CCM_LUA_IFF, methods, meta);
	ccm_lua_newclass(L, CCM_LUA_SECCUR, NULL, smeta);
	lua_pushcfunction(L, l_iff);
	lua_setfield(L, -2, "iff");
}
