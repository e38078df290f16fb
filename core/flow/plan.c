/* plan.c: many post offices cut into jobs balanced by bytes of mail. */
#include "flow/plan.h"
#include "base/buf.h"
#include "base/report.h"
#include "ccmail/bundle.h"
#include "ccmail/share.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A bundle as the plan sees it: its mailboxes and their bytes. */
struct po {
	const char *path;
	char *name;
	struct ccm_share_box *boxes;
	char **box_names;            /* copies: the bundle is closed */
	size_t n;
	unsigned long long bytes;
};

/* The bundle's own problems are verify's and migrate's to report. */
static void quiet(void *ctx, const struct ccm_diag *d)
{
	(void)ctx;
	(void)d;
}

static int read_po(struct po *p, const char *path, char **why, struct ccm_error *err)
{
	struct ccm_report rep = { quiet, NULL, { 0, 0, 0 } };
	struct ccm_bundle *b;
	struct ccm_error oerr;
	int rc;

	memset(p, 0, sizeof(*p));
	p->path = path;
	if (ccm_bundle_open(&b, path, &rep, &oerr) < 0) {
		*why = strdup(oerr.msg);
		return *why ? 1 : ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	rc = ccm_share_boxes(&p->boxes, &p->n, b, err);
	p->name = strdup(b->manifest.post_office);
	p->box_names = calloc(p->n + 1, sizeof(*p->box_names));
	if (rc == 0 && (!p->name || !p->box_names))
		rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < p->n; i++) {
		if (!(p->box_names[i] = strdup(p->boxes[i].name)))
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
		p->boxes[i].name = p->box_names[i];
		p->bytes += p->boxes[i].bytes;
	}
	ccm_bundle_free(b);
	return rc;
}

static void po_release(struct po *p)
{
	for (size_t i = 0; p->box_names && i < p->n; i++)
		free(p->box_names[i]);
	free(p->box_names);
	free(p->boxes);
	free(p->name);
}

static struct ccm_plan_job *new_job(struct ccm_plan *pl)
{
	struct ccm_plan_job *v = realloc(pl->jobs, (pl->n_jobs + 1) * sizeof(*v));

	if (!v)
		return NULL;
	pl->jobs = v;
	memset(&v[pl->n_jobs], 0, sizeof(*v));
	return &v[pl->n_jobs++];
}

/* A part of job j for po p: the boxes whose to[] is `share` (all: NULL). */
static int add_part(struct ccm_plan_job *j, const struct po *p, const size_t *to,
		    size_t share, struct ccm_error *err)
{
	struct ccm_plan_part *v = realloc(j->parts, (j->n_parts + 1) * sizeof(*v)), *pt;

	if (!v)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	j->parts = v;
	pt = &v[j->n_parts++];
	memset(pt, 0, sizeof(*pt));
	pt->po_path = strdup(p->path);
	pt->po_name = strdup(p->name);
	pt->names = calloc(p->n + 1, sizeof(*pt->names));
	pt->whole = to == NULL;
	pt->of = p->n;
	if (!pt->po_path || !pt->po_name || !pt->names)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	for (size_t i = 0; i < p->n; i++) {
		if (to && to[i] != share)
			continue;
		pt->bytes += p->boxes[i].bytes;
		if (!to)
			continue;
		if (!(pt->names[pt->n_names++] = strdup(p->boxes[i].name)))
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	j->bytes += pt->bytes;
	return 0;
}

static int by_po(struct ccm_plan *pl, struct po *pos, size_t n, size_t jobs,
		 struct ccm_error *err)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct po *p = &pos[i];
		/* Its fair number of jobs: its bytes against the whole,
		 * rounded, at least one, at most a job per mailbox. */
		long double want = pl->bytes ? (long double)p->bytes * jobs / pl->bytes : 1;
		size_t k = want < 1 ? 1 : (size_t)(want + 0.5L), *to = NULL;
		struct ccm_plan_job *j;

		if (k > p->n)
			k = p->n ? p->n : 1;
		if (k == 1) {
			if (!(j = new_job(pl)))
				return ccm_error_set(err, CCM_ENOMEM, "out of memory");
			rc = add_part(j, p, NULL, 0, err);
			continue;
		}
		{
			unsigned long long *bytes = malloc(p->n * sizeof(*bytes));

			to = malloc(p->n * sizeof(*to));
			if (!bytes || !to)
				rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			for (size_t b = 0; rc == 0 && b < p->n; b++)
				bytes[b] = p->boxes[b].bytes;
			if (rc == 0)
				rc = ccm_share_assign(to, bytes, p->n, k, err);
			free(bytes);
		}
		for (size_t s = 0; rc == 0 && s < k; s++) {
			if (!(j = new_job(pl)))
				rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			else
				rc = add_part(j, p, to, s, err);
		}
		free(to);
	}
	return rc;
}

