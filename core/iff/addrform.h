/* addrform.h: the one form a sender or recipient takes in migration files and in the store. */
#ifndef CCM_IFF_ADDRFORM_H
#define CCM_IFF_ADDRFORM_H

#include "base/buf.h"
#include "ccmail/address.h"
#include "ccmail/directory.h"

/*
 * A cc:Mail address as spec 12.7 writes it in a migration file, into out
 * (reset first): "Display [TYPE:address]". A local user of `dir` (may be
 * NULL: no directory to look in) is written by its display name alone,
 * which the importer resolves; an SMTP address is "a@b [SMTP:a@b]"; a
 * foreign one "Name [TYPE:address]"; any other cc:Mail address
 * "Name [CCMAIL:Name at PO]", with '#' before a bulletin board's name and
 * '~' before a system one's.
 */
void ccm_addrform_write(struct ccm_buf *out, const struct ccm_addr *a,
			const struct ccm_directory *dir);

/*
 * Splits a written form in place into what the store keeps: *display the
 * text before " [", *address the "TYPE:address" inside the brackets (the
 * last pair, when it ends the text and holds a ':'), else NULL and
 * *display the whole text. An empty display becomes the address. Both
 * point into v.
 */
void ccm_addrform_split(char *v, const char **display, const char **address);

/*
 * What the store keeps of a parsed address (a forwarded message's, read
 * at import): the form ccm_addrform_write gives without a directory,
 * split, into `display` and `address` (NULL when none; both point into
 * buf, which is reset first).
 */
void ccm_addrform_fields(struct ccm_buf *buf, const char **display,
			 const char **address, const struct ccm_addr *a);

#endif
