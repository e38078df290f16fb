/* imap_pace.h: at most so many messages a second over one IMAP connection. */
#ifndef CCM_OUT_IMAP_PACE_H
#define CCM_OUT_IMAP_PACE_H

/*
 * A cap on how fast one connection sends (--imap-max-rate): the starts
 * of two APPENDs are at least 1/rate seconds apart, measured on a
 * monotonic clock. There is no burst: time a connection spent on
 * something else (a login, a folder's Message-IDs, a slow answer) is not
 * saved up for later, so no window of 1/rate seconds ever holds two
 * starts. Waiting here is not a refusal and has nothing to do with the
 * back-off of imap_backoff.h: it is never counted against a retry budget.
 * One state per connection; plain data, nothing to release.
 */
struct ccm_imap_pace {
	long long interval_ns;   /* between two starts; 0: no cap */
	long long next_ns;       /* the clock's time the next may start; 0: at once */
	long long waited_ns;     /* held back in all */
};

/* The highest rate taken (messages a second): past it the spacing is
 * below a microsecond and means nothing. */
#define CCM_IMAP_PACE_MAX_RATE 1000000.0

/* Prepares p for at most `per_second` messages a second (0.5, 20);
 * 0 or less: no cap. */
void ccm_imap_pace_init(struct ccm_imap_pace *p, double per_second);

/* When the next message may start, given the clock reads now_ns: now_ns
 * or later. Changes nothing. */
long long ccm_imap_pace_due(const struct ccm_imap_pace *p, long long now_ns);

/* A message started at at_ns: the next may start 1/rate after it. */
void ccm_imap_pace_started(struct ccm_imap_pace *p, long long at_ns);

/*
 * Before a message: sleeps until it may start (whole, through signals),
 * marks it started, and returns the nanoseconds slept (0 without a cap,
 * or when it was due already), which are added to p->waited_ns.
 */
long long ccm_imap_pace_wait(struct ccm_imap_pace *p);

/* The monotonic clock in nanoseconds. */
long long ccm_imap_pace_now(void);

#endif
