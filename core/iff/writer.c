/* writer.c: writing an Exchange migration file set. */
#include "iff/writer.h"
#include "iff/csv.h"
#include "base/codepage.h"
#include "base/input.h"
#include "base/nofollow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>
#include <sys/stat.h>

struct listed {
	char *name;
	int primary;
};

struct ccm_iff_writer {
	char *dir;
	char *pkl_name;
	int code_page;
	struct ccm_cp *cp;
	FILE *pri, *sec;
	char *sec_name;
	long long sec_pos;              /* bytes written to the secondary */
	int sections_in_pri;            /* sections written to the primary */
	int in_directory;               /* the current section is DIRECTORY */
	struct listed *files;
	size_t n_files;
	struct ccm_buf row;             /* the row being built, UTF-8 */
	struct ccm_buf line;            /* a line converted to the code page */
	struct ccm_buf note;            /* a comment line being made */
	int fields;                     /* fields in the row so far */
	unsigned long long sec_left;    /* data bytes the open section still owes */
	int sec_open;
	unsigned long replaced;
	struct ccm_buf pkl_comments;    /* "!..." lines for the packing list */
};

static char *path_of(const struct ccm_iff_writer *w, const char *name)
{
	struct ccm_buf p = CCM_BUF_INIT;

	ccm_buf_addf(&p, "%s/%s", w->dir, name);
	return ccm_buf_detach(&p, NULL);
}

static int bare_name(const char *name)
{
	return *name && !strpbrk(name, "/\\#();,:*?\"<>|") && strcmp(name, ".") &&
	       strcmp(name, "..");
}

int ccm_iff_writer_open(struct ccm_iff_writer **out, const char *dir,
			const char *pkl_name, int code_page,
			struct ccm_error *err)
{
	struct ccm_iff_writer *w;
	struct stat st;
	char *pkl;
	int rc;

	*out = NULL;
	if (!bare_name(pkl_name))
		return ccm_error_set(err, CCM_EINVAL, "packing list name '%s' is not a "
				     "bare file name", pkl_name);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return ccm_error_sys(err, errno, "cannot create folder '%s'", dir);
	w = calloc(1, sizeof(*w));
	if (!w)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	w->dir = ccm_strdup(dir);
	w->pkl_name = ccm_strdup(pkl_name);
	w->code_page = code_page;
	ccm_buf_init(&w->row);
	ccm_buf_init(&w->line);
	ccm_buf_init(&w->note);
	ccm_buf_init(&w->pkl_comments);
	if (!w->dir || !w->pkl_name) {
		ccm_iff_writer_abort(w);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	pkl = path_of(w, pkl_name);
	if (stat(pkl, &st) == 0) {
		ccm_error_set(err, CCM_EEXISTS, "'%s' already holds a migration set "
			      "('%s'); choose another folder or remove it", dir, pkl_name);
		free(pkl);
		ccm_iff_writer_abort(w);
		return CCM_EEXISTS;
	}
	free(pkl);
	if ((rc = ccm_cp_open(&w->cp, code_page, err)) < 0) {
		ccm_iff_writer_abort(w);
		return rc;
	}
	*out = w;
	return 0;
}

unsigned long ccm_iff_writer_replaced(const struct ccm_iff_writer *w)
{
	return w->replaced;
}

void ccm_iff_writer_encode(struct ccm_buf *out, struct ccm_iff_writer *w,
			   const char *utf8, size_t n)
{
	size_t replaced = 0;

	ccm_cp_from_utf8(out, w->cp, utf8, n, &replaced);
	w->replaced += replaced;
}

/* Converts a UTF-8 line (without its line end) and writes it with CR LF. */
static int put_line(struct ccm_iff_writer *w, FILE *f, const char *utf8,
		    size_t n, long long *pos, struct ccm_error *err)
{
	ccm_buf_reset(&w->line);
	ccm_iff_writer_encode(&w->line, w, utf8, n);
	ccm_buf_add(&w->line, "\r\n", 2);
	if (fwrite(w->line.ptr, 1, w->line.len, f) != w->line.len)
		return ccm_error_sys(err, errno, "cannot write the migration files in '%s'",
				     w->dir);
	if (pos)
		*pos += (long long)w->line.len;
	return 0;
}

static int add_listed(struct ccm_iff_writer *w, const char *name, int primary)
{
	struct listed *v = realloc(w->files, (w->n_files + 1) * sizeof(*v));

	if (!v)
		return CCM_ENOMEM;
	w->files = v;
	v[w->n_files].name = ccm_strdup(name);
	v[w->n_files].primary = primary;
	if (!v[w->n_files].name)
		return CCM_ENOMEM;
	w->n_files++;
	return 0;
}

static int close_file(struct ccm_iff_writer *w, FILE **f, struct ccm_error *err)
{
	int rc = 0;

	if (*f && fclose(*f) != 0)
		rc = ccm_error_sys(err, errno, "cannot finish a migration file in '%s'",
				   w->dir);
	*f = NULL;
	return rc;
}

static FILE *create(struct ccm_iff_writer *w, const char *name, int primary,
		    struct ccm_error *err)
{
	char *path;
	FILE *f;
	int rc;

