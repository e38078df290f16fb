/* test_gen.c: the generator of synthetic post offices, checked on its own. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "gen/gen.h"
#include "ccmail/decode.h"

static struct ccm_gen *gen_new(struct ccm_gen_opts *o)
{
	struct ccm_gen *g;
	struct ccm_error err = { 0, "" };
	int rc = ccm_gen_new(&g, o, &err);

	if (rc)
		fail_msg("ccm_gen_new: %s", err.msg);
	return g;
}

static void small_opts(struct ccm_gen_opts *o)
{
	ccm_gen_opts_init(o);
	o->users = 8;
	o->messages = 8;
	o->max_attachment = 200000;
	o->attachment_share = 0.4;
}

static char *write_bundle(const struct ccm_gen_opts *o)
{
	struct ccm_gen_opts c = *o;
	struct ccm_gen *g = gen_new(&c);
	struct ccm_error err = { 0, "" };
	struct ccm_gen_stats st;
	char *dir = tu_mkdtemp();

	if (ccm_gen_write(g, dir, 1, &st, &err))
		fail_msg("ccm_gen_write: %s", err.msg);
	assert_int_equal(st.replaced, 0);
	ccm_gen_free(g);
	return dir;
}

static int same_tree(const char *a, const char *b)
{
	return tu_system("diff -rq '%s' '%s' >/dev/null 2>&1", a, b) == 0;
}

/* ---- an independent checker of byte counts (spec 2.2) ---- */

struct cur {
	const unsigned char *p;
	size_t n, i;
	const struct ccm_gen_opts *o;
	long items, macbin;
};

/* The next line [*s, *e) without its line end; moves past the line end. */
static void next_line(struct cur *c, size_t *s, size_t *e)
{
	*s = c->i;
	while (c->i < c->n && c->p[c->i] != '\n')
		c->i++;
	assert_true(c->i < c->n);
	*e = c->i > *s && c->p[c->i - 1] == '\r' ? c->i - 1 : c->i;
	c->i++;
}

static unsigned long long digits(const unsigned char *p, size_t n)
{
	unsigned long long v = 0;

	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(p[i] >= '0' && p[i] <= '9');
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	return v;
}

/* "Keyword:" then " N" on its line or N on the next line. */
static unsigned long long keyword_count(struct cur *c, const char *kw)
{
	size_t s, e, k = strlen(kw);

	next_line(c, &s, &e);
	assert_true(e - s >= k && !memcmp(c->p + s, kw, k));
	if (e - s > k) {
		assert_int_equal(c->p[s + k], ' ');
		return digits(c->p + s + k + 1, e - s - k - 1);
	}
	next_line(c, &s, &e);
	return digits(c->p + s, e - s);
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	       (unsigned long)p[2] << 8 | p[3];
}

static void check_file_data(struct cur *c, size_t at, size_t n)
{
	const unsigned char *d = c->p + at;

	if (c->o->encoding == CCM_ENC_HEX) {
		for (size_t i = 0; i < n; i++)
			assert_non_null(strchr("0123456789ABCDEF\r\n", d[i]));
		assert_true(n == 0 || (d[n - 2] == '\r' && d[n - 1] == '\n'));
	} else if (c->o->encoding == CCM_ENC_MACBIN2) {
		unsigned crc;
		unsigned long dl, rl;

		assert_true(n >= 128);
		crc = ccm_crc16_xmodem(d, 124);
		assert_int_equal(d[0], 0);
		assert_true(d[1] >= 1 && d[1] <= 63);
		assert_int_equal(d[122], 129);
		assert_int_equal(d[124], crc >> 8);
		assert_int_equal(d[125], crc & 0xff);
		dl = be32(d + 83);
		rl = be32(d + 87);
		assert_int_equal(n, 128 + ((dl + 127) & ~127UL) +
				    ((rl + 127) & ~127UL));
		c->macbin++;
	}
}

