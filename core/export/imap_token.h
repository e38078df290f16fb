/* imap_token.h: OAuth 2.0 access tokens for IMAP logins, from a command or a file. */
#ifndef CCM_OUT_IMAP_TOKEN_H
#define CCM_OUT_IMAP_TOKEN_H

#include "base/buf.h"
#include "base/error.h"

/*
 * Where the tokens of an export come from: one of
 *
 * - a command, run with /bin/sh for each login (and again for each new
 *   connection of a mailbox: tokens expire), whose standard output's
 *   first line is the access token. In it "%a" stands for the mailbox's
 *   alias, "%l" for its login and "%%" for "%"; alias and login are put
 *   in single quotes for the shell, so a name never runs as a command
 *   (write %a, not '%a' or "%a"). Its standard input is /dev/null; its
 *   standard error's first line goes into the error when it fails.
 *
 * - a file of lines "LOGIN TOKEN" (blank-separated; blank lines and lines
 *   starting with '#' ignored); a line with a token alone, or "* TOKEN",
 *   serves every login without a line of its own. The file is read again
 *   for each connection, so that whatever refreshes it is heard.
 *
 * ccmig never runs the OAuth consent flow itself: the command or the
 * file give tokens that some other program obtained.
 */
struct ccm_imap_token_source {
	const char *command;     /* NULL: the file */
	const char *file;
	int timeout_s;           /* the command's whole run; 0: 120 s */
};

/*
 * Checks the source before a run: a command's % escapes (CCM_EINVAL for
 * another letter), a file readable (CCM_ENOTFOUND, CCM_EIO) and every
 * line well formed (CCM_EMALFORMED naming file and line).
 */
int ccm_imap_token_check(const struct ccm_imap_token_source *src, struct ccm_error *err);

/*
 * The token of the mailbox aliased `alias`, logging in as `login`, into
 * *token (reset first). Returns 0, or a negative code with err saying
 * what went wrong, with the command's first line of standard error:
 * CCM_EIO when the command could not be run, ended with a status other
 * than 0 or by a signal, or did not end within the time limit (then it
 * is killed, with every process of its group); CCM_EMALFORMED when it
 * printed no token or something that is not one (a token is RFC 6750's
 * b64token: letters, digits, "-._~+/", then "=" padding); CCM_ENOTFOUND
 * when the file has no line for the login nor a line for all. Safe to
 * call from several threads at once.
 */
int ccm_imap_token_get(struct ccm_buf *token, const struct ccm_imap_token_source *src,
		       const char *alias, const char *login, struct ccm_error *err);

#endif
