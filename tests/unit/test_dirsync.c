/* test_dirsync.c: directory synchronisation into the store, on the fixture
 * post office and on generated ones: recipients, lists, reruns, rules. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "ccmail/bundle.h"
#include "gen/gen.h"
#include "flow/dirsync.h"
#include "store/ledger.h"
#include "store/recipients.h"
#include "store/stats.h"
#include "store/store.h"

struct fx {
	char *dir;
	char *path;
	struct ccm_store *s;
	struct ccm_diaglist diags;
	struct ccm_report rep;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ccm_error err;

	f->dir = tu_mkdtemp();
	f->path = tu_path(f->dir, "s.db");
	f->rep.sink = ccm_diaglist_sink;
	f->rep.ctx = &f->diags;
	if (ccm_store_open(&f->s, f->path, CCM_STORE_CREATE, &err) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ccm_store_close(f->s);
	ccm_diaglist_release(&f->diags);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	return 0;
}

static void reset_report(struct fx *f)
{
	ccm_diaglist_release(&f->diags);
	memset(f->rep.counts, 0, sizeof(f->rep.counts));
}

/* Opens bundle `dir` and synchronises it in one transaction. */
static void sync(struct fx *f, const char *dir, const struct ccm_dirsync_opts *o,
		 struct ccm_dirsync_stats *st)
{
	struct ccm_bundle *b;
	struct ccm_error err;

	reset_report(f);
	assert_int_equal(ccm_bundle_open(&b, dir, &f->rep, &err), 0);
	assert_int_equal(ccm_store_begin(f->s, &err), 0);
	if (ccm_dirsync_bundle(f->s, b, o, st, &f->rep, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(ccm_store_commit(f->s, &err), 0);
	ccm_bundle_free(b);
}

static char *salespo(void)
{
	return tu_path(CCMIG_TEST_DATA, "salespo");
}

/* A copy of the fixture that a test may edit. */
static char *salespo_copy(struct fx *f)
{
	char *to = tu_path(f->dir, "po");
	assert_int_equal(tu_system("cp -r '%s/salespo' '%s'", CCMIG_TEST_DATA, to), 0);
	return to;
}

/* Replaces `from` by `to` (bytes) in file dir/name. */
static void edit(const char *dir, const char *name, const char *from, const char *to)
{
	char *path = tu_path(dir, name);
	size_t n;
	char *text = tu_slurp(path, &n), *hit;
	struct ccm_buf b = CCM_BUF_INIT;

	assert_non_null(text);
	hit = strstr(text, from);
	if (!hit)
		fail_msg("'%s' not in %s", from, name);
	ccm_buf_add(&b, text, (size_t)(hit - text));
	ccm_buf_adds(&b, to);
	ccm_buf_adds(&b, hit + strlen(from));
	free(tu_write(dir, name, b.ptr, b.len));
	ccm_buf_release(&b);
	free(text);
	free(path);
}

static void append(const char *dir, const char *name, const char *text)
{
	char *path = tu_path(dir, name);
	FILE *fp = fopen(path, "ab");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
}

/* Every row of the directory, in a canonical order, one per line. */
static void dump(struct ccm_store *s, struct ccm_buf *out)
{
	static const char *const sql[] = {
		"SELECT kind, alias, display_name, first_name, last_name, target, "
		"comments, office, phone, ccmail_name, ccmail_location, ccmail_po, "
		"dirsync_po FROM recipients ORDER BY alias",
		"SELECT r.alias, a.type, a.address, a.is_primary FROM addresses a "
		"JOIN recipients r ON r.id = a.recipient_id ORDER BY 1, 2, 3",
		"SELECT d.alias, m.alias FROM dl_members x JOIN recipients d ON "
		"d.id = x.dl_id JOIN recipients m ON m.id = x.member_id ORDER BY 1, 2",
	};

	ccm_buf_reset(out);
	for (size_t i = 0; i < 3; i++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(ccm_store_db(s), sql[i], -1, &st, NULL),
				 SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const char *t = (const char *)sqlite3_column_text(st, c);
				ccm_buf_addf(out, "%s|", t ? t : "NULL");
			}
			ccm_buf_addch(out, '\n');
		}
		sqlite3_finalize(st);
		ccm_buf_adds(out, "--\n");
	}
}

