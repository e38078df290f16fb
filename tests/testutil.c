/* testutil.c: helpers shared by the cmocka tests. */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

char *tu_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *p;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	p = malloc(strlen(tmp) + 32);
	if (!p)
		abort();
	sprintf(p, "%s/ccmig-test-XXXXXX", tmp);
	assert_non_null(mkdtemp(p));
	return p;
}

int tu_system(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

void tu_rmtree(const char *dir)
{
	if (dir && strncmp(dir, "/", 1) == 0 && strstr(dir, "ccmig-test-"))
		tu_system("rm -rf '%s'", dir);
}

char *tu_path(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	if (!p)
		abort();
	sprintf(p, "%s/%s", dir, name);
	return p;
}

char *tu_write(const char *dir, const char *name, const void *data, size_t n)
{
	char *path = tu_path(dir, name);
	FILE *f;

	for (char *s = path + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*s = '/';
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

char *tu_writes(const char *dir, const char *name, const char *text)
{
	return tu_write(dir, name, text, strlen(text));
}

char *tu_slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (!f)
		return NULL;
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	buf[len] = '\0';
	if (n)
		*n = len;
	return buf;
}

int tu_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}
