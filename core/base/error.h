/* error.h: return codes and the error detail that goes with them. */
#ifndef CCM_ERROR_H
#define CCM_ERROR_H

#include <stddef.h>

/*
 * Functions return 0 (or a count) on success and one of these negative
 * codes on failure. Expected conditions have codes of their own; programmer
 * mistakes are assert()ed instead.
 */
enum {
	CCM_OK = 0,
	CCM_ENOMEM = -1,       /* out of memory */
	CCM_EIO = -2,          /* the system refused a read, write or open */
	CCM_ENOTFOUND = -3,    /* a named thing does not exist */
	CCM_EMALFORMED = -4,   /* input does not follow its format */
	CCM_EUNSUPPORTED = -5, /* a valid input this version does not handle */
	CCM_ELIMIT = -6,       /* input exceeds a documented limit */
	CCM_EINVAL = -7,       /* bad arguments from the user */
	CCM_EEXISTS = -8       /* would overwrite something */
};

/*
 * The detail of a failure: what failed, where (file, line, byte offset) and
 * what to do, as one lower-case sentence:
 *   bad count '12x' after 'File item:' at smith.exp:41 (byte 1822)
 * Callers own the struct; functions that take a `struct ccm_error *` fill
 * it on failure and leave it alone on success. It may be NULL.
 */
struct ccm_error {
	int code;
	char msg[1024];
};

/* Fills err (if not NULL) and returns code, for `return ccm_error_set(...)`. */
int ccm_error_set(struct ccm_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* As ccm_error_set with code CCM_EIO, appending ": <strerror(errno_value)>",
 * and for a full disk (ENOSPC, EDQUOT) what to do about it. */
int ccm_error_sys(struct ccm_error *err, int errno_value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ccm_error_clear(struct ccm_error *err);
/*
 * Ends the process for want of memory: the one place ccmig's buffers
 * (base/buf.h) go when the system cannot give them `wanted` more bytes.
 * Writes what happened and what to do to stderr (the store keeps what
 * was committed; the same command, run again, goes on where this one
 * stopped) and exits with status 2 at once, without running exit
 * handlers that might allocate. Safe to call from any thread.
 */
void ccm_die_oom(size_t wanted) __attribute__((noreturn));

/* A short static name for a code: "out of memory", "malformed input", ... */
const char *ccm_strerror(int code);

#endif
