/* kvfile.h: "Keyword: value" block files (directory, lists, PABs). */
#ifndef CCM_KVFILE_H
#define CCM_KVFILE_H

#include <stddef.h>
#include "base/codepage.h"
#include "base/error.h"
#include "base/input.h"
#include "base/report.h"

/* One keyword and its value, both UTF-8; where it was. */
struct ccm_kv {
	char *key;      /* as written, without the colon */
	char *value;    /* trimmed */
	long line;
	long long offset;
};

/* A block: the lines between blank lines, in order. */
struct ccm_kvblock {
	struct ccm_kv *kv;
	size_t len, cap;
	long line;         /* line of the first keyword */
	long long offset;  /* byte offset of the first keyword */
};

/*
 * Calls `fn` for each block of `path`, whose text is in code page `cp`
 * (converted to UTF-8; NULL cp means the bytes are taken as they are).
 * Lines end in CR LF or LF. A line without a colon is a warning in `rep`
 * (with file, line, byte) and is skipped. The block passed to fn is
 * borrowed for the call. fn returns 0 to go on or a negative code to stop,
 * which ccm_kvfile_read returns. CCM_EIO / CCM_ENOTFOUND when the file
 * cannot be read. `display` is the file name used in reports.
 *
 * Details: a line of only white space is blank and ends a block. A line is
 * split at its first colon; the key keeps its case but loses surrounding
 * white space, and an empty key is a bad line like one without a colon
 * (kind "bad-line"). Lines over 1 MiB are skipped ("line-too-long"). NUL
 * bytes are removed ("nul-byte") and bytes the code page cannot decode
 * become U+FFFD ("bad-character"), each reported once per line. fn may
 * fill err itself before returning its code; CCM_ENOMEM fills err here.
 */
int ccm_kvfile_read(const char *path, const char *display, struct ccm_cp *cp,
		    struct ccm_report *rep,
		    int (*fn)(void *ctx, const struct ccm_kvblock *b),
		    void *ctx, struct ccm_error *err);

/* The first value of `key` (case-insensitive) in b, or NULL. */
const char *ccm_kvblock_get(const struct ccm_kvblock *b, const char *key);

/*
 * The line layer under kvfile and the manifest. Each ccm_linereader_next()
 * hands out one line: `line` (len bytes, without its CR LF or LF, may hold
 * NUL bytes) points into the reader's buffer and stays valid until the
 * next call; `lineno` is 1-based and `offset` the byte offset of the line's
 * first byte. A line longer than CCM_IN_MAX_LINE (1 MiB) is reported in
 * `rep` (kind "line-too-long", with file, line and byte) and skipped whole.
 * A UTF-8 byte order mark at the start of the file is skipped and `bom` set.
 */
struct ccm_linereader {
	struct ccm_in in;
	const char *display;     /* borrowed: file name in reports */
	struct ccm_report *rep;  /* borrowed */
	const char *line;
	size_t len;
	long lineno;
	long long offset;
	int bom;
};

/*
 * Opens `path`; `display` names it in reports and errors (NULL: the path).
 * CCM_ENOTFOUND / CCM_EIO / CCM_ENOMEM with err filled; the reader is then
 * closed (safe to close again).
 */
int ccm_linereader_open(struct ccm_linereader *r, const char *path,
			const char *display, struct ccm_report *rep,
			struct ccm_error *err);
/* 1 with the next line set, 0 at the end, CCM_EIO / CCM_ENOMEM (err filled). */
int ccm_linereader_next(struct ccm_linereader *r, struct ccm_error *err);
void ccm_linereader_close(struct ccm_linereader *r);
/*
 * The current line converted from `cp` (NULL: bytes as they are) to UTF-8
 * into `out`, which it replaces. Undecodable bytes become U+FFFD (kind
 * "bad-character") and NUL bytes are removed ("nul-byte"), each reported
 * once per line with file, line and byte.
 */
void ccm_linereader_text(struct ccm_buf *out, struct ccm_linereader *r,
			 struct ccm_cp *cp);

#endif
