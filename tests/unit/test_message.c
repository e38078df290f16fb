/* test_message.c: the streaming reader of message export files. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ccmail/decode.h"
#include "ccmail/message.h"

struct fixture {
	char *dir;
	char *path;
	struct ccm_diaglist diags;
	struct ccm_report rep;
	struct ccm_msgfile *f;
	struct ccm_msgfile_opts o;
};

static struct fixture *fx_new(const void *data, size_t n, int item_sizes,
			      enum ccm_attach_enc enc)
{
	struct fixture *x = calloc(1, sizeof(*x));
	struct ccm_error err;

	assert_non_null(x);
	x->dir = tu_mkdtemp();
	x->path = tu_write(x->dir, "user.exp", data, n);
	x->rep.sink = ccm_diaglist_sink;
	x->rep.ctx = &x->diags;
	x->o.display = "user.exp";
	x->o.user = "Smith, John";
	x->o.item_sizes = item_sizes;
	x->o.attachments = enc;
	x->o.home_po = "HUB";
	x->o.rep = &x->rep;
	assert_int_equal(ccm_msgfile_open(&x->f, x->path, &x->o, &err), 0);
	return x;
}

static struct fixture *fx_str(const char *s, int item_sizes, enum ccm_attach_enc enc)
{
	return fx_new(s, strlen(s), item_sizes, enc);
}

static void fx_free(struct fixture *x)
{
	ccm_msgfile_close(x->f);
	ccm_diaglist_release(&x->diags);
	tu_rmtree(x->dir);
	free(x->dir);
	free(x->path);
	free(x);
}

/* The current item's whole data, read in pieces of `piece` bytes. */
static char *read_all(struct fixture *x, size_t piece, size_t *n)
{
	struct ccm_buf b = CCM_BUF_INIT;
	char *tmp = malloc(piece);
	struct ccm_error err;
	ssize_t got;

	assert_non_null(tmp);
	while ((got = ccm_msgfile_read(x->f, tmp, piece, &err)) > 0)
		ccm_buf_add(&b, tmp, (size_t)got);
	assert_true(got == 0);
	free(tmp);
	return ccm_buf_detach(&b, n);
}

static const struct ccm_message *next_msg(struct fixture *x)
{
	const struct ccm_message *m = NULL;
	struct ccm_error err;

	assert_int_equal(ccm_msgfile_next(x->f, &m, &err), 1);
	return m;
}

static const struct ccm_item *next_item(struct fixture *x)
{
	const struct ccm_item *it = NULL;
	struct ccm_error err;

	assert_int_equal(ccm_msgfile_next_item(x->f, &it, &err), 1);
	return it;
}

static void no_more_items(struct fixture *x)
{
	const struct ccm_item *it = NULL;
	struct ccm_error err;

	assert_int_equal(ccm_msgfile_next_item(x->f, &it, &err), 0);
}

static void no_more_messages(struct fixture *x)
{
	const struct ccm_message *m = NULL;
	struct ccm_error err;

	assert_int_equal(ccm_msgfile_next(x->f, &m, &err), 0);
}

static void expect_data(struct fixture *x, const char *want, size_t wantlen)
{
	size_t n;
	char *got = read_all(x, 7, &n);

	assert_int_equal(n, wantlen);
	assert_memory_equal(got, want, wantlen);
	free(got);
}

/* The worked example of spec 2.2, byte for byte. */
static const char worked_example[] =
	"Message:\r\n196\r\n"
	"From: Grewal, Jeff at HUB\r\n"
	"Date: 6/2/98 8:39\r\n"
	"To: Admin at HUBPO2\r\n"
	"Subject: Another message\r\n"
	"Contents:\r\n88\r\n"
	"Text item:\r\n26\r\n"
	"This is the message body\r\n"
	"\r\n"
	"File item: NOTE.TXT 6/1/98 5:02PM\r\n4\r\n"
	"hi\r\n"
	"\r\n"
	"Message:\r\n133\r\n"
	"From: Admin at HUBPO2\r\n"
	"Date: 6/3/98 9:00\r\n"
	"To: Grewal, Jeff at HUB\r\n"
	"Subject: Re: Another message\r\n"
	"Contents:\r\n21\r\n"
	"Text item:\r\n6\r\n"
	"Thanks";

