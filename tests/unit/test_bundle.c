/* test_bundle.c: opening bundles, their users, and the survey of inspect. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccmail/bundle.h"
#include "ccmail/survey.h"

#define SALESPO CCMIG_TEST_DATA "/salespo"

struct ctx {
	struct ccm_diaglist diags;
	struct ccm_report rep;
	struct ccm_bundle *b;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct ccm_error err;

	c->rep.sink = ccm_diaglist_sink;
	c->rep.ctx = &c->diags;
	if (ccm_bundle_open(&c->b, SALESPO, &c->rep, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ccm_bundle_free(c->b);
	ccm_diaglist_release(&c->diags);
	free(c);
	return 0;
}

static void manifest_settings_are_read(void **state)
{
	struct ctx *c = *state;

	assert_string_equal(c->b->manifest.post_office, "SALESPO");
	assert_int_equal(c->b->manifest.code_page, 850);
	assert_int_equal(c->b->manifest.database, 8);
	assert_int_equal(c->b->manifest.item_sizes, 1);
	assert_int_equal(c->b->manifest.attachments, CCM_ENC_RAW);
	assert_int_equal(c->b->dir.len, 9);
	assert_int_equal(c->b->lists.len, 1);
}

static void mailbox_lines_match_users_in_any_case(void **state)
{
	struct ctx *c = *state;
	const struct ccm_manifest_entry *e = ccm_bundle_mailbox(c->b, "Smith, John");

	assert_non_null(e);
	assert_string_equal(e->path, "mail/smith.exp");
	assert_null(ccm_bundle_mailbox(c->b, "Doe, Jane"));  /* no mail */
	assert_non_null(ccm_bundle_private(c->b, "smith, john"));
}

static void mailbox_for_a_stranger_is_an_error_for_it_alone(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(ccm_diaglist_count(&c->diags, "mailbox-not-in-directory"), 1);
}

static void accented_text_is_converted_from_the_code_page(void **state)
{
	struct ctx *c = *state;
	const struct ccm_manifest_entry *e = ccm_bundle_mailbox(c->b, "Smith, John");
	struct ccm_msgfile *f;
	const struct ccm_message *m;
	const struct ccm_item *it;
	struct ccm_error err;
	char buf[64];
	ssize_t n;

	assert_int_equal(ccm_bundle_open_messages(&f, c->b, e, &err), 0);
	assert_int_equal(ccm_msgfile_next(f, &m, &err), 1);
	assert_string_equal(m->subject, "Grüße zum Jahr 2000");
	assert_string_equal(m->from.name, "Müller, Jürgen");
	assert_int_equal(m->from.resolved, 1);
	/* Two local names split by the directory, not on every comma. */
	assert_int_equal(m->to.len, 2);
	assert_string_equal(m->to.v[1].name, "Doe, Jane");
	/* 11:59 PM on 31 Dec 1999 in New York is 04:59 UTC on 1 Jan 2000. */
	assert_int_equal(m->date.year, 1999);
	assert_int_equal(m->date.utc, 946702740);
	assert_int_equal(ccm_msgfile_next_item(f, &it, &err), 1);
	n = ccm_msgfile_read(f, buf, sizeof(buf), &err);
	assert_int_equal(n, (ssize_t)strlen("Schöne Grüße!\r\n"));
	assert_memory_equal(buf, "Schöne Grüße!\r\n", (size_t)n);
	assert_int_equal(ccm_msgfile_next(f, &m, &err), 1);
	assert_string_equal(m->folder, "Message Log");
	assert_int_equal(m->n_extra, 1);
	assert_int_equal(ccm_msgfile_next(f, &m, &err), 1);
	assert_true(m->date.flags & CCM_DATE_CLAMPED);
	assert_int_equal(m->status, CCM_STATUS_UNREAD);
	assert_int_equal(ccm_msgfile_next(f, &m, &err), 0);
	ccm_msgfile_close(f);
}

