/* lua_po.c: ccmig.open(po_dir): the post office, its users, lists, address
 * books, boards, and its messages streamed one at a time. */
#include "lua/lua_ccmig.h"
#include "ccmail/address.h"
#include "ccmail/survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ccmail/bundle.h"
#include "ccmail/fingerprint.h"
#include "base/sha256.h"

/* ---- the post office ----------------------------------------------------- */

struct lpo {
	struct ccm_bundle *b;          /* NULL once closed */
	struct ccm_report rep;         /* b->rep points here */
	struct ccm_diaglist own;       /* what opening and reading reported */
	/* The events in `own`, by name: reading the mail again reports the
	 * same events again, kept once. */
	struct ccm_fp_seen seen;
	struct ccm_report *redirect;   /* ccmig.migrate/extract collect here */
	struct ccm_lua_res *children;  /* open message cursors */
	/* Whether each mailbox of the manifest holds a message: 0 not yet
	 * known, 1 no, 2 yes. Read once, so a damaged file reports once. */
	unsigned char *holds;
};

/* Whether d is an event p holds already: each is named by the SHA-256 of
 * what tells one from another, counted in a set of such names. Out of
 * memory, the event is taken as new (kept twice rather than lost). */
static int seen_before(struct lpo *p, const struct ccm_diag *d)
{
	const char *fields[] = { d->kind, d->file, d->user, d->text };
	struct ccm_sha256 h;
	unsigned char sum[32];
	char nums[256], hex[65];
	int n;

	/* The numbers, then each field's length (-1: none) ahead of the
	 * fields themselves, so that no two events read the same. */
	n = snprintf(nums, sizeof(nums), "%d %ld %lld %ld %d", (int)d->severity,
		     d->line, d->offset, d->message, d->event);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		n += snprintf(nums + n, sizeof(nums) - (size_t)n, " %lld",
			      fields[i] ? (long long)strlen(fields[i]) : -1LL);
	ccm_sha256_init(&h);
	ccm_sha256_update(&h, nums, (size_t)n + 1);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i])
			ccm_sha256_update(&h, fields[i], strlen(fields[i]));
	ccm_sha256_final(sum, &h);
	ccm_sha256_hex(hex, sum);
	return ccm_fp_seen_add(&p->seen, hex) > 1;
}

static void po_sink(void *ctx, const struct ccm_diag *d)
{
	struct lpo *p = ctx;

	if (p->redirect)
		ccm_report_emit(p->redirect, d);
	else if (!seen_before(p, d))
		ccm_diaglist_sink(&p->own, d);
}

static struct lpo *po_get(lua_State *L, int idx)
{
	struct lpo *p = luaL_checkudata(L, idx, CCM_LUA_PO);

	if (!p->b)
		luaL_error(L, "the post office is closed");
	return p;
}

struct ccm_bundle *ccm_lua_check_po(lua_State *L, int idx)
{
	return po_get(L, idx)->b;
}

void ccm_lua_po_collect(lua_State *L, int idx, struct ccm_lua_collect *c)
{
	po_get(L, idx)->redirect = c ? &c->rep : NULL;
}

static int po_close(lua_State *L)
{
	struct lpo *p = luaL_checkudata(L, 1, CCM_LUA_PO);

	if (p->b) {
		ccm_lua_res_release_all(&p->children);
		ccm_bundle_free(p->b);
		p->b = NULL;
		ccm_diaglist_release(&p->own);
		ccm_fp_seen_release(&p->seen);
		free(p->holds);
		p->holds = NULL;
	}
	return 0;
}

static int l_open(lua_State *L)
{
	const char *dir = luaL_checkstring(L, 1);
	struct lpo *p = lua_newuserdatauv(L, sizeof(*p), 0);
	struct ccm_error err;

	memset(p, 0, sizeof(*p));
	p->rep.sink = po_sink;
	p->rep.ctx = p;
	luaL_setmetatable(L, CCM_LUA_PO);
	if (ccm_bundle_open(&p->b, dir, &p->rep, &err) < 0) {
		p->b = NULL;
		ccm_diaglist_release(&p->own);
		ccm_fp_seen_release(&p->seen);
		return ccm_lua_fail(L, err.msg);
	}
	return 1;
}

static void setbool(lua_State *L, const char *k, int v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, k);
}

/* Whether user `name` has a mail file that holds a message. */
static int has_mail(struct lpo *p, const char *name)
{
	const struct ccm_manifest_entry *e = ccm_bundle_mailbox(p->b, name);
	const struct ccm_message *m;
	struct ccm_msgfile *f;
	struct ccm_error err;
	size_t i;

	if (!e || !e->path)
		return 0;
	i = (size_t)(e - p->b->manifest.mailboxes);
	if (!p->holds && !(p->holds = calloc(p->b->manifest.n_mailboxes, 1)))
		return 1;              /* not known: a file is there */
	if (!p->holds[i]) {
		int rc = 0;

		if (ccm_bundle_open_messages(&f, p->b, e, &err) == 0) {
			rc = ccm_msgfile_next(f, &m, &err);
			ccm_msgfile_close(f);
		}
		p->holds[i] = rc > 0 ? 2 : 1;
	}
	return p->holds[i] == 2;
}

