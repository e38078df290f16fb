/* buf.h: the one growable byte buffer of ccmig (after git's strbuf). */
#ifndef CCM_BUF_H
#define CCM_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Invariants: `ptr` is never NULL and `ptr[len]` is always '\0', so a
 * buffer can be handed to any C string function; it may also hold NUL
 * bytes, and `len` is then the truth. A buffer set up with CCM_BUF_INIT
 * or ccm_buf_init() owns nothing until something is added; ccm_buf_release()
 * returns it to that state.
 *
 * Running out of memory is not an error to handle: as git's strbuf does,
 * growing a buffer either succeeds or ends the process, in one place
 * (ccm_die_oom, base/error.h), with a message that says the store keeps
 * what was committed and the same command goes on where it stopped. So
 * the functions below cannot fail and return nothing; nobody checks them.
 * Where input decides a size, callers check an explicit maximum of their
 * own before they add (a body of at most what the store keeps, a line of
 * at most 1 MiB): a hostile count is refused with a report, never met by
 * dying.
 */
struct ccm_buf {
	char *ptr;
	size_t len;
	size_t cap;     /* bytes allocated at ptr; 0 while ptr is the shared "" */
};

extern char ccm_buf_empty[];
#define CCM_BUF_INIT { ccm_buf_empty, 0, 0 }

void ccm_buf_init(struct ccm_buf *b);
/* Frees what the buffer holds; it is empty and usable afterwards. */
void ccm_buf_release(struct ccm_buf *b);
/* Makes room for `extra` more bytes past len (plus the NUL). */
void ccm_buf_grow(struct ccm_buf *b, size_t extra);
/* Sets len to 0, keeping the allocation. */
void ccm_buf_reset(struct ccm_buf *b);
/* Cuts len to `len` (<= current len). */
void ccm_buf_truncate(struct ccm_buf *b, size_t len);
void ccm_buf_add(struct ccm_buf *b, const void *data, size_t n);
void ccm_buf_adds(struct ccm_buf *b, const char *s);
void ccm_buf_addch(struct ccm_buf *b, int c);
void ccm_buf_addf(struct ccm_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ccm_buf_vaddf(struct ccm_buf *b, const char *fmt, va_list ap);
void ccm_buf_set(struct ccm_buf *b, const void *data, size_t n);
/* Hands the string over to the caller (who frees it with free()) and leaves
 * the buffer empty. Never NULL. */
char *ccm_buf_detach(struct ccm_buf *b, size_t *len);
/* Removes leading and trailing spaces and tabs. */
void ccm_buf_trim(struct ccm_buf *b);
/* Appends s in single quotes, as /bin/sh reads it back as s whatever it
 * holds (a quote in it becomes '\''). */
void ccm_buf_add_sh_quoted(struct ccm_buf *b, const char *s);

/* A malloc'ed copy of n bytes plus a NUL, or NULL on out of memory (as
 * malloc: allocations outside the buffer are checked by their callers). */
char *ccm_strndup(const char *s, size_t n);
char *ccm_strdup(const char *s);

#endif