static void spec_worked_example_reads_byte_for_byte(void **state)
{
	struct fixture *x = fx_str(worked_example, 1, CCM_ENC_RAW);
	const struct ccm_message *m;
	const struct ccm_item *it;

	(void)state;
	assert_int_equal(strlen(worked_example), 359);
	m = next_msg(x);
	assert_int_equal(m->offset, 0);
	assert_int_equal(m->count, 196);
	assert_string_equal(m->from_text, "Grewal, Jeff at HUB");
	assert_string_equal(m->subject, "Another message");
	assert_string_equal(m->date_text, "6/2/98 8:39");
	assert_int_equal(m->date_state, CCM_DATE_OK);
	assert_int_equal(m->date.year, 1998);
	assert_int_equal(m->to.len, 1);
	assert_string_equal(m->to.v[0].name, "Admin");
	assert_string_equal(m->to.v[0].po, "HUBPO2");
	it = next_item(x);
	assert_int_equal(it->kind, CCM_ITEM_TEXT);
	assert_int_equal(it->offset, 123);
	assert_int_equal(it->data_offset, 139);
	assert_int_equal(it->count, 26);
	expect_data(x, "This is the message body\r\n", 26);
	it = next_item(x);
	assert_int_equal(it->kind, CCM_ITEM_FILE);
	assert_int_equal(it->offset, 167);
	assert_int_equal(it->data_offset, 205);
	assert_string_equal(it->name, "NOTE.TXT");
	assert_true(it->has_file_date);
	assert_int_equal(it->file_date.month, 6);
	assert_int_equal(it->file_date.day, 1);
	assert_int_equal(it->file_date.hour, 17);
	assert_int_equal(it->size, 4);
	expect_data(x, "hi\r\n", 4);
	no_more_items(x);
	m = next_msg(x);
	assert_int_equal(m->offset, 211);
	assert_int_equal(m->number, 2);
	assert_string_equal(m->subject, "Re: Another message");
	it = next_item(x);
	assert_int_equal(it->data_offset, 353);
	expect_data(x, "Thanks", 6);
	no_more_items(x);
	no_more_messages(x);
	/* Every count added up: nothing to report. */
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 0);
	assert_int_equal(ccm_diaglist_count(&x->diags, "message-count-mismatch"), 0);
	fx_free(x);
}

static void skipping_messages_unread_uses_the_counts(void **state)
{
	struct fixture *x = fx_str(worked_example, 1, CCM_ENC_RAW);
	const struct ccm_message *m;

	(void)state;
	next_msg(x);
	m = next_msg(x);
	assert_int_equal(m->offset, 211);
	assert_string_equal(m->subject, "Re: Another message");
	no_more_messages(x);
	assert_int_equal(x->diags.len, 0);
	fx_free(x);
}

/* The knowledge-base sample: its counts were edited by hand. */
static void kb_sample_with_wrong_counts_still_reads(void **state)
{
	const char *kb =
		"Message:\r\n179\r\n"
		"From: Grewal, Jeff at Hub\r\n"
		"Date: 6/2/98 8:39\r\n"
		"To: Admin at HUBPO2\r\n"
		"Subject: Another message\r\n"
		"Contents:\r\n58\r\n"
		"Text item:\r\n32\r\n"
		"This is the message body\r\n";
	struct fixture *x = fx_str(kb, 1, CCM_ENC_RAW);
	const struct ccm_message *m = next_msg(x);

	(void)state;
	assert_string_equal(m->subject, "Another message");
	next_item(x);
	expect_data(x, "This is the message body", 24);
	no_more_items(x);
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 1);
	assert_int_equal(ccm_msgfile_fallbacks(x->f), 1);
	fx_free(x);
}

