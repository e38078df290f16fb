/* test_import.c: migration files into the store, as the wizard did, right. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ccmail/bundle.h"
#include "iff/extract.h"
#include "flow/dirsync.h"
#include "flow/import.h"
#include "store/pab.h"
#include "store/recipients.h"
#include "store/stats.h"

#include <sqlite3.h>

#define SALESPO CCMIG_TEST_DATA "/salespo"

struct fx {
	char *dir, *set, *db, *pkl;
	struct ccm_store *s;
	struct ccm_diaglist diags;
	struct ccm_report rep;
};

static const char *const local_users[] = {
	"Smith, John", "Doe, Jane", "Grewal, Jeff", "Müller, Jürgen"
};

static struct fx *setup_fx(const struct ccm_extract_opts *xo)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct ccm_extract_stats xs;
	struct ccm_bundle *b;
	struct ccm_error err;

	assert_non_null(x);
	x->dir = tu_mkdtemp();
	x->set = tu_path(x->dir, "set");
	x->db = tu_path(x->dir, "store.db");
	x->pkl = tu_path(x->set, "SALESPO.pkl");
	x->rep.sink = ccm_diaglist_sink;
	x->rep.ctx = &x->diags;
	assert_int_equal(ccm_bundle_open(&b, SALESPO, &x->rep, &err), 0);
	assert_int_equal(ccm_extract(b, x->set, xo, &xs, &err), 0);
	ccm_bundle_free(b);
	assert_int_equal(ccm_store_open(&x->s, x->db, CCM_STORE_CREATE, &err), 0);
	ccm_diaglist_release(&x->diags);
	return x;
}

static void teardown_fx(struct fx *x)
{
	ccm_store_close(x->s);
	ccm_diaglist_release(&x->diags);
	tu_rmtree(x->dir);
	free(x->dir);
	free(x->set);
	free(x->db);
	free(x->pkl);
	free(x);
}

static const struct ccm_import_policy *policy;   /* for the next import() */

static void import(struct fx *x, const char *pkl, int create, struct ccm_import_stats *st)
{
	struct ccm_import_opts o = { create, "America/New_York", policy, 0, NULL, NULL, NULL, NULL };
	struct ccm_error err;

	if (ccm_import(x->s, pkl, &o, &x->rep, st, &err) != 0)
		fail_msg("import: %s", err.msg);
}

static long long find(struct fx *x, const char *type, const char *addr, int *kind)
{
	struct ccm_error err;
	long long id = 0;

	if (ccm_store_find_address(x->s, type, addr, &id, kind, &err) != 1)
		return 0;
	return id;
}

static size_t events(const struct fx *x, int event)
{
	size_t n = 0;

	for (size_t i = 0; i < x->diags.len; i++)
		n += x->diags.items[i].event == event;
	return n;
}

/* Q194218: dirsync made custom recipients; the mail is skipped; every
 * local user still becomes a mailbox, the same object as before. */
