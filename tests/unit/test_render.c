/* test_render.c: stored messages render as RFC 5322/MIME that Python's email
 * module reads back exactly, and the same bytes every time. */
#include "testutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "ccmail/bundle.h"
#include "export/maildir.h"
#include "export/mbox.h"
#include "export/render.h"
#include "flow/forwards.h"
#include "store/folders.h"
#include "flow/migrate.h"
#include "store/po.h"
#include "store/recipients.h"

#define SALESPO CCMIG_TEST_DATA "/salespo"

static int to_buf(void *ctx, const void *p, size_t n)
{
	ccm_buf_add(ctx, p, n);
	return 0;
}

static void write_expect(FILE *f, struct ccm_store *s,
			 const struct ccm_store_message *m)
{
	struct ccm_store_cursor *c;
	struct ccm_store_rcpt r;
	struct ccm_error err;

	fprintf(f, "from\t%s\nsubject\t%s\n", m->sender_name ? m->sender_name : "",
		m->subject ? m->subject : "");
	long long utc;
	enum ccm_date_from from = ccm_store_message_date(&utc, m);

	/* Every message has a Date; one not sent says where it came from. */
	fprintf(f, "date\t%lld\n", utc);
	if (from != CCM_DATE_SENT)
		fprintf(f, "source\t%s\n", ccm_date_from_name(from));
	assert_int_equal(ccm_store_message_rcpts(&c, s, m->id, &err), 0);
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
	"    dt = m['Date'].datetime; t = int(ex['date'])\n"
	"    assert int(dt.timestamp()) == t, (f, dt, t)\n"
	"    assert dt.utcoffset() == datetime.datetime.fromtimestamp(t, tz).utcoffset(), (f, dt)\n"
	"    src = m['X-ccmig-Date-Source']\n"
	"    assert (str(src) if src else None) == ex.get('source'), (f, src, ex.get('source'))\n"
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

	assert_int_equal(ccm_store_messages(&c, s, folder, &err), 0);
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

	assert_int_equal(ccm_store_folders(&c, s, mailbox, &err), 0);
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

	assert_int_equal(ccm_store_recipients(&c, s, CCM_RECIP_MAILBOX, &err), 0);
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
	ccm_render_unstructured(&h, "Subject", subj);
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
	ccm_render_unstructured(&h, "Subject", "a b  c");
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
	ccm_render_address(&a, "Gamers", "SMTP:gamers@litware.com", NULL);
	assert_string_equal(a.ptr, "Gamers <gamers@litware.com>");
	ccm_buf_reset(&a);
	ccm_render_address(&a, "Smith, John", "CCMAIL:Smith, John at SALESPO", NULL);
	assert_string_equal(a.ptr, "\"Smith, John\" <Smith_John@SALESPO.ccmail.invalid>");
	ccm_buf_reset(&a);
	ccm_render_address(&a, "Jürgen Müller", NULL, "SALES PO");
	assert_string_equal(a.ptr, "=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?= "
			    "<Jurgen_Muller@SALES-PO.ccmail.invalid>");
	ccm_buf_reset(&a);
	ccm_render_address(&a, NULL, "X400:c=US;a=;p=Lit", NULL);
	assert_string_equal(a.ptr, "<c_US_a_p_Lit@X400.ccmail.invalid>");
	ccm_buf_release(&a);
}

/* ---- a store made by hand ------------------------------------------------ */

struct hand {
	char *dir;
	struct ccm_store *s;
	long long mailbox, inbox;
	struct ccm_tz *tz;
	struct ccm_render_opts o;
	unsigned long kept_deep;     /* what o.kept_deep counts */
};

