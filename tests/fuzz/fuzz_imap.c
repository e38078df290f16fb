/* fuzz_imap.c: what the IMAP export reads (export/imap.h, imap_creds.h,
 * imap_export.h): the server URL, the credentials file and, above all,
 * whatever an IMAP server answers.
 *
 * Input: NUL-separated, the URL, then the credentials file, then the
 * server's side of the conversation to the end of the input (NULs
 * included). The URL is parsed (never connected to); the credentials
 * are loaded and looked up; then the client connects to a server of this
 * process on 127.0.0.1, which sends the rest of the input at once and
 * closes its side, and logs in (with a password, or a token when the
 * input's size is odd), learns the delimiter, lists the special folders,
 * creates a folder, lists its Message-IDs, appends a message and logs
 * out, as far as the answers let it.
 *
 * Promises: a parsed URL has a host, and a port (when it names one) of
 * digits only, 1..65535; a mailbox found has a password that is not
 * empty; a special folder found has a name of valid UTF-8 that encodes
 * back to printable ASCII; a Message-ID handed out holds no '>'; every
 * failure says what.
 */
#include "fuzz.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/spool.h"
#include "export/imap.h"
#include "export/imap_creds.h"
#include "export/imap_export.h"
#include "export/imap_special.h"
#include "base/utf8.h"

static int listener = -1;
static char port[16];

