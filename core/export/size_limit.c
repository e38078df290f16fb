/* size_limit.c: messages larger than the target takes: left out, or sent
 * with their largest attachments replaced by notes. */
#include "export/size_limit.h"
#include "base/drop_note.h"
#include "store/messages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIB (1ULL << 40)

int ccm_size_parse(unsigned long long *out, const char *text, struct ccm_error *err)
{
	static const char units[] = "KMG";
	const char *p = text, *u;
	unsigned long long mult = 1;
	size_t whole = strspn(p, "0123456789"), frac = 0;
	double v;

	/* Digits, a fraction, a unit, written out by hand: strtod would
	 * take " 5", "+5", "0x10", "1e3" and "inf" too. */
	if (whole == 0 || whole > 15)
		goto bad;
	p += whole;
	if (*p == '.') {
		frac = strspn(p + 1, "0123456789");
		if (frac == 0 || frac > 6)
			goto bad;
		p += 1 + frac;
	}
	if (*p && (u = strchr(units, *p & ~0x20)) != NULL) {
		mult = 1ULL << (10 * (u - units + 1));
		p++;
		if (*p == 'i' && (p[1] == 'B' || p[1] == 'b'))
			p += 2;
		else if (*p == 'B' || *p == 'b')
			p++;
	}
	if (*p || (mult == 1 && frac))
		goto bad;
	v = strtod(text, NULL) * (double)mult;
	if (v < 1 || v > (double)TIB)
		return ccm_error_set(err, CCM_EINVAL, "--max-message-size '%s' is out of "
				     "range: give 1 byte to 1T", text);
	*out = (unsigned long long)v;
	return 0;
bad:
	return ccm_error_set(err, CCM_EINVAL, "--max-message-size takes bytes, or a "
			     "number with K, M or G (of 1024: 25M is 26214400 bytes), "
			     "not '%s'", text);
}

int ccm_size_target(unsigned long long *out, const char *name, int pst,
		    struct ccm_error *err)
{
	static const struct {
		const char *name;
		unsigned long long max, pst_max;
	} targets[] = {
		/* Exchange Online's default for a message; its Import
		 * service takes PST items up to 150 MB. */
		{ "m365", 35ULL << 20, 150ULL << 20 },
		{ "gmail", 25000000ULL, 25000000ULL },  /* "25 MB", read the lower way */
		{ "dovecot", 0, 0 },                    /* no limit unless configured */
	};

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (!strcmp(name, targets[i].name)) {
			*out = pst ? targets[i].pst_max : targets[i].max;
			return 0;
		}
	return ccm_error_set(err, CCM_EINVAL, "--target takes m365, gmail or dovecot, "
			     "not '%s'", name);
}

int ccm_size_part_path(char *out, size_t n, const char *prefix, int seq)
{
	return snprintf(out, n, "%s%s%d", prefix, *prefix ? "." : "", seq);
}

const struct ccm_size_names ccm_size_option_names = {
	"--max-message-size", "--target", "--split-attachments"
};

int ccm_size_limit_set(struct ccm_size_limit *l, struct ccm_buf *source, const char *max,
		       const char *target, int split, int pst,
		       const struct ccm_size_names *names, struct ccm_error *err)
{
	int rc;

	memset(l, 0, sizeof(*l));
	l->split = split;
	if (target) {
		if ((rc = ccm_size_target(&l->max, target, pst, err)) < 0)
			return rc;
		ccm_buf_addf(source, "%s %s", names->target, target);
	}
	if (max) {
		if ((rc = ccm_size_parse(&l->max, max, err)) < 0)
			return rc;
		ccm_buf_reset(source);
		ccm_buf_addf(source, "%s %s", names->max, max);
	}
	l->source = source->ptr;
	if (split && !l->max)
		return ccm_error_set(err, CCM_EINVAL, "%s needs a limit: give %s SIZE or %s "
				     "m365|gmail", names->split, names->max, names->target);
	return 0;
}

