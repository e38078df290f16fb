/* plan.h: many post offices cut into jobs balanced by bytes of mail, for
 * runners such as GNU parallel, Slurm job arrays, Kubernetes Indexed Jobs. */
#ifndef CCM_PLAN_H
#define CCM_PLAN_H

#include <stddef.h>
#include "base/error.h"

/* A post office, or a share of its mailboxes, that a job migrates. */
struct ccm_plan_part {
	char *po_path;              /* the bundle's folder, as given */
	char *po_name;              /* its manifest's post office */
	int whole;                  /* 1: every mailbox (names unused) */
	char **names;               /* the share's mailboxes, in the order of
				       ccm_share_boxes */
	size_t n_names;
	size_t of;                  /* mailboxes of the post office */
	unsigned long long bytes;   /* of the mail migrated */
};

struct ccm_plan_job {
	struct ccm_plan_part *parts;
	size_t n_parts;
	unsigned long long bytes;   /* of all parts */
};

/* A bundle left out of the plan, and why. */
struct ccm_plan_skip {
	char *path;
	char *why;
};

struct ccm_plan {
	struct ccm_plan_job *jobs;
	size_t n_jobs;
	struct ccm_plan_skip *skipped;
	size_t n_skipped;
	unsigned long long bytes;   /* of every post office */
};

enum ccm_plan_by {
	/* A job per post office; one bigger than its fair part (its bytes
	 * against all bytes / jobs) is split into about that many shares. */
	CCM_PLAN_BY_PO,
	/* The mailboxes of every post office dealt into `jobs` shares; a
	 * post office without mailboxes goes whole to the first job. */
	CCM_PLAN_BY_MAILBOX
};

/*
 * Plans the bundles in folders paths[0..n) (in that order, which the
 * caller keeps stable: a sorted listing) into about `jobs` jobs (>= 1)
 * balanced by bytes of mail (ccmail/share.h: ccm_share_boxes and
 * ccm_share_assign; every share is a deal the same on every host).
 * A folder that is not a bundle is left out, with why, in skipped; so is
 * a bundle of a post office an earlier folder has (case aside).
 * Jobs are in order of bytes, largest first (ties: post office order),
 * so that runners that start them in order finish soonest; no job is
 * empty. *out: free with ccm_plan_free(). Returns 0, or a negative code
 * (err filled): CCM_EINVAL when no folder is a bundle, CCM_ENOMEM.
 */
int ccm_plan_make(struct ccm_plan **out, const char *const *paths, size_t n, size_t jobs,
		  enum ccm_plan_by by, struct ccm_error *err);

void ccm_plan_free(struct ccm_plan *p);

#endif
