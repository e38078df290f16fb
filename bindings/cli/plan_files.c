/* plan_files.c: the files of a plan folder, written and read back. */
#define _XOPEN_SOURCE 700   /* open_memstream */
#include "plan_files.h"
#include "json.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct ccm_buf *add_file(struct ccm_plan_files *f, const char *fmt, size_t a,
				size_t b)
{
	struct ccm_plan_file *v = realloc(f->v, (f->len + 1) * sizeof(*v));
	struct ccm_buf name = CCM_BUF_INIT;

	if (!v)
		ccm_die_oom((f->len + 1) * sizeof(*v));
	f->v = v;
	ccm_buf_addf(&name, fmt, a, b);
	v[f->len].name = ccm_buf_detach(&name, NULL);
	ccm_buf_init(&v[f->len].text);
	return &v[f->len++].text;
}

void ccm_plan_files_release(struct ccm_plan_files *f)
{
	for (size_t i = 0; i < f->len; i++) {
		free(f->v[i].name);
		ccm_buf_release(&f->v[i].text);
	}
	free(f->v);
	f->v = NULL;
	f->len = 0;
}

/* A value of a key=value line ends at the line's end. */
static int one_line(const char *s, struct ccm_error *err)
{
	if (strchr(s, '\n') || strchr(s, '\r'))
		return ccm_error_set(err, CCM_EINVAL, "'%s' holds a line break, which a "
				     "plan's files cannot carry: rename it", s);
	return 0;
}

static const char *mailbox_file = "job-%zu-%zu.mailboxes";

static void job_file(struct ccm_buf *t, const struct ccm_plan *p, size_t k,
		     const struct ccm_plan_how *how)
{
	const struct ccm_plan_job *j = &p->jobs[k];

	ccm_buf_addf(t, "# ccmig plan: job %zu of %zu (0..%zu), run by: ccmig job PLAN_DIR "
		     "%zu\nstore=%s/job-%zu.db\nbytes=%llu\n", k, p->n_jobs, p->n_jobs - 1,
		     k, how->stores_dir, k, j->bytes);
	for (size_t i = 0; i < j->n_parts; i++) {
		ccm_buf_addf(t, "post_office=%s\n", j->parts[i].po_path);
		if (!j->parts[i].whole) {
			ccm_buf_adds(t, "mailboxes=");
			ccm_buf_addf(t, mailbox_file, k, i);
			ccm_buf_addch(t, '\n');
		}
	}
	for (size_t i = 0; i < how->n_export; i++)
		ccm_buf_addf(t, "export=%s\n", how->export_args[i]);
}

static void json_job(FILE *m, const struct ccm_plan *p, size_t k,
		     const struct ccm_plan_how *how)
{
	const struct ccm_plan_job *j = &p->jobs[k];
	struct ccm_buf store = CCM_BUF_INIT;
	char name[64];

	fprintf(m, "%s\n    {\"index\": %zu, \"store\": ", k ? "," : "", k);
	ccm_buf_addf(&store, "%s/job-%zu.db", how->stores_dir, k);
	ccm_json_str(m, store.ptr);
	ccm_buf_release(&store);
	fprintf(m, ", \"bytes\": %llu, \"parts\": [", j->bytes);
	for (size_t i = 0; i < j->n_parts; i++) {
		const struct ccm_plan_part *pt = &j->parts[i];

		fprintf(m, "%s\n      {\"post_office\": ", i ? "," : "");
		ccm_json_str(m, pt->po_path);
		fprintf(m, ", \"name\": ");
		ccm_json_str(m, pt->po_name);
		snprintf(name, sizeof(name), mailbox_file, k, i);
		fprintf(m, ", \"mailboxes\": ");
		ccm_json_str(m, pt->whole ? NULL : name);
		fprintf(m, ", \"share_mailboxes\": %zu, \"of\": %zu, \"bytes\": %llu}",
			pt->whole ? pt->of : pt->n_names, pt->of, pt->bytes);
	}
	fprintf(m, "]}");
}

