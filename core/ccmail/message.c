/* message.c: the streaming reader of cc:Mail message export files. */
#include "ccmail/message.h"
#include "ccmail/decode.h"
#include "base/buf.h"
#include "base/input.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_MAX_DEPTH 8
#define FOLLOW_WINDOW 512

enum decoder { DEC_RAW = 0, DEC_HEX, DEC_MACBIN, DEC_TEXT };

/* The state of the current item of one open message. */
struct item_state {
	struct ccm_item item;
	int active;              /* an item is current */
	int delim;               /* its end is found by delimiters, not a count */
	int done;                /* no more raw data */
	long long data_end;      /* counted: absolute end of the data */
	/* delimiter mode */
	size_t line_left;        /* bytes of the current line still to hand out */
	unsigned char line_eol;  /* its line end, consumed after its content */
	unsigned char held_eol;  /* the previous line's end, handed out only
				    if the data goes on */
	int in_line, cont, chunk_is_eol;
	long lines;              /* lines started so far */
	/* decoding */
	enum decoder dec;
	struct ccm_hexdec hex;
	long long mb_skip, mb_left;
	struct ccm_buf out;      /* converted text waiting to be handed out */
	size_t out_pos;
	int flushed;
};

/* One open message: the top-level one, or a nested one inside an item. */
struct frame {
	struct ccm_message msg;
	long long msg_end;       /* end by a count that checked out, else -1 */
	long long count_end;     /* end by its Message: count, checked or not */
	long long contents_bad;  /* a Contents: count that did not check out, */
	long long contents_at;   /* and where its line is */
	long long contents_end;  /* likewise for the Contents: count */
	long long saved_limit;   /* the input's limit before this frame */
	int contents_done;
	long nitems;
	long nested;             /* nested messages started in this one */
	struct item_state it;
};

struct ccm_msgfile {
	struct ccm_in in;
	struct ccm_msgfile_opts o;
	char *display;
	char *user;
	char *home_po;
	struct frame *frames;
	int depth;               /* frames in use; 0 = none open */
	int max_depth;
	long count;              /* top-level messages */
	long fallbacks;
	int truncated;           /* the file ended inside a block */
	int quiet;               /* a rewound message: reported already */
	long long nul_at;        /* the line whose NUL bytes were reported */
	struct ccm_buf scratch, nonul;
};

static const char crlf[] = "\r\n";

/* ---- reporting ---------------------------------------------------------- */

static void report(struct ccm_msgfile *f, enum ccm_severity sev,
		   const char *kind, long long offset, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void report(struct ccm_msgfile *f, enum ccm_severity sev,
		   const char *kind, long long offset, const char *fmt, ...)
{
	struct ccm_diag d = { 0 };
	va_list ap;

	if (f->quiet)
		return;
	d.severity = sev;
	d.kind = kind;
	d.file = f->display;
	d.offset = offset;
	d.line = offset >= 0 ? ccm_in_line_of(&f->in, offset) : 0;
	d.user = f->user;
	d.message = f->count;
	va_start(ap, fmt);
	ccm_reportv(f->o.rep, &d, fmt, ap);
	va_end(ap);
}

/* ---- lines and keywords ------------------------------------------------- */

static int starts_with_ci(const char *s, size_t len, const char *kw)
{
	size_t n = strlen(kw);
	return len >= n && strncasecmp(s, kw, n) == 0;
}

static int is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/*
 * If the line is an item line ("Text item:", "Graphics item:", any
 * "... item:"), returns the length of the keyword before the colon, else 0.
 */
static size_t item_keyword_len(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ':')
			break;
		if (!isalpha(c) && c != ' ')
			return 0;
	}
	if (i >= len || s[i] != ':' || i < 5)
		return 0;
	if (strncasecmp(s + i - 4, "item", 4) != 0 || (i > 4 && s[i - 5] != ' '))
		return 0;
	return i;
}

static int is_message_line(const char *s, size_t len)
{
	return starts_with_ci(s, len, "Message:");
}

static int is_contents_line(const char *s, size_t len)
{
	return starts_with_ci(s, len, "Contents:");
}

/* A line that ends a text item in delimiter mode. */
static int is_delimiter_line(const char *s, size_t len)
{
	return is_message_line(s, len) || is_contents_line(s, len) ||
	       item_keyword_len(s, len) > 0;
}

/*
 * Parses a count: 1 digits (value in *n), 2 blank (spaces only, Q287056),
 * 3 a number that cannot be a count (negative, too long), 0 not a count.
 */
static int parse_count(const char *s, size_t len, long long *n)
{
	size_t i = 0, digits = 0;
	int neg = 0;
	long long v = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == len)
		return len > 0 ? 2 : 0;
	if (s[i] == '-' || s[i] == '+')
		neg = s[i++] == '-';
	for (; i < len && isdigit((unsigned char)s[i]); i++, digits++)
		if (digits < 18)
			v = v * 10 + (s[i] - '0');
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i != len || digits == 0)
		return 0;
	if (neg || digits > 15)
		return 3;
	*n = v;
	return 1;
}

/* ---- strings ------------------------------------------------------------ */

/* A UTF-8 copy of bytes in the file's code page; never NULL unless OOM. */
static char *to_utf8(struct ccm_msgfile *f, const char *s, size_t len,
		     long long offset)
{
	size_t bad = 0;

	ccm_buf_reset(&f->scratch);
	if (f->o.cp)
		ccm_cp_to_utf8(&f->scratch, f->o.cp, s, len, &bad);
	else
		ccm_buf_add(&f->scratch, s, len);
	if (bad)
		report(f, CCM_WARNING, "bad-character", offset,
		       "%zu byte(s) are not valid in code page %d and became U+FFFD; "
		       "check 'Code page:' in po.txt", bad,
		       f->o.cp ? ccm_cp_number(f->o.cp) : 0);
	/* A NUL would end the C string there and silently cut the value (a
	 * subject, an attachment's name): it is left out instead (reported
	 * with its line, note_nul). */
	{
		size_t n = 0;
		for (size_t i = 0; i < f->scratch.len; i++)
			if (f->scratch.ptr[i] != '\0')
				f->scratch.ptr[n++] = f->scratch.ptr[i];
		ccm_buf_truncate(&f->scratch, n);
	}
	return ccm_strndup(f->scratch.ptr, f->scratch.len);
}

/* Reports the NUL bytes of a line read as text (not data), once. */
static void note_nul(struct ccm_msgfile *f, const char *line, size_t len, long long off)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += line[i] == '\0';
	if (n && off != f->nul_at) {
		f->nul_at = off;
		report(f, CCM_WARNING, "nul-byte", off, "%zu NUL byte(s) in this line are "
		       "left out of what is read; the rest of the line is kept", n);
	}
}

/*
 * A header line without its NUL bytes (reported): the line itself, or a
 * copy valid until the next call. So that "Sub\0ject: Re" is the subject
 * and "Subject: R\0e" is "Re", as the other files of a bundle are read.
 */
static const char *drop_nul(struct ccm_msgfile *f, const char *line, size_t *len,
			    long long off)
{
	if (!memchr(line, '\0', *len))
		return line;
	note_nul(f, line, *len, off);
	ccm_buf_reset(&f->nonul);
	for (size_t i = 0; i < *len; i++)
		if (line[i] != '\0')
			ccm_buf_addch(&f->nonul, line[i]);
	*len = f->nonul.len;
	return f->nonul.ptr;
}

