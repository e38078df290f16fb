/* test_roundtrip.c: generated bundles read back by the reader, field for field. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "ccmail/bundle.h"
#include "gen/gen.h"

/*
 * Each shape is generated into a temporary folder, opened with the reader,
 * and everything the reader gives back is compared with what the model
 * meant: directory, lists, private address books, and every message of
 * every mailbox and board, headers, recipients, dates, items, texts and
 * attachments byte for byte. Differences are collected and printed all at
 * once (where, field, expected, got) before the shape fails.
 */

struct shape {
	uint64_t seed;
	enum ccm_attach_enc enc;
	int item_sizes;
	int code_page;
	enum ccm_date_order order;
	unsigned defects;
	const char *what;
	const char *zone;        /* NULL: the default, America/New_York */
};

struct rt {
	struct ccm_gen *g;
	struct ccm_bundle *b;
	struct ccm_msgfile *f;
	const struct shape *sh;
	const char *file;
	long msgno;
	long diffs;
	long messages, items, attachments;
	long long bytes;
	long expect_fallbacks;
	unsigned landed;         /* defects found in the messages read */
	unsigned item_landed;    /* ... and in their items */
	char where[256];
};

static void diff(struct rt *t, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void diff(struct rt *t, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (t->diffs++ < 40) {
		fprintf(stderr, "[%s] %s: %s: ", t->sh->what, t->where, field);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}

static void str_eq(struct rt *t, const char *field, const char *want,
		   const char *got)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(want, got))
		diff(t, field, "expected %s%s%s, got %s%s%s",
		     want ? "'" : "", want ? want : "NULL", want ? "'" : "",
		     got ? "'" : "", got ? got : "NULL", got ? "'" : "");
}

static void int_eq(struct rt *t, const char *field, long long want,
		   long long got)
{
	if (want != got)
		diff(t, field, "expected %lld, got %lld", want, got);
}

/* ---- directory, lists, address books ---- */

static void check_list(struct rt *t, const struct ccm_gen_list *w,
		       const struct ccm_list *l)
{
	str_eq(t, "list name", w->name, l->name);
	str_eq(t, "list comments", w->comments, l->comments);
	int_eq(t, "list members", (long long)w->n_members, (long long)l->n_members);
	for (size_t j = 0; j < w->n_members && j < l->n_members; j++)
		str_eq(t, "list member", w->members[j], l->members[j]);
}

static void check_directory(struct rt *t)
{
	const struct ccm_directory *d = &t->b->dir;

	snprintf(t->where, sizeof(t->where), "directory.exp");
	int_eq(t, "entries", (long long)t->g->n_dir, (long long)d->len);
	for (size_t i = 0; i < t->g->n_dir && i < d->len; i++) {
		const struct ccm_gen_dirent *w = &t->g->dir[i];
		const struct ccm_dir_entry *e = &d->entries[i];

		snprintf(t->where, sizeof(t->where), "directory.exp entry %zu '%s'",
			 i + 1, w->name);
		str_eq(t, "name", w->name, e->name);
		int_eq(t, "location", w->location, e->location);
		str_eq(t, "addr", w->addr, e->addr);
		str_eq(t, "comments", w->comments, e->comments);
		str_eq(t, "fan", w->fan, e->fan);
		int_eq(t, "extra keywords", w->extra_key ? 1 : 0, (long long)e->n_extra);
		if (w->extra_key && e->n_extra) {
			str_eq(t, "extra key", w->extra_key, e->extra[0].key);
			str_eq(t, "extra value", w->extra_value, e->extra[0].value);
		}
		int_eq(t, "duplicate", w->duplicate, d->duplicate[i] ? 1 : 0);
		if ((w->location == 'L' || w->location == 'R') && !w->duplicate)
			int_eq(t, "has Mailbox:", w->box >= 0,
			       ccm_bundle_mailbox(t->b, w->name) != NULL);
	}
	snprintf(t->where, sizeof(t->where), "lists.exp");
	int_eq(t, "lists", (long long)t->g->n_lists, (long long)t->b->lists.len);
	for (size_t i = 0; i < t->g->n_lists && i < t->b->lists.len; i++)
		check_list(t, &t->g->lists[i], &t->b->lists.v[i]);
}

