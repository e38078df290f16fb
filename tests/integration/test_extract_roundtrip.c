/* test_extract_roundtrip.c: generated post office -> extract -> the iff
 * reader gives back every message, recipient, date, flag and attachment
 * byte of the model. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "ccmail/bundle.h"
#include "ccmail/decode.h"
#include "gen/gen.h"
#include "iff/csv.h"
#include "iff/extract.h"
#include "iff/placing.h"
#include "iff/reader.h"

struct shape {
	const char *label;
	enum ccm_attach_enc enc;
	int item_sizes;
	int code_page;
	enum ccm_date_order order;
	const char *zone;
	unsigned defects;
};

struct t {
	const struct shape *sh;
	struct ccm_gen *g;
	struct ccm_iff_set *set;
	struct ccm_iff_pri *pri;
	struct ccm_buf text, want;
	unsigned long diffs, messages, attachments;
	unsigned long long bytes;
	char where[256];
};

static void diff(struct t *t, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void diff(struct t *t, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (t->diffs++ < 20) {
		fprintf(stderr, "[%s] %s: %s: ", t->sh->label, t->where, what);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}

static int r8_folder(const char *folder)
{
	int r8;
	struct ccm_buf b = CCM_BUF_INIT;

	ccm_placing_folder(&b, NULL, folder, &r8);
	ccm_buf_release(&b);
	return r8;
}

/* The body extract writes: text items in order, titles as lines. */
static void expected_body(const struct ccm_gen_msg *m, struct ccm_buf *out)
{
	ccm_buf_reset(out);
	for (size_t i = 0; i < m->n_items; i++) {
		const struct ccm_gen_item *it = &m->items[i];
		if (it->kind != CCM_ITEM_TEXT)
			continue;
		if (*it->title) {
			ccm_buf_adds(out, it->title);
			ccm_buf_adds(out, "\r\n");
		}
		ccm_buf_add(out, it->text, it->text_len);
	}
}

/* Compares an Attachment section's data with the item's bytes. */
static void compare_attachment(struct t *t, struct ccm_iff_chain *c,
			       const struct ccm_iff_secsect *s,
			       const struct ccm_gen_item *it)
{
	static char got[65536], want[65536];
	unsigned long long at = 0, skip = 0, limit = (unsigned long long)-1;
	struct ccm_error err;
	ssize_t n;

	if (s->macbinary) {
		/* The whole MacBinary file: its data fork is the item's bytes. */
		struct ccm_macbin mb;
		unsigned char hdr[128];
		if (ccm_iff_chain_read(c, hdr, 128, &err) != 128 ||
		    ccm_macbin_parse(&mb, hdr) < 0) {
			diff(t, "macbinary", "section '%s' has no valid header", s->name);
			return;
		}
		limit = mb.dfork;
		if (strncmp(mb.type, it->mac_type, 4) || strncmp(mb.creator, it->mac_creator, 4))
			diff(t, "mac type", "'%s' lost its type or creator", s->name);
	}
	while ((n = ccm_iff_chain_read(c, got, sizeof(got), &err)) > 0) {
		size_t use = (size_t)n;
		if (skip + use > limit)
			use = limit > skip ? (size_t)(limit - skip) : 0;
		skip += (unsigned long long)n;
		if (use == 0)
			continue;
		if (ccm_gen_item_read(t->g, it, at, want, use) != (long long)use ||
		    memcmp(got, want, use) != 0) {
			diff(t, "attachment bytes", "'%s' differs near byte %llu", s->name, at);
			return;
		}
		at += use;
	}
	if (at != (it->kind == CCM_ITEM_MESSAGE ? at : it->size))
		diff(t, "attachment size", "'%s' has %llu bytes, model %llu", s->name, at,
		     (unsigned long long)it->size);
	t->bytes += at;
	t->attachments++;
}