/* Q233054: data that holds the bytes of a keyword line. */
static void counted_data_containing_keywords_is_not_split(void **state)
{
	const char body[] = "line one\r\nMessage:\r\nText item:\r\nContents:\r\nend";
	char file[512];
	struct fixture *x;
	const struct ccm_item *it;

	(void)state;
	snprintf(file, sizeof(file),
		 "Message:\r\nFrom: A\r\nSubject: s\r\nContents:\r\n"
		 "File item: data.bin\r\n%zu\r\n%s\r\n"
		 "Text item:\r\n2\r\nok\r\n"
		 "Message:\r\nSubject: second\r\nContents:\r\nText item:\r\n1\r\nx",
		 strlen(body), body);
	x = fx_str(file, 1, CCM_ENC_RAW);
	next_msg(x);
	it = next_item(x);
	assert_int_equal(it->kind, CCM_ITEM_FILE);
	expect_data(x, body, strlen(body));
	it = next_item(x);
	assert_int_equal(it->kind, CCM_ITEM_TEXT);
	expect_data(x, "ok", 2);
	no_more_items(x);
	assert_string_equal(next_msg(x)->subject, "second");
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 0);
	assert_int_equal(ccm_diaglist_count(&x->diags, "unexpected-line"), 0);
	assert_int_equal(ccm_diaglist_count(&x->diags, "no-date"), 2);
	fx_free(x);
}

/* Q184391: the next keyword right after the last data byte. */
static void block_not_followed_by_line_end(void **state)
{
	const char *file =
		"Message:\r\nSubject: one\r\nContents:\r\n"
		"Text item:\r\n5\r\nhelloText item: second\r\n3\r\nabc"
		"Message:\r\nSubject: two\r\nContents:\r\nText item:\r\n2\r\nhi";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);
	const struct ccm_item *it;

	(void)state;
	next_msg(x);
	next_item(x);
	expect_data(x, "hello", 5);
	it = next_item(x);
	assert_string_equal(it->title, "second");
	expect_data(x, "abc", 3);
	no_more_items(x);
	assert_string_equal(next_msg(x)->subject, "two");
	next_item(x);
	expect_data(x, "hi", 2);
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 0);
	fx_free(x);
}

/* Q287056: spaces where the size should be, and 0 with data after it. */
static void blank_and_zero_counts_fall_back_to_delimiters(void **state)
{
	const char *file =
		"Message:\r\nSubject: blank\r\nContents:\r\n"
		"Text item:\r\n   \r\nfirst body\r\nsecond line\r\n"
		"Text item:\r\n0\r\nzero but data\r\n"
		"Text item:\r\n0\r\n"
		"Message:\r\nSubject: next\r\nContents:\r\nText item:\r\n1\r\nz\r\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);
	const struct ccm_item *it;

	(void)state;
	next_msg(x);
	next_item(x);
	expect_data(x, "first body\r\nsecond line", 23);
	next_item(x);
	expect_data(x, "zero but data", 13);
	it = next_item(x);
	assert_int_equal(it->count, 0);   /* a true empty item (Q178122) */
	expect_data(x, "", 0);
	no_more_items(x);
	assert_string_equal(next_msg(x)->subject, "next");
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 2);
	fx_free(x);
}

static void wrong_count_falls_back_and_reports_where(void **state)
{
	const char *file =
		"Message:\r\nSubject: s\r\nContents:\r\n"
		"Text item:\r\n4\r\nlonger than four\r\n"
		"Text item:\r\n3\r\nabc\r\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);

	(void)state;
	next_msg(x);
	next_item(x);
	expect_data(x, "longer than four", 16);
	next_item(x);
	expect_data(x, "abc", 3);
	no_more_items(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 1);
	for (size_t i = 0; i < x->diags.len; i++)
		if (!strcmp(x->diags.items[i].kind, "count-fallback")) {
			assert_int_equal(x->diags.items[i].line, 5);
			assert_int_equal(x->diags.items[i].offset, 45);
			assert_int_equal(x->diags.items[i].message, 1);
			assert_string_equal(x->diags.items[i].file, "user.exp");
		}
	fx_free(x);
}

static void without_item_sizes_delimiters_are_the_rule(void **state)
{
	const char *file =
		"Message:\r\nFrom: A\r\nDate: 1/2/99\r\nSubject: s\r\nContents:\r\n"
		"Text item:\r\n42\r\n   indented\r\nlast\r\n\r\n"
		"Text item: t2\r\n\r\n"
		"Message:\r\nSubject: two\r\nContents:\r\nText item:\r\nbody";
	struct fixture *x = fx_str(file, 0, CCM_ENC_HEX);

	(void)state;
	next_msg(x);
	next_item(x);
	/* "42" is not a count here: it is the body's first line. */
	expect_data(x, "42\r\n   indented\r\nlast\r\n", 23);
	next_item(x);
	expect_data(x, "", 0);
	no_more_items(x);
	next_msg(x);
	next_item(x);
	expect_data(x, "body", 4);
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 0);
	fx_free(x);
}

