/* extract_args.h: the options `extract` and `migrate` share: what the
 * extraction takes (code page, no mail, R8 folders, a date window). */
#ifndef CCM_EXTRACT_ARGS_H
#define CCM_EXTRACT_ARGS_H

#include <stdio.h>
#include "ccmail/bundle.h"
#include "iff/extract.h"

struct ccm_extract_args {
	const char *since, *until;      /* as given, read by extract_args_apply */
};

/* The lines of --help that describe them. */
void ccm_extract_args_usage(FILE *out);

/*
 * Takes argv[*i] (and its value) into o when it is one of the shared
 * options: returns 1 and advances *i, 0 when it is another option, -1
 * (message printed, naming `cmd`) when its value is missing or bad.
 */
int ccm_extract_args_take(struct ccm_extract_args *a, struct ccm_extract_opts *o,
		      const char *cmd, int argc, char **argv, int *i);

/* Reads the dates in the post office's zone into o: 0, or -1 with a
 * message naming `cmd` printed. */
int ccm_extract_args_apply(const struct ccm_extract_args *a, const struct ccm_bundle *b,
		       struct ccm_extract_opts *o, const char *cmd);

#endif
