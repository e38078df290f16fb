/* error.c: filling in error details. */
#include "base/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

int ccm_error_set(struct ccm_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int ccm_error_sys(struct ccm_error *err, int errno_value, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!err)
		return CCM_EIO;
	err->code = CCM_EIO;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	/* A full disk is the one failure users can always fix themselves. */
	snprintf(err->msg + n, sizeof(err->msg) - n, ": %s%s", strerror(errno_value),
		 errno_value == ENOSPC || errno_value == EDQUOT ?
		 "; free space and run the same command again (what is done is kept)" : "");
	return CCM_EIO;
}

void ccm_error_clear(struct ccm_error *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

const char *ccm_strerror(int code)
{
	switch (code) {
	case CCM_OK: return "success";
	case CCM_ENOMEM: return "out of memory";
	case CCM_EIO: return "input/output error";
	case CCM_ENOTFOUND: return "not found";
	case CCM_EMALFORMED: return "malformed input";
	case CCM_EUNSUPPORTED: return "unsupported";
	case CCM_ELIMIT: return "limit exceeded";
	case CCM_EINVAL: return "invalid argument";
	case CCM_EEXISTS: return "already exists";
	}
	return "unknown error";
}

void ccm_die_oom(size_t wanted)
{
	char msg[400];
	int n = snprintf(msg, sizeof(msg), "ccmig: out of memory (%zu bytes more "
			 "were wanted); what was committed to the store and written "
			 "to disk stays: free memory (fewer --imap-connections, other "
			 "programs), then run the same command again, and it goes on "
			 "where this one stopped\n", wanted);

	if (n > 0) {
		/* Nothing more can be done if stderr refuses it. */
		ssize_t w = write(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);

		(void)w;
	}
	_exit(2);
}
