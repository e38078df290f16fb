/* imap.c: a small IMAP4rev1 client: log in, create folders, APPEND. */
#include "export/imap.h"
#include "base/buf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* A server's response (with its literals) is held whole while it is
 * parsed; nothing ccmig asks for comes near this. */
#define RESPONSE_LIMIT (8u << 20)

/* Untagged responses taken before a command's tagged one. The commands
 * ccmig sends ask for FETCH_CHUNK of them at most (LIST "" "" asks for
 * one, EXAMINE for a handful), but LIST "" "*", which asks for one per
 * folder of the account: an account of more folders than this fails;
 * the rest is room for what a server may add (EXISTS and EXPUNGE as
 * other clients change a folder, alerts). A server past it is not
 * answering the command, however fast it talks. */
#define UNTAGGED_LIMIT 10000u

/* Messages whose Message-IDs one FETCH asks for: each FETCH is answered
 * within the time limit, so a folder of any size is read in pieces that
 * each take about as long. */
#define FETCH_CHUNK 1000ul

/* Seconds a server has to greet (with the TLS handshake on imaps://),
 * whatever --imap-timeout says: an IMAP server greets at once, and one
 * that speaks TLS on an imap:// port waits for the client in silence,
 * which should cost seconds, not the minutes a slow command may take. */
#define GREETING_S 10

struct ccm_imap {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	char host[256], port[32];
	unsigned tag;
	int literal_plus, login_disabled;
	int special_use, create_special_use;   /* RFC 6154 */
	int broken;              /* a read or write failed: only close */
	int timeout_s;
	int limit_s;             /* the time limit of the answer awaited */
	int insecure;            /* TLS without checking the certificate */
	char *ca_file;           /* --imap-ca, or NULL */
	unsigned long long got;  /* bytes received so far */
	struct ccm_buf caps;     /* the last CAPABILITY list, "" before one */
	/* The answer awaited must be whole by `deadline` (now_ms()): the
	 * time limit bounds an answer, not each read of it. */
	long long deadline;
	const char *what;        /* the command being answered; NULL: greeting */
	unsigned long untagged;  /* untagged responses to it so far */
	struct ccm_imap_answer answer;  /* of its NO, BAD or BYE */
	char delim;
	unsigned char in[16384];
	size_t in_pos, in_len;
	struct ccm_buf resp;     /* the response being read */
	struct ccm_buf cmd;      /* the command being written */
};

/* ---- transport -------------------------------------------------------- */

static int tls_fail(struct ccm_imap *c, struct ccm_error *err, const char *what)
{
	char msg[256] = "";
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, msg, sizeof(msg));
	ERR_clear_error();
	c->broken = 1;
	return ccm_error_set(err, CCM_EIO, "%s with IMAP server %s:%s failed%s%s; "
			     "check the server's certificate (or --imap-ca FILE)",
			     what, c->host, c->port, *msg ? ": " : "", msg);
}

static int io_fail(struct ccm_imap *c, struct ccm_error *err, const char *what, int e)
{
	c->broken = 1;
	return ccm_error_sys(err, e, "%s IMAP server %s:%s failed", what, c->host, c->port);
}

/* Milliseconds on a clock that only goes forward. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What the server owes now is due within `limit_s` seconds from now. */
static void await_within(struct ccm_imap *c, int limit_s)
{
	c->limit_s = limit_s;
	c->deadline = now_ms() + 1000ll * limit_s;
}

/* What the server owes now is due within the time limit from now. */
static void await_answer(struct ccm_imap *c)
{
	await_within(c, c->timeout_s);
}

/* The host as a URL writes it: an IPv6 address in brackets. */
static const char *url_host(const struct ccm_imap *c, char out[260])
{
	snprintf(out, 260, strchr(c->host, ':') ? "[%s]" : "%s", c->host);
	return out;
}

static int timed_out(struct ccm_imap *c, struct ccm_error *err, int writing)
{
	char what[64], h[260];

	c->broken = 1;
	if (!writing && !c->what && c->got == 0 && !c->ssl)
		/* A server of IMAP over TLS waits for the client's hello. */
		return ccm_error_set(err, CCM_EIO, "IMAP server %s:%s did not answer in "
				     "time: it sent no greeting within %d s; a server that "
				     "speaks TLS on this port waits for the client in "
				     "silence: if it is one, write imaps://%s:%s; else is it "
				     "overloaded or the link down?", c->host, c->port,
				     c->limit_s, url_host(c, h), c->port);
	if (writing)
		snprintf(what, sizeof(what), "it took nothing ccmig sent (%s) for",
			 c->what ? c->what : "the TLS handshake");
	else if (c->what)
		snprintf(what, sizeof(what), "its answer to %s was not complete after",
			 c->what);
	else
		snprintf(what, sizeof(what), "%s not complete after", c->ssl ?
			 "the TLS handshake and its greeting were" : "its greeting was");
	return ccm_error_set(err, CCM_EIO, "IMAP server %s:%s did not answer in time: "
			     "%s %d s; is it overloaded or the link down? A longer "
			     "--imap-timeout gives it more time", c->host, c->port, what,
			     writing ? c->timeout_s : c->limit_s);
}

/*
 * Waits until the socket is ready for `events` (POLLIN, POLLOUT), up to
 * `until` (now_ms()). The socket does not block: this is the one place
 * ccmig waits for the server, so the time limit holds however the server
 * spreads its bytes.
 */
static int wait_for(struct ccm_imap *c, short events, long long until,
		    int writing, struct ccm_error *err)
{
	for (;;) {
		struct pollfd p = { c->fd, events, 0 };
		long long left = until - now_ms();
		int r;

		if (left <= 0)
			return timed_out(c, err, writing);
		r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
		/* Ready, or an error or hang-up that the next read or write
		 * will tell. */
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return io_fail(c, err, "waiting for", errno);
	}
}

/* Waits for what TLS wants after k from an SSL call (SSL_get_error());
 * 1 when it wants nothing a wait can give: the failure is TLS's own. */
static int tls_wait(struct ccm_imap *c, int k, long long until, int writing,
		    struct ccm_error *err)
{
	switch (SSL_get_error(c->ssl, k)) {
	case SSL_ERROR_WANT_READ:
		return wait_for(c, POLLIN, until, writing, err);
	case SSL_ERROR_WANT_WRITE:
		return wait_for(c, POLLOUT, until, writing, err);
	default:
		return 1;
	}
}

static int io_write(struct ccm_imap *c, const void *p, size_t n, struct ccm_error *err)
{
	const char *s = p;
	/* A server that takes what is sent, however slowly, is answering:
	 * the time limit runs from the last time it took some. */
	long long until = now_ms() + 1000ll * c->timeout_s;

	if (c->broken)
		return ccm_error_set(err, CCM_EIO, "the connection to %s:%s is broken",
				     c->host, c->port);
	while (n > 0) {
		long w;
		int rc;

		if (c->ssl) {
			int k = SSL_write(c->ssl, s, n > (1u << 30) ? 1 << 30 : (int)n);
			if (k <= 0) {
				if ((rc = tls_wait(c, k, until, 1, err)) != 0)
					return rc < 0 ? rc : tls_fail(c, err, "writing to");
				continue;
			}
			w = k;
		} else {
			w = send(c->fd, s, n, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				if ((rc = wait_for(c, POLLOUT, until, 1, err)) < 0)
					return rc;
				continue;
			}
			if (w <= 0)
				return io_fail(c, err, "writing to", w < 0 ? errno : EPIPE);
		}
		s += w;
		n -= (size_t)w;
		until = now_ms() + 1000ll * c->timeout_s;
	}
	return 0;
}