static void headers_flags_and_extras(void **state)
{
	const char *file =
		"Message:\r\n"
		"From: Smith, John at HUB\r\n"
		"To: Doe, Jane at HUB, Roe, Rick at HUB\r\n"
		"To: Zed at SPOKE\r\n"
		"Cc: Jones, Al at HUB\r\n"
		"Bcc: Boss at HUB\r\n"
		"Subject: [URGENT] Re: budget\r\n"
		"Folder: Projects\\1998\\Budget\r\n"
		"Priority: Urgent\r\n"
		"Receipt: Requested\r\n"
		"Status: Unread, Draft\r\n"
		"RRT: Smith, John at HUB\r\n"
		"Contents:\r\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);
	const struct ccm_message *m = next_msg(x);

	(void)state;
	assert_int_equal(m->to.len, 3);
	assert_string_equal(m->to.v[2].name, "Zed");
	assert_int_equal(m->cc.len, 1);
	assert_int_equal(m->bcc.len, 1);
	assert_string_equal(m->subject, "[URGENT] Re: budget");
	assert_string_equal(m->folder, "Projects\\1998\\Budget");
	assert_int_equal(m->priority, CCM_PRIO_URGENT);
	assert_int_equal(m->receipt, 1);
	assert_int_equal(m->status, CCM_STATUS_UNREAD | CCM_STATUS_DRAFT);
	assert_int_equal(m->n_extra, 1);
	assert_string_equal(m->extra[0].key, "RRT");
	assert_string_equal(m->extra[0].value, "Smith, John at HUB");
	assert_int_equal(ccm_diaglist_count(&x->diags, "unknown-header"), 1);
	no_more_items(x);
	no_more_messages(x);
	fx_free(x);
}

static void defaults_when_headers_are_absent(void **state)
{
	struct fixture *x = fx_str("Message:\r\nContents:\r\n", 1, CCM_ENC_RAW);
	const struct ccm_message *m = next_msg(x);

	(void)state;
	assert_null(m->from_text);
	assert_null(m->folder);
	assert_null(m->subject);
	assert_int_equal(m->status, CCM_STATUS_READ);
	assert_int_equal(m->priority, CCM_PRIO_NORMAL);
	assert_int_equal(m->date_state, CCM_DATE_NONE);
	assert_int_equal(ccm_diaglist_count(&x->diags, "no-date"), 1);
	fx_free(x);
}

static void impossible_date_is_kept_and_flagged(void **state)
{
	struct fixture *x = fx_str("Message:\r\nDate: 2/31/99 10:00\r\nContents:\r\n",
				   1, CCM_ENC_RAW);
	const struct ccm_message *m = next_msg(x);

	(void)state;
	assert_int_equal(m->date_state, CCM_DATE_OK);
	assert_true(m->date.flags & CCM_DATE_CLAMPED);
	assert_int_equal(m->date.day, 31);
	assert_string_equal(m->date_text, "2/31/99 10:00");
	assert_int_equal(ccm_diaglist_count(&x->diags, "impossible-date"), 1);
	fx_free(x);
}

static void unreadable_date_is_kept_as_text(void **state)
{
	struct fixture *x = fx_str("Message:\r\nDate: yesterday\r\nContents:\r\n",
				   1, CCM_ENC_RAW);
	const struct ccm_message *m = next_msg(x);

	(void)state;
	assert_int_equal(m->date_state, CCM_DATE_BAD);
	assert_string_equal(m->date_text, "yesterday");
	assert_int_equal(ccm_diaglist_count(&x->diags, "bad-date"), 1);
	fx_free(x);
}

/* B4: a message without Contents: must not loop, and the next one reads. */
static void missing_contents_is_bounded(void **state)
{
	const char *file =
		"Message:\r\nSubject: broken\r\n"
		"Message:\r\nSubject: fine\r\nContents:\r\nText item:\r\n2\r\nok";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);

	(void)state;
	assert_string_equal(next_msg(x)->subject, "broken");
	no_more_items(x);
	assert_string_equal(next_msg(x)->subject, "fine");
	next_item(x);
	expect_data(x, "ok", 2);
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "missing-contents"), 1);
	fx_free(x);
}

