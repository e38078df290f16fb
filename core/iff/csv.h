/* csv.h: the CSV rules of Exchange migration files (spec sections 2.3-2.9). */
#ifndef CCM_CSV_H
#define CCM_CSV_H

#include <stddef.h>
#include "base/buf.h"

/* ---- writing ---------------------------------------------------------- */

enum {
	/* DIRECTORY sections: a literal '\' is written "\\", CR "\r", LF "\n"
	 * (spec 2.9), and the field quoted. */
	CCM_CSV_DIRECTORY = 1,
	/* Quote even an empty value ("empty but meaningful", spec 12.5). */
	CCM_CSV_QUOTE_EMPTY = 2
};

/*
 * Appends one field as ccmig's writer must (spec 2.3 and 12.5): quoted when
 * it holds any of # ! , \ " % . or a leading or trailing space (or is
 * empty with CCM_CSV_QUOTE_EMPTY), inner quotes doubled; never quoted
 * otherwise. The caller writes the commas between fields. The value must
 * not hold CR or LF unless CCM_CSV_DIRECTORY is set (elsewhere such values
 * go to the secondary file behind a pointer). Returns 0 or CCM_ENOMEM.
 */
int ccm_csv_put_field(struct ccm_buf *out, const char *s, size_t len,
		      unsigned flags);

/* Appends a secondary-file pointer "#NAME(offset)": never quoted. */
void ccm_csv_put_pointer(struct ccm_buf *out, const char *secname,
			 long long offset);

/*
 * Appends a multi-valued field (recipients, proxies, DL members) per spec
 * 2.7: convention 1 (values quoted one by one as put_field would, ';'
 * between them) unless a value holds ';' or '"', then convention 2 (the
 * whole field quoted, each value holding ';' quoted inside, every quote
 * doubled). Returns 0 or CCM_ENOMEM.
 */
int ccm_csv_put_multi(struct ccm_buf *out, const char *const *values, size_t n,
		      unsigned flags);

/* ---- reading ---------------------------------------------------------- */

/* One field of a parsed line: the unquoted value, NUL-terminated. */
struct ccm_csv_field {
	char *value;          /* points into the line's storage */
	size_t len;
	int quoted;           /* it was written in quotes */
	int pointer;          /* unquoted and of the form #NAME(offset) */
	size_t column;        /* 0-based byte column of the field in the line */
};

/* A parsed line: fields and the storage they point into. */
struct ccm_csv_line {
	struct ccm_csv_field *f;
	size_t n, cap;
	struct ccm_buf store;
};

void ccm_csv_line_init(struct ccm_csv_line *l);
void ccm_csv_line_release(struct ccm_csv_line *l);

/*
 * Splits one logical line (continuations already joined) into fields,
 * leniently as spec 2.3 asks: unquoted values may hold any character but
 * ',' and may not start with '"'; a quoted value ends at a quote not
 * doubled, which must be followed by ',' or the end of the line.
 * `directory` applies the backslash escapes of DIRECTORY sections.
 * A quoted value may be followed by ';' and another value (convention 1
 * of spec 2.7, "a";"b"), and in an unquoted value a '"' right after a ';'
 * opens such a quoted value (x;"Lee, Bill"); the field's value is then its
 * pieces unquoted with the ';' between them, and `quoted` is set. Any
 * other '"' inside an unquoted value is literal. Values point into l's
 * storage and stay valid until the next split or release.
 * Returns the number of fields, or CCM_EMALFORMED with *bad_column set
 * to the 0-based byte where the line breaks the rules (an unterminated
 * quote; characters after a closing quote: the wizard's event 27), or
 * CCM_ENOMEM.
 */
int ccm_csv_split(struct ccm_csv_line *l, const char *line, size_t len,
		  int directory, size_t *bad_column);

/*
 * The raw text of field i of a line split from (line, line_len): the bytes
 * between its commas as written, quotes and escapes included (what
 * ccm_csv_split_multi and a verbatim copy need). *raw_len gets its length;
 * the result points into `line`.
 */
const char *ccm_csv_field_raw(const struct ccm_csv_line *l, size_t i,
			      const char *line, size_t line_len, size_t *raw_len);

/*
 * Applies the DIRECTORY backslash escapes (spec 2.9) to s in place: "\\"
 * becomes '\', "\r" CR, "\n" LF; a '\' that starts no escape is kept.
 * NUL-terminates and returns the new length. For values that
 * ccm_csv_split_multi split from the raw text of a DIRECTORY field.
 */
size_t ccm_csv_unescape_directory(char *s, size_t len);

/*
 * Splits the RAW text of a multi-valued field (as it stood between the
 * commas, quotes included) into values per the reader algorithm of spec
 * 2.7, accepting both conventions. Values are appended to `out` (a line
 * used as a list; values already in it stay valid); empty values are left
 * out; nothing is trimmed. Returns the number of values appended,
 * CCM_EMALFORMED (an unterminated quote, or characters after a value's
 * closing quote other than ';'; nothing is appended) or CCM_ENOMEM.
 */
int ccm_csv_split_multi(struct ccm_csv_line *out, const char *raw, size_t len);

/*
 * Parses "#NAME(offset)": the name must be a bare file name (no '/', '\',
 * "..", or any of # ( ) ; , : * ? " < > |), the offset decimal. Returns 0
 * and fills *name (copied into `name`, at most namesz-1 bytes) and
 * *offset, or CCM_EMALFORMED.
 */
int ccm_csv_parse_pointer(const char *s, size_t len, char *name, size_t namesz,
			  long long *offset);

#endif