/* plan.json: the plan for tools and people. */
static void plan_json(struct ccm_buf *t, const struct ccm_plan *p,
		      const struct ccm_plan_how *how)
{
	char *ptr = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&ptr, &len);

	if (!m)
		ccm_die_oom(0);
	fprintf(m, "{\n  \"plan_dir\": ");
	ccm_json_str(m, how->plan_dir);
	fprintf(m, ",\n  \"stores_dir\": ");
	ccm_json_str(m, how->stores_dir);
	fprintf(m, ",\n  \"jobs_asked\": %zu,\n  \"by\": \"%s\",\n  \"bytes\": %llu,\n"
		"  \"export\": [", how->jobs, how->by, p->bytes);
	for (size_t i = 0; i < how->n_export; i++) {
		fprintf(m, "%s", i ? ", " : "");
		ccm_json_str(m, how->export_args[i]);
	}
	fprintf(m, "],\n  \"skipped\": [");
	for (size_t i = 0; i < p->n_skipped; i++) {
		fprintf(m, "%s\n    {\"path\": ", i ? "," : "");
		ccm_json_str(m, p->skipped[i].path);
		fprintf(m, ", \"why\": ");
		ccm_json_str(m, p->skipped[i].why);
		fprintf(m, "}");
	}
	fprintf(m, "],\n  \"jobs\": [");
	for (size_t k = 0; k < p->n_jobs; k++)
		json_job(m, p, k, how);
	fprintf(m, "\n  ]\n}\n");
	if (fclose(m) != 0)
		ccm_die_oom(0);
	ccm_buf_add(t, ptr, len);
	free(ptr);
}

int ccm_plan_files_make(struct ccm_plan_files *out, const struct ccm_plan *p,
			const struct ccm_plan_how *how, struct ccm_error *err)
{
	int rc = one_line(how->plan_dir, err);

	ccm_plan_files_release(out);
	if (rc == 0)
		rc = one_line(how->stores_dir, err);
	for (size_t i = 0; rc == 0 && i < how->n_export; i++)
		rc = one_line(how->export_args[i], err);
	for (size_t k = 0; rc == 0 && k < p->n_jobs; k++)
		for (size_t i = 0; rc == 0 && i < p->jobs[k].n_parts; i++)
			rc = one_line(p->jobs[k].parts[i].po_path, err);
	if (rc < 0)
		return rc;
	/* jobs.txt first (the writer puts it last); add_file moves the array. */
	add_file(out, "jobs.txt", 0, 0);
	for (size_t k = 0; k < p->n_jobs; k++) {
		ccm_buf_adds(&out->v[0].text, "ccmig job ");
		ccm_buf_add_sh_quoted(&out->v[0].text, how->plan_dir);
		ccm_buf_addf(&out->v[0].text, " %zu\n", k);
		job_file(add_file(out, "job-%zu.txt", k, 0), p, k, how);
		for (size_t i = 0; i < p->jobs[k].n_parts; i++) {
			const struct ccm_plan_part *pt = &p->jobs[k].parts[i];
			struct ccm_buf *t;

			if (pt->whole)
				continue;
			t = add_file(out, mailbox_file, k, i);
			ccm_buf_addf(t, "# mailboxes of post office %s in job %zu\n",
				     pt->po_name, k);
			for (size_t n = 0; n < pt->n_names; n++)
				ccm_buf_addf(t, "%s\n", pt->names[n]);
		}
	}
	plan_json(add_file(out, "plan.json", 0, 0), p, how);
	return 0;
}

/* Whether `name` is one of a plan's files (and so ours to remove). */
static int plan_name(const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(name, "jobs.txt") || !strcmp(name, "plan.json"))
		return 1;
	return !strncmp(name, "job-", 4) &&
	       ((n > 8 && !strcmp(name + n - 4, ".txt")) ||
		(n > 14 && !strcmp(name + n - 10, ".mailboxes")));
}

