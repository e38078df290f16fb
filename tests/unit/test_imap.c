/* test_imap.c: the IMAP export's pieces: folder names in modified UTF-7,
 * the credentials file, OAuth tokens from a command or a file, the URL,
 * the names folders get, and what a server's refusal says. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "export/folder_name.h"
#include "export/imap.h"
#include "export/imap_creds.h"
#include "export/imap_export.h"
#include "export/imap_token.h"

#include <time.h>

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

static void utf7_decodes(const char *mutf7, const char *want)
{
	struct ccm_buf b = CCM_BUF_INIT;

	ccm_buf_adds(&b, "x");
	if (!want) {
		assert_int_equal(ccm_imap_utf7_decode(&b, mutf7), -1);
		assert_string_equal(b.ptr, "x");
	} else {
		assert_int_equal(ccm_imap_utf7_decode(&b, mutf7), 0);
		assert_string_equal(b.ptr + 1, want);
	}
	ccm_buf_release(&b);
}

static void utf7_decodes_what_servers_send(void **state)
{
	(void)state;
	utf7_decodes("INBOX", "INBOX");
	utf7_decodes("Tom &- Jerry", "Tom & Jerry");
	utf7_decodes("~peter/mail/&U,BTFw-/&ZeVnLIqe-",
		     "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	utf7_decodes("[Gmail]/Sent Mail", "[Gmail]/Sent Mail");
	utf7_decodes("&AOkA6QDp-", "\xc3\xa9\xc3\xa9\xc3\xa9");
	utf7_decodes("&2D3eAA-", "\xf0\x9f\x98\x80");
	utf7_decodes("", "");
	/* Not modified UTF-7: nothing is added. */
	utf7_decodes("&AOk", NULL);             /* no '-' */
	utf7_decodes("&-&", NULL);
	utf7_decodes("&-x&-", "&x&");
	utf7_decodes("&-", "&");
	utf7_decodes("a&Jjo!-", NULL);          /* '!' is no base64 digit */
	utf7_decodes("&AGE-", NULL);            /* "a" must go as itself */
	utf7_decodes("&2D0-", NULL);            /* a high surrogate alone */
	utf7_decodes("&3gA-", NULL);            /* a low surrogate alone */
	utf7_decodes("&AOl-", NULL);            /* bits left over */
	utf7_decodes("caf\xc3\xa9", NULL);      /* 8-bit */
	utf7_decodes("a\tb", NULL);
}

static char *dir;

static struct ccm_imap_creds *load(const char *text, int want_rc, const char *want_msg)
{
	struct ccm_imap_creds *c = NULL;
	struct ccm_error err;
	char *p = tu_writes(dir, "creds", text);
	int rc = ccm_imap_creds_load(&c, p, 1, &err);

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
		assert_int_equal(ccm_imap_creds_load(&c, p, 1, &err), CCM_ENOTFOUND);
		assert_non_null(strstr(err.msg, "cannot read credentials file"));
		free(p);
	}
	/* With OAuth tokens, a line needs no password. */
	{
		struct ccm_error err;
		char *p = tu_writes(dir, "logins", "jsmith john@example.com\n* %a pw\n");
		assert_int_equal(ccm_imap_creds_load(&c, p, 0, &err), 0);
		assert_int_equal(ccm_imap_creds_find(c, "jsmith", &login, &pw), 1);
		assert_string_equal(login.ptr, "john@example.com");
		assert_string_equal(pw, "");
		ccm_imap_creds_free(c);
		free(p);
		p = tu_writes(dir, "logins", "jsmith\n");
		assert_int_equal(ccm_imap_creds_load(&c, p, 0, &err), CCM_EMALFORMED);
		assert_non_null(strstr(err.msg, "a line needs an alias, a login"));
		free(p);
	}
	ccm_buf_release(&login);
	tu_rmtree(dir);
	free(dir);
}

/* The token command `cmd` for alias and login: rc, the token or the
 * error's words. */
static void command_gives(const char *cmd, const char *alias, const char *login,
			  int timeout_s, int want_rc, const char *want)
{
	struct ccm_imap_token_source src = { cmd, NULL, timeout_s };
	struct ccm_buf tok = CCM_BUF_INIT;
	struct ccm_error err;
	int rc = ccm_imap_token_get(&tok, &src, alias, login, &err);

	if (rc != want_rc)
		fail_msg("%s: %d, not %d: %s", cmd, rc, want_rc, rc ? err.msg : tok.ptr);
	if (rc == 0)
		assert_string_equal(tok.ptr, want);
	else if (!strstr(err.msg, want))
		fail_msg("'%s' not in: %s", want, err.msg);
	ccm_buf_release(&tok);
}

