/* test_pst_messaging.c: the PST writer's messaging layer, read back by tests/pst/pst_check.py and pst_message_read.py. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pst/messaging.h"

#define PST_TESTS CCMIG_TEST_DATA "/../pst"

static const unsigned char UID[16] = { 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7,
				       0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF };

/* Neither path nor tmp exists; frees all three, removing dir. */
static void nothing_left_and_free(char *dir, char *path, char *tmp)
{
	assert_false(tu_exists(path));
	assert_false(tu_exists(tmp));
	free(path);
	free(tmp);
	tu_rmtree(dir);
	free(dir);
}

/* An attachment's data: `size` bytes of a pattern Python makes too
 * (byte i is i * 7 + 3), then `fail` (a negative code) once `fail_at`
 * bytes are given; `give` more than asked when set. */
struct src {
	unsigned long long size, at, fail_at;
	long long fail;
	int give_more;
};

static long long src_read(void *ctx, void *buf, size_t n)
{
	struct src *s = ctx;
	unsigned long long k = s->size - s->at;

	if (s->give_more)
		return (long long)n + 1;
	if (s->fail && s->at >= s->fail_at)
		return s->fail;
	if (k > n)
		k = n;
	if (s->fail && k > s->fail_at - s->at)
		k = s->fail_at - s->at;
	for (size_t i = 0; i < k; i++)
		((unsigned char *)buf)[i] = (unsigned char)((s->at + i) * 7 + 3);
	s->at += k;
	return (long long)k;
}

/* Bytes from a string. */
struct text {
	const char *p;
	size_t at;
};

static long long text_read(void *ctx, void *buf, size_t n)
{
	struct text *t = ctx;
	size_t k = strlen(t->p + t->at);

	if (k > n)
		k = n;
	memcpy(buf, t->p + t->at, k);
	t->at += k;
	return (long long)k;
}

static int attach_text(struct ccm_pst_msg *m, const char *name, const char *s,
		       struct ccm_error *err)
{
	struct text t = { s, 0 };

	return ccm_pst_msg_attach(m, name, strlen(s), -1, text_read, &t, err);
}

/* Runs Python code over the file with the tests' own readers: `f` is
 * its PstFile, props(nid) a node's PC, text(p, tag) a string property,
 * long(p, tag) a PtypInteger32 one, folders {name: nid}, messages
 * {subject: Message} of the top-level messages; asserts it passes. */
static void check_py(const char *pst, const char *code)
{
	assert_int_equal(tu_system("python3 -B %s/pst_check.py %s >/dev/null", PST_TESTS, pst), 0);
	assert_int_equal(tu_system("python3 -B - %s <<'EOF'\n"
		"import struct, sys\n"
		"sys.path.insert(0, '%s')\n"
		"from pst_message_read import PstFile, Subnodes, pc\n"
		"f = PstFile(sys.argv[1])\n"
		"nodes = f.c.node_bids\n"
		"def props(nid):\n"
		"    d, s = nodes[nid]\n"
		"    return pc(f, d, Subnodes(f, s))\n"
		"def text(p, tag):\n"
		"    v = p.get(tag)\n"
		"    return None if v is None else (v[1] or b'').decode('utf-16-le')\n"
		"def long(p, tag):\n"
		"    v = p.get(tag)\n"
		"    return None if v is None else struct.unpack('<i', v[1])[0]\n"
		"folders = {text(props(n), 0x3001): n for n in nodes if n & 0x1F == 2}\n"
		"messages = {}\n"
		"for n in sorted(nodes):\n"
		"    if n & 0x1F == 4:\n"
		"        m = f.message(n)\n"
		"        messages[text(m.props, 0x0037)] = m\n"
		"%s\nEOF", pst, PST_TESTS, code), 0);
}