static void push_user(lua_State *L, struct lpo *p, const struct ccm_dir_entry *e)
{
	struct ccm_bundle *b = p->b;
	const char *po = (e->location == 'L' || e->location == 'R' || !e->addr)
		? b->manifest.post_office : e->addr;

	lua_createtable(L, 0, 8);
	ccm_lua_setstr(L, "name", e->name);
	lua_pushlstring(L, &e->location, 1);
	lua_setfield(L, -2, "location");
	ccm_lua_setstr(L, "post_office", po);
	lua_pushfstring(L, "%s at %s", e->name, po ? po : "");
	lua_setfield(L, -2, "address");
	ccm_lua_setstr(L, "comments", e->comments);
	ccm_lua_setstr(L, "fan", e->fan);
	setbool(L, "local", ccm_dir_entry_is_local_user(e));
	setbool(L, "has_mail", has_mail(p, e->name));
	setbool(L, "has_pab", ccm_bundle_private(b, e->name) != NULL);
}

/* po:users(): every user of the directory (L, l, R, r), in file order. */
/* po:users([{local_only = true}]): the users of the directory; with
 * local_only, those of this post office alone (L and R entries, the ones
 * a migration makes mailboxes for). */
static int po_users(lua_State *L)
{
	struct ccm_bundle *b = po_get(L, 1)->b;
	lua_Integer n = 0;
	int local_only = 0;

	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		lua_getfield(L, 2, "local_only");
		local_only = lua_toboolean(L, -1);
		lua_pop(L, 1);
	}
	lua_newtable(L);
	for (size_t i = 0; i < b->dir.len; i++) {
		const struct ccm_dir_entry *e = &b->dir.entries[i];

		if (b->dir.duplicate[i] || !ccm_dir_entry_is_user(e) ||
		    (local_only && !ccm_dir_entry_is_local_user(e)))
			continue;
		push_user(L, po_get(L, 1), e);
		lua_rawseti(L, -2, ++n);
	}
	return 1;
}

/* One mailbox's or board's totals (ccmail/survey.h) as a table. */
static void push_totals(lua_State *L, const struct ccm_mailbox_stats *m, int board)
{
	lua_createtable(L, 0, 10);
	ccm_lua_setstr(L, "name", m->name);
	setbool(L, "board", board);
	setbool(L, "has_mail", m->has_mail && m->messages > 0);
	setbool(L, "unreadable", m->unreadable);
	ccm_lua_setint(L, "messages", (long long)m->messages);
	ccm_lua_setint(L, "bytes", (long long)m->bytes);
	ccm_lua_setint(L, "attachments", (long long)m->attachments);
	ccm_lua_setint(L, "attachment_bytes", (long long)m->attachment_bytes);
	ccm_lua_setint(L, "forwarded", (long long)m->forwarded);
	lua_createtable(L, 0, (int)m->n_folders);
	for (size_t i = 0; i < m->n_folders; i++) {
		lua_pushinteger(L, (lua_Integer)m->folders[i].messages);
		lua_setfield(L, -2, m->folders[i].name);
	}
	lua_setfield(L, -2, "folders");
}

/*
 * po:totals(): every local user's and board's messages, bytes and
 * attachments, in one reading of all the mail (as `ccmig inspect` counts
 * them): a list in directory order, boards last, and their sums (boards
 * included) in its fields messages, bytes, attachments, attachment_bytes.
 */
static int po_totals(lua_State *L)
{
	struct ccm_bundle *b = po_get(L, 1)->b;
	struct ccm_survey sv;
	struct ccm_error err;
	lua_Integer n = 0;

	memset(&sv, 0, sizeof(sv));
	if (ccm_survey_run(&sv, b, NULL, NULL, &err) < 0) {
		ccm_survey_release(&sv);
		return ccm_lua_fail(L, err.msg);
	}
	lua_createtable(L, (int)(sv.n_users + sv.n_boards), 4);
	for (size_t i = 0; i < sv.n_users; i++) {
		push_totals(L, &sv.users[i], 0);
		lua_rawseti(L, -2, ++n);
	}
	for (size_t i = 0; i < sv.n_boards; i++) {
		push_totals(L, &sv.boards[i], 1);
		lua_rawseti(L, -2, ++n);
	}
	/* The sums over users and boards alike (the survey's own leave the
	 * boards out). */
	for (size_t i = 0; i < sv.n_boards; i++) {
		sv.messages += sv.boards[i].messages;
		sv.bytes += sv.boards[i].bytes;
		sv.attachments += sv.boards[i].attachments;
		sv.attachment_bytes += sv.boards[i].attachment_bytes;
	}
	ccm_lua_setint(L, "messages", (long long)sv.messages);
	ccm_lua_setint(L, "bytes", (long long)sv.bytes);
	ccm_lua_setint(L, "attachments", (long long)sv.attachments);
	ccm_lua_setint(L, "attachment_bytes", (long long)sv.attachment_bytes);
	ccm_survey_release(&sv);
	return 1;
}

