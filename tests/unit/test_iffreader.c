/* test_iffreader.c: reading migration file sets: Microsoft's examples, leniencies, confinement. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/report.h"
#include "iff/reader.h"

#define MM_HEADER "Folder,Sender,To,Cc,Bcc,Subject,Send-Date,Received-Date," \
	"Priority,Unread,Unsent,Body\n"
#define SEC_HEADER "Type,Length,Encoding,Islast,Name,Position,Format\r\n"
#define PKL "1252\n\nFilename,Filetype\nA.PRI,Primary\nA.SEC,Secondary\n"

struct fx {
	char *dir;
	struct ccm_diaglist diags;
	struct ccm_report rep;
	struct ccm_iff_set *set;
	struct ccm_iff_pri *pri;
	size_t next_pri;
	long sec_n;              /* sections seen in the open primary */
};

static struct fx *fx_new(void)
{
	struct fx *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->dir = tu_mkdtemp();
	x->rep.sink = ccm_diaglist_sink;
	x->rep.ctx = &x->diags;
	return x;
}

/* Writes text with every "\n" turned into CR LF. */
static void fx_file(struct fx *x, const char *name, const char *text)
{
	struct ccm_buf b = CCM_BUF_INIT;

	for (const char *p = text; *p; p++) {
		if (*p == '\n')
			ccm_buf_addch(&b, '\r');
		ccm_buf_addch(&b, *p);
	}
	free(tu_write(x->dir, name, b.ptr, b.len));
	ccm_buf_release(&b);
}

static void fx_bytes(struct fx *x, const char *name, const void *data, size_t n)
{
	free(tu_write(x->dir, name, data, n));
}

static int fx_try_open(struct fx *x, const char *pkl, struct ccm_error *err)
{
	char *path = tu_path(x->dir, pkl);
	int rc = ccm_iff_set_open(&x->set, path, &x->rep, err);

	free(path);
	return rc;
}

static void fx_open(struct fx *x, const char *pkl)
{
	struct ccm_error err;
	int rc = fx_try_open(x, pkl, &err);

	if (rc != 0)
		fail_msg("set_open: %s", err.msg);
}

static void fx_free(struct fx *x)
{
	ccm_iff_pri_close(x->pri);
	ccm_iff_set_close(x->set);
	ccm_diaglist_release(&x->diags);
	tu_rmtree(x->dir);
	free(x->dir);
	free(x);
}

/* The next section of the set, moving on to the next primary as needed. */
static const struct ccm_iff_section *fx_section(struct fx *x)
{
	const struct ccm_iff_section *sec;
	struct ccm_error err;

	for (;;) {
		int rc;

		if (!x->pri) {
			if (x->next_pri >= ccm_iff_set_count(x->set, CCM_IFF_PRIMARY))
				return NULL;
			assert_int_equal(ccm_iff_pri_open(&x->pri, x->set, x->next_pri++,
							  &err), 0);
			x->sec_n = 0;
		}
		rc = ccm_iff_pri_next_section(x->pri, &sec, &err);
		assert_true(rc >= 0);
		if (rc > 0) {
			/* Sections are numbered from 1 in each file. */
			assert_int_equal(sec->number, ++x->sec_n);
			return sec;
		}
		ccm_iff_pri_close(x->pri);
		x->pri = NULL;
	}
}

static const struct ccm_iff_row *fx_row(struct fx *x)
{
	const struct ccm_iff_row *r;
	struct ccm_error err;
	int rc = ccm_iff_pri_next_row(x->pri, &r, &err);

	assert_true(rc >= 0);
	return rc ? r : NULL;
}

static const char *get(const struct ccm_iff_row *r, enum ccm_iff_col c)
{
	return ccm_iff_row_get(r, c, NULL);
}

static size_t count_kind(struct fx *x, const char *kind)
{
	return ccm_diaglist_count(&x->diags, kind);
}

/* The first report entry of that kind, or a failure. */
static const struct ccm_diag *diag(struct fx *x, const char *kind)
{
	for (size_t i = 0; i < x->diags.len; i++)
		if (x->diags.items[i].kind && !strcmp(x->diags.items[i].kind, kind))
			return &x->diags.items[i];
	for (size_t i = 0; i < x->diags.len; i++) {
		char line[2048];
		ccm_diag_format(line, sizeof(line), &x->diags.items[i]);
		print_message("  have: %s\n", line);
	}
	fail_msg("no report entry of kind '%s'", kind);
	return NULL;
}

static void expect_no_reports(struct fx *x)
{
	for (size_t i = 0; i < x->diags.len; i++) {
		char line[2048];
		ccm_diag_format(line, sizeof(line), &x->diags.items[i]);
		print_message("  unexpected: %s\n", line);
	}
	assert_int_equal(x->diags.len, 0);
}

/* Reads the whole chain of column c of the current row into out. */
static int read_chain(struct fx *x, enum ccm_iff_col c, struct ccm_buf *out,
		      size_t *sections)
{
	struct ccm_iff_chain *ch;
	const struct ccm_iff_secsect *h;
	struct ccm_error err;
	char buf[7];
	int rc = ccm_iff_row_chain(&ch, x->pri, c, &err);

	*sections = 0;
	if (rc < 0)
		return rc;
	while (ccm_iff_chain_next(ch, &h) > 0) {
		ssize_t got;

		(*sections)++;
		ccm_buf_addf(out, "[%d %s %lld %d]", (int)h->type, h->name, h->position,
			     h->islast);
		/* Small pieces: the data comes however it is asked for. */
		while ((got = ccm_iff_chain_read(ch, buf, sizeof(buf), &err)) > 0)
			ccm_buf_add(out, buf, (size_t)got);
		assert_true(got == 0);
	}
	ccm_iff_chain_free(ch);
	return 0;
}

/* Appends a section `header CRLF data CRLF`; returns its offset. */
static long long sec_add(struct ccm_buf *b, const char *type, const char *data,
			 size_t len, int islast, const char *name, const char *pos)
{
	long long off = (long long)b->len;

	ccm_buf_addf(b, "%s,%zu,,%s,%s,%s,\r\n", type, len, islast ? "TRUE" : "FALSE",
		     name, pos);
	ccm_buf_add(b, data, len);
	ccm_buf_adds(b, "\r\n");
	return off;
}

/* ---- Microsoft's examples (fixtures from tests/data/iff/make-iff.py) ------ */

static char *fixture(const char *rel, size_t *n)
{
	char path[1024];
	char *data;

	snprintf(path, sizeof(path), "%s/iff/%s", CCMIG_TEST_DATA, rel);
	data = tu_slurp(path, n);
	assert_non_null(data);
	return data;
}

static void constructed_secondary_offsets_are_byte_exact(void **state)
{
	static const struct { long off; const char *head; } want[] = {
		{ 0, "Type,Length,Encoding,Islast,Name,Position,Format\r\n" },
		{ 50, "Body,33,,TRUE,,,\r\nLunch at noon on Friday?\r\n\r\nPat\r\n\r\n" },
		{ 103, "Body,21,,FALSE,,,\r\nHere is the agenda.\r\n\r\n" },
		{ 145, "Attachment,24,,TRUE,AGENDA.TXT,0,\r\n1. Budget\r\n2. Staffing\r\n\r\n" },
		{ 206, "Other,24,,TRUE,,,\r\nAnn Lee;Bob Ray;Carl Fox\r\n" },
		{ 251, "Body,0,,FALSE,,,\r\n\r\n" },
		{ 271, "Document,22,,TRUE,NOTES.TXT,-1,\r\nPlain text document.\r\n\r\n" },
	};
	size_t n;
	char *sec = fixture("constructed/00000001.SEC", &n);

	(void)state;
	assert_int_equal(n, 328);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_memory_equal(sec + want[i].off, want[i].head, strlen(want[i].head));
	free(sec);
}