/* ---- counting on the way -------------------------------------------------- */

/* Passes bytes to the caller's write until the limit is passed; counts
 * on after that, writing nothing more. */
struct counter {
	ccm_render_write_fn write;
	void *ctx;
	unsigned long long max, n;
	int over;
};

static int count_write(void *ctx, const void *p, size_t n)
{
	struct counter *c = ctx;

	c->n += n;
	if (c->over)
		return 0;
	if (c->n > c->max) {
		c->over = 1;
		return 0;
	}
	return c->write(c->ctx, p, n);
}

/* One rendering within the limit: 1 when it went over, 0 when it fit,
 * or a negative code. *size is its size; *deep what it kept too deep. */
static int attempt(unsigned long long *size, unsigned long *deep, struct ccm_store *s,
		   const struct ccm_store_message *m, const struct ccm_render_opts *o,
		   unsigned long long max, ccm_render_write_fn write, void *ctx,
		   struct ccm_error *err)
{
	struct counter c = { write, ctx, max, 0, 0 };
	struct ccm_render_opts ro = *o;
	int rc;

	*deep = 0;
	ro.kept_deep = deep;
	rc = ccm_render_message(s, m, &ro, count_write, &c, err);
	*size = c.n;
	return rc < 0 ? rc : c.over;
}

/* The caller's discard failed: said, unless the caller says it better. */
static int took_back(int rc, const struct ccm_store_message *m, struct ccm_error *err)
{
	return ccm_error_set(err, rc, "cannot take back what was written of message "
			     "%lld, which is over the size limit", m->id);
}

/* ---- the attachments, at any depth ----------------------------------------- */

struct att {
	char path[CCM_SIZE_PATH_LEN];            /* "2", "3.1" */
	char *name;
	int forwarded;               /* kind "message": a forwarded message's text */
	unsigned long long size;
	size_t order;                /* its place among every part, depth first */
};

struct atts {
	struct att *v;
	size_t n, cap;
};

static void atts_release(struct atts *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].name);
	free(a->v);
}

static int atts_add(struct atts *a, const char *prefix, int seq,
		    const struct ccm_store_attachment *at, struct ccm_error *err)
{
	struct att *x;

	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 16;
		void *v = realloc(a->v, cap * sizeof(*a->v));

		if (!v)
			return ccm_error_set(err, CCM_ENOMEM, "out of memory");
		a->v = v;
		a->cap = cap;
	}
	x = &a->v[a->n];
	memset(x, 0, sizeof(*x));
	ccm_size_part_path(x->path, sizeof(x->path), prefix, seq);
	if (!(x->name = ccm_strdup(at->name ? at->name : "attachment")))
		return ccm_error_set(err, CCM_ENOMEM, "out of memory");
	x->forwarded = at->kind && !strcmp(at->kind, "message");
	x->size = at->size;
	x->order = a->n++;
	return 0;
}

/* The messages forwarded in `msg`, by their place. */
struct place {
	int seq;
	long long id;
};

struct places {
	struct place *v;
	size_t n, cap;
};

static int forwarded_of(struct places *f, struct ccm_store *s, long long msg,
			struct ccm_error *err)
{
	struct ccm_store_cursor *c;
	struct ccm_store_message fm;
	int rc;

	if ((rc = ccm_store_forwarded(&c, s, msg, err)) < 0)
		return rc;
	while ((rc = ccm_store_next_message(c, &fm, err)) > 0) {
		if (f->n == f->cap) {
			size_t cap = f->cap ? 2 * f->cap : 8;
			void *v = realloc(f->v, cap * sizeof(*f->v));

			if (!v) {
				rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
				break;
			}
			f->v = v;
			f->cap = cap;
		}
		f->v[f->n++] = (struct place){ fm.parent_seq, fm.id };
	}
	ccm_store_cursor_free(c);
	return rc;
}