static void a_file_of_folders_messages_and_attachments_reads_back(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "m.pst"), *tmp = tu_path(dir, "m.pst.tmp");
	struct ccm_pst_recipient rcpts[3] = {
		{ 1, "Ann Smith", "SMTP", "ann@example.com" },
		{ 2, "Bob", "SMTP", "bob@example.com" },
		{ 3, NULL, "CCMAIL", "Carl at SALESPO" },
	};
	struct ccm_pst_message a, fw1, fw2, b, c;
	struct ccm_pst_msg *ma, *m1, *m2, *mb, *mc;
	struct src big = { 70000, 0, 0, 0, 0 }, none = { 0, 0, 0, 0, 0 };
	struct ccm_pst *p;
	struct ccm_error err;
	uint32_t inbox, sent, projects, y2000;

	(void)state;
	assert_int_equal(ccm_pst_open(&p, path, "ann", UID, &err), 0);
	assert_true(tu_exists(tmp));
	assert_int_equal(ccm_pst_folder_add(&inbox, p, 0, "Inbox", CCM_PST_INBOX, &err), 0);
	assert_int_equal(ccm_pst_folder_add(&sent, p, 0, "Sent Items", CCM_PST_SENT, &err), 0);
	assert_int_equal(ccm_pst_folder_add(&projects, p, 0, "Projects", CCM_PST_FOLDER, &err), 0);
	assert_int_equal(ccm_pst_folder_add(&y2000, p, projects, "2000", CCM_PST_FOLDER, &err), 0);

	/* A message with recipients, attachments of 0 and 70,000 bytes (the
	 * second streamed: over 64 KiB), and a message embedded two deep. */
	memset(&a, 0, sizeof(a));
	a.subject = "Greetings";
	a.sender_name = "Dana Clark";
	a.sender_addrtype = "SMTP";
	a.sender_email = "dana@example.com";
	a.submit_utc = 946684800;
	a.delivery_utc = 946688400;
	a.importance = 2;
	a.body = "Hello there.\r\n";
	a.body_len = strlen(a.body);
	a.headers = "X-Mailer: cc:Mail\r\n";
	a.rcpts = rcpts;
	a.n_rcpts = 3;
	assert_int_equal(ccm_pst_msg_begin(&ma, p, inbox, NULL, NULL, &a, &err), 0);
	assert_int_equal(ccm_pst_msg_attach(ma, "empty.txt", 0, 0, src_read, &none, &err), 0);
	assert_int_equal(ccm_pst_msg_attach(ma, "big.bin", big.size, 1, src_read, &big, &err), 0);
	memset(&fw1, 0, sizeof(fw1));
	fw1.subject = "First forward";
	fw1.sender_name = "Bob";
	fw1.body = "one";
	fw1.body_len = 3;
	fw1.rcpts = rcpts;
	fw1.n_rcpts = 1;
	assert_int_equal(ccm_pst_msg_begin(&m1, p, inbox, ma, "Forwarded 1", &fw1, &err), 0);
	assert_int_equal(attach_text(m1, "note.txt", "deep one", &err), 0);
	memset(&fw2, 0, sizeof(fw2));
	fw2.subject = "Second forward";
	assert_int_equal(ccm_pst_msg_begin(&m2, p, inbox, m1, "Forwarded 2", &fw2, &err), 0);
	assert_int_equal(attach_text(m2, "deeper.txt", "two deep", &err), 0);
	assert_int_equal(ccm_pst_msg_end(m2, &err), 0);
	assert_int_equal(ccm_pst_msg_end(m1, &err), 0);
	assert_int_equal(ccm_pst_msg_end(ma, &err), 0);

	/* A message with no subject and no sender at all. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(ccm_pst_msg_begin(&mc, p, inbox, NULL, NULL, &c, &err), 0);
	assert_int_equal(ccm_pst_msg_end(mc, &err), 0);
	assert_int_equal(ccm_pst_folder_done(p, inbox, &err), 0);

	memset(&b, 0, sizeof(b));
	b.subject = "Plans";
	b.read = 1;
	assert_int_equal(ccm_pst_msg_begin(&mb, p, y2000, NULL, NULL, &b, &err), 0);
	assert_int_equal(ccm_pst_msg_end(mb, &err), 0);
	/* Projects and Sent Items are never done: finishing writes them. */
	assert_int_equal(ccm_pst_folder_done(p, y2000, &err), 0);
	assert_int_equal(ccm_pst_finish(p, &err), 0);
	assert_true(tu_exists(path));
	assert_false(tu_exists(tmp));

	check_py(path,
		"for name in ('Top of Personal Folders', 'Inbox', 'Sent Items', 'Projects', '2000'):\n"
		"    assert name in folders, (name, sorted(folders))\n"
		"counts = {n: long(props(folders[n]), 0x3602) for n in ('Inbox', 'Projects', '2000', 'Sent Items')}\n"
		"assert counts == {'Inbox': 2, 'Projects': 0, '2000': 1, 'Sent Items': 0}, counts\n"
		"assert props(folders['Projects'])[0x360A][1] == b'\\x01'   # PR_SUBFOLDERS\n"
		"assert sorted(messages) == ['', 'Greetings', 'Plans'], sorted(messages)\n"
		"a = messages['Greetings']\n"
		"assert text(a.props, 0x0C1A) == 'Dana Clark'\n"
		"assert text(a.props, 0x1000) == 'Hello there.\\r\\n'\n"
		"assert long(a.props, 0x0017) == 2\n"
		"rs = a.recipients()\n"
		"assert [long(r, 0x0C15) for r in rs] == [1, 2, 3], rs\n"
		"assert [text(r, 0x3003) for r in rs] == ['ann@example.com', 'bob@example.com', 'Carl at SALESPO']\n"
		"assert text(rs[2], 0x3001) == 'Carl at SALESPO'\n"
		"parts = a.parts()\n"
		"assert len(parts) == 3, len(parts)\n"
		"assert [long(x.props, 0x3705) for x in parts] == [1, 1, 5]\n"
		"assert text(parts[0].props, 0x3707) == 'empty.txt' and parts[0].data() == b''\n"
		"assert parts[1].data() == bytes((i * 7 + 3) & 0xFF for i in range(70000))\n"
		"assert long(parts[1].props, 0x0E20) == 70000\n"
		"m1 = parts[2].message()\n"
		"assert text(m1.props, 0x0037) == 'First forward'\n"
		"assert [text(r, 0x3001) for r in m1.recipients()] == ['Ann Smith']\n"
		"p1 = m1.parts()\n"
		"assert [x.data() for x in p1[:1]] == [b'deep one'], p1\n"
		"m2 = p1[1].message()\n"
		"assert text(m2.props, 0x0037) == 'Second forward'\n"
		"assert m2.recipients() == []\n"
		"assert [x.data() for x in m2.parts()] == [b'two deep']\n"
		"c = messages['']\n"
		"assert text(c.props, 0x0C1A) in (None, ''), c.props.get(0x0C1A)\n"
		"assert c.recipients() == [] and c.parts() == []\n"
		"assert long(messages['Plans'].props, 0x0E07) & 1 == 1   # MSGFLAG_READ\n");
	free(path);
	free(tmp);
	tu_rmtree(dir);
	free(dir);
}