static void check_pabs(struct rt *t)
{
	for (size_t i = 0; i < t->g->n_pabs; i++) {
		const struct ccm_gen_pab *w = &t->g->pabs[i];
		const struct ccm_manifest_entry *e = ccm_bundle_private(t->b, w->owner);
		struct ccm_pab p = { 0 };
		struct ccm_error err = { 0, "" };

		snprintf(t->where, sizeof(t->where), "%s", w->path);
		if (!e) {
			diff(t, "Private:", "no entry for '%s'", w->owner);
			continue;
		}
		if (ccm_bundle_read_pab(&p, t->b, e, &err) < 0) {
			diff(t, "read", "%s", err.msg);
			continue;
		}
		int_eq(t, "entries", (long long)w->n_entries, (long long)p.n_entries);
		for (size_t j = 0; j < w->n_entries && j < p.n_entries; j++) {
			str_eq(t, "entry name", w->entries[j].name, p.entries[j].name);
			str_eq(t, "entry addr", w->entries[j].addr, p.entries[j].addr);
			str_eq(t, "entry comments", w->entries[j].comments,
			       p.entries[j].comments);
		}
		int_eq(t, "lists", (long long)w->n_lists, (long long)p.n_lists);
		for (size_t j = 0; j < w->n_lists && j < p.n_lists; j++)
			check_list(t, &w->lists[j], &p.lists[j]);
		ccm_pab_release(&p);
	}
}

/* ---- messages ---- */

static void check_addr(struct rt *t, const char *field,
		       const struct ccm_gen_addr *w, const struct ccm_addr *a)
{
	char f[64];

	if (!w->empty_name) {
		snprintf(f, sizeof(f), "%s raw", field);
		str_eq(t, f, w->text, a->raw);
	}
	snprintf(f, sizeof(f), "%s '%s' kind", field, w->text);
	int_eq(t, f, w->kind, a->kind);
	snprintf(f, sizeof(f), "%s '%s' name", field, w->text);
	str_eq(t, f, w->name, a->name);
	if (w->po) {
		snprintf(f, sizeof(f), "%s '%s' po", field, w->text);
		str_eq(t, f, w->po, a->po);
	}
	if (w->kind == CCM_ADDR_FOREIGN) {
		snprintf(f, sizeof(f), "%s '%s' ftype", field, w->text);
		str_eq(t, f, w->ftype, a->ftype);
	}
	if (w->kind == CCM_ADDR_FOREIGN || w->kind == CCM_ADDR_EXTENDED) {
		snprintf(f, sizeof(f), "%s '%s' faddr", field, w->text);
		str_eq(t, f, w->faddr, a->faddr);
	}
	if (w->kind == CCM_ADDR_USER && !w->empty_name) {
		snprintf(f, sizeof(f), "%s '%s' resolved", field, w->text);
		int_eq(t, f, w->resolved, a->resolved);
	}
}

static void check_addrs(struct rt *t, const char *field,
			const struct ccm_gen_addr *w, size_t n,
			const struct ccm_addrlist *l)
{
	char f[32];

	snprintf(f, sizeof(f), "%s count", field);
	int_eq(t, f, (long long)n, (long long)l->len);
	for (size_t i = 0; i < n && i < l->len; i++)
		check_addr(t, field, &w[i], &l->v[i]);
}

static void check_date(struct rt *t, const char *field,
		       const struct ccm_date *w, const struct ccm_date *d)
{
	char f[48];

#define DF(x) snprintf(f, sizeof(f), "%s " #x, field); int_eq(t, f, w->x, d->x)
	DF(year); DF(month); DF(day); DF(hour); DF(minute); DF(second);
	DF(flags); DF(utc); DF(utc_offset);
#undef DF
}

static void check_msg(struct rt *t, const struct ccm_gen_msg *w,
		      const struct ccm_message *m);