/*
 * Fills the input buffer; CCM_EIO at end of stream, on failure, or when
 * the deadline of the answer awaited has passed: checked on every fill,
 * not only when the server is silent, so that neither a trickle nor a
 * flood keeps ccmig past it.
 */
static int io_fill(struct ccm_imap *c, struct ccm_error *err)
{
	long r;
	int rc;

	if (c->broken)
		return ccm_error_set(err, CCM_EIO, "the connection to %s:%s is broken",
				     c->host, c->port);
	for (;;) {
		if (now_ms() >= c->deadline)
			return timed_out(c, err, 0);
		if (c->ssl) {
			int k = SSL_read(c->ssl, c->in, sizeof(c->in));
			if (k <= 0) {
				if (SSL_get_error(c->ssl, k) == SSL_ERROR_ZERO_RETURN) {
					r = 0;
					break;
				}
				if ((rc = tls_wait(c, k, c->deadline, 0, err)) != 0)
					return rc < 0 ? rc : tls_fail(c, err, "reading from");
				continue;
			}
			r = k;
			break;
		}
		r = recv(c->fd, c->in, sizeof(c->in), 0);
		if (r >= 0)
			break;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if ((rc = wait_for(c, POLLIN, c->deadline, 0, err)) < 0)
				return rc;
		} else if (errno != EINTR) {
			return io_fail(c, err, "reading from", errno);
		}
	}
	if (r == 0) {
		c->broken = 1;
		return ccm_error_set(err, CCM_EIO, "IMAP server %s:%s closed the connection",
				     c->host, c->port);
	}
	c->in_pos = 0;
	c->in_len = (size_t)r;
	c->got += (unsigned long long)r;
	return 0;
}

/* Appends n bytes read from the server to out. */
static int read_bytes(struct ccm_imap *c, struct ccm_buf *out, unsigned long long n,
		      struct ccm_error *err)
{
	while (n > 0) {
		size_t k;
		int rc;
		if (c->in_pos == c->in_len && (rc = io_fill(c, err)) < 0)
			return rc;
		k = c->in_len - c->in_pos;
		if (k > n)
			k = (size_t)n;
		ccm_buf_add(out, c->in + c->in_pos, k);
		c->in_pos += k;
		n -= k;
	}
	return 0;
}

/* Appends one line, CRLF included, to out. */
static int read_line(struct ccm_imap *c, struct ccm_buf *out, struct ccm_error *err)
{
	for (;;) {
		unsigned char *nl;
		size_t k;
		int rc;

		if (c->in_pos == c->in_len && (rc = io_fill(c, err)) < 0)
			return rc;
		nl = memchr(c->in + c->in_pos, '\n', c->in_len - c->in_pos);
		k = nl ? (size_t)(nl - (c->in + c->in_pos)) + 1 : c->in_len - c->in_pos;
		if (out->len + k > RESPONSE_LIMIT) {
			c->broken = 1;
			return ccm_error_set(err, CCM_ELIMIT, "IMAP server %s:%s sent a line "
					     "of more than %u bytes", c->host, c->port,
					     RESPONSE_LIMIT);
		}
		ccm_buf_add(out, c->in + c->in_pos, k);
		c->in_pos += k;
		if (nl)
			return 0;
	}
}

/* The literal announced at the end of a line, "{N}\r\n": its size, or -1. */
static long long literal_at_end(const struct ccm_buf *b, size_t from)
{
	const char *s = b->ptr + from, *e = b->ptr + b->len;
	const char *open;
	long long n = 0;

	if (e - s < 4 || e[-1] != '\n' || e[-2] != '\r' || e[-3] != '}')
		return -1;
	for (open = e - 4; open > s && *open >= '0' && *open <= '9'; open--)
		;
	if (*open != '{' || open == e - 4)
		return -1;
	for (const char *p = open + 1; p < e - 3; p++) {
		if (n > RESPONSE_LIMIT)
			return RESPONSE_LIMIT + 1ll;
		n = n * 10 + (*p - '0');
	}
	return n;
}

/* Reads one response: a line and every literal it announces, into c->resp. */
static int read_response(struct ccm_imap *c, struct ccm_error *err)
{
	size_t from = 0;
	int rc;

	ccm_buf_reset(&c->resp);
	for (;;) {
		long long lit;
		if ((rc = read_line(c, &c->resp, err)) < 0)
			return rc;
		if ((lit = literal_at_end(&c->resp, from)) < 0)
			break;
		if (c->resp.len + (unsigned long long)lit > RESPONSE_LIMIT) {
			c->broken = 1;
			return ccm_error_set(err, CCM_ELIMIT, "IMAP server %s:%s sent a "
					     "response of more than %u bytes", c->host,
					     c->port, RESPONSE_LIMIT);
		}
		if ((rc = read_bytes(c, &c->resp, (unsigned long long)lit, err)) < 0)
			return rc;
		from = c->resp.len;
	}
	/* Without its CRLF: the parsers below look at text only. */
	while (c->resp.len && (c->resp.ptr[c->resp.len - 1] == '\n' ||
			       c->resp.ptr[c->resp.len - 1] == '\r'))
		ccm_buf_truncate(&c->resp, c->resp.len - 1);
	return 0;
}

/* ---- commands ------------------------------------------------------------ */

/* Case-insensitive search for a capability word in a response. */
static int has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = s; (p = strchr(p, ' ')) != NULL; p++)
		if (!strncasecmp(p + 1, word, n) &&
		    (p[1 + n] == ' ' || p[1 + n] == ']' || p[1 + n] == '\0'))
			return 1;
	return 0;
}

/*
 * Keeps the capabilities a response lists: "* CAPABILITY ..." or a
 * response code "[CAPABILITY ...]" (in a greeting or a tagged OK), as
 * " WORD WORD" in c->caps; other responses leave them as they are.
 */
static void note_capabilities(struct ccm_imap *c, const char *s)
{
	const char *p = NULL, *e;

	if (!strncasecmp(s, "* CAPABILITY ", 13))
		p = s + 12;
	for (const char *b = s; !p && (b = strchr(b, '[')) != NULL; b++)
		if (!strncasecmp(b + 1, "CAPABILITY ", 11))
			p = b + 11;
	if (!p)
		return;
	e = strchr(p, ']');
	if (!e || !strncasecmp(s, "* CAPABILITY ", 13))
		e = p + strlen(p);
	ccm_buf_reset(&c->caps);
	ccm_buf_add(&c->caps, p, (size_t)(e - p));
	c->literal_plus = has_word(c->caps.ptr, "LITERAL+");
	c->login_disabled = has_word(c->caps.ptr, "LOGINDISABLED");
	c->special_use = has_word(c->caps.ptr, "SPECIAL-USE");
	c->create_special_use = has_word(c->caps.ptr, "CREATE-SPECIAL-USE");
}

