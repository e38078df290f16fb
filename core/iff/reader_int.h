/* reader_int.h: what the parts of the set reader share (not installed). */
#ifndef CCM_IFF_READER_INT_H
#define CCM_IFF_READER_INT_H

#include "iff/reader.h"
#include "base/input.h"

/* Secondaries kept open at once; more are reopened on demand. */
#define IFF_OPEN_SECONDARIES 4
/* A secondary section header line longer than this is not one. */
#define IFF_MAX_SECHEADER 4096
/* The longest logical line (a row with continuations joined). */
#define IFF_MAX_LOGICAL (16 * 1024 * 1024)

/* An open secondary file. */
struct iff_open_sec {
	const struct ccm_iff_file *file;   /* NULL: slot free */
	struct ccm_in in;
	unsigned long used;                /* for least-recently-used reuse */
};

struct ccm_iff_set {
	char *dir;
	char *pkl_name;
	int code_page;
	struct ccm_cp *cp;
	char *po_settings;                 /* after "! ccmig po.txt: ", UTF-8 */
	struct ccm_report *rep;
	struct ccm_iff_file *files[2];     /* by enum ccm_iff_filetype */
	size_t nfiles[2];
	struct iff_open_sec open[IFF_OPEN_SECONDARIES];
	unsigned long clock;
	/* secondaries whose header line was checked (by index) */
	unsigned char *sec_checked;
	struct ccm_buf scratch;
	struct ccm_csv_line hdr;           /* a secondary header line, split */
};

/* Where a stretch of a logical line came from (continuations). */
struct iff_piece {
	size_t lpos;           /* position in the logical line */
	long long off;         /* file offset of that byte */
};

/* One logical line: physical lines joined by continuations. */
struct iff_lline {
	struct ccm_buf raw;            /* the bytes as written */
	struct ccm_buf logical;        /* joined; used only when joined */
	int joined;
	long line, lines;
	long long offset;
	struct iff_piece *pieces;
	size_t npieces, cap;
};

struct ccm_iff_pri {
	struct ccm_iff_set *s;
	const struct ccm_iff_file *f;
	struct ccm_in in;
	long line;                     /* physical lines consumed */
	long long_lines;               /* lines too long to read, skipped */
	int dbcs;
	int in_section;                /* rows of sec may follow */
	int have_look;                 /* look holds a keyword line read ahead */
	struct iff_lline cur, look;
	struct ccm_iff_section sec;
	struct ccm_buf kw_raw, hdr_raw, addr_raw, addr;
	long rows;                     /* rows of the current section */
	long sections;                 /* sections started in the file */
	long last_row_line;
	int extra_reported;            /* extra fields reported in this section */
	struct ccm_iff_row row;
	struct ccm_csv_line csv;       /* the current row split (code page bytes) */
	struct ccm_csv_line multi;     /* scratch for validating lists */
	struct ccm_buf utf8;           /* its fields in UTF-8 */
	const char **fptr;
	size_t *flen, *foff;
	unsigned char *fpointer;
	size_t fcap;
	char **unknown;                /* unknown column names reported */
	size_t nunknown;
	struct ccm_buf tmp;
	ccm_iff_note_fn on_note;       /* '!' lines inside sections, or NULL */
	int row_checked;               /* the row was validated: row_check holds */
	int row_check;                 /* what ccm_iff_row_validate returned */
	void *note_ctx;
};

/* Reports with every field given; fmt as printf. */
void ccm_iff_report(struct ccm_report *rep, enum ccm_severity sev, const char *kind,
		int event, const char *file, long line, long long offset,
		const char *user, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));

/* The secondary the packing list lists as `name` (ASCII case ignored). */
const struct ccm_iff_file *ccm_iff_set_find_secondary(const struct ccm_iff_set *s,
						  const char *name);
/*
 * The open input of a listed secondary, opening it (and checking its
 * column header line once) if needed. NULL when it cannot be opened:
 * err says why.
 */
struct ccm_in *ccm_iff_set_sec_input(struct ccm_iff_set *s,
				 const struct ccm_iff_file *f,
				 struct ccm_error *err);

/* Line and byte offset of field i of p's current row. */
void ccm_iff_field_where(const struct ccm_iff_pri *p, size_t i, long *line,
		     long long *off);
/* Reports about p's current row; field i (or (size_t)-1 for the row). */
void ccm_iff_row_report(struct ccm_iff_pri *p, enum ccm_severity sev,
		    const char *kind, int event, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Case-insensitive comparison of an ASCII keyword with n bytes. */
int ccm_iff_eq_ci(const char *s, size_t n, const char *kw);

#endif
