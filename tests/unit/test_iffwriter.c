/* test_iffwriter.c: the migration file writer, byte for byte. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iff/reader.h"
#include "iff/writer.h"

/*
 * The constructed example of spec 5.5, as ccmig's writer quotes it: the
 * attachment and document names hold '.', so rule 12.5 quotes them, and
 * every offset after the first quoted name moves by two bytes per name.
 */
static const char want_sec[] =
	"Type,Length,Encoding,Islast,Name,Position,Format\r\n"
	"Body,33,,TRUE,,,\r\n"
	"Lunch at noon on Friday?\r\n\r\nPat\r\n"
	"\r\n"
	"Body,21,,FALSE,,,\r\n"
	"Here is the agenda.\r\n"
	"\r\n"
	"Attachment,24,,TRUE,\"AGENDA.TXT\",0,\r\n"
	"1. Budget\r\n2. Staffing\r\n"
	"\r\n"
	"Other,24,,TRUE,,,\r\n"
	"Ann Lee;Bob Ray;Carl Fox"
	"\r\n"
	"Body,0,,FALSE,,,\r\n"
	"\r\n"
	"Document,22,,TRUE,\"NOTES.TXT\",-1,\r\n"
	"Plain text document.\r\n"
	"\r\n";

static const char want_pri[] =
	"! constructed example\r\n"
	"MAILMESSAGE,\"CCMAIL:Parkes, Pat at SALESPO\"\r\n"
	"Folder,Sender,To,Cc,Bcc,Subject,Send-Date,Received-Date,Priority,Unread,Unsent,Body\r\n"
	"Inbox,Jon Grande,\"Parkes, Pat\",,,Lunch,19990301120000,19990301120500,0,TRUE,FALSE,#00000001.SEC(50)\r\n"
	"Projects,Jon Grande,\"Parkes, Pat\",#00000001.SEC(208),,Agenda,19990302090000,19990302090100,1,FALSE,FALSE,#00000001.SEC(103)\r\n"
	",,,,,Notes,,,,,,#00000001.SEC(253)\r\n";

static long long section(struct ccm_iff_writer *w, const char *type,
			 const char *data, int islast, const char *name,
			 long long position)
{
	struct ccm_error err;
	long long off;

	assert_int_equal(ccm_iff_writer_sec_begin(w, type, strlen(data), islast, name,
						  position, NULL, &off, &err), 0);
	assert_int_equal(ccm_iff_writer_sec_data(w, data, strlen(data), &err), 0);
	assert_int_equal(ccm_iff_writer_sec_end(w, &err), 0);
	return off;
}

static void fields(struct ccm_iff_writer *w, const char *const *v, size_t n)
{
	struct ccm_error err;

	for (size_t i = 0; i < n; i++) {
		if (v[i] && v[i][0] == '@') {
			assert_int_equal(ccm_iff_writer_field_pointer(w, atoll(v[i] + 1), &err), 0);
		} else {
			assert_int_equal(ccm_iff_writer_field(w, v[i], &err), 0);
		}
	}
}

