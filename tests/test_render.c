/* test_render.c: stored messages render as RFC 5322/MIME that Python's email
 * module reads back exactly, and the same bytes every time. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ccmail/bundle.h"
#include "out/render.h"
#include "store/folders.h"
#include "store/migrate.h"
#include "store/recipients.h"

#define SALESPO CCMIG_TEST_DATA "/salespo"

static int to_buf(void *ctx, const void *p, size_t n)
{
	return ccm_buf_add(ctx, p, n);
}

static void write_expect(FILE *f, struct ccm_store *s,
			 const struct ccm_store_message *m)
{
	struct ccm_store_cursor *c;
	struct ccm_store_rcpt r;
	struct ccm_error err;

	fprintf(f, "from\t%s\nsubject\t%s\n", m->sender_name ? m->sender_name : "",
		m->subject ? m->subject : "");
	if (m->has_sent)
		fprintf(f, "date\t%lld\n", m->sent_utc);
	assert_int_equal(ccm_store_message_rcpts(s, m->id, &c, &err), 0);
	while (ccm_store_next_rcpt(c, &r, &err) == 1)
		fprintf(f, "%s\t%s\n", ccm_rcpt_kind_name(r.kind), r.display ? r.display : "");
	ccm_store_cursor_free(c);
}

static const char check_py[] =
	"import sys, os, email, email.policy, datetime, zoneinfo\n"
	"d = sys.argv[1]; tz = zoneinfo.ZoneInfo('America/New_York'); att = 0; n = 0\n"
	"for f in sorted(os.listdir(d)):\n"
	"    if not f.endswith('.eml'): continue\n"
	"    n += 1; base = os.path.join(d, f[:-4])\n"
	"    raw = open(base + '.eml', 'rb').read()\n"
	"    assert all(len(l) < 78 or not l.startswith(b'Subject') for l in raw.split(b'\\r\\n')), f\n"
	"    assert raw.startswith(b'From: '), f\n"
	"    m = email.message_from_bytes(raw, policy=email.policy.default)\n"
	"    assert not m.defects, (f, m.defects)\n"
	"    ex = {'to': [], 'cc': [], 'bcc': []}\n"
	"    for line in open(base + '.expect', encoding='utf-8').read().splitlines():\n"
	"        k, v = line.split('\\t', 1)\n"
	"        if k in ex: ex[k].append(v)\n"
	"        else: ex[k] = v\n"
	"    fr = m['From']; assert not fr.defects, (f, fr.defects)\n"
	"    assert fr.addresses[0].display_name == ex['from'], (f, fr.addresses[0].display_name, ex['from'])\n"
	"    assert str(m['Subject']) == ex['subject'], (f, str(m['Subject']), ex['subject'])\n"
	"    for k in ('to', 'cc'):\n"
	"        h = m[k]\n"
	"        got = [a.display_name for a in h.addresses] if h else []\n"
	"        assert got == ex[k], (f, k, got, ex[k])\n"
	"    assert m['Bcc'] is None\n"
	"    if 'date' in ex:\n"
	"        dt = m['Date'].datetime; t = int(ex['date'])\n"
	"        assert int(dt.timestamp()) == t, (f, dt, t)\n"
	"        assert dt.utcoffset() == datetime.datetime.fromtimestamp(t, tz).utcoffset(), (f, dt)\n"
	"    else: assert m['Date'] is None\n"
	"    assert m['Message-ID'].startswith('<ccmig.')\n"
	"    body = m.get_body(('plain',)).get_content().replace('\\r\\n', '\\n')\n"
	"    want = open(base + '.body', 'rb').read().decode('utf-8').replace('\\r\\n', '\\n')\n"
	"    assert body.rstrip('\\n') == want.rstrip('\\n'), (f, body, want)\n"
	"    for p in m.iter_attachments():\n"
	"        if p.get_filename() == 'budget.wk4':\n"
	"            assert p.get_content() == bytes(range(256)); att += 1\n"
	"assert att == 1, att\n"
	"assert n == int(sys.argv[2]), n\n"
	"print('checked', n)\n";

static int render_folder(struct ccm_store *s, const struct ccm_render_opts *o,
			 long long folder, const char *dir, int n)
{
	struct ccm_store_cursor *c;
	struct ccm_store_message m;
	struct ccm_error err;
	char name[64];

	assert_int_equal(ccm_store_messages(s, folder, &c, &err), 0);
	while (ccm_store_next_message(c, &m, &err) == 1) {
		struct ccm_buf a = CCM_BUF_INIT, b = CCM_BUF_INIT;
		char *p;
		FILE *f;

		if (ccm_render_message(s, &m, o, to_buf, &a, &err) != 0)
			fail_msg("render: %s", err.msg);
		assert_int_equal(ccm_render_message(s, &m, o, to_buf, &b, &err), 0);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.ptr, b.ptr, a.len);
		snprintf(name, sizeof(name), "m%03lld.eml", m.id);
		free(tu_write(dir, name, a.ptr, a.len));
		snprintf(name, sizeof(name), "m%03lld.body", m.id);
		free(tu_write(dir, name, m.body ? m.body : "", m.body_len));
		snprintf(name, sizeof(name), "m%03lld.expect", m.id);
		p = tu_path(dir, name);
		f = fopen(p, "w");
		assert_non_null(f);
		write_expect(f, s, &m);
		fclose(f);
		free(p);
		ccm_buf_release(&a);
		ccm_buf_release(&b);
		n++;
	}
	ccm_store_cursor_free(c);
	return n;
}

static int render_mailbox(struct ccm_store *s, const struct ccm_render_opts *o,
			  long long mailbox, const char *dir, int n)
{
	struct ccm_store_cursor *c;
	struct ccm_folder f;
	struct ccm_error err;
	long long ids[64];
	int k = 0, i;

	assert_int_equal(ccm_store_folders(s, mailbox, &c, &err), 0);
	while (ccm_store_next_folder(c, &f, &err) == 1 && k < 64)
		ids[k++] = f.id;
	ccm_store_cursor_free(c);
	for (i = 0; i < k; i++)
		n = render_folder(s, o, ids[i], dir, n);
	return n;
}

static void salespo_renders_and_parses_back(void **state)
{
	char *dir = tu_mkdtemp(), *db = tu_path(dir, "s.db");
	char *out = tu_path(dir, "out"), *py;
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { 0 };
	struct ccm_migrate_opts mo;
	struct ccm_migrate_stats st;
	struct ccm_render_opts o = { 0 };
	struct ccm_store_cursor *c;
	struct ccm_recipient r;
	struct ccm_bundle *b;
	struct ccm_store *s;
	struct ccm_error err;
	struct ccm_tz *tz;
	long long boxes[16];
	int nb = 0, i, n = 0;

	(void)state;
	rep.sink = ccm_diaglist_sink;
	rep.ctx = &diags;
	memset(&mo, 0, sizeof(mo));
	assert_int_equal(ccm_bundle_open(&b, SALESPO, &rep, &err), 0);
	assert_int_equal(ccm_store_open(&s, db, CCM_STORE_CREATE, &err), 0);
	if (ccm_migrate(b, s, &mo, &st, &err) != 0)
		fail_msg("migrate: %s", err.msg);
	ccm_bundle_free(b);
	assert_int_equal(ccm_tz_open(&tz, "America/New_York", &err), 0);
	o.tz = tz;
	o.domain = "salespo.example";
	o.po_name = "SALESPO";

	assert_int_equal(ccm_store_recipients(s, CCM_RECIP_MAILBOX, &c, &err), 0);
	while (ccm_store_next_recipient(c, &r, &err) == 1 && nb < 16)
		boxes[nb++] = r.id;
	ccm_store_cursor_free(c);
	free(tu_writes(dir, "out/keep", ""));
	for (i = 0; i < nb; i++)
		n = render_mailbox(s, &o, boxes[i], out, n);
	n = render_mailbox(s, &o, 0, out, n);       /* the public folders */
	assert_true(n >= 7);

	py = tu_writes(dir, "check.py", check_py);
	assert_int_equal(tu_system("python3 '%s' '%s' %d", py, out, n), 0);

	free(py);
	ccm_tz_free(tz);
	ccm_store_close(s);
	ccm_diaglist_release(&diags);
	tu_rmtree(dir);
	free(dir);
	free(db);
	free(out);
}

