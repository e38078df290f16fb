/* share_args.c: --mailboxes FILE and --shard I/N. */
#include "share_args.h"
#include "usage.h"

#include <string.h>

void ccm_share_args_usage(FILE *out)
{
	fprintf(out,
		"  --mailboxes FILE      only the mail of the mailboxes FILE names (one\n"
		"                        cc:Mail name or board a line; '#' comments)\n"
		"  --shard I/N           only the mail of share I of N (0 <= I < N): the\n"
		"                        mailboxes dealt into N shares balanced by bytes\n");
}

int ccm_share_args_take(struct ccm_share_args *a, const char *cmd, int argc, char **argv,
			int *i)
{
	const char *opt = argv[*i];
	size_t si, sn;

	if (strcmp(opt, "--mailboxes") && strcmp(opt, "--shard"))
		return 0;
	if (*i + 1 >= argc) {
		ccm_usage_error(cmd, "%s needs a value", opt);
		return -1;
	}
	(*i)++;
	if (!strcmp(opt, "--mailboxes")) {
		a->mailboxes = argv[*i];
	} else if (ccm_share_parse(argv[*i], &si, &sn) < 0) {
		ccm_usage_error(cmd, "--shard takes I/N with 0 <= I < N, such as 0/4, "
				"not '%s'", argv[*i]);
		return -1;
	} else {
		a->shard = argv[*i];
	}
	if (a->mailboxes && a->shard) {
		ccm_usage_error(cmd, "--mailboxes and --shard each name a share: give one");
		return -1;
	}
	return 1;
}

int ccm_share_args_apply(struct ccm_share **out, const struct ccm_share_args *a,
			 const struct ccm_bundle *b, const char *cmd)
{
	struct ccm_error err;
	size_t si = 0, sn = 1;
	int rc = 0;

	*out = NULL;
	if (a->mailboxes)
		rc = ccm_share_read(out, b, a->mailboxes, &err);
	else if (a->shard && ccm_share_parse(a->shard, &si, &sn) == 0)
		rc = ccm_share_pick(out, b, si, sn, &err);
	if (rc < 0) {
		fprintf(stderr, "ccmig %s: %s\n", cmd, err.msg);
		return -1;
	}
	return 0;
}
