/* cmd_job.c: `ccmig job PLAN_DIR [INDEX]`: one job of a plan: migrate its
 * post offices (or shares) into its store, verify them, export if the
 * plan says so. */
#include "commands.h"
#include "plan_files.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ccmig job PLAN_DIR [INDEX]\n\n"
		"Runs job INDEX (0 to N-1, N the lines of PLAN_DIR/jobs.txt) of a plan\n"
		"`ccmig plan` made: `ccmig migrate` of each of its post offices (or\n"
		"shares of one) into the job's store, then `ccmig verify` of each, then\n"
		"`ccmig export` when the plan names an export. Without INDEX it is\n"
		"$JOB_COMPLETION_INDEX (a Kubernetes Indexed Job), else\n"
		"$SLURM_ARRAY_TASK_ID (a Slurm job array numbered 0 to N-1).\n\n"
		"Running a job again, after it ended or was killed, on this host or\n"
		"another, ends with the same store and sends nothing twice.\n\n"
		"Exit status: 0 every step clean (decisions included); 1 a step found\n"
		"problems (its report lists them); 2 failed or bad usage.\n");
}

/* The job's index: the argument, else what the runner sets. */
static int job_index(const char *arg, long n, size_t *out)
{
	const char *from = "INDEX", *v = arg;
	char *end;
	long k;

	if (!v && (v = getenv("JOB_COMPLETION_INDEX")))
		from = "$JOB_COMPLETION_INDEX";
	else if (!v && (v = getenv("SLURM_ARRAY_TASK_ID")))
		from = "$SLURM_ARRAY_TASK_ID";
	if (!v)
		return ccm_usage_error("job", "which job? give INDEX, or run it where "
				       "$JOB_COMPLETION_INDEX or $SLURM_ARRAY_TASK_ID is set");
	errno = 0;
	k = strtol(v, &end, 10);
	if (*end || end == v || errno || k < 0 || k >= n)
		return ccm_usage_error("job", "%s is '%s', but the plan's jobs are 0 to "
				       "%ld", from, v, n - 1);
	*out = (size_t)k;
	return 0;
}

/* Makes the folders of a path's parent (the store's, on a host's local
 * disk, may not be there yet). */
static int parent_folders(const char *path)
{
	struct ccm_buf b = CCM_BUF_INIT;
	int rc = 0;

	ccm_buf_adds(&b, path);
	for (char *p = b.ptr + 1; rc == 0 && (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(b.ptr, 0777) != 0 && errno != EEXIST) {
			fprintf(stderr, "ccmig job: cannot make the folder '%s' for the store: "
				"%s\n", b.ptr, strerror(errno));
			rc = -1;
		}
		*p = '/';
	}
	ccm_buf_release(&b);
	return rc;
}

/* Runs `ccmig CMD PO --store S [--mailboxes F]` for each part: the worst
 * status. A failed migrate ends the job. */
static int each_part(const struct ccm_job_desc *d, const char *cmd,
		     int (*run)(int, char **))
{
	int worst = 0;

	for (size_t i = 0; i < d->n_parts && worst < 2; i++) {
		char *argv[] = { (char *)cmd, d->parts[i].po, "--store", d->store,
				 "--mailboxes", d->parts[i].mailboxes, NULL };
		int argc = d->parts[i].mailboxes ? 6 : 4, rc;

		printf("ccmig job: %s %s%s%s\n", cmd, d->parts[i].po,
		       d->parts[i].mailboxes ? " --mailboxes " : "",
		       d->parts[i].mailboxes ? d->parts[i].mailboxes : "");
		fflush(stdout);
		rc = run(argc, argv);
		fflush(stdout);
		worst = rc > worst ? rc : worst;
	}
	return worst;
}

/* `ccmig export --store S EXPORT...`, {job} made the index. */
static int export(const struct ccm_job_desc *d, size_t k)
{
	char **argv = calloc(d->n_export + 4, sizeof(*argv));
	struct ccm_buf *v = calloc(d->n_export + 1, sizeof(*v));
	int rc = 2;

	if (!argv || !v) {
		fprintf(stderr, "ccmig job: out of memory\n");
		free(argv);
		free(v);
		return 2;
	}
	argv[0] = "export";
	argv[1] = "--store";
	argv[2] = d->store;
	printf("ccmig job: export --store %s", d->store);
	for (size_t i = 0; i < d->n_export; i++) {
		const char *s = d->export_args[i], *at;

		ccm_buf_init(&v[i]);
		while ((at = strstr(s, "{job}"))) {
			ccm_buf_add(&v[i], s, (size_t)(at - s));
			ccm_buf_addf(&v[i], "%zu", k);
			s = at + 5;
		}
		ccm_buf_adds(&v[i], s);
		argv[3 + i] = v[i].ptr;
		printf(" %s", v[i].ptr);
	}
	printf("\n");
	fflush(stdout);
	rc = ccm_cmd_export((int)d->n_export + 3, argv);
	for (size_t i = 0; i < d->n_export; i++)
		ccm_buf_release(&v[i]);
	free(v);
	free(argv);
	return rc;
}

int ccm_cmd_job(int argc, char **argv)
{
	const char *dir = NULL, *index = NULL;
	struct ccm_job_desc d;
	struct ccm_error err;
	size_t k = 0;
	long n;
	int rc, worst;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-') {
			return ccm_usage_error("job", "unknown option '%s'", argv[i]);
		} else if (!dir) {
			dir = argv[i];
		} else if (!index) {
			index = argv[i];
		} else {
			return ccm_usage_error("job", "one plan and one job ('%s' too)", argv[i]);
		}
	}
	if (!dir)
		return ccm_usage_error("job", "which plan? give its folder");
	if ((n = ccm_plan_jobs(dir, &err)) < 0) {
		fprintf(stderr, "ccmig job: %s\n", err.msg);
		return 2;
	}
	if ((rc = job_index(index, n, &k)) != 0)
		return rc;
	if (ccm_job_desc_read(&d, dir, k, &err) < 0) {
		fprintf(stderr, "ccmig job: %s\n", err.msg);
		return 2;
	}
	printf("ccmig job: job %zu of %ld of the plan in %s, store %s\n", k, n, dir, d.store);
	if (parent_folders(d.store) < 0) {
		ccm_job_desc_release(&d);
		return 2;
	}
	worst = each_part(&d, "migrate", ccm_cmd_migrate);
	if (worst < 2) {
		rc = each_part(&d, "verify", ccm_cmd_verify);
		worst = rc > worst ? rc : worst;
	}
	if (worst < 2 && d.n_export) {
		rc = export(&d, k);
		worst = rc > worst ? rc : worst;
	}
	printf("ccmig job: job %zu %s\n", k, worst == 0 ? "done" : worst == 1 ?
	       "done, with problems (see the reports above)" : "failed");
	ccm_job_desc_release(&d);
	return worst;
}
