/* imap_creds.h: who ccmig logs in as, per mailbox, when it writes over IMAP. */
#ifndef CCM_OUT_IMAP_CREDS_H
#define CCM_OUT_IMAP_CREDS_H

#include "base/buf.h"
#include "base/error.h"

#include <stdio.h>

/*
 * A credentials file has one line per mailbox:
 *
 *     # alias     login                   password
 *     jsmith      john.smith@example.com  s3cret word
 *     *           %a*admin                master-password
 *     public      admin                   admin-password
 *
 * Fields are separated by spaces or tabs; the password is the rest of the
 * line (trailing blanks removed), so it may hold spaces. Blank lines and
 * lines starting with '#' are ignored. The alias is the store's
 * (case-insensitive); "*" is used for every mailbox without a line of its
 * own, and "public" is the account that receives the public folders. In
 * a login, "%a" stands for the mailbox's alias and "%%" for "%" (for
 * Dovecot's master users, "%a*admin"; for a mail domain, "%a@example.com").
 * When ccmig logs in with OAuth 2.0 tokens (imap_token.h), a line may be
 * "alias login" alone: a password given is not used.
 */
struct ccm_imap_creds;

/*
 * Reads the file at path. CCM_ENOTFOUND or CCM_EIO when it cannot be read,
 * CCM_EMALFORMED for a line without a login, or without a password when
 * need_password (err names file and line), or an alias given twice. *out
 * is owned by the caller (ccm_imap_creds_free).
 */
int ccm_imap_creds_load(struct ccm_imap_creds **out, const char *path,
			int need_password, struct ccm_error *err);

/*
 * The login (with %a filled in, into *login) and password (borrowed from
 * creds; "" on a line without one) of the mailbox aliased `alias`. Returns 1 when found, 0 when the
 * file has neither the alias nor "*". The "public" line is never a
 * mailbox's, even one aliased "public": that mailbox takes "*".
 */
int ccm_imap_creds_find(const struct ccm_imap_creds *creds, const char *alias,
			struct ccm_buf *login, const char **password);
/* The same for the public folders: the "public" line, else "*" with %a
 * standing for "public". */
int ccm_imap_creds_find_public(const struct ccm_imap_creds *creds, struct ccm_buf *login,
			       const char **password);

void ccm_imap_creds_free(struct ccm_imap_creds *creds);

/* The next line of f into *line (reset first; without its LF or CRs), for
 * the files of logins and tokens: 1, or 0 at the end of the file. */
int ccm_imap_file_line(FILE *f, struct ccm_buf *line);

#endif
