/* pkl.c: opening a migration file set from its packing list (spec 3, 12.8). */
#include "iff/reader_int.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

void ccm_iff_report(struct ccm_report *rep, enum ccm_severity sev, const char *kind,
		int event, const char *file, long line, long long offset,
		const char *user, const char *fmt, ...)
{
	struct ccm_diag d = { 0 };
	va_list ap;

	d.severity = sev;
	d.kind = kind;
	d.event = event;
	d.file = file;
	d.line = line;
	d.offset = offset;
	d.user = user;
	va_start(ap, fmt);
	ccm_reportv(rep, &d, fmt, ap);
	va_end(ap);
}

int ccm_iff_eq_ci(const char *s, size_t n, const char *kw)
{
	return strlen(kw) == n && strncasecmp(s, kw, n) == 0;
}

/* ---- the folder's names, for names that differ only in case ------------ */

struct dirlist {
	char **names;
	size_t n;
	int loaded;
};

static int cmp_ci(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

static void dirlist_load(struct dirlist *l, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	l->loaded = 1;
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (l->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			char **p = realloc(l->names, nc * sizeof(*p));
			if (!p)
				break;
			l->names = p;
			cap = nc;
		}
		if (!(l->names[l->n] = ccm_strdup(e->d_name)))
			break;
		l->n++;
	}
	closedir(d);
	qsort(l->names, l->n, sizeof(*l->names), cmp_ci);
}

static void dirlist_free(struct dirlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
}

static const char *dirlist_find(const struct dirlist *l, const char *name)
{
	char *const *hit = l->n ? bsearch(&name, l->names, l->n, sizeof(*l->names),
					  cmp_ci) : NULL;
	return hit ? *hit : NULL;
}

/* ---- the packing list ---------------------------------------------------- */

struct pkl_state {
	struct ccm_iff_set *s;
	struct ccm_in in;
	long line;
	struct dirlist dl;
	unsigned long case_notes;
	char first_case[512];
};

/* The settings comment ccmig extract writes, kept as written (the code
 * page may not be known yet); the last one wins. */
static void keep_po_comment(struct pkl_state *st, const char *p, size_t n)
{
	size_t k = strlen(CCM_IFF_PO_COMMENT);

	while (n > 0 && *p == ' ') {
		p++;
		n--;
	}
	if (n < k || memcmp(p, CCM_IFF_PO_COMMENT, k) != 0)
		return;
	free(st->s->po_settings);
	st->s->po_settings = ccm_strndup(p + k, n - k);
}

/* The next line that is neither blank nor a comment; 0 at the end. */
static int next_content_line(struct pkl_state *st, const char **line,
			     size_t *len, long long *off)
{
	for (;;) {
		size_t eol, i;
		int rc = ccm_in_peekline(&st->in, line, len, &eol);

		if (rc == CCM_ELIMIT) {
			/* No packing list line is this long: skip it whole. */
			*off = ccm_in_tell(&st->in);
			st->line++;
			ccm_iff_report(st->s->rep, CCM_ERROR, "pkl-bad-row", 0, st->s->pkl_name,
				   st->line, *off, NULL, "line is longer than %zu bytes; "
				   "it is skipped", *len);
			while (rc == CCM_ELIMIT) {
				ccm_in_consume(&st->in, *len);
				rc = ccm_in_peekline(&st->in, line, len, &eol);
			}
			if (rc > 0)
				ccm_in_consume(&st->in, *len + eol);
			continue;
		}
		if (rc <= 0)
			return rc;
		*off = ccm_in_tell(&st->in);
		ccm_in_consume(&st->in, *len + eol);
		st->line++;
		if (st->line == 1 && *len >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
			/* A byte order mark from an editor: harmless here. */
			*line += 3;
			*len -= 3;
			*off += 3;
		}
		for (i = 0; i < *len && ((*line)[i] == ' ' || (*line)[i] == '\t'); i++)
			;
		if (i == *len)
			continue;
		if ((*line)[0] == '!') {
			keep_po_comment(st, *line + 1, *len - 1);
			continue;
		}
		return 1;
	}
}

