/* reader.h: the streaming reader of Exchange migration file sets (.pkl, .pri, .sec). */
#ifndef CCM_IFF_READER_H
#define CCM_IFF_READER_H

#include <stddef.h>
#include <sys/types.h>
#include "base/buf.h"
#include "base/codepage.h"
#include "base/date.h"
#include "base/error.h"
#include "base/report.h"
#include "iff/csv.h"
#include "iff/writer.h"   /* enum ccm_iff_section_kind */

/*
 * Reads any set that follows spec/migration-files.md, ours or another
 * tool's, leniently as its section 9 asks. Three objects:
 *
 *   struct ccm_iff_set    the packing list: code page, files, and the
 *                         secondary files pointers lead into;
 *   struct ccm_iff_pri    one primary file walked section by section and
 *                         row by row, one logical line at a time;
 *   struct ccm_iff_chain  the sections a pointer #NAME(offset) leads to,
 *                         checked whole first, then streamed in pieces.
 *
 * Problems in the DATA are not function errors: they go to the report
 * (struct ccm_report) with a stable kind, the Migration Wizard's event
 * number where there is one (spec 7 and 12.10), the file, 1-based line and
 * byte offset, and plain words on what to do; reading goes on. A problem
 * in a row marks that row bad (the caller skips it; it stays available
 * verbatim for a recovery file); a problem in a section's keyword or
 * header line marks the section bad (event 8124). Functions fail (negative
 * CCM_E* with err filled) only when the system fails: out of memory, a
 * read error, or a set that cannot be read at all.
 *
 * Every file of a set is a bare name in the packing list's folder (spec
 * 12.8 and 12.9): names with '/', '\', "..", or a drive colon are refused,
 * and pointers may only name secondaries the packing list lists, so no
 * data in the set makes the reader open anything outside that folder.
 *
 * Text handed out (fields, addresses, names) is UTF-8, converted from the
 * set's code page; raw lines are the file's bytes as written.
 */

/* ---- the set ------------------------------------------------------------ */

enum ccm_iff_filetype { CCM_IFF_PRIMARY = 0, CCM_IFF_SECONDARY = 1 };

/* A file the packing list names (and that passed the bare-name rule). */
struct ccm_iff_file {
	char *name;                  /* as listed (bytes of the .pkl) */
	char *path;                  /* dir/<name on disk>; NULL if it is missing */
	enum ccm_iff_filetype type;
	long pkl_line;               /* its line in the packing list */
	long long size;              /* bytes, -1 if missing */
};

struct ccm_iff_set;

/*
 * Opens the set whose packing list is `pkl_path`: reads the code page (the
 * first line that is neither blank nor a '!' comment), the
 * "Filename,Filetype" header and the file list, and checks that each
 * listed file exists in the packing list's folder (a name that differs
 * only in ASCII case is found, with a note). Refused names (paths, '..',
 * drive colons; secondary names a pointer cannot spell), unknown filetypes
 * and duplicates are reported in `rep` and left out of the lists; a listed
 * file that is missing is reported and stays listed with path NULL, so
 * that pointers into it fail as "listed but missing" (event 8054).
 *
 * Fails only when the set cannot be read at all: CCM_ENOTFOUND/CCM_EIO
 * (no packing list), CCM_EMALFORMED (no code page line), CCM_EUNSUPPORTED
 * (a code page iconv lacks), CCM_ENOMEM; err says which and what to do.
 * `rep` must outlive the set. Free with ccm_iff_set_close().
 */
int ccm_iff_set_open(struct ccm_iff_set **out, const char *pkl_path,
		     struct ccm_report *rep, struct ccm_error *err);
void ccm_iff_set_close(struct ccm_iff_set *s);

int ccm_iff_set_code_page(const struct ccm_iff_set *s);
/* The converter of the set's code page (owned by the set). */
struct ccm_cp *ccm_iff_set_cp(const struct ccm_iff_set *s);
/*
 * The settings of the post office the set was extracted from, as ccmig
 * extract records them in the packing list: the text after the comment
 * "!ccmig po.txt: " (CCM_IFF_PO_COMMENT, writer.h), UTF-8, owned by the
 * set; NULL when the set does not say (another tool wrote it).
 */