static long long q(struct ccm_store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(ccm_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The recipient holding CCMAIL:text, which must be there. */
static long long by_ccmail(struct ccm_store *s, const char *text, int want_kind)
{
	struct ccm_error err;
	long long id = 0;
	int kind = 0;

	if (ccm_store_find_address(s, "CCMAIL", text, &id, &kind, &err) != 1)
		fail_msg("no recipient has CCMAIL:%s", text);
	assert_int_equal(kind, want_kind);
	return id;
}

static void members_of(struct ccm_store *s, long long dl, long long *ids, size_t *n)
{
	struct ccm_store_cursor *c;
	struct ccm_recipient r;
	struct ccm_error err;

	*n = 0;
	assert_int_equal(ccm_store_dl_members(&c, s, dl, &err), 0);
	while (ccm_store_next_recipient(c, &r, &err) == 1)
		ids[(*n)++] = r.id;
	ccm_store_cursor_free(c);
}

/* ---- the fixture -------------------------------------------------------- */

static void every_user_of_salespo_gets_a_custom_recipient(void **state)
{
	struct fx *f = *state;
	struct ccm_dirsync_stats st;
	struct ccm_recipient r;
	struct ccm_error err;
	char *dir = salespo();
	static const char *const users[] = {
		"Smith, John at SALESPO", "Doe, Jane at SALESPO",
		"Grewal, Jeff at SALESPO", "Müller, Jürgen at SALESPO",
		"Admin at HUBPO2", "Parkes, Joe at FARPO",
	};

	sync(f, dir, NULL, &st);
	assert_int_equal(st.users, 6);
	assert_int_equal(st.created, 6);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(q(f->s, "SELECT count(*) FROM recipients WHERE kind = 'custom'"), 6);
	for (size_t i = 0; i < 6; i++) {
		long long id = by_ccmail(f->s, users[i], CCM_RECIP_CUSTOM);
		char want[128];

		assert_int_equal(ccm_store_recipient_get(&r, f->s, id, &err), 1);
		snprintf(want, sizeof(want), "CCMAIL:%s", users[i]);
		assert_string_equal(r.target, want);
		assert_string_equal(r.dirsync_po, "SALESPO");
		ccm_recipient_release(&r);
	}
	/* each address is the primary CCMAIL address, and the only one */
	assert_int_equal(q(f->s, "SELECT count(*) FROM addresses a JOIN recipients r ON "
			 "r.id = a.recipient_id WHERE r.kind = 'custom' AND a.type = "
			 "'CCMAIL' AND a.is_primary"), 6);
	/* the directory data of one user in full (Q217040 Comments) */
	assert_int_equal(ccm_store_recipient_get(&r, f->s, by_ccmail(f->s, "Smith, John at SALESPO",
						 CCM_RECIP_CUSTOM), &err), 1);
	assert_string_equal(r.alias, "jsmith");
	assert_string_equal(r.display_name, "John Smith");
	assert_string_equal(r.first_name, "John");
	assert_string_equal(r.last_name, "Smith");
	assert_string_equal(r.office, "43/3019");
	assert_string_equal(r.phone, "(425) 936-1111");
	assert_string_equal(r.ccmail_name, "Smith, John");
	assert_int_equal(r.ccmail_location, 'L');
	assert_string_equal(r.ccmail_po, "SALESPO");
	ccm_recipient_release(&r);
	/* a remote user: its Addr is its post office; aliases are ASCII */
	assert_int_equal(ccm_store_recipient_get(&r, f->s, by_ccmail(f->s, "Parkes, Joe at FARPO",
						 CCM_RECIP_CUSTOM), &err), 1);
	assert_int_equal(r.ccmail_location, 'r');
	assert_string_equal(r.alias, "joep");
	ccm_recipient_release(&r);
	assert_int_equal(ccm_store_recipient_get(&r, f->s, by_ccmail(f->s, "MÜLLER, JÜRGEN at salespo",
						 CCM_RECIP_CUSTOM), &err), 1);
	assert_string_equal(r.alias, "jurgenm");
	assert_string_equal(r.display_name, "Jürgen Müller");
	ccm_recipient_release(&r);
	/* post offices and aliases of the directory are not users */
	assert_int_equal(q(f->s, "SELECT count(*) FROM addresses WHERE address LIKE 'HUBPO2%' "
			 "OR address LIKE 'Sales at%'"), 0);
	free(dir);
}

static void public_list_becomes_a_distribution_list_of_its_members(void **state)
{
	struct fx *f = *state;
	struct ccm_dirsync_stats st;
	struct ccm_recipient r;
	struct ccm_error err;
	long long ids[16], dl;
	size_t n;
	char *dir = salespo();

	sync(f, dir, NULL, &st);
	assert_int_equal(st.lists, 1);
	assert_int_equal(st.dl_created, 1);
	assert_int_equal(st.members, 3);
	assert_int_equal(st.unresolved, 0);
	dl = by_ccmail(f->s, "Sales Team at SALESPO", CCM_RECIP_DL);
	assert_int_equal(ccm_store_recipient_get(&r, f->s, dl, &err), 1);
	assert_string_equal(r.display_name, "Sales Team");
	assert_string_equal(r.comments, "everyone in sales");
	ccm_recipient_release(&r);
	members_of(f->s, dl, ids, &n);
	assert_int_equal(n, 3);
	/* "Smith, John at SALESPO", "Doe, Jane" (bare), "Müller, Jürgen" (R) */
	assert_int_equal(ids[0], by_ccmail(f->s, "Smith, John at SALESPO", CCM_RECIP_CUSTOM));
	assert_int_equal(ids[1], by_ccmail(f->s, "Doe, Jane at SALESPO", CCM_RECIP_CUSTOM));
	assert_int_equal(ids[2], by_ccmail(f->s, "Müller, Jürgen at SALESPO", CCM_RECIP_CUSTOM));
	free(dir);
}

static void second_run_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct ccm_dirsync_stats st;
	struct ccm_store_stats a, b;
	struct ccm_buf d1 = CCM_BUF_INIT, d2 = CCM_BUF_INIT;
	struct ccm_error err;
	char *dir = salespo();

	sync(f, dir, NULL, &st);
	dump(f->s, &d1);
	assert_int_equal(ccm_store_stats(&a, f->s, &err), 0);
	sync(f, dir, NULL, &st);
	assert_int_equal(st.created, 0);
	assert_int_equal(st.updated, 0);
	assert_int_equal(st.unchanged, 6);
	assert_int_equal(st.dl_created + st.dl_updated, 0);
	assert_int_equal(st.members_added + st.members_removed, 0);
	assert_int_equal(st.stale, 0);
	assert_int_equal(ccm_store_stats(&b, f->s, &err), 0);
	assert_int_equal(a.recipients, b.recipients);
	assert_int_equal(a.addresses, b.addresses);
	assert_int_equal(a.memberships, b.memberships);
	dump(f->s, &d2);
	assert_string_equal(d1.ptr, d2.ptr);
	/* no update was even written */
	assert_int_equal(q(f->s, "SELECT count(*) FROM recipients WHERE updated_run IS NOT NULL"), 0);
	ccm_buf_release(&d1);
	ccm_buf_release(&d2);
	free(dir);
}

static void changed_display_rule_updates_display_names_not_aliases(void **state)
{
	struct fx *f = *state;
	struct ccm_dirsync_opts o = { "%L, %F", NULL, NULL, NULL };
	struct ccm_dirsync_stats st;
	struct ccm_recipient r;
	struct ccm_error err;
	char *dir = salespo();
	long long id;

	sync(f, dir, NULL, &st);
	sync(f, dir, &o, &st);
	assert_int_equal(st.created, 0);
	assert_int_equal(st.updated, 5);      /* "Admin" reads the same either way */
	id = by_ccmail(f->s, "Smith, John at SALESPO", CCM_RECIP_CUSTOM);
	assert_int_equal(ccm_store_recipient_get(&r, f->s, id, &err), 1);
	assert_string_equal(r.display_name, "Smith, John");
	assert_string_equal(r.alias, "jsmith");
	ccm_recipient_release(&r);
	assert_int_equal(q(f->s, "SELECT count(*) FROM recipients WHERE display_name = 'Admin'"), 1);
	sync(f, dir, &o, &st);
	assert_int_equal(st.updated, 0);
	sync(f, dir, NULL, &st);
	assert_int_equal(st.updated, 5);
	assert_int_equal(ccm_store_recipient_get(&r, f->s, id, &err), 1);
	assert_string_equal(r.display_name, "John Smith");
	ccm_recipient_release(&r);
	free(dir);
}

static void changed_directory_and_lists_are_followed(void **state)
{
	struct fx *f = *state;
	struct ccm_dirsync_stats st;
	struct ccm_recipient r;
	struct ccm_error err;
	long long ids[16];
	size_t n;
	char *dir = salespo_copy(f);

	sync(f, dir, NULL, &st);
	edit(dir, "directory.exp", "(425) 936-1112", "(425) 936-2000");
	edit(dir, "directory.exp", "Name: Grewal, Jeff\r\nLocation: L\r\n",
	     "Name: Brown, Elizabeth\r\nLocation: L\r\n");
	edit(dir, "lists.exp", "Member: Doe, Jane\r\n", "");
	sync(f, dir, NULL, &st);
	assert_int_equal(st.created, 1);
	assert_int_equal(st.updated, 1);
	assert_int_equal(st.members_removed, 1);
	assert_int_equal(st.members_added, 0);
	assert_int_equal(st.dl_updated, 1);
	/* Grewal left the directory: reported, kept */
	assert_int_equal(st.stale, 1);
	assert_int_equal(ccm_diaglist_count(&f->diags, "stale-recipient"), 1);
	by_ccmail(f->s, "Grewal, Jeff at SALESPO", CCM_RECIP_CUSTOM);
	assert_int_equal(ccm_store_recipient_get(&r, f->s, by_ccmail(f->s, "Doe, Jane at SALESPO",
						 CCM_RECIP_CUSTOM), &err), 1);
	assert_string_equal(r.phone, "(425) 936-2000");
	ccm_recipient_release(&r);
	by_ccmail(f->s, "Brown, Elizabeth at SALESPO", CCM_RECIP_CUSTOM);
	members_of(f->s, by_ccmail(f->s, "Sales Team at SALESPO", CCM_RECIP_DL), ids, &n);
	assert_int_equal(n, 2);
	free(dir);
}

static void unresolved_members_are_reported_and_external_ones_kept(void **state)
{
	struct fx *f = *state;
	struct ccm_dirsync_stats st;
	struct ccm_recipient r;
	struct ccm_error err;
	long long ids[16], smtp = 0;
	size_t n;
	int kind;
	char *dir = salespo_copy(f);

	append(dir, "lists.exp", "Member: Nobody, Here at SALESPO\r\nMember: #Social\r\n"
				 "Member: bob@example.com at INTERNET\r\n"
				 "Member: Pat [X400:c=US;a=;p=Litware;s=Pat] at GATEWAY\r\n");
	sync(f, dir, NULL, &st);
	assert_int_equal(st.unresolved, 2);
	assert_int_equal(ccm_diaglist_count(&f->diags, "unresolved-member"), 2);
	{
		int found = 0;
		for (size_t i = 0; i < f->diags.len; i++)
			if (!strcmp(f->diags.items[i].kind, "unresolved-member") &&
			    strstr(f->diags.items[i].text, "'Nobody, Here at SALESPO'") &&
			    strstr(f->diags.items[i].text, "'Sales Team'") &&
			    f->diags.items[i].severity == CCM_WARNING)
				found = 1;
		assert_true(found);
	}
	assert_int_equal(st.contacts, 2);
	assert_int_equal(ccm_store_find_address(f->s, "SMTP", "bob@example.com", &smtp, &kind,
						&err), 1);
	assert_int_equal(kind, CCM_RECIP_CUSTOM);
	assert_int_equal(ccm_store_recipient_get(&r, f->s, smtp, &err), 1);
	assert_string_equal(r.target, "SMTP:bob@example.com");
	assert_string_equal(r.alias, "bob");
	ccm_recipient_release(&r);
	by_ccmail(f->s, "bob@example.com at INTERNET", CCM_RECIP_CUSTOM);
	members_of(f->s, by_ccmail(f->s, "Sales Team at SALESPO", CCM_RECIP_DL), ids, &n);
	assert_int_equal(n, 5);
	/* found again, not made again */
	sync(f, dir, NULL, &st);
	assert_int_equal(st.contacts, 0);
	assert_int_equal(st.members_added, 0);
	assert_int_equal(st.unresolved, 2);
	free(dir);
}

static void converted_mailbox_is_left_alone_and_stays_a_member(void **state)
{
	struct fx *f = *state;
	struct ccm_dirsync_stats st;
	struct ccm_error err;
	long long ids[16], id;
	size_t n;
	char *dir = salespo();

	sync(f, dir, NULL, &st);
	id = by_ccmail(f->s, "Smith, John at SALESPO", CCM_RECIP_CUSTOM);
	assert_int_equal(ccm_store_convert_to_mailbox(f->s, id, &err), 0);
	sync(f, dir, NULL, &st);
	assert_int_equal(st.mailboxes, 1);
	assert_int_equal(st.created, 0);
	assert_int_equal(by_ccmail(f->s, "Smith, John at SALESPO", CCM_RECIP_MAILBOX), id);
	assert_int_equal(q(f->s, "SELECT count(*) FROM addresses WHERE is_primary AND "
			 "address = 'Smith, John at SALESPO'"), 0);
	members_of(f->s, by_ccmail(f->s, "Sales Team at SALESPO", CCM_RECIP_DL), ids, &n);
	assert_int_equal(n, 3);
	assert_int_equal(ids[0], id);
	assert_int_equal(st.members_removed, 0);
	free(dir);
}

static void mailbox_created_from_directory_file_is_found_by_migrate_proxy(void **state)
{
	struct fx *f = *state;
	struct ccm_dirsync_stats st;
	struct ccm_recipient r = { 0 };
	struct ccm_error err;
	long long id;
	char *dir = salespo();

	/* as an import of Directory.pri before dirsync would leave it */
	r.kind = CCM_RECIP_MAILBOX;
	r.alias = "janed";
	r.display_name = "Jane Doe";
	assert_int_equal(ccm_store_recipient_create(f->s, &r, &id, &err), 0);
	assert_int_equal(ccm_store_address_add(f->s, id, "MIGRATE",
					       "CCMAIL:Doe, Jane at SALESPO", 0, &err), 0);
	sync(f, dir, NULL, &st);
	assert_int_equal(st.created, 5);
	assert_int_equal(st.mailboxes, 1);
	assert_int_equal(q(f->s, "SELECT count(*) FROM recipients WHERE display_name = 'Jane Doe'"), 1);
	free(dir);
}

static void address_held_by_a_list_is_an_error_for_that_user(void **state)
{
	struct fx *f = *state;
	struct ccm_dirsync_stats st;
	struct ccm_recipient r = { 0 };
	struct ccm_error err;
	long long id;
	char *dir = salespo();

	r.kind = CCM_RECIP_DL;
	r.alias = "odd";
	r.display_name = "Odd list";
	assert_int_equal(ccm_store_recipient_create(f->s, &r, &id, &err), 0);
	assert_int_equal(ccm_store_address_add(f->s, id, "CCMAIL", "Doe, Jane at SALESPO", 1, &err), 0);
	sync(f, dir, NULL, &st);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.created, 5);
	assert_int_equal(ccm_diaglist_count(&f->diags, "address-conflict"), 1);
	/* and the list member naming her is reported, not dropped */
	assert_int_equal(st.unresolved, 1);
	free(dir);
}