	if (!bare_name(name)) {
		ccm_error_set(err, CCM_EINVAL, "migration file name '%s' is not a bare "
			      "file name", name);
		return NULL;
	}
	path = path_of(w, name);
	/* A link planted where a set is written is never written through. */
	rc = ccm_nofollow_fopen(&f, path, err);
	free(path);
	if (rc < 0)
		return NULL;
	/* Fewer, larger writes: the set is written once, front to back. */
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	if (add_listed(w, name, primary) < 0) {
		fclose(f);
		ccm_error_set(err, CCM_ENOMEM, "out of memory");
		return NULL;
	}
	return f;
}

/* Deletes listed file `name` and drops it from the list. */
static int unlist(struct ccm_iff_writer *w, const char *name, struct ccm_error *err)
{
	char *path = path_of(w, name);
	int rc = 0;

	if (remove(path) != 0 && errno != ENOENT)
		rc = ccm_error_sys(err, errno, "cannot remove '%s'", path);
	free(path);
	for (size_t i = 0; i < w->n_files; i++)
		if (!strcmp(w->files[i].name, name)) {
			free(w->files[i].name);
			memmove(&w->files[i], &w->files[i + 1],
				(w->n_files - i - 1) * sizeof(w->files[0]));
			w->n_files--;
			break;
		}
	return rc;
}

int ccm_iff_writer_discard(struct ccm_iff_writer *w, struct ccm_error *err)
{
	int rc = 0;

	w->sec_open = 0;
	if (w->pri) {
		fclose(w->pri);
		w->pri = NULL;
		/* The primary is the last one listed. */
		for (size_t i = w->n_files; i-- > 0;)
			if (w->files[i].primary) {
				char *name = ccm_strdup(w->files[i].name);
				rc = name ? unlist(w, name, err) : CCM_ENOMEM;
				free(name);
				break;
			}
	}
	if (w->sec) {
		fclose(w->sec);
		w->sec = NULL;
		if (rc == 0 && w->sec_name)
			rc = unlist(w, w->sec_name, err);
		free(w->sec_name);
		w->sec_name = NULL;
	}
	return rc;
}

int ccm_iff_writer_mark(struct ccm_iff_writer *w, struct ccm_iff_writer_mark *m,
			struct ccm_error *err)
{
	if ((w->pri && fflush(w->pri) != 0) || (w->sec && fflush(w->sec) != 0))
		return ccm_error_sys(err, errno, "cannot write the migration files in "
				     "'%s'", w->dir);
	m->pri = w->pri ? (long long)ftello(w->pri) : 0;
	m->sec = w->sec ? (long long)ftello(w->sec) : 0;
	m->sec_pos = w->sec_pos;
	m->sections_in_pri = w->sections_in_pri;
	return 0;
}

/* Cuts one file back to `at`. */
static int cut(struct ccm_iff_writer *w, FILE *f, long long at, struct ccm_error *err)
{
	if (!f)
		return 0;
	if (fflush(f) != 0 || ftruncate(fileno(f), (off_t)at) != 0 ||
	    fseeko(f, (off_t)at, SEEK_SET) != 0)
		return ccm_error_sys(err, errno, "cannot take back what was written to "
				     "the migration files in '%s'", w->dir);
	return 0;
}

int ccm_iff_writer_rewind(struct ccm_iff_writer *w, const struct ccm_iff_writer_mark *m,
			  struct ccm_error *err)
{
	int rc = cut(w, w->pri, m->pri, err);