/* After a failure every call gives that failure; finishing then leaves
 * no file. */
static void a_call_after_an_error_gives_that_error(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "e.pst"), *tmp = tu_path(dir, "e.pst.tmp");
	struct ccm_pst_message m;
	struct ccm_pst_msg *x = (struct ccm_pst_msg *)(void *)&m;
	struct ccm_pst *p;
	struct ccm_error err, first;
	uint32_t nid;

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_int_equal(ccm_pst_open(&p, path, "e", UID, &err), 0);
	assert_int_equal(ccm_pst_folder_add(&nid, p, 0x12345, "Lost", CCM_PST_FOLDER, &err),
			 CCM_EINVAL);
	assert_non_null(strstr(err.msg, "Lost"));
	first = err;
	memset(&err, 0, sizeof(err));
	assert_int_equal(ccm_pst_folder_add(&nid, p, 0, "Inbox", CCM_PST_INBOX, &err), CCM_EINVAL);
	assert_string_equal(err.msg, first.msg);
	assert_int_equal(ccm_pst_msg_begin(&x, p, 0, NULL, NULL, &m, &err), CCM_EINVAL);
	assert_null(x);
	assert_int_equal(ccm_pst_folder_done(p, 0x8022, &err), CCM_EINVAL);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ccm_pst_finish(p, &err), CCM_EINVAL);
	assert_string_equal(err.msg, first.msg);
	nothing_left_and_free(dir, path, tmp);
}