/* Reads the current item's data to the end and compares it with the model. */
static void check_data(struct rt *t, const struct ccm_gen_item *w)
{
	static unsigned char got[70000], want[70000];
	struct ccm_error err = { 0, "" };
	uint64_t off = 0;
	/* Odd piece sizes cross every boundary of the reader's buffers. */
	size_t piece = 1 + (size_t)(w->index * 7919 % 65536);

	for (;;) {
		ssize_t n = ccm_msgfile_read(t->f, got, piece, &err);
		long long k;

		if (n < 0) {
			diff(t, "read", "error %zd: %s", n, err.msg);
			return;
		}
		k = n ? ccm_gen_item_read(t->g, w, off, want, (size_t)n) : 0;
		if (n == 0) {
			k = ccm_gen_item_read(t->g, w, off, want, 1);
			if (k != 0)
				diff(t, "data", "ends at byte %llu, expected more",
				     (unsigned long long)off);
			break;
		}
		if (k != n || memcmp(got, want, (size_t)n)) {
			size_t i = 0;

			while (i < (size_t)k && i < (size_t)n && got[i] == want[i])
				i++;
			diff(t, "data", "differs at byte %llu (expected 0x%02x, "
			     "got 0x%02x; %lld bytes expected in this piece, "
			     "%zd read)", (unsigned long long)(off + i),
			     i < (size_t)k ? want[i] : 0, i < (size_t)n ? got[i] : 0,
			     k, n);
			return;
		}
		off += (uint64_t)n;
		t->bytes += n;
	}
}

static int name_expected(enum ccm_item_kind k)
{
	return k != CCM_ITEM_TEXT && k != CCM_ITEM_MESSAGE;
}

static void check_item(struct rt *t, const struct ccm_gen_item *w,
		       const struct ccm_item *it)
{
	int_eq(t, "item kind", w->kind, it->kind);
	int_eq(t, "item index", w->index, it->index);
	str_eq(t, "item keyword", w->keyword, it->keyword);
	str_eq(t, "item title", w->title, it->title);
	if (name_expected(w->kind))
		str_eq(t, "item name", w->name, it->name);
	if (w->kind == CCM_ITEM_FILE) {
		int_eq(t, "item has_file_date", w->has_file_date, it->has_file_date);
		if (w->has_file_date && it->has_file_date)
			check_date(t, "item file_date", &w->file_date, &it->file_date);
	}
	if (name_expected(w->kind)) {
		t->attachments++;
		int_eq(t, "item encoding", t->g->opts.encoding, it->encoding);
		if (t->g->opts.encoding == CCM_ENC_MACBIN2)
			int_eq(t, "item macbinary", w->macbinary, it->macbinary);
		if (w->macbinary && it->macbinary) {
			str_eq(t, "item mac_type", w->mac_type, it->mac_type);
			str_eq(t, "item mac_creator", w->mac_creator, it->mac_creator);
		}
		if (it->size >= 0)
			int_eq(t, "item size", (long long)w->size, it->size);
	}
	if (w->kind == CCM_ITEM_MESSAGE) {
		const struct ccm_message *nm;
		struct ccm_error err = { 0, "" };
		int rc = ccm_msgfile_enter(t->f, &nm, &err);

		if (rc < 0) {
			diff(t, "enter", "error %d: %s", rc, err.msg);
		} else if (rc == 1) {
			char save[256];

			memcpy(save, t->where, sizeof(save));
			snprintf(t->where + strlen(t->where),
				 sizeof(t->where) - strlen(t->where),
				 " > item %ld", w->index);
			check_msg(t, w->message, nm);
			memcpy(t->where, save, sizeof(save));
		} else if (w->message->depth < 8) {
			diff(t, "enter", "refused at depth %d", w->message->depth);
		} else {
			/* Past the reader's limit: the nested block, raw. */
			check_data(t, w);
		}
		return;
	}
	check_data(t, w);
}