static void setup(void)
{
	struct sockaddr_in a;
	socklen_t n = sizeof(a);

	if (listener >= 0)
		return;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((listener = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    bind(listener, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(listener, 4) < 0 ||
	    getsockname(listener, (struct sockaddr *)&a, &n) < 0) {
		perror("fuzz_imap: listening on 127.0.0.1");
		abort();
	}
	snprintf(port, sizeof(port), "%u", ntohs(a.sin_port));
}

struct script {
	const uint8_t *data;
	size_t size;
};

/* The server: one connection, the whole script, then whatever the client
 * sends until it closes. It closes with a reset, so that no connection
 * lingers in TIME_WAIT: a long run makes hundreds of thousands. */
static void *serve(void *arg)
{
	const struct script *s = arg;
	struct linger lg = { 1, 0 };
	char sink[4096];
	int fd = accept(listener, NULL, NULL);

	if (fd < 0)
		return NULL;
	for (size_t off = 0; off < s->size;) {
		ssize_t w = send(fd, s->data + off, s->size - off, MSG_NOSIGNAL);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	shutdown(fd, SHUT_WR);
	while (recv(fd, sink, sizeof(sink), 0) > 0)
		;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
	return NULL;
}

static int on_id(void *ctx, const char *id, size_t len)
{
	(void)ctx;
	FUZZ_CHECK(memchr(id, '>', len) == NULL);
	return 0;
}

/* The special folders the server names, as the IMAP export reads them. */
static int special_folders(struct ccm_imap *c, struct ccm_error *err)
{
	struct ccm_imap_special sp = CCM_IMAP_SPECIAL_INIT;
	struct ccm_buf b = CCM_BUF_INIT;
	int rc = ccm_imap_special_find(&sp, c, err);

	for (int k = CCM_FOLDER_INBOX; rc == 0 && k <= CCM_FOLDER_DRAFTS; k++) {
		const unsigned char *n = (const unsigned char *)ccm_imap_special_folder(&sp, k);
		const unsigned char *e = n ? n + strlen((const char *)n) : NULL;
		unsigned long cp;
		int len;

		if (!n)
			continue;
		FUZZ_CHECK(n < e);
		for (; n < e; n += len)
			FUZZ_CHECK((len = ccm_utf8_decode(n, e, &cp)) > 0);
		ccm_buf_reset(&b);
		ccm_imap_utf7_encode(&b, ccm_imap_special_folder(&sp, k));
		for (size_t i = 0; i < b.len; i++)
			FUZZ_CHECK(b.ptr[i] >= 0x20 && b.ptr[i] <= 0x7e);
	}
	ccm_buf_release(&b);
	ccm_imap_special_release(&sp);
	return rc;
}

static void url(const char *text)
{
	struct ccm_imap_opts o;
	struct ccm_error err;
	char *storage = malloc(strlen(text) + 1);

	if (!storage)
		abort();
	memset(&o, 0, sizeof(o));
	if (ccm_imap_url_parse(text, &o, storage, &err) == 0) {
		FUZZ_CHECK(o.host && o.host[0]);
		FUZZ_CHECK(o.tls == 0 || o.tls == 1);
		if (o.port) {
			FUZZ_CHECK(o.port[0] && strspn(o.port, "0123456789") == strlen(o.port));
			FUZZ_CHECK(atol(o.port) >= 1 && atol(o.port) <= 65535);
		}
	} else {
		FUZZ_CHECK(err.msg[0] != '\0');
	}
	free(storage);
}

/* Loads the credentials and looks some mailboxes up: *user becomes the
 * login of the last one found (or "jsmith"); returns its password (or
 * "secret"), allocated. */
static char *credentials(const char *text, struct ccm_buf *user)
{
	static const char *const aliases[] = { "public", "JSmith", "%a", "jsmith" };
	const char *path = fuzz_file("creds", text, strlen(text));
	struct ccm_imap_creds *c = NULL;
	struct ccm_error err;
	const char *pw = "secret";
	char *out;

	ccm_buf_adds(user, "jsmith");
	if (ccm_imap_creds_load(&c, path, 1, &err) < 0)
		FUZZ_CHECK(err.msg[0] != '\0' && c == NULL);
	for (size_t i = 0; c && i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		const char *p = NULL;
		int rc = ccm_imap_creds_find(c, aliases[i], user, &p);

		FUZZ_CHECK(rc == 0 || rc == 1);
		if (rc == 1) {
			FUZZ_CHECK(p && p[0]);
			pw = p;
		}
	}
	if (!(out = strdup(pw)))
		abort();
	ccm_imap_creds_free(c);
	fuzz_clean();
	return out;
}

/* The client's side, as the IMAP export goes: each step only while the
 * connection works (a negative code leaves only ccm_imap_close). */
static void conversation(const char *user, const char *password, int token)
{
	struct ccm_imap_opts o;
	struct ccm_imap *c;
	struct ccm_error err;
	struct ccm_spool msg;
	struct ccm_imap_answer ans = { CCM_IMAP_CODE_NONE, 0 };
	int rc;

	memset(&o, 0, sizeof(o));
	o.host = "127.0.0.1";
	o.port = port;
	o.timeout_s = 5;
	o.cleartext = 1;
	if (ccm_imap_open(&c, &o, &err) < 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
		return;
	}
	rc = token ? ccm_imap_login_token(c, user, password, &err)
		   : ccm_imap_login(c, user, password, &err);
	if (rc == 0) {
		FUZZ_CHECK(ccm_imap_delimiter(c) != '\0');
		rc = special_folders(c, &err);
	}
	if (rc == 0) {
		rc = ccm_imap_create_use(c, "Inbox/Gr\xc3\xbc\xc3\x9f" "e & Co", "\\Sent", &err);
		if (rc == CCM_EINVAL) {
			FUZZ_CHECK(err.msg[0] != '\0');
			rc = 0;
		}
	}
	if (rc == 0)
		rc = ccm_imap_message_ids(c, "Inbox", on_id, NULL, &err);
	if (rc == 0) {
		ccm_spool_init(&msg, 4096);
		rc = ccm_spool_write(&msg, "Subject: x\r\n\r\nbody\r\n", 20, &err);
		if (rc == 0)
			rc = ccm_imap_append(&ans, c, "Inbox", "\\Seen",
					     "02-Jun-1998 08:39:00 -0400", &msg, &err);
		/* A refusal's code and wait are whatever the server said,
		 * read within bounds. */
		FUZZ_CHECK(ans.backoff_ms >= 0 && ans.backoff_ms <= 3600ll * 1000);
		FUZZ_CHECK(rc != 0 || ans.code == CCM_IMAP_CODE_NONE);
		ccm_spool_release(&msg);
	}
	if (rc != 0)
		FUZZ_CHECK(err.msg[0] != '\0');
	ccm_imap_close(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ccm_buf user = CCM_BUF_INIT;
	const uint8_t *nul1, *nul2 = NULL;
	char *text = malloc(size + 1), *password;
	struct script s = { (const uint8_t *)"", 0 };
	pthread_t server;

	if (!text)
		abort();
	setup();
	/* The URL and the credentials are C strings; the server's bytes are
	 * whatever follows the second NUL. */
	memcpy(text, data, size);
	text[size] = '\0';
	if ((nul1 = memchr(data, '\0', size)) != NULL)
		nul2 = memchr(nul1 + 1, '\0', size - (size_t)(nul1 + 1 - data));
	url(text);
	password = credentials(nul1 ? text + (nul1 + 1 - data) : "", &user);
	if (nul2) {
		s.data = nul2 + 1;
		s.size = size - (size_t)(nul2 + 1 - data);
	}
	if (pthread_create(&server, NULL, serve, &s) != 0)
		abort();
	/* Half the inputs log in with a token, half with a password. */
	conversation(user.ptr, password, (int)(size & 1));
	pthread_join(server, NULL);
	free(password);
	ccm_buf_release(&user);
	free(text);
	return 0;
}
