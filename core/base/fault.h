/* fault.h: deaths on purpose, for the crash tests. */
#ifndef CCM_FAULT_H
#define CCM_FAULT_H

/*
 * A place where a power cut or the OOM killer could strike. When the
 * environment sets CCMIG_TEST_KILL_AT=N, the N-th call of this function
 * in the process (counting every fault point) kills it with SIGKILL; the
 * crash tests run a command with N = 1, 2, 3 ... and check that a second
 * run completes it exactly. Without the variable it does nothing. Safe
 * to call from several threads.
 */
void ccm_fault_point(void);

#endif
