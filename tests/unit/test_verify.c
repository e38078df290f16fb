/* test_verify.c: ccmig verify finds every difference, and none when there
 * is none. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccmail/bundle.h"
#include "flow/dirsync.h"
#include "flow/migrate.h"
#include "flow/verify.h"
#include "gen/gen.h"

#define SALESPO CCMIG_TEST_DATA "/salespo"

struct fx {
	char *dir, *db;
	struct ccm_diaglist diags;
	struct ccm_report rep;
};

static struct fx *fx_new(void)
{
	struct fx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->dir = tu_mkdtemp();
	x->db = tu_path(x->dir, "s.db");
	x->rep.sink = ccm_diaglist_sink;
	x->rep.ctx = &x->diags;
	return x;
}

static void fx_free(struct fx *x)
{
	ccm_diaglist_release(&x->diags);
	tu_rmtree(x->dir);
	free(x->dir);
	free(x->db);
	free(x);
}

static void migrate_with(struct fx *x, const char *po, int keep_r8,
			 const struct ccm_policy *policy)
{
	struct ccm_migrate_opts o;
	struct ccm_migrate_stats st;
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;

	memset(&o, 0, sizeof(o));
	o.extract.keep_r8 = keep_r8;
	o.extract.policy = policy;
	assert_int_equal(ccm_bundle_open(&b, po, &x->rep, &err), 0);
	assert_int_equal(ccm_store_open(&s, x->db, CCM_STORE_CREATE, &err), 0);
	if (ccm_migrate(b, s, &o, &st, &err) != 0)
		fail_msg("migrate: %s", err.msg);
	ccm_store_close(s);
	ccm_bundle_free(b);
}

static void migrate(struct fx *x, const char *po, int keep_r8)
{
	migrate_with(x, po, keep_r8, NULL);
}

static void verify_listing(struct fx *x, const char *po, int list,
			   struct ccm_verify_stats *st)
{
	struct ccm_verify_opts o = { .list = list };
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;

	ccm_diaglist_release(&x->diags);
	assert_int_equal(ccm_bundle_open(&b, po, &x->rep, &err), 0);
	assert_int_equal(ccm_store_open(&s, x->db, CCM_STORE_READONLY, &err), 0);
	assert_int_equal(ccm_verify(b, s, &o, st, &err), 0);
	ccm_store_close(s);
	ccm_bundle_free(b);
}

/* The counts alone: the reasons are released at once. */
static void verify(struct fx *x, const char *po, struct ccm_verify_stats *st)
{
	verify_listing(x, po, 0, st);
	ccm_verify_stats_release(st);
}