static void constructed_example_reads_with_its_chains(void **state)
{
	const struct ccm_iff_section *sec;
	const struct ccm_iff_row *r;
	struct ccm_csv_line cc;
	struct ccm_buf b = CCM_BUF_INIT;
	char path[1024];
	struct fx *x = fx_new();
	struct ccm_error err;
	size_t n, nsec;
	char *pri = fixture("constructed/00000001.PRI", &n);
	int v;

	(void)state;
	snprintf(path, sizeof(path), "%s/iff/constructed/CONSTR.PKL", CCMIG_TEST_DATA);
	assert_int_equal(ccm_iff_set_open(&x->set, path, &x->rep, &err), 0);
	assert_int_equal(ccm_iff_set_code_page(x->set), 1252);
	assert_int_equal(ccm_iff_set_count(x->set, CCM_IFF_PRIMARY), 1);
	assert_int_equal(ccm_iff_set_count(x->set, CCM_IFF_SECONDARY), 1);

	sec = fx_section(x);
	assert_int_equal(sec->kind, CCM_IFF_MAILMESSAGE);
	assert_false(sec->is_public);
	assert_string_equal(sec->address_raw, "CCMAIL:Parkes, Pat at SALESPO");
	assert_string_equal(sec->address, "CCMAIL:Parkes, Pat at SALESPO");
	assert_int_equal(sec->line, 2);     /* after the comment line */
	assert_int_equal(sec->offset, 23);
	assert_int_equal(sec->header_line, 3);
	assert_int_equal(sec->keyword_raw_len, 43);
	assert_memory_equal(sec->keyword_raw, "MAILMESSAGE,\"CCMAIL:Parkes, Pat at SALESPO\"", 43);

	r = fx_row(x);
	assert_non_null(r);
	assert_int_equal(r->line, 4);
	assert_int_equal(r->offset, strstr(pri, "Inbox,") - pri);
	assert_memory_equal(r->raw, "Inbox,Jon Grande,\"Parkes, Pat\",", 31);
	assert_int_equal(r->raw_len, strlen("Inbox,Jon Grande,\"Parkes, Pat\",,,Lunch,"
		"19990301120000,19990301120500,0,TRUE,FALSE,#00000001.SEC(50)"));
	assert_string_equal(get(r, CCM_IFF_COL_TO), "Parkes, Pat");
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "Lunch");
	assert_true(ccm_iff_row_is_pointer(r, CCM_IFF_COL_BODY));
	assert_int_equal(ccm_iff_row_bool(&v, x->pri, CCM_IFF_COL_UNREAD, 0), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), 0);
	assert_int_equal(read_chain(x, CCM_IFF_COL_BODY, &b, &nsec), 0);
	assert_int_equal(nsec, 1);
	assert_string_equal(b.ptr, "[0  -1 1]Lunch at noon on Friday?\r\n\r\nPat\r\n");

	r = fx_row(x);
	assert_int_equal(r->line, 5);
	ccm_buf_reset(&b);
	assert_int_equal(read_chain(x, CCM_IFF_COL_BODY, &b, &nsec), 0);
	assert_int_equal(nsec, 2);
	assert_string_equal(b.ptr, "[0  -1 0]Here is the agenda.\r\n"
			    "[1 AGENDA.TXT 0 1]1. Budget\r\n2. Staffing\r\n");
	/* The Cc field points to an Other section holding a list. */
	assert_true(ccm_iff_row_is_pointer(r, CCM_IFF_COL_CC));
	ccm_csv_line_init(&cc);
	assert_int_equal(ccm_iff_row_multi(&cc, x->pri, CCM_IFF_COL_CC), 3);
	assert_string_equal(cc.f[0].value, "Ann Lee");
	assert_string_equal(cc.f[2].value, "Carl Fox");
	ccm_csv_line_release(&cc);

	r = fx_row(x);
	assert_int_equal(r->line, 6);
	assert_string_equal(get(r, CCM_IFF_COL_FOLDER), "");
	ccm_buf_reset(&b);
	assert_int_equal(read_chain(x, CCM_IFF_COL_BODY, &b, &nsec), 0);
	assert_string_equal(b.ptr, "[0  -1 0][3 NOTES.TXT -1 1]Plain text document.\r\n");
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), 0);
	assert_null(fx_row(x));
	assert_null(fx_section(x));
	expect_no_reports(x);
	ccm_buf_release(&b);
	free(pri);
	fx_free(x);
}

static struct fx *open_sdk(void)
{
	struct fx *x = fx_new();
	struct ccm_error err;
	char path[1024];

	snprintf(path, sizeof(path), "%s/iff/sdk/SALESPO.PKL", CCMIG_TEST_DATA);
	assert_int_equal(ccm_iff_set_open(&x->set, path, &x->rep, &err), 0);
	return x;
}

static void sdk_packing_list_takes_the_code_page_after_a_comment(void **state)
{
	struct fx *x = open_sdk();

	(void)state;
	assert_int_equal(ccm_iff_set_code_page(x->set), 850);
	assert_int_equal(ccm_iff_set_count(x->set, CCM_IFF_PRIMARY), 3);
	assert_string_equal(ccm_iff_set_file(x->set, CCM_IFF_PRIMARY, 0)->name, "Directory.pri");
	assert_string_equal(ccm_iff_set_file(x->set, CCM_IFF_PRIMARY, 2)->name, "Public.pri");
	assert_string_equal(ccm_iff_set_file(x->set, CCM_IFF_SECONDARY, 1)->name, "SALESPO2.SEC");
	assert_int_equal(ccm_iff_set_file(x->set, CCM_IFF_PRIMARY, 1)->pkl_line, 6);
	expect_no_reports(x);
	fx_free(x);
}

static void sdk_directory_section_reads(void **state)
{
	struct fx *x = open_sdk();
	const struct ccm_iff_section *sec = fx_section(x);
	const struct ccm_iff_row *r;
	struct ccm_csv_line l;

	(void)state;
	assert_int_equal(sec->kind, CCM_IFF_DIRECTORY);
	assert_null(sec->address);
	assert_int_equal(sec->ncols, 8);
	assert_int_equal(sec->col[CCM_IFF_COL_LAST_NAME], 4);
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_OBJ_CLASS), "mailbox");
	assert_string_equal(get(r, CCM_IFF_COL_MODE), "create");
	assert_string_equal(get(r, CCM_IFF_COL_COMMON_NAME), "ElizaB");
	assert_string_equal(get(r, CCM_IFF_COL_FIRST_NAME), "Elizabeth");
	assert_string_equal(get(r, CCM_IFF_COL_HOME_SERVER), "~Server");
	assert_string_equal(ccm_iff_row_get_named(r, "home-server", NULL), "~Server");
	assert_null(ccm_iff_row_get_named(r, "Hide-From-AB", NULL));
	assert_null(get(r, CCM_IFF_COL_BODY));
	ccm_csv_line_init(&l);
	assert_int_equal(ccm_iff_row_multi(&l, x->pri, CCM_IFF_COL_PROXY_ADDRESSES), 1);
	assert_string_equal(l.f[0].value, "MIGRATE:PROFS:Sydney(EBrown)");
	ccm_csv_line_release(&l);
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), 0);
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_COMMON_NAME), "PatPa");
	assert_int_equal(r->number, 2);
	assert_null(fx_row(x));
	expect_no_reports(x);
	fx_free(x);
}

static void sdk_pab_header_split_by_continuations_maps_by_name(void **state)
{
	struct fx *x = open_sdk();
	const struct ccm_iff_section *sec;
	const struct ccm_iff_row *r;
	struct ccm_csv_line l;

	(void)state;
	fx_section(x);
	sec = fx_section(x);
	assert_int_equal(sec->kind, CCM_IFF_PAB);
	assert_string_equal(sec->address_raw, "MIGRATE:PROFS:SANFRN(HOWARDS)");
	assert_string_equal(sec->address, "PROFS:SANFRN(HOWARDS)");
	/* "Email-\\" / "Address" and "Depart\\" / "ment" join (spec 2.5). */
	assert_int_equal(sec->ncols, 24);
	assert_int_equal(sec->col[CCM_IFF_COL_EMAIL_ADDRESS], 2);
	assert_int_equal(sec->col[CCM_IFF_COL_DEPARTMENT], 12);
	assert_int_equal(sec->col[CCM_IFF_COL_NOTE], 23);
	assert_int_equal(sec->header_line, 2);
	assert_non_null(strstr(sec->header_raw, "Email-\\\\\r\nAddress,"));
	r = fx_row(x);
	assert_int_equal(r->line, 5);
	assert_string_equal(get(r, CCM_IFF_COL_COMPANY), "Litware, Inc.");
	assert_string_equal(get(r, CCM_IFF_COL_HOME_NUM), "415-555-1212");
	assert_string_equal(get(r, CCM_IFF_COL_NOTE), "");
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_EMAIL_ADDRESS),
			    "X400:/C=US/A= /P=NWTraders/G=Joe/S=Parkes");
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_OBJ_CLASS), "dl");
	assert_string_equal(get(r, CCM_IFF_COL_NOTE), "Personal Distribution List of my friends");
	ccm_csv_line_init(&l);
	assert_int_equal(ccm_iff_row_multi(&l, x->pri, CCM_IFF_COL_EMAIL_ADDRESS), 2);
	assert_string_equal(l.f[0].value, "Dad");
	assert_string_equal(l.f[1].value, "Pat Parkes");
	ccm_csv_line_release(&l);
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), 0);
	assert_null(fx_row(x));
	expect_no_reports(x);
	fx_free(x);
}

