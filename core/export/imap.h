/* imap.h: a small IMAP4rev1 client: log in, create folders, APPEND. */
#ifndef CCM_OUT_IMAP_H
#define CCM_OUT_IMAP_H

#include "base/error.h"
#include "base/spool.h"

/*
 * ccmig writes mailboxes to an IMAP server with APPEND, giving each
 * message its flags and its original date as the internal date. General
 * IMAP libraries (libcurl among them) send APPEND with fixed flags and no
 * date, so this is a client of its own: only the commands an export needs
 * (RFC 3501: CAPABILITY, LOGIN, LIST, CREATE, EXAMINE, FETCH, APPEND,
 * LOGOUT; RFC 7888 LITERAL+ when offered), over TCP or TLS (OpenSSL).
 *
 * One connection is used by one thread at a time. Every answer the
 * client waits for (the TLS handshake with the greeting, the go-ahead for
 * a literal, a command's tagged response) must be whole within the time
 * limit from when it is due, however the server spreads its bytes; at
 * most 10,000 untagged responses are taken while waiting for one tagged
 * response. Sending must make progress within the time limit too. A
 * server that misses either fails the command with the connection, whose
 * only use left is ccm_imap_close(): CCM_EIO when the time ran out,
 * CCM_ELIMIT past the untagged responses; err names the server, the
 * command and what to do.
 */
struct ccm_imap;

struct ccm_imap_opts {
	const char *host;
	const char *port;        /* NULL: "143", or "993" with tls */
	int tls;                 /* 1: TLS from the start (imaps) */
	const char *ca_file;     /* TLS: trust this PEM file instead of the
				    system's certificate authorities; NULL: system */
	int insecure;            /* TLS: do not check the certificate (tests) */
	int timeout_s;           /* for each answer as a whole, and for each
				    write to make progress; 0: 120 s */
};

/*
 * Connects and reads the greeting and capabilities. On success *out owns
 * the connection; close it with ccm_imap_close(). CCM_EIO when the host
 * cannot be reached or TLS fails, CCM_EINVAL when its certificate is not
 * trusted, CCM_EMALFORMED when what answers does not speak IMAP; err says
 * which host and port.
 */
int ccm_imap_open(struct ccm_imap **out, const struct ccm_imap_opts *o,
		  struct ccm_error *err);

/*
 * Logs in as user with password (LOGIN; user and password are sent as
 * literals when they hold characters a quoted string cannot), then learns
 * the server's hierarchy delimiter. CCM_EINVAL when the server refuses
 * the credentials (err has its words), CCM_EUNSUPPORTED when it refuses
 * LOGIN without TLS.
 */
int ccm_imap_login(struct ccm_imap *c, const char *user, const char *password,
		   struct ccm_error *err);

/* The hierarchy delimiter after login ('/' when the server has none). */
char ccm_imap_delimiter(const struct ccm_imap *c);

/*
 * Creates folder `name` (UTF-8, levels joined by the delimiter; sent in
 * modified UTF-7) with its parents. A folder that exists already is no
 * error. CCM_EINVAL when the server refuses it (err says why).
 */
int ccm_imap_create(struct ccm_imap *c, const char *name, struct ccm_error *err);

/*
 * Calls fn with the Message-ID (the text between < and >) of every message
 * in folder `name`, read-only (EXAMINE, then FETCH of that header alone,
 * 1,000 messages a command so that each is answered within the time
 * limit). A folder that does not exist has none. fn returns 0 to go on or
 * a negative code, which is returned.
 */
int ccm_imap_message_ids(struct ccm_imap *c, const char *name,
			 int (*fn)(void *ctx, const char *id, size_t len),
			 void *ctx, struct ccm_error *err);

/*
 * What a server's refusal says beyond its words: the response code in
 * brackets after NO, BAD or BYE (RFC 5530 and the codes servers add), and
 * how long the server asks ccmig to wait. Codes ccmig does not act on are
 * CCM_IMAP_CODE_NONE.
 */
enum ccm_imap_code {
	CCM_IMAP_CODE_NONE = 0,
	CCM_IMAP_CODE_THROTTLED,    /* slow down (Microsoft 365; not in RFC 5530) */
	CCM_IMAP_CODE_UNAVAILABLE,  /* a part of the server is down for now */
	CCM_IMAP_CODE_INUSE,        /* another session holds what is needed */
	CCM_IMAP_CODE_OVERQUOTA,    /* the account is full */
	CCM_IMAP_CODE_LIMIT,        /* past a limit of the server's (size, count) */
	CCM_IMAP_CODE_TOOBIG,       /* the message is larger than the server takes */
};

struct ccm_imap_answer {
	enum ccm_imap_code code;
	/* "Suggested Backoff Time: N milliseconds" in the text (Microsoft
	 * 365): N; 0 when the server suggests nothing. */
	long long backoff_ms;
};

/*
 * Reads the response code and suggested wait from `text`, the words of a
 * NO, BAD or BYE after that word ("[THROTTLED] Request is throttled.
 * Suggested Backoff Time: 1234 milliseconds"). Without a code, words
 * that say the server throttles ("BYE ... throttled") give
 * CCM_IMAP_CODE_THROTTLED. Any text is taken: what is not understood
 * gives CCM_IMAP_CODE_NONE and 0.
 */
void ccm_imap_answer_parse(struct ccm_imap_answer *out, const char *text);

/* The name of a code as servers write it ("THROTTLED"); "" for NONE. */
const char *ccm_imap_code_name(enum ccm_imap_code code);

/*
 * Appends the message in `msg` (CRLF lines, as the renderer writes them)
 * to folder `name` with `flags` ("\\Seen \\Draft", "" or NULL for none)
 * and internal date `date` (RFC 3501 date-time without quotes,
 * "02-Jun-1998 08:39:00 -0400"; NULL: the server's clock).
 * Returns 0, or 1 when the server refused this message (NO; err has its
 * words; the connection stays usable), or a negative code when the
 * connection failed (then only ccm_imap_close() may follow). *out (may be
 * NULL) says what the refusal's code was: of the NO, or of the BYE that
 * ended the connection; CCM_IMAP_CODE_NONE when taken or when the
 * connection failed without a word.
 */
int ccm_imap_append(struct ccm_imap_answer *out, struct ccm_imap *c, const char *name,
		    const char *flags, const char *date, struct ccm_spool *msg,
		    struct ccm_error *err);

/* Logs out (when the connection still works), closes and frees. NULL is
 * ignored. */
void ccm_imap_close(struct ccm_imap *c);

/*
 * Appends `name` (UTF-8) in modified UTF-7 (RFC 3501 5.1.3) to out:
 * printable ASCII stays, '&' becomes "&-", other characters go as
 * "&" + modified base64 of UTF-16 + "-". Invalid UTF-8 bytes are taken as
 * Latin-1.
 */
struct ccm_buf;
void ccm_imap_utf7_encode(struct ccm_buf *out, const char *name);

#endif
