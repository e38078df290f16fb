/* test_address.c: cc:Mail addresses and the splitting of address lists. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "ccmail/address.h"

/* The directory most tests resolve against; home PO "SALESPO". */
static struct ccm_directory dir;

static int setup(void **state)
{
	memset(&dir, 0, sizeof(dir));
	if (ccm_directory_add(&dir, "Smith, John", 'L', NULL, NULL) ||
	    ccm_directory_add(&dir, "Doe, Jane", 'L', NULL, NULL) ||
	    ccm_directory_add(&dir, "Parkes, Joe", 'l', "HQPO", NULL) ||
	    ccm_directory_add(&dir, "Road, Warrior", 'R', NULL, NULL) ||
	    ccm_directory_add(&dir, "Far, Away", 'r', "FARPO", NULL) ||
	    ccm_directory_add(&dir, "jsmith", 'L', NULL, NULL) ||
	    ccm_directory_add(&dir, "HUBPO", 'P', NULL, NULL) ||
	    ccm_directory_add(&dir, "SALES, EAST", 'p', "HUBPO", NULL) ||
	    ccm_directory_add(&dir, "bob@example.com", 'l', "INTERNET", NULL))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	ccm_directory_release(&dir);
	return 0;
}

static void parse(struct ccm_addr *a, const char *s, const struct ccm_directory *d)
{
	assert_int_equal(ccm_addr_parse(a, s, strlen(s), d, "SALESPO", "SENDERPO"), 0);
}

