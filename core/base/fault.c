/* fault.c: deaths on purpose, for the crash tests. */
#include "base/fault.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>

static atomic_long kill_at = -1;     /* -1: environment not read yet; 0: never */
static atomic_long seen;

void ccm_fault_point(void)
{
	long k = atomic_load(&kill_at);

	if (k < 0) {
		const char *e = getenv("CCMIG_TEST_KILL_AT");
		long want = e ? atol(e) : 0;
		long unread = -1;
		/* Another thread may have read it first; either value is the same. */
		atomic_compare_exchange_strong(&kill_at, &unread, want < 0 ? 0 : want);
		k = atomic_load(&kill_at);
	}
	if (atomic_fetch_add(&seen, 1) + 1 == k)
		raise(SIGKILL);
}

void ccm_fault_arm(long n)
{
	atomic_store(&seen, 0);
	atomic_store(&kill_at, n < 0 ? 0 : n);
}

long ccm_fault_count(void)
{
	return atomic_load(&seen);
}
