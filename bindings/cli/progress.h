/* progress.h: a progress line on a terminal for long runs. */
#ifndef CCM_PROGRESS_H
#define CCM_PROGRESS_H

#include "base/progress.h"

/*
 * Shows what a run is doing, items and bytes done, the rate and the time
 * left on stderr, redrawn at most ten times a second, and only when
 * stderr is a terminal (quiet in pipes, logs and CI) unless --progress or
 * --no-progress chose otherwise (ccm_progress_option).
 */
struct ccm_progress {
	int enabled;
	const char *doing;         /* "extracting", "exporting to Maildir" ... */
	const char *what;          /* "users", "messages" ... */
	struct ccm_progress_at at; /* where the run is */
	double start, last;
	int drawn;                 /* a line is on the terminal */
	char note[48];             /* said at the end of the line; "": nothing */
};

/*
 * 1 when argument `a` is --progress (a line even when stderr is not a
 * terminal) or --no-progress (none even on a terminal), taking the choice
 * for every progress line of the process; 0 for any other argument.
 */
int ccm_progress_option(const char *a);
/* The options above, for a command's usage. */
#define CCM_PROGRESS_USAGE \
	"  --progress, --no-progress  show progress on stderr even when it is\n" \
	"                        not a terminal, or not even on one\n"

/* Starts a line: what the run is doing, what its items are, how many
 * are expected (0: not known). */
void ccm_progress_start(struct ccm_progress *p, const char *doing, const char *what,
			unsigned long long total);
/* Another step of the same run ("importing" after "extracting"): the
 * counts and the clock start again. */
void ccm_progress_stage(struct ccm_progress *p, const char *doing, const char *what,
			unsigned long long total);
/* Items and bytes done so far (the totals stay as they are). */
void ccm_progress_update(struct ccm_progress *p, unsigned long long done,
			 unsigned long long bytes);
/* Where the run is, totals included. */
void ccm_progress_show(struct ccm_progress *p, const struct ccm_progress_at *at);
/* A ccm_progress_fn (base/progress.h) for a stage's options: ctx is the
 * struct ccm_progress to draw on. */
void ccm_progress_fn_draw(void *ctx, const struct ccm_progress_at *at);
/* Clears the line. */
void ccm_progress_end(struct ccm_progress *p);
/* "1.2 MiB" for a byte count, into out (at least 16 bytes). */
void ccm_format_bytes(char *out, unsigned long outsz, unsigned long long n);

#endif