const char *ccm_iff_set_po_settings(const struct ccm_iff_set *s);
/* The folder of the packing list, and its file name. */
const char *ccm_iff_set_dir(const struct ccm_iff_set *s);
const char *ccm_iff_set_pkl_name(const struct ccm_iff_set *s);
/* The listed files of one type, in packing-list order. */
size_t ccm_iff_set_count(const struct ccm_iff_set *s, enum ccm_iff_filetype t);
const struct ccm_iff_file *ccm_iff_set_file(const struct ccm_iff_set *s,
					    enum ccm_iff_filetype t, size_t i);

/*
 * Walks secondary file i whole, section by section from its column header
 * line, checking every header and Length as a chain would (spec 5), and
 * reports the FIRST place where the file stops following the format (one
 * entry: after a wrong Length nothing further can be trusted). Meant for
 * `ccmig check`: a hand-edited body whose Length was not updated is found
 * at its own section. Counts sections and data bytes into the outputs.
 * Returns 0 (problems are reported), or a negative code on a system error.
 */
int ccm_iff_set_scan_secondary(struct ccm_iff_set *s, size_t i,
			       unsigned long *sections,
			       unsigned long long *bytes, struct ccm_error *err);

/* ---- primary files -------------------------------------------------------- */

/* Columns ccmig knows, in any section kind (spec 4.2-4.4). */
enum ccm_iff_col {
	/* MAILMESSAGE, in the documented order */
	CCM_IFF_COL_FOLDER = 0, CCM_IFF_COL_SENDER, CCM_IFF_COL_TO,
	CCM_IFF_COL_CC, CCM_IFF_COL_BCC, CCM_IFF_COL_SUBJECT,
	CCM_IFF_COL_SEND_DATE, CCM_IFF_COL_RECEIVED_DATE, CCM_IFF_COL_PRIORITY,
	CCM_IFF_COL_UNREAD, CCM_IFF_COL_UNSENT, CCM_IFF_COL_BODY,
	/* PAB (Obj-class and Display-Name are DIRECTORY columns too) */
	CCM_IFF_COL_OBJ_CLASS, CCM_IFF_COL_DISPLAY_NAME,
	CCM_IFF_COL_EMAIL_ADDRESS, CCM_IFF_COL_FIRST, CCM_IFF_COL_LAST,
	CCM_IFF_COL_ADDRESS, CCM_IFF_COL_CITY, CCM_IFF_COL_STATE,
	CCM_IFF_COL_ZIP, CCM_IFF_COL_COUNTRY, CCM_IFF_COL_TITLE,
	CCM_IFF_COL_COMPANY, CCM_IFF_COL_DEPARTMENT, CCM_IFF_COL_OFFICE,
	CCM_IFF_COL_ASSISTANT, CCM_IFF_COL_BUS_NUM, CCM_IFF_COL_BUS2_NUM,
	CCM_IFF_COL_ASSIST_NUM, CCM_IFF_COL_FAX_NUM, CCM_IFF_COL_HOME_NUM,
	CCM_IFF_COL_HOME2_NUM, CCM_IFF_COL_MOBILE_NUM, CCM_IFF_COL_PAGER_NUM,
	CCM_IFF_COL_NOTE,
	/* DIRECTORY ("Last Name" or Surname, "First Name" or Given-Name) */
	CCM_IFF_COL_MODE, CCM_IFF_COL_COMMON_NAME, CCM_IFF_COL_LAST_NAME,
	CCM_IFF_COL_FIRST_NAME, CCM_IFF_COL_PROXY_ADDRESSES,
	CCM_IFF_COL_HOME_SERVER,
	CCM_IFF_COL_COUNT
};

/* The column's documented header name ("Send-Date"). */
const char *ccm_iff_col_name(enum ccm_iff_col c);

/*
 * A section of a primary file. Strings are owned by the reader and valid
 * until the next ccm_iff_pri_next_section() (or close).
 */