static void custom_recipients_become_mailboxes_without_mail(void **state)
{
	struct ccm_extract_opts xo = { .no_mail = 1 };
	struct fx *x = setup_fx(&xo);
	struct ccm_dirsync_stats ds;
	struct ccm_import_stats st;
	struct ccm_error err;
	long long before[4];
	char addr[128];

	(void)state;
	/* 1: done, with the fixture's unresolvable list member reported. */
	assert_true(ccm_dirsync_run(x->s, SALESPO, NULL, &ds, &x->rep, &err) >= 0);
	for (int i = 0; i < 4; i++) {
		int kind = 0;
		snprintf(addr, sizeof(addr), "%s at SALESPO", local_users[i]);
		before[i] = find(x, "CCMAIL", addr, &kind);
		assert_true(before[i] > 0);
		assert_int_equal(kind, CCM_RECIP_CUSTOM);
	}
	import(x, x->pkl, 0, &st);
	assert_int_equal(st.converted, 4);
	assert_int_equal(st.mailboxes_created, 0);
	for (int i = 0; i < 4; i++) {
		int kind = 0;
		snprintf(addr, sizeof(addr), "%s at SALESPO", local_users[i]);
		assert_int_equal(find(x, "CCMAIL", addr, &kind), before[i]);
		assert_int_equal(kind, CCM_RECIP_MAILBOX);
		snprintf(addr, sizeof(addr), "CCMAIL:%s at SALESPO", local_users[i]);
		assert_int_equal(find(x, "MIGRATE", addr, &kind), before[i]);
	}
	/* List memberships survive the conversion. */
	{
		struct ccm_store_cursor *c;
		struct ccm_recipient r;
		int lists = 0;
		assert_int_equal(ccm_store_lists_of(&c, x->s, before[0], &err), 0);
		while (ccm_store_next_recipient(c, &r, &err) == 1)
			lists += r.kind == CCM_RECIP_DL;
		ccm_store_cursor_free(c);
		assert_int_equal(lists, 1);
	}
	/* Users of other post offices stay custom recipients. */
	{
		int kind = 0;
		assert_true(find(x, "CCMAIL", "Admin at HUBPO2", &kind) > 0);
		assert_int_equal(kind, CCM_RECIP_CUSTOM);
	}
	assert_int_equal(events(x, 238), 0);
	assert_int_equal(events(x, 8149), 0);
	assert_int_equal(events(x, 8074), 0);
	teardown_fx(x);
}

static void messages_and_attachments_arrive_once(void **state)
{
	struct ccm_extract_opts xo = { 0 };
	struct fx *x = setup_fx(&xo);
	struct ccm_import_stats st, again;
	struct ccm_store_stats ss, ss2;
	struct ccm_error err;

	(void)state;
	import(x, x->pkl, 1, &st);
	assert_int_equal(st.messages, 6);         /* Smith 3, Grewal 2, board 1 */
	assert_int_equal(st.attachments, 2);
	assert_int_equal(st.attachment_bytes, 4 + 256);
	assert_int_equal(st.mailboxes_created, 4);
	assert_int_equal(ccm_store_stats(&ss, x->s, &err), 0);
	/* The same set again adds nothing. */
	import(x, x->pkl, 1, &again);
	assert_int_equal(again.messages, 0);
	assert_int_equal(again.mailboxes_created, 0);
	/* Every row but the 4 DIRECTORY rows, which find their mailboxes by
	 * address whether they are new or not. */
	assert_int_equal(again.rows_already, st.rows - st.rows_skipped - 4);
	assert_int_equal(ccm_store_stats(&ss2, x->s, &err), 0);
	assert_int_equal(ss2.messages + ss2.public_messages, ss.messages + ss.public_messages);
	assert_int_equal(ss2.attachments, ss.attachments);
	assert_int_equal(ss2.recipients, ss.recipients);
	teardown_fx(x);
}

/* Q151826: a mailbox made beforehand, found by its MIGRATE: proxy,
 * receives the mail; no second mailbox is made. */
static void existing_mailbox_found_by_migrate_proxy_receives_the_mail(void **state)
{
	struct ccm_extract_opts xo = { 0 };
	struct fx *x = setup_fx(&xo);
	struct ccm_recipient r = { 0 };
	struct ccm_import_stats st;
	struct ccm_store_stats ss;
	struct ccm_error err;
	long long pre;
	int kind;

	(void)state;
	r.kind = CCM_RECIP_MAILBOX;
	r.alias = "john.smith";
	r.display_name = "John Smith (new system)";
	assert_int_equal(ccm_store_recipient_create(x->s, &r, &pre, &err), 0);
	assert_int_equal(ccm_store_address_add(x->s, pre, "MIGRATE",
					       "CCMAIL:Smith, John at SALESPO", 0, &err), 0);
	import(x, x->pkl, 1, &st);
	assert_int_equal(find(x, "MIGRATE", "CCMAIL:Smith, John at SALESPO", &kind), pre);
	assert_int_equal(kind, CCM_RECIP_MAILBOX);
	assert_int_equal(st.mailboxes_created, 3);     /* the other three */
	assert_int_equal(ccm_store_stats(&ss, x->s, &err), 0);
	assert_int_equal(ss.by_kind[CCM_RECIP_MAILBOX], 4);
	teardown_fx(x);
}

