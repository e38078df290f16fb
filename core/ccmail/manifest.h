/* manifest.h: po.txt, the manifest of a post office bundle. */
#ifndef CCM_MANIFEST_H
#define CCM_MANIFEST_H

#include <stddef.h>
#include "base/buf.h"
#include "base/date.h"
#include "base/error.h"
#include "base/report.h"

enum ccm_attach_enc { CCM_ENC_MACBIN2 = 0, CCM_ENC_HEX, CCM_ENC_RAW };

/*
 * A `Mailbox:`, `Private:` or `Bulletin board:` line: "<name> = <path>",
 * split at the last " = " (at the last '=' when none has spaces around
 * it). A board's name is kept without a leading '#'.
 */
struct ccm_manifest_entry {
	char *name;    /* UTF-8, trimmed */
	char *path;    /* relative to the bundle, '/' separated; NULL if refused */
	long line;     /* line of po.txt */
};

/*
 * The manifest, every string UTF-8 (values are converted from the code
 * page the manifest itself names). Defaults: database 8, code page 437,
 * date order MDY, time zone "UTC", attachments MACBIN2, item sizes no.
 */
struct ccm_manifest {
	char *post_office;
	int database;                 /* 6 or 8 */
	int code_page;
	enum ccm_date_order date_order;
	char *time_zone;              /* IANA name */
	enum ccm_attach_enc attachments;
	int item_sizes;               /* 1 when exported with /ITEMSIZE */
	char *directory;              /* relative path, required */
	char *lists;                  /* relative path or NULL */
	struct ccm_manifest_entry *mailboxes, *privates, *boards;
	size_t n_mailboxes, n_privates, n_boards;
};

/*
 * Reads `path` (po.txt). Keywords are case-insensitive; ';' starts a
 * comment line, and a ';' after a value starts a trailing comment.
 * Unknown keywords and bad entry lines are warnings in `rep`.
 *
 * Details: a trailing comment begins at a ';' that follows white space
 * (or opens the value), so "Smith;John" keeps its ';'. Runs of spaces in
 * a keyword count as one. "Code page:" is read first and the other values
 * converted from it; it may read "850" or "CP850". A file that begins with
 * a UTF-8 byte order mark was saved by an editor: its values are taken as
 * UTF-8 (code_page still names the bundle's other files). A keyword given
 * twice: the later value wins ("duplicate-keyword"). Reports: kinds
 * "unknown-keyword", "bad-line" (no colon), "bad-entry" (entry line
 * without " = ", a name or a path: skipped), "unsafe-path", "empty-value"
 * (ignored), "bad-value" (Item sizes other than yes/no/true/false/on/
 * off/1/0: taken as no). Database accepts DB6, DB8, 6, 8 in any case.
 * `Directory:` with an unsafe path fails (CCM_EMALFORMED); `Lists:` with
 * one is reported and left NULL.
 *
 * Fails (the manifest released, err filled with what to do) when the file
 * cannot be read (CCM_EIO / CCM_ENOTFOUND), `Post office:` or
 * `Directory:` is missing (CCM_EMALFORMED), `Database: DB7` is named
 * (CCM_EUNSUPPORTED: cc:Mobile databases must be copied back to a DB8 post
 * office and exported there, Q258220), or a value is not one of those
 * allowed (database, date order, attachments, code page not a number),
 * or the code page cannot be converted here (CCM_EUNSUPPORTED).
 * An entry path that is absolute or climbs out of the bundle with ".."
 * is a warning and its `path` is NULL. Paths have '\' turned into '/',
 * and "." and empty components removed.
 */
int ccm_manifest_read(struct ccm_manifest *m, const char *path,
		      struct ccm_report *rep, struct ccm_error *err);
/* Frees every string and entry; the struct is zeroed. */
void ccm_manifest_release(struct ccm_manifest *m);
/*
 * The settings of manifest m that reading its message export text needs,
 * appended to out as one line: "code_page=850; date_order=MDY;
 * attachments=MACBIN2; item_sizes=yes; time_zone=America/New_York;
 * post_office=SALESPO" (the name last: it may hold ';'). Forwarded
 * messages stay export text in migration files and in the store; this line
 * goes with them so that they can be read again.
 */
void ccm_manifest_settings_format(struct ccm_buf *out, const struct ccm_manifest *m);

/*
 * Reads such a line into m, which it first releases and sets to the
 * manifest defaults; post_office and time_zone are allocated (release m
 * with ccm_manifest_release). Keys it does not know are ignored, so that a
 * later ccmig may add some. CCM_EMALFORMED (err names the line) when a
 * value is not one a manifest allows; CCM_ENOMEM.
 */
int ccm_manifest_settings_parse(struct ccm_manifest *m, const char *text,
				struct ccm_error *err);

/* "MACBIN2", "HEX", "RAW" to the enum; -1 if unknown (any case). */
int ccm_attach_enc_parse(const char *s);
const char *ccm_attach_enc_name(enum ccm_attach_enc e);

#endif