/*
 * The attachments of message `msg` at path `prefix` and of the messages
 * forwarded in it, in the order the render writes them: a forwarded
 * message stands in place of the attachment of its seq (render.c).
 */
static int atts_read(struct atts *a, struct ccm_store *s, long long msg,
		     const char *prefix, int depth, struct ccm_error *err)
{
	struct places f = { 0 };
	struct ccm_store_cursor *c = NULL;
	struct ccm_store_attachment at;
	size_t k = 0;
	int rc;

	if ((rc = forwarded_of(&f, s, msg, err)) < 0 ||
	    (rc = ccm_store_attachments(&c, s, msg, err)) < 0)
		goto out;
	for (;;) {
		int more = (rc = ccm_store_next_attachment(c, &at, err));

		if (rc < 0)
			break;
		/* The forwarded messages that come before this part. */
		while (k < f.n && (!more || f.v[k].seq <= at.seq)) {
			char sub[128];
			/* At most CCM_RENDER_MAX_DEPTH numbers: it always fits. */
			int len = ccm_size_part_path(sub, sizeof(sub), prefix, f.v[k].seq);

			if (len > 0 && (size_t)len < sizeof(sub) &&
			    depth < CCM_RENDER_MAX_DEPTH &&
			    (rc = atts_read(a, s, f.v[k].id, sub, depth + 1, err)) < 0)
				goto out;
			if (more && f.v[k].seq == at.seq)
				more = -1;        /* the forwarded message stands for it */
			k++;
		}
		if (!more)
			break;
		if (more > 0 && (rc = atts_add(a, prefix, at.seq, &at, err)) < 0)
			break;
	}
out:
	ccm_store_cursor_free(c);
	free(f.v);
	return rc < 0 ? rc : 0;
}

