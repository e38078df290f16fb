/* writer.h: writing an Exchange migration file set (.pkl, .pri, .sec). */
#ifndef CCM_IFF_WRITER_H
#define CCM_IFF_WRITER_H

#include <stddef.h>
#include "base/buf.h"
#include "base/error.h"

/* The column header lines ccmig writes (spec sections 4.2-4.4, 5.1). */
#define CCM_IFF_DIRECTORY_HEADER \
	"Obj-class,Mode,Common-Name,Display-Name,Last Name,First Name," \
	"Secondary-Proxy-Addresses,Home-Server"
#define CCM_IFF_PAB_HEADER \
	"Obj-class,Display-Name,Email-Address,First,Last,Address,City,State," \
	"Zip,Country,Title,Company,Department,Office,Assistant,Bus-Num," \
	"Bus2-Num,Assist-Num,Fax-Num,Home-Num,Home2-Num,Mobile-Num,Pager-Num,Note"
#define CCM_IFF_MAILMESSAGE_HEADER \
	"Folder,Sender,To,Cc,Bcc,Subject,Send-Date,Received-Date,Priority," \
	"Unread,Unsent,Body"
#define CCM_IFF_SECONDARY_HEADER "Type,Length,Encoding,Islast,Name,Position,Format"

enum ccm_iff_section_kind {
	CCM_IFF_DIRECTORY = 0, CCM_IFF_PAB, CCM_IFF_MAILMESSAGE
};

/*
 * A set being written into one folder. Every file is written in one code
 * page; text is given in UTF-8 and converted, and characters the code page
 * cannot hold become '?' and are counted (ccm_iff_writer_replaced), never
 * dropped silently. Rows are built in UTF-8 and converted as a whole, so a
 * double-byte character whose trail byte is '\' is never escaped or split.
 * Lines end in CR LF, the last one included.
 *
 * Order of calls: open; then for each primary file ccm_iff_writer_primary,
 * its sections and rows; secondaries are started with
 * ccm_iff_writer_secondary and hold the sections that rows point to (the
 * row's pointer names the current secondary). Sections of a message's
 * chain are written before its row. close writes the packing list:
 * Directory.pri first wherever it was written (mailboxes must exist before
 * anything else is imported), then the other primaries in the order
 * started, then every secondary.
 */
struct ccm_iff_writer;

/*
 * Creates folder `dir` if needed and starts a set whose packing list will
 * be dir/pkl_name. Refuses (CCM_EEXISTS) when that packing list already
 * exists. CCM_EUNSUPPORTED when the code page cannot be converted to.
 */
int ccm_iff_writer_open(struct ccm_iff_writer **out, const char *dir,
			const char *pkl_name, int code_page,
			struct ccm_error *err);
/* Finishes every file and writes the packing list; frees w either way. */
int ccm_iff_writer_close(struct ccm_iff_writer *w, struct ccm_error *err);
/* Frees w without writing the packing list (the files stay as they are). */
void ccm_iff_writer_abort(struct ccm_iff_writer *w);

/* Characters replaced by '?' so far. */
unsigned long ccm_iff_writer_replaced(const struct ccm_iff_writer *w);

/*
 * Throws away the current primary and secondary files (closed, deleted,
 * left out of the packing list): what was written for one user whose
 * migration failed half-way, so that no half of it is ever imported.
 */
int ccm_iff_writer_discard(struct ccm_iff_writer *w, struct ccm_error *err);

/*
 * Where the current primary and secondary stand, to take back what was
 * written after it with ccm_iff_writer_rewind(): for a user whose
 * migration failed half-way in a file that holds other users too. Valid
 * until the next ccm_iff_writer_primary() or _secondary().
 */
struct ccm_iff_writer_mark {
	long long pri, sec, sec_pos;
	int sections_in_pri;
};
int ccm_iff_writer_mark(struct ccm_iff_writer *w, struct ccm_iff_writer_mark *m,
			struct ccm_error *err);
/* Cuts both files back to mark m. */
int ccm_iff_writer_rewind(struct ccm_iff_writer *w, const struct ccm_iff_writer_mark *m,
			  struct ccm_error *err);