static void aliases_are_made_unique_and_aliases_of_the_directory_followed(void **state)
{
	struct fx *f = *state;
	struct ccm_dirsync_stats st;
	struct ccm_error err;
	long long ids[8];
	size_t n;
	char *dir = tu_path(f->dir, "tiny");
	const char *po = "Post office: TINY\r\nDirectory: directory.exp\r\nLists: lists.exp\r\n";
	const char *d =
		"Name: Smith, John\r\nLocation: L\r\n\r\n"
		"Name: Smyth, John\r\nLocation: L\r\n\r\n"
		"Name: SMITH, JOHN\r\nLocation: l\r\nAddr: HUB\r\n\r\n"
		"Name: Lost, User\r\nLocation: r\r\n\r\n"
		"Name: Help Desk\r\nLocation: A\r\nAddr: Smyth, John\r\n\r\n";
	const char *l = "List: Helpers\r\nMember: Help Desk\r\nMember: Team\r\n\r\n"
			"List: Team\r\nMember: Smith, John\r\n\r\n"
			"List: Empty\r\n\r\nList: Ghosts\r\nMember: Ghost, Gary\r\n";
	long long smith, smyth, helpers, team;

	free(tu_writes(f->dir, "tiny/po.txt", po));
	free(tu_writes(f->dir, "tiny/directory.exp", d));
	free(tu_writes(f->dir, "tiny/lists.exp", l));
	sync(f, dir, NULL, &st);
	/* the duplicate (C8) is skipped; the user with no post office reported */
	assert_int_equal(st.users, 3);
	assert_int_equal(st.created, 2);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(ccm_diaglist_count(&f->diags, "missing-post-office"), 1);
	smith = by_ccmail(f->s, "Smith, John at TINY", CCM_RECIP_CUSTOM);
	smyth = by_ccmail(f->s, "Smyth, John at TINY", CCM_RECIP_CUSTOM);
	assert_int_equal(q(f->s, "SELECT count(*) FROM recipients WHERE alias IN ('johns', 'johns2')"), 2);
	/* a list names an alias of the directory, and a list defined after it */
	helpers = by_ccmail(f->s, "Helpers at TINY", CCM_RECIP_DL);
	team = by_ccmail(f->s, "Team at TINY", CCM_RECIP_DL);
	members_of(f->s, helpers, ids, &n);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], smyth);
	assert_int_equal(ids[1], team);
	members_of(f->s, team, ids, &n);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], smith);
	/* lists with no members, or none that resolve, are still lists */
	members_of(f->s, by_ccmail(f->s, "Empty at TINY", CCM_RECIP_DL), ids, &n);
	assert_int_equal(n, 0);
	members_of(f->s, by_ccmail(f->s, "Ghosts at TINY", CCM_RECIP_DL), ids, &n);
	assert_int_equal(n, 0);
	assert_int_equal(st.unresolved, 1);
	(void)err;
	free(dir);
}