/* The custom_recipient hook: a custom recipient that holds no address of
 * the user, chosen by the policy, becomes the mailbox. */
static int choose_by_alias(void *ctx, const char *address, const char *name,
			   const struct ccm_recipient *c, size_t n, long long *chosen,
			   const char **alias, struct ccm_error *err)
{
	(void)ctx;
	(void)address;
	(void)alias;
	for (size_t i = 0; i < n; i++)
		if (c[i].alias && !strcmp(c[i].alias, "jsmith-old")) {
			*chosen = c[i].id;
			return 1;
		}
	return strcmp(name, "Smith, John") ? 0 : ccm_error_set(err, CCM_EINVAL,
		"policy.lua:3: no candidate for %s", name);
}

static void policy_chooses_the_custom_recipient(void **state)
{
	struct ccm_extract_opts xo = { 0 };
	struct fx *x = setup_fx(&xo);
	struct ccm_import_policy pol = { NULL, choose_by_alias };
	struct ccm_recipient r = { 0 };
	struct ccm_import_stats st;
	struct ccm_error err;
	long long old;
	int kind;

	(void)state;
	/* A custom recipient an earlier tool made: another address, the name. */
	r.kind = CCM_RECIP_CUSTOM;
	r.alias = "jsmith-old";
	r.display_name = "Smith, John";
	r.target = "SMTP:jsmith@old.example.com";
	assert_int_equal(ccm_store_recipient_create(x->s, &r, &old, &err), 0);
	assert_int_equal(ccm_store_address_add(x->s, old, "SMTP", "jsmith@old.example.com",
					       1, &err), 0);
	policy = &pol;
	import(x, x->pkl, 1, &st);
	policy = NULL;
	assert_int_equal(find(x, "MIGRATE", "CCMAIL:Smith, John at SALESPO", &kind), old);
	assert_int_equal(kind, CCM_RECIP_MAILBOX);
	assert_int_equal(find(x, "SMTP", "jsmith@old.example.com", &kind), old);
	assert_int_equal(st.converted, 1);
	assert_int_equal(st.mailboxes_created, 3);
	teardown_fx(x);
}

/* Spec 4.3: the PAB section becomes the user's personal address book,
 * a `Last, First` member staying one member, with a notice in the Inbox. */
static void address_book_arrives_with_its_lists(void **state)
{
	struct ccm_extract_opts xo = { 0 };
	struct fx *x = setup_fx(&xo);
	struct ccm_import_stats st;
	struct ccm_store_cursor *c, *m;
	struct ccm_pab_item it;
	struct ccm_error err;
	const char *member;
	int kind, items = 0, members = 0;
	long long smith;

	(void)state;
	import(x, x->pkl, 1, &st);
	assert_int_equal(st.rows_skipped, 0);
	smith = find(x, "CCMAIL", "Smith, John at SALESPO", &kind);
	assert_int_equal(ccm_store_pab_items(&c, x->s, smith, &err), 0);
	while (ccm_store_next_pab_item(c, &it, &err) == 1) {
		items++;
		if (!strcmp(it.kind, "entry")) {
			assert_string_equal(it.display_name, "Dad");
			assert_string_equal(it.email, "CCMAIL:Parkes, Joe at FARPO");
			assert_string_equal(it.note, "home");
			continue;
		}
		assert_string_equal(it.display_name, "My Friends");
		assert_int_equal(ccm_store_pab_members(&m, x->s, it.id, &err), 0);
		while (ccm_store_next_pab_member(m, &member, &err) == 1)
			assert_string_equal(member, ++members == 1 ? "Dad" : "Grande, Jon at SALESPO");
		ccm_store_cursor_free(m);
	}
	ccm_store_cursor_free(c);
	assert_int_equal(items, 2);
	assert_int_equal(members, 2);
	/* Imported again: no second copy of anything. */
	import(x, x->pkl, 1, &st);
	items = 0;
	assert_int_equal(ccm_store_pab_items(&c, x->s, smith, &err), 0);
	while (ccm_store_next_pab_item(c, &it, &err) == 1)
		items++;
	ccm_store_cursor_free(c);
	assert_int_equal(items, 2);
	teardown_fx(x);
}