static void hex_attachments_decode(void **state)
{
	const char *file =
		"Message:\r\nContents:\r\n"
		"File item: report.123 9-11-1998\r\n12\r\n48656c6c\r\n6f21\r\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_HEX);
	const struct ccm_item *it;

	(void)state;
	next_msg(x);
	it = next_item(x);
	assert_string_equal(it->name, "report.123");
	assert_int_equal(it->file_date.year, 1998);
	expect_data(x, "Hello!", 6);
	assert_int_equal(ccm_diaglist_count(&x->diags, "bad-hex"), 0);
	fx_free(x);
}

static void build_macbinary(unsigned char *out, const char *name,
			    const char *data, size_t n, size_t *total)
{
	size_t padded = (n + 127) / 128 * 128;
	unsigned crc;

	memset(out, 0, 128 + padded);
	out[1] = (unsigned char)strlen(name);
	memcpy(out + 2, name, strlen(name));
	memcpy(out + 65, "TEXT", 4);
	memcpy(out + 69, "ttxt", 4);
	out[83] = (unsigned char)(n >> 24);
	out[84] = (unsigned char)(n >> 16);
	out[85] = (unsigned char)(n >> 8);
	out[86] = (unsigned char)n;
	out[122] = 129;
	crc = ccm_crc16_xmodem(out, 124);
	out[124] = (unsigned char)(crc >> 8);
	out[125] = (unsigned char)crc;
	memcpy(out + 128, data, n);
	*total = 128 + padded;
}

static void macbinary_gives_the_data_fork(void **state)
{
	unsigned char mb[512];
	char file[1024];
	size_t total, len;
	struct fixture *x;
	const struct ccm_item *it;

	(void)state;
	build_macbinary(mb, "notes.txt", "mac data\r\nMessage:\r\n", 20, &total);
	len = (size_t)snprintf(file, sizeof(file),
			       "Message:\r\nContents:\r\nFile item: notes.txt\r\n%zu\r\n", total);
	memcpy(file + len, mb, total);
	len += total;
	memcpy(file + len, "\r\n", 2);
	len += 2;
	x = fx_new(file, len, 1, CCM_ENC_MACBIN2);
	next_msg(x);
	it = next_item(x);
	assert_int_equal(it->macbinary, 1);
	assert_string_equal(it->mac_type, "TEXT");
	assert_string_equal(it->mac_creator, "ttxt");
	assert_int_equal(it->size, 20);
	expect_data(x, "mac data\r\nMessage:\r\n", 20);
	no_more_items(x);
	no_more_messages(x);
	fx_free(x);
}

static void data_without_macbinary_header_is_taken_raw(void **state)
{
	const char *file =
		"Message:\r\nContents:\r\nFile item: plain.txt\r\n5\r\nplain\r\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_MACBIN2);
	const struct ccm_item *it;

	(void)state;
	next_msg(x);
	it = next_item(x);
	assert_int_equal(it->macbinary, 0);
	expect_data(x, "plain", 5);
	assert_int_equal(ccm_diaglist_count(&x->diags, "not-macbinary"), 1);
	fx_free(x);
}

static void fax_and_unknown_items_become_attachments(void **state)
{
	const char *file =
		"Message:\r\nContents:\r\n"
		"Fax item: page1\r\n3\r\nPCX\r\n"
		"Fax item: scan.PCX\r\n1\r\nx\r\n"
		"Sound item:\r\n2\r\nzz\r\n"
		"Hologram item: cube\r\n1\r\nq\r\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);
	const struct ccm_item *it;

	(void)state;
	next_msg(x);
	it = next_item(x);
	assert_int_equal(it->kind, CCM_ITEM_FAX);
	assert_string_equal(it->name, "page1.pcx");
	assert_string_equal(next_item(x)->name, "scan.PCX");
	it = next_item(x);
	assert_int_equal(it->kind, CCM_ITEM_SOUND);
	assert_string_equal(it->name, "item3.bin");
	it = next_item(x);
	assert_int_equal(it->kind, CCM_ITEM_OTHER);
	assert_string_equal(it->keyword, "Hologram item");
	assert_string_equal(it->name, "cube");
	expect_data(x, "q", 1);
	no_more_items(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "unknown-item"), 1);
	fx_free(x);
}

