/* secondary.c: pointers, secondary section headers and chains (spec 5, 12.9). */
#include "iff/reader_int.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A chain longer than this is not a message. */
#define MAX_CHAIN 100000
/* Data pieces of at least this size bypass the input's buffer. */
#define DIRECT_READ (64 * 1024)

struct ccm_iff_chain {
	struct ccm_iff_set *s;
	const struct ccm_iff_file *f;
	struct ccm_iff_secsect *v;
	char **names;              /* v[i].name storage */
	size_t n, cap;
	size_t cur;                /* 1-based index of the current section; 0 before */
	long long done;            /* data bytes of the current section read */
	long long bytes;
	char piece[16384];         /* for read_utf8; must stay last */
};

/* What is wrong with a header, for the caller to report. */
struct hdr_problem {
	enum ccm_severity sev;
	const char *kind;
	int event;
	long long offset;
	char msg[768];
};

static void problem(struct hdr_problem *pb, const char *kind, int event,
		    long long offset, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void problem(struct hdr_problem *pb, const char *kind, int event,
		    long long offset, const char *fmt, ...)
{
	va_list ap;

	pb->sev = CCM_ERROR;
	pb->kind = kind;
	pb->event = event;
	pb->offset = offset;
	va_start(ap, fmt);
	vsnprintf(pb->msg, sizeof(pb->msg), fmt, ap);
	va_end(ap);
}

static const char *const type_names[] = {
	"Body", "Attachment", "Schedule", "Document", "Other"
};

static int digits_value(const char *s, size_t n, long long *v)
{
	long long x = 0;

	if (n == 0 || n > 18)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

/*
 * Reads and checks the section header at `off` of secondary f. `chained`:
 * off was reached from the data before it (no line-start check). Warnings
 * that do not stop the chain are reported unless `quiet`; an error in the
 * file fills pb and returns CCM_EMALFORMED, one of the system CCM_EIO
 * (err filled). On success returns 0 and fills *h (its name in *name,
 * malloc'ed).
 */
/*
 * Up to `want` bytes of the file at `off`, *p pointing to them: from the
 * input's buffer when they are in it or just ahead of it (chains are
 * mostly read in file order, and then one read() serves many headers),
 * else by a small pread into tmp (which holds `want` bytes). Returns the
 * count, short at the end of the file, or -1 on a read error.
 */
static ssize_t peek_at(struct ccm_in *in, long long off, size_t want, char *tmp,
		       const char **p)
{
	long long end = in->base + (long long)in->end;
	ssize_t got;

	if (off >= in->base && off <= end + 65536) {
		if (ccm_in_seek(in, off, NULL) < 0)
			return -1;
		got = ccm_in_fill(in, want);
		if (got < 0)
			return -1;
		*p = in->buf + in->pos;
		return got > (ssize_t)want ? (ssize_t)want : got;
	}
	got = ccm_in_pread(in, tmp, want, off);
	*p = tmp;
	return got;
}

/*
 * Reads and checks the section header at `off` of secondary f. `chained`:
 * off was reached from the data before it (no line-start check). Warnings
 * that do not stop the chain are reported unless `quiet`; an error in the
 * file fills pb and returns CCM_EMALFORMED, one of the system CCM_EIO
 * (err filled). On success returns 0 and fills *h (its name in *name,
 * malloc'ed).
 */
static int read_header(struct ccm_iff_set *s, const struct ccm_iff_file *f,
		       struct ccm_in *in, long long off, int chained, int quiet,
		       const char *user, struct ccm_iff_secsect *h, char **name,
		       struct hdr_problem *pb, struct ccm_error *err)
{
	char tmp[IFF_MAX_SECHEADER + 1];
	struct ccm_csv_line *lp = &s->hdr;
	const char *buf;
	ssize_t got;
	size_t len, eol, bad;
	const char *nl;
	int n, t, rc = CCM_EMALFORMED, check_prev = !chained && off > 0;

	*name = NULL;
	if (off >= f->size) {
		problem(pb, "offset-out-of-range", 8005, off, "byte %lld is at or past "
			"the end of %s (%lld bytes)", off, f->name, f->size);
		return CCM_EMALFORMED;
	}
	/* One read gives the byte before (a line end, unless the pointer is
	 * off) and the header line. */
	got = peek_at(in, off - check_prev, IFF_MAX_SECHEADER + (size_t)check_prev,
		      tmp, &buf);
	if (got < 0) {
		return ccm_error_set(err, CCM_EIO, "cannot read '%s'", f->path);
	}
	if (check_prev) {
		if (got < 1 || buf[0] != '\n') {
			problem(pb, "offset-not-line-start", 8005, off, "byte %lld of %s is "
				"not the start of a line, so it cannot be a section header "
				"line", off, f->name);
			return CCM_EMALFORMED;
		}
		buf++;
		got--;
	}
	nl = memchr(buf, '\n', (size_t)got);
	if (!nl) {
		problem(pb, "bad-section-header", 8059, off, "no section header line at "
			"byte %lld of %s: %s", off, f->name, got == IFF_MAX_SECHEADER ?
			"the line is too long" : "the file ends first");
		return CCM_EMALFORMED;
	}
	len = (size_t)(nl - buf);
	eol = 1;
	if (len > 0 && buf[len - 1] == '\r') {
		len--;
		eol = 2;
	}
	n = ccm_csv_split(lp, buf, len, 0, &bad);
	if (n == CCM_ENOMEM) {
		rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
		goto out;
	}
	if (n < 0) {
		problem(pb, "bad-section-header", 8059, off + (long long)bad,
			"invalid secondary section heading '%.*s': characters after a "
			"closing quote", (int)(len > 80 ? 80 : len), buf);
		goto out;
	}
	for (t = 0; t < 5; t++)
		if (ccm_iff_eq_ci(lp->f[0].value, lp->f[0].len, type_names[t]))
			break;
	if (t == 5) {
		if (ccm_iff_eq_ci(lp->f[0].value, lp->f[0].len, "Type"))
			problem(pb, "bad-section-header", 8059, off, "byte %lld of %s is "
				"the file's column header line, not a section", off, f->name);
		else
			problem(pb, "bad-section-header", 8059, off, "invalid secondary "
				"section heading '%.*s': the type must be Body, Attachment, "
				"Schedule, Document or Other", (int)(len > 80 ? 80 : len), buf);
		goto out;
	}
	memset(h, 0, sizeof(*h));
	h->type = (enum ccm_iff_sectype)t;
	h->offset = off;
	h->data_offset = off + (long long)(len + eol);
	if (n < 4) {
		problem(pb, "bad-section-header", 8059, off, "invalid secondary section "
			"heading '%.*s': it needs Type,Length,Encoding,Islast at least",
			(int)(len > 80 ? 80 : len), buf);
		goto out;
	}
	if (digits_value(lp->f[1].value, lp->f[1].len, &h->length) < 0) {
		problem(pb, "bad-section-header", 8059, off + (long long)lp->f[1].column,
			"invalid secondary section heading: Length '%.*s' is not a byte "
			"count", (int)(lp->f[1].len > 40 ? 40 : lp->f[1].len), lp->f[1].value);
		goto out;
	}
	if (ccm_iff_eq_ci(lp->f[3].value, lp->f[3].len, "TRUE")) {
		h->islast = 1;
	} else if (!ccm_iff_eq_ci(lp->f[3].value, lp->f[3].len, "FALSE")) {
		if (lp->f[3].len) {
			problem(pb, "bad-section-header", 8059, off + (long long)lp->f[3].column,
				"invalid secondary section heading: Islast '%.*s' is not TRUE "
				"or FALSE", (int)(lp->f[3].len > 40 ? 40 : lp->f[3].len),
				lp->f[3].value);
			goto out;
		}
		if (!quiet)
			ccm_iff_report(s->rep, CCM_WARNING, "empty-islast", 8059, f->name,
				   ccm_in_line_of(in, off), off + (long long)lp->f[3].column, user,
				   "Islast is empty; read as FALSE (the next section belongs to "
				   "the same message); write TRUE or FALSE");
	}
	if (h->data_offset + h->length > f->size) {
		problem(pb, "length-past-end", 8005, off, "Length %lld of the %s section "
			"at byte %lld runs past the end of %s (%lld bytes): the data is "
			"cut short or Length is wrong", h->length, type_names[t], off,
			f->name, f->size);
		goto out;
	}
	if (n > 4 && lp->f[4].len) {
		ccm_buf_reset(&s->scratch);
		ccm_cp_to_utf8(&s->scratch, s->cp, lp->f[4].value, lp->f[4].len, NULL);
		if (!(*name = ccm_strndup(s->scratch.ptr, s->scratch.len))) {
			rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
			goto out;
		}
	}
	if (!*name && (h->type == CCM_IFF_ATTACHMENT || h->type == CCM_IFF_DOCUMENT)) {
		problem(pb, "no-attachment-name", 8048, off, "the %s section at byte %lld "
			"has no Name: the file name is required for an attachment; add "
			"one (e.g. ATTACH.BIN) in the fifth field", type_names[t], off);
		goto out;
	}
	if (!*name && h->type == CCM_IFF_SCHEDULE && !quiet)
		ccm_iff_report(s->rep, CCM_WARNING, "no-attachment-name", 8048, f->name,
			   ccm_in_line_of(in, off), off, user, "the Schedule section has "
			   "no Name; the file will be called SCHEDULE.SCD");
	h->position = -1;
	if (n > 5 && lp->f[5].len) {
		const char *p = lp->f[5].value;
		size_t pl = lp->f[5].len;
		long long v;
		int neg = pl > 1 && p[0] == '-';

		if (digits_value(p + neg, pl - (size_t)neg, &v) < 0 || (neg && v != 1)) {
			if (!quiet)
				ccm_iff_report(s->rep, CCM_WARNING, "bad-position", 8059, f->name,
					   ccm_in_line_of(in, off), off + (long long)lp->f[5].column,
					   user, "Position '%.*s' is not -1 or a byte position in "
					   "the body; read as -1 (end of the body)",
					   (int)(pl > 40 ? 40 : pl), p);
		} else {
			h->position = neg ? -1 : v;
		}
	}
	if (n > 6 && lp->f[6].len) {
		if (ccm_iff_eq_ci(lp->f[6].value, lp->f[6].len, "Macbinary"))
			h->macbinary = 1;
		else if (!ccm_iff_eq_ci(lp->f[6].value, lp->f[6].len, "None") && !quiet)
			ccm_iff_report(s->rep, CCM_WARNING, "bad-format", 8059, f->name,
				   ccm_in_line_of(in, off), off + (long long)lp->f[6].column, user,
				   "Format '%.*s' is neither None nor Macbinary; read as None",
				   (int)(lp->f[6].len > 40 ? 40 : lp->f[6].len), lp->f[6].value);
	}
	rc = 0;
out:
	if (rc < 0) {
		free(*name);
		*name = NULL;
	}
	return rc;
}

/*
 * The offset of the first byte after `off` that is not CR or LF, or the
 * file size. -2 on a read error.
 */
static long long skip_line_ends(struct ccm_in *in, long long off, long long size)
{
	char tmp[256];

	while (off < size) {
		const char *p;
		ssize_t got = peek_at(in, off, sizeof(tmp), tmp, &p);
		ssize_t i = 0;

		if (got <= 0)
			return got < 0 ? -2 : size;
		while (i < got && (p[i] == '\r' || p[i] == '\n'))
			i++;
		off += i;
		if (i < got)
			break;
	}
	return off;
}

/*
 * Says why `t` is not a usable pointer and returns the event: 8005 for an
 * offset no file has (negative, or too long to be a byte count), 8054 for
 * the rest, the wizard's "error reading secondary file".
 */
static int diagnose_pointer(const char *t, size_t len, char *why, size_t whysz)
{
	const char *open = len ? memchr(t, '(', len) : NULL;
	size_t i, nlen;

	if (!len || t[0] != '#' || !open || t[len - 1] != ')') {
		snprintf(why, whysz, "is not a pointer #NAME(offset) to a secondary "
			 "file (spec 2.6); a text value that starts with '#' must be "
			 "quoted");
		return 8054;
	}
	nlen = (size_t)(open - t) - 1;
	for (i = 1; i <= nlen; i++)
		if (t[i] == '/' || t[i] == '\\' || t[i] == ':' ||
		    (t[i] == '.' && i < nlen && t[i + 1] == '.'))
			break;
	if (nlen == 0 || i <= nlen) {
		snprintf(why, whysz, "does not name a secondary file by a bare file "
			 "name: a pointer may only name a file listed in the packing "
			 "list, in its folder (spec 12.9)");
		return 8054;
	}
	for (i = 1; i <= nlen; i++)
		if (memchr("#;,*?\"<>|", t[i], 10) || (unsigned char)t[i] < 0x20) {
			snprintf(why, whysz, "names a file with a character no secondary "
				 "file name may hold (# ( ) ; , : * ? \" < > |)");
			return 8054;
		}
	{
		const char *d = open + 1, *e = t + len - 1;
		int neg = d < e && *d == '-';
		size_t nd = 0;

		for (const char *q = d + neg; q < e; q++, nd++)
			if (*q < '0' || *q > '9') {
				nd = 0;
				break;
			}
		if (nd && neg) {
			snprintf(why, whysz, "has a negative offset: error in the "
				 "secondary file; an offset counts bytes from the start of "
				 "the file");
			return 8005;
		}
		if (nd > 18) {
			snprintf(why, whysz, "has an offset past the end of any file: "
				 "error in the secondary file");
			return 8005;
		}
	}
	snprintf(why, whysz, "is not a pointer #NAME(offset): the offset must be "
		 "a byte count (spec 2.6)");
	return 8054;
}

void ccm_iff_chain_free(struct ccm_iff_chain *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	free(c->v);
	free(c);
}

static int chain_push(struct ccm_iff_chain *c, const struct ccm_iff_secsect *h,
		      char *name)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		struct ccm_iff_secsect *v = realloc(c->v, cap * sizeof(*v));
		char **nm;

		if (!v)
			return CCM_ENOMEM;
		c->v = v;
		nm = realloc(c->names, cap * sizeof(*nm));
		if (!nm)
			return CCM_ENOMEM;
		c->names = nm;
		c->cap = cap;
	}
	c->v[c->n] = *h;
	c->names[c->n] = name;
	c->n++;
	return 0;
}

