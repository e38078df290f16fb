/* lua_store.c: ccmig.store(path): the mailbox store: its recipients,
 * folders, messages (attachments read in pieces), events, and dirsync. */
#include "lua/lua_ccmig.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/tz.h"
#include "ccmail/bundle.h"
#include "export/render.h"
#include "flow/dirsync.h"
#include "store/folders.h"
#include "store/messages.h"
#include "store/recipients.h"
#include "store/store.h"

struct lstore {
	struct ccm_store *s;           /* NULL once closed */
	struct ccm_lua_res *children;  /* open cursors and blobs */
};

static struct lstore *store_get(lua_State *L, int idx)
{
	struct lstore *st = luaL_checkudata(L, idx, CCM_LUA_STORE);

	if (!st->s)
		luaL_error(L, "the store is closed");
	return st;
}

struct ccm_store *ccm_lua_check_store(lua_State *L, int idx)
{
	return store_get(L, idx)->s;
}

static int store_close(lua_State *L)
{
	struct lstore *st = luaL_checkudata(L, 1, CCM_LUA_STORE);

	if (st->s) {
		ccm_lua_res_release_all(&st->children);
		ccm_store_close(st->s);
		st->s = NULL;
	}
	return 0;
}

/* ccmig.store(path [, {readonly = true}]): created when missing unless
 * read-only. */
static int l_store(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	int flags = CCM_STORE_CREATE;
	struct lstore *st;
	struct ccm_error err;

	if (lua_istable(L, 2)) {
		lua_getfield(L, 2, "readonly");
		if (lua_toboolean(L, -1))
			flags = CCM_STORE_READONLY;
		lua_pop(L, 1);
	}
	st = lua_newuserdatauv(L, sizeof(*st), 0);
	memset(st, 0, sizeof(*st));
	luaL_setmetatable(L, CCM_LUA_STORE);
	if (ccm_store_open(&st->s, path, flags, &err) < 0) {
		st->s = NULL;
		return ccm_lua_fail(L, err.msg);
	}
	return 1;
}

static int strcasecmp_ascii(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
		int y = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;

		if (x != y || !x)
			return x - y;
	}
}

static int raise_err(lua_State *L, const struct ccm_error *err)
{
	return luaL_error(L, "%s", err->msg);
}

/* ---- recipients ---------------------------------------------------------- */

