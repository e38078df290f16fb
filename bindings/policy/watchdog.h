/* watchdog.h: a CPU-time limit on each call into a policy. */
#ifndef CCM_POLICY_WATCHDOG_H
#define CCM_POLICY_WATCHDOG_H

#include "base/error.h"

/*
 * Why: the instruction budget of a policy counts Lua instructions, and a
 * Lua library function working in C counts as one: a string pattern that
 * backtracks, string.rep("", math.maxinteger) or table.move over 2^63
 * elements run for ages inside one instruction. The watchdog measures the
 * CPU time of the thread that calls into the policy instead.
 *
 * Once a call has used its seconds of CPU time, ccm_watchdog_expired()
 * turns true, for the instruction hook to end the call with an error (the
 * hook fails, as one that runs out of instructions does). A call still
 * running half a second of CPU time later is stuck inside a C function that
 * nothing can interrupt: the watchdog then writes `what` (given to
 * ccm_watchdog_arm) to stderr and ends the process with exit status 2
 * (_exit: the store's journal keeps it sound, and running again after
 * fixing the policy finishes the work).
 *
 * There is one watchdog per process (policies run one call at a time);
 * it times the thread that arms it, and lives as long as the process, so
 * that an expiry already on its way never meets freed memory.
 */

/* The limit when none is given: CPU seconds per call. */
#define CCM_WATCHDOG_SECONDS 10.0

/* Makes the watchdog ready. 0, or CCM_EIO (err filled) when the system
 * cannot time a thread's CPU use. */
int ccm_watchdog_init(struct ccm_error *err);
/*
 * Starts timing one call of at most `seconds` of CPU time. `what` says
 * which policy and hook run, and for whom, for the message printed if the
 * process must end; it is copied. Calls do not nest.
 */
void ccm_watchdog_arm(double seconds, const char *what);
/* Stops timing; a later expiry of this call is ignored. */
void ccm_watchdog_disarm(void);
/* Whether the armed call has used up its time. Cheap: call it often. */
int ccm_watchdog_expired(void);

#endif
