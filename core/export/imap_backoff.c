/* imap_backoff.c: how long to wait before trying a server again that asks ccmig to slow down. */
#include "export/imap_backoff.h"

#include <errno.h>
#include <time.h>

void ccm_imap_backoff_init(struct ccm_imap_backoff *b, long long base_ms,
			   long long cap_ms, long long budget_ms)
{
	b->cap_ms = cap_ms > 0 ? cap_ms : CCM_IMAP_BACKOFF_CAP_MS;
	b->base_ms = base_ms > 0 ? base_ms : CCM_IMAP_BACKOFF_BASE_MS;
	if (b->base_ms > b->cap_ms)
		b->base_ms = b->cap_ms;
	b->budget_ms = budget_ms > 0 ? budget_ms : 0;
	ccm_imap_backoff_progress(b);
}

long long ccm_imap_backoff_next(struct ccm_imap_backoff *b, long long suggested_ms)
{
	long long wait = b->next_ms, left = b->budget_ms - b->spent_ms;

	if (left <= 0)
		return -1;
	/* The server knows its own load: a longer wait it asks for is kept
	 * (the budget still bounds it). */
	if (suggested_ms > wait)
		wait = suggested_ms;
	if (wait > left)
		wait = left;
	b->spent_ms += wait;
	b->next_ms = b->next_ms > b->cap_ms / 2 ? b->cap_ms : 2 * b->next_ms;
	return wait;
}

void ccm_imap_backoff_progress(struct ccm_imap_backoff *b)
{
	b->next_ms = b->base_ms;
	b->spent_ms = 0;
}

void ccm_imap_backoff_sleep(long long ms)
{
	struct timespec t = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };

	while (ms > 0 && nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}