/* Whether the server's last CAPABILITY list has `word`. */
static int has_cap(const struct ccm_imap *c, const char *word)
{
	return has_word(c->caps.ptr, word);
}

/* Appends to the command being built. */
__attribute__((format(printf, 2, 3)))
static void cmdf(struct ccm_imap *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ccm_buf_vaddf(&c->cmd, fmt, ap);
	va_end(ap);
}

/* Starts command `what` (its name, static) in c->cmd: "TAG " (the tag
 * in *tag). */
static void cmd_start(struct ccm_imap *c, char tag[16], const char *what)
{
	c->what = what;
	c->untagged = 0;
	memset(&c->answer, 0, sizeof(c->answer));
	snprintf(tag, 16, "C%05u", ++c->tag % 100000u);
	ccm_buf_reset(&c->cmd);
	cmdf(c, "%s ", tag);
}

/* Appends s as an IMAP quoted string. */
static void add_quoted(struct ccm_imap *c, const char *s)
{
	cmdf(c, "\"");
	for (; *s; s++)
		cmdf(c, *s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
	cmdf(c, "\"");
}

/* Appends a folder name: modified UTF-7, quoted. */
static void add_mailbox(struct ccm_imap *c, const char *name)
{
	struct ccm_buf u = CCM_BUF_INIT;

	ccm_imap_utf7_encode(&u, name);
	add_quoted(c, u.ptr);
	ccm_buf_release(&u);
}

/* Sends what c->cmd holds. */
static int send_cmd(struct ccm_imap *c, struct ccm_error *err)
{
	return io_write(c, c->cmd.ptr, c->cmd.len, err);
}

/* Whether s can be sent as a quoted string (7-bit, no CR, LF or NUL). */
static int quotable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80 || *s == '\r' || *s == '\n')
			return 0;
	return 1;
}

/* What follows the first word of s ("NO", "BAD"), spaces before it
 * passed over. */
static const char *after_word(const char *s)
{
	s += strspn(s, " ");
	return s + strcspn(s, " ");
}

typedef int (*untagged_fn)(struct ccm_imap *c, void *ctx, struct ccm_error *err);

/*
 * Takes the untagged response in c->resp, read while waiting for the
 * command's tagged one: notes capabilities, ends at BYE, and counts it
 * against UNTAGGED_LIMIT. CCM_EIO for BYE, CCM_ELIMIT past the limit.
 */
static int take_untagged(struct ccm_imap *c, struct ccm_error *err)
{
	const char *r = c->resp.ptr;

	note_capabilities(c, r);
	if (!strncasecmp(r, "* BYE", 5)) {
		c->broken = 1;
		ccm_imap_answer_parse(&c->answer, r + 5);
		return ccm_error_set(err, CCM_EIO, "IMAP server %s:%s closed the "
				     "connection: %s", c->host, c->port, r + 2);
	}
	if (++c->untagged > UNTAGGED_LIMIT) {
		c->broken = 1;
		return ccm_error_set(err, CCM_ELIMIT, "IMAP server %s:%s sent more than "
				     "%u untagged responses to %s without answering it "
				     "(the last: \"%.100s\"); the server is misbehaving: "
				     "ask its administrator, then run the export again",
				     c->host, c->port, UNTAGGED_LIMIT, c->what, r);
	}
	return 0;
}

/*
 * Reads responses up to the tagged one for `tag`, within the time limit
 * from now; untagged ones go to fn (may be NULL), continuation requests
 * ("+ ...") to on_continue, which answers them (NULL: they are not IMAP
 * here). Returns 0 for OK, 1 for
 * NO (err holds the server's words, c->answer its code), CCM_EMALFORMED for BAD or a response
 * that is not IMAP (err names the command), CCM_ELIMIT for too many
 * untagged responses, or the failure of the connection (CCM_EIO, also
 * when the time ran out).
 */
static int finish_with(struct ccm_imap *c, const char *tag, untagged_fn fn,
		       untagged_fn on_continue, void *ctx, struct ccm_error *err)
{
	size_t tl = strlen(tag);
	int rc;

	await_answer(c);
	for (;;) {
		const char *r;
		if ((rc = read_response(c, err)) < 0)
			return rc;
		r = c->resp.ptr;
		if (!strncmp(r, "* ", 2)) {
			if ((rc = take_untagged(c, err)) < 0)
				return rc;
			if (fn && (rc = fn(c, ctx, err)) < 0)
				return rc;
			continue;
		}
		if (r[0] == '+' && on_continue) {
			/* What the handler sends is answered within the time
			 * limit from then. */
			if ((rc = on_continue(c, ctx, err)) < 0)
				return rc;
			await_answer(c);
			continue;
		}
		if (strncmp(r, tag, tl) || r[tl] != ' ') {
			c->broken = 1;
			return ccm_error_set(err, CCM_EMALFORMED, "IMAP server %s:%s answered "
					     "%s with \"%.200s\", which is not IMAP", c->host,
					     c->port, c->what, r);
		}
		r += tl + 1;
		note_capabilities(c, r);
		if (!strncasecmp(r, "OK", 2))
			return 0;
		ccm_imap_answer_parse(&c->answer, after_word(r));
		if (!strncasecmp(r, "NO", 2)) {
			/* The server's words; the caller says what was refused. */
			ccm_error_set(err, CCM_EINVAL, "the server said \"%.900s\"", r);
			return 1;
		}
		return ccm_error_set(err, CCM_EMALFORMED, "%s: IMAP server %s:%s says the "
				     "command is wrong: %s", c->what, c->host, c->port, r);
	}
}

static int finish(struct ccm_imap *c, const char *tag, untagged_fn fn, void *ctx,
		  struct ccm_error *err)
{
	return finish_with(c, tag, fn, NULL, ctx, err);
}

/* Sends c->cmd plus CRLF and reads to the tagged response. */
static int run(struct ccm_imap *c, const char *tag, untagged_fn fn, void *ctx,
	       struct ccm_error *err)
{
	int rc;

	cmdf(c, "\r\n");
	if ((rc = send_cmd(c, err)) < 0)
		return rc;
	return finish(c, tag, fn, ctx, err);
}

/*
 * Sends c->cmd followed by the announcement of a literal of n bytes, and
 * waits for the server's go-ahead (within the time limit) unless it takes
 * LITERAL+. c->cmd is empty afterwards, ready for what follows the
 * literal. Returns 0, 1 when the server refused (its tagged NO), or a
 * negative code.
 */
