/* input.h: buffered, seekable reading of one file, with a movable end. */
#ifndef CCM_INPUT_H
#define CCM_INPUT_H

#include <stddef.h>
#include <sys/types.h>
#include "base/error.h"

/*
 * A read buffer over a regular file. Lines and data blocks are handed out
 * as pointers into the buffer (no copies); skips past the buffer become
 * lseek()s, so a reader that does not look at an attachment never reads it.
 *
 * `limit` makes the file look as if it ended there: nested blocks whose
 * size is known are parsed with the limit at their end, so nothing inside
 * can run past it. Line numbers are computed only when asked for (errors
 * are rare; counting every line of every attachment is not free).
 */
struct ccm_in {
	int fd;
	char *buf;
	size_t cap;          /* bytes allocated at buf */
	size_t pos, end;     /* unread bytes are buf[pos..end) */
	long long base;      /* file offset of buf[0] */
	long long size;      /* file size when opened */
	long long limit;     /* logical end of file */
	int eof;             /* the last read() returned 0 */
	size_t max_line;     /* longest line handed out whole */
	long long mark_off;  /* line counting: offset mark_off is on line mark_line */
	long mark_line;
};

#define CCM_IN_DEFAULT_BUF (256 * 1024)
#define CCM_IN_MAX_LINE (1024 * 1024)

/* Opens `path` for reading. CCM_ENOTFOUND or CCM_EIO with err filled. */
int ccm_in_open(struct ccm_in *in, const char *path, struct ccm_error *err);
/* Closes the file and frees the buffer; safe on a zeroed struct. */
void ccm_in_close(struct ccm_in *in);

static inline long long ccm_in_tell(const struct ccm_in *in)
{
	return in->base + (long long)in->pos;
}

/*
 * Makes at least `want` bytes available at buf+pos unless the (logical)
 * end comes first. Returns the number available (may exceed want, never
 * past the limit), or a negative code on a read error.
 */
ssize_t ccm_in_fill(struct ccm_in *in, size_t want);

/* Bytes available without reading, never past the limit. */
size_t ccm_in_avail(const struct ccm_in *in);

/*
 * The next line, without consuming it: *line points into the buffer, *len
 * excludes the line end, *eol is 2 for CR LF, 1 for LF, 0 when the line
 * ends at the end of the file (or limit). Returns 1 for a line, 0 at the
 * end, CCM_ELIMIT when the line is longer than max_line (then *len is
 * max_line and *eol 0: the caller reports it and consumes that much),
 * or a negative read error.
 */
int ccm_in_peekline(struct ccm_in *in, const char **line, size_t *len,
		    size_t *eol);

/* Consumes n available bytes (n <= ccm_in_avail()). */
void ccm_in_consume(struct ccm_in *in, size_t n);
/* Moves to absolute offset `off` (may be past the buffer: lseek). */
int ccm_in_seek(struct ccm_in *in, long long off, struct ccm_error *err);

/*
 * Reads up to n bytes at absolute offset off without moving the buffer
 * (pread). Returns the count read (short at the end of file).
 */
ssize_t ccm_in_pread(struct ccm_in *in, void *dst, size_t n, long long off);

/* The 1-based line that byte `off` lies on; 0 on a read error. */
long ccm_in_line_of(struct ccm_in *in, long long off);

#endif