/* ---- a generated post office -------------------------------------------- */

static void generated_post_office_synchronises_completely_and_stably(void **state)
{
	struct fx *f = *state;
	struct ccm_gen_opts o;
	struct ccm_gen *g;
	struct ccm_error err;
	struct ccm_dirsync_stats st;
	struct ccm_buf d1 = CCM_BUF_INIT, d2 = CCM_BUF_INIT, addr = CCM_BUF_INIT;
	char *dir = tu_path(f->dir, "gen");
	unsigned long users = 0;

	ccm_gen_opts_init(&o);
	o.users = 40;
	o.messages = 1;
	o.seed = 7;
	assert_int_equal(ccm_gen_new(&g, &o, &err), 0);
	assert_int_equal(ccm_gen_write(g, dir, 0, NULL, &err), 0);
	sync(f, dir, NULL, &st);
	assert_int_equal(f->rep.counts[CCM_ERROR] + f->rep.counts[CCM_WARNING], 0);

	for (size_t i = 0; i < g->n_dir; i++) {
		const struct ccm_gen_dirent *e = &g->dir[i];
		const char *po;
		char want[512];
		struct ccm_recipient r;
		long long id;

		if (e->duplicate || !strchr("LlRr", e->location))
			continue;
		users++;
		po = (e->location == 'L' || e->location == 'R') ? g->post_office : e->addr;
		assert_non_null(po);
		ccm_buf_reset(&addr);
		ccm_buf_addf(&addr, "%s at %s", e->name, po);
		id = by_ccmail(f->s, addr.ptr, CCM_RECIP_CUSTOM);
		assert_int_equal(ccm_store_recipient_get(&r, f->s, id, &err), 1);
		snprintf(want, sizeof(want), "CCMAIL:%s", addr.ptr);
		assert_string_equal(r.target, want);
		assert_int_equal(r.ccmail_location, e->location);
		ccm_recipient_release(&r);
	}
	assert_int_equal(st.users, users);
	assert_int_equal(st.created, users);

	for (size_t i = 0; i < g->n_lists; i++) {
		const struct ccm_gen_list *l = &g->lists[i];
		long long want[64], got[64], dl;
		size_t nw = 0, ng;

		ccm_buf_reset(&addr);
		ccm_buf_addf(&addr, "%s at %s", l->name, g->post_office);
		dl = by_ccmail(f->s, addr.ptr, CCM_RECIP_DL);
		for (size_t k = 0; k < l->n_members; k++) {
			const char *m = l->members[k];
			long long id = 0;
			int kind;
			const char *at = strstr(m, " at ");

			if (at && !strcmp(at, " at INTERNET")) {
				ccm_buf_reset(&addr);
				ccm_buf_add(&addr, m, (size_t)(at - m));
				assert_int_equal(ccm_store_find_address(f->s, "SMTP", addr.ptr,
									&id, &kind, &err), 1);
			} else if (at) {
				id = by_ccmail(f->s, m, CCM_RECIP_CUSTOM);
			} else {
				ccm_buf_reset(&addr);
				ccm_buf_addf(&addr, "%s at %s", m, g->post_office);
				id = by_ccmail(f->s, addr.ptr, CCM_RECIP_CUSTOM);
			}
			for (size_t j = 0; j <= nw; j++)
				if (j == nw) {
					want[nw++] = id;
					break;
				} else if (want[j] == id) {
					break;
				}
		}
		members_of(f->s, dl, got, &ng);
		assert_int_equal(ng, nw);
		for (size_t k = 0; k < nw; k++) {
			int hit = 0;
			for (size_t j = 0; j < ng; j++)
				hit |= got[j] == want[k];
			assert_true(hit);
		}
	}
	assert_int_equal(st.dl_created, g->n_lists);

	dump(f->s, &d1);
	sync(f, dir, NULL, &st);
	assert_int_equal(st.created + st.updated + st.contacts + st.dl_created +
			 st.dl_updated + st.members_added + st.members_removed, 0);
	dump(f->s, &d2);
	assert_string_equal(d1.ptr, d2.ptr);

	ccm_buf_release(&d1);
	ccm_buf_release(&d2);
	ccm_buf_release(&addr);
	ccm_gen_free(g);
	free(dir);
}