static void check_opt(const char *got, const char *want)
{
	if (!want)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

/* Parses s against the test directory and checks every field. */
static void expect(const char *s, enum ccm_addr_kind kind, const char *name,
		   const char *po, int resolved, int po_implied)
{
	struct ccm_addr a;

	parse(&a, s, &dir);
	assert_int_equal(a.kind, kind);
	assert_string_equal(a.name, name);
	check_opt(a.po, po);
	assert_int_equal(a.resolved, resolved);
	assert_int_equal(a.po_implied, po_implied);
	assert_null(a.ftype);
	assert_null(a.faddr);
	ccm_addr_release(&a);
}

static void spec_name_at_po_forms(void **state)
{
	expect("Grewal, Jeff at Hub", CCM_ADDR_USER, "Grewal, Jeff", "Hub", 0, 0);
	expect("Admin at HUBPO2", CCM_ADDR_USER, "Admin", "HUBPO2", 0, 0);
	expect("Smith, John at SALESPO", CCM_ADDR_USER, "Smith, John", "SALESPO", 1, 0);
	expect("  John Smith   at   HQ  ", CCM_ADDR_USER, "John Smith", "HQ", 0, 0);
	expect("Smith, John AT Sales", CCM_ADDR_USER, "Smith, John", "Sales", 1, 0);
}

static void po_follows_the_last_at(void **state)
{
	expect("Meet at Noon at HUB", CCM_ADDR_USER, "Meet at Noon", "HUB", 0, 0);
	/* "at" inside a word or at the end is no separator. */
	expect("Batman", CCM_ADDR_USER, "Batman", "SENDERPO", 0, 1);
	expect("Pat Cat at", CCM_ADDR_USER, "Pat Cat at", "SENDERPO", 0, 1);
	expect("Kat at\tSALES PO", CCM_ADDR_USER, "Kat", "SALES PO", 0, 0);
}

static void bare_names_resolve_by_location(void **state)
{
	expect("smith, JOHN", CCM_ADDR_USER, "smith, JOHN", "SALESPO", 1, 1);
	expect("Road, Warrior", CCM_ADDR_USER, "Road, Warrior", "SALESPO", 1, 1);
	expect("Parkes, Joe", CCM_ADDR_USER, "Parkes, Joe", "HQPO", 1, 1);
	expect("Far, Away", CCM_ADDR_USER, "Far, Away", "FARPO", 1, 1);
	expect("jsmith", CCM_ADDR_USER, "jsmith", "SALESPO", 1, 1);
}

static void unknown_bare_name_takes_the_senders_po(void **state)
{
	struct ccm_addr a;

	expect("Jones, Tom", CCM_ADDR_USER, "Jones, Tom", "SENDERPO", 0, 1);
	assert_int_equal(ccm_addr_parse(&a, "Jones, Tom", 10, &dir, "SALESPO", NULL), 0);
	assert_string_equal(a.po, "SALESPO");
	ccm_addr_release(&a);
	assert_int_equal(ccm_addr_parse(&a, "Jones, Tom", 10, NULL, NULL, NULL), 0);
	assert_null(a.po);
	assert_int_equal(a.po_implied, 0);
	assert_string_equal(a.raw, "Jones, Tom");
	ccm_addr_release(&a);
}

static void boards_and_system_names(void **state)
{
	expect("#Social at PO5", CCM_ADDR_BOARD, "Social", "PO5", 0, 0);
	expect("#Social", CCM_ADDR_BOARD, "Social", "SENDERPO", 0, 1);
	expect("~ADE_Mailbox", CCM_ADDR_SYSTEM, "ADE_Mailbox", "SENDERPO", 0, 1);
	expect("~NDR at HUB", CCM_ADDR_SYSTEM, "NDR", "HUB", 0, 0);
}

static void smtp_through_a_gateway(void **state)
{
	expect("bob@litware.com at INTERNET", CCM_ADDR_SMTP, "bob@litware.com", "INTERNET", 0, 0);
	/* Q168356: any gateway PO, any case of "at". */
	expect("user@domain.domain AT POname", CCM_ADDR_SMTP, "user@domain.domain", "POname", 0, 0);
	/* Directory exchange lists some SMTP names with their gateway. */
	expect("BOB@example.com", CCM_ADDR_SMTP, "BOB@example.com", "INTERNET", 1, 1);
	expect("nobody@example.com", CCM_ADDR_SMTP, "nobody@example.com", NULL, 0, 0);
}

static void expect_foreign(const char *s, const char *name, const char *ftype,
			   const char *faddr, const char *po)
{
	struct ccm_addr a;

	parse(&a, s, &dir);
	assert_int_equal(a.kind, CCM_ADDR_FOREIGN);
	assert_string_equal(a.name, name);
	check_opt(a.ftype, ftype);
	assert_string_equal(a.faddr, faddr);
	check_opt(a.po, po);
	assert_int_equal(a.resolved, 0);
	ccm_addr_release(&a);
}

static void bracket_encapsulation_is_foreign(void **state)
{
	expect_foreign("Gamers [SMTP:gamers@litware.com] at HUB", "Gamers", "SMTP",
		       "gamers@litware.com", "HUB");
	/* Q179677: a display name with a comma. */
	expect_foreign("User, Test [SMTP:User@Domain.com] at SITE", "User, Test", "SMTP",
		       "User@Domain.com", "SITE");
	/* " at " inside the brackets is part of the foreign address (Q184994). */
	expect_foreign("Bob [ccmail:bob@x.com at internet] at HUB", "Bob", "ccmail",
		       "bob@x.com at internet", "HUB");
	expect_foreign("[SMTP:a@b.com] at HUB", "", "SMTP", "a@b.com", "HUB");
	/* The one-off form of Q184994 has its only " at " inside. */
	expect_foreign("[ccmail:user@domain at internet]", "", "ccmail",
		       "user@domain at internet", NULL);
	expect_foreign("Odd [NOCOLON]", "Odd", NULL, "NOCOLON", NULL);
}

static void braces_make_an_extended_address(void **state)
{
	struct ccm_addr a;

	parse(&a, "Smith, John at MHSPO {MHS/PO/MBX}", &dir);
	assert_int_equal(a.kind, CCM_ADDR_EXTENDED);
	assert_string_equal(a.name, "Smith, John");
	assert_string_equal(a.po, "MHSPO");
	assert_null(a.ftype);
	assert_string_equal(a.faddr, "MHS/PO/MBX");
	assert_string_equal(a.raw, "Smith, John at MHSPO {MHS/PO/MBX}");
	ccm_addr_release(&a);
}

static void missing_name_before_at_is_kept_empty(void **state)
{
	/* Q249133: Export 8.3 wrote " at PO_NAME". */
	expect(" at PO_NAME", CCM_ADDR_USER, "", "PO_NAME", 0, 0);
	expect("AT PO_NAME", CCM_ADDR_USER, "", "PO_NAME", 0, 0);
	expect("", CCM_ADDR_USER, "", NULL, 0, 0);
	expect("   ", CCM_ADDR_USER, "", NULL, 0, 0);
}

static void broken_brackets_do_not_crash(void **state)
{
	static const char *const odd[] = {
		"Bob [SMTP:x at HUB", "Bob ]x[ at HUB", "]", "[", "{", "}", "[]", "{}",
		"#", "~", "@", "at", "at at", " at  at ", "a [b {c] d} at e", "[[[]]",
	};

	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		struct ccm_addr a;

		parse(&a, odd[i], &dir);
		assert_non_null(a.name);
		assert_non_null(a.raw);
		ccm_addr_release(&a);
	}
	expect("Bob [SMTP:x at HUB", CCM_ADDR_USER, "Bob [SMTP:x", "HUB", 0, 0);
}

