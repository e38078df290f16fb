/* progress.c: a progress line on a terminal for long runs. */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
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

void ccm_progress_start(struct ccm_progress *p, const char *what, unsigned long long total)
{
	p->enabled = isatty(STDERR_FILENO);
	p->what = what;
	p->total = total;
	p->done = p->bytes = 0;
	p->start = now();
	p->last = 0;    /* the first update shows at once, then five a second */
}

void ccm_progress_update(struct ccm_progress *p, unsigned long long done,
		     unsigned long long bytes)
{
	double t, rate;
	char b[32], r[32];

	p->done = done;
	p->bytes = bytes;
	if (!p->enabled)
		return;
	t = now();
	if (t - p->last < 0.2)
		return;
	p->last = t;
	rate = t > p->start ? (double)bytes / (t - p->start) : 0;
	ccm_format_bytes(b, sizeof(b), bytes);
	ccm_format_bytes(r, sizeof(r), (unsigned long long)rate);
	if (p->total && done > 0) {
		double eta = (t - p->start) * (double)(p->total - done) / (double)done;
		fprintf(stderr, "\r%llu/%llu %s, %s, %s/s, ETA %.0fs   ", done,
			p->total, p->what, b, r, eta);
	} else {
		fprintf(stderr, "\r%llu %s, %s, %s/s   ", done, p->what, b, r);
	}
	fflush(stderr);
}

void ccm_progress_end(struct ccm_progress *p)
{
	if (p->enabled) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
}
