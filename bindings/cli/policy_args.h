/* policy_args.h: the --policy and --policy-arg options of extract, import and migrate. */
#ifndef CCM_POLICY_ARGS_H
#define CCM_POLICY_ARGS_H

#include <stddef.h>

/* The options as given: the files and NAME=VALUE pairs for
 * ccm_policies_load (policy/sandbox.h). */
struct ccm_policy_args {
	const char *files[32];
	const char *args[64];
	size_t n_files, n_args;
};

/*
 * Takes argv[*i] (and its value) when it is --policy or --policy-arg:
 * returns 1 and advances *i, 0 when it is another option, -1 (message
 * printed) when the value is missing or there are too many.
 */
int ccm_policy_args_take(struct ccm_policy_args *pa, int argc, char **argv, int *i);

#endif
