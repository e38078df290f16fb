/* cmd_plan.c: `ccmig plan BUNDLES_DIR --jobs N -o PLAN_DIR`: post offices
 * cut into jobs balanced by bytes, for GNU parallel, Slurm, Kubernetes. */
#define _XOPEN_SOURCE 700   /* realpath */
#include "commands.h"
#include "plan_files.h"
#include "usage.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/plan.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ccmig plan BUNDLES_DIR --jobs N -o PLAN_DIR [options] [-- EXPORT...]\n\n"
		"Plans the migration of every post office folder (bundle) in BUNDLES_DIR\n"
		"as about N jobs balanced by bytes of mail, each migrating into a store\n"
		"of its own. Writes PLAN_DIR/jobs.txt, one line 'ccmig job PLAN_DIR K' a\n"
		"job, for GNU parallel, a Slurm job array or a Kubernetes Indexed Job;\n"
		"PLAN_DIR/job-K.txt (and job-K-P.mailboxes) for `ccmig job`, and\n"
		"PLAN_DIR/plan.json. Planning again gives the same files (docs/scale.md).\n\n"
		"options:\n"
		"  --jobs N              how many jobs, about (N >= 1)\n"
		"  -o, --output PLAN_DIR the plan's folder (made if missing)\n"
		"  --by post-office      a job per post office; one bigger than its fair\n"
		"                        part is split into shares of its mailboxes\n"
		"                        (the default)\n"
		"  --by mailbox          the mailboxes of all post offices dealt into N\n"
		"                        shares by bytes\n"
		"  --stores DIR          each job's store as DIR/job-K.db (local disk);\n"
		"                        default PLAN_DIR/stores\n"
		"  --force               replace another plan PLAN_DIR holds\n"
		"  -- EXPORT...          after migrating and verifying, each job exports\n"
		"                        its store: EXPORT are the arguments of `ccmig\n"
		"                        export` but its store, {job} in them the job's\n"
		"                        index (a folder a job: /out/job-{job})\n\n"
		"A folder of BUNDLES_DIR that is not a bundle, or a second bundle of one\n"
		"post office, is left out, with a warning.\n"
		"Exit status: 0 planned; 1 planned, but a folder was left out; 2 failed\n"
		"or bad usage (no bundle, another plan in PLAN_DIR).\n");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The subfolders of dir (absolute, sorted): 0, or -1 with the message
 * printed. */
static int subfolders(char ***out, size_t *n, const char *dir)
{
	char *abs = realpath(dir, NULL);
	struct dirent *e;
	DIR *d;

	*out = NULL;
	*n = 0;
	if (!abs || !(d = opendir(abs))) {
		fprintf(stderr, "ccmig plan: cannot read '%s': %s\n", dir, strerror(errno));
		free(abs);
		return -1;
	}
	while ((e = readdir(d))) {
		struct ccm_buf p = CCM_BUF_INIT;
		struct stat sb;
		char **v;

		if (e->d_name[0] == '.')
			continue;
		ccm_buf_addf(&p, "%s/%s", abs, e->d_name);
		if (stat(p.ptr, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
		    !(v = realloc(*out, (*n + 1) * sizeof(*v)))) {
			ccm_buf_release(&p);
			continue;
		}
		*out = v;
		v[(*n)++] = ccm_buf_detach(&p, NULL);
	}
	closedir(d);
	free(abs);
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), cmp_str);
	return 0;
}

/* An absolute form of a folder that may not exist yet. */
static char *absolute(const char *p)
{
	struct ccm_buf b = CCM_BUF_INIT;
	char cwd[PATH_MAX];

	if (p[0] != '/' && getcwd(cwd, sizeof(cwd)))
		ccm_buf_addf(&b, "%s/", cwd);
	ccm_buf_adds(&b, p);
	while (b.len > 1 && b.ptr[b.len - 1] == '/')
		ccm_buf_truncate(&b, b.len - 1);
	return ccm_buf_detach(&b, NULL);
}

