/* test_manifest.c: reading po.txt, the manifest of a post office bundle. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "ccmail/manifest.h"

struct fx {
	char *dir;
	char *path;
	struct ccm_diaglist diags;
	struct ccm_report rep;
	struct ccm_manifest m;
	struct ccm_error err;
};

static struct fx *fx_new(const char *text)
{
	struct fx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->dir = tu_mkdtemp();
	x->path = tu_writes(x->dir, "po.txt", text);
	x->rep.sink = ccm_diaglist_sink;
	x->rep.ctx = &x->diags;
	return x;
}

static int read_fx(struct fx *x)
{
	return ccm_manifest_read(&x->m, x->path, &x->rep, &x->err);
}

/* Reads text that must be accepted. */
static struct fx *fx_ok(const char *text)
{
	struct fx *x = fx_new(text);
	int rc = read_fx(x);

	if (rc != 0)
		fail_msg("manifest refused (%d): %s", rc, x->err.msg);
	return x;
}

static void fx_free(struct fx *x)
{
	ccm_manifest_release(&x->m);
	ccm_diaglist_release(&x->diags);
	tu_rmtree(x->dir);
	free(x->dir);
	free(x->path);
	free(x);
}

#define MINIMAL "Post office: SALESPO\nDirectory: directory.exp\n"

static void spec_example_is_read_with_its_comments(void **state)
{
	struct fx *x = fx_ok(
		"; written by the site's export run\r\n"
		"Post office: SALESPO\r\n"
		"Database: DB8                ; DB6 | DB8. DB7 (cc:Mobile) is refused with a clear message\r\n"
		"Code page: 850               ; the DOS code page of every text file in the bundle (437, 850, 852, 932, 1252 ...)\r\n"
		"Date order: MDY              ; MDY | DMY | YMD (the PO's language decided it)\r\n"
		"Time zone: America/New_York  ; IANA zone the PO's clocks ran in; default UTC\r\n"
		"Attachments: MACBIN2         ; MACBIN2 | HEX | RAW: how File items were exported\r\n"
		"Item sizes: yes              ; yes when exported with /ITEMSIZE\r\n"
		"Directory: directory.exp\r\n"
		"Lists: lists.exp\r\n"
		"Mailbox: Smith, John = mail/smith.exp\r\n"
		"Mailbox: Doe, Jane = mail/doe.exp\r\n"
		"Private: Smith, John = pab/smith.exp\r\n"
		"Bulletin board: Social = bboards/social.exp\r\n");
	struct ccm_manifest *m = &x->m;

	assert_string_equal(m->post_office, "SALESPO");
	assert_int_equal(m->database, 8);
	assert_int_equal(m->code_page, 850);
	assert_int_equal(m->date_order, CCM_DATE_MDY);
	assert_string_equal(m->time_zone, "America/New_York");
	assert_int_equal(m->attachments, CCM_ENC_MACBIN2);
	assert_int_equal(m->item_sizes, 1);
	assert_string_equal(m->directory, "directory.exp");
	assert_string_equal(m->lists, "lists.exp");
	assert_int_equal(m->n_mailboxes, 2);
	assert_string_equal(m->mailboxes[0].name, "Smith, John");
	assert_string_equal(m->mailboxes[0].path, "mail/smith.exp");
	assert_int_equal(m->mailboxes[0].line, 11);
	assert_string_equal(m->mailboxes[1].name, "Doe, Jane");
	assert_string_equal(m->mailboxes[1].path, "mail/doe.exp");
	assert_int_equal(m->n_privates, 1);
	assert_string_equal(m->privates[0].name, "Smith, John");
	assert_string_equal(m->privates[0].path, "pab/smith.exp");
	assert_int_equal(m->n_boards, 1);
	assert_string_equal(m->boards[0].name, "Social");
	assert_string_equal(m->boards[0].path, "bboards/social.exp");
	assert_int_equal(x->diags.len, 0);
	fx_free(x);
}

