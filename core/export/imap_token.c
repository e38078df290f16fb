/* imap_token.c: OAuth 2.0 access tokens for IMAP logins, from a command or a file. */
#define _GNU_SOURCE          /* pipe2 */
#include "export/imap_token.h"
#include "export/imap_creds.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* What a command may print that is kept: a token is a few kilobytes. */
#define OUTPUT_LIMIT (64u << 10)

/* ---- the token itself --------------------------------------------------- */

/* The first line of text, without blanks around it, into out. */
static void first_line(struct ccm_buf *out, const char *text)
{
	size_t n;

	text += strspn(text, " \t");
	n = strcspn(text, "\r\n");
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	ccm_buf_reset(out);
	ccm_buf_add(out, text, n);
}

/* Whether s is an RFC 6750 b64token: the only thing "Bearer" takes. */
static int is_token(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789-._~+/");

	return n > 0 && s[n + strspn(s + n, "=")] == '\0';
}

/* Checks the token in *token, got from `from`. */
static int check_token(const struct ccm_buf *token, const char *from, const char *alias,
		       struct ccm_error *err)
{
	if (!token->len)
		return ccm_error_set(err, CCM_EMALFORMED, "%s printed no token for mailbox "
				     "'%s'", from, alias);
	if (!is_token(token->ptr))
		return ccm_error_set(err, CCM_EMALFORMED, "%s printed something that is "
				     "not an access token for mailbox '%s' (%.40s%s); it must "
				     "print the token alone on its first line%s", from, alias,
				     token->ptr, token->len > 40 ? "..." : "",
				     token->ptr[0] == '{' ? " (from JSON: its access_token, "
				     "as jq -r .access_token gives it)" : "");
	return 0;
}

/* ---- the command ---------------------------------------------------------- */

/* The command with its % escapes filled in (alias NULL: checked only). */
static int expand(struct ccm_buf *out, const char *cmd, const char *alias,
		  const char *login, struct ccm_error *err)
{
	ccm_buf_reset(out);
	for (const char *p = cmd; *p; p++) {
		if (*p != '%') {
			ccm_buf_addch(out, *p);
			continue;
		}
		if (p[1] == '%')
			ccm_buf_addch(out, '%');
		else if (p[1] == 'a' || p[1] == 'l')
			ccm_buf_add_sh_quoted(out, !alias ? "" : p[1] == 'a' ? alias : login);
		else
			return ccm_error_set(err, CCM_EINVAL, "--imap-oauth-token-command: "
					     "'%%%.1s' means nothing; write %%a (the alias), "
					     "%%l (the login) or %%%% (a %%)", p + 1);
		p++;
	}
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what fd has into b (beyond OUTPUT_LIMIT, dropped); 0 at its end. */
static int drain(int fd, struct ccm_buf *b)
{
	char piece[4096];
	ssize_t r = read(fd, piece, sizeof(piece));

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (r > 0 && b->len < OUTPUT_LIMIT)
		ccm_buf_add(b, piece, (size_t)r);
	return r > 0;
}

/*
 * Runs sh -c `line` in a process group of its own, collecting its
 * standard output and error, for at most timeout_s seconds (then the
 * group is killed). *status as waitpid() gives it; *timed_out.
 */
static int spawn_and_wait(const char *line, int timeout_s, struct ccm_buf *out,
			  struct ccm_buf *errout, int *status, int *timed_out,
			  struct ccm_error *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	char *argv[] = { "sh", "-c", (char *)line, NULL };
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, e, exited = 0;
	struct pollfd p[2];
	long long until = now_ms() + 1000ll * timeout_s;
	pid_t pid;

	*timed_out = 0;
	/* Close-on-exec: a command another connection starts at the same
	 * time must not hold these pipes open. */
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		e = errno;
		if (po[0] >= 0) {
			close(po[0]);
			close(po[1]);
		}
		return ccm_error_sys(err, e, "cannot run the token command");
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&dfl);
	/* ccmig ignores SIGPIPE; the command gets it as programs expect. */
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETSIGDEF);
	e = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(po[1]);
	close(pe[1]);
	if (e) {
		close(po[0]);
		close(pe[0]);
		return ccm_error_sys(err, e, "cannot run the token command with /bin/sh");
	}
	p[0] = (struct pollfd){ po[0], POLLIN, 0 };
	p[1] = (struct pollfd){ pe[0], POLLIN, 0 };
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		long long left = until - now_ms();
		if (left <= 0) {
			*timed_out = !exited;
			break;
		}
		if (poll(p, 2, left < 200 ? (int)left : 200) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++)
			if (p[i].fd >= 0 && p[i].revents && !drain(p[i].fd, i ? errout : out)) {
				close(p[i].fd);
				p[i].fd = -1;
			}
		if (!exited && waitpid(pid, status, WNOHANG) == pid) {
			/* What a process it left behind still writes is not
			 * waited for long. */
			exited = 1;
			if (until > now_ms() + 500)
				until = now_ms() + 500;
		}
	}
	for (int i = 0; i < 2; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	if (!exited) {
		if (*timed_out)
			kill(-pid, SIGKILL);
		while (waitpid(pid, status, 0) < 0 && errno == EINTR)
			;
	}
	return 0;
}