static void sdk_messages_and_schedule_read_with_their_chains(void **state)
{
	struct fx *x = open_sdk();
	const struct ccm_iff_section *sec;
	const struct ccm_iff_row *r;
	struct ccm_buf b = CCM_BUF_INIT;
	struct ccm_date d;
	size_t nsec;
	int v;

	(void)state;
	fx_section(x);
	fx_section(x);
	sec = fx_section(x);
	assert_int_equal(sec->kind, CCM_IFF_MAILMESSAGE);
	assert_string_equal(sec->address, "PROFS:SANFRAN(HOWARDS)");
	assert_int_equal(sec->line, 9);
	r = fx_row(x);
	assert_int_equal(ccm_iff_row_priority(&v, x->pri), 0);
	assert_int_equal(v, -1);
	assert_int_equal(ccm_iff_row_bool(&v, x->pri, CCM_IFF_COL_UNREAD, 0), 1);
	assert_int_equal(v, 0);
	assert_int_equal(ccm_iff_row_date(&d, x->pri, CCM_IFF_COL_SEND_DATE, NULL), 0);
	assert_int_equal(d.year, 1995);
	assert_int_equal(d.hour, 9);
	assert_int_equal(d.second, 21);
	assert_int_equal(read_chain(x, CCM_IFF_COL_BODY, &b, &nsec), 0);
	assert_int_equal(nsec, 1);
	assert_int_equal(b.len, strlen("[0  -1 1]") + 91);
	r = fx_row(x);
	ccm_buf_reset(&b);
	assert_int_equal(read_chain(x, CCM_IFF_COL_BODY, &b, &nsec), 0);
	assert_int_equal(nsec, 2);
	assert_non_null(strstr(b.ptr, "[1 REVIEW.TXT 0 1]Review of Back Office"));
	r = fx_row(x);
	/* '\' is literal outside DIRECTORY sections (spec 2.9). */
	assert_string_equal(get(r, CCM_IFF_COL_FOLDER), "Filed Mail\\FYI");
	assert_string_equal(get(r, CCM_IFF_COL_TO), "Gamers[SMTP:gamers@Litware.com]");
	ccm_buf_reset(&b);
	assert_int_equal(read_chain(x, CCM_IFF_COL_BODY, &b, &nsec), 0);
	assert_string_equal(b.ptr, "[0  -1 1]Solo mission briefing at 0900.\r\n");
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "Schedule+");
	assert_int_equal(ccm_iff_row_date(&d, x->pri, CCM_IFF_COL_RECEIVED_DATE, NULL), 1);
	ccm_buf_reset(&b);
	assert_int_equal(read_chain(x, CCM_IFF_COL_BODY, &b, &nsec), 0);
	assert_int_equal(nsec, 2);
	assert_memory_equal(b.ptr, "[0  -1 0][2 HOWARDS.SC2 -1 1]SCHEDULE+2 EXPORT VERSION 103\r\n",
			    strlen("[0  -1 0][2 HOWARDS.SC2 -1 1]SCHEDULE+2 EXPORT VERSION 103\r\n"));
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), 0);
	assert_null(fx_row(x));
	expect_no_reports(x);
	ccm_buf_release(&b);
	fx_free(x);
}

static void sdk_public_folder_section_reads(void **state)
{
	struct fx *x = open_sdk();
	const struct ccm_iff_section *sec;
	const struct ccm_iff_row *r;
	struct ccm_buf b = CCM_BUF_INIT;
	size_t nsec;

	(void)state;
	for (int i = 0; i < 4; i++)
		sec = fx_section(x);
	assert_int_equal(sec->kind, CCM_IFF_MAILMESSAGE);
	assert_true(sec->is_public);
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_FOLDER), "Social\\Gamers");
	assert_int_equal(read_chain(x, CCM_IFF_COL_BODY, &b, &nsec), 0);
	assert_memory_equal(b.ptr, "[0  -1 1]Gamers,", 16);
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_FOLDER), "Business\\Phoenix Project");
	ccm_buf_reset(&b);
	assert_int_equal(read_chain(x, CCM_IFF_COL_BODY, &b, &nsec), 0);
	assert_string_equal(b.ptr, "[0  -1 1]Reviews are due on Monday.\r\n");
	assert_null(fx_row(x));
	assert_null(fx_section(x));
	expect_no_reports(x);
	ccm_buf_release(&b);
	fx_free(x);
}

static void sdk_secondaries_scan_whole_without_complaint(void **state)
{
	struct fx *x = open_sdk();
	unsigned long sections = 0;
	unsigned long long bytes = 0;
	struct ccm_error err;

	(void)state;
	assert_int_equal(ccm_iff_set_scan_secondary(x->set, 0, &sections, &bytes, &err), 0);
	assert_int_equal(sections, 6);
	assert_int_equal(ccm_iff_set_scan_secondary(x->set, 1, &sections, &bytes, &err), 0);
	assert_int_equal(sections, 11);
	assert_int_equal(bytes, 91 + 70 + 67 + 0 + 161 + 32 + 51 + 0 + 514 + 85 + 28);
	expect_no_reports(x);
	fx_free(x);
}

/* ---- the packing list ---------------------------------------------------- */

static void packing_list_without_code_page_cannot_be_read(void **state)
{
	struct fx *x = fx_new();
	struct ccm_error err;

	(void)state;
	fx_file(x, "a.pkl", "! only a comment\n\nFilename,Filetype\nA.PRI,Primary\n");
	assert_int_equal(fx_try_open(x, "a.pkl", &err), CCM_EMALFORMED);
	assert_non_null(strstr(err.msg, "code page"));
	fx_file(x, "b.pkl", "99999\n\nFilename,Filetype\n");
	assert_int_equal(fx_try_open(x, "b.pkl", &err), CCM_EUNSUPPORTED);
	assert_int_equal(fx_try_open(x, "none.pkl", &err), CCM_ENOTFOUND);
	fx_file(x, "c.pkl", "");
	assert_int_equal(fx_try_open(x, "c.pkl", &err), CCM_EMALFORMED);
	fx_free(x);
}

static void packing_list_refuses_names_outside_its_folder(void **state)
{
	struct fx *x = fx_new();

	(void)state;
	/* Real files wait at every one of those places: none may be listed. */
	fx_file(x, "x.pri", "MAILMESSAGE,outside\n" MM_HEADER);
	fx_file(x, "set/sub/x.pri", "MAILMESSAGE,sub\n" MM_HEADER);
	fx_file(x, "set/A.PRI", "MAILMESSAGE,inside\n" MM_HEADER);
	fx_file(x, "set/a.pkl", "1252\n\nFilename,Filetype\n../x.pri,Primary\n"
		"sub/x.pri,Primary\n..\\x.pri,Primary\nC:x.pri,Primary\n"
		"/etc/passwd,Secondary\n..,Primary\nA.PRI,Primary\n");
	fx_open(x, "set/a.pkl");
	assert_int_equal(count_kind(x, "pkl-path-refused"), 6);
	assert_int_equal(diag(x, "pkl-path-refused")->line, 4);
	assert_int_equal(ccm_iff_set_count(x->set, CCM_IFF_PRIMARY), 1);
	assert_int_equal(ccm_iff_set_count(x->set, CCM_IFF_SECONDARY), 0);
	assert_string_equal(fx_section(x)->address, "inside");
	assert_null(fx_section(x));
	fx_free(x);
}

static void packing_list_reports_unknown_types_missing_files_and_case(void **state)
{
	struct fx *x = fx_new();
	const struct ccm_iff_file *f;

	(void)state;
	fx_file(x, "a.pri", "");
	fx_file(x, "a.pkl", "1252\nFilename,Filetype\nA.PRI,primary\nB.PRI,Primary\n"
		"C.PRI,Tertiary\nA.PRI,Secondary\nD;E.SEC,Secondary\n");
	fx_open(x, "a.pkl");
	assert_int_equal(count_kind(x, "pkl-unknown-filetype"), 1);
	assert_int_equal(diag(x, "pkl-unknown-filetype")->line, 5);
	assert_int_equal(count_kind(x, "pkl-missing-file"), 1);
	assert_int_equal(diag(x, "pkl-missing-file")->line, 4);
	assert_int_equal(count_kind(x, "pkl-duplicate"), 1);
	assert_int_equal(count_kind(x, "pkl-bad-name"), 1);
	/* Listed as A.PRI, on disk a.pri: found, with a note. */
	assert_int_equal(count_kind(x, "pkl-case-mismatch"), 1);
	assert_int_equal(diag(x, "pkl-case-mismatch")->severity, CCM_NOTE);
	assert_int_equal(ccm_iff_set_count(x->set, CCM_IFF_PRIMARY), 2);
	f = ccm_iff_set_file(x->set, CCM_IFF_PRIMARY, 0);
	assert_non_null(f->path);
	assert_non_null(strstr(f->path, "a.pri"));
	assert_null(ccm_iff_set_file(x->set, CCM_IFF_PRIMARY, 1)->path);
	fx_free(x);
}