static int plan(const char *bundles, size_t jobs, enum ccm_plan_by by, const char *dir,
		const char *stores, int force, char **exp, size_t n_exp)
{
	struct ccm_plan_files files = { NULL, 0 };
	struct ccm_plan *p = NULL;
	struct ccm_error err;
	char **paths, *pdir = NULL, *sdir = NULL;
	size_t n;
	int rc = 2, same;

	if (subfolders(&paths, &n, bundles) < 0)
		return 2;
	if (ccm_plan_make(&p, (const char *const *)paths, n, jobs, by, &err) < 0) {
		fprintf(stderr, "ccmig plan: %s in '%s'\n", err.msg, bundles);
		goto out;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "ccmig plan: cannot make the plan folder '%s': %s\n", dir,
			strerror(errno));
		goto out;
	}
	pdir = realpath(dir, NULL);
	if (!pdir) {
		fprintf(stderr, "ccmig plan: cannot use the plan folder '%s': %s\n", dir,
			strerror(errno));
		goto out;
	}
	if (stores) {
		sdir = absolute(stores);
	} else {
		struct ccm_buf b = CCM_BUF_INIT;

		ccm_buf_addf(&b, "%s/stores", pdir);
		sdir = ccm_buf_detach(&b, NULL);
	}
	{
		struct ccm_plan_how how = { pdir, sdir, jobs,
					    by == CCM_PLAN_BY_PO ? "post-office" : "mailbox",
					    exp, n_exp };

		if (ccm_plan_files_make(&files, p, &how, &err) < 0) {
			fprintf(stderr, "ccmig plan: %s\n", err.msg);
			goto out;
		}
	}
	same = ccm_plan_files_same(&files, pdir);
	if (same < 0 && !force) {
		fprintf(stderr, "ccmig plan: '%s' holds another plan; give --force to "
			"replace it (the stores of its jobs stay), or choose another "
			"folder\n", dir);
		goto out;
	}
	if (same != 0 && ccm_plan_files_write(&files, pdir, &err) < 0) {
		fprintf(stderr, "ccmig plan: %s\n", err.msg);
		goto out;
	}
	for (size_t i = 0; i < p->n_skipped; i++)
		fprintf(stderr, "ccmig plan: warning: '%s' left out: %s\n",
			p->skipped[i].path, p->skipped[i].why);
	printf("%s %zu job%s (%zu asked) for %zu post office folder%s, %llu bytes of "
	       "mail, in %s\n", same == 0 ? "Already planned:" : "Planned",
	       p->n_jobs, p->n_jobs == 1 ? "" : "s", jobs, n - p->n_skipped,
	       n - p->n_skipped == 1 ? "" : "s", p->bytes, pdir);
	if (p->n_jobs)
		printf("Largest job %llu bytes, smallest %llu; each job's store is %s/"
		       "job-K.db\n", p->jobs[0].bytes, p->jobs[p->n_jobs - 1].bytes, sdir);
	if (p->n_skipped)
		printf("Left out: %zu folder%s, each said why above\n",
		       p->n_skipped, p->n_skipped == 1 ? "" : "s");
	printf("Run it: parallel -j%zu --joblog %s/joblog < %s/jobs.txt\n", jobs, pdir, pdir);
	rc = p->n_skipped ? 1 : 0;
out:
	ccm_plan_files_release(&files);
	ccm_plan_free(p);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	free(pdir);
	free(sdir);
	return rc;
}

int ccm_cmd_plan(int argc, char **argv)
{
	const char *bundles = NULL, *dir = NULL, *stores = NULL;
	enum ccm_plan_by by = CCM_PLAN_BY_PO;
	long jobs = 0;
	int force = 0, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else if ((!strcmp(a, "--jobs") || !strcmp(a, "-o") || !strcmp(a, "--output") ||
			    !strcmp(a, "--by") || !strcmp(a, "--stores")) && i + 1 >= argc) {
			return ccm_usage_error("plan", "%s needs a value", a);
		} else if (!strcmp(a, "--jobs")) {
			char *end;

			errno = 0;
			jobs = strtol(argv[++i], &end, 10);
			if (*end || end == argv[i] || errno || jobs < 1 || jobs > 1000000)
				return ccm_usage_error("plan", "--jobs takes a number of jobs, "
						       "1 or more, not '%s'", argv[i]);
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			dir = argv[++i];
		} else if (!strcmp(a, "--stores")) {
			stores = argv[++i];
		} else if (!strcmp(a, "--by")) {
			a = argv[++i];
			if (!strcmp(a, "post-office"))
				by = CCM_PLAN_BY_PO;
			else if (!strcmp(a, "mailbox"))
				by = CCM_PLAN_BY_MAILBOX;
			else
				return ccm_usage_error("plan", "--by takes post-office or "
						       "mailbox, not '%s'", a);
		} else if (!strcmp(a, "--force")) {
			force = 1;
		} else if (a[0] == '-') {
			return ccm_usage_error("plan", "unknown option '%s'", a);
		} else if (bundles) {
			return ccm_usage_error("plan", "one folder of bundles ('%s' and '%s')",
					       bundles, a);
		} else {
			bundles = a;
		}
	}
	if (!bundles)
		return ccm_usage_error("plan", "which post offices? give the folder that "
				       "holds their folders");
	if (!jobs)
		return ccm_usage_error("plan", "how many jobs? give --jobs N");
	if (!dir)
		return ccm_usage_error("plan", "where does the plan go? give -o PLAN_DIR");
	return plan(bundles, (size_t)jobs, by, dir, stores, force, argv + i,
		    (size_t)(argc - i));
}