static void check_msg(struct rt *t, const struct ccm_gen_msg *w,
		      const struct ccm_message *m)
{
	t->landed |= w->defects;
	str_eq(t, "from", w->from, m->from_text);
	if (w->from && m->from_text)
		check_addr(t, "from", &w->from_addr, &m->from);
	check_addrs(t, "to", w->to, w->n_to, &m->to);
	check_addrs(t, "cc", w->cc, w->n_cc, &m->cc);
	check_addrs(t, "bcc", w->bcc, w->n_bcc, &m->bcc);
	str_eq(t, "subject", w->subject, m->subject);
	str_eq(t, "date text", w->date_text, m->date_text);
	int_eq(t, "date state", w->date_state, m->date_state);
	if (w->date_state == CCM_DATE_OK && m->date_state == CCM_DATE_OK)
		check_date(t, "date", &w->date, &m->date);
	str_eq(t, "folder", w->folder, m->folder);
	int_eq(t, "priority", w->priority, m->priority);
	int_eq(t, "receipt", w->receipt, m->receipt);
	int_eq(t, "status", w->status, m->status);
	int_eq(t, "extra headers", (long long)w->n_extra, (long long)m->n_extra);
	for (size_t i = 0; i < w->n_extra && i < m->n_extra; i++) {
		str_eq(t, "extra key", w->extra[i].key, m->extra[i].key);
		str_eq(t, "extra value", w->extra[i].value, m->extra[i].value);
	}
	if (w->truncated)
		return;   /* the cut one: headers only */
	for (size_t i = 0;; i++) {
		const struct ccm_item *it;
		struct ccm_error err = { 0, "" };
		int rc = ccm_msgfile_next_item(t->f, &it, &err);

		if (rc < 0) {
			diff(t, "next_item", "error %d: %s", rc, err.msg);
			return;
		}
		if (rc == 0) {
			if (i < w->n_items)
				diff(t, "items", "expected %zu, got %zu", w->n_items, i);
			return;
		}
		if (i >= w->n_items) {
			diff(t, "items", "expected %zu, got one more ('%s:')",
			     w->n_items, it->keyword);
			continue;
		}
		t->items++;
		t->item_landed |= w->items[i].defects;
		if (w->items[i].defects & (CCM_GEN_D_BIT(CCM_GEN_D_MISSING_COUNT) |
					   CCM_GEN_D_BIT(CCM_GEN_D_BLANK_COUNT) |
					   CCM_GEN_D_BIT(CCM_GEN_D_ZERO_COUNT) |
					   CCM_GEN_D_BIT(CCM_GEN_D_WRONG_COUNT)))
			t->expect_fallbacks++;
		check_item(t, &w->items[i], it);
	}
}

static int each_message(void *ctx, const struct ccm_gen_msg *w)
{
	struct rt *t = ctx;
	const struct ccm_message *m;
	struct ccm_error err = { 0, "" };
	int rc = ccm_msgfile_next(t->f, &m, &err);

	snprintf(t->where, sizeof(t->where), "%s message %ld", t->file, w->number);
	if (rc < 0) {
		diff(t, "next", "error %d: %s", rc, err.msg);
		return -1;
	}
	if (rc == 0) {
		diff(t, "next", "the file ended before message %ld", w->number);
		return -1;
	}
	int_eq(t, "number", w->number, m->number);
	t->messages++;
	check_msg(t, w, m);
	return 0;
}

static void check_box(struct rt *t, size_t bi)
{
	const struct ccm_gen_box *x = &t->g->boxes[bi];
	const struct ccm_manifest_entry *e = NULL;
	struct ccm_error err = { 0, "" };
	const struct ccm_message *m;

	t->file = x->path;
	snprintf(t->where, sizeof(t->where), "%s", x->path);
	if (x->kind == CCM_GEN_MAILBOX) {
		e = ccm_bundle_mailbox(t->b, x->name);
	} else {
		for (size_t i = 0; i < t->b->manifest.n_boards; i++)
			if (!strcmp(t->b->manifest.boards[i].name, x->name))
				e = &t->b->manifest.boards[i];
	}
	if (!x->in_directory)
		return;   /* checked through the report */
	if (!e) {
		diff(t, "manifest", "no entry for '%s'", x->name);
		return;
	}
	if (ccm_bundle_open_messages(&t->f, t->b, e, &err) < 0) {
		diff(t, "open", "%s", err.msg);
		return;
	}
	t->expect_fallbacks = 0;
	if (ccm_gen_messages(t->g, bi, each_message, t) == 0 &&
	    ccm_msgfile_next(t->f, &m, &err) != 0) {
		snprintf(t->where, sizeof(t->where), "%s", x->path);
		diff(t, "messages", "more than the %ld expected", x->n_messages);
	}
	if (ccm_msgfile_fallbacks(t->f) < t->expect_fallbacks) {
		snprintf(t->where, sizeof(t->where), "%s", x->path);
		diff(t, "fallbacks", "expected at least %ld, got %ld",
		     t->expect_fallbacks, ccm_msgfile_fallbacks(t->f));
	}
	ccm_msgfile_close(t->f);
	t->f = NULL;
}

static void run_one(const struct shape *sh);

/*
 * CCMIG_ROUNDTRIP_SEEDS=N runs each shape with N more seeds (for soak
 * runs; the suite runs one seed per shape).
 */
