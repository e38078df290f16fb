/* test_imap.c: the IMAP export's pieces: folder names in modified UTF-7,
 * the credentials file, the URL, the names folders get, and what a
 * server's refusal says. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "export/folder_name.h"
#include "export/imap.h"
#include "export/imap_creds.h"
#include "export/imap_export.h"

static void utf7_is(const char *utf8, const char *want)
{
	struct ccm_buf b = CCM_BUF_INIT;

	ccm_imap_utf7_encode(&b, utf8);
	assert_string_equal(b.ptr, want);
	ccm_buf_release(&b);
}

static void utf7_encodes_as_rfc_3501_says(void **state)
{
	(void)state;
	utf7_is("INBOX", "INBOX");
	utf7_is("Tom & Jerry", "Tom &- Jerry");
	/* RFC 3501 5.1.3's own example. */
	utf7_is("~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		"~peter/mail/&U,BTFw-/&ZeVnLIqe-");
	utf7_is("Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale", "Soci&AOk-t&AOk- G&AOk-n&AOk-rale");
	/* One run for a stretch of non-ASCII, however long. */
	utf7_is("\xc3\xa9\xc3\xa9\xc3\xa9", "&AOkA6QDp-");
	/* Outside the BMP: a surrogate pair. */
	utf7_is("\xf0\x9f\x98\x80", "&2D3eAA-");
	/* A Latin-1 byte that is not UTF-8 is taken as Latin-1. */
	utf7_is("caf\xe9", "caf&AOk-");
	utf7_is("", "");
}

static char *dir;

static struct ccm_imap_creds *load(const char *text, int want_rc, const char *want_msg)
{
	struct ccm_imap_creds *c = NULL;
	struct ccm_error err;
	char *p = tu_writes(dir, "creds", text);
	int rc = ccm_imap_creds_load(&c, p, &err);

	free(p);
	assert_int_equal(rc, want_rc);
	if (want_msg)
		assert_non_null(strstr(err.msg, want_msg));
	return c;
}

static void credentials_file_gives_login_and_password(void **state)
{
	struct ccm_imap_creds *c;
	struct ccm_buf login = CCM_BUF_INIT;
	const char *pw = NULL;

	(void)state;
	dir = tu_mkdtemp();
	c = load("# alias login password\n\n"
		 "jsmith\tjohn@example.com\ts3cret word  \r\n"
		 "*  %a*admin   master\n"
		 "public admin 100%% sure\n", 0, NULL);
	assert_int_equal(ccm_imap_creds_find(c, "JSmith", &login, &pw), 1);
	assert_string_equal(login.ptr, "john@example.com");
	assert_string_equal(pw, "s3cret word");
	assert_int_equal(ccm_imap_creds_find(c, "mbrown", &login, &pw), 1);
	assert_string_equal(login.ptr, "mbrown*admin");
	assert_string_equal(pw, "master");
	assert_int_equal(ccm_imap_creds_find_public(c, &login, &pw), 1);
	assert_string_equal(login.ptr, "admin");
	assert_string_equal(pw, "100%% sure");
	/* The "public" line is the public folders' alone: a mailbox aliased
	 * "public", in any case, takes '*'. */
	assert_int_equal(ccm_imap_creds_find(c, "Public", &login, &pw), 1);
	assert_string_equal(login.ptr, "Public*admin");
	assert_string_equal(pw, "master");
	ccm_imap_creds_free(c);
	/* Without a "public" line, the public folders take '*' with %a
	 * "public"; without either, they have no credentials. */
	c = load("* %a@example.com pw\n", 0, NULL);
	assert_int_equal(ccm_imap_creds_find_public(c, &login, &pw), 1);
	assert_string_equal(login.ptr, "public@example.com");
	ccm_imap_creds_free(c);
	c = load("public admin pw\n", 0, NULL);
	assert_int_equal(ccm_imap_creds_find(c, "public", &login, &pw), 0);
	ccm_imap_creds_free(c);

	/* Without '*', a mailbox without a line has no credentials. */
	c = load("jsmith j pw\nx %%a%a@example.com pw\n", 0, NULL);
	assert_int_equal(ccm_imap_creds_find(c, "mbrown", &login, &pw), 0);
	assert_int_equal(ccm_imap_creds_find(c, "x", &login, &pw), 1);
	assert_string_equal(login.ptr, "%ax@example.com");
	ccm_imap_creds_free(c);

	assert_null(load("jsmith\n", CCM_EMALFORMED, "creds:1: a line needs"));
	assert_null(load("a b c\njsmith login\n", CCM_EMALFORMED, "creds:2:"));
	assert_null(load("a b c\nA d e\n", CCM_EMALFORMED, "'A' is given twice"));
	{
		struct ccm_error err;
		char *p = tu_path(dir, "none");
		assert_int_equal(ccm_imap_creds_load(&c, p, &err), CCM_ENOTFOUND);
		assert_non_null(strstr(err.msg, "cannot read credentials file"));
		free(p);
	}
	ccm_buf_release(&login);
	tu_rmtree(dir);
	free(dir);
}