/* A forwarded message: a counted Message item holding a whole message. */
static void nested_message_items_are_entered(void **state)
{
	const char *inner =
		"Message:\r\nFrom: Doe, Jane at HUB\r\nSubject: original\r\n"
		"Contents:\r\nText item:\r\n5\r\ninner";
	char file[1024];
	struct fixture *x;
	const struct ccm_message *m;
	const struct ccm_item *it;
	struct ccm_error err;

	(void)state;
	snprintf(file, sizeof(file),
		 "Message:\r\nSubject: fwd\r\nContents:\r\n"
		 "Text item:\r\n3\r\nsee\r\n"
		 "Message item: original\r\n%zu\r\n%s\r\n"
		 "Text item:\r\n5\r\nafter\r\n"
		 "Message:\r\nSubject: last\r\nContents:\r\n",
		 strlen(inner), inner);
	x = fx_str(file, 1, CCM_ENC_RAW);
	next_msg(x);
	next_item(x);
	it = next_item(x);
	assert_int_equal(it->kind, CCM_ITEM_MESSAGE);
	assert_int_equal(ccm_msgfile_enter(x->f, &m, &err), 1);
	assert_int_equal(m->depth, 1);
	assert_string_equal(m->subject, "original");
	assert_string_equal(m->from_text, "Doe, Jane at HUB");
	next_item(x);
	expect_data(x, "inner", 5);
	no_more_items(x);          /* back in the outer message */
	it = next_item(x);
	assert_int_equal(it->kind, CCM_ITEM_TEXT);
	expect_data(x, "after", 5);
	no_more_items(x);
	assert_string_equal(next_msg(x)->subject, "last");
	fx_free(x);
}

/* Without counts, a forwarded message read raw runs to the next message. */
static void uncounted_message_item_read_raw_holds_the_whole_message(void **state)
{
	const char *inner =
		"Message:\r\nSubject: original\r\nContents:\r\nText item:\r\nhello\r\n"
		"File item: a.txt\r\n6869";
	char file[1024];
	struct fixture *x;
	const struct ccm_item *it;

	(void)state;
	snprintf(file, sizeof(file),
		 "Message:\r\nSubject: fwd\r\nContents:\r\nText item:\r\nsee below\r\n"
		 "Message item: original\r\n%s\r\n"
		 "Message:\r\nSubject: next\r\nContents:\r\n", inner);
	x = fx_str(file, 0, CCM_ENC_HEX);
	next_msg(x);
	next_item(x);
	it = next_item(x);
	assert_int_equal(it->kind, CCM_ITEM_MESSAGE);
	expect_data(x, inner, strlen(inner));
	no_more_items(x);
	assert_string_equal(next_msg(x)->subject, "next");
	no_more_messages(x);
	fx_free(x);
}

static void nesting_past_the_limit_is_reported_not_followed(void **state)
{
	struct ccm_buf b = CCM_BUF_INIT, inner = CCM_BUF_INIT;
	struct fixture *x;
	const struct ccm_message *m;
	struct ccm_error err;
	int depth = 0, r;

	(void)state;
	ccm_buf_adds(&inner, "Message:\r\nSubject: core\r\nContents:\r\n");
	for (int i = 0; i < 12; i++) {
		ccm_buf_reset(&b);
		ccm_buf_addf(&b, "Message:\r\nSubject: level\r\nContents:\r\n"
			     "Message item: fwd\r\n%zu\r\n", inner.len);
		ccm_buf_add(&b, inner.ptr, inner.len);
		ccm_buf_set(&inner, b.ptr, b.len);
	}
	x = fx_new(inner.ptr, inner.len, 1, CCM_ENC_RAW);
	next_msg(x);
	for (;;) {
		next_item(x);
		r = ccm_msgfile_enter(x->f, &m, &err);
		if (r == 0)
			break;
		assert_int_equal(r, 1);
		depth++;
	}
	assert_int_equal(depth, 8);
	assert_int_equal(ccm_diaglist_count(&x->diags, "nesting-too-deep"), 1);
	/* Unwinding returns to the top, and the file ends cleanly. */
	for (int i = 0; i <= depth; i++)
		no_more_items(x);
	no_more_messages(x);
	ccm_buf_release(&b);
	ccm_buf_release(&inner);
	fx_free(x);
}