static void packing_list_without_its_header_line_is_read_with_a_warning(void **state)
{
	struct fx *x = fx_new();

	(void)state;
	fx_file(x, "A.PRI", "");
	fx_file(x, "a.pkl", "850\nA.PRI,Primary\n");
	fx_open(x, "a.pkl");
	assert_int_equal(count_kind(x, "pkl-no-header"), 1);
	assert_int_equal(ccm_iff_set_count(x->set, CCM_IFF_PRIMARY), 1);
	fx_free(x);
}

/* ---- primary files: the leniencies of spec section 9 ---------------------- */

static struct fx *one_primary(const char *pri)
{
	struct fx *x = fx_new();
	struct ccm_buf sec = CCM_BUF_INIT;

	ccm_buf_adds(&sec, SEC_HEADER);
	sec_add(&sec, "Body", "hi", 2, 1, "", "");     /* at 50 */
	fx_bytes(x, "A.SEC", sec.ptr, sec.len);
	ccm_buf_release(&sec);
	fx_file(x, "A.PRI", pri);
	fx_file(x, "a.pkl", PKL);
	fx_open(x, "a.pkl");
	return x;
}

static void comment_lines_are_skipped_everywhere_in_a_primary(void **state)
{
	struct fx *x = one_primary("! extracted 1999-03-01 with /ALL\n"
		"MAILMESSAGE,CCMAIL:A at PO\n! between keyword and header\n" MM_HEADER
		"! between rows, with a \\\\\nInbox,S,T,,,One,,,,,,#A.SEC(50)\n"
		"!\nInbox,S,T,,,Two,,,,,,#A.SEC(50)\n");
	const struct ccm_iff_section *sec = fx_section(x);
	const struct ccm_iff_row *r;

	(void)state;
	assert_int_equal(sec->line, 2);
	assert_int_equal(sec->header_line, 4);
	r = fx_row(x);
	/* A comment is never continued: the row after it is a row. */
	assert_int_equal(r->line, 6);
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "One");
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "Two");
	assert_null(fx_row(x));
	expect_no_reports(x);
	fx_free(x);
}

static void continuation_joins_anywhere_even_inside_a_word(void **state)
{
	struct fx *x = one_primary("MAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"Inbox,Pat,Eliza\\\\\nbeth Brown,,,Sub\\\\\nject,bad date,,,,,#A.SEC(50)\n"
		"Inbox,S,X400:/C=US/A= \\\\\n/P=NWTraders,,,Two,,,,,,#A.SEC(50)\n");
	const struct ccm_iff_row *r;
	struct ccm_date d;

	(void)state;
	fx_section(x);
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_TO), "Elizabeth Brown");
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "Subject");
	assert_int_equal(r->line, 3);
	assert_int_equal(r->lines, 3);
	/* The raw text keeps the continuations as written. */
	assert_memory_equal(r->raw, "Inbox,Pat,Eliza\\\\\r\nbeth Brown,,,Sub\\\\\r\nject,", 44);
	/* A problem in a field is placed on its physical line and byte. */
	assert_int_equal(ccm_iff_row_date(&d, x->pri, CCM_IFF_COL_SEND_DATE, NULL),
			 CCM_EMALFORMED);
	assert_int_equal(diag(x, "bad-date")->line, 5);
	assert_int_equal(diag(x, "bad-date")->offset, r->offset + 44);
	assert_int_equal(diag(x, "bad-date")->event, 8095);
	r = fx_row(x);
	assert_int_equal(r->line, 6);
	/* Trailing spaces before the "\\" are kept (spec 2.5). */
	assert_string_equal(get(r, CCM_IFF_COL_TO), "X400:/C=US/A= /P=NWTraders");
	fx_free(x);
}

static void continuation_inside_quotes_is_not_joined(void **state)
{
	struct fx *x = one_primary("MAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"Inbox,Pat,\"Eliza\\\\\nbeth\",,,One,,,,,,#A.SEC(50)\n"
		"Inbox,S,T,,,Two,,,,,,#A.SEC(50)\n");
	const struct ccm_iff_row *r;

	(void)state;
	fx_section(x);
	r = fx_row(x);
	assert_true(r->bad);
	assert_int_equal(r->lines, 1);
	assert_int_equal(diag(x, "quote-error")->event, 27);
	assert_int_equal(diag(x, "quote-error")->line, 3);
	assert_null(get(r, CCM_IFF_COL_TO));
	/* The next physical line is a row of its own (a quote inside an
	 * unquoted value is literal). */
	r = fx_row(x);
	assert_int_equal(r->line, 4);
	assert_false(r->bad);
	assert_string_equal(get(r, CCM_IFF_COL_FOLDER), "beth\"");
	r = fx_row(x);
	assert_false(r->bad);
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "Two");
	assert_int_equal(count_kind(x, "quote-error"), 1);
	fx_free(x);
}

static void directory_sections_escape_and_never_continue(void **state)
{
	struct fx *x = one_primary("DIRECTORY\n"
		"Obj-class,Mode,Common-Name,Display-Name,Secondary-Proxy-Addresses\n"
		"mailbox,create,ann,\"C:\\\\dir\\\\\",\"MIGRATE:CCMAIL:a\\\\b\";X:y\n"
		"mailbox,create,bob,Two\\nLines,x\\\\\n"
		"mailbox,create,cy,odd\\q,x\n"
		"\nMAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"C:\\\\dir\\\\,S,T,,,a\\nb,,,,,,#A.SEC(50)\n");
	const struct ccm_iff_row *r;
	struct ccm_csv_line l;

	(void)state;
	fx_section(x);
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_DISPLAY_NAME), "C:\\dir\\");
	ccm_csv_line_init(&l);
	assert_int_equal(ccm_iff_row_multi(&l, x->pri, CCM_IFF_COL_PROXY_ADDRESSES), 2);
	assert_string_equal(l.f[0].value, "MIGRATE:CCMAIL:a\\b");
	assert_string_equal(l.f[1].value, "X:y");
	ccm_csv_line_release(&l);
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_DISPLAY_NAME), "Two\nLines");
	/* "\\" at the end of a DIRECTORY line is an escaped '\', not a join. */
	assert_string_equal(get(r, CCM_IFF_COL_PROXY_ADDRESSES), "x\\");
	assert_int_equal(r->lines, 1);
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_DISPLAY_NAME), "odd\\q");
	assert_int_equal(count_kind(x, "bad-escape"), 1);
	assert_int_equal(diag(x, "bad-escape")->line, 5);
	assert_null(fx_row(x));
	fx_section(x);
	r = fx_row(x);
	/* Elsewhere backslashes are literal. */
	assert_string_equal(get(r, CCM_IFF_COL_FOLDER), "C:\\\\dir\\\\");
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "a\\nb");
	fx_free(x);
}

static void both_list_conventions_and_the_x400_example_split(void **state)
{
	struct fx *x = one_primary("PAB,CCMAIL:A at PO\nObj-class,Display-Name,Email-Address\n"
		"dl,Mixed,\"SMTP:mariab@litware.com;\"\"X400:C=US;A= ;P=NWTraders;G=Joe;S=Parkes\"\"\"\n"
		"\nMAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"Inbox,S,\"Jim_Hance@NorthWind\";\"Stephen Gray@NorthWind\",x;\"Lee, Bill\",,One,,,,,,#A.SEC(50)\n");
	const struct ccm_iff_row *r;
	struct ccm_csv_line l;

	(void)state;
	ccm_csv_line_init(&l);
	fx_section(x);
	fx_row(x);
	assert_int_equal(ccm_iff_row_multi(&l, x->pri, CCM_IFF_COL_EMAIL_ADDRESS), 2);
	assert_string_equal(l.f[1].value, "X400:C=US;A= ;P=NWTraders;G=Joe;S=Parkes");
	fx_section(x);
	r = fx_row(x);
	assert_false(r->bad);
	l.n = 0;
	assert_int_equal(ccm_iff_row_multi(&l, x->pri, CCM_IFF_COL_TO), 2);
	assert_string_equal(l.f[0].value, "Jim_Hance@NorthWind");
	assert_string_equal(l.f[1].value, "Stephen Gray@NorthWind");
	l.n = 0;
	assert_int_equal(ccm_iff_row_multi(&l, x->pri, CCM_IFF_COL_CC), 2);
	assert_string_equal(l.f[1].value, "Lee, Bill");
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "One");
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), 0);
	ccm_csv_line_release(&l);
	fx_free(x);
}

