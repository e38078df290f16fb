/* test_imap_pace.c: at most so many messages a second over one IMAP connection. */
#include "testutil.h"

#include "export/imap_pace.h"

#define S 1000000000ll

static void starts_are_spaced_by_the_interval(void **state)
{
	struct ccm_imap_pace p;

	(void)state;
	ccm_imap_pace_init(&p, 4);               /* 250 ms apart */
	assert_int_equal(p.interval_ns, S / 4);
	/* The first goes at once. */
	assert_int_equal(ccm_imap_pace_due(&p, 10 * S), 10 * S);
	ccm_imap_pace_started(&p, 10 * S);
	/* The next not before 250 ms on, however early it asks. */
	assert_int_equal(ccm_imap_pace_due(&p, 10 * S + 1), 10 * S + S / 4);
	ccm_imap_pace_started(&p, 10 * S + S / 4);
	assert_int_equal(ccm_imap_pace_due(&p, 10 * S + S / 4), 10 * S + S / 2);
}

static void idle_time_is_not_saved_up_for_a_burst(void **state)
{
	struct ccm_imap_pace p;

	(void)state;
	ccm_imap_pace_init(&p, 2);
	ccm_imap_pace_started(&p, 0);
	/* Ten seconds on something else (a login, a folder's IDs): the
	 * next goes at once, the one after it half a second later, not at
	 * once as a bucket that filled up meanwhile would let it. */
	assert_int_equal(ccm_imap_pace_due(&p, 10 * S), 10 * S);
	ccm_imap_pace_started(&p, 10 * S);
	assert_int_equal(ccm_imap_pace_due(&p, 10 * S), 10 * S + S / 2);
}

static void a_late_start_moves_the_next_on(void **state)
{
	struct ccm_imap_pace p;

	(void)state;
	ccm_imap_pace_init(&p, 10);
	ccm_imap_pace_started(&p, S);
	/* Due at 1.1 s, started at 1.13 s (a sleep that ran over): the
	 * next is due 100 ms after the start, never closer. */
	ccm_imap_pace_started(&p, S + 130000000);
	assert_int_equal(ccm_imap_pace_due(&p, S + 140000000), S + 230000000);
}

static void fractions_no_cap_and_the_maximum(void **state)
{
	struct ccm_imap_pace p;

	(void)state;
	ccm_imap_pace_init(&p, 0.5);
	assert_int_equal(p.interval_ns, 2 * S);
	ccm_imap_pace_init(&p, 0);
	assert_int_equal(p.interval_ns, 0);
	ccm_imap_pace_started(&p, 5 * S);
	assert_int_equal(ccm_imap_pace_due(&p, 5 * S), 5 * S);
	assert_int_equal(ccm_imap_pace_wait(&p), 0);
	ccm_imap_pace_init(&p, -3);
	assert_int_equal(p.interval_ns, 0);
	ccm_imap_pace_init(&p, 1e12);
	assert_int_equal(p.interval_ns, 1000);
}

static void wait_sleeps_on_the_monotonic_clock(void **state)
{
	struct ccm_imap_pace p;
	long long t0, slept;

	(void)state;
	ccm_imap_pace_init(&p, 20);              /* 50 ms apart */
	t0 = ccm_imap_pace_now();
	assert_true(ccm_imap_pace_wait(&p) < S / 100);   /* the first: at once */
	slept = ccm_imap_pace_wait(&p);
	assert_true(slept > 0);
	assert_true(ccm_imap_pace_now() - t0 >= S / 20);
	slept += ccm_imap_pace_wait(&p);
	assert_true(ccm_imap_pace_now() - t0 >= 2 * S / 20);
	assert_true(p.waited_ns >= slept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(starts_are_spaced_by_the_interval),
		cmocka_unit_test(idle_time_is_not_saved_up_for_a_burst),
		cmocka_unit_test(a_late_start_moves_the_next_on),
		cmocka_unit_test(fractions_no_cap_and_the_maximum),
		cmocka_unit_test(wait_sleeps_on_the_monotonic_clock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