static void compare_message(struct t *t, const struct ccm_gen_msg *m,
			    const struct ccm_iff_row *row, const char *board)
{
	struct ccm_buf folder = CCM_BUF_INIT;
	struct ccm_csv_line list;
	struct ccm_iff_chain *c = NULL;
	const struct ccm_iff_secsect *s;
	struct ccm_error err;
	size_t k = 0;
	int r8, b, prio;

	ccm_csv_line_init(&list);
	if (board) {
		ccm_buf_reset(&folder);
		ccm_buf_addf(&folder, "Lotus cc:Mail Bulletin Boards\\%s", board);
	} else {
		ccm_placing_folder(&folder, NULL, m->folder, &r8);
	}
	if (strcmp(ccm_iff_row_get(row, CCM_IFF_COL_FOLDER, NULL), folder.ptr))
		diff(t, "folder", "'%s', model '%s'",
		     ccm_iff_row_get(row, CCM_IFF_COL_FOLDER, NULL), folder.ptr);
	ccm_iff_row_text(&t->text, t->pri, CCM_IFF_COL_SUBJECT, 1 << 20, &err);
	if (strcmp(t->text.ptr, m->subject ? m->subject : ""))
		diff(t, "subject", "'%s', model '%s'", t->text.ptr, m->subject);
	if (m->date_state == CCM_DATE_OK) {
		struct ccm_date d;
		char stamp[15], want[15];
		ccm_iff_row_date(&d, t->pri, CCM_IFF_COL_SEND_DATE, NULL);
		ccm_date_stamp14(stamp, d.utc, 0);
		ccm_date_stamp14(want, m->date.utc, m->date.utc_offset);
		if (strcmp(stamp, want))
			diff(t, "date", "%s, model %s", stamp, want);
	} else if (*ccm_iff_row_get(row, CCM_IFF_COL_SEND_DATE, NULL)) {
		diff(t, "date", "undated message written with a date");
	}
	ccm_iff_row_priority(&prio, t->pri);
	if (prio != (m->priority == CCM_PRIO_URGENT ? 1 : m->priority == CCM_PRIO_LOW ? -1 : 0))
		diff(t, "priority", "%d", prio);
	ccm_iff_row_bool(&b, t->pri, CCM_IFF_COL_UNREAD, 0);
	if (b != !!(m->status & CCM_STATUS_UNREAD))
		diff(t, "unread", "%d", b);
	ccm_iff_row_bool(&b, t->pri, CCM_IFF_COL_UNSENT, 0);
	if (b != ((m->status & CCM_STATUS_DRAFT) || !strcmp(folder.ptr, "Drafts")))
		diff(t, "unsent", "%d", b);
	{
		const enum ccm_iff_col cols[3] = { CCM_IFF_COL_TO, CCM_IFF_COL_CC, CCM_IFF_COL_BCC };
		const size_t want[3] = { m->n_to, m->n_cc, m->n_bcc };
		for (int i = 0; i < 3; i++) {
			list.n = 0;
			int n = ccm_iff_row_multi(&list, t->pri, cols[i]);
			if (n != (int)want[i])
				diff(t, "recipients", "%d in %s, model %zu", n,
				     ccm_iff_col_name(cols[i]), want[i]);
		}
	}
	if (ccm_iff_row_chain(&c, t->pri, CCM_IFF_COL_BODY, &err) != 0) {
		diff(t, "body", "the chain does not open");
		goto out;
	}
	if (ccm_iff_chain_next(c, &s) != 1 || s->type != CCM_IFF_BODY) {
		diff(t, "body", "no Body section first");
		goto out;
	}
	ccm_buf_reset(&t->text);
	while (ccm_iff_chain_read_utf8(&t->text, c, 65536, &err) > 0)
		;
	expected_body(m, &t->want);
	if (t->text.len != t->want.len || memcmp(t->text.ptr, t->want.ptr, t->want.len))
		diff(t, "body", "%zu bytes, model %zu", t->text.len, t->want.len);
	for (size_t i = 0; i < m->n_items; i++) {
		const struct ccm_gen_item *it = &m->items[i];
		if (it->kind == CCM_ITEM_TEXT)
			continue;
		if (ccm_iff_chain_next(c, &s) != 1 || s->type != CCM_IFF_ATTACHMENT) {
			diff(t, "attachments", "item %zu has no section", i + 1);
			goto out;
		}
		k++;
		if (it->kind == CCM_ITEM_MESSAGE) {
			ccm_buf_reset(&t->want);
			ccm_buf_adds(&t->want, *it->title ? it->title : "Forwarded message");
			ccm_buf_adds(&t->want, ".ccm");
		} else {
			ccm_buf_set(&t->want, it->name, strlen(it->name));
		}
		if (strcmp(s->name, t->want.ptr))
			diff(t, "attachment name", "'%s', model '%s'", s->name, t->want.ptr);
		if (!m->truncated)
			compare_attachment(t, c, s, it);
	}
	if (ccm_iff_chain_next(c, &s) != 0)
		diff(t, "attachments", "more sections than the model's %zu", k);
out:
	ccm_iff_chain_free(c);
	ccm_csv_line_release(&list);
	ccm_buf_release(&folder);
	t->messages++;
}

