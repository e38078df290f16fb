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
 * (RFC 3501: CAPABILITY, STARTTLS, AUTHENTICATE, LOGIN, LIST, CREATE,
 * EXAMINE, FETCH, APPEND, LOGOUT; RFC 7888 LITERAL+, RFC 4959 SASL-IR and
 * RFC 6154 SPECIAL-USE when offered; SASL PLAIN, OAUTHBEARER of RFC 7628
 * and Google's and Microsoft's XOAUTH2), over TCP or TLS (OpenSSL).
 *
 * One connection is used by one thread at a time. Every answer the
 * client waits for (the TLS handshake with the greeting, the go-ahead for
 * a literal, a command's tagged response) must be whole within the time
 * limit from when it is due, however the server spreads its bytes; the
 * greeting (with the TLS handshake of imaps://) within 10 s at most,
 * whatever the time limit. At most 10,000 untagged responses are taken
 * while waiting for one tagged response. Sending must make progress
 * within the time limit too. A server that misses either fails the
 * command with the connection, whose only use left is ccm_imap_close():
 * CCM_EIO when the time ran out, CCM_ELIMIT past the untagged responses;
 * err names the server, the command and what to do.
 *
 * Credentials never cross the network in clear unless the caller says
 * so (cleartext): on imap:// the connection is upgraded with STARTTLS
 * before anything is sent, and a server without STARTTLS is refused.
 */
struct ccm_imap;

struct ccm_imap_opts {
	const char *host;
	const char *port;        /* NULL: "143", or "993" with tls */
	int tls;                 /* 1: TLS from the start (imaps) */
	const char *ca_file;     /* TLS: trust this PEM file instead of the
				    system's certificate authorities; NULL: system */
	int insecure;            /* TLS: do not check the certificate (tests) */
	int cleartext;           /* without tls: a server that offers no
				    STARTTLS is used in clear, credentials
				    included; 0: it is refused */
	int timeout_s;           /* for each answer as a whole, and for each
				    write to make progress; 0: 120 s */
};

/*
 * Connects and reads the greeting and capabilities (asking for them when
 * the greeting has none). Without tls, upgrades to TLS with STARTTLS when
 * the server offers it and reads the capabilities again; a server that
 * does not offer it is refused unless o->cleartext. On success *out owns
 * the connection; close it with ccm_imap_close(). Errors, err saying
 * which host and port and what to do:
 *   CCM_EINVAL       imap:// on port 993 (before connecting), or the
 *                    server's certificate is not trusted (err names the
 *                    host as given, the --imap-ca file, OpenSSL's reason)
 *   CCM_EUNSUPPORTED no STARTTLS on imap:// without o->cleartext, or
 *                    STARTTLS refused
 *   CCM_EIO          not reachable, no greeting in time (a server of TLS
 *                    on an imap:// port says nothing: err suggests
 *                    imaps://), TLS failed (on imaps://, err suggests
 *                    imap:// for a plain port)
 *   CCM_EMALFORMED   what answers does not speak IMAP, or speaks TLS on
 *                    imap://
 */
int ccm_imap_open(struct ccm_imap **out, const struct ccm_imap_opts *o,
		  struct ccm_error *err);

/* 1 when the connection is over TLS (imaps://, or after STARTTLS). */
int ccm_imap_tls(const struct ccm_imap *c);

/*
 * Whether a login with a token (token 1) or a password (0) can be tried
 * on c, as ccm_imap_login_token() and ccm_imap_login() choose: 0, or
 * CCM_EUNSUPPORTED with err naming the mechanisms the server offers.
 */
int ccm_imap_can_login(const struct ccm_imap *c, int token, struct ccm_error *err);

/*
 * Logs in as user with password: AUTHENTICATE PLAIN when the server
 * offers it, else LOGIN (user and password sent as literals when they
 * hold characters a quoted string cannot); then learns the capabilities
 * after login and the server's hierarchy delimiter. CCM_EINVAL when the
 * server refuses the credentials (err has its words and says to check
 * the credentials file), CCM_EUNSUPPORTED when it offers no PLAIN and
 * refuses LOGIN (LOGINDISABLED).
 */
int ccm_imap_login(struct ccm_imap *c, const char *user, const char *password,
		   struct ccm_error *err);

/*
 * Logs in as user with an OAuth 2.0 access token: AUTHENTICATE
 * OAUTHBEARER when offered, else XOAUTH2 (the initial response in the
 * command with SASL-IR, after the server's go-ahead without). A refused
 * token's JSON error challenge is answered as each mechanism wants, and
 * its status put in err. Then as ccm_imap_login(). CCM_EINVAL when the
 * server refuses the token (err says what to check: the token command,
 * the token's expiry and scope), CCM_EUNSUPPORTED when it offers neither
 * mechanism (err lists those it offers).
 */
int ccm_imap_login_token(struct ccm_imap *c, const char *user, const char *token,
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
 * As ccm_imap_create, giving the folder the special use `use` (\Sent,
 * RFC 6154; NULL: none) when the server offers CREATE-SPECIAL-USE. A
 * server that refuses the use gets a plain CREATE: the folder matters,
 * its use is a courtesy to mail clients.
 */
int ccm_imap_create_use(struct ccm_imap *c, const char *name, const char *use,
			struct ccm_error *err);

/*
 * Lists every folder of the account (LIST "" "*", with RETURN
 * (SPECIAL-USE) when the server offers SPECIAL-USE, so that the special
 * uses are among the attributes) and calls fn with each one's attributes
 * (the text between the parentheses, "\HasNoChildren \Sent") and name
 * (UTF-8, levels joined by the server's delimiter; names that are not
 * modified UTF-7 are passed over). fn returns 0 to go on or a negative
 * code, which is returned. Returns 0, 1 when the server refused the LIST
 * (NO; err has its words), or a negative code as ccm_imap_append does.
 */
int ccm_imap_list(struct ccm_imap *c,
		  int (*fn)(void *ctx, const char *attributes, const char *name),
		  void *ctx, struct ccm_error *err);

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

/*
 * Appends the UTF-8 form of `name`, a folder name in modified UTF-7 as a
 * server sends it, to out. Returns 0, or -1 (out as it was) when name is
 * not modified UTF-7: a byte outside printable ASCII, a run that does
 * not end in '-', is empty, has bits left over, or holds a broken
 * surrogate pair or a printable ASCII character.
 */
int ccm_imap_utf7_decode(struct ccm_buf *out, const char *name);

#endif