static void url_is(const char *url, int rc, const char *host, const char *port,
		   int tls, const char *msg)
{
	struct ccm_imap_opts o = { 0 };
	struct ccm_error err;
	char *storage = malloc(strlen(url) + 1);

	assert_int_equal(ccm_imap_url_parse(url, &o, storage, &err), rc);
	if (rc == 0) {
		assert_string_equal(o.host, host);
		if (port)
			assert_string_equal(o.port, port);
		else
			assert_null(o.port);
		assert_int_equal(o.tls, tls);
	} else {
		assert_non_null(strstr(err.msg, msg));
	}
	free(storage);
}

static void urls_name_a_server_and_nothing_else(void **state)
{
	(void)state;
	url_is("imap://mail.example.com", 0, "mail.example.com", NULL, 0, NULL);
	url_is("IMAPS://mail.example.com:9993/", 0, "mail.example.com", "9993", 1, NULL);
	url_is("imap://[::1]:1143", 0, "::1", "1143", 0, NULL);
	url_is("imap://[::1]", 0, "::1", NULL, 0, NULL);
	url_is("http://x", CCM_EINVAL, NULL, NULL, 0, "not an IMAP URL");
	url_is("imap://", CCM_EINVAL, NULL, NULL, 0, "names no host");
	url_is("imap://h:0", CCM_EINVAL, NULL, NULL, 0, "1 to 65535");
	url_is("imap://h:99999", CCM_EINVAL, NULL, NULL, 0, "1 to 65535");
	url_is("imap://h:12x", CCM_EINVAL, NULL, NULL, 0, "1 to 65535");
	/* Digits only: a sign or blanks make no port. */
	url_is("imaps://[::1]:+993", CCM_EINVAL, NULL, NULL, 0, "1 to 65535");
	url_is("imap://h: 143", CCM_EINVAL, NULL, NULL, 0, "1 to 65535");
	url_is("imap://h:-1", CCM_EINVAL, NULL, NULL, 0, "1 to 65535");
	url_is("imap://h:00000000000143", CCM_EINVAL, NULL, NULL, 0, "1 to 65535");
	url_is("imap://h:00143", 0, "h", "00143", 0, NULL);
	url_is("imap://user@h", CCM_EINVAL, NULL, NULL, 0, "credentials file");
	url_is("imap://h/INBOX", CCM_EINVAL, NULL, NULL, 0, "folders come from the store");
	url_is("imap://[::1", CCM_EINVAL, NULL, NULL, 0, "no ']'");
}

static void name_is(const char *path, int special, char delim, const char *forbidden,
		    const char *want)
{
	struct ccm_folder f = { 1, 1, 0, 0, NULL, path, special };
	struct ccm_buf b = CCM_BUF_INIT;

	ccm_out_folder_name(&b, &f, delim, forbidden);
	assert_string_equal(b.ptr, want);
	ccm_buf_release(&b);
}