	if (rc == 0)
		rc = cut(w, w->sec, m->sec, err);
	w->sec_pos = m->sec_pos;
	w->sections_in_pri = m->sections_in_pri;
	w->sec_open = 0;
	return rc;
}

long long ccm_iff_writer_secondary_size(const struct ccm_iff_writer *w)
{
	return w->sec ? w->sec_pos : 0;
}

int ccm_iff_writer_primary(struct ccm_iff_writer *w, const char *name,
			   struct ccm_error *err)
{
	int rc = close_file(w, &w->pri, err);

	if (rc < 0)
		return rc;
	w->pri = create(w, name, 1, err);
	w->sections_in_pri = 0;
	return w->pri ? 0 : (err ? err->code : CCM_EIO);
}

int ccm_iff_writer_secondary(struct ccm_iff_writer *w, const char *name,
			     struct ccm_error *err)
{
	int rc;

	if (w->sec_open)
		return ccm_error_set(err, CCM_EINVAL, "a secondary section is still open");
	if ((rc = close_file(w, &w->sec, err)) < 0)
		return rc;
	free(w->sec_name);
	w->sec_name = NULL;
	w->sec = create(w, name, 0, err);
	if (!w->sec)
		return err ? err->code : CCM_EIO;
	w->sec_name = ccm_strdup(name);
	w->sec_pos = 0;
	if (!w->sec_name)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	return put_line(w, w->sec, CCM_IFF_SECONDARY_HEADER,
			strlen(CCM_IFF_SECONDARY_HEADER), &w->sec_pos, err);
}

int ccm_iff_writer_comment(struct ccm_iff_writer *w, const char *text,
			   struct ccm_error *err)
{
	size_t n = strlen(text);
	int rc;

	/* One line: a line end inside would end the comment there. */
	ccm_buf_reset(&w->note);
	ccm_buf_addch(&w->note, '!');
	ccm_buf_add(&w->note, text, n);
	for (char *p = w->note.ptr; (p = strpbrk(p, "\r\n")) != NULL; )
		*p = ' ';
	rc = put_line(w, w->pri, w->note.ptr, w->note.len, NULL, err);
	return rc;
}

void ccm_iff_writer_pkl_comment(struct ccm_iff_writer *w, const char *text)
{
	struct ccm_buf b = CCM_BUF_INIT;
	size_t replaced = 0;

	for (const char *p = text; *p; p++)
		ccm_buf_addch(&b, (*p == '\r' || *p == '\n') ? ' ' : *p);
	ccm_buf_addch(&w->pkl_comments, '!');
	ccm_cp_from_utf8(&w->pkl_comments, w->cp, b.ptr, b.len, &replaced);
	ccm_buf_add(&w->pkl_comments, "\r\n", 2);
	w->replaced += replaced;
	ccm_buf_release(&b);
}

int ccm_iff_writer_section(struct ccm_iff_writer *w, enum ccm_iff_section_kind k,
			   const char *address, struct ccm_error *err)
{
	static const char *const keyword[] = { "DIRECTORY", "PAB", "MAILMESSAGE" };
	static const char *const header[] = {
		CCM_IFF_DIRECTORY_HEADER, CCM_IFF_PAB_HEADER, CCM_IFF_MAILMESSAGE_HEADER
	};
	struct ccm_buf b = CCM_BUF_INIT;
	int rc;

	if (!w->pri)
		return ccm_error_set(err, CCM_EINVAL, "no primary file is open");
	if (w->sections_in_pri++ > 0 &&
	    (rc = put_line(w, w->pri, "", 0, NULL, err)) < 0)
		return rc;
	ccm_buf_adds(&b, keyword[k]);
	if (k != CCM_IFF_DIRECTORY) {
		ccm_buf_addch(&b, ',');
		ccm_csv_put_field(&b, address ? address : "", address ? strlen(address) : 0, 0);
	}
	rc = put_line(w, w->pri, b.ptr, b.len, NULL, err);
	ccm_buf_release(&b);
	if (rc == 0)
		rc = put_line(w, w->pri, header[k], strlen(header[k]), NULL, err);
	w->in_directory = (k == CCM_IFF_DIRECTORY);
	return rc;
}

void ccm_iff_writer_row_begin(struct ccm_iff_writer *w)
{
	ccm_buf_reset(&w->row);
	w->fields = 0;
}

static void comma(struct ccm_iff_writer *w)
{
	if (w->fields++ > 0)
		ccm_buf_addch(&w->row, ',');
}

int ccm_iff_writer_field(struct ccm_iff_writer *w, const char *utf8,
			 struct ccm_error *err)
{
	size_t n = utf8 ? strlen(utf8) : 0;
	int rc;