/* Why a listed name is not a bare name of the folder, or NULL. */
static const char *not_bare(const char *name)
{
	if (!*name)
		return "is empty";
	if (strpbrk(name, "/\\"))
		return "names a path";
	if (strstr(name, ".."))
		return "holds '..'";
	if (strchr(name, ':'))
		return "holds a drive or stream colon";
	if (!strcmp(name, "."))
		return "names the folder itself";
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20)
			return "holds a control character";
	return NULL;
}

static int add_file(struct pkl_state *st, const char *name, size_t nlen,
		    enum ccm_iff_filetype t, long long off)
{
	struct ccm_iff_set *s = st->s;
	struct ccm_iff_file *f, *arr;
	const char *why;
	char *nm = ccm_strndup(name, nlen);
	struct stat sb;

	if (!nm)
		return CCM_ENOMEM;
	if (strlen(nm) != nlen) {
		why = "holds a NUL byte";
	} else if (!(why = not_bare(nm)) && t == CCM_IFF_SECONDARY &&
		   strpbrk(nm, "#();,*?\"<>|")) {
		ccm_iff_report(s->rep, CCM_ERROR, "pkl-bad-name", 0, s->pkl_name, st->line,
			   off, NULL, "secondary file name '%s' holds one of # ( ) ; , * ? "
			   "\" < > |, so no pointer #NAME(offset) can name it (spec 1.1); "
			   "rename the file and the pointers to it", nm);
		free(nm);
		return 0;
	}
	if (why) {
		ccm_iff_report(s->rep, CCM_ERROR, "pkl-path-refused", 0, s->pkl_name,
			   st->line, off, NULL, "'%s' %s: every file of a set must be a bare "
			   "file name in the packing list's folder (spec 12.8); copy the file "
			   "into the folder and list it by its name", nm, why);
		free(nm);
		return 0;
	}
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < s->nfiles[k]; i++)
			if (!strcasecmp(s->files[k][i].name, nm)) {
				ccm_iff_report(s->rep, CCM_WARNING, "pkl-duplicate", 0, s->pkl_name,
					   st->line, off, NULL, "'%s' is listed again (first at "
					   "line %ld); this line is ignored", nm,
					   s->files[k][i].pkl_line);
				free(nm);
				return 0;
			}
	arr = realloc(s->files[t], (s->nfiles[t] + 1) * sizeof(*arr));
	if (!arr) {
		free(nm);
		return CCM_ENOMEM;
	}
	s->files[t] = arr;
	f = &arr[s->nfiles[t]++];
	memset(f, 0, sizeof(*f));
	f->name = nm;
	f->type = t;
	f->pkl_line = st->line;
	f->size = -1;
	ccm_buf_reset(&s->scratch);
	ccm_buf_addf(&s->scratch, "%s/%s", s->dir, nm);
	if (stat(s->scratch.ptr, &sb) < 0) {
		const char *found;

		if (!st->dl.loaded)
			dirlist_load(&st->dl, s->dir);
		found = dirlist_find(&st->dl, nm);
		if (found) {
			if (st->case_notes++ == 0)
				snprintf(st->first_case, sizeof(st->first_case),
					 "'%s' found as '%s'", nm, found);
			ccm_buf_reset(&s->scratch);
			ccm_buf_addf(&s->scratch, "%s/%s", s->dir, found);
			if (stat(s->scratch.ptr, &sb) < 0)
				found = NULL;
		}
		if (!found) {
			ccm_iff_report(s->rep, CCM_ERROR, "pkl-missing-file", 0, s->pkl_name,
				   st->line, off, NULL, "'%s' is listed but is not in %s; "
				   "copy it there or remove its line%s", nm, s->dir,
				   t == CCM_IFF_SECONDARY ? " (rows pointing into it "
				   "will fail, event 8054)" : "");
			return 0;
		}
	}
	if (!S_ISREG(sb.st_mode)) {
		ccm_iff_report(s->rep, CCM_ERROR, "pkl-missing-file", 0, s->pkl_name,
			   st->line, off, NULL, "'%s' is not a regular file", nm);
		return 0;
	}
	f->path = ccm_strndup(s->scratch.ptr, s->scratch.len);
	if (!f->path)
		return CCM_ENOMEM;
	f->size = (long long)sb.st_size;
	return 0;
}