static void hand_open(struct hand *h, int with_settings)
{
	struct ccm_recipient r = { 0 };
	struct ccm_error err;
	char *db;
	long long id;

	memset(h, 0, sizeof(*h));
	h->dir = tu_mkdtemp();
	db = tu_path(h->dir, "s.db");
	assert_int_equal(ccm_store_open(&h->s, db, CCM_STORE_CREATE, &err), 0);
	free(db);
	r.kind = CCM_RECIP_MAILBOX;
	r.alias = "ann";
	r.display_name = "Ann";
	assert_int_equal(ccm_store_recipient_create(h->s, &r, &id, &err), 0);
	assert_int_equal(ccm_store_address_add(h->s, id, "CCMAIL", "Ann at SALESPO", 1,
					       &err), 0);
	assert_int_equal(ccm_store_folder_ensure(h->s, id, "Inbox", &h->inbox, &err), 0);
	h->mailbox = id;
	if (with_settings) {
		/* As the packing list of ccmig extract gives them. */
		struct ccm_manifest mf = { 0 };
		struct ccm_buf t = CCM_BUF_INIT;

		mf.post_office = "SALESPO";
		mf.code_page = 850;
		mf.date_order = CCM_DATE_DMY;
		mf.time_zone = "Europe/Paris";
		mf.attachments = CCM_ENC_HEX;
		mf.item_sizes = 1;
		ccm_manifest_settings_format(&t, &mf);
		assert_int_equal(ccm_store_po_record(h->s, mf.post_office, t.ptr, &err), 0);
		ccm_buf_release(&t);
	}
	assert_int_equal(ccm_tz_open(&h->tz, "America/New_York", &err), 0);
	h->o.tz = h->tz;
	h->o.po_name = "SALESPO";
	h->o.kept_deep = &h->kept_deep;
}

static void hand_close(struct hand *h)
{
	ccm_tz_free(h->tz);
	ccm_store_close(h->s);
	tu_rmtree(h->dir);
	free(h->dir);
}

/* Adds message m (its folder set here) with attachments named names[i]
 * holding data[i] (lens[i] bytes); returns its id. */
static long long hand_message(struct hand *h, struct ccm_store_message *m, size_t n,
			      const char *const *names, const char *const *data,
			      const size_t *lens)
{
	struct ccm_error err;
	long long id;

	m->folder_id = h->inbox;
	assert_int_equal(ccm_store_message_add(h->s, m, &id, &err), 0);
	for (size_t i = 0; i < n; i++) {
		struct ccm_store_attachment a = { 0 };
		struct ccm_store_attach *w;

		a.message_id = id;
		a.name = names[i];
		a.position = -1;
		a.size = lens[i];
		assert_int_equal(ccm_store_attach_begin(&w, h->s, &a, &err), 0);
		assert_int_equal(ccm_store_attach_write(w, data[i], lens[i], &err), 0);
		assert_int_equal(ccm_store_attach_finish(w, NULL, &err), 0);
	}
	return id;
}

/* What import does with a message's ".ccm" parts (flow/forwards.h), with
 * the settings the store records for its post office. */
static void unfold(struct hand *h, long long id)
{
	struct ccm_buf line = CCM_BUF_INIT;
	struct ccm_forwards *fw;
	struct ccm_error err;
	int found = ccm_store_po_of_message(&line, h->s, id, &err);

	assert_true(found >= 0);
	assert_int_equal(ccm_forwards_open(&fw, h->s, found ? line.ptr : NULL, &err), 0);
	if (ccm_forwards_unfold(fw, id, &err) < 0)
		fail_msg("unfold: %s", err.msg);
	ccm_forwards_free(fw);
	ccm_buf_release(&line);
}

/* Renders message `id` into dir/name. */
static void hand_render(struct hand *h, long long id, const char *name)
{
	struct ccm_store_cursor *c;
	struct ccm_store_message m;
	struct ccm_buf out = CCM_BUF_INIT;
	struct ccm_error err;
	int found = 0;

	assert_int_equal(ccm_store_messages(&c, h->s, h->inbox, &err), 0);
	while (ccm_store_next_message(c, &m, &err) == 1)
		if (m.id == id) {
			if (ccm_render_message(h->s, &m, &h->o, to_buf, &out, &err) != 0)
				fail_msg("render: %s", err.msg);
			found = 1;
		}
	ccm_store_cursor_free(c);
	assert_true(found);
	free(tu_write(h->dir, name, out.ptr, out.len));
	ccm_buf_release(&out);
}

/* Runs Python code on dir/name parsed as `m` (policy default); `d` is the
 * folder. Fails the test when it fails. */
static void hand_check(struct hand *h, const char *name, const char *code)
{
	struct ccm_buf py = CCM_BUF_INIT;
	char *p;

	ccm_buf_addf(&py, "import sys, os, email, email.policy, datetime, zoneinfo\n"
		     "d = sys.argv[1]\n"
		     "raw = open(os.path.join(d, '%s'), 'rb').read()\n"
		     "m = email.message_from_bytes(raw, policy=email.policy.default)\n"
		     "assert not m.defects, m.defects\n"
		     "assert all(len(l) <= 78 for l in raw.split(b'\\r\\n')), raw\n"
		     "assert b'\\n' not in raw.replace(b'\\r\\n', b''), 'bare LF'\n"
		     "%s\n", name, code);
	p = tu_writes(h->dir, "check.py", py.ptr);
	assert_int_equal(tu_system("python3 '%s' '%s'", p, h->dir), 0);
	free(p);
	ccm_buf_release(&py);
}