struct ccm_iff_section {
	enum ccm_iff_section_kind kind;
	int is_public;              /* MAILMESSAGE,PublicMessages (or ...Message) */
	long number;                /* 1-based in the file */
	/* The keyword line's second field (UTF-8, unquoted) as written, and
	 * without a leading "MIGRATE:" (any case); NULL for DIRECTORY. */
	const char *address_raw;
	const char *address;
	/* Where the keyword and header lines are, and their bytes as written
	 * (continuations included, line end excluded). header_* are 0/NULL
	 * when the section has no header line. */
	long line, header_line;
	long long offset, header_offset;
	const char *keyword_raw, *header_raw;
	size_t keyword_raw_len, header_raw_len;
	/*
	 * Bad: the keyword or header line is unusable (reported, event 8124
	 * when the section ends). Rows are still handed out, marked bad, so
	 * that a caller can copy them verbatim to a recovery file.
	 */
	int bad;
	/* Columns by name: col[c] is the 0-based position of known column c
	 * in the rows, -1 when the header lacks it. */
	int col[CCM_IFF_COL_COUNT];
	size_t ncols;               /* names in the header line */
	char **names;               /* the header names, UTF-8 */
};

/* A data row. Valid until the next ccm_iff_pri_next_row()/_section(). */
struct ccm_iff_row {
	const struct ccm_iff_section *sec;
	long number;                /* 1-based in its section */
	long line;                  /* first physical line, 1-based */
	long lines;                 /* physical lines it spans (continuations) */
	long long offset;           /* byte offset of its first byte */
	const char *raw;            /* the bytes as written, continuations */
	size_t raw_len;             /*   included, final line end excluded */
	/*
	 * Bad: the line could not be split (a quote error, event 27) or its
	 * section is bad; it was reported and its fields are all absent.
	 */
	int bad;
	size_t nfields;             /* fields as written */
	const char *const *field;   /* UTF-8 values by position */
	const size_t *field_len;
	const unsigned char *field_pointer;  /* 1: written bare as #...(...) */
};

struct ccm_iff_pri;

/*
 * Opens primary file i of the set (in packing-list order) for walking.
 * CCM_ENOTFOUND when the file is missing (already reported by set_open),
 * CCM_EIO/CCM_ENOMEM with err filled. The set must outlive the reader.
 */
int ccm_iff_pri_open(struct ccm_iff_pri **out, struct ccm_iff_set *s, size_t i,
		     struct ccm_error *err);
void ccm_iff_pri_close(struct ccm_iff_pri *p);
/* The file's name as listed. */
const char *ccm_iff_pri_name(const struct ccm_iff_pri *p);
/* Lines skipped so far for being too long (reported): rows that are
 * neither handed out nor anywhere else, for the caller's counts. */
long ccm_iff_pri_long_lines(const struct ccm_iff_pri *p);

/*
 * The next section: 1 with *sec set, 0 at the end of the file, negative
 * on a system error. Rows of the previous section that were not read are
 * skipped. Blank lines and '!' comments between sections are skipped;
 * other lines outside any section are reported (one entry per run of
 * them) and skipped. A section ends at a blank line or at a new keyword
 * line.
 */
int ccm_iff_pri_next_section(struct ccm_iff_pri *p,
			     const struct ccm_iff_section **sec,
			     struct ccm_error *err);

/*
 * A comment line inside a section, handed to the caller as it is read:
 * `text` is the line without its '!' (len bytes, not NUL-terminated, in
 * the set's code page), `line` and `offset` where it stands. ccmig
 * carries each row's source identity and extraction's decisions in such
 * lines (iff/srcid.h); a line comes before the row it speaks of.
 */
typedef void (*ccm_iff_note_fn)(void *ctx, const char *text, size_t len,
				long line, long long offset);
/* Calls fn for every comment line inside a section from now on (NULL:
 * none, as when opened). */
void ccm_iff_pri_on_note(struct ccm_iff_pri *p, ccm_iff_note_fn fn, void *ctx);

