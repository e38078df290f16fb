/* fault.h: deaths on purpose, for the crash tests. */
#ifndef CCM_FAULT_H
#define CCM_FAULT_H

/*
 * A place where a power cut or the OOM killer could strike: import rows,
 * extract users, Maildir files, IMAP appends. When armed, the N-th call
 * of this function in the process (counting every fault point) kills it
 * with SIGKILL; the crash tests run a command with N = 1, 2, 3 ... and
 * check that a second run completes it exactly. A process is armed by
 * CCMIG_TEST_KILL_AT=N in its environment, read at the first call, or by
 * ccm_fault_arm(). Unarmed, it only counts. Safe to call from several
 * threads.
 */
void ccm_fault_point(void);

/* Arms the process to die at the n-th fault point from now (0: never)
 * and restarts the count; for tests that fork. */
void ccm_fault_arm(long n);

/* Fault points passed since the start or the last ccm_fault_arm(). */
long ccm_fault_count(void);

#endif