/* The whole of a file, or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct ccm_buf b = CCM_BUF_INIT;
	char chunk[8192];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ccm_buf_add(&b, chunk, n);
	fclose(f);
	return ccm_buf_detach(&b, len);
}

int ccm_plan_files_same(const struct ccm_plan_files *f, const char *dir)
{
	struct ccm_buf path = CCM_BUF_INIT;
	struct dirent *e;
	size_t ours = 0;
	int same = 1;
	DIR *d;

	ccm_buf_addf(&path, "%s/jobs.txt", dir);
	if (access(path.ptr, F_OK) != 0) {
		ccm_buf_release(&path);
		return 1;
	}
	for (size_t i = 0; same && i < f->len; i++) {
		size_t len;
		char *text;

		ccm_buf_reset(&path);
		ccm_buf_addf(&path, "%s/%s", dir, f->v[i].name);
		text = slurp(path.ptr, &len);
		same = text && len == f->v[i].text.len && !memcmp(text, f->v[i].text.ptr, len);
		free(text);
	}
	ccm_buf_release(&path);
	if (same && (d = opendir(dir))) {
		while ((e = readdir(d)))
			ours += plan_name(e->d_name);
		closedir(d);
		same = ours == f->len;
	}
	return same ? 0 : -1;
}

int ccm_plan_files_write(const struct ccm_plan_files *f, const char *dir,
			 struct ccm_error *err)
{
	struct ccm_buf path = CCM_BUF_INIT, tmp = CCM_BUF_INIT;
	struct dirent *e;
	int rc = 0;
	DIR *d = opendir(dir);

	if (!d)
		return ccm_error_sys(err, errno, "cannot read the plan folder '%s'", dir);
	/* jobs.txt first: a plan half replaced is no plan. */
	ccm_buf_addf(&path, "%s/jobs.txt", dir);
	if (unlink(path.ptr) != 0 && errno != ENOENT)
		rc = ccm_error_sys(err, errno, "cannot remove '%s'", path.ptr);
	while (rc == 0 && (e = readdir(d))) {
		if (!plan_name(e->d_name))
			continue;
		ccm_buf_reset(&path);
		ccm_buf_addf(&path, "%s/%s", dir, e->d_name);
		if (unlink(path.ptr) != 0 && errno != ENOENT)
			rc = ccm_error_sys(err, errno, "cannot remove '%s' of the earlier "
					   "plan", path.ptr);
	}
	closedir(d);
	/* jobs.txt is the first file: it goes last, when the rest is there. */
	for (size_t k = 1; rc == 0 && k <= f->len; k++) {
		const struct ccm_plan_file *pf = &f->v[k % f->len];
		FILE *out;

		ccm_buf_reset(&path);
		ccm_buf_reset(&tmp);
		ccm_buf_addf(&path, "%s/%s", dir, pf->name);
		ccm_buf_addf(&tmp, "%s/.%s.tmp", dir, pf->name);
		if (!(out = fopen(tmp.ptr, "wb")))
			rc = ccm_error_sys(err, errno, "cannot write '%s'", tmp.ptr);
		else if (fwrite(pf->text.ptr, 1, pf->text.len, out) != pf->text.len ||
			 fclose(out) != 0)
			rc = ccm_error_sys(err, errno, "cannot write '%s'", tmp.ptr);
		else if (rename(tmp.ptr, path.ptr) != 0)
			rc = ccm_error_sys(err, errno, "cannot write '%s'", path.ptr);
	}
	ccm_buf_release(&path);
	ccm_buf_release(&tmp);
	return rc;
}

long ccm_plan_jobs(const char *dir, struct ccm_error *err)
{
	struct ccm_buf path = CCM_BUF_INIT;
	size_t len;
	long n = 0;
	char *text;

	ccm_buf_addf(&path, "%s/jobs.txt", dir);
	text = slurp(path.ptr, &len);
	if (!text) {
		int rc = ccm_error_sys(err, errno, "'%s' is no plan (cannot read its "
				       "jobs.txt): make one with ccmig plan", dir);

		ccm_buf_release(&path);
		return rc;
	}
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	free(text);
	ccm_buf_release(&path);
	return n;
}