/* ---- the run ------------------------------------------------------------ */

static void run_is_recorded_with_its_events_and_counts(void **state)
{
	struct fx *f = *state;
	struct ccm_dirsync_stats st;
	struct ccm_error err;
	char *dir = salespo();
	char sql[160];
	int rc;

	reset_report(f);
	rc = ccm_dirsync_run(f->s, dir, NULL, &st, &f->rep, &err);
	/* the fixture's manifest names a mailbox not in the directory */
	assert_int_equal(rc, 1);
	assert_true(st.run_id > 0);
	assert_int_equal(ccm_diaglist_count(&f->diags, "mailbox-not-in-directory"), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM events WHERE run_id = %lld AND "
		 "kind = 'mailbox-not-in-directory' AND severity = 'error'", st.run_id);
	assert_int_equal(q(f->s, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT status FROM runs WHERE id = %lld AND command = "
		 "'dirsync' AND finished_utc IS NOT NULL", st.run_id);
	assert_int_equal(q(f->s, sql), 1);
	snprintf(sql, sizeof(sql), "SELECT value FROM run_counts WHERE run_id = %lld AND "
		 "name = 'custom_created'", st.run_id);
	assert_int_equal(q(f->s, sql), 6);
	snprintf(sql, sizeof(sql), "SELECT created_run FROM recipients LIMIT 1");
	assert_int_equal(q(f->s, sql), st.run_id);

	/* a folder that is no bundle: failed, recorded, nothing kept */
	reset_report(f);
	rc = ccm_dirsync_run(f->s, f->dir, NULL, &st, &f->rep, &err);
	assert_true(rc < 0);
	assert_non_null(strstr(err.msg, "po.txt"));
	snprintf(sql, sizeof(sql), "SELECT status FROM runs WHERE id = %lld", st.run_id);
	assert_int_equal(q(f->s, sql), 2);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM events WHERE run_id = %lld AND "
		 "kind = 'failed'", st.run_id);
	assert_int_equal(q(f->s, sql), 1);
	assert_int_equal(q(f->s, "SELECT count(*) FROM runs"), 2);
	free(dir);
}