/*
 * The next row of the current section: 1 with *row set, 0 when the
 * section ends, negative on a system error. Each row is one logical line:
 * "\\"+CR LF continuations are joined outside quotes, comments and
 * DIRECTORY sections (spec 2.5); '!' comment lines are skipped. Fields are
 * converted to UTF-8; in DIRECTORY sections the backslash escapes are
 * applied (spec 2.9). A row with more fields than the header, a bad
 * escape or bytes the code page cannot decode is reported and still
 * handed out. A physical line longer than 1 MiB is reported
 * (line-too-long) and skipped; continuations stop joining at 16 MiB.
 */
int ccm_iff_pri_next_row(struct ccm_iff_pri *p, const struct ccm_iff_row **row,
			 struct ccm_error *err);

/*
 * Field access by column. The value of known column c, "" for a missing
 * trailing field, or NULL when the section's header has no such column
 * (or the row is bad). *len (may be NULL) gets its length.
 */
const char *ccm_iff_row_get(const struct ccm_iff_row *r, enum ccm_iff_col c,
			    size_t *len);
/* The same by header name, case-insensitively: for any DIRECTORY
 * attribute and for columns ccmig does not know. */
const char *ccm_iff_row_get_named(const struct ccm_iff_row *r, const char *name,
				  size_t *len);
/* 1 when column c was written as a bare #NAME(offset) pointer. */
int ccm_iff_row_is_pointer(const struct ccm_iff_row *r, enum ccm_iff_col c);

/*
 * Typed fields of the CURRENT row of p. Each returns 0 with *out set,
 * 1 when the field is empty or its column absent (*out is then the
 * default), or CCM_EMALFORMED when it does not parse - the problem has
 * then been reported (event 8095, file, line and byte offset of the
 * field) and *out holds the default.
 *
 * Dates are 14 digits YYYYMMDDHHMMSS of local time, a real calendar date;
 * `tz` (NULL: UTC) turns them into out->utc with the offset in force on
 * that date. Booleans are TRUE/FALSE in any case. Priority is -1, 0, 1
 * (default 0).
 */
int ccm_iff_row_date(struct ccm_date *out, struct ccm_iff_pri *p,
		     enum ccm_iff_col c, const struct ccm_tz *tz);
int ccm_iff_row_bool(int *out, struct ccm_iff_pri *p, enum ccm_iff_col c,
		     int def);
int ccm_iff_row_priority(int *out, struct ccm_iff_pri *p);

/*
 * A multi-valued field (recipients, DL members, proxy addresses) split
 * per spec 2.7, both conventions accepted; values are appended to `out`
 * as UTF-8 (DIRECTORY escapes applied). Returns the number of values,
 * CCM_EMALFORMED (reported, nothing appended) or CCM_ENOMEM.
 */
int ccm_iff_row_multi(struct ccm_csv_line *out, struct ccm_iff_pri *p,
		      enum ccm_iff_col c);

/*
 * The text of a single-valued field into `out` (UTF-8, replacing what it
 * held): the field itself, or - when it is a pointer - the data of the
 * secondary sections it leads to (normally one Other section, whose data
 * is CSV-unquoted when it starts and ends with '"', spec 5.3), at most
 * `max` bytes. For a message's Body use ccm_iff_row_chain instead. Returns 0, 1 for an empty or absent field,
 * CCM_EMALFORMED when the pointer is bad or the value longer than max
 * (reported; skip the row), or a negative system error with err filled.
 */
int ccm_iff_row_text(struct ccm_buf *out, struct ccm_iff_pri *p,
		     enum ccm_iff_col c, size_t max, struct ccm_error *err);

/*
 * Checks every field of the current row for its section kind (spec 4.2 -
 * 4.4): required values present, dates, booleans, priority, Mode=create,
 * Obj-class, multi-valued fields that split, no pointers in DIRECTORY
 * sections, Body a pointer. Reports each problem. Pointers are only
 * parsed, not followed (use ccm_iff_row_chain). Returns 0 when the row
 * can be imported (warnings at most), CCM_EMALFORMED when an error means
 * it must be skipped.
 */
int ccm_iff_row_validate(struct ccm_iff_pri *p, const struct ccm_tz *tz);
/* (Asked again of the same row, it answers the same without reporting
 * again.) */