/* A MacBinary II file: header, data fork and resource fork, each padded. */
static size_t macbin(unsigned char *out, const char *name, const char *data,
		     const char *rsrc)
{
	size_t dl = strlen(data), rl = strlen(rsrc), n = 128;

	memset(out, 0, 512);
	out[1] = (unsigned char)strlen(name);
	memcpy(out + 2, name, strlen(name));
	memcpy(out + 65, "TEXTttxt", 8);
	out[86] = (unsigned char)dl;
	out[90] = (unsigned char)rl;
	memcpy(out + n, data, dl);
	n += (dl + 127) & ~(size_t)127;
	memcpy(out + n, rsrc, rl);
	return n + ((rl + 127) & ~(size_t)127);
}

static void macbinary_attachments_give_users_their_files(void **state)
{
	unsigned char plain[512], forked[512], bad[512];
	const unsigned char *data[] = { plain, forked, bad };
	const char *names[] = { "hello.txt", "forked.txt", "odd.bin" };
	size_t lens[3];
	struct ccm_store_message m = { 0 };
	struct ccm_error err;
	struct hand h;
	long long id;

	(void)state;
	lens[0] = macbin(plain, "hello.txt", "hello mac", "");
	lens[1] = macbin(forked, "forked.txt", "data fork", "RSRC fork");
	lens[2] = macbin(bad, "odd.bin", "not really", "");
	bad[0] = 1;                   /* not a MacBinary header: as stored */
	hand_open(&h, 0);
	m.folder_id = h.inbox;
	m.subject = "Mac files";
	assert_int_equal(ccm_store_message_add(h.s, &m, &id, &err), 0);
	for (int i = 0; i < 3; i++) {
		struct ccm_store_attachment a = { 0 };
		struct ccm_store_attach *w;

		a.message_id = id;
		a.name = names[i];
		a.kind = "macbinary";
		a.position = -1;
		a.size = lens[i];
		assert_int_equal(ccm_store_attach_begin(&w, h.s, &a, &err), 0);
		assert_int_equal(ccm_store_attach_write(w, data[i], lens[i], &err), 0);
		assert_int_equal(ccm_store_attach_finish(w, NULL, &err), 0);
	}
	hand_render(&h, id, "mac.eml");
	hand_check(&h, "mac.eml",
		   "top = list(m.iter_parts())\n"
		   "assert [p.get_content_type() for p in top] == ['text/plain', 'text/plain', "
		   "'multipart/appledouble', 'application/octet-stream'], top\n"
		   "assert top[1].get_filename() == 'hello.txt'\n"
		   "assert top[1].get_payload(decode=True) == b'hello mac'\n"
		   "head, fork = top[2].iter_parts()\n"
		   "assert head.get_content_type() == 'application/applefile'\n"
		   "assert fork.get_filename() == 'forked.txt'\n"
		   "assert fork.get_payload(decode=True) == b'data fork'\n"
		   "ad = head.get_payload(decode=True)\n"
		   "assert ad[:8] == bytes.fromhex('0005160700020000'), ad[:8]\n"
		   "ents = {int.from_bytes(ad[26+12*i:30+12*i], 'big'): "
		   "(int.from_bytes(ad[30+12*i:34+12*i], 'big'), "
		   "int.from_bytes(ad[34+12*i:38+12*i], 'big')) for i in range(ad[25])}\n"
		   "o, n = ents[2]; assert ad[o:o+n] == b'RSRC fork', ad[o:o+n]\n"
		   "o, n = ents[3]; assert ad[o:o+n] == b'forked.txt'\n"
		   "o, n = ents[9]; assert ad[o:o+8] == b'TEXTttxt' and n == 32\n"
		   "assert top[3].get_filename() == 'odd.bin'\n"
		   "assert len(top[3].get_payload(decode=True)) == 256\n");
	hand_close(&h);
}

