/* test_directory.c: the post office directory and its name index. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/codepage.h"
#include "ccmail/directory.h"

struct fx {
	char *dir;
	char *path;
	struct ccm_diaglist diags;
	struct ccm_report rep;
	struct ccm_directory d;
	struct ccm_error err;
};

static struct fx *fx_read(const char *text, struct ccm_cp *cp)
{
	struct fx *x = calloc(1, sizeof(*x));
	int rc;

	assert_non_null(x);
	x->dir = tu_mkdtemp();
	x->path = tu_writes(x->dir, "directory.exp", text);
	x->rep.sink = ccm_diaglist_sink;
	x->rep.ctx = &x->diags;
	rc = ccm_directory_read(&x->d, x->path, "directory.exp", cp, &x->rep, &x->err);
	if (rc != 0)
		fail_msg("directory refused (%d): %s", rc, x->err.msg);
	return x;
}

static void fx_free(struct fx *x)
{
	ccm_directory_release(&x->d);
	ccm_diaglist_release(&x->diags);
	tu_rmtree(x->dir);
	free(x->dir);
	free(x->path);
	free(x);
}

static const struct ccm_dir_entry *find(const struct ccm_directory *d, const char *name)
{
	return ccm_directory_find(d, name, strlen(name));
}

static void spec_example_is_read_with_unknown_keywords_kept(void **state)
{
	struct fx *x = fx_read("Name: Smith, John\r\nLocation: L\r\nAddr: SALESPO\r\n"
			       "Comments: jsmith;43/3019;(425) 936-1111\r\n"
			       "Phone: 555\r\nFAN: CCMAIL:jsmith at SALESPO\r\n\r\n"
			       "Name: HUBPO\r\nLocation: P\r\n", NULL);
	const struct ccm_dir_entry *e;

	assert_int_equal(x->d.len, 2);
	e = &x->d.entries[0];
	assert_string_equal(e->name, "Smith, John");
	assert_int_equal(e->location, 'L');
	assert_string_equal(e->addr, "SALESPO");
	assert_string_equal(e->comments, "jsmith;43/3019;(425) 936-1111");
	assert_string_equal(e->fan, "CCMAIL:jsmith at SALESPO");
	assert_int_equal(e->n_extra, 1);
	assert_string_equal(e->extra[0].key, "Phone");
	assert_string_equal(e->extra[0].value, "555");
	assert_int_equal(e->extra[0].line, 5);
	assert_int_equal(e->line, 1);
	assert_int_equal(e->offset, 0);
	e = &x->d.entries[1];
	assert_string_equal(e->name, "HUBPO");
	assert_int_equal(e->location, 'P');
	assert_null(e->addr);
	assert_null(e->comments);
	assert_int_equal(e->line, 8);
	assert_int_equal(x->diags.len, 0);
	assert_ptr_equal(find(&x->d, "HUBPO"), &x->d.entries[1]);
	fx_free(x);
}

static void find_ignores_ascii_case_and_surrounding_spaces(void **state)
{
	struct fx *x = fx_read("Name: Smith, John\nLocation: L\n", NULL);

	assert_non_null(find(&x->d, "SMITH, JOHN"));
	assert_non_null(find(&x->d, "  smith, john \t"));
	assert_null(find(&x->d, "Smith,John"));
	assert_null(find(&x->d, "Smith, Joh"));
	assert_null(find(&x->d, ""));
	fx_free(x);
}

static void find_folds_latin1_and_central_european_letters(void **state)
{
	struct ccm_directory d = { 0 };

	assert_int_equal(ccm_directory_add(&d, "\xC3\x89mile, Zo\xC3\xAB", 'L', NULL, NULL), 0);
	assert_int_equal(ccm_directory_add(&d, "\xC5\x81ukasz, \xC5\xBB" "aba", 'L', NULL, NULL), 0);
	/* "ÉMILE, ZOË" and "émile, zoë" */
	assert_non_null(find(&d, "\xC3\x89MILE, ZO\xC3\x8B"));
	assert_non_null(find(&d, "\xC3\xA9mile, zo\xC3\xAB"));
	/* "łUKASZ, żABA" */
	assert_non_null(find(&d, "\xC5\x82UKASZ, \xC5\xBC" "ABA"));
	/* E with grave is another letter. */
	assert_null(find(&d, "\xC3\x88mile, Zo\xC3\xAB"));
	ccm_directory_release(&d);
}

