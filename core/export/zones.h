/* zones.h: the time zone each mailbox's dates are written in. */
#ifndef CCM_OUT_ZONES_H
#define CCM_OUT_ZONES_H

#include "base/error.h"
#include "base/tz.h"
#include "store/store.h"

/*
 * A store may hold the mail of several post offices, each in its own
 * zone: a message is dated as its post office saw it. The zones are
 * looked up once, when the export starts, so that reading them is safe
 * from every thread.
 */
struct ccm_out_zones;

/*
 * The zone of every mailbox of s (and of the public folders, mailbox 0):
 * `forced` when not NULL (the user named one); else its post office's,
 * as the store recorded it (store/po.h); else `fallback` (NULL: UTC).
 * forced and fallback are borrowed and must outlive *out; the zones of
 * post offices are owned by it. Returns 0 or a negative code.
 */
int ccm_out_zones_open(struct ccm_out_zones **out, struct ccm_store *s,
		       const struct ccm_tz *forced, const struct ccm_tz *fallback,
		       struct ccm_error *err);
void ccm_out_zones_free(struct ccm_out_zones *z);

/* The zone of mailbox `mailbox` (0: public folders); z NULL gives NULL
 * (UTC), and so does a mailbox unknown at open time without a fallback. */
const struct ccm_tz *ccm_out_zones_get(const struct ccm_out_zones *z,
				       long long mailbox);

#endif