static void trim(const char **s, size_t *len)
{
	while (*len && ((*s)[0] == ' ' || (*s)[0] == '\t'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

/* ---- frames ------------------------------------------------------------- */

static void item_clear(struct item_state *it)
{
	free(it->item.keyword);
	free(it->item.title);
	free(it->item.name);
	ccm_buf_release(&it->out);
	memset(it, 0, sizeof(*it));
	ccm_buf_init(&it->out);
}

static void message_clear(struct ccm_message *m)
{
	free(m->from_text);
	if (m->from_text)
		ccm_addr_release(&m->from);
	ccm_addrlist_release(&m->to);
	ccm_addrlist_release(&m->cc);
	ccm_addrlist_release(&m->bcc);
	free(m->subject);
	free(m->date_text);
	free(m->folder);
	for (size_t i = 0; i < m->n_extra; i++) {
		free(m->extra[i].key);
		free(m->extra[i].value);
	}
	free(m->extra);
	memset(m, 0, sizeof(*m));
}

void ccm_message_release(struct ccm_message *m)
{
	message_clear(m);
}

static char *dup_or_null(const char *s, int *bad)
{
	char *d = s ? ccm_strdup(s) : NULL;

	*bad |= s && !d;
	return d;
}

static void addr_copy(struct ccm_addr *d, const struct ccm_addr *s, int *bad)
{
	*d = *s;
	d->name = dup_or_null(s->name, bad);
	d->po = dup_or_null(s->po, bad);
	d->ftype = dup_or_null(s->ftype, bad);
	d->faddr = dup_or_null(s->faddr, bad);
	d->raw = dup_or_null(s->raw, bad);
}

static void addrlist_copy(struct ccm_addrlist *d, const struct ccm_addrlist *s, int *bad)
{
	memset(d, 0, sizeof(*d));
	if (!s->len)
		return;
	if (!(d->v = calloc(s->len, sizeof(*d->v)))) {
		*bad = 1;
		return;
	}
	d->len = d->cap = s->len;
	for (size_t i = 0; i < s->len; i++)
		addr_copy(&d->v[i], &s->v[i], bad);
}

int ccm_message_copy(struct ccm_message *dst, const struct ccm_message *src)
{
	int bad = 0;

	*dst = *src;
	dst->from_text = dup_or_null(src->from_text, &bad);
	if (src->from_text)
		addr_copy(&dst->from, &src->from, &bad);
	addrlist_copy(&dst->to, &src->to, &bad);
	addrlist_copy(&dst->cc, &src->cc, &bad);
	addrlist_copy(&dst->bcc, &src->bcc, &bad);
	dst->subject = dup_or_null(src->subject, &bad);
	dst->date_text = dup_or_null(src->date_text, &bad);
	dst->folder = dup_or_null(src->folder, &bad);
	dst->extra = NULL;
	dst->n_extra = 0;
	if (src->n_extra && (dst->extra = calloc(src->n_extra, sizeof(*dst->extra)))) {
		dst->n_extra = src->n_extra;
		for (size_t i = 0; i < src->n_extra; i++) {
			dst->extra[i].key = dup_or_null(src->extra[i].key, &bad);
			dst->extra[i].value = dup_or_null(src->extra[i].value, &bad);
		}
	}
	bad |= src->n_extra && !dst->extra;
	if (bad) {
		message_clear(dst);
		return CCM_ENOMEM;
	}
	return 0;
}

static void frame_clear(struct frame *fr)
{
	item_clear(&fr->it);
	message_clear(&fr->msg);
	fr->msg_end = fr->contents_end = fr->count_end = fr->contents_bad = -1;
	fr->contents_done = 0;
	fr->nitems = fr->nested = 0;
}

static struct frame *top(struct ccm_msgfile *f)
{
	return f->depth ? &f->frames[f->depth - 1] : NULL;
}

/* ---- checking counts ---------------------------------------------------- */

/*
 * What follows byte `at`: after an optional line end and blank lines, the
 * end of the file (or limit), or a line that begins a block. `top_only`
 * accepts only "Message:" (the end of a message); otherwise item lines too.
 */
static int follows_block_start(struct ccm_msgfile *f, long long at, int top_only)
{
	char win[FOLLOW_WINDOW];
	long long lim = f->in.limit < f->in.size ? f->in.limit : f->in.size;
	size_t n, i = 0;
	ssize_t got;

	if (at > lim)
		return 0;
	if (at == lim)
		return 1;
	n = lim - at < (long long)sizeof(win) ? (size_t)(lim - at) : sizeof(win);
	if (at >= f->in.base && at + (long long)n <= f->in.base + (long long)f->in.end) {
		memcpy(win, f->in.buf + (at - f->in.base), n);
		got = (ssize_t)n;
	} else {
		got = ccm_in_pread(&f->in, win, n, at);
		if (got < 0)
			return 0;
	}
	n = (size_t)got;
	while (i < n && (win[i] == '\r' || win[i] == '\n' || win[i] == ' ' ||
			 win[i] == '\t'))
		i++;
	if (i == n)
		return 1;    /* only blank lines up to the limit or the window */
	if (is_message_line(win + i, n - i))
		return 1;
	if (!top_only) {
		const char *nl = memchr(win + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (win + i)) : n - i;
		return item_keyword_len(win + i, len) > 0;
	}
	return 0;
}

/* The first "Message:" in [p, e), any case, or NULL. */
static const char *find_message_keyword(const char *p, const char *e)
{
	while (e - p >= 8) {
		const char *m = memchr(p, 'M', (size_t)(e - p - 7));
		const char *lower = memchr(p, 'm', (size_t)(e - p - 7));

		if (!m || (lower && lower < m))
			m = lower;
		if (!m)
			return NULL;
		if (starts_with_ci(m, (size_t)(e - m), "Message:"))
			return m;
		p = m + 1;
	}
	return NULL;
}

/*
 * Whether the "Message:" line at byte `at` starts a real message: after
 * that line (and a count line of digits, if any) comes a header line.
 * Bytes of binary data that merely contain "Message:" are rarely followed
 * by "From:" or "Contents:".
 */
static int plausible_message_at(struct ccm_msgfile *f, long long at)
{
	static const char *const headers[] = {
		"From:", "Date:", "To:", "Cc:", "Bcc:", "Subject:", "Folder:",
		"Priority:", "Receipt:", "Status:", "Contents:",
	};
	char look[256];
	ssize_t n = ccm_in_pread(&f->in, look, sizeof(look), at);
	size_t i = 8, d;

	if (n <= 8)
		return 0;
	while (i < (size_t)n && look[i] != '\n')
		i++;
	i++;
	/* A count line (all digits) may stand before the headers. */
	for (d = i; d < (size_t)n && look[d] >= '0' && look[d] <= '9'; d++)
		;
	if (d > i && d < (size_t)n && look[d] == '\r')
		d++;
	if (d > i && d < (size_t)n && look[d] == '\n')
		i = d + 1;
	for (size_t h = 0; h < sizeof(headers) / sizeof(headers[0]); h++)
		if (i < (size_t)n && starts_with_ci(look + i, (size_t)n - i, headers[h]))
			return 1;
	return 0;
}

/*
 * Whether a real message starts somewhere in [from, end of file): tells a
 * wrong count (more messages follow) from a file cut short (none does).
 */
static int message_follows(struct ccm_msgfile *f, long long from)
{
	char chunk[65536 + 16];
	long long pos = from, end = f->in.size;

	while (pos < end) {
		size_t want = end - pos < 65536 + 16 ? (size_t)(end - pos) : 65536 + 16;
		ssize_t got = ccm_in_pread(&f->in, chunk, want, pos);
		const char *p = chunk, *e;

		if (got <= 0)
			return 0;
		e = chunk + got;
		while ((p = find_message_keyword(p, e))) {
			long long at = pos + (p - chunk);

			p += 8;
			if (at > from && chunk[at - pos - 1] != '\n')
				continue;
			if (plausible_message_at(f, at))
				return 1;
		}
		if ((long long)got < (long long)want || pos + got >= end)
			break;
		pos += got - 16;   /* overlap, so a keyword across chunks is seen */
	}
	return 0;
}

/* ---- reading data in pieces -------------------------------------------- */

/*
 * Whether a line ends an item's data found by delimiters. A forwarded
 * message read as raw bytes holds a whole message: its first line is its
 * own "Message:", and its item lines are its own, so only a later
 * "Message:" line ends it (as it ends the nested message when entered).
 */
static int ends_delimited_data(struct ccm_msgfile *f, const struct item_state *it,
			       const char *line, size_t len)
{
	if (it->item.kind == CCM_ITEM_MESSAGE)
		return it->lines > 0 && is_message_line(line, len);
	/* Binary data may hold "Message:" (Q233054): there, only a line that
	 * starts a real message ends it. */
	if (it->item.kind != CCM_ITEM_TEXT && is_message_line(line, len))
		return plausible_message_at(f, ccm_in_tell(&f->in));
	return is_delimiter_line(line, len);
}

/*
 * The next piece of the current item's raw data: 1 with *p and *len set,
 * 0 at the end of the data, negative on a read error.
 */
static int raw_next(struct ccm_msgfile *f, struct item_state *it,
		    const char **p, size_t *len)
{
	if (it->done)
		return 0;
	if (!it->delim) {
		long long cur = ccm_in_tell(&f->in);
		long long need = it->data_end - cur;
		ssize_t avail;

		if (need <= 0) {
			it->done = 1;
			return 0;
		}
		avail = (ssize_t)ccm_in_avail(&f->in);
		if (avail == 0) {
			avail = ccm_in_fill(&f->in, need < 65536 ? (size_t)need : 65536);
			if (avail < 0)
				return (int)avail;
			if (avail == 0 && f->truncated) {
				it->done = 1;   /* reported when the item started */
				return 0;
			}
			if (avail == 0) {
				f->truncated = 1;
				report(f, CCM_ERROR, "truncated", cur,
				       "the file ends %lld byte(s) before the end of %s '%s'; "
				       "what was there is kept; export this mailbox again to get the rest",
				       need, it->item.keyword, it->item.title);
				it->done = 1;
				return 0;
			}
		}
		*p = f->in.buf + f->in.pos;
		*len = (long long)avail < need ? (size_t)avail : (size_t)need;
		it->chunk_is_eol = 0;
		return 1;
	}
	for (;;) {
		const char *line;
		size_t llen, eol;
		int r;

		if (it->line_left > 0) {
			size_t avail = ccm_in_avail(&f->in);
			if (avail == 0 && ccm_in_fill(&f->in, it->line_left) <= 0) {
				it->done = 1;
				return 0;
			}
			avail = ccm_in_avail(&f->in);
			*p = f->in.buf + f->in.pos;
			*len = avail < it->line_left ? avail : it->line_left;
			it->chunk_is_eol = 0;
			return 1;
		}
		if (it->in_line) {
			ccm_in_consume(&f->in, it->line_eol);
			it->held_eol = it->line_eol;
			it->in_line = 0;
		}
		r = ccm_in_peekline(&f->in, &line, &llen, &eol);
		if (r < 0 && r != CCM_ELIMIT)
			return r;
		if (r == 0 || (!it->cont && ends_delimited_data(f, it, line, llen))) {
			it->done = 1;
			return 0;
		}
		if (it->held_eol) {
			*p = crlf + 2 - it->held_eol;
			*len = it->held_eol;
			it->chunk_is_eol = 1;
			return 1;
		}
		it->cont = (r == CCM_ELIMIT);
		it->in_line = 1;
		it->lines++;
		it->line_left = llen;
		it->line_eol = (unsigned char)eol;
		if (llen == 0)
			continue;
	}
}

static void raw_consume(struct ccm_msgfile *f, struct item_state *it, size_t n)
{
	if (it->chunk_is_eol) {
		it->held_eol -= (unsigned char)n;
		return;
	}
	ccm_in_consume(&f->in, n);
	if (it->delim)
		it->line_left -= n;
}

/* Skips what is left of the current item's data and its optional line end. */
static int item_finish(struct ccm_msgfile *f, struct item_state *it,
		       struct ccm_error *err)
{
	if (!it->active)
		return 0;
	if (!it->delim) {
		long long lim = f->in.limit < f->in.size ? f->in.limit : f->in.size;
		long long to = it->data_end < lim ? it->data_end : lim;
		int rc = ccm_in_seek(&f->in, to, err);
		if (rc < 0)
			return rc;
		if (ccm_in_fill(&f->in, 2) > 0) {
			const char *s = f->in.buf + f->in.pos;
			size_t avail = ccm_in_avail(&f->in);
			if (s[0] == '\n')
				ccm_in_consume(&f->in, 1);
			else if (avail >= 2 && s[0] == '\r' && s[1] == '\n')
				ccm_in_consume(&f->in, 2);
		}
	} else {
		const char *p;
		size_t len;
		int r;

		while ((r = raw_next(f, it, &p, &len)) > 0)
			raw_consume(f, it, len);
		if (r < 0)
			return ccm_error_set(err, r, "cannot read '%s'", f->display);
	}
	if (it->dec == DEC_HEX && it->hex.bad)
		report(f, CCM_WARNING, "bad-hex", it->item.data_offset,
		       "%lu character(s) in the hex data of '%s' are not hex digits "
		       "and were left out; the attachment may be damaged",
		       it->hex.bad, it->item.title);
	item_clear(it);
	return 0;
}

/* ---- headers ------------------------------------------------------------ */

static int add_extra(struct ccm_message *m, char *key, char *value)
{
	struct ccm_header *h = realloc(m->extra, (m->n_extra + 1) * sizeof(*h));

	if (!h) {
		free(key);
		free(value);
		return CCM_ENOMEM;
	}
	m->extra = h;
	h[m->n_extra].key = key;
	h[m->n_extra].value = value;
	m->n_extra++;
	return 0;
}

/* Raw header values collected before addresses can be parsed (the From:
 * may come after To:, and bare names need the sender's post office). */
struct rawaddr {
	int which;        /* 0 to, 1 cc, 2 bcc */
	char *text;
	long long offset;
};

struct header_state {
	struct rawaddr *addrs;
	size_t n_addrs;
	long long from_offset, date_offset;
};

static int set_once(struct ccm_msgfile *f, char **slot, char *value,
		    const char *key, long long offset)
{
	if (*slot) {
		report(f, CCM_WARNING, "repeated-header", offset,
		       "'%s:' appears twice; the first value is kept, the second "
		       "('%s') is dropped", key, value);
		free(value);
		return 0;
	}
	*slot = value;
	return 0;
}

static void parse_status(struct ccm_msgfile *f, struct ccm_message *m,
			 const char *v, long long offset)
{
	const char *s = v;

	while (*s) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		const char *w = s;
		size_t wl = len;

		trim(&w, &wl);
		if (wl == 4 && !strncasecmp(w, "Read", 4))
			m->status |= CCM_STATUS_READ;
		else if (wl == 6 && !strncasecmp(w, "Unread", 6))
			m->status |= CCM_STATUS_UNREAD;
		else if (wl == 5 && !strncasecmp(w, "Draft", 5))
			m->status |= CCM_STATUS_DRAFT;
		else if (wl)
			report(f, CCM_WARNING, "bad-status", offset,
			       "unknown status '%.*s' ignored (known: Read, Unread, Draft)",
			       (int)wl, w);
		s += len + (e ? 1 : 0);
	}
}

static int header(struct ccm_msgfile *f, struct frame *fr, struct header_state *hs,
		  const char *line, size_t len, long long offset)
{
	struct ccm_message *m = &fr->msg;
	const char *colon = memchr(line, ':', len);
	const char *key = line, *val;
	size_t klen, vlen;
	char *value;

	klen = (size_t)(colon - line);
	val = colon + 1;
	vlen = len - klen - 1;
	trim(&key, &klen);
	trim(&val, &vlen);
	value = to_utf8(f, val, vlen, offset);
	if (!value)
		return CCM_ENOMEM;

#define KEY(k) (klen == sizeof(k) - 1 && !strncasecmp(key, k, klen))
	if (KEY("From")) {
		hs->from_offset = offset;
		return set_once(f, &m->from_text, value, "From", offset);
	}
	if (KEY("Subject"))
		return set_once(f, &m->subject, value, "Subject", offset);
	if (KEY("Date")) {
		hs->date_offset = offset;
		return set_once(f, &m->date_text, value, "Date", offset);
	}
	if (KEY("Folder"))
		return set_once(f, &m->folder, value, "Folder", offset);
	if (KEY("To") || KEY("Cc") || KEY("Bcc")) {
		struct rawaddr *a = realloc(hs->addrs, (hs->n_addrs + 1) * sizeof(*a));
		if (!a) {
			free(value);
			return CCM_ENOMEM;
		}
		hs->addrs = a;
		a[hs->n_addrs].which = KEY("To") ? 0 : KEY("Cc") ? 1 : 2;
		a[hs->n_addrs].text = value;
		a[hs->n_addrs].offset = offset;
		hs->n_addrs++;
		return 0;
	}
	if (KEY("Priority")) {
		if (!strcasecmp(value, "Urgent"))
			m->priority = CCM_PRIO_URGENT;
		else if (!strcasecmp(value, "Low"))
			m->priority = CCM_PRIO_LOW;
		else if (!strcasecmp(value, "Normal") || !*value)
			m->priority = CCM_PRIO_NORMAL;
		else
			report(f, CCM_WARNING, "bad-priority", offset,
			       "unknown priority '%s' read as Normal", value);
		free(value);
		return 0;
	}
	if (KEY("Receipt")) {
		if (!strcasecmp(value, "Requested"))
			m->receipt = 1;
		else if (*value)
			report(f, CCM_WARNING, "bad-receipt", offset,
			       "unknown receipt value '%s' ignored (known: Requested)", value);
		free(value);
		return 0;
	}
	if (KEY("Status")) {
		parse_status(f, m, value, offset);
		free(value);
		return 0;
	}
#undef KEY
	report(f, CCM_WARNING, "unknown-header", offset,
	       "unknown header '%.*s:' kept as an extra header of the message",
	       (int)klen, key);
	{
		char *k = ccm_strndup(key, klen);
		if (!k) {
			free(value);
			return CCM_ENOMEM;
		}
		return add_extra(m, k, value);
	}
}

static void report_addresses(struct ccm_msgfile *f, const struct ccm_addrlist *l,
			     size_t from, long long offset)
{
	for (size_t i = from; i < l->len; i++) {
		const struct ccm_addr *a = &l->v[i];
		if (a->kind == CCM_ADDR_USER && a->name && !*a->name)
			report(f, CCM_WARNING, "empty-name", offset,
			       "address '%s' has no name before its post office; it is "
			       "kept as written (an Export 8.3 fault, Q249133)", a->raw);
		else if (a->kind == CCM_ADDR_USER && !a->resolved && a->po_implied)
			report(f, CCM_NOTE, "unresolved-address", offset,
			       "'%s' is not in the directory; kept as written", a->raw);
	}
}

/* Parses addresses and the date once all headers are in. */
static int finish_headers(struct ccm_msgfile *f, struct frame *fr,
			  struct header_state *hs)
{
	struct ccm_message *m = &fr->msg;
	const char *sender_po = f->home_po;
	int rc = 0;

	if (m->from_text) {
		rc = ccm_addr_parse(&m->from, m->from_text, strlen(m->from_text),
				    f->o.dir, f->home_po, f->home_po);
		if (rc < 0)
			return rc;
		if (m->from.po)
			sender_po = m->from.po;
		{
			struct ccm_addrlist one = { &m->from, 1, 1 };
			report_addresses(f, &one, 0, hs->from_offset);
		}
	}
	for (size_t i = 0; i < hs->n_addrs; i++) {
		struct ccm_addrlist *l = hs->addrs[i].which == 0 ? &m->to :
					 hs->addrs[i].which == 1 ? &m->cc : &m->bcc;
		size_t before = l->len;
		rc = ccm_addrlist_parse(l, hs->addrs[i].text, strlen(hs->addrs[i].text),
					f->o.dir, f->home_po, sender_po);
		if (rc < 0)
			return rc;
		report_addresses(f, l, before, hs->addrs[i].offset);
	}
	if (m->date_text && *m->date_text) {
		if (ccm_date_parse(&m->date, m->date_text, strlen(m->date_text),
				   f->o.date_order, f->o.tz) == 0) {
			m->date_state = CCM_DATE_OK;
			if (m->date.flags & CCM_DATE_CLAMPED)
				report(f, CCM_WARNING, "impossible-date", hs->date_offset,
				       "date '%s' does not exist; kept as written and sorted "
				       "as the last day of its month (Q233325)", m->date_text);
		} else {
			m->date_state = CCM_DATE_BAD;
			report(f, CCM_WARNING, "bad-date", hs->date_offset,
			       "date '%s' cannot be read in the %s order of po.txt; the "
			       "message is migrated undated with the text kept",
			       m->date_text, f->o.date_order == CCM_DATE_DMY ? "DMY" :
			       f->o.date_order == CCM_DATE_YMD ? "YMD" : "MDY");
		}
	} else {
		m->date_state = CCM_DATE_NONE;
		report(f, CCM_NOTE, "no-date", m->offset,
		       "message has no date; it is migrated undated");
	}
	if (!m->status)
		m->status = CCM_STATUS_READ;
	return 0;
}

static void header_state_release(struct header_state *hs)
{
	for (size_t i = 0; i < hs->n_addrs; i++)
		free(hs->addrs[i].text);
	free(hs->addrs);
}

/*
 * Reads a keyword line's count: on the same line after the keyword, or on
 * the next line. Consumes the count line when there is one. Sets *count
 * (-1 when none) and *state to what parse_count said (0 when no count).
 */
static int read_count(struct ccm_msgfile *f, const char *rest, size_t rlen,
		      long long *count, int *state, long long *count_offset)
{
	const char *line;
	size_t len, eol;
	int r;

	*count = -1;
	*state = parse_count(rest, rlen, count);
	if (*state == 1 || *state == 3)
		return 0;
	*state = 0;
	*count_offset = ccm_in_tell(&f->in);
	r = ccm_in_peekline(&f->in, &line, &len, &eol);
	if (r < 0 && r != CCM_ELIMIT)
		return r;
	if (r != 1 || eol == 0)
		return 0;
	*state = parse_count(line, len, count);
	if (*state)
		ccm_in_consume(&f->in, len + eol);
	if (*state != 1)
		*count = -1;
	return 0;
}

/*
 * Parses a message's header block, from its "Message:" line (at the
 * current position) to its "Contents:" line, into frame fr.
 */
static int parse_message(struct ccm_msgfile *f, struct frame *fr,
			 struct ccm_error *err)
{
	struct ccm_message *m = &fr->msg;
	struct header_state hs = { 0 };
	const char *line;
	size_t len, eol;
	long long count, coff;
	int r, st;

	m->offset = ccm_in_tell(&f->in);
	m->count = -1;
	r = ccm_in_peekline(&f->in, &line, &len, &eol);
	if (r < 0)
		return ccm_error_set(err, r, "cannot read '%s'", f->display);
	ccm_in_consume(&f->in, len + eol);
	r = read_count(f, line + 8, len - 8, &count, &st, &coff);
	if (r < 0)
		return ccm_error_set(err, r, "cannot read '%s'", f->display);
	if (st == 1) {
		long long end = ccm_in_tell(&f->in) + count;
		m->count = count;
		fr->count_end = end;
		if (follows_block_start(f, end, 1))
			fr->msg_end = end;
	} else if ((st == 2 || st == 3) && f->o.item_sizes) {
		report(f, CCM_WARNING, "message-count-mismatch", m->offset,
		       "the message's count is %s, not a byte count; the items are "
		       "taken as the truth", st == 2 ? "blank" : "negative or too long");
	}
	for (;;) {
		long long off = ccm_in_tell(&f->in);
		size_t raw;

		r = ccm_in_peekline(&f->in, &line, &len, &eol);
		if (r == CCM_ELIMIT) {
			report(f, CCM_WARNING, "line-too-long", off,
			       "a header line is longer than %zu bytes; it is skipped",
			       f->in.max_line);
			do {
				ccm_in_consume(&f->in, len);
				r = ccm_in_peekline(&f->in, &line, &len, &eol);
			} while (r == CCM_ELIMIT);
			if (r == 1)
				ccm_in_consume(&f->in, len + eol);
			continue;
		}
		if (r < 0) {
			header_state_release(&hs);
			return ccm_error_set(err, r, "cannot read '%s'", f->display);
		}
		raw = len;
		if (r == 1)
			line = drop_nul(f, line, &len, off);
		if (r == 0 && f->depth == 1 && fr->count_end > off) {
			/* Cut in its headers: the count says more was to come. */
			f->truncated = 1;
			report(f, CCM_ERROR, "truncated", m->offset,
			       "the file ends %lld byte(s) before the end its 'Message:' "
			       "count %lld gives, before the message's 'Contents:' line: it "
			       "was cut short inside this message; its headers are kept. "
			       "Export this mailbox again to get the rest",
			       fr->count_end - off, m->count);
			fr->contents_done = 1;
			break;
		}
		if (r == 0 || is_message_line(line, len) || item_keyword_len(line, len)) {
			report(f, CCM_WARNING, "missing-contents", off,
			       "message has no 'Contents:' line (it is mandatory); %s",
			       r != 0 && item_keyword_len(line, len) ?
			       "its items are read as if it were there" :
			       r == 0 && m->count < 0 ?
			       "the file ends here, so it may have been cut short; the "
			       "message is migrated with headers only" :
			       "it is migrated with headers only");
			fr->contents_done = (r == 0 || is_message_line(line, len));
			break;
		}
		if (is_contents_line(line, len)) {
			ccm_in_consume(&f->in, raw + eol);
			r = read_count(f, line + 9, len - 9, &count, &st, &coff);
			if (r < 0) {
				header_state_release(&hs);
				return ccm_error_set(err, r, "cannot read '%s'", f->display);
			}
			if (st == 1) {
				long long end = ccm_in_tell(&f->in) + count;
				if (follows_block_start(f, end, 1))
					fr->contents_end = end;
				else {     /* said at its end, unless the file was cut */
					fr->contents_bad = count;
					fr->contents_at = off;
				}
			} else if ((st == 2 || st == 3) && f->o.item_sizes) {
				report(f, CCM_WARNING, "message-count-mismatch", off,
				       "the 'Contents:' count is %s, not a byte count; the "
				       "items are taken as the truth",
				       st == 2 ? "blank" : "negative or too long");
			}
			break;
		}
		ccm_in_consume(&f->in, raw + eol);
		if (is_blank(line, len))
			continue;
		if (!memchr(line, ':', len)) {
			report(f, CCM_WARNING, "unexpected-line", off,
			       "line '%.*s' in the headers is not 'Keyword: value'; skipped",
			       (int)(len > 60 ? 60 : len), line);
			continue;
		}
		r = header(f, fr, &hs, line, len, off);
		if (r < 0) {
			header_state_release(&hs);
			return ccm_error_set(err, r, "out of memory reading '%s'", f->display);
		}
	}
	r = finish_headers(f, fr, &hs);
	header_state_release(&hs);
	if (r < 0)
		return ccm_error_set(err, r, "out of memory reading '%s'", f->display);
	return 0;
}

/* ---- items -------------------------------------------------------------- */

static enum ccm_item_kind item_kind(const char *kw, size_t len)
{
	static const struct { const char *name; enum ccm_item_kind kind; } kinds[] = {
		{ "Text item", CCM_ITEM_TEXT }, { "File item", CCM_ITEM_FILE },
		{ "Fax item", CCM_ITEM_FAX }, { "Message item", CCM_ITEM_MESSAGE },
		{ "Graphics item", CCM_ITEM_GRAPHICS }, { "Sound item", CCM_ITEM_SOUND },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].name) == len && !strncasecmp(kw, kinds[i].name, len))
			return kinds[i].kind;
	return CCM_ITEM_OTHER;
}