/* Bytes written to the current secondary so far. */
long long ccm_iff_writer_secondary_size(const struct ccm_iff_writer *w);

/* Starts primary file `name` (a bare name), ending the previous one. */
int ccm_iff_writer_primary(struct ccm_iff_writer *w, const char *name,
			   struct ccm_error *err);
/* Starts secondary file `name`, writing its column header line. */
int ccm_iff_writer_secondary(struct ccm_iff_writer *w, const char *name,
			     struct ccm_error *err);
/*
 * The start of the packing-list comment in which ccmig extract records the
 * post office's settings (ccm_manifest_settings_format): forwarded
 * messages stay export text, and reading them again needs them.
 */
#define CCM_IFF_PO_COMMENT "ccmig po.txt: "

/*
 * A comment line "!text" in the packing list, after its code page line
 * (spec 2.4: comments record how the data was extracted); written at
 * close, in the set's code page, line ends in text made spaces.
 */
void ccm_iff_writer_pkl_comment(struct ccm_iff_writer *w, const char *text);
/* A comment line "!text" in the current primary (text on one line). */
int ccm_iff_writer_comment(struct ccm_iff_writer *w, const char *text,
			   struct ccm_error *err);

/*
 * Starts a section: a blank line after any section before it in the file,
 * the keyword line (DIRECTORY, or PAB/MAILMESSAGE with `address` as the
 * second field, quoted as needed), and the column header line.
 */
int ccm_iff_writer_section(struct ccm_iff_writer *w, enum ccm_iff_section_kind k,
			   const char *address, struct ccm_error *err);

/*
 * A data row, field by field: row_begin, then one call per field in
 * column order, then row_end. A text field holding CR or LF outside a
 * DIRECTORY section is moved to an `Other` section of the current
 * secondary and replaced by its pointer (spec 2.6); inside one it is
 * escaped (spec 2.9). NULL and "" are an empty field.
 */
void ccm_iff_writer_row_begin(struct ccm_iff_writer *w);
int ccm_iff_writer_field(struct ccm_iff_writer *w, const char *utf8,
			 struct ccm_error *err);
int ccm_iff_writer_field_multi(struct ccm_iff_writer *w,
			       const char *const *values, size_t n,
			       struct ccm_error *err);
/* A pointer to a section of the current secondary, by its offset. */
int ccm_iff_writer_field_pointer(struct ccm_iff_writer *w, long long offset,
				 struct ccm_error *err);
/*
 * Whether the row built so far fits in one line an import reads whole
 * (CCM_IN_MAX_LINE bytes, before conversion): 0, or CCM_ELIMIT with err
 * saying how long it is. row_end refuses a row that does not fit, so a
 * caller that can leave one row out asks first.
 */
int ccm_iff_writer_row_fits(const struct ccm_iff_writer *w, struct ccm_error *err);
int ccm_iff_writer_row_end(struct ccm_iff_writer *w, struct ccm_error *err);

/*
 * Starts a section of the current secondary: its header line
 * "Type,Length,,Islast,Name,Position,Format" (`name` UTF-8 and converted,
 * NULL for none; `position` < -1 leaves the field empty; `format` NULL for
 * empty). *offset gets the header line's offset, for pointers. Exactly
 * `length` bytes must follow through ccm_iff_writer_sec_data, then
 * ccm_iff_writer_sec_end, which checks the count (CCM_EINVAL when it is
 * off: a set with a wrong Length is never written silently) and writes the
 * separating CR LF.
 */
int ccm_iff_writer_sec_begin(struct ccm_iff_writer *w, const char *type,
			     unsigned long long length, int islast,
			     const char *name, long long position,
			     const char *format, long long *offset,
			     struct ccm_error *err);
int ccm_iff_writer_sec_data(struct ccm_iff_writer *w, const void *p, size_t n,
			    struct ccm_error *err);
int ccm_iff_writer_sec_end(struct ccm_iff_writer *w, struct ccm_error *err);

/*
 * Appends the set's code page form of UTF-8 text to out, counting
 * replacements; for body text, whose bytes must be known before its
 * section starts.
 */
void ccm_iff_writer_encode(struct ccm_buf *out, struct ccm_iff_writer *w,
			   const char *utf8, size_t n);

#endif