static void long_non_ascii_subject_is_folded_encoded_words(void **state)
{
	struct ccm_buf h = CCM_BUF_INIT;
	const char *subj = "Grüße zum Jahr 2000 – Schöne Grüße an alle Kolleginnen "
			   "und Kollegen in München, Zürich und Köln, Ärger überall";
	char *dir = tu_mkdtemp(), *p, *py;
	const char *line;
	int lines = 0;

	(void)state;
	assert_int_equal(ccm_render_unstructured(&h, "Subject", subj), 0);
	for (line = h.ptr; *line; lines++) {
		const char *e = strstr(line, "\r\n");

		assert_non_null(e);
		assert_true(e - line < 78);
		assert_true(lines == 0 ? strncmp(line, "Subject: =?UTF-8?B?", 19) == 0
					: strncmp(line, " =?UTF-8?B?", 11) == 0);
		line = e + 2;
	}
	assert_true(lines > 1);
	p = tu_write(dir, "h.eml", h.ptr, h.len);
	free(tu_writes(dir, "want", subj));
	py = tu_writes(dir, "c.py",
		       "import sys, email, email.policy\n"
		       "m = email.message_from_bytes(open(sys.argv[1] + '/h.eml', 'rb').read()"
		       " + b'\\r\\n', policy=email.policy.default)\n"
		       "assert str(m['Subject']) == open(sys.argv[1] + '/want', encoding='utf-8')"
		       ".read(), m['Subject']\n");
	assert_int_equal(tu_system("python3 '%s' '%s'", py, dir), 0);
	free(p);
	free(py);
	ccm_buf_release(&h);
	tu_rmtree(dir);
	free(dir);
}