static int ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

/* Names the attachment an item becomes (see struct ccm_item). */
static void name_item(struct ccm_msgfile *f, struct ccm_item *it)
{
	struct ccm_buf b = CCM_BUF_INIT;
	size_t n;

	switch (it->kind) {
	case CCM_ITEM_TEXT:
	case CCM_ITEM_MESSAGE:
		return;
	case CCM_ITEM_FILE:
		n = ccm_date_split_title(it->title, strlen(it->title), f->o.date_order,
					 f->o.tz, &it->file_date);
		it->has_file_date = n < strlen(it->title) && it->file_date.flags >= 0;
		if (n == 0)
			ccm_buf_addf(&b, "item%ld.bin", it->index);
		else
			ccm_buf_add(&b, it->title, n);
		break;
	case CCM_ITEM_FAX:
		if (*it->title)
			ccm_buf_adds(&b, it->title);
		else
			ccm_buf_addf(&b, "fax%ld", it->index);
		if (!ends_with_ci(b.ptr, ".pcx"))
			ccm_buf_adds(&b, ".pcx");
		break;
	default:
		if (*it->title)
			ccm_buf_adds(&b, it->title);
		else
			ccm_buf_addf(&b, "item%ld.bin", it->index);
		break;
	}
	it->name = ccm_buf_detach(&b, NULL);
}