static void run_shape(const struct shape *sh)
{
	const char *env = getenv("CCMIG_ROUNDTRIP_SEEDS");
	long extra = env ? strtol(env, NULL, 10) : 0;

	for (long k = 0; k <= extra; k++) {
		struct shape s2 = *sh;

		s2.seed = sh->seed + (uint64_t)k * 1000;
		run_one(&s2);
	}
}

static void run_one(const struct shape *sh)
{
	struct ccm_gen_opts o;
	struct ccm_error err = { 0, "" };
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0 } };
	struct ccm_gen_stats st;
	struct rt t;
	char *dir = tu_mkdtemp();

	memset(&t, 0, sizeof(t));
	t.sh = sh;
	ccm_gen_opts_init(&o);
	o.seed = sh->seed;
	o.users = 8;
	o.messages = 8;
	o.max_attachment = 300000;
	o.attachment_share = 0.3;
	o.encoding = sh->enc;
	o.item_sizes = sh->item_sizes;
	o.code_page = sh->code_page;
	o.date_order = sh->order;
	o.defects = sh->defects;
	if (sh->zone)
		o.time_zone = sh->zone;
	if (ccm_gen_new(&t.g, &o, &err) || ccm_gen_write(t.g, dir, 0, &st, &err))
		fail_msg("[%s] generating: %s", sh->what, err.msg);
	assert_int_equal(st.replaced, 0);
	if (ccm_bundle_open(&t.b, dir, &rep, &err))
		fail_msg("[%s] ccm_bundle_open: %s", sh->what, err.msg);

	check_directory(&t);
	check_pabs(&t);
	for (size_t i = 0; i < t.g->n_boxes; i++)
		check_box(&t, i);
	for (int d = 0; d < CCM_GEN_D_COUNT; d++) {
		/* The report kinds the reader gives each defect. */
		static const char *const kinds[CCM_GEN_D_COUNT] = {
			"count-fallback", "count-fallback", "count-fallback",
			"count-fallback", "impossible-date", "no-date",
			"unknown-header", "missing-contents", NULL, NULL,
			"empty-name", "unknown-item", "not-macbinary", NULL,
			"duplicate-name", "mailbox-not-in-directory",
			"nesting-too-deep", NULL
		};
		int counted = d <= CCM_GEN_D_WRONG_COUNT ||
			      d == CCM_GEN_D_MISSING_CONTENTS ||
			      d == CCM_GEN_D_DEEP_NESTING ||
			      d == CCM_GEN_D_TRUNCATED;

		unsigned landed = d <= CCM_GEN_D_WRONG_COUNT ? t.item_landed
			: d >= CCM_GEN_D_DUPLICATE_NAMES &&
			  d != CCM_GEN_D_DEEP_NESTING ? sh->defects : t.landed;

		if (!(landed & CCM_GEN_D_BIT(d)) || !kinds[d] ||
		    (counted && !sh->item_sizes) ||
		    (d == CCM_GEN_D_BAD_MACBINARY && sh->enc != CCM_ENC_MACBIN2))
			continue;
		snprintf(t.where, sizeof(t.where), "report");
		if (!ccm_diaglist_count(&diags, kinds[d]))
			diff(&t, ccm_gen_defect_name(d), "nothing reported as '%s'",
			     kinds[d]);
	}
	for (size_t i = 0; i < t.g->n_boxes; i++) {
		/* The cut message is reported as cut, not as a wrong count. */
		const struct ccm_gen_box *x = &t.g->boxes[i];
		int seen = 0;

		/* Without counts a cut text is just a shorter text. */
		if (!x->truncated || !sh->item_sizes)
			continue;
		for (size_t k = 0; k < diags.len; k++)
			seen |= !strcmp(diags.items[k].kind, "truncated") &&
				diags.items[k].message == x->n_messages &&
				diags.items[k].file &&
				strstr(diags.items[k].file, x->path);
		snprintf(t.where, sizeof(t.where), "%s", x->path);
		if (!seen)
			diff(&t, "truncated", "nothing reported for message %ld",
			     x->n_messages);
	}
	if (!sh->defects && rep.counts[CCM_WARNING] + rep.counts[CCM_ERROR]) {
		char line[1024];

		snprintf(t.where, sizeof(t.where), "report");
		for (size_t i = 0; i < diags.len; i++)
			if (diags.items[i].severity >= CCM_WARNING &&
			    strcmp(diags.items[i].kind, "unresolved-address")) {
				ccm_diag_format(line, sizeof(line), &diags.items[i]);
				diff(&t, "unexpected warning", "%s", line);
			}
	}
	if (sh->defects) {
		/* What the reader reported, by kind. */
		fprintf(stderr, "[%s] reported:", sh->what);
		for (size_t i = 0; i < diags.len; i++) {
			size_t j = 0;

			while (j < i && strcmp(diags.items[j].kind, diags.items[i].kind))
				j++;
			if (j == i)
				fprintf(stderr, " %s=%zu", diags.items[i].kind,
					ccm_diaglist_count(&diags, diags.items[i].kind));
		}
		fputc('\n', stderr);
	}
	fprintf(stderr, "[%s] %ld messages, %ld items, %ld attachments, "
		"%lld data bytes compared; %ld differences\n", sh->what,
		t.messages, t.items, t.attachments, t.bytes, t.diffs);

	ccm_bundle_free(t.b);
	ccm_gen_free(t.g);
	ccm_diaglist_release(&diags);
	tu_rmtree(dir);
	free(dir);
	if (t.diffs)
		fail_msg("[%s seed %llu] %ld differences between the model and "
			 "the reader", sh->what, (unsigned long long)sh->seed,
			 t.diffs);
}