static void priority_received_and_extra_headers_are_written(void **state)
{
	struct ccm_store_header hd[] = {
		{ "RRT", "Smith, John at SALESPO" },
		{ "X-ccmig-generated", "pab-notice" },
		{ "Odd Name:x", "Grüße\r\nfrom\tthe PO" },
	};
	struct ccm_store_message m = { 0 };
	struct hand h;
	long long hi, lo, plain;

	(void)state;
	hand_open(&h, 0);
	m.sender_name = "Pat";
	m.subject = "Urgent";
	m.priority = 1;
	m.has_sent = m.has_received = 1;
	m.sent_utc = 896791140;                /* 1998-06-02 12:39Z */
	m.received_utc = 896794800;            /* 1998-06-02 13:40Z */
	m.headers = hd;
	m.n_headers = 3;
	hi = hand_message(&h, &m, 0, NULL, NULL, NULL);
	m.priority = -1;
	m.has_received = 0;
	m.n_headers = 0;
	lo = hand_message(&h, &m, 0, NULL, NULL, NULL);
	m.priority = 0;
	plain = hand_message(&h, &m, 0, NULL, NULL, NULL);
	hand_render(&h, hi, "hi.eml");
	hand_render(&h, lo, "lo.eml");
	hand_render(&h, plain, "plain.eml");
	hand_check(&h, "hi.eml",
		   "assert m['Importance'] == 'high' and m['X-Priority'] == '1'\n"
		   "assert m['X-CCMail-Received'] == 'Tue, 02 Jun 1998 09:40:00 -0400', "
		   "m['X-CCMail-Received']\n"
		   "assert m['Date'].datetime.timestamp() == 896791140\n"
		   "assert m['X-CCMail-RRT'] == 'Smith, John at SALESPO'\n"
		   "assert m['X-ccmig-generated'] == 'pab-notice'\n"
		   "assert str(m['X-CCMail-Odd-Name-x']) == 'Grüße  from the PO', "
		   "repr(m['X-CCMail-Odd-Name-x'])\n"
		   "names = [k for k, v in m.items()]\n"
		   "assert names.index('X-CCMail-RRT') < names.index('X-ccmig-generated') < "
		   "names.index('X-CCMail-Odd-Name-x')\n");
	hand_check(&h, "lo.eml",
		   "assert m['Importance'] == 'low' and m['X-Priority'] == '5'\n"
		   "assert m['X-CCMail-Received'] is None and m['X-CCMail-RRT'] is None\n");
	hand_check(&h, "plain.eml",
		   "assert m['Importance'] is None and m['X-Priority'] is None\n");
	hand_close(&h);
}

/*
 * A counted cc:Mail message block (spec 2.2): `headers` (CRLF lines),
 * then each item: its line, its count, its data and a line end.
 */
struct citem {
	const char *line;
	const char *data;
	size_t len;
};

static void cc_block(struct ccm_buf *out, const char *headers,
		     const struct citem *items, size_t n)
{
	struct ccm_buf contents = CCM_BUF_INIT, rest = CCM_BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		ccm_buf_addf(&contents, "%s\r\n%zu\r\n", items[i].line, items[i].len);
		ccm_buf_add(&contents, items[i].data, items[i].len);
		ccm_buf_adds(&contents, "\r\n");
	}
	ccm_buf_addf(&rest, "%sContents:\r\n%zu\r\n", headers, contents.len);
	ccm_buf_add(&rest, contents.ptr, contents.len);
	ccm_buf_addf(out, "Message:\r\n%zu\r\n", rest.len);
	ccm_buf_add(out, rest.ptr, rest.len);
	ccm_buf_release(&contents);
	ccm_buf_release(&rest);
}

/* The forwarded message of the tests: CP 850 text (0x9B is 'ø' there and
 * '¢' in CP 437), DMY dates, a HEX file and a message forwarded in it. */
static void forwarded_text(struct ccm_buf *out)
{
	struct ccm_buf inner = CCM_BUF_INIT;
	const struct citem in[] = { { "Text item:", "Thanks", 6 } };
	struct citem items[] = {
		{ "Text item: Memo", "Line one with --=_ccmig.1 in it", 31 },
		{ "File item: DATA.BIN 6/1/98 5:02PM", "000102FF", 8 },
		{ "Message item: Inner", NULL, 0 },
		{ "Text item:", "after", 5 },
	};

	cc_block(&inner, "From: Admin at HUBPO2\r\nDate: 3/6/98 9:00\r\n"
		 "To: Grewal, Jeff at HUB\r\nSubject: Inner one\r\n", in, 1);
	items[2].data = inner.ptr;
	items[2].len = inner.len;
	cc_block(out, "From: Grewal, Jeff at HUB\r\nDate: 2/6/98 8:39\r\n"
		 "To: Admin at HUBPO2, Smith, John at SALESPO\r\n"
		 "Cc: bob@example.com at INTERNET\r\nSubject: Gr\x9B" "e\r\n"
		 "Priority: Urgent\r\nRRT: Admin at HUBPO2\r\n", items, 4);
	ccm_buf_release(&inner);
}