static void name_cmp_and_hash_agree(void **state)
{
	static const char *const same[][2] = {
		{ "Smith, John", "SMITH, JOHN" },
		{ "\xC3\x9C" "ber", "\xC3\xBC" "BER" },          /* Über, üBER */
		{ "\xC5\xB8ves", "\xC3\xBFves" },                 /* Ÿves, ÿves */
		{ "bad\xFF", "BAD\xFF" },
	};

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		const char *a = same[i][0], *b = same[i][1];

		assert_int_equal(ccm_name_cmp(a, strlen(a), b, strlen(b)), 0);
		assert_true(ccm_name_hash(a, strlen(a)) == ccm_name_hash(b, strlen(b)));
	}
	/* The multiplication and division signs are not a case pair. */
	assert_int_not_equal(ccm_name_cmp("\xC3\x97", 2, "\xC3\xB7", 2), 0);
	assert_true(ccm_name_cmp("abc", 3, "ABD", 3) < 0);
	assert_true(ccm_name_cmp("abc", 3, "AB", 2) > 0);
	assert_true(ccm_name_cmp("ab", 2, "ABC", 3) < 0);
}

static void names_equal_but_for_case_warn_and_keep_the_first(void **state)
{
	struct fx *x = fx_read("Name: Smith, Jimmy\nLocation: L\n\n"
			       "Name: Doe, Jane\nLocation: l\nAddr: HQ\n\n"
			       "Name: SMITH, Jimmy\nLocation: r\nAddr: OTHER\n", NULL);
	const struct ccm_diag *d;

	assert_int_equal(x->d.len, 3);
	assert_int_equal(x->d.duplicate[0], 0);
	assert_int_equal(x->d.duplicate[1], 0);
	assert_int_equal(x->d.duplicate[2], 1);
	assert_ptr_equal(find(&x->d, "smith, jimmy"), &x->d.entries[0]);
	assert_int_equal(ccm_diaglist_count(&x->diags, "duplicate-name"), 1);
	d = &x->diags.items[0];
	assert_int_equal(d->line, 8);
	assert_int_equal(d->offset, 70);
	assert_non_null(strstr(d->text, "'SMITH, Jimmy'"));
	assert_non_null(strstr(d->text, "'Smith, Jimmy'"));
	assert_non_null(strstr(d->text, "Q237588"));
	fx_free(x);
}

static void blocks_without_name_or_location_are_skipped(void **state)
{
	struct fx *x = fx_read("Location: L\nAddr: X\n\nName: NoLoc\n\n"
			       "Name:\nLocation: L\n\nName: Ok\nLocation: R\n", NULL);

	assert_int_equal(x->d.len, 1);
	assert_string_equal(x->d.entries[0].name, "Ok");
	assert_int_equal(ccm_diaglist_count(&x->diags, "incomplete-entry"), 3);
	assert_null(find(&x->d, "NoLoc"));
	fx_free(x);
}

static void unknown_location_is_kept_and_reported(void **state)
{
	struct fx *x = fx_read("Name: Odd\nLocation: Q\n", NULL);

	assert_int_equal(x->d.len, 1);
	assert_int_equal(x->d.entries[0].location, 'Q');
	assert_int_equal(ccm_diaglist_count(&x->diags, "unknown-location"), 1);
	assert_false(ccm_dir_entry_is_user(&x->d.entries[0]));
	fx_free(x);
}

static void second_known_keyword_goes_to_extra(void **state)
{
	struct fx *x = fx_read("Name: A\nLocation: l\nAddr: PO1\nAddr: PO2\n", NULL);

	assert_string_equal(x->d.entries[0].addr, "PO1");
	assert_int_equal(x->d.entries[0].n_extra, 1);
	assert_string_equal(x->d.entries[0].extra[0].key, "Addr");
	assert_string_equal(x->d.entries[0].extra[0].value, "PO2");
	fx_free(x);
}

