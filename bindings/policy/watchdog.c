/* watchdog.c: a CPU-time limit on each call into a policy. */
#include "policy/watchdog.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* CPU time past the limit before a call stuck in C ends the process: the
 * instruction hook, which ends a call that is past its time, runs every
 * few microseconds while Lua code runs at all. */
#define GRACE_SECONDS 0.5

static struct {
	pthread_mutex_t lock;     /* arming, disarming, and the timer's thread */
	int ready;
	pthread_t owner;          /* the thread whose CPU time is counted */
	timer_t timer;
	double seconds;
	int armed;                /* a call is being timed */
	int stage;                /* 0 running, 1 past its time (grace) */
	atomic_int expired;       /* read by the instruction hook */
	char what[1024];
} wd = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void set(double seconds)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)seconds;
	its.it_value.tv_nsec = (long)((seconds - (double)its.it_value.tv_sec) * 1e9);
	timer_settime(wd.timer, 0, &its, NULL);
}

/* Runs in a thread of its own when the timer expires. */
static void expire(union sigval v)
{
	struct itimerspec cur;
	char msg[1400];
	int n;

	(void)v;
	pthread_mutex_lock(&wd.lock);
	/* An expiry of a call that has ended, or of one before the call now
	 * timed, finds the timer off or running again: it is not this call's. */
	timer_gettime(wd.timer, &cur);
	if (!wd.armed || cur.it_value.tv_sec || cur.it_value.tv_nsec) {
		pthread_mutex_unlock(&wd.lock);
		return;
	}
	if (wd.stage == 0) {
		wd.stage = 1;
		atomic_store(&wd.expired, 1);
		set(GRACE_SECONDS);
		pthread_mutex_unlock(&wd.lock);
		return;
	}
	/* Still inside one C function: nothing can stop it but the end of
	 * the process. write() and _exit() are safe whatever it holds. */
	n = snprintf(msg, sizeof(msg), "ccmig: %s has used more than %g s of CPU "
		     "time in one call, inside a library function that cannot be "
		     "interrupted (a string pattern that backtracks, string.rep or "
		     "table.move over billions of items ...); the run stops here, the "
		     "store is sound: fix the policy and run again\n",
		     wd.what, wd.seconds);
	if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0)
		n = 0;
	_exit(2);
}

/* A timer on the calling thread's CPU clock; wd.lock held. */
static int make_timer(void)
{
	struct sigevent sev;
	clockid_t clock;
	int e;

	if (wd.ready)
		timer_delete(wd.timer);
	wd.ready = 0;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = expire;
	/* CPU time, not the clock on the wall: a busy machine does not
	 * shorten a policy's time. */
	if ((e = pthread_getcpuclockid(pthread_self(), &clock)) != 0)
		return e;
	if (timer_create(clock, &sev, &wd.timer) < 0)
		return errno;
	wd.owner = pthread_self();
	wd.ready = 1;
	return 0;
}

int ccm_watchdog_init(struct ccm_error *err)
{
	int e = 0;

	pthread_mutex_lock(&wd.lock);
	if (!wd.ready || !pthread_equal(wd.owner, pthread_self()))
		e = make_timer();
	pthread_mutex_unlock(&wd.lock);
	return e ? ccm_error_sys(err, e, "cannot time the CPU use of policies") : 0;
}

void ccm_watchdog_arm(double seconds, const char *what)
{
	pthread_mutex_lock(&wd.lock);
	if (wd.ready && !pthread_equal(wd.owner, pthread_self()))
		make_timer();
	snprintf(wd.what, sizeof(wd.what), "%s", what);
	wd.seconds = seconds;
	wd.armed = wd.ready;
	wd.stage = 0;
	atomic_store(&wd.expired, 0);
	if (wd.ready)
		set(seconds);
	pthread_mutex_unlock(&wd.lock);
}

void ccm_watchdog_disarm(void)
{
	pthread_mutex_lock(&wd.lock);
	wd.armed = 0;
	if (wd.ready)
		set(0);
	pthread_mutex_unlock(&wd.lock);
}

int ccm_watchdog_expired(void)
{
	return atomic_load(&wd.expired);
}
