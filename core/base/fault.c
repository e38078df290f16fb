/* fault.c: deaths on purpose, for the crash tests. */
#include "base/fault.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>

void ccm_fault_point(void)
{
	static atomic_long kill_at = -1;     /* -1: not read yet, 0: never */
	static atomic_long seen;
	long k = atomic_load(&kill_at);

	if (k < 0) {
		const char *e = getenv("CCMIG_TEST_KILL_AT");
		k = e ? atol(e) : 0;
		atomic_store(&kill_at, k < 0 ? 0 : k);
	}
	if (k > 0 && atomic_fetch_add(&seen, 1) + 1 == k)
		raise(SIGKILL);
}