static void folders_get_the_names_servers_expect(void **state)
{
	(void)state;
	name_is("Inbox", CCM_FOLDER_INBOX, '/', NULL, "INBOX");
	name_is("Sent Items", CCM_FOLDER_SENT, '/', NULL, "Sent");
	name_is("Deleted Items", CCM_FOLDER_DELETED, '.', NULL, "Trash");
	name_is("Drafts", CCM_FOLDER_DRAFTS, '/', NULL, "Drafts");
	name_is("Outbox", CCM_FOLDER_OUTBOX, '/', NULL, "Outbox");
	name_is("Projects\\1999", 0, '/', NULL, "Projects/1999");
	name_is("Projects\\1999", 0, '.', "/", "Projects.1999");
	/* A delimiter inside a level never makes a level of its own. */
	name_is("a/b\\c.d", 0, '/', NULL, "a_b/c.d");
	name_is("a/b\\c.d", 0, '.', "/", "a_b.c_d");
	name_is("..\\..", 0, '.', "/", "__.__");
}

static void answer_is(const char *text, enum ccm_imap_code code, long long ms)
{
	struct ccm_imap_answer a;

	ccm_imap_answer_parse(&a, text);
	assert_int_equal(a.code, code);
	assert_int_equal(a.backoff_ms, ms);
}

static void refusals_say_their_code_and_wait(void **state)
{
	(void)state;
	/* Microsoft 365's words. */
	answer_is(" [THROTTLED] Request is throttled. Suggested Backoff Time: 1234 "
		  "milliseconds", CCM_IMAP_CODE_THROTTLED, 1234);
	answer_is("[OVERQUOTA] Quota exceeded", CCM_IMAP_CODE_OVERQUOTA, 0);
	answer_is("[UNAVAILABLE] try later", CCM_IMAP_CODE_UNAVAILABLE, 0);
	answer_is("[InUse] mailbox locked", CCM_IMAP_CODE_INUSE, 0);
	answer_is("[LIMIT] too many", CCM_IMAP_CODE_LIMIT, 0);
	answer_is("[TOOBIG]", CCM_IMAP_CODE_TOOBIG, 0);
	/* A code with arguments, one ccmig does not act on, a code cut off. */
	answer_is("[TOOBIG 1000000] no", CCM_IMAP_CODE_TOOBIG, 0);
	answer_is("[TRYCREATE] no such folder", CCM_IMAP_CODE_NONE, 0);
	answer_is("[LIMITS] x", CCM_IMAP_CODE_NONE, 0);
	answer_is("[OVERQ", CCM_IMAP_CODE_NONE, 0);
	answer_is("[", CCM_IMAP_CODE_NONE, 0);
	answer_is("", CCM_IMAP_CODE_NONE, 0);
	/* No code, but the words say it ("* BYE ... throttled"). */
	answer_is(" Connection closed: throttled", CCM_IMAP_CODE_THROTTLED, 0);
	answer_is("[TRYCREATE] throttled", CCM_IMAP_CODE_NONE, 0);
	/* Waits in seconds, without a unit, bounded, and nonsense. */
	answer_is("[THROTTLED] Suggested Backoff Time: 3 seconds", CCM_IMAP_CODE_THROTTLED, 3000);
	answer_is("[THROTTLED] suggested backoff time:250", CCM_IMAP_CODE_THROTTLED, 250);
	answer_is("[THROTTLED] Suggested Backoff Time: 99999999999999999999999 ms",
		  CCM_IMAP_CODE_THROTTLED, 3600ll * 1000);
	answer_is("[THROTTLED] Suggested Backoff Time: soon", CCM_IMAP_CODE_THROTTLED, 0);
	assert_string_equal(ccm_imap_code_name(CCM_IMAP_CODE_THROTTLED), "THROTTLED");
	assert_string_equal(ccm_imap_code_name(CCM_IMAP_CODE_NONE), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf7_encodes_as_rfc_3501_says),
		cmocka_unit_test(credentials_file_gives_login_and_password),
		cmocka_unit_test(urls_name_a_server_and_nothing_else),
		cmocka_unit_test(folders_get_the_names_servers_expect),
		cmocka_unit_test(refusals_say_their_code_and_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