/*
 * Reports a chain problem: one of the pointer's offset at the row that
 * holds the pointer (the pointer is what is wrong), one of a section at
 * the section in the secondary file.
 */
static void report_where(struct ccm_iff_set *s, const struct ccm_iff_file *f,
			 struct ccm_in *in, const struct hdr_problem *pb,
			 const struct ccm_iff_where *from)
{
	if (!strncmp(pb->kind, "offset-", 7)) {
		ccm_iff_report(s->rep, pb->sev, pb->kind, pb->event, from->file, from->line,
			   from->offset, from->user, "error in the secondary file: %s; "
			   "correct the pointer's offset (the byte where its section's "
			   "header line starts); the row is skipped", pb->msg);
		return;
	}
	ccm_iff_report(s->rep, pb->sev, pb->kind, pb->event, f->name,
		   ccm_in_line_of(in, pb->offset), pb->offset, from->user,
		   "%s (pointer in %s line %ld); the row is skipped", pb->msg,
		   from->file ? from->file : "?", from->line);
}

int ccm_iff_chain_open(struct ccm_iff_chain **out, struct ccm_iff_set *s,
		       const char *text, size_t len, int body,
		       const struct ccm_iff_where *from, struct ccm_error *err)
{
	struct ccm_iff_chain *c;
	const struct ccm_iff_file *f;
	struct ccm_in *in;
	struct hdr_problem pb;
	struct ccm_error e2;
	char secname[256];
	long long off, body_len = -1;
	int rc;

	*out = NULL;
	if (ccm_csv_parse_pointer(text, len, secname, sizeof(secname), &off) < 0) {
		char why[512];
		int event = diagnose_pointer(text, len, why, sizeof(why));

		ccm_iff_report(s->rep, CCM_ERROR, event == 8005 ? "offset-out-of-range" :
			   "bad-pointer", event, from->file, from->line, from->offset,
			   from->user, "'%.*s' %s; the row is skipped",
			   (int)(len > 120 ? 120 : len), text, why);
		return CCM_EMALFORMED;
	}
	f = ccm_iff_set_find_secondary(s, secname);
	if (!f) {
		ccm_iff_report(s->rep, CCM_ERROR, "unlisted-secondary", 8054, from->file,
			   from->line, from->offset, from->user, "error reading secondary "
			   "file: '%s' is not listed as a Secondary in %s; list it there or "
			   "correct the pointer; the row is skipped", secname, s->pkl_name);
		return CCM_EMALFORMED;
	}
	in = ccm_iff_set_sec_input(s, f, &e2);
	if (!in) {
		if (e2.code == CCM_ENOMEM)
			return ccm_error_set(err, CCM_ENOMEM, "%s", e2.msg);
		ccm_iff_report(s->rep, CCM_ERROR, "secondary-unreadable", 8054, from->file,
			   from->line, from->offset, from->user, "error reading secondary "
			   "file: %s; the row is skipped", e2.msg);
		return CCM_EMALFORMED;
	}
	/* Not calloc: the read buffer at the end needs no clearing. */
	c = malloc(sizeof(*c));
	if (!c)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	memset(c, 0, offsetof(struct ccm_iff_chain, piece));
	c->s = s;
	c->f = f;
	for (;;) {
		struct ccm_iff_secsect h;
		char *name;

		rc = read_header(s, f, in, off, c->n > 0, 0, from->user, &h, &name, &pb, err);
		if (rc < 0 && rc != CCM_EMALFORMED) {
			ccm_iff_chain_free(c);
			return rc;
		}
		if (rc < 0) {
			if (c->n > 0) {
				const struct ccm_iff_secsect *prev = &c->v[c->n - 1];
				size_t k = strlen(pb.msg);
				snprintf(pb.msg + k, sizeof(pb.msg) - k, ", where the %s "
					 "section at byte %lld (Islast=FALSE) should be followed "
					 "by the next section of the message: is its Length %lld "
					 "right?", type_names[prev->type], prev->offset,
					 prev->length);
			}
			report_where(s, f, in, &pb, from);
			ccm_iff_chain_free(c);
			return CCM_EMALFORMED;
		}
		h.index = (int)c->n + 1;
		if (chain_push(c, &h, name) < 0) {
			free(name);
			ccm_iff_chain_free(c);
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		}
		c->bytes += h.length;
		if (h.islast)
			break;
		if (c->n >= MAX_CHAIN) {
			problem(&pb, "chain-not-ended", 8005, c->v[0].offset, "the chain "
				"starting at byte %lld has %d sections without Islast=TRUE",
				c->v[0].offset, MAX_CHAIN);
			report_where(s, f, in, &pb, from);
			ccm_iff_chain_free(c);
			return CCM_EMALFORMED;
		}
		off = skip_line_ends(in, h.data_offset + h.length, f->size);
		if (off == -2) {
			ccm_iff_chain_free(c);
			return ccm_error_set(err, CCM_EIO, "cannot read '%s'", f->path);
		}
		if (off >= f->size) {
			problem(&pb, "chain-not-ended", 8005, c->v[0].offset, "error in the "
				"secondary file: the chain starting at byte %lld of %s ends "
				"with the file, without a section with Islast=TRUE; some data "
				"may have been lost", c->v[0].offset, f->name);
			report_where(s, f, in, &pb, from);
			ccm_iff_chain_free(c);
			return CCM_EMALFORMED;
		}
	}
	for (size_t i = 0; i < c->n; i++)
		c->v[i].name = c->names[i] ? c->names[i] : "";
	if (body) {
		if (c->v[0].type != CCM_IFF_BODY) {
			problem(&pb, "first-not-body", 8059, c->v[0].offset, "the Body "
				"pointer leads to a %s section; a message's chain starts with "
				"its Body section", type_names[c->v[0].type]);
			report_where(s, f, in, &pb, from);
			ccm_iff_chain_free(c);
			return CCM_EMALFORMED;
		}
		body_len = c->v[0].length;
		for (size_t i = 1; i < c->n; i++) {
			struct ccm_iff_secsect *h = &c->v[i];

			if (h->type == CCM_IFF_BODY)
				ccm_iff_report(s->rep, CCM_WARNING, "second-body", 8059, f->name,
					   ccm_in_line_of(in, h->offset), h->offset, from->user,
					   "a second Body section in one message's chain; it is "
					   "read as more body text");
			else if (h->type == CCM_IFF_OTHER)
				ccm_iff_report(s->rep, CCM_WARNING, "other-in-message", 8059,
					   f->name, ccm_in_line_of(in, h->offset), h->offset,
					   from->user, "an Other section in a message's chain is "
					   "no part of a message; it is ignored");
			if (h->type == CCM_IFF_ATTACHMENT && h->position > body_len) {
				ccm_iff_report(s->rep, CCM_WARNING, "bad-position", 8059, f->name,
					   ccm_in_line_of(in, h->offset), h->offset, from->user,
					   "Position %lld is past the end of the body (%lld "
					   "bytes); the attachment is placed at the end",
					   h->position, body_len);
				h->position = body_len;
			}
		}
	}
	/* A wrong Length shows as data not followed by a line end. */
	{
		const struct ccm_iff_secsect *last = &c->v[c->n - 1];
		long long end = last->data_offset + last->length;
		char tmp[1];
		const char *nx;

		if (end < f->size && peek_at(in, end, 1, tmp, &nx) == 1 &&
		    *nx != '\r' && *nx != '\n')
			ccm_iff_report(s->rep, CCM_WARNING, "length-mismatch", 8005, f->name,
				   ccm_in_line_of(in, last->offset), last->offset, from->user,
				   "the %lld data bytes of the %s section at byte %lld are not "
				   "followed by a line end: is its Length right? (after editing "
				   "a secondary file, update the Length and every later "
				   "pointer)", last->length, type_names[last->type],
				   last->offset);
	}
	*out = c;
	return 0;
}