struct box_walk {
	struct t *t;
	const char *board;
};

static int walk_box(void *ctx, const struct ccm_gen_msg *m)
{
	struct box_walk *w = ctx;
	const struct ccm_iff_row *row;
	struct ccm_error err;

	if (!w->board && r8_folder(m->folder))
		return 0;                       /* skipped and reported */
	if (ccm_iff_pri_next_row(w->t->pri, &row, &err) != 1) {
		diff(w->t, "messages", "message %ld has no row", m->number);
		return -1;
	}
	compare_message(w->t, m, row, w->board);
	return 0;
}

static void run_shape(const struct shape *sh, uint64_t seed)
{
	struct t t = { .sh = sh };
	struct ccm_gen_opts o;
	struct ccm_error err;
	struct ccm_diaglist diags = { 0 };
	struct ccm_report rep = { ccm_diaglist_sink, &diags, { 0, 0, 0 } };
	struct ccm_extract_opts xo = { .code_page = sh->code_page };
	struct ccm_extract_stats st;
	struct ccm_bundle *b;
	char *dir = tu_mkdtemp(), *po = tu_path(dir, "po"), *out = tu_path(dir, "set");
	char pkl[4200];
	size_t user = 0;

	ccm_gen_opts_init(&o);
	o.seed = seed;
	o.users = 9;
	o.messages = 7;
	o.encoding = sh->enc;
	o.item_sizes = sh->item_sizes;
	o.code_page = sh->code_page;
	o.date_order = sh->order;
	o.time_zone = sh->zone;
	o.defects = sh->defects;
	o.max_attachment = 200000;
	ccm_buf_init(&t.text);
	ccm_buf_init(&t.want);
	assert_int_equal(ccm_gen_new(&t.g, &o, &err), 0);
	assert_int_equal(ccm_gen_write(t.g, po, 0, NULL, &err), 0);
	assert_int_equal(ccm_bundle_open(&b, po, &rep, &err), 0);
	if (ccm_extract(b, out, &xo, &st, &err) != 0)
		fail_msg("[%s] extract: %s", sh->label, err.msg);
	ccm_bundle_free(b);
	snprintf(pkl, sizeof(pkl), "%s/%s", out, st.pkl);
	assert_int_equal(ccm_iff_set_open(&t.set, pkl, &rep, &err), 0);

	/* Primaries: Directory.pri, then one per migrated user in order. */
	for (size_t i = 0; i < t.g->n_dir; i++) {
		const struct ccm_gen_dirent *e = &t.g->dir[i];
		const struct ccm_iff_section *sec;
		struct box_walk w = { &t, NULL };

		if (e->duplicate || (e->location != 'L' && e->location != 'R'))
			continue;
		user++;
		snprintf(t.where, sizeof(t.where), "user %s", e->name);
		assert_int_equal(ccm_iff_pri_open(&t.pri, t.set, user, &err), 0);
		do
			assert_int_equal(ccm_iff_pri_next_section(t.pri, &sec, &err), 1);
		while (sec->kind != CCM_IFF_MAILMESSAGE);
		ccm_buf_reset(&t.want);
		ccm_buf_addf(&t.want, "CCMAIL:%s at %s", e->name, t.g->post_office);
		if (strcmp(sec->address, t.want.ptr))
			diff(&t, "section", "'%s', want '%s'", sec->address, t.want.ptr);
		if (e->box >= 0 && t.g->boxes[e->box].in_directory)
			ccm_gen_messages(t.g, (size_t)e->box, walk_box, &w);
		{
			const struct ccm_iff_row *row;
			if (ccm_iff_pri_next_row(t.pri, &row, &err) != 0)
				diff(&t, "messages", "more rows than the model has messages");
		}
		ccm_iff_pri_close(t.pri);
	}
	assert_int_equal(user, st.users);
	/* Bulletin boards: Public.pri, the last primary, one section. */
	if (st.boards) {
		const struct ccm_iff_section *sec;
		const struct ccm_iff_row *row;

		snprintf(t.where, sizeof(t.where), "Public.pri");
		assert_int_equal(ccm_iff_pri_open(&t.pri, t.set, user + 1, &err), 0);
		assert_int_equal(ccm_iff_pri_next_section(t.pri, &sec, &err), 1);
		assert_true(sec->is_public);
		for (size_t i = 0; i < t.g->n_boxes; i++) {
			struct box_walk w = { &t, t.g->boxes[i].name };
			if (t.g->boxes[i].kind == CCM_GEN_BOARD)
				ccm_gen_messages(t.g, i, walk_box, &w);
		}
		if (ccm_iff_pri_next_row(t.pri, &row, &err) != 0)
			diff(&t, "boards", "more rows than the boards have messages");
		ccm_iff_pri_close(t.pri);
	}
	fprintf(stderr, "[%s seed %llu] %zu users, %lu messages, %lu attachments, "
		"%llu bytes compared; %lu differences\n", sh->label,
		(unsigned long long)seed, user, t.messages, t.attachments, t.bytes, t.diffs);
	ccm_iff_set_close(t.set);
	ccm_gen_free(t.g);
	ccm_buf_release(&t.text);
	ccm_buf_release(&t.want);
	ccm_diaglist_release(&diags);
	tu_rmtree(dir);
	free(dir);
	free(po);
	free(out);
	if (t.diffs)
		fail_msg("[%s seed %llu] %lu differences", sh->label,
			 (unsigned long long)seed, t.diffs);
}

