/* testutil.h: helpers shared by the cmocka tests. */
#ifndef CCM_TESTUTIL_H
#define CCM_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* A fresh empty directory under $TMPDIR (or /tmp); free() the result. */
char *tu_mkdtemp(void);
/* Removes a directory tree made by tu_mkdtemp. */
void tu_rmtree(const char *dir);
/* Writes n bytes to dir/name (creating subfolders); returns the path (free it). */
char *tu_write(const char *dir, const char *name, const void *data, size_t n);
/* Writes a NUL-terminated string. */
char *tu_writes(const char *dir, const char *name, const char *text);
/* The whole file into a malloc'ed buffer; *n its size. NULL if unreadable. */
char *tu_slurp(const char *path, size_t *n);
/* Runs a shell command, returns its exit status (or -1). */
int tu_system(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "dir/name" malloc'ed. */
char *tu_path(const char *dir, const char *name);
/* Whether something is at path (a file, a folder ...). */
int tu_exists(const char *path);

#endif
