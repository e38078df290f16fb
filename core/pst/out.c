/* out.c: the PST file being written: "NAME.tmp", then renamed to NAME. */
#include "pst/out.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/buf.h"

enum { OUT_BUF = 1 << 20 };

static void release(struct ccm_pst_out *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	free(o->path);
	free(o->tmp);
	free(o->buf);
	o->path = o->tmp = NULL;
	o->buf = NULL;
	o->len = 0;
}

int ccm_pst_out_open(struct ccm_pst_out *o, const char *path, struct ccm_error *err)
{
	size_t n = strlen(path);

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->path = ccm_strdup(path);
	o->tmp = malloc(n + 5);
	o->buf = malloc(OUT_BUF);
	if (!o->path || !o->tmp || !o->buf) {
		release(o);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory opening '%s'", path);
	}
	memcpy(o->tmp, path, n);
	memcpy(o->tmp + n, ".tmp", 5);
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (o->fd < 0) {
		int rc = ccm_error_sys(err, errno, "cannot create '%s' (check that its folder "
				       "exists and can be written)", o->tmp);
		release(o);
		return rc;
	}
	return 0;
}

int ccm_pst_io_full(int fd, void *p, size_t n, uint64_t off, int writing)
{
	unsigned char *s = p;

	while (n) {
		ssize_t k = writing ? pwrite(fd, s, n, (off_t)off) : pread(fd, s, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? errno : writing ? ENOSPC : EIO;
		s += k;
		off += (uint64_t)k;
		n -= (size_t)k;
	}
	return 0;
}

static int put(struct ccm_pst_out *o, uint64_t ib, const unsigned char *p, size_t n,
	       struct ccm_error *err)
{
	int e = ccm_pst_io_full(o->fd, (void *)p, n, ib, 1);

	if (e)
		return ccm_error_sys(err, e, "cannot write '%s' at byte %llu", o->tmp,
				     (unsigned long long)ib);
	return 0;
}

static int flush(struct ccm_pst_out *o, struct ccm_error *err)
{
	int rc = o->len ? put(o, o->buf_ib, o->buf, o->len, err) : 0;

	o->len = 0;
	return rc;
}

int ccm_pst_out_write(struct ccm_pst_out *o, uint64_t ib, const void *p, size_t n,
		      struct ccm_error *err)
{
	int rc;

	if (o->len && (ib != o->buf_ib + o->len || o->len + n > OUT_BUF) &&
	    (rc = flush(o, err)) < 0)
		return rc;
	if (n > OUT_BUF)
		return put(o, ib, p, n, err);
	if (!o->len)
		o->buf_ib = ib;
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

/* The folder's entry for the rename is on disk too. */
static int sync_dir(const char *path, struct ccm_error *err)
{
	char *dir = ccm_strdup(path), *slash;
	int fd, rc = 0;

	if (!dir)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (fsync(fd) < 0 && errno != EINVAL))
		rc = ccm_error_sys(err, errno, "cannot sync folder '%s'", dir);
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

int ccm_pst_out_commit(struct ccm_pst_out *o, uint64_t size, struct ccm_error *err)
{
	int rc;

	if ((rc = flush(o, err)) < 0)
		goto fail;
	if (ftruncate(o->fd, (off_t)size) < 0) {
		rc = ccm_error_sys(err, errno, "cannot extend '%s' to %llu bytes", o->tmp,
				   (unsigned long long)size);
		goto fail;
	}
	if (fsync(o->fd) < 0) {
		rc = ccm_error_sys(err, errno, "cannot sync '%s' to disk", o->tmp);
		goto fail;
	}
	if (close(o->fd) < 0) {
		o->fd = -1;
		rc = ccm_error_sys(err, errno, "cannot close '%s'", o->tmp);
		goto fail;
	}
	o->fd = -1;
	if (rename(o->tmp, o->path) < 0) {
		rc = ccm_error_sys(err, errno, "cannot rename '%s' to '%s' (if '%s' is a "
				   "folder, choose another name)", o->tmp, o->path, o->path);
		goto fail;
	}
	rc = sync_dir(o->path, err);
	release(o);
	return rc;
fail:
	ccm_pst_out_discard(o);
	return rc;
}

void ccm_pst_out_discard(struct ccm_pst_out *o)
{
	if (o->tmp)
		unlink(o->tmp);
	release(o);
}