static void token_command_prints_the_token(void **state)
{
	struct ccm_imap_token_source src = { "x %a %l %%", NULL, 0 };
	struct ccm_error err;
	time_t t0;
	char *seen;

	(void)state;
	dir = tu_mkdtemp();
	command_gives("echo tok-%a.%l; echo second line", "jsmith", "j.x", 5, 0,
		      "tok-jsmith.j.x");
	command_gives("printf '  ab+/c==  \\r\\n'", "a", "b", 5, 0, "ab+/c==");
	/* "%%" is a "%" for the shell's printf: "a%s". */
	command_gives("printf 'a%%s' b", "x", "y", 5, 0, "ab");
	/* Alias and login reach the command as they are, never as shell. */
	{
		char *cmd = malloc(strlen(dir) + 64);
		sprintf(cmd, "printf '%%%%s|%%%%s' %%a %%l >%s/seen; echo t", dir);
		command_gives(cmd, "o'brien $(id) `x`", "a;b\"c\\", 5, 0, "t");
		char *path = tu_path(dir, "seen");
		seen = tu_slurp(path, NULL);
		assert_string_equal(seen, "o'brien $(id) `x`|a;b\"c\\");
		free(seen);
		free(path);
		free(cmd);
	}
	command_gives("echo 'no cached token for' %a >&2; exit 3", "jsmith", "j", 5,
		      CCM_EIO, "failed (exit status 3): no cached token for jsmith");
	command_gives("true", "jsmith", "j", 5, CCM_EMALFORMED, "printed no token");
	command_gives("echo '{\"access_token\": \"x\"}'", "a", "b", 5, CCM_EMALFORMED,
		      "jq -r .access_token");
	command_gives("echo Bearer xyz", "a", "b", 5, CCM_EMALFORMED,
		      "not an access token");
	command_gives("kill -TERM $$", "a", "b", 5, CCM_EIO, "ended by signal 15");
	/* A command that hangs is stopped at the time limit, with the
	 * processes it started. */
	t0 = time(NULL);
	command_gives("echo waiting >&2; sleep 30 & sleep 30", "a", "b", 1, CCM_EIO,
		      "did not finish within 1 s and was stopped; it said: waiting");
	assert_true(time(NULL) - t0 <= 5);
	/* The escapes are checked before a run. */
	assert_int_equal(ccm_imap_token_check(&src, &err), 0);
	src.command = "x %u";
	assert_int_equal(ccm_imap_token_check(&src, &err), CCM_EINVAL);
	assert_non_null(strstr(err.msg, "'%u' means nothing"));
	tu_rmtree(dir);
	free(dir);
}