/* po:localtime(t): the post office's local time of UTC instant t. */
static int po_localtime(lua_State *L)
{
	struct ccm_bundle *b = po_get(L, 1)->b;

	ccm_lua_push_localtime(L, luaL_checkinteger(L, 2), b->tz);
	return 1;
}

/* po:directory(): every entry, users, post offices and aliases. */
static int po_directory(lua_State *L)
{
	struct ccm_bundle *b = po_get(L, 1)->b;

	lua_createtable(L, (int)b->dir.len, 0);
	for (size_t i = 0; i < b->dir.len; i++) {
		push_user(L, po_get(L, 1), &b->dir.entries[i]);
		ccm_lua_setint(L, "line", b->dir.entries[i].line);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int po_user(lua_State *L)
{
	struct ccm_bundle *b = po_get(L, 1)->b;
	size_t len;
	const char *name = luaL_checklstring(L, 2, &len);
	const struct ccm_dir_entry *e = ccm_directory_find(&b->dir, name, len);

	if (!e || !ccm_dir_entry_is_user(e)) {
		lua_pushnil(L);
		lua_pushfstring(L, "no user named '%s' in the directory", name);
		return 2;
	}
	push_user(L, po_get(L, 1), e);
	return 1;
}

/*
 * A list: its members always as canonical addresses ("Doe, Jane at
 * SALESPO", as the directory resolves them: lists.exp may write a local
 * member without its post office; in a private list, a member that is
 * an entry of the address book `pab` is that entry's address), and as
 * written in members_raw.
 */
static void push_list(lua_State *L, struct ccm_bundle *b, const struct ccm_pab *pab,
		      const struct ccm_list *l)
{
	struct ccm_buf text = CCM_BUF_INIT;

	lua_createtable(L, 0, 4);
	ccm_lua_setstr(L, "name", l->name);
	ccm_lua_setstr(L, "comments", l->comments);
	lua_createtable(L, (int)l->n_members, 0);
	for (size_t j = 0; j < l->n_members; j++) {
		const char *m = l->members[j];
		struct ccm_addr a;

		for (size_t k = 0; pab && k < pab->n_entries; k++)
			if (pab->entries[k].addr && !ccm_name_cmp(pab->entries[k].name,
								strlen(pab->entries[k].name),
								m, strlen(m))) {
				m = pab->entries[k].addr;
				break;
			}
		ccm_buf_reset(&text);
		if (ccm_addr_parse(&a, m, strlen(m), &b->dir, b->manifest.post_office,
				   NULL) == 0) {
			ccm_addr_format(&text, &a);
			ccm_addr_release(&a);
		} else {
			ccm_buf_adds(&text, m);
		}
		lua_pushlstring(L, text.ptr, text.len);
		lua_rawseti(L, -2, (lua_Integer)j + 1);
	}
	lua_setfield(L, -2, "members");
	lua_createtable(L, (int)l->n_members, 0);
	for (size_t j = 0; j < l->n_members; j++) {
		lua_pushstring(L, l->members[j]);
		lua_rawseti(L, -2, (lua_Integer)j + 1);
	}
	lua_setfield(L, -2, "members_raw");
	ccm_buf_release(&text);
}

static int po_lists(lua_State *L)
{
	struct ccm_bundle *b = po_get(L, 1)->b;

	lua_createtable(L, (int)b->lists.len, 0);
	for (size_t i = 0; i < b->lists.len; i++) {
		push_list(L, b, NULL, &b->lists.v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int po_pab(lua_State *L)
{
	struct ccm_bundle *b = po_get(L, 1)->b;
	const char *user = luaL_checkstring(L, 2);
	const struct ccm_manifest_entry *e = ccm_bundle_private(b, user);
	struct ccm_pab pab;
	struct ccm_error err;

	if (!e) {
		lua_pushnil(L);
		lua_pushfstring(L, "'%s' has no private address book", user);
		return 2;
	}
	if (ccm_bundle_read_pab(&pab, b, e, &err) < 0)
		return ccm_lua_fail(L, err.msg);
	lua_createtable(L, 0, 2);
	lua_createtable(L, (int)pab.n_entries, 0);
	for (size_t i = 0; i < pab.n_entries; i++) {
		lua_createtable(L, 0, 3);
		ccm_lua_setstr(L, "name", pab.entries[i].name);
		ccm_lua_setstr(L, "address", pab.entries[i].addr);
		ccm_lua_setstr(L, "comments", pab.entries[i].comments);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "entries");
	lua_createtable(L, (int)pab.n_lists, 0);
	for (size_t i = 0; i < pab.n_lists; i++) {
		push_list(L, b, &pab, &pab.lists[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "lists");
	ccm_pab_release(&pab);
	return 1;
}

static int po_boards(lua_State *L)
{
	struct ccm_bundle *b = po_get(L, 1)->b;

	lua_createtable(L, (int)b->manifest.n_boards, 0);
	for (size_t i = 0; i < b->manifest.n_boards; i++) {
		lua_createtable(L, 0, 2);
		ccm_lua_setstr(L, "name", b->manifest.boards[i].name);
		ccm_lua_setstr(L, "file", b->manifest.boards[i].path);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

static int po_problems(lua_State *L)
{
	ccm_lua_push_diags(L, &po_get(L, 1)->own);
	return 1;
}

static int po_field(lua_State *L, const char *k)
{
	struct lpo *p = po_get(L, 1);

	if (!strcmp(k, "name"))
		lua_pushstring(L, p->b->manifest.post_office);
	else if (!strcmp(k, "database"))
		lua_pushinteger(L, p->b->manifest.database);
	else if (!strcmp(k, "code_page"))
		lua_pushinteger(L, p->b->manifest.code_page);
	else if (!strcmp(k, "time_zone"))
		lua_pushstring(L, p->b->manifest.time_zone);
	else if (!strcmp(k, "path"))
		lua_pushstring(L, p->b->root);
	else
		return 0;
	return 1;
}

static int po_index(lua_State *L)
{
	return ccm_lua_index_handle(L, po_close, po_field);
}

static int po_tostring(lua_State *L)
{
	struct lpo *p = luaL_checkudata(L, 1, CCM_LUA_PO);

	if (p->b)
		lua_pushfstring(L, "ccmig.po %s (%s)", p->b->manifest.post_office,
				p->b->root);
	else
		lua_pushliteral(L, "ccmig.po (closed)");
	return 1;
}

/* ---- messages ------------------------------------------------------------ */

/* Levels of messages a cursor follows: the top-level message and those
 * forwarded in it, deeper than the reader's limit (ccmail/message.h). */
#define LEVELS 16

struct lcur {
	struct ccm_lua_res res;        /* first: the list holds &res */
	struct ccm_msgfile *f;         /* NULL once closed */
	unsigned long gen;             /* advances with each message */
	unsigned long tick;            /* gives each item its generation */
	/* Level 0 is the top-level message, level d a message forwarded in
	 * an item of level d - 1. depth: the level whose items the reader
	 * walks now. For each level, the generation of its current item
	 * (an item of a shallower level going on renews the deeper ones,
	 * so what was read inside it expires), what was done with that
	 * item's data, and whether the level's message had its items
	 * walked. */
	int depth;
	unsigned long item_gen[LEVELS];
	unsigned char item_use[LEVELS];     /* USE_ below */
	unsigned char items_started[LEVELS];
	/* What f reads: its owner (a user or a board), and for po:messages()
	 * of every mailbox, the next file to read after it. */
	const struct ccm_manifest_entry *entry;
	const char *owner;             /* the directory's spelling, when it has one */
	int board;
	struct ccm_bundle *b;          /* NULL: one file only */
	size_t next;                   /* mailboxes, then boards */
};

/* An item's data is read one way: raw (it:read) or as a message. */
enum { USE_NONE = 0, USE_READ, USE_ENTERED };

struct lmsg {
	struct lcur *cur;
	unsigned long gen;
	int depth;
	unsigned long parent_item;     /* depth > 0: the item it came in */
};

struct litem {
	struct lcur *cur;
	unsigned long gen, item_gen;
	int depth;
	int is_message;
};

static void cur_release(struct ccm_lua_res *r)
{
	struct lcur *c = (struct lcur *)r;

	ccm_msgfile_close(c->f);
	c->f = NULL;
}

static int cur_close(lua_State *L)
{
	struct lcur *c = luaL_checkudata(L, 1, CCM_LUA_MSGITER);

	ccm_lua_res_close(&c->res);
	return 0;
}

static void push_addr(lua_State *L, const struct ccm_addr *a)
{
	struct ccm_buf t;

	lua_createtable(L, 0, 8);
	ccm_lua_setstr(L, "name", a->name);
	ccm_lua_setstr(L, "post_office", a->po);
	ccm_lua_setstr(L, "kind", ccm_addr_kind_name(a->kind));
	ccm_lua_setstr(L, "type", a->ftype);
	ccm_lua_setstr(L, "foreign", a->faddr);
	ccm_lua_setstr(L, "raw", a->raw);
	setbool(L, "resolved", a->resolved);
	ccm_buf_init(&t);
	ccm_addr_format(&t, a);
	ccm_lua_setstr(L, "text", t.ptr);
	ccm_buf_release(&t);
	luaL_setmetatable(L, CCM_LUA_ADDRESS);
}

static void push_addrs(lua_State *L, const struct ccm_addrlist *l)
{
	lua_createtable(L, (int)l->len, 0);
	for (size_t i = 0; i < l->len; i++) {
		push_addr(L, &l->v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
}

static int addr_tostring(lua_State *L)
{
	lua_getfield(L, 1, "text");
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_getfield(L, 1, "raw");
	}
	return 1;
}

static const char *prio_name(enum ccm_priority p)
{
	return p == CCM_PRIO_URGENT ? "urgent" : p == CCM_PRIO_LOW ? "low" : "normal";
}

/* The header fields of a message, copied into a table (headers are small). */
static void push_fields(lua_State *L, const struct ccm_message *m)
{
	lua_createtable(L, 0, 20);
	ccm_lua_setint(L, "number", m->number);
	ccm_lua_setint(L, "offset", m->offset);
	ccm_lua_setint(L, "depth", m->depth);
	ccm_lua_set_people(L, m);
	ccm_lua_setstr(L, "subject", m->subject);
	ccm_lua_setstr(L, "date_text", m->date_text);
	if (m->date_state == CCM_DATE_OK)
		ccm_lua_setint(L, "date", m->date.utc);
	setbool(L, "bad_date", m->date_state == CCM_DATE_BAD);
	ccm_lua_setstr(L, "folder", m->folder);
	ccm_lua_setstr(L, "priority", prio_name(m->priority));
	setbool(L, "receipt", m->receipt);
	setbool(L, "read", (m->status & CCM_STATUS_READ) != 0);
	setbool(L, "unread", (m->status & CCM_STATUS_UNREAD) != 0);
	setbool(L, "draft", (m->status & CCM_STATUS_DRAFT) != 0);
}

void ccm_lua_set_people(lua_State *L, const struct ccm_message *m)
{
	if (m->from_text) {
		push_addr(L, &m->from);
		lua_setfield(L, -2, "from");
		ccm_lua_setstr(L, "from_text", m->from_text);
	}
	push_addrs(L, &m->to);
	lua_setfield(L, -2, "to");
	push_addrs(L, &m->cc);
	lua_setfield(L, -2, "cc");
	push_addrs(L, &m->bcc);
	lua_setfield(L, -2, "bcc");
	lua_createtable(L, (int)m->n_extra, 0);
	for (size_t i = 0; i < m->n_extra; i++) {
		lua_createtable(L, 0, 2);
		ccm_lua_setstr(L, "key", m->extra[i].key);
		ccm_lua_setstr(L, "value", m->extra[i].value);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "headers");
}

void ccm_lua_address_class(lua_State *L)
{
	static const luaL_Reg addr_meta[] = { { "__tostring", addr_tostring }, { NULL, NULL } };

	ccm_lua_newclass(L, CCM_LUA_ADDRESS, NULL, addr_meta);
}

/* Iterator step: upvalue 1 is the cursor userdata. */
/* Who owns what c reads now: the directory's spelling of a user's name
 * (po.txt may write it in another case), a board's name. */
static void set_owner(struct lcur *c, struct ccm_bundle *b)
{
	const struct ccm_dir_entry *d = c->board ? NULL :
		ccm_directory_find(&b->dir, c->entry->name, strlen(c->entry->name));

	c->owner = d ? d->name : c->entry->name;
}

/*
 * For a cursor over every mailbox: closes the file read and opens the
 * next mailbox's, then the boards'. 1 when one is open, 0 when none is
 * left, or a negative code (err says which file).
 */
static int open_next(struct lcur *c, struct ccm_error *err)
{
	const struct ccm_manifest *mf = &c->b->manifest;

	ccm_msgfile_close(c->f);
	c->f = NULL;
	while (c->next < mf->n_mailboxes + mf->n_boards) {
		size_t i = c->next++;
		const struct ccm_manifest_entry *e = i < mf->n_mailboxes ? &mf->mailboxes[i] :
			&mf->boards[i - mf->n_mailboxes];
		int rc;

		if (!e->path)
			continue;           /* refused when the bundle was read */
		c->entry = e;
		c->board = i >= mf->n_mailboxes;
		set_owner(c, c->b);
		if ((rc = ccm_bundle_open_messages(&c->f, c->b, e, err)) < 0) {
			c->f = NULL;
			return rc;
		}
		return 1;
	}
	return 0;
}

static int cur_step(lua_State *L)
{
	struct lcur *c = lua_touserdata(L, lua_upvalueindex(1));
	const struct ccm_message *m;
	struct ccm_error err;
	struct lmsg *mu;
	int rc;

	if (!c->f)
		return luaL_error(L, "the message cursor is closed");
	c->gen++;
	c->depth = 0;
	c->items_started[0] = 0;
	rc = ccm_msgfile_next(c->f, &m, &err);
	if (rc < 0)
		return luaL_error(L, "%s", err.msg);
	while (rc == 0 && c->b && (rc = open_next(c, &err)) > 0)
		rc = ccm_msgfile_next(c->f, &m, &err);
	if (rc < 0)
		return luaL_error(L, "%s", err.msg);
	if (rc == 0) {
		ccm_lua_res_unlink(&c->res);
		cur_release(&c->res);
		return 0;
	}
	mu = lua_newuserdatauv(L, sizeof(*mu), 2);
	memset(mu, 0, sizeof(*mu));
	mu->cur = c;
	mu->gen = c->gen;
	luaL_setmetatable(L, CCM_LUA_MESSAGE);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_setiuservalue(L, -2, 1);
	push_fields(L, m);
	ccm_lua_setstr(L, "owner", c->owner);
	setbool(L, "board", c->board);
	lua_setiuservalue(L, -2, 2);
	return 1;
}

static const char *box_name(const struct ccm_bundle *b,
			    const struct ccm_manifest_entry **e, const char *name)
{
	const char *n = name[0] == '#' ? name + 1 : name;

	*e = name[0] == '#' ? NULL : ccm_bundle_mailbox(b, name);
	if (*e)
		return (*e)->name;
	for (size_t i = 0; i < b->manifest.n_boards; i++)
		if (!ccm_name_cmp(b->manifest.boards[i].name,
				  strlen(b->manifest.boards[i].name), n, strlen(n))) {
			*e = &b->manifest.boards[i];
			return (*e)->name;
		}
	return NULL;
}

static int empty_step(lua_State *L)
{
	return 0;
}

/*
 * po:messages(user): for m in po:messages("Smith, John") do ... end. A
 * board is named with '#' or by its name. A user without mail gives no
 * messages; a name that is neither a user nor a board gives nil, message.
 * po:messages() reads every mailbox, then every board. Each message
 * knows its owner (m.owner, m.board).
 */
static int po_messages(lua_State *L)
{
	struct lpo *p = po_get(L, 1);
	const char *name = luaL_optstring(L, 2, NULL);
	const struct ccm_manifest_entry *e = NULL;
	struct ccm_error err;
	struct lcur *c;

	if (name && !box_name(p->b, &e, name)) {
		const struct ccm_dir_entry *d =
			ccm_directory_find(&p->b->dir, name, strlen(name));

		if (d && ccm_dir_entry_is_user(d)) {
			lua_pushcfunction(L, empty_step);
			return 1;
		}
		lua_pushnil(L);
		lua_pushfstring(L, "'%s' is neither a user nor a bulletin board of %s",
				name, p->b->manifest.post_office);
		return 2;
	}
	c = lua_newuserdatauv(L, sizeof(*c), 1);
	memset(c, 0, sizeof(*c));
	luaL_setmetatable(L, CCM_LUA_MSGITER);
	lua_pushvalue(L, 1);
	lua_setiuservalue(L, -2, 1);        /* the po lives as long as the cursor */
	if (!name) {
		int rc;

		c->b = p->b;
		if ((rc = open_next(c, &err)) < 0)
			return ccm_lua_fail(L, err.msg);
		if (rc == 0) {
			lua_pushcfunction(L, empty_step);
			return 1;
		}
	} else {
		c->entry = e;
		c->board = name[0] == '#' || ccm_bundle_mailbox(p->b, name) != e;
		set_owner(c, p->b);
		if (ccm_bundle_open_messages(&c->f, p->b, e, &err) < 0) {
			c->f = NULL;
			return ccm_lua_fail(L, err.msg);
		}
	}
	ccm_lua_res_link(&p->children, &c->res, cur_release);
	lua_pushvalue(L, -1);
	lua_pushcclosure(L, cur_step, 1);   /* iterator */
	lua_insert(L, -2);
	lua_pushnil(L);
	lua_insert(L, -2);
	lua_pushnil(L);
	lua_insert(L, -2);                  /* f, nil, nil, cursor (closing) */
	return 4;
}

/* Whether message m can still be used: its loop has not gone on, nor
 * (a forwarded message) the loop over the items it came in. */
static int msg_live(const struct lmsg *m)
{
	const struct lcur *c = m->cur;

	return c->f && c->gen == m->gen &&
	       (m->depth == 0 || c->item_gen[m->depth - 1] == m->parent_item);
}

static struct lmsg *msg_get(lua_State *L, int idx)
{
	struct lmsg *m = luaL_checkudata(L, idx, CCM_LUA_MESSAGE);

	if (!msg_live(m))
		luaL_error(L, "this message has expired: a message can be used only "
			      "until its loop goes on to the next one (a forwarded "
			      "message: until the loop over the items it came in goes on; "
			      "copy what you need)");
	return m;
}

static int msg_expired(lua_State *L)
{
	struct lmsg *m = luaL_checkudata(L, 1, CCM_LUA_MESSAGE);

	lua_pushboolean(L, !msg_live(m));
	return 1;
}

static int msg_index(lua_State *L)
{
	const char *k = lua_tostring(L, 2);

	if (k && !strcmp(k, "expired")) {   /* askable of an expired message */
		lua_pushcfunction(L, msg_expired);
		return 1;
	}
	msg_get(L, 1);
	return ccm_lua_index_uservalue(L);
}

static int msg_tostring(lua_State *L)
{
	struct lmsg *m = luaL_checkudata(L, 1, CCM_LUA_MESSAGE);

	if (!msg_live(m)) {
		lua_pushliteral(L, "ccmig.message (expired)");
		return 1;
	}
	lua_getiuservalue(L, 1, 2);
	lua_getfield(L, -1, "number");
	lua_getfield(L, -2, "subject");
	lua_pushfstring(L, "ccmig.message %I: %s", lua_tointeger(L, -2),
			lua_isnil(L, -1) ? "" : lua_tostring(L, -1));
	return 1;
}

/*
 * Brings the reader back to level d: the items of the deeper messages a
 * loop left early are skipped (each 0 of the reader is one level up).
 */
static void leave_to(lua_State *L, struct lcur *c, int d)
{
	const struct ccm_item *it;
	struct ccm_error err;

	while (c->depth > d) {
		int rc = ccm_msgfile_next_item(c->f, &it, &err);

		if (rc < 0)
			luaL_error(L, "%s", err.msg);
		if (rc == 0)
			c->depth--;
	}
}

/* Upvalue 1: the message userdata. */
static int items_step(lua_State *L)
{
	struct lmsg *m = msg_get(L, lua_upvalueindex(1));
	struct lcur *c = m->cur;
	const struct ccm_item *it;
	struct ccm_error err;
	struct litem *iu;
	int rc, d = m->depth;

	if (c->depth < d)
		return 0;               /* its items ended already */
	leave_to(L, c, d);
	c->tick++;
	for (int k = d; k < LEVELS; k++) {
		c->item_gen[k] = c->tick;   /* what came of the last item expires */
		c->item_use[k] = USE_NONE;
	}
	rc = ccm_msgfile_next_item(c->f, &it, &err);
	if (rc < 0)
		return luaL_error(L, "%s", err.msg);
	if (rc == 0) {
		if (d > 0)
			c->depth = d - 1;   /* the reader went back up */
		return 0;
	}
	iu = lua_newuserdatauv(L, sizeof(*iu), 3);
	iu->cur = c;
	iu->gen = m->gen;
	iu->item_gen = c->item_gen[d];
	iu->depth = d;
	iu->is_message = it->kind == CCM_ITEM_MESSAGE;
	luaL_setmetatable(L, CCM_LUA_ITEM);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_setiuservalue(L, -2, 1);
	lua_createtable(L, 0, 10);
	ccm_lua_setstr(L, "kind", ccm_item_kind_name(it->kind));
	ccm_lua_setint(L, "index", it->index);
	ccm_lua_setstr(L, "keyword", it->keyword);
	ccm_lua_setstr(L, "title", it->title);
	ccm_lua_setstr(L, "name", it->name);
	if (it->size >= 0)
		ccm_lua_setint(L, "size", it->size);
	if (it->count >= 0)
		ccm_lua_setint(L, "count", it->count);
	if (it->has_file_date)
		ccm_lua_setint(L, "file_date", it->file_date.utc);
	setbool(L, "macbinary", it->macbinary);
	ccm_lua_setint(L, "depth", d);
	lua_setiuservalue(L, -2, 2);
	return 1;
}

/* m:items(): the message's items, in order, once. */
static int msg_items(lua_State *L)
{
	struct lmsg *m = msg_get(L, 1);

	if (m->cur->items_started[m->depth])
		return luaL_error(L, "the items of a message can be walked once");
	m->cur->items_started[m->depth] = 1;
	lua_pushvalue(L, 1);
	lua_pushcclosure(L, items_step, 1);
	return 1;
}

static int item_live(const struct litem *it)
{
	return it->cur->f && it->cur->gen == it->gen &&
	       it->cur->item_gen[it->depth] == it->item_gen;
}

static struct litem *item_get(lua_State *L, int idx)
{
	struct litem *it = luaL_checkudata(L, idx, CCM_LUA_ITEM);

	if (!item_live(it))
		luaL_error(L, "this item has expired: an item can be read only until "
			      "the loop goes on to the next item or message");
	return it;
}

static int item_index(lua_State *L)
{
	item_get(L, 1);
	return ccm_lua_index_uservalue(L);
}

/* it:read(n): the next n bytes at most, nil at the end; it:read("a"): all
 * that is left ("" at the end). */
static int item_read(lua_State *L)
{
	struct litem *it = item_get(L, 1);
	struct ccm_error err;
	luaL_Buffer lb;

	if (it->cur->item_use[it->depth] == USE_ENTERED)
		return luaL_error(L, "it:read() after it:message(): a forwarded message "
				  "is read as a message or as its export text, not both");
	it->cur->item_use[it->depth] = USE_READ;

	if (lua_type(L, 2) == LUA_TSTRING) {
		const char *fmt = lua_tostring(L, 2);

		if (*fmt == '*')
			fmt++;
		if (*fmt != 'a')
			return luaL_argerror(L, 2, "a byte count or \"a\"");
		luaL_buffinit(L, &lb);
		for (;;) {
			char *p = luaL_prepbuffer(&lb);
			ssize_t n = ccm_msgfile_read(it->cur->f, p, LUAL_BUFFERSIZE, &err);

			if (n < 0)
				return luaL_error(L, "%s", err.msg);
			if (n == 0)
				break;
			luaL_addsize(&lb, (size_t)n);
		}
		luaL_pushresult(&lb);
		return 1;
	} else {
		lua_Integer want = luaL_optinteger(L, 2, 65536);
		char *p;
		ssize_t n;

		luaL_argcheck(L, want > 0, 2, "must be positive");
		p = luaL_buffinitsize(L, &lb, (size_t)want);
		n = ccm_msgfile_read(it->cur->f, p, (size_t)want, &err);
		if (n < 0)
			return luaL_error(L, "%s", err.msg);
		if (n == 0)
			return 0;
		luaL_pushresultsize(&lb, (size_t)n);
		return 1;
	}
}

/*
 * it:message(): the forwarded message of a "message" item, as a message
 * of its own (its headers, m:items()); the same one each time. nil and a
 * message when the item holds none the reader can follow (not a message,
 * or nested deeper than its limit): it:read() then gives its text.
 */
static int item_message(lua_State *L)
{
	struct litem *it = item_get(L, 1);
	struct lcur *c = it->cur;
	const struct ccm_message *nm;
	struct ccm_error err;
	struct lmsg *mu;
	int rc, d = it->depth;

	if (!it->is_message)
		return luaL_error(L, "it:message() of an item that is not of kind "
				  "\"message\": only those hold a forwarded message");
	if (c->item_use[d] == USE_ENTERED) {
		lua_getiuservalue(L, 1, 3);
		return 1;
	}
	if (c->item_use[d] == USE_READ)
		return luaL_error(L, "it:message() after it:read(): a forwarded message "
				  "is read as a message or as its export text, not both");
	if (d + 1 >= LEVELS)
		rc = 0;
	else if ((rc = ccm_msgfile_enter(c->f, &nm, &err)) < 0)
		return luaL_error(L, "%s", err.msg);
	if (rc == 0) {
		lua_pushnil(L);
		lua_pushliteral(L, "the item holds no message that can be read (not a "
				"message, or nested deeper than the reader follows): "
				"it:read() gives its export text");
		return 2;
	}
	c->depth = d + 1;
	c->item_use[d] = USE_ENTERED;
	c->items_started[d + 1] = 0;
	mu = lua_newuserdatauv(L, sizeof(*mu), 2);
	mu->cur = c;
	mu->gen = it->gen;
	mu->depth = d + 1;
	mu->parent_item = it->item_gen;
	luaL_setmetatable(L, CCM_LUA_MESSAGE);
	lua_getiuservalue(L, 1, 1);         /* the enclosing message lives on */
	lua_setiuservalue(L, -2, 1);
	push_fields(L, nm);
	lua_getiuservalue(L, 1, 1);
	lua_getiuservalue(L, -1, 2);        /* whose it is: the enclosing one's */
	lua_getfield(L, -1, "owner");
	lua_setfield(L, -4, "owner");
	lua_getfield(L, -1, "board");
	lua_setfield(L, -4, "board");
	lua_pop(L, 2);
	lua_setiuservalue(L, -2, 2);
	lua_pushvalue(L, -1);
	lua_setiuservalue(L, 1, 3);         /* it:message() again gives it */
	return 1;
}

static int item_tostring(lua_State *L)
{
	struct litem *it = luaL_checkudata(L, 1, CCM_LUA_ITEM);

	if (!item_live(it)) {
		lua_pushliteral(L, "ccmig.item (expired)");
		return 1;
	}
	lua_getiuservalue(L, 1, 2);
	lua_getfield(L, -1, "kind");
	lua_getfield(L, -2, "title");
	lua_pushfstring(L, "ccmig.item %s %s", lua_tostring(L, -2), lua_tostring(L, -1));
	return 1;
}

static int cur_tostring(lua_State *L)
{
	struct lcur *c = luaL_checkudata(L, 1, CCM_LUA_MSGITER);

	lua_pushstring(L, c->f ? "ccmig.message_cursor" : "ccmig.message_cursor (closed)");
	return 1;
}

void ccm_lua_po_register(lua_State *L)
{
	static const luaL_Reg po_methods[] = {
		{ "users", po_users }, { "user", po_user }, { "directory", po_directory },
		{ "lists", po_lists }, { "pab", po_pab }, { "boards", po_boards },
		{ "messages", po_messages }, { "problems", po_problems },
		{ "localtime", po_localtime }, { "totals", po_totals },
		{ "close", po_close }, { NULL, NULL }
	};
	static const luaL_Reg po_meta[] = {
		{ "__index", po_index }, { "__gc", po_close }, { "__close", po_close },
		{ "__tostring", po_tostring }, { NULL, NULL }
	};
	static const luaL_Reg cur_meta[] = {
		{ "__gc", cur_close }, { "__close", cur_close },
		{ "__tostring", cur_tostring }, { NULL, NULL }
	};
	static const luaL_Reg cur_methods[] = { { "close", cur_close }, { NULL, NULL } };
	static const luaL_Reg msg_methods[] = {
		{ "items", msg_items }, { "expired", msg_expired }, { NULL, NULL }
	};
	static const luaL_Reg msg_meta[] = {
		{ "__index", msg_index }, { "__tostring", msg_tostring }, { NULL, NULL }
	};
	static const luaL_Reg item_methods[] = {
		{ "read", item_read }, { "message", item_message }, { NULL, NULL }
	};
	static const luaL_Reg item_meta[] = {
		{ "__index", item_index }, { "__tostring", item_tostring }, { NULL, NULL }
	};
	ccm_lua_newclass(L, CCM_LUA_PO, po_methods, po_meta);
	ccm_lua_newclass(L, CCM_LUA_MSGITER, cur_methods, cur_meta);
	ccm_lua_newclass(L, CCM_LUA_MESSAGE, msg_methods, msg_meta);
	ccm_lua_newclass(L, CCM_LUA_ITEM, item_methods, item_meta);
	ccm_lua_address_class(L);
	lua_pushcfunction(L, l_open);
	lua_setfield(L, -2, "open");
}
