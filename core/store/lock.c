/* lock.c: one writer at a time per store, across processes. */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/*
 * SQLite serialises transactions, but two runs that write one store
 * interleave whole migrations: one run's schema upgrade meets the other's
 * tables, one removes the migration files the other is importing. So a
 * writer holds an advisory lock (flock) on "<store>.lock" for as long as
 * the store is open, and writes its pid there for the message the next
 * one gives. The lock goes with the process, however it ends; the file
 * stays, empty of meaning until the next writer takes it.
 */
int ccm_store_lock_take(struct ccm_store *s, struct ccm_error *err)
{
	char path[4096], pid[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s.lock", s->path);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0)
		return ccm_error_sys(err, errno, "cannot open the lock file '%s' of "
				     "store '%s'", path, s->path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		long other = 0;

		if ((n = pread(fd, pid, sizeof(pid) - 1, 0)) > 0) {
			pid[n] = '\0';
			other = strtol(pid, NULL, 10);
		}
		close(fd);
		if (e != EWOULDBLOCK)
			return ccm_error_sys(err, e, "cannot lock store '%s'", s->path);
		/* This process holds it already (a script with two handles on
		 * one store): the first handle's lock covers both. */
		if (other == (long)getpid())
			return 0;
		return ccm_error_set(err, CCM_EEXISTS, "another ccmig is using store "
				     "'%s' (pid %ld): wait for it to finish; two runs "
				     "must not write one store at once", s->path, other);
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0) {
		int e = errno;

		close(fd);
		return ccm_error_sys(err, e, "cannot write the lock file '%s'", path);
	}
	s->lock_fd = fd;
	return 0;
}

void ccm_store_lock_drop(struct ccm_store *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
}
