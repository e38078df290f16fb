/* share_args.h: the options `migrate` and `verify` share to name a share
 * of a post office (--mailboxes FILE, --shard I/N). */
#ifndef CCM_SHARE_ARGS_H
#define CCM_SHARE_ARGS_H

#include <stdio.h>
#include "ccmail/bundle.h"
#include "ccmail/share.h"

struct ccm_share_args {
	const char *mailboxes;      /* --mailboxes FILE, or NULL */
	const char *shard;          /* --shard I/N as given, or NULL */
};

/* The lines of --help that describe them. */
void ccm_share_args_usage(FILE *out);

/*
 * Takes argv[*i] (and its value) when it is one of the options: 1 and
 * *i advanced, 0 when it is another option, -1 (message printed, naming
 * `cmd`) when its value is missing or bad, or both are given.
 */
int ccm_share_args_take(struct ccm_share_args *a, const char *cmd, int argc, char **argv,
			int *i);

/* The share the options name for bundle b into *out (NULL: none given):
 * 0, or -1 with a message naming `cmd` printed (a name that is no
 * mailbox, with the file and line; an unreadable file). */
int ccm_share_args_apply(struct ccm_share **out, const struct ccm_share_args *a,
			 const struct ccm_bundle *b, const char *cmd);

#endif