static void defaults_apply_when_keywords_are_missing(void **state)
{
	struct fx *x = fx_ok(MINIMAL);
	struct ccm_manifest *m = &x->m;

	assert_int_equal(m->database, 8);
	assert_int_equal(m->code_page, 437);
	assert_int_equal(m->date_order, CCM_DATE_MDY);
	assert_string_equal(m->time_zone, "UTC");
	assert_int_equal(m->attachments, CCM_ENC_MACBIN2);
	assert_int_equal(m->item_sizes, 0);
	assert_null(m->lists);
	assert_int_equal(m->n_mailboxes + m->n_privates + m->n_boards, 0);
	fx_free(x);
}

static void keywords_ignore_case_and_spacing(void **state)
{
	struct fx *x = fx_ok("POST OFFICE: HUB\ndirectory :d.exp\n"
			     "  date   ORDER: dmy\nATTACHMENTS: hex\nitem sizes: No\n"
			     "database: db6\nMAILBOX: A = a.exp\n");

	assert_string_equal(x->m.post_office, "HUB");
	assert_string_equal(x->m.directory, "d.exp");
	assert_int_equal(x->m.date_order, CCM_DATE_DMY);
	assert_int_equal(x->m.attachments, CCM_ENC_HEX);
	assert_int_equal(x->m.item_sizes, 0);
	assert_int_equal(x->m.database, 6);
	assert_int_equal(x->m.n_mailboxes, 1);
	assert_int_equal(x->diags.len, 0);
	fx_free(x);
}

static void comment_lines_and_trailing_comments_are_dropped(void **state)
{
	struct fx *x = fx_ok("  ; an indented comment\n;Post office: NOT\n" MINIMAL
			     "Mailbox: Smith;John = mail/s.exp ; his ; mail\n"
			     "Mailbox: Doe, Jane = mail/d.exp\t; tab comment\n"
			     "Lists: ; none\n");

	assert_string_equal(x->m.post_office, "SALESPO");
	assert_int_equal(x->m.n_mailboxes, 2);
	assert_string_equal(x->m.mailboxes[0].name, "Smith;John");
	assert_string_equal(x->m.mailboxes[0].path, "mail/s.exp");
	assert_string_equal(x->m.mailboxes[1].path, "mail/d.exp");
	assert_null(x->m.lists);
	assert_int_equal(ccm_diaglist_count(&x->diags, "empty-value"), 1);
	fx_free(x);
}

static void entry_splits_at_the_last_spaced_equals(void **state)
{
	struct fx *x = fx_ok(MINIMAL "Mailbox: A = B = mail/ab.exp\n"
			     "Mailbox: C=mail/c.exp\n"
			     "Bulletin board: #Social = b/s.exp\n");

	assert_int_equal(x->m.n_mailboxes, 2);
	assert_string_equal(x->m.mailboxes[0].name, "A = B");
	assert_string_equal(x->m.mailboxes[0].path, "mail/ab.exp");
	assert_string_equal(x->m.mailboxes[1].name, "C");
	assert_string_equal(x->m.mailboxes[1].path, "mail/c.exp");
	assert_string_equal(x->m.boards[0].name, "Social");
	fx_free(x);
}

static void entry_without_name_or_path_is_reported_and_skipped(void **state)
{
	struct fx *x = fx_ok(MINIMAL "Mailbox: Smith, John\nMailbox:  = a.exp\n"
			     "Private: Doe =   \nMailbox: Ok = ok.exp\n");

	assert_int_equal(ccm_diaglist_count(&x->diags, "bad-entry"), 3);
	assert_int_equal(x->m.n_mailboxes, 1);
	assert_int_equal(x->m.n_privates, 0);
	assert_string_equal(x->m.mailboxes[0].name, "Ok");
	assert_int_equal(x->m.mailboxes[0].line, 6);
	fx_free(x);
}

static void db7_is_refused_with_what_to_do(void **state)
{
	struct fx *x = fx_new("Post office: MOBILE\nDatabase: DB7\nDirectory: d.exp\n");

	assert_int_equal(read_fx(x), CCM_EUNSUPPORTED);
	assert_non_null(strstr(x->err.msg, "cc:Mobile"));
	assert_non_null(strstr(x->err.msg, "DB7"));
	assert_non_null(strstr(x->err.msg, "copy the data back to a DB8 post office"));
	assert_non_null(strstr(x->err.msg, "Q258220"));
	assert_non_null(strstr(x->err.msg, "po.txt:2 (byte 20)"));
	/* Released on failure. */
	assert_null(x->m.post_office);
	fx_free(x);
}