static unsigned long long check_message(struct cur *c)
{
	size_t start = c->i, s, e, body, items;
	unsigned long long mcount = keyword_count(c, "Message:"), ccount;

	body = c->i;
	for (;;) {
		size_t save = c->i;

		next_line(c, &s, &e);
		if (e - s >= 9 && !memcmp(c->p + s, "Contents:", 9)) {
			c->i = save;
			break;
		}
		assert_non_null(memchr(c->p + s, ':', e - s));
	}
	ccount = keyword_count(c, "Contents:");
	items = c->i;
	while (c->i < items + ccount) {
		size_t ks, ke;
		unsigned long long n;

		next_line(c, &ks, &ke);
		assert_non_null(memchr(c->p + ks, ':', ke - ks));
		next_line(c, &s, &e);
		n = digits(c->p + s, e - s);
		assert_true(c->i + n <= c->n);
		c->items++;
		if (ke - ks >= 13 && !memcmp(c->p + ks, "Message item:", 13)) {
			struct cur sub = *c;

			sub.n = c->i + n;
			assert_int_equal(check_message(&sub), n);
			c->items = sub.items;
			c->macbin = sub.macbin;
		} else if (ke - ks >= 10 && !memcmp(c->p + ks, "File item:", 10)) {
			check_file_data(c, c->i, n);
		}
		c->i += n;
		/* The optional line end is inside the Contents count. */
		if (c->i + 2 <= items + ccount && c->p[c->i] == '\r' &&
		    c->p[c->i + 1] == '\n')
			c->i += 2;
	}
	assert_int_equal(c->i, items + ccount);
	assert_int_equal(c->i - body, mcount);
	return c->i - start;
}

/* Walks a whole counted file: every count must land where it says. */
static long check_counts_file(const char *path, const struct ccm_gen_opts *o,
			      long *items, long *macbin)
{
	size_t n;
	char *data = tu_slurp(path, &n);
	struct cur c = { (const unsigned char *)data, n, 0, o, 0, 0 };
	long msgs = 0;

	assert_non_null(data);
	while (c.i < c.n) {
		if (c.p[c.i] == '\r' && c.i + 1 < c.n && c.p[c.i + 1] == '\n') {
			c.i += 2;   /* blank lines between messages */
			continue;
		}
		check_message(&c);
		msgs++;
	}
	*items += c.items;
	*macbin += c.macbin;
	free(data);
	return msgs;
}

/* ---- tests ---- */

static void same_seed_gives_identical_bytes(void **state)
{
	struct ccm_gen_opts o;
	char *a, *b, *c;

	(void)state;
	small_opts(&o);
	o.defects = CCM_GEN_D_ALL;
	a = write_bundle(&o);
	b = write_bundle(&o);
	assert_true(same_tree(a, b));
	o.seed = 2;
	c = write_bundle(&o);
	assert_false(same_tree(a, c));
	tu_rmtree(a);
	tu_rmtree(b);
	tu_rmtree(c);
	free(a);
	free(b);
	free(c);
}

static void message_made_twice_is_the_same(void **state)
{
	struct ccm_gen_opts o;
	struct ccm_gen *g;
	struct ccm_buf x = CCM_BUF_INIT, y = CCM_BUF_INIT;

	(void)state;
	small_opts(&o);
	g = gen_new(&o);
	for (size_t b = 0; b < g->n_boxes; b++)
		for (long i = g->boxes[b].n_messages; i >= 1; i--) {
			struct ccm_gen_msg *m1, *m2;

			assert_int_equal(ccm_gen_message(&m1, g, b, i), 0);
			assert_int_equal(ccm_gen_message(&m2, g, b, i), 0);
			ccm_buf_reset(&x);
			ccm_buf_reset(&y);
			assert_int_equal(ccm_gen_render(&x, g, m1), 0);
			assert_int_equal(ccm_gen_render(&y, g, m2), 0);
			assert_int_equal(x.len, y.len);
			assert_memory_equal(x.ptr, y.ptr, x.len);
			ccm_gen_msg_free(m1);
			ccm_gen_msg_free(m2);
		}
	ccm_buf_release(&x);
	ccm_buf_release(&y);
	ccm_gen_free(g);
}

/* The worked example of spec section 2.2, to the byte. */
static const char worked_example[] =
	"Message:\r\n196\r\n"
	"From: Grewal, Jeff at HUB\r\n"
	"Date: 6/2/98 8:39\r\n"
	"To: Admin at HUBPO2\r\n"
	"Subject: Another message\r\n"
	"Contents:\r\n88\r\n"
	"Text item:\r\n26\r\nThis is the message body\r\n\r\n"
	"File item: NOTE.TXT 6/1/98 5:02PM\r\n4\r\nhi\r\n\r\n"
	"Message:\r\n133\r\n"
	"From: Admin at HUBPO2\r\n"
	"Date: 6/3/98 9:00\r\n"
	"To: Grewal, Jeff at HUB\r\n"
	"Subject: Re: Another message\r\n"
	"Contents:\r\n21\r\n"
	"Text item:\r\n6\r\nThanks";