static void multibyte_names_are_kept_whole(void **state)
{
	/* CP932 names arrive as UTF-8; "表示, 山田 at TOKYO" */
	expect("\xE8\xA1\xA8\xE7\xA4\xBA, \xE5\xB1\xB1\xE7\x94\xB0 at TOKYO", CCM_ADDR_USER,
	       "\xE8\xA1\xA8\xE7\xA4\xBA, \xE5\xB1\xB1\xE7\x94\xB0", "TOKYO", 0, 0);
}

/* Parses a list against d and returns it; the caller releases. */
static struct ccm_addrlist list(const char *s, const struct ccm_directory *d)
{
	struct ccm_addrlist l = { 0 };

	assert_int_equal(ccm_addrlist_parse(&l, s, strlen(s), d, "SALESPO", "SENDERPO"), 0);
	return l;
}

/* The list as "raw|raw|...", to compare splits at a glance. */
static void expect_split(const char *s, const struct ccm_directory *d, const char *want)
{
	struct ccm_addrlist l = list(s, d);
	struct ccm_buf b = CCM_BUF_INIT;

	for (size_t i = 0; i < l.len; i++)
		ccm_buf_addf(&b, "%s%s", i ? "|" : "", l.v[i].raw);
	if (strcmp(b.ptr, want) != 0)
		fail_msg("'%s' split as '%s', expected '%s'", s, b.ptr, want);
	ccm_buf_release(&b);
	ccm_addrlist_release(&l);
}

static void names_with_po_split_after_the_po(void **state)
{
	struct ccm_addrlist l = list("Smith, John at PO1, Doe, Jane at PO2", NULL);

	assert_int_equal(l.len, 2);
	assert_string_equal(l.v[0].name, "Smith, John");
	assert_string_equal(l.v[0].po, "PO1");
	assert_string_equal(l.v[1].name, "Doe, Jane");
	assert_string_equal(l.v[1].po, "PO2");
	ccm_addrlist_release(&l);
	/* Q243184: the Bcc list of a distribution list. */
	expect_split("Ccuser at DB8, Ccuser2 at DB8", NULL, "Ccuser at DB8|Ccuser2 at DB8");
}

static void local_names_split_by_the_directory(void **state)
{
	struct ccm_addrlist l = list("Smith, John, Doe, Jane", &dir);

	assert_int_equal(l.len, 2);
	assert_string_equal(l.v[0].name, "Smith, John");
	assert_int_equal(l.v[0].resolved, 1);
	assert_string_equal(l.v[0].po, "SALESPO");
	assert_string_equal(l.v[1].name, "Doe, Jane");
	assert_int_equal(l.v[1].resolved, 1);
	ccm_addrlist_release(&l);
	expect_split("smith, john,doe, jane , jsmith", &dir, "smith, john|doe, jane|jsmith");
}

static void unknown_name_stays_one_unresolved_address(void **state)
{
	struct ccm_addrlist l = list("Jones, Tom", &dir);

	assert_int_equal(l.len, 1);
	assert_string_equal(l.v[0].name, "Jones, Tom");
	assert_int_equal(l.v[0].resolved, 0);
	assert_string_equal(l.v[0].po, "SENDERPO");
	ccm_addrlist_release(&l);
	/* Without a directory nothing tells the names apart. */
	expect_split("Smith, John, Doe, Jane", NULL, "Smith, John, Doe, Jane");
}

