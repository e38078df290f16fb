/* bundle.h: a post office bundle: manifest, directory, lists, mail files. */
#ifndef CCM_BUNDLE_H
#define CCM_BUNDLE_H

#include "base/codepage.h"
#include "base/tz.h"
#include "ccmail/directory.h"
#include "ccmail/lists.h"
#include "ccmail/manifest.h"
#include "ccmail/message.h"

/*
 * An open bundle (spec/ccmail-export.md section 1). Opening reads the
 * manifest, the directory and the public lists; mail, private address books
 * and boards are opened one at a time on demand, so memory does not grow
 * with the number of messages.
 */
struct ccm_bundle {
	char *root;                    /* the bundle's folder */
	struct ccm_manifest manifest;
	struct ccm_directory dir;
	struct ccm_lists lists;        /* empty when the bundle has none */
	struct ccm_cp *cp;             /* the manifest's code page */
	struct ccm_tz *tz;             /* the manifest's time zone */
	struct ccm_report *rep;        /* where every problem goes */
};

/*
 * Opens the bundle in folder `root`. Fails, with err saying what to do,
 * when the bundle cannot be read at all: no po.txt, a DB7 database, a code
 * page or time zone this system cannot convert, no directory. Everything
 * less serious is reported in `rep` (which must outlive the bundle) and
 * the bundle opens. Checks every Mailbox: line against the directory:
 * one naming a user who is not a local user is an error for that mailbox
 * only (reported, kind "mailbox-not-in-directory").
 */
int ccm_bundle_open(struct ccm_bundle **out, const char *root,
		    struct ccm_report *rep, struct ccm_error *err);
void ccm_bundle_free(struct ccm_bundle *b);

/* The Mailbox: entry of a user (name in any case), or NULL: no mail. */
const struct ccm_manifest_entry *ccm_bundle_mailbox(const struct ccm_bundle *b,
						    const char *user);
/* The Private: entry of a user, or NULL. */
const struct ccm_manifest_entry *ccm_bundle_private(const struct ccm_bundle *b,
						    const char *user);

/*
 * Opens the message file of a Mailbox: or Bulletin board: entry with the
 * bundle's code page, date order, zone, encoding, counts and directory.
 * `user` is the mailbox (or board) name used in reports.
 */
int ccm_bundle_open_messages(struct ccm_msgfile **out,
			     struct ccm_bundle *b,
			     const struct ccm_manifest_entry *e, struct ccm_error *err);

/* Reads the private address book of a Private: entry. */
int ccm_bundle_read_pab(struct ccm_pab *out,
			struct ccm_bundle *b,
			const struct ccm_manifest_entry *e, struct ccm_error *err);

/* A path under the bundle: root + "/" + rel, malloc'ed (never NULL). */
char *ccm_bundle_path(const struct ccm_bundle *b, const char *rel);

#endif
