/* test_lists.c: public mailing lists and private address books. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "base/codepage.h"
#include "ccmail/lists.h"

struct fx {
	char *dir;
	char *path;
	struct ccm_diaglist diags;
	struct ccm_report rep;
	struct ccm_lists lists;
	struct ccm_pab pab;
	struct ccm_error err;
};

static struct fx *fx_new(const char *text)
{
	struct fx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->dir = tu_mkdtemp();
	x->path = tu_writes(x->dir, "lists.exp", text);
	x->rep.sink = ccm_diaglist_sink;
	x->rep.ctx = &x->diags;
	return x;
}

static struct fx *fx_lists(const char *text, struct ccm_cp *cp)
{
	struct fx *x = fx_new(text);
	int rc = ccm_lists_read(&x->lists, x->path, "lists.exp", cp, &x->rep, &x->err);

	if (rc != 0)
		fail_msg("lists refused (%d): %s", rc, x->err.msg);
	return x;
}

static struct fx *fx_pab(const char *text)
{
	struct fx *x = fx_new(text);
	int rc = ccm_pab_read(&x->pab, x->path, "smith.exp", NULL, &x->rep, &x->err);

	if (rc != 0)
		fail_msg("PAB refused (%d): %s", rc, x->err.msg);
	return x;
}

static void fx_free(struct fx *x)
{
	ccm_lists_release(&x->lists);
	ccm_pab_release(&x->pab);
	ccm_diaglist_release(&x->diags);
	tu_rmtree(x->dir);
	free(x->dir);
	free(x->path);
	free(x);
}

static void spec_list_example_is_read(void **state)
{
	struct fx *x = fx_lists("List: Sales Team\r\nComments: everyone in sales\r\n"
				"Member: Smith, John at SALESPO\r\nMember: Doe, Jane\r\n", NULL);
	const struct ccm_list *l;

	assert_int_equal(x->lists.len, 1);
	l = &x->lists.v[0];
	assert_string_equal(l->name, "Sales Team");
	assert_string_equal(l->comments, "everyone in sales");
	assert_int_equal(l->line, 1);
	assert_int_equal(l->n_members, 2);
	assert_string_equal(l->members[0], "Smith, John at SALESPO");
	assert_string_equal(l->members[1], "Doe, Jane");
	assert_int_equal(x->diags.len, 0);
	fx_free(x);
}

static void last_first_member_is_one_member(void **state)
{
	/* Q214838: the wizard split "Smith, John" into "Smith" and "John". */
	struct fx *x = fx_lists("List: Team\nMember: Smith, John\nMember: Grande, Jon, Jr.\n", NULL);

	assert_int_equal(x->lists.v[0].n_members, 2);
	assert_string_equal(x->lists.v[0].members[0], "Smith, John");
	assert_string_equal(x->lists.v[0].members[1], "Grande, Jon, Jr.");
	fx_free(x);
}

static void many_lists_and_members_are_kept_in_order(void **state)
{
	struct ccm_buf b = CCM_BUF_INIT;
	struct fx *x;

	for (int l = 0; l < 40; l++) {
		ccm_buf_addf(&b, "List: L%d\n", l);
		for (int m = 0; m < 100; m++)
			ccm_buf_addf(&b, "Member: U%d, M%d\n", l, m);
		ccm_buf_adds(&b, "\n");
	}
	x = fx_lists(b.ptr, NULL);
	assert_int_equal(x->lists.len, 40);
	assert_string_equal(x->lists.v[39].name, "L39");
	assert_int_equal(x->lists.v[39].n_members, 100);
	assert_string_equal(x->lists.v[39].members[99], "U39, M99");
	assert_string_equal(x->lists.v[7].members[64], "U7, M64");
	ccm_buf_release(&b);
	fx_free(x);
}

static void list_line_starts_a_new_list_without_a_blank_line(void **state)
{
	struct fx *x = fx_lists("List: A\nMember: a1\nList: B\nMember: b1\nMember: b2\n", NULL);

	assert_int_equal(x->lists.len, 2);
	assert_int_equal(x->lists.v[0].n_members, 1);
	assert_int_equal(x->lists.v[1].n_members, 2);
	assert_int_equal(x->lists.v[1].line, 3);
	fx_free(x);
}

static void blocks_that_are_not_lists_are_reported_once(void **state)
{
	struct fx *x = fx_lists("Entry: Dad\nAddr: Parkes, Joe at HQPO\nComments: home\n\n"
				"List: Real\nMember: x\n", NULL);

	assert_int_equal(x->lists.len, 1);
	assert_string_equal(x->lists.v[0].name, "Real");
	assert_int_equal(ccm_diaglist_count(&x->diags, "stray-lines"), 1);
	assert_int_equal(x->diags.items[0].line, 1);
	assert_non_null(strstr(x->diags.items[0].text, "3 line(s)"));
	fx_free(x);
}