/* Spec 12.8: a section whose mailbox is missing goes to the recovery
 * file; once the mailbox exists, importing the recovery file brings the
 * mail in. */
static void recovery_file_can_be_fixed_and_imported(void **state)
{
	struct ccm_extract_opts xo = { 0 };
	struct fx *x = setup_fx(&xo);
	struct ccm_import_stats st, rst;
	struct ccm_dirsync_stats ds;
	struct ccm_error err;
	char *one, *rec;

	(void)state;
	/* A set of Smith's files alone: no DIRECTORY section to make him. */
	one = tu_writes(x->set, "ONE.pkl", "1252\r\n\r\nFilename,Filetype\r\n"
			"00000001.pri,Primary\r\n00000001.sec,Secondary\r\n");
	import(x, one, 0, &st);
	assert_int_equal(st.messages, 0);
	/* Both of Smith's sections, his address book and his mail, look for
	 * the mailbox and miss it. */
	assert_int_equal(events(x, 8074), 2);
	assert_true(events(x, 8124) >= 1);
	assert_string_equal(st.recovery, "RECOVER-0001.pkl");
	rec = tu_path(x->set, st.recovery);
	/* The fix: directory synchronisation makes his custom recipient. */
	assert_true(ccm_dirsync_run(x->s, SALESPO, NULL, &ds, &x->rep, &err) >= 0);
	import(x, rec, 0, &rst);
	assert_int_equal(rst.messages, 3);
	assert_int_equal(rst.converted, 1);
	free(one);
	free(rec);
	teardown_fx(x);
}

/* An item of export text, its line ("Text item:") then its count (spec 2.2). */
static void exp_item(struct ccm_buf *b, const char *line, const char *data)
{
	ccm_buf_addf(b, "%s\r\n%zu\r\n%s\r\n", line, strlen(data), data);
}

/* A message block around `headers` and `items` (already counted). */
static void exp_message(struct ccm_buf *b, const char *headers, const char *items)
{
	struct ccm_buf block = CCM_BUF_INIT;

	ccm_buf_addf(&block, "%sContents:\r\n%zu\r\n%s", headers, strlen(items), items);
	ccm_buf_addf(b, "Message:\r\n%zu\r\n%s", block.len, block.ptr);
	ccm_buf_release(&block);
}

/*
 * A body longer than the store keeps is never cut: its row is reported
 * (the message's place in the post office named) and kept in the
 * recovery file, which imports whole once the store can keep it; a
 * forwarded message with such a body stays the export text it came in.
 */