static int send_literal_head(struct ccm_imap *c, const char *tag,
			     unsigned long long n, struct ccm_error *err)
{
	const char *r;
	int rc;

	cmdf(c, "{%llu%s}\r\n", n, c->literal_plus ? "+" : "");
	if ((rc = send_cmd(c, err)) < 0)
		return rc;
	ccm_buf_reset(&c->cmd);
	if (c->literal_plus)
		return 0;
	await_answer(c);
	for (;;) {
		if ((rc = read_response(c, err)) < 0)
			return rc;
		if (c->resp.ptr[0] == '+')
			return 0;
		if (!strncmp(c->resp.ptr, tag, strlen(tag)))
			break;
		/* Untagged, or not IMAP: passed over, but counted. */
		if ((rc = take_untagged(c, err)) < 0)
			return rc;
	}
	r = c->resp.ptr + strlen(tag);
	ccm_imap_answer_parse(&c->answer, after_word(r));
	ccm_error_set(err, CCM_EINVAL, "the server said \"%.900s\" to %s", r + (*r == ' '),
		      c->what);
	return strncasecmp(r, " NO", 3) ? CCM_EMALFORMED : 1;
}

/* Appends s to c->cmd as a quoted string, or sends it as a literal. */
static int add_astring(struct ccm_imap *c, const char *tag, const char *s,
		       struct ccm_error *err)
{
	int rc;

	if (quotable(s)) {
		add_quoted(c, s);
		return 0;
	}
	if ((rc = send_literal_head(c, tag, strlen(s), err)) != 0)
		return rc;
	return io_write(c, s, strlen(s), err);
}

/* ---- the connection ------------------------------------------------------ */

/* Connects to the first address of the host that answers, each within
 * the time limit; the socket then does not block (see wait_for()). */
