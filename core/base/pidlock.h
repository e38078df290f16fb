/* pidlock.h: a lock file that says which process holds it. */
#ifndef CCM_PIDLOCK_H
#define CCM_PIDLOCK_H

#include "base/error.h"

/*
 * Takes an advisory lock (flock, exclusive, without waiting) on the file
 * `path`, made when missing (never through a symbolic link), and writes
 * this process's pid in it; *out is the descriptor that holds it, to
 * give to ccm_pidlock_drop. The lock goes with the process however it
 * ends; the file stays, empty once it is let go.
 *
 * When another process holds it: CCM_EEXISTS, err saying "another ccmig
 * is using <what> (pid N): wait for it to finish". When this process
 * holds it already (through another descriptor): 0 and *out -1, the
 * first holder's lock covering both. CCM_EIO when the file cannot be
 * made or written.
 */
int ccm_pidlock_take(int *out, const char *path, const char *what,
		     struct ccm_error *err);

/* Lets go of a lock ccm_pidlock_take gave (-1: nothing); the file is
 * left empty. */
void ccm_pidlock_drop(int fd);

#endif
