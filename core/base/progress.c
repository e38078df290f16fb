/* progress.c: the clock that paces a stage's progress calls. */
#include "base/progress.h"

#include <time.h>

int ccm_progress_due(long long *last)
{
	struct timespec ts;
	long long now;

	/* The coarse clock is read without a system call and is exact to
	 * a few milliseconds: enough to pace ten calls a second. */
#ifdef CLOCK_MONOTONIC_COARSE
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
	clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (*last && now - *last < 100)
		return 0;
	*last = now ? now : 1;
	return 1;
}
