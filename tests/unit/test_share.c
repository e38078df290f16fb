/* test_share.c: the deal of mailboxes into shares by bytes, and "I/N". */
#include "testutil.h"

#include <string.h>

#include "ccmail/share.h"

static void largest_first_to_the_lightest_share(void **state)
{
	/* 100 to share 0, 60 and 50 to 1 and ... */
	const unsigned long long bytes[] = { 10, 100, 60, 50, 40 };
	size_t to[5];

	(void)state;
	assert_int_equal(ccm_share_assign(to, bytes, 5, 2, NULL), 0);
	/* 100 -> 0; 60 -> 1; 50 -> 1 (61 < 101); 40 -> 0 (101 < 111);
	 * 10 -> 1 (111 < 141) */
	assert_int_equal(to[1], 0);
	assert_int_equal(to[2], 1);
	assert_int_equal(to[3], 1);
	assert_int_equal(to[4], 0);
	assert_int_equal(to[0], 1);
}

static void equal_sizes_keep_the_given_order(void **state)
{
	const unsigned long long bytes[] = { 0, 0, 0, 0, 0, 0, 0 };
	size_t to[7];

	(void)state;
	/* Mailboxes without mail spread over the shares in turn. */
	assert_int_equal(ccm_share_assign(to, bytes, 7, 3, NULL), 0);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(to[i], i % 3);
}

static void one_share_takes_all(void **state)
{
	const unsigned long long bytes[] = { 5, 7, 9 };
	size_t to[3] = { 9, 9, 9 };

	(void)state;
	assert_int_equal(ccm_share_assign(to, bytes, 3, 1, NULL), 0);
	assert_int_equal(to[0] + to[1] + to[2], 0);
	assert_int_equal(ccm_share_assign(to, bytes, 0, 4, NULL), 0);
}

static void the_same_deal_every_time(void **state)
{
	unsigned long long bytes[200];
	size_t a[200], b[200];

	(void)state;
	for (size_t i = 0; i < 200; i++)
		bytes[i] = (i * 7919) % 1013;
	assert_int_equal(ccm_share_assign(a, bytes, 200, 7, NULL), 0);
	assert_int_equal(ccm_share_assign(b, bytes, 200, 7, NULL), 0);
	assert_memory_equal(a, b, sizeof(a));
}

static void shares_are_i_of_n(void **state)
{
	size_t i = 9, n = 9;

	(void)state;
	assert_int_equal(ccm_share_parse("0/1", &i, &n), 0);
	assert_int_equal(i, 0);
	assert_int_equal(n, 1);
	assert_int_equal(ccm_share_parse("3/4", &i, &n), 0);
	assert_int_equal(i, 3);
	assert_int_equal(n, 4);
	for (const char *const *p = (const char *const[]){ "4/4", "1/0", "", "1", "a/2",
			"-1/2", "1/-2", "1/2x", " 1/2", "1/ 2", "1//2", NULL }; *p; p++)
		assert_int_equal(ccm_share_parse(*p, &i, &n), -1);
	assert_int_equal(ccm_share_parse(NULL, &i, &n), -1);
}

static void no_share_holds_everything(void **state)
{
	(void)state;
	assert_int_equal(ccm_share_has(NULL, "anyone"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(largest_first_to_the_lightest_share),
		cmocka_unit_test(equal_sizes_keep_the_given_order),
		cmocka_unit_test(one_share_takes_all),
		cmocka_unit_test(the_same_deal_every_time),
		cmocka_unit_test(shares_are_i_of_n),
		cmocka_unit_test(no_share_holds_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