static void truncated_file_keeps_what_is_there(void **state)
{
	const char *file =
		"Message:\r\nSubject: cut\r\nContents:\r\nText item:\r\n100\r\nonly this";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);

	(void)state;
	next_msg(x);
	next_item(x);
	expect_data(x, "only this", 9);
	no_more_items(x);
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 1);
	fx_free(x);
}

/* A file cut inside a binary item whose bytes hold "Message:": the count
 * is believed, the bytes up to the end are kept, no phantom message. */
static void file_cut_inside_binary_item_keeps_its_bytes(void **state)
{
	const char *file =
		"Message:\r\n5085\r\nFrom: Doe, Jane at HUBPO\r\nSubject: cut\r\n"
		"Contents:\r\n5028\r\nFile item: cut.bin\r\n5000\r\n"
		"AAAA\r\nMessage:\r\n12\r\nzzText item:\r\nBBBB";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);

	(void)state;
	assert_string_equal(next_msg(x)->subject, "cut");
	next_item(x);
	expect_data(x, "AAAA\r\nMessage:\r\n12\r\nzzText item:\r\nBBBB", 38);
	no_more_items(x);
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "truncated"), 1);
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 0);
	assert_int_equal(ccm_diaglist_count(&x->diags, "message-count-mismatch"), 0);
	fx_free(x);
}

/* A binary item's count past the end, but a real message follows: the
 * count is wrong, not the file, and the next message is not lost. */
static void wrong_binary_count_past_the_end_keeps_later_messages(void **state)
{
	const char *file =
		"Message:\r\nSubject: one\r\nContents:\r\n"
		"File item: a.bin\r\n99999\r\nAAAA\r\n"
		"Message:\r\nFrom: Doe, Jane\r\nSubject: two\r\nContents:\r\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);

	(void)state;
	next_msg(x);
	next_item(x);
	expect_data(x, "AAAA", 4);
	no_more_items(x);
	assert_string_equal(next_msg(x)->subject, "two");
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 1);
	assert_int_equal(ccm_diaglist_count(&x->diags, "truncated"), 0);
	fx_free(x);
}

/* Binary data read by delimiters keeps a "Message:" line that starts no
 * real message (Q233054); the real next message still ends it. */
static void binary_item_by_delimiters_keeps_a_fake_message_line(void **state)
{
	const char *file =
		"Message:\r\nSubject: one\r\nContents:\r\n"
		"File item: a.bin\r\n   \r\nAAAA\r\nMessage:\r\nzz\r\nBBBB\r\n"
		"Message:\r\nSubject: two\r\nContents:\r\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);

	(void)state;
	next_msg(x);
	next_item(x);
	expect_data(x, "AAAA\r\nMessage:\r\nzz\r\nBBBB", 24);
	no_more_items(x);
	assert_string_equal(next_msg(x)->subject, "two");
	no_more_messages(x);
	fx_free(x);
}

static void text_between_messages_is_reported_and_skipped(void **state)
{
	const char *file =
		"garbage before\r\nMessage:\r\nSubject: a\r\nContents:\r\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);

	(void)state;
	assert_string_equal(next_msg(x)->subject, "a");
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "unexpected-text"), 1);
	fx_free(x);
}

/* The line end after the last data byte: in the count, or a blank line. */
static void message_count_with_or_without_the_last_line_end(void **state)
{
	/* Message 1's counts leave out the line end after "x" (16 and 31);
	 * message 2's include the one after "y" (18 and 33). */
	const char *file =
		"Message:\r\n31\r\nContents:\r\n16\r\nText item:\r\n1\r\nx"
		"\r\n\r\n"
		"Message:\r\n33\r\nContents:\r\n18\r\nText item:\r\n1\r\ny\r\n"
		"\r\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);

	(void)state;
	next_msg(x);
	next_item(x);
	expect_data(x, "x", 1);
	no_more_items(x);
	next_msg(x);
	next_item(x);
	expect_data(x, "y", 1);
	no_more_items(x);
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "message-count-mismatch"), 0);
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 0);
	fx_free(x);
}