static void unknown_database_is_malformed(void **state)
{
	struct fx *x = fx_new(MINIMAL "Database: DB9\n");

	assert_int_equal(read_fx(x), CCM_EMALFORMED);
	assert_non_null(strstr(x->err.msg, "'DB9'"));
	assert_non_null(strstr(x->err.msg, "DB6 or DB8"));
	fx_free(x);
}

static void bad_fixed_values_are_malformed(void **state)
{
	static const char *const bad[] = {
		MINIMAL "Date order: DYM\n",
		MINIMAL "Attachments: UUENCODE\n",
		MINIMAL "Code page: 85O\n",
		/* A name no zone can have: it would also end the time_zone
		 * of the settings line early and lose the post office. */
		MINIMAL "Time zone: America/New;_York\n",
		MINIMAL "Time zone: ../../etc/passwd\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fx *x = fx_new(bad[i]);

		assert_int_equal(read_fx(x), CCM_EMALFORMED);
		assert_non_null(strstr(x->err.msg, "po.txt:3"));
		fx_free(x);
	}
}

static void missing_po_txt_says_the_folder_is_no_bundle(void **state)
{
	struct fx *x = fx_new("");
	char *p = tu_path(x->dir, "nothere/po.txt");

	assert_int_equal(ccm_manifest_read(&x->m, p, &x->rep, &x->err), CCM_ENOTFOUND);
	assert_non_null(strstr(x->err.msg, "is not a ccmig post office bundle"));
	assert_non_null(strstr(x->err.msg, "write a po.txt"));
	assert_non_null(strstr(x->err.msg, "nothere"));
	free(p);
	fx_free(x);
}

static void missing_post_office_or_directory_is_malformed(void **state)
{
	struct fx *x = fx_new("Directory: d.exp\n");

	assert_int_equal(read_fx(x), CCM_EMALFORMED);
	assert_non_null(strstr(x->err.msg, "'Post office:'"));
	fx_free(x);
	x = fx_new("Post office: A\nMailbox: B = b.exp\n");
	assert_int_equal(read_fx(x), CCM_EMALFORMED);
	assert_non_null(strstr(x->err.msg, "'Directory:'"));
	assert_int_equal(x->m.n_mailboxes, 0);
	fx_free(x);
}

static void unknown_keyword_is_a_warning_with_its_line(void **state)
{
	struct fx *x = fx_ok(MINIMAL "Colour: blue\nno colon here\n");

	assert_int_equal(ccm_diaglist_count(&x->diags, "unknown-keyword"), 1);
	assert_int_equal(x->diags.items[0].line, 3);
	assert_int_equal(x->diags.items[0].offset, 46);
	assert_string_equal(x->diags.items[0].file, x->path);
	assert_non_null(strstr(x->diags.items[0].text, "'Colour'"));
	assert_int_equal(ccm_diaglist_count(&x->diags, "bad-line"), 1);
	fx_free(x);
}

static void paths_that_leave_the_bundle_are_refused(void **state)
{
	struct fx *x = fx_ok(MINIMAL
			     "Mailbox: A = ../a.exp\n"
			     "Mailbox: B = /etc/passwd\n"
			     "Mailbox: C = C:\\mail\\c.exp\n"
			     "Mailbox: D = mail\\..\\..\\d.exp\n"
			     "Mailbox: E = \\\\server\\share\\e.exp\n"
			     "Mailbox: F = mail\\f.exp\n"
			     "Mailbox: G = ./mail//g.exp\n"
			     "Mailbox: H = mail/..h.exp\n"
			     "Lists: ../lists.exp\n");
	struct ccm_manifest *m = &x->m;

	assert_int_equal(m->n_mailboxes, 8);
	for (int i = 0; i < 5; i++)
		assert_null(m->mailboxes[i].path);
	assert_string_equal(m->mailboxes[0].name, "A");
	assert_string_equal(m->mailboxes[5].path, "mail/f.exp");
	assert_string_equal(m->mailboxes[6].path, "mail/g.exp");
	assert_string_equal(m->mailboxes[7].path, "mail/..h.exp");
	assert_null(m->lists);
	assert_int_equal(ccm_diaglist_count(&x->diags, "unsafe-path"), 6);
	fx_free(x);
}