/* ---- rules -------------------------------------------------------------- */

static void name_rules_make_display_names_and_aliases(void **state)
{
	struct ccm_buf b = CCM_BUF_INIT;
	struct ccm_error err;

	(void)state;
	ccm_dirsync_display(&b, NULL, "Smith, John");
	assert_string_equal(b.ptr, "John Smith");
	ccm_dirsync_display(&b, "%L, %F", "Smith, John");
	assert_string_equal(b.ptr, "Smith, John");
	ccm_dirsync_display(&b, "%L, %F - CCMail", "Doe, John");
	assert_string_equal(b.ptr, "Doe, John - CCMail");
	ccm_dirsync_display(&b, "%F %I %L", "Smith, John Q.");
	assert_string_equal(b.ptr, "John Q. Q Smith");
	ccm_dirsync_display(&b, "%L, %F", "Admin");
	assert_string_equal(b.ptr, "Admin");
	ccm_dirsync_display(&b, "%2F%% %L", "Smith, Nick");
	assert_string_equal(b.ptr, "Ni% Smith");
	ccm_dirsync_alias(&b, NULL, "Smith, John", "jsmith;1;2");
	assert_string_equal(b.ptr, "jsmith");
	ccm_dirsync_alias(&b, NULL, "Smith, John", NULL);
	assert_string_equal(b.ptr, "johns");
	ccm_dirsync_alias(&b, "%1F%L", "Müller, Jürgen", NULL);
	assert_string_equal(b.ptr, "jmuller");
	ccm_dirsync_alias(&b, "%L", "O'Brien-Smythe Van Der Berg, X", NULL);
	assert_int_equal(b.len, 20);
	ccm_dirsync_alias(&b, "%I", "Smith, John", NULL);
	assert_string_equal(b.ptr, "user");
	assert_int_equal(ccm_dirsync_rule_check("%F.%L", &err), 0);
	assert_int_equal(ccm_dirsync_rule_check("%12F", &err), 0);
	assert_int_equal(ccm_dirsync_rule_check("%X %L", &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "'%X'"));
	assert_int_equal(ccm_dirsync_rule_check("%L %", &err), CCM_EINVAL);
	ccm_buf_release(&b);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(every_user_of_salespo_gets_a_custom_recipient),
		T(public_list_becomes_a_distribution_list_of_its_members),
		T(second_run_changes_nothing),
		T(changed_display_rule_updates_display_names_not_aliases),
		T(changed_directory_and_lists_are_followed),
		T(unresolved_members_are_reported_and_external_ones_kept),
		T(converted_mailbox_is_left_alone_and_stays_a_member),
		T(mailbox_created_from_directory_file_is_found_by_migrate_proxy),
		T(address_held_by_a_list_is_an_error_for_that_user),
		T(aliases_are_made_unique_and_aliases_of_the_directory_followed),
		T(generated_post_office_synchronises_completely_and_stably),
		T(run_is_recorded_with_its_events_and_counts),
		cmocka_unit_test(name_rules_make_display_names_and_aliases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