/* Looks at the first 128 data bytes for a MacBinary II header. */
static void sniff_macbinary(struct ccm_msgfile *f, struct item_state *it)
{
	unsigned char hdr[128];
	struct ccm_macbin mb;
	long long avail_data = it->delim ? -1 : it->data_end - it->item.data_offset;

	it->dec = DEC_RAW;
	if (avail_data >= 0 && avail_data < 128)
		goto not_macbinary;
	if (ccm_in_pread(&f->in, hdr, 128, it->item.data_offset) != 128 ||
	    ccm_macbin_parse(&mb, hdr) < 0)
		goto not_macbinary;
	if (avail_data >= 0 && (unsigned long long)avail_data < 128ULL + mb.dfork)
		goto not_macbinary;
	it->dec = DEC_MACBIN;
	it->item.macbinary = 1;
	memcpy(it->item.mac_type, mb.type, 5);
	memcpy(it->item.mac_creator, mb.creator, 5);
	it->item.size = (long long)mb.dfork;
	it->mb_skip = 128;
	it->mb_left = (long long)mb.dfork;
	return;
not_macbinary:
	report(f, CCM_NOTE, "not-macbinary", it->item.data_offset,
	       "%s '%s' does not carry a valid MacBinary II header; its bytes are "
	       "taken as they are", it->item.keyword, it->item.title);
	if (!it->delim)
		it->item.size = it->data_end - it->item.data_offset;
}

