/* test_size_limit.c: the sizes an export's limit is given in, and the targets. */
#include "testutil.h"

#include <string.h>

#include "export/size_limit.h"

/* Bytes, and K, M, G of 1024 with or without "B" or "iB". */
static void sizes_are_bytes_or_powers_of_1024(void **state)
{
	static const struct { const char *text; unsigned long long want; } ok[] = {
		{ "1", 1 }, { "14000", 14000 }, { "25M", 26214400 }, { "25MB", 26214400 },
		{ "25MiB", 26214400 }, { "25m", 26214400 }, { "64K", 65536 },
		{ "1.5G", 1610612736 }, { "1024G", 1ULL << 40 },
	};
	struct ccm_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		unsigned long long v = 0;

		assert_int_equal(ccm_size_parse(&v, ok[i].text, &err), 0);
		assert_true(v == ok[i].want);
	}
}

/* What is not a size is refused, saying what is taken. */
static void what_is_not_a_size_is_refused(void **state)
{
	static const char *const bad[] = {
		"12X", "", "M", " 5", "+5", "-5", "0x10", "1e3", "inf", "1.5", "5MM",
		"5 M", "1.", "0", "0K", "1025G", "2T", "99999999999999999999",
	};
	struct ccm_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned long long v = 7;

		assert_int_equal(ccm_size_parse(&v, bad[i], &err), CCM_EINVAL);
		assert_true(v == 7);
		assert_non_null(strstr(err.msg, "--max-message-size"));
	}
}

static void targets_have_their_providers_limits(void **state)
{
	unsigned long long v = 1;
	struct ccm_error err;

	(void)state;
	assert_int_equal(ccm_size_target(&v, "m365", 0, &err), 0);
	assert_true(v == 36700160);
	assert_int_equal(ccm_size_target(&v, "gmail", 0, &err), 0);
	assert_true(v == 25000000);
	assert_int_equal(ccm_size_target(&v, "dovecot", 0, &err), 0);
	assert_true(v == 0);
	/* PST files reach Microsoft 365 through its Import service. */
	assert_int_equal(ccm_size_target(&v, "m365", 1, &err), 0);
	assert_true(v == 157286400);
	assert_int_equal(ccm_size_target(&v, "gmail", 1, &err), 0);
	assert_true(v == 25000000);
	assert_int_equal(ccm_size_target(&v, "Gmail", 0, &err), CCM_EINVAL);
	assert_string_equal(err.msg, "--target takes m365, gmail or dovecot, not 'Gmail'");
}

static void a_limit_takes_the_size_over_the_target_and_names_who_set_it(void **state)
{
	static const struct ccm_size_names fields = { "max", "target", "split" };
	struct ccm_size_limit l;
	struct ccm_buf src = CCM_BUF_INIT;
	struct ccm_error err;

	(void)state;
	assert_int_equal(ccm_size_limit_set(&l, &src, NULL, "gmail", 1, 0,
					    &ccm_size_option_names, &err), 0);
	assert_true(l.max == 25000000 && l.split == 1);
	assert_string_equal(l.source, "--target gmail");
	ccm_buf_reset(&src);
	assert_int_equal(ccm_size_limit_set(&l, &src, "2M", "m365", 0, 1,
					    &ccm_size_option_names, &err), 0);
	assert_true(l.max == 2097152);
	assert_string_equal(l.source, "--max-message-size 2M");
	/* A target is checked even when a size wins over it. */
	ccm_buf_reset(&src);
	assert_int_equal(ccm_size_limit_set(&l, &src, "2M", "aol", 0, 0,
					    &ccm_size_option_names, &err), CCM_EINVAL);
	assert_string_equal(err.msg, "--target takes m365, gmail or dovecot, not 'aol'");
	/* Splitting needs a limit; the error speaks the caller's names. */
	ccm_buf_reset(&src);
	assert_int_equal(ccm_size_limit_set(&l, &src, NULL, NULL, 1, 0, &fields, &err),
			 CCM_EINVAL);
	assert_string_equal(err.msg, "split needs a limit: give max SIZE or target m365|gmail");
	ccm_buf_reset(&src);
	assert_int_equal(ccm_size_limit_set(&l, &src, NULL, "dovecot", 1, 0,
					    &ccm_size_option_names, &err), CCM_EINVAL);
	ccm_buf_reset(&src);
	assert_int_equal(ccm_size_limit_set(&l, &src, NULL, NULL, 0, 0, &fields, &err), 0);
	assert_true(l.max == 0);
	ccm_buf_release(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_are_bytes_or_powers_of_1024),
		cmocka_unit_test(what_is_not_a_size_is_refused),
		cmocka_unit_test(targets_have_their_providers_limits),
		cmocka_unit_test(a_limit_takes_the_size_over_the_target_and_names_who_set_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
