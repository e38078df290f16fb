/* spool.c: bytes of unknown length held in memory up to a limit, then on disk. */
#include "base/spool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

void ccm_spool_init(struct ccm_spool *s, size_t mem_limit)
{
	ccm_buf_init(&s->mem);
	s->file = NULL;
	s->mem_limit = mem_limit;
	s->len = 0;
}

/*
 * An anonymous file in $TMPDIR (/tmp when unset). Not tmpfile(): glibc's
 * ignores TMPDIR, so the advice to point TMPDIR elsewhere did nothing, and
 * the data went where the user had said it must not.
 */
static int temp_file(FILE **out, struct ccm_error *err)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/ccmig-spool-XXXXXX", dir) >= sizeof(path))
		return ccm_error_set(err, CCM_EIO, "cannot create a temporary file in '%s': "
				     "the name is too long (set TMPDIR to a folder with room)",
				     dir);
	if ((fd = mkstemp(path)) < 0)
		return ccm_error_sys(err, errno, "cannot create a temporary file in '%s' "
				     "(set TMPDIR to a folder with room)", dir);
	unlink(path);           /* gone when closed, or when the program dies */
	if (!(*out = fdopen(fd, "w+b"))) {
		int e = errno;
		close(fd);
		return ccm_error_sys(err, e, "cannot use a temporary file in '%s'", dir);
	}
	return 0;
}

static int spill(struct ccm_spool *s, struct ccm_error *err)
{
	int rc;

	if (!s->file && (rc = temp_file(&s->file, err)) < 0)
		return rc;
	rewind(s->file);
	if (s->mem.len && fwrite(s->mem.ptr, 1, s->mem.len, s->file) != s->mem.len)
		return ccm_error_sys(err, errno, "cannot write a temporary file");
	ccm_buf_reset(&s->mem);
	return 0;
}

int ccm_spool_write(struct ccm_spool *s, const void *p, size_t n,
		    struct ccm_error *err)
{
	int rc;

	if (n == 0)
		return 0;
	if (s->len + n > s->mem_limit && s->mem.len == s->len) {
		/* Everything so far is in memory: move it to disk first. */
		if ((rc = spill(s, err)) < 0)
			return rc;
	}
	if (s->len + n > s->mem_limit || s->mem.len != s->len) {
		if (fwrite(p, 1, n, s->file) != n)
			return ccm_error_sys(err, errno, "cannot write a temporary file");
	} else {
		ccm_buf_add(&s->mem, p, n);
	}
	s->len += n;
	return 0;
}

int ccm_spool_replay(struct ccm_spool *s,
		     int (*fn)(void *ctx, const void *p, size_t n, struct ccm_error *err),
		     void *ctx, struct ccm_error *err)
{
	char chunk[65536];
	unsigned long long left = s->len;
	int rc;

	if (s->mem.len == s->len)
		return s->len ? fn(ctx, s->mem.ptr, s->mem.len, err) : 0;
	if (fflush(s->file) != 0 || fseeko(s->file, 0, SEEK_SET) != 0)
		return ccm_error_sys(err, errno, "cannot read a temporary file");
	while (left > 0) {
		size_t want = left < sizeof(chunk) ? (size_t)left : sizeof(chunk);
		size_t got = fread(chunk, 1, want, s->file);

		if (got != want)
			return ccm_error_set(err, CCM_EIO, "a temporary file came back short");
		if ((rc = fn(ctx, chunk, got, err)) < 0)
			return rc;
		left -= got;
	}
	/* Writing goes on after the last byte if the spool is appended to
	 * again (not at the file's end, which may hold an older, longer use). */
	if (fseeko(s->file, (off_t)s->len, SEEK_SET) != 0)
		return ccm_error_sys(err, errno, "cannot seek a temporary file");
	return 0;
}

int ccm_spool_fd(struct ccm_spool *s, struct ccm_error *err)
{
	int rc;

	if (s->mem.len == s->len && (rc = spill(s, err)) < 0)
		return rc;
	/* The file may hold an older, longer use past the end. */
	if (fflush(s->file) != 0 || ftruncate(fileno(s->file), (off_t)s->len) != 0)
		return ccm_error_sys(err, errno, "cannot write a temporary file");
	return fileno(s->file);
}

void ccm_spool_reset(struct ccm_spool *s)
{
	ccm_buf_reset(&s->mem);
	s->len = 0;
	if (s->file)
		rewind(s->file);
}

void ccm_spool_release(struct ccm_spool *s)
{
	ccm_buf_release(&s->mem);
	if (s->file)
		fclose(s->file);
	s->file = NULL;
	s->len = 0;
}
