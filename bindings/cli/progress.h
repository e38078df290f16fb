/* progress.h: a progress line on a terminal for long runs. */
#ifndef CCM_PROGRESS_H
#define CCM_PROGRESS_H

/*
 * Shows items, bytes, rate and ETA on stderr, redrawn at most five times a
 * second, and only when stderr is a terminal (quiet in pipes, logs and CI).
 */
struct ccm_progress {
	int enabled;
	const char *what;          /* "users", "messages" ... */
	unsigned long long total;  /* items expected, 0 if unknown */
	unsigned long long done, bytes;
	double start, last;
};

void ccm_progress_start(struct ccm_progress *p, const char *what, unsigned long long total);
void ccm_progress_update(struct ccm_progress *p, unsigned long long done,
		     unsigned long long bytes);
/* Clears the line. */
void ccm_progress_end(struct ccm_progress *p);
/* "1.2 MiB" for a byte count, into out (at least 16 bytes). */
void ccm_format_bytes(char *out, unsigned long outsz, unsigned long long n);

#endif
