/* test_input.c: buffered input: lines, limits, seeks, lazy line numbers. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "base/input.h"

struct fx {
	char *dir, *path;
	struct ccm_in in;
};

static struct fx *open_with(const void *data, size_t n)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct ccm_error err;

	assert_non_null(x);
	x->dir = tu_mkdtemp();
	x->path = tu_write(x->dir, "f", data, n);
	assert_int_equal(ccm_in_open(&x->in, x->path, &err), 0);
	return x;
}

static void close_fx(struct fx *x)
{
	ccm_in_close(&x->in);
	tu_rmtree(x->dir);
	free(x->dir);
	free(x->path);
	free(x);
}

static void expect_line(struct fx *x, const char *want, size_t want_eol)
{
	const char *line;
	size_t len, eol;

	assert_int_equal(ccm_in_peekline(&x->in, &line, &len, &eol), 1);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(line, want, len);
	assert_int_equal(eol, want_eol);
	ccm_in_consume(&x->in, len + eol);
}

static void lines_with_crlf_lf_and_none_at_the_end(void **state)
{
	struct fx *x = open_with("one\r\ntwo\n\r\nlast", 15);
	const char *line;
	size_t len, eol;

	(void)state;
	expect_line(x, "one", 2);
	expect_line(x, "two", 1);
	expect_line(x, "", 2);
	expect_line(x, "last", 0);
	assert_int_equal(ccm_in_peekline(&x->in, &line, &len, &eol), 0);
	close_fx(x);
}

static void limit_makes_the_file_end_early(void **state)
{
	struct fx *x = open_with("abc\r\ndef\r\nghi\r\n", 15);
	const char *line;
	size_t len, eol;

	(void)state;
	x->in.limit = 7;           /* "abc\r\nde" */
	expect_line(x, "abc", 2);
	expect_line(x, "de", 0);
	assert_int_equal(ccm_in_peekline(&x->in, &line, &len, &eol), 0);
	assert_int_equal(ccm_in_avail(&x->in), 0);
	close_fx(x);
}

static void line_longer_than_the_maximum_is_cut_and_flagged(void **state)
{
	size_t n = 3 * 1024 * 1024;
	char *data = malloc(n + 8);
	struct fx *x;
	const char *line;
	size_t len, eol;

	(void)state;
	assert_non_null(data);
	memset(data, 'x', n);
	memcpy(data + n, "\r\nok\r\n", 6);
	x = open_with(data, n + 6);
	assert_int_equal(ccm_in_peekline(&x->in, &line, &len, &eol), CCM_ELIMIT);
	assert_int_equal(len, CCM_IN_MAX_LINE);
	/* The caller consumes it in pieces and finds the next line. */
	while (ccm_in_peekline(&x->in, &line, &len, &eol) == CCM_ELIMIT)
		ccm_in_consume(&x->in, len);
	ccm_in_consume(&x->in, len + eol);
	expect_line(x, "ok", 2);
	free(data);
	close_fx(x);
}

static void seeking_past_the_buffer_and_back(void **state)
{
	size_t n = 2 * CCM_IN_DEFAULT_BUF;
	char *data = malloc(n);
	struct fx *x;
	struct ccm_error err;
	char b[4];

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < n; i++)
		data[i] = (char)('A' + i % 26);
	x = open_with(data, n);
	assert_int_equal(ccm_in_seek(&x->in, (long long)n - 3, &err), 0);
	assert_int_equal(ccm_in_fill(&x->in, 3), 3);
	assert_memory_equal(x->in.buf + x->in.pos, data + n - 3, 3);
	assert_int_equal(ccm_in_tell(&x->in), (long long)n - 3);
	assert_int_equal(ccm_in_seek(&x->in, 1, &err), 0);
	{
		ssize_t got = ccm_in_fill(&x->in, 2);
		assert_true(got >= 2);
		assert_int_equal(got, (ssize_t)ccm_in_avail(&x->in));
	}
	assert_int_equal(x->in.buf[x->in.pos], 'B');
	assert_int_equal(ccm_in_pread(&x->in, b, 4, 25), 4);
	assert_memory_equal(b, "ZABC", 4);
	free(data);
	close_fx(x);
}

static void line_numbers_are_counted_on_demand_in_any_order(void **state)
{
	struct fx *x = open_with("a\nb\r\nc\n\nd", 10);

	(void)state;
	assert_int_equal(ccm_in_line_of(&x->in, 0), 1);
	assert_int_equal(ccm_in_line_of(&x->in, 9), 5);
	assert_int_equal(ccm_in_line_of(&x->in, 5), 3);   /* backwards */
	assert_int_equal(ccm_in_line_of(&x->in, 2), 2);
	close_fx(x);
}

static void missing_file_and_folder_are_clear_errors(void **state)
{
	struct ccm_in in;
	struct ccm_error err;
	char *dir = tu_mkdtemp();
	char *path = tu_path(dir, "nope");

	(void)state;
	assert_int_equal(ccm_in_open(&in, path, &err), CCM_ENOTFOUND);
	assert_non_null(strstr(err.msg, "nope"));
	assert_int_equal(ccm_in_open(&in, dir, &err), CCM_EIO);
	assert_non_null(strstr(err.msg, "not a regular file"));
	tu_rmtree(dir);
	free(path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_with_crlf_lf_and_none_at_the_end),
		cmocka_unit_test(limit_makes_the_file_end_early),
		cmocka_unit_test(line_longer_than_the_maximum_is_cut_and_flagged),
		cmocka_unit_test(seeking_past_the_buffer_and_back),
		cmocka_unit_test(line_numbers_are_counted_on_demand_in_any_order),
		cmocka_unit_test(missing_file_and_folder_are_clear_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