	if (n && !w->in_directory && strpbrk(utf8, "\r\n")) {
		/* A primary line cannot hold a line end: the value goes to an
		 * Other section and the field becomes its pointer (spec 2.6). */
		struct ccm_buf data = CCM_BUF_INIT;
		long long off;

		if (!w->sec) {
			return ccm_error_set(err, CCM_EINVAL, "a value with a line end "
					     "needs a secondary file to go to");
		}
		ccm_iff_writer_encode(&data, w, utf8, n);
		rc = ccm_iff_writer_sec_begin(w, "Other", data.len, 1, NULL, -2, NULL,
					      &off, err);
		if (rc == 0)
			rc = ccm_iff_writer_sec_data(w, data.ptr, data.len, err);
		if (rc == 0)
			rc = ccm_iff_writer_sec_end(w, err);
		ccm_buf_release(&data);
		return rc < 0 ? rc : ccm_iff_writer_field_pointer(w, off, err);
	}
	comma(w);
	if (ccm_csv_put_field(&w->row, utf8 ? utf8 : "", n,
			      w->in_directory ? CCM_CSV_DIRECTORY : 0) < 0)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	return 0;
}

int ccm_iff_writer_field_multi(struct ccm_iff_writer *w,
			       const char *const *values, size_t n,
			       struct ccm_error *err)
{
	comma(w);
	if (ccm_csv_put_multi(&w->row, values, n,
			      w->in_directory ? CCM_CSV_DIRECTORY : 0) < 0)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	return 0;
}

int ccm_iff_writer_field_pointer(struct ccm_iff_writer *w, long long offset,
				 struct ccm_error *err)
{
	if (!w->sec_name)
		return ccm_error_set(err, CCM_EINVAL, "a pointer needs a secondary file");
	comma(w);
	ccm_csv_put_pointer(&w->row, w->sec_name, offset);
	return 0;
}

int ccm_iff_writer_row_fits(const struct ccm_iff_writer *w, struct ccm_error *err)
{
	/* Conversion from UTF-8 never makes a row longer. */
	if (w->row.len > CCM_IN_MAX_LINE)
		return ccm_error_set(err, CCM_ELIMIT, "its row would be %zu bytes long, and "
				     "an import reads lines of at most %d bytes", w->row.len,
				     CCM_IN_MAX_LINE);
	return 0;
}

int ccm_iff_writer_row_end(struct ccm_iff_writer *w, struct ccm_error *err)
{
	int rc;

	if (!w->pri)
		return ccm_error_set(err, CCM_EINVAL, "no primary file is open");
	if ((rc = ccm_iff_writer_row_fits(w, err)) < 0)
		return rc;
	return put_line(w, w->pri, w->row.ptr, w->row.len, NULL, err);
}

int ccm_iff_writer_sec_begin(struct ccm_iff_writer *w, const char *type,
			     unsigned long long length, int islast,
			     const char *name, long long position,
			     const char *format, long long *offset,
			     struct ccm_error *err)
{
	struct ccm_buf b = CCM_BUF_INIT;
	int rc;

