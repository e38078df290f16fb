/* driver.c: runs a fuzz harness over files, without libFuzzer.
 *
 * Linked with one fuzz_<target>.c in every build (gcc too), so that the
 * regression fixtures and seeds of tests/fuzz replay in the normal test
 * suite and under the sanitizer build. Each argument is a file or a
 * folder of files (run in name order). A folder that does not exist is
 * passed over (a harness may have no regressions yet), but running no
 * input at all fails, so a misspelt corpus never passes by running nothing.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			unsigned char *p;

			cap = cap ? cap * 2 : 4096;
			if (!(p = realloc(data, cap)))
				abort();
			data = p;
		}
		got = fread(data + n, 1, cap - n, f);
		if (got == 0)
			break;
		n += got;
	}
	if (ferror(f)) {
		perror(path);
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	/* The harness gets exactly n bytes, as from libFuzzer, so that
	 * reading one byte too far is caught by ASan. */
	if (!(data = realloc(data, n ? n : 1)))
		abort();
	fprintf(stderr, "running %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int run_dir(const char *dir, int *count)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, by_name), rc = 0;

	if (n < 0) {
		perror(dir);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat sb;

		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (list[i]->d_name[0] != '.' && stat(path, &sb) == 0 &&
		    S_ISREG(sb.st_mode)) {
			if (run_file(path) < 0)
				rc = -1;
			(*count)++;
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

int main(int argc, char **argv)
{
	int count = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "no %s: passed over\n", argv[i]);
		} else if (S_ISDIR(sb.st_mode)) {
			if (run_dir(argv[i], &count) < 0)
				rc = 1;
		} else {
			if (run_file(argv[i]) < 0)
				rc = 1;
			count++;
		}
	}
	printf("%d inputs run\n", count);
	if (count == 0) {
		fprintf(stderr, "no input to run: give files or folders of them\n");
		rc = 1;
	}
	return rc;
}
