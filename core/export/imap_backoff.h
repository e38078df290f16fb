/* imap_backoff.h: how long to wait before trying a server again that asks ccmig to slow down. */
#ifndef CCM_OUT_IMAP_BACKOFF_H
#define CCM_OUT_IMAP_BACKOFF_H

/*
 * Servers that throttle (NO [THROTTLED], [UNAVAILABLE], [INUSE]) or close
 * connections (BYE, resets) are tried again after a wait that doubles
 * each time, from `base_ms` up to `cap_ms`, or as long as the server
 * suggests when that is longer. The waits since the last progress (a
 * message through) are bounded by `budget_ms` in all: past it, the
 * caller gives up. Progress starts both the waits and the budget over.
 * One state per mailbox; plain data, nothing to release.
 */
struct ccm_imap_backoff {
	long long base_ms, cap_ms, budget_ms;
	long long next_ms;     /* the wait after the next refusal, unless suggested */
	long long spent_ms;    /* waited since the last progress */
};

/* Waits of 1 s doubling up to 60 s by default. */
#define CCM_IMAP_BACKOFF_BASE_MS 1000ll
#define CCM_IMAP_BACKOFF_CAP_MS 60000ll

/* Prepares b; base_ms < 1 means the default, a base above cap_ms is cap_ms.
 * budget_ms 0: no wait at all, the first refusal gives up. */
void ccm_imap_backoff_init(struct ccm_imap_backoff *b, long long base_ms,
			   long long cap_ms, long long budget_ms);

/*
 * The wait in milliseconds before the next try, counted against the
 * budget: the doubling wait, or `suggested_ms` (the server's; 0: none)
 * when longer, cut to what is left of the budget. -1 when the budget is
 * spent: give up.
 */
long long ccm_imap_backoff_next(struct ccm_imap_backoff *b, long long suggested_ms);

/* Something went through: waits start again at base, the budget whole. */
void ccm_imap_backoff_progress(struct ccm_imap_backoff *b);

/* Sleeps ms milliseconds (whole, through signals). */
void ccm_imap_backoff_sleep(long long ms);

#endif