static void token_file_gives_a_token_per_login(void **state)
{
	struct ccm_imap_token_source src = { NULL, NULL, 0 };
	struct ccm_buf tok = CCM_BUF_INIT;
	struct ccm_error err;

	(void)state;
	dir = tu_mkdtemp();
	src.file = tu_writes(dir, "tokens", "# login token\n\nJ@x.com\tja.b-c\r\n"
			     "* all-of-them==\n");
	assert_int_equal(ccm_imap_token_check(&src, &err), 0);
	assert_int_equal(ccm_imap_token_get(&tok, &src, "jsmith", "j@X.com", &err), 0);
	assert_string_equal(tok.ptr, "ja.b-c");
	assert_int_equal(ccm_imap_token_get(&tok, &src, "other", "o@x.com", &err), 0);
	assert_string_equal(tok.ptr, "all-of-them==");
	free((char *)src.file);
	/* A token alone serves every login. */
	src.file = tu_writes(dir, "tokens", "abc\n");
	assert_int_equal(ccm_imap_token_get(&tok, &src, "a", "b", &err), 0);
	assert_string_equal(tok.ptr, "abc");
	free((char *)src.file);
	src.file = tu_writes(dir, "tokens", "j tok\n");
	assert_int_equal(ccm_imap_token_get(&tok, &src, "a", "b", &err), CCM_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no token for login 'b' of mailbox 'a'"));
	free((char *)src.file);
	src.file = tu_writes(dir, "tokens", "j tok\nj tok more\n");
	assert_int_equal(ccm_imap_token_check(&src, &err), CCM_EMALFORMED);
	assert_non_null(strstr(err.msg, "tokens:2: a line is"));
	free((char *)src.file);
	src.file = tu_path(dir, "none");
	assert_int_equal(ccm_imap_token_check(&src, &err), CCM_ENOTFOUND);
	free((char *)src.file);
	ccm_buf_release(&tok);
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
	/* The IMAP export's: neither '.' nor '/' splits a level, whatever
	 * the server's delimiter. */
	name_is("inbox.old", 0, '/', "./", "inbox_old");
	name_is("v1.2/beta\\x", 0, '.', "./", "v1_2_beta.x");
	name_is("a:b\\c", 0, ':', "./:", "a_b:c");
	/* A level never starts with '~' (Dovecot's home folders). */
	name_is("~tilde\\~x~", 0, '/', "./", "_tilde/_x~");
	name_is("R&D\\50% off\\*", 0, '/', "./", "R&D/50% off/*");
}

/* Names each folder of `paths` (parents first; a special folder as
 * "=N name"), after reserving `reserved` (NULL-terminated), and compares
 * them with `want`. */
static void unique_names_are(char delim, const char *const *reserved,
			     const char *const *paths, const char *const *want)
{
	struct ccm_out_names names = CCM_OUT_NAMES_INIT;
	struct ccm_buf b = CCM_BUF_INIT;

	for (int round = 0; round < 2; round++) {
		ccm_out_names_reset(&names);
		for (size_t i = 0; reserved && reserved[i]; i++)
			assert_int_equal(ccm_out_names_reserve(&names, reserved[i]), 0);
		for (size_t i = 0; paths[i]; i++) {
			struct ccm_folder f = { (long long)i + 1, 1, 0, 0, NULL, paths[i], 0 };
			const char *last = strrchr(paths[i], '\\');

			if (paths[i][0] == '=') {
				f.special = paths[i][1] - '0';
				f.path = paths[i] + 3;
			}
			/* The parent: the nearest folder before with the
			 * path up to the last '\'. */
			for (size_t k = i; last && k-- > 0; )
				if (!strncmp(paths[k], paths[i], (size_t)(last - paths[i])) &&
				    paths[k][last - paths[i]] == '\0')
					f.parent_id = (long long)k + 1;
			assert_int_equal(ccm_out_folder_name_unique(&b, &names, &f, delim,
								    "./"), 0);
			assert_string_equal(b.ptr, want[i]);
		}
	}
	ccm_buf_release(&b);
	ccm_out_names_release(&names);
}

static void folder_names_are_one_folder_each(void **state)
{
	static const char *const m365[] = { "Sent Items", "Deleted Items", "Drafts",
					    "Archive", "Junk Email", NULL };
	static const char *const paths[] = {
		"=1 Inbox", "Inbox\\old", "=3 Sent Items", "Sent", "Sent\\1998", "Trash",
		"A.B", "A_B", "A_B\\x", "inbox.old", "Archive", "Archive\\INBOX",
		"junk email", "Projects", "Projects\\Sent", NULL,
	};
	static const char *const on_dovecot[] = {
		"INBOX", "Inbox/old", "Sent", "Sent (2)", "Sent (2)/1998", "Trash (2)",
		"A_B", "A_B (2)", "A_B (2)/x", "inbox_old", "Archive", "Archive/INBOX",
		"junk email", "Projects", "Projects/Sent", NULL,
	};
	static const char *const on_m365[] = {
		"INBOX", "Inbox.old", "Sent", "Sent (2)", "Sent (2).1998", "Trash (2)",
		"A_B", "A_B (2)", "A_B (2).x", "inbox_old", "Archive (2)", "Archive (2).INBOX",
		"junk email (2)", "Projects", "Projects.Sent", NULL,
	};

	(void)state;
	unique_names_are('/', NULL, paths, on_dovecot);
	unique_names_are('.', m365, paths, on_m365);
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
		cmocka_unit_test(utf7_decodes_what_servers_send),
		cmocka_unit_test(credentials_file_gives_login_and_password),
		cmocka_unit_test(token_command_prints_the_token),
		cmocka_unit_test(token_file_gives_a_token_per_login),
		cmocka_unit_test(urls_name_a_server_and_nothing_else),
		cmocka_unit_test(folders_get_the_names_servers_expect),
		cmocka_unit_test(folder_names_are_one_folder_each),
		cmocka_unit_test(refusals_say_their_code_and_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
