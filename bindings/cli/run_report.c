/* run_report.c: a run's report file beside its output, and its summary. */
#include "run_report.h"
#include "report_print.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/nofollow.h"

/* Problems shown on the terminal (the first of each kind), and kinds of
 * notes named: past these the summary says how many more. */
#define SHOWN_PROBLEMS 8
#define NAMED_NOTES 6

void ccm_run_report_init(struct ccm_run_report *r, const char *command)
{
	memset(r, 0, sizeof(*r));
	r->command = command;
	r->rep.sink = ccm_diaglist_sink;
	r->rep.ctx = &r->diags;
	ccm_buf_init(&r->counts);
	ccm_buf_init(&r->other);
}

void ccm_run_report_release(struct ccm_run_report *r)
{
	ccm_diaglist_release(&r->diags);
	ccm_buf_release(&r->counts);
	ccm_buf_release(&r->other);
}

void ccm_run_report_dir(struct ccm_buf *out, const char *store)
{
	ccm_buf_reset(out);
	ccm_buf_addf(out, "%s.report", store);
}

/* ---- the events by kind ------------------------------------------------ */

enum group { DECISION, PROBLEM, NOTE };

struct kind {
	const char *kind;            /* borrowed from the first entry */
	enum group group;
	enum ccm_severity worst;
	size_t n, first;             /* how many, the index of the first */
};

struct kinds {
	struct kind *k;
	size_t n;
	size_t count[3];             /* entries by group */
};

static enum group group_of(const struct ccm_diag *d)
{
	if (ccm_diag_is_decision(d))
		return DECISION;
	return d->severity == CCM_NOTE ? NOTE : PROBLEM;
}

/* Worst first, then the most frequent, then the first to happen. */
static int by_weight(const void *a, const void *b)
{
	const struct kind *x = a, *y = b;

	if (x->worst != y->worst)
		return x->worst > y->worst ? -1 : 1;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static void kinds_count(struct kinds *out, const struct ccm_diaglist *d)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < d->len; i++) {
		const struct ccm_diag *e = &d->items[i];
		const char *kind = e->kind ? e->kind : "";
		enum group g = group_of(e);
		size_t j;

		out->count[g]++;
		for (j = 0; j < out->n; j++)
			if (out->k[j].group == g && !strcmp(out->k[j].kind, kind))
				break;
		if (j == out->n) {
			/* Kinds are few (a fixed list in the code): a new one is rare. */
			struct kind *k = realloc(out->k, (out->n + 1) * sizeof(*k));

			if (!k)
				ccm_die_oom((out->n + 1) * sizeof(*k));
			out->k = k;
			out->k[out->n++] = (struct kind){ kind, g, e->severity, 0, i };
		}
		out->k[j].n++;
		if (e->severity > out->k[j].worst)
			out->k[j].worst = e->severity;
	}
	if (out->n)
		qsort(out->k, out->n, sizeof(*out->k), by_weight);
}

/* The "Report: ..." line of every command. */
static void counts_line(struct ccm_buf *out, const struct ccm_report *rep)
{
	ccm_buf_addf(out, "Report: %lu errors, %lu warnings, %lu notes",
		     rep->counts[CCM_ERROR], rep->counts[CCM_WARNING], rep->counts[CCM_NOTE]);
}

/* "    1149  kind: reason" lines of one group, at most max (0: all). */
static void group_lines(struct ccm_buf *out, const struct kinds *ks, enum group g,
			size_t max)
{
	size_t shown = 0;

	for (size_t i = 0; i < ks->n; i++) {
		const struct kind *k = &ks->k[i];
		const char *why;

		if (k->group != g)
			continue;
		if (max && shown == max) {
			ccm_buf_addf(out, "  ... and more kinds\n");
			break;
		}
		why = g == DECISION ? ccm_decision_reason(k->kind) :
		      g == PROBLEM ? ccm_severity_name(k->worst) : NULL;
		ccm_buf_addf(out, "  %8zu  [%s]%s%s\n", k->n, *k->kind ? k->kind : "no kind",
			     why ? " " : "", why ? why : "");
		shown++;
	}
}

/* ---- the file ------------------------------------------------------------ */

static void file_text(struct ccm_buf *out, const struct ccm_run_report *r,
		      const struct kinds *ks, const char *line)
{
	char when[64];
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
	ccm_buf_addf(out, "ccmig %s: the report of the run\n", r->command);
	if (line)
		ccm_buf_addf(out, "Command: %s\n", line);
	ccm_buf_addf(out, "Written: %s\n\n", when);
	ccm_buf_add(out, r->counts.ptr, r->counts.len);
	counts_line(out, &r->rep);
	ccm_buf_adds(out, "\n\n");
	ccm_buf_addf(out, "Decisions (left out on purpose, counted, not problems): %zu\n",
		     ks->count[DECISION]);
	group_lines(out, ks, DECISION, 0);
	ccm_buf_addf(out, "Problems (damaged, repaired, or not accounted for): %zu\n",
		     ks->count[PROBLEM]);
	group_lines(out, ks, PROBLEM, 0);
	ccm_buf_addf(out, "Other notes: %zu\n", ks->count[NOTE]);
	group_lines(out, ks, NOTE, 0);
	if (r->other.len) {
		ccm_buf_adds(out, "\n");
		ccm_buf_add(out, r->other.ptr, r->other.len);
	}
	ccm_buf_addf(out, "\nEvery event, as it happened (file:line (byte N): severity: "
		     "what happened and what to do (Migration Wizard event) [kind]): %zu\n",
		     r->diags.len);
}