size_t ccm_iff_chain_count(const struct ccm_iff_chain *c)
{
	return c->n;
}

long long ccm_iff_chain_bytes(const struct ccm_iff_chain *c)
{
	return c->bytes;
}

int ccm_iff_chain_next(struct ccm_iff_chain *c,
		       const struct ccm_iff_secsect **sec)
{
	if (c->cur >= c->n)
		return 0;
	c->cur++;
	c->done = 0;
	ccm_cp_reset(c->s->cp);
	*sec = &c->v[c->cur - 1];
	return 1;
}

ssize_t ccm_iff_chain_read(struct ccm_iff_chain *c, void *buf, size_t n,
			   struct ccm_error *err)
{
	const struct ccm_iff_secsect *h;
	struct ccm_in *in;
	long long left;
	ssize_t got;

	if (c->cur == 0 || c->cur > c->n)
		return 0;
	h = &c->v[c->cur - 1];
	left = h->length - c->done;
	if (left <= 0 || n == 0)
		return 0;
	if ((long long)n > left)
		n = (size_t)left;
	in = ccm_iff_set_sec_input(c->s, c->f, err);
	if (!in)
		return err ? err->code : CCM_EIO;
	if (n >= DIRECT_READ) {
		got = ccm_in_pread(in, buf, n, h->data_offset + c->done);
	} else {
		if (ccm_in_seek(in, h->data_offset + c->done, err) < 0)
			return CCM_EIO;
		got = ccm_in_fill(in, n);
		if (got > 0) {
			if ((size_t)got > n)
				got = (ssize_t)n;
			memcpy(buf, in->buf + in->pos, (size_t)got);
			ccm_in_consume(in, (size_t)got);
		}
	}
	if (got < 0)
		return ccm_error_set(err, CCM_EIO, "cannot read '%s'", c->f->path);
	if (got == 0)
		return ccm_error_set(err, CCM_EIO, "'%s' is shorter than when it was "
				     "checked: was it changed while being read?", c->f->path);
	c->done += got;
	return got;
}