static void columns_map_by_name_in_any_order(void **state)
{
	struct fx *x = one_primary("MAILMESSAGE,CCMAIL:A at PO\n"
		"body,SUBJECT,Folder, Sender,To,Cc,Bcc,Send-Date,Received-Date,Priority,Unread,Unsent\n"
		"#A.SEC(50),Hello,Inbox,Pat,Ann,,,19990101000000,,1,,\n");
	const struct ccm_iff_section *sec = fx_section(x);
	const struct ccm_iff_row *r = fx_row(x);
	int v;

	(void)state;
	assert_int_equal(sec->col[CCM_IFF_COL_BODY], 0);
	assert_int_equal(sec->col[CCM_IFF_COL_SENDER], 3);
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "Hello");
	assert_string_equal(get(r, CCM_IFF_COL_SENDER), "Pat");
	assert_int_equal(ccm_iff_row_priority(&v, x->pri), 0);
	assert_int_equal(v, 1);
	assert_true(ccm_iff_row_is_pointer(r, CCM_IFF_COL_BODY));
	assert_int_equal(count_kind(x, "column-order"), 1);
	assert_int_equal(diag(x, "column-order")->severity, CCM_NOTE);
	fx_free(x);
}

static void extra_and_missing_columns_are_tolerated(void **state)
{
	/* GroupWise's extractor wrote two unnamed trailing columns (Q174168). */
	struct fx *x = one_primary("MAILMESSAGE,CCMAIL:A at PO\n"
		"Folder,Sender,To,Cc,Bcc,Subject,Send-Date,Received-Date,Priority,Unread,Body,X-Size\n"
		"Deleted Items,,,,,,,,,FALSE,#A.SEC(50),0,0\n"
		"Inbox,Pat\n"
		"\nMAILMESSAGE,CCMAIL:B at PO\n"
		"Folder,X-Size,Body\nInbox,12,#A.SEC(50)\n");
	const struct ccm_iff_section *sec = fx_section(x);
	const struct ccm_iff_row *r;

	(void)state;
	assert_int_equal(sec->col[CCM_IFF_COL_UNSENT], -1);
	assert_int_equal(count_kind(x, "missing-column"), 1);
	assert_int_equal(diag(x, "missing-column")->severity, CCM_WARNING);
	assert_int_equal(count_kind(x, "unknown-column"), 1);
	r = fx_row(x);
	assert_int_equal(r->nfields, 13);
	assert_null(get(r, CCM_IFF_COL_UNSENT));
	assert_string_equal(ccm_iff_row_get_named(r, "x-size", NULL), "0");
	assert_int_equal(count_kind(x, "extra-fields"), 1);
	r = fx_row(x);
	/* Missing trailing fields are empty, not absent. */
	assert_string_equal(get(r, CCM_IFF_COL_SENDER), "Pat");
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "");
	assert_string_equal(get(r, CCM_IFF_COL_BODY), "");
	/* A second section with the same unknown column: reported once per file. */
	fx_section(x);
	r = fx_row(x);
	assert_string_equal(ccm_iff_row_get_named(r, "X-Size", NULL), "12");
	assert_int_equal(count_kind(x, "unknown-column"), 1);
	fx_free(x);
}

static void header_without_required_columns_makes_the_section_bad(void **state)
{
	struct fx *x = one_primary("MAILMESSAGE,CCMAIL:A at PO\n"
		"Inbox,S,T,,,Header deleted,,,,,,#A.SEC(50)\n"
		"Inbox,S,T,,,Two,,,,,,#A.SEC(50)\n"
		"\nDIRECTORY\nObj-class,Common-Name\nmailbox,x\n"
		"\nMAILMESSAGE,CCMAIL:B at PO\n" MM_HEADER "Inbox,S,T,,,Ok,,,,,,#A.SEC(50)\n");
	const struct ccm_iff_section *sec = fx_section(x);
	const struct ccm_iff_row *r;

	(void)state;
	assert_true(sec->bad);
	assert_int_equal(diag(x, "no-header")->line, 2);
	/* Rows still come, marked bad, verbatim for a recovery file. */
	r = fx_row(x);
	assert_true(r->bad);
	assert_memory_equal(r->raw, "Inbox,S,T,,,Two,", 16);
	assert_null(fx_row(x));
	assert_int_equal(diag(x, "bad-section")->event, 8124);
	assert_int_equal(diag(x, "bad-section")->line, 1);
	sec = fx_section(x);
	assert_true(sec->bad);
	assert_non_null(strstr(diag(x, "missing-column")->text, "Mode"));
	sec = fx_section(x);
	assert_false(sec->bad);
	assert_string_equal(get(fx_row(x), CCM_IFF_COL_SUBJECT), "Ok");
	assert_int_equal(count_kind(x, "bad-section"), 2);
	fx_free(x);
}

static void migrate_prefix_is_optional_and_public_has_two_spellings(void **state)
{
	struct fx *x = one_primary("PAB,MIGRATE:CCMAIL:A at PO\nObj-class,Display-Name,Email-Address\n"
		"\nPAB,CCMAIL:A at PO\nObj-class,Display-Name,Email-Address\n"
		"\nmailmessage,migrate:CCMAIL:A at PO\n" MM_HEADER
		"\nMAILMESSAGE,PublicMessage\n" MM_HEADER
		"\nMAILMESSAGE,publicmessages\n" MM_HEADER);
	const struct ccm_iff_section *sec;

	(void)state;
	sec = fx_section(x);
	assert_string_equal(sec->address_raw, "MIGRATE:CCMAIL:A at PO");
	assert_string_equal(sec->address, "CCMAIL:A at PO");
	sec = fx_section(x);
	assert_string_equal(sec->address_raw, "CCMAIL:A at PO");
	assert_string_equal(sec->address, "CCMAIL:A at PO");
	sec = fx_section(x);
	assert_int_equal(sec->kind, CCM_IFF_MAILMESSAGE);
	assert_string_equal(sec->address, "CCMAIL:A at PO");
	assert_false(sec->is_public);
	sec = fx_section(x);
	assert_true(sec->is_public);
	sec = fx_section(x);
	assert_true(sec->is_public);
	assert_null(fx_section(x));
	assert_int_equal(count_kind(x, "public-message-spelling"), 1);
	fx_free(x);
}

static void empty_mailmessage_section_is_valid(void **state)
{
	/* Q194218: the section that lets a custom recipient become a mailbox. */
	struct fx *x = one_primary("MAILMESSAGE,\"CCMAIL:Smith, John at SALESPO\"\n" MM_HEADER
		"\nMAILMESSAGE,\"CCMAIL:Doe, Jane at SALESPO\"\n" MM_HEADER
		"MAILMESSAGE,CCMAIL:Next at PO\n" MM_HEADER);
	const struct ccm_iff_section *sec;

	(void)state;
	sec = fx_section(x);
	assert_string_equal(sec->address, "CCMAIL:Smith, John at SALESPO");
	assert_false(sec->bad);
	assert_null(fx_row(x));
	sec = fx_section(x);
	assert_string_equal(sec->address, "CCMAIL:Doe, Jane at SALESPO");
	assert_null(fx_row(x));
	/* A keyword line ends a section without a blank line before it. */
	sec = fx_section(x);
	assert_string_equal(sec->address, "CCMAIL:Next at PO");
	assert_int_equal(sec->line, 6);
	assert_null(fx_section(x));
	expect_no_reports(x);
	fx_free(x);
}

static void rows_after_a_blank_line_are_reported_once_as_outside(void **state)
{
	struct fx *x = one_primary("MAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"Inbox,S,T,,,One,,,,,,#A.SEC(50)\n\n"
		"Inbox,S,T,,,Two,,,,,,#A.SEC(50)\nInbox,S,T,,,Three,,,,,,#A.SEC(50)\n"
		"\nMAILMESSAGE,CCMAIL:B at PO\n" MM_HEADER);
	const struct ccm_diag *d;

	(void)state;
	fx_section(x);
	assert_non_null(fx_row(x));
	assert_null(fx_row(x));
	assert_string_equal(fx_section(x)->address, "CCMAIL:B at PO");
	assert_int_equal(count_kind(x, "outside-section"), 1);
	d = diag(x, "outside-section");
	assert_int_equal(d->line, 5);
	assert_int_equal(d->event, 8095);
	assert_non_null(strstr(d->text, "2 line(s)"));
	assert_non_null(strstr(d->text, "remove the blank line"));
	fx_free(x);
}

static void pab_heading_needs_exactly_two_fields(void **state)
{
	struct fx *x = one_primary("PAB,CCMAIL:Smith, John at PO\n"
		"Obj-class,Display-Name,Email-Address\nentry,A,SMTP:a@b\n"
		"\nPAB\nObj-class,Display-Name,Email-Address\n"
		"\nPAB,\"CCMAIL:Smith, John at PO\"\nObj-class,Display-Name,Email-Address\n"
		"entry,A,SMTP:a@b\n");
	const struct ccm_iff_section *sec;

	(void)state;
	sec = fx_section(x);
	assert_true(sec->bad);
	assert_int_equal(diag(x, "bad-section-heading")->event, 8030);
	assert_true(fx_row(x)->bad);
	assert_null(fx_row(x));
	assert_int_equal(diag(x, "bad-section")->event, 8124);
	assert_true(fx_section(x)->bad);
	sec = fx_section(x);
	assert_false(sec->bad);
	assert_string_equal(sec->address, "CCMAIL:Smith, John at PO");
	assert_false(fx_row(x)->bad);
	assert_int_equal(count_kind(x, "bad-section-heading"), 2);
	fx_free(x);
}

