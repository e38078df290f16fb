/* address.c: parsing cc:Mail addresses and splitting address lists. */
#include "ccmail/address.h"

#include <stdlib.h>
#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_open(char c)
{
	return c == '[' || c == '{';
}

static int is_close(char c)
{
	return c == ']' || c == '}';
}

/* A piece of the input: [s, e). */
struct span {
	const char *s, *e;
};

static struct span trimmed(const char *s, const char *e)
{
	while (s < e && is_space(*s))
		s++;
	while (e > s && is_space(e[-1]))
		e--;
	return (struct span){ s, e };
}

static size_t span_len(struct span x)
{
	return (size_t)(x.e - x.s);
}

/*
 * 1 when every '[' and '{' is closed. Only then do brackets hide commas
 * and " at " from the parser: one stray '[' must not swallow the rest of
 * a long list.
 */
static int balanced(const char *s, const char *e)
{
	long depth = 0;

	for (; s < e; s++) {
		if (is_open(*s))
			depth++;
		else if (is_close(*s) && depth > 0)
			depth--;
	}
	return depth == 0;
}

/* The opening bracket of the one that closes at e[-1], or NULL. */
static const char *opener(const char *s, const char *e)
{
	long depth = 0;

	for (const char *p = e - 1; p >= s; p--) {
		if (is_close(*p))
			depth++;
		else if (is_open(*p) && --depth == 0)
			return p;
	}
	return NULL;
}

/*
 * The last " at " outside brackets that is followed by a post office:
 * "at" (any case) with white space (or the start) before it and white
 * space then something after it. Returns a pointer to the 'a', or NULL.
 * The start counts so that " at PO" with its name missing (Q249133)
 * still reads as a post office.
 */
static const char *last_at(const char *s, const char *e, int brackets)
{
	const char *found = NULL;
	long depth = 0;

	for (const char *p = s; p < e; p++) {
		if (brackets && is_open(*p)) {
			depth++;
			continue;
		}
		if (brackets && is_close(*p)) {
			if (depth > 0)
				depth--;
			continue;
		}
		if (depth || (*p | 0x20) != 'a' || e - p < 4 || (p[1] | 0x20) != 't' ||
		    !is_space(p[2]) || (p > s && !is_space(p[-1])))
			continue;
		for (const char *q = p + 3; q < e; q++) {
			if (!is_space(*q)) {
				found = p;
				break;
			}
		}
	}
	return found;
}

static char *dup_span(struct span x)
{
	return ccm_strndup(x.s, span_len(x));
}

void ccm_addr_release(struct ccm_addr *a)
{
	free(a->name);
	free(a->po);
	free(a->ftype);
	free(a->faddr);
	free(a->raw);
	memset(a, 0, sizeof(*a));
}

