/* policy_args.c: the --policy and --policy-arg options of extract, import and migrate. */
#include "policy_args.h"
#include "policy/stock.h"
#include "usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ccm_policy_args_usage(FILE *out)
{
	fprintf(out,
		"  --policy P            a migration policy: a Lua file, or the name of\n"
		"                        a stock policy such as skip-mail or date-range\n"
		"                        (repeatable; docs/policies.md)\n"
		"  --policy-arg N=V      an argument for the policies\n");
}

int ccm_policy_args_take(struct ccm_policy_args *pa, const char *cmd, int argc,
			 char **argv, int *i)
{
	int file = !strcmp(argv[*i], "--policy");
	struct ccm_error err;
	const char *v;

	if (!file && strcmp(argv[*i], "--policy-arg"))
		return 0;
	if (*i + 1 >= argc) {
		ccm_usage_error(cmd, "%s needs a value", argv[*i]);
		return -1;
	}
	if (file ? pa->n_files >= 32 : pa->n_args >= 64) {
		ccm_usage_error(cmd, "at most 32 policies and 64 policy arguments");
		return -1;
	}
	v = argv[++*i];
	if (!file) {
		pa->args[pa->n_args++] = v;
		return 1;
	}
	if (ccm_stock_is_name(v)) {
		char **found = &pa->found[pa->n_files];

		if (ccm_stock_find(found, v, &err) < 0) {
			fprintf(stderr, "ccmig %s: %s\n", cmd, err.msg);
			return -1;
		}
		v = *found;
	}
	pa->files[pa->n_files++] = v;
	return 1;
}

void ccm_policy_args_release(struct ccm_policy_args *pa)
{
	for (size_t i = 0; i < pa->n_files; i++) {
		free(pa->found[i]);
		pa->found[i] = NULL;
	}
	pa->n_files = pa->n_args = 0;
}