/* A new file at path with an Inbox, *inbox its NID. */
static struct ccm_pst *open_with_inbox(const char *path, uint32_t *inbox)
{
	struct ccm_pst *p;
	struct ccm_error err;

	assert_int_equal(ccm_pst_open(&p, path, "test", UID, &err), 0);
	assert_int_equal(ccm_pst_folder_add(inbox, p, 0, "Inbox", CCM_PST_INBOX, &err), 0);
	return p;
}

/* An attachment of `declared` bytes whose data `s` gives fails with
 * `want` and a message naming it; the message and the file then fail
 * the same way, and nothing is left. */
static void attach_fails(unsigned long long declared, struct src s, int want)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "r.pst"), *tmp = tu_path(dir, "r.pst.tmp");
	struct ccm_pst_message m;
	struct ccm_pst_msg *x;
	struct ccm_pst *p;
	struct ccm_error err;
	uint32_t inbox;

	memset(&m, 0, sizeof(m));
	m.subject = "with a bad attachment";
	p = open_with_inbox(path, &inbox);
	assert_int_equal(ccm_pst_msg_begin(&x, p, inbox, NULL, NULL, &m, &err), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(ccm_pst_msg_attach(x, "report.doc", declared, -1, src_read, &s, &err),
			 want);
	assert_non_null(strstr(err.msg, "report.doc"));
	assert_int_equal(ccm_pst_msg_end(x, &err), want);
	assert_int_equal(ccm_pst_finish(p, &err), want);
	nothing_left_and_free(dir, path, tmp);
}

/* src: size, at, fail_at, fail, give_more. */
static void an_attachment_whose_read_fails_midway_is_an_error(void **state)
{
	(void)state;
	/* Streamed (over 64 KiB), failing in its second piece. */
	attach_fails(200000, (struct src){ 200000, 0, 100000, CCM_EIO, 0 }, CCM_EIO);
	/* Kept in memory, failing at once and midway. */
	attach_fails(1000, (struct src){ 1000, 0, 0, CCM_EIO, 0 }, CCM_EIO);
	attach_fails(1000, (struct src){ 1000, 0, 10, CCM_ENOMEM, 0 }, CCM_ENOMEM);
	/* A value that is no code is an I/O error; more bytes than asked
	 * for is the callback's mistake. */
	attach_fails(1000, (struct src){ 1000, 0, 10, -100, 0 }, CCM_EIO);
	attach_fails(1000, (struct src){ 1000, 0, 0, 0, 1 }, CCM_EINVAL);
}

static void an_attachment_of_another_size_than_declared_is_malformed(void **state)
{
	(void)state;
	attach_fails(10, (struct src){ 9, 0, 0, 0, 0 }, CCM_EMALFORMED);
	attach_fails(10, (struct src){ 11, 0, 0, 0, 0 }, CCM_EMALFORMED);
	attach_fails(70000, (struct src){ 69999, 0, 0, 0, 0 }, CCM_EMALFORMED);
	attach_fails(70000, (struct src){ 70001, 0, 0, 0, 0 }, CCM_EMALFORMED);
}