/* Runs SQL on the store behind ccmig's back; the rows it changed. */
static int tamper(struct fx *x, const char *sql)
{
	sqlite3 *h;
	int n;

	assert_int_equal(sqlite3_open(x->db, &h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(h));
	n = sqlite3_changes(h);
	sqlite3_close(h);
	return n;
}

static void migrated_post_office_verifies_whole(void **state)
{
	struct fx *x = fx_new();
	struct ccm_verify_stats st;

	(void)state;
	migrate(x, SALESPO, 0);
	verify(x, SALESPO, &st);
	assert_int_equal(st.users, 4);
	assert_int_equal(st.boards, 1);
	assert_int_equal(st.source_messages, 6);
	assert_int_equal(st.store_messages, 6);
	assert_int_equal(st.missing + st.extra + st.no_mailbox, 0);
	fx_free(x);
}

static void one_changed_attachment_byte_is_a_difference(void **state)
{
	struct fx *x = fx_new();
	struct ccm_verify_stats st;
	sqlite3 *h;

	(void)state;
	migrate(x, SALESPO, 0);
	assert_int_equal(sqlite3_open(x->db, &h), SQLITE_OK);
	/* The 256-byte attachment: flip its first byte behind ccmig's back. */
	assert_int_equal(sqlite3_exec(h, "UPDATE blob_parts SET data = "
				      "x'ff' || substr(data, 2) WHERE blob_id = (SELECT id "
				      "FROM blobs WHERE size = 256)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(h), 1);
	sqlite3_close(h);
	verify(x, SALESPO, &st);
	/* Found by its identity, and not as it was. */
	assert_int_equal(st.mismatched, 1);
	assert_int_equal(st.missing + st.extra, 0);
	assert_int_equal(ccm_diaglist_count(&x->diags, "verify-mismatch"), 1);
	fx_free(x);
}

/* A policy's message hook that drops every message's first attachment. */
static int drop_first(void *ctx, const struct ccm_message *m, const char *user,
		      const char *folder, const struct ccm_policy_msginfo *info,
		      struct ccm_policy_message *out, struct ccm_error *err)
{
	static const struct ccm_policy_drop first = { .path = { 1 }, .n_path = 1, .by = "big.lua" };

	(void)ctx;
	(void)m;
	(void)user;
	(void)folder;
	(void)err;
	if (info->n_atts) {
		out->drops = &first;
		out->n_drops = 1;
	}
	return 1;
}

/* A message a policy took attachments from is the source message all the
 * same, and the attachments are counted as decisions; without the
 * store's word for it (its header), the same message is a difference. */
static void attachments_a_policy_dropped_are_decisions(void **state)
{
	struct fx *x = fx_new();
	struct ccm_policy pol = { NULL, NULL, drop_first, NULL };
	struct ccm_verify_stats st;

	(void)state;
	migrate_with(x, SALESPO, 0, &pol);
	verify_listing(x, SALESPO, 1, &st);
	assert_int_equal(st.source_messages, 6);
	assert_int_equal(st.matched, 6);
	assert_int_equal(st.mismatched + st.missing + st.extra, 0);
	assert_int_equal(st.attachments_left_out, 2);
	assert_int_equal(st.n_att_reasons, 1);
	assert_string_equal(st.att_reasons[0].reason, "policy:big.lua:message");
	assert_int_equal(st.att_reasons[0].messages, 2);
	assert_int_equal(ccm_diaglist_count(&x->diags, "verify-decided"), 2);
	ccm_verify_stats_release(&st);
	assert_int_equal(tamper(x, "DELETE FROM message_headers WHERE name = "
			       "'X-ccmig-Attachments-Removed'"), 2);
	verify(x, SALESPO, &st);
	assert_int_equal(st.mismatched, 2);
	assert_int_equal(st.attachments_left_out, 0);
	fx_free(x);
}

/* A store made before identities were kept (no source records) is matched
 * message by message on what both sides have. */
static void store_without_identities_is_matched_by_content(void **state)
{
	struct fx *x = fx_new();
	struct ccm_verify_stats st;

	(void)state;
	migrate(x, SALESPO, 0);
	assert_int_equal(tamper(x, "DELETE FROM source_messages"), 6);
	verify(x, SALESPO, &st);
	assert_int_equal(st.matched, 6);
	assert_int_equal(st.missing + st.extra + st.mismatched, 0);
	fx_free(x);
}

/* A message the store lost without a word is an error, and so is a
 * message of no source, named by its mailbox and folder. */
static void unaccounted_and_extra_messages_are_errors(void **state)
{
	struct fx *x = fx_new();
	struct ccm_verify_stats st;

	(void)state;
	migrate(x, SALESPO, 0);
	assert_int_equal(tamper(x, "DELETE FROM messages WHERE subject = 'Re: Gr\xc3\xbc\xc3\x9f" "e'"), 1);
	assert_int_equal(tamper(x, "INSERT INTO messages (folder_id, subject, body) "
			 "SELECT id, 'planted', '' FROM folders WHERE path = 'Deleted Items' "
			 "AND mailbox_id = (SELECT recipient_id FROM addresses WHERE "
			 "address = 'Grewal, Jeff at SALESPO')"), 1);
	verify(x, SALESPO, &st);
	assert_int_equal(st.missing, 1);
	assert_int_equal(st.extra, 1);
	assert_int_equal(st.matched, 5);
	for (size_t i = 0; i < x->diags.len; i++)
		if (!strcmp(x->diags.items[i].kind, "verify-extra"))
			assert_non_null(strstr(x->diags.items[i].text, "'s folder Deleted Items ('planted')"));
	fx_free(x);
}

/* The R8 settings folders are left out by a default rule: a decision,
 * counted by its reason, listed on request, never a problem. */
static void skipped_settings_messages_are_counted_as_decisions(void **state)
{
	struct fx *x = fx_new();
	struct ccm_verify_stats st;
	char *po = tu_path(x->dir, "po");
	size_t r8 = 0;

	(void)state;
	{
		struct ccm_gen_opts go;
		struct ccm_gen *g;
		struct ccm_error gerr;

		ccm_gen_opts_init(&go);
		go.users = 8;
		go.messages = 5;
		go.seed = 3;
		assert_int_equal(ccm_gen_new(&g, &go, &gerr), 0);
		assert_int_equal(ccm_gen_write(g, po, 0, NULL, &gerr), 0);
		ccm_gen_free(g);
	}
	migrate(x, po, 0);
	verify_listing(x, po, 1, &st);
	assert_true(st.decided > 0);
	assert_int_equal(st.n_reasons, 1);
	assert_string_equal(st.reasons[0].reason, "rule:r8-settings");
	assert_int_equal(st.reasons[0].messages, st.decided);
	for (size_t i = 0; i < x->diags.len; i++)
		r8 += !strcmp(x->diags.items[i].kind, "verify-decided");
	assert_int_equal(r8, st.decided);
	assert_int_equal(st.missing + st.extra + st.mismatched + st.no_mailbox, 0);
	assert_int_equal(st.matched + st.decided, st.source_messages);
	ccm_verify_stats_release(&st);
	/* Kept, they verify. */
	tu_system("rm -f '%s'", x->db);
	migrate(x, po, 1);
	verify(x, po, &st);
	assert_int_equal(st.missing + st.extra + st.no_mailbox + st.decided, 0);
	free(po);
	fx_free(x);
}

static void users_without_a_mailbox_are_reported(void **state)
{
	struct fx *x = fx_new();
	struct ccm_verify_stats st;
	struct ccm_dirsync_stats ds;
	struct ccm_store *s;
	struct ccm_error err;

	(void)state;
	assert_int_equal(ccm_store_open(&s, x->db, CCM_STORE_CREATE, &err), 0);
	assert_true(ccm_dirsync_run(s, SALESPO, NULL, &ds, &x->rep, &err) >= 0);
	ccm_store_close(s);
	verify(x, SALESPO, &st);
	assert_int_equal(st.no_mailbox, 4);
	assert_int_equal(ccm_diaglist_count(&x->diags, "verify-no-mailbox"), 4);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migrated_post_office_verifies_whole),
		cmocka_unit_test(one_changed_attachment_byte_is_a_difference),
		cmocka_unit_test(attachments_a_policy_dropped_are_decisions),
		cmocka_unit_test(store_without_identities_is_matched_by_content),
		cmocka_unit_test(unaccounted_and_extra_messages_are_errors),
		cmocka_unit_test(skipped_settings_messages_are_counted_as_decisions),
		cmocka_unit_test(users_without_a_mailbox_are_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