static void body_past_what_the_store_keeps_is_reported_never_cut(void **state)
{
	struct ccm_buf fwd = CCM_BUF_INIT, items = CCM_BUF_INIT, mail = CCM_BUF_INIT;
	struct ccm_buf inner = CCM_BUF_INIT;
	char *dir = tu_mkdtemp(), *po = tu_path(dir, "po"), *set = tu_path(dir, "set");
	char *db = tu_path(dir, "s.db"), *pkl = tu_path(set, "BIGPO.pkl"), *rec;
	char long_text[301];
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { 0 };
	struct ccm_import_opts o = { 1, "UTC", NULL, 0, NULL, NULL, NULL, NULL };
	struct ccm_extract_opts xo = { 0 };
	struct ccm_extract_stats xs;
	struct ccm_import_stats st, rst;
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;
	sqlite3_stmt *q;

	(void)state;
	rep.sink = ccm_diaglist_sink;
	rep.ctx = &diags;
	memset(long_text, 'x', 300);
	long_text[300] = '\0';
	free(tu_writes(dir, "po/po.txt", "Post office: BIGPO\r\nDatabase: DB8\r\nCode page: 850\r\n"
		  "Date order: MDY\r\nTime zone: UTC\r\nAttachments: RAW\r\n"
		  "Item sizes: yes\r\nDirectory: directory.exp\r\n"
		  "Mailbox: Smith, John = mail/smith.exp\r\n"));
	free(tu_writes(po, "directory.exp", "Name: Smith, John\r\nLocation: L\r\n"));
	/* 1: a short body forwarding a message whose body is 300 bytes. */
	exp_item(&inner, "Text item:", long_text);
	exp_message(&fwd, "From: Doe, Jane\r\nSubject: inner\r\n", inner.ptr);
	exp_item(&items, "Text item:", "Hi");
	exp_item(&items, "Message item: Fwd", fwd.ptr);
	exp_message(&mail, "From: Smith, John\r\nDate: 3/4/99 10:15\r\nSubject: outer\r\n",
		    items.ptr);
	/* 2: a body of 300 bytes. */
	ccm_buf_reset(&items);
	exp_item(&items, "Text item:", long_text);
	exp_message(&mail, "From: Smith, John\r\nDate: 3/5/99 10:15\r\nSubject: long\r\n",
		    items.ptr);
	free(tu_writes(po, "mail/smith.exp", mail.ptr));
	assert_int_equal(ccm_bundle_open(&b, po, &rep, &err), 0);
	assert_int_equal(ccm_extract(b, set, &xo, &xs, &err), 0);
	ccm_bundle_free(b);
	assert_int_equal(ccm_store_open(&s, db, CCM_STORE_CREATE, &err), 0);
	ccm_diaglist_release(&diags);

	ccm_store_set_body_max(s, 100);
	assert_int_equal(ccm_store_body_max(s), 100);
	if (ccm_import(s, pkl, &o, &rep, &st, &err) != 0)
		fail_msg("import: %s", err.msg);
	assert_int_equal(st.messages, 1);
	assert_int_equal(st.forwarded, 0);
	assert_int_equal(st.attachments, 1);
	assert_int_equal(st.rows_skipped, 1);
	assert_int_equal(ccm_diaglist_count(&diags, "body-too-long"), 2);
	for (size_t i = 0; i < diags.len; i++) {
		const struct ccm_diag *d = &diags.items[i];

		if (strcmp(d->kind, "body-too-long"))
			continue;
		assert_int_equal(d->severity, CCM_ERROR);
		assert_true(d->line > 0);
		assert_non_null(d->user);
		assert_non_null(strstr(d->text, "of 'Smith, John'"));
	}
	/* The forward is kept whole as its attachment, the outer message
	 * with its own body. */
	assert_int_equal(sqlite3_prepare_v2(ccm_store_db(s), "SELECT m.body, b.size "
		"FROM messages m JOIN attachments a ON a.message_id = m.id "
		"JOIN blobs b ON b.id = a.blob_id", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "Hi");
	assert_int_equal(sqlite3_column_int64(q, 1), (long long)fwd.len);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);

	/* The recovery file, once the store keeps the body, brings it whole. */
	ccm_store_set_body_max(s, 0);
	assert_true(ccm_store_body_max(s) > 900000000u);
	rec = tu_path(set, st.recovery);
	if (ccm_import(s, rec, &o, &rep, &rst, &err) != 0)
		fail_msg("import: %s", err.msg);
	assert_int_equal(rst.messages, 1);
	assert_int_equal(sqlite3_prepare_v2(ccm_store_db(s), "SELECT body_bytes, "
		"length(body) FROM messages WHERE subject = 'long'", -1, &q, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(q, 0), 300);
	assert_int_equal(sqlite3_column_int64(q, 1), 300);
	sqlite3_finalize(q);

	ccm_store_close(s);
	ccm_diaglist_release(&diags);
	ccm_buf_release(&fwd);
	ccm_buf_release(&inner);
	ccm_buf_release(&items);
	ccm_buf_release(&mail);
	tu_rmtree(dir);
	free(rec);
	free(dir);
	free(po);
	free(set);
	free(db);
	free(pkl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(custom_recipients_become_mailboxes_without_mail),
		cmocka_unit_test(messages_and_attachments_arrive_once),
		cmocka_unit_test(existing_mailbox_found_by_migrate_proxy_receives_the_mail),
		cmocka_unit_test(policy_chooses_the_custom_recipient),
		cmocka_unit_test(address_book_arrives_with_its_lists),
		cmocka_unit_test(recovery_file_can_be_fixed_and_imported),
		cmocka_unit_test(body_past_what_the_store_keeps_is_reported_never_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