static void constructed_example_is_written_byte_for_byte(void **state)
{
	char *dir = tu_mkdtemp(), *path, *got, off[3][32];
	struct ccm_iff_writer *w;
	struct ccm_error err;
	long long body1, body2, other, body3;
	size_t n;

	(void)state;
	assert_int_equal(ccm_iff_writer_open(&w, dir, "SALESPO.pkl", 1252, &err), 0);
	assert_int_equal(ccm_iff_writer_primary(w, "00000001.PRI", &err), 0);
	assert_int_equal(ccm_iff_writer_secondary(w, "00000001.SEC", &err), 0);
	assert_int_equal(ccm_iff_writer_comment(w, " constructed example", &err), 0);
	assert_int_equal(ccm_iff_writer_section(w, CCM_IFF_MAILMESSAGE,
						"CCMAIL:Parkes, Pat at SALESPO", &err), 0);
	body1 = section(w, "Body", "Lunch at noon on Friday?\r\n\r\nPat\r\n", 1, NULL, -2);
	body2 = section(w, "Body", "Here is the agenda.\r\n", 0, NULL, -2);
	section(w, "Attachment", "1. Budget\r\n2. Staffing\r\n", 1, "AGENDA.TXT", 0);
	other = section(w, "Other", "Ann Lee;Bob Ray;Carl Fox", 1, NULL, -2);
	body3 = section(w, "Body", "", 0, NULL, -2);
	section(w, "Document", "Plain text document.\r\n", 1, "NOTES.TXT", -1);
	assert_int_equal(body1, 50);
	assert_int_equal(body2, 103);
	assert_int_equal(other, 208);
	assert_int_equal(body3, 253);
	snprintf(off[0], sizeof(off[0]), "@%lld", body1);
	snprintf(off[1], sizeof(off[1]), "@%lld", body2);
	snprintf(off[2], sizeof(off[2]), "@%lld", other);
	{
		const char *r1[] = { "Inbox", "Jon Grande", NULL, NULL, NULL, "Lunch",
				     "19990301120000", "19990301120500", "0", "TRUE",
				     "FALSE", off[0] };
		const char *to[] = { "Parkes, Pat" };
		ccm_iff_writer_row_begin(w);
		fields(w, r1, 2);
		assert_int_equal(ccm_iff_writer_field_multi(w, to, 1, &err), 0);
		fields(w, r1 + 3, 9);
		assert_int_equal(ccm_iff_writer_row_end(w, &err), 0);
	}
	{
		const char *r2a[] = { "Projects", "Jon Grande" };
		const char *r2b[] = { off[2], NULL, "Agenda", "19990302090000",
				      "19990302090100", "1", "FALSE", "FALSE", off[1] };
		const char *to[] = { "Parkes, Pat" };
		ccm_iff_writer_row_begin(w);
		fields(w, r2a, 2);
		assert_int_equal(ccm_iff_writer_field_multi(w, to, 1, &err), 0);
		fields(w, r2b, 9);
		assert_int_equal(ccm_iff_writer_row_end(w, &err), 0);
	}
	{
		char p3[32];
		snprintf(p3, sizeof(p3), "@%lld", body3);
		const char *r3[] = { NULL, NULL, NULL, NULL, NULL, "Notes", NULL, NULL,
				     NULL, NULL, NULL, p3 };
		ccm_iff_writer_row_begin(w);
		fields(w, r3, 12);
		assert_int_equal(ccm_iff_writer_row_end(w, &err), 0);
	}
	assert_int_equal(ccm_iff_writer_close(w, &err), 0);

	path = tu_path(dir, "00000001.SEC");
	got = tu_slurp(path, &n);
	assert_int_equal(n, sizeof(want_sec) - 1);
	assert_memory_equal(got, want_sec, n);
	free(got);
	free(path);
	path = tu_path(dir, "00000001.PRI");
	got = tu_slurp(path, &n);
	assert_int_equal(n, sizeof(want_pri) - 1);
	assert_memory_equal(got, want_pri, n);
	free(got);
	free(path);
	path = tu_path(dir, "SALESPO.pkl");
	got = tu_slurp(path, &n);
	assert_string_equal(got, "1252\r\n\r\nFilename,Filetype\r\n"
			    "00000001.PRI,Primary\r\n00000001.SEC,Secondary\r\n");
	free(got);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void value_with_a_line_end_moves_to_an_other_section(void **state)
{
	char *dir = tu_mkdtemp(), *path, *got;
	struct ccm_iff_writer *w;
	struct ccm_error err;
	size_t n;

	(void)state;
	assert_int_equal(ccm_iff_writer_open(&w, dir, "X.pkl", 850, &err), 0);
	assert_int_equal(ccm_iff_writer_primary(w, "1.pri", &err), 0);
	assert_int_equal(ccm_iff_writer_secondary(w, "1.sec", &err), 0);
	assert_int_equal(ccm_iff_writer_section(w, CCM_IFF_MAILMESSAGE, "A", &err), 0);
	ccm_iff_writer_row_begin(w);
	assert_int_equal(ccm_iff_writer_field(w, "two\r\nlines", &err), 0);
	assert_int_equal(ccm_iff_writer_row_end(w, &err), 0);
	assert_int_equal(ccm_iff_writer_close(w, &err), 0);
	path = tu_path(dir, "1.pri");
	got = tu_slurp(path, &n);
	assert_non_null(strstr(got, "\r\n#1.sec(50)\r\n"));
	free(got);
	free(path);
	path = tu_path(dir, "1.sec");
	got = tu_slurp(path, &n);
	assert_string_equal(got + 50, "Other,10,,TRUE,,,\r\ntwo\r\nlines\r\n");
	free(got);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void directory_values_are_escaped_and_text_converted(void **state)
{
	char *dir = tu_mkdtemp(), *path, *got;
	struct ccm_iff_writer *w;
	struct ccm_error err;
	size_t n;

	(void)state;
	assert_int_equal(ccm_iff_writer_open(&w, dir, "X.pkl", 850, &err), 0);
	assert_int_equal(ccm_iff_writer_primary(w, "Directory.pri", &err), 0);
	assert_int_equal(ccm_iff_writer_section(w, CCM_IFF_DIRECTORY, NULL, &err), 0);
	ccm_iff_writer_row_begin(w);
	assert_int_equal(ccm_iff_writer_field(w, "Müller", &err), 0);
	assert_int_equal(ccm_iff_writer_field(w, "a\\b", &err), 0);
	assert_int_equal(ccm_iff_writer_field(w, "日本", &err), 0);
	assert_int_equal(ccm_iff_writer_row_end(w, &err), 0);
	assert_int_equal(ccm_iff_writer_replaced(w), 2);
	assert_int_equal(ccm_iff_writer_close(w, &err), 0);
	path = tu_path(dir, "Directory.pri");
	got = tu_slurp(path, &n);
	/* 'ü' is 0x81 in code page 850; '\' doubled and quoted (spec 2.9). */
	assert_non_null(strstr(got, "M\x81ller,\"a\\\\b\",??\r\n"));
	free(got);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void wrong_section_length_is_refused(void **state)
{
	char *dir = tu_mkdtemp();
	struct ccm_iff_writer *w;
	struct ccm_error err;
	long long off;

	(void)state;
	assert_int_equal(ccm_iff_writer_open(&w, dir, "X.pkl", 1252, &err), 0);
	assert_int_equal(ccm_iff_writer_secondary(w, "1.sec", &err), 0);
	assert_int_equal(ccm_iff_writer_sec_begin(w, "Body", 5, 1, NULL, -2, NULL, &off,
						  &err), 0);
	assert_int_equal(ccm_iff_writer_sec_data(w, "abc", 3, &err), 0);
	assert_int_equal(ccm_iff_writer_sec_end(w, &err), CCM_EINVAL);
	assert_int_equal(ccm_iff_writer_sec_begin(w, "Body", 1, 1, NULL, -2, NULL, &off,
						  &err), 0);
	assert_int_equal(ccm_iff_writer_sec_data(w, "toolong", 7, &err), CCM_EINVAL);
	ccm_iff_writer_abort(w);
	tu_rmtree(dir);
	free(dir);
}

static void existing_set_is_not_overwritten(void **state)
{
	char *dir = tu_mkdtemp();
	struct ccm_iff_writer *w;
	struct ccm_error err;

	(void)state;
	free(tu_writes(dir, "PO.pkl", "1252\r\n"));
	assert_int_equal(ccm_iff_writer_open(&w, dir, "PO.pkl", 1252, &err), CCM_EEXISTS);
	assert_int_equal(ccm_iff_writer_open(&w, dir, "../PO.pkl", 1252, &err), CCM_EINVAL);
	tu_rmtree(dir);
	free(dir);
}

static void packing_list_comment_is_read_back_as_the_po_settings(void **state)
{
	char *dir = tu_mkdtemp(), *pkl = tu_path(dir, "X.pkl"), *got;
	struct ccm_report rep = { 0 };
	struct ccm_diaglist diags = { 0 };
	struct ccm_iff_writer *w;
	struct ccm_iff_set *set;
	struct ccm_error err;
	size_t n;

	(void)state;
	rep.sink = ccm_diaglist_sink;
	rep.ctx = &diags;
	assert_int_equal(ccm_iff_writer_open(&w, dir, "X.pkl", 1252, &err), 0);
	ccm_iff_writer_pkl_comment(w, CCM_IFF_PO_COMMENT
				   "code_page=850; post_office=Zürich");
	ccm_iff_writer_pkl_comment(w, "extracted\r\nby hand");
	assert_int_equal(ccm_iff_writer_close(w, &err), 0);
	/* After the code page line, in the set's code page. */
	got = tu_slurp(pkl, &n);
	assert_non_null(got);
	assert_int_equal(n, strlen("1252\r\n!ccmig po.txt: code_page=850; post_office=Z\xFCrich\r\n"
				   "!extracted  by hand\r\n\r\nFilename,Filetype\r\n"));
	assert_memory_equal(got, "1252\r\n!ccmig po.txt: code_page=850; post_office=Z\xFCrich\r\n"
			    "!extracted  by hand\r\n\r\nFilename,Filetype\r\n", n);
	free(got);
	assert_int_equal(ccm_iff_set_open(&set, pkl, &rep, &err), 0);
	assert_string_equal(ccm_iff_set_po_settings(set), "code_page=850; post_office=Zürich");
	ccm_iff_set_close(set);

	/* A set of another tool says nothing. */
	free(tu_writes(dir, "Y.pkl", "! CodePage\r\n1252\r\n\r\nFilename,Filetype\r\n"));
	free(pkl);
	pkl = tu_path(dir, "Y.pkl");
	assert_int_equal(ccm_iff_set_open(&set, pkl, &rep, &err), 0);
	assert_null(ccm_iff_set_po_settings(set));
	ccm_iff_set_close(set);
	ccm_diaglist_release(&diags);
	free(pkl);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(constructed_example_is_written_byte_for_byte),
		cmocka_unit_test(value_with_a_line_end_moves_to_an_other_section),
		cmocka_unit_test(directory_values_are_escaped_and_text_converted),
		cmocka_unit_test(wrong_section_length_is_refused),
		cmocka_unit_test(existing_set_is_not_overwritten),
		cmocka_unit_test(packing_list_comment_is_read_back_as_the_po_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