#define SHAPE_TEST(fn, ...) \
	static void fn(void **state) \
	{ \
		static const struct shape sh = { __VA_ARGS__ }; \
		(void)state; \
		run_shape(&sh); \
	}

SHAPE_TEST(macbin2_counts_cp850_mdy,
	   1, CCM_ENC_MACBIN2, 1, 850, CCM_DATE_MDY, 0, "macbin2 850 MDY", NULL)
SHAPE_TEST(hex_counts_cp1252_dmy,
	   2, CCM_ENC_HEX, 1, 1252, CCM_DATE_DMY, 0, "hex 1252 DMY Paris",
	   "Europe/Paris")
SHAPE_TEST(raw_counts_cp932_ymd,
	   3, CCM_ENC_RAW, 1, 932, CCM_DATE_YMD, 0, "raw 932 YMD Tokyo",
	   "Asia/Tokyo")
SHAPE_TEST(hex_no_counts_cp850_mdy,
	   4, CCM_ENC_HEX, 0, 850, CCM_DATE_MDY, 0, "hex no-sizes 850 MDY", NULL)
SHAPE_TEST(hex_no_counts_cp932_dmy,
	   5, CCM_ENC_HEX, 0, 932, CCM_DATE_DMY, 0, "hex no-sizes 932 DMY UTC",
	   "UTC")
SHAPE_TEST(macbin2_cp932_mdy,
	   9, CCM_ENC_MACBIN2, 1, 932, CCM_DATE_MDY, 0, "macbin2 932 MDY", NULL)
SHAPE_TEST(macbin2_all_defects,
	   6, CCM_ENC_MACBIN2, 1, 850, CCM_DATE_MDY, CCM_GEN_D_ALL,
	   "macbin2 850 MDY all defects", NULL)
SHAPE_TEST(raw_all_defects_cp1252_ymd,
	   7, CCM_ENC_RAW, 1, 1252, CCM_DATE_YMD, CCM_GEN_D_ALL,
	   "raw 1252 YMD all defects", NULL)
SHAPE_TEST(hex_no_counts_all_defects,
	   8, CCM_ENC_HEX, 0, 1252, CCM_DATE_YMD, CCM_GEN_D_ALL,
	   "hex no-sizes 1252 YMD all defects", NULL)
SHAPE_TEST(hex_counts_cp932_all_defects,
	   10, CCM_ENC_HEX, 1, 932, CCM_DATE_DMY, CCM_GEN_D_ALL,
	   "hex 932 DMY all defects", NULL)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(macbin2_counts_cp850_mdy),
		cmocka_unit_test(hex_counts_cp1252_dmy),
		cmocka_unit_test(raw_counts_cp932_ymd),
		cmocka_unit_test(hex_no_counts_cp850_mdy),
		cmocka_unit_test(hex_no_counts_cp932_dmy),
		cmocka_unit_test(macbin2_cp932_mdy),
		cmocka_unit_test(macbin2_all_defects),
		cmocka_unit_test(raw_all_defects_cp1252_ymd),
		cmocka_unit_test(hex_no_counts_all_defects),
		cmocka_unit_test(hex_counts_cp932_all_defects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