void ccm_addrlist_release(struct ccm_addrlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		ccm_addr_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const char *ccm_addr_kind_name(enum ccm_addr_kind k)
{
	switch (k) {
	case CCM_ADDR_USER: return "user";
	case CCM_ADDR_BOARD: return "board";
	case CCM_ADDR_SYSTEM: return "system";
	case CCM_ADDR_SMTP: return "smtp";
	case CCM_ADDR_FOREIGN: return "foreign";
	case CCM_ADDR_EXTENDED: return "extended";
	}
	return "?";
}

/* The post office a directory entry's user lives on. */
static const char *entry_po(const struct ccm_dir_entry *e, const char *home_po)
{
	/* Upper-case codes are this post office's own entries (L, R, A, P);
	 * lower-case ones belong to the PO their Addr names. */
	if (e->location >= 'a' && e->location <= 'z')
		return e->addr;
	return home_po;
}

int ccm_addr_parse(struct ccm_addr *out, const char *s, size_t len,
		   const struct ccm_directory *dir, const char *home_po,
		   const char *sender_po)
{
	struct span all, body, name, po = { NULL, NULL };
	struct span ext = { NULL, NULL }, inside = { NULL, NULL };
	const char *at, *o, *filled = NULL;
	int br;

	if (!s)
		s = "";
	all = body = trimmed(s, s + len);
	br = balanced(all.s, all.e);

	memset(out, 0, sizeof(*out));
	out->kind = CCM_ADDR_USER;
	if (!(out->raw = dup_span(all)))
		goto oom;

	if (br && body.e > body.s && body.e[-1] == '}' &&
	    (o = opener(body.s, body.e)) && *o == '{') {
		ext = trimmed(o + 1, body.e - 1);
		body = trimmed(body.s, o);
	}
	at = last_at(body.s, body.e, br);
	if (at) {
		name = trimmed(body.s, at);
		po = trimmed(at + 2, body.e);
	} else {
		name = body;
	}

	if (ext.s) {
		out->kind = CCM_ADDR_EXTENDED;
		if (!(out->faddr = dup_span(ext)))
			goto oom;
	} else if (br && name.e > name.s && name.e[-1] == ']' &&
		   (o = opener(name.s, name.e)) && *o == '[') {
		const char *colon;

		out->kind = CCM_ADDR_FOREIGN;
		inside = trimmed(o + 1, name.e - 1);
		name = trimmed(name.s, o);
		colon = memchr(inside.s, ':', span_len(inside));
		if (colon) {
			if (!(out->ftype = dup_span(trimmed(inside.s, colon))))
				goto oom;
			inside = trimmed(colon + 1, inside.e);
		}
		if (!(out->faddr = dup_span(inside)))
			goto oom;
	} else if (name.s < name.e && (*name.s == '#' || *name.s == '~')) {
		out->kind = *name.s == '#' ? CCM_ADDR_BOARD : CCM_ADDR_SYSTEM;
		name = trimmed(name.s + 1, name.e);
	} else if (memchr(name.s, '@', span_len(name))) {
		out->kind = CCM_ADDR_SMTP;
	}
	if (!(out->name = dup_span(name)))
		goto oom;

	if (po.s) {
		if (!(out->po = dup_span(po)))
			goto oom;
	}
	if (out->kind == CCM_ADDR_USER || out->kind == CCM_ADDR_SMTP) {
		const struct ccm_dir_entry *e = ccm_directory_find(dir, name.s, span_len(name));

		out->resolved = e != NULL;
		if (!po.s && e)
			filled = entry_po(e, home_po);
		/* A bare name nobody knows belongs to the sender's post office
		 * (spec 2.6); a bare SMTP address belongs to no post office. */
		if (!po.s && !filled && out->kind == CCM_ADDR_USER && all.s < all.e)
			filled = sender_po ? sender_po : home_po;
	} else if (!po.s && (out->kind == CCM_ADDR_BOARD || out->kind == CCM_ADDR_SYSTEM)) {
		filled = sender_po ? sender_po : home_po;
	}
	if (filled) {
		if (!(out->po = ccm_strdup(filled)))
			goto oom;
		out->po_implied = 1;
	}
	return 0;
oom:
	ccm_addr_release(out);
	return CCM_ENOMEM;
}

/* 1 when s ends with the word "at" (any case) after white space or alone. */
static int ends_with_at(const char *s)
{
	size_t n = strlen(s);

	return n >= 2 && (s[n - 2] | 0x20) == 'a' && (s[n - 1] | 0x20) == 't' &&
	       (n == 2 || is_space(s[n - 3]));
}

void ccm_addr_format(struct ccm_buf *out, const struct ccm_addr *a)
{
	if (a->kind == CCM_ADDR_BOARD)
		ccm_buf_addch(out, '#');
	else if (a->kind == CCM_ADDR_SYSTEM)
		ccm_buf_addch(out, '~');
	ccm_buf_adds(out, a->name ? a->name : "");
	if (a->kind == CCM_ADDR_FOREIGN) {
		/* A space after a name ending in the word "at" would make " at "
		 * of it, and the brackets a post office when read back. */
		if (a->name && a->name[0] && !ends_with_at(a->name))
			ccm_buf_addch(out, ' ');
		ccm_buf_addch(out, '[');
		if (a->ftype)
			ccm_buf_addf(out, "%s:", a->ftype);
		ccm_buf_adds(out, a->faddr ? a->faddr : "");
		ccm_buf_addch(out, ']');
	}
	if (a->po)
		ccm_buf_addf(out, " at %s", a->po);
	if (a->kind == CCM_ADDR_EXTENDED)
		ccm_buf_addf(out, " {%s}", a->faddr ? a->faddr : "");
}

/*
 * List splitting. The value is cut at every comma outside brackets into
 * pieces; a piece is "structural" when an address surely ends with it
 * (" at PO", or a closing ']' or '}'). Runs of pieces are then joined
 * into addresses, preferring the longest directory name, so that both
 * "Smith, John, Doe, Jane" and "Smith, John at PO1, Doe, Jane at PO2"
 * come out as two. Every look-up is bounded by the longest directory
 * name, so the work grows linearly with the length of the value.
 */
struct piece {
	struct span t;        /* trimmed text; empty pieces separate groups */
	const char *at;       /* the 'a' of its last " at ", or NULL */
	int structural;
	int starts;           /* can only begin an address: '#', '~', '[', or a
				 bare SMTP address */
};

struct splitter {
	struct piece *p;
	size_t n;
	size_t *next_struct;  /* first structural piece at or after i, or n */
	const struct ccm_directory *dir;
	const char *home_po, *sender_po;
	struct ccm_addrlist *out;
};

static int is_dir_name(const struct splitter *sp, const char *s, const char *e)
{
	struct span x = trimmed(s, e);

	return x.s < x.e && ccm_directory_find(sp->dir, x.s, span_len(x)) != NULL;
}

/* A post office entry of the directory (P or p) named by s..e. */
static int is_dir_po(const struct splitter *sp, const char *s, const char *e)
{
	struct span x = trimmed(s, e);
	const struct ccm_dir_entry *d = ccm_directory_find(sp->dir, x.s, span_len(x));

	return d && (d->location == 'P' || d->location == 'p');
}

static void classify(struct piece *pc, int br)
{
	struct span t = pc->t, name;
	const char *sp;

	pc->at = last_at(t.s, t.e, br);
	pc->structural = pc->at != NULL ||
		(br && t.e > t.s && is_close(t.e[-1]) && opener(t.s, t.e));
	/* No user name begins with '#', '~' or '[' or is one word with an
	 * '@': such a piece begins an address of its own. */
	name = pc->at ? trimmed(t.s, pc->at) : t;
	sp = name.s;
	while (sp < name.e && !is_space(*sp))
		sp++;
	pc->starts = name.s < name.e &&
		(*name.s == '#' || *name.s == '~' || *name.s == '[' ||
		 (sp == name.e && memchr(name.s, '@', span_len(name))));
}

/* Cuts the value into pieces at commas outside brackets. */
static int cut(struct splitter *sp, const char *s, const char *e)
{
	int br = balanced(s, e);
	size_t cap = 16, n = 0;
	long depth = 0;
	const char *start = s;
	struct piece *p = malloc(cap * sizeof(*p));

	if (!p)
		return CCM_ENOMEM;
	for (const char *q = s;; q++) {
		if (q < e && br && is_open(*q))
			depth++;
		else if (q < e && br && is_close(*q) && depth > 0)
			depth--;
		if (q < e && (*q != ',' || depth))
			continue;
		if (n == cap) {
			struct piece *np = realloc(p, cap * 2 * sizeof(*p));

			if (!np) {
				free(p);
				return CCM_ENOMEM;
			}
			p = np;
			cap *= 2;
		}
		p[n].t = trimmed(start, q);
		classify(&p[n], br);
		n++;
		start = q + 1;
		if (q == e)
			break;
	}
	sp->p = p;
	sp->n = n;
	return 0;
}

/*
 * A post office name may hold commas ("Smith at SALES, EAST"): when the
 * text after " at " together with the next pieces is a post office of
 * the directory, those pieces belong to this one.
 */
static void join_po_commas(struct splitter *sp)
{
	size_t o = 0;

	for (size_t i = 0; i < sp->n; i++) {
		struct piece pc = sp->p[i];

		if (pc.at && sp->dir && !is_close(pc.t.e[-1])) {
			size_t take = 0;

			for (size_t m = 1; m <= 3 && i + m < sp->n; m++) {
				if (sp->p[i + m].t.s == sp->p[i + m].t.e)
					break;
				if (is_dir_po(sp, pc.at + 2, sp->p[i + m].t.e))
					take = m;
			}
			if (take) {
				pc.t.e = sp->p[i + take].t.e;
				i += take;
			}
		}
		sp->p[o++] = pc;
	}
	sp->n = o;
}

/*
 * The end of an address that starts at piece k and is known: a directory
 * name (the longest), a directory name followed by " at PO", or a piece
 * that can only be an address of its own. -1 when there is none.
 */
static long known_end(const struct splitter *sp, size_t k, size_t last)
{
	const char *s = sp->p[k].t.s;
	long best = -1;

	if (sp->p[k].starts)
		return (long)k;
	if (!sp->dir || !sp->dir->len)
		return -1;
	for (size_t j = k; j <= last; j++) {
		const struct piece *pc = &sp->p[j];

		if (pc->structural) {
			if (pc->at && is_dir_name(sp, s, pc->at))
				best = (long)j;
			break;
		}
		if ((size_t)(pc->t.s - s) > sp->dir->max_name)
			break;
		if (j > k && sp->p[j].starts)
			break;
		if (is_dir_name(sp, s, pc->t.e))
			best = (long)j;
	}
	return best;
}

static int emit(struct splitter *sp, size_t i, size_t j)
{
	struct ccm_addrlist *l = sp->out;

	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct ccm_addr *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return CCM_ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	if (ccm_addr_parse(&l->v[l->len], sp->p[i].t.s,
			   (size_t)(sp->p[j].t.e - sp->p[i].t.s), sp->dir,
			   sp->home_po, sp->sender_po) < 0)
		return CCM_ENOMEM;
	l->len++;
	return 0;
}

/* Joins the pieces first..last (none empty) into addresses. */
static int split_group(struct splitter *sp, size_t first, size_t last)
{
	size_t i = first;

	while (i <= last) {
		long kj = known_end(sp, i, last);
		size_t end;

		if (kj >= 0) {
			if (emit(sp, i, (size_t)kj) < 0)
				return CCM_ENOMEM;
			i = (size_t)kj + 1;
			continue;
		}
		/* Not known: the address runs to where one surely ends, unless a
		 * known address starts before that. */
		end = sp->next_struct[i] <= last ? sp->next_struct[i] : last;
		for (size_t k = i + 1; k <= end; k++) {
			if (known_end(sp, k, last) >= 0) {
				end = k - 1;
				break;
			}
		}
		if (emit(sp, i, end) < 0)
			return CCM_ENOMEM;
		i = end + 1;
	}
	return 0;
}

int ccm_addrlist_parse(struct ccm_addrlist *out, const char *s, size_t len,
		       const struct ccm_directory *dir, const char *home_po,
		       const char *sender_po)
{
	struct splitter sp = {
		.dir = dir, .home_po = home_po, .sender_po = sender_po, .out = out,
	};
	size_t first = 0;
	int rc;

	if (!s)
		s = "";
	if ((rc = cut(&sp, s, s + len)) < 0)
		return rc;
	join_po_commas(&sp);
	sp.next_struct = malloc((sp.n + 1) * sizeof(*sp.next_struct));
	if (!sp.next_struct) {
		free(sp.p);
		return CCM_ENOMEM;
	}
	sp.next_struct[sp.n] = sp.n;
	for (size_t i = sp.n; i-- > 0;)
		sp.next_struct[i] = sp.p[i].structural ? i : sp.next_struct[i + 1];

	/* Empty pieces (",,", a leading or trailing comma) end any address. */
	for (size_t i = 0; i <= sp.n && rc == 0; i++) {
		if (i < sp.n && sp.p[i].t.s != sp.p[i].t.e)
			continue;
		if (i > first)
			rc = split_group(&sp, first, i - 1);
		first = i + 1;
	}
	free(sp.next_struct);
	free(sp.p);
	return rc;
}
