/* policy_args.c: the --policy and --policy-arg options of extract, import and migrate. */
#include "policy_args.h"

#include <stdio.h>
#include <string.h>

int ccm_policy_args_take(struct ccm_policy_args *pa, int argc, char **argv, int *i)
{
	int file = !strcmp(argv[*i], "--policy");

	if (!file && strcmp(argv[*i], "--policy-arg"))
		return 0;
	if (*i + 1 >= argc ||
	    (file ? pa->n_files >= 32 : pa->n_args >= 64)) {
		fprintf(stderr, "ccmig: %s needs a value (at most 32 policies and 64 "
			"arguments)\n", argv[*i]);
		return -1;
	}
	if (file)
		pa->files[pa->n_files++] = argv[++*i];
	else
		pa->args[pa->n_args++] = argv[++*i];
	return 1;
}