static void setup_decoder(struct ccm_msgfile *f, struct item_state *it)
{
	it->item.encoding = f->o.attachments;
	switch (it->item.kind) {
	case CCM_ITEM_TEXT:
		it->dec = DEC_TEXT;
		if (f->o.cp)
			ccm_cp_reset(f->o.cp);
		return;
	case CCM_ITEM_MESSAGE:
		it->dec = DEC_RAW;
		return;
	default:
		break;
	}
	if (f->o.attachments == CCM_ENC_HEX) {
		it->dec = DEC_HEX;
		ccm_hexdec_init(&it->hex);
	} else if (f->o.attachments == CCM_ENC_MACBIN2) {
		sniff_macbinary(f, it);
		if (it->dec == DEC_MACBIN && f->o.keep_macbinary) {
			/* The whole MacBinary file: forks, type and creator. */
			it->dec = DEC_RAW;
			it->item.size = it->delim ? -1 : it->data_end - it->item.data_offset;
		}
	} else {
		it->dec = DEC_RAW;
		if (!it->delim)
			it->item.size = it->data_end - it->item.data_offset;
	}
}

/*
 * Parses an item line at the current position and sets up its data.
 * `kwlen` is the keyword's length in line.
 */
static int start_item(struct ccm_msgfile *f, struct frame *fr,
		      const char *line, size_t len, size_t eol, size_t kwlen,
		      struct ccm_error *err)
{
	struct item_state *it = &fr->it;
	const char *title = line + kwlen + 1;
	size_t tlen = len - kwlen - 1;
	long long off = ccm_in_tell(&f->in), count, coff = -1;
	int st, r;

