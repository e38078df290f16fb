/* plan_files.h: the files of a plan folder, written by `ccmig plan` and
 * read by `ccmig job` (docs/scale.md): jobs.txt, plan.json, and for job K
 * job-K.txt and its mailbox lists job-K-P.mailboxes. */
#ifndef CCM_PLAN_FILES_H
#define CCM_PLAN_FILES_H

#include <stddef.h>
#include "base/buf.h"
#include "base/error.h"
#include "flow/plan.h"

/* A file of a plan, in memory. */
struct ccm_plan_file {
	char *name;                  /* in the plan folder */
	struct ccm_buf text;
};

struct ccm_plan_files {
	struct ccm_plan_file *v;
	size_t len;
};

/* How the plan was asked for, as plan.json records it. */
struct ccm_plan_how {
	const char *plan_dir;        /* absolute */
	const char *stores_dir;      /* absolute */
	size_t jobs;                 /* asked for */
	const char *by;              /* "post-office" or "mailbox" */
	char *const *export_args;    /* `ccmig export --store S` takes these
					after each job; "{job}" is its index */
	size_t n_export;
};

/*
 * The files of plan p, in memory (out is emptied first): jobs.txt with
 * the line `ccmig job 'PLAN_DIR' K` for each job, plan.json, job-K.txt
 * (key=value lines: store, bytes, post_office and its mailboxes,
 * export) and the mailbox lists. The same plan gives the same bytes.
 * Returns 0, or CCM_EINVAL when a path holds a line break (err says
 * which).
 */
int ccm_plan_files_make(struct ccm_plan_files *out, const struct ccm_plan *p,
			const struct ccm_plan_how *how, struct ccm_error *err);
void ccm_plan_files_release(struct ccm_plan_files *f);

/*
 * Compares f with what folder dir holds: 1 when dir holds no plan
 * (no jobs.txt), 0 when it holds exactly these files, -1 when it holds
 * another plan (different or more files of a plan's names).
 */
int ccm_plan_files_same(const struct ccm_plan_files *f, const char *dir);

/* Removes the files of a plan from dir (jobs.txt, plan.json, job-*.txt,
 * job-*.mailboxes), never anything else; then writes f, each file whole
 * before its name appears (jobs.txt last). 0, or CCM_EIO (err filled). */
int ccm_plan_files_write(const struct ccm_plan_files *f, const char *dir,
			 struct ccm_error *err);

/* A job as `ccmig job` reads it from job-K.txt. */
struct ccm_job_part {
	char *po;                    /* the bundle's folder */
	char *mailboxes;             /* its list (absolute), or NULL: whole */
};

struct ccm_job_desc {
	char *store;
	struct ccm_job_part *parts;
	size_t n_parts;
	char **export_args;
	size_t n_export;
};

/* The number of jobs of the plan in dir (lines of jobs.txt): >= 0, or
 * a negative code (err filled) when it is no plan. */
long ccm_plan_jobs(const char *dir, struct ccm_error *err);

/* Reads job `index` of the plan in dir: 0, or a negative code (err
 * naming the file and line). Release with ccm_job_desc_release(). */
int ccm_job_desc_read(struct ccm_job_desc *out, const char *dir, size_t index,
		      struct ccm_error *err);
void ccm_job_desc_release(struct ccm_job_desc *d);

#endif