static void a_quote_error_skips_its_row_only(void **state)
{
	struct fx *x = one_primary("MAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"Inbox,\"Smith, John\"x,T,,,One,,,,,,#A.SEC(50)\n"
		"Inbox,S,T,,,Two,,,,,,#A.SEC(50)\n");
	const struct ccm_iff_row *r;
	const struct ccm_diag *d;

	(void)state;
	fx_section(x);
	r = fx_row(x);
	assert_true(r->bad);
	d = diag(x, "quote-error");
	assert_int_equal(d->event, 27);
	assert_int_equal(d->line, 3);
	assert_int_equal(d->offset, r->offset + 19);
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), CCM_EMALFORMED);
	r = fx_row(x);
	assert_false(r->bad);
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "Two");
	fx_free(x);
}

static void fields_are_converted_from_the_code_page(void **state)
{
	struct fx *x = fx_new();
	/* CP850: 0x82 e-acute, 0x94 o-umlaut. */
	static const char pri[] = "MAILMESSAGE,CCMAIL:Ren\x82 at PO\r\n" MM_HEADER
		"Inbox,J\x94rg,T,,,Caf\x82,,,,,,\r\n";
	const struct ccm_iff_section *sec;
	const struct ccm_iff_row *r;

	(void)state;
	/* MM_HEADER ends in a bare LF: read like CR LF. */
	fx_file(x, "a.pkl", "850\n\nFilename,Filetype\nA.PRI,Primary\n");
	fx_bytes(x, "A.PRI", pri, sizeof(pri) - 1);
	fx_open(x, "a.pkl");
	sec = fx_section(x);
	assert_string_equal(sec->address, "CCMAIL:Ren\xc3\xa9 at PO");
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_SENDER), "J\xc3\xb6rg");
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "Caf\xc3\xa9");
	assert_memory_equal(r->raw, "Inbox,J\x94rg", 10);
	fx_free(x);
}

static void double_byte_trail_backslash_is_neither_join_nor_escape(void **state)
{
	struct fx *x = fx_new();
	/* CP932 0x95 0x5C is one character (U+8868) whose trail byte is '\'. */
	static const char pri[] =
		"MAILMESSAGE,CCMAIL:A at PO\r\n"
		"Folder,Sender,To,Cc,Bcc,Subject,Send-Date,Received-Date,Priority,Unread,Unsent,Body\r\n"
		"Inbox,S,T,,,\x95\\\\\r\n"
		"Inbox,S,T,,,Two,,,,,,\r\n"
		"\r\nDIRECTORY\r\nObj-class,Mode,Common-Name,Display-Name\r\n"
		"mailbox,create,x,\x95\\\r\n";
	const struct ccm_iff_row *r;

	(void)state;
	fx_file(x, "a.pkl", "932\n\nFilename,Filetype\nA.PRI,Primary\n");
	fx_bytes(x, "A.PRI", pri, sizeof(pri) - 1);
	fx_open(x, "a.pkl");
	fx_section(x);
	r = fx_row(x);
	/* The character and a literal '\': the line ends with a single '\'. */
	assert_string_equal(get(r, CCM_IFF_COL_SUBJECT), "\xe8\xa1\xa8\\");
	assert_int_equal(r->lines, 1);
	assert_string_equal(get(fx_row(x), CCM_IFF_COL_SUBJECT), "Two");
	fx_section(x);
	r = fx_row(x);
	assert_string_equal(get(r, CCM_IFF_COL_DISPLAY_NAME), "\xe8\xa1\xa8");
	assert_int_equal(count_kind(x, "bad-escape"), 0);
	fx_free(x);
}

static void typed_fields_parse_strictly(void **state)
{
	struct ccm_date d;
	int v;

	(void)state;
	assert_int_equal(ccm_iff_parse_date(&d, "19950501220005", 14, NULL), 0);
	assert_int_equal(d.year, 1995);
	assert_int_equal(d.month, 5);
	assert_int_equal(d.day, 1);
	assert_int_equal(d.hour, 22);
	assert_int_equal(d.second, 5);
	assert_int_equal(d.utc, 799365605LL);
	assert_int_equal(ccm_iff_parse_date(&d, "20000229000000", 14, NULL), 0);
	assert_int_equal(ccm_iff_parse_date(&d, "19990231000000", 14, NULL), CCM_EMALFORMED);
	assert_int_equal(ccm_iff_parse_date(&d, "19950501240000", 14, NULL), CCM_EMALFORMED);
	assert_int_equal(ccm_iff_parse_date(&d, "1995050122000", 13, NULL), CCM_EMALFORMED);
	assert_int_equal(ccm_iff_parse_date(&d, "1995-05-01 22:", 14, NULL), CCM_EMALFORMED);
	assert_int_equal(ccm_iff_parse_date(&d, "00010403220002", 14, NULL), CCM_EMALFORMED);
	assert_int_equal(ccm_iff_parse_bool(&v, "True", 4), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ccm_iff_parse_bool(&v, "false", 5), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ccm_iff_parse_bool(&v, "yes", 3), CCM_EMALFORMED);
	assert_int_equal(ccm_iff_parse_priority(&v, "-1", 2), 0);
	assert_int_equal(v, -1);
	assert_int_equal(ccm_iff_parse_priority(&v, "2", 1), CCM_EMALFORMED);
	assert_int_equal(ccm_iff_parse_priority(&v, "+1", 2), CCM_EMALFORMED);
}

static void validation_reports_each_bad_field_of_a_row(void **state)
{
	struct fx *x = one_primary("MAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"Inbox,S,T,,,One,19990231000000,yesterday,2,maybe,TRUE,\"#A.SEC(50)\"\n"
		"Inbox,S,T,,,#1 fan,,,,,,\n"
		"\nDIRECTORY\nObj-class,Mode,Common-Name,Display-Name\n"
		"mailbox,update,,#A.SEC(50)\nrobot,create,r\xc3\xa9,R\n"
		"\nPAB,CCMAIL:A at PO\nObj-class,Display-Name,Email-Address\n"
		"person,P,SMTP:p@q\nentry,,no-colon\n");

	(void)state;
	fx_section(x);
	fx_row(x);
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), CCM_EMALFORMED);
	assert_int_equal(count_kind(x, "bad-date"), 2);
	assert_int_equal(count_kind(x, "bad-priority"), 1);
	assert_int_equal(count_kind(x, "bad-boolean"), 1);
	assert_int_equal(count_kind(x, "not-a-pointer"), 1);
	assert_int_equal(diag(x, "not-a-pointer")->event, 8054);
	fx_row(x);
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), CCM_EMALFORMED);
	assert_int_equal(count_kind(x, "missing-body"), 1);
	assert_int_equal(count_kind(x, "unquoted-hash"), 1);
	fx_section(x);
	fx_row(x);
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), CCM_EMALFORMED);
	assert_int_equal(count_kind(x, "bad-mode"), 1);
	assert_int_equal(count_kind(x, "pointer-in-directory"), 1);
	assert_int_equal(count_kind(x, "missing-value"), 1);
	fx_row(x);
	/* Warnings only: the row can be imported. */
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), 0);
	assert_int_equal(count_kind(x, "bad-obj-class"), 1);
	assert_int_equal(count_kind(x, "non-ascii-alias"), 1);
	fx_section(x);
	fx_row(x);
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), CCM_EMALFORMED);
	assert_int_equal(count_kind(x, "bad-obj-class"), 2);
	fx_row(x);
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), CCM_EMALFORMED);
	assert_int_equal(count_kind(x, "missing-value"), 2);
	assert_int_equal(count_kind(x, "bad-address"), 1);
	fx_free(x);
}

/* ---- pointers are confined (spec 12.9) ------------------------------------ */

struct bad_ptr {
	const char *pointer;
	const char *kind;
	int event;
};