static int parse_filetype(const char *v, size_t n, enum ccm_iff_filetype *t)
{
	if (ccm_iff_eq_ci(v, n, "Primary"))
		*t = CCM_IFF_PRIMARY;
	else if (ccm_iff_eq_ci(v, n, "Secondary"))
		*t = CCM_IFF_SECONDARY;
	else
		return -1;
	return 0;
}

static int read_list(struct pkl_state *st, struct ccm_error *err)
{
	struct ccm_iff_set *s = st->s;
	struct ccm_csv_line l;
	const char *line;
	size_t len, bad;
	long long off;
	int rc, header_seen = 0;

	ccm_csv_line_init(&l);
	while ((rc = next_content_line(st, &line, &len, &off)) > 0) {
		enum ccm_iff_filetype t;
		int n = ccm_csv_split(&l, line, len, 0, &bad);

		if (n == CCM_ENOMEM) {
			rc = n;
			break;
		}
		if (n < 0) {
			ccm_iff_report(s->rep, CCM_ERROR, "quote-error", 27, s->pkl_name, st->line,
				   off + (long long)bad, NULL, "characters found after end "
				   "doublequote, or a quote never closed; this line is skipped");
			continue;
		}
		if (!header_seen) {
			header_seen = 1;
			if (n >= 2 && ccm_iff_eq_ci(l.f[0].value, l.f[0].len, "Filename") &&
			    ccm_iff_eq_ci(l.f[1].value, l.f[1].len, "Filetype"))
				continue;
			ccm_iff_report(s->rep, CCM_WARNING, "pkl-no-header", 0, s->pkl_name,
				   st->line, off, NULL, "the line after the code page should be "
				   "the column header 'Filename,Filetype' (spec 3.1); read as a "
				   "file line");
		}
		if (n < 2 || parse_filetype(l.f[1].value, l.f[1].len, &t) < 0) {
			ccm_iff_report(s->rep, CCM_ERROR, "pkl-unknown-filetype", 0, s->pkl_name,
				   st->line, off + (n >= 2 ? (long long)l.f[1].column : 0), NULL,
				   "a file line is 'NAME,Primary' or 'NAME,Secondary'; found "
				   "'%.*s'; this line is skipped", (int)(len > 200 ? 200 : len),
				   line);
			continue;
		}
		if (n > 2)
			ccm_iff_report(s->rep, CCM_WARNING, "pkl-extra-fields", 0, s->pkl_name,
				   st->line, off + (long long)l.f[2].column, NULL,
				   "a file line has two fields; the rest is ignored");
		if ((rc = add_file(st, l.f[0].value, l.f[0].len, t, off)) < 0)
			break;
	}
	ccm_csv_line_release(&l);
	if (rc < 0)
		return rc == CCM_ENOMEM ?
			ccm_error_set(err, CCM_ENOMEM, "out of memory reading '%s'", s->pkl_name) :
			ccm_error_set(err, rc, "cannot read '%s/%s'", s->dir, s->pkl_name);
	if (st->case_notes)
		ccm_iff_report(s->rep, CCM_NOTE, "pkl-case-mismatch", 0, s->pkl_name, 0, -1,
			   NULL, "%lu listed file(s) differ in letter case from the names in "
			   "the folder (%s); they are read all the same", st->case_notes,
			   st->first_case);
	if (!s->nfiles[CCM_IFF_PRIMARY])
		ccm_iff_report(s->rep, CCM_ERROR, "pkl-no-primary", 0, s->pkl_name, 0, -1, NULL,
			   "the packing list names no primary file that can be read: "
			   "there is nothing to import");
	return 0;
}

