/* forwards.h: forwarded messages, which come as cc:Mail export text, unfolded into messages of the store. */
#ifndef CCM_FLOW_FORWARDS_H
#define CCM_FLOW_FORWARDS_H

#include "base/report.h"
#include "store/store.h"

/*
 * Extract keeps a forwarded message whole, as the cc:Mail export text it
 * came in, in an attachment "<title>.ccm" (without reading inside it: no
 * depth is too deep for extract). Import reads that text once, here, and
 * stores what it holds as messages of their own (store/messages.h): a
 * forwarded message's parent is the message that carries it, with its
 * own sender, recipients, extra headers, body and attachments, and the
 * messages forwarded in it, down to CCM_FORWARDS_MAX_DEPTH levels below
 * the stored message. A message forwarded deeper stays an attachment of
 * its export text (kind "message") of the deepest one, and so does one
 * whose text cannot be read as a message. The ".ccm" attachment stays as
 * it came (what verify compares with the post office), and the exports
 * render the forwarded messages in its place (export/render.h).
 */
#define CCM_FORWARDS_MAX_DEPTH 8

struct ccm_forwards;

/*
 * Prepares unfolding the forwarded messages of one post office's mail
 * into store s: `settings` is the post office's settings line (store/po.h:
 * code page, date order, time zone, attachment encoding, item counts), or
 * NULL for a set without one (a manifest's defaults apply, and item
 * counts are taken when the text has them). What the text gets wrong is
 * the post office's, already reported when the message was extracted: it
 * goes to nobody. A code page or zone this system lacks leaves the text
 * as it is (ccm_forwards_unfold then does nothing). A settings line that
 * cannot be read is taken as none (its reader reports it). 0, or
 * CCM_ENOMEM.
 */
int ccm_forwards_open(struct ccm_forwards **out, struct ccm_store *s,
		      const char *settings, struct ccm_error *err);
void ccm_forwards_free(struct ccm_forwards *fw);

/*
 * Unfolds each ".ccm" attachment of message `msg` whose text starts as a
 * message and that no forwarded message stands for yet. Returns the
 * number of forwarded messages stored (every level counted), or a
 * negative code (the store failed, or the text could not be read back:
 * err filled). Called inside the caller's transaction.
 */
int ccm_forwards_unfold(struct ccm_forwards *fw, long long msg, struct ccm_error *err);

/*
 * The same for text the caller streams as it stores it (import, reading
 * an attachment from its chain), which spares reading it back:
 * ccm_forwards_capture_begin, then ccm_forwards_capture with each piece,
 * then, once the attachment (part `seq` of message `msg`, in folder
 * `folder`, named `name`) is stored, ccm_forwards_capture_end unfolds it
 * and returns the number of messages stored (0 when the text is not a
 * message) or a negative code (err filled). One capture at a time.
 * CCM_ELIMIT: a body in the text is longer than the store keeps
 * (store.h); nothing of it was stored and the attachment stands for it,
 * as a text that could not be unfolded: the caller reports it and goes
 * on. ccm_forwards_unfold leaves such a text as it is, and goes on.
 */
int ccm_forwards_capture_begin(struct ccm_forwards *fw, struct ccm_error *err);
int ccm_forwards_capture(struct ccm_forwards *fw, const void *p, size_t n,
			 struct ccm_error *err);
int ccm_forwards_capture_end(struct ccm_forwards *fw, long long msg, long long folder,
			     int seq, const char *name, struct ccm_error *err);

/*
 * The forwarded messages a store of schema 3 or older kept as ".ccm"
 * text, unfolded in place, each with the settings of its own post office
 * (store/po.h); the meta row "forwards_to_unfold" goes once done. Does
 * nothing on a store without that row. *unfolded (may be NULL) gets the
 * number stored. Its own transaction.
 */
int ccm_forwards_unfold_store(struct ccm_store *s, unsigned long *unfolded,
			      struct ccm_error *err);

#endif