static void every_bad_pointer_is_an_error_for_its_row_only(void **state)
{
	struct fx *x = fx_new();
	struct ccm_buf sec = CCM_BUF_INIT, pri = CCM_BUF_INIT;
	long long good, bogus, past, unnamed, nolast;
	char p[4][64];
	struct bad_ptr cases[] = {
		{ "#../../etc/passwd(0)", "bad-pointer", 8054 },
		{ "#/etc/passwd(0)", "bad-pointer", 8054 },
		{ "#../passwd(0)", "bad-pointer", 8054 },
		{ "#..\\passwd(0)", "bad-pointer", 8054 },
		{ "#OTHER.SEC(50)", "unlisted-secondary", 8054 },
		{ "#A.SEC(99999)", "offset-out-of-range", 8005 },
		{ "#A.SEC(-5)", "offset-out-of-range", 8005 },
		{ "#A.SEC(99999999999999999999)", "offset-out-of-range", 8005 },
		{ "#A.SEC(52)", "offset-not-line-start", 8005 },
		{ "#A.SEC(0)", "bad-section-header", 8059 },
		{ p[0], "bad-section-header", 8059 },
		{ p[1], "no-attachment-name", 8048 },
		{ p[2], "chain-not-ended", 8005 },
		{ p[3], "length-past-end", 8005 },
	};
	const size_t ncases = sizeof(cases) / sizeof(cases[0]);
	const struct ccm_iff_row *r;
	struct ccm_error err;

	(void)state;
	/* A file outside the folder that a confined reader never opens. */
	fx_file(x, "passwd", "root:x:0:0\n");
	ccm_buf_adds(&sec, SEC_HEADER);
	good = sec_add(&sec, "Body", "fine", 4, 1, "", "");
	bogus = sec_add(&sec, "Bogus", "x", 1, 1, "", "");
	unnamed = sec_add(&sec, "Body", "b", 1, 0, "", "");
	sec_add(&sec, "Attachment", "data", 4, 1, "", "0");
	past = (long long)sec.len;
	ccm_buf_adds(&sec, "Body,999999,,TRUE,,,\r\nshort\r\n");
	/* Last in the file: the chain runs into its end. */
	nolast = sec_add(&sec, "Body", "b", 1, 0, "", "");
	sec_add(&sec, "Attachment", "data", 4, 0, "X.BIN", "0");
	assert_int_equal(good, 50);
	snprintf(p[0], sizeof(p[0]), "#A.SEC(%lld)", bogus);
	snprintf(p[1], sizeof(p[1]), "#A.SEC(%lld)", unnamed);
	snprintf(p[2], sizeof(p[2]), "#A.SEC(%lld)", nolast);
	snprintf(p[3], sizeof(p[3]), "#A.SEC(%lld)", past);
	fx_bytes(x, "set/A.SEC", sec.ptr, sec.len);
	fx_file(x, "set/OTHER.SEC", SEC_HEADER "Body,1,,TRUE,,,\r\nx\r\n");
	ccm_buf_adds(&pri, "MAILMESSAGE,CCMAIL:A at PO\r\n" MM_HEADER);
	for (size_t i = 0; i < ncases; i++)
		ccm_buf_addf(&pri, "Inbox,S,T,,,Bad %zu,,,,,,%s\r\nInbox,S,T,,,Good,,,,,,#A.SEC(50)\r\n",
			     i, cases[i].pointer);
	fx_bytes(x, "set/A.PRI", pri.ptr, pri.len);
	fx_file(x, "set/a.pkl", PKL);
	fx_open(x, "set/a.pkl");
	fx_section(x);
	for (size_t i = 0; i < ncases; i++) {
		struct ccm_iff_chain *ch = (struct ccm_iff_chain *)&err;
		size_t before = x->diags.len;
		const struct ccm_diag *d;

		r = fx_row(x);
		assert_false(r->bad);
		assert_int_equal(ccm_iff_row_chain(&ch, x->pri, CCM_IFF_COL_BODY, &err),
				 CCM_EMALFORMED);
		assert_null(ch);
		if (x->diags.len != before + 1)
			fail_msg("case %zu '%s': %zu reports", i, cases[i].pointer,
				 x->diags.len - before);
		d = &x->diags.items[before];
		if (strcmp(d->kind, cases[i].kind) || d->event != cases[i].event)
			fail_msg("case %zu '%s': got %s (event %d): %s", i, cases[i].pointer,
				 d->kind, d->event, d->text);
		assert_int_equal(d->severity, CCM_ERROR);
		/* Pointer problems name the row; chain problems the .sec spot. */
		if (cases[i].event == 8054 || !strncmp(cases[i].kind, "offset-", 7)) {
			assert_string_equal(d->file, "A.PRI");
			assert_int_equal(d->line, r->line);
		} else {
			assert_string_equal(d->file, "A.SEC");
		}
		/* The next row is read and resolved as if nothing happened. */
		r = fx_row(x);
		assert_int_equal(ccm_iff_row_chain(&ch, x->pri, CCM_IFF_COL_BODY, &err), 0);
		ccm_iff_chain_free(ch);
	}
	assert_null(fx_row(x));
	ccm_buf_release(&sec);
	ccm_buf_release(&pri);
	fx_free(x);
}

