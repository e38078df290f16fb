/* names.h: what a cc:Mail name says: first and last name, display name, alias. */
#ifndef CCM_NAMES_H
#define CCM_NAMES_H

#include <stddef.h>
#include "base/buf.h"

/*
 * Splits a cc:Mail user name (UTF-8) into first and last name:
 *   "Smith, John"      -> first "John", last "Smith"
 *   "Van Horn, Craig"  -> first "Craig", last "Van Horn"
 *   "John Q. Smith"    -> first "John Q.", last "Smith" (C6: the '.' stays)
 *   "jsmith"           -> first "", last "jsmith"
 * Both outputs are reset and filled.
 */
void ccm_name_split(const char *name, struct ccm_buf *first, struct ccm_buf *last);

/* "First Last" (or the name as it is when it has no first part). */
void ccm_name_display(struct ccm_buf *out, const char *name);

/*
 * Appends a 7-bit ASCII form of UTF-8 text (directory import takes only
 * ASCII in Common-Name, spec 4.2): Latin letters lose their accents
 * (é -> e, ß -> ss, Ø -> O), anything else is left out.
 */
void ccm_ascii_fold(struct ccm_buf *out, const char *utf8);

/*
 * Replaces out with an alias made from any text: folded to ASCII, lower
 * case, only letters, digits, '.', '-' and '_', at most 20 characters (what
 * Exchange took in an alias); `fallback` when nothing is left.
 */
void ccm_alias_clean(struct ccm_buf *out, const char *text, const char *fallback);

/*
 * The alias a user's Common-Name is made from: the first ';' field of the
 * directory Comments when it is a plausible alias (Q217040: sites kept
 * "alias;office;phone" there), otherwise the first name plus the first
 * letter of the last name ("johns" for "Smith, John"), or the last name
 * alone; lower-case ASCII letters, digits, '.', '-' and '_' only, at most
 * 20 characters, never empty ("user" at worst).
 */
void ccm_name_alias(struct ccm_buf *out, const char *name, const char *comments);

#endif