/* Parsers without reporting, for callers with text of their own. */
int ccm_iff_parse_date(struct ccm_date *out, const char *s, size_t len,
		       const struct ccm_tz *tz);
int ccm_iff_parse_bool(int *out, const char *s, size_t len);
int ccm_iff_parse_priority(int *out, const char *s, size_t len);

/* ---- secondary sections and chains ------------------------------------- */

enum ccm_iff_sectype {
	CCM_IFF_BODY = 0, CCM_IFF_ATTACHMENT, CCM_IFF_SCHEDULE,
	CCM_IFF_DOCUMENT, CCM_IFF_OTHER
};

/* One section of a chain, as its header line says (spec 5.2). */
struct ccm_iff_secsect {
	enum ccm_iff_sectype type;
	long long offset;           /* of its header line */
	long long data_offset;      /* of its first data byte */
	long long length;           /* data bytes */
	int islast;
	const char *name;           /* UTF-8; "" when none */
	long long position;         /* -1 when written -1 or empty (end of
				       the body); clamped to the body's
				       length when past it (reported) */
	int macbinary;              /* Format=Macbinary */
	int index;                  /* 1-based in the chain */
};

struct ccm_iff_chain;

/* Where a pointer was written, for reports. */
struct ccm_iff_where {
	const char *file;
	long line;
	long long offset;
	const char *user;
};

/*
 * Resolves the pointer `text` (as written in a primary field) and checks
 * its whole chain before handing anything out (spec 5, 12.9): NAME must be
 * a secondary the packing list lists (else event 8054), offset inside the
 * file and at the start of a line (8005), each header line must parse with
 * a known Type and a Length (8059), Length must not run past the end
 * (8005), Attachment and Document need a Name (8048), and the chain must
 * reach Islast=TRUE before the end of the file (8005). `body`: the pointer
 * is a message's Body (its first section must be a Body; Position is
 * checked against the body's length). Headers only are read here: data is
 * skipped with seeks.
 *
 * Returns 0 with *out (free with ccm_iff_chain_free), CCM_EMALFORMED when
 * the pointer or chain is bad (reported; skip the row; *out is NULL), or
 * another negative code on a system error with err filled.
 */
int ccm_iff_chain_open(struct ccm_iff_chain **out, struct ccm_iff_set *s,
		       const char *text, size_t len, int body,
		       const struct ccm_iff_where *from, struct ccm_error *err);
/* The same for column c of p's current row (where = the field). */
int ccm_iff_row_chain(struct ccm_iff_chain **out, struct ccm_iff_pri *p,
		      enum ccm_iff_col c, struct ccm_error *err);
void ccm_iff_chain_free(struct ccm_iff_chain *c);

/* The number of sections and the total of their Lengths. */
size_t ccm_iff_chain_count(const struct ccm_iff_chain *c);
long long ccm_iff_chain_bytes(const struct ccm_iff_chain *c);

/*
 * The next section of the chain: 1 with *sec (valid until the next call),
 * 0 after the Islast one. Data of the previous section not read is
 * skipped.
 */
int ccm_iff_chain_next(struct ccm_iff_chain *c,
		       const struct ccm_iff_secsect **sec);

/*
 * Reads up to n bytes of the current section's data as written (text in
 * the set's code page, attachments as they are). Returns the count, 0 at
 * the end of the section's data, or a negative code (err filled). Memory
 * does not grow with the section: a 1 GiB attachment comes in pieces.
 */
ssize_t ccm_iff_chain_read(struct ccm_iff_chain *c, void *buf, size_t n,
			   struct ccm_error *err);

/*
 * Reads up to about n more bytes of the current (text) section's data and
 * appends their UTF-8 form to out, holding back an incomplete multi-byte
 * character until the next call. Returns the bytes read from the file
 * (0 at the end: the tail is then flushed), or a negative code.
 */
ssize_t ccm_iff_chain_read_utf8(struct ccm_buf *out, struct ccm_iff_chain *c,
				size_t n, struct ccm_error *err);

#endif