	if (!w->sec)
		return ccm_error_set(err, CCM_EINVAL, "no secondary file is open");
	if (w->sec_open)
		return ccm_error_set(err, CCM_EINVAL, "a secondary section is still open");
	*offset = w->sec_pos;
	ccm_buf_addf(&b, "%s,%llu,,%s,", type, length, islast ? "TRUE" : "FALSE");
	if (name)
		ccm_csv_put_field(&b, name, strlen(name), 0);
	ccm_buf_addch(&b, ',');
	if (position >= -1)
		ccm_buf_addf(&b, "%lld", position);
	ccm_buf_addch(&b, ',');
	if (format)
		ccm_buf_adds(&b, format);
	rc = put_line(w, w->sec, b.ptr, b.len, &w->sec_pos, err);
	ccm_buf_release(&b);
	if (rc == 0) {
		w->sec_open = 1;
		w->sec_left = length;
	}
	return rc;
}

int ccm_iff_writer_sec_data(struct ccm_iff_writer *w, const void *p, size_t n,
			    struct ccm_error *err)
{
	if (!w->sec_open || n > w->sec_left)
		return ccm_error_set(err, CCM_EINVAL, "more data than the section's "
				     "Length in '%s' at byte %lld", w->sec_name, w->sec_pos);
	if (n && fwrite(p, 1, n, w->sec) != n)
		return ccm_error_sys(err, errno, "cannot write '%s/%s'", w->dir, w->sec_name);
	w->sec_left -= n;
	w->sec_pos += (long long)n;
	return 0;
}

int ccm_iff_writer_sec_end(struct ccm_iff_writer *w, struct ccm_error *err)
{
	if (!w->sec_open)
		return ccm_error_set(err, CCM_EINVAL, "no secondary section is open");
	w->sec_open = 0;
	if (w->sec_left)
		return ccm_error_set(err, CCM_EINVAL, "a section of '%s' got %llu bytes "
				     "less than its Length", w->sec_name, w->sec_left);
	if (fwrite("\r\n", 1, 2, w->sec) != 2)
		return ccm_error_sys(err, errno, "cannot write '%s/%s'", w->dir, w->sec_name);
	w->sec_pos += 2;
	return 0;
}

static void free_writer(struct ccm_iff_writer *w)
{
	if (w->pri)
		fclose(w->pri);
	if (w->sec)
		fclose(w->sec);
	for (size_t i = 0; i < w->n_files; i++)
		free(w->files[i].name);
	free(w->files);
	free(w->sec_name);
	free(w->dir);
	free(w->pkl_name);
	ccm_cp_free(w->cp);
	ccm_buf_release(&w->row);
	ccm_buf_release(&w->line);
	ccm_buf_release(&w->note);
	ccm_buf_release(&w->pkl_comments);
	free(w);
}

void ccm_iff_writer_abort(struct ccm_iff_writer *w)
{
	if (w)
		free_writer(w);
}

int ccm_iff_writer_close(struct ccm_iff_writer *w, struct ccm_error *err)
{
	struct ccm_buf b = CCM_BUF_INIT;
	char *path;
	FILE *f;
	int rc;

	if ((rc = close_file(w, &w->pri, err)) < 0 ||
	    (rc = close_file(w, &w->sec, err)) < 0) {
		free_writer(w);
		return rc;
	}
	/* Directory.pri first, the other primaries in the order written, then
	 * every secondary (spec 12.3). */
	ccm_buf_addf(&b, "%d\r\n", w->code_page);
	ccm_buf_add(&b, w->pkl_comments.ptr, w->pkl_comments.len);
	ccm_buf_adds(&b, "\r\nFilename,Filetype\r\n");
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < w->n_files; i++) {
			int dir = !strcasecmp(w->files[i].name, "Directory.pri");
			if ((pass == 0 && w->files[i].primary && dir) ||
			    (pass == 1 && w->files[i].primary && !dir) ||
			    (pass == 2 && !w->files[i].primary))
				ccm_buf_addf(&b, "%s,%s\r\n", w->files[i].name,
					     w->files[i].primary ? "Primary" : "Secondary");
		}
	path = path_of(w, w->pkl_name);
	if ((rc = ccm_nofollow_fopen(&f, path, err)) == 0 && fwrite(b.ptr, 1, b.len, f) != b.len)
		rc = ccm_error_sys(err, errno, "cannot write the packing list '%s'",
				   path);
	if (f && fclose(f) != 0 && rc == 0)
		rc = ccm_error_sys(err, errno, "cannot write the packing list '%s'", path);
	free(path);
	ccm_buf_release(&b);
	free_writer(w);
	return rc;
}
