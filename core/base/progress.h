/* progress.h: how a long stage says how far it has got, for its caller to show. */
#ifndef CCM_BASE_PROGRESS_H
#define CCM_BASE_PROGRESS_H

/*
 * Where a stage is. What an item is (a user, a row, a message) the
 * stage's header says; a total of 0 is not known yet. A caller that
 * shows time left takes it from the bytes when their total is known,
 * else from the items.
 */
struct ccm_progress_at {
	unsigned long long done, total;
	unsigned long long bytes, bytes_total;
};

/*
 * A stage's progress function, given in its options as `progress` with
 * `progress_ctx`. Core code never prints: the caller draws. A stage calls
 * it once an item is done, or from a thread's loop now and then (see
 * ccm_progress_due), never per byte; calls never overlap, even when the
 * stage runs in threads, so the function needs no lock of its own. It
 * must be quick: it runs inside the stage's loop.
 */
typedef void (*ccm_progress_fn)(void *ctx, const struct ccm_progress_at *at);

/*
 * Whether a tenth of a second has passed since *last (milliseconds of a
 * monotonic clock, 0 at first: due at once), moving *last on when so.
 * For a loop that would otherwise call its progress function per item
 * from several threads: one cheap clock read per item.
 */
int ccm_progress_due(long long *last);

#endif
