/* test_verify.c: ccmig verify finds every difference, and none when there
 * is none. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccmail/bundle.h"
#include "store/dirsync.h"
#include "store/migrate.h"
#include "store/verify.h"

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

static void migrate(struct fx *x, const char *po, int keep_r8)
{
	struct ccm_migrate_opts o;
	struct ccm_migrate_stats st;
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;

	memset(&o, 0, sizeof(o));
	o.extract.keep_r8 = keep_r8;
	assert_int_equal(ccm_bundle_open(&b, po, &x->rep, &err), 0);
	assert_int_equal(ccm_store_open(&s, x->db, CCM_STORE_CREATE, &err), 0);
	if (ccm_migrate(b, s, &o, &st, &err) != 0)
		fail_msg("migrate: %s", err.msg);
	ccm_store_close(s);
	ccm_bundle_free(b);
}

static void verify(struct fx *x, const char *po, struct ccm_verify_stats *st)
{
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;

	ccm_diaglist_release(&x->diags);
	assert_int_equal(ccm_bundle_open(&b, po, &x->rep, &err), 0);
	assert_int_equal(ccm_store_open(&s, x->db, CCM_STORE_READONLY, &err), 0);
	assert_int_equal(ccm_verify(b, s, st, &err), 0);
	ccm_store_close(s);
	ccm_bundle_free(b);
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
	assert_int_equal(st.missing, 1);
	assert_int_equal(st.extra, 1);
	assert_int_equal(ccm_diaglist_count(&x->diags, "verify-missing"), 1);
	fx_free(x);
}

static void skipped_settings_messages_are_named(void **state)
{
	struct fx *x = fx_new();
	struct ccm_verify_stats st;
	char *po = tu_path(x->dir, "po");
	size_t r8 = 0;

	(void)state;
	assert_int_equal(tu_system("'%s' gen '%s' --users 8 --messages 5 --seed 3 "
				   ">/dev/null", CCMIG_BIN, po), 0);
	migrate(x, po, 0);
	verify(x, po, &st);
	assert_true(st.missing > 0);
	for (size_t i = 0; i < x->diags.len; i++)
		r8 += strstr(x->diags.items[i].text, "R8 settings folder") != NULL;
	assert_int_equal(r8, st.missing);      /* and nothing else is missing */
	assert_int_equal(st.extra, 0);
	/* Kept, they verify. */
	tu_system("rm -f '%s'", x->db);
	migrate(x, po, 1);
	verify(x, po, &st);
	assert_int_equal(st.missing + st.extra + st.no_mailbox, 0);
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
		cmocka_unit_test(skipped_settings_messages_are_named),
		cmocka_unit_test(users_without_a_mailbox_are_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