static int from_command(struct ccm_buf *token, const struct ccm_imap_token_source *src,
			const char *alias, const char *login, struct ccm_error *err)
{
	struct ccm_buf line = CCM_BUF_INIT, out = CCM_BUF_INIT, errout = CCM_BUF_INIT;
	struct ccm_buf why = CCM_BUF_INIT;
	int timeout_s = src->timeout_s > 0 ? src->timeout_s : 120;
	int rc, status = 0, timed_out;

	if ((rc = expand(&line, src->command, alias, login, err)) < 0 ||
	    (rc = spawn_and_wait(line.ptr, timeout_s, &out, &errout, &status, &timed_out,
				 err)) < 0)
		goto out;
	first_line(&why, errout.ptr);
	if (timed_out)
		rc = ccm_error_set(err, CCM_EIO, "the token command for mailbox '%s' did "
				   "not finish within %d s and was stopped%s%s", alias,
				   timeout_s, why.len ? "; it said: " : "", why.ptr);
	else if (WIFSIGNALED(status))
		rc = ccm_error_set(err, CCM_EIO, "the token command for mailbox '%s' was "
				   "ended by signal %d%s%s", alias, WTERMSIG(status),
				   why.len ? "; it said: " : "", why.ptr);
	else if (WEXITSTATUS(status) != 0)
		rc = ccm_error_set(err, CCM_EIO, "the token command for mailbox '%s' failed "
				   "(exit status %d)%s%s", alias, WEXITSTATUS(status),
				   why.len ? ": " : "", why.ptr);
	if (rc == 0) {
		first_line(token, out.ptr);
		rc = check_token(token, "the token command", alias, err);
	}
out:
	memset(out.ptr, 0, out.len);
	ccm_buf_release(&line);
	ccm_buf_release(&out);
	ccm_buf_release(&errout);
	ccm_buf_release(&why);
	return rc;
}

/* ---- the file --------------------------------------------------------------- */

/*
 * Reads the file, and the token of `login` into *token when login is not
 * NULL: 1 found, 0 not. Every line is checked either way.
 */
static int from_file(struct ccm_buf *token, const char *path, const char *login,
		     struct ccm_error *err)
{
	struct ccm_buf line = CCM_BUF_INIT, all = CCM_BUF_INIT;
	FILE *f = fopen(path, "r");
	long lineno = 0;
	int rc = 0, found = 0;

	if (!f) {
		rc = ccm_error_sys(err, errno, "cannot read token file '%s'", path);
		if (errno == ENOENT && err)
			err->code = rc = CCM_ENOTFOUND;
		return rc;
	}
	while (ccm_imap_file_line(f, &line)) {
		char *p, *who, *tok, *more;
		lineno++;
		p = line.ptr;
		who = strtok_r(p, " \t", &more);
		if (!who || *who == '#')
			continue;
		if (!(tok = strtok_r(NULL, " \t", &more))) {
			tok = who;         /* a token alone: for everyone */
			who = "*";
		}
		if (strtok_r(NULL, " \t", &more) || !is_token(tok)) {
			rc = ccm_error_set(err, CCM_EMALFORMED, "%s:%ld: a line is 'LOGIN "
					   "TOKEN', '* TOKEN' or a token alone", path, lineno);
			break;
		}
		if (login && !strcasecmp(who, login)) {
			ccm_buf_reset(token);
			ccm_buf_adds(token, tok);
			found = 1;
		} else if (login && !strcmp(who, "*")) {
			ccm_buf_reset(&all);
			ccm_buf_adds(&all, tok);
		}
	}
	if (rc == 0 && ferror(f))
		rc = ccm_error_sys(err, EIO, "cannot read token file '%s'", path);
	fclose(f);
	if (rc == 0 && !found && all.len) {
		ccm_buf_reset(token);
		ccm_buf_add(token, all.ptr, all.len);
		found = 1;
	}
	memset(line.ptr, 0, line.len);
	memset(all.ptr, 0, all.len);
	ccm_buf_release(&line);
	ccm_buf_release(&all);
	return rc < 0 ? rc : found;
}

/* ---- the source ------------------------------------------------------------- */

int ccm_imap_token_check(const struct ccm_imap_token_source *src, struct ccm_error *err)
{
	struct ccm_buf b = CCM_BUF_INIT;
	int rc = src->command ? expand(&b, src->command, NULL, NULL, err)
			      : from_file(&b, src->file, NULL, err);

	ccm_buf_release(&b);
	return rc < 0 ? rc : 0;
}

int ccm_imap_token_get(struct ccm_buf *token, const struct ccm_imap_token_source *src,
		       const char *alias, const char *login, struct ccm_error *err)
{
	int rc;

	ccm_buf_reset(token);
	if (src->command)
		return from_command(token, src, alias, login, err);
	if ((rc = from_file(token, src->file, login, err)) < 0)
		return rc;
	if (rc == 0)
		return ccm_error_set(err, CCM_ENOTFOUND, "token file '%s' has no token for "
				     "login '%s' of mailbox '%s' (no line for it, nor one "
				     "for all)", src->file, login, alias);
	return 0;
}
