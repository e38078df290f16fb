/* imap_pace.c: at most so many messages a second over one IMAP connection. */
#include "export/imap_pace.h"

#include <errno.h>
#include <time.h>

void ccm_imap_pace_init(struct ccm_imap_pace *p, double per_second)
{
	if (per_second > CCM_IMAP_PACE_MAX_RATE)
		per_second = CCM_IMAP_PACE_MAX_RATE;
	p->interval_ns = per_second > 0 ? (long long)(1e9 / per_second + 0.5) : 0;
	p->next_ns = 0;
	p->waited_ns = 0;
}

long long ccm_imap_pace_due(const struct ccm_imap_pace *p, long long now_ns)
{
	return p->next_ns > now_ns ? p->next_ns : now_ns;
}

void ccm_imap_pace_started(struct ccm_imap_pace *p, long long at_ns)
{
	/* From when it did start, not when it was due: a sleep that ran
	 * over never lets the next one come closer than the interval. */
	if (p->interval_ns)
		p->next_ns = at_ns + p->interval_ns;
}

long long ccm_imap_pace_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000ll + t.tv_nsec;
}

long long ccm_imap_pace_wait(struct ccm_imap_pace *p)
{
	long long start, now, due;

	if (!p->interval_ns)
		return 0;
	start = now = ccm_imap_pace_now();
	due = ccm_imap_pace_due(p, now);
	while (now < due) {
		struct timespec t = { (time_t)(due / 1000000000ll),
				      (long)(due % 1000000000ll) };
		/* An absolute deadline: a signal that wakes the sleep early
		 * costs only another turn. */
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);

		if (rc && rc != EINTR)
			break;  /* no sleep to be had (cannot happen on Linux) */
		now = ccm_imap_pace_now();
	}
	ccm_imap_pace_started(p, now);
	p->waited_ns += now - start;
	return now - start;
}