static void unknown_text_ends_where_a_known_name_begins(void **state)
{
	expect_split("Jones, Tom, Doe, Jane", &dir, "Jones, Tom|Doe, Jane");
	expect_split("Jones, Tom, Doe, Jane at SALESPO, Smith, John", &dir,
		     "Jones, Tom|Doe, Jane at SALESPO|Smith, John");
	expect_split("Doe, Jane, Jones, Tom", &dir, "Doe, Jane|Jones, Tom");
}

static void longest_directory_name_wins(void **state)
{
	struct ccm_directory d = { 0 };

	assert_int_equal(ccm_directory_add(&d, "Smith", 'L', NULL, NULL), 0);
	assert_int_equal(ccm_directory_add(&d, "Smith, John", 'L', NULL, NULL), 0);
	assert_int_equal(ccm_directory_add(&d, "Doe, Jane", 'L', NULL, NULL), 0);
	expect_split("Smith, John, Doe, Jane", &d, "Smith, John|Doe, Jane");
	expect_split("Smith, Doe, Jane", &d, "Smith|Doe, Jane");
	expect_split("Smith, John at HUB, Smith", &d, "Smith, John at HUB|Smith");
	ccm_directory_release(&d);
}

static void encapsulations_end_an_address(void **state)
{
	expect_split("Gamers [SMTP:gamers@litware.com] at HUB, Doe, Jane at PO2", NULL,
		     "Gamers [SMTP:gamers@litware.com] at HUB|Doe, Jane at PO2");
	/* Commas inside brackets and braces do not separate. */
	expect_split("User, Test [SMTP:\"a,b\"@x.com] at SITE, X at Y", NULL,
		     "User, Test [SMTP:\"a,b\"@x.com] at SITE|X at Y");
	expect_split("A at P {MHS/P,Q/A}, B at Q", NULL, "A at P {MHS/P,Q/A}|B at Q");
	expect_split("Name [X400:c=US;a=;p=Lit], Other at PO", NULL,
		     "Name [X400:c=US;a=;p=Lit]|Other at PO");
}

static void stray_commas_and_spaces_are_skipped(void **state)
{
	/* Q179677 showed ",User [SMTP:User@Domain.com] at <site>". */
	expect_split(",User [SMTP:User@Domain.com] at SITE", NULL,
		     "User [SMTP:User@Domain.com] at SITE");
	expect_split("  A at P1 ,, ,  B at P2 , ", NULL, "A at P1|B at P2");
	expect_split("", NULL, "");
	expect_split(" , ,", NULL, "");
}

static void boards_system_names_and_smtp_words_begin_addresses(void **state)
{
	expect_split("#Social at PO5, Smith, John at PO1", NULL,
		     "#Social at PO5|Smith, John at PO1");
	expect_split("#Social, Smith, John", &dir, "#Social|Smith, John");
	expect_split("Jones, Tom, ~ADE_Mailbox", &dir, "Jones, Tom|~ADE_Mailbox");
	expect_split("a@b.com, c@d.com,Jones, Tom", NULL, "a@b.com|c@d.com|Jones, Tom");
	expect_split("Jones, Tom, bob@x.com at INTERNET", NULL,
		     "Jones, Tom|bob@x.com at INTERNET");
}

static void po_name_with_a_comma_stays_whole(void **state)
{
	struct ccm_addrlist l = list("Smith at SALES, EAST, Doe at PO2", &dir);

	assert_int_equal(l.len, 2);
	assert_string_equal(l.v[0].po, "SALES, EAST");
	assert_string_equal(l.v[1].po, "PO2");
	ccm_addrlist_release(&l);
}

static void empty_name_in_a_list_is_kept(void **state)
{
	struct ccm_addrlist l = list("Smith, John at PO1,  at PO_NAME", NULL);

	assert_int_equal(l.len, 2);
	assert_string_equal(l.v[1].name, "");
	assert_string_equal(l.v[1].po, "PO_NAME");
	ccm_addrlist_release(&l);
}