static int write_file(struct ccm_run_report *r, FILE *f, const char *shown,
		      const char *line, struct ccm_error *err)
{
	struct ccm_buf text = CCM_BUF_INIT;
	struct kinds ks;
	int bad;

	kinds_count(&ks, &r->diags);
	file_text(&text, r, &ks, line);
	free(ks.k);
	fwrite(text.ptr, 1, text.len, f);
	ccm_buf_release(&text);
	ccm_print_diags(f, "", &r->diags, 0);
	bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		r->path[0] = '\0';
		return ccm_error_sys(err, errno ? errno : EIO, "cannot write the report '%s'",
				     shown);
	}
	return 0;
}

int ccm_run_report_write_at(struct ccm_run_report *r, const char *path,
			    const char *line, struct ccm_error *err)
{
	FILE *f;
	int rc;

	r->path[0] = '\0';
	if ((rc = ccm_nofollow_fopen(&f, path, err)) < 0)
		return rc;
	snprintf(r->path, sizeof(r->path), "%s", path);
	return write_file(r, f, path, line, err);
}

int ccm_run_report_write_new(struct ccm_run_report *r, const char *dir,
			     const char *line, struct ccm_error *err)
{
	char stamp[32], name[128];
	time_t t = time(NULL);
	struct tm tm;
	struct stat sb;
	FILE *f;
	int fd, rc;

	r->path[0] = '\0';
	if ((rc = ccm_nofollow_dir(&fd, AT_FDCWD, dir, dir, err)) < 0)
		return rc;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	/* The first free name: a run in the same second gets "_2", which
	 * sorts after the first ("-" and "." would sort before it). */
	snprintf(name, sizeof(name), "%s-%s.txt", r->command, stamp);
	for (int n = 2; fstatat(fd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && n < 1000; n++)
		snprintf(name, sizeof(name), "%s-%s_%d.txt", r->command, stamp, n);
	snprintf(r->path, sizeof(r->path), "%s/%s", dir, name);
	rc = ccm_nofollow_create(&f, fd, name, r->path, err);
	close(fd);
	if (rc < 0) {
		r->path[0] = '\0';
		return rc;
	}
	return write_file(r, f, r->path, line, err);
}

/* ---- the terminal ---------------------------------------------------------- */

static void print_summary(FILE *out, const struct ccm_run_report *r, const struct kinds *ks)
{
	struct ccm_buf text = CCM_BUF_INIT;
	size_t shown = 0, left = 0, named = 0;

	if (ks->count[DECISION]) {
		ccm_buf_addf(&text, "Decisions (left out on purpose, counted, not problems): "
			     "%zu\n", ks->count[DECISION]);
		group_lines(&text, ks, DECISION, 5);
	}
	fputs(text.ptr, out);
	if (ks->count[PROBLEM])
		fprintf(out, "Problems: %lu errors, %lu warnings; the first of each kind:\n",
			r->rep.counts[CCM_ERROR], r->rep.counts[CCM_WARNING]);
	/* Kinds are sorted worst first: the errors lead. */
	for (size_t i = 0; i < ks->n; i++) {
		const struct kind *k = &ks->k[i];
		char line[4096];

		if (k->group != PROBLEM)
			continue;
		if (shown == SHOWN_PROBLEMS) {
			left += k->n;
			continue;
		}
		ccm_diag_format(line, sizeof(line), &r->diags.items[k->first]);
		fprintf(out, "  %s\n", line);
		left += k->n - 1;
		shown++;
	}
	if (left)
		fprintf(out, "  ... and %zu more in the report\n", left);
	if (ks->count[NOTE]) {
		fprintf(out, "Other notes: %zu (", ks->count[NOTE]);
		for (size_t i = 0; i < ks->n; i++) {
			if (ks->k[i].group != NOTE)
				continue;
			if (named++ == NAMED_NOTES) {
				fputs(", ...", out);
				break;
			}
			fprintf(out, "%s%s %zu", named > 1 ? ", " : "",
				*ks->k[i].kind ? ks->k[i].kind : "(no kind)", ks->k[i].n);
		}
		fputs(")\n", out);
	}
	ccm_buf_release(&text);
}

void ccm_run_report_print(FILE *out, const struct ccm_run_report *r, int verbose)
{
	struct ccm_buf line = CCM_BUF_INIT;
	struct kinds ks;

	fputs(r->counts.ptr, out);
	counts_line(&line, &r->rep);
	if (r->path[0])
		ccm_buf_addf(&line, "; every one in %s", r->path);
	fprintf(out, "%s\n", line.ptr);
	ccm_buf_release(&line);
	/* Without a file nothing may be lost: every event is printed. */
	if (verbose || !r->path[0]) {
		ccm_print_diags(out, "  ", &r->diags, 0);
		return;
	}
	kinds_count(&ks, &r->diags);
	print_summary(out, r, &ks);
	free(ks.k);
	if (r->diags.len)
		fprintf(out, "(--verbose prints every event here)\n");
}