static void push_recipient(lua_State *L, struct ccm_store *s,
			   const struct ccm_recipient *r)
{
	struct ccm_store_cursor *c;
	struct ccm_error err;
	struct ccm_address a;
	struct ccm_recipient l;
	lua_Integer n = 0;
	int rc;

	lua_createtable(L, 0, 16);
	ccm_lua_setint(L, "id", r->id);
	ccm_lua_setstr(L, "kind", ccm_recip_kind_name(r->kind));
	ccm_lua_setstr(L, "alias", r->alias);
	ccm_lua_setstr(L, "display_name", r->display_name);
	ccm_lua_setstr(L, "first_name", r->first_name);
	ccm_lua_setstr(L, "last_name", r->last_name);
	ccm_lua_setstr(L, "target", r->target);
	ccm_lua_setstr(L, "comments", r->comments);
	ccm_lua_setstr(L, "office", r->office);
	ccm_lua_setstr(L, "phone", r->phone);
	ccm_lua_setstr(L, "ccmail_name", r->ccmail_name);
	if (r->ccmail_location) {
		lua_pushlstring(L, &r->ccmail_location, 1);
		lua_setfield(L, -2, "ccmail_location");
	}
	ccm_lua_setstr(L, "ccmail_po", r->ccmail_po);
	ccm_lua_setstr(L, "dirsync_po", r->dirsync_po);
	lua_newtable(L);
	if (ccm_store_addresses(&c, s, r->id, &err) < 0)
		raise_err(L, &err);
	while ((rc = ccm_store_next_address(c, &a, &err)) == 1) {
		lua_createtable(L, 0, 3);
		ccm_lua_setstr(L, "type", a.type);
		ccm_lua_setstr(L, "address", a.address);
		lua_pushboolean(L, a.primary);
		lua_setfield(L, -2, "primary");
		lua_rawseti(L, -2, ++n);
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		raise_err(L, &err);
	lua_setfield(L, -2, "addresses");
	lua_newtable(L);
	n = 0;
	if (ccm_store_lists_of(&c, s, r->id, &err) < 0)
		raise_err(L, &err);
	while ((rc = ccm_store_next_recipient(c, &l, &err)) == 1) {
		lua_pushstring(L, l.alias);
		lua_rawseti(L, -2, ++n);
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		raise_err(L, &err);
	lua_setfield(L, -2, "lists");
	if (r->kind == CCM_RECIP_DL) {
		lua_newtable(L);
		n = 0;
		if (ccm_store_dl_members(&c, s, r->id, &err) < 0)
			raise_err(L, &err);
		while ((rc = ccm_store_next_recipient(c, &l, &err)) == 1) {
			lua_pushstring(L, l.alias);
			lua_rawseti(L, -2, ++n);
		}
		ccm_store_cursor_free(c);
		if (rc < 0)
			raise_err(L, &err);
		lua_setfield(L, -2, "members");
	}
}

/* store:recipients{kind = "mailbox"}: an array (the directory is small next
 * to the mail). */
static int store_recipients(lua_State *L)
{
	struct lstore *st = store_get(L, 1);
	struct ccm_store_cursor *c;
	struct ccm_recipient r;
	struct ccm_error err;
	int kind = 0, rc;
	lua_Integer n = 0;

	if (lua_istable(L, 2)) {
		lua_getfield(L, 2, "kind");
		if (!lua_isnil(L, -1)) {
			kind = ccm_recip_kind_parse(luaL_checkstring(L, -1));
			if (!kind)
				return luaL_error(L, "unknown recipient kind '%s' (mailbox, "
						  "custom, dl, public)", lua_tostring(L, -1));
		}
		lua_pop(L, 1);
	}
	if (ccm_store_recipients(&c, st->s, kind, &err) < 0)
		return raise_err(L, &err);
	lua_newtable(L);
	while ((rc = ccm_store_next_recipient(c, &r, &err)) == 1) {
		/* a Lua error in push_recipient would leak c: use a protected-free
		 * order instead: copy the id, push after. */
		lua_pushinteger(L, (lua_Integer)r.id);
		lua_rawseti(L, -2, ++n);
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		return raise_err(L, &err);
	for (lua_Integer i = 1; i <= n; i++) {
		struct ccm_recipient g;

		lua_rawgeti(L, -1, i);
		rc = ccm_store_recipient_get(&g, st->s, (long long)lua_tointeger(L, -1), &err);
		lua_pop(L, 1);
		if (rc < 0)
			return raise_err(L, &err);
		push_recipient(L, st->s, &g);
		ccm_recipient_release(&g);
		lua_rawseti(L, -2, i);
	}
	return 1;
}

/* store:recipient("Smith, John at SALESPO" | "SMTP:x@y" | "MIGRATE:...")
 * or store:recipient(id). */
static int store_recipient(lua_State *L)
{
	struct lstore *st = store_get(L, 1);
	struct ccm_recipient g;
	struct ccm_error err;
	long long id = 0;
	int rc;

	if (lua_type(L, 2) == LUA_TNUMBER) {
		id = (long long)luaL_checkinteger(L, 2);
		rc = 1;
	} else {
		const char *a = luaL_checkstring(L, 2);
		const char *colon = strchr(a, ':');
		int typed = colon && colon > a && !strchr(a, ' ') ? 1 : 0;

		if (colon && colon > a) {
			typed = 1;
			for (const char *p = a; p < colon; p++)
				if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
				      (*p >= '0' && *p <= '9')))
					typed = 0;
		}
		rc = typed ? ccm_store_find_source(st->s, a, &id, NULL, &err)
			   : ccm_store_find_address(st->s, "CCMAIL", a, &id, NULL, &err);
		if (rc < 0)
			return ccm_lua_fail(L, err.msg);
	}
	if (rc == 1)
		rc = ccm_store_recipient_get(&g, st->s, id, &err);
	if (rc < 0)
		return ccm_lua_fail(L, err.msg);
	if (rc == 0) {
		lua_pushnil(L);
		lua_pushfstring(L, "no recipient has the address '%s'", lua_tostring(L, 2));
		return 2;
	}
	push_recipient(L, st->s, &g);
	ccm_recipient_release(&g);
	return 1;
}

/* The mailbox named by alias, display name, cc:Mail name or id; 0 none. */
static long long find_mailbox(lua_State *L, struct ccm_store *s, int idx)
{
	sqlite3_stmt *q;
	long long id = 0;
	const char *name;

	if (lua_type(L, idx) == LUA_TNUMBER)
		return (long long)lua_tointeger(L, idx);
	name = luaL_checkstring(L, idx);
	if (sqlite3_prepare_v2(ccm_store_db(s),
			       "SELECT id FROM recipients WHERE kind = 'mailbox' AND "
			       "(alias = ?1 COLLATE NOCASE OR ccmail_name = ?1 COLLATE NOCASE "
			       "OR display_name = ?1 COLLATE NOCASE) ORDER BY id LIMIT 1",
			       -1, &q, NULL) != SQLITE_OK)
		return luaL_error(L, "looking up a mailbox failed: %s",
				  sqlite3_errmsg(ccm_store_db(s)));
	sqlite3_bind_text(q, 1, name, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(q) == SQLITE_ROW)
		id = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (!id) {
		/* an address: "Smith, John at SALESPO" */
		if (ccm_store_find_address(s, "CCMAIL", name, &id, NULL, NULL) != 1)
			id = 0;
	}
	return id;
}

static void push_folder(lua_State *L, const struct ccm_folder *f)
{
	lua_createtable(L, 0, 6);
	ccm_lua_setint(L, "id", f->id);
	ccm_lua_setstr(L, "name", f->name);
	ccm_lua_setstr(L, "path", f->path);
	ccm_lua_setstr(L, "special", ccm_folder_special_name(f->special));
	if (f->parent_id)
		ccm_lua_setint(L, "parent", f->parent_id);
}

/* store:folders(mailbox): the mailbox's folders, parents first; nil for the
 * public folders. */
static int store_folders(lua_State *L)
{
	struct lstore *st = store_get(L, 1);
	long long mb = 0;
	struct ccm_store_cursor *c;
	struct ccm_folder f;
	struct ccm_error err;
	lua_Integer n = 0;
	int rc;

	if (!lua_isnoneornil(L, 2)) {
		mb = find_mailbox(L, st->s, 2);
		if (!mb) {
			lua_pushnil(L);
			lua_pushfstring(L, "no mailbox '%s' in the store", lua_tostring(L, 2));
			return 2;
		}
	}
	if (ccm_store_folders(&c, st->s, mb, &err) < 0)
		return ccm_lua_fail(L, err.msg);
	lua_newtable(L);
	while ((rc = ccm_store_next_folder(c, &f, &err)) == 1) {
		push_folder(L, &f);
		lua_rawseti(L, -2, ++n);
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		return raise_err(L, &err);
	return 1;
}

/* ---- messages and attachments ----------------------------------------- */

struct lscur {
	struct ccm_lua_res res;
	struct ccm_store *s;
	struct ccm_store_cursor *c;    /* messages of folders[fi] */
	long long *folders;
	char **paths;
	size_t nfolders, fi;
	/* Filters (st:messages{since, until, from, subject}): a date range
	 * on the sent (else received) date, and text the sender's name or
	 * address, or the subject, holds in any case. */
	int has_since, has_until;
	long long since, until;
	char *from, *subject;
};

static void scur_release(struct ccm_lua_res *r)
{
	struct lscur *k = (struct lscur *)r;

	ccm_store_cursor_free(k->c);
	k->c = NULL;
	for (size_t i = 0; i < k->nfolders; i++)
		free(k->paths[i]);
	free(k->paths);
	free(k->folders);
	free(k->from);
	free(k->subject);
	k->from = k->subject = NULL;
	k->paths = NULL;
	k->folders = NULL;
	k->nfolders = 0;
	k->s = NULL;
}

static int scur_close(lua_State *L)
{
	struct lscur *k = luaL_checkudata(L, 1, CCM_LUA_SCURSOR);

	ccm_lua_res_close(&k->res);
	return 0;
}

/*
 * An attachment read in pieces: a:read gives it as a mail client sees it
 * (a MacBinary attachment's data fork, as the export writes it), a:raw
 * the stored bytes. Each goes on from where it stopped; the other starts
 * from the beginning.
 */
enum attach_mode { ATTACH_NONE, ATTACH_DECODED, ATTACH_RAW };

struct lattach {
	struct ccm_lua_res res;
	struct ccm_store *s;           /* NULL once the store is closed */
	struct ccm_blob_range *rd;
	long long blob_id;
	int macbinary;                 /* data fork at data_off, data_len */
	unsigned long long data_off, data_len;
	enum attach_mode mode;
	int done;
};

static void attach_release(struct ccm_lua_res *r)
{
	struct lattach *a = (struct lattach *)r;

	ccm_blob_range_close(a->rd);
	a->rd = NULL;
	a->s = NULL;
}

static int attach_close(lua_State *L)
{
	struct lattach *a = luaL_checkudata(L, 1, CCM_LUA_ATTACH);

	ccm_lua_res_close(&a->res);
	a->done = 1;
	return 0;
}

static void tohex(const unsigned char *h, char out[65])
{
	static const char hx[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = hx[h[i] >> 4];
		out[2 * i + 1] = hx[h[i] & 15];
	}
	out[64] = 0;
}

/* Pushes attachment userdata; stack: ... store_ud at sidx. A MacBinary
 * attachment's header is read here, for its fields and its data fork. */
static int push_attachment(lua_State *L, int sidx, struct lstore *st,
			   const struct ccm_store_attachment *a, struct ccm_error *err)
{
	struct lattach *u = lua_newuserdatauv(L, sizeof(*u), 2);
	struct ccm_macbin mb;
	char hex[65];
	int rc;

	memset(u, 0, sizeof(*u));
	u->s = st->s;
	u->blob_id = a->blob_id;
	luaL_setmetatable(L, CCM_LUA_ATTACH);
	lua_pushvalue(L, sidx);
	lua_setiuservalue(L, -2, 1);
	if ((rc = ccm_render_macbin_probe(&mb, st->s, a, err)) < 0)
		return rc;
	u->macbinary = rc;
	u->data_off = mb.data_off;
	u->data_len = mb.data_len;
	lua_createtable(L, 0, 11);
	ccm_lua_setint(L, "id", a->id);
	ccm_lua_setint(L, "seq", a->seq);
	ccm_lua_setstr(L, "kind", a->kind);
	ccm_lua_setstr(L, "name", a->name);
	if (a->position >= 0)
		ccm_lua_setint(L, "position", a->position);
	ccm_lua_setint(L, "size", (long long)a->size);
	tohex(a->sha256, hex);
	ccm_lua_setstr(L, "sha256", hex);
	lua_pushboolean(L, u->macbinary);
	lua_setfield(L, -2, "macbinary");
	if (u->macbinary) {
		ccm_lua_setstr(L, "mac_type", mb.type);
		ccm_lua_setstr(L, "mac_creator", mb.creator);
	}
	lua_setiuservalue(L, -2, 2);
	ccm_lua_res_link(&st->children, &u->res, attach_release);
	return 0;
}

static int attach_index(lua_State *L)
{
	luaL_checkudata(L, 1, CCM_LUA_ATTACH);
	return ccm_lua_index_uservalue(L);
}

/* a:read(n) / a:raw(n): the next n bytes at most (nil at the end);
 * ("a"): the rest. */
static int attach_stream(lua_State *L, enum attach_mode mode)
{
	struct lattach *a = luaL_checkudata(L, 1, CCM_LUA_ATTACH);
	struct ccm_error err;
	luaL_Buffer lb;
	int all = lua_type(L, 2) == LUA_TSTRING;
	lua_Integer want = all ? LUAL_BUFFERSIZE : luaL_optinteger(L, 2, 65536);

	luaL_argcheck(L, want > 0, 2, "must be positive");
	if (!a->s && !a->done)
		return luaL_error(L, "the attachment's store is closed");
	if (a->s && a->mode != mode) {
		/* The other view starts from the beginning. */
		ccm_blob_range_close(a->rd);
		a->rd = NULL;
		a->done = 0;
		a->mode = mode;
	}
	if (a->done)
		return all ? (lua_pushliteral(L, ""), 1) : 0;
	if (!a->rd && ccm_blob_range_open(&a->rd, a->s, a->blob_id,
					  mode == ATTACH_DECODED && a->macbinary ?
					  a->data_off : 0,
					  mode == ATTACH_DECODED && a->macbinary ?
					  a->data_len : ~0ull, &err) < 0)
		return luaL_error(L, "%s", err.msg);
	luaL_buffinit(L, &lb);
	do {
		char *p = luaL_prepbuffsize(&lb, (size_t)want);
		long long n = ccm_blob_range_read(a->rd, p, (size_t)want, &err);

		if (n < 0)
			return luaL_error(L, "%s", err.msg);
		if (n == 0) {
			ccm_blob_range_close(a->rd);
			a->rd = NULL;
			a->done = 1;
			if (!all && luaL_bufflen(&lb) == 0)
				return 0;
			break;
		}
		luaL_addsize(&lb, (size_t)n);
	} while (all);
	luaL_pushresult(&lb);
	return 1;
}

static int attach_read(lua_State *L)
{
	return attach_stream(L, ATTACH_DECODED);
}

static int attach_raw(lua_State *L)
{
	return attach_stream(L, ATTACH_RAW);
}

static int attach_tostring(lua_State *L)
{
	luaL_checkudata(L, 1, CCM_LUA_ATTACH);
	lua_getiuservalue(L, 1, 2);
	lua_getfield(L, -1, "name");
	lua_getfield(L, -2, "size");
	lua_pushfstring(L, "ccmig.attachment %s (%s bytes)", lua_tostring(L, -2),
			lua_tostring(L, -1));
	return 1;
}

static int push_store_message(lua_State *L, int sidx, struct lstore *st,
			      const struct ccm_store_message *m, const char *folder)
{
	struct ccm_store_cursor *c;
	struct ccm_error err;
	lua_Integer n = 0;
	int rc;

	lua_createtable(L, 0, 20);
	ccm_lua_setint(L, "id", m->id);
	ccm_lua_setstr(L, "folder", folder);
	ccm_lua_setint(L, "folder_id", m->folder_id);
	ccm_lua_setstr(L, "sender_name", m->sender_name);
	ccm_lua_setstr(L, "sender_address", m->sender_address);
	ccm_lua_setstr(L, "subject", m->subject);
	if (m->has_sent)
		ccm_lua_setint(L, "sent", m->sent_utc);
	if (m->has_received)
		ccm_lua_setint(L, "received", m->received_utc);
	ccm_lua_setstr(L, "sent_text", m->sent_text);
	ccm_lua_setstr(L, "received_text", m->received_text);
	ccm_lua_setint(L, "priority", m->priority);
	lua_pushboolean(L, m->read);
	lua_setfield(L, -2, "read");
	lua_pushboolean(L, m->unsent);
	lua_setfield(L, -2, "unsent");
	if (m->body) {
		lua_pushlstring(L, m->body, m->body_len);
		lua_setfield(L, -2, "body");
	}
	lua_newtable(L);
	if (ccm_store_message_rcpts(&c, st->s, m->id, &err) < 0)
		return -1;
	{
		struct ccm_store_rcpt r;

		while ((rc = ccm_store_next_rcpt(c, &r, &err)) == 1) {
			lua_createtable(L, 0, 3);
			ccm_lua_setstr(L, "kind", ccm_rcpt_kind_name(r.kind));
			ccm_lua_setstr(L, "display", r.display);
			ccm_lua_setstr(L, "address", r.address);
			lua_rawseti(L, -2, ++n);
		}
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		return -1;
	lua_setfield(L, -2, "recipients");
	lua_newtable(L);
	n = 0;
	if (ccm_store_message_headers(&c, st->s, m->id, &err) < 0)
		return -1;
	{
		struct ccm_store_header h;

		while ((rc = ccm_store_next_header(c, &h, &err)) == 1) {
			lua_createtable(L, 0, 2);
			ccm_lua_setstr(L, "name", h.name);
			ccm_lua_setstr(L, "value", h.value);
			lua_rawseti(L, -2, ++n);
		}
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		return -1;
	lua_setfield(L, -2, "headers");
	lua_newtable(L);
	n = 0;
	if (ccm_store_attachments(&c, st->s, m->id, &err) < 0)
		return -1;
	{
		struct ccm_store_attachment a;

		while ((rc = ccm_store_next_attachment(c, &a, &err)) == 1) {
			if ((rc = push_attachment(L, sidx, st, &a, &err)) < 0)
				break;
			lua_rawseti(L, -2, ++n);
		}
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		return -1;
	lua_setfield(L, -2, "attachments");
	return 0;
}

/* Iterator step: upvalue 1 the cursor, 2 the store. */
/* Whether `hay` holds `needle`, ASCII letters in any case. */
static int holds_text(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay && *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return 1;
	return n == 0;
}

/* Whether message m passes the cursor's filters. */
static int wanted(const struct lscur *k, const struct ccm_store_message *m)
{
	int dated = m->has_sent || m->has_received;
	long long when = m->has_sent ? m->sent_utc : m->received_utc;

	if ((k->has_since || k->has_until) && !dated)
		return 0;
	if ((k->has_since && when < k->since) || (k->has_until && when >= k->until))
		return 0;
	if (k->from && !holds_text(m->sender_name, k->from) &&
	    !holds_text(m->sender_address, k->from))
		return 0;
	return !k->subject || holds_text(m->subject, k->subject);
}

static int smsg_step(lua_State *L)
{
	struct lscur *k = lua_touserdata(L, lua_upvalueindex(1));
	struct lstore *st = store_get(L, lua_upvalueindex(2));
	struct ccm_store_message m;
	struct ccm_error err;
	int rc;

	if (!k->s)
		return luaL_error(L, "the message cursor is closed");
	for (;;) {
		if (!k->c) {
			if (k->fi >= k->nfolders) {
				ccm_lua_res_unlink(&k->res);
				scur_release(&k->res);
				return 0;
			}
			if (ccm_store_messages(&k->c, k->s, k->folders[k->fi], &err) < 0)
				return luaL_error(L, "%s", err.msg);
		}
		rc = ccm_store_next_message(k->c, &m, &err);
		if (rc < 0)
			return luaL_error(L, "%s", err.msg);
		if (rc == 1 && !wanted(k, &m))
			continue;
		if (rc == 1)
			break;
		ccm_store_cursor_free(k->c);
		k->c = NULL;
		k->fi++;
	}
	lua_pushvalue(L, lua_upvalueindex(2));
	if (push_store_message(L, lua_gettop(L), st, &m, k->paths[k->fi]) < 0)
		return luaL_error(L, "reading a message of the store failed");
	return 1;
}

/* The filters of options table t into k: since/until as UTC seconds (a
 * number) or "YYYY-MM-DD" (UTC), from and subject as text. -1 for no
 * memory; a bad value raises. */
static int filters(lua_State *L, int t, struct lscur *k)
{
	static const char *const dates[] = { "since", "until" };

	for (int i = 0; i < 2; i++) {
		long long v = 0;

		lua_getfield(L, t, dates[i]);
		if (i == 1 && lua_isnil(L, -1)) {
			/* `until` is a Lua keyword: {["until"] = d}, or before = d. */
			lua_pop(L, 1);
			lua_getfield(L, t, "before");
		}
		if (lua_isinteger(L, -1)) {
			v = lua_tointeger(L, -1);
		} else if (lua_type(L, -1) == LUA_TSTRING) {
			int y, mo, d;
			char tail;

			if (sscanf(lua_tostring(L, -1), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3 ||
			    mo < 1 || mo > 12 || d < 1 || d > ccm_days_in_month(y, mo))
				return luaL_error(L, "%s: '%s' is no date YYYY-MM-DD", dates[i],
						  lua_tostring(L, -1));
			v = ccm_days_from_civil(y, mo, d) * 86400LL;
		} else if (!lua_isnil(L, -1)) {
			return luaL_error(L, "%s: give UTC seconds or \"YYYY-MM-DD\"", dates[i]);
		}
		if (!lua_isnil(L, -1)) {
			*(i ? &k->has_until : &k->has_since) = 1;
			*(i ? &k->until : &k->since) = v;
		}
		lua_pop(L, 1);
	}
	lua_getfield(L, t, "from");
	if (lua_isstring(L, -1) && !(k->from = strdup(lua_tostring(L, -1))))
		return -1;
	lua_getfield(L, t, "subject");
	if (lua_isstring(L, -1) && !(k->subject = strdup(lua_tostring(L, -1))))
		return -1;
	lua_pop(L, 2);
	return 0;
}

/*
 * store:messages{mailbox = "Smith, John", folder = "Inbox", since =,
 * before = (or ["until"] =), from =, subject =}: streams the messages of one folder (or of
 * every folder of the mailbox), one at a time; without mailbox, the
 * public folders; only those the filters let through.
 */
static int store_messages(lua_State *L)
{
	struct lstore *st = store_get(L, 1);
	const char *want = NULL;
	long long mb = 0;
	struct ccm_store_cursor *c;
	struct ccm_folder f;
	struct ccm_error err;
	struct lscur *k;
	int rc;

	if (lua_istable(L, 2)) {
		lua_getfield(L, 2, "mailbox");
		if (!lua_isnil(L, -1)) {
			mb = find_mailbox(L, st->s, lua_gettop(L));
			if (!mb) {
				lua_pushnil(L);
				lua_pushfstring(L, "no mailbox '%s' in the store",
						lua_tostring(L, -2));
				return 2;
			}
		}
		lua_getfield(L, 2, "folder");
		want = lua_tostring(L, -1);
	} else if (!lua_isnoneornil(L, 2)) {
		return luaL_argerror(L, 2, "a table {mailbox = ..., folder = ...}");
	}
	k = lua_newuserdatauv(L, sizeof(*k), 0);
	memset(k, 0, sizeof(*k));
	luaL_setmetatable(L, CCM_LUA_SCURSOR);
	k->s = st->s;
	ccm_lua_res_link(&st->children, &k->res, scur_release);
	if (lua_istable(L, 2) && filters(L, 2, k) < 0)
		return luaL_error(L, "out of memory");
	if (ccm_store_folders(&c, st->s, mb, &err) < 0)
		return ccm_lua_fail(L, err.msg);
	while ((rc = ccm_store_next_folder(c, &f, &err)) == 1) {
		size_t cap = k->nfolders + 1;
		long long *nf;
		char **np;

		if (want && strcasecmp_ascii(f.path, want) && strcasecmp_ascii(f.name, want))
			continue;
		nf = realloc(k->folders, cap * sizeof(*nf));
		if (nf)
			k->folders = nf;
		np = nf ? realloc(k->paths, cap * sizeof(*np)) : NULL;
		if (np)
			k->paths = np;
		if (!nf || !np || !(k->paths[k->nfolders] = strdup(f.path))) {
			ccm_store_cursor_free(c);
			return luaL_error(L, "out of memory");
		}
		k->folders[k->nfolders++] = f.id;
	}
	ccm_store_cursor_free(c);
	if (rc < 0)
		return ccm_lua_fail(L, err.msg);
	if (want && !k->nfolders) {
		lua_pushnil(L);
		lua_pushfstring(L, "no folder '%s' in that mailbox", want);
		return 2;
	}
	lua_pushvalue(L, -1);
	lua_pushvalue(L, 1);
	lua_pushcclosure(L, smsg_step, 2);
	lua_insert(L, -2);
	lua_pushnil(L);
	lua_insert(L, -2);
	lua_pushnil(L);
	lua_insert(L, -2);
	return 4;
}

/* store:events{run = N}: the events recorded, oldest first. */
static int store_events(lua_State *L)
{
	struct lstore *st = store_get(L, 1);
	sqlite3 *db = ccm_store_db(st->s);
	sqlite3_stmt *q;
	lua_Integer run = 0, n = 0;

	if (lua_istable(L, 2)) {
		lua_getfield(L, 2, "run");
		run = luaL_optinteger(L, -1, 0);
		lua_pop(L, 1);
	}
	if (sqlite3_prepare_v2(db, "SELECT run_id, severity, kind, event, file, line, "
			       "byte_offset, mailbox, message, text FROM events "
			       "WHERE ?1 = 0 OR run_id = ?1 ORDER BY id", -1, &q,
			       NULL) != SQLITE_OK)
		return ccm_lua_fail(L, sqlite3_errmsg(db));
	sqlite3_bind_int64(q, 1, run);
	lua_newtable(L);
	while (sqlite3_step(q) == SQLITE_ROW) {
		static const char *const names[] = { "run", "severity", "kind", "event",
			"file", "line", "offset", "user", "message", "text" };

		lua_createtable(L, 0, 10);
		for (int i = 0; i < 10; i++) {
			int t = sqlite3_column_type(q, i);

			if (t == SQLITE_NULL)
				continue;
			if (t == SQLITE_INTEGER)
				lua_pushinteger(L, sqlite3_column_int64(q, i));
			else
				lua_pushstring(L, (const char *)sqlite3_column_text(q, i));
			lua_setfield(L, -2, names[i]);
		}
		lua_rawseti(L, -2, ++n);
	}
	sqlite3_finalize(q);
	return 1;
}

/* store:dirsync(po): the post office's directory and lists into the store. */
static int store_dirsync(lua_State *L)
{
	struct lstore *st = store_get(L, 1);
	const char *dir = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2)
		: ccm_lua_check_po(L, 2)->root;
	struct ccm_dirsync_stats ds;
	struct ccm_lua_collect col;
	struct ccm_error err;
	int rc;

	memset(&ds, 0, sizeof(ds));
	ccm_lua_collect_init(&col);
	rc = ccm_dirsync_run(st->s, dir, NULL, &ds, &col.rep, &err);
	if (rc < 0) {
		lua_pushnil(L);
		lua_pushstring(L, err.msg);
		lua_newtable(L);
		ccm_lua_report_fields(L, &col);
		ccm_lua_collect_release(&col);
		return 3;
	}
	lua_newtable(L);
	ccm_lua_report_fields(L, &col);
	ccm_lua_collect_release(&col);
	lua_newtable(L);
#define C(f) ccm_lua_setint(L, #f, (long long)ds.f)
	C(users); C(created); C(updated); C(unchanged); C(mailboxes); C(skipped);
	C(lists); C(dl_created); C(dl_updated); C(members); C(members_added);
	C(members_removed); C(contacts); C(unresolved); C(stale); C(run_id);
#undef C
	lua_setfield(L, -2, "counts");
	return 1;
}

static int store_tostring(lua_State *L)
{
	struct lstore *st = luaL_checkudata(L, 1, CCM_LUA_STORE);

	if (st->s)
		lua_pushfstring(L, "ccmig.store %s", ccm_store_path(st->s));
	else
		lua_pushliteral(L, "ccmig.store (closed)");
	return 1;
}

static int store_field(lua_State *L, const char *k)
{
	struct lstore *st = store_get(L, 1);

	if (!strcmp(k, "path"))
		lua_pushstring(L, ccm_store_path(st->s));
	else if (!strcmp(k, "schema_version"))
		lua_pushinteger(L, ccm_store_schema_version(st->s));
	else
		return 0;
	return 1;
}

static int store_index(lua_State *L)
{
	return ccm_lua_index_handle(L, store_close, store_field);
}

static int scur_tostring(lua_State *L)
{
	lua_pushliteral(L, "ccmig.store_cursor");
	return 1;
}

void ccm_lua_store_register(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{ "recipients", store_recipients }, { "recipient", store_recipient },
		{ "folders", store_folders }, { "messages", store_messages },
		{ "events", store_events }, { "dirsync", store_dirsync },
		{ "query", ccm_lua_store_query }, { "mailboxes", ccm_lua_store_mailboxes },
		{ "report", ccm_lua_store_report }, { "verify", ccm_lua_store_verify },
		{ "export", ccm_lua_store_export },
		{ "close", store_close }, { NULL, NULL }
	};
	static const luaL_Reg meta[] = {
		{ "__index", store_index }, { "__gc", store_close },
		{ "__close", store_close }, { "__tostring", store_tostring },
		{ NULL, NULL }
	};
	static const luaL_Reg cmeta[] = {
		{ "__gc", scur_close }, { "__close", scur_close },
		{ "__tostring", scur_tostring }, { NULL, NULL }
	};
	static const luaL_Reg cmethods[] = { { "close", scur_close }, { NULL, NULL } };
	static const luaL_Reg amethods[] = {
		{ "read", attach_read }, { "raw", attach_raw },
		{ "close", attach_close }, { NULL, NULL }
	};
	static const luaL_Reg ameta[] = {
		{ "__index", attach_index }, { "__gc", attach_close },
		{ "__close", attach_close }, { "__tostring", attach_tostring },
		{ NULL, NULL }
	};

	ccm_lua_newclass(L, CCM_LUA_STORE, methods, meta);
	ccm_lua_newclass(L, CCM_LUA_SCURSOR, cmethods, cmeta);
	ccm_lua_newclass(L, CCM_LUA_ATTACH, amethods, ameta);
	lua_pushcfunction(L, l_store);
	lua_setfield(L, -2, "store");
}