static int connect_tcp(struct ccm_imap *c, struct ccm_error *err)
{
	struct addrinfo hints, *ai = NULL;
	struct timeval tv = { c->timeout_s, 0 };
	int e, last = ECONNREFUSED;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(c->host, c->port, &hints, &ai)) != 0)
		return ccm_error_set(err, CCM_EIO, "cannot find IMAP server %s:%s: %s",
				     c->host, c->port, gai_strerror(e));
	for (struct addrinfo *a = ai; a; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
		if (fd < 0) {
			last = errno;
			continue;
		}
		/* The send time limit bounds connect() (Linux). */
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		/* An APPEND goes in pieces (command, literal, CRLF): with
		 * Nagle's algorithm the last waits for the server's delayed
		 * ACK, 40 ms or more a message behind proxies and balancers. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 &&
		    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0) {
			c->fd = fd;
			freeaddrinfo(ai);
			return 0;
		}
		last = errno;
		close(fd);
	}
	freeaddrinfo(ai);
	return ccm_error_sys(err, last, "cannot connect to IMAP server %s:%s",
			     c->host, c->port);
}

/* Whether host is an IP address rather than a name. */
static int is_ip(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

/* OpenSSL's reason for the last failure, ": reason", or "" (into out). */
static const char *tls_reason(char out[260])
{
	unsigned long e = ERR_get_error();

	out[0] = '\0';
	if (e) {
		strcpy(out, ": ");
		ERR_error_string_n(e, out + 2, 258);
	}
	ERR_clear_error();
	return out;
}

/* The trusted certificates could not be loaded. */
static int ca_fail(struct ccm_imap *c, struct ccm_error *err)
{
	char why[260];

	c->broken = 1;
	if (c->ca_file)
		return ccm_error_set(err, CCM_EINVAL, "cannot load the certificate "
				     "authorities of --imap-ca '%s'%s; give a file of PEM "
				     "certificates", c->ca_file, tls_reason(why));
	return ccm_error_set(err, CCM_EIO, "cannot load the system's certificate "
			     "authorities%s; install ca-certificates, or give --imap-ca FILE",
			     tls_reason(why));
}

/*
 * The certificate check failed with verify result v: what was given (the
 * host as the URL names it, whom ccmig trusted), OpenSSL's reason and
 * what to do. Not a passing failure: the user must say whom to trust.
 */
static int cert_fail(struct ccm_imap *c, long v, struct ccm_error *err)
{
	char h[260], trust[600];
	const char *todo;

	ERR_clear_error();
	c->broken = 1;
	if (c->ca_file)
		snprintf(trust, sizeof(trust), "trusting the authorities in --imap-ca '%s'",
			 c->ca_file);
	else
		snprintf(trust, sizeof(trust), "trusting the system's authorities");
	switch (v) {
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		todo = "write the URL with a name the certificate gives (openssl "
		       "s_client -connect HOST:PORT shows them)";
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CERT_NOT_YET_VALID:
		todo = "the server's administrator must renew it (or this machine's "
		       "clock is wrong)";
		break;
	default:
		todo = c->ca_file ? "give --imap-ca the certificate (PEM) of the authority "
				    "that signed the server's" :
				    "give the certificate (PEM) of the authority that signed "
				    "the server's with --imap-ca FILE";
	}
	return ccm_error_set(err, CCM_EINVAL, "the TLS certificate of IMAP server %s:%s "
			     "is not trusted: %s (host '%s' as the URL names it, %s); %s; "
			     "--imap-insecure skips the check, but lets anyone in the "
			     "middle read the passwords", c->host, c->port,
			     X509_verify_cert_error_string(v), url_host(c, h), trust, todo);
}

/* The handshake failed for another reason than the certificate. */
static int handshake_fail(struct ccm_imap *c, int implicit, struct ccm_error *err)
{
	char why[260], h[260];

	c->broken = 1;
	tls_reason(why);
	if (implicit)
		return ccm_error_set(err, CCM_EIO, "the TLS handshake with IMAP server "
				     "%s:%s failed%s; the server may not speak TLS on port "
				     "%s: if it is a plain IMAP port (such as 143), write "
				     "imap://%s:%s (ccmig then asks for TLS with STARTTLS)",
				     c->host, c->port, *why ? why : " (it closed the "
				     "connection)", c->port, url_host(c, h), c->port);
	return ccm_error_set(err, CCM_EIO, "the TLS handshake after STARTTLS with IMAP "
			     "server %s:%s failed%s", c->host, c->port,
			     *why ? why : " (it closed the connection)");
}

/* TLS over the connection, by the deadline set: from the start
 * (`implicit`, imaps://) or after STARTTLS. */
static int start_tls(struct ccm_imap *c, int implicit, struct ccm_error *err)
{
	int ip = is_ip(c->host);

	if (!(c->ctx = SSL_CTX_new(TLS_client_method())))
		return tls_fail(c, err, "TLS set-up");
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	if (c->insecure) {
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	} else {
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
		if (c->ca_file ? SSL_CTX_load_verify_locations(c->ctx, c->ca_file, NULL) != 1
			       : SSL_CTX_set_default_verify_paths(c->ctx) != 1)
			return ca_fail(c, err);
	}
	if (!(c->ssl = SSL_new(c->ctx)) || SSL_set_fd(c->ssl, c->fd) != 1)
		return tls_fail(c, err, "TLS set-up");
	/* The socket does not block: SSL_write() may be called again with
	 * the rest of a buffer after waiting. */
	SSL_set_mode(c->ssl, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* A name goes as SNI; an address is checked against the
	 * certificate's IP addresses, which a name check would not do. */
	if (!ip)
		SSL_set_tlsext_host_name(c->ssl, c->host);
	if (!c->insecure &&
	    (ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), c->host)
		: SSL_set1_host(c->ssl, c->host)) != 1)
		return tls_fail(c, err, "TLS set-up");
	for (;;) {
		int k = SSL_connect(c->ssl), rc;
		long v;

		if (k == 1)
			return 0;
		if ((rc = tls_wait(c, k, c->deadline, 0, err)) < 0)
			return rc;
		if (rc == 0)
			continue;
		if ((v = SSL_get_verify_result(c->ssl)) != X509_V_OK)
			return cert_fail(c, v, err);
		return handshake_fail(c, implicit, err);
	}
}

/* Asks for the capabilities (c->caps). */
static int capability(struct ccm_imap *c, struct ccm_error *err)
{
	char tag[16];
	int rc;

	cmd_start(c, tag, "CAPABILITY");
	cmdf(c, "CAPABILITY");
	if ((rc = run(c, tag, NULL, NULL, err)) != 0)
		return rc < 0 ? rc : CCM_EINVAL;
	return 0;
}

/* STARTTLS (RFC 3501 6.2.1), then the capabilities again: those said in
 * clear are forgotten, as anyone in the middle could have changed them. */
static int starttls(struct ccm_imap *c, struct ccm_error *err)
{
	struct ccm_error why;
	char tag[16];
	int rc;

	cmd_start(c, tag, "STARTTLS");
	cmdf(c, "STARTTLS");
	if ((rc = run(c, tag, NULL, NULL, &why)) == 1) {
		c->broken = 1;
		return ccm_error_set(err, CCM_EUNSUPPORTED, "IMAP server %s:%s offers "
				     "STARTTLS but refused it (%s); ccmig does not send "
				     "passwords or tokens in clear", c->host, c->port, why.msg);
	}
	if (rc < 0) {
		if (err)
			*err = why;
		return rc;
	}
	if (c->in_pos < c->in_len) {
		/* Bytes in clear behind the OK would pass for answers over
		 * TLS: someone in the middle may have put them there. */
		c->broken = 1;
		return ccm_error_set(err, CCM_EMALFORMED, "IMAP server %s:%s sent more "
				     "in clear after its answer to STARTTLS; someone in the "
				     "middle may be tampering with the connection", c->host,
				     c->port);
	}
	await_answer(c);
	if ((rc = start_tls(c, 0, err)) < 0)
		return rc;
	ccm_buf_reset(&c->caps);
	c->literal_plus = c->login_disabled = 0;
	return capability(c, err);
}

/* The greeting: the first bytes of an imap:// server that look like TLS
 * (a record of handshake or alert, version 3.x) mean the wrong URL. */
static int read_greeting(struct ccm_imap *c, int tls, struct ccm_error *err)
{
	char h[260];
	int rc;

	if (!tls) {
		if ((rc = io_fill(c, err)) < 0)
			return rc;
		if (c->in_len >= 2 && (c->in[0] == 0x15 || c->in[0] == 0x16) &&
		    c->in[1] == 0x03) {
			c->broken = 1;
			return ccm_error_set(err, CCM_EMALFORMED, "IMAP server %s:%s speaks "
					     "TLS from the start: write imaps://%s:%s", c->host,
					     c->port, url_host(c, h), c->port);
		}
	}
	if ((rc = read_response(c, err)) < 0)
		return rc;
	if (strncasecmp(c->resp.ptr, "* OK", 4) && strncasecmp(c->resp.ptr, "* PREAUTH", 9)) {
		c->broken = 1;
		return ccm_error_set(err, CCM_EMALFORMED, "%s:%s greeted with \"%.200s\", "
				     "which is not an IMAP server's greeting", c->host,
				     c->port, c->resp.ptr);
	}
	note_capabilities(c, c->resp.ptr);
	return 0;
}

int ccm_imap_open(struct ccm_imap **out, const struct ccm_imap_opts *o,
		  struct ccm_error *err)
{
	struct ccm_imap *c = calloc(1, sizeof(*c));
	char h[260];
	int rc;

	*out = NULL;
	if (!c)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	c->fd = -1;
	c->delim = '/';
	ccm_buf_init(&c->resp);
	ccm_buf_init(&c->cmd);
	ccm_buf_init(&c->caps);
	snprintf(c->host, sizeof(c->host), "%s", o->host);
	snprintf(c->port, sizeof(c->port), "%s", o->port ? o->port : o->tls ? "993" : "143");
	c->timeout_s = o->timeout_s > 0 ? o->timeout_s : 120;
	c->insecure = o->insecure;
	if (o->ca_file && !(c->ca_file = ccm_strdup(o->ca_file))) {
		rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
		goto fail;
	}
	if (!o->tls && atol(c->port) == 993) {
		rc = ccm_error_set(err, CCM_EINVAL, "port 993 is IMAP over TLS: write "
				   "imaps://%s:993 (imap:// is plain IMAP, made safe with "
				   "STARTTLS)", url_host(c, h));
		goto fail;
	}
	if ((rc = connect_tcp(c, err)) < 0)
		goto fail;
	/* The TLS handshake and the greeting are one answer, due together. */
	await_within(c, c->timeout_s < GREETING_S ? c->timeout_s : GREETING_S);
	if ((o->tls && (rc = start_tls(c, 1, err)) < 0) ||
	    (rc = read_greeting(c, o->tls, err)) < 0)
		goto fail;
	if (!c->caps.len && (rc = capability(c, err)) < 0)
		goto fail;
	if (!o->tls && has_cap(c, "STARTTLS")) {
		if ((rc = starttls(c, err)) < 0)
			goto fail;
	} else if (!o->tls && !o->cleartext) {
		rc = ccm_error_set(err, CCM_EUNSUPPORTED, "IMAP server %s:%s offers no "
				   "STARTTLS: ccmig does not send passwords or tokens in "
				   "clear; write imaps://%s if the server has IMAP over TLS "
				   "(port 993), or give --imap-insecure to log in in clear",
				   c->host, c->port, url_host(c, h));
		goto fail;
	}
	*out = c;
	return 0;
fail:
	c->broken = 1;
	ccm_imap_close(c);
	return rc;
}

int ccm_imap_tls(const struct ccm_imap *c)
{
	return c->ssl != NULL;
}

/* Untagged LIST: the delimiter of `LIST "" ""`. */
static int on_list_delim(struct ccm_imap *c, void *ctx, struct ccm_error *err)
{
	const char *r = c->resp.ptr, *p;

	(void)ctx;
	(void)err;
	if (strncasecmp(r, "* LIST ", 7) || !(p = strchr(r, ')')))
		return 0;
	p++;
	while (*p == ' ')
		p++;
	if (p[0] == '"' && p[1] == '\\' && p[2])
		c->delim = p[2];
	else if (p[0] == '"' && p[1] && p[1] != '"')
		c->delim = p[1];
	return 0;
}

/* ---- logging in ------------------------------------------------------------ */

enum mech { MECH_LOGIN, MECH_PLAIN, MECH_OAUTHBEARER, MECH_XOAUTH2 };
static const char *const mech_name[] = { "LOGIN", "PLAIN", "OAUTHBEARER", "XOAUTH2" };

/* The server's SASL mechanisms (its AUTH= capabilities) for a message:
 * "PLAIN LOGIN", or "none". */
static const char *mechanisms(const struct ccm_imap *c, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (const char *p = c->caps.ptr; (p = strchr(p, ' ')) != NULL;) {
		size_t k;
		if (strncasecmp(++p, "AUTH=", 5))
			continue;
		k = strcspn(p + 5, " ]");
		if (len + k + 2 < n) {
			if (len)
				out[len++] = ' ';
			memcpy(out + len, p + 5, k);
			out[len += k] = '\0';
		}
	}
	if (!len)
		snprintf(out, n, "none");
	return out;
}

/* The mechanism of a login with a token (or a password) on c: a
 * negative code when the server offers none that fits. */
static int choose(const struct ccm_imap *c, int token, struct ccm_error *err)
{
	char list[256];

	if (token) {
		if (has_cap(c, "AUTH=OAUTHBEARER"))
			return MECH_OAUTHBEARER;
		if (has_cap(c, "AUTH=XOAUTH2"))
			return MECH_XOAUTH2;
		return ccm_error_set(err, CCM_EUNSUPPORTED, "IMAP server %s:%s offers no "
				     "OAuth 2.0 login (AUTHENTICATE OAUTHBEARER or XOAUTH2; "
				     "its mechanisms: %s); log in with passwords, or ask its "
				     "administrator to turn OAuth 2.0 on", c->host, c->port,
				     mechanisms(c, list, sizeof(list)));
	}
	if (has_cap(c, "AUTH=PLAIN"))
		return MECH_PLAIN;
	if (c->login_disabled)
		return ccm_error_set(err, CCM_EUNSUPPORTED, "IMAP server %s:%s does not "
				     "allow passwords on this connection (LOGINDISABLED; its "
				     "mechanisms: %s)%s", c->host, c->port,
				     mechanisms(c, list, sizeof(list)),
				     c->ssl ? "" : "; use imaps://");
	return MECH_LOGIN;
}

int ccm_imap_can_login(const struct ccm_imap *c, int token, struct ccm_error *err)
{
	int m = choose(c, token, err);

	return m < 0 ? m : 0;
}

/* LOGIN: user and password as quoted strings, or literals. */
static int login_command(struct ccm_imap *c, const char *user, const char *password,
			 struct ccm_error *err)
{
	char tag[16];
	int rc;

	cmd_start(c, tag, "LOGIN");
	cmdf(c, "LOGIN ");
	if ((rc = add_astring(c, tag, user, err)) == 0) {
		cmdf(c, " ");
		rc = add_astring(c, tag, password, err);
	}
	if (rc == 0)
		rc = run(c, tag, NULL, NULL, err);
	return rc;
}

struct sasl {
	int mech;
	const char *response;       /* the client's response, base64 */
	int sent;                   /* it went */
	int answered;               /* the server's error challenge was answered */
	int cancelled;              /* the exchange was cancelled with "*" */
	struct ccm_buf *challenge;  /* that error challenge, decoded */
};

/* Base64 text (up to a line's worth) decoded into out; text that is not
 * base64 is kept as it is. */
static void b64_decode(struct ccm_buf *out, const char *text)
{
	size_t n = strcspn(text, " \r\n");
	int k;

	if (n > 4096)
		n = 4096;
	ccm_buf_reset(out);
	if (n == 0)
		return;
	ccm_buf_grow(out, n);
	if (n % 4 || (k = EVP_DecodeBlock((unsigned char *)out->ptr,
					  (const unsigned char *)text, (int)n)) < 0) {
		ccm_buf_add(out, text, n);
		return;
	}
	/* EVP_DecodeBlock counts the bytes of the padding too. */
	for (size_t i = n; i > 0 && text[i - 1] == '=' && k > 0; i--)
		k--;
	out->len = (size_t)k;
	out->ptr[k] = '\0';
}

/* A continuation request during AUTHENTICATE. */
static int on_sasl_continue(struct ccm_imap *c, void *ctx, struct ccm_error *err)
{
	struct sasl *s = ctx;
	const char *text = c->resp.ptr + 1 + (c->resp.ptr[1] == ' ');
	int rc;

	if (!s->sent) {
		/* No SASL-IR: the response goes when asked for. */
		s->sent = 1;
		if ((rc = io_write(c, s->response, strlen(s->response), err)) < 0)
			return rc;
		return io_write(c, "\r\n", 2, err);
	}
	if ((s->mech == MECH_OAUTHBEARER || s->mech == MECH_XOAUTH2) && !s->answered) {
		/* A refused token: the server's error comes as a challenge
		 * (JSON), answered with a dummy response before its NO: "\x01"
		 * for OAUTHBEARER (RFC 7628 3.2.3), nothing for XOAUTH2. */
		s->answered = 1;
		b64_decode(s->challenge, text);
		return s->mech == MECH_OAUTHBEARER ? io_write(c, "AQ==\r\n", 6, err)
						   : io_write(c, "\r\n", 2, err);
	}
	/* Nothing more to say: cancelled (RFC 3501 6.2.2), answered BAD. */
	s->cancelled = 1;
	return io_write(c, "*\r\n", 3, err);
}

/* Fills with zeros what held a secret. */
static void wipe(struct ccm_buf *b)
{
	memset(b->ptr, 0, b->len);
}

/* AUTHENTICATE mech, with the initial response in the command when the
 * server takes it (SASL-IR, RFC 4959). Returns as run() does; a refused
 * token's challenge is in *challenge. */
static int authenticate(struct ccm_imap *c, int mech, const char *user,
			const char *secret, struct ccm_buf *challenge, struct ccm_error *err)
{
	struct ccm_buf raw = CCM_BUF_INIT, b64 = CCM_BUF_INIT;
	struct sasl s = { mech, NULL, 0, 0, 0, challenge };
	char tag[16];
	int rc, n;

	if (mech == MECH_PLAIN) {
		/* RFC 4616: no authorization identity, the user, the password. */
		ccm_buf_addch(&raw, '\0');
		ccm_buf_adds(&raw, user);
		ccm_buf_addch(&raw, '\0');
		ccm_buf_adds(&raw, secret);
	} else if (mech == MECH_OAUTHBEARER) {
		/* RFC 7628 3.1: the GS2 header names the user, ',' and '='
		 * escaped; then host, port and the token. */
		ccm_buf_adds(&raw, "n,a=");
		for (const char *p = user; *p; p++)
			ccm_buf_adds(&raw, *p == ',' ? "=2C" : *p == '=' ? "=3D" :
				     (char[2]){ *p, '\0' });
		ccm_buf_addf(&raw, ",\001host=%s\001port=%s\001auth=Bearer %s\001\001",
			     c->host, c->port, secret);
	} else {
		ccm_buf_addf(&raw, "user=%s\001auth=Bearer %s\001\001", user, secret);
	}
	ccm_buf_grow(&b64, 4 * (raw.len / 3 + 1));
	n = EVP_EncodeBlock((unsigned char *)b64.ptr, (const unsigned char *)raw.ptr,
			    (int)raw.len);
	b64.len = (size_t)n;
	b64.ptr[n] = '\0';
	s.response = b64.ptr;
	cmd_start(c, tag, "AUTHENTICATE");
	cmdf(c, "AUTHENTICATE %s", mech_name[mech]);
	if (has_cap(c, "SASL-IR")) {
		cmdf(c, " %s", b64.ptr);
		s.sent = 1;
	}
	cmdf(c, "\r\n");
	if ((rc = send_cmd(c, err)) == 0)
		rc = finish_with(c, tag, NULL, on_sasl_continue, &s, err);
	/* A cancelled exchange ends in BAD, a refusal all the same. */
	if (rc == CCM_EMALFORMED && s.cancelled && !c->broken)
		rc = 1;
	wipe(&raw);
	wipe(&b64);
	wipe(&c->cmd);
	ccm_buf_release(&raw);
	ccm_buf_release(&b64);
	return rc;
}

/* The "status" of a JSON error challenge, into out ("" when none). */
static void json_status(const char *j, char *out, size_t n)
{
	const char *p = strstr(j, "\"status\"");
	size_t k;

	out[0] = '\0';
	if (!p)
		return;
	for (p += 8; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'; p++)
		;
	if (*p++ != ':')
		return;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p == '"')
		k = strcspn(++p, "\"\\");
	else
		k = strspn(p, "0123456789");
	snprintf(out, n, "%.*s", (int)(k < 64 ? k : 64), p);
}

/* Logs in with a password or a token, then learns what the server
 * offers once logged in and its delimiter. */
static int log_in(struct ccm_imap *c, const char *user, const char *secret, int token,
		  struct ccm_error *err)
{
	struct ccm_buf challenge = CCM_BUF_INIT;
	struct ccm_error why;
	char tag[16], status[80];
	int rc, mech = choose(c, token, err);

	if (mech < 0)
		return mech;
	rc = mech == MECH_LOGIN ? login_command(c, user, secret, &why)
				: authenticate(c, mech, user, secret, &challenge, &why);
	if (rc == 1 && token) {
		json_status(challenge.ptr, status, sizeof(status));
		rc = ccm_error_set(err, CCM_EINVAL, "IMAP server %s:%s refused the OAuth "
				   "2.0 token of '%s' (AUTHENTICATE %s%s%s%s; %s); check the "
				   "token command or file: it must give a token for this login "
				   "that has not expired, with IMAP's scope (Microsoft 365: "
				   "IMAP.AccessAsUser.All; Gmail: https://mail.google.com/)",
				   c->host, c->port, user, mech_name[mech],
				   *status ? ": status \"" : "", status, *status ? "\"" : "",
				   why.msg);
	} else if (rc == 1) {
		rc = ccm_error_set(err, CCM_EINVAL, "IMAP server %s:%s refused the login "
				   "of '%s' (%s %s); check the credentials file", c->host,
				   c->port, user, mech == MECH_LOGIN ? "LOGIN" :
				   "AUTHENTICATE PLAIN:", why.msg);
	} else if (rc < 0 && err) {
		*err = why;
	}
	ccm_buf_release(&challenge);
	if (rc != 0)
		return rc;
	/* Capabilities change once logged in (RFC 3501 6.2.3). */
	if ((rc = capability(c, err)) < 0)
		return rc;
	cmd_start(c, tag, "LIST");
	cmdf(c, "LIST \"\" \"\"");
	if ((rc = run(c, tag, on_list_delim, NULL, err)) != 0)
		return rc < 0 ? rc : CCM_EINVAL;
	return 0;
}

int ccm_imap_login(struct ccm_imap *c, const char *user, const char *password,
		   struct ccm_error *err)
{
	return log_in(c, user, password, 0, err);
}

int ccm_imap_login_token(struct ccm_imap *c, const char *user, const char *token,
			 struct ccm_error *err)
{
	return log_in(c, user, token, 1, err);
}

char ccm_imap_delimiter(const struct ccm_imap *c)
{
	return c->delim;
}

/* Untagged STATUS: only that it came. */
static int on_status(struct ccm_imap *c, void *ctx, struct ccm_error *err)
{
	(void)err;
	if (!strncasecmp(c->resp.ptr, "* STATUS ", 9))
		*(int *)ctx = 1;
	return 0;
}

int ccm_imap_create(struct ccm_imap *c, const char *name, struct ccm_error *err)
{
	return ccm_imap_create_use(c, name, NULL, err);
}

int ccm_imap_create_use(struct ccm_imap *c, const char *name, const char *use,
			struct ccm_error *err)
{
	struct ccm_error why;
	char tag[16];
	int rc, exists = 0;

	if (use && c->create_special_use) {
		cmd_start(c, tag, "CREATE");
		cmdf(c, "CREATE ");
		add_mailbox(c, name);
		cmdf(c, " (USE (%s))", use);
		/* Refused (the folder is there, or the server will not give
		 * it that use): the plain CREATE below decides. */
		rc = run(c, tag, NULL, NULL, &why);
		if (rc == 0 || (rc < 0 && (rc != CCM_EMALFORMED || c->broken))) {
			if (rc < 0 && err)
				*err = why;
			return rc;
		}
	}
	cmd_start(c, tag, "CREATE");
	cmdf(c, "CREATE ");
	add_mailbox(c, name);
	if ((rc = run(c, tag, NULL, NULL, &why)) <= 0) {
		if (rc < 0 && err)
			*err = why;
		return rc;
	}
	/* Refused: most often because it is there already. */
	cmd_start(c, tag, "STATUS");
	cmdf(c, "STATUS ");
	add_mailbox(c, name);
	cmdf(c, " (MESSAGES)");
	if ((rc = run(c, tag, on_status, &exists, err)) < 0)
		return rc;
	if (rc == 0 && exists)
		return 0;
	if (err)
		*err = why;
	return CCM_EINVAL;
}

struct list_ctx {
	int (*fn)(void *ctx, const char *attributes, const char *name);
	void *ctx;
	struct ccm_buf attrs, raw, name;
};

/* Reads a mailbox name at *p (an atom, a quoted string or a literal as
 * read_response() keeps it) into out; NULL when there is none. */
static const char *list_name(const char *p, const char *e, struct ccm_buf *out)
{
	ccm_buf_reset(out);
	if (*p == '"') {
		for (p++; p < e && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < e)
				p++;
			ccm_buf_addch(out, *p);
		}
		return p < e ? p + 1 : NULL;
	}
	if (*p == '{') {
		char *end;
		unsigned long long n = strtoull(p + 1, &end, 10);

		if (end == p + 1 || strncmp(end, "}\r\n", 3) || n > (unsigned long long)(e - end - 3))
			return NULL;
		ccm_buf_add(out, end + 3, (size_t)n);
		return end + 3 + n;
	}
	for (; p < e && *p != ' ' && *p != '(' && *p != ')'; p++)
		ccm_buf_addch(out, *p);
	return out->len ? p : NULL;
}

