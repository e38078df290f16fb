/* pidlock.c: a lock file that says which process holds it. */
#include "base/pidlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int ccm_pidlock_take(int *out, const char *path, const char *what,
		     struct ccm_error *err)
{
	char pid[32];
	ssize_t n;
	int fd;

	*out = -1;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0)
		return ccm_error_sys(err, errno, "cannot open the lock file '%s' of %s",
				     path, what);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		long other = 0;

		if ((n = pread(fd, pid, sizeof(pid) - 1, 0)) > 0) {
			pid[n] = '\0';
			other = strtol(pid, NULL, 10);
		}
		close(fd);
		if (e != EWOULDBLOCK)
			return ccm_error_sys(err, e, "cannot lock %s", what);
		if (other == (long)getpid())
			return 0;
		return ccm_error_set(err, CCM_EEXISTS, "another ccmig is using %s "
				     "(pid %ld): wait for it to finish; two runs must not "
				     "write it at once", what, other);
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0) {
		int e = errno;

		close(fd);
		return ccm_error_sys(err, e, "cannot write the lock file '%s'", path);
	}
	*out = fd;
	return 0;
}

void ccm_pidlock_drop(int fd)
{
	/* Emptied: a lock file that no one holds says nothing, and a folder
	 * exported twice holds the same bytes. (It is not removed: another
	 * process may have it open, about to lock it.) */
	if (fd >= 0) {
		if (ftruncate(fd, 0) < 0) {
			/* nothing to do: the pid of a dead holder misleads no one */
		}
		close(fd);
	}
}