static const char walk_py[] =
	"def parts(p):\n"
	"    return list(p.iter_parts()) if p.is_multipart() else [p]\n"
	"def inner(p):\n"
	"    assert p.get_content_type() == 'message/rfc822', p.get_content_type()\n"
	"    assert p['Content-Transfer-Encoding'] is None\n"
	"    (q,) = p.get_payload()\n"
	"    return q\n";

/*
 * Stores a message whose attachments are n_more plus `text` named `name`
 * first, renders it and runs `py` on it (with parts() and inner()).
 */
static void forward_case(int with_settings, const char *name, const struct ccm_buf *text,
			 size_t n_more, const char *const *more_names,
			 const char *const *more_data, const char *py,
			 unsigned long want_kept_deep)
{
	const char *names[4] = { name }, *data[4] = { text->ptr };
	size_t lens[4] = { text->len };
	struct ccm_store_message m = { 0 };
	struct ccm_buf code = CCM_BUF_INIT;
	struct hand h;
	long long id;

	assert_true(n_more < 4);
	for (size_t i = 0; i < n_more; i++) {
		names[i + 1] = more_names[i];
		data[i + 1] = more_data[i];
		lens[i + 1] = strlen(more_data[i]);
	}
	hand_open(&h, with_settings);
	m.sender_name = "Ann";
	m.subject = "See below";
	m.body = "Have a look.";
	m.body_len = strlen(m.body);
	id = hand_message(&h, &m, n_more + 1, names, data, lens);
	unfold(&h, id);
	hand_render(&h, id, "f.eml");
	assert_int_equal(h.kept_deep, want_kept_deep);
	ccm_buf_adds(&code, walk_py);
	ccm_buf_adds(&code, py);
	hand_check(&h, "f.eml", code.ptr);
	ccm_buf_release(&code);
	hand_close(&h);
}

static void forwarded_message_renders_as_an_attached_message(void **state)
{
	/* Named .ccm, but not a message: an ordinary attachment. */
	const char *names[] = { "plain.ccm", "note.txt" };
	const char *data[] = { "\r\nJust some notes\r\nMessage:\r\n", "hello" };
	struct ccm_buf text = CCM_BUF_INIT;

	(void)state;
	forwarded_text(&text);
	forward_case(1, "Fwd: Grøe.ccm", &text, 2, names, data,
		    "top = parts(m)\n"
		    "assert [p.get_content_type() for p in top] == ['text/plain', "
		    "'message/rfc822', 'application/octet-stream', 'text/plain'], top\n"
		    "assert top[1].get_filename() == 'Fwd: Grøe.eml', top[1].get_filename()\n"
		    "assert top[2].get_filename() == 'plain.ccm'\n"
		    "assert top[2].get_content() == b'\\r\\nJust some notes\\r\\nMessage:\\r\\n'\n"
		    "f = inner(top[1])\n"
		    "assert not f.defects, f.defects\n"
		    "assert f['Message-ID'] is None\n"
		    "assert str(f['Subject']) == 'Grøe', str(f['Subject'])\n"
		    "a = f['From'].addresses[0]\n"
		    "assert (a.display_name, a.addr_spec) == ('Grewal, Jeff', "
		    "'Grewal_Jeff@HUB.ccmail.invalid'), a\n"
		    "assert f['X-CCMail-From'] == 'Grewal, Jeff [CCMAIL:Grewal, Jeff at HUB]'\n"
		    "assert [x.addr_spec for x in f['To'].addresses] == "
		    "['Admin@HUBPO2.ccmail.invalid', 'Smith_John@SALESPO.ccmail.invalid'], f['To']\n"
		    "assert [x.addr_spec for x in f['Cc'].addresses] == ['bob@example.com']\n"
		    "dt = f['Date'].datetime\n"
		    "want = datetime.datetime(1998, 6, 2, 8, 39, tzinfo=zoneinfo.ZoneInfo('Europe/Paris'))\n"
		    "assert dt == want and str(dt.tzinfo) == 'UTC-04:00', (dt, want)\n"
		    "assert f['Importance'] == 'high' and f['X-CCMail-RRT'] == 'Admin at HUBPO2'\n"
		    "fp = parts(f)\n"
		    "assert [p.get_content_type() for p in fp] == ['text/plain', "
		    "'application/octet-stream', 'message/rfc822'], fp\n"
		    "assert fp[0]['Content-Transfer-Encoding'] == 'quoted-printable'\n"
		    /* Text items are joined as the store joins them. */
		    "assert fp[0].get_content().replace('\\r\\n', '\\n') == "
		    "'Memo\\nLine one with --=_ccmig.1 in itafter\\n', repr(fp[0].get_content())\n"
		    "assert fp[1].get_filename() == 'DATA.BIN'\n"
		    "assert fp[1].get_content() == bytes([0, 1, 2, 255])\n"
		    "assert fp[2].get_filename() == 'Inner.eml'\n"
		    "g = inner(fp[2])\n"
		    "assert str(g['Subject']) == 'Inner one'\n"
		    "assert g.get_content().replace('\\r\\n', '\\n') == 'Thanks\\n'\n"
		    "assert g['Date'].datetime == datetime.datetime(1998, 6, 3, 9, 0, "
		    "tzinfo=zoneinfo.ZoneInfo('Europe/Paris'))\n"
		    "b = set()\n"
		    "for l in raw.split(b'\\r\\n'):\n"
		    "    if l.startswith(b'--=_'): b.add(l.rstrip(b'-')[2:])\n"
		    "assert len(b) == 2 and not any(x != y and x.startswith(y) for x in b for y in b), b\n", 0);
	ccm_buf_release(&text);
}