	item_clear(it);
	it->active = 1;
	it->item.index = ++fr->nitems;
	it->item.offset = off;
	it->item.count = -1;
	it->item.size = -1;
	it->item.kind = item_kind(line, kwlen);
	it->item.keyword = ccm_strndup(line, kwlen);
	trim(&title, &tlen);
	it->item.title = to_utf8(f, title, tlen, off);
	if (!it->item.keyword || !it->item.title)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	ccm_in_consume(&f->in, len + eol);
	if (it->item.kind == CCM_ITEM_OTHER)
		report(f, CCM_NOTE, "unknown-item", off,
		       "unknown item kind '%s:' kept as an attachment", it->item.keyword);

	/* The count, and whether it can be trusted (spec 2.2). */
	coff = ccm_in_tell(&f->in);
	r = read_count(f, "", 0, &count, &st, &coff);
	if (r < 0)
		return ccm_error_set(err, r, "cannot read '%s'", f->display);
	if (!f->o.item_sizes && (st == 2 || st == 3)) {
		/* Without /ITEMSIZE a blank or signed first line is data. */
		if ((r = ccm_in_seek(&f->in, coff, err)) < 0)
			return r;
		st = 0;
	}
	it->item.data_offset = ccm_in_tell(&f->in);
	if (st == 1) {
		long long end = it->item.data_offset + count;
		int ok = follows_block_start(f, end, 0) &&
			 (fr->contents_end < 0 || end <= fr->contents_end);
		if (!ok && f->o.item_sizes && end > f->in.size &&
		    f->in.limit >= f->in.size && it->item.kind != CCM_ITEM_TEXT &&
		    !message_follows(f, it->item.data_offset)) {
			/* A binary item's count runs past the end of the file and
			 * nothing like a message follows: the file was cut inside
			 * it. Delimiters mean nothing in binary data (its bytes may
			 * hold "Message:"), so its bytes are kept up to the end.
			 * Text is read by delimiters, which give the same bytes. */
			ok = 1;
			f->truncated = 1;
			report(f, CCM_ERROR, "truncated", coff,
			       "the file ends %lld byte(s) into the %lld of %s '%s': it "
			       "was cut short; the bytes that are there are kept. Export "
			       "this mailbox again to get the rest",
			       f->in.size - it->item.data_offset, count,
			       it->item.keyword, it->item.title);
		}
		if (ok) {
			it->item.count = count;
			/* A cut item ends where the file does: its size is then
			 * what is really there, the same on every read. */
			it->data_end = end > f->in.size ? f->in.size : end;
		} else if (!f->o.item_sizes) {
			/* Counts are optional here: that line was data. */
			ccm_in_seek(&f->in, coff, NULL);
			it->item.data_offset = coff;
			it->delim = 1;
		} else {
			it->delim = 1;
			f->fallbacks += !f->quiet;
			report(f, CCM_WARNING, "count-fallback", coff,
			       "count %lld after '%s:' does not match the data (%s); the "
			       "item is read up to the next item line instead, check it "
			       "after migration", count, it->item.keyword,
			       count == 0 ? "0 with data after it, Q287056" :
			       end > f->in.size ? "it runs past the end of the file, "
			       "which may have been cut short" :
			       "it does not end where a block starts");
		}
	} else {
		it->delim = 1;
		if (f->o.item_sizes) {
			f->fallbacks += !f->quiet;
			report(f, CCM_WARNING, "count-fallback", coff,
			       "%s count after '%s:'; the item is read up to the next "
			       "item line instead, check it after migration",
			       st == 2 ? "blank" : st == 3 ? "unusable" : "no",
			       it->item.keyword);
		}
	}
	if (it->delim && it->item.kind != CCM_ITEM_TEXT &&
	    it->item.kind != CCM_ITEM_MESSAGE && f->o.attachments != CCM_ENC_HEX &&
	    f->o.item_sizes)
		report(f, CCM_WARNING, "binary-without-count", off,
		       "binary %s '%s' has no usable count; its end is guessed from "
		       "the next item line and its bytes may be incomplete",
		       it->item.keyword, it->item.title);
	name_item(f, &it->item);
	setup_decoder(f, it);
	return 0;
}

/* ---- the public API ----------------------------------------------------- */