/* A Message: count that lands on "Message:" inside attachment data: the
 * item counts win, and the disagreement is reported. */
static void message_count_that_disagrees_is_reported(void **state)
{
	const char *file =
		"Message:\r\n33\r\nContents:\r\nFile item: a\r\n14\r\n"
		"ab\r\nMessage:\r\n\r\n"
		"Message:\r\nSubject: real\r\nContents:\r\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);

	(void)state;
	next_msg(x);
	next_item(x);
	expect_data(x, "ab\r\nMessage:\r\n", 14);
	no_more_items(x);
	assert_string_equal(next_msg(x)->subject, "real");
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "message-count-mismatch"), 1);
	fx_free(x);
}

static void lone_lf_line_ends_are_accepted(void **state)
{
	const char *file =
		"Message:\n44\nSubject: lf\nContents:\n19\nText item:\n5\nbody\n\n";
	struct fixture *x = fx_str(file, 1, CCM_ENC_RAW);

	(void)state;
	assert_string_equal(next_msg(x)->subject, "lf");
	next_item(x);
	expect_data(x, "body\n", 5);
	no_more_items(x);
	no_more_messages(x);
	assert_int_equal(ccm_diaglist_count(&x->diags, "count-fallback"), 0);
	fx_free(x);
}

static void huge_header_line_is_skipped_not_fatal(void **state)
{
	size_t n = 2 * 1024 * 1024;
	char *file = malloc(n + 200);
	size_t len;
	struct fixture *x;

	(void)state;
	assert_non_null(file);
	len = (size_t)sprintf(file, "Message:\r\nTo: ");
	memset(file + len, 'a', n);
	len += n;
	len += (size_t)sprintf(file + len, "\r\nSubject: after\r\nContents:\r\n");
	x = fx_new(file, len, 1, CCM_ENC_RAW);
	assert_string_equal(next_msg(x)->subject, "after");
	assert_int_equal(ccm_diaglist_count(&x->diags, "line-too-long"), 1);
	free(file);
	fx_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_worked_example_reads_byte_for_byte),
		cmocka_unit_test(skipping_messages_unread_uses_the_counts),
		cmocka_unit_test(kb_sample_with_wrong_counts_still_reads),
		cmocka_unit_test(counted_data_containing_keywords_is_not_split),
		cmocka_unit_test(block_not_followed_by_line_end),
		cmocka_unit_test(blank_and_zero_counts_fall_back_to_delimiters),
		cmocka_unit_test(wrong_count_falls_back_and_reports_where),
		cmocka_unit_test(without_item_sizes_delimiters_are_the_rule),
		cmocka_unit_test(headers_flags_and_extras),
		cmocka_unit_test(defaults_when_headers_are_absent),
		cmocka_unit_test(impossible_date_is_kept_and_flagged),
		cmocka_unit_test(unreadable_date_is_kept_as_text),
		cmocka_unit_test(missing_contents_is_bounded),
		cmocka_unit_test(hex_attachments_decode),
		cmocka_unit_test(macbinary_gives_the_data_fork),
		cmocka_unit_test(data_without_macbinary_header_is_taken_raw),
		cmocka_unit_test(fax_and_unknown_items_become_attachments),
		cmocka_unit_test(nested_message_items_are_entered),
		cmocka_unit_test(uncounted_message_item_read_raw_holds_the_whole_message),
		cmocka_unit_test(nesting_past_the_limit_is_reported_not_followed),
		cmocka_unit_test(truncated_file_keeps_what_is_there),
		cmocka_unit_test(file_cut_inside_binary_item_keeps_its_bytes),
		cmocka_unit_test(wrong_binary_count_past_the_end_keeps_later_messages),
		cmocka_unit_test(binary_item_by_delimiters_keeps_a_fake_message_line),
		cmocka_unit_test(text_between_messages_is_reported_and_skipped),
		cmocka_unit_test(message_count_with_or_without_the_last_line_end),
		cmocka_unit_test(message_count_that_disagrees_is_reported),
		cmocka_unit_test(lone_lf_line_ends_are_accepted),
		cmocka_unit_test(huge_header_line_is_skipped_not_fatal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