static void forwarded_text_without_settings_reads_as_code_page_437(void **state)
{
	struct ccm_buf text = CCM_BUF_INIT;

	(void)state;
	forwarded_text(&text);
	/* MDY, and the counts are found: the inner message is there. */
	forward_case(0, "Fwd.ccm", &text, 0, NULL, NULL,
		     "f = inner(parts(m)[1])\n"
		     "assert str(f['Subject']) == 'Gr¢e', str(f['Subject'])\n"
		     "assert f['Date'].datetime == datetime.datetime(1998, 2, 6, 8, 39, "
		     "tzinfo=datetime.timezone.utc)\n"
		     "assert str(inner(parts(f)[2])['Subject']) == 'Inner one'\n", 0);
	ccm_buf_release(&text);
}

static void forwards_nested_too_deep_stay_export_text(void **state)
{
	struct ccm_buf text = CCM_BUF_INIT;

	(void)state;
	/* Ten levels, the innermost first. */
	for (int k = 10; k >= 1; k--) {
		struct ccm_buf b = CCM_BUF_INIT, hdr = CCM_BUF_INIT, line = CCM_BUF_INIT;
		struct citem it[2] = { { "Text item:", "level", 5 }, { NULL, text.ptr, text.len } };

		ccm_buf_addf(&hdr, "From: Admin\r\nSubject: L%d\r\n", k);
		ccm_buf_addf(&line, "Message item: L%d", k + 1);
		it[1].line = line.ptr;
		cc_block(&b, hdr.ptr, it, k == 10 ? 1 : 2);
		ccm_buf_reset(&text);
		ccm_buf_add(&text, b.ptr, b.len);
		ccm_buf_release(&b);
		ccm_buf_release(&hdr);
		ccm_buf_release(&line);
	}
	forward_case(1, "L1.ccm", &text, 0, NULL, NULL,
		     "p = parts(m)[1]\n"
		     "for k in range(1, 9):\n"
		     "    f = inner(p)\n"
		     "    assert str(f['Subject']) == 'L%d' % k, (k, f['Subject'])\n"
		     "    p = parts(f)[1]\n"
		     "assert p.get_content_type() == 'application/octet-stream'\n"
		     "assert p.get_filename() == 'L9.ccm'\n"
		     "assert 'nested more than 8 deep' in str(p['Content-Description'])\n"
		     "t = p.get_content()\n"
		     "assert t.startswith(b'Message:\\r\\n') and b'Subject: L10\\r\\n' in t, t[:60]\n", 1);
	ccm_buf_release(&text);
}

