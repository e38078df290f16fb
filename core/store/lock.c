/* lock.c: one writer at a time per store, across processes. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "store/store_int.h"
#include "base/pidlock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * SQLite serialises transactions, but two runs that write one store
 * interleave whole migrations: one run's schema upgrade meets the other's
 * tables, one removes the migration files the other is importing, two
 * exports to one IMAP server each send what the other is sending. So a
 * writer holds "<store>.lock" (base/pidlock.h) for as long as the store
 * is open, beside the file itself: a store named through a symbolic link
 * is locked where it is, not where the link is.
 */
int ccm_store_lock_take(struct ccm_store *s, struct ccm_error *err)
{
	char path[4096], what[4200], *real;

	/* A store in memory (SQLite's ":memory:", "" for a temporary one) has
	 * one connection only, and no file to put a lock beside. */
	if (!strcmp(s->path, ":memory:") || !*s->path)
		return 0;

	real = realpath(s->path, NULL);
	snprintf(path, sizeof(path), "%s.lock", real ? real : s->path);
	free(real);
	snprintf(what, sizeof(what), "store '%s'", s->path);
	return ccm_pidlock_take(&s->lock_fd, path, what, err);
}

void ccm_store_lock_drop(struct ccm_store *s)
{
	ccm_pidlock_drop(s->lock_fd);
	s->lock_fd = -1;
}