int ccm_msgfile_open(struct ccm_msgfile **out, const char *path,
		     const struct ccm_msgfile_opts *o, struct ccm_error *err)
{
	struct ccm_msgfile *f = calloc(1, sizeof(*f));
	int rc;

	*out = NULL;
	if (!f)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	rc = ccm_in_open(&f->in, path, err);
	if (rc < 0) {
		free(f);
		return rc;
	}
	f->o = *o;
	f->display = ccm_strdup(o->display ? o->display : path);
	f->user = o->user ? ccm_strdup(o->user) : NULL;
	f->home_po = o->home_po ? ccm_strdup(o->home_po) : NULL;
	f->o.display = f->display;
	f->o.user = f->user;
	f->o.home_po = f->home_po;
	f->max_depth = o->max_depth > 0 ? o->max_depth : DEFAULT_MAX_DEPTH;
	f->frames = calloc((size_t)f->max_depth + 1, sizeof(*f->frames));
	ccm_buf_init(&f->scratch);
	ccm_buf_init(&f->nonul);
	f->nul_at = -1;
	if (!f->display || !f->frames || (o->user && !f->user) ||
	    (o->home_po && !f->home_po)) {
		ccm_msgfile_close(f);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	for (int i = 0; i <= f->max_depth; i++) {
		ccm_buf_init(&f->frames[i].it.out);
		f->frames[i].msg_end = f->frames[i].contents_end = -1;
		f->frames[i].count_end = f->frames[i].contents_bad = -1;
	}
	*out = f;
	return 0;
}

void ccm_msgfile_close(struct ccm_msgfile *f)
{
	if (!f)
		return;
	if (f->frames)
		for (int i = 0; i <= f->max_depth; i++)
			frame_clear(&f->frames[i]);
	free(f->frames);
	ccm_in_close(&f->in);
	ccm_buf_release(&f->scratch);
	ccm_buf_release(&f->nonul);
	free(f->display);
	free(f->user);
	free(f->home_po);
	free(f);
}

/* Pops the innermost frame, putting the input back as the item left it. */
static int pop_frame(struct ccm_msgfile *f, struct ccm_error *err)
{
	struct frame *fr = top(f);

	f->in.limit = fr->saved_limit;
	frame_clear(fr);
	f->depth--;
	if (f->depth > 0) {
		/* The nested message was the enclosing frame's current item. */
		struct frame *outer = top(f);
		return item_finish(f, &outer->it, err);
	}
	return 0;
}

/* The check of spec 2.2: the message's count against what was parsed. */
static void check_message_end(struct ccm_msgfile *f, struct frame *fr, long long at)
{
	struct ccm_message *m = &fr->msg;

	m->size = at - m->offset;
	if (f->truncated)
		return;
	if (f->depth == 1 && fr->count_end > at && at >= f->in.size &&
	    !(fr->contents_end >= 0 && at == fr->contents_end)) {
		/* The file ends before the message's count says it does, and its
		 * contents were not whole either: it was cut, not miscounted. */
		f->truncated = 1;
		report(f, CCM_ERROR, "truncated", m->offset,
		       "the file ends %lld byte(s) before the end its 'Message:' count "
		       "%lld gives: it was cut short inside this message; what is there "
		       "is kept. Export this mailbox again to get the rest",
		       fr->count_end - at, m->count);
		return;
	}
	if (fr->contents_bad >= 0 && f->o.item_sizes)
		report(f, CCM_WARNING, "message-count-mismatch", fr->contents_at,
		       "the 'Contents:' count %lld does not end where a message starts; "
		       "the items are taken as the truth", fr->contents_bad);
	if (m->count >= 0 && fr->msg_end >= 0 && fr->msg_end != at) {
		long long diff = at - fr->msg_end;
		/* The one line end after the last data byte is either the item's
		 * optional line end (in the count) or a blank line between
		 * messages (not in it): both readings are right. Only line ends
		 * are ever consumed there, so a difference of 1 or 2 is one. */
		if (diff >= -2 && diff <= 2)
			return;
		report(f, CCM_WARNING, "message-count-mismatch", m->offset,
		       "the message's count %lld ends at byte %lld, but its items end "
		       "at byte %lld; the items are taken as the truth",
		       m->count, fr->msg_end, at);
	} else if (m->count >= 0 && fr->msg_end < 0 && f->o.item_sizes) {
		report(f, CCM_WARNING, "message-count-mismatch", m->offset,
		       "the message's count %lld does not end where a message starts; "
		       "the items are taken as the truth", m->count);
	}
}

int ccm_msgfile_next_item(struct ccm_msgfile *f, const struct ccm_item **item,
			  struct ccm_error *err)
{
	struct frame *fr = top(f);
	int rc;

	*item = NULL;
	if (!fr)
		return 0;
	if (fr->it.active && (rc = item_finish(f, &fr->it, err)) < 0)
		return rc;
	while (!fr->contents_done) {
		const char *line;
		size_t len, eol, kwlen;
		long long off = ccm_in_tell(&f->in);
		int r;

		if (fr->contents_end >= 0 && off >= fr->contents_end)
			break;
		r = ccm_in_peekline(&f->in, &line, &len, &eol);
		if (r == CCM_ELIMIT) {
			report(f, CCM_WARNING, "line-too-long", off,
			       "a line of more than %zu bytes where an item should start; skipped",
			       f->in.max_line);
			ccm_in_consume(&f->in, len);
			continue;
		}
		if (r < 0)
			return ccm_error_set(err, r, "cannot read '%s'", f->display);
		if (r == 0 || is_message_line(line, len))
			break;
		if (is_blank(line, len)) {
			ccm_in_consume(&f->in, len + eol);
			continue;
		}
		note_nul(f, line, len, off);
		kwlen = item_keyword_len(line, len);
		if (kwlen) {
			if ((rc = start_item(f, fr, line, len, eol, kwlen, err)) < 0)
				return rc;
			*item = &fr->it.item;
			return 1;
		}
		report(f, CCM_WARNING, "unexpected-line", off,
		       "line '%.*s' in the contents is not an item line; skipped",
		       (int)(len > 60 ? 60 : len), line);
		ccm_in_consume(&f->in, len + eol);
	}
	if (!fr->contents_done) {
		fr->contents_done = 1;
		check_message_end(f, fr, ccm_in_tell(&f->in));
	}
	if (f->depth > 1) {
		rc = pop_frame(f, err);
		return rc < 0 ? rc : 0;
	}
	return 0;
}

/* Skips the rest of the open top-level message. */
static int finish_message(struct ccm_msgfile *f, struct ccm_error *err)
{
	const struct ccm_item *item;
	int rc;

	while (f->depth > 1)
		if ((rc = pop_frame(f, err)) < 0)
			return rc;
	if (f->depth == 0)
		return 0;
	if (top(f)->msg_end >= 0 && !top(f)->it.active && top(f)->nitems == 0) {
		/* Never looked at: the checked count says where it ends. */
		rc = ccm_in_seek(&f->in, top(f)->msg_end, err);
		if (rc < 0)
			return rc;
	} else {
		while ((rc = ccm_msgfile_next_item(f, &item, err)) > 0)
			;
		if (rc < 0)
			return rc;
	}
	frame_clear(top(f));
	f->depth = 0;
	return 0;
}

static int next_message(struct ccm_msgfile *f, const struct ccm_message **msg,
			struct ccm_error *err)
{
	long long junk_at = -1, junk = 0;
	int junk_cut = 0;        /* the last line of it has no line end */
	struct frame *fr;
	int rc;

	*msg = NULL;
	if ((rc = finish_message(f, err)) < 0)
		return rc;
	for (;;) {
		const char *line;
		size_t len, eol;
		long long off = ccm_in_tell(&f->in);
		int r = ccm_in_peekline(&f->in, &line, &len, &eol);

		if (r == CCM_ELIMIT) {
			if (junk_at < 0)
				junk_at = off;
			junk += (long long)len;
			ccm_in_consume(&f->in, len);
			continue;
		}
		if (r < 0)
			return ccm_error_set(err, r, "cannot read '%s'", f->display);
		if (r == 0 || is_message_line(line, len)) {
			if (junk)
				report(f, CCM_WARNING, "unexpected-text", junk_at,
				       "%lld byte(s) of text that belong to no message were "
				       "skipped; look at them in the file if they matter%s", junk,
				       r == 0 && junk_cut ? " (the file ends in the middle of "
				       "that text: it may have been cut short)" : "");
			if (r == 0)
				return 0;
			break;
		}
		if (!is_blank(line, len)) {
			if (junk_at < 0)
				junk_at = off;
			junk += (long long)(len + eol);
			note_nul(f, line, len, off);
			junk_cut = eol == 0;
		}
		ccm_in_consume(&f->in, len + eol);
	}
	f->count++;
	f->depth = 1;
	fr = top(f);
	frame_clear(fr);
	fr->saved_limit = f->in.limit;
	fr->msg.number = f->count;
	if ((rc = parse_message(f, fr, err)) < 0)
		return rc;
	*msg = &fr->msg;
	return 1;
}

int ccm_msgfile_next(struct ccm_msgfile *f, const struct ccm_message **msg,
		     struct ccm_error *err)
{
	f->quiet = 0;
	return next_message(f, msg, err);
}

int ccm_msgfile_rewind(struct ccm_msgfile *f, const struct ccm_message **msg,
		       struct ccm_error *err)
{
	long long off;
	int rc;

	*msg = NULL;
	if (f->depth == 0)
		return ccm_error_set(err, CCM_EINVAL, "no message to read again");
	off = f->frames[0].msg.offset;
	while (f->depth > 1)
		if ((rc = pop_frame(f, err)) < 0)
			return rc;
	frame_clear(top(f));
	f->depth = 0;
	if ((rc = ccm_in_seek(&f->in, off, err)) < 0)
		return rc;
	f->quiet = 1;
	f->count--;
	return next_message(f, msg, err);
}

int ccm_msgfile_enter(struct ccm_msgfile *f, const struct ccm_message **msg,
		      struct ccm_error *err)
{
	struct frame *outer = top(f), *fr;
	const char *line;
	size_t len, eol;
	int r, rc;

	*msg = NULL;
	if (!outer || !outer->it.active || outer->it.item.kind != CCM_ITEM_MESSAGE ||
	    ccm_in_tell(&f->in) != outer->it.item.data_offset)
		return ccm_error_set(err, CCM_EINVAL,
				     "enter needs a Message item whose data was not read");
	if (f->depth > f->max_depth) {
		report(f, CCM_WARNING, "nesting-too-deep", outer->it.item.offset,
		       "forwarded messages are nested more than %d deep; this one is "
		       "kept as an attachment of raw export text", f->max_depth);
		return 0;
	}
	/* Skip blank lines, then a nested message must start. */
	for (;;) {
		r = ccm_in_peekline(&f->in, &line, &len, &eol);
		if (r != 1 || !is_blank(line, len) || eol == 0)
			break;
		if (!outer->it.delim &&
		    ccm_in_tell(&f->in) + (long long)(len + eol) > outer->it.data_end)
			break;
		ccm_in_consume(&f->in, len + eol);
	}
	if (r != 1 || !is_message_line(line, len)) {
		report(f, CCM_WARNING, "not-a-message", outer->it.item.offset,
		       "%s '%s' does not hold a message; it is kept as an attachment",
		       outer->it.item.keyword, outer->it.item.title);
		return 0;
	}
	fr = &f->frames[f->depth];
	frame_clear(fr);
	fr->saved_limit = f->in.limit;
	if (!outer->it.delim && outer->it.data_end < f->in.limit)
		f->in.limit = outer->it.data_end;
	f->depth++;
	fr->msg.depth = f->depth - 1;
	fr->msg.number = ++outer->nested;
	if ((rc = parse_message(f, fr, err)) < 0)
		return rc;
	/* Reading goes on in the nested frame; the outer item's data is being
	 * consumed by it, so it must not be read raw any more. */
	outer->it.done = 1;
	*msg = &fr->msg;
	return 1;
}

/* Decodes the next piece of the current item into buf. */
ssize_t ccm_msgfile_read(struct ccm_msgfile *f, void *buf, size_t n,
			 struct ccm_error *err)
{
	struct frame *fr = top(f);
	struct item_state *it;
	unsigned char *out = buf;

	if (!fr || !fr->it.active || n == 0)
		return 0;
	it = &fr->it;
	for (;;) {
		const char *p;
		size_t len, take;
		int r;

		if (it->out_pos < it->out.len) {
			take = it->out.len - it->out_pos;
			if (take > n)
				take = n;
			memcpy(out, it->out.ptr + it->out_pos, take);
			it->out_pos += take;
			return (ssize_t)take;
		}
		r = raw_next(f, it, &p, &len);
		if (r < 0)
			return ccm_error_set(err, r, "cannot read '%s'", f->display);
		if (r == 0) {
			if (it->dec == DEC_TEXT && f->o.cp && !it->flushed) {
				size_t bad = 0;
				it->flushed = 1;
				ccm_buf_reset(&it->out);
				it->out_pos = 0;
				ccm_cp_to_utf8_stream(&it->out, f->o.cp, "", 0, 1, &bad);
				if (bad)
					report(f, CCM_WARNING, "bad-character", it->item.data_offset,
					       "text of '%s' ends inside a character", it->item.title);
				continue;
			}
			if (it->dec == DEC_HEX && !it->flushed) {
				it->flushed = 1;
				ccm_hexdec_finish(&it->hex);
			}
			if (it->dec == DEC_MACBIN && it->mb_left > 0 && !it->flushed &&
			    !f->truncated) {
				it->flushed = 1;
				report(f, CCM_ERROR, "truncated", it->item.data_offset,
				       "MacBinary data of '%s' ends %lld byte(s) early; the "
				       "attachment is incomplete", it->item.title, it->mb_left);
			}
			return 0;
		}
		switch (it->dec) {
		case DEC_RAW:
			take = len < n ? len : n;
			memcpy(out, p, take);
			raw_consume(f, it, take);
			return (ssize_t)take;
		case DEC_MACBIN:
			if (it->mb_skip > 0) {
				take = (long long)len < it->mb_skip ? len : (size_t)it->mb_skip;
				it->mb_skip -= (long long)take;
				raw_consume(f, it, take);
				continue;
			}
			if (it->mb_left == 0) {
				/* Padding and resource fork: not part of the file. */
				raw_consume(f, it, len);
				continue;
			}
			take = len < n ? len : n;
			if ((long long)take > it->mb_left)
				take = (size_t)it->mb_left;
			memcpy(out, p, take);
			it->mb_left -= (long long)take;
			raw_consume(f, it, take);
			return (ssize_t)take;
		case DEC_HEX: {
			size_t o;
			take = len < 2 * n ? len : 2 * n;
			if (take > 1 && take % 2 == 1 && take < len)
				take--;
			o = ccm_hexdec_run(out, &it->hex, p, take);
			raw_consume(f, it, take);
			if (o)
				return (ssize_t)o;
			continue;
		}
		case DEC_TEXT: {
			size_t bad = 0;
			if (!f->o.cp) {
				take = len < n ? len : n;
				memcpy(out, p, take);
				raw_consume(f, it, take);
				return (ssize_t)take;
			}
			ccm_buf_reset(&it->out);
			it->out_pos = 0;
			take = len < 65536 ? len : 65536;
			ccm_cp_to_utf8_stream(&it->out, f->o.cp, p, take, 0, &bad);
			if (bad)
				report(f, CCM_WARNING, "bad-character", it->item.data_offset,
				       "%zu byte(s) of '%s' are not valid in code page %d",
				       bad, it->item.title, ccm_cp_number(f->o.cp));
			raw_consume(f, it, take);
			continue;
		}
		}
	}
}

void ccm_msgfile_set_keep_macbinary(struct ccm_msgfile *f, int keep)
{
	f->o.keep_macbinary = keep;
}

long ccm_msgfile_line_of(struct ccm_msgfile *f, long long offset)
{
	return ccm_in_line_of(&f->in, offset);
}

long long ccm_msgfile_size(const struct ccm_msgfile *f)
{
	return f->in.size;
}

long ccm_msgfile_count(const struct ccm_msgfile *f)
{
	return f->count;
}

long ccm_msgfile_fallbacks(const struct ccm_msgfile *f)
{
	return f->fallbacks;
}

const char *ccm_item_kind_name(enum ccm_item_kind k)
{
	switch (k) {
	case CCM_ITEM_TEXT: return "text";
	case CCM_ITEM_FILE: return "file";
	case CCM_ITEM_FAX: return "fax";
	case CCM_ITEM_MESSAGE: return "message";
	case CCM_ITEM_GRAPHICS: return "graphics";
	case CCM_ITEM_SOUND: return "sound";
	case CCM_ITEM_OTHER: return "other";
	}
	return "other";
}