/* Untagged LIST: "* LIST (attributes) delimiter name [extended data]". */
static int on_list(struct ccm_imap *c, void *ctx, struct ccm_error *err)
{
	struct list_ctx *x = ctx;
	const char *r = c->resp.ptr, *e = r + c->resp.len, *p, *close;

	(void)err;
	if (strncasecmp(r, "* LIST (", 8) || !(close = memchr(r + 8, ')', (size_t)(e - r - 8))))
		return 0;
	ccm_buf_reset(&x->attrs);
	ccm_buf_add(&x->attrs, r + 8, (size_t)(close - r - 8));
	p = close + 1;
	if (*p++ != ' ')
		return 0;
	/* The delimiter: a quoted character or NIL. */
	if (!strncasecmp(p, "NIL", 3))
		p += 3;
	else if (p[0] == '"' && p[1] == '\\' && p[2] && p[3] == '"')
		p += 4;
	else if (p[0] == '"' && p[1] && p[2] == '"')
		p += 3;
	else
		return 0;
	if (*p++ != ' ' || !list_name(p, e, &x->raw))
		return 0;
	/* A name that is not modified UTF-7 is no name ccmig could write
	 * to: passed over. INBOX is a name of its own in any case. */
	ccm_buf_reset(&x->name);
	if (strlen(x->raw.ptr) != x->raw.len || ccm_imap_utf7_decode(&x->name, x->raw.ptr) < 0)
		return 0;
	return x->fn(x->ctx, x->attrs.ptr, x->name.ptr);
}