static void list_appends_to_what_is_there(void **state)
{
	struct ccm_addrlist l = list("A at P", NULL);

	assert_int_equal(ccm_addrlist_parse(&l, "B at Q, C at R", 14, NULL, NULL, NULL), 0);
	assert_int_equal(l.len, 3);
	assert_string_equal(l.v[2].name, "C");
	ccm_addrlist_release(&l);
}

static double seconds_since(clock_t t0)
{
	return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

static void long_lists_parse_in_linear_time(void **state)
{
	struct ccm_directory d = { 0 };
	struct ccm_buf b = CCM_BUF_INIT;
	struct ccm_addrlist l = { 0 };
	char name[64];
	clock_t t0;

	/* 2000 local names split only by the directory. */
	for (int i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "User%04d, First", i);
		assert_int_equal(ccm_directory_add(&d, name, 'L', NULL, NULL), 0);
		ccm_buf_addf(&b, "%s%s", i ? ", " : "", name);
	}
	t0 = clock();
	assert_int_equal(ccm_addrlist_parse(&l, b.ptr, b.len, &d, "HOME", NULL), 0);
	assert_true(seconds_since(t0) < 1.0);
	assert_int_equal(l.len, 2000);
	assert_string_equal(l.v[1999].name, "User1999, First");
	assert_int_equal(l.v[1999].resolved, 1);
	ccm_addrlist_release(&l);

	/* 2000 addresses with their PO. */
	ccm_buf_reset(&b);
	for (int i = 0; i < 2000; i++)
		ccm_buf_addf(&b, "%sOther%04d, Person at PO%d", i ? ", " : "", i, i % 7);
	t0 = clock();
	assert_int_equal(ccm_addrlist_parse(&l, b.ptr, b.len, &d, "HOME", NULL), 0);
	assert_true(seconds_since(t0) < 1.0);
	assert_int_equal(l.len, 2000);
	ccm_addrlist_release(&l);

	/* 160 KB of names nobody knows: one unresolved address, kept whole. */
	ccm_buf_reset(&b);
	while (b.len < 160 * 1024)
		ccm_buf_adds(&b, "Unknown, Name, ");
	ccm_buf_adds(&b, "Last");
	t0 = clock();
	assert_int_equal(ccm_addrlist_parse(&l, b.ptr, b.len, &d, "HOME", NULL), 0);
	assert_true(seconds_since(t0) < 1.0);
	assert_int_equal(l.len, 1);
	assert_int_equal(strlen(l.v[0].raw), b.len);
	ccm_addrlist_release(&l);

	/* The same with a known name at the end of each unknown pair. */
	ccm_buf_reset(&b);
	while (b.len < 160 * 1024)
		ccm_buf_adds(&b, "Unknown, Name, User0001, First, ");
	t0 = clock();
	assert_int_equal(ccm_addrlist_parse(&l, b.ptr, b.len, &d, "HOME", NULL), 0);
	assert_true(seconds_since(t0) < 1.0);
	assert_true(l.len > 9000);
	assert_string_equal(l.v[0].name, "Unknown, Name");
	assert_string_equal(l.v[1].name, "User0001, First");
	ccm_addrlist_release(&l);

	ccm_buf_release(&b);
	ccm_directory_release(&d);
}