ssize_t ccm_iff_chain_read_utf8(struct ccm_buf *out, struct ccm_iff_chain *c,
				size_t n, struct ccm_error *err)
{
	const struct ccm_iff_secsect *h;
	ssize_t got;

	if (c->cur == 0 || c->cur > c->n)
		return 0;
	h = &c->v[c->cur - 1];
	if (n > sizeof(c->piece))
		n = sizeof(c->piece);
	got = ccm_iff_chain_read(c, c->piece, n, err);
	if (got < 0)
		return got;
	ccm_cp_to_utf8_stream(out, c->s->cp, c->piece, (size_t)got,
			      c->done >= h->length, NULL);
	return got;
}

int ccm_iff_set_scan_secondary(struct ccm_iff_set *s, size_t i,
			       unsigned long *sections,
			       unsigned long long *bytes, struct ccm_error *err)
{
	const struct ccm_iff_file *f = ccm_iff_set_file(s, CCM_IFF_SECONDARY, i);
	struct hdr_problem pb;
	struct ccm_error e2;
	struct ccm_in *in;
	long long off;
	char head[IFF_MAX_SECHEADER];
	ssize_t got;
	char *nl;

	if (!f || !f->path)
		return 0;
	in = ccm_iff_set_sec_input(s, f, &e2);
	if (!in) {
		if (e2.code == CCM_ENOMEM)
			return ccm_error_set(err, CCM_ENOMEM, "%s", e2.msg);
		ccm_iff_report(s->rep, CCM_ERROR, "secondary-unreadable", 8054, f->name, 0, -1,
			   NULL, "%s", e2.msg);
		return 0;
	}
	/* Past the column header line (its absence was reported on opening). */
	got = ccm_in_pread(in, head, sizeof(head), 0);
	if (got < 0)
		return ccm_error_set(err, CCM_EIO, "cannot read '%s'", f->path);
	nl = memchr(head, '\n', (size_t)got);
	off = nl && ccm_iff_eq_ci(head, 4, "Type") ? (long long)(nl - head) + 1 : 0;
	for (;;) {
		struct ccm_iff_secsect h;
		char *name;
		int rc;

		off = skip_line_ends(in, off, f->size);
		if (off == -2)
			return ccm_error_set(err, CCM_EIO, "cannot read '%s'", f->path);
		if (off >= f->size)
			return 0;
		rc = read_header(s, f, in, off, 1, 1, NULL, &h, &name, &pb, err);
		if (rc < 0 && rc != CCM_EMALFORMED)
			return rc;
		if (rc < 0) {
			ccm_iff_report(s->rep, CCM_ERROR, "sec-structure", pb.event, f->name,
				   ccm_in_line_of(in, pb.offset), pb.offset, NULL,
				   "%s; the file stops following the format here (a section "
				   "is a header line, exactly Length bytes, then CR LF): if "
				   "the data before was edited, correct the Length of its "
				   "section and every pointer to a later section", pb.msg);
			return 0;
		}
		free(name);
		(*sections)++;
		*bytes += (unsigned long long)h.length;
		off = h.data_offset + h.length;
	}
}