/* Entries of folder `dir` whose names do not start with '.'; -1 if none. */
/* One number from the store. */
static long long q1(struct hand *h, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(ccm_store_db(h->s), sql, -1, &st, NULL),
			 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A store (with the post office's settings) holding one message that
 * carries the forwarded text of the tests as "Fwd.ccm"; its id. */
static long long hand_forward(struct hand *h)
{
	const char *names[1] = { "Fwd.ccm" };
	const char *data[1];
	size_t lens[1];
	struct ccm_buf text = CCM_BUF_INIT;
	struct ccm_store_message m = { 0 };
	long long id;

	forwarded_text(&text);
	data[0] = text.ptr;
	lens[0] = text.len;
	hand_open(h, 1);
	m.subject = "See below";
	id = hand_message(h, &m, 1, names, data, lens);
	ccm_buf_release(&text);
	return id;
}

/* Import stores a forwarded message as messages of their own, once: the
 * ".ccm" text stays as it came, and every level is a message whose parent
 * carries it, with its own recipients, headers, body and parts. */
static void forwards_are_stored_as_messages_once(void **state)
{
	struct ccm_forwards *fw;
	struct ccm_error err;
	struct hand h;
	long long id = hand_forward(&h);

	(void)state;
	unfold(&h, id);
	assert_int_equal(q1(&h, "SELECT count(*) FROM messages WHERE parent_id IS NOT NULL"), 2);
	assert_int_equal(q1(&h, "SELECT count(*) FROM attachments WHERE name = 'Fwd.ccm'"), 1);
	/* The forwarded message: part 1 of the stored one, in its folder. */
	assert_int_equal(q1(&h, "SELECT count(*) FROM messages c JOIN messages p ON "
			    "p.id = c.parent_id WHERE c.parent_seq = 1 AND c.part_name = "
			    "'Fwd.ccm' AND c.folder_id = p.folder_id AND c.subject = 'Gr\u00f8e' "
			    "AND c.priority = 1 AND c.sent_utc IS NOT NULL AND "
			    "c.sender_address = 'CCMAIL:Grewal, Jeff at HUB'"), 1);
	assert_int_equal(q1(&h, "SELECT count(*) FROM message_recipients r JOIN messages c "
			    "ON c.id = r.message_id WHERE c.parent_seq = 1 AND c.parent_id IS "
			    "NOT NULL"), 3);
	assert_int_equal(q1(&h, "SELECT count(*) FROM message_headers h JOIN messages c "
			    "ON c.id = h.message_id WHERE h.name = 'RRT'"), 1);
	assert_int_equal(q1(&h, "SELECT count(*) FROM messages WHERE body = "
			    "'Memo' || char(13, 10) || 'Line one with --=_ccmig.1 in it' || "
			    "'after'"), 1);
	assert_int_equal(q1(&h, "SELECT count(*) FROM attachments a JOIN messages c ON "
			    "c.id = a.message_id WHERE c.parent_seq = 1 AND a.seq = 2 AND "
			    "a.name = 'DATA.BIN' AND a.size = 4"), 1);
	/* The message forwarded in it: part 3 (its item's place). */
	assert_int_equal(q1(&h, "SELECT count(*) FROM messages g JOIN messages c ON "
			    "c.id = g.parent_id WHERE g.parent_seq = 3 AND g.part_name = "
			    "'Inner.ccm' AND g.subject = 'Inner one' AND c.parent_seq = 1"), 1);
	/* Only the stored message is one of the folder's. */
	assert_int_equal(q1(&h, "SELECT count(*) FROM messages WHERE parent_id IS NULL"), 1);
	/* Again: nothing more. */
	assert_int_equal(ccm_forwards_open(&fw, h.s, NULL, &err), 0);
	assert_int_equal(ccm_forwards_unfold(fw, id, &err), 0);
	ccm_forwards_free(fw);
	assert_int_equal(q1(&h, "SELECT count(*) FROM messages"), 3);
	/* Removing the message removes what it carries. */
	assert_int_equal(sqlite3_exec(ccm_store_db(h.s), "DELETE FROM messages WHERE "
				      "parent_id IS NULL", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(q1(&h, "SELECT count(*) FROM messages"), 0);
	hand_close(&h);
}

/*
 * A forwarded message's text is held in memory while it is small, and in
 * a file of $TMPDIR once it is large (16 MiB): without room there, a small
 * one still unfolds and a large one fails with what to do.
 */
static void unfolding_large_text_needs_tmpdir(void **state)
{
	const char *names[1] = { "Big.ccm" };
	const char *data[1];
	size_t lens[1], big = (17u << 20);
	struct ccm_buf text = CCM_BUF_INIT;
	struct ccm_store_message m = { 0 };
	struct citem item = { "Text item:", NULL, 0 };
	struct ccm_forwards *fw;
	struct ccm_error err;
	char *old = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;
	char *fill = malloc(big);
	struct hand h;
	long long small = hand_forward(&h), id;

	(void)state;
	assert_non_null(fill);
	memset(fill, 'a', big);
	item.data = fill;
	item.len = big;
	cc_block(&text, "From: Admin\r\nSubject: Big\r\n", &item, 1);
	data[0] = text.ptr;
	lens[0] = text.len;
	id = hand_message(&h, &m, 1, names, data, lens);
	setenv("TMPDIR", "/nonexistent/ccmig-test", 1);
	assert_int_equal(ccm_forwards_open(&fw, h.s, NULL, &err), 0);
	assert_int_equal(ccm_forwards_unfold(fw, small, &err), 2);
	assert_int_equal(ccm_forwards_unfold(fw, id, &err), CCM_EIO);
	assert_non_null(strstr(err.msg, "/nonexistent/ccmig-test"));
	assert_non_null(strstr(err.msg, "set TMPDIR"));
	ccm_forwards_free(fw);
	if (old)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
	/* With room, all of it arrives. */
	assert_int_equal(ccm_forwards_open(&fw, h.s, NULL, &err), 0);
	assert_int_equal(ccm_forwards_unfold(fw, id, &err), 1);
	ccm_forwards_free(fw);
	assert_int_equal(q1(&h, "SELECT max(body_bytes) FROM messages WHERE parent_id "
			    "IS NOT NULL"), (long long)big);
	free(old);
	free(fill);
	ccm_buf_release(&text);
	hand_close(&h);
}

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Lines of file `path` that start with "From "; -1 if it cannot be read. */
static int count_from_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, "From ", 5);
	fclose(f);
	return n;
}

/*
 * Folders whose export names would be one: "A.B", "A/B" and "A_B" all make
 * "A_B" in Maildir++, a user's "Trash" meets Deleted Items; in mbox "A/B"
 * and "A_B" are one file, and the second would be written over the first.
 * Each must stay a folder of its own, with its one message.
 */
static void folders_that_would_share_a_name_stay_apart(void **state)
{
	struct ccm_out_zones *zones;
	struct ccm_out_opts oo = { 0 };
	static const char *const paths[] = { "A.B", "A/B", "A_B", "Trash", "Deleted Items" };
	static const char *const maildirs[] = { ".A_B", ".A_B (2)", ".A_B (3)", ".Trash (2)", ".Trash" };
	static const char *const mboxes[] = { "A.B.mbox", "A_B.mbox", "A_B (2).mbox",
					      "Trash.mbox", "Deleted Items.mbox" };
	struct ccm_maildir_stats ms;
	struct ccm_mbox_stats bs;
	struct ccm_error err;
	struct hand h;
	char *md, *mb, p[1024];

	(void)state;
	hand_open(&h, 0);
	for (size_t i = 0; i < 5; i++) {
		struct ccm_store_message m = { 0 };
		long long id;

		assert_int_equal(ccm_store_folder_ensure(h.s, h.mailbox, paths[i], &m.folder_id,
							 &err), 0);
		m.subject = paths[i];
		m.sent_utc = 900000000 + (long long)i;
		assert_int_equal(ccm_store_message_add(h.s, &m, &id, &err), 0);
	}
	md = tu_path(h.dir, "md");
	mb = tu_path(h.dir, "mb");
	assert_int_equal(ccm_out_zones_open(&zones, h.s, h.tz, h.tz, &err), 0);
	oo.zones = zones;
	assert_int_equal(ccm_maildir_export(h.s, md, &oo, &ms, &err), 0);
	assert_int_equal(ccm_mbox_export(h.s, mb, &oo, &bs, &err), 0);
	ccm_out_zones_free(zones);
	for (size_t i = 0; i < 5; i++) {
		snprintf(p, sizeof(p), "%s/ann/%s/cur", md, maildirs[i]);
		assert_int_equal(count_files(p), 1);
		snprintf(p, sizeof(p), "%s/ann/%s", mb, mboxes[i]);
		assert_int_equal(count_from_lines(p), 1);
	}
	free(md);
	free(mb);
	hand_close(&h);
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
		cmocka_unit_test(priority_received_and_extra_headers_are_written),
		cmocka_unit_test(macbinary_attachments_give_users_their_files),
		cmocka_unit_test(forwarded_message_renders_as_an_attached_message),
		cmocka_unit_test(forwarded_text_without_settings_reads_as_code_page_437),
		cmocka_unit_test(forwards_nested_too_deep_stay_export_text),
		cmocka_unit_test(forwards_are_stored_as_messages_once),
		cmocka_unit_test(unfolding_large_text_needs_tmpdir),
		cmocka_unit_test(folders_that_would_share_a_name_stay_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
