/* address.h: cc:Mail addresses and address lists (spec section 2.6). */
#ifndef CCM_ADDRESS_H
#define CCM_ADDRESS_H

#include <stddef.h>
#include "ccmail/directory.h"

enum ccm_addr_kind {
	CCM_ADDR_USER = 0,   /* Name [at PO] */
	CCM_ADDR_BOARD,      /* #Board [at PO] */
	CCM_ADDR_SYSTEM,     /* ~Name [at PO]: ~ADE_Mailbox, NDR senders */
	CCM_ADDR_SMTP,       /* user@domain at INTERNET (any gateway PO) */
	CCM_ADDR_FOREIGN,    /* Name [TYPE:address] at PO */
	CCM_ADDR_EXTENDED    /* Name at PO {NET/PO/MBX} */
};

/*
 * One parsed address; all strings UTF-8 and owned by the struct.
 *   name     "Smith, John"; the board without '#'; the system name without
 *            '~'; "bob@example.com" for SMTP; the display part for FOREIGN
 *            ("" for "[SMTP:x] at HUB"); for EXTENDED the name as written
 *   po       the post office: as written, or for a bare name the one the
 *            directory gives (Addr for l/r entries, the home PO for L/R),
 *            or the sender's PO when the name is not in the directory;
 *            NULL only when none is known
 *   ftype    FOREIGN: "SMTP" of [SMTP:x] (NULL when the brackets hold no
 *            colon); EXTENDED: NULL
 *   faddr    FOREIGN: the address inside [...]; EXTENDED: "NET/PO/MBX"
 *   raw      the address exactly as written (trimmed)
 *   resolved 1 when a USER name (or an SMTP one: directory exchange lists
 *            some) was found in the directory
 *   po_implied 1 when po was not written but filled in
 *
 * Filling in po: a bare USER name not in the directory, a bare #board and
 * a bare ~system name take sender_po, or home_po when sender_po is NULL;
 * an entry with a lower-case location and no Addr does the same. A bare
 * SMTP address not in the directory keeps po NULL (no gateway is known);
 * FOREIGN and EXTENDED addresses keep po as written. An empty address
 * ("") is a USER with name "" and po NULL.
 */
struct ccm_addr {
	enum ccm_addr_kind kind;
	char *name;
	char *po;
	char *ftype;
	char *faddr;
	char *raw;
	int resolved;
	int po_implied;
};

struct ccm_addrlist {
	struct ccm_addr *v;
	size_t len, cap;
};

/*
 * Parses one address (a directory member, a From: value). `dir` may be
 * NULL; `home_po` is the bundle's post office and `sender_po` the post
 * office a bare unknown name is taken to belong to (both may be NULL).
 * Never fails on content: anything unparseable becomes a USER address
 * with resolved = 0 and name = raw. Returns 0 or CCM_ENOMEM (out is then
 * released).
 *
 * The post office follows the last " at " (any case, any white space
 * around it) outside brackets and braces, so "[ccmail:u@d at internet]"
 * keeps its " at "; a trailing "{...}" is taken off first. " at PO" with
 * the name missing (Export 8.3, Q249133) gives a USER with name "" and
 * po "PO", for the caller to report. Brackets and braces count only when
 * every one of them is closed.
 */
int ccm_addr_parse(struct ccm_addr *out, const char *s, size_t len,
		   const struct ccm_directory *dir, const char *home_po,
		   const char *sender_po);

/*
 * Appends the addresses of a To/Cc/Bcc value to `out`. Commas separate
 * addresses only where a complete address ends: after " at <PO>", after
 * the ']' or '}' that closes an encapsulation, or where the text before
 * the comma is a whole directory name (so "Smith, John at PO1, Doe, Jane
 * at PO2" is two addresses and "Smith, John, Doe, Jane" splits by the
 * directory). Text that matches nothing stays one unresolved address as
 * written, never dropped. Returns 0 or CCM_ENOMEM (what was appended
 * stays in out).
 *
 * Where several splits fit, the longest directory name wins ("Smith" and
 * "Smith, John" both users: "Smith, John, ..." gives "Smith, John").
 * Text that matches nothing ends where a known address begins: "Jones,
 * Tom, Doe, Jane" with only Doe, Jane in the directory is "Jones, Tom"
 * (unresolved) and "Doe, Jane". A comma also ends an address before a
 * piece that no user name can be: one beginning with '#', '~' or '[', or
 * a one-word SMTP address ("a@b.com, c@d.com"). Empty pieces (",,", a
 * leading or trailing comma) are skipped. A post office name that holds
 * commas is kept whole when it is a P or p entry of the directory.
 * Time and memory grow linearly with len (look-ups are bounded by the
 * longest directory name).
 */
int ccm_addrlist_parse(struct ccm_addrlist *out, const char *s, size_t len,
		       const struct ccm_directory *dir, const char *home_po,
		       const char *sender_po);

void ccm_addr_release(struct ccm_addr *a);
void ccm_addrlist_release(struct ccm_addrlist *l);
/*
 * Appends "Smith, John at SALESPO" and the like, canonical, to out:
 * "#Board at PO", "~Name", "bob@x.com at INTERNET", "Name [TYPE:addr] at
 * PO", "Name at PO {NET/PO/MBX}" ("Jones at[...]", no space, when the
 * name ends in the word "at"). po is written whenever it is set, so
 * ccm_addr_parse reads the text back to the same kind, name, po, ftype and
 * faddr (with po_implied 0).
 */
void ccm_addr_format(struct ccm_buf *out, const struct ccm_addr *a);
const char *ccm_addr_kind_name(enum ccm_addr_kind k);

#endif