/* Aborting leaves nothing under the final name: no new file, and an
 * older file there as it was. */
static void abort_leaves_no_file_under_the_final_name(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "a.pst"), *tmp = tu_path(dir, "a.pst.tmp");
	struct src big = { 100000, 0, 0, 0, 0 };
	struct ccm_pst_message m;
	struct ccm_pst_msg *x;
	struct ccm_pst *p;
	struct ccm_error err;
	uint32_t inbox;
	size_t n;
	char *old;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.subject = "never written";
	for (int round = 0; round < 2; round++) {
		p = open_with_inbox(path, &inbox);
		assert_int_equal(ccm_pst_msg_begin(&x, p, inbox, NULL, NULL, &m, &err), 0);
		assert_int_equal(ccm_pst_msg_attach(x, "b", big.size, -1, src_read, &big, &err), 0);
		big.at = 0;
		assert_int_equal(ccm_pst_msg_end(x, &err), 0);
		assert_true(tu_exists(tmp));
		ccm_pst_abort(p);
		assert_false(tu_exists(tmp));
		if (round == 0) {
			assert_false(tu_exists(path));
			free(tu_writes(dir, "a.pst", "an older file"));
		} else {
			old = tu_slurp(path, &n);
			assert_non_null(old);
			assert_string_equal(old, "an older file");
			free(old);
		}
	}
	ccm_pst_abort(NULL);
	ccm_pst_msg_abort(NULL);
	free(path);
	free(tmp);
	tu_rmtree(dir);
	free(dir);
}

/* A file that cannot be made is an error that says where. */
static void a_file_in_a_missing_folder_is_not_opened(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "missing/x.pst");
	struct ccm_pst *p = (struct ccm_pst *)(void *)&p;
	struct ccm_error err;

	(void)state;
	memset(&err, 0, sizeof(err));
	assert_true(ccm_pst_open(&p, path, "x", UID, &err) < 0);
	assert_null(p);
	assert_non_null(strstr(err.msg, "missing"));
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* A folder done takes no more messages; an unknown folder none. */
static void a_folder_done_takes_no_more_messages(void **state)
{
	char *dir = tu_mkdtemp(), *path = tu_path(dir, "d.pst");
	struct ccm_pst_message m;
	struct ccm_pst_msg *x;
	struct ccm_pst *p;
	struct ccm_error err;
	uint32_t inbox;

	(void)state;
	memset(&m, 0, sizeof(m));
	p = open_with_inbox(path, &inbox);
	assert_int_equal(ccm_pst_folder_done(p, inbox, &err), 0);
	assert_int_equal(ccm_pst_msg_begin(&x, p, inbox, NULL, NULL, &m, &err), 0);
	assert_int_equal(ccm_pst_msg_end(x, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "written already"));
	assert_int_equal(ccm_pst_finish(p, &err), CCM_EINVAL);
	assert_false(tu_exists(path));

	p = open_with_inbox(path, &inbox);
	assert_int_equal(ccm_pst_folder_done(p, inbox, &err), 0);
	assert_int_equal(ccm_pst_folder_done(p, inbox, &err), CCM_EINVAL);
	ccm_pst_abort(p);
	assert_false(tu_exists(path));
	free(path);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_file_of_folders_messages_and_attachments_reads_back),
		cmocka_unit_test(a_call_after_an_error_gives_that_error),
		cmocka_unit_test(an_attachment_whose_read_fails_midway_is_an_error),
		cmocka_unit_test(an_attachment_of_another_size_than_declared_is_malformed),
		cmocka_unit_test(abort_leaves_no_file_under_the_final_name),
		cmocka_unit_test(a_file_in_a_missing_folder_is_not_opened),
		cmocka_unit_test(a_folder_done_takes_no_more_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