static void spec_worked_example_is_rendered_byte_for_byte(void **state)
{
	struct ccm_gen_opts o;
	struct ccm_gen *g;
	struct ccm_gen_msg *m1, *m2;
	struct ccm_gen_addr to1 = { .text = "Admin at HUBPO2", .newline = 1 };
	struct ccm_gen_addr to2 = { .text = "Grewal, Jeff at HUB", .newline = 1 };
	struct ccm_buf b = CCM_BUF_INIT;
	static const char body[] = "This is the message body\r\n";

	(void)state;
	ccm_gen_opts_init(&o);
	o.encoding = CCM_ENC_RAW;
	o.time_zone = "UTC";
	g = gen_new(&o);

	assert_int_equal(ccm_gen_msg_blank(&m1, g, 2), 0);
	m1->from = "Grewal, Jeff at HUB";
	m1->date_text = "6/2/98 8:39";
	m1->to = &to1;
	m1->n_to = 1;
	m1->subject = "Another message";
	m1->items[0].kind = CCM_ITEM_TEXT;
	m1->items[0].keyword = "Text item";
	m1->items[0].text = body;
	m1->items[0].text_len = sizeof(body) - 1;
	m1->items[1].kind = CCM_ITEM_FILE;
	m1->items[1].keyword = "File item";
	m1->items[1].title = "NOTE.TXT 6/1/98 5:02PM";
	assert_int_equal(ccm_gen_item_literal(m1, 1, "hi\r\n", 4), 0);

	assert_int_equal(ccm_gen_msg_blank(&m2, g, 1), 0);
	m2->from = "Admin at HUBPO2";
	m2->date_text = "6/3/98 9:00";
	m2->to = &to2;
	m2->n_to = 1;
	m2->subject = "Re: Another message";
	m2->items[0].kind = CCM_ITEM_TEXT;
	m2->items[0].keyword = "Text item";
	m2->items[0].text = "Thanks";
	m2->items[0].text_len = 6;
	m2->items[0].line_end = 0;

	assert_int_equal(ccm_gen_render(&b, g, m1), 0);
	assert_int_equal(b.len, 211);
	assert_int_equal(ccm_gen_render(&b, g, m2), 0);
	assert_int_equal(b.len, 359);
	assert_int_equal(b.len, sizeof(worked_example) - 1);
	assert_memory_equal(b.ptr, worked_example, b.len);
	/* The offsets the spec gives. */
	assert_memory_equal(b.ptr + 139, "This is", 7);
	assert_memory_equal(b.ptr + 205, "hi", 2);
	assert_memory_equal(b.ptr + 211, "Message:", 8);
	assert_memory_equal(b.ptr + 353, "Thanks", 6);

	ccm_buf_release(&b);
	ccm_gen_msg_free(m1);
	ccm_gen_msg_free(m2);
	ccm_gen_free(g);
}

static void macbinary_crc_is_xmodem(void **state)
{
	(void)state;
	/* The standard check value of CRC-16/XMODEM. */
	assert_int_equal(ccm_crc16_xmodem((const unsigned char *)"123456789", 9),
			 0x31c3);
	assert_int_equal(ccm_crc16_xmodem((const unsigned char *)"", 0), 0);
}

/* Every count of every file of a bundle with no defects adds up, in each
 * encoding; MacBinary headers are valid and their forks fill the count. */