int ccm_imap_list(struct ccm_imap *c,
		  int (*fn)(void *ctx, const char *attributes, const char *name),
		  void *ctx, struct ccm_error *err)
{
	struct list_ctx x = { fn, ctx, CCM_BUF_INIT, CCM_BUF_INIT, CCM_BUF_INIT };
	char tag[16];
	int rc = 1;

	if (c->special_use) {
		cmd_start(c, tag, "LIST");
		cmdf(c, "LIST \"\" \"*\" RETURN (SPECIAL-USE)");
		rc = run(c, tag, on_list, &x, err);
		/* BAD: a server that names the capability but not the
		 * syntax; the plain LIST has the attributes all the same. */
		if (rc == CCM_EMALFORMED && !c->broken)
			rc = 1;
	}
	if (rc == 1) {
		cmd_start(c, tag, "LIST");
		cmdf(c, "LIST \"\" \"*\"");
		rc = run(c, tag, on_list, &x, err);
	}
	ccm_buf_release(&x.attrs);
	ccm_buf_release(&x.raw);
	ccm_buf_release(&x.name);
	return rc;
}

struct ids_ctx {
	unsigned long exists;
	int (*fn)(void *ctx, const char *id, size_t len);
	void *ctx;
};

/* Untagged EXAMINE data: "* N EXISTS". */
static int on_exists(struct ccm_imap *c, void *ctx, struct ccm_error *err)
{
	struct ids_ctx *x = ctx;
	char *end;
	unsigned long n = strtoul(c->resp.ptr + 2, &end, 10);

	(void)err;
	if (end != c->resp.ptr + 2 && !strncasecmp(end, " EXISTS", 7))
		x->exists = n;
	return 0;
}