static void location_codes_decide_users_and_mailboxes(void **state)
{
	static const struct { char loc; int user, local; } t[] = {
		{ 'L', 1, 1 }, { 'R', 1, 1 }, { 'l', 1, 0 }, { 'r', 1, 0 },
		{ 'P', 0, 0 }, { 'p', 0, 0 }, { 'A', 0, 0 }, { 'a', 0, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ccm_dir_entry e = { .location = t[i].loc };

		assert_int_equal(ccm_dir_entry_is_user(&e), t[i].user);
		assert_int_equal(ccm_dir_entry_is_local_user(&e), t[i].local);
	}
}

static void index_holds_many_names(void **state)
{
	struct ccm_directory d = { 0 };
	char name[64];

	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "User%05d, First", i);
		assert_int_equal(ccm_directory_add(&d, name, 'L', NULL, NULL), 0);
	}
	assert_int_equal(d.len, 20000);
	for (int i = 0; i < 20000; i += 7) {
		const struct ccm_dir_entry *e;

		snprintf(name, sizeof(name), "USER%05d, FIRST", i);
		e = find(&d, name);
		assert_non_null(e);
		assert_ptr_equal(e, &d.entries[i]);
	}
	assert_null(find(&d, "User20000, First"));
	ccm_directory_release(&d);
}

static void add_trims_copies_and_flags_duplicates(void **state)
{
	struct ccm_directory d = { 0 };
	char name[] = "  Doe, Jane ";

	assert_int_equal(ccm_directory_add(&d, name, 'l', "HQPO", "x;y"), 0);
	name[2] = 'X';
	assert_string_equal(d.entries[0].name, "Doe, Jane");
	assert_string_equal(d.entries[0].addr, "HQPO");
	assert_string_equal(d.entries[0].comments, "x;y");
	assert_int_equal(ccm_directory_add(&d, "DOE, JANE", 'L', NULL, NULL), 0);
	assert_int_equal(d.len, 2);
	assert_int_equal(d.duplicate[1], 1);
	assert_ptr_equal(find(&d, "doe, jane"), &d.entries[0]);
	ccm_directory_release(&d);
	assert_int_equal(d.len, 0);
	assert_null(find(&d, "Doe, Jane"));
}

static void missing_file_leaves_an_empty_directory(void **state)
{
	struct ccm_directory d;
	struct ccm_error err;

	assert_int_equal(ccm_directory_read(&d, "/nonexistent/ccmig/directory.exp",
					    NULL, NULL, NULL, &err), CCM_ENOTFOUND);
	assert_int_equal(d.len, 0);
	assert_non_null(strstr(err.msg, "Directory:"));
	ccm_directory_release(&d);
}

static void names_in_code_page_850_are_found_in_any_case(void **state)
{
	struct ccm_cp *cp = NULL;
	struct ccm_error err;
	struct fx *x;

	/* 0x9A is U with diaeresis in CP850. */
	assert_int_equal(ccm_cp_open(&cp, 850, &err), 0);
	x = fx_read("Name: \x9A" "bel, Hans\nLocation: L\n", cp);
	assert_string_equal(x->d.entries[0].name, "\xC3\x9C" "bel, Hans");
	assert_non_null(find(&x->d, "\xC3\xBC" "BEL, HANS"));
	fx_free(x);
	ccm_cp_free(cp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_example_is_read_with_unknown_keywords_kept),
		cmocka_unit_test(find_ignores_ascii_case_and_surrounding_spaces),
		cmocka_unit_test(find_folds_latin1_and_central_european_letters),
		cmocka_unit_test(name_cmp_and_hash_agree),
		cmocka_unit_test(names_equal_but_for_case_warn_and_keep_the_first),
		cmocka_unit_test(blocks_without_name_or_location_are_skipped),
		cmocka_unit_test(unknown_location_is_kept_and_reported),
		cmocka_unit_test(second_known_keyword_goes_to_extra),
		cmocka_unit_test(location_codes_decide_users_and_mailboxes),
		cmocka_unit_test(index_holds_many_names),
		cmocka_unit_test(add_trims_copies_and_flags_duplicates),
		cmocka_unit_test(missing_file_leaves_an_empty_directory),
		cmocka_unit_test(names_in_code_page_850_are_found_in_any_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