static void a_wrong_length_is_found_at_its_section(void **state)
{
	struct fx *x = fx_new();
	struct ccm_buf sec = CCM_BUF_INIT;
	unsigned long sections = 0;
	unsigned long long bytes = 0;
	struct ccm_iff_chain *ch;
	struct ccm_error err;
	const struct ccm_diag *d;

	(void)state;
	/* A body edited by hand: 5 bytes longer than its Length says. */
	ccm_buf_adds(&sec, SEC_HEADER "Body,5,,TRUE,,,\r\nHello, world\r\n\r\n"
		     "Body,2,,TRUE,,,\r\nok\r\n");
	fx_bytes(x, "A.SEC", sec.ptr, sec.len);
	fx_file(x, "A.PRI", "MAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"Inbox,S,T,,,One,,,,,,#A.SEC(50)\n");
	fx_file(x, "a.pkl", PKL);
	fx_open(x, "a.pkl");
	fx_section(x);
	fx_row(x);
	assert_int_equal(ccm_iff_row_chain(&ch, x->pri, CCM_IFF_COL_BODY, &err), 0);
	ccm_iff_chain_free(ch);
	d = diag(x, "length-mismatch");
	assert_int_equal(d->severity, CCM_WARNING);
	assert_int_equal(d->offset, 50);
	assert_int_equal(d->line, 2);
	/* Walking the file whole stops where it stops making sense. */
	assert_int_equal(ccm_iff_set_scan_secondary(x->set, 0, &sections, &bytes, &err), 0);
	d = diag(x, "sec-structure");
	assert_int_equal(sections, 1);
	assert_int_equal(d->offset, 72);
	assert_int_equal(d->line, 3);
	ccm_buf_release(&sec);
	fx_free(x);
}

static void a_large_attachment_streams_in_pieces(void **state)
{
	struct fx *x = fx_new();
	const size_t big = 3 * 1024 * 1024 + 17;
	struct ccm_buf sec = CCM_BUF_INIT;
	const struct ccm_iff_secsect *h;
	struct ccm_iff_chain *ch;
	struct ccm_error err;
	unsigned long long sum = 0, want = 0;
	size_t total = 0, pieces = 0;
	static char buf[256 * 1024];
	char *data = malloc(big);
	ssize_t got;

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < big; i++) {
		data[i] = (char)(i * 7 + i / 1000);
		want += (unsigned char)data[i] * (i % 13 + 1);
	}
	ccm_buf_adds(&sec, SEC_HEADER);
	sec_add(&sec, "Body", "See attached.", 13, 0, "", "-1");
	sec_add(&sec, "Attachment", data, big, 1, "BIG.BIN", "13");
	fx_bytes(x, "A.SEC", sec.ptr, sec.len);
	ccm_buf_release(&sec);
	fx_file(x, "A.PRI", "MAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"Inbox,S,T,,,Big,,,,,,#A.SEC(50)\n");
	fx_file(x, "a.pkl", PKL);
	fx_open(x, "a.pkl");
	fx_section(x);
	fx_row(x);
	assert_int_equal(ccm_iff_row_chain(&ch, x->pri, CCM_IFF_COL_BODY, &err), 0);
	assert_int_equal(ccm_iff_chain_count(ch), 2);
	assert_int_equal(ccm_iff_chain_bytes(ch), (long long)(13 + big));
	assert_int_equal(ccm_iff_chain_next(ch, &h), 1);
	assert_int_equal(ccm_iff_chain_next(ch, &h), 1);   /* body left unread */
	assert_string_equal(h->name, "BIG.BIN");
	assert_int_equal(h->position, 13);
	/* Alternate big reads (direct) and small ones (through the buffer). */
	for (;;) {
		size_t n = pieces++ % 2 ? sizeof(buf) : 1000;

		got = ccm_iff_chain_read(ch, buf, n, &err);
		assert_true(got >= 0);
		if (got == 0)
			break;
		for (ssize_t i = 0; i < got; i++, total++)
			sum += (unsigned char)buf[i] * (total % 13 + 1);
	}
	assert_int_equal(total, big);
	assert_true(sum == want);
	assert_int_equal(ccm_iff_chain_next(ch, &h), 0);
	ccm_iff_chain_free(ch);
	expect_no_reports(x);
	free(data);
	fx_free(x);
}

static void other_sections_are_csv_unquoted_and_read_as_text(void **state)
{
	struct fx *x = fx_new();
	struct ccm_buf sec = CCM_BUF_INIT, out = CCM_BUF_INIT;
	const char q[] = "\"Lee, Bill;\"\"Two\"\" \xe9\"";
	const char multi[] = "line one\r\nline two";
	char pri[512];
	long long a, b;
	struct ccm_error err;

	(void)state;
	ccm_buf_adds(&sec, SEC_HEADER);
	a = sec_add(&sec, "Other", q, strlen(q), 1, "", "");
	b = sec_add(&sec, "Other", multi, strlen(multi), 1, "", "");
	fx_bytes(x, "A.SEC", sec.ptr, sec.len);
	snprintf(pri, sizeof(pri), "MAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		 "Inbox,#A.SEC(%lld),T,,,#A.SEC(%lld),,,,,,#A.SEC(%lld)\n", a, b, b);
	fx_file(x, "A.PRI", pri);
	fx_file(x, "a.pkl", PKL);
	fx_open(x, "a.pkl");
	fx_section(x);
	fx_row(x);
	assert_int_equal(ccm_iff_row_text(&out, x->pri, CCM_IFF_COL_SENDER, 1000, &err), 0);
	assert_string_equal(out.ptr, "Lee, Bill;\"Two\" \xc3\xa9");
	assert_int_equal(ccm_iff_row_text(&out, x->pri, CCM_IFF_COL_SUBJECT, 1000, &err), 0);
	assert_string_equal(out.ptr, "line one\r\nline two");
	assert_int_equal(ccm_iff_row_text(&out, x->pri, CCM_IFF_COL_TO, 1000, &err), 0);
	assert_string_equal(out.ptr, "T");
	assert_int_equal(ccm_iff_row_text(&out, x->pri, CCM_IFF_COL_CC, 1000, &err), 1);
	assert_int_equal(ccm_iff_row_text(&out, x->pri, CCM_IFF_COL_SUBJECT, 10, &err),
			 CCM_EMALFORMED);
	assert_int_equal(count_kind(x, "value-too-long"), 1);
	/* The Body pointer leads to an Other section: not a message. */
	assert_int_equal(ccm_iff_row_validate(x->pri, NULL), 0);
	{
		struct ccm_iff_chain *ch;
		assert_int_equal(ccm_iff_row_chain(&ch, x->pri, CCM_IFF_COL_BODY, &err),
				 CCM_EMALFORMED);
		assert_int_equal(count_kind(x, "first-not-body"), 1);
	}
	ccm_buf_release(&sec);
	ccm_buf_release(&out);
	fx_free(x);
}

static void attachment_position_past_the_body_is_clamped(void **state)
{
	struct fx *x = fx_new();
	struct ccm_buf sec = CCM_BUF_INIT, b = CCM_BUF_INIT;
	size_t nsec;

	(void)state;
	ccm_buf_adds(&sec, SEC_HEADER);
	sec_add(&sec, "Body", "short", 5, 0, "", "");
	sec_add(&sec, "Attachment", "a", 1, 0, "A.TXT", "99");
	sec_add(&sec, "Attachment", "b", 1, 1, "B.TXT", "");
	fx_bytes(x, "A.SEC", sec.ptr, sec.len);
	fx_file(x, "A.PRI", "MAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"Inbox,S,T,,,One,,,,,,#A.SEC(50)\n");
	fx_file(x, "a.pkl", PKL);
	fx_open(x, "a.pkl");
	fx_section(x);
	fx_row(x);
	assert_int_equal(read_chain(x, CCM_IFF_COL_BODY, &b, &nsec), 0);
	assert_string_equal(b.ptr, "[0  -1 0]short[1 A.TXT 5 0]a[1 B.TXT -1 1]b");
	assert_int_equal(diag(x, "bad-position")->severity, CCM_WARNING);
	ccm_buf_release(&sec);
	ccm_buf_release(&b);
	fx_free(x);
}

static void a_missing_secondary_fails_each_row_that_points_into_it(void **state)
{
	struct fx *x = fx_new();
	struct ccm_iff_chain *ch;
	struct ccm_error err;

	(void)state;
	fx_file(x, "A.PRI", "MAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"Inbox,S,T,,,One,,,,,,#A.SEC(50)\nInbox,S,T,,,Two,,,,,,#A.SEC(50)\n");
	fx_file(x, "a.pkl", PKL);
	fx_open(x, "a.pkl");
	assert_int_equal(count_kind(x, "pkl-missing-file"), 1);
	fx_section(x);
	fx_row(x);
	assert_int_equal(ccm_iff_row_chain(&ch, x->pri, CCM_IFF_COL_BODY, &err), CCM_EMALFORMED);
	fx_row(x);
	assert_int_equal(ccm_iff_row_chain(&ch, x->pri, CCM_IFF_COL_BODY, &err), CCM_EMALFORMED);
	assert_int_equal(count_kind(x, "secondary-unreadable"), 2);
	assert_int_equal(diag(x, "secondary-unreadable")->event, 8054);
	fx_free(x);
}

static void secondary_without_its_column_header_is_reported_once(void **state)
{
	struct fx *x = fx_new();
	struct ccm_iff_chain *ch;
	struct ccm_error err;

	(void)state;
	fx_file(x, "A.SEC", "Body,2,,TRUE,,,\nhi\n");
	fx_file(x, "A.PRI", "MAILMESSAGE,CCMAIL:A at PO\n" MM_HEADER
		"Inbox,S,T,,,One,,,,,,#A.SEC(0)\nInbox,S,T,,,Two,,,,,,#A.SEC(0)\n");
	fx_file(x, "a.pkl", PKL);
	fx_open(x, "a.pkl");
	fx_section(x);
	fx_row(x);
	assert_int_equal(ccm_iff_row_chain(&ch, x->pri, CCM_IFF_COL_BODY, &err), 0);
	ccm_iff_chain_free(ch);
	fx_row(x);
	assert_int_equal(ccm_iff_row_chain(&ch, x->pri, CCM_IFF_COL_BODY, &err), 0);
	ccm_iff_chain_free(ch);
	assert_int_equal(count_kind(x, "sec-no-header"), 1);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(constructed_secondary_offsets_are_byte_exact),
		cmocka_unit_test(constructed_example_reads_with_its_chains),
		cmocka_unit_test(sdk_packing_list_takes_the_code_page_after_a_comment),
		cmocka_unit_test(sdk_directory_section_reads),
		cmocka_unit_test(sdk_pab_header_split_by_continuations_maps_by_name),
		cmocka_unit_test(sdk_messages_and_schedule_read_with_their_chains),
		cmocka_unit_test(sdk_public_folder_section_reads),
		cmocka_unit_test(sdk_secondaries_scan_whole_without_complaint),
		cmocka_unit_test(packing_list_without_code_page_cannot_be_read),
		cmocka_unit_test(packing_list_refuses_names_outside_its_folder),
		cmocka_unit_test(packing_list_reports_unknown_types_missing_files_and_case),
		cmocka_unit_test(packing_list_without_its_header_line_is_read_with_a_warning),
		cmocka_unit_test(comment_lines_are_skipped_everywhere_in_a_primary),
		cmocka_unit_test(continuation_joins_anywhere_even_inside_a_word),
		cmocka_unit_test(continuation_inside_quotes_is_not_joined),
		cmocka_unit_test(directory_sections_escape_and_never_continue),
		cmocka_unit_test(both_list_conventions_and_the_x400_example_split),
		cmocka_unit_test(columns_map_by_name_in_any_order),
		cmocka_unit_test(extra_and_missing_columns_are_tolerated),
		cmocka_unit_test(header_without_required_columns_makes_the_section_bad),
		cmocka_unit_test(migrate_prefix_is_optional_and_public_has_two_spellings),
		cmocka_unit_test(empty_mailmessage_section_is_valid),
		cmocka_unit_test(rows_after_a_blank_line_are_reported_once_as_outside),
		cmocka_unit_test(pab_heading_needs_exactly_two_fields),
		cmocka_unit_test(a_quote_error_skips_its_row_only),
		cmocka_unit_test(fields_are_converted_from_the_code_page),
		cmocka_unit_test(double_byte_trail_backslash_is_neither_join_nor_escape),
		cmocka_unit_test(typed_fields_parse_strictly),
		cmocka_unit_test(validation_reports_each_bad_field_of_a_row),
		cmocka_unit_test(every_bad_pointer_is_an_error_for_its_row_only),
		cmocka_unit_test(a_wrong_length_is_found_at_its_section),
		cmocka_unit_test(a_large_attachment_streams_in_pieces),
		cmocka_unit_test(other_sections_are_csv_unquoted_and_read_as_text),
		cmocka_unit_test(attachment_position_past_the_body_is_clamped),
		cmocka_unit_test(a_missing_secondary_fails_each_row_that_points_into_it),
		cmocka_unit_test(secondary_without_its_column_header_is_reported_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