/* Untagged FETCH: the Message-ID inside the header literal. */
static int on_fetch_id(struct ccm_imap *c, void *ctx, struct ccm_error *err)
{
	struct ids_ctx *x = ctx;
	const char *r = c->resp.ptr, *e = r + c->resp.len;

	(void)err;
	for (const char *p = r; p + 11 < e; p++) {
		const char *lt, *gt;
		if (strncasecmp(p, "Message-ID:", 11))
			continue;
		lt = memchr(p, '<', (size_t)(e - p));
		gt = lt ? memchr(lt, '>', (size_t)(e - lt)) : NULL;
		if (lt && gt)
			return x->fn(x->ctx, lt + 1, (size_t)(gt - lt - 1));
		break;
	}
	return 0;
}

int ccm_imap_message_ids(struct ccm_imap *c, const char *name,
			 int (*fn)(void *ctx, const char *id, size_t len),
			 void *ctx, struct ccm_error *err)
{
	struct ids_ctx x = { 0, fn, ctx };
	char tag[16];
	int rc;

	cmd_start(c, tag, "EXAMINE");
	cmdf(c, "EXAMINE ");
	add_mailbox(c, name);
	if ((rc = run(c, tag, on_exists, &x, err)) != 0)
		return rc < 0 ? rc : 0;          /* NO: no such folder yet */
	/* The last piece asks for "N:*": what is there, however many
	 * messages arrived since EXAMINE counted them. */
	for (unsigned long from = 1; from <= x.exists; from += FETCH_CHUNK) {
		cmd_start(c, tag, "FETCH");
		if (x.exists - from < FETCH_CHUNK)
			cmdf(c, "FETCH %lu:*", from);
		else
			cmdf(c, "FETCH %lu:%lu", from, from + FETCH_CHUNK - 1);
		cmdf(c, " (BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])");
		if ((rc = run(c, tag, on_fetch_id, &x, err)) != 0)
			return rc < 0 ? rc : CCM_EINVAL;
	}
	return 0;
}

static int send_piece(void *ctx, const void *p, size_t n, struct ccm_error *err)
{
	return io_write(ctx, p, n, err);
}

int ccm_imap_append(struct ccm_imap_answer *out, struct ccm_imap *c, const char *name,
		    const char *flags, const char *date, struct ccm_spool *msg,
		    struct ccm_error *err)
{
	char tag[16];
	int rc;

	cmd_start(c, tag, "APPEND");
	cmdf(c, "APPEND ");
	add_mailbox(c, name);
	if (flags && *flags)
		cmdf(c, " (%s)", flags);
	if (date)
		cmdf(c, " \"%s\"", date);
	cmdf(c, " ");
	if ((rc = send_literal_head(c, tag, msg->len, err)) == 0 &&
	    (rc = ccm_spool_replay(msg, send_piece, c, err)) == 0)
		rc = run(c, tag, NULL, NULL, err);
	if (out)
		*out = c->answer;
	return rc;
}

void ccm_imap_close(struct ccm_imap *c)
{
	if (!c)
		return;
	if (!c->broken) {
		struct ccm_error ignored;
		char tag[16];
		cmd_start(c, tag, "LOGOUT");
		cmdf(c, "LOGOUT");
		run(c, tag, NULL, NULL, &ignored);
	}
	if (c->ssl) {
		if (!c->broken)
			SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	free(c->ca_file);
	ccm_buf_release(&c->caps);
	ccm_buf_release(&c->resp);
	ccm_buf_release(&c->cmd);
	free(c);
}