static void counts_add_up_in_every_encoding(void **state)
{
	static const enum ccm_attach_enc encs[] = {
		CCM_ENC_MACBIN2, CCM_ENC_HEX, CCM_ENC_RAW
	};

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		struct ccm_gen_opts o;
		struct ccm_gen *g;
		char *dir;
		long items = 0, macbin = 0;

		small_opts(&o);
		o.encoding = encs[k];
		o.seed = 7 + k;
		o.code_page = k == 1 ? 932 : 850;
		dir = write_bundle(&o);
		g = gen_new(&o);
		for (size_t b = 0; b < g->n_boxes; b++) {
			char *path = tu_path(dir, g->boxes[b].path);

			assert_int_equal(check_counts_file(path, &o, &items, &macbin),
					 g->boxes[b].n_messages);
			free(path);
		}
		assert_true(items > 50);
		if (encs[k] == CCM_ENC_MACBIN2)
			assert_true(macbin > 3);
		ccm_gen_free(g);
		tu_rmtree(dir);
		free(dir);
	}
}

/* Each switch writes something, with the defaults (counts, MACBIN2). */
static void every_defect_switch_changes_the_output(void **state)
{
	struct ccm_gen_opts o;
	char *base;

	(void)state;
	small_opts(&o);
	o.users = 6;
	o.messages = 5;
	base = write_bundle(&o);
	for (int d = 0; d < CCM_GEN_D_COUNT; d++) {
		char *dir;

		o.defects = CCM_GEN_D_BIT(d);
		dir = write_bundle(&o);
		if (same_tree(base, dir))
			fail_msg("defect '%s' changed nothing",
				 ccm_gen_defect_name(d));
		tu_rmtree(dir);
		free(dir);
	}
	tu_rmtree(base);
	free(base);
}

static void defect_names_parse(void **state)
{
	unsigned bits;
	struct ccm_error err = { 0, "" };

	(void)state;
	assert_int_equal(ccm_gen_defects_parse(&bits, "all", &err), 0);
	assert_int_equal(bits, CCM_GEN_D_ALL);
	assert_int_equal(ccm_gen_defects_parse(&bits, "no-date, truncated", &err), 0);
	assert_int_equal(bits, CCM_GEN_D_BIT(CCM_GEN_D_NO_DATE) |
			       CCM_GEN_D_BIT(CCM_GEN_D_TRUNCATED));
	assert_int_equal(ccm_gen_defects_parse(&bits, "no-date,bogus", &err),
			 CCM_EINVAL);
	assert_non_null(strstr(err.msg, "'bogus'"));
	for (int d = 0; d < CCM_GEN_D_COUNT; d++) {
		assert_int_equal(ccm_gen_defects_parse(&bits,
			ccm_gen_defect_name(d), &err), 0);
		assert_int_equal(bits, CCM_GEN_D_BIT(d));
	}
}

static void no_item_sizes_needs_hex(void **state)
{
	struct ccm_gen_opts o;
	struct ccm_gen *g;
	struct ccm_error err = { 0, "" };

	(void)state;
	ccm_gen_opts_init(&o);
	o.item_sizes = 0;
	assert_int_equal(ccm_gen_new(&g, &o, &err), CCM_EINVAL);
	o.encoding = CCM_ENC_HEX;
	assert_int_equal(ccm_gen_new(&g, &o, &err), 0);
	ccm_gen_free(g);
}

/* The big attachment is exactly its size, and its stream reads the same
 * at any offset as in one go (the writer and the model agree). */
static void big_attachment_is_exact_and_streams(void **state)
{
	struct ccm_gen_opts o;
	struct ccm_gen *g;
	struct ccm_gen_msg *m = NULL;
	const struct ccm_gen_item *it = NULL;
	unsigned char *whole, piece[1000];
	size_t box = 0;

	(void)state;
	small_opts(&o);
	o.big_attachment = 300007;
	g = gen_new(&o);
	while (!g->boxes[box].big)
		box++;
	for (long i = 1; !it && i <= g->boxes[box].n_messages; i++) {
		ccm_gen_msg_free(m);
		assert_int_equal(ccm_gen_message(&m, g, box, i), 0);
		for (size_t k = 0; k < m->n_items; k++)
			if (m->items[k].size == o.big_attachment)
				it = &m->items[k];
	}
	assert_non_null(it);
	assert_string_equal(it->name, "BIGFILE.DAT");
	whole = malloc(o.big_attachment);
	assert_non_null(whole);
	assert_int_equal(ccm_gen_item_read(g, it, 0, whole, o.big_attachment),
			 o.big_attachment);
	for (uint64_t off = 0; off < o.big_attachment; off += 997) {
		long long got = ccm_gen_item_read(g, it, off, piece, sizeof(piece));

		assert_true(got > 0);
		assert_memory_equal(piece, whole + off, (size_t)got);
	}
	assert_int_equal(ccm_gen_item_read(g, it, o.big_attachment, piece, 10), 0);
	free(whole);
	ccm_gen_msg_free(m);
	ccm_gen_free(g);
}

