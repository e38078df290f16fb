/* fuzzutil.c: files, reports, converters and zones for the fuzz harnesses. */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: broken promise: %s\n", file, line, what);
	abort();
}

unsigned fuzz_byte(const uint8_t **data, size_t *size)
{
	if (*size == 0)
		return 0;
	(*size)--;
	return *(*data)++;
}

/* ---- the private folder ------------------------------------------------- */

static char folder[4096];
static char paths[FUZZ_MAX_FILES][4096 + 64];
static size_t npaths;

static void remove_dir(void)
{
	fuzz_clean();
	if (folder[0])
		rmdir(folder);
}

const char *fuzz_dir(void)
{
	const char *tmp;

	if (folder[0])
		return folder;
	tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(folder, sizeof(folder), "%s/ccmig-fuzz-XXXXXX", tmp);
	if (!mkdtemp(folder)) {
		perror(folder);
		abort();
	}
	atexit(remove_dir);
	return folder;
}

const char *fuzz_file(const char *name, const void *data, size_t n)
{
	char *path;
	int fd;

	if (npaths == FUZZ_MAX_FILES)
		fuzz_fail(__FILE__, __LINE__, "too many files for one input");
	path = paths[npaths];
	snprintf(path, sizeof(paths[0]), "%s/%s", fuzz_dir(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(path);
		abort();
	}
	/* Remembered before writing, so that a failure still cleans up. */
	npaths++;
	while (n > 0) {
		ssize_t w = write(fd, data, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			perror(path);
			abort();
		}
		data = (const char *)data + w;
		n -= (size_t)w;
	}
	close(fd);
	return path;
}

void fuzz_clean(void)
{
	while (npaths > 0)
		unlink(paths[--npaths]);
}

/* ---- reports, converters, zones ------------------------------------------ */

static void sink(void *ctx, const struct ccm_diag *d)
{
	char line[2048];

	(void)ctx;
	FUZZ_CHECK(d->kind != NULL && d->kind[0] != '\0');
	FUZZ_CHECK(d->text != NULL);
	FUZZ_CHECK(d->severity >= CCM_NOTE && d->severity <= CCM_ERROR);
	ccm_diag_format(line, sizeof(line), d);
}

struct ccm_report *fuzz_report(void)
{
	static struct ccm_report rep;

	memset(&rep, 0, sizeof(rep));
	rep.sink = sink;
	return &rep;
}

struct ccm_cp *fuzz_cp(unsigned sel)
{
	static const int pages[] = { 0, 437, 850, 1252, 932 };
	static struct ccm_cp *open[sizeof(pages) / sizeof(pages[0])];
	struct ccm_error err;

	sel %= sizeof(pages) / sizeof(pages[0]);
	if (pages[sel] == 0)
		return NULL;
	if (!open[sel] && ccm_cp_open(&open[sel], pages[sel], &err) < 0) {
		fprintf(stderr, "code page %d: %s\n", pages[sel], err.msg);
		abort();
	}
	return open[sel];
}

const struct ccm_tz *fuzz_tz(unsigned sel)
{
	static const char *const zones[] = { NULL, "America/New_York",
					     "Australia/Lord_Howe" };
	static struct ccm_tz *open[3];
	struct ccm_error err;

	sel %= 3;
	if (!zones[sel])
		return NULL;
	if (!open[sel] && ccm_tz_open(&open[sel], zones[sel], &err) < 0) {
		fprintf(stderr, "zone %s: %s\n", zones[sel], err.msg);
		abort();
	}
	return open[sel];
}

/* ---- splitting an input into files ---------------------------------------- */

static const char marker[] = "@@file ";
#define MARKER_LEN (sizeof(marker) - 1)

/* The offset of the next marker at a line start at or after `from`, or size. */
static size_t next_marker(const uint8_t *data, size_t size, size_t from)
{
	for (size_t i = from; i + MARKER_LEN <= size; i++)
		if ((i == 0 || data[i - 1] == '\n') &&
		    memcmp(data + i, marker, MARKER_LEN) == 0)
			return i;
	return size;
}

static void clean_name(char *out, const uint8_t *s, size_t n, size_t index)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < 40; i++) {
		char c = (char)s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    (c == '.' && k > 0))
			out[k++] = c;
	}
	out[k] = '\0';
	if (k == 0)
		snprintf(out, 48, "f%zu", index);
}

size_t fuzz_split(const uint8_t *data, size_t size, struct fuzz_part *parts,
		  size_t max)
{
	size_t n = 0, at = next_marker(data, size, 0);

	if (max == 0)
		return 0;
	parts[0].name[0] = '\0';
	parts[0].data = data;
	parts[0].size = at;
	n = 1;
	while (at < size && n < max) {
		size_t name = at + MARKER_LEN, eol = name, next;

		while (eol < size && data[eol] != '\n')
			eol++;
		clean_name(parts[n].name, data + name, eol - name, n);
		if (eol < size)
			eol++;
		next = n + 1 < max ? next_marker(data, size, eol) : size;
		parts[n].data = data + eol;
		parts[n].size = next - eol;
		at = next;
		n++;
	}
	return n;
}

const char *fuzz_files(const uint8_t *data, size_t size, const char *first)
{
	struct fuzz_part parts[FUZZ_MAX_FILES];
	size_t n = fuzz_split(data, size, parts, FUZZ_MAX_FILES);
	const char *path = fuzz_file(first, parts[0].data, parts[0].size);

	for (size_t i = 1; i < n; i++)
		fuzz_file(parts[i].name, parts[i].data, parts[i].size);
	return path;
}

const struct ccm_directory *fuzz_directory(void)
{
	static const struct { const char *name; char loc; const char *addr; } e[] = {
		{ "Smith, John", 'L', NULL }, { "Smith", 'L', NULL },
		{ "Doe, Jane", 'L', NULL }, { "jsmith", 'R', NULL },
		{ "Grewal, Jeff", 'l', "HUB" }, { "bob@example.com", 'l', "INTERNET" },
		{ "HUB", 'P', NULL }, { "Far, Away PO", 'p', NULL },
		{ "INTERNET", 'P', NULL }, { "Social", 'A', NULL },
	};
	static struct ccm_directory dir;
	static int made;

	if (!made) {
		for (size_t i = 0; i < sizeof(e) / sizeof(e[0]); i++)
			if (ccm_directory_add(&dir, e[i].name, e[i].loc, e[i].addr,
					      NULL) < 0)
				abort();
		made = 1;
	}
	return &dir;
}
