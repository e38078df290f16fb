/* imap_creds.c: who ccmig logs in as, per mailbox, when it writes over IMAP. */
#include "export/imap_creds.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cred {
	char *alias, *login, *password;
};

struct ccm_imap_creds {
	struct cred *v;
	size_t n, cap;
};

void ccm_imap_creds_free(struct ccm_imap_creds *creds)
{
	if (!creds)
		return;
	for (size_t i = 0; i < creds->n; i++) {
		free(creds->v[i].alias);
		free(creds->v[i].login);
		/* Passwords do not linger in freed memory. */
		memset(creds->v[i].password, 0, strlen(creds->v[i].password));
		free(creds->v[i].password);
	}
	free(creds->v);
	free(creds);
}

static const struct cred *lookup(const struct ccm_imap_creds *creds, const char *alias)
{
	for (size_t i = 0; i < creds->n; i++)
		if (!strcasecmp(creds->v[i].alias, alias))
			return &creds->v[i];
	return NULL;
}

/* The next field of *p (blank-separated), NUL-terminated in place. */
static char *field(char **p)
{
	char *s = *p + strspn(*p, " \t"), *e;

	if (!*s)
		return NULL;
	e = s + strcspn(s, " \t");
	*p = *e ? e + 1 : e;
	*e = '\0';
	return s;
}

/* Adds one line's entry. */
static int add_line(struct ccm_imap_creds *c, char *line, const char *path,
		    long lineno, int need_password, struct ccm_error *err)
{
	char *p = line, *alias, *login, *pw;
	size_t n;
	struct cred *v;

	if (!(alias = field(&p)) || *alias == '#')
		return 0;
	login = field(&p);
	pw = p + strspn(p, " \t");
	for (n = strlen(pw); n && (pw[n - 1] == ' ' || pw[n - 1] == '\t'); n--)
		pw[n - 1] = '\0';
	if (!login || (need_password && !*pw))
		return ccm_error_set(err, CCM_EMALFORMED, "%s:%ld: a line needs an alias, "
				     "a login%s", path, lineno, need_password ?
				     " and a password" : "");
	if (lookup(c, alias))
		return ccm_error_set(err, CCM_EMALFORMED, "%s:%ld: mailbox '%s' is given "
				     "twice", path, lineno, alias);
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		if (!(v = realloc(c->v, cap * sizeof(*v))))
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		c->v = v;
		c->cap = cap;
	}
	v = &c->v[c->n];
	v->alias = ccm_strdup(alias);
	v->login = ccm_strdup(login);
	v->password = ccm_strdup(pw);
	if (!v->alias || !v->login || !v->password) {
		free(v->alias);
		free(v->login);
		free(v->password);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	c->n++;
	return 0;
}

int ccm_imap_file_line(FILE *f, struct ccm_buf *line)
{
	int ch;

	ccm_buf_reset(line);
	while ((ch = getc(f)) != EOF && ch != '\n')
		if (ch != '\r')
			ccm_buf_addch(line, ch);
	return ch != EOF || line->len > 0;
}

int ccm_imap_creds_load(struct ccm_imap_creds **out, const char *path,
			int need_password, struct ccm_error *err)
{
	struct ccm_imap_creds *c = calloc(1, sizeof(*c));
	struct ccm_buf line = CCM_BUF_INIT;
	FILE *f;
	long lineno = 0;
	int rc = 0;

	*out = NULL;
	if (!c)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	if (!(f = fopen(path, "r"))) {
		rc = ccm_error_sys(err, errno, "cannot read credentials file '%s'", path);
		if (errno == ENOENT && err)
			err->code = rc = CCM_ENOTFOUND;
		free(c);
		return rc;
	}
	while (rc == 0 && ccm_imap_file_line(f, &line)) {
		lineno++;
		rc = add_line(c, line.ptr, path, lineno, need_password, err);
	}
	if (rc == 0 && ferror(f))
		rc = ccm_error_sys(err, EIO, "cannot read credentials file '%s'", path);
	fclose(f);
	memset(line.ptr, 0, line.len);
	ccm_buf_release(&line);
	if (rc < 0) {
		ccm_imap_creds_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* The login of line c for alias, and its password. */
static int give(const struct cred *c, const char *alias, struct ccm_buf *login,
		const char **password)
{
	ccm_buf_reset(login);
	for (const char *p = c->login; *p; p++) {
		if (p[0] == '%' && p[1] == 'a') {
			ccm_buf_adds(login, alias);
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			ccm_buf_addch(login, '%');
			p++;
		} else {
			ccm_buf_addch(login, *p);
		}
	}
	*password = c->password;
	return 1;
}

int ccm_imap_creds_find(const struct ccm_imap_creds *creds, const char *alias,
			struct ccm_buf *login, const char **password)
{
	/* The "public" line is the public folders' account: a user whose
	 * alias is "public" never logs in with it. */
	const struct cred *c = strcasecmp(alias, "public") ? lookup(creds, alias) : NULL;

	if (!c && !(c = lookup(creds, "*")))
		return 0;
	return give(c, alias, login, password);
}

int ccm_imap_creds_find_public(const struct ccm_imap_creds *creds, struct ccm_buf *login,
			       const char **password)
{
	const struct cred *c = lookup(creds, "public");

	if (!c && !(c = lookup(creds, "*")))
		return 0;
	return give(c, "public", login, password);
}