/* Largest first; of the same size, the first in the message first. */
static int by_size(const void *x, const void *y)
{
	const struct att *a = x, *b = y;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int by_order(const void *x, const void *y)
{
	const struct att *a = *(const struct att *const *)x;
	const struct att *b = *(const struct att *const *)y;

	return a->order < b->order ? -1 : a->order > b->order;
}

/* What replacing an attachment of `size` bytes saves, about: its base64
 * lines (76 characters and CRLF for each 57 bytes) less the note. */
static unsigned long long saves_rendered(unsigned long long size)
{
	unsigned long long b64 = (size + 56) / 57 * 78;

	return b64 > 300 ? b64 - 300 : 0;
}

/* How many of the largest attachments (a, sorted by size) should make a
 * message of `size` fit `max`, as their sizes and `saves` say: at least
 * `from`. *saved: what they save. */
static size_t how_many(unsigned long long *saved, const struct atts *a, size_t from,
		       unsigned long long size, unsigned long long max,
		       unsigned long long (*saves)(unsigned long long))
{
	size_t k;

	*saved = 0;
	for (k = 0; k < from && k < a->n; k++)
		*saved += saves(a->v[k].size);
	while (k < a->n && (size < *saved || size - *saved > max))
		*saved += saves(a->v[k++].size);
	return k;
}

/* Res's list of the k attachments replaced (sorted[], in the message's
 * order), as the report names them. */
static void say_replaced(struct ccm_size_result *res, const struct att **sorted, size_t k)
{
	res->n_replaced = k;
	for (size_t i = 0; i < k; i++) {
		ccm_buf_addf(&res->replaced, "%s%s '%s' (", i ? ", " : "",
			     sorted[i]->path, sorted[i]->name);
		ccm_human_size(&res->replaced, sorted[i]->size);
		ccm_buf_addch(&res->replaced, ')');
	}
}

/* The first k attachments (by size) in the order of the message, as
 * render.h's paths. */
static void chosen(const struct atts *a, size_t k, const struct att **sorted,
		   const char **paths)
{
	for (size_t i = 0; i < k; i++)
		sorted[i] = &a->v[i];
	qsort(sorted, k, sizeof(*sorted), by_order);
	for (size_t i = 0; i < k; i++)
		paths[i] = sorted[i]->path;
}

/* Renders with the largest attachments replaced, as few as fit: 1 written,
 * 0 still over with every one replaced, or a negative code. */
static int split(struct ccm_size_result *res, struct ccm_store *s,
		 const struct ccm_store_message *m, const struct ccm_render_opts *o,
		 const struct ccm_size_limit *l, ccm_render_write_fn write,
		 int (*discard)(void *ctx), void *ctx, struct ccm_error *err)
{
	struct atts a = { 0 };
	const struct att **sorted = NULL;
	const char **paths = NULL;
	unsigned long long size = 0;
	unsigned long deep = 0;
	size_t k = 0;
	int rc;

	if ((rc = atts_read(&a, s, m->id, "", 0, err)) < 0)
		goto out;
	res->n_atts = a.n;
	if (a.n == 0)
		goto out;
	qsort(a.v, a.n, sizeof(*a.v), by_size);
	sorted = malloc(a.n * sizeof(*sorted));
	paths = malloc(a.n * sizeof(*paths));
	if (!sorted || !paths) {
		rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
		goto out;
	}
	while (k < a.n) {
		struct ccm_render_opts ro = *o;

		/* One more than the last attempt at least: the sizes are
		 * an estimate, the rendering is what counts. */
		unsigned long long saved;

		k = how_many(&saved, &a, k + 1, res->whole, l->max, saves_rendered);
		chosen(&a, k, sorted, paths);
		ro.replaced = paths;
		ro.n_replaced = k;
		ro.replaced_by = CCM_SIZE_SPLIT_OPTION;
		if ((rc = attempt(&size, &deep, s, m, &ro, l->max, write, ctx, err)) < 0)
			goto out;
		res->size = size;
		if (rc == 0)
			break;
		if ((rc = discard(ctx)) < 0) {
			took_back(rc, m, err);
			goto out;
		}
	}
	if (k == a.n && size > l->max) {
		rc = 0;
		goto out;
	}
	if (o->kept_deep)
		*o->kept_deep += deep;
	say_replaced(res, sorted, k);
	rc = 1;
out:
	free(sorted);
	free(paths);
	atts_release(&a);
	return rc;
}

int ccm_size_render(struct ccm_size_result *res, struct ccm_store *s,
		    const struct ccm_store_message *m, const struct ccm_render_opts *o,
		    const struct ccm_size_limit *l, ccm_render_write_fn write,
		    int (*discard)(void *ctx), void *ctx, struct ccm_error *err)
{
	static const struct ccm_render_opts none;
	unsigned long deep = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	ccm_buf_init(&res->replaced);
	res->outcome = CCM_SIZE_FITS;
	if (!o)
		o = &none;
	if (!l || !l->max)
		return ccm_render_message(s, m, o, write, ctx, err);
	if ((rc = attempt(&res->size, &deep, s, m, o, l->max, write, ctx, err)) <= 0) {
		if (rc == 0 && o->kept_deep)
			*o->kept_deep += deep;
		return rc;
	}
	res->whole = res->size;
	if ((rc = discard(ctx)) < 0)
		return took_back(rc, m, err);
	res->outcome = CCM_SIZE_LEFT_OUT;
	if (l->split && (rc = split(res, s, m, o, l, write, discard, ctx, err)) != 0) {
		if (rc < 0)
			return rc;
		res->outcome = CCM_SIZE_SPLIT;
	}
	return 0;
}

int ccm_size_plan(struct ccm_size_result *res, struct ccm_store *s,
		  const struct ccm_store_message *m, unsigned long long whole,
		  unsigned long long (*saves)(unsigned long long),
		  const struct ccm_size_limit *l, struct ccm_error *err)
{
	struct atts a = { 0 };
	const struct att **sorted = NULL;
	unsigned long long saved = 0;
	size_t k;
	int rc;

	memset(res, 0, sizeof(*res));
	ccm_buf_init(&res->replaced);
	res->outcome = CCM_SIZE_FITS;
	res->size = res->whole = whole;
	if (!l || !l->max || whole <= l->max)
		return 0;
	res->outcome = CCM_SIZE_LEFT_OUT;
	if (!l->split)
		return 0;
	if ((rc = atts_read(&a, s, m->id, "", 0, err)) < 0)
		goto out;
	res->n_atts = a.n;
	qsort(a.v, a.n, sizeof(*a.v), by_size);
	k = how_many(&saved, &a, 0, whole, l->max, saves);
	res->size = whole > saved ? whole - saved : 0;
	if (k == 0 || res->size > l->max)
		goto out;
	if (!(sorted = malloc(k * sizeof(*sorted))) ||
	    !(res->paths = malloc(k * sizeof(*res->paths)))) {
		rc = ccm_error_set(err, CCM_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < k; i++)
		sorted[i] = &a.v[i];
	qsort(sorted, k, sizeof(*sorted), by_order);
	for (size_t i = 0; i < k; i++)
		memcpy(res->paths[i], sorted[i]->path, sizeof(res->paths[i]));
	say_replaced(res, sorted, k);
	res->outcome = CCM_SIZE_SPLIT;
out:
	free(sorted);
	atts_release(&a);
	return rc < 0 ? rc : 0;
}

void ccm_size_result_release(struct ccm_size_result *res)
{
	ccm_buf_release(&res->replaced);
	free(res->paths);
	res->paths = NULL;
}

void ccm_size_say(struct ccm_report *rep, const char *mailbox, const char *folder,
		  long long id, const char *uid, const char *domain,
		  const struct ccm_size_result *res, const struct ccm_size_limit *l)
{
	struct ccm_diag d = { CCM_NOTE, CCM_SIZE_KIND_LEFT_OUT, 0, NULL, 0, -1, mailbox,
			      (long)id, NULL };
	struct ccm_buf t = CCM_BUF_INIT;

	if (res->outcome == CCM_SIZE_FITS)
		return;
	ccm_buf_addf(&t, "mailbox '%s', folder '%s': message <ccmig.%s@%s> of %llu "
		     "bytes is over the limit of %llu bytes (%s): ", mailbox, folder, uid,
		     domain && *domain ? domain : "ccmig.invalid", res->whole, l->max,
		     l->source ? l->source : "--max-message-size");
	if (res->outcome == CCM_SIZE_SPLIT) {
		d.kind = CCM_SIZE_KIND_SPLIT;
		int one = res->n_replaced == 1;

		ccm_buf_addf(&t, "written with attachment%s %s replaced by %s (%s), "
			     "%llu bytes", one ? "" : "s", res->replaced.ptr,
			     one ? "a note" : "notes", CCM_SIZE_SPLIT_OPTION, res->size);
	} else if (l->split && res->n_atts) {
		ccm_buf_addf(&t, "left out: with all of its %zu attachment%s replaced by "
			     "notes it is still %llu bytes", res->n_atts,
			     res->n_atts == 1 ? "" : "s", res->size);
	} else {
		ccm_buf_addf(&t, "left out%s", l->split ? " (it has no attachment to "
			     "replace)" : "; --split-attachments sends it with its largest "
			     "attachments replaced by notes");
	}
	d.text = t.ptr;
	ccm_report_emit(rep, &d);
	ccm_buf_release(&t);
}

void ccm_size_counts(struct ccm_buf *out, const struct ccm_size_limit *l,
		     unsigned long left_out, unsigned long split, const char *verb)
{
	if (!l || !l->max)
		return;
	ccm_buf_addf(out, "Size limit %llu bytes (%s): %lu message%s over it left out, "
		     "%lu %s with attachments replaced by notes\n", l->max,
		     l->source ? l->source : "--max-message-size", left_out,
		     left_out == 1 ? "" : "s", split, verb);
}