static int read_code_page(struct pkl_state *st, struct ccm_error *err)
{
	struct ccm_iff_set *s = st->s;
	const char *line;
	size_t len, i = 0, e;
	long long off;
	long v = 0;
	int rc = next_content_line(st, &line, &len, &off);

	if (rc < 0)
		return ccm_error_set(err, CCM_EIO, "cannot read '%s/%s'", s->dir, s->pkl_name);
	if (rc == 0)
		return ccm_error_set(err, CCM_EMALFORMED, "%s: the packing list is empty; "
				     "its first line must be the set's code page number "
				     "(e.g. 1252 or 850, spec 3.1)", s->pkl_name);
	e = len;
	while (i < e && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (e > i && (line[e - 1] == ' ' || line[e - 1] == '\t'))
		e--;
	for (size_t k = i; k < e; k++) {
		if (line[k] < '0' || line[k] > '9' || v > 99999) {
			v = -1;
			break;
		}
		v = v * 10 + (line[k] - '0');
	}
	if (i == e || v <= 0)
		return ccm_error_set(err, CCM_EMALFORMED, "%s:%ld (byte %lld): the first "
				     "line that is not a '!' comment must be the set's code page "
				     "number (e.g. 1252 or 850, spec 3.1), found '%.*s'",
				     s->pkl_name, st->line, off, (int)(len > 60 ? 60 : len), line);
	s->code_page = (int)v;
	if (ccm_cp_open(&s->cp, s->code_page, NULL) < 0)
		return ccm_error_set(err, CCM_EUNSUPPORTED, "%s:%ld: code page %d is not "
				     "supported by this system's iconv; if the files were "
				     "written in another code page, put its number on this line "
				     "(e.g. 1252, 850, 437, 932)", s->pkl_name, st->line,
				     s->code_page);
	return 0;
}

int ccm_iff_set_open(struct ccm_iff_set **out, const char *pkl_path,
		     struct ccm_report *rep, struct ccm_error *err)
{
	struct pkl_state st;
	struct ccm_iff_set *s;
	const char *slash = strrchr(pkl_path, '/');
	int rc;

	*out = NULL;
	memset(&st, 0, sizeof(st));
	s = calloc(1, sizeof(*s));
	if (!s)
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	s->rep = rep;
	ccm_buf_init(&s->scratch);
	ccm_csv_line_init(&s->hdr);
	s->dir = slash ? ccm_strndup(pkl_path, slash == pkl_path ? 1 :
				     (size_t)(slash - pkl_path)) : ccm_strdup(".");
	s->pkl_name = ccm_strdup(slash ? slash + 1 : pkl_path);
	if (!s->dir || !s->pkl_name) {
		ccm_iff_set_close(s);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	st.s = s;
	rc = ccm_in_open(&st.in, pkl_path, err);
	if (rc < 0) {
		if (rc == CCM_ENOTFOUND)
			ccm_error_set(err, rc, "no packing list '%s'; give the .pkl file of "
				      "a migration file set (ccmig extract writes <PO>.pkl)",
				      pkl_path);
		ccm_iff_set_close(s);
		return rc;
	}
	rc = read_code_page(&st, err);
	if (rc == 0)
		rc = read_list(&st, err);
	if (rc == 0 && s->po_settings) {
		struct ccm_buf u = CCM_BUF_INIT;

		ccm_cp_to_utf8(&u, s->cp, s->po_settings, strlen(s->po_settings), NULL);
		free(s->po_settings);
		s->po_settings = ccm_buf_detach(&u, NULL);
		ccm_buf_release(&u);
	}
	ccm_in_close(&st.in);
	dirlist_free(&st.dl);
	if (rc < 0) {
		ccm_iff_set_close(s);
		return rc;
	}
	s->sec_checked = calloc(s->nfiles[CCM_IFF_SECONDARY] + 1, 1);
	if (!s->sec_checked) {
		ccm_iff_set_close(s);
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	}
	*out = s;
	return 0;
}

void ccm_iff_set_close(struct ccm_iff_set *s)
{
	if (!s)
		return;
	for (int i = 0; i < IFF_OPEN_SECONDARIES; i++)
		if (s->open[i].file)
			ccm_in_close(&s->open[i].in);
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < s->nfiles[k]; i++) {
			free(s->files[k][i].name);
			free(s->files[k][i].path);
		}
		free(s->files[k]);
	}
	ccm_cp_free(s->cp);
	free(s->po_settings);
	free(s->sec_checked);
	free(s->dir);
	free(s->pkl_name);
	ccm_buf_release(&s->scratch);
	ccm_csv_line_release(&s->hdr);
	free(s);
}