static const struct shape shapes[] = {
	{ "macbin2 1252 MDY", CCM_ENC_MACBIN2, 1, 1252, CCM_DATE_MDY, "America/New_York", 0 },
	{ "hex 850 DMY Paris", CCM_ENC_HEX, 1, 850, CCM_DATE_DMY, "Europe/Paris", 0 },
	{ "raw 932 YMD Tokyo", CCM_ENC_RAW, 1, 932, CCM_DATE_YMD, "Asia/Tokyo", 0 },
	{ "hex no-sizes 850", CCM_ENC_HEX, 0, 850, CCM_DATE_MDY, "UTC", 0 },
	{ "macbin2 1252 all defects", CCM_ENC_MACBIN2, 1, 1252, CCM_DATE_MDY,
	  "America/New_York", CCM_GEN_D_ALL },
	{ "raw 850 all defects", CCM_ENC_RAW, 1, 850, CCM_DATE_DMY, "UTC", CCM_GEN_D_ALL },
};

static void each_shape(void **state)
{
	const struct shape *sh = *state;
	const char *env = getenv("CCMIG_ROUNDTRIP_SEEDS");
	int extra = env ? atoi(env) : 0;

	for (int s = 0; s <= extra; s++)
		run_shape(sh, 100 + (uint64_t)s * 7919);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(shapes) / sizeof(shapes[0])];

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		tests[i] = (struct CMUnitTest)cmocka_unit_test(each_shape);
		tests[i].name = shapes[i].label;
		tests[i].initial_state = (void *)&shapes[i];
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