static int add_str(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (!nv)
		return CCM_ENOMEM;
	*v = nv;
	if (!(nv[*n] = ccm_strdup(s)))
		return CCM_ENOMEM;
	(*n)++;
	return 0;
}

/* One key=value line of job-K.txt into d. */
static int job_line(struct ccm_job_desc *d, const char *dir, const char *key,
		    const char *value)
{
	if (!strcmp(key, "store"))
		return (free(d->store), d->store = ccm_strdup(value)) ? 0 : CCM_ENOMEM;
	if (!strcmp(key, "post_office")) {
		struct ccm_job_part *v = realloc(d->parts, (d->n_parts + 1) * sizeof(*v));

		if (!v)
			return CCM_ENOMEM;
		d->parts = v;
		v[d->n_parts].mailboxes = NULL;
		if (!(v[d->n_parts].po = ccm_strdup(value)))
			return CCM_ENOMEM;
		d->n_parts++;
		return 0;
	}
	if (!strcmp(key, "mailboxes")) {
		struct ccm_buf p = CCM_BUF_INIT;

		if (!d->n_parts || d->parts[d->n_parts - 1].mailboxes)
			return CCM_EMALFORMED;
		/* Beside the job's file: the plan folder may have moved. */
		ccm_buf_addf(&p, "%s/%s", dir, value);
		d->parts[d->n_parts - 1].mailboxes = ccm_buf_detach(&p, NULL);
		return 0;
	}
	if (!strcmp(key, "export"))
		return add_str(&d->export_args, &d->n_export, value);
	return strcmp(key, "bytes") ? CCM_EMALFORMED : 0;
}

int ccm_job_desc_read(struct ccm_job_desc *out, const char *dir, size_t index,
		      struct ccm_error *err)
{
	struct ccm_buf path = CCM_BUF_INIT;
	char *text, *line, *next;
	size_t len;
	long no = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	ccm_buf_addf(&path, "%s/job-%zu.txt", dir, index);
	if (!(text = slurp(path.ptr, &len))) {
		rc = ccm_error_sys(err, errno, "cannot read '%s', the description of job "
				   "%zu: is the plan folder whole?", path.ptr, index);
		ccm_buf_release(&path);
		return rc;
	}
	for (line = text; rc == 0 && line < text + len; line = next) {
		char *eq;

		next = strchr(line, '\n');
		next = next ? next + 1 : text + len;
		next[-1] = next[-1] == '\n' ? '\0' : next[-1];
		no++;
		if (!*line || *line == '#')
			continue;
		if (!(eq = strchr(line, '=')))
			rc = CCM_EMALFORMED;
		else {
			*eq = '\0';
			rc = job_line(out, dir, line, eq + 1);
		}
		if (rc == CCM_EMALFORMED)
			rc = ccm_error_set(err, rc, "'%s' at %s:%ld is not a line of a job "
					   "(store=, post_office=, mailboxes=, export=): make "
					   "the plan again", line, path.ptr, no);
		else if (rc < 0)
			rc = ccm_error_set(err, rc, "out of memory reading '%s'", path.ptr);
	}
	if (rc == 0 && (!out->store || !out->n_parts))
		rc = ccm_error_set(err, CCM_EMALFORMED, "%s names no store or no post "
				   "office: make the plan again", path.ptr);
	free(text);
	ccm_buf_release(&path);
	if (rc < 0)
		ccm_job_desc_release(out);
	return rc;
}

void ccm_job_desc_release(struct ccm_job_desc *d)
{
	for (size_t i = 0; i < d->n_parts; i++) {
		free(d->parts[i].po);
		free(d->parts[i].mailboxes);
	}
	free(d->parts);
	for (size_t i = 0; i < d->n_export; i++)
		free(d->export_args[i]);
	free(d->export_args);
	free(d->store);
	memset(d, 0, sizeof(*d));
}