static void ascii_subject_folds_at_spaces(void **state)
{
	struct ccm_buf h = CCM_BUF_INIT;
	char want[] = "Subject: a b  c\r\n";

	(void)state;
	assert_int_equal(ccm_render_unstructured(&h, "Subject", "a b  c"), 0);
	assert_string_equal(h.ptr, want);
	ccm_buf_release(&h);
}

static void date_carries_the_offset_of_its_day(void **state)
{
	struct ccm_tz *tz;
	struct ccm_error err;
	char d[64];

	(void)state;
	assert_int_equal(ccm_tz_open(&tz, "America/New_York", &err), 0);
	ccm_render_date(d, sizeof(d), 896791140, tz);          /* 1998-06-02 12:39Z */
	assert_string_equal(d, "Tue, 02 Jun 1998 08:39:00 -0400");
	ccm_render_date(d, sizeof(d), 946702740, tz);          /* 2000-01-01 04:59Z */
	assert_string_equal(d, "Fri, 31 Dec 1999 23:59:00 -0500");
	ccm_render_date(d, sizeof(d), 0, NULL);
	assert_string_equal(d, "Thu, 01 Jan 1970 00:00:00 +0000");
	ccm_tz_free(tz);
}

static void date_of_any_instant_keeps_four_digit_years(void **state)
{
	struct ccm_tz *tz;
	struct ccm_error err;
	char d[64];

	(void)state;
	/* A damaged store may hold any instant; local mean time before 1883. */
	assert_int_equal(ccm_tz_open(&tz, "America/New_York", &err), 0);
	ccm_render_date(d, sizeof(d), -9223372036854775807LL - 1, tz);
	assert_string_equal(d, "Sat, 01 Jan 0000 19:03:58 -0456");
	ccm_render_date(d, sizeof(d), 9223372036854775807LL, NULL);
	assert_string_equal(d, "Thu, 30 Dec 9999 23:59:59 +0000");
	ccm_tz_free(tz);
}

static void addresses_take_one_documented_form(void **state)
{
	struct ccm_buf a = CCM_BUF_INIT;

	(void)state;
	assert_int_equal(ccm_render_address(&a, "Gamers", "SMTP:gamers@litware.com", NULL), 0);
	assert_string_equal(a.ptr, "Gamers <gamers@litware.com>");
	ccm_buf_reset(&a);
	assert_int_equal(ccm_render_address(&a, "Smith, John",
					    "CCMAIL:Smith, John at SALESPO", NULL), 0);
	assert_string_equal(a.ptr, "\"Smith, John\" <Smith_John@SALESPO.ccmail.invalid>");
	ccm_buf_reset(&a);
	assert_int_equal(ccm_render_address(&a, "Jürgen Müller", NULL, "SALES PO"), 0);
	assert_string_equal(a.ptr, "=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= "
			    "<Jurgen_Muller@SALES-PO.ccmail.invalid>");
	ccm_buf_reset(&a);
	assert_int_equal(ccm_render_address(&a, NULL, "X400:c=US;a=;p=Lit", NULL), 0);
	assert_string_equal(a.ptr, "<c_US_a_p_Lit@X400.ccmail.invalid>");
	ccm_buf_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(salespo_renders_and_parses_back),
		cmocka_unit_test(long_non_ascii_subject_is_folded_encoded_words),
		cmocka_unit_test(ascii_subject_folds_at_spaces),
		cmocka_unit_test(date_carries_the_offset_of_its_day),
		cmocka_unit_test(date_of_any_instant_keeps_four_digit_years),
		cmocka_unit_test(addresses_take_one_documented_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