/* The model keeps its promises about the post office's shape. */
static void model_has_the_shapes_the_issue_asks_for(void **state)
{
	struct ccm_gen_opts o;
	struct ccm_gen *g;
	int loc[128] = { 0 }, nomail = 0, empty = 0, japanese = 0, yen = 0;
	unsigned folders = 0, kinds = 0;
	int deep = 0;

	(void)state;
	small_opts(&o);
	o.users = 30;
	o.code_page = 932;
	g = gen_new(&o);
	for (size_t i = 0; i < g->n_dir; i++) {
		const struct ccm_gen_dirent *e = &g->dir[i];

		loc[(unsigned char)e->location]++;
		if ((e->location == 'L' || e->location == 'R') && e->box < 0)
			nomail++;
		empty += e->empty_mail;
		if ((unsigned char)e->name[0] >= 0xe3)
			japanese++;
		if (strstr(e->name, "表") || strstr(e->name, "ソ") ||
		    strstr(e->name, "能") || strstr(e->name, "十") ||
		    strstr(e->name, "申") || strstr(e->name, "予"))
			yen++;
	}
	for (const char *l = "PpLlRrAa"; *l; l++)
		if (!loc[(unsigned char)*l])
			fail_msg("no directory entry of location '%c'", *l);
	assert_true(nomail >= 1);
	assert_true(empty >= 1);
	assert_true(japanese >= 1);
	assert_true(yen >= 1);
	assert_true(g->n_lists >= 1 && g->n_pabs >= 1);
	for (size_t b = 0; b < g->n_boxes; b++)
		for (long i = 1; i <= g->boxes[b].n_messages; i++) {
			struct ccm_gen_msg *m;

			assert_int_equal(ccm_gen_message(&m, g, b, i), 0);
			for (size_t k = 0; k < m->n_items; k++) {
				const struct ccm_gen_item *it = &m->items[k];

				kinds |= 1u << it->kind;
				if (it->kind == CCM_ITEM_MESSAGE &&
				    it->message->n_items &&
				    it->message->items[it->message->n_items - 1]
					    .kind == CCM_ITEM_MESSAGE)
					deep = 1;
			}
			if (!m->folder)
				folders |= 1;
			else if (!strcmp(m->folder, "Message Log"))
				folders |= 2;
			else if (!strcmp(m->folder, "Drafts"))
				folders |= 4;
			else if (!strcmp(m->folder, "Trash"))
				folders |= 8;
			else if (!strcmp(m->folder, "Stationery") ||
				 !strcmp(m->folder, "Preferences") ||
				 !strcmp(m->folder, "Rules")) {
				folders |= 16;
				assert_null(m->subject);
				assert_int_equal(m->n_items, 0);
			} else if (strchr(m->folder, '\\')) {
				folders |= 32;
			}
			ccm_gen_msg_free(m);
		}
	assert_int_equal(folders, 63);
	assert_true(kinds & (1u << CCM_ITEM_TEXT));
	assert_true(kinds & (1u << CCM_ITEM_FILE));
	assert_true(kinds & (1u << CCM_ITEM_FAX));
	assert_true(kinds & (1u << CCM_ITEM_GRAPHICS));
	assert_true(kinds & (1u << CCM_ITEM_MESSAGE));
	assert_true(deep);
	ccm_gen_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_seed_gives_identical_bytes),
		cmocka_unit_test(message_made_twice_is_the_same),
		cmocka_unit_test(spec_worked_example_is_rendered_byte_for_byte),
		cmocka_unit_test(macbinary_crc_is_xmodem),
		cmocka_unit_test(counts_add_up_in_every_encoding),
		cmocka_unit_test(every_defect_switch_changes_the_output),
		cmocka_unit_test(defect_names_parse),
		cmocka_unit_test(no_item_sizes_needs_hex),
		cmocka_unit_test(big_attachment_is_exact_and_streams),
		cmocka_unit_test(model_has_the_shapes_the_issue_asks_for),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
