/* input.c: buffered, seekable reading of one file. */
#include "base/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ccm_in_open(struct ccm_in *in, const char *path, struct ccm_error *err)
{
	struct stat st;

	memset(in, 0, sizeof(*in));
	/* O_NONBLOCK: opening a named pipe would wait for a writer forever;
	 * this way it opens at once and is refused below as not a regular
	 * file. The flag changes nothing for regular files. */
	in->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (in->fd < 0) {
		int e = errno;
		in->fd = -1;
		if (e == ENOENT) {
			ccm_error_sys(err, e, "cannot open '%s'", path);
			if (err)
				err->code = CCM_ENOTFOUND;
			return CCM_ENOTFOUND;
		}
		return ccm_error_sys(err, e, "cannot open '%s'", path);
	}
	if (fstat(in->fd, &st) < 0) {
		int e = errno;
		close(in->fd);
		in->fd = -1;
		return ccm_error_sys(err, e, "cannot read '%s'", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(in->fd);
		in->fd = -1;
		return ccm_error_set(err, CCM_EIO, "'%s' is not a regular file", path);
	}
	in->cap = CCM_IN_DEFAULT_BUF;
	in->buf = malloc(in->cap);
	if (!in->buf) {
		close(in->fd);
		in->fd = -1;
		return ccm_error_set(err, CCM_ENOMEM, "out of memory opening '%s'", path);
	}
	in->size = (long long)st.st_size;
	in->limit = (long long)1 << 62;
	in->max_line = CCM_IN_MAX_LINE;
	in->mark_line = 1;
	return 0;
}

void ccm_in_close(struct ccm_in *in)
{
	if (in->buf)
		free(in->buf);
	if (in->fd >= 0 && in->buf)
		close(in->fd);
	memset(in, 0, sizeof(*in));
	in->fd = -1;
}

size_t ccm_in_avail(const struct ccm_in *in)
{
	long long room = in->limit - (in->base + (long long)in->pos);
	size_t have = in->end - in->pos;

	if (room <= 0)
		return 0;
	return (long long)have > room ? (size_t)room : have;
}

ssize_t ccm_in_fill(struct ccm_in *in, size_t want)
{
	while (ccm_in_avail(in) < want && !in->eof &&
	       in->base + (long long)in->end < in->limit) {
		ssize_t got;

		if (in->pos > 0 && (in->end == in->cap || in->cap - in->pos < want)) {
			/* Slide the unread bytes to the front to make room. */
			memmove(in->buf, in->buf + in->pos, in->end - in->pos);
			in->base += (long long)in->pos;
			in->end -= in->pos;
			in->pos = 0;
		}
		if (in->end == in->cap || in->cap < want) {
			size_t cap = in->cap;
			char *p;

			while (cap < want || cap == in->end)
				cap *= 2;
			p = realloc(in->buf, cap);
			if (!p)
				return CCM_ENOMEM;
			in->buf = p;
			in->cap = cap;
		}
		do
			got = read(in->fd, in->buf + in->end, in->cap - in->end);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return CCM_EIO;
		if (got == 0)
			in->eof = 1;
		in->end += (size_t)got;
	}
	return (ssize_t)ccm_in_avail(in);
}

int ccm_in_peekline(struct ccm_in *in, const char **line, size_t *len,
		    size_t *eol)
{
	size_t scanned = 0;

	for (;;) {
		size_t avail = ccm_in_avail(in);
		const char *p = in->buf + in->pos;
		const char *nl = avail > scanned ?
			memchr(p + scanned, '\n', avail - scanned) : NULL;
		ssize_t got;

		if (nl) {
			size_t n = (size_t)(nl - p);
			*line = p;
			if (n > in->max_line) {
				*len = in->max_line;
				*eol = 0;
				return CCM_ELIMIT;
			}
			*eol = (n > 0 && p[n - 1] == '\r') ? 2 : 1;
			*len = n + 1 - *eol;
			return 1;
		}
		if (avail > in->max_line) {
			*line = p;
			*len = in->max_line;
			*eol = 0;
			return CCM_ELIMIT;
		}
		scanned = avail;
		got = ccm_in_fill(in, avail + 4096 > avail * 2 ? avail + 4096 : avail * 2);
		if (got < 0)
			return (int)got;
		if ((size_t)got == avail) {
			/* The end: the last line has no line end. */
			if (avail == 0)
				return 0;
			*line = in->buf + in->pos;
			*len = avail;
			*eol = 0;
			return 1;
		}
	}
}

void ccm_in_consume(struct ccm_in *in, size_t n)
{
	in->pos += n;
}

int ccm_in_seek(struct ccm_in *in, long long off, struct ccm_error *err)
{
	if (off >= in->base && off <= in->base + (long long)in->end) {
		in->pos = (size_t)(off - in->base);
		return 0;
	}
	if (lseek(in->fd, (off_t)off, SEEK_SET) < 0)
		return ccm_error_sys(err, errno, "cannot seek to byte %lld", off);
	in->base = off;
	in->pos = in->end = 0;
	in->eof = 0;
	return 0;
}

ssize_t ccm_in_pread(struct ccm_in *in, void *dst, size_t n, long long off)
{
	size_t done = 0;

	while (done < n) {
		ssize_t got = pread(in->fd, (char *)dst + done, n - done,
				    (off_t)(off + (long long)done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return CCM_EIO;
		if (got == 0)
			break;
		done += (size_t)got;
	}
	return (ssize_t)done;
}

long ccm_in_line_of(struct ccm_in *in, long long off)
{
	char chunk[65536];

	if (off < in->mark_off) {
		in->mark_off = 0;
		in->mark_line = 1;
	}
	while (in->mark_off < off) {
		size_t want = off - in->mark_off < (long long)sizeof(chunk) ?
			(size_t)(off - in->mark_off) : sizeof(chunk);
		ssize_t got = ccm_in_pread(in, chunk, want, in->mark_off);
		const char *p = chunk, *e;

		if (got <= 0)
			return got < 0 ? 0 : in->mark_line;
		e = chunk + got;
		while ((p = memchr(p, '\n', (size_t)(e - p)))) {
			in->mark_line++;
			p++;
		}
		in->mark_off += got;
	}
	return in->mark_line;
}