static void survey_counts_users_mail_and_folders(void **state)
{
	struct ctx *c = *state;
	struct ccm_survey s;
	struct ccm_error err;
	int no_mail_listed = 0;

	assert_int_equal(ccm_survey_run(&s, c->b, NULL, NULL, &err), 0);
	assert_int_equal(s.n_users, 4);            /* three L and one R */
	assert_int_equal(s.users_with_mail, 2);    /* Grewal and Smith */
	assert_int_equal(s.messages, 5);
	assert_int_equal(s.attachments, 2);
	assert_int_equal(s.attachment_bytes, 4 + 256);
	assert_int_equal(s.by_location['L'], 3);
	assert_int_equal(s.by_location['P'], 1);
	assert_int_equal(s.n_boards, 1);
	assert_int_equal(s.boards[0].messages, 1);
	assert_int_equal(s.lists, 1);
	assert_int_equal(s.list_members, 3);
	for (size_t i = 0; i < s.n_users; i++) {
		if (!strcmp(s.users[i].name, "Doe, Jane")) {
			assert_int_equal(s.users[i].has_mail, 0);
			no_mail_listed = 1;
		}
		if (!strcmp(s.users[i].name, "Smith, John")) {
			assert_int_equal(s.users[i].pab_entries, 1);
			assert_int_equal(s.users[i].pab_lists, 1);
			assert_int_equal(s.users[i].n_folders, 3);
		}
	}
	assert_true(no_mail_listed);
	ccm_survey_release(&s);
}

/* Bundles that cannot be read at all fail with a message saying what to do. */
static int open_variant(const char *po_txt, struct ccm_error *err)
{
	char *dir = tu_mkdtemp();
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_bundle *b = NULL;
	int rc;

	if (po_txt)
		free(tu_writes(dir, "po.txt", po_txt));
	free(tu_writes(dir, "directory.exp", "Name: A\r\nLocation: L\r\n"));
	rc = ccm_bundle_open(&b, dir, &rep, err);
	ccm_bundle_free(b);
	ccm_diaglist_release(&diags);
	tu_rmtree(dir);
	free(dir);
	return rc;
}

static void bundle_without_manifest_is_refused(void **state)
{
	struct ccm_error err;

	(void)state;
	assert_true(open_variant(NULL, &err) < 0);
	assert_non_null(strstr(err.msg, "po.txt"));
}

static void db7_is_refused_with_what_to_do(void **state)
{
	struct ccm_error err;

	(void)state;
	assert_int_equal(open_variant("Post office: X\r\nDatabase: DB7\r\n"
				      "Directory: directory.exp\r\n", &err),
			 CCM_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "DB8"));
}

static void unknown_code_page_is_refused(void **state)
{
	struct ccm_error err;

	(void)state;
	assert_int_equal(open_variant("Post office: X\r\nCode page: 99999\r\n"
				      "Directory: directory.exp\r\n", &err),
			 CCM_EUNSUPPORTED);
	assert_non_null(strstr(err.msg, "99999"));
}

static void unknown_time_zone_is_refused(void **state)
{
	struct ccm_error err;

	(void)state;
	assert_int_equal(open_variant("Post office: X\r\nTime zone: Mars/Olympus\r\n"
				      "Directory: directory.exp\r\n", &err),
			 CCM_ENOTFOUND);
	assert_non_null(strstr(err.msg, "Mars/Olympus"));
}

static void minimal_bundle_opens(void **state)
{
	struct ccm_error err;

	(void)state;
	assert_int_equal(open_variant("Post office: X\r\nDirectory: directory.exp\r\n",
				      &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(manifest_settings_are_read),
		cmocka_unit_test(mailbox_lines_match_users_in_any_case),
		cmocka_unit_test(mailbox_for_a_stranger_is_an_error_for_it_alone),
		cmocka_unit_test(accented_text_is_converted_from_the_code_page),
		cmocka_unit_test(survey_counts_users_mail_and_folders),
	};
	const struct CMUnitTest refusals[] = {
		cmocka_unit_test(bundle_without_manifest_is_refused),
		cmocka_unit_test(db7_is_refused_with_what_to_do),
		cmocka_unit_test(unknown_code_page_is_refused),
		cmocka_unit_test(unknown_time_zone_is_refused),
		cmocka_unit_test(minimal_bundle_opens),
	};
	int failed = cmocka_run_group_tests_name("salespo", tests, setup, teardown);
	return failed + cmocka_run_group_tests_name("refusals", refusals, NULL, NULL);
}