static void unsafe_directory_path_fails(void **state)
{
	struct fx *x = fx_new("Post office: A\nDirectory: ..\\d.exp\n");

	assert_int_equal(read_fx(x), CCM_EMALFORMED);
	assert_non_null(strstr(x->err.msg, "unsafe path"));
	fx_free(x);
}

static void values_are_converted_from_the_code_page_named_later(void **state)
{
	/* The Mailbox line comes first; 0x81 is u with diaeresis in 850, while
	 * in 437 (the default) it is the same letter: use 0x9D, which is
	 * O with stroke in 850 and the yen sign in 437. */
	struct fx *x = fx_ok("Mailbox: S\x9Dren = mail/s.exp\n" MINIMAL
			     "Code page: 850 ; Western Europe\n");

	assert_int_equal(x->m.code_page, 850);
	assert_string_equal(x->m.mailboxes[0].name, "S\xC3\x98ren");
	fx_free(x);
}

static void default_code_page_437_converts_values(void **state)
{
	struct fx *x = fx_ok("Mailbox: S\x9Dren = mail/s.exp\n" MINIMAL);

	assert_string_equal(x->m.mailboxes[0].name, "S\xC2\xA5ren");
	fx_free(x);
}

static void byte_order_mark_means_utf8_values(void **state)
{
	struct fx *x = fx_ok("\xEF\xBB\xBFPost office: Z\xC3\xBCRICH\nCode page: CP850\n"
			     "Directory: d.exp\n");

	assert_string_equal(x->m.post_office, "Z\xC3\xBCRICH");
	assert_int_equal(x->m.code_page, 850);
	fx_free(x);
}

static void code_page_without_converter_is_unsupported(void **state)
{
	struct fx *x = fx_new(MINIMAL "Code page: 12345\n");

	assert_int_equal(read_fx(x), CCM_EUNSUPPORTED);
	assert_non_null(strstr(x->err.msg, "12345"));
	assert_non_null(strstr(x->err.msg, "po.txt:3"));
	fx_free(x);
}

static void repeated_keyword_warns_and_the_later_value_wins(void **state)
{
	struct fx *x = fx_ok(MINIMAL "Post office: OTHER\n");

	assert_string_equal(x->m.post_office, "OTHER");
	assert_int_equal(ccm_diaglist_count(&x->diags, "duplicate-keyword"), 1);
	fx_free(x);
}

static void item_sizes_takes_yes_and_no_words(void **state)
{
	struct fx *x = fx_ok(MINIMAL "Item sizes: TRUE\n");

	assert_int_equal(x->m.item_sizes, 1);
	fx_free(x);
	x = fx_ok(MINIMAL "Item sizes: maybe\n");
	assert_int_equal(x->m.item_sizes, 0);
	assert_int_equal(ccm_diaglist_count(&x->diags, "bad-value"), 1);
	fx_free(x);
}

static void attach_enc_names_round_trip(void **state)
{
	assert_int_equal(ccm_attach_enc_parse("macbin2"), CCM_ENC_MACBIN2);
	assert_int_equal(ccm_attach_enc_parse("Hex"), CCM_ENC_HEX);
	assert_int_equal(ccm_attach_enc_parse("RAW"), CCM_ENC_RAW);
	assert_int_equal(ccm_attach_enc_parse("base64"), -1);
	for (int e = CCM_ENC_MACBIN2; e <= CCM_ENC_RAW; e++)
		assert_int_equal(ccm_attach_enc_parse(ccm_attach_enc_name(e)), e);
}