static void odd_lines_inside_a_list_are_reported(void **state)
{
	struct fx *x = fx_lists("List: A\nMember:\nOwner: Smith\nComments: one\n"
				"Comments: two\nMember: m\n", NULL);

	assert_int_equal(x->lists.v[0].n_members, 1);
	assert_string_equal(x->lists.v[0].comments, "one");
	assert_int_equal(ccm_diaglist_count(&x->diags, "empty-member"), 1);
	assert_int_equal(ccm_diaglist_count(&x->diags, "unknown-keyword"), 1);
	assert_int_equal(ccm_diaglist_count(&x->diags, "duplicate-keyword"), 1);
	fx_free(x);
}

static void spec_pab_example_is_read(void **state)
{
	struct fx *x = fx_pab("Entry: Dad\r\nAddr: Parkes, Joe at HQPO\r\nComments: home\r\n\r\n"
			      "List: My Friends\r\nMember: Dad\r\nMember: Grande, Jon at SALESPO\r\n");
	const struct ccm_pab *p = &x->pab;

	assert_int_equal(p->n_entries, 1);
	assert_string_equal(p->entries[0].name, "Dad");
	assert_string_equal(p->entries[0].addr, "Parkes, Joe at HQPO");
	assert_string_equal(p->entries[0].comments, "home");
	assert_int_equal(p->entries[0].line, 1);
	assert_int_equal(p->n_lists, 1);
	assert_string_equal(p->lists[0].name, "My Friends");
	assert_int_equal(p->lists[0].n_members, 2);
	assert_string_equal(p->lists[0].members[0], "Dad");
	assert_string_equal(p->lists[0].members[1], "Grande, Jon at SALESPO");
	assert_int_equal(x->diags.len, 0);
	fx_free(x);
}

static void pab_entry_without_addr_is_kept_and_reported(void **state)
{
	struct fx *x = fx_pab("Entry: Nobody\nComments: lost\n\nEntry: Mum\nAddr: Mum at HOME\n");

	assert_int_equal(x->pab.n_entries, 2);
	assert_null(x->pab.entries[0].addr);
	assert_string_equal(x->pab.entries[1].addr, "Mum at HOME");
	assert_int_equal(ccm_diaglist_count(&x->diags, "incomplete-entry"), 1);
	fx_free(x);
}

static void pab_member_outside_a_list_is_reported(void **state)
{
	struct fx *x = fx_pab("Member: Dad\n\nEntry: Dad\nAddr: D at P\nMember: x\n");

	assert_int_equal(x->pab.n_entries, 1);
	assert_int_equal(ccm_diaglist_count(&x->diags, "stray-lines"), 1);
	assert_int_equal(ccm_diaglist_count(&x->diags, "unknown-keyword"), 1);
	fx_free(x);
}

static void missing_lists_file_is_not_found(void **state)
{
	struct ccm_lists l;
	struct ccm_pab p;
	struct ccm_error err;

	assert_int_equal(ccm_lists_read(&l, "/nonexistent/ccmig/lists.exp", NULL, NULL,
					NULL, &err), CCM_ENOTFOUND);
	assert_int_equal(l.len, 0);
	assert_non_null(strstr(err.msg, "Lists:"));
	assert_int_equal(ccm_pab_read(&p, "/nonexistent/ccmig/pab.exp", NULL, NULL,
				      NULL, &err), CCM_ENOTFOUND);
	assert_int_equal(p.n_entries + p.n_lists, 0);
	assert_non_null(strstr(err.msg, "Private:"));
}

static void shift_jis_trail_bytes_stay_inside_names(void **state)
{
	/* Q198861: 0x95 0x5C is one character in CP932 whose trail byte is '\'. */
	struct ccm_cp *cp = NULL;
	struct ccm_error err;
	struct fx *x;

	assert_int_equal(ccm_cp_open(&cp, 932, &err), 0);
	x = fx_lists("List: \x95\x5C\nMember: \x95\x5C, \x8E\x52\x93\x63 at TOKYO\n", cp);
	assert_string_equal(x->lists.v[0].name, "\xE8\xA1\xA8");
	assert_string_equal(x->lists.v[0].members[0],
			    "\xE8\xA1\xA8, \xE5\xB1\xB1\xE7\x94\xB0 at TOKYO");
	assert_null(strchr(x->lists.v[0].members[0], '\\'));
	fx_free(x);
	ccm_cp_free(cp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_list_example_is_read),
		cmocka_unit_test(last_first_member_is_one_member),
		cmocka_unit_test(many_lists_and_members_are_kept_in_order),
		cmocka_unit_test(list_line_starts_a_new_list_without_a_blank_line),
		cmocka_unit_test(blocks_that_are_not_lists_are_reported_once),
		cmocka_unit_test(odd_lines_inside_a_list_are_reported),
		cmocka_unit_test(spec_pab_example_is_read),
		cmocka_unit_test(pab_entry_without_addr_is_kept_and_reported),
		cmocka_unit_test(pab_member_outside_a_list_is_reported),
		cmocka_unit_test(missing_lists_file_is_not_found),
		cmocka_unit_test(shift_jis_trail_bytes_stay_inside_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
