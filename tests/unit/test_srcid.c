/* test_srcid.c: the "!ccmig-" lines that carry identities and decisions
 * inside migration files. */
#include "testutil.h"

#include <string.h>

#include "iff/srcid.h"

#define FP "0123456789abcdef0123456789abcdef"

/* What extract writes, import reads back: names with commas, spaces and
 * accents (percent-encoded, so the line is ASCII in any code page). */
static void a_line_reads_back_as_it_was_written(void **state)
{
	struct ccm_srcid id, back;
	struct ccm_buf line = CCM_BUF_INIT;

	(void)state;
	ccm_srcid_init(&id);
	ccm_srcid_init(&back);
	id.kind = CCM_SRCID_LEFT_OUT;
	id.po = "SALESPO";
	id.owner = "M\xc3\xbcller, J\xc3\xbcrgen";
	id.file = "mail/m\xc3\xbcller.exp";
	id.number = 12;
	memcpy(id.fp, FP, 33);
	id.dup = 2;
	id.why = "policy:pilot & co.lua:user";
	ccm_srcid_format(&line, &id);
	assert_string_equal(line.ptr, "ccmig-left-out po=SALESPO&owner=u:M%C3%BCller%2C%20"
			    "J%C3%BCrgen&file=mail/m%C3%BCller.exp&n=12&fp=" FP "&dup=2"
			    "&why=policy:pilot%20%26%20co.lua:user");
	for (size_t i = 0; i < line.len; i++)
		assert_true((unsigned char)line.ptr[i] < 0x80);
	assert_int_equal(ccm_srcid_parse(&back, line.ptr, line.len), 1);
	assert_int_equal(back.kind, CCM_SRCID_LEFT_OUT);
	assert_string_equal(back.po, "SALESPO");
	assert_false(back.board);
	assert_string_equal(back.owner, id.owner);
	assert_string_equal(back.file, id.file);
	assert_int_equal(back.number, 12);
	assert_string_equal(back.fp, FP);
	assert_int_equal(back.dup, 2);
	assert_string_equal(back.why, id.why);
	assert_false(back.held);
	ccm_srcid_release(&id);
	ccm_srcid_release(&back);
	ccm_buf_release(&line);
}

static void held_rows_and_boards_are_said(void **state)
{
	struct ccm_srcid back;
	const char *t = "ccmig-id po=EASTPO&owner=b:Social&file=bboards/social.exp&n=3"
			"&fp=" FP "&dup=1&held=1";

	(void)state;
	ccm_srcid_init(&back);
	assert_int_equal(ccm_srcid_parse(&back, t, strlen(t)), 1);
	assert_int_equal(back.kind, CCM_SRCID_MESSAGE);
	assert_true(back.board);
	assert_string_equal(back.owner, "Social");
	assert_true(back.held);
	ccm_srcid_release(&back);
}

/* Attachments a policy left out are named with who decided; the identity
 * is the source message's. */
static void dropped_attachments_read_back(void **state)
{
	struct ccm_srcid id, back;
	struct ccm_buf line = CCM_BUF_INIT;

	(void)state;
	ccm_srcid_init(&id);
	ccm_srcid_init(&back);
	id.kind = CCM_SRCID_MESSAGE;
	id.po = "SALESPO";
	id.owner = "Smith, John";
	id.file = "mail/smith.exp";
	id.number = 2;
	memcpy(id.fp, FP, 33);
	id.dup = 1;
	id.dropped = "2.10";
	id.why = "policy:big.lua:message";
	ccm_srcid_format(&line, &id);
	assert_string_equal(line.ptr, "ccmig-id po=SALESPO&owner=u:Smith%2C%20John&file="
			    "mail/smith.exp&n=2&fp=" FP "&dup=1&dropped=2.10&why="
			    "policy:big.lua:message");
	assert_int_equal(ccm_srcid_parse(&back, line.ptr, line.len), 1);
	assert_string_equal(back.dropped, "2.10");
	assert_string_equal(back.why, id.why);
	assert_string_equal(back.fp, FP);
	ccm_srcid_release(&id);
	ccm_srcid_release(&back);
	ccm_buf_release(&line);
}

/* Other comments are no business of ccmig's; its own, edited into
 * nonsense, are refused (the importer reports them). */
static void other_comments_are_ignored_and_broken_ones_refused(void **state)
{
	static const char *const broken[] = {
		"ccmig-id po=SALESPO&owner=u:Smith&file=f&n=1&fp=0123&dup=1",   /* short fp */
		"ccmig-id po=SALESPO&file=f&n=1&fp=" FP "&dup=1",               /* no owner */
		"ccmig-id po=SALESPO&owner=x:Smith&n=1&fp=" FP "&dup=1",        /* owner kind */
		"ccmig-id po=SALESPO&owner=u:Smith&n=0&fp=" FP "&dup=1",        /* number 0 */
		"ccmig-id po=SALESPO&owner=u:Smith&n=1&fp=" FP "&dup=x",        /* dup */
		"ccmig-id po=SALESPO&owner=u:Sm%4&n=1&fp=" FP "&dup=1",         /* escape */
		"ccmig-left-out po=SALESPO&owner=u:Smith&n=1&fp=" FP "&dup=1",  /* no why */
		"ccmig-user-set po=SALESPO&owner=u:Smith",                      /* no set */
		"ccmig-id po=SALESPO&owner=u:Smith&n=1&fp=" FP "&dup=1&dropped=2",  /* no why */
		"ccmig-id po=SALESPO&owner=u:Smith&n=1&fp=" FP "&dup=1&dropped=0&why=p",
		"ccmig-id po=SALESPO&owner=u:Smith&n=1&fp=" FP "&dup=1&dropped=1..2&why=p",
		"ccmig-id po=SALESPO&owner=u:Smith&n=1&fp=" FP "&dup=1&dropped=1.&why=p",
		"ccmig-id po=SALESPO&owner=u:Smith&n=1&fp=" FP "&dup=1&dropped=x&why=p",
	};
	struct ccm_srcid back;

	(void)state;
	ccm_srcid_init(&back);
	assert_int_equal(ccm_srcid_parse(&back, " CodePage", 9), 0);
	assert_int_equal(ccm_srcid_parse(&back, "ccmig po.txt: code_page=850", 27), 0);
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++)
		if (ccm_srcid_parse(&back, broken[i], strlen(broken[i])) != CCM_EMALFORMED)
			fail_msg("taken: %s", broken[i]);
	ccm_srcid_release(&back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_line_reads_back_as_it_was_written),
		cmocka_unit_test(held_rows_and_boards_are_said),
		cmocka_unit_test(dropped_attachments_read_back),
		cmocka_unit_test(other_comments_are_ignored_and_broken_ones_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