int ccm_iff_set_code_page(const struct ccm_iff_set *s)
{
	return s->code_page;
}

struct ccm_cp *ccm_iff_set_cp(const struct ccm_iff_set *s)
{
	return s->cp;
}

const char *ccm_iff_set_po_settings(const struct ccm_iff_set *s)
{
	return s->po_settings;
}

const char *ccm_iff_set_dir(const struct ccm_iff_set *s)
{
	return s->dir;
}

const char *ccm_iff_set_pkl_name(const struct ccm_iff_set *s)
{
	return s->pkl_name;
}

size_t ccm_iff_set_count(const struct ccm_iff_set *s, enum ccm_iff_filetype t)
{
	return s->nfiles[t];
}

const struct ccm_iff_file *ccm_iff_set_file(const struct ccm_iff_set *s,
					    enum ccm_iff_filetype t, size_t i)
{
	return i < s->nfiles[t] ? &s->files[t][i] : NULL;
}

const struct ccm_iff_file *ccm_iff_set_find_secondary(const struct ccm_iff_set *s,
						  const char *name)
{
	for (size_t i = 0; i < s->nfiles[CCM_IFF_SECONDARY]; i++)
		if (!strcasecmp(s->files[CCM_IFF_SECONDARY][i].name, name))
			return &s->files[CCM_IFF_SECONDARY][i];
	return NULL;
}

static void check_sec_header(struct ccm_iff_set *s, const struct ccm_iff_file *f,
			     struct ccm_in *in)
{
	static const char want[] = CCM_IFF_SECONDARY_HEADER;
	char head[128];
	ssize_t got = ccm_in_pread(in, head, sizeof(head) - 1, 0);
	size_t n = got > 0 ? (size_t)got : 0;
	char *nl;

	head[n] = '\0';
	nl = memchr(head, '\n', n);
	n = nl ? (size_t)(nl - head) : n;
	if (n > 0 && head[n - 1] == '\r')
		n--;
	if (ccm_iff_eq_ci(head, n, want))
		return;
	ccm_iff_report(s->rep, CCM_WARNING, "sec-no-header", 8059, f->name, 1, 0, NULL,
		   "a secondary file begins with the column header line '%s' (spec "
		   "5.1); pointers count their offsets from the first byte, header "
		   "line included", want);
}

struct ccm_in *ccm_iff_set_sec_input(struct ccm_iff_set *s,
				 const struct ccm_iff_file *f,
				 struct ccm_error *err)
{
	struct iff_open_sec *slot = NULL;
	size_t idx = (size_t)(f - s->files[CCM_IFF_SECONDARY]);

	for (int i = 0; i < IFF_OPEN_SECONDARIES; i++)
		if (s->open[i].file == f) {
			s->open[i].used = ++s->clock;
			return &s->open[i].in;
		}
	if (!f->path) {
		ccm_error_set(err, CCM_ENOTFOUND, "'%s' is listed in the packing list "
			      "but is not in the folder", f->name);
		return NULL;
	}
	for (int i = 0; i < IFF_OPEN_SECONDARIES; i++)
		if (!slot || !s->open[i].file ||
		    (slot->file && s->open[i].used < slot->used))
			slot = &s->open[i];
	if (slot->file) {
		ccm_in_close(&slot->in);
		slot->file = NULL;
	}
	if (ccm_in_open(&slot->in, f->path, err) < 0)
		return NULL;
	/* Headers are small; data goes to callers in their own pieces. */
	slot->file = f;
	slot->used = ++s->clock;
	if (!s->sec_checked[idx]) {
		s->sec_checked[idx] = 1;
		check_sec_header(s, f, &slot->in);
	}
	return &slot->in;
}