static void settings_line_round_trips_and_refuses_bad_values(void **state)
{
	struct ccm_manifest m = { 0 }, back = { 0 };
	struct ccm_buf t = CCM_BUF_INIT;
	struct ccm_error err;

	(void)state;
	m.post_office = "SALES; EAST=1";      /* the name is last: ';' and '=' stay */
	m.code_page = 932;
	m.date_order = CCM_DATE_YMD;
	m.attachments = CCM_ENC_RAW;
	m.item_sizes = 1;
	m.time_zone = "Asia/Tokyo";
	ccm_manifest_settings_format(&t, &m);
	assert_string_equal(t.ptr, "code_page=932; date_order=YMD; attachments=RAW; "
			    "item_sizes=yes; time_zone=Asia/Tokyo; post_office=SALES; EAST=1");
	assert_int_equal(ccm_manifest_settings_parse(&back, t.ptr, &err), 0);
	assert_string_equal(back.post_office, m.post_office);
	assert_int_equal(back.code_page, 932);
	assert_int_equal(back.date_order, CCM_DATE_YMD);
	assert_int_equal(back.attachments, CCM_ENC_RAW);
	assert_int_equal(back.item_sizes, 1);
	assert_string_equal(back.time_zone, "Asia/Tokyo");

	/* What is not said keeps a manifest's defaults; unknown keys are
	 * ignored, for a later ccmig's sake. */
	assert_int_equal(ccm_manifest_settings_parse(&back, "colour=blue; code_page=850",
						     &err), 0);
	assert_int_equal(back.code_page, 850);
	assert_int_equal(back.date_order, CCM_DATE_MDY);
	assert_int_equal(back.attachments, CCM_ENC_MACBIN2);
	assert_int_equal(back.item_sizes, 0);
	assert_string_equal(back.time_zone, "UTC");
	assert_null(back.post_office);

	assert_int_equal(ccm_manifest_settings_parse(&back, "code_page=0", &err), CCM_EMALFORMED);
	assert_non_null(strstr(err.msg, "code_page=0"));
	assert_int_equal(ccm_manifest_settings_parse(&back, "date_order=DYM", &err),
			 CCM_EMALFORMED);
	assert_int_equal(ccm_manifest_settings_parse(&back, "attachments=UU", &err),
			 CCM_EMALFORMED);
	assert_int_equal(ccm_manifest_settings_parse(&back, "item_sizes=maybe", &err),
			 CCM_EMALFORMED);
	assert_int_equal(ccm_manifest_settings_parse(&back, "time_zone=../x; post_office=P",
						     &err), CCM_EMALFORMED);
	ccm_manifest_release(&back);
	ccm_buf_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_example_is_read_with_its_comments),
		cmocka_unit_test(defaults_apply_when_keywords_are_missing),
		cmocka_unit_test(keywords_ignore_case_and_spacing),
		cmocka_unit_test(comment_lines_and_trailing_comments_are_dropped),
		cmocka_unit_test(entry_splits_at_the_last_spaced_equals),
		cmocka_unit_test(entry_without_name_or_path_is_reported_and_skipped),
		cmocka_unit_test(db7_is_refused_with_what_to_do),
		cmocka_unit_test(unknown_database_is_malformed),
		cmocka_unit_test(bad_fixed_values_are_malformed),
		cmocka_unit_test(missing_po_txt_says_the_folder_is_no_bundle),
		cmocka_unit_test(missing_post_office_or_directory_is_malformed),
		cmocka_unit_test(unknown_keyword_is_a_warning_with_its_line),
		cmocka_unit_test(paths_that_leave_the_bundle_are_refused),
		cmocka_unit_test(unsafe_directory_path_fails),
		cmocka_unit_test(values_are_converted_from_the_code_page_named_later),
		cmocka_unit_test(default_code_page_437_converts_values),
		cmocka_unit_test(byte_order_mark_means_utf8_values),
		cmocka_unit_test(code_page_without_converter_is_unsupported),
		cmocka_unit_test(repeated_keyword_warns_and_the_later_value_wins),
		cmocka_unit_test(item_sizes_takes_yes_and_no_words),
		cmocka_unit_test(attach_enc_names_round_trip),
		cmocka_unit_test(settings_line_round_trips_and_refuses_bad_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