static void format_writes_the_canonical_form(void **state)
{
	static const char *const t[][2] = {
		{ "  Smith, John   AT  SALESPO ", "Smith, John at SALESPO" },
		{ "smith, john", "smith, john at SALESPO" },
		{ "#Social at PO5", "#Social at PO5" },
		{ "~ADE_Mailbox", "~ADE_Mailbox at SENDERPO" },
		{ "bob@x.com at INTERNET", "bob@x.com at INTERNET" },
		{ "nobody@x.com", "nobody@x.com" },
		{ "Gamers [ SMTP : gamers@litware.com ]  at HUB",
		  "Gamers [SMTP:gamers@litware.com] at HUB" },
		{ "[SMTP:a@b.com] at HUB", "[SMTP:a@b.com] at HUB" },
		{ "Smith, John at MHSPO {MHS/PO/MBX}", "Smith, John at MHSPO {MHS/PO/MBX}" },
		{ " at PO_NAME", " at PO_NAME" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ccm_buf b = CCM_BUF_INIT;
		struct ccm_addr a;

		parse(&a, t[i][0], &dir);
		ccm_buf_adds(&b, ">");
		ccm_addr_format(&b, &a);
		assert_string_equal(b.ptr + 1, t[i][1]);
		assert_int_equal(b.ptr[0], '>');
		ccm_buf_release(&b);
		ccm_addr_release(&a);
	}
}

static void format_reads_back_to_the_same_fields(void **state)
{
	static const char *const t[] = {
		"Smith, John at SALESPO", "Jones, Tom", "#Social at PO5", "#Social",
		"~ADE_Mailbox", "~NDR at HUB", "bob@x.com at INTERNET", "bob@example.com",
		"Gamers [SMTP:gamers@litware.com] at HUB", "[SMTP:a@b.com] at HUB",
		"Bob [ccmail:bob@x.com at internet] at HUB", "Odd [NOCOLON]",
		"Smith, John at MHSPO {MHS/PO/MBX}", "Name {MHS/A/B}", " at PO_NAME",
		"Meet at Noon at HUB", "Parkes, Joe",
		/* A foreign name that ends in the word "at" keeps its brackets. */
		"Jones] at[SMTP:j@x.com]", "at[SMTP:a@b.com]",
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct ccm_buf b = CCM_BUF_INIT;
		struct ccm_addr a, r;

		parse(&a, t[i], &dir);
		ccm_addr_format(&b, &a);
		parse(&r, b.ptr, &dir);
		assert_int_equal(r.kind, a.kind);
		assert_string_equal(r.name, a.name);
		check_opt(r.po, a.po);
		check_opt(r.ftype, a.ftype);
		check_opt(r.faddr, a.faddr);
		assert_int_equal(r.resolved, a.resolved);
		assert_int_equal(r.po_implied, 0);
		ccm_buf_release(&b);
		ccm_addr_release(&a);
		ccm_addr_release(&r);
	}
}

static void kind_names_are_stable(void **state)
{
	assert_string_equal(ccm_addr_kind_name(CCM_ADDR_USER), "user");
	assert_string_equal(ccm_addr_kind_name(CCM_ADDR_BOARD), "board");
	assert_string_equal(ccm_addr_kind_name(CCM_ADDR_SYSTEM), "system");
	assert_string_equal(ccm_addr_kind_name(CCM_ADDR_SMTP), "smtp");
	assert_string_equal(ccm_addr_kind_name(CCM_ADDR_FOREIGN), "foreign");
	assert_string_equal(ccm_addr_kind_name(CCM_ADDR_EXTENDED), "extended");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_name_at_po_forms),
		cmocka_unit_test(po_follows_the_last_at),
		cmocka_unit_test(bare_names_resolve_by_location),
		cmocka_unit_test(unknown_bare_name_takes_the_senders_po),
		cmocka_unit_test(boards_and_system_names),
		cmocka_unit_test(smtp_through_a_gateway),
		cmocka_unit_test(bracket_encapsulation_is_foreign),
		cmocka_unit_test(braces_make_an_extended_address),
		cmocka_unit_test(missing_name_before_at_is_kept_empty),
		cmocka_unit_test(broken_brackets_do_not_crash),
		cmocka_unit_test(multibyte_names_are_kept_whole),
		cmocka_unit_test(names_with_po_split_after_the_po),
		cmocka_unit_test(local_names_split_by_the_directory),
		cmocka_unit_test(unknown_name_stays_one_unresolved_address),
		cmocka_unit_test(unknown_text_ends_where_a_known_name_begins),
		cmocka_unit_test(longest_directory_name_wins),
		cmocka_unit_test(encapsulations_end_an_address),
		cmocka_unit_test(stray_commas_and_spaces_are_skipped),
		cmocka_unit_test(boards_system_names_and_smtp_words_begin_addresses),
		cmocka_unit_test(po_name_with_a_comma_stays_whole),
		cmocka_unit_test(empty_name_in_a_list_is_kept),
		cmocka_unit_test(list_appends_to_what_is_there),
		cmocka_unit_test(long_lists_parse_in_linear_time),
		cmocka_unit_test(format_writes_the_canonical_form),
		cmocka_unit_test(format_reads_back_to_the_same_fields),
		cmocka_unit_test(kind_names_are_stable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
