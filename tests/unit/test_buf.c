/* test_buf.c: the growable buffer keeps its invariants. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/error.h"

static void empty_buffer_is_a_valid_empty_string(void **state)
{
	struct ccm_buf b = CCM_BUF_INIT;

	(void)state;
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	ccm_buf_release(&b);
	assert_non_null(b.ptr);
	assert_int_equal(b.len, 0);
}

static void adding_keeps_it_nul_terminated(void **state)
{
	struct ccm_buf b = CCM_BUF_INIT;

	(void)state;
	for (int i = 0; i < 1000; i++)
		ccm_buf_addch(&b, 'a' + i % 26);
	assert_int_equal(b.len, 1000);
	assert_int_equal(b.ptr[1000], '\0');
	ccm_buf_addf(&b, "%s-%d", "x", 42);
	assert_string_equal(b.ptr + 1000, "x-42");
	ccm_buf_truncate(&b, 3);
	assert_string_equal(b.ptr, "abc");
	ccm_buf_release(&b);
}

static void binary_data_with_nul_bytes_keeps_its_length(void **state)
{
	struct ccm_buf b = CCM_BUF_INIT;

	(void)state;
	ccm_buf_add(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.ptr, "a\0b", 3);
	ccm_buf_release(&b);
}

static void formatting_past_the_first_allocation_grows(void **state)
{
	struct ccm_buf b = CCM_BUF_INIT;
	char big[5000];

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ccm_buf_adds(&b, "start:");
	ccm_buf_addf(&b, "%s|%s", big, big);
	assert_int_equal(b.len, 6 + 2 * 4999 + 1);
	assert_int_equal(b.ptr[b.len - 1], 'z');
	assert_int_equal(b.ptr[6 + 4999], '|');
	ccm_buf_release(&b);
}

static void detach_hands_over_and_empties(void **state)
{
	struct ccm_buf b = CCM_BUF_INIT;
	size_t n;
	char *s;

	(void)state;
	s = ccm_buf_detach(&b, &n);    /* even an empty one gives a string */
	assert_non_null(s);
	assert_int_equal(n, 0);
	free(s);
	ccm_buf_adds(&b, "  trim me \t");
	ccm_buf_trim(&b);
	s = ccm_buf_detach(&b, &n);
	assert_string_equal(s, "trim me");
	assert_int_equal(n, 7);
	assert_int_equal(b.len, 0);
	free(s);
}

/* Memory that cannot be had ends the process, in one place, with a
 * message that says what to do: nobody checks an append. */
static void growth_that_cannot_be_had_ends_the_process(void **state)
{
	int fds[2], status;
	char msg[512];
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ccm_buf b = CCM_BUF_INIT;

		dup2(fds[1], 2);
		ccm_buf_adds(&b, "keep");
		ccm_buf_grow(&b, (size_t)-1 / 2);
		_exit(0);        /* not reached */
	}
	close(fds[1]);
	n = read(fds[0], msg, sizeof(msg) - 1);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	assert_true(n > 0);
	msg[n] = '\0';
	assert_non_null(strstr(msg, "ccmig: out of memory"));
	assert_non_null(strstr(msg, "run the same command again"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_buffer_is_a_valid_empty_string),
		cmocka_unit_test(adding_keeps_it_nul_terminated),
		cmocka_unit_test(binary_data_with_nul_bytes_keeps_its_length),
		cmocka_unit_test(formatting_past_the_first_allocation_grows),
		cmocka_unit_test(detach_hands_over_and_empties),
		cmocka_unit_test(growth_that_cannot_be_had_ends_the_process),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