static int by_mailbox(struct ccm_plan *pl, struct po *pos, size_t n, size_t jobs,
		      struct ccm_error *err)
{
	size_t total = 0, at = 0, *to, *start = calloc(n + 1, sizeof(*start));
	unsigned long long *bytes;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		total += pos[i].n;
	bytes = malloc((total + 1) * sizeof(*bytes));
	to = malloc((total + 1) * sizeof(*to));
	if (!bytes || !to || !start) {
		free(bytes);
		free(to);
		free(start);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		start[i] = at;
		for (size_t b = 0; b < pos[i].n; b++)
			bytes[at++] = pos[i].boxes[b].bytes;
	}
	rc = ccm_share_assign(to, bytes, total, jobs, err);
	for (size_t s = 0; rc == 0 && s < jobs; s++) {
		struct ccm_plan_job *j = NULL;

		for (size_t i = 0; rc == 0 && i < n; i++) {
			int mine = 0;

			for (size_t b = 0; b < pos[i].n; b++)
				mine |= to[start[i] + b] == s;
			/* Every post office's directory in some job. */
			if (!mine && !(s == 0 && pos[i].n == 0))
				continue;
			if (!j && !(j = new_job(pl)))
				rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			else
				rc = add_part(j, &pos[i], to + start[i], s, err);
		}
	}
	free(bytes);
	free(to);
	free(start);
	return rc;
}

/* Largest job first, ties in the order made: an insertion sort, stable
 * (qsort is not), over a few thousand jobs at most. */
static void larger_first(struct ccm_plan_job *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct ccm_plan_job t = v[i];
		size_t k = i;

		for (; k > 0 && v[k - 1].bytes < t.bytes; k--)
			v[k] = v[k - 1];
		v[k] = t;
	}
}

int ccm_plan_make(struct ccm_plan **out, const char *const *paths, size_t n, size_t jobs,
		  enum ccm_plan_by by, struct ccm_error *err)
{
	struct ccm_plan *pl = calloc(1, sizeof(*pl));
	struct po *pos = calloc(n + 1, sizeof(*pos));
	size_t np = 0;
	int rc = 0;

	*out = NULL;
	if (!pl || !pos) {
		free(pl);
		free(pos);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	pl->skipped = calloc(n + 1, sizeof(*pl->skipped));
	if (!pl->skipped)
		rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *why = NULL;

		rc = read_po(&pos[np], paths[i], &why, err);
		for (size_t k = 0; rc == 0 && k < np; k++) {
			struct ccm_buf w = CCM_BUF_INIT;

			if (strcasecmp(pos[k].name, pos[np].name))
				continue;
			/* Identities are a post office's: two bundles of one
			 * name would mix their mail in a merged store. */
			ccm_buf_addf(&w, "its post office %s is also the bundle '%s': "
				     "plan one of them, or give each its own name",
				     pos[np].name, pos[k].path);
			why = ccm_buf_detach(&w, NULL);
			rc = 1;
		}
		if (rc == 1) {
			po_release(&pos[np]);
			pl->skipped[pl->n_skipped].why = why;
			if (!(pl->skipped[pl->n_skipped++].path = strdup(paths[i])))
				rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			else
				rc = 0;
		} else {
			pl->bytes += pos[np++].bytes;
		}
	}
	if (rc == 0 && np == 0)
		rc = ccm_error_set(err, CCM_EINVAL, "no post office to plan: %s", n ?
				   "none of the folders is a post office bundle" :
				   "the folder holds no post office folders");
	if (rc == 0)
		rc = by == CCM_PLAN_BY_PO ? by_po(pl, pos, np, jobs, err) :
		     by_mailbox(pl, pos, np, jobs, err);
	if (rc == 0)
		larger_first(pl->jobs, pl->n_jobs);
	for (size_t i = 0; i < np; i++)
		po_release(&pos[i]);
	free(pos);
	if (rc < 0) {
		ccm_plan_free(pl);
		return rc;
	}
	*out = pl;
	return 0;
}

void ccm_plan_free(struct ccm_plan *p)
{
	if (!p)
		return;
	for (size_t j = 0; j < p->n_jobs; j++) {
		for (size_t k = 0; k < p->jobs[j].n_parts; k++) {
			struct ccm_plan_part *pt = &p->jobs[j].parts[k];

			for (size_t i = 0; i < pt->n_names; i++)
				free(pt->names[i]);
			free(pt->names);
			free(pt->po_path);
			free(pt->po_name);
		}
		free(p->jobs[j].parts);
	}
	free(p->jobs);
	for (size_t i = 0; i < p->n_skipped; i++) {
		free(p->skipped[i].path);
		free(p->skipped[i].why);
	}
	free(p->skipped);
	free(p);
}
