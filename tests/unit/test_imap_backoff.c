/* test_imap_backoff.c: the waits before trying a server again that asks ccmig to slow down. */
#include "testutil.h"

#include "export/imap_backoff.h"

static void waits_double_up_to_the_cap(void **state)
{
	struct ccm_imap_backoff b;
	const long long want[] = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000 };

	(void)state;
	ccm_imap_backoff_init(&b, 0, 0, 600 * 1000);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(ccm_imap_backoff_next(&b, 0), want[i]);
}

static void the_budget_bounds_the_waits_in_all(void **state)
{
	struct ccm_imap_backoff b;

	(void)state;
	/* 100 + 200 + 400, then what is left: 300; then nothing. */
	ccm_imap_backoff_init(&b, 100, 0, 1000);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), 100);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), 200);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), 400);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), 300);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), -1);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), -1);
	/* No budget: no wait at all. */
	ccm_imap_backoff_init(&b, 100, 0, 0);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), -1);
}

static void progress_starts_waits_and_budget_over(void **state)
{
	struct ccm_imap_backoff b;

	(void)state;
	ccm_imap_backoff_init(&b, 100, 0, 350);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), 100);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), 200);
	ccm_imap_backoff_progress(&b);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), 100);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), 200);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), 50);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), -1);
}

static void a_longer_suggestion_of_the_server_is_kept(void **state)
{
	struct ccm_imap_backoff b;

	(void)state;
	ccm_imap_backoff_init(&b, 100, 0, 60 * 1000);
	assert_int_equal(ccm_imap_backoff_next(&b, 1234), 1234);
	/* The doubling goes on underneath: 200, not a shorter suggestion. */
	assert_int_equal(ccm_imap_backoff_next(&b, 50), 200);
	/* Longer than the cap: the server knows its load. */
	assert_int_equal(ccm_imap_backoff_next(&b, 90 * 1000), 60 * 1000 - 1434);
}

static void base_and_cap_are_sane(void **state)
{
	struct ccm_imap_backoff b;

	(void)state;
	ccm_imap_backoff_init(&b, 5000, 2000, 10 * 1000);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), 2000);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), 2000);
	ccm_imap_backoff_init(&b, -1, 0, 10 * 1000);
	assert_int_equal(ccm_imap_backoff_next(&b, 0), CCM_IMAP_BACKOFF_BASE_MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(waits_double_up_to_the_cap),
		cmocka_unit_test(the_budget_bounds_the_waits_in_all),
		cmocka_unit_test(progress_starts_waits_and_budget_over),
		cmocka_unit_test(a_longer_suggestion_of_the_server_is_kept),
		cmocka_unit_test(base_and_cap_are_sane),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
