/* progress.c: a progress line on a terminal for long runs. */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --progress: 1, --no-progress: 0, neither: -1 (stderr a terminal). */
static int forced = -1;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int ccm_progress_option(const char *a)
{
	if (!strcmp(a, "--progress"))
		forced = 1;
	else if (!strcmp(a, "--no-progress"))
		forced = 0;
	else
		return 0;
	return 1;
}

void ccm_format_bytes(char *out, unsigned long outsz, unsigned long long n)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, outsz, "%llu B", n);
	else
		snprintf(out, outsz, "%.1f %s", v, units[u]);
}

/* "7s", "3m05s", "2h10m". */
static void format_time(char *out, size_t outsz, double s)
{
	unsigned long t = s < 0 ? 0 : (unsigned long)(s + 0.5);

	if (t < 60)
		snprintf(out, outsz, "%lus", t);
	else if (t < 3600)
		snprintf(out, outsz, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(out, outsz, "%luh%02lum", t / 3600, t / 60 % 60);
}

void ccm_progress_stage(struct ccm_progress *p, const char *doing, const char *what,
			unsigned long long total)
{
	p->doing = doing;
	p->what = what;
	memset(&p->at, 0, sizeof(p->at));
	p->at.total = total;
	p->start = now();
	p->last = 0;    /* the first update shows at once, then ten a second */
}

void ccm_progress_start(struct ccm_progress *p, const char *doing, const char *what,
			unsigned long long total)
{
	p->enabled = forced >= 0 ? forced : isatty(STDERR_FILENO);
	p->drawn = 0;
	p->note[0] = '\0';
	ccm_progress_stage(p, doing, what, total);
}

static void draw(struct ccm_progress *p)
{
	const struct ccm_progress_at *at = &p->at;
	double t = now(), took, left = -1;
	char line[512], b[32], r[32], tb[32], eta[32];
	size_t n;

	if (t - p->last < 0.1)
		return;
	p->last = t;
	took = t - p->start;
	/* A rate over the first moments says nothing (and is huge): the
	 * first line has none, the next (a tenth of a second on) has. */
	if (took < 0.1)
		left = -2;
	else if (at->bytes_total && at->bytes && at->bytes <= at->bytes_total)
		left = took * (double)(at->bytes_total - at->bytes) / (double)at->bytes;
	else if (at->total && at->done && at->done <= at->total)
		left = took * (double)(at->total - at->done) / (double)at->done;
	n = (size_t)snprintf(line, sizeof(line), "%s: ", p->doing);
	if (at->total)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%llu/%llu %s", at->done,
				      at->total, p->what);
	else
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%llu %s", at->done, p->what);
	if (at->bytes || at->bytes_total) {
		ccm_format_bytes(b, sizeof(b), at->bytes);
		ccm_format_bytes(r, sizeof(r), took > 0 ? (unsigned long long)(at->bytes / took) : 0);
		if (at->bytes_total) {
			ccm_format_bytes(tb, sizeof(tb), at->bytes_total);
			n += (size_t)snprintf(line + n, sizeof(line) - n, ", %s of %s", b, tb);
		} else {
			n += (size_t)snprintf(line + n, sizeof(line) - n, ", %s", b);
		}
		if (left > -2)
			n += (size_t)snprintf(line + n, sizeof(line) - n, ", %s/s", r);
	} else if (left > -2) {
		n += (size_t)snprintf(line + n, sizeof(line) - n, ", %.0f/s",
				      (double)at->done / took);
	}
	if (left >= 0 && n < sizeof(line)) {
		format_time(eta, sizeof(eta), left);
		n += (size_t)snprintf(line + n, sizeof(line) - n, ", ETA %s", eta);
	}
	if (p->note[0] && n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, ", %s", p->note);
	/* \033[K clears what a longer line before left. */
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->drawn = 1;
}

void ccm_progress_show(struct ccm_progress *p, const struct ccm_progress_at *at)
{
	p->at = *at;
	if (p->enabled)
		draw(p);
}

void ccm_progress_update(struct ccm_progress *p, unsigned long long done,
			 unsigned long long bytes)
{
	p->at.done = done;
	p->at.bytes = bytes;
	if (p->enabled)
		draw(p);
}

void ccm_progress_fn_draw(void *ctx, const struct ccm_progress_at *at)
{
	ccm_progress_show(ctx, at);
}

void ccm_progress_end(struct ccm_progress *p)
{
	if (p->enabled && p->drawn) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	p->drawn = 0;
}
