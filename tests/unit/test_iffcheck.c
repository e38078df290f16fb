/* test_iffcheck.c: iff/check.h, the whole-set check behind `ccmig check`. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/report.h"
#include "iff/check.h"

struct run {
	struct ccm_diaglist diags;
	struct ccm_report rep;
	struct ccm_iff_set *set;
	struct ccm_iff_check_stats st;
	unsigned long long last_rows, calls;
};

static void on_progress(void *ctx, unsigned long long rows, unsigned long long bytes)
{
	struct run *r = ctx;

	assert_true(rows > r->last_rows);     /* after each row, never back */
	r->last_rows = rows;
	r->calls++;
	(void)bytes;
}

/* Opens and checks the set at pkl; 0 or the code of ccm_iff_check. */
static int check(struct run *r, const char *pkl)
{
	struct ccm_error err;

	memset(r, 0, sizeof(*r));
	r->rep.sink = ccm_diaglist_sink;
	r->rep.ctx = &r->diags;
	assert_int_equal(ccm_iff_set_open(&r->set, pkl, &r->rep, &err), 0);
	return ccm_iff_check(&r->st, r->set, on_progress, r, &r->rep, &err);
}

static void run_release(struct run *r)
{
	ccm_iff_set_close(r->set);
	ccm_diaglist_release(&r->diags);
}

static int has_kind(const struct run *r, const char *kind)
{
	for (size_t i = 0; i < r->diags.len; i++)
		if (r->diags.items[i].kind && !strcmp(r->diags.items[i].kind, kind))
			return 1;
	return 0;
}

/* The SDK's sample set, every count of it. */
static void counts_a_clean_set(void **state)
{
	struct run r;

	(void)state;
	assert_int_equal(check(&r, CCMIG_TEST_DATA "/iff/sdk/SALESPO.PKL"), 0);
	assert_int_equal(r.st.primaries, 3);
	assert_int_equal(r.st.secondaries, 2);
	assert_int_equal(r.st.missing, 0);
	assert_int_equal(r.st.sections[CCM_IFF_DIRECTORY], 1);
	assert_int_equal(r.st.sections[CCM_IFF_PAB], 1);
	assert_int_equal(r.st.sections[CCM_IFF_MAILMESSAGE], 2);
	assert_int_equal(r.st.public_sections, 1);
	assert_int_equal(r.st.rows[CCM_IFF_DIRECTORY], 2);
	assert_int_equal(r.st.rows[CCM_IFF_PAB], 3);
	assert_int_equal(r.st.rows[CCM_IFF_MAILMESSAGE], 6);
	assert_int_equal(r.st.rows_total, 11);
	assert_int_equal(r.st.skipped_rows, 0);
	assert_int_equal(r.st.attachments, 1);
	assert_int_equal(r.st.schedules, 1);
	assert_int_equal(r.st.data_bytes, 534);
	assert_int_equal(r.st.sec_sections, 11);
	assert_int_equal(r.calls, 11);
	assert_int_equal(r.rep.counts[CCM_ERROR] + r.rep.counts[CCM_WARNING], 0);
	run_release(&r);
}

/* A secondary file gone and a row cut short: counted, reported, and the
 * rest of the set still read. */
static void reports_what_is_wrong_and_reads_the_rest(void **state)
{
	char *dir = tu_mkdtemp(), *pkl = tu_path(dir, "SALESPO.PKL");
	size_t n;
	char *pri;
	struct run r;

	(void)state;
	assert_int_equal(tu_system("cp %s/iff/sdk/* %s/ && rm %s/SALESPO2.SEC",
				   CCMIG_TEST_DATA, dir, dir), 0);
	{
		char *path = tu_path(dir, "SALESPO1.PRI");

		pri = tu_slurp(path, &n);
		assert_non_null(pri);
		/* The row of "Review of Back Office" loses its last fields. */
		char *row = strstr(pri, "Review of Back Office");
		assert_non_null(row);
		memmove(row + 6, strchr(row, '\n'), strlen(strchr(row, '\n')) + 1);
		free(tu_writes(dir, "SALESPO1.PRI", pri));
		free(path);
		free(pri);
	}
	assert_int_equal(check(&r, pkl), 0);
	assert_int_equal(r.st.missing, 1);
	/* Every row is still read; the cut one and the two pointing into
	 * the missing file are the ones import skips. */
	assert_int_equal(r.st.rows[CCM_IFF_MAILMESSAGE], 6);
	assert_int_equal(r.st.rows[CCM_IFF_PAB], 3);
	assert_int_equal(r.st.skipped_rows, 3);
	assert_int_equal(r.st.attachments, 0);     /* it was in SALESPO2.SEC */
	assert_int_equal(r.st.schedules, 1);
	assert_int_equal(r.rep.counts[CCM_ERROR], 4);
	assert_true(has_kind(&r, "pkl-missing-file"));
	assert_true(has_kind(&r, "missing-body"));
	assert_true(has_kind(&r, "secondary-unreadable"));
	for (size_t i = 0; i < r.diags.len; i++) {
		assert_non_null(r.diags.items[i].file);
		assert_true(r.diags.items[i].line > 0);
		assert_true(r.diags.items[i].offset > 0);
	}
	run_release(&r);
	tu_rmtree(dir);
	free(dir);
	free(pkl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_a_clean_set),
		cmocka_unit_test(reports_what_is_wrong_and_reads_the_rest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
