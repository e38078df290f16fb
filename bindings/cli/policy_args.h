/* policy_args.h: the --policy and --policy-arg options of extract, import and migrate. */
#ifndef CCM_POLICY_ARGS_H
#define CCM_POLICY_ARGS_H

#include <stddef.h>
#include <stdio.h>

/* The options as given: the files and NAME=VALUE pairs for
 * ccm_policies_load (policy/sandbox.h). Start it zeroed ({ 0 }). */
struct ccm_policy_args {
	const char *files[32];  /* as given, or a stock policy's path */
	char *found[32];        /* the stock policies' paths (owned) */
	const char *args[64];
	size_t n_files, n_args;
};

/*
 * Takes argv[*i] (and its value) when it is --policy or --policy-arg:
 * returns 1 and advances *i, 0 when it is another option, -1 (message
 * printed, naming `cmd`) when the value is missing, there are too many,
 * or it names a stock policy that does not exist (stock.h: the message
 * lists those that do).
 */
int ccm_policy_args_take(struct ccm_policy_args *pa, const char *cmd, int argc,
			 char **argv, int *i);

/* The lines of --help that describe --policy and --policy-arg. */
void ccm_policy_args_usage(FILE *out);

/* Frees the stock policies' paths; pa may be taken again after. */
void ccm_policy_args_release(struct ccm_policy_args *pa);

#endif
